//! `chainmesh new`: write a commented scenario file to start from.

use std::io::Write as _;
use std::path::PathBuf;

use super::CliError;
use super::args::NewArgs;
use crate::compose::template::{Template, default_nodes, file_name, min_nodes, render, stages};
use crate::front::reproduce::shell_quote;
use crate::scenario::{Scenario, Sector};
use crate::sim::Prepared;

/// `chainmesh new`: write the file, never over an existing one.
fn new_scenario(
    name: &str,
    template: Template,
    sector: Sector,
    nodes: Option<usize>,
) -> Result<PathBuf, CliError> {
    let path = file_name(name);
    let min = min_nodes(sector);
    let nodes = nodes.unwrap_or_else(|| default_nodes(template, sector));
    if nodes < min {
        return Err(CliError::Usage(format!(
            "--nodes {nodes} is too few for sector {sector}: it has {min} stages ({}), one firm each at least",
            stages(sector).join(" → ")
        )));
    }
    let stem = path
        .file_stem()
        .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned());
    let text = render(&stem, &path.display().to_string(), template, sector, nodes);
    // Never hand out a file that `check` would reject.
    Scenario::from_toml(&path.display().to_string(), &text)
        .and_then(Prepared::new)
        .map_err(|e| {
            CliError::Other(anyhow::anyhow!("internal error: template is invalid: {e}"))
        })?;
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(CliError::Usage(format!(
                "{} already exists; refusing to overwrite it (choose another NAME or delete the file)",
                path.display()
            )));
        }
        Err(e) => {
            return Err(CliError::Other(anyhow::anyhow!(
                "cannot create {}: {e}",
                path.display()
            )));
        }
    };
    if let Err(e) = file.write_all(text.as_bytes()) {
        drop(file);
        let _ = std::fs::remove_file(&path);
        return Err(CliError::Other(anyhow::anyhow!(
            "cannot write {}: {e}",
            path.display()
        )));
    }
    Ok(path)
}

/// `chainmesh new` from its arguments; reports the written path on stderr.
pub fn run(args: &NewArgs) -> Result<(), CliError> {
    let sector = Sector::ALL
        .into_iter()
        .find(|s| s.as_str() == args.sector)
        .ok_or_else(|| CliError::Usage(format!("unknown --sector {:?}", args.sector)))?;
    let nodes = args.nodes.map(|n| n as usize);
    let path = new_scenario(&args.name, args.template, sector, nodes)?;
    crate::front::output::wrote(&path);
    if !crate::front::output::quiet() {
        eprintln!(
            "next: chainmesh check {}",
            shell_quote(&path.display().to_string())
        );
    }
    Ok(())
}
