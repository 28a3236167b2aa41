//! What can go wrong in the handout layer. [`super::build`] fails with a
//! chart that cannot be drawn or encoded, or a scenario that fails its
//! checks; the sweep and the risk tables ([`super::data`]) fail per scenario
//! or topology and the handout shows the text of the error instead. The
//! command line maps every variant of a failed build to exit 1; the text of
//! each is the message printed.

use std::sync::Arc;

use super::data::{MAX_RISK_NODES, MAX_SWEEP_NODES};
use crate::scenario::InputError;

/// A handout, chart, sweep or risk table that could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HandoutError {
    /// The scenario failed its checks (simulation input).
    #[error(transparent)]
    Input(#[from] InputError),
    /// plotters could not draw a chart (`format`: `SVG` or `PNG`).
    #[error("cannot draw the {format} chart: {message}")]
    Chart {
        /// `SVG` or `PNG`.
        format: &'static str,
        /// What plotters said.
        message: String,
    },
    /// The PNG encoder failed (its error is the source).
    #[error("cannot encode PNG")]
    PngEncoding(#[source] Arc<png::EncodingError>),
    /// A topology too large for the handout's attack-tolerance sweep.
    #[error(
        "topology `{id}` has {nodes} nodes (the handout sweeps at most {max}; use `chainmesh sweep`)",
        max = MAX_SWEEP_NODES
    )]
    SweepTooLarge {
        /// Topology id.
        id: String,
        /// Its node count.
        nodes: usize,
    },
    /// A topology too large for the handout's risk table.
    #[error(
        "topology `{id}` has {nodes} nodes (the handout computes risk for at most {max}; use `chainmesh risk`)",
        max = MAX_RISK_NODES
    )]
    RiskTooLarge {
        /// Topology id.
        id: String,
        /// Its node count.
        nodes: usize,
    },
    /// The risk computation returned fewer tables than topologies asked for.
    #[error("no risk table")]
    NoRiskTable,
    /// The price of resilience could not be computed.
    #[error("cannot price the scenario: {0}")]
    Price(String),
}
