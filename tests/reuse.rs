//! A stocked step solved once and reused while the down-set holds and the
//! stock caps that move stay slack, or recalled from a step solved earlier
//! from the same down-set and levels (`StepModel`, docs/model.md section
//! 1b, "Reuse"), gives every step's record, level and cost bit for bit as
//! solving every step does (`FlowCache::stepwise`, the oracle). So does a
//! step that starts from the production flow the cache's incremental solve
//! holds instead of solving production again (`StockNetwork::seeded`: whole
//! capacities and levels only).

mod common;

use chainmesh::scenario::Scenario;
use chainmesh::sim::{FlowCache, Prepared, TopologyRun};
use proptest::prelude::*;

/// `text` with stock and costs at every node: whole levels and unit costs
/// on a grain of 1/4 when `whole` (the arithmetic is then exact, and solved
/// steps vouch for others), else fractional levels and thirds.
fn stocked(text: &str, max: u32, fill: u32, unit: u32, whole: bool) -> String {
    let (max, initial) = if whole {
        (f64::from(max), f64::from(max * fill / 100))
    } else {
        let max = f64::from(max) / 4.0;
        (max, max * f64::from(fill) / 100.0)
    };
    text.replacen(
        "[defaults]\n",
        &format!(
            "[defaults]\nstock = {{ max = {max}, initial = {initial} }}\nunit_cost = {}\nholding_cost = 0.25\nlost_sale_cost = 7\n",
            f64::from(unit) / if whole { 4.0 } else { 3.0 }
        ),
        1,
    )
}

/// `text` with its nodes n0, n2, … in region "south" and n1, n3, … in
/// "north", and a hazard striking each (at `rate` per mille a step).
fn with_hazards(text: &str, rate: u32) -> String {
    let mut out = String::with_capacity(text.len() + 512);
    for line in text.lines() {
        out += line;
        out.push('\n');
        let node = line
            .strip_prefix("id = \"n")
            .and_then(|r| r.strip_suffix('"'))
            .and_then(|k| k.parse::<u32>().ok());
        if let Some(k) = node {
            out += ["region = \"south\"\n", "region = \"north\"\n"][k as usize % 2];
        }
    }
    let r = f64::from(rate) / 1000.0;
    let hazards = format!(
        "[[hazard]]\nregion = \"south\"\nrate = {r}\nhit = 0.7\nduration = 3\n\
         [[hazard]]\nregions = [\"north\"]\nrate = {r}\nhit = 1.0\n\
         duration = {{ dist = \"uniform\", min = 1, max = 6 }}\n"
    );
    out.replacen("[[topology]]\n", &format!("{hazards}[[topology]]\n"), 1)
}

/// An assembly scenario text (no failure process of its own) with 40
/// steps, random failures and quick repairs.
fn failing(assembly: &str, p: u32) -> String {
    let p = f64::from(p) / 100.0;
    assembly.replacen(
        "[[topology]]\n",
        &format!(
            "steps = 40\n[defaults]\nfailure_rate = {p}\n\
             repair = {{ dist = \"geometric\", mean = 3 }}\n[[topology]]\n"
        ),
        1,
    )
}

/// Every step of trial `trial` of topology `k`: records and levels, with
/// the reuse on or off (`cache.stepwise`).
fn walk(
    prep: &Prepared,
    k: usize,
    (seed, trial): (u64, u64),
    cache: &mut FlowCache,
) -> Vec<(u64, u64, u64, u64, Vec<u64>)> {
    let mut run = TopologyRun::new(prep, k, seed, trial);
    let mut out = Vec::new();
    while let Some(r) = run.step(prep, cache) {
        let levels = run
            .stock_levels(prep)
            .iter()
            .map(|s| s.1.to_bits())
            .collect();
        out.push((
            r.throughput.to_bits(),
            r.drawn.to_bits(),
            r.cost.to_bits(),
            u64::from(r.stockout),
            levels,
        ));
    }
    out
}

/// Trials `0..trials` of topology `k` through `fast` (one cache for all
/// of them, as a thread of the Monte Carlo keeps it: later trials recall
/// steps solved in earlier ones) and, each, through a fresh oracle
/// (`FlowCache::stepwise`); `Err` names the first trial and step that
/// differ, with both records.
fn against_oracle(
    prep: &Prepared,
    k: usize,
    (seed, trials): (u64, u64),
    fast: &mut FlowCache,
) -> Result<(), String> {
    for trial in 0..trials {
        let got = walk(prep, k, (seed, trial), fast);
        let mut oracle = FlowCache::default();
        oracle.stepwise = true;
        let want = walk(prep, k, (seed, trial), &mut oracle);
        if got != want {
            let t = (0..got.len().max(want.len()))
                .find(|&t| got.get(t) != want.get(t))
                .unwrap_or(0);
            return Err(format!(
                "trial {trial}, step {t}: fast {:?}, oracle {:?}",
                got.get(t),
                want.get(t)
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    #[test]
    fn reused_steps_equal_solved_steps_bit_for_bit(
        text in common::arb_scenario_text(),
        max in 1u32..200, fill in 0u32..=100, unit in 0u32..6,
        seed in 0u64..1000, whole in any::<bool>(),
    ) {
        let text = stocked(&text, max, fill, unit, whole);
        let prep = Prepared::new(Scenario::from_toml("r.toml", &text).expect("valid")).expect("prepared");
        let same = against_oracle(&prep, 0, (seed, 6), &mut FlowCache::default());
        prop_assert!(same.is_ok(), "{}", same.unwrap_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The same through regional hazards (strikes that take down several
    /// nodes at once, so down-sets come back in larger jumps), on pool
    /// networks and on networks with assemblers (whose stocked steps are
    /// linear programs: only the idle memo and the production memo apply).
    #[test]
    fn hazards_and_assemblers_keep_every_step_bit_for_bit(
        pool in common::arb_scenario_text(),
        assembly in common::arb_assembly_text(),
        max in 1u32..120, fill in 0u32..=100, unit in 0u32..6,
        rate in 0u32..200, p in 0u32..25,
        seed in 0u64..1000, whole in any::<bool>(),
    ) {
        for text in [pool, failing(&assembly, p)] {
            let text = with_hazards(&stocked(&text, max, fill, unit, whole), rate);
            let prep = Prepared::new(
                Scenario::from_toml("h.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}")),
            )
            .expect("prepared");
            prop_assert_eq!(prep.scenario.hazards.len(), 2);
            let same = against_oracle(&prep, 0, (seed, 3), &mut FlowCache::default());
            prop_assert!(same.is_ok(), "{}", same.unwrap_err());
        }
    }
}

/// Networks over 64 nodes remember no production; with whole capacities
/// and levels a stocked step starts from the flow the cache's incremental
/// solve holds, read into the stock network, and every record, level and
/// cost is still the oracle's (which solves production again from
/// nothing). With fractional levels it never does, and agrees as well.
#[test]
fn large_networks_start_from_the_production_flow_bit_for_bit() {
    use chainmesh::compose::generate::{Model, generate};
    for (seed, whole) in [(1, true), (2, true), (3, false)] {
        let text = generate(Model::Layered, 120, seed)
            .replace("failure_rate = 0.002", "failure_rate = 0.03")
            .replacen("steps = 100", "steps = 60", 1);
        let text = stocked(&text, 41, 60, 2, whole);
        let prep =
            Prepared::new(Scenario::from_toml("l.toml", &text).expect("valid")).expect("prepared");
        let k = 1;
        assert_eq!(prep.scenario.topologies[k].nodes.len(), 120);
        let mut fast_cache = FlowCache::default();
        if let Err(e) = against_oracle(&prep, k, (seed, 3), &mut fast_cache) {
            panic!("seed {seed}: {e}");
        }
        let seeded = fast_cache.stock.seeded;
        let solves = fast_cache.stock_solves;
        if whole {
            assert!(seeded > 0 && seeded <= solves, "{seeded} of {solves}");
        } else {
            assert_eq!(
                seeded, 0,
                "fractional levels never start from a flow read in"
            );
        }
    }
}

/// The reuse happens: agriculture's network, whose cold store refills
/// slowly after every draw, solves under a third of the stocked steps the
/// oracle solves over 200 trials (3,264 of 10,853; the oracle asks no
/// memo, not even whether a step is idle). Its 22 nodes change the
/// down-set every few steps, so much of the saving is recalling a step
/// solved at an earlier visit of the same down-set (in this trial or an
/// earlier one on the same cache).
#[test]
fn agriculture_reuses_refill_steps() {
    let b = chainmesh::scenario::builtin::find("agriculture").expect("built in");
    let prep = Prepared::new(Scenario::from_toml(b.name, b.text).unwrap()).unwrap();
    let k = prep
        .scenario
        .topologies
        .iter()
        .position(|t| t.has_stock())
        .expect("a stocked topology");
    let count = |stepwise: bool| {
        let mut cache = FlowCache::default();
        cache.stepwise = stepwise;
        let mut steps = 0;
        for trial in 0..200 {
            let mut run = TopologyRun::new(&prep, k, prep.scenario.seed, trial);
            while run.step(&prep, &mut cache).is_some() {
                steps += 1;
            }
        }
        (steps, cache.stock_solves, cache.stock.seeded)
    };
    let (steps, solved, seeded) = count(false);
    let (_, oracle, _) = count(true);
    // Agriculture's capacities and stock are whole: a step whose down-set's
    // production the stock network does not remember reads it in.
    assert!(seeded > 0, "no step started from the production flow");
    assert!(
        solved * 3 < oracle,
        "{solved} solves with reuse vs {oracle} without ({steps} steps)"
    );
}

/// A step solved at a smaller down-set vouches for a larger one when its
/// least-cost flow avoids the extra down nodes and it delivers (draws,
/// refills) the same (`Witnessed`, docs/model.md section 1c), and an idle
/// stocked step vouches that a larger down-set is idle when its production
/// flow avoids the extra down nodes (`FlowCache::vouched_idle`, section
/// 1b): both happen on the built-ins, whose capacities and stock are whole
/// and costs on a grain of 2^-10, and every record, level and cost is still
/// the oracle's, which solves every step.
#[test]
fn smaller_down_sets_vouch_for_larger_ones_bit_for_bit() {
    for name in ["agriculture", "smart-city"] {
        let b = chainmesh::scenario::builtin::find(name).expect("built in");
        let prep = Prepared::new(Scenario::from_toml(b.name, b.text).unwrap()).unwrap();
        let (mut idle, mut stocked, mut idle_stock) = (0, 0, 0);
        for k in 0..prep.scenario.topologies.len() {
            let mut fast = FlowCache::default();
            if let Err(e) = against_oracle(&prep, k, (prep.scenario.seed, 60), &mut fast) {
                panic!("{name}, topology {k}: {e}");
            }
            idle += fast.vouched;
            stocked += fast.cost_memo.vouched;
            idle_stock += fast.idle_vouched;
        }
        assert!(idle > 0, "{name}: no V* of production alone vouched for");
        if name == "agriculture" {
            assert!(stocked > 0, "{name}: no stocked step's V* vouched for");
            assert!(
                idle_stock > 0,
                "{name}: no stocked step found idle by a witness"
            );
        }
    }
}

/// Dijkstra settles the same vertices in the same order from the scanned
/// list of small networks as from the heap of large ones, so every cost is
/// the same bits either way: the oracle (a least-cost flow every step that
/// needs one) run with each queue, on built-ins and on generated networks
/// with fractional and whole costs.
#[test]
fn both_dijkstra_queues_give_the_same_costs() {
    use chainmesh::compose::generate::{Model, generate};
    let mut texts: Vec<String> = ["agriculture", "smart-city", "ecommerce-platform"]
        .iter()
        .map(|n| {
            chainmesh::scenario::builtin::find(n)
                .expect("built in")
                .text
                .to_string()
        })
        .collect();
    for (seed, whole) in [(4, true), (5, false)] {
        let text = generate(Model::Layered, 40, seed)
            .replace("failure_rate = 0.002", "failure_rate = 0.05")
            .replacen("steps = 100", "steps = 60", 1);
        texts.push(stocked(&text, 30, 50, 5, whole));
    }
    for text in &texts {
        let prep = Prepared::new(Scenario::from_toml("q.toml", text).unwrap()).unwrap();
        for k in 0..prep.scenario.topologies.len() {
            for trial in 0..8 {
                let mut runs = [false, true].map(|heap_only| {
                    let mut cache = FlowCache::default();
                    cache.stepwise = true;
                    cache.cost.heap_only = heap_only;
                    walk(&prep, k, (3, trial), &mut cache)
                });
                let heap = runs[1].split_off(0);
                assert_eq!(runs[0], heap, "topology {k}, trial {trial}");
            }
        }
    }
}
