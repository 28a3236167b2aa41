//! `chainmesh generate`: a synthetic scenario for scale tests.

use super::CliError;
use super::args::GenerateArgs;
use crate::compose::generate::{Model, generate_with};
use crate::front::output::emit;

/// `chainmesh generate`.
pub fn run(args: &GenerateArgs) -> Result<(), CliError> {
    if args.needs && args.model != Model::Layered {
        return Err(CliError::Usage(
            "--needs needs --model layered (the other models have two-way links, which cannot touch an assembler)".into(),
        ));
    }
    let text = generate_with(args.model, args.nodes as usize, args.seed, args.needs);
    emit(args.out.as_deref(), text.as_bytes()).map_err(CliError::Other)
}
