//! The module graph has no import circles, between top-level modules and
//! between files; the core never names the command line or the terminal;
//! the two fronts (`cli`, `tui`) never import each other; `network` knows
//! no stock (issues "One house" and "One home for what a step means").
//!
//! Reads every `src/**/*.rs`, takes each `crate::a::b` path it names (in `use`
//! items and in code) and draws an arrow from the file's top-level module
//! (or, inside `src/tui` and `src/cli`, its second-level module) to the named
//! one. Comments are skipped, so doc links do not count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules that must not import `cli`, `tui`, `front` or clap.
const CORE: [&str; 13] = [
    "scenario", "network", "model", "sim", "metrics", "stats", "compose", "sweep", "price",
    "report", "handout", "lang", "import",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/sim/engine.rs` → ["sim", "engine"]; `src/sim/mod.rs` → ["sim"].
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|l| l == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file without `//` comments.
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::x` / `crate::x::y` named in `code`, plus `use crate::x::{y, z}` groups.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    paths_after(code, "crate::", &[])
}

/// Every module named through `super::` in the code of module `module`,
/// as an absolute path (`super::super::app` in `tui::render::chart` → `tui::app`).
fn super_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("super::") {
        let before_ok = rest[..i]
            .chars()
            .last()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'));
        let mut tail = &rest[i..];
        let mut up = 0;
        while let Some(t) = tail.strip_prefix("super::") {
            up += 1;
            tail = t;
        }
        if before_ok && up <= module.len() {
            let base = &module[..module.len() - up];
            for p in paths_after(&format!("crate::{}", head_of(tail)), "crate::", base) {
                found.push(p);
            }
        }
        rest = tail;
    }
    found
}

/// The first path expression of `s`: up to the end of a `{…}` group or the
/// first character that cannot continue a path.
fn head_of(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => {
                depth -= 1;
                out.push(c);
                if depth == 0 {
                    break;
                }
                continue;
            }
            _ => {}
        }
        if depth == 0 && !(c.is_alphanumeric() || c == '_' || c == ':') {
            break;
        }
        out.push(c);
    }
    out
}

/// Paths after each `marker` in `code`, prefixed by `base`.
fn paths_after(code: &str, marker: &str, base: &[String]) -> Vec<Vec<String>> {
    let prefix = |mut v: Vec<String>| {
        let mut p = base.to_vec();
        p.append(&mut v);
        p
    };
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(marker) {
        let tail = &rest[i + marker.len()..];
        let ident = |s: &str| {
            s.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        };
        let first = ident(tail);
        let after = &tail[first.len()..];
        if first.is_empty() {
            // `super::{a, b}`: a group right after the prefix.
            if let Some(group) = after.strip_prefix('{') {
                let inner: String = group.chars().take_while(|&c| c != '}').collect();
                for item in inner.split(',') {
                    found.push(prefix(vec![ident(item.trim())]));
                }
            }
        } else if let Some(group) = after.strip_prefix("::{") {
            let inner: String = group.chars().take_while(|&c| c != '}').collect();
            for item in inner.split(',') {
                let second = ident(item.trim());
                found.push(prefix(vec![first.clone(), second]));
            }
        } else if let Some(more) = after.strip_prefix("::") {
            found.push(prefix(vec![first.clone(), ident(more)]));
        } else {
            found.push(prefix(vec![first.clone()]));
        }
        rest = &tail[first.len()..];
    }
    found
}

/// The node a module path belongs to in the graph: its top-level module, or
/// `tui::x` / `cli::x` for the fronts' own modules (`modules` lists every
/// module that has a file; `cli::CliError` is an item of `cli`, not a module).
fn node(path: &[String], modules: &BTreeSet<Vec<String>>) -> String {
    match path {
        [top, second, ..]
            if (top == "tui" || top == "cli")
                && modules.contains(&vec![top.clone(), second.clone()]) =>
        {
            format!("{top}::{second}")
        }
        [top, ..] => top.clone(),
        [] => "lib".to_string(),
    }
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_path(&src, f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let from_path = module_path(&src, &f);
        if from_path.first().is_some_and(|m| m == "main") {
            continue;
        }
        let from = node(&from_path, &modules);
        let text = std::fs::read_to_string(&f).expect("read");
        let entry = edges.entry(from.clone()).or_default();
        let code = code(&text);
        let named = crate_paths(&code)
            .into_iter()
            .chain(super_paths(&code, &from_path));
        for p in named {
            let to = node(&p, &modules);
            // `tui::x` and `cli::x` files naming their own front's top module
            // (re-exports in mod.rs) point at that module's node.
            if to != from && p.first().is_some_and(|m| !m.is_empty()) {
                entry.insert(to);
            }
        }
    }
    edges
}

/// The file a module path belongs to: the longest prefix of `path` that is
/// a module with a file (`scenario::limits::MAX_NODES` → `scenario::limits`).
fn file_node(path: &[String], modules: &BTreeSet<Vec<String>>) -> String {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| modules.contains(p))
        .map(|p| p.join("::"))
        .unwrap_or_else(|| "lib".to_string())
}

/// Arrows between files. A module's arrows to its own submodules (a
/// `mod.rs` declaring and re-exporting them) are declarations, not
/// dependencies, and are left out; every other arrow counts.
fn file_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_path(&src, f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let from_path = module_path(&src, &f);
        if from_path.first().is_some_and(|m| m == "main" || m == "lib") {
            continue;
        }
        let from = from_path.join("::");
        let text = std::fs::read_to_string(&f).expect("read");
        let code = code(&text);
        let entry = edges.entry(from.clone()).or_default();
        for p in crate_paths(&code)
            .into_iter()
            .chain(super_paths(&code, &from_path))
        {
            let to = file_node(&p, &modules);
            let declared = to.starts_with(&format!("{from}::"));
            if to != from && to != "lib" && !declared {
                entry.insert(to);
            }
        }
    }
    edges
}

/// Arrows from one front to the other (`cli` ↔ `tui`).
fn front_crossings(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    fn front(m: &str) -> Option<&str> {
        m.split("::").next().filter(|t| *t == "cli" || *t == "tui")
    }
    let mut bad = Vec::new();
    for (from, tos) in edges {
        for to in tos {
            if let (Some(a), Some(b)) = (front(from), front(to))
                && a != b
            {
                bad.push(format!("{from} → {to}"));
            }
        }
    }
    bad
}

/// A cycle in `edges`, if any (depth-first search with colours).
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|s| s == m).expect("on stack");
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(n, edges, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_module_graph_has_no_circles() {
    let g = graph();
    // Each front's mod.rs re-exports its own files: fold `tui`/`cli` into
    // their files' nodes only for the arrows that leave the front.
    let mut folded: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in &g {
        for to in tos {
            let same_front = |a: &str, b: &str| a.split("::").next() == b.split("::").next();
            if (from == "tui" || from == "cli") && same_front(from, to) {
                continue;
            }
            folded.entry(from.clone()).or_default().insert(to.clone());
        }
    }
    let edges: usize = folded.values().map(BTreeSet::len).sum();
    assert!(
        edges > 20,
        "suspiciously few arrows ({edges}): is the parser broken?"
    );
    if let Some(c) = find_cycle(&folded) {
        panic!("import circle: {}", c.join(" → "));
    }
}

#[test]
fn no_two_files_import_each_other_round_a_circle() {
    let g = file_graph();
    let edges: usize = g.values().map(BTreeSet::len).sum();
    assert!(
        edges > 100,
        "suspiciously few arrows ({edges}): is the parser broken?"
    );
    if let Some(c) = find_cycle(&g) {
        panic!("import circle between files: {}", c.join(" → "));
    }
}

#[test]
fn the_fronts_never_import_each_other() {
    let bad = front_crossings(&file_graph());
    assert!(
        bad.is_empty(),
        "cli and tui import each other:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_core_never_names_the_command_line_or_the_terminal() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut bad = Vec::new();
    for f in files {
        let path = module_path(&src, &f);
        if !path.first().is_some_and(|m| CORE.contains(&m.as_str())) {
            continue;
        }
        let text = code(&std::fs::read_to_string(&f).expect("read"));
        for p in crate_paths(&text) {
            if p[0] == "cli" || p[0] == "tui" || p[0] == "front" {
                bad.push(format!("{} names crate::{}", f.display(), p.join("::")));
            }
        }
        for word in [
            "clap::",
            "ratatui::",
            "crossterm::",
            "indicatif::",
            "ctrlc::",
            "signal_hook::",
        ] {
            if text.contains(word) {
                bad.push(format!("{} uses {word}", f.display()));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Words of the stock and the step's later stages that `network`'s code
/// (comments skipped) must not use: it holds pure solvers that know no time
/// and no stock; the stock solvers live in `model::stock` (issue 21, "One
/// home for what a step means").
const STOCK_WORDS: [&str; 4] = ["stock", "inventory", "crate::model", "crate::sim"];

/// The words of [`STOCK_WORDS`] that `code` (already without comments) uses,
/// case-insensitively.
fn stock_words(code: &str) -> Vec<&'static str> {
    let lower = code.to_lowercase();
    STOCK_WORDS
        .into_iter()
        .filter(|w| lower.contains(w))
        .collect()
}

#[test]
fn the_network_knows_no_stock() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join("network"), &mut files);
    assert!(
        files.len() >= 5,
        "suspiciously few files under src/network ({}): is the walk broken?",
        files.len()
    );
    let mut bad = Vec::new();
    for f in files {
        let text = code(&std::fs::read_to_string(&f).expect("read"));
        for w in stock_words(&text) {
            bad.push(format!("{} uses {w:?}", f.display()));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_checker_sees_a_planted_circle() {
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    g.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let module = ["tui".to_string(), "render".to_string(), "chart".to_string()];
    assert_eq!(
        super_paths("use super::super::app::{App, Mode};", &module),
        vec![
            vec!["tui".to_string(), "app".to_string(), "App".to_string()],
            vec!["tui".to_string(), "app".to_string(), "Mode".to_string()],
        ]
    );
    assert_eq!(
        crate_paths("use crate::sim::{Prepared, rng};\nlet x = crate::report::csv_field(y);"),
        vec![
            vec!["sim".to_string(), "Prepared".to_string()],
            vec!["sim".to_string(), "rng".to_string()],
            vec!["report".to_string(), "csv_field".to_string()],
        ]
    );
}

#[test]
fn the_checkers_see_planted_violations() {
    // A file-level circle through a module's submodule (the shape of the
    // old scenario::raw ↔ scenario::validate) and a front crossing.
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.insert(
        "scenario::raw".into(),
        BTreeSet::from(["scenario::validate".into()]),
    );
    g.insert(
        "scenario::validate".into(),
        BTreeSet::from(["scenario::raw".into()]),
    );
    g.insert(
        "tui::app".into(),
        BTreeSet::from(["cli::command".into(), "front::output".into()]),
    );
    assert!(find_cycle(&g).is_some());
    assert_eq!(
        front_crossings(&g),
        vec!["tui::app → cli::command".to_string()]
    );
    let modules: BTreeSet<Vec<String>> = [
        vec!["scenario".to_string()],
        vec!["scenario".to_string(), "limits".to_string()],
    ]
    .into_iter()
    .collect();
    let p: Vec<String> = ["scenario", "limits", "MAX_NODES"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(file_node(&p, &modules), "scenario::limits");
    let p: Vec<String> = ["scenario", "Scenario"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(file_node(&p, &modules), "scenario");
    // Stock in network's code, but not in its comments.
    let planted = code("let max = topo.nodes[v].stock.max; // stock\nuse crate::model::StockStep;");
    assert_eq!(stock_words(&planted), vec!["stock", "crate::model"]);
    assert!(stock_words(&code("let f = net.max_flow(&down, s); // no stock here")).is_empty());
}

/// `cargo test --test layers -- --ignored --nocapture`: the graph, for the docs.
#[test]
#[ignore]
fn print_the_module_graph() {
    let g = graph();
    let arrows: usize = g.values().map(BTreeSet::len).sum();
    println!("{} modules, {arrows} arrows", g.len());
    for (from, tos) in &g {
        let tos: Vec<&str> = tos.iter().map(String::as_str).collect();
        println!("{from} → {}", tos.join(", "));
    }
}

/// `cargo test --test layers -- --ignored --nocapture print_the_file_graph`:
/// files, arrows between them and circles, for the docs.
#[test]
#[ignore]
fn print_the_file_graph() {
    let g = file_graph();
    let arrows: usize = g.values().map(BTreeSet::len).sum();
    let crossings = front_crossings(&g);
    println!(
        "{} files, {arrows} arrows, circle: {:?}, cli/tui crossings: {}",
        g.len(),
        find_cycle(&g),
        crossings.len()
    );
}
