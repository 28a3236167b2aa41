//! `chainmesh merge`: read partial results, join them, print the report.

use std::path::PathBuf;

use anyhow::Context;
use serde::Deserialize;

use super::CliError;
use crate::front::output::emit;
use crate::front::reproduce::Reproduce;
use crate::report::Format;
use crate::report::partial::{PARTIAL_FORMAT, PartialRun, merge};

/// `chainmesh merge PARTS... [--format F] [--out FILE]`.
pub fn merge_files(
    parts: &[PathBuf],
    format: Format,
    out: Option<&std::path::Path>,
) -> Result<(), CliError> {
    let mut loaded = Vec::with_capacity(parts.len());
    for path in parts {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let bad = |e: serde_json::Error| {
            CliError::Usage(format!(
                "{}:{}:{}: not a chainmesh partial result: {e}",
                path.display(),
                e.line(),
                e.column()
            ))
        };
        // Name the layout before decoding it, so files from another chainmesh
        // version get a clear message instead of a missing-field error.
        #[derive(Deserialize)]
        struct Header {
            format: String,
        }
        let header: Header = serde_json::from_str(&text).map_err(bad)?;
        if header.format != PARTIAL_FORMAT {
            return Err(CliError::Usage(format!(
                "{}: partial result format {:?}, expected {PARTIAL_FORMAT:?} (re-run that slice with this chainmesh version)",
                path.display(),
                header.format
            )));
        }
        let part: PartialRun = serde_json::from_str(&text).map_err(bad)?;
        part.validate()
            .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
        loaded.push(part);
    }
    // Every report error is a usage error (exit 2), as the parts are the input.
    let merged = merge(loaded).map_err(|e| CliError::Usage(e.to_string()))?;
    let command = Reproduce::new("run", &[&merged.scenario_arg])
        .opt("seed", merged.seed)
        .opt("trials", merged.trials)
        .opt("steps", merged.steps)
        .scales(&merged.scales)
        .shocks(&merged.shocks)
        .line();
    emit(
        out,
        &format.exporter().serialize(&[merged.report], &command),
    )?;
    Ok(())
}
