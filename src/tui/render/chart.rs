//! Service φ(t) of every topology on one chart, with the service-level line.
//! A topology with stock adds a dotted line in its colour: its total stock
//! after each step as a share of its total max (same 0–1 axis), so the
//! buffer is seen draining and refilling under φ. Without stock the chart
//! is exactly as before.

use crate::tui::render::{line_dataset, phi_axis};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart};
use unicode_width::UnicodeWidthStr;

use super::line::{Part, fit_parts};
use super::{pane, topology_color};
use crate::tui::app::App;
use crate::tui::layout::MAX_PANES;

/// Draw the chart in `area`.
pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    let steps = f64::from(app.live.steps().max(1));
    let level = app.live.prep().scenario.service_level;
    // The drawn topologies only (see `layout::MAX_PANES`).
    let series: Vec<Vec<(f64, f64)>> = app
        .live
        .history
        .iter()
        .take(MAX_PANES)
        .map(|h| {
            h.iter()
                .enumerate()
                .map(|(t, &phi)| (t as f64, phi))
                .collect()
        })
        .collect();
    // The ghost: the same trial without the user's knock-outs, up to now.
    let ghosts: Vec<Vec<(f64, f64)>> = app
        .ghost()
        .map(|g| {
            g.iter()
                .take(MAX_PANES)
                .zip(&app.live.history)
                .map(|(ghost, live)| {
                    if ghost[..live.len().min(ghost.len())] == live[..] {
                        return Vec::new();
                    }
                    ghost
                        .iter()
                        .take(live.len())
                        .enumerate()
                        .map(|(t, &phi)| (t as f64, phi))
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    let stocks: Vec<Vec<(f64, f64)>> = app
        .live
        .stock_history
        .iter()
        .map(|h| {
            h.iter()
                .enumerate()
                .map(|(t, &share)| (t as f64, share))
                .collect()
        })
        .collect();
    let stocked = (0..app.live.topologies()).any(|k| app.live.stocked(k));
    let level_line = [(0.0, level), (steps, level)];
    let mut datasets =
        vec![line_dataset(&level_line, Color::DarkGray).name(format!("service level {level}"))];
    for g in &ghosts {
        datasets.push(line_dataset(g, GHOST));
    }
    for (k, data) in stocks.iter().enumerate() {
        if !data.is_empty() {
            datasets.push(stock_dataset(data, topology_color(k)));
        }
    }
    for (k, data) in series.iter().enumerate() {
        datasets
            .push(line_dataset(data, topology_color(k)).name(app.topology_label(k).into_owned()));
    }
    let grey = Style::default().fg(Color::DarkGray);
    let chart = Chart::new(datasets)
        .block(pane(title(
            app,
            level,
            ghosts.iter().any(|g| !g.is_empty()),
            stocked,
            usize::from(area.width).saturating_sub(2),
        )))
        .x_axis(Axis::default().style(grey).bounds([0.0, steps]).labels([
            Span::raw("0"),
            Span::raw(format!("{}", (steps / 2.0).round())),
            // A space after the last label: it never touches the border.
            Span::raw(format!("{steps} ")),
        ]))
        .y_axis(phi_axis(grey))
        .legend_position(None);
    frame.render_widget(chart, area);
}

/// The dotted stock line of one topology.
fn stock_dataset(data: &[(f64, f64)], color: Color) -> ratatui::widgets::Dataset<'_> {
    ratatui::widgets::Dataset::default()
        .marker(ratatui::symbols::Marker::Dot)
        .graph_type(ratatui::widgets::GraphType::Scatter)
        .style(Style::default().fg(color))
        .data(data)
}

/// Legend glyph of the dotted stock lines.
pub const STOCK_LEGEND: &str = "•";

/// Colour of the ghost lines (the trial without the user's knock-outs).
pub const GHOST: Color = Color::Gray;

/// The title doubles as the legend: `φ(t) ━chain ━network ━no k ┄level 0.9`
/// (`no k`: the ghost line, the trial without the knock-outs of `k` and `a`;
/// `•stock`, only with stock: the dotted lines, total stock / total max).
/// Fitted to `width` cells: when it does not fit, shorter forms, one step at
/// a time (`┄0.9`, then 1–3 letter topology ids, then `φ` for `φ(t)`), so
/// every series keeps its entry; only then pieces are dropped from the end
/// (the level first: it is last).
fn title(app: &App, level: f64, ghost: bool, stocked: bool, width: usize) -> Line<'static> {
    for compact in 0..=COMPACT_STEPS {
        let spans = title_spans(app, level, ghost, stocked, compact);
        let w: usize = spans.iter().map(|s| s.content.width()).sum();
        if w <= width || compact == COMPACT_STEPS {
            return fit_parts(spans.into_iter().map(Part::Whole).collect(), width);
        }
    }
    Line::default()
}

/// Steps of [`title_spans`]'s shortening.
const COMPACT_STEPS: u8 = 3;

/// The legend's pieces; `compact` 1: `┄0.9` for `┄level 0.9`; 2: also short
/// topology ids ([`App::topology_short`]); 3: also ` φ ` for ` φ(t) `.
fn title_spans(
    app: &App,
    level: f64,
    ghost: bool,
    stocked: bool,
    compact: u8,
) -> Vec<Span<'static>> {
    let mut spans = vec![Span::raw(if compact >= 3 { " φ " } else { " φ(t) " })];
    for k in 0..app.view.columns.len().min(MAX_PANES) {
        let id = if compact >= 2 {
            app.topology_short(k)
        } else {
            app.topology_id(k).into_owned()
        };
        spans.push(Span::styled(
            format!("━{id} "),
            Style::default().fg(topology_color(k)),
        ));
    }
    if ghost {
        spans.push(Span::styled(
            format!("━{} ", app.tr("no k", "無 k")),
            Style::default().fg(GHOST),
        ));
    }
    if stocked {
        spans.push(Span::raw(format!(
            "{STOCK_LEGEND}{} ",
            app.tr("stock", "庫存")
        )));
    }
    let level = if compact >= 1 {
        format!("┄{level} ")
    } else {
        format!("┄{} {level} ", app.tr("level", "門檻"))
    };
    spans.push(Span::styled(level, Style::default().fg(Color::DarkGray)));
    spans
}
