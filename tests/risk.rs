//! `chainmesh risk`: time to survive, time to recover and risk exposure,
//! checked against hand-computed values on small topologies.

mod common;

use assert_cmd::Command;
use chainmesh::sim::risk;

/// A chain farm → mill → shop (capacity 100) and a net where two mills of 60
/// share the load; repairs are fixed at `repair` steps; `steps` steps.
fn farm_scenario(steps: u32, repair: u32) -> chainmesh::scenario::Scenario {
    let header = format!(
        "steps = {steps}\nservice_level = 0.5\n[defaults]\nfailure_rate = 0.05\nrepair = {{ dist = \"fixed\", steps = {repair} }}\n[[shock]]\nat = 0\nselect = \"random\"\ncount = 1\n"
    );
    let chain = common::topology(
        "chain",
        &[
            ("farm", "source", 100.0, 0.05),
            ("mill", "relay", 100.0, 0.05),
            ("shop", "sink", 100.0, 0.05),
        ],
        &[("farm", "mill", None), ("mill", "shop", None)],
    );
    let net = common::topology(
        "net",
        &[
            ("farm", "source", 100.0, 0.05),
            ("mill_a", "relay", 60.0, 0.05),
            ("mill_b", "relay", 40.0, 0.05),
            ("shop", "sink", 100.0, 0.05),
        ],
        &[
            ("farm", "mill_a", None),
            ("farm", "mill_b", None),
            ("mill_a", "shop", None),
            ("mill_b", "shop", None),
        ],
    );
    common::scenario(&header, &[chain, net])
}

#[test]
fn a_node_without_alternates_survives_zero_steps_and_loses_its_repair_time() {
    let s = farm_scenario(20, 5);
    let tables = risk(&s, &[0, 1]).expect("risk");
    let chain = &tables[0];
    assert_eq!(chain.rows.len(), 3);
    for r in &chain.rows {
        // No alternate, no stock: below the service level at once.
        assert_eq!((r.tts, r.tts_censored), (0, false), "{r:?}");
        assert_eq!(r.ttr, 5.0);
        assert_eq!(r.lost, 500.0, "5 steps × 100 units");
        assert_eq!(r.exposure, 1.0);
        assert!(r.flag);
    }
    // Ties by id.
    let ids: Vec<&str> = chain.rows.iter().map(|r| r.node.as_str()).collect();
    assert_eq!(ids, ["farm", "mill", "shop"]);
}

#[test]
fn alternates_give_censored_survival_and_a_smaller_exposure() {
    let s = farm_scenario(20, 5);
    let net = &risk(&s, &[1]).expect("risk")[0];
    let row = |id: &str| net.rows.iter().find(|r| r.node == id).expect("row");
    // mill_a down: 40 of 100 still flow (φ 0.4 < 0.5): TTS 0, lost 5 × 60.
    assert_eq!((row("mill_a").tts, row("mill_a").lost), (0, 300.0));
    // mill_b down: φ 0.6 ≥ 0.5 for the whole horizon: censored at H = 20.
    let b = row("mill_b");
    assert_eq!((b.tts, b.tts_censored, b.flag), (20, true, false));
    assert_eq!(b.lost, 200.0, "5 steps × 40 units");
    // Exposure is relative to the largest loss (farm or shop: 500).
    assert_eq!(row("farm").exposure, 1.0);
    assert!((row("mill_a").exposure - 0.6).abs() < 1e-12);
    assert!((b.exposure - 0.4).abs() < 1e-12);
    // Sorted by exposure, highest first, then id.
    let ids: Vec<&str> = net.rows.iter().map(|r| r.node.as_str()).collect();
    assert_eq!(ids, ["farm", "shop", "mill_a", "mill_b"]);
}

#[test]
fn a_repair_longer_than_the_horizon_is_simulated_past_it() {
    let s = farm_scenario(10, 30);
    let net = &risk(&s, &[1]).expect("risk")[0];
    let b = net.rows.iter().find(|r| r.node == "mill_b").expect("row");
    assert_eq!(b.tts, 10, "censored at the horizon, not at the longer run");
    assert_eq!(b.lost, 30.0 * 40.0);
}

#[test]
fn risk_ignores_random_failures_and_scripted_shocks() {
    // The same topologies with no failures and no shock give the same tables.
    let noisy = farm_scenario(20, 5);
    let mut calm = noisy.clone();
    calm.shocks.clear();
    for t in &mut calm.topologies {
        for n in &mut t.nodes {
            n.failure_rate = 0.0;
        }
    }
    assert_eq!(
        risk(&noisy, &[0, 1]).expect("risk"),
        risk(&calm, &[0, 1]).expect("risk")
    );
}

#[test]
fn the_command_prints_every_format() {
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("chainmesh")
            .expect("binary")
            .args(args)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let json: serde_json::Value =
        serde_json::from_str(&run(&["risk", "agriculture", "--format", "json"])).expect("json");
    let chain = &json["topologies"][0];
    assert_eq!(chain["id"], "chain");
    let first = &chain["rows"][0];
    for key in [
        "node",
        "tts",
        "tts_censored",
        "ttr",
        "lost",
        "exposure",
        "flag",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert_eq!(first["exposure"], 1.0);
    let csv = run(&[
        "risk",
        "agriculture",
        "--format",
        "csv",
        "--topology",
        "network",
    ]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("topology,node,tts,tts_censored,ttr,lost,exposure,flag")
    );
    assert!(lines.all(|l| l.starts_with("network,")));
    let table = run(&["risk", "agriculture"]);
    assert!(table.contains("≥ 120"), "{table}");
    assert!(
        table.contains("reproduce: chainmesh risk agriculture"),
        "{table}"
    );
    let md = run(&["risk", "agriculture", "--format", "markdown"]);
    assert!(
        md.contains("| node | TTS | TTR | lost | exposure | flag |"),
        "{md}"
    );
}

#[test]
fn an_unknown_topology_is_a_usage_error() {
    Command::cargo_bin("chainmesh")
        .expect("binary")
        .args(["risk", "agriculture", "--topology", "nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--topology \"nope\" is not in the scenario",
        ));
}
