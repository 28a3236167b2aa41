//! `chainmesh report`: compute the handout, then write its files.

use std::path::Path;

use anyhow::Context;

use super::args::ReportArgs;
use super::command::Reproduce;
use super::output::write_atomic;
use super::{CliError, load};
use crate::handout::{self, Commands, Handout};

/// `chainmesh report`.
pub fn run(args: &ReportArgs) -> Result<(), CliError> {
    let scenarios = args
        .scenarios
        .iter()
        .map(|a| load(a))
        .collect::<Result<Vec<_>, _>>()?;
    // With one scenario, the commands pin the values its numbers came from.
    let (trials, seed) = match scenarios.as_slice() {
        [s] => (
            Some(args.trials.unwrap_or(s.trials)),
            Some(args.seed.unwrap_or(s.seed)),
        ),
        _ => (args.trials, args.seed),
    };
    let names = &args.scenarios;
    let commands = Commands {
        run: Reproduce::new("run", names)
            .opt_some("trials", trials)
            .opt_some("seed", seed)
            .line(),
        report: Reproduce::new("report", names)
            .opt("out", "DIR")
            .opt_some("trials", trials)
            .opt_some("seed", seed)
            .line(),
    };
    let pool = super::pool(args.threads)?;
    let handout =
        pool.install(|| handout::build(names, scenarios, args.trials, args.seed, &commands))?;
    write(&args.out, &handout)?;
    Ok(())
}

/// Write every file of `handout` into `dir` (created if missing), atomically each.
pub fn write(dir: &Path, handout: &Handout) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, bytes) in &handout.files {
        write_atomic(&dir.join(name), bytes)?;
    }
    Ok(())
}
