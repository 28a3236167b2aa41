//! Size limits checked on the raw text, before the TOML parser builds its
//! document tree (issue 14 item 12).
//!
//! The parser's tree costs about 50 bytes of memory per byte of a file of
//! nodes and links (a 44 MB file of 1,000,000 links took 2.1 GB), so a
//! limit checked after parsing protects nothing: a 256 MB file would take
//! 12 GB first. One linear pass over the bytes, allocating nothing, bounds
//! what the parser may be handed:
//!
//! - nodes per topology ([`MAX_NODES`]) and links per scenario
//!   ([`MAX_LINKS`]), counted by their `[[topology.node]]` /
//!   `[[topology.link]]` headers (file:line:col of the topology's header
//!   with its node count, or of the first link over the limit);
//! - TOML items ([`MAX_ITEMS`]): every value is introduced by `=`, `[`,
//!   `{` or `,`, so their count bounds the values of any file, headers or
//!   inline arrays alike, however it is written (an over-count inside
//!   strings only makes the bound safer). At `MAX_ITEMS` the parser's peak
//!   stays under about 3 GB.
//!
//! Within the limits, node and link entries are read one by one
//! ([`super::chunked`]), which keeps reading a file at about 10× its size.

use std::sync::Arc;

use super::InputError;

/// Largest accepted node count per topology.
pub const MAX_NODES: usize = 200_000;
/// Largest accepted outage or repair length in steps.
pub const MAX_REPAIR: i64 = 1_000_000;

/// Most links of one scenario, over all its topologies.
pub const MAX_LINKS: usize = 1_000_000;

/// Most TOML items (`=`, `[`, `{`, `,`) in a scenario file: four per link
/// written with a `[[topology.link]]` header, so [`MAX_LINKS`] such links
/// and their nodes fit.
pub const MAX_ITEMS: usize = 6_000_000;

/// Refuse `text` when it holds more nodes, links or items than the limits,
/// before anything is parsed.
pub fn prescan(origin: &str, source: &Arc<str>) -> Result<(), InputError> {
    let text: &str = source;
    let err = |at: usize, field: &str, message: String| {
        InputError::at(origin, source, at..at, field, message)
    };
    let bytes = text.as_bytes();
    let items = bytes
        .iter()
        .filter(|b| matches!(b, b'=' | b'[' | b'{' | b','))
        .count();
    if items > MAX_ITEMS {
        // Point at the first byte over the budget.
        let at = bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| matches!(b, b'=' | b'[' | b'{' | b','))
            .nth(MAX_ITEMS)
            .map_or(0, |(i, _)| i);
        return Err(err(
            at,
            "",
            format!(
                "the file has more than {MAX_ITEMS} TOML items (keys, array elements and tables); \
scenario files are limited so that reading them never takes gigabytes of memory"
            ),
        ));
    }
    let mut nodes = 0usize;
    let mut links = 0usize;
    // Where the current `[[topology]]` starts.
    let mut topology_at = 0usize;
    // A topology over the node limit: report it, with its count, once
    // its last node is counted (at the next `[[topology]]` or the end).
    let too_many = |at: usize, nodes: usize| {
        err(
            at,
            "topology.node",
            format!("this topology has {nodes} nodes; at most {MAX_NODES} are supported"),
        )
    };
    let mut in_string: Option<&str> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        // Multi-line strings: a header-looking line inside one is text.
        for quote in ["\"\"\"", "'''"] {
            let n = line.matches(quote).count();
            if n % 2 == 1 {
                in_string = match in_string {
                    None => Some(quote),
                    Some(q) if q == quote => None,
                    other => other,
                };
            }
        }
        if in_string.is_some() {
            continue;
        }
        let t = line.trim_start();
        if !t.starts_with("[[") {
            continue;
        }
        let Some(end) = t.find("]]") else {
            continue;
        };
        let name: String = t[2..end].chars().filter(|c| !c.is_whitespace()).collect();
        let at = start + (line.len() - t.len());
        match name.as_str() {
            "topology" => {
                if nodes > MAX_NODES {
                    return Err(too_many(topology_at, nodes));
                }
                nodes = 0;
                topology_at = at;
            }
            "topology.node" => nodes += 1,
            "topology.link" => {
                links += 1;
                if links > MAX_LINKS {
                    return Err(err(
                        at,
                        "topology.link",
                        format!(
                            "more than {MAX_LINKS} links in the scenario; at most {MAX_LINKS} are supported"
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    if nodes > MAX_NODES {
        return Err(too_many(topology_at, nodes));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prescan(origin: &str, text: &str) -> Result<(), InputError> {
        super::prescan(origin, &Arc::from(text))
    }

    #[test]
    fn node_and_link_limits_are_checked_before_parsing() {
        let mut text = String::from("[scenario]\nname = \"x\"\n[[topology]]\nid = \"g\"\n");
        for i in 0..=MAX_NODES {
            text.push_str(&format!("[[topology.node]]\nid = \"n{i}\"\n"));
        }
        let e = prescan("big.toml", &text).expect_err("too many nodes");
        let shown = e.to_string();
        assert!(
            shown.contains("has 200001 nodes; at most 200000"),
            "{shown}"
        );
        // At the topology's header.
        assert_eq!((e.line, e.column), (3, 1), "{shown}");

        // A second topology starts counting again.
        let two = "[[topology]]\n[[topology.node]]\n[[topology]]\n[[ topology . node ]]\n";
        assert!(prescan("two.toml", two).is_ok());

        // Headers inside a multi-line string are text.
        let mut quoted = String::from("description = \"\"\"\n");
        for _ in 0..=MAX_LINKS {
            quoted.push_str("[[topology.link]]\n");
        }
        quoted.push_str("\"\"\"\n");
        // (over the item budget? no: two `[` per line, 2,000,002 items)
        assert!(prescan("q.toml", &quoted).is_ok());
        let unquoted = quoted.replace("\"\"\"", "");
        let e = prescan("l.toml", &unquoted).expect_err("too many links");
        assert!(e.to_string().contains("more than 1000000 links"), "{e}");
    }

    #[test]
    fn the_item_budget_bounds_inline_arrays_too() {
        let text = format!("x = [{}]\n", "1,".repeat(MAX_ITEMS));
        let e = prescan("inline.toml", &text).expect_err("too many items");
        assert!(e.to_string().contains("TOML items"), "{e}");
        assert_eq!(e.line, 1);
        assert!(prescan("ok.toml", "x = [1, 2, 3]\n").is_ok());
    }
}
