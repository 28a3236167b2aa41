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
//! topology is compiled), and forces to 0 only the *frontier*: the down
//! nodes that would produce were they up (a failed node behind a failed node
//! is starved anyway). Programs of at most 64 nodes fix the frontier one node
//! at a time in node order, each fix re-optimised by microlp's dual simplex
//! (a [`PrefixCache`] lets a later frontier resume part-way along the same
//! sequence); larger programs add ONE row `Σ_{v in frontier} x_v ≤ 0` and
//! re-optimise once. Should that fail, the pruned program is built in node
//! and arc order and solved from scratch. The frontier and the path depend
//! only on the producing set, itself a function of the down-set, and no path
//! looks at earlier calls except through cached results that are bit for bit
//! what a fresh call computes, so memoising values, thread counts and trial
//! order never change a result (the trap a warm start from the previous
//! step's basis held by a thread would fall into: its round-off would
//! depend on which trials that thread ran before).
//!
//! Arcs alone in their head's input condition are merged (no variable: their
//! flow is q · x_head; see `Assembly::build`), which leaves a network of
//! single-sourced parts one row per node. A trial stepping a program of more
//! than 64 nodes uses [`Assembly::throughput_warm`] instead: it starts from
//! that trial's own previous optimum ([`WarmStart`], held by the trial's run,
//! never by a thread), so the value is the same optimum and its round-off
//! depends only on the trial's own sequence of down-sets.
//!
//! For display only (the TUI), [`Assembly::split`] reads one split of the
//! optimum back over nodes and arcs, and its bottleneck (`split.rs`); the
//! engine never calls it.

mod split;
pub use split::{AssemblySplit, BOTTLENECK_MAX_NODES, SPLIT_MAX_NODES};

use microlp::{ComparisonOp, OptimizationDirection, Problem, Solution, Variable};

use crate::scenario::{Role, Topology};

/// Programs of at most this many nodes fix their frontier one node at a time
/// (which [`PrefixCache`] can resume); larger ones add one row for it.
const SEQUENTIAL_MAX_NODES: usize = 64;
/// Longest frontier prefix whose solution [`PrefixCache`] keeps.
const PREFIX_MAX_LEN: usize = 4;
/// Memory budget of a [`PrefixCache`], in units of program size (nodes +
/// arcs): it keeps at most `PREFIX_BUDGET / size` solutions (at most 256),
/// about 15 MiB for the 21-node `manufacturing` network.
const PREFIX_BUDGET: usize = 16_384;

/// Solutions of one small program with a short prefix of a frontier fixed
/// at 0 (keyed by the mask of the fixed nodes), so that a frontier sharing
/// that prefix resumes there instead of at the canonical optimum. A solution
/// stored is exactly the one the whole sequence of fixes reaches, so a hit
/// or a miss never changes a value, only the time. One per topology and
/// thread (it checks which program it holds and clears itself otherwise).
#[derive(Debug, Default)]
pub struct PrefixCache {
    /// Fingerprint of the program the solutions belong to.
    owner: Option<(usize, usize, u64)>,
    map: std::collections::HashMap<u64, Solution>,
}

impl PrefixCache {
    /// Make sure the cache holds solutions of `a` (clear it if not).
    fn own(&mut self, a: &Assembly) {
        let id = (
            a.role.len(),
            a.arcs.len(),
            a.canonical
                .as_ref()
                .map_or(0, |(s, _)| s.objective().to_bits()),
        );
        if self.owner != Some(id) {
            self.map.clear();
            self.owner = Some(id);
        }
    }
}

/// The optimum one run reached at its last solved step and the frontier
/// fixed in it, so that its next step starts there ([`Assembly::throughput_warm`]).
///
/// It belongs to one run (one topology of one trial: created with it, dropped by `reset`), never
/// to a thread or a cache, so the path of edits — and with it the round-off —
/// depends only on that run's own sequence of down-sets: on the scenario,
/// the seed and the trial index.
#[derive(Debug, Clone, Default)]
pub struct WarmStart {
    held: Option<(Solution, Vec<u32>)>,
}

impl WarmStart {
    /// How many frontier nodes the held optimum has fixed at 0, or `None`
    /// when it holds none (the next step starts from the canonical optimum).
    pub fn held_fixes(&self) -> Option<usize> {
        self.held.as_ref().map(|(_, f)| f.len())
    }
}

/// A topology with at least one assembler, compiled for its program.
///
/// The data of the program (roles, capacities, demands, needs, arcs) is
/// readable in the crate, for programs built elsewhere from the same data.
#[derive(Debug, Clone)]
pub struct Assembly {
    pub(crate) role: Vec<Role>,
    pub(crate) cap: Vec<f64>,
    /// Per node: the bound of x_v in [`Assembly::build`]'s program, its
    /// capacity and those of its merged input arcs (capacity / quantity).
    xcap: Vec<f64>,
    /// Per node: most a sink consumes per step (its demand; unused elsewhere).
    pub(crate) demand: Vec<f64>,
    /// Per node: units of each of its parts per unit of output (parts in name
    /// order); empty for a pool.
    pub(crate) needs: Vec<Vec<f64>>,
    /// Directed arcs in link order (a `both_ways` link gives two).
    pub(crate) arcs: Vec<Arc>,
    /// Arcs into / out of each node, in arc order.
    pub(crate) into: Vec<Vec<u32>>,
    pub(crate) out_of: Vec<Vec<u32>>,
    /// The whole program with every node up, solved once at prepare time:
    /// its optimal basis is where every step's solve starts, and the
    /// variable of each node's output. `None` if that solve failed (then
    /// every step is solved from scratch).
    canonical: Option<(Solution, Vec<Variable>)>,
    /// The program's unit: every bound is multiplied by this power of two
    /// (exact in `f64`) before solving and every optimum divided by it (see
    /// [`unit_scale`]); 1 for programs whose bounds are all ≥ 1.
    scale: f64,
}

/// `sol` with the outputs `x[v]` of the nodes `f` forced to 0: one node by
/// `fix_var`, several by ONE added row `Σ x_v ≤ 0` (with x ≥ 0 it forces
/// each to 0), so microlp's dual simplex re-optimises once. `None` if the
/// edit fails.
pub(crate) fn force_to_zero(sol: &Solution, x: &[Variable], f: &[u32]) -> Option<Solution> {
    let edited = match f {
        [] => return Some(sol.clone()),
        [v] => sol.clone().fix_var(x[*v as usize], 0.0),
        _ => sol.clone().add_constraint(
            f.iter().map(|&v| (x[v as usize], 1.0)),
            ComparisonOp::Le,
            0.0,
        ),
    };
    edited.ok()?.into_solution().ok()
}

/// Smallest bound, in the solver's units, of a rescaled program: microlp
/// holds every row and bound to an *absolute* 1e-7, so a program whose
/// quantities are tiny is solved in units 2^k smaller (`k` ≥ 0), which moves
/// its quantities far above that tolerance and changes nothing else (the
/// program is homogeneous in its bounds, and a power of two scales exactly).
const SCALED_LOW: f64 = 1024.0;
/// Largest bound, in the solver's units, a rescaled program may reach
/// (microlp treats bounds 1e30 apart as unbounded).
const SCALED_HIGH: f64 = (1u64 << 60) as f64;

/// The power of two that [`Assembly`] multiplies the bounds `bounds` by:
/// 1 when the smallest is at least 1 (the unscaled solve is exact there, and
/// such programs keep their bits), else the least 2^k lifting it to
/// [`SCALED_LOW`], capped so the largest stays within [`SCALED_HIGH`].
fn unit_scale(bounds: impl Iterator<Item = f64>) -> f64 {
    let (lo, hi) = bounds
        .filter(|b| b.is_finite() && *b > 0.0)
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), b| {
            (lo.min(b), hi.max(b))
        });
    if lo >= 1.0 {
        return 1.0;
    }
    let mut scale = 1.0;
    while lo * scale < SCALED_LOW && hi * scale * 2.0 <= SCALED_HIGH && scale < 1e300 {
        scale *= 2.0;
    }
    scale
}

/// A directed arc of the program (one direction of a link).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arc {
    from: u32,
    to: u32,
    /// `f64::INFINITY` when unlimited.
    pub(crate) cap: f64,
    /// For an arc into an assembler: the index of the part it supplies.
    pub(crate) part: u32,
    /// The arc is the only one of its head's input condition (the sole
    /// supplier of a part, or a pool's only input): its flow is then
    /// `merged` × x_head (see [`Assembly::build`]); 0 when it is not.
    merged: f64,
}

/// The objective of a program built by [`Assembly::build_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// Maximise Σ d_v, what the sinks use: the throughput (every engine solve).
    Throughput,
    /// Minimise Σ x_v + Σ f_e, the units made plus the units shipped (a
    /// merged arc counted as its q · x_head): the second stage of the
    /// display split ([`Assembly::split`]).
    Traffic,
}

/// Bounds of a program other than the topology's own (unscaled): the
/// bottleneck test of [`Assembly::split`] widens some of them.
#[derive(Debug, Clone)]
struct Bounds {
    /// Per node: its capacity.
    node: Vec<f64>,
    /// Per arc: its capacity (`f64::INFINITY` when unlimited).
    arc: Vec<f64>,
    /// Per node: most a sink uses per step.
    demand: Vec<f64>,
}

/// The variables of a program: each kept node's output, each unmerged
/// arc's flow between kept nodes, each kept sink's use.
#[derive(Debug, Clone)]
struct Vars {
    x: Vec<Option<Variable>>,
    f: Vec<Option<Variable>>,
    d: Vec<Option<Variable>>,
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
    /// Down nodes whose output must be fixed at 0 (see `Assembly::frontier`).
    pub(crate) frontier: Vec<u32>,
}

/// How the program of one step was solved (for tests and the bench).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SolveStats {
    /// Warm-started from the canonical all-up optimum.
    pub warm: bool,
    /// Frontier nodes forced to 0 on the warm path (by one `fix_var`, or by
    /// one added row when there are several).
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
                merged: 0.0,
            });
            if l.both_ways {
                arcs.push(Arc {
                    from: l.to as u32,
                    to: l.from as u32,
                    cap: l.capacity,
                    part: part_of(l.to, l.from),
                    merged: 0.0,
                });
            }
        }
        let mut into = vec![Vec::new(); n];
        let mut out_of = vec![Vec::new(); n];
        for (k, a) in arcs.iter().enumerate() {
            into[a.to as usize].push(k as u32);
            out_of[a.from as usize].push(k as u32);
        }
        let needs: Vec<Vec<f64>> = topo
            .nodes
            .iter()
            .map(|x| x.needs.values().copied().collect())
            .collect();
        let role: Vec<Role> = topo.nodes.iter().map(|x| x.role).collect();
        let cap: Vec<f64> = topo.nodes.iter().map(|x| x.capacity).collect();
        let mut xcap = cap.clone();
        // Merge every arc that is alone in its head's input condition: at an
        // optimum its flow can be lowered to exactly what the head uses
        // (q · x_head) without changing anything else, so it needs no
        // variable and the condition no row; its capacity bounds x_head.
        for v in 0..n {
            let conditions: Vec<(u32, f64)> = if needs[v].is_empty() {
                if role[v] == Role::Source {
                    Vec::new()
                } else {
                    vec![(u32::MAX, 1.0)]
                }
            } else {
                needs[v]
                    .iter()
                    .enumerate()
                    .map(|(p, &q)| (p as u32, q))
                    .collect()
            };
            for (part, q) in conditions {
                let mut alone = into[v]
                    .iter()
                    .filter(|&&k| needs[v].is_empty() || arcs[k as usize].part == part);
                if let (Some(&k), None) = (alone.next(), alone.next()) {
                    let a = &mut arcs[k as usize];
                    if a.from as usize != v {
                        a.merged = q;
                        xcap[v] = xcap[v].min(a.cap / q);
                    }
                }
            }
        }
        let mut a = Assembly {
            role,
            cap,
            xcap,
            demand: topo.nodes.iter().map(|x| x.demand()).collect(),
            needs,
            arcs,
            into,
            out_of,
            canonical: None,
            scale: 1.0,
        };
        a.scale = unit_scale(
            a.xcap
                .iter()
                .chain(a.arcs.iter().map(|e| &e.cap))
                .copied()
                .chain(
                    (0..n)
                        .filter(|&v| a.role[v] == Role::Sink)
                        .map(|v| a.demand[v]),
                ),
        );
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
    /// all-up optimum is copied and the outputs of the *frontier* are forced
    /// to 0: the nodes outside the producing set that would produce given it
    /// (see [`frontier`](Self::frontier)). One frontier node is fixed with
    /// `fix_var`; several get ONE added row `Σ x_v ≤ 0` (with `x ≥ 0` it
    /// forces each to 0), so microlp's dual simplex re-optimises once. The
    /// start, the frontier and its order depend only on the producing set,
    /// itself a function of the down-set, so neither does the value. Should
    /// the edit fail, the pruned program is solved from scratch instead
    /// (equally pure).
    pub fn solve(&self, down: &[bool], scratch: &mut AssemblyScratch) -> (f64, SolveStats) {
        debug_assert_eq!(down.len(), self.role.len());
        self.prune(down, scratch);
        self.solve_pruned_set(scratch, None)
    }

    /// [`throughput`](Self::throughput) for programs over
    /// 64 nodes (`SEQUENTIAL_MAX_NODES`) stepped by one run, starting from that
    /// run's previous optimum instead of the canonical one: the frontier
    /// nodes no longer in the frontier are released (`unfix_var`) and the new
    /// ones fixed at 0 (`fix_var`), each re-optimised by microlp. A step
    /// changes a few nodes, so this takes a few pivots where the canonical
    /// start re-optimises every down node's cone. The optimum is the same
    /// program's (the frontier is a function of the down-set); only its
    /// round-off depends on the path, which is the run's own (see
    /// [`WarmStart`]). Smaller programs, a failed edit or a missing canonical
    /// solution take the pure path.
    pub fn throughput_warm(
        &self,
        down: &[bool],
        scratch: &mut AssemblyScratch,
        warm: &mut WarmStart,
    ) -> f64 {
        let n = self.role.len();
        let Some((base, x)) = self.canonical.as_ref().filter(|_| n > SEQUENTIAL_MAX_NODES) else {
            return self.throughput(down, scratch);
        };
        self.prune(down, scratch);
        let keep = |v: usize| scratch.producing[v] && scratch.useful[v];
        if !(0..n).any(|v| keep(v) && self.role[v] == Role::Sink) {
            return 0.0;
        }
        self.frontier(scratch);
        let (mut sol, held) = warm
            .held
            .take()
            .unwrap_or_else(|| (base.clone(), Vec::new()));
        let next = &scratch.frontier;
        let edits = || {
            // Both lists are in node order: walk them together.
            let (mut i, mut j) = (0, 0);
            let mut out = Vec::new();
            while i < held.len() || j < next.len() {
                match (held.get(i), next.get(j)) {
                    (Some(a), Some(b)) if a == b => (i, j) = (i + 1, j + 1),
                    (Some(&a), Some(&b)) if a < b => {
                        out.push((a, false));
                        i += 1;
                    }
                    (Some(&a), None) => {
                        out.push((a, false));
                        i += 1;
                    }
                    (_, Some(&b)) => {
                        out.push((b, true));
                        j += 1;
                    }
                    (None, None) => unreachable!(),
                }
            }
            out
        };
        let mut edits = edits();
        // Fix the new frontier first (the dual simplex keeps optimality),
        // then release the old one.
        edits.sort_by_key(|&(v, fix)| (!fix, v));
        for (v, fix) in edits {
            let x = x[v as usize];
            let next = if fix {
                sol.fix_var(x, 0.0)
                    .ok()
                    .and_then(|o| o.into_solution().ok())
            } else {
                sol.unfix_var(x)
                    .ok()
                    .and_then(|(o, _)| o.into_solution().ok())
            };
            match next {
                Some(s) => sol = s,
                None => return self.solve_pruned(scratch).0,
            }
        }
        let value = (sol.objective() / self.scale).max(0.0);
        warm.held = Some((sol, scratch.frontier.clone()));
        value
    }

    /// Prune for `down` and return the producing set as a bit mask (bit v
    /// for node v): the value of [`solve_pruned_set`](Self::solve_pruned_set)
    /// that follows depends on nothing else, so the mask is a memo key that
    /// merges down-sets of equal value (a failed node behind another failed
    /// node changes nothing). Requires at most 64 nodes.
    pub fn producing_key(&self, down: &[bool], scratch: &mut AssemblyScratch) -> u64 {
        debug_assert!(self.role.len() <= 64);
        self.prune(down, scratch);
        scratch
            .producing
            .iter()
            .enumerate()
            .filter(|(_, p)| **p)
            .fold(0u64, |key, (v, _)| key | 1 << v)
    }

    /// The optimum for the producing set the last prune left in `scratch`
    /// ([`solve`](Self::solve) without the prune). Pure in that set.
    ///
    /// `prefixes` (small programs only; see [`PrefixCache`]) may hold
    /// solutions of earlier calls part-way along the same sequence of fixes;
    /// resuming from one gives bit for bit what the whole sequence gives.
    pub fn solve_pruned_set(
        &self,
        scratch: &mut AssemblyScratch,
        prefixes: Option<&mut PrefixCache>,
    ) -> (f64, SolveStats) {
        let n = self.role.len();
        let keep = |v: usize| scratch.producing[v] && scratch.useful[v];
        if !(0..n).any(|v| keep(v) && self.role[v] == Role::Sink) {
            return (0.0, SolveStats::default());
        }
        if let Some((base, x)) = &self.canonical {
            self.frontier(scratch);
            let f = &scratch.frontier;
            let stats = SolveStats {
                warm: true,
                fixes: f.len(),
                ..SolveStats::default()
            };
            let edited = match f.as_slice() {
                [] => Some(base.objective()),
                _ if n <= SEQUENTIAL_MAX_NODES => self.fix_in_order(base, x, f, prefixes),
                _ => force_to_zero(base, x, f).map(|s| s.objective()),
            };
            if let Some(value) = edited {
                return ((value / self.scale).max(0.0), stats);
            }
        }
        self.solve_pruned(scratch)
    }

    /// The canonical optimum with the frontier `f` fixed at 0 one node at a
    /// time, in node order, resuming from the longest prefix `prefixes`
    /// holds and storing the short prefixes passed on the way.
    fn fix_in_order(
        &self,
        base: &Solution,
        x: &[Variable],
        f: &[u32],
        mut prefixes: Option<&mut PrefixCache>,
    ) -> Option<f64> {
        let mut mask = vec![0u64; f.len() + 1];
        for (j, &v) in f.iter().enumerate() {
            mask[j + 1] = mask[j] | 1 << v;
        }
        let mut start = 0;
        let mut sol = None;
        if let Some(c) = prefixes.as_deref_mut() {
            c.own(self);
            for j in (1..f.len().min(PREFIX_MAX_LEN + 1)).rev() {
                if let Some(s) = c.map.get(&mask[j]) {
                    sol = Some(s.clone());
                    start = j;
                    break;
                }
            }
        }
        let mut s = sol.unwrap_or_else(|| base.clone());
        for j in start..f.len() {
            s = s
                .fix_var(x[f[j] as usize], 0.0)
                .ok()?
                .into_solution()
                .ok()?;
            if let Some(c) = prefixes.as_deref_mut()
                && j + 1 < f.len()
                && j < PREFIX_MAX_LEN
                && c.map.len() < self.prefix_capacity()
            {
                c.map.insert(mask[j + 1], s.clone());
            }
        }
        Some(s.objective())
    }

    /// Most solutions a [`PrefixCache`] keeps for this program; once full it
    /// keeps what it has (the short, frequent prefixes come first).
    fn prefix_capacity(&self) -> usize {
        (PREFIX_BUDGET / (self.role.len() + self.arcs.len()).max(1)).min(256)
    }

    /// Fill `scratch.frontier`, in node order, with the nodes outside the
    /// producing set P that would produce given P: sources, pools with an
    /// input from P, assemblers with a supplier in P for every part. They
    /// are down (an up one would be in P). Fixing only them at 0 leaves the
    /// same producing set P as fixing every down node (by induction along
    /// the propagation of `prune`, every node it reaches has its inputs in
    /// P), and every other node outside P has zero net output in every
    /// feasible program (no source, no cycle through an assembler), so the
    /// optimum is the same.
    pub(crate) fn frontier(&self, s: &mut AssemblyScratch) {
        s.frontier.clear();
        for v in 0..self.role.len() {
            if s.producing[v] {
                continue;
            }
            let produces = if self.role[v] == Role::Source {
                true
            } else if self.needs[v].is_empty() {
                self.into[v]
                    .iter()
                    .any(|&k| s.producing[self.arcs[k as usize].from as usize])
            } else {
                (0..self.needs[v].len() as u32).all(|p| {
                    self.into[v].iter().any(|&k| {
                        let a = self.arcs[k as usize];
                        a.part == p && s.producing[a.from as usize]
                    })
                })
            };
            if produces {
                s.frontier.push(v as u32);
            }
        }
    }

    /// The pruned program built and solved from scratch, never warm-started
    /// (what the warm path is checked against).
    pub fn solve_fresh(&self, down: &[bool], scratch: &mut AssemblyScratch) -> f64 {
        self.prune(down, scratch);
        let n = self.role.len();
        let keep = |v: usize| scratch.producing[v] && scratch.useful[v];
        if !(0..n).any(|v| keep(v) && self.role[v] == Role::Sink) {
            return 0.0;
        }
        self.solve_pruned(scratch).0
    }

    /// The program over the nodes `prune` kept, built and solved from scratch.
    fn solve_pruned(&self, scratch: &AssemblyScratch) -> (f64, SolveStats) {
        let keep = |v: usize| scratch.producing[v] && scratch.useful[v];
        let mut stats = SolveStats::default();
        let (lp, _) = self.build(keep, &mut stats);
        // x = 0 everywhere is feasible and every variable is bounded by a node
        // capacity, so the program always has a finite optimum.
        let value = match lp.solve() {
            Ok(outcome) => outcome.solution().map_or(0.0, |s| s.objective()),
            Err(_) => 0.0,
        };
        ((value / self.scale).max(0.0), stats)
    }

    /// The program over the nodes `keep` marks, and the variable of each
    /// kept node's output (in node order, then arcs in arc order, then rows
    /// node by node, so the same `keep` always gives the same program).
    ///
    /// A *merged* arc (the only one of its head's input condition) has no
    /// variable: its flow is `merged` · x_head, written into its tail's
    /// output row, its head's condition has no row, and its capacity bounds
    /// x_head (`xcap`). This is the same optimum: any feasible point of the
    /// full program stays feasible with such a flow lowered to what the head
    /// uses (its tail only ships less), and every point of this program is
    /// one of the full program with f = merged · x_head. A network whose
    /// parts are all single-sourced (`generate --needs`) loses all its arc
    /// variables and keeps one row per node.
    fn build(
        &self,
        keep: impl Fn(usize) -> bool,
        stats: &mut SolveStats,
    ) -> (Problem, Vec<Option<Variable>>) {
        let (lp, vars) = self.build_with(keep, Goal::Throughput, None, stats);
        (lp, vars.x)
    }

    /// [`build`](Self::build) with a choice of objective and, optionally,
    /// other bounds (`bounds`, unscaled; `None`: the topology's own). The
    /// rows, and the order of variables and rows, are the same for every
    /// goal; [`Goal::Throughput`] with `None` is the engine's program, bit
    /// for bit. Returns the variables of outputs, arcs and sinks' use.
    fn build_with(
        &self,
        keep: impl Fn(usize) -> bool,
        goal: Goal,
        bounds: Option<&Bounds>,
        stats: &mut SolveStats,
    ) -> (Problem, Vars) {
        let n = self.role.len();
        let traffic = goal == Goal::Traffic;
        let mut lp = Problem::new(if traffic {
            OptimizationDirection::Minimize
        } else {
            OptimizationDirection::Maximize
        });
        let x: Vec<Option<Variable>> = (0..n)
            .map(|v| {
                keep(v).then(|| {
                    stats.nodes += 1;
                    let xcap = bounds.map_or(self.xcap[v], |b| self.xcap_of(v, b));
                    let cost = if traffic {
                        // Its output, and what its merged input arcs carry.
                        1.0 + self.into[v]
                            .iter()
                            .map(|&k| self.arcs[k as usize])
                            .filter(|a| a.merged != 0.0 && keep(a.from as usize))
                            .map(|a| a.merged)
                            .sum::<f64>()
                    } else {
                        0.0
                    };
                    lp.add_var(cost, (0.0, xcap * self.scale))
                })
            })
            .collect();
        let mut f: Vec<Option<Variable>> = vec![None; self.arcs.len()];
        for (k, a) in self.arcs.iter().enumerate() {
            if a.merged == 0.0 && keep(a.from as usize) && keep(a.to as usize) {
                let cap = bounds.map_or(a.cap, |b| b.arc[k]);
                f[k] = Some(lp.add_var(if traffic { 1.0 } else { 0.0 }, (0.0, cap * self.scale)));
                stats.arcs += 1;
            }
        }
        let mut d: Vec<Option<Variable>> = vec![None; n];
        // The flow of arc k: its variable, or merged · x_head.
        let flow = |k: u32| -> Option<(Variable, f64)> {
            let a = self.arcs[k as usize];
            if a.merged == 0.0 {
                f[k as usize].map(|fe| (fe, 1.0))
            } else if keep(a.from as usize) {
                x[a.to as usize].map(|xv| (xv, a.merged))
            } else {
                None
            }
        };
        let mut row: Vec<(Variable, f64)> = Vec::new();
        for (v, xv) in x.iter().enumerate() {
            let Some(xv) = *xv else { continue };
            // Input conditions (none for a merged one).
            let merged = |part: u32| {
                self.into[v].iter().any(|&k| {
                    let a = self.arcs[k as usize];
                    a.merged != 0.0 && (self.needs[v].is_empty() || a.part == part)
                })
            };
            if self.needs[v].is_empty() {
                if self.role[v] != Role::Source && !merged(u32::MAX) {
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
                    if merged(p as u32) {
                        continue;
                    }
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
            row.extend(self.out_of[v].iter().filter_map(|&k| flow(k)));
            if self.role[v] == Role::Sink {
                let demand = bounds.map_or(self.demand[v], |b| b.demand[v]);
                let dv = lp.add_var(if traffic { 0.0 } else { 1.0 }, (0.0, demand * self.scale));
                d[v] = Some(dv);
                row.push((dv, 1.0));
            }
            lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
        }
        (lp, Vars { x, f, d })
    }

    /// The bound of x_v in a program with bounds `b`: the node's capacity
    /// and those of its merged input arcs (capacity / quantity), as `xcap`
    /// is for the topology's own bounds.
    fn xcap_of(&self, v: usize, b: &Bounds) -> f64 {
        self.into[v]
            .iter()
            .map(|&k| (k as usize, self.arcs[k as usize]))
            .filter(|(_, a)| a.merged != 0.0)
            .fold(b.node[v], |c, (k, a)| c.min(b.arc[k] / a.merged))
    }

    /// Per node: an up assembler that can make nothing with these nodes down,
    /// because some part has no producing supplier (a knocked-out sole
    /// source stops its assembler, and what only it feeds).
    pub fn starved(&self, down: &[bool]) -> Vec<bool> {
        let producing = self.producing(down);
        (0..self.role.len())
            .map(|v| !down[v] && !self.needs[v].is_empty() && !producing[v])
            .collect()
    }

    /// Per node: can it produce with the nodes of `down` out of service (up,
    /// and every part — or, for a pool, some input — reaches it from a
    /// producing supplier)? A node that cannot has x_v = 0 in every
    /// feasible program.
    pub fn producing(&self, down: &[bool]) -> Vec<bool> {
        let mut s = AssemblyScratch::default();
        self.prune(down, &mut s);
        s.producing
    }

    /// The full (unpruned) program with every node up, solved, and the
    /// variable of each node's output.
    fn canonical(&self) -> Option<(Solution, Vec<Variable>)> {
        let (lp, x) = self.build(|_| true, &mut SolveStats::default());
        let sol = lp.solve().ok()?.into_solution().ok()?;
        Some((sol, x.into_iter().flatten().collect()))
    }

    /// Mark in `scratch` the nodes that can produce (`producing`) and those
    /// from which a producing sink is reachable through producing nodes
    /// (`useful`). Every other node has x_v = 0 in every feasible program.
    pub(crate) fn prune(&self, down: &[bool], s: &mut AssemblyScratch) {
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
