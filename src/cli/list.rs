//! `chainmesh list`: the built-in scenarios; `chainmesh show NAME`: one of
//! them as a file to save and edit.

use std::fmt::Write as _;

use anyhow::Context;
use serde::Serialize;

use super::CliError;
use super::args::{ListArgs, ShowArgs};
use crate::front::output::emit;
use crate::report::{Format, csv_field};
use crate::scenario::{Scenario, builtin};

/// One built-in scenario in `list --format json|csv`.
#[derive(Debug, Serialize)]
struct Entry {
    /// Name on the command line.
    name: &'static str,
    /// Sector.
    sector: String,
    /// Display name.
    title: String,
    /// Topology ids, in order.
    topologies: Vec<String>,
    /// Node count per topology.
    nodes: Vec<usize>,
    /// Default steps, trials and seed.
    steps: u32,
    trials: u64,
    seed: u64,
}

/// `chainmesh list [--format F] [--out FILE]`.
pub fn list(args: &ListArgs) -> Result<(), CliError> {
    let mut entries = Vec::new();
    let mut table = String::new();
    for b in builtin::BUILTINS {
        match Scenario::from_toml(b.name, b.text) {
            Ok(s) => {
                let topos: Vec<String> = s
                    .topologies
                    .iter()
                    .map(|t| format!("{} ({} nodes)", t.id, t.nodes.len()))
                    .collect();
                let _ = writeln!(table, "{:<22} {:<14} {}", b.name, s.sector, s.name);
                let _ = writeln!(table, "{:<22} {:<14} {}", "", "", topos.join(" vs "));
                entries.push(Entry {
                    name: b.name,
                    sector: s.sector.to_string(),
                    title: s.name.clone(),
                    topologies: s.topologies.iter().map(|t| t.id.clone()).collect(),
                    nodes: s.topologies.iter().map(|t| t.nodes.len()).collect(),
                    steps: s.steps,
                    trials: s.trials,
                    seed: s.seed,
                });
            }
            Err(e) => {
                let _ = writeln!(table, "{:<22} (invalid: {})", b.name, e.summary());
            }
        }
    }
    let bytes = match args.format {
        Format::Table => table.into_bytes(),
        Format::Markdown => {
            let mut md =
                String::from("| name | sector | scenario | topologies |\n|:--|:--|:--|:--|\n");
            for e in &entries {
                let topos: Vec<String> = e
                    .topologies
                    .iter()
                    .zip(&e.nodes)
                    .map(|(t, n)| format!("{t} ({n} nodes)"))
                    .collect();
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} |",
                    e.name,
                    e.sector,
                    e.title.replace('|', "\\|"),
                    topos.join(" vs ")
                );
            }
            md.into_bytes()
        }
        Format::Csv => {
            let mut csv = String::from("name,sector,title,topologies,nodes,steps,trials,seed\n");
            for e in &entries {
                let nodes: Vec<String> = e.nodes.iter().map(usize::to_string).collect();
                let _ = writeln!(
                    csv,
                    "{},{},{},{},{},{},{},{}",
                    e.name,
                    csv_field(&e.sector),
                    csv_field(&e.title),
                    csv_field(&e.topologies.join(";")),
                    csv_field(&nodes.join(";")),
                    e.steps,
                    e.trials,
                    e.seed
                );
            }
            csv.into_bytes()
        }
        Format::Json => {
            let mut b = serde_json::to_vec_pretty(&entries).context("cannot encode JSON")?;
            b.push(b'\n');
            b
        }
    };
    emit(args.out.as_deref(), &bytes)?;
    Ok(())
}

/// `chainmesh show NAME [--out FILE]`: the built-in's file, byte for byte.
pub fn show(args: &ShowArgs) -> Result<(), CliError> {
    let Some(b) = builtin::find(&args.name) else {
        let names: Vec<&str> = builtin::BUILTINS.iter().map(|b| b.name).collect();
        return Err(CliError::Usage(format!(
            "no built-in scenario named {:?}; built-ins: {}",
            args.name,
            names.join(", ")
        )));
    };
    emit(args.out.as_deref(), b.text.as_bytes())?;
    Ok(())
}
