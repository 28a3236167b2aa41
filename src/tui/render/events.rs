//! The event log: which nodes went down or up, when, why, and what it did
//! to φ (`t18 chain ✗ Wholesaler failure →t22 φ 1.00→0.00`; in a narrow
//! pane the topology's short id, `t18 cha ✗ Wholesaler`). Above it, the
//! first lines of the scenario's lesson when the pane is tall enough (`l`
//! shows all of it, scrolling).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::line::{Part, fit_parts};
use super::{pane, topology_color};
use crate::sim::{Cause, EventKind};
use crate::tui::app::App;
use crate::tui::layout::inner;
use crate::tui::shocks::{ShockOrigin, attack_phrase_zh};
use crate::tui::text::clean;

/// Why a node went down, in words.
pub fn cause_text(app: &App, cause: Cause) -> String {
    match cause {
        Cause::Random => app.tr("failure", "故障").into(),
        Cause::Shock(k) => match app.shocks.origins.get(k) {
            Some(ShockOrigin::Scenario(Some(label))) => {
                format!("{}{}", app.tr("shock: ", "衝擊："), clean(label))
            }
            Some(ShockOrigin::Scenario(None)) => app.tr("scripted shock", "腳本衝擊").into(),
            Some(ShockOrigin::Cli) => "--shock".into(),
            Some(ShockOrigin::Manual(_)) => app.tr("you (k)", "你（k）").into(),
            Some(ShockOrigin::Attack(kind)) => {
                if app.lang_zh {
                    format!("攻擊：{}", attack_phrase_zh(*kind))
                } else {
                    format!("attack: {}", kind.as_str())
                }
            }
            None => format!("{} {k}", app.tr("shock", "衝擊")),
        },
        Cause::Hazard(k) => match app.base_scenario().hazards.get(k) {
            Some(h) => format!("{} {}", clean(&h.label), clean(&h.regions_text())),
            None => format!("{} {k}", app.tr("hazard", "災害")),
        },
    }
}

/// φ of topology `k` just before and just after step `step`.
pub fn phi_effect(app: &App, k: usize, step: u32) -> Option<(f64, f64)> {
    let h = &app.live.history[k];
    let s = step as usize;
    let after = *h.get(s)?;
    let before = if s == 0 { 1.0 } else { h[s - 1] };
    Some((before, after))
}

/// Rows of the event pane given to the scenario's lesson, when it is tall enough.
const LESSON_ROWS: u16 = 4;

/// Draw the scenario's lesson (when the pane has room) and the newest events
/// that fit in `area`.
pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    let count = app.live.log.len();
    frame.render_widget(
        pane(format!(" {} ({count}) ", app.tr("events", "事件"))),
        area,
    );
    let mut r = inner(area);
    if let Some(lesson) = app.lesson()
        && r.height >= 3 * LESSON_ROWS
    {
        let top = Rect {
            height: LESSON_ROWS,
            ..r
        };
        let text = Paragraph::new(Line::from(vec![
            Span::styled(
                app.tr("look for: ", "觀察重點："),
                Style::default().fg(Color::LightYellow),
            ),
            Span::styled(lesson.into_owned(), Style::default().fg(Color::Gray)),
        ]))
        .wrap(Wrap { trim: true });
        frame.render_widget(text, top);
        r.y += LESSON_ROWS;
        r.height -= LESSON_ROWS;
    }
    let rows = usize::from(r.height);
    let grey = Style::default().fg(Color::DarkGray);
    let red = Style::default().fg(Color::LightRed);
    let green = Style::default().fg(Color::LightGreen);
    let wide = r.width >= 36;
    // Step numbers padded to the widest this trial can have.
    let digits = app.live.steps().saturating_sub(1).max(1).to_string().len();
    // One cell kept free on the right: a number never touches the border.
    let width = usize::from(r.width).saturating_sub(1);
    let lines: Vec<Line> = app
        .live
        .log
        .iter()
        .rev()
        .take(rows)
        .map(|e| {
            let ev = e.event;
            let color = Style::default().fg(topology_color(e.topo));
            let name = Part::Cut(Span::styled(
                app.node_label(e.topo, ev.node).into_owned(),
                color,
            ));
            let mut parts = vec![Part::Whole(Span::styled(
                format!("t{:<digits$} ", ev.step),
                grey,
            ))];
            // The topology id, in 1–3 letters when the pane is narrow.
            let id = if wide {
                app.topology_id(e.topo).into_owned()
            } else {
                app.topology_short(e.topo)
            };
            parts.push(Part::Whole(Span::styled(format!("{id} "), color)));
            let effect = phi_effect(app, e.topo, ev.step).map(|(before, after)| {
                let style = if after < before {
                    red
                } else if after > before {
                    green
                } else {
                    grey
                };
                Part::Key(Span::styled(format!(" φ {before:.2}→{after:.2}"), style))
            });
            match ev.kind {
                EventKind::Down { cause, .. } if e.strike.is_some() => {
                    // A hazard strike: "Typhoon lowland: 2 nodes down".
                    let n = e.strike.unwrap_or(0);
                    let what = if app.lang_zh {
                        format!("{}：{n} 個節點停擺", cause_text(app, cause))
                    } else {
                        let nodes = if n == 1 { "node" } else { "nodes" };
                        format!("{}: {n} {nodes} down", cause_text(app, cause))
                    };
                    parts.push(Part::Whole(Span::styled("≈ ", red)));
                    parts.push(Part::Text(Span::styled(what, red)));
                }
                EventKind::Down { cause, until } => {
                    parts.push(Part::Whole(Span::styled("✗ ", red)));
                    parts.push(name);
                    parts.extend(effect);
                    // A short cause whole or not at all; a long one cut by characters.
                    let cause = Span::styled(format!(" {}", cause_text(app, cause)), red);
                    parts.push(if cause.content.width() <= 9 {
                        Part::Whole(cause)
                    } else {
                        Part::Text(cause)
                    });
                    parts.push(Part::Whole(Span::styled(format!(" →t{until}"), grey)));
                }
                EventKind::Up => {
                    parts.push(Part::Whole(Span::styled("↑ ", green)));
                    parts.push(name);
                    parts.extend(effect);
                    parts.push(Part::Whole(Span::styled(
                        format!(" {}", app.tr("up", "恢復")),
                        green,
                    )));
                }
            }
            fit_parts(parts, width)
        })
        .collect();
    if lines.is_empty() {
        let hint = if app.live.t() == 0 {
            app.tr(
                "nothing yet: space runs, n steps",
                "尚無事件：空白鍵執行，n 單步",
            )
        } else {
            app.tr("no failures so far", "目前沒有故障")
        };
        frame.render_widget(Paragraph::new(Span::styled(hint, grey)), r);
    } else {
        frame.render_widget(Paragraph::new(lines), r);
    }
}
