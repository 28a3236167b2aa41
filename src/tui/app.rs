//! The TUI's state ([`App`]) and its one entry point for change,
//! [`App::update`]. No terminal I/O happens here: the event loop in
//! [`super::event_loop`] turns terminal events into [`Message`]s, and the
//! renderer reads the state.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ratatui::layout::Rect;

use super::TuiOptions;
use super::export::{self, Export};
use super::layout::{Arrangement, Columns, NodeBox, arrange, columns, inner, screen};
use super::live::LiveTrial;
use super::message::Message;
pub use super::mode::{InputKind, Mode};
use super::params::{Param, Params};
use super::picker::{self, Entry};
use super::ranking::{self, Ranking};
use super::sweep::{self, SweepPanel};
use super::text::clean;
use super::worker::{McMode, MonteCarlo};
use crate::front::reproduce::Reproduce;
use crate::lang::Lang;
use crate::scenario::{Scenario, parse_shock_arg};
use crate::sim::Prepared;
use crate::sweep::Attack;

/// Playback speeds in steps per second.
pub const SPEEDS: [f64; 9] = [1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0, 240.0];
/// Index into [`SPEEDS`] at start.
pub const DEFAULT_SPEED: usize = 3;

/// Where a shock of the compiled scenario came from (shown in the event log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShockOrigin {
    /// A `[[shock]]` of the scenario file, with its label.
    Scenario(Option<String>),
    /// A `--shock` given on the command line.
    Cli,
    /// `k`: the user knocked out this node id.
    Manual(String),
    /// `a`: a one-key attack.
    Attack(Attack),
}

/// A shock the user added in the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UserShock {
    spec: String,
    origin: ShockOrigin,
}

/// The whole state of the TUI.
#[derive(Debug)]
pub struct App {
    base: Scenario,
    scenario_arg: String,
    cli_shocks: Vec<String>,
    /// `--scale` specs given on the command line (already applied to `base`).
    cli_scales: Vec<String>,
    user_shocks: Vec<UserShock>,
    /// Slider multipliers (all ×1 unless changed in the parameter panel).
    pub params: Params,
    /// Show Traditional Chinese labels where the scenario has them.
    pub lang_zh: bool,
    /// The trial on screen.
    pub live: LiveTrial,
    /// Origin of every shock of `live`'s compiled scenario, by shock index.
    pub origins: Vec<ShockOrigin>,
    /// Per topology: node columns for drawing.
    pub columns: Vec<Columns>,
    /// Stepping stopped.
    pub paused: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// The selected node: (topology, node).
    pub selected: (usize, usize),
    /// What has the keyboard.
    pub mode: Mode,
    /// A one-off message shown in the footer until the next key.
    pub status: Option<String>,
    /// What `a` fires next.
    pub next_attack: Attack,
    /// Terminal size (columns, rows), for mouse hit-testing.
    pub size: (u16, u16),
    /// The Monte Carlo results for the current seed.
    pub mc: MonteCarlo,
    /// The attack-tolerance sweep (`w`), computed when first opened.
    pub sweep: SweepPanel,
    /// Set by `q`, Esc, Ctrl-C.
    pub quit: bool,
    /// Text to put on the terminal's clipboard (OSC 52); the event loop
    /// writes and clears it.
    pub clipboard: Option<String>,
    /// Where `e` writes its files.
    pub export_dir: PathBuf,
    /// `f`: links drawn by the flow they carry, the minimum cut highlighted.
    pub flow_view: bool,
    /// `z`: nodes coloured by their region (only in scenarios with regions).
    pub region_view: bool,
    /// Every region of the scenario in order of first appearance
    /// ([`crate::scenario::hazard::regions_in_order`]): a region's colour is
    /// its index here.
    regions: Vec<String>,
    /// Per topology, per node: the index of its region in `regions`.
    region_of: Vec<Vec<Option<usize>>>,
    /// φ of the trial on screen without the user's knock-outs and attacks
    /// (every step, per topology), while there are any.
    ghost: Option<Vec<Vec<f64>>>,
    /// The picker's entries (loaded when `o` opens it).
    pub picker: Vec<Entry>,
    /// How many `*.toml` files of the folder the picker skipped (no
    /// `[scenario]` table).
    pub picker_skipped: usize,
    /// The folder whose `*.toml` files the picker lists.
    pub picker_dir: PathBuf,
    /// Lines of the help scrolled off the top (when taller than the screen).
    pub help_scroll: u16,
    mc_mode: McMode,
    /// The betweenness ranking computed in the background, while pending
    /// (the live trial waits for it; the footer shows the progress).
    ranking: Ranking,
    /// The ghost line waits for the ranking too.
    ghost_pending: bool,
    /// The status line shows the ranking's progress.
    ranking_shown: bool,
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
        let columns = scenario.topologies.iter().map(columns).collect();
        let k = scenario.topologies.len();
        let params = Params::default();
        let (prep, origins) = compile(&scenario, &params, &shocks, &[])?;
        let regions: Vec<String> = crate::scenario::hazard::regions_in_order(&scenario.topologies)
            .into_iter()
            .map(str::to_string)
            .collect();
        let region_of = scenario
            .topologies
            .iter()
            .map(|t| {
                t.nodes
                    .iter()
                    .map(|n| {
                        n.region
                            .as_deref()
                            .and_then(|r| regions.iter().position(|x| x == r))
                    })
                    .collect()
            })
            .collect();
        let mut app = App {
            base: scenario,
            scenario_arg,
            cli_shocks: shocks,
            cli_scales: scales,
            user_shocks: Vec::new(),
            params,
            lang_zh,
            live: LiveTrial::new(prep, seed, trial),
            origins,
            columns,
            paused: false,
            speed: DEFAULT_SPEED,
            selected: (0, 0),
            mode: Mode::Normal,
            status: None,
            next_attack: Attack::Random,
            size: (80, 24),
            mc: MonteCarlo::new(mc, k),
            sweep: SweepPanel::new(mc),
            quit: false,
            clipboard: None,
            export_dir: PathBuf::from("."),
            flow_view: false,
            region_view: false,
            regions,
            region_of,
            ghost: None,
            picker: Vec::new(),
            picker_skipped: 0,
            picker_dir: PathBuf::from("."),
            help_scroll: 0,
            mc_mode: mc,
            ranking: Ranking::default(),
            ghost_pending: false,
            ranking_shown: false,
        };
        app.start_ranking(None);
        app.selected = app.order().first().copied().unwrap_or((0, 0));
        app.restart_monte_carlo();
        Ok(app)
    }

    /// Compile the current sliders and shocks; records the shocks' origins.
    fn compile(&mut self) -> anyhow::Result<Arc<Prepared>> {
        let (prep, origins) = compile(
            &self.base,
            &self.params,
            &self.cli_shocks,
            &self.user_shocks,
        )?;
        self.origins = origins;
        Ok(prep)
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

    /// True while steps advance on their own: not paused, not finished, and
    /// the picker is not open (the trial waits behind it and goes on when
    /// it closes).
    pub fn running(&self) -> bool {
        !self.paused && !self.live.finished() && !matches!(self.mode, Mode::Picker { .. })
    }

    /// Time between steps at the current speed.
    pub fn tick_interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / SPEEDS[self.speed])
    }

    /// Every extra `--shock` spec: the command line's, then the user's.
    pub fn shock_specs(&self) -> Vec<String> {
        self.cli_shocks
            .iter()
            .cloned()
            .chain(self.user_shocks.iter().map(|u| u.spec.clone()))
            .collect()
    }

    /// Number of shocks the user added with `k` or `a`.
    pub fn user_shock_count(&self) -> usize {
        self.user_shocks.len()
    }

    /// Every `--scale`: the command line's, then the parameter panel's.
    pub fn scale_specs(&self) -> Vec<String> {
        self.cli_scales
            .iter()
            .cloned()
            .chain(self.params.scale().arg())
            .collect()
    }

    /// The command that reopens this view (seed, trial, every shock).
    pub fn reproduce(&self) -> String {
        let c = Reproduce::new("tui", &[&self.scenario_arg])
            .opt("seed", self.seed())
            .opt("trial", self.trial())
            .opt("steps", self.base.steps)
            .scales(&self.scale_specs())
            .shocks(&self.shock_specs());
        c.line()
    }

    /// The `chainmesh trace` command printing this trial step by step.
    pub fn trace_command(&self) -> String {
        let c = Reproduce::new("trace", &[&self.scenario_arg])
            .opt("seed", self.seed())
            .opt("trial", self.trial())
            .opt("steps", self.base.steps)
            .scales(&self.scale_specs())
            .shocks(&self.shock_specs());
        c.line()
    }

    /// The `chainmesh run` command printing the Monte Carlo panel's numbers
    /// (for the trials received so far).
    pub fn run_command(&self, trials: u64) -> String {
        let c = Reproduce::new("run", &[&self.scenario_arg])
            .opt("seed", self.seed())
            .opt("trials", trials)
            .opt("steps", self.base.steps)
            .scales(&self.scale_specs())
            .shocks(&self.shock_specs());
        c.line()
    }

    /// The `chainmesh sweep` command printing the sweep view's numbers.
    pub fn sweep_command(&self) -> String {
        Reproduce::new("sweep", &[&self.scenario_arg])
            .opt("points", sweep::POINTS)
            .opt("trials", sweep::TRIALS)
            .opt("seed", self.seed())
            .line()
    }

    /// The file stem of the scenario argument (`scenarios/x.toml` → `x`).
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
            variant: (!self.user_shocks.is_empty()).then(|| export::short_hash(&self.reproduce())),
            dir: &self.export_dir,
        }
    }

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

    /// The chosen language.
    pub fn lang(&self) -> Lang {
        if self.lang_zh { Lang::ZhTw } else { Lang::En }
    }

    /// `en` or `zh` by the chosen language ([`Lang::pick`]): every UI
    /// string is written at its call site in both.
    pub fn tr(&self, en: &'static str, zh: &'static str) -> &'static str {
        self.lang().pick(en, zh)
    }

    /// A sector's name in the chosen language (from the one catalogue).
    pub fn sector_name(&self, sector: crate::scenario::Sector) -> &'static str {
        self.lang().sector(sector)
    }

    /// Scenario name in the chosen language (safe to draw: no control characters).
    pub fn scenario_name(&self) -> Cow<'_, str> {
        match (&self.base.name_zh, self.lang_zh) {
            (Some(z), true) => clean(z),
            _ => clean(&self.base.name),
        }
    }

    /// Topology `k`'s label in the chosen language (safe to draw).
    pub fn topology_label(&self, k: usize) -> Cow<'_, str> {
        let t = &self.base.topologies[k];
        match (&t.label_zh, self.lang_zh) {
            (Some(z), true) => clean(z),
            _ => clean(&t.label),
        }
    }

    /// Topology `k`'s id (safe to draw).
    pub fn topology_id(&self, k: usize) -> Cow<'_, str> {
        clean(&self.base.topologies[k].id)
    }

    /// Topology `k`'s id in 1–3 letters ([`short_ids`](super::text::short_ids):
    /// different for every topology of the scenario), for the chart legend
    /// and event lines where the id does not fit (safe to draw).
    pub fn topology_short(&self, k: usize) -> String {
        let ids: Vec<&str> = self.base.topologies.iter().map(|t| t.id.as_str()).collect();
        let short = super::text::short_ids(&ids);
        clean(short.get(k).map_or("", String::as_str)).into_owned()
    }

    /// Node `i` of topology `k`'s label in the chosen language (safe to draw).
    pub fn node_label(&self, k: usize, i: usize) -> Cow<'_, str> {
        let n = &self.base.topologies[k].nodes[i];
        match (&n.label_zh, self.lang_zh) {
            (Some(z), true) => clean(z),
            _ => clean(&n.label),
        }
    }

    /// Every region of the scenario, in order of first appearance (empty:
    /// the scenario has none). Not yet safe to draw: pass through [`clean`].
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// The index in [`App::regions`] of node `i` of topology `k`'s region.
    pub fn region_index(&self, k: usize, i: usize) -> Option<usize> {
        self.region_of.get(k)?.get(i).copied().flatten()
    }

    /// The lesson in the chosen language (English when there is no
    /// Chinese one), safe to draw.
    pub fn lesson(&self) -> Option<Cow<'_, str>> {
        match (&self.base.lesson_zh, &self.base.lesson, self.lang_zh) {
            (Some(z), _, true) => Some(clean(z)),
            (_, Some(l), _) => Some(clean(l)),
            _ => None,
        }
    }

    /// The ghost line: φ per topology of this trial without the user's
    /// knock-outs and attacks (all steps), while there are any.
    pub fn ghost(&self) -> Option<&[Vec<f64>]> {
        self.ghost.as_deref()
    }

    /// Nodes whose label (either language) or id contains `text`, ignoring
    /// case, in selection order; every node for empty text.
    pub fn search(&self, text: &str) -> Vec<(usize, usize)> {
        let needle = text.to_lowercase();
        self.order()
            .into_iter()
            .filter(|&(k, i)| {
                let n = &self.base.topologies[k].nodes[i];
                [Some(&n.label), n.label_zh.as_ref(), Some(&n.id)]
                    .into_iter()
                    .flatten()
                    .any(|s| s.to_lowercase().contains(&needle))
            })
            .collect()
    }

    /// Every node of the drawn topologies in selection order: topology by
    /// topology, column by column.
    pub fn order(&self) -> Vec<(usize, usize)> {
        // Only the drawn topologies can be selected (`layout::MAX_PANES`).
        self.columns
            .iter()
            .take(super::layout::MAX_PANES)
            .enumerate()
            .flat_map(|(k, cols)| cols.iter().flatten().map(move |&i| (k, i)))
            .collect()
    }

    /// Where the labels of topology `k` are drawn for a terminal of `area`.
    pub fn node_boxes(&self, area: Rect, k: usize) -> Vec<NodeBox> {
        let s = screen(area, self.columns.len());
        s.graphs
            .get(k)
            .map(|&r| self.arrangement(k, inner(r)).boxes)
            .unwrap_or_default()
    }

    /// How topology `k` is drawn inside `inside` (its panel without border).
    pub fn arrangement(&self, k: usize, inside: Rect) -> Arrangement {
        let selected = (self.selected.0 == k).then_some(self.selected.1);
        arrange(
            &self.columns[k],
            &self.label_widths(k),
            inside,
            super::text::LABEL_FLOOR,
            selected,
        )
    }

    /// Display width of every node label of topology `k`.
    pub fn label_widths(&self, k: usize) -> Vec<usize> {
        use unicode_width::UnicodeWidthStr;
        (0..self.base.topologies[k].nodes.len())
            .map(|i| self.node_label(k, i).as_ref().width())
            .collect()
    }

    /// Apply one message.
    pub fn update(&mut self, msg: Message) {
        if !matches!(msg, Message::Tick | Message::Resize(..)) {
            self.status = None;
        }
        match msg {
            Message::Tick => {
                self.ranking_progress();
                if self.running() {
                    self.step_once();
                }
            }
            Message::TogglePause => {
                if self.live.finished() {
                    self.restart_trial();
                    self.paused = false;
                } else {
                    self.paused = !self.paused;
                }
            }
            Message::Step => {
                self.paused = true;
                self.step_once();
            }
            Message::SpeedUp => self.speed = (self.speed + 1).min(SPEEDS.len() - 1),
            Message::SpeedDown => self.speed = self.speed.saturating_sub(1),
            Message::Replay => self.restart_trial(),
            Message::NextTrial => self.goto_trial(self.trial().saturating_add(1)),
            Message::PrevTrial => self.goto_trial(self.trial().saturating_sub(1)),
            Message::SelectNext => self.move_selection(1, false),
            Message::SelectPrev => self.move_selection(-1, false),
            Message::SelectDown => self.move_selection(1, true),
            Message::SelectUp => self.move_selection(-1, true),
            Message::Click(col, row) => self.click(col, row),
            Message::KnockOut => self.knock_out(),
            Message::Attack => self.attack(),
            Message::ClearShocks => {
                if self.user_shocks.is_empty() {
                    self.status = Some(
                        self.tr(
                            "no knock-outs or attacks to clear",
                            "沒有可清除的手動停擺或攻擊",
                        )
                        .into(),
                    );
                } else {
                    self.user_shocks.clear();
                    self.restart_all();
                    self.status = Some(
                        self.tr(
                            "cleared your knock-outs and attacks; replaying",
                            "已清除你的手動停擺與攻擊，重新播放",
                        )
                        .into(),
                    );
                }
            }
            Message::Export => {
                self.status = Some(match export::write(&self.export()) {
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
                });
            }
            Message::Open(mode) => {
                match &mode {
                    Mode::Sweep { .. } => self.sweep.ensure(&self.base, self.live.seed),
                    Mode::Picker { .. } => {
                        (self.picker, self.picker_skipped) = picker::entries(&self.picker_dir);
                        let at = self
                            .picker
                            .iter()
                            .position(|e| e.arg == self.scenario_arg)
                            .unwrap_or(0);
                        self.mode = Mode::Picker { selected: at };
                        return;
                    }
                    Mode::Help => self.help_scroll = 0,
                    _ => {}
                }
                self.mode = mode;
            }
            Message::ToggleFlow => self.flow_view = !self.flow_view,
            Message::ToggleRegions => self.toggle_regions(),
            Message::Scroll(d) => self.scroll(d),
            Message::ToggleSweepMetric => {
                if let Mode::Sweep { giant } = &mut self.mode {
                    *giant = !*giant;
                }
            }
            Message::Close => self.mode = Mode::Normal,
            Message::CopyCommand => {
                self.clipboard = Some(self.reproduce());
                self.status = Some("copied the command to the clipboard (OSC 52)".into());
                self.mode = Mode::Normal;
            }
            Message::ParamUp | Message::ParamDown => {
                if let Mode::Params { selected } = &mut self.mode {
                    let n = Param::ALL.len();
                    *selected = if msg == Message::ParamUp {
                        (*selected + n - 1) % n
                    } else {
                        (*selected + 1) % n
                    };
                }
            }
            Message::ParamNudge(d) => {
                if let Mode::Params { selected } = self.mode {
                    let before = self.params;
                    self.params.nudge(Param::ALL[selected], d);
                    if self.params != before {
                        self.restart_all();
                    }
                }
            }
            Message::ParamReset => {
                if !self.params.is_default() {
                    self.params = Params::default();
                    self.restart_all();
                }
            }
            Message::Input(c) => match &mut self.mode {
                Mode::Input { text, .. } if text.len() < 20 => text.push(c),
                Mode::Search { text, selected } if text.chars().count() < 40 => {
                    text.push(c);
                    *selected = 0;
                }
                _ => {}
            },
            Message::Backspace => match &mut self.mode {
                Mode::Input { text, .. } => {
                    text.pop();
                }
                Mode::Search { text, selected } => {
                    text.pop();
                    *selected = 0;
                }
                _ => {}
            },
            Message::Submit => self.submit(),
            Message::Resize(w, h) => self.size = (w, h),
            Message::Quit => {
                self.quit = true;
                self.mc.stop();
            }
        }
        // The inspector shows the risk table: computed by a worker (inline
        // in tests), never by the view.
        if matches!(self.mode, Mode::Inspect) {
            self.live.request_risk(self.mc_mode != McMode::Thread);
        }
    }

    /// `z`: colour nodes by region, or stop; says so in the status line (and
    /// that there is nothing to colour in a scenario without regions).
    fn toggle_regions(&mut self) {
        if self.regions.is_empty() {
            self.region_view = false;
            self.status = Some(
                self.tr("no regions in this scenario", "這個情境沒有區域")
                    .into(),
            );
            return;
        }
        self.region_view = !self.region_view;
        self.status = Some(
            if self.region_view {
                self.tr(
                    "nodes coloured by region (legend under the graphs; z turns it off)",
                    "節點依區域著色（圖例在拓樸圖下緣；按 z 關閉）",
                )
            } else {
                self.tr("region colours off", "已關閉區域著色")
            }
            .into(),
        );
    }

    /// Move in the picker, the search matches or the lesson.
    fn scroll(&mut self, d: i32) {
        let matches = match &self.mode {
            Mode::Search { text, .. } => self.search(text).len(),
            _ => 0,
        };
        let entries = self.picker.len();
        let step = |at: usize, n: usize| -> usize {
            if n == 0 {
                0
            } else {
                (at as i64 + i64::from(d)).clamp(0, n as i64 - 1) as usize
            }
        };
        match &mut self.mode {
            Mode::Picker { selected } => *selected = step(*selected, entries),
            Mode::Search { selected, .. } => *selected = step(*selected, matches),
            Mode::Lesson { scroll } => {
                *scroll = (i64::from(*scroll) + i64::from(d)).clamp(0, i64::from(u16::MAX)) as u16;
            }
            Mode::Help => {
                self.help_scroll = (i64::from(self.help_scroll) + i64::from(d))
                    .clamp(0, i64::from(u16::MAX)) as u16;
            }
            _ => {}
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
                next.size = self.size;
                next.export_dir = std::mem::take(&mut self.export_dir);
                next.picker_dir = std::mem::take(&mut self.picker_dir);
                next.flow_view = self.flow_view;
                next.region_view = self.region_view && !next.regions.is_empty();
                next.speed = self.speed;
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

    /// Recompute the ghost line (after anything that changes the trial).
    /// It waits (`ghost_pending`) while a betweenness ranking it needs is
    /// computed in the background: the UI thread never runs Brandes.
    fn refresh_ghost(&mut self) {
        self.ghost_pending = false;
        self.ghost = if self.user_shocks.is_empty() {
            None
        } else {
            match compile(&self.base, &self.params, &self.cli_shocks, &[]) {
                Err(_) => None,
                Ok((prep, _)) => {
                    for (p, o) in prep.topologies.iter().zip(&self.live.prep().topologies) {
                        p.adopt_betweenness(o);
                    }
                    if ranking::needs(&prep) && self.mc_mode != McMode::Inline {
                        self.ghost_pending = true;
                        None
                    } else {
                        Some(super::ghost::history(
                            &prep,
                            self.live.seed,
                            self.live.trial,
                        ))
                    }
                }
            }
        };
    }

    /// Rank the live scenario by betweenness in the background if it needs
    /// it, taking over what `previous` (the scenario it replaces) ranked.
    fn start_ranking(&mut self, previous: Option<&Prepared>) {
        let prep = Arc::clone(self.live.prep());
        self.ranking
            .start(&prep, previous, self.mc_mode == McMode::Inline);
        self.ranking_progress();
    }

    /// Show the background ranking's progress; once done, clear it and
    /// draw the ghost line that waited. True while ranking.
    fn ranking_progress(&mut self) -> bool {
        match self.ranking.progress() {
            Some((done, total)) => {
                self.status = Some(if self.lang_zh {
                    format!(
                        "背景計算中介中心性排名：{done}/{total} 個拓樸（試驗暫停等待；q 可離開）"
                    )
                } else {
                    format!(
                        "ranking nodes by betweenness in the background: {done}/{total} topologies \
(the trial waits; q quits)"
                    )
                });
                self.ranking_shown = true;
                true
            }
            None => {
                if self.ghost_pending {
                    self.refresh_ghost();
                }
                if std::mem::take(&mut self.ranking_shown) {
                    self.status = None;
                }
                false
            }
        }
    }

    fn step_once(&mut self) {
        if self.ranking_progress() {
            // The next step may need the ranking: wait for it.
            return;
        }
        if self.live.step() {
            if self.live.finished() {
                self.status = Some(
                    self.tr(
                        "trial over: r replays, ] next trial, space runs again",
                        "試驗結束：r 重播，] 下一次試驗，空白鍵再跑一次",
                    )
                    .into(),
                );
            }
        } else {
            self.status = Some(
                self.tr(
                    "the trial is over: press r to replay or ] for the next",
                    "試驗已結束：按 r 重播或 ] 看下一次",
                )
                .into(),
            );
        }
    }

    /// Back to step 0 of the same trial (same shocks, same numbers).
    fn restart_trial(&mut self) {
        let prep = Arc::clone(self.live.prep());
        self.live = LiveTrial::new(prep, self.live.seed, self.live.trial);
    }

    fn goto_trial(&mut self, trial: u64) {
        let prep = Arc::clone(self.live.prep());
        self.live = LiveTrial::new(prep, self.live.seed, trial);
        self.refresh_ghost();
    }

    /// Recompile (sliders, shocks changed), replay the trial, rerun Monte Carlo.
    fn restart_all(&mut self) {
        match self.compile() {
            Ok(prep) => {
                let previous = Arc::clone(self.live.prep());
                self.live = LiveTrial::new(prep, self.live.seed, self.live.trial);
                self.start_ranking(Some(&previous));
                self.restart_monte_carlo();
                self.refresh_ghost();
            }
            Err(e) => self.status = Some(format!("{e:#}")),
        }
    }

    fn restart_monte_carlo(&mut self) {
        let prep = Arc::clone(self.live.prep());
        let trials = self.base.trials;
        self.mc.restart(prep, self.live.seed, trials);
    }

    fn submit(&mut self) {
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Input { kind, text } => self.submit_number(kind, text),
            Mode::Search { text, selected } => {
                if let Some(&at) = self.search(&text).get(selected) {
                    self.selected = at;
                    self.mode = Mode::Inspect;
                } else {
                    self.status = Some(format!(
                        "{} {:?}",
                        self.tr("no node matches", "沒有節點符合"),
                        clean(&text)
                    ));
                }
            }
            Mode::Picker { selected } => {
                let Some(entry) = self.picker.get(selected) else {
                    return;
                };
                let arg = entry.arg.clone();
                match entry.load() {
                    Ok(s) => self.open_scenario(s, arg),
                    Err(e) => {
                        self.status = Some(clean(&e).into_owned());
                        self.mode = Mode::Picker { selected };
                    }
                }
            }
            other => self.mode = other,
        }
    }

    fn submit_number(&mut self, kind: InputKind, text: String) {
        let Ok(n) = text.parse::<u64>() else {
            self.status = Some(format!(
                "{} {text:?}",
                self.tr("not a number:", "不是數字：")
            ));
            return;
        };
        match kind {
            InputKind::Trial => self.goto_trial(n),
            InputKind::Seed => {
                self.live = LiveTrial::new(Arc::clone(self.live.prep()), n, self.live.trial);
                self.restart_monte_carlo();
                self.refresh_ghost();
            }
        }
    }

    fn move_selection(&mut self, delta: isize, same_topology: bool) {
        let order: Vec<(usize, usize)> = if same_topology {
            self.order()
                .into_iter()
                .filter(|&(k, _)| k == self.selected.0)
                .collect()
        } else {
            self.order()
        };
        if order.is_empty() {
            return;
        }
        let n = order.len() as isize;
        let at = order.iter().position(|&s| s == self.selected).unwrap_or(0) as isize;
        self.selected = order[(at + delta).rem_euclid(n) as usize];
    }

    fn click(&mut self, col: u16, row: u16) {
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        for k in 0..self.columns.len() {
            if let Some(b) = self
                .node_boxes(area, k)
                .into_iter()
                .find(|b| b.contains(col, row))
            {
                self.selected = (k, b.node);
                self.mode = Mode::Inspect;
                return;
            }
        }
    }

    /// Add a shock striking at the next step; if paused, run that step so it shows.
    fn add_user_shock(&mut self, spec: String, origin: ShockOrigin) -> bool {
        if self.live.finished() {
            self.status = Some(
                self.tr(
                    "the trial is over: press r to replay, then knock out",
                    "試驗已結束：先按 r 重播，再讓節點停擺",
                )
                .into(),
            );
            return false;
        }
        self.user_shocks.push(UserShock { spec, origin });
        match self.compile() {
            Ok(prep) => {
                // The new shock strikes at the next step: continuing is the
                // same as replaying the new scenario from step 0.
                let previous = Arc::clone(self.live.prep());
                self.live.extend_shocks(prep);
                self.start_ranking(Some(&previous));
                self.restart_monte_carlo();
                if self.ghost.is_none() {
                    self.refresh_ghost();
                }
                if self.paused {
                    self.step_once();
                }
                true
            }
            Err(e) => {
                self.user_shocks.pop();
                self.status = Some(clean(&format!("{e:#}")).into_owned());
                false
            }
        }
    }

    fn knock_out(&mut self) {
        let (k, i) = self.selected;
        let t = self.live.t();
        let id = self.base.topologies[k].nodes[i].id.clone();
        let label = self.node_label(k, i).to_string();
        let spec = format!("at={t},select=nodes,nodes={id}");
        if self.add_user_shock(spec, ShockOrigin::Manual(id.clone())) {
            let also = self
                .base
                .topologies
                .iter()
                .enumerate()
                .filter(|&(j, tp)| j != k && tp.node_index(&id).is_some())
                .count();
            let id = clean(&id);
            self.status = Some(match (also > 0, self.lang_zh) {
                (true, false) => format!(
                    "knocked out {label} at step {t} (and {id:?} in the other topology too)"
                ),
                (false, false) => format!("knocked out {label} at step {t}"),
                (true, true) => format!("第 {t} 步讓{label}停擺（另一個拓樸的 {id:?} 也一樣）"),
                (false, true) => format!("第 {t} 步讓{label}停擺"),
            });
        }
    }

    fn attack(&mut self) {
        let kind = self.next_attack;
        let t = self.live.t();
        let spec = format!("at={t},select={},count=1", kind.as_str());
        if self.add_user_shock(spec, ShockOrigin::Attack(kind)) {
            self.next_attack = kind.next();
            self.status = Some(if self.lang_zh {
                format!(
                    "第 {t} 步攻擊：每個拓樸中{}的節點（下一次：{}）",
                    attack_phrase_zh(kind),
                    attack_phrase_zh(self.next_attack)
                )
            } else {
                format!(
                    "attack at step {t}: {} node of every topology (next: {})",
                    attack_phrase(kind),
                    attack_phrase(self.next_attack)
                )
            });
        }
    }
}

/// How an attack is described to the user (the catalogue's
/// [`Attack::phrase`]).
pub fn attack_phrase(kind: Attack) -> &'static str {
    kind.phrase(Lang::En)
}

/// How an attack is described to the user, in Traditional Chinese.
pub fn attack_phrase_zh(kind: Attack) -> &'static str {
    kind.phrase(Lang::ZhTw)
}

/// Compile `base` with the sliders applied and every extra shock (command
/// line first, then the user's, in order), with the origin of every shock.
fn compile(
    base: &Scenario,
    params: &Params,
    cli: &[String],
    user: &[UserShock],
) -> anyhow::Result<(Arc<Prepared>, Vec<ShockOrigin>)> {
    let mut s = params.apply(base);
    let mut origins: Vec<ShockOrigin> = s
        .shocks
        .iter()
        .map(|sh| ShockOrigin::Scenario(sh.label.clone()))
        .collect();
    let extra = cli
        .iter()
        .map(|spec| (spec, ShockOrigin::Cli))
        .chain(user.iter().map(|u| (&u.spec, u.origin.clone())));
    for (spec, origin) in extra {
        let shock = parse_shock_arg(spec, &s).with_context(|| format!("--shock {spec}"))?;
        s.shocks.push(shock);
        origins.push(origin);
    }
    Ok((Arc::new(Prepared::new(s)?), origins))
}
