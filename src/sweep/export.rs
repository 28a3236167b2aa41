//! Sweep reports as bytes: a human table, tidy CSV, JSON and Markdown.
//! Each records the command that reproduces it.

use std::fmt::Write as _;

use serde::Serialize;

use super::{AttackCurve, SweepReport};
use crate::report::{Format, ScenarioRef, csv_field};

/// Serialise `reports` (one per scenario) in `format`.
pub fn serialize(format: Format, reports: &[SweepReport], command: &str) -> Vec<u8> {
    let text = match format {
        Format::Table => table(reports, command),
        Format::Csv => csv(reports, command),
        Format::Json => json(reports, command),
        Format::Markdown => markdown(reports, command),
    };
    format.finish(text.into_bytes())
}

/// Columns of a sparkline: at most this many samples from f = 0 to 1.
const SPARK_WIDTH: usize = 21;

/// A compact curve: `█` = 1 … `▁` = just above 0, `·` = 0.
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let n = values.len();
    if n == 0 {
        return String::new();
    }
    let width = n.min(SPARK_WIDTH);
    (0..width)
        .map(|j| {
            // Nearest point to f = j / (width - 1).
            let i = if width == 1 {
                0
            } else {
                (j * (n - 1) + (width - 1) / 2) / (width - 1)
            };
            let v = values[i];
            if v <= 0.0 {
                '·'
            } else {
                let level = (v.min(1.0) * 8.0).ceil() as usize;
                BARS[level.clamp(1, 8) - 1]
            }
        })
        .collect()
}

/// `k_c/n (f_c)`, e.g. `1/5 (0.200)`, or `none`.
fn critical(c: &AttackCurve, n: usize) -> String {
    match (c.critical_removed, c.critical_fraction) {
        (Some(k), Some(f)) => format!("{k}/{n} ({f:.3})"),
        _ => "none".to_string(),
    }
}

/// R to three places, `~` marking the trapezoid estimate of large graphs.
fn robustness(c: &AttackCurve) -> String {
    match c.robustness {
        Some(r) if c.robustness_exact => format!("{r:.3}"),
        Some(r) => format!("~{r:.3}"),
        None => String::new(),
    }
}

fn describe(r: &SweepReport) -> String {
    let random = r
        .topologies
        .iter()
        .flat_map(|t| &t.curves)
        .any(|c| !c.attack.is_targeted());
    let targeted = r
        .topologies
        .iter()
        .flat_map(|t| &t.curves)
        .any(|c| c.attack.is_targeted());
    let mut parts = vec![format!("{} points", r.points)];
    if random {
        parts.push(format!("random: {} trials, seed {}", r.trials, r.seed));
    }
    if targeted {
        parts.push(
            if r.adaptive {
                "targeted: adaptive (re-ranked after each removal)"
            } else {
                "targeted: ranked once on the intact graph"
            }
            .to_string(),
        );
    }
    parts.push(format!(
        "service level {}",
        crate::scenario::Num(r.service_level)
    ));
    parts.join(" · ")
}

const HEADER: [&str; 8] = [
    "topology",
    "nodes",
    "attack",
    "R",
    "k_c/n (f_c)",
    "φ at f=0.5",
    "φ  f = 0 → 1",
    "giant  f = 0 → 1",
];

fn rows(r: &SweepReport) -> Vec<[String; 8]> {
    let mut out = Vec::new();
    for t in &r.topologies {
        for c in &t.curves {
            let phi: Vec<f64> = c.phi.iter().map(|b| b.mean).collect();
            let giant: Vec<f64> = c.giant.iter().map(|b| b.mean).collect();
            out.push([
                t.id.clone(),
                t.nodes.to_string(),
                c.attack.to_string(),
                robustness(c),
                critical(c, t.nodes),
                at_half(c),
                sparkline(&phi),
                sparkline(&giant),
            ]);
        }
    }
    out
}

/// φ at the point nearest f = 0.5 (mean ± CI for random removal).
fn at_half(c: &AttackCurve) -> String {
    let Some(i) = c
        .fractions
        .iter()
        .enumerate()
        .min_by(|a, b| (a.1 - 0.5).abs().total_cmp(&(b.1 - 0.5).abs()))
        .map(|(i, _)| i)
    else {
        return String::new();
    };
    match c.phi.get(i) {
        None => String::new(),
        Some(b) if c.attack.is_targeted() => format!("{:.3}", b.mean),
        Some(b) => format!("{:.3} ± {:.3}", b.mean, b.ci95),
    }
}

const LEGEND: &str = "R = robustness, (1/n) Σ_{k=1..n} φ(k): the mean throughput left as nodes are removed\n\
one by one (Schneider et al. 2011), fair between sizes: 0 for a chain, higher is sturdier (~ = estimated\n\
from the curve's points on graphs over 2000 nodes). k = nodes removed of n, f = k/n; φ = max flow /\n\
baseline; giant = largest connected component (links taken both ways) / all nodes; k_c = first k\n\
where φ (random: its mean over trials) falls below the service level. Curves: one character per\n\
point from k = 0 (left) to n (right), █ = 1 … ▁ = near 0, · = 0. Full curves: --format csv or json.";

fn table(reports: &[SweepReport], command: &str) -> String {
    let mut out = String::new();
    for r in reports {
        let _ = write!(
            out,
            "Attack tolerance: {}\n{}\n\n",
            crate::report::escape::visible(&r.scenario.name),
            describe(r)
        );
        let mut all: Vec<Vec<String>> = vec![HEADER.iter().map(|s| s.to_string()).collect()];
        all.extend(rows(r).into_iter().map(Vec::from));
        // Numbers right-aligned, text and curves left-aligned.
        out.push_str(&crate::report::aligned(&all, |c| {
            !matches!(c, 1 | 3 | 4 | 5)
        }));
        out.push('\n');
    }
    let _ = write!(out, "{LEGEND}\n\nreproduce: {command}\n");
    out
}

fn markdown(reports: &[SweepReport], command: &str) -> String {
    let cell = crate::report::escape::markdown_inline;
    let mut out = String::new();
    for r in reports {
        let _ = write!(
            out,
            "### Attack tolerance: {}\n\n{}\n\n",
            cell(&r.scenario.name),
            describe(r)
        );
        let _ = writeln!(out, "| {} |", HEADER.join(" | "));
        out.push_str("|:--|--:|:--|--:|--:|--:|:--|:--|\n");
        for row in rows(r) {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, s)| if c >= 6 { format!("`{s}`") } else { cell(s) })
                .collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        out.push('\n');
    }
    let _ = write!(out, "{LEGEND}\n\nReproduce: `{command}`\n");
    out
}

fn csv(reports: &[SweepReport], command: &str) -> String {
    let mut out = String::from(
        "scenario,topology,nodes,attack,removed,f,phi_mean,phi_ci95,giant_mean,giant_ci95,critical_removed,critical_fraction,robustness,command\n",
    );
    let command = csv_field(command);
    for r in reports {
        let name = csv_field(&r.scenario.name);
        for t in &r.topologies {
            let id = csv_field(&t.id);
            for c in &t.curves {
                for (i, f) in c.fractions.iter().enumerate() {
                    let (pm, pc) = c
                        .phi
                        .get(i)
                        .map_or((f64::NAN, f64::NAN), |b| (b.mean, b.ci95));
                    let g = c.giant[i];
                    let opt = |x: Option<String>| x.unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "{name},{id},{},{},{},{f},{pm},{pc},{},{},{},{},{},{command}",
                        t.nodes,
                        c.attack,
                        c.removed[i],
                        g.mean,
                        g.ci95,
                        opt(c.critical_removed.map(|k| k.to_string())),
                        opt(c.critical_fraction.map(|f| f.to_string())),
                        opt(c.robustness.map(|r| r.to_string())),
                    );
                }
            }
        }
    }
    out
}

/// The stable JSON shape of one scenario's sweep.
#[derive(Serialize)]
struct JsonReport<'a> {
    version: &'a str,
    scenario: &'a ScenarioRef,
    service_level: f64,
    seed: u64,
    trials: u64,
    points: usize,
    adaptive: bool,
    topologies: Vec<JsonTopology<'a>>,
    command: &'a str,
}

#[derive(Serialize)]
struct JsonTopology<'a> {
    id: &'a str,
    label: &'a str,
    nodes: usize,
    links: usize,
    baseline: f64,
    attacks: Vec<JsonCurve>,
}

#[derive(Serialize)]
struct JsonCurve {
    attack: super::Attack,
    trials: u64,
    critical_removed: Option<usize>,
    critical_fraction: Option<f64>,
    robustness: Option<f64>,
    robustness_exact: bool,
    points: Vec<JsonPoint>,
}

#[derive(Serialize)]
struct JsonPoint {
    f: f64,
    removed: usize,
    phi_mean: f64,
    phi_ci95: f64,
    giant_mean: f64,
    giant_ci95: f64,
}

fn json(reports: &[SweepReport], command: &str) -> String {
    let items: Vec<JsonReport<'_>> = reports
        .iter()
        .map(|r| JsonReport {
            version: r.version,
            scenario: &r.scenario,
            service_level: r.service_level,
            seed: r.seed,
            trials: r.trials,
            points: r.points,
            adaptive: r.adaptive,
            command,
            topologies: r
                .topologies
                .iter()
                .map(|t| JsonTopology {
                    id: &t.id,
                    label: &t.label,
                    nodes: t.nodes,
                    links: t.links,
                    baseline: t.baseline,
                    attacks: t
                        .curves
                        .iter()
                        .map(|c| JsonCurve {
                            attack: c.attack,
                            trials: c.trials,
                            critical_removed: c.critical_removed,
                            critical_fraction: c.critical_fraction,
                            robustness: c.robustness,
                            robustness_exact: c.robustness_exact,
                            points: (0..c.fractions.len())
                                .map(|i| JsonPoint {
                                    f: c.fractions[i],
                                    removed: c.removed[i],
                                    phi_mean: c.phi.get(i).map_or(0.0, |b| b.mean),
                                    phi_ci95: c.phi.get(i).map_or(0.0, |b| b.ci95),
                                    giant_mean: c.giant[i].mean,
                                    giant_ci95: c.giant[i].ci95,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let mut out = match items.as_slice() {
        [one] => serde_json::to_string_pretty(one),
        many => serde_json::to_string_pretty(many),
    }
    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_levels() {
        assert_eq!(sparkline(&[1.0, 0.5, 0.01, 0.0]), "█▄▁·");
        // 1001 points are sampled down to 21 columns, ends included.
        let v: Vec<f64> = (0..1001).map(|i| 1.0 - i as f64 / 1000.0).collect();
        let s = sparkline(&v);
        assert_eq!(s.chars().count(), 21);
        assert!(s.starts_with('█') && s.ends_with('·'));
    }
}
