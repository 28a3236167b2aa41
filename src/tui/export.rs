//! `e`: the trial's trace (the bytes `chainmesh trace` prints) and the
//! Monte Carlo summary (the bytes `chainmesh run --format json` prints, for
//! the trials finished so far), written next to each other.

use std::path::PathBuf;

use super::app::App;
use crate::output::write_atomic;
use crate::report::{Exporter, JsonExporter, RunReport};
use crate::stats::Tally;

/// The trace of the whole trial on screen, as `chainmesh trace` writes it.
pub fn trace_csv(app: &App) -> Vec<u8> {
    let prep = app.live.prep();
    let all: Vec<usize> = (0..prep.topologies.len()).collect();
    crate::batch::trace_csv(prep, app.seed(), app.trial(), &all, &app.trace_command())
}

/// The Monte Carlo summary of the trials received so far, as
/// `chainmesh run --format json` writes it.
pub fn monte_carlo_json(app: &App) -> Vec<u8> {
    let prep = app.live.prep();
    let report = RunReport::new(prep, app.seed(), &Tally::of(&app.mc.table));
    JsonExporter.serialize(&[report], &app.run_command(app.mc.done()))
}

/// The two file names: `<scenario>-seed<S>-trial<K>.trace.csv` and `….montecarlo.json`.
pub fn file_names(app: &App) -> (String, String) {
    let stem = format!(
        "{}-seed{}-trial{}",
        app.scenario_stem(),
        app.seed(),
        app.trial()
    );
    (
        format!("{stem}.trace.csv"),
        format!("{stem}.montecarlo.json"),
    )
}

/// Write both files into the app's export folder.
pub fn write(app: &App) -> anyhow::Result<(PathBuf, PathBuf)> {
    let (trace, mc) = file_names(app);
    let trace = app.export_dir.join(trace);
    let mc = app.export_dir.join(mc);
    write_atomic(&trace, &trace_csv(app))?;
    write_atomic(&mc, &monte_carlo_json(app))?;
    Ok((trace, mc))
}
