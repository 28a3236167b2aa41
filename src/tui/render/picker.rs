//! `o`: the scenario picker, the node search (`/`) and the whole lesson
//! (`l`) — the popups that list or scroll.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::line::{Part, fit_parts};
use super::{popup_block, topology_color};
use crate::tui::app::App;
use crate::tui::layout::centered;
use crate::tui::picker::{Source, first_line_of};
use crate::tui::text::{clean, wrap};

/// Rows per picker entry.
const ENTRY_ROWS: usize = 2;

/// Draw the picker with entry `selected` highlighted.
pub fn picker(app: &App, selected: usize, area: Rect, frame: &mut Frame) {
    let r = centered(
        area,
        area.width.saturating_sub(4).min(110),
        area.height.saturating_sub(2),
    );
    let block = popup_block(app.tr("open a scenario", "開啟情境"), r, frame);
    let inside = block.inner(r);
    frame.render_widget(block, r);
    if inside.height < 2 || inside.width < 4 {
        return;
    }
    let width = usize::from(inside.width).saturating_sub(1);
    let grey = Style::default().fg(Color::DarkGray);
    let keys = app.tr(
        "↑↓ choose · Enter open · Esc close · built-ins, then *.toml here",
        "↑↓ 選擇 · Enter 開啟 · Esc 關閉 · 內建情境，接著是此資料夾的 *.toml",
    );
    // The last rows: how many `*.toml` files were skipped (when any), then the keys.
    let skipped = (app.picker.skipped > 0 && inside.height >= 4).then(|| {
        let n = app.picker.skipped;
        if app.lang_zh {
            format!("略過此資料夾中 {n} 個不是情境的 .toml 檔（沒有 [scenario] 表）")
        } else {
            format!(
                "skipped {n} other .toml file{} here (no [scenario] table)",
                if n == 1 { "" } else { "s" }
            )
        }
    });
    let rows = usize::from(inside.height) - 1 - usize::from(skipped.is_some());
    let per_page = (rows / ENTRY_ROWS).max(1);
    let first = selected.saturating_sub(per_page - 1);
    let mut lines: Vec<Line> = Vec::new();
    for (j, e) in app
        .picker
        .entries
        .iter()
        .enumerate()
        .skip(first)
        .take(per_page)
    {
        let active = j == selected;
        let mark = Part::Whole(Span::styled(
            if active { "▶ " } else { "  " },
            Style::default().fg(Color::LightYellow),
        ));
        let origin = match &e.source {
            Source::Builtin(_) => app.tr("built-in", "內建").to_string(),
            Source::File(p) => clean(
                &p.file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            )
            .into_owned(),
        };
        let name_style = if active {
            Style::default()
                .fg(Color::Black)
                .bg(Color::LightYellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        };
        match &e.scenario {
            Ok(Some(s)) => {
                let name = match (&s.name_zh, app.lang_zh) {
                    (Some(z), true) => clean(z),
                    _ => clean(&s.name),
                };
                let mut parts = vec![
                    mark,
                    Part::Cut(Span::styled(name.into_owned(), name_style)),
                    Part::Whole(Span::styled(
                        format!(" [{}]", app.sector_name(s.sector)),
                        grey,
                    )),
                    Part::Whole(Span::styled(format!(" {origin} ·"), grey)),
                ];
                for (k, t) in s.topologies.iter().enumerate() {
                    parts.push(Part::Whole(Span::styled(
                        format!(" {}", clean(&t.id)),
                        Style::default().fg(topology_color(k)),
                    )));
                }
                lines.push(fit_parts(parts, width));
                let lesson = match (&s.lesson_zh, &s.lesson, app.lang_zh) {
                    (Some(z), _, true) => Some(z),
                    (_, Some(l), _) => Some(l),
                    _ => None,
                };
                let text = lesson
                    .map(|l| clean(first_line_of(l)).into_owned())
                    .unwrap_or_default();
                lines.push(fit_parts(
                    vec![
                        Part::Whole(Span::raw("    ")),
                        Part::Text(Span::styled(text, Style::default().fg(Color::Gray))),
                    ],
                    width,
                ));
            }
            Ok(None) => {
                lines.push(fit_parts(
                    vec![mark, Part::Cut(Span::styled(origin, name_style))],
                    width,
                ));
                lines.push(Line::styled(
                    app.tr(
                        "    large file: parsed when opened",
                        "    大型檔案：開啟時才解析",
                    ),
                    grey,
                ));
            }
            Err(err) => {
                lines.push(fit_parts(
                    vec![
                        mark,
                        Part::Cut(Span::styled(origin, name_style)),
                        Part::Whole(Span::styled(
                            app.tr(" ✗ does not open", " ✗ 無法開啟"),
                            Style::default().fg(Color::LightRed),
                        )),
                    ],
                    width,
                ));
                lines.push(fit_parts(
                    vec![
                        Part::Whole(Span::raw("    ")),
                        Part::Text(Span::styled(
                            clean(err).into_owned(),
                            Style::default().fg(Color::LightRed),
                        )),
                    ],
                    width,
                ));
            }
        }
    }
    while lines.len() < rows {
        lines.push(Line::raw(""));
    }
    lines.truncate(rows);
    if let Some(text) = skipped {
        lines.push(fit_parts(vec![Part::Cut(Span::styled(text, grey))], width));
    }
    lines.push(fit_parts(
        vec![Part::Cut(Span::styled(
            keys,
            Style::default().fg(Color::LightCyan),
        ))],
        width,
    ));
    frame.render_widget(Paragraph::new(lines), inside);
}

/// Rows of matches shown under the search prompt at most.
const SEARCH_ROWS: usize = 10;

/// Draw the node search: what was typed and the matching nodes.
pub fn search(app: &App, text: &str, selected: usize, area: Rect, frame: &mut Frame) {
    let matches = app.search(text);
    let shown = matches.len().min(SEARCH_ROWS);
    let h = (shown as u16).saturating_add(4);
    let r = centered(area, 60, h);
    let block = popup_block(app.tr("find a node", "搜尋節點"), r, frame);
    let inside = block.inner(r);
    frame.render_widget(block, r);
    let width = usize::from(inside.width).saturating_sub(1);
    let mut lines = vec![Line::from(vec![
        Span::raw(app.tr("name or id: ", "名稱或代號：")),
        Span::styled(
            format!("{}▏", clean(text)),
            Style::default()
                .fg(Color::LightYellow)
                .add_modifier(Modifier::BOLD),
        ),
    ])];
    let first = selected.saturating_sub(SEARCH_ROWS - 1);
    for (j, &(k, i)) in matches.iter().enumerate().skip(first).take(SEARCH_ROWS) {
        let style = if j == selected {
            Style::default().fg(Color::Black).bg(Color::LightYellow)
        } else {
            Style::default()
        };
        lines.push(fit_parts(
            vec![
                Part::Whole(Span::styled(
                    format!("{} ", app.topology_id(k)),
                    Style::default().fg(topology_color(k)),
                )),
                Part::Cut(Span::styled(app.node_label(k, i).into_owned(), style)),
            ],
            width,
        ));
    }
    let count = if app.lang_zh {
        format!("{} 個符合 · ↑↓ 選擇 · Enter 檢視 · Esc 取消", matches.len())
    } else {
        format!(
            "{} match(es) · ↑↓ choose · Enter inspect · Esc cancel",
            matches.len()
        )
    };
    lines.push(fit_parts(
        vec![Part::Cut(Span::styled(
            count,
            Style::default().fg(Color::DarkGray),
        ))],
        width,
    ));
    frame.render_widget(Paragraph::new(lines), inside);
}

/// Draw the whole lesson, wrapped, from line `scroll`.
pub fn lesson(app: &App, scroll: u16, area: Rect, frame: &mut Frame) {
    let w = area.width.saturating_sub(4).min(80);
    let text = app.lesson().map(|l| l.into_owned()).unwrap_or_else(|| {
        app.tr("This scenario has no lesson.", "這個情境沒有觀察重點。")
            .into()
    });
    // One cell kept free on the right: a number never touches the border.
    let wrapped = wrap(&text, usize::from(w.saturating_sub(3)));
    let h = (wrapped.len() as u16 + 3).min(area.height.saturating_sub(2));
    let r = centered(area, w, h);
    let block = popup_block(app.tr("lesson: what to look for", "觀察重點"), r, frame);
    let inside = block.inner(r);
    frame.render_widget(block, r);
    let rows = usize::from(inside.height).saturating_sub(1);
    let max_scroll = wrapped.len().saturating_sub(rows);
    let from = usize::from(scroll).min(max_scroll);
    let mut lines: Vec<Line> = wrapped
        .iter()
        .skip(from)
        .take(rows)
        .map(|l| Line::raw(l.clone()))
        .collect();
    while lines.len() < rows {
        lines.push(Line::raw(""));
    }
    let hint = if max_scroll > 0 {
        format!(
            "{} {}–{}/{}",
            app.tr("↑↓ scroll · Esc close ·", "↑↓ 捲動 · Esc 關閉 ·"),
            from + 1,
            (from + rows).min(wrapped.len()),
            wrapped.len()
        )
    } else {
        app.tr("Esc closes", "Esc 關閉").to_string()
    };
    if hint.width() <= usize::from(inside.width) {
        lines.push(Line::styled(hint, Style::default().fg(Color::DarkGray)));
    }
    frame.render_widget(Paragraph::new(lines), inside);
}
