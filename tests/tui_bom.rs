//! The terminal UI marks assemblers, shows the selected assembler's bill of
//! materials, and shows a knocked-out sole supplier stopping its assembler.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use chainmesh::scenario::{Scenario, builtin};
use chainmesh::tui::{App, McMode, Message, TuiOptions, render};

fn manufacturing() -> App {
    let b = builtin::find("manufacturing").expect("built in");
    let scenario = Scenario::from_toml(b.name, b.text).expect("valid");
    App::new(
        TuiOptions {
            scenario,
            scenario_arg: b.name.to_string(),
            seed: 7,
            trial: 0,
            shocks: Vec::new(),
            lang_zh: false,
            scales: Vec::new(),
        },
        McMode::Inline,
    )
    .expect("app starts")
}

fn screen(app: &mut App) -> String {
    app.update(Message::Resize(240, 60));
    let mut t = Terminal::new(TestBackend::new(240, 60)).expect("terminal");
    t.draw(|f| render(app, f)).expect("draws");
    t.backend().to_string()
}

#[test]
fn knocked_out_sole_supplier_starves_its_assemblers() {
    let mut a = manufacturing();
    a.update(Message::TogglePause);
    a.update(Message::Step);
    let before = screen(&mut a);
    assert!(before.contains('◆'), "assemblers are marked\n{before}");
    assert!(!before.contains('◇'), "nothing starved at step 0\n{before}");
    // The chain's battery maker (node 0 of topology 0); knocking it out hits
    // the node of that id in every topology.
    while a.view.selected != (0, 0) {
        a.update(Message::SelectNext);
    }
    a.update(Message::KnockOut);
    a.update(Message::Step);
    let after = screen(&mut a);
    assert!(after.contains('◇'), "starved assemblers shown\n{after}");
    let chain = &a.live.history[0];
    let single = &a.live.history[1];
    let multi = &a.live.history[2];
    assert_eq!(chain.last().copied(), Some(0.0));
    assert_eq!(single.last().copied(), Some(0.0));
    assert!(multi.last().copied().unwrap_or(0.0) > 0.5, "{multi:?}");
    // Select an assembler and inspect it: its bill, part by part, with
    // every part of the chain's plant from one maker.
    while a.view.selected != (0, 4) {
        a.update(Message::SelectNext);
    }
    a.update(Message::Open(chainmesh::tui::app::Mode::Inspect));
    let bill = screen(&mut a);
    assert!(bill.contains("◆ needs every part"), "{bill}");
    for part in ["battery ×1", "controller ×1", "frame ×1", "motor ×1"] {
        let line = bill
            .lines()
            .find(|l| l.contains(part))
            .unwrap_or_else(|| panic!("no {part} row\n{bill}"));
        assert!(line.contains("sole source"), "{line}");
    }
}

/// A starved assembler's inspector says why it stopped (issue 26, section
/// 2): the part no producing supplier delivers, the supplier's state and
/// its steps left, and that there is no other supplier.
#[test]
fn the_inspector_says_why_an_assembler_starves() {
    let mut a = manufacturing();
    a.update(Message::TogglePause);
    a.update(Message::Step);
    while a.view.selected != (0, 0) {
        a.update(Message::SelectNext);
    }
    a.update(Message::KnockOut);
    a.update(Message::Step);
    let left = a.live.remaining(0, 0);
    while a.view.selected != (0, 4) {
        a.update(Message::SelectNext);
    }
    assert!(a.live.starved[0][4], "the chain's plant starves");
    let lines: Vec<String> = chainmesh::tui::render::inspector::lines(&a, 0, 4, 200)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    let why = lines
        .iter()
        .find(|l| l.starts_with("starved:"))
        .unwrap_or_else(|| panic!("no starved line\n{lines:#?}"));
    assert_eq!(
        why,
        &format!("starved: battery — Battery maker down, {left} steps left; no other supplier"),
    );
    // Only the part that has no supplier: the other parts are delivered.
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("starved:")).count(),
        1
    );
    // Not starved, no such line: the multi-sourced plant keeps producing.
    let (k, plant) = (
        2,
        a.base_scenario().topologies[2]
            .nodes
            .iter()
            .position(|n| n.is_assembler())
            .expect("plant"),
    );
    if !a.live.starved[k][plant] {
        let other = chainmesh::tui::render::inspector::lines(&a, k, plant, 200);
        assert!(
            other
                .iter()
                .all(|l| !l.spans.iter().any(|s| s.content.contains("starved:"))),
            "{other:?}"
        );
    }
}

fn draw_80x24(app: &mut App) -> String {
    app.update(Message::Resize(80, 24));
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| render(app, f)).expect("draws");
    t.backend().to_string()
}

/// The inspector line "flow now … · at baseline …" of node `i` of topology `k`.
fn flow_line(a: &App, k: usize, i: usize) -> String {
    chainmesh::tui::render::inspector::lines(a, k, i, 200)
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .find(|l| l.starts_with("flow now"))
        .expect("a flow line")
}

/// Issue 26, section 2: with the assembly program's flows read back, the
/// 80×24 node list shows `x/cap` (not `–/100`) and the inspector shows the
/// flow now against the baseline and the bottleneck, at baseline and with
/// the chain's sole battery maker knocked out.
#[test]
fn assembly_flows_in_the_list_and_the_inspector_80x24() {
    let mut a = manufacturing();
    a.update(Message::TogglePause);
    a.update(Message::Step);
    // The chain's assembly plant at baseline: every node carries all 100.
    while a.view.selected != (0, 4) {
        a.update(Message::SelectNext);
    }
    a.update(Message::Open(chainmesh::tui::app::Mode::Inspect));
    a.status = None;
    let screen = draw_80x24(&mut a);
    assert!(
        !screen.contains("–/"),
        "no unknown flow in the list\n{screen}"
    );
    assert_eq!(screen.matches("100/100").count(), 7, "{screen}");
    assert_eq!(flow_line(&a, 0, 4), "flow now 100 (100%) · at baseline 100");
    insta::assert_snapshot!("manufacturing_plant_80x24", screen);

    // Knock the battery maker out: the chain delivers nothing, the plant
    // starves, and the battery maker is what the flow waits for.
    a.update(Message::Close);
    while a.view.selected != (0, 0) {
        a.update(Message::SelectNext);
    }
    a.update(Message::KnockOut);
    a.update(Message::Step);
    a.update(Message::Open(chainmesh::tui::app::Mode::Inspect));
    a.status = None;
    let screen = draw_80x24(&mut a);
    assert!(!screen.contains("–/"), "{screen}");
    assert_eq!(screen.matches(" 0/100").count(), 7, "{screen}");
    assert_eq!(flow_line(&a, 0, 0), "flow now 0 (0%) · at baseline 100");
    assert!(
        a.live.flows[0].cut_nodes[0],
        "the down battery maker is the bottleneck"
    );
    assert_eq!(a.live.flows[0].cut_nodes.iter().filter(|c| **c).count(), 1);
    assert!(
        screen.contains("a bottleneck: φ is waiting for it"),
        "{screen}"
    );
    insta::assert_snapshot!("manufacturing_battery_down_80x24", screen);
}

/// The flow view marks the assembly bottleneck, and only it, in every
/// topology of `manufacturing`, and every node and link has a flow (no NaN
/// left for the link brightness to read).
#[test]
fn the_flow_view_marks_exactly_the_assembly_bottleneck() {
    use ratatui::style::Color;
    let mut a = manufacturing();
    a.update(Message::TogglePause);
    for _ in 0..25 {
        a.update(Message::Step);
    }
    a.update(Message::ToggleFlow);
    a.update(Message::Resize(160, 48));
    let mut t = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    t.draw(|f| render(&a, f)).expect("draws");
    let buf = t.backend().buffer();
    let area = ratatui::layout::Rect::new(0, 0, 160, 48);
    let mut lit_total = 0;
    for k in 0..a.live.topologies() {
        let f = &a.live.flows[k];
        assert!(f.node.iter().chain(&f.link).all(|x| x.is_finite()), "{f:?}");
        for b in a.node_boxes(area, k) {
            let cell = &buf[(b.x, b.y)];
            let lit = cell.bg == Color::LightYellow || cell.fg == Color::LightYellow;
            assert_eq!(lit, f.cut_nodes[b.node], "topology {k} node {}", b.node);
            lit_total += usize::from(lit);
        }
    }
    assert!(lit_total > 0);
}
