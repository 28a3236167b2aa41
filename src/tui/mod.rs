//! The live terminal UI (placeholder until the TUI lands).

use crate::scenario::Scenario;

/// What the TUI opens.
#[derive(Debug, Clone)]
pub struct TuiOptions {
    /// The validated scenario (without the extra `--shock`s).
    pub scenario: Scenario,
    /// How the user named the scenario (file path or built-in name), for the reproduce command.
    pub scenario_arg: String,
    /// Seed to show.
    pub seed: u64,
    /// Trial index to show.
    pub trial: u64,
    /// Extra `--shock` specs given on the command line (already validated).
    pub shocks: Vec<String>,
    /// Show Traditional Chinese labels where the scenario has them.
    pub lang_zh: bool,
}

/// Run the TUI until the user quits.
pub fn run(_options: TuiOptions) -> anyhow::Result<()> {
    anyhow::bail!("the terminal UI is not built yet")
}
