//! The stock of one topology: the nested-max-flow step for pool-only
//! topologies, the linear-program step when there are assemblers (both
//! compute the three stages of `docs/model.md`, "Inventory").

use crate::network::FlowNetwork;
use crate::scenario::Topology;

use super::stock::{StockLayout, StockNetwork, StockProgram, StockScratch, StockStep};

/// How one topology's stocked steps are computed.
#[derive(Debug, Clone)]
pub enum Inventory {
    /// Pool-only: nested maximum flows.
    Flow(StockNetwork),
    /// With assemblers: a sequence of linear programs.
    Program(StockProgram),
}

impl Inventory {
    /// Compile `topo`, whose own flow network is `net`; `None` when no node
    /// holds stock.
    pub fn new(topo: &Topology, net: &FlowNetwork) -> Option<Inventory> {
        let baseline = net.baseline();
        if topo.nodes.iter().any(|n| n.is_assembler()) {
            StockProgram::new(topo, baseline).map(Inventory::Program)
        } else {
            StockNetwork::new(topo, baseline).map(|s| Inventory::Flow(s.seeded(topo, net)))
        }
    }

    /// The stocked nodes and their bounds.
    fn layout(&self) -> &StockLayout {
        match self {
            Inventory::Flow(s) => s.layout(),
            Inventory::Program(s) => s.layout(),
        }
    }

    /// The stocked nodes in rank order (nearest a sink first, ties by id).
    pub fn ranked(&self) -> &[usize] {
        self.layout().ranked()
    }

    /// Per rank: the level at step 0.
    pub fn initial(&self) -> &[f64] {
        self.layout().initial()
    }

    /// Per rank: the most units held.
    pub fn max(&self) -> &[f64] {
        self.layout().max()
    }

    /// The tolerance of levels and deliveries (1e-9 of the largest capacity or stock).
    pub fn tol(&self) -> f64 {
        self.layout().tol()
    }

    /// Rank `j`'s level after drawing `y` and refilling `r`, snapped to 0
    /// or max within the tolerance (as every step does).
    pub fn settle(&self, j: usize, level: f64, y: f64, r: f64) -> f64 {
        self.layout().settle(j, level, y, r)
    }

    /// Would [`step`](Self::step) start from a production flow given to it
    /// ([`StockScratch::wants_production`])? Pool-only topologies only.
    pub fn wants_production(&self, down: &[bool], scratch: &StockScratch) -> bool {
        match self {
            Inventory::Flow(s) => scratch.wants_production(s, down),
            Inventory::Program(_) => false,
        }
    }

    /// One step with the nodes marked in `down` out of service, from the
    /// levels in `level` (per rank), which it updates. Pure: depends only on
    /// `down` and `level` (`production`, a max flow of `net` for `down` when
    /// the caller holds one, changes how, not what: [`StockNetwork::step`]).
    pub fn step(
        &self,
        down: &[bool],
        level: &mut [f64],
        scratch: &mut StockScratch,
        production: Option<(&[f64], f64)>,
    ) -> StockStep {
        match self {
            Inventory::Flow(s) => s.step(down, level, scratch, production),
            Inventory::Program(s) => s.step(down, level),
        }
    }

    /// Pool-only: the nodes the last step's flow passes through, when it
    /// may vouch for others ([`StockNetwork::used_nodes`]).
    pub fn used_nodes(&self, scratch: &StockScratch, level: &[f64]) -> Option<u64> {
        match self {
            Inventory::Flow(s) => s.used_nodes(scratch, level),
            Inventory::Program(_) => None,
        }
    }
}
