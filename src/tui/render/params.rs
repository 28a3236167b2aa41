//! `p`: NetLogo-style sliders for failure rate, repair time and shock size.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::popup_block;
use crate::scenario::Scenario;
use crate::tui::app::App;
use crate::tui::layout::centered;
use crate::tui::params::Param;

const SLIDER: usize = 24;

/// What a slider's value means for this scenario, e.g. `mean 0.020 per step`.
fn effect(app: &App, p: Param, s: &Scenario, extra_shocks: usize) -> String {
    let nodes: Vec<_> = s.topologies.iter().flat_map(|t| &t.nodes).collect();
    let n = nodes.len().max(1) as f64;
    let rate = nodes.iter().map(|x| x.failure_rate).sum::<f64>() / n;
    let repair = nodes.iter().map(|x| x.repair.mean()).sum::<f64>() / n;
    let shocks = s.shocks.len().saturating_sub(extra_shocks);
    match (p, app.lang_zh) {
        (Param::FailureRate, false) => format!("mean {rate:.3} per node-step"),
        (Param::FailureRate, true) => format!("每節點每步平均 {rate:.3}"),
        (Param::RepairTime, false) => format!("mean {repair:.1} steps down"),
        (Param::RepairTime, true) => format!("平均停擺 {repair:.1} 步"),
        (Param::ShockSize, false) => format!("{shocks} scripted shock(s) in the file"),
        (Param::ShockSize, true) => format!("檔案中有 {shocks} 個腳本衝擊"),
    }
}

/// A slider's name in the chosen language.
fn name(app: &App, p: Param) -> &'static str {
    match p {
        Param::FailureRate => app.tr(p.label(), "故障率"),
        Param::RepairTime => app.tr(p.label(), "修復時間"),
        Param::ShockSize => app.tr(p.label(), "衝擊規模"),
    }
}

/// Draw the parameter panel over `area`, slider `selected` highlighted.
pub fn render(app: &App, selected: usize, area: Rect, frame: &mut Frame) {
    let modified = &app.live.prep().scenario;
    let extra = app.shock_specs().len();
    let mut lines = vec![
        Line::styled(
            app.tr(
                "Multipliers of the scenario's own values; changes restart the trial.",
                "情境原始數值的倍數；調整後試驗會重新開始。",
            ),
            Style::default().fg(Color::DarkGray),
        ),
        Line::raw(""),
    ];
    for (j, p) in Param::ALL.iter().enumerate() {
        let (lo, hi, _) = p.range();
        let v = app.params.get(*p);
        let filled = (((v - lo) / (hi - lo)) * SLIDER as f64).round() as usize;
        let at_one = (((1.0 - lo) / (hi - lo)) * SLIDER as f64).round() as usize;
        let bar: String = (0..=SLIDER)
            .map(|i| match i {
                _ if i == filled => '◆',
                _ if i < filled => '━',
                _ if i == at_one => '┊',
                _ => '─',
            })
            .collect();
        let active = j == selected;
        let name_style = if active {
            Style::default()
                .fg(Color::Black)
                .bg(Color::LightYellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        };
        lines.push(Line::from(vec![
            Span::raw(if active { "▶ " } else { "  " }),
            Span::styled(crate::tui::text::pad(name(app, *p), 13), name_style),
            Span::styled(
                bar,
                Style::default().fg(if active {
                    Color::LightYellow
                } else {
                    Color::Gray
                }),
            ),
            Span::styled(
                format!(" ×{v:<4}"),
                Style::default().add_modifier(Modifier::BOLD),
            ),
        ]));
        lines.push(Line::styled(
            format!("{:15}{}", "", effect(app, *p, modified, extra)),
            Style::default().fg(Color::DarkGray),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        app.tr(
            "↑↓ choose · ←→ or -/+ adjust · 0 reset · Enter/Esc close",
            "↑↓ 選擇 · ←→ 或 -/+ 調整 · 0 重設 · Enter/Esc 關閉",
        ),
        Style::default().fg(Color::LightCyan),
    ));
    let h = lines.len() as u16 + 2;
    let r = centered(area, 74, h);
    let block = popup_block(app.tr("parameters", "參數"), r, frame);
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
