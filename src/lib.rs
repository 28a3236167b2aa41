//! chainmesh: why an ecosystem network survives shocks that break a linear
//! supply chain, measured.
//!
//! Layers, each depending only on those below it:
//! [`scenario`] (TOML → validated model) → [`network`] (flow network,
//! centrality) → [`sim`] (seeded Monte Carlo engine) → [`stats`] (summaries)
//! → front ends ([`report`], [`batch`], `tui`).

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod batch;
pub mod bench;
pub mod cli;
pub mod command;
pub mod completions;
pub mod generate;
pub mod handout;
pub mod import;
pub mod import_cmd;
pub mod network;
pub mod output;
pub mod param_sweep;
pub mod partial;
pub mod progress;
pub mod report;
pub mod scenario;
pub mod schema;
pub mod sim;
pub mod stats;
pub mod sweep;
pub mod template;
pub mod tui;
