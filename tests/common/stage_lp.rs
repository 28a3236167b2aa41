//! The stages of one step as separate linear programs, written from the
//! text of docs/model.md alone (sections 1a, 1b and 1c; nothing shared with
//! chainmesh's solvers): the oracle of the stock and cost tests.

use chainmesh::model::stock_ranking;
use chainmesh::network::FlowNetwork;
use chainmesh::scenario::{Role, Topology};
use microlp::{ComparisonOp, OptimizationDirection, Problem};

/// What the four stages of one step find, by the oracle.
pub struct Oracle {
    /// Σ d.
    pub delivered: f64,
    /// Per rank.
    pub draws: Vec<f64>,
    /// Per rank.
    pub refills: Vec<f64>,
    /// V*.
    pub variable: f64,
}

/// The four stages as separate linear programs, from the text of
/// docs/model.md alone (sections 1a, 1b and 1c; nothing shared with
/// chainmesh's solvers): deliver the most; draw the least, last rank first;
/// refill the most, first rank first; then the least variable cost among
/// the flows that keep all of that.
///
/// microlp holds rows and bounds to an absolute 1e-7, so the programs are
/// solved in units 2^20 smaller (every amount multiplied by 2^20, exactly):
/// the solver's slack is then about 1e-13 of a unit, far below the 1e-9
/// the comparison asks for.
pub fn four_stages(topo: &Topology, down: &[bool], level: &[f64]) -> Oracle {
    const SCALE: f64 = (1u64 << 20) as f64;
    let ranked = stock_ranking(topo);
    let n = topo.nodes.len();
    let f0 = FlowNetwork::new(topo).baseline() * SCALE;
    let big: f64 = (topo
        .nodes
        .iter()
        .map(|x| x.capacity + x.stock.max)
        .sum::<f64>()
        + 1.0)
        * SCALE;
    let k = ranked.len();
    let mut y: Vec<(f64, f64)> = (0..k)
        .map(|j| {
            (
                0.0,
                if down[ranked[j]] {
                    0.0
                } else {
                    level[j] * SCALE
                },
            )
        })
        .collect();
    let mut r: Vec<(f64, f64)> = (0..k)
        .map(|j| {
            let m = topo.nodes[ranked[j]].stock.max;
            let room = (m - level[j]) * SCALE;
            (0.0, if down[ranked[j]] { 0.0 } else { room })
        })
        .collect();
    #[derive(Clone, Copy, PartialEq)]
    enum Goal {
        Deliver,
        Draw(usize),
        Refill(usize),
        Cost,
    }
    let solve = |goal: Goal, y: &[(f64, f64)], r: &[(f64, f64)], floor: Option<f64>| -> f64 {
        let dir = match goal {
            Goal::Deliver | Goal::Refill(_) => OptimizationDirection::Maximize,
            Goal::Draw(_) | Goal::Cost => OptimizationDirection::Minimize,
        };
        let priced = goal == Goal::Cost;
        let mut lp = Problem::new(dir);
        let x: Vec<_> = (0..n)
            .map(|v| {
                let c = if priced { topo.nodes[v].cost.unit } else { 0.0 };
                let cap = if down[v] {
                    0.0
                } else {
                    topo.nodes[v].capacity * SCALE
                };
                lp.add_var(c, (0.0, cap))
            })
            .collect();
        // Per node: (arc variable, tail) into it, arc variables out of it.
        let mut inflow: Vec<Vec<_>> = vec![Vec::new(); n];
        let mut outflow: Vec<Vec<_>> = vec![Vec::new(); n];
        for l in &topo.links {
            let c = if l.capacity.is_finite() {
                l.capacity * SCALE
            } else {
                big
            };
            let price = if priced { l.unit_cost } else { 0.0 };
            let mut arc = |from: usize, to: usize| {
                let e = lp.add_var(price, (0.0, c));
                outflow[from].push(e);
                inflow[to].push((e, from));
            };
            arc(l.from, l.to);
            if l.both_ways {
                arc(l.to, l.from);
            }
        }
        let mut ds = Vec::new();
        let mut constant = 0.0;
        for v in 0..n {
            let node = &topo.nodes[v];
            if node.needs.is_empty() {
                if node.role != Role::Source {
                    let mut row = vec![(x[v], 1.0)];
                    row.extend(inflow[v].iter().map(|&(e, _)| (e, -1.0)));
                    lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
                }
            } else {
                for (part, &q) in &node.needs {
                    let mut row = vec![(x[v], q)];
                    row.extend(
                        inflow[v]
                            .iter()
                            .filter(|&&(_, u)| topo.nodes[u].product.as_deref() == Some(part))
                            .map(|&(e, _)| (e, -1.0)),
                    );
                    lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
                }
            }
            let mut row = vec![(x[v], -1.0)];
            row.extend(outflow[v].iter().map(|&e| (e, 1.0)));
            if node.role == Role::Sink {
                let c = match goal {
                    Goal::Deliver => 1.0,
                    Goal::Cost => -node.cost.lost_sale,
                    _ => 0.0,
                };
                constant += node.cost.lost_sale * node.demand() * SCALE;
                let d = lp.add_var(c, (0.0, node.demand() * SCALE));
                row.push((d, 1.0));
                ds.push(d);
            }
            if let Some(j) = ranked.iter().position(|&u| u == v) {
                let yc = if goal == Goal::Draw(j) { 1.0 } else { 0.0 };
                let rc = if goal == Goal::Refill(j) { 1.0 } else { 0.0 };
                let yv = lp.add_var(yc, y[j]);
                let rv = lp.add_var(rc, r[j]);
                row.push((yv, -1.0));
                row.push((rv, 1.0));
            }
            lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
        }
        let total: Vec<_> = ds.iter().map(|&d| (d, 1.0)).collect();
        lp.add_constraint(total.as_slice(), ComparisonOp::Le, f0);
        if let Some(fl) = floor {
            lp.add_constraint(total.as_slice(), ComparisonOp::Ge, fl);
        }
        let opt = lp
            .solve()
            .expect("feasible")
            .into_solution()
            .expect("optimal")
            .objective();
        if priced { opt + constant } else { opt }
    };
    let delivered = solve(Goal::Deliver, &y, &r, None);
    let floor = Some(delivered - 1e-9);
    for j in (0..k).rev() {
        let v = solve(Goal::Draw(j), &y, &r, floor).max(0.0);
        y[j] = (v, v + 1e-9);
    }
    for j in 0..k {
        let v = solve(Goal::Refill(j), &y, &r, floor).max(0.0);
        r[j] = ((v - 1e-9).max(0.0), v);
    }
    // Stage 4 holds every earlier result exactly.
    let fixed_y: Vec<(f64, f64)> = y.iter().map(|b| (b.0, b.0)).collect();
    let fixed_r: Vec<(f64, f64)> = r.iter().map(|b| (b.1, b.1)).collect();
    let variable = solve(Goal::Cost, &fixed_y, &fixed_r, Some(delivered));
    Oracle {
        delivered: delivered / SCALE,
        draws: fixed_y.iter().map(|b| b.0 / SCALE).collect(),
        refills: fixed_r.iter().map(|b| b.0 / SCALE).collect(),
        variable: variable / SCALE,
    }
}
