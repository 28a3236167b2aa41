//! The footer: key hints (or the latest status message) and the command
//! that reproduces the view (in the sweep view, `chainmesh sweep …`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::fit;
use super::popup::cut_command;
use crate::tui::app::App;
use crate::tui::shocks::attack_phrase_zh;

/// Key hints in order of importance (later ones drop off narrow screens).
fn hints(app: &App) -> Vec<(&'static str, String)> {
    let t = |en: &'static str, zh: &'static str| app.tr(en, zh).to_string();
    let attack = if app.lang_zh {
        format!("攻擊（{}）", attack_phrase_zh(app.shocks.next_attack))
    } else {
        format!("attack ({})", app.shocks.next_attack.as_str())
    };
    let mut hints = vec![
        ("?", t("help", "說明")),
        ("q", t("quit", "離開")),
        (
            "space",
            if app.playback.paused {
                t("run", "執行")
            } else {
                t("pause", "暫停")
            },
        ),
        ("n", t("step", "單步")),
        ("Tab", t("select", "選取")),
        ("Enter", t("inspect", "檢視節點")),
        // The hint says the flow view is on (the header may have no room).
        (
            "f",
            if app.view.flow_view {
                t("flow view ✓", "流量檢視 ✓")
            } else {
                t("flow", "流量")
            },
        ),
        ("o", t("open", "開啟情境")),
        ("k", t("knock out", "停擺")),
        ("/", t("find", "搜尋")),
        ("l", t("lesson", "重點")),
        ("w", t("sweep", "掃描")),
        ("a", attack),
        ("p", t("params", "參數")),
        ("r", t("replay", "重播")),
        ("]/[", t("trial", "試驗")),
        ("+/-", t("speed", "速度")),
        ("g", t("goto", "跳至")),
        ("s", t("seed", "種子")),
        ("c", t("command", "指令")),
        ("e", t("export", "匯出")),
    ];
    // The region view says it is on early, where even 80 columns show it
    // (it has no hint while off: `?` and the README list the key).
    if app.view.region_view {
        hints.insert(1, ("z", t("regions ✓", "區域著色 ✓")));
    }
    hints
}

/// Draw the two footer lines of the main screen in `area`.
pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    draw(app, &hints(app), &app.reproduce(), true, area, frame);
}

/// The footer of the sweep view: its keys (`g` only where it switches
/// something) and the `chainmesh sweep` command.
pub fn sweep(app: &App, one_metric: bool, area: Rect, frame: &mut Frame) {
    let mut keys = vec![("w/Esc", app.tr("close", "關閉").to_string())];
    if one_metric {
        keys.push((
            "g",
            app.tr("φ ↔ giant component", "φ ↔ 最大連通元件").into(),
        ));
    }
    keys.push(("^C", app.tr("quit", "離開").into()));
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
    // A file name may carry control characters: never draw them raw.
    let command = &*crate::tui::text::clean(command);
    let first = if let Some(status) = &app.status {
        Line::styled(
            fit(&crate::tui::text::clean(status), width),
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
    // Cut between arguments only, with a mark: a copied prefix is then a
    // visibly incomplete command, never a different one.
    let shown = if command.width() <= room {
        command.to_string()
    } else if c_for_full {
        let more = app.tr("  (c: full)", "  （c：全文）");
        cut_command(command, room.saturating_sub(more.width())) + more
    } else {
        cut_command(command, room)
    };
    let second = Line::from(vec![
        Span::styled("$ ", Style::default().fg(Color::DarkGray)),
        Span::styled(shown, Style::default().fg(Color::LightCyan)),
    ]);
    frame.render_widget(Paragraph::new(vec![first, second]), area);
}
