//! Helpers shared by the integration tests: build scenarios in code.
#![allow(dead_code)]

pub mod dense_lp;
pub mod oracle;
pub mod stage_lp;

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

/// A random acyclic network with assemblers, as scenario text. Node 0 is a
/// source and node n-1 a sink; the path 0 → 1 → … → n-1 and links only from
/// lower to higher index keep it valid. Sources make one of three parts
/// (so parts get several suppliers); a later node becomes an assembler
/// (when drawn so) only if every input carries a named product, and then
/// needs exactly those products, in quantities 1 to 3.
pub fn arb_assembly_text() -> impl Strategy<Value = String> {
    (4usize..11)
        .prop_flat_map(|n| {
            (
                Just(n),
                prop::collection::vec((1u32..20, 0u8..5, 0u8..3, 1u8..4), n),
                prop::collection::vec((0..n, 0..n, prop::option::of(1u32..25)), 0..2 * n),
            )
        })
        .prop_map(|(n, spec, extra)| {
            let mut links: Vec<(usize, usize, Option<u32>)> =
                (0..n - 1).map(|i| (i, i + 1, None)).collect();
            for (a, b, c) in extra {
                let (a, b) = (a.min(b), a.max(b));
                if a != b && !links.iter().any(|l| l.0 == a && l.1 == b) {
                    links.push((a, b, c));
                }
            }
            // role: 0 source, 1 sink, 2 assembler (relay), 3/4 pool relay.
            let mut role = vec![""; n];
            let mut product: Vec<Option<String>> = vec![None; n];
            let mut needs: Vec<Vec<(String, u8)>> = vec![Vec::new(); n];
            for v in 0..n {
                let (_, r, part, qty) = spec[v];
                let inputs: Vec<usize> = links.iter().filter(|l| l.1 == v).map(|l| l.0).collect();
                role[v] = match (v, r) {
                    (0, _) => "source",
                    (v, _) if v == n - 1 => "sink",
                    (_, 0) => "source",
                    (_, 1) => "sink",
                    _ => "relay",
                };
                if role[v] == "source" {
                    product[v] = Some(["frame", "motor", "cell"][part as usize].to_string());
                    continue;
                }
                let named: Option<Vec<String>> =
                    inputs.iter().map(|&u| product[u].clone()).collect();
                let assemble = (r == 2 || (role[v] == "sink" && part == 0)) && named.is_some();
                if assemble {
                    let mut parts = named.unwrap_or_default();
                    parts.sort();
                    parts.dedup();
                    needs[v] = parts
                        .into_iter()
                        .enumerate()
                        .map(|(k, p)| (p, 1 + (qty + k as u8) % 3))
                        .collect();
                    product[v] = Some(format!("kit{v}"));
                } else {
                    // A pool: it carries its inputs' product when they agree.
                    let mut ps: Vec<Option<String>> =
                        inputs.iter().map(|&u| product[u].clone()).collect();
                    ps.sort();
                    ps.dedup();
                    product[v] = match ps.as_slice() {
                        [Some(p)] => Some(p.clone()),
                        _ => None,
                    };
                }
            }
            let mut t = String::from(
                "[scenario]\nname = \"p\"\nsector = \"manufacturing\"\n[[topology]]\nid = \"g\"\n",
            );
            for v in 0..n {
                t += &format!(
                    "[[topology.node]]\nid = \"n{v}\"\nrole = \"{}\"\ncapacity = {}\n",
                    role[v], spec[v].0
                );
                if let Some(p) = product[v]
                    .as_ref()
                    .filter(|_| role[v] == "source" || !needs[v].is_empty())
                {
                    t += &format!("product = \"{p}\"\n");
                }
                if !needs[v].is_empty() {
                    let list: Vec<String> =
                        needs[v].iter().map(|(p, q)| format!("{p} = {q}")).collect();
                    t += &format!("needs = {{ {} }}\n", list.join(", "));
                }
            }
            for (a, b, c) in links {
                t += &format!("[[topology.link]]\nfrom = \"n{a}\"\nto = \"n{b}\"\n");
                if let Some(c) = c {
                    t += &format!("capacity = {c}\n");
                }
            }
            t
        })
}
