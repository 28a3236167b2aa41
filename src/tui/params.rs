//! The parameter panel's sliders: multipliers applied to a copy of the
//! scenario before it is compiled, and the panel's keys.

use super::message::Message;
use crate::compose::scale::Scale;
use crate::scenario::Scenario;

/// Which slider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// Every node's failure rate.
    FailureRate,
    /// Every node's repair time.
    RepairTime,
    /// The scenario file's scripted shocks (nodes taken and duration).
    ShockSize,
}

impl Param {
    /// Every slider, in panel order.
    pub const ALL: [Param; 3] = [Param::FailureRate, Param::RepairTime, Param::ShockSize];

    /// Slider label.
    pub fn label(self) -> &'static str {
        match self {
            Param::FailureRate => "failure rate",
            Param::RepairTime => "repair time",
            Param::ShockSize => "shock size",
        }
    }

    /// (min, max, step) of the multiplier.
    pub fn range(self) -> (f64, f64, f64) {
        match self {
            Param::FailureRate => (0.0, 5.0, 0.25),
            Param::RepairTime => (0.25, 4.0, 0.25),
            Param::ShockSize => (0.0, 3.0, 0.25),
        }
    }
}

/// Multipliers of the scenario's own values; all 1 means "as written".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// × every node's failure rate (capped below 1).
    pub failure: f64,
    /// × every node's repair time (at least one step).
    pub repair: f64,
    /// × the scripted shocks' node counts, fractions and durations (0 removes them).
    pub shock: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            failure: 1.0,
            repair: 1.0,
            shock: 1.0,
        }
    }
}

impl Params {
    /// True when every multiplier is 1.
    pub fn is_default(&self) -> bool {
        *self == Params::default()
    }

    /// The multiplier of `p`.
    pub fn get(&self, p: Param) -> f64 {
        match p {
            Param::FailureRate => self.failure,
            Param::RepairTime => self.repair,
            Param::ShockSize => self.shock,
        }
    }

    /// Move slider `p` by `steps` notches, within its range.
    pub fn nudge(&mut self, p: Param, steps: i32) {
        let (lo, hi, step) = p.range();
        let v = (self.get(p) + f64::from(steps) * step).clamp(lo, hi);
        // Snap to the grid so repeated nudges never drift.
        let v = (v / step).round() * step;
        match p {
            Param::FailureRate => self.failure = v,
            Param::RepairTime => self.repair = v,
            Param::ShockSize => self.shock = v,
        }
    }

    /// Short description of what differs from the file, e.g. `failure ×2, repair ×0.5`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for p in Param::ALL {
            let v = self.get(p);
            if v != 1.0 {
                parts.push(format!("{} ×{}", p.label(), v));
            }
        }
        parts.join(", ")
    }

    /// The same multipliers as a `--scale` (the command line that reproduces them).
    pub fn scale(&self) -> Scale {
        Scale {
            failure_rate: self.failure,
            repair: self.repair,
            shock: self.shock,
            hazard: 1.0,
        }
    }

    /// A copy of `base` with the multipliers applied (still valid).
    pub fn apply(&self, base: &Scenario) -> Scenario {
        self.scale().apply(base)
    }

    /// The panel's keys; `selected` is the highlighted slider while the
    /// panel is open (↑↓ and ←→ do nothing otherwise; `0` resets anyway).
    /// True when a multiplier changed (the scenario must be compiled again).
    pub fn update(&mut self, msg: &Message, selected: Option<&mut usize>) -> bool {
        let n = Param::ALL.len();
        match (msg, selected) {
            (Message::ParamUp, Some(s)) => *s = (*s + n - 1) % n,
            (Message::ParamDown, Some(s)) => *s = (*s + 1) % n,
            (Message::ParamNudge(d), Some(s)) => {
                let before = *self;
                self.nudge(Param::ALL[*s], *d);
                return *self != before;
            }
            (Message::ParamReset, _) if !self.is_default() => {
                *self = Params::default();
                return true;
            }
            _ => {}
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::scale::scale_repair;
    use crate::scenario::Repair;

    #[test]
    fn nudges_stay_on_the_grid_and_in_range() {
        let mut p = Params::default();
        for _ in 0..100 {
            p.nudge(Param::FailureRate, 1);
        }
        assert_eq!(p.failure, 5.0);
        for _ in 0..3 {
            p.nudge(Param::RepairTime, -1);
        }
        assert_eq!(p.repair, 0.25);
        p.nudge(Param::RepairTime, -1);
        assert_eq!(p.repair, 0.25);
        assert_eq!(p.describe(), "failure rate ×5, repair time ×0.25");
    }

    #[test]
    fn repair_scaling_keeps_at_least_one_step() {
        assert_eq!(
            scale_repair(Repair::Fixed { steps: 2 }, 0.25),
            Repair::Fixed { steps: 1 }
        );
        assert_eq!(
            scale_repair(Repair::Uniform { min: 2, max: 6 }, 2.0),
            Repair::Uniform { min: 4, max: 12 }
        );
    }
}
