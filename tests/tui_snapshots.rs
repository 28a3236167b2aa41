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
    while a.view.selected != (0, 2) {
        a.update(Message::SelectNext);
    }
    a.update(Message::KnockOut);
    while a.view.selected != (1, 2) {
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

// ---------- issue 15: the views that explain *why*, in both languages ----------

/// The largest built-in (five topologies), paused at step 40.
fn archetypes(lang_zh: bool) -> App {
    let scenario = chainmesh::cli::load("ecosystem-archetypes").expect("built-in");
    let mut a = App::new(
        TuiOptions {
            scenario,
            scenario_arg: "ecosystem-archetypes".into(),
            seed: 42,
            trial: 0,
            shocks: Vec::new(),
            lang_zh,
            scales: Vec::new(),
        },
        McMode::Inline,
    )
    .expect("app starts");
    a.update(Message::TogglePause);
    for _ in 0..40 {
        a.update(Message::Step);
    }
    a
}

/// A built-in with a lesson in both languages, paused at step 0.
fn agriculture(lang_zh: bool) -> App {
    let scenario = chainmesh::cli::load("agriculture").expect("built-in");
    let mut a = App::new(
        TuiOptions {
            scenario,
            scenario_arg: "agriculture".into(),
            seed: 7,
            trial: 0,
            shocks: Vec::new(),
            lang_zh,
            scales: Vec::new(),
        },
        McMode::Inline,
    )
    .expect("app starts");
    a.update(Message::TogglePause);
    a
}

/// The pandemic built-in (its third topology holds stock at the
/// distributor), paused at step 20: eight steps into the border closure,
/// the buffer half drained.
fn pandemic(lang_zh: bool) -> App {
    let scenario = chainmesh::cli::load("pandemic-2020").expect("built-in");
    let mut a = App::new(
        TuiOptions {
            scenario,
            scenario_arg: "pandemic-2020".into(),
            seed: 42,
            trial: 0,
            shocks: Vec::new(),
            lang_zh,
            scales: Vec::new(),
        },
        McMode::Inline,
    )
    .expect("app starts");
    a.update(Message::TogglePause);
    for _ in 0..20 {
        a.update(Message::Step);
    }
    a
}

/// The pandemic's stocked chain with its distributor selected.
fn pandemic_distributor(lang_zh: bool) -> App {
    let mut a = pandemic(lang_zh);
    let k = a
        .base_scenario()
        .topologies
        .iter()
        .position(|t| t.id == "chain_stock")
        .expect("chain_stock");
    let i = a.base_scenario().topologies[k]
        .nodes
        .iter()
        .position(|n| n.id == "distributor")
        .expect("distributor");
    while a.view.selected != (k, i) {
        a.update(Message::SelectNext);
    }
    a
}

/// How to get to a view, in English (`false`) or Chinese (`true`).
type View = fn(bool) -> App;

/// Every new view: (name, how to get there).
/// 40 three-node topologies: only `MAX_PANES` are drawn, and the screen
/// says how many were left out (issue 14 item 10).
fn many_topologies(lang_zh: bool) -> App {
    let mut text = String::from(
        "[scenario]\nname = \"many\"\nsector = \"other\"\nsteps = 20\ntrials = 20\nseed = 3\n\
[defaults]\ncapacity = 10.0\nfailure_rate = 0.05\nrepair = { dist = \"fixed\", steps = 4 }\n",
    );
    for k in 0..40 {
        text.push_str(&format!(
            "[[topology]]\nid = \"t{k}\"\nlabel = \"Topology {k}\"\n\
[[topology.node]]\nid = \"a\"\nrole = \"source\"\n[[topology.node]]\nid = \"b\"\n\
[[topology.node]]\nid = \"c\"\nrole = \"sink\"\n\
[[topology.link]]\nfrom = \"a\"\nto = \"b\"\n[[topology.link]]\nfrom = \"b\"\nto = \"c\"\n"
        ));
    }
    let scenario = Scenario::from_toml("many.toml", &text).expect("valid");
    let mut a = App::new(
        TuiOptions {
            scenario,
            scenario_arg: "many.toml".to_string(),
            seed: 3,
            trial: 0,
            shocks: Vec::new(),
            scales: Vec::new(),
            lang_zh,
        },
        McMode::Inline,
    )
    .expect("app starts");
    a.update(Message::TogglePause);
    for _ in 0..5 {
        a.update(Message::Step);
    }
    a
}

#[test]
fn many_topologies_are_cut_to_max_panes_and_the_cut_is_said() {
    for zh in [false, true] {
        for (w, h) in [(80, 24), (160, 48)] {
            let mut a = many_topologies(zh);
            let t = draw(&mut a, w, h);
            let screen = t.backend().to_string();
            let want = if zh {
                "另有 28 個拓樸未繪出"
            } else {
                "+28 topologies not drawn"
            };
            assert!(screen.contains(want), "{w}x{h}:\n{screen}");
            let s = chainmesh::tui::layout::screen(ratatui::layout::Rect::new(0, 0, w, h), 40);
            assert_eq!(s.graphs.len(), chainmesh::tui::layout::MAX_PANES);
            assert_eq!(s.hidden, 28);
            // Selection stays among the drawn topologies.
            assert!(
                a.view
                    .order()
                    .iter()
                    .all(|&(k, _)| k < chainmesh::tui::layout::MAX_PANES)
            );
        }
    }
}

fn views() -> Vec<(&'static str, View)> {
    vec![
        ("main", farm),
        ("inspect", |zh| {
            let mut a = farm(zh);
            while a.view.selected != (0, 2) {
                a.update(Message::SelectNext);
            }
            a.update(Message::Open(Mode::Inspect));
            a
        }),
        ("flow", |zh| {
            let mut a = farm(zh);
            a.update(Message::ToggleFlow);
            a
        }),
        ("picker", |zh| {
            let mut a = farm(zh);
            a.picker.dir = "tests/fixtures/picker".into();
            a.update(Message::Open(Mode::Picker { selected: 0 }));
            // Down to the first file of the folder.
            for _ in 0..chainmesh::scenario::builtin::BUILTINS.len() {
                a.update(Message::Scroll(1));
            }
            a
        }),
        ("search", |zh| {
            let mut a = farm(zh);
            a.update(Message::Open(Mode::Search {
                text: String::new(),
                selected: 0,
            }));
            a.update(Message::Input('f'));
            a.update(Message::Input('a'));
            a
        }),
        ("many", many_topologies),
        ("lesson", |zh| {
            let mut a = agriculture(zh);
            a.update(Message::Open(Mode::Lesson { scroll: 0 }));
            a
        }),
        ("help", |zh| {
            let mut a = agriculture(zh);
            a.update(Message::Open(Mode::Help));
            a
        }),
        ("ghost", |zh| {
            // The chain's farm knocked out at step 12, ten steps on: the
            // grey line is the same trial without it.
            let mut a = app("tests/fixtures/tui-farm.toml", 42, zh);
            a.update(Message::TogglePause);
            for _ in 0..12 {
                a.update(Message::Step);
            }
            a.update(Message::KnockOut);
            for _ in 0..10 {
                a.update(Message::Step);
            }
            assert!(a.ghost().is_some());
            a.status = None;
            a
        }),
        ("sweep", |zh| swept(farm(zh))),
        ("archetypes", archetypes),
        // Issue 12: stock bars in the graph, the stock line under φ(t), and
        // the inspector's stock and risk rows.
        ("pandemic_stock", pandemic),
        ("pandemic_inspect", |zh| {
            let mut a = pandemic_distributor(zh);
            a.update(Message::Open(Mode::Inspect));
            a
        }),
        // Issue 24: `z` colours nodes by region, with the legend over the
        // graphs' bottom border (the status line says it is on).
        ("regions", |zh| {
            let mut a = agriculture(zh);
            a.update(Message::ToggleRegions);
            a
        }),
        ("archetypes_flow", |zh| {
            let mut a = archetypes(zh);
            a.update(Message::ToggleFlow);
            a.update(Message::Open(Mode::Inspect));
            a
        }),
    ]
}

/// Where a number was cut by the edge of its pane: a digit (or a decimal
/// point, `±`, `→`, `/`) right against a pane's right border on an inner
/// row, or right against the border line in a title. Every pane keeps
/// its numbers one cell off the border, so any hit is a clipped number.
fn clipped_numbers(t: &Terminal<TestBackend>, app: &App) -> Vec<String> {
    let buf = t.backend().buffer();
    let area = buf.area;
    let numeric = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || ".±→/%".contains(c))
    };
    let mut panes: Vec<ratatui::layout::Rect> = Vec::new();
    if let Mode::Sweep { .. } = app.mode {
        let s = chainmesh::tui::layout::sweep_screen(area, app.view.columns.len(), 3);
        panes.extend(s.charts.iter().flatten().copied());
        panes.extend([s.table, s.notes]);
    } else {
        let s = chainmesh::tui::layout::screen(area, app.view.columns.len());
        panes.extend(s.graphs.iter().copied());
        panes.extend([s.chart, s.monte_carlo, s.log]);
    }
    let mut bad = Vec::new();
    let row = |y: u16| -> String { (0..area.width).map(|x| buf[(x, y)].symbol()).collect() };
    for p in panes {
        if p.width < 3 || p.height < 3 {
            continue;
        }
        let right = p.x + p.width - 1;
        for y in p.y + 1..p.y + p.height - 1 {
            let edge = buf[(right, y)].symbol();
            if edge == "│" && numeric(buf[(right - 1, y)].symbol()) {
                bad.push(format!("row {y} of pane {p:?}: {}", row(y)));
            }
        }
    }
    // Titles and popups: a digit glued to a border glyph.
    for y in 0..area.height {
        for x in 1..area.width {
            let here = buf[(x, y)].symbol();
            // A popup's right edge (`║` with its left edge further left),
            // or a title running into the border line.
            let right_edge =
                here == "║" && (0..x.saturating_sub(1)).any(|x0| buf[(x0, y)].symbol() == "║");
            if (matches!(here, "─" | "╮" | "╗" | "═") || right_edge)
                && buf[(x - 1, y)].symbol().chars().all(|c| c.is_ascii_digit())
                && !buf[(x - 1, y)].symbol().is_empty()
            {
                bad.push(format!("row {y} col {x}: {}", row(y)));
            }
        }
    }
    bad
}

#[test]
fn new_views_in_english_and_chinese_at_80x24_and_160x48() {
    for (name, make) in views() {
        for zh in [false, true] {
            for (w, h) in [(80, 24), (160, 48)] {
                let mut a = make(zh);
                let t = draw(&mut a, w, h);
                let lang = if zh { "zh" } else { "en" };
                let bad = clipped_numbers(&t, &a);
                assert!(
                    bad.is_empty(),
                    "{name} {lang} {w}x{h}: numbers cut by a border:\n{}\n{}",
                    bad.join("\n"),
                    t.backend()
                );
                insta::assert_snapshot!(format!("{name}_{lang}_{w}x{h}"), t.backend().to_string());
            }
        }
    }
}

/// The clipping check itself catches a number cut by a border.
#[test]
fn the_clip_check_can_fail() {
    let mut a = farm(true);
    let mut t = draw(&mut a, 80, 24);
    let s = chainmesh::tui::layout::screen(ratatui::layout::Rect::new(0, 0, 80, 24), 2);
    let p = s.monte_carlo;
    t.draw(|f| {
        render(&a, f);
        let buf = f.buffer_mut();
        buf.set_string(
            p.x + p.width - 6,
            p.y + 1,
            "0.893",
            ratatui::style::Style::default(),
        );
    })
    .expect("draws");
    assert!(!clipped_numbers(&t, &a).is_empty());
}

/// Terminal safety: a scenario name with an escape sequence is drawn with
/// the control character blanked, in the picker and once opened.
#[test]
fn picker_never_draws_control_characters_and_opens_a_file() {
    let mut a = farm(false);
    a.picker.dir = "tests/fixtures/picker".into();
    a.update(Message::Open(Mode::Picker { selected: 0 }));
    let n = chainmesh::scenario::builtin::BUILTINS.len();
    assert_eq!(
        a.picker.entries.len(),
        n + 3,
        "built-ins + broken, escape, farm"
    );
    let at = a
        .picker
        .entries
        .iter()
        .position(|e| e.arg.ends_with("escape.toml"))
        .expect("listed");
    a.mode = Mode::Picker { selected: at };
    let screen = draw(&mut a, 160, 48).backend().to_string();
    assert!(!screen.contains('\u{1b}'), "{screen}");
    assert!(screen.contains("Escape  [2J artist"), "{screen}");
    a.update(Message::Submit);
    assert_eq!(a.mode, Mode::Normal);
    assert!(
        a.base_scenario().name.contains('\u{1b}'),
        "the model keeps the text"
    );
    let screen = draw(&mut a, 160, 48).backend().to_string();
    assert!(!screen.contains('\u{1b}'), "{screen}");
    assert!(screen.contains("Escape  [2J artist"), "{screen}");
    // A broken file stays in the picker with its error in the footer.
    a.update(Message::Open(Mode::Picker { selected: 0 }));
    let broken = a
        .picker
        .entries
        .iter()
        .position(|e| e.arg.ends_with("broken.toml"))
        .expect("listed");
    a.mode = Mode::Picker { selected: broken };
    a.update(Message::Submit);
    assert_eq!(a.mode, Mode::Picker { selected: broken });
    let status = a.status.clone().expect("error shown");
    assert!(status.contains("broken.toml:5:"), "{status}");
}

/// A file whose *name* carries an escape sequence: listed, opened and shown
/// in the reproduce command without ever drawing the control character.
#[test]
fn file_names_with_control_characters_are_drawn_blanked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = "evil\u{1b}[2J.toml";
    std::fs::copy("tests/fixtures/tui-farm.toml", dir.path().join(name)).expect("copy");
    let mut a = farm(false);
    a.picker.dir = dir.path().to_path_buf();
    a.update(Message::Open(Mode::Picker { selected: 0 }));
    let at = a
        .picker
        .entries
        .iter()
        .position(|e| e.arg.contains("evil"))
        .expect("listed");
    a.mode = Mode::Picker { selected: at };
    for (w, h) in [(80, 24), (160, 48)] {
        let screen = draw(&mut a, w, h).backend().to_string();
        assert!(!screen.contains('\u{1b}'), "{screen}");
    }
    a.update(Message::Submit);
    // The command names the real file, in shell quoting that bash turns
    // back into the escape character, and carries no raw escape itself.
    let command = a.reproduce();
    assert!(
        command.contains(r"evil\u001b[2J.toml'") && command.contains("$'"),
        "{command}"
    );
    assert!(!command.contains('\u{1b}'), "{command}");
    for mode in [Mode::Normal, Mode::Command] {
        a.mode = mode;
        let screen = draw(&mut a, 160, 48).backend().to_string();
        assert!(!screen.contains('\u{1b}'), "{screen}");
        // The reproduce command shows the name in its shell quoting.
        assert!(screen.contains(r"evil\u001b[2J"), "{screen}");
    }
}

/// In the flow view the minimum cut is highlighted, and only it: every node
/// on the engine's cut is drawn in the cut colour, no other node is.
#[test]
fn the_flow_view_highlights_exactly_the_minimum_cut() {
    for (mut a, topologies) in [(farm(false), 2), (archetypes(false), 5)] {
        a.update(Message::ToggleFlow);
        let t = draw(&mut a, 160, 48);
        let buf = t.backend().buffer();
        let area = ratatui::layout::Rect::new(0, 0, 160, 48);
        let mut cut_seen = 0;
        for k in 0..topologies {
            let cut = &a.live.flows[k].cut_nodes;
            assert!(cut.iter().any(|c| *c), "a cut exists in topology {k}");
            for b in a.node_boxes(area, k) {
                let cell = &buf[(b.x, b.y)];
                let lit = cell.bg == Color::LightYellow || cell.fg == Color::LightYellow;
                assert_eq!(lit, cut[b.node], "topology {k} node {}", b.node);
                cut_seen += usize::from(lit);
            }
        }
        assert!(cut_seen > 0);
        // Without the flow view nothing is lit.
        a.update(Message::ToggleFlow);
        let t = draw(&mut a, 160, 48);
        let buf = t.backend().buffer();
        for k in 0..topologies {
            for b in a.node_boxes(area, k) {
                let cell = &buf[(b.x, b.y)];
                assert!(cell.bg != Color::LightYellow && cell.fg != Color::LightYellow);
            }
        }
    }
}

/// Row `y` of the screen as text.
fn row(t: &Terminal<TestBackend>, y: u16) -> String {
    let b = t.backend().buffer();
    (0..b.area.width).map(|x| b[(x, y)].symbol()).collect()
}

#[test]
fn footer_command_is_cut_between_arguments_at_80x24() {
    // The farm view and one with a long --shock: both too long for 80 columns.
    let mut forty = app("tests/fixtures/tui-forty.toml", 7, false);
    forty.update(Message::TogglePause);
    forty.update(Message::Attack);
    forty.status = None;
    for mut a in [farm(false), forty] {
        let t = draw(&mut a, 80, 24);
        let full = a.reproduce();
        assert!(
            full.chars().count() > 78,
            "the test needs a long command: {full}"
        );
        let line = row(&t, 23);
        let shown = line
            .strip_prefix("$ ")
            .unwrap_or_else(|| panic!("no command on the last row: {line:?}"))
            .trim_end()
            .strip_suffix("(c: full)")
            .unwrap_or_else(|| panic!("no (c: full) hint: {line:?}"))
            .trim_end();
        let prefix = shown
            .strip_suffix(" …")
            .unwrap_or_else(|| panic!("no cut mark: {line:?}"));
        assert!(
            full.starts_with(prefix),
            "{prefix:?} is not the start of {full:?}"
        );
        // The cut falls between two arguments, and an option keeps its value.
        assert_eq!(full[prefix.len()..].chars().next(), Some(' '), "{line:?}");
        assert!(
            !prefix
                .rsplit(' ')
                .next()
                .is_some_and(|w| w.starts_with("--")),
            "{line:?}"
        );
    }
}

/// The style of the first cell (the state mark) of every drawn node of
/// every topology: (topology, node, region index, colour).
fn node_colours(a: &App, t: &Terminal<TestBackend>) -> Vec<(usize, usize, Option<usize>, Color)> {
    let buf = t.backend().buffer();
    let area = buf.area;
    let mut out = Vec::new();
    for k in 0..a.view.columns.len() {
        for b in a.node_boxes(area, k) {
            out.push((
                k,
                b.node,
                a.view.region_index(k, b.node),
                buf[(b.x, b.y)].fg,
            ));
        }
    }
    out
}

/// Issue 24: with `z` on, agriculture's nodes are coloured by region: the
/// same region the same colour (across topologies too), different regions
/// different colours, nodes without a region their usual green; the legend
/// names every region in its colour; `z` again brings every colour back.
#[test]
fn region_view_colours_nodes_by_region() {
    assert_eq!(
        Message::from_key(
            &crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('z')),
            &Mode::Normal
        ),
        Some(Message::ToggleRegions)
    );
    for (w, h) in [(160, 48), (80, 24)] {
        let mut a = agriculture(false);
        let t = draw(&mut a, w, h);
        let plain = node_colours(&a, &t);
        a.update(Message::ToggleRegions);
        assert!(a.view.region_view);
        assert_eq!(
            a.view.regions(),
            ["lowland", "hills", "east-coast", "north"],
            "regions in order of first appearance"
        );
        let t = draw(&mut a, w, h);
        let coloured = node_colours(&a, &t);
        assert!(coloured.len() >= 8, "{w}x{h}: nodes drawn: {coloured:?}");
        let mut same = 0;
        let mut different = 0;
        for &(k, i, r, c) in &coloured {
            assert!(!a.live.is_down(k, i), "all up at step 0");
            match r {
                None => assert_eq!(c, Color::Green, "{w}x{h}: node {k}/{i} without a region"),
                Some(r) => assert_eq!(c, chainmesh::tui::render::node::region_color(r)),
            }
            for &(k2, i2, r2, c2) in &coloured {
                if (k, i) == (k2, i2) {
                    continue;
                }
                if let (Some(x), Some(y)) = (r, r2) {
                    if x == y {
                        assert_eq!(c, c2, "{w}x{h}: same region {x}, different colours");
                        same += 1;
                    } else {
                        assert_ne!(c, c2, "{w}x{h}: regions {x} and {y} share a colour");
                        different += 1;
                    }
                }
            }
        }
        assert!(same > 0 && different > 0, "{w}x{h}: {coloured:?}");
        // Both lowland farms and the lowland warehouse, in the chain and the network.
        let lowland: Vec<_> = coloured.iter().filter(|x| x.2 == Some(0)).collect();
        assert!(
            lowland.iter().any(|x| x.0 == 0) && lowland.iter().any(|x| x.0 == 1),
            "{lowland:?}"
        );
        // The legend: every region in its own colour, on one row.
        let buf = t.backend().buffer();
        let legend_row = (0..h)
            .find(|&y| row(&t, y).contains("regions ●lowland"))
            .unwrap_or_else(|| panic!("{w}x{h}: no legend:\n{}", t.backend()));
        let text = row(&t, legend_row);
        for (r, name) in a.view.regions().iter().enumerate() {
            let mark = format!("●{name}");
            let at = text
                .find(&mark)
                .unwrap_or_else(|| panic!("{w}x{h}: {name} not in the legend {text:?}"));
            // Columns, not bytes: the row holds multi-byte box glyphs.
            let x = text[..at].chars().count() as u16;
            assert_eq!(
                buf[(x, legend_row)].fg,
                chainmesh::tui::render::node::region_color(r),
                "{w}x{h}: legend colour of {name}"
            );
        }
        // Off again: the colours of before, and no legend.
        a.update(Message::ToggleRegions);
        assert!(!a.view.region_view);
        assert_eq!(a.status.as_deref(), Some("region colours off"));
        let t = draw(&mut a, w, h);
        assert_eq!(node_colours(&a, &t), plain);
        assert!(!t.backend().to_string().contains("regions ●"));
    }
}

/// Issue 24: `z` in a scenario without regions changes nothing and says so
/// in the status line, in English and in Chinese.
#[test]
fn region_view_without_regions_says_so() {
    for zh in [false, true] {
        let mut a = farm(zh);
        assert!(a.view.regions().is_empty());
        let before = draw(&mut a, 160, 48).backend().buffer().clone();
        a.update(Message::ToggleRegions);
        assert!(!a.view.region_view);
        let want = if zh {
            "這個情境沒有區域"
        } else {
            "no regions in this scenario"
        };
        assert_eq!(a.status.as_deref(), Some(want));
        let t = draw(&mut a, 160, 48);
        let screen = t.backend().to_string();
        assert!(screen.contains(want), "{screen}");
        // Everything but the footer's status line is as before.
        let after = t.backend().buffer();
        for y in 0..46 {
            for x in 0..160 {
                assert_eq!(after[(x, y)], before[(x, y)], "cell {x},{y} changed");
            }
        }
        // The next key clears the message; nothing else happened.
        a.update(Message::ToggleRegions);
        assert!(!a.view.region_view);
    }
}
