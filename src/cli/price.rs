//! `chainmesh price`: expected cost per topology over a grid of risk
//! scales, and where each topology becomes cheaper than the first.

use super::args::PriceArgs;
use super::{CliError, load_edited, progress};
use crate::front::output::Output;
use crate::front::reproduce::Reproduce;
use crate::lang::{Lang, localize};
use crate::price::{PriceError, PriceOptions, price};
use crate::report::price::serialize;
use crate::scenario::Num;
use crate::sim::RunControl;

/// `chainmesh price`.
pub fn run(args: &PriceArgs) -> Result<(), CliError> {
    let lang = Lang::parse(&args.lang).unwrap_or_default();
    let scenario = localize(load_edited(&args.scenario, &args.edit, "price")?, lang);
    if !scenario.has_costs() {
        // Before any output is opened or any trial runs.
        return Err(CliError::Usage(
            PriceError::NoCosts(scenario.name.clone()).to_string(),
        ));
    }
    // A bad --out fails now, not after the trials.
    let out = Output::open(args.out.as_deref())?;
    let opts = PriceOptions {
        scales: args.scales.0.clone(),
        trials: args.trials.unwrap_or(scenario.trials),
        seed: args.seed.unwrap_or(scenario.seed),
    };
    let pool = super::pool(args.work.threads)?;
    let total = opts.trials.saturating_mul(opts.scales.len() as u64);
    let bar = progress::bar(total, &args.scenario, crate::front::output::quiet());
    let ctl = RunControl {
        on_trial: &|| bar.inc(1),
        stop: crate::front::signals::stop_flag(),
    };
    let priced = pool.install(|| price(&scenario, &opts, &ctl));
    bar.finish_and_clear();
    let report = match priced {
        Ok(Some(r)) => r,
        Ok(None) => return Err(CliError::Interrupted),
        Err(PriceError::Input(e)) => return Err(e.into()),
        Err(e) => return Err(CliError::Usage(e.to_string())),
    };
    let scales: Vec<String> = opts.scales.iter().map(|s| Num(*s).to_string()).collect();
    let mut cmd = Reproduce::new("price", &[&args.scenario])
        .opt("scales", scales.join(","))
        .opt("trials", opts.trials)
        .opt("seed", opts.seed)
        .sets(&args.edit.spelled());
    if lang != Lang::En {
        cmd = cmd.opt("lang", lang.as_str());
    }
    out.emit(&serialize(args.format, &report, &cmd.line(), lang))?;
    Ok(())
}
