//! Comparison reports: one serialisable [`RunReport`] per scenario run, and
//! one exporter per output format. Exporters return bytes; the caller decides
//! where they go (stdout or an atomically written file).

mod csv;
mod error;
pub mod escape;
pub mod graph;
mod json;
mod markdown;
pub mod notes;
pub mod partial;
pub mod price;
pub mod risk;
mod table;
mod trace;

use serde::Serialize;

use crate::metrics::{Group, Metric, MetricGroups, MetricSpec, Shown, present};
use crate::sim::Prepared;
use crate::stats::{MetricSummaries, PairedComparison, Summary, Tally};

pub use csv::{
    CsvExporter, csv_field, per_trial_header, per_trial_rows, summary_header, summary_rows,
    vs_first_cells,
};
pub use error::ReportError;
pub use json::JsonExporter;
pub use markdown::{MarkdownExporter, markdown as localized_markdown, quote};
pub use table::{TableExporter, aligned};
pub use trace::trace_csv;

/// Output formats of `chainmesh run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned plain-text table.
    Table,
    /// One row per scenario × topology; the reproduce command is a column.
    Csv,
    /// The stable JSON shape (an array when several scenarios are run).
    Json,
    /// A GitHub-flavoured Markdown table.
    Markdown,
}

impl Format {
    /// Make `bytes` of this format safe to show: terminal and text formats
    /// get unsafe characters as `\uXXXX` ([`escape::terminal_bytes`]),
    /// JSON gets them as JSON escapes ([`escape::json`]). Exporters call it
    /// last; it is the identity on output without such characters.
    pub fn finish(self, bytes: Vec<u8>) -> Vec<u8> {
        match self {
            Format::Json => escape::json(bytes),
            Format::Table | Format::Csv | Format::Markdown => escape::terminal_bytes(bytes),
        }
    }

    /// The exporter for this format.
    pub fn exporter(self) -> Box<dyn Exporter> {
        match self {
            Format::Table => Box::new(TableExporter),
            Format::Csv => Box::new(CsvExporter),
            Format::Json => Box::new(JsonExporter),
            Format::Markdown => Box::new(MarkdownExporter),
        }
    }
}

/// Turns run reports into the bytes of one output format.
pub trait Exporter {
    /// Serialise every report (several scenarios make one comparison).
    fn serialize(&self, reports: &[RunReport], command: &str) -> Vec<u8>;
}

/// The result of running one scenario (stable JSON shape).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    /// chainmesh version that produced it.
    pub version: &'static str,
    /// Which scenario.
    pub scenario: ScenarioRef,
    /// Seed of the run.
    pub seed: u64,
    /// Number of trials.
    pub trials: u64,
    /// Steps per trial.
    pub steps: u32,
    /// Per topology, in scenario order.
    pub topologies: Vec<TopologyReport>,
    /// The money unit of the cost metrics (scenarios with costs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Every scripted shock and the nodes it knocks out in each topology
    /// (absent when the scenario has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shocks: Vec<notes::ShockHits>,
    /// What a reader must know before comparing: shocks that skip a
    /// topology, different baselines (absent when there is nothing to say).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// What the student should look for (shown by the table and Markdown formats).
    #[serde(skip)]
    pub lesson: Option<String>,
    /// [`RunReport::notice_lines`] in Traditional Chinese, for the zh-TW
    /// handout (empty for a report merged from parts: it then shows the
    /// English lines).
    #[serde(skip)]
    pub notices_zh: Vec<String>,
}

/// Scenario identity in a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioRef {
    /// Scenario name.
    pub name: String,
    /// SHA-256 of the scenario file.
    pub sha256: String,
}

/// One topology's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopologyReport {
    /// Topology id.
    pub id: String,
    /// Topology label.
    pub label: String,
    /// Node count.
    pub nodes: usize,
    /// Link count.
    pub links: usize,
    /// Baseline throughput F0.
    pub baseline: f64,
    /// Summaries of the per-trial metrics.
    pub metrics: MetricSummaries,
    /// Paired comparison with the first topology (`null` for the first).
    pub vs_first: Option<PairedComparison>,
}

impl RunReport {
    /// Build the report of `tally` (all trials of one run of `prep`).
    pub fn new(prep: &Prepared, seed: u64, tally: &Tally) -> RunReport {
        let summary = tally.summary(&prep.baselines());
        let s = &prep.scenario;
        let shocks = notes::shock_hits(prep);
        let warnings = notes::warnings(prep, &shocks);
        RunReport {
            version: env!("CARGO_PKG_VERSION"),
            scenario: ScenarioRef {
                name: s.name.clone(),
                sha256: s.sha256.clone(),
            },
            seed,
            trials: tally.trials,
            steps: s.steps,
            topologies: s
                .topologies
                .iter()
                .zip(&prep.topologies)
                .zip(summary.metrics.into_iter().zip(summary.vs_first))
                .map(|((t, p), (metrics, vs_first))| TopologyReport {
                    id: t.id.clone(),
                    label: t.label.clone(),
                    nodes: t.nodes.len(),
                    links: t.links.len(),
                    baseline: p.net.baseline(),
                    metrics,
                    vs_first,
                })
                .collect(),
            currency: s.has_costs().then(|| s.currency().to_string()),
            shocks,
            warnings,
            lesson: s.lesson.clone(),
            notices_zh: notes::notice_lines_in(prep, crate::lang::Lang::ZhTw),
        }
    }

    /// Does this report carry the stock metrics (its scenario holds stock)?
    pub fn is_stocked(&self) -> bool {
        self.topologies
            .iter()
            .any(|t| t.metrics.stock_used.is_some())
    }

    /// Does this report carry the cost metrics (something costs money)?
    pub fn is_priced(&self) -> bool {
        self.topologies.iter().any(|t| t.metrics.cost.is_some())
    }

    /// Does this report carry the hazard metric (its scenario has hazards)?
    pub fn has_hazards(&self) -> bool {
        self.topologies
            .iter()
            .any(|t| t.metrics.hazard_hits.is_some())
    }

    /// The optional metric groups this report carries.
    pub fn groups(&self) -> MetricGroups {
        MetricGroups {
            stock: self.is_stocked(),
            hazard: self.has_hazards(),
            cost: self.is_priced(),
        }
    }

    /// The lines printed above human-readable tables: one per shock (what
    /// it hit and skipped), then every warning.
    pub fn notice_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let ids: Vec<&str> = self.topologies.iter().map(|t| t.id.as_str()).collect();
        for h in &self.shocks {
            if !h.hits.contains(&0) {
                out.push(notes::hits_text(h, &ids));
            }
        }
        out.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        out
    }

    /// [`notice_lines`](Self::notice_lines) in `lang` (English where the
    /// report has no translation).
    pub fn notice_lines_in(&self, lang: crate::lang::Lang) -> Vec<String> {
        match lang {
            crate::lang::Lang::ZhTw if !self.notices_zh.is_empty() => self.notices_zh.clone(),
            _ => self.notice_lines(),
        }
    }
}

/// The columns shared by the table and Markdown formats (English keys);
/// with stock, `stock used` and `stockout` before `vs first`; with costs,
/// the cost columns after it.
pub(crate) fn headline(groups: MetricGroups) -> Vec<&'static str> {
    crate::lang::Lang::En.headline(groups)
}

/// One headline row per topology (formatted for humans), the columns of
/// [`headline`].
pub(crate) fn headline_rows(report: &RunReport, groups: MetricGroups) -> Vec<Vec<String>> {
    headline_rows_in(report, groups, crate::lang::Lang::En)
}

/// [`headline_rows`] with the words of the `vs first` column in `lang`.
pub(crate) fn headline_rows_in(
    report: &RunReport,
    groups: MetricGroups,
    lang: crate::lang::Lang,
) -> Vec<Vec<String>> {
    let currency = report.currency.as_deref().unwrap_or("$");
    report
        .topologies
        .iter()
        .map(|t| {
            let mut row = vec![
                t.id.clone(),
                t.nodes.to_string(),
                format!("{}", round(t.baseline, 3)),
            ];
            let cell = |spec: &MetricSpec| metric_cell(spec, t.metrics.get(spec.id), currency);
            for spec in present(groups).filter(|m| m.group != Group::Cost) {
                row.push(cell(spec));
                if spec.id == Metric::Service {
                    let s = &t.metrics.service;
                    row.extend([format!("{:.3}", s.p5), format!("{:.3}", s.p50)]);
                }
            }
            row.push(match &t.vs_first {
                None => lang.pick("(reference)", "（對照組）").to_string(),
                Some(c) => format!(
                    "{:+.3} ± {:.3}{}{:.0}%",
                    c.service_diff.mean,
                    c.service_diff.ci95,
                    lang.pick(", better in ", "，較好的比例 "),
                    100.0 * c.p_better
                ),
            });
            if groups.cost {
                row.extend(present(groups).filter(|m| m.group == Group::Cost).map(cell));
                row.push(
                    match t
                        .vs_first
                        .as_ref()
                        .and_then(|c| c.cost_diff.zip(c.p_cheaper))
                    {
                        None if t.vs_first.is_none() => {
                            lang.pick("(reference)", "（對照組）").to_string()
                        }
                        None => "-".to_string(),
                        Some((d, p)) => format!(
                            "{:+.2} ± {:.2}{}{:.0}%",
                            d.mean,
                            d.ci95,
                            lang.pick(", cheaper in ", "，較便宜的比例 "),
                            100.0 * p
                        ),
                    },
                );
            }
            row
        })
        .collect()
}

/// The optional metric groups any of `reports` carries.
pub(crate) fn any_groups(reports: &[RunReport]) -> MetricGroups {
    reports
        .iter()
        .map(RunReport::groups)
        .fold(MetricGroups::default(), MetricGroups::union)
}

/// The comparison table's cell of metric `spec` whose summary is
/// `summary` (`-` for a report without the metric); money in `currency`.
fn metric_cell(spec: &MetricSpec, summary: Option<&Summary>, currency: &str) -> String {
    let Some(s) = summary else {
        return "-".to_string();
    };
    match spec.shown {
        Shown::MeanCi => format!("{:.3} ± {:.3}", s.mean, s.ci95),
        Shown::Mean3 => format!("{:.3}", s.mean),
        Shown::Mean2 => format!("{:.2}", s.mean),
        Shown::Mean1 => format!("{:.1}", s.mean),
        Shown::Percent => format!("{:.1}%", 100.0 * s.mean),
        Shown::Money => format!("{currency}{:.2}", s.mean),
        Shown::MoneyCi => format!("{currency}{:.2} ± {:.2}", s.mean, s.ci95),
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// The legend printed under human-readable tables of `reports` (English).
pub(crate) fn legend(reports: &[RunReport]) -> String {
    crate::lang::Lang::En.legend(any_groups(reports))
}
