//! `chainmesh check`: validate scenario files and describe them.

use std::fmt::Write as _;

use super::args::CheckArgs;
use super::{CliError, load};
use crate::front::output::emit;
use crate::report::escape::{terminal, visible};
use crate::scenario::Role;
use crate::sim::Prepared;

/// Human-readable description of a scenario for `check`.
pub fn describe(arg: &str, prep: &Prepared) -> String {
    let s = &prep.scenario;
    let mut out = String::new();
    let _ = writeln!(out, "{arg}: ok — {} [{}]", visible(&s.name), s.sector);
    if let Some(l) = &s.lesson {
        let _ = writeln!(out, "  lesson: {}", visible(l));
    }
    let _ = writeln!(
        out,
        "  {} steps, {} trials, seed {}, service level {}",
        s.steps,
        s.trials,
        s.seed,
        crate::scenario::Num(s.service_level)
    );
    for (t, p) in s.topologies.iter().zip(&prep.topologies) {
        // At most LISTED names a line: a generated file has thousands.
        const LISTED: usize = 20;
        let ids = |r: Role| {
            let all: Vec<&str> = t
                .nodes
                .iter()
                .filter(|n| n.role == r)
                .map(|n| n.id.as_str())
                .collect();
            let mut line = all[..all.len().min(LISTED)].join(", ");
            if all.len() > LISTED {
                line.push_str(&format!(", … and {} more", all.len() - LISTED));
            }
            line
        };
        let _ = writeln!(
            out,
            "  topology {:<12} {:>3} nodes {:>3} links  baseline {:<8}  {}",
            t.id,
            t.nodes.len(),
            t.links.len(),
            p.net.baseline(),
            visible(&t.label)
        );
        let _ = writeln!(out, "    sources: {}", ids(Role::Source));
        let _ = writeln!(out, "    sinks:   {}", ids(Role::Sink));
        for line in crate::scenario::bom::describe(t)
            .into_iter()
            .chain(crate::scenario::stock::describe(t))
            .chain(crate::scenario::cost::describe(
                t,
                prep.scenario.currency(),
                Some(p.calm_cost()),
            ))
            .chain(crate::scenario::hazard::describe(t))
        {
            let _ = writeln!(out, "    {line}");
        }
    }
    let baselines: Vec<f64> = prep.topologies.iter().map(|p| p.net.baseline()).collect();
    if baselines
        .windows(2)
        .any(|w| (w[0] - w[1]).abs() > 1e-9 * w[0].abs().max(1.0))
    {
        let _ = writeln!(
            out,
            "  note: baselines differ, so service levels are relative to different totals"
        );
    }
    let hits = crate::report::notes::shock_hits(prep);
    for (sh, h) in s.shocks.iter().zip(&hits) {
        let mut line = crate::report::notes::hits_line(h, s);
        if let Some(d) = sh.duration {
            line.push_str(&format!("; {d} steps"));
        }
        let _ = writeln!(out, "  {}", visible(&line));
    }
    for line in crate::scenario::hazard::describe_hazards(&s.hazards, &s.topologies, s.steps) {
        let _ = writeln!(out, "  {}", visible(&line));
    }
    out
}

/// `chainmesh check`: every file is checked, errors reported in argument
/// order; exit 2 if any fails.
pub fn check(args: &CheckArgs) -> Result<(), CliError> {
    let mut failed = false;
    for arg in &args.scenarios {
        match load(arg).and_then(|s| Ok(Prepared::new(s)?)) {
            Ok(prep) => emit(None, terminal(&describe(arg, &prep)).as_bytes())?,
            Err(e) => {
                failed = true;
                eprintln!("error: {}", terminal(&e.to_string()));
            }
        }
    }
    if failed {
        Err(CliError::Reported)
    } else {
        Ok(())
    }
}
