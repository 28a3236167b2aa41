//! Criterion benchmarks of bills of materials: `cargo bench --bench assembly`.
//!
//! * the assembly program of the built-in `manufacturing` networks on many
//!   different down-sets (warm start from the canonical optimum), against the
//!   same networks as pools (max flow);
//! * the program of a pool-only network against its max flow (what the
//!   per-topology choice of solver saves);
//! * whole trials of `manufacturing`, as `chainmesh bench` counts them;
//! * one step of a generated layered assembly network (`generate --needs`).

use std::hint::black_box;

use chainmesh::compose::generate::{Model, generate_with};
use chainmesh::network::assembly::{Assembly, AssemblyScratch};
use chainmesh::network::{FlowNetwork, FlowSolver};
use chainmesh::scenario::{Scenario, Topology, builtin};
use chainmesh::sim::rng::Stream;
use chainmesh::sim::{Prepared, Workspace, run_trial};
use criterion::{Criterion, criterion_group, criterion_main};

fn manufacturing() -> Scenario {
    let b = builtin::find("manufacturing").expect("built in");
    Scenario::from_toml(b.name, b.text).expect("valid")
}

/// `count` down-sets with each node down with probability `p`.
fn masks(n: usize, p: f64, count: u64) -> Vec<Vec<bool>> {
    (0..count)
        .map(|k| {
            let mut s = Stream::new(5, k);
            (0..n).map(|_| s.unit_open0() < p).collect()
        })
        .collect()
}

fn pooled(t: &Topology) -> Topology {
    let mut t = t.clone();
    t.nodes.iter_mut().for_each(|n| n.needs.clear());
    t
}

fn program(c: &mut Criterion) {
    let s = manufacturing();
    for k in [1, 2] {
        let topo = &s.topologies[k];
        let a = Assembly::new(topo).expect("assemblers");
        let ms = masks(topo.nodes.len(), 0.08, 256);
        let mut scratch = AssemblyScratch::default();
        let mut i = 0;
        c.bench_function(&format!("assembly program {}", topo.id), |b| {
            b.iter(|| {
                i = (i + 1) % ms.len();
                black_box(a.throughput(&ms[i], &mut scratch))
            })
        });
        let net = FlowNetwork::new(&pooled(topo));
        let mut solver = FlowSolver::default();
        c.bench_function(&format!("max flow {} as pools", topo.id), |b| {
            b.iter(|| {
                i = (i + 1) % ms.len();
                black_box(net.max_flow(&ms[i], &mut solver))
            })
        });
    }
}

fn trials(c: &mut Criterion) {
    let prep = Prepared::new(manufacturing()).expect("scenario compiles");
    let mut ws = Workspace::new(&prep);
    let mut out = Vec::new();
    let mut trial = 0u64;
    c.bench_function("manufacturing trial (3 topologies)", |b| {
        b.iter(|| {
            trial += 1;
            run_trial(&prep, 7, trial, &mut ws, &mut out);
            black_box(&out);
        })
    });
}

fn layered_step(c: &mut Criterion) {
    let text = generate_with(Model::Layered, 200, 1, true);
    let s = Scenario::from_toml("generated", &text).expect("valid");
    let topo = &s.topologies[1];
    let a = Assembly::new(topo).expect("assemblers");
    let ms = masks(topo.nodes.len(), 0.02, 64);
    let mut scratch = AssemblyScratch::default();
    let mut i = 0;
    let mut g = c.benchmark_group("layered assembly");
    g.sample_size(20);
    g.bench_function("200 nodes, one step", |b| {
        b.iter(|| {
            i = (i + 1) % ms.len();
            black_box(a.throughput(&ms[i], &mut scratch))
        })
    });
    g.finish();
}

criterion_group!(benches, program, trials, layered_step);
criterion_main!(benches);
