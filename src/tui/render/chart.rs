//! Service φ(t) of every topology on one chart, with the service-level line.

use crate::tui::render::{line_dataset, phi_axis};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart};

use super::{pane, topology_color};
use crate::tui::app::App;

/// Draw the chart in `area`.
pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    let steps = f64::from(app.live.steps().max(1));
    let level = app.live.prep().scenario.service_level;
    let series: Vec<Vec<(f64, f64)>> = app
        .live
        .history
        .iter()
        .map(|h| {
            h.iter()
                .enumerate()
                .map(|(t, &phi)| (t as f64, phi))
                .collect()
        })
        .collect();
    let level_line = [(0.0, level), (steps, level)];
    let mut datasets =
        vec![line_dataset(&level_line, Color::DarkGray).name(format!("service level {level}"))];
    for (k, data) in series.iter().enumerate() {
        datasets
            .push(line_dataset(data, topology_color(k)).name(app.topology_label(k).to_string()));
    }
    let grey = Style::default().fg(Color::DarkGray);
    let chart = Chart::new(datasets)
        .block(pane(title(app, level)))
        .x_axis(Axis::default().style(grey).bounds([0.0, steps]).labels([
            Span::raw("0"),
            Span::raw(format!("{}", (steps / 2.0).round())),
            Span::raw(format!("{steps}")),
        ]))
        .y_axis(phi_axis(grey))
        .legend_position(None);
    frame.render_widget(chart, area);
}

/// The title doubles as the legend: `φ(t) ━chain ━network ┄0.9`.
fn title(app: &App, level: f64) -> Line<'static> {
    let mut spans = vec![Span::raw(" φ(t) ")];
    for k in 0..app.columns.len() {
        spans.push(Span::styled(
            format!("━{} ", app.base_scenario().topologies[k].id),
            Style::default().fg(topology_color(k)),
        ));
    }
    spans.push(Span::styled(
        format!("┄level {level} "),
        Style::default().fg(Color::DarkGray),
    ));
    Line::from(spans)
}
