//! The trace CSV of one trial (`chainmesh trace`, the TUI export).

use std::fmt::Write as _;

use super::csv_field;
use crate::sim::{Prepared, trace_rows};

/// The `chainmesh trace` CSV of one trial: a `# command` line, then
/// `step,topology,throughput,service,down` rows (down = node ids joined by `;`).
pub fn trace_csv(
    prep: &Prepared,
    seed: u64,
    trial: u64,
    topologies: &[usize],
    command: &str,
) -> Vec<u8> {
    let mut out = format!("# {command}\nstep,topology,throughput,service,down\n");
    for row in trace_rows(prep, seed, trial, topologies) {
        let topo = &prep.scenario.topologies[row.topology];
        let down: Vec<&str> = row
            .down
            .iter()
            .map(|&i| topo.nodes[i].id.as_str())
            .collect();
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            row.step,
            csv_field(&topo.id),
            row.throughput,
            row.service,
            csv_field(&down.join(";"))
        );
    }
    out.into_bytes()
}
