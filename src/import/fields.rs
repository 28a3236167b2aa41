//! Records → a checked [`Network`]: column names matched to scenario fields
//! (case-insensitive, after `--map`), values parsed and range-checked with
//! errors at the offending cell, ids made valid, links resolved.
//!
//! The ranges are those of the scenario format (`validate.rs`), so a network
//! that passes here only fails `check` for whole-network reasons (no path
//! from a source to a sink), which [`super::import`] reports itself.

use std::collections::BTreeMap;

use super::model::{
    Cell, Kind, LinkSpec, Network, NodeSpec, Place, Record, Settings, ShockSpec, Source, Table,
    Value,
};
use crate::scenario::{MAX_STEPS, Repair, Role, values};

/// Most nodes accepted (the scenario format's limit per topology).
pub const MAX_NODES: usize = 200_000;
/// Most links accepted (ten per node of the largest scenario).
pub const MAX_LINKS: usize = 2_000_000;
/// Longest repair the scenario format accepts.
const MAX_REPAIR: u32 = crate::scenario::limits::MAX_REPAIR as u32;

/// Node fields the importer understands.
pub const NODE_FIELDS: [&str; 18] = [
    "id",
    "label",
    "label_zh",
    "role",
    "sector",
    "region",
    "capacity",
    "failure_rate",
    "repair",
    "product",
    "needs",
    "stock",
    "stock_initial",
    "demand",
    "fixed_cost",
    "unit_cost",
    "holding_cost",
    "lost_sale_cost",
];
/// Link fields the importer understands.
pub const LINK_FIELDS: [&str; 5] = ["from", "to", "capacity", "both_ways", "unit_cost"];
/// Graph-level fields (written by `chainmesh export`).
const GRAPH_FIELDS: [&str; 10] = [
    "currency",
    "name",
    "id",
    "label",
    "steps",
    "trials",
    "seed",
    "service_level",
    "shocks",
    "hazards",
];

/// `--map FIELD=COLUMN` pairs: the column (or attribute) named COLUMN is read as FIELD.
#[derive(Debug, Clone, Default)]
pub struct FieldMap {
    pairs: Vec<(String, String)>,
}

impl FieldMap {
    /// Parse `FIELD=COLUMN` pairs; FIELD must be a node or link field.
    pub fn parse(specs: &[String]) -> Result<FieldMap, String> {
        let mut pairs = Vec::new();
        for spec in specs {
            let Some((field, column)) = spec.split_once('=') else {
                return Err(format!(
                    "--map {spec:?}: expected FIELD=COLUMN, e.g. role=type"
                ));
            };
            let field = field.trim().to_ascii_lowercase();
            let column = column.trim().to_lowercase();
            if !NODE_FIELDS.contains(&field.as_str()) && !LINK_FIELDS.contains(&field.as_str()) {
                return Err(format!(
                    "--map {spec:?}: {field:?} is not a field; expected one of {}, {}",
                    NODE_FIELDS.join(", "),
                    LINK_FIELDS.join(", ")
                ));
            }
            if column.is_empty() {
                return Err(format!("--map {spec:?}: the column name is empty"));
            }
            pairs.push((field, column));
        }
        Ok(FieldMap { pairs })
    }

    /// The field a column or attribute name stands for (lower-case).
    pub fn field(&self, name: &str) -> String {
        let lower = name.trim().to_lowercase();
        self.pairs
            .iter()
            .find(|(_, column)| *column == lower)
            .map_or(lower, |(field, _)| field.clone())
    }

    /// True when some column is mapped onto `field`.
    fn maps_to(&self, field: &str) -> bool {
        self.pairs.iter().any(|(f, _)| f == field)
    }
}

/// The field of a link cell: `source`/`target` (Gephi, NetworkX) stand for
/// `from`/`to` unless the record has those itself or a `--map` says otherwise.
fn link_field(map: &FieldMap, name: &str, has_from_to: bool) -> String {
    let f = map.field(name);
    match f.as_str() {
        "source" if !has_from_to && !map.maps_to("from") => "from".into(),
        "target" if !has_from_to && !map.maps_to("to") => "to".into(),
        _ => f,
    }
}

/// What a CSV/sheet table holds, from its header.
fn table_kind(t: &Table, map: &FieldMap) -> Result<Kind, String> {
    let fields: Vec<String> = t.header.iter().map(|h| map.field(h)).collect();
    let has = |f: &str| fields.iter().any(|x| x == f);
    if has("kind") {
        return Ok(Kind::ByKindColumn);
    }
    let from_to = (has("from") || has("source") && !map.maps_to("from"))
        && (has("to") || has("target") && !map.maps_to("to"));
    if from_to {
        Ok(Kind::Link)
    } else if has("id") {
        Ok(Kind::Node)
    } else {
        Err(format!(
            "cannot tell nodes from links: expected an `id` column (a nodes table), `from` and `to` columns (a links table) or a `kind` column (both); found columns {}",
            t.header.join(", ")
        ))
    }
}

fn kind_of(
    source: &Source,
    rec: &Record,
    map: &FieldMap,
) -> Result<Kind, crate::scenario::InputError> {
    let Some(cell) = rec.cells.iter().find(|c| map.field(&c.name) == "kind") else {
        return Err(source.err(&rec.place, "kind", "missing kind; expected node or link"));
    };
    match cell.value.to_string().trim().to_lowercase().as_str() {
        "node" | "nodes" | "vertex" | "site" => Ok(Kind::Node),
        "link" | "links" | "edge" | "edges" | "lane" => Ok(Kind::Link),
        other => Err(source.err(
            &cell.place,
            "kind",
            format!("expected node or link, found {other:?}"),
        )),
    }
}

/// Turn every table's records into one checked network.
pub fn build(tables: &[Table], map: &FieldMap) -> Result<Network, crate::scenario::InputError> {
    let mut net = Network::default();
    let mut nodes_rec: Vec<(&Source, &Record)> = Vec::new();
    let mut links_rec: Vec<(&Source, &Record, bool)> = Vec::new();
    for t in tables {
        net.origins.push(t.source.origin.clone());
        let table_kind = if t.records.iter().any(|r| r.kind == Kind::ByHeader) {
            Some(table_kind(t, map).map_err(|m| t.source.err(&Place::default(), "", m))?)
        } else {
            None
        };
        for rec in &t.records {
            let kind = match rec.kind {
                Kind::ByHeader => table_kind.unwrap_or(Kind::ByKindColumn),
                k => k,
            };
            let kind = match kind {
                Kind::ByKindColumn => kind_of(&t.source, rec, map)?,
                k => k,
            };
            match kind {
                Kind::Node => nodes_rec.push((&t.source, rec)),
                _ => links_rec.push((&t.source, rec, t.directed)),
            }
        }
        read_settings(&t.source, &t.graph, &mut net.settings)?;
        if let Some(c) = t.graph.iter().find(|c| c.name == "skipped group nodes") {
            net.notes.push(format!(
                "{} yEd group node(s) skipped: a group is a frame in the drawing, not a firm; its members are imported",
                c.value
            ));
        }
    }
    if nodes_rec.len() > MAX_NODES {
        let (source, rec) = nodes_rec[MAX_NODES];
        return Err(source.err(
            &rec.place,
            "id",
            format!(
                "more than {} nodes; a topology holds at most that",
                MAX_NODES
            ),
        ));
    }
    if links_rec.len() > MAX_LINKS {
        let (source, rec, _) = links_rec[MAX_LINKS];
        return Err(source.err(
            &rec.place,
            "from",
            format!("more than {MAX_LINKS} links; at most that are read"),
        ));
    }

    // Nodes, with ids made valid and unique.
    let mut by_file_id: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_id: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (source, rec) in &nodes_rec {
        let node = node_spec(source, rec, map)?;
        let (id, file_id) = (
            node.id.clone(),
            node.original_id.clone().unwrap_or_else(|| node.id.clone()),
        );
        let id_place = rec
            .cells
            .iter()
            .find(|c| map.field(&c.name) == "id")
            .map_or(&rec.place, |c| &c.place);
        if by_file_id.contains_key(&file_id) {
            return Err(source.err(
                id_place,
                "id",
                format!("duplicate node id {file_id:?}; ids must be unique"),
            ));
        }
        if let Some((_, other)) = by_id.get(&id) {
            return Err(source.err(
                id_place,
                "id",
                format!("ids {other:?} and {file_id:?} both become {id:?} in the scenario (only letters, digits, '-', '_', '.', ':' and '/' are kept); rename one"),
            ));
        }
        by_file_id.insert(file_id.clone(), net.nodes.len());
        by_id.insert(id, (net.nodes.len(), file_id));
        net.nodes.push(node);
    }
    let edge_list_only = nodes_rec.is_empty();

    for (source, rec, directed) in &links_rec {
        let has_from_to = rec
            .cells
            .iter()
            .any(|c| matches!(map.field(&c.name).as_str(), "from" | "to"));
        let mut link = LinkSpec {
            both_ways: !directed,
            ..LinkSpec::default()
        };
        let mut ends: [Option<usize>; 2] = [None, None];
        for cell in &rec.cells {
            if cell.value.is_blank() {
                continue;
            }
            let field = link_field(map, &cell.name, has_from_to);
            match field.as_str() {
                "from" | "to" => {
                    let file_id = id_text(source, cell, &field)?;
                    let index = match by_file_id.get(&file_id) {
                        Some(&i) => i,
                        None if edge_list_only => {
                            let node = new_node(source, cell, &file_id)?;
                            if let Some((_, other)) = by_id.get(&node.id) {
                                return Err(source.err(&cell.place, &field, format!("ids {other:?} and {file_id:?} both become {:?} in the scenario; rename one", node.id)));
                            }
                            by_file_id.insert(file_id.clone(), net.nodes.len());
                            by_id.insert(node.id.clone(), (net.nodes.len(), file_id));
                            net.nodes.push(node);
                            net.nodes.len() - 1
                        }
                        None => {
                            return Err(source.err(
                                &cell.place,
                                &field,
                                format!("unknown node {file_id:?}; expected the id of a node in the nodes table"),
                            ));
                        }
                    };
                    ends[usize::from(field == "to")] = Some(index);
                }
                "capacity" => link.capacity = Some(capacity(source, cell, "capacity")?),
                "unit_cost" => link.unit_cost = Some(cost(source, cell, "unit_cost")?),
                "both_ways" | "directed" => {
                    let b = boolean(source, cell, &field)?;
                    link.both_ways = if field == "directed" { !b } else { b };
                }
                "kind" | "id" | "key" => {}
                _ => link.extra.push((cell.name.clone(), cell.value.to_string())),
            }
        }
        let (Some(from), Some(to)) = (ends[0], ends[1]) else {
            let missing = if ends[0].is_none() { "from" } else { "to" };
            return Err(source.err(
                &rec.place,
                missing,
                format!("missing `{missing}`; every link needs a `from` and a `to` node id"),
            ));
        };
        if from == to {
            return Err(source.err(
                &rec.place,
                "to",
                format!(
                    "link from {:?} to itself; expected two different nodes",
                    net.nodes[from].id
                ),
            ));
        }
        link.from = from;
        link.to = to;
        net.links.push(link);
    }
    if net.nodes.is_empty() {
        let origin = tables
            .first()
            .map_or_else(String::new, |t| t.source.origin.clone());
        return Err(crate::scenario::InputError::whole(
            &origin,
            "",
            "no nodes found; expected a nodes table (an `id` column) or a links table (`from` and `to` columns)",
        ));
    }
    if let Some(note) = renamed_note(&net.nodes) {
        net.notes.push(note);
    }
    // Shocks name file ids: follow the nodes' renames.
    for shock in &mut net.settings.shocks {
        for id in shock.nodes.iter_mut().flatten() {
            if let Some(n) = net
                .nodes
                .iter()
                .find(|n| n.original_id.as_ref() == Some(id))
            {
                id.clone_from(&n.id);
            }
        }
    }
    Ok(net)
}

fn renamed_note(nodes: &[NodeSpec]) -> Option<String> {
    let renamed: Vec<String> = nodes
        .iter()
        .filter_map(|n| {
            n.original_id
                .as_ref()
                .map(|o| format!("{o:?} -> {:?}", n.id))
        })
        .collect();
    if renamed.is_empty() {
        return None;
    }
    let shown = renamed
        .iter()
        .take(10)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let more = if renamed.len() > 10 {
        format!(" and {} more", renamed.len() - 10)
    } else {
        String::new()
    };
    Some(format!(
        "{} changed to fit the scenario format (letters, digits, '-', '_', '.', ':', '/'): {shown}{more}; labels keep the original",
        super::toml_out::counted(renamed.len(), "id", "ids")
    ))
}

/// A node known only from an edge list.
fn new_node(
    source: &Source,
    cell: &Cell,
    file_id: &str,
) -> Result<NodeSpec, crate::scenario::InputError> {
    let (id, original) = scenario_id(source, cell, file_id)?;
    Ok(NodeSpec {
        label: original.clone(),
        id,
        original_id: original,
        ..NodeSpec::default()
    })
}

fn node_spec(
    source: &Source,
    rec: &Record,
    map: &FieldMap,
) -> Result<NodeSpec, crate::scenario::InputError> {
    let mut node = NodeSpec::default();
    let mut have_id = false;
    for cell in &rec.cells {
        if cell.value.is_blank() {
            continue;
        }
        let field = map.field(&cell.name);
        match field.as_str() {
            "id" => {
                let file_id = id_text(source, cell, "id")?;
                let (id, original) = scenario_id(source, cell, &file_id)?;
                node.id = id;
                node.original_id = original;
                have_id = true;
            }
            "label" => node.label = Some(text(cell)),
            "label_zh" => node.label_zh = Some(text(cell)),
            "role" => node.role = Some(role(source, cell)?),
            "sector" => node.sector = Some(text(cell)),
            "region" => node.region = Some(text(cell)).filter(|r| !r.trim().is_empty()),
            "capacity" => node.capacity = Some(capacity(source, cell, "capacity")?),
            "failure_rate" => node.failure_rate = Some(failure_rate(source, cell)?),
            "repair" => node.repair = Some(repair(source, cell)?),
            "product" => node.product = Some(text(cell)),
            "needs" => node.needs = needs(source, cell)?,
            "stock" => node.stock = Some(stock(source, cell, "stock")?),
            "stock_initial" => node.stock_initial = Some(stock(source, cell, "stock_initial")?),
            "demand" => node.demand = Some(capacity(source, cell, "demand")?),
            "fixed_cost" | "unit_cost" | "holding_cost" | "lost_sale_cost" => {
                let x = cost(source, cell, &field)?;
                node.costs.push((field.clone(), x));
            }
            "kind" => {}
            _ => node.extra.push((cell.name.clone(), cell.value.to_string())),
        }
    }
    if !have_id {
        return Err(source.err(&rec.place, "id", "missing id; every node needs an `id`"));
    }
    if node.label.is_none() {
        node.label.clone_from(&node.original_id);
    }
    Ok(node)
}

fn read_settings(
    source: &Source,
    cells: &[Cell],
    s: &mut Settings,
) -> Result<(), crate::scenario::InputError> {
    for cell in cells {
        if cell.value.is_blank() {
            continue;
        }
        let field = cell.name.trim().to_lowercase();
        if !GRAPH_FIELDS.contains(&field.as_str()) {
            continue;
        }
        match field.as_str() {
            "name" => s.name = Some(text(cell)),
            "currency" => s.currency = Some(text(cell)),
            "label" => s.topology_label = Some(text(cell)),
            "id" => {
                let t = text(cell);
                if is_valid_id(&t) {
                    s.topology_id = Some(t);
                }
            }
            "steps" => {
                s.steps = Some(whole(source, cell, "steps", 1, i64::from(MAX_STEPS))? as u32)
            }
            "trials" => s.trials = Some(whole(source, cell, "trials", 1, i64::MAX)? as u64),
            "seed" => s.seed = Some(seed(source, cell)?),
            "service_level" => {
                let x = number(source, cell, "service_level")?;
                if !(x > 0.0 && x <= 1.0) {
                    return Err(source.err(
                        &cell.place,
                        "service_level",
                        format!("expected a number in (0, 1], found {x}"),
                    ));
                }
                s.service_level = Some(x);
            }
            "shocks" => {
                s.shocks = shocks(source, cell)?;
                s.shocks_at = Some((source.clone(), cell.place.clone()));
            }
            "hazards" => {
                let text = text(cell);
                s.hazards = serde_json::from_str(&text).map_err(|e| {
                    source.err(
                        &cell.place,
                        "hazards",
                        format!(
                            "expected a JSON array of hazards with the keys of a [[hazard]] table, like [{{\"regions\": [\"south\"], \"rate\": 0.01}}]: {e}"
                        ),
                    )
                })?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// The `shocks` attribute: a JSON array of objects with `[[shock]]` keys.
fn shocks(source: &Source, cell: &Cell) -> Result<Vec<ShockSpec>, crate::scenario::InputError> {
    const EXAMPLE: &str = r#"[{"at": 10, "select": "random", "count": 2, "duration": 5}]"#;
    let text = text(cell);
    let items: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|e| {
        source.err(
            &cell.place,
            "shocks",
            format!("expected a JSON array of shocks like {EXAMPLE}: {e}"),
        )
    })?;
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value(item).map_err(|e| {
                source.err(
                    &cell.place,
                    "shocks",
                    format!(
                        "shock {}: {e} (keys as in a [[shock]] table, e.g. {EXAMPLE})",
                        i + 1
                    ),
                )
            })
        })
        .collect()
}

/// True for a valid scenario id.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'))
}

/// The scenario id for a file id, and the file id when it had to change.
fn scenario_id(
    source: &Source,
    cell: &Cell,
    file_id: &str,
) -> Result<(String, Option<String>), crate::scenario::InputError> {
    if is_valid_id(file_id) {
        return Ok((file_id.to_string(), None));
    }
    let id: String = file_id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.chars().all(|c| c == '_') {
        return Err(source.err(
            &cell.place,
            "id",
            format!("invalid id {file_id:?}; expected at least one letter or digit"),
        ));
    }
    Ok((id, Some(file_id.to_string())))
}

/// An id as text: integral numbers without a fraction (spreadsheets store 7 as 7.0).
fn id_text(
    source: &Source,
    cell: &Cell,
    field: &str,
) -> Result<String, crate::scenario::InputError> {
    let t = match &cell.value {
        Value::Text(t) => t.trim().to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
        Value::Float(x) => x.to_string(),
        Value::Bool(_) | Value::Map(_) => {
            return Err(source.err(
                &cell.place,
                field,
                format!("expected a node id, found {}", cell.value),
            ));
        }
    };
    if t.chars().count() > 200 {
        return Err(source.err(
            &cell.place,
            field,
            "id longer than 200 characters; expected a short id",
        ));
    }
    Ok(t)
}

fn text(cell: &Cell) -> String {
    cell.value.to_string().trim().to_string()
}

fn number(source: &Source, cell: &Cell, field: &str) -> Result<f64, crate::scenario::InputError> {
    let x = match &cell.value {
        Value::Int(i) => *i as f64,
        Value::Float(x) => *x,
        Value::Text(t) => t.trim().parse::<f64>().map_err(|_| {
            source.err(
                &cell.place,
                field,
                format!("expected a number, found {:?}", t.trim()),
            )
        })?,
        other => {
            return Err(source.err(
                &cell.place,
                field,
                format!("expected a number, found {other}"),
            ));
        }
    };
    if !x.is_finite() {
        return Err(source.err(
            &cell.place,
            field,
            format!("expected a finite number, found {x}"),
        ));
    }
    Ok(x)
}

fn whole(
    source: &Source,
    cell: &Cell,
    field: &str,
    min: i64,
    max: i64,
) -> Result<i64, crate::scenario::InputError> {
    let x = number(source, cell, field)?;
    if x.fract() != 0.0 || x < min as f64 || x > max as f64 {
        return Err(source.err(
            &cell.place,
            field,
            format!("expected a whole number in {min}..={max}, found {x}"),
        ));
    }
    Ok(x as i64)
}

fn seed(source: &Source, cell: &Cell) -> Result<u64, crate::scenario::InputError> {
    match &cell.value {
        Value::Int(i) if *i >= 0 => Ok(*i as u64),
        Value::Text(t) => t.trim().parse::<u64>().map_err(|_| {
            source.err(
                &cell.place,
                "seed",
                format!("expected a whole number >= 0, found {:?}", t.trim()),
            )
        }),
        other => Err(source.err(
            &cell.place,
            "seed",
            format!("expected a whole number >= 0, found {other}"),
        )),
    }
}

// The scenario's own checkers (`scenario::values`): a cell is accepted or
// refused with the words a scenario file gets.

fn capacity(source: &Source, cell: &Cell, field: &str) -> Result<f64, crate::scenario::InputError> {
    let x = number(source, cell, field)?;
    values::capacity(x).map_err(|m| source.err(&cell.place, field, m))
}

fn failure_rate(source: &Source, cell: &Cell) -> Result<f64, crate::scenario::InputError> {
    let x = number(source, cell, "failure_rate")?;
    values::probability(x).map_err(|m| source.err(&cell.place, "failure_rate", m))
}

fn cost(source: &Source, cell: &Cell, field: &str) -> Result<f64, crate::scenario::InputError> {
    let x = number(source, cell, field)?;
    values::cost(x).map_err(|m| source.err(&cell.place, field, m))
}

fn stock(source: &Source, cell: &Cell, field: &str) -> Result<f64, crate::scenario::InputError> {
    let x = number(source, cell, field)?;
    values::stock_units(field, x).map_err(|m| source.err(&cell.place, field, m))
}

fn boolean(source: &Source, cell: &Cell, field: &str) -> Result<bool, crate::scenario::InputError> {
    match &cell.value {
        Value::Bool(b) => Ok(*b),
        Value::Int(0) => Ok(false),
        Value::Int(1) => Ok(true),
        Value::Float(x) if *x == 0.0 => Ok(false),
        Value::Float(x) if *x == 1.0 => Ok(true),
        v => match v.to_string().trim().to_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Ok(true),
            "false" | "no" | "n" | "0" => Ok(false),
            other => Err(source.err(
                &cell.place,
                field,
                format!("expected true or false, found {other:?}"),
            )),
        },
    }
}

fn role(source: &Source, cell: &Cell) -> Result<Role, crate::scenario::InputError> {
    match text(cell).to_lowercase().as_str() {
        "source" => Ok(Role::Source),
        "relay" => Ok(Role::Relay),
        "sink" => Ok(Role::Sink),
        other => Err(source.err(
            &cell.place,
            "role",
            format!("expected source, relay or sink, found {other:?} (leave it empty to infer the role from the links)"),
        )),
    }
}

/// `5` or `fixed:5`, `uniform:3..10` (or `uniform:3-10`), `geometric:8`.
pub fn parse_repair(t: &str) -> Result<Repair, String> {
    let t = t.trim().to_lowercase();
    let expected = "expected fixed:N, uniform:A..B or geometric:M steps (N alone means fixed), each 1 to 1000000";
    let steps = |s: &str| -> Result<u32, String> {
        s.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_REPAIR).contains(n))
            .ok_or_else(|| format!("{expected}; found {t:?}"))
    };
    let (dist, rest) = t.split_once(':').unwrap_or(("fixed", t.as_str()));
    match dist.trim() {
        "fixed" => Ok(Repair::Fixed {
            steps: steps(rest)?,
        }),
        "uniform" => {
            let (a, b) = rest
                .split_once("..")
                .or_else(|| rest.split_once('-'))
                .ok_or_else(|| format!("{expected}; found {t:?}"))?;
            let (min, max) = (steps(a)?, steps(b)?);
            if min > max {
                return Err(format!("expected min <= max in uniform:A..B, found {t:?}"));
            }
            Ok(Repair::Uniform { min, max })
        }
        "geometric" => {
            let mean = rest
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("{expected}; found {t:?}"))?;
            if !(1.0..=f64::from(MAX_REPAIR)).contains(&mean) {
                return Err(format!(
                    "expected a geometric mean in [1, 1000000] steps, found {t:?}"
                ));
            }
            Ok(Repair::Geometric { mean })
        }
        _ => Err(format!("{expected}; found {t:?}")),
    }
}

fn repair(source: &Source, cell: &Cell) -> Result<Repair, crate::scenario::InputError> {
    parse_repair(&cell.value.to_string()).map_err(|m| source.err(&cell.place, "repair", m))
}

/// `battery:1;motor:2` (or a JSON object) → pairs, each amount finite and > 0.
fn needs(source: &Source, cell: &Cell) -> Result<Vec<(String, f64)>, crate::scenario::InputError> {
    let bad = |m: String| source.err(&cell.place, "needs", m);
    let pairs: Vec<(String, String)> = match &cell.value {
        Value::Map(kv) => kv.iter().map(|(k, v)| (k.clone(), v.to_string())).collect(),
        v => {
            let t = v.to_string();
            let mut out = Vec::new();
            for part in t.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let (k, v) = part.split_once(':').or_else(|| part.split_once('=')).ok_or_else(|| {
                    bad(format!("expected PART:AMOUNT;PART:AMOUNT, e.g. battery:1;motor:1, found {part:?}"))
                })?;
                out.push((k.trim().to_string(), v.trim().to_string()));
            }
            out
        }
    };
    let mut needs = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        if !is_valid_id(&k) {
            return Err(bad(format!(
                "invalid product {k:?}; expected letters, digits, '-', '_', '.', ':' or '/'"
            )));
        }
        let amount = v.parse::<f64>().ok().map(|x| values::quantity(&k, x));
        let amount = match amount {
            Some(Ok(x)) => Some(x),
            Some(Err(m)) => return Err(bad(m)),
            None => None,
        };
        let Some(amount) = amount else {
            return Err(bad(format!(
                "expected an amount > 0 for {k:?}, found {v:?}"
            )));
        };
        if needs.iter().any(|(p, _)| *p == k) {
            return Err(bad(format!("{k:?} is listed twice")));
        }
        needs.push((k, amount));
    }
    Ok(needs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::model::Table;

    fn csv(text: &str) -> Table {
        crate::import::csv::read("t.csv", text).expect("reads")
    }

    #[test]
    fn repair_spellings() {
        assert_eq!(parse_repair("5"), Ok(Repair::Fixed { steps: 5 }));
        assert_eq!(parse_repair(" Fixed:7 "), Ok(Repair::Fixed { steps: 7 }));
        assert_eq!(
            parse_repair("uniform:3..10"),
            Ok(Repair::Uniform { min: 3, max: 10 })
        );
        assert_eq!(
            parse_repair("uniform:3-10"),
            Ok(Repair::Uniform { min: 3, max: 10 })
        );
        assert_eq!(
            parse_repair("geometric:2.5"),
            Ok(Repair::Geometric { mean: 2.5 })
        );
        for bad in [
            "0",
            "fixed:1000001",
            "uniform:5",
            "geometric:0.5",
            "weekly",
            "-3",
            "",
        ] {
            assert!(parse_repair(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn needs_stock_and_product_are_parsed_in_file_order() {
        let t = csv("id,product,needs,stock\na,bike,frame:1; wheel:2 ;,12.5\n");
        let net = build(&[t], &FieldMap::default()).expect("builds");
        let n = &net.nodes[0];
        assert_eq!(n.product.as_deref(), Some("bike"));
        assert_eq!(
            n.needs,
            [("frame".to_string(), 1.0), ("wheel".to_string(), 2.0)]
        );
        assert_eq!(n.stock, Some(12.5));
        let lines = crate::import::toml_out::bom_lines(n);
        assert_eq!(lines.len(), 3);
        assert!(
            lines[1].contains("needs = { \"frame\" = 1.0, \"wheel\" = 2.0 }"),
            "{lines:?}"
        );
        let dup = csv("id,needs\na,x:1;x:2\n");
        assert!(
            build(&[dup], &FieldMap::default()).is_err(),
            "a part listed twice"
        );
    }

    #[test]
    fn map_renames_and_rejects_unknown_fields() {
        let m = FieldMap::parse(&["role=Type".into(), "CAPACITY=weight".into()]).expect("valid");
        assert_eq!(m.field("TYPE"), "role");
        assert_eq!(m.field("Weight"), "capacity");
        assert_eq!(m.field("sector"), "sector");
        assert!(FieldMap::parse(&["colour=x".into()]).is_err());
        assert!(FieldMap::parse(&["role=".into()]).is_err());
        // A mapped `from` switches off the Gephi `source` alias.
        let t = csv("Source,Target,a,b\nx,y,p,q\n");
        let m = FieldMap::parse(&["from=a".into(), "to=b".into()]).expect("valid");
        let net = build(&[t], &m).expect("builds");
        assert_eq!(
            net.nodes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
            ["p", "q"]
        );
        assert_eq!(
            net.links[0].extra,
            [
                ("Source".to_string(), "x".to_string()),
                ("Target".to_string(), "y".to_string())
            ]
        );
    }
}
