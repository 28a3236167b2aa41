//! The trace CSV of one trial (`chainmesh trace`, the TUI export).

use std::fmt::Write as _;

use super::csv_field;
use crate::sim::{Prepared, trace_rows};

/// The `chainmesh trace` CSV of one trial: `step,topology,throughput,service,down,command`
/// rows (down = node ids joined by `;`; command = how to reproduce it, on
/// every row so `pandas.read_csv` needs no options). When the scenario holds
/// stock, `drawn` (units drawn / baseline) and `stock` (units held after
/// the step) come before `command`; when it has hazards, `hazard` (the
/// labels of the hazards that struck at the step, joined by `;`) and
/// `hazard_hits` (the nodes of the topology they hit) come after those;
/// when something costs money, `cost` (C_t, money per step) last.
pub fn trace_csv(
    prep: &Prepared,
    seed: u64,
    trial: u64,
    topologies: &[usize],
    command: &str,
) -> Vec<u8> {
    let stocked = prep.scenario.has_stock();
    let hazards = prep.scenario.has_hazards();
    let priced = prep.scenario.has_costs();
    let mut out = String::from("step,topology,throughput,service,down,");
    if stocked {
        out.push_str("drawn,stock,");
    }
    if hazards {
        out.push_str("hazard,hazard_hits,");
    }
    if priced {
        out.push_str("cost,");
    }
    out.push_str("command\n");
    let command = csv_field(command);
    for row in trace_rows(prep, seed, trial, topologies) {
        let topo = &prep.scenario.topologies[row.topology];
        let down: Vec<&str> = row
            .down
            .iter()
            .map(|&i| topo.nodes[i].id.as_str())
            .collect();
        let _ = write!(
            out,
            "{},{},{},{},{},",
            row.step,
            csv_field(&topo.id),
            unsigned_zero(row.throughput),
            unsigned_zero(row.service),
            csv_field(&down.join(";"))
        );
        if stocked {
            let _ = write!(
                out,
                "{},{},",
                unsigned_zero(row.drawn),
                unsigned_zero(row.stock)
            );
        }
        if hazards {
            let struck: Vec<&str> = row
                .struck
                .iter()
                .map(|&h| prep.scenario.hazards[h].label.as_str())
                .collect();
            let _ = write!(out, "{},{},", csv_field(&struck.join(";")), row.hazard_hits);
        }
        if priced {
            let _ = write!(out, "{},", unsigned_zero(row.cost));
        }
        let _ = writeln!(out, "{command}");
    }
    out.into_bytes()
}

/// `x`, with a negative zero (stock drawn down to exactly nothing) as `0`:
/// `{}` would print `-0`.
fn unsigned_zero(x: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x }
}
