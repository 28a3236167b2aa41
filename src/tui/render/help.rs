//! `?`: every key, and what the node marks mean, in the chosen language;
//! then as much of the lesson as fits (`l` shows all of it).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::node::{ASSEMBLER, DOWN, RECOVERED, STARVED, UP};
use super::popup_block;
use crate::tui::app::App;
use crate::tui::layout::centered;
use crate::tui::text::{pad, wrap};

/// Every key binding: (keys, what they do, the same in Traditional Chinese).
pub const KEYS: [(&str, &str, &str); 26] = [
    ("space", "pause / resume", "暫停 / 繼續"),
    ("n  →", "one step", "前進一步"),
    ("+  -", "faster / slower", "加快 / 放慢"),
    (
        "r",
        "replay this trial from step 0",
        "從第 0 步重播這次試驗",
    ),
    ("]  [", "next / previous trial", "下一次 / 上一次試驗"),
    ("g", "go to a trial number", "跳到指定的試驗編號"),
    ("s", "enter a new seed", "輸入新的種子"),
    ("Tab ⇧Tab ←", "next / previous node", "下一個 / 上一個節點"),
    (
        "↑  ↓  click",
        "select a node in a topology",
        "在拓樸中選取節點",
    ),
    ("Enter", "inspect the selected node", "檢視選取的節點"),
    ("/", "find a node by name", "依名稱搜尋節點"),
    (
        "f",
        "flow view: links by flow, bottleneck",
        "流量檢視：依流量畫連結，標出瓶頸",
    ),
    (
        "z",
        "colour nodes by region (scenarios with regions)",
        "依區域為節點著色（有區域的情境）",
    ),
    ("o", "open another scenario", "開啟其他情境"),
    (
        "l",
        "the whole lesson (scrolls)",
        "完整的觀察重點（可捲動）",
    ),
    (
        "k",
        "knock out the selected node now (same id everywhere)",
        "立刻讓選取的節點停擺（各拓樸同 id）",
    ),
    (
        "a",
        "attack every topology: random → degree → betweenness",
        "攻擊每個拓樸：隨機 → 連結數 → 中介中心性",
    ),
    (
        "x",
        "clear your knock-outs and attacks",
        "清除你的停擺與攻擊",
    ),
    (
        "p",
        "parameters: failure rate, repair time, shock size",
        "參數：故障率、修復時間、衝擊規模",
    ),
    (
        "w",
        "attack sweep: φ vs fraction of nodes removed, f_c",
        "攻擊掃描：φ 對移除節點比例，f_c",
    ),
    (
        "e",
        "export trace CSV + Monte Carlo JSON",
        "匯出逐步 CSV 與 Monte Carlo JSON",
    ),
    (
        "c",
        "show the command that reproduces this view",
        "顯示重現這個畫面的指令",
    ),
    (
        "?",
        "this help (any key closes)",
        "這份說明（按任意鍵關閉）",
    ),
    ("q Esc ^C", "quit", "離開"),
    (
        "",
        "Same seed + trial = same run, on any machine.",
        "相同種子與試驗編號，在任何機器上結果都相同。",
    ),
    (
        "",
        "Grey φ(t) line after k or a: the same trial without them.",
        "按 k 或 a 後 φ(t) 的灰線：沒有它們的同一次試驗。",
    ),
];

/// Width of the help popup.
const WIDTH: u16 = 72;

/// Draw the help overlay over `area`.
pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    let key = Style::default()
        .fg(Color::LightCyan)
        .add_modifier(Modifier::BOLD);
    let inner_w = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let mut lines: Vec<Line> = Vec::new();
    for (k, en, zh) in KEYS {
        let what = if app.lang_zh { zh } else { en };
        // Long descriptions wrap under themselves, not under the key.
        for (j, part) in wrap(what, inner_w.saturating_sub(12))
            .into_iter()
            .enumerate()
        {
            lines.push(Line::from(vec![
                Span::styled(pad(if j == 0 { k } else { "" }, 12), key),
                Span::raw(part),
            ]));
        }
    }
    lines.push(Line::from(vec![
        Span::styled(
            format!("{UP}{}  ", app.tr("up", "運作")),
            Style::default().fg(Color::Green),
        ),
        Span::styled(
            format!("{DOWN}{} 3", app.tr("down", "停擺")),
            Style::default().fg(Color::White).bg(Color::Red),
        ),
        Span::raw(app.tr(" = 3 steps left  ", " = 還剩 3 步  ")),
        Span::styled(
            format!("{RECOVERED}{}", app.tr("recovered", "恢復")),
            Style::default().fg(Color::LightGreen),
        ),
        Span::raw("  "),
        Span::styled(
            app.tr("selected", "選取"),
            Style::default().add_modifier(Modifier::REVERSED),
        ),
    ]));
    // Bills of materials: the assembler marks, only where there are assemblers.
    if app
        .base_scenario()
        .topologies
        .iter()
        .any(|t| t.nodes.iter().any(|n| n.is_assembler()))
    {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{ASSEMBLER}{}", app.tr("assembler", "組裝廠")),
                Style::default().fg(Color::Green),
            ),
            Span::raw(app.tr(" needs every part  ", " 需要每一種零件  ")),
            Span::styled(
                format!("{STARVED}{}", app.tr("starved", "缺料")),
                Style::default().fg(Color::Yellow),
            ),
            Span::raw(app.tr(" = a part has no supplier left", " = 某零件已無供應商")),
        ]));
    }
    // The scenario's lesson, wrapped, as far as the screen has room.
    if let Some(lesson) = app.lesson() {
        let wrapped = wrap(&lesson, inner_w.min(64));
        let room = usize::from(area.height).saturating_sub(lines.len() + 4);
        if room >= 2 {
            lines.push(Line::raw(""));
            let more = wrapped.len() > room - 1;
            lines.push(Line::styled(
                if more {
                    app.tr("lesson (l: all of it)", "觀察重點（l 看全文）")
                } else {
                    app.tr("lesson", "觀察重點")
                },
                key,
            ));
            lines.extend(wrapped.into_iter().take(room - 1).map(Line::raw));
        }
    }
    // Taller than the screen: a window of it, scrolled with ↑↓.
    let rows = usize::from(area.height.saturating_sub(2)).max(1);
    if lines.len() > rows {
        let window = rows.saturating_sub(1).max(1);
        let from = usize::from(app.help.scroll).min(lines.len() - window);
        let total = lines.len();
        lines = lines.into_iter().skip(from).take(window).collect();
        let hint = if app.lang_zh {
            format!(
                "↑↓ 捲動 · {}–{}/{} · 其他鍵關閉",
                from + 1,
                from + window,
                total
            )
        } else {
            format!(
                "↑↓ scroll · {}–{}/{} · other keys close",
                from + 1,
                from + window,
                total
            )
        };
        lines.push(Line::styled(hint, Style::default().fg(Color::DarkGray)));
    }
    let h = lines.len() as u16 + 2;
    let r = centered(area, WIDTH, h);
    let block = popup_block(app.tr("keys", "按鍵"), r, frame);
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
