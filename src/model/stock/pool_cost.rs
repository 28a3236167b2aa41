//! The cost stage of a pool-only step (`docs/model.md`, section 1c): among
//! the flows that keep every result of the earlier stages (units delivered
//! Σ d, every draw y_j and every refill r_j), the one of least variable cost
//!
//! ```text
//! V = Σ_v unit_cost_v · x_v + Σ_arcs unit_cost_e · f_e + Σ_sinks lost_sale_cost_v · (demand_v − d_v)
//! ```
//!
//! as a minimum-cost flow with supplies. The arcs of the earlier stages
//! whose flow is fixed become supplies and demands: the production source
//! `S` supplies P = Σ d + Σ r − Σ y (conservation: what is made and drawn is
//! delivered or put into stock), each stocked node's output supplies its
//! draw y_j and demands its refill r_j, and the delivery collector `D`
//! demands Σ d. A super-source `S*` feeds the supplies, a super-sink `T*`
//! takes the demands, and successive shortest paths (Dijkstra with
//! potentials) send the whole supply at least cost. Every unit delivered
//! crosses exactly one sink arc, so pricing sink arcs at L − lost_sale_v
//! (L the largest lost-sale cost) keeps every cost ≥ 0 and shifts the
//! total by the constant L · Σ d; V is then read off the flow itself, term
//! by term, so a cost-free step is exactly 0.
//!
//! Invariant: [`CostFlow::variable_cost`] is a pure function of its inputs
//! (down-set, Σ d, draws, refills): a fresh solve from an empty flow, the
//! same path every time.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::network::ZERO_BASELINE as EPS;
use crate::network::{csr, split_arcs, topology_arcs};
use crate::scenario::{Role, Topology};

/// A pool-only topology compiled for the cost stage.
#[derive(Debug, Clone)]
pub struct CostFlow {
    nodes: usize,
    first: Vec<u32>,
    head: Vec<u32>,
    /// Capacity of each arc (0 for reverse arcs and for the supply arcs,
    /// which each call sets).
    cap: Vec<f64>,
    /// Cost per unit of each arc (the negative for reverse arcs).
    cost: Vec<f64>,
    rev: Vec<u32>,
    /// Per node: its split arc `in → out` and that arc's unit cost.
    split: Vec<u32>,
    /// Per node: its sink arc `out → D` (`u32::MAX` for non-sinks).
    sink_arc: Vec<u32>,
    /// Per topology node: unit cost, lost-sale cost, demand (sinks).
    unit: Vec<f64>,
    lost_sale: Vec<f64>,
    demand: Vec<f64>,
    /// Forward link arcs with their unit cost (a `both_ways` link twice).
    link_arcs: Vec<(u32, f64)>,
    /// `S* → S`, `D → T*`, and per rank `S* → out(v)`, `out(v) → T*`.
    production_arc: u32,
    delivery_arc: u32,
    draw_arc: Vec<u32>,
    refill_arc: Vec<u32>,
    /// Reduced costs at or below this count as 0 (round-off of the
    /// potentials): 1e-12 of the longest possible path's cost.
    admissible: f64,
}

/// Reusable buffers of [`CostFlow::variable_cost`]; one per thread.
#[derive(Debug, Clone, Default)]
pub struct CostScratch {
    residual: Vec<f64>,
    potential: Vec<f64>,
    dist: Vec<f64>,
    done: Vec<bool>,
    heap: BinaryHeap<Entry>,
    /// Per vertex: the next arc the admissible search tries.
    next: Vec<u32>,
    stack: Vec<u32>,
}

/// A Dijkstra queue entry, smallest distance first (ties by vertex): the
/// distance's bits and the vertex. Distances are finite and ≥ +0.0 (a sum
/// of reduced costs clamped at 0, from +0.0), and the bits of such numbers
/// order as the numbers do (as `f64::total_cmp` orders them), so comparing
/// integers gives the same queue order as comparing the distances.
type Entry = Reverse<(u64, u32)>;

const NONE: u32 = u32::MAX;

impl CostFlow {
    /// Compile `topo`; `ranked` are its stocked nodes in rank order (empty
    /// without stock).
    pub fn new(topo: &Topology, ranked: &[usize]) -> CostFlow {
        let n = topo.nodes.len();
        let (s, d, s_star, t_star) = (2 * n, 2 * n + 1, 2 * n + 2, 2 * n + 3);
        let total: f64 = topo.nodes.iter().map(|x| x.capacity + x.stock.max).sum();
        // The node-split network of section 1, sink arcs ending at D.
        let mut arcs = topology_arcs(topo, 2.0 * total + 1.0);
        let shift = topo
            .nodes
            .iter()
            .map(|x| x.cost.lost_sale)
            .fold(0.0, f64::max);
        let mut costs: Vec<f64> = Vec::with_capacity(arcs.len() + 2 + 2 * ranked.len());
        for node in &topo.nodes {
            costs.push(node.cost.unit);
            match node.role {
                Role::Source => costs.push(0.0),
                Role::Sink => costs.push(shift - node.cost.lost_sale),
                Role::Relay => {}
            }
        }
        for l in &topo.links {
            costs.push(l.unit_cost);
            if l.both_ways {
                costs.push(l.unit_cost);
            }
        }
        let topology = arcs.len();
        debug_assert_eq!(costs.len(), topology);
        arcs.push((s_star, s, 0.0));
        arcs.push((d, t_star, 0.0));
        costs.extend([0.0, 0.0]);
        for &v in ranked {
            arcs.push((s_star, 2 * v + 1, 0.0));
            arcs.push((2 * v + 1, t_star, 0.0));
            costs.extend([0.0, 0.0]);
        }
        let (first, head, cap, rev, forward) = csr(2 * n + 4, &arcs);
        let longest: f64 = costs.iter().map(|c| c.abs()).sum();
        let mut cost = vec![0.0; cap.len()];
        for (k, &a) in forward.iter().enumerate() {
            cost[a as usize] = costs[k];
            cost[rev[a as usize] as usize] = -costs[k];
        }
        let split = split_arcs(topo, &forward);
        let mut sink_arc = vec![NONE; n];
        let mut k = 0;
        for (i, node) in topo.nodes.iter().enumerate() {
            if node.role == Role::Sink {
                sink_arc[i] = forward[k + 1];
            }
            k += if node.role == Role::Relay { 1 } else { 2 };
        }
        let mut link_arcs = Vec::new();
        for l in &topo.links {
            link_arcs.push((forward[k], l.unit_cost));
            k += 1;
            if l.both_ways {
                link_arcs.push((forward[k], l.unit_cost));
                k += 1;
            }
        }
        CostFlow {
            nodes: n,
            first,
            head,
            cap,
            cost,
            rev,
            split,
            sink_arc,
            unit: topo.nodes.iter().map(|x| x.cost.unit).collect(),
            lost_sale: topo.nodes.iter().map(|x| x.cost.lost_sale).collect(),
            demand: topo.nodes.iter().map(|x| x.demand()).collect(),
            link_arcs,
            production_arc: forward[topology],
            delivery_arc: forward[topology + 1],
            draw_arc: (0..ranked.len())
                .map(|j| forward[topology + 2 + 2 * j])
                .collect(),
            refill_arc: (0..ranked.len())
                .map(|j| forward[topology + 3 + 2 * j])
                .collect(),
            admissible: 1e-12 * (1.0 + longest),
        }
    }

    /// The least variable cost V of a step with the nodes marked in `down`
    /// out of service that delivers `delivered` units in all, draws
    /// `draws[j]` and refills `refills[j]` (per rank; empty slices mean no
    /// stock). The inputs must be what the earlier stages found (a feasible
    /// flow exists); round-off below the network's tolerance is ignored.
    pub fn variable_cost(
        &self,
        down: &[bool],
        delivered: f64,
        draws: &[f64],
        refills: &[f64],
        scratch: &mut CostScratch,
    ) -> f64 {
        let vertices = self.first.len() - 1;
        let n = self.nodes;
        let (s_star, t_star) = ((2 * n + 2) as u32, (2 * n + 3) as u32);
        let r = &mut scratch.residual;
        r.clear();
        r.extend_from_slice(&self.cap);
        for (i, &d) in down.iter().enumerate() {
            if d {
                r[self.split[i] as usize] = 0.0;
            }
        }
        let drawn: f64 = draws.iter().sum();
        let refilled: f64 = refills.iter().sum();
        if delivered <= 0.0 && drawn <= 0.0 && refilled <= 0.0 {
            // Nothing moves: every unit of demand is lost.
            return self.lost_everything();
        }
        let production = (delivered + refilled - drawn).max(0.0);
        r[self.production_arc as usize] = production;
        r[self.delivery_arc as usize] = delivered;
        for (j, (&y, &rf)) in draws.iter().zip(refills).enumerate() {
            r[self.draw_arc[j] as usize] = y;
            r[self.refill_arc[j] as usize] = rf;
        }
        scratch.potential.clear();
        scratch.potential.resize(vertices, 0.0);
        scratch.dist.resize(vertices, f64::INFINITY);
        scratch.done.resize(vertices, false);
        while self.shortest_path(s_star, t_star, scratch) {
            // Potentials: reduced costs stay ≥ 0 on every residual arc, and
            // 0 along every shortest path.
            let reach = scratch.dist[t_star as usize];
            for v in 0..vertices {
                scratch.potential[v] += scratch.dist[v].min(reach);
            }
            // Every shortest path at once (primal-dual): augment along
            // arcs of zero reduced cost until none reaches T*.
            scratch.next.clear();
            scratch.next.extend_from_slice(&self.first[..vertices]);
            while self.admissible_path(s_star, t_star, scratch) {
                let mut push = f64::INFINITY;
                for &a in &scratch.stack {
                    push = push.min(scratch.residual[a as usize]);
                }
                for &a in &scratch.stack {
                    scratch.residual[a as usize] -= push;
                    scratch.residual[self.rev[a as usize] as usize] += push;
                }
            }
        }
        self.priced(&scratch.residual)
    }

    /// V of a step in which nothing moves: Σ lost_sale · demand.
    fn lost_everything(&self) -> f64 {
        (0..self.nodes)
            .filter(|&i| self.sink_arc[i] != NONE && self.lost_sale[i] > 0.0)
            .map(|i| self.lost_sale[i] * self.demand[i])
            .sum()
    }

    /// Per node, the flow through its capacity in the flow `scratch` holds
    /// after [`variable_cost`](Self::variable_cost).
    pub fn node_flows(&self, scratch: &CostScratch) -> Vec<f64> {
        self.split
            .iter()
            .map(|&a| scratch.residual[self.rev[a as usize] as usize])
            .collect()
    }

    /// V of the flow held in `residual`, term by term (each ≥ 0).
    fn priced(&self, residual: &[f64]) -> f64 {
        let flow = |a: u32| residual[self.rev[a as usize] as usize];
        let mut v = 0.0;
        for i in 0..self.nodes {
            if self.unit[i] > 0.0 {
                v += self.unit[i] * flow(self.split[i]);
            }
            if self.sink_arc[i] != NONE && self.lost_sale[i] > 0.0 {
                v += self.lost_sale[i] * (self.demand[i] - flow(self.sink_arc[i])).max(0.0);
            }
        }
        for &(a, c) in &self.link_arcs {
            if c > 0.0 {
                v += c * flow(a);
            }
        }
        v
    }

    /// A path from `s` to `t` over residual arcs of zero reduced cost, as
    /// the arcs in `scratch.stack`; false when there is none. Arcs that
    /// lead nowhere are skipped for good (`next`), as in Dinic's blocking
    /// flow, and a vertex is entered once per search, so zero-cost cycles
    /// cannot trap it.
    fn admissible_path(&self, s: u32, t: u32, scratch: &mut CostScratch) -> bool {
        scratch.stack.clear();
        scratch.done.fill(false);
        let mut u = s;
        scratch.done[s as usize] = true;
        loop {
            if u == t {
                return true;
            }
            let end = self.first[u as usize + 1];
            let pu = scratch.potential[u as usize];
            let mut advanced = false;
            while scratch.next[u as usize] < end {
                let a = scratch.next[u as usize] as usize;
                let v = self.head[a];
                if scratch.residual[a] > EPS
                    && !scratch.done[v as usize]
                    && self.cost[a] + pu - scratch.potential[v as usize] <= self.admissible
                {
                    scratch.done[v as usize] = true;
                    scratch.stack.push(a as u32);
                    u = v;
                    advanced = true;
                    break;
                }
                scratch.next[u as usize] += 1;
            }
            if advanced {
                continue;
            }
            // A dead end: retreat, and never try the arc into it again.
            let Some(a) = scratch.stack.pop() else {
                return false;
            };
            u = self.head[self.rev[a as usize] as usize];
            scratch.next[u as usize] += 1;
        }
    }

    /// Dijkstra over arcs with residual > EPS by reduced cost, stopped when
    /// `t` is settled; fills `dist`, exact for every vertex settled before
    /// `t` and at least `dist[t]` for the others (all the potentials read:
    /// min(dist, dist(t))). True when `t` is reached.
    fn shortest_path(&self, s: u32, t: u32, scratch: &mut CostScratch) -> bool {
        scratch.dist.fill(f64::INFINITY);
        scratch.done.fill(false);
        scratch.heap.clear();
        scratch.dist[s as usize] = 0.0;
        scratch.heap.push(Reverse((0.0f64.to_bits(), s)));
        while let Some(Reverse((bits, u))) = scratch.heap.pop() {
            let d = f64::from_bits(bits);
            let u = u as usize;
            if scratch.done[u] {
                continue;
            }
            if u == t as usize {
                // Settled: every vertex not yet settled is at least as far,
                // and the potentials only read min(dist, dist(t)).
                break;
            }
            scratch.done[u] = true;
            for a in self.first[u] as usize..self.first[u + 1] as usize {
                if scratch.residual[a] <= EPS {
                    continue;
                }
                let v = self.head[a] as usize;
                if scratch.done[v] {
                    continue;
                }
                let reduced = (self.cost[a] + scratch.potential[u] - scratch.potential[v]).max(0.0);
                let nd = d + reduced;
                if nd < scratch.dist[v] {
                    scratch.dist[v] = nd;
                    debug_assert!(nd.is_finite() && nd.is_sign_positive());
                    scratch.heap.push(Reverse((nd.to_bits(), v as u32)));
                }
            }
        }
        scratch.dist[t as usize].is_finite()
    }
}
