//! What a reader must know before trusting a comparison: which topologies
//! each shock hit (and which it skipped), and whether the topologies'
//! baselines differ. Every output format carries these (issue 13).

use serde::{Deserialize, Serialize};

use crate::scenario::{Amount, Scenario, Selection, Shock};
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
    let amount = |a: &Amount| match *a {
        Amount::Count(1) => "1 node".to_string(),
        Amount::Count(c) => format!("{c} nodes"),
        Amount::Fraction(f) => format!("{}% of nodes", f * 100.0),
    };
    match select {
        Selection::Random(a) => format!("random {}", amount(a)),
        Selection::Degree(a) => format!("highest-degree {}", amount(a)),
        Selection::Betweenness(a) => format!("highest-betweenness {}", amount(a)),
        Selection::Sector(s) => format!("sector {s}"),
        Selection::Nodes(ids) => format!("nodes {}", ids.join(", ")),
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
    let mut hit = Vec::new();
    let mut skipped = Vec::new();
    for (id, &n) in ids.iter().zip(&h.hits) {
        if n == 0 {
            skipped.push(id.to_string());
        } else {
            hit.push(format!("{id} ({n} node{})", if n == 1 { "" } else { "s" }));
        }
    }
    let mut out = format!("shock {} at step {}: {}", h.index, h.at, h.select);
    if let Some(l) = &h.label {
        out.push_str(&format!(" ({l})"));
    }
    out.push_str(" — ");
    if hit.is_empty() {
        out.push_str("hits no topology");
    } else {
        out.push_str(&format!("hits {}", hit.join(", ")));
    }
    if !skipped.is_empty() {
        out.push_str(&format!("; skips {}", skipped.join(", ")));
    }
    out
}

/// Warnings for a run of `prep`: shocks that skip a topology, and
/// different baselines. Empty when the comparison is like for like.
pub fn warnings(prep: &Prepared, hits: &[ShockHits]) -> Vec<String> {
    let s = &prep.scenario;
    let mut out = Vec::new();
    for (h, shock) in hits.iter().zip(&s.shocks) {
        if h.hits.contains(&0) {
            let mut w = format!("{}: the topologies were not shocked alike", hits_line(h, s));
            if let Some(hint) = equivalent_shock(prep, &shock.select) {
                w.push_str(&format!("; {hint}"));
            }
            out.push(w);
        }
    }
    let baselines: Vec<f64> = prep.topologies.iter().map(|p| p.net.baseline()).collect();
    if let Some(w) = baseline_warning(
        &s.topologies
            .iter()
            .map(|t| t.id.as_str())
            .zip(baselines.iter().copied())
            .collect::<Vec<_>>(),
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
    (!words.is_empty()).then(|| {
        format!(
            "to strike the same stage in every topology use {}",
            words.join(" or ")
        )
    })
}

/// `Some(warning)` when the baselines (`(id, baseline)`) are not all equal.
pub fn baseline_warning(baselines: &[(&str, f64)]) -> Option<String> {
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
    Some(format!(
        "baselines differ ({}): service is relative to each topology's own baseline, so a higher service can still mean less delivered",
        list.join(", ")
    ))
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
