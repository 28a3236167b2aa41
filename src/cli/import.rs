//! `chainmesh import` and `chainmesh export`: the clap arguments and the two
//! thin commands around [`crate::import`] and [`crate::report::graph`].

use super::args::{ExportArgs, ImportArgs};
use super::{CliError, load};
use crate::front::output::emit;
use crate::import::toml_out::counted;
use crate::import::{ChainMode, FieldMap, ImportOptions, import, read_input};
use crate::network::FlowNetwork;
use crate::report::graph::{GraphFormat, export};
use crate::scenario::Role;

/// `chainmesh import`: read, convert, validate, then write (nothing on error).
pub fn run_import(args: &ImportArgs) -> Result<(), CliError> {
    let map = FieldMap::parse(&args.map).map_err(CliError::Usage)?;
    let files = args
        .files
        .iter()
        .map(|p| read_input(p))
        .collect::<Result<Vec<_>, _>>()?;
    let opts = ImportOptions {
        name: args.name.clone(),
        chain: if args.chain == "longest" {
            ChainMode::Longest
        } else {
            ChainMode::None
        },
        map,
    };
    let imported = import(&files, &opts)?;
    emit(args.out.as_deref(), imported.toml.as_bytes())?;
    let s = &imported.scenario;
    let t = &s.topologies[0];
    let count = |r: Role| t.nodes.iter().filter(|n| n.role == r).count();
    let mut summary = format!(
        "imported {} and {} ({}, {}), baseline {}",
        counted(t.nodes.len(), "node", "nodes"),
        counted(t.links.len(), "link", "links"),
        counted(count(Role::Source), "source", "sources"),
        counted(count(Role::Sink), "sink", "sinks"),
        FlowNetwork::new(t).baseline()
    );
    if let Some(c) = s.topologies.get(1) {
        summary.push_str(&format!(
            "; chain of {} stages added as {:?}",
            c.nodes.len(),
            c.id
        ));
    }
    if let Some(out) = &args.out {
        summary.push_str(&format!(
            " (try `chainmesh check {}`)",
            crate::front::reproduce::shell_quote(&out.display().to_string())
        ));
    }
    if !crate::front::output::quiet() {
        eprintln!("{summary}");
    }
    Ok(())
}

/// `chainmesh export`.
pub fn run_export(args: &ExportArgs) -> Result<(), CliError> {
    let scenario = load(&args.scenario)?;
    let format = GraphFormat::parse(&args.format)
        .ok_or_else(|| CliError::Usage(format!("unknown format {:?}", args.format)))?;
    let ids = || {
        scenario
            .topologies
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let topologies: Vec<_> = match &args.topology {
        Some(id) => {
            let i = scenario.topology_index(id).ok_or_else(|| {
                CliError::Usage(format!(
                    "no topology {id:?} in {}; it has: {}",
                    args.scenario,
                    ids()
                ))
            })?;
            vec![&scenario.topologies[i]]
        }
        None if format.single_topology() && scenario.topologies.len() > 1 => {
            return Err(CliError::Usage(format!(
                "{} has {} topologies and --format {} holds one; pick it with --topology ({})",
                args.scenario,
                scenario.topologies.len(),
                args.format,
                ids()
            )));
        }
        None => scenario.topologies.iter().collect(),
    };
    let text = export(&scenario, &topologies, format);
    emit(args.out.as_deref(), text.as_bytes())?;
    Ok(())
}
