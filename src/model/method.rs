//! Choosing, per topology and thread, between repairing the last max flow
//! and solving afresh (issue 11: "pick the method per topology so that
//! neither path loses").
//!
//! On exact (whole-number) networks both give the same bits, so the choice
//! changes only the time, never a result, and may therefore depend on the
//! clock. [`MethodChooser`] keeps a moving average of what each method
//! costs here and uses the cheaper one. The other method is tried now and
//! then (a *probe*) so that a change of regime is noticed; each probe that
//! confirms the choice doubles the wait before the next one (up to
//! [`PROBE_MAX`] calls), so the probes cost next to nothing once the choice
//! is settled.

/// How a step's max flow is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Repair the flow held from the last step.
    Repair,
    /// Solve from scratch.
    Fresh,
}

/// Calls between the first probes.
const PROBE_MIN: u32 = 16;
/// Most calls between two probes.
const PROBE_MAX: u32 = 4096;
/// Weight of a new measurement in the moving averages.
const WEIGHT: f64 = 0.125;

/// Moving averages of the cost of each method and the probing schedule.
#[derive(Debug, Clone)]
pub struct MethodChooser {
    /// Average cost (any unit, e.g. nanoseconds) of repair and of fresh.
    cost: [Option<f64>; 2],
    /// The method in use.
    current: Method,
    /// Calls until the next probe of the other method.
    until_probe: u32,
    /// Calls between probes now.
    interval: u32,
}

impl Default for MethodChooser {
    fn default() -> Self {
        MethodChooser {
            cost: [None, None],
            current: Method::Repair,
            until_probe: PROBE_MIN,
            interval: PROBE_MIN,
        }
    }
}

fn slot(m: Method) -> usize {
    match m {
        Method::Repair => 0,
        Method::Fresh => 1,
    }
}

fn other(m: Method) -> Method {
    match m {
        Method::Repair => Method::Fresh,
        Method::Fresh => Method::Repair,
    }
}

impl MethodChooser {
    /// A chooser that keeps `method` and never probes (for tests that
    /// check which method a step takes).
    #[cfg(test)]
    pub fn pinned(method: Method) -> Self {
        MethodChooser {
            current: method,
            until_probe: u32::MAX,
            interval: u32::MAX,
            ..MethodChooser::default()
        }
    }

    /// The method for the next call: the one in use, or the other one when
    /// a probe is due.
    pub fn next(&mut self) -> Method {
        if self.until_probe == 0 {
            self.until_probe = self.interval;
            return other(self.current);
        }
        self.until_probe -= 1;
        self.current
    }

    /// What the call just made with `method` cost.
    pub fn record(&mut self, method: Method, cost: f64) {
        let c = &mut self.cost[slot(method)];
        if method == self.current {
            *c = Some(match *c {
                Some(avg) => avg + WEIGHT * (cost - avg),
                None => cost,
            });
            return;
        }
        // The other method's average is as old as its last probe: this
        // probe replaces it.
        *c = Some(cost);
        // A probe: switch if the other method is now cheaper on average,
        // else wait twice as long before the next probe.
        let (Some(probe), Some(used)) = (self.cost[slot(method)], self.cost[slot(self.current)])
        else {
            return;
        };
        if probe < used {
            self.current = method;
            self.interval = PROBE_MIN;
        } else {
            self.interval = (self.interval * 2).min(PROBE_MAX);
        }
        self.until_probe = self.interval;
    }

    /// The method in use.
    #[cfg(test)]
    pub fn current(&self) -> Method {
        self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drive the chooser with fixed costs per method; count the calls of each.
    fn drive(c: &mut MethodChooser, calls: usize, repair: f64, fresh: f64) -> [usize; 2] {
        let mut n = [0; 2];
        for _ in 0..calls {
            let m = c.next();
            n[slot(m)] += 1;
            c.record(m, if m == Method::Repair { repair } else { fresh });
        }
        n
    }

    #[test]
    fn keeps_repairing_while_repair_is_cheaper_and_probes_ever_less() {
        let mut c = MethodChooser::default();
        let n = drive(&mut c, 100_000, 40.0, 600.0);
        assert_eq!(c.current(), Method::Repair);
        // Probes back off to one in PROBE_MAX calls.
        assert!(n[1] < 40, "{n:?}");
    }

    #[test]
    fn switches_to_fresh_when_fresh_is_cheaper() {
        let mut c = MethodChooser::default();
        let n = drive(&mut c, 10_000, 900.0, 600.0);
        assert_eq!(c.current(), Method::Fresh);
        assert!(n[0] < 100, "{n:?}");
    }

    #[test]
    fn follows_a_change_of_regime() {
        let mut c = MethodChooser::default();
        drive(&mut c, 10_000, 40.0, 600.0);
        assert_eq!(c.current(), Method::Repair);
        // Repair gets dear (e.g. many nodes now flip every step).
        drive(&mut c, 100_000, 2_000.0, 600.0);
        assert_eq!(c.current(), Method::Fresh);
        drive(&mut c, 100_000, 40.0, 600.0);
        assert_eq!(c.current(), Method::Repair);
    }
}
