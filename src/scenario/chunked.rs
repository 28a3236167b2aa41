//! Reading the node and link lists of a scenario entry by entry (issue 14
//! item 12: memory while parsing).
//!
//! The toml crate builds a document tree before deserialising: every table
//! is a `BTreeMap` node of about a kilobyte, so a file of `[[topology.node]]`
//! and `[[topology.link]]` entries took about 45 bytes of memory per byte of
//! file. [`parse_raw`] instead cuts the text at those two headers: each
//! entry's body is parsed as a small document of its own, deserialised into
//! its [`RawNode`] / [`RawLink`] at once (its tree freed), and its spans
//! moved to where the body sits in the file; the rest of the file (the
//! *skeleton*: the entries blanked out with spaces, newlines kept, so every
//! offset and line stays where it was) is parsed as before. The result is
//! the same `RawFile`, spans included, as parsing the whole file
//! (`tests/hostile.rs` compares the two on every built-in, fixture and bad
//! file).
//!
//! Only the plain shape is read this way: entries under a `[[topology]]`,
//! headers written exactly `[[topology.node]]` / `[[topology.link]]` (spaces
//! around the dots and a trailing comment allowed). Any other header whose
//! path starts with `topology.` (a sub-table of an entry, a quoted key), an
//! entry before the first `[[topology]]`, or a topology that also has an
//! inline `node = [...]` / `link = [...]` array returns `None`, and so does
//! any parse error: the caller then parses the whole file, so every error
//! message and position is exactly what it was.

use std::ops::Range;

use toml::Spanned;

use super::raw::{RawFile, RawLink, RawNode};

/// What a header line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Header {
    Node,
    Link,
    Topology,
    /// Any other table header (`[scenario]`, `[[shock]]`, …).
    Other,
}

/// One `[[topology.node]]` / `[[topology.link]]` entry.
struct Entry {
    kind: Header,
    /// Index of the `[[topology]]` it belongs to.
    topology: usize,
    /// The whole entry, header line included (blanked in the skeleton).
    whole: Range<usize>,
    /// The body after the header line.
    body: Range<usize>,
    /// The header itself, `[[` to `]]`: the entry's span.
    span: Range<usize>,
}

/// The `RawFile` of `text` read entry by entry, or `None` when the file is
/// not of the plain shape or does not parse (then parse it whole).
pub(super) fn parse_raw(text: &str) -> Option<RawFile> {
    let (entries, topologies) = entries(text)?;
    if entries.is_empty() {
        return None;
    }
    let mut skeleton = text.as_bytes().to_vec();
    for e in &entries {
        for b in &mut skeleton[e.whole.clone()] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    // Blanking whole lines keeps UTF-8 valid (only ASCII spaces replace them).
    let skeleton = String::from_utf8(skeleton).ok()?;
    let mut raw: RawFile = toml::from_str(&skeleton).ok()?;
    drop(skeleton);
    // Every entry belongs to the topology the scan counted it under: the
    // scan must have seen every `[[topology]]` the parser saw (a header the
    // scan took for string content would shift them all).
    if raw.topology.len() != topologies {
        return None;
    }
    let mut seen_nodes = vec![false; raw.topology.len()];
    let mut seen_links = vec![false; raw.topology.len()];
    for e in &entries {
        let topo = raw.topology.get_mut(e.topology)?.get_mut();
        let body = &text[e.body.clone()];
        let at = e.body.start;
        let span = e.span.clone();
        match e.kind {
            Header::Node => {
                // An inline `node = [...]` in the topology itself as well:
                // let the whole-file parse report it.
                if !seen_nodes[e.topology] && !topo.node.is_empty() {
                    return None;
                }
                seen_nodes[e.topology] = true;
                let node: RawNode = toml::from_str(body).ok()?;
                topo.node.push(Spanned::new(span, shift_node(node, at)));
            }
            Header::Link => {
                if !seen_links[e.topology] && !topo.link.is_empty() {
                    return None;
                }
                seen_links[e.topology] = true;
                let link: RawLink = toml::from_str(body).ok()?;
                topo.link.push(Spanned::new(span, shift_link(link, at)));
            }
            Header::Topology | Header::Other => unreachable!("only entries are listed"),
        }
    }
    Some(raw)
}

/// The entries of `text`, or `None` if a header is not of the plain shape.
fn entries(text: &str) -> Option<(Vec<Entry>, usize)> {
    let mut out: Vec<Entry> = Vec::new();
    let mut topologies = 0usize;
    // The open entry: (kind, topology, start of its header line, start of
    // its body, its header's span).
    let mut open: Option<(Header, usize, usize, usize, Range<usize>)> = None;
    let mut in_string: Option<&str> = None;
    let mut in_topology_body = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if let Some(delim) = in_string {
            if line.matches(delim).count() % 2 == 1 {
                in_string = None;
            }
            continue;
        }
        let trimmed = line.trim_start();
        // A `[[topology]]` body that writes `node`/`link` itself (`node =
        // []`, `link.x = …`) would clash with the entries the whole parse
        // sees and the skeleton does not: leave such a file to the whole parse.
        if in_topology_body && defines_entry_key(trimmed) {
            return None;
        }
        if !trimmed.starts_with('[') {
            // A multi-line string opened on this line (an odd count of its
            // delimiter) runs over the next lines: never read headers there.
            for delim in ["\"\"\"", "'''"] {
                if line.matches(delim).count() % 2 == 1 {
                    in_string = Some(delim);
                    break;
                }
            }
            continue;
        }
        let header = header(trimmed)?;
        // An entry's own span is its header, brackets to brackets (as the
        // whole-file parse gives it).
        let bracket = start + (line.len() - trimmed.len());
        let header_end = bracket + trimmed.find("]]").map_or(0, |i| i + 2);
        if let Some((kind, topology, whole, body, span)) = open.take() {
            out.push(Entry {
                kind,
                topology,
                whole: whole..start,
                body: body..start,
                span,
            });
        }
        in_topology_body = header == Header::Topology;
        match header {
            Header::Topology => topologies += 1,
            Header::Node | Header::Link => {
                if topologies == 0 {
                    return None;
                }
                open = Some((header, topologies - 1, start, offset, bracket..header_end));
            }
            Header::Other => {}
        }
    }
    if let Some((kind, topology, whole, body, span)) = open {
        out.push(Entry {
            kind,
            topology,
            whole: whole..text.len(),
            body: body..text.len(),
            span,
        });
    }
    Some((out, topologies))
}

/// Does `line` (trimmed at the start) set the key `node` or `link`, bare or
/// quoted, alone or as the start of a dotted key?
fn defines_entry_key(line: &str) -> bool {
    ["node", "link", "\"node\"", "\"link\"", "'node'", "'link'"]
        .iter()
        .any(|key| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(['=', '.']))
        })
}

/// What the header line `line` (trimmed at the start, beginning with `[`)
/// opens, or `None` if it is a header this reader leaves to the whole-file
/// parse.
fn header(line: &str) -> Option<Header> {
    let line = line.trim_end();
    // A trailing comment (no quotes are allowed in the headers read here).
    let line = match line.find('#') {
        Some(i) => line[..i].trim_end(),
        None => line,
    };
    let (double, inner) = if let Some(rest) = line.strip_prefix("[[") {
        (true, rest.strip_suffix("]]")?)
    } else {
        (false, line.strip_prefix('[')?.strip_suffix(']')?)
    };
    if inner.contains(['"', '\'', '[', ']']) {
        return None;
    }
    let path: Vec<&str> = inner.split('.').map(str::trim).collect();
    match (double, path.as_slice()) {
        (true, ["topology"]) => Some(Header::Topology),
        (true, ["topology", "node"]) => Some(Header::Node),
        (true, ["topology", "link"]) => Some(Header::Link),
        (_, ["topology", ..]) => None,
        _ => Some(Header::Other),
    }
}

fn shift<T>(s: Spanned<T>, by: usize) -> Spanned<T> {
    let span = s.span();
    Spanned::new(span.start + by..span.end + by, s.into_inner())
}

fn shift_opt<T>(s: Option<Spanned<T>>, by: usize) -> Option<Spanned<T>> {
    s.map(|s| shift(s, by))
}

/// `node` read from a body that starts at byte `by` of the file, with its
/// spans moved there.
fn shift_node(node: RawNode, by: usize) -> RawNode {
    RawNode {
        id: shift(node.id, by),
        role: shift_opt(node.role, by),
        capacity: shift_opt(node.capacity, by),
        failure_rate: shift_opt(node.failure_rate, by),
        repair: shift_opt(node.repair, by),
        product: shift_opt(node.product, by),
        needs: node.needs.map(|n| {
            let n = shift(n, by);
            let span = n.span();
            let parts = n
                .into_inner()
                .into_iter()
                .map(|(k, v)| (k, shift(v, by)))
                .collect();
            Spanned::new(span, parts)
        }),
        stock: shift_opt(node.stock, by),
        demand: shift_opt(node.demand, by),
        fixed_cost: shift_opt(node.fixed_cost, by),
        unit_cost: shift_opt(node.unit_cost, by),
        holding_cost: shift_opt(node.holding_cost, by),
        lost_sale_cost: shift_opt(node.lost_sale_cost, by),
        ..node
    }
}

/// `link` read from a body that starts at byte `by`, spans moved there.
fn shift_link(link: RawLink, by: usize) -> RawLink {
    RawLink {
        from: shift(link.from, by),
        to: shift(link.to, by),
        capacity: shift_opt(link.capacity, by),
        unit_cost: shift_opt(link.unit_cost, by),
        ..link
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole-file parse, the reference.
    fn whole(text: &str) -> Option<RawFile> {
        toml::from_str(text).ok()
    }

    /// Every scenario text the repository has: built-ins, fixtures, bad and
    /// hostile files (`tests/parse_memory.rs` reads generated networks).
    fn corpus() -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = super::super::builtin::BUILTINS
            .iter()
            .map(|b| (b.name.to_string(), b.text.to_string()))
            .collect();
        let root = env!("CARGO_MANIFEST_DIR");
        for dir in ["tests/fixtures", "tests/bad", "tests/hostile", "scenarios"] {
            let Ok(rd) = std::fs::read_dir(format!("{root}/{dir}")) else {
                continue;
            };
            let mut paths: Vec<_> = rd.flatten().map(|e| e.path()).collect();
            paths.sort();
            for p in paths {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    out.push((p.display().to_string(), text));
                }
            }
        }
        out
    }

    /// Entry by entry gives the same `RawFile`, every span included (Debug
    /// prints them), as the whole file; a file the whole parse refuses is
    /// never read entry by entry (so its error is the whole parse's).
    #[test]
    fn entry_by_entry_equals_the_whole_file() {
        let mut chunked = 0;
        for (name, text) in corpus() {
            match (parse_raw(&text), whole(&text)) {
                (Some(a), Some(b)) => {
                    chunked += 1;
                    let (a, b) = (format!("{a:?}"), format!("{b:?}"));
                    if a != b {
                        let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
                        let from = a.floor_char_boundary(at.saturating_sub(200));
                        let to = |s: &str| s.ceil_char_boundary((at + 200).min(s.len()));
                        panic!(
                            "{name}: entry by entry\n{}\nwhole\n{}",
                            &a[from..to(&a)],
                            &b[from..to(&b)]
                        );
                    }
                }
                (Some(_), None) => panic!("{name}: read entry by entry, refused whole"),
                (None, _) => {}
            }
        }
        assert!(
            chunked >= 10,
            "only {chunked} files were read entry by entry"
        );
    }

    /// Files written to break the scan: built-ins with tricky lines put in
    /// and lines taken out at random. Whenever the entry-by-entry read gives
    /// a result, the whole-file parse gives the same one.
    #[test]
    fn mutated_files_never_read_differently() {
        use proptest::prelude::*;
        const TRICKY: &[&str] = &[
            "\"\"\"",
            "'''",
            "x = \"\"\"",
            "label = \"it'''s\"",
            "[[topology.node]]",
            "[[topology.link]]",
            "[[topology]]",
            "  [[ topology . link ]]  # c",
            "[[topology.node]] # a node",
            "[topology.node.repair]",
            "[[\"topology\".node]]",
            "# [[topology]]",
            "id = \"extra\"",
            "from = \"a\"",
            "to = \"b\"",
            "node = []",
            "\"link\" = []",
            "node.x = 1",
            "topology = []",
            "[topology]",
            "[[topology.node.extra]]",
            "description = \"\"\"one\"\"\"",
            "[[shock]]",
            "[defaults]",
            "",
        ];
        let texts: Vec<String> = super::super::builtin::BUILTINS
            .iter()
            .map(|b| b.text.to_string())
            .collect();
        let edits = proptest::collection::vec(
            (any::<prop::sample::Index>(), 0..TRICKY.len(), any::<bool>()),
            1..6,
        );
        // A fixed seed: the same mutants on every run.
        let mut runner = proptest::test_runner::TestRunner::new_with_rng(
            ProptestConfig::with_cases(4000),
            proptest::test_runner::TestRng::deterministic_rng(
                proptest::test_runner::RngAlgorithm::ChaCha,
            ),
        );
        let (tried, read) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
        runner
            .run(&(0..texts.len(), edits), |(k, edits)| {
                let mut lines: Vec<String> = texts[k].lines().map(str::to_string).collect();
                for (at, tricky, insert) in edits {
                    let i = at.index(lines.len() + 1);
                    if insert || i == lines.len() {
                        lines.insert(i, TRICKY[tricky].to_string());
                    } else {
                        lines.remove(i);
                    }
                }
                let text = lines.join("\n");
                tried.set(tried.get() + 1);
                if let Some(a) = parse_raw(&text) {
                    read.set(read.get() + 1);
                    let b = whole(&text);
                    prop_assert!(b.is_some(), "read entry by entry, refused whole:\n{text}");
                    prop_assert_eq!(format!("{a:?}"), format!("{:?}", b.unwrap()));
                }
                Ok(())
            })
            .unwrap();
        // The property means something only if many mutants are read entry
        // by entry (the others fall back, or are not TOML at all).
        assert!(
            read.get() * 20 >= tried.get(),
            "only {} of {} mutants were read entry by entry",
            read.get(),
            tried.get()
        );
    }

    /// Shapes left to the whole-file parse.
    #[test]
    fn other_shapes_are_left_to_the_whole_parse() {
        let head = "[scenario]\nname = \"x\"\nsector = \"other\"\n[[topology]]\nid = \"a\"\n";
        for tail in [
            // A sub-table of an entry.
            "[[topology.node]]\nid = \"s\"\n[topology.node.repair]\ndist = \"fixed\"\nsteps = 2\n",
            // A quoted key in the header.
            "[[\"topology\".node]]\nid = \"s\"\n",
            // Inline array and entries in one topology.
            "node = [{ id = \"s\" }]\n[[topology.node]]\nid = \"t\"\n",
            // A parse error inside an entry.
            "[[topology.node]]\nid = \"s\"\nid = \"t\"\n",
        ] {
            assert!(parse_raw(&format!("{head}{tail}")).is_none(), "{tail}");
        }
        // A line the scan takes for the start of a multi-line string (one
        // `'''` inside a basic string) hides the second `[[topology]]`: the
        // entries would be counted under the first one, so the whole parse
        // reads the file.
        let text = format!(
            "{head}label = \"it\'\'\'s\"\n[[topology]]\nid = \"b\"\nlabel = \"x\'\'\'y\"\n[[topology.node]]\nid = \"t\"\n"
        );
        assert!(whole(&text).is_some(), "valid TOML");
        assert!(parse_raw(&text).is_none());
        // An entry before any topology.
        assert!(parse_raw("[[topology.node]]\nid = \"s\"\n").is_none());
        // A header inside a multi-line string is not a header.
        let text = format!(
            "{head}description = \"\"\"\n[[topology.link]]\n\"\"\"\n[[topology.node]]\nid = \"s\"\n"
        );
        let a = parse_raw(&text).expect("plain shape");
        assert_eq!(
            format!("{a:?}"),
            format!("{:?}", whole(&text).expect("valid"))
        );
    }
}
