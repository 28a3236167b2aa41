//! Inventory in topologies with assemblers: the three-stage step of
//! `docs/model.md` ("Inventory") as a sequence of linear programs.
//!
//! The program of a step is the assembly program of [`Assembly`] with, per
//! stocked node `j` (in the rank order of [`stock_ranking`]), a draw
//! `0 ≤ y_j ≤ level_j` and a refill `0 ≤ r_j ≤ max_j − level_j` (both 0 when
//! the node is down) in its output row, `Σ out + d + r ≤ x + y`, and
//! `Σ d ≤ F0`. Stage 1 maximises `Σ d`; stage 2 minimises the last-ranked
//! draw, fixes it, then the next-to-last, …; stage 3 maximises the
//! first-ranked refill, fixes it, then the next. Each solve starts from
//! scratch (the programs are small and a fresh solve depends on nothing but
//! its input), so the step is a pure function of the down-set and levels.
//! Each stage holds the earlier optima exactly (relaxed by `tol`, 1e-9 of
//! the largest capacity or stock, only when round-off makes that
//! infeasible); levels within `tol` of 0 or max are snapped there.
//!
//! With costs (`docs/model.md`, section 1c) a fourth program holds every
//! earlier result (Σ d, every draw, every refill) and minimises the
//! variable cost V = Σ unit_cost · x + Σ unit_cost · f + Σ lost_sale ·
//! (demand − d); V is read off its solution term by term. A topology with
//! assemblers and costs but no stock uses the same program with no draws
//! or refills ([`StockProgram::priced`], [`StockProgram::variable_cost`]).
//!
//! For pool-only topologies [`crate::network::StockNetwork`] computes the
//! same stages as nested max flows; tests compare the two.

use microlp::{ComparisonOp, OptimizationDirection, Problem};

use super::Assembly;
use crate::network::StockLayout;
use crate::network::StockStep;
use crate::scenario::{Role, Topology};

/// A topology with stock (pools or assemblers) compiled for the LP step.
#[derive(Debug, Clone)]
pub struct StockProgram {
    program: Assembly,
    layout: StockLayout,
    baseline: f64,
    /// The cost coefficients, when the topology costs anything.
    prices: Option<Box<Prices>>,
}

/// What one unit costs in the program's variables.
#[derive(Debug, Clone)]
struct Prices {
    /// Per node: per unit of x_v; per sink: per unit of demand not delivered.
    unit: Vec<f64>,
    lost_sale: Vec<f64>,
    /// Per arc of the program (link order, a `both_ways` link twice).
    arc: Vec<f64>,
}

impl Prices {
    /// `None` when no unit, link or lost-sale cost is non-zero (fixed and
    /// holding costs need no program).
    fn new(topo: &Topology) -> Option<Prices> {
        let variable = topo
            .nodes
            .iter()
            .any(|n| n.cost.unit > 0.0 || n.cost.lost_sale > 0.0)
            || topo.links.iter().any(|l| l.unit_cost > 0.0);
        variable.then(|| Prices {
            unit: topo.nodes.iter().map(|n| n.cost.unit).collect(),
            lost_sale: topo.nodes.iter().map(|n| n.cost.lost_sale).collect(),
            arc: topo
                .links
                .iter()
                .flat_map(|l| {
                    let twice = if l.both_ways { 2 } else { 1 };
                    std::iter::repeat_n(l.unit_cost, twice)
                })
                .collect(),
        })
    }
}

/// What a stage optimises.
#[derive(Debug, Clone, Copy)]
enum Goal {
    Deliver,
    /// Minimise the draw of rank j.
    Draw(usize),
    /// Maximise the refill of rank j.
    Refill(usize),
    /// Minimise the variable cost.
    Cost,
}

/// Bounds that the earlier stages fixed.
struct Fixed {
    delivered: f64,
    y: Vec<(f64, f64)>,
    r: Vec<(f64, f64)>,
}

impl StockProgram {
    /// Compile `topo` (baseline F0 `baseline`); `None` when no node holds stock.
    pub fn new(topo: &Topology, baseline: f64) -> Option<StockProgram> {
        if !topo.has_stock() {
            return None;
        }
        Some(StockProgram::priced(topo, baseline))
    }

    /// Compile `topo` with its cost coefficients, with or without stock
    /// (the cost stage of an assembly topology without stock).
    pub fn priced(topo: &Topology, baseline: f64) -> StockProgram {
        StockProgram {
            program: Assembly::program(topo),
            layout: StockLayout::new(topo),
            baseline,
            prices: Prices::new(topo).map(Box::new),
        }
    }

    /// The producing set of `down` as a bit mask ([`Assembly::producing_key`];
    /// at most 64 nodes).
    pub fn producing_key(&self, down: &[bool], scratch: &mut super::AssemblyScratch) -> u64 {
        self.program.producing_key(down, scratch)
    }

    /// The least variable cost of a step with the nodes marked in `down`
    /// out of service that delivers `delivered` units with no stock drawn
    /// or refilled (0 when the topology costs nothing).
    pub fn variable_cost(&self, down: &[bool], delivered: f64) -> f64 {
        let Some(p) = &self.prices else {
            return 0.0;
        };
        if delivered <= 0.0 {
            // Nothing is delivered and nothing drawn: the least-cost flow
            // makes nothing (every cost is ≥ 0) and every sale is lost.
            let a = &self.program;
            return (0..a.role.len())
                .filter(|&v| a.role[v] == Role::Sink)
                .map(|v| p.lost_sale[v] * a.demand[v])
                .sum();
        }
        let k = self.layout.ranked().len();
        let mut fixed = Fixed {
            delivered,
            y: vec![(0.0, 0.0); k],
            r: vec![(0.0, 0.0); k],
        };
        self.cost_stage(down, &mut fixed)
    }

    /// Stage 4 from the bounds `fixed` holds: exactly, else with Σ d
    /// relaxed by the tolerance (round-off), else 0 should the solver fail.
    fn cost_stage(&self, down: &[bool], fixed: &mut Fixed) -> f64 {
        self.solve(down, fixed, Goal::Cost)
            .or_else(|| {
                fixed.delivered = (fixed.delivered - self.layout.tol()).max(0.0);
                self.solve(down, fixed, Goal::Cost)
            })
            .unwrap_or(0.0)
    }

    /// The stocked nodes and their bounds.
    pub fn layout(&self) -> &StockLayout {
        &self.layout
    }

    /// One step with the nodes marked in `down` out of service, from the
    /// levels in `level` (per rank), which it updates.
    pub fn step(&self, down: &[bool], level: &mut [f64]) -> StockStep {
        let k = self.layout.ranked().len();
        let mut fixed = Fixed {
            delivered: 0.0,
            y: (0..k)
                .map(|j| {
                    let up = !down[self.layout.ranked()[j]];
                    (0.0, if up { level[j] } else { 0.0 })
                })
                .collect(),
            r: (0..k)
                .map(|j| {
                    let up = !down[self.layout.ranked()[j]];
                    (
                        0.0,
                        if up {
                            (self.layout.max()[j] - level[j]).max(0.0)
                        } else {
                            0.0
                        },
                    )
                })
                .collect(),
        };
        let delivered = self.solve(down, &fixed, Goal::Deliver).unwrap_or(0.0);
        // Each stage holds the earlier results exactly; only if round-off
        // makes that infeasible is the hold relaxed by `tol`.
        fixed.delivered = delivered;
        let relaxed = (delivered - self.layout.tol()).max(0.0);
        for j in (0..k).rev() {
            if fixed.y[j].1 <= 0.0 {
                continue;
            }
            let v = self
                .solve(down, &fixed, Goal::Draw(j))
                .or_else(|| {
                    fixed.delivered = relaxed;
                    self.solve(down, &fixed, Goal::Draw(j))
                })
                .unwrap_or(fixed.y[j].1)
                .clamp(0.0, fixed.y[j].1);
            fixed.y[j] = (v, v);
        }
        for j in 0..k {
            if fixed.r[j].1 <= 0.0 {
                continue;
            }
            let v = self
                .solve(down, &fixed, Goal::Refill(j))
                .or_else(|| {
                    fixed.delivered = relaxed;
                    self.solve(down, &fixed, Goal::Refill(j))
                })
                .unwrap_or(0.0)
                .clamp(0.0, fixed.r[j].1);
            fixed.r[j] = (v, v);
        }
        let mut out = StockStep {
            delivered: delivered.clamp(0.0, self.baseline),
            ..StockStep::default()
        };
        if self.prices.is_some() {
            out.variable = self.cost_stage(down, &mut fixed);
        }
        #[allow(clippy::needless_range_loop)] // j indexes fixed.y, fixed.r, level and max alike
        for j in 0..k {
            let snap = |v: f64| if v <= self.layout.tol() { 0.0 } else { v };
            let (y, r) = (snap(fixed.y[j].0), snap(fixed.r[j].1));
            out.drawn += y;
            out.refilled += r;
            level[j] = self.layout.settle(j, level[j], y, r);
        }
        out
    }

    /// The optimum of one stage's program, or `None` if the solver fails.
    fn solve(&self, down: &[bool], fixed: &Fixed, goal: Goal) -> Option<f64> {
        let a = &self.program;
        let n = a.role.len();
        let direction = match goal {
            Goal::Draw(_) | Goal::Cost => OptimizationDirection::Minimize,
            Goal::Deliver | Goal::Refill(_) => OptimizationDirection::Maximize,
        };
        let mut lp = Problem::new(direction);
        let prices = match goal {
            Goal::Cost => self.prices.as_deref(),
            _ => None,
        };
        let x: Vec<_> = (0..n)
            .map(|v| {
                let c = prices.map_or(0.0, |p| p.unit[v]);
                lp.add_var(c, (0.0, if down[v] { 0.0 } else { a.cap[v] }))
            })
            .collect();
        let f: Vec<_> = a
            .arcs
            .iter()
            .enumerate()
            .map(|(k, e)| lp.add_var(prices.map_or(0.0, |p| p.arc[k]), (0.0, e.cap)))
            .collect();
        let mut rank_of = vec![usize::MAX; n];
        for (j, &v) in self.layout.ranked().iter().enumerate() {
            rank_of[v] = j;
        }
        let mut sinks = Vec::new();
        let mut row = Vec::new();
        for v in 0..n {
            if a.needs[v].is_empty() {
                if a.role[v] != Role::Source {
                    row.clear();
                    row.push((x[v], 1.0));
                    row.extend(a.into[v].iter().map(|&e| (f[e as usize], -1.0)));
                    lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
                }
            } else {
                for (p, &q) in a.needs[v].iter().enumerate() {
                    row.clear();
                    row.push((x[v], q));
                    row.extend(
                        a.into[v]
                            .iter()
                            .filter(|&&e| a.arcs[e as usize].part == p as u32)
                            .map(|&e| (f[e as usize], -1.0)),
                    );
                    lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
                }
            }
            row.clear();
            row.push((x[v], -1.0));
            row.extend(a.out_of[v].iter().map(|&e| (f[e as usize], 1.0)));
            if a.role[v] == Role::Sink {
                let c = match (goal, prices) {
                    (Goal::Deliver, _) => 1.0,
                    (_, Some(p)) => -p.lost_sale[v],
                    _ => 0.0,
                };
                let d = lp.add_var(c, (0.0, a.demand[v]));
                row.push((d, 1.0));
                sinks.push((v, d));
            }
            if let Some(j) = (rank_of[v] != usize::MAX).then_some(rank_of[v]) {
                let yc = if matches!(goal, Goal::Draw(g) if g == j) {
                    1.0
                } else {
                    0.0
                };
                let rc = if matches!(goal, Goal::Refill(g) if g == j) {
                    1.0
                } else {
                    0.0
                };
                let y = lp.add_var(yc, fixed.y[j]);
                let r = lp.add_var(rc, fixed.r[j]);
                row.push((y, -1.0));
                row.push((r, 1.0));
            }
            lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
        }
        let total: Vec<_> = sinks.iter().map(|&(_, d)| (d, 1.0)).collect();
        lp.add_constraint(total.as_slice(), ComparisonOp::Le, self.baseline);
        if !matches!(goal, Goal::Deliver) {
            lp.add_constraint(total.as_slice(), ComparisonOp::Ge, fixed.delivered);
        }
        let solution = lp.solve().ok()?.into_solution().ok()?;
        let Some(p) = prices else {
            return Some(solution.objective());
        };
        // V term by term (each ≥ 0), so a step that costs nothing is 0.
        let mut cost = 0.0;
        for v in 0..n {
            cost += p.unit[v] * solution[x[v]].max(0.0);
        }
        for (k, &fe) in f.iter().enumerate() {
            cost += p.arc[k] * solution[fe].max(0.0);
        }
        for &(v, d) in &sinks {
            cost += p.lost_sale[v] * (a.demand[v] - solution[d]).max(0.0);
        }
        Some(cost)
    }
}
