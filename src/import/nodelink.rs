//! NetworkX node-link JSON (`networkx.node_link_data`, `json_graph`):
//! `{"directed": …, "graph": {…}, "nodes": [{"id": …, …}], "links": [{"source": …, "target": …, …}]}`.
//! `"edges"` is read like `"links"` (the NetworkX 3.4+ spelling). Like
//! NetworkX, a file without `"directed": true` is undirected: its links are
//! two-way unless they say otherwise. serde_json gives no positions inside
//! values, so errors name the JSON path (`nodes[3]`) instead of a line.

use serde_json::Value as Json;

use super::model::{Cell, Kind, Place, Record, Source, Table, Value};
use crate::scenario::InputError;

fn value(j: &Json) -> Value {
    match j {
        Json::Null => Value::Text(String::new()),
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => n
            .as_i64()
            .map_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN)), Value::Int),
        Json::String(s) => Value::Text(s.trim().to_string()),
        Json::Object(m) => Value::Map(m.iter().map(|(k, v)| (k.clone(), value(v))).collect()),
        Json::Array(_) => Value::Text(j.to_string()),
    }
}

fn cells(obj: &serde_json::Map<String, Json>, path: &str, rename: &[(&str, &str)]) -> Vec<Cell> {
    obj.iter()
        .map(|(k, v)| {
            let name = rename
                .iter()
                .find(|(from, _)| from == k)
                .map_or(k.as_str(), |(_, to)| to);
            Cell {
                name: name.to_string(),
                value: value(v),
                place: Place {
                    path: Some(format!("{path}.{k}")),
                    ..Place::default()
                },
            }
        })
        .collect()
}

/// Read a node-link JSON document.
pub fn read(origin: &str, text: &str) -> Result<Table, InputError> {
    let source = Source {
        origin: origin.to_string(),
        text: None,
    };
    let doc: Json = serde_json::from_str(text).map_err(|e| {
        InputError::at_position(
            origin,
            e.line(),
            e.column(),
            "",
            format!("not valid JSON: {e}"),
        )
    })?;
    let whole = |m: &str| InputError::whole(origin, "", m.to_string());
    let Json::Object(top) = &doc else {
        return Err(whole(
            "expected a JSON object with \"nodes\" and \"links\" (NetworkX node_link_data)",
        ));
    };
    let Some(Json::Array(nodes)) = top.get("nodes") else {
        return Err(whole(
            "expected a \"nodes\" array (NetworkX node_link_data)",
        ));
    };
    let (links_key, links) = match (top.get("links"), top.get("edges")) {
        (Some(Json::Array(l)), _) => ("links", l.as_slice()),
        (None, Some(Json::Array(l))) => ("edges", l.as_slice()),
        (None, None) => ("links", &[][..]),
        _ => return Err(whole("expected \"links\" (or \"edges\") to be an array")),
    };
    let directed = match top.get("directed") {
        None | Some(Json::Null) => false,
        Some(Json::Bool(b)) => *b,
        Some(other) => {
            return Err(whole(&format!(
                "\"directed\": expected true or false, found {other}"
            )));
        }
    };
    let mut records = Vec::with_capacity(nodes.len() + links.len());
    for (i, n) in nodes.iter().enumerate() {
        let path = format!("nodes[{i}]");
        let place = Place {
            path: Some(path.clone()),
            ..Place::default()
        };
        let Json::Object(obj) = n else {
            return Err(source.err(&place, "", "expected an object like {\"id\": \"farm\"}"));
        };
        records.push(Record {
            kind: Kind::Node,
            place,
            cells: cells(obj, &path, &[]),
        });
    }
    for (i, l) in links.iter().enumerate() {
        let path = format!("{links_key}[{i}]");
        let place = Place {
            path: Some(path.clone()),
            ..Place::default()
        };
        let Json::Object(obj) = l else {
            return Err(source.err(
                &place,
                "",
                "expected an object like {\"source\": \"a\", \"target\": \"b\"}",
            ));
        };
        let cells = cells(obj, &path, &[("source", "from"), ("target", "to")]);
        records.push(Record {
            kind: Kind::Link,
            place,
            cells,
        });
    }
    let graph = match top.get("graph") {
        Some(Json::Object(g)) => cells(g, "graph", &[]),
        _ => Vec::new(),
    };
    Ok(Table {
        source,
        header: Vec::new(),
        records,
        graph,
        directed,
    })
}
