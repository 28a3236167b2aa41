//! The one table of per-trial metrics ([`METRICS`]): each metric's name
//! (its key in JSON and the stem of its CSV columns), the group that says
//! which scenarios have it, its label in English and Traditional Chinese
//! and the range its values must lie in. Stats, the exporters (CSV, the
//! per-trial file, partial results) and the comparison table's headers
//! iterate it, in its order, and so does the exact per-trial storage
//! ([`crate::stats::TopologyTally`]: one distribution per stored row, one
//! paired difference per [`MetricSpec::paired`] row), so a new per-trial
//! metric is one row here plus its computation
//! ([`crate::sim::TrialMetrics::value`]) and its summary
//! ([`crate::stats::MetricSummaries::get`]). Only the partial-file layout
//! (`stats::TallyLayout`) names groups: a new row in a group changes a
//! compile-time-checked array length there and the partial format version.
//!
//! Knows no terminal and no command line; imports only the scenario.

/// Which scenarios have a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Every scenario; stored per trial and in partial results.
    Core,
    /// Every scenario, but derived from `service` and the topology's
    /// baseline: not stored per trial nor in partial results.
    Lost,
    /// Scenarios where some node holds stock.
    Stock,
    /// Scenarios with hazards.
    Hazard,
    /// Scenarios where some node or link costs anything.
    Cost,
}

/// One per-trial metric (a row of [`METRICS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Mean of φ_t over the steps.
    Service,
    /// Minimum φ_t.
    Nadir,
    /// Fraction of steps with φ_t below the service level.
    Below,
    /// Units not delivered per step, F0 · (1 − service).
    Lost,
    /// Mean length of the runs below the service level.
    Recovery,
    /// 1 if φ_t reached 0 at some step.
    Collapse,
    /// Units drawn from stock / (F0 × steps).
    StockUsed,
    /// Share of steps that end with some stocked node's stock at 0.
    Stockout,
    /// Node hits by hazard strikes.
    HazardHits,
    /// Calm cost per unit of baseline (the same every trial).
    CostCalm,
    /// Cost per unit of baseline over a trial, lost sales included.
    Cost,
    /// What disruptions cost: `cost − cost_calm`.
    CostRisk,
}

/// The range a metric's per-trial values lie in (checked when a partial
/// result is read back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// `[0, 1 + slack]`: a share of the baseline (φ may exceed 1 by round-off).
    Service,
    /// `[0, 1]`.
    Share,
    /// `[0, steps]`.
    Steps,
    /// `[0, ∞)`.
    NonNegative,
    /// Any finite number.
    Any,
}

/// How the comparison table (`run --format table|markdown`, the handout)
/// shows a metric's summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Mean ± 95% CI, three decimals.
    MeanCi,
    /// Mean, three decimals.
    Mean3,
    /// Mean, one decimal.
    Mean1,
    /// Mean, two decimals.
    Mean2,
    /// Mean as a percentage, one decimal.
    Percent,
    /// Mean as money, two decimals.
    Money,
    /// Mean ± 95% CI as money, two decimals.
    MoneyCi,
}

/// What the table says about one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricSpec {
    /// Which metric.
    pub id: Metric,
    /// Its name: JSON key, CSV column (stem) and per-trial column.
    pub name: &'static str,
    /// Which scenarios have it.
    pub group: Group,
    /// Its column header in the comparison table, English.
    pub label_en: &'static str,
    /// Its column header in the comparison table, Traditional Chinese.
    pub label_zh: &'static str,
    /// The range of its per-trial values.
    pub bound: Bound,
    /// How the comparison table shows its summary.
    pub shown: Shown,
    /// Whether each topology after the first also keeps its per-trial
    /// difference from the first topology (the paired comparison).
    pub paired: bool,
}

const fn row(
    id: Metric,
    name: &'static str,
    group: Group,
    (label_en, label_zh): (&'static str, &'static str),
    (bound, shown): (Bound, Shown),
) -> MetricSpec {
    MetricSpec {
        id,
        name,
        group,
        label_en,
        label_zh,
        bound,
        shown,
        paired: false,
    }
}

impl MetricSpec {
    /// This row, with its paired difference kept.
    const fn with_paired_difference(self) -> MetricSpec {
        MetricSpec {
            paired: true,
            ..self
        }
    }

    /// Whether partial results and tallies store this metric's values
    /// (every group but the derived [`Group::Lost`]).
    pub const fn stored(&self) -> bool {
        !matches!(self.group, Group::Lost)
    }

    /// This row's position in [`METRICS`].
    pub fn index(&self) -> usize {
        self.id as usize
    }
}

/// Every per-trial metric, in output order (every summary, CSV and
/// per-trial file lists them in this order; a group's metrics appear only
/// where the group is present, see [`present`]).
pub const METRICS: &[MetricSpec] = &[
    row(
        Metric::Service,
        "service",
        Group::Core,
        ("service", "服務水準"),
        (Bound::Service, Shown::MeanCi),
    )
    .with_paired_difference(),
    row(
        Metric::Nadir,
        "nadir",
        Group::Core,
        ("nadir", "最低點"),
        (Bound::Service, Shown::Mean3),
    ),
    row(
        Metric::Below,
        "below",
        Group::Core,
        ("below", "低於門檻"),
        (Bound::Share, Shown::Percent),
    ),
    row(
        Metric::Lost,
        "lost",
        Group::Lost,
        ("lost/step", "每步損失"),
        (Bound::NonNegative, Shown::Mean1),
    ),
    row(
        Metric::Recovery,
        "recovery",
        Group::Core,
        ("recovery", "恢復"),
        (Bound::Steps, Shown::Mean1),
    ),
    row(
        Metric::Collapse,
        "collapse",
        Group::Core,
        ("collapse", "崩潰"),
        (Bound::Share, Shown::Percent),
    ),
    // `stock_used` counts units of whatever was drawn (parts too: ten bolts
    // per widget make it exceed 1 with assemblers), so it is only bounded
    // below; `stockout` is a share of steps.
    row(
        Metric::StockUsed,
        "stock_used",
        Group::Stock,
        ("stock used", "庫存動用"),
        (Bound::NonNegative, Shown::Percent),
    ),
    row(
        Metric::Stockout,
        "stockout",
        Group::Stock,
        ("stockout", "缺貨"),
        (Bound::Share, Shown::Percent),
    ),
    // Hazard hits are a count of node hits: whole and not negative.
    row(
        Metric::HazardHits,
        "hazard_hits",
        Group::Hazard,
        ("hazard hits", "災害衝擊"),
        (Bound::NonNegative, Shown::Mean2),
    ),
    // Costs are money ≥ 0; what disruptions cost can have either sign.
    row(
        Metric::CostCalm,
        "cost_calm",
        Group::Cost,
        ("calm cost", "平時成本"),
        (Bound::NonNegative, Shown::Money),
    ),
    row(
        Metric::Cost,
        "cost",
        Group::Cost,
        ("cost", "成本"),
        (Bound::NonNegative, Shown::MoneyCi),
    )
    .with_paired_difference(),
    row(
        Metric::CostRisk,
        "cost_risk",
        Group::Cost,
        ("cost of risk", "風險成本"),
        (Bound::Any, Shown::Money),
    ),
];

/// How many rows [`METRICS`] has.
pub const METRIC_COUNT: usize = 12;

// Row `i` of the table is the metric whose discriminant is `i`, so
// [`MetricSpec::index`] and [`spec`] are lookups, not searches.
const _: () = {
    assert!(METRICS.len() == METRIC_COUNT);
    let mut i = 0;
    while i < METRIC_COUNT {
        assert!(METRICS[i].id as usize == i);
        i += 1;
    }
};

/// The row of `id` in [`METRICS`].
pub fn spec(id: Metric) -> &'static MetricSpec {
    &METRICS[id as usize]
}

/// The stored rows of `group`, in table order.
pub fn stored_in(group: Group) -> impl Iterator<Item = &'static MetricSpec> {
    METRICS
        .iter()
        .filter(move |m| m.stored() && m.group == group)
}

/// How many stored rows `group` has (a `const` for array lengths).
pub const fn stored_count(group: Group) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < METRIC_COUNT {
        let m = &METRICS[i];
        if m.stored() && m.group as u8 == group as u8 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The metrics a set of results with `groups` carries, in output order.
pub fn present(groups: MetricGroups) -> impl Iterator<Item = &'static MetricSpec> {
    METRICS.iter().filter(move |m| groups.has(m.group))
}

/// Which optional metric groups a set of results carries: the stock metrics
/// (scenarios where some node holds stock), the hazard metric (scenarios
/// with hazards) and the cost metrics (scenarios where something costs
/// money). Outputs write a group's columns only when it is present, so a
/// scenario without stock or costs gives the bytes it gave before they
/// existed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MetricGroups {
    /// The stock metrics.
    pub stock: bool,
    /// The hazard metric.
    pub hazard: bool,
    /// The cost metrics.
    pub cost: bool,
}

impl MetricGroups {
    /// The groups of `scenario`'s results.
    pub fn of(scenario: &crate::scenario::Scenario) -> Self {
        MetricGroups {
            stock: scenario.has_stock(),
            hazard: scenario.has_hazards(),
            cost: scenario.has_costs(),
        }
    }

    /// Every group either carries (several scenarios in one output).
    pub fn union(self, other: Self) -> Self {
        MetricGroups {
            stock: self.stock || other.stock,
            hazard: self.hazard || other.hazard,
            cost: self.cost || other.cost,
        }
    }

    /// Whether results with these groups carry `group`'s metrics.
    pub fn has(self, group: Group) -> bool {
        match group {
            Group::Core | Group::Lost => true,
            Group::Stock => self.stock,
            Group::Hazard => self.hazard,
            Group::Cost => self.cost,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_has_one_row_with_a_distinct_name() {
        for (i, m) in METRICS.iter().enumerate() {
            assert_eq!(spec(m.id), m);
            assert!(METRICS[..i].iter().all(|o| o.name != m.name));
        }
    }

    #[test]
    fn groups_choose_the_rows() {
        let names = |g| present(g).map(|m| m.name).collect::<Vec<_>>().join(",");
        assert_eq!(
            names(MetricGroups::default()),
            "service,nadir,below,lost,recovery,collapse"
        );
        let all = MetricGroups {
            stock: true,
            hazard: true,
            cost: true,
        };
        assert_eq!(present(all).count(), METRICS.len());
    }
}
