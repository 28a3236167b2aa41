//! Playback: how the trial on screen advances — paused or running, how
//! fast — and the keys that move it (space, `n`, `+`, `-`, `r`, `]`, `[`,
//! and the `g`/`s` number prompts).

use std::sync::Arc;
use std::time::Duration;

use super::live::LiveTrial;
use super::message::{Message, Outcome};
use super::mode::{InputKind, Mode};
use crate::lang::Lang;

/// Playback speeds in steps per second.
pub const SPEEDS: [f64; 9] = [1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0, 240.0];
/// Index into [`SPEEDS`] at start.
pub const DEFAULT_SPEED: usize = 3;

/// Paused or running, and how fast.
///
/// Invariant: `speed < SPEEDS.len()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playback {
    /// Stepping stopped.
    pub paused: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
}

impl Default for Playback {
    fn default() -> Self {
        Playback {
            paused: false,
            speed: DEFAULT_SPEED,
        }
    }
}

impl Playback {
    /// True while steps of `live` advance on their own: not paused, not
    /// finished, and the picker is not open (the trial waits behind it and
    /// goes on when it closes).
    pub fn running(&self, live: &LiveTrial, mode: &Mode) -> bool {
        !self.paused && !live.finished() && !matches!(mode, Mode::Picker { .. })
    }

    /// Time between steps at the current speed.
    pub fn tick_interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / SPEEDS[self.speed])
    }

    /// The playback keys, on the trial `live`.
    pub fn update(&mut self, msg: &Message, live: &mut LiveTrial) -> Outcome {
        match msg {
            Message::TogglePause => {
                if live.finished() {
                    replay(live);
                    self.paused = false;
                } else {
                    self.paused = !self.paused;
                }
            }
            Message::Step => {
                self.paused = true;
                return Outcome::Step;
            }
            Message::SpeedUp => self.speed = (self.speed + 1).min(SPEEDS.len() - 1),
            Message::SpeedDown => self.speed = self.speed.saturating_sub(1),
            Message::Replay => replay(live),
            Message::NextTrial => return goto(live, live.seed, live.trial.saturating_add(1)),
            Message::PrevTrial => return goto(live, live.seed, live.trial.saturating_sub(1)),
            _ => {}
        }
        Outcome::Nothing
    }

    /// The `g` (trial) or `s` (seed) prompt accepted with `text` typed.
    pub fn submit(
        &mut self,
        kind: InputKind,
        text: &str,
        live: &mut LiveTrial,
        lang: Lang,
    ) -> Outcome {
        let Ok(n) = text.parse::<u64>() else {
            return Outcome::Status(format!(
                "{} {text:?}",
                lang.pick("not a number:", "不是數字：")
            ));
        };
        match kind {
            InputKind::Trial => goto(live, live.seed, n),
            InputKind::Seed => {
                goto(live, n, live.trial);
                Outcome::NewSeed
            }
        }
    }
}

/// Run one step of `live`; what the message line says when there was none
/// left, or this was the last.
pub fn step(live: &mut LiveTrial, lang: Lang) -> Option<&'static str> {
    if live.step() {
        live.finished().then(|| {
            lang.pick(
                "trial over: r replays, ] next trial, space runs again",
                "試驗結束：r 重播，] 下一次試驗，空白鍵再跑一次",
            )
        })
    } else {
        Some(lang.pick(
            "the trial is over: press r to replay or ] for the next",
            "試驗已結束：按 r 重播或 ] 看下一次",
        ))
    }
}

/// Back to step 0 of the same trial (same shocks, same numbers).
fn replay(live: &mut LiveTrial) {
    goto(live, live.seed, live.trial);
}

/// Trial `trial` of `seed`, at step 0 (same compiled scenario).
fn goto(live: &mut LiveTrial, seed: u64, trial: u64) -> Outcome {
    *live = LiveTrial::new(Arc::clone(live.prep()), seed, trial);
    Outcome::NewTrial
}
