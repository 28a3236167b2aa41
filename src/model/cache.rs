//! Throughput evaluation between steps: memoised by down-set for small
//! networks, incremental for large ones. The cache holds solver buffers and
//! memos; what a memo may be keyed on is the model's to say ([`super::step`]:
//! the throughput is a pure function of the down-set, and whether a stocked
//! step is idle of its [`IdleKey`]).

use std::collections::HashMap;

use crate::network::assembly::{Assembly, AssemblyScratch, PrefixCache, WarmStart};
use crate::network::{FlowNetwork, FlowSolver};

use super::cost::{CostMemo, CostModel, VOUCHING_DOWN, Witnessed};
use super::inventory::Inventory;
use super::mask::{MaskHash, mask, proper_subsets};
use super::stock::{CostScratch, StockScratch};

use super::method::{Method, MethodChooser};
use super::payoff::Payoff;

/// Most entries kept before the memo is cleared (bounds memory: ~4 MiB).
const CAPACITY: usize = 1 << 17;
/// Networks with at most this many nodes keep a memo (the down-set is one `u64`).
const MEMO_MAX_NODES: usize = 64;

/// Max-flow evaluation for one topology on one thread.
///
/// * Small networks keep a bounded memo of values keyed by the set of down
///   nodes (a handful of down-sets recur across thousands of trials).
/// * Networks with whole-number capacities (flows exact in `f64`) repair the
///   last flow computed ([`FlowNetwork::update`]) or solve afresh,
///   whichever has been cheaper on this topology and thread (networks of
///   more than 64 nodes: a [`MethodChooser`] times both; the bits are the
///   same either way), and always afresh when more than half the nodes
///   changed state.
/// * Topologies with assemblers of ≤ 64 nodes memoise by down-set and then
///   by producing set, and keep a [`PrefixCache`] of partial fixes.
///
/// Either way the value returned is a pure function of the down-set, so the
/// mode, hits and misses never change results — only speed. Use one cache per
/// topology: the incremental state belongs to the network it was built on.
#[derive(Debug, Default)]
pub struct FlowCache {
    solver: FlowSolver,
    /// Buffers of the stocked step ([`super::Inventory::step`]).
    pub stock: StockScratch,
    /// Buffers of the cost stage ([`CostModel`]).
    pub cost: CostScratch,
    /// V* of stocked steps already solved ([`CostMemo`]).
    pub cost_memo: CostMemo,
    /// Solve every stocked step, never reusing an earlier one nor asking
    /// the idle memo (the test oracle of [`super::StepModel`]'s reuse; the
    /// same numbers, slower).
    pub stepwise: bool,
    /// V* of a step that delivers production alone, per down-set
    /// (networks of at most 64 nodes), with what its flow vouches for.
    variable: HashMap<u64, Witnessed, MaskHash>,
    /// The same V*, with assemblers, per producing set: what a down-set
    /// missing from `variable` is looked up by.
    variable_by_set: HashMap<u64, f64, MaskHash>,
    /// Per [`IdleKey`]: does the stocked step draw and refill nothing? The
    /// model decides the key and when to ask ([`super::StepModel`]).
    /// With it, for an idle step whose production flow may vouch for
    /// larger down-sets, the nodes that flow passes through (else
    /// `u64::MAX`, which vouches for nothing).
    idle: HashMap<IdleKey, (bool, u64), MaskHash>,
    /// Stocked steps of pool-only topologies already solved, per down-set.
    pub solved: SolvedSteps,
    /// Buffers of the assembly program (topologies with assemblers).
    lp: AssemblyScratch,
    /// Solutions part-way along the fixes of small assembly programs.
    prefixes: PrefixCache,
    memo: HashMap<u64, f64, MaskHash>,
    /// Assembly values keyed by the producing set (see [`FlowCache::max_flow`]).
    producing: HashMap<u64, f64, MaskHash>,
    /// Down-set and value the solver's residual network holds (incremental mode).
    held: Option<(Vec<bool>, f64)>,
    /// Repair or solve afresh, whichever is cheaper here (incremental mode).
    method: MethodChooser,
    /// Stocked steps whose stages were solved (not idle, not reused).
    pub stock_solves: u64,
    /// Lookups answered from the memo.
    pub hits: u64,
    /// V* of production alone answered by a smaller down-set's flow
    /// ([`Witnessed`]) instead of a solve.
    pub vouched: u64,
    /// Stocked steps found idle by a smaller down-set's production flow
    /// ([`FlowCache::vouched_idle`]) instead of a solve.
    pub idle_vouched: u64,
    /// Whether looking for a witness pays here: for V* of production
    /// alone, and for idle stocked steps.
    variable_payoff: Payoff,
    idle_payoff: Payoff,
    /// Lookups that ran a full solve.
    pub misses: u64,
    /// Lookups answered by an incremental update.
    pub updates: u64,
}

impl FlowCache {
    /// Max flow of `net` with the nodes marked in `down` removed.
    pub fn max_flow(&mut self, net: &FlowNetwork, down: &[bool]) -> f64 {
        self.max_flow_keyed(net, down, memo_key(down))
    }

    /// [`max_flow`](Self::max_flow) with `key` = `memo_key(down)`,
    /// computed once by a caller that looks `down` up in more than one memo.
    fn max_flow_keyed(&mut self, net: &FlowNetwork, down: &[bool], key: Option<u64>) -> f64 {
        if let Some(a) = net.assembly() {
            return self.assembly(a, down, key);
        }
        if let Some(&f) = key.and_then(|k| self.memo.get(&k)) {
            self.hits += 1;
            return f;
        }
        let f = if net.is_exact() {
            self.incremental(net, down)
        } else {
            self.misses += 1;
            // The solver no longer holds the flow `held` names.
            self.held = None;
            net.max_flow(down, &mut self.solver)
        };
        if let Some(key) = key {
            if self.memo.len() >= CAPACITY {
                self.memo.clear();
            }
            self.memo.insert(key, f);
        }
        f
    }

    /// The stock buffers, and, when `want` says the stock step would start
    /// from it, a max flow of `net` for `down` (its residuals and value):
    /// the solver's, brought to `down` by an incremental update when it
    /// holds another down-set's ([`StockNetwork::step`]). Never for a
    /// `stepwise` cache (the test oracle solves production again) nor for
    /// a network whose flows are not exact.
    ///
    /// [`StockNetwork::step`]: super::stock::StockNetwork::step
    pub fn stock_parts(
        &mut self,
        net: &FlowNetwork,
        down: &[bool],
        want: bool,
    ) -> (&mut StockScratch, Option<(&[f64], f64)>) {
        let want = want && !self.stepwise && net.is_exact() && net.assembly().is_none();
        let holds = |held: &Option<(Vec<bool>, f64)>| matches!(held, Some((was, _)) if was.as_slice() == down);
        if want && !holds(&self.held) {
            self.incremental(net, down);
        }
        let production = match &self.held {
            Some((was, value)) if want && was.as_slice() == down => {
                Some((self.solver.residual.as_slice(), *value))
            }
            _ => None,
        };
        (&mut self.stock, production)
    }

    /// [`max_flow`](Self::max_flow) for one step of a run that keeps `warm`:
    /// assembly programs over 64 nodes start from that run's previous
    /// optimum ([`Assembly::throughput_warm`]); everything else is
    /// [`max_flow`](Self::max_flow). `key` is `memo_key(down)`.
    pub fn max_flow_warm(
        &mut self,
        net: &FlowNetwork,
        down: &[bool],
        key: Option<u64>,
        warm: &mut WarmStart,
    ) -> f64 {
        match net.assembly() {
            Some(a) if a.node_count() > MEMO_MAX_NODES => {
                self.misses += 1;
                a.throughput_warm(down, &mut self.lp, warm)
            }
            _ => self.max_flow_keyed(net, down, key),
        }
    }

    /// The assembly program's optimum. Small networks memoise it keyed by
    /// the producing set ([`Assembly::producing_key`]), not the down-set: the
    /// value is a pure function of that set, and down-sets that differ only
    /// in nodes that could not produce anyway share one entry.
    fn assembly(&mut self, a: &Assembly, down: &[bool], key: Option<u64>) -> f64 {
        let Some(down_key) = key else {
            self.misses += 1;
            return a.throughput(down, &mut self.lp);
        };
        if let Some(&f) = self.memo.get(&down_key) {
            self.hits += 1;
            return f;
        }
        let key = a.producing_key(down, &mut self.lp);
        let f = if let Some(&f) = self.producing.get(&key) {
            self.hits += 1;
            f
        } else {
            self.misses += 1;
            let f = a.solve_pruned_set(&mut self.lp, Some(&mut self.prefixes)).0;
            if self.producing.len() >= CAPACITY {
                self.producing.clear();
            }
            self.producing.insert(key, f);
            f
        };
        if self.memo.len() >= CAPACITY {
            self.memo.clear();
        }
        self.memo.insert(down_key, f);
        f
    }

    /// V* of a step with the nodes marked in `down` out of service that
    /// delivers `production` (a function of `down`) from production alone:
    /// memoised by down-set in networks of at most 64 nodes. `key` is
    /// `memo_key(down)`.
    pub fn idle_variable(
        &mut self,
        cost: &CostModel,
        down: &[bool],
        key: Option<u64>,
        production: f64,
    ) -> f64 {
        if !cost.has_stage() {
            return 0.0;
        }
        let Some(key) = key else {
            return cost.idle_variable(down, production, &mut self.cost);
        };
        // Looked up by down-set first (no prune). With assemblers a miss is
        // looked up by the producing set, and a miss there solves the
        // canonical down-set of that set, so the value is a function of
        // the set alone whichever down-set came first.
        if let Some(w) = self.variable.get(&key) {
            return w.value;
        }
        let w = match cost.producing_key(down, &mut self.lp) {
            Some(set) => {
                let value = match self.variable_by_set.get(&set) {
                    Some(&v) => v,
                    None => {
                        let canonical: Vec<bool> =
                            (0..down.len()).map(|i| set & (1 << i) == 0).collect();
                        let v = cost.idle_variable(&canonical, production, &mut self.cost);
                        if self.variable_by_set.len() >= CAPACITY {
                            self.variable_by_set.clear();
                        }
                        self.variable_by_set.insert(set, v);
                        v
                    }
                };
                Witnessed {
                    value,
                    used: None,
                    delivered: production.to_bits(),
                }
            }
            None => match self.vouched_for(cost, key, production) {
                Some(w) => {
                    self.vouched += 1;
                    w
                }
                None => {
                    let keep = !self.stepwise && self.variable_payoff.paying();
                    cost.idle_witnessed(down, production, keep, &mut self.cost)
                }
            },
        };
        if self.variable.len() >= CAPACITY {
            self.variable.clear();
        }
        self.variable.insert(key, w);
        w.value
    }

    /// A remembered V* of a smaller down-set ([`proper_subsets`]) whose
    /// least-cost flow avoids every node of `key`
    /// and delivers the same `production`: V* of `key` too, the same bits
    /// ([`Witnessed`]). Only for exact pool-only topologies, at most
    /// [`VOUCHING_DOWN`] nodes down, while looking pays ([`Payoff`]), and
    /// never for the `stepwise` oracle (which must solve what it checks).
    fn vouched_for(&mut self, cost: &CostModel, key: u64, production: f64) -> Option<Witnessed> {
        if self.stepwise
            || key.count_ones() > VOUCHING_DOWN
            || production.fract() != 0.0
            || !cost.vouches()
            || !self.variable_payoff.look()
        {
            return None;
        }
        let delivered = production.to_bits();
        // The empty subset is the calm flow, which
        // `CostModel::idle_witnessed` asks itself.
        let found = proper_subsets(key).find_map(|sub| {
            self.variable
                .get(&sub)
                .filter(|w| w.vouches_for(key, delivered))
                .copied()
        });
        self.variable_payoff.record(found.is_some());
        found
    }

    /// What the idle memo holds for `key`, if anything (nothing for a
    /// `stepwise` cache, the test oracle, which solves every step).
    pub fn idle(&self, key: &IdleKey) -> Option<bool> {
        if self.stepwise {
            return None;
        }
        self.idle.get(key).map(|&(idle, _)| idle)
    }

    /// Remember whether the stocked step of `key` is idle, and for an idle
    /// one the nodes its production flow passes through when that flow may
    /// vouch for larger down-sets ([`FlowCache::vouched_idle`]).
    pub fn remember_idle(&mut self, key: IdleKey, idle: bool, used: Option<u64>) {
        if self.idle.len() >= CAPACITY {
            self.idle.clear();
        }
        self.idle.insert(key, (idle, used.unwrap_or(u64::MAX)));
    }

    /// Is an idle stocked step's production flow worth keeping as a
    /// witness ([`FlowCache::vouched_idle`] pays here at present)?
    pub fn idle_witnesses_pay(&self) -> bool {
        !self.stepwise && self.idle_payoff.paying()
    }

    /// Is the stocked step of `key` idle because a remembered idle step at
    /// a smaller down-set ([`proper_subsets`]; at most
    /// [`VOUCHING_DOWN`] nodes down), with the same empty and full stocks,
    /// has a production flow that avoids every node down now? Then that
    /// flow is a max flow here too, and its residual network here is the
    /// one it had there less arcs, so no offer can carry (`docs/model.md`,
    /// section 1b, "Idle steps vouched for"). `Some(nodes it uses)` when
    /// so; never for the `stepwise` oracle.
    pub fn vouched_idle(&mut self, key: IdleKey) -> Option<u64> {
        let (set, non_empty, not_full) = key;
        if self.stepwise || set.count_ones() > VOUCHING_DOWN || !self.idle_payoff.look() {
            return None;
        }
        let found =
            proper_subsets(set).find_map(|sub| match self.idle.get(&(sub, non_empty, not_full)) {
                Some(&(true, used)) if used & set == 0 => Some(used),
                _ => None,
            });
        self.idle_payoff.record(found.is_some());
        found
    }

    fn incremental(&mut self, net: &FlowNetwork, down: &[bool]) -> f64 {
        // Small networks (memoised, a few µs a solve) always repair: timing
        // them would cost more than it could save.
        let timed = down.len() > MEMO_MAX_NODES;
        let method = if timed {
            self.method.next()
        } else {
            Method::Repair
        };
        let started = timed.then(std::time::Instant::now);
        let (value, used) = match &mut self.held {
            Some((was, value))
                if method == Method::Repair && was.len() == down.len() && !churned(was, down) =>
            {
                self.updates += 1;
                *value = net.update(was, down, *value, &mut self.solver);
                was.copy_from_slice(down);
                (*value, Method::Repair)
            }
            held => {
                self.misses += 1;
                let value = net.max_flow(down, &mut self.solver);
                match held {
                    Some((was, v)) if was.len() == down.len() => {
                        was.copy_from_slice(down);
                        *v = value;
                    }
                    _ => self.held = Some((down.to_vec(), value)),
                }
                (value, Method::Fresh)
            }
        };
        // The clock only chooses between two ways to the same bits. A fresh
        // solve forced by churn (or by holding nothing) says nothing about
        // the method chosen: only what was chosen is timed.
        if let Some(started) = started.filter(|_| used == method) {
            self.method
                .record(used, started.elapsed().as_nanos() as f64);
        }
        value
    }
}

/// True when more than half the nodes changed state between `was` and
/// `down`: then a fresh Dinic solve beats repairing the held flow (measured
/// on generated 2,025-node networks, see `docs/model.md`, "Performance"),
/// and it resets the held state. Both give the same bits on exact networks,
/// so the choice never changes a result.
fn churned(was: &[bool], down: &[bool]) -> bool {
    let changed = was.iter().zip(down).filter(|(a, b)| a != b).count();
    2 * changed > down.len()
}

/// Stocked steps of a pool-only topology already solved (networks of at
/// most 64 nodes and stocks), what [`super::StepModel`] recalls: per
/// down-set the step last solved from it, which serves any levels it
/// [fits](SolvedStep::fits), and per down-set and levels (bit for bit)
/// every step solved, which serves those levels again. Bounded: each map
/// is cleared when full.
#[derive(Debug, Default)]
pub struct SolvedSteps {
    last: HashMap<u64, SolvedStep, MaskHash>,
    exact: HashMap<Box<[u64]>, SolvedStep, MaskHash>,
    /// The key of `exact` being looked up (a buffer).
    key: Vec<u64>,
}

/// Most solved stocked steps kept per map, topology and thread (each a
/// few dozen bytes per stocked node).
const SOLVED_CAPACITY: usize = 1 << 14;

impl SolvedSteps {
    /// A step solved from the down-set of mask `down_key` that fits
    /// `levels`, if one is held.
    pub fn find(&mut self, inv: &Inventory, down_key: u64, levels: &[f64]) -> Option<&SolvedStep> {
        if self
            .last
            .get(&down_key)
            .is_some_and(|s| s.fits(inv, levels))
        {
            return self.last.get(&down_key);
        }
        self.exact_key(down_key, levels);
        self.exact.get(self.key.as_slice())
    }

    /// Remember `step`, solved from the down-set of mask `down_key`.
    pub fn remember(&mut self, down_key: u64, step: &SolvedStep) {
        if self.last.len() >= SOLVED_CAPACITY {
            self.last.clear();
        }
        match self.last.get_mut(&down_key) {
            Some(held) => held.clone_from(step),
            None => {
                self.last.insert(down_key, step.clone());
            }
        }
        if self.exact.len() >= SOLVED_CAPACITY {
            self.exact.clear();
        }
        self.exact_key(down_key, &step.from);
        self.exact.insert(self.key.as_slice().into(), step.clone());
    }

    fn exact_key(&mut self, down_key: u64, levels: &[f64]) {
        self.key.clear();
        self.key.push(down_key);
        self.key.extend(levels.iter().map(|l| l.to_bits()));
    }
}

/// A solved stocked step of a pool-only topology (one that drew or
/// refilled) and the levels it was solved from.
#[derive(Debug, Clone, Default)]
pub struct SolvedStep {
    /// Per rank: the levels before the step, its draws and refills.
    pub from: Vec<f64>,
    pub draws: Vec<f64>,
    pub refills: Vec<f64>,
    /// Units delivered and drawn.
    pub delivered: f64,
    pub drawn: f64,
    /// V* of the step (0 without costs).
    pub variable: f64,
}

impl SolvedStep {
    /// Is this step, solved from the same down-set, still the optimum from
    /// `levels`? True when every level equals the one it was solved from
    /// bit for bit, or when both leave that rank's caps slack by more than
    /// the tolerance: y_j < level_j and r_j < max_j − level_j (see
    /// [`super::StepModel`], "reuse").
    pub fn fits(&self, inv: &Inventory, levels: &[f64]) -> bool {
        let tol = inv.tol();
        let max = inv.max();
        let slack = |j: usize, level: f64| {
            self.draws[j] < level - tol && self.refills[j] < max[j] - level - tol
        };
        levels.iter().enumerate().all(|(j, &l)| {
            l.to_bits() == self.from[j].to_bits() || (slack(j, l) && slack(j, self.from[j]))
        })
    }

    /// The step again from `levels` (which [`fits`](Self::fits)), which it
    /// updates: (delivered, drawn, `Some(V*)`).
    pub fn apply(&self, inv: &Inventory, levels: &mut [f64]) -> (f64, f64, Option<f64>) {
        for (j, l) in levels.iter_mut().enumerate() {
            *l = inv.settle(j, *l, self.draws[j], self.refills[j]);
        }
        (self.delivered, self.drawn, Some(self.variable))
    }
}

/// What decides whether a stocked step is idle (draws and refills nothing),
/// for a network of at most 64 nodes and stocks: the down-set, the stocks
/// that are not empty and those that are not full, as bit masks. Made by
/// [`super::StepModel`], which states why the key suffices.
pub type IdleKey = (u64, u64, u64);

/// The key of `down` in the memos: its bit mask on networks of at most 64
/// nodes, `None` on larger ones (which keep no memo).
pub fn memo_key(down: &[bool]) -> Option<u64> {
    (down.len() <= MEMO_MAX_NODES).then(|| mask(down))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    /// A small deterministic generator for the walk (the engine's streams
    /// live in `sim`, above this module): uniform in (0, 1).
    struct Stream(u64);

    impl Stream {
        fn new(seed: u64, _trial: u64) -> Stream {
            Stream(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
        }

        fn unit_open0(&mut self) -> f64 {
            // xorshift64*
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
            ((x >> 11) as f64 + 1.0) / (1u64 << 53) as f64
        }
    }

    /// Small churn repairs the held flow, a step where more than half the
    /// nodes change state solves afresh; either way every value equals a
    /// fresh solve, bit for bit.
    #[test]
    fn churn_picks_a_fresh_solve_and_values_never_change() {
        walk(Some(Method::Repair));
    }

    /// With the method chooser timing repair against fresh solves (and
    /// probing), every value is still a fresh solve's, bit for bit.
    #[test]
    fn timed_method_choice_never_changes_a_value() {
        walk(None);
    }

    /// Forty steps of a 100-node whole-number network, nodes flipping at 3 %
    /// a step and at 70 % every tenth step, through one cache; `pinned`
    /// fixes the method (then a step solves afresh exactly when it churned).
    fn walk(pinned: Option<Method>) {
        // Four tiers of 10, 40, 40 and 10 nodes; each node links to three
        // of the next tier; whole-number capacities.
        let tiers = [
            (0, 10, "source"),
            (10, 50, "relay"),
            (50, 90, "relay"),
            (90, 100, "sink"),
        ];
        let mut text = String::from(
            "[scenario]\nname = \"t\"\nsector = \"other\"\n[[topology]]\nid = \"g\"\n",
        );
        for &(a, b, role) in &tiers {
            for v in a..b {
                let cap = 10 + (v * 7) % 23;
                text += &format!(
                    "[[topology.node]]\nid = \"n{v}\"\nrole = \"{role}\"\ncapacity = {cap}\n"
                );
            }
        }
        for w in tiers.windows(2) {
            let ((a, b, _), (c, d, _)) = (w[0], w[1]);
            for v in a..b {
                for k in 0..3 {
                    let to = c + (v * 5 + k * 11) % (d - c);
                    let cap = 5 + (v + k) % 9;
                    text += &format!(
                        "[[topology.link]]\nfrom = \"n{v}\"\nto = \"n{to}\"\ncapacity = {cap}\n"
                    );
                }
            }
        }
        let topo = Scenario::from_toml("g.toml", &text)
            .expect("valid")
            .topologies
            .remove(0);
        let net = FlowNetwork::new(&topo);
        assert!(net.is_exact() && net.node_count() > MEMO_MAX_NODES);
        let n = net.node_count();
        let mut s = Stream::new(9, 0);
        let mut cache = FlowCache::default();
        if let Some(m) = pinned {
            cache.method = MethodChooser::pinned(m);
        }
        let mut fresh = FlowSolver::default();
        let mut down = vec![false; n];
        for step in 0..40 {
            let p = if step % 10 == 9 { 0.7 } else { 0.03 };
            let before = (cache.misses, cache.updates);
            let was = down.clone();
            for d in down.iter_mut() {
                if s.unit_open0() < p {
                    *d = !*d;
                }
            }
            let got = cache.max_flow(&net, &down);
            let want = net.max_flow(&down, &mut fresh);
            assert_eq!(got.to_bits(), want.to_bits(), "step {step}");
            if step > 0 {
                let solved_afresh = cache.misses > before.0;
                assert_eq!(cache.updates > before.1, !solved_afresh, "step {step}");
                if pinned.is_some() {
                    assert_eq!(solved_afresh, churned(&was, &down), "step {step}");
                } else if churned(&was, &down) {
                    assert!(solved_afresh, "step {step}");
                }
            }
        }
        assert!(cache.misses > 1 && cache.updates > 1);
    }
}
