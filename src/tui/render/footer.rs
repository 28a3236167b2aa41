//! The footer: key hints (or the latest status message) and the command
//! that reproduces the view (in the sweep view, `chainmesh sweep …`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::fit;
use crate::tui::app::App;

/// Key hints in order of importance (later ones drop off narrow screens).
fn hints(app: &App) -> Vec<(&'static str, String)> {
    vec![
        ("?", "help".into()),
        ("q", "quit".into()),
        (
            "space",
            if app.paused {
                "run".into()
            } else {
                "pause".into()
            },
        ),
        ("n", "step".into()),
        ("Tab", "select".into()),
        ("k", "knock out".into()),
        ("w", "sweep".into()),
        ("a", format!("attack ({})", app.next_attack.select())),
        ("p", "params".into()),
        ("r", "replay".into()),
        ("]/[", "trial".into()),
        ("+/-", "speed".into()),
        ("g", "goto".into()),
        ("s", "seed".into()),
        ("c", "command".into()),
        ("e", "export".into()),
    ]
}

/// Draw the two footer lines of the main screen in `area`.
pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    draw(app, &hints(app), &app.reproduce(), true, area, frame);
}

/// The footer of the sweep view: its keys (`g` only where it switches
/// something) and the `chainmesh sweep` command.
pub fn sweep(app: &App, one_metric: bool, area: Rect, frame: &mut Frame) {
    let mut keys = vec![("w/Esc", "close".to_string())];
    if one_metric {
        keys.push(("g", "φ ↔ giant component".into()));
    }
    keys.push(("^C", "quit".into()));
    draw(app, &keys, &app.sweep_command(), false, area, frame);
}

/// Hints (or the status message) over `command`; `c_for_full` says whether
/// `c` shows a command cut to fit.
fn draw(
    app: &App,
    hints: &[(&str, String)],
    command: &str,
    c_for_full: bool,
    area: Rect,
    frame: &mut Frame,
) {
    let width = usize::from(area.width);
    let first = if let Some(status) = &app.status {
        Line::styled(
            fit(status, width),
            Style::default()
                .fg(Color::LightYellow)
                .add_modifier(Modifier::BOLD),
        )
    } else {
        let key = Style::default()
            .fg(Color::Black)
            .bg(Color::Gray)
            .add_modifier(Modifier::BOLD);
        let mut spans = Vec::new();
        let mut used = 0;
        for (k, what) in hints {
            let w = k.width() + what.width() + 3;
            if used + w > width {
                break;
            }
            spans.push(Span::styled(*k, key));
            spans.push(Span::raw(format!(" {what}  ")));
            used += w;
        }
        Line::from(spans)
    };
    let room = width.saturating_sub(2);
    let shown = if command.width() <= room {
        command.to_string()
    } else if c_for_full {
        fit(command, room.saturating_sub(12)) + "  (c: full)"
    } else {
        fit(command, room)
    };
    let second = Line::from(vec![
        Span::styled("$ ", Style::default().fg(Color::DarkGray)),
        Span::styled(shown, Style::default().fg(Color::LightCyan)),
    ]);
    frame.render_widget(Paragraph::new(vec![first, second]), area);
}
