//! `chainmesh report`: compute the handout, then write its files.

use std::path::Path;

use anyhow::Context;

use super::args::ReportArgs;
use super::{CliError, apply_sim_args, load_edited};
use crate::front::output::{AtomicFile, MadeDir};
use crate::front::reproduce::Reproduce;
use crate::handout::{self, Commands, Handout};
use crate::lang::Lang;

/// `chainmesh report`.
pub fn run(args: &ReportArgs) -> Result<(), CliError> {
    // The same edits, in the same order, as `run`: --set, then --scale,
    // --steps and --shock.
    let scenarios = args
        .scenarios
        .iter()
        .map(|a| {
            let mut s = load_edited(a, &args.edit, "report")?;
            apply_sim_args(&mut s, &args.sim)?;
            Ok(s)
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    // With one scenario, the commands pin the values its numbers came from.
    let (trials, seed, steps) = match scenarios.as_slice() {
        [s] => (
            Some(args.trials.unwrap_or(s.trials)),
            Some(args.sim.seed.unwrap_or(s.seed)),
            Some(s.steps),
        ),
        _ => (args.trials, args.sim.seed, args.sim.steps),
    };
    let names = &args.scenarios;
    let lang = Lang::parse(&args.lang).unwrap_or_default();
    let with_edits = |c: Reproduce| {
        c.opt_some("trials", trials)
            .opt_some("seed", seed)
            .opt_some("steps", steps)
            .sets(&args.edit.spelled())
            .scales(&args.sim.scales)
            .shocks(&args.sim.shocks)
            .line()
    };
    let commands = Commands {
        run: with_edits(Reproduce::new("run", names)),
        report: with_edits(
            Reproduce::new("report", names)
                .opt("out", "DIR")
                .opt_some("lang", (lang.is_zh()).then_some(lang.as_str())),
        ),
    };
    // Check the folder can be written before the (long) computation; a
    // folder made here goes again if the report fails.
    let made = MadeDir::create(&args.out)?;
    crate::front::output::check_writable(&args.out.join(handout::MARKDOWN_FILE))?;
    let pool = super::pool(args.work.threads)?;
    let handout = pool
        .install(|| {
            handout::build(
                names,
                scenarios,
                args.trials,
                args.sim.seed,
                &commands,
                lang,
            )
        })
        // Every failed build is exit 1, as before the typed error: the
        // scenarios were checked when loaded (exit 2 there).
        .map_err(|e| CliError::Other(anyhow::Error::new(e)))?;
    write(&args.out, &handout)?;
    made.keep();
    Ok(())
}

/// Write every file of `handout` into `dir` (created if missing), all or
/// nothing: every file is first written and flushed to a temporary sibling
/// (a full disk or an unwritable name fails here, with nothing replaced),
/// then all are renamed into place. Charts the folder's previous
/// `report.md` linked that this report no longer writes (a scenario left
/// out) are removed; nothing else in the folder is touched.
pub fn write(dir: &Path, handout: &Handout) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut pending = Vec::with_capacity(handout.files.len());
    for (name, bytes) in &handout.files {
        let mut f = AtomicFile::create(&dir.join(name))?;
        f.write(bytes)?;
        f.flush()?;
        pending.push(f);
    }
    let stale = stale_files(dir, handout);
    for f in pending {
        f.commit()?;
    }
    for path in stale {
        std::fs::remove_file(&path)
            .with_context(|| format!("cannot remove the stale {}", path.display()))?;
        crate::front::output::removed(&path);
    }
    Ok(())
}

/// Charts of the previous report in `dir` that `handout` does not write:
/// the plain `.svg`/`.png` names its `report.md` links (`](name.svg)`),
/// that are regular files.
fn stale_files(dir: &Path, handout: &Handout) -> Vec<std::path::PathBuf> {
    let Ok(old) = std::fs::read_to_string(dir.join(handout::MARKDOWN_FILE)) else {
        return Vec::new();
    };
    let linked: Vec<&str> = old
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(name, _)| name))
        .collect();
    linked
        .into_iter()
        .filter(|name| {
            let own = name.ends_with(".svg") || name.ends_with(".png");
            let plain = !name.is_empty()
                && !name.starts_with('.')
                && !name.contains(['/', '\\'])
                && Path::new(name).file_name() == Some(std::ffi::OsStr::new(name));
            own && plain && !handout.files.iter().any(|(n, _)| n == name)
        })
        .map(|name| dir.join(name))
        .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
        .collect()
}
