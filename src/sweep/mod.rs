//! Attack-tolerance sweep (`chainmesh sweep`): remove a growing fraction f of
//! nodes — at random, or highest degree / betweenness first — and measure
//! normalised throughput φ = max flow / baseline and the largest (weakly)
//! connected component as a fraction of all nodes.
//!
//! For every f_i = i / (points − 1) the first ⌊f_i · n⌋ nodes of a removal
//! order are down, so the removed sets are nested along the curve. The
//! component curve of one order costs O(N + E) ([`component`], Newman–Ziff);
//! φ needs one max flow per distinct point (skipped once it reaches 0, since
//! removing nodes never raises throughput).
//!
//! Random removal averages `trials` orders, order `t` shuffled by
//! `Stream::new(seed, t)`; trials may run in parallel but are reduced in trial
//! order, so the result depends only on the inputs.

pub mod component;
mod export;
pub mod order;

use rayon::prelude::*;
use serde::Serialize;

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
}

impl Attack {
    /// Every attack, in the default order.
    pub const ALL: [Attack; 3] = [Attack::Random, Attack::Degree, Attack::Betweenness];

    /// The spelling on the command line and in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Attack::Random => "random",
            Attack::Degree => "degree",
            Attack::Betweenness => "betweenness",
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
    /// First f where mean φ < the service level (`None` if never, or no flow network).
    pub critical_fraction: Option<f64>,
}

/// `f_i = i / (points − 1)` for `i = 0..points`.
pub fn fractions(points: usize) -> Vec<f64> {
    let last = points.saturating_sub(1).max(1) as f64;
    (0..points).map(|i| i as f64 / last).collect()
}

/// Nodes removed at each point: ⌊f_i · n⌋ computed exactly as ⌊i · n / (points − 1)⌋.
pub fn removed_counts(n: usize, points: usize) -> Vec<usize> {
    let last = points.saturating_sub(1).max(1) as u128;
    (0..points)
        .map(|i| ((i as u128 * n as u128) / last).min(n as u128) as usize)
        .collect()
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
        }
    }

    /// A bare undirected graph (components only), ties by index.
    pub fn undirected(adj: Vec<Vec<usize>>) -> SweepGraph {
        let tie = (0..adj.len()).collect();
        SweepGraph {
            adj,
            tie,
            flow: None,
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

    /// Sweep one attack; `service_level` sets the critical fraction.
    pub fn sweep(&self, attack: Attack, opts: &SweepOptions, service_level: f64) -> AttackCurve {
        let points = opts.points.max(2);
        let fractions = fractions(points);
        let removed = removed_counts(self.len(), points);
        let trials = if attack.is_targeted() {
            1
        } else {
            opts.trials.max(1)
        };
        let runs: Vec<(Vec<f64>, Vec<f64>)> = if attack.is_targeted() {
            let order = self.order(attack, opts.adaptive, opts.seed, 0);
            vec![self.measure(&order, &removed, &mut FlowSolver::default())]
        } else {
            (0..trials)
                .into_par_iter()
                .map_init(FlowSolver::default, |solver, t| {
                    let order = self.order(attack, false, opts.seed, t);
                    self.measure(&order, &removed, solver)
                })
                .collect()
        };
        // Reduce point by point, in trial order.
        let (phis, giants): (Vec<Vec<f64>>, Vec<Vec<f64>>) = runs.into_iter().unzip();
        let phi = if self.flow.is_some() {
            bands(&phis, points)
        } else {
            Vec::new()
        };
        let giant = bands(&giants, points);
        let critical_fraction = phi
            .iter()
            .position(|b| b.mean < service_level)
            .map(|i| fractions[i]);
        AttackCurve {
            attack,
            trials,
            fractions,
            removed,
            phi,
            giant,
            critical_fraction,
        }
    }
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
