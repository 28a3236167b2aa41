//! Pinned screens (ratatui `TestBackend` + insta). The Monte Carlo trials
//! run inline before drawing, so the snapshots never depend on timing.
//! Review changes with `INSTA_UPDATE=always cargo test --test tui_snapshots`
//! and a look at `git diff tests/snapshots`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

use chainmesh::scenario::Scenario;
use chainmesh::tui::app::Mode;
use chainmesh::tui::{App, McMode, Message, TuiOptions, render};

fn app(file: &str, seed: u64, lang_zh: bool) -> App {
    let scenario = Scenario::from_path(std::path::Path::new(file)).expect("fixture parses");
    App::new(
        TuiOptions {
            scenario,
            scenario_arg: file.to_string(),
            seed,
            trial: 0,
            shocks: Vec::new(),
            scales: Vec::new(),
            lang_zh,
        },
        McMode::Inline,
    )
    .expect("app starts")
}

/// The farm scenario, paused mid-trial during the typhoon, with the
/// wholesaler knocked out by hand and the network's processor selected.
fn farm(lang_zh: bool) -> App {
    let mut a = app("tests/fixtures/tui-farm.toml", 42, lang_zh);
    a.update(Message::TogglePause);
    for _ in 0..21 {
        a.update(Message::Step);
    }
    while a.selected != (0, 2) {
        a.update(Message::SelectNext);
    }
    a.update(Message::KnockOut);
    while a.selected != (1, 2) {
        a.update(Message::SelectNext);
    }
    a.status = None;
    a
}

fn draw(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    app.update(Message::Resize(w, h));
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| render(app, f)).expect("draws");
    t
}

#[test]
fn main_screen_80x24() {
    let t = draw(&mut farm(false), 80, 24);
    insta::assert_snapshot!("main_80x24", t.backend().to_string());
}

#[test]
fn main_screen_160x48() {
    let t = draw(&mut farm(false), 160, 48);
    insta::assert_snapshot!("main_160x48", t.backend().to_string());
}

#[test]
fn main_screen_traditional_chinese_100x30() {
    let t = draw(&mut farm(true), 100, 30);
    insta::assert_snapshot!("main_zh_100x30", t.backend().to_string());
}

#[test]
fn help_overlay_80x24() {
    let mut a = farm(false);
    a.update(Message::Open(Mode::Help));
    let t = draw(&mut a, 80, 24);
    insta::assert_snapshot!("help_80x24", t.backend().to_string());
}

#[test]
fn parameter_panel_80x24() {
    let mut a = farm(false);
    a.update(Message::Open(Mode::Params { selected: 0 }));
    a.update(Message::ParamNudge(4));
    a.update(Message::ParamDown);
    let t = draw(&mut a, 80, 24);
    insta::assert_snapshot!("params_80x24", t.backend().to_string());
}

#[test]
fn command_popup_120x40() {
    let mut a = farm(false);
    a.update(Message::Open(Mode::Command));
    let t = draw(&mut a, 120, 40);
    insta::assert_snapshot!("command_120x40", t.backend().to_string());
}

#[test]
fn forty_node_network_120x40_and_80x24() {
    let mut a = app("tests/fixtures/tui-forty.toml", 7, false);
    a.update(Message::TogglePause);
    for _ in 0..30 {
        a.update(Message::Step);
    }
    a.update(Message::Attack);
    a.update(Message::Attack);
    a.status = None;
    let t = draw(&mut a, 120, 40);
    insta::assert_snapshot!("forty_120x40", t.backend().to_string());
    let t = draw(&mut a, 80, 24);
    insta::assert_snapshot!("forty_80x24", t.backend().to_string());
}

/// The sweep view (`w`), computed at once because the app is `Inline`.
fn swept(mut a: App) -> App {
    a.update(Message::Open(Mode::Sweep { giant: false }));
    assert!(a.sweep.report.is_some(), "computed synchronously");
    a
}

#[test]
fn sweep_view_160x48_and_80x24() {
    let mut a = swept(farm(false));
    let t = draw(&mut a, 160, 48);
    insta::assert_snapshot!("sweep_160x48", t.backend().to_string());
    let t = draw(&mut a, 80, 24);
    insta::assert_snapshot!("sweep_80x24", t.backend().to_string());
    // Where only one row of charts fits, `g` shows the giant component.
    a.update(Message::ToggleSweepMetric);
    let t = draw(&mut a, 80, 24);
    insta::assert_snapshot!("sweep_giant_80x24", t.backend().to_string());
}

#[test]
fn sweep_view_of_five_topologies_120x40() {
    let scenario = chainmesh::cli::load("ecosystem-archetypes").expect("built-in");
    let a = App::new(
        TuiOptions {
            scenario,
            scenario_arg: "ecosystem-archetypes".into(),
            seed: 42,
            trial: 0,
            shocks: Vec::new(),
            scales: Vec::new(),
            lang_zh: false,
        },
        McMode::Inline,
    )
    .expect("app starts");
    let mut a = swept(a);
    let t = draw(&mut a, 120, 40);
    insta::assert_snapshot!("sweep_archetypes_120x40", t.backend().to_string());
}

#[test]
fn selected_and_down_nodes_are_styled() {
    let mut a = farm(false);
    let t = draw(&mut a, 160, 48);
    let buf = t.backend().buffer();
    let area = ratatui::layout::Rect::new(0, 0, 160, 48);
    let sel = a
        .node_boxes(area, 1)
        .into_iter()
        .find(|b| b.node == 2)
        .expect("selected node drawn");
    assert!(buf[(sel.x, sel.y)].modifier.contains(Modifier::REVERSED));
    let down = a
        .node_boxes(area, 0)
        .into_iter()
        .find(|b| b.node == 2)
        .expect("wholesaler drawn");
    assert!(a.live.is_down(0, 2));
    assert_eq!(buf[(down.x, down.y)].symbol(), "✗");
    assert_eq!(buf[(down.x, down.y)].bg, Color::Red);
}

#[test]
fn tiny_and_odd_terminal_sizes_never_panic() {
    let modes = [
        Mode::Normal,
        Mode::Help,
        Mode::Params { selected: 2 },
        Mode::Command,
        Mode::Sweep { giant: false },
        Mode::Sweep { giant: true },
        Mode::Input {
            kind: chainmesh::tui::app::InputKind::Seed,
            text: "12".into(),
        },
    ];
    for file in [
        "tests/fixtures/tui-farm.toml",
        "tests/fixtures/tui-forty.toml",
    ] {
        let mut a = app(file, 1, true);
        a.update(Message::TogglePause);
        for _ in 0..15 {
            a.update(Message::Step);
        }
        for (w, h) in [
            (1, 1),
            (10, 3),
            (20, 5),
            (40, 10),
            (61, 17),
            (200, 12),
            (30, 60),
        ] {
            for m in &modes {
                if let Mode::Sweep { .. } = m {
                    a.update(Message::Open(m.clone()));
                }
                a.mode = m.clone();
                draw(&mut a, w, h);
                // Clicks anywhere are harmless too.
                a.mode = Mode::Normal;
                a.update(Message::Click(w / 2, h / 2));
            }
        }
    }
}

/// The scenario's lesson is on screen: in the event pane when it is tall
/// enough, and in full in the help overlay.
#[test]
fn lesson_is_shown_in_the_event_pane_and_the_help() {
    let mut a = app("scenarios/pandemic-2020.toml", 2020, false);
    a.update(Message::TogglePause);
    let screen = draw(&mut a, 160, 48).backend().to_string();
    assert!(screen.contains("look for: The chain is dark"), "{screen}");
    let mut a = app("scenarios/pandemic-2020.toml", 2020, false);
    a.update(Message::TogglePause);
    a.update(Message::Open(Mode::Help));
    let screen = draw(&mut a, 160, 48).backend().to_string();
    assert!(screen.contains("lesson"), "{screen}");
    assert!(
        screen.contains("Compare the resilience triangles"),
        "{screen}"
    );
}
