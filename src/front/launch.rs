//! What the command line hands the terminal UI: a checked scenario and
//! where to start. Defined here so that `cli` builds it and `tui` runs it
//! without either naming the other (`main` joins them).

use crate::scenario::Scenario;

/// What the TUI opens.
#[derive(Debug, Clone)]
pub struct TuiOptions {
    /// The validated scenario (with the `--scale`s applied, without the extra `--shock`s).
    pub scenario: Scenario,
    /// How the user named the scenario (file path or built-in name), for the reproduce command.
    pub scenario_arg: String,
    /// Seed to show.
    pub seed: u64,
    /// Trial index to show.
    pub trial: u64,
    /// Extra `--shock` specs given on the command line (already validated).
    pub shocks: Vec<String>,
    /// `--scale` specs given on the command line, already applied to
    /// `scenario` (kept for the reproduce command).
    pub scales: Vec<String>,
    /// Show Traditional Chinese labels where the scenario has them.
    pub lang_zh: bool,
}

/// A TUI ready to start: its options, and whether the scenario picker opens
/// over them (started without naming a scenario).
#[derive(Debug, Clone)]
pub struct Launch {
    /// What to show.
    pub options: TuiOptions,
    /// Open the picker first (Esc keeps `options`' scenario).
    pub picker: bool,
}
