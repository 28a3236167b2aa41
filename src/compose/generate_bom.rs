//! `chainmesh generate --needs`: the assembly variant of a generated network.
//!
//! Every node is named for its own product (`product = "n17"`), and every
//! relay needs one unit of the product of each of its inputs, so each part
//! has exactly one supplier: the hardest case for resilience and for the
//! assembly solver. Sinks pool what reaches them and name no product. Directed links only.

use std::fmt::Write as _;

/// Turn a generated network into an assembly network: returns, per node, the
/// inputs whose products it needs. Links out of relays that have no input
/// are dropped (such relays can never make anything, and an assembler must
/// need every input it has); `None` when the network has two-way links
/// (a two-way link cannot touch an assembler).
pub(crate) fn assemble(
    roles: &[&'static str],
    links: &mut Vec<(usize, usize, bool)>,
) -> Option<Vec<Vec<usize>>> {
    if links.iter().any(|l| l.2) {
        return None;
    }
    let n = roles.len();
    let mut has_input = vec![false; n];
    for &(_, b, _) in links.iter() {
        has_input[b] = true;
    }
    links.retain(|&(a, _, _)| roles[a] != "relay" || has_input[a]);
    let mut needs = vec![Vec::new(); n];
    for &(a, b, _) in links.iter() {
        if roles[b] == "relay" {
            needs[b].push(a);
        }
    }
    for v in &mut needs {
        v.sort_unstable();
        v.dedup();
    }
    Some(needs)
}

/// The `product` and `needs` lines of node `i` (a sink pools: no lines).
pub(crate) fn node_toml(out: &mut String, i: usize, role: &str, needs: &[usize]) {
    if role == "sink" {
        return;
    }
    let _ = writeln!(out, "product = \"n{i}\"");
    if !needs.is_empty() {
        let parts: Vec<String> = needs.iter().map(|u| format!("n{u} = 1")).collect();
        let _ = writeln!(out, "needs = {{ {} }}", parts.join(", "));
    }
}
