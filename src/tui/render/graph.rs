//! One topology's graph: nodes in layers from sources (left) to sinks
//! (right), links as braille lines, each label coloured by node state.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Line as CanvasLine};
use unicode_width::UnicodeWidthStr;

use super::{fit_label, pane, topology_color};
use crate::tui::app::App;
use crate::tui::layout::{NodeBox, inner, place};

/// Mark of a node that is up.
pub const UP: &str = "●";
/// Mark of a node that is down.
pub const DOWN: &str = "✗";
/// Mark of a node that came back up at this step.
pub const RECOVERED: &str = "↑";
/// Mark of an up assembler (a node with `needs`) that is making its product.
pub const ASSEMBLER: &str = "◆";
/// Mark of an up assembler that makes nothing: a part has no supplier left.
pub const STARVED: &str = "◇";

/// The label text of node `i` of topology `k` for a box `width` cells wide.
fn label(app: &App, k: usize, i: usize, width: usize, starved: &[bool]) -> String {
    let name = app.node_label(k, i);
    if app.live.is_down(k, i) {
        let left = app.live.remaining(k, i).to_string();
        // The repair countdown goes first when there is room for it and a name.
        if width >= left.len() + 3 {
            let name = fit_label(name, width - 1 - left.len() - 1);
            return format!("{DOWN}{name} {left}");
        }
        return format!("{DOWN}{}", fit_label(name, width.saturating_sub(1)));
    }
    let mark = if starved[i] {
        STARVED
    } else if app.live.recovered[k][i] {
        RECOVERED
    } else if app.base_scenario().topologies[k].nodes[i].is_assembler() {
        ASSEMBLER
    } else {
        UP
    };
    format!("{mark}{}", fit_label(name, width.saturating_sub(1)))
}

fn node_style(app: &App, k: usize, i: usize, starved: &[bool]) -> Style {
    let s = if app.live.is_down(k, i) {
        Style::default()
            .fg(Color::White)
            .bg(Color::Red)
            .add_modifier(Modifier::BOLD)
    } else if starved[i] {
        Style::default()
            .fg(Color::Yellow)
            .add_modifier(Modifier::BOLD)
    } else if app.live.recovered[k][i] {
        Style::default()
            .fg(Color::LightGreen)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::default().fg(Color::Green)
    };
    if app.selected == (k, i) {
        s.add_modifier(Modifier::REVERSED | Modifier::UNDERLINED)
    } else {
        s
    }
}

/// Draw topology `k` in `area` (with its border).
pub fn render(app: &App, k: usize, area: Rect, frame: &mut Frame) {
    let color = topology_color(k);
    let down = app.live.down_count(k);
    let nodes = app.base_scenario().topologies[k].nodes.len();
    let phi = format!("{:.2}", app.live.service(k));
    let counts = format!("{down}/{nodes} down");
    let room = usize::from(area.width).saturating_sub(4);
    let full_status = 4 + phi.len() + 3 + counts.len() + 1;
    // The label gives way first, then the down count.
    let (status_w, counts) = if room >= full_status + 10 {
        (full_status, counts)
    } else {
        (4 + phi.len() + 1, String::new())
    };
    let name = fit_label(
        app.topology_label(k),
        room.saturating_sub(status_w + 3).max(1),
    );
    let title = Line::from(vec![
        Span::raw(" "),
        Span::styled(
            name,
            Style::default().fg(color).add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
    ]);
    let mut spans = vec![
        Span::raw(" φ "),
        Span::styled(phi, Style::default().fg(color).add_modifier(Modifier::BOLD)),
    ];
    if !counts.is_empty() {
        spans.push(Span::raw(" · "));
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
    let status = Line::from(spans).right_aligned();
    let mut block = pane(title).title(status);
    if let Some(bill) = selected_bill(app, k) {
        block = block.title_bottom(Line::from(Span::styled(
            fit_label(&bill, room.max(1)),
            Style::default().fg(Color::Yellow),
        )));
    }
    frame.render_widget(block, area);
    let starved = app.live.starved(k);
    let inside = inner(area);
    if inside.width == 0 || inside.height == 0 {
        return;
    }
    let boxes = place(&app.columns[k], &app.label_widths(k), inside);
    let texts: Vec<String> = boxes
        .iter()
        .map(|b| label(app, k, b.node, usize::from(b.width), &starved))
        .collect();
    links(app, k, inside, &boxes, &texts, frame);
    let buf = frame.buffer_mut();
    for (b, text) in boxes.iter().zip(&texts) {
        buf.set_stringn(
            b.x,
            b.y,
            text,
            usize::from(b.width),
            node_style(app, k, b.node, &starved),
        );
    }
}

/// The bill of materials of the selected node, when it is an assembler of
/// topology `k`: " ◆ needs battery×1 (2) motor×1 (1) " (units per unit of
/// output, and in brackets the number of suppliers of the part).
fn selected_bill(app: &App, k: usize) -> Option<String> {
    let (sk, i) = app.selected;
    let topo = &app.base_scenario().topologies[k];
    if sk != k || !topo.nodes.get(i)?.is_assembler() {
        return None;
    }
    let parts: Vec<String> = crate::scenario::bom::supply(topo, i)
        .iter()
        .map(|s| format!("{}×{} ({})", s.part, s.qty, s.suppliers.len()))
        .collect();
    Some(format!(" {ASSEMBLER} needs {} ", parts.join(" ")))
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
    let mut lines = Vec::with_capacity(topo.links.len());
    for l in &topo.links {
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
            color: if broken { Color::Red } else { Color::DarkGray },
        });
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
