//! Regional hazards: a node's `region` and the `[[hazard]]`s that strike
//! regions (docs/model.md, "Regional hazards").
//!
//! Invariants of every [`Hazard`] built here: `0 ≤ rate < 1`, `0 ≤ hit ≤ 1`,
//! `start < end ≤ steps` (when `end` is given), at least one region, and every region is the
//! `region` of some node of some topology (an unknown one is a typo).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use toml::Spanned;

use super::context::Ctx;
use super::limits::MAX_REPAIR;
use super::raw::{RawHazard, RawRepair};
use super::{InputError, Num, Repair, Topology};

/// A validated `[[hazard]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Hazard {
    /// Short name for the UI and reports (the file's `label`, else its regions).
    pub label: String,
    /// The regions it strikes, in file order, without repeats.
    pub regions: Vec<String>,
    /// Probability per step that it strikes, in [0, 1).
    pub rate: f64,
    /// Probability that each node of its regions goes down when it strikes.
    pub hit: f64,
    /// Outage of a struck node; `None` = the node's own repair.
    pub duration: Option<Repair>,
    /// First step at which it can strike.
    pub start: u32,
    /// It strikes only at steps before this one; `None`: until the trial
    /// ends (also when `--steps` makes it longer than the file's).
    pub end: Option<u32>,
}

impl Hazard {
    /// Does it strike nodes of `region`?
    pub fn covers(&self, region: Option<&str>) -> bool {
        region.is_some_and(|r| self.regions.iter().any(|x| x == r))
    }

    /// Its regions as one phrase ("south", "south+east").
    pub fn regions_text(&self) -> String {
        self.regions.join("+")
    }
}

/// Every region some node of `topologies` has, sorted.
pub fn regions(topologies: &[Topology]) -> BTreeSet<&str> {
    topologies
        .iter()
        .flat_map(|t| t.nodes.iter().filter_map(|n| n.region.as_deref()))
        .collect()
}

/// Every region some node of `topologies` has, in order of first
/// appearance (topology by topology, node by node), without repeats: the
/// stable order the TUI and the handout colour regions by.
pub fn regions_in_order(topologies: &[Topology]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in topologies
        .iter()
        .flat_map(|t| t.nodes.iter().filter_map(|n| n.region.as_deref()))
    {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// A node's `region`: trimmed, blank = none.
pub(super) fn region(raw: Option<&String>) -> Option<String> {
    raw.map(|r| r.trim().to_string()).filter(|r| !r.is_empty())
}

/// Validate one `[[hazard]]` of a scenario of `steps` steps.
pub(super) fn build(
    ctx: &Ctx<'_>,
    span: Range<usize>,
    h: &RawHazard,
    steps: u32,
    topologies: &[Topology],
) -> Result<Hazard, InputError> {
    let known = regions(topologies);
    let mut names: Vec<&Spanned<String>> = Vec::new();
    match (&h.region, &h.regions) {
        (Some(r), None) => names.push(r),
        (None, Some(list)) => {
            if list.get_ref().is_empty() {
                return Err(ctx.err(
                    list.span(),
                    "hazard.regions",
                    "expected at least one region name",
                ));
            }
            names.extend(list.get_ref());
        }
        (Some(r), Some(_)) => {
            return Err(ctx.err(
                r.span(),
                "hazard.region",
                "give either `region` or `regions`, not both",
            ));
        }
        (None, None) => {
            return Err(ctx.err(
                span,
                "hazard.region",
                "missing required field `region` (or `regions = [...]`): the region it strikes",
            ));
        }
    }
    let mut regions_out: Vec<String> = Vec::new();
    for n in names {
        let r = n.get_ref().trim();
        if !known.contains(r) {
            let hint = if known.is_empty() {
                "no node has a region yet; add `region = \"...\"` to the nodes this hazard should strike".to_string()
            } else {
                format!(
                    "known regions: {}",
                    known.iter().copied().collect::<Vec<_>>().join(", ")
                )
            };
            let field = if h.region.is_some() {
                "hazard.region"
            } else {
                "hazard.regions"
            };
            return Err(ctx.err(
                n.span(),
                field,
                format!("no node of any topology has region {r:?}; {hint}"),
            ));
        }
        if !regions_out.iter().any(|x| x == r) {
            regions_out.push(r.to_string());
        }
    }
    let rate = h.rate.as_ref().ok_or_else(|| {
        ctx.err(
            span.clone(),
            "hazard.rate",
            "missing required field `rate` (the probability per step that it strikes, in [0, 1))",
        )
    })?;
    let rate = {
        let x = *rate.get_ref();
        if !(x.is_finite() && (0.0..1.0).contains(&x)) {
            return Err(ctx.err(
                rate.span(),
                "hazard.rate",
                format!(
                    "expected a probability per step in [0, 1), found {}",
                    Num(x)
                ),
            ));
        }
        x
    };
    let hit = match &h.hit {
        None => 1.0,
        Some(v) => {
            let x = *v.get_ref();
            if !(x.is_finite() && (0.0..=1.0).contains(&x)) {
                return Err(ctx.err(
                    v.span(),
                    "hazard.hit",
                    format!(
                        "expected the probability that a node of the region goes down, in [0, 1], found {}",
                        Num(x)
                    ),
                ));
            }
            x
        }
    };
    let duration = match &h.duration {
        None => None,
        Some(d) => Some(duration(ctx, d)?),
    };
    let start = match &h.start {
        None => 0,
        Some(s) => {
            let x = *s.get_ref();
            if x < 0 || x >= i64::from(steps) {
                return Err(ctx.err(
                    s.span(),
                    "hazard.start",
                    format!("expected a step index in 0..{steps} (the scenario has {steps} steps), found {x}"),
                ));
            }
            x as u32
        }
    };
    let end = match &h.end {
        None => None,
        Some(e) => Some({
            let x = *e.get_ref();
            if x <= i64::from(start) || x > i64::from(steps) {
                return Err(ctx.err(
                    e.span(),
                    "hazard.end",
                    format!(
                        "expected the end of the window [start, end) in {}..={steps} (after start = {start}, at most the scenario's {steps} steps), found {x}",
                        start + 1
                    ),
                ));
            }
            x as u32
        }),
    };
    let label = h
        .label
        .as_deref()
        .map(|l| {
            l.chars()
                .filter(|c| !c.is_control())
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| format!("hazard {}", regions_out.join("+")));
    Ok(Hazard {
        label,
        regions: regions_out,
        rate,
        hit,
        duration,
        start,
        end,
    })
}

/// `duration = N` or a repair table.
fn duration(ctx: &Ctx<'_>, d: &Spanned<toml::Value>) -> Result<Repair, InputError> {
    let field = "hazard.duration";
    match d.get_ref() {
        toml::Value::Integer(n) if (1..=MAX_REPAIR).contains(n) => Ok(Repair::Fixed {
            steps: *n as u32,
        }),
        toml::Value::Integer(n) => Err(ctx.err(
            d.span(),
            field,
            format!("expected an outage in 1..={MAX_REPAIR} steps, found {n}"),
        )),
        toml::Value::Table(_) => {
            let raw: RawRepair = d.get_ref().clone().try_into().map_err(|e: toml::de::Error| {
                ctx.err(
                    d.span(),
                    field,
                    format!(
                        "expected a number of steps or a repair table such as {{ dist = \"uniform\", min = 3, max = 10 }}: {}",
                        e.message().trim().trim_end_matches('.')
                    ),
                )
            })?;
            super::values::repair(&raw).map_err(|m| ctx.err(d.span(), field, m))
        }
        other => Err(ctx.err(
            d.span(),
            field,
            format!(
                "expected a number of steps or a repair table such as {{ dist = \"uniform\", min = 3, max = 10 }}, found {}",
                other.type_str()
            ),
        )),
    }
}

/// What `check` says about `topo`'s regions: one line listing each region
/// with its nodes, then a warning for every group of alternatives that
/// shares one region (all sources, or all makers of one product, when
/// there are at least two): one hazard stops them together. Empty when no
/// node has a region.
pub fn describe(topo: &Topology) -> Vec<String> {
    let mut by_region: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for n in &topo.nodes {
        if let Some(r) = n.region.as_deref() {
            by_region.entry(r).or_default().push(n.id.as_str());
        }
    }
    if by_region.is_empty() {
        return Vec::new();
    }
    const LISTED: usize = 12;
    let regions: Vec<String> = by_region
        .iter()
        .map(|(r, ids)| {
            let mut shown = ids[..ids.len().min(LISTED)].join(", ");
            if ids.len() > LISTED {
                shown.push_str(&format!(", … and {} more", ids.len() - LISTED));
            }
            format!("{r} ({shown})")
        })
        .collect();
    let mut out = vec![format!("regions: {}", regions.join("; "))];
    let mut groups: Vec<(String, Vec<&super::Node>)> = vec![(
        "sources".to_string(),
        topo.nodes
            .iter()
            .filter(|n| n.role == super::Role::Source)
            .collect(),
    )];
    let mut by_product: BTreeMap<&str, Vec<&super::Node>> = BTreeMap::new();
    for n in &topo.nodes {
        if let Some(p) = n.product.as_deref()
            && n.role != super::Role::Sink
        {
            by_product.entry(p).or_default().push(n);
        }
    }
    for (p, nodes) in by_product {
        groups.push((format!("{p} suppliers"), nodes));
    }
    for (what, nodes) in groups {
        if nodes.len() < 2 {
            continue;
        }
        let first = nodes[0].region.as_deref();
        if let Some(r) = first
            && nodes.iter().all(|n| n.region.as_deref() == Some(r))
        {
            out.push(format!(
                "warning: all {} {what} are in region {r}: one hazard stops them together",
                nodes.len()
            ));
        }
    }
    out
}

/// One line per hazard for `check`: what it strikes, how often, for how
/// long, and how many nodes of each topology its regions hold.
pub fn describe_hazards(hazards: &[Hazard], topologies: &[Topology], steps: u32) -> Vec<String> {
    hazards
        .iter()
        .map(|h| {
            let reach: Vec<String> = topologies
                .iter()
                .map(|t| {
                    let n = t
                        .nodes
                        .iter()
                        .filter(|n| h.covers(n.region.as_deref()))
                        .count();
                    format!("{} {n}", t.id)
                })
                .collect();
            let duration = h
                .duration
                .map_or_else(|| "the node's own repair".to_string(), |d| d.to_string());
            format!(
                "hazard {:?}: region {}, rate {} per step in steps {}..{}, hit {}, outage {duration}; nodes in reach: {}",
                h.label,
                h.regions_text(),
                Num(h.rate),
                h.start,
                h.end.unwrap_or(steps).min(steps),
                Num(h.hit),
                reach.join(", ")
            )
        })
        .collect()
}
