//! The per-node / per-link breakdown of a maximum flow and its minimum cut
//! (what the TUI's inspector and flow view show), checked against max-flow
//! min-cut duality, conservation, capacities and petgraph's `dinics`.

mod common;

use chainmesh::network::{FlowNetwork, FlowSolver};
use chainmesh::scenario::Role;
use common::arb_topology;
use common::oracle::petgraph_max_flow as oracle;
use proptest::prelude::*;

const TOL: f64 = 1e-6;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn breakdown_is_a_maximum_flow_and_its_cut_is_tight(
        topo in arb_topology(),
        mask in prop::collection::vec(prop::bool::weighted(0.25), 14),
    ) {
        let net = FlowNetwork::new(&topo);
        let n = topo.nodes.len();
        let down: Vec<bool> = mask[..n].to_vec();
        let d = net.flow_detail(&topo, &down, &mut FlowSolver::default());
        // The same value as the engine's solver and an independent one.
        prop_assert_eq!(d.value, net.max_flow(&down, &mut FlowSolver::default()));
        prop_assert!((d.value - oracle(&topo, &down)).abs() < TOL);
        prop_assert_eq!(d.node.len(), n);
        prop_assert_eq!(d.link.len(), topo.links.len());
        for (i, node) in topo.nodes.iter().enumerate() {
            prop_assert!(d.node[i] >= 0.0 && d.node[i] <= node.capacity + TOL);
            if down[i] {
                prop_assert_eq!(d.node[i], 0.0);
            }
        }
        for (j, l) in topo.links.iter().enumerate() {
            let cap = if l.both_ways { 2.0 * l.capacity } else { l.capacity };
            prop_assert!(d.link[j] >= 0.0 && d.link[j] <= cap + TOL);
        }
        // Max-flow min-cut: the capacity of what the cut marks is the value
        // (down nodes on the cut count as capacity 0).
        let mut cut = 0.0;
        for (i, node) in topo.nodes.iter().enumerate() {
            if d.cut_nodes[i] && !down[i] {
                cut += node.capacity;
            }
        }
        for (j, l) in topo.links.iter().enumerate() {
            if d.cut_links[j] {
                cut += l.capacity;
            }
        }
        if topo.links.iter().all(|l| !l.both_ways) {
            prop_assert!((cut - d.value).abs() < TOL, "cut {cut} flow {}", d.value);
            // Conservation: a relay passes on what it takes in; what sinks keep is the value.
            let mut inflow = vec![0.0; n];
            let mut outflow = vec![0.0; n];
            for (j, l) in topo.links.iter().enumerate() {
                outflow[l.from] += d.link[j];
                inflow[l.to] += d.link[j];
            }
            let mut delivered = 0.0;
            for (i, node) in topo.nodes.iter().enumerate() {
                match node.role {
                    Role::Relay => {
                        prop_assert!((inflow[i] - d.node[i]).abs() < TOL);
                        prop_assert!((outflow[i] - d.node[i]).abs() < TOL);
                    }
                    Role::Sink => {
                        prop_assert!((inflow[i] - d.node[i]).abs() < TOL);
                        delivered += d.node[i] - outflow[i];
                    }
                    Role::Source => prop_assert!((outflow[i] - d.node[i]).abs() < TOL),
                }
            }
            prop_assert!((delivered - d.value).abs() < TOL);
        } else {
            // A two-way link crossing the cut counts once, in the crossing
            // direction: the cut can only be at most the marked capacity.
            prop_assert!(cut + TOL >= d.value, "cut {cut} flow {}", d.value);
        }
    }
}

/// A chain a → b → c with b the narrowest: b alone is the cut; with b down,
/// nothing flows and b (down) is still the cut.
#[test]
fn chain_bottleneck_is_the_narrowest_node() {
    let s = common::scenario(
        "",
        &[common::topology(
            "chain",
            &[
                ("a", "source", 10.0, 0.0),
                ("b", "relay", 4.0, 0.0),
                ("c", "sink", 10.0, 0.0),
            ],
            &[("a", "b", None), ("b", "c", None)],
        )],
    );
    let topo = &s.topologies[0];
    let net = FlowNetwork::new(topo);
    let mut solver = FlowSolver::default();
    let d = net.flow_detail(topo, &[false; 3], &mut solver);
    assert_eq!(d.value, 4.0);
    assert_eq!(d.node, vec![4.0, 4.0, 4.0]);
    assert_eq!(d.link, vec![4.0, 4.0]);
    assert_eq!(d.cut_nodes, vec![false, true, false]);
    assert_eq!(d.cut_links, vec![false, false]);
    let d = net.flow_detail(topo, &[false, true, false], &mut solver);
    assert_eq!(d.value, 0.0);
    assert_eq!(d.node, vec![0.0; 3]);
    assert_eq!(d.cut_nodes, vec![false, true, false]);
}
