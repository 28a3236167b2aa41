//! The importer's own model of a network read from a file, before it becomes
//! scenario TOML.
//!
//! Every reader (CSV, spreadsheet, GraphML, node-link JSON) turns its file into
//! [`Table`]s of [`Record`]s: one record per node or link, each cell keeping the
//! place it came from so that [`super::fields`] can point at it in errors.
//! [`super::fields`] then turns the records into a checked [`Network`].

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use crate::scenario::{InputError, Repair, Role};

/// A cell value as the file typed it (CSV cells are always text).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text (trimmed by the reader where the format does not make spaces significant).
    Text(String),
    /// A whole number.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Key/value pairs (a JSON object, e.g. `needs = {"battery": 1}`).
    Map(Vec<(String, Value)>),
}

impl Value {
    /// True for an empty or all-blank text cell: treated as absent.
    pub fn is_blank(&self) -> bool {
        matches!(self, Value::Text(t) if t.trim().is_empty())
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(t) => f.write_str(t),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Map(kv) => {
                for (i, (k, v)) in kv.iter().enumerate() {
                    if i > 0 {
                        f.write_str(";")?;
                    }
                    write!(f, "{k}:{v}")?;
                }
                Ok(())
            }
        }
    }
}

/// Where something is in its file: 1-based line and column, and the byte
/// range in the file's text when the text is at hand (for a caret).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Place {
    /// 1-based line (spreadsheet row); 0 when unknown.
    pub line: usize,
    /// 1-based column (characters, or the spreadsheet column); 0 when unknown.
    pub column: usize,
    /// Byte range in [`Source::text`], when there is one.
    pub span: Option<Range<usize>>,
    /// A path inside the file where no line is known, e.g. `nodes[3]` in JSON.
    pub path: Option<String>,
}

/// The file (or sheet) a table came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// What errors call it: the path, plus the sheet for spreadsheets.
    pub origin: String,
    /// The file's text, for errors that show the offending line.
    pub text: Option<Arc<str>>,
}

impl Source {
    /// An input error at `place` in this source.
    pub fn err(&self, place: &Place, field: &str, message: impl Into<String>) -> InputError {
        let message = match &place.path {
            Some(p) => format!("{p}: {}", message.into()),
            None => message.into(),
        };
        match (&self.text, &place.span) {
            (Some(text), Some(span)) => {
                InputError::at(&self.origin, text, span.clone(), field, message)
            }
            _ if place.line > 0 => {
                InputError::at_position(&self.origin, place.line, place.column, field, message)
            }
            _ => InputError::whole(&self.origin, field, message),
        }
    }
}

/// Most cells one import reads, in every format: each node and link times
/// its columns or attributes (a CSV row counts the header's columns, a sheet
/// its whole used rectangle, GraphML the `<key>` defaults it fills in).
/// 200,000 nodes × 20 attributes. Counted while reading, so a small file that
/// stands for a huge table is refused before the table is built.
pub const MAX_CELLS: usize = 4_000_000;

/// Counts the cells an import has read so far, across its files and sheets,
/// and stops the import past [`MAX_CELLS`].
#[derive(Debug, Default)]
pub struct CellBudget {
    used: usize,
}

impl CellBudget {
    /// Count `n` more cells read at `place` (a row, node or link, described
    /// by `what`); an error there once the import holds more than [`MAX_CELLS`].
    pub fn take(
        &mut self,
        n: usize,
        source: &Source,
        place: &Place,
        what: &str,
    ) -> Result<(), InputError> {
        self.used = self.used.saturating_add(n);
        if self.used > MAX_CELLS {
            return Err(source.err(
                place,
                "",
                format!(
                    "too many cells: {} read by this {what} (nodes and links × their columns or attributes); at most {MAX_CELLS} cells are imported",
                    self.used
                ),
            ));
        }
        Ok(())
    }

    /// Cells counted so far.
    pub fn used(&self) -> usize {
        self.used
    }
}

/// One cell: an attribute of a node or link.
#[derive(Debug, Clone)]
pub struct Cell {
    /// The column header or attribute name as written.
    pub name: String,
    /// The value.
    pub value: Value,
    /// Where the value is.
    pub place: Place,
}

/// What a record describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A node (site, firm, stage).
    Node,
    /// A link (lane) between two nodes.
    Link,
    /// A row of a table with a `kind` column: decided by that cell.
    ByKindColumn,
    /// A row of a CSV table not yet classified: decided by its header.
    ByHeader,
}

/// A node or link as read, in file order.
#[derive(Debug, Clone)]
pub struct Record {
    /// Node, link, or to be decided.
    pub kind: Kind,
    /// Where the record starts.
    pub place: Place,
    /// Its attributes, in file order.
    pub cells: Vec<Cell>,
}

/// The records of one file or sheet.
#[derive(Debug, Clone)]
pub struct Table {
    /// Where the records came from.
    pub source: Source,
    /// Header names (CSV and sheets), used to classify the table.
    pub header: Vec<String>,
    /// Nodes and links in file order.
    pub records: Vec<Record>,
    /// Attributes of the graph as a whole (GraphML `<graph>` data, node-link `graph`).
    pub graph: Vec<Cell>,
    /// Links without their own direction follow this (GraphML `edgedefault`, node-link `directed`).
    pub directed: bool,
}

impl Table {
    /// A table read row by row under a header (CSV, a sheet): directed links
    /// and no graph attributes. An empty header is an error naming `what`
    /// ("file", "sheet").
    pub fn by_header(
        source: Source,
        header: Vec<String>,
        records: Vec<Record>,
        what: &str,
    ) -> Result<Table, InputError> {
        if header.is_empty() {
            return Err(source.err(
                &Place::default(),
                "",
                format!("the {what} is empty; expected a header row of field names"),
            ));
        }
        Ok(Table {
            source,
            header,
            records,
            graph: Vec::new(),
            directed: true,
        })
    }
}

/// A node of the imported network, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeSpec {
    /// Id as written into the scenario (a valid scenario id).
    pub id: String,
    /// The id in the file, when it had to be changed to fit the scenario format.
    pub original_id: Option<String>,
    /// Display label.
    pub label: Option<String>,
    /// Traditional Chinese label.
    pub label_zh: Option<String>,
    /// Role given in the file (`None`: inferred by [`super::roles`]).
    pub role: Option<Role>,
    /// Sector.
    pub sector: Option<String>,
    /// Region (the target of `[[hazard]]`s).
    pub region: Option<String>,
    /// Units per step, finite, > 0 and at most 1e15.
    pub capacity: Option<f64>,
    /// Probability of failing in a step, in [0, 1).
    pub failure_rate: Option<f64>,
    /// Outage length.
    pub repair: Option<Repair>,
    /// What the node makes (bill of materials; see [`super::toml_out`]).
    pub product: Option<String>,
    /// Parts it needs per unit, e.g. `battery:1;motor:1`, in file order.
    pub needs: Vec<(String, f64)>,
    /// Most units in stock, finite and >= 0 (the scenario's `stock` max).
    pub stock: Option<f64>,
    /// Units in stock at step 0 (default: full), finite and >= 0.
    pub stock_initial: Option<f64>,
    /// A sink's demand per step, finite and > 0.
    pub demand: Option<f64>,
    /// Its costs as `(key, value)`: `fixed_cost`, `unit_cost`,
    /// `holding_cost`, `lost_sale_cost` (the scenario parser checks which
    /// belong where).
    pub costs: Vec<(String, f64)>,
    /// Attributes the scenario has no field for: kept as comments.
    pub extra: Vec<(String, String)>,
}

/// A link of the imported network, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkSpec {
    /// Index of the upstream node in [`Network::nodes`].
    pub from: usize,
    /// Index of the downstream node.
    pub to: usize,
    /// Units per step (`None`: unlimited).
    pub capacity: Option<f64>,
    /// Usable in both directions.
    pub both_ways: bool,
    /// Money per unit shipped.
    pub unit_cost: Option<f64>,
    /// Attributes the scenario has no field for: kept as comments.
    pub extra: Vec<(String, String)>,
}

/// Scenario settings carried by a graph's own attributes (what `export` writes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Scenario name.
    pub name: Option<String>,
    /// The money unit of costs.
    pub currency: Option<String>,
    /// Topology id (a valid scenario id).
    pub topology_id: Option<String>,
    /// Topology label.
    pub topology_label: Option<String>,
    /// Steps per trial.
    pub steps: Option<u32>,
    /// Trials.
    pub trials: Option<u64>,
    /// Seed.
    pub seed: Option<u64>,
    /// Service level in (0, 1].
    pub service_level: Option<f64>,
    /// Scripted shocks from the graph's `shocks` attribute (what `export`
    /// writes), in file order; checked for shape here, for meaning (steps,
    /// select, count or fraction …) by the scenario parser after rendering.
    pub shocks: Vec<ShockSpec>,
    /// The file and place of the `shocks` attribute, for errors found later.
    pub shocks_at: Option<(Source, Place)>,
    /// Regional hazards from the graph's `hazards` attribute (what `export`
    /// writes), in file order; their meaning is checked by the scenario parser.
    pub hazards: Vec<HazardSpec>,
}

/// One regional hazard as a graph file carries it: a JSON object with the
/// `[[hazard]]` table's own keys (unknown keys are an error).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HazardSpec {
    /// Description.
    #[serde(default)]
    pub label: Option<String>,
    /// One region.
    #[serde(default)]
    pub region: Option<String>,
    /// Several regions.
    #[serde(default)]
    pub regions: Option<Vec<String>>,
    /// Strike probability per step.
    pub rate: f64,
    /// Probability each node of the region goes down.
    #[serde(default)]
    pub hit: Option<f64>,
    /// Outage: a number of steps or a repair table.
    #[serde(default)]
    pub duration: Option<serde_json::Value>,
    /// First step it can strike.
    #[serde(default)]
    pub start: Option<i64>,
    /// It strikes before this step.
    #[serde(default)]
    pub end: Option<i64>,
}

/// One scripted shock as a graph file carries it: a JSON object with the
/// `[[shock]]` table's own keys (unknown keys are an error).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShockSpec {
    /// Step at which it strikes.
    pub at: i64,
    /// `random`, `degree`, `betweenness`, `sector` or `nodes`.
    pub select: String,
    /// How many nodes (random, degree, betweenness).
    #[serde(default)]
    pub count: Option<i64>,
    /// Which fraction of the nodes (random, degree, betweenness).
    #[serde(default)]
    pub fraction: Option<f64>,
    /// The sector hit (select = sector).
    #[serde(default)]
    pub sector: Option<String>,
    /// The ids hit (select = nodes); file ids, renamed with their nodes.
    #[serde(default)]
    pub nodes: Option<Vec<String>>,
    /// Outage length in steps.
    #[serde(default)]
    pub duration: Option<i64>,
    /// Description.
    #[serde(default)]
    pub label: Option<String>,
}

/// A checked network: unique valid ids, every link between two known nodes,
/// every number in the range the scenario format accepts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Network {
    /// Nodes in file order.
    pub nodes: Vec<NodeSpec>,
    /// Links in file order.
    pub links: Vec<LinkSpec>,
    /// Settings from graph attributes.
    pub settings: Settings,
    /// Where the network came from (file names), for the header comment.
    pub origins: Vec<String>,
    /// Remarks for the header comment (ids changed, nodes skipped, …).
    pub notes: Vec<String>,
}
