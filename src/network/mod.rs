//! Graph views of a [`Topology`]: the flow network used for throughput and
//! the centrality rankings used by targeted shocks.

pub mod assembly;
pub mod centrality;
mod flow;

pub use assembly::{Assembly, StockProgram};
pub use flow::{
    FlowDetail, FlowNetwork, FlowSolver, StockLayout, StockNetwork, StockScratch, StockStep,
    stock_ranking,
};

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

/// Longest-path-free layering for drawing: each node's layer is its BFS
/// distance from the nearest source along directed links; nodes no source
/// reaches are placed one layer after the last.
pub fn layers(topo: &Topology) -> Vec<usize> {
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
    let max = layer
        .iter()
        .copied()
        .filter(|&l| l != usize::MAX)
        .max()
        .unwrap_or(0);
    // Sinks go to the last layer so consumers line up on the right.
    for (i, n) in topo.nodes.iter().enumerate() {
        if layer[i] == usize::MAX {
            layer[i] = max + 1;
        } else if n.role == Role::Sink {
            layer[i] = max;
        }
    }
    layer
}
