//! Which files each command reads and which it writes, so `main` can refuse
//! an output that names an input before any work
//! ([`refuse_inputs_as_outputs`]).

use std::path::{Path, PathBuf};

use super::args::Command;
use crate::front::output::{Target, refuse_inputs_as_outputs};

/// A scenario argument that names a file (not a built-in name).
fn scenario_file(arg: &str) -> Option<&Path> {
    let path = Path::new(arg);
    path.exists().then_some(path)
}

/// The names `report --out DIR` writes (or removes as stale) in its folder.
fn report_writes(name: &str) -> bool {
    name == crate::handout::MARKDOWN_FILE
        || name == crate::handout::HTML_FILE
        || name.ends_with(".svg")
        || name.ends_with(".png")
}

/// `(flag, file)` when the option is given.
fn file<'a>(flag: &'static str, p: &'a Option<PathBuf>) -> Option<(&'static str, Target<'a>)> {
    p.as_deref().map(|p| (flag, Target::File(p)))
}

impl Command {
    /// Refuse (exit 2) when an output of this command is one of its inputs.
    pub fn refuse_replacing_inputs(&self) -> Result<(), super::CliError> {
        let mut inputs: Vec<&Path> = Vec::new();
        let mut outputs: Vec<(&str, Target<'_>)> = Vec::new();
        match self {
            Command::Run(a) => {
                inputs.extend(a.scenarios.iter().filter_map(|s| scenario_file(s)));
                outputs.extend(file("--out", &a.out));
                outputs.extend(file("--per-trial", &a.per_trial));
            }
            Command::Trace(a) => {
                inputs.extend(scenario_file(&a.scenario));
                outputs.extend(file("--out", &a.out));
            }
            Command::Merge(a) => {
                inputs.extend(a.parts.iter().map(|p| p.as_path()));
                outputs.extend(file("--out", &a.out));
            }
            Command::Sweep(a) => {
                inputs.extend(a.scenarios.iter().filter_map(|s| scenario_file(s)));
                outputs.extend(file("--out", &a.out));
            }
            Command::Report(a) => {
                inputs.extend(a.scenarios.iter().filter_map(|s| scenario_file(s)));
                outputs.push(("--out", Target::Folder(&a.out, report_writes)));
            }
            Command::Risk(a) => {
                inputs.extend(scenario_file(&a.scenario));
                outputs.extend(file("--out", &a.out));
            }
            Command::Price(a) => {
                inputs.extend(scenario_file(&a.scenario));
                outputs.extend(file("--out", &a.out));
            }
            Command::Import(a) => {
                inputs.extend(a.files.iter().map(|p| p.as_path()));
                outputs.extend(file("--out", &a.out));
            }
            Command::Export(a) => {
                inputs.extend(scenario_file(&a.scenario));
                outputs.extend(file("--out", &a.out));
            }
            Command::Check(_)
            | Command::List(_)
            | Command::Show(_)
            | Command::Tui(_)
            | Command::Generate(_)
            | Command::Bench(_)
            | Command::New(_)
            | Command::Completions(_)
            | Command::Man(_)
            | Command::Schema(_) => {}
        }
        refuse_inputs_as_outputs(&inputs, &outputs)
            .map_err(|e| super::CliError::Usage(e.to_string()))
    }
}
