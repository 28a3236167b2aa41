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
//!
//! Regions: when nodes of the topology have a `region`, each such node gets
//! a ring in its region's colour (the fill keeps its role) and a second
//! legend line names the regions in their colours, so a reader sees which
//! backups share a region. A region's colour is its index among the
//! scenario's regions in order of first appearance
//! ([`crate::scenario::hazard::regions_in_order`]), the same in every
//! drawing of the scenario. A topology without regions is drawn exactly as
//! before (the same bytes).
//!
//! Labels are never cut: a label wraps onto two lines (at spaces, or between
//! CJK characters, as the TUI wraps: [`crate::lang::wrap`]), and each column is as wide as its
//! widest label. Links never cross a label: a link leaves its node by a
//! short stub to the right of the node's label, to the column's port line;
//! a link to the next column then runs through the gutter between the
//! columns' labels to the left of its target; any other link (same column,
//! backwards) runs along the lane between two rows, where no label is, and
//! down the gutter left of its target.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use crate::lang::Lang;
use crate::network::{SinkLayer, layers};
use crate::report::escape::html;
use crate::scenario::{Role, Topology};

const ROW: f64 = 40.0;
const MARGIN: f64 = 24.0;
const RADIUS: f64 = 7.0;
/// Gap between a node and its label, and between a label and its stub.
const PAD: f64 = 4.0;
/// Free width between a column's port line and the next column's nodes.
const GUTTER: f64 = 56.0;
/// Labels up to this many columns of display width stay on one line; longer
/// ones wrap onto two lines of at least this width.
const LINE_CELLS: usize = 22;
/// Width of one display cell at the 11 px label font, generously (Noto Sans
/// averages about 6 px a Latin character and 11 px a CJK one).
const CELL_PX: f64 = 6.4;
/// Line height of a two-line label.
const LINE_PX: f64 = 13.0;
/// Height above and below a node's centre that its label may take.
const LABEL_HALF: f64 = 14.0;

/// Ring colours of regions, by a region's index among the scenario's
/// regions (cycled). None is a role colour (green, blue, orange).
const REGION_COLORS: [&str; 8] = [
    "#d81b60", "#8e24aa", "#00acc1", "#6d4c41", "#ffb300", "#546e7a", "#afb42b", "#e53935",
];
/// Width of a region ring around a node.
const RING: f64 = 3.0;
/// Height of the region legend line.
const LEGEND_LINE: f64 = 16.0;

/// The ring colour of the region at index `r` among the scenario's regions.
pub fn region_color(r: usize) -> &'static str {
    REGION_COLORS[r % REGION_COLORS.len()]
}

/// `label` on one line, or wrapped onto two lines: the narrowest width from
/// [`LINE_CELLS`] up that needs no more than two (so nothing is ever cut).
fn label_lines(label: &str) -> Vec<String> {
    if label.width() <= LINE_CELLS {
        return vec![label.to_string()];
    }
    (LINE_CELLS..=label.width())
        .map(|w| crate::lang::wrap(label, w))
        .find(|lines| lines.len() <= 2)
        .unwrap_or_else(|| vec![label.to_string()])
}

/// Width in pixels of a label's longest line.
fn label_px(lines: &[String]) -> f64 {
    lines.iter().map(|l| l.width()).max().unwrap_or(0) as f64 * CELL_PX
}

/// Where everything of one drawing goes.
#[derive(Debug, Clone)]
struct Drawing {
    width: f64,
    height: f64,
    /// Centre of every node.
    at: Vec<(f64, f64)>,
    /// Label lines of every node, and their baseline positions.
    labels: Vec<Vec<(f64, f64, String)>>,
    /// Box every node's label takes: (x0, y0, x1, y1) (the tests check
    /// that no link crosses one).
    #[cfg_attr(not(test), allow(dead_code))]
    boxes: Vec<(f64, f64, f64, f64)>,
    /// Every link's polyline, in link order.
    links: Vec<Vec<(f64, f64)>>,
}

fn layout(topo: &Topology, legend_cells: usize, title_cells: usize) -> Drawing {
    let col = layers(topo, SinkLayer::Hops);
    let ncols = col.iter().max().map_or(1, |c| c + 1);
    let mut row = vec![0usize; topo.nodes.len()];
    let mut filled = vec![0usize; ncols];
    for (i, &c) in col.iter().enumerate() {
        row[i] = filled[c];
        filled[c] += 1;
    }
    let rows = filled.iter().copied().max().unwrap_or(1).max(1);
    let lines: Vec<Vec<String>> = topo.nodes.iter().map(|n| label_lines(&n.label)).collect();
    // Each column as wide as its widest label.
    let mut label_w = vec![0.0f64; ncols];
    for (i, &c) in col.iter().enumerate() {
        label_w[c] = label_w[c].max(label_px(&lines[i]));
    }
    let mut col_x = vec![MARGIN + 12.0; ncols];
    let mut port_x = vec![0.0; ncols];
    for c in 0..ncols {
        if c > 0 {
            col_x[c] = port_x[c - 1] + GUTTER;
        }
        port_x[c] = col_x[c] + RADIUS + 2.0 * PAD + label_w[c] + PAD;
    }
    let width = (port_x[ncols - 1] + MARGIN)
        .max(2.0 * MARGIN + legend_cells as f64 * CELL_PX)
        .max(2.0 * MARGIN + title_cells as f64 * CELL_PX * 13.0 / 11.0);
    let top = MARGIN + 24.0;
    let height = 2.0 * MARGIN + 24.0 + ROW * rows as f64;
    let at: Vec<(f64, f64)> = (0..topo.nodes.len())
        .map(|i| (col_x[col[i]], top + ROW * (row[i] as f64 + 0.5)))
        .collect();
    let mut labels = Vec::new();
    let mut boxes = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let (x, y) = at[i];
        let tx = x + RADIUS + PAD;
        let first = if l.len() > 1 { y - 2.0 } else { y + 4.0 };
        labels.push(
            l.iter()
                .enumerate()
                .map(|(k, t)| (tx, first + LINE_PX * k as f64, t.clone()))
                .collect::<Vec<_>>(),
        );
        boxes.push((tx, y - LABEL_HALF, tx + label_px(l), y + LABEL_HALF));
    }
    let mut links = Vec::new();
    for link in &topo.links {
        let (u, v) = (link.from, link.to);
        let ((xu, yu), (xv, yv)) = (at[u], at[v]);
        let (cu, cv) = (col[u], col[v]);
        let r_v = if topo.nodes[v].is_assembler() {
            RADIUS + 2.5
        } else {
            RADIUS + 1.0
        };
        let mut p = Vec::new();
        // Out of the node, under nothing: the stub starts after the label.
        if lines[u].iter().all(|l| l.is_empty()) {
            p.push((xu + RADIUS, yu));
        } else {
            p.push((boxes[u].2 + PAD, yu));
        }
        p.push((port_x[cu], yu));
        let end = (xv - r_v, yv);
        if cv == cu + 1 {
            p.push(end);
        } else {
            // Along the lane between two rows, then down the gutter left of the target.
            let lane = if yv < yu {
                yu - ROW / 2.0
            } else {
                yu + ROW / 2.0
            };
            let gx = xv - RADIUS - GUTTER / 3.0;
            p.push((port_x[cu], lane));
            p.push((gx, lane));
            p.push((gx, yv));
            p.push(end);
        }
        links.push(p);
    }
    Drawing {
        width,
        height,
        at,
        labels,
        boxes,
        links,
    }
}

/// The legend under a drawing.
fn legend(lang: Lang) -> &'static str {
    lang.pick(
        "● source (green) · relay (blue) · sink (orange) · ◆ assembler (needs every part) · \
arrows: direction of flow",
        "● 來源（綠）· 中繼（藍）· 終端（橘）· ◆ 組裝者（需要每一種零件）· 箭頭：流動方向",
    )
}

/// The head of the region legend line.
fn region_legend_head(lang: Lang) -> &'static str {
    lang.pick("ring colour = region:", "外圈顏色＝區域：")
}

/// The regions of `topo`'s nodes as (index among `regions`, name), in the
/// order of `regions` (the scenario's, by first appearance).
fn topology_regions<'a>(topo: &Topology, regions: &[&'a str]) -> Vec<(usize, &'a str)> {
    regions
        .iter()
        .enumerate()
        .filter(|(_, r)| topo.nodes.iter().any(|n| n.region.as_deref() == Some(**r)))
        .map(|(i, r)| (i, *r))
        .collect()
}

/// The SVG drawing of `topo`, titled with its label; `regions` are every
/// region of its scenario in order of first appearance
/// ([`crate::scenario::hazard::regions_in_order`]), which fixes each
/// region's colour.
pub fn topology_svg(topo: &Topology, regions: &[&str], lang: Lang) -> String {
    let title = format!(
        "{} ({})",
        topo.label,
        match lang {
            Lang::En => format!("{} nodes, {} links", topo.nodes.len(), topo.links.len()),
            Lang::ZhTw => format!("{} 個節點、{} 條連結", topo.nodes.len(), topo.links.len()),
        }
    );
    let shown_regions = topology_regions(topo, regions);
    // The region legend: its head, then `● name` per region, two cells apart.
    let region_cells = if shown_regions.is_empty() {
        0
    } else {
        region_legend_head(lang).width()
            + shown_regions
                .iter()
                .map(|(_, r)| 2 + 2 + r.width())
                .sum::<usize>()
    };
    let d = layout(topo, legend(lang).width().max(region_cells), title.width());
    let width = d.width;
    let height = if shown_regions.is_empty() {
        d.height
    } else {
        d.height + LEGEND_LINE
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
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"13\" font-weight=\"bold\">{}</text>",
        MARGIN + 4.0,
        html(&title)
    );
    for (l, points) in topo.links.iter().zip(&d.links) {
        let start = if l.both_ways {
            " marker-start=\"url(#arrow)\""
        } else {
            ""
        };
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = writeln!(
            svg,
            "<polyline class=\"link\" points=\"{}\" fill=\"none\" stroke=\"#888\" \
stroke-width=\"1\" stroke-linejoin=\"round\" marker-end=\"url(#arrow)\"{start}/>",
            pts.join(" ")
        );
    }
    for (i, n) in topo.nodes.iter().enumerate() {
        let (x, y) = d.at[i];
        let fill = match n.role {
            Role::Source => "#2e7d32",
            Role::Relay => "#1565c0",
            Role::Sink => "#ef6c00",
        };
        // A node of a region: a ring in the region's colour round the role's fill.
        let ring = n
            .region
            .as_deref()
            .and_then(|r| regions.iter().position(|x| *x == r))
            .map_or_else(String::new, |r| {
                format!(" stroke=\"{}\" stroke-width=\"{RING}\"", region_color(r))
            });
        if n.is_assembler() {
            let r = RADIUS + 1.5;
            let _ = writeln!(
                svg,
                "<path class=\"node\" d=\"M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} z\" fill=\"{fill}\"{ring}/>",
                y - r,
                x + r,
                y + r,
                x - r
            );
        } else {
            let _ = writeln!(
                svg,
                "<circle class=\"node\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{RADIUS}\" fill=\"{fill}\"{ring}/>"
            );
        }
        for (tx, ty, line) in &d.labels[i] {
            let _ = writeln!(
                svg,
                "<text class=\"label\" x=\"{tx:.1}\" y=\"{ty:.1}\">{}</text>",
                html(line)
            );
        }
    }
    let legend_y = d.height - 8.0;
    let _ = writeln!(
        svg,
        "<text x=\"{MARGIN}\" y=\"{legend_y:.0}\" fill=\"#555\">{}</text>",
        legend(lang)
    );
    if !shown_regions.is_empty() {
        let _ = write!(
            svg,
            "<text class=\"regions\" x=\"{MARGIN}\" y=\"{:.0}\" fill=\"#555\">{}",
            legend_y + LEGEND_LINE,
            region_legend_head(lang)
        );
        for (r, name) in &shown_regions {
            let _ = write!(
                svg,
                "<tspan class=\"region\" dx=\"12\" fill=\"{}\" font-weight=\"bold\">● {}</tspan>",
                region_color(*r),
                html(name)
            );
        }
        svg.push_str("</text>\n");
    }
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

    /// Issue 26: in every built-in drawing no label is cut (its lines are
    /// the label, wrapped at most onto two) and no link passes through a
    /// label's box or two labels overlap.
    #[test]
    fn links_never_cross_labels_and_labels_are_never_cut() {
        for b in crate::scenario::builtin::BUILTINS {
            let s = Scenario::from_toml(b.name, b.text).expect("valid");
            for lang in [Lang::En, Lang::ZhTw] {
                let s = crate::lang::localize(s.clone(), lang);
                for t in &s.topologies {
                    let d = layout(t, legend(lang).width(), 0);
                    for (i, n) in t.nodes.iter().enumerate() {
                        let lines: Vec<&str> = d.labels[i].iter().map(|l| l.2.as_str()).collect();
                        assert!((1..=2).contains(&lines.len()), "{}: {lines:?}", n.label);
                        let squash = |x: &str| x.replace(' ', "");
                        assert_eq!(squash(&lines.concat()), squash(&n.label), "{} cut", n.id);
                        let (x0, y0, x1, y1) = d.boxes[i];
                        assert!(
                            x1 <= d.width - MARGIN + 1e-9,
                            "{}: outside the drawing",
                            n.id
                        );
                        for (j, &(a0, b0, a1, b1)) in d.boxes.iter().enumerate() {
                            let overlap = j != i && a0 < x1 && x0 < a1 && b0 < y1 && y0 < b1;
                            assert!(
                                !overlap,
                                "{}: labels of {} and {} overlap",
                                t.id, n.id, t.nodes[j].id
                            );
                        }
                    }
                    for (k, p) in d.links.iter().enumerate() {
                        for w in p.windows(2) {
                            let ((xa, ya), (xb, yb)) = (w[0], w[1]);
                            for step in 0..=200 {
                                let f = step as f64 / 200.0;
                                let (x, y) = (xa + (xb - xa) * f, ya + (yb - ya) * f);
                                for (i, &(x0, y0, x1, y1)) in d.boxes.iter().enumerate() {
                                    assert!(
                                        !(x > x0 && x < x1 && y > y0 && y < y1),
                                        "{} {}: link {k} ({} -> {}) crosses the label of {}",
                                        b.name,
                                        t.id,
                                        t.nodes[t.links[k].from].id,
                                        t.nodes[t.links[k].to].id,
                                        t.nodes[i].id
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn long_labels_wrap_onto_two_lines_and_cjk_between_characters() {
        assert_eq!(label_lines("Dealer"), ["Dealer"]);
        assert_eq!(
            label_lines("Assembly plant (south) and warehouse"),
            ["Assembly plant (south)", "and warehouse"]
        );
        let zh = label_lines("線性產業鏈（每個零件一家供應商）");
        assert_eq!(zh.len(), 2, "{zh:?}");
        assert_eq!(zh.concat(), "線性產業鏈（每個零件一家供應商）");
        // One 60-character word: one line as wide as it, never cut.
        let long = "x".repeat(60);
        assert_eq!(label_lines(&long).concat(), long);
    }
}
