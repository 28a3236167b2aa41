//! How one node looks, in the graph and in the list alike: the mark of its
//! state, its label (shortened word-wise, with the stock bar) and its style.

use ratatui::style::{Color, Modifier, Style};

use crate::tui::app::App;
use crate::tui::text::{LABEL_FLOOR, abbreviate};

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

/// Colour of links and labels on the minimum cut in the flow view.
pub const CUT: Color = Color::LightYellow;

/// Fill glyphs of a stock bar, from a sliver (level > 0) to full.
pub const STOCK_BARS: [&str; 8] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
/// Glyph of a stocked node whose stock is empty.
pub const STOCK_EMPTY: &str = "·";

/// The one-cell stock bar of a stock at `level` of `max` (max > 0): empty
/// only at 0, full only at max, eighths in between (rounded up).
pub fn stock_glyph(level: f64, max: f64) -> &'static str {
    let share = if max > 0.0 {
        (level / max).clamp(0.0, 1.0)
    } else {
        0.0
    };
    if share <= 0.0 {
        return STOCK_EMPTY;
    }
    if share >= 1.0 {
        return STOCK_BARS[7];
    }
    // Strictly between empty and full: ▁ … ▇.
    let eighths = (share * 8.0).ceil().clamp(1.0, 7.0) as usize;
    STOCK_BARS[eighths - 1]
}

/// The label text of node `i` of topology `k` for a box `width` cells wide.
/// A stocked node's label ends with its stock bar ([`stock_glyph`]) when
/// there is room for it beside a name; other labels are unchanged.
pub(crate) fn label(app: &App, k: usize, i: usize, width: usize) -> String {
    match app.live.stock[k][i] {
        Some(s) if width > LABEL_FLOOR => {
            let mut text = bare_label(app, k, i, width - 1);
            text.push_str(stock_glyph(s.level, s.max));
            text
        }
        _ => bare_label(app, k, i, width),
    }
}

/// The label without the stock bar.
fn bare_label(app: &App, k: usize, i: usize, width: usize) -> String {
    let name = app.node_label(k, i);
    if app.live.is_down(k, i) {
        let left = app.live.remaining(k, i).to_string();
        // The repair countdown goes first when there is room for it and a name.
        if width >= left.len() + 2 + LABEL_FLOOR {
            let name = abbreviate(&name, width - 1 - left.len() - 1);
            return format!("{DOWN}{name} {left}");
        }
        return format!("{DOWN}{}", abbreviate(&name, width.saturating_sub(1)));
    }
    let mark = if app.live.starved[k][i] {
        STARVED
    } else if app.live.recovered[k][i] {
        RECOVERED
    } else if app.base_scenario().topologies[k].nodes[i].is_assembler() {
        ASSEMBLER
    } else {
        UP
    };
    format!("{mark}{}", abbreviate(&name, width.saturating_sub(1)))
}

/// The style of node `i` of topology `k`'s label.
pub(crate) fn node_style(app: &App, k: usize, i: usize) -> Style {
    let on_cut = app.flow_view && app.live.flows[k].cut_nodes[i];
    let s = if app.live.is_down(k, i) {
        Style::default()
            .fg(if on_cut { CUT } else { Color::White })
            .bg(Color::Red)
            .add_modifier(Modifier::BOLD)
    } else if on_cut {
        Style::default()
            .fg(Color::Black)
            .bg(CUT)
            .add_modifier(Modifier::BOLD)
    } else if app.live.starved[k][i] {
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
