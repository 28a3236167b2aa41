//! `chainmesh bench`: how fast the engine runs each scenario on this machine.
//! Numbers for humans and closing notes, never for test assertions.

use std::fmt::Write as _;
use std::time::Instant;

use super::args::BenchArgs;
use super::{CliError, load};
use crate::front::output::emit;
use crate::scenario::builtin;
use crate::sim::{Prepared, Workspace, run_trial, run_trials};

/// One scenario's measurements.
#[derive(Debug, Clone)]
pub struct BenchRow {
    /// Scenario argument.
    pub name: String,
    /// Total nodes over all topologies.
    pub nodes: usize,
    /// Trials per second on one thread.
    pub single: f64,
    /// Trials per second on every thread.
    pub parallel: f64,
    /// Threads used for `parallel`.
    pub threads: usize,
    /// Node-steps per second on every thread.
    pub node_steps: f64,
    /// Throughput evaluations per second on one thread that were not memo hits
    /// (full solves plus incremental updates).
    pub solves: f64,
    /// Share of throughput lookups answered by the cache.
    pub hit_rate: f64,
    /// Microseconds for one full largest-component attack curve (Newman–Ziff,
    /// every removal count 0..=n) on the scenario's largest topology.
    pub component_curve_us: f64,
}

/// Measure one prepared scenario with `trials` trials.
pub fn measure(name: &str, prep: &Prepared, trials: u64) -> BenchRow {
    let seed = prep.scenario.seed;
    // Single thread, with cache statistics.
    let mut ws = Workspace::new(prep);
    let mut out = Vec::new();
    let start = Instant::now();
    for t in 0..trials {
        run_trial(prep, seed, t, &mut ws, &mut out);
    }
    let single_secs = start.elapsed().as_secs_f64();
    let (hits, misses) = ws
        .caches
        .iter()
        .fold((0, 0), |(h, m), c| (h + c.hits, m + c.misses + c.updates));
    // Every thread.
    let start = Instant::now();
    let table = run_trials(prep, seed, 0..trials);
    let par_secs = start.elapsed().as_secs_f64();
    std::hint::black_box(table);
    let nodes: usize = prep.scenario.topologies.iter().map(|t| t.nodes.len()).sum();
    let component_curve_us = component_curve_time(prep, seed);
    BenchRow {
        name: name.to_string(),
        nodes,
        single: trials as f64 / single_secs,
        parallel: trials as f64 / par_secs,
        threads: rayon::current_num_threads(),
        node_steps: trials as f64 * f64::from(prep.scenario.steps) * nodes as f64 / par_secs,
        solves: misses as f64 / single_secs,
        component_curve_us,
        hit_rate: if hits + misses == 0 {
            0.0
        } else {
            hits as f64 / (hits + misses) as f64
        },
    }
}

/// Mean time of one largest-component curve over a random removal order.
fn component_curve_time(prep: &Prepared, seed: u64) -> f64 {
    use crate::network::undirected_neighbours;
    use crate::sweep::component::largest_component_sizes;
    use crate::sweep::order::random_order;
    let Some(topo) = prep
        .scenario
        .topologies
        .iter()
        .max_by_key(|t| t.nodes.len())
    else {
        return 0.0;
    };
    let adj = undirected_neighbours(topo);
    // Vary the order between repetitions so nothing is learnt by the branch predictor.
    let orders: Vec<Vec<usize>> = (0..20).map(|r| random_order(adj.len(), seed, r)).collect();
    let start = Instant::now();
    for order in &orders {
        std::hint::black_box(largest_component_sizes(&adj, order));
    }
    start.elapsed().as_secs_f64() * 1e6 / orders.len() as f64
}

/// `chainmesh bench`.
pub fn bench(args: &BenchArgs) -> Result<(), CliError> {
    let names: Vec<String> = if args.scenarios.is_empty() {
        builtin::BUILTINS
            .iter()
            .map(|b| b.name.to_string())
            .collect()
    } else {
        args.scenarios.clone()
    };
    let mut out = format!(
        "{:<22} {:>6} {:>12} {:>14} {:>16} {:>14} {:>9} {:>10}\n",
        "scenario",
        "nodes",
        "trials/s (1)",
        "trials/s (all)",
        "node-steps/s",
        "max-flows/s",
        "memo hit",
        "curve µs"
    );
    for name in &names {
        let mut s = load(name)?;
        if let Some(steps) = args.steps {
            s.steps = steps;
        }
        let prep = Prepared::new(s)?;
        let r = measure(name, &prep, args.trials);
        let _ = writeln!(
            out,
            "{:<22} {:>6} {:>12.0} {:>14.0} {:>16.3e} {:>14.0} {:>8.1}% {:>10.1}",
            r.name,
            r.nodes,
            r.single,
            r.parallel,
            r.node_steps,
            r.solves,
            100.0 * r.hit_rate,
            r.component_curve_us
        );
    }
    let _ = writeln!(
        out,
        "\n{} trials each; 'all' = {} threads; max-flows/s counts full solves and incremental\n\
         updates on one thread (memo hits excluded); curve µs = one largest-component attack curve\n\
         over every removal count (Newman–Ziff) on the largest topology. Timings vary; results do not.",
        args.trials,
        rayon::current_num_threads()
    );
    emit(None, out.as_bytes())?;
    Ok(())
}
