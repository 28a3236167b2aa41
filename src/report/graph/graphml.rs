//! GraphML for Gephi, yEd and NetworkX (`read_graphml`): typed `<key>`s for
//! every attribute, one directed `<graph>` whose id is the topology id.
//! Text is escaped for XML; characters XML 1.0 cannot hold at all (C0
//! control characters but TAB/LF/CR, noncharacters) become spaces; DEL, C1
//! and bidi controls become character references (`&#x202E;`), which a
//! reader decodes to the exact text and a terminal shows as plain ASCII.

use std::fmt::Write as _;

use super::{Attr, graph_attributes, node_attributes};
use crate::report::escape::{is_noncharacter, is_unsafe};
use crate::scenario::{Scenario, Topology};

/// `s` escaped for XML text and attribute values (the one XML escaper of
/// the graph exports: see the module comment).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            // XML 1.0 holds neither C0 controls nor noncharacters, not
            // even as references.
            c if u32::from(c) < 0x20 || is_noncharacter(c) => out.push(' '),
            // DEL, C1, bidi, separators: a reference keeps the exact text
            // and never reaches a terminal as itself.
            c if is_unsafe(c) => {
                let _ = write!(out, "&#x{:X};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

fn type_of(a: &Attr) -> &'static str {
    match a {
        Attr::Text(_) | Attr::Json(_) => "string",
        Attr::Num(_) => "double",
        Attr::Int(_) => "long",
        Attr::Bool(_) => "boolean",
    }
}

fn text_of(a: &Attr) -> String {
    match a {
        Attr::Text(t) => xml_escape(t),
        Attr::Num(x) => format!("{x:?}"),
        Attr::Int(i) => i.to_string(),
        Attr::Bool(b) => b.to_string(),
        Attr::Json(v) => xml_escape(&v.to_string()),
    }
}

/// The GraphML text of one topology.
pub fn write(scenario: &Scenario, t: &Topology) -> String {
    let graph = graph_attributes(scenario, t);
    // Keys: every attribute any node has, in first-seen order.
    let mut node_keys: Vec<(&'static str, &'static str)> = Vec::new();
    let attrs: Vec<_> = t.nodes.iter().map(node_attributes).collect();
    for list in &attrs {
        for (k, a) in list {
            if !node_keys.iter().any(|(n, _)| n == k) {
                node_keys.push((k, type_of(a)));
            }
        }
    }
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<!-- written by chainmesh export -->\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    for (k, a) in &graph {
        let _ = writeln!(
            out,
            "  <key id=\"g_{k}\" for=\"graph\" attr.name=\"{k}\" attr.type=\"{}\"/>",
            type_of(a)
        );
    }
    for (k, ty) in &node_keys {
        let _ = writeln!(
            out,
            "  <key id=\"n_{k}\" for=\"node\" attr.name=\"{k}\" attr.type=\"{ty}\"/>"
        );
    }
    out.push_str(
        "  <key id=\"e_capacity\" for=\"edge\" attr.name=\"capacity\" attr.type=\"double\"/>\n",
    );
    out.push_str("  <key id=\"e_both_ways\" for=\"edge\" attr.name=\"both_ways\" attr.type=\"boolean\"><default>false</default></key>\n");
    if t.links.iter().any(|l| l.unit_cost > 0.0) {
        out.push_str(
            "  <key id=\"e_unit_cost\" for=\"edge\" attr.name=\"unit_cost\" attr.type=\"double\"/>\n",
        );
    }
    let _ = writeln!(
        out,
        "  <graph id=\"{}\" edgedefault=\"directed\">",
        xml_escape(&t.id)
    );
    for (k, a) in &graph {
        let _ = writeln!(out, "    <data key=\"g_{k}\">{}</data>", text_of(a));
    }
    for (n, list) in t.nodes.iter().zip(&attrs) {
        let _ = writeln!(out, "    <node id=\"{}\">", xml_escape(&n.id));
        for (k, a) in list {
            let _ = writeln!(out, "      <data key=\"n_{k}\">{}</data>", text_of(a));
        }
        out.push_str("    </node>\n");
    }
    for (i, l) in t.links.iter().enumerate() {
        let _ = write!(
            out,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">",
            xml_escape(&t.nodes[l.from].id),
            xml_escape(&t.nodes[l.to].id)
        );
        if l.capacity.is_finite() {
            let _ = write!(out, "<data key=\"e_capacity\">{:?}</data>", l.capacity);
        }
        if l.both_ways {
            out.push_str("<data key=\"e_both_ways\">true</data>");
        }
        if l.unit_cost > 0.0 {
            let _ = write!(out, "<data key=\"e_unit_cost\">{:?}</data>", l.unit_cost);
        }
        out.push_str("</edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}
