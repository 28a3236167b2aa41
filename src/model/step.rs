//! One step of one topology: what it delivers, given which nodes are up and
//! what its buffers hold.
//!
//! The rule (`docs/model.md`, sections 1, 1a and 1b):
//!
//! 1. *Production*: the throughput of the nodes that are up — the maximum
//!    flow from sources to sinks, or, when some node has a bill of
//!    materials, the optimum of the assembly program. It is a pure function
//!    of the down-set: computed again only when the down-set changed, 0 for
//!    a series topology with any node down, the baseline F0 with none.
//! 2. *Stock* (topologies where some node holds stock): the three stages —
//!    deliver as much as possible, draw as little stock as possible (nearest
//!    the customer first), refill from spare capacity (nearest the customer
//!    first) — from the levels the trial carries ([`StepState`]), which
//!    they update.
//!
//! 3. *Cost* (topologies that cost something, [`CostModel`]): the fourth
//!    stage's least variable cost V* among the flows that keep the earlier
//!    results, then C_t = Σ fixed + V* + Σ holding · level. It never changes
//!    a flow value or a level.
//!
//! What a cache may memoise on: production on the down-set (and, with
//! assemblers, the producing set); whether a stocked step is idle on its
//! [`IdleKey`] (see [`StepModel::step`]); V* of a step that draws and
//! refills nothing on the down-set (it delivers production, itself a
//! function of the down-set); a pool-only stocked step that drew or
//! refilled on its down-set, for any levels it fits ([`SolvedStep::fits`]),
//! and on its down-set and levels. A step that draws or refills solves the
//! cost stage from its own draws and refills. A new stage (an ordering
//! policy) must say here whether those keys still decide it.

use crate::network::FlowNetwork;
use crate::network::assembly::WarmStart;
use crate::scenario::Topology;

use super::cache::{FlowCache, IdleKey, SolvedStep, memo_key};
use super::cost::CostModel;
use super::inventory::Inventory;
use super::mask::mask;

/// Networks and stock sets of at most this many members key the idle memo
/// with a `u64` bit mask.
const IDLE_MEMO_MAX: usize = 64;

/// What one step of one topology means: how production is computed and
/// whether stock comes after it. Read-only; one per compiled topology.
#[derive(Debug, Clone)]
pub struct StepModel {
    /// A simple path from its only source to its only sink: any node down
    /// stops the flow, so no max flow is needed.
    pub series: bool,
    /// Its stock, when some node holds any.
    pub inventory: Option<Inventory>,
    /// Its costs, when some node or link costs anything.
    pub cost: Option<CostModel>,
}

/// What a trial carries from one step of one topology to the next.
#[derive(Debug, Clone, Default)]
pub struct StepState {
    /// The down-set changed since production was last computed.
    dirty: bool,
    /// Production for the current down-set (valid when not `dirty`).
    production: f64,
    /// The down-set's memo key (valid when not `dirty`; `None` when no
    /// memo is asked or the network is too large for one).
    key: Option<u64>,
    /// V* of a step of the current down-set that delivers production alone,
    /// once a step asked for it (`None` until then and when `dirty`).
    variable: Option<f64>,
    /// Stock level per stocked node, in the inventory's rank order.
    level: Vec<f64>,
    /// This trial's last assembly optimum (large assembly topologies only).
    warm: WarmStart,
    /// The last stocked step solved for the current down-set (pool-only
    /// topologies), while it may be reused ([`StepModel::step`]).
    held: Option<SolvedStep>,
    /// The levels before the step being solved (a buffer).
    before: Vec<f64>,
}

/// The outcome of one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepOutcome {
    /// Units delivered to the sinks (F_t).
    pub throughput: f64,
    /// Units drawn from stock, as a share of F0 (0 without stock).
    pub drawn: f64,
    /// Does some stocked node end the step with its stock at 0?
    pub stockout: bool,
    /// What the step cost, C_t (money; 0 for a topology that costs nothing).
    pub cost: f64,
}

impl StepModel {
    /// The model of `topo`, whose flow network is `net`.
    pub fn new(topo: &Topology, net: &FlowNetwork, series: bool) -> StepModel {
        let inventory = Inventory::new(topo, net);
        StepModel {
            series,
            cost: CostModel::new(topo, net, inventory.as_ref()),
            inventory,
        }
    }

    /// The state at step 0 of a trial (every buffer at its initial level).
    pub fn start(&self, state: &mut StepState) {
        state.dirty = true;
        // The warm start belongs to one trial: a reused state starts the
        // next one from the canonical optimum, whatever trial it ran before.
        state.warm = WarmStart::default();
        state.level.clear();
        state.held = None;
        if let Some(inv) = &self.inventory {
            state.level.extend_from_slice(inv.initial());
        }
    }

    /// One step with the nodes marked in `down` (`down_count` of them) out
    /// of service; `changed` says whether the down-set changed since the
    /// previous step of this state.
    ///
    /// Many stocked steps draw and refill nothing (no stock can reach a
    /// shortfall, no spare capacity can reach a stock that is not full):
    /// then the step delivers production and leaves every level as it is.
    /// Whether a step is idle depends only on the down-set and on which
    /// stocks are empty and which are full, not on the levels in between (a
    /// draw or refill is positive iff an augmenting path reaches its arc,
    /// whatever its positive capacity), so small networks remember it per
    /// [`IdleKey`] (down-set, non-empty set, not-full set). Pure: the same
    /// as the three stages computed every step (an idle step delivers
    /// production, whether it was solved or remembered).
    #[inline]
    pub fn step(
        &self,
        net: &FlowNetwork,
        state: &mut StepState,
        (down, down_count, changed): (&[bool], usize, bool),
        cache: &mut FlowCache,
    ) -> StepOutcome {
        if changed {
            state.dirty = true;
            state.held = None;
        }
        if state.dirty {
            // Both memos are keyed by the down-set's mask: made once, and
            // only when one of them is asked.
            let all_up = down_count == 0;
            let asks_production = !all_up && !self.series;
            let asks_variable = self
                .cost
                .as_ref()
                .is_some_and(|c| !all_up || c.all_up_variable().is_none());
            let key = if asks_production || asks_variable {
                memo_key(down)
            } else {
                None
            };
            state.production = if down_count == 0 {
                net.baseline()
            } else if self.series {
                0.0
            } else {
                cache.max_flow_warm(net, down, key, &mut state.warm)
            };
            state.key = key;
            // V* of production alone is found when a step first needs it: a
            // stocked step that draws or refills has its own.
            state.variable = None;
            state.dirty = false;
        }
        let mut out = StepOutcome {
            throughput: state.production,
            drawn: 0.0,
            stockout: false,
            cost: 0.0,
        };
        let mut moved = None;
        if let Some(inv) = &self.inventory {
            let baseline = net.baseline();
            let (delivered, drawn, stocked) = match self.reuse(inv, state, cache) {
                Some(held) => held,
                None => self.stocked(inv, state, down, net, cache),
            };
            out.throughput = delivered;
            out.drawn = drawn / baseline;
            out.stockout = state.level.iter().any(|&l| l <= 0.0);
            moved = stocked;
        }
        if let Some(c) = &self.cost {
            let variable = match moved {
                Some(v) => v,
                None => match state.variable {
                    Some(v) => v,
                    None => {
                        let v = match c.all_up_variable() {
                            Some(v) if down_count == 0 => v,
                            _ => cache.idle_variable(c, down, state.key, state.production),
                        };
                        state.variable = Some(v);
                        v
                    }
                },
            };
            out.cost = c.total(variable, &state.level);
        }
        out
    }

    /// The step held in `state` again, when it is still the optimum:
    /// (delivered, drawn, `Some(V*)`), levels updated. Pool-only topologies
    /// (whose stock step is nested max flows) only.
    ///
    /// Between two events the stages' programs differ only in the stock
    /// caps, y_j ≤ level_j and r_j ≤ max_j − level_j. If every cap that
    /// moved was slack by more than the tolerance at the held solution, both
    /// for the levels it was solved from and for today's, the held solution
    /// is still the lexicographic optimum (a constraint slack at an optimum
    /// of a convex program can be dropped, then put back anywhere that keeps
    /// it slack). The max flows find it bit for bit as well: a slack stock
    /// or refill arc is never the bottleneck of an augmenting path (arcs out
    /// of S and into T′ never lose flow, so one that bottlenecked would end
    /// saturated), so every push is the same, and draws are read as the flow
    /// on their arc, not as level − residual. `docs/model.md`, section 1b,
    /// "Reuse"; `tests/stock.rs` checks every step against solving it.
    fn reuse(
        &self,
        inv: &Inventory,
        state: &mut StepState,
        cache: &FlowCache,
    ) -> Option<(f64, f64, Option<f64>)> {
        if cache.stepwise || !matches!(inv, Inventory::Flow(_)) {
            return None;
        }
        let held = state.held.as_ref()?;
        if !held.fits(inv, &state.level) {
            return None;
        }
        Some(held.apply(inv, &mut state.level))
    }

    /// The stock stages from `state`'s levels: (delivered, drawn) units,
    /// and, when the step drew or refilled, `Some` of its V* (0 without
    /// costs; `None` when it did neither, so V* is that of production
    /// alone). Kept out of line: topologies without stock never pay for
    /// its code.
    ///
    /// Small networks (at most 64 nodes and 64 stocks) skip the solve of
    /// a step that is idle by its [`IdleKey`]; pool-only ones also recall
    /// the step last solved from the same down-set when it
    /// [fits](SolvedStep::fits) today's levels (the same argument as
    /// [`reuse`](Self::reuse), which holds for any two steps of one
    /// down-set, in any trial). Neither when the cache is `stepwise` (the
    /// test oracle).
    #[inline(never)]
    fn stocked(
        &self,
        inv: &Inventory,
        state: &mut StepState,
        down: &[bool],
        net: &FlowNetwork,
        cache: &mut FlowCache,
    ) -> (f64, f64, Option<f64>) {
        let production = state.production;
        let baseline = net.baseline();
        let pool = !cache.stepwise && matches!(inv, Inventory::Flow(_));
        if pool && offers_nothing(inv, state, down, production < baseline - inv.tol()) {
            return (production, 0.0, None);
        }
        let small = down.len() <= IDLE_MEMO_MAX && state.level.len() <= IDLE_MEMO_MAX;
        let (mut idle_key, mut down_key) = (None, None);
        if small {
            let tol = inv.tol();
            let (mut non_empty, mut not_full) = (0u64, 0u64);
            for (j, (&l, &m)) in state.level.iter().zip(inv.max()).enumerate() {
                if l > 0.0 {
                    non_empty |= 1 << j;
                }
                if l < m - tol {
                    not_full |= 1 << j;
                }
            }
            if not_full == 0 && production >= baseline - tol {
                return (production, 0.0, None);
            }
            let set = state.key.unwrap_or_else(|| mask(down));
            let key: IdleKey = (set, non_empty, not_full);
            if cache.idle(&key) == Some(true) {
                return (production, 0.0, None);
            }
            idle_key = Some(key);
            if pool {
                down_key = Some(set);
                if let Some(hit) = cache.solved.find(inv, set, &state.level) {
                    let out = hit.apply(inv, &mut state.level);
                    state
                        .held
                        .get_or_insert_with(SolvedStep::default)
                        .clone_from(hit);
                    return out;
                }
                if let Some(used) = cache.vouched_idle(key) {
                    cache.idle_vouched += 1;
                    cache.remember_idle(key, true, Some(used));
                    return (production, 0.0, None);
                }
            }
        }
        if pool {
            state.before.clear();
            state.before.extend_from_slice(&state.level);
        }
        let out = self.solve_stocked(inv, state, down, net, cache);
        if let Some(key) = idle_key {
            let idle = out.2.is_none();
            // A witness is kept only while looking for one pays.
            let used = (idle && pool && cache.idle_witnesses_pay())
                .then(|| inv.used_nodes(&cache.stock, &state.level))
                .flatten();
            cache.remember_idle(key, idle, used);
        }
        if let (true, Some(variable)) = (pool, out.2) {
            // Held for the next steps of this down-set, and remembered for
            // its next visit.
            let mut held = state.held.take().unwrap_or_default();
            let (draws, refills) = cache.stock.draws();
            held.from.clone_from(&state.before);
            held.draws.clear();
            held.draws.extend_from_slice(draws);
            held.refills.clear();
            held.refills.extend_from_slice(refills);
            (held.delivered, held.drawn, held.variable) = (out.0, out.1, variable);
            if let Some(set) = down_key {
                cache.solved.remember(set, &held);
            }
            state.held = Some(held);
        }
        out
    }

    /// Solve the stock stages (and, when the step drew or refilled, the
    /// cost stage) from `state`'s levels, which it updates.
    fn solve_stocked(
        &self,
        inv: &Inventory,
        state: &mut StepState,
        down: &[bool],
        net: &FlowNetwork,
        cache: &mut FlowCache,
    ) -> (f64, f64, Option<f64>) {
        cache.stock_solves += 1;
        // The oracle makes every offer; the fast engine skips those that
        // cannot carry (`StockNetwork::step`).
        cache.stock.every_offer = cache.stepwise;
        cache.cost_memo.vouch = !cache.stepwise;
        let want = inv.wants_production(down, &cache.stock);
        let (stock, production) = cache.stock_parts(net, down, want);
        let step = inv.step(down, &mut state.level, stock, production);
        if step.drawn <= 0.0 && step.refilled <= 0.0 {
            // Idle: it delivers production, the value the idle memo and the
            // all-full shortcut return too (the stages' own sum could differ
            // from it in the last bit on a network whose flows are not exact,
            // or a linear program's optimum; then the result would depend on
            // whether the memo had the step).
            return (state.production, step.drawn, None);
        }
        let variable = match &self.cost {
            Some(c) => c.stocked_variable(
                down,
                step.delivered,
                step.variable,
                &cache.stock,
                (&mut cache.cost, &mut cache.cost_memo),
            ),
            None => 0.0,
        };
        (step.delivered, step.drawn, Some(variable))
    }

    /// Stock level per stocked node of `state`, in the inventory's rank order.
    pub fn levels<'a>(&self, state: &'a StepState) -> &'a [f64] {
        &state.level
    }
}

/// Would a pool-only stocked step make no offer at all: no stock arc (the
/// topology is `short` of F0 and some stocked node that is up holds stock)
/// and no refill arc (some stocked node that is up is not full)? Then its
/// solve draws and refills nothing and it delivers production, so none is
/// run (`StockNetwork::step` makes exactly these offers).
fn offers_nothing(inv: &Inventory, state: &StepState, down: &[bool], short: bool) -> bool {
    let tol = inv.tol();
    !inv.ranked()
        .iter()
        .zip(state.level.iter().zip(inv.max()))
        .any(|(&v, (&l, &m))| !down[v] && ((short && l > 0.0) || l < m - tol))
}

impl StepState {
    /// How many frontier nodes the warm start holds fixed (large assembly
    /// topologies; `None` before the first solve of a trial).
    pub fn warm_fixes(&self) -> Option<usize> {
        self.warm.held_fixes()
    }
}
