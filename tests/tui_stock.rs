//! Issue 12 in the TUI: the stock on screen is the engine's, step by step;
//! the stock bar's scale; the inspector's stock and risk rows (the risk
//! numbers are `chainmesh risk`'s, and big topologies are not computed).

use chainmesh::scenario::Scenario;
use chainmesh::sim::{FlowCache, Prepared, TopologyRun, risk};
use chainmesh::tui::live::{RISK_NODE_LIMIT, RiskState, stock_share};
use chainmesh::tui::render::inspector;
use chainmesh::tui::{App, McMode, Message, TuiOptions};

fn app_of(scenario: Scenario, arg: &str, lang_zh: bool) -> App {
    App::new(
        TuiOptions {
            scenario,
            scenario_arg: arg.into(),
            seed: 42,
            trial: 3,
            shocks: Vec::new(),
            scales: Vec::new(),
            lang_zh,
        },
        McMode::Off,
    )
    .expect("app starts")
}

fn pandemic(lang_zh: bool) -> App {
    let s = chainmesh::cli::load("pandemic-2020").expect("built-in");
    let mut a = app_of(s, "pandemic-2020", lang_zh);
    a.update(Message::TogglePause);
    a
}

/// (topology, node) of `node` in topology `topo`.
fn find(a: &App, topo: &str, node: &str) -> (usize, usize) {
    let k = a
        .base_scenario()
        .topologies
        .iter()
        .position(|t| t.id == topo)
        .expect("topology");
    let i = a.base_scenario().topologies[k]
        .nodes
        .iter()
        .position(|n| n.id == node)
        .expect("node");
    (k, i)
}

fn text(lines: &[ratatui::text::Line<'_>]) -> String {
    lines
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn stock_on_screen_is_the_engines_at_every_step() {
    let mut a = pandemic(false);
    let prep = Prepared::new(a.live.prep().scenario.clone()).expect("compiles");
    let (k, dist) = find(&a, "chain_stock", "distributor");
    let mut run = TopologyRun::new(&prep, k, 42, 3);
    let mut cache = FlowCache::default();
    let total_max: f64 = run.stock_levels(&prep).iter().map(|s| s.2).sum();
    assert!(total_max > 0.0);
    let mut drained = false;
    for t in 0..60 {
        a.update(Message::Step);
        run.step(&prep, &mut cache).expect("a step");
        let levels = run.stock_levels(&prep);
        for &(v, level, max) in &levels {
            let s = a.live.stock[k][v].expect("stocked node");
            assert_eq!((s.level, s.max), (level, max), "step {t} node {v}");
        }
        let held: f64 = levels.iter().map(|s| s.1).sum();
        assert_eq!(a.live.stock_history[k].len(), t + 1);
        let share = a.live.stock_history[k][t];
        assert!((share - held / total_max).abs() < 1e-12, "step {t}");
        assert_eq!(Some(share), stock_share(&a.live.stock[k]));
        drained |= share < 0.5;
    }
    assert!(drained, "the border closure drains the buffer");
    // The distributor is the only stocked node; the other topologies hold none.
    assert_eq!(
        a.live.stock[k].iter().filter(|s| s.is_some()).count(),
        1,
        "{:?}",
        a.live.stock[k]
    );
    assert!(a.live.stock[k][dist].is_some());
    for (j, t) in a.base_scenario().topologies.iter().enumerate() {
        if t.id != "chain_stock" {
            assert!(!a.live.stocked(j), "{}", t.id);
            assert!(a.live.stock_history[j].is_empty(), "{}", t.id);
        }
    }
}

#[test]
fn stock_bar_is_empty_only_at_zero_and_full_only_at_max() {
    use chainmesh::tui::render::node::{STOCK_BARS, STOCK_EMPTY, stock_glyph};
    assert_eq!(stock_glyph(0.0, 100.0), STOCK_EMPTY);
    assert_eq!(stock_glyph(1e-6, 100.0), "▁");
    assert_eq!(stock_glyph(50.0, 100.0), "▄");
    assert_eq!(stock_glyph(99.9, 100.0), "▇");
    assert_eq!(stock_glyph(100.0, 100.0), "█");
    let mut last = 0;
    for l in 0..=100 {
        let g = stock_glyph(f64::from(l), 100.0);
        let rank = STOCK_BARS.iter().position(|b| *b == g).map_or(0, |p| p + 1);
        assert!(rank >= last, "monotone at {l}");
        last = rank;
    }
}

#[test]
fn inspector_shows_stock_and_the_risk_row_of_chainmesh_risk() {
    for zh in [false, true] {
        let mut a = pandemic(zh);
        // What opening the inspector does: the risk tables (inline here).
        a.live.request_risk(true);
        let (k, dist) = find(&a, "chain_stock", "distributor");
        let (_, man) = find(&a, "chain_stock", "manufacturer");
        let shown = text(&inspector::lines(&a, k, dist, 200));
        assert!(shown.contains("1400/1400 (100%) █"), "{shown}");
        // The manufacturer holds no stock: no stock row; TTS 14 from the
        // distributor's 1,400 units at 100 a step.
        let m = text(&inspector::lines(&a, k, man, 200));
        assert!(!m.contains("1400"), "{m}");
        let s = a.live.prep().scenario.clone();
        let table = risk(&s, &[k]).expect("risk");
        let row = table[0]
            .rows
            .iter()
            .find(|r| r.node == "manufacturer")
            .expect("row");
        assert_eq!((row.tts, row.tts_censored), (14, false));
        assert!(m.contains("TTS 14 · TTR 6.5"), "{m}");
        assert!(!m.contains("TTS < TTR"), "{m}");
        let d = text(&inspector::lines(&a, k, dist, 200));
        assert!(
            d.contains("TTS 0 · TTR 6.5") && d.contains("⚠ TTS < TTR"),
            "{d}"
        );
        // After twenty steps (eight into the border closure) the row shows the draw.
        for _ in 0..20 {
            a.update(Message::Step);
        }
        let d = text(&inspector::lines(&a, k, dist, 200));
        let drawn = if zh { "本步動用 100" } else { "drawn 100" };
        assert!(d.contains("600/1400 (43%) ▄") && d.contains(drawn), "{d}");
        // Knock-outs do not recompute (or change) the risk row.
        a.update(Message::KnockOut);
        assert_eq!(
            text(&inspector::lines(&a, k, man, 200))
                .lines()
                .find(|l| l.contains("TTS")),
            m.lines().find(|l| l.contains("TTS"))
        );
    }
}

#[test]
fn risk_is_not_computed_for_topologies_over_the_limit() {
    let n = RISK_NODE_LIMIT + 1;
    let mut t = String::from(
        "[scenario]\nname = \"long\"\nsector = \"other\"\nsteps = 5\ntrials = 2\n\
[defaults]\ncapacity = 1.0\n[[topology]]\nid = \"line\"\nlabel = \"Line\"\n",
    );
    for i in 0..n {
        let role = match i {
            0 => "role = \"source\"\n",
            i if i + 1 == n => "role = \"sink\"\n",
            _ => "",
        };
        t.push_str(&format!(
            "[[topology.node]]\nid = \"n{i}\"\nlabel = \"N{i}\"\n{role}"
        ));
    }
    for i in 1..n {
        t.push_str(&format!(
            "[[topology.link]]\nfrom = \"n{}\"\nto = \"n{i}\"\n",
            i - 1
        ));
    }
    let s = Scenario::from_toml("long.toml", &t).unwrap_or_else(|e| panic!("{}", e.message));
    let mut a = app_of(s, "long.toml", false);
    // The inspector asks for the risk tables (a worker; inline here).
    a.live.request_risk(true);
    assert_eq!(*a.live.risk(0).expect("computed"), RiskState::TooLarge(n));
    let shown = text(&inspector::lines(&a, 0, 0, 200));
    assert!(
        shown.contains(&format!("risk not computed ({n} nodes)")),
        "{shown}"
    );
}

/// The view never computes the risk table (issue 21): drawn before a worker
/// has it, the inspector says so; opening the inspector starts the worker.
#[test]
fn the_inspector_never_computes_the_risk_table() {
    let mut a = pandemic(false);
    let (k, dist) = find(&a, "chain_stock", "distributor");
    let shown = text(&inspector::lines(&a, k, dist, 200));
    assert!(shown.contains("risk computing…"), "{shown}");
    assert!(a.live.risk(k).is_none(), "drawing computed the table");
    a.live.request_risk(true);
    assert!(a.live.risk(k).is_some());
    let shown = text(&inspector::lines(&a, k, dist, 200));
    assert!(shown.contains("TTS 0 · TTR 6.5"), "{shown}");
}
