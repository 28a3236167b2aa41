//! The command line: every clap type ([`args`]), the commands (one file
//! each), errors with their exit codes and progress bars. Output, signals
//! and the reproduce command are shared with the TUI in `front`. The core (`scenario`, `network`, `sim`,
//! `stats`, `sweep`, `report`, `handout`) knows nothing of this module.

pub mod args;
pub mod bench;
pub mod check;
pub mod completions;
mod files;
pub mod generate;
pub mod import;
pub mod list;
pub mod merge;
pub mod new;
pub mod price;
pub mod progress;
pub mod report;
pub mod risk;
pub mod run;
pub mod set;
pub mod sweep;
pub mod trace;
pub mod tui;
mod values;

use std::path::Path;

use anyhow::Context;

pub use args::{Cli, Command, RunArgs, SetArgs, SimArgs, TuiArgs, WorkArgs};

use crate::scenario::{InputError, Scenario, builtin, parse_shock_arg};
use crate::sim::Prepared;

/// What went wrong, and which exit code it gets.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad scenario file or `--shock` (exit 2).
    #[error("{0}")]
    Input(#[from] InputError),
    /// Bad combination of options (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Anything else, e.g. I/O (exit 1).
    #[error("{0:#}")]
    Other(#[from] anyhow::Error),
    /// Input errors already printed one by one (exit 2); nothing more to say.
    #[error("")]
    Reported,
    /// Ctrl-C or another stop signal during a run (exit 130); nothing was written.
    #[error("{}", crate::front::signals::INTERRUPTED_MESSAGE)]
    Interrupted,
}

impl CliError {
    /// 2 for usage and input errors, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) | CliError::Usage(_) | CliError::Reported => 2,
            CliError::Other(_) => 1,
            CliError::Interrupted => 130,
        }
    }
}

/// Load a scenario from a file path or a built-in name, with every check:
/// the file's own and those of its compiled flow networks.
pub fn load(arg: &str) -> Result<Scenario, CliError> {
    let path = Path::new(arg);
    let scenario = if path.exists() {
        Scenario::from_path(path)?
    } else {
        let (origin, text) = load_text(arg)?;
        Scenario::from_toml(&origin, &text)?
    };
    Ok(Prepared::new(scenario)?.scenario)
}

/// Load a scenario with `--set KEY=VALUE` edits (one value per key) written
/// into its file first; `command` names the subcommand in the error for
/// several values (a parameter sweep is `run --set`'s business).
pub fn load_edited(arg: &str, edit: &SetArgs, command: &str) -> Result<Scenario, CliError> {
    if edit.set.is_empty() {
        return load(arg);
    }
    if let Some(spec) = edit.set.iter().find(|s| s.values.len() != 1) {
        return Err(CliError::Usage(format!(
            "--set {} gives {} values; `chainmesh {command}` takes one value per key \
(for a parameter sweep over several values use `chainmesh run --set`)",
            set::spec_arg(spec),
            spec.values.len()
        )));
    }
    load_combination(arg, &set::combination(&edit.set, 0))
}

/// The scenario of `arg` with the `(key, value)` edits written into its
/// TOML, checked like a file (flow networks included). Errors name the
/// `--set` and the field: a line and column would point into the generated
/// document, which the user never saw.
pub fn load_combination(arg: &str, combo: &[(String, toml::Value)]) -> Result<Scenario, CliError> {
    let (origin, mut text) = load_text(arg)?;
    for (k, v) in combo {
        text = set::apply(&text, k, v).map_err(CliError::Usage)?;
    }
    let label = combination_label(&origin, combo);
    let unplaced = |e: InputError| InputError::whole(&label, e.field, e.message);
    let scenario = Scenario::from_toml(&label, &text).map_err(unplaced)?;
    Ok(Prepared::new(scenario).map_err(unplaced)?.scenario)
}

/// `ORIGIN with --set k=v k2=v2`: where an edited scenario came from.
pub fn combination_label(origin: &str, combo: &[(String, toml::Value)]) -> String {
    let shown: Vec<String> = combo.iter().map(|(k, v)| set::show(k, v)).collect();
    format!("{origin} with --set {}", shown.join(" "))
}

/// The origin name and TOML text of a file path or built-in name.
pub fn load_text(arg: &str) -> Result<(String, String), CliError> {
    let path = Path::new(arg);
    if path.exists() {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {arg}"))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            InputError::whole(
                arg,
                "",
                format!(
                    "the file is not valid UTF-8 (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        return Ok((arg.to_string(), text));
    }
    if let Some(b) = builtin::find(arg) {
        return Ok((format!("{}.toml (built-in)", b.name), b.text.to_string()));
    }
    let names: Vec<&str> = builtin::BUILTINS.iter().map(|b| b.name).collect();
    Err(CliError::Usage(format!(
        "no scenario file or built-in scenario named {arg:?}; built-ins: {} (see `chainmesh list`)",
        names.join(", ")
    )))
}

/// Apply `--scale`s in order (before any `--shock`).
pub fn apply_scales(scenario: &mut Scenario, scales: &[String]) -> Result<(), CliError> {
    for spec in scales {
        let scale = crate::compose::scale::Scale::parse(spec)
            .map_err(|e| CliError::Usage(format!("--scale {spec}: {e}")))?;
        *scenario = scale.apply(scenario);
    }
    Ok(())
}

/// Apply `--scale`s and `--steps`, then append `--shock`s to a loaded scenario.
pub fn apply_sim_args(scenario: &mut Scenario, sim: &SimArgs) -> Result<(), CliError> {
    apply_scales(scenario, &sim.scales)?;
    if let Some(steps) = sim.steps {
        if let Some(s) = scenario.shocks.iter().find(|s| s.at >= steps) {
            return Err(CliError::Usage(format!(
                "--steps {steps} is too short for {:?}: it has a shock at step {}",
                scenario.name, s.at
            )));
        }
        scenario.steps = steps;
    }
    for spec in &sim.shocks {
        let shock = parse_shock_arg(spec, scenario)?;
        scenario.shocks.push(shock);
    }
    Ok(())
}

/// A worker pool of `threads` threads (default: all cores).
pub fn pool(threads: Option<u64>) -> Result<rayon::ThreadPool, CliError> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n as usize);
    }
    Ok(pool.build().context("cannot start worker threads")?)
}

pub(crate) fn load_prepared(arg: &str, sim: &SimArgs) -> Result<Prepared, CliError> {
    let mut s = load(arg)?;
    apply_sim_args(&mut s, sim)?;
    Ok(Prepared::new(s)?)
}

/// The topology indices `--topology ID` names (all when `None`).
pub(crate) fn chosen_topologies(s: &Scenario, id: Option<&str>) -> Result<Vec<usize>, CliError> {
    match id {
        None => Ok((0..s.topologies.len()).collect()),
        Some(id) => Ok(vec![s.topology_index(id).ok_or_else(|| {
            let ids: Vec<&str> = s.topologies.iter().map(|t| t.id.as_str()).collect();
            CliError::Usage(format!(
                "--topology {id:?} is not in the scenario; its topologies: {}",
                ids.join(", ")
            ))
        })?]),
    }
}
