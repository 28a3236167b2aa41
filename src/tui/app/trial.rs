//! Keeping the trial on screen what the scenario, the sliders and the
//! shocks make it: compiling again, the Monte Carlo worker, the betweenness
//! ranking in the background (the trial waits for it), the ghost line, and
//! adding the user's shocks (`k`, `a`).

use std::sync::Arc;

use super::App;
use crate::sim::Prepared;
use crate::tui::live::LiveTrial;
use crate::tui::message::Outcome;
use crate::tui::playback;
use crate::tui::ranking::Poll;
use crate::tui::shocks::UserShock;
use crate::tui::text::clean;
use crate::tui::worker::McMode;

impl App {
    /// Recompute the ghost line (after anything that changes the trial).
    /// It waits while a betweenness ranking it needs is computed in the
    /// background: the UI thread never runs Brandes.
    pub(super) fn refresh_ghost(&mut self) {
        let without_user = self.shocks.without_user(&self.base, &self.params);
        let may_wait = self.mc_mode != McMode::Inline;
        self.ghost.refresh(without_user, &self.live, may_wait);
    }

    /// Rank the live scenario by betweenness in the background if it needs
    /// it, taking over what `previous` (the scenario it replaces) ranked.
    pub(super) fn start_ranking(&mut self, previous: Option<&Prepared>) {
        let prep = Arc::clone(self.live.prep());
        self.ranking
            .start(&prep, previous, self.mc_mode == McMode::Inline);
        self.ranking_progress();
    }

    /// Show the background ranking's progress; once done, clear it and
    /// draw the ghost line that waited. True while ranking.
    pub(super) fn ranking_progress(&mut self) -> bool {
        match self.ranking.poll(self.lang_zh) {
            Poll::Busy(status) => {
                self.status = Some(status);
                true
            }
            Poll::Idle { clear } => {
                if self.ghost.pending {
                    self.refresh_ghost();
                }
                if clear {
                    self.status = None;
                }
                false
            }
        }
    }

    /// Run one step, unless the background ranking holds the trial back.
    pub(super) fn step_once(&mut self) {
        if self.ranking_progress() {
            // The next step may need the ranking: wait for it.
            return;
        }
        let lang = self.lang();
        if let Some(status) = playback::step(&mut self.live, lang) {
            self.status = Some(status.into());
        }
    }

    /// Recompile (sliders, shocks changed), replay the trial, rerun Monte Carlo.
    pub(super) fn restart_all(&mut self) {
        match self.shocks.compile(&self.base, &self.params) {
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

    /// Rerun the Monte Carlo trials of the scenario on screen for its seed.
    pub(super) fn restart_monte_carlo(&mut self) {
        let prep = Arc::clone(self.live.prep());
        let trials = self.base.trials;
        self.mc.restart(prep, self.live.seed, trials);
    }

    /// `k`, `a`: add a shock striking at the next step; if paused, run that
    /// step so it shows. Once added, `status` goes to the message line.
    pub(super) fn add_user_shock(&mut self, shock: UserShock, status: String) -> Outcome {
        if self.live.finished() {
            return Outcome::Status(
                self.tr(
                    "the trial is over: press r to replay, then knock out",
                    "試驗已結束：先按 r 重播，再讓節點停擺",
                )
                .into(),
            );
        }
        self.shocks.push(shock);
        match self.shocks.compile(&self.base, &self.params) {
            Ok(prep) => {
                // The new shock strikes at the next step: continuing is the
                // same as replaying the new scenario from step 0.
                let previous = Arc::clone(self.live.prep());
                self.live.extend_shocks(prep);
                self.start_ranking(Some(&previous));
                self.restart_monte_carlo();
                if self.ghost.line.is_none() {
                    self.refresh_ghost();
                }
                if self.playback.paused {
                    self.step_once();
                }
                self.shocks.accepted();
                Outcome::Status(status)
            }
            Err(e) => {
                self.shocks.pop();
                Outcome::Status(clean(&format!("{e:#}")).into_owned())
            }
        }
    }
}
