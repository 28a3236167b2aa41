//! The ghost line: the trial on screen replayed without the user's
//! knock-outs and attacks, so φ(t) shows exactly what they cost.
//!
//! Same compiled scenario minus the user's shocks, same seed, same trial
//! index: by the engine's determinism this is the run the user would have
//! watched had they never pressed `k` or `a`.

use crate::sim::{FlowCache, Prepared, TopologyRun};

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
