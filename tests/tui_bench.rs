//! Frame render time of the TUI for every built-in scenario — a benchmark,
//! not a test (ignored by default). Run it with:
//!
//! ```sh
//! cargo test --release --test tui_bench -- --ignored --nocapture
//! ```

use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use chainmesh::scenario::{Scenario, builtin};
use chainmesh::tui::{App, McMode, Message, TuiOptions, render};

#[test]
#[ignore = "benchmark: run with --ignored --nocapture"]
fn frame_render_time_per_builtin_scenario() {
    println!(
        "{:<24} {:>6} {:>10} {:>10} {:>16} {:>10}",
        "scenario", "nodes", "160x48 µs", "120x40 µs", "zh+flow 160x48", "step µs"
    );
    for b in builtin::BUILTINS {
        let scenario = Scenario::from_toml(b.name, b.text).expect("built-in parses");
        let nodes: usize = scenario.topologies.iter().map(|t| t.nodes.len()).sum();
        let mut app = App::new(
            TuiOptions {
                seed: scenario.seed,
                scenario,
                scenario_arg: b.name.to_string(),
                trial: 0,
                shocks: Vec::new(),
                scales: Vec::new(),
                lang_zh: false,
            },
            McMode::Inline,
        )
        .expect("app starts");
        app.update(Message::TogglePause);
        for _ in 0..40 {
            app.update(Message::Step);
        }
        let mut times = Vec::new();
        for (w, h) in [(160, 48), (120, 40)] {
            app.update(Message::Resize(w, h));
            let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            let frames = 300;
            let start = Instant::now();
            for _ in 0..frames {
                t.draw(|f| render(&app, f)).expect("draws");
            }
            times.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(frames));
        }
        // Chinese labels, the flow view and the inspector open: the heaviest frame.
        app.lang_zh = true;
        app.update(Message::ToggleFlow);
        app.update(Message::Open(chainmesh::tui::app::Mode::Inspect));
        app.update(Message::Resize(160, 48));
        let mut t = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
        let frames = 300;
        let start = Instant::now();
        for _ in 0..frames {
            t.draw(|f| render(&app, f)).expect("draws");
        }
        times.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(frames));
        // One step, flow breakdown included (replaying from step 0).
        let steps = 40;
        app.update(Message::Replay);
        let start = Instant::now();
        for _ in 0..steps {
            app.update(Message::Step);
        }
        let step = start.elapsed().as_secs_f64() * 1e6 / f64::from(steps);
        println!(
            "{:<24} {:>6} {:>10.0} {:>10.0} {:>16.0} {:>10.1}",
            b.name, nodes, times[0], times[1], times[2], step
        );
    }
}
