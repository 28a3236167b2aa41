//! `--format markdown`: a table to paste into course notes.

use super::{
    Exporter, RunReport, any_hazards, any_stocked, hazard_cell, headline_rows_in,
    insert_hazard_cell,
};
use crate::lang::Lang;

/// Markdown exporter.
pub struct MarkdownExporter;

fn cell(s: &str) -> String {
    super::escape::markdown_inline(s)
}

/// `text` as a block quote, every line escaped.
pub fn quote(text: &str) -> String {
    super::escape::markdown_block(text)
        .lines()
        .map(|l| format!("> {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Exporter for MarkdownExporter {
    fn serialize(&self, reports: &[RunReport], command: &str) -> Vec<u8> {
        super::Format::Markdown.finish(markdown(reports, command, Lang::En).into_bytes())
    }
}

/// The Markdown of `reports` with headings, column headers and legend in
/// `lang` (`--format markdown` is always English, for scripts; the
/// handout passes its language). Cells and names are the same in every
/// language; the notices are in `lang` where the report has them.
pub fn markdown(reports: &[RunReport], command: &str, lang: Lang) -> String {
    let many = reports.len() > 1;
    let mut out = String::new();
    if let [r] = reports {
        let line = match lang {
            Lang::En => format!("seed {} · {} trials × {} steps", r.seed, r.trials, r.steps),
            Lang::ZhTw => format!("種子 {} · {} 次試驗 × {} 步", r.seed, r.trials, r.steps),
        };
        out.push_str(&format!("### {}\n\n{line}\n\n", cell(&r.scenario.name)));
        if let Some(l) = &r.lesson {
            out.push_str(&format!("{}\n\n", quote(l)));
        }
    }
    let mut notices = String::new();
    for r in reports {
        for line in r.notice_lines_in(lang) {
            let line = match line.strip_prefix("warning: ") {
                Some(w) => format!("**{}:** {}", lang.pick("Warning", "警告"), cell(w)),
                None => cell(&line),
            };
            if many {
                notices.push_str(&format!("- {}: {}\n", cell(&r.scenario.name), line));
            } else {
                notices.push_str(&format!("- {line}\n"));
            }
        }
    }
    // One scenario: its notices above the table. Several: under it, as in
    // the table format, so the table opens the page (a printed handout of
    // two scenarios with many shocks keeps the table on page 1).
    if !many && !notices.is_empty() {
        out.push_str(&notices);
        out.push('\n');
    }
    // Aligned by the English keys, whatever the language shown.
    let stocked = any_stocked(reports);
    let mut keys: Vec<&str> = Lang::En.headline(stocked);
    let mut header: Vec<&str> = lang.headline(stocked);
    let hazards = any_hazards(reports);
    if hazards {
        insert_hazard_cell(&mut keys, Lang::En.hazard_heading());
        insert_hazard_cell(&mut header, lang.hazard_heading());
    }
    if many {
        keys.insert(0, "scenario");
        header.insert(0, lang.pick("scenario", "情境"));
    }
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    let align: Vec<&str> = keys
        .iter()
        .map(|h| {
            if matches!(*h, "scenario" | "topology" | "vs first") {
                ":--"
            } else {
                "--:"
            }
        })
        .collect();
    out.push_str(&format!("|{}|\n", align.join("|")));
    for r in reports {
        for (row, t) in headline_rows_in(r, stocked, lang)
            .into_iter()
            .zip(&r.topologies)
        {
            let mut cells: Vec<String> = row.iter().map(|s| cell(s)).collect();
            if hazards {
                insert_hazard_cell(&mut cells, cell(&hazard_cell(t)));
            }
            if many {
                cells.insert(0, cell(&r.scenario.name));
            }
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
    if many && !notices.is_empty() {
        out.push('\n');
        out.push_str(&notices);
    }
    out.push_str(&format!(
        "\n{}\n\n{}`{command}`\n",
        lang.legend(stocked) + if hazards { lang.hazard_legend() } else { "" },
        lang.pick("Reproduce: ", "重現：")
    ));
    out
}
