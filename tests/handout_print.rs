//! The handout printed from a browser (issue 13): headless Chromium prints
//! `report.html` on Letter and A4, and `pdftotext` must find every column
//! of the comparison table — the first table on page 1 — and every heading
//! followed by its chart on the same page. Skips loudly when Chromium or
//! poppler-utils are missing (Debian: `apt-get install chromium poppler-utils`).

use std::path::Path;
use std::process::Command;

const HEADERS: [&str; 12] = [
    "topology",
    "nodes",
    "baseline",
    "service",
    "p5",
    "p50",
    "nadir",
    "below",
    "lost/step",
    "recovery",
    "collapse",
    "vs first",
];

/// `tool` is an executable on PATH.
fn have(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

/// Print `html` to a PDF on `size` (a CSS page size) and return its text per page.
fn print(html: &Path, size: &str, dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(html).expect("report.html");
    let sized = text.replacen(
        "</head>",
        &format!("<style>@page {{ size: {size}; }}</style></head>"),
        1,
    );
    let page = dir.join(format!("print-{size}.html"));
    std::fs::write(&page, sized).expect("write");
    let pdf = dir.join(format!("print-{size}.pdf"));
    let profile = tempfile::tempdir().expect("profile");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        pdf.exists(),
        "chromium wrote no PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&text.stdout)
        .split('\u{c}')
        .map(str::to_string)
        .collect()
}

#[test]
fn every_column_prints_on_letter_and_a4_and_page_one_holds_the_table() {
    if !have("chromium") || !have("pdftotext") {
        eprintln!(
            "SKIPPED: the print check needs chromium and pdftotext (apt-get install chromium poppler-utils)"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("handout");
    let status = assert_cmd::Command::cargo_bin("chainmesh")
        .expect("binary")
        .args([
            "report",
            "agriculture",
            "pandemic-2020",
            "--trials",
            "40",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("report runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    for size in ["letter", "A4"] {
        let pages = print(&out.join("report.html"), size, dir.path());
        let all = pages.join("\n");
        let first = &pages[0];
        for h in HEADERS {
            // Each header is a whole word of the text (not cut to "collap").
            let found = all.lines().any(|l| {
                l.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .contains(h)
            });
            assert!(
                found,
                "{size}: column {h:?} missing from the printout:\n{all}"
            );
            assert!(
                first.contains(h.split(' ').next().expect("word")),
                "{size}: page 1 lacks the comparison table's {h:?}:\n{first}"
            );
        }
        // The heading of each chart is on the page that shows the chart's
        // caption, never alone at the bottom of the previous page.
        for heading in ["Service over time", "Per-trial service", "Attack tolerance"] {
            for page in &pages {
                let lines: Vec<&str> = page
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                if let Some(last) = lines.last() {
                    assert_ne!(
                        *last, heading,
                        "{size}: {heading:?} is the last line of a page"
                    );
                }
            }
        }
    }
}
