//! `o`: the scenario picker's list — the built-in library, then every
//! `*.toml` of a folder (the current one) that looks like a scenario (a line
//! `[scenario]`), each parsed and validated so the list shows what a file is,
//! or why it will not open. Other `*.toml` files (`Cargo.toml`, …) are
//! skipped and counted. [`Picker`] holds the list while it is open.

use std::path::{Path, PathBuf};

use super::mode::{Mode, step};
use crate::scenario::{Scenario, builtin};

/// Files larger than this are listed without a preview (parsed when opened).
pub const PREVIEW_MAX_BYTES: u64 = 1 << 20;
/// At most this many files of the folder are listed.
pub const MAX_FILES: usize = 200;

/// Where an entry comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A scenario compiled into the binary, by name.
    Builtin(&'static str),
    /// A file of the folder.
    File(PathBuf),
}

/// One row of the picker.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Where it comes from.
    pub source: Source,
    /// What `chainmesh tui ARG` would open (built-in name or path), for the
    /// reproduce command.
    pub arg: String,
    /// The validated scenario; the error's first line when it does not
    /// validate; `Ok(None)` when too big to preview.
    pub scenario: Result<Option<Scenario>, String>,
}

impl Entry {
    /// The scenario, parsed now if it was too big to preview.
    pub fn load(&self) -> Result<Scenario, String> {
        match (&self.scenario, &self.source) {
            (Ok(Some(s)), _) => Ok(s.clone()),
            (Err(e), _) => Err(e.clone()),
            (Ok(None), Source::File(p)) => Scenario::from_path(p).map_err(|e| first_line(&e)),
            (Ok(None), Source::Builtin(name)) => Err(format!("no built-in {name}")),
        }
    }
}

/// The picker's state: the list and where it comes from.
///
/// Invariant: `entries` and `skipped` are what [`entries`] found when the
/// picker was last opened (empty before).
#[derive(Debug, Clone)]
pub struct Picker {
    /// The picker's entries (loaded when `o` opens it).
    pub entries: Vec<Entry>,
    /// How many `*.toml` files of the folder the picker skipped (no
    /// `[scenario]` table).
    pub skipped: usize,
    /// The folder whose `*.toml` files the picker lists.
    pub dir: PathBuf,
}

impl Default for Picker {
    fn default() -> Self {
        Picker {
            entries: Vec::new(),
            skipped: 0,
            dir: PathBuf::from("."),
        }
    }
}

impl Picker {
    /// `o`: list the folder again; the mode with the scenario on screen
    /// (opened as `current`) highlighted, else the first entry.
    pub fn open(&mut self, current: &str) -> Mode {
        (self.entries, self.skipped) = entries(&self.dir);
        let at = self
            .entries
            .iter()
            .position(|e| e.arg == current)
            .unwrap_or(0);
        Mode::Picker { selected: at }
    }

    /// ↑↓, PgUp/PgDn: move the highlight by `d` rows.
    pub fn scroll(&self, selected: &mut usize, d: i32) {
        *selected = step(*selected, self.entries.len(), d);
    }

    /// Enter on entry `selected`: its scenario and argument, or why it
    /// does not open (`None`: no such entry).
    pub fn submit(&self, selected: usize) -> Option<Result<(Scenario, String), String>> {
        let entry = self.entries.get(selected)?;
        Some(entry.load().map(|s| (s, entry.arg.clone())))
    }
}

/// The built-in scenarios, then the `*.toml` files of `dir` that look like
/// scenarios ([`looks_like_scenario`]), sorted by name; and how many other
/// `*.toml` files were skipped.
pub fn entries(dir: &Path) -> (Vec<Entry>, usize) {
    let mut out: Vec<Entry> = builtin::BUILTINS
        .iter()
        .map(|b| Entry {
            source: Source::Builtin(b.name),
            arg: b.name.to_string(),
            scenario: Scenario::from_toml(&format!("{}.toml (built-in)", b.name), b.text)
                .map(Some)
                .map_err(|e| first_line(&e)),
        })
        .collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut listed = 0;
    let mut skipped = 0;
    for path in files {
        if listed == MAX_FILES {
            break;
        }
        let small = std::fs::metadata(&path).is_ok_and(|m| m.len() <= PREVIEW_MAX_BYTES);
        if small && !looks_like_scenario(&path) {
            skipped += 1;
            continue;
        }
        listed += 1;
        let scenario = if small {
            Scenario::from_path(&path)
                .map(Some)
                .map_err(|e| first_line(&e))
        } else {
            Ok(None)
        };
        let arg = path.display().to_string();
        out.push(Entry {
            source: Source::File(path),
            arg,
            scenario,
        });
    }
    (out, skipped)
}

/// True when the file has a line that is exactly `[scenario]` once
/// trimmed (the table every scenario file has). Files larger than
/// [`PREVIEW_MAX_BYTES`] are not read here (listed, parsed when opened).
pub fn looks_like_scenario(path: &Path) -> bool {
    use std::io::Read;
    let mut bytes = Vec::new();
    let read =
        std::fs::File::open(path).and_then(|f| f.take(PREVIEW_MAX_BYTES).read_to_end(&mut bytes));
    read.is_ok()
        && bytes
            .split(|&b| b == b'\n')
            .any(|line| line.trim_ascii() == b"[scenario]")
}

/// The first line of an error (the one with file, line:column and field).
fn first_line(e: &impl std::fmt::Display) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

/// The first sentence-sized line of a lesson: up to the first full stop
/// (`.` or `。`) or line break.
pub fn first_line_of(lesson: &str) -> &str {
    let end = lesson
        .char_indices()
        .find(|&(i, c)| {
            c == '\n' || c == '。' || (c == '.' && lesson[i + 1..].starts_with([' ', '\n']))
        })
        .map_or(lesson.len(), |(i, c)| i + c.len_utf8());
    lesson[..end].trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_builtins_then_valid_and_broken_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("b-broken.toml"), "[scenario]\nname = 3\n").expect("write");
        std::fs::write(dir.path().join("a-ok.toml"), builtin::BUILTINS[0].text).expect("write");
        std::fs::write(dir.path().join("notes.txt"), "not a scenario").expect("write");
        let (e, skipped) = entries(dir.path());
        let n = builtin::BUILTINS.len();
        assert_eq!(e.len(), n + 2);
        assert_eq!(skipped, 0);
        assert!(matches!(e[0].source, Source::Builtin("agriculture")));
        assert!(e[n].arg.ends_with("a-ok.toml"));
        assert!(matches!(e[n].scenario, Ok(Some(_))));
        let err = e[n + 1].scenario.as_ref().expect_err("broken");
        assert!(err.contains("b-broken.toml:2:"), "{err}");
        assert!(e[n + 1].load().is_err());
    }

    /// `Cargo.toml` and other non-scenario `*.toml` files are not listed
    /// (they used to show as `✗ does not open … unknown field`), but counted.
    #[test]
    fn skips_toml_files_without_a_scenario_table() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"x\"\n[[bench]]\nname = \"b\"\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("rustfmt.toml"), "# [scenario]\nx = 1\n").expect("write");
        std::fs::write(dir.path().join("ok.toml"), builtin::BUILTINS[0].text).expect("write");
        std::fs::write(
            dir.path().join("indented.toml"),
            "  [scenario]  \r\nname = 3\n",
        )
        .expect("write");
        let (e, skipped) = entries(dir.path());
        let n = builtin::BUILTINS.len();
        let files: Vec<&str> = e[n..].iter().map(|e| e.arg.as_str()).collect();
        assert_eq!(files.len(), 2, "{files:?}");
        assert!(files[0].ends_with("indented.toml"), "{files:?}");
        assert!(files[1].ends_with("ok.toml"), "{files:?}");
        assert_eq!(skipped, 2);
    }

    #[test]
    fn first_line_stops_at_the_first_sentence() {
        assert_eq!(first_line_of("One. Two."), "One.");
        assert_eq!(first_line_of("v0.9 is out. Next"), "v0.9 is out.");
        assert_eq!(first_line_of("第一句。第二句"), "第一句。");
        assert_eq!(first_line_of("no stop"), "no stop");
    }
}
