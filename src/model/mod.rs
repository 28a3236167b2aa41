//! What one step means, in one place: the throughput of the nodes that are
//! up (max flow or the assembly program), the stock stages after it, the
//! state a trial carries between steps, and the keys a cache may memoise
//! on ([`StepModel`]). The throughput solvers it calls live in `network`
//! and know no time and no stock; the solvers of the stock stages and the
//! cost stage live here (`stock`), built on `network`'s primitives. The
//! engine (`sim`) decides *when* things happen and asks the model for each
//! step.

mod cache;
mod cost;
mod inventory;
mod mask;
mod method;
mod payoff;
mod step;
mod stock;

pub use cache::{FlowCache, IdleKey};
pub use cost::{CostMemo, CostModel, Witnessed};
pub use inventory::Inventory;
pub use step::{StepModel, StepOutcome, StepState};
pub use stock::{
    CostFlow, CostScratch, StockLayout, StockNetwork, StockProgram, StockScratch, StockStep,
    stock_ranking,
};
