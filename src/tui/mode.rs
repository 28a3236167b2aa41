//! Which screen or prompt has the keyboard: shared by the key mapping
//! ([`super::message`]) and the app state ([`super::app`]).

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
        /// Index into [`App::picker`](super::app::App::picker) of the highlighted entry.
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
