//! How one node looks, in the graph and in the list alike: the mark of its
//! state, its label (shortened word-wise, with the stock bar) and its style.

use ratatui::style::{Color, Modifier, Style};

use crate::tui::app::App;
use crate::tui::text::{LABEL_FLOOR, abbreviate_distinct};

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

/// Colours of regions in the region view (`z`), by the region's index in
/// order of first appearance in the scenario (cycled when there are more).
/// None is a state colour of a label (green up, light green recovered,
/// yellow starved, red down, light yellow on the cut), so a region's colour
/// never reads as a state; nodes without a region keep the state colours.
pub const REGION_COLORS: [Color; 8] = [
    Color::LightCyan,
    Color::LightMagenta,
    Color::Indexed(208),
    Color::LightBlue,
    Color::Indexed(141),
    Color::White,
    Color::Indexed(37),
    Color::Indexed(180),
];

/// The colour of the region at index `r` ([`REGION_COLORS`], cycled).
pub fn region_color(r: usize) -> Color {
    REGION_COLORS[r % REGION_COLORS.len()]
}

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

/// The labels of nodes `(node, width)` of topology `k` drawn in one pane
/// (boxes `width` cells wide): the mark of the node's state, its name
/// shortened to fit, the repair countdown of a node that is down when there
/// is room, and a stocked node's stock bar ([`stock_glyph`]) when there is
/// room for it beside a name. No two nodes with different names get the
/// same shortened name ([`abbreviate_distinct`]).
pub(crate) fn labels(app: &App, k: usize, nodes: &[(usize, usize)]) -> Vec<String> {
    let frames: Vec<(String, usize, String)> = nodes
        .iter()
        .map(|&(i, width)| frame_of(app, k, i, width))
        .collect();
    let names: Vec<_> = nodes.iter().map(|&(i, _)| app.node_label(k, i)).collect();
    let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    let rooms: Vec<usize> = frames.iter().map(|f| f.1).collect();
    abbreviate_distinct(&names, &rooms)
        .into_iter()
        .zip(frames)
        .map(|(name, (mark, _, tail))| format!("{mark}{name}{tail}"))
        .collect()
}

/// What goes around node `i`'s name in a box `width` cells wide: its mark,
/// the cells left for the name, and what follows it (the repair countdown
/// when there is room for it and a name, the stock bar).
fn frame_of(app: &App, k: usize, i: usize, width: usize) -> (String, usize, String) {
    let (bar, width) = match app.live.stock[k][i] {
        Some(s) if width > LABEL_FLOOR => (stock_glyph(s.level, s.max), width - 1),
        _ => ("", width),
    };
    if app.live.is_down(k, i) {
        let left = app.live.remaining(k, i).to_string();
        // The repair countdown goes first when there is room for it and a name.
        if width >= left.len() + 2 + LABEL_FLOOR {
            return (
                DOWN.into(),
                width - 1 - left.len() - 1,
                format!(" {left}{bar}"),
            );
        }
        return (DOWN.into(), width.saturating_sub(1), bar.into());
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
    (mark.into(), width.saturating_sub(1), bar.into())
}

/// The style of node `i` of topology `k`'s label.
pub(crate) fn node_style(app: &App, k: usize, i: usize) -> Style {
    let on_cut = app.view.flow_view && app.live.flows[k].cut_nodes[i];
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
    // The region view recolours nodes that are up and off the cut (a node
    // that is down stays white on red: its state comes first).
    let s = match app.view.region_index(k, i) {
        Some(r) if app.view.region_view && !on_cut && !app.live.is_down(k, i) => {
            s.fg(region_color(r))
        }
        _ => s,
    };
    if app.view.selected == (k, i) {
        s.add_modifier(Modifier::REVERSED | Modifier::UNDERLINED)
    } else {
        s
    }
}
