//! The seeded Monte Carlo engine: pure simulation, no terminal code.
//!
//! * [`Prepared`] compiles a [`Scenario`](crate::scenario::Scenario) once.
//! * [`TopologyRun`] steps one topology through one trial (used by `trace`
//!   and the TUI).
//! * [`run_trials`] runs many trials in parallel; results depend only on
//!   scenario, seed and trial index.

mod engine;
mod metrics;
mod monte_carlo;
mod risk;
pub mod rng;
mod trace;

pub use crate::model::FlowCache;
pub use engine::{Cause, Event, EventKind, Prepared, PreparedTopology, StepRecord, TopologyRun};
pub use metrics::{CostMetrics, MetricsAccumulator, StockMetrics, TrialMetrics, lost_units};
pub use monte_carlo::{
    CHUNK_TRIALS, RunControl, TrialTable, Workspace, WorkspacePool, accumulator, run_trial,
    run_trials, run_trials_controlled, run_trials_pooled, run_trials_streaming,
};
pub use risk::{MAX_RISK_STEPS, RiskRow, RiskUnit, TopologyRisk, risk, risk_by};
pub use trace::{TraceRow, trace_rows};
