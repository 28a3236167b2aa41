//! The price of resilience (`chainmesh price`, docs/model.md section 12):
//! the expected cost of every topology over a grid of risk scales, and the
//! break-even scale at which each becomes cheaper than the first.
//!
//! Risk scale s multiplies the scenario's own risk with the `--scale` rules
//! ([`Scale`]): failure rates × s (capped at 0.99), scripted shocks' node
//! counts, fractions and durations × s; s = 0 means no random failures and
//! no shocks, s = 1 the file as written. Repair times are not scaled.
//!
//! Common random numbers: every scale runs trials `0..trials` of the same
//! seed, and within a trial every topology starts its own copy of the same
//! stream (section 8), so the costs of two topologies at one scale are
//! paired trial by trial, and trial k at two scales starts from the same
//! random numbers (a node's first failure time is ⌊ln U / ln(1 − s·p)⌋ from
//! the same U: it fails earlier at a higher scale).
//!
//! Nothing here knows a terminal: [`price`] returns plain data; the
//! exporters are `report::price`'s.

use crate::compose::scale::Scale;
use crate::scenario::{InputError, Scenario};
use crate::sim::{Prepared, RunControl, WorkspacePool, run_trials_pooled};
use crate::stats::{Distribution, Summary};

/// The default grid: 0, 0.25, …, 3.
pub const DEFAULT_SCALES: [f64; 13] = [
    0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0,
];

/// The largest risk scale (as `--scale`'s largest factor).
pub const MAX_SCALE: f64 = 1000.0;

/// The most scales one grid may hold.
pub const MAX_SCALES: usize = 1000;

/// Why a scenario cannot be priced.
#[derive(Debug, thiserror::Error)]
pub enum PriceError {
    /// Nothing in the scenario costs money.
    #[error(
        "{0:?} has no costs, so there is nothing to price: give its nodes or links a cost, e.g. \
`lost_sale_cost = 50` (money per unit of demand not delivered, sinks only) and `fixed_cost`, \
`unit_cost` or `holding_cost` under [defaults] or on a node, `unit_cost` on a [[topology.link]] \
(docs/model.md, section 1c), or try it without editing the file: \
--set defaults.lost_sale_cost=50 --set defaults.fixed_cost=1"
    )]
    NoCosts(String),
    /// A bad `--scales` list.
    #[error("{0}")]
    Scales(String),
    /// The scaled scenario did not compile (should not happen: scaling keeps it valid).
    #[error("{0}")]
    Input(#[from] InputError),
}

/// What to price.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceOptions {
    /// Risk scales, strictly increasing ([`parse_scales`]).
    pub scales: Vec<f64>,
    /// Trials per scale.
    pub trials: u64,
    /// Seed (the same for every scale: common random numbers).
    pub seed: u64,
}

/// The scenario's risk × `s`: failure rates, shock counts, fractions and
/// durations, hazard strike rates (the `--scale
/// failure_rate=s,shock=s,hazard=s` rules).
pub fn risk_scale(s: f64) -> Scale {
    Scale {
        failure_rate: s,
        repair: 1.0,
        shock: s,
        hazard: s,
    }
}

/// Parse `0,0.5,1,2`: at least one scale, each finite, 0 ≤ s ≤ 1000,
/// strictly increasing, at most [`MAX_SCALES`].
pub fn parse_scales(spec: &str) -> Result<Vec<f64>, PriceError> {
    let mut out: Vec<f64> = Vec::new();
    for item in spec.split(',').map(str::trim) {
        if item.is_empty() {
            return Err(PriceError::Scales(format!(
                "expected a comma list of risk scales such as 0,0.5,1,2, found an empty item in {spec:?}"
            )));
        }
        let s: f64 = item
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && (0.0..=MAX_SCALE).contains(s))
            .ok_or_else(|| {
                PriceError::Scales(format!(
                    "expected a risk scale between 0 and {MAX_SCALE} (1 = the file's own risk), found {item:?}"
                ))
            })?;
        if let Some(&last) = out.last()
            && s <= last
        {
            return Err(PriceError::Scales(format!(
                "expected increasing risk scales, found {item} after {last}"
            )));
        }
        out.push(s);
    }
    if out.len() > MAX_SCALES {
        return Err(PriceError::Scales(format!(
            "expected at most {MAX_SCALES} risk scales, found {}",
            out.len()
        )));
    }
    Ok(out)
}

/// Where a topology becomes cheaper than the first one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BreakEven {
    /// The first topology: the one the others are compared with.
    Reference,
    /// Already cheaper at the first scale of the grid (that scale).
    FirstScale(f64),
    /// First cheaper at a later grid point: the crossing, interpolated
    /// linearly between that point and the one before.
    Interpolated(f64),
    /// Never cheaper on the grid.
    Never,
}

impl BreakEven {
    /// The break-even scale, when there is one.
    pub fn scale(&self) -> Option<f64> {
        match *self {
            BreakEven::FirstScale(s) | BreakEven::Interpolated(s) => Some(s),
            BreakEven::Reference | BreakEven::Never => None,
        }
    }

    /// Was the scale interpolated between two grid points?
    pub fn is_interpolated(&self) -> bool {
        matches!(self, BreakEven::Interpolated(_))
    }
}

/// The first scale where `costs` is strictly below `reference` (both
/// indexed like `scales`): the first scale itself when it is cheaper there,
/// else the zero of the difference d = cost − reference on the straight line
/// between the last grid point with d ≥ 0 and the first with d < 0.
pub fn break_even(scales: &[f64], reference: &[f64], costs: &[f64]) -> BreakEven {
    let d: Vec<f64> = costs.iter().zip(reference).map(|(c, r)| c - r).collect();
    let Some(i) = d.iter().position(|&x| x < 0.0) else {
        return BreakEven::Never;
    };
    if i == 0 {
        return BreakEven::FirstScale(scales[0]);
    }
    let (s0, s1, d0, d1) = (scales[i - 1], scales[i], d[i - 1], d[i]);
    // d0 ≥ 0 > d1, so d0 − d1 > 0 and the fraction lies in [0, 1).
    let f = (d0 / (d0 - d1)).clamp(0.0, 1.0);
    BreakEven::Interpolated(s0 + f * (s1 - s0))
}

/// A topology's cost at one scale compared with the first topology's, trial by trial.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostDiff {
    /// Mean of cost(this) − cost(first) over the trials.
    pub mean: f64,
    /// Half-width of its 95 % confidence interval (paired: one difference per trial).
    pub ci95: f64,
    /// Share of trials in which this topology cost strictly less.
    pub p_cheaper: f64,
}

/// One topology's prices.
#[derive(Debug, Clone, PartialEq)]
pub struct TopologyPrice {
    /// Topology id.
    pub id: String,
    /// Topology label.
    pub label: String,
    /// Baseline throughput F0 (costs are per unit of it).
    pub baseline: f64,
    /// Cost per unit of baseline with every node up and every stock full
    /// (the same at every scale).
    pub cost_calm: f64,
    /// Cost per unit of baseline over a trial, summarised over the trials,
    /// one per scale.
    pub costs: Vec<Summary>,
    /// Per scale, the paired difference with the first topology (`None` for the first).
    pub vs_first: Option<Vec<CostDiff>>,
    /// Where this topology becomes cheaper than the first.
    pub break_even: BreakEven,
}

/// The prices of every topology of a scenario over a grid of risk scales.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceReport {
    /// Scenario name.
    pub name: String,
    /// SHA-256 of the scenario file.
    pub sha256: String,
    /// The money unit of the costs.
    pub currency: String,
    /// Seed of every scale's trials.
    pub seed: u64,
    /// Trials per scale.
    pub trials: u64,
    /// Steps per trial.
    pub steps: u32,
    /// The risk scales, increasing.
    pub scales: Vec<f64>,
    /// Per topology, in scenario order.
    pub topologies: Vec<TopologyPrice>,
}

impl PriceReport {
    /// Index of scale `s` in the grid, if it is there.
    pub fn scale_index(&self, s: f64) -> Option<usize> {
        self.scales.iter().position(|&x| x == s)
    }
}

/// Price `base` at every scale of `opts`: the same trials (seed, indices)
/// at every scale, on the current rayon pool; `ctl.on_trial` runs once per
/// trial per scale. `Ok(None)` when stopped by `ctl.stop`. The numbers do
/// not depend on the thread count.
pub fn price(
    base: &Scenario,
    opts: &PriceOptions,
    ctl: &RunControl<'_>,
) -> Result<Option<PriceReport>, PriceError> {
    if !base.has_costs() {
        return Err(PriceError::NoCosts(base.name.clone()));
    }
    if opts.scales.is_empty() {
        return Err(PriceError::Scales(
            "expected at least one risk scale".into(),
        ));
    }
    let calm_prep = Prepared::new(base.clone())?;
    let k = base.topologies.len();
    let mut costs: Vec<Vec<Summary>> = vec![Vec::with_capacity(opts.scales.len()); k];
    let mut diffs: Vec<Vec<CostDiff>> = vec![Vec::with_capacity(opts.scales.len()); k];
    // One pool for every scale: the scales change only risk, so each
    // topology's flow caches (pure functions of its network) stay warm.
    let pool = WorkspacePool::default();
    for &s in &opts.scales {
        let prep = Prepared::new(risk_scale(s).apply(base))?;
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); k];
        let done = run_trials_pooled(
            &prep,
            opts.seed,
            0..opts.trials,
            ctl,
            &pool,
            &mut |_, rows| {
                for trial in rows.chunks(k.max(1)) {
                    for (t, m) in trial.iter().enumerate() {
                        values[t].push(m.cost.map_or(0.0, |c| c.cost));
                    }
                }
            },
        );
        if !done {
            return Ok(None);
        }
        // The paired differences first: summarising sorts the values.
        for t in 1..k {
            let mut d: Vec<f64> = values[t]
                .iter()
                .zip(&values[0])
                .map(|(c, r)| c - r)
                .collect();
            let n = d.len().max(1) as f64;
            let cheaper = d.iter().filter(|&&x| x < 0.0).count() as f64 / n;
            let (mean, _, ci95) = Distribution::from_values(&mut d).mean_std_ci();
            diffs[t].push(CostDiff {
                mean,
                ci95,
                p_cheaper: cheaper,
            });
        }
        for (summaries, v) in costs.iter_mut().zip(&mut values) {
            summaries.push(Distribution::from_values(v).summary());
        }
    }
    let means = |t: usize| costs[t].iter().map(|c| c.mean).collect::<Vec<f64>>();
    let reference = means(0);
    let topologies = base
        .topologies
        .iter()
        .zip(&calm_prep.topologies)
        .enumerate()
        .map(|(t, (topo, p))| {
            let baseline = p.net.baseline();
            TopologyPrice {
                id: topo.id.clone(),
                label: topo.label.clone(),
                baseline,
                cost_calm: p.calm_cost() / baseline,
                costs: costs[t].clone(),
                vs_first: (t > 0).then(|| diffs[t].clone()),
                break_even: if t == 0 {
                    BreakEven::Reference
                } else {
                    break_even(&opts.scales, &reference, &means(t))
                },
            }
        })
        .collect();
    Ok(Some(PriceReport {
        name: base.name.clone(),
        sha256: base.sha256.clone(),
        currency: base.currency().to_string(),
        seed: opts.seed,
        trials: opts.trials,
        steps: base.steps,
        scales: opts.scales.clone(),
        topologies,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn break_even_interpolates_between_the_grid_points_around_the_crossing() {
        let scales = [0.0, 0.5, 1.0, 1.5];
        let chain = [1.0, 2.0, 3.0, 4.0];
        // 2.5 − chain: +1.5, +0.5, −0.5, −1.5: zero at 0.75.
        let net = [2.5; 4];
        assert_eq!(
            break_even(&scales, &chain, &net),
            BreakEven::Interpolated(0.75)
        );
        assert_eq!(
            break_even(&scales, &chain, &[0.5, 9.0, 9.0, 9.0]),
            BreakEven::FirstScale(0.0)
        );
        assert_eq!(
            break_even(&scales, &chain, &[9.0, 9.0, 9.0, 9.0]),
            BreakEven::Never
        );
        // Equal is not cheaper: the first strictly cheaper point (1.5)
        // decides, and the line from the equal point before it (d = 0 at
        // 1.0) crosses zero there, at 1.0, interpolated.
        assert_eq!(
            break_even(&scales, &chain, &[1.0, 2.0, 3.0, 3.0]),
            BreakEven::Interpolated(1.0)
        );
        // Equal everywhere: never cheaper.
        assert_eq!(break_even(&scales, &chain, &chain), BreakEven::Never);
        // Cheaper, dearer, cheaper again: the first crossing.
        assert_eq!(
            break_even(&[1.0, 2.0], &[1.0, 1.0], &[0.5, 2.0]),
            BreakEven::FirstScale(1.0)
        );
        assert_eq!(BreakEven::Interpolated(0.75).scale(), Some(0.75));
        assert!(BreakEven::Interpolated(0.75).is_interpolated());
        assert!(!BreakEven::FirstScale(0.0).is_interpolated());
        assert_eq!(BreakEven::Never.scale(), None);
        assert_eq!(BreakEven::Reference.scale(), None);
    }

    #[test]
    fn scales_parse_strictly_increasing_within_range() {
        assert_eq!(
            parse_scales("0, 0.5,1,2").expect("valid"),
            vec![0.0, 0.5, 1.0, 2.0]
        );
        for bad in ["", "1,,2", "-1", "nan", "1,1", "2,1", "1001", "x"] {
            assert!(parse_scales(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn risk_scale_zero_removes_failures_and_shocks() {
        let s = risk_scale(0.0);
        assert_eq!((s.failure_rate, s.repair, s.shock), (0.0, 1.0, 0.0));
        assert!(risk_scale(1.0).is_identity());
    }
}
