//! Small popups: the reproduce commands (`c`) and number prompts (`g`, `s`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::popup_block;
use crate::tui::app::{App, InputKind};
use crate::tui::layout::centered;
use crate::tui::text::clean;

/// The commands that reproduce what is on screen, each laid out by
/// [`wrap_command`]: lines break only between arguments, ending in ` \`, so
/// what is copied from the screen still runs. `y` copies the first (OSC 52).
pub fn command(app: &App, area: Rect, frame: &mut Frame) {
    let grey = Style::default().fg(Color::DarkGray);
    let cmd = Style::default().fg(Color::LightCyan);
    let w = area.width.saturating_sub(4).min(100);
    let inner_w = usize::from(w.saturating_sub(2)).max(1);
    let mut lines = Vec::new();
    for (title, command) in [
        (app.tr("This view:", "這個畫面："), app.reproduce()),
        (
            app.tr(
                "This trial, step by step (CSV):",
                "這次試驗的逐步資料（CSV）：",
            ),
            app.trace_command(),
        ),
        (
            app.tr(
                "The Monte Carlo panel's numbers:",
                "Monte Carlo 面板的數字：",
            ),
            app.run_command(app.mc.total),
        ),
    ] {
        lines.push(Line::styled(title, grey));
        lines.extend(
            wrap_command(&clean(&command), inner_w)
                .into_iter()
                .map(|l| Line::styled(l, cmd)),
        );
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        app.tr(
            "y copies the first command · any other key closes",
            "y 複製第一個指令 · 其他鍵關閉",
        ),
        grey,
    ));
    let h = lines.len() + 2;
    let r = centered(area, w, h.min(usize::from(u16::MAX)) as u16);
    let block = popup_block(app.tr("reproduce", "重現"), r, frame);
    // No wrapping here: every line already fits, or is one argument too
    // long to break (it is cut at the edge rather than split).
    frame.render_widget(Paragraph::new(lines).block(block), r);
}

/// Lay a shell command out in lines of at most `width` characters, breaking
/// only between arguments (an option stays with its value, quotes are never
/// split) and ending every line but the last in ` \`. An argument longer
/// than the width gets a line of its own.
pub fn wrap_command(command: &str, width: usize) -> Vec<String> {
    let units = command_units(command);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for u in units {
        let extra = if cur.is_empty() {
            u.width()
        } else {
            cur.width() + 1 + u.width()
        };
        // Room for the trailing " \\" on every line that continues.
        if !cur.is_empty() && extra + 2 > width {
            lines.push(format!("{cur} \\"));
            cur = format!("  {u}");
        } else if cur.is_empty() {
            cur = u;
        } else {
            cur.push(' ');
            cur.push_str(&u);
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The arguments of a command as units that are never split: words, with
/// `--option value` kept together and quotes whole.
fn command_units(command: &str) -> Vec<String> {
    let words = shell_words(command);
    let mut units: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w.starts_with("--")
            && !w.contains('=')
            && words.get(i + 1).is_some_and(|n| !n.starts_with("--"))
            && i > 0
        {
            units.push(format!("{w} {}", words[i + 1]));
            i += 2;
        } else {
            units.push(w.clone());
            i += 1;
        }
    }
    units
}

/// The marker of a command cut short ([`cut_command`]).
pub const CUT_MARK: &str = " …";

/// `command` in at most `width` cells on one line: whole when it fits,
/// else as many leading units of [`command_units`] as fit followed by
/// [`CUT_MARK`], so the line is never cut inside an argument (a copied
/// prefix is a visibly incomplete command, never a wrong one).
pub fn cut_command(command: &str, width: usize) -> String {
    if command.width() <= width {
        return command.to_string();
    }
    let mut out = String::new();
    for u in command_units(command) {
        let next = if out.is_empty() {
            u.width()
        } else {
            out.width() + 1 + u.width()
        };
        if next + CUT_MARK.width() > width {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&u);
    }
    if out.is_empty() {
        // Not even the first word fits: the mark alone.
        return "…".to_string();
    }
    out + CUT_MARK
}

/// Split a command into words, keeping `'…'`-quoted parts (with their
/// quotes) inside the word they belong to.
fn shell_words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in command.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                cur.push(c);
            }
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
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
