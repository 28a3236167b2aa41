//! What both fronts (`cli`, `tui`) share, so that neither imports the
//! other: where output goes ([`output`]: atomic files, the input guard),
//! stop signals ([`signals`]) and the command that reproduces a result
//! ([`reproduce`]). The core knows nothing of this module.

pub mod output;
pub mod reproduce;
pub mod signals;
