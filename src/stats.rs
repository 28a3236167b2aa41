//! Summaries of per-trial metrics. Every reduction runs in trial order, so
//! the numbers are the same bytes whatever the thread count.

use serde::Serialize;

use crate::sim::{METRIC_NAMES, TrialMetrics, TrialTable};

/// z for a two-sided 95% normal confidence interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Distribution summary of one metric over the trials.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (n - 1); 0 for one trial.
    pub std: f64,
    /// Half-width of the 95% confidence interval of the mean (normal approximation).
    pub ci95: f64,
    /// 5th percentile (linear interpolation between order statistics).
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Summary {
    /// Summarise `values` (in trial order). Empty input gives all zeros.
    pub fn of(values: &[f64]) -> Summary {
        let (mean, std, ci95) = mean_std_ci(values);
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Summary {
            mean,
            std,
            ci95,
            p5: quantile_sorted(&sorted, 0.05),
            p50: quantile_sorted(&sorted, 0.5),
            p95: quantile_sorted(&sorted, 0.95),
        }
    }
}

/// Mean, sample standard deviation and 95% CI half-width, summed in order.
pub fn mean_std_ci(values: &[f64]) -> (f64, f64, f64) {
    let n = values.len();
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return (mean, 0.0, 0.0);
    }
    let var = values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    let std = var.sqrt();
    (mean, std, Z95 * std / (n as f64).sqrt())
}

/// Quantile `q` of sorted data, linear interpolation (Hyndman–Fan type 7,
/// numpy's default).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// The five metric summaries of one topology.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSummaries {
    /// Mean service φ per trial.
    pub service: Summary,
    /// Lowest φ per trial.
    pub nadir: Summary,
    /// Fraction of steps below the service level.
    pub below: Summary,
    /// Mean length of runs below the service level.
    pub recovery: Summary,
    /// Share of trials that hit zero throughput.
    pub collapse: Summary,
}

impl MetricSummaries {
    /// The summaries with their names, in [`METRIC_NAMES`] order.
    pub fn named(&self) -> [(&'static str, &Summary); 5] {
        [
            (METRIC_NAMES[0], &self.service),
            (METRIC_NAMES[1], &self.nadir),
            (METRIC_NAMES[2], &self.below),
            (METRIC_NAMES[3], &self.recovery),
            (METRIC_NAMES[4], &self.collapse),
        ]
    }
}

/// A topology compared with the first (reference) topology, trial by trial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairedComparison {
    /// service(this) − service(first), paired by trial.
    pub service_diff: DiffSummary,
    /// Fraction of trials where this topology's service is strictly higher.
    pub p_better: f64,
}

/// Mean and 95% CI half-width of a paired difference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DiffSummary {
    /// Mean difference.
    pub mean: f64,
    /// 95% CI half-width.
    pub ci95: f64,
}

/// Summaries of every topology of a trial table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSummary {
    /// Per topology, in scenario order.
    pub metrics: Vec<MetricSummaries>,
    /// Per topology; `None` for the first.
    pub vs_first: Vec<Option<PairedComparison>>,
}

/// Summarise a trial table.
pub fn summarize(table: &TrialTable) -> TableSummary {
    let k = table.topologies;
    let column =
        |t: usize, f: fn(&TrialMetrics) -> f64| -> Vec<f64> { table.column(t).map(f).collect() };
    let metrics = (0..k)
        .map(|t| MetricSummaries {
            service: Summary::of(&column(t, |m| m.service)),
            nadir: Summary::of(&column(t, |m| m.nadir)),
            below: Summary::of(&column(t, |m| m.below)),
            recovery: Summary::of(&column(t, |m| m.recovery)),
            collapse: Summary::of(&column(t, |m| m.collapse)),
        })
        .collect();
    let first = column(0, |m| m.service);
    let vs_first = (0..k)
        .map(|t| {
            (t > 0).then(|| {
                let diffs: Vec<f64> = column(t, |m| m.service)
                    .iter()
                    .zip(&first)
                    .map(|(a, b)| a - b)
                    .collect();
                let (mean, _, ci95) = mean_std_ci(&diffs);
                let better = diffs.iter().filter(|&&d| d > 0.0).count();
                PairedComparison {
                    service_diff: DiffSummary { mean, ci95 },
                    p_better: if diffs.is_empty() {
                        0.0
                    } else {
                        better as f64 / diffs.len() as f64
                    },
                }
            })
        })
        .collect();
    TableSummary { metrics, vs_first }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy_linear() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        // numpy.percentile(range(1, 11), [5, 50, 95]) = [1.45, 5.5, 9.55]
        assert!((quantile_sorted(&v, 0.05) - 1.45).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.5) - 5.5).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.95) - 9.55).abs() < 1e-12);
    }

    #[test]
    fn mean_std_ci_of_known_sample() {
        let (m, s, c) = mean_std_ci(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(m, 5.0);
        // Sample variance = 32 / 7.
        assert!((s - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert!((c - Z95 * s / 8f64.sqrt()).abs() < 1e-12);
    }
}
