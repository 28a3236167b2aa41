//! `e`: the trial's trace (the bytes `chainmesh trace` prints) and the
//! Monte Carlo summary (the bytes `chainmesh run --format json` prints, for
//! the trials finished so far), written next to each other. An export never
//! replaces an earlier one: the names take `-2`, `-3`, … when taken. With
//! knock-outs or attacks on screen the names carry a short hash of the
//! reproduce command (the trial differs from the scenario's own).

use std::path::{Path, PathBuf};

use crate::front::output::{already_exists, write_new};
use crate::report::{Exporter, JsonExporter, RunReport};
use crate::sim::Prepared;
use crate::stats::Tally;

/// What an export needs from the screen (built by `App::export`).
pub struct Export<'a> {
    /// The compiled scenario on screen.
    pub prep: &'a Prepared,
    /// Seed and trial shown.
    pub seed: u64,
    /// Trial index shown.
    pub trial: u64,
    /// `chainmesh trace …` reproducing the trial.
    pub trace_command: String,
    /// Tallies of the Monte Carlo trials received so far.
    pub tally: &'a Tally,
    /// `chainmesh run …` reproducing those trials.
    pub run_command: String,
    /// File-name stem of the scenario.
    pub stem: String,
    /// [`short_hash`] of the reproduce command when the user knocked out
    /// nodes or attacked; `None` otherwise.
    pub variant: Option<String>,
    /// Folder the files go into.
    pub dir: &'a Path,
}

/// The trace of the whole trial on screen, as `chainmesh trace` writes it.
pub fn trace_csv(e: &Export<'_>) -> Vec<u8> {
    let all: Vec<usize> = (0..e.prep.topologies.len()).collect();
    crate::report::trace_csv(e.prep, e.seed, e.trial, &all, &e.trace_command)
}

/// The Monte Carlo summary of the trials received so far, as
/// `chainmesh run --format json` writes it.
pub fn monte_carlo_json(e: &Export<'_>) -> Vec<u8> {
    let report = RunReport::new(e.prep, e.seed, e.tally);
    JsonExporter.serialize(&[report], &e.run_command)
}

/// The first 8 hex digits of the SHA-256 of `text` (a reproduce command).
pub fn short_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Exports tried in one folder before giving up (`-2` … `-999`).
const MAX_NUMBER: u32 = 999;

/// The two file names: `<scenario>-seed<S>-trial<K>[-<hash>].trace.csv`
/// and `….montecarlo.json` (the hash when [`Export::variant`] is set).
pub fn file_names(e: &Export<'_>) -> (String, String) {
    numbered_names(e, 1)
}

/// [`file_names`] of the `n`-th export of the same trial: `-<n>` before
/// the extensions from 2 on.
pub fn numbered_names(e: &Export<'_>, n: u32) -> (String, String) {
    let mut stem = format!("{}-seed{}-trial{}", e.stem, e.seed, e.trial);
    if let Some(h) = &e.variant {
        stem = format!("{stem}-{h}");
    }
    if n > 1 {
        stem = format!("{stem}-{n}");
    }
    (
        format!("{stem}.trace.csv"),
        format!("{stem}.montecarlo.json"),
    )
}

/// Write both files into the export folder under the first pair of names
/// ([`numbered_names`]) where neither file exists; never replaces a file.
pub fn write(e: &Export<'_>) -> anyhow::Result<(PathBuf, PathBuf)> {
    let trace_bytes = trace_csv(e);
    let mc_bytes = monte_carlo_json(e);
    for n in 1..=MAX_NUMBER {
        let (trace, mc) = numbered_names(e, n);
        let trace = e.dir.join(trace);
        let mc = e.dir.join(mc);
        if std::fs::symlink_metadata(&trace).is_ok() || std::fs::symlink_metadata(&mc).is_ok() {
            continue;
        }
        match write_new(&trace, &trace_bytes) {
            Err(err) if already_exists(&err) => continue,
            r => r?,
        }
        match write_new(&mc, &mc_bytes) {
            Ok(()) => return Ok((trace, mc)),
            Err(err) => {
                // Never half an export: take the trace back; when the name was
                // taken in between, try the next number.
                let _ = std::fs::remove_file(&trace);
                if !already_exists(&err) {
                    return Err(err);
                }
            }
        }
    }
    let (trace, _) = numbered_names(e, MAX_NUMBER);
    anyhow::bail!(
        "cannot export: {} and every earlier number exist in {}",
        trace,
        e.dir.display()
    )
}
