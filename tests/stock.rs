//! Inventory (docs/model.md, "Inventory") checked against arithmetic, an
//! independent lexicographic LP, properties, and the bytes of before.

mod common;

use assert_cmd::Command;
use chainmesh::model::{Inventory, StockNetwork, StockProgram, StockScratch, stock_ranking};
use chainmesh::scenario::{Role, Scenario, Topology};
use chainmesh::sim::{FlowCache, Prepared, StepRecord, TopologyRun, risk};
use proptest::prelude::*;

/// Standard output of a successful `chainmesh ARGS`.
fn run_ok(args: &[&str]) -> Vec<u8> {
    let out = Command::cargo_bin("chainmesh")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn parse(text: &str) -> Scenario {
    Scenario::from_toml("stock.toml", text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// factory → retailer; the retailer holds `stock`, demands `demand` and can
/// take `cap` a step; the factory makes `cap` and is down for `outage`
/// steps from step 2.
fn two_node(stock: &str, demand: f64, cap: f64, outage: u32, steps: u32) -> Scenario {
    parse(&format!(
        "[scenario]\nname = \"two\"\nsector = \"retail\"\nsteps = {steps}\ntrials = 1\n\
[defaults]\nfailure_rate = 0.0\n\
[[shock]]\nat = 2\nselect = \"nodes\"\nnodes = [\"factory\"]\nduration = {outage}\n\
[[topology]]\nid = \"chain\"\n\
[[topology.node]]\nid = \"factory\"\nrole = \"source\"\ncapacity = {cap:?}\n\
[[topology.node]]\nid = \"retailer\"\nrole = \"sink\"\ncapacity = {cap:?}\ndemand = {demand:?}\nstock = {stock}\n\
[[topology.link]]\nfrom = \"factory\"\nto = \"retailer\"\n"
    ))
}

fn steps_of(prep: &Prepared, k: usize) -> (Vec<StepRecord>, Vec<f64>) {
    let mut run = TopologyRun::new(prep, k, 0, 0);
    let mut cache = FlowCache::default();
    let (mut recs, mut levels) = (Vec::new(), Vec::new());
    while let Some(r) = run.step(prep, &mut cache) {
        recs.push(r);
        levels.push(run.stock_levels(prep).iter().map(|s| s.1).sum());
    }
    (recs, levels)
}

/// Stock S = 250 at the retailer, demand D = 100, a 5-step outage: full
/// service for ⌊S/D⌋ = 2 steps, then the remainder 50, then nothing; with
/// capacity = demand the buffer never comes back.
#[test]
fn buffer_covers_floor_s_over_d_steps_and_never_refills_without_spare_capacity() {
    let prep = Prepared::new(two_node("250", 100.0, 100.0, 5, 12)).unwrap();
    let (recs, levels) = steps_of(&prep, 0);
    let phi: Vec<f64> = recs.iter().map(|r| r.service).collect();
    assert_eq!(
        phi,
        [1.0, 1.0, 1.0, 1.0, 0.5, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    );
    assert_eq!(
        levels,
        [
            250.0, 250.0, 150.0, 50.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
        ]
    );
    let drawn: Vec<f64> = recs.iter().map(|r| r.drawn).collect();
    assert_eq!(drawn[2..5], [1.0, 1.0, 0.5]);
    assert!(recs[4..].iter().all(|r| r.stockout));
    assert!(!recs[3].stockout);
}

/// Capacity − demand = c = 20: after the outage the buffer refills 20 a
/// step, and delivery stays at the demand.
#[test]
fn buffer_refills_by_the_spare_capacity_each_step() {
    let prep = Prepared::new(two_node(
        "{ max = 250, initial = 250 }",
        100.0,
        120.0,
        5,
        14,
    ))
    .unwrap();
    let (recs, levels) = steps_of(&prep, 0);
    assert_eq!(prep.topologies[0].net.baseline(), 100.0);
    let phi: Vec<f64> = recs.iter().map(|r| r.service).collect();
    assert_eq!(phi[..7], [1.0, 1.0, 1.0, 1.0, 0.5, 0.0, 0.0]);
    assert!(phi[7..].iter().all(|&p| p == 1.0));
    assert_eq!(
        levels[4..],
        [0.0, 0.0, 0.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0, 140.0]
    );
}

/// `initial` below `max` starts part-empty; with spare capacity it fills.
#[test]
fn initial_below_max_fills_from_spare_capacity() {
    let prep = Prepared::new(two_node("{ max = 50, initial = 10 }", 100.0, 120.0, 1, 5)).unwrap();
    let (_, levels) = steps_of(&prep, 0);
    // Step 0 and 1 refill 20 each (10 → 30 → 50); step 2 the factory is
    // down: the shelf covers 50 of 100; then it refills again.
    assert_eq!(levels, [30.0, 50.0, 0.0, 20.0, 40.0]);
}

/// `risk`: with S units downstream, demand D = F0 and the rest of the
/// path fine, TTS of the upstream node is ⌊S/D⌋, plus one when the last
/// partial step still meets the service level ((S mod D)/D ≥ L).
#[test]
fn risk_tts_is_floor_s_over_d_plus_a_partial_step_that_meets_the_level() {
    for (s, want) in [
        (250.0, 2),
        (295.0, 3),
        (0.0, 0),
        (100.0, 1),
        (99.0, 1),
        (85.0, 0),
    ] {
        let stock = format!("{s:?}");
        let sc = two_node(&stock, 100.0, 100.0, 1, 30);
        let tables = risk(&sc, &[0]).unwrap();
        let factory = tables[0].rows.iter().find(|r| r.node == "factory").unwrap();
        assert_eq!(factory.tts, want, "S = {s}: {factory:?}");
        assert!(!factory.tts_censored);
        // The retailer itself holds the stock: down, it ships none.
        let retailer = tables[0]
            .rows
            .iter()
            .find(|r| r.node == "retailer")
            .unwrap();
        assert_eq!(retailer.tts, 0);
    }
}

#[test]
fn stock_is_ranked_by_hops_to_the_nearest_sink_then_id() {
    let sc = parse(
        "[scenario]\nname = \"r\"\nsector = \"retail\"\n[defaults]\nstock = 10\n\
[[topology]]\nid = \"t\"\n\
[[topology.node]]\nid = \"src\"\nrole = \"source\"\n\
[[topology.node]]\nid = \"b\"\n\
[[topology.node]]\nid = \"a\"\n\
[[topology.node]]\nid = \"shop\"\nrole = \"sink\"\n\
[[topology.node]]\nid = \"island\"\nrole = \"source\"\n\
[[topology.link]]\nfrom = \"src\"\nto = \"b\"\n\
[[topology.link]]\nfrom = \"b\"\nto = \"shop\"\n\
[[topology.link]]\nfrom = \"src\"\nto = \"a\"\n\
[[topology.link]]\nfrom = \"a\"\nto = \"shop\"\n\
[[topology.link]]\nfrom = \"island\"\nto = \"src\"\n",
    );
    let t = &sc.topologies[0];
    let ids: Vec<&str> = stock_ranking(t)
        .iter()
        .map(|&v| t.nodes[v].id.as_str())
        .collect();
    assert_eq!(ids, ["shop", "a", "b", "src", "island"]);
}

/// The three stages by the independent oracle of `common::stage_lp`:
/// (delivered, draw per rank, refill per rank).
fn lexicographic_lp(topo: &Topology, down: &[bool], level: &[f64]) -> (f64, Vec<f64>, Vec<f64>) {
    let o = common::stage_lp::four_stages(topo, down, level);
    (o.delivered, o.draws, o.refills)
}

fn arb_stocked() -> impl Strategy<Value = (Topology, Vec<bool>, Vec<f64>)> {
    common::arb_topology().prop_flat_map(|t| {
        let n = t.nodes.len();
        (
            Just(t),
            prop::collection::vec(any::<bool>(), n),
            prop::collection::vec((0u32..4, 0u32..30, 0u32..=100), n),
        )
            .prop_map(|(mut t, down, stock)| {
                for (node, (kind, max, fill)) in t.nodes.iter_mut().zip(stock) {
                    if kind > 0 && max > 0 {
                        node.stock.max = f64::from(max);
                        node.stock.initial = (f64::from(max) * f64::from(fill) / 100.0).round();
                    }
                    if node.role == Role::Sink && kind == 3 {
                        node.demand = Some((node.capacity / 2.0).max(1.0));
                    }
                }
                let level = stock_ranking(&t)
                    .iter()
                    .map(|&v| t.nodes[v].stock.initial)
                    .collect();
                (t, down, level)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The nested max flows and chainmesh's own LP give the draws and
    /// refills of an independent lexicographic LP, on random pool networks.
    #[test]
    fn three_stages_equal_an_independent_lexicographic_lp((t, down, level) in arb_stocked()) {
        prop_assume!(t.has_stock());
        let f0 = chainmesh::network::FlowNetwork::new(&t).baseline();
        prop_assume!(f0 > 0.0);
        let (want, want_y, want_r) = lexicographic_lp(&t, &down, &level);
        let flow = StockNetwork::new(&t, f0).unwrap();
        let program = StockProgram::new(&t, f0).unwrap();
        let tol = 1e-6;
        for (name, got_level, step) in [
            ("flow", {
                let mut l = level.clone();
                let s = flow.step(&down, &mut l, &mut StockScratch::default(), None);
                (l, s)
            }.0, {
                let mut l = level.clone();
                flow.step(&down, &mut l, &mut StockScratch::default(), None)
            }),
            ("program", {
                let mut l = level.clone();
                program.step(&down, &mut l);
                l
            }, {
                let mut l = level.clone();
                program.step(&down, &mut l)
            }),
        ] {
            prop_assert!((step.delivered - want).abs() < tol, "{name}: delivered {} vs {want}", step.delivered);
            prop_assert!(step.delivered <= f0 + 1e-9);
            let drawn: f64 = want_y.iter().sum();
            let refilled: f64 = want_r.iter().sum();
            prop_assert!((step.drawn - drawn).abs() < tol, "{name}: drawn {} vs {drawn}", step.drawn);
            prop_assert!((step.refilled - refilled).abs() < tol, "{name}: refilled {} vs {refilled}", step.refilled);
            for j in 0..level.len() {
                let expect = level[j] - want_y[j] + want_r[j];
                prop_assert!((got_level[j] - expect).abs() < tol, "{name}: level {j}: {} vs {expect}", got_level[j]);
                let max = t.nodes[flow.ranked()[j]].stock.max;
                prop_assert!((0.0..=max).contains(&got_level[j]));
            }
        }
    }

    /// Pool-only: more initial stock never lowers any step's φ (the same
    /// failures strike, since they do not depend on stock); φ ≤ 1 and every
    /// level stays in [0, max].
    #[test]
    fn more_initial_stock_never_lowers_service(
        (t, _, _) in arb_stocked(),
        extra in 1u32..30,
        seed in 0u64..1000,
    ) {
        prop_assume!(t.has_stock());
        let text = "[scenario]\nname = \"p\"\nsector = \"other\"\nsteps = 40\n[defaults]\nfailure_rate = 0.15\nrepair = { dist = \"uniform\", min = 1, max = 6 }\n[[topology]]\nid = \"a\"\n[[topology.node]]\nid = \"s\"\nrole = \"source\"\n[[topology.node]]\nid = \"t\"\nrole = \"sink\"\n[[topology.link]]\nfrom = \"s\"\nto = \"t\"\n"
            .to_string();
        let mut less = parse(&text);
        let mut topo = t.clone();
        for n in &mut topo.nodes {
            n.failure_rate = 0.15;
        }
        less.topologies = vec![topo.clone()];
        let mut more = less.clone();
        for n in &mut more.topologies[0].nodes {
            n.stock.initial = (n.stock.initial + f64::from(extra)).min(n.stock.max);
        }
        let (a, b) = (Prepared::new(less).unwrap(), Prepared::new(more).unwrap());
        let (ra, la) = steps_of_each(&a, seed);
        let (rb, lb) = steps_of_each(&b, seed);
        for (s, (x, y)) in ra.iter().zip(&rb).enumerate() {
            prop_assert_eq!(x.down, y.down, "same failures at step {}", s);
            prop_assert!(y.service >= x.service - 1e-9, "step {s}: {} < {}", y.service, x.service);
            prop_assert!(y.service <= 1.0 + 1e-12 && x.service <= 1.0 + 1e-12);
        }
        for (levels, prep) in [(&la, &a), (&lb, &b)] {
            for per_node in levels {
                for &(v, l, m) in per_node {
                    prop_assert!((0.0..=m).contains(&l), "node {v}: {l} not in [0, {m}]");
                    let _ = prep;
                }
            }
        }
    }
}

/// Per step: the record and the stock levels after it.
type StockSteps = (Vec<StepRecord>, Vec<Vec<(usize, f64, f64)>>);

fn steps_of_each(prep: &Prepared, seed: u64) -> StockSteps {
    let mut run = TopologyRun::new(prep, 0, seed, 0);
    let mut cache = FlowCache::default();
    let (mut recs, mut levels) = (Vec::new(), Vec::new());
    while let Some(r) = run.step(prep, &mut cache) {
        recs.push(r);
        levels.push(run.stock_levels(prep));
    }
    (recs, levels)
}

/// With assemblers the stages are linear programs: a plant that needs a
/// battery and a motor, with 30 finished scooters on its shelf, keeps
/// shipping for ⌊30/10⌋ = 3 steps after its battery supplier fails.
#[test]
fn assembler_with_stock_ships_from_its_shelf() {
    let sc = parse(
        "[scenario]\nname = \"a\"\nsector = \"manufacturing\"\nsteps = 8\n[defaults]\nfailure_rate = 0.0\ncapacity = 10\n\
[[shock]]\nat = 1\nselect = \"nodes\"\nnodes = [\"battery\"]\nduration = 5\n\
[[topology]]\nid = \"t\"\n\
[[topology.node]]\nid = \"battery\"\nrole = \"source\"\nproduct = \"battery\"\n\
[[topology.node]]\nid = \"motor\"\nrole = \"source\"\nproduct = \"motor\"\n\
[[topology.node]]\nid = \"plant\"\nneeds = { battery = 1, motor = 1 }\nstock = 30\n\
[[topology.node]]\nid = \"shop\"\nrole = \"sink\"\n\
[[topology.link]]\nfrom = \"battery\"\nto = \"plant\"\n\
[[topology.link]]\nfrom = \"motor\"\nto = \"plant\"\n\
[[topology.link]]\nfrom = \"plant\"\nto = \"shop\"\n",
    );
    let prep = Prepared::new(sc).unwrap();
    assert!(matches!(
        prep.topologies[0].model.inventory,
        Some(Inventory::Program(_))
    ));
    let (recs, levels) = steps_of(&prep, 0);
    let phi: Vec<f64> = recs.iter().map(|r| r.service).collect();
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9);
    assert!(
        close(&phi, &[1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0]),
        "{phi:?} {levels:?}"
    );
    assert!(
        close(&levels, &[30.0, 20.0, 10.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        "{levels:?}"
    );
}

#[test]
fn stock_and_demand_are_validated_with_file_line_and_field() {
    let base = |node_extra: &str, defaults: &str| {
        format!(
            "[scenario]\nname = \"v\"\nsector = \"retail\"\n[defaults]\n{defaults}\n\
[[topology]]\nid = \"t\"\n\
[[topology.node]]\nid = \"f\"\nrole = \"source\"\n\
[[topology.node]]\nid = \"r\"\nrole = \"sink\"\n{node_extra}\n\
[[topology.link]]\nfrom = \"f\"\nto = \"r\"\n"
        )
    };
    for (text, field, words) in [
        (base("stock = -1", ""), "topology.node.stock", "≥ 0"),
        (base("stock = inf", ""), "topology.node.stock", "finite"),
        (
            base("stock = { max = 10, initial = 20 }", ""),
            "topology.node.stock",
            "initial ≤ max",
        ),
        (
            base("stock = { initial = 20 }", ""),
            "topology.node.stock",
            "needs `max`",
        ),
        (
            base("stock = { max = 10, level = 2 }", ""),
            "topology.node.stock",
            "unknown key",
        ),
        (
            base("stock = \"lots\"", ""),
            "topology.node.stock",
            "found string",
        ),
        (base("", "stock = -5"), "defaults.stock", "≥ 0"),
        (base("demand = 0", ""), "topology.node.demand", "> 0"),
        (base("demand = nan", ""), "topology.node.demand", "finite"),
    ] {
        let e = Scenario::from_toml("v.toml", &text)
            .expect_err(&text)
            .to_string();
        assert!(e.contains("v.toml:"), "{e}");
        assert!(e.contains(field), "{field}: {e}");
        assert!(e.contains(words), "{words}: {e}");
    }
    let on_source = "[scenario]\nname = \"v\"\nsector = \"retail\"\n[[topology]]\nid = \"t\"\n\
[[topology.node]]\nid = \"f\"\nrole = \"source\"\ndemand = 5\n\
[[topology.node]]\nid = \"r\"\nrole = \"sink\"\n[[topology.link]]\nfrom = \"f\"\nto = \"r\"\n";
    let e = Scenario::from_toml("v.toml", on_source)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("v.toml:9:") && e.contains("only for sinks"),
        "{e}"
    );
    // The binary: exit 2 and the message.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, base("stock = { max = 10, initial = 20 }", "")).unwrap();
    Command::cargo_bin("chainmesh")
        .unwrap()
        .arg("check")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("initial ≤ max"));
}

/// A file without stock gives the bytes of before (tests/fixtures/
/// pre-stock-golden/, written by the binary of commit a78492d from copies
/// of the built-in scenarios): run in JSON, CSV and table, `--per-trial`,
/// `risk` and `trace`. Issue 26 added the `lost` column (and a legend
/// sentence on `below`) to every run output: the run and per-trial files
/// were rewritten then, after checking that taking the `lost` column and
/// those legend words out gives the files of a78492d byte for byte.
#[test]
fn files_without_stock_give_the_bytes_of_before() {
    let g = "tests/fixtures/pre-stock-golden";
    let names = [
        "agriculture",
        "ecommerce-platform",
        "ecosystem-archetypes",
        "manufacturing",
        "marketing",
        "pandemic-2020",
        "smart-city",
    ];
    let run = run_ok;
    for n in names {
        let file = format!("{g}/{n}.toml");
        for (format, ext) in [("json", "json"), ("csv", "csv"), ("table", "txt")] {
            let want = std::fs::read(format!("{g}/{n}.{ext}")).unwrap();
            let got = run(&["run", &file, "--trials", "100", "--format", format]);
            assert!(
                got == want,
                "{n} {format} differs:\n{}",
                String::from_utf8_lossy(&got)
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.csv");
    let file = format!("{g}/pandemic-2020.toml");
    run(&[
        "run",
        &file,
        "--trials",
        "100",
        "--per-trial",
        p.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(
        std::fs::read(&p).unwrap(),
        std::fs::read(format!("{g}/pandemic-2020.p.csv")).unwrap()
    );
    assert_eq!(
        run(&["risk", &file, "--format", "json"]),
        std::fs::read(format!("{g}/pandemic-2020.risk.json")).unwrap()
    );
    assert_eq!(
        run(&["trace", &format!("{g}/agriculture.toml")]),
        std::fs::read(format!("{g}/agriculture.trace.csv")).unwrap()
    );
}

/// Mean φ per step over trials `0..trials` of topology `k`.
fn mean_curve(prep: &Prepared, k: usize, trials: u64) -> Vec<f64> {
    let steps = prep.scenario.steps as usize;
    let mut sum = vec![0.0; steps];
    let mut cache = FlowCache::default();
    for trial in 0..trials {
        let mut run = TopologyRun::new(prep, k, prep.scenario.seed, trial);
        let mut s = 0;
        while let Some(r) = run.step(prep, &mut cache) {
            sum[s] += r.service;
            s += 1;
        }
    }
    sum.iter().map(|x| x / trials as f64).collect()
}

fn window(curve: &[f64], from: usize, to: usize) -> f64 {
    curve[from..to].iter().sum::<f64>() / (to - from) as f64
}

/// The pandemic lesson on buffers vs flexibility, on the default seed: a
/// chain with four weeks of safety stock beats the omnichannel network
/// while the border closure is short (8 steps), and loses to it over the
/// real 30-step closure (its buffer is gone after 14 steps); both beat
/// the bare chain.
#[test]
fn pandemic_safety_stock_wins_short_closures_and_loses_the_long_one() {
    let b = chainmesh::scenario::builtin::find("pandemic-2020").unwrap();
    let s = Scenario::from_toml(b.name, b.text).unwrap();
    let ids: Vec<&str> = s.topologies.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["chain", "network", "chain_stock"]);
    let stocked = &s.topologies[2];
    assert!(stocked.has_stock() && !s.topologies[0].has_stock() && !s.topologies[1].has_stock());
    let long = Prepared::new(s.clone()).unwrap();
    let mut short = s;
    assert_eq!(
        (short.shocks[0].at, short.shocks[0].duration),
        (12, Some(30))
    );
    short.shocks[0].duration = Some(8);
    let short = Prepared::new(short).unwrap();
    let trials = 300;
    let (chain, net, stock) = (
        mean_curve(&long, 0, trials),
        mean_curve(&long, 1, trials),
        mean_curve(&long, 2, trials),
    );
    let closure = |c: &[f64]| window(c, 12, 42);
    assert!(
        closure(&net) > closure(&stock) + 0.2,
        "long: network {} vs stocked chain {}",
        closure(&net),
        closure(&stock)
    );
    assert!(
        closure(&stock) > closure(&chain) + 0.3,
        "long: stocked {} vs chain {}",
        closure(&stock),
        closure(&chain)
    );
    // The buffer lasts ⌊1400/100⌋ = 14 steps of the closure (less where
    // everyday outages drew on it before); then the chain is dark, except
    // where a store outage kept the stock on the shelf for later.
    assert!(
        window(&stock, 12, 26) > 0.75 && window(&stock, 30, 38) < 0.01,
        "{:?}",
        &stock[10..44]
    );
    let (net_s, stock_s) = (mean_curve(&short, 1, trials), mean_curve(&short, 2, trials));
    let closure = |c: &[f64]| window(c, 12, 20);
    assert!(
        closure(&stock_s) > closure(&net_s) + 0.02,
        "short: stocked {} vs network {}",
        closure(&stock_s),
        closure(&net_s)
    );
}

/// Agriculture: the cold-chain warehouse's 150 boxes bridge the first
/// steps of the typhoon (the network loses 30 a step: five steps of cover),
/// measured against the same file without the stock, on the default seed.
#[test]
fn agriculture_cold_store_bridges_the_first_steps_of_the_typhoon() {
    let b = chainmesh::scenario::builtin::find("agriculture").unwrap();
    let s = Scenario::from_toml(b.name, b.text).unwrap();
    let k = s.topologies.iter().position(|t| t.id == "network").unwrap();
    let cold = s.topologies[k].node_index("cold_chain_a").unwrap();
    assert_eq!(s.topologies[k].nodes[cold].stock.max, 150.0);
    let mut bare = s.clone();
    bare.topologies[k].nodes[cold].stock = Default::default();
    assert!(!bare.has_stock());
    let (with, without) = (Prepared::new(s).unwrap(), Prepared::new(bare).unwrap());
    let (a, b) = (mean_curve(&with, k, 300), mean_curve(&without, k, 300));
    assert!(
        window(&a, 20, 24) > window(&b, 20, 24) + 0.15,
        "{} vs {}",
        window(&a, 20, 24),
        window(&b, 20, 24)
    );
    assert!(
        a.iter().zip(&b).all(|(x, y)| x + 1e-12 >= *y),
        "stock never lowers the mean curve here"
    );
}

/// Stock metrics travel through partials: `merge` of a split run of the
/// stocked pandemic gives the single run's bytes (JSON, CSV and table),
/// and a part whose stock tally was edited is refused.
#[test]
fn stocked_partials_merge_into_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_ok;
    let mut parts = Vec::new();
    for (i, range) in ["25..60", "0..25"].iter().enumerate() {
        let p = dir
            .path()
            .join(format!("p{i}.json"))
            .to_str()
            .unwrap()
            .to_string();
        run(&["run", "pandemic-2020", "--trial-range", range, "--out", &p]);
        parts.push(p);
    }
    let text = std::fs::read_to_string(&parts[0]).unwrap();
    assert!(
        text.contains("\"stock\""),
        "the part carries the stock tallies"
    );
    for format in ["json", "csv", "table"] {
        let single = run(&["run", "pandemic-2020", "--trials", "60", "--format", format]);
        let merged = run(&["merge", &parts[0], &parts[1], "--format", format]);
        let s = String::from_utf8_lossy(&single);
        assert!(s.contains("stock"), "{format}: {s}");
        // The reproduce command names how the run was asked for.
        let strip = |b: &[u8]| -> String {
            String::from_utf8_lossy(b)
                .lines()
                .filter(|l| !l.contains("chainmesh run") && !l.contains("\"command\""))
                .collect::<Vec<_>>()
                .join("\n")
        };
        if format != "csv" {
            assert_eq!(strip(&merged), strip(&single), "{format}");
        } else {
            let cut = |b: &[u8]| -> Vec<String> {
                String::from_utf8_lossy(b)
                    .lines()
                    .map(|l| l.rsplit_once(",chainmesh").map_or(l, |x| x.0).to_string())
                    .collect()
            };
            assert_eq!(cut(&merged), cut(&single));
        }
    }
    // Tamper with the stock tally: a stock_used of -7.5 or a stockout of
    // 7.5 fail the range checks (stock_used is bounded only below: with
    // assemblers it counts parts, issue 22 item 7); an in-range edit (0.5)
    // fails the digest.
    for (metric, value, words) in [
        (
            0,
            -7.5,
            "stock_used value of topology \"chain_stock\" lies outside [0, ∞)",
        ),
        (
            1,
            7.5,
            "stockout value of topology \"chain_stock\" lies outside [0, 1]",
        ),
        (0, 0.5, "digest"),
    ] {
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let d = v["tally"]["topologies"][2]["stock"][metric]
            .as_array_mut()
            .unwrap();
        // The smallest or largest value, so the distribution stays ascending.
        let at = if value < 0.0 { 0 } else { d.len() - 1 };
        assert!(d[at][0].as_f64().unwrap() < 0.5);
        d[at][0] = serde_json::json!(value);
        let bad_path = dir.path().join("bad.json");
        std::fs::write(&bad_path, serde_json::to_string(&v).unwrap()).unwrap();
        let out = Command::cargo_bin("chainmesh")
            .unwrap()
            .args(["merge", bad_path.to_str().unwrap(), &parts[1]])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(words), "{words}: {err}");
    }
}

/// The memos of the stocked step (idle steps, production residuals) never
/// change a result: one cache for a whole run gives the records and levels
/// of a fresh cache at every step, and 1 and 2 threads give the same bytes.
#[test]
fn stock_memos_never_change_results() {
    for name in ["agriculture", "pandemic-2020"] {
        let b = chainmesh::scenario::builtin::find(name).unwrap();
        let prep = Prepared::new(Scenario::from_toml(b.name, b.text).unwrap()).unwrap();
        for k in 0..prep.topologies.len() {
            for trial in 0..20 {
                let (mut shared, mut cache) =
                    (TopologyRun::new(&prep, k, 7, trial), FlowCache::default());
                let mut fresh = TopologyRun::new(&prep, k, 7, trial);
                while let Some(a) = shared.step(&prep, &mut cache) {
                    let b = fresh.step(&prep, &mut FlowCache::default()).unwrap();
                    assert!(
                        (a.service - b.service).abs() < 1e-9 && a.drawn == b.drawn,
                        "{name} {k} {trial}: {a:?} vs {b:?}"
                    );
                    assert_eq!(shared.stock_levels(&prep), fresh.stock_levels(&prep));
                }
            }
        }
        let one = run_ok(&[
            "run",
            name,
            "--trials",
            "300",
            "--threads",
            "1",
            "--format",
            "json",
        ]);
        let two = run_ok(&[
            "run",
            name,
            "--trials",
            "300",
            "--threads",
            "2",
            "--format",
            "json",
        ]);
        assert_eq!(one, two, "{name}");
    }
}

/// `check` names every stocked node and every given demand.
#[test]
fn check_lists_stock_and_demand() {
    let out = String::from_utf8(run_ok(&["check", "pandemic-2020"])).unwrap();
    assert!(out.contains("stock:   distributor 1400"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("two.toml");
    let text = "[scenario]\nname = \"two\"\nsector = \"retail\"\n[[topology]]\nid = \"c\"\n\
[[topology.node]]\nid = \"f\"\nrole = \"source\"\ncapacity = 120\n\
[[topology.node]]\nid = \"shop\"\nrole = \"sink\"\ncapacity = 120\ndemand = 100\nstock = { max = 300, initial = 40 }\n\
[[topology.link]]\nfrom = \"f\"\nto = \"shop\"\n";
    std::fs::write(&p, text).unwrap();
    let out = String::from_utf8(run_ok(&["check", p.to_str().unwrap()])).unwrap();
    assert!(out.contains("stock:   shop 300 (starts at 40)"), "{out}");
    assert!(
        out.contains("demand:  shop 100 a step (takes in up to 120)"),
        "{out}"
    );
    assert!(out.contains("baseline 100"), "{out}");
}
