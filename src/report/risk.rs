//! The risk table (`chainmesh risk`) in every output format, as bytes.
//!
//! Columns: node, TTS (steps; `≥ H` when censored), TTR (mean repair),
//! lost (units over ⌈TTR⌉ steps), exposure (lost / the largest lost), flag
//! (`TTS < TTR`). JSON: `{"scenario", "command", "topologies": [{"id",
//! "label", "baseline", "horizon", "service_level", "rows": [{"node", "tts",
//! "tts_censored", "ttr", "lost", "exposure", "flag"}]}]}`. CSV: one row per
//! topology × node, no comment line (loads with `pandas.read_csv` as is).

use std::fmt::Write as _;

use serde::Serialize;

use super::escape::{markdown_inline, visible};
use super::{Format, aligned, csv_field};
use crate::sim::{RiskRow, TopologyRisk};

#[derive(Serialize)]
struct JsonRow<'a> {
    node: &'a str,
    tts: u32,
    tts_censored: bool,
    ttr: f64,
    lost: f64,
    exposure: f64,
    flag: bool,
}

#[derive(Serialize)]
struct JsonTopology<'a> {
    id: &'a str,
    label: &'a str,
    baseline: f64,
    horizon: u32,
    service_level: f64,
    rows: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct JsonRisk<'a> {
    scenario: &'a str,
    command: &'a str,
    topologies: Vec<JsonTopology<'a>>,
}

fn tts_cell(r: &RiskRow) -> String {
    if r.tts_censored {
        format!("≥ {}", r.tts)
    } else {
        r.tts.to_string()
    }
}

fn cells(r: &RiskRow) -> Vec<String> {
    vec![
        r.node.clone(),
        tts_cell(r),
        format!("{:.1}", r.ttr),
        format!("{:.1}", r.lost),
        format!("{:.3}", r.exposure),
        if r.flag {
            "TTS < TTR".into()
        } else {
            String::new()
        },
    ]
}

const HEADER: [&str; 6] = ["node", "TTS", "TTR", "lost", "exposure", "flag"];

/// The risk tables of one scenario in `format`.
pub fn serialize(
    format: Format,
    scenario: &str,
    tables: &[TopologyRisk],
    command: &str,
) -> Vec<u8> {
    serialize_by(format, scenario, tables, command, "node")
}

/// [`serialize`] of tables whose rows knock out a `unit` ("node", or
/// "region" for `risk --by region`): the first column of the table and
/// CSV formats, and the legend, say which (JSON keeps the key `node`).
pub fn serialize_by(
    format: Format,
    scenario: &str,
    tables: &[TopologyRisk],
    command: &str,
    unit: &str,
) -> Vec<u8> {
    let mut header = HEADER;
    header[0] = unit;
    let mut out = String::new();
    match format {
        Format::Table | Format::Markdown => {
            let md = format == Format::Markdown;
            let name = visible(scenario).into_owned();
            if md {
                let _ = writeln!(out, "### Risk exposure: {}\n", markdown_inline(scenario));
            } else {
                let _ = writeln!(out, "Risk exposure: {name}\n");
            }
            for t in tables {
                let title = format!(
                    "{} ({}): baseline {}, service level {}, horizon {} steps",
                    t.id,
                    visible(&t.label),
                    t.baseline,
                    crate::scenario::Num(t.service_level),
                    t.horizon
                );
                if md {
                    let _ = writeln!(out, "**{}**\n", markdown_inline(&title));
                    let _ = writeln!(out, "| {} |", header.join(" | "));
                    let _ = writeln!(out, "|:--|--:|--:|--:|--:|:--|");
                    for r in &t.rows {
                        let _ = writeln!(out, "| {} |", cells(r).join(" | "));
                    }
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "{title}");
                    let mut rows = vec![header.iter().map(|s| s.to_string()).collect()];
                    rows.extend(t.rows.iter().map(cells));
                    out.push_str(&aligned(&rows, |c| c == 0 || c == 5));
                    out.push('\n');
                }
            }
            let legend = format!(
                "TTS: steps until service first falls below the service level with the {unit} down (≥ H: never within the horizon); TTR: mean repair{}; lost: units not delivered over ⌈TTR⌉ steps; exposure: lost / the topology's largest lost.",
                if unit == "node" {
                    ""
                } else {
                    " (the longest among its nodes)"
                }
            );
            if md {
                let _ = writeln!(out, "{legend}\n\n`{command}`");
            } else {
                let _ = writeln!(out, "{legend}\n\nreproduce: {command}");
            }
        }
        Format::Csv => {
            let _ = writeln!(
                out,
                "topology,{unit},tts,tts_censored,ttr,lost,exposure,flag"
            );
            for t in tables {
                for r in &t.rows {
                    let _ = writeln!(
                        out,
                        "{},{},{},{},{},{},{},{}",
                        csv_field(&t.id),
                        csv_field(&r.node),
                        r.tts,
                        r.tts_censored,
                        r.ttr,
                        r.lost,
                        r.exposure,
                        r.flag
                    );
                }
            }
        }
        Format::Json => {
            let doc = JsonRisk {
                scenario,
                command,
                topologies: tables
                    .iter()
                    .map(|t| JsonTopology {
                        id: &t.id,
                        label: &t.label,
                        baseline: t.baseline,
                        horizon: t.horizon,
                        service_level: t.service_level,
                        rows: t
                            .rows
                            .iter()
                            .map(|r| JsonRow {
                                node: &r.node,
                                tts: r.tts,
                                tts_censored: r.tts_censored,
                                ttr: r.ttr,
                                lost: r.lost,
                                exposure: r.exposure,
                                flag: r.flag,
                            })
                            .collect(),
                    })
                    .collect(),
            };
            let mut bytes = serde_json::to_vec_pretty(&doc)
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}").into_bytes());
            bytes.push(b'\n');
            return super::escape::json(bytes);
        }
    }
    out.into_bytes()
}
