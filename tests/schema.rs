//! `chainmesh schema`: the committed schema is current, every valid scenario
//! passes it, and the mistakes it can describe are caught by it and by the
//! validator alike.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use jsonschema::Validator;
use serde_json::Value;

use chainmesh::scenario::Scenario;

const COMMITTED: &str = "docs/scenario.schema.json";

fn chainmesh() -> Command {
    Command::cargo_bin("chainmesh").expect("binary built")
}

fn validator() -> Validator {
    jsonschema::draft7::new(&chainmesh::scenario::schema::scenario_schema())
        .expect("a valid draft-07 schema")
}

/// A scenario file as the JSON value an editor's schema check sees.
fn as_json(text: &str) -> Value {
    toml::from_str(text).expect("well-formed TOML")
}

/// Every schema error, one per line, for assertion messages.
fn errors(v: &Validator, text: &str) -> String {
    let value = as_json(text);
    v.iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn toml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("folder exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn committed_schema_equals_generated_output() {
    let out = chainmesh().arg("schema").output().expect("runs");
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).expect("utf-8");
    let committed = std::fs::read_to_string(COMMITTED).expect("docs/scenario.schema.json exists");
    assert!(
        committed == generated,
        "{COMMITTED} is stale; regenerate it with `cargo run -- schema --out {COMMITTED}`"
    );
    assert_eq!(
        generated,
        chainmesh::scenario::schema::scenario_schema_json()
    );
}

#[test]
fn schema_out_writes_the_same_bytes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.json");
    chainmesh()
        .args(["schema", "--out"])
        .arg(&path)
        .assert()
        .success();
    let written = std::fs::read_to_string(&path).expect("written");
    assert_eq!(written, chainmesh::scenario::schema::scenario_schema_json());
}

#[test]
fn schema_is_draft07_and_describes_the_fields() {
    let s = chainmesh::scenario::schema::scenario_schema();
    assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(s["additionalProperties"], false);
    let node = &s["definitions"]["Node"]["properties"];
    assert_eq!(
        node["role"]["enum"],
        serde_json::json!(["source", "relay", "sink"])
    );
    assert_eq!(node["failure_rate"]["minimum"], 0);
    assert_eq!(node["failure_rate"]["exclusiveMaximum"], 1);
    assert_eq!(node["capacity"]["exclusiveMinimum"], 0);
    let sectors: Vec<&str> = chainmesh::scenario::Sector::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert_eq!(
        s["definitions"]["Header"]["properties"]["sector"]["enum"],
        serde_json::json!(sectors)
    );
    // Every field has a description for editors to show.
    for (name, def) in s["definitions"].as_object().expect("definitions") {
        let Some(props) = def["properties"].as_object() else {
            continue;
        };
        for (field, prop) in props {
            assert!(
                prop["description"].is_string(),
                "{name}.{field} has no description"
            );
        }
    }
    // TOML has no null: never offered as a type or a default.
    assert!(!chainmesh::scenario::schema::scenario_schema_json().contains("null"));
}

#[test]
fn every_shipped_scenario_and_fixture_passes() {
    let v = validator();
    let files: Vec<PathBuf> = [toml_files("scenarios"), toml_files("tests/fixtures")].concat();
    assert!(files.len() >= 7, "found only {files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let errs = errors(&v, &text);
        assert!(errs.is_empty(), "{}:\n{errs}", path.display());
    }
}

#[test]
fn generated_and_template_scenarios_pass() {
    let v = validator();
    let dir = tempfile::tempdir().expect("temp dir");
    for template in ["chain", "network", "mesh"] {
        for sector in ["agriculture", "smart-city", "other"] {
            let path = dir.path().join(format!("{template}-{sector}.toml"));
            chainmesh()
                .arg("new")
                .arg(&path)
                .args(["--template", template, "--sector", sector])
                .assert()
                .success();
            let text = std::fs::read_to_string(&path).expect("written");
            let errs = errors(&v, &text);
            assert!(
                errs.is_empty(),
                "new --template {template} --sector {sector}:\n{errs}"
            );
        }
    }
    for model in ["layered", "er", "ba"] {
        let out = chainmesh()
            .args(["generate", "--model", model, "--nodes", "12"])
            .output()
            .expect("runs");
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let errs = errors(&v, &text);
        assert!(errs.is_empty(), "generate --model {model}:\n{errs}");
    }
}

/// A small valid file the bad cases below change one thing in.
const BASE: &str = r#"
[scenario]
name = "tiny"
sector = "other"
steps = 50
service_level = 0.8

[defaults]
capacity = 10.0
failure_rate = 0.01
repair = { dist = "fixed", steps = 3 }

[[shock]]
at = 5
select = "random"
count = 1

[[topology]]
id = "chain"

[[topology.node]]
id = "a"
role = "source"

[[topology.node]]
id = "b"
role = "sink"
failure_rate = 0.02

[[topology.link]]
from = "a"
to = "b"
"#;

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

#[test]
fn base_case_passes_schema_and_validator() {
    let errs = errors(&validator(), BASE);
    assert!(errs.is_empty(), "{errs}");
    Scenario::from_toml("base.toml", BASE).expect("valid");
}

/// Each bad file is rejected by the schema, by the validator, and (for the
/// schema) with an error that points at the offending place.
#[test]
fn bad_files_are_rejected_by_schema_and_validator() {
    let cases: &[(&str, String, &str)] = &[
        (
            "unknown field",
            replace_once(BASE, "id = \"a\"\n", "id = \"a\"\ncolour = \"red\"\n"),
            "colour",
        ),
        (
            "failure_rate = 1.5",
            replace_once(BASE, "failure_rate = 0.02", "failure_rate = 1.5"),
            "/topology/0/node/1/failure_rate",
        ),
        (
            "failure_rate = 1 (excluded)",
            replace_once(BASE, "failure_rate = 0.01", "failure_rate = 1.0"),
            "/defaults/failure_rate",
        ),
        (
            "unknown sector",
            replace_once(BASE, "sector = \"other\"", "sector = \"farming\""),
            "/scenario/sector",
        ),
        (
            "unknown role",
            replace_once(BASE, "role = \"sink\"", "role = \"consumer\""),
            "/topology/0/node/1/role",
        ),
        (
            "unknown select",
            replace_once(BASE, "select = \"random\"", "select = \"everything\""),
            "/shock/0/select",
        ),
        (
            "unknown repair dist",
            replace_once(BASE, "dist = \"fixed\"", "dist = \"weibull\""),
            "/defaults/repair",
        ),
        (
            "repair steps = 0",
            replace_once(BASE, "steps = 3", "steps = 0"),
            "/defaults/repair",
        ),
        (
            "steps = 0",
            replace_once(BASE, "steps = 50", "steps = 0"),
            "/scenario/steps",
        ),
        (
            "steps too large",
            replace_once(BASE, "steps = 50", "steps = 100001"),
            "/scenario/steps",
        ),
        (
            "service_level = 0",
            replace_once(BASE, "service_level = 0.8", "service_level = 0.0"),
            "/scenario/service_level",
        ),
        (
            "capacity = 0",
            replace_once(BASE, "capacity = 10.0", "capacity = 0.0"),
            "/defaults/capacity",
        ),
        (
            "wrong type",
            replace_once(BASE, "steps = 50", "steps = \"fifty\""),
            "/scenario/steps",
        ),
        (
            "shock without at",
            replace_once(BASE, "at = 5\n", ""),
            "/shock/0",
        ),
        (
            "no topology",
            BASE[..BASE.find("[[topology]]").expect("has a topology")].to_string(),
            "topology",
        ),
        (
            "missing sector",
            replace_once(BASE, "sector = \"other\"\n", ""),
            "sector",
        ),
    ];
    let v = validator();
    for (what, text, expect) in cases {
        let errs = errors(&v, text);
        assert!(!errs.is_empty(), "schema accepted {what}");
        assert!(
            errs.contains(expect),
            "{what}: expected an error mentioning {expect:?}, got:\n{errs}"
        );
        assert!(
            Scenario::from_toml("bad.toml", text).is_err(),
            "validator accepted {what}, but the schema rejects it"
        );
    }
}

#[test]
fn committed_schema_is_where_the_readme_says() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    assert!(readme.contains("#:schema"));
    assert!(Path::new(COMMITTED).is_file());
}
