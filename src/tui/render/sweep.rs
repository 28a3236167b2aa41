//! `w`: the attack-tolerance sweep, full screen. One chart per attack
//! (random = mean of the random orders; highest degree / betweenness first),
//! every topology overlaid in its colour, φ against the fraction of nodes
//! removed with the service-level line, and the giant component below when
//! there is room (else `g` switches). The robustness R (the size-fair area
//! under φ, issue 13), one per topology and attack, sits in a table that
//! doubles as the legend.

use crate::tui::render::{line_dataset, phi_axis};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::{fit, footer, header, pane, topology_color};
use crate::sweep::{Attack, SweepReport};
use crate::tui::app::App;
use crate::tui::layout::{inner, sweep_screen};
use crate::tui::sweep::{POINTS, TRIALS};

/// Width of one R column in the table.
const COL: usize = 7;

/// Draw the sweep view over the whole of `area`; `giant` picks the metric
/// when only one row of charts fits.
pub fn render(app: &App, giant: bool, area: Rect, frame: &mut Frame) {
    let s = sweep_screen(area, app.view.columns.len(), Attack::ALL.len());
    let both = s.charts.len() >= 2;
    header::render(app, s.header, frame);
    footer::sweep(app, !both, s.footer, frame);
    let grey = Style::default().fg(Color::DarkGray);
    let Some(report) = &app.sweep.report else {
        let all = s
            .charts
            .iter()
            .flatten()
            .fold(Rect::default(), |acc, r| acc.union(*r));
        let seed = app.sweep.seed().unwrap_or(app.seed());
        let text = match (app.sweep.running(), app.lang_zh) {
            (true, false) => {
                format!("computing… {POINTS} points, {TRIALS} random orders, seed {seed}")
            }
            (true, true) => format!("計算中… {POINTS} 個點，{TRIALS} 種隨機順序，種子 {seed}"),
            (false, _) => app
                .tr(
                    "no sweep: the computation stopped",
                    "沒有掃描結果：計算已停止",
                )
                .to_string(),
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, grey)).block(pane(format!(
                " {} ",
                app.tr("attack-tolerance sweep", "攻擊容忍度掃描")
            ))),
            all,
        );
        frame.render_widget(
            pane(format!(
                " {} ",
                app.tr("critical fraction f_c", "臨界比例 f_c")
            )),
            s.table,
        );
        return;
    };
    for (r, row) in s.charts.iter().enumerate() {
        let giant_row = if both { r == 1 } else { giant };
        let titles = row_titles(app.lang_zh, giant_row, report.trials, row);
        for ((&attack, &rect), title) in Attack::ALL.iter().zip(row).zip(titles) {
            chart(report, attack, giant_row, title, rect, frame);
        }
    }
    table(app, report, s.table, frame);
    notes(app, report, both, s.notes, frame);
}

/// The first of `candidates` that fits a border `width` cells wide.
fn title(candidates: &[String], width: u16) -> String {
    let room = usize::from(width.saturating_sub(2));
    candidates
        .iter()
        .find(|t| t.width() <= room)
        .cloned()
        .unwrap_or_else(|| fit(candidates.last().map_or("", String::as_str), room))
}

/// Chart titles from longest to shortest: `[level][attack]`.
fn chart_titles(zh: bool, giant: bool, trials: u64) -> Vec<[String; 3]> {
    let metric = if giant { "giant(f)" } else { "φ(f)" };
    let short = if giant { "giant" } else { "φ" };
    if zh {
        let name = |a: Attack| a.name(crate::lang::Lang::ZhTw);
        return vec![
            Attack::ALL.map(|a| match a {
                Attack::Random => format!(" {metric} · 隨機，{trials} 次平均 "),
                _ => format!(" {metric} · {}最高者先 ", name(a)),
            }),
            Attack::ALL.map(|a| format!(" {metric} · {} ", name(a))),
            Attack::ALL.map(|a| format!(" {short} · {} ", name(a))),
        ];
    }
    vec![
        Attack::ALL.map(|a| match a {
            Attack::Random => format!(" {metric} · random, mean of {trials} "),
            _ => format!(" {metric} · highest {a} first "),
        }),
        Attack::ALL.map(|a| match a {
            Attack::Random => format!(" {metric} · random, mean of {trials} "),
            _ => format!(" {metric} · {a} first "),
        }),
        Attack::ALL.map(|a| format!(" {metric} · {a} ")),
        Attack::ALL.map(|a| format!(" {short} · {a} ")),
    ]
}

/// The titles of one row of charts: the longest set that fits every chart,
/// so the row reads alike.
fn row_titles(zh: bool, giant: bool, trials: u64, row: &[Rect]) -> Vec<String> {
    let room = row.iter().map(|r| r.width).min().unwrap_or(0);
    let levels = chart_titles(zh, giant, trials);
    let at = levels
        .iter()
        .position(|l| l.iter().all(|t| t.width() + 2 <= usize::from(room)))
        .unwrap_or(levels.len() - 1);
    levels[at]
        .iter()
        .map(|t| title(std::slice::from_ref(t), room))
        .collect()
}

/// One chart: every topology's curve under `attack`, φ (with the service
/// level) or the giant component.
fn chart(
    report: &SweepReport,
    attack: Attack,
    giant: bool,
    title: String,
    area: Rect,
    frame: &mut Frame,
) {
    let series: Vec<Vec<(f64, f64)>> = report
        .topologies
        .iter()
        .map(|t| {
            t.curves
                .iter()
                .find(|c| c.attack == attack)
                .map(|c| {
                    let bands = if giant { &c.giant } else { &c.phi };
                    c.fractions
                        .iter()
                        .zip(bands)
                        .map(|(&f, b)| (f, b.mean))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let level = report.service_level;
    let level_line = [(0.0, level), (1.0, level)];
    let mut datasets = Vec::new();
    if !giant {
        datasets.push(line_dataset(&level_line, Color::DarkGray));
    }
    for (k, data) in series.iter().enumerate() {
        datasets.push(line_dataset(data, topology_color(k)));
    }
    let grey = Style::default().fg(Color::DarkGray);
    let chart = Chart::new(datasets)
        .block(pane(title))
        .x_axis(Axis::default().style(grey).bounds([0.0, 1.0]).labels([
            Span::raw("0"),
            Span::raw(".5"),
            // A space after the last label: it never touches the border.
            Span::raw("1 "),
        ]))
        .y_axis(phi_axis(grey))
        .legend_position(None);
    frame.render_widget(chart, area);
}

/// `0.229` (`~` when estimated from the curve's points), or `—` without φ.
fn robustness(c: Option<&crate::sweep::AttackCurve>) -> String {
    match c.and_then(|c| c.robustness.map(|r| (r, c.robustness_exact))) {
        Some((r, true)) => format!("{r:.3}"),
        Some((r, false)) => format!("~{r:.2}"),
        None => "—".to_string(),
    }
}

/// The R table: a row per topology (its name in its colour, the legend of
/// the charts), a column per attack.
fn table(app: &App, report: &SweepReport, area: Rect, frame: &mut Frame) {
    let candidates = [
        format!(
            " {} R ({}) ",
            app.tr("robustness", "韌性"),
            app.tr("higher = sturdier", "越高越穩")
        ),
        format!(" {} R ", app.tr("robustness", "韌性")),
        " R ".to_string(),
    ];
    frame.render_widget(pane(title(&candidates, area.width)), area);
    let r = inner(area);
    // One cell kept free on the right: a number never touches the border.
    let width = usize::from(r.width).saturating_sub(1);
    if width == 0 || r.height == 0 {
        return;
    }
    let name_w = width.saturating_sub(2 + COL * Attack::ALL.len()).max(1);
    let heads = if app.lang_zh {
        ["隨機", "連結數", "中介"]
    } else {
        ["random", "degree", "betw."]
    };
    let mut head = " ".repeat(name_w + 2);
    for h in heads {
        head.push_str(&crate::tui::text::pad_left(h, COL));
    }
    let mut lines = vec![Line::styled(
        fit(&head, width),
        Style::default().fg(Color::DarkGray),
    )];
    for (k, t) in report.topologies.iter().enumerate() {
        let color = topology_color(k);
        let name = if app.topology_label(k).width() <= name_w {
            app.topology_label(k).into_owned()
        } else {
            fit(&crate::tui::text::clean(&t.id), name_w)
        };
        let mut spans = vec![
            Span::styled("━ ", Style::default().fg(color)),
            Span::styled(
                crate::tui::text::pad(&name, name_w),
                Style::default().fg(color).add_modifier(Modifier::BOLD),
            ),
        ];
        for attack in Attack::ALL {
            let c = t.curves.iter().find(|c| c.attack == attack);
            spans.push(Span::styled(
                format!("{:>COL$}", robustness(c)),
                Style::default().add_modifier(Modifier::BOLD),
            ));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), r);
}

/// What the numbers mean, most important first (the rest is cut when short).
fn notes(app: &App, report: &SweepReport, both: bool, area: Rect, frame: &mut Frame) {
    if area.width < 12 || area.height < 3 {
        return;
    }
    let grey = Style::default().fg(Color::DarkGray);
    let key = Style::default()
        .fg(Color::LightCyan)
        .add_modifier(Modifier::BOLD);
    let level = report.service_level;
    let (trials, seed) = (report.trials, report.seed);
    let zh = app.lang_zh;
    let mut lines = vec![
        Line::raw(app.tr(
            "R = (1/n) Σ φ(k), k = 1…n nodes removed: 0 for a chain, fair between sizes",
            "R = (1/n) Σ φ(k)，k = 1…n 個移除節點：產業鏈為 0，不同規模可公平比較",
        )),
        Line::raw(app.tr(
            "f = k/n, the fraction of nodes removed",
            "f = k/n，移除的節點比例",
        )),
        Line::raw(app.tr("φ = max flow / baseline", "φ = 最大流量 / 基準")),
        Line::styled(
            if zh {
                format!("灰線 = 服務門檻 {level}")
            } else {
                format!("grey line = service level {level}")
            },
            grey,
        ),
        Line::raw(if zh {
            format!("隨機：{trials} 種順序的平均，種子 {seed}")
        } else {
            format!("random: mean of {trials} orders, seed {seed}")
        }),
        Line::raw(app.tr(
            "degree, betweenness: highest first, ranked once on the intact graph",
            "連結數、中介中心性：由高到低，依完整網路排名一次",
        )),
        Line::raw(app.tr(
            "giant = largest connected component / all nodes",
            "giant = 最大連通元件 / 全部節點",
        )),
    ];
    if !both {
        lines.push(Line::from(vec![
            Span::styled("g", key),
            Span::raw(app.tr(" φ ↔ giant component", " φ ↔ 最大連通元件")),
        ]));
    }
    lines.push(Line::styled(
        app.tr(
            "Structure only: failure rates, repairs and shocks do not enter.",
            "只看結構：不考慮故障率、修復與衝擊。",
        ),
        grey,
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .block(pane(format!(" {} ", app.tr("reading it", "怎麼讀"))))
            .wrap(Wrap { trim: true }),
        area,
    );
}
