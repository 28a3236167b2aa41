//! `chainmesh export`: a scenario's topologies as graph files for other
//! tools — Graphviz DOT ([`dot`]), GraphML for Gephi, yEd and NetworkX
//! ([`graphml`]), NetworkX node-link JSON ([`nodelink`]). Each writer returns
//! a string; the caller decides where it goes.
//!
//! Every format carries the same attributes: node `label`, `label_zh`,
//! `role`, `sector`, `capacity`, `failure_rate`, `repair` (as `fixed:5`,
//! `uniform:3..10`, `geometric:8`, the spelling `chainmesh import` reads) and
//! link `capacity` (absent when unlimited) and `both_ways`; the graph carries
//! the scenario's `name`, `steps`, `trials`, `seed`, `service_level` and,
//! when there are any, its `[[shock]]`s as `shocks` (a JSON array, see
//! [`shocks_json`]), so `export` then `import` gives back the same baselines,
//! shocks and `run` numbers.

pub mod dot;
pub mod graphml;
pub mod nodelink;

use serde_json::{Map, Value, json};

use crate::scenario::{Amount, Hazard, Node, Repair, Scenario, Selection, Shock, Topology};

/// Graph file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// Graphviz DOT (every topology, one cluster each).
    Dot,
    /// GraphML (one topology).
    GraphMl,
    /// NetworkX node-link JSON (one topology).
    NodeLink,
}

impl GraphFormat {
    /// The name on the command line.
    pub fn parse(s: &str) -> Option<GraphFormat> {
        match s {
            "dot" => Some(GraphFormat::Dot),
            "graphml" => Some(GraphFormat::GraphMl),
            "json" => Some(GraphFormat::NodeLink),
            _ => None,
        }
    }

    /// True when the format holds one topology only.
    pub fn single_topology(self) -> bool {
        self != GraphFormat::Dot
    }
}

/// An attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum Attr {
    /// Text.
    Text(String),
    /// A number.
    Num(f64),
    /// A whole number.
    Int(u64),
    /// A boolean.
    Bool(bool),
    /// Structured data: a JSON value in node-link JSON, its JSON text elsewhere.
    Json(Value),
}

/// The spelling `chainmesh import` reads back.
pub fn repair_text(r: &Repair) -> String {
    match r {
        Repair::Fixed { steps } => format!("fixed:{steps}"),
        Repair::Uniform { min, max } => format!("uniform:{min}..{max}"),
        Repair::Geometric { mean } => format!("geometric:{mean}"),
    }
}

/// Bill-of-materials and inventory attributes: `product` (explicit or
/// inferred), `needs` as `battery:1;motor:1` (parts in name order), `stock`
/// (the most held, when > 0), `stock_initial` (when below it) and `demand`
/// (a sink's, when given).
pub fn bom_attributes(node: &Node) -> Vec<(&'static str, Attr)> {
    let mut a = Vec::new();
    if let Some(p) = &node.product {
        a.push(("product", Attr::Text(p.clone())));
    }
    if !node.needs.is_empty() {
        let bill: Vec<String> = node.needs.iter().map(|(p, q)| format!("{p}:{q}")).collect();
        a.push(("needs", Attr::Text(bill.join(";"))));
    }
    if node.stock.is_stocked() {
        a.push(("stock", Attr::Num(node.stock.max)));
        if node.stock.initial < node.stock.max {
            a.push(("stock_initial", Attr::Num(node.stock.initial)));
        }
    }
    if let Some(d) = node.demand {
        a.push(("demand", Attr::Num(d)));
    }
    a
}

/// A node's attributes in a fixed order (its id excluded).
pub fn node_attributes(n: &Node) -> Vec<(&'static str, Attr)> {
    let mut a = vec![("label", Attr::Text(n.label.clone()))];
    if let Some(z) = &n.label_zh {
        a.push(("label_zh", Attr::Text(z.clone())));
    }
    a.push(("role", Attr::Text(n.role.as_str().into())));
    if let Some(s) = &n.sector {
        a.push(("sector", Attr::Text(s.clone())));
    }
    if let Some(r) = &n.region {
        a.push(("region", Attr::Text(r.clone())));
    }
    a.push(("capacity", Attr::Num(n.capacity)));
    a.push(("failure_rate", Attr::Num(n.failure_rate)));
    a.push(("repair", Attr::Text(repair_text(&n.repair))));
    a.extend(bom_attributes(n));
    for (key, x) in [
        ("fixed_cost", n.cost.fixed),
        ("unit_cost", n.cost.unit),
        ("holding_cost", n.cost.holding),
        ("lost_sale_cost", n.cost.lost_sale),
    ] {
        if x > 0.0 {
            a.push((key, Attr::Num(x)));
        }
    }
    a
}

/// One shock as a JSON object with the `[[shock]]` table's own keys: `at`,
/// `select`, then `count` or `fraction` (random, degree, betweenness),
/// `sector` or `nodes`, then `duration` and `label` when set.
pub fn shock_json(shock: &Shock) -> Value {
    let mut m = Map::new();
    m.insert("at".into(), json!(shock.at));
    let amount = |m: &mut Map<String, Value>, a: &Amount| match *a {
        Amount::Count(c) => m.insert("count".into(), json!(c)),
        Amount::Fraction(f) => m.insert("fraction".into(), json!(f)),
    };
    match &shock.select {
        Selection::Random(a) | Selection::Degree(a) | Selection::Betweenness(a) => {
            let name = match shock.select {
                Selection::Random(_) => "random",
                Selection::Degree(_) => "degree",
                _ => "betweenness",
            };
            m.insert("select".into(), json!(name));
            amount(&mut m, a);
        }
        Selection::Sector(sector) => {
            m.insert("select".into(), json!("sector"));
            m.insert("sector".into(), json!(sector));
        }
        Selection::Nodes(ids) => {
            m.insert("select".into(), json!("nodes"));
            m.insert("nodes".into(), json!(ids));
        }
    }
    if let Some(d) = shock.duration {
        m.insert("duration".into(), json!(d));
    }
    if let Some(l) = &shock.label {
        m.insert("label".into(), json!(l));
    }
    Value::Object(m)
}

/// The scenario's shocks as they act on topology `t`, in file order: a
/// `select = "nodes"` shock keeps only the ids `t` has (the others are
/// skipped in `t` anyway) and is left out when it has none left, since it
/// strikes nothing there and a scenario may not name ids no topology has.
pub fn shocks_for(s: &Scenario, t: &Topology) -> Vec<Shock> {
    s.shocks
        .iter()
        .filter_map(|shock| match &shock.select {
            Selection::Nodes(ids) => {
                let kept: Vec<String> = ids
                    .iter()
                    .filter(|id| t.node_index(id).is_some())
                    .cloned()
                    .collect();
                (!kept.is_empty()).then(|| Shock {
                    select: Selection::Nodes(kept),
                    ..shock.clone()
                })
            }
            _ => Some(shock.clone()),
        })
        .collect()
}

/// [`shocks_for`] `t` as a JSON array, `None` when there are none, so that
/// shock-free exports stay as they were.
pub fn shocks_json(s: &Scenario, t: &Topology) -> Option<Value> {
    let shocks = shocks_for(s, t);
    (!shocks.is_empty()).then(|| Value::Array(shocks.iter().map(shock_json).collect()))
}

/// The scenario's hazards that reach topology `t` (some region of theirs
/// is a region of `t`), each with only those regions, in file order. (A
/// hazard left out moves the strike streams of those after it: the numbers
/// of an exported topology match the scenario's when no hazard is left out,
/// as in every built-in.)
pub fn hazards_for(s: &Scenario, t: &Topology) -> Vec<Hazard> {
    s.hazards
        .iter()
        .filter_map(|h| {
            let kept: Vec<String> = h
                .regions
                .iter()
                .filter(|r| t.nodes.iter().any(|n| n.region.as_ref() == Some(*r)))
                .cloned()
                .collect();
            (!kept.is_empty()).then(|| Hazard {
                regions: kept,
                ..h.clone()
            })
        })
        .collect()
}

/// One hazard as a JSON object with the `[[hazard]]` table's own keys.
pub fn hazard_json(h: &Hazard) -> Value {
    let mut m = Map::new();
    m.insert("label".into(), json!(h.label));
    m.insert("regions".into(), json!(h.regions));
    m.insert("rate".into(), json!(h.rate));
    m.insert("hit".into(), json!(h.hit));
    if let Some(d) = h.duration {
        let d = match d {
            Repair::Fixed { steps } => json!(steps),
            Repair::Uniform { min, max } => json!({"dist": "uniform", "min": min, "max": max}),
            Repair::Geometric { mean } => json!({"dist": "geometric", "mean": mean}),
        };
        m.insert("duration".into(), d);
    }
    m.insert("start".into(), json!(h.start));
    if let Some(end) = h.end {
        m.insert("end".into(), json!(end));
    }
    Value::Object(m)
}

/// The graph's attributes: scenario name and run settings, topology id and
/// label, `shocks` and `hazards` when the scenario has any.
pub fn graph_attributes(s: &Scenario, t: &Topology) -> Vec<(&'static str, Attr)> {
    let mut a = vec![
        ("name", Attr::Text(s.name.clone())),
        ("label", Attr::Text(t.label.clone())),
        ("steps", Attr::Int(u64::from(s.steps))),
        ("trials", Attr::Int(s.trials)),
        // As text: a u64 seed does not fit GraphML's signed `long`.
        ("seed", Attr::Text(s.seed.to_string())),
        ("service_level", Attr::Num(s.service_level)),
    ];
    if let Some(c) = &s.currency {
        a.push(("currency", Attr::Text(c.clone())));
    }
    if let Some(shocks) = shocks_json(s, t) {
        a.push(("shocks", Attr::Json(shocks)));
    }
    let hazards = hazards_for(s, t);
    if !hazards.is_empty() {
        a.push((
            "hazards",
            Attr::Json(Value::Array(hazards.iter().map(hazard_json).collect())),
        ));
    }
    a
}

/// Write `topologies` of `scenario` in `format`. GraphML and JSON take one topology.
pub fn export(scenario: &Scenario, topologies: &[&Topology], format: GraphFormat) -> String {
    match format {
        GraphFormat::Dot => dot::write(scenario, topologies),
        GraphFormat::GraphMl => graphml::write(scenario, topologies[0]),
        GraphFormat::NodeLink => nodelink::write(scenario, topologies[0]),
    }
}
