//! Graph views of a [`Topology`], solvers that know no time and no stock:
//! the flow network and the assembly program used for throughput, the
//! centrality rankings used by targeted shocks, the layers of a drawing.
//!
//! The stages a step adds after production (stock, costs) live in
//! `model`, built on the primitives this module lends the crate: the CSR
//! builder and the node-split arcs of a topology (`csr`, `topology_arcs`,
//! `split_arcs`), a flow network over extra arcs (`FlowNetwork::from_arcs`)
//! and the data of an assembly program.

pub mod assembly;
pub mod centrality;
mod flow;
pub mod simplex;

pub use assembly::Assembly;
pub use flow::{FlowDetail, FlowNetwork, FlowSolver};
pub(crate) use flow::{Reach, csr, split_arcs, topology_arcs};

use crate::scenario::{InputError, Role, Scenario, Topology};

/// A baseline throughput at or below this (units per step) counts as zero
/// and the topology is refused, with or without assemblers: the max flow
/// treats residual capacities at or below it as zero (`flow.rs`), so a pool
/// topology cannot carry less, and an assembly program is held to the same
/// line rather than to whatever its solver resolves.
pub const ZERO_BASELINE: f64 = 1e-9;

/// The checks of topology `k` that need its flow network `net`: every source
/// reaches a sink, and the baseline throughput is positive. Errors point at
/// the topology's table in the scenario file.
pub fn check_flow(scenario: &Scenario, k: usize, net: &FlowNetwork) -> Result<(), InputError> {
    let topo = &scenario.topologies[k];
    let id = &topo.id;
    let reach = net.reaches_sink();
    if let Some(n) = topo
        .nodes
        .iter()
        .zip(&reach)
        .find(|(n, r)| n.role == Role::Source && !**r)
    {
        return Err(scenario.topology_error(
            k,
            "topology.link",
            format!(
                "source {:?} in topology {id:?} has no path to any sink; expected links that connect it",
                n.0.id
            ),
        ));
    }
    if net.baseline().is_nan() || net.baseline() <= ZERO_BASELINE {
        return Err(scenario.topology_error(
            k,
            "topology",
            format!(
                "topology {id:?} has zero baseline throughput (at most 1e-9 units per step, found {}); expected a path from a source to a sink that carries more",
                net.baseline()
            ),
        ));
    }
    Ok(())
}

/// Undirected adjacency lists (each neighbour once, sorted), ignoring link direction.
pub fn undirected_neighbours(topo: &Topology) -> Vec<Vec<usize>> {
    let mut adj = vec![Vec::new(); topo.nodes.len()];
    for l in &topo.links {
        adj[l.from].push(l.to);
        adj[l.to].push(l.from);
    }
    for a in &mut adj {
        a.sort_unstable();
        a.dedup();
    }
    adj
}

/// Directed successor lists (a `both_ways` link gives both directions), sorted, deduplicated.
pub fn successors(topo: &Topology) -> Vec<Vec<usize>> {
    let mut adj = vec![Vec::new(); topo.nodes.len()];
    for l in &topo.links {
        adj[l.from].push(l.to);
        if l.both_ways {
            adj[l.to].push(l.from);
        }
    }
    for a in &mut adj {
        a.sort_unstable();
        a.dedup();
    }
    adj
}

/// Where [`layers`] puts the sinks a source reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkLayer {
    /// At their hop distance, like every other node (the handout's drawing).
    Hops,
    /// In the last layer a source reaches, so consumers line up on the
    /// right (the TUI's graph).
    Last,
}

/// Longest-path-free layering for drawing, sources left to sinks right:
/// each node's layer is its BFS distance (hops) from the nearest source
/// along directed links (a `both_ways` link both ways); nodes no source
/// reaches are placed one layer after the last reached one (layer 0 when no
/// node is reached, i.e. a topology without sources, which validation
/// refuses). `sinks` says whether reached sinks keep their hop distance or
/// move to the last reached layer.
pub fn layers(topo: &Topology, sinks: SinkLayer) -> Vec<usize> {
    use crate::scenario::Role;
    let succ = successors(topo);
    let mut layer = vec![usize::MAX; topo.nodes.len()];
    let mut queue = std::collections::VecDeque::new();
    for (i, n) in topo.nodes.iter().enumerate() {
        if n.role == Role::Source {
            layer[i] = 0;
            queue.push_back(i);
        }
    }
    while let Some(u) = queue.pop_front() {
        for &v in &succ[u] {
            if layer[v] == usize::MAX {
                layer[v] = layer[u] + 1;
                queue.push_back(v);
            }
        }
    }
    let max = layer.iter().copied().filter(|&l| l != usize::MAX).max();
    let unreached = max.map_or(0, |m| m + 1);
    for (i, n) in topo.nodes.iter().enumerate() {
        if layer[i] == usize::MAX {
            layer[i] = unreached;
        } else if n.role == Role::Sink && sinks == SinkLayer::Last {
            layer[i] = max.unwrap_or(0);
        }
    }
    layer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topo(nodes: &str, links: &str) -> Topology {
        let text = format!(
            "[scenario]\nname = \"t\"\nsector = \"other\"\n[[topology]]\nid = \"g\"\n{nodes}{links}"
        );
        let s = Scenario::from_toml("t.toml", &text).expect("valid");
        s.topologies[0].clone()
    }

    /// The two sink placements differ only for a sink a source reaches
    /// before the last reached layer: `Hops` keeps it at its distance (the
    /// handout's drawing), `Last` moves it right (the TUI). Unreached nodes
    /// go one layer after the last reached one in both.
    #[test]
    fn layers_place_early_sinks_by_hops_or_last() {
        let t = topo(
            "[[topology.node]]\nid = \"a\"\nrole = \"source\"\n\
[[topology.node]]\nid = \"b\"\nrole = \"sink\"\n\
[[topology.node]]\nid = \"c\"\n\
[[topology.node]]\nid = \"d\"\nrole = \"sink\"\n\
[[topology.node]]\nid = \"e\"\n",
            "[[topology.link]]\nfrom = \"a\"\nto = \"b\"\n\
[[topology.link]]\nfrom = \"a\"\nto = \"c\"\n\
[[topology.link]]\nfrom = \"c\"\nto = \"d\"\n\
[[topology.link]]\nfrom = \"e\"\nto = \"d\"\n",
        );
        assert_eq!(layers(&t, SinkLayer::Hops), vec![0, 1, 1, 2, 3]);
        assert_eq!(layers(&t, SinkLayer::Last), vec![0, 2, 1, 2, 3]);
    }
}
