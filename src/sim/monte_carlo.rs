//! Many trials, in parallel, with results independent of the thread count.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::{FlowCache, MetricsAccumulator, Prepared, TopologyRun, TrialMetrics};

/// Per-thread scratch: one run state and one flow cache per topology.
#[derive(Debug)]
pub struct Workspace {
    runs: Vec<TopologyRun>,
    /// Flow caches, one per topology (hit/miss counters are cumulative).
    pub caches: Vec<FlowCache>,
}

impl Workspace {
    /// Scratch for `prep`.
    pub fn new(prep: &Prepared) -> Self {
        let k = prep.topologies.len();
        Workspace {
            runs: (0..k).map(|t| TopologyRun::new(prep, t, 0, 0)).collect(),
            caches: (0..k).map(|_| FlowCache::default()).collect(),
        }
    }
}

/// Run trial `trial` of seed `seed` on every topology (each from the same
/// stream: common random numbers) and return one metrics row per topology.
pub fn run_trial(
    prep: &Prepared,
    seed: u64,
    trial: u64,
    ws: &mut Workspace,
    out: &mut Vec<TrialMetrics>,
) {
    out.clear();
    let level = prep.scenario.service_level;
    for (run, cache) in ws.runs.iter_mut().zip(ws.caches.iter_mut()) {
        run.reset(prep, seed, trial);
        let mut acc = MetricsAccumulator::new(level);
        while let Some(rec) = run.step(prep, cache) {
            acc.push(rec.service);
        }
        out.push(acc.finish());
    }
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
    let k = prep.topologies.len();
    // Chunks keep cancellation prompt; values still come out in trial order.
    const CHUNK: u64 = 4096;
    let mut values = Vec::with_capacity(((range.end - range.start).min(1 << 24) as usize) * k);
    let mut start = range.start;
    while start < range.end {
        if ctl.stop.load(Ordering::Relaxed) {
            return None;
        }
        let end = range.end.min(start.saturating_add(CHUNK));
        let rows: Vec<Vec<TrialMetrics>> = (start..end)
            .into_par_iter()
            .map_init(
                || (Workspace::new(prep), Vec::with_capacity(k)),
                |(ws, out), trial| {
                    if ctl.stop.load(Ordering::Relaxed) {
                        return Vec::new();
                    }
                    run_trial(prep, seed, trial, ws, out);
                    (ctl.on_trial)();
                    out.clone()
                },
            )
            .collect();
        values.extend(rows.into_iter().flatten());
        start = end;
    }
    if ctl.stop.load(Ordering::Relaxed) {
        return None;
    }
    Some(TrialTable {
        first_trial: range.start,
        topologies: k,
        values,
    })
}
