//! `chainmesh report`: the handout's files exist, the SVGs parse and carry
//! their titles, the PNGs are real, the Markdown links what was written,
//! one seed gives identical bytes, and bad input writes nothing.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

const TRIALS: &str = "40";
const CHARTS: [&str; 3] = ["service", "distribution", "attack"];

fn chainmesh() -> Command {
    Command::cargo_bin("chainmesh").expect("binary")
}

/// Run `chainmesh report ARGS... --out DIR --trials 40 --seed SEED` and return DIR.
fn report(dir: &Path, scenarios: &[&str], seed: &str) -> PathBuf {
    let out = dir.join("handout");
    chainmesh()
        .arg("report")
        .args(scenarios)
        .arg("--out")
        .arg(&out)
        .args(["--trials", TRIALS, "--seed", seed])
        .assert()
        .success();
    out
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn text(path: &Path) -> String {
    String::from_utf8(read(path)).expect("UTF-8")
}

/// Every `<text>` content of an SVG, which must parse as XML with an `svg` root.
fn svg_texts(path: &Path) -> (Vec<String>, roxmltree::Document<'static>) {
    let source: &'static str = Box::leak(text(path).into_boxed_str());
    let doc = roxmltree::Document::parse(source)
        .unwrap_or_else(|e| panic!("{} is not XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    (texts, doc)
}

fn count(doc: &roxmltree::Document<'_>, tag: &str) -> usize {
    doc.descendants().filter(|n| n.has_tag_name(tag)).count()
}

#[test]
fn writes_markdown_html_and_every_chart_as_svg_and_png() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = report(tmp.path(), &["agriculture"], "11");

    let md = text(&out.join("report.md"));
    let html = text(&out.join("report.html"));
    for stem in CHARTS.map(|c| format!("agriculture-{c}")) {
        for ext in ["svg", "png"] {
            let name = format!("{stem}.{ext}");
            assert!(
                md.contains(&format!("({name})")),
                "report.md does not link {name}"
            );
            assert!(!read(&out.join(&name)).is_empty(), "{name} is empty");
        }
        assert!(
            md.contains(&format!("]({stem}.svg)\n")),
            "report.md does not show {stem}.svg as an image"
        );
    }

    // The comparison table (the Markdown exporter's) and the sweep's table.
    assert!(md.contains("| topology | nodes | baseline | service |"));
    assert!(
        md.contains("Reproduce: `chainmesh run agriculture --trials 40 --seed 11 --steps 120`")
    );
    assert!(md.contains("| topology | random failures |"));
    assert!(
        md.contains("chainmesh report agriculture --out DIR --trials 40 --seed 11 --steps 120")
    );

    // The HTML page: the same table, charts inlined as SVG.
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<table>"));
    assert_eq!(
        html.matches("<svg ").count(),
        6,
        "three inline charts, the price chart (agriculture has costs) and a drawing of each of the two topologies"
    );
    // Each drawing parses and names its topology and every node.
    let agriculture = chainmesh::cli::load("agriculture").expect("built-in");
    for (k, t) in agriculture.topologies.iter().enumerate() {
        let name = format!("agriculture-topology-{}.svg", k + 1);
        assert!(
            md.contains(&format!("]({name})\n")),
            "report.md shows {name}"
        );
        let (texts, _) = svg_texts(&out.join(&name));
        assert!(
            texts.iter().any(|x| x.starts_with(&t.label)),
            "{name}: no title {:?} in {texts:?}",
            t.label
        );
        let svg = text(&out.join(&name));
        assert_eq!(
            svg.matches("class=\"node\"").count(),
            t.nodes.len(),
            "{name}: one mark per node"
        );
        assert_eq!(
            svg.matches("class=\"link\"").count(),
            t.links.len(),
            "{name}: one line per link"
        );
    }
    assert!(!html.contains("<img src=\"agriculture-service.svg\""));

    // Nothing else (no temp files) is left in the folder.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // Three charts and the price chart as SVG and PNG, two drawings, two pages.
    assert_eq!(names.len(), 12, "{names:?}");
}

#[test]
fn svgs_parse_and_carry_titles_axes_and_legends() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = report(tmp.path(), &["agriculture"], "11");

    let (texts, doc) = svg_texts(&out.join("agriculture-service.svg"));
    let all = texts.join("\n");
    for want in [
        "service over time",
        "step",
        "service φ = throughput / baseline",
        "service level 0.9",
        "Linear agri-food supply chain",
        "Digital-agriculture ecosystem network",
        "5th–95th percentile",
    ] {
        assert!(all.contains(want), "service chart lacks {want:?}:\n{all}");
    }
    // One term each (issue 26): 服務水準 is φ, 服務門檻 the threshold.
    assert!(!all.contains("服務水準 0.9"), "{all}");
    assert!(count(&doc, "polygon") >= 2, "one band per topology");
    assert!(count(&doc, "polyline") >= 2, "one mean line per topology");

    let (texts, doc) = svg_texts(&out.join("agriculture-distribution.svg"));
    let all = texts.join("\n");
    for want in ["per-trial service", "share of trials (%)", "mean 0."] {
        assert!(all.contains(want), "histogram lacks {want:?}:\n{all}");
    }
    assert!(count(&doc, "rect") > 4, "histogram bars");

    let (texts, _) = svg_texts(&out.join("agriculture-attack.svg"));
    let all = texts.join("\n");
    for want in [
        "attack tolerance",
        "random failures",
        "attack: highest degree first",
        "attack: highest betweenness first",
        "fraction of nodes removed",
    ] {
        assert!(all.contains(want), "attack chart lacks {want:?}:\n{all}");
    }
}

#[test]
fn pngs_are_png_files_at_twice_the_svg_size() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = report(tmp.path(), &["agriculture"], "11");
    for (chart, (w, h)) in CHARTS
        .iter()
        .zip([(1920, 1080), (1920, 1080), (2400, 1040)])
    {
        let png = read(&out.join(format!("agriculture-{chart}.png")));
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{chart}: PNG signature");
        assert_eq!(&png[12..16], b"IHDR");
        let width = u32::from_be_bytes(png[16..20].try_into().expect("4 bytes"));
        let height = u32::from_be_bytes(png[20..24].try_into().expect("4 bytes"));
        assert_eq!((width, height), (w, h), "{chart}: size");
        assert!(png.len() > 20_000, "{chart}: only {} bytes", png.len());
    }
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_does_not() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let c = tempfile::tempdir().expect("tempdir");
    let out_a = report(a.path(), &["agriculture"], "5");
    let out_b = report(b.path(), &["agriculture"], "5");
    let out_c = report(c.path(), &["agriculture"], "6");
    let mut files = vec!["report.md".to_string(), "report.html".to_string()];
    for chart in CHARTS {
        files.push(format!("agriculture-{chart}.svg"));
        files.push(format!("agriculture-{chart}.png"));
    }
    for f in &files {
        assert!(read(&out_a.join(f)) == read(&out_b.join(f)), "{f} differs");
    }
    assert_ne!(
        read(&out_a.join("report.md")),
        read(&out_c.join("report.md"))
    );
    assert_ne!(
        read(&out_a.join("agriculture-service.svg")),
        read(&out_c.join("agriculture-service.svg"))
    );
}

#[test]
fn several_scenarios_share_one_table_and_get_their_own_charts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = report(tmp.path(), &["agriculture", "pandemic-2020"], "3");
    let md = text(&out.join("report.md"));
    assert!(md.contains("| scenario | topology |"), "combined table");
    for slug in ["agriculture", "pandemic-2020"] {
        for chart in CHARTS {
            let name = format!("{slug}-{chart}.svg");
            assert!(md.contains(&format!("({name})")));
            svg_texts(&out.join(name));
        }
    }
    // Six charts, the two price charts (both scenarios have costs) and a
    // drawing of each of the 2 + 3 topologies (pandemic has its chain with
    // safety stock).
    assert_eq!(text(&out.join("report.html")).matches("<svg ").count(), 13);
    // Issue 26: each section's R sentence names its own topologies and
    // sizes (not "a 5-node chain and a 22-node network") and how many
    // random orders it averages; the pandemic's charts read in days.
    assert!(!md.contains("22-node network"), "{md}");
    for sizes in [
        "chain (5 nodes), network (22 nodes)",
        "chain (4 nodes), network (20 nodes), chain_stock (4 nodes)",
    ] {
        assert!(
            md.contains(&format!("here {sizes}: a linear chain scores 0")),
            "{sizes}"
        );
    }
    assert!(
        md.contains("random removal orders with seed")
            && md.contains("the TUI's `w` view average the same 100 by default"),
        "{md}"
    );
    let (texts, _) = svg_texts(&out.join("pandemic-2020-service.svg"));
    assert!(
        texts.iter().any(|t| t.contains("1 step = 2 days")),
        "{texts:?}"
    );
}

#[test]
fn a_bad_scenario_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // An existing, empty folder stays empty; a missing one is not created.
    let existing = tmp.path().join("existing");
    std::fs::create_dir(&existing).expect("mkdir");
    let missing = tmp.path().join("missing");
    for out in [&existing, &missing] {
        chainmesh()
            .args([
                "report",
                "agriculture",
                "tests/bad/capacity-nan.toml",
                "--out",
            ])
            .arg(out)
            .args(["--trials", TRIALS])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("capacity-nan.toml"));
    }
    assert_eq!(std::fs::read_dir(&existing).expect("read_dir").count(), 0);
    assert!(!missing.exists());

    chainmesh()
        .args(["report", "no-such-scenario", "--out"])
        .arg(&missing)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-scenario"));
    assert!(!missing.exists());
}

/// A shaded band of an SVG chart: its fill, opacity and bounding box.
struct Band {
    fill: String,
    opacity: f64,
    bbox: (f64, f64, f64, f64),
}

fn bands(doc: &roxmltree::Document<'_>) -> Vec<Band> {
    doc.descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .map(|n| {
            let points: Vec<(f64, f64)> = n
                .attribute("points")
                .expect("points")
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').expect("x,y");
                    (x.parse().expect("x"), y.parse().expect("y"))
                })
                .collect();
            let xs = points.iter().map(|p| p.0);
            let ys = points.iter().map(|p| p.1);
            Band {
                fill: n.attribute("fill").expect("fill").to_string(),
                opacity: n
                    .attribute("opacity")
                    .map_or(1.0, |o| o.parse().expect("opacity")),
                bbox: (
                    xs.clone().fold(f64::INFINITY, f64::min),
                    ys.clone().fold(f64::INFINITY, f64::min),
                    xs.fold(f64::NEG_INFINITY, f64::max),
                    ys.fold(f64::NEG_INFINITY, f64::max),
                ),
            }
        })
        .collect()
}

/// Run `chainmesh report ARGS... --lang zh-TW` into `dir/name`.
fn report_zh(dir: &Path, name: &str, scenarios: &[&str], seed: &str) -> PathBuf {
    let out = dir.join(name);
    chainmesh()
        .arg("report")
        .args(scenarios)
        .arg("--out")
        .arg(&out)
        .args(["--trials", TRIALS, "--seed", seed, "--lang", "zh-TW"])
        .assert()
        .success();
    out
}

/// English words (three ASCII letters or more) in `s`, but the program's name.
fn english_words(s: &str) -> Vec<String> {
    s.replace("chainmesh", "")
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .map(str::to_string)
        .collect()
}

#[test]
fn five_bands_stay_readable_and_each_has_its_legend_key() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (name, topologies) in [("agriculture", 2), ("ecosystem-archetypes", 5)] {
        let out = report(&tmp.path().join(name), &[name], "3");
        let (texts, doc) = svg_texts(&out.join(format!("{name}-service.svg")));
        let bands = bands(&doc);
        assert_eq!(bands.len(), topologies, "{name}: one band per topology");
        for b in &bands {
            // Bands drawn in the same plot overlap: their opacities add up.
            let stacked: f64 = bands
                .iter()
                .filter(|o| {
                    o.bbox.0 < b.bbox.2
                        && b.bbox.0 < o.bbox.2
                        && o.bbox.1 < b.bbox.3
                        && b.bbox.1 < o.bbox.3
                })
                .map(|o| o.opacity)
                .sum();
            assert!(
                b.opacity <= 0.22 && stacked <= 0.33,
                "{name}: band {} at opacity {} in a plot shaded {stacked} in total",
                b.fill,
                b.opacity
            );
            // Its legend key: a box of the same colour and opacity.
            let key = doc.descendants().any(|n| {
                n.has_tag_name("rect")
                    && n.attribute("fill") == Some(&b.fill)
                    && n.attribute("opacity")
                        .and_then(|o| o.parse::<f64>().ok())
                        .is_some_and(|o| (o - b.opacity).abs() < 0.006)
            });
            assert!(key, "{name}: no legend key shaded like band {}", b.fill);
        }
        // The text says how to read small multiples, and only when there are some.
        let md = text(&out.join("report.md"));
        assert_eq!(md.contains("its own panel"), topologies >= 4, "{name}");
        let scenario = chainmesh::cli::load(name).expect("built-in");
        let all = texts.join("\n");
        for t in &scenario.topologies {
            assert!(all.contains(&t.label), "{name}: legend lacks {:?}", t.label);
        }
    }
}

#[test]
fn zh_tw_handout_translates_every_heading_table_header_and_chart_text() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for scenarios in [&["agriculture"][..], &["agriculture", "manufacturing"][..]] {
        let out = report_zh(tmp.path(), &scenarios.join("+"), scenarios, "11");
        let md = text(&out.join("report.md"));
        let headings: Vec<&str> = md.lines().filter(|l| l.starts_with('#')).collect();
        assert!(headings.len() >= 6, "{headings:?}");
        for h in &headings {
            assert!(english_words(h).is_empty(), "English left in heading {h:?}");
        }
        for want in [
            "## 比較",
            "### 拓樸圖",
            "### 服務水準隨時間變化",
            "### 攻擊容忍度",
        ] {
            assert!(md.contains(want), "no {want:?} in\n{md}");
        }
        // Every table header row (the line above each `|:--|` rule).
        let lines: Vec<&str> = md.lines().collect();
        let headers: Vec<&str> = lines
            .windows(2)
            .filter(|w| w[1].starts_with("|:--"))
            .map(|w| w[0])
            .collect();
        // The comparison, two sweep tables per scenario, a price table per
        // scenario with costs, a risk table per topology.
        let loaded: Vec<_> = scenarios
            .iter()
            .map(|n| chainmesh::cli::load(n).expect("built-in"))
            .collect();
        let topologies: usize = loaded.iter().map(|s| s.topologies.len()).sum();
        let priced = loaded.iter().filter(|s| s.has_costs()).count();
        assert_eq!(
            headers.len(),
            1 + 2 * scenarios.len() + priced + topologies,
            "{headers:?}"
        );
        for h in &headers {
            assert!(english_words(h).is_empty(), "English left in header {h:?}");
        }
        // The lesson and topology labels come from `lesson_zh`/`label_zh`.
        assert!(md.contains("數位農業生態網"), "{md}");
        let html = text(&out.join("report.html"));
        assert!(html.contains("<html lang=\"zh-TW\">"));
        assert!(
            html.contains("'Noto Sans CJK TC'"),
            "CJK font stack in the page"
        );
    }
    let out = tmp.path().join("agriculture");
    let (texts, _) = svg_texts(&out.join("agriculture-service.svg"));
    let all = texts.join("\n");
    for want in [
        "服務水準隨時間變化",
        "服務門檻 0.9",
        "數位農業生態網",
        "第 5 至第 95 百分位",
    ] {
        assert!(all.contains(want), "service chart lacks {want:?}:\n{all}");
    }
    for chart in CHARTS {
        let path = out.join(format!("agriculture-{chart}.svg"));
        let (texts, _) = svg_texts(&path);
        let svg = text(&path);
        assert!(
            svg.contains("Noto Sans CJK TC"),
            "{chart}: no CJK font stack"
        );
        for t in &texts {
            // Numbers, φ and the ids are fine; no sentence is left English.
            assert!(english_words(t).is_empty(), "{chart}: English text {t:?}");
        }
    }
}

#[test]
fn zh_tw_handout_has_the_same_numbers_and_chinese_pngs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let en = report(tmp.path(), &["agriculture"], "5");
    let zh = report_zh(tmp.path(), "zh", &["agriculture"], "5");
    // Row cells of the comparison table: numbers identical in both languages.
    let numbers = |md: &str| -> Vec<String> {
        md.lines()
            .filter(|l| l.starts_with("| chain") || l.starts_with("| network"))
            // The comparison table's rows (the price table's have 5 cells).
            .filter(|l| l.matches('|').count() > 12)
            .map(|l| l.split('|').skip(2).take(9).collect::<Vec<_>>().join("|"))
            .collect()
    };
    let (en_md, zh_md) = (text(&en.join("report.md")), text(&zh.join("report.md")));
    assert_eq!(numbers(&en_md).len(), 2);
    assert_eq!(numbers(&en_md), numbers(&zh_md));
    // The PNGs are drawn in Chinese with the embedded CJK font: not the
    // English charts, and still real PNGs of the same size.
    for chart in CHARTS {
        let name = format!("agriculture-{chart}.png");
        let (zh_png, en_png) = (read(&zh.join(&name)), read(&en.join(&name)));
        assert!(zh_png != en_png, "{name}: the zh-TW PNG is the English one");
        assert_eq!(&zh_png[..8], b"\x89PNG\r\n\x1a\n", "{name}");
        assert_eq!(zh_png[16..24], en_png[16..24], "{name}: size");
    }
    // The reproduce line keeps the language.
    assert!(zh_md.contains("--lang zh-TW"), "{zh_md}");
}

/// A topology label with a character the embedded CJK font lacks (U+9F98,
/// outside Big5 level 1) is drawn in English in the zh-TW PNGs — the same
/// pixels as a scenario with no `label_zh` for it — while the SVGs keep it.
#[test]
fn zh_tw_png_draws_a_label_the_font_lacks_in_english() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let source = text(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/agriculture.toml"));
    let label = "label_zh = \"線性農產業鏈\"\n";
    assert_eq!(source.matches(label).count(), 1, "agriculture.toml changed");
    let rare = source.replace(label, "label_zh = \"線性農產業鏈\u{9F98}\"\n");
    let untranslated = source.replace(label, "");
    let write = |dir: &str, toml: &str| -> PathBuf {
        let d = tmp.path().join(dir);
        std::fs::create_dir_all(&d).expect("mkdir");
        let f = d.join("agriculture.toml");
        std::fs::write(&f, toml).expect("write");
        f
    };
    let (rare_f, plain_f, zh_f) = (
        write("rare", &rare),
        write("plain", &untranslated),
        write("zh", &source),
    );
    let arg = |f: &PathBuf| f.to_str().expect("UTF-8 path").to_string();
    let rare_out = report_zh(tmp.path(), "rare-out", &[&arg(&rare_f)], "5");
    let plain_out = report_zh(tmp.path(), "plain-out", &[&arg(&plain_f)], "5");
    let zh_out = report_zh(tmp.path(), "zh-out", &[&arg(&zh_f)], "5");
    for chart in CHARTS {
        let png = format!("agriculture-{chart}.png");
        let svg = format!("agriculture-{chart}.svg");
        assert!(
            read(&rare_out.join(&png)) == read(&plain_out.join(&png)),
            "{png}: the uncovered label is not drawn in English"
        );
        // The covered Chinese label is drawn (a different picture).
        assert!(
            read(&zh_out.join(&png)) != read(&plain_out.join(&png)),
            "{png}: the Chinese label is not drawn"
        );
        assert!(
            text(&rare_out.join(&svg)).contains("線性農產業鏈\u{9F98}"),
            "{svg}"
        );
        assert!(
            !text(&plain_out.join(&svg)).contains("線性農產業鏈"),
            "{svg}"
        );
    }
}

/// The rows of the risk table of topology `id` in the handout's Markdown.
fn risk_rows<'a>(md: &'a str, id: &str) -> Vec<&'a str> {
    let head = format!("({id}): baseline");
    let start = md
        .lines()
        .position(|l| l.starts_with("**") && l.contains(&head))
        .unwrap_or_else(|| panic!("no risk table of {id}:\n{md}"));
    md.lines()
        .skip(start + 4)
        .take_while(|l| l.starts_with("| "))
        .collect()
}

/// Issue 12: the handout has a risk table per topology; the stocked
/// chain's manufacturer survives 14 steps on the distributor's 1,400 units.
#[test]
fn pandemic_handout_has_a_risk_table_per_topology() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = report(tmp.path(), &["pandemic-2020"], "5");
    let md = text(&out.join("report.md"));
    assert!(md.contains("### Risk exposure"), "{md}");
    for id in ["chain", "network", "chain_stock"] {
        let rows = risk_rows(&md, id);
        assert!(!rows.is_empty() && rows.len() <= 10, "{id}: {rows:?}");
    }
    let stocked = risk_rows(&md, "chain_stock");
    let manufacturer = stocked
        .iter()
        .find(|r| r.starts_with("| manufacturer |"))
        .expect("manufacturer row");
    assert!(
        manufacturer.starts_with("| manufacturer | 14 |"),
        "{manufacturer}"
    );
    // The 20-node network is cut to its 10 most exposed nodes, and says so.
    assert_eq!(risk_rows(&md, "network").len(), 10);
    assert!(
        md.contains("*10 more nodes with lower exposure not shown;"),
        "{md}"
    );
    // Rows by exposure, highest first.
    let exposure = |r: &str| -> f64 {
        r.split('|')
            .nth(5)
            .expect("exposure cell")
            .trim()
            .parse()
            .expect("number")
    };
    for id in ["chain", "network", "chain_stock"] {
        let e: Vec<f64> = risk_rows(&md, id).iter().map(|r| exposure(r)).collect();
        assert!(e.windows(2).all(|w| w[0] >= w[1]), "{id}: {e:?}");
    }
    let html = text(&out.join("report.html"));
    assert!(
        html.contains("<h3>Risk exposure</h3>"),
        "html has the section"
    );
    assert!(html.contains(">manufacturer</td>"), "html has the rows");
}

/// Issue 12: a scenario with stock shows the stock metrics in the
/// handout's comparison table; one without does not.
#[test]
fn handout_comparison_shows_stock_only_with_stock() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = report(tmp.path(), &["agriculture"], "3");
    let md = text(&out.join("report.md"));
    let comparison = md
        .split("## Comparison")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("comparison section");
    let header = comparison
        .lines()
        .find(|l| l.starts_with("| "))
        .expect("table header");
    assert!(
        header.contains("stock used") && header.contains("stockout"),
        "{header}"
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = report(tmp.path(), &["tests/fixtures/tui-farm.toml"], "3");
    let md = text(&out.join("report.md"));
    assert!(!md.contains("stock used"), "{md}");
}

/// The notices under a zh-TW handout's table are in Chinese: a shock that
/// skips a topology and different baselines (tests/fixtures/unequal.toml
/// has both); the English handout keeps the English words.
#[test]
fn zh_tw_handout_notices_are_in_chinese() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/unequal.toml");
    let fixture = fixture.to_str().expect("utf-8 path");
    let zh = text(&report_zh(dir.path(), "zh", &[fixture], "3").join("report.md"));
    let en = text(&report(&dir.path().join("en"), &[fixture], "3").join("report.md"));
    for words in [
        "衝擊 0（第 20 步）：節點 wholesaler",
        "擊中 chain（1 個節點）；未擊中 network",
        "各拓樸受到的衝擊不同",
        "各拓樸的基準吞吐量不同",
        "**警告:**",
    ] {
        assert!(zh.contains(words), "zh handout lacks {words:?}:\n{zh}");
    }
    for words in ["not shocked alike", "baselines differ", "skips network"] {
        assert!(!zh.contains(words), "zh handout still says {words:?}");
        assert!(en.contains(words), "English handout lacks {words:?}");
    }
}

/// Issue 26: the handout, `chainmesh sweep` and the TUI average the same
/// number of random removal orders by default, so one seed gives one R
/// (the handout's Monte Carlo `--trials` does not change it).
#[test]
fn the_handout_and_the_cli_give_the_same_r_for_one_seed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = report(tmp.path(), &["manufacturing"], "11");
    let md = text(&out.join("report.md"));
    let json = chainmesh()
        .args(["sweep", "manufacturing", "--seed", "11", "--format", "json"])
        .output()
        .expect("sweep runs");
    assert!(json.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let orders = v["trials"].as_u64().expect("trials");
    assert_eq!(orders, chainmesh::sweep::DEFAULT_RANDOM_ORDERS);
    assert_eq!(
        chainmesh::tui::sweep::options(11).trials,
        orders,
        "the TUI's w view"
    );
    assert!(
        md.contains(&format!(
            "a mean over {orders} random removal orders with seed 11"
        )),
        "{md}"
    );
    let mut rows = 0;
    for t in v["topologies"].as_array().expect("topologies") {
        let cells: Vec<String> = t["attacks"]
            .as_array()
            .expect("attacks")
            .iter()
            .map(|a| format!("{:.3}", a["robustness"].as_f64().expect("R")))
            .collect();
        let label = t["label"].as_str().expect("label");
        let row = format!("| {label} | {} |", cells.join(" | "));
        assert!(md.contains(&row), "{row} not in\n{md}");
        rows += 1;
    }
    // manufacturing: chain, single_sourced, multi_sourced, same_park.
    assert_eq!(rows, 4);
}

/// Issue 24: where nodes have regions, the drawing rings each in its
/// region's colour (the same colour for a region in every drawing of the
/// scenario) and a legend names the regions, escaped like every text of
/// the file; a scenario without regions has no ring and no legend.
#[test]
fn drawings_colour_nodes_by_region_where_there_are_regions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let hostile = tmp.path().join("hostile.toml");
    std::fs::write(
        &hostile,
        "[scenario]\nname = \"hostile regions\"\nsector = \"other\"\nsteps = 20\ntrials = 10\n\
[defaults]\ncapacity = 10.0\nfailure_rate = 0.05\nrepair = { dist = \"fixed\", steps = 3 }\n\
[[topology]]\nid = \"t\"\nlabel = \"T\"\n\
[[topology.node]]\nid = \"a\"\nrole = \"source\"\nregion = \"<south> & \\\"coast\\\"\"\n\
[[topology.node]]\nid = \"a2\"\nrole = \"source\"\nregion = \"<south> & \\\"coast\\\"\"\n\
[[topology.node]]\nid = \"b\"\nregion = \"north\"\n\
[[topology.node]]\nid = \"c\"\nrole = \"sink\"\n\
[[topology.link]]\nfrom = \"a\"\nto = \"b\"\n[[topology.link]]\nfrom = \"a2\"\nto = \"b\"\n\
[[topology.link]]\nfrom = \"b\"\nto = \"c\"\n",
    )
    .expect("write");
    let out = report(
        tmp.path(),
        &[
            "agriculture",
            "pandemic-2020",
            hostile.to_str().expect("utf-8"),
        ],
        "5",
    );
    // Agriculture: both drawings ring their regional nodes, lowland in one
    // colour in both, and name their regions in the legend.
    let ring = |svg: &str, node_line: &str| -> Option<String> {
        let line = svg.lines().find(|l| l.contains(node_line))?;
        let at = line.find("stroke=\"")? + "stroke=\"".len();
        Some(line[at..at + 7].to_string())
    };
    let chain = text(&out.join("agriculture-topology-1.svg"));
    let network = text(&out.join("agriculture-topology-2.svg"));
    for svg in [&chain, &network] {
        let (_, doc) = svg_texts_of(svg);
        let legend = doc
            .descendants()
            .find(|n| n.has_tag_name("text") && n.attribute("class") == Some("regions"))
            .expect("a region legend");
        let names: Vec<&str> = legend
            .children()
            .filter(|n| n.has_tag_name("tspan"))
            .filter_map(|n| n.text())
            .collect();
        assert!(names.contains(&"● lowland"), "{names:?}");
        assert!(
            legend
                .text()
                .is_some_and(|t| t.contains("ring colour = region"))
        );
    }
    let (_, doc) = svg_texts_of(&network);
    let names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("tspan") && n.attribute("class") == Some("region"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        names,
        ["● lowland", "● hills", "● east-coast", "● north"],
        "in order of first appearance"
    );
    // Nodes with a region have a ring; the others none.
    let rings = network.matches("stroke-width=\"3\"").count();
    let agriculture = chainmesh::cli::load("agriculture").expect("built-in");
    let regional = agriculture.topologies[1]
        .nodes
        .iter()
        .filter(|n| n.region.is_some())
        .count();
    assert_eq!(rings, regional);
    // The chain's farm and the network's rice cooperative are both lowland:
    // one colour in both drawings.
    let farm = ring(&chain, "cx=\"36.0\" cy=\"68.0\"").expect("the farm has a ring");
    let coop = ring(&network, "cx=\"36.0\" cy=\"68.0\"").expect("the coop has a ring");
    assert_eq!(farm, coop);
    // The hostile file: its region name escaped, the SVG still XML, the
    // name read back whole; the two nodes of one region share its colour.
    let slug = std::fs::read_dir(&out)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("hostile") && n.ends_with("topology-1.svg"))
        .expect("hostile drawing");
    let svg = text(&out.join(slug));
    assert!(
        svg.contains("● &lt;south&gt; &amp; &quot;coast&quot;</tspan>"),
        "{svg}"
    );
    assert!(!svg.contains("<south>"), "{svg}");
    let (_, doc) = svg_texts_of(&svg);
    assert!(
        doc.descendants()
            .any(|n| n.text() == Some("● <south> & \"coast\""))
    );
    let strokes: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("node"))
        .map(|n| n.attribute("stroke").unwrap_or("none"))
        .collect();
    assert_eq!(strokes.len(), 4);
    assert_eq!(
        strokes[0], strokes[1],
        "one region, one colour: {strokes:?}"
    );
    assert_ne!(
        strokes[0], strokes[2],
        "two regions, two colours: {strokes:?}"
    );
    assert_eq!(strokes[3], "none", "no region, no ring: {strokes:?}");
    // Pandemic has no regions: no ring, no region legend anywhere.
    for k in 1..=3 {
        let svg = text(&out.join(format!("pandemic-2020-topology-{k}.svg")));
        assert!(!svg.contains("class=\"regions\""), "{svg}");
        assert!(!svg.contains("stroke-width=\"3\""), "{svg}");
        assert!(!svg.contains("ring colour"), "{svg}");
    }
}

/// [`svg_texts`] of SVG text in memory.
fn svg_texts_of(svg: &str) -> (Vec<String>, roxmltree::Document<'static>) {
    let source: &'static str = Box::leak(svg.to_string().into_boxed_str());
    let doc = roxmltree::Document::parse(source).expect("XML");
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    (texts, doc)
}
