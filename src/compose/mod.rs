//! Scenario files written by chainmesh itself: the commented template of
//! `chainmesh new` and the synthetic networks of `chainmesh generate`. Both
//! return TOML text; equal baselines come from the flow network.

mod error;
pub mod generate;
mod generate_bom;
pub mod scale;
pub mod template;

pub use error::ComposeError;
