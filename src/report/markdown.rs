//! `--format markdown`: a table to paste into course notes.

use super::{Exporter, RunReport, any_stocked, headline, headline_rows, legend};

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
        let many = reports.len() > 1;
        let mut out = String::new();
        if let [r] = reports {
            out.push_str(&format!(
                "### {}\n\nseed {} · {} trials × {} steps\n\n",
                cell(&r.scenario.name),
                r.seed,
                r.trials,
                r.steps
            ));
            if let Some(l) = &r.lesson {
                out.push_str(&format!("{}\n\n", quote(l)));
            }
        }
        let mut notices = String::new();
        for r in reports {
            for line in r.notice_lines() {
                let line = match line.strip_prefix("warning: ") {
                    Some(w) => format!("**Warning:** {}", cell(w)),
                    None => cell(&line),
                };
                if many {
                    notices.push_str(&format!("- {}: {}\n", cell(&r.scenario.name), line));
                } else {
                    notices.push_str(&format!("- {line}\n"));
                }
            }
        }
        if !notices.is_empty() {
            out.push_str(&notices);
            out.push('\n');
        }
        let stocked = any_stocked(reports);
        let mut header: Vec<&str> = headline(stocked);
        if many {
            header.insert(0, "scenario");
        }
        out.push_str(&format!("| {} |\n", header.join(" | ")));
        let align: Vec<&str> = header
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
            for row in headline_rows(r, stocked) {
                let mut cells: Vec<String> = row.iter().map(|s| cell(s)).collect();
                if many {
                    cells.insert(0, cell(&r.scenario.name));
                }
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
        }
        out.push_str(&format!(
            "\n{}\n\nReproduce: `{command}`\n",
            legend(reports)
        ));
        super::Format::Markdown.finish(out.into_bytes())
    }
}
