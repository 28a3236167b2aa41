//! What a reader must know before trusting a comparison: which topologies
//! each shock hit (and which it skipped), and whether the topologies'
//! baselines differ. Every output format carries these (issue 13).

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::scenario::{Amount, Num, Scenario, Selection, Shock};
use crate::sim::Prepared;

/// Relative tolerance under which two baselines count as equal.
const SAME_BASELINE: f64 = 1e-9;

/// One scripted shock and how many nodes it knocks out in each topology.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShockHits {
    /// Index in the scenario's shock list (`--set shock.N.…`), file shocks first.
    pub index: usize,
    /// Step at which it strikes (0-based).
    pub at: u32,
    /// What it selects, in the words of the file format (`nodes farm, mill`).
    pub select: String,
    /// Its label, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Nodes knocked out per topology, in scenario order (0 = skipped there).
    pub hits: Vec<usize>,
}

/// Every shock of `prep` with its hits per topology. Deterministic
/// selections count their resolved targets; random ones the nodes drawn.
pub fn shock_hits(prep: &Prepared) -> Vec<ShockHits> {
    prep.scenario
        .shocks
        .iter()
        .enumerate()
        .map(|(index, s)| ShockHits {
            index,
            at: s.at,
            select: describe_selection(&s.select),
            label: s.label.clone(),
            hits: prep
                .topologies
                .iter()
                .map(|p| match (&s.select, p.targets(&s.select)) {
                    (_, Some(t)) => t.len(),
                    (Selection::Random(a), None) => a.resolve(p.topology().nodes.len()),
                    (_, None) => 0,
                })
                .collect(),
        })
        .collect()
}

/// A selection as a person would write it: `random 2 nodes`,
/// `degree 10% of nodes`, `sector logistics`, `nodes farm, mill`.
pub fn describe_selection(select: &Selection) -> String {
    describe_selection_in(select, Lang::En)
}

/// [`describe_selection`] in `lang`.
pub fn describe_selection_in(select: &Selection, lang: Lang) -> String {
    let amount = |a: &Amount| match (*a, lang) {
        (Amount::Count(1), Lang::En) => "1 node".to_string(),
        (Amount::Count(c), Lang::En) => format!("{c} nodes"),
        (Amount::Fraction(f), Lang::En) => format!("{}% of nodes", Num(f * 100.0)),
        (Amount::Count(c), Lang::ZhTw) => format!("{c} 個節點"),
        (Amount::Fraction(f), Lang::ZhTw) => format!("{}% 的節點", Num(f * 100.0)),
    };
    match (select, lang) {
        (Selection::Random(a), Lang::En) => format!("random {}", amount(a)),
        (Selection::Degree(a), Lang::En) => format!("highest-degree {}", amount(a)),
        (Selection::Betweenness(a), Lang::En) => format!("highest-betweenness {}", amount(a)),
        (Selection::Sector(s), Lang::En) => format!("sector {s}"),
        (Selection::Nodes(ids), Lang::En) => format!("nodes {}", ids.join(", ")),
        (Selection::Random(a), Lang::ZhTw) => format!("隨機 {}", amount(a)),
        (Selection::Degree(a), Lang::ZhTw) => format!("連結數最多的 {}", amount(a)),
        (Selection::Betweenness(a), Lang::ZhTw) => format!("中介中心性最高的 {}", amount(a)),
        (Selection::Sector(s), Lang::ZhTw) => format!("部門 {s}"),
        (Selection::Nodes(ids), Lang::ZhTw) => format!("節點 {}", ids.join("、")),
    }
}

/// A shock in one line: `shock 0 at step 20: nodes farm (Drought)`.
pub fn describe_shock(index: usize, s: &Shock) -> String {
    let mut out = format!(
        "shock {index} at step {}: {}",
        s.at,
        describe_selection(&s.select)
    );
    if let Some(d) = s.duration {
        out.push_str(&format!(" for {d} steps"));
    }
    if let Some(l) = &s.label {
        out.push_str(&format!(" ({l})"));
    }
    out
}

/// `shock 0 at step 20: nodes farm — hits chain (1 node), network (2 nodes); skips mesh`.
pub fn hits_line(h: &ShockHits, scenario: &Scenario) -> String {
    let ids: Vec<&str> = scenario.topologies.iter().map(|t| t.id.as_str()).collect();
    hits_text(h, &ids)
}

/// [`hits_line`] given the topology ids in scenario order.
pub fn hits_text(h: &ShockHits, ids: &[&str]) -> String {
    hits_text_in(h, &h.select, ids, Lang::En)
}

/// [`hits_text`] in `lang`, with the shock's selection described as `select`.
pub fn hits_text_in(h: &ShockHits, select: &str, ids: &[&str], lang: Lang) -> String {
    let mut hit = Vec::new();
    let mut skipped = Vec::new();
    for (id, &n) in ids.iter().zip(&h.hits) {
        if n == 0 {
            skipped.push(id.to_string());
        } else {
            hit.push(match lang {
                Lang::En => format!("{id} ({n} node{})", if n == 1 { "" } else { "s" }),
                Lang::ZhTw => format!("{id}（{n} 個節點）"),
            });
        }
    }
    let mut out = match lang {
        Lang::En => format!("shock {} at step {}: {select}", h.index, h.at),
        Lang::ZhTw => format!("衝擊 {}（第 {} 步）：{select}", h.index, h.at),
    };
    if let Some(l) = &h.label {
        out.push_str(&match lang {
            Lang::En => format!(" ({l})"),
            Lang::ZhTw => format!("（{l}）"),
        });
    }
    out.push_str(" — ");
    match (hit.is_empty(), lang) {
        (true, Lang::En) => out.push_str("hits no topology"),
        (false, Lang::En) => out.push_str(&format!("hits {}", hit.join(", "))),
        (true, Lang::ZhTw) => out.push_str("沒有擊中任何拓樸"),
        (false, Lang::ZhTw) => out.push_str(&format!("擊中 {}", hit.join("、"))),
    }
    if !skipped.is_empty() {
        out.push_str(&match lang {
            Lang::En => format!("; skips {}", skipped.join(", ")),
            Lang::ZhTw => format!("；未擊中 {}", skipped.join("、")),
        });
    }
    out
}

/// The notice lines of a run of `prep` in `lang`, as
/// [`super::RunReport::notice_lines`] gives them in English (warnings start
/// with `warning: `): one per shock that hits every topology, then every
/// warning.
pub fn notice_lines_in(prep: &Prepared, lang: Lang) -> Vec<String> {
    let hits = shock_hits(prep);
    let s = &prep.scenario;
    let ids: Vec<&str> = s.topologies.iter().map(|t| t.id.as_str()).collect();
    let select = |h: &ShockHits| describe_selection_in(&s.shocks[h.index].select, lang);
    let mut out: Vec<String> = hits
        .iter()
        .filter(|h| !h.hits.contains(&0))
        .map(|h| hits_text_in(h, &select(h), &ids, lang))
        .collect();
    out.extend(
        warnings_in(prep, &hits, lang)
            .into_iter()
            .map(|w| format!("warning: {w}")),
    );
    out
}

/// Warnings for a run of `prep`: shocks that skip a topology, and
/// different baselines. Empty when the comparison is like for like.
pub fn warnings(prep: &Prepared, hits: &[ShockHits]) -> Vec<String> {
    warnings_in(prep, hits, Lang::En)
}

/// [`warnings`] in `lang`.
pub fn warnings_in(prep: &Prepared, hits: &[ShockHits], lang: Lang) -> Vec<String> {
    let s = &prep.scenario;
    let ids: Vec<&str> = s.topologies.iter().map(|t| t.id.as_str()).collect();
    let mut out = Vec::new();
    for (h, shock) in hits.iter().zip(&s.shocks) {
        if h.hits.contains(&0) {
            let select = match lang {
                Lang::En => h.select.clone(),
                Lang::ZhTw => describe_selection_in(&shock.select, lang),
            };
            let line = hits_text_in(h, &select, &ids, lang);
            let mut w = match lang {
                Lang::En => format!("{line}: the topologies were not shocked alike"),
                Lang::ZhTw => format!("{line}：各拓樸受到的衝擊不同"),
            };
            if let Some(words) = equivalent_sectors(prep, &shock.select) {
                w.push_str(lang.pick("; ", "；"));
                w.push_str(&equivalent_hint(&words, lang));
            }
            out.push(w);
        }
    }
    let baselines: Vec<f64> = prep.topologies.iter().map(|p| p.net.baseline()).collect();
    if let Some(w) = baseline_warning_in(
        &s.topologies
            .iter()
            .map(|t| t.id.as_str())
            .zip(baselines.iter().copied())
            .collect::<Vec<_>>(),
        lang,
    ) {
        out.push(w);
    }
    out
}

/// For a `select = "nodes"` shock that skips a topology: the sector shock
/// that strikes the same stage in every topology (the sectors of the nodes
/// it names that every topology has), as `--shock` words. `None` when there
/// is none (untagged nodes, or a sector some topology lacks).
pub fn equivalent_shock(prep: &Prepared, select: &Selection) -> Option<String> {
    equivalent_sectors(prep, select).map(|words| equivalent_hint(&words, Lang::En))
}

/// The advice of [`equivalent_shock`] in `lang`, given its `--shock` words.
fn equivalent_hint(words: &[String], lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "to strike the same stage in every topology use {}",
            words.join(" or ")
        ),
        Lang::ZhTw => format!(
            "要讓每個拓樸的同一個環節都受到衝擊，請用 {}",
            words.join(" 或 ")
        ),
    }
}

/// The `--shock` words of [`equivalent_shock`] (`select=sector,sector=…`).
fn equivalent_sectors(prep: &Prepared, select: &Selection) -> Option<Vec<String>> {
    let Selection::Nodes(ids) = select else {
        return None;
    };
    let topologies: Vec<&crate::scenario::Topology> =
        prep.topologies.iter().map(|p| p.topology()).collect();
    let mut sectors: Vec<&str> = topologies
        .iter()
        .flat_map(|t| {
            ids.iter()
                .filter_map(|id| t.node_index(id))
                .filter_map(|i| t.nodes[i].sector.as_deref())
        })
        .filter(|sector| {
            topologies
                .iter()
                .all(|t| t.nodes.iter().any(|n| n.sector.as_deref() == Some(*sector)))
        })
        .collect();
    sectors.sort_unstable();
    sectors.dedup();
    let words: Vec<String> = sectors
        .iter()
        .map(|sector| format!("select=sector,sector={sector}"))
        .collect();
    (!words.is_empty()).then_some(words)
}

/// `Some(warning)` when the baselines (`(id, baseline)`) are not all equal.
pub fn baseline_warning(baselines: &[(&str, f64)]) -> Option<String> {
    baseline_warning_in(baselines, Lang::En)
}

/// [`baseline_warning`] in `lang`.
pub fn baseline_warning_in(baselines: &[(&str, f64)], lang: Lang) -> Option<String> {
    let (_, b0) = *baselines.first()?;
    let differ = baselines
        .iter()
        .any(|&(_, b)| (b - b0).abs() > SAME_BASELINE * b0.abs().max(1.0));
    if !differ {
        return None;
    }
    let list: Vec<String> = baselines
        .iter()
        .map(|(id, b)| format!("{id} {}", round3(*b)))
        .collect();
    Some(match lang {
        Lang::En => format!(
            "baselines differ ({}): service is relative to each topology's own baseline, so a higher service can still mean less delivered",
            list.join(", ")
        ),
        Lang::ZhTw => format!(
            "各拓樸的基準吞吐量不同（{}）：服務水準是相對於各拓樸自己的基準，服務水準較高仍可能代表送達的量較少",
            list.join("、")
        ),
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
