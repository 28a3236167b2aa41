//! Bills of materials checked against mathematics: assemblers with
//! single- and multi-sourced parts, BOM quantities, and byte-identical
//! results for files without `needs`.

mod common;

use assert_cmd::Command;
use chainmesh::network::{FlowNetwork, FlowSolver};
use chainmesh::scenario::Scenario;
use chainmesh::sim::{FlowCache, Prepared, TopologyRun, run_trials};
use chainmesh::stats::summarize;

/// Long-run availability of one node with failure rate p and fixed repair r:
/// up for K ~ Geometric₀(p) steps (mean (1-p)/p), then down r steps.
/// `chainmesh ARGS`, which must succeed; its stdout.
fn run(args: &[&str]) -> Vec<u8> {
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
    out.stdout
}

fn availability(p: f64, r: f64) -> f64 {
    let up = (1.0 - p) / p;
    up / (up + r)
}

fn parse(text: &str) -> Scenario {
    Scenario::from_toml("bom.toml", text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// `[[topology.node]]` with id, role, capacity, failure rate and extra lines.
fn node(id: &str, role: &str, cap: f64, p: f64, extra: &str) -> String {
    format!(
        "[[topology.node]]\nid = \"{id}\"\nrole = \"{role}\"\ncapacity = {cap:?}\nfailure_rate = {p:?}\n{extra}\n"
    )
}

fn link(a: &str, b: &str) -> String {
    format!("[[topology.link]]\nfrom = \"{a}\"\nto = \"{b}\"\n")
}

fn header(extra: &str) -> String {
    format!(
        "[scenario]\nname = \"bom\"\nsector = \"manufacturing\"\n{extra}\n[defaults]\nrepair = {{ dist = \"fixed\", steps = 5 }}\n[[topology]]\nid = \"t\"\n"
    )
}

fn mean_service(s: Scenario, seed: u64, trials: u64) -> (f64, f64) {
    let prep = Prepared::new(s).expect("scenario compiles");
    let table = run_trials(&prep, seed, 0..trials);
    let m = &summarize(&table, &prep.baselines()).metrics[0].service;
    (m.mean, m.ci95)
}

/// One assembler needing k single-sourced parts: it makes anything only when
/// every supplier is up, so long-run service = ∏ A_i × A_plant.
#[test]
fn single_sourced_parts_multiply_availabilities() {
    let ps = [0.01, 0.02, 0.03];
    let parts = ["battery", "motor", "frame"];
    let mut t = header("steps = 20000\nseed = 3");
    for (i, (&p, part)) in ps.iter().zip(parts).enumerate() {
        t += &node(
            &format!("s{i}"),
            "source",
            10.0,
            p,
            &format!("product = \"{part}\""),
        );
    }
    t += &node(
        "plant",
        "relay",
        10.0,
        0.015,
        "needs = { battery = 1, motor = 1, frame = 1 }",
    );
    t += &node("shop", "sink", 10.0, 0.0, "");
    for i in 0..3 {
        t += &link(&format!("s{i}"), "plant");
    }
    t += &link("plant", "shop");
    let (mean, ci) = mean_service(parse(&t), 3, 64);
    let expect = ps
        .iter()
        .chain([&0.015])
        .map(|&p| availability(p, 5.0))
        .product::<f64>();
    assert!(
        (mean - expect).abs() < 4.0 * ci / 1.96 + 1e-3,
        "service {mean} ± {ci} vs ∏A = {expect}"
    );
    // A pool would serve far more: the lesson is not an accident of the numbers.
    assert!(expect < 0.80);
}

/// Part "battery" from three suppliers of half the demand each, "motor" from
/// one: φ = B × (P(≥ 2 battery makers up) + ½ P(exactly 1 up)).
#[test]
fn multi_sourced_part_follows_the_binomial_cases() {
    let (pa, pb) = (0.05, 0.02);
    let mut t = header("steps = 20000\nseed = 5");
    for i in 0..3 {
        t += &node(
            &format!("cell{i}"),
            "source",
            5.0,
            pa,
            "product = \"battery\"",
        );
    }
    t += &node("motors", "source", 10.0, pb, "product = \"motor\"");
    t += &node(
        "plant",
        "relay",
        10.0,
        0.0,
        "needs = { battery = 1, motor = 1 }",
    );
    t += &node("shop", "sink", 10.0, 0.0, "");
    for i in 0..3 {
        t += &link(&format!("cell{i}"), "plant");
    }
    t += &link("motors", "plant");
    t += &link("plant", "shop");
    let (mean, ci) = mean_service(parse(&t), 5, 64);
    let (a, b) = (availability(pa, 5.0), availability(pb, 5.0));
    let two_or_more = a * a * a + 3.0 * a * a * (1.0 - a);
    let one = 3.0 * a * (1.0 - a) * (1.0 - a);
    let expect = b * (two_or_more + 0.5 * one);
    assert!(
        (mean - expect).abs() < 4.0 * ci / 1.96 + 1e-3,
        "service {mean} ± {ci} vs binomial {expect}"
    );
}

/// BOM quantity 2 halves the output a part's supply allows; exact values.
#[test]
fn quantity_two_halves_the_output() {
    let mut t = header("");
    t += &node("cells", "source", 100.0, 0.0, "product = \"battery\"");
    t += &node("m1", "source", 60.0, 0.0, "product = \"motor\"");
    t += &node("m2", "source", 60.0, 0.0, "product = \"motor\"");
    t += &node(
        "plant",
        "relay",
        1000.0,
        0.0,
        "needs = { battery = 1, motor = 2 }",
    );
    t += &node("shop", "sink", 1000.0, 0.0, "");
    for a in ["cells", "m1", "m2"] {
        t += &link(a, "plant");
    }
    t += &link("plant", "shop");
    let s = parse(&t);
    let net = FlowNetwork::new(&s.topologies[0]);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    // Motors bind: 120 motors make 60 scooters (batteries allow 100).
    assert!(close(net.baseline(), 60.0), "{}", net.baseline());
    let mut down = vec![false; 5];
    down[2] = true; // m2
    let f = net.max_flow(&down, &mut FlowSolver::default());
    assert!(close(f, 30.0), "{f}");
    down = vec![false; 5];
    down[0] = true; // the sole battery maker stops the plant
    assert_eq!(net.max_flow(&down, &mut FlowSolver::default()), 0.0);
    // The same network as pools passes 220 units (capped by nothing else).
    let mut pooled = s.topologies[0].clone();
    pooled.nodes.iter_mut().for_each(|n| n.needs.clear());
    assert!(close(FlowNetwork::new(&pooled).baseline(), 220.0));
}

/// A sink with `needs` consumes kits: its demand counts in kits.
#[test]
fn sink_with_needs_consumes_kits() {
    let mut t = header("");
    t += &node("cells", "source", 30.0, 0.0, "product = \"battery\"");
    t += &node("motors", "source", 50.0, 0.0, "product = \"motor\"");
    t += &node(
        "repair_shop",
        "sink",
        100.0,
        0.0,
        "needs = { battery = 2, motor = 1 }",
    );
    t += &link("cells", "repair_shop");
    t += &link("motors", "repair_shop");
    let net = FlowNetwork::new(&parse(&t).topologies[0]);
    assert!((net.baseline() - 15.0).abs() < 1e-9, "{}", net.baseline());
}

/// The worked example of docs/model.md ("Bills of materials"), exactly.
#[test]
fn worked_example_of_the_model_doc() {
    let mut t = header("");
    t += &node("cells_a", "source", 40.0, 0.0, "product = \"battery\"");
    t += &node("cells_b", "source", 30.0, 0.0, "product = \"battery\"");
    t += &node("motors", "source", 100.0, 0.0, "product = \"motor\"");
    t += &node("warehouse", "relay", 50.0, 0.0, "");
    t += &node(
        "plant",
        "relay",
        80.0,
        0.0,
        "needs = { battery = 1, motor = 2 }",
    );
    t += &node("dealer", "sink", 100.0, 0.0, "");
    t += &link("cells_a", "warehouse");
    t += &link("cells_b", "warehouse");
    t += &link("warehouse", "plant");
    t += &link("motors", "plant");
    t += &link("plant", "dealer");
    let s = parse(&t);
    let topo = &s.topologies[0];
    // The warehouse pools two battery makers, so it carries batteries.
    assert_eq!(topo.nodes[3].product.as_deref(), Some("battery"));
    let net = FlowNetwork::new(topo);
    let mut solver = FlowSolver::default();
    let at = |down: &[usize], solver: &mut FlowSolver| {
        let mut d = vec![false; 6];
        down.iter().for_each(|&i| d[i] = true);
        net.max_flow(&d, solver)
    };
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    // Motors bind: 100 motors / 2 = 50 (batteries: min(70, 50) = 50).
    assert!(close(net.baseline(), 50.0));
    // cells_a down: 30 batteries → 30 scooters.
    assert!(close(at(&[0], &mut solver), 30.0));
    // cells_b down: 40 batteries, still 50 motors' worth → 40.
    assert!(close(at(&[1], &mut solver), 40.0));
    // motors down: nothing.
    assert_eq!(at(&[2], &mut solver), 0.0);
    // As a pool the plant passes 80 of whatever arrives, and 50 without motors.
    let mut pooled = topo.clone();
    pooled.nodes[4].needs.clear();
    let pool = FlowNetwork::new(&pooled);
    assert_eq!(pool.baseline(), 80.0);
    let mut d = vec![false; 6];
    d[2] = true;
    assert_eq!(pool.max_flow(&d, &mut solver), 50.0);
}

/// An output of today with the parts that issue 13 added on purpose taken
/// out, so it can be held against the c9777a1 bytes: CSV loses its `# …`
/// comment line and gains trailing `warnings`/`command` columns; run JSON
/// gains `shocks` and `warnings`; issue 26 added the `lost` metric (run JSON
/// `metrics.lost`, CSV `lost_*` columns), checked here to be F0 · (1 −
/// service) and then taken out. Everything else must be equal byte for byte
/// (CSV) or value for value (JSON).
fn as_before(golden: &str, now: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(now);
    if golden.ends_with(".json") {
        let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
        if let Some(o) = v.as_object_mut() {
            o.remove("shocks");
            o.remove("warnings");
        }
        for t in v["topologies"].as_array_mut().expect("topologies") {
            let f0 = t["baseline"].as_f64().expect("baseline");
            let service = t["metrics"]["service"]["mean"].as_f64().expect("service");
            let m = t["metrics"].as_object_mut().expect("metrics");
            let lost = m.remove("lost").expect("a lost metric");
            let mean = lost["mean"].as_f64().expect("lost mean");
            assert!((mean - f0 * (1.0 - service)).abs() < 1e-9, "{mean}");
        }
        return serde_json::to_vec(&v).expect("json");
    }
    let text = if golden.ends_with(".run.csv") {
        drop_lost_columns(&text)
    } else {
        text.into_owned()
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let keep = header
        .iter()
        .take_while(|h| **h != "warnings" && **h != "command")
        .count();
    let mut out = header[..keep].join(",") + "\n";
    for l in lines {
        // The dropped columns are the last ones; a quoted field before them
        // keeps its commas, so cut by counting unquoted separators.
        let mut cells = 0;
        let mut quoted = false;
        let mut end = l.len();
        for (i, c) in l.char_indices() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    cells += 1;
                    if cells == keep {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push_str(&l[..end]);
        out.push('\n');
    }
    out.into_bytes()
}

/// A summary CSV without its `lost_*` columns (issue 26); no cell of these
/// files is quoted before the `warnings` column.
fn drop_lost_columns(text: &str) -> String {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let lost: Vec<usize> = (0..header.len())
        .filter(|&i| header[i].starts_with("lost_"))
        .collect();
    assert_eq!(lost.len(), 6, "{header:?}");
    let mut out = String::new();
    for l in std::iter::once(header.join(",").as_str()).chain(lines) {
        let (head, tail) = match l.find(",\"") {
            Some(i) => l.split_at(i),
            None => (l, ""),
        };
        let cells: Vec<&str> = head
            .split(',')
            .enumerate()
            .filter(|(i, _)| !lost.contains(i))
            .map(|(_, c)| c)
            .collect();
        out.push_str(&cells.join(","));
        out.push_str(tail);
        out.push('\n');
    }
    out
}

fn golden_as_before(golden: &str, bytes: &[u8]) -> Vec<u8> {
    if golden.ends_with(".json") {
        let v: serde_json::Value = serde_json::from_slice(bytes).expect("json");
        return serde_json::to_vec(&v).expect("json");
    }
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    for l in text.lines().filter(|l| !l.starts_with("# ")) {
        out.push_str(l);
        out.push('\n');
    }
    out.into_bytes()
}

/// Files without `needs` give the results the program gave before bills of
/// materials existed (outputs in tests/fixtures/pool-only-golden/, made by
/// the binary of commit c9777a1), up to the output-layout changes of issue
/// 13 that [`as_before`] takes out. (The sweep's own golden file is gone:
/// issue 13 moved sweeps to removal counts, which changes its points on
/// purpose; tests/trust.rs checks them against brute-force max flows.)
#[test]
fn pool_only_files_give_the_bytes_of_before() {
    let dir = "tests/fixtures/pool-only-golden";
    let cases: [(&str, &[&str]); 4] = [
        (
            "manufacturing-v1.run.json",
            &[
                "run",
                "manufacturing-v1.toml",
                "--format",
                "json",
                "--trials",
                "64",
            ],
        ),
        (
            "archetypes-v1.run.csv",
            &[
                "run",
                "archetypes-v1.toml",
                "--format",
                "csv",
                "--trials",
                "40",
            ],
        ),
        (
            "archetypes-v1.trace-5.csv",
            &["trace", "archetypes-v1.toml", "--trial", "5"],
        ),
        (
            "manufacturing-v1.trace-2.csv",
            &["trace", "manufacturing-v1.toml", "--trial", "2"],
        ),
    ];
    for (golden, args) in cases {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if a.ends_with(".toml") {
                    format!("{dir}/{a}")
                } else {
                    a.to_string()
                }
            })
            .collect();
        let out = Command::cargo_bin("chainmesh")
            .expect("binary")
            .args(&args)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let want = std::fs::read(format!("{dir}/{golden}")).expect("golden file");
        let (now, want) = (
            as_before(golden, &out.stdout),
            golden_as_before(golden, &want),
        );
        assert!(
            now == want,
            "{args:?} differs from {golden}:\n{}\n---\n{}",
            String::from_utf8_lossy(&now),
            String::from_utf8_lossy(&want)
        );
    }
}

/// The lesson of the built-in `manufacturing` scenario, on its default seed:
/// a network of many channels with single-sourced parts is barely better
/// than the chain; multi-sourcing every part is much better.
#[test]
fn manufacturing_lesson_multi_sourcing_each_part_is_what_helps() {
    let b = chainmesh::scenario::builtin::find("manufacturing").expect("built in");
    let s = Scenario::from_toml(b.name, b.text).expect("valid");
    let ids: Vec<&str> = s.topologies.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        ["chain", "single_sourced", "multi_sourced", "same_park"]
    );
    let seed = s.seed;
    let prep = Prepared::new(s).expect("scenario compiles");
    let summary = summarize(&run_trials(&prep, seed, 0..300), &prep.baselines());
    let mean = |k: usize| summary.metrics[k].service.mean;
    let (chain, single, multi) = (mean(0), mean(1), mean(2));
    let diff = |k: usize| {
        let d = &summary.vs_first[k].as_ref().expect("paired").service_diff;
        (d.mean, d.ci95)
    };
    let (d1, ci1) = diff(1);
    let (d2, ci2) = diff(2);
    // Barely better: above the chain, by less than a tenth of the baseline.
    assert!(
        d1 - ci1 > 0.0 && d1 < 0.1,
        "single-sourced {single} vs chain {chain}"
    );
    // Much better: more than 0.2 above the chain and three times the gain of
    // the single-sourced network.
    assert!(d2 - ci2 > 0.2, "multi-sourced {multi} vs chain {chain}");
    assert!(d2 > 3.0 * d1, "multi {d2:+.3} vs single {d1:+.3}");
    assert!(multi - single > 0.2, "multi {multi} vs single {single}");
}

/// `check` lists each assembler's parts with their supplier counts and names
/// every sole source.
#[test]
fn check_names_parts_supplier_counts_and_sole_sources() {
    let out = Command::cargo_bin("chainmesh")
        .expect("binary")
        .args(["check", "manufacturing"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "assembler assembly_plant makes scooter from: battery ×1 (1 supplier), controller ×1 (1 supplier), frame ×1 (1 supplier), motor ×1 (1 supplier)",
        "sole sources (4), single points of failure:",
        "battery_maker: the only battery supplier of plant_north, plant_south, contract_assembler",
        "assembler plant_north makes scooter from: battery ×1 (2 suppliers), controller ×1 (2 suppliers)",
        "sole sources: none (every part has at least two suppliers)",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    // A pool-only file prints no bill-of-materials lines.
    let out = Command::cargo_bin("chainmesh")
        .expect("binary")
        .args(["check", "agriculture"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("assembler") && !text.contains("sole sources"),
        "{text}"
    );
}

/// `generate --needs`: every node makes its own product, every relay needs
/// the products of all its inputs; the file is valid and both topologies
/// keep equal baselines.
#[test]
fn generate_needs_builds_a_valid_layered_assembly_network() {
    let text = chainmesh::compose::generate::generate_with(
        chainmesh::compose::generate::Model::Layered,
        60,
        4,
        true,
    );
    let s = parse(&text);
    for t in &s.topologies {
        for (i, n) in t.nodes.iter().enumerate() {
            let inputs: std::collections::BTreeSet<String> = t
                .links
                .iter()
                .filter(|l| l.to == i)
                .map(|l| t.nodes[l.from].id.clone())
                .collect();
            match n.role {
                chainmesh::scenario::Role::Relay if !inputs.is_empty() => {
                    let parts: std::collections::BTreeSet<String> =
                        n.needs.keys().cloned().collect();
                    assert_eq!(parts, inputs, "{}: {} needs its inputs", t.id, n.id);
                    assert_eq!(n.product.as_deref(), Some(n.id.as_str()));
                }
                _ => assert!(n.needs.is_empty(), "{} pools", n.id),
            }
        }
        assert!(t.nodes.iter().any(|n| n.is_assembler()));
    }
    let b = chainmesh::compose::generate::baselines(&text).expect("valid");
    assert!(
        b[0] > 0.0 && (b[0] - b[1]).abs() <= 1e-9 * b[1].max(1.0),
        "{b:?}"
    );
    // Without --needs the generator's output is unchanged by the option's existence.
    assert_eq!(
        chainmesh::compose::generate::generate(chainmesh::compose::generate::Model::Layered, 60, 4),
        chainmesh::compose::generate::generate_with(
            chainmesh::compose::generate::Model::Layered,
            60,
            4,
            false
        )
    );
    let out = Command::cargo_bin("chainmesh")
        .expect("binary")
        .args(["generate", "--model", "er", "--nodes", "20", "--needs"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

/// Results with assemblers depend on scenario, seed and trial only: the
/// same bytes on one thread and on two, and a trial replayed alone by
/// `trace` has the service the batch reported for it.
#[test]
fn assembly_results_do_not_depend_on_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let per_trial = |threads: &str| {
        let path = dir.path().join(format!("t{threads}.csv"));
        let p = path.to_str().expect("utf-8 path").to_string();
        let table = run(&[
            "run",
            "manufacturing",
            "--format",
            "csv",
            "--trials",
            "400",
            "--threads",
            threads,
            "--per-trial",
            &p,
        ]);
        (
            table,
            std::fs::read_to_string(&path).expect("per-trial file"),
        )
    };
    let one = per_trial("1");
    let two = per_trial("2");
    assert!(one == two, "thread count changed the results");
    // Trial 137 replayed on its own: mean φ over its steps = its service.
    let trace = run(&["trace", "manufacturing", "--trial", "137"]);
    let trace = String::from_utf8_lossy(&trace);
    let topologies = ["chain", "single_sourced", "multi_sourced", "same_park"];
    let (mut sum, mut steps) = ([0.0f64; 4], [0usize; 4]);
    for line in trace
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("step"))
    {
        let f: Vec<&str> = line.split(',').collect();
        let k = topologies
            .iter()
            .position(|t| *t == f[1])
            .expect("topology");
        sum[k] += f[3].parse::<f64>().expect("service");
        steps[k] += 1;
    }
    for line in one.1.lines().filter(|l| l.starts_with("137,")) {
        let f: Vec<&str> = line.split(',').collect();
        let k = topologies
            .iter()
            .position(|t| *t == f[1])
            .expect("topology");
        let batch: f64 = f[2].parse().expect("service");
        let replay = sum[k] / steps[k] as f64;
        assert!(
            (batch - replay).abs() < 1e-9,
            "{}: batch {batch} vs trace {replay}",
            f[1]
        );
    }
}

/// Large assembly topologies (over 64 nodes) start each step from the
/// run's previous optimum; that path belongs to the trial, so the results
/// are still the same bytes on one thread and on two, and `trace` replays
/// a trial's service exactly.
#[test]
fn warm_started_large_assembly_results_do_not_depend_on_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("g.toml");
    let scenario = scenario.to_str().expect("utf-8 path").to_string();
    run(&[
        "generate", "--model", "layered", "--nodes", "120", "--needs", "--seed", "3", "--out",
        &scenario, "-q",
    ]);
    let per_trial = |threads: &str| {
        let path = dir.path().join(format!("t{threads}.csv"));
        let p = path.to_str().expect("utf-8 path").to_string();
        let table = run(&[
            "run",
            &scenario,
            "--format",
            "json",
            "--trials",
            "24",
            "--steps",
            "60",
            "--scale",
            "failure_rate=5",
            "--threads",
            threads,
            "--per-trial",
            &p,
            "-q",
        ]);
        (
            table,
            std::fs::read_to_string(&path).expect("per-trial file"),
        )
    };
    let one = per_trial("1");
    let two = per_trial("2");
    assert!(one == two, "thread count changed the results");
    let trace = run(&[
        "trace",
        &scenario,
        "--trial",
        "17",
        "--steps",
        "60",
        "--scale",
        "failure_rate=5",
    ]);
    let trace = String::from_utf8_lossy(&trace);
    let (mut sum, mut steps, mut below) = (0.0f64, 0usize, 0usize);
    for line in trace.lines().filter(|l| l.contains(",network,")) {
        let f: Vec<&str> = line.split(',').collect();
        let phi: f64 = f[3].parse().expect("service");
        sum += phi;
        steps += 1;
        below += usize::from(phi < 1.0);
    }
    assert!(below > 5, "the trial barely failed ({below} steps below 1)");
    let batch: f64 = one
        .1
        .lines()
        .find(|l| l.starts_with("17,network,"))
        .expect("trial 17")
        .split(',')
        .nth(2)
        .expect("service")
        .parse()
        .expect("number");
    assert!(
        (batch - sum / steps as f64).abs() < 1e-12,
        "batch {batch} vs trace {}",
        sum / steps as f64
    );
}

/// A trial of a large assembly topology gives the same bits whether its
/// workspace ran other trials before (a block of one `run`) or nothing (the
/// trial alone): the warm start is reset with every trial.
#[test]
fn a_trial_gives_the_same_bits_after_other_trials_and_alone() {
    let text = chainmesh::compose::generate::generate_with(
        chainmesh::compose::generate::Model::Layered,
        120,
        3,
        true,
    );
    let mut scenario = Scenario::from_toml("g.toml", &text).expect("valid");
    scenario.steps = 60;
    for t in &mut scenario.topologies {
        for n in &mut t.nodes {
            n.failure_rate *= 5.0;
        }
    }
    let prep = Prepared::new(scenario).expect("scenario compiles");
    let together = run_trials(&prep, 11, 0..12);
    for k in 0..12u64 {
        let alone = run_trials(&prep, 11, k..k + 1);
        let k2 = prep.topologies.len() * k as usize;
        let bits = |m: &[chainmesh::sim::TrialMetrics]| format!("{m:?}");
        assert_eq!(
            bits(&together.values[k2..k2 + prep.topologies.len()]),
            bits(&alone.values),
            "trial {k}"
        );
    }
}

/// The warm start of a large assembly topology belongs to one trial:
/// a run reused for the next trial (as a Monte Carlo block does) starts
/// it from the canonical optimum, not from the trial before.
#[test]
fn reset_drops_the_warm_start_of_the_trial_before() {
    let text = chainmesh::compose::generate::generate_with(
        chainmesh::compose::generate::Model::Layered,
        120,
        3,
        true,
    );
    let mut scenario = Scenario::from_toml("g.toml", &text).expect("valid");
    for t in &mut scenario.topologies {
        for n in &mut t.nodes {
            n.failure_rate *= 10.0;
        }
    }
    let prep = Prepared::new(scenario).expect("compiles");
    let network = 1;
    let mut run = TopologyRun::new(&prep, network, 5, 0);
    let mut cache = FlowCache::default();
    let mut held = false;
    while run.step(&prep, &mut cache).is_some() {
        held |= run.warm_fixes().is_some();
    }
    assert!(held, "the trial never held a warm start");
    assert!(run.warm_fixes().is_some());
    run.reset(&prep, 5, 1);
    assert_eq!(run.warm_fixes(), None);
}
