//! The Monte Carlo panel's background worker.
//!
//! A `std::thread` runs the scenario's trials for the watched seed in chunks
//! with [`run_trials`] and sends each chunk over an mpsc channel; the UI
//! drains the channel without blocking. Chunks arrive in trial order, so the
//! concatenated table, and its summary, equal what `chainmesh run` computes.
//! Restarting (new seed or parameters) raises the old worker's cancel flag
//! and drops its receiver; it stops after its current chunk.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::thread;

use crate::sim::{Prepared, TrialTable, run_trials};
use crate::stats::{TableSummary, summarize};

/// Trials per chunk sent to the UI.
pub const CHUNK: u64 = 50;

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
    /// Trials received so far, in trial order.
    pub table: TrialTable,
    /// Summary of `table` (recomputed when a chunk arrives).
    pub summary: Option<TableSummary>,
    /// The worker's receiving end, while it runs.
    rx: Option<Receiver<TrialTable>>,
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
            table: empty(topologies),
            summary: None,
            rx: None,
            cancel: None,
            mode,
        }
    }

    /// Trials received so far.
    pub fn done(&self) -> u64 {
        self.table.trials() as u64
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
        self.table = empty(prep.topologies.len());
        self.summary = None;
        match self.mode {
            McMode::Off => {}
            McMode::Inline => {
                self.table = run_trials(&prep, seed, 0..total);
                self.summary = Some(summarize(&self.table));
            }
            McMode::Thread => {
                let (tx, rx) = channel();
                let cancel = Arc::new(AtomicBool::new(false));
                let flag = Arc::clone(&cancel);
                let spawned = thread::Builder::new()
                    .name("chainmesh-monte-carlo".into())
                    .spawn(move || {
                        let mut start = 0;
                        while start < total && !flag.load(Ordering::Relaxed) {
                            let end = (start + CHUNK).min(total);
                            let chunk = run_trials(&prep, seed, start..end);
                            if tx.send(chunk).is_err() {
                                return;
                            }
                            start = end;
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
        loop {
            match rx.try_recv() {
                Ok(chunk) => {
                    self.table.values.extend(chunk.values);
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
            self.summary = Some(summarize(&self.table));
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

fn empty(topologies: usize) -> TrialTable {
    TrialTable {
        first_trial: 0,
        topologies,
        values: Vec::new(),
    }
}
