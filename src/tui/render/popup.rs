//! Small popups: the reproduce commands (`c`) and number prompts (`g`, `s`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::popup_block;
use crate::tui::app::{App, InputKind};
use crate::tui::layout::centered;
use crate::tui::text::clean;

/// The commands that reproduce what is on screen.
pub fn command(app: &App, area: Rect, frame: &mut Frame) {
    let grey = Style::default().fg(Color::DarkGray);
    let cmd = Style::default().fg(Color::LightCyan);
    let lines = vec![
        Line::styled(app.tr("This view:", "這個畫面："), grey),
        Line::styled(clean(&app.reproduce()).into_owned(), cmd),
        Line::raw(""),
        Line::styled(
            app.tr(
                "This trial, step by step (CSV):",
                "這次試驗的逐步資料（CSV）：",
            ),
            grey,
        ),
        Line::styled(clean(&app.trace_command()).into_owned(), cmd),
        Line::raw(""),
        Line::styled(
            app.tr(
                "The Monte Carlo panel's numbers:",
                "Monte Carlo 面板的數字：",
            ),
            grey,
        ),
        Line::styled(clean(&app.run_command(app.mc.total)).into_owned(), cmd),
        Line::raw(""),
        Line::styled(app.tr("any key closes", "按任意鍵關閉"), grey),
    ];
    let w = area.width.saturating_sub(4).min(100);
    // Each command wraps over as many lines as it needs.
    let inner_w = usize::from(w.saturating_sub(2)).max(1);
    let h: usize = lines
        .iter()
        // Word wrapping can need a line more than the raw width suggests.
        .map(|l| {
            let n = l.width().div_ceil(inner_w).max(1);
            if n > 1 { n + 1 } else { n }
        })
        .sum::<usize>()
        + 2;
    let r = centered(area, w, h.min(usize::from(u16::MAX)) as u16);
    let block = popup_block(app.tr("reproduce", "重現"), r, frame);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        r,
    );
}

/// A one-line number prompt.
pub fn input(app: &App, kind: InputKind, text: &str, area: Rect, frame: &mut Frame) {
    let (title, prompt) = match kind {
        InputKind::Trial => (
            app.tr("go to trial", "跳到試驗"),
            app.tr("trial number: ", "試驗編號："),
        ),
        InputKind::Seed => (app.tr("new seed", "新種子"), app.tr("seed: ", "種子：")),
    };
    let r = centered(area, 40, 4);
    let block = popup_block(title, r, frame);
    let lines = vec![
        Line::from(vec![
            Span::raw(prompt),
            Span::styled(
                format!("{text}▏"),
                Style::default()
                    .fg(Color::LightYellow)
                    .add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::styled(
            app.tr("Enter accepts · Esc cancels", "Enter 確定 · Esc 取消"),
            Style::default().fg(Color::DarkGray),
        ),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
