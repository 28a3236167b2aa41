//! Scenario files: raw TOML → validated, read-only [`Scenario`].
//!
//! ```
//! let text = r#"
//! [scenario]
//! name = "tiny"
//! sector = "other"
//! [[topology]]
//! id = "chain"
//! [[topology.node]]
//! id = "a"
//! role = "source"
//! [[topology.node]]
//! id = "b"
//! role = "sink"
//! [[topology.link]]
//! from = "a"
//! to = "b"
//! "#;
//! let s = chainmesh::scenario::Scenario::from_toml("tiny.toml", text).unwrap();
//! assert_eq!(s.topologies[0].nodes.len(), 2);
//! assert_eq!(s.steps, 100);
//! ```

pub mod bom;
pub mod builtin;
mod chunked;
mod context;
pub mod cost;
mod error;
pub mod hazard;
pub mod limits;
pub mod raw;
pub mod schema;
mod shock_arg;
pub mod stock;
mod validate;
pub mod values;

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

pub use error::{InputError, Num, field_at, line_column, unclosed_bracket};
pub use hazard::Hazard;
pub use shock_arg::parse_shock_arg;

/// Default number of steps per trial.
pub const DEFAULT_STEPS: u32 = 100;
/// Largest accepted number of steps per trial.
pub const MAX_STEPS: u32 = 100_000;
/// Default number of Monte Carlo trials.
pub const DEFAULT_TRIALS: u64 = 1000;
/// Largest scenario file read (a 200,000-node file is far smaller).
pub const MAX_FILE_BYTES: u64 = 256 << 20;
/// Default service level (fraction of baseline counted as "recovered").
pub const DEFAULT_SERVICE_LEVEL: f64 = 0.9;

/// A checked scenario: every id resolved, every number in range, every
/// topology with a source and a sink. Reachability and a positive baseline
/// are checked when its flow networks are compiled (`sim::Prepared::new`).
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Display name.
    pub name: String,
    /// Optional Traditional Chinese name.
    pub name_zh: Option<String>,
    /// Economic sector the scenario is about.
    pub sector: Sector,
    /// Free text shown in the UI and reports.
    pub description: Option<String>,
    /// What the student should look for.
    pub lesson: Option<String>,
    /// The lesson in Traditional Chinese (not blank when present).
    pub lesson_zh: Option<String>,
    /// Steps per trial (1..=[`MAX_STEPS`]).
    pub steps: u32,
    /// Default number of trials (>= 1).
    pub trials: u64,
    /// Default seed.
    pub seed: u64,
    /// Recovery threshold as a fraction of baseline, in (0, 1].
    pub service_level: f64,
    /// How long one step is (`"2 days"`), for chart axes; `None` = unitless.
    pub step_unit: Option<String>,
    /// The money unit of costs, a label (`None`: "$"; see [`Scenario::currency`]).
    pub currency: Option<String>,
    /// Scripted shocks, applied in every topology, in file order.
    pub shocks: Vec<Shock>,
    /// Regional hazards, in file order (empty: none, and no draws for them).
    pub hazards: Vec<Hazard>,
    /// One or more topologies; the first is the reference.
    pub topologies: Vec<Topology>,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The file's name and text, for errors found after validation.
    pub(crate) origin: Origin,
}

/// Where a scenario came from: errors found once its flow networks are
/// compiled still point at the right line and column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Origin {
    /// File path, built-in name, or `… with --set …`.
    pub name: String,
    /// The validated TOML text.
    pub text: Arc<str>,
}

/// The `[scenario] sector` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sector {
    Agriculture,
    Manufacturing,
    SmartCity,
    Retail,
    Marketing,
    Other,
}

impl Sector {
    /// Every sector, in the order of the file format documentation.
    pub const ALL: [Sector; 6] = [
        Sector::Agriculture,
        Sector::Manufacturing,
        Sector::SmartCity,
        Sector::Retail,
        Sector::Marketing,
        Sector::Other,
    ];

    /// The spelling used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Sector::Agriculture => "agriculture",
            Sector::Manufacturing => "manufacturing",
            Sector::SmartCity => "smart-city",
            Sector::Retail => "retail",
            Sector::Marketing => "marketing",
            Sector::Other => "other",
        }
    }
}

impl fmt::Display for Sector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One network of nodes and links (a chain, an ecosystem network, …).
#[derive(Debug, Clone, PartialEq)]
pub struct Topology {
    /// Unique id within the scenario.
    pub id: String,
    /// Display label (defaults to the id).
    pub label: String,
    /// Optional Traditional Chinese label.
    pub label_zh: Option<String>,
    /// Optional free text.
    pub description: Option<String>,
    /// Nodes in file order; links refer to them by index.
    pub nodes: Vec<Node>,
    /// Links in file order.
    pub links: Vec<Link>,
    /// Byte range of its `[[topology]]` table in the file.
    pub(crate) span: Range<usize>,
}

impl Topology {
    /// Does some node hold stock (`max > 0`)?
    pub fn has_stock(&self) -> bool {
        self.nodes.iter().any(|n| n.stock.is_stocked())
    }

    /// Does some node or link cost anything?
    pub fn has_costs(&self) -> bool {
        self.nodes.iter().any(|n| n.cost.is_priced())
            || self.links.iter().any(|l| l.unit_cost > 0.0)
    }

    /// Index of the node with this id.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }
}

/// What a node does in the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Produces up to its capacity.
    Source,
    /// Passes up to its capacity.
    Relay,
    /// Consumes up to its capacity (its demand).
    Sink,
}

impl Role {
    /// The spelling used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Source => "source",
            Role::Relay => "relay",
            Role::Sink => "sink",
        }
    }
}

/// A firm, platform or service in a topology.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Unique id within its topology.
    pub id: String,
    /// Display label (defaults to the id).
    pub label: String,
    /// Optional Traditional Chinese label.
    pub label_zh: Option<String>,
    /// Source, relay or sink.
    pub role: Role,
    /// Free-form sector, used by `select = "sector"` shocks.
    pub sector: Option<String>,
    /// Where the node is: the hazards of this region can strike it.
    pub region: Option<String>,
    /// Units per step the node can pass; finite and > 0.
    pub capacity: f64,
    /// Probability an up node fails in a step, in [0, 1).
    pub failure_rate: f64,
    /// How long an outage lasts.
    pub repair: Repair,
    /// What the node makes or passes on: the file's `product`, else inferred
    /// (docs/model.md, "Bills of materials"); `None` when unnamed.
    pub product: Option<String>,
    /// Bill of materials (part → units per unit of output, finite and > 0).
    /// Empty for a pool; non-empty makes the node an assembler.
    pub needs: BTreeMap<String, f64>,
    /// Inventory at the node's output (`max == 0`: none).
    pub stock: stock::Stock,
    /// A sink's demand per step (`None`: its capacity).
    pub demand: Option<f64>,
    /// What it costs (all 0: nothing).
    pub cost: cost::NodeCost,
}

impl Node {
    /// Does this node need every part of a bill of materials?
    pub fn is_assembler(&self) -> bool {
        !self.needs.is_empty()
    }

    /// What a sink consumes at most per step: its `demand`, else its capacity.
    pub fn demand(&self) -> f64 {
        self.demand.unwrap_or(self.capacity)
    }
}

/// A directed (or two-way) link between two nodes of one topology.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Index of the upstream node.
    pub from: usize,
    /// Index of the downstream node.
    pub to: usize,
    /// Units per step; `f64::INFINITY` when unlimited.
    pub capacity: f64,
    /// Usable in both directions.
    pub both_ways: bool,
    /// Money per unit shipped (either way), ≥ 0.
    pub unit_cost: f64,
}

/// Outage length distribution; every sample is >= 1 step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Repair {
    /// Always `steps` steps.
    Fixed { steps: u32 },
    /// Uniform on `min..=max`.
    Uniform { min: u32, max: u32 },
    /// Geometric on 1, 2, … with the given mean (>= 1).
    Geometric { mean: f64 },
}

impl Repair {
    /// Expected outage length in steps.
    pub fn mean(&self) -> f64 {
        match *self {
            Repair::Fixed { steps } => f64::from(steps),
            Repair::Uniform { min, max } => (f64::from(min) + f64::from(max)) / 2.0,
            Repair::Geometric { mean } => mean,
        }
    }
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Repair::Fixed { steps } => write!(f, "fixed {steps}"),
            Repair::Uniform { min, max } => write!(f, "uniform {min}..={max}"),
            Repair::Geometric { mean } => write!(f, "geometric mean {mean}"),
        }
    }
}

/// A scripted disruption.
#[derive(Debug, Clone, PartialEq)]
pub struct Shock {
    /// Step at which it strikes (0-based, < steps).
    pub at: u32,
    /// Which nodes it knocks out.
    pub select: Selection,
    /// Outage length; `None` = each node samples its own repair.
    pub duration: Option<u32>,
    /// Optional human description.
    pub label: Option<String>,
}

/// How a shock chooses its nodes (resolved separately in every topology).
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// Distinct nodes uniformly at random.
    Random(Amount),
    /// Highest total degree in the intact topology, ties by id.
    Degree(Amount),
    /// Highest betweenness in the intact topology, ties by id.
    Betweenness(Amount),
    /// Every node of this sector.
    Sector(String),
    /// These ids; ids missing from a topology are skipped.
    Nodes(Vec<String>),
}

/// How many nodes a ranked or random shock takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    /// Exactly this many (at most the topology's size).
    Count(u32),
    /// This fraction of the topology's nodes, rounded down.
    Fraction(f64),
}

impl Amount {
    /// Number of nodes taken from a topology of `n` nodes.
    pub fn resolve(&self, n: usize) -> usize {
        match *self {
            Amount::Count(c) => (c as usize).min(n),
            // Rounded down; the small epsilon keeps 0.3 * 10 at 3.
            Amount::Fraction(f) => ((f * n as f64 + 1e-9).floor() as usize).min(n),
        }
    }
}

impl Scenario {
    /// Does some node of some topology hold stock? Only then do outputs
    /// carry the stock metrics (a file without stock gives today's bytes).
    pub fn has_stock(&self) -> bool {
        self.topologies.iter().any(Topology::has_stock)
    }

    /// Does some topology cost anything? Then every topology reports the
    /// cost metrics (0 where it costs nothing); otherwise none does.
    pub fn has_costs(&self) -> bool {
        self.topologies.iter().any(Topology::has_costs)
    }

    /// The money unit costs are written in ("$" unless the file says).
    pub fn currency(&self) -> &str {
        self.currency.as_deref().unwrap_or("$")
    }

    /// Does the scenario have hazards? Only then do outputs carry the
    /// `hazard_hits` metric (a file without hazards gives today's bytes).
    pub fn has_hazards(&self) -> bool {
        !self.hazards.is_empty()
    }

    /// Parse and validate TOML text. `origin` names the file in errors.
    pub fn from_toml(origin: &str, text: &str) -> Result<Scenario, InputError> {
        validate::parse(origin, text)
    }

    /// Parse and validate raw bytes (rejects non-UTF-8 with a clear error).
    pub fn from_bytes(origin: &str, bytes: &[u8]) -> Result<Scenario, InputError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            InputError::whole(
                origin,
                "",
                format!(
                    "the file is not valid UTF-8 (invalid byte at offset {}); scenario files are UTF-8 TOML",
                    e.valid_up_to()
                ),
            )
        })?;
        Self::from_toml(origin, text)
    }

    /// Read and validate a file.
    pub fn from_path(path: &Path) -> Result<Scenario, InputError> {
        let origin = path.display().to_string();
        use std::io::Read;
        let cannot = |e: std::io::Error| {
            InputError::whole(&origin, "", format!("cannot read the file: {e}"))
        };
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(cannot)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(InputError::whole(
                &origin,
                "",
                format!(
                    "the file is larger than {} MiB; scenario files are at most that",
                    MAX_FILE_BYTES >> 20
                ),
            ));
        }
        Self::from_bytes(&origin, &bytes)
    }

    /// An input error that points at topology `k`'s table in the file.
    pub fn topology_error(
        &self,
        k: usize,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> InputError {
        InputError::at(
            &self.origin.name,
            &self.origin.text,
            self.topologies[k].span.clone(),
            field,
            message,
        )
    }

    /// Index of the topology with this id.
    pub fn topology_index(&self, id: &str) -> Option<usize> {
        self.topologies.iter().position(|t| t.id == id)
    }
}
