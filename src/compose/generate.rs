//! `chainmesh generate`: synthetic scenarios for scale tests and benchmarks —
//! a chain and a network of N nodes each, with equal baseline throughput.

use std::fmt::Write as _;

use crate::network::FlowNetwork;
use crate::scenario::{Scenario, Topology};
use crate::sim::rng::Stream;

/// Network models `generate` can build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// Four tiers (10 % sources, 40 % / 40 % relays, 10 % sinks), ~3 arcs per node to the next tier.
    Layered,
    /// Erdős–Rényi, mean degree 4, two-way links; components joined into one.
    Er,
    /// Barabási–Albert preferential attachment, m = 2, two-way links.
    Ba,
}

impl Model {
    fn name(self) -> &'static str {
        match self {
            Model::Layered => "layered",
            Model::Er => "er",
            Model::Ba => "ba",
        }
    }
}

/// A generated network before it is written out.
struct Net {
    roles: Vec<&'static str>,
    caps: Vec<u32>,
    /// (from, to, two-way)
    links: Vec<(usize, usize, bool)>,
    /// With `--needs`: per node, the nodes whose products it needs (empty =
    /// a pool); every node is then named for its own product.
    needs: Option<Vec<Vec<usize>>>,
}

fn layered(n: usize, s: &mut Stream) -> Net {
    let n = n.max(10);
    let t1 = n / 10;
    let t2 = t1 + 4 * n / 10;
    let t3 = t2 + 4 * n / 10;
    let tiers = [0..t1, t1..t2, t2..t3, t3..n];
    let mut roles = vec!["relay"; n];
    roles[tiers[0].clone()]
        .iter_mut()
        .for_each(|r| *r = "source");
    roles[tiers[3].clone()].iter_mut().for_each(|r| *r = "sink");
    let caps = (0..n).map(|_| 10 + s.below(91) as u32).collect();
    let mut links = Vec::with_capacity(3 * n);
    for w in tiers.windows(2) {
        let (from, to) = (&w[0], &w[1]);
        let width = (to.end - to.start) as u64;
        for u in from.clone() {
            let mut picked = [usize::MAX; 3];
            for k in 0..3.min(width as usize) {
                let v = loop {
                    let v = to.start + s.below(width) as usize;
                    if !picked.contains(&v) {
                        break v;
                    }
                };
                picked[k] = v;
                links.push((u, v, false));
            }
        }
    }
    Net {
        roles,
        caps,
        links,
        needs: None,
    }
}

/// Roles for undirected models: a random 10 % are sources, another 10 % sinks.
fn undirected_roles(n: usize, s: &mut Stream) -> Vec<&'static str> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in 0..n {
        let j = i + s.below((n - i) as u64) as usize;
        order.swap(i, j);
    }
    let k = (n / 10).max(1);
    let mut roles = vec!["relay"; n];
    order[..k].iter().for_each(|&i| roles[i] = "source");
    order[k..2 * k].iter().for_each(|&i| roles[i] = "sink");
    roles
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn erdos_renyi(n: usize, s: &mut Stream) -> Net {
    let n = n.max(10);
    let edges = 2 * n; // mean degree 4
    let mut links = Vec::with_capacity(edges + n);
    let mut seen = std::collections::HashSet::with_capacity(edges);
    while links.len() < edges {
        let (a, b) = (s.below(n as u64) as usize, s.below(n as u64) as usize);
        if a != b && seen.insert((a.min(b), a.max(b))) {
            links.push((a, b, true));
        }
    }
    // Join every component to the one of node 0 so every source reaches a sink.
    let mut parent: Vec<usize> = (0..n).collect();
    for &(a, b, _) in &links {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        parent[ra] = rb;
    }
    for v in 1..n {
        let (r0, rv) = (find(&mut parent, 0), find(&mut parent, v));
        if r0 != rv {
            links.push((v, s.below(v as u64) as usize, true));
            parent[rv] = r0;
        }
    }
    let roles = undirected_roles(n, s);
    let caps = (0..n).map(|_| 10 + s.below(91) as u32).collect();
    Net {
        roles,
        caps,
        links,
        needs: None,
    }
}

fn barabasi_albert(n: usize, s: &mut Stream) -> Net {
    let n = n.max(10);
    let m = 2;
    // Start from a triangle; each new node links to m distinct nodes chosen
    // proportionally to degree (uniform pick from the list of edge endpoints).
    let mut links = vec![(0, 1, true), (1, 2, true), (0, 2, true)];
    let mut ends: Vec<usize> = vec![0, 1, 1, 2, 0, 2];
    for v in 3..n {
        let mut targets = [usize::MAX; 2];
        for k in 0..m {
            targets[k] = loop {
                let u = ends[s.below(ends.len() as u64) as usize];
                if !targets.contains(&u) {
                    break u;
                }
            };
        }
        for &u in &targets {
            links.push((v, u, true));
            ends.extend([v, u]);
        }
    }
    let roles = undirected_roles(n, s);
    let caps = (0..n).map(|_| 10 + s.below(91) as u32).collect();
    Net {
        roles,
        caps,
        links,
        needs: None,
    }
}

fn topology_toml(out: &mut String, id: &str, label: &str, net: &Net) {
    let _ = write!(out, "\n[[topology]]\nid = \"{id}\"\nlabel = \"{label}\"\n");
    for (i, (role, cap)) in net.roles.iter().zip(&net.caps).enumerate() {
        let _ = write!(
            out,
            "[[topology.node]]\nid = \"n{i}\"\nrole = \"{role}\"\ncapacity = {cap}\n"
        );
        if let Some(bill) = net.needs.as_ref().map(|n| &n[i]) {
            super::generate_bom::node_toml(out, i, role, bill);
        }
    }
    for &(a, b, both) in &net.links {
        let _ = write!(out, "[[topology.link]]\nfrom = \"n{a}\"\nto = \"n{b}\"\n");
        if both {
            out.push_str("both_ways = true\n");
        }
    }
}

/// The TOML text of a generated scenario (a chain of `n` nodes and a
/// network of `n` nodes with the same baseline).
pub fn generate(model: Model, n: usize, seed: u64) -> String {
    generate_with(model, n, seed, false)
}

/// [`generate`], with `needs = true` for the assembly variant of
/// `chainmesh generate --needs` (layered model only; see
/// [`super::generate_bom`]): every node makes its own product, every relay
/// needs the products of its inputs, and so does every chain relay.
pub fn generate_with(model: Model, n: usize, seed: u64, needs: bool) -> String {
    let mut s = Stream::new(seed, 0);
    let mut net = match model {
        Model::Layered => layered(n, &mut s),
        Model::Er => erdos_renyi(n, &mut s),
        Model::Ba => barabasi_albert(n, &mut s),
    };
    if needs {
        net.needs = super::generate_bom::assemble(&net.roles, &mut net.links);
    }
    let flag = if net.needs.is_some() { " --needs" } else { "" };
    let header = format!(
        "# Generated by `chainmesh generate --model {m} --nodes {n} --seed {seed}{flag}`.\n\
         [scenario]\nname = \"Generated {m} network, {n} nodes\"\nsector = \"other\"\n\
         description = \"Synthetic scale test: a {n}-node chain against a {n}-node {m} network of equal baseline.\"\n\
         steps = 100\ntrials = 100\nseed = {seed}\n\n\
         [defaults]\nfailure_rate = 0.002\nrepair = {{ dist = \"geometric\", mean = 10 }}\n",
        m = model.name()
    );
    // The network's baseline sets the chain's capacities.
    let mut probe = header.clone();
    topology_toml(&mut probe, "network", "Generated network", &net);
    let baseline = Scenario::from_toml("generated", &probe)
        .map(|sc| FlowNetwork::new(&sc.topologies[0]).baseline())
        .unwrap_or(100.0);
    let chain = Net {
        roles: (0..net.roles.len())
            .map(|i| match i {
                0 => "source",
                i if i + 1 == net.roles.len() => "sink",
                _ => "relay",
            })
            .collect(),
        caps: vec![baseline.round() as u32; net.roles.len()],
        links: (1..net.roles.len()).map(|i| (i - 1, i, false)).collect(),
        needs: net.needs.as_ref().map(|_| {
            (0..net.roles.len())
                .map(|i| match i {
                    0 => Vec::new(),
                    i if i + 1 == net.roles.len() => Vec::new(),
                    i => vec![i - 1],
                })
                .collect()
        }),
    };
    let mut out = header;
    topology_toml(&mut out, "chain", "Generated chain", &chain);
    let mut net_part = String::new();
    topology_toml(&mut net_part, "network", "Generated network", &net);
    out.push_str(&net_part);
    out
}

/// Check a generated scenario (used by tests and `generate` itself).
pub fn baselines(text: &str) -> Option<Vec<f64>> {
    let s = Scenario::from_toml("generated", text).ok()?;
    Some(
        s.topologies
            .iter()
            .map(|t: &Topology| FlowNetwork::new(t).baseline())
            .collect(),
    )
}
