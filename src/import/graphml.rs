//! GraphML as NetworkX (`write_graphml`), Gephi and yEd write it, read with
//! `roxmltree` (no DTDs, no external entities).
//!
//! `<key attr.name=…>` names the attributes; `<data>` values are typed by
//! `attr.type`, and a key's `<default>` fills nodes and edges without one.
//! yEd keeps labels in `nodegraphics` (`<y:NodeLabel>`): that text becomes
//! the label; the drawing itself is skipped. Nodes of yEd groups (nested
//! `<graph>`s) are read; the group nodes themselves, which carry no flow,
//! are not. `edgedefault="undirected"` makes links two-way unless an edge
//! says `directed="true"` (or carries a `both_ways` attribute).

use std::collections::BTreeMap;
use std::sync::Arc;

use roxmltree::{Document, Node};

use super::csv::place_of;
use super::model::{Cell, CellBudget, Kind, Record, Source, Table, Value};
use crate::scenario::InputError;

/// How one `<key>` turns `<data>` into a value.
#[derive(Debug, Clone)]
struct Key {
    name: String,
    ty: String,
    /// `yfiles.type` (`nodegraphics`, `edgegraphics`, …): drawing data.
    yfiles: Option<String>,
    default: Option<String>,
    domain: String,
}

fn typed(ty: &str, text: &str) -> Value {
    let t = text.trim();
    match ty {
        "int" | "long" => t.parse().map_or_else(|_| Value::Text(t.into()), Value::Int),
        "double" | "float" => t
            .parse()
            .map_or_else(|_| Value::Text(t.into()), Value::Float),
        "boolean" => match t.to_ascii_lowercase().as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => Value::Text(t.into()),
        },
        _ => Value::Text(t.into()),
    }
}

fn is(n: &Node<'_, '_>, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name
}

/// The GraphML namespace.
pub const NAMESPACE: &str = "http://graphml.graphdrawing.org/xmlns";

/// Read a GraphML file's first graph.
pub fn read(origin: &str, text: &str) -> Result<Table, InputError> {
    read_counted(origin, text, &mut CellBudget::default())
}

/// [`read`], counting its cells into `budget` (see [`super::model::MAX_CELLS`]).
pub fn read_counted(
    origin: &str,
    text: &str,
    budget: &mut CellBudget,
) -> Result<Table, InputError> {
    let text_arc: Arc<str> = Arc::from(text);
    let source = Source {
        origin: origin.to_string(),
        text: Some(Arc::clone(&text_arc)),
    };
    let doc = Document::parse(text).map_err(|e| {
        let p = e.pos();
        InputError::at_position(
            origin,
            p.row as usize,
            p.col as usize,
            "",
            format!("not well-formed XML: {e}"),
        )
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "graphml" {
        return Err(source.err(
            &place_of(text, root.range()),
            "",
            format!(
                "expected a <graphml> document, found <{}>",
                root.tag_name().name()
            ),
        ));
    }
    if let Some(ns) = root.tag_name().namespace()
        && ns != NAMESPACE
    {
        return Err(source.err(
            &place_of(text, root.range()),
            "",
            format!(
                "expected a GraphML document (namespace {NAMESPACE}), found <{}> in namespace {ns}",
                root.tag_name().name()
            ),
        ));
    }
    let mut keys: BTreeMap<String, Key> = BTreeMap::new();
    for k in root.children().filter(|n| is(n, "key")) {
        let id = k.attribute("id").unwrap_or_default().to_string();
        let yfiles = k
            .attributes()
            .find(|a| a.name() == "yfiles.type")
            .map(|a| a.value().to_string());
        let name = k
            .attribute("attr.name")
            .map_or_else(|| id.clone(), str::to_string);
        let default = k
            .children()
            .find(|n| is(n, "default"))
            .and_then(|d| d.text())
            .map(str::to_string);
        keys.insert(
            id,
            Key {
                name,
                ty: k.attribute("attr.type").unwrap_or("string").to_string(),
                yfiles,
                default,
                domain: k.attribute("for").unwrap_or("all").to_string(),
            },
        );
    }
    let Some(graph) = root.children().find(|n| is(n, "graph")) else {
        return Err(source.err(
            &place_of(text, root.range()),
            "",
            "no <graph> element; expected one graph",
        ));
    };
    let directed = graph.attribute("edgedefault") != Some("undirected");
    let mut graph_cells = cells_of(text, &graph, &keys, "graph");
    if let Some(id) = graph.attribute("id") {
        graph_cells.push(Cell {
            name: "id".into(),
            value: Value::Text(id.into()),
            place: place_of(text, graph.range()),
        });
    }
    let mut records = Vec::new();
    let mut skipped_groups = 0usize;
    for n in graph.descendants().filter(|n| is(n, "node")) {
        if n.children().any(|c| is(&c, "graph")) {
            skipped_groups += 1;
            continue;
        }
        let place = place_of(text, n.range());
        let mut cells = vec![Cell {
            name: "id".into(),
            value: Value::Text(n.attribute("id").unwrap_or_default().into()),
            place: place.clone(),
        }];
        cells.extend(cells_of(text, &n, &keys, "node"));
        budget.take(cells.len(), &source, &place, "node")?;
        records.push(Record {
            kind: Kind::Node,
            place,
            cells,
        });
    }
    for e in graph.descendants().filter(|n| is(n, "edge")) {
        let place = place_of(text, e.range());
        let mut cells = Vec::new();
        for (attr, field) in [("source", "from"), ("target", "to")] {
            let value = e.attribute(attr).unwrap_or_default();
            cells.push(Cell {
                name: field.into(),
                value: Value::Text(value.into()),
                place: place.clone(),
            });
        }
        if let Some(d) = e.attribute("directed") {
            cells.push(Cell {
                name: "directed".into(),
                value: typed("boolean", d),
                place: place.clone(),
            });
        }
        cells.extend(cells_of(text, &e, &keys, "edge"));
        budget.take(cells.len(), &source, &place, "edge")?;
        records.push(Record {
            kind: Kind::Link,
            place,
            cells,
        });
    }
    if skipped_groups > 0 {
        graph_cells.push(Cell {
            name: "skipped group nodes".into(),
            value: Value::Int(skipped_groups as i64),
            place: Default::default(),
        });
    }
    Ok(Table {
        source,
        header: Vec::new(),
        records,
        graph: graph_cells,
        directed,
    })
}

/// The `<data>` children of an element, plus key defaults it lacks.
fn cells_of(
    text: &str,
    el: &Node<'_, '_>,
    keys: &BTreeMap<String, Key>,
    domain: &str,
) -> Vec<Cell> {
    let mut cells = Vec::new();
    let mut seen = Vec::new();
    for d in el.children().filter(|n| is(n, "data")) {
        let key_id = d.attribute("key").unwrap_or_default();
        seen.push(key_id.to_string());
        let place = place_of(text, d.range());
        match keys.get(key_id) {
            Some(k) if k.yfiles.is_some() => {
                // yEd drawing: only the label text is of use.
                let label = d
                    .descendants()
                    .filter(|n| is(n, "NodeLabel"))
                    .filter_map(|n| n.text())
                    .map(str::trim)
                    .find(|t| !t.is_empty());
                if let Some(l) = label {
                    cells.push(Cell {
                        name: "label".into(),
                        value: Value::Text(l.into()),
                        place,
                    });
                }
            }
            Some(k) => {
                let t = d.text().unwrap_or_default();
                cells.push(Cell {
                    name: k.name.clone(),
                    value: typed(&k.ty, t),
                    place,
                });
            }
            None => {
                let t = d.text().unwrap_or_default();
                cells.push(Cell {
                    name: key_id.to_string(),
                    value: Value::Text(t.trim().into()),
                    place,
                });
            }
        }
    }
    for (id, k) in keys {
        if (k.domain == domain || k.domain == "all")
            && k.yfiles.is_none()
            && !seen.contains(id)
            && let Some(def) = &k.default
        {
            cells.push(Cell {
                name: k.name.clone(),
                value: typed(&k.ty, def),
                place: place_of(text, el.range()),
            });
        }
    }
    cells
}
