//! The event log: which nodes went down or up, when, and why.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{pane, topology_color};
use crate::sim::{Cause, EventKind};
use crate::tui::app::{App, ShockOrigin};
use crate::tui::layout::inner;

/// Why a node went down, in words.
pub fn cause_text(app: &App, cause: Cause) -> String {
    match cause {
        Cause::Random => "failure".into(),
        Cause::Shock(k) => match app.origins.get(k) {
            Some(ShockOrigin::Scenario(Some(label))) => format!("shock: {label}"),
            Some(ShockOrigin::Scenario(None)) => "scripted shock".into(),
            Some(ShockOrigin::Cli) => "--shock".into(),
            Some(ShockOrigin::Manual(_)) => "you (k)".into(),
            Some(ShockOrigin::Attack(kind)) => format!("attack: {}", kind.select()),
            None => format!("shock {k}"),
        },
    }
}

/// Rows of the event pane given to the scenario's lesson, when it is tall enough.
const LESSON_ROWS: u16 = 4;

/// Draw the scenario's lesson (when the pane has room) and the newest events
/// that fit in `area`.
pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    let count = app.live.log.len();
    frame.render_widget(pane(format!(" events ({count}) ")), area);
    let mut r = inner(area);
    if let Some(lesson) = &app.base_scenario().lesson
        && r.height >= 3 * LESSON_ROWS
    {
        let top = Rect {
            height: LESSON_ROWS,
            ..r
        };
        let text = Paragraph::new(Line::from(vec![
            Span::styled("look for: ", Style::default().fg(Color::LightYellow)),
            Span::styled(lesson.as_str(), Style::default().fg(Color::Gray)),
        ]))
        .wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(text, top);
        r.y += LESSON_ROWS;
        r.height -= LESSON_ROWS;
    }
    let rows = usize::from(r.height);
    let grey = Style::default().fg(Color::DarkGray);
    let red = Style::default().fg(Color::LightRed);
    let green = Style::default().fg(Color::LightGreen);
    let wide = r.width >= 36;
    let lines: Vec<Line> = app
        .live
        .log
        .iter()
        .rev()
        .take(rows)
        .map(|e| {
            let ev = e.event;
            let topo = &app.base_scenario().topologies[e.topo];
            let name = Span::styled(
                app.node_label(e.topo, ev.node).to_string(),
                Style::default().fg(topology_color(e.topo)),
            );
            let mut spans = vec![Span::styled(format!("t{:<3} ", ev.step), grey)];
            // The topology id when there is room; its colour always.
            if wide {
                spans.push(Span::styled(
                    format!("{} ", topo.id),
                    Style::default().fg(topology_color(e.topo)),
                ));
            }
            match ev.kind {
                EventKind::Down { cause, until } => {
                    spans.push(Span::styled("✗ ", red));
                    spans.push(name);
                    spans.push(Span::styled(format!(" {}", cause_text(app, cause)), red));
                    spans.push(Span::styled(format!(" →t{until}"), grey));
                }
                EventKind::Up => {
                    spans.push(Span::styled("↑ ", green));
                    spans.push(name);
                    spans.push(Span::styled(" up", green));
                }
            }
            Line::from(spans)
        })
        .collect();
    if lines.is_empty() {
        let hint = if app.live.t() == 0 {
            "nothing yet: space runs, n steps"
        } else {
            "no failures so far"
        };
        frame.render_widget(Paragraph::new(Span::styled(hint, grey)), r);
    } else {
        frame.render_widget(Paragraph::new(lines), r);
    }
}
