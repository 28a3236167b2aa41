//! What both fronts (`cli`, `tui`) share, so that neither imports the
//! other: where output goes ([`output`]: atomic files, the input guard),
//! stop signals ([`signals`]), the command that reproduces a result
//! ([`reproduce`]) and what the command line hands the TUI ([`launch`]). The core knows nothing of this module.

pub mod launch;
pub mod output;
pub mod reproduce;
pub mod signals;
