//! Bills of materials: which nodes are assemblers, what every node makes, and
//! the checks that give a file's assembly semantics one meaning.
//!
//! Invariants of a topology that passes [`resolve`]:
//! * every assembler's inputs carry a named product that is one of its parts,
//!   and every part has at least one such supplier;
//! * no `both_ways` link touches an assembler, and no directed cycle passes
//!   through one (so the assembly program of `docs/model.md` is well posed);
//! * a pool never mixes two named products on a path into an assembler.
//!
//! Product inference (also in `docs/model.md`): an explicit `product` wins; a
//! pool whose inputs all carry the same named product takes it; a pool with an
//! unnamed input, or with no input, a source and an assembler without
//! `product` are unnamed; cycles of pools are resolved by iterating to the
//! least fixpoint from "not yet known" (a cycle fed only by batteries carries
//! batteries).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ops::Range;

use toml::Spanned;

use super::context::Ctx;
use super::raw::{RawDefaults, RawLink, RawNode};
use super::{InputError, Link, Node, Num, Role};

/// `needs` and `product` belong to single nodes, never to `[defaults]`.
pub(super) fn reject_defaults(ctx: &Ctx<'_>, raw: &RawDefaults) -> Result<(), InputError> {
    if let Some(v) = &raw.needs {
        return Err(ctx.err(
            v.span(),
            "defaults.needs",
            "`needs` cannot be a default: a bill of materials belongs to one assembler; move it to that [[topology.node]]",
        ));
    }
    if let Some(v) = &raw.product {
        return Err(ctx.err(
            v.span(),
            "defaults.product",
            "`product` cannot be a default: it names what one node makes; move it to that [[topology.node]]",
        ));
    }
    Ok(())
}

fn valid_name(v: &str) -> bool {
    !v.is_empty()
        && v.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'))
}

/// The node's explicit `product`, checked.
pub(super) fn product(ctx: &Ctx<'_>, n: &RawNode) -> Result<Option<String>, InputError> {
    let Some(p) = &n.product else {
        return Ok(None);
    };
    if !valid_name(p.get_ref()) {
        return Err(ctx.err(
            p.span(),
            "topology.node.product",
            format!(
                "invalid product name {:?}; expected letters, digits, '-', '_', '.', ':' or '/' (no spaces)",
                p.get_ref()
            ),
        ));
    }
    Ok(Some(p.get_ref().clone()))
}

/// The node's bill of materials, checked on its own (suppliers are checked by [`resolve`]).
pub(super) fn needs(
    ctx: &Ctx<'_>,
    n: &RawNode,
    role: Role,
) -> Result<BTreeMap<String, f64>, InputError> {
    let Some(table) = &n.needs else {
        return Ok(BTreeMap::new());
    };
    const FIELD: &str = "topology.node.needs";
    if role == Role::Source {
        return Err(ctx.err(
            table.span(),
            FIELD,
            format!(
                "source {:?} has `needs`, but a source has no inputs to assemble; remove `needs`, or make the node a relay fed by its part suppliers",
                n.id.get_ref()
            ),
        ));
    }
    if table.get_ref().is_empty() {
        return Err(ctx.err(
            table.span(),
            FIELD,
            "expected at least one part with its quantity, e.g. needs = { battery = 1, motor = 1 }; remove `needs` for a node that pools its inputs",
        ));
    }
    let mut out = BTreeMap::new();
    for (part, qty) in table.get_ref() {
        if !valid_name(part) {
            return Err(ctx.err(
                table.span(),
                FIELD,
                format!(
                    "invalid part name {part:?}; expected letters, digits, '-', '_', '.', ':' or '/' (no spaces)"
                ),
            ));
        }
        let q = super::values::quantity(part, *qty.get_ref())
            .map_err(|m| ctx.err(qty.span(), &format!("{FIELD}.{part}"), m))?;
        out.insert(part.clone(), q);
    }
    Ok(out)
}

/// What inference knows of a node's product (a lattice: Unknown < Named < Unnamed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// Not decided yet (only pools on cycles stay here to the end).
    Unknown,
    /// This product (an index into the interned names).
    Named(usize),
    /// No name: mixed, unnamed input, or no input.
    Unnamed,
}

/// Infer every node's product and check the bill-of-materials rules.
/// `raw_nodes` and `raw_links` are the file's tables, in the order of `nodes` and `links`.
pub(super) fn resolve(
    ctx: &Ctx<'_>,
    topo: &str,
    raw_nodes: &[Spanned<RawNode>],
    raw_links: &[Spanned<RawLink>],
    nodes: &mut [Node],
    links: &[Link],
) -> Result<(), InputError> {
    let n = nodes.len();
    // Interned product names.
    let mut names: Vec<String> = Vec::new();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut intern = |s: &str| -> usize {
        if let Some(&i) = ids.get(s) {
            return i;
        }
        names.push(s.to_string());
        ids.insert(s.to_string(), names.len() - 1);
        names.len() - 1
    };
    let mut inputs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut outputs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for l in links {
        inputs[l.to].push(l.from);
        outputs[l.from].push(l.to);
        if l.both_ways {
            inputs[l.from].push(l.to);
            outputs[l.to].push(l.from);
        }
    }
    let pool_infers = |i: usize| {
        let node = &nodes[i];
        node.product.is_none()
            && node.role != Role::Source
            && !node.is_assembler()
            && !inputs[i].is_empty()
    };
    let mut known: Vec<Known> = nodes
        .iter()
        .map(|node| match &node.product {
            Some(p) => Known::Named(intern(p)),
            None => Known::Unnamed,
        })
        .collect();
    let mut queue = VecDeque::new();
    let mut queued = vec![false; n];
    for (i, k) in known.iter_mut().enumerate() {
        if pool_infers(i) {
            *k = Known::Unknown;
            queue.push_back(i);
            queued[i] = true;
        }
    }
    let combine = |known: &[Known], i: usize| -> Known {
        let mut out = Known::Unknown;
        for &u in &inputs[i] {
            match (out, known[u]) {
                (_, Known::Unknown) => {}
                (Known::Unnamed, _) | (_, Known::Unnamed) => return Known::Unnamed,
                (Known::Unknown, k) => out = k,
                (Known::Named(a), Known::Named(b)) if a != b => return Known::Unnamed,
                _ => {}
            }
        }
        out
    };
    while let Some(i) = queue.pop_front() {
        queued[i] = false;
        let k = combine(&known, i);
        if k != known[i] {
            known[i] = k;
            for &v in &outputs[i] {
                if pool_infers(v) && !queued[v] {
                    queued[v] = true;
                    queue.push_back(v);
                }
            }
        }
    }
    let named = |k: Known| match k {
        Known::Named(p) => Some(p),
        _ => None,
    };
    // The named products a node's inputs carry, sorted by name.
    let carried = |i: usize| -> BTreeSet<&str> {
        inputs[i]
            .iter()
            .filter_map(|&u| named(known[u]))
            .map(|p| names[p].as_str())
            .collect()
    };

    // A pool passes its inputs on unchanged: an explicit product must match them.
    for i in 0..n {
        let node = &nodes[i];
        let (Some(p), Some(span)) = (&node.product, raw_nodes[i].get_ref().product.as_ref()) else {
            continue;
        };
        if node.role == Role::Source || node.is_assembler() {
            continue;
        }
        if let Some(&u) = inputs[i]
            .iter()
            .find(|&&u| named(known[u]).is_some_and(|q| names[q] != *p))
        {
            let q = named(known[u]).map_or("", |q| names[q].as_str());
            return Err(ctx.err(
                span.span(),
                "topology.node.product",
                format!(
                    "{:?} has product = {p:?}, but its input {:?} carries {q:?}; a node without `needs` passes its inputs on unchanged (it cannot turn {q} into {p}): remove `product`, or give {:?} `needs`",
                    node.id, nodes[u].id, node.id
                ),
            ));
        }
    }

    let has_assembler = nodes.iter().any(Node::is_assembler);
    if has_assembler {
        check_links(ctx, topo, raw_links, nodes, links)?;
        check_cycles(ctx, topo, raw_nodes, nodes, &outputs)?;
        // A mixing pool upstream of an assembler (directly or through pools).
        for i in 0..n {
            let node = &nodes[i];
            if node.role == Role::Source || node.is_assembler() || node.product.is_some() {
                continue;
            }
            let mix = carried(i);
            if mix.len() < 2 {
                continue;
            }
            if let Some(a) = feeds_assembler(i, nodes, &outputs) {
                let list: Vec<&str> = mix.into_iter().collect();
                return Err(ctx.err(
                    raw_nodes[i].get_ref().id.span(),
                    "topology.node",
                    format!(
                        "{:?} mixes {} and feeds assembler {:?}: give it `needs` or split it (one node per product)",
                        node.id,
                        and_list(&list),
                        nodes[a].id
                    ),
                ));
            }
        }
        // Every input of an assembler carries one of its parts; every part has a supplier.
        for (k, l) in links.iter().enumerate() {
            let a = &nodes[l.to];
            if !a.is_assembler() {
                continue;
            }
            let span = raw_links[k].get_ref().from.span();
            match named(known[l.from]) {
                None => {
                    return Err(ctx.err(
                        span,
                        "topology.link.from",
                        format!(
                            "{:?} feeds assembler {:?} but carries no named product; give {:?} a `product` among {:?}'s parts ({})",
                            nodes[l.from].id,
                            a.id,
                            nodes[l.from].id,
                            a.id,
                            parts_list(a)
                        ),
                    ));
                }
                Some(p) if !a.needs.contains_key(&names[p]) => {
                    return Err(ctx.err(
                        span,
                        "topology.link.from",
                        format!(
                            "{:?} carries {:?}, which assembler {:?} does not need (its parts: {}); add it to `needs` or remove the link",
                            nodes[l.from].id,
                            names[p],
                            a.id,
                            parts_list(a)
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        for (i, a) in nodes.iter().enumerate() {
            let have = carried(i);
            for part in a.needs.keys() {
                if !have.contains(part.as_str()) {
                    let span = raw_nodes[i]
                        .get_ref()
                        .needs
                        .as_ref()
                        .and_then(|t| t.get_ref().get(part).map(Spanned::span))
                        .unwrap_or_else(|| raw_nodes[i].get_ref().id.span());
                    return Err(ctx.err(
                        span,
                        &format!("topology.node.needs.{part}"),
                        format!(
                            "{:?} needs {part:?} but no node linked into it carries {part:?} (topology {topo:?}); link a supplier whose product is {part:?}",
                            a.id
                        ),
                    ));
                }
            }
        }
    }

    for (node, k) in nodes.iter_mut().zip(known) {
        node.product = named(k).map(|p| names[p].clone());
    }
    if nodes.iter().any(Node::is_assembler) {
        magnitudes(ctx, topo, raw_nodes, raw_links, nodes, links)?;
    }
    Ok(())
}

/// Capacities, link capacities and demands of a topology with assemblers
/// lie in `ASSEMBLY_UNITS`; quantities of `needs` in `ASSEMBLY_QTY`.
pub const ASSEMBLY_UNITS: (f64, f64) = (1e-3, 1e9);
/// See [`ASSEMBLY_UNITS`].
pub const ASSEMBLY_QTY: (f64, f64) = (1e-3, 1e3);

/// The dynamic range of a topology with assemblers (docs/model.md, section
/// 1a, "Magnitudes"): its linear program is exact to 1e-9 relative there
/// (`tests/assembly_exact.rs` checks it against an exact rational simplex),
/// and outside it a floating-point solve can drop a constraint silently, so
/// a value outside is refused at its line:column.
fn magnitudes(
    ctx: &Ctx<'_>,
    topo: &str,
    raw_nodes: &[Spanned<RawNode>],
    raw_links: &[Spanned<RawLink>],
    nodes: &[Node],
    links: &[Link],
) -> Result<(), InputError> {
    let out = |x: f64, (lo, hi): (f64, f64)| !(lo..=hi).contains(&x);
    let units = |span: Range<usize>, field: &str, what: &str, x: f64| {
        ctx.err(
            span,
            field,
            format!(
                "expected a {what} from 1e-3 to 1e9 units in topology {topo:?}, which has assemblers (the range its linear program is exact in; express the flow in other units), found {}",
                Num(x)
            ),
        )
    };
    for (raw, node) in raw_nodes.iter().zip(nodes) {
        let r = raw.get_ref();
        if out(node.capacity, ASSEMBLY_UNITS) {
            let span = r.capacity.as_ref().map_or(raw.span(), |c| c.span());
            return Err(units(
                span,
                "topology.node.capacity",
                "capacity",
                node.capacity,
            ));
        }
        if let Some(d) = node.demand.filter(|&d| out(d, ASSEMBLY_UNITS)) {
            let span = r.demand.as_ref().map_or(raw.span(), |c| c.span());
            return Err(units(span, "topology.node.demand", "demand", d));
        }
        // Stock enters the same programs (the stock stages): a stock of
        // a node of this topology is at most 1e9 units, and its initial
        // level 0 or at least 1e-3.
        let st = node.stock;
        let stock_out = st.max > ASSEMBLY_UNITS.1
            || (st.max > 0.0 && st.max < ASSEMBLY_UNITS.0)
            || (st.initial > 0.0 && st.initial < ASSEMBLY_UNITS.0);
        if stock_out {
            let span = r.stock.as_ref().map_or(raw.span(), |c| c.span());
            let x = if st.initial > 0.0 && st.initial < ASSEMBLY_UNITS.0 {
                st.initial
            } else {
                st.max
            };
            return Err(units(span, "topology.node.stock", "stock", x));
        }
        let quantities = r.needs.as_ref().map(|t| t.get_ref().iter());
        for (part, qty) in quantities.into_iter().flatten() {
            let q = *qty.get_ref();
            if out(q, ASSEMBLY_QTY) {
                return Err(ctx.err(
                    qty.span(),
                    &format!("topology.node.needs.{part}"),
                    format!(
                        "expected a quantity from 1e-3 to 1e3 units of {part} per unit of output in topology {topo:?}, which has assemblers (the range its linear program is exact in), found {}",
                        Num(q)
                    ),
                ));
            }
        }
    }
    for (raw, link) in raw_links.iter().zip(links) {
        if link.capacity.is_finite() && out(link.capacity, ASSEMBLY_UNITS) {
            let span = raw
                .get_ref()
                .capacity
                .as_ref()
                .map_or(raw.span(), |c| c.span());
            return Err(units(
                span,
                "topology.link.capacity",
                "link capacity",
                link.capacity,
            ));
        }
    }
    Ok(())
}

fn parts_list(a: &Node) -> String {
    a.needs.keys().cloned().collect::<Vec<_>>().join(", ")
}

fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The first assembler (by BFS) that `start`'s output reaches through pools
/// only (a source makes its own product whatever flows into it).
fn feeds_assembler(start: usize, nodes: &[Node], outputs: &[Vec<usize>]) -> Option<usize> {
    let mut seen = vec![false; nodes.len()];
    let mut queue = VecDeque::from([start]);
    seen[start] = true;
    while let Some(u) = queue.pop_front() {
        for &v in &outputs[u] {
            if seen[v] {
                continue;
            }
            seen[v] = true;
            if nodes[v].is_assembler() {
                return Some(v);
            }
            if nodes[v].role != Role::Source {
                queue.push_back(v);
            }
        }
    }
    None
}

/// No `both_ways` link may touch an assembler.
fn check_links(
    ctx: &Ctx<'_>,
    topo: &str,
    raw_links: &[Spanned<RawLink>],
    nodes: &[Node],
    links: &[Link],
) -> Result<(), InputError> {
    for (k, l) in links.iter().enumerate() {
        if !l.both_ways {
            continue;
        }
        if let Some(a) = [l.from, l.to]
            .into_iter()
            .find(|&i| nodes[i].is_assembler())
        {
            return Err(ctx.err(
                raw_links[k].get_ref().from.span(),
                "topology.link.both_ways",
                format!(
                    "link {:?} → {:?} in topology {topo:?} is both_ways but touches assembler {:?}; parts flow one way into an assembler: remove both_ways",
                    nodes[l.from].id, nodes[l.to].id, nodes[a].id
                ),
            ));
        }
    }
    Ok(())
}

/// No directed cycle may pass through an assembler (strongly connected
/// components, Kosaraju, iterative).
fn check_cycles(
    ctx: &Ctx<'_>,
    topo: &str,
    raw_nodes: &[Spanned<RawNode>],
    nodes: &[Node],
    outputs: &[Vec<usize>],
) -> Result<(), InputError> {
    let n = nodes.len();
    let comp = components(outputs);
    let mut size = vec![0usize; n];
    for &c in &comp {
        size[c] += 1;
    }
    let Some(a) = (0..n).find(|&i| nodes[i].is_assembler() && size[comp[i]] > 1) else {
        return Ok(());
    };
    // A shortest cycle through `a` inside its component, for the message.
    let mut prev = vec![usize::MAX; n];
    let mut queue = VecDeque::from([a]);
    let mut back = None;
    'bfs: while let Some(u) = queue.pop_front() {
        for &v in &outputs[u] {
            if comp[v] != comp[a] {
                continue;
            }
            if v == a {
                back = Some(u);
                break 'bfs;
            }
            if prev[v] == usize::MAX {
                prev[v] = u;
                queue.push_back(v);
            }
        }
    }
    let mut path = vec![nodes[a].id.as_str()];
    let mut at = back;
    let mut rev = Vec::new();
    while let Some(u) = at.filter(|&u| u != a) {
        rev.push(nodes[u].id.as_str());
        at = Some(prev[u]);
    }
    path.extend(rev.into_iter().rev());
    path.push(nodes[a].id.as_str());
    Err(ctx.err(
        raw_nodes[a].get_ref().id.span(),
        "topology.link",
        format!(
            "assembler {:?} is on a cycle ({}) in topology {topo:?}; an assembler cannot feed its own parts: remove a link of the cycle",
            nodes[a].id,
            path.join(" → ")
        ),
    ))
}

/// Strongly connected component id of every vertex.
fn components(outputs: &[Vec<usize>]) -> Vec<usize> {
    let n = outputs.len();
    let mut inputs = vec![Vec::new(); n];
    for (u, out) in outputs.iter().enumerate() {
        for &v in out {
            inputs[v].push(u);
        }
    }
    // Pass 1: vertices by DFS finish time.
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for s in 0..n {
        if seen[s] {
            continue;
        }
        seen[s] = true;
        stack.push((s, 0));
        while let Some(&mut (u, ref mut next)) = stack.last_mut() {
            if let Some(&v) = outputs[u].get(*next) {
                *next += 1;
                if !seen[v] {
                    seen[v] = true;
                    stack.push((v, 0));
                }
            } else {
                order.push(u);
                stack.pop();
            }
        }
    }
    // Pass 2: reverse graph, in reverse finish order.
    let mut comp = vec![usize::MAX; n];
    let mut work = Vec::new();
    for (c, &s) in order.iter().rev().enumerate() {
        if comp[s] != usize::MAX {
            continue;
        }
        comp[s] = c;
        work.push(s);
        while let Some(u) = work.pop() {
            for &v in &inputs[u] {
                if comp[v] == usize::MAX {
                    comp[v] = c;
                    work.push(v);
                }
            }
        }
    }
    comp
}

/// One part of an assembler's bill of materials and who supplies it.
#[derive(Debug, Clone, PartialEq)]
pub struct PartSupply {
    /// The part (a product name).
    pub part: String,
    /// Units per unit of the assembler's output.
    pub qty: f64,
    /// Distinct nodes linked into the assembler that carry this part, in node order.
    pub suppliers: Vec<usize>,
}

/// The bill of materials of node `v` with its suppliers, parts in name
/// order; empty for a pool.
pub fn supply(topo: &super::Topology, v: usize) -> Vec<PartSupply> {
    let node = &topo.nodes[v];
    node.needs
        .iter()
        .map(|(part, &qty)| {
            let mut suppliers: Vec<usize> = topo
                .links
                .iter()
                .filter_map(|l| {
                    if l.to == v {
                        Some(l.from)
                    } else if l.both_ways && l.from == v {
                        Some(l.to)
                    } else {
                        None
                    }
                })
                .filter(|&u| topo.nodes[u].product.as_deref() == Some(part.as_str()))
                .collect();
            suppliers.sort_unstable();
            suppliers.dedup();
            PartSupply {
                part: part.clone(),
                qty,
                suppliers,
            }
        })
        .collect()
}

/// Sole sources: (supplier, part, assemblers it alone supplies with that
/// part), by supplier index then part. A sole source's outage stops every
/// assembler listed.
pub fn sole_sources(topo: &super::Topology) -> Vec<(usize, String, Vec<usize>)> {
    let mut map: BTreeMap<(usize, String), Vec<usize>> = BTreeMap::new();
    for v in 0..topo.nodes.len() {
        for s in supply(topo, v) {
            if let [only] = s.suppliers[..] {
                map.entry((only, s.part)).or_default().push(v);
            }
        }
    }
    map.into_iter().map(|((u, p), a)| (u, p, a)).collect()
}

/// Most assemblers and sole sources `describe` lists one by one.
const LIST_AT_MOST: usize = 20;

/// Lines for `chainmesh check`: each assembler's parts with their number of
/// suppliers, then the sole sources (at most 20 of each, then a count).
/// Empty for a topology without assemblers.
pub fn describe(topo: &super::Topology) -> Vec<String> {
    let mut out = Vec::new();
    let assemblers = topo.nodes.iter().filter(|n| n.is_assembler()).count();
    for (v, node) in topo.nodes.iter().enumerate() {
        if !node.is_assembler() {
            continue;
        }
        if out.len() == LIST_AT_MOST {
            out.push(format!(
                "… and {} more assemblers",
                assemblers - LIST_AT_MOST
            ));
            break;
        }
        let parts: Vec<String> = supply(topo, v)
            .iter()
            .map(|s| {
                let n = s.suppliers.len();
                format!(
                    "{} ×{} ({n} supplier{})",
                    s.part,
                    s.qty,
                    if n == 1 { "" } else { "s" }
                )
            })
            .collect();
        let makes = node
            .product
            .as_deref()
            .map(|p| format!(" makes {p}"))
            .unwrap_or_default();
        out.push(format!(
            "assembler {}{makes} from: {}",
            node.id,
            parts.join(", ")
        ));
    }
    if out.is_empty() {
        return out;
    }
    let sole = sole_sources(topo);
    if sole.is_empty() {
        out.push("sole sources: none (every part has at least two suppliers)".to_string());
    } else {
        out.push(format!(
            "sole sources ({}), single points of failure:",
            sole.len()
        ));
        for (k, (u, part, to)) in sole.iter().enumerate() {
            if k == LIST_AT_MOST {
                out.push(format!("  … and {} more", sole.len() - LIST_AT_MOST));
                break;
            }
            let to: Vec<&str> = to.iter().map(|&a| topo.nodes[a].id.as_str()).collect();
            out.push(format!(
                "  {}: the only {part} supplier of {}",
                topo.nodes[*u].id,
                to.join(", ")
            ));
        }
    }
    out
}
