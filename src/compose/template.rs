//! The `chainmesh new` template: a commented scenario file — a linear
//! chain as the reference topology and, for the `network` and `mesh`
//! templates, an ecosystem network with the same baseline throughput.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::network::FlowNetwork;
use crate::scenario::{Scenario, Sector};

/// What `new` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// A linear chain only: one firm per stage, goods flow one way.
    Chain,
    /// The chain plus a layered ecosystem network: several firms per stage, many-to-many links.
    Network,
    /// The chain plus a mesh: two-way links, partners within a stage and across stages.
    Mesh,
}

/// Throughput of the chain: every firm passes this much per step.
const CHAIN_CAPACITY: u32 = 100;

/// The stages of a sector's chain, source first, sink last.
pub fn stages(sector: Sector) -> &'static [&'static str] {
    match sector {
        Sector::Agriculture => &["farm", "processor", "wholesaler", "retailer", "consumer"],
        Sector::Manufacturing => &[
            "steel-mill",
            "parts-maker",
            "assembly",
            "dealer",
            "customer",
        ],
        Sector::SmartCity => &["energy", "iot-platform", "transport", "service", "citizen"],
        Sector::Retail => &["manufacturer", "distributor", "store", "consumer"],
        Sector::Marketing => &["ads", "traffic", "landing-page", "customer"],
        Sector::Other => &["supplier", "maker", "distributor", "customer"],
    }
}

/// Nodes per stage: `total` spread as evenly as possible, earlier stages first.
fn spread(total: usize, stages: usize) -> Vec<usize> {
    (0..stages)
        .map(|i| total / stages + usize::from(i < total % stages))
        .collect()
}

/// Node ids per stage: the stage name when alone, `name-1`, `name-2`… otherwise.
fn ids(names: &[&str], widths: &[usize]) -> Vec<Vec<String>> {
    names
        .iter()
        .zip(widths)
        .map(|(name, &w)| {
            if w == 1 {
                vec![name.to_string()]
            } else {
                (1..=w).map(|k| format!("{name}-{k}")).collect()
            }
        })
        .collect()
}

fn role(stage: usize, stages: usize) -> &'static str {
    if stage == 0 {
        "source"
    } else if stage + 1 == stages {
        "sink"
    } else {
        "relay"
    }
}

/// `total` split into `parts` integer capacities that sum to it exactly.
fn shares(total: u32, parts: usize) -> Vec<u32> {
    let p = parts as u32;
    (0..p)
        .map(|i| total / p + u32::from(i < total % p))
        .collect()
}

struct Built {
    toml: String,
}

fn node(out: &mut String, id: &str, role: &str, capacity: u32, note: &str) {
    let _ = writeln!(out, "[[topology.node]]");
    let _ = writeln!(out, "id = \"{id}\"");
    let _ = writeln!(out, "role = \"{role}\"");
    let _ = writeln!(out, "capacity = {capacity}  # {note}");
}

fn link(out: &mut String, from: &str, to: &str, both_ways: bool) {
    let _ = write!(out, "[[topology.link]]\nfrom = \"{from}\"\nto = \"{to}\"\n");
    if both_ways {
        out.push_str("both_ways = true\n");
    }
}

/// The chain topology: `n` firms in series, stage names on the way.
fn chain(names: &[&str], n: usize, capacity: u32) -> Built {
    // Source and sink keep one firm each; extra firms lengthen the middle stages.
    let middle = names.len() - 2;
    let mut widths = vec![1];
    widths.extend(spread(n - 2, middle));
    widths.push(1);
    let ids: Vec<String> = ids(names, &widths).into_iter().flatten().collect();
    let mut out = String::new();
    out.push_str(
        "\n# The reference: a linear chain. Every firm is a single point of failure —\n\
         # if any one of them stops, nothing reaches the customer.\n\
         [[topology]]\nid = \"chain\"\nlabel = \"Linear chain\"\n\n",
    );
    for (i, id) in ids.iter().enumerate() {
        let r = role(i, ids.len());
        let note = match r {
            "source" => "produces up to this much per step",
            "sink" => "demand: consumes up to this much per step",
            _ => "passes up to this much per step",
        };
        node(&mut out, id, r, capacity, note);
    }
    out.push('\n');
    for w in ids.windows(2) {
        link(&mut out, &w[0], &w[1], false);
    }
    Built { toml: out }
}

/// The ecosystem network (or mesh) of `n` nodes spread over the stages.
fn network(names: &[&str], n: usize, mesh: bool) -> Built {
    let widths = spread(n, names.len());
    let tiers = ids(names, &widths);
    let (id, label) = if mesh {
        ("mesh", "Ecosystem mesh")
    } else {
        ("network", "Ecosystem network")
    };
    let mut out = String::new();
    if mesh {
        out.push_str(
            "\n# The alternative: a mesh. Links work both ways (`both_ways = true`), partners\n\
             # in one stage back each other up, and some firms skip a stage to reach the next\n\
             # one directly — a decentralised ecosystem where no single firm is critical.\n",
        );
    } else {
        out.push_str(
            "\n# The alternative: an ecosystem network. Several firms per stage, each linked\n\
             # to several firms of the next stage, so flow can route around a failure.\n",
        );
    }
    let _ = write!(out, "[[topology]]\nid = \"{id}\"\nlabel = \"{label}\"\n\n");
    let last = tiers.len() - 1;
    for (s, tier) in tiers.iter().enumerate() {
        let _ = writeln!(out, "# Stage {}: {}", s + 1, names[s]);
        let caps = match role(s, tiers.len()) {
            // Sources together produce, and sinks together demand, what the chain carries.
            "source" | "sink" => shares(CHAIN_CAPACITY, tier.len()),
            // Every relay could carry the whole flow alone: spare capacity for rerouting.
            _ => vec![CHAIN_CAPACITY; tier.len()],
        };
        for (k, (nid, cap)) in tier.iter().zip(caps).enumerate() {
            let note = match (s, k) {
                (0, 0) => "sources share the chain's total output",
                (s, 0) if s == last => "sinks share the chain's total demand",
                (s, 0) if s != 0 && s != last => "each partner could carry the whole flow alone",
                _ => "",
            };
            if note.is_empty() {
                let _ = writeln!(
                    out,
                    "[[topology.node]]\nid = \"{nid}\"\nrole = \"{}\"\ncapacity = {cap}",
                    role(s, tiers.len())
                );
            } else {
                node(&mut out, nid, role(s, tiers.len()), cap, note);
            }
        }
        out.push('\n');
    }
    out.push_str("# Links: each firm supplies up to three firms of the next stage.\n");
    for s in 0..last {
        let (a, b) = (&tiers[s], &tiers[s + 1]);
        let fan = b.len().min(3);
        let mut fed = vec![false; b.len()];
        for (i, from) in a.iter().enumerate() {
            let start = i * b.len() / a.len();
            for k in 0..fan {
                let j = (start + k) % b.len();
                fed[j] = true;
                link(&mut out, from, &b[j], mesh);
            }
        }
        // Every firm of the next stage gets at least one supplier.
        for (j, to) in b.iter().enumerate() {
            if !fed[j] {
                link(&mut out, &a[j * a.len() / b.len()], to, mesh);
            }
        }
    }
    if mesh {
        out.push_str("\n# Partners within a stage (a ring of mutual backup).\n");
        for tier in tiers.iter().take(last).skip(1) {
            if tier.len() >= 2 {
                for k in 0..tier.len() {
                    let next = (k + 1) % tier.len();
                    if tier.len() == 2 && k == 1 {
                        break;
                    }
                    link(&mut out, &tier[k], &tier[next], true);
                }
            }
        }
        out.push_str(
            "\n# Cross-stage shortcuts: the first firm of a stage reaches two stages ahead.\n",
        );
        for s in 0..last.saturating_sub(1) {
            link(
                &mut out,
                &tiers[s][0],
                &tiers[s + 2][tiers[s + 2].len() - 1],
                true,
            );
        }
    }
    Built { toml: out }
}

/// Smallest `--nodes` for a sector: one firm per stage.
pub fn min_nodes(sector: Sector) -> usize {
    stages(sector).len()
}

/// Default `--nodes`: one firm per stage for `chain`, three per stage otherwise.
pub fn default_nodes(template: Template, sector: Sector) -> usize {
    match template {
        Template::Chain => min_nodes(sector),
        Template::Network | Template::Mesh => 3 * min_nodes(sector),
    }
}

/// The text of a new scenario called `name`.
///
/// `file` is the path shown in the comments' example commands.
pub fn render(name: &str, file: &str, template: Template, sector: Sector, nodes: usize) -> String {
    let names = stages(sector);
    // Comments end at a newline; the name field is a quoted TOML string.
    let file = file.replace(['\n', '\r'], " ");
    let quoted = serde_json::to_string(name).unwrap_or_else(|_| "\"scenario\"".to_string());
    let title = name.replace(['\n', '\r'], " ");
    let nodes = nodes.max(names.len());
    let what = match template {
        Template::Chain => "a linear chain",
        Template::Network => "a linear chain against an ecosystem network",
        Template::Mesh => "a linear chain against an ecosystem mesh",
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "# {title}: {what}.\n\
         # Written by `chainmesh new`. Edit freely, then:\n\
         #   chainmesh check {file}        validate and show baselines\n\
         #   chainmesh run {file}          compare the topologies (Monte Carlo)\n\
         #   chainmesh sweep {file}        attack tolerance: remove a growing share of firms\n\
         #\n\
         # Throughput = max flow from the sources (role = \"source\") to the sinks\n\
         # (role = \"sink\"); every node passes at most its `capacity` per step.\n\
         # Keep the topologies' baselines equal (`check` shows them) so their\n\
         # service levels compare like with like.\n\n\
         [scenario]\n\
         name = {quoted}\n\
         sector = \"{sector}\"   # agriculture, manufacturing, smart-city, retail, marketing or other\n\
         description = \"Started from the `{t}` template.\"\n\
         lesson = \"{lesson}\"\n\
         steps = 100            # steps per trial\n\
         trials = 1000          # Monte Carlo trials\n\
         seed = 1               # same seed, same results\n\
         service_level = 0.9    # a step counts as served when throughput >= 90% of baseline\n\
         # (`below` and `recovery` count a step at 67% the same as a step at 0%:\n\
         # read them next to `service` and `lost/step`, the units lost per step.)\n\n\
         # Values every node gets unless it sets its own.\n\
         [defaults]\n\
         failure_rate = 0.01    # chance an up node fails in a step\n\
         repair = {{ dist = \"geometric\", mean = 5 }}   # outage length: fixed, uniform or geometric\n\
         # Costs (optional; docs/model.md, section 1c): uncomment to put the designs'\n\
         # efficiency and their outages on one scale (money; `currency = \"NT$\"` in\n\
         # [scenario] names the unit). A link can have its own `unit_cost` too.\n\
         # fixed_cost = 20      # per step for keeping a node, up or down\n\
         # unit_cost = 5        # per unit passing through a node\n\
         # holding_cost = 0.5   # per unit of stock held at the end of a step\n\
         # lost_sale_cost = 60  # sinks only: per unit of demand not delivered\n\n\
         # A scripted shock (uncomment to use): at step 20 the highest-betweenness firm\n\
         # of every topology is down for 10 steps.\n\
         # [[shock]]\n\
         # at = 20\n\
         # select = \"betweenness\"   # random, degree, betweenness, sector or nodes\n\
         # count = 1\n\
         # duration = 10\n\
         # label = \"Key partner goes down\"\n\n\
         # A regional hazard (uncomment to use, and give some nodes `region = \"south\"`):\n\
         # it strikes at random steps, the same steps in every topology, and takes\n\
         # down the nodes of its region together. Backups in the same region are\n\
         # not backups when it strikes.\n\
         # [[hazard]]\n\
         # label = \"Typhoon\"\n\
         # region = \"south\"         # or regions = [\"south\", \"east\"]\n\
         # rate = 0.01              # chance per step that it strikes, in [0, 1)\n\
         # hit = 1.0                # chance each node of the region goes down, in [0, 1]\n\
         # duration = {{ dist = \"uniform\", min = 3, max = 10 }}   # omitted = the node's own repair\n\
         # start = 0                # optional window [start, end) in which it can strike\n\
         # end = 100\n",
        t = match template {
            Template::Chain => "chain",
            Template::Network => "network",
            Template::Mesh => "mesh",
        },
        lesson = match template {
            Template::Chain => {
                "What should a student look for? Write it here; check, run and the TUI show it."
            }
            Template::Network | Template::Mesh => {
                "Several firms per stage keep more of the baseline than the chain (higher service, \
fewer units lost per step) and the network rarely collapses, yet it can spend more steps below \
the 0.9 service level: losing one firm of a stage leaves it part-way, under 0.9 but far from 0, \
and `below` counts that step the same as the chain at 0%. Compare service and lost/step, not \
below alone. (Rewrite this for your students; check, run and the TUI show it.)"
            }
        },
    );
    match template {
        Template::Chain => out.push_str(&chain(names, nodes, CHAIN_CAPACITY).toml),
        Template::Network | Template::Mesh => {
            let net = network(names, nodes, template == Template::Mesh);
            // The chain carries exactly the network's baseline, so the two are equal.
            let baseline = Scenario::from_toml(name, &format!("{out}{}", net.toml))
                .ok()
                .and_then(|s| s.topologies.first().map(|t| FlowNetwork::new(t).baseline()))
                .map_or(CHAIN_CAPACITY, |b| b.round().max(1.0) as u32);
            out.push_str(&chain(names, names.len(), baseline).toml);
            out.push_str(&net.toml);
        }
    }
    out
}

/// `NAME` with `.toml` appended when it has no such extension.
pub fn file_name(name: &str) -> PathBuf {
    let p = Path::new(name);
    if p.extension().is_some_and(|e| e == "toml") {
        p.to_path_buf()
    } else {
        PathBuf::from(format!("{name}.toml"))
    }
}
