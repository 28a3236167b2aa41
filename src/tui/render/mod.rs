//! Drawing: a pure function of the [`App`] state, one file per pane.
//!
//! ```text
//! ┌──────────────────────────────────────────────────────────────────────┐
//! │ header: chainmesh │ seed │ trial │ t/steps │ speed │ state │ scenario │
//! ├─ topology 0 (chain) ──────────────┬─ topology 1 (network) ───────────┤
//! │ ●farm ── ●processor ── ●shop      │ ●farm ─┬ ●platform ─┬ ●consumer  │
//! │   (layers left → right,           │ ●AI   ─┘ ✗bank 3   ─┘           │
//! │    sources → sinks)               │  (stacked when narrow)           │
//! ├─ throughput φ(t) ──────┬─ Monte Carlo ─────────┬─ events ───────────┤
//! │ one line per topology, │ histogram of service, │ t12 chain farm ✗   │
//! │ service-level line     │ mean ± CI, P(better)  │ t16 chain farm ↑   │
//! ├────────────────────────┴───────────────────────┴────────────────────┤
//! │ footer: key hints (or a status message)                              │
//! │ $ chainmesh tui … --seed S --trial K (the reproduce command)         │
//! └──────────────────────────────────────────────────────────────────────┘
//! ```
//!
//! The node inspector (Enter) takes the place of the Monte Carlo and event
//! panes. Popups (help, parameters, command, number prompts, the scenario
//! picker, the node search, the lesson) are drawn on top. The
//! attack-tolerance sweep (`w`) replaces everything between the header and
//! the footer (`render/sweep.rs`, laid out by [`crate::tui::layout::sweep_screen`]).

mod chart;
mod events;
mod footer;
pub mod graph;
mod header;
mod help;
pub mod inspector;
pub mod line;
mod list;
mod monte_carlo;
pub mod node;
mod params;
mod picker;
mod popup;
mod sweep;

pub use crate::tui::text::fit;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Clear};
use unicode_width::UnicodeWidthStr;

use super::app::{App, Mode};
use super::layout::screen;

/// Line colour of each topology (cycled).
pub const TOPOLOGY_COLORS: [Color; 5] = [
    Color::LightYellow,
    Color::LightCyan,
    Color::LightMagenta,
    Color::LightBlue,
    Color::White,
];

/// Colour of topology `k`.
pub fn topology_color(k: usize) -> Color {
    TOPOLOGY_COLORS[k % TOPOLOGY_COLORS.len()]
}

/// The first frame, drawn before the scenario's first step is solved: its
/// name and how to quit, on a blank screen.
pub fn preparing(name: &str, zh: bool, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Clear, area);
    let text = if zh {
        format!(
            "chainmesh · 準備中：{} … (q 離開)",
            crate::tui::text::clean(name)
        )
    } else {
        format!(
            "chainmesh · preparing {} … (q quits)",
            crate::tui::text::clean(name)
        )
    };
    let line = Line::from(fit(&text, usize::from(area.width)));
    frame.render_widget(
        line,
        Rect {
            height: area.height.min(1),
            ..area
        },
    );
}

/// Draw the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if let Mode::Sweep { giant } = app.mode {
        sweep::render(app, giant, area, frame);
        return;
    }
    let s = screen(area, app.view.columns.len());
    header::render(app, s.header, frame);
    for (k, &r) in s.graphs.iter().enumerate() {
        graph::render(app, k, r, frame);
    }
    if s.hidden > 0 {
        hidden_note(app, &s, frame);
    }
    if app.view.region_view {
        region_legend(app, &s, frame);
    }
    chart::render(app, s.chart, frame);
    if app.mode == Mode::Inspect {
        // The inspector takes the Monte Carlo and event panes' place.
        let r = Rect {
            width: (s.log.x + s.log.width).saturating_sub(s.monte_carlo.x),
            ..s.monte_carlo
        };
        inspector::render(app, r, frame);
    } else {
        monte_carlo::render(app, s.monte_carlo, frame);
        events::render(app, s.log, frame);
    }
    footer::render(app, s.footer, frame);
    match &app.mode {
        Mode::Normal | Mode::Sweep { .. } | Mode::Inspect => {}
        Mode::Picker { selected } => picker::picker(app, *selected, area, frame),
        Mode::Search { text, selected } => picker::search(app, text, *selected, area, frame),
        Mode::Lesson { scroll } => picker::lesson(app, *scroll, area, frame),
        Mode::Help => help::render(app, area, frame),
        Mode::Params { selected } => params::render(app, *selected, area, frame),
        Mode::Command => popup::command(app, area, frame),
        Mode::Input { kind, text } => popup::input(app, *kind, text, area, frame),
    }
}

/// The note over the graphs' bottom border when topologies are not drawn:
/// `+2988 topologies not drawn (12 of 3000 shown) · chainmesh run compares all`.
fn hidden_text(app: &App, s: &super::layout::Screen) -> String {
    let total = s.graphs.len() + s.hidden;
    if app.lang_zh {
        format!(
            " 另有 {} 個拓樸未繪出（顯示 {}／{}）· chainmesh run 比較全部 ",
            s.hidden,
            s.graphs.len(),
            total
        )
    } else {
        format!(
            " +{} topologies not drawn ({} of {total} shown) · chainmesh run compares all ",
            s.hidden,
            s.graphs.len()
        )
    }
}

/// [`hidden_text`], over the bottom border of the graph panels.
fn hidden_note(app: &App, s: &super::layout::Screen, frame: &mut Frame) {
    let Some(last) = s.graphs.last() else {
        return;
    };
    let first = s.graphs[0];
    let text = hidden_text(app, s);
    let y = last.y + last.height.saturating_sub(1);
    let r = Rect {
        x: first.x + 1,
        y,
        width: (last.x + last.width).saturating_sub(first.x + 2),
        height: 1,
    };
    let line = Line::styled(
        fit(&text, usize::from(r.width)),
        Style::default()
            .fg(Color::Black)
            .bg(Color::LightYellow)
            .add_modifier(Modifier::BOLD),
    );
    frame.render_widget(ratatui::widgets::Paragraph::new(line), r);
}

/// The region view's legend (`z`): ` regions ●lowland ●hills … `, each name
/// in its region's colour, right-aligned over the bottom border of the
/// graph panels (beside the note of topologies not drawn, if any). Names
/// that do not fit are counted instead (`+2`); with no room for even that,
/// no legend (the header and the footer still say the view is on).
fn region_legend(app: &App, s: &super::layout::Screen, frame: &mut Frame) {
    use ratatui::text::Span;
    let (Some(first), Some(last)) = (s.graphs.first(), s.graphs.last()) else {
        return;
    };
    let y = last.y + last.height.saturating_sub(1);
    let left = first.x + 1;
    let right = (last.x + last.width).saturating_sub(1);
    let taken = if s.hidden > 0 {
        hidden_text(app, s).width() + 1
    } else {
        0
    };
    let room = usize::from(right.saturating_sub(left)).saturating_sub(taken);
    let grey = Style::default().fg(Color::Gray);
    let head = format!(" {}", app.tr("regions", "區域"));
    let names: Vec<String> = app
        .view
        .regions()
        .iter()
        .map(|n| format!(" {}{}", node::UP, crate::tui::text::clean(n)))
        .collect();
    let width_of = |shown: usize| -> usize {
        let rest = names.len() - shown;
        head.width()
            + names[..shown].iter().map(|n| n.width()).sum::<usize>()
            + if rest > 0 {
                format!(" +{rest}").width()
            } else {
                0
            }
            + 1
    };
    let Some(shown) = (0..=names.len()).rev().find(|&m| width_of(m) <= room) else {
        return;
    };
    let mut spans = vec![Span::styled(head.clone(), grey)];
    for (r, name) in names.iter().take(shown).enumerate() {
        spans.push(Span::styled(
            name.clone(),
            Style::default()
                .fg(node::region_color(r))
                .add_modifier(Modifier::BOLD),
        ));
    }
    if shown < names.len() {
        spans.push(Span::styled(format!(" +{}", names.len() - shown), grey));
    }
    spans.push(Span::raw(" "));
    let w = width_of(shown) as u16;
    let r = Rect {
        x: right - w,
        y,
        width: w,
        height: 1,
    };
    frame.render_widget(ratatui::widgets::Paragraph::new(Line::from(spans)), r);
}

/// A braille line series in one colour (φ curves, the service-level line).
pub(crate) fn line_dataset<'a>(
    data: &'a [(f64, f64)],
    color: Color,
) -> ratatui::widgets::Dataset<'a> {
    ratatui::widgets::Dataset::default()
        .marker(ratatui::symbols::Marker::Braille)
        .graph_type(ratatui::widgets::GraphType::Line)
        .style(Style::default().fg(color))
        .data(data)
}

/// The y axis of every φ chart: 0 to 1 (with headroom), labelled 0, .5, 1.
pub(crate) fn phi_axis<'a>(style: Style) -> ratatui::widgets::Axis<'a> {
    ratatui::widgets::Axis::default()
        .style(style)
        .bounds([0.0, 1.05])
        .labels(["0", ".5", "1"])
}

/// A bordered pane with a title.
pub(crate) fn pane<'a>(title: impl Into<Line<'a>>) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::default().fg(Color::DarkGray))
        .title(title)
}

/// Clear `r` and return a highlighted popup block for it.
pub(crate) fn popup_block<'a>(title: &'a str, r: Rect, frame: &mut Frame) -> Block<'a> {
    frame.render_widget(Clear, r);
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(Style::default().fg(Color::LightYellow))
        .title(Line::styled(
            format!(" {title} "),
            Style::default().add_modifier(Modifier::BOLD),
        ))
}

/// A label cut to `width` cells; a short last word (a number, a code) is
/// kept so `Processor 3` and `Processor 4` stay apart: `Proce…3`.
pub fn fit_label(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    if let Some((head, last)) = s.rsplit_once(' ')
        && !head.is_empty()
        && last.width() <= 3
        && width >= last.width() + 3
    {
        let room = width - last.width();
        // Always mark the cut, so `Farm 4` never reads as `Farm4`.
        let head = if head.width() < room {
            head.to_string()
        } else {
            fit(&format!("{head}…"), room)
        };
        return head + last;
    }
    fit(s, width)
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn fit_abbreviates_by_cells() {
        assert_eq!(fit("processor", 20), "processor");
        assert_eq!(fit("processor", 5), "proc…");
        assert_eq!(fit("processor", 1), "p");
        assert_eq!(fit("農場農場", 5), "農場…");
        assert_eq!(super::fit_label("Processor 3", 7), "Proce…3");
        assert_eq!(super::fit_label("Food processor", 7), "Food p…");
        assert_eq!(super::fit_label("Farm 4", 5), "Far…4");
    }
}
