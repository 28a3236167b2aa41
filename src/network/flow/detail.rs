//! Where the flow goes: a maximum flow broken down by node and by link,
//! and the minimum cut that limits it. For explaining a step (the TUI's
//! inspector and flow view); the Monte Carlo hot path never calls this.

use std::collections::BTreeMap;

use super::{EPS, FlowNetwork, FlowSolver};
use crate::network::Assembly;
use crate::network::assembly::SPLIT_MAX_NODES;
use crate::scenario::Topology;

/// One maximum flow of a down-set, broken down.
///
/// Invariants (checked in the tests): `value` equals
/// [`FlowNetwork::max_flow`] for the same down-set; `node[i] <= capacity`
/// and is 0 for down nodes; flow is conserved at every node; the arcs
/// leaving `source_side` have total effective capacity `value` (max-flow
/// min-cut), so the cut's nodes and links are a bottleneck.
/// A maximum flow's split over nodes and links is not unique; this is the
/// one a fresh Dinic solve finds, a pure function of the down-set.
///
/// In a topology with assemblers the breakdown is the assembly program's
/// display split ([`Assembly::split`]: the fewest units made and shipped
/// that deliver the optimum) and the "cut" is its bottleneck (full nodes
/// and links that still hold the throughput back with every other full one
/// widened, and down nodes whose repair alone would raise it; none in
/// programs of more than
/// [`BOTTLENECK_MAX_NODES`](crate::network::assembly::BOTTLENECK_MAX_NODES)
/// nodes); `value` is still the engine's, which the split delivers to
/// round-off.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowDetail {
    /// Total flow from the sources to the sinks.
    pub value: f64,
    /// Flow through each node (in a topology with assemblers: its output;
    /// NaN, unknown, in one of more than
    /// [`SPLIT_MAX_NODES`](crate::network::assembly::SPLIT_MAX_NODES) nodes).
    pub node: Vec<f64>,
    /// Flow on each link of the topology, in file order (the two directions
    /// of a two-way link added up).
    pub link: Vec<f64>,
    /// Nodes whose capacity is on the minimum cut (down nodes included: a
    /// down node on the cut is what the flow is waiting for); in a topology
    /// with assemblers, the bottleneck's nodes.
    pub cut_nodes: Vec<bool>,
    /// Links on the minimum cut (with assemblers: the bottleneck's links).
    pub cut_links: Vec<bool>,
}

impl FlowNetwork {
    /// Solve afresh for `down` and break the flow down by node and by link
    /// of `topo`, the topology this network was compiled from.
    pub fn flow_detail(
        &self,
        topo: &Topology,
        down: &[bool],
        solver: &mut FlowSolver,
    ) -> FlowDetail {
        let value = self.max_flow(down, solver);
        if let Some(a) = self.assembly() {
            return assembly_detail(a, topo, value, down);
        }
        let n = self.nodes;
        let flow_on = |a: usize| solver.residual[self.rev[a] as usize].max(0.0);
        let node: Vec<f64> = (0..n).map(|i| flow_on(self.split[i] as usize)).collect();
        let arcs = self.link_arcs(topo);
        let link = arcs
            .iter()
            .map(|a| a.iter().map(|&a| flow_on(a)).sum())
            .collect();
        // Source side of the cut: vertices reachable from S in the residual network.
        let vertices = 2 * n + 2;
        let (s, t) = (2 * n, 2 * n + 1);
        let mut seen = vec![false; vertices];
        let mut stack = vec![s];
        seen[s] = true;
        while let Some(u) = stack.pop() {
            for a in self.first[u] as usize..self.first[u + 1] as usize {
                let v = self.head[a] as usize;
                if !seen[v] && solver.residual[a] > EPS {
                    seen[v] = true;
                    stack.push(v);
                }
            }
        }
        let crosses = |a: usize| {
            seen[self.head[self.rev[a] as usize] as usize] && !seen[self.head[a] as usize]
        };
        // The node's own capacity, or its source or sink arc (the same capacity).
        let mut cut_nodes: Vec<bool> = (0..n).map(|i| crosses(self.split[i] as usize)).collect();
        for a in self.first[s] as usize..self.first[s + 1] as usize {
            let v = self.head[a] as usize;
            if self.cap[a] > 0.0 && v < 2 * n && crosses(a) {
                cut_nodes[v / 2] = true;
            }
        }
        for b in self.first[t] as usize..self.first[t + 1] as usize {
            // Arcs at T are the reverses of the sink arcs out(i) -> T.
            let a = self.rev[b] as usize;
            let u = self.head[b] as usize;
            if self.cap[a] > 0.0 && u < 2 * n && crosses(a) {
                cut_nodes[u / 2] = true;
            }
        }
        let cut_links = arcs.iter().map(|a| a.iter().any(|&a| crosses(a))).collect();
        FlowDetail {
            value,
            node,
            link,
            cut_nodes,
            cut_links,
        }
    }

    /// The forward arcs of every link of `topo` (one, or two for a two-way
    /// link). Arcs between the same two vertices sit in the CSR in the order
    /// they were added, which is link order, so repeated links each get their
    /// own. One pass over the arcs: O(arcs · log arcs).
    fn link_arcs(&self, topo: &Topology) -> Vec<Vec<usize>> {
        let n = self.nodes;
        // (from vertex, to vertex) -> its arcs in CSR order, next one to hand out.
        let mut pairs: BTreeMap<(usize, usize), (Vec<usize>, usize)> = BTreeMap::new();
        for u in 0..n {
            let from = 2 * u + 1;
            for a in self.first[from] as usize..self.first[from + 1] as usize {
                let to = self.head[a] as usize;
                // For u != v every arc out(u) -> in(v) is a link's forward arc
                // (reverse arcs at out(u) only lead back to in(u)).
                if to < 2 * n && to.is_multiple_of(2) && to != 2 * u {
                    pairs.entry((from, to)).or_default().0.push(a);
                }
            }
        }
        let mut take = |u: usize, v: usize| -> Option<usize> {
            let (arcs, next) = pairs.get_mut(&(2 * u + 1, 2 * v))?;
            let a = arcs.get(*next).copied();
            *next += 1;
            a
        };
        topo.links
            .iter()
            .map(|l| {
                let mut a: Vec<usize> = take(l.from, l.to).into_iter().collect();
                if l.both_ways {
                    a.extend(take(l.to, l.from));
                }
                a
            })
            .collect()
    }
}

/// [`FlowNetwork::flow_detail`] of a topology with assemblers: the program's
/// display split, its arcs added up per link of `topo` (a `both_ways` link
/// has two arcs, one after the other, in link order).
/// Programs of more than [`SPLIT_MAX_NODES`] nodes are not split: their
/// flows are NaN (unknown, not zero) and they have no bottleneck.
fn assembly_detail(a: &Assembly, topo: &Topology, value: f64, down: &[bool]) -> FlowDetail {
    let links = topo.links.len();
    if a.node_count() > SPLIT_MAX_NODES {
        return FlowDetail {
            value,
            node: vec![f64::NAN; a.node_count()],
            link: vec![f64::NAN; links],
            cut_nodes: vec![false; a.node_count()],
            cut_links: vec![false; links],
        };
    }
    let split = a.split(down);
    let mut link = Vec::with_capacity(topo.links.len());
    let mut cut_links = Vec::with_capacity(topo.links.len());
    let mut k = 0;
    for l in &topo.links {
        let arcs = if l.both_ways { k..k + 2 } else { k..k + 1 };
        k = arcs.end;
        link.push(split.arc[arcs.clone()].iter().sum());
        cut_links.push(split.arc_bottleneck[arcs].iter().any(|&b| b));
    }
    FlowDetail {
        value,
        node: split.node,
        link,
        cut_nodes: split.node_bottleneck,
        cut_links,
    }
}
