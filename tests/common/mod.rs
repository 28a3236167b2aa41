//! Helpers shared by the integration tests: build scenarios in code.
#![allow(dead_code)]

pub mod dense_lp;
pub mod oracle;

use std::fmt::Write;

use chainmesh::scenario::{Scenario, Topology};
use proptest::prelude::*;

/// A node: (id, role, capacity, failure_rate).
pub type N<'a> = (&'a str, &'a str, f64, f64);

/// TOML for one topology.
pub fn topology(id: &str, nodes: &[N<'_>], links: &[(&str, &str, Option<f64>)]) -> String {
    let mut s = format!("[[topology]]\nid = \"{id}\"\n");
    for (nid, role, cap, p) in nodes {
        let _ = write!(
            s,
            "[[topology.node]]\nid = \"{nid}\"\nrole = \"{role}\"\ncapacity = {cap:?}\nfailure_rate = {p:?}\n"
        );
    }
    for (a, b, c) in links {
        let _ = write!(s, "[[topology.link]]\nfrom = \"{a}\"\nto = \"{b}\"\n");
        if let Some(c) = c {
            let _ = writeln!(s, "capacity = {c:?}");
        }
    }
    s
}

/// A scenario from a header fragment and topology fragments.
pub fn scenario(header: &str, topologies: &[String]) -> Scenario {
    let text = format!(
        "[scenario]\nname = \"test\"\nsector = \"other\"\n{header}\n{}",
        topologies.join("\n")
    );
    Scenario::from_toml("test.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// A random topology as TOML: node 0 is always a source, node n-1 a sink,
/// and a path 0 → 1 → … → n-1 guarantees a positive baseline.
pub fn arb_topology() -> impl Strategy<Value = Topology> {
    (3usize..14)
        .prop_flat_map(|n| {
            (
                Just(n),
                prop::collection::vec((1u32..20, 0u8..3), n),
                prop::collection::vec(
                    (0..n, 0..n, prop::option::of(1u32..30), any::<bool>()),
                    0..3 * n,
                ),
            )
        })
        .prop_map(|(n, nodes, extra)| {
            let mut text = String::from("[[topology]]\nid = \"g\"\n");
            for (i, (cap, role)) in nodes.iter().enumerate() {
                let role = match (i, role) {
                    (0, _) => "source",
                    (i, _) if i == n - 1 => "sink",
                    (_, 0) => "source",
                    (_, 1) => "sink",
                    _ => "relay",
                };
                text += &format!(
                    "[[topology.node]]\nid = \"n{i}\"\nrole = \"{role}\"\ncapacity = {cap}\n"
                );
            }
            for i in 0..n - 1 {
                text += &format!("[[topology.link]]\nfrom = \"n{i}\"\nto = \"n{}\"\n", i + 1);
            }
            for (a, b, cap, both) in extra {
                if a == b {
                    continue;
                }
                text += &format!(
                    "[[topology.link]]\nfrom = \"n{a}\"\nto = \"n{b}\"\nboth_ways = {both}\n"
                );
                if let Some(c) = cap {
                    text += &format!("capacity = {c}\n");
                }
            }
            // Sources that cannot reach a sink are rejected by validation, so every
            // extra source/sink is linked to the guaranteed path's sink.
            for (i, (_, role)) in nodes.iter().enumerate() {
                if i != 0 && i != n - 1 && *role == 0 {
                    text += &format!("[[topology.link]]\nfrom = \"n{i}\"\nto = \"n{}\"\n", n - 1);
                }
            }
            scenario("", &[text]).topologies.remove(0)
        })
}

/// A random scenario text: one random topology (see [`arb_topology`]) with
/// random failure rates, repairs and shocks.
pub fn arb_scenario_text() -> impl Strategy<Value = String> {
    (
        arb_topology(),
        0.0f64..0.3,
        1u32..6,
        prop::collection::vec((0u32..40, 0u8..4, 1u32..4, prop::option::of(1u32..8)), 0..4),
    )
        .prop_map(|(topo, p, repair, shocks)| {
            let mut t = format!(
                "[scenario]\nname = \"prop\"\nsector = \"other\"\nsteps = 40\n\
                 [defaults]\nfailure_rate = {p}\nrepair = {{ dist = \"geometric\", mean = {repair} }}\n"
            );
            for (at, kind, count, duration) in shocks {
                let select = ["random", "degree", "betweenness", "nodes"][kind as usize];
                t += &format!("[[shock]]\nat = {at}\nselect = \"{select}\"\n");
                if select == "nodes" {
                    t += "nodes = [\"n1\"]\n";
                } else {
                    t += &format!("count = {}\n", count.min(topo.nodes.len() as u32));
                }
                if let Some(d) = duration {
                    t += &format!("duration = {d}\n");
                }
            }
            t += "[[topology]]\nid = \"g\"\n";
            for n in &topo.nodes {
                t += &format!(
                    "[[topology.node]]\nid = \"{}\"\nrole = \"{}\"\ncapacity = {}\n",
                    n.id,
                    n.role.as_str(),
                    n.capacity
                );
            }
            for l in &topo.links {
                t += &format!(
                    "[[topology.link]]\nfrom = \"{}\"\nto = \"{}\"\nboth_ways = {}\n",
                    topo.nodes[l.from].id, topo.nodes[l.to].id, l.both_ways
                );
                if l.capacity.is_finite() {
                    t += &format!("capacity = {}\n", l.capacity);
                }
            }
            t
        })
}
