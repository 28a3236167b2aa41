//! Criterion benchmarks of the engine's hot paths: `cargo bench`.
//!
//! Every benchmark cycles through many different knockout masks, trial
//! indices or removal orders: re-solving one fixed input lets the branch
//! predictor learn it and reads several times too fast. `chainmesh bench`
//! complements these with trials/s per shipped scenario.

#[path = "../tests/common/oracle.rs"]
mod oracle;

use std::hint::black_box;

use chainmesh::cli::load;
use chainmesh::compose::generate::{Model, generate};
use chainmesh::network::{FlowSolver, undirected_neighbours};
use chainmesh::scenario::Scenario;
use chainmesh::sim::rng::Stream;
use chainmesh::sim::{FlowCache, Prepared, Workspace, run_trial};
use chainmesh::sweep::component::largest_component_sizes;
use chainmesh::sweep::order::random_order;
use criterion::{Criterion, criterion_group, criterion_main};

/// The standard benchmark network: `generate --model layered --nodes n --seed 1`.
fn layered(n: usize) -> Prepared {
    let text = generate(Model::Layered, n, 1);
    Prepared::new(Scenario::from_toml("generated", &text).expect("generated scenario is valid"))
        .expect("scenario compiles")
}

/// `count` independent down-sets with each node down with probability `p`.
fn random_masks(n: usize, p: f64, count: u64) -> Vec<Vec<bool>> {
    (0..count)
        .map(|k| {
            let mut s = Stream::new(99, k);
            (0..n).map(|_| s.unit_open0() < p).collect()
        })
        .collect()
}

/// Consecutive down-sets of the model's dynamics: an up node fails with
/// probability 0.002 per step, a down node recovers with probability 0.1
/// (≈ 2 % down, ≈ 0.4 % of nodes changing per step).
fn walk_masks(n: usize, steps: u64) -> Vec<Vec<bool>> {
    let mut s = Stream::new(7, 0);
    let mut down: Vec<bool> = (0..n).map(|_| s.unit_open0() < 0.02).collect();
    (0..steps)
        .map(|_| {
            for d in down.iter_mut() {
                let u = s.unit_open0();
                *d = if *d { u >= 0.1 } else { u < 0.002 };
            }
            down.clone()
        })
        .collect()
}

fn max_flow(c: &mut Criterion) {
    let prep = layered(1000);
    let net = &prep.topologies[1].net;
    let topo = &prep.scenario.topologies[1];
    let n = net.node_count();
    let masks = random_masks(n, 0.02, 256);
    let walk = walk_masks(n, 1000);
    let mut g = c.benchmark_group("max_flow_layered_1000");
    let mut solver = FlowSolver::default();
    let mut i = 0;
    g.bench_function("csr_dinic_from_scratch", |b| {
        b.iter(|| {
            i = (i + 1) % masks.len();
            black_box(net.max_flow(&masks[i], &mut solver))
        })
    });
    let mut cache = FlowCache::default();
    let mut i = 0;
    g.bench_function("incremental_per_step", |b| {
        b.iter(|| {
            i = (i + 1) % walk.len();
            black_box(cache.max_flow(net, &walk[i]))
        })
    });
    let mut i = 0;
    g.sample_size(20);
    g.bench_function("petgraph_dinics", |b| {
        b.iter(|| {
            i = (i + 1) % masks.len();
            black_box(oracle::petgraph_max_flow(topo, &masks[i]))
        })
    });
    g.finish();
}

fn trials(c: &mut Criterion) {
    let mut g = c.benchmark_group("trial");
    for (name, prep) in [
        (
            "agriculture",
            Prepared::new(load("agriculture").expect("built-in")).expect("scenario compiles"),
        ),
        ("layered_1000", layered(1000)),
    ] {
        let mut ws = Workspace::new(&prep);
        let mut out = Vec::new();
        let mut trial = 0;
        g.bench_function(name, |b| {
            b.iter(|| {
                trial += 1;
                run_trial(&prep, 1, trial, &mut ws, &mut out);
                black_box(&out);
            })
        });
    }
    g.finish();
}

fn attack_curve(c: &mut Criterion) {
    let prep = layered(10_000);
    let adj = undirected_neighbours(&prep.scenario.topologies[1]);
    let orders: Vec<Vec<usize>> = (0..16).map(|r| random_order(adj.len(), 5, r)).collect();
    let mut i = 0;
    c.bench_function("largest_component_curve_10000", |b| {
        b.iter(|| {
            i = (i + 1) % orders.len();
            black_box(largest_component_sizes(&adj, &orders[i]))
        })
    });
}

criterion_group!(benches, max_flow, trials, attack_curve);
criterion_main!(benches);
