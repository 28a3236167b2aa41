//! What a step of one topology costs (`docs/model.md`, section 1c):
//!
//! ```text
//! C_t = Σ_v fixed_cost_v + V_t* + Σ_v holding_cost_v · level_v(end of step t)
//! ```
//!
//! V_t* is the fourth stage's least variable cost among the flows that keep
//! the earlier stages' results. It is a pure function of the down-set on a
//! step that draws and refills nothing (production alone is delivered), so
//! it is computed when the down-set changes and memoised by down-set like
//! production; a step that draws or refills solves the stage again. With
//! every node up and every stock full the cost is the **calm** cost, known
//! when the topology is compiled.

use std::collections::HashMap;

use super::mask::{MaskHash, mask, proper_subsets};
use super::payoff::Payoff;

use crate::network::FlowNetwork;
use crate::scenario::Topology;

use super::inventory::Inventory;
use super::stock::{CostFlow, CostScratch, StockProgram, StockScratch};

/// The cost side of one topology's step. Built only for a topology that
/// costs something; read-only.
#[derive(Debug, Clone)]
pub struct CostModel {
    /// Σ fixed_cost: paid every step, up or down.
    fixed: f64,
    /// Per stocked node, in the inventory's rank order: holding cost per unit.
    holding: Vec<f64>,
    /// The fourth stage, when some unit, link or lost-sale cost is non-zero.
    stage: Option<Stage>,
    /// C with every node up and every stock full.
    calm: f64,
    /// Pool-only: V* with every node up, and per node whether the calm
    /// least-cost flow passes through it. A step that delivers the whole
    /// baseline from production with only idle nodes down costs that V*:
    /// the calm flow is still feasible, and nothing cheaper appeared.
    calm_variable: f64,
    calm_used: Vec<bool>,
    /// The topology's baseline F0.
    baseline: f64,
}

/// Most V* values a [`CostMemo`] keeps before it is cleared.
const MEMO_CAPACITY: usize = 1 << 16;
/// Networks of at most this many nodes memoise stocked steps' V*.
const MEMO_MAX_NODES: usize = 64;

/// V* of stocked pool-only steps, keyed by the bits of everything it is a
/// function of: the down-set, Σ d, every draw and every refill. Steps with
/// whole-number flows repeat those few patterns across steps and trials
/// (a store refilling by its spare capacity, a shelf covering the same
/// shortfall), so a hit replaces a minimum-cost flow; a hit is bit for bit
/// what the solve gives, so the memo changes only the time. One per
/// topology and thread (in the [`super::FlowCache`]).
#[derive(Debug, Default)]
pub struct CostMemo {
    map: HashMap<Box<[u64]>, Witnessed, MaskHash>,
    key: Vec<u64>,
    /// May a remembered step vouch for a miss (false for the `stepwise`
    /// oracle, which must solve what it checks)?
    pub vouch: bool,
    /// Misses answered by a remembered step at a smaller down-set.
    pub vouched: u64,
    /// Whether looking for such a step pays here.
    payoff: Payoff,
}

impl CostMemo {
    /// A remembered step with the inputs in `key` past the down-set, at
    /// a non-empty proper subset of `set` ([`proper_subsets`]; at most
    /// [`VOUCHING_DOWN`] nodes down), whose flow avoids every node of `set`. Leaves `key[0]` as it
    /// found some subset: the caller sets it again.
    fn vouched_for(&mut self, set: u64) -> Option<Witnessed> {
        if set.count_ones() > VOUCHING_DOWN {
            return None;
        }
        let delivered = self.key[1];
        for sub in proper_subsets(set) {
            self.key[0] = sub;
            if let Some(w) = self.map.get(self.key.as_slice())
                && w.vouches_for(set, delivered)
            {
                return Some(*w);
            }
        }
        None
    }
}

/// Down-sets of at most this many nodes look for a smaller down-set whose
/// flow vouches for them (at most 2^n − 2 lookups). Larger limits found
/// more witnesses on `agriculture` (shocks take several nodes down) but
/// cost more than they saved on generated 48-node networks.
pub const VOUCHING_DOWN: u32 = 4;

/// A V* with what it can vouch for. A least-cost flow that delivers
/// `delivered` at down-set D′ and passes through no node of a larger
/// down-set D ⊇ D′ is still feasible at D, and D's flows are a subset of
/// D′'s, so it is a least-cost flow of D too: V*(D) = V*(D′) whenever D
/// delivers the same. With exact arithmetic ([`CostModel::vouches`]) the
/// two are the same bits however each was found.
#[derive(Debug, Clone, Copy)]
pub struct Witnessed {
    /// V*.
    pub value: f64,
    /// The nodes the least-cost flow passes through (bit i for node i),
    /// when it may vouch for others.
    pub used: Option<u64>,
    /// The bits of Σ d.
    pub delivered: u64,
}

impl Witnessed {
    /// Does this value (of a down-set D′ ⊆ `down`) hold for `down`, a step
    /// that delivers the bits `delivered`?
    pub fn vouches_for(&self, down: u64, delivered: u64) -> bool {
        self.used.is_some_and(|used| used & down == 0) && self.delivered == delivered
    }
}

/// How the fourth stage is solved.
#[derive(Debug, Clone)]
enum Stage {
    /// Pool-only: a minimum-cost flow.
    Flow(CostFlow),
    /// With assemblers: one more linear program.
    Program(StockProgram),
}

impl CostModel {
    /// The cost model of `topo` (compiled into `net`, whose stock is
    /// `inventory`); `None` when the topology costs nothing.
    pub fn new(topo: &Topology, net: &FlowNetwork, inventory: Option<&Inventory>) -> Option<Self> {
        if !topo.has_costs() {
            return None;
        }
        let ranked: Vec<usize> = inventory.map_or_else(Vec::new, |i| i.ranked().to_vec());
        let variable = topo
            .nodes
            .iter()
            .any(|n| n.cost.unit > 0.0 || n.cost.lost_sale > 0.0)
            || topo.links.iter().any(|l| l.unit_cost > 0.0);
        let stage = variable.then(|| {
            if net.assembly().is_some() {
                Stage::Program(StockProgram::priced(topo, net.baseline()))
            } else {
                Stage::Flow(CostFlow::new(topo, &ranked))
            }
        });
        let holding: Vec<f64> = ranked.iter().map(|&v| topo.nodes[v].cost.holding).collect();
        let mut model = CostModel {
            fixed: topo.nodes.iter().map(|n| n.cost.fixed).sum(),
            holding,
            stage,
            calm: 0.0,
            calm_variable: 0.0,
            calm_used: Vec::new(),
            baseline: net.baseline(),
        };
        let full: Vec<f64> = inventory.map_or_else(Vec::new, |i| i.max().to_vec());
        let up = vec![false; topo.nodes.len()];
        let mut scratch = CostScratch::default();
        let v = model.idle_variable(&up, net.baseline(), &mut scratch);
        if let Some(Stage::Flow(f)) = &model.stage {
            model.calm_used = f.node_flows(&scratch).iter().map(|&x| x > 0.0).collect();
        }
        model.calm_variable = v;
        model.calm = model.total(v, &full);
        Some(model)
    }

    /// C with every node up and every stock full (money per step).
    pub fn calm(&self) -> f64 {
        self.calm
    }

    /// V* with every node up, when it is known without a lookup: the calm
    /// V* of a pool-only topology (what [`CostModel::idle_variable`]
    /// returns for the empty down-set, bit for bit).
    pub fn all_up_variable(&self) -> Option<f64> {
        match &self.stage {
            None => Some(0.0),
            Some(Stage::Flow(_)) => Some(self.calm_variable),
            Some(Stage::Program(_)) => None,
        }
    }

    /// Does this topology have a fourth stage (some variable cost)?
    pub fn has_stage(&self) -> bool {
        self.stage.is_some()
    }

    /// V* of a step that delivers `delivered` from production alone (no
    /// draw, no refill): a pure function of the down-set.
    pub fn idle_variable(&self, down: &[bool], delivered: f64, scratch: &mut CostScratch) -> f64 {
        self.idle_witnessed(down, delivered, false, scratch).value
    }

    /// [`idle_variable`](Self::idle_variable), with the nodes its
    /// least-cost flow passes through when `keep` asks for them and that
    /// flow can vouch for larger down-sets ([`CostModel::vouches`]).
    pub fn idle_witnessed(
        &self,
        down: &[bool],
        delivered: f64,
        keep: bool,
        scratch: &mut CostScratch,
    ) -> Witnessed {
        let mut out = Witnessed {
            value: 0.0,
            used: None,
            delivered: delivered.to_bits(),
        };
        match &self.stage {
            None => {}
            Some(Stage::Flow(f)) => {
                let vouches = keep && self.vouches() && delivered.fract() == 0.0;
                let idle_down = !self.calm_used.is_empty()
                    && down
                        .iter()
                        .zip(&self.calm_used)
                        .all(|(&d, &used)| !(d && used));
                if idle_down && delivered.to_bits() == self.baseline.to_bits() {
                    out.value = self.calm_variable;
                    out.used = vouches.then(|| mask(&self.calm_used));
                } else {
                    out.value = f.variable_cost(down, delivered, &[], &[], scratch);
                    out.used = vouches.then(|| f.used_nodes(scratch));
                }
            }
            Some(Stage::Program(p)) => out.value = p.variable_cost(down, delivered),
        }
        out
    }

    /// Can a solved step's least-cost flow vouch for another down-set?
    /// Pool-only topologies of at most 64 nodes whose least-cost flows are
    /// exact ([`CostFlow::is_exact`]; whole supplies are checked per step).
    pub fn vouches(&self) -> bool {
        matches!(&self.stage, Some(Stage::Flow(f)) if f.is_exact() && f.node_count() <= 64)
    }

    /// V* of a stocked step that drew or refilled: the pool-only stage
    /// from the draws and refills in `stock` (the program computes its own
    /// inside the stock step: `program_variable`). Memoised on the bits of
    /// its inputs; a miss may be vouched for by a remembered step with the
    /// same Σ d, draws and refills at a smaller down-set ([`Witnessed`]).
    pub fn stocked_variable(
        &self,
        down: &[bool],
        delivered: f64,
        program_variable: f64,
        stock: &StockScratch,
        (scratch, memo): (&mut CostScratch, &mut CostMemo),
    ) -> f64 {
        match &self.stage {
            None => 0.0,
            Some(Stage::Flow(f)) => {
                let (draws, refills) = stock.draws();
                if down.len() > MEMO_MAX_NODES {
                    return f.variable_cost(down, delivered, draws, refills, scratch);
                }
                memo.key.clear();
                // The down-set as bits (at most 64 nodes).
                let set = mask(down);
                memo.key.push(set);
                memo.key.push(delivered.to_bits());
                memo.key
                    .extend(draws.iter().chain(refills).map(|x| x.to_bits()));
                if let Some(w) = memo.map.get(memo.key.as_slice()) {
                    return w.value;
                }
                // Only while looking pays here are witnesses looked for and
                // kept (a step whose supplies are not whole vouches for none).
                let look = memo.vouch
                    && self.vouches()
                    && memo.payoff.look()
                    && std::iter::once(&delivered)
                        .chain(draws)
                        .chain(refills)
                        .all(|x| x.fract() == 0.0);
                let found = look.then(|| memo.vouched_for(set)).flatten();
                if look {
                    memo.payoff.record(found.is_some());
                }
                let whole = look;
                let w = match found {
                    Some(w) => {
                        memo.vouched += 1;
                        w
                    }
                    None => {
                        let value = f.variable_cost(down, delivered, draws, refills, scratch);
                        Witnessed {
                            value,
                            used: whole.then(|| f.used_nodes(scratch)),
                            delivered: delivered.to_bits(),
                        }
                    }
                };
                if memo.map.len() >= MEMO_CAPACITY {
                    memo.map.clear();
                }
                memo.key[0] = set;
                memo.map.insert(memo.key.as_slice().into(), w);
                w.value
            }
            Some(Stage::Program(_)) => program_variable,
        }
    }

    /// With assemblers (at most 64 nodes): the producing set of `down` as a
    /// bit mask. V* of a step that delivers production alone depends on
    /// the down-set only through it: a node outside it makes nothing in any
    /// least-cost flow (it is down, starved, or feeds nothing that
    /// produces, and every cost is ≥ 0), so [`CostModel::idle_variable`]
    /// of the canonical down-set "everything outside the set" is the value
    /// of every down-set with that producing set.
    pub fn producing_key(
        &self,
        down: &[bool],
        scratch: &mut crate::network::assembly::AssemblyScratch,
    ) -> Option<u64> {
        match &self.stage {
            Some(Stage::Program(p)) if down.len() <= 64 => Some(p.producing_key(down, scratch)),
            _ => None,
        }
    }

    /// C_t from V* and the levels at the end of the step (rank order).
    pub fn total(&self, variable: f64, levels: &[f64]) -> f64 {
        let held: f64 = self.holding.iter().zip(levels).map(|(&h, &l)| h * l).sum();
        self.fixed + variable + held
    }
}
