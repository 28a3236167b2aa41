//! The trial on screen: one [`TopologyRun`] per topology, stepped in
//! lockstep, with the φ history and the node event log.
//!
//! Nothing here draws random numbers of its own: every state change comes
//! from [`TopologyRun::step`], so the screen shows exactly what
//! `chainmesh trace` prints for the same scenario, shocks, seed and trial.

use std::sync::Arc;

use crate::network::{FlowDetail, FlowSolver};
use crate::sim::{Cause, Event, EventKind, FlowCache, Prepared, TopologyRisk, TopologyRun};

/// Topologies with more nodes than this get no risk row in the inspector:
/// `risk` runs one deterministic trial per node, too slow to do between
/// two frames.
pub const RISK_NODE_LIMIT: usize = 500;

/// One stocked node's stock at the last step run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeStock {
    /// Units held after the last step run.
    pub level: f64,
    /// Its `max`.
    pub max: f64,
    /// Net change over the last step run (refill − draw; 0 before step 0).
    pub change: f64,
}

/// The risk table of one topology as the inspector shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum RiskState {
    /// Computed (`sim::risk`) for the compiled scenario.
    Computed(TopologyRisk),
    /// Not computed: the topology has this many nodes (over [`RISK_NODE_LIMIT`]).
    TooLarge(usize),
    /// `sim::risk` refused the scenario (its message).
    Failed(String),
}

/// Per topology: its risk state once computed.
type RiskSlots = std::sync::Mutex<Vec<Option<Arc<RiskState>>>>;

/// The risk tables of one compiled scenario, filled by a worker thread
/// (`sim::risk` runs one deterministic trial per node: too slow for the UI
/// thread on large or stocked assembly topologies).
#[derive(Debug, Default)]
struct RiskTables {
    /// Per topology, once computed; `None` before [`RiskTables::start`].
    slots: Option<Arc<RiskSlots>>,
    /// Tables seen done by the last [`RiskTables::poll`].
    seen: usize,
}

impl RiskTables {
    /// The risk state of topology `k` of `prep`.
    fn compute(prep: &Prepared, k: usize) -> RiskState {
        let n = prep.topologies[k].net.node_count();
        if n > RISK_NODE_LIMIT {
            return RiskState::TooLarge(n);
        }
        match crate::sim::risk(&prep.scenario, &[k]) {
            Ok(mut t) if !t.is_empty() => RiskState::Computed(t.swap_remove(0)),
            Ok(_) => RiskState::Failed(String::new()),
            Err(e) => RiskState::Failed(e.to_string()),
        }
    }

    fn start(&mut self, prep: &Arc<Prepared>, inline: bool) {
        if self.slots.is_some() {
            return;
        }
        let k = prep.topologies.len();
        let slots = Arc::new(std::sync::Mutex::new(vec![None; k]));
        self.slots = Some(Arc::clone(&slots));
        let fill = move |prep: &Prepared| {
            for t in 0..k {
                let state = Arc::new(Self::compute(prep, t));
                if let Ok(mut s) = slots.lock() {
                    s[t] = Some(state);
                }
            }
        };
        if inline {
            fill(prep);
        } else {
            let prep = Arc::clone(prep);
            let spawned = std::thread::Builder::new()
                .name("chainmesh-risk".into())
                .spawn(move || fill(&prep));
            if spawned.is_err() {
                self.slots = None;
            }
        }
    }

    fn done(&self) -> usize {
        self.slots
            .as_ref()
            .and_then(|s| s.lock().ok().map(|s| s.iter().flatten().count()))
            .unwrap_or(0)
    }

    fn get(&self, k: usize) -> Option<Arc<RiskState>> {
        let slots = self.slots.as_ref()?.lock().ok()?;
        slots.get(k)?.clone()
    }

    fn poll(&mut self) -> bool {
        let done = self.done();
        let changed = done != self.seen;
        self.seen = done;
        changed
    }

    fn running(&self) -> bool {
        self.slots
            .as_ref()
            .is_some_and(|s| s.lock().is_ok_and(|s| s.iter().any(Option::is_none)))
    }
}

/// One node event, kept for the event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogEntry {
    /// Topology index.
    pub topo: usize,
    /// The engine's event.
    pub event: Event,
    /// `Some(n)` for the line of a hazard strike (not a node's event): the
    /// event's cause names the hazard, `n` counts the nodes it took down
    /// in this topology (the event's node means nothing then).
    pub strike: Option<u32>,
}

/// The state of the trial being watched.
#[derive(Debug)]
pub struct LiveTrial {
    /// The compiled scenario (with every extra shock) the runs step through.
    prep: Arc<Prepared>,
    /// Seed of the trial.
    pub seed: u64,
    /// Trial index.
    pub trial: u64,
    runs: Vec<TopologyRun>,
    caches: Vec<FlowCache>,
    /// φ of every step run so far, per topology.
    pub history: Vec<Vec<f64>>,
    /// Throughput of every step run so far, per topology.
    pub throughput: Vec<Vec<f64>>,
    /// Per topology: Σ C_t of the steps run so far (money; 0 without costs).
    spent: Vec<f64>,
    /// Every node event so far, in step order.
    pub log: Vec<LogEntry>,
    /// Per topology, per node: came back up at the last step run.
    pub recovered: Vec<Vec<bool>>,
    /// Per topology: where the flow of the last step run goes, and its
    /// minimum cut (all nodes up before step 0). Its `value` is the
    /// engine's throughput of that step.
    pub flows: Vec<FlowDetail>,
    /// Per topology: the same with every node up (the baseline F0).
    pub baseline_flows: Vec<FlowDetail>,
    /// Per topology, per node: an up assembler that makes nothing at the
    /// last step run (a part has no producing supplier). All false without
    /// assemblers.
    pub starved: Vec<Vec<bool>>,
    /// Per topology with assemblers, per node: can it produce at the last
    /// step run (what the inspector reads to say why an assembler starves);
    /// empty for topologies without assemblers.
    pub producing: Vec<Vec<bool>>,
    /// Per topology, per node: its stock at the last step run (`None` for a
    /// node without stock; all `None` in a topology without stock).
    pub stock: Vec<Vec<Option<NodeStock>>>,
    /// Per topology: total stock after every step run so far, as a share of
    /// the topology's total max (one entry per step, like `history`; empty
    /// for a topology without stock).
    pub stock_history: Vec<Vec<f64>>,
    /// Per topology: the risk table, computed by a worker on first request
    /// on the compiled scenario, which a new trial keeps).
    risk: RiskTables,
    solver: FlowSolver,
}

/// Per node of topology `k`: its stock now, with `change` against `before`.
fn stock_now(
    prep: &Prepared,
    run: &TopologyRun,
    k: usize,
    before: Option<&[Option<NodeStock>]>,
) -> Vec<Option<NodeStock>> {
    let mut out = vec![None; prep.topologies[k].net.node_count()];
    for (v, level, max) in run.stock_levels(prep) {
        if max > 0.0 {
            let prev = before.and_then(|b| b[v]).map_or(level, |s| s.level);
            out[v] = Some(NodeStock {
                level,
                max,
                change: level - prev,
            });
        }
    }
    out
}

/// Total stock held as a share of the total max (`None` without stock).
pub fn stock_share(stock: &[Option<NodeStock>]) -> Option<f64> {
    let (level, max) = stock
        .iter()
        .flatten()
        .fold((0.0, 0.0), |(l, m), s| (l + s.level, m + s.max));
    (max > 0.0).then(|| (level / max).clamp(0.0, 1.0))
}

impl LiveTrial {
    /// Trial `trial` of seed `seed`, before step 0.
    pub fn new(prep: Arc<Prepared>, seed: u64, trial: u64) -> Self {
        let k = prep.topologies.len();
        let runs: Vec<TopologyRun> = (0..k)
            .map(|t| TopologyRun::new(&prep, t, seed, trial))
            .collect();
        let recovered = prep
            .topologies
            .iter()
            .map(|p| vec![false; p.net.node_count()])
            .collect();
        let mut solver = FlowSolver::default();
        let baseline_flows: Vec<FlowDetail> = prep
            .topologies
            .iter()
            .map(|p| {
                let up = vec![false; p.net.node_count()];
                p.net.flow_detail(p.topology(), &up, &mut solver)
            })
            .collect();
        let starved = prep
            .topologies
            .iter()
            .map(|p| vec![false; p.net.node_count()])
            .collect();
        let producing = prep
            .topologies
            .iter()
            .map(|p| match p.net.assembly() {
                Some(_) => vec![true; p.net.node_count()],
                None => Vec::new(),
            })
            .collect();
        let stock = (0..k)
            .map(|t| stock_now(&prep, &runs[t], t, None))
            .collect();
        LiveTrial {
            stock,
            stock_history: vec![Vec::new(); k],
            risk: RiskTables::default(),
            starved,
            producing,
            flows: baseline_flows.clone(),
            baseline_flows,
            solver,
            prep,
            seed,
            trial,
            runs,
            caches: (0..k).map(|_| FlowCache::default()).collect(),
            history: vec![Vec::new(); k],
            throughput: vec![Vec::new(); k],
            spent: vec![0.0; k],
            log: Vec::new(),
            recovered,
        }
    }

    /// The compiled scenario being stepped.
    pub fn prep(&self) -> &Arc<Prepared> {
        &self.prep
    }

    /// Number of topologies.
    pub fn topologies(&self) -> usize {
        self.runs.len()
    }

    /// Steps run so far (the index of the next step).
    pub fn t(&self) -> u32 {
        self.runs.first().map_or(0, TopologyRun::step_index)
    }

    /// Steps per trial.
    pub fn steps(&self) -> u32 {
        self.prep.scenario.steps
    }

    /// True when every step has run.
    pub fn finished(&self) -> bool {
        self.runs.iter().all(TopologyRun::finished)
    }

    /// Run the next step on every topology; false when the trial was already over.
    pub fn step(&mut self) -> bool {
        if self.finished() {
            return false;
        }
        for (k, (run, cache)) in self.runs.iter_mut().zip(&mut self.caches).enumerate() {
            let Some(rec) = run.step(&self.prep, cache) else {
                continue;
            };
            // The down-set only changes with an event; before step 0 every
            // node is up, which `flows` starts from.
            if !run.events().is_empty() {
                let p = &self.prep.topologies[k];
                self.flows[k] = p
                    .net
                    .flow_detail(p.topology(), run.down_mask(), &mut self.solver);
                if let Some(a) = p.net.assembly() {
                    self.starved[k] = a.starved(run.down_mask());
                    self.producing[k] = a.producing(run.down_mask());
                }
            }
            self.history[k].push(rec.service);
            self.throughput[k].push(rec.throughput);
            self.spent[k] += rec.cost;
            if self.prep.topologies[k].model.inventory.is_some() {
                let now = stock_now(&self.prep, run, k, Some(&self.stock[k]));
                self.stock_history[k].push(stock_share(&now).unwrap_or(0.0));
                self.stock[k] = now;
            }
            self.recovered[k].fill(false);
            for e in run.events() {
                if e.kind == EventKind::Up {
                    self.recovered[k][e.node] = true;
                }
                self.log.push(LogEntry {
                    topo: k,
                    event: *e,
                    strike: None,
                });
            }
            // One line per hazard strike, above its nodes' lines (the log
            // shows the newest first).
            for h in run.struck() {
                let cause = Cause::Hazard(h);
                let down = run
                    .events()
                    .iter()
                    .filter(|e| matches!(e.kind, EventKind::Down { cause: c, .. } if c == cause))
                    .count() as u32;
                self.log.push(LogEntry {
                    topo: k,
                    event: Event {
                        step: rec.step,
                        node: 0,
                        kind: EventKind::Down {
                            cause,
                            until: rec.step,
                        },
                    },
                    strike: Some(down),
                });
            }
        }
        true
    }

    /// Continue with `prep`, which must equal the current one plus shocks
    /// striking at the next step or later. Steps already run saw none of
    /// them, so this is exactly a replay of `prep` from step 0.
    pub fn extend_shocks(&mut self, prep: Arc<Prepared>) {
        debug_assert!(
            prep.scenario.shocks.len() >= self.prep.scenario.shocks.len()
                && prep.scenario.shocks[self.prep.scenario.shocks.len()..]
                    .iter()
                    .all(|s| s.at >= self.t())
        );
        self.prep = prep;
    }

    /// Is node `i` of topology `k` down at the last step run?
    pub fn is_down(&self, k: usize, i: usize) -> bool {
        self.runs[k].is_down(i)
    }

    /// For a down node: steps it stays down counting the step on screen.
    pub fn remaining(&self, k: usize, i: usize) -> u32 {
        let shown = self.t().saturating_sub(1);
        self.runs[k].down_until(i).saturating_sub(shown).max(1)
    }

    /// Nodes of topology `k` down at the last step run.
    pub fn down_count(&self, k: usize) -> usize {
        self.runs[k].down_mask().iter().filter(|d| **d).count()
    }

    /// Does topology `k` hold stock anywhere?
    pub fn stocked(&self, k: usize) -> bool {
        self.stock[k].iter().any(Option::is_some)
    }

    /// The risk table of topology `k` (TTS, TTR, exposure per node), once
    /// the worker has it (`None` while it computes or before
    /// [`request_risk`](Self::request_risk)). It is kept for this compiled
    /// scenario; knock-outs and shocks added later do not change it (`risk`
    /// drops every shock).
    pub fn risk(&self, k: usize) -> Option<Arc<RiskState>> {
        self.risk.get(k)
    }

    /// Start computing every topology's risk table (once per compiled
    /// scenario): on a worker thread, or at once when `inline` (tests).
    pub fn request_risk(&mut self, inline: bool) {
        self.risk.start(&self.prep, inline);
    }

    /// True when the worker finished a table since the last call (redraw).
    pub fn poll_risk(&mut self) -> bool {
        self.risk.poll()
    }

    /// Is the risk worker still computing?
    pub fn risk_running(&self) -> bool {
        self.risk.running()
    }

    /// What topology `k` has cost so far in this trial per unit of its
    /// baseline, Σ C_t ÷ (F0 · steps run) (its calm cost before step 0);
    /// `None` in a scenario without costs.
    pub fn cost(&self, k: usize) -> Option<f64> {
        if !self.prep.scenario.has_costs() {
            return None;
        }
        let p = &self.prep.topologies[k];
        let steps = self.history[k].len();
        Some(if steps == 0 {
            p.calm_cost() / p.net.baseline()
        } else {
            self.spent[k] / (p.net.baseline() * steps as f64)
        })
    }

    /// φ at the last step run of topology `k` (1 before step 0).
    pub fn service(&self, k: usize) -> f64 {
        self.history[k].last().copied().unwrap_or(1.0)
    }
}
