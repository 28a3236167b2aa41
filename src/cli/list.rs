//! `chainmesh list`: the built-in scenarios.

use std::fmt::Write as _;

use super::CliError;
use super::output::emit;
use crate::scenario::{Scenario, builtin};

/// `chainmesh list`.
pub fn list() -> Result<(), CliError> {
    let mut out = String::new();
    for b in builtin::BUILTINS {
        match Scenario::from_toml(b.name, b.text) {
            Ok(s) => {
                let topos: Vec<String> = s
                    .topologies
                    .iter()
                    .map(|t| format!("{} ({} nodes)", t.id, t.nodes.len()))
                    .collect();
                let _ = writeln!(out, "{:<22} {:<14} {}", b.name, s.sector, s.name);
                let _ = writeln!(out, "{:<22} {:<14} {}", "", "", topos.join(" vs "));
            }
            Err(e) => {
                let _ = writeln!(out, "{:<22} (invalid: {})", b.name, e.summary());
            }
        }
    }
    emit(None, out.as_bytes())?;
    Ok(())
}
