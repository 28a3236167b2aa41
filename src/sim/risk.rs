//! Time to survive, time to recover and risk exposure per node
//! (Simchi-Levi et al., HBR 2014 / Interfaces 2015): what happens to a
//! topology when one node goes down and stays down, with no other failure.
//!
//! For node i of a topology, deterministically (no random failures, no
//! scripted shocks, every stock at its max and every node up at step 0 but i):
//!
//! * **TTS_i**, time to survive: the number of steps until φ first falls
//!   below the scenario's service level L, i.e. the first t with φ_t < L
//!   (0 when the very first step is already below). When φ stays ≥ L for the
//!   whole horizon H = the scenario's `steps`, TTS is *censored*: `≥ H`.
//! * **TTR_i**, time to recover: the mean of i's repair distribution.
//! * **lost_i**: Σ_{t < ⌈TTR_i⌉} (1 − φ_t) · F0, the units not delivered while
//!   i is down for its usual repair (simulated past H when ⌈TTR_i⌉ > H).
//! * **exposure_i** = lost_i / max_j lost_j within the topology (0 when every
//!   lost_j is 0): Simchi-Levi's risk exposure index.
//! * **flag**: TTS_i < TTR_i with TTS not censored: the node is a risk.
//!
//! Rows are sorted by exposure, highest first, then by id. The runs use the
//! engine itself ([`TopologyRun`]), so whatever the engine models (bills of
//! materials, stock) is what `risk` measures. Cost: one run of
//! max(H, ⌈TTR_i⌉) steps per node, the part past H capped at
//! [`MAX_RISK_STEPS`] steps (beyond the cap the last φ is carried forward;
//! exact while nothing changes after the knock-out, which holds for a
//! topology without stock).

use super::{FlowCache, Prepared, TopologyRun};
use crate::scenario::{InputError, Scenario, Selection, Shock};

/// Longest run simulated for one node; a longer ⌈TTR⌉ carries the last φ forward.
pub const MAX_RISK_STEPS: u32 = 100_000;

/// One node's row of the risk table.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskRow {
    /// Node id.
    pub node: String,
    /// Time to survive in steps; the horizon H when censored.
    pub tts: u32,
    /// φ never fell below the service level within the horizon.
    pub tts_censored: bool,
    /// Time to recover: the mean of the node's repair distribution, in steps.
    pub ttr: f64,
    /// Units lost while the node is down for ⌈TTR⌉ steps.
    pub lost: f64,
    /// lost / the topology's largest lost, in [0, 1].
    pub exposure: f64,
    /// TTS < TTR (never when censored).
    pub flag: bool,
}

/// The risk table of one topology.
#[derive(Debug, Clone, PartialEq)]
pub struct TopologyRisk {
    /// Topology id.
    pub id: String,
    /// Display label.
    pub label: String,
    /// Baseline throughput F0.
    pub baseline: f64,
    /// The horizon H (the scenario's steps).
    pub horizon: u32,
    /// The service level L.
    pub service_level: f64,
    /// One row per node, by exposure (highest first), then id.
    pub rows: Vec<RiskRow>,
}

/// What `risk` knocks out, one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskUnit {
    /// One node (TTR: its mean repair).
    Node,
    /// Every node of one region at once (`risk --by region`; TTR: the
    /// longest mean repair among them, when the last one is back). A row
    /// per region the topology has, named by the region.
    Region,
}

/// The risk tables of the topologies `topologies` (indices) of `scenario`.
pub fn risk(scenario: &Scenario, topologies: &[usize]) -> Result<Vec<TopologyRisk>, InputError> {
    risk_by(scenario, topologies, RiskUnit::Node)
}

/// [`risk`] knocking out `unit`s: nodes, or whole regions.
pub fn risk_by(
    scenario: &Scenario,
    topologies: &[usize],
    unit: RiskUnit,
) -> Result<Vec<TopologyRisk>, InputError> {
    let horizon = scenario.steps;
    let longest_repair = topologies
        .iter()
        .flat_map(|&k| &scenario.topologies[k].nodes)
        .map(|n| ttr_steps(n.repair.mean()))
        .max()
        .unwrap_or(0);
    let steps = horizon.max(longest_repair.min(MAX_RISK_STEPS)).max(1);
    // The deterministic world: nothing fails by chance (no hazard either),
    // no scripted shock,
    // every stock full at step 0.
    let mut calm = scenario.clone();
    calm.shocks.clear();
    calm.hazards.clear();
    calm.steps = steps;
    for t in &mut calm.topologies {
        for n in &mut t.nodes {
            n.failure_rate = 0.0;
            n.stock.initial = n.stock.max;
        }
    }
    let prep = Prepared::new(calm)?;
    Ok(topologies
        .iter()
        .map(|&k| topology_risk(&prep, k, horizon, scenario.service_level, unit))
        .collect())
}

/// ⌈mean⌉ as a step count (at least 1: a node that goes down is down for a step).
fn ttr_steps(mean: f64) -> u32 {
    if mean.is_finite() && mean > 0.0 {
        mean.ceil().min(f64::from(u32::MAX)) as u32
    } else {
        1
    }
}

/// What one row knocks out: its name, the ids of its nodes, its TTR.
fn units(topo: &crate::scenario::Topology, unit: RiskUnit) -> Vec<(String, Vec<String>, f64)> {
    match unit {
        RiskUnit::Node => topo
            .nodes
            .iter()
            .map(|n| (n.id.clone(), vec![n.id.clone()], n.repair.mean()))
            .collect(),
        RiskUnit::Region => {
            let mut by: std::collections::BTreeMap<&str, (Vec<String>, f64)> =
                std::collections::BTreeMap::new();
            for n in &topo.nodes {
                if let Some(r) = n.region.as_deref() {
                    let e = by.entry(r).or_insert_with(|| (Vec::new(), 0.0));
                    e.0.push(n.id.clone());
                    e.1 = e.1.max(n.repair.mean());
                }
            }
            by.into_iter()
                .map(|(r, (ids, ttr))| (r.to_string(), ids, ttr))
                .collect()
        }
    }
}

fn topology_risk(
    prep: &Prepared,
    k: usize,
    horizon: u32,
    level: f64,
    unit: RiskUnit,
) -> TopologyRisk {
    let topo = &prep.scenario.topologies[k];
    let baseline = prep.topologies[k].net.baseline();
    let mut cache = FlowCache::default();
    let mut rows: Vec<RiskRow> = units(topo, unit)
        .into_iter()
        .map(|(name, ids, ttr)| {
            let repair_steps = ttr_steps(ttr);
            let mut run = TopologyRun::new(prep, k, 0, 0);
            run.add_shock(
                prep,
                &Shock {
                    at: 0,
                    select: Selection::Nodes(ids),
                    duration: Some(prep.scenario.steps),
                    label: None,
                },
            );
            let mut tts = None;
            let mut lost = 0.0;
            let mut last = 1.0;
            let mut t = 0u32;
            while let Some(r) = run.step(prep, &mut cache) {
                last = r.service;
                if tts.is_none() && t < horizon && r.service < level {
                    tts = Some(t);
                }
                if t < repair_steps {
                    lost += (1.0 - r.service) * baseline;
                }
                t += 1;
            }
            // ⌈TTR⌉ beyond the simulated steps: carry the last φ forward.
            if repair_steps > t {
                lost += f64::from(repair_steps - t) * (1.0 - last) * baseline;
            }
            let (tts, tts_censored) = match tts {
                Some(s) => (s, false),
                None => (horizon, true),
            };
            RiskRow {
                node: name,
                tts,
                tts_censored,
                ttr,
                lost: lost.max(0.0),
                exposure: 0.0,
                flag: !tts_censored && f64::from(tts) < ttr,
            }
        })
        .collect();
    let most = rows.iter().map(|r| r.lost).fold(0.0, f64::max);
    if most > 0.0 {
        for r in &mut rows {
            r.exposure = r.lost / most;
        }
    }
    rows.sort_by(|a, b| {
        b.exposure
            .total_cmp(&a.exposure)
            .then_with(|| a.node.cmp(&b.node))
    });
    TopologyRisk {
        id: topo.id.clone(),
        label: topo.label.clone(),
        baseline,
        horizon,
        service_level: level,
        rows,
    }
}
