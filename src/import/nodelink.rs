//! NetworkX node-link JSON (`networkx.node_link_data`, `json_graph`):
//! `{"directed": …, "graph": {…}, "nodes": [{"id": …, …}], "links": [{"source": …, "target": …, …}]}`.
//! `"edges"` is read like `"links"` (the NetworkX 3.4+ spelling). Like
//! NetworkX, a file without `"directed": true` is undirected: its links are
//! two-way unless they say otherwise. serde_json gives no positions inside
//! values, so errors name the JSON path (`nodes[3]`) instead of a line.

use serde_json::Value as Json;

use serde_json::value::RawValue;

use super::model::{Cell, CellBudget, Kind, Place, Record, Source, Table, Value};
use crate::scenario::InputError;

fn value(j: &Json) -> Value {
    match j {
        Json::Null => Value::Text(String::new()),
        Json::Bool(b) => Value::Bool(*b),
        // A whole number beyond i64 (a u64 seed up to 18446744073709551615)
        // keeps its exact digits as text; other numbers are read as such.
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(u)) => Value::Text(u.to_string()),
            (None, None) => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
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

/// Sign, significant digits and the exponent of their last digit of a
/// decimal number's text (`-1.50e3` → `(true, "15", 2)`), to compare two
/// spellings of a number; `None` if it is not one.
fn decimal(text: &str) -> Option<(bool, String, i64)> {
    let (neg, t) = match text.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, text),
    };
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i64>().ok()?),
        None => (t, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !(int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit()) || int.len() + frac.len() == 0
    {
        return None;
    }
    let digits = format!("{int}{frac}");
    let exp = exp - frac.len() as i64;
    let trimmed_end = digits.trim_end_matches('0');
    let exp = exp + (digits.len() - trimmed_end.len()) as i64;
    let digits = trimmed_end.trim_start_matches('0').to_string();
    if digits.is_empty() {
        return Some((false, String::new(), 0));
    }
    Some((neg, digits, exp))
}

/// The numbers among a node's or link's own attributes that serde_json
/// could not hold exactly (`123456789012345678901234567890` becomes
/// `1.2345678901234568e29`), as the text the file spells them with, so that
/// ids stay exact. Others (`7`, `7.0`, `0.5`) keep their value.
fn exact_numbers(obj: &mut serde_json::Map<String, Json>, raw: Option<&RawValue>) {
    let inexact = |k: &str, v: &Json| match v {
        Json::Number(n) if n.is_f64() => Some(k.to_string()),
        _ => None,
    };
    let candidates: Vec<String> = obj.iter().filter_map(|(k, v)| inexact(k, v)).collect();
    if candidates.is_empty() {
        return;
    }
    let Some(raw) = raw else { return };
    let Ok(fields) =
        serde_json::from_str::<std::collections::BTreeMap<String, &RawValue>>(raw.get())
    else {
        return;
    };
    for k in candidates {
        let (Some(Json::Number(n)), Some(r)) = (obj.get(&k), fields.get(&k)) else {
            continue;
        };
        let text = r.get().trim();
        let held = n.as_f64().map(|x| format!("{x}"));
        if held.as_deref().and_then(decimal) != decimal(text) {
            obj.insert(k, Json::String(text.to_string()));
        }
    }
}

/// The raw text of the `nodes` and `links` (or `edges`) entries, looked up
/// only when some number in them may have lost digits.
#[derive(serde::Deserialize)]
struct RawDoc<'a> {
    #[serde(borrow, default)]
    nodes: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    links: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    edges: Option<Vec<&'a RawValue>>,
}

/// Read a node-link JSON document.
pub fn read(origin: &str, text: &str) -> Result<Table, InputError> {
    read_counted(origin, text, &mut CellBudget::default())
}

/// [`read`], counting its cells into `budget` (see [`super::model::MAX_CELLS`]).
pub fn read_counted(
    origin: &str,
    text: &str,
    budget: &mut CellBudget,
) -> Result<Table, InputError> {
    let source = Source {
        origin: origin.to_string(),
        text: None,
    };
    let mut doc: Json = serde_json::from_str(text).map_err(|e| {
        InputError::at_position(
            origin,
            e.line(),
            e.column(),
            "",
            format!("not valid JSON: {e}"),
        )
    })?;
    exact_entries(text, &mut doc);
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
        let cells = cells(obj, &path, &[]);
        budget.take(cells.len(), &source, &place, "node")?;
        records.push(Record {
            kind: Kind::Node,
            place,
            cells,
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
        budget.take(cells.len(), &source, &place, "link")?;
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

/// Apply [`exact_numbers`] to every node and link of `doc` that has a
/// number serde_json holds as a float.
fn exact_entries(text: &str, doc: &mut Json) {
    let Json::Object(top) = doc else { return };
    let has_float = |v: &Json| match v {
        Json::Array(items) => items.iter().any(|i| match i {
            Json::Object(o) => o
                .values()
                .any(|x| matches!(x, Json::Number(n) if n.is_f64())),
            _ => false,
        }),
        _ => false,
    };
    if !["nodes", "links", "edges"]
        .iter()
        .any(|k| top.get(*k).is_some_and(has_float))
    {
        return;
    }
    let Ok(raw) = serde_json::from_str::<RawDoc<'_>>(text) else {
        return;
    };
    for (key, raws) in [
        ("nodes", raw.nodes),
        ("links", raw.links),
        ("edges", raw.edges),
    ] {
        let (Some(Json::Array(items)), Some(raws)) = (top.get_mut(key), raws) else {
            continue;
        };
        if items.len() != raws.len() {
            continue;
        }
        for (item, r) in items.iter_mut().zip(raws) {
            if let Json::Object(obj) = item {
                exact_numbers(obj, Some(r));
            }
        }
    }
}
