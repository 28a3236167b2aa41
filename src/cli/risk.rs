//! `chainmesh risk`: time to survive, time to recover and risk exposure per node.

use super::args::RiskArgs;
use super::{CliError, chosen_topologies, load};
use crate::front::output::emit;
use crate::front::reproduce::Reproduce;
use crate::report::risk::serialize_by;
use crate::sim::{RiskUnit, risk_by};

/// `chainmesh risk`.
pub fn run(args: &RiskArgs) -> Result<(), CliError> {
    let scenario = load(&args.scenario)?;
    let topologies = chosen_topologies(&scenario, args.topology.as_deref())?;
    let (unit, word) = match args.by.as_deref() {
        None | Some("node") => (RiskUnit::Node, "node"),
        Some("region") => (RiskUnit::Region, "region"),
        Some(other) => {
            return Err(CliError::Usage(format!(
                "--by {other:?}: expected node or region"
            )));
        }
    };
    if unit == RiskUnit::Region && crate::scenario::hazard::regions(&scenario.topologies).is_empty()
    {
        return Err(CliError::Usage(format!(
            "--by region: no node of {:?} has a region; add `region = \"...\"` to its nodes",
            scenario.name
        )));
    }
    let tables = risk_by(&scenario, &topologies, unit)?;
    let mut cmd = Reproduce::new("risk", &[&args.scenario]);
    if let Some(t) = &args.topology {
        cmd = cmd.opt("topology", t);
    }
    if unit == RiskUnit::Region {
        cmd = cmd.opt("by", "region");
    }
    let bytes = serialize_by(args.format, &scenario.name, &tables, &cmd.line(), word);
    emit(args.out.as_deref(), &bytes)?;
    Ok(())
}
