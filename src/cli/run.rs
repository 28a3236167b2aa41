//! `chainmesh run`: Monte Carlo trials into a comparison table, a partial
//! result (`--trial-range`) or a parameter sweep (`--set`).

use anyhow::Context;

use super::args::RunArgs;
use super::{CliError, apply_sim_args, load_combination, load_prepared, progress, set};
use crate::front::output::{AtomicFile, Output, distinct_outputs, write_atomic};
use crate::front::reproduce::Reproduce;
use crate::report::partial::PartialRun;
use crate::report::{Format, RunReport, per_trial_header, per_trial_rows};
use crate::scenario::InputError;
use crate::sim::{Prepared, RunControl, TrialMetrics, run_trials_streaming};
use crate::stats::Tally;

/// `chainmesh run`.
pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let preps = args
        .scenarios
        .iter()
        .map(|a| load_prepared(a, &args.sim))
        .collect::<Result<Vec<_>, _>>()?;
    let pool = super::pool(args.work.threads)?;
    // Every output path is checked (and its temporary file created) before
    // the first trial, so a bad `--out` fails now, not after an hour.
    distinct_outputs(&[
        ("--per-trial", args.per_trial.as_deref()),
        ("--out", args.out.as_deref()),
    ])
    .map_err(|e| CliError::Usage(e.to_string()))?;
    let out = Output::open(args.out.as_deref())?;
    if let Some(range) = &args.trial_range {
        use std::io::IsTerminal;
        partial_destination(args.out.as_deref(), std::io::stdout().is_terminal())?;
        let [prep] = preps.as_slice() else {
            return Err(CliError::Usage(
                "--trial-range takes exactly one scenario".into(),
            ));
        };
        if (args.format != Format::Json && args.format != Format::Table) || args.per_trial.is_some()
        {
            return Err(CliError::Usage(
                "--trial-range writes a partial result (JSON) for `chainmesh merge`; drop --format/--per-trial".into(),
            ));
        }
        // A partial records only scenario, seed, steps and shocks: any other
        // option would be accepted here and then silently lost at `merge`.
        if !args.edit.set.is_empty() {
            return Err(CliError::Usage(
                "--set cannot be combined with --trial-range: a partial result does not record the edit, so `merge` would report the unedited scenario; write the edited scenario to a file and run --trial-range on it".into(),
            ));
        }
        if args.trials.is_some() {
            return Err(CliError::Usage(
                "--trials cannot be combined with --trial-range: the range A..B already says which trials run".into(),
            ));
        }
        let seed = args.sim.seed.unwrap_or(prep.scenario.seed);
        let tally = run_with_progress(
            &pool,
            prep,
            seed,
            range.clone(),
            &args.scenarios[0],
            crate::front::output::quiet(),
            &mut |_, _| Ok(()),
        )?;
        let part = PartialRun::new(
            prep,
            &args.scenarios[0],
            seed,
            (&args.sim.shocks, &args.sim.scales),
            &tally,
            range.clone(),
        );
        let mut bytes = serde_json::to_vec(&part).context("cannot encode the partial result")?;
        bytes.push(b'\n');
        out.emit(&Format::Json.finish(bytes))?;
        return Ok(());
    }
    if !args.edit.set.is_empty() {
        return run_parameter_sweep(args, &pool, out);
    }
    let command = run_command(args, &preps);
    // Per-trial rows stream to a temporary file as chunks finish; it is
    // renamed into place only when every run completed.
    let many = preps.len() > 1;
    let groups = preps
        .iter()
        .map(|p| crate::metrics::MetricGroups::of(&p.scenario))
        .fold(Default::default(), crate::metrics::MetricGroups::union);
    let mut per_trial = match &args.per_trial {
        Some(path) => {
            let mut f = AtomicFile::create(path)?;
            f.write(per_trial_header(many, groups).as_bytes())?;
            Some(f)
        }
        None => None,
    };
    let mut reports = Vec::with_capacity(preps.len());
    for (p, arg) in preps.iter().zip(&args.scenarios) {
        let seed = args.sim.seed.unwrap_or(p.scenario.seed);
        let trials = args.trials.unwrap_or(p.scenario.trials);
        let tally = run_with_progress(
            &pool,
            p,
            seed,
            0..trials,
            arg,
            crate::front::output::quiet(),
            &mut |first, rows| match per_trial.as_mut() {
                Some(f) => f.write(per_trial_rows(p, (many, groups), first, rows).as_bytes()),
                None => Ok(()),
            },
        )?;
        reports.push(RunReport::new(p, seed, &tally));
    }
    if let Some(f) = per_trial {
        f.commit()?;
        if let Some(path) = &args.per_trial {
            write_atomic(&command_sidecar(path), format!("{command}\n").as_bytes())?;
        }
    }
    out.emit(&args.format.exporter().serialize(&reports, &command))?;
    Ok(())
}

/// Where each finished chunk of trials goes besides the tally (e.g. the
/// `--per-trial` file): `(first_trial, rows)` in trial order.
type ChunkSink<'a> = dyn FnMut(u64, &[TrialMetrics]) -> anyhow::Result<()> + Send + 'a;

/// Run trials with a progress bar (on a terminal) and Ctrl-C cancellation,
/// reducing them chunk by chunk into a [`Tally`] (bounded memory).
fn run_with_progress(
    pool: &rayon::ThreadPool,
    prep: &Prepared,
    seed: u64,
    range: std::ops::Range<u64>,
    label: &str,
    quiet: bool,
    sink: &mut ChunkSink<'_>,
) -> Result<Tally, CliError> {
    let bar = progress::bar(range.end - range.start, label, quiet);
    let ctl = RunControl {
        on_trial: &|| bar.inc(1),
        stop: crate::front::signals::stop_flag(),
    };
    let mut tally = Tally::new(prep.topologies.len());
    let mut failed = None;
    let done = pool.install(|| {
        run_trials_streaming(prep, seed, range, &ctl, &mut |first, rows| {
            tally.add_rows(rows);
            if failed.is_none() {
                failed = sink(first, rows).err();
            }
        })
    });
    bar.finish_and_clear();
    if let Some(e) = failed {
        return Err(e.into());
    }
    if done {
        Ok(tally)
    } else {
        Err(CliError::Interrupted)
    }
}

/// `run --set ...`: every combination of the given values, one tidy table.
fn run_parameter_sweep(
    args: &RunArgs,
    pool: &rayon::ThreadPool,
    out: Output,
) -> Result<(), CliError> {
    if args.per_trial.is_some() {
        return Err(CliError::Usage(
            "--set writes one tidy table; --per-trial is not supported with it".into(),
        ));
    }
    let count = set::check_combination_count(&args.edit.set).map_err(CliError::Usage)?;
    let keys: Vec<String> = args.edit.set.iter().map(|s| s.key.clone()).collect();
    let mut rows = Vec::new();
    for arg in &args.scenarios {
        for index in 0..count {
            let combo = &set::combination(&args.edit.set, index);
            let mut scenario = load_combination(arg, combo)?;
            apply_sim_args(&mut scenario, &args.sim)?;
            // Errors name the --set, not a place in the generated document.
            let prep = Prepared::new(scenario)
                .map_err(|e| InputError::whole(&e.origin, e.field, e.message))?;
            let shown: Vec<String> = combo.iter().map(|(k, v)| set::show(k, v)).collect();
            let seed = args.sim.seed.unwrap_or(prep.scenario.seed);
            let trials = args.trials.unwrap_or(prep.scenario.trials);
            let label = format!("{arg} {}", shown.join(" "));
            let tally = run_with_progress(
                pool,
                &prep,
                seed,
                0..trials,
                &label,
                crate::front::output::quiet(),
                &mut |_, _| Ok(()),
            )?;
            rows.push(set::SweepRow {
                set: combo.clone(),
                report: RunReport::new(&prep, seed, &tally),
            });
        }
    }
    set::add_shock_size_warnings(&mut rows);
    let cmd = given_options(args).sets(&args.edit.spelled());
    let command = cmd.scales(&args.sim.scales).shocks(&args.sim.shocks).line();
    let bytes = match args.format {
        Format::Csv => set::tidy_csv(&keys, &rows, &command),
        Format::Table => set::tidy_table(&keys, &rows, &command, false),
        Format::Markdown => set::tidy_table(&keys, &rows, &command, true),
        Format::Json => {
            let mut b =
                serde_json::to_vec_pretty(&serde_json::json!({ "command": command, "runs": rows }))
                    .context("cannot encode JSON")?;
            b.push(b'\n');
            Format::Json.finish(b)
        }
    };
    out.emit(&bytes)?;
    Ok(())
}

/// The command that reproduces a run: for one scenario every value that
/// matters is pinned; for several, the options the user gave.
fn run_command(args: &RunArgs, preps: &[Prepared]) -> String {
    let c = match preps {
        [p] => Reproduce::new("run", &args.scenarios)
            .opt("seed", args.sim.seed.unwrap_or(p.scenario.seed))
            .opt("trials", args.trials.unwrap_or(p.scenario.trials))
            .opt("steps", p.scenario.steps),
        _ => given_options(args),
    };
    c.scales(&args.sim.scales).shocks(&args.sim.shocks).line()
}

/// `chainmesh run <scenarios>` with the seed, trials and steps the user gave.
fn given_options(args: &RunArgs) -> Reproduce {
    Reproduce::new("run", &args.scenarios)
        .opt_some("seed", args.sim.seed)
        .opt_some("trials", args.trials)
        .opt_some("steps", args.sim.steps)
}

/// Where `--trial-range` may write its partial result: a file (`--out`), or
/// stdout when that is redirected. On a terminal the JSON would scroll past
/// and be of no use to `chainmesh merge`: a usage error saying to add `--out`.
fn partial_destination(
    out: Option<&std::path::Path>,
    stdout_is_terminal: bool,
) -> Result<(), CliError> {
    if out.is_none() && stdout_is_terminal {
        return Err(CliError::Usage(
            "--trial-range writes a partial result (JSON) for `chainmesh merge`, and stdout is a terminal: add --out FILE (or redirect stdout to a file)".into(),
        ));
    }
    Ok(())
}

/// `FILE.command`: the reproduce command of a `--per-trial` FILE, kept out
/// of the CSV so `pandas.read_csv(FILE)` needs no options.
pub fn command_sidecar(path: &std::path::Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".command");
    std::path::PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_result_is_never_printed_on_a_terminal() {
        let err = partial_destination(None, true).expect_err("refused on a terminal");
        assert!(
            matches!(&err, CliError::Usage(m) if m.contains("add --out FILE")),
            "{err:?}"
        );
        assert!(
            partial_destination(None, false).is_ok(),
            "a pipe or file is fine"
        );
        let file = std::path::Path::new("part-0.json");
        assert!(partial_destination(Some(file), true).is_ok());
        assert!(partial_destination(Some(file), false).is_ok());
    }
}
