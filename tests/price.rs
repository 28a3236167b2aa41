//! `chainmesh price` (docs/model.md, section 12): the break-even on a case
//! computed by hand, the three kinds of answer, the same trials at every
//! scale, thread independence, the JSON shape and the refusal of a
//! scenario without costs.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use assert_cmd::Command;
use chainmesh::price::{BreakEven, PriceOptions, PriceReport, price};
use chainmesh::scenario::Scenario;
use chainmesh::sim::{Prepared, RunControl, run_trials};

/// A chain farm → shop and a network where a backup farm (fixed cost
/// `backup_fixed` per step) also serves the shop. Capacities 100, no random
/// failures (`failure_rate` unless given), and one scripted shock: the farm
/// is down for the first 20 steps of 100. Lost sales cost 10 per unit.
///
/// By hand, per unit of baseline (money ÷ (100 units × 100 steps)):
/// - chain at scale s: the shock lasts round(20·s) steps (at least 1; none
///   at s = 0), each losing 100 units × 10: cost(s) = round(20·s) / 10, so
///   0, 0.5, 1.0, 1.5, 2.0 at s = 0, 0.25, 0.5, 0.75, 1;
/// - network: the backup covers the farm, nothing is lost; it costs its
///   fixed cost at every step: backup_fixed / 100 whatever s.
///
/// With backup_fixed = 130 the network costs 1.3: dearer at s = 0.5 (1.0),
/// cheaper at 0.75 (1.5); the difference 1.3 − cost(s) is 0.3 and −0.2
/// there, so the straight line crosses 0 at 0.5 + 0.25 · 0.3 / 0.5 = 0.65
/// (exact here: the chain's cost is linear in s between the grid points).
fn hand_text(backup_fixed: f64, failure_rate: f64) -> String {
    format!(
        r#"[scenario]
name = "hand"
sector = "other"
steps = 100
trials = 5
seed = 3
currency = "NT$"

[defaults]
failure_rate = {failure_rate:?}
repair = {{ dist = "fixed", steps = 3 }}
lost_sale_cost = 10

[[shock]]
at = 0
select = "nodes"
nodes = ["farm"]
duration = 20

[[topology]]
id = "chain"
[[topology.node]]
id = "farm"
role = "source"
capacity = 100
[[topology.node]]
id = "shop"
role = "sink"
capacity = 100
[[topology.link]]
from = "farm"
to = "shop"

[[topology]]
id = "net"
[[topology.node]]
id = "farm"
role = "source"
capacity = 100
[[topology.node]]
id = "backup"
role = "source"
capacity = 100
fixed_cost = {backup_fixed:?}
[[topology.node]]
id = "shop"
role = "sink"
capacity = 100
[[topology.link]]
from = "farm"
to = "shop"
[[topology.link]]
from = "backup"
to = "shop"
"#
    )
}

fn hand(backup_fixed: f64) -> Scenario {
    let text = hand_text(backup_fixed, 0.0);
    Scenario::from_toml("hand.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn priced(s: &Scenario, scales: &[f64], trials: u64, seed: u64) -> PriceReport {
    let stop = AtomicBool::new(false);
    let ctl = RunControl {
        on_trial: &|| {},
        stop: &stop,
    };
    let opts = PriceOptions {
        scales: scales.to_vec(),
        trials,
        seed,
    };
    price(s, &opts, &ctl).expect("priced").expect("not stopped")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + b.abs())
}

#[test]
fn the_break_even_of_the_hand_case_is_interpolated_between_the_grid_points() {
    let r = priced(&hand(130.0), &[0.0, 0.25, 0.5, 0.75, 1.0], 3, 1);
    let [chain, net] = r.topologies.as_slice() else {
        panic!("two topologies")
    };
    let means = |t: &chainmesh::price::TopologyPrice| -> Vec<f64> {
        t.costs.iter().map(|c| c.mean).collect()
    };
    for (got, want) in means(chain).iter().zip([0.0, 0.5, 1.0, 1.5, 2.0]) {
        assert!(close(*got, want), "chain {:?}", means(chain));
    }
    for got in means(net) {
        assert!(close(got, 1.3), "net {:?}", means(net));
    }
    // No randomness: every trial alike, no spread.
    assert!(chain.costs.iter().all(|c| c.ci95 == 0.0));
    assert_eq!((chain.cost_calm, net.cost_calm), (0.0, 1.3));
    assert_eq!(chain.break_even, BreakEven::Reference);
    let BreakEven::Interpolated(s) = net.break_even else {
        panic!("{:?}", net.break_even)
    };
    assert!(close(s, 0.65), "{s}");
    // The paired differences say the same, trial by trial.
    let diffs = net.vs_first.as_ref().expect("vs first");
    assert!(close(diffs[2].mean, 0.3) && diffs[2].p_cheaper == 0.0);
    assert!(close(diffs[3].mean, -0.2) && diffs[3].p_cheaper == 1.0);
}

#[test]
fn already_cheaper_at_the_first_scale_gives_that_scale() {
    let r = priced(&hand(130.0), &[1.0, 2.0], 2, 1);
    assert_eq!(r.topologies[1].break_even, BreakEven::FirstScale(1.0));
}

#[test]
fn never_cheaper_in_the_range_gives_none() {
    let r = priced(&hand(130.0), &[0.0, 0.25, 0.5], 2, 1);
    assert_eq!(r.topologies[1].break_even, BreakEven::Never);
    assert_eq!(r.topologies[1].break_even.scale(), None);
}

/// Scale 1 is the file as written, run on the same trials as `run`; scale
/// 0 is calm: no failures, no shocks, so the cost is the calm cost.
#[test]
fn scale_one_is_the_files_own_run_and_scale_zero_is_calm() {
    let s = Scenario::from_toml("hand.toml", &hand_text(130.0, 0.03)).expect("valid");
    let r = priced(&s, &[0.0, 1.0], 40, 9);
    let prep = Prepared::new(s).expect("prepared");
    let table = run_trials(&prep, 9, 0..40);
    for (k, t) in r.topologies.iter().enumerate() {
        let costs: Vec<f64> = table
            .column(k)
            .map(|m| m.cost.expect("priced").cost)
            .collect();
        let mean = costs.iter().sum::<f64>() / costs.len() as f64;
        assert!(close(t.costs[1].mean, mean), "{} {mean}", t.costs[1].mean);
        assert!(close(t.costs[0].mean, t.cost_calm), "{:?}", t.costs[0]);
        assert_eq!(t.costs[0].std, 0.0);
    }
}

fn write_hand(name: &str, backup_fixed: f64, failure_rate: f64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, hand_text(backup_fixed, failure_rate)).expect("write");
    (dir, path)
}

fn chainmesh(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("chainmesh")
        .expect("binary built")
        .arg("--quiet")
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn the_same_bytes_on_one_thread_and_two() {
    let (_dir, path) = write_hand("hand.toml", 130.0, 0.05);
    let file = path.to_str().expect("utf-8 path");
    for format in ["table", "json", "csv"] {
        let run = |threads: &str| {
            let out = chainmesh(&[
                "price",
                file,
                "--trials",
                "300",
                "--threads",
                threads,
                "--format",
                format,
            ]);
            assert!(out.status.success(), "{out:?}");
            out.stdout
        };
        assert_eq!(run("1"), run("2"), "{format}");
    }
}

#[test]
fn a_scenario_without_costs_is_refused_with_exit_2_and_says_how_to_add_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("free.toml");
    let text = hand_text(0.0, 0.01).replace("lost_sale_cost = 10\n", "");
    std::fs::write(&path, text).expect("write");
    let out = chainmesh(&["price", path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has no costs"), "{err}");
    assert!(
        err.contains("lost_sale_cost") && err.contains("unit_cost"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_scales_are_a_usage_error() {
    let (_dir, path) = write_hand("hand.toml", 130.0, 0.0);
    let file = path.to_str().expect("utf-8");
    for bad in ["1,0.5", "-1", "x", "0,,1"] {
        let out = chainmesh(&["price", file, "--scales", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {out:?}");
    }
}

#[test]
fn json_has_costs_per_scale_the_calm_cost_and_the_break_even() {
    let (_dir, path) = write_hand("hand.toml", 130.0, 0.0);
    let out = chainmesh(&[
        "price",
        path.to_str().expect("utf-8"),
        "--scales",
        "0,0.25,0.5,0.75,1",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["currency"], "NT$");
    assert_eq!(v["trials"], 5);
    assert_eq!(v["seed"], 3);
    assert_eq!(v["scales"].as_array().map(Vec::len), Some(5));
    assert!(
        v["command"]
            .as_str()
            .is_some_and(|c| c.contains("--scales 0,0.25,0.5,0.75,1"))
    );
    let topologies = v["topologies"].as_array().expect("topologies");
    assert_eq!(topologies.len(), 2);
    let chain = &topologies[0];
    let net = &topologies[1];
    assert_eq!(chain["id"], "chain");
    assert!(chain["break_even"].is_null());
    assert_eq!(chain["break_even_interpolated"], false);
    assert_eq!(net["cost_calm"]["mean"], 1.3);
    assert_eq!(net["cost_calm"]["std"], 0.0);
    assert_eq!(net["cost_calm"]["ci95"], 0.0);
    let be = net["break_even"].as_f64().expect("a number");
    assert!(close(be, 0.65), "{be}");
    assert_eq!(net["break_even_interpolated"], true);
    let costs = net["costs"].as_array().expect("costs");
    assert_eq!(costs.len(), 5);
    for (c, s) in costs.iter().zip([0.0, 0.25, 0.5, 0.75, 1.0]) {
        assert_eq!(c["scale"], s);
        for key in ["mean", "std", "ci95"] {
            assert!(c[key].is_f64(), "{key} in {c}");
        }
        assert!(c["vs_first"]["mean"].is_f64(), "{c}");
        assert!(c["vs_first"]["p_cheaper"].is_f64(), "{c}");
    }
    assert!(chain["costs"][0]["vs_first"].is_null());
}

#[test]
fn table_markdown_and_csv_name_the_break_even() {
    let (_dir, path) = write_hand("hand.toml", 130.0, 0.0);
    let file = path.to_str().expect("utf-8");
    let text = |scales: &str, args: &[&str]| {
        let mut all = vec!["price", file, "--scales", scales];
        all.extend_from_slice(args);
        let out = chainmesh(&all);
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let table = text("0,0.5,0.75,1", &[]);
    assert!(table.contains("≈ 0.65 (interpolated)"), "{table}");
    assert!(table.contains("1 (today)"), "{table}");
    assert!(table.contains("reproduce: chainmesh price"), "{table}");
    let zh = text("0,0.5,0.75,1", &["--lang", "zh-TW", "--format", "markdown"]);
    assert!(zh.contains("| 風險倍數 | chain | net |"), "{zh}");
    assert!(zh.contains("≈ 0.65（內插）"), "{zh}");
    let never = text("0,0.25", &[]);
    assert!(never.contains("never in range"), "{never}");
    let csv = text("0,0.5,0.75,1", &["--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 2 * 4, "{csv}");
    assert!(lines[0].starts_with("scenario,topology,scale,cost_mean"));
    assert!(lines[5].starts_with("hand,net,0,1.3,0,0,1.3,1.3,"), "{csv}");
}

/// The handout of a scenario with costs has the price chart and a sentence
/// that reads it, in English and Chinese.
#[test]
fn the_handout_prices_a_scenario_with_costs() {
    use chainmesh::handout::{Commands, build};
    use chainmesh::lang::Lang;
    let commands = Commands {
        run: "chainmesh run hand.toml".into(),
        report: "chainmesh report hand.toml --out DIR".into(),
    };
    let names = vec!["hand.toml".to_string()];
    let files = |lang| {
        build(&names, vec![hand(130.0)], Some(3), None, &commands, lang)
            .expect("handout")
            .files
    };
    let en = files(Lang::En);
    for name in ["hand-price.svg", "hand-price.png"] {
        assert!(en.iter().any(|(n, _)| n == name), "{name}");
    }
    let md = |files: &[(String, Vec<u8>)]| {
        let (_, bytes) = files
            .iter()
            .find(|(n, _)| n == "report.md")
            .expect("report.md");
        String::from_utf8(bytes.clone()).expect("utf-8")
    };
    let text = md(&en);
    // chain 2.0, net 1.3 at scale 1: 35 % less; the crossing at 0.65.
    assert!(
        text.contains(
            "At today's risk net costs 35 % less than chain; above about 0.65× today's failure rates and shocks it is cheaper."
        ),
        "{text}"
    );
    assert!(text.contains("](hand-price.svg)"), "{text}");
    let zh = md(&files(Lang::ZhTw));
    assert!(zh.contains("韌性的代價"), "{zh}");
    assert!(zh.contains("低 35 %"), "{zh}");
    assert!(zh.contains("約 0.65 倍時"), "{zh}");
}

/// A scenario without costs gets no price chart and no price text.
#[test]
fn the_handout_of_a_scenario_without_costs_has_no_price_part() {
    use chainmesh::handout::{Commands, build};
    use chainmesh::lang::Lang;
    let text = hand_text(0.0, 0.01).replace("lost_sale_cost = 10\n", "");
    let s = Scenario::from_toml("free.toml", &text).expect("valid");
    let commands = Commands {
        run: "r".into(),
        report: "r".into(),
    };
    let files = build(
        &["free.toml".into()],
        vec![s],
        Some(3),
        None,
        &commands,
        Lang::En,
    )
    .expect("handout")
    .files;
    assert!(!files.iter().any(|(n, _)| n.contains("price")));
    let md = files
        .iter()
        .find(|(n, _)| n == "report.md")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .expect("report.md");
    assert!(!md.contains("price of resilience"), "{md}");
}

/// `--set` edits the scenario before pricing (here it adds the costs the
/// file lacks), the reproduce command carries it, and `--out` writes the file.
#[test]
fn set_edits_the_scenario_and_out_writes_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let free = dir.path().join("free.toml");
    std::fs::write(
        &free,
        hand_text(130.0, 0.0).replace("lost_sale_cost = 10\n", ""),
    )
    .expect("write");
    let priced_file = dir.path().join("hand.toml");
    std::fs::write(&priced_file, hand_text(130.0, 0.0)).expect("write");
    let out_path = dir.path().join("price.json");
    let out = chainmesh(&[
        "price",
        free.to_str().expect("utf-8"),
        "--set",
        "defaults.lost_sale_cost=10",
        "--format",
        "json",
        "--out",
        out_path.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty());
    let edited: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out_path).expect("written")).expect("json");
    assert!(
        edited["command"]
            .as_str()
            .is_some_and(|c| c.contains("--set defaults.lost_sale_cost=10")),
        "{edited}"
    );
    let direct = chainmesh(&[
        "price",
        priced_file.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let direct: serde_json::Value = serde_json::from_slice(&direct.stdout).expect("json");
    assert_eq!(edited["topologies"], direct["topologies"]);
}

/// Ctrl-C (SIGINT) stops a long `price`: exit 130, and the temporary file
/// of `--out` is gone.
#[cfg(unix)]
#[test]
fn a_signal_stops_price_with_nothing_written() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let (dir, path) = write_hand("hand.toml", 130.0, 0.05);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("chainmesh"))
        .args([
            "price",
            path.to_str().expect("utf-8"),
            "--trials",
            "100000000",
            "--out",
            "p.json",
            "--quiet",
        ])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let temp = || {
        std::fs::read_dir(dir.path()).expect("dir").any(|e| {
            e.expect("entry")
                .file_name()
                .to_string_lossy()
                .starts_with(".p.json")
        })
    };
    let t0 = Instant::now();
    while !temp() {
        assert!(t0.elapsed() < Duration::from_secs(60), "no temporary file");
        std::thread::sleep(Duration::from_millis(50));
    }
    let ok = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
    let t0 = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status.code();
        }
        if t0.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("still running after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(130));
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["hand.toml"]);
}

/// One workspace pool across risk scales (what `price` does) and across
/// scenarios with other networks gives the numbers of a fresh pool per run:
/// warm caches change the speed only, and a cache built for another
/// network is never read.
#[test]
fn a_shared_workspace_pool_changes_no_number() {
    use chainmesh::sim::{WorkspacePool, run_trials_pooled, run_trials_streaming};
    let stop = AtomicBool::new(false);
    let ctl = RunControl {
        on_trial: &|| {},
        stop: &stop,
    };
    let collect = |prep: &Prepared, pool: Option<&WorkspacePool>| {
        let mut rows = Vec::new();
        let mut sink = |_: u64, r: &[chainmesh::sim::TrialMetrics]| rows.extend_from_slice(r);
        let done = match pool {
            Some(p) => run_trials_pooled(prep, 7, 0..60, &ctl, p, &mut sink),
            None => run_trials_streaming(prep, 7, 0..60, &ctl, &mut sink),
        };
        assert!(done);
        rows
    };
    let pool = WorkspacePool::default();
    for name in ["manufacturing", "agriculture", "manufacturing"] {
        let b = chainmesh::scenario::builtin::find(name).expect("built in");
        let base = Scenario::from_toml(b.name, b.text).expect("valid");
        for s in [2.0, 0.5, 1.0] {
            let prep = Prepared::new(chainmesh::price::risk_scale(s).apply(&base)).expect("prep");
            assert_eq!(
                collect(&prep, Some(&pool)),
                collect(&prep, None),
                "{name} at scale {s}"
            );
        }
    }
}
