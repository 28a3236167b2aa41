//! `--scale failure_rate=1.5,repair=2,shock=0.5`: multiply a scenario's own
//! values, exactly as the TUI's parameter panel (`p`) does, so every TUI
//! change has a command line that reproduces it.
//!
//! Invariants: the result is still a valid scenario — failure rates are
//! capped at 0.99, repair times and shock durations stay at least one step,
//! shock counts at least one node and fractions at most 1; `shock=0`
//! removes the file's scripted shocks; hazard rates are capped at 0.99 and
//! `hazard=0` removes the hazards (a file without them draws nothing for
//! them, as if it never had them). Several `--scale`s apply in order
//! (rounding makes two scalings differ from one by their product).

use super::ComposeError;
use crate::scenario::{Amount, Repair, Scenario, Selection};

/// Multipliers of the scenario's own values; all 1 means "as written".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// × every node's failure rate (capped at 0.99).
    pub failure_rate: f64,
    /// × every node's repair time (at least one step).
    pub repair: f64,
    /// × the file's scripted shocks' node counts, fractions and durations (0 removes them).
    pub shock: f64,
    /// × every hazard's strike rate (capped at 0.99; 0 removes the hazards).
    pub hazard: f64,
}

impl Default for Scale {
    fn default() -> Self {
        Scale {
            failure_rate: 1.0,
            repair: 1.0,
            shock: 1.0,
            hazard: 1.0,
        }
    }
}

/// The keys of `--scale`, in the order they are written back.
pub const KEYS: [&str; 4] = ["failure_rate", "repair", "shock", "hazard"];

impl Scale {
    /// Parse `failure_rate=1.5,repair=2,shock=0` (any subset, any order).
    pub fn parse(spec: &str) -> Result<Scale, ComposeError> {
        let mut s = Scale::default();
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (k, v) = item
                .split_once('=')
                .ok_or_else(|| ComposeError::ScaleItem(item.to_string()))?;
            let f: f64 = v
                .trim()
                .parse()
                .ok()
                .filter(|f: &f64| f.is_finite() && *f >= 0.0 && *f <= 1000.0)
                .ok_or_else(|| ComposeError::ScaleFactor {
                    key: k.to_string(),
                    value: v.to_string(),
                })?;
            match k.trim() {
                "failure_rate" => s.failure_rate = f,
                "repair" => {
                    if f == 0.0 {
                        return Err(ComposeError::ScaleZeroRepair);
                    }
                    s.repair = f
                }
                "shock" => s.shock = f,
                "hazard" => s.hazard = f,
                other => {
                    return Err(ComposeError::ScaleKey(other.to_string()));
                }
            }
        }
        Ok(s)
    }

    /// True when every multiplier is 1.
    pub fn is_identity(&self) -> bool {
        *self == Scale::default()
    }

    /// The `--scale` value that gives this scale (`None` when it is the identity).
    pub fn arg(&self) -> Option<String> {
        let parts: Vec<String> = KEYS
            .iter()
            .zip([self.failure_rate, self.repair, self.shock, self.hazard])
            .filter(|(_, v)| *v != 1.0)
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        (!parts.is_empty()).then(|| parts.join(","))
    }

    /// A copy of `base` with the multipliers applied (still valid).
    pub fn apply(&self, base: &Scenario) -> Scenario {
        let mut s = base.clone();
        if self.is_identity() {
            return s;
        }
        for topo in &mut s.topologies {
            for n in &mut topo.nodes {
                n.failure_rate = (n.failure_rate * self.failure_rate).clamp(0.0, 0.99);
                n.repair = scale_repair(n.repair, self.repair);
            }
        }
        if self.shock <= 0.0 {
            s.shocks.clear();
        } else {
            for sh in &mut s.shocks {
                sh.duration = sh.duration.map(|d| scale_steps(d, self.shock));
                sh.select = match &sh.select {
                    Selection::Random(a) => Selection::Random(scale_amount(*a, self.shock)),
                    Selection::Degree(a) => Selection::Degree(scale_amount(*a, self.shock)),
                    Selection::Betweenness(a) => {
                        Selection::Betweenness(scale_amount(*a, self.shock))
                    }
                    other => other.clone(),
                };
            }
        }
        if self.hazard <= 0.0 {
            s.hazards.clear();
        } else {
            for h in &mut s.hazards {
                h.rate = (h.rate * self.hazard).clamp(0.0, 0.99);
            }
        }
        s
    }
}

fn scale_steps(steps: u32, f: f64) -> u32 {
    ((f64::from(steps) * f).round() as u32).max(1)
}

/// A repair distribution with its times × `f` (at least one step).
pub fn scale_repair(r: Repair, f: f64) -> Repair {
    match r {
        Repair::Fixed { steps } => Repair::Fixed {
            steps: scale_steps(steps, f),
        },
        Repair::Uniform { min, max } => {
            let min = scale_steps(min, f);
            Repair::Uniform {
                min,
                max: scale_steps(max, f).max(min),
            }
        }
        Repair::Geometric { mean } => Repair::Geometric {
            mean: (mean * f).max(1.0),
        },
    }
}

fn scale_amount(a: Amount, f: f64) -> Amount {
    match a {
        Amount::Count(c) => Amount::Count((f64::from(c) * f).round().max(1.0) as u32),
        Amount::Fraction(x) => Amount::Fraction((x * f).min(1.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_arg_round_trip() {
        let s = Scale::parse("repair=2, failure_rate=1.5").expect("valid");
        assert_eq!(s.failure_rate, 1.5);
        assert_eq!(s.repair, 2.0);
        assert_eq!(s.shock, 1.0);
        assert_eq!(s.arg().as_deref(), Some("failure_rate=1.5,repair=2"));
        assert_eq!(Scale::parse(&s.arg().expect("arg")), Ok(s));
        assert_eq!(Scale::default().arg(), None);
        assert!(Scale::parse("speed=2").is_err());
        assert!(Scale::parse("failure_rate=-1").is_err());
        assert!(Scale::parse("repair=0").is_err());
    }

    /// Each kind of bad spec is its own variant, and its text is the
    /// message `--scale` has always printed.
    #[test]
    fn bad_specs_name_their_kind_in_the_old_words() {
        let cases = [
            (
                "speed",
                ComposeError::ScaleItem("speed".into()),
                "expected KEY=FACTOR such as failure_rate=1.5, found \"speed\"",
            ),
            (
                "failure_rate =-1",
                ComposeError::ScaleFactor {
                    key: "failure_rate ".into(),
                    value: "-1".into(),
                },
                "failure_rate : expected a factor between 0 and 1000, found \"-1\"",
            ),
            (
                "repair=0",
                ComposeError::ScaleZeroRepair,
                "repair: expected a factor above 0 (outages last at least one step)",
            ),
            (
                " speed =2",
                ComposeError::ScaleKey("speed".into()),
                "unknown key \"speed\"; expected failure_rate, repair, shock, hazard",
            ),
        ];
        for (spec, kind, text) in cases {
            let e = Scale::parse(spec).expect_err(spec);
            assert_eq!(e, kind, "{spec}");
            assert_eq!(e.to_string(), text, "{spec}");
        }
    }
}
