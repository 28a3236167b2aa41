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
