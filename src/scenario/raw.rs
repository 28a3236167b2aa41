//! Raw scenario file structures, exactly as written in TOML.
//!
//! Every table denies unknown fields, and every value that validation may reject
//! keeps its source span so errors can point at the offending line and column.
//! [`super::validate`] turns these into a checked [`super::Scenario`].

use serde::Deserialize;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub scenario: Spanned<RawHeader>,
    #[serde(default)]
    pub defaults: Option<Spanned<RawDefaults>>,
    #[serde(default)]
    pub shock: Vec<Spanned<RawShock>>,
    #[serde(default)]
    pub topology: Vec<Spanned<RawTopology>>,
}

/// `[scenario]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    pub name: Spanned<String>,
    #[serde(default)]
    pub name_zh: Option<String>,
    pub sector: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub lesson: Option<String>,
    #[serde(default)]
    pub steps: Option<Spanned<i64>>,
    #[serde(default)]
    pub trials: Option<Spanned<i64>>,
    #[serde(default)]
    pub seed: Option<Spanned<u64>>,
    #[serde(default)]
    pub service_level: Option<Spanned<f64>>,
}

/// `[defaults]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    #[serde(default)]
    pub capacity: Option<Spanned<f64>>,
    #[serde(default)]
    pub failure_rate: Option<Spanned<f64>>,
    #[serde(default)]
    pub repair: Option<Spanned<RawRepair>>,
}

/// `repair = { dist = "...", ... }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum RawRepair {
    Fixed { steps: i64 },
    Uniform { min: i64, max: i64 },
    Geometric { mean: f64 },
}

/// `[[shock]]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShock {
    pub at: Option<Spanned<i64>>,
    pub select: Option<Spanned<String>>,
    #[serde(default)]
    pub count: Option<Spanned<i64>>,
    #[serde(default)]
    pub fraction: Option<Spanned<f64>>,
    #[serde(default)]
    pub sector: Option<Spanned<String>>,
    #[serde(default)]
    pub nodes: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub duration: Option<Spanned<i64>>,
    #[serde(default)]
    pub label: Option<String>,
}

/// `[[topology]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTopology {
    pub id: Spanned<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub label_zh: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub node: Vec<Spanned<RawNode>>,
    #[serde(default)]
    pub link: Vec<Spanned<RawLink>>,
}

/// `[[topology.node]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNode {
    pub id: Spanned<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub label_zh: Option<String>,
    #[serde(default)]
    pub role: Option<Spanned<String>>,
    #[serde(default)]
    pub sector: Option<String>,
    #[serde(default)]
    pub capacity: Option<Spanned<f64>>,
    #[serde(default)]
    pub failure_rate: Option<Spanned<f64>>,
    #[serde(default)]
    pub repair: Option<Spanned<RawRepair>>,
}

/// `[[topology.link]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    #[serde(default)]
    pub capacity: Option<Spanned<f64>>,
    #[serde(default)]
    pub both_ways: Option<bool>,
}
