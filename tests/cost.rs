//! Costs (docs/model.md, section 1c): the cost stage against an independent
//! linear program written here from the model's text, the analytic chain,
//! the worked example, and the property that costs never change a flow.

mod common;

use common::stage_lp::{Oracle, four_stages};

use chainmesh::model::{FlowCache, StepModel, StepState, stock_ranking};
use chainmesh::network::FlowNetwork;
use chainmesh::scenario::{Role, Scenario, Topology};
use chainmesh::sim::{Prepared, run_trials, trace_rows};
use predicates::prelude::PredicateBooleanExt;
use proptest::prelude::*;

/// C of the oracle's step: Σ fixed + V + Σ holding · level at the end.
fn oracle_cost(topo: &Topology, o: &Oracle, level: &[f64]) -> f64 {
    let fixed: f64 = topo.nodes.iter().map(|n| n.cost.fixed).sum();
    let held: f64 = stock_ranking(topo)
        .iter()
        .enumerate()
        .map(|(j, &v)| topo.nodes[v].cost.holding * (level[j] - o.draws[j] + o.refills[j]))
        .sum();
    fixed + o.variable + held
}

/// One step of `topo` by chainmesh's own step model from its initial
/// levels, with `down` out of service: (delivered, C).
fn model_step(topo: &Topology, down: &[bool]) -> (f64, f64) {
    let net = FlowNetwork::new(topo);
    let model = StepModel::new(topo, &net, false);
    let mut state = StepState::default();
    model.start(&mut state);
    let count = down.iter().filter(|d| **d).count();
    let out = model.step(
        &net,
        &mut state,
        (down, count, true),
        &mut FlowCache::default(),
    );
    (out.throughput, out.cost)
}

/// Random costs and stock on `t`: per node (stock kind, max, fill, fixed,
/// unit, holding, lost sale), per link a unit cost; whole numbers and
/// halves, so the programs are well conditioned but not trivial.
#[allow(clippy::type_complexity)]
fn priced(
    mut t: Topology,
    nodes: Vec<(u32, u32, u32, u32, u32, u32, u32)>,
    links: Vec<u32>,
) -> Topology {
    for (node, (kind, max, fill, fixed, unit, holding, lost)) in t.nodes.iter_mut().zip(nodes) {
        if kind > 0 && max > 0 {
            node.stock.max = f64::from(max);
            node.stock.initial = (f64::from(max) * f64::from(fill) / 100.0).round();
        }
        node.cost.fixed = f64::from(fixed);
        node.cost.unit = f64::from(unit) / 2.0;
        node.cost.holding = f64::from(holding) / 2.0;
        if node.role == Role::Sink {
            node.cost.lost_sale = f64::from(lost);
            if kind == 3 {
                node.demand = Some((node.capacity / 2.0).max(1.0));
            }
        }
    }
    for (l, c) in t.links.iter_mut().zip(links) {
        l.unit_cost = f64::from(c) / 2.0;
    }
    t
}

type NodeDraw = (u32, u32, u32, u32, u32, u32, u32);

fn node_draws(n: usize) -> impl Strategy<Value = Vec<NodeDraw>> {
    prop::collection::vec(
        (
            0u32..4,
            0u32..30,
            0u32..=100,
            0u32..10,
            0u32..8,
            0u32..4,
            0u32..60,
        ),
        n,
    )
}

/// `topologies` with random costs, stock (see [`priced`]) and down nodes.
fn arb_priced(
    topologies: impl Strategy<Value = Topology>,
) -> impl Strategy<Value = (Topology, Vec<bool>)> {
    topologies.prop_flat_map(|t| {
        let (n, m) = (t.nodes.len(), t.links.len());
        (
            Just(t),
            node_draws(n),
            prop::collection::vec(0u32..6, m),
            prop::collection::vec(prop::bool::weighted(0.25), n),
        )
            .prop_map(|(t, nodes, links, down)| (priced(t, nodes, links), down))
    })
}

fn arb_priced_pool() -> impl Strategy<Value = (Topology, Vec<bool>)> {
    arb_priced(common::arb_topology())
}

fn arb_priced_assembly() -> impl Strategy<Value = (Topology, Vec<bool>)> {
    arb_priced(common::arb_assembly_text().prop_map(|text| {
        Scenario::from_toml("a.toml", &text)
            .expect("valid")
            .topologies
            .remove(0)
    }))
}

/// `got` equals `want` to 1e-9 relative (absolute below 1).
fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs().max(1.0)
}

fn check_against_oracle(t: &Topology, down: &[bool]) -> Result<(), TestCaseError> {
    let f0 = FlowNetwork::new(t).baseline();
    prop_assume!(f0 > 1e-9);
    let level: Vec<f64> = stock_ranking(t)
        .iter()
        .map(|&v| t.nodes[v].stock.initial)
        .collect();
    let want = four_stages(t, down, &level);
    let (delivered, cost) = model_step(t, down);
    prop_assert!(
        (delivered - want.delivered).abs() < 1e-6,
        "delivered {delivered} vs {}",
        want.delivered
    );
    let expect = oracle_cost(t, &want, &level);
    prop_assert!(
        close(cost, expect),
        "C {cost} vs oracle {expect} (V {})",
        want.variable
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Pool-only networks with stock and costs: the step's C equals the
    /// independent four-stage LP's to 1e-9 relative.
    #[test]
    fn pool_cost_stage_equals_an_independent_lp((t, down) in arb_priced_pool()) {
        check_against_oracle(&t, &down)?;
    }

    /// Networks with assemblers, stock and costs: the same.
    #[test]
    fn assembly_cost_stage_equals_an_independent_lp((t, down) in arb_priced_assembly()) {
        check_against_oracle(&t, &down)?;
    }

    /// Networks with assemblers and costs but no stock, whose cost stage
    /// starts from the calm optimum (the weighted program of
    /// `docs/model.md` 1c): the same.
    #[test]
    fn assembly_cost_stage_without_stock_equals_an_independent_lp(
        (mut t, down) in arb_priced_assembly()
    ) {
        for node in &mut t.nodes {
            node.stock.max = 0.0;
            node.stock.initial = 0.0;
        }
        check_against_oracle(&t, &down)?;
    }
}

/// `text` with stock at every node and, with `costs` = (fixed, unit, lost
/// sale, link), those costs written in the file (not in code), so the
/// property below runs through the parser too.
fn stocked_text(text: &str, costs: Option<(u32, u32, u32, u32)>) -> String {
    let mut out = String::new();
    for line in text.lines() {
        out += line;
        out += "\n";
        match (line, costs) {
            ("[[topology.node]]", Some((fixed, unit, _, _))) => {
                out += &format!(
                    "fixed_cost = {fixed}\nunit_cost = {}\n",
                    f64::from(unit) / 4.0
                );
            }
            ("[[topology.link]]", Some((_, _, _, link))) => {
                out += &format!("unit_cost = {}\n", f64::from(link) / 4.0);
            }
            _ => {}
        }
    }
    // Sinks get a lost-sale cost through [defaults] (sinks only).
    let defaults = match costs {
        Some((_, _, lost, _)) => {
            format!("[defaults]\nstock = 3\nlost_sale_cost = {lost}\nholding_cost = 0.5\n")
        }
        None => "[defaults]\nstock = 3\n".to_string(),
    };
    out.replacen("[defaults]\n", &defaults, 1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Costs never change a flow: every metric but the cost ones and every
    /// trace value are the same, bit for bit, with and without costs.
    #[test]
    fn costs_never_change_service_stock_or_trace(
        text in common::arb_scenario_text(),
        fixed in 0u32..20, unit in 1u32..9, lost in 0u32..50, link in 0u32..5,
        seed in 0u64..1000,
    ) {
        // Both with the same stock, one without costs.
        let bare = stocked_text(&text, None);
        let priced = stocked_text(&text, Some((fixed, unit, lost, link)));
        let a = Prepared::new(Scenario::from_toml("a.toml", &bare).expect("valid")).expect("prepared");
        let b = Prepared::new(Scenario::from_toml("b.toml", &priced).expect("valid")).expect("prepared");
        prop_assert!(!a.scenario.has_costs() && b.scenario.has_costs());
        let (ta, tb) = (run_trials(&a, seed, 0..6), run_trials(&b, seed, 0..6));
        for (x, y) in ta.values.iter().zip(&tb.values) {
            prop_assert_eq!(x.values().map(f64::to_bits), y.values().map(f64::to_bits));
            prop_assert_eq!(x.stock, y.stock);
            prop_assert!(x.cost.is_none() && y.cost.is_some());
        }
        // Every trace value but C_t itself.
        let unpriced = |rows: Vec<chainmesh::sim::TraceRow>| -> Vec<_> {
            rows.into_iter().map(|r| chainmesh::sim::TraceRow { cost: 0.0, ..r }).collect()
        };
        let (ra, rb) = (trace_rows(&a, seed, 2, &[0]), trace_rows(&b, seed, 2, &[0]));
        prop_assert!(ra.iter().all(|r| r.cost == 0.0));
        prop_assert_eq!(ra, unpriced(rb));
    }
}

/// A three-node chain whose only costs are a fixed cost and a lost-sale
/// cost c: every step costs fixed + c · (F0 − F_t), so per trial
/// cost = calm + c · (1 − service) exactly, and the mean over trials
/// follows the series availability A = Π a_i with a_i = (1 − p)/p ÷
/// ((1 − p)/p + R) (geometric up-times of the engine, fixed repair R).
#[test]
fn chain_expected_cost_is_calm_plus_lost_sales_at_the_series_availability() {
    let (p, repair, c, fixed) = (0.02, 5u32, 40.0, 30.0);
    let text = format!(
        "[scenario]\nname = \"chain\"\nsector = \"other\"\nsteps = 5000\n\
         [defaults]\nfailure_rate = {p}\nrepair = {{ dist = \"fixed\", steps = {repair} }}\nfixed_cost = 10\n\
         [[topology]]\nid = \"chain\"\n\
         [[topology.node]]\nid = \"farm\"\nrole = \"source\"\n\
         [[topology.node]]\nid = \"mill\"\n\
         [[topology.node]]\nid = \"shop\"\nrole = \"sink\"\nlost_sale_cost = {c}\n\
         [[topology.link]]\nfrom = \"farm\"\nto = \"mill\"\n\
         [[topology.link]]\nfrom = \"mill\"\nto = \"shop\"\n"
    );
    let prep = Prepared::new(Scenario::from_toml("chain.toml", &text).unwrap()).unwrap();
    let f0 = prep.topologies[0].net.baseline();
    assert_eq!(f0, 100.0);
    let calm = prep.topologies[0].calm_cost() / f0;
    assert_eq!(calm, fixed / f0);
    let trials = 400;
    let table = run_trials(&prep, 7, 0..trials);
    let mut costs = Vec::new();
    for m in table.column(0) {
        let cost = m.cost.expect("cost metrics");
        assert_eq!(cost.calm, calm);
        let want = calm + c * (1.0 - m.service);
        assert!((cost.cost - want).abs() < 1e-12, "{} vs {want}", cost.cost);
        assert!((cost.risk() - c * (1.0 - m.service)).abs() < 1e-12);
        costs.push(cost.cost);
    }
    let a = ((1.0 - p) / p) / ((1.0 - p) / p + f64::from(repair));
    let series = a * a * a;
    let want = calm + (1.0 - series) * c;
    let n = costs.len() as f64;
    let mean = costs.iter().sum::<f64>() / n;
    let sd = (costs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let ci = 1.96 * sd / n.sqrt();
    // The transient from an all-up start is about 3 · (1 − a) · 5 / 5000 of
    // φ, far inside the CI.
    assert!(
        (mean - want).abs() <= ci,
        "mean cost {mean} vs calm + (1 − A)·c = {want} (A = {series}, CI ±{ci})"
    );
}

/// The worked example of docs/model.md, section 1c, by hand.
#[test]
fn worked_example_of_the_docs() {
    let text = "[scenario]\nname = \"w\"\nsector = \"agriculture\"\ncurrency = \"NT$\"\n\
        [[topology]]\nid = \"chain\"\n\
        [[topology.node]]\nid = \"farm\"\nrole = \"source\"\nfixed_cost = 50\nunit_cost = 2\n\
        [[topology.node]]\nid = \"mill\"\nfixed_cost = 50\nunit_cost = 1\n\
        [[topology.node]]\nid = \"shop\"\nrole = \"sink\"\nfixed_cost = 50\nlost_sale_cost = 10\n\
        [[topology.link]]\nfrom = \"farm\"\nto = \"mill\"\n\
        [[topology.link]]\nfrom = \"mill\"\nto = \"shop\"\n\
        [[topology]]\nid = \"net\"\n\
        [[topology.node]]\nid = \"farm\"\nrole = \"source\"\nfixed_cost = 50\nunit_cost = 2\n\
        [[topology.node]]\nid = \"mill_a\"\ncapacity = 60\nfixed_cost = 40\nunit_cost = 1\n\
        [[topology.node]]\nid = \"mill_b\"\ncapacity = 60\nfixed_cost = 40\nunit_cost = 1.5\n\
        [[topology.node]]\nid = \"shop\"\nrole = \"sink\"\nfixed_cost = 50\nlost_sale_cost = 10\nstock = { max = 100, initial = 100 }\nholding_cost = 0.2\n\
        [[topology.link]]\nfrom = \"farm\"\nto = \"mill_a\"\n\
        [[topology.link]]\nfrom = \"farm\"\nto = \"mill_b\"\n\
        [[topology.link]]\nfrom = \"mill_a\"\nto = \"shop\"\n\
        [[topology.link]]\nfrom = \"mill_b\"\nto = \"shop\"\nunit_cost = 0.5\n";
    let s = Scenario::from_toml("w.toml", text).unwrap();
    assert_eq!(s.currency(), "NT$");
    let prep = Prepared::new(s).unwrap();
    // Chain, calm: fixed 150 + 100 · (2 + 1) = 450 a step, 4.5 a unit.
    assert_eq!(prep.topologies[0].calm_cost(), 450.0);
    // Net, calm: fixed 180; the farm makes 100 (200); mill_a carries its
    // 60 (60) and mill_b the other 40 (40 · 1.5 + 40 · 0.5 = 80); the
    // full shelf holds 100 · 0.2 = 20: 180 + 200 + 60 + 80 + 20 = 540.
    assert_eq!(prep.topologies[1].calm_cost(), 540.0);
    // mill down: the chain delivers nothing and loses 100 · 10; the net
    // sends 60 through mill_b (60 · 2 + 60 · 2 = 240, incl. its link) and
    // draws 40 from the shelf: 180 + 240 + 0 lost + 60 · 0.2 held = 432.
    let down_chain = [false, true, false];
    let (_, c) = model_step(&prep.scenario.topologies[0], &down_chain);
    assert_eq!(c, 150.0 + 1000.0);
    let down_net = [false, true, false, false];
    let (d, c) = model_step(&prep.scenario.topologies[1], &down_net);
    assert_eq!(d, 100.0);
    assert!((c - 432.0).abs() < 1e-9, "{c}");
}

/// Bad costs are refused with the file, line and column, the field and what
/// was expected; the binary exits 2. Costs written in the chunked node
/// reader's path (many nodes) point at the same place as the whole-file one.
#[test]
fn costs_are_validated_with_file_line_and_field() {
    let base = |node_extra: &str, defaults: &str, link_extra: &str| {
        format!(
            "[scenario]\nname = \"v\"\nsector = \"retail\"\n[defaults]\n{defaults}\n\
[[topology]]\nid = \"t\"\n\
[[topology.node]]\nid = \"f\"\nrole = \"source\"\n{node_extra}\n\
[[topology.node]]\nid = \"r\"\nrole = \"sink\"\n\
[[topology.link]]\nfrom = \"f\"\nto = \"r\"\n{link_extra}\n"
        )
    };
    for (text, field, words, line) in [
        (
            base("fixed_cost = -1", "", ""),
            "topology.node.fixed_cost",
            "≥ 0",
            11,
        ),
        (
            base("unit_cost = nan", "", ""),
            "topology.node.unit_cost",
            "finite",
            11,
        ),
        (
            base("holding_cost = inf", "", ""),
            "topology.node.holding_cost",
            "finite",
            11,
        ),
        (
            base("unit_cost = 1e16", "", ""),
            "topology.node.unit_cost",
            "1e15",
            11,
        ),
        (
            base("", "unit_cost = -2", ""),
            "defaults.unit_cost",
            "≥ 0",
            5,
        ),
        (
            base("", "", "unit_cost = -0.5"),
            "topology.link.unit_cost",
            "≥ 0",
            18,
        ),
        (
            base("lost_sale_cost = 5", "", ""),
            "topology.node.lost_sale_cost",
            "only for sinks",
            11,
        ),
        (
            base("fixed_cost = \"lots\"", "", ""),
            "fixed_cost",
            "string",
            11,
        ),
    ] {
        let e = Scenario::from_toml("v.toml", &text)
            .expect_err(&text)
            .to_string();
        assert!(e.contains(&format!("v.toml:{line}:")), "line {line}: {e}");
        assert!(e.contains(field), "{field}: {e}");
        assert!(e.contains(words), "{words}: {e}");
    }
    // lost_sale_cost in [defaults] applies to sinks only: accepted.
    let s = Scenario::from_toml("v.toml", &base("", "lost_sale_cost = 7", "")).unwrap();
    let costs: Vec<f64> = s.topologies[0]
        .nodes
        .iter()
        .map(|n| n.cost.lost_sale)
        .collect();
    assert_eq!(costs, [0.0, 7.0]);
    // The binary: exit 2 and the message, nothing on stdout.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, base("unit_cost = -1", "", "")).unwrap();
    assert_cmd::Command::cargo_bin("chainmesh")
        .unwrap()
        .arg("run")
        .arg(&p)
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicates::str::contains("bad.toml:11:")
                .and(predicates::str::contains("topology.node.unit_cost")),
        );
}

/// A file without costs writes no cost column anywhere, and `run --format
/// json` of a file with costs carries every cost metric as an object like
/// `service`'s, with the currency.
#[test]
fn cost_columns_only_where_something_costs() {
    let run = |text: &str, format: &str| {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.toml");
        std::fs::write(&p, text).unwrap();
        let out = assert_cmd::Command::cargo_bin("chainmesh")
            .unwrap()
            .args(["run", "--trials", "20", "--format", format])
            .arg(&p)
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let bare = "[scenario]\nname = \"c\"\nsector = \"retail\"\nsteps = 30\n\
[[topology]]\nid = \"chain\"\n\
[[topology.node]]\nid = \"f\"\nrole = \"source\"\n\
[[topology.node]]\nid = \"r\"\nrole = \"sink\"\n\
[[topology.link]]\nfrom = \"f\"\nto = \"r\"\n\
[[topology]]\nid = \"net\"\n\
[[topology.node]]\nid = \"f\"\nrole = \"source\"\n\
[[topology.node]]\nid = \"g\"\nrole = \"source\"\n\
[[topology.node]]\nid = \"r\"\nrole = \"sink\"\n\
[[topology.link]]\nfrom = \"f\"\nto = \"r\"\n\
[[topology.link]]\nfrom = \"g\"\nto = \"r\"\n";
    for format in ["csv", "json", "markdown", "table"] {
        assert!(!run(bare, format).contains("cost"), "{format}");
    }
    let priced = bare.replacen("[[topology]]", "[defaults]\nfixed_cost = 10\nlost_sale_cost = 3\ncurrency_is_not_a_default = 1\n[[topology]]", 1);
    // An unknown key is refused (typo guard), so write the file properly.
    assert!(Scenario::from_toml("p.toml", &priced).is_err());
    let priced = bare
        .replacen(
            "sector = \"retail\"\n",
            "sector = \"retail\"\ncurrency = \"€\"\n",
            1,
        )
        .replacen(
            "[[topology]]",
            "[defaults]\nfixed_cost = 10\nlost_sale_cost = 3\n[[topology]]",
            1,
        );
    let json: serde_json::Value = serde_json::from_str(&run(&priced, "json")).unwrap();
    let report = &json["reports"][0];
    let report = if report.is_null() { &json } else { report };
    assert_eq!(report["currency"], "€", "{report}");
    for t in report["topologies"].as_array().unwrap() {
        for m in ["cost_calm", "cost", "cost_risk"] {
            let o = &t["metrics"][m];
            assert!(o["mean"].is_number() && o["ci95"].is_number(), "{m}: {o}");
        }
        // Calm: one source at 10 and a sink at 10 (chain), 20 ÷ F0 100.
        if t["id"] == "chain" {
            assert_eq!(t["metrics"]["cost_calm"]["mean"], 0.2);
            assert_eq!(t["metrics"]["cost_calm"]["std"], 0.0);
        }
    }
    let net = &report["topologies"][1]["vs_first"];
    assert!(
        net["cost_diff"]["mean"].is_number() && net["p_cheaper"].is_number(),
        "{net}"
    );
    let csv = run(&priced, "csv");
    let header = csv.lines().next().unwrap();
    for col in [
        "cost_calm_mean",
        "cost_mean",
        "cost_risk_p95",
        "cost_diff_mean",
        "p_cheaper",
    ] {
        assert!(header.split(',').any(|c| c == col), "{col} in {header}");
    }
}
