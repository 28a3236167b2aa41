//! `chainmesh report`: compute the handout, then write its files.

use std::path::Path;

use anyhow::Context;

use super::args::ReportArgs;
use super::command::Reproduce;
use super::output::AtomicFile;
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
    // Check the folder can be written before the (long) computation.
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    tempfile::Builder::new()
        .prefix(".chainmesh-check")
        .tempfile_in(&args.out)
        .with_context(|| format!("cannot write into {}", args.out.display()))?;
    let handout = handout::build(names, scenarios, args.trials, args.seed, &commands)?;
    write(&args.out, &handout)?;
    Ok(())
}

/// Hidden list of the files a report wrote into its folder, so the next
/// report into the same folder can remove its own stale charts (and only
/// those).
pub const MANIFEST: &str = ".chainmesh-report";

/// Write every file of `handout` into `dir` (created if missing), all or
/// nothing: every file is first written and flushed to a temporary sibling
/// (a full disk or an unwritable name fails here, with nothing replaced),
/// then all are renamed into place. Files listed in the folder's previous
/// [`MANIFEST`] that this report no longer writes (charts of a scenario
/// left out) are removed; nothing else in the folder is touched.
pub fn write(dir: &Path, handout: &Handout) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut pending = Vec::with_capacity(handout.files.len());
    for (name, bytes) in &handout.files {
        let mut f = AtomicFile::create(&dir.join(name))?;
        f.write(bytes)?;
        f.flush()?;
        pending.push(f);
    }
    let mut manifest = String::new();
    for (name, _) in &handout.files {
        manifest.push_str(name);
        manifest.push('\n');
    }
    let mut list = AtomicFile::create(&dir.join(MANIFEST))?;
    list.write(manifest.as_bytes())?;
    list.flush()?;
    let stale = stale_files(dir, handout);
    for f in pending {
        f.commit()?;
    }
    list.commit()?;
    for path in stale {
        std::fs::remove_file(&path)
            .with_context(|| format!("cannot remove the stale {}", path.display()))?;
    }
    Ok(())
}

/// Files of the previous report in `dir` that `handout` does not write:
/// names from the old manifest that look like a report's own files (plain
/// names, `.svg`/`.png`/`report.md`/`report.html`) and are regular files.
fn stale_files(dir: &Path, handout: &Handout) -> Vec<std::path::PathBuf> {
    let Ok(old) = std::fs::read_to_string(dir.join(MANIFEST)) else {
        return Vec::new();
    };
    old.lines()
        .filter(|name| {
            let own = name.ends_with(".svg")
                || name.ends_with(".png")
                || *name == handout::MARKDOWN_FILE
                || *name == handout::HTML_FILE;
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
