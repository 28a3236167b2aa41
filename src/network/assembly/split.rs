//! Where the flow of an assembly program goes, for display: one split of
//! an optimum over nodes and arcs, and its bottleneck (the TUI's inspector,
//! node list and flow view; `docs/model.md` section 1a, "Where the flow
//! goes in an assembly line").
//!
//! The program's optimal flows are not unique (two makers of one part can
//! share the work in any proportion, a node may make more than it ships),
//! so the split shown is fixed by a rule, in two stages over the *pruned*
//! program, built in node and arc order and solved from scratch:
//!
//! 1. maximise Σ d_v (the throughput F, as the engine does);
//! 2. with Σ d_v ≥ F, minimise Σ x_v + Σ f_e: the fewest units made and
//!    shipped that deliver F (no node makes what it does not ship, no part
//!    travels without being used). Splits tied on that total are told apart
//!    by the solver's pivoting, which is deterministic: the split is a pure
//!    function of the down-set.
//!
//! The bottleneck, for a student's "what holds φ back":
//!
//! - an up node or link whose split is **full** (at its capacity, or a
//!   sink at its demand, to 1e-6 relative) is a bottleneck when it still
//!   holds F back with every *other* full node and link widened (by 1/8,
//!   or less when something not full has less room: see
//!   `full_bottlenecks`);
//! - a down node is a bottleneck when repairing it alone raises F, or when,
//!   with every other down node repaired, taking it alone down lowers F:
//!   what the flow is waiting for (and, should neither rule find one while
//!   F is below the baseline, the down nodes that would produce were they
//!   up; see `down_bottlenecks`).
//!
//! Topologies of more than [`BOTTLENECK_MAX_NODES`] nodes get the split
//! without a bottleneck (it would cost about a second per event), and
//! `flow_detail` does not split those of more than [`SPLIT_MAX_NODES`].
//!
//! None of this changes a metric: the engine never calls it, and F is the
//! engine's (the split's Σ d_v equals it to round-off). Cost: three solves
//! and one dual-simplex edit per full element, and two throughputs per
//! down node, on each change of the down-set.

use microlp::{ComparisonOp, Solution, Variable};

use super::{Assembly, AssemblyScratch, Bounds, Goal, SolveStats, Vars};
use crate::scenario::Role;

/// Largest program (in nodes) that [`crate::network::FlowNetwork::flow_detail`]
/// splits: the two solves from scratch take about 0.3 s on a 1,000-node
/// generated network in a debug build, on every change of the down-set of
/// the TUI's trial; larger topologies show `–` (unknown), as before.
pub const SPLIT_MAX_NODES: usize = 1000;
/// Largest program (in nodes) whose bottleneck is looked for: the test
/// costs one re-optimisation per full element and two throughputs per down
/// node, which on a 1,000-node generated network takes about a second per
/// change of the down-set; larger topologies show their flows without it.
pub const BOTTLENECK_MAX_NODES: usize = 200;
/// Most the bottleneck test widens full capacities by (relative).
const WIDEN: f64 = 0.125;
/// Relative slack within which a flow is at its capacity (full).
const FULL: f64 = 1e-6;
/// Relative drop below which a throughput counts as unchanged (solver
/// round-off).
const LOWER: f64 = 1e-9;

/// One split of an assembly program's optimum ([`Assembly::split`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AssemblySplit {
    /// Σ d_v of the split: the optimum of the pruned program solved from
    /// scratch (the engine's F to round-off).
    pub value: f64,
    /// Per node: its output x_v (0 for a down or starved node).
    pub node: Vec<f64>,
    /// Per arc, in link order (a two-way link's two directions one after
    /// the other): its flow.
    pub arc: Vec<f64>,
    /// Per node: what a sink uses, d_v (0 for other nodes).
    pub used: Vec<f64>,
    /// Per node: a bottleneck (full, or down, and holding F back); all
    /// false in programs of more than [`BOTTLENECK_MAX_NODES`] nodes.
    pub node_bottleneck: Vec<bool>,
    /// Per arc: a bottleneck (full and holding F back).
    pub arc_bottleneck: Vec<bool>,
}

/// A capacity that can be full: a node (its capacity, and a sink's demand)
/// or an arc.
#[derive(Debug, Clone, Copy)]
enum Element {
    Node(usize),
    Arc(usize),
}

impl Assembly {
    /// The display split of the program with the nodes of `down` out of
    /// service, and its bottleneck (see the module's documentation for
    /// both rules). Pure: depends only on `down`. Never called by the
    /// engine.
    pub fn split(&self, down: &[bool]) -> AssemblySplit {
        let n = self.role.len();
        let m = self.arcs.len();
        let mut out = AssemblySplit {
            value: 0.0,
            node: vec![0.0; n],
            arc: vec![0.0; m],
            used: vec![0.0; n],
            node_bottleneck: vec![false; n],
            arc_bottleneck: vec![false; m],
        };
        let mut s = AssemblyScratch::default();
        self.prune(down, &mut s);
        let kept: Vec<bool> = (0..n).map(|v| s.producing[v] && s.useful[v]).collect();
        let keep = |v: usize| kept[v];
        let bottleneck = n <= BOTTLENECK_MAX_NODES;
        if (0..n).any(|v| keep(v) && self.role[v] == Role::Sink) {
            self.least_traffic(&keep, &mut out);
            if bottleneck {
                self.full_bottlenecks(&keep, &mut out);
            }
        }
        if bottleneck {
            self.down_bottlenecks(down, &mut out);
        }
        out
    }

    /// Stages 1 and 2 of the split over the nodes `keep` marks, into `out`.
    /// Should stage 2 fail (round-off making Σ d_v ≥ F infeasible even with
    /// F lowered by 1e-9), the stage-1 optimum is shown as it is.
    fn least_traffic(&self, keep: &impl Fn(usize) -> bool, out: &mut AssemblySplit) {
        let mut stats = SolveStats::default();
        let (lp, vars) = self.build_with(keep, Goal::Throughput, None, &mut stats);
        let Some(first) = lp.solve().ok().and_then(|o| o.into_solution().ok()) else {
            return;
        };
        let best = first.objective();
        if best <= 0.0 {
            return;
        }
        let (lp, traffic) = self.build_with(keep, Goal::Traffic, None, &mut stats);
        let sinks: Vec<(Variable, f64)> = traffic.d.iter().flatten().map(|&d| (d, 1.0)).collect();
        let second = [best, best * (1.0 - 1e-12), best * (1.0 - 1e-9)]
            .into_iter()
            .find_map(|floor| {
                let mut lp = lp.clone();
                lp.add_constraint(sinks.as_slice(), ComparisonOp::Ge, floor);
                lp.solve().ok().and_then(|o| o.into_solution().ok())
            });
        match second {
            Some(sol) => self.read(&sol, &traffic, keep, out),
            None => self.read(&first, &vars, keep, out),
        }
        out.value = best / self.scale;
    }

    /// The flows of `sol` (variables `vars`), unscaled, into `out`; round-off
    /// below 0 is shown as 0.
    fn read(
        &self,
        sol: &Solution,
        vars: &Vars,
        keep: &impl Fn(usize) -> bool,
        out: &mut AssemblySplit,
    ) {
        let value = |v: Option<Variable>| v.map_or(0.0, |v| (sol[v] / self.scale).max(0.0));
        for v in 0..self.role.len() {
            out.node[v] = value(vars.x[v]);
            out.used[v] = value(vars.d[v]);
        }
        for (k, a) in self.arcs.iter().enumerate() {
            out.arc[k] = if a.merged == 0.0 {
                value(vars.f[k])
            } else if keep(a.from as usize) {
                a.merged * value(vars.x[a.to as usize])
            } else {
                0.0
            };
        }
    }

    /// Mark the full elements of the split in `out` that still hold F back
    /// with every other full element widened.
    ///
    /// Every full capacity is widened by the same factor 1 + δ, δ at most
    /// [`WIDEN`] and at most the least relative slack of the elements that
    /// are not full. Then the split scaled by 1 + δ is feasible and, the
    /// program being homogeneous, F(δ) = (1 + δ) F exactly: no element that
    /// was not full becomes the limit. With element e held back, F_e(δ) is
    /// concave in δ, so F_e(δ) < (1 + δ) F at this δ if and only if it is
    /// so for every smaller δ: the test is the first-order one (would
    /// widening the others without e raise F as much as widening all?).
    fn full_bottlenecks(&self, keep: &impl Fn(usize) -> bool, out: &mut AssemblySplit) {
        if out.value <= 0.0 {
            return;
        }
        // Relative slack of a flow under a finite capacity.
        let slack = |flow: f64, cap: f64| cap.is_finite().then(|| 1.0 - flow / cap);
        let mut full = Vec::new();
        let mut delta = WIDEN;
        let mut judge = |e: Element, slacks: &[Option<f64>]| {
            let least = slacks
                .iter()
                .flatten()
                .fold(f64::INFINITY, |a, &b| a.min(b));
            if least <= FULL {
                full.push(e);
            } else if least.is_finite() {
                delta = delta.min(least);
            }
        };
        for v in 0..self.role.len() {
            if keep(v) {
                let used = (self.role[v] == Role::Sink).then(|| slack(out.used[v], self.demand[v]));
                judge(
                    Element::Node(v),
                    &[slack(out.node[v], self.cap[v]), used.flatten()],
                );
            }
        }
        for (k, a) in self.arcs.iter().enumerate() {
            if keep(a.from as usize) && keep(a.to as usize) {
                judge(Element::Arc(k), &[slack(out.arc[k], a.cap)]);
            }
        }
        if full.is_empty() {
            return;
        }
        let mut wide = Bounds {
            node: self.cap.clone(),
            arc: self.arcs.iter().map(|a| a.cap).collect(),
            demand: self.demand.clone(),
        };
        for &e in &full {
            match e {
                Element::Node(v) => {
                    wide.node[v] *= 1.0 + delta;
                    wide.demand[v] *= 1.0 + delta;
                }
                Element::Arc(k) => wide.arc[k] *= 1.0 + delta,
            }
        }
        let mut stats = SolveStats::default();
        let (lp, vars) = self.build_with(keep, Goal::Throughput, Some(&wide), &mut stats);
        let Some(relieved) = lp.solve().ok().and_then(|o| o.into_solution().ok()) else {
            return;
        };
        let all = relieved.objective();
        for e in full {
            // This element back at its own capacity, every other one widened.
            let mut rows: Vec<(Vec<(Variable, f64)>, f64)> = Vec::new();
            match e {
                Element::Node(v) => {
                    if let Some(x) = vars.x[v] {
                        rows.push((vec![(x, 1.0)], self.cap[v]));
                    }
                    if let Some(d) = vars.d[v] {
                        rows.push((vec![(d, 1.0)], self.demand[v]));
                    }
                }
                Element::Arc(k) => {
                    let a = self.arcs[k];
                    match (vars.f[k], vars.x[a.to as usize]) {
                        (Some(f), _) => rows.push((vec![(f, 1.0)], a.cap)),
                        (None, Some(x)) if a.merged != 0.0 => {
                            rows.push((vec![(x, a.merged)], a.cap));
                        }
                        _ => {}
                    }
                }
            }
            let mut sol = Some(relieved.clone());
            for (row, cap) in rows {
                sol = sol.and_then(|s| {
                    s.add_constraint(row, ComparisonOp::Le, cap * self.scale)
                        .ok()
                        .and_then(|o| o.into_solution().ok())
                });
            }
            let Some(sol) = sol else { continue };
            if sol.objective() < all * (1.0 - LOWER) {
                match e {
                    Element::Node(v) => out.node_bottleneck[v] = true,
                    Element::Arc(k) => out.arc_bottleneck[k] = true,
                }
            }
        }
    }

    /// Mark the down nodes in `out` that matter: repairing it alone raises
    /// F, or, with every other down node repaired, taking it alone down
    /// lowers F (a knocked-out sole source; the first misses two of them
    /// down at once, the second two redundant partners down at once).
    /// Should neither mark one while the down-set costs throughput (two
    /// redundant pairs down at once, say), the frontier is marked: the
    /// down nodes that would produce were they up.
    fn down_bottlenecks(&self, down: &[bool], out: &mut AssemblySplit) {
        if !down.iter().any(|&d| d) {
            return;
        }
        let mut s = AssemblyScratch::default();
        let mut f = |d: &[bool]| self.throughput(d, &mut s);
        let now = f(down);
        let all = f(&vec![false; down.len()]);
        let mut one = down.to_vec();
        for v in (0..down.len()).filter(|&v| down[v]) {
            one[v] = false;
            let repaired = f(&one);
            one[v] = true;
            let alone: Vec<bool> = (0..down.len()).map(|u| u == v).collect();
            if repaired > now * (1.0 + LOWER) + f64::MIN_POSITIVE || f(&alone) < all * (1.0 - LOWER)
            {
                out.node_bottleneck[v] = true;
            }
        }
        if now < all * (1.0 - LOWER) && !(0..down.len()).any(|v| down[v] && out.node_bottleneck[v])
        {
            self.prune(down, &mut s);
            self.frontier(&mut s);
            for &v in &s.frontier {
                out.node_bottleneck[v as usize] = true;
            }
        }
    }
}
