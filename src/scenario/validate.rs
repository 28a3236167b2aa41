//! Raw TOML → checked [`Scenario`]. Every rejection names the field and
//! what was expected, at the line and column of the offending value.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use toml::Spanned;

use super::raw::{RawDefaults, RawFile, RawLink, RawNode, RawRepair, RawShock, RawTopology};
use super::{
    Amount, DEFAULT_SERVICE_LEVEL, DEFAULT_STEPS, DEFAULT_TRIALS, InputError, Link, MAX_STEPS,
    Node, Num, Origin, Repair, Role, Scenario, Sector, Selection, Shock, Topology, field_at,
    unclosed_bracket,
};

use super::context::Ctx;
use super::limits::{MAX_NODES, MAX_REPAIR};

pub(super) fn parse(origin: &str, text: &str) -> Result<Scenario, InputError> {
    let ctx = Ctx {
        origin,
        source: Arc::from(text),
    };
    // Node, link and item limits before the parser builds its tree.
    super::limits::prescan(origin, &ctx.source)?;
    // Node and link entries one by one (a small multiple of the file);
    // anything else, errors included, the whole file at once.
    let raw: RawFile = match super::chunked::parse_raw(text) {
        Some(raw) => raw,
        None => parse_whole(&ctx, text)?,
    };
    let mut scenario = build(&ctx, raw)?;
    scenario.sha256 = hex_sha256(text.as_bytes());
    Ok(scenario)
}

/// The whole file through the toml crate's document tree, with its errors
/// in chainmesh's words.
fn parse_whole(ctx: &Ctx<'_>, text: &str) -> Result<RawFile, InputError> {
    toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let mut field = field_at(text, span.start);
        // "missing field `x`" points at the table: name the missing field itself.
        if let Some(missing) = missing_field(e.message()) {
            field = if field.is_empty() {
                missing.to_string()
            } else {
                format!("{field}.{missing}")
            };
        }
        // The parser notices an unclosed `[`/`{` only at the next line's key:
        // name the key being written and point at its bracket instead.
        if let Some(b) = unclosed_bracket(text, span.start) {
            let (line, _) = crate::scenario::line_column(text, span.start);
            let close = if text.as_bytes()[b] == b'[' { ']' } else { '}' };
            return ctx.err(
                b..b + 1,
                &field_at(text, b),
                format!(
                    "this `{}` is never closed: add `{close}` at the end of the value (the parser stopped at line {line}: {})",
                    text.as_bytes()[b] as char,
                    tidy_toml_message(e.message())
                ),
            );
        }
        ctx.err(span, &field, tidy_toml_message(e.message()))
    })
}

/// The name in serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    message
        .trim()
        .strip_prefix("missing field `")?
        .split('`')
        .next()
}

/// toml's messages are good; make the common serde ones friendlier and
/// never show internal Rust type names.
fn tidy_toml_message(message: &str) -> String {
    let m = message.trim().trim_end_matches('.');
    if let Some(rest) = m.strip_prefix("missing field ") {
        return format!("missing required field {rest}");
    }
    let mut m = m.replace("invalid type: ", "wrong type: found ");
    m = m.replace(
        "internally tagged enum RawRepair",
        "a repair table such as { dist = \"fixed\", steps = 5 }",
    );
    for raw in [
        "RawFile",
        "RawHeader",
        "RawDefaults",
        "RawShock",
        "RawHazard",
        "RawTopology",
        "RawNode",
        "RawLink",
        "RawRepair",
    ] {
        m = m
            .replace(&format!("struct {raw}"), "a table")
            .replace(raw, "table");
    }
    // Rust's type names in users' words.
    for (rust, words) in [
        ("expected i64", "expected an integer"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected f64", "expected a number"),
    ] {
        if let Some(rest) = m.strip_suffix(rust) {
            m = format!("{rest}{words}");
        }
    }
    m
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct Defaults {
    capacity: f64,
    cost: super::cost::NodeCost,
    stock: super::stock::Stock,
    failure_rate: f64,
    repair: Repair,
}

fn build(ctx: &Ctx<'_>, raw: RawFile) -> Result<Scenario, InputError> {
    let header_span = raw.scenario.span();
    let h = raw.scenario.into_inner();

    let name = h.name.get_ref().trim().to_string();
    if name.is_empty() {
        return Err(ctx.err(h.name.span(), "scenario.name", "expected a non-empty name"));
    }
    let sector = Sector::ALL
        .into_iter()
        .find(|s| s.as_str() == h.sector.get_ref())
        .ok_or_else(|| {
            ctx.err(
                h.sector.span(),
                "scenario.sector",
                format!(
                    "unknown sector {:?}; expected one of: {}",
                    h.sector.get_ref(),
                    Sector::ALL.map(|s| s.as_str()).join(", ")
                ),
            )
        })?;
    let steps = match &h.steps {
        None => DEFAULT_STEPS,
        Some(s) => int_in(ctx, s, "scenario.steps", 1, i64::from(MAX_STEPS))? as u32,
    };
    let trials = match &h.trials {
        None => DEFAULT_TRIALS,
        Some(t) => int_in(ctx, t, "scenario.trials", 1, i64::MAX)? as u64,
    };
    let seed = h.seed.as_ref().map_or(0, |s| *s.get_ref());
    let lesson_zh = match &h.lesson_zh {
        None => None,
        Some(l) if l.get_ref().trim().is_empty() => {
            return Err(ctx.err(
                l.span(),
                "scenario.lesson_zh",
                "expected the lesson in Traditional Chinese, found blank text; remove the key or write the lesson",
            ));
        }
        Some(l) => Some(l.get_ref().trim().to_string()),
    };
    let service_level = match &h.service_level {
        None => DEFAULT_SERVICE_LEVEL,
        Some(v) => {
            let x = *v.get_ref();
            if !(x.is_finite() && x > 0.0 && x <= 1.0) {
                return Err(ctx.err(
                    v.span(),
                    "scenario.service_level",
                    format!(
                        "expected a fraction of baseline in (0, 1], found {}",
                        Num(x)
                    ),
                ));
            }
            x
        }
    };

    let defaults = build_defaults(ctx, raw.defaults)?;

    if raw.topology.is_empty() {
        return Err(ctx.err(
            header_span,
            "topology",
            "expected at least one [[topology]] with nodes and links",
        ));
    }
    let mut topologies = Vec::with_capacity(raw.topology.len());
    let mut seen = BTreeMap::new();
    for t in raw.topology {
        let span = t.span();
        let topo = build_topology(ctx, span.clone(), t.into_inner(), &defaults)?;
        if seen.insert(topo.id.clone(), ()).is_some() {
            return Err(ctx.err(
                span,
                "topology.id",
                format!("duplicate topology id {:?}; ids must be unique", topo.id),
            ));
        }
        topologies.push(topo);
    }

    let shocks = raw
        .shock
        .iter()
        .map(|s| build_shock(ctx, s.span(), s.get_ref(), steps, &topologies))
        .collect::<Result<Vec<_>, _>>()?;
    let hazards = raw
        .hazard
        .iter()
        .map(|h| super::hazard::build(ctx, h.span(), h.get_ref(), steps, &topologies))
        .collect::<Result<Vec<_>, _>>()?;

    Ok(Scenario {
        name,
        name_zh: h.name_zh,
        sector,
        description: h.description,
        lesson: h.lesson,
        lesson_zh,
        steps,
        trials,
        seed,
        service_level,
        step_unit: h
            .step_unit
            .map(|u| u.chars().filter(|c| !c.is_control()).collect::<String>())
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty()),
        currency: h
            .currency
            .map(|u| u.chars().filter(|c| !c.is_control()).collect::<String>())
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty()),
        shocks,
        hazards,
        topologies,
        sha256: String::new(),
        origin: Origin {
            name: ctx.origin.to_string(),
            text: Arc::clone(&ctx.source),
        },
    })
}

fn build_defaults(
    ctx: &Ctx<'_>,
    raw: Option<Spanned<RawDefaults>>,
) -> Result<Defaults, InputError> {
    let mut d = Defaults {
        capacity: 100.0,
        cost: super::cost::NodeCost::default(),
        stock: super::stock::Stock::default(),
        failure_rate: 0.01,
        repair: Repair::Fixed { steps: 5 },
    };
    if let Some(raw) = raw {
        let raw = raw.into_inner();
        if let Some(c) = &raw.capacity {
            d.capacity = capacity(ctx, c, "defaults.capacity")?;
        }
        if let Some(p) = &raw.failure_rate {
            d.failure_rate = probability(ctx, p, "defaults.failure_rate")?;
        }
        if let Some(r) = &raw.repair {
            d.repair = repair(ctx, r, "defaults.repair")?;
        }
        if let Some(s) = &raw.stock {
            d.stock = super::stock::parse(ctx, s, "defaults.stock")?;
        }
        d.cost = super::cost::defaults(ctx, &raw)?;
        super::bom::reject_defaults(ctx, &raw)?;
    }
    Ok(d)
}

fn build_topology(
    ctx: &Ctx<'_>,
    span: Range<usize>,
    raw: RawTopology,
    d: &Defaults,
) -> Result<Topology, InputError> {
    let id = ident(ctx, &raw.id, "topology.id")?;
    if raw.node.is_empty() {
        return Err(ctx.err(
            span,
            "topology.node",
            format!("topology {id:?} has no nodes; expected [[topology.node]] entries"),
        ));
    }
    if raw.node.len() > MAX_NODES {
        return Err(ctx.err(
            span,
            "topology.node",
            format!(
                "topology {id:?} has {} nodes; at most {MAX_NODES} are supported",
                raw.node.len()
            ),
        ));
    }
    let mut index = BTreeMap::new();
    let mut nodes = Vec::with_capacity(raw.node.len());
    for n in &raw.node {
        let node = build_node(ctx, n.get_ref(), d)?;
        if index.insert(node.id.clone(), nodes.len()).is_some() {
            return Err(ctx.err(
                n.get_ref().id.span(),
                "topology.node.id",
                format!("duplicate node id {:?} in topology {id:?}", node.id),
            ));
        }
        nodes.push(node);
    }
    let links = raw
        .link
        .iter()
        .map(|l| build_link(ctx, l.get_ref(), &index, &id))
        .collect::<Result<Vec<_>, _>>()?;
    super::bom::resolve(ctx, &id, &raw.node, &raw.link, &mut nodes, &links)?;

    let topo = Topology {
        id: id.clone(),
        label: raw.label.unwrap_or_else(|| id.clone()),
        label_zh: raw.label_zh,
        description: raw.description,
        nodes,
        links,
        span: span.clone(),
    };
    check_roles(ctx, &span, &topo)?;
    Ok(topo)
}

/// A source and a sink. Reachability and a positive baseline need the flow
/// network: `sim::Prepared::new` checks them (see `network::check_flow`).
fn check_roles(ctx: &Ctx<'_>, span: &Range<usize>, topo: &Topology) -> Result<(), InputError> {
    let id = &topo.id;
    let has = |r: Role| topo.nodes.iter().any(|n| n.role == r);
    if !has(Role::Source) {
        return Err(ctx.err(
            span.clone(),
            "topology.node.role",
            format!(
                "topology {id:?} has no source; expected at least one node with role = \"source\""
            ),
        ));
    }
    if !has(Role::Sink) {
        return Err(ctx.err(
            span.clone(),
            "topology.node.role",
            format!("topology {id:?} has no sink; expected at least one node with role = \"sink\""),
        ));
    }
    Ok(())
}

fn build_node(ctx: &Ctx<'_>, n: &RawNode, d: &Defaults) -> Result<Node, InputError> {
    let id = ident(ctx, &n.id, "topology.node.id")?;
    let role = match &n.role {
        None => Role::Relay,
        Some(r) => match r.get_ref().as_str() {
            "source" => Role::Source,
            "relay" => Role::Relay,
            "sink" => Role::Sink,
            other => {
                return Err(ctx.err(
                    r.span(),
                    "topology.node.role",
                    format!("unknown role {other:?}; expected one of: source, relay, sink"),
                ));
            }
        },
    };
    Ok(Node {
        label: n.label.clone().unwrap_or_else(|| id.clone()),
        id,
        label_zh: n.label_zh.clone(),
        role,
        sector: n.sector.clone().filter(|s| !s.is_empty()),
        region: super::hazard::region(n.region.as_ref()),
        capacity: match &n.capacity {
            Some(c) => capacity(ctx, c, "topology.node.capacity")?,
            None => d.capacity,
        },
        failure_rate: match &n.failure_rate {
            Some(p) => probability(ctx, p, "topology.node.failure_rate")?,
            None => d.failure_rate,
        },
        repair: match &n.repair {
            Some(r) => repair(ctx, r, "topology.node.repair")?,
            None => d.repair,
        },
        product: super::bom::product(ctx, n)?,
        needs: super::bom::needs(ctx, n, role)?,
        stock: match &n.stock {
            Some(s) => super::stock::parse(ctx, s, "topology.node.stock")?,
            None => d.stock,
        },
        demand: super::stock::demand(ctx, n, role)?,
        cost: super::cost::node(ctx, n, role, &d.cost)?,
    })
}

fn build_link(
    ctx: &Ctx<'_>,
    l: &RawLink,
    index: &BTreeMap<String, usize>,
    topo: &str,
) -> Result<Link, InputError> {
    let end = |s: &Spanned<String>, field: &str| {
        index.get(s.get_ref()).copied().ok_or_else(|| {
            ctx.err(
                s.span(),
                field,
                format!(
                    "unknown node id {:?}; expected a node of topology {topo:?}",
                    s.get_ref()
                ),
            )
        })
    };
    let from = end(&l.from, "topology.link.from")?;
    let to = end(&l.to, "topology.link.to")?;
    if from == to {
        return Err(ctx.err(
            l.to.span(),
            "topology.link.to",
            format!(
                "link from {:?} to itself; expected two different nodes",
                l.from.get_ref()
            ),
        ));
    }
    Ok(Link {
        from,
        to,
        capacity: match &l.capacity {
            Some(c) => capacity(ctx, c, "topology.link.capacity")?,
            None => f64::INFINITY,
        },
        both_ways: l.both_ways.unwrap_or(false),
        unit_cost: super::cost::link(ctx, &l.unit_cost)?,
    })
}

/// Validate one shock (from a file or a `--shock` argument).
pub(crate) fn build_shock(
    ctx: &Ctx<'_>,
    span: Range<usize>,
    s: &RawShock,
    steps: u32,
    topologies: &[Topology],
) -> Result<Shock, InputError> {
    let at = s.at.as_ref().ok_or_else(|| {
        ctx.err(
            span.clone(),
            "shock.at",
            "missing required field `at` (the step index)",
        )
    })?;
    let at_val = *at.get_ref();
    if at_val < 0 || at_val >= i64::from(steps) {
        return Err(ctx.err(
            at.span(),
            "shock.at",
            format!("expected a step index in 0..{steps} (the scenario has {steps} steps), found {at_val}"),
        ));
    }
    let select = s.select.as_ref().ok_or_else(|| {
        ctx.err(
            span.clone(),
            "shock.select",
            "missing required field `select`; expected random, degree, betweenness, sector or nodes",
        )
    })?;
    let kind = select.get_ref().as_str();
    const KINDS: [&str; 5] = ["random", "degree", "betweenness", "sector", "nodes"];
    if !KINDS.contains(&kind) {
        return Err(ctx.err(
            select.span(),
            "shock.select",
            format!(
                "unknown selection {kind:?}; expected one of: {}",
                KINDS.join(", ")
            ),
        ));
    }
    let ranked = matches!(kind, "random" | "degree" | "betweenness");
    let not_for =
        |present: Option<Range<usize>>, field: &str, wanted: &str| -> Result<(), InputError> {
            match present {
                Some(sp) => Err(ctx.err(
                    sp,
                    &format!("shock.{field}"),
                    format!(
                        "`{field}` is only used with select = {wanted}, not with select = {kind:?}"
                    ),
                )),
                None => Ok(()),
            }
        };
    if !ranked {
        not_for(
            s.count.as_ref().map(Spanned::span),
            "count",
            "random, degree or betweenness",
        )?;
        not_for(
            s.fraction.as_ref().map(Spanned::span),
            "fraction",
            "random, degree or betweenness",
        )?;
    }
    if kind != "sector" {
        not_for(s.sector.as_ref().map(Spanned::span), "sector", "\"sector\"")?;
    }
    if kind != "nodes" {
        not_for(s.nodes.as_ref().map(Spanned::span), "nodes", "\"nodes\"")?;
    }
    let largest = topologies.iter().map(|t| t.nodes.len()).max().unwrap_or(0);
    let amount = || -> Result<Amount, InputError> {
        match (&s.count, &s.fraction) {
            (Some(c), None) => {
                let v = *c.get_ref();
                if v < 1 {
                    return Err(ctx.err(
                        c.span(),
                        "shock.count",
                        format!("expected a count >= 1, found {v}"),
                    ));
                }
                if v as u64 > largest as u64 {
                    return Err(ctx.err(
                        c.span(),
                        "shock.count",
                        format!("count {v} is larger than every topology (the largest has {largest} nodes)"),
                    ));
                }
                Ok(Amount::Count(v as u32))
            }
            (None, Some(f)) => {
                let v = *f.get_ref();
                if !(v.is_finite() && v > 0.0 && v <= 1.0) {
                    return Err(ctx.err(
                        f.span(),
                        "shock.fraction",
                        format!(
                            "expected a fraction of the topology's nodes in (0, 1], found {}",
                            Num(v)
                        ),
                    ));
                }
                Ok(Amount::Fraction(v))
            }
            (Some(c), Some(_)) => Err(ctx.err(
                c.span(),
                "shock.count",
                "give either `count` or `fraction`, not both",
            )),
            (None, None) => Err(ctx.err(
                select.span(),
                "shock.count",
                format!("select = {kind:?} needs `count = N` or `fraction = F`"),
            )),
        }
    };
    let selection = match kind {
        "random" => Selection::Random(amount()?),
        "degree" => Selection::Degree(amount()?),
        "betweenness" => Selection::Betweenness(amount()?),
        "sector" => {
            let sec = s.sector.as_ref().ok_or_else(|| {
                ctx.err(
                    select.span(),
                    "shock.sector",
                    "select = \"sector\" needs `sector = \"...\"`",
                )
            })?;
            let known: BTreeSet<&str> = topologies
                .iter()
                .flat_map(|t| t.nodes.iter().filter_map(|n| n.sector.as_deref()))
                .collect();
            if !known.contains(sec.get_ref().as_str()) {
                let hint = if known.is_empty() {
                    "no node has a sector yet; add `sector = \"...\"` to the nodes this shock should hit".to_string()
                } else {
                    format!(
                        "known sectors: {}",
                        known.into_iter().collect::<Vec<_>>().join(", ")
                    )
                };
                return Err(ctx.err(
                    sec.span(),
                    "shock.sector",
                    format!(
                        "no node of any topology has sector {:?}; {hint}",
                        sec.get_ref()
                    ),
                ));
            }
            Selection::Sector(sec.get_ref().clone())
        }
        "nodes" => {
            let list = s.nodes.as_ref().ok_or_else(|| {
                ctx.err(
                    select.span(),
                    "shock.nodes",
                    "select = \"nodes\" needs `nodes = [\"id\", ...]`",
                )
            })?;
            if list.get_ref().is_empty() {
                return Err(ctx.err(list.span(), "shock.nodes", "expected at least one node id"));
            }
            for id in list.get_ref() {
                if !topologies
                    .iter()
                    .any(|t| t.node_index(id.get_ref()).is_some())
                {
                    return Err(ctx.err(
                        id.span(),
                        "shock.nodes",
                        format!("unknown node id {:?}; no topology has it", id.get_ref()),
                    ));
                }
            }
            Selection::Nodes(list.get_ref().iter().map(|i| i.get_ref().clone()).collect())
        }
        other => {
            return Err(ctx.err(
                select.span(),
                "shock.select",
                format!("unknown selection {other:?}; expected one of: random, degree, betweenness, sector, nodes"),
            ));
        }
    };
    let duration = match &s.duration {
        None => None,
        Some(d) => Some(int_in(ctx, d, "shock.duration", 1, MAX_REPAIR)? as u32),
    };
    Ok(Shock {
        at: at_val as u32,
        select: selection,
        duration,
        label: s.label.clone(),
    })
}

fn ident(ctx: &Ctx<'_>, s: &Spanned<String>, field: &str) -> Result<String, InputError> {
    let v = s.get_ref();
    let ok = !v.is_empty()
        && v.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'));
    if !ok {
        return Err(ctx.err(
            s.span(),
            field,
            format!(
                "invalid id {v:?}; expected letters, digits, '-', '_', '.', ':' or '/' (no spaces)"
            ),
        ));
    }
    Ok(v.clone())
}

fn int_in(
    ctx: &Ctx<'_>,
    v: &Spanned<i64>,
    field: &str,
    lo: i64,
    hi: i64,
) -> Result<i64, InputError> {
    let x = *v.get_ref();
    if x < lo || x > hi {
        let range = if hi == i64::MAX {
            format!(">= {lo}")
        } else {
            format!("in {lo}..={hi}")
        };
        return Err(ctx.err(
            v.span(),
            field,
            format!("expected an integer {range}, found {x}"),
        ));
    }
    Ok(x)
}

fn capacity(ctx: &Ctx<'_>, v: &Spanned<f64>, field: &str) -> Result<f64, InputError> {
    super::values::capacity(*v.get_ref()).map_err(|m| ctx.err(v.span(), field, m))
}

fn probability(ctx: &Ctx<'_>, v: &Spanned<f64>, field: &str) -> Result<f64, InputError> {
    super::values::probability(*v.get_ref()).map_err(|m| ctx.err(v.span(), field, m))
}

fn repair(ctx: &Ctx<'_>, r: &Spanned<RawRepair>, field: &str) -> Result<Repair, InputError> {
    super::values::repair(r.get_ref()).map_err(|m| ctx.err(r.span(), field, m))
}
