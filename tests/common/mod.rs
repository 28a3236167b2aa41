//! Helpers shared by the integration tests: build scenarios in code.
#![allow(dead_code)]

use std::fmt::Write;

use chainmesh::scenario::Scenario;

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
