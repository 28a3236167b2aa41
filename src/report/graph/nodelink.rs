//! NetworkX node-link JSON (`networkx.node_link_graph(data, edges="links")`):
//! `directed` is true, `multigraph` true only when two links join the same
//! pair in the same direction (NetworkX would merge them otherwise).

use serde_json::{Map, Value, json};

use super::{Attr, graph_attributes, node_attributes};
use crate::report::escape;
use crate::scenario::{Scenario, Topology};

fn value(a: Attr) -> Value {
    match a {
        Attr::Text(t) => Value::String(t),
        Attr::Num(x) => json!(x),
        Attr::Int(i) => json!(i),
        Attr::Bool(b) => Value::Bool(b),
        Attr::Json(v) => v,
    }
}

/// The node-link JSON of one topology (pretty-printed, keys sorted).
pub fn write(scenario: &Scenario, t: &Topology) -> String {
    let graph: Map<String, Value> = graph_attributes(scenario, t)
        .into_iter()
        .map(|(k, a)| (k.to_string(), value(a)))
        .chain([("id".to_string(), Value::String(t.id.clone()))])
        .collect();
    let nodes: Vec<Value> = t
        .nodes
        .iter()
        .map(|n| {
            let mut m: Map<String, Value> = node_attributes(n)
                .into_iter()
                .map(|(k, a)| (k.to_string(), value(a)))
                .collect();
            m.insert("id".into(), Value::String(n.id.clone()));
            Value::Object(m)
        })
        .collect();
    let mut pairs: Vec<(usize, usize)> = t.links.iter().map(|l| (l.from, l.to)).collect();
    pairs.sort_unstable();
    let multigraph = pairs.windows(2).any(|w| w[0] == w[1]);
    let links: Vec<Value> = t
        .links
        .iter()
        .map(|l| {
            let mut m = Map::new();
            m.insert("source".into(), Value::String(t.nodes[l.from].id.clone()));
            m.insert("target".into(), Value::String(t.nodes[l.to].id.clone()));
            if l.capacity.is_finite() {
                m.insert("capacity".into(), json!(l.capacity));
            }
            m.insert("both_ways".into(), Value::Bool(l.both_ways));
            if l.unit_cost > 0.0 {
                m.insert("unit_cost".into(), json!(l.unit_cost));
            }
            Value::Object(m)
        })
        .collect();
    let doc = json!({
        "directed": true,
        "multigraph": multigraph,
        "graph": graph,
        "nodes": nodes,
        "links": links,
    });
    // DEL, C1 and bidi characters as `\u202e` escapes, as in every JSON
    // chainmesh writes: the same value, inert on a terminal.
    let mut text = escape::json_text(serde_json::to_string_pretty(&doc).unwrap_or_default());
    text.push('\n');
    text
}
