//! The Monte Carlo panel's background worker.
//!
//! A `std::thread` runs the scenario's trials for the watched seed in chunks
//! with [`run_trials`], reduces each chunk to a [`Tally`] (the bounded
//! tallies `chainmesh run` keeps: memory grows with the distinct metric
//! values, not with trials) and sends it over a bounded channel; the UI
//! drains the channel without blocking and merges. Chunks arrive in trial
//! order, so the merged tally, and its summary, equal what `chainmesh run`
//! computes. No trial's row is kept, so `trials = 9223372036854775807`
//! runs in constant memory (for integer capacities; see the README on
//! fractional ones). Restarting (new seed or parameters) raises the old
//! worker's cancel flag and drops its receiver; it stops after its current
//! chunk.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, TrySendError, sync_channel};
use std::thread;

use crate::sim::{Prepared, run_trials};
use crate::stats::{TableSummary, Tally};

/// Trials per chunk sent to the UI.
pub const CHUNK: u64 = 50;

/// Tallies that may wait in the channel; beyond that the worker merges
/// further chunks into one pending tally (so a UI that draws slowly never
/// lets them pile up, and never slows the worker down).
const QUEUED: usize = 16;

/// Most chunks merged per [`MonteCarlo::poll`] (the summary is
/// recomputed once per poll, so a frame stays short).
const MERGES_PER_POLL: usize = 64;

/// How the Monte Carlo trials are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum McMode {
    /// On a background thread (the real UI).
    Thread,
    /// Synchronously, at once (deterministic tests and snapshots).
    Inline,
    /// Not at all (fast unit tests).
    Off,
}

/// The Monte Carlo results received so far for one seed and scenario.
#[derive(Debug)]
pub struct MonteCarlo {
    /// Bumped at every restart.
    pub generation: u64,
    /// Trials requested.
    pub total: u64,
    /// Tallies of the trials received so far (`0..tally.trials`, in order).
    pub tally: Tally,
    /// Summary of `tally` (recomputed when chunks arrive).
    pub summary: Option<TableSummary>,
    /// Baseline F0 of each topology (for the lost units of the summary).
    baselines: Vec<f64>,
    /// The worker's receiving end, while it runs.
    rx: Option<Receiver<Tally>>,
    /// The worker's cancel flag.
    cancel: Option<Arc<AtomicBool>>,
    mode: McMode,
}

impl MonteCarlo {
    /// No results yet.
    pub fn new(mode: McMode, topologies: usize) -> Self {
        MonteCarlo {
            generation: 0,
            total: 0,
            tally: Tally::new(topologies),
            summary: None,
            baselines: Vec::new(),
            rx: None,
            cancel: None,
            mode,
        }
    }

    /// Trials received so far.
    pub fn done(&self) -> u64 {
        self.tally.trials
    }

    /// Distinct values held over every distribution: the worker state's
    /// size, which depends on the metrics' values, never on the trial count.
    pub fn held_values(&self) -> usize {
        self.tally
            .topologies
            .iter()
            .flat_map(|t| t.distributions())
            .map(crate::stats::Distribution::distinct)
            .sum()
    }

    /// True while a worker is computing.
    pub fn running(&self) -> bool {
        self.rx.is_some()
    }

    /// Drop the current results and compute trials `0..total` of `seed`.
    pub fn restart(&mut self, prep: Arc<Prepared>, seed: u64, total: u64) {
        self.stop();
        self.generation += 1;
        self.total = total;
        self.tally = Tally::new(prep.topologies.len());
        self.summary = None;
        self.baselines = prep.baselines();
        match self.mode {
            McMode::Off => {}
            McMode::Inline => {
                // Chunk by chunk too: the same bounded state as the thread.
                let mut start = 0;
                while start < total {
                    let end = (start + CHUNK).min(total);
                    self.tally
                        .merge(&Tally::of(&run_trials(&prep, seed, start..end)));
                    start = end;
                }
                self.summary = Some(self.tally.summary(&self.baselines));
            }
            McMode::Thread => {
                let (tx, rx) = sync_channel(QUEUED);
                let cancel = Arc::new(AtomicBool::new(false));
                let flag = Arc::clone(&cancel);
                let spawned = thread::Builder::new()
                    .name("chainmesh-monte-carlo".into())
                    .spawn(move || {
                        // Trials not yet handed over, merged in order: while
                        // the channel is full (the UI draws slowly) chunks
                        // pile up here as one tally, never as rows, and the
                        // worker never waits for the UI.
                        let mut pending: Option<Tally> = None;
                        let mut start = 0;
                        while start < total && !flag.load(Ordering::Relaxed) {
                            let end = (start + CHUNK).min(total);
                            let chunk = Tally::of(&run_trials(&prep, seed, start..end));
                            let next = match pending.take() {
                                Some(mut p) => {
                                    p.merge(&chunk);
                                    p
                                }
                                None => chunk,
                            };
                            match tx.try_send(next) {
                                Ok(()) => {}
                                Err(TrySendError::Full(back)) => pending = Some(back),
                                Err(TrySendError::Disconnected(_)) => return,
                            }
                            start = end;
                        }
                        if let Some(p) = pending {
                            let _ = tx.send(p);
                        }
                    });
                if spawned.is_ok() {
                    self.rx = Some(rx);
                    self.cancel = Some(cancel);
                }
            }
        }
    }

    /// Ask a running worker to stop (it finishes its current chunk, unseen).
    pub fn stop(&mut self) {
        if let Some(c) = self.cancel.take() {
            c.store(true, Ordering::Relaxed);
        }
        self.rx = None;
    }

    /// Take every chunk that has arrived; true when something changed.
    pub fn poll(&mut self) -> bool {
        let Some(rx) = &self.rx else {
            return false;
        };
        let mut changed = false;
        for _ in 0..MERGES_PER_POLL {
            match rx.try_recv() {
                Ok(chunk) => {
                    self.tally.merge(&chunk);
                    changed = true;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.rx = None;
                    self.cancel = None;
                    changed = true;
                    break;
                }
            }
        }
        if changed {
            self.summary = Some(self.tally.summary(&self.baselines));
        }
        changed
    }

    /// Block until the worker is done (tests only; the UI never waits).
    pub fn wait(&mut self) {
        while self.running() {
            if !self.poll() {
                thread::sleep(std::time::Duration::from_millis(5));
            }
        }
    }
}

impl Drop for MonteCarlo {
    fn drop(&mut self) {
        self.stop();
    }
}
