//! Enter / click: everything about the selected node — both labels, role,
//! sector, region, capacity, failure rate, repair, state, the flow through it now
//! against the baseline, whether it is on the minimum cut (with assemblers:
//! the bottleneck of `Assembly::split`), its stock and its
//! risk row (TTS, TTR, exposure) — drawn where the Monte Carlo and event
//! panes are, so the graphs stay in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::line::{Part, fit_parts};
pub use super::list::flow_number;
use super::node::{ASSEMBLER, CUT, stock_glyph};
use super::{pane, topology_color};
use crate::scenario::{Repair, Role};
use crate::sim::EventKind;
use crate::tui::app::App;
use crate::tui::layout::inner;
use crate::tui::live::RiskState;
use crate::tui::text::clean;

/// The flow through node `i` of topology `k` at the step on screen and at
/// baseline (every node up), as the engine computes them.
pub fn flows(app: &App, k: usize, i: usize) -> (f64, f64) {
    (
        app.live.flows[k].node[i],
        app.live.baseline_flows[k].node[i],
    )
}

fn role(app: &App, r: Role) -> &'static str {
    match r {
        Role::Source => app.tr("source", "來源"),
        Role::Relay => app.tr("relay", "中繼"),
        Role::Sink => app.tr("sink", "終端"),
    }
}

fn repair(app: &App, r: &Repair) -> String {
    match (*r, app.lang_zh) {
        (Repair::Fixed { steps }, false) => format!("{steps} steps"),
        (Repair::Fixed { steps }, true) => format!("{steps} 步"),
        (Repair::Uniform { min, max }, false) => format!("{min}–{max} steps"),
        (Repair::Uniform { min, max }, true) => format!("{min}–{max} 步"),
        (Repair::Geometric { mean }, false) => format!("mean {mean} steps"),
        (Repair::Geometric { mean }, true) => format!("平均 {mean} 步"),
    }
}

/// Rows for the node's bill of materials (one per part: units per unit of
/// output and the number of suppliers, a sole source in yellow), fitted to
/// `width`. Stock rows join them when the model has stock.
pub fn bill_of_materials(app: &App, k: usize, i: usize, width: usize) -> Vec<Line<'static>> {
    let topo = &app.base_scenario().topologies[k];
    if !topo.nodes[i].is_assembler() {
        return Vec::new();
    }
    let grey = Style::default().fg(Color::DarkGray);
    let mut out = vec![fit_parts(
        vec![Part::Group(vec![Span::styled(
            format!(
                "{ASSEMBLER} {}",
                app.tr("needs every part", "需要每一種零件")
            ),
            Style::default().fg(Color::Green),
        )])],
        width,
    )];
    for s in crate::scenario::bom::supply(topo, i) {
        let sole = s.suppliers.len() == 1;
        let style = if sole {
            Style::default().fg(Color::Yellow)
        } else {
            Style::default()
        };
        let who = if sole {
            app.tr("sole source", "單一來源").to_string()
        } else {
            format!("{} {}", s.suppliers.len(), app.tr("suppliers", "家供應商"))
        };
        out.push(fit_parts(
            vec![Part::Group(vec![
                Span::styled(format!("  {} ×{} ", clean(&s.part), s.qty), style),
                Span::styled(who, grey),
            ])],
            width,
        ));
    }
    out
}

/// Why a starved assembler (◇) makes nothing, one line per part no
/// producing supplier delivers: `starved: battery — battery_maker down, 13
/// steps left; no other supplier`. Nothing for a node that is not starved.
pub fn starved_why(app: &App, k: usize, i: usize, width: usize) -> Vec<Line<'static>> {
    if !app.live.starved[k][i] {
        return Vec::new();
    }
    let topo = &app.base_scenario().topologies[k];
    let producing = &app.live.producing[k];
    let yellow = Style::default()
        .fg(Color::Yellow)
        .add_modifier(Modifier::BOLD);
    let mut out = Vec::new();
    for s in crate::scenario::bom::supply(topo, i) {
        if s.suppliers.iter().any(|&v| producing.get(v) == Some(&true)) {
            continue;
        }
        let whom: Vec<String> = s
            .suppliers
            .iter()
            .map(|&v| {
                let name = clean(&app.node_label(k, v)).into_owned();
                if app.live.is_down(k, v) {
                    let left = app.live.remaining(k, v);
                    if app.lang_zh {
                        format!("{name} 停擺，還剩 {left} 步")
                    } else {
                        format!("{name} down, {left} steps left")
                    }
                } else if app.lang_zh {
                    format!("{name} 無法生產（缺上游）")
                } else {
                    format!("{name} makes nothing (its inputs are out)")
                }
            })
            .collect();
        let mut text = if whom.is_empty() {
            app.tr("no supplier linked", "沒有連結供應商").to_string()
        } else {
            whom.join(if app.lang_zh { "；" } else { "; " })
        };
        if s.suppliers.len() == 1 {
            text.push_str(app.tr("; no other supplier", "；沒有其他供應商"));
        }
        out.push(fit_parts(
            vec![
                Part::Whole(Span::styled(
                    format!("{} {} — ", app.tr("starved:", "缺料："), clean(&s.part)),
                    yellow,
                )),
                Part::Cut(Span::raw(text)),
            ],
            width,
        ));
    }
    out
}

/// Every line of the inspector for node `i` of topology `k`, each fitted
/// to `width` cells without cutting a number.
pub fn lines(app: &App, k: usize, i: usize, width: usize) -> Vec<Line<'static>> {
    let base = &app.base_scenario().topologies[k].nodes[i];
    // Capacity and rates as simulated (with the sliders applied).
    let node = &app.live.prep().scenario.topologies[k].nodes[i];
    let grey = Style::default().fg(Color::DarkGray);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let w = |s: String| Part::Whole(Span::raw(s));
    let g = |s: String| Part::Whole(Span::styled(s, grey));
    let mut out = Vec::new();

    // Both labels: the chosen language first.
    let (first, second) = match (&base.label_zh, app.lang_zh) {
        (Some(z), true) => (clean(z).into_owned(), Some(clean(&base.label).into_owned())),
        (Some(z), false) => (clean(&base.label).into_owned(), Some(clean(z).into_owned())),
        (None, _) => (clean(&base.label).into_owned(), None),
    };
    let mut head = vec![Part::Cut(Span::styled(first, bold.fg(topology_color(k))))];
    if let Some(s) = second {
        head.push(g(" · ".into()));
        head.push(Part::Cut(Span::styled(s, grey)));
    }
    out.push(fit_parts(head, width));

    let mut who = vec![
        g(format!("{} ", app.tr("id", "代號"))),
        Part::Cut(Span::raw(clean(&base.id).into_owned())),
        g(format!(" · {} ", app.tr("in", "屬於"))),
        Part::Cut(Span::raw(app.topology_id(k).into_owned())),
        g(" · ".into()),
        w(role(app, base.role).into()),
    ];
    if let Some(s) = &base.sector {
        who.push(g(format!(" · {} ", app.tr("sector", "產業"))));
        who.push(Part::Cut(Span::raw(clean(s).into_owned())));
    }
    if let Some(r) = &base.region {
        who.push(g(format!(" · {} ", app.tr("region", "區域"))));
        who.push(Part::Cut(Span::raw(clean(r).into_owned())));
    }
    out.push(fit_parts(who, width));

    // A label and its value are drawn together or not at all.
    let pair = |label: String, value: String| {
        Part::Group(vec![Span::styled(label, grey), Span::raw(value)])
    };
    out.push(fit_parts(
        vec![
            pair(
                format!("{} ", app.tr("capacity", "產能")),
                flow_number(node.capacity),
            ),
            pair(
                format!(" · {} ", app.tr("fails", "故障率")),
                format!(
                    "{:.2}%{}",
                    100.0 * node.failure_rate,
                    app.tr("/step", "/步")
                ),
            ),
            pair(
                format!(" · {} ", app.tr("repair", "修復")),
                repair(app, &node.repair),
            ),
        ],
        width,
    ));

    let state = if app.live.is_down(k, i) {
        let left = app.live.remaining(k, i);
        let cause = app
            .live
            .log
            .iter()
            .rev()
            .find(|e| e.topo == k && e.event.node == i && e.strike.is_none())
            .and_then(|e| match e.event.kind {
                EventKind::Down { cause, .. } => Some(super::events::cause_text(app, cause)),
                EventKind::Up => None,
            });
        let mut p = vec![
            Part::Whole(Span::styled(
                app.tr("✗ down", "✗ 停擺").to_string(),
                Style::default()
                    .fg(Color::LightRed)
                    .add_modifier(Modifier::BOLD),
            )),
            w(if app.lang_zh {
                format!("，還剩 {left} 步")
            } else {
                format!(", {left} steps left")
            }),
        ];
        if let Some(c) = cause {
            p.push(g(" · ".into()));
            p.push(Part::Cut(Span::styled(c, grey)));
        }
        p
    } else {
        vec![Part::Whole(Span::styled(
            app.tr("● up", "● 運作中").to_string(),
            Style::default().fg(Color::Green),
        ))]
    };
    out.push(fit_parts(state, width));

    let (now, baseline) = flows(app, k, i);
    // With stock the max flow of the node is what it makes from its inputs;
    // what it ships from its shelf is in the stock row below.
    let now_label = if app.base_scenario().topologies[k].has_stock() {
        app.tr("made now (without stock)", "目前產出（不含庫存）")
    } else {
        app.tr("flow now", "目前流量")
    };
    let share = if baseline > 0.0 {
        format!(" ({:.0}%)", 100.0 * now / baseline)
    } else {
        String::new()
    };
    out.push(fit_parts(
        vec![
            Part::Group(vec![
                Span::styled(format!("{now_label} "), grey),
                Span::styled(flow_number(now), bold),
                Span::raw(share),
            ]),
            pair(
                format!(" · {} ", app.tr("at baseline", "基準")),
                flow_number(baseline),
            ),
        ],
        width,
    ));

    if app.live.flows[k].cut_nodes[i] {
        // A topology with assemblers has a bottleneck, not a cut
        // (`Assembly::split`): a full node, or a down one φ waits for.
        let text = match (
            app.live.prep().topologies[k].net.assembly().is_some(),
            app.live.is_down(k, i),
        ) {
            (false, _) => app.tr(
                "on the minimum cut: a bottleneck of φ now",
                "在最小割上：目前限制 φ 的瓶頸",
            ),
            (true, false) => app.tr(
                "a bottleneck: runs full and holds φ back",
                "瓶頸：滿載運作，限制了 φ",
            ),
            (true, true) => app.tr("a bottleneck: φ is waiting for it", "瓶頸：φ 正在等它恢復"),
        };
        out.push(fit_parts(
            vec![Part::Text(Span::styled(
                text.to_string(),
                Style::default().fg(CUT),
            ))],
            width,
        ));
    }

    // Stock and risk before the link counts: on a small screen they are
    // what the pane keeps.
    out.extend(stock_row(app, k, i, width));
    out.push(risk_row(app, k, i, width));

    let topo = &app.base_scenario().topologies[k];
    let ins = topo
        .links
        .iter()
        .filter(|l| l.to == i || (l.both_ways && l.from == i))
        .count();
    let outs = topo
        .links
        .iter()
        .filter(|l| l.from == i || (l.both_ways && l.to == i))
        .count();
    out.push(fit_parts(
        vec![pair(
            format!("{} ", app.tr("links", "連結")),
            if app.lang_zh {
                format!("流入 {ins} · 流出 {outs}")
            } else {
                format!("{ins} in · {outs} out")
            },
        )],
        width,
    ));
    out.extend(starved_why(app, k, i, width));
    out.extend(bill_of_materials(app, k, i, width));
    out
}

/// A stocked node's stock: level / max (share), its bar, and the net
/// change over the step on screen (drawn or refilled). None without stock.
pub fn stock_row(app: &App, k: usize, i: usize, width: usize) -> Option<Line<'static>> {
    let s = app.live.stock[k][i]?;
    let grey = Style::default().fg(Color::DarkGray);
    let share = if s.max > 0.0 { s.level / s.max } else { 0.0 };
    let style = if s.level <= 0.0 {
        Style::default().fg(Color::LightRed)
    } else {
        Style::default()
    };
    let mut parts = vec![Part::Group(vec![
        Span::styled(format!("{} ", app.tr("stock", "庫存")), grey),
        Span::styled(
            format!("{}/{}", flow_number(s.level), flow_number(s.max)),
            style.add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(" ({:.0}%) ", 100.0 * share)),
        Span::styled(stock_glyph(s.level, s.max).to_string(), style),
    ])];
    // Round-off below the solver's tolerance is no change.
    let eps = 1e-9 * s.max.max(1.0);
    if s.change < -eps {
        parts.push(Part::Group(vec![
            Span::styled(format!(" · {} ", app.tr("drawn", "本步動用")), grey),
            Span::raw(flow_number(-s.change)),
        ]));
    } else if s.change > eps {
        parts.push(Part::Group(vec![
            Span::styled(format!(" · {} ", app.tr("refilled", "本步補充")), grey),
            Span::raw(flow_number(s.change)),
        ]));
    }
    Some(fit_parts(parts, width))
}

/// The node's row of the risk table (`chainmesh risk`): TTS, TTR, exposure
/// and the `TTS < TTR` flag, computed once per compiled scenario.
pub fn risk_row(app: &App, k: usize, i: usize, width: usize) -> Line<'static> {
    let grey = Style::default().fg(Color::DarkGray);
    let head = Span::styled(format!("{} ", app.tr("risk", "風險")), grey);
    let id = &app.base_scenario().topologies[k].nodes[i].id;
    let Some(state) = app.live.risk(k) else {
        let text = app.tr("computing…", "計算中…").to_string();
        return fit_parts(
            vec![Part::Whole(head), Part::Text(Span::styled(text, grey))],
            width,
        );
    };
    let t = match &*state {
        RiskState::Computed(t) => t,
        RiskState::TooLarge(n) => {
            let text = if app.lang_zh {
                format!("未計算（{n} 個節點）")
            } else {
                format!("not computed ({n} nodes)")
            };
            return fit_parts(
                vec![Part::Whole(head), Part::Text(Span::styled(text, grey))],
                width,
            );
        }
        RiskState::Failed(e) => {
            return fit_parts(
                vec![
                    Part::Whole(head),
                    Part::Text(Span::styled(clean(e).into_owned(), grey)),
                ],
                width,
            );
        }
    };
    let Some(r) = t.rows.iter().find(|r| &r.node == id) else {
        return fit_parts(vec![Part::Whole(head)], width);
    };
    let pair = |label: &str, value: String| {
        Part::Group(vec![
            Span::styled(label.to_string(), grey),
            Span::raw(value),
        ])
    };
    let tts = if r.tts_censored {
        format!("≥ {}", r.tts)
    } else {
        r.tts.to_string()
    };
    let mut parts = vec![
        Part::Whole(head),
        pair("TTS ", tts),
        pair(" · TTR ", format!("{:.1}", r.ttr)),
        pair(
            &format!(" · {} ", app.tr("exposure", "曝險")),
            format!("{:.2}", r.exposure),
        ),
    ];
    if r.flag {
        parts.push(Part::Whole(Span::styled(
            " · ⚠ TTS < TTR".to_string(),
            Style::default()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
        )));
    }
    fit_parts(parts, width)
}

/// Draw the inspector of the selected node in `area`.
pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    let (k, i) = app.view.selected;
    let title = format!(
        " {} · {} ",
        app.tr("node", "節點"),
        app.tr("Enter/Esc closes · Tab next", "Enter/Esc 關閉 · Tab 下一個")
    );
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(
        pane(Line::styled(title, Style::default().fg(Color::LightYellow))),
        area,
    );
    let r = inner(area);
    if r.width == 0 || r.height == 0 {
        return;
    }
    // One cell kept free on the right: a number never touches the border.
    let lines = lines(app, k, i, usize::from(r.width).saturating_sub(1));
    frame.render_widget(Paragraph::new(lines), r);
}
