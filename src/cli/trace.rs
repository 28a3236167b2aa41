//! `chainmesh trace`: every step of one trial as CSV.

use super::args::TraceArgs;
use super::command::Reproduce;
use super::output::emit;
use super::{CliError, chosen_topologies, load_prepared};
use crate::report::trace_csv;

/// `chainmesh trace`.
pub fn trace(args: &TraceArgs) -> Result<(), CliError> {
    let prep = load_prepared(&args.scenario, &args.sim)?;
    let topologies = chosen_topologies(&prep.scenario, args.topology.as_deref())?;
    let seed = args.sim.seed.unwrap_or(prep.scenario.seed);
    let mut cmd = Reproduce::new("trace", &[&args.scenario])
        .opt("seed", seed)
        .opt("trial", args.trial)
        .opt("steps", prep.scenario.steps);
    if let Some(t) = &args.topology {
        cmd = cmd.opt("topology", t);
    }
    let command = cmd.scales(&args.sim.scales).shocks(&args.sim.shocks).line();
    let out = trace_csv(&prep, seed, args.trial, &topologies, &command);
    emit(args.out.as_deref(), &out)?;
    Ok(())
}
