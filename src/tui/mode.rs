//! Which screen or prompt has the keyboard: shared by the key mapping
//! ([`super::message`]) and the app state ([`super::app`]). The prompts'
//! text lives here too, and so do the keys that edit it.

/// What has the keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The main screen.
    Normal,
    /// The help overlay.
    Help,
    /// The parameter panel, with the highlighted slider.
    Params {
        /// Index into [`Param::ALL`](super::params::Param::ALL).
        selected: usize,
    },
    /// The reproduce-command popup.
    Command,
    /// `w`: the attack-tolerance sweep, full screen.
    Sweep {
        /// Show the giant-component curves where only one metric fits (else φ).
        giant: bool,
    },
    /// Enter or a click on the selected node: the node inspector beside the
    /// graphs (selection, stepping and pausing keys keep working).
    Inspect,
    /// `/`: find a node by name or id (either language).
    Search {
        /// Text typed so far.
        text: String,
        /// Index into the matches of the highlighted one.
        selected: usize,
    },
    /// `o`: the scenario picker.
    Picker {
        /// Index into [`Picker::entries`](super::picker::Picker::entries) of the highlighted entry.
        selected: usize,
    },
    /// `l`: the scenario's whole lesson.
    Lesson {
        /// Lines scrolled off the top.
        scroll: u16,
    },
    /// A number prompt.
    Input {
        /// What the number is for.
        kind: InputKind,
        /// Digits typed so far.
        text: String,
    },
}

/// What a number prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// `g`: a trial index.
    Trial,
    /// `s`: a seed.
    Seed,
}

impl Mode {
    /// A typed character: into the number prompt (at most 20) or the
    /// search (at most 40, back to the first match); elsewhere nothing.
    pub fn type_char(&mut self, c: char) {
        match self {
            Mode::Input { text, .. } if text.len() < 20 => text.push(c),
            Mode::Search { text, selected } if text.chars().count() < 40 => {
                text.push(c);
                *selected = 0;
            }
            _ => {}
        }
    }

    /// Backspace in the number prompt or the search.
    pub fn backspace(&mut self) {
        match self {
            Mode::Input { text, .. } => {
                text.pop();
            }
            Mode::Search { text, selected } => {
                text.pop();
                *selected = 0;
            }
            _ => {}
        }
    }
}

/// Row `at` of `n` moved by `d`, kept on a row (0 when there is none).
pub fn step(at: usize, n: usize, d: i32) -> usize {
    if n == 0 {
        0
    } else {
        (at as i64 + i64::from(d)).clamp(0, n as i64 - 1) as usize
    }
}

/// A scroll offset moved by `d` lines, within `u16`.
pub fn scroll_by(at: u16, d: i32) -> u16 {
    (i64::from(at) + i64::from(d)).clamp(0, i64::from(u16::MAX)) as u16
}
