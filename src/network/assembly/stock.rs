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
}

/// What a stage optimises.
#[derive(Debug, Clone, Copy)]
enum Goal {
    Deliver,
    /// Minimise the draw of rank j.
    Draw(usize),
    /// Maximise the refill of rank j.
    Refill(usize),
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
        Some(StockProgram {
            program: Assembly::program(topo),
            layout: StockLayout::new(topo),
            baseline,
        })
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
            Goal::Draw(_) => OptimizationDirection::Minimize,
            Goal::Deliver | Goal::Refill(_) => OptimizationDirection::Maximize,
        };
        let mut lp = Problem::new(direction);
        let x: Vec<_> = (0..n)
            .map(|v| lp.add_var(0.0, (0.0, if down[v] { 0.0 } else { a.cap[v] })))
            .collect();
        let f: Vec<_> = a
            .arcs
            .iter()
            .map(|e| lp.add_var(0.0, (0.0, e.cap)))
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
                let d = lp.add_var(
                    if matches!(goal, Goal::Deliver) {
                        1.0
                    } else {
                        0.0
                    },
                    (0.0, a.demand[v]),
                );
                row.push((d, 1.0));
                sinks.push(d);
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
        let total: Vec<_> = sinks.iter().map(|&d| (d, 1.0)).collect();
        lp.add_constraint(total.as_slice(), ComparisonOp::Le, self.baseline);
        if !matches!(goal, Goal::Deliver) {
            lp.add_constraint(total.as_slice(), ComparisonOp::Ge, fixed.delivered);
        }
        let solution = lp.solve().ok()?.into_solution().ok()?;
        Some(solution.objective())
    }
}
