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

use crate::network::{FlowNetwork, FlowSolver, Reach, csr, topology_arcs};

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
    /// How to read a production max flow of the topology's own network into
    /// this one, when every result may start from any such flow (see
    /// [`StockNetwork::seeded`]).
    seed: Option<ProductionMap>,
    /// Every capacity, stock bound and initial level is a whole number
    /// (their sum far below 2^53): every flow and level is then exact (see
    /// [`StockNetwork::seeded`]), and an idle step's flow may vouch for
    /// larger down-sets ([`StockNetwork::used_nodes`]).
    exact: bool,
}

/// Arc pairs that carry a production flow of the topology's
/// [`FlowNetwork`] into a [`StockNetwork`].
#[derive(Debug, Clone)]
struct ProductionMap {
    /// Arcs of the topology's network (how many of its residuals a flow has).
    arcs: usize,
    /// Per topology arc: its reverse arc there (whose residual is the flow)
    /// and its forward arc here.
    pairs: Vec<(u32, u32)>,
    /// The arc `D → T'` here (it carries the whole flow).
    delivery: u32,
}

/// Reusable buffers of [`StockNetwork::step`]; one per thread.
#[derive(Debug, Clone, Default)]
pub struct StockScratch {
    flow: FlowSolver,
    draw: Vec<f64>,
    refill: Vec<f64>,
    /// Where an offered arc could still carry flow (see [`StockNetwork::step`]).
    reach: Reach,
    /// Make every offer, skipping none by the residual searches (the test
    /// oracle, `FlowCache::stepwise`).
    pub every_offer: bool,
    /// Steps started from a production flow read in
    /// ([`StockNetwork::seeded`]), not solved here (a count, for tests).
    pub seeded: u64,
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
        let layout = StockLayout::new(topo);
        let (arcs, topology) = stock_arcs(topo, &layout, baseline);
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
            seed: None,
            exact: false,
        })
    }

    /// This network, told that `production` is `topo`'s own flow network,
    /// so a step may start from the max flow that network holds for the
    /// step's down-set instead of solving production again.
    ///
    /// Any max flow is as good a start as another when every capacity,
    /// every stock bound and every level is a whole number (far below
    /// 2^53): the stages' results are then unique values (the delivered
    /// maximum, the greedy draws and refills of section 1b) reached by
    /// exact arithmetic from any start, so they are the same bits. So the
    /// map is kept only when this network's capacities, bounds and initial
    /// levels are whole (then every level stays whole: it moves by whole
    /// draws and refills and snaps to 0 or a whole bound), and
    /// [`step`](Self::step) checks the levels again before it uses it.
    /// It is not kept either when `production` is not the network
    /// [`FlowNetwork::new`] builds for `topo` (checked arc by arc).
    pub fn seeded(mut self, topo: &Topology, production: &FlowNetwork) -> StockNetwork {
        let whole = |c: &f64| c.fract() == 0.0;
        let exact = self.graph.cap.iter().all(whole)
            && self.graph.cap.iter().sum::<f64>() < 2f64.powi(50)
            && self.layout.max.iter().all(whole)
            && self.layout.initial().iter().all(whole);
        self.exact = exact;
        if !exact || !production.is_exact() {
            return self;
        }
        let n = topo.nodes.len();
        let total: f64 = topo.nodes.iter().map(|x| x.capacity).sum();
        let arcs = topology_arcs(topo, 2.0 * total + 1.0);
        let (_, _, cap, rev, forward) = csr(2 * n + 2, &arcs);
        if cap != production.cap || rev != production.rev {
            return self;
        }
        // The same arc list, so the same CSR indices as `new` gave.
        let (stock, topology) = stock_arcs(topo, &self.layout, self.baseline);
        let here = csr(2 * n + 3, &stock).4;
        let pairs = forward
            .iter()
            .zip(&here[..topology])
            .map(|(&p, &q)| (rev[p as usize], q))
            .collect();
        self.seed = Some(ProductionMap {
            arcs: cap.len(),
            pairs,
            delivery: here[topology],
        });
        self
    }

    /// Nodes (bit i for node i) through which the flow of the last
    /// [`step`](Self::step) passes, on a network whose arithmetic is exact
    /// (see `exact`) of at most 64 nodes, at whole levels `level`; `None`
    /// otherwise. After a step that drew and refilled nothing this is the
    /// production flow, which may vouch that a larger down-set is idle too
    /// (`docs/model.md`, section 1b, "Idle steps vouched for").
    pub fn used_nodes(&self, scratch: &StockScratch, level: &[f64]) -> Option<u64> {
        let g = &self.graph;
        let n = g.split.len();
        if !self.exact || n > 64 || level.iter().any(|l| l.fract() != 0.0) {
            return None;
        }
        let residual = &scratch.flow.residual;
        Some((0..n).fold(0, |used, i| {
            if residual[g.rev[g.split[i] as usize] as usize] > 0.0 {
                used | 1 << i
            } else {
                used
            }
        }))
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
    /// levels in `level` (per rank), which it updates. `production` is,
    /// when the caller has it, a max flow of the topology's own network for
    /// `down` (its residuals) and its value: the step starts from it when
    /// it [may](Self::seeded).
    pub fn step(
        &self,
        down: &[bool],
        level: &mut [f64],
        scratch: &mut StockScratch,
        production: Option<(&[f64], f64)>,
    ) -> StockStep {
        debug_assert_eq!(level.len(), self.layout.ranked.len());
        let g = &self.graph;
        let solver = &mut scratch.flow;
        let key = (down.len() <= 64).then(|| mask(down));
        // Stage 1 and 2: production (remembered for small networks, read
        // in from `production` when the step may start there, else solved),
        // then stock nearest the customer first.
        let memo = key.and_then(|k| scratch.production.get(&k));
        let seed = match (&self.seed, production, memo) {
            (Some(map), Some((flow, value)), None)
                if flow.len() == map.arcs && level.iter().all(|l| l.fract() == 0.0) =>
            {
                Some((map, flow, value))
            }
            _ => None,
        };
        let mut delivered = match (memo, seed) {
            (Some((residual, value)), _) => {
                solver.residual.clear();
                solver.residual.extend_from_slice(residual);
                *value
            }
            (None, seed) => {
                solver.residual.clear();
                solver.residual.extend_from_slice(&g.cap);
                for (i, &is_down) in down.iter().enumerate() {
                    if is_down {
                        solver.residual[g.split[i] as usize] = 0.0;
                    }
                }
                let value = match seed {
                    Some((map, flow, value)) => {
                        scratch.seeded += 1;
                        map.read(flow, value, g, &mut solver.residual);
                        value
                    }
                    None => g.augment(solver),
                };
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
        // An offered arc carries flow iff its end is joined to T' (a stock
        // arc) or to S (a refill arc) in the residual network; the search
        // that tells is run once, and again only after a push. Skipping an
        // offer that cannot carry anything changes no bit: `augment` would
        // find no path, push nothing and return 0. The set found before a
        // push holds every vertex still joined after it (docs/model.md,
        // section 1b, "Offers that cannot carry"), so it may be kept until
        // it says yes. With one stocked node there is one offer a stage:
        // the augmentation's own first search says as much, so none is run.
        let reach = &mut scratch.reach;
        let filter = !scratch.every_offer && self.layout.ranked.len() > 1;
        let mut searched = Searched::No;
        for (j, &v) in self.layout.ranked.iter().enumerate() {
            if delivered >= self.baseline - self.layout.tol {
                break;
            }
            if down[v] || level[j] <= 0.0 {
                continue;
            }
            let end = 2 * v + 1;
            if filter {
                if searched == Searched::No || (searched == Searched::Stale && reach.contains(end))
                {
                    g.reaching_sink(&solver.residual, reach);
                    searched = Searched::Fresh;
                }
                if !reach.contains(end) {
                    continue;
                }
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
            searched = Searched::Stale;
        }
        // Stage 3: refill from spare production, nearest the customer first.
        let mut out = StockStep {
            delivered: delivered.min(self.baseline),
            ..StockStep::default()
        };
        let mut searched = Searched::No;
        for (j, &v) in self.layout.ranked.iter().enumerate() {
            let y = scratch.draw[j];
            let mut r = 0.0;
            if !down[v] && level[j] < self.layout.max[j] - self.layout.tol {
                let a = self.refill_arc[j] as usize;
                solver.residual[a] = self.layout.max[j] - level[j];
                let end = 2 * v + 1;
                if filter
                    && (searched == Searched::No
                        || (searched == Searched::Stale && reach.contains(end)))
                {
                    g.reached_from_source(&solver.residual, reach);
                    searched = Searched::Fresh;
                }
                if !filter || reach.contains(end) {
                    r = g.augment(solver);
                    searched = Searched::Stale;
                }
            }
            scratch.refill[j] = r;
            out.drawn += y;
            out.refilled += r;
            level[j] = self.layout.settle(j, level[j], y, r);
        }
        out
    }
}

impl ProductionMap {
    /// Add to `residual` (this network's, with no flow yet) the flow of
    /// value `value` whose residuals in the topology's network are `flow`.
    fn read(&self, flow: &[f64], value: f64, g: &FlowNetwork, residual: &mut [f64]) {
        for &(there, here) in &self.pairs {
            let f = flow[there as usize];
            if f > 0.0 {
                residual[here as usize] -= f;
                residual[g.rev[here as usize] as usize] += f;
            }
        }
        let d = self.delivery as usize;
        residual[d] -= value;
        residual[g.rev[d] as usize] += value;
    }
}

/// The arcs of `topo`'s stock network (see the module doc) and how many of
/// them, first, are the topology's own: then `D → T'`, then per rank its
/// stock arc and its refill arc.
fn stock_arcs(
    topo: &Topology,
    layout: &StockLayout,
    baseline: f64,
) -> (Vec<(usize, usize, f64)>, usize) {
    let n = topo.nodes.len();
    let (s, d, t) = (2 * n, 2 * n + 1, 2 * n + 2);
    let total: f64 = topo.nodes.iter().map(|x| x.capacity + x.stock.max).sum();
    let mut arcs = topology_arcs(topo, 2.0 * total + 1.0);
    let topology = arcs.len();
    arcs.push((d, t, baseline));
    for &v in layout.ranked() {
        arcs.push((s, 2 * v + 1, 0.0));
        arcs.push((2 * v + 1, t, 0.0));
    }
    (arcs, topology)
}

/// The state of [`StockScratch::reach`] within one stage of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Searched {
    /// Not searched in this stage.
    No,
    /// Searched, and nothing pushed since: exact.
    Fresh,
    /// Searched before a push: a superset of today's set.
    Stale,
}

impl StockScratch {
    /// Would a step of `net` with the nodes marked in `down` out of service
    /// take a production flow read in ([`StockNetwork::step`])? When `net`
    /// [may](StockNetwork::seeded) and does not remember one for `down`.
    pub fn wants_production(&self, net: &StockNetwork, down: &[bool]) -> bool {
        net.seed.is_some() && (down.len() > 64 || !self.production.contains_key(&mask(down)))
    }

    /// Per rank: the draws and refills of the last pool-only step
    /// ([`StockNetwork::step`]).
    pub fn draws(&self) -> (&[f64], &[f64]) {
        (&self.draw, &self.refill)
    }
}
