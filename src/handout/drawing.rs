//! A drawing of each topology for the handout, as SVG (no Graphviz needed).
//!
//! ```text
//!   sources        relays (by hops from a source)        sinks
//!   ● farm ──────▶ ● mill ──────▶ ◆ plant ──────▶ ● shop
//!   ● farm 2 ────▶ ● mill 2 ───╯
//! ```
//!
//! Layout: a node's column is its directed hop distance from the nearest
//! source (links followed in their direction, `both_ways` links both ways);
//! nodes no source reaches go in a last column — [`layers`] with
//! [`SinkLayer::Hops`] (sinks stay at their hop distance; the TUI moves them
//! right with [`SinkLayer::Last`]). Within a column nodes keep
//! their file order. Circles are pools coloured by role (source, relay,
//! sink), diamonds are assemblers (nodes with `needs`). Every label from the
//! file is escaped for XML ([`crate::report::escape::html`]).

use std::fmt::Write as _;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::lang::Lang;
use crate::network::{SinkLayer, layers};
use crate::report::escape::html;
use crate::scenario::{Role, Topology};

const COLUMN: f64 = 170.0;
const ROW: f64 = 34.0;
const MARGIN: f64 = 24.0;
const RADIUS: f64 = 7.0;
/// Labels longer than this many characters end in `…`.
const LABEL_CHARS: usize = 20;

/// `label` cut to [`LABEL_CHARS`] columns of display width (a CJK
/// character counts two), ending in `…` when cut.
fn short(label: &str) -> String {
    if label.width() <= LABEL_CHARS {
        label.to_string()
    } else {
        let mut s = String::new();
        let mut used = 0;
        for c in label.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > LABEL_CHARS - 1 {
                break;
            }
            s.push(c);
            used += w;
        }
        s.push('…');
        s
    }
}

/// The SVG drawing of `topo`, titled with its label.
pub fn topology_svg(topo: &Topology, lang: Lang) -> String {
    let col = layers(topo, SinkLayer::Hops);
    let ncols = col.iter().max().map_or(1, |c| c + 1);
    let mut row = vec![0usize; topo.nodes.len()];
    let mut filled = vec![0usize; ncols];
    for (i, &c) in col.iter().enumerate() {
        row[i] = filled[c];
        filled[c] += 1;
    }
    let rows = filled.iter().copied().max().unwrap_or(1).max(1);
    let width = 2.0 * MARGIN + COLUMN * ncols as f64;
    let height = 2.0 * MARGIN + 24.0 + ROW * rows as f64;
    let at = |i: usize| {
        (
            MARGIN + 12.0 + COLUMN * col[i] as f64,
            MARGIN + 24.0 + ROW * (row[i] as f64 + 0.5),
        )
    };
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"Noto Sans, Noto Sans CJK TC, PingFang TC, Microsoft JhengHei, sans-serif\" font-size=\"11\">"
    );
    svg.push_str(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" \
markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#888\"/>\
</marker></defs>\n",
    );
    let _ = writeln!(
        svg,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"13\" font-weight=\"bold\">{} ({})</text>",
        MARGIN + 4.0,
        html(&topo.label),
        match lang {
            Lang::En => format!("{} nodes, {} links", topo.nodes.len(), topo.links.len()),
            Lang::ZhTw => format!("{} 個節點、{} 條連結", topo.nodes.len(), topo.links.len()),
        }
    );
    for l in &topo.links {
        let (x1, y1) = at(l.from);
        let (x2, y2) = at(l.to);
        // Stop the line at the circle's edge so the arrow head shows.
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        let (ux, uy) = (dx / len, dy / len);
        let (sx, sy) = (x1 + ux * RADIUS, y1 + uy * RADIUS);
        let (ex, ey) = (x2 - ux * (RADIUS + 1.0), y2 - uy * (RADIUS + 1.0));
        let start = if l.both_ways {
            " marker-start=\"url(#arrow)\""
        } else {
            ""
        };
        let _ = writeln!(
            svg,
            "<line class=\"link\" x1=\"{sx:.1}\" y1=\"{sy:.1}\" x2=\"{ex:.1}\" y2=\"{ey:.1}\" stroke=\"#888\" \
stroke-width=\"1\" marker-end=\"url(#arrow)\"{start}/>"
        );
    }
    for (i, n) in topo.nodes.iter().enumerate() {
        let (x, y) = at(i);
        let fill = match n.role {
            Role::Source => "#2e7d32",
            Role::Relay => "#1565c0",
            Role::Sink => "#ef6c00",
        };
        if n.is_assembler() {
            let r = RADIUS + 1.5;
            let _ = writeln!(
                svg,
                "<path class=\"node\" d=\"M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} z\" fill=\"{fill}\"/>",
                y - r,
                x + r,
                y + r,
                x - r
            );
        } else {
            let _ = writeln!(
                svg,
                "<circle class=\"node\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{RADIUS}\" fill=\"{fill}\"/>"
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + RADIUS + 4.0,
            y + 4.0,
            html(&short(&n.label))
        );
    }
    let legend_y = height - 8.0;
    let _ = writeln!(
        svg,
        "<text x=\"{MARGIN}\" y=\"{legend_y:.0}\" fill=\"#555\">{}</text>",
        lang.pick(
            "● source (green) · relay (blue) · sink (orange) · ◆ assembler (needs every part) · \
arrows: direction of flow",
            "● 來源（綠）· 中繼（藍）· 終端（橘）· ◆ 組裝者（需要每一種零件）· 箭頭：流動方向"
        )
    );
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn topo(text: &str) -> Topology {
        let s = Scenario::from_toml("t.toml", text).expect("valid");
        s.topologies[0].clone()
    }

    #[test]
    fn columns_are_hops_from_the_sources() {
        let t = topo(
            "[scenario]\nname = \"t\"\nsector = \"other\"\n[[topology]]\nid = \"g\"\n\
[[topology.node]]\nid = \"a\"\nrole = \"source\"\n[[topology.node]]\nid = \"b\"\n\
[[topology.node]]\nid = \"c\"\nrole = \"sink\"\n[[topology.node]]\nid = \"d\"\n\
[[topology.link]]\nfrom = \"a\"\nto = \"b\"\n[[topology.link]]\nfrom = \"b\"\nto = \"c\"\n\
[[topology.link]]\nfrom = \"a\"\nto = \"c\"\n[[topology.link]]\nfrom = \"d\"\nto = \"c\"\n",
        );
        // c is one hop from a directly; d is reached by no source: last column.
        assert_eq!(layers(&t, SinkLayer::Hops), vec![0, 1, 1, 2]);
    }
}
