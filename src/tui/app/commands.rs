//! The commands that reproduce what is on screen (the `c` popup, the
//! footer, `y` copies one) and `e`, which writes the trial and the Monte
//! Carlo summary to files: built from the app's shared pieces (the
//! scenario argument, the command line's `--scale`s) and the panes' state
//! (sliders, shocks, seed and trial).

use super::App;
use crate::front::reproduce::Reproduce;
use crate::tui::export::{self, Export};
use crate::tui::mode::Mode;
use crate::tui::sweep;
use crate::tui::text::clean;

impl App {
    /// Every extra `--shock` spec: the command line's, then the user's.
    pub fn shock_specs(&self) -> Vec<String> {
        self.shocks.specs()
    }

    /// Number of shocks the user added with `k` or `a`.
    pub fn user_shock_count(&self) -> usize {
        self.shocks.user_count()
    }

    /// Every `--scale`: the command line's, then the parameter panel's.
    pub fn scale_specs(&self) -> Vec<String> {
        self.cli_scales
            .iter()
            .cloned()
            .chain(self.params.scale().arg())
            .collect()
    }

    /// `chainmesh <command> <scenario>` with the seed, then `more`, then
    /// the steps, every `--scale` and every `--shock`.
    fn command(&self, command: &str, more: (&str, u64)) -> String {
        Reproduce::new(command, &[&self.scenario_arg])
            .opt("seed", self.seed())
            .opt(more.0, more.1)
            .opt("steps", self.base.steps)
            .scales(&self.scale_specs())
            .shocks(&self.shock_specs())
            .line()
    }

    /// The command that reopens this view (seed, trial, every shock).
    pub fn reproduce(&self) -> String {
        self.command("tui", ("trial", self.trial()))
    }

    /// The `chainmesh trace` command printing this trial step by step.
    pub fn trace_command(&self) -> String {
        self.command("trace", ("trial", self.trial()))
    }

    /// The `chainmesh run` command printing the Monte Carlo panel's numbers
    /// (for the trials received so far).
    pub fn run_command(&self, trials: u64) -> String {
        self.command("run", ("trials", trials))
    }

    /// The `chainmesh sweep` command printing the sweep view's numbers.
    pub fn sweep_command(&self) -> String {
        Reproduce::new("sweep", &[&self.scenario_arg])
            .opt("points", sweep::POINTS)
            .opt("trials", sweep::TRIALS)
            .opt("seed", self.seed())
            .line()
    }

    /// What `e` writes: the trial on screen and the Monte Carlo trials so far.
    pub fn export(&self) -> Export<'_> {
        Export {
            prep: self.live.prep(),
            seed: self.seed(),
            trial: self.trial(),
            trace_command: self.trace_command(),
            tally: &self.mc.tally,
            run_command: self.run_command(self.mc.done()),
            stem: self.scenario_stem(),
            variant: (self.user_shock_count() > 0).then(|| export::short_hash(&self.reproduce())),
            dir: &self.export_dir,
        }
    }

    /// The file stem of the scenario argument (`scenarios/x.toml` → `x`).
    pub fn scenario_stem(&self) -> String {
        let stem = std::path::Path::new(&self.scenario_arg)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let clean: String = stem
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        if clean.is_empty() {
            "scenario".into()
        } else {
            clean
        }
    }

    /// `e`: write the export; what the message line says about it.
    pub(super) fn write_export(&self) -> String {
        match export::write(&self.export()) {
            Ok((a, b)) => format!(
                "{} {} {} {}",
                self.tr("wrote", "已寫入"),
                clean(&a.display().to_string()),
                self.tr("and", "與"),
                clean(&b.display().to_string())
            ),
            Err(e) => format!(
                "{}: {}",
                self.tr("export failed", "匯出失敗"),
                clean(&format!("{e:#}"))
            ),
        }
    }

    /// `y` in the command popup: the reproduce command to the clipboard
    /// (OSC 52), the popup closed.
    pub(super) fn copy_command(&mut self) -> String {
        self.clipboard = Some(self.reproduce());
        self.mode = Mode::Normal;
        "copied the command to the clipboard (OSC 52)".into()
    }
}
