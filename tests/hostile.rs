//! Hostile scenario files (issue 14, items 1–2): markup, terminal escape
//! sequences (OSC title, OSC 52 clipboard, clear screen, SGR, C1 CSI), bidi
//! overrides and other control characters in every text field. For every
//! command and format: terminal and text outputs carry no unsafe character
//! but `\n`; JSON escapes them and still decodes to the exact text; the
//! Markdown renders to no tag from the file; the handout's HTML has no
//! element or handler from the file and every SVG is valid XML.
//!
//! `CHAINMESH_TEST_BIN=/path/to/old/chainmesh cargo test --test hostile`
//! runs the same checks against another binary (the old one fails them).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use chainmesh::report::escape::is_unsafe;

const HOSTILE: &str = "tests/hostile/injection.toml";
/// The file's texts, decoded (what JSON must give back exactly).
const NAME: &str = "<img src=x onerror=alert(1)>\u{1b}]0;pwned\u{7} Farm\u{1b}[2J";
const LABEL: &str = "<svg onload=alert(1)> chain \u{1b}[31mred\u{1b}[0m \u{1}\u{1f}";
/// Elements the file tries to inject: none may come out as markup.
const TAGS: [&str; 3] = ["script", "iframe", "b"];

fn bin() -> PathBuf {
    std::env::var_os("CHAINMESH_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("chainmesh"))
}

fn run(args: &[&str], cwd: &Path) -> Output {
    let root = env!("CARGO_MANIFEST_DIR");
    std::process::Command::new(bin())
        .args(
            args.iter()
                .map(|a| a.replace("{HOSTILE}", &format!("{root}/{HOSTILE}"))),
        )
        .current_dir(cwd)
        .output()
        .expect("run chainmesh")
}

fn ok(args: &[&str], cwd: &Path) -> String {
    let out = run(args, cwd);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_terminal_safe(&format!("{args:?} stderr"), &out.stderr);
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// No unsafe character but `\n` (no ESC, BEL, CR, C1, bidi override).
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<String> = text
        .chars()
        .filter(|&c| is_unsafe(c) && c != '\n')
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: unsafe characters {bad:?} in\n{text}"
    );
}

/// Markdown that renders (pulldown-cmark, raw HTML allowed) to no tag from the file.
fn assert_markdown_inert(what: &str, md: &str) {
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(md, pulldown_cmark::Options::ENABLE_TABLES),
    );
    assert_no_tags(what, &html);
}

/// Every `<…>` tag of `html`: none is one of [`TAGS`], none has an `on…=`
/// event handler, no `javascript:` URL.
fn assert_no_tags(what: &str, html: &str) {
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = rest[..end].to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        assert!(!TAGS.contains(&name), "{what}: <{tag}> reached the HTML");
        for attr in tag.split_whitespace().skip(1) {
            assert!(
                !(attr.starts_with("on") && attr.contains('=')),
                "{what}: handler in <{tag}>"
            );
        }
        assert!(!tag.contains("javascript:"), "{what}: <{tag}>");
    }
    for own in [
        "<em>more",
        "<strong>bold",
        "<code>code",
        "<h1>not a heading",
        "<li>not a list",
    ] {
        assert!(
            !html.contains(own),
            "{what}: file text became markup: {own}"
        );
    }
}

#[test]
fn check_and_run_terminal_formats_are_inert() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let check = ok(&["check", "{HOSTILE}"], d);
    assert_terminal_safe("check", check.as_bytes());
    assert!(
        check.contains("\\u001b]0;pwned\\u0007"),
        "escaped, not dropped:\n{check}"
    );
    for format in ["table", "csv", "markdown"] {
        let out = ok(&["run", "{HOSTILE}", "--format", format, "--quiet"], d);
        assert_terminal_safe(format, out.as_bytes());
        assert!(
            out.contains("\\u001b"),
            "{format}: escaped, not dropped:\n{out}"
        );
    }
    let md = ok(&["run", "{HOSTILE}", "--format", "markdown", "--quiet"], d);
    assert_markdown_inert("run --format markdown", &md);
    for format in ["table", "csv", "markdown", "json"] {
        let out = ok(&["risk", "{HOSTILE}", "--format", format], d);
        assert_terminal_safe(&format!("risk {format}"), out.as_bytes());
    }
    let md = ok(&["risk", "{HOSTILE}", "--format", "markdown"], d);
    assert_markdown_inert("risk --format markdown", &md);
}

#[test]
fn json_escapes_and_keeps_the_exact_text() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = ok(
        &["run", "{HOSTILE}", "--format", "json", "--quiet"],
        dir.path(),
    );
    assert_terminal_safe("json", out.as_bytes());
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["scenario"]["name"], NAME);
    assert_eq!(v["topologies"][0]["label"], LABEL);
    assert!(
        out.contains("\\u202e"),
        "bidi override escaped in a label:\n{out}"
    );
}

#[test]
fn per_trial_partials_merge_sweep_set_and_trace_are_inert() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    ok(
        &[
            "run",
            "{HOSTILE}",
            "--trials",
            "8",
            "--per-trial",
            "p.csv",
            "--quiet",
        ],
        d,
    );
    assert_terminal_safe("per-trial", &std::fs::read(d.join("p.csv")).expect("p.csv"));
    ok(
        &[
            "run",
            "{HOSTILE}",
            "--trial-range",
            "0..5",
            "--out",
            "a.json",
            "--quiet",
        ],
        d,
    );
    ok(
        &[
            "run",
            "{HOSTILE}",
            "--trial-range",
            "5..9",
            "--out",
            "b.json",
            "--quiet",
        ],
        d,
    );
    assert_terminal_safe("partial", &std::fs::read(d.join("a.json")).expect("a"));
    for format in ["table", "markdown", "csv", "json"] {
        let out = ok(&["merge", "a.json", "b.json", "--format", format], d);
        assert_terminal_safe(&format!("merge {format}"), out.as_bytes());
    }
    for format in ["table", "markdown", "csv", "json"] {
        let out = ok(
            &[
                "sweep",
                "{HOSTILE}",
                "--points",
                "5",
                "--trials",
                "3",
                "--format",
                format,
            ],
            d,
        );
        assert_terminal_safe(&format!("sweep {format}"), out.as_bytes());
        if format == "markdown" {
            assert_markdown_inert("sweep markdown", &out);
        }
    }
    for format in ["table", "markdown", "csv", "json"] {
        let out = ok(
            &[
                "run",
                "{HOSTILE}",
                "--set",
                "scenario.seed=1,2",
                "--trials",
                "4",
                "--format",
                format,
                "--quiet",
            ],
            d,
        );
        assert_terminal_safe(&format!("run --set {format}"), out.as_bytes());
        if format == "markdown" {
            assert_markdown_inert("run --set markdown", &out);
        }
    }
    let trace = ok(&["trace", "{HOSTILE}", "--trial", "1"], d);
    assert_terminal_safe("trace", trace.as_bytes());
}

#[test]
fn echoed_shock_and_set_values_and_errors_are_inert() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let shock = "at=3,select=nodes,nodes=b,label=\u{1b}]0;owned\u{7}\u{1b}[2J";
    let out = ok(&["run", "{HOSTILE}", "--shock", shock, "--quiet"], d);
    assert_terminal_safe("echoed --shock", out.as_bytes());
    // A bad --shock and a bad --set are quoted in the error message.
    for args in [
        vec![
            "run",
            "{HOSTILE}",
            "--shock",
            "at=3,select=\u{1b}]52;c;eA==\u{7}",
        ],
        vec!["run", "{HOSTILE}", "--set", "scenario.\u{1b}[2J=1"],
        vec!["check", "tests/hostile/bad-id.toml"],
    ] {
        let out = run(&args, Path::new(env!("CARGO_MANIFEST_DIR")));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_terminal_safe(&format!("{args:?} stderr"), &out.stderr);
        assert_terminal_safe(&format!("{args:?} stdout"), &out.stdout);
    }
}

#[test]
fn handout_html_markdown_and_svgs_are_inert() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    ok(
        &[
            "report",
            "{HOSTILE}",
            "agriculture",
            "--trials",
            "6",
            "--out",
            "h",
        ],
        d,
    );
    let h = d.join("h");
    let html = std::fs::read_to_string(h.join("report.html")).expect("html");
    assert_no_tags("report.html", &html);
    assert_terminal_safe("report.html", html.as_bytes());
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the name is shown as text"
    );
    let md = std::fs::read_to_string(h.join("report.md")).expect("md");
    assert_terminal_safe("report.md", md.as_bytes());
    assert_markdown_inert("report.md", &md);
    let mut svgs = 0;
    for e in std::fs::read_dir(&h).expect("dir") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "svg") {
            let text = std::fs::read_to_string(&p).expect("svg");
            roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{} is not valid XML: {e}", p.display()));
            assert_no_tags(&p.display().to_string(), &text);
            svgs += 1;
        }
    }
    assert!(svgs >= 5, "{svgs} SVG charts");
}

#[test]
fn zh_tw_handout_escapes_the_chinese_names_too() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let root = env!("CARGO_MANIFEST_DIR");
    let base = std::fs::read_to_string(format!("{root}/{HOSTILE}")).expect("fixture");
    let zh = base
        .replacen(
            "sector = \"other\"",
            "name_zh = \"<img src=y onerror=alert(2)>農場\\u001b]0;pwned\\u0007\"\n\
lesson_zh = \"<script>alert('課')</script>\\u001b[2J 教訓\"\nsector = \"other\"",
            1,
        )
        .replacen(
            "id = \"chain\"\n",
            "id = \"chain\"\nlabel_zh = \"<svg onload=alert(3)>鏈\\u0001\"\n",
            1,
        );
    assert_ne!(zh, base);
    std::fs::write(d.join("zh.toml"), zh).expect("write");
    ok(
        &[
            "report", "zh.toml", "--trials", "6", "--out", "h", "--lang", "zh-TW",
        ],
        d,
    );
    let h = d.join("h");
    let html = std::fs::read_to_string(h.join("report.html")).expect("html");
    assert_no_tags("report.html", &html);
    assert_terminal_safe("report.html", html.as_bytes());
    assert!(
        html.contains("&lt;img src=y onerror=alert(2)&gt;農場"),
        "the Chinese name is shown as text"
    );
    assert!(!html.contains("<svg onload"));
    let md = std::fs::read_to_string(h.join("report.md")).expect("md");
    assert_terminal_safe("report.md", md.as_bytes());
    assert_markdown_inert("report.md", &md);
    for e in std::fs::read_dir(&h).expect("dir") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "svg") {
            let text = std::fs::read_to_string(&p).expect("svg");
            roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{} is not valid XML: {e}", p.display()));
            assert_no_tags(&p.display().to_string(), &text);
        }
    }
}

// Issue 22: noncharacters, raw bidi/C1 in machine formats, CSV formulas,
// glyphs no embedded font has.

const ENCODING: &str = "tests/hostile/encoding.toml";
/// The `chain` topology's label, decoded.
const BIDI_LABEL: &str = "=cmd|' /C calc'!A0 \u{202e}evil\u{202c} \u{2066}iso\u{2069} \u{9b}31m";

fn corpus(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn noncharacters_leave_every_svg_and_graphml_valid_xml() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let file = corpus(ENCODING);
    for lang in ["en", "zh-TW"] {
        let out = format!("h-{lang}");
        ok(
            &[
                "report", &file, "--trials", "4", "--out", &out, "--lang", lang,
            ],
            d,
        );
        let mut svgs = 0;
        for e in std::fs::read_dir(d.join(&out)).expect("dir") {
            let p = e.expect("entry").path();
            if p.extension().is_some_and(|x| x == "svg" || x == "html") {
                let text = std::fs::read_to_string(&p).expect("svg");
                assert_terminal_safe(&p.display().to_string(), text.as_bytes());
                if p.extension().is_some_and(|x| x == "svg") {
                    roxmltree::Document::parse(&text)
                        .unwrap_or_else(|e| panic!("{} is not valid XML: {e}", p.display()));
                    svgs += 1;
                }
            }
        }
        // Four charts (service, distribution, attack) and two drawings.
        assert!(svgs >= 5, "{lang}: {svgs} SVG files");
    }
    let graphml = ok(
        &[
            "export",
            &file,
            "--format",
            "graphml",
            "--topology",
            "chain",
        ],
        d,
    );
    assert_terminal_safe("export graphml", graphml.as_bytes());
    let doc = roxmltree::Document::parse(&graphml).expect("GraphML is valid XML");
    let data = |key: &str| {
        doc.descendants()
            .find(|n| n.attribute("key") == Some(key))
            .and_then(|n| n.text())
            .map(str::to_string)
    };
    // Bidi and C1 as character references: the exact text comes back.
    assert_eq!(data("g_label").as_deref(), Some(BIDI_LABEL));
}

#[test]
fn exports_and_imports_escape_bidi_and_c1_and_keep_the_text() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let file = corpus(ENCODING);
    let json = ok(
        &["export", &file, "--format", "json", "--topology", "chain"],
        d,
    );
    assert_terminal_safe("export json", json.as_bytes());
    assert!(
        json.contains("\\u202e") && json.contains("\\u009b"),
        "{json}"
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["graph"]["label"], BIDI_LABEL);
    assert_eq!(
        v["graph"]["name"],
        "=HYPERLINK(\"http://evil.example\",\"x\") \u{fffe}\u{ffff}\u{fdd0}\u{1fffe} farm"
    );
    let dot = ok(&["export", &file, "--format", "dot"], d);
    assert_terminal_safe("export dot", dot.as_bytes());
    assert!(dot.contains("&#x202E;evil&#x202C;"), "{dot}");
    // GraphML and JSON read back by `import` (to stdout): a TOML file that
    // escapes the same characters and reads back to the same label.
    for (name, text) in [("g.graphml", None), ("g.json", Some(&json))] {
        let body = match text {
            Some(t) => t.clone(),
            None => ok(
                &[
                    "export",
                    &file,
                    "--format",
                    "graphml",
                    "--topology",
                    "chain",
                ],
                d,
            ),
        };
        std::fs::write(d.join(name), body).expect("write");
        let toml = ok(&["import", name, "--quiet"], d);
        assert_terminal_safe(&format!("import {name}"), toml.as_bytes());
        let s = chainmesh::scenario::Scenario::from_toml(name, &toml).expect("imported TOML");
        assert_eq!(s.topologies[0].label, BIDI_LABEL, "{name}");
    }
}

/// Every cell of `csv`: none a spreadsheet would run as a formula (text
/// starting with `= + - @`, TAB or CR that is not a number).
fn assert_no_formulas(what: &str, csv: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{what}: not CSV: {e}\n{csv}"));
        for cell in &record {
            let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
            assert!(
                !risky || cell.parse::<f64>().is_ok(),
                "{what}: formula cell {cell:?}"
            );
        }
        rows.push(record.iter().map(str::to_string).collect());
    }
    rows
}

#[test]
fn csv_formulas_are_neutralised_and_numbers_stay_numbers() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let file = corpus(ENCODING);
    let run = ok(&["run", &file, "--format", "csv", "--quiet"], d);
    let rows = assert_no_formulas("run csv", &run);
    assert_eq!(
        rows[1][0],
        "'=HYPERLINK(\"http://evil.example\",\"x\") \\ufffe\\uffff\\ufdd0\\U0001fffe farm"
    );
    assert!(
        rows[1][2].starts_with("'=cmd|' /C calc'!A0"),
        "{:?}",
        rows[1]
    );
    // Numeric columns are untouched.
    let service = rows[0]
        .iter()
        .position(|h| h == "service_mean")
        .expect("column");
    assert!(rows[1][service].parse::<f64>().is_ok(), "{:?}", rows[1]);
    // Two scenarios: the per-trial file names them in a first column.
    ok(
        &["run", &file, "{HOSTILE}", "--per-trial", "p.csv", "--quiet"],
        d,
    );
    let per_trial = std::fs::read_to_string(d.join("p.csv")).expect("p.csv");
    let rows = assert_no_formulas("per-trial", &per_trial);
    assert!(rows[1][0].starts_with("'=HYPERLINK"), "{:?}", rows[1]);
    ok(
        &[
            "run",
            &file,
            "--out",
            "r.json",
            "--quiet",
            "--trial-range",
            "0..3",
        ],
        d,
    );
    ok(
        &[
            "run",
            &file,
            "--out",
            "s.json",
            "--quiet",
            "--trial-range",
            "3..6",
        ],
        d,
    );
    assert_no_formulas(
        "merge csv",
        &ok(&["merge", "r.json", "s.json", "--format", "csv"], d),
    );
    assert_no_formulas(
        "sweep csv",
        &ok(
            &[
                "sweep", &file, "--points", "3", "--trials", "2", "--format", "csv",
            ],
            d,
        ),
    );
    let risk = ok(&["risk", &file, "--format", "csv"], d);
    let rows = assert_no_formulas("risk csv", &risk);
    assert!(rows.iter().any(|r| r[1] == "a"), "{risk}");
    assert_no_formulas("trace", &ok(&["trace", &file], d));
    // A `--set` value that is a number stays one (`-0.5`); a text one is neutralised.
    let set = ok(
        &[
            "run",
            &file,
            "--set",
            "scenario.service_level=0.5,0.25",
            "--trials",
            "2",
            "--format",
            "csv",
            "--quiet",
        ],
        d,
    );
    assert_no_formulas("run --set csv", &set);
    let node_c = chainmesh::report::csv_field("-0.5");
    assert_eq!(node_c, "-0.5");
    assert_eq!(chainmesh::report::csv_field("@SUM(1+1)"), "'@SUM(1+1)");
    assert_eq!(chainmesh::report::csv_field("+1+1"), "'+1+1");
    assert_eq!(chainmesh::report::csv_field("-2+3"), "'-2+3");
    assert_eq!(chainmesh::report::csv_field("Farm -> mill"), "Farm -> mill");
    assert_eq!(
        chainmesh::report::csv_field("=1,2"),
        "\"'=1,2\"",
        "neutralised, then quoted"
    );
}

/// Every cell of a TUI frame of `scenario`, `width` × `height`.
fn tui_cells(scenario: chainmesh::scenario::Scenario, zh: bool) -> Vec<String> {
    use chainmesh::tui::{App, McMode, TuiOptions};
    let app = App::new(
        TuiOptions {
            scenario,
            scenario_arg: ENCODING.to_string(),
            seed: 3,
            trial: 0,
            shocks: Vec::new(),
            scales: Vec::new(),
            lang_zh: zh,
        },
        McMode::Off,
    )
    .expect("app starts");
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 40)).expect("terminal");
    terminal
        .draw(|f| chainmesh::tui::render(&app, f))
        .expect("draws");
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol().to_string())
        .collect()
}

#[test]
fn tui_titles_draw_no_bidi_or_c1() {
    let scenario =
        chainmesh::scenario::Scenario::from_path(Path::new(&corpus(ENCODING))).expect("parses");
    // The hostile label is the first panel's title.
    assert_eq!(scenario.topologies[0].label, BIDI_LABEL);
    for zh in [false, true] {
        let cells = tui_cells(scenario.clone(), zh);
        let screen: String = cells.concat();
        assert!(screen.contains("evil"), "the title is drawn:\n{screen}");
        let bad: Vec<String> = screen
            .chars()
            .filter(|&c| is_unsafe(c))
            .map(|c| format!("U+{:04X}", u32::from(c)))
            .collect();
        assert!(bad.is_empty(), "zh {zh}: {bad:?} drawn raw");
    }
}

#[test]
fn trace_help_and_long_numbers_print_as_meant() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    // Stock drawn to exactly nothing is `0`, never `-0`.
    let trace = ok(&["trace", "agriculture"], d);
    assert!(trace.starts_with(
        "step,topology,throughput,service,down,drawn,stock,hazard,hazard_hits,cost,command"
    ));
    for line in trace.lines() {
        assert!(!line.split(',').any(|c| c == "-0"), "{line}");
    }
    // `--help` promises no comment line the CSV does not have.
    for cmd in ["run", "merge", "sweep", "risk", "list"] {
        let help = ok(&[cmd, "--help"], d);
        assert!(!help.contains("`#` comment"), "{cmd} --help:\n{help}");
    }
    // 1e308 and 5e-324 as written, not as 309 or 324 digits.
    let base = std::fs::read_to_string(corpus(ENCODING)).expect("corpus");
    let huge = base.replacen("capacity = 10.0", "capacity = 1e308", 1);
    std::fs::write(d.join("huge.toml"), huge).expect("write");
    let out = run(&["check", "huge.toml"], d);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("found 1e308"), "{err}");
    let tiny = base
        .replacen("seed = 3", "seed = 3\nservice_level = 5e-324", 1)
        .replacen(
            "[[topology]]",
            "[[shock]]\nat = 3\nselect = \"degree\"\nfraction = 5e-324\n\n[[topology]]",
            1,
        );
    std::fs::write(d.join("tiny.toml"), tiny).expect("write");
    let check = ok(&["check", "tiny.toml"], d);
    assert!(check.contains("service level 5e-324"), "{check}");
    let run_out = ok(&["run", "tiny.toml", "--trials", "2", "--quiet"], d);
    for text in [&check, &run_out, &err.to_string()] {
        let longest = text
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        assert!(longest < 20, "a {longest}-digit number in\n{text}");
    }
}
