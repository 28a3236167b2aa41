//! The header line: what is on screen and whether it is moving.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::{App, SPEEDS};

/// `chainmesh │ seed 42 │ trial 0 │ t 12/99 │ 8 steps/s │ ▶ running │ name [sector]`.
pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    let sep = || Span::styled(" │ ", Style::default().fg(Color::DarkGray));
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let (state, color) = if app.live.finished() {
        ("■ done", Color::LightBlue)
    } else if app.paused {
        ("⏸ paused", Color::LightYellow)
    } else {
        ("▶ running", Color::LightGreen)
    };
    let speed = SPEEDS[app.speed];
    let mut spans = vec![
        Span::styled(
            " chainmesh ",
            Style::default()
                .fg(Color::Black)
                .bg(Color::LightCyan)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
        Span::raw("seed "),
        Span::styled(app.seed().to_string(), bold),
        sep(),
        Span::raw("trial "),
        Span::styled(app.trial().to_string(), bold),
        sep(),
        Span::raw("t "),
        Span::styled(shown_step(app.live.t(), app.live.steps()), bold),
        sep(),
        Span::raw(format!("{speed} steps/s")),
        sep(),
        Span::styled(
            state,
            Style::default().fg(color).add_modifier(Modifier::BOLD),
        ),
    ];
    if !app.params.is_default() {
        spans.push(sep());
        spans.push(Span::styled(
            "modified parameters",
            Style::default().fg(Color::LightMagenta),
        ));
    }
    if baselines_differ(app) {
        spans.push(sep());
        spans.push(Span::styled(
            "⚠ baselines differ",
            Style::default()
                .fg(Color::LightYellow)
                .add_modifier(Modifier::BOLD),
        ));
    }
    spans.push(sep());
    spans.push(Span::styled(app.scenario_name().to_string(), bold));
    spans.push(Span::styled(
        format!(" [{}]", app.base_scenario().sector),
        Style::default().fg(Color::DarkGray),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The header's step, in the one convention of events, `trace` and
/// `--shock at=`: the 0-based index of the last step shown, over the last
/// index (`t 7/119` right after step 7 of 120; `t –/119` before step 0).
pub fn shown_step(done: u32, steps: u32) -> String {
    let last = steps.saturating_sub(1);
    match done.checked_sub(1) {
        Some(t) => format!("{t}/{last}"),
        None => format!("–/{last}"),
    }
}

/// The topologies' baselines are not all equal (service is relative to each
/// one's own; `run` and `report` print the full warning).
fn baselines_differ(app: &App) -> bool {
    let prep = app.live.prep();
    let pairs: Vec<(&str, f64)> = prep
        .scenario
        .topologies
        .iter()
        .zip(&prep.topologies)
        .map(|(t, p)| (t.id.as_str(), p.net.baseline()))
        .collect();
    crate::report::notes::baseline_warning(&pairs).is_some()
}
