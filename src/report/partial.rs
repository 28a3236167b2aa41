//! The partial-result format and its merge. Split a large batch over
//! machines: `run --trial-range A..B` writes a
//! partial result holding the exact distribution of every per-trial metric
//! (a [`Tally`]: distinct values with counts); `merge` joins partials into
//! exactly the report a single `run` over all trials prints (same bytes).
//!
//! A part is untrusted input (it travels between machines and people):
//! [`PartialRun::validate`] checks every field — a non-empty trial range,
//! at least one topology, finite positive baselines, every metric value
//! finite and inside its range (φ, nadir, below, collapse in [0, 1],
//! recovery in [0, steps], paired differences in [−1, 1], stock_used ≥ 0 and
//! stockout in [0, 1] and hazard_hits ≥ 0 where present), counts summed
//! without overflow and equal to the range length per metric — and the
//! `digest` (SHA-256 of the part's canonical JSON with an empty digest)
//! must match, so a hand-edited or damaged part is refused. The digest
//! detects edits and damage; it is not a signature (anyone can recompute
//! it), which is why the field checks stand on their own.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::notes::{self, ShockHits};
use super::{ReportError, RunReport, ScenarioRef, TopologyReport};
use crate::metrics::Bound;
use crate::sim::Prepared;
use crate::stats::Tally;

/// Marks a partial result file and its layout version.
pub const PARTIAL_FORMAT: &str = "chainmesh-partial-3";

/// Slack above 1 allowed for φ-like values (max flow / baseline in floating point).
const PHI_SLACK: f64 = 1e-9;

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
    /// The money unit of the cost metrics (scenarios with costs only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
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
    /// SHA-256 (hex) of this part's JSON with `digest` empty ([`PartialRun::digest`]).
    pub digest: String,
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
    /// Package a slice of trials (`scales`: the run's `--scale` specs), sealed
    /// with its digest.
    pub fn new(
        prep: &Prepared,
        scenario_arg: &str,
        seed: u64,
        (shocks, scales): (&[String], &[String]),
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
            currency: s.has_costs().then(|| s.currency().to_string()),
            sha256: s.sha256.clone(),
            seed,
            steps: s.steps,
            shocks: shocks.to_vec(),
            scales: scales.to_vec(),
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
            digest: String::new(),
            shock_hits: notes::shock_hits(prep),
            warnings: notes::warnings(prep, &notes::shock_hits(prep)),
        }
        .sealed()
    }

    /// This part with its `digest` filled in.
    fn sealed(mut self) -> Self {
        self.digest = self.digest();
        self
    }

    /// SHA-256 (hex) of the part's canonical JSON (compact serde_json, which
    /// writes every f64 in its shortest round-trip form) with `digest` set
    /// to the empty string. Decoding and re-encoding a part gives the same
    /// bytes, so the digest of an untouched part always matches.
    pub fn digest(&self) -> String {
        let unsealed = PartialRun {
            digest: String::new(),
            ..self.clone()
        };
        let bytes = serde_json::to_vec(&unsealed).unwrap_or_default();
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Every check a part read from disk must pass before it is merged;
    /// the error says which field is wrong.
    pub fn validate(&self) -> Result<(), ReportError> {
        let [start, end] = self.trial_range;
        let damaged = |reason: String| ReportError::Damaged { start, end, reason };
        if self.format != PARTIAL_FORMAT {
            return Err(ReportError::NotPartial(self.format.clone()));
        }
        if start >= end {
            return Err(damaged(
                "trial_range is empty (expected start < end)".to_string(),
            ));
        }
        if self.topologies.is_empty() {
            return Err(damaged("it has no topologies".to_string()));
        }
        if self.steps == 0 {
            return Err(damaged("steps is 0".to_string()));
        }
        for t in &self.topologies {
            if !(t.baseline.is_finite() && t.baseline > 0.0) || t.nodes == 0 {
                return Err(damaged(format!(
                    "topology {:?} has baseline {} and {} nodes (expected a finite positive baseline and nodes)",
                    t.id, t.baseline, t.nodes
                )));
            }
        }
        let tally = &self.tally;
        if tally.trials != end - start
            || tally.topologies.len() != self.topologies.len()
            || !tally.is_consistent()
        {
            return Err(damaged(format!(
                "its tally does not hold exactly those trials (counts per metric must sum to {})",
                end - start
            )));
        }
        let phi = 1.0 + PHI_SLACK;
        let steps = f64::from(self.steps);
        for (t, topo) in tally.topologies.iter().enumerate() {
            // Every stored metric within its range ([`Bound`]), then the
            // paired cost difference, which can have either sign.
            let stored = crate::metrics::METRICS.iter().filter_map(|m| {
                let (lo, hi, shown) = match m.bound {
                    Bound::Service => (0.0, phi, format!("[0, {phi}]")),
                    Bound::Share => (0.0, 1.0, "[0, 1]".to_string()),
                    Bound::Steps => (0.0, steps, format!("[0, {steps}]")),
                    Bound::NonNegative => (0.0, f64::MAX, "[0, ∞)".to_string()),
                    Bound::Any => (f64::MIN, f64::MAX, "the finite numbers".to_string()),
                };
                topo.dist(m.id).map(|d| (m.name, d, (lo, hi, shown)))
            });
            let diff = topo
                .diff(crate::metrics::Metric::Cost)
                .into_iter()
                .map(|d| {
                    let any = (f64::MIN, f64::MAX, "the finite numbers".to_string());
                    ("cost difference", d, any)
                });
            for (name, d, (lo, hi, shown)) in stored.chain(diff) {
                if !d.within(lo, hi) {
                    return Err(damaged(format!(
                        "a {name} value of topology {:?} lies outside {shown}",
                        self.topologies[t].id
                    )));
                }
            }
            if !topo.service_diff().within(-phi, phi) {
                return Err(damaged(
                    "a service difference lies outside [-1, 1]".to_string(),
                ));
            }
        }
        if self.digest != self.digest() {
            return Err(ReportError::Edited { start, end });
        }
        Ok(())
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
pub fn merge(mut parts: Vec<PartialRun>) -> Result<Merged, ReportError> {
    let first = parts.first().ok_or(ReportError::NoParts)?.clone();
    for p in &parts {
        p.validate()?;
        let same = p.sha256 == first.sha256
            && p.seed == first.seed
            && p.steps == first.steps
            && p.shocks == first.shocks
            && p.scales == first.scales
            && p.topologies == first.topologies;
        if !same {
            return Err(ReportError::Incompatible {
                start: p.trial_range[0],
                end: p.trial_range[1],
            });
        }
    }
    parts.sort_by_key(|p| p.trial_range[0]);
    let mut next = 0;
    for p in &parts {
        if p.trial_range[0] != next {
            return Err(if p.trial_range[0] > next {
                ReportError::MissingTrials {
                    start: next,
                    end: p.trial_range[0],
                }
            } else {
                ReportError::OverlappingTrials {
                    start: p.trial_range[0],
                    end: next,
                }
            });
        }
        next = p.trial_range[1];
    }
    let mut tally = Tally::new(first.topologies.len());
    for p in &parts {
        tally.merge(&p.tally);
    }
    let baselines: Vec<f64> = first.topologies.iter().map(|t| t.baseline).collect();
    let summary = tally.summary(&baselines);
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
        currency: first.currency.clone(),
        shocks: first.shock_hits.clone(),
        warnings: first.warnings.clone(),
        lesson: first.lesson.clone(),
        notices_zh: Vec::new(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds of merge failure are variants; their text is what `merge`
    /// has always printed.
    #[test]
    fn merge_errors_are_typed_with_the_old_words() {
        assert_eq!(merge(Vec::new()), Err(ReportError::NoParts));
        let cases = [
            (ReportError::NoParts, "no partial results given"),
            (
                ReportError::NotPartial("x".into()),
                "not a chainmesh partial result (format \"x\")",
            ),
            (
                ReportError::Damaged {
                    start: 0,
                    end: 10,
                    reason: "steps is 0".into(),
                },
                "partial for trials 0..10 is damaged: steps is 0",
            ),
            (
                ReportError::Edited { start: 0, end: 10 },
                "partial for trials 0..10 was edited or damaged: its digest does not match its content (re-run that slice)",
            ),
            (
                ReportError::Incompatible { start: 10, end: 20 },
                "partial for trials 10..20 is from a different run (scenario, seed, steps, --scale or shocks differ)",
            ),
            (
                ReportError::MissingTrials { start: 10, end: 20 },
                "trials 10..20 are missing",
            ),
            (
                ReportError::OverlappingTrials { start: 5, end: 10 },
                "trials 5..10 are given twice",
            ),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text);
        }
    }
}
