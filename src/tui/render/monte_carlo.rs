//! The live Monte Carlo distribution: per topology a histogram of per-trial
//! service, mean ± 95% CI, and each topology against the first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use unicode_width::UnicodeWidthStr;

use super::line::{Part, fit_parts};
use super::{fit, pane, topology_color};
use crate::tui::app::App;
use crate::tui::layout::inner;
use crate::tui::text::pad;

const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Draw the panel in `area`.
pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    let mc = &app.mc;
    let trials = app.tr("trials", "次試驗");
    let count = if mc.total > 0 && mc.done() == mc.total && !mc.running() {
        format!("{}", mc.total)
    } else {
        format!("{}/{}", mc.done(), mc.total)
    };
    let dots = if mc.running() { " …" } else { "" };
    // The title shortens by words, never inside the count.
    let room = usize::from(area.width).saturating_sub(2);
    let progress = [
        format!(" Monte Carlo · {count} {trials}{dots} "),
        format!(" MC · {count} {trials}{dots} "),
        format!(" MC · {count} "),
        format!(" {count} "),
    ]
    .into_iter()
    .find(|t| t.width() <= room)
    .unwrap_or_default();
    frame.render_widget(pane(progress), area);
    let r = inner(area);
    if r.width < 4 || r.height == 0 {
        return;
    }
    let Some(summary) = &mc.summary else {
        let text = if mc.running() {
            app.tr("running trials for this seed…", "正在執行這個種子的試驗…")
        } else {
            app.tr("no trials yet", "尚無試驗")
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, Style::default().fg(Color::DarkGray))),
            r,
        );
        return;
    };
    // The drawn topologies only (see `layout::MAX_PANES`).
    let n = app.view.columns.len().min(crate::tui::layout::MAX_PANES);
    // One cell kept free on the right: a number never touches the border.
    let width = usize::from(r.width).saturating_sub(1).max(1);
    let mut lines: Vec<Line> = Vec::new();
    // Comparison lines first in importance, so they survive small panels.
    let mut compare: Vec<Line> = Vec::new();
    for k in 1..n {
        if let Some(Some(c)) = summary.vs_first.get(k) {
            let p = format!("{:.0}%", 100.0 * c.p_better);
            let d = format!("{:+.3} ± {:.3}", c.service_diff.mean, c.service_diff.ci95);
            // Every line names its topology: the id, abbreviated if need be.
            let id = app.topology_id(k);
            let first = app.topology_id(0);
            let candidates = if app.lang_zh {
                [
                    format!("P({id} 優於 {first}) {p}  Δφ {d}"),
                    format!("P({id} 較佳) {p}  Δφ {d}"),
                    format!("P({id} 較佳) {p}"),
                    format!("P({id}) {p}"),
                ]
            } else {
                [
                    format!("P({id} better than {first}) {p}  Δφ {d}"),
                    format!("P({id} better) {p}  Δφ {d}"),
                    format!("P({id} better) {p}"),
                    format!("P({id}) {p}"),
                ]
            };
            let text = candidates
                .into_iter()
                .find(|t| t.width() <= width)
                .unwrap_or_else(|| {
                    let room = width.saturating_sub(p.width() + 4);
                    format!("P({}) {p}", fit(&id, room.max(1)))
                });
            compare.push(Line::from(Span::styled(
                text,
                Style::default()
                    .fg(topology_color(k))
                    .add_modifier(Modifier::BOLD),
            )));
            if let Some(line) = cost_line(app, summary, k, width) {
                compare.push(line);
            }
        }
    }
    let rows_left = usize::from(r.height).saturating_sub(compare.len());
    // Per topology: a title line and as many histogram rows as fit (max 4).
    let hist_rows = (rows_left / n.max(1)).saturating_sub(1).min(4);
    for k in 0..n {
        let color = topology_color(k);
        let s = &summary.metrics[k].service;
        let stats = format!(" {:.3} ± {:.3}", s.mean, s.ci95);
        let mean = format!(" {:.3}", s.mean);
        let name_w = width.saturating_sub(stats.width()).max(1);
        let name = short_name(app, k, name_w);
        let bold = Style::default().fg(color).add_modifier(Modifier::BOLD);
        // Padded by display width, so CJK names line the numbers up; the
        // ± half goes before the mean does, a number is never cut.
        let line = if name.width() + stats.width() <= width {
            vec![Span::styled(pad(&name, name_w), bold), Span::raw(stats)]
        } else {
            let name = short_name(app, k, width.saturating_sub(mean.width()).max(1));
            fit_parts(
                vec![
                    Part::Cut(Span::styled(name, bold)),
                    Part::Whole(Span::raw(mean)),
                ],
                width,
            )
            .spans
        };
        lines.push(Line::from(line));
        if hist_rows > 0 {
            let service = mc.tally.topologies[k].service();
            for row in histogram(service.points(), width, hist_rows) {
                lines.push(Line::styled(row, Style::default().fg(color)));
            }
        }
    }
    if hist_rows > 0 && lines.len() < rows_left {
        let mut axis = format!("0{}1", " ".repeat(width.saturating_sub(2)));
        let mid = app.tr("service per trial", "每次試驗的服務水準");
        if width >= mid.width() + 4 {
            let at = (width - mid.width()) / 2;
            axis = format!(
                "0{}{mid}{}1",
                " ".repeat(at - 1),
                " ".repeat(width - at - mid.width() - 1)
            );
        }
        lines.push(Line::styled(axis, Style::default().fg(Color::DarkGray)));
    }
    lines.truncate(rows_left);
    lines.extend(compare);
    frame.render_widget(Paragraph::new(lines), r);
}

/// Topology `k`'s label if it fits in `width`, else its (shorter) id.
fn short_name(app: &App, k: usize, width: usize) -> String {
    let label = app.topology_label(k);
    if label.width() <= width {
        return label.into_owned();
    }
    fit(&app.topology_id(k), width)
}

/// `rows` text rows of a `width`-bin histogram of `values` on [0, 1].
fn histogram(points: impl Iterator<Item = (f64, u64)>, width: usize, rows: usize) -> Vec<String> {
    let width = width.max(1);
    let mut bins = vec![0usize; width];
    for (v, n) in points {
        let b = ((v.clamp(0.0, 1.0) * width as f64) as usize).min(width - 1);
        bins[b] = bins[b].saturating_add(usize::try_from(n).unwrap_or(usize::MAX));
    }
    let max = bins.iter().copied().max().unwrap_or(0).max(1);
    let eighths: Vec<usize> = bins
        .iter()
        .map(|&c| {
            // In u128: counts reach 2^63 trials.
            let e = (c as u128 * rows as u128 * 8).div_ceil(max as u128) as usize;
            // A bin with any trial shows at least a sliver.
            if c > 0 { e.max(1) } else { 0 }
        })
        .collect();
    (0..rows)
        .map(|row| {
            let floor = (rows - 1 - row) * 8;
            eighths
                .iter()
                .map(|&e| BARS[e.saturating_sub(floor).min(8)])
                .collect()
        })
        .collect()
}

/// In scenarios with costs: what topology `k` costs per unit against the
/// first and the share of trials it was cheaper, shortened to `width`.
fn cost_line(
    app: &App,
    summary: &crate::stats::TableSummary,
    k: usize,
    width: usize,
) -> Option<Line<'static>> {
    let c = summary.vs_first.get(k)?.as_ref()?;
    let (diff, p) = c.cost_diff.zip(c.p_cheaper)?;
    let cur = app.base_scenario().currency();
    let ours = summary.metrics[k].cost.as_ref()?.mean;
    let first = summary.metrics[0].cost.as_ref()?.mean;
    let id = app.topology_id(k);
    let p = format!("{:.0}%", 100.0 * p);
    let d = format!("{:+.2}", diff.mean);
    let candidates = if app.lang_zh {
        [
            format!("{id} 成本 {cur}{ours:.2} 對 {cur}{first:.2}，較便宜 {p}"),
            format!("{id} 成本 Δ{d}，較便宜 {p}"),
            format!("{id} 較便宜 {p}"),
            format!("{cur} {p}"),
        ]
    } else {
        [
            format!("{id} cost {cur}{ours:.2} vs {cur}{first:.2}, cheaper {p}"),
            format!("{id} cost Δ{d}, cheaper {p}"),
            format!("{id} cheaper {p}"),
            format!("{cur} {p}"),
        ]
    };
    let text = candidates.into_iter().find(|t| t.width() <= width)?;
    Some(Line::from(Span::styled(
        text,
        Style::default().fg(topology_color(k)),
    )))
}

#[cfg(test)]
mod tests {
    use super::histogram;

    #[test]
    fn histogram_puts_full_bars_at_the_mode() {
        let rows = histogram([(0.0, 1), (1.0, 2)].into_iter(), 4, 2);
        // Half the mode's count fills one of the two rows.
        assert_eq!(rows, vec!["   █", "█  █"]);
    }
}
