//! The handout's text: Markdown first, then the same document as one HTML
//! page with the SVG charts inlined (so it can be mailed as a single file).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use super::HandoutError;
use super::charts::attack_title;
use super::data::{MAX_STORED_VALUES, RISK_ROWS};
use crate::lang::Lang;
use crate::price::{BreakEven, PriceReport};
use crate::report::price::{break_even_text, scale_label};
use crate::report::{RunReport, localized_markdown};
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
    pub sweep: Result<SweepReport, HandoutError>,
    /// Per topology: its risk table (`chainmesh risk`), or why it was skipped.
    pub risk: Vec<Result<TopologyRisk, HandoutError>>,
    /// The price of resilience (`chainmesh price`), for a scenario with costs.
    pub price: Option<PriceReport>,
}

/// File names of a section's charts (without extension).
pub fn chart_stems(slug: &str) -> [String; 3] {
    [
        format!("{slug}-service"),
        format!("{slug}-distribution"),
        format!("{slug}-attack"),
    ]
}

/// File name (without extension) of a section's price chart (scenarios with costs).
pub fn price_stem(slug: &str) -> String {
    format!("{slug}-price")
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
pub fn title(sections: &[Section], lang: Lang) -> String {
    match (sections, lang) {
        ([one], Lang::En) => format!("{} — chainmesh handout", one.report.scenario.name),
        ([one], Lang::ZhTw) => format!("{} — chainmesh 講義", one.report.scenario.name),
        (many, Lang::En) => format!(
            "Supply chain vs ecosystem network — chainmesh handout ({} scenarios)",
            many.len()
        ),
        (many, Lang::ZhTw) => format!(
            "線性供應鏈與生態系網路 — chainmesh 講義（{} 個情境）",
            many.len()
        ),
    }
}

/// The Markdown handout in `lang`. `run_command` reproduces the
/// comparison table, `report_command` the whole handout.
pub fn markdown(
    sections: &[Section],
    run_command: &str,
    report_command: &str,
    lang: Lang,
) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", escape(&title(sections, lang)));
    let version = env!("CARGO_PKG_VERSION");
    let _ = match lang {
        Lang::En => writeln!(
            md,
            "*Handout written by chainmesh {version}.* Each trial runs every topology through the \
same random failures, repairs and scripted shocks (common random numbers, so the \
comparison is fair). Each step's throughput is the maximum flow from sources to sinks \
(assemblers need every part of their bill of materials; stock on a shelf covers a shortfall \
while it lasts); **service φ** is that throughput divided by the intact network's baseline, so φ = 1 \
means nothing was lost.\n"
        ),
        Lang::ZhTw => writeln!(
            md,
            "*本講義由 chainmesh {version} 產生。* 每次試驗讓每個拓樸經歷相同的隨機故障、修復與\
腳本衝擊（共同隨機數，所以比較是公平的）。每一步的吞吐量是從來源到終端的最大流量\
（組裝節點需要物料清單上的每一種零件；庫存在用完之前可以補上缺口）；\
**服務水準 φ** 是該吞吐量除以完整網路的基準，φ = 1 表示沒有任何損失。\n"
        ),
    };
    let _ = writeln!(md, "## {}\n", lang.pick("Comparison", "比較"));
    let reports: Vec<RunReport> = sections.iter().map(|s| s.report.clone()).collect();
    md.push_str(&String::from_utf8_lossy(
        &crate::report::escape::terminal_bytes(
            localized_markdown(&reports, run_command, lang).into_bytes(),
        ),
    ));
    for s in sections {
        section(&mut md, s, sections.len() > 1, lang);
    }
    let report_command = crate::report::escape::visible(report_command);
    let _ = match lang {
        Lang::En => writeln!(
            md,
            "\n---\n\nRegenerate this handout: `{report_command}` (the same seed gives the same numbers and charts)."
        ),
        Lang::ZhTw => writeln!(
            md,
            "\n---\n\n重新產生本講義：`{report_command}`（相同的種子得到相同的數字與圖表）。"
        ),
    };
    md
}

fn section(md: &mut String, s: &Section, many: bool, lang: Lang) {
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
        .map(|t| match lang {
            Lang::En => format!("{} ({} nodes)", t.label, t.nodes),
            Lang::ZhTw => format!("{}（{} 個節點）", t.label, t.nodes),
        })
        .collect();
    let (seed, trials, steps, level) = (
        r.seed,
        r.trials,
        r.steps,
        crate::scenario::Num(s.service_level),
    );
    let _ = match lang {
        Lang::En => writeln!(
            md,
            "Topologies: {}. Seed {seed}, {trials} trials × {steps} steps, service level {level}.\n",
            escape(&topologies.join(", ")),
        ),
        Lang::ZhTw => writeln!(
            md,
            "拓樸：{}。種子 {seed}，{trials} 次試驗 × {steps} 步，服務門檻 {level}。\n",
            escape(&topologies.join("、")),
        ),
    };
    let notices = r.notice_lines_in(lang);
    for line in &notices {
        let line = match line.strip_prefix("warning: ") {
            Some(w) => format!("**{}:** {}", lang.pick("Warning", "警告"), escape(w)),
            None => escape(line),
        };
        let _ = writeln!(md, "- {line}");
    }
    if !notices.is_empty() {
        md.push('\n');
    }

    let _ = writeln!(md, "### {}\n", lang.pick("The topologies", "拓樸圖"));
    for (k, t) in r.topologies.iter().enumerate() {
        let (n, id, stem) = (k + 1, escape(&t.id), drawing_stem(&s.slug, k));
        let _ = match lang {
            Lang::En => writeln!(
                md,
                "![Drawing of topology {n} ({id}): sources on the left, then nodes by hops from a source]({stem}.svg)\n"
            ),
            Lang::ZhTw => writeln!(
                md,
                "![拓樸 {n}（{id}）的圖：來源在左，其餘節點依距離來源的跳數排列]({stem}.svg)\n"
            ),
        };
    }

    let _ = writeln!(
        md,
        "### {}\n",
        lang.pick("Service over time", "服務水準隨時間變化")
    );
    let _ = writeln!(
        md,
        "![{}]({service}.svg)\n",
        lang.pick(
            "Service φ over time per topology, mean with a 90% band",
            "各拓樸的服務水準 φ 隨時間變化，平均與 90% 區間"
        )
    );
    let _ = match lang {
        Lang::En => write!(
            md,
            "Each line is the mean φ at every step over {trials} trials; the shaded band holds the \
middle 90% of trials (5th to 95th percentile). The dashed line is the service level {level}"
        ),
        Lang::ZhTw => write!(
            md,
            "每條線是 {trials} 次試驗在每一步的平均 φ；陰影區間涵蓋中間 90% 的試驗\
（第 5 至第 95 百分位）。虛線是服務門檻 {level}"
        ),
    };
    md.push_str(match (s.shocks.is_empty(), lang) {
        (true, Lang::En) => ". ",
        (false, Lang::En) => "; dotted vertical lines mark scripted shocks. ",
        (true, Lang::ZhTw) => "。",
        (false, Lang::ZhTw) => "；垂直點線標示腳本衝擊。",
    });
    if r.topologies.len() >= crate::handout::charts::SMALL_MULTIPLES_FROM {
        md.push_str(lang.pick(
            "With this many topologies each has its own panel, so no two bands overlap; \
the grey lines in a panel are the other topologies' means. ",
            "拓樸這麼多時每個拓樸各有一格，區間不會互相重疊；格中的灰線是其他拓樸的平均。",
        ));
    }
    if s.band_trials < r.trials {
        let band = s.band_trials;
        let _ = match lang {
            Lang::En => write!(
                md,
                "The band is computed from the first {band} trials only, to keep at most \
{MAX_STORED_VALUES} per-step values in memory; the mean uses all {trials} trials. "
            ),
            Lang::ZhTw => write!(
                md,
                "為了讓記憶體中最多只保留 {MAX_STORED_VALUES} 個逐步數值，區間只由前 {band} 次試驗\
計算；平均使用全部 {trials} 次試驗。"
            ),
        };
    }
    let _ = writeln!(md, "[PNG]({service}.png)\n");

    let _ = writeln!(
        md,
        "### {}\n",
        lang.pick("Per-trial service", "每次試驗的服務水準")
    );
    let _ = writeln!(
        md,
        "![{}]({distribution}.svg)\n",
        lang.pick(
            "Distribution of per-trial service per topology",
            "各拓樸每次試驗服務水準的分布"
        )
    );
    let _ = match lang {
        Lang::En => writeln!(
            md,
            "How the {trials} trials are spread: each bar is the share of trials whose average φ falls \
in that bin; dashed lines mark each topology's mean. A narrow spread near 1 means \
dependable service; a long left tail means some runs go badly. [PNG]({distribution}.png)\n"
        ),
        Lang::ZhTw => writeln!(
            md,
            "{trials} 次試驗的分布：每根長條是平均 φ 落在該組的試驗比例；虛線標示各拓樸的平均。\
集中在 1 附近表示服務可靠；左側長尾表示有些試驗結果很差。[PNG]({distribution}.png)\n"
        ),
    };

    if let Some(p) = &s.price {
        price_part(md, p, &s.slug, lang);
    }

    let _ = writeln!(md, "### {}\n", lang.pick("Attack tolerance", "攻擊容忍度"));
    match &s.sweep {
        Err(why) => {
            let _ = writeln!(
                md,
                "*{}: {}.*",
                lang.pick("Not drawn", "未繪製"),
                escape(&why.to_string())
            );
        }
        Ok(sweep) => {
            let _ = writeln!(
                md,
                "![{}]({attack}.svg)\n",
                lang.pick(
                    "Attack tolerance: φ against the fraction of nodes removed",
                    "攻擊容忍度：φ 對移除節點比例"
                )
            );
            let orders = sweep.trials;
            let _ = match lang {
                Lang::En => writeln!(
                    md,
                    "Remove a growing number of nodes and measure φ on what is left. Random \
failures average {orders} random removal orders (shaded: 95% confidence interval); the \
targeted attacks remove the best-connected nodes first (by degree, or by betweenness \
— how many shortest paths run through a node), ranked once on the intact network. \
[PNG]({attack}.png)\n"
                ),
                Lang::ZhTw => writeln!(
                    md,
                    "移除越來越多節點，並量測剩餘網路的 φ。隨機故障是 {orders} 種隨機移除順序的平均\
（陰影：95% 信賴區間）；目標攻擊先移除連結最多的節點（依連結數，或依中介中心性——\
有多少條最短路徑經過該節點），在完整網路上排序一次。[PNG]({attack}.png)\n"
                ),
            };
            robustness_table(md, sweep, lang);
            critical_table(md, sweep, lang);
        }
    }
    risk_tables(md, &s.risk, lang);
}

/// `x` with at most two decimals and no trailing zeros (`1.6`, `0.65`, `2`).
fn short(x: f64) -> String {
    let t = format!("{x:.2}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    t.to_string()
}

/// `name costs 34 % less than reference` (`c`, `r`: their costs), in
/// money per unit when the reference costs nothing.
fn compared(c: f64, r: f64, (name, reference): (&str, &str), currency: &str, lang: Lang) -> String {
    let pct = if r > 0.0 {
        100.0 * (c - r) / r
    } else {
        f64::NAN
    };
    let more = c > r;
    match lang {
        Lang::En if pct.is_finite() && pct.abs() < 0.5 => {
            format!("{name} costs about the same as {reference}")
        }
        Lang::En if pct.is_finite() => format!(
            "{name} costs {:.0} % {} than {reference}",
            pct.abs(),
            if more { "more" } else { "less" }
        ),
        Lang::En => format!(
            "{name} costs {} {} per unit {} than {reference}",
            short((c - r).abs()),
            escape(currency),
            if more { "more" } else { "less" }
        ),
        Lang::ZhTw if pct.is_finite() && pct.abs() < 0.5 => {
            format!("{name} 的成本與 {reference} 差不多")
        }
        Lang::ZhTw if pct.is_finite() => format!(
            "{name} 的成本比 {reference} {} {:.0} %",
            if more { "高" } else { "低" },
            pct.abs()
        ),
        Lang::ZhTw => format!(
            "{name} 每單位的成本比 {reference} {} {} {}",
            if more { "高" } else { "低" },
            short((c - r).abs()),
            escape(currency)
        ),
    }
}

/// The sentences that read the price chart, one per topology after the
/// first: what it costs against the first in calm times and at today's
/// risk (scale 1, when priced), and from which risk scale it is cheaper.
pub fn price_sentences(p: &PriceReport, lang: Lang) -> Vec<String> {
    let Some(first) = p.topologies.first() else {
        return Vec::new();
    };
    let today = p.scale_index(1.0);
    let highest = p.scales.last().copied().unwrap_or(0.0);
    p.topologies
        .iter()
        .skip(1)
        .map(|t| {
            let (name, reference) = (escape(&t.label), escape(&first.label));
            let versus = |c: f64, r: f64| compared(c, r, (&name, &reference), &p.currency, lang);
            let mut text = match lang {
                Lang::En => format!(
                    "In calm times (nothing fails) {}. ",
                    versus(t.cost_calm, first.cost_calm)
                ),
                Lang::ZhTw => format!(
                    "在平時（沒有任何故障），{}。",
                    versus(t.cost_calm, first.cost_calm)
                ),
            };
            match (today, lang) {
                (None, Lang::En) => text.push_str(&format!("{name}: ")),
                (None, Lang::ZhTw) => text.push_str(&format!("{name}：")),
                (Some(i), Lang::En) => text.push_str(&format!(
                    "At today's risk {}",
                    versus(t.costs[i].mean, first.costs[i].mean)
                )),
                (Some(i), Lang::ZhTw) => text.push_str(&format!(
                    "在現況風險下，{}",
                    versus(t.costs[i].mean, first.costs[i].mean)
                )),
            }
            let sep = match (today, lang) {
                (None, _) => "",
                (Some(_), Lang::En) => "; ",
                (Some(_), Lang::ZhTw) => "；",
            };
            text.push_str(sep);
            let tail = match (t.break_even, lang) {
                (BreakEven::Interpolated(s), Lang::En) => format!(
                    "above about {}× today's failure rates and shocks it is cheaper.",
                    short(s)
                ),
                (BreakEven::Interpolated(s), Lang::ZhTw) => format!(
                    "風險高於現況故障率與衝擊的約 {} 倍時，它比較便宜。",
                    short(s)
                ),
                (BreakEven::FirstScale(0.0), Lang::En) => {
                    "it is cheaper even in calm times (no failures, no shocks).".to_string()
                }
                (BreakEven::FirstScale(0.0), Lang::ZhTw) => {
                    "即使在平時（沒有故障、沒有衝擊）它也比較便宜。".to_string()
                }
                (BreakEven::FirstScale(s), Lang::En) => format!(
                    "it is already cheaper at {}× today's risk, the lowest priced.",
                    short(s)
                ),
                (BreakEven::FirstScale(s), Lang::ZhTw) => {
                    format!("在最低的倍數（現況風險的 {} 倍）它就已經比較便宜。", short(s))
                }
                (BreakEven::Never | BreakEven::Reference, Lang::En) => format!(
                    "it stays dearer up to {}× today's failure rates and shocks, the highest priced.",
                    short(highest)
                ),
                (BreakEven::Never | BreakEven::Reference, Lang::ZhTw) => format!(
                    "直到現況故障率與衝擊的 {} 倍（計算的最高倍數），它都比較貴。",
                    short(highest)
                ),
            };
            text.push_str(&tail);
            text
        })
        .collect()
}

/// "The price of resilience": the chart, the sentences that read it and a
/// short table (calm cost, cost at today's risk and at the highest scale,
/// break-even).
fn price_part(md: &mut String, p: &PriceReport, slug: &str, lang: Lang) {
    let stem = price_stem(slug);
    let _ = writeln!(
        md,
        "### {}\n",
        lang.pick("The price of resilience", "韌性的代價")
    );
    let _ = writeln!(
        md,
        "![{}]({stem}.svg)\n",
        lang.pick(
            "Expected cost per unit of baseline against the risk scale, per topology, with the break-even marked",
            "各拓樸每單位基準的期望成本對風險倍數，並標示損益兩平點"
        )
    );
    let (trials, currency) = (p.trials, escape(&p.currency));
    let _ = match lang {
        Lang::En => write!(
            md,
            "What each design costs, in {currency} per unit of its baseline over a trial: its fixed, \
unit and holding costs plus the sales it loses. At risk scale s every failure rate, scripted \
shock and hazard rate is multiplied by s (0: nothing fails, 1: the scenario as written); each point is the mean \
of {trials} trials, the same trials at every scale (common random numbers). "
        ),
        Lang::ZhTw => write!(
            md,
            "每種設計的成本，以一次試驗中每單位基準的 {currency} 計：固定、單位與持有成本，加上失去的銷售。\
在風險倍數 s 下，每個故障率、腳本衝擊與區域災害的發生率都乘以 s（0：沒有任何故障，1：情境原本的設定）；\
每一點是 {trials} 次試驗的平均，每個倍數用同一批試驗（共同隨機數）。"
        ),
    };
    for sentence in price_sentences(p, lang) {
        md.push_str(&sentence);
        md.push(' ');
    }
    let _ = writeln!(md, "[PNG]({stem}.png)\n");
    let today = p.scale_index(1.0);
    let last = p.scales.len().checked_sub(1);
    let mut header = vec![
        lang.pick("topology", "拓樸").to_string(),
        lang.pick("calm", "平時").to_string(),
    ];
    let mut columns = Vec::new();
    for i in [today, last].into_iter().flatten() {
        if !columns.contains(&i) {
            columns.push(i);
            header.push(format!("s = {}", scale_label(p.scales[i], lang)));
        }
    }
    header.push(lang.pick("break-even", "損益兩平").to_string());
    let _ = writeln!(md, "| {} |", header.join(" | "));
    let _ = writeln!(md, "|:--|{}", "--:|".repeat(header.len() - 1));
    for t in &p.topologies {
        let mut row = vec![escape(&t.id), format!("{:.3}", t.cost_calm)];
        for &i in &columns {
            let c = &t.costs[i];
            row.push(format!("{:.3} ± {:.3}", c.mean, c.ci95));
        }
        row.push(break_even_text(t.break_even, lang));
        let _ = writeln!(md, "| {} |", row.join(" | "));
    }
    md.push('\n');
}

/// The risk table of each topology (`chainmesh risk`): the [`RISK_ROWS`]
/// nodes of highest exposure, and how many were cut. Ids and labels come
/// from the file and are escaped.
fn risk_tables(md: &mut String, tables: &[Result<TopologyRisk, HandoutError>], lang: Lang) {
    if tables.is_empty() {
        return;
    }
    let _ = writeln!(md, "### {}\n", lang.pick("Risk exposure", "風險曝險"));
    md.push_str(lang.pick(
        "Knock out one node at step 0 and keep it down, with nothing else failing and every \
stock full (Simchi-Levi et al., HBR 2014). **TTS** (time to survive): steps until φ first \
falls below the service level (≥ H: never within the H steps); **TTR** (time to recover): \
the node's mean repair time; **lost**: units not delivered while it is down for ⌈TTR⌉ steps; \
**exposure**: lost / the topology's largest lost. A node with TTS < TTR is a risk: the \
network runs out before it is back.\n\n",
        "在第 0 步讓一個節點停擺並維持停擺，其他節點都不故障、所有庫存都是滿的\
（Simchi-Levi 等，HBR 2014）。**存活時間**（TTS）：φ 第一次低於服務門檻之前的步數\
（≥ H：在 H 步內從未低於）；**恢復時間**（TTR）：該節點的平均修復時間；**損失**：\
停擺 ⌈TTR⌉ 步期間未送達的數量；**曝險**：損失 / 該拓樸最大的損失。存活時間短於恢復時間\
（TTS < TTR）的節點是風險：在它恢復之前網路就撐不住了。\n\n",
    ));
    for t in tables {
        let t = match t {
            Ok(t) => t,
            Err(why) => {
                let _ = writeln!(
                    md,
                    "*{}: {}.*\n",
                    lang.pick("Risk not computed", "未計算風險"),
                    escape(&why.to_string())
                );
                continue;
            }
        };
        let _ = match lang {
            Lang::En => writeln!(
                md,
                "**{}** ({}): baseline {}, horizon {} steps\n",
                escape(&t.label),
                escape(&t.id),
                t.baseline,
                t.horizon
            ),
            Lang::ZhTw => writeln!(
                md,
                "**{}**（{}）：基準 {}，期間 {} 步\n",
                escape(&t.label),
                escape(&t.id),
                t.baseline,
                t.horizon
            ),
        };
        md.push_str(lang.pick(
            "| node | TTS | TTR | lost | exposure | flag |\n",
            "| 節點 | 存活時間 | 恢復時間 | 損失 | 曝險 | 警示 |\n",
        ));
        md.push_str("|:--|--:|--:|--:|--:|:--|\n");
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
            let _ = match lang {
                Lang::En => writeln!(
                    md,
                    "\n*{cut} more node{} with lower exposure not shown; `chainmesh risk` lists every node.*",
                    if cut == 1 { "" } else { "s" }
                ),
                Lang::ZhTw => writeln!(
                    md,
                    "\n*另有 {cut} 個曝險較低的節點未列出；`chainmesh risk` 會列出每個節點。*"
                ),
            };
        }
        md.push('\n');
    }
}

/// Robustness R = (1/n) Σ_{k=1..n} φ(k) per topology and attack: the
/// size-fair headline of the attack sweep.
fn robustness_table(md: &mut String, sweep: &SweepReport, lang: Lang) {
    let Some(first) = sweep.topologies.first() else {
        return;
    };
    let attacks: Vec<_> = first.curves.iter().map(|c| c.attack).collect();
    // The sizes named are this scenario's own, not an example's.
    let sizes: Vec<String> = sweep
        .topologies
        .iter()
        .map(|t| match lang {
            Lang::En => format!(
                "{} ({} node{})",
                escape(&t.id),
                t.nodes,
                if t.nodes == 1 { "" } else { "s" }
            ),
            Lang::ZhTw => format!("{}（{} 個節點）", escape(&t.id), t.nodes),
        })
        .collect();
    let orders = sweep.trials;
    let seed = sweep.seed;
    let _ = match lang {
        Lang::En => write!(
            md,
            "**Robustness R** — the mean φ left as nodes are removed one by one, R = (1/n) Σ φ(k) \
for k = 1 … n (Schneider et al., PNAS 2011). It is fair between topologies of different sizes, \
here {}: a linear chain scores 0 (any removal stops it); higher is sturdier. Under random \
failures R is a mean over {orders} random removal orders with seed {seed} (`chainmesh sweep` \
and the TUI's `w` view average the same {orders} by default, so they show the same R). R divides \
by every node, so nodes an attack never has to remove (a second maker of each part) lower R \
without changing what is left after each removal: read the curves next to R.\n\n",
            sizes.join(", ")
        ),
        Lang::ZhTw => write!(
            md,
            "**穩健度 R** — 逐一移除節點時剩下的平均 φ，R = (1/n) Σ φ(k)，k = 1 … n（Schneider \
等人，PNAS 2011）。它對不同大小的拓樸一樣公平，這裡是 {}：線性鏈的分數是 0（移除任何一個\
就停擺）；越高越堅固。隨機故障的 R 是 {orders} 種隨機移除順序（種子 {seed}）的平均（`chainmesh sweep` \
與 TUI 的 `w` 畫面預設也平均同樣 {orders} 種順序，所以 R 相同）。R 除以所有節點數，所以攻擊\
從不需要移除的節點（每種零件的第二家廠商）會拉低 R，卻不改變每次移除後剩下的流量：請把曲線和 R \
一起看。\n\n",
            sizes.join("、")
        ),
    };
    let head: Vec<&str> = attacks.iter().map(|&a| attack_title(a, lang)).collect();
    let _ = writeln!(
        md,
        "| {} | {} |",
        lang.headline(Default::default())[0],
        head.join(" | ")
    );
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
fn critical_table(md: &mut String, sweep: &SweepReport, lang: Lang) {
    let Some(first) = sweep.topologies.first() else {
        return;
    };
    let attacks: Vec<_> = first.curves.iter().map(|c| c.attack).collect();
    let level = crate::scenario::Num(sweep.service_level);
    let _ = match lang {
        Lang::En => writeln!(
            md,
            "Where φ first drops below the service level {level}: the fraction of nodes removed \
(and how many nodes that is; small networks move in whole nodes):\n"
        ),
        Lang::ZhTw => writeln!(
            md,
            "φ 第一次低於服務門檻 {level} 時：移除的節點比例（以及那是幾個節點；小網路以整個節點為單位變化）：\n"
        ),
    };
    let head: Vec<&str> = attacks.iter().map(|&a| attack_title(a, lang)).collect();
    let _ = writeln!(
        md,
        "| {} | {} |",
        lang.headline(Default::default())[0],
        head.join(" | ")
    );
    let _ = writeln!(md, "|:--|{}", "--:|".repeat(attacks.len()));
    for t in &sweep.topologies {
        let cells: Vec<String> = t
            .curves
            .iter()
            .map(|c| match (c.critical_removed, c.critical_fraction) {
                (Some(k), Some(f)) => match lang {
                    Lang::En => format!("{f:.2} ({k} of {} nodes)", t.nodes),
                    Lang::ZhTw => format!("{f:.2}（{} 個節點中的 {k} 個）", t.nodes),
                },
                _ => lang.pick("never", "從未").to_string(),
            })
            .collect();
        let _ = writeln!(md, "| {} | {} |", escape(&t.label), cells.join(" | "));
    }
    md.push('\n');
}

/// The HTML page of `markdown`; images whose file is in `svgs` are inlined.
pub fn html(markdown: &str, title: &str, svgs: &BTreeMap<String, String>, lang: Lang) -> String {
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
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"chainmesh {}\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n\
</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        lang.as_str(),
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

const STYLE: &str = "body { font-family: system-ui, -apple-system, 'Segoe UI', 'Noto Sans', \
'Noto Sans CJK TC', 'Noto Sans TC', 'PingFang TC', 'Microsoft JhengHei', sans-serif; \
color: #222; line-height: 1.5; margin: 0; }
main { max-width: 1120px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2.2rem; }
table { border-collapse: collapse; font-size: .8rem; margin: 1rem 0; display: block; overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: .2rem .35rem; }
th { background: #f3f3f3; }
blockquote { border-left: 4px solid #0072b2; margin: 1rem 0; padding: .2rem 1rem; background: #f5f9fc; }
code { background: #f3f3f3; padding: 0 .2rem; }
.chart svg { display: block; max-width: 100%; height: auto; margin: .5rem 0; }
@media print {
  main { max-width: none; padding: 0; }
  table { display: table; overflow: visible; width: 100%; font-size: 8pt; }
  th, td { padding: 1pt 3pt; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
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
        let page = html(
            "![alt *text*](a.svg)\n\n![x](b.png)\n",
            "t<1>",
            &svgs,
            Lang::En,
        );
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
