//! `chainmesh sweep`: attack-tolerance curves.

use super::args::SweepArgs;
use super::{CliError, load_edited};
use crate::front::output::{check_writable, emit};
use crate::front::reproduce::Reproduce;
use crate::scenario::Scenario;
use crate::sweep::{
    Attack, DEFAULT_RANDOM_ORDERS, SweepOptions, SweepReport, chosen_attacks, serialize,
    sweep_scenario,
};

/// `chainmesh sweep`.
pub fn run(args: &SweepArgs) -> Result<(), CliError> {
    let scenarios = args
        .scenarios
        .iter()
        .map(|a| load_edited(a, &args.edit, "sweep"))
        .collect::<Result<Vec<_>, _>>()?;
    // A bad --out fails now, not after the sweep.
    if let Some(p) = args.out.as_deref() {
        check_writable(p)?;
    }
    let attacks = chosen_attacks(&args.attack);
    let pool = super::pool(args.work.threads)?;
    let reports: Vec<SweepReport> = pool.install(|| {
        scenarios
            .iter()
            .map(|s| {
                let opts = SweepOptions {
                    attacks: attacks.clone(),
                    points: args.points as usize,
                    trials: args.trials.unwrap_or(DEFAULT_RANDOM_ORDERS),
                    seed: args.seed.unwrap_or(s.seed),
                    adaptive: args.adaptive,
                };
                sweep_scenario(s, &opts)
            })
            .collect()
    });
    let command = sweep_command(args, &attacks, &scenarios);
    emit(
        args.out.as_deref(),
        &serialize(args.format, &reports, &command),
    )?;
    Ok(())
}

/// The command that reproduces a sweep (the seed is pinned for one scenario).
fn sweep_command(args: &SweepArgs, attacks: &[Attack], scenarios: &[Scenario]) -> String {
    let names: Vec<&str> = attacks.iter().map(|a| a.as_str()).collect();
    let mut c = Reproduce::new("sweep", &args.scenarios)
        .opt("attack", names.join(","))
        .opt("points", args.points)
        .sets(&args.edit.spelled());
    if attacks.contains(&Attack::Random) {
        c = c.opt("trials", args.trials.unwrap_or(DEFAULT_RANDOM_ORDERS));
        match (args.seed, scenarios) {
            (Some(s), _) => c = c.opt("seed", s),
            (None, [one]) => c = c.opt("seed", one.seed),
            (None, _) => {}
        }
    }
    let mut line = c.line();
    if args.adaptive && attacks.iter().any(|a| a.is_targeted()) {
        line.push_str(" --adaptive");
    }
    line
}
