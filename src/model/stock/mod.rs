//! The stages of a step after production (`docs/model.md`, "Inventory" and
//! section 1c): the stock solvers and the cost stage, built on the
//! primitives `network` lends the crate (its CSR builder and node-split
//! arcs, a flow network over extra arcs, the data of an assembly program).
//!
//! - `layout`: what both stock solvers share: the stocked nodes in rank
//!   order and their bounds ([`StockLayout`], [`stock_ranking`]), and what
//!   a step did ([`StockStep`]);
//! - `pool`: pool-only topologies, the three stock stages as nested
//!   maximum flows ([`StockNetwork`]);
//! - `pool_cost`: pool-only topologies, the cost stage as a minimum-cost
//!   flow with supplies ([`CostFlow`]);
//! - `assembly`: topologies with assemblers, the stock stages and the cost
//!   stage as a sequence of linear programs ([`StockProgram`]), with the
//!   cost stage's warm start from the calm step (`CalmStart`).

mod assembly;
mod layout;
mod pool;
mod pool_cost;

pub use assembly::StockProgram;
pub use layout::{StockLayout, StockStep, stock_ranking};
pub use pool::{StockNetwork, StockScratch};
pub use pool_cost::{CostFlow, CostScratch};
