//! Shell completions and man pages, both generated from the clap definition
//! in [`crate::cli::args`], so they never drift from the real options.
//!
//! Like the report exporters, the generators return bytes; [`crate::front::output`]
//! writes them.

use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;

/// The binary's name as the user types it.
const BIN: &str = "chainmesh";

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut out);
    out
}

/// Every man page: `chainmesh.1` first, then one `chainmesh-SUBCOMMAND.1` per
/// visible subcommand, as (file name, roff) pairs.
fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    // As clap_mangen::generate_to does: no `help` subcommand page, and a
    // built command so subcommands are named `chainmesh-run` and so on.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    collect(cmd, &mut pages)?;
    Ok(pages)
}

fn collect(cmd: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let subcommands: Vec<clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    // Every page's footer names the program, not the subcommand ("run 0.1.0").
    let man = clap_mangen::Man::new(cmd).source(format!("{BIN} {}", env!("CARGO_PKG_VERSION")));
    let mut roff = Vec::new();
    man.render(&mut roff)
        .context("cannot render the man page")?;
    pages.push((man.get_filename(), roff));
    for sub in subcommands {
        collect(sub, pages)?;
    }
    Ok(())
}

/// `chainmesh man`: the top-level page to stdout, or every page into `out`
/// (created if missing; each file written atomically).
pub fn run_man(out: Option<&Path>) -> Result<()> {
    let pages = man_pages()?;
    match out {
        None => {
            let (_, top) = pages.first().context("no man page was generated")?;
            crate::front::output::emit(None, top)
        }
        Some(dir) => {
            let made = crate::front::output::MadeDir::create(dir)?;
            for (name, roff) in &pages {
                crate::front::output::write_atomic(&dir.join(name), roff)?;
            }
            made.keep();
            Ok(())
        }
    }
}
