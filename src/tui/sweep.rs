//! The attack-tolerance sweep behind `w`: φ and the giant component against
//! the fraction of nodes removed, for every topology and attack.
//!
//! The numbers are [`sweep_scenario`]'s with [`options`] (21 points,
//! [`DEFAULT_RANDOM_ORDERS`] random orders, the app's seed), so the view
//! equals `chainmesh sweep <scenario> --seed <seed>` and the handout's sweep.
//! The sweep depends only on the topologies and the service level, not on
//! failure rates, repairs or shocks, so the sliders and knock-outs leave it
//! alone; a new seed recomputes it the next time the view opens.
//!
//! The real UI computes it on a background thread (a large scenario file
//! could take seconds) and shows "computing…" until it arrives; tests
//! compute it at once.

use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::thread;

use super::worker::McMode;
use crate::scenario::Scenario;
use crate::sweep::{Attack, DEFAULT_RANDOM_ORDERS, SweepOptions, SweepReport, sweep_scenario};

/// Points on each curve, f = 0, 0.05, …, 1.
pub const POINTS: usize = 21;
/// Random removal orders averaged: the default of every front.
pub const TRIALS: u64 = DEFAULT_RANDOM_ORDERS;

/// The sweep the view shows for `seed`.
pub fn options(seed: u64) -> SweepOptions {
    SweepOptions {
        attacks: Attack::ALL.to_vec(),
        points: POINTS,
        trials: TRIALS,
        seed,
        adaptive: false,
    }
}

/// The sweep for one seed: computing, or done.
#[derive(Debug)]
pub struct SweepPanel {
    /// The finished sweep (for [`SweepPanel::seed`]).
    pub report: Option<SweepReport>,
    /// Seed of the sweep shown or being computed; `None` before the first.
    seed: Option<u64>,
    /// The worker's receiving end, while it runs.
    rx: Option<Receiver<SweepReport>>,
    /// On a thread ([`McMode::Thread`]) or at once (any other mode).
    mode: McMode,
}

impl SweepPanel {
    /// Nothing computed yet; `mode` as for the Monte Carlo panel.
    pub fn new(mode: McMode) -> Self {
        SweepPanel {
            report: None,
            seed: None,
            rx: None,
            mode,
        }
    }

    /// Seed of the sweep shown or being computed.
    pub fn seed(&self) -> Option<u64> {
        self.seed
    }

    /// True while a worker is computing.
    pub fn running(&self) -> bool {
        self.rx.is_some()
    }

    /// Make sure the sweep of `scenario` for `seed` is shown or on its way;
    /// does nothing when it already is.
    pub fn ensure(&mut self, scenario: &Scenario, seed: u64) {
        if self.seed == Some(seed) {
            return;
        }
        self.seed = Some(seed);
        self.report = None;
        // A running worker for another seed is dropped: its send fails.
        self.rx = None;
        let opts = options(seed);
        if self.mode != McMode::Thread {
            self.report = Some(sweep_scenario(scenario, &opts));
            return;
        }
        let (tx, rx) = channel();
        let owned = scenario.clone();
        let thread_opts = opts.clone();
        let spawned = thread::Builder::new()
            .name("chainmesh-sweep".into())
            .spawn(move || {
                let _ = tx.send(sweep_scenario(&owned, &thread_opts));
            });
        match spawned {
            Ok(_) => self.rx = Some(rx),
            // No thread to be had: compute here rather than never.
            Err(_) => self.report = Some(sweep_scenario(scenario, &opts)),
        }
    }

    /// Take the sweep if it has arrived; true when something changed.
    pub fn poll(&mut self) -> bool {
        let Some(rx) = &self.rx else {
            return false;
        };
        match rx.try_recv() {
            Ok(report) => {
                self.report = Some(report);
                self.rx = None;
                true
            }
            Err(TryRecvError::Empty) => false,
            Err(TryRecvError::Disconnected) => {
                // The worker died without a result: the next `w` tries again.
                self.rx = None;
                self.seed = None;
                true
            }
        }
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
