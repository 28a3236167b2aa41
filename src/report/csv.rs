//! `--format csv` and the `--per-trial` file.

use std::borrow::Cow;
use std::fmt::Write;

use super::{Exporter, RunReport};
use crate::metrics::{MetricGroups, present};
use crate::sim::{Prepared, TrialMetrics};
use crate::stats::PairedComparison;

/// CSV exporter: one row per scenario × topology, every summary in columns.
pub struct CsvExporter;

/// One text cell of every CSV chainmesh writes (numbers are written as
/// they are, never through here): unsafe characters (controls, line
/// breaks, bidi overrides) as `\uXXXX` ([`super::escape::visible`]), a
/// cell a spreadsheet would run as a formula neutralised ([`formula_safe`]),
/// then RFC 4180 quoting if needed.
pub fn csv_field(s: &str) -> String {
    let s = super::escape::visible(s);
    let s = formula_safe(&s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `s` with an apostrophe in front when it starts with `=`, `+`, `-`, `@`,
/// TAB or CR and is not a number (OWASP's rule against CSV formula
/// injection: Excel, LibreOffice and Google Sheets would evaluate
/// `=HYPERLINK(…)`, and show the apostrophe-led cell as text). A text cell
/// that reads as a number (`-0.5`, a `--set` value) is left alone.
pub fn formula_safe(s: &str) -> Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && s.parse::<f64>().is_err() {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

impl Exporter for CsvExporter {
    fn serialize(&self, reports: &[RunReport], command: &str) -> Vec<u8> {
        let groups = super::any_groups(reports);
        let mut out = summary_header(&[], groups);
        for r in reports {
            out.push_str(&summary_rows(r, &[], command, groups));
        }
        out.into_bytes()
    }
}

/// Header of every summary CSV (`run --format csv`, `merge`, `run --set`):
/// `scenario`, then `keys` (the `--set` keys, if any), then one column set
/// shared by all of them, ending in `warnings` and the reproduce `command`.
/// With `groups.stock`, the stock metrics' columns follow the others, then
/// with `groups.hazard` the hazard metric's, then with `groups.cost` the
/// cost metrics' and, after `p_better`, the paired cost difference
/// (`cost_diff_mean,cost_diff_ci95,p_cheaper`).
/// No comment lines: `pandas.read_csv` reads it with no options.
pub fn summary_header(keys: &[String], groups: MetricGroups) -> String {
    let mut out = String::from("scenario");
    for k in keys {
        let _ = write!(out, ",{}", csv_field(k));
    }
    out.push_str(",topology,label,nodes,links,baseline,seed,trials,steps");
    for m in present(groups) {
        for s in ["mean", "std", "ci95", "p5", "p50", "p95"] {
            let _ = write!(out, ",{}_{s}", m.name);
        }
    }
    out.push_str(",service_diff_mean,service_diff_ci95,p_better");
    if groups.cost {
        out.push_str(",cost_diff_mean,cost_diff_ci95,p_cheaper");
    }
    out.push_str(",warnings,command\n");
    out
}

/// One [`summary_header`] row per topology of `r`; `values` fill the key
/// columns (stock or cost columns are empty for a report without them in a
/// file whose header has them). `warnings` joins the report's warnings with
/// ` | `.
pub fn summary_rows(
    r: &RunReport,
    values: &[String],
    command: &str,
    groups: MetricGroups,
) -> String {
    let mut out = String::new();
    let warnings = csv_field(&r.warnings.join(" | "));
    let command = csv_field(command);
    for t in &r.topologies {
        let _ = write!(out, "{}", csv_field(&r.scenario.name));
        for v in values {
            let _ = write!(out, ",{}", csv_field(v));
        }
        let _ = write!(
            out,
            ",{},{},{},{},{},{},{},{}",
            csv_field(&t.id),
            csv_field(&t.label),
            t.nodes,
            t.links,
            t.baseline,
            r.seed,
            r.trials,
            r.steps
        );
        let summaries = present(groups).map(|m| t.metrics.get(m.id));
        for s in summaries {
            match s {
                Some(s) => {
                    let _ = write!(
                        out,
                        ",{},{},{},{},{},{}",
                        s.mean, s.std, s.ci95, s.p5, s.p50, s.p95
                    );
                }
                None => out.push_str(",,,,,,"),
            }
        }
        let cells = vs_first_cells(t.vs_first.as_ref());
        out.push_str(cells.trim_end_matches('\n'));
        if groups.cost {
            match t
                .vs_first
                .as_ref()
                .and_then(|c| c.cost_diff.zip(c.p_cheaper))
            {
                Some((d, p)) => {
                    let _ = write!(out, ",{},{},{p}", d.mean, d.ci95);
                }
                None => out.push_str(",,,"),
            }
        }
        let _ = writeln!(out, ",{warnings},{command}");
    }
    out
}

/// `,service_diff_mean,service_diff_ci95,p_better` and a newline (empty
/// cells for the reference topology).
pub fn vs_first_cells(vs_first: Option<&PairedComparison>) -> String {
    match vs_first {
        None => ",,,\n".to_string(),
        Some(c) => format!(
            ",{},{},{}\n",
            c.service_diff.mean, c.service_diff.ci95, c.p_better
        ),
    }
}

/// Header of the `--per-trial` file:
/// `trial,topology,service,nadir,below,lost,recovery,collapse` (with a leading
/// `scenario` column when `many` scenarios share the file, and
/// `stock_used,stockout` at the end when some scenario holds stock, then
/// `hazard_hits` when some scenario has hazards, then
/// `cost_calm,cost,cost_risk` when something costs money). No comment line;
/// the reproduce command goes to the sidecar `FILE.command`.
pub fn per_trial_header(many: bool, groups: MetricGroups) -> String {
    let mut out = String::new();
    if many {
        out.push_str("scenario,");
    }
    out.push_str("trial,topology");
    for m in present(groups) {
        let _ = write!(out, ",{}", m.name);
    }
    out.push('\n');
    out
}

/// `--per-trial` rows of consecutive trials from `first_trial`; `rows` is
/// trial-major, one [`TrialMetrics`] per topology of `prep` (whose
/// baselines give the lost units).
pub fn per_trial_rows(
    prep: &Prepared,
    (many, groups): (bool, MetricGroups),
    first_trial: u64,
    rows: &[TrialMetrics],
) -> String {
    let mut out = String::new();
    let scenario = &prep.scenario;
    let name = csv_field(&scenario.name);
    let k = scenario.topologies.len().max(1);
    for (row, chunk) in rows.chunks(k).enumerate() {
        let trial = first_trial + row as u64;
        for ((t, p), m) in scenario.topologies.iter().zip(&prep.topologies).zip(chunk) {
            if many {
                let _ = write!(out, "{name},");
            }
            let _ = write!(out, "{trial},{}", csv_field(&t.id));
            let baseline = p.net.baseline();
            for spec in present(groups) {
                match m.value(spec.id, baseline) {
                    Some(v) => {
                        let _ = write!(out, ",{v}");
                    }
                    None => out.push(','),
                }
            }
            out.push('\n');
        }
    }
    out
}
