//! Engine properties on random scenarios: every step's φ is in [0, 1], equals
//! a fresh max flow of that step's down-set, is 1 when nothing is down, and
//! knocking out one more node never raises the throughput.

mod common;

use chainmesh::network::FlowSolver;
use chainmesh::scenario::Scenario;
use chainmesh::sim::{FlowCache, Prepared, TopologyRun};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    #[test]
    fn every_step_is_a_valid_max_flow(text in common::arb_scenario_text(), seed in 0u64..1000, trial in 0u64..50) {
        let s = Scenario::from_toml("prop.toml", &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let prep = Prepared::new(s).expect("scenario compiles");
        let net = &prep.topologies[0].net;
        let n = net.node_count();
        let mut run = TopologyRun::new(&prep, 0, seed, trial);
        let mut cache = FlowCache::default();
        let mut fresh = FlowSolver::default();
        while let Some(rec) = run.step(&prep, &mut cache) {
            prop_assert!((0.0..=1.0).contains(&rec.service), "φ = {}", rec.service);
            prop_assert!(rec.throughput <= net.baseline());
            let down = run.down_mask().to_vec();
            prop_assert_eq!(rec.down, down.iter().filter(|d| **d).count());
            prop_assert_eq!(rec.throughput, net.max_flow(&down, &mut fresh));
            if rec.down == 0 {
                prop_assert_eq!(rec.service, 1.0);
            }
            for extra in 0..n {
                let mut more = down.clone();
                more[extra] = true;
                prop_assert!(net.max_flow(&more, &mut fresh) <= rec.throughput);
            }
        }
    }

    /// The same (seed, trial) replays the same steps, whatever ran before.
    #[test]
    fn a_trial_replays_identically(text in common::arb_scenario_text(), seed in 0u64..1000) {
        let s = Scenario::from_toml("prop.toml", &text).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let prep = Prepared::new(s).expect("scenario compiles");
        let trace = |run: &mut TopologyRun, cache: &mut FlowCache| {
            let mut v = Vec::new();
            while let Some(r) = run.step(&prep, cache) {
                v.push((r.throughput, run.down_mask().to_vec()));
            }
            v
        };
        let mut cache = FlowCache::default();
        let mut a = TopologyRun::new(&prep, 0, seed, 3);
        let first = trace(&mut a, &mut cache);
        // Reuse the same run state and cache through another trial, then come back.
        a.reset(&prep, seed, 4);
        let _ = trace(&mut a, &mut cache);
        a.reset(&prep, seed, 3);
        prop_assert_eq!(trace(&mut a, &mut cache), first);
    }
}
