//! What every pane draws from the app's shared pieces, the scenario and the
//! language: its names in the chosen language, safe to draw (control
//! characters of file content blanked, [`clean`]), the UI strings
//! ([`App::tr`]), and where the graphs put the labels (the [`View`]'s
//! layout with the labels' widths).
//!
//! [`View`]: crate::tui::view::View

use std::borrow::Cow;

use ratatui::layout::Rect;

use super::App;
use crate::lang::Lang;
use crate::tui::layout::{Arrangement, NodeBox};
use crate::tui::text::{clean, short_ids};

impl App {
    /// The chosen language.
    pub fn lang(&self) -> Lang {
        if self.lang_zh { Lang::ZhTw } else { Lang::En }
    }

    /// `en` or `zh` by the chosen language ([`Lang::pick`]): every UI
    /// string is written at its call site in both.
    pub fn tr(&self, en: &'static str, zh: &'static str) -> &'static str {
        self.lang().pick(en, zh)
    }

    /// A sector's name in the chosen language (from the one catalogue).
    pub fn sector_name(&self, sector: crate::scenario::Sector) -> &'static str {
        self.lang().sector(sector)
    }

    /// Scenario name in the chosen language (safe to draw: no control characters).
    pub fn scenario_name(&self) -> Cow<'_, str> {
        match (&self.base.name_zh, self.lang_zh) {
            (Some(z), true) => clean(z),
            _ => clean(&self.base.name),
        }
    }

    /// Topology `k`'s label in the chosen language (safe to draw).
    pub fn topology_label(&self, k: usize) -> Cow<'_, str> {
        let t = &self.base.topologies[k];
        match (&t.label_zh, self.lang_zh) {
            (Some(z), true) => clean(z),
            _ => clean(&t.label),
        }
    }

    /// Topology `k`'s id (safe to draw).
    pub fn topology_id(&self, k: usize) -> Cow<'_, str> {
        clean(&self.base.topologies[k].id)
    }

    /// Topology `k`'s id in 1–3 letters ([`short_ids`]: different for every
    /// topology of the scenario), for the chart legend and event lines
    /// where the id does not fit (safe to draw).
    pub fn topology_short(&self, k: usize) -> String {
        let ids: Vec<&str> = self.base.topologies.iter().map(|t| t.id.as_str()).collect();
        let short = short_ids(&ids);
        clean(short.get(k).map_or("", String::as_str)).into_owned()
    }

    /// Node `i` of topology `k`'s label in the chosen language (safe to draw).
    pub fn node_label(&self, k: usize, i: usize) -> Cow<'_, str> {
        let n = &self.base.topologies[k].nodes[i];
        match (&n.label_zh, self.lang_zh) {
            (Some(z), true) => clean(z),
            _ => clean(&n.label),
        }
    }

    /// Display width of every node label of topology `k`.
    pub fn label_widths(&self, k: usize) -> Vec<usize> {
        use unicode_width::UnicodeWidthStr;
        (0..self.base.topologies[k].nodes.len())
            .map(|i| self.node_label(k, i).as_ref().width())
            .collect()
    }

    /// The lesson in the chosen language (English when there is no
    /// Chinese one), safe to draw.
    pub fn lesson(&self) -> Option<Cow<'_, str>> {
        match (&self.base.lesson_zh, &self.base.lesson, self.lang_zh) {
            (Some(z), _, true) => Some(clean(z)),
            (_, Some(l), _) => Some(clean(l)),
            _ => None,
        }
    }

    /// Nodes whose label (either language) or id contains `text`, ignoring
    /// case, in selection order; every node for empty text.
    pub fn search(&self, text: &str) -> Vec<(usize, usize)> {
        self.view.search(text, &self.base)
    }

    /// Where the labels of topology `k` are drawn for a terminal of `area`.
    pub fn node_boxes(&self, area: Rect, k: usize) -> Vec<NodeBox> {
        self.view.node_boxes(area, k, &self.label_widths(k))
    }

    /// How topology `k` is drawn inside `inside` (its panel without border).
    pub fn arrangement(&self, k: usize, inside: Rect) -> Arrangement {
        self.view.arrangement(k, inside, &self.label_widths(k))
    }
}
