//! `?`: every key, and what the node marks mean.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::graph::{ASSEMBLER, DOWN, RECOVERED, STARVED, UP};
use super::popup_block;
use crate::tui::app::App;
use crate::tui::layout::centered;

/// Every key binding: (keys, what they do).
pub const KEYS: [(&str, &str); 19] = [
    ("space", "pause / resume"),
    ("n  →", "one step"),
    ("+  -", "faster / slower"),
    ("r", "replay this trial from step 0"),
    ("]  [", "next / previous trial"),
    ("g", "go to a trial number"),
    ("s", "enter a new seed"),
    ("Tab ⇧Tab ←", "next / previous node"),
    ("↑  ↓  click", "select a node in a topology"),
    ("k", "knock out the selected node now (same id everywhere)"),
    ("a", "attack every topology: random → degree → betweenness"),
    ("x", "clear your knock-outs and attacks"),
    ("p", "parameters: failure rate, repair time, shock size"),
    ("w", "attack sweep: φ vs fraction of nodes removed, f_c"),
    ("e", "export trace CSV + Monte Carlo JSON"),
    ("c", "show the command that reproduces this view"),
    ("?", "this help (any key closes)"),
    ("q Esc ^C", "quit"),
    ("", "Same seed + trial = same run, on any machine."),
];

/// Draw the help overlay over `area`.
pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    use unicode_width::UnicodeWidthStr;
    let key = Style::default()
        .fg(Color::LightCyan)
        .add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:<12}"), key),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::from(vec![
        Span::styled(format!("{UP}up  "), Style::default().fg(Color::Green)),
        Span::styled(
            format!("{DOWN}down 3"),
            Style::default().fg(Color::White).bg(Color::Red),
        ),
        Span::raw(" = 3 steps left  "),
        Span::styled(
            format!("{RECOVERED}recovered"),
            Style::default().fg(Color::LightGreen),
        ),
        Span::raw("  "),
        Span::styled(
            "selected",
            Style::default().add_modifier(Modifier::REVERSED),
        ),
    ]));
    // Bills of materials: the assembler marks, only where there are assemblers.
    let scenario = app.base_scenario();
    if scenario
        .topologies
        .iter()
        .any(|t| t.nodes.iter().any(|n| n.is_assembler()))
    {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{ASSEMBLER}assembler"),
                Style::default().fg(Color::Green),
            ),
            Span::raw(" needs every part  "),
            Span::styled(
                format!("{STARVED}starved"),
                Style::default().fg(Color::Yellow),
            ),
            Span::raw(" = a part has no supplier left"),
        ]));
    }
    // The scenario's lesson, word-wrapped, when the screen has room for it.
    if let Some(lesson) = &app.base_scenario().lesson {
        let mut wrapped = vec![String::new()];
        for word in lesson.split_whitespace() {
            let last = wrapped.last().map_or(0, |l| l.width());
            if last > 0 && last + 1 + word.width() > 64 {
                wrapped.push(String::new());
            }
            if let Some(l) = wrapped.last_mut() {
                if !l.is_empty() {
                    l.push(' ');
                }
                l.push_str(word);
            }
        }
        if lines.len() + wrapped.len() + 4 <= usize::from(area.height) {
            lines.push(Line::raw(""));
            lines.push(Line::styled("lesson", key));
            lines.extend(wrapped.into_iter().map(Line::raw));
        }
    }
    let h = lines.len() as u16 + 2;
    let r = centered(area, 68, h);
    let block = popup_block("keys", r, frame);
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
