//! `chainmesh`: parse the command line, dispatch, map errors to exit codes.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use chainmesh::batch::{self, CliError};
use chainmesh::cli::{Cli, Command, RunArgs, SimArgs, TuiArgs};
use chainmesh::report::Format;
use chainmesh::scenario::builtin;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !matches!(e, CliError::Reported) {
                eprintln!("error: {e}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}

fn dispatch(command: Option<Command>) -> Result<(), CliError> {
    match command {
        Some(Command::Run(a)) => batch::run(&a),
        Some(Command::Trace(a)) => batch::trace(&a),
        Some(Command::Check(a)) => batch::check(&a),
        Some(Command::List) => batch::list(),
        Some(Command::Tui(a)) => tui(a),
        Some(Command::Generate(a)) => {
            let text = chainmesh::generate::generate(a.model, a.nodes as usize, a.seed);
            chainmesh::output::emit(a.out.as_deref(), text.as_bytes()).map_err(CliError::Other)
        }
        Some(Command::Merge(a)) => {
            chainmesh::partial::merge_files(&a.parts, a.format, a.out.as_deref())
        }
        Some(Command::Bench(a)) => chainmesh::bench::bench(&a),
        Some(Command::Sweep(a)) => chainmesh::sweep::run(&a),
        Some(Command::New(a)) => chainmesh::template::run(&a),
        Some(Command::Report(a)) => chainmesh::handout::run(&a),
        Some(Command::Completions(a)) => {
            let script = chainmesh::completions::completions(a.shell);
            chainmesh::output::emit(None, &script).map_err(CliError::Other)
        }
        Some(Command::Man(a)) => {
            chainmesh::completions::run_man(a.out.as_deref()).map_err(CliError::Other)
        }
        Some(Command::Schema(a)) => {
            let json = chainmesh::schema::scenario_schema_json();
            chainmesh::output::emit(a.out.as_deref(), json.as_bytes()).map_err(CliError::Other)
        }
        None if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() => {
            tui(TuiArgs::default())
        }
        // Not on a terminal (piped, CI): the default scenario's headless comparison.
        None => batch::run(&RunArgs {
            scenarios: vec![builtin::DEFAULT.to_string()],
            trials: None,
            sim: SimArgs::default(),
            threads: None,
            format: Format::Table,
            out: None,
            per_trial: None,
            trial_range: None,
            set: Vec::new(),
            quiet: true,
        }),
    }
}

fn tui(args: TuiArgs) -> Result<(), CliError> {
    // Without a scenario the picker opens over the default one.
    let pick = args.scenario.is_none();
    let arg = args
        .scenario
        .unwrap_or_else(|| builtin::DEFAULT.to_string());
    let mut scenario = batch::load(&arg)?;
    // Validate --steps and --shock now so errors print before the screen opens.
    let mut checked = scenario.clone();
    batch::apply_sim_args(
        &mut checked,
        &SimArgs {
            shocks: args.sim.shocks.clone(),
            ..args.sim.clone()
        },
    )?;
    scenario.steps = checked.steps;
    let seed = args.sim.seed.unwrap_or(scenario.seed);
    let options = chainmesh::tui::TuiOptions {
        scenario,
        scenario_arg: arg,
        seed,
        trial: args.trial,
        shocks: args.sim.shocks,
        lang_zh: args.lang == "zh-TW",
    };
    if pick {
        chainmesh::tui::run_picker(options)
    } else {
        chainmesh::tui::run(options)
    }
    .map_err(CliError::Other)
}
