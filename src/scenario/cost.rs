//! Costs: what a node and a link cost (`docs/model.md`, section 1c).
//!
//! Invariants of every [`NodeCost`] and link `unit_cost` built here: finite,
//! ≥ 0, at most [`super::values::MAX_AMOUNT`]; `lost_sale` is non-zero only
//! on a sink. A topology whose costs are all 0 costs nothing and skips the
//! cost stage; a scenario without any cost writes today's bytes everywhere.

use toml::Spanned;

use super::context::Ctx;
use super::raw::{RawDefaults, RawNode};
use super::{InputError, Role};

/// Money per step a node costs (all ≥ 0; 0 by default).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NodeCost {
    /// Per step for keeping the node in the network, up or down.
    pub fixed: f64,
    /// Per unit passing through the node's capacity (x_v).
    pub unit: f64,
    /// Per unit of stock held at the end of a step.
    pub holding: f64,
    /// Sinks only: per unit of demand not delivered.
    pub lost_sale: f64,
}

impl NodeCost {
    /// Is any of its costs non-zero?
    pub fn is_priced(&self) -> bool {
        self.fixed > 0.0 || self.unit > 0.0 || self.holding > 0.0 || self.lost_sale > 0.0
    }
}

/// One cost value: finite, ≥ 0, at most 1e15.
fn money(ctx: &Ctx<'_>, v: &Spanned<f64>, field: &str) -> Result<f64, InputError> {
    super::values::cost(*v.get_ref()).map_err(|m| ctx.err(v.span(), field, m))
}

/// The costs of `[defaults]` (every node inherits them; `lost_sale_cost`
/// only sinks).
pub(super) fn defaults(ctx: &Ctx<'_>, d: &RawDefaults) -> Result<NodeCost, InputError> {
    let get = |v: &Option<Spanned<f64>>, field: &str| -> Result<f64, InputError> {
        v.as_ref().map_or(Ok(0.0), |v| money(ctx, v, field))
    };
    Ok(NodeCost {
        fixed: get(&d.fixed_cost, "defaults.fixed_cost")?,
        unit: get(&d.unit_cost, "defaults.unit_cost")?,
        holding: get(&d.holding_cost, "defaults.holding_cost")?,
        lost_sale: get(&d.lost_sale_cost, "defaults.lost_sale_cost")?,
    })
}

/// A node's costs: its own, else the defaults'. `lost_sale_cost` on a node
/// that is not a sink is refused; a default one applies to sinks only.
pub(super) fn node(
    ctx: &Ctx<'_>,
    n: &RawNode,
    role: Role,
    d: &NodeCost,
) -> Result<NodeCost, InputError> {
    let get = |v: &Option<Spanned<f64>>, field: &str, default: f64| -> Result<f64, InputError> {
        v.as_ref().map_or(Ok(default), |v| money(ctx, v, field))
    };
    if let Some(v) = &n.lost_sale_cost
        && role != Role::Sink
    {
        return Err(ctx.err(
            v.span(),
            "topology.node.lost_sale_cost",
            format!(
                "`lost_sale_cost` is only for sinks (it prices demand not delivered), and {:?} is a {}; remove it or give the node role = \"sink\"",
                n.id.get_ref(),
                role.as_str()
            ),
        ));
    }
    let sink_default = if role == Role::Sink { d.lost_sale } else { 0.0 };
    Ok(NodeCost {
        fixed: get(&n.fixed_cost, "topology.node.fixed_cost", d.fixed)?,
        unit: get(&n.unit_cost, "topology.node.unit_cost", d.unit)?,
        holding: get(&n.holding_cost, "topology.node.holding_cost", d.holding)?,
        lost_sale: get(
            &n.lost_sale_cost,
            "topology.node.lost_sale_cost",
            sink_default,
        )?,
    })
}

/// A link's `unit_cost` (0 when omitted).
pub(super) fn link(ctx: &Ctx<'_>, v: &Option<Spanned<f64>>) -> Result<f64, InputError> {
    v.as_ref()
        .map_or(Ok(0.0), |v| money(ctx, v, "topology.link.unit_cost"))
}

/// `check`'s line about a topology's costs: the nodes and links that cost
/// something, summed per kind, and its calm cost per step when known.
/// Empty when it costs nothing.
pub fn describe(topo: &super::Topology, currency: &str, calm: Option<f64>) -> Vec<String> {
    if !topo.has_costs() {
        return Vec::new();
    }
    let fixed: f64 = topo.nodes.iter().map(|n| n.cost.fixed).sum();
    let priced_links = topo.links.iter().filter(|l| l.unit_cost > 0.0).count();
    let unit = topo.nodes.iter().filter(|n| n.cost.unit > 0.0).count();
    let holding = topo.nodes.iter().filter(|n| n.cost.holding > 0.0).count();
    let lost = topo
        .nodes
        .iter()
        .filter(|n| n.cost.lost_sale > 0.0)
        .map(|n| format!("{} {}", n.id, super::Num(n.cost.lost_sale)))
        .collect::<Vec<_>>();
    let mut line = format!(
        "costs:   fixed {currency}{} a step; unit costs on {unit} nodes and {priced_links} links; holding on {holding} nodes",
        super::Num(fixed)
    );
    if let Some(calm) = calm {
        line += &format!("; calm {currency}{} a step", super::Num(calm));
    }
    if !lost.is_empty() {
        line += &format!("; lost sale {} ({currency} a unit)", lost.join(", "));
    }
    vec![line]
}
