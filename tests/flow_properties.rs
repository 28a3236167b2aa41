//! Max flow properties on random graphs and down-sets, with petgraph's
//! `dinics` as the independent oracle.

mod common;

use chainmesh::network::{FlowNetwork, FlowSolver};
use common::arb_topology;
use common::oracle::petgraph_max_flow as oracle;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The CSR Dinic equals petgraph's Dinic on every down-set.
    #[test]
    fn kernel_matches_petgraph(topo in arb_topology(), mask in prop::collection::vec(any::<bool>(), 14)) {
        let net = FlowNetwork::new(&topo);
        let down: Vec<bool> = mask[..topo.nodes.len()].to_vec();
        let ours = net.max_flow(&down, &mut FlowSolver::default());
        let theirs = oracle(&topo, &down);
        prop_assert!((ours - theirs).abs() < 1e-6, "ours {ours} petgraph {theirs}");
    }

    /// 0 ≤ F ≤ F0, and knocking out one more node never raises throughput.
    #[test]
    fn removing_a_node_never_raises_throughput(
        topo in arb_topology(),
        mask in prop::collection::vec(any::<bool>(), 14),
        extra in 0usize..14,
    ) {
        let net = FlowNetwork::new(&topo);
        let n = topo.nodes.len();
        let mut solver = FlowSolver::default();
        let down: Vec<bool> = mask[..n].to_vec();
        let f = net.max_flow(&down, &mut solver);
        prop_assert!(f >= 0.0 && f <= net.baseline() + 1e-9);
        let mut more = down.clone();
        more[extra % n] = true;
        let g = net.max_flow(&more, &mut solver);
        prop_assert!(g <= f + 1e-9, "{g} > {f}");
        // Nothing down: the baseline exactly.
        prop_assert_eq!(net.max_flow(&vec![false; n], &mut solver), net.baseline());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Incremental updates through a random sequence of down-sets give exactly
    /// (bit for bit) the value of a fresh solve at every step.
    #[test]
    fn incremental_update_equals_fresh_solve(
        topo in arb_topology(),
        masks in prop::collection::vec(prop::collection::vec(prop::bool::weighted(0.25), 14), 1..12),
    ) {
        let net = FlowNetwork::new(&topo);
        prop_assert!(net.is_exact());
        let n = topo.nodes.len();
        let mut inc = FlowSolver::default();
        let mut fresh = FlowSolver::default();
        let mut was = vec![false; n];
        let mut value = net.max_flow(&was, &mut inc);
        for mask in masks {
            let down = mask[..n].to_vec();
            value = net.update(&was, &down, value, &mut inc);
            let expect = net.max_flow(&down, &mut fresh);
            prop_assert_eq!(value, expect, "down {:?}", down);
            was = down;
        }
    }
}

/// Regression: on generated networks with two-way links, flow can run in a
/// cycle through a node that fails. Only the part of its flow that came from
/// the super-source may be subtracted; the incremental value must still equal
/// a fresh solve at every step of a long failure/recovery walk.
#[test]
fn incremental_update_survives_cycles_through_failed_nodes() {
    use chainmesh::compose::generate::{Model, generate};
    use chainmesh::scenario::Scenario;
    use chainmesh::sim::rng::Stream;
    for model in [Model::Er, Model::Ba, Model::Layered] {
        for seed in 1..=3 {
            let text = generate(model, 150, seed);
            let scenario = Scenario::from_toml("generated", &text).expect("valid");
            let net = FlowNetwork::new(&scenario.topologies[1]);
            assert!(net.is_exact());
            let n = net.node_count();
            let mut walk = Stream::new(seed, 0);
            let (mut inc, mut fresh) = (FlowSolver::default(), FlowSolver::default());
            let mut was = vec![false; n];
            let mut value = net.max_flow(&was, &mut inc);
            for step in 0..150 {
                // Heavy churn: ~5 % fail, a third of the down nodes recover.
                let down: Vec<bool> = was
                    .iter()
                    .map(|&d| {
                        let u = walk.unit_open0();
                        if d { u >= 0.33 } else { u < 0.05 }
                    })
                    .collect();
                value = net.update(&was, &down, value, &mut inc);
                let expect = net.max_flow(&down, &mut fresh);
                assert_eq!(value, expect, "{model:?} seed {seed} step {step}");
                was = down;
            }
        }
    }
}
