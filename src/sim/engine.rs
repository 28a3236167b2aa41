//! One topology through one trial, step by step.
//!
//! Step `t` does, in order (see `docs/model.md`):
//! 1. nodes whose outage ends at `t` come back up;
//! 2. shocks with `at == t` force their nodes down (extending running outages);
//! 3. hazards striking at `t` take down each node of their regions with
//!    probability `hit` (extending running outages);
//! 4. every up node fails with its failure rate, for a sampled repair;
//! 5. φ_t is computed from the nodes that are up; with stock, by the three
//!    stages (deliver, draw, refill) of `docs/model.md`, "Inventory" — the
//!    step model's business ([`crate::model::StepModel`]).
//!
//! Step 3 draws from streams of its own ([`Stream::hazard_strikes`], one per
//! hazard, and [`Stream::hazard_hits`], each topology its own copy), and
//! only in scenarios with hazards: a file without them draws what it always
//! drew. A hazard's strike steps are drawn once per trial, as geometric gaps
//! (a Bernoulli trial per step of its window, at a cost proportional to its
//! strikes).
//!
//! Step 4 is event-driven: when a node comes up at step `s` it draws, once,
//! the number `K` of steps it survives (geometric with the node's failure
//! rate) and fails at `s + K`. By memorylessness this has exactly the law of a
//! Bernoulli trial per up step, at a cost proportional to the number of
//! failures rather than nodes × steps.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;
use std::sync::OnceLock;

use super::rng::{Stream, ln_survival};
use crate::model::{FlowCache, StepModel, StepState};
use crate::network::centrality::{betweenness, degree, ranking};
use crate::network::{FlowNetwork, check_flow};
use crate::scenario::{Hazard, InputError, Repair, Scenario, Selection, Shock, Topology};

/// Never: a step index beyond every horizon.
const NEVER: u32 = u32::MAX;

/// A scenario compiled for simulation. Read-only; share it across threads.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The validated scenario (including any extra shocks added before preparing).
    pub scenario: Scenario,
    /// One entry per topology, in scenario order.
    pub topologies: Vec<PreparedTopology>,
}

/// One topology compiled for simulation.
#[derive(Debug, Clone)]
pub struct PreparedTopology {
    /// The flow network (baseline, max flow).
    pub net: FlowNetwork,
    /// ln(1 - failure_rate) per node; `None` for nodes that never fail.
    ln_survive: Vec<Option<f64>>,
    /// Repair distribution per node.
    repair: Vec<Repair>,
    /// Node indices by total degree, highest first, ties by id (computed on first use).
    by_degree: OnceLock<Vec<usize>>,
    /// Node indices by betweenness, highest first, ties by id (computed on
    /// first use: Brandes costs O(nodes × links)).
    by_betweenness: OnceLock<Vec<usize>>,
    /// The scenario's shocks resolved for this topology.
    shocks: Vec<ResolvedShock>,
    /// Per hazard of the scenario, the nodes of its regions here (node order).
    hazard_nodes: Vec<Vec<usize>>,
    /// The topology itself, for resolving shocks added later.
    topo: Topology,
    /// What one step means here (production, stock).
    pub model: StepModel,
}

/// A shock resolved against one topology.
#[derive(Debug, Clone)]
struct ResolvedShock {
    at: u32,
    /// Index into the scenario's shock list (extra shocks continue the numbering).
    index: usize,
    targets: Targets,
    duration: Option<u32>,
}

#[derive(Debug, Clone)]
enum Targets {
    /// These nodes, in this order.
    Fixed(Vec<usize>),
    /// This many distinct nodes drawn uniformly from the stream.
    Random(usize),
    /// The first this many nodes by betweenness, ranked on first use
    /// (Brandes is O(n·m): loading or checking a file never pays for it,
    /// only a trial that reaches the shock does, once per topology).
    Betweenness(usize),
}

impl PreparedTopology {
    fn new(topo: &Topology, shocks: &[Shock], hazards: &[Hazard]) -> Self {
        let net = FlowNetwork::new(topo);
        let model = StepModel::new(topo, &net, is_series(topo));
        let mut p = PreparedTopology {
            net,
            model,
            ln_survive: topo
                .nodes
                .iter()
                .map(|n| ln_survival(n.failure_rate))
                .collect(),
            repair: topo.nodes.iter().map(|n| n.repair).collect(),
            by_degree: OnceLock::new(),
            by_betweenness: OnceLock::new(),
            shocks: Vec::new(),
            hazard_nodes: hazards
                .iter()
                .map(|h| {
                    (0..topo.nodes.len())
                        .filter(|&i| h.covers(topo.nodes[i].region.as_deref()))
                        .collect()
                })
                .collect(),
            topo: topo.clone(),
        };
        p.shocks = shocks
            .iter()
            .enumerate()
            .map(|(i, s)| p.resolve(i, s))
            .collect();
        p
    }

    /// C with every node up and every stock full (money per step; 0 for a
    /// topology that costs nothing).
    pub fn calm_cost(&self) -> f64 {
        self.model.cost.as_ref().map_or(0.0, |c| c.calm())
    }

    /// The topology this was compiled from.
    pub fn topology(&self) -> &Topology {
        &self.topo
    }

    /// Node indices by total degree in the intact topology, highest first, ties by id.
    pub fn by_degree(&self) -> &[usize] {
        self.by_degree
            .get_or_init(|| ranking(&self.topo, &degree(&self.topo)))
    }

    /// Whether the betweenness ranking was computed yet (it is computed on
    /// first use only: loading, `check` and runs without a betweenness shock
    /// never pay for Brandes).
    pub fn betweenness_ranked(&self) -> bool {
        self.by_betweenness.get().is_some()
    }

    /// Take `other`'s betweenness ranking when it has one and was ranked
    /// on the same topology (the ranking depends on nodes and links only;
    /// a recompile after a slider or an added shock then need not run
    /// Brandes again). Returns whether this topology is ranked now.
    pub fn adopt_betweenness(&self, other: &PreparedTopology) -> bool {
        if let Some(r) = other.by_betweenness.get()
            && other.topo.nodes.len() == self.topo.nodes.len()
            && other.topo.links == self.topo.links
            && other
                .topo
                .nodes
                .iter()
                .zip(&self.topo.nodes)
                .all(|(a, b)| a.id == b.id)
        {
            let _ = self.by_betweenness.set(r.clone());
        }
        self.betweenness_ranked()
    }

    /// Whether a shock of the scenario (or one added later) will need the
    /// betweenness ranking.
    pub fn needs_betweenness(&self) -> bool {
        self.shocks
            .iter()
            .any(|s| matches!(s.targets, Targets::Betweenness(_)))
    }

    /// Node indices by betweenness in the intact topology, highest first, ties by id.
    pub fn by_betweenness(&self) -> &[usize] {
        self.by_betweenness
            .get_or_init(|| ranking(&self.topo, &betweenness(&self.topo)))
    }

    /// The nodes a deterministic selection picks (in order); `None` for random ones.
    pub fn targets(&self, select: &Selection) -> Option<Vec<usize>> {
        let n = self.topo.nodes.len();
        Some(match select {
            Selection::Random(_) => return None,
            Selection::Degree(a) => self.by_degree()[..a.resolve(n)].to_vec(),
            Selection::Betweenness(a) => self.by_betweenness()[..a.resolve(n)].to_vec(),
            Selection::Sector(s) => (0..n)
                .filter(|&i| self.topo.nodes[i].sector.as_deref() == Some(s.as_str()))
                .collect(),
            Selection::Nodes(ids) => {
                let mut v: Vec<usize> = ids
                    .iter()
                    .filter_map(|id| self.topo.node_index(id))
                    .collect();
                let mut seen = vec![false; n];
                v.retain(|&i| !std::mem::replace(&mut seen[i], true));
                v
            }
        })
    }

    fn resolve(&self, index: usize, s: &Shock) -> ResolvedShock {
        let n = self.topo.nodes.len();
        if let Selection::Betweenness(a) = &s.select {
            return ResolvedShock {
                at: s.at,
                index,
                targets: Targets::Betweenness(a.resolve(n).min(n)),
                duration: s.duration,
            };
        }
        let targets = match (&s.select, self.targets(&s.select)) {
            (_, Some(fixed)) => Targets::Fixed(fixed),
            (Selection::Random(a), None) => Targets::Random(a.resolve(self.topo.nodes.len())),
            (_, None) => Targets::Fixed(Vec::new()),
        };
        ResolvedShock {
            at: s.at,
            index,
            targets,
            duration: s.duration,
        }
    }
}

/// The strike steps of `hazards` in one trial of `steps` steps, `(step,
/// hazard)` ascending, each hazard from its own strike stream: geometric
/// gaps between strikes (each step of its window strikes with probability
/// `rate`, independently), at a cost proportional to the strikes.
fn strike_steps(hazards: &[Hazard], steps: u32, seed: u64, trial: u64, out: &mut Vec<(u32, u32)>) {
    for (h, hazard) in hazards.iter().enumerate() {
        let mut stream = Stream::hazard_strikes(seed, trial, h);
        let Some(ln_q) = ln_survival(hazard.rate) else {
            continue;
        };
        let end = u64::from(hazard.end.map_or(steps, |e| e.min(steps)));
        let mut at = u64::from(hazard.start).saturating_add(stream.geometric0(ln_q));
        while at < end {
            out.push((at as u32, h as u32));
            at = at.saturating_add(1).saturating_add(stream.geometric0(ln_q));
        }
    }
    out.sort_unstable();
}

/// Is `topo` a simple directed path from its only source to its only sink?
fn is_series(topo: &Topology) -> bool {
    use crate::scenario::Role;
    let n = topo.nodes.len();
    if topo.links.len() + 1 != n || topo.links.iter().any(|l| l.both_ways) {
        return false;
    }
    let mut next = vec![usize::MAX; n];
    let mut indegree = vec![0usize; n];
    for l in &topo.links {
        if next[l.from] != usize::MAX {
            return false;
        }
        next[l.from] = l.to;
        indegree[l.to] += 1;
    }
    let Some(start) = (0..n).find(|&i| indegree[i] == 0) else {
        return false;
    };
    let (mut at, mut seen) = (start, 1);
    while next[at] != usize::MAX && seen <= n {
        at = next[at];
        seen += 1;
    }
    let roles_ok = topo
        .nodes
        .iter()
        .enumerate()
        .all(|(i, node)| match node.role {
            Role::Source => i == start,
            Role::Sink => i == at,
            Role::Relay => i != start && i != at,
        });
    seen == n && roles_ok
}

impl Prepared {
    /// Compile every topology of `scenario` into its flow network, and check
    /// what only a flow can tell ([`check_flow`]: every source reaches a
    /// sink, positive baseline), with the file's line and column.
    pub fn new(scenario: Scenario) -> Result<Prepared, InputError> {
        let topologies = scenario
            .topologies
            .iter()
            .enumerate()
            .map(|(k, t)| {
                let p = PreparedTopology::new(t, &scenario.shocks, &scenario.hazards);
                check_flow(&scenario, k, &p.net).map(|()| p)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Prepared {
            scenario,
            topologies,
        })
    }

    /// The baseline throughput F0 of every topology, in scenario order.
    pub fn baselines(&self) -> Vec<f64> {
        self.topologies.iter().map(|p| p.net.baseline()).collect()
    }
}

/// Why a node went down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Its own random failure.
    Random,
    /// Scripted shock number `k` (file shocks first, then added ones).
    Shock(usize),
    /// A strike of the scenario's hazard number `k`.
    Hazard(usize),
}

/// What happened to a node at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// Went down (or had its outage extended) until step `until` (exclusive).
    Down { cause: Cause, until: u32 },
    /// Came back up.
    Up,
}

/// One node event of one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// The step.
    pub step: u32,
    /// The node index.
    pub node: usize,
    /// What happened.
    pub kind: EventKind,
}

/// The outcome of one step of one topology.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepRecord {
    /// The step index.
    pub step: u32,
    /// Max flow F_t.
    pub throughput: f64,
    /// φ_t = F_t / F0.
    pub service: f64,
    /// Number of nodes down at this step.
    pub down: usize,
    /// Units drawn from stock at this step, as a share of the baseline F0
    /// (0 without stock).
    pub drawn: f64,
    /// Does some stocked node end this step with its stock at 0?
    pub stockout: bool,
    /// What the step cost, C_t (money; 0 where nothing costs money).
    pub cost: f64,
    /// Node hits of the hazards that struck at this step (a node hit while
    /// already down counts too; 0 without hazards).
    pub hazard_hits: u32,
}

/// The state of one topology in one trial.
#[derive(Debug, Clone)]
pub struct TopologyRun {
    topo: usize,
    steps: u32,
    stream: Stream,
    t: u32,
    /// A down node is down at steps `< down_until[i]`.
    down_until: Vec<u32>,
    /// The step of the next scheduled random failure of an up node.
    next_fail: Vec<u32>,
    recoveries: BinaryHeap<Reverse<(u32, u32)>>,
    failures: BinaryHeap<Reverse<(u32, u32)>>,
    down: Vec<bool>,
    down_count: usize,
    /// The down-set changed since the last step.
    dirty: bool,
    throughput: f64,
    extra: Vec<ResolvedShock>,
    events: Vec<Event>,
    picks: Vec<usize>,
    pool: Vec<usize>,
    /// What the step model carries from step to step (production, stock
    /// levels, the assembly warm start).
    state: StepState,
    /// This trial's hazard strikes, `(step, hazard)` ascending (empty
    /// without hazards).
    strikes: Vec<(u32, u32)>,
    /// The next strike of `strikes` to apply.
    next_strike: usize,
    /// The strikes of `strikes` applied at the last step run.
    last_strikes: Range<usize>,
    /// Node hits of the last step run.
    last_hits: u32,
    /// Some hazard strikes in this trial (step (3) runs at all).
    hazard_live: bool,
    /// Who goes down when a hazard strikes, and for how long (scenarios
    /// with hazards only).
    hazard_stream: Option<Stream>,
}

impl TopologyRun {
    /// Topology `topo` of `prep` at the start of trial `trial` of seed `seed`.
    pub fn new(prep: &Prepared, topo: usize, seed: u64, trial: u64) -> Self {
        let n = prep.topologies[topo].net.node_count();
        let mut run = TopologyRun {
            topo,
            steps: prep.scenario.steps,
            stream: Stream::new(seed, trial),
            t: 0,
            down_until: vec![0; n],
            next_fail: vec![NEVER; n],
            recoveries: BinaryHeap::new(),
            failures: BinaryHeap::new(),
            down: vec![false; n],
            down_count: 0,
            dirty: true,
            throughput: 0.0,
            extra: Vec::new(),
            events: Vec::new(),
            picks: Vec::new(),
            pool: Vec::new(),
            state: StepState::default(),
            strikes: Vec::new(),
            next_strike: 0,
            last_strikes: 0..0,
            last_hits: 0,
            hazard_live: false,
            hazard_stream: None,
        };
        run.reset(prep, seed, trial);
        run
    }

    /// Restart at step 0 of another trial, reusing buffers; drops added shocks.
    pub fn reset(&mut self, prep: &Prepared, seed: u64, trial: u64) {
        self.stream = Stream::new(seed, trial);
        self.t = 0;
        self.down_until.fill(0);
        self.down.fill(false);
        self.down_count = 0;
        self.recoveries.clear();
        self.failures.clear();
        self.extra.clear();
        self.events.clear();
        self.dirty = true;
        let p = &prep.topologies[self.topo];
        p.model.start(&mut self.state);
        for i in 0..self.down.len() {
            self.schedule_failure(p, i, 0);
        }
        self.strikes.clear();
        self.next_strike = 0;
        self.last_strikes = 0..0;
        self.last_hits = 0;
        self.hazard_live = false;
        self.hazard_stream = None;
        let hazards = &prep.scenario.hazards;
        if !hazards.is_empty() {
            strike_steps(hazards, self.steps, seed, trial, &mut self.strikes);
            self.hazard_stream = Some(Stream::hazard_hits(seed, trial));
            self.hazard_live = !self.strikes.is_empty();
        }
    }

    /// This trial's hazard strikes, `(step, hazard index)` in step order
    /// (hazards in file order within a step): the same in every topology.
    pub fn strikes(&self) -> &[(u32, u32)] {
        &self.strikes
    }

    /// The hazards (indices, file order) that struck at the last step run.
    pub fn struck(&self) -> impl Iterator<Item = usize> + '_ {
        self.strikes[self.last_strikes.clone()]
            .iter()
            .map(|&(_, h)| h as usize)
    }

    /// Node hits of the hazards that struck at the last step run.
    pub fn hazard_hits(&self) -> u32 {
        self.last_hits
    }

    /// How many frontier nodes this run's warm start holds fixed (large
    /// assembly topologies; `None` before the first solve of a trial).
    pub fn warm_fixes(&self) -> Option<usize> {
        self.state.warm_fixes()
    }

    /// Add a shock (e.g. a manual knock-out) that strikes at `shock.at`,
    /// which must not be in the past. Numbered after the scenario's shocks.
    pub fn add_shock(&mut self, prep: &Prepared, shock: &Shock) {
        let p = &prep.topologies[self.topo];
        let index = p.shocks.len() + self.extra.len();
        let mut r = p.resolve(index, shock);
        r.at = r.at.max(self.t);
        self.extra.push(r);
    }

    /// The next step to run (equals the number of steps run so far).
    pub fn step_index(&self) -> u32 {
        self.t
    }

    /// True when every step of the trial has run.
    pub fn finished(&self) -> bool {
        self.t >= self.steps
    }

    /// Is node `i` down at the last step run?
    pub fn is_down(&self, i: usize) -> bool {
        self.down[i]
    }

    /// The down flags of every node at the last step run.
    pub fn down_mask(&self) -> &[bool] {
        &self.down
    }

    /// For a down node, the step at which it comes back up.
    pub fn down_until(&self, i: usize) -> u32 {
        self.down_until[i]
    }

    /// The node events of the last step run.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    fn schedule_failure(&mut self, p: &PreparedTopology, i: usize, from: u32) {
        self.next_fail[i] = NEVER;
        if let Some(ln_q) = p.ln_survive[i] {
            let k = self.stream.geometric0(ln_q);
            let at = u64::from(from).saturating_add(k);
            if at < u64::from(self.steps) {
                self.next_fail[i] = at as u32;
                self.failures.push(Reverse((at as u32, i as u32)));
            }
        }
    }

    fn knock_out(&mut self, i: usize, until: u32, cause: Cause) {
        let t = self.t;
        if !self.down[i] {
            self.down[i] = true;
            self.down_count += 1;
            self.dirty = true;
            self.next_fail[i] = NEVER;
        } else if until <= self.down_until[i] {
            return;
        }
        self.down_until[i] = until;
        self.recoveries.push(Reverse((until, i as u32)));
        self.events.push(Event {
            step: t,
            node: i,
            kind: EventKind::Down { cause, until },
        });
    }

    /// Run step `t` and return its record, or `None` when the trial is over.
    pub fn step(&mut self, prep: &Prepared, cache: &mut FlowCache) -> Option<StepRecord> {
        if self.finished() {
            return None;
        }
        let p = &prep.topologies[self.topo];
        let t = self.t;
        self.events.clear();

        // (1) Recoveries, in node order within the step.
        while let Some(&Reverse((at, i))) = self.recoveries.peek() {
            if at > t {
                break;
            }
            self.recoveries.pop();
            let i = i as usize;
            if self.down[i] && self.down_until[i] == at {
                self.down[i] = false;
                self.down_count -= 1;
                self.dirty = true;
                self.events.push(Event {
                    step: t,
                    node: i,
                    kind: EventKind::Up,
                });
                self.schedule_failure(p, i, t);
            }
        }

        // (2) Scripted shocks striking now: the scenario's, then added ones.
        for k in 0..p.shocks.len() + self.extra.len() {
            let s = if k < p.shocks.len() {
                &p.shocks[k]
            } else {
                &self.extra[k - p.shocks.len()]
            };
            if s.at != t {
                continue;
            }
            let (index, duration) = (s.index, s.duration);
            self.picks.clear();
            match &s.targets {
                Targets::Fixed(v) => self.picks.extend_from_slice(v),
                Targets::Betweenness(k) => self.picks.extend_from_slice(&p.by_betweenness()[..*k]),
                Targets::Random(count) => {
                    // Partial Fisher–Yates over all nodes.
                    let count = *count;
                    self.pool.clear();
                    self.pool.extend(0..self.down.len());
                    for j in 0..count {
                        let r = j + self.stream.below((self.pool.len() - j) as u64) as usize;
                        self.pool.swap(j, r);
                    }
                    self.picks.extend_from_slice(&self.pool[..count]);
                }
            }
            for j in 0..self.picks.len() {
                let i = self.picks[j];
                let d = match duration {
                    Some(d) => d,
                    None => self.stream.repair(&p.repair[i]),
                };
                self.knock_out(i, t.saturating_add(d), Cause::Shock(index));
            }
        }

        // (3) Hazards striking now (out of line: files without hazards
        // pay one comparison per step).
        if self.hazard_live {
            self.hazards(prep, p, t);
        }

        // (4) Random failures scheduled for now, in node order.
        while let Some(&Reverse((at, i))) = self.failures.peek() {
            if at > t {
                break;
            }
            self.failures.pop();
            let i = i as usize;
            if !self.down[i] && self.next_fail[i] == at {
                let r = self.stream.repair(&p.repair[i]);
                self.knock_out(i, t.saturating_add(r), Cause::Random);
            }
        }

        // (5) Throughput from the nodes that are up (and the stock): the
        // step model's rule.
        let out = p.model.step(
            &p.net,
            &mut self.state,
            (&self.down, self.down_count, self.dirty),
            cache,
        );
        self.dirty = false;
        self.throughput = out.throughput;
        let (drawn, stockout) = (out.drawn, out.stockout);
        self.t += 1;
        Some(StepRecord {
            step: t,
            throughput: self.throughput,
            service: self.throughput / p.net.baseline(),
            down: self.down_count,
            drawn,
            stockout,
            cost: out.cost,
            hazard_hits: self.last_hits,
        })
    }

    /// Step (3) at step `t`: the hazards striking now, in file order; each
    /// node of their regions, in node order, goes down with probability
    /// `hit`. Records the strikes and hits of the step.
    #[inline(never)]
    fn hazards(&mut self, prep: &Prepared, p: &PreparedTopology, t: u32) {
        let mut hazard_hits = 0u32;
        let first_strike = self.next_strike;
        while let Some(&(at, h)) = self.strikes.get(self.next_strike) {
            if at > t {
                break;
            }
            self.next_strike += 1;
            let h = h as usize;
            let hazard = &prep.scenario.hazards[h];
            for &i in &p.hazard_nodes[h] {
                let Some(stream) = self.hazard_stream.as_mut() else {
                    break;
                };
                if stream.unit_open0() > hazard.hit {
                    continue;
                }
                let d = stream.repair(hazard.duration.as_ref().unwrap_or(&p.repair[i]));
                hazard_hits += 1;
                self.knock_out(i, t.saturating_add(d), Cause::Hazard(h));
            }
        }
        self.last_strikes = first_strike..self.next_strike;
        self.last_hits = hazard_hits;
    }

    /// Stock held per node of the topology after the last step run (0 for
    /// nodes that hold none); empty without stock.
    pub fn stock_levels(&self, prep: &Prepared) -> Vec<(usize, f64, f64)> {
        let model = &prep.topologies[self.topo].model;
        match &model.inventory {
            None => Vec::new(),
            Some(inv) => inv
                .ranked()
                .iter()
                .zip(model.levels(&self.state))
                .zip(inv.max())
                .map(|((&v, &l), &m)| (v, l, m))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{run_trials, trace_rows};

    /// Issue 14, item 13: a betweenness shock is ranked lazily, and the
    /// nodes it takes down are exactly the top of the eager ranking.
    #[test]
    fn betweenness_shocks_rank_on_first_use_and_hit_the_top_nodes() {
        let text = "[scenario]\nname = \"b\"\nsector = \"other\"\nsteps = 6\ntrials = 2\n\
[defaults]\ncapacity = 1.0\nfailure_rate = 0.0\n\
[[shock]]\nat = 2\nselect = \"betweenness\"\ncount = 1\nduration = 2\n\
[[topology]]\nid = \"star\"\n\
[[topology.node]]\nid = \"s\"\nrole = \"source\"\n\
[[topology.node]]\nid = \"hub\"\n\
[[topology.node]]\nid = \"side\"\n\
[[topology.node]]\nid = \"t\"\nrole = \"sink\"\n\
[[topology.link]]\nfrom = \"s\"\nto = \"hub\"\n\
[[topology.link]]\nfrom = \"hub\"\nto = \"t\"\n\
[[topology.link]]\nfrom = \"s\"\nto = \"side\"\n";
        let scenario = Scenario::from_toml("b.toml", text).expect("scenario");
        let prep = Prepared::new(scenario).expect("prepared");
        assert!(
            !prep.topologies[0].betweenness_ranked(),
            "not ranked on load"
        );
        let table = run_trials(&prep, 1, 0..2);
        assert!(prep.topologies[0].betweenness_ranked(), "ranked once used");
        // The hub carries every shortest path: the shock takes it, so φ = 0 for 2 of 6 steps.
        assert_eq!(prep.topologies[0].by_betweenness()[0], 1);
        for m in table.column(0) {
            assert!((m.service - 4.0 / 6.0).abs() < 1e-12, "{m:?}");
        }
        let rows = trace_rows(&prep, 1, 0, &[0]);
        let down: Vec<&Vec<usize>> = rows.iter().map(|r| &r.down).collect();
        assert_eq!(down[2], &vec![1]);
    }
}
