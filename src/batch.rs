//! The headless commands: `run`, `trace`, `check`, `list`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use crate::cli::{CheckArgs, RunArgs, SimArgs, TraceArgs};
use crate::command::Reproduce;
use crate::output::{AtomicFile, emit};
use crate::partial::PartialRun;
use crate::report::{Format, RunReport, per_trial_header, per_trial_rows};
use crate::scenario::{InputError, Role, Scenario, builtin, parse_shock_arg};
use crate::sim::{
    FlowCache, Prepared, RunControl, TopologyRun, TrialMetrics, run_trials_streaming,
};
use crate::stats::Tally;
use crate::{param_sweep, progress};

/// What went wrong, and which exit code it gets.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad scenario file or `--shock` (exit 2).
    #[error("{0}")]
    Input(#[from] InputError),
    /// Bad combination of options (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Anything else, e.g. I/O (exit 1).
    #[error("{0:#}")]
    Other(#[from] anyhow::Error),
    /// Input errors already printed one by one (exit 2); nothing more to say.
    #[error("")]
    Reported,
    /// Ctrl-C during a run (exit 130); nothing was written.
    #[error("interrupted by Ctrl-C; no output was written")]
    Interrupted,
}

impl CliError {
    /// 2 for usage and input errors, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) | CliError::Usage(_) | CliError::Reported => 2,
            CliError::Other(_) => 1,
            CliError::Interrupted => 130,
        }
    }
}

/// Load a scenario from a file path or a built-in name.
pub fn load(arg: &str) -> Result<Scenario, CliError> {
    let path = Path::new(arg);
    if path.exists() {
        return Ok(Scenario::from_path(path)?);
    }
    let (origin, text) = load_text(arg)?;
    Ok(Scenario::from_toml(&origin, &text)?)
}

/// The origin name and TOML text of a file path or built-in name.
pub fn load_text(arg: &str) -> Result<(String, String), CliError> {
    let path = Path::new(arg);
    if path.exists() {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {arg}"))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            InputError::whole(
                arg,
                "",
                format!(
                    "the file is not valid UTF-8 (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        return Ok((arg.to_string(), text));
    }
    if let Some(b) = builtin::find(arg) {
        return Ok((format!("{}.toml (built-in)", b.name), b.text.to_string()));
    }
    let names: Vec<&str> = builtin::BUILTINS.iter().map(|b| b.name).collect();
    Err(CliError::Usage(format!(
        "no scenario file or built-in scenario named {arg:?}; built-ins: {} (see `chainmesh list`)",
        names.join(", ")
    )))
}

/// Apply `--steps` and append `--shock`s to a loaded scenario.
pub fn apply_sim_args(scenario: &mut Scenario, sim: &SimArgs) -> Result<(), CliError> {
    if let Some(steps) = sim.steps {
        if let Some(s) = scenario.shocks.iter().find(|s| s.at >= steps) {
            return Err(CliError::Usage(format!(
                "--steps {steps} is too short for {:?}: it has a shock at step {}",
                scenario.name, s.at
            )));
        }
        scenario.steps = steps;
    }
    for spec in &sim.shocks {
        let shock = parse_shock_arg(spec, scenario)?;
        scenario.shocks.push(shock);
    }
    Ok(())
}

fn load_prepared(arg: &str, sim: &SimArgs) -> Result<Prepared, CliError> {
    let mut s = load(arg)?;
    apply_sim_args(&mut s, sim)?;
    Ok(Prepared::new(s))
}

/// `chainmesh run`.
pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let preps = args
        .scenarios
        .iter()
        .map(|a| load_prepared(a, &args.sim))
        .collect::<Result<Vec<_>, _>>()?;
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads {
        pool = pool.num_threads(n as usize);
    }
    let pool = pool.build().context("cannot start worker threads")?;
    if let Some(range) = &args.trial_range {
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
        let seed = args.sim.seed.unwrap_or(prep.scenario.seed);
        let tally = run_with_progress(
            &pool,
            prep,
            seed,
            range.clone(),
            &args.scenarios[0],
            args.quiet,
            &mut |_, _| Ok(()),
        )?;
        let part = PartialRun::new(
            prep,
            &args.scenarios[0],
            seed,
            &args.sim.shocks,
            &tally,
            range.clone(),
        );
        let mut bytes = serde_json::to_vec(&part).context("cannot encode the partial result")?;
        bytes.push(b'\n');
        emit(args.out.as_deref(), &bytes)?;
        return Ok(());
    }
    if !args.set.is_empty() {
        return run_parameter_sweep(args, &pool);
    }
    let command = run_command(args, &preps);
    // Per-trial rows stream to a temporary file as chunks finish; it is
    // renamed into place only when every run completed.
    let many = preps.len() > 1;
    let mut per_trial = match &args.per_trial {
        Some(path) => {
            let mut f = AtomicFile::create(path)?;
            f.write(per_trial_header(many, &command).as_bytes())?;
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
            args.quiet,
            &mut |first, rows| match per_trial.as_mut() {
                Some(f) => f.write(per_trial_rows(&p.scenario, many, first, rows).as_bytes()),
                None => Ok(()),
            },
        )?;
        reports.push(RunReport::new(p, seed, &tally));
    }
    if let Some(f) = per_trial {
        f.commit()?;
    }
    emit(
        args.out.as_deref(),
        &args.format.exporter().serialize(&reports, &command),
    )?;
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
        stop: progress::interrupt_flag(),
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
fn run_parameter_sweep(args: &RunArgs, pool: &rayon::ThreadPool) -> Result<(), CliError> {
    if args.per_trial.is_some() {
        return Err(CliError::Usage(
            "--set writes one tidy table; --per-trial is not supported with it".into(),
        ));
    }
    let combos = param_sweep::combinations(&args.set);
    let keys: Vec<String> = args.set.iter().map(|s| s.key.clone()).collect();
    let mut rows = Vec::new();
    for arg in &args.scenarios {
        let (origin, text) = load_text(arg)?;
        for combo in &combos {
            let mut edited = text.clone();
            for (k, v) in combo {
                edited = param_sweep::apply(&edited, k, v).map_err(CliError::Usage)?;
            }
            let shown: Vec<String> = combo.iter().map(|(k, v)| param_sweep::show(k, v)).collect();
            let mut scenario =
                Scenario::from_toml(&format!("{origin} with --set {}", shown.join(" ")), &edited)?;
            apply_sim_args(&mut scenario, &args.sim)?;
            let prep = Prepared::new(scenario);
            let seed = args.sim.seed.unwrap_or(prep.scenario.seed);
            let trials = args.trials.unwrap_or(prep.scenario.trials);
            let label = format!("{arg} {}", shown.join(" "));
            let tally = run_with_progress(
                pool,
                &prep,
                seed,
                0..trials,
                &label,
                args.quiet,
                &mut |_, _| Ok(()),
            )?;
            rows.push(param_sweep::SweepRow {
                set: combo.clone(),
                report: RunReport::new(&prep, seed, &tally),
            });
        }
    }
    let mut cmd = given_options(args);
    for spec in &args.set {
        let values: Vec<String> = spec
            .values
            .iter()
            .map(|v| match v {
                toml::Value::String(s) => s.clone(),
                v => v.to_string(),
            })
            .collect();
        cmd = cmd.opt("set", format!("{}={}", spec.key, values.join(",")));
    }
    let command = cmd.shocks(&args.sim.shocks).line();
    let bytes = match args.format {
        Format::Csv => param_sweep::tidy_csv(&keys, &rows, &command),
        Format::Table => param_sweep::tidy_table(&keys, &rows, &command, false),
        Format::Markdown => param_sweep::tidy_table(&keys, &rows, &command, true),
        Format::Json => {
            let mut b =
                serde_json::to_vec_pretty(&serde_json::json!({ "command": command, "runs": rows }))
                    .context("cannot encode JSON")?;
            b.push(b'\n');
            b
        }
    };
    emit(args.out.as_deref(), &bytes)?;
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
    c.shocks(&args.sim.shocks).line()
}

/// `chainmesh run <scenarios>` with the seed, trials and steps the user gave.
fn given_options(args: &RunArgs) -> Reproduce {
    Reproduce::new("run", &args.scenarios)
        .opt_some("seed", args.sim.seed)
        .opt_some("trials", args.trials)
        .opt_some("steps", args.sim.steps)
}

/// One row of a trace: a step of one topology.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceRow {
    /// Step index.
    pub step: u32,
    /// Topology index.
    pub topology: usize,
    /// Max flow at the step.
    pub throughput: f64,
    /// φ at the step.
    pub service: f64,
    /// Ids of the nodes down at the step.
    pub down: Vec<usize>,
}

/// Every step of trial `trial` for the chosen topologies, step-major.
pub fn trace_rows(prep: &Prepared, seed: u64, trial: u64, topologies: &[usize]) -> Vec<TraceRow> {
    let mut runs: Vec<(usize, TopologyRun, FlowCache)> = topologies
        .iter()
        .map(|&k| {
            (
                k,
                TopologyRun::new(prep, k, seed, trial),
                FlowCache::default(),
            )
        })
        .collect();
    let mut rows = Vec::new();
    for _ in 0..prep.scenario.steps {
        for (k, run, cache) in &mut runs {
            if let Some(r) = run.step(prep, cache) {
                let down = (0..run.down_mask().len())
                    .filter(|&i| run.is_down(i))
                    .collect();
                rows.push(TraceRow {
                    step: r.step,
                    topology: *k,
                    throughput: r.throughput,
                    service: r.service,
                    down,
                });
            }
        }
    }
    rows
}

/// `chainmesh trace`.
pub fn trace(args: &TraceArgs) -> Result<(), CliError> {
    let prep = load_prepared(&args.scenario, &args.sim)?;
    let topologies: Vec<usize> = match &args.topology {
        None => (0..prep.topologies.len()).collect(),
        Some(id) => vec![prep.scenario.topology_index(id).ok_or_else(|| {
            let ids: Vec<&str> = prep
                .scenario
                .topologies
                .iter()
                .map(|t| t.id.as_str())
                .collect();
            CliError::Usage(format!(
                "--topology {id:?} is not in the scenario; its topologies: {}",
                ids.join(", ")
            ))
        })?],
    };
    let seed = args.sim.seed.unwrap_or(prep.scenario.seed);
    let mut cmd = Reproduce::new("trace", &[&args.scenario])
        .opt("seed", seed)
        .opt("trial", args.trial)
        .opt("steps", prep.scenario.steps);
    if let Some(t) = &args.topology {
        cmd = cmd.opt("topology", t);
    }
    let command = cmd.shocks(&args.sim.shocks).line();
    let out = trace_csv(&prep, seed, args.trial, &topologies, &command);
    emit(args.out.as_deref(), &out)?;
    Ok(())
}

/// The `chainmesh trace` CSV of one trial: a `# command` line, then
/// `step,topology,throughput,service,down` rows (down = node ids joined by `;`).
pub fn trace_csv(
    prep: &Prepared,
    seed: u64,
    trial: u64,
    topologies: &[usize],
    command: &str,
) -> Vec<u8> {
    let mut out = format!("# {command}\nstep,topology,throughput,service,down\n");
    for row in trace_rows(prep, seed, trial, topologies) {
        let topo = &prep.scenario.topologies[row.topology];
        let down: Vec<&str> = row
            .down
            .iter()
            .map(|&i| topo.nodes[i].id.as_str())
            .collect();
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            row.step,
            crate::report::csv_field(&topo.id),
            row.throughput,
            row.service,
            crate::report::csv_field(&down.join(";"))
        );
    }
    out.into_bytes()
}

/// Human-readable description of a scenario for `check`.
pub fn describe(arg: &str, s: &Scenario) -> String {
    let prep = Prepared::new(s.clone());
    let mut out = String::new();
    let _ = writeln!(out, "{arg}: ok — {} [{}]", s.name, s.sector);
    if let Some(l) = &s.lesson {
        let _ = writeln!(out, "  lesson: {l}");
    }
    let _ = writeln!(
        out,
        "  {} steps, {} trials, seed {}, service level {}",
        s.steps, s.trials, s.seed, s.service_level
    );
    for (t, p) in s.topologies.iter().zip(&prep.topologies) {
        let ids = |r: Role| {
            t.nodes
                .iter()
                .filter(|n| n.role == r)
                .map(|n| n.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            out,
            "  topology {:<12} {:>3} nodes {:>3} links  baseline {:<8}  {}",
            t.id,
            t.nodes.len(),
            t.links.len(),
            p.net.baseline(),
            t.label
        );
        let _ = writeln!(out, "    sources: {}", ids(Role::Source));
        let _ = writeln!(out, "    sinks:   {}", ids(Role::Sink));
        for line in crate::scenario::bom::describe(t) {
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
    for (i, sh) in s.shocks.iter().enumerate() {
        let _ = writeln!(
            out,
            "  shock {i}: step {} {:?}{}{}",
            sh.at,
            sh.select,
            sh.duration
                .map(|d| format!(" for {d} steps"))
                .unwrap_or_default(),
            sh.label
                .as_ref()
                .map(|l| format!(" — {l}"))
                .unwrap_or_default()
        );
    }
    out
}

/// `chainmesh check`: every file is checked, errors reported in argument
/// order; exit 2 if any fails.
pub fn check(args: &CheckArgs) -> Result<(), CliError> {
    let mut failed = false;
    for arg in &args.scenarios {
        match load(arg) {
            Ok(s) => emit(None, describe(arg, &s).as_bytes())?,
            Err(e) => {
                failed = true;
                eprintln!("error: {e}");
            }
        }
    }
    if failed {
        Err(CliError::Reported)
    } else {
        Ok(())
    }
}

/// `chainmesh list`.
pub fn list() -> Result<(), CliError> {
    let mut out = String::new();
    for b in builtin::BUILTINS {
        match Scenario::from_toml(b.name, b.text) {
            Ok(s) => {
                let topos: Vec<String> = s
                    .topologies
                    .iter()
                    .map(|t| format!("{} ({} nodes)", t.id, t.nodes.len()))
                    .collect();
                let _ = writeln!(out, "{:<22} {:<14} {}", b.name, s.sector, s.name);
                let _ = writeln!(out, "{:<22} {:<14} {}", "", "", topos.join(" vs "));
            }
            Err(e) => {
                let _ = writeln!(out, "{:<22} (invalid: {})", b.name, e.summary());
            }
        }
    }
    emit(None, out.as_bytes())?;
    Ok(())
}
