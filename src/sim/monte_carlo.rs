//! Many trials, in parallel, with results independent of the thread count.

use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::{FlowCache, MetricsAccumulator, Prepared, TopologyRun, TrialMetrics};
use crate::scenario::Topology;

/// Per-thread scratch: one run state and one flow cache per topology.
#[derive(Debug, Default)]
pub struct Workspace {
    runs: Vec<TopologyRun>,
    /// Flow caches, one per topology (hit/miss counters are cumulative).
    pub caches: Vec<FlowCache>,
    /// Per topology: the topology its caches were built for.
    built_for: Vec<Topology>,
}

/// Do `a` and `b` compile to the same network (everything but the failure
/// rates and repairs equal)? Every value a flow cache holds is a pure
/// function of the network and the down-set, so two [`Prepared`] of one
/// scenario that differ only in risk (`chainmesh price`'s scales) may share
/// caches.
fn same_network(a: &Topology, b: &Topology) -> bool {
    a.links == b.links
        && a.nodes.len() == b.nodes.len()
        && a.nodes.iter().zip(&b.nodes).all(|(x, y)| {
            let mut x = x.clone();
            x.failure_rate = y.failure_rate;
            x.repair = y.repair;
            x == *y
        })
}

impl Workspace {
    /// Scratch for `prep`.
    pub fn new(prep: &Prepared) -> Self {
        let k = prep.topologies.len();
        Workspace {
            runs: (0..k).map(|t| TopologyRun::new(prep, t, 0, 0)).collect(),
            caches: (0..k).map(|_| FlowCache::default()).collect(),
            built_for: prep
                .topologies
                .iter()
                .map(|p| p.topology().clone())
                .collect(),
        }
    }

    /// Make this workspace (built for some scenario) ready for `prep`:
    /// fresh run states always, and the caches of a topology kept only if
    /// it has the same network (else emptied).
    fn rebind(&mut self, prep: &Prepared) {
        let k = prep.topologies.len();
        self.runs = (0..k).map(|t| TopologyRun::new(prep, t, 0, 0)).collect();
        self.caches.truncate(k);
        self.built_for.truncate(k);
        for (t, p) in prep.topologies.iter().enumerate() {
            match self.built_for.get(t) {
                Some(was) if same_network(was, p.topology()) => {}
                Some(_) => {
                    self.caches[t] = FlowCache::default();
                    self.built_for[t] = p.topology().clone();
                }
                None => {
                    self.caches.push(FlowCache::default());
                    self.built_for.push(p.topology().clone());
                }
            }
        }
    }
}

/// Workspaces kept between runs of trials, so that flow caches stay warm
/// (see [`run_trials_pooled`]).
#[derive(Debug, Default)]
pub struct WorkspacePool(Mutex<Vec<Workspace>>);

/// Run trial `trial` of seed `seed` on every topology (each from the same
/// stream: common random numbers) and return one metrics row per topology.
pub fn run_trial(
    prep: &Prepared,
    seed: u64,
    trial: u64,
    ws: &mut Workspace,
    out: &mut Vec<TrialMetrics>,
) {
    let never = AtomicBool::new(false);
    run_trial_stoppable(prep, seed, trial, ws, out, &never);
}

/// A fresh accumulator of topology `k`'s per-trial metrics, with every
/// optional group its scenario carries (stock, hazards, costs): the one
/// place that decides which metrics a trial records.
pub fn accumulator(prep: &Prepared, k: usize) -> MetricsAccumulator {
    let s = &prep.scenario;
    let p = &prep.topologies[k];
    MetricsAccumulator::new(s.service_level)
        .with_stock(s.has_stock())
        .with_hazards(s.has_hazards())
        .with_cost(s.has_costs(), p.calm_cost(), p.net.baseline())
}

/// Steps between two looks at the stop flag inside a trial: one relaxed
/// atomic load per 16 max-flow steps costs nothing measurable, and even a
/// 4,000-node trial stops within a fraction of a second.
pub const STOP_CHECK_STEPS: u32 = 16;

/// [`run_trial`] that gives up (returns `false`, `out` incomplete) when
/// `stop` is set, looking every [`STOP_CHECK_STEPS`] steps. A trial that
/// completes is bit-identical to [`run_trial`]'s.
pub fn run_trial_stoppable(
    prep: &Prepared,
    seed: u64,
    trial: u64,
    ws: &mut Workspace,
    out: &mut Vec<TrialMetrics>,
    stop: &AtomicBool,
) -> bool {
    out.clear();
    for (k, (run, cache)) in ws.runs.iter_mut().zip(ws.caches.iter_mut()).enumerate() {
        run.reset(prep, seed, trial);
        let mut acc = accumulator(prep, k);
        let mut steps = 0u32;
        while let Some(rec) = run.step(prep, cache) {
            acc.push_step(&rec);
            steps = steps.wrapping_add(1);
            if steps.is_multiple_of(STOP_CHECK_STEPS) && stop.load(Ordering::Relaxed) {
                return false;
            }
        }
        out.push(acc.finish());
    }
    true
}

/// Per-trial metrics of a range of trials, trial-major: row `i` of topology
/// `k` is `values[i * topologies + k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialTable {
    /// The first trial index.
    pub first_trial: u64,
    /// Number of topologies per trial.
    pub topologies: usize,
    /// Metrics, trial-major.
    pub values: Vec<TrialMetrics>,
}

impl TrialTable {
    /// Number of trials held.
    pub fn trials(&self) -> usize {
        self.values.len().checked_div(self.topologies).unwrap_or(0)
    }

    /// Metrics of topology `k` in every trial, in trial order.
    pub fn column(&self, k: usize) -> impl Iterator<Item = &TrialMetrics> + '_ {
        self.values.iter().skip(k).step_by(self.topologies.max(1))
    }
}

/// Hooks for long runs.
pub struct RunControl<'a> {
    /// Called once per finished trial (from worker threads).
    pub on_trial: &'a (dyn Fn() + Sync),
    /// When set, remaining trials are skipped and the run returns `None`.
    pub stop: &'a AtomicBool,
}

/// Run trials `range` of seed `seed` on the current rayon pool. The values
/// are identical for any number of threads: each trial's stream depends only
/// on (seed, trial) and results are collected in trial order.
pub fn run_trials(prep: &Prepared, seed: u64, range: Range<u64>) -> TrialTable {
    let stop = AtomicBool::new(false);
    let ctl = RunControl {
        on_trial: &|| {},
        stop: &stop,
    };
    match run_trials_controlled(prep, seed, range.clone(), &ctl) {
        Some(t) => t,
        None => TrialTable {
            first_trial: range.start,
            topologies: prep.topologies.len(),
            values: Vec::new(),
        },
    }
}

/// [`run_trials`] with progress reporting and cancellation; `None` if stopped.
pub fn run_trials_controlled(
    prep: &Prepared,
    seed: u64,
    range: Range<u64>,
    ctl: &RunControl<'_>,
) -> Option<TrialTable> {
    let mut values = Vec::new();
    run_trials_streaming(prep, seed, range.clone(), ctl, &mut |_, rows| {
        values.extend_from_slice(rows);
    })
    .then(|| TrialTable {
        first_trial: range.start,
        topologies: prep.topologies.len().max(1),
        values,
    })
}

/// Trials per chunk handed to the sink of [`run_trials_streaming`].
pub const CHUNK_TRIALS: u64 = 1 << 16;

/// Run trials `range` and hand their metrics to `sink` chunk by chunk, in
/// trial order: `sink(first_trial, rows)` with `rows` trial-major (one row
/// per topology per trial, at most [`CHUNK_TRIALS`] trials). Memory stays
/// bounded by one chunk whatever the trial count. Returns `false` if stopped
/// (the sink then has seen only a prefix of the trials).
pub fn run_trials_streaming(
    prep: &Prepared,
    seed: u64,
    range: Range<u64>,
    ctl: &RunControl<'_>,
    sink: &mut dyn FnMut(u64, &[TrialMetrics]),
) -> bool {
    run_trials_pooled(prep, seed, range, ctl, &WorkspacePool::default(), sink)
}

/// [`run_trials_streaming`] with workspaces taken from (and returned to)
/// `pool`, which may have served other scenarios before: a topology keeps
/// its warm caches when its network is the one they were built for (the
/// risk scales of `chainmesh price`) and starts cold otherwise. Caches only
/// change the speed, so the numbers are those of a fresh pool.
pub fn run_trials_pooled(
    prep: &Prepared,
    seed: u64,
    range: Range<u64>,
    ctl: &RunControl<'_>,
    pool: &WorkspacePool,
    sink: &mut dyn FnMut(u64, &[TrialMetrics]),
) -> bool {
    let k = prep.topologies.len().max(1);
    // Inside a chunk each block of trials runs on one thread with one
    // workspace, taken from a pool so flow memos stay warm across chunks.
    // Values land in trial order whatever the scheduling, so the block size
    // changes only the speed: at most 64 trials, and at least 8 blocks per
    // thread so that a few slow trials (200 trials of a 2,000-node network)
    // still spread evenly over the threads.
    let threads = rayon::current_num_threads().max(1);
    let block_for = |trials: usize| (trials / (8 * threads)).clamp(1, 64);
    let pool = &pool.0;
    let blank = TrialMetrics {
        service: 0.0,
        nadir: 0.0,
        below: 0.0,
        recovery: 0.0,
        collapse: 0.0,
        stock: None,
        cost: None,
        hazard_hits: None,
    };
    let mut values: Vec<TrialMetrics> = Vec::new();
    let mut start = range.start;
    while start < range.end {
        if ctl.stop.load(Ordering::Relaxed) {
            return false;
        }
        let end = range.end.min(start.saturating_add(CHUNK_TRIALS));
        values.clear();
        values.resize((end - start) as usize * k, blank);
        let block_trials = block_for((end - start) as usize);
        values
            .par_chunks_mut(block_trials * k)
            .enumerate()
            .for_each_init(
                || Pooled::take(pool, prep),
                |p, (block, slots)| {
                    let first = start + (block * block_trials) as u64;
                    for (i, row) in slots.chunks_mut(k).enumerate() {
                        if ctl.stop.load(Ordering::Relaxed) {
                            return;
                        }
                        if !run_trial_stoppable(
                            prep,
                            seed,
                            first + i as u64,
                            &mut p.ws,
                            &mut p.out,
                            ctl.stop,
                        ) {
                            return;
                        }
                        row.copy_from_slice(&p.out);
                        (ctl.on_trial)();
                    }
                },
            );
        if ctl.stop.load(Ordering::Relaxed) {
            return false;
        }
        sink(start, &values);
        start = end;
    }
    true
}

/// A workspace borrowed from a pool for one rayon job; returned on drop.
struct Pooled<'a> {
    ws: Workspace,
    out: Vec<TrialMetrics>,
    pool: &'a Mutex<Vec<Workspace>>,
}

impl<'a> Pooled<'a> {
    fn take(pool: &'a Mutex<Vec<Workspace>>, prep: &Prepared) -> Self {
        let ws = match pool.lock().ok().and_then(|mut p| p.pop()) {
            Some(mut ws) => {
                ws.rebind(prep);
                ws
            }
            None => Workspace::new(prep),
        };
        Pooled {
            ws,
            out: Vec::with_capacity(prep.topologies.len()),
            pool,
        }
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Ok(mut pool) = self.pool.lock() {
            pool.push(std::mem::take(&mut self.ws));
        }
    }
}
