//! Graphviz DOT. One topology: node names are the ids. Several: one
//! `cluster_` subgraph each, node names `TOPOLOGY/ID`. Sources are blue,
//! sinks green, two-way links `dir=both`. Every string is escaped for DOT's
//! quoted strings ([`quote`]: `"` and `\`, bidi and C1 as entities), so no
//! file content can add statements or reach a terminal as control text.

use std::fmt::Write as _;

use super::{Attr, node_attributes};
use crate::report::escape::{is_noncharacter, is_unsafe};
use crate::scenario::{Role, Scenario, Topology};

/// `s` as a DOT quoted string. Graphviz decodes HTML-style character
/// entities in strings, so DEL, C1, bidi controls and separators are
/// written as `&#x202E;` (exact text for Graphviz, plain ASCII on a
/// terminal), and a `&` that would start an entity as `&amp;`; C0 controls
/// and noncharacters, which no label can show, become spaces.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for (i, c) in s.char_indices() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '&' if starts_entity(&s[i + 1..]) => out.push_str("&amp;"),
            c if u32::from(c) < 0x20 || is_noncharacter(c) => out.push(' '),
            c if is_unsafe(c) => {
                let _ = write!(out, "&#x{:X};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `rest` (the text after a `&`) would make that `&` an entity
/// for Graphviz: `#` or letters and digits, then `;`.
fn starts_entity(rest: &str) -> bool {
    let name = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
        .map_or(rest, |end| &rest[..end]);
    !name.is_empty() && rest[name.len()..].starts_with(';')
}

/// Lines of a label as one quoted string with `\n` line breaks (each line escaped).
fn lines(parts: &[&str]) -> String {
    let inner: Vec<String> = parts
        .iter()
        .map(|p| {
            let q = quote(p);
            q[1..q.len() - 1].to_string()
        })
        .collect();
    format!("\"{}\"", inner.join("\\n"))
}

fn attr_text(a: &Attr) -> String {
    match a {
        Attr::Text(t) => quote(t),
        Attr::Num(x) => quote(&format!("{x:?}")),
        Attr::Int(i) => quote(&i.to_string()),
        Attr::Bool(b) => quote(&b.to_string()),
        Attr::Json(v) => quote(&v.to_string()),
    }
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// The DOT text of `topologies`.
pub fn write(scenario: &Scenario, topologies: &[&Topology]) -> String {
    let mut out = String::new();
    out.push_str("// written by `chainmesh export --format dot`\n");
    out.push_str("digraph chainmesh {\n");
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, label={}, labelloc=t, fontname=\"Helvetica\"];",
        quote(&scenario.name)
    );
    out.push_str(
        "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\"];\n",
    );
    out.push_str("  edge [color=\"#555555\"];\n");
    let clustered = topologies.len() > 1;
    for (k, t) in topologies.iter().enumerate() {
        let name = |id: &str| {
            if clustered {
                quote(&format!("{}/{id}", t.id))
            } else {
                quote(id)
            }
        };
        let indent = if clustered { "    " } else { "  " };
        if clustered {
            let _ = writeln!(out, "  subgraph cluster_{k} {{");
            let _ = writeln!(out, "    label={}; id={};", quote(&t.label), quote(&t.id));
        }
        for n in &t.nodes {
            let fill = match n.role {
                Role::Source => "\"#cfe2ff\"",
                Role::Sink => "\"#d1f2d5\"",
                Role::Relay => "white",
            };
            let label = lines(&[
                &n.label,
                &format!("{} · {}", n.role.as_str(), number(n.capacity)),
            ]);
            let mut attrs = vec![format!("label={label}"), format!("fillcolor={fill}")];
            for (key, a) in node_attributes(n)
                .into_iter()
                .filter(|(k, _)| *k != "label")
            {
                attrs.push(format!("{key}={}", attr_text(&a)));
            }
            let _ = writeln!(out, "{indent}{} [{}];", name(&n.id), attrs.join(", "));
        }
        for l in &t.links {
            let mut attrs = Vec::new();
            if l.capacity.is_finite() {
                attrs.push(format!("capacity={}", quote(&format!("{:?}", l.capacity))));
                attrs.push(format!("label={}", quote(&number(l.capacity))));
            }
            if l.both_ways {
                attrs.push("dir=both".to_string());
                attrs.push("both_ways=\"true\"".to_string());
            }
            if l.unit_cost > 0.0 {
                attrs.push(format!(
                    "unit_cost={}",
                    quote(&format!("{:?}", l.unit_cost))
                ));
            }
            let list = if attrs.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attrs.join(", "))
            };
            let _ = writeln!(
                out,
                "{indent}{} -> {}{list};",
                name(&t.nodes[l.from].id),
                name(&t.nodes[l.to].id)
            );
        }
        if clustered {
            out.push_str("  }\n");
        }
    }
    out.push_str("}\n");
    out
}
