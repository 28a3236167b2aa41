//! What can happen to the app, and which key means what in which mode.
//! Keys are mapped to a [`Message`] first; [`super::App::update`] never
//! looks at a key code. A pane's key handler answers with an [`Outcome`]:
//! what the rest of the app must do about it.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use super::mode::{InputKind, Mode};

/// Everything the app reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The step timer fired (only sent while running).
    Tick,
    /// Space: pause or resume.
    TogglePause,
    /// `n` / →: run one step.
    Step,
    /// `+`: faster.
    SpeedUp,
    /// `-`: slower.
    SpeedDown,
    /// `r`: replay the trial from step 0.
    Replay,
    /// `]`: next trial.
    NextTrial,
    /// `[`: previous trial.
    PrevTrial,
    /// Tab: select the next node (across topologies).
    SelectNext,
    /// Shift-Tab: select the previous node.
    SelectPrev,
    /// ↓: next node in the same topology.
    SelectDown,
    /// ↑: previous node in the same topology.
    SelectUp,
    /// Mouse click at (column, row).
    Click(u16, u16),
    /// `k`: knock out the selected node now.
    KnockOut,
    /// `a`: targeted attack on every topology (random / degree / betweenness in turn).
    Attack,
    /// `x`: drop every manual knock-out and attack.
    ClearShocks,
    /// `e`: export the trace and the Monte Carlo summary.
    Export,
    /// Open a popup or panel.
    Open(Mode),
    /// Close the popup or panel.
    Close,
    /// Copy the reproduce command to the clipboard (OSC 52) and close the popup.
    CopyCommand,
    /// In the parameter panel: choose the slider above / below.
    ParamUp,
    /// In the parameter panel: next slider.
    ParamDown,
    /// In the parameter panel: move the slider by this many notches.
    ParamNudge(i32),
    /// In the parameter panel: every slider back to ×1.
    ParamReset,
    /// In the sweep view: show φ or the giant component (where only one fits).
    ToggleSweepMetric,
    /// `f`: draw links by the flow they carry, the minimum cut highlighted (or not).
    ToggleFlow,
    /// `z`: colour nodes by their region (or not).
    ToggleRegions,
    /// In the picker, the search and the lesson: move by this many rows.
    Scroll(i32),
    /// In a number prompt or the search: type a character.
    Input(char),
    /// In a number prompt: delete the last character.
    Backspace,
    /// In a number prompt: accept; in the picker: open; in the search: inspect.
    Submit,
    /// The terminal was resized to (columns, rows).
    Resize(u16, u16),
    /// `q`, Esc, Ctrl-C.
    Quit,
}

/// What a pane's key handler asks of the rest of the app, once its own
/// state has changed ([`super::App::update`] carries it out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing more.
    Nothing,
    /// Show this in the message line.
    Status(String),
    /// Run one step (unless the background ranking holds the trial back).
    Step,
    /// Another trial of the same seed is on screen: draw the ghost line again.
    NewTrial,
    /// Another seed is on screen: rerun Monte Carlo, draw the ghost line again.
    NewSeed,
    /// The sliders or the user's shocks changed: compile again, replay the
    /// trial, rerun Monte Carlo; then show the status, if any.
    Recompile(Option<String>),
    /// A node was chosen: open the inspector.
    Inspect,
}

impl Message {
    /// The message for a terminal event in `mode`, if it means anything.
    pub fn from_event(event: &Event, mode: &Mode) -> Option<Message> {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => Self::from_key(key, mode),
            Event::Mouse(m) if m.kind == MouseEventKind::Down(MouseButton::Left) => {
                matches!(mode, Mode::Normal | Mode::Inspect)
                    .then_some(Message::Click(m.column, m.row))
            }
            Event::Resize(w, h) => Some(Message::Resize(*w, *h)),
            _ => None,
        }
    }

    /// The message for a key press in `mode`.
    pub fn from_key(key: &KeyEvent, mode: &Mode) -> Option<Message> {
        use Message as M;
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q')).then_some(M::Quit);
        }
        let code = key.code;
        match mode {
            Mode::Normal => Some(match code {
                KeyCode::Char('q') | KeyCode::Esc => M::Quit,
                KeyCode::Char(' ') => M::TogglePause,
                KeyCode::Char('n') | KeyCode::Right => M::Step,
                KeyCode::Char('+') | KeyCode::Char('=') => M::SpeedUp,
                KeyCode::Char('-') | KeyCode::Char('_') => M::SpeedDown,
                KeyCode::Char('r') => M::Replay,
                KeyCode::Char(']') => M::NextTrial,
                KeyCode::Char('[') => M::PrevTrial,
                KeyCode::Tab => M::SelectNext,
                KeyCode::BackTab => M::SelectPrev,
                KeyCode::Down => M::SelectDown,
                KeyCode::Up => M::SelectUp,
                KeyCode::Left => M::SelectPrev,
                KeyCode::Char('k') => M::KnockOut,
                KeyCode::Char('a') => M::Attack,
                KeyCode::Char('x') => M::ClearShocks,
                KeyCode::Char('e') => M::Export,
                KeyCode::Char('?') | KeyCode::F(1) => M::Open(Mode::Help),
                KeyCode::Char('p') => M::Open(Mode::Params { selected: 0 }),
                KeyCode::Char('c') => M::Open(Mode::Command),
                KeyCode::Char('w') => M::Open(Mode::Sweep { giant: false }),
                KeyCode::Char('g') => M::Open(Mode::Input {
                    kind: InputKind::Trial,
                    text: String::new(),
                }),
                KeyCode::Char('s') => M::Open(Mode::Input {
                    kind: InputKind::Seed,
                    text: String::new(),
                }),
                KeyCode::Enter => M::Open(Mode::Inspect),
                KeyCode::Char('/') => M::Open(Mode::Search {
                    text: String::new(),
                    selected: 0,
                }),
                KeyCode::Char('o') => M::Open(Mode::Picker { selected: 0 }),
                KeyCode::Char('l') => M::Open(Mode::Lesson { scroll: 0 }),
                KeyCode::Char('f') => M::ToggleFlow,
                KeyCode::Char('z') => M::ToggleRegions,
                _ => return None,
            }),
            // The inspector stays open while the main keys work; `q` closes it.
            Mode::Inspect => match code {
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => Some(M::Close),
                _ => Self::from_key(key, &Mode::Normal),
            },
            Mode::Search { .. } => Some(match code {
                KeyCode::Esc => M::Close,
                KeyCode::Enter => M::Submit,
                KeyCode::Backspace => M::Backspace,
                KeyCode::Up | KeyCode::BackTab => M::Scroll(-1),
                KeyCode::Down | KeyCode::Tab => M::Scroll(1),
                KeyCode::Char(c) if !c.is_control() => M::Input(c),
                _ => return None,
            }),
            Mode::Picker { .. } => Some(match code {
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('o') => M::Close,
                KeyCode::Enter => M::Submit,
                KeyCode::Up | KeyCode::Char('k') => M::Scroll(-1),
                KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => M::Scroll(1),
                KeyCode::PageUp => M::Scroll(-10),
                KeyCode::PageDown => M::Scroll(10),
                _ => return None,
            }),
            Mode::Lesson { .. } => Some(match code {
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('l') => M::Close,
                KeyCode::Up | KeyCode::Char('k') => M::Scroll(-1),
                KeyCode::Down | KeyCode::Char('j') | KeyCode::Char(' ') => M::Scroll(1),
                KeyCode::PageUp => M::Scroll(-10),
                KeyCode::PageDown => M::Scroll(10),
                _ => return None,
            }),
            // Any key closes the help (but ↑↓ scroll it when it is taller
            // than the screen) and the command popup.
            Mode::Help => Some(match code {
                KeyCode::Up => M::Scroll(-1),
                KeyCode::Down => M::Scroll(1),
                KeyCode::PageUp => M::Scroll(-10),
                KeyCode::PageDown => M::Scroll(10),
                _ => M::Close,
            }),
            // `y` copies the command popup's first command (OSC 52); any
            // other key closes it.
            Mode::Command if code == KeyCode::Char('y') => Some(M::CopyCommand),
            Mode::Command => Some(M::Close),
            Mode::Sweep { .. } => Some(match code {
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('w') | KeyCode::Char('q') => M::Close,
                KeyCode::Char('g') | KeyCode::Tab | KeyCode::BackTab => M::ToggleSweepMetric,
                _ => return None,
            }),
            Mode::Params { .. } => Some(match code {
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('p') | KeyCode::Char('q') => M::Close,
                KeyCode::Up | KeyCode::Char('k') => M::ParamUp,
                KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => M::ParamDown,
                KeyCode::Left | KeyCode::Char('-') | KeyCode::Char('h') => M::ParamNudge(-1),
                KeyCode::Right | KeyCode::Char('+') | KeyCode::Char('=') | KeyCode::Char('l') => {
                    M::ParamNudge(1)
                }
                KeyCode::Char('0') | KeyCode::Char('r') => M::ParamReset,
                _ => return None,
            }),
            Mode::Input { .. } => Some(match code {
                KeyCode::Esc => M::Close,
                KeyCode::Enter => M::Submit,
                KeyCode::Backspace => M::Backspace,
                KeyCode::Char(c) if c.is_ascii_digit() => M::Input(c),
                _ => return None,
            }),
        }
    }
}
