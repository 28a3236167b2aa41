//! One topology's graph: nodes in layers from sources (left) to sinks
//! (right), links as braille lines, each label coloured by node state.
//! When the labels would drop below `LABEL_FLOOR` cells the topology is
//! listed instead (`render/list.rs`). In the flow view (`f`) links are
//! drawn brighter the more they carry now, and the minimum cut — the
//! bottleneck of this step — is highlighted in yellow.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Line as CanvasLine};
use unicode_width::UnicodeWidthStr;

use super::node::{CUT, labels, node_style};
use super::{list, pane, topology_color};
use crate::tui::app::App;
use crate::tui::layout::{NodeBox, inner};
use crate::tui::text::abbreviate;

/// The panel title: the label where it fits, else the topology's id (never
/// less), with φ and the down count on the right while they fit.
fn titles(app: &App, k: usize, width: usize) -> (Line<'static>, Line<'static>) {
    let color = topology_color(k);
    let down = app.live.down_count(k);
    let nodes = app.base_scenario().topologies[k].nodes.len();
    let phi = format!("{:.2}", app.live.service(k));
    // The trial's cost so far per unit, in scenarios with costs: it rides
    // with the down count and gives way with it.
    let cost = app.live.cost(k).map_or_else(String::new, |c| {
        let unit = app.tr("/u", "/單位");
        format!("{}{c:.1}{unit} · ", app.base_scenario().currency())
    });
    let counts = format!("{down}/{nodes} {}", app.tr("down", "停擺"));
    let room = width.saturating_sub(4);
    let label = app.topology_label(k).into_owned();
    let id = app.topology_id(k).into_owned();
    let full = 4 + phi.width() + 3 + cost.width() + counts.width() + 1;
    let short = 4 + phi.width() + 1;
    // The label gives way to the id first, then the down count, then φ:
    // the id is never cut while the panel has room for it alone.
    let found = [
        (&label, full),
        (&id, full),
        (&label, short),
        (&id, short),
        (&id, 0),
    ]
    .into_iter()
    .find(|(n, status)| n.width() + 2 + status <= room);
    let (name, status) = match found {
        Some((n, status)) => (n.clone(), status),
        None => (abbreviate(&id, room.saturating_sub(2).max(1)), 0),
    };
    let counts = if status == full {
        counts
    } else {
        String::new()
    };
    let title = Line::from(vec![
        Span::raw(" "),
        Span::styled(
            name,
            Style::default().fg(color).add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
    ]);
    if status == 0 {
        return (title, Line::raw(""));
    }
    let mut spans = vec![
        Span::raw(" φ "),
        Span::styled(phi, Style::default().fg(color).add_modifier(Modifier::BOLD)),
    ];
    if !counts.is_empty() {
        spans.push(Span::raw(" · "));
        if !cost.is_empty() {
            spans.push(Span::raw(cost));
        }
        spans.push(Span::styled(
            counts,
            if down > 0 {
                Style::default().fg(Color::LightRed)
            } else {
                Style::default().fg(Color::DarkGray)
            },
        ));
    }
    spans.push(Span::raw(" "));
    (title, Line::from(spans).right_aligned())
}

/// Draw topology `k` in `area` (with its border).
pub fn render(app: &App, k: usize, area: Rect, frame: &mut Frame) {
    let (title, status) = titles(app, k, usize::from(area.width));
    frame.render_widget(pane(title).title(status), area);
    let inside = inner(area);
    if inside.width == 0 || inside.height == 0 {
        return;
    }
    let arranged = app.arrangement(k, inside);
    if arranged.list {
        list::render(app, k, &arranged.boxes, arranged.more, frame);
        return;
    }
    let boxes = arranged.boxes;
    let nodes: Vec<(usize, usize)> = boxes
        .iter()
        .map(|b| (b.node, usize::from(b.width)))
        .collect();
    let texts = labels(app, k, &nodes);
    links(app, k, inside, &boxes, &texts, frame);
    let buf = frame.buffer_mut();
    for (b, text) in boxes.iter().zip(&texts) {
        buf.set_stringn(
            b.x,
            b.y,
            text,
            usize::from(b.width),
            node_style(app, k, b.node),
        );
    }
}

/// The colour of link `j` of topology `k`: red when an end is down; in the
/// flow view yellow on the minimum cut, else brighter the more it carries
/// (against the busiest link of the topology now).
fn link_color(app: &App, k: usize, j: usize, broken: bool, busiest: f64) -> Color {
    if broken {
        return Color::Red;
    }
    if !app.view.flow_view {
        return Color::DarkGray;
    }
    let f = &app.live.flows[k];
    if f.cut_links[j] {
        return CUT;
    }
    let share = if busiest > 0.0 {
        f.link[j] / busiest
    } else {
        0.0
    };
    match share {
        s if s > 2.0 / 3.0 => Color::White,
        s if s > 1.0 / 3.0 => Color::Gray,
        s if s > 0.0 => Color::DarkGray,
        // Idle links almost fade out.
        _ => Color::Indexed(237),
    }
}

/// Links as lines from the right end of a label to the left of the next.
fn links(app: &App, k: usize, area: Rect, boxes: &[NodeBox], texts: &[String], frame: &mut Frame) {
    let topo = &app.base_scenario().topologies[k];
    let n = topo.nodes.len();
    let mut at: Vec<Option<(f64, f64, f64)>> = vec![None; n];
    let (ox, oy) = (f64::from(area.x), f64::from(area.y));
    let h = f64::from(area.height);
    for (b, t) in boxes.iter().zip(texts) {
        let left = f64::from(b.x) - ox;
        let right = left + t.width() as f64;
        let y = h - (f64::from(b.y) - oy) - 0.5;
        at[b.node] = Some((left, right, y));
    }
    let busiest = app.live.flows[k].link.iter().copied().fold(0.0, f64::max);
    let mut lines = Vec::with_capacity(topo.links.len());
    for (j, l) in topo.links.iter().enumerate() {
        let (Some(a), Some(b)) = (at[l.from], at[l.to]) else {
            continue;
        };
        let (x1, x2) = if b.0 >= a.1 {
            (a.1 + 0.2, b.0 - 0.2)
        } else if a.0 >= b.1 {
            (a.0 - 0.2, b.1 + 0.2)
        } else {
            ((a.0 + a.1) / 2.0, (b.0 + b.1) / 2.0)
        };
        let broken = app.live.is_down(k, l.from) || app.live.is_down(k, l.to);
        lines.push(CanvasLine {
            x1,
            y1: a.2,
            x2,
            y2: b.2,
            color: link_color(app, k, j, broken, busiest),
        });
    }
    // Brightest last, so busy and cut links stay visible where lines cross.
    if app.view.flow_view {
        let rank = |c: Color| match c {
            Color::Indexed(_) => 0,
            Color::DarkGray => 1,
            Color::Gray => 2,
            Color::White => 3,
            _ => 4,
        };
        lines.sort_by_key(|l| rank(l.color));
    }
    let canvas = Canvas::default()
        .marker(Marker::Braille)
        .x_bounds([0.0, f64::from(area.width)])
        .y_bounds([0.0, h])
        .paint(move |ctx| {
            for l in &lines {
                ctx.draw(l);
            }
        });
    frame.render_widget(canvas, area);
}
