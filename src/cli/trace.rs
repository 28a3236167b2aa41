//! `chainmesh trace`: every step of one trial as CSV.

use super::args::TraceArgs;
use super::{CliError, apply_sim_args, chosen_topologies, load_edited};
use crate::front::output::emit;
use crate::front::reproduce::Reproduce;
use crate::report::trace_csv;
use crate::sim::Prepared;

/// `chainmesh trace`.
pub fn trace(args: &TraceArgs) -> Result<(), CliError> {
    // The same order as `run`: --set, then --scale, --steps and --shock.
    let mut scenario = load_edited(&args.scenario, &args.edit, "trace")?;
    apply_sim_args(&mut scenario, &args.sim)?;
    let prep = Prepared::new(scenario)?;
    let topologies = chosen_topologies(&prep.scenario, args.topology.as_deref())?;
    let seed = args.sim.seed.unwrap_or(prep.scenario.seed);
    let mut cmd = Reproduce::new("trace", &[&args.scenario])
        .opt("seed", seed)
        .opt("trial", args.trial)
        .opt("steps", prep.scenario.steps);
    if let Some(t) = &args.topology {
        cmd = cmd.opt("topology", t);
    }
    let command = cmd
        .sets(&args.edit.spelled())
        .scales(&args.sim.scales)
        .shocks(&args.sim.shocks)
        .line();
    let out = trace_csv(&prep, seed, args.trial, &topologies, &command);
    emit(args.out.as_deref(), &out)?;
    Ok(())
}
