//! Small popups: the reproduce commands (`c`) and number prompts (`g`, `s`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::popup_block;
use crate::tui::app::{App, InputKind};
use crate::tui::layout::centered;

/// The commands that reproduce what is on screen.
pub fn command(app: &App, area: Rect, frame: &mut Frame) {
    let grey = Style::default().fg(Color::DarkGray);
    let cmd = Style::default().fg(Color::LightCyan);
    let lines = vec![
        Line::styled("This view:", grey),
        Line::styled(app.reproduce(), cmd),
        Line::raw(""),
        Line::styled("This trial, step by step (CSV):", grey),
        Line::styled(app.trace_command(), cmd),
        Line::raw(""),
        Line::styled("The Monte Carlo panel's numbers:", grey),
        Line::styled(app.run_command(app.mc.total), cmd),
        Line::raw(""),
        Line::styled("any key closes", grey),
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
    let block = popup_block("reproduce", r, frame);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        r,
    );
}

/// A one-line number prompt.
pub fn input(kind: InputKind, text: &str, area: Rect, frame: &mut Frame) {
    let (title, prompt) = match kind {
        InputKind::Trial => ("go to trial", "trial number: "),
        InputKind::Seed => ("new seed", "seed: "),
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
            "Enter accepts · Esc cancels",
            Style::default().fg(Color::DarkGray),
        ),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
