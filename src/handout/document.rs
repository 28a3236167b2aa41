//! The handout's text: Markdown first, then the same document as one HTML
//! page with the SVG charts inlined (so it can be mailed as a single file).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use super::charts::attack_title;
use super::data::{MAX_STORED_VALUES, RISK_ROWS};
use crate::report::{Exporter, MarkdownExporter, RunReport};
use crate::sim::TopologyRisk;
use crate::sweep::SweepReport;

/// One scenario's part of the handout.
#[derive(Debug, Clone)]
pub struct Section {
    /// File-name stem of its charts.
    pub slug: String,
    /// Scenario description, if any.
    pub description: Option<String>,
    /// The comparison of its topologies.
    pub report: RunReport,
    /// Service level of the scenario.
    pub service_level: f64,
    /// Trials behind the percentile band (≤ `report.trials`).
    pub band_trials: u64,
    /// Steps of its scripted shocks.
    pub shocks: Vec<u32>,
    /// The attack-tolerance sweep, or why it was skipped.
    pub sweep: Result<SweepReport, String>,
    /// Per topology: its risk table (`chainmesh risk`), or why it was skipped.
    pub risk: Vec<Result<TopologyRisk, String>>,
}

/// File names of a section's charts (without extension).
pub fn chart_stems(slug: &str) -> [String; 3] {
    [
        format!("{slug}-service"),
        format!("{slug}-distribution"),
        format!("{slug}-attack"),
    ]
}

/// File name (without extension) of the drawing of topology `k` of a section.
pub fn drawing_stem(slug: &str, k: usize) -> String {
    format!("{slug}-topology-{}", k + 1)
}

/// Plain text from a scenario file as one line of Markdown.
fn escape(s: &str) -> String {
    crate::report::escape::markdown_inline(s)
}

/// Document title.
pub fn title(sections: &[Section]) -> String {
    match sections {
        [one] => format!("{} — chainmesh handout", one.report.scenario.name),
        many => format!(
            "Supply chain vs ecosystem network — chainmesh handout ({} scenarios)",
            many.len()
        ),
    }
}

/// The Markdown handout. `run_command` reproduces the comparison table,
/// `report_command` the whole handout.
pub fn markdown(sections: &[Section], run_command: &str, report_command: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", escape(&title(sections)));
    let _ = writeln!(
        md,
        "*Handout written by chainmesh {}.* Each trial runs every topology through the \
same random failures, repairs and scripted shocks (common random numbers, so the \
comparison is fair). Each step's throughput is the maximum flow from sources to sinks; \
**service φ** is that throughput divided by the intact network's baseline, so φ = 1 \
means nothing was lost.\n",
        env!("CARGO_PKG_VERSION")
    );
    md.push_str("## Comparison\n\n");
    let reports: Vec<RunReport> = sections.iter().map(|s| s.report.clone()).collect();
    md.push_str(&String::from_utf8_lossy(
        &MarkdownExporter.serialize(&reports, run_command),
    ));
    for s in sections {
        section(&mut md, s, sections.len() > 1);
    }
    let _ = writeln!(
        md,
        "\n---\n\nRegenerate this handout: `{}` (the same seed gives the same numbers and charts).",
        crate::report::escape::visible(report_command)
    );
    md
}

fn section(md: &mut String, s: &Section, many: bool) {
    let r = &s.report;
    let [service, distribution, attack] = chart_stems(&s.slug);
    let _ = writeln!(md, "\n## {}\n", escape(&r.scenario.name));
    // Description and lesson are plain text, not Markdown: a file must not
    // be able to inject markup (or raw HTML) into the handout.
    if let Some(d) = &s.description {
        let _ = writeln!(md, "{}\n", crate::report::escape::markdown_block(d));
    }
    if many && let Some(l) = &r.lesson {
        let _ = writeln!(md, "{}\n", crate::report::quote(l));
    }
    let topologies: Vec<String> = r
        .topologies
        .iter()
        .map(|t| format!("{} ({} nodes)", t.label, t.nodes))
        .collect();
    let _ = writeln!(
        md,
        "Topologies: {}. Seed {}, {} trials × {} steps, service level {}.\n",
        escape(&topologies.join(", ")),
        r.seed,
        r.trials,
        r.steps,
        s.service_level
    );
    for line in r.notice_lines() {
        let line = match line.strip_prefix("warning: ") {
            Some(w) => format!("**Warning:** {}", escape(w)),
            None => escape(&line),
        };
        let _ = writeln!(md, "- {line}");
    }
    if !r.notice_lines().is_empty() {
        md.push('\n');
    }

    md.push_str("### The topologies\n\n");
    for (k, t) in r.topologies.iter().enumerate() {
        let _ = writeln!(
            md,
            "![Drawing of topology {} ({}): sources on the left, then nodes by hops from a source]({}.svg)\n",
            k + 1,
            escape(&t.id),
            drawing_stem(&s.slug, k)
        );
    }

    md.push_str("### Service over time\n\n");
    let _ = writeln!(
        md,
        "![Service φ over time per topology, mean with a 90% band]({service}.svg)\n"
    );
    let _ = write!(
        md,
        "Each line is the mean φ at every step over {} trials; the shaded band holds the \
middle 90% of trials (5th to 95th percentile). The dashed line is the service level {}",
        r.trials, s.service_level
    );
    if s.shocks.is_empty() {
        md.push_str(". ");
    } else {
        md.push_str("; dotted vertical lines mark scripted shocks. ");
    }
    if r.topologies.len() >= crate::handout::charts::SMALL_MULTIPLES_FROM {
        md.push_str(
            "With this many topologies each has its own panel, so no two bands overlap; \
the grey lines in a panel are the other topologies' means. ",
        );
    }
    if s.band_trials < r.trials {
        let _ = write!(
            md,
            "The band is computed from the first {} trials only, to keep at most {} per-step \
values in memory; the mean uses all {} trials. ",
            s.band_trials, MAX_STORED_VALUES, r.trials
        );
    }
    let _ = writeln!(md, "[PNG]({service}.png)\n");

    md.push_str("### Per-trial service\n\n");
    let _ = writeln!(
        md,
        "![Distribution of per-trial service per topology]({distribution}.svg)\n"
    );
    let _ = writeln!(
        md,
        "How the {} trials are spread: each bar is the share of trials whose average φ falls \
in that bin; dashed lines mark each topology's mean. A narrow spread near 1 means \
dependable service; a long left tail means some runs go badly. [PNG]({distribution}.png)\n",
        r.trials
    );

    md.push_str("### Attack tolerance\n\n");
    match &s.sweep {
        Err(why) => {
            let _ = writeln!(md, "*Not drawn: {}.*", escape(why));
        }
        Ok(sweep) => {
            let _ = writeln!(
                md,
                "![Attack tolerance: φ against the fraction of nodes removed]({attack}.svg)\n"
            );
            let _ = writeln!(
                md,
                "Remove a growing number of nodes and measure φ on what is left. Random \
failures average {} random removal orders (shaded: 95% confidence interval); the \
targeted attacks remove the best-connected nodes first (by degree, or by betweenness \
— how many shortest paths run through a node), ranked once on the intact network. \
[PNG]({attack}.png)\n",
                sweep.trials
            );
            robustness_table(md, sweep);
            critical_table(md, sweep);
        }
    }
    risk_tables(md, &s.risk);
}

/// The risk table of each topology (`chainmesh risk`): the [`RISK_ROWS`]
/// nodes of highest exposure, and how many were cut. Ids and labels come
/// from the file and are escaped.
fn risk_tables(md: &mut String, tables: &[Result<TopologyRisk, String>]) {
    if tables.is_empty() {
        return;
    }
    md.push_str("### Risk exposure\n\n");
    md.push_str(
        "Knock out one node at step 0 and keep it down, with nothing else failing and every \
stock full (Simchi-Levi et al., HBR 2014). **TTS** (time to survive): steps until φ first \
falls below the service level (≥ H: never within the H steps); **TTR** (time to recover): \
the node's mean repair time; **lost**: units not delivered while it is down for ⌈TTR⌉ steps; \
**exposure**: lost / the topology's largest lost. A node with TTS < TTR is a risk: the \
network runs out before it is back.\n\n",
    );
    for t in tables {
        let t = match t {
            Ok(t) => t,
            Err(why) => {
                let _ = writeln!(md, "*Risk not computed: {}.*\n", escape(why));
                continue;
            }
        };
        let _ = writeln!(
            md,
            "**{}** ({}): baseline {}, horizon {} steps\n",
            escape(&t.label),
            escape(&t.id),
            t.baseline,
            t.horizon
        );
        md.push_str("| node | TTS | TTR | lost | exposure | flag |\n|:--|--:|--:|--:|--:|:--|\n");
        for r in t.rows.iter().take(RISK_ROWS) {
            let tts = if r.tts_censored {
                format!("≥ {}", r.tts)
            } else {
                r.tts.to_string()
            };
            let _ = writeln!(
                md,
                "| {} | {tts} | {:.1} | {:.1} | {:.3} | {} |",
                escape(&r.node),
                r.ttr,
                r.lost,
                r.exposure,
                if r.flag { "TTS < TTR" } else { "" }
            );
        }
        let cut = t.rows.len().saturating_sub(RISK_ROWS);
        if cut > 0 {
            let _ = writeln!(
                md,
                "\n*{cut} more node{} with lower exposure not shown; `chainmesh risk` lists every node.*",
                if cut == 1 { "" } else { "s" }
            );
        }
        md.push('\n');
    }
}

/// Robustness R = (1/n) Σ_{k=1..n} φ(k) per topology and attack: the
/// size-fair headline of the attack sweep.
fn robustness_table(md: &mut String, sweep: &SweepReport) {
    let Some(first) = sweep.topologies.first() else {
        return;
    };
    let attacks: Vec<_> = first.curves.iter().map(|c| c.attack).collect();
    md.push_str(
        "**Robustness R** — the mean φ left as nodes are removed one by one, R = (1/n) Σ φ(k) for k = 1 … n (Schneider et al., PNAS 2011). It is fair between a 5-node chain and a 22-node network: a chain scores 0 (any removal stops it); higher is sturdier.\n\n",
    );
    let head: Vec<&str> = attacks.iter().map(|&a| attack_title(a)).collect();
    let _ = writeln!(md, "| topology | {} |", head.join(" | "));
    let _ = writeln!(md, "|:--|{}", "--:|".repeat(attacks.len()));
    for t in &sweep.topologies {
        let cells: Vec<String> = t
            .curves
            .iter()
            .map(|c| match c.robustness {
                Some(r) if c.robustness_exact => format!("{r:.3}"),
                Some(r) => format!("≈ {r:.3}"),
                None => "—".to_string(),
            })
            .collect();
        let _ = writeln!(md, "| {} | {} |", escape(&t.label), cells.join(" | "));
    }
    md.push('\n');
}

/// First count (and fraction) removed at which mean φ drops below the service level.
fn critical_table(md: &mut String, sweep: &SweepReport) {
    let Some(first) = sweep.topologies.first() else {
        return;
    };
    let attacks: Vec<_> = first.curves.iter().map(|c| c.attack).collect();
    let _ = writeln!(
        md,
        "Where φ first drops below the service level {}: the fraction of nodes removed \
(and how many nodes that is; small networks move in whole nodes):\n",
        sweep.service_level
    );
    let head: Vec<&str> = attacks.iter().map(|&a| attack_title(a)).collect();
    let _ = writeln!(md, "| topology | {} |", head.join(" | "));
    let _ = writeln!(md, "|:--|{}", "--:|".repeat(attacks.len()));
    for t in &sweep.topologies {
        let cells: Vec<String> = t
            .curves
            .iter()
            .map(|c| match (c.critical_removed, c.critical_fraction) {
                (Some(k), Some(f)) => format!("{f:.2} ({k} of {} nodes)", t.nodes),
                _ => "never".to_string(),
            })
            .collect();
        let _ = writeln!(md, "| {} | {} |", escape(&t.label), cells.join(" | "));
    }
    md.push('\n');
}

/// The HTML page of `markdown`; images whose file is in `svgs` are inlined.
pub fn html(markdown: &str, title: &str, svgs: &BTreeMap<String, String>) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES);
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut skipping = false;
    for ev in parser {
        match ev {
            Event::Start(Tag::Image { ref dest_url, .. }) => match svgs.get(dest_url.as_ref()) {
                Some(svg) => {
                    events.push(Event::InlineHtml(CowStr::from(format!(
                        "<span class=\"chart\">{}</span>",
                        strip_xml_declaration(svg)
                    ))));
                    skipping = true;
                }
                None => events.push(ev),
            },
            Event::End(TagEnd::Image) if skipping => skipping = false,
            _ if skipping => {}
            // Raw HTML in the Markdown (which escapes everything from the
            // file, so this is defence in depth) is shown as text, never
            // passed through.
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            _ => events.push(ev),
        }
    }
    let mut body = String::new();
    html::push_html(&mut body, events.into_iter());
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"chainmesh {}\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n\
</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape_html(title)
    )
}

fn strip_xml_declaration(svg: &str) -> &str {
    match svg.strip_prefix("<?xml") {
        Some(rest) => rest.find("?>").map_or(svg, |i| rest[i + 2..].trim_start()),
        None => svg,
    }
}

fn escape_html(s: &str) -> String {
    crate::report::escape::html(s)
}

const STYLE: &str = "body { font-family: system-ui, -apple-system, 'Segoe UI', 'Noto Sans', sans-serif; \
color: #222; line-height: 1.5; margin: 0; }
main { max-width: 1000px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2.2rem; }
table { border-collapse: collapse; font-size: .9rem; margin: 1rem 0; display: block; overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; }
th { background: #f3f3f3; }
blockquote { border-left: 4px solid #0072b2; margin: 1rem 0; padding: .2rem 1rem; background: #f5f9fc; }
code { background: #f3f3f3; padding: 0 .2rem; }
.chart svg { display: block; max-width: 100%; height: auto; margin: .5rem 0; }
@media print {
  main { max-width: none; padding: 0; }
  table { display: table; overflow: visible; width: 100%; font-size: 8pt; }
  th, td { padding: 1pt 3pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .chart, .chart svg, table, blockquote, li { break-inside: avoid; page-break-inside: avoid; }
}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inlines_known_svgs_and_keeps_other_images() {
        let mut svgs = BTreeMap::new();
        svgs.insert(
            "a.svg".to_string(),
            "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".to_string(),
        );
        let page = html("![alt *text*](a.svg)\n\n![x](b.png)\n", "t<1>", &svgs);
        assert!(page.contains("<span class=\"chart\"><svg xmlns"));
        assert!(
            !page.contains("alt=\"alt"),
            "the inlined image's alt text is dropped"
        );
        assert!(page.contains("<img src=\"b.png\""));
        assert!(page.contains("<title>t&lt;1&gt;</title>"));
    }

    #[test]
    fn escapes_markdown() {
        assert_eq!(escape("a|b*c"), "a\\|b\\*c");
    }
}
