//! The graphs: how every topology is laid out, which node is selected, how
//! links and nodes are coloured (`f`, `z`), and the keys and clicks that
//! move the selection (Tab, arrows, a click, `/` and Enter in the search).

use ratatui::layout::Rect;

use super::layout::{Arrangement, Columns, MAX_PANES, NodeBox, arrange, columns, inner, screen};
use super::message::{Message, Outcome};
use super::text::{LABEL_FLOOR, clean};
use crate::lang::Lang;
use crate::scenario::Scenario;

/// The graph panes' state.
///
/// Invariants: `columns` and `region_of` have one entry per topology of
/// the scenario; `selected` is a node of a drawn topology (one of
/// [`View::order`]), or `(0, 0)` when there is none; `region_view` is
/// only on when `regions` is not empty.
#[derive(Debug)]
pub struct View {
    /// Per topology: node columns for drawing.
    pub columns: Vec<Columns>,
    /// The selected node: (topology, node).
    pub selected: (usize, usize),
    /// `f`: links drawn by the flow they carry, the minimum cut highlighted.
    pub flow_view: bool,
    /// `z`: nodes coloured by their region (only in scenarios with regions).
    pub region_view: bool,
    /// Terminal size (columns, rows), for mouse hit-testing.
    pub size: (u16, u16),
    /// Every region of the scenario in order of first appearance
    /// ([`crate::scenario::hazard::regions_in_order`]): a region's colour is
    /// its index here.
    regions: Vec<String>,
    /// Per topology, per node: the index of its region in `regions`.
    region_of: Vec<Vec<Option<usize>>>,
}

impl View {
    /// The graphs of `scenario`, its first node selected.
    pub fn new(scenario: &Scenario) -> Self {
        let regions: Vec<String> = crate::scenario::hazard::regions_in_order(&scenario.topologies)
            .into_iter()
            .map(str::to_string)
            .collect();
        let region_of = scenario
            .topologies
            .iter()
            .map(|t| {
                t.nodes
                    .iter()
                    .map(|n| {
                        n.region
                            .as_deref()
                            .and_then(|r| regions.iter().position(|x| x == r))
                    })
                    .collect()
            })
            .collect();
        let mut view = View {
            columns: scenario.topologies.iter().map(columns).collect(),
            selected: (0, 0),
            flow_view: false,
            region_view: false,
            size: (80, 24),
            regions,
            region_of,
        };
        view.selected = view.order().first().copied().unwrap_or((0, 0));
        view
    }

    /// Take over the terminal size and the `f`/`z` switches of `old` (the
    /// view of the scenario this one replaces).
    pub fn carry_over(&mut self, old: &View) {
        self.size = old.size;
        self.flow_view = old.flow_view;
        self.region_view = old.region_view && !self.regions.is_empty();
    }

    /// Every region of the scenario, in order of first appearance (empty:
    /// the scenario has none). Not yet safe to draw: pass through [`clean`].
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// The index in [`View::regions`] of node `i` of topology `k`'s region.
    pub fn region_index(&self, k: usize, i: usize) -> Option<usize> {
        self.region_of.get(k)?.get(i).copied().flatten()
    }

    /// Every node of the drawn topologies in selection order: topology by
    /// topology, column by column.
    pub fn order(&self) -> Vec<(usize, usize)> {
        // Only the drawn topologies can be selected (`layout::MAX_PANES`).
        self.columns
            .iter()
            .take(MAX_PANES)
            .enumerate()
            .flat_map(|(k, cols)| cols.iter().flatten().map(move |&i| (k, i)))
            .collect()
    }

    /// Nodes of `base` whose label (either language) or id contains
    /// `text`, ignoring case, in selection order; every node for empty text.
    pub fn search(&self, text: &str, base: &Scenario) -> Vec<(usize, usize)> {
        let needle = text.to_lowercase();
        self.order()
            .into_iter()
            .filter(|&(k, i)| {
                let n = &base.topologies[k].nodes[i];
                [Some(&n.label), n.label_zh.as_ref(), Some(&n.id)]
                    .into_iter()
                    .flatten()
                    .any(|s| s.to_lowercase().contains(&needle))
            })
            .collect()
    }

    /// How topology `k` is drawn inside `inside` (its panel without
    /// border), its labels `widths` wide.
    pub fn arrangement(&self, k: usize, inside: Rect, widths: &[usize]) -> Arrangement {
        let selected = (self.selected.0 == k).then_some(self.selected.1);
        arrange(&self.columns[k], widths, inside, LABEL_FLOOR, selected)
    }

    /// Where the labels of topology `k` are drawn for a terminal of `area`.
    pub fn node_boxes(&self, area: Rect, k: usize, widths: &[usize]) -> Vec<NodeBox> {
        let s = screen(area, self.columns.len());
        s.graphs
            .get(k)
            .map(|&r| self.arrangement(k, inner(r), widths).boxes)
            .unwrap_or_default()
    }

    /// The node whose label is drawn at (`col`, `row`) of the terminal;
    /// `widths(k)` are topology `k`'s label widths.
    pub fn hit(
        &self,
        col: u16,
        row: u16,
        widths: impl Fn(usize) -> Vec<usize>,
    ) -> Option<(usize, usize)> {
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        (0..self.columns.len()).find_map(|k| {
            self.node_boxes(area, k, &widths(k))
                .into_iter()
                .find(|b| b.contains(col, row))
                .map(|b| (k, b.node))
        })
    }

    /// The selection keys, `f`, `z` and a new terminal size.
    pub fn update(&mut self, msg: &Message, lang: Lang) -> Outcome {
        match msg {
            Message::SelectNext => self.move_selection(1, false),
            Message::SelectPrev => self.move_selection(-1, false),
            Message::SelectDown => self.move_selection(1, true),
            Message::SelectUp => self.move_selection(-1, true),
            Message::ToggleFlow => self.flow_view = !self.flow_view,
            Message::ToggleRegions => return Outcome::Status(self.toggle_regions(lang).into()),
            Message::Resize(w, h) => self.size = (*w, *h),
            _ => {}
        }
        Outcome::Nothing
    }

    /// Enter in the search: inspect the `selected`-th node matching `text`.
    pub fn find(&mut self, text: &str, selected: usize, base: &Scenario, lang: Lang) -> Outcome {
        if let Some(&at) = self.search(text, base).get(selected) {
            self.selected = at;
            Outcome::Inspect
        } else {
            Outcome::Status(format!(
                "{} {:?}",
                lang.pick("no node matches", "沒有節點符合"),
                clean(text)
            ))
        }
    }

    fn move_selection(&mut self, delta: isize, same_topology: bool) {
        let order: Vec<(usize, usize)> = if same_topology {
            self.order()
                .into_iter()
                .filter(|&(k, _)| k == self.selected.0)
                .collect()
        } else {
            self.order()
        };
        if order.is_empty() {
            return;
        }
        let n = order.len() as isize;
        let at = order.iter().position(|&s| s == self.selected).unwrap_or(0) as isize;
        self.selected = order[(at + delta).rem_euclid(n) as usize];
    }

    /// `z`: colour nodes by region, or stop; what the message line says
    /// (and that there is nothing to colour in a scenario without regions).
    fn toggle_regions(&mut self, lang: Lang) -> &'static str {
        if self.regions.is_empty() {
            self.region_view = false;
            return lang.pick("no regions in this scenario", "這個情境沒有區域");
        }
        self.region_view = !self.region_view;
        if self.region_view {
            lang.pick(
                "nodes coloured by region (legend under the graphs; z turns it off)",
                "節點依區域著色（圖例在拓樸圖下緣；按 z 關閉）",
            )
        } else {
            lang.pick("region colours off", "已關閉區域著色")
        }
    }
}
