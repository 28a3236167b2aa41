//! The assembly program checked against an independent formulation (a dense
//! textbook simplex) and against its own monotonicity, on random small
//! networks with assemblers.

mod common;

use chainmesh::compose::generate::{Model, generate_with};
use chainmesh::network::assembly::{Assembly, AssemblyScratch, WarmStart};
use chainmesh::network::{FlowNetwork, FlowSolver};
use chainmesh::scenario::{Scenario, Topology};
use chainmesh::sim::FlowCache;
use chainmesh::sim::rng::Stream;
use common::dense_lp::assembly_optimum;
use common::{arb_assembly_text, arb_topology};
use proptest::prelude::*;

fn parse(text: &str) -> Topology {
    Scenario::from_toml("prop.toml", text)
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
        .topologies
        .remove(0)
}

/// The same topology with every `needs` removed (assemblers become pools).
fn pooled(topo: &Topology) -> Topology {
    let mut t = topo.clone();
    for n in &mut t.nodes {
        n.needs.clear();
    }
    t
}

/// `value` is the optimum for `down`: a fresh solve of the pruned program
/// and the dense simplex of the unpruned one agree with it.
fn assert_optimum(a: &Assembly, topo: &Topology, down: &[bool], value: f64, what: &str) {
    let fresh = a.solve_fresh(down, &mut AssemblyScratch::default());
    assert!(close(value, fresh), "{what}: {value} vs fresh {fresh}");
    let dense = assembly_optimum(topo, down);
    assert!(close(value, dense), "{what}: {value} vs dense {dense}");
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) + 1e-9
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// chainmesh's throughput equals the dense simplex's optimum of the
    /// unpruned program, to 1e-9 relative, on every down-set.
    #[test]
    fn throughput_equals_an_independent_lp(
        text in arb_assembly_text(),
        mask in prop::collection::vec(prop::bool::weighted(0.2), 11),
    ) {
        let topo = parse(&text);
        let net = FlowNetwork::new(&topo);
        let n = topo.nodes.len();
        let down = &mask[..n];
        let ours = net.max_flow(down, &mut FlowSolver::default());
        let theirs = assembly_optimum(&topo, down);
        prop_assert!(close(ours, theirs), "ours {ours} dense simplex {theirs}\n{text}");
        let base = assembly_optimum(&topo, &vec![false; n]);
        prop_assert!(close(net.baseline(), base), "baseline {} vs {base}", net.baseline());
    }

    /// Adding `needs` never raises throughput; knocking out a node never raises it.
    #[test]
    fn needs_and_failures_never_raise_throughput(
        text in arb_assembly_text(),
        mask in prop::collection::vec(prop::bool::weighted(0.2), 11),
        extra in 0usize..11,
    ) {
        let topo = parse(&text);
        let n = topo.nodes.len();
        let down = mask[..n].to_vec();
        let mut solver = FlowSolver::default();
        let net = FlowNetwork::new(&topo);
        let f = net.max_flow(&down, &mut solver);
        let pools = FlowNetwork::new(&pooled(&topo));
        prop_assert!(f <= pools.max_flow(&down, &mut solver) + 1e-9);
        prop_assert!(f >= 0.0 && f <= net.baseline() + 1e-9);
        let mut more = down.clone();
        more[extra % n] = true;
        let g = net.max_flow(&more, &mut solver);
        prop_assert!(g <= f + 1e-9, "{g} > {f}");
    }

    /// Repeated and interleaved solves give the same bits (a pure function
    /// of the down-set: no state carried from call to call).
    #[test]
    fn throughput_is_a_pure_function_of_the_down_set(
        text in arb_assembly_text(),
        masks in prop::collection::vec(prop::collection::vec(prop::bool::weighted(0.3), 11), 1..6),
    ) {
        let topo = parse(&text);
        let n = topo.nodes.len();
        let a = Assembly::program(&topo);
        let mut s1 = AssemblyScratch::default();
        let first: Vec<u64> = masks.iter().map(|m| a.throughput(&m[..n], &mut s1).to_bits()).collect();
        let mut s2 = AssemblyScratch::default();
        for (m, bits) in masks.iter().zip(&first).rev() {
            prop_assert_eq!(a.throughput(&m[..n], &mut s2).to_bits(), *bits);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// On pool-only networks (two-way links included) the program is the
    /// max flow: the LP and the CSR Dinic agree.
    #[test]
    fn program_of_a_pool_network_is_its_max_flow(
        topo in arb_topology(),
        mask in prop::collection::vec(any::<bool>(), 14),
    ) {
        let down = &mask[..topo.nodes.len()];
        let lp = Assembly::program(&topo).throughput(down, &mut AssemblyScratch::default());
        let flow = FlowNetwork::new(&topo).max_flow(down, &mut FlowSolver::default());
        prop_assert!(close(lp, flow), "lp {lp} max flow {flow}");
        let dense = assembly_optimum(&topo, down);
        prop_assert!(close(dense, flow), "dense {dense} max flow {flow}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The memo of [`FlowCache`] (keyed by down-set, then by producing set)
    /// and its prefix cache of partial fixes never change a bit: a sequence
    /// of down-sets through one cache gives, in any order, what a fresh
    /// scratch gives for each, and that equals a fresh solve of the pruned
    /// program and the dense simplex to 1e-9 relative.
    #[test]
    fn cached_warm_values_equal_fresh_solves(
        text in arb_assembly_text(),
        masks in prop::collection::vec(prop::collection::vec(prop::bool::weighted(0.3), 11), 1..12),
    ) {
        let topo = parse(&text);
        let n = topo.nodes.len();
        let net = FlowNetwork::new(&topo);
        prop_assume!(net.assembly().is_some());
        let a = Assembly::program(&topo);
        let mut forward = FlowCache::default();
        let mut backward = FlowCache::default();
        let there: Vec<u64> = masks.iter().map(|m| forward.max_flow(&net, &m[..n]).to_bits()).collect();
        for (m, bits) in masks.iter().zip(&there).rev() {
            let down = &m[..n];
            prop_assert_eq!(backward.max_flow(&net, down).to_bits(), *bits);
            let alone = a.throughput(down, &mut AssemblyScratch::default());
            prop_assert_eq!(alone.to_bits(), *bits);
            let fresh = a.solve_fresh(down, &mut AssemblyScratch::default());
            let value = f64::from_bits(*bits);
            prop_assert!(close(value, fresh), "warm {value} fresh {fresh}\n{text}");
            let dense = assembly_optimum(&topo, down);
            prop_assert!(close(value, dense), "warm {value} dense {dense}\n{text}");
        }
    }
}

/// The network topology of `generate --model layered --nodes 70 --needs
/// --seed SEED`: 70 nodes, every relay an assembler.
fn generated_network(seed: u64) -> Topology {
    let text = generate_with(Model::Layered, 70, seed, true);
    Scenario::from_toml("g.toml", &text)
        .expect("valid")
        .topologies
        .remove(1)
}

/// Programs of more than 64 nodes force their frontier to 0 with one added
/// row: on generated layered assembly networks (every relay an assembler)
/// that equals a fresh solve of the pruned program and the dense simplex.
#[test]
fn one_row_edit_of_large_programs_equals_fresh_solves() {
    for seed in 0..3 {
        let topo = generated_network(seed);
        let n = topo.nodes.len();
        assert!(n > 64, "{n} nodes");
        let a = Assembly::program(&topo);
        let mut s = Stream::new(seed, 1);
        let mut several = 0;
        for k in 0..12 {
            let p = [0.03, 0.08, 0.15][k % 3];
            let down: Vec<bool> = (0..n).map(|_| s.unit_open0() < p).collect();
            let mut scratch = AssemblyScratch::default();
            let (warm, stats) = a.solve(&down, &mut scratch);
            several += usize::from(stats.warm && stats.fixes > 1);
            assert_optimum(&a, &topo, &down, warm, &format!("seed {seed} mask {k}"));
        }
        assert!(several > 0, "no down-set took the one-row edit");
    }
}

/// Programs of more than 64 nodes stepped by one run start each step from
/// that run's previous optimum (fixing and releasing only the frontier
/// nodes that changed). Along random walks of down-sets, as a trial makes
/// them, every value equals a fresh solve and the dense simplex, on
/// layered assembly networks (every arc merged) and on the same networks
/// with every third assembler turned into a pool (arcs with flow variables
/// of their own), and the same walk gives the same bits twice.
#[test]
fn warm_steps_of_large_programs_equal_fresh_solves() {
    for seed in 0..3 {
        let topo = generated_network(seed);
        let mut mixed = topo.clone();
        for (i, node) in mixed.nodes.iter_mut().enumerate() {
            if i % 3 == 0 {
                node.needs.clear();
            }
        }
        for topo in [topo, mixed] {
            let n = topo.nodes.len();
            assert!(n > 64, "{n} nodes");
            let a = Assembly::program(&topo);
            let walk = |record: &mut Vec<u64>| {
                let mut s = Stream::new(seed, 7);
                let mut down = vec![false; n];
                let mut warm = WarmStart::default();
                let mut scratch = AssemblyScratch::default();
                let mut edited = 0;
                for t in 0..40 {
                    for d in down.iter_mut() {
                        if s.unit_open0() < 0.04 {
                            *d = !*d;
                        }
                    }
                    let value = a.throughput_warm(&down, &mut scratch, &mut warm);
                    record.push(value.to_bits());
                    edited += usize::from(warm.held_fixes().is_some_and(|k| k > 0));
                    assert_optimum(&a, &topo, &down, value, &format!("seed {seed} step {t}"));
                }
                assert!(edited > 10, "only {edited} steps held fixes");
            };
            let (mut first, mut second) = (Vec::new(), Vec::new());
            walk(&mut first);
            walk(&mut second);
            assert_eq!(first, second, "seed {seed}: the same walk gave other bits");
        }
    }
}
