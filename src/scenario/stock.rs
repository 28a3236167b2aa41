//! Inventory: a node's `stock` (a buffer at its output) and a sink's `demand`.
//!
//! Invariants of every [`Stock`] built here: `0 ≤ initial ≤ max < ∞`, both at
//! most [`MAX_STOCK`]; `max == 0` means "holds no stock" (today's model).
//! A `demand` is finite, > 0, at most 1e15 and only on a sink.

use toml::Spanned;

use super::context::Ctx;
use super::raw::RawNode;
use super::{InputError, Role};

/// Largest accepted stock level (as for capacities).
pub const MAX_STOCK: f64 = super::values::MAX_AMOUNT;

/// Units of a node's product held at its output.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stock {
    /// Most units the node can hold; 0 = no stock.
    pub max: f64,
    /// Units held at step 0 of every trial.
    pub initial: f64,
}

impl Stock {
    /// Does the node hold stock at all (`max > 0`)?
    pub fn is_stocked(&self) -> bool {
        self.max > 0.0
    }
}

/// Parse `stock = N` (full, max N) or `stock = { max = N, initial = M }`
/// (`initial` omitted = full). `field` names it in errors.
pub(super) fn parse(
    ctx: &Ctx<'_>,
    v: &Spanned<toml::Value>,
    field: &str,
) -> Result<Stock, InputError> {
    let number = |x: &toml::Value, what: &str| -> Result<f64, InputError> {
        let n = match x {
            toml::Value::Integer(i) => *i as f64,
            toml::Value::Float(f) => *f,
            other => {
                return Err(ctx.err(
                    v.span(),
                    field,
                    format!(
                        "expected {what} as a number of units, found {}",
                        other.type_str()
                    ),
                ));
            }
        };
        super::values::stock_units(what, n).map_err(|m| ctx.err(v.span(), field, m))
    };
    match v.get_ref() {
        toml::Value::Table(t) => {
            if let Some(k) = t.keys().find(|k| !matches!(k.as_str(), "max" | "initial")) {
                return Err(ctx.err(
                    v.span(),
                    field,
                    format!("unknown key {k:?} in stock; expected `max` and optionally `initial`"),
                ));
            }
            let Some(max) = t.get("max") else {
                return Err(ctx.err(
                    v.span(),
                    field,
                    "stock needs `max`: write `stock = { max = 300, initial = 300 }` or `stock = 300`",
                ));
            };
            let max = number(max, "`max`")?;
            let initial = match t.get("initial") {
                Some(i) => number(i, "`initial`")?,
                None => max,
            };
            if initial > max {
                return Err(ctx.err(
                    v.span(),
                    field,
                    format!("stock `initial` ({initial}) is larger than `max` ({max}); expected initial ≤ max"),
                ));
            }
            Ok(Stock { max, initial })
        }
        other @ (toml::Value::Integer(_) | toml::Value::Float(_)) => {
            let max = number(other, "stock")?;
            Ok(Stock { max, initial: max })
        }
        other => Err(ctx.err(
            v.span(),
            field,
            format!(
                "expected a number of units or a table {{ max = N, initial = M }}, found {}",
                other.type_str()
            ),
        )),
    }
}

/// The node's `demand`: only on a sink; finite, > 0, at most 1e15.
pub(super) fn demand(ctx: &Ctx<'_>, n: &RawNode, role: Role) -> Result<Option<f64>, InputError> {
    let Some(v) = &n.demand else {
        return Ok(None);
    };
    if role != Role::Sink {
        return Err(ctx.err(
            v.span(),
            "topology.node.demand",
            format!(
                "`demand` is only for sinks, and {:?} is a {}; remove it or give the node role = \"sink\"",
                n.id.get_ref(),
                role.as_str()
            ),
        ));
    }
    super::values::demand(*v.get_ref())
        .map(Some)
        .map_err(|m| ctx.err(v.span(), "topology.node.demand", m))
}

/// `check`'s lines about a topology's inventory: every stocked node (max,
/// and initial when below it), by id, and every sink's given demand.
/// Empty without stock or demand.
pub fn describe(topo: &super::Topology) -> Vec<String> {
    let mut out = Vec::new();
    let ranked: Vec<usize> = {
        let mut v: Vec<usize> = (0..topo.nodes.len())
            .filter(|&i| topo.nodes[i].stock.is_stocked())
            .collect();
        v.sort_by(|&a, &b| topo.nodes[a].id.cmp(&topo.nodes[b].id));
        v
    };
    if !ranked.is_empty() {
        let items: Vec<String> = ranked
            .iter()
            .map(|&i| {
                let n = &topo.nodes[i];
                if n.stock.initial < n.stock.max {
                    format!("{} {} (starts at {})", n.id, n.stock.max, n.stock.initial)
                } else {
                    format!("{} {}", n.id, n.stock.max)
                }
            })
            .collect();
        out.push(format!("stock:   {}", items.join(", ")));
    }
    for n in &topo.nodes {
        if let Some(d) = n.demand {
            out.push(format!(
                "demand:  {} {d} a step (takes in up to {})",
                n.id, n.capacity
            ));
        }
    }
    out
}
