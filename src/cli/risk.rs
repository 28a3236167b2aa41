//! `chainmesh risk`: time to survive, time to recover and risk exposure per node.

use super::args::RiskArgs;
use super::{CliError, chosen_topologies, load};
use crate::front::output::emit;
use crate::front::reproduce::Reproduce;
use crate::report::risk::serialize;
use crate::sim::risk;

/// `chainmesh risk`.
pub fn run(args: &RiskArgs) -> Result<(), CliError> {
    let scenario = load(&args.scenario)?;
    let topologies = chosen_topologies(&scenario, args.topology.as_deref())?;
    let tables = risk(&scenario, &topologies)?;
    let mut cmd = Reproduce::new("risk", &[&args.scenario]);
    if let Some(t) = &args.topology {
        cmd = cmd.opt("topology", t);
    }
    let bytes = serialize(args.format, &scenario.name, &tables, &cmd.line());
    emit(args.out.as_deref(), &bytes)?;
    Ok(())
}
