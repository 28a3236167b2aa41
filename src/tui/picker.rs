//! `o`: the scenario picker's list — the built-in library, then every
//! `*.toml` of a folder (the current one), each parsed and validated so the
//! list shows what a file is, or why it will not open.

use std::path::{Path, PathBuf};

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

/// The built-in scenarios, then the `*.toml` files of `dir` sorted by name.
pub fn entries(dir: &Path) -> Vec<Entry> {
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
    files.truncate(MAX_FILES);
    for path in files {
        let small = std::fs::metadata(&path).is_ok_and(|m| m.len() <= PREVIEW_MAX_BYTES);
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
    out
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
        let e = entries(dir.path());
        let n = builtin::BUILTINS.len();
        assert_eq!(e.len(), n + 2);
        assert!(matches!(e[0].source, Source::Builtin("agriculture")));
        assert!(e[n].arg.ends_with("a-ok.toml"));
        assert!(matches!(e[n].scenario, Ok(Some(_))));
        let err = e[n + 1].scenario.as_ref().expect_err("broken");
        assert!(err.contains("b-broken.toml:2:"), "{err}");
        assert!(e[n + 1].load().is_err());
    }

    #[test]
    fn first_line_stops_at_the_first_sentence() {
        assert_eq!(first_line_of("One. Two."), "One.");
        assert_eq!(first_line_of("v0.9 is out. Next"), "v0.9 is out.");
        assert_eq!(first_line_of("第一句。第二句"), "第一句。");
        assert_eq!(first_line_of("no stop"), "no stop");
    }
}
