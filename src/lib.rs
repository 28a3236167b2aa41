//! chainmesh: why an ecosystem network survives shocks that break a linear
//! supply chain, measured.
//!
//! Layers, each depending only on those below it (no import circles):
//!
//! ```text
//! scenario            TOML → validated Scenario (format, errors, schema, built-ins)
//! network             pure solvers that know no time and no stock: flow network,
//!                     assembly program, centrality, layers
//! model               what one step means: production, the stock solvers and the
//!                     cost stage (model/stock), the state a trial carries, the
//!                     keys a cache may memoise on
//! metrics             the one table of per-trial metrics (names, groups, labels, ranges)
//! sim                 seeded Monte Carlo engine: events in time (compiles a Scenario: Prepared)
//! stats               exact distributions and summaries
//! compose             scenario files chainmesh writes (`new` template, generators)
//! sweep               attack curves
//! price               expected costs over a grid of risk scales, the break-even
//! lang                the one catalogue of English / Traditional Chinese words
//! report              one exporter per format (bytes out), partial results and merge
//! handout             the lecturer's handout: document and charts (files as bytes)
//! front               what both fronts share: atomic output and the input guard,
//!                     stop signals, the reproduce command
//! cli                 clap types, one file per command, errors → exit codes
//! tui                 the terminal UI (uses front, never cli)
//! ```
//!
//! Only `front`, `cli` and `tui` know of a command line or a terminal; `cli`
//! and `tui` never import each other.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod cli;
pub mod compose;
pub mod front;
pub mod handout;
pub mod import;
pub mod lang;
pub mod metrics;
pub mod model;
pub mod network;
pub mod price;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod sweep;
pub mod tui;
