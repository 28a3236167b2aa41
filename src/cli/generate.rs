//! `chainmesh generate`: a synthetic scenario for scale tests.

use super::CliError;
use super::args::GenerateArgs;
use super::output::emit;
use crate::compose::generate::generate;

/// `chainmesh generate`.
pub fn run(args: &GenerateArgs) -> Result<(), CliError> {
    let text = generate(args.model, args.nodes as usize, args.seed);
    emit(args.out.as_deref(), text.as_bytes()).map_err(CliError::Other)
}
