//! Attack-tolerance sweep against known results: percolation on
//! Erdős–Rényi and Barabási–Albert graphs, monotone throughput, the
//! union-find curve against BFS, and byte-identical output per seed.

use std::collections::HashSet;
use std::fmt::Write as _;

use assert_cmd::Command;
use chainmesh::network::centrality::{betweenness, degree, ranking};
use chainmesh::network::{FlowNetwork, FlowSolver};
use chainmesh::scenario::Scenario;
use chainmesh::sim::rng::Stream;
use chainmesh::sweep::component::{largest_component_bfs, largest_component_sizes};
use chainmesh::sweep::order::random_order;
use chainmesh::sweep::{Attack, AttackCurve, SweepGraph, SweepOptions, sweep_scenario};

const FIXTURE: &str = "tests/fixtures/series.toml";

/// G(n, M) with M = n·k/2 distinct edges, drawn from a seeded stream.
fn erdos_renyi(n: usize, mean_degree: f64, seed: u64) -> Vec<(usize, usize)> {
    let mut s = Stream::new(seed, 0);
    let m = (n as f64 * mean_degree / 2.0).round() as usize;
    let mut seen = HashSet::with_capacity(m);
    let mut edges = Vec::with_capacity(m);
    while edges.len() < m {
        let (a, b) = (s.below(n as u64) as usize, s.below(n as u64) as usize);
        if a != b && seen.insert((a.min(b), a.max(b))) {
            edges.push((a, b));
        }
    }
    edges
}

/// Barabási–Albert: a triangle, then each new node links to `m` distinct
/// nodes picked proportionally to degree.
fn barabasi_albert(n: usize, m: usize, seed: u64) -> Vec<(usize, usize)> {
    let mut s = Stream::new(seed, 0);
    let mut edges = vec![(0, 1), (1, 2), (0, 2)];
    let mut ends = vec![0, 1, 1, 2, 0, 2];
    for v in 3..n {
        let mut targets: Vec<usize> = Vec::with_capacity(m);
        while targets.len() < m {
            let u = ends[s.below(ends.len() as u64) as usize];
            if !targets.contains(&u) {
                targets.push(u);
            }
        }
        for u in targets {
            edges.push((v, u));
            ends.extend([v, u]);
        }
    }
    edges
}

fn adjacency(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut adj = vec![Vec::new(); n];
    for &(a, b) in edges {
        adj[a].push(b);
        adj[b].push(a);
    }
    for a in &mut adj {
        a.sort_unstable();
        a.dedup();
    }
    adj
}

fn options(attacks: &[Attack], points: usize, trials: u64, seed: u64) -> SweepOptions {
    SweepOptions {
        attacks: attacks.to_vec(),
        points,
        trials,
        seed,
        adaptive: false,
    }
}

/// Mean giant fraction at the point with f closest to `f`.
fn giant_at(c: &AttackCurve, f: f64) -> f64 {
    let i = c
        .fractions
        .iter()
        .enumerate()
        .min_by(|a, b| (a.1 - f).abs().total_cmp(&(b.1 - f).abs()))
        .map(|(i, _)| i)
        .expect("points");
    assert!((c.fractions[i] - f).abs() < 1e-9, "no point at f = {f}");
    c.giant[i].mean
}

#[test]
fn erdos_renyi_giant_component_vanishes_near_one_minus_one_over_k() {
    // ⟨k⟩ = 4 ⇒ f_c = 1 − 1/⟨k⟩ = 0.75. With p = 1 − f nodes kept the giant's share
    // of all n nodes is p·S where S = 1 − exp(−4pS): 0.40 at f = 0.5, 0.26 at f = 0.6,
    // and 0 above f_c, where the largest cluster is O(log n) (tens of nodes of 2000).
    let n = 2000;
    let g = SweepGraph::undirected(adjacency(n, &erdos_renyi(n, 4.0, 11)));
    let c = g.sweep(Attack::Random, &options(&[Attack::Random], 21, 20, 3), 0.9);
    assert!(c.phi.is_empty(), "no flow network, no φ");
    assert!(
        (giant_at(&c, 0.0) - 0.98).abs() < 0.02,
        "{}",
        giant_at(&c, 0.0)
    );
    let (g50, g60) = (giant_at(&c, 0.5), giant_at(&c, 0.6));
    assert!((g50 - 0.40).abs() < 0.04, "f = 0.5: {g50}");
    assert!((g60 - 0.26).abs() < 0.05, "f = 0.6: {g60}");
    let (g85, g90) = (giant_at(&c, 0.85), giant_at(&c, 0.9));
    assert!(g85 < 0.05, "f = 0.85: {g85}");
    assert!(g90 < 0.03, "f = 0.9: {g90}");
    // Between them the giant first drops under 5% of nodes close to f_c = 0.75.
    let below = c
        .fractions
        .iter()
        .zip(&c.giant)
        .find(|(_, b)| b.mean < 0.05)
        .map(|(f, _)| *f)
        .expect("giant vanishes");
    assert!(
        (0.7..=0.85).contains(&below),
        "giant < 5% first at f = {below}"
    );
}

#[test]
fn barabasi_albert_degree_attack_collapses_far_earlier_than_random() {
    let n = 2000;
    let g = SweepGraph::undirected(adjacency(n, &barabasi_albert(n, 2, 5)));
    let opts = options(&[Attack::Random, Attack::Degree], 41, 20, 8);
    let random = g.sweep(Attack::Random, &opts, 0.9);
    let targeted = g.sweep(Attack::Degree, &opts, 0.9);
    // At f = 0.2 removing the hubs shatters the graph while random failures barely dent it.
    let (r, t) = (giant_at(&random, 0.2), giant_at(&targeted, 0.2));
    assert!(r > 0.5, "random at f = 0.2: {r}");
    assert!(t < 0.1, "degree attack at f = 0.2: {t}");
    // The first f where the giant is under 10% of nodes: far smaller for the attack.
    let first_below = |c: &AttackCurve| {
        c.fractions
            .iter()
            .zip(&c.giant)
            .find(|(_, b)| b.mean < 0.1)
            .map(|(f, _)| *f)
            .expect("collapses")
    };
    let (fr, ft) = (first_below(&random), first_below(&targeted));
    assert!(ft <= 0.2 && fr >= 0.6, "targeted {ft} vs random {fr}");
    // Re-ranking after each removal is at least as destructive.
    let adaptive = g.sweep(
        Attack::Degree,
        &SweepOptions {
            adaptive: true,
            ..opts
        },
        0.9,
    );
    assert!(first_below(&adaptive) <= ft);
}

/// A connected, integer-capacity scenario: an ER graph plus a backbone path,
/// two-way links, random sources and sinks, and a chain of the same size.
fn flow_scenario(n: usize, seed: u64) -> Scenario {
    let mut s = Stream::new(seed, 1);
    let mut text = String::from(
        "[scenario]\nname = \"sweep test\"\nsector = \"other\"\nseed = 4\nservice_level = 0.8\n",
    );
    let _ = write!(text, "[[topology]]\nid = \"chain\"\n");
    for i in 0..n {
        let role = if i == 0 {
            "source"
        } else if i + 1 == n {
            "sink"
        } else {
            "relay"
        };
        let _ = write!(
            text,
            "[[topology.node]]\nid = \"c{i}\"\nrole = \"{role}\"\ncapacity = 50\n"
        );
    }
    for i in 1..n {
        let _ = write!(
            text,
            "[[topology.link]]\nfrom = \"c{}\"\nto = \"c{i}\"\n",
            i - 1
        );
    }
    let _ = write!(text, "[[topology]]\nid = \"network\"\n");
    for i in 0..n {
        let role = match s.below(10) {
            0 => "source",
            1 => "sink",
            _ => "relay",
        };
        let role = match i {
            0 => "source",
            1 => "sink",
            _ => role,
        };
        let cap = 1 + s.below(20);
        let _ = write!(
            text,
            "[[topology.node]]\nid = \"n{i}\"\nrole = \"{role}\"\ncapacity = {cap}\n"
        );
    }
    let mut edges = erdos_renyi(n, 3.0, seed);
    edges.extend((1..n).map(|i| (i - 1, i)));
    for (a, b) in edges {
        let _ = write!(
            text,
            "[[topology.link]]\nfrom = \"n{a}\"\nto = \"n{b}\"\nboth_ways = true\n"
        );
    }
    Scenario::from_toml("sweep-test.toml", &text).expect("valid scenario")
}

/// The curve of one topology's attack with a point at every k (points > n).
fn g_every(scenario: &Scenario, id: &str, attack: Attack, opts: &SweepOptions) -> AttackCurve {
    let t = &scenario.topologies[scenario.topology_index(id).expect("topology")];
    let g = SweepGraph::from_topology(t);
    let every = SweepOptions {
        points: t.nodes.len() + 1,
        ..opts.clone()
    };
    let c = g.sweep(attack, &every, scenario.service_level);
    assert_eq!(c.removed, (0..=t.nodes.len()).collect::<Vec<_>>());
    c
}

#[test]
fn throughput_curves_start_at_one_end_at_zero_and_never_rise() {
    let scenario = flow_scenario(80, 21);
    let mut opts = options(&Attack::ALL, 41, 25, 4);
    for adaptive in [false, true] {
        opts.adaptive = adaptive;
        let report = sweep_scenario(&scenario, &opts);
        assert_eq!(report.topologies.len(), 2);
        for t in &report.topologies {
            assert_eq!(t.curves.len(), 3);
            for c in &t.curves {
                let what = format!("{} {} adaptive={adaptive}", t.id, c.attack);
                assert_eq!(c.phi.len(), 41, "{what}");
                assert_eq!(c.phi[0].mean, 1.0, "{what}");
                assert_eq!(c.phi[40].mean, 0.0, "{what}");
                assert_eq!(c.giant[0].mean, 1.0, "{what}: connected");
                assert_eq!(c.giant[40].mean, 0.0, "{what}");
                assert_eq!(c.removed[40], 80);
                // Removing more never raises throughput (nested removals), for
                // every targeted order and for the mean over random orders.
                for w in c.phi.windows(2) {
                    assert!(w[1].mean <= w[0].mean, "{what}: {:?}", c.phi);
                }
                if c.attack.is_targeted() {
                    assert_eq!(c.trials, 1);
                    assert!(c.phi.iter().all(|b| b.ci95 == 0.0));
                } else {
                    assert_eq!(c.trials, 25);
                    // The chain's φ is 1 then 0 whatever the order; the network's varies.
                    let varies = c.phi.iter().any(|b| b.ci95 > 0.0);
                    assert_eq!(varies, t.id == "network", "{what}");
                }
                // The critical count is exact: the first k of 0..=80 whose
                // mean φ (from a sweep at every k) is under the service level,
                // bracketed by the curve's own points.
                let every = g_every(&scenario, &t.id, c.attack, &opts);
                let first = every.phi.iter().position(|b| b.mean < 0.8);
                assert!(first.is_some(), "{what}");
                assert_eq!(c.critical_removed, first, "{what}");
                assert_eq!(
                    c.critical_fraction,
                    first.map(|k| k as f64 / 80.0),
                    "{what}"
                );
                let grid_first = c.phi.iter().position(|b| b.mean < 0.8).expect("grid");
                let k = first.expect("k");
                assert!(k <= c.removed[grid_first], "{what}");
                assert!(grid_first == 0 || k > c.removed[grid_first - 1], "{what}");
                // R = (1/n) Σ_{k=1..n} φ(k) over that every-k curve.
                let r: f64 = every.phi[1..].iter().map(|b| b.mean).sum::<f64>() / 80.0;
                assert!(c.robustness_exact, "{what}");
                assert!((c.robustness.expect("R") - r).abs() < 1e-12, "{what}");
            }
        }
        // The chain is broken by the first removal of any kind: k_c = 1 of 80, R = 0.
        for c in &report.topologies[0].curves {
            assert_eq!(c.critical_removed, Some(1), "chain {}", c.attack);
            assert_eq!(c.critical_fraction, Some(1.0 / 80.0), "chain {}", c.attack);
            assert_eq!(c.robustness, Some(0.0), "chain {}", c.attack);
        }
    }
}

#[test]
fn static_targeted_orders_match_the_shock_rankings() {
    let scenario = flow_scenario(40, 3);
    for t in &scenario.topologies {
        let g = SweepGraph::from_topology(t);
        assert_eq!(g.order(Attack::Degree, false, 0, 0), ranking(t, &degree(t)));
        assert_eq!(
            g.order(Attack::Betweenness, false, 0, 0),
            ranking(t, &betweenness(t))
        );
    }
}

#[test]
fn union_find_curve_equals_bfs_recomputation() {
    for seed in 0..60u64 {
        let mut s = Stream::new(seed, 9);
        let n = 1 + s.below(40) as usize;
        let m = s.below((2 * n) as u64 + 1) as usize;
        let edges: Vec<(usize, usize)> = (0..m)
            .map(|_| (s.below(n as u64) as usize, s.below(n as u64) as usize))
            .filter(|(a, b)| a != b)
            .collect();
        let adj = adjacency(n, &edges);
        let order = random_order(n, seed, 2);
        let sizes = largest_component_sizes(&adj, &order);
        assert_eq!(sizes.len(), n + 1);
        let mut alive = vec![true; n];
        for k in 0..=n {
            assert_eq!(
                sizes[k],
                largest_component_bfs(&adj, &alive),
                "seed {seed} k {k}"
            );
            if k < n {
                alive[order[k]] = false;
            }
        }
    }
}

/// The throughput curve restores nodes incrementally (most removed first);
/// every point must equal a fresh max-flow solve of that removal count.
#[test]
fn incremental_throughput_curve_equals_fresh_solves() {
    for seed in [2u64, 5, 9] {
        let scenario = flow_scenario(70, seed);
        for topo in &scenario.topologies {
            let g = SweepGraph::from_topology(topo);
            let net = FlowNetwork::new(topo);
            assert!(net.is_exact());
            for trial in 0..4 {
                let order = g.order(Attack::Random, false, seed, trial);
                // Uneven, repeated counts, including 0 and n.
                let removed: Vec<usize> = vec![0, 0, 1, 3, 3, 7, 12, 20, 33, 50, 69, 70];
                let (phi, _) = g.measure(&order, &removed, &mut FlowSolver::default());
                for (&k, &got) in removed.iter().zip(&phi) {
                    let mut down = vec![false; order.len()];
                    for &v in &order[..k] {
                        down[v] = true;
                    }
                    let fresh = net.max_flow(&down, &mut FlowSolver::default()) / net.baseline();
                    assert_eq!(got, fresh, "{} seed {seed} trial {trial} k {k}", topo.id);
                }
            }
        }
    }
}

#[test]
fn thread_count_does_not_change_the_random_curve() {
    let scenario = flow_scenario(60, 8);
    let opts = options(&[Attack::Random], 21, 40, 6);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(|| sweep_scenario(&scenario, &opts))
    };
    let one = run(1);
    assert_eq!(one, run(3));
}

fn chainmesh() -> Command {
    Command::cargo_bin("chainmesh").expect("binary built")
}

fn stdout(args: &[&str]) -> String {
    let out = chainmesh().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn same_seed_gives_identical_bytes_in_every_format() {
    for format in ["json", "csv", "table", "markdown"] {
        let args = [
            "sweep", FIXTURE, "--trials", "30", "--seed", "5", "--format", format,
        ];
        let a = stdout(&args);
        assert_eq!(a, stdout(&args), "{format}");
        assert!(
            a.contains("chainmesh sweep tests/fixtures/series.toml"),
            "{format}: {a}"
        );
    }
    let csv = |seed: &str| {
        stdout(&[
            "sweep", FIXTURE, "--attack", "random", "--trials", "30", "--seed", seed, "--format",
            "csv",
        ])
    };
    assert_ne!(csv("1"), csv("2"));
}

#[test]
fn csv_is_tidy_and_json_has_the_curves() {
    let csv = stdout(&[
        "sweep",
        FIXTURE,
        "--attack",
        "degree,random",
        "--attack",
        "degree",
        "--points",
        "5",
        "--format",
        "csv",
    ]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "scenario,topology,nodes,attack,removed,f,phi_mean,phi_ci95,giant_mean,giant_ci95,critical_removed,critical_fraction,robustness,command"
        )
    );
    // No --trials: the default shared with the handout and the TUI (100),
    // not the fixture's Monte Carlo `trials = 200`.
    let command = "chainmesh sweep tests/fixtures/series.toml --attack degree,random --points 5 --trials 100 --seed 7";
    // The command has commas, so it is quoted; strip it before splitting.
    let quoted = format!(",\"{command}\"");
    let rows: Vec<Vec<&str>> = lines
        .map(|l| {
            let cells = l.strip_suffix(&quoted).expect("command column");
            let mut cells: Vec<&str> = cells.split(',').collect();
            cells.push(command);
            cells
        })
        .collect();
    // In removal counts: the 3-node chain has k = 0..3 (4 points, not 5 with
    // a repeated count), the 4-node mesh k = 0..4; two attacks each.
    assert_eq!(rows.len(), 2 * 4 + 2 * 5);
    assert!(rows.iter().all(|r| r.len() == 14 && r[13] == command));
    assert_eq!(rows[0][3], "degree");
    assert_eq!(rows[4][3], "random");
    let ks: Vec<&str> = rows[..4].iter().map(|r| r[4]).collect();
    assert_eq!(ks, ["0", "1", "2", "3"]);
    let fs: Vec<f64> = rows[..4].iter().map(|r| r[5].parse().expect("f")).collect();
    assert_eq!(fs, [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]);
    let ks: Vec<&str> = rows[8..13].iter().map(|r| r[4]).collect();
    assert_eq!(ks, ["0", "1", "2", "3", "4"]);
    // Any removal breaks the chain: k_c = 1 of n = 3, R = 0.
    assert_eq!((rows[0][10], rows[0][12]), ("1", "0"));

    let v: serde_json::Value = serde_json::from_str(&stdout(&[
        "sweep", FIXTURE, "--points", "11", "--format", "json",
    ]))
    .expect("json");
    for key in [
        "version",
        "scenario",
        "service_level",
        "seed",
        "trials",
        "points",
        "adaptive",
        "topologies",
        "command",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let topo = &v["topologies"][0];
    let attacks = topo["attacks"].as_array().expect("attacks");
    let names: Vec<&str> = attacks
        .iter()
        .map(|a| a["attack"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["random", "degree", "betweenness"]);
    for a in attacks {
        // n + 1 = 4 counts for the 3-node chain, never 11 with repeats.
        assert_eq!(a["points"].as_array().map(Vec::len), Some(4));
        assert_eq!(a["critical_removed"], 1);
        assert!(a["critical_fraction"].is_number());
        assert_eq!(a["robustness"], 0.0);
    }
    assert_eq!(topo["nodes"], 3);
}

#[test]
fn bad_arguments_exit_2() {
    chainmesh()
        .args(["sweep", FIXTURE, "--attack", "nuclear"])
        .assert()
        .code(2);
    chainmesh()
        .args(["sweep", FIXTURE, "--points", "1"])
        .assert()
        .code(2);
    chainmesh()
        .args(["sweep", "no-such-scenario"])
        .assert()
        .code(2);
}
