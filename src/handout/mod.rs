//! The handout behind `chainmesh report`: a handout a lecturer can give out — `report.md` and
//! `report.html` with the comparison table and, per scenario, three charts as
//! SVG and PNG:
//!
//! ```text
//!  service over time            per-trial service           attack tolerance
//!  φ ┤‾‾\__/‾‾‾‾‾  network      % ┤        ▐█             φ ┤●●●●╮  random | degree | betw.
//!    ┤ ░░\  /‾‾‾‾  chain          ┤     ▐▌ ▐█              ┤    ╰●●╮
//!    ┤- - - - - -  level          ┤  ▐▌ ▐▌ ▐█              ┤        ╰●●
//!    └──────────── step           └────────── φ             └────────── fraction removed
//! ```
//!
//! Pipeline: load every scenario (errors exit 2 before anything is written)
//! → one Monte Carlo pass per scenario ([`data::collect`]) and the sweep →
//! charts ([`charts`]) → Markdown and HTML ([`document`]) → write the files.
//! Everything is computed in memory: [`build`] returns the files as bytes and
//! the caller (`chainmesh report`) writes them.

pub mod charts;
pub mod data;
pub mod document;
pub mod drawing;
mod error;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::lang::{Lang, localize};
use crate::report::RunReport;
use crate::report::escape::visible;
use crate::scenario::Scenario;
use crate::sim::Prepared;
use crate::stats::Distribution;
pub use error::HandoutError;

use charts::{AttackChart, Figure, HistogramChart, PriceChart, Series, TimeChart};
use document::{Section, chart_stems};

/// Name of the Markdown report in the output folder.
pub const MARKDOWN_FILE: &str = "report.md";
/// Name of the HTML report in the output folder.
pub const HTML_FILE: &str = "report.html";

/// A finished handout: file names (relative to the output folder) and bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Handout {
    /// Every file, charts first and the two reports last.
    pub files: Vec<(String, Vec<u8>)>,
}

/// The commands printed in the handout: one that reproduces its numbers
/// with `run`, one that rebuilds the handout itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commands {
    /// `chainmesh run …` with the seed and trials the numbers came from.
    pub run: String,
    /// `chainmesh report … --out DIR`.
    pub report: String,
}

/// Compute and render the handout of `scenarios` (named `names` on the
/// command line) in `lang`: headings, tables, chart text and — where the
/// file has them — names, labels and the lesson (`name_zh`, `label_zh`,
/// `lesson_zh`). The numbers are the same bytes in every language. PNG
/// charts are drawn with the embedded CJK font (the SVG charts and the HTML
/// page name a CJK font stack): a scenario name or topology label with a
/// character that font lacks ([`charts::png_covers`]) is written in English
/// in the PNG charts only — in the title, the legend — and a character the
/// English text lacks too becomes `?` ([`charts::png_text`]), so a PNG never
/// shows an empty box for a glyph; the SVG keeps it. An English PNG with a
/// name or label Noto Sans cannot draw is drawn with the CJK face.
pub fn build(
    names: &[String],
    scenarios: Vec<Scenario>,
    trials: Option<u64>,
    seed: Option<u64>,
    commands: &Commands,
    lang: Lang,
) -> Result<Handout, HandoutError> {
    let mut slugs = BTreeSet::new();
    let mut sections = Vec::with_capacity(scenarios.len());
    let mut files = Vec::new();
    let mut svgs = BTreeMap::new();
    for (arg, scenario) in names.iter().zip(scenarios) {
        // English names for the PNG charts' fallback (see above).
        let name_en = visible(&scenario.name).into_owned();
        let labels_en: Vec<String> = scenario
            .topologies
            .iter()
            .map(|t| visible(&t.label).into_owned())
            .collect();
        let prep = Prepared::new(localize(scenario, lang))?;
        let s = &prep.scenario;
        let seed = seed.unwrap_or(s.seed);
        let trials = trials.unwrap_or(s.trials);
        let collected = data::collect(&prep, seed, trials);
        let report = RunReport::new(&prep, seed, &collected.tally);
        let sweep = data::sweep(&prep, seed);
        let risk = data::risk(&prep);
        // Only a scenario with costs gets the price chart: one without
        // keeps its handout byte for byte.
        let price = data::price(s, seed, trials)?;
        // Charts are named after the argument (`agriculture`, `my-farm.toml` → `my-farm`).
        let stem = Path::new(arg)
            .file_stem()
            .map_or_else(|| s.name.clone(), |f| f.to_string_lossy().into_owned());
        let slug = unique_slug(&stem, &mut slugs);
        let series: Vec<Series> = s
            .topologies
            .iter()
            .enumerate()
            .map(|(i, t)| Series {
                // SVG text: plotters escapes markup; control characters
                // (invalid in XML) are written visibly.
                label: visible(&t.label).into_owned(),
                colour: i,
            })
            .collect();
        let services: Vec<&Distribution> =
            (0..series.len()).map(|k| collected.services(k)).collect();
        let shocks: Vec<u32> = s.shocks.iter().map(|sh| sh.at).collect();
        let name = visible(&s.name).into_owned();
        // The PNG's twin of a Chinese name: English where the embedded
        // font lacks a character (see above); then, per glyph, a `?` for
        // each character the embedded CJK face lacks too (emoji, Hebrew, a
        // rare CJK character). An English chart whose texts Noto Sans has
        // entirely keeps them as they are.
        let latin = lang == Lang::En
            && charts::latin_covers(&name)
            && series.iter().all(|s| charts::latin_covers(&s.label));
        let png_text = |zh: &String, en: String| {
            let text = if lang == Lang::En || charts::png_covers(zh) {
                zh.clone()
            } else {
                en
            };
            if latin { text } else { charts::png_text(&text) }
        };
        let name_png = png_text(&name, name_en);
        let series_png: Vec<Series> = series
            .iter()
            .zip(labels_en)
            .map(|(s, en)| Series {
                label: png_text(&s.label, en),
                colour: s.colour,
            })
            .collect();
        // (scenario name, series): the SVG's, then the PNG's when they
        // differ (the PNG of the last chart drawn is kept).
        let langs = if name_png == name && series_png == series {
            vec![(&name, &series)]
        } else {
            vec![(&name, &series), (&name_png, &series_png)]
        };
        let [service, distribution, attack] = chart_stems(&slug);
        let mut figures = Vec::new();
        let mut time = Vec::new();
        let mut hist = Vec::new();
        let mut att = Vec::new();
        let mut priced = Vec::new();
        for &(name, series) in &langs {
            let title = |en: &str, zh: &str| format!("{name}{}", lang.pick(en, zh));
            time.push(charts::time_chart(&TimeChart {
                title: title(": service over time", "：服務水準隨時間變化"),
                series,
                bands: &collected.bands,
                service_level: s.service_level,
                shocks: shocks.clone(),
                step_unit: s.step_unit.clone(),
                trials: (trials, collected.band_trials),
                lang,
            })?);
            hist.push(charts::histogram_chart(&HistogramChart {
                title: title(": per-trial service", "：每次試驗的服務水準"),
                series,
                services: &services,
                lang,
            })?);
            if let Ok(sw) = &sweep {
                att.push(charts::attack_chart(&AttackChart {
                    title: title(": attack tolerance", "：攻擊容忍度"),
                    series,
                    sweep: sw,
                    lang,
                })?);
            }
            if let Some(p) = &price {
                priced.push(charts::price_chart(&PriceChart {
                    title: title(": the price of resilience", "：韌性的代價"),
                    series,
                    price: p,
                    lang,
                })?);
            }
        }
        figures.push((service, Figure::pair(time)));
        figures.push((distribution, Figure::pair(hist)));
        if !att.is_empty() {
            figures.push((attack, Figure::pair(att)));
        }
        if !priced.is_empty() {
            figures.push((document::price_stem(&slug), Figure::pair(priced)));
        }
        let regions = crate::scenario::hazard::regions_in_order(&s.topologies);
        for (k, t) in s.topologies.iter().enumerate() {
            let name = format!("{}.svg", document::drawing_stem(&slug, k));
            let svg = drawing::topology_svg(t, &regions, lang);
            svgs.insert(name.clone(), svg.clone());
            files.push((name, svg.into_bytes()));
        }
        for (stem, fig) in figures {
            files.push((format!("{stem}.png"), fig.png));
            svgs.insert(format!("{stem}.svg"), fig.svg.clone());
            files.push((format!("{stem}.svg"), fig.svg.into_bytes()));
        }
        sections.push(Section {
            slug,
            description: s.description.clone(),
            report,
            service_level: s.service_level,
            band_trials: collected.band_trials,
            shocks,
            sweep,
            risk,
            price,
        });
    }
    let md = document::markdown(&sections, &commands.run, &commands.report, lang);
    let page = document::html(&md, &document::title(&sections, lang), &svgs, lang);
    files.push((MARKDOWN_FILE.to_string(), md.into_bytes()));
    files.push((HTML_FILE.to_string(), page.into_bytes()));
    Ok(Handout { files })
}

/// A file-name stem from a scenario name, unique among `taken`.
fn unique_slug(name: &str, taken: &mut BTreeSet<String>) -> String {
    let mut base = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            base.push(c);
        } else if !base.ends_with('-') && !base.is_empty() {
            base.push('-');
        }
    }
    let base = base.trim_end_matches('-');
    let base = if base.is_empty() { "scenario" } else { base };
    let mut slug = base.to_string();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(slug.clone());
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_file_safe_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(
            unique_slug("Agriculture: farm → table", &mut taken),
            "agriculture-farm-table"
        );
        assert_eq!(
            unique_slug("Agriculture: farm → table", &mut taken),
            "agriculture-farm-table-2"
        );
        assert_eq!(unique_slug("農業", &mut taken), "scenario");
    }
}
