//! Where everything goes on screen. Pure functions of the terminal size and
//! the topologies, shared by the renderer and by mouse hit-testing, so a
//! click lands on exactly the label that was drawn.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::network::{SinkLayer, layers, successors};
use crate::scenario::{Role, Topology};

/// A topology's nodes grouped by drawing column (layer), each column in
/// top-to-bottom order.
pub type Columns = Vec<Vec<usize>>;

/// Group nodes by [`layers`] and order each layer by the mean position of
/// its predecessors (one barycentre sweep), which untangles most crossings.
pub fn columns(topo: &Topology) -> Columns {
    let mut layer = layers(topo, SinkLayer::Last);
    // Sinks get a column of their own on the right, so consumers line up.
    let sinks: Vec<bool> = topo.nodes.iter().map(|n| n.role == Role::Sink).collect();
    if let Some(last) = layer
        .iter()
        .zip(&sinks)
        .filter(|(_, s)| !**s)
        .map(|(l, _)| *l)
        .max()
    {
        for (l, s) in layer.iter_mut().zip(&sinks) {
            if *s {
                *l = (*l).max(last + 1);
            }
        }
    }
    let count = layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut cols: Columns = vec![Vec::new(); count];
    for (i, &l) in layer.iter().enumerate() {
        cols[l].push(i);
    }
    cols.retain(|c| !c.is_empty());
    let succ = successors(topo);
    let mut preds = vec![Vec::new(); topo.nodes.len()];
    for (u, vs) in succ.iter().enumerate() {
        for &v in vs {
            preds[v].push(u);
        }
    }
    let mut pos = vec![0.0_f64; topo.nodes.len()];
    for (c, col) in cols.iter_mut().enumerate() {
        if c > 0 {
            let key = |i: usize| -> f64 {
                let ps: Vec<f64> = preds[i]
                    .iter()
                    .filter(|&&p| layer[p] < layer[i])
                    .map(|&p| pos[p])
                    .collect();
                if ps.is_empty() {
                    f64::MAX
                } else {
                    ps.iter().sum::<f64>() / ps.len() as f64
                }
            };
            let mut keyed: Vec<(f64, usize)> = col.iter().map(|&i| (key(i), i)).collect();
            // Stable: ties keep file order.
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            *col = keyed.into_iter().map(|(_, i)| i).collect();
        }
        let n = col.len() as f64;
        for (j, &i) in col.iter().enumerate() {
            pos[i] = (j as f64 + 0.5) / n;
        }
    }
    cols
}

/// Where one node's label goes (absolute screen cells).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeBox {
    /// Node index.
    pub node: usize,
    /// Left cell.
    pub x: u16,
    /// Row.
    pub y: u16,
    /// Cells available for the label.
    pub width: u16,
}

impl NodeBox {
    /// Does the cell (`col`, `row`) fall on this label?
    pub fn contains(&self, col: u16, row: u16) -> bool {
        row == self.y && col >= self.x && col < self.x + self.width.max(1)
    }
}

/// Place every node of `cols` inside `area`. Each layer gets a column as
/// wide as its longest label (`label_width[node]` cells, plus a mark) when
/// they all fit, the spare width spread between columns; otherwise widths
/// shrink in proportion and labels are abbreviated. A layer with more nodes
/// than rows is split into side-by-side sub-columns, so no label ever hides
/// another.
pub fn place(cols: &Columns, label_width: &[usize], area: Rect) -> Vec<NodeBox> {
    let mut boxes = Vec::new();
    if cols.is_empty() || area.width == 0 || area.height == 0 {
        return boxes;
    }
    let w = u32::from(area.width);
    let h = u32::from(area.height);
    let subs: Vec<u32> = cols
        .iter()
        .map(|c| (c.len() as u32).div_ceil(h).max(1))
        .collect();
    // Wanted width: mark + label + a space for a repair countdown + a gap.
    let wanted: Vec<u32> = cols
        .iter()
        .zip(&subs)
        .map(|(c, &s)| {
            let longest = c.iter().map(|&i| label_width[i]).max().unwrap_or(1) as u32;
            s * (longest + 5)
        })
        .collect();
    let total: u32 = wanted.iter().sum();
    let n = cols.len() as u32;
    let widths: Vec<u32> = if total <= w {
        let extra = w - total;
        (0..n)
            .map(|c| wanted[c as usize] + extra * (c + 1) / n - extra * c / n)
            .collect()
    } else {
        // Fair shares: a column needing less than w/n keeps what it needs,
        // the rest is split in proportion to what the others still want.
        let fair = w / n;
        let base: Vec<u32> = wanted.iter().map(|&x| x.min(fair)).collect();
        let spare = w - base.iter().sum::<u32>();
        let more: Vec<u64> = wanted
            .iter()
            .zip(&base)
            .map(|(&x, &b)| u64::from(x - b))
            .collect();
        let more_total = more.iter().sum::<u64>().max(1);
        let mut acc = 0u64;
        let mut prev = 0u32;
        base.iter()
            .zip(&more)
            .map(|(&b, &m)| {
                acc += m;
                let end = (acc * u64::from(spare) / more_total) as u32;
                let width = b + end - prev;
                prev = end;
                width
            })
            .collect()
    };
    let mut x0 = 0u32;
    for ((col, &colw), &subs) in cols.iter().zip(&widths).zip(&subs) {
        let rows = (col.len() as u32).div_ceil(subs).max(1);
        // Even spacing, at most 4 rows apart, the block centred.
        let gap = (h / rows).clamp(1, 4);
        let top = (h - gap * (rows - 1) - 1) / 2;
        for (j, &node) in col.iter().enumerate() {
            let j = j as u32;
            let (sc, r) = (j / rows, j % rows);
            let sx0 = x0 + sc * colw / subs;
            let sx1 = x0 + (sc + 1) * colw / subs;
            // Leave one blank cell between neighbouring columns.
            let width = (sx1 - sx0).saturating_sub(1).max(1);
            boxes.push(NodeBox {
                node,
                x: area.x + sx0.min(w - 1) as u16,
                y: area.y + (top + r * gap).min(h - 1) as u16,
                width: width.min(w - sx0.min(w - 1)) as u16,
            });
        }
        x0 += colw;
    }
    boxes
}

/// How one topology is drawn in its panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrangement {
    /// Where each node's label (graph) or row (list) goes.
    pub boxes: Vec<NodeBox>,
    /// True when the graph does not fit and the nodes are listed instead.
    pub list: bool,
    /// A list too long for its panel shows the page holding the selected
    /// node; this is the slot of the `+N` line and N, the nodes not shown.
    pub more: Option<(NodeBox, usize)>,
}

/// The graph of [`place`] when every label gets at least `floor` cells
/// (or its whole width) besides its mark; else a list of the nodes in
/// selection order, in as many columns as keep `floor` cells per label,
/// paged around node `selected` when even that does not hold them all.
pub fn arrange(
    cols: &Columns,
    label_width: &[usize],
    area: Rect,
    floor: usize,
    selected: Option<usize>,
) -> Arrangement {
    let boxes = place(cols, label_width, area);
    let fits = boxes.iter().all(|b| {
        let room = usize::from(b.width).saturating_sub(1);
        room >= floor.min(label_width[b.node])
    });
    if fits {
        return Arrangement {
            boxes,
            list: false,
            more: None,
        };
    }
    let order: Vec<usize> = cols.iter().flatten().copied().collect();
    let h = usize::from(area.height).max(1);
    let w = usize::from(area.width);
    // Mark + floor + a blank cell per list column.
    let per = order.len().div_ceil(h).min(w / (floor + 2)).max(1);
    let capacity = per * h;
    let (shown, more) = if order.len() <= capacity {
        (&order[..], 0)
    } else {
        let page = capacity.saturating_sub(1).max(1);
        let at = selected
            .and_then(|s| order.iter().position(|&i| i == s))
            .unwrap_or(0);
        let start = (at / page) * page;
        let end = (start + page).min(order.len());
        (&order[start..end], order.len() - (end - start))
    };
    let slot = |j: usize, node: usize| {
        let (c, r) = (j / h, j % h);
        let x0 = c * w / per;
        let x1 = (c + 1) * w / per;
        NodeBox {
            node,
            x: area.x + x0 as u16,
            y: area.y + r as u16,
            // One blank cell after every list column (before the border too).
            width: (x1 - x0).saturating_sub(1).max(1) as u16,
        }
    };
    let boxes: Vec<NodeBox> = shown
        .iter()
        .enumerate()
        .filter(|(j, _)| *j < capacity)
        .map(|(j, &node)| slot(j, node))
        .collect();
    let more = (more > 0).then(|| (slot(shown.len().min(capacity - 1), usize::MAX), more));
    Arrangement {
        boxes,
        list: true,
        more,
    }
}

/// The panes of the main screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    /// One line: scenario, seed, trial, step, speed, state.
    pub header: Rect,
    /// One bordered panel per drawn topology: the first
    /// `min(topologies, MAX_PANES)`.
    pub graphs: Vec<Rect>,
    /// Topologies not drawn (beyond [`MAX_PANES`]); the screen says so.
    pub hidden: usize,
    /// Throughput chart.
    pub chart: Rect,
    /// Monte Carlo panel.
    pub monte_carlo: Rect,
    /// Event log.
    pub log: Rect,
    /// Two lines: key hints and the reproduce command.
    pub footer: Rect,
}

/// Most topologies drawn as graph panels (and as lines of the φ(t) chart
/// and the Monte Carlo panel): beyond this a frame would take seconds (a
/// layout of thousands of panes) and show nothing readable. The Monte Carlo
/// numbers still cover every topology; `chainmesh run` lists them all.
pub const MAX_PANES: usize = 12;

/// Split `area` for `topologies` graph panels (see `grid`), at most
/// [`MAX_PANES`].
pub fn screen(area: Rect, topologies: usize) -> Screen {
    let shown = topologies.min(MAX_PANES);
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(2),
    ])
    .areas(area);
    let bottom_h = (body.height * 9 / 20).max(8).min(body.height);
    let [graphs_area, bottom] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(bottom_h)]).areas(body);
    let graphs = grid(graphs_area, shown.max(1) as u32);
    let (chart_pct, mc_pct) = if bottom.width >= 120 {
        (40, 32)
    } else {
        (38, 34)
    };
    let [chart, monte_carlo, log] = Layout::horizontal([
        Constraint::Percentage(chart_pct),
        Constraint::Percentage(mc_pct),
        Constraint::Min(0),
    ])
    .areas(bottom);
    Screen {
        header,
        graphs,
        hidden: topologies - shown,
        chart,
        monte_carlo,
        log,
        footer,
    }
}

/// The panes of the sweep view (`w`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepScreen {
    /// One line, as on the main screen.
    pub header: Rect,
    /// Chart rows (φ, then the giant component when both fit), each with
    /// one chart per attack.
    pub charts: Vec<Vec<Rect>>,
    /// The critical-fraction table (a row per topology).
    pub table: Rect,
    /// What the numbers mean (zero-sized when there is no room).
    pub notes: Rect,
    /// Two lines: key hints and the `chainmesh sweep` command.
    pub footer: Rect,
}

/// Width of the side column (table over notes) on wide screens.
const SWEEP_SIDE: u16 = 40;
/// Screens at least this wide put the table beside the charts, not below.
const SWEEP_WIDE: u16 = 120;
/// Chart rows at least this tall each fit both metrics, one above the other.
const SWEEP_ROW: u16 = 12;

/// Split `area` for the sweep of `topologies` topologies under `attacks`
/// attacks. Wide screens put the table beside the charts; the giant
/// component gets its own row of charts when rows can be 12 tall:
///
/// ```text
/// wide (>= 120 columns)                  narrow
/// ┌ header ────────────────────────────┐ ┌ header ─────────────────────┐
/// │ φ random │ φ degree │ φ betw. │ f_c │ │ φ random │ φ degree │ φ betw.│
/// │ giant …  │ giant …  │ giant … │ ─── │ ├ f_c table ───┬ notes ───────┤
/// │          │          │         │notes│ ├ footer ──────┴──────────────┤
/// ├ footer ───────────────────────┴─────┤ └─────────────────────────────┘
/// └─────────────────────────────────────┘
/// ```
pub fn sweep_screen(area: Rect, topologies: usize, attacks: usize) -> SweepScreen {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(2),
    ])
    .areas(area);
    let table_h = (topologies as u16).saturating_add(3);
    let (charts_area, table, notes) = if body.width >= SWEEP_WIDE {
        let [left, side] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(SWEEP_SIDE)]).areas(body);
        let [table, notes] =
            Layout::vertical([Constraint::Length(table_h), Constraint::Min(0)]).areas(side);
        (left, table, notes)
    } else {
        let [top, bottom] = Layout::vertical([
            Constraint::Min(0),
            Constraint::Length(table_h.min(body.height / 2)),
        ])
        .areas(body);
        let [table, notes] =
            Layout::horizontal([Constraint::Length(46), Constraint::Min(0)]).areas(bottom);
        (top, table, notes)
    };
    let rows: u32 = if charts_area.height >= 2 * SWEEP_ROW {
        2
    } else {
        1
    };
    let cols = attacks.max(1) as u32;
    let charts = Layout::vertical((0..rows).map(|_| Constraint::Ratio(1, rows)))
        .split(charts_area)
        .iter()
        .map(|row| {
            Layout::horizontal((0..cols).map(|_| Constraint::Ratio(1, cols)))
                .split(*row)
                .to_vec()
        })
        .collect();
    SweepScreen {
        header,
        charts,
        table,
        notes,
        footer,
    }
}

/// Panels for `n` graphs: side by side while each gets 40 columns; else
/// in a grid of rows (each at least 7 tall) with as many per row as get 40
/// columns; when even that does not fit, all in one row.
fn grid(area: Rect, n: u32) -> Vec<Rect> {
    let w = u32::from(area.width);
    let h = u32::from(area.height);
    let per_row = (w / 40).clamp(1, n);
    let rows = n.div_ceil(per_row);
    let rows = if h / rows >= 7 { rows } else { 1 };
    let per_row = n.div_ceil(rows);
    let row_areas = Layout::vertical((0..rows).map(|_| Constraint::Ratio(1, rows))).split(area);
    let mut out = Vec::with_capacity(n as usize);
    for (r, row) in row_areas.iter().enumerate() {
        let here = (n - r as u32 * per_row).min(per_row);
        out.extend(
            Layout::horizontal((0..here).map(|_| Constraint::Ratio(1, here)))
                .split(*row)
                .iter()
                .copied(),
        );
    }
    out
}

/// The inside of a bordered panel.
pub fn inner(r: Rect) -> Rect {
    Rect {
        x: r.x.saturating_add(1),
        y: r.y.saturating_add(1),
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    }
}

/// A `w`×`h` rectangle centred in `area` (clipped to it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crowded_layers_split_into_sub_columns_without_overlap() {
        let cols: Columns = vec![(0..10).collect(), (10..40).collect()];
        let area = Rect::new(0, 0, 40, 8);
        let boxes = place(&cols, &[12; 40], area);
        assert_eq!(boxes.len(), 40);
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.x + a.width <= 40 && a.y < 8, "{a:?}");
            for b in &boxes[i + 1..] {
                let overlap = a.y == b.y && a.x < b.x + b.width && b.x < a.x + a.width;
                assert!(!overlap, "{a:?} overlaps {b:?}");
            }
        }
    }
}
