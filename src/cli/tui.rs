//! `chainmesh tui`: the command line's half of starting the terminal UI.

use super::{CliError, SimArgs, TuiArgs};
use crate::front::launch::{Launch, TuiOptions};
use crate::scenario::builtin;

/// `chainmesh tui`: load and check everything the command line names (errors
/// print before the screen opens) and say what the TUI starts on.
pub fn prepare(args: TuiArgs) -> Result<Launch, CliError> {
    use std::io::IsTerminal as _;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(
            "the terminal UI needs a terminal (stdin and stdout are not both a terminal here); \
for numbers without one use `chainmesh run`, e.g. `chainmesh run agriculture`"
                .into(),
        ));
    }
    // Without a scenario the picker opens over the default one.
    let pick = args.scenario.is_none();
    let arg = args
        .scenario
        .unwrap_or_else(|| builtin::DEFAULT.to_string());
    let mut scenario = super::load(&arg)?;
    // The TUI starts from the scaled scenario; its sliders scale that further.
    super::apply_scales(&mut scenario, &args.sim.scales)?;
    // Validate --steps and --shock now so errors print before the screen opens.
    let mut checked = scenario.clone();
    super::apply_sim_args(
        &mut checked,
        &SimArgs {
            shocks: args.sim.shocks.clone(),
            scales: Vec::new(),
            ..args.sim.clone()
        },
    )?;
    scenario.steps = checked.steps;
    let seed = args.sim.seed.unwrap_or(scenario.seed);
    let options = TuiOptions {
        scenario,
        scenario_arg: arg,
        seed,
        trial: args.trial,
        shocks: args.sim.shocks,
        scales: args.sim.scales,
        lang_zh: args.lang == "zh-TW",
    };
    Ok(Launch {
        options,
        picker: pick,
    })
}
