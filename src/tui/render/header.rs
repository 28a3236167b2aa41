//! The header line: what is on screen and whether it is moving.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use super::line::{Part, fit_parts};
use crate::tui::app::App;
use crate::tui::playback::SPEEDS;

/// `chainmesh │ seed 42 │ trial 0 │ t 12/99 │ 8 steps/s │ ▶ running │ name [sector]`,
/// cut at whole pieces (only the name is abbreviated), never inside a number.
pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    let sep = || Part::Whole(Span::styled(" │ ", Style::default().fg(Color::DarkGray)));
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let (state, color) = if app.live.finished() {
        (app.tr("■ done", "■ 結束"), Color::LightBlue)
    } else if !app.running() {
        // Paused by the user, or waiting behind the picker.
        (app.tr("⏸ paused", "⏸ 暫停"), Color::LightYellow)
    } else {
        (app.tr("▶ running", "▶ 執行中"), Color::LightGreen)
    };
    let speed = SPEEDS[app.playback.speed];
    let speed = if app.lang_zh {
        format!("每秒 {speed} 步")
    } else {
        format!("{speed} steps/s")
    };
    let w = |s: Span<'static>| Part::Whole(s);
    let width = usize::from(area.width);
    let name = app.scenario_name().into_owned();
    // The scenario's name matters more than the speed and the view tags:
    // those give way first, so at least the floor of the name shows.
    for level in 0..3 {
        let mut parts = vec![
            w(Span::styled(
                " chainmesh ",
                Style::default()
                    .fg(Color::Black)
                    .bg(Color::LightCyan)
                    .add_modifier(Modifier::BOLD),
            )),
            w(Span::raw(" ")),
            w(Span::styled(
                format!("{} {}", app.tr("seed", "種子"), app.seed()),
                bold,
            )),
            sep(),
            w(Span::styled(
                format!("{} {}", app.tr("trial", "試驗"), app.trial()),
                bold,
            )),
            sep(),
            w(Span::styled(
                format!("t {}", shown_step(app.live.t(), app.live.steps())),
                bold,
            )),
        ];
        if level < 2 {
            parts.push(sep());
            parts.push(w(Span::raw(speed.clone())));
        }
        parts.push(sep());
        parts.push(w(Span::styled(
            state,
            Style::default().fg(color).add_modifier(Modifier::BOLD),
        )));
        if level < 1 && !app.params.is_default() {
            parts.push(sep());
            parts.push(w(Span::styled(
                app.tr("modified parameters", "參數已修改"),
                Style::default().fg(Color::LightMagenta),
            )));
        }
        if level < 1 && app.view.flow_view {
            parts.push(sep());
            parts.push(w(Span::styled(
                app.tr("flow view", "流量檢視"),
                Style::default().fg(crate::tui::render::node::CUT),
            )));
        }
        if level < 1 && app.view.region_view {
            parts.push(sep());
            parts.push(w(Span::styled(
                app.tr("regions", "區域著色"),
                Style::default().fg(crate::tui::render::node::region_color(0)),
            )));
        }
        if baselines_differ(app) {
            parts.push(sep());
            parts.push(w(Span::styled(
                app.tr("⚠ baselines differ", "⚠ 基準不同"),
                Style::default()
                    .fg(Color::LightYellow)
                    .add_modifier(Modifier::BOLD),
            )));
        }
        parts.push(sep());
        parts.push(Part::Cut(Span::styled(name.clone(), bold)));
        parts.push(w(Span::styled(
            format!(" [{}]", app.sector_name(app.base_scenario().sector)),
            Style::default().fg(Color::DarkGray),
        )));
        // One span per part: the name is the one before the sector.
        let name_at = parts.len() - 2;
        let line = fit_parts(parts, width);
        let shows_name = line.spans.len() > name_at;
        if shows_name || level == 2 {
            frame.render_widget(Paragraph::new(line), area);
            return;
        }
    }
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
