//! Raw scenario file structures, exactly as written in TOML.
//!
//! Every table denies unknown fields, and every value that validation may reject
//! keeps its source span so errors can point at the offending line and column.
//! [`super::validate`] turns these into a checked [`super::Scenario`].
//!
//! The same types describe the file to editors: `chainmesh schema` derives a
//! JSON Schema from them ([`crate::scenario::schema`]). The `///` comments on the fields
//! become the descriptions an editor shows, and the `#[schemars(...)]`
//! attributes mirror what validation checks, where JSON Schema can say it.
//! `toml::Spanned<T>` has no schema of its own, so each such field names its
//! plain type with `#[schemars(with = "...")]`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::limits::{MAX_NODES, MAX_REPAIR};
use super::{DEFAULT_SERVICE_LEVEL, DEFAULT_STEPS, DEFAULT_TRIALS, MAX_STEPS, Sector};

/// A chainmesh scenario file: one `[scenario]` header, optional `[defaults]`,
/// scripted `[[shock]]`s, and one or more `[[topology]]`s to compare.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "chainmesh scenario", extend("required" = ["scenario", "topology"]))]
pub struct RawFile {
    /// Name, sector and run settings of the scenario.
    #[schemars(with = "RawHeader")]
    pub scenario: Spanned<RawHeader>,
    /// Values every node inherits unless it sets its own.
    #[serde(default)]
    #[schemars(with = "Option<RawDefaults>")]
    pub defaults: Option<Spanned<RawDefaults>>,
    /// Scripted disruptions, applied in every topology in file order.
    #[serde(default)]
    #[schemars(with = "Vec<RawShock>")]
    pub shock: Vec<Spanned<RawShock>>,
    /// Regional hazards: random strikes that take down the nodes of a region
    /// together (stochastic, unlike the scripted `[[shock]]`s).
    #[serde(default)]
    #[schemars(with = "Vec<RawHazard>")]
    pub hazard: Vec<Spanned<RawHazard>>,
    /// The networks to compare (at least one); the first is the reference.
    #[serde(default)]
    #[schemars(with = "Vec<RawTopology>", length(min = 1))]
    pub topology: Vec<Spanned<RawTopology>>,
}

/// The `[scenario]` table: name, sector and run settings.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Header")]
pub struct RawHeader {
    /// Display name (not blank).
    #[schemars(with = "String", pattern(r"\S"))]
    pub name: Spanned<String>,
    /// Optional Traditional Chinese name (shown with `--lang zh-TW`).
    #[serde(default)]
    pub name_zh: Option<String>,
    /// Economic sector the scenario is about; it names the stages of `chainmesh new`.
    #[schemars(with = "String", extend("enum" = Sector::ALL.map(Sector::as_str)))]
    pub sector: Spanned<String>,
    /// Free text shown in the terminal UI and reports.
    #[serde(default)]
    pub description: Option<String>,
    /// What the student should look for.
    #[serde(default)]
    pub lesson: Option<String>,
    /// Optional Traditional Chinese lesson (shown with `--lang zh-TW`; not blank).
    #[serde(default)]
    #[schemars(with = "Option<String>", pattern(r"\S"))]
    pub lesson_zh: Option<Spanned<String>>,
    /// Steps per trial, 1 to 100000 (default 100).
    #[serde(default)]
    #[schemars(with = "Option<i64>", range(min = 1, max = MAX_STEPS), extend("default" = DEFAULT_STEPS))]
    pub steps: Option<Spanned<i64>>,
    /// Default number of Monte Carlo trials, at least 1 (default 1000).
    #[serde(default)]
    #[schemars(with = "Option<i64>", range(min = 1), extend("default" = DEFAULT_TRIALS))]
    pub trials: Option<Spanned<i64>>,
    /// Default seed of the random number generator (default 0).
    #[serde(default)]
    #[schemars(with = "Option<u64>", extend("default" = 0))]
    pub seed: Option<Spanned<u64>>,
    /// Recovery threshold as a fraction of baseline throughput, in (0, 1] (default 0.9).
    #[serde(default)]
    #[schemars(
        with = "Option<f64>",
        range(max = 1),
        extend("exclusiveMinimum" = 0, "default" = DEFAULT_SERVICE_LEVEL)
    )]
    pub service_level: Option<Spanned<f64>>,
    /// How long one step is, for chart axes and text, e.g. "day" or "2 days"
    /// (default: steps are unitless).
    #[serde(default)]
    pub step_unit: Option<String>,
    /// The money unit costs are written in, a label only, e.g. "NT$"
    /// (default "$").
    #[serde(default)]
    #[schemars(extend("default" = "$"))]
    pub currency: Option<String>,
}

/// The `[defaults]` table: values every node inherits unless it sets its own.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Defaults")]
pub struct RawDefaults {
    /// Units per step a node can pass, finite, > 0 and at most 1e15 (default 100).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(max = 1e15), extend("exclusiveMinimum" = 0))]
    pub capacity: Option<Spanned<f64>>,
    /// Probability an up node fails in a step, in [0, 1) (default 0.01).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0), extend("exclusiveMaximum" = 1))]
    pub failure_rate: Option<Spanned<f64>>,
    /// How long an outage lasts (default `{ dist = "fixed", steps = 5 }`).
    #[serde(default)]
    #[schemars(with = "Option<RawRepair>")]
    pub repair: Option<Spanned<RawRepair>>,
    /// Not allowed here (a bill of materials belongs to one node); read only
    /// to reject it with a clear message.
    #[serde(default)]
    #[schemars(skip)]
    pub needs: Option<Spanned<toml::Value>>,
    /// Not allowed here (a product belongs to one node); read only to reject
    /// it with a clear message.
    #[serde(default)]
    #[schemars(skip)]
    pub product: Option<Spanned<toml::Value>>,
    /// Stock every node holds unless it sets its own: `stock = N` (full,
    /// max N) or `{ max = N, initial = M }` (default 0: no stock).
    #[serde(default)]
    #[schemars(with = "Option<RawStock>")]
    pub stock: Option<Spanned<toml::Value>>,
    /// Money per step for keeping the node in the network, up or down;
    /// finite, ≥ 0 (default 0).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0, max = 1e15))]
    pub fixed_cost: Option<Spanned<f64>>,
    /// Money per unit passing through the node's capacity; finite, ≥ 0
    /// (default 0).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0, max = 1e15))]
    pub unit_cost: Option<Spanned<f64>>,
    /// Money per unit of stock held at the end of a step; finite, ≥ 0
    /// (default 0).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0, max = 1e15))]
    pub holding_cost: Option<Spanned<f64>>,
    /// Sinks only: money per unit of demand not delivered; finite, ≥ 0
    /// (default 0).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0, max = 1e15))]
    pub lost_sale_cost: Option<Spanned<f64>>,
}

/// Outage length in steps: `{ dist = "fixed", steps = N }`,
/// `{ dist = "uniform", min = A, max = B }` or `{ dist = "geometric", mean = M }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
#[schemars(rename = "Repair")]
pub enum RawRepair {
    /// Always the same number of steps.
    Fixed {
        /// Outage length in steps, 1 to 1000000.
        #[schemars(range(min = 1, max = MAX_REPAIR))]
        steps: i64,
    },
    /// Uniform on `min..=max` steps.
    Uniform {
        /// Shortest outage in steps, 1 to 1000000 (at most `max`).
        #[schemars(range(min = 1, max = MAX_REPAIR))]
        min: i64,
        /// Longest outage in steps, 1 to 1000000 (at least `min`).
        #[schemars(range(min = 1, max = MAX_REPAIR))]
        max: i64,
    },
    /// Geometric on 1, 2, … steps with the given mean.
    Geometric {
        /// Mean outage length in steps, 1 to 1000000.
        #[schemars(range(min = 1, max = MAX_REPAIR))]
        mean: f64,
    },
}

/// A `[[shock]]`: a scripted disruption, resolved separately in every topology.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Shock")]
pub struct RawShock {
    /// Step at which it strikes, 0-based and below the scenario's `steps`.
    #[schemars(with = "Option<i64>", required, range(min = 0, max = MAX_STEPS - 1))]
    pub at: Option<Spanned<i64>>,
    /// How the shock chooses its nodes: at random, by degree or betweenness
    /// (with `count` or `fraction`), every node of a `sector`, or listed `nodes`.
    #[schemars(
        with = "Option<String>",
        required,
        extend("enum" = ["random", "degree", "betweenness", "sector", "nodes"])
    )]
    pub select: Option<Spanned<String>>,
    /// Number of nodes to knock out, at least 1 (select = random, degree or
    /// betweenness; give `count` or `fraction`, not both).
    #[serde(default)]
    #[schemars(with = "Option<i64>", range(min = 1))]
    pub count: Option<Spanned<i64>>,
    /// Fraction of each topology's nodes to knock out, in (0, 1] (select = random,
    /// degree or betweenness; give `count` or `fraction`, not both).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(max = 1), extend("exclusiveMinimum" = 0))]
    pub fraction: Option<Spanned<f64>>,
    /// Knock out every node with this `sector` (select = "sector").
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub sector: Option<Spanned<String>>,
    /// Ids of the nodes to knock out (select = "nodes"); ids missing from a
    /// topology are skipped there.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>", length(min = 1))]
    pub nodes: Option<Spanned<Vec<Spanned<String>>>>,
    /// Outage length in steps, 1 to 1000000; omitted = each node samples its own repair.
    #[serde(default)]
    #[schemars(with = "Option<i64>", range(min = 1, max = MAX_REPAIR))]
    pub duration: Option<Spanned<i64>>,
    /// Short description shown in the UI and reports.
    #[serde(default)]
    pub label: Option<String>,
}

/// A `[[hazard]]`: a regional hazard (a typhoon, an earthquake, a port
/// closure) that strikes at random steps, the same steps in every topology,
/// and takes down each node of its region(s) with probability `hit`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Hazard")]
pub struct RawHazard {
    /// Short name shown in the UI and reports (default: its regions).
    #[serde(default)]
    pub label: Option<String>,
    /// The region it strikes: a `region` some node has (give `region` or `regions`).
    #[serde(default)]
    #[schemars(with = "Option<String>", length(min = 1))]
    pub region: Option<Spanned<String>>,
    /// The regions it strikes together (give `region` or `regions`).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>", length(min = 1))]
    pub regions: Option<Spanned<Vec<Spanned<String>>>>,
    /// Probability per step that it strikes, in [0, 1).
    #[serde(default)]
    #[schemars(with = "Option<f64>", required, range(min = 0), extend("exclusiveMaximum" = 1))]
    pub rate: Option<Spanned<f64>>,
    /// Probability that each node of the region goes down when it strikes,
    /// in [0, 1] (default 1).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0, max = 1), extend("default" = 1))]
    pub hit: Option<Spanned<f64>>,
    /// Outage of each struck node: a number of steps or a repair table such
    /// as `{ dist = "uniform", min = 3, max = 10 }` (default: the node's own repair).
    #[serde(default)]
    #[schemars(with = "Option<RawDuration>")]
    pub duration: Option<Spanned<toml::Value>>,
    /// First step at which it can strike (default 0).
    #[serde(default)]
    #[schemars(with = "Option<i64>", range(min = 0, max = MAX_STEPS - 1))]
    pub start: Option<Spanned<i64>>,
    /// It strikes only before this step (default: the scenario's `steps`).
    #[serde(default)]
    #[schemars(with = "Option<i64>", range(min = 1, max = MAX_STEPS))]
    pub end: Option<Spanned<i64>>,
}

/// An outage length: a number of steps, or a repair distribution.
#[derive(JsonSchema)]
#[schemars(rename = "Duration", untagged)]
#[allow(dead_code)]
pub enum RawDuration {
    /// Always this many steps, 1 to 1000000.
    Steps(#[schemars(range(min = 1, max = MAX_REPAIR))] i64),
    /// Drawn from a distribution, for each struck node.
    Dist(RawRepair),
}

/// A `[[topology]]`: one network of nodes and links (a chain, an ecosystem network, …).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Topology", extend("required" = ["id", "node"]))]
pub struct RawTopology {
    /// Unique id within the scenario: letters, digits, '-', '_', '.', ':' or '/'.
    #[schemars(with = "String", length(min = 1))]
    pub id: Spanned<String>,
    /// Display label (default: the id).
    #[serde(default)]
    pub label: Option<String>,
    /// Optional Traditional Chinese label (shown with `--lang zh-TW`).
    #[serde(default)]
    pub label_zh: Option<String>,
    /// Free text shown in the UI and reports.
    #[serde(default)]
    pub description: Option<String>,
    /// The firms, platforms and services (at least one source and one sink).
    #[serde(default)]
    #[schemars(with = "Vec<RawNode>", length(min = 1, max = MAX_NODES))]
    pub node: Vec<Spanned<RawNode>>,
    /// Directed links between nodes of this topology.
    #[serde(default)]
    #[schemars(with = "Vec<RawLink>")]
    pub link: Vec<Spanned<RawLink>>,
}

/// A `[[topology.node]]`: a firm, platform or service.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Node")]
pub struct RawNode {
    /// Unique id within its topology: letters, digits, '-', '_', '.', ':' or '/'.
    #[schemars(with = "String", length(min = 1))]
    pub id: Spanned<String>,
    /// Display label (default: the id).
    #[serde(default)]
    pub label: Option<String>,
    /// Optional Traditional Chinese label (shown with `--lang zh-TW`).
    #[serde(default)]
    pub label_zh: Option<String>,
    /// What the node does in the flow: a source produces, a relay passes on,
    /// a sink consumes (its capacity is its demand). Default relay.
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("enum" = ["source", "relay", "sink"], "default" = "relay"))]
    pub role: Option<Spanned<String>>,
    /// Free-form sector, the target of `select = "sector"` shocks.
    #[serde(default)]
    pub sector: Option<String>,
    /// Where the node is, e.g. "south": the `[[hazard]]`s of that region can
    /// strike it (default: no region, hit by no hazard).
    #[serde(default)]
    pub region: Option<String>,
    /// Units per step the node can pass, finite, > 0 and at most 1e15
    /// (default: `[defaults] capacity`).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(max = 1e15), extend("exclusiveMinimum" = 0))]
    pub capacity: Option<Spanned<f64>>,
    /// Probability an up node fails in a step, in [0, 1)
    /// (default: `[defaults] failure_rate`).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0), extend("exclusiveMaximum" = 1))]
    pub failure_rate: Option<Spanned<f64>>,
    /// How long its outages last (default: `[defaults] repair`).
    #[serde(default)]
    #[schemars(with = "Option<RawRepair>")]
    pub repair: Option<Spanned<RawRepair>>,
    /// What the node makes or passes on, e.g. "battery" (letters, digits, '-',
    /// '_', '.', ':' or '/'). Optional: a pool whose inputs all carry the same
    /// product takes it (see docs/model.md).
    #[serde(default)]
    #[schemars(with = "Option<String>", length(min = 1))]
    pub product: Option<Spanned<String>>,
    /// Bill of materials: units of each part per unit of output, e.g.
    /// `{ battery = 1, motor = 1, frame = 2 }`. A node with `needs` is an
    /// assembler: it needs every part, each from the inputs whose product it
    /// is. Not on a source. Quantities finite and > 0.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, Quantity>>", extend("minProperties" = 1))]
    pub needs: Option<Spanned<BTreeMap<String, Spanned<f64>>>>,
    /// Units of this node's product held at its output, shipped without
    /// using its capacity while it is up: `stock = N` (full, max N) or
    /// `{ max = N, initial = M }` (default: `[defaults] stock`, else 0).
    #[serde(default)]
    #[schemars(with = "Option<RawStock>")]
    pub stock: Option<Spanned<toml::Value>>,
    /// A sink's demand per step, finite, > 0 and at most 1e15 (default: its
    /// capacity). Unmet demand is lost.
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(max = 1e15), extend("exclusiveMinimum" = 0))]
    pub demand: Option<Spanned<f64>>,
    /// Money per step for keeping the node in the network, up or down;
    /// finite, ≥ 0 (default: `[defaults]`, else 0).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0, max = 1e15))]
    pub fixed_cost: Option<Spanned<f64>>,
    /// Money per unit passing through the node's capacity; finite, ≥ 0
    /// (default: `[defaults]`, else 0).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0, max = 1e15))]
    pub unit_cost: Option<Spanned<f64>>,
    /// Money per unit of stock held at the end of a step; finite, ≥ 0
    /// (default: `[defaults]`, else 0).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0, max = 1e15))]
    pub holding_cost: Option<Spanned<f64>>,
    /// Sinks only: money per unit of demand not delivered; finite, ≥ 0
    /// (default: `[defaults]`, else 0).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0, max = 1e15))]
    pub lost_sale_cost: Option<Spanned<f64>>,
}

/// A stock level: a number of units (full, at most that many), or a table.
#[derive(JsonSchema)]
#[schemars(rename = "Stock", untagged)]
#[allow(dead_code)]
pub enum RawStock {
    /// Full, at most this many units (0 = no stock).
    Full(#[schemars(range(min = 0, max = 1e15))] f64),
    /// At most `max` units, `initial` at step 0 (default: full).
    Levels {
        /// Most units the node can hold, 0 to 1e15.
        #[schemars(range(min = 0, max = 1e15))]
        max: f64,
        /// Units held at step 0, 0 to `max` (default `max`).
        #[schemars(range(min = 0, max = 1e15))]
        initial: Option<f64>,
    },
}

/// Units of a part per unit of an assembler's output: finite and > 0.
#[derive(JsonSchema)]
#[schemars(rename = "Quantity", transparent)]
#[allow(dead_code)]
pub struct Quantity(#[schemars(range(max = 1e15), extend("exclusiveMinimum" = 0))] f64);

/// A `[[topology.link]]`: goods flow from one node to another.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Link")]
pub struct RawLink {
    /// Id of the upstream node (in the same topology).
    #[schemars(with = "String", length(min = 1))]
    pub from: Spanned<String>,
    /// Id of the downstream node (in the same topology, not `from`).
    #[schemars(with = "String", length(min = 1))]
    pub to: Spanned<String>,
    /// Units per step, finite, > 0 and at most 1e15 (default: unlimited).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(max = 1e15), extend("exclusiveMinimum" = 0))]
    pub capacity: Option<Spanned<f64>>,
    /// Usable in both directions (default false).
    #[serde(default)]
    #[schemars(extend("default" = false))]
    pub both_ways: Option<bool>,
    /// Money per unit shipped on the link (either way when `both_ways`);
    /// finite, ≥ 0 (default 0).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0, max = 1e15))]
    pub unit_cost: Option<Spanned<f64>>,
}
