//! `e`: the trial's trace (the bytes `chainmesh trace` prints) and the
//! Monte Carlo summary (the bytes `chainmesh run --format json` prints, for
//! the trials finished so far), written next to each other.

use std::path::{Path, PathBuf};

use crate::front::output::write_atomic;
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

/// The two file names: `<scenario>-seed<S>-trial<K>.trace.csv` and `….montecarlo.json`.
pub fn file_names(e: &Export<'_>) -> (String, String) {
    let stem = format!("{}-seed{}-trial{}", e.stem, e.seed, e.trial);
    (
        format!("{stem}.trace.csv"),
        format!("{stem}.montecarlo.json"),
    )
}

/// Write both files into the export folder.
pub fn write(e: &Export<'_>) -> anyhow::Result<(PathBuf, PathBuf)> {
    let (trace, mc) = file_names(e);
    let trace = e.dir.join(trace);
    let mc = e.dir.join(mc);
    write_atomic(&trace, &trace_csv(e))?;
    write_atomic(&mc, &monte_carlo_json(e))?;
    Ok((trace, mc))
}
