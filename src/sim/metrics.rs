//! Per-trial metrics of one topology, computed online from the service φ_t.

use serde::{Deserialize, Serialize};

/// The lost units per step of a trial with mean service `service` in a
/// topology of baseline `baseline` ([`Metric::Lost`]: derived from
/// `service` and the baseline, so it is not stored per trial nor in a
/// partial result).
pub fn lost_units(service: f64, baseline: f64) -> f64 {
    (baseline * (1.0 - service)).max(0.0)
}

use crate::metrics::Metric;

use super::StepRecord;

/// What one trial did to one topology.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrialMetrics {
    /// Mean of φ_t over the steps.
    pub service: f64,
    /// Minimum φ_t.
    pub nadir: f64,
    /// Fraction of steps with φ_t below the service level.
    pub below: f64,
    /// Mean length in steps of the maximal runs below the service level
    /// (a run still open at the horizon counts with its length so far); 0 if none.
    pub recovery: f64,
    /// 1 if φ_t reached 0 at some step, else 0.
    pub collapse: f64,
    /// The stock metrics, in scenarios where some node holds stock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<StockMetrics>,
    /// Node hits by hazard strikes ([`Metric::HazardHits`]), in scenarios
    /// with hazards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hazard_hits: Option<f64>,
    /// The cost metrics, in scenarios where something costs money.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<CostMetrics>,
}

/// What one trial cost (scenarios with costs only), per unit of the
/// topology's baseline: money ÷ (F0 × steps).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CostMetrics {
    /// C with every node up and every stock full, ÷ F0 (the same every trial).
    pub calm: f64,
    /// Σ_t C_t ÷ (F0 · T).
    pub cost: f64,
}

impl CostMetrics {
    /// What disruptions cost: `cost − calm`.
    pub fn risk(&self) -> f64 {
        self.cost - self.calm
    }

    /// `cost_calm`, `cost`, `cost_risk` (the order of [`crate::metrics::METRICS`]).
    pub fn values(&self) -> [f64; 3] {
        [self.calm, self.cost, self.risk()]
    }
}

/// What one trial drew from stock (scenarios with stock only).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StockMetrics {
    /// Units drawn from stock / (F0 × steps).
    pub used: f64,
    /// Share of steps that end with some stocked node's stock at 0.
    pub stockout: f64,
}

impl StockMetrics {
    /// `stock_used`, `stockout` (the order of [`crate::metrics::METRICS`]).
    pub fn values(&self) -> [f64; 2] {
        [self.used, self.stockout]
    }
}

impl TrialMetrics {
    /// The value of metric `id` in this trial of a topology of baseline
    /// `baseline` (for the lost units); `None` when the trial's scenario
    /// does not have the metric's group.
    pub fn value(&self, id: Metric, baseline: f64) -> Option<f64> {
        match id {
            Metric::Service => Some(self.service),
            Metric::Nadir => Some(self.nadir),
            Metric::Below => Some(self.below),
            Metric::Lost => Some(lost_units(self.service, baseline)),
            Metric::Recovery => Some(self.recovery),
            Metric::Collapse => Some(self.collapse),
            Metric::StockUsed => self.stock.map(|s| s.used),
            Metric::Stockout => self.stock.map(|s| s.stockout),
            Metric::HazardHits => self.hazard_hits,
            Metric::CostCalm => self.cost.map(|c| c.calm),
            Metric::Cost => self.cost.map(|c| c.cost),
            Metric::CostRisk => self.cost.map(|c| c.risk()),
        }
    }

    /// The stored core metrics: `service`, `nadir`, `below`, `recovery`,
    /// `collapse` (the [`crate::metrics::Group::Core`] rows, in order).
    pub fn values(&self) -> [f64; 5] {
        [
            self.service,
            self.nadir,
            self.below,
            self.recovery,
            self.collapse,
        ]
    }
}

/// Streams φ_t values into [`TrialMetrics`].
#[derive(Debug, Clone)]
pub struct MetricsAccumulator {
    level: f64,
    steps: u32,
    sum: f64,
    nadir: f64,
    below: u32,
    runs: u32,
    in_run: bool,
    collapse: bool,
    /// `Some((Σ drawn share, stockout steps))` when the scenario has stock.
    stock: Option<(f64, u32)>,
    /// `Some((Σ C_t, calm C, F0))` when the scenario has costs.
    cost: Option<(f64, f64, f64)>,
    /// `Some(hits)` when the scenario has hazards.
    hazard_hits: Option<u64>,
}

/// φ at or below this counts as zero throughput.
const ZERO: f64 = 1e-12;

impl MetricsAccumulator {
    /// A fresh accumulator for service level `level` (fraction of baseline).
    pub fn new(level: f64) -> Self {
        MetricsAccumulator {
            level,
            steps: 0,
            sum: 0.0,
            nadir: f64::INFINITY,
            below: 0,
            runs: 0,
            in_run: false,
            collapse: false,
            stock: None,
            cost: None,
            hazard_hits: None,
        }
    }

    /// Also record the cost metrics (a scenario with costs: every topology
    /// reports them, 0 where nothing costs money) for a topology whose calm
    /// cost per step is `calm` and whose baseline is `baseline`.
    pub fn with_cost(mut self, priced: bool, calm: f64, baseline: f64) -> Self {
        self.cost = priced.then_some((0.0, calm, baseline));
        self
    }

    /// Also record the stock metrics (for a scenario where some node holds
    /// stock; every topology of it reports them, 0 where it holds none).
    pub fn with_stock(mut self, stocked: bool) -> Self {
        self.stock = stocked.then_some((0.0, 0));
        self
    }

    /// Also count the hazard hits (for a scenario with hazards; every
    /// topology of it reports them, 0 where no node has a struck region).
    pub fn with_hazards(mut self, hazards: bool) -> Self {
        self.hazard_hits = hazards.then_some(0);
        self
    }

    /// Record the next step: its φ, what it drew from stock and the hazard hits.
    pub fn push_step(&mut self, rec: &StepRecord) {
        self.push(rec.service);
        if let Some((drawn, out)) = &mut self.stock {
            *drawn += rec.drawn;
            *out += u32::from(rec.stockout);
        }
        if let Some((sum, _, _)) = &mut self.cost {
            *sum += rec.cost;
        }
        if let Some(hits) = &mut self.hazard_hits {
            *hits += u64::from(rec.hazard_hits);
        }
    }

    /// Record φ_t for the next step.
    pub fn push(&mut self, phi: f64) {
        self.steps += 1;
        self.sum += phi;
        self.nadir = self.nadir.min(phi);
        if phi <= ZERO {
            self.collapse = true;
        }
        // A tiny tolerance keeps φ = 0.9 from counting as below a 0.9 level.
        let below = phi < self.level - 1e-12;
        if below {
            self.below += 1;
            if !self.in_run {
                self.runs += 1;
            }
        }
        self.in_run = below;
    }

    /// The metrics of the steps pushed so far.
    pub fn finish(&self) -> TrialMetrics {
        let n = f64::from(self.steps.max(1));
        TrialMetrics {
            service: self.sum / n,
            nadir: if self.steps == 0 { 1.0 } else { self.nadir },
            below: f64::from(self.below) / n,
            recovery: if self.runs == 0 {
                0.0
            } else {
                f64::from(self.below) / f64::from(self.runs)
            },
            collapse: if self.collapse { 1.0 } else { 0.0 },
            stock: self.stock.map(|(drawn, out)| StockMetrics {
                used: drawn / n,
                stockout: f64::from(out) / n,
            }),
            cost: self.cost.map(|(sum, calm, f0)| CostMetrics {
                calm: calm / f0,
                cost: sum / (f0 * n),
            }),
            hazard_hits: self.hazard_hits.map(|h| h as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_recovery_are_counted() {
        let mut m = MetricsAccumulator::new(0.9);
        for phi in [1.0, 0.5, 0.0, 1.0, 0.8, 1.0, 0.9, 0.3] {
            m.push(phi);
        }
        let r = m.finish();
        assert_eq!(r.service, 5.5 / 8.0);
        assert_eq!(r.nadir, 0.0);
        assert_eq!(r.below, 4.0 / 8.0); // 0.5, 0.0, 0.8, 0.3 (0.9 is not below)
        assert_eq!(r.recovery, 4.0 / 3.0); // runs of length 2, 1, 1
        assert_eq!(r.collapse, 1.0);
    }

    #[test]
    fn untouched_trial_is_perfect() {
        let mut m = MetricsAccumulator::new(0.9);
        (0..10).for_each(|_| m.push(1.0));
        let r = m.finish();
        assert_eq!(r.values(), [1.0, 1.0, 0.0, 0.0, 0.0]);
    }
}
