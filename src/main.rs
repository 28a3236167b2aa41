//! `chainmesh`: parse the command line, dispatch, map errors to exit codes.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use chainmesh::cli::{self, Cli, CliError, Command, RunArgs, SetArgs, SimArgs, TuiArgs, WorkArgs};
use chainmesh::report::Format;
use chainmesh::scenario::builtin;

fn main() -> ExitCode {
    let cli = Cli::parse();
    chainmesh::front::output::set_quiet(cli.quiet);
    // Every command: a stop signal removes temporary files and exits 130.
    chainmesh::front::signals::install();
    // Batch commands say what they wrote; the TUI owns the screen (its own
    // status line says it).
    let batch = !matches!(cli.command, Some(Command::Tui(_)) | None);
    chainmesh::front::output::announce_writes(batch);
    let result = match &cli.command {
        Some(c) => c.refuse_replacing_inputs(),
        None => Ok(()),
    }
    .and_then(|()| dispatch(cli.command));
    // From here the process ends on its own: a late signal changes nothing.
    chainmesh::front::signals::finishing();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !matches!(e, CliError::Reported) {
                // Messages quote file content and arguments: never let them
                // drive the terminal.
                let message = e.to_string();
                eprintln!("error: {}", chainmesh::report::escape::terminal(&message));
            }
            ExitCode::from(e.exit_code())
        }
    }
}

fn dispatch(command: Option<Command>) -> Result<(), CliError> {
    match command {
        Some(Command::Run(a)) => cli::run::run(&a),
        Some(Command::Trace(a)) => cli::trace::trace(&a),
        Some(Command::Check(a)) => cli::check::check(&a),
        Some(Command::List(a)) => cli::list::list(&a),
        Some(Command::Show(a)) => cli::list::show(&a),
        Some(Command::Tui(a)) => tui(a),
        Some(Command::Generate(a)) => cli::generate::run(&a),
        Some(Command::Merge(a)) => cli::merge::merge_files(&a.parts, a.format, a.out.as_deref()),
        Some(Command::Bench(a)) => cli::bench::bench(&a),
        Some(Command::Sweep(a)) => cli::sweep::run(&a),
        Some(Command::New(a)) => cli::new::run(&a),
        Some(Command::Report(a)) => cli::report::run(&a),
        Some(Command::Risk(a)) => cli::risk::run(&a),
        Some(Command::Price(a)) => cli::price::run(&a),
        Some(Command::Completions(a)) => {
            let script = cli::completions::completions(a.shell);
            chainmesh::front::output::emit(None, &script).map_err(CliError::Other)
        }
        Some(Command::Man(a)) => {
            cli::completions::run_man(a.out.as_deref()).map_err(CliError::Other)
        }
        Some(Command::Schema(a)) => {
            let json = chainmesh::scenario::schema::scenario_schema_json();
            chainmesh::front::output::emit(a.out.as_deref(), json.as_bytes())
                .map_err(CliError::Other)
        }
        Some(Command::Import(a)) => cli::import::run_import(&a),
        Some(Command::Export(a)) => cli::import::run_export(&a),
        None if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() => {
            tui(TuiArgs::default())
        }
        // Not on a terminal (piped, CI): the default scenario's headless comparison.
        None => {
            // No progress bar over the comparison.
            chainmesh::front::output::set_quiet(true);
            cli::run::run(&RunArgs {
                scenarios: vec![builtin::DEFAULT.to_string()],
                trials: None,
                sim: SimArgs::default(),
                work: WorkArgs::default(),
                format: Format::Table,
                out: None,
                per_trial: None,
                trial_range: None,
                edit: SetArgs::default(),
            })
        }
    }
}

/// Start the TUI the command line prepared.
fn tui(args: TuiArgs) -> Result<(), CliError> {
    let launch = cli::tui::prepare(args)?;
    chainmesh::tui::launch(launch).map_err(CliError::Other)
}
