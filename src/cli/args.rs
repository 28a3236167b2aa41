//! Every clap type of the command line (derive), in one place.

use std::ops::Range;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::report::Format;

/// See why an ecosystem network survives shocks that break a linear supply chain.
///
/// With no command, opens the live terminal UI on the built-in agriculture
/// scenario (or, when not on a terminal, prints its headless comparison).
#[derive(Debug, Parser)]
#[command(name = "chainmesh", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// No progress bar and no `wrote PATH` messages (every command).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// What to do (default: the terminal UI).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run Monte Carlo trials and print a comparison table.
    Run(RunArgs),
    /// Print every step of one trial as CSV (replay a shared seed).
    Trace(TraceArgs),
    /// Validate scenario files and print their topologies and baselines.
    Check(CheckArgs),
    /// List the scenarios built into the binary.
    List(ListArgs),
    /// Print a built-in scenario's file, to save and edit (`chainmesh show agriculture > my.toml`).
    Show(ShowArgs),
    /// Open the live terminal UI.
    Tui(TuiArgs),
    /// Join partial results of `run --trial-range` into one report.
    Merge(MergeArgs),
    /// Write a synthetic scenario (chain and network of N nodes, equal baseline) for scale tests.
    Generate(GenerateArgs),
    /// Measure engine speed (trials/s, node-steps/s, cache hit rate) per scenario.
    Bench(BenchArgs),
    /// Attack tolerance: remove a growing fraction of nodes, measure throughput and the giant component.
    Sweep(SweepArgs),
    /// Write a commented scenario file to start from (never overwrites).
    New(NewArgs),
    /// Write a handout (Markdown + HTML with SVG/PNG charts) comparing the topologies.
    Report(ReportArgs),
    /// Time to survive, time to recover and risk exposure of every node (one knocked out at a time).
    Risk(RiskArgs),
    /// The price of resilience: expected cost per topology over a grid of risk scales, and the break-even.
    Price(PriceArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell).
    Completions(CompletionsArgs),
    /// Print the man page as roff, or write every page into a folder.
    Man(ManArgs),
    /// Print the JSON Schema of scenario files (for editor completion and checks).
    Schema(SchemaArgs),
    /// Write a scenario from your own network: CSV, Excel/ODS, GraphML or NetworkX JSON.
    Import(ImportArgs),
    /// Write a scenario's topologies as Graphviz DOT, GraphML or NetworkX JSON.
    Export(ExportArgs),
}

/// `chainmesh list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format (csv and json: one row / object per built-in scenario).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to FILE instead of stdout (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `chainmesh show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Built-in scenario name (see `chainmesh list`).
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Write the file to FILE instead of stdout (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `chainmesh bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Scenario files or built-in names (default: every built-in).
    #[arg(value_name = "FILE|NAME")]
    pub scenarios: Vec<String>,
    /// Trials per measurement.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: u64,
    /// Steps per trial (default: the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub steps: Option<u32>,
}

/// Options shared by every command that simulates.
#[derive(Debug, Args, Clone, Default)]
pub struct SimArgs {
    /// Seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Steps per trial (default: the scenario's `steps`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub steps: Option<u32>,
    /// Extra scripted shock, e.g. 'at=12,select=nodes,nodes=farm,duration=5' (repeatable).
    #[arg(long = "shock", value_name = "SPEC")]
    pub shocks: Vec<String>,
    /// Multiply the file's values as the TUI's parameter panel does, e.g.
    /// failure_rate=1.5,repair=2,shock=0,hazard=2 (repeatable: applied in order, before --shock).
    #[arg(long = "scale", value_name = "KEY=FACTOR,...", value_parser = parse_scale)]
    pub scales: Vec<String>,
}

/// Check a `--scale` value, keeping it as written for the reproduce command.
fn parse_scale(s: &str) -> Result<String, String> {
    // A bad spec is clap's usage error (exit 2), with the spec's message.
    let scale = crate::compose::scale::Scale::parse(s).map_err(|e| e.to_string())?;
    Ok(scale.arg().unwrap_or_else(|| "failure_rate=1".to_string()))
}

/// `--set`: edits of the scenario file, shared by every command that reads one
/// and computes (`run`, `trace`, `report`, `sweep`). The edits are written into the
/// file's TOML and validated like the file itself, before `--scale`,
/// `--steps` and `--shock`.
#[derive(Debug, Args, Clone, Default)]
pub struct SetArgs {
    /// Edit the scenario: KEY=VALUE, e.g. defaults.failure_rate=0.02 or
    /// topology.network.node.farm.capacity=5 (repeatable). `run` also takes
    /// KEY=V1,V2,... or KEY=A..B (inclusive) and runs every combination
    /// (cartesian product); `trace`, `report` and `sweep` take one value per key.
    #[arg(long = "set", value_name = "KEY=VALUES", value_parser = super::set::parse_set)]
    pub set: Vec<super::set::SetSpec>,
}

impl SetArgs {
    /// Each `--set` as the user would type it (for the reproduce command).
    pub fn spelled(&self) -> Vec<String> {
        self.set.iter().map(super::set::spec_arg).collect()
    }
}

/// How long computations run: shared by `run`, `report` and `sweep`.
#[derive(Debug, Args, Clone, Default)]
pub struct WorkArgs {
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
}

/// `chainmesh run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files or built-in names (see `chainmesh list`).
    #[arg(required = true, value_name = "FILE|NAME")]
    pub scenarios: Vec<String>,
    /// Number of trials (default: the scenario's `trials`).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub work: WorkArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to FILE instead of stdout (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write one CSV row per trial × topology to FILE.
    #[arg(long, value_name = "FILE")]
    pub per_trial: Option<PathBuf>,
    #[command(flatten)]
    pub edit: SetArgs,
    /// Run only trials A..B and write a partial result for `chainmesh merge` (one scenario).
    #[arg(long, value_name = "A..B", value_parser = parse_range)]
    pub trial_range: Option<Range<u64>>,
}

/// `chainmesh trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Scenario file or built-in name.
    #[arg(value_name = "FILE|NAME")]
    pub scenario: String,
    /// Trial index to replay.
    #[arg(long, default_value_t = 0)]
    pub trial: u64,
    /// Only this topology (default: all).
    #[arg(long, value_name = "ID")]
    pub topology: Option<String>,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub edit: SetArgs,
    /// Write the CSV to FILE instead of stdout (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `chainmesh check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files or built-in names.
    #[arg(required = true, value_name = "FILE|NAME")]
    pub scenarios: Vec<String>,
}

/// `chainmesh tui`.
#[derive(Debug, Args, Default)]
pub struct TuiArgs {
    /// Scenario file or built-in name (default: the scenario picker, over agriculture).
    #[arg(value_name = "FILE|NAME")]
    pub scenario: Option<String>,
    /// Trial index to show first.
    #[arg(long, default_value_t = 0)]
    pub trial: u64,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Label language: `en` or `zh-TW` (Traditional Chinese labels where the scenario has them).
    #[arg(long, default_value = "en", value_parser = ["en", "zh-TW"])]
    pub lang: String,
}

/// `chainmesh merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Partial result files written by `run --trial-range`.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to FILE instead of stdout (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `chainmesh generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Network model.
    #[arg(long, value_enum)]
    pub model: crate::compose::generate::Model,
    /// Nodes per topology (at least 10).
    #[arg(long, value_parser = clap::value_parser!(u64).range(10..=200_000))]
    pub nodes: u64,
    /// Seed of the generator.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Assembly network (layered model only): every node makes its own
    /// product and every relay needs the products of all its inputs.
    #[arg(long)]
    pub needs: bool,
    /// Write to FILE instead of stdout (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `chainmesh sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario files or built-in names (see `chainmesh list`).
    #[arg(required = true, value_name = "FILE|NAME")]
    pub scenarios: Vec<String>,
    // The curves depend on the topologies, capacities and the service level
    // only, so `--set` is the one scenario option here (no time steps,
    // shocks or failure rates are involved).
    #[command(flatten)]
    pub edit: SetArgs,
    /// Attack: random, degree or betweenness (repeatable or a comma list; default: all three).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub attack: Vec<crate::sweep::Attack>,
    /// Points on each curve at most, from k = 0 to n nodes removed (every k when n < points).
    #[arg(long, default_value_t = 21, value_parser = clap::value_parser!(u64).range(2..=100_000))]
    pub points: u64,
    /// Random removal orders averaged for `--attack random` (default: 100, as the handout and the TUI).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub trials: Option<u64>,
    /// Seed of the random orders (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub work: WorkArgs,
    /// Re-rank targeted attacks on the remaining graph after each removal
    /// (adaptive betweenness is O(N²·E): slow beyond a few hundred nodes).
    #[arg(long)]
    pub adaptive: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to FILE instead of stdout (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `chainmesh new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// File to write (`.toml` is appended when missing); an existing file is never overwritten.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Starting point: a chain alone, or a chain against an ecosystem network or mesh.
    #[arg(long, value_enum)]
    pub template: crate::compose::template::Template,
    /// Sector: agriculture, manufacturing, smart-city, retail, marketing or other (names the stages).
    #[arg(long, default_value = "other", value_parser = clap::builder::PossibleValuesParser::new(crate::scenario::Sector::ALL.map(|s| s.as_str())))]
    pub sector: String,
    /// Nodes in the topology you will edit: the chain's length for `chain`, the
    /// network's size otherwise (default: one firm per stage / three per stage).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub nodes: Option<u64>,
}

/// `chainmesh report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Scenario files or built-in names (see `chainmesh list`).
    #[arg(required = true, value_name = "FILE|NAME")]
    pub scenarios: Vec<String>,
    /// Folder to write `report.md`, `report.html` and the charts into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Monte Carlo trials per scenario (default: the scenario's `trials`); the
    /// random-removal curve averages 100 orders, as `chainmesh sweep` and the TUI.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub edit: SetArgs,
    #[command(flatten)]
    pub work: WorkArgs,
    /// Language of the handout: `en` or `zh-TW` (headings, tables, chart
    /// text, and the scenario's `name_zh`/`label_zh`/`lesson_zh` where it
    /// has them, also in the PNG charts; the numbers are the same).
    #[arg(long, default_value = "en", value_parser = ["en", "zh-TW"])]
    pub lang: String,
}

/// `chainmesh risk`.
#[derive(Debug, Args)]
pub struct RiskArgs {
    /// Scenario file or built-in name.
    #[arg(value_name = "FILE|NAME")]
    pub scenario: String,
    /// Only this topology (default: all).
    #[arg(long, value_name = "ID")]
    pub topology: Option<String>,
    /// Knock out one node at a time (default) or every node of one region
    /// at a time (`region`: the nodes a regional hazard strikes together).
    #[arg(long, value_name = "node|region", value_parser = ["node", "region"])]
    pub by: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to FILE instead of stdout (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `chainmesh price`.
#[derive(Debug, Args)]
pub struct PriceArgs {
    /// Scenario file or built-in name (it must have costs: see docs/model.md, section 1c).
    #[arg(value_name = "FILE|NAME")]
    pub scenario: String,
    /// Risk scales s, increasing: failure rates and scripted shocks × s
    /// (0 = no random failures and no shocks, 1 = the file's own risk).
    #[arg(long, value_name = "S,...", value_parser = parse_scales, default_value = "0,0.25,0.5,0.75,1,1.25,1.5,1.75,2,2.25,2.5,2.75,3")]
    pub scales: Scales,
    /// Trials per scale (default: the scenario's `trials`).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    /// Seed, the same for every scale (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub work: WorkArgs,
    #[command(flatten)]
    pub edit: SetArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to FILE instead of stdout (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Language of the table and Markdown words: `en` or `zh-TW` (CSV and JSON keep English keys).
    #[arg(long, default_value = "en", value_parser = ["en", "zh-TW"])]
    pub lang: String,
}

/// The risk scales of `price --scales`, as parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Scales(pub Vec<f64>);

/// Check `--scales` (a bad list is clap's usage error, exit 2).
fn parse_scales(s: &str) -> Result<Scales, String> {
    crate::price::parse_scales(s)
        .map(Scales)
        .map_err(|e| e.to_string())
}

/// `chainmesh import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// nodes.csv + links.csv (or one CSV with a `kind` column, or a links
    /// table alone), an .xlsx/.ods workbook with sheets `nodes` and `links`,
    /// a .graphml file (NetworkX, Gephi, yEd) or NetworkX node-link .json.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Write the scenario to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Scenario name (default: the graph's name, else the first file's name).
    #[arg(long)]
    pub name: Option<String>,
    /// `longest`: add a second topology, the longest source→sink path as a
    /// chain with the same baseline, to compare the network with a chain.
    #[arg(long, default_value = "none", value_parser = ["none", "longest"])]
    pub chain: String,
    /// Read column (or attribute) COLUMN as the scenario field FIELD, e.g.
    /// `--map role=type --map capacity=weight` (repeatable).
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
}

/// `chainmesh export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Scenario file or built-in name.
    #[arg(value_name = "FILE|NAME")]
    pub scenario: String,
    /// dot (Graphviz, every topology), graphml (Gephi, yEd, NetworkX) or json (NetworkX node-link).
    #[arg(long, value_parser = ["dot", "graphml", "json"])]
    pub format: String,
    /// Only this topology (required for graphml and json when there are several).
    #[arg(long, value_name = "ID")]
    pub topology: Option<String>,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `chainmesh completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `chainmesh man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `chainmesh.1` and one page per subcommand into DIR (created if
    /// missing) instead of printing the top-level page.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `chainmesh schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write the schema to FILE instead of stdout (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Parse `A..B` (A < B).
fn parse_range(s: &str) -> Result<Range<u64>, String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("expected A..B, found {s:?}"))?;
    let a: u64 = a
        .trim()
        .parse()
        .map_err(|_| format!("expected a trial index before '..', found {a:?}"))?;
    let b: u64 = b
        .trim()
        .parse()
        .map_err(|_| format!("expected a trial index after '..', found {b:?}"))?;
    if a >= b {
        return Err(format!("expected A < B in A..B, found {a}..{b}"));
    }
    Ok(a..b)
}
