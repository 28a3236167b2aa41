//! The chain of `--chain longest`, aware of bills of materials.
//!
//! The longest source→sink path alone is not a valid topology when an
//! assembler on it needs parts the path does not bring ("factory needs
//! sugar"). So for every such part the chain takes one supplier from the
//! network, and that supplier's own inputs back to a source, one per part
//! (a relay: one input carrying its product). The rule is lexicographic and
//! so deterministic: the candidate inputs of a node are tried in file order,
//! a node not yet in the chain before one already in it, and a candidate
//! that would close a cycle in the chain is skipped.
//!
//! Capacities make the chain's baseline the network's: a stage passes
//! `baseline × m` units per step, where `m` is how many of its units one
//! finished unit takes (the product of the `needs` quantities between it and
//! the sink; 1 on the path downstream of the last assembler).

use super::model::Network;
use crate::scenario::Role;

/// A chain to write after the network.
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    /// Network node indices in output order (the path first), each with
    /// its role and capacity.
    pub nodes: Vec<(usize, Role, f64)>,
    /// Links between network node indices.
    pub links: Vec<(usize, usize)>,
    /// Nodes of the longest path itself (the first `stages` of `nodes`).
    pub stages: usize,
}

/// Why no chain could be built.
pub type Why = String;

struct Builder<'a> {
    net: &'a Network,
    products: &'a [Option<String>],
    roles: &'a [Role],
    /// Inputs of every node in the network, file order, each once.
    preds: Vec<Vec<usize>>,
    /// Position in `nodes` of every network node in the chain.
    at: Vec<Option<usize>>,
    nodes: Vec<(usize, Role, f64)>,
    links: Vec<(usize, usize)>,
    /// Chain inputs of every network node, with units per unit of it.
    inputs: Vec<Vec<(usize, f64)>>,
}

impl Builder<'_> {
    fn add(&mut self, v: usize, role: Role) {
        self.at[v] = Some(self.nodes.len());
        self.nodes.push((v, role, 0.0));
    }

    /// Units of `part` one unit of `v` takes (1 for a node that is not an assembler).
    fn quantity(&self, v: usize, part: Option<&str>) -> f64 {
        let needs = &self.net.nodes[v].needs;
        if needs.is_empty() {
            return 1.0;
        }
        part.and_then(|p| needs.iter().find(|(q, _)| q == p))
            .map_or(1.0, |(_, q)| *q)
    }

    fn link(&mut self, from: usize, to: usize, per_unit: f64) {
        self.links.push((from, to));
        self.inputs[to].push((from, per_unit));
    }

    /// `m` more units per step through `v` and everything upstream of it in the chain.
    fn grow(&mut self, v: usize, m: f64) {
        let i = self.at[v].expect("in the chain");
        self.nodes[i].2 += m;
        for (u, q) in self.inputs[v].clone() {
            self.grow(u, m * q);
        }
    }

    /// True when `to` is reachable from `from` along chain links.
    fn reaches(&self, from: usize, to: usize) -> bool {
        let mut seen = vec![false; self.net.nodes.len()];
        let mut stack = vec![from];
        while let Some(v) = stack.pop() {
            if v == to {
                return true;
            }
            if std::mem::replace(&mut seen[v], true) {
                continue;
            }
            stack.extend(self.links.iter().filter(|l| l.0 == v).map(|l| l.1));
        }
        false
    }

    /// Give `v` (already in the chain, with `m` units per finished unit) an
    /// input carrying `product`, and that input its own, back to a source.
    fn supply(&mut self, v: usize, product: Option<&str>, m: f64) -> Result<(), Why> {
        let carries = |u: usize| product.is_none() || self.products[u].as_deref() == product;
        let candidates: Vec<usize> = self.preds[v]
            .iter()
            .copied()
            .filter(|&u| carries(u))
            .collect();
        let fresh = candidates.iter().copied().find(|&u| self.at[u].is_none());
        let q = self.quantity(v, product);
        if let Some(u) = fresh {
            let role = if self.roles[u] == Role::Source {
                Role::Source
            } else {
                Role::Relay
            };
            self.add(u, role);
            self.link(u, v, q);
            self.grow(u, m * q);
            return self.inputs_of(u, m * q);
        }
        // Every candidate is in the chain already: share one that is not downstream of `v`.
        if let Some(u) = candidates.into_iter().find(|&u| !self.reaches(v, u)) {
            self.link(u, v, q);
            self.grow(u, m * q);
            return Ok(());
        }
        let node = &self.net.nodes[v].id;
        Err(match product {
            Some(p) => format!("{node:?} needs {p:?} and no node linked into it carries {p:?}"),
            None => format!("{node:?} has no input left to take"),
        })
    }

    /// The inputs a newly added `u` needs: one per part of an assembler,
    /// one carrying its product for a relay, none for a source.
    fn inputs_of(&mut self, u: usize, m: f64) -> Result<(), Why> {
        if self.roles[u] == Role::Source {
            return Ok(());
        }
        let needs = self.net.nodes[u].needs.clone();
        if needs.is_empty() {
            let own = self.products[u].clone();
            return self.supply(u, own.as_deref(), m);
        }
        for (part, _) in &needs {
            self.supply(u, Some(part.as_str()), m)?;
        }
        Ok(())
    }
}

/// The chain along `path` (a source→sink path of `net`): see the module
/// docs. `products[i]` is what node `i` carries (explicit or inferred),
/// `roles[i]` its role in the network.
pub fn bom_chain(
    net: &Network,
    products: &[Option<String>],
    roles: &[Role],
    path: &[usize],
    baseline: f64,
) -> Result<Chain, Why> {
    let n = net.nodes.len();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for l in &net.links {
        preds[l.to].push(l.from);
        if l.both_ways {
            preds[l.from].push(l.to);
        }
    }
    for p in &mut preds {
        let mut seen = std::collections::HashSet::new();
        p.retain(|u| seen.insert(*u));
    }
    let mut b = Builder {
        net,
        products,
        roles,
        preds,
        at: vec![None; n],
        nodes: Vec::new(),
        links: Vec::new(),
        inputs: vec![Vec::new(); n],
    };
    let last = path.len().saturating_sub(1);
    for (k, &v) in path.iter().enumerate() {
        let role = if k == 0 {
            Role::Source
        } else if k == last {
            Role::Sink
        } else {
            Role::Relay
        };
        b.add(v, role);
    }
    for w in path.windows(2) {
        let q = b.quantity(w[1], products[w[0]].as_deref());
        b.link(w[0], w[1], q);
    }
    if let Some(&sink) = path.last() {
        b.grow(sink, baseline);
    }
    // Parts the path does not bring, assembler by assembler from the sink back.
    for k in (1..path.len()).rev() {
        let v = path[k];
        let needs = net.nodes[v].needs.clone();
        // Units per step `v` passes (the path's own node k).
        let m = b.nodes[k].2;
        for (part, _) in &needs {
            if products[path[k - 1]].as_deref() == Some(part.as_str()) {
                continue;
            }
            b.supply(v, Some(part.as_str()), m)
                .map_err(|why| format!("{why} (along the path)"))?;
        }
    }
    Ok(Chain {
        nodes: b.nodes,
        links: b.links,
        stages: path.len(),
    })
}
