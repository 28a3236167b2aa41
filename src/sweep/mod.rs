//! Attack-tolerance sweep (`chainmesh sweep`): remove a growing number k of
//! the n nodes — at random, or highest degree / betweenness first — and
//! measure normalised throughput φ = max flow / baseline and the largest
//! (weakly) connected component as a fraction of all nodes.
//!
//! Everything is in removal *counts*, never in a grid of fractions that a
//! small topology cannot resolve (15 % of 5 nodes is 0 nodes). A curve has
//! P = min(points, n + 1) distinct counts k_i = ⌊i · n / (P − 1)⌋ — every k
//! when n < points — and f_i = k_i / n is the fraction really removed. The
//! first k of a removal order are down, so removed sets are nested.
//!
//! Per curve: `critical_removed` is the first k with mean φ(k) < the service
//! level, found exactly (every k for n ≤ [`EXACT_NODES`], else bisection
//! between grid points: mean φ never rises with k, since removing nodes never
//! raises a max flow), and `critical_fraction` = critical_removed / n.
//! `robustness` R = (1/n) Σ_{k=1..n} φ(k) (Schneider et al., PNAS 2011) is the
//! size-fair area under the curve: in [0, 1), 0 for a chain (any removal
//! stops it; Schneider's giant-component R is at most ½); exact for
//! n ≤ [`EXACT_NODES`], else
//! the trapezoid rule on the grid refined where φ drops by more than 0.02
//! (`robustness_exact = false`).
//!
//! The component curve of one order costs O(N + E) ([`component`],
//! Newman–Ziff); φ needs one max flow per distinct point (skipped once it
//! reaches 0). Random removal averages `trials` orders, order `t` shuffled by
//! `Stream::new(seed, t)`; trials may run in parallel but are reduced in trial
//! order, so the result depends only on the inputs.

pub mod component;
mod export;
pub mod order;

use rayon::prelude::*;
use serde::Serialize;

use crate::lang::Lang;
use crate::network::{FlowNetwork, FlowSolver, undirected_neighbours};
use crate::report::ScenarioRef;
use crate::scenario::{Scenario, Topology};
use crate::stats::mean_std_ci;

pub use export::serialize;

/// How nodes are chosen for removal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Attack {
    /// Uniformly random order (failures), averaged over trials.
    Random,
    /// Highest (undirected) degree first.
    Degree,
    /// Highest betweenness first.
    Betweenness,
    /// Whole regions, largest first (ties by region name), each region's
    /// nodes by id; nodes without a region last, by id. Only on request
    /// (`--attack region`): not in [`Attack::ALL`], nor a shock selection.
    Region,
}

impl Attack {
    /// Every attack, in the default order.
    pub const ALL: [Attack; 3] = [Attack::Random, Attack::Degree, Attack::Betweenness];

    /// The attack after this one, in the order of [`Attack::ALL`] (the
    /// TUI's `a` key cycles through them).
    pub fn next(self) -> Attack {
        match self {
            Attack::Random => Attack::Degree,
            Attack::Degree => Attack::Betweenness,
            Attack::Betweenness | Attack::Region => Attack::Random,
        }
    }

    /// The spelling on the command line and in outputs (also a shock's
    /// `select =` value).
    pub fn as_str(self) -> &'static str {
        match self {
            Attack::Random => "random",
            Attack::Degree => "degree",
            Attack::Betweenness => "betweenness",
            Attack::Region => "region",
        }
    }

    /// An attack's short name (`degree` → `連結數`).
    pub fn name(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.as_str(),
            Lang::ZhTw => match self {
                Attack::Random => "隨機",
                Attack::Degree => "連結數",
                Attack::Betweenness => "中介中心性",
                Attack::Region => "區域",
            },
        }
    }

    /// Which node an attack removes, as a phrase before "node"
    /// (`the highest-degree`, `連結數最高`).
    pub fn phrase(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::En, Attack::Random) => "a random",
            (Lang::En, Attack::Degree) => "the highest-degree",
            (Lang::En, Attack::Betweenness) => "the highest-betweenness",
            (Lang::ZhTw, Attack::Random) => "隨機",
            (Lang::ZhTw, Attack::Degree) => "連結數最高",
            (Lang::ZhTw, Attack::Betweenness) => "中介中心性最高",
            (Lang::En, Attack::Region) => "a largest-region",
            (Lang::ZhTw, Attack::Region) => "最大區域的",
        }
    }

    /// An attack as a chart or column title (`attack: highest degree first`).
    pub fn title(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::En, Attack::Random) => "random failures",
            (Lang::En, Attack::Degree) => "attack: highest degree first",
            (Lang::En, Attack::Betweenness) => "attack: highest betweenness first",
            (Lang::ZhTw, Attack::Random) => "隨機故障",
            (Lang::ZhTw, Attack::Degree) => "攻擊：連結數最高者先",
            (Lang::ZhTw, Attack::Betweenness) => "攻擊：中介中心性最高者先",
            (Lang::En, Attack::Region) => "hazard: largest region first",
            (Lang::ZhTw, Attack::Region) => "災害：最大區域先",
        }
    }

    /// Targeted attacks follow one deterministic order.
    pub fn is_targeted(self) -> bool {
        self != Attack::Random
    }
}

impl std::fmt::Display for Attack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Random removal orders averaged for [`Attack::Random`] by default, the
/// same for every front: `chainmesh sweep` (unless `--trials`), the handout
/// and the TUI's `w` view, so one seed gives one R everywhere.
pub const DEFAULT_RANDOM_ORDERS: u64 = 100;

/// What to sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepOptions {
    /// Attacks to run, in output order.
    pub attacks: Vec<Attack>,
    /// Number of f values from 0 to 1 inclusive (>= 2).
    pub points: usize,
    /// Random orders averaged for [`Attack::Random`] (>= 1).
    pub trials: u64,
    /// Seed of the random orders.
    pub seed: u64,
    /// Recompute targeted rankings on the remaining graph after each removal.
    pub adaptive: bool,
}

/// Mean and 95% CI half-width at one point (CI 0 for targeted attacks).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    /// Mean over trials.
    pub mean: f64,
    /// Half-width of the 95% confidence interval of the mean.
    pub ci95: f64,
}

/// One attack's curves on one graph.
#[derive(Debug, Clone, PartialEq)]
pub struct AttackCurve {
    /// Which attack.
    pub attack: Attack,
    /// Orders averaged (1 for targeted attacks).
    pub trials: u64,
    /// f at each point.
    pub fractions: Vec<f64>,
    /// Nodes removed at each point, ⌊f · n⌋.
    pub removed: Vec<usize>,
    /// φ = max flow / baseline at each point (empty for a graph without a flow network).
    pub phi: Vec<Band>,
    /// Largest connected component / n at each point.
    pub giant: Vec<Band>,
    /// First k where mean φ(k) < the service level, exact (`None` if never,
    /// or no flow network).
    pub critical_removed: Option<usize>,
    /// `critical_removed / n`.
    pub critical_fraction: Option<f64>,
    /// R = (1/n) Σ_{k=1..n} mean φ(k) (`None` without a flow network).
    pub robustness: Option<f64>,
    /// R summed over every k (else the trapezoid rule on the refined curve).
    pub robustness_exact: bool,
}

/// Up to this many nodes, φ is evaluated at every k for R and the critical count.
pub const EXACT_NODES: usize = 2000;

/// Above [`EXACT_NODES`], an interval of the curve whose mean φ drops by more
/// than this is split at its midpoint before integrating R …
const REFINE_DROP: f64 = 0.02;
/// … with at most this many extra evaluations per point of the curve.
const REFINE_PER_POINT: usize = 16;

/// The distinct removal counts of a curve over `n` nodes with at most
/// `points` points: k_i = ⌊i · n / (P − 1)⌋ for P = min(points, n + 1), so
/// every k from 0 to n when n < points. Strictly increasing, from 0 to n.
pub fn removed_counts(n: usize, points: usize) -> Vec<usize> {
    let p = points.max(2).min(n + 1).max(2);
    let last = (p - 1) as u128;
    let mut out: Vec<usize> = (0..p)
        .map(|i| ((i as u128 * n as u128) / last).min(n as u128) as usize)
        .collect();
    out.dedup();
    out
}

/// The fraction of `n` nodes each count removes (0 for an empty graph).
pub fn fractions_of(removed: &[usize], n: usize) -> Vec<f64> {
    removed
        .iter()
        .map(|&k| if n == 0 { 0.0 } else { k as f64 / n as f64 })
        .collect()
}

/// R = (1/n) Σ_{k=1..n} φ(k) from φ at every k = 0..=n.
pub fn robustness_exact(phi: &[f64]) -> f64 {
    let n = phi.len().saturating_sub(1);
    if n == 0 {
        return 0.0;
    }
    phi[1..].iter().sum::<f64>() / n as f64
}

/// A graph to sweep: undirected adjacency, tie-break ranks, and (for a
/// scenario topology) the flow network that gives φ.
#[derive(Debug, Clone)]
pub struct SweepGraph {
    /// Undirected neighbours of each node (sorted, each once).
    pub adj: Vec<Vec<usize>>,
    /// Tie-break rank of each node (position in id order for a topology).
    pub tie: Vec<usize>,
    /// Flow network for φ; `None` sweeps only the component curve.
    pub flow: Option<FlowNetwork>,
    /// Region of each node, for [`Attack::Region`] (empty: no regions).
    pub region: Vec<Option<String>>,
}

impl SweepGraph {
    /// A scenario topology: links taken both ways, ties by node id.
    pub fn from_topology(topo: &Topology) -> SweepGraph {
        let mut by_id: Vec<usize> = (0..topo.nodes.len()).collect();
        by_id.sort_by(|&a, &b| topo.nodes[a].id.cmp(&topo.nodes[b].id));
        let mut tie = vec![0; by_id.len()];
        for (rank, &v) in by_id.iter().enumerate() {
            tie[v] = rank;
        }
        SweepGraph {
            adj: undirected_neighbours(topo),
            tie,
            flow: Some(FlowNetwork::new(topo)),
            region: topo.nodes.iter().map(|n| n.region.clone()).collect(),
        }
    }

    /// A bare undirected graph (components only), ties by index.
    pub fn undirected(adj: Vec<Vec<usize>>) -> SweepGraph {
        let tie = (0..adj.len()).collect();
        SweepGraph {
            adj,
            tie,
            flow: None,
            region: Vec::new(),
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.adj.len()
    }

    /// True for a graph without nodes.
    pub fn is_empty(&self) -> bool {
        self.adj.is_empty()
    }

    /// The removal order of `attack` (`seed`, `trial` only matter for random).
    pub fn order(&self, attack: Attack, adaptive: bool, seed: u64, trial: u64) -> Vec<usize> {
        match attack {
            Attack::Random => order::random_order(self.len(), seed, trial),
            Attack::Degree => order::degree_order(&self.adj, &self.tie, adaptive),
            Attack::Betweenness => order::betweenness_order(&self.adj, &self.tie, adaptive),
            Attack::Region => order::region_order(&self.region, &self.tie, self.len()),
        }
    }

    /// φ (empty without a flow network) and giant fraction after removing the
    /// first `removed[i]` nodes of `order`; `removed` must be non-decreasing.
    pub fn measure(
        &self,
        order: &[usize],
        removed: &[usize],
        solver: &mut FlowSolver,
    ) -> (Vec<f64>, Vec<f64>) {
        let n = self.len();
        let sizes = component::largest_component_sizes(&self.adj, order);
        let giant = removed
            .iter()
            .map(|&k| {
                if n == 0 {
                    0.0
                } else {
                    sizes[k] as f64 / n as f64
                }
            })
            .collect();
        let Some(net) = &self.flow else {
            return (Vec::new(), giant);
        };
        let phi = if net.is_exact() {
            phi_restoring(net, order, removed, solver)
        } else {
            phi_removing(net, order, removed, solver)
        };
        (phi, giant)
    }

    /// The removal orders of `attack`: one computed order for targeted
    /// attacks; random orders are shuffled afresh each time they are needed
    /// (bounded memory at 200,000 nodes).
    fn orders(&self, attack: Attack, opts: &SweepOptions) -> Orders {
        if attack.is_targeted() {
            Orders::Fixed(self.order(attack, opts.adaptive, opts.seed, 0))
        } else {
            Orders::Random {
                seed: opts.seed,
                trials: opts.trials.max(1),
            }
        }
    }

    /// φ and giant per order at the counts `removed`, reduced to bands in order.
    fn measure_all(&self, orders: &Orders, removed: &[usize]) -> (Vec<Band>, Vec<Band>) {
        let runs: Vec<(Vec<f64>, Vec<f64>)> = match orders {
            Orders::Fixed(order) => vec![self.measure(order, removed, &mut FlowSolver::default())],
            &Orders::Random { seed, trials } => (0..trials)
                .into_par_iter()
                .map_init(FlowSolver::default, |solver, t| {
                    let order = self.order(Attack::Random, false, seed, t);
                    self.measure(&order, removed, solver)
                })
                .collect(),
        };
        let (phis, giants): (Vec<Vec<f64>>, Vec<Vec<f64>>) = runs.into_iter().unzip();
        let phi = if self.flow.is_some() {
            bands(&phis, removed.len())
        } else {
            Vec::new()
        };
        (phi, bands(&giants, removed.len()))
    }

    /// Mean φ over `orders` after removing `k` nodes.
    fn mean_phi_at(&self, orders: &Orders, k: usize) -> f64 {
        let (phi, _) = self.measure_all(orders, &[k]);
        phi.first().map_or(0.0, |b| b.mean)
    }

    /// Sweep one attack; `service_level` sets the critical count.
    pub fn sweep(&self, attack: Attack, opts: &SweepOptions, service_level: f64) -> AttackCurve {
        let n = self.len();
        let removed = removed_counts(n, opts.points);
        let fractions = fractions_of(&removed, n);
        let orders = self.orders(attack, opts);
        let trials = orders.count();
        let (phi, giant) = self.measure_all(&orders, &removed);
        let (mut critical_removed, mut robustness, mut exact) = (None, None, false);
        if self.flow.is_some() {
            if n <= EXACT_NODES {
                // φ at every k: exact R and critical count.
                let means: Vec<f64> = if removed.len() == n + 1 {
                    phi.iter().map(|b| b.mean).collect()
                } else {
                    let every: Vec<usize> = (0..=n).collect();
                    let (all, _) = self.measure_all(&orders, &every);
                    all.iter().map(|b| b.mean).collect()
                };
                critical_removed = means.iter().position(|&m| m < service_level);
                robustness = Some(robustness_exact(&means));
                exact = true;
            } else {
                // Refine the curve where it drops steeply (mean φ never
                // rises with k), then integrate it with the trapezoid rule.
                let mut ks = removed.clone();
                let mut ms: Vec<f64> = phi.iter().map(|b| b.mean).collect();
                let mut budget = REFINE_PER_POINT * removed.len();
                let mut i = 0;
                while i + 1 < ks.len() && budget > 0 {
                    let (a, b) = (ks[i], ks[i + 1]);
                    if b - a > 1 && ms[i] - ms[i + 1] > REFINE_DROP {
                        let mid = a + (b - a) / 2;
                        ks.insert(i + 1, mid);
                        ms.insert(i + 1, self.mean_phi_at(&orders, mid));
                        budget -= 1;
                    } else {
                        i += 1;
                    }
                }
                critical_removed = ms.iter().position(|&m| m < service_level).map(|i| {
                    // Bisect between the last point at or above the level and
                    // the first below it.
                    let (mut lo, mut hi) = (ks[i.saturating_sub(1)], ks[i]);
                    while hi - lo > 1 {
                        let mid = lo + (hi - lo) / 2;
                        if self.mean_phi_at(&orders, mid) < service_level {
                            hi = mid;
                        } else {
                            lo = mid;
                        }
                    }
                    if i == 0 { ks[0] } else { hi }
                });
                robustness = Some(robustness_trapezoid(&ks, &ms, n));
            }
        }
        let critical_fraction =
            critical_removed.map(|k| if n == 0 { 0.0 } else { k as f64 / n as f64 });
        AttackCurve {
            attack,
            trials,
            fractions,
            removed,
            phi,
            giant,
            critical_removed,
            critical_fraction,
            robustness,
            robustness_exact: exact,
        }
    }
}

/// Removal orders of one attack.
enum Orders {
    /// One deterministic order (targeted attacks).
    Fixed(Vec<usize>),
    /// `trials` orders, order `t` shuffled by `Stream::new(seed, t)`.
    Random { seed: u64, trials: u64 },
}

impl Orders {
    fn count(&self) -> u64 {
        match self {
            Orders::Fixed(_) => 1,
            Orders::Random { trials, .. } => *trials,
        }
    }
}

/// R ≈ (1/n) Σ_{k=1..n} φ(k) with φ interpolated linearly between the
/// curve's counts (the trapezoid rule on k ∈ [1, n]).
fn robustness_trapezoid(removed: &[usize], phi: &[f64], n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let mut sum = 0.0;
    for w in removed.windows(2).zip(phi.windows(2)) {
        let ([a, b], [pa, pb]) = w else { continue };
        // Σ over k in (a, b] of the line through (a, pa) and (b, pb).
        let len = (b - a) as f64;
        for k in (a + 1)..=*b {
            let t = (k - a) as f64 / len;
            sum += pa + t * (pb - pa);
        }
    }
    sum / n as f64
}

/// Mean and CI at each of `points` over the per-trial curves `runs`, in trial order.
fn bands(runs: &[Vec<f64>], points: usize) -> Vec<Band> {
    (0..points)
        .map(|i| {
            let column: Vec<f64> = runs.iter().map(|r| r[i]).collect();
            let (mean, _, ci95) = mean_std_ci(&column);
            Band { mean, ci95 }
        })
        .collect()
}

/// φ after removing the first `removed[i]` nodes of `order` (non-decreasing),
/// one fresh solve per distinct count.
fn phi_removing(
    net: &FlowNetwork,
    order: &[usize],
    removed: &[usize],
    solver: &mut FlowSolver,
) -> Vec<f64> {
    let n = order.len();
    let mut down = vec![false; n];
    let mut done = 0;
    let mut last: Option<(usize, f64)> = None;
    removed
        .iter()
        .map(|&k| {
            let value = match last {
                // Removing more never raises throughput: 0 stays 0.
                Some((lk, v)) if lk == k || v == 0.0 => v,
                _ => {
                    for &v in &order[done..k] {
                        down[v] = true;
                    }
                    done = k;
                    if k == n {
                        0.0
                    } else {
                        net.max_flow(&down, solver) / net.baseline()
                    }
                }
            };
            last = Some((k, value));
            value
        })
        .collect()
}

/// [`phi_removing`] for exact networks, walked from the most removed back to
/// none: nodes only come back, so each point repairs the previous flow
/// ([`FlowNetwork::update`], bit-for-bit a fresh solve) instead of solving anew.
fn phi_restoring(
    net: &FlowNetwork,
    order: &[usize],
    removed: &[usize],
    solver: &mut FlowSolver,
) -> Vec<f64> {
    let Some(&most) = removed.last() else {
        return Vec::new();
    };
    let mut down = vec![false; order.len()];
    for &v in &order[..most] {
        down[v] = true;
    }
    let mut was = down.clone();
    let mut value = net.max_flow(&down, solver);
    let mut upto = most;
    let mut phi = vec![0.0; removed.len()];
    for (slot, &k) in phi.iter_mut().zip(removed).rev() {
        if k < upto {
            for &v in &order[k..upto] {
                down[v] = false;
            }
            value = net.update(&was, &down, value, solver);
            for &v in &order[k..upto] {
                was[v] = false;
            }
            upto = k;
        }
        *slot = value / net.baseline();
    }
    phi
}

/// One topology's sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct TopologySweep {
    /// Topology id.
    pub id: String,
    /// Topology label.
    pub label: String,
    /// Node count n (fractions are of n).
    pub nodes: usize,
    /// Link count.
    pub links: usize,
    /// Baseline throughput F0.
    pub baseline: f64,
    /// One curve per attack, in option order.
    pub curves: Vec<AttackCurve>,
}

/// The sweep of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepReport {
    /// chainmesh version that produced it.
    pub version: &'static str,
    /// Which scenario.
    pub scenario: ScenarioRef,
    /// φ threshold for the critical fraction.
    pub service_level: f64,
    /// Seed of the random orders.
    pub seed: u64,
    /// Trials of random removal.
    pub trials: u64,
    /// Points per curve.
    pub points: usize,
    /// Targeted rankings recomputed after each removal.
    pub adaptive: bool,
    /// Per topology, in scenario order.
    pub topologies: Vec<TopologySweep>,
}

/// Sweep every topology of `scenario` under every attack of `opts`.
pub fn sweep_scenario(scenario: &Scenario, opts: &SweepOptions) -> SweepReport {
    let topologies = scenario
        .topologies
        .iter()
        .map(|t| {
            let g = SweepGraph::from_topology(t);
            let curves = opts
                .attacks
                .iter()
                .map(|&a| g.sweep(a, opts, scenario.service_level))
                .collect();
            TopologySweep {
                id: t.id.clone(),
                label: t.label.clone(),
                nodes: t.nodes.len(),
                links: t.links.len(),
                baseline: g.flow.as_ref().map_or(0.0, FlowNetwork::baseline),
                curves,
            }
        })
        .collect();
    SweepReport {
        version: env!("CARGO_PKG_VERSION"),
        scenario: ScenarioRef {
            name: scenario.name.clone(),
            sha256: scenario.sha256.clone(),
        },
        service_level: scenario.service_level,
        seed: opts.seed,
        trials: opts.trials,
        points: opts.points,
        adaptive: opts.adaptive,
        topologies,
    }
}

/// The attacks of `--attack` (repeatable, comma lists), duplicates dropped;
/// all three when none is given.
pub fn chosen_attacks(given: &[Attack]) -> Vec<Attack> {
    if given.is_empty() {
        return Attack::ALL.to_vec();
    }
    let mut out = Vec::new();
    for &a in given {
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}
