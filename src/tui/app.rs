//! The TUI's state ([`App`]) and its one entry point for change,
//! [`App::update`]. No terminal I/O happens here: the event loop in
//! [`super::event_loop`] turns terminal events into [`Message`]s, and the
//! renderer reads the state.
//!
//! Each pane keeps its state and its keys in a module of its own:
//! [`Playback`] (pausing, speed, trial and seed), [`View`] (the graphs,
//! the selection, the search), [`Shocks`] (knock-outs and attacks),
//! [`Params`] (the sliders), [`Picker`], [`Help`], [`SweepPanel`] and
//! [`MonteCarlo`]. A pane's key handler changes its own state and answers
//! with an [`Outcome`]; what involves several panes — compiling the
//! scenario again, the ghost line, the background ranking, opening another
//! scenario — happens here and in `app/trial.rs`. The names of the scenario
//! in the chosen language are in `app/labels.rs`, the reproduce commands
//! and `e` in `app/commands.rs`.

mod commands;
mod labels;
mod trial;

use std::path::PathBuf;
use std::time::Duration;

use super::TuiOptions;
use super::ghost::Ghost;
use super::help::Help;
use super::live::LiveTrial;
use super::message::{Message, Outcome};
pub use super::mode::{InputKind, Mode};
use super::mode::{scroll_by, step};
use super::params::Params;
use super::picker::Picker;
use super::playback::Playback;
pub use super::playback::{DEFAULT_SPEED, SPEEDS};
use super::ranking::Ranking;
use super::shocks::Shocks;
pub use super::shocks::{ShockOrigin, attack_phrase, attack_phrase_zh};
use super::sweep::SweepPanel;
use super::text::clean;
use super::view::View;
use super::worker::{McMode, MonteCarlo};
use crate::scenario::Scenario;

/// The whole state of the TUI: the shared pieces (the scenario, the
/// language, the trial on screen, what has the keyboard, the message line)
/// and the panes.
///
/// Invariant: `live` is the trial of the scenario compiled from `base`,
/// `params` and `shocks` (whose `origins` describe its shocks); `mc` runs
/// that scenario for `live`'s seed.
#[derive(Debug)]
pub struct App {
    /// The scenario as loaded (the sliders and extra shocks are applied to
    /// a copy when compiling).
    base: Scenario,
    /// The scenario as named on the command line or in the picker (a
    /// built-in's name or a path), for the reproduce commands.
    scenario_arg: String,
    /// `--scale` specs given on the command line (already applied to `base`).
    cli_scales: Vec<String>,
    /// Show Traditional Chinese labels where the scenario has them.
    pub lang_zh: bool,
    /// The trial on screen (every pane reads it).
    pub live: LiveTrial,
    /// What has the keyboard.
    pub mode: Mode,
    /// A one-off message shown in the footer until the next key.
    pub status: Option<String>,
    /// Set by `q`, Esc, Ctrl-C.
    pub quit: bool,
    /// Text to put on the terminal's clipboard (OSC 52); the event loop
    /// writes and clears it.
    pub clipboard: Option<String>,
    /// Where `e` writes its files.
    pub export_dir: PathBuf,
    /// Paused or running, and how fast.
    pub playback: Playback,
    /// The graphs: layout, selection, flow and region colours.
    pub view: View,
    /// The command line's and the user's extra shocks.
    pub shocks: Shocks,
    /// Slider multipliers (all ×1 unless changed in the parameter panel).
    pub params: Params,
    /// The scenario picker (`o`).
    pub picker: Picker,
    /// The help overlay (`?`).
    pub help: Help,
    /// The Monte Carlo results for the current seed.
    pub mc: MonteCarlo,
    /// The attack-tolerance sweep (`w`), computed when first opened.
    pub sweep: SweepPanel,
    mc_mode: McMode,
    /// The betweenness ranking computed in the background, while pending
    /// (the live trial waits for it; the footer shows the progress).
    ranking: Ranking,
    /// The trial without the user's knock-outs and attacks.
    ghost: Ghost,
}

impl App {
    /// The app for `options`, before step 0; starts the Monte Carlo trials per `mc`.
    pub fn new(options: TuiOptions, mc: McMode) -> anyhow::Result<App> {
        let TuiOptions {
            scenario,
            scenario_arg,
            seed,
            trial,
            shocks,
            scales,
            lang_zh,
        } = options;
        let params = Params::default();
        let mut shocks = Shocks::new(shocks);
        let prep = shocks.compile(&scenario, &params)?;
        let mut app = App {
            view: View::new(&scenario),
            mc: MonteCarlo::new(mc, scenario.topologies.len()),
            base: scenario,
            scenario_arg,
            cli_scales: scales,
            lang_zh,
            live: LiveTrial::new(prep, seed, trial),
            mode: Mode::Normal,
            status: None,
            quit: false,
            clipboard: None,
            export_dir: PathBuf::from("."),
            playback: Playback::default(),
            shocks,
            params,
            picker: Picker::default(),
            help: Help::default(),
            sweep: SweepPanel::new(mc),
            mc_mode: mc,
            ranking: Ranking::default(),
            ghost: Ghost::default(),
        };
        app.start_ranking(None);
        app.restart_monte_carlo();
        Ok(app)
    }

    /// The scenario as loaded (no sliders, no extra shocks).
    pub fn base_scenario(&self) -> &Scenario {
        &self.base
    }

    /// Seed on screen.
    pub fn seed(&self) -> u64 {
        self.live.seed
    }

    /// Trial on screen.
    pub fn trial(&self) -> u64 {
        self.live.trial
    }

    /// True while steps advance on their own ([`Playback::running`]).
    pub fn running(&self) -> bool {
        self.playback.running(&self.live, &self.mode)
    }

    /// Time between steps at the current speed.
    pub fn tick_interval(&self) -> Duration {
        self.playback.tick_interval()
    }

    /// The ghost line: φ per topology of this trial without the user's
    /// knock-outs and attacks (all steps), while there are any.
    pub fn ghost(&self) -> Option<&[Vec<f64>]> {
        self.ghost.line.as_deref()
    }

    /// Apply one message: the pane it belongs to changes, then whatever
    /// its [`Outcome`] asks of the rest.
    pub fn update(&mut self, msg: Message) {
        if !matches!(msg, Message::Tick | Message::Resize(..)) {
            self.status = None;
        }
        let lang = self.lang();
        let outcome = match msg {
            Message::Tick => {
                self.ranking_progress();
                if self.running() {
                    self.step_once();
                }
                Outcome::Nothing
            }
            Message::TogglePause
            | Message::Step
            | Message::SpeedUp
            | Message::SpeedDown
            | Message::Replay
            | Message::NextTrial
            | Message::PrevTrial => self.playback.update(&msg, &mut self.live),
            Message::SelectNext
            | Message::SelectPrev
            | Message::SelectDown
            | Message::SelectUp
            | Message::ToggleFlow
            | Message::ToggleRegions
            | Message::Resize(..) => self.view.update(&msg, lang),
            Message::Click(col, row) => match self.view.hit(col, row, |k| self.label_widths(k)) {
                Some(at) => {
                    self.view.selected = at;
                    Outcome::Inspect
                }
                None => Outcome::Nothing,
            },
            Message::KnockOut => {
                let (k, i) = self.view.selected;
                let label = self.node_label(k, i).into_owned();
                let t = self.live.t();
                let (shock, status) = self.shocks.knock_out(&self.base, (k, i), t, &label, lang);
                self.add_user_shock(shock, status)
            }
            Message::Attack => {
                let (shock, status) = self.shocks.attack(self.live.t(), lang);
                self.add_user_shock(shock, status)
            }
            Message::ClearShocks => self.shocks.clear(lang),
            Message::ParamUp
            | Message::ParamDown
            | Message::ParamNudge(_)
            | Message::ParamReset => {
                let selected = match &mut self.mode {
                    Mode::Params { selected } => Some(selected),
                    _ => None,
                };
                if self.params.update(&msg, selected) {
                    Outcome::Recompile(None)
                } else {
                    Outcome::Nothing
                }
            }
            Message::Export => Outcome::Status(self.write_export()),
            Message::CopyCommand => Outcome::Status(self.copy_command()),
            Message::Open(mode) => self.open(mode),
            Message::ToggleSweepMetric
            | Message::Close
            | Message::Scroll(_)
            | Message::Input(_)
            | Message::Backspace => {
                self.edit_mode(&msg);
                Outcome::Nothing
            }
            Message::Submit => self.submit(),
            Message::Quit => {
                self.quit = true;
                self.mc.stop();
                Outcome::Nothing
            }
        };
        self.carry_out(outcome);
        // The inspector shows the risk table: computed by a worker (inline
        // in tests), never by the view.
        if matches!(self.mode, Mode::Inspect) {
            self.live.request_risk(self.mc_mode != McMode::Thread);
        }
    }

    /// What a pane's key asks of the rest of the app.
    fn carry_out(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Nothing => {}
            Outcome::Status(s) => self.status = Some(s),
            Outcome::Step => self.step_once(),
            Outcome::NewTrial => self.refresh_ghost(),
            Outcome::NewSeed => {
                self.restart_monte_carlo();
                self.refresh_ghost();
            }
            Outcome::Recompile(then) => {
                self.restart_all();
                if then.is_some() {
                    self.status = then;
                }
            }
            Outcome::Inspect => self.mode = Mode::Inspect,
        }
    }

    /// Open a popup or panel (the picker lists its folder, the sweep starts
    /// computing, the help starts at the top).
    fn open(&mut self, mode: Mode) -> Outcome {
        match mode {
            Mode::Picker { .. } => self.mode = self.picker.open(&self.scenario_arg),
            Mode::Sweep { .. } => {
                self.sweep.ensure(&self.base, self.live.seed);
                self.mode = mode;
            }
            Mode::Help => {
                self.help.open();
                self.mode = mode;
            }
            _ => self.mode = mode,
        }
        Outcome::Nothing
    }

    /// The keys that only move or edit what has the keyboard: close it,
    /// scroll the picker, the search matches, the lesson or the help, type
    /// into a prompt, switch the sweep's metric.
    fn edit_mode(&mut self, msg: &Message) {
        match (msg, &mut self.mode) {
            (Message::Close, mode) => *mode = Mode::Normal,
            (Message::Input(c), mode) => mode.type_char(*c),
            (Message::Backspace, mode) => mode.backspace(),
            (Message::ToggleSweepMetric, Mode::Sweep { giant }) => *giant = !*giant,
            (Message::Scroll(d), Mode::Picker { selected }) => self.picker.scroll(selected, *d),
            (Message::Scroll(d), Mode::Search { text, selected }) => {
                *selected = step(*selected, self.view.search(text, &self.base).len(), *d);
            }
            (Message::Scroll(d), Mode::Lesson { scroll }) => *scroll = scroll_by(*scroll, *d),
            (Message::Scroll(d), Mode::Help) => self.help.scroll(*d),
            _ => {}
        }
    }

    /// Enter in a prompt, the search or the picker.
    fn submit(&mut self) -> Outcome {
        let lang = self.lang();
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Input { kind, text } => self.playback.submit(kind, &text, &mut self.live, lang),
            Mode::Search { text, selected } => self.view.find(&text, selected, &self.base, lang),
            Mode::Picker { selected } => match self.picker.submit(selected) {
                None => Outcome::Nothing,
                Some(Ok((scenario, arg))) => {
                    self.open_scenario(scenario, arg);
                    Outcome::Nothing
                }
                Some(Err(e)) => {
                    self.mode = Mode::Picker { selected };
                    Outcome::Status(clean(&e).into_owned())
                }
            },
            other => {
                self.mode = other;
                Outcome::Nothing
            }
        }
    }

    /// Replace everything with `scenario` (opened from the picker as `arg`):
    /// its own seed, trial 0, no extra shocks, sliders at ×1.
    pub fn open_scenario(&mut self, scenario: Scenario, arg: String) {
        let options = TuiOptions {
            seed: scenario.seed,
            scenario,
            scenario_arg: arg,
            trial: 0,
            shocks: Vec::new(),
            scales: Vec::new(),
            lang_zh: self.lang_zh,
        };
        match App::new(options, self.mc_mode) {
            Ok(mut next) => {
                next.view.carry_over(&self.view);
                next.export_dir = std::mem::take(&mut self.export_dir);
                next.picker.dir = std::mem::take(&mut self.picker.dir);
                next.playback.speed = self.playback.speed;
                self.mc.stop();
                *self = next;
                self.status = Some(format!(
                    "{} {}",
                    self.tr("opened", "已開啟"),
                    self.scenario_name()
                ));
            }
            Err(e) => self.status = Some(clean(&format!("{e:#}")).into_owned()),
        }
    }
}
