//! A dense bounded dual simplex for small linear programs that are solved
//! once and then re-optimised many times after upper bounds are tightened:
//! the cost stage of assembly topologies (`docs/model.md`, section 1c, "The
//! weighted program"), whose every step starts from the calm optimum with
//! the outputs of its down frontier forced to 0.
//!
//! The program is `minimise c·x subject to A x ≤ b, l ≤ x ≤ u` with every
//! `l` finite and `u` finite wherever `c < 0` (an unlimited link costs ≥ 0).
//! A slack `s_i ∈ [0, ∞)` per row makes it `A x + s = b`.
//! The tableau holds `B⁻¹ [A | I]` densely, the values of the basic
//! variables and every reduced cost.
//!
//! - **Start.** The slack basis with every structural variable at the
//!   bound its cost prefers (its lower bound when `c_j ≥ 0`, its upper bound
//!   otherwise) is dual feasible because those bounds are finite, so the dual
//!   simplex solves the program from there without a first phase.
//! - **Edit.** Tightening an upper bound keeps the basis dual feasible: a
//!   nonbasic variable at its upper bound moves with it (the basic values
//!   follow), a basic one may now violate it. The dual simplex then restores
//!   primal feasibility, usually in a few pivots.
//! - **Pivoting rules**, deterministic: the leaving row is the most
//!   infeasible (ties: the lowest row); the entering column has the least
//!   dual ratio `|d_j / α_rj|` (ties within 1e-12 relative: the largest
//!   `|α_rj|`, then the lowest column).
//!
//! Invariant: the result of [`DenseTableau::solve`] is a pure function of
//! the tableau it starts from; `None` (numerical trouble, the pivot limit,
//! an infeasible program) leaves the caller to solve some other way.

/// Below this a pivot element counts as 0.
const PIVOT_TOL: f64 = 1e-9;

/// A program being written, row by row ([`DenseTableau::new`] compiles it).
#[derive(Debug, Clone, Default)]
pub struct DenseProgram {
    cost: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    /// `(coefficients, right-hand side)` of each `≤` row.
    rows: Vec<(Vec<(usize, f64)>, f64)>,
}

impl DenseProgram {
    /// A new variable with cost `cost` per unit and bounds `(lower, upper)`;
    /// its column.
    pub fn add_var(&mut self, cost: f64, (lower, upper): (f64, f64)) -> usize {
        self.cost.push(cost);
        self.lower.push(lower);
        self.upper.push(upper);
        self.cost.len() - 1
    }

    /// The row `Σ a·x ≤ rhs` (`≥` rows are negated into it).
    pub fn add_le(&mut self, row: &[(usize, f64)], rhs: f64) {
        self.rows.push((row.to_vec(), rhs));
    }

    /// The row `Σ a·x ≥ rhs`.
    pub fn add_ge(&mut self, row: &[(usize, f64)], rhs: f64) {
        let negated: Vec<_> = row.iter().map(|&(j, a)| (j, -a)).collect();
        self.rows.push((negated, -rhs));
    }
}

/// Where a nonbasic variable sits, or the row a basic one holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Lower,
    Upper,
    Basic(u32),
}

/// A program's tableau `B⁻¹ [A | I]` with its basis, basic values and
/// reduced costs (see the module documentation).
#[derive(Debug, Clone)]
pub struct DenseTableau {
    rows: usize,
    /// Columns: the structural variables, then one slack per row.
    cols: usize,
    structural: usize,
    /// Row-major, `rows × cols`.
    alpha: Vec<f64>,
    /// Per row: the value of its basic variable.
    beta: Vec<f64>,
    /// Per row: its basic column.
    basic: Vec<u32>,
    place: Vec<Place>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    /// Per column: its reduced cost.
    reduced: Vec<f64>,
    /// Primal feasibility tolerance: 1e-9 of the largest bound or
    /// right-hand side (at least 1e-9).
    tol: f64,
}

impl DenseTableau {
    /// The tableau of `p` at its dual-feasible slack basis (not yet
    /// solved); `None` when a lower bound is infinite, a bound not ordered,
    /// or the upper bound of a variable of negative cost infinite.
    pub fn new(p: &DenseProgram) -> Option<DenseTableau> {
        let (m, n) = (p.rows.len(), p.cost.len());
        let cols = n + m;
        let ordered = (0..n).all(|j| {
            let (l, u, c) = (p.lower[j], p.upper[j], p.cost[j]);
            l.is_finite() && l <= u && c.is_finite() && (c >= 0.0 || u.is_finite())
        });
        if !ordered {
            return None;
        }
        let mut alpha = vec![0.0; m * cols];
        let mut beta = vec![0.0; m];
        let mut place = Vec::with_capacity(cols);
        for j in 0..n {
            place.push(if p.cost[j] < 0.0 {
                Place::Upper
            } else {
                Place::Lower
            });
        }
        let at = |j: usize, place: &[Place]| match place[j] {
            Place::Upper => p.upper[j],
            _ => p.lower[j],
        };
        let mut scale = 1.0f64;
        for (i, (row, rhs)) in p.rows.iter().enumerate() {
            let mut value = *rhs;
            for &(j, a) in row {
                alpha[i * cols + j] += a;
                value -= a * at(j, &place);
            }
            alpha[i * cols + n + i] = 1.0;
            beta[i] = value;
            place.push(Place::Basic(i as u32));
            scale = scale.max(rhs.abs());
        }
        for b in p.lower.iter().chain(&p.upper).filter(|b| b.is_finite()) {
            scale = scale.max(b.abs());
        }
        let mut lower = p.lower.clone();
        let mut upper = p.upper.clone();
        lower.extend(std::iter::repeat_n(0.0, m));
        upper.extend(std::iter::repeat_n(f64::INFINITY, m));
        let mut reduced = p.cost.clone();
        reduced.extend(std::iter::repeat_n(0.0, m));
        Some(DenseTableau {
            rows: m,
            cols,
            structural: n,
            alpha,
            beta,
            basic: (n..cols).map(|j| j as u32).collect(),
            place,
            lower,
            upper,
            reduced,
            tol: 1e-9 * scale,
        })
    }

    /// The value of structural variable `j` at the current basis.
    pub fn value(&self, j: usize) -> f64 {
        match self.place[j] {
            Place::Lower => self.lower[j],
            Place::Upper => self.upper[j],
            Place::Basic(r) => self.beta[r as usize],
        }
    }

    /// Lower the upper bound of structural variable `j` to `upper` (at
    /// least its lower bound); the basis stays dual feasible.
    pub fn tighten_upper(&mut self, j: usize, upper: f64) {
        debug_assert!(j < self.structural);
        let upper = upper.max(self.lower[j]);
        if self.place[j] == Place::Upper {
            let delta = upper - self.upper[j];
            for i in 0..self.rows {
                self.beta[i] -= self.alpha[i * self.cols + j] * delta;
            }
        }
        self.upper[j] = upper;
    }

    /// Re-optimise by dual simplex pivots until every basic variable is
    /// within its bounds; `None` if that fails (the program is infeasible,
    /// a pivot would be smaller than the tolerance, or the pivot limit is
    /// reached: the tableau is then unusable).
    pub fn solve(&mut self) -> Option<()> {
        let limit = 20 * self.cols + 100;
        for _ in 0..limit {
            let Some((r, to_lower)) = self.leaving() else {
                return Some(());
            };
            let j = self.entering(r, to_lower)?;
            self.pivot(r, j, to_lower);
        }
        None
    }

    /// The most infeasible row and whether its basic variable leaves at
    /// its lower bound (it lies below it) or its upper bound.
    fn leaving(&self) -> Option<(usize, bool)> {
        let mut best: Option<(usize, bool, f64)> = None;
        for i in 0..self.rows {
            let b = self.basic[i] as usize;
            let (below, above) = (self.lower[b] - self.beta[i], self.beta[i] - self.upper[b]);
            let (gap, to_lower) = if below > above {
                (below, true)
            } else {
                (above, false)
            };
            if gap > self.tol && best.is_none_or(|(_, _, g)| gap > g) {
                best = Some((i, to_lower, gap));
            }
        }
        best.map(|(i, to_lower, _)| (i, to_lower))
    }

    /// The entering column for leaving row `r` (dual ratio test).
    fn entering(&self, r: usize, to_lower: bool) -> Option<usize> {
        let row = &self.alpha[r * self.cols..(r + 1) * self.cols];
        let mut best: Option<(usize, f64, f64)> = None;
        for (j, &a) in row.iter().enumerate() {
            let increases = match self.place[j] {
                Place::Basic(_) => continue,
                _ if self.lower[j] == self.upper[j] => continue,
                Place::Lower => true,
                Place::Upper => false,
            };
            // x_B(r) moves by −a per unit of x_j: up needs a < 0 when x_j
            // increases, a > 0 when it decreases; down the reverse.
            let eligible = if to_lower == increases {
                a < -PIVOT_TOL
            } else {
                a > PIVOT_TOL
            };
            if !eligible {
                continue;
            }
            let ratio = (self.reduced[j] / a).abs();
            let better = match best {
                None => true,
                Some((_, q, b)) => {
                    let tie = (ratio - q).abs() <= 1e-12 * (1.0 + q.abs());
                    if tie { a.abs() > b } else { ratio < q }
                }
            };
            if better {
                best = Some((j, ratio, a.abs()));
            }
        }
        best.map(|(j, _, _)| j)
    }

    /// Pivot column `j` into row `r`, whose basic variable leaves at its
    /// lower bound (`to_lower`) or its upper bound.
    fn pivot(&mut self, r: usize, j: usize, to_lower: bool) {
        let cols = self.cols;
        let leaving = self.basic[r] as usize;
        let target = if to_lower {
            self.lower[leaving]
        } else {
            self.upper[leaving]
        };
        let a_rj = self.alpha[r * cols + j];
        // x_j moves by delta and x_B(r) lands on its bound.
        let delta = (self.beta[r] - target) / a_rj;
        for i in 0..self.rows {
            if i != r {
                self.beta[i] -= self.alpha[i * cols + j] * delta;
            }
        }
        let start = match self.place[j] {
            Place::Upper => self.upper[j],
            _ => self.lower[j],
        };
        self.beta[r] = start + delta;
        // Row r divided by the pivot, then eliminated from every other row
        // and from the reduced costs.
        let (before, rest) = self.alpha.split_at_mut(r * cols);
        let (pivot_row, after) = rest.split_at_mut(cols);
        for x in pivot_row.iter_mut() {
            *x /= a_rj;
        }
        pivot_row[j] = 1.0;
        for row in before
            .chunks_exact_mut(cols)
            .chain(after.chunks_exact_mut(cols))
        {
            let f = row[j];
            if f != 0.0 {
                for (x, &p) in row.iter_mut().zip(pivot_row.iter()) {
                    *x -= f * p;
                }
                row[j] = 0.0;
            }
        }
        let f = self.reduced[j];
        if f != 0.0 {
            for (x, &p) in self.reduced.iter_mut().zip(pivot_row.iter()) {
                *x -= f * p;
            }
            self.reduced[j] = 0.0;
        }
        self.place[leaving] = if to_lower { Place::Lower } else { Place::Upper };
        self.place[j] = Place::Basic(r as u32);
        self.basic[r] = j as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// max 3x + 2y s.t. x + y ≤ 4, x + 3y ≤ 6, 0 ≤ x ≤ 3, 0 ≤ y ≤ 10:
    /// optimum x = 3, y = 1 (value 11).
    #[test]
    fn solves_a_textbook_program_and_re_optimises_after_an_edit() {
        let mut p = DenseProgram::default();
        let x = p.add_var(-3.0, (0.0, 3.0));
        let y = p.add_var(-2.0, (0.0, 10.0));
        p.add_le(&[(x, 1.0), (y, 1.0)], 4.0);
        p.add_le(&[(x, 1.0), (y, 3.0)], 6.0);
        let mut t = DenseTableau::new(&p).unwrap();
        t.solve().unwrap();
        assert_eq!((t.value(x), t.value(y)), (3.0, 1.0));
        // x ≤ 1: then y = 5/3 from the second row.
        t.tighten_upper(x, 1.0);
        t.solve().unwrap();
        assert_eq!(t.value(x), 1.0);
        assert!((t.value(y) - 5.0 / 3.0).abs() < 1e-12);
        // x ≤ 0.
        t.tighten_upper(x, 0.0);
        t.solve().unwrap();
        assert_eq!(t.value(x), 0.0);
        // 2 up to the round-off of the earlier pivot on 3.
        assert!((t.value(y) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn an_infeasible_program_is_none() {
        let mut p = DenseProgram::default();
        let x = p.add_var(1.0, (0.0, 5.0));
        p.add_ge(&[(x, 1.0)], 3.0);
        let mut t = DenseTableau::new(&p).unwrap();
        t.solve().unwrap();
        assert_eq!(t.value(x), 3.0);
        t.tighten_upper(x, 2.0);
        assert!(t.solve().is_none());
    }

    #[test]
    fn an_unlimited_variable_needs_a_cost_of_at_least_zero() {
        let mut p = DenseProgram::default();
        let x = p.add_var(1.0, (0.0, f64::INFINITY));
        let y = p.add_var(-1.0, (0.0, 4.0));
        // y ≤ x: every x = y is optimal (value 0); the ratio test ties
        // and takes the lower column, x, up to y's bound.
        p.add_le(&[(y, 1.0), (x, -1.0)], 0.0);
        let mut t = DenseTableau::new(&p).unwrap();
        t.solve().unwrap();
        assert_eq!((t.value(x), t.value(y)), (4.0, 4.0));
        let mut q = DenseProgram::default();
        q.add_var(-1.0, (0.0, f64::INFINITY));
        assert!(DenseTableau::new(&q).is_none());
    }
}
