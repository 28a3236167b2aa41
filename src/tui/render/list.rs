//! A topology as a list, when its graph does not fit its panel: one row
//! per node (selection order) with its state and the flow through it now
//! against its capacity, so nothing is cut below a readable label.

use ratatui::Frame;
use ratatui::style::{Color, Style};
use unicode_width::UnicodeWidthStr;

use super::node::{labels, node_style};
use crate::tui::app::App;
use crate::tui::layout::NodeBox;
use crate::tui::text::pad_left;

/// Flow through a node as short text (`7.5`, `10`, `1.2k`).
pub fn flow_number(x: f64) -> String {
    if x.is_nan() {
        "–".to_string()
    } else if x >= 9999.5 {
        format!("{:.1}k", x / 1000.0)
    } else if (x - x.round()).abs() < 0.05 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// Draw the rows of topology `k` at `boxes` (from [`crate::tui::layout::arrange`]).
pub fn render(
    app: &App,
    k: usize,
    boxes: &[NodeBox],
    more: Option<(NodeBox, usize)>,
    frame: &mut Frame,
) {
    let topo = &app.base_scenario().topologies[k];
    let flows = &app.live.flows[k];
    // The number only when a readable label is left beside it.
    let rows: Vec<(usize, usize, String)> = boxes
        .iter()
        .map(|b| {
            let i = b.node;
            let w = usize::from(b.width);
            let number = format!(
                "{}/{}",
                flow_number(flows.node[i]),
                flow_number(topo.nodes[i].capacity)
            );
            if w >= number.width() + 1 + 1 + crate::tui::text::LABEL_FLOOR {
                (i, w - number.width() - 1, number)
            } else {
                (i, w, String::new())
            }
        })
        .collect();
    let nodes: Vec<(usize, usize)> = rows.iter().map(|&(i, name_w, _)| (i, name_w)).collect();
    let texts = labels(app, k, &nodes);
    let buf = frame.buffer_mut();
    for ((b, (i, name_w, number)), text) in boxes.iter().zip(rows).zip(texts) {
        let w = usize::from(b.width);
        buf.set_stringn(b.x, b.y, &text, name_w, node_style(app, k, i));
        if !number.is_empty() {
            let grey = Style::default().fg(Color::DarkGray);
            let x = b.x + (w - number.width()) as u16;
            buf.set_stringn(
                x,
                b.y,
                pad_left(&number, number.width()),
                number.width(),
                grey,
            );
        }
    }
    if let Some((slot, n)) = more {
        let text = if app.lang_zh {
            format!("+{n} 個（Tab）")
        } else {
            format!("+{n} more (Tab)")
        };
        let text = if text.width() <= usize::from(slot.width) {
            text
        } else {
            format!("+{n}")
        };
        buf.set_stringn(
            slot.x,
            slot.y,
            &text,
            usize::from(slot.width),
            Style::default().fg(Color::DarkGray),
        );
    }
}
