//! The partial-result format and its merge. Split a large batch over
//! machines: `run --trial-range A..B` writes a
//! partial result holding the exact distribution of every per-trial metric
//! (a [`Tally`]: distinct values with counts); `merge` joins partials into
//! exactly the report a single `run` over all trials prints (same bytes).

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::notes::{self, ShockHits};
use super::{RunReport, ScenarioRef, TopologyReport};
use crate::sim::Prepared;
use crate::stats::Tally;

/// Marks a partial result file and its layout version.
pub const PARTIAL_FORMAT: &str = "chainmesh-partial-2";

/// One slice of trials of one scenario, with everything `merge` needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialRun {
    /// Always [`PARTIAL_FORMAT`].
    pub format: String,
    /// chainmesh version that produced it.
    pub version: String,
    /// How the scenario was named on the command line.
    pub scenario_arg: String,
    /// Scenario name.
    pub name: String,
    /// The scenario's lesson text.
    #[serde(default)]
    pub lesson: Option<String>,
    /// SHA-256 of the scenario file.
    pub sha256: String,
    /// Seed.
    pub seed: u64,
    /// Steps per trial.
    pub steps: u32,
    /// Extra `--shock` specs.
    pub shocks: Vec<String>,
    /// `--scale` specs, applied in order before the shocks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scales: Vec<String>,
    /// Trial indices held: `start..end`.
    pub trial_range: [u64; 2],
    /// Per topology: identity and baseline.
    pub topologies: Vec<PartialTopology>,
    /// The trials' metrics as exact distributions (mergeable in any order).
    pub tally: Tally,
    /// Shocks and their hits per topology, as in [`RunReport::shocks`].
    #[serde(default)]
    pub shock_hits: Vec<ShockHits>,
    /// Warnings, as in [`RunReport::warnings`].
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// Topology identity inside a partial result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialTopology {
    /// Topology id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Node count.
    pub nodes: usize,
    /// Link count.
    pub links: usize,
    /// Baseline throughput.
    pub baseline: f64,
}

impl PartialRun {
    /// Package a slice of trials.
    pub fn new(
        prep: &Prepared,
        scenario_arg: &str,
        seed: u64,
        shocks: &[String],
        tally: &Tally,
        range: Range<u64>,
    ) -> Self {
        let s = &prep.scenario;
        PartialRun {
            format: PARTIAL_FORMAT.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_arg: scenario_arg.to_string(),
            name: s.name.clone(),
            lesson: s.lesson.clone(),
            sha256: s.sha256.clone(),
            seed,
            steps: s.steps,
            shocks: shocks.to_vec(),
            scales: Vec::new(),
            trial_range: [range.start, range.end],
            topologies: s
                .topologies
                .iter()
                .zip(&prep.topologies)
                .map(|(t, p)| PartialTopology {
                    id: t.id.clone(),
                    label: t.label.clone(),
                    nodes: t.nodes.len(),
                    links: t.links.len(),
                    baseline: p.net.baseline(),
                })
                .collect(),
            tally: tally.clone(),
            shock_hits: notes::shock_hits(prep),
            warnings: notes::warnings(prep, &notes::shock_hits(prep)),
        }
    }
}

/// What [`merge`] makes of its parts: the report of a single run over all
/// their trials, and how that run was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The report, identical to that of one `run` over every trial.
    pub report: RunReport,
    /// How the scenario was named on the command line.
    pub scenario_arg: String,
    /// Seed.
    pub seed: u64,
    /// Trials `0..trials` in all.
    pub trials: u64,
    /// Steps per trial.
    pub steps: u32,
    /// Extra `--shock` specs.
    pub shocks: Vec<String>,
    /// `--scale` specs.
    pub scales: Vec<String>,
}

/// Join partials (any order) covering trials `0..N` exactly once into the
/// report of a single run.
pub fn merge(mut parts: Vec<PartialRun>) -> Result<Merged, String> {
    let first = parts.first().ok_or("no partial results given")?.clone();
    for p in &parts {
        if p.format != PARTIAL_FORMAT {
            return Err(format!(
                "not a chainmesh partial result (format {:?})",
                p.format
            ));
        }
        let same = p.sha256 == first.sha256
            && p.seed == first.seed
            && p.steps == first.steps
            && p.shocks == first.shocks
            && p.scales == first.scales
            && p.topologies == first.topologies;
        if !same {
            return Err(format!(
                "partial for trials {}..{} is from a different run (scenario, seed, steps, --scale or shocks differ)",
                p.trial_range[0], p.trial_range[1]
            ));
        }
        if p.tally.trials != p.trial_range[1].saturating_sub(p.trial_range[0])
            || p.tally.topologies.len() != first.topologies.len()
            || !p.tally.is_consistent()
        {
            return Err(format!(
                "partial for trials {}..{} is damaged: its tally does not hold exactly those trials",
                p.trial_range[0], p.trial_range[1]
            ));
        }
    }
    parts.sort_by_key(|p| p.trial_range[0]);
    let mut next = 0;
    for p in &parts {
        if p.trial_range[0] != next {
            return Err(if p.trial_range[0] > next {
                format!("trials {next}..{} are missing", p.trial_range[0])
            } else {
                format!("trials {}..{next} are given twice", p.trial_range[0])
            });
        }
        next = p.trial_range[1];
    }
    let mut tally = Tally::new(first.topologies.len());
    for p in &parts {
        tally.merge(&p.tally);
    }
    let summary = tally.summary();
    let report = RunReport {
        version: env!("CARGO_PKG_VERSION"),
        scenario: ScenarioRef {
            name: first.name.clone(),
            sha256: first.sha256.clone(),
        },
        seed: first.seed,
        trials: next,
        steps: first.steps,
        topologies: first
            .topologies
            .iter()
            .zip(summary.metrics.into_iter().zip(summary.vs_first))
            .map(|(t, (metrics, vs_first))| TopologyReport {
                id: t.id.clone(),
                label: t.label.clone(),
                nodes: t.nodes,
                links: t.links,
                baseline: t.baseline,
                metrics,
                vs_first,
            })
            .collect(),
        shocks: first.shock_hits.clone(),
        warnings: first.warnings.clone(),
        lesson: first.lesson.clone(),
    };
    Ok(Merged {
        report,
        scenario_arg: first.scenario_arg,
        seed: first.seed,
        trials: next,
        steps: first.steps,
        shocks: first.shocks,
        scales: first.scales,
    })
}
