//! The numbers behind a handout: one seeded Monte Carlo pass that yields both
//! the per-trial metrics (the comparison table) and φ at every step (the
//! time chart), plus the attack-tolerance sweep.

use rayon::prelude::*;

use super::HandoutError;
use crate::sim::{FlowCache, Prepared, TopologyRisk, TopologyRun, TrialMetrics};
use crate::stats::{Distribution, Tally, quantile_sorted};
use crate::sweep::{Attack, DEFAULT_RANDOM_ORDERS, SweepOptions, SweepReport, sweep_scenario};

/// Most per-step φ values kept for the percentile band (trials × steps ×
/// topologies); beyond it the band uses the first trials only.
pub const MAX_STORED_VALUES: usize = 4_000_000;
/// Points on each attack-tolerance curve (f = 0, 0.05, …, 1).
pub const SWEEP_POINTS: usize = 21;
/// Largest topology swept; bigger ones skip the attack-tolerance chart.
pub const MAX_SWEEP_NODES: usize = 5_000;

/// Largest topology whose risk table the handout computes (`risk` runs one
/// deterministic trial per node); bigger ones get a note instead.
pub const MAX_RISK_NODES: usize = 2_000;
/// Rows of each risk table in the handout (highest exposure first).
pub const RISK_ROWS: usize = 10;

/// The risk table of every topology of `prep`'s scenario (`sim::risk`, so
/// the numbers are `chainmesh risk`'s), or per topology why it was skipped.
pub fn risk(prep: &Prepared) -> Vec<Result<TopologyRisk, HandoutError>> {
    let s = &prep.scenario;
    let small: Vec<usize> = (0..s.topologies.len())
        .filter(|&k| s.topologies[k].nodes.len() <= MAX_RISK_NODES)
        .collect();
    let mut tables = match crate::sim::risk(s, &small) {
        Ok(t) => t.into_iter().map(Ok).collect::<Vec<_>>(),
        Err(e) => small
            .iter()
            .map(|_| Err(HandoutError::Input(e.clone())))
            .collect(),
    }
    .into_iter();
    s.topologies
        .iter()
        .map(|t| {
            if t.nodes.len() > MAX_RISK_NODES {
                Err(HandoutError::RiskTooLarge {
                    id: t.id.clone(),
                    nodes: t.nodes.len(),
                })
            } else {
                tables.next().unwrap_or(Err(HandoutError::NoRiskTable))
            }
        })
        .collect()
}

/// φ over time of one topology across trials.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeBand {
    /// Mean φ at each step over all trials.
    pub mean: Vec<f64>,
    /// 5th percentile of φ at each step (over the band's trials).
    pub p5: Vec<f64>,
    /// 95th percentile of φ at each step (over the band's trials).
    pub p95: Vec<f64>,
}

/// Everything the Monte Carlo pass gives for one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Collected {
    /// The per-trial metrics' distributions, identical to a tally of
    /// [`crate::sim::run_trials`].
    pub tally: Tally,
    /// One band per topology, in scenario order.
    pub bands: Vec<TimeBand>,
    /// Trials the percentile band is computed from (the first ones; all
    /// trials unless that would exceed [`MAX_STORED_VALUES`]).
    pub band_trials: u64,
}

impl Collected {
    /// Distribution of per-trial service φ of topology `k`.
    pub fn services(&self, k: usize) -> &Distribution {
        self.tally.topologies[k].service()
    }
}

/// Run trials `0..trials` of `prep` with `seed`, keeping φ per step.
///
/// Trials run in parallel on the current rayon pool and are reduced in trial
/// order, so the result depends only on the inputs.
pub fn collect(prep: &Prepared, seed: u64, trials: u64) -> Collected {
    let k = prep.topologies.len();
    let steps = prep.scenario.steps as usize;
    let per_trial = (k * steps).max(1);
    let band_trials = ((MAX_STORED_VALUES / per_trial).max(1) as u64).min(trials);
    // Chunks bound the transient memory to about a million values.
    let chunk = (1_000_000 / per_trial).clamp(1, 4096) as u64;

    let mut tally = Tally::new(k);
    let mut values: Vec<TrialMetrics> = Vec::with_capacity(chunk as usize * k);
    let mut sums = vec![0.0; per_trial];
    let mut stored: Vec<f64> = Vec::with_capacity(band_trials as usize * per_trial);
    let mut start = 0;
    while start < trials {
        let end = trials.min(start.saturating_add(chunk));
        let rows: Vec<(Vec<TrialMetrics>, Vec<f64>)> = (start..end)
            .into_par_iter()
            .map_init(
                || {
                    let runs: Vec<TopologyRun> =
                        (0..k).map(|t| TopologyRun::new(prep, t, 0, 0)).collect();
                    let caches: Vec<FlowCache> = (0..k).map(|_| FlowCache::default()).collect();
                    (runs, caches)
                },
                |(runs, caches), trial| {
                    let mut metrics = Vec::with_capacity(k);
                    let mut phi = vec![0.0; per_trial];
                    for (t, (run, cache)) in runs.iter_mut().zip(caches.iter_mut()).enumerate() {
                        run.reset(prep, seed, trial);
                        let mut acc = crate::sim::accumulator(prep, t);
                        let mut s = 0;
                        while let Some(rec) = run.step(prep, cache) {
                            acc.push_step(&rec);
                            if s < steps {
                                phi[t * steps + s] = rec.service;
                            }
                            s += 1;
                        }
                        metrics.push(acc.finish());
                    }
                    (metrics, phi)
                },
            )
            .collect();
        values.clear();
        for (trial, (metrics, phi)) in (start..end).zip(rows) {
            values.extend(metrics);
            for (sum, x) in sums.iter_mut().zip(&phi) {
                *sum += x;
            }
            if trial < band_trials {
                stored.extend(phi);
            }
        }
        tally.add_rows(&values);
        start = end;
    }

    let n = trials.max(1) as f64;
    let bands = (0..k)
        .map(|t| {
            let mut band = TimeBand {
                mean: Vec::with_capacity(steps),
                p5: Vec::with_capacity(steps),
                p95: Vec::with_capacity(steps),
            };
            let mut column = Vec::with_capacity(band_trials as usize);
            for s in 0..steps {
                let at = t * steps + s;
                band.mean.push(sums[at] / n);
                column.clear();
                column.extend(stored.iter().skip(at).step_by(per_trial));
                column.sort_by(f64::total_cmp);
                band.p5.push(quantile_sorted(&column, 0.05));
                band.p95.push(quantile_sorted(&column, 0.95));
            }
            band
        })
        .collect();
    Collected {
        tally,
        bands,
        band_trials,
    }
}

/// The attack-tolerance sweep of the handout, or why it was skipped.
pub fn sweep(prep: &Prepared, seed: u64) -> Result<SweepReport, HandoutError> {
    let s = &prep.scenario;
    if let Some(big) = s
        .topologies
        .iter()
        .find(|t| t.nodes.len() > MAX_SWEEP_NODES)
    {
        return Err(HandoutError::SweepTooLarge {
            id: big.id.clone(),
            nodes: big.nodes.len(),
        });
    }
    Ok(sweep_scenario(
        s,
        &SweepOptions {
            attacks: Attack::ALL.to_vec(),
            points: SWEEP_POINTS,
            trials: DEFAULT_RANDOM_ORDERS,
            seed,
            adaptive: false,
        },
    ))
}

/// Trials per risk scale of the handout's price chart, at most (the
/// default grid runs 13 scales: `chainmesh price` gives more).
pub const MAX_PRICE_TRIALS: u64 = 1_000;

/// The price of resilience over the default grid of risk scales
/// (`chainmesh price`'s numbers for min(trials, [`MAX_PRICE_TRIALS`])
/// trials), for a scenario with costs; `None` for one without.
pub fn price(
    scenario: &crate::scenario::Scenario,
    seed: u64,
    trials: u64,
) -> Result<Option<crate::price::PriceReport>, HandoutError> {
    if !scenario.has_costs() {
        return Ok(None);
    }
    let never = std::sync::atomic::AtomicBool::new(false);
    let ctl = crate::sim::RunControl {
        on_trial: &|| {},
        stop: &never,
    };
    let opts = crate::price::PriceOptions {
        scales: crate::price::DEFAULT_SCALES.to_vec(),
        trials: trials.min(MAX_PRICE_TRIALS),
        seed,
    };
    match crate::price::price(scenario, &opts, &ctl) {
        Ok(report) => Ok(report),
        Err(crate::price::PriceError::Input(e)) => Err(HandoutError::Input(e)),
        // Checked above: the scenario has costs and the grid is not empty.
        Err(e) => Err(HandoutError::Price(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Scenario, builtin};
    use crate::sim::run_trials;

    fn prepared(name: &str) -> Prepared {
        let b = builtin::find(name).expect("built-in");
        Prepared::new(Scenario::from_toml(b.name, b.text).expect("valid"))
            .expect("scenario compiles")
    }

    #[test]
    fn table_matches_run_trials() {
        let prep = prepared("agriculture");
        let got = collect(&prep, 7, 30);
        assert_eq!(got.tally, Tally::of(&run_trials(&prep, 7, 0..30)));
        assert_eq!(got.band_trials, 30);
    }

    #[test]
    fn band_brackets_the_mean_and_mean_matches_service() {
        let prep = prepared("agriculture");
        let got = collect(&prep, 3, 25);
        for (k, band) in got.bands.iter().enumerate() {
            assert_eq!(band.mean.len(), prep.scenario.steps as usize);
            for s in 0..band.mean.len() {
                assert!(band.p5[s] <= band.p95[s]);
                assert!((0.0..=1.0).contains(&band.mean[s]));
            }
            // Mean over steps of the mean curve = mean per-trial service.
            let curve = band.mean.iter().sum::<f64>() / band.mean.len() as f64;
            let service = got.services(k).mean_std_ci().0;
            assert!((curve - service).abs() < 1e-9, "{curve} vs {service}");
        }
    }

    /// Why a sweep or risk table was skipped is a typed error whose text is
    /// the sentence the handout has always shown.
    #[test]
    fn skipped_parts_keep_their_words() {
        assert_eq!(
            HandoutError::SweepTooLarge {
                id: "big".into(),
                nodes: 6000
            }
            .to_string(),
            "topology `big` has 6000 nodes (the handout sweeps at most 5000; use `chainmesh sweep`)"
        );
        assert_eq!(
            HandoutError::RiskTooLarge {
                id: "big".into(),
                nodes: 3000
            }
            .to_string(),
            "topology `big` has 3000 nodes (the handout computes risk for at most 2000; use `chainmesh risk`)"
        );
        assert_eq!(HandoutError::NoRiskTable.to_string(), "no risk table");
        let prep = prepared("agriculture");
        assert!(risk(&prep).iter().all(Result::is_ok));
        assert!(sweep(&prep, 1).is_ok());
    }
}
