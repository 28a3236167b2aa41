//! `--format csv` and the `--per-trial` file.

use std::borrow::Cow;
use std::fmt::Write;

use super::{Exporter, RunReport};
use crate::sim::{
    HAZARD_METRIC_NAME, LOST_METRIC_NAME, METRIC_NAMES, Prepared, STOCK_METRIC_NAMES, TrialMetrics,
};
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
        let extra = (super::any_stocked(reports), super::any_hazards(reports));
        let mut out = summary_header(&[], extra);
        for r in reports {
            out.push_str(&summary_rows(r, &[], command, extra));
        }
        out.into_bytes()
    }
}

/// Header of every summary CSV (`run --format csv`, `merge`, `run --set`):
/// `scenario`, then `keys` (the `--set` keys, if any), then one column set
/// shared by all of them, ending in `warnings` and the reproduce `command`.
/// With `stocked`, the stock metrics' columns follow the others; with
/// `hazards`, the hazard metric's after them.
/// No comment lines: `pandas.read_csv` reads it with no options.
pub fn summary_header(keys: &[String], (stocked, hazards): (bool, bool)) -> String {
    let mut out = String::from("scenario");
    for k in keys {
        let _ = write!(out, ",{}", csv_field(k));
    }
    out.push_str(",topology,label,nodes,links,baseline,seed,trials,steps");
    let stock: &[&str] = if stocked { &STOCK_METRIC_NAMES } else { &[] };
    let hazard: &[&str] = if hazards { &[HAZARD_METRIC_NAME] } else { &[] };
    // `lost` right after `below`, as in every table.
    let (head, tail) = METRIC_NAMES.split_at(3);
    for m in head
        .iter()
        .chain([&LOST_METRIC_NAME])
        .chain(tail)
        .chain(stock)
        .chain(hazard)
    {
        for s in ["mean", "std", "ci95", "p5", "p50", "p95"] {
            let _ = write!(out, ",{m}_{s}");
        }
    }
    out.push_str(",service_diff_mean,service_diff_ci95,p_better,warnings,command\n");
    out
}

/// One [`summary_header`] row per topology of `r`; `values` fill the key
/// columns (stock columns are empty for a report without stock in a file
/// whose header has them). `warnings` joins the report's warnings with ` | `.
pub fn summary_rows(
    r: &RunReport,
    values: &[String],
    command: &str,
    (stocked, hazards): (bool, bool),
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
        for (name, s) in t.metrics.named() {
            if name == HAZARD_METRIC_NAME {
                continue;
            }
            let _ = write!(
                out,
                ",{},{},{},{},{},{}",
                s.mean, s.std, s.ci95, s.p5, s.p50, s.p95
            );
        }
        if stocked && t.metrics.stock_used.is_none() {
            out.push_str(&",".repeat(6 * STOCK_METRIC_NAMES.len()));
        }
        if hazards {
            match &t.metrics.hazard_hits {
                Some(s) => {
                    let _ = write!(
                        out,
                        ",{},{},{},{},{},{}",
                        s.mean, s.std, s.ci95, s.p5, s.p50, s.p95
                    );
                }
                None => out.push_str(&",".repeat(6)),
            }
        }
        let cells = vs_first_cells(t.vs_first.as_ref());
        let _ = writeln!(out, "{},{warnings},{command}", cells.trim_end_matches('\n'));
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
/// `stock_used,stockout` at the end when `stocked`: some scenario holds
/// stock, then `hazard_hits` when `hazards`: some scenario has hazards).
/// No comment line; the reproduce command goes to the sidecar
/// `FILE.command`.
pub fn per_trial_header(many: bool, (stocked, hazards): (bool, bool)) -> String {
    let mut out = String::new();
    if many {
        out.push_str("scenario,");
    }
    out.push_str("trial,topology,service,nadir,below,lost,recovery,collapse");
    if stocked {
        out.push_str(",stock_used,stockout");
    }
    if hazards {
        let _ = write!(out, ",{HAZARD_METRIC_NAME}");
    }
    out.push('\n');
    out
}

/// `--per-trial` rows of consecutive trials from `first_trial`; `rows` is
/// trial-major, one [`TrialMetrics`] per topology of `prep` (whose
/// baselines give the lost units).
pub fn per_trial_rows(
    prep: &Prepared,
    (many, stocked, hazards): (bool, bool, bool),
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
            let _ = write!(
                out,
                "{trial},{},{},{},{},{},{},{}",
                csv_field(&t.id),
                m.service,
                m.nadir,
                m.below,
                crate::sim::lost_units(m.service, p.net.baseline()),
                m.recovery,
                m.collapse
            );
            match (stocked, m.stock) {
                (false, _) => {}
                (true, Some(s)) => {
                    let _ = write!(out, ",{},{}", s.used, s.stockout);
                }
                (true, None) => out.push_str(",,"),
            }
            match (hazards, m.hazard_hits) {
                (false, _) => {}
                (true, Some(h)) => {
                    let _ = write!(out, ",{h}");
                }
                (true, None) => out.push(','),
            }
            out.push('\n');
        }
    }
    out
}
