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
    /// Every capacity is a whole number and every cost a multiple of
    /// 2^-10, small enough that each sum the solve forms is exact
    /// ([`CostFlow::is_exact`]).
    exact: bool,
}

/// Reusable buffers of [`CostFlow::variable_cost`]; one per thread.
#[derive(Debug, Clone, Default)]
pub struct CostScratch {
    residual: Vec<f64>,
    potential: Vec<f64>,
    dist: Vec<f64>,
    done: Vec<bool>,
    heap: BinaryHeap<Entry>,
    /// The vertices reached and not settled (scanned Dijkstra).
    frontier: Vec<u32>,
    /// Always use the heap, whatever the network's size (tests: both
    /// queues must give the same bits).
    pub heap_only: bool,
    /// Per vertex: the next arc the admissible search tries.
    next: Vec<u32>,
    stack: Vec<u32>,
    /// Does `residual` hold the flow of the last call (false when that
    /// call moved nothing and returned early)?
    flowed: bool,
}

/// [`CostFlow::is_exact`]: whole capacities, costs on a grain of 2^-10,
/// Σ |cost| below 2^29 and Σ |cost| · the largest capacity below 2^42.
fn exact_arithmetic(cap: &[f64], cost: &[f64], longest: f64) -> bool {
    const GRAIN: f64 = 1024.0;
    let most = cap.iter().fold(0.0, |m: f64, &c| m.max(c));
    cap.iter().all(|&c| c.fract() == 0.0)
        && cost.iter().all(|&c| (c * GRAIN).fract() == 0.0)
        && longest < (1u64 << 29) as f64
        && longest * most < (1u64 << 42) as f64
}

/// A Dijkstra queue entry, smallest distance first (ties by vertex): the
/// distance's bits and the vertex. Distances are finite and ≥ +0.0 (a sum
/// of reduced costs clamped at 0, from +0.0), and the bits of such numbers
/// order as the numbers do (as `f64::total_cmp` orders them), so comparing
/// integers gives the same queue order as comparing the distances.
type Entry = Reverse<(u64, u32)>;

const NONE: u32 = u32::MAX;

/// Networks of at most this many vertices run Dijkstra over a list of the
/// vertices reached and not settled instead of a heap: the built-ins have
/// 20–60 vertices, where a scan costs less than heap upkeep (on generated
/// networks of 100 vertices it costs more).
const SCANNED_VERTICES: usize = 64;

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
        let exact = exact_arithmetic(&cap, &cost, longest);
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
            exact,
        }
    }

    /// Is every solve exact, given whole-number supplies? True when every
    /// capacity is a whole number, every cost a multiple of 2^-10, Σ |cost|
    /// below 2^29 and Σ |cost| times the largest capacity below 2^42. Then
    /// every residual is a whole number; every distance, potential and
    /// reduced cost a multiple of 2^-10 of magnitude at most Σ |cost| (so
    /// the admissibility tolerance, 1e-12 · (1 + Σ |cost|) < 2^-10, accepts
    /// only an exact 0); and every term and partial sum of V a multiple of
    /// 2^-10 below 2^52. The flow found is then an exact least-cost flow
    /// and V its exact cost: **the same number from any least-cost flow**,
    /// which is what lets a solved step vouch for another (`docs/model.md`
    /// section 1c, "Witnesses").
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// Nodes of the topology.
    pub fn node_count(&self) -> usize {
        self.nodes
    }

    /// Nodes (bit i for node i, networks of at most 64 nodes) through
    /// which the flow of the last [`variable_cost`](Self::variable_cost)
    /// call passes: a positive flow on the node's own capacity.
    pub fn used_nodes(&self, scratch: &CostScratch) -> u64 {
        debug_assert!(self.nodes <= 64);
        if !scratch.flowed {
            return 0;
        }
        self.split
            .iter()
            .enumerate()
            .filter(|&(_, &a)| scratch.residual[self.rev[a as usize] as usize] > 0.0)
            .fold(0, |used, (i, _)| used | 1 << i)
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
        scratch.flowed = false;
        if delivered <= 0.0 && drawn <= 0.0 && refilled <= 0.0 {
            // Nothing moves: every unit of demand is lost.
            return self.lost_everything();
        }
        scratch.flowed = true;
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
        let scan = vertices <= SCANNED_VERTICES && !scratch.heap_only;
        while if scan {
            self.shortest_path::<true>(s_star, t_star, scratch)
        } else {
            self.shortest_path::<false>(s_star, t_star, scratch)
        } {
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
    ///
    /// The next vertex settled is the one of least (distance, index) among
    /// those reached and not settled. `SCAN` (networks of at most
    /// [`SCANNED_VERTICES`] vertices) finds it by scanning the list of such
    /// vertices, else a binary heap of (distance bits, index)
    /// (stale entries skipped); both settle the same vertices in the same
    /// order, so `dist` is the same bits either way.
    fn shortest_path<const SCAN: bool>(&self, s: u32, t: u32, scratch: &mut CostScratch) -> bool {
        let scan = SCAN;
        let CostScratch {
            residual,
            potential,
            dist,
            done,
            heap,
            frontier,
            ..
        } = scratch;
        dist.fill(f64::INFINITY);
        done.fill(false);
        heap.clear();
        frontier.clear();
        dist[s as usize] = 0.0;
        if scan {
            frontier.push(s);
        } else {
            heap.push(Reverse((0.0f64.to_bits(), s)));
        }
        loop {
            let u = if scan {
                // The least (distance bits, index): the heap's order.
                let Some((k, _)) = frontier
                    .iter()
                    .enumerate()
                    .min_by_key(|&(_, &v)| (dist[v as usize].to_bits(), v))
                else {
                    break;
                };
                frontier.swap_remove(k) as usize
            } else {
                let Some(Reverse((_, u))) = heap.pop() else {
                    break;
                };
                let u = u as usize;
                if done[u] {
                    continue;
                }
                u
            };
            if u == t as usize {
                // Settled: every vertex not yet settled is at least as far,
                // and the potentials only read min(dist, dist(t)).
                break;
            }
            done[u] = true;
            let d = dist[u];
            let pu = potential[u];
            let arcs = self.first[u] as usize..self.first[u + 1] as usize;
            let out = self.head[arcs.clone()]
                .iter()
                .zip(&self.cost[arcs.clone()])
                .zip(&residual[arcs]);
            for ((&v, &cost), &left) in out {
                let v = v as usize;
                if left <= EPS || done[v] {
                    continue;
                }
                let reduced = (cost + pu - potential[v]).max(0.0);
                let nd = d + reduced;
                if nd < dist[v] {
                    debug_assert!(nd.is_finite() && nd.is_sign_positive());
                    if scan {
                        if dist[v] == f64::INFINITY {
                            frontier.push(v as u32);
                        }
                    } else {
                        heap.push(Reverse((nd.to_bits(), v as u32)));
                    }
                    dist[v] = nd;
                }
            }
        }
        dist[t as usize].is_finite()
    }
}
