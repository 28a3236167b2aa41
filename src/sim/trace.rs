//! Replay of one trial, step by step, for chosen topologies (`chainmesh trace`, the TUI export).

use super::{FlowCache, Prepared, TopologyRun};

/// One row of a trace: a step of one topology.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceRow {
    /// Step index.
    pub step: u32,
    /// Topology index.
    pub topology: usize,
    /// Max flow at the step.
    pub throughput: f64,
    /// φ at the step.
    pub service: f64,
    /// Ids of the nodes down at the step.
    pub down: Vec<usize>,
    /// Units drawn from stock at the step, as a share of the baseline.
    pub drawn: f64,
    /// Units held in stock after the step (every stocked node).
    pub stock: f64,
    /// What the step cost, C_t (money; 0 where nothing costs money).
    pub cost: f64,
    /// The hazards (indices) that struck at the step, the same in every topology.
    pub struck: Vec<usize>,
    /// Nodes of this topology the hazards hit at the step.
    pub hazard_hits: u32,
}

/// Every step of trial `trial` for the chosen topologies, step-major.
pub fn trace_rows(prep: &Prepared, seed: u64, trial: u64, topologies: &[usize]) -> Vec<TraceRow> {
    let mut runs: Vec<(usize, TopologyRun, FlowCache)> = topologies
        .iter()
        .map(|&k| {
            (
                k,
                TopologyRun::new(prep, k, seed, trial),
                FlowCache::default(),
            )
        })
        .collect();
    let mut rows = Vec::new();
    for _ in 0..prep.scenario.steps {
        for (k, run, cache) in &mut runs {
            if let Some(r) = run.step(prep, cache) {
                let down = (0..run.down_mask().len())
                    .filter(|&i| run.is_down(i))
                    .collect();
                rows.push(TraceRow {
                    step: r.step,
                    topology: *k,
                    throughput: r.throughput,
                    service: r.service,
                    down,
                    drawn: r.drawn,
                    stock: run.stock_levels(prep).iter().map(|s| s.1).sum(),
                    cost: r.cost,
                    struck: run.struck().collect(),
                    hazard_hits: r.hazard_hits,
                });
            }
        }
    }
    rows
}
