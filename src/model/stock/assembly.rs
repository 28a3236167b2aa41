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
//! (demand − d); V is read off its solution term by term. A step with no
//! draw or refill ([`StockProgram::variable_cost`]) starts instead from the
//! calm optimum of one weighted program (V − M · Σ d, [`CalmStart`]) and
//! re-optimises after forcing its down nodes to 0; it falls back to the
//! exact program when the weighted optimum delivers less than stage 1.
//!
//! For pool-only topologies [`super::StockNetwork`] computes the
//! same stages as nested max flows; tests compare the two.

use microlp::{ComparisonOp, OptimizationDirection, Problem, Solution, Variable};

use super::layout::{StockLayout, StockStep};
use crate::network::assembly::{Assembly, AssemblyScratch, force_to_zero};
use crate::network::simplex::{DenseProgram, DenseTableau};
use crate::scenario::{Role, Topology};

/// A topology with stock (pools or assemblers) compiled for the LP step.
#[derive(Debug, Clone)]
pub struct StockProgram {
    program: Assembly,
    layout: StockLayout,
    baseline: f64,
    /// The cost coefficients, when the topology costs anything.
    prices: Option<Box<Prices>>,
    /// The cost stage of the calm step solved once, where every cost
    /// stage without draws or refills starts ([`StockProgram::variable_cost`]).
    calm: Option<Box<CalmStart>>,
}

/// The cost stage of the calm step as ONE weighted program, solved: every
/// node up, no draw, no refill, and the objective V − M · Σ d (Σ d ≤ F0).
/// An optimum of it that delivers the most any flow can is a least-V flow
/// among those (for any such flow y, M · D − V(x) ≥ M · D − V(y)), so the
/// lexicographic pair of stages 1 and 4 becomes one program, and a step's
/// edit (the outputs of its down nodes forced to 0) re-optimises in a few
/// dual simplex pivots. M only has to be large enough in practice: a step
/// whose weighted optimum delivers less than stage 1 did is solved the exact
/// way instead ([`StockProgram::variable_cost`]).
#[derive(Debug, Clone)]
struct CalmStart {
    solution: Solution,
    vars: Vars,
    /// The same optimum in a dense tableau ([`DenseTableau`]), where a
    /// step's edit re-optimises in far fewer instructions than microlp
    /// needs; `None` when it could not be built or disagrees with microlp
    /// on the calm V.
    dense: Option<(DenseTableau, Vars<usize>)>,
    /// V of `solution`, read term by term.
    value: f64,
    /// Per node: does `solution` make anything there (x_v ≠ 0)?
    used: Vec<bool>,
}

/// The variables of one stage's program (microlp's, or columns of a
/// [`DenseProgram`]).
#[derive(Debug, Clone)]
struct Vars<V = Variable> {
    /// Per node: its output x_v.
    x: Vec<V>,
    /// Per arc: its flow.
    f: Vec<V>,
    /// Per sink: (node, its delivery d_v).
    sinks: Vec<(usize, V)>,
}

/// Where [`StockProgram::build`] writes a program: microlp's [`Problem`]
/// (every stage) or a [`DenseProgram`] (the calm cost stage's dense start).
trait Program {
    type Var: Copy;
    fn var(&mut self, cost: f64, bounds: (f64, f64)) -> Self::Var;
    fn row(&mut self, row: &[(Self::Var, f64)], op: ComparisonOp, rhs: f64);
}

impl Program for Problem {
    type Var = Variable;
    fn var(&mut self, cost: f64, bounds: (f64, f64)) -> Variable {
        self.add_var(cost, bounds)
    }
    fn row(&mut self, row: &[(Variable, f64)], op: ComparisonOp, rhs: f64) {
        self.add_constraint(row, op, rhs);
    }
}

impl Program for DenseProgram {
    type Var = usize;
    fn var(&mut self, cost: f64, bounds: (f64, f64)) -> usize {
        self.add_var(cost, bounds)
    }
    fn row(&mut self, row: &[(usize, f64)], op: ComparisonOp, rhs: f64) {
        match op {
            ComparisonOp::Ge => self.add_ge(row, rhs),
            _ => self.add_le(row, rhs),
        }
    }
}

/// How a program holds Σ d.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Total {
    /// By rows: Σ d ≤ F0, and Σ d ≥ the delivered amount after stage 1.
    Held,
    /// By the objective: M per unit of Σ d (maximised, with V minimised),
    /// and the row Σ d ≤ F0.
    Weighted(f64),
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
        let mut program = StockProgram {
            program: Assembly::program(topo),
            layout: StockLayout::new(topo),
            baseline,
            prices: Prices::new(topo).map(Box::new),
            calm: None,
        };
        if program.prices.is_some() {
            program.calm = program.calm_start().map(Box::new);
        }
        program
    }

    /// The cost stage of the calm step, solved ([`CalmStart`]); `None` if
    /// the solver fails or its optimum does not deliver F0 (every cost stage
    /// is then solved the exact way).
    fn calm_start(&self) -> Option<CalmStart> {
        let n = self.program.role.len();
        let k = self.layout.ranked().len();
        let fixed = Fixed {
            delivered: self.baseline,
            y: vec![(0.0, 0.0); k],
            r: vec![(0.0, 0.0); k],
        };
        let weight = self.weight()?;
        let (lp, vars) = self.build(&vec![false; n], &fixed, Goal::Cost, Total::Weighted(weight));
        let solution = lp.solve().ok()?.into_solution().ok()?;
        if !self.delivers(&solution, &vars, self.baseline) {
            return None;
        }
        let value = self.read_cost(&solution, &vars)?;
        let used = vars.x.iter().map(|&x| solution[x] != 0.0).collect();
        let dense = self.dense_start(&fixed, weight, value);
        Some(CalmStart {
            solution,
            vars,
            dense,
            value,
            used,
        })
    }

    /// The calm weighted program solved in a [`DenseTableau`], kept when
    /// it delivers F0 and its V agrees with microlp's `value` (1e-9
    /// relative).
    fn dense_start(
        &self,
        fixed: &Fixed,
        weight: f64,
        value: f64,
    ) -> Option<(DenseTableau, Vars<usize>)> {
        let n = self.program.role.len();
        let mut program = DenseProgram::default();
        let vars = self.write(
            &mut program,
            &vec![false; n],
            fixed,
            Goal::Cost,
            Total::Weighted(weight),
        );
        let mut tableau = DenseTableau::new(&program)?;
        tableau.solve()?;
        let read = |j: usize| tableau.value(j);
        let agrees = self.delivers_with(&vars, read, self.baseline)
            && self
                .read_cost_with(&vars, read)
                .is_some_and(|v| (v - value).abs() <= 1e-9 * (1.0 + value.abs()));
        agrees.then_some((tableau, vars))
    }

    /// M of [`CalmStart`]: four times what one more unit delivered could
    /// cost if it passed every priced node and link once, times the largest
    /// part quantity once per assembler (a unit may need that many of a part
    /// at each level of the bill of materials). `None` when that is not a
    /// modest number (the exact way is then the only way).
    fn weight(&self) -> Option<f64> {
        let p = self.prices.as_deref()?;
        let a = &self.program;
        let once: f64 = p.unit.iter().chain(&p.arc).sum::<f64>() + 1.0;
        let q = a.needs.iter().flatten().fold(1.0f64, |m, &q| m.max(q));
        let levels = a.needs.iter().filter(|n| !n.is_empty()).count() as i32;
        let weight = 4.0 * once * q.powi(levels);
        (weight.is_finite() && weight <= 1e9 * once).then_some(weight)
    }

    /// Does `solution` deliver at least `delivered` (within the tolerance)?
    fn delivers(&self, solution: &Solution, vars: &Vars, delivered: f64) -> bool {
        self.delivers_with(vars, |d| solution[d], delivered)
    }

    /// [`delivers`](Self::delivers) for any solver's values.
    fn delivers_with<V: Copy>(
        &self,
        vars: &Vars<V>,
        value: impl Fn(V) -> f64,
        delivered: f64,
    ) -> bool {
        let total: f64 = vars.sinks.iter().map(|&(_, d)| value(d)).sum();
        total >= delivered - self.layout.tol()
    }

    /// V* from the calm start ([`CalmStart`]): the outputs of the frontier
    /// of `down` (the down nodes that would produce given the producing set,
    /// [`Assembly::frontier`]) forced to 0 and the weighted program
    /// re-optimised by microlp's dual simplex. Every other node outside the
    /// producing set has no producing supply, so with costs ≥ 0 it carries
    /// nothing that costs anything in a least-cost flow: this is V* of the
    /// program with every down node at 0. When everything is delivered and
    /// the calm flow makes nothing at a down node, the calm flow is feasible
    /// and stays optimal: V* without a solve. Pure in (`down`, `delivered`);
    /// `None` when an edit fails or the optimum delivers less than
    /// `delivered` (M too small: the caller solves the exact way).
    fn variable_cost_warm(&self, calm: &CalmStart, down: &[bool], delivered: f64) -> Option<f64> {
        let full = delivered.to_bits() == self.baseline.to_bits();
        if full && !down.iter().zip(&calm.used).any(|(&d, &u)| d && u) {
            return Some(calm.value);
        }
        let mut scratch = AssemblyScratch::default();
        self.program.prune(down, &mut scratch);
        self.program.frontier(&mut scratch);
        if scratch.frontier.is_empty() {
            return Some(calm.value);
        }
        if let Some(v) = calm
            .dense
            .as_ref()
            .and_then(|dense| self.dense_edit(dense, &scratch.frontier, delivered))
        {
            return Some(v);
        }
        let sol = force_to_zero(&calm.solution, &calm.vars.x, &scratch.frontier)?;
        if !self.delivers(&sol, &calm.vars, delivered) {
            return None;
        }
        self.read_cost(&sol, &calm.vars)
    }

    /// V* from the dense calm tableau with the outputs of `frontier` forced
    /// to 0; `None` when the dual simplex fails or the optimum delivers
    /// less than `delivered` (microlp's edit then decides).
    fn dense_edit(
        &self,
        (calm, vars): &(DenseTableau, Vars<usize>),
        frontier: &[u32],
        delivered: f64,
    ) -> Option<f64> {
        let mut tableau = calm.clone();
        for &v in frontier {
            tableau.tighten_upper(vars.x[v as usize], 0.0);
        }
        tableau.solve()?;
        let read = |j: usize| tableau.value(j);
        if !self.delivers_with(vars, read, delivered) {
            return None;
        }
        self.read_cost_with(vars, read)
    }

    /// The producing set of `down` as a bit mask ([`Assembly::producing_key`];
    /// at most 64 nodes).
    pub fn producing_key(&self, down: &[bool], scratch: &mut AssemblyScratch) -> u64 {
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
        if let Some(v) = self
            .calm
            .as_deref()
            .and_then(|calm| self.variable_cost_warm(calm, down, delivered))
        {
            return v;
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
        let (lp, vars) = self.build(down, fixed, goal, Total::Held);
        let solution = lp.solve().ok()?.into_solution().ok()?;
        match goal {
            Goal::Cost => self.read_cost(&solution, &vars),
            _ => Some(solution.objective()),
        }
    }

    /// The program of one stage with the nodes marked in `down` out of
    /// service and the bounds `fixed` holds, and its variables.
    fn build(&self, down: &[bool], fixed: &Fixed, goal: Goal, total: Total) -> (Problem, Vars) {
        let direction = match goal {
            Goal::Draw(_) | Goal::Cost => OptimizationDirection::Minimize,
            Goal::Deliver | Goal::Refill(_) => OptimizationDirection::Maximize,
        };
        let mut lp = Problem::new(direction);
        let vars = self.write(&mut lp, down, fixed, goal, total);
        (lp, vars)
    }

    /// Write the program of [`build`](Self::build) into `lp` (whose
    /// direction the caller chose); its variables.
    fn write<P: Program>(
        &self,
        lp: &mut P,
        down: &[bool],
        fixed: &Fixed,
        goal: Goal,
        total: Total,
    ) -> Vars<P::Var> {
        let a = &self.program;
        let n = a.role.len();
        let prices = match goal {
            Goal::Cost => self.prices.as_deref(),
            _ => None,
        };
        let x: Vec<_> = (0..n)
            .map(|v| {
                let c = prices.map_or(0.0, |p| p.unit[v]);
                lp.var(c, (0.0, if down[v] { 0.0 } else { a.cap[v] }))
            })
            .collect();
        let f: Vec<_> = a
            .arcs
            .iter()
            .enumerate()
            .map(|(k, e)| lp.var(prices.map_or(0.0, |p| p.arc[k]), (0.0, e.cap)))
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
                    lp.row(row.as_slice(), ComparisonOp::Le, 0.0);
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
                    lp.row(row.as_slice(), ComparisonOp::Le, 0.0);
                }
            }
            row.clear();
            row.push((x[v], -1.0));
            row.extend(a.out_of[v].iter().map(|&e| (f[e as usize], 1.0)));
            if a.role[v] == Role::Sink {
                let weight = match total {
                    Total::Weighted(m) => m,
                    Total::Held => 0.0,
                };
                let c = match (goal, prices) {
                    (Goal::Deliver, _) => 1.0,
                    (_, Some(p)) => -p.lost_sale[v] - weight,
                    _ => 0.0,
                };
                let d = lp.var(c, (0.0, a.demand[v]));
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
                let y = lp.var(yc, fixed.y[j]);
                let r = lp.var(rc, fixed.r[j]);
                row.push((y, -1.0));
                row.push((r, 1.0));
            }
            lp.row(row.as_slice(), ComparisonOp::Le, 0.0);
        }
        let sum: Vec<_> = sinks.iter().map(|&(_, d)| (d, 1.0)).collect();
        lp.row(sum.as_slice(), ComparisonOp::Le, self.baseline);
        if total == Total::Held && !matches!(goal, Goal::Deliver) {
            lp.row(sum.as_slice(), ComparisonOp::Ge, fixed.delivered);
        }
        Vars { x, f, sinks }
    }

    /// V read off a solution of the cost stage term by term (each ≥ 0),
    /// so a step that costs nothing is exactly 0.
    fn read_cost(&self, solution: &Solution, vars: &Vars) -> Option<f64> {
        self.read_cost_with(vars, |x| solution[x])
    }

    /// [`read_cost`](Self::read_cost) for any solver's values.
    fn read_cost_with<V: Copy>(&self, vars: &Vars<V>, value: impl Fn(V) -> f64) -> Option<f64> {
        let p = self.prices.as_deref()?;
        let a = &self.program;
        let mut cost = 0.0;
        for (v, &xv) in vars.x.iter().enumerate() {
            cost += p.unit[v] * value(xv).max(0.0);
        }
        for (k, &fe) in vars.f.iter().enumerate() {
            cost += p.arc[k] * value(fe).max(0.0);
        }
        for &(v, d) in &vars.sinks {
            cost += p.lost_sale[v] * (a.demand[v] - value(d)).max(0.0);
        }
        Some(cost)
    }
}
