//! The ghost line: the trial on screen replayed without the user's
//! knock-outs and attacks, so φ(t) shows exactly what they cost.
//!
//! Same compiled scenario minus the user's shocks, same seed, same trial
//! index: by the engine's determinism this is the run the user would have
//! watched had they never pressed `k` or `a`.

use std::sync::Arc;

use super::live::LiveTrial;
use super::ranking;
use crate::sim::{FlowCache, Prepared, TopologyRun};

/// The ghost line of the trial on screen.
///
/// Invariant: `line` is `None` while the user has no knock-outs or attacks,
/// and while `pending`: the scenario without them needs a betweenness
/// ranking that is computed in the background (the UI thread never runs
/// Brandes); [`Ghost::refresh`] again once it is done.
#[derive(Debug, Default)]
pub struct Ghost {
    /// φ per topology of every step, without the user's shocks.
    pub line: Option<Vec<Vec<f64>>>,
    /// Waiting for the background ranking.
    pub pending: bool,
}

impl Ghost {
    /// Recompute the line for `live` (after anything that changes the
    /// trial) from `without_user`, the scenario without the user's shocks
    /// (`None` when there are none; an error draws no line). `may_wait`:
    /// leave it pending when it needs a ranking not yet computed.
    pub fn refresh(
        &mut self,
        without_user: Option<anyhow::Result<Arc<Prepared>>>,
        live: &LiveTrial,
        may_wait: bool,
    ) {
        self.pending = false;
        self.line = match without_user {
            None | Some(Err(_)) => None,
            Some(Ok(prep)) => {
                for (p, o) in prep.topologies.iter().zip(&live.prep().topologies) {
                    p.adopt_betweenness(o);
                }
                if ranking::needs(&prep) && may_wait {
                    self.pending = true;
                    None
                } else {
                    Some(history(&prep, live.seed, live.trial))
                }
            }
        };
    }
}

/// φ of every step of trial `trial` of `seed`, per topology.
pub fn history(prep: &Prepared, seed: u64, trial: u64) -> Vec<Vec<f64>> {
    (0..prep.topologies.len())
        .map(|k| {
            let mut run = TopologyRun::new(prep, k, seed, trial);
            let mut cache = FlowCache::default();
            let mut phi = Vec::with_capacity(prep.scenario.steps as usize);
            while let Some(rec) = run.step(prep, &mut cache) {
                phi.push(rec.service);
            }
            phi
        })
        .collect()
}
