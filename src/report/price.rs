//! The price of resilience (`chainmesh price`) in every output format, as bytes.
//!
//! Table and Markdown: one row per risk scale (the calm cost first, the
//! break-even last), one column per topology, in `--lang`'s words. CSV: one
//! row per topology × scale, the reproduce command as the last column, no
//! comment line. JSON: `{"version", "scenario": {"name", "sha256"},
//! "currency", "seed", "trials", "steps", "scales", "topologies": [{"id",
//! "label", "baseline", "cost_calm": metric, "costs": [{"scale", metric…,
//! "vs_first": {"mean", "ci95", "p_cheaper"} | null}], "break_even": number |
//! null, "break_even_interpolated"}], "command"}` where a metric is the
//! object `run` writes for its metrics (`mean`, `std`, `ci95`, `p5`, `p50`,
//! `p95`; `cost_calm` with zero spread). Machine formats keep English keys.

use std::fmt::Write as _;

use serde::Serialize;

use super::escape::{markdown_inline, visible};
use super::{Format, ScenarioRef, aligned, csv_field};
use crate::lang::Lang;
use crate::price::{BreakEven, CostDiff, PriceReport};
use crate::scenario::Num;
use crate::stats::Summary;

/// The price report in `format` (`lang` for the table and Markdown words).
pub fn serialize(format: Format, report: &PriceReport, command: &str, lang: Lang) -> Vec<u8> {
    let text = match format {
        Format::Table => human(report, command, lang, false),
        Format::Markdown => human(report, command, lang, true),
        Format::Csv => csv(report, command),
        Format::Json => json(report, command),
    };
    format.finish(text.into_bytes())
}

/// Decimals for money of magnitude up to `max`: about four significant digits.
fn decimals(max: f64) -> usize {
    match max.abs() {
        m if m >= 1000.0 => 0,
        m if m >= 100.0 => 1,
        m if m >= 10.0 => 2,
        _ => 3,
    }
}

/// The largest cost the report shows (for [`decimals`]).
fn largest(report: &PriceReport) -> f64 {
    report
        .topologies
        .iter()
        .flat_map(|t| t.costs.iter().map(|c| c.mean).chain([t.cost_calm]))
        .fold(0.0, f64::max)
}

/// A risk scale for people: `1` as "1 (today)".
pub fn scale_label(s: f64, lang: Lang) -> String {
    if s == 1.0 {
        format!("1{}", lang.pick(" (today)", "（現況）"))
    } else {
        Num(s).to_string()
    }
}

/// The break-even cell: `—` for the first topology, `≈ 1.62 (interpolated)`,
/// `0 (first scale)` or `never in range`.
pub fn break_even_text(b: BreakEven, lang: Lang) -> String {
    match b {
        BreakEven::Reference => "—".to_string(),
        BreakEven::Interpolated(s) => {
            format!("≈ {s:.2}{}", lang.pick(" (interpolated)", "（內插）"))
        }
        BreakEven::FirstScale(s) => format!(
            "{}{}",
            Num(s),
            lang.pick(" (cheaper from the first scale)", "（第一個倍數就較便宜）")
        ),
        BreakEven::Never => lang.pick("never in range", "範圍內不會").to_string(),
    }
}

/// What the table says under itself.
fn legend(report: &PriceReport, lang: Lang) -> String {
    let first = report.topologies.first().map_or("", |t| t.id.as_str());
    match lang {
        Lang::En => format!(
            "calm = the cost with every node up and every stock full. Each cell: the cost per unit \
of baseline over a trial (fixed, unit, holding and lost-sale costs; lost sales included), mean ± 95% CI \
over the trials. break-even = the first risk scale at which the topology's expected cost falls below \
{first}'s: ≈ interpolated linearly between the two grid points around the crossing, the first scale \
itself when it is already cheaper there, \"never in range\" when it is not cheaper at any scale. \
Every scale runs the same trials (seed and trial indices) and every topology of a trial the same \
random numbers (common random numbers): the comparison is paired."
        ),
        Lang::ZhTw => format!(
            "平時 = 所有節點正常、所有庫存全滿時的成本。每一格：一次試驗中每單位基準的成本（固定、單位、持有與缺貨損失成本，含未送達的銷售），\
各次試驗的平均 ± 95% 信賴區間。損益兩平 = 該拓樸的期望成本第一次低於 {first} 的風險倍數：≈ 表示在交叉點兩側的兩個格點之間線性內插；\
若在第一個倍數就已較便宜，即為該倍數；「範圍內不會」表示在任何倍數都不較便宜。\
每個倍數都跑同一批試驗（相同種子與試驗編號），同一次試驗中各拓樸使用相同的亂數（共同隨機數）：比較是配對的。"
        ),
    }
}

/// Table (`markdown` false) or Markdown: a row per scale, a column per topology.
fn human(report: &PriceReport, command: &str, lang: Lang, markdown: bool) -> String {
    let digits = decimals(largest(report));
    let cell = |s: &str| -> String {
        if markdown {
            markdown_inline(s)
        } else {
            visible(s).into_owned()
        }
    };
    let mut out = String::new();
    let title = format!(
        "{}{}",
        lang.pick("Price of resilience: ", "韌性的代價："),
        report.name
    );
    let about = match lang {
        Lang::En => format!(
            "{} per unit of baseline, mean ± 95% CI over {} trials (seed {}, {} steps); risk scale s: failure rates, scripted shocks and hazards × s (0 = calm, 1 = the file's own risk)",
            report.currency, report.trials, report.seed, report.steps
        ),
        Lang::ZhTw => format!(
            "每單位基準的成本（{}），{} 次試驗的平均 ± 95% 信賴區間（種子 {}，{} 步）；風險倍數 s：故障率、腳本衝擊與區域災害 × s（0 = 平時，1 = 檔案原本的風險）",
            report.currency, report.trials, report.seed, report.steps
        ),
    };
    if markdown {
        let _ = write!(out, "### {}\n\n{}\n\n", cell(&title), cell(&about));
    } else {
        let _ = write!(out, "{}\n{}\n\n", cell(&title), cell(&about));
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = vec![lang.pick("scale", "風險倍數").to_string()];
    header.extend(report.topologies.iter().map(|t| cell(&t.id)));
    rows.push(header);
    let mut calm = vec![lang.pick("calm", "平時").to_string()];
    calm.extend(
        report
            .topologies
            .iter()
            .map(|t| format!("{:.digits$}", t.cost_calm)),
    );
    rows.push(calm);
    for (i, &s) in report.scales.iter().enumerate() {
        let mut row = vec![scale_label(s, lang)];
        row.extend(report.topologies.iter().map(|t| {
            let c = &t.costs[i];
            format!("{:.digits$} ± {:.digits$}", c.mean, c.ci95)
        }));
        rows.push(row);
    }
    let mut be = vec![lang.pick("break-even", "損益兩平").to_string()];
    be.extend(
        report
            .topologies
            .iter()
            .map(|t| break_even_text(t.break_even, lang)),
    );
    rows.push(be);
    if markdown {
        let mut rows = rows.into_iter();
        if let Some(h) = rows.next() {
            let _ = writeln!(out, "| {} |", h.join(" | "));
            let _ = writeln!(out, "|:--|{}", "--:|".repeat(h.len() - 1));
        }
        for r in rows {
            let _ = writeln!(out, "| {} |", r.join(" | "));
        }
        let _ = write!(
            out,
            "\n{}\n\n{}`{command}`\n",
            legend(report, lang),
            lang.pick("Reproduce: ", "重現：")
        );
    } else {
        out.push_str(&aligned(&rows, |c| c == 0));
        let _ = write!(
            out,
            "\n{}\n\n{}{command}\n",
            legend(report, lang),
            lang.pick("reproduce: ", "重現：")
        );
    }
    out
}

fn csv(report: &PriceReport, command: &str) -> String {
    let mut out = String::from(
        "scenario,topology,scale,cost_mean,cost_std,cost_ci95,cost_calm,diff_mean,diff_ci95,p_cheaper,break_even,break_even_interpolated,currency,command\n",
    );
    let name = csv_field(&report.name);
    let currency = csv_field(&report.currency);
    let command = csv_field(command);
    for t in &report.topologies {
        let id = csv_field(&t.id);
        let be = t
            .break_even
            .scale()
            .map(|s| s.to_string())
            .unwrap_or_default();
        for (i, s) in report.scales.iter().enumerate() {
            let c = &t.costs[i];
            let (dm, dc, pc) = match t.vs_first.as_ref().and_then(|v| v.get(i)) {
                Some(d) => (
                    d.mean.to_string(),
                    d.ci95.to_string(),
                    d.p_cheaper.to_string(),
                ),
                None => Default::default(),
            };
            let _ = writeln!(
                out,
                "{name},{id},{s},{},{},{},{},{dm},{dc},{pc},{be},{},{currency},{command}",
                c.mean,
                c.std,
                c.ci95,
                t.cost_calm,
                t.break_even.is_interpolated()
            );
        }
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: &'a str,
    scenario: ScenarioRef,
    currency: &'a str,
    seed: u64,
    trials: u64,
    steps: u32,
    scales: &'a [f64],
    topologies: Vec<JsonTopology<'a>>,
    command: &'a str,
}

#[derive(Serialize)]
struct JsonTopology<'a> {
    id: &'a str,
    label: &'a str,
    baseline: f64,
    cost_calm: Summary,
    costs: Vec<JsonCost>,
    break_even: Option<f64>,
    break_even_interpolated: bool,
}

#[derive(Serialize)]
struct JsonCost {
    scale: f64,
    #[serde(flatten)]
    cost: Summary,
    vs_first: Option<JsonDiff>,
}

#[derive(Serialize)]
struct JsonDiff {
    mean: f64,
    ci95: f64,
    p_cheaper: f64,
}

impl From<&CostDiff> for JsonDiff {
    fn from(d: &CostDiff) -> Self {
        JsonDiff {
            mean: d.mean,
            ci95: d.ci95,
            p_cheaper: d.p_cheaper,
        }
    }
}

/// A deterministic value as a metric object (zero spread).
fn constant(x: f64) -> Summary {
    Summary {
        mean: x,
        std: 0.0,
        ci95: 0.0,
        p5: x,
        p50: x,
        p95: x,
    }
}

fn json(report: &PriceReport, command: &str) -> String {
    let doc = JsonReport {
        version: env!("CARGO_PKG_VERSION"),
        scenario: ScenarioRef {
            name: report.name.clone(),
            sha256: report.sha256.clone(),
        },
        currency: &report.currency,
        seed: report.seed,
        trials: report.trials,
        steps: report.steps,
        scales: &report.scales,
        topologies: report
            .topologies
            .iter()
            .map(|t| JsonTopology {
                id: &t.id,
                label: &t.label,
                baseline: t.baseline,
                cost_calm: constant(t.cost_calm),
                costs: report
                    .scales
                    .iter()
                    .zip(&t.costs)
                    .enumerate()
                    .map(|(i, (&scale, &cost))| JsonCost {
                        scale,
                        cost,
                        vs_first: t.vs_first.as_ref().and_then(|v| v.get(i)).map(Into::into),
                    })
                    .collect(),
                break_even: t.break_even.scale(),
                break_even_interpolated: t.break_even.is_interpolated(),
            })
            .collect(),
        command,
    };
    let mut out =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::price::TopologyPrice;

    fn report() -> PriceReport {
        let s = |m: f64| Summary {
            mean: m,
            std: 0.5,
            ci95: 0.1,
            p5: m,
            p50: m,
            p95: m,
        };
        PriceReport {
            name: "hand".into(),
            sha256: "0".into(),
            currency: "NT$".into(),
            seed: 7,
            trials: 10,
            steps: 100,
            scales: vec![0.0, 1.0, 2.0],
            topologies: vec![
                TopologyPrice {
                    id: "chain".into(),
                    label: "Chain".into(),
                    baseline: 100.0,
                    cost_calm: 1.0,
                    costs: vec![s(1.0), s(2.0), s(3.0)],
                    vs_first: None,
                    break_even: BreakEven::Reference,
                },
                TopologyPrice {
                    id: "net".into(),
                    label: "Net".into(),
                    baseline: 100.0,
                    cost_calm: 1.5,
                    costs: vec![s(1.5), s(1.75), s(2.0)],
                    vs_first: Some(vec![
                        CostDiff {
                            mean: 0.5,
                            ci95: 0.0,
                            p_cheaper: 0.0,
                        };
                        3
                    ]),
                    break_even: BreakEven::Interpolated(2.0 / 3.0),
                },
            ],
        }
    }

    #[test]
    fn the_table_has_a_row_per_scale_and_marks_the_break_even() {
        let text =
            String::from_utf8(serialize(Format::Table, &report(), "cmd", Lang::En)).expect("utf-8");
        assert!(text.contains("1 (today)"), "{text}");
        assert!(text.contains("≈ 0.67 (interpolated)"), "{text}");
        assert!(text.contains("—"), "{text}");
        let zh = String::from_utf8(serialize(Format::Markdown, &report(), "cmd", Lang::ZhTw))
            .expect("utf-8");
        assert!(zh.contains("損益兩平"), "{zh}");
        assert!(zh.contains("（內插）"), "{zh}");
    }

    #[test]
    fn csv_has_a_row_per_topology_and_scale() {
        let text =
            String::from_utf8(serialize(Format::Csv, &report(), "cmd", Lang::En)).expect("utf-8");
        assert_eq!(text.lines().count(), 1 + 2 * 3, "{text}");
        assert!(
            text.lines()
                .nth(4)
                .is_some_and(|l| l.starts_with("hand,net,0,1.5,"))
        );
    }
}
