//! Summaries of per-trial metrics, computed from exact per-metric
//! distributions ([`Tally`]) that do not depend on the order or grouping of
//! the trials: the numbers are the same bytes whatever the thread count or
//! `--trial-range` split.

use serde::{Deserialize, Serialize};

use crate::metrics::{Group, METRIC_COUNT, METRICS, Metric, stored_count, stored_in};
use crate::sim::{TrialMetrics, TrialTable};

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
    /// Summarise `values` (any order). Empty input gives all zeros.
    pub fn of(values: &[f64]) -> Summary {
        Distribution::from_values(&mut values.to_vec()).summary()
    }

    /// The summary of the lost units per step, F0 · (1 − s), of a topology
    /// with baseline `baseline` whose per-trial service s is summarised by
    /// `self`: the map is affine and decreasing, so the mean, spread and
    /// percentiles map exactly (p5 of the loss is p95 of the service).
    /// Never below 0 (φ may exceed 1 by round-off).
    pub fn lost_units(&self, baseline: f64) -> Summary {
        let lost = |phi: f64| crate::sim::lost_units(phi, baseline);
        Summary {
            mean: lost(self.mean),
            std: baseline * self.std,
            ci95: baseline * self.ci95,
            p5: lost(self.p95),
            p50: lost(self.p50),
            p95: lost(self.p5),
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
    /// Units not delivered per step, Σ_t (1 − φ_t) · F0 / T per trial: the
    /// area of the resilience triangle in units, where partial service
    /// counts in proportion (unlike `below`). [`Summary::lost_units`] of
    /// `service`.
    pub lost: Summary,
    /// Mean length of runs below the service level.
    pub recovery: Summary,
    /// Share of trials that hit zero throughput.
    pub collapse: Summary,
    /// Units drawn from stock / (F0 × steps) per trial (scenarios with stock only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_used: Option<Summary>,
    /// Share of steps ending with some stocked node empty, per trial
    /// (scenarios with stock only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stockout: Option<Summary>,
    /// Node hits by hazard strikes per trial (scenarios with hazards only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hazard_hits: Option<Summary>,
    /// C with every node up and every stock full ÷ F0, the same in every
    /// trial (scenarios with costs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_calm: Option<Summary>,
    /// Σ_t C_t ÷ (F0 · T) per trial, lost sales included (scenarios with
    /// costs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Summary>,
    /// `cost − cost_calm` per trial: what disruptions cost (scenarios with
    /// costs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_risk: Option<Summary>,
}

impl MetricSummaries {
    /// The summaries with their names, in [`METRICS`] order, of the
    /// metrics present.
    pub fn named(&self) -> Vec<(&'static str, &Summary)> {
        METRICS
            .iter()
            .filter_map(|m| self.get(m.id).map(|s| (m.name, s)))
            .collect()
    }

    /// The summary of metric `id`; `None` when the results do not have
    /// its group.
    pub fn get(&self, id: Metric) -> Option<&Summary> {
        match id {
            Metric::Service => Some(&self.service),
            Metric::Nadir => Some(&self.nadir),
            Metric::Below => Some(&self.below),
            Metric::Lost => Some(&self.lost),
            Metric::Recovery => Some(&self.recovery),
            Metric::Collapse => Some(&self.collapse),
            Metric::StockUsed => self.stock_used.as_ref(),
            Metric::Stockout => self.stockout.as_ref(),
            Metric::HazardHits => self.hazard_hits.as_ref(),
            Metric::CostCalm => self.cost_calm.as_ref(),
            Metric::Cost => self.cost.as_ref(),
            Metric::CostRisk => self.cost_risk.as_ref(),
        }
    }

    /// The cost summaries (`cost_calm`, `cost`, `cost_risk`), when present.
    pub fn costs(&self) -> Option<[&Summary; 3]> {
        match (&self.cost_calm, &self.cost, &self.cost_risk) {
            (Some(a), Some(b), Some(c)) => Some([a, b, c]),
            _ => None,
        }
    }
}

/// A topology compared with the first (reference) topology, trial by trial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairedComparison {
    /// service(this) − service(first), paired by trial.
    pub service_diff: DiffSummary,
    /// Fraction of trials where this topology's service is strictly higher.
    pub p_better: f64,
    /// cost(this) − cost(first), paired by trial (scenarios with costs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_diff: Option<DiffSummary>,
    /// Fraction of trials where this topology's cost is strictly lower
    /// (scenarios with costs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_cheaper: Option<f64>,
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

/// Summarise a trial table (same result as a [`Tally`] of its rows);
/// `baselines`: F0 of each topology, for the lost units.
pub fn summarize(table: &TrialTable, baselines: &[f64]) -> TableSummary {
    Tally::of(table).summary(baselines)
}

/// The exact multiset of one metric's per-trial values, stored compactly as
/// its distinct values (ascending) with their counts.
///
/// Building one does not depend on the order of the values and merging two
/// is exact, so every statistic derived from it is the same bytes however the
/// trials were split, scheduled or merged. Memory grows with the number of
/// *distinct* values, not trials: the per-step metrics of whole-number
/// networks take few distinct values, so 10 million trials fit in kilobytes
/// to a few megabytes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Distribution {
    /// `(value, count)`, strictly ascending by value (`f64::total_cmp`), counts ≥ 1.
    points: Vec<(f64, u64)>,
}

impl Distribution {
    /// The distribution of `values` (sorted in place as a side effect).
    pub fn from_values(values: &mut [f64]) -> Distribution {
        values.sort_unstable_by(f64::total_cmp);
        let mut points: Vec<(f64, u64)> = Vec::new();
        for &x in values.iter() {
            match points.last_mut() {
                Some((v, c)) if v.total_cmp(&x).is_eq() => *c += 1,
                _ => points.push((x, 1)),
            }
        }
        Distribution { points }
    }

    /// Add every value of `other` (exact).
    pub fn merge(&mut self, other: &Distribution) {
        if other.points.is_empty() {
            return;
        }
        if self.points.is_empty() {
            self.points.clone_from(&other.points);
            return;
        }
        let mut merged = Vec::with_capacity(self.points.len() + other.points.len());
        let (mut a, mut b) = (
            self.points.iter().peekable(),
            other.points.iter().peekable(),
        );
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(&&(x, c)), Some(&&(y, d))) => match x.total_cmp(&y) {
                    std::cmp::Ordering::Less => {
                        a.next();
                        (x, c)
                    }
                    std::cmp::Ordering::Greater => {
                        b.next();
                        (y, d)
                    }
                    std::cmp::Ordering::Equal => {
                        a.next();
                        b.next();
                        (x, c + d)
                    }
                },
                (Some(&&p), None) => {
                    a.next();
                    p
                }
                (None, Some(&&p)) => {
                    b.next();
                    p
                }
                (None, None) => break,
            };
            merged.push(next);
        }
        self.points = merged;
    }

    /// The distinct values, ascending, with their counts.
    pub fn points(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        self.points.iter().copied()
    }

    /// Number of values, or `None` when the counts overflow `u64` (only a
    /// hand-made distribution can: every run adds at most `u64::MAX` trials).
    pub fn checked_len(&self) -> Option<u64> {
        self.points
            .iter()
            .try_fold(0u64, |sum, &(_, c)| sum.checked_add(c))
    }

    /// Whether every value lies in `lo..=hi`.
    pub fn within(&self, lo: f64, hi: f64) -> bool {
        self.points.iter().all(|&(x, _)| (lo..=hi).contains(&x))
    }

    /// Number of values.
    pub fn len(&self) -> u64 {
        self.points.iter().map(|&(_, c)| c).sum()
    }

    /// True when no value was added.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Number of distinct values (the memory it takes, in 16-byte points).
    pub fn distinct(&self) -> usize {
        self.points.len()
    }

    /// True when the points are strictly ascending with non-zero counts and
    /// finite values (what a deserialised distribution must satisfy).
    pub fn is_well_formed(&self) -> bool {
        self.points.iter().all(|&(x, c)| x.is_finite() && c > 0)
            && self
                .points
                .windows(2)
                .all(|w| w[0].0.total_cmp(&w[1].0).is_lt())
    }

    /// How many values are strictly greater than `x`.
    pub fn count_above(&self, x: f64) -> u64 {
        let i = self.points.partition_point(|&(v, _)| v <= x);
        self.points[i..].iter().map(|&(_, c)| c).sum()
    }

    /// How many values are strictly less than `x`.
    pub fn count_below(&self, x: f64) -> u64 {
        let i = self.points.partition_point(|&(v, _)| v < x);
        self.points[..i].iter().map(|&(_, c)| c).sum()
    }

    /// The value of 0-based rank `r` in ascending order (`r < len`).
    fn at_rank(&self, r: u64) -> f64 {
        let mut seen = 0;
        for &(x, c) in &self.points {
            seen += c;
            if r < seen {
                return x;
            }
        }
        self.points.last().map_or(0.0, |&(x, _)| x)
    }

    /// Quantile `q`, linear interpolation between order statistics (as
    /// [`quantile_sorted`] on the expanded values); 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        let n = self.len();
        if n == 0 {
            return 0.0;
        }
        let h = (n - 1) as f64 * q;
        let lo = h.floor() as u64;
        let hi = (lo + 1).min(n - 1);
        let (a, b) = (self.at_rank(lo), self.at_rank(hi));
        a + (h - lo as f64) * (b - a)
    }

    /// Mean, sample standard deviation (n − 1) and 95% CI half-width of the
    /// mean; compensated sums in ascending value order. The mean is clamped
    /// to the range of the values, so rounding cannot push it outside.
    pub fn mean_std_ci(&self) -> (f64, f64, f64) {
        let n = self.len();
        let (Some(&(lo, _)), Some(&(hi, _))) = (self.points.first(), self.points.last()) else {
            return (0.0, 0.0, 0.0);
        };
        let sum = neumaier(self.points.iter().map(|&(x, c)| x * c as f64));
        let mean = (sum / n as f64).clamp(lo, hi);
        if n == 1 {
            return (mean, 0.0, 0.0);
        }
        let squares = neumaier(
            self.points
                .iter()
                .map(|&(x, c)| (x - mean) * (x - mean) * c as f64),
        );
        let std = (squares / (n - 1) as f64).sqrt();
        (mean, std, Z95 * std / (n as f64).sqrt())
    }

    /// Mean, spread and the 5th, 50th and 95th percentiles.
    pub fn summary(&self) -> Summary {
        let (mean, std, ci95) = self.mean_std_ci();
        Summary {
            mean,
            std,
            ci95,
            p5: self.quantile(0.05),
            p50: self.quantile(0.5),
            p95: self.quantile(0.95),
        }
    }
}

/// Sum with Neumaier's compensation (deterministic for a given order).
fn neumaier(values: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut comp) = (0.0f64, 0.0f64);
    for x in values {
        let t = sum + x;
        comp += if sum.abs() >= x.abs() {
            (sum - t) + x
        } else {
            (x - t) + sum
        };
        sum = t;
    }
    sum + comp
}

/// One topology's per-trial metrics, reduced to exact distributions: one
/// per stored row of [`METRICS`] whose group the trials have, and for each
/// [`paired`](crate::metrics::MetricSpec::paired) row the distribution of
/// its per-trial difference from the first topology (empty for the first).
/// Every operation iterates the table; only the layout on disk
/// ([`TallyLayout`]) names the groups.
///
/// Invariant: a group's rows are all present or all absent; a paired row's
/// difference is present exactly when the row is; the core rows and the
/// service difference are always present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "TallyLayout", into = "TallyLayout")]
pub struct TopologyTally {
    /// Indexed by row of [`METRICS`]; `None` for the derived lost units and
    /// for a group these trials lack.
    dists: [Option<Distribution>; METRIC_COUNT],
    /// Indexed by row of [`METRICS`]: paired rows' differences.
    diffs: [Option<Distribution>; METRIC_COUNT],
}

impl Default for TopologyTally {
    /// No trials: the core rows and the service difference, empty.
    fn default() -> Self {
        let mut t = TopologyTally {
            dists: Default::default(),
            diffs: Default::default(),
        };
        t.ensure(Group::Core);
        t
    }
}

impl TopologyTally {
    /// The distribution of metric `id`; `None` for the lost units (derived
    /// from `service`, not stored) and for a group these trials lack.
    pub fn dist(&self, id: Metric) -> Option<&Distribution> {
        self.dists[id as usize].as_ref()
    }

    /// The distribution of metric `id`'s difference from the first
    /// topology, trial by trial (empty for the first); `None` for a row
    /// that is not paired or whose group these trials lack.
    pub fn diff(&self, id: Metric) -> Option<&Distribution> {
        self.diffs[id as usize].as_ref()
    }

    /// The service distribution (always present).
    pub fn service(&self) -> &Distribution {
        self.dists[Metric::Service as usize]
            .as_ref()
            .unwrap_or(&EMPTY)
    }

    /// The service difference from the first topology (always present;
    /// empty for the first).
    pub fn service_diff(&self) -> &Distribution {
        self.diffs[Metric::Service as usize]
            .as_ref()
            .unwrap_or(&EMPTY)
    }

    /// Whether these trials have `group`'s metrics.
    pub fn has(&self, group: Group) -> bool {
        stored_in(group).all(|m| self.dists[m.index()].is_some())
    }

    /// Every distribution held, values and differences.
    pub fn distributions(&self) -> impl Iterator<Item = &Distribution> {
        self.dists.iter().chain(&self.diffs).flatten()
    }

    /// Make `group`'s distributions (and paired differences) present.
    fn ensure(&mut self, group: Group) {
        for m in stored_in(group) {
            self.dists[m.index()].get_or_insert_with(Default::default);
            if m.paired {
                self.diffs[m.index()].get_or_insert_with(Default::default);
            }
        }
    }

    /// `group`'s distributions in table order, when present.
    fn group<const N: usize>(&self, group: Group) -> Option<[Distribution; N]> {
        let held: Vec<Distribution> = stored_in(group)
            .map(|m| self.dists[m.index()].clone())
            .collect::<Option<_>>()?;
        held.try_into().ok()
    }

    /// Set `group`'s distributions from `values` (table order).
    fn set_group<const N: usize>(&mut self, group: Group, values: Option<[Distribution; N]>) {
        if let Some(values) = values {
            for (m, d) in stored_in(group).zip(values) {
                self.dists[m.index()] = Some(d);
            }
        }
    }
}

/// An empty distribution to lend out.
static EMPTY: Distribution = Distribution { points: Vec::new() };

/// The layout of a [`TopologyTally`] in partial result files
/// ([`crate::report::partial`], format `chainmesh-partial-3`): the core
/// rows as `metrics`, then `service_diff`, then one optional key per group
/// (`stock`, `hazard_hits` — a single distribution —, `cost`) and
/// `cost_diff`. This is the file format, so it is written out here and
/// nowhere else; the array lengths are the table's row counts, checked at
/// compile time, so a new row in a group stops the build here: give the
/// group's key its new length and bump the partial format.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TallyLayout {
    metrics: [Distribution; stored_count(Group::Core)],
    service_diff: Distribution,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stock: Option<[Distribution; stored_count(Group::Stock)]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hazard_hits: Option<Distribution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cost: Option<[Distribution; stored_count(Group::Cost)]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cost_diff: Option<Distribution>,
}

// The layout above holds these rows: a row added to a group must change it.
const _: () = {
    assert!(stored_count(Group::Core) == 5);
    assert!(stored_count(Group::Stock) == 2);
    assert!(stored_count(Group::Hazard) == 1);
    assert!(stored_count(Group::Cost) == 3);
};

impl From<TallyLayout> for TopologyTally {
    fn from(l: TallyLayout) -> Self {
        let mut t = TopologyTally::default();
        t.set_group(Group::Core, Some(l.metrics));
        t.diffs[Metric::Service as usize] = Some(l.service_diff);
        t.set_group(Group::Stock, l.stock);
        t.set_group(Group::Hazard, l.hazard_hits.map(|d| [d]));
        t.set_group(Group::Cost, l.cost);
        t.diffs[Metric::Cost as usize] = l.cost_diff;
        t
    }
}

impl From<TopologyTally> for TallyLayout {
    fn from(t: TopologyTally) -> Self {
        TallyLayout {
            metrics: t.group(Group::Core).unwrap_or_default(),
            service_diff: t.service_diff().clone(),
            stock: t.group(Group::Stock),
            hazard_hits: t.group(Group::Hazard).map(|[d]: [Distribution; 1]| d),
            cost: t.group(Group::Cost),
            cost_diff: t.diff(Metric::Cost).cloned(),
        }
    }
}

/// Everything the summaries of a run need, in memory that grows with the
/// number of distinct metric values rather than with trials. Rows can be
/// added in chunks and tallies merged in any order: the summary is the same
/// bytes as one pass over all trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Trials added.
    pub trials: u64,
    /// Per topology, in scenario order.
    pub topologies: Vec<TopologyTally>,
}

impl Tally {
    /// An empty tally for `topologies` topologies.
    pub fn new(topologies: usize) -> Tally {
        Tally {
            trials: 0,
            topologies: vec![TopologyTally::default(); topologies],
        }
    }

    /// The tally of every trial in `table`.
    pub fn of(table: &TrialTable) -> Tally {
        let mut tally = Tally::new(table.topologies);
        tally.add_rows(&table.values);
        tally
    }

    /// Add trials given trial-major: `rows[i * k + t]` is topology `t` of trial `i`.
    pub fn add_rows(&mut self, rows: &[TrialMetrics]) {
        let k = self.topologies.len();
        if k == 0 || rows.is_empty() {
            return;
        }
        let mut column = Vec::with_capacity(rows.len() / k);
        for (t, tally) in self.topologies.iter_mut().enumerate() {
            // The row's value; a trial lacking the group (none do: every
            // trial of a topology has the same groups) counts as 0.
            let value = |r: &TrialMetrics, m: Metric| r.value(m, 1.0).unwrap_or(0.0);
            for m in METRICS.iter().filter(|m| m.stored()) {
                if rows[t].value(m.id, 1.0).is_none() {
                    continue;
                }
                column.clear();
                column.extend(rows.iter().skip(t).step_by(k).map(|r| value(r, m.id)));
                let dist = tally.dists[m.index()].get_or_insert_with(Default::default);
                dist.merge(&Distribution::from_values(&mut column));
                if !m.paired {
                    continue;
                }
                let diff = tally.diffs[m.index()].get_or_insert_with(Default::default);
                if t > 0 {
                    column.clear();
                    column.extend(
                        rows.chunks_exact(k)
                            .map(|trial| value(&trial[t], m.id) - value(&trial[0], m.id)),
                    );
                    diff.merge(&Distribution::from_values(&mut column));
                }
            }
        }
        self.trials += (rows.len() / k) as u64;
    }

    /// Add another tally of the same scenario (other trials).
    pub fn merge(&mut self, other: &Tally) {
        for (a, b) in self.topologies.iter_mut().zip(&other.topologies) {
            let ours = a.dists.iter_mut().chain(a.diffs.iter_mut());
            for (x, y) in ours.zip(b.dists.iter().chain(&b.diffs)) {
                if let Some(theirs) = y {
                    x.get_or_insert_with(Default::default).merge(theirs);
                }
            }
        }
        self.trials += other.trials;
    }

    /// True when every topology has the same groups as the first, every
    /// distribution is well formed and holds `trials` values (the paired
    /// differences of the first topology: none), and a paired row's
    /// difference is present exactly when the row is.
    pub fn is_consistent(&self) -> bool {
        let Some(first) = self.topologies.first() else {
            return true;
        };
        self.topologies.iter().enumerate().all(|(t, tally)| {
            let diffs = if t == 0 { 0 } else { self.trials };
            let holds = |d: &Distribution, n: u64| d.is_well_formed() && d.checked_len() == Some(n);
            METRICS.iter().all(|m| {
                let (dist, diff) = (&tally.dists[m.index()], &tally.diffs[m.index()]);
                dist.is_some() == first.dists[m.index()].is_some()
                    && (m.stored() || dist.is_none())
                    && (!m.stored() || dist.is_some() == tally.has(m.group))
                    && (m.group != Group::Core || dist.is_some())
                    && diff.is_some() == (m.paired && dist.is_some())
                    && dist.as_ref().is_none_or(|d| holds(d, self.trials))
                    && diff.as_ref().is_none_or(|d| holds(d, diffs))
            })
        })
    }

    /// Largest number of distinct values held by one distribution.
    pub fn max_distinct(&self) -> usize {
        self.topologies
            .iter()
            .flat_map(TopologyTally::distributions)
            .map(Distribution::distinct)
            .max()
            .unwrap_or(0)
    }

    /// The summaries of every topology; `baselines` holds the baseline F0
    /// of each topology, in order (for the lost units; a missing one counts
    /// as 1, the loss as a share of the baseline).
    pub fn summary(&self, baselines: &[f64]) -> TableSummary {
        let metrics = self
            .topologies
            .iter()
            .enumerate()
            .map(|(k, t)| {
                let summary = |id: Metric| t.dist(id).map(Distribution::summary);
                let service = t.service().summary();
                let core = |id: Metric| summary(id).unwrap_or_else(|| Summary::of(&[]));
                MetricSummaries {
                    lost: service.lost_units(baselines.get(k).copied().unwrap_or(1.0)),
                    service,
                    nadir: core(Metric::Nadir),
                    below: core(Metric::Below),
                    recovery: core(Metric::Recovery),
                    collapse: core(Metric::Collapse),
                    stock_used: summary(Metric::StockUsed),
                    stockout: summary(Metric::Stockout),
                    hazard_hits: summary(Metric::HazardHits),
                    cost_calm: summary(Metric::CostCalm),
                    cost: summary(Metric::Cost),
                    cost_risk: summary(Metric::CostRisk),
                }
            })
            .collect();
        let vs_first = self
            .topologies
            .iter()
            .enumerate()
            .map(|(t, tally)| {
                (t > 0).then(|| {
                    let d = tally.service_diff();
                    let (mean, _, ci95) = d.mean_std_ci();
                    let share = |d: &Distribution, n: u64| {
                        if d.is_empty() {
                            0.0
                        } else {
                            n as f64 / d.len() as f64
                        }
                    };
                    let cost = tally.diff(Metric::Cost);
                    PairedComparison {
                        service_diff: DiffSummary { mean, ci95 },
                        p_better: share(d, d.count_above(0.0)),
                        cost_diff: cost.map(|c| {
                            let (mean, _, ci95) = c.mean_std_ci();
                            DiffSummary { mean, ci95 }
                        }),
                        p_cheaper: cost.map(|c| share(c, c.count_below(0.0))),
                    }
                })
            })
            .collect();
        TableSummary { metrics, vs_first }
    }
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

    fn metrics(service: f64, nadir: f64) -> TrialMetrics {
        TrialMetrics {
            service,
            nadir,
            below: 0.25,
            recovery: 2.0,
            collapse: 0.0,
            stock: None,
            cost: None,
            hazard_hits: None,
        }
    }

    proptest::proptest! {
        /// Distribution statistics match the textbook formulas on the raw values.
        #[test]
        fn distribution_matches_raw_values(raw in proptest::collection::vec(0u8..20, 1..200)) {
            let values: Vec<f64> = raw.iter().map(|&x| f64::from(x) / 8.0).collect();
            let d = Distribution::from_values(&mut values.clone());
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            proptest::prop_assert_eq!(d.len(), values.len() as u64);
            for q in [0.0, 0.05, 0.5, 0.95, 1.0] {
                proptest::prop_assert_eq!(d.quantile(q), quantile_sorted(&sorted, q));
            }
            let (m, s, c) = d.mean_std_ci();
            let (m2, s2, c2) = mean_std_ci(&values);
            proptest::prop_assert!((m - m2).abs() < 1e-12);
            proptest::prop_assert!((s - s2).abs() < 1e-12);
            proptest::prop_assert!((c - c2).abs() < 1e-12);
            proptest::prop_assert_eq!(d.count_above(1.0), values.iter().filter(|&&x| x > 1.0).count() as u64);
        }

        /// Any split of the trials, merged in any order, gives the same tally.
        #[test]
        fn tally_is_split_and_order_independent(
            raw in proptest::collection::vec((0u8..9, 0u8..9), 1..120),
            cut in 0usize..120,
        ) {
            let rows: Vec<TrialMetrics> = raw
                .iter()
                .flat_map(|&(a, b)| [metrics(f64::from(a) / 8.0, 0.5), metrics(f64::from(b) / 8.0, 0.25)])
                .collect();
            let mut whole = Tally::new(2);
            whole.add_rows(&rows);
            let cut = 2 * (cut % raw.len());
            let (mut head, mut tail) = (Tally::new(2), Tally::new(2));
            head.add_rows(&rows[..cut]);
            tail.add_rows(&rows[cut..]);
            tail.merge(&head);
            proptest::prop_assert_eq!(&tail, &whole);
            proptest::prop_assert!(whole.is_consistent());
            proptest::prop_assert_eq!(whole.summary(&[100.0, 40.0]), tail.summary(&[100.0, 40.0]));
        }
    }

    #[test]
    fn paired_comparison_counts_strict_wins() {
        let rows = [
            metrics(0.5, 0.0),
            metrics(0.75, 0.0),
            metrics(0.5, 0.0),
            metrics(0.5, 0.0),
            metrics(1.0, 0.0),
            metrics(0.25, 0.0),
        ];
        let mut t = Tally::new(2);
        t.add_rows(&rows);
        let c = t.summary(&[1.0, 1.0]).vs_first[1].clone().unwrap();
        assert_eq!(c.p_better, 1.0 / 3.0);
        // Differences +0.25, 0, −0.75: mean −1/6.
        assert!((c.service_diff.mean + 1.0 / 6.0).abs() < 1e-15);
        assert_eq!(t.topologies[1].service_diff().distinct(), 3);
    }
}
