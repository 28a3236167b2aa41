//! Issue 13: every number a lecturer shows must be true. One test (or more)
//! per numbered item of the issue, driving the real binary.

use assert_cmd::Command;

fn chainmesh() -> Command {
    Command::cargo_bin("chainmesh").expect("binary built")
}

/// Run and return (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = chainmesh().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{args:?} failed: {err}");
    out
}

// ---- item 1: a flag accepted and then not applied ----

#[test]
fn set_with_trial_range_is_refused_not_ignored() {
    let (code, out, err) = run(&[
        "run",
        "agriculture",
        "--set",
        "defaults.failure_rate=0.02",
        "--trial-range",
        "0..10",
        "--quiet",
    ]);
    assert_eq!(code, 2, "stdout: {out}\nstderr: {err}");
    assert!(
        err.contains("--set") && err.contains("--trial-range"),
        "{err}"
    );
    assert!(out.is_empty(), "no partial may be written: {out}");
}

#[test]
fn trials_with_trial_range_is_refused_not_ignored() {
    let (code, _, err) = run(&[
        "run",
        "agriculture",
        "--trials",
        "50",
        "--trial-range",
        "0..10",
        "--quiet",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--trials"), "{err}");
}

// ---- items 3 and 4: shocks that skip a topology, different baselines ----

const UNEQUAL: &str = "tests/fixtures/unequal.toml";

/// Every format of `run` and of `merge` says the shock skipped the network
/// and that the baselines differ.
#[test]
fn every_output_warns_of_skipped_shocks_and_different_baselines() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    ok(&[
        "run",
        UNEQUAL,
        "--trial-range",
        "0..20",
        "--out",
        a.to_str().expect("p"),
        "-q",
    ]);
    ok(&[
        "run",
        UNEQUAL,
        "--trial-range",
        "20..50",
        "--out",
        b.to_str().expect("p"),
        "-q",
    ]);
    for format in ["table", "markdown", "csv", "json"] {
        let single = ok(&["run", UNEQUAL, "--format", format, "-q"]);
        let merged = ok(&[
            "merge",
            a.to_str().expect("p"),
            b.to_str().expect("p"),
            "--format",
            format,
        ]);
        assert_eq!(single, merged, "{format}: merge must say the same");
        assert!(
            single.contains("skips network"),
            "{format} hides the skipped shock:\n{single}"
        );
        assert!(
            single.contains("baselines differ (chain 10, network 7.6)"),
            "{format} hides the baseline difference:\n{single}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["run", UNEQUAL, "--format", "json", "-q"])).expect("json");
    assert_eq!(json["shocks"][0]["hits"], serde_json::json!([1, 0]));
    assert_eq!(json["warnings"].as_array().map(Vec::len), Some(2));
}

/// Equal baselines and shocks that hit everything: no warning at all (the
/// warning is not printed unconditionally), and the table lists what each
/// shock hit.
#[test]
fn like_for_like_runs_carry_no_warning() {
    let table = ok(&["run", "tests/fixtures/series.toml", "--trials", "20", "-q"]);
    assert!(!table.contains("warning"), "{table}");
    assert!(
        table.contains("shock 0 at step 50: nodes b — hits chain (1 node), mesh (1 node)"),
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "run",
        "tests/fixtures/series.toml",
        "--trials",
        "20",
        "--format",
        "json",
    ]))
    .expect("json");
    assert!(json.get("warnings").is_none(), "{json}");
}

/// A shock given as a fraction that rounds to 0 nodes in a small topology
/// is reported as skipping it.
#[test]
fn fraction_shock_that_rounds_to_zero_is_reported() {
    let (code, out, err) = run(&[
        "run",
        "tests/fixtures/series.toml",
        "--trials",
        "5",
        "--shock",
        "at=10,select=random,fraction=0.3",
        "-q",
    ]);
    assert_eq!(code, 0, "{err}");
    // 0.3 × 3 = 0.9 → 0 nodes of the chain; 0.3 × 4 = 1.2 → 1 of the mesh.
    assert!(
        out.contains("shock 1 at step 10: random 30% of nodes — hits mesh (1 node); skips chain"),
        "{out}"
    );
}

// ---- CSV for the tools people load it into ----

/// Python with pandas, or `None` (after saying so loudly) when it cannot
/// be installed here.
fn pandas() -> Option<&'static str> {
    let has = |py: &str| {
        std::process::Command::new(py)
            .args(["-c", "import pandas"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if has("python3") {
        return Some("python3");
    }
    let _ = std::process::Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "pandas"])
        .status();
    if has("python3") {
        return Some("python3");
    }
    eprintln!("SKIPPED: pandas cannot be installed here (python3 -m pip install pandas failed)");
    None
}

/// `pd.read_csv(path)` with no options reads every CSV chainmesh writes,
/// and the columns come out as numbers where they are numbers.
#[test]
fn pandas_reads_every_csv_with_no_options() {
    let Some(py) = pandas() else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let p = |name: &str| dir.path().join(name).to_str().expect("path").to_string();
    ok(&[
        "run",
        UNEQUAL,
        "--format",
        "csv",
        "--out",
        &p("run.csv"),
        "-q",
    ]);
    ok(&["run", UNEQUAL, "--per-trial", &p("per.csv"), "-q"]);
    ok(&["trace", UNEQUAL, "--out", &p("trace.csv")]);
    ok(&[
        "run",
        UNEQUAL,
        "--set",
        "defaults.failure_rate=0.01,0.02",
        "--format",
        "csv",
        "--out",
        &p("set.csv"),
        "-q",
    ]);
    ok(&[
        "sweep",
        UNEQUAL,
        "--format",
        "csv",
        "--out",
        &p("sweep.csv"),
    ]);
    let script = format!(
        r#"
import pandas as pd
run = pd.read_csv({run:?}); per = pd.read_csv({per:?}); tr = pd.read_csv({tr:?})
st = pd.read_csv({st:?}); sw = pd.read_csv({sw:?})
assert len(run) == 2 and run["service_mean"].dtype.kind == "f", run.dtypes
assert list(run["topology"]) == ["chain", "network"]
assert run["command"][0].startswith("chainmesh run"), run["command"][0]
assert "baselines differ" in run["warnings"][0]
assert len(per) == 100 and per["service"].dtype.kind == "f"
assert len(tr) == 120 and tr["throughput"].dtype.kind in "fi"
assert tr["command"][0].startswith("chainmesh trace")
assert list(st.columns) == ["scenario", "defaults.failure_rate"] + list(run.columns[1:]), list(st.columns)
assert len(st) == 4 and st["service_std"].dtype.kind == "f"
assert sw["phi_mean"].dtype.kind == "f" and sw["command"][0].startswith("chainmesh sweep")
print("ok")
"#,
        run = p("run.csv"),
        per = p("per.csv"),
        tr = p("trace.csv"),
        st = p("set.csv"),
        sw = p("sweep.csv"),
    );
    let out = std::process::Command::new(py)
        .args(["-c", &script])
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "pandas failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---- item 2: the attack sweep in removal counts, and robustness R ----

/// On the archetypes every curve of the 5-node chain scores R = 0 and each
/// network more under random removal (the lesson), and no curve repeats a
/// removal count (15 % of 5 nodes is not "a point").
#[test]
fn sweep_ranks_the_chain_least_robust_and_works_in_counts() {
    let v: serde_json::Value = serde_json::from_str(&ok(&[
        "sweep",
        "ecosystem-archetypes",
        "--trials",
        "40",
        "--format",
        "json",
    ]))
    .expect("json");
    let topologies = v["topologies"].as_array().expect("topologies");
    let chain = &topologies[0];
    assert_eq!(chain["id"], "chain");
    assert_eq!(chain["nodes"], 5);
    for t in topologies {
        let n = t["nodes"].as_u64().expect("n");
        for a in t["attacks"].as_array().expect("attacks") {
            let ks: Vec<u64> = a["points"]
                .as_array()
                .expect("points")
                .iter()
                .map(|p| p["removed"].as_u64().expect("k"))
                .collect();
            assert!(ks.windows(2).all(|w| w[0] < w[1]), "{ks:?}");
            assert_eq!((ks[0], *ks.last().expect("k")), (0, n));
            let kc = a["critical_removed"].as_u64().expect("k_c");
            let fc = a["critical_fraction"].as_f64().expect("f_c");
            assert!((fc - kc as f64 / n as f64).abs() < 1e-15);
            if t["id"] == "chain" {
                assert_eq!(ks, [0, 1, 2, 3, 4, 5]);
                assert_eq!(a["robustness"], 0.0);
            } else if a["attack"] == "random" {
                assert!(a["robustness"].as_f64().expect("R") > 0.1, "{}", t["id"]);
            }
        }
    }
}

/// critical_removed and R against a brute force: fresh max flows after
/// removing the first k nodes of the degree order, for every k.
#[test]
fn critical_count_and_robustness_match_brute_force() {
    use chainmesh::network::{FlowNetwork, FlowSolver};
    use chainmesh::sweep::{Attack, SweepGraph, SweepOptions};
    for name in ["agriculture", "ecosystem-archetypes", "smart-city"] {
        let b = chainmesh::scenario::builtin::find(name).expect("built-in");
        let s = chainmesh::scenario::Scenario::from_toml(name, b.text).expect("valid");
        for t in &s.topologies {
            let g = SweepGraph::from_topology(t);
            let opts = SweepOptions {
                attacks: vec![Attack::Degree],
                points: 5,
                trials: 1,
                seed: 0,
                adaptive: false,
            };
            let c = g.sweep(Attack::Degree, &opts, s.service_level);
            let order = g.order(Attack::Degree, false, 0, 0);
            let net = FlowNetwork::new(t);
            let mut solver = FlowSolver::default();
            let n = t.nodes.len();
            let phi: Vec<f64> = (0..=n)
                .map(|k| {
                    let mut down = vec![false; n];
                    for &v in &order[..k] {
                        down[v] = true;
                    }
                    if k == n {
                        0.0
                    } else {
                        net.max_flow(&down, &mut solver) / net.baseline()
                    }
                })
                .collect();
            let kc = phi.iter().position(|&p| p < s.service_level);
            let r = phi[1..].iter().sum::<f64>() / n as f64;
            assert_eq!(c.critical_removed, kc, "{name} {}", t.id);
            assert!(
                (c.robustness.expect("R") - r).abs() < 1e-12,
                "{name} {}: {:?} vs {r}",
                t.id,
                c.robustness
            );
            assert!(c.removed.len() <= 5);
        }
    }
}

/// Above EXACT_NODES the critical count is found by bisection between grid
/// points: φ(k_c) is under the level and φ(k_c − 1) is not (fresh solves).
#[test]
fn bisection_finds_the_exact_critical_count_on_large_graphs() {
    use chainmesh::network::{FlowNetwork, FlowSolver};
    use chainmesh::sweep::{Attack, EXACT_NODES, SweepGraph, SweepOptions};
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("big.toml");
    let n = EXACT_NODES + 500;
    ok(&[
        "generate",
        "--model",
        "layered",
        "--nodes",
        &n.to_string(),
        "--seed",
        "2",
        "--out",
        path.to_str().expect("path"),
    ]);
    let s = chainmesh::scenario::Scenario::from_path(&path).expect("valid");
    let t = s.topologies.last().expect("network");
    let g = SweepGraph::from_topology(t);
    let opts = SweepOptions {
        attacks: vec![Attack::Degree],
        points: 11,
        trials: 1,
        seed: 0,
        adaptive: false,
    };
    let c = g.sweep(Attack::Degree, &opts, s.service_level);
    assert!(!c.robustness_exact);
    let order = g.order(Attack::Degree, false, 0, 0);
    let net = FlowNetwork::new(t);
    let phi = |k: usize| {
        let mut down = vec![false; t.nodes.len()];
        for &v in &order[..k] {
            down[v] = true;
        }
        net.max_flow(&down, &mut FlowSolver::default()) / net.baseline()
    };
    let kc = c.critical_removed.expect("k_c");
    assert!(kc >= 1);
    assert!(phi(kc) < s.service_level, "φ({kc}) = {}", phi(kc));
    assert!(
        phi(kc - 1) >= s.service_level,
        "φ({}) = {}",
        kc - 1,
        phi(kc - 1)
    );
    // R from the refined 11-point curve is close to R summed over every k
    // (a curve with all n + 1 counts, where the trapezoid rule is the sum).
    let every = g.sweep(
        Attack::Degree,
        &SweepOptions {
            points: n + 1,
            ..opts.clone()
        },
        s.service_level,
    );
    assert_eq!(every.removed.len(), n + 1);
    let exact: f64 = every.phi[1..].iter().map(|b| b.mean).sum::<f64>() / n as f64;
    let r = c.robustness.expect("R");
    assert!(
        (r - exact).abs() < 0.01,
        "refined R {r} vs every-k R {exact}"
    );
    assert_eq!(every.critical_removed, Some(kc));
}

/// `sweep` averages the same number of random orders as the handout and
/// the TUI (not the scenario's Monte Carlo trial count: unequal.toml says
/// `trials = 50`), and its reproduce command pins it (issue 26).
#[test]
fn sweep_defaults_to_the_shared_number_of_random_orders() {
    let v: serde_json::Value = serde_json::from_str(&ok(&[
        "sweep",
        "tests/fixtures/unequal.toml",
        "--attack",
        "random",
        "--format",
        "json",
    ]))
    .expect("json");
    let orders = chainmesh::sweep::DEFAULT_RANDOM_ORDERS;
    assert_eq!(orders, 100);
    assert_eq!(v["trials"], orders);
    assert_eq!(v["topologies"][0]["attacks"][0]["trials"], orders);
    assert!(
        v["command"]
            .as_str()
            .expect("command")
            .contains("--trials 100"),
        "{}",
        v["command"]
    );
}

/// Every `--shock` example in the README on a built-in scenario is valid
/// and hits every topology (the old `nodes=wholesaler` example left the
/// network untouched; `nodes=farm,mill` did not even load).
#[test]
fn readme_shock_examples_hit_every_topology() {
    let readme = std::fs::read_to_string("README.md").expect("README");
    let mut checked = 0;
    for line in readme.lines() {
        let Some(start) = line.find("--shock '") else {
            continue;
        };
        let rest = &line[start + 9..];
        let spec = &rest[..rest.find('\'').expect("closing quote")];
        let scenario = if line.contains("chainmesh run ") {
            line.split_whitespace()
                .nth(2)
                .expect("scenario")
                .to_string()
        } else {
            "agriculture".to_string()
        };
        let (code, out, err) = run(&["run", &scenario, "--trials", "5", "--shock", spec, "-q"]);
        assert_eq!(code, 0, "{line}: {err}");
        assert!(!out.contains("skips"), "{line}:\n{out}");
        assert!(!out.contains("warning"), "{line}:\n{out}");
        checked += 1;
    }
    assert!(checked >= 2, "README examples found: {checked}");
}

/// `check` works with a built-in name (the README example outside the
/// repository) and prints shocks in the file format's words.
#[test]
fn check_describes_shocks_in_users_words() {
    let out = ok(&["check", "agriculture"]);
    assert!(
        !out.contains("Nodes([") && !out.contains("Random(") && !out.contains("Count("),
        "{out}"
    );
    assert!(
        out.contains("shock 0 at step 20: nodes farm, rice_coop, veg_farm"),
        "{out}"
    );
    assert!(out.contains("shock 1 at step 60: random 2 nodes"), "{out}");
    assert!(
        out.contains("hits chain (1 node), network (2 nodes)"),
        "{out}"
    );
}

// ---- item 6: one step-numbering convention ----

fn farm_app() -> chainmesh::tui::App {
    use chainmesh::tui::{App, McMode, TuiOptions};
    let path = std::path::Path::new("tests/fixtures/tui-farm.toml");
    App::new(
        TuiOptions {
            scenario: chainmesh::scenario::Scenario::from_path(path).expect("fixture"),
            scenario_arg: "tests/fixtures/tui-farm.toml".into(),
            seed: 42,
            trial: 5,
            shocks: Vec::new(),
            scales: Vec::new(),
            lang_zh: false,
        },
        McMode::Off,
    )
    .expect("app")
}

fn tui_key(c: char) -> chainmesh::tui::Message {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let ev = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    chainmesh::tui::Message::from_key(&ev, &chainmesh::tui::app::Mode::Normal).expect("bound key")
}

fn screen(app: &mut chainmesh::tui::App, w: u16, h: u16) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("term");
    t.draw(|f| chainmesh::tui::render(app, f)).expect("draws");
    t.backend().to_string()
}

/// Right after "knocked out … at step 10" the header says step 10, the
/// event log says t10, and `trace` has the node down from step 10.
#[test]
fn header_events_and_trace_count_steps_alike() {
    let mut a = farm_app();
    let steps = a.live.steps();
    assert!(screen(&mut a, 160, 40).contains(&format!("t –/{}", steps - 1)));
    a.update(tui_key(' ')); // pause
    for _ in 0..10 {
        a.update(tui_key('n'));
    }
    while a.view.selected != (0, 1) {
        a.update(chainmesh::tui::Message::SelectNext);
    }
    a.update(tui_key('k'));
    let status = a.status.clone().unwrap_or_default();
    assert!(status.contains("at step 10"), "{status}");
    let shown = screen(&mut a, 160, 40);
    let header = shown.lines().next().expect("header");
    assert!(header.contains(&format!("t 10/{}", steps - 1)), "{header}");
    assert!(
        shown.contains("t10 "),
        "events count like the header:\n{shown}"
    );
    let spec = a.shock_specs().pop().expect("shock");
    assert_eq!(spec, "at=10,select=nodes,nodes=processor");
    let trace = ok(&[
        "trace",
        "tests/fixtures/tui-farm.toml",
        "--seed",
        "42",
        "--trial",
        "5",
        "--topology",
        "chain",
        "--shock",
        &spec,
    ]);
    let row = trace
        .lines()
        .find(|l| l.starts_with("10,chain,"))
        .expect("step 10");
    assert!(
        row.split(',')
            .nth(4)
            .expect("down")
            .split(';')
            .any(|d| d == "processor"),
        "{row}"
    );
}

/// The TUI header warns when baselines differ, and only then.
#[test]
fn tui_header_warns_of_different_baselines() {
    use chainmesh::tui::{App, McMode, TuiOptions};
    let open = |file: &str| {
        let mut a = App::new(
            TuiOptions {
                scenario: chainmesh::scenario::Scenario::from_path(std::path::Path::new(file))
                    .expect("fixture"),
                scenario_arg: file.into(),
                seed: 1,
                trial: 0,
                shocks: Vec::new(),
                scales: Vec::new(),
                lang_zh: false,
            },
            McMode::Off,
        )
        .expect("app");
        screen(&mut a, 120, 40)
            .lines()
            .next()
            .expect("header")
            .to_string()
    };
    let unequal = open(UNEQUAL);
    assert!(unequal.contains("⚠ baselines differ"), "{unequal}");
    let equal = open("tests/fixtures/tui-farm.toml");
    assert!(!equal.contains("baselines differ"), "{equal}");
}

// ---- item 5: every TUI parameter change has a command line ----

/// Split a reproduce line into words (it quotes with '…' only).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// After the parameter panel (failure ×1.5, repair ×2, shocks ×0.5) the
/// TUI's commands carry `--scale`, and running its `trace` command gives
/// exactly the trial the TUI showed.
#[test]
fn tui_parameter_changes_reproduce_with_scale() {
    use chainmesh::tui::Message;
    let mut a = farm_app();
    a.update(tui_key(' ')); // pause
    a.update(tui_key('p'));
    a.update(Message::ParamNudge(2)); // failure rate ×1.5
    a.update(Message::ParamDown);
    a.update(Message::ParamNudge(4)); // repair ×2
    a.update(Message::ParamDown);
    a.update(Message::ParamNudge(-2)); // shocks ×0.5
    a.update(Message::Close);
    let line = a.trace_command();
    assert!(!line.contains("modified parameters"), "{line}");
    assert!(
        line.contains("--scale failure_rate=1.5,repair=2,shock=0.5"),
        "{line}"
    );
    assert!(
        a.reproduce()
            .contains("--scale failure_rate=1.5,repair=2,shock=0.5")
    );
    while !a.live.finished() {
        a.update(tui_key('n'));
    }
    let w = words(&line);
    assert_eq!(w[0], "chainmesh");
    let args: Vec<&str> = w[1..].iter().map(String::as_str).collect();
    let trace = ok(&args);
    let ids = ["chain", "network"];
    for (k, history) in a.live.history.iter().enumerate() {
        let phis: Vec<f64> = trace
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[1] == ids[k])
            .map(|c| c[3].parse().expect("service"))
            .collect();
        assert_eq!(&phis, history, "{}", ids[k]);
    }
    // And the scaled run differs from the unscaled one (the flag is applied).
    let plain: Vec<&str> = args
        .iter()
        .copied()
        .filter(|w| !w.starts_with("failure_rate=") && *w != "--scale")
        .collect();
    assert_ne!(ok(&plain), trace);
}

/// `--scale` on `run --trial-range` is recorded in the part, `merge`
/// repeats it, and parts with different scales are refused.
#[test]
fn scale_travels_through_partials_and_merge() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = |n: &str| dir.path().join(n).to_str().expect("p").to_string();
    let base = ["run", UNEQUAL, "--scale", "failure_rate=2", "-q"];
    ok(&[
        &base[..],
        &["--trial-range", "0..20", "--out", &p("a.json")],
    ]
    .concat());
    ok(&[
        &base[..],
        &["--trial-range", "20..50", "--out", &p("b.json")],
    ]
    .concat());
    ok(&[
        "run",
        UNEQUAL,
        "--trial-range",
        "20..50",
        "--out",
        &p("c.json"),
        "-q",
    ]);
    let merged = ok(&["merge", &p("a.json"), &p("b.json"), "--format", "json"]);
    let single = ok(&[&base[..], &["--format", "json"]].concat());
    assert_eq!(merged, single);
    assert!(single.contains("--scale failure_rate=2"), "{single}");
    let (code, _, err) = run(&["merge", &p("a.json"), &p("c.json")]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(&["run", UNEQUAL, "--scale", "speed=2"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown key \"speed\""), "{err}");
}

// ---- item 7: the reproduce popup never breaks inside an argument ----

/// At 80 columns, a long command (three shocks) is shown over several
/// lines that join back, ` \` by ` \`, into exactly the command; `y` puts
/// it on the clipboard (OSC 52) and closes the popup.
#[test]
fn reproduce_popup_breaks_only_between_arguments() {
    let mut a = farm_app();
    a.update(tui_key(' '));
    for _ in 0..3 {
        a.update(tui_key('n'));
        a.update(tui_key('k'));
        a.update(tui_key('a'));
    }
    let command = a.reproduce();
    assert!(command.len() > 150, "{command}");
    for width in [80u16, 60, 120] {
        a.update(tui_key('c'));
        let shown = screen(&mut a, width, 40);
        // The popup's columns: from its left border to the matching right one.
        let rows: Vec<Vec<char>> = shown
            .lines()
            .map(|l| l.trim_matches('"').chars().collect())
            .collect();
        let (top, left) = rows
            .iter()
            .enumerate()
            .find_map(|(i, r)| {
                let s: String = r.iter().collect();
                let at = s.find("║This view:")?;
                Some((i, s[..at].chars().count()))
            })
            .unwrap_or_else(|| panic!("popup title line:\n{shown}"));
        let right = left
            + 1
            + rows[top][left + 1..]
                .iter()
                .position(|&c| c == '║')
                .expect("right border");
        let inside: Vec<String> = rows[top..]
            .iter()
            .map(|r| {
                r[left + 1..right]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string()
            })
            .collect();
        let first = 0;
        let mut joined = String::new();
        for l in &inside[first + 1..] {
            if l.is_empty() {
                break;
            }
            let (body, more) = match l.strip_suffix(" \\") {
                Some(b) => (b, true),
                None => (l.as_str(), false),
            };
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(body.trim());
            if !more {
                break;
            }
        }
        assert_eq!(joined, command, "at width {width}:\n{shown}");
        let y = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('y'),
            crossterm::event::KeyModifiers::NONE,
        );
        a.update(chainmesh::tui::Message::from_key(&y, &a.mode).expect("y in the popup"));
        assert_eq!(a.clipboard.take().as_deref(), Some(command.as_str()));
        assert_eq!(a.mode, chainmesh::tui::app::Mode::Normal);
    }
    assert_eq!(
        chainmesh::tui::base64(b"chainmesh run"),
        "Y2hhaW5tZXNoIHJ1bg=="
    );
    assert_eq!(chainmesh::tui::base64(b"ab"), "YWI=");
}

// ---- outputs that fit the tools people load them into ----

/// `list --format json|csv` lists every built-in; `show NAME` writes the
/// built-in's file byte for byte, and it runs as a file outside the repo.
#[test]
fn list_formats_and_show_writes_a_builtin_out() {
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["list", "--format", "json"])).expect("json");
    let names: Vec<&str> = json
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["name"].as_str().expect("name"))
        .collect();
    let builtins: Vec<&str> = chainmesh::scenario::builtin::BUILTINS
        .iter()
        .map(|b| b.name)
        .collect();
    assert_eq!(names, builtins);
    let csv = ok(&["list", "--format", "csv"]);
    assert_eq!(csv.lines().count(), builtins.len() + 1);
    assert!(csv.starts_with("name,sector,title,topologies,nodes,steps,trials,seed\n"));

    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("my.toml");
    ok(&["show", "agriculture", "--out", file.to_str().expect("p")]);
    let text = std::fs::read_to_string(&file).expect("written");
    assert_eq!(
        text,
        std::fs::read_to_string("scenarios/agriculture.toml").expect("src")
    );
    assert_eq!(ok(&["show", "agriculture"]), text);
    let out = chainmesh()
        .current_dir(dir.path())
        .args(["check", "my.toml"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, _, err) = run(&["show", "no-such"]);
    assert_eq!(code, 2);
    assert!(err.contains("built-ins: agriculture"), "{err}");
}

// ---- messages in users' words ----

#[test]
fn wrong_types_and_missing_terminal_are_said_in_users_words() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[scenario]\nname = \"x\"\nsector = \"other\"\nsteps = \"ten\"\n",
    )
    .expect("w");
    let (code, _, err) = run(&["check", bad.to_str().expect("p")]);
    assert_eq!(code, 2);
    assert!(
        err.contains(":4:9: scenario.steps: wrong type: found string \"ten\", expected an integer"),
        "{err}"
    );
    assert!(!err.contains("i64"), "{err}");
    // stdin and stdout are not terminals under the test harness.
    let (code, _, err) = run(&["tui", "agriculture"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("needs a terminal") && err.contains("chainmesh run"),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
}

/// The service chart labels every shock line with the number the text uses
/// (`shock 0` …) and the handout's text and legend agree that they are dotted.
#[test]
fn handout_charts_label_shock_lines() {
    let dir = tempfile::tempdir().expect("tmp");
    ok(&[
        "report",
        "agriculture",
        "--trials",
        "20",
        "--out",
        dir.path().to_str().expect("p"),
    ]);
    let svg = std::fs::read_to_string(dir.path().join("agriculture-service.svg")).expect("svg");
    for i in 0..3 {
        assert!(
            svg.contains(&format!(">\nshock {i}\n<")),
            "shock {i} unlabelled"
        );
    }
    assert!(svg.contains("scripted shock (numbered as in the text)"));
    let md = std::fs::read_to_string(dir.path().join("report.md")).expect("md");
    assert!(
        md.contains("dotted vertical lines mark scripted shocks"),
        "{md}"
    );
    assert!(
        md.contains("shock 0 at step 20: nodes farm, rice_coop, veg_farm"),
        "{md}"
    );
    assert!(md.contains("**Robustness R**"), "{md}");
}

/// `step_unit` names the handout's time axis; files without it keep "step".
#[test]
fn step_unit_labels_the_time_axis() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(UNEQUAL)
        .expect("fixture")
        .replace("seed = 3\n", "seed = 3\nstep_unit = \"2 days\"\n");
    let file = dir.path().join("unit.toml");
    std::fs::write(&file, text).expect("w");
    let out = dir.path().join("h");
    ok(&[
        "report",
        file.to_str().expect("p"),
        "--trials",
        "10",
        "--out",
        out.to_str().expect("p"),
    ]);
    let svg = std::fs::read_to_string(out.join("unequal-baselines-service.svg"))
        .or_else(|_| {
            let name = std::fs::read_dir(&out)
                .expect("dir")
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.to_string_lossy().ends_with("-service.svg"))
                .expect("service chart");
            std::fs::read_to_string(name)
        })
        .expect("svg");
    assert!(
        svg.contains("step (1 step = 2 days)"),
        "axis without the unit"
    );
    let plain = dir.path().join("plain");
    ok(&[
        "report",
        UNEQUAL,
        "--trials",
        "10",
        "--out",
        plain.to_str().expect("p"),
    ]);
    let any = std::fs::read_dir(&plain)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with("-service.svg"))
        .expect("service chart");
    let svg = std::fs::read_to_string(any).expect("svg");
    assert!(!svg.contains("1 step ="));
}

/// A bad `--set` value names the `--set` and the field, never a line and
/// column of the generated document the user never saw.
#[test]
fn set_errors_name_the_set_not_a_generated_position() {
    let (code, _, err) = run(&[
        "run",
        "agriculture",
        "--set",
        "defaults.failure_rate=[0.1",
        "--trials",
        "5",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("with --set defaults.failure_rate=[0.1: defaults.failure_rate: wrong type: found string \"[0.1\", expected a number"),
        "{err}"
    );
    assert!(!err.contains(":3:") && !err.contains(" --> "), "{err}");
}

/// `--threads` means the same on `sweep` and `report` as on `run`: a
/// worker count that never changes a byte of the result.
#[test]
fn threads_on_sweep_and_report_never_change_results() {
    let sweep = |t: &str| {
        ok(&[
            "sweep",
            "ecosystem-archetypes",
            "--trials",
            "30",
            "--format",
            "json",
            "--threads",
            t,
        ])
    };
    assert_eq!(sweep("1"), sweep("2"));
    let dir = tempfile::tempdir().expect("tmp");
    let report = |t: &str| {
        let out = dir.path().join(t);
        ok(&[
            "report",
            UNEQUAL,
            "--trials",
            "20",
            "--threads",
            t,
            "--out",
            out.to_str().expect("p"),
        ]);
        std::fs::read_to_string(out.join("report.md")).expect("md")
    };
    assert_eq!(report("1"), report("2"));
}

/// A node shock that skips a topology names the sector shock that strikes
/// the same stage everywhere, and that shock really does (issue 13, item 3).
#[test]
fn skipped_node_shock_names_its_equivalent_in_every_topology() {
    let out = ok(&[
        "run",
        "agriculture",
        "--trials",
        "5",
        "--shock",
        "at=30,select=nodes,nodes=wholesaler,duration=10",
        "-q",
    ]);
    let warning = out
        .lines()
        .find(|l| l.starts_with("warning: shock 3"))
        .unwrap_or_else(|| panic!("no warning for the skipped shock:\n{out}"));
    let hint = warning
        .split("use ")
        .nth(1)
        .unwrap_or_else(|| panic!("no equivalent named: {warning}"));
    let select = hint.split(' ').next().expect("a select");
    assert_eq!(select, "select=sector,sector=logistics", "{warning}");
    let spec = format!("at=30,{select},duration=10");
    let out = ok(&[
        "run",
        "agriculture",
        "--trials",
        "5",
        "--shock",
        &spec,
        "-q",
    ]);
    let line = out
        .lines()
        .find(|l| l.starts_with("shock 3"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("hits chain (1 node), network"), "{line}");
    assert!(!out.contains("skips"), "{out}");
}
