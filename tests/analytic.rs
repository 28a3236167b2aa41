//! The engine checked against mathematics, not against itself.

mod common;

use chainmesh::network::FlowNetwork;
use chainmesh::sim::{Prepared, run_trials};
use chainmesh::stats::summarize;
use common::{scenario, topology};

/// Max flow of the textbook network from CLRS (Cormen et al., fig. 26.1): 23.
#[test]
fn clrs_network_max_flow_is_23() {
    let big = 1000.0;
    let nodes = [
        ("s", "source", big, 0.0),
        ("v1", "relay", big, 0.0),
        ("v2", "relay", big, 0.0),
        ("v3", "relay", big, 0.0),
        ("v4", "relay", big, 0.0),
        ("t", "sink", big, 0.0),
    ];
    let links = [
        ("s", "v1", Some(16.0)),
        ("s", "v2", Some(13.0)),
        ("v2", "v1", Some(4.0)),
        ("v1", "v3", Some(12.0)),
        ("v3", "v2", Some(9.0)),
        ("v2", "v4", Some(14.0)),
        ("v4", "v3", Some(7.0)),
        ("v3", "t", Some(20.0)),
        ("v4", "t", Some(4.0)),
    ];
    let s = scenario("", &[topology("clrs", &nodes, &links)]);
    let net = FlowNetwork::new(&s.topologies[0]);
    assert_eq!(net.baseline(), 23.0);
    // Min cut {s, v1, v2, v4} | {v3, t}: 12 + 7 + 4 = 23. Removing v4 cuts
    // 7 + 4 and leaves s→v1→v3→t (12) plus s→v2→v1 (4, already saturating v1→v3): 12.
    let mut down = vec![false; 6];
    down[4] = true;
    assert_eq!(net.max_flow(&down, &mut Default::default()), 12.0);
}

/// Node capacities bind: a chain's throughput is its smallest capacity.
#[test]
fn chain_throughput_is_its_bottleneck() {
    let nodes = [
        ("a", "source", 50.0, 0.0),
        ("b", "relay", 30.0, 0.0),
        ("c", "relay", 80.0, 0.0),
        ("d", "sink", 40.0, 0.0),
    ];
    let links = [("a", "b", None), ("b", "c", Some(35.0)), ("c", "d", None)];
    let s = scenario("", &[topology("chain", &nodes, &links)]);
    assert_eq!(FlowNetwork::new(&s.topologies[0]).baseline(), 30.0);
}

/// Long-run availability of one node with failure rate p and fixed repair r:
/// it is up for K ~ Geometric₀(p) steps (mean (1-p)/p), then down r steps.
fn availability(p: f64, r: f64) -> f64 {
    let up = (1.0 - p) / p;
    up / (up + r)
}

/// A series chain over a long horizon serves ∏ A_i of the time.
#[test]
fn series_chain_service_matches_product_of_availabilities() {
    let ps = [0.01, 0.02, 0.03];
    let nodes = [
        ("a", "source", 10.0, ps[0]),
        ("b", "relay", 10.0, ps[1]),
        ("c", "sink", 10.0, ps[2]),
    ];
    let links = [("a", "b", None), ("b", "c", None)];
    let s = scenario(
        "steps = 20000\nseed = 11\n[defaults]\nrepair = { dist = \"fixed\", steps = 6 }",
        &[topology("chain", &nodes, &links)],
    );
    let prep = Prepared::new(s).expect("scenario compiles");
    let table = run_trials(&prep, 11, 0..64);
    let m = &summarize(&table, &prep.baselines()).metrics[0].service;
    let expect: f64 = ps.iter().map(|&p| availability(p, 6.0)).product();
    // Start-up transient (all nodes up at t = 0) biases upward by < 1e-3 here.
    assert!(
        (m.mean - expect).abs() < 4.0 * m.ci95 / 1.96 + 1e-3,
        "service {} ± {} vs analytic {expect}",
        m.mean,
        m.ci95
    );
}

/// Geometric repair: A = E[K] / (E[K] + mean).
#[test]
fn geometric_repair_availability() {
    let p = 0.02;
    let nodes = [("a", "source", 10.0, p), ("b", "sink", 10.0, 0.0)];
    let s = scenario(
        "steps = 20000\n[defaults]\nrepair = { dist = \"geometric\", mean = 8 }",
        &[topology("one", &nodes, &[("a", "b", None)])],
    );
    let prep = Prepared::new(s).expect("scenario compiles");
    let table = run_trials(&prep, 3, 0..64);
    let m = &summarize(&table, &prep.baselines()).metrics[0].service;
    let up = (1.0 - p) / p;
    let expect = up / (up + 8.0);
    assert!(
        (m.mean - expect).abs() < 4.0 * m.ci95 / 1.96 + 1e-3,
        "{} vs {expect}",
        m.mean
    );
}

/// Two redundant relays, each able to carry the whole demand: the system is
/// down only when both are, so service = 1 − (1 − A)². With half capacity
/// each, service = E[#up]/2 = A exactly.
#[test]
fn parallel_redundancy() {
    let p = 0.05;
    let r = 5.0;
    let a = availability(p, r);
    for (cap, expect) in [(10.0, 1.0 - (1.0 - a) * (1.0 - a)), (5.0, a)] {
        let nodes = [
            ("src", "source", 10.0, 0.0),
            ("x", "relay", cap, p),
            ("y", "relay", cap, p),
            ("dst", "sink", 10.0, 0.0),
        ];
        let links = [
            ("src", "x", None),
            ("src", "y", None),
            ("x", "dst", None),
            ("y", "dst", None),
        ];
        let s = scenario(
            "steps = 20000\n[defaults]\nrepair = { dist = \"fixed\", steps = 5 }",
            &[topology("pair", &nodes, &links)],
        );
        let prep = Prepared::new(s).expect("scenario compiles");
        let table = run_trials(&prep, 5, 0..64);
        let m = &summarize(&table, &prep.baselines()).metrics[0].service;
        assert!(
            (m.mean - expect).abs() < 4.0 * m.ci95 / 1.96 + 1e-3,
            "cap {cap}: {} ± {} vs {expect}",
            m.mean,
            m.ci95
        );
    }
}

/// The event-driven sampler has the per-step law. With a 1-step repair a
/// node that fails at step t is down at t only and may fail again at t + 1,
/// so under the per-step definition every step is an independent
/// Bernoulli(p) and the number of down steps in n steps is Binomial(n, p).
/// The geometric waiting-time sampler must reproduce that law (chi-square).
#[test]
fn failures_per_step_follow_the_bernoulli_law() {
    let p = 0.1;
    let n = 50u32;
    let nodes = [("a", "source", 10.0, p), ("b", "sink", 10.0, 0.0)];
    let s = scenario(
        &format!("steps = {n}\n[defaults]\nrepair = {{ dist = \"fixed\", steps = 1 }}"),
        &[topology("one", &nodes, &[("a", "b", None)])],
    );
    let trials = 20_000u64;
    let table = run_trials(&Prepared::new(s).expect("scenario compiles"), 99, 0..trials);
    // below = fraction of steps below 0.9 = down steps / n.
    let mut counts = vec![0u64; n as usize + 1];
    for m in table.column(0) {
        counts[(m.below * f64::from(n)).round() as usize] += 1;
    }
    // Chi-square against Binomial(n, p), pooling tails with expected < 5.
    let binom = |k: u32| -> f64 {
        let mut c = 1.0f64;
        for i in 0..k {
            c *= f64::from(n - i) / f64::from(i + 1);
        }
        c * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32)
    };
    let (mut chi2, mut dof) = (0.0, 0);
    let (mut obs_pool, mut exp_pool) = (0.0, 0.0);
    for k in 0..=n {
        let e = binom(k) * trials as f64;
        let o = counts[k as usize] as f64;
        if e < 5.0 {
            obs_pool += o;
            exp_pool += e;
            continue;
        }
        chi2 += (o - e) * (o - e) / e;
        dof += 1;
    }
    if exp_pool > 0.0 {
        chi2 += (obs_pool - exp_pool) * (obs_pool - exp_pool) / exp_pool;
        dof += 1;
    }
    dof -= 1;
    // 99.9% quantile of chi-square with ~15 dof is ≈ 37.7; allow a margin for dof.
    let limit = dof as f64 + 4.0 * (2.0 * dof as f64).sqrt() + 10.0;
    assert!(
        chi2 < limit,
        "chi2 {chi2:.1} with {dof} dof (limit {limit:.1}); counts {counts:?}"
    );
}
