//! Maximum flow with node capacities: a compact CSR arena and an iterative
//! Dinic solver that allocates nothing per solve, plus an incremental repair
//! (ISAP with distance labels kept between calls) for exact networks.
//!
//! Vertex layout for a topology of `n` nodes: node `i` is split into
//! `in(i) = 2i` and `out(i) = 2i + 1` joined by an arc of the node's capacity;
//! `S = 2n` is the super-source and `T = 2n + 1` the super-sink. A down node
//! has its split arc's capacity set to zero, so it carries nothing.

use std::collections::VecDeque;
use std::sync::Arc;

use super::assembly::{Assembly, AssemblyScratch};
use crate::scenario::{Role, Topology};

mod detail;
pub use detail::FlowDetail;

/// Residual capacities at or below this are treated as zero (the same line
/// as a zero baseline, [`super::ZERO_BASELINE`]).
const EPS: f64 = super::ZERO_BASELINE;

/// A topology compiled into a flow network (read-only, shareable across threads).
#[derive(Debug, Clone)]
pub struct FlowNetwork {
    nodes: usize,
    /// CSR offsets: arcs of vertex `v` are `first[v]..first[v + 1]`.
    first: Vec<u32>,
    /// Head (target vertex) of each arc.
    head: Vec<u32>,
    /// Original capacity of each arc (0 for reverse arcs).
    pub(crate) cap: Vec<f64>,
    /// Index of each arc's reverse arc.
    pub(crate) rev: Vec<u32>,
    /// Per topology node: index of its `in → out` arc.
    pub(crate) split: Vec<u32>,
    baseline: f64,
    exact: bool,
    /// The assembly program, when some node has `needs`: then it, not the
    /// max flow, gives every throughput.
    assembly: Option<Arc<Assembly>>,
}

/// A set of vertices found by a residual search
/// ([`FlowNetwork::reaching_sink`], [`FlowNetwork::reached_from_source`]);
/// reusable, with no O(V) clear per search.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reach {
    /// A vertex is in the set when `mark[v] == stamp`.
    mark: Vec<u32>,
    stamp: u32,
    queue: Vec<u32>,
}

impl Reach {
    /// An empty set over `vertices` vertices, then `first` in it and queued.
    fn start(&mut self, vertices: usize, first: u32) {
        if self.mark.len() != vertices || self.stamp == u32::MAX {
            self.mark.clear();
            self.mark.resize(vertices, 0);
            self.stamp = 0;
        }
        self.stamp += 1;
        self.queue.clear();
        self.visit(first);
    }

    #[inline]
    fn visit(&mut self, v: u32) {
        if self.mark[v as usize] != self.stamp {
            self.mark[v as usize] = self.stamp;
            self.queue.push(v);
        }
    }

    /// Is `v` in the set of the last search?
    #[inline]
    pub(crate) fn contains(&self, v: usize) -> bool {
        self.mark[v] == self.stamp
    }
}

/// Reusable scratch space for [`FlowNetwork::max_flow`]; one per thread.
#[derive(Debug, Clone, Default)]
pub struct FlowSolver {
    /// Residual capacity of each arc: the flow on a forward arc is its
    /// reverse arc's residual.
    pub(crate) residual: Vec<f64>,
    level: Vec<u32>,
    next_arc: Vec<u32>,
    queue: VecDeque<u32>,
    path: Vec<u32>,
    /// Visit stamps for the searches of [`FlowNetwork::update`]: a vertex is
    /// marked when `mark[v] == stamp`, so a new search needs no O(V) clear.
    mark: Vec<u32>,
    stamp: u32,
    /// Distance labels of [`FlowNetwork::update`]: lower bounds on each
    /// vertex's residual distance to T (`2n + 2` when unreachable).
    label: Vec<u32>,
    /// Number of vertices with each label value.
    count: Vec<u32>,
    /// Whether `label` is valid for `residual` (a fresh solve invalidates it).
    labeled: bool,
    /// Arcs whose residual grew since the labels were last valid.
    raised: Vec<u32>,
    /// Work list for label searches.
    stack: Vec<u32>,
    /// Buffers of the assembly program.
    lp: AssemblyScratch,
}

impl FlowSolver {
    /// Start a search with no vertex marked (amortised O(1)).
    fn new_search(&mut self, vertices: usize) {
        self.mark.resize(vertices, 0);
        self.next_arc.resize(vertices, 0);
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.mark.fill(0);
            self.stamp = 1;
        }
    }
}

const UNSEEN: u32 = u32::MAX;

/// CSR arrays of a residual graph over `vertices` vertices: each forward arc
/// `(tail, head, capacity)` of `arcs` gets a reverse arc of capacity 0.
/// Returns `(first, head, cap, rev, forward)`, `forward[k]` being the index
/// of arc `k` of `arcs`.
#[allow(clippy::type_complexity)]
pub(crate) fn csr(
    vertices: usize,
    arcs: &[(usize, usize, f64)],
) -> (Vec<u32>, Vec<u32>, Vec<f64>, Vec<u32>, Vec<u32>) {
    let mut degree = vec![0u32; vertices + 1];
    for &(u, v, _) in arcs {
        degree[u] += 1;
        degree[v] += 1;
    }
    let mut first = vec![0u32; vertices + 1];
    for v in 0..vertices {
        first[v + 1] = first[v] + degree[v];
    }
    let m = first[vertices] as usize;
    let mut fill = first.clone();
    let mut head = vec![0u32; m];
    let mut cap = vec![0.0; m];
    let mut rev = vec![0u32; m];
    let mut forward = Vec::with_capacity(arcs.len());
    for &(u, v, c) in arcs {
        let a = fill[u];
        fill[u] += 1;
        let b = fill[v];
        fill[v] += 1;
        head[a as usize] = v as u32;
        cap[a as usize] = c;
        rev[a as usize] = b;
        head[b as usize] = u as u32;
        rev[b as usize] = a;
        forward.push(a);
    }
    (first, head, cap, rev, forward)
}

/// The forward arcs of `topo`'s node-split network, in this order per
/// node: its split arc `in → out`, then `S → in` (source) or `out → T`
/// (sink, of its demand); then the links in order, `out(from) → in(to)`
/// (unlimited ones of capacity `unlimited`; a `both_ways` link also the
/// other way). `S = 2n`, `T = 2n + 1`.
pub(crate) fn topology_arcs(topo: &Topology, unlimited: f64) -> Vec<(usize, usize, f64)> {
    let n = topo.nodes.len();
    let (s, t) = (2 * n, 2 * n + 1);
    let mut arcs: Vec<(usize, usize, f64)> = Vec::with_capacity(3 * n + 2 * topo.links.len());
    for (i, node) in topo.nodes.iter().enumerate() {
        arcs.push((2 * i, 2 * i + 1, node.capacity));
        match node.role {
            Role::Source => arcs.push((s, 2 * i, node.capacity)),
            Role::Sink => arcs.push((2 * i + 1, t, node.demand())),
            Role::Relay => {}
        }
    }
    for l in &topo.links {
        let c = if l.capacity.is_finite() {
            l.capacity
        } else {
            unlimited
        };
        arcs.push((2 * l.from + 1, 2 * l.to, c));
        if l.both_ways {
            arcs.push((2 * l.to + 1, 2 * l.from, c));
        }
    }
    arcs
}

/// Per node, the index in [`topology_arcs`] of its split arc.
pub(crate) fn split_arcs(topo: &Topology, forward: &[u32]) -> Vec<u32> {
    let mut split = Vec::with_capacity(topo.nodes.len());
    let mut k = 0;
    for node in &topo.nodes {
        split.push(forward[k]);
        k += if node.role == Role::Relay { 1 } else { 2 };
    }
    split
}

impl FlowNetwork {
    /// Compile `topo`. Unlimited links get a capacity larger than any flow.
    pub fn new(topo: &Topology) -> FlowNetwork {
        let n = topo.nodes.len();
        let total: f64 = topo.nodes.iter().map(|x| x.capacity).sum();
        let arcs = topology_arcs(topo, 2.0 * total + 1.0);
        let (first, head, cap, rev, forward_index) = csr(2 * n + 2, &arcs);
        let split = split_arcs(topo, &forward_index);
        let mut net = FlowNetwork {
            nodes: n,
            first,
            head,
            cap,
            rev,
            split,
            baseline: 0.0,
            exact: false,
            assembly: Assembly::new(topo).map(Arc::new),
        };
        let whole = |c: &f64| c.fract() == 0.0;
        net.exact = net.assembly.is_none()
            && net.cap.iter().all(whole)
            && net.cap.iter().sum::<f64>() < 2f64.powi(50);
        net.baseline = net.max_flow(&vec![false; n], &mut FlowSolver::default());
        net
    }

    /// A network over `vertices` vertices with the forward arcs `arcs`:
    /// [`topology_arcs`] of `topo` first, then any further arcs, possibly
    /// between further vertices (`2n + 2` and up). `S = 2n` stays the
    /// source and the last vertex is the sink [`augment`](Self::augment)
    /// pushes to. Its baseline is `baseline` (not solved); it is never exact
    /// and has no assembly program. Returns it and the index of each arc of
    /// `arcs` (`forward` of [`csr`]), so that a caller can open or close an
    /// arc by setting its entry of `FlowSolver::residual` between calls of
    /// `augment`.
    pub(crate) fn from_arcs(
        topo: &Topology,
        vertices: usize,
        arcs: &[(usize, usize, f64)],
        baseline: f64,
    ) -> (FlowNetwork, Vec<u32>) {
        let (first, head, cap, rev, forward) = csr(vertices, arcs);
        let split = split_arcs(topo, &forward);
        let net = FlowNetwork {
            nodes: topo.nodes.len(),
            first,
            head,
            cap,
            rev,
            split,
            baseline,
            exact: false,
            assembly: None,
        };
        (net, forward)
    }

    /// Number of topology nodes.
    pub fn node_count(&self) -> usize {
        self.nodes
    }

    /// The assembly program, when some node has `needs`.
    pub fn assembly(&self) -> Option<&Assembly> {
        self.assembly.as_deref()
    }

    /// Throughput with every node up (F0).
    pub fn baseline(&self) -> f64 {
        self.baseline
    }

    /// Maximum flow from the super-source to the super-sink when the nodes
    /// with `down[i] == true` carry nothing. Pure: depends only on `down`.
    ///
    /// With assemblers, the optimum of the assembly program instead
    /// ([`Assembly::throughput`]), equally pure.
    pub fn max_flow(&self, down: &[bool], solver: &mut FlowSolver) -> f64 {
        debug_assert_eq!(down.len(), self.nodes);
        if let Some(a) = &self.assembly {
            return a.throughput(down, &mut solver.lp);
        }
        solver.residual.clear();
        solver.residual.extend_from_slice(&self.cap);
        solver.labeled = false;
        solver.raised.clear();
        for (i, &d) in down.iter().enumerate() {
            if d {
                solver.residual[self.split[i] as usize] = 0.0;
            }
        }
        self.augment(solver)
    }

    /// Mark in `reach` every vertex with a residual path (arcs above the
    /// solver's zero line, the same test as [`augment`](Self::augment)'s
    /// searches) to the super-sink, the last vertex.
    pub(crate) fn reaching_sink(&self, residual: &[f64], reach: &mut Reach) {
        let t = (self.first.len() - 2) as u32;
        reach.start(self.first.len() - 1, t);
        while let Some(w) = reach.queue.pop() {
            // An arc u → w is the reverse of an arc w → u.
            for b in self.first[w as usize]..self.first[w as usize + 1] {
                let u = self.head[b as usize];
                if residual[self.rev[b as usize] as usize] > EPS {
                    reach.visit(u);
                }
            }
        }
    }

    /// Mark in `reach` every vertex reachable from the super-source `2n`
    /// along arcs above the zero line without passing through the
    /// super-sink (the last vertex, never marked): where an augmenting path
    /// may go.
    pub(crate) fn reached_from_source(&self, residual: &[f64], reach: &mut Reach) {
        let vertices = self.first.len() - 1;
        let t = (vertices - 1) as u32;
        reach.start(vertices, (2 * self.nodes) as u32);
        while let Some(u) = reach.queue.pop() {
            for a in self.first[u as usize]..self.first[u as usize + 1] {
                let v = self.head[a as usize];
                if v != t && residual[a as usize] > EPS {
                    reach.visit(v);
                }
            }
        }
    }

    /// Run Dinic phases from the flow already in `solver.residual`; returns the flow added.
    pub(crate) fn augment(&self, solver: &mut FlowSolver) -> f64 {
        // S = 2n; the super-sink is the last vertex (T = 2n + 1 here, the
        // last of the extra vertices in a network built by `from_arcs`).
        let vertices = self.first.len() - 1;
        let s = (2 * self.nodes) as u32;
        let t = (vertices - 1) as u32;
        solver.level.resize(vertices, UNSEEN);
        solver.next_arc.resize(vertices, 0);
        let mut flow = 0.0;
        while self.build_levels(s, t, solver) {
            solver.next_arc.copy_from_slice(&self.first[..vertices]);
            flow += self.blocking_flow(s, t, solver);
        }
        flow
    }

    /// True when every capacity is a whole number and all sums stay far below
    /// 2^53: flows are then exact in `f64`, so an incremental update gives
    /// bit-for-bit the value a fresh solve would.
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// Incremental max flow. `solver` must hold the residual network of the
    /// last [`max_flow`](Self::max_flow) or `update` call on this network, for
    /// the down-set `was_down`, whose flow value was `value`. Nodes that
    /// recovered get their capacity back; for nodes that failed, the flow
    /// through them is cancelled back to the super-source and super-sink;
    /// then augmenting resumes from the remaining flow, guided by distance
    /// labels kept in `solver` from call to call (ISAP). Requires
    /// [`is_exact`](Self::is_exact) for results identical to a fresh solve.
    pub fn update(
        &self,
        was_down: &[bool],
        down: &[bool],
        value: f64,
        solver: &mut FlowSolver,
    ) -> f64 {
        if let Some(a) = &self.assembly {
            return a.throughput(down, &mut solver.lp);
        }
        let mut value = value;
        // Only flow-free nodes failed: the old flow is still feasible and, as
        // capacity only went down, still maximum — no search needed.
        let mut search = false;
        for (i, (&before, &now)) in was_down.iter().zip(down).enumerate() {
            if before == now {
                continue;
            }
            let a = self.split[i] as usize;
            if now {
                let through = solver.residual[self.rev[a] as usize];
                solver.residual[a] = 0.0;
                solver.residual[self.rev[a] as usize] = 0.0;
                if through > 0.0 {
                    // Flow on cycles through i closes at out(i); only flow that
                    // came from the super-source counts towards the value.
                    let (tail, head) = (2 * i as u32, 2 * i as u32 + 1);
                    let lost = self.cancel(tail, through, true, head, solver);
                    if lost > 0.0 {
                        self.cancel(head, lost, false, UNSEEN, solver);
                        value -= lost;
                        search = true;
                    }
                }
            } else {
                // A down node carried no flow: its reverse residual is already 0.
                solver.residual[a] = self.cap[a];
                solver.raised.push(a as u32);
                search = true;
            }
        }
        if search {
            let flow = self.reroute(solver);
            // Safety net, normally one search over the small source side:
            // Dinic finishes the job should the labels have missed a path.
            let missed = self.residual_path(solver);
            debug_assert!(!missed, "distance labels missed an augmenting path");
            if missed {
                solver.labeled = false;
                value + flow + self.augment(solver)
            } else {
                value + flow
            }
        } else {
            value
        }
    }

    /// Remove `amount` units of flow on paths between `from` and the super-source
    /// (`backward`) or the super-sink (forward), or between `from` and `stop`,
    /// one simple path at a time. Returns the amount removed on paths that end
    /// at the super-source or super-sink.
    fn cancel(
        &self,
        from: u32,
        mut amount: f64,
        backward: bool,
        stop: u32,
        solver: &mut FlowSolver,
    ) -> f64 {
        let goal = if backward {
            2 * self.nodes as u32
        } else {
            2 * self.nodes as u32 + 1
        };
        let vertices = 2 * self.nodes + 2;
        // Flow on forward arc e is residual[rev e]. Walking backward we follow
        // reverse arcs b (cap 0) with residual[b] > 0 from their tail; walking
        // forward we follow forward arcs b with residual[rev b] > 0.
        let flow_arc = |b: usize, solver: &FlowSolver| -> f64 {
            if backward {
                if self.cap[b] == 0.0 {
                    solver.residual[b]
                } else {
                    0.0
                }
            } else if self.cap[b] > 0.0 {
                solver.residual[self.rev[b] as usize]
            } else {
                0.0
            }
        };
        let mut removed = 0.0;
        while amount > 0.0 {
            solver.new_search(vertices);
            let stamp = solver.stamp;
            solver.path.clear();
            let mut u = from;
            solver.mark[u as usize] = stamp;
            solver.next_arc[u as usize] = self.first[u as usize];
            // Iterative DFS over flow-carrying arcs.
            while u != goal && u != stop {
                let end = self.first[u as usize + 1];
                let mut moved = false;
                while solver.next_arc[u as usize] < end {
                    let b = solver.next_arc[u as usize] as usize;
                    solver.next_arc[u as usize] += 1;
                    let v = self.head[b];
                    if solver.mark[v as usize] != stamp && flow_arc(b, solver) > 0.0 {
                        solver.mark[v as usize] = stamp;
                        solver.next_arc[v as usize] = self.first[v as usize];
                        solver.path.push(b as u32);
                        u = v;
                        moved = true;
                        break;
                    }
                }
                if !moved {
                    match solver.path.pop() {
                        Some(b) => u = self.head[self.rev[b as usize] as usize],
                        // Conservation guarantees a path; stop rather than loop if not.
                        None => return removed,
                    }
                }
            }
            let delta = solver
                .path
                .iter()
                .map(|&b| flow_arc(b as usize, solver))
                .fold(amount, f64::min);
            for &b in &solver.path {
                let b = b as usize;
                let r = self.rev[b] as usize;
                // Undo `delta` of flow on the forward arc this step walked along.
                let grown = if backward {
                    solver.residual[b] -= delta;
                    solver.residual[r] += delta;
                    r
                } else {
                    solver.residual[b] += delta;
                    solver.residual[r] -= delta;
                    b
                };
                solver.raised.push(grown as u32);
            }
            amount -= delta;
            if u == goal {
                removed += delta;
            }
        }
        removed
    }

    /// Make `solver.label` valid for the current residual network: recompute
    /// it if it is stale, else lower labels across the arcs in `solver.raised`
    /// (those whose residual grew) and propagate the decreases backward.
    fn repair_labels(&self, solver: &mut FlowSolver) {
        let vertices = 2 * self.nodes + 2;
        let t = 2 * self.nodes + 1;
        let FlowSolver {
            residual,
            label,
            count,
            raised,
            stack,
            labeled,
            ..
        } = solver;
        stack.clear();
        if !*labeled {
            // Exact distances to T by a backward BFS; unreachable vertices get `vertices`.
            label.clear();
            label.resize(vertices, vertices as u32);
            label[t] = 0;
            stack.push(t as u32);
            let mut k = 0;
            while k < stack.len() {
                let x = stack[k] as usize;
                k += 1;
                let next = label[x] + 1;
                for a in self.first[x] as usize..self.first[x + 1] as usize {
                    let w = self.head[a] as usize;
                    if label[w] == vertices as u32 && residual[self.rev[a] as usize] > EPS {
                        label[w] = next;
                        stack.push(w as u32);
                    }
                }
            }
            count.clear();
            count.resize(vertices + 1, 0);
            for &l in label.iter() {
                count[l as usize] += 1;
            }
            *labeled = true;
        } else {
            for &a in raised.iter() {
                let a = a as usize;
                let u = self.head[self.rev[a] as usize] as usize;
                let lower = label[self.head[a] as usize] + 1;
                if residual[a] > EPS && label[u] > lower {
                    count[label[u] as usize] -= 1;
                    count[lower as usize] += 1;
                    label[u] = lower;
                    stack.push(u as u32);
                }
            }
            while let Some(x) = stack.pop() {
                let x = x as usize;
                let lower = label[x] + 1;
                for a in self.first[x] as usize..self.first[x + 1] as usize {
                    let w = self.head[a] as usize;
                    if label[w] > lower && residual[self.rev[a] as usize] > EPS {
                        count[label[w] as usize] -= 1;
                        count[lower as usize] += 1;
                        label[w] = lower;
                        stack.push(w as u32);
                    }
                }
            }
        }
        raised.clear();
    }

    /// Augment to a maximum flow with ISAP (shortest augmenting paths guided
    /// by the distance labels, relabelling dead ends, stopping at a label gap).
    /// Exact networks only: any maximum flow has the same value.
    fn reroute(&self, solver: &mut FlowSolver) -> f64 {
        self.repair_labels(solver);
        let vertices = 2 * self.nodes + 2;
        let top = vertices as u32;
        let s = 2 * self.nodes;
        let t = s + 1;
        solver.new_search(vertices);
        let stamp = solver.stamp;
        let FlowSolver {
            residual,
            label,
            count,
            next_arc,
            mark,
            path,
            ..
        } = solver;
        let mut flow = 0.0;
        path.clear();
        mark[s] = stamp;
        next_arc[s] = self.first[s];
        let mut u = s;
        while label[s] < top {
            if u == t {
                let bottleneck = path
                    .iter()
                    .map(|&a| residual[a as usize])
                    .fold(f64::INFINITY, f64::min);
                let mut retreat = None;
                for (k, &a) in path.iter().enumerate() {
                    residual[a as usize] -= bottleneck;
                    residual[self.rev[a as usize] as usize] += bottleneck;
                    if retreat.is_none() && residual[a as usize] <= EPS {
                        retreat = Some(k);
                    }
                }
                flow += bottleneck;
                // Resume from the tail of the first saturated arc.
                let k = retreat.unwrap_or(0);
                u = self.head[self.rev[path[k] as usize] as usize] as usize;
                path.truncate(k);
                continue;
            }
            let du = label[u];
            let end = self.first[u + 1] as usize;
            let mut a = next_arc[u] as usize;
            while a < end && !(residual[a] > EPS && label[self.head[a] as usize] + 1 == du) {
                a += 1;
            }
            if a < end {
                next_arc[u] = a as u32;
                let v = self.head[a] as usize;
                if mark[v] != stamp {
                    mark[v] = stamp;
                    next_arc[v] = self.first[v];
                }
                path.push(a as u32);
                u = v;
                continue;
            }
            // No admissible arc: relabel u (labels only rise here) and retreat.
            let begin = self.first[u] as usize;
            let lowest = (begin..end)
                .filter(|&a| residual[a] > EPS)
                .map(|a| label[self.head[a] as usize] + 1)
                .min()
                .unwrap_or(top);
            let new = lowest.max(du + 1).min(top);
            count[du as usize] -= 1;
            count[new as usize] += 1;
            label[u] = new;
            next_arc[u] = begin as u32;
            if count[du as usize] == 0 && label[s] > du {
                // Gap: no vertex is at distance du, so nothing above it reaches T.
                break;
            }
            if let Some(a) = path.pop() {
                u = self.head[self.rev[a as usize] as usize] as usize;
            }
        }
        flow
    }

    /// Whether the residual network has a path from the super-source to the
    /// super-sink (depth-first, stamped marks: no O(V) clear).
    fn residual_path(&self, solver: &mut FlowSolver) -> bool {
        let s = 2 * self.nodes;
        let t = s + 1;
        solver.new_search(s + 2);
        let FlowSolver {
            residual,
            mark,
            stack,
            stamp,
            ..
        } = solver;
        stack.clear();
        stack.push(s as u32);
        mark[s] = *stamp;
        while let Some(u) = stack.pop() {
            let arcs = self.first[u as usize] as usize..self.first[u as usize + 1] as usize;
            for (&v, &r) in self.head[arcs.clone()].iter().zip(&residual[arcs]) {
                let v = v as usize;
                if mark[v] != *stamp && r > EPS {
                    if v == t {
                        return true;
                    }
                    mark[v] = *stamp;
                    stack.push(v as u32);
                }
            }
        }
        false
    }

    /// BFS from `s` over arcs with residual capacity; true if `t` is reached.
    fn build_levels(&self, s: u32, t: u32, solver: &mut FlowSolver) -> bool {
        solver.level.fill(UNSEEN);
        solver.level[s as usize] = 0;
        solver.queue.clear();
        solver.queue.push_back(s);
        while let Some(u) = solver.queue.pop_front() {
            let next = solver.level[u as usize] + 1;
            for a in self.first[u as usize]..self.first[u as usize + 1] {
                let v = self.head[a as usize];
                if solver.level[v as usize] == UNSEEN && solver.residual[a as usize] > EPS {
                    solver.level[v as usize] = next;
                    if v == t {
                        return true;
                    }
                    solver.queue.push_back(v);
                }
            }
        }
        false
    }

    /// Iterative DFS with current-arc pointers; returns the flow pushed.
    fn blocking_flow(&self, s: u32, t: u32, solver: &mut FlowSolver) -> f64 {
        let mut pushed = 0.0;
        solver.path.clear();
        let mut u = s;
        loop {
            if u == t {
                let bottleneck = solver
                    .path
                    .iter()
                    .map(|&a| solver.residual[a as usize])
                    .fold(f64::INFINITY, f64::min);
                let mut retreat = None;
                for (k, &a) in solver.path.iter().enumerate() {
                    solver.residual[a as usize] -= bottleneck;
                    solver.residual[self.rev[a as usize] as usize] += bottleneck;
                    if retreat.is_none() && solver.residual[a as usize] <= EPS {
                        retreat = Some(k);
                    }
                }
                pushed += bottleneck;
                // Resume from the tail of the first saturated arc.
                let k = retreat.unwrap_or(0);
                let a = solver.path[k];
                u = self.head[self.rev[a as usize] as usize];
                solver.path.truncate(k);
                continue;
            }
            let end = self.first[u as usize + 1];
            let mut advanced = false;
            while solver.next_arc[u as usize] < end {
                let a = solver.next_arc[u as usize];
                let v = self.head[a as usize];
                if solver.residual[a as usize] > EPS
                    && solver.level[v as usize] == solver.level[u as usize].wrapping_add(1)
                {
                    solver.path.push(a);
                    u = v;
                    advanced = true;
                    break;
                }
                solver.next_arc[u as usize] += 1;
            }
            if advanced {
                continue;
            }
            // Dead end: remove u from the level graph and step back.
            solver.level[u as usize] = UNSEEN;
            match solver.path.pop() {
                None => return pushed,
                Some(a) => {
                    u = self.head[self.rev[a as usize] as usize];
                    solver.next_arc[u as usize] += 1;
                }
            }
        }
    }

    /// For each topology node: can it reach some sink along directed links?
    pub fn reaches_sink(&self) -> Vec<bool> {
        // Walk backwards from T over arcs with positive original capacity.
        let t = 2 * self.nodes + 1;
        let mut seen = vec![false; 2 * self.nodes + 2];
        let mut stack = vec![t];
        seen[t] = true;
        while let Some(v) = stack.pop() {
            for a in self.first[v]..self.first[v + 1] {
                // Arc a leaves v; its reverse enters v from head[a].
                let r = self.rev[a as usize] as usize;
                let u = self.head[a as usize] as usize;
                if self.cap[r] > 0.0 && !seen[u] {
                    seen[u] = true;
                    stack.push(u);
                }
            }
        }
        (0..self.nodes).map(|i| seen[2 * i + 1]).collect()
    }
}
