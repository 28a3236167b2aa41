//! Inventory in pool-only topologies: the three-stage step of
//! `docs/model.md` ("Inventory") as nested maximum flows.
//!
//! The network is the node-split network of [`FlowNetwork`] with three
//! more kinds of arc: every sink's `out → D` (its demand) now ends at a
//! delivery collector `D = 2n + 1`, joined to the super-sink `T' = 2n + 2`
//! by an arc of the baseline F0 (stock never delivers beyond it); per stocked
//! node `v`, a stock arc `S → out(v)` (drawn stock bypasses the node's
//! capacity) and a refill arc `out(v) → T'` (a refill uses the capacity like
//! any output).
//!
//! A step offers, from an empty flow: production alone (every stock arc and
//! refill arc closed), then each stocked up node's stock arc in rank order
//! (nearest a sink first), then — stock arcs frozen at what they carry —
//! each refill arc in rank order. Augmenting paths never lower the flow on
//! an arc out of `S` or into `T'`, so what an arc carries when its turn
//! ends is final: draw_j = F_j − F_{j−1} is the lexicographic minimum of
//! stage 2 (the greedy vertex of the max-flow polymatroid) and the refills
//! the lexicographic maximum of stage 3.
//!
//! Invariant: [`StockNetwork::step`] is a pure function of the down-set and
//! the stock levels it is given, and keeps every level in `[0, max]`.

use crate::network::{FlowNetwork, FlowSolver, topology_arcs};

use super::super::mask::{MaskHash, mask};
use crate::scenario::Topology;

use super::layout::{StockLayout, StockStep};

/// A topology with stock compiled for the three-stage step.
#[derive(Debug, Clone)]
pub struct StockNetwork {
    graph: FlowNetwork,
    layout: StockLayout,
    /// Per rank: forward arc index of the stock arc and of the refill arc.
    stock_arc: Vec<u32>,
    refill_arc: Vec<u32>,
    baseline: f64,
}

/// Reusable buffers of [`StockNetwork::step`]; one per thread.
#[derive(Debug, Clone, Default)]
pub struct StockScratch {
    flow: FlowSolver,
    draw: Vec<f64>,
    refill: Vec<f64>,
    /// Residual capacities after production alone, and its value, per
    /// down-set (networks of at most 64 nodes; bounded): a pure function
    /// of the down-set, so reusing one changes no result.
    production: std::collections::HashMap<u64, (Vec<f64>, f64), MaskHash>,
}

/// Most production residuals kept per thread before the memo is cleared.
const PRODUCTION_MEMO: usize = 4096;

impl StockNetwork {
    /// Compile `topo` (whose baseline F0 is `baseline`); `None` when no node
    /// holds stock.
    pub fn new(topo: &Topology, baseline: f64) -> Option<StockNetwork> {
        if !topo.has_stock() {
            return None;
        }
        let n = topo.nodes.len();
        let (s, d, t) = (2 * n, 2 * n + 1, 2 * n + 2);
        let layout = StockLayout::new(topo);
        let total: f64 = topo.nodes.iter().map(|x| x.capacity + x.stock.max).sum();
        let mut arcs = topology_arcs(topo, 2.0 * total + 1.0);
        let topology = arcs.len();
        arcs.push((d, t, baseline));
        for &v in layout.ranked() {
            arcs.push((s, 2 * v + 1, 0.0));
            arcs.push((2 * v + 1, t, 0.0));
        }
        let (graph, forward) = FlowNetwork::from_arcs(topo, 2 * n + 3, &arcs, baseline);
        let k = layout.ranked().len();
        let stock_arc = (0..k).map(|j| forward[topology + 1 + 2 * j]).collect();
        let refill_arc = (0..k).map(|j| forward[topology + 2 + 2 * j]).collect();
        Some(StockNetwork {
            graph,
            layout,
            stock_arc,
            refill_arc,
            baseline,
        })
    }

    /// The stocked nodes and their bounds.
    pub fn layout(&self) -> &StockLayout {
        &self.layout
    }

    /// The stocked nodes in rank order (see [`StockLayout::ranked`]).
    pub fn ranked(&self) -> &[usize] {
        self.layout.ranked()
    }

    /// One step with the nodes marked in `down` out of service, from the
    /// levels in `level` (per rank), which it updates.
    pub fn step(&self, down: &[bool], level: &mut [f64], scratch: &mut StockScratch) -> StockStep {
        debug_assert_eq!(level.len(), self.layout.ranked.len());
        let g = &self.graph;
        let solver = &mut scratch.flow;
        let key = (down.len() <= 64).then(|| mask(down));
        // Stage 1 and 2: production, then stock nearest the customer first.
        let mut delivered = match key.and_then(|k| scratch.production.get(&k)) {
            Some((residual, value)) => {
                solver.residual.clear();
                solver.residual.extend_from_slice(residual);
                *value
            }
            None => {
                solver.residual.clear();
                solver.residual.extend_from_slice(&g.cap);
                for (i, &is_down) in down.iter().enumerate() {
                    if is_down {
                        solver.residual[g.split[i] as usize] = 0.0;
                    }
                }
                let value = g.augment(solver);
                if let Some(k) = key {
                    if scratch.production.len() >= PRODUCTION_MEMO {
                        scratch.production.clear();
                    }
                    scratch
                        .production
                        .insert(k, (solver.residual.clone(), value));
                }
                value
            }
        };
        scratch.draw.clear();
        scratch.draw.resize(self.layout.ranked.len(), 0.0);
        scratch.refill.clear();
        scratch.refill.resize(self.layout.ranked.len(), 0.0);
        for (j, &v) in self.layout.ranked.iter().enumerate() {
            if delivered >= self.baseline - self.layout.tol {
                break;
            }
            if down[v] || level[j] <= 0.0 {
                continue;
            }
            let a = self.stock_arc[j] as usize;
            solver.residual[a] = level[j];
            let got = g.augment(solver);
            delivered += got;
            // The flow on the arc (its reverse residual): the sum of the
            // pushes through it, which does not depend on `level[j]` unless
            // the arc saturates (see `StepModel`'s reuse of a step).
            scratch.draw[j] = solver.residual[g.rev[a] as usize];
            // Frozen: no later path may draw more of it.
            solver.residual[a] = 0.0;
        }
        // Stage 3: refill from spare production, nearest the customer first.
        let mut out = StockStep {
            delivered: delivered.min(self.baseline),
            ..StockStep::default()
        };
        for (j, &v) in self.layout.ranked.iter().enumerate() {
            let y = scratch.draw[j];
            let mut r = 0.0;
            if !down[v] && level[j] < self.layout.max[j] - self.layout.tol {
                let a = self.refill_arc[j] as usize;
                solver.residual[a] = self.layout.max[j] - level[j];
                r = g.augment(solver);
            }
            scratch.refill[j] = r;
            out.drawn += y;
            out.refilled += r;
            level[j] = self.layout.settle(j, level[j], y, r);
        }
        out
    }
}

impl StockScratch {
    /// Per rank: the draws and refills of the last pool-only step
    /// ([`StockNetwork::step`]).
    pub fn draws(&self) -> (&[f64], &[f64]) {
        (&self.draw, &self.refill)
    }
}
