//! A checked [`Network`] → commented scenario TOML.
//!
//! Every string from the file is written as an escaped TOML basic string and
//! every comment has its control characters replaced, so no file content can
//! add keys or tables. Floats are written so that they read back bit for bit.

use std::fmt::Write as _;

use super::model::{LinkSpec, Network, NodeSpec, ShockSpec};
use super::roles::RoleOrigin;
use crate::scenario::{Repair, Role};

/// Write `product` and `needs` as scenario keys (the bill of materials).
pub const EMIT_PRODUCT_NEEDS: bool = true;
/// Write `stock` (and `demand`) as scenario keys.
pub const EMIT_STOCK: bool = true;

/// What to write besides the network itself.
#[derive(Debug, Clone)]
pub struct Layout<'a> {
    /// `[scenario] name`.
    pub name: &'a str,
    /// Role of every node and why (from [`super::roles::infer`]).
    pub roles: &'a [(Role, RoleOrigin)],
    /// The chain of `--chain longest` and the network's baseline.
    pub chain: Option<(&'a super::chain::Chain, f64)>,
}

/// `s` as a TOML basic string, quotes included.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Controls, bidi characters, separators and noncharacters as
            // escapes: the same text read back, inert on a terminal.
            c if crate::report::escape::is_unsafe(c) && u32::from(c) > 0xFFFF => {
                let _ = write!(out, "\\U{:08X}", u32::from(c));
            }
            c if crate::report::escape::is_unsafe(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A finite float as TOML that reads back as the same f64.
pub fn toml_float(x: f64) -> String {
    // Debug prints the shortest text that round-trips, and always with a '.'
    // or an exponent (`100.0`, `1e-7`), which TOML reads as a float.
    format!("{x:?}")
}

/// Text safe inside a `#` comment: one line, no control, bidi or
/// noncharacter ([`crate::report::escape::is_unsafe`]).
pub fn comment_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            if crate::report::escape::is_unsafe(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn repair_toml(r: &Repair) -> String {
    match r {
        Repair::Fixed { steps } => format!("{{ dist = \"fixed\", steps = {steps} }}"),
        Repair::Uniform { min, max } => {
            format!("{{ dist = \"uniform\", min = {min}, max = {max} }}")
        }
        Repair::Geometric { mean } => {
            format!("{{ dist = \"geometric\", mean = {} }}", toml_float(*mean))
        }
    }
}

/// The bill-of-materials lines of a node: keys when the scenario format has
/// them ([`EMIT_PRODUCT_NEEDS`], [`EMIT_STOCK`]), comments otherwise.
pub fn bom_lines(node: &NodeSpec) -> Vec<String> {
    let mut lines = Vec::new();
    let key = |on: bool, line: String| {
        if on {
            line
        } else {
            format!(
                "# {} (not a scenario field in this version)",
                comment_text(&line)
            )
        }
    };
    if let Some(p) = &node.product {
        lines.push(key(
            EMIT_PRODUCT_NEEDS,
            format!("product = {}", toml_string(p)),
        ));
    }
    if !node.needs.is_empty() {
        let parts: Vec<String> = node
            .needs
            .iter()
            .map(|(k, v)| format!("{} = {}", toml_string(k), toml_float(*v)))
            .collect();
        lines.push(key(
            EMIT_PRODUCT_NEEDS,
            format!("needs = {{ {} }}", parts.join(", ")),
        ));
    }
    match (node.stock, node.stock_initial) {
        (Some(max), Some(initial)) if initial != max => lines.push(key(
            EMIT_STOCK,
            format!(
                "stock = {{ max = {}, initial = {} }}",
                toml_float(max),
                toml_float(initial)
            ),
        )),
        (Some(max), _) => lines.push(key(EMIT_STOCK, format!("stock = {}", toml_float(max)))),
        (None, Some(initial)) => {
            lines.push(key(EMIT_STOCK, format!("stock = {}", toml_float(initial))))
        }
        (None, None) => {}
    }
    if let Some(d) = node.demand {
        lines.push(key(EMIT_STOCK, format!("demand = {}", toml_float(d))));
    }
    lines
}

fn extra_comment(out: &mut String, extra: &[(String, String)]) {
    if extra.is_empty() {
        return;
    }
    let parts: Vec<String> = extra
        .iter()
        .map(|(k, v)| format!("{} = {}", comment_text(k), comment_text(v)))
        .collect();
    let _ = writeln!(
        out,
        "# from the file, no scenario field: {}",
        parts.join("; ")
    );
}

fn node_block(
    out: &mut String,
    node: &NodeSpec,
    role: Role,
    note: Option<&str>,
    capacity: Option<f64>,
) {
    out.push('\n');
    if let Some(n) = note {
        let _ = writeln!(out, "# {n}");
    }
    if let Some(o) = &node.original_id {
        let _ = writeln!(out, "# id in the file: {}", comment_text(o));
    }
    extra_comment(out, &node.extra);
    out.push_str("[[topology.node]]\n");
    let _ = writeln!(out, "id = {}", toml_string(&node.id));
    if let Some(l) = node.label.as_deref().filter(|l| *l != node.id) {
        let _ = writeln!(out, "label = {}", toml_string(l));
    }
    if let Some(l) = &node.label_zh {
        let _ = writeln!(out, "label_zh = {}", toml_string(l));
    }
    let _ = writeln!(out, "role = \"{}\"", role.as_str());
    if let Some(s) = &node.sector {
        let _ = writeln!(out, "sector = {}", toml_string(s));
    }
    if let Some(r) = &node.region {
        let _ = writeln!(out, "region = {}", toml_string(r));
    }
    if let Some(c) = capacity {
        let _ = writeln!(out, "capacity = {}", toml_float(c));
    }
    if let Some(p) = node.failure_rate {
        let _ = writeln!(out, "failure_rate = {}", toml_float(p));
    }
    if let Some(r) = &node.repair {
        let _ = writeln!(out, "repair = {}", repair_toml(r));
    }
    for line in bom_lines(node) {
        let _ = writeln!(out, "{line}");
    }
    for (key, x) in &node.costs {
        let _ = writeln!(out, "{key} = {}", toml_float(*x));
    }
}

fn link_block(out: &mut String, nodes: &[NodeSpec], l: &LinkSpec) {
    out.push('\n');
    extra_comment(out, &l.extra);
    out.push_str("[[topology.link]]\n");
    let _ = writeln!(out, "from = {}", toml_string(&nodes[l.from].id));
    let _ = writeln!(out, "to = {}", toml_string(&nodes[l.to].id));
    if let Some(c) = l.capacity {
        let _ = writeln!(out, "capacity = {}", toml_float(c));
    }
    if l.both_ways {
        out.push_str("both_ways = true\n");
    }
    if let Some(c) = l.unit_cost {
        let _ = writeln!(out, "unit_cost = {}", toml_float(c));
    }
}

/// One `[[shock]]` table, keys in the scenario format's order. Values are
/// written as given; the scenario parser checks their meaning.
fn shock_block(out: &mut String, s: &ShockSpec) {
    out.push_str("\n[[shock]]\n");
    let _ = writeln!(out, "at = {}", s.at);
    let _ = writeln!(out, "select = {}", toml_string(&s.select));
    if let Some(c) = s.count {
        let _ = writeln!(out, "count = {c}");
    }
    if let Some(f) = s.fraction {
        let _ = writeln!(out, "fraction = {}", toml_float(f));
    }
    if let Some(sector) = &s.sector {
        let _ = writeln!(out, "sector = {}", toml_string(sector));
    }
    if let Some(ids) = &s.nodes {
        let ids: Vec<String> = ids.iter().map(|i| toml_string(i)).collect();
        let _ = writeln!(out, "nodes = [{}]", ids.join(", "));
    }
    if let Some(d) = s.duration {
        let _ = writeln!(out, "duration = {d}");
    }
    if let Some(l) = &s.label {
        let _ = writeln!(out, "label = {}", toml_string(l));
    }
}

/// One `[[hazard]]` table, keys in the scenario format's order. Values are
/// written as given; the scenario parser checks their meaning.
fn hazard_block(out: &mut String, h: &super::model::HazardSpec) {
    out.push_str("\n[[hazard]]\n");
    if let Some(l) = &h.label {
        let _ = writeln!(out, "label = {}", toml_string(l));
    }
    if let Some(r) = &h.region {
        let _ = writeln!(out, "region = {}", toml_string(r));
    }
    if let Some(rs) = &h.regions {
        let rs: Vec<String> = rs.iter().map(|r| toml_string(r)).collect();
        let _ = writeln!(out, "regions = [{}]", rs.join(", "));
    }
    let _ = writeln!(out, "rate = {}", toml_float(h.rate));
    if let Some(x) = h.hit {
        let _ = writeln!(out, "hit = {}", toml_float(x));
    }
    if let Some(d) = &h.duration {
        let _ = writeln!(out, "duration = {}", toml_inline(d));
    }
    if let Some(x) = h.start {
        let _ = writeln!(out, "start = {x}");
    }
    if let Some(x) = h.end {
        let _ = writeln!(out, "end = {x}");
    }
}

/// A JSON scalar or flat object as a TOML value (`{ dist = "uniform", max = 12, min = 5 }`).
fn toml_inline(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::String(s) => toml_string(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    let bare = !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    let key = if bare { k.clone() } else { toml_string(k) };
                    format!("{key} = {}", toml_inline(v))
                })
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(toml_inline).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Null => "\"\"".to_string(),
    }
}

/// The id of the network topology, and of the chain (never the same).
pub fn topology_ids(net: &Network) -> (String, String) {
    let id = net
        .settings
        .topology_id
        .clone()
        .unwrap_or_else(|| "network".into());
    let chain = if id == "chain" {
        "longest-chain".to_string()
    } else {
        "chain".to_string()
    };
    (id, chain)
}

/// `1 sink`, `2 sinks`, `0 sinks`.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The whole scenario file.
pub fn render(net: &Network, layout: &Layout<'_>) -> String {
    let mut out = String::new();
    let roles = layout.roles;
    let count = |o: RoleOrigin| roles.iter().filter(|(_, x)| *x == o).count();
    let _ = writeln!(
        out,
        "# Imported by `chainmesh import` from {}.",
        comment_text(&net.origins.join(", "))
    );
    let _ = writeln!(
        out,
        "# {}, {}. Check it with `chainmesh check`; edit freely.",
        counted(net.nodes.len(), "node", "nodes"),
        counted(net.links.len(), "link", "links")
    );
    out.push_str("#\n");
    let _ = writeln!(
        out,
        "# Roles: {} given in the file; inferred from the links: {} (no inputs), {} (no outputs), {}, {}.",
        count(RoleOrigin::Given),
        counted(count(RoleOrigin::NoInputs), "source", "sources"),
        counted(count(RoleOrigin::NoOutputs), "sink", "sinks"),
        counted(count(RoleOrigin::Through), "relay", "relays"),
        counted(
            count(RoleOrigin::Isolated),
            "unlinked relay",
            "unlinked relays"
        )
    );
    out.push_str("# Each inferred role is marked above its node. Values not given in the file\n");
    out.push_str("# come from [defaults] (capacity 100, failure_rate 0.01, repair fixed 5).\n");
    for n in &net.notes {
        let _ = writeln!(out, "# Note: {}", comment_text(n));
    }
    out.push_str("\n[scenario]\n");
    let _ = writeln!(out, "name = {}", toml_string(layout.name));
    out.push_str("sector = \"other\"\n");
    let s = &net.settings;
    if let Some(v) = s.steps {
        let _ = writeln!(out, "steps = {v}");
    }
    if let Some(v) = s.trials {
        let _ = writeln!(out, "trials = {v}");
    }
    if let Some(v) = s.seed {
        let _ = writeln!(out, "seed = {v}");
    }
    if let Some(c) = &s.currency {
        let _ = writeln!(out, "currency = {}", toml_string(c));
    }
    if let Some(v) = s.service_level {
        let _ = writeln!(out, "service_level = {}", toml_float(v));
    }
    if !s.shocks.is_empty() {
        out.push_str("\n# Scripted shocks, from the file's `shocks` attribute.\n");
    }
    for shock in &s.shocks {
        shock_block(&mut out, shock);
    }
    if !s.hazards.is_empty() {
        out.push_str("\n# Regional hazards, from the file's `hazards` attribute.\n");
    }
    for h in &s.hazards {
        hazard_block(&mut out, h);
    }

    let (id, chain_id) = topology_ids(net);
    out.push_str("\n[[topology]]\n");
    let _ = writeln!(out, "id = {}", toml_string(&id));
    let label = s
        .topology_label
        .clone()
        .unwrap_or_else(|| format!("Imported network ({})", net.origins.join(", ")));
    let _ = writeln!(out, "label = {}", toml_string(&label));
    for (node, (role, origin)) in net.nodes.iter().zip(roles) {
        node_block(&mut out, node, *role, origin.comment(), node.capacity);
    }
    for l in &net.links {
        link_block(&mut out, &net.nodes, l);
    }

    if let Some((chain, baseline)) = layout.chain {
        out.push_str(
            "\n# The longest source -> sink path of the network above, as a linear chain with\n",
        );
        let _ = writeln!(
            out,
            "# the same baseline: every stage passes {} units per step (the network's baseline),",
            toml_float(baseline)
        );
        out.push_str(
            "# links are unlimited; failure rates, repairs and sectors are the firms' own.\n",
        );
        if chain.nodes.len() > chain.stages {
            out.push_str(
                "# The path's assemblers need parts it does not bring: one supplier per part\n\
# (and its own inputs back to a source) is taken from the network, first in file\n\
# order; a part maker passes as many units as the baseline takes of its part.\n",
            );
        }
        out.push_str("[[topology]]\n");
        let _ = writeln!(out, "id = {}", toml_string(&chain_id));
        let _ = writeln!(
            out,
            "label = {}",
            toml_string(&format!("Longest chain ({} stages)", chain.stages))
        );
        for (k, &(i, role, capacity)) in chain.nodes.iter().enumerate() {
            let note =
                (k == chain.stages).then_some("suppliers of the parts the path does not bring");
            node_block(&mut out, &net.nodes[i], role, note, Some(capacity));
        }
        for &(from, to) in &chain.links {
            let l = LinkSpec {
                from,
                to,
                ..LinkSpec::default()
            };
            link_block(&mut out, &net.nodes, &l);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(serde::Deserialize)]
    struct Doc {
        s: String,
        x: f64,
    }

    proptest! {
        #[test]
        fn strings_and_floats_read_back_exactly(s in any::<String>(), x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
            let text = format!("s = {}\nx = {}\n", toml_string(&s), toml_float(x));
            let doc: Doc = toml::from_str(&text).expect("valid TOML");
            prop_assert_eq!(doc.s, s);
            prop_assert_eq!(doc.x.to_bits(), x.to_bits());
        }

        #[test]
        fn comments_stay_on_one_line(s in any::<String>()) {
            let text = format!("# {}\nx = 1.0\ns = \"\"\n", comment_text(&s));
            let doc: Doc = toml::from_str(&text).expect("a comment cannot break the file");
            prop_assert_eq!(doc.x, 1.0);
        }
    }
}
