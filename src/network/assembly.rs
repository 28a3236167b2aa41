//! Exact throughput of topologies with assemblers (bills of materials).
//!
//! With x_v the output of node v, f_e the flow on arc e and d_v what sink v
//! consumes, the throughput of a step is the optimum of the linear program
//!
//! ```text
//! maximise Σ d_v subject to
//!   0 ≤ x_v ≤ capacity_v (v up), x_v = 0 (v down);   0 ≤ f_e ≤ capacity_e
//!   pool that is not a source:  x_v ≤ Σ_{e into v} f_e
//!   assembler, every part p:    needs_v[p] · x_v ≤ Σ_{e into v from suppliers of p} f_e
//!   every node:                 Σ_{e out of v} f_e + d_v ≤ x_v      (d_v only at sinks)
//! ```
//!
//! (a processing network; `docs/model.md` has a worked example). For a
//! topology without assemblers this is exactly the node-split max flow of
//! [`super::FlowNetwork`], which keeps its own faster solver for them.
//!
//! Invariant: [`Assembly::throughput`] is a pure function of the down-set.
//! It first prunes every node that must have x_v = 0 (down; an assembler
//! with a part no producing supplier feeds; a pool with no producing input; a
//! node from which no producing sink can be reached): with no sink left the
//! value is 0 without a solve. Otherwise it starts from one canonical basis,
//! the optimum of the whole program with every node up (solved once when the
//! topology is compiled), fixes the output of each down node at 0 in node
//! order and lets microlp's dual simplex re-optimise after each fix. Should
//! that fail, the pruned program is built in node and arc order and solved
//! from scratch. Neither path looks at earlier calls, so memoising values,
//! thread counts and trial order never change a result (the trap a warm
//! start from the previous step's basis would fall into: its round-off
//! would depend on which trials a thread ran before).

mod stock;
pub use stock::StockProgram;

use microlp::{ComparisonOp, OptimizationDirection, Problem, Solution, Variable};

use crate::scenario::{Role, Topology};

/// A topology with at least one assembler, compiled for its program.
#[derive(Debug, Clone)]
pub struct Assembly {
    role: Vec<Role>,
    cap: Vec<f64>,
    /// Per node: most a sink consumes per step (its demand; unused elsewhere).
    demand: Vec<f64>,
    /// Per node: units of each of its parts per unit of output (parts in name
    /// order); empty for a pool.
    needs: Vec<Vec<f64>>,
    /// Directed arcs in link order (a `both_ways` link gives two).
    arcs: Vec<Arc>,
    /// Arcs into / out of each node, in arc order.
    into: Vec<Vec<u32>>,
    out_of: Vec<Vec<u32>>,
    /// The whole program with every node up, solved once at prepare time:
    /// its optimal basis is where every step's solve starts, and the
    /// variable of each node's output. `None` if that solve failed (then
    /// every step is solved from scratch).
    canonical: Option<(Solution, Vec<Variable>)>,
}

#[derive(Debug, Clone, Copy)]
struct Arc {
    from: u32,
    to: u32,
    /// `f64::INFINITY` when unlimited.
    cap: f64,
    /// For an arc into an assembler: the index of the part it supplies.
    part: u32,
}

/// Reusable buffers of [`Assembly::throughput`]; one per thread.
#[derive(Debug, Clone, Default)]
pub struct AssemblyScratch {
    producing: Vec<bool>,
    useful: Vec<bool>,
    /// Per node and part (flattened): producing suppliers seen.
    suppliers: Vec<u32>,
    /// Offsets into `suppliers` per node.
    offset: Vec<u32>,
    /// Parts with a producing supplier, per assembler.
    covered: Vec<u32>,
    stack: Vec<u32>,
}

/// How the program of one step was solved (for tests and the bench).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SolveStats {
    /// Warm-started from the canonical all-up optimum.
    pub warm: bool,
    /// Down nodes fixed at 0 on the warm path.
    pub fixes: usize,
    /// Nodes of the program solved from scratch (0 on the warm path).
    pub nodes: usize,
    /// Arcs of the program solved from scratch (0 on the warm path).
    pub arcs: usize,
}

impl Assembly {
    /// Compile `topo`; `None` when no node has `needs` (then the max flow is exact).
    pub fn new(topo: &Topology) -> Option<Assembly> {
        topo.nodes
            .iter()
            .any(|n| n.is_assembler())
            .then(|| Assembly::program(topo))
    }

    /// The program of any topology, even one without assemblers (where its
    /// optimum is the max flow: tests and benchmarks compare the two).
    pub fn program(topo: &Topology) -> Assembly {
        let n = topo.nodes.len();
        let mut arcs = Vec::with_capacity(topo.links.len());
        let part_of = |from: usize, to: usize| -> u32 {
            let node = &topo.nodes[to];
            topo.nodes[from]
                .product
                .as_ref()
                .and_then(|p| node.needs.keys().position(|k| k == p))
                .map_or(u32::MAX, |i| i as u32)
        };
        for l in &topo.links {
            arcs.push(Arc {
                from: l.from as u32,
                to: l.to as u32,
                cap: l.capacity,
                part: part_of(l.from, l.to),
            });
            if l.both_ways {
                arcs.push(Arc {
                    from: l.to as u32,
                    to: l.from as u32,
                    cap: l.capacity,
                    part: part_of(l.to, l.from),
                });
            }
        }
        let mut into = vec![Vec::new(); n];
        let mut out_of = vec![Vec::new(); n];
        for (k, a) in arcs.iter().enumerate() {
            into[a.to as usize].push(k as u32);
            out_of[a.from as usize].push(k as u32);
        }
        let mut a = Assembly {
            role: topo.nodes.iter().map(|x| x.role).collect(),
            cap: topo.nodes.iter().map(|x| x.capacity).collect(),
            demand: topo.nodes.iter().map(|x| x.demand()).collect(),
            needs: topo
                .nodes
                .iter()
                .map(|x| x.needs.values().copied().collect())
                .collect(),
            arcs,
            into,
            out_of,
            canonical: None,
        };
        a.canonical = a.canonical();
        a
    }

    /// Number of topology nodes.
    pub fn node_count(&self) -> usize {
        self.role.len()
    }

    /// The optimum of the program with the nodes marked in `down` out of
    /// service. Pure: depends only on `down`.
    pub fn throughput(&self, down: &[bool], scratch: &mut AssemblyScratch) -> f64 {
        self.solve(down, scratch).0
    }

    /// [`throughput`](Self::throughput) and how it was found.
    ///
    /// After pruning (a program with no sink left is worth 0), the canonical
    /// all-up optimum is copied and the output of every down node is fixed
    /// at 0, in node order, each fix re-optimised by microlp's dual simplex
    /// from the basis before it. The start and the order depend on nothing
    /// but the down-set, so neither does the value. Should a fix fail, the
    /// pruned program is solved from scratch instead (equally pure).
    pub fn solve(&self, down: &[bool], scratch: &mut AssemblyScratch) -> (f64, SolveStats) {
        debug_assert_eq!(down.len(), self.role.len());
        self.prune(down, scratch);
        let n = self.role.len();
        let keep = |v: usize| scratch.producing[v] && scratch.useful[v];
        if !(0..n).any(|v| keep(v) && self.role[v] == Role::Sink) {
            return (0.0, SolveStats::default());
        }
        if let Some((base, x)) = &self.canonical {
            let mut warm = Some(base.clone());
            let mut stats = SolveStats {
                warm: true,
                ..SolveStats::default()
            };
            for v in (0..n).filter(|&v| down[v]) {
                warm = warm
                    .and_then(|s| s.fix_var(x[v], 0.0).ok())
                    .and_then(|o| o.into_solution().ok());
                stats.fixes += 1;
            }
            if let Some(s) = warm {
                return (s.objective().max(0.0), stats);
            }
        }
        self.solve_pruned(scratch)
    }

    /// The program over the nodes `prune` kept, built and solved from scratch.
    fn solve_pruned(&self, scratch: &AssemblyScratch) -> (f64, SolveStats) {
        let keep = |v: usize| scratch.producing[v] && scratch.useful[v];
        let n = self.role.len();
        let mut lp = Problem::new(OptimizationDirection::Maximize);
        let mut stats = SolveStats::default();
        let x: Vec<Option<Variable>> = (0..n)
            .map(|v| {
                keep(v).then(|| {
                    stats.nodes += 1;
                    lp.add_var(0.0, (0.0, self.cap[v]))
                })
            })
            .collect();
        let mut f: Vec<Option<Variable>> = vec![None; self.arcs.len()];
        for (k, a) in self.arcs.iter().enumerate() {
            if keep(a.from as usize) && keep(a.to as usize) {
                f[k] = Some(lp.add_var(0.0, (0.0, a.cap)));
                stats.arcs += 1;
            }
        }
        let mut row: Vec<(Variable, f64)> = Vec::new();
        for (v, xv) in x.iter().enumerate() {
            let Some(xv) = *xv else { continue };
            // Input conditions.
            if self.needs[v].is_empty() {
                if self.role[v] != Role::Source {
                    row.clear();
                    row.push((xv, 1.0));
                    row.extend(
                        self.into[v]
                            .iter()
                            .filter_map(|&k| f[k as usize].map(|fe| (fe, -1.0))),
                    );
                    lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
                }
            } else {
                for (p, &q) in self.needs[v].iter().enumerate() {
                    row.clear();
                    row.push((xv, q));
                    row.extend(self.into[v].iter().filter_map(|&k| {
                        let fe = f[k as usize]?;
                        (self.arcs[k as usize].part == p as u32).then_some((fe, -1.0))
                    }));
                    lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
                }
            }
            // Output: ship and consume at most what is made.
            row.clear();
            row.push((xv, -1.0));
            row.extend(
                self.out_of[v]
                    .iter()
                    .filter_map(|&k| f[k as usize].map(|fe| (fe, 1.0))),
            );
            if self.role[v] == Role::Sink {
                let d = lp.add_var(1.0, (0.0, self.demand[v]));
                row.push((d, 1.0));
            }
            lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
        }
        // x = 0 everywhere is feasible and every variable is bounded by a node
        // capacity, so the program always has a finite optimum.
        let value = match lp.solve() {
            Ok(outcome) => outcome.solution().map_or(0.0, |s| s.objective()),
            Err(_) => 0.0,
        };
        (value.max(0.0), stats)
    }

    /// Per node: an up assembler that can make nothing with these nodes down,
    /// because some part has no producing supplier (a knocked-out sole
    /// source stops its assembler, and what only it feeds).
    pub fn starved(&self, down: &[bool]) -> Vec<bool> {
        let mut s = AssemblyScratch::default();
        self.prune(down, &mut s);
        (0..self.role.len())
            .map(|v| !down[v] && !self.needs[v].is_empty() && !s.producing[v])
            .collect()
    }

    /// The full (unpruned) program with every node up, solved, and the
    /// variable of each node's output.
    fn canonical(&self) -> Option<(Solution, Vec<Variable>)> {
        let n = self.role.len();
        let mut lp = Problem::new(OptimizationDirection::Maximize);
        let x: Vec<Variable> = (0..n)
            .map(|v| lp.add_var(0.0, (0.0, self.cap[v])))
            .collect();
        let f: Vec<Variable> = self
            .arcs
            .iter()
            .map(|a| lp.add_var(0.0, (0.0, a.cap)))
            .collect();
        let mut row: Vec<(Variable, f64)> = Vec::new();
        for (v, &xv) in x.iter().enumerate() {
            if self.needs[v].is_empty() {
                if self.role[v] != Role::Source {
                    row.clear();
                    row.push((xv, 1.0));
                    row.extend(self.into[v].iter().map(|&k| (f[k as usize], -1.0)));
                    lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
                }
            } else {
                for (p, &q) in self.needs[v].iter().enumerate() {
                    row.clear();
                    row.push((xv, q));
                    row.extend(self.into[v].iter().filter_map(|&k| {
                        (self.arcs[k as usize].part == p as u32).then_some((f[k as usize], -1.0))
                    }));
                    lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
                }
            }
            row.clear();
            row.push((xv, -1.0));
            row.extend(self.out_of[v].iter().map(|&k| (f[k as usize], 1.0)));
            if self.role[v] == Role::Sink {
                let d = lp.add_var(1.0, (0.0, self.demand[v]));
                row.push((d, 1.0));
            }
            lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
        }
        let sol = lp.solve().ok()?.into_solution().ok()?;
        Some((sol, x))
    }

    /// Mark in `scratch` the nodes that can produce (`producing`) and those
    /// from which a producing sink is reachable through producing nodes
    /// (`useful`). Every other node has x_v = 0 in every feasible program.
    fn prune(&self, down: &[bool], s: &mut AssemblyScratch) {
        let n = self.role.len();
        s.producing.clear();
        s.producing.resize(n, false);
        s.useful.clear();
        s.useful.resize(n, false);
        s.offset.clear();
        let mut total = 0u32;
        for v in 0..n {
            s.offset.push(total);
            total += self.needs[v].len() as u32;
        }
        s.suppliers.clear();
        s.suppliers.resize(total as usize, 0);
        s.covered.clear();
        s.covered.resize(n, 0);
        s.stack.clear();
        for (v, &d) in down.iter().enumerate() {
            if !d && self.role[v] == Role::Source {
                s.producing[v] = true;
                s.stack.push(v as u32);
            }
        }
        while let Some(u) = s.stack.pop() {
            for &k in &self.out_of[u as usize] {
                let a = self.arcs[k as usize];
                let w = a.to as usize;
                if down[w] || s.producing[w] {
                    continue;
                }
                let parts = self.needs[w].len();
                let now = if parts == 0 {
                    true
                } else {
                    let slot = (s.offset[w] + a.part) as usize;
                    if a.part != u32::MAX && s.suppliers[slot] == 0 {
                        s.covered[w] += 1;
                    }
                    if a.part != u32::MAX {
                        s.suppliers[slot] += 1;
                    }
                    s.covered[w] as usize == parts
                };
                if now {
                    s.producing[w] = true;
                    s.stack.push(w as u32);
                }
            }
        }
        for v in 0..n {
            if s.producing[v] && self.role[v] == Role::Sink {
                s.useful[v] = true;
                s.stack.push(v as u32);
            }
        }
        while let Some(w) = s.stack.pop() {
            for &k in &self.into[w as usize] {
                let u = self.arcs[k as usize].from as usize;
                if s.producing[u] && !s.useful[u] {
                    s.useful[u] = true;
                    s.stack.push(u as u32);
                }
            }
        }
    }
}
