//! `--format table`: aligned plain text for a terminal.

use unicode_width::UnicodeWidthStr;

use super::escape::visible;
use super::{
    Exporter, Format, RunReport, any_hazards, any_stocked, hazard_cell, headline, headline_rows,
    insert_hazard_cell, legend,
};

/// Plain-text table exporter.
pub struct TableExporter;

impl Exporter for TableExporter {
    fn serialize(&self, reports: &[RunReport], command: &str) -> Vec<u8> {
        let many = reports.len() > 1;
        let stocked = any_stocked(reports);
        let mut header: Vec<String> = headline(stocked).iter().map(|s| s.to_string()).collect();
        let hazards = any_hazards(reports);
        if hazards {
            insert_hazard_cell(&mut header, crate::lang::Lang::En.hazard_heading().into());
        }
        if many {
            header.insert(0, "scenario".into());
        }
        let mut rows = vec![header];
        let mut out = String::new();
        for r in reports {
            if !many {
                out.push_str(&format!(
                    "{}\nseed {} · {} trials × {} steps\n",
                    visible(&r.scenario.name),
                    r.seed,
                    r.trials,
                    r.steps
                ));
                if let Some(l) = &r.lesson {
                    out.push_str(&format!("lesson: {}\n", visible(l)));
                }
            }
            if !many {
                for line in r.notice_lines() {
                    out.push_str(&format!("{}\n", visible(&line)));
                }
                out.push('\n');
            }
            for (row, t) in headline_rows(r, stocked).into_iter().zip(&r.topologies) {
                let mut row: Vec<String> = row.iter().map(|c| visible(c).into_owned()).collect();
                if hazards {
                    insert_hazard_cell(&mut row, hazard_cell(t));
                }
                if many {
                    row.insert(0, visible(&r.scenario.name).into_owned());
                }
                rows.push(row);
            }
        }
        // Text columns left-aligned, numbers right-aligned.
        let last = rows[0].len() - 1;
        out.push_str(&aligned(&rows, |c| c == 0 || (many && c == 1) || c == last));
        if many {
            // Under the table, numbered by the scenarios' order in it.
            for (i, r) in reports.iter().enumerate() {
                for line in r.notice_lines() {
                    out.push_str(&format!("\nscenario {}: {}", i + 1, visible(&line)));
                }
            }
            out.push('\n');
        }
        out.push_str(&format!("\n{}\n\nreproduce: {command}\n", legend(reports)));
        Format::Table.finish(out.into_bytes())
    }
}

/// Rows of cells as an aligned plain-text table: the first row is the
/// header, underlined with `─`; columns where `left(c)` is false are
/// right-aligned (numbers). Widths count terminal cells (display width:
/// a CJK character takes two), so Chinese labels line up.
pub fn aligned(rows: &[Vec<String>], left: impl Fn(usize) -> bool) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (s, w))| {
                let pad = " ".repeat(w.saturating_sub(s.width()));
                if left(c) {
                    format!("{s}{pad}")
                } else {
                    format!("{pad}{s}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            out.push_str(&rule.join("  "));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_by_display_width() {
        let rows = vec![
            vec!["topology".to_string(), "service".to_string()],
            vec!["數位農業生態網".to_string(), "0.893".to_string()],
            vec!["chain".to_string(), "0.5".to_string()],
        ];
        let text = aligned(&rows, |c| c == 0);
        let widths: Vec<usize> = text.lines().map(UnicodeWidthStr::width).collect();
        // Every row ends at the same cell: the numbers are right-aligned
        // after a 14-cell Chinese label.
        assert_eq!(widths, vec![14 + 2 + 7; 4], "{text}");
    }
}
