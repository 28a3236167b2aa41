//! Regional hazards (issue 24) checked against mathematics and against the
//! promises of the model: common strike steps, thread-count independence,
//! and files without hazards untouched.

use chainmesh::scenario::Scenario;
use chainmesh::sim::{FlowCache, Prepared, TopologyRun, run_trials};
use chainmesh::stats::summarize;

fn parse(text: &str) -> Scenario {
    Scenario::from_toml("hazard.toml", text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// A source, `regions.len()` parallel relays (relay `i` in region
/// `regions[i]`, each able to carry the whole demand alone) and a sink;
/// nothing fails by chance. `hazards` is appended as written.
fn parallel(steps: u32, trials: u64, regions: &[&str], hazards: &str) -> String {
    let mut t = format!(
        "[scenario]\nname = \"parallel\"\nsector = \"other\"\nsteps = {steps}\ntrials = {trials}\nseed = 11\n\
[defaults]\ncapacity = 10.0\nfailure_rate = 0.0\n{hazards}\n\
[[topology]]\nid = \"p\"\n[[topology.node]]\nid = \"s\"\nrole = \"source\"\n\
[[topology.node]]\nid = \"t\"\nrole = \"sink\"\n"
    );
    for (i, r) in regions.iter().enumerate() {
        t += &format!("[[topology.node]]\nid = \"r{i}\"\nregion = \"{r}\"\n");
        t += &format!("[[topology.link]]\nfrom = \"s\"\nto = \"r{i}\"\n");
        t += &format!("[[topology.link]]\nfrom = \"r{i}\"\nto = \"t\"\n");
    }
    t
}

/// P(a region is down at step t) for strikes with probability `r` per step,
/// hit 1 and a fixed outage of `d` steps: some strike in the last
/// min(t + 1, d) steps.
fn p_down(r: f64, d: u32, t: u32) -> f64 {
    1.0 - (1.0 - r).powi((t + 1).min(d) as i32)
}

/// Mean over the steps of `f(t)`.
fn mean_over_steps(steps: u32, f: impl Fn(u32) -> f64) -> f64 {
    (0..steps).map(f).sum::<f64>() / f64::from(steps)
}

/// Mean service of the only topology, and its 95% CI half-width.
fn service(text: &str) -> (f64, f64) {
    let s = parse(text);
    let trials = s.trials;
    let prep = Prepared::new(s).expect("prepared");
    let table = run_trials(&prep, prep.scenario.seed, 0..trials);
    let m = &summarize(&table, &prep.baselines()).metrics[0];
    (m.service.mean, m.service.ci95)
}

/// The analytic test of the issue: one region of k = 3 nodes in parallel,
/// strike rate r, hit 1, fixed duration D, nothing else failing. Service is
/// 0 exactly while the region is down, so the mean service is
/// 1 − (1/T) Σ_t [1 − (1 − r)^min(t+1, D)].
#[test]
fn one_region_in_parallel_follows_the_strike_process() {
    let (r, d, steps) = (0.02, 5, 200);
    let hazard = format!(
        "[[hazard]]\nlabel = \"storm\"\nregion = \"south\"\nrate = {r}\nhit = 1.0\nduration = {d}\n"
    );
    let (mean, ci) = service(&parallel(
        steps,
        4000,
        &["south", "south", "south"],
        &hazard,
    ));
    let expect = 1.0 - mean_over_steps(steps, |t| p_down(r, d, t));
    eprintln!("one region, k = 3: service {mean:.5} ± {ci:.5}, formula {expect:.5}");
    assert!(
        (mean - expect).abs() <= 2.0 * ci,
        "mean service {mean} ± {ci} vs formula {expect}"
    );
}

/// With hit = 1, two suppliers in the same region are one supplier (false
/// redundancy); in two regions with independent hazards of the same rate
/// they are the parallel formula: down only when both regions are.
#[test]
fn same_region_suppliers_are_one_supplier_and_different_regions_are_parallel() {
    let (r, d, steps, trials) = (0.03, 4, 150, 4000);
    let one = |region: &str| {
        format!("[[hazard]]\nregion = \"{region}\"\nrate = {r}\nhit = 1.0\nduration = {d}\n")
    };
    let single = 1.0 - mean_over_steps(steps, |t| p_down(r, d, t));
    let both = 1.0 - mean_over_steps(steps, |t| p_down(r, d, t).powi(2));

    let (same, same_ci) = service(&parallel(steps, trials, &["south", "south"], &one("south")));
    let hazards = format!("{}{}", one("south"), one("north"));
    let (apart, apart_ci) = service(&parallel(steps, trials, &["south", "north"], &hazards));
    eprintln!(
        "same region: {same:.5} ± {same_ci:.5} vs one supplier {single:.5}; \
         two regions: {apart:.5} ± {apart_ci:.5} vs parallel {both:.5}"
    );
    assert!((same - single).abs() <= 2.0 * same_ci, "{same} vs {single}");
    assert!(
        (apart - both).abs() <= 2.0 * apart_ci.max(1e-4),
        "{apart} vs {both}"
    );
    assert!(apart > same + 4.0 * same_ci, "different regions are better");
}

/// A scenario of two topologies of different sizes, random failures on,
/// one hazard striking a region both have, one striking a region only the
/// second has.
fn two_topologies(hazards: &str, steps: u32) -> String {
    format!(
        "[scenario]\nname = \"two\"\nsector = \"other\"\nsteps = {steps}\ntrials = 300\nseed = 5\n\
[defaults]\ncapacity = 10.0\nfailure_rate = 0.03\nrepair = {{ dist = \"geometric\", mean = 4 }}\n{hazards}\n\
[[topology]]\nid = \"chain\"\n\
[[topology.node]]\nid = \"a\"\nrole = \"source\"\nregion = \"south\"\n\
[[topology.node]]\nid = \"b\"\n\
[[topology.node]]\nid = \"c\"\nrole = \"sink\"\n\
[[topology.link]]\nfrom = \"a\"\nto = \"b\"\n\
[[topology.link]]\nfrom = \"b\"\nto = \"c\"\n\
[[topology]]\nid = \"net\"\n\
[[topology.node]]\nid = \"a1\"\nrole = \"source\"\nregion = \"south\"\n\
[[topology.node]]\nid = \"a2\"\nrole = \"source\"\nregion = \"north\"\n\
[[topology.node]]\nid = \"b1\"\nregion = \"north\"\n\
[[topology.node]]\nid = \"b2\"\n\
[[topology.node]]\nid = \"c\"\nrole = \"sink\"\n\
[[topology.link]]\nfrom = \"a1\"\nto = \"b1\"\n\
[[topology.link]]\nfrom = \"a2\"\nto = \"b2\"\n\
[[topology.link]]\nfrom = \"a1\"\nto = \"b2\"\n\
[[topology.link]]\nfrom = \"b1\"\nto = \"c\"\n\
[[topology.link]]\nfrom = \"b2\"\nto = \"c\"\n"
    )
}

const HAZARDS: &str = "[[hazard]]\nlabel = \"Typhoon\"\nregion = \"south\"\nrate = 0.05\nhit = 0.7\n\
duration = { dist = \"uniform\", min = 2, max = 6 }\n\
[[hazard]]\nlabel = \"Quake\"\nregions = [\"north\"]\nrate = 0.02\nstart = 10\nend = 80\n";

/// The same typhoon hits every topology in the same step: the strike steps
/// of a trial do not depend on the topology (its size, its random failures).
#[test]
fn every_topology_of_a_trial_sees_the_same_strike_steps() {
    let prep = Prepared::new(parse(&two_topologies(HAZARDS, 120))).expect("prepared");
    let mut seen_strikes = 0;
    for trial in 0..50 {
        let mut runs: Vec<TopologyRun> = (0..2)
            .map(|k| TopologyRun::new(&prep, k, 5, trial))
            .collect();
        assert_eq!(runs[0].strikes(), runs[1].strikes(), "trial {trial}");
        seen_strikes += runs[0].strikes().len();
        // The quake strikes only inside its window [10, 80).
        assert!(
            runs[0]
                .strikes()
                .iter()
                .filter(|s| s.1 == 1)
                .all(|s| (10..80).contains(&s.0))
        );
        // Step by step, both topologies report the same hazards striking.
        let mut caches = [FlowCache::default(), FlowCache::default()];
        while !runs[0].finished() {
            runs[0].step(&prep, &mut caches[0]);
            runs[1].step(&prep, &mut caches[1]);
            let a: Vec<usize> = runs[0].struck().collect();
            let b: Vec<usize> = runs[1].struck().collect();
            assert_eq!(a, b, "trial {trial}");
        }
    }
    // About 50 × (0.05 × 120 + 0.02 × 70) = 370 strikes.
    assert!((250..500).contains(&seen_strikes), "{seen_strikes}");
}

/// Results are the same bytes at any thread count, hazards included.
#[test]
fn hazards_are_thread_count_independent() {
    let prep = Prepared::new(parse(&two_topologies(HAZARDS, 120))).expect("prepared");
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(|| run_trials(&prep, 5, 0..300))
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one, two);
    assert!(one.values.iter().all(|m| m.hazard_hits.is_some()));
    assert!(
        one.values
            .iter()
            .any(|m| m.hazard_hits.unwrap_or(0.0) > 0.0)
    );
}

/// Hazards draw from streams of their own: a hazard that never strikes
/// (rate 0) changes no metric, and a hazard whose region a topology lacks
/// leaves that topology's metrics as they were without it.
#[test]
fn hazards_do_not_disturb_the_other_streams() {
    let plain = Prepared::new(parse(&two_topologies("", 120))).expect("prepared");
    let base = run_trials(&plain, 5, 0..200);
    assert!(base.values.iter().all(|m| m.hazard_hits.is_none()));

    let never = "[[hazard]]\nregion = \"south\"\nrate = 0.0\n";
    let prep = Prepared::new(parse(&two_topologies(never, 120))).expect("prepared");
    let with = run_trials(&prep, 5, 0..200);
    for (a, b) in base.values.iter().zip(&with.values) {
        assert_eq!(b.hazard_hits, Some(0.0));
        assert_eq!(a.values(), b.values());
    }

    // Only the network has region north: the chain is untouched.
    let north = "[[hazard]]\nregion = \"north\"\nrate = 0.1\nduration = 5\n";
    let prep = Prepared::new(parse(&two_topologies(north, 120))).expect("prepared");
    let with = run_trials(&prep, 5, 0..200);
    for (a, b) in base.column(0).zip(with.column(0)) {
        assert_eq!(a.values(), b.values());
        assert_eq!(b.hazard_hits, Some(0.0));
    }
    assert!(with.column(1).any(|m| m.hazard_hits.unwrap_or(0.0) > 0.0));
}

/// A node hit counts once per strike, also when it was already down: with
/// hit 1 and rate r, the hits of a k-node region have mean k × r × T.
#[test]
fn hazard_hits_count_every_node_of_every_strike() {
    let (r, steps, trials) = (0.05, 100, 2000);
    let hazard = format!("[[hazard]]\nregion = \"south\"\nrate = {r}\nduration = 30\n");
    let s = parse(&parallel(
        steps,
        trials,
        &["south", "south", "east"],
        &hazard,
    ));
    let prep = Prepared::new(s).expect("prepared");
    let table = run_trials(&prep, 3, 0..trials);
    let m = &summarize(&table, &prep.baselines()).metrics[0];
    let hits = m.hazard_hits.expect("hazard metric");
    let expect = 2.0 * r * f64::from(steps);
    assert!(
        (hits.mean - expect).abs() <= 2.0 * hits.ci95,
        "{} ± {} vs {expect}",
        hits.mean,
        hits.ci95
    );
    // Every value is a whole, even number (two nodes per strike).
    for v in table.values.iter().filter_map(|m| m.hazard_hits) {
        assert_eq!(v % 2.0, 0.0);
    }
}

/// What a file may not say, each refused with its field and place.
#[test]
fn bad_hazards_are_refused_with_field_and_place() {
    let cases = [
        (
            "region = \"sooth\"\nrate = 0.1\n",
            "hazard.region",
            "no node of any topology has region \"sooth\"",
        ),
        ("region = \"south\"\nrate = 1.0\n", "hazard.rate", "[0, 1)"),
        ("region = \"south\"\nrate = -0.1\n", "hazard.rate", "[0, 1)"),
        (
            "region = \"south\"\nrate = 0.1\nhit = 1.5\n",
            "hazard.hit",
            "[0, 1]",
        ),
        (
            "region = \"south\"\nrate = 0.1\nstart = 50\nend = 40\n",
            "hazard.end",
            "window",
        ),
        (
            "region = \"south\"\nrate = 0.1\nstart = 200\n",
            "hazard.start",
            "step index",
        ),
        (
            "region = \"south\"\nrate = 0.1\nend = 500\n",
            "hazard.end",
            "window",
        ),
        (
            "region = \"south\"\nrate = 0.1\nduration = 0\n",
            "hazard.duration",
            "1..=",
        ),
        (
            "region = \"south\"\nrate = 0.1\nduration = { dist = \"uniform\", min = 5, max = 2 }\n",
            "hazard.duration",
            "min <= max",
        ),
        ("rate = 0.1\n", "hazard.region", "missing required field"),
        (
            "region = \"south\"\n",
            "hazard.rate",
            "missing required field",
        ),
        (
            "region = \"south\"\nregions = [\"south\"]\nrate = 0.1\n",
            "hazard.region",
            "not both",
        ),
        (
            "regions = [\"south\", \"west\"]\nrate = 0.1\n",
            "hazard.regions",
            "\"west\"",
        ),
        (
            "region = \"south\"\nrate = 0.1\nspeed = 3\n",
            "hazard",
            "unknown field",
        ),
    ];
    for (body, field, words) in cases {
        let text = parallel(100, 10, &["south"], &format!("[[hazard]]\n{body}"));
        let e = Scenario::from_toml("bad.toml", &text).expect_err(body);
        let shown = e.to_string();
        assert!(shown.contains(field), "{body}: {shown}");
        assert!(shown.contains(words), "{body}: {shown}");
        assert!(shown.contains("bad.toml:"), "{body}: {shown}");
    }
}

/// `risk --by region` knocks a whole region out; `sweep --attack region`
/// removes regions largest first; `check` warns about alternatives that
/// share a region; `--scale hazard=s` multiplies rates (capped, 0 removes).
#[test]
fn regions_in_risk_sweep_check_and_scale() {
    use chainmesh::compose::scale::Scale;
    use chainmesh::sim::{RiskUnit, risk_by};
    use chainmesh::sweep::{Attack, SweepGraph};

    let hazard = "[[hazard]]\nregion = \"south\"\nrate = 0.2\n";
    let s = parse(&parallel(50, 10, &["south", "south", "north"], hazard));
    let tables = risk_by(&s, &[0], RiskUnit::Region).expect("risk");
    let rows: Vec<(&str, f64)> = tables[0]
        .rows
        .iter()
        .map(|r| (r.node.as_str(), r.lost))
        .collect();
    // Either region alone leaves a relay that carries the whole demand.
    assert_eq!(rows, vec![("north", 0.0), ("south", 0.0)]);

    let graph = SweepGraph::from_topology(&s.topologies[0]);
    let order = graph.order(Attack::Region, false, 0, 0);
    let ids: Vec<&str> = order
        .iter()
        .map(|&v| s.topologies[0].nodes[v].id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["r0", "r1", "r2", "s", "t"],
        "south (2) before north (1), then the rest"
    );

    let lines = chainmesh::scenario::hazard::describe(&s.topologies[0]);
    assert_eq!(lines[0], "regions: north (r2); south (r0, r1)");
    assert!(lines.iter().all(|l| !l.starts_with("warning")), "{lines:?}");

    let one = parse(&parallel(50, 10, &["south", "south"], hazard));
    let lines = chainmesh::scenario::hazard::describe(&one.topologies[0]);
    assert!(
        lines.iter().all(|l| !l.contains("sources")),
        "one source only: {lines:?}"
    );

    let doubled = Scale::parse("hazard=2").expect("scale").apply(&s);
    assert_eq!(doubled.hazards[0].rate, 0.4);
    let capped = Scale::parse("hazard=100").expect("scale").apply(&s);
    assert_eq!(capped.hazards[0].rate, 0.99);
    let none = Scale::parse("hazard=0").expect("scale").apply(&s);
    assert!(!none.has_hazards());
    assert_eq!(
        Scale::parse("hazard=2").expect("scale").arg().as_deref(),
        Some("hazard=2")
    );
}

/// Every source of a topology in one region draws a warning from `check`.
#[test]
fn check_warns_when_every_source_shares_a_region() {
    let text = "[scenario]\nname = \"w\"\nsector = \"other\"\n\
[[hazard]]\nregion = \"south\"\nrate = 0.01\n\
[[topology]]\nid = \"t\"\n\
[[topology.node]]\nid = \"a\"\nrole = \"source\"\nregion = \"south\"\n\
[[topology.node]]\nid = \"b\"\nrole = \"source\"\nregion = \"south\"\n\
[[topology.node]]\nid = \"c\"\nrole = \"sink\"\n\
[[topology.link]]\nfrom = \"a\"\nto = \"c\"\n\
[[topology.link]]\nfrom = \"b\"\nto = \"c\"\n";
    let s = parse(text);
    let lines = chainmesh::scenario::hazard::describe(&s.topologies[0]);
    assert!(
        lines.contains(
            &"warning: all 2 sources are in region south: one hazard stops them together"
                .to_string()
        ),
        "{lines:?}"
    );
}

/// The TUI's event log gives every hazard strike a line of its own
/// ("Typhoon south: 2 nodes down"), in the same step in every topology, and
/// the inspector shows a node's region.
#[test]
fn the_tui_logs_each_strike_and_shows_regions() {
    use chainmesh::tui::render::render;
    use chainmesh::tui::{App, McMode, Message, TuiOptions};
    use ratatui::{Terminal, backend::TestBackend};

    let hazard = "[[hazard]]\nlabel = \"Typhoon\"\nregion = \"south\"\nrate = 0.3\nduration = 2\n";
    let scenario = parse(&parallel(40, 10, &["south", "south", "north"], hazard));
    let mut app = App::new(
        TuiOptions {
            scenario,
            scenario_arg: "hazard.toml".into(),
            seed: 1,
            trial: 0,
            shocks: Vec::new(),
            scales: Vec::new(),
            lang_zh: false,
        },
        McMode::Off,
    )
    .expect("app starts");
    for _ in 0..40 {
        app.update(Message::Step);
    }
    let strikes: Vec<_> = app.live.log.iter().filter(|e| e.strike.is_some()).collect();
    assert!(!strikes.is_empty(), "rate 0.3 over 40 steps strikes");
    assert!(
        strikes
            .iter()
            .all(|e| e.strike == Some(2) || e.strike == Some(0))
    );
    app.update(Message::Resize(160, 48));
    let mut t = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    t.draw(|f| render(&app, f)).expect("draws");
    let screen = t.backend().to_string();
    assert!(screen.contains("≈ Typhoon south: 2 nodes down"), "{screen}");

    let lines = chainmesh::tui::render::inspector::lines(&app, 0, 2, 80);
    let text: String = lines
        .iter()
        .flat_map(|l| l.spans.iter().map(|s| s.content.to_string()))
        .collect();
    assert!(text.contains("region south"), "{text}");
}

/// A hazard without `end` strikes until the trial ends, also when `--steps`
/// makes the trial longer than the file's; one with `end` stops there.
#[test]
fn a_hazard_without_end_covers_a_longer_trial() {
    let hazards = "[[hazard]]\nregion = \"south\"\nrate = 0.3\n\
[[hazard]]\nregion = \"north\"\nrate = 0.3\nend = 50\n";
    let mut s = parse(&parallel(50, 10, &["south", "north"], hazards));
    s.steps = 200;
    let prep = Prepared::new(s).expect("prepared");
    let run = TopologyRun::new(&prep, 0, 1, 0);
    assert!(run.strikes().iter().any(|&(t, h)| h == 0 && t >= 50));
    assert!(run.strikes().iter().all(|&(t, h)| h == 0 || t < 50));
}
