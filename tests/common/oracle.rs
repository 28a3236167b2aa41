//! petgraph's `dinics` as an independent max-flow oracle (shared by the
//! flow property tests and the criterion benchmark).

use chainmesh::scenario::{Role, Topology};
use petgraph::algo::dinics;
use petgraph::graph::DiGraph;

/// petgraph oracle: the same node-split network built independently.
pub fn petgraph_max_flow(topo: &Topology, down: &[bool]) -> f64 {
    let n = topo.nodes.len();
    let mut g = DiGraph::<(), f64>::new();
    let v: Vec<_> = (0..2 * n + 2).map(|_| g.add_node(())).collect();
    let (s, t) = (v[2 * n], v[2 * n + 1]);
    let total: f64 = topo.nodes.iter().map(|x| x.capacity).sum();
    for (i, node) in topo.nodes.iter().enumerate() {
        let c = if down[i] { 0.0 } else { node.capacity };
        g.add_edge(v[2 * i], v[2 * i + 1], c);
        match node.role {
            Role::Source => {
                g.add_edge(s, v[2 * i], node.capacity);
            }
            Role::Sink => {
                g.add_edge(v[2 * i + 1], t, node.capacity);
            }
            Role::Relay => {}
        }
    }
    for l in &topo.links {
        let c = if l.capacity.is_finite() {
            l.capacity
        } else {
            total
        };
        g.add_edge(v[2 * l.from + 1], v[2 * l.to], c);
        if l.both_ways {
            g.add_edge(v[2 * l.to + 1], v[2 * l.from], c);
        }
    }
    dinics(&g, s, t).0
}
