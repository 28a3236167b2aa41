//! `chainmesh export`: a scenario's topologies as graph files for other
//! tools — Graphviz DOT ([`dot`]), GraphML for Gephi, yEd and NetworkX
//! ([`graphml`]), NetworkX node-link JSON ([`nodelink`]). Each writer returns
//! a string; the caller decides where it goes.
//!
//! Every format carries the same attributes: node `label`, `label_zh`,
//! `role`, `sector`, `capacity`, `failure_rate`, `repair` (as `fixed:5`,
//! `uniform:3..10`, `geometric:8`, the spelling `chainmesh import` reads) and
//! link `capacity` (absent when unlimited) and `both_ways`; the graph carries
//! the scenario's `name`, `steps`, `trials`, `seed` and `service_level`, so
//! `export` then `import` gives back the same baselines and `run` numbers
//! (scripted shocks are not carried).

pub mod dot;
pub mod graphml;
pub mod nodelink;

use crate::scenario::{Node, Repair, Scenario, Topology};

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
}

/// The spelling `chainmesh import` reads back.
pub fn repair_text(r: &Repair) -> String {
    match r {
        Repair::Fixed { steps } => format!("fixed:{steps}"),
        Repair::Uniform { min, max } => format!("uniform:{min}..{max}"),
        Repair::Geometric { mean } => format!("geometric:{mean}"),
    }
}

/// Bill-of-materials attributes: `product` (explicit or inferred) and
/// `needs` as `battery:1;motor:1` (parts in name order). `stock` joins them
/// when the scenario model has it.
pub fn bom_attributes(node: &Node) -> Vec<(&'static str, Attr)> {
    let mut a = Vec::new();
    if let Some(p) = &node.product {
        a.push(("product", Attr::Text(p.clone())));
    }
    if !node.needs.is_empty() {
        let bill: Vec<String> = node.needs.iter().map(|(p, q)| format!("{p}:{q}")).collect();
        a.push(("needs", Attr::Text(bill.join(";"))));
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
    a.push(("capacity", Attr::Num(n.capacity)));
    a.push(("failure_rate", Attr::Num(n.failure_rate)));
    a.push(("repair", Attr::Text(repair_text(&n.repair))));
    a.extend(bom_attributes(n));
    a
}

/// The graph's attributes: scenario name and run settings, topology id and label.
pub fn graph_attributes(s: &Scenario, t: &Topology) -> Vec<(&'static str, Attr)> {
    vec![
        ("name", Attr::Text(s.name.clone())),
        ("label", Attr::Text(t.label.clone())),
        ("steps", Attr::Int(u64::from(s.steps))),
        ("trials", Attr::Int(s.trials)),
        // As text: a u64 seed does not fit GraphML's signed `long`.
        ("seed", Attr::Text(s.seed.to_string())),
        ("service_level", Attr::Num(s.service_level)),
    ]
}

/// Write `topologies` of `scenario` in `format`. GraphML and JSON take one topology.
pub fn export(scenario: &Scenario, topologies: &[&Topology], format: GraphFormat) -> String {
    match format {
        GraphFormat::Dot => dot::write(scenario, topologies),
        GraphFormat::GraphMl => graphml::write(scenario, topologies[0]),
        GraphFormat::NodeLink => nodelink::write(scenario, topologies[0]),
    }
}
