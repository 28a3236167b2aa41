//! The handout's charts, drawn once per backend: SVG (vector, for the page)
//! and PNG (bitmap at twice the size, for slides).
//!
//! Text is laid out and rasterised by plotters' `ab_glyph` support with fonts
//! compiled into the binary, so the output is the same on every machine
//! and nothing depends on system fonts or C libraries: Noto Sans for English
//! charts, and for Chinese (`--lang zh-TW`) charts Chainmesh CJK
//! (`assets/fonts/ChainmeshCJK-Regular.otf`, a subset of Noto Sans CJK TC
//! made by `tools/make-cjk-font.py`, SIL OFL 1.1). That subset holds Latin,
//! punctuation, fullwidth forms, the 5,401 common characters of Big5
//! level 1 and every character of the built-in texts; a scenario's own name
//! or label with a character it lacks is drawn in English in the PNG (see
//! [`png_covers`] and `handout::build`).
//!
//! Colours follow the Okabe–Ito palette (colour-blind safe); a topology keeps
//! its colour in every chart, the reference (first) topology is vermillion.

use std::sync::{Arc, OnceLock};

use plotters::coord::Shift;
use plotters::element::{PathElement, Polygon, Rectangle, Text};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, register_font};

use super::HandoutError;
use super::data::TimeBand;
use crate::lang::Lang;
use crate::price::PriceReport;
use crate::stats::Distribution;
use crate::sweep::{Attack, SweepReport};

/// One topology as the charts show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text (the topology label).
    pub label: String,
    /// Colour index into the palette (the topology's position).
    pub colour: usize,
}

/// A chart rendered to both formats.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The SVG document.
    pub svg: String,
    /// The PNG file (twice the SVG's pixel size).
    pub png: Vec<u8>,
}

impl Figure {
    /// The SVG of the first figure with the PNG of the last (a chart in
    /// the document's language, and its twin for the PNG with the names the
    /// embedded font cannot draw in English: see [`png_covers`]).
    pub fn pair(mut figures: Vec<Figure>) -> Figure {
        let last = figures.pop().unwrap_or(Figure {
            svg: String::new(),
            png: Vec::new(),
        });
        match figures.into_iter().next() {
            Some(first) => Figure {
                svg: first.svg,
                png: last.png,
            },
            None => last,
        }
    }
}

/// Okabe–Ito colours, the reference topology first.
const PALETTE: [RGBColor; 7] = [
    RGBColor(213, 94, 0),
    RGBColor(0, 114, 178),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];
const GRID: RGBColor = RGBColor(232, 232, 232);
const INK: RGBColor = RGBColor(40, 40, 40);
const MUTED: RGBColor = RGBColor(110, 110, 110);
/// The family named in the SVG: the bundled face, then look-alikes a viewer
/// is likely to have. (plotters uses the string only as a lookup key.)
const FONT: &str = "Noto Sans, Arial, Helvetica, sans-serif";
/// The family named in the SVG of a Chinese chart: CJK faces a browser is
/// likely to have on each system, then Noto Sans (the browser falls back
/// per glyph). plotters lays it out, and the PNG draws it, with the
/// embedded [`CJK_FONT`].
const FONT_ZH: &str = "Noto Sans CJK TC, Noto Sans TC, PingFang TC, Microsoft JhengHei, Heiti TC, Noto Sans, sans-serif";
/// Chainmesh CJK Regular: a subset of Noto Sans CJK TC (SIL Open Font
/// License 1.1, `assets/fonts/OFL.txt`), used for the regular and the bold
/// text of Chinese charts (one face keeps the binary small).
pub const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/ChainmeshCJK-Regular.otf");
/// PNG pixels per SVG pixel.
const PNG_SCALE: f64 = 2.0;

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Register the bundled font once (plotters looks fonts up by family name).
fn fonts() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        // Every face is a valid font file compiled in (tests draw with each);
        // a failure would surface as a font error when drawing.
        let _ = register_font(FONT, FontStyle::Normal, ttf_noto_sans::REGULAR);
        let _ = register_font(FONT, FontStyle::Bold, ttf_noto_sans::BOLD);
        let _ = register_font(FONT_ZH, FontStyle::Normal, CJK_FONT);
        let _ = register_font(FONT_ZH, FontStyle::Bold, CJK_FONT);
    });
}

/// The embedded CJK face, parsed once (`None` only if the file compiled in
/// were broken, which the tests rule out).
fn cjk_face() -> Option<&'static ab_glyph::FontRef<'static>> {
    static FACE: OnceLock<Option<ab_glyph::FontRef<'static>>> = OnceLock::new();
    FACE.get_or_init(|| ab_glyph::FontRef::try_from_slice(CJK_FONT).ok())
        .as_ref()
}

/// Whether the embedded CJK font has a glyph for every character of `text`
/// (ab_glyph maps a missing one to glyph 0, drawn as an empty box), so a
/// Chinese PNG chart can show it. `handout::build` draws a name or label
/// for which this is false in English in the Chinese PNG charts; the SVG
/// keeps it, as a browser finds the glyph in a system font.
pub fn png_covers(text: &str) -> bool {
    use ab_glyph::Font as _;
    cjk_face().is_some_and(|f| text.chars().all(|c| f.glyph_id(c).0 != 0))
}

/// The embedded Noto Sans face of English charts, parsed once.
fn latin_face() -> Option<&'static ab_glyph::FontRef<'static>> {
    static FACE: OnceLock<Option<ab_glyph::FontRef<'static>>> = OnceLock::new();
    FACE.get_or_init(|| ab_glyph::FontRef::try_from_slice(ttf_noto_sans::REGULAR).ok())
        .as_ref()
}

/// Whether the embedded Noto Sans (English charts) has a glyph for every
/// character of `text`.
pub fn latin_covers(text: &str) -> bool {
    use ab_glyph::Font as _;
    latin_face().is_some_and(|f| text.chars().all(|c| f.glyph_id(c).0 != 0))
}

/// The mark drawn in a PNG chart for a character no embedded font has.
pub const MISSING_GLYPH: char = '?';

/// `text` for a PNG chart drawn with the embedded CJK face: every
/// character that face lacks (emoji, Hebrew, a rare CJK character) as
/// [`MISSING_GLYPH`], so a PNG never shows an empty box. Text it covers is
/// returned unchanged.
pub fn png_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if png_covers(c.encode_utf8(&mut [0; 4])) {
                c
            } else {
                MISSING_GLYPH
            }
        })
        .collect()
}

/// The characters of `text` that the embedded CJK font lacks.
pub fn png_missing(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| !png_covers(c.encode_utf8(&mut [0; 4])))
        .collect()
}

/// Lengths in SVG pixels, scaled for the backend being drawn on, the
/// language of the chart's text, and whether it is drawn with the CJK face
/// (a Chinese chart, or an English PNG with text Noto Sans lacks).
#[derive(Debug, Clone, Copy)]
struct Px(f64, Lang, bool);

impl Px {
    fn font(self) -> &'static str {
        if self.2 { FONT_ZH } else { FONT }
    }
    /// `en` or `zh` by the chart's language.
    fn tr(self, en: &'static str, zh: &'static str) -> &'static str {
        self.1.pick(en, zh)
    }
    fn i(self, v: f64) -> i32 {
        (v * self.0).round() as i32
    }
    fn u(self, v: f64) -> u32 {
        (v * self.0).round().max(1.0) as u32
    }
    fn text(self, size: f64) -> TextStyle<'static> {
        TextStyle::from((self.font(), size * self.0).into_font()).color(&INK)
    }
    fn bold(self, size: f64) -> TextStyle<'static> {
        // `FontDesc::style` keeps the regular face's data; build the bold one anew.
        TextStyle::from(FontDesc::new(
            FontFamily::Name(self.font()),
            size * self.0,
            FontStyle::Bold,
        ))
        .color(&INK)
    }
    /// Width to reserve for `text` that the bundled face measures `w`
    /// pixels wide: slack for SVG viewers that substitute a wider face, and
    /// in an English chart a full em per CJK character (Noto Sans has none,
    /// so it measures them as its narrower missing-glyph box; the CJK face
    /// of a Chinese chart measures them right).
    fn estimate(self, w: u32, text: &str) -> i32 {
        let wide = match self.2 {
            false => text
                .chars()
                .filter(|&c| unicode_width::UnicodeWidthChar::width(c) == Some(2))
                .count(),
            true => 0,
        };
        (f64::from(w) * 1.2 + wide as f64 * 14.0 * self.0 * 0.6) as i32
    }
    fn line(self, c: impl Color, width: f64) -> ShapeStyle {
        ShapeStyle {
            color: c.to_rgba(),
            filled: false,
            stroke_width: self.u(width),
        }
    }
}

type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Something that can draw itself on any plotters backend.
trait Chart {
    /// Size in SVG pixels.
    fn size(&self) -> (u32, u32);
    /// Language of the chart's text.
    fn lang(&self) -> Lang;
    /// The texts from the scenario file the chart draws (title, legend).
    fn file_texts(&self) -> Vec<&str>;
    /// Draw on `root` (already sized), lengths scaled by `px`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, px: Px) -> DrawResult<DB>;
}

fn render(chart: &impl Chart) -> Result<Figure, HandoutError> {
    fonts();
    let (w, h) = chart.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        chart
            .draw(&root, Px(1.0, chart.lang(), chart.lang() == Lang::ZhTw))
            .map_err(|e| chart_error("SVG", &e))?;
        root.present().map_err(|e| chart_error("SVG", &e))?;
    }
    let (pw, ph) = (
        (f64::from(w) * PNG_SCALE) as u32,
        (f64::from(h) * PNG_SCALE) as u32,
    );
    // The PNG of an English chart is drawn with the CJK face (which has
    // Latin too) when a file text has a glyph Noto Sans lacks.
    let cjk_png = chart.lang() == Lang::ZhTw || !chart.file_texts().iter().all(|t| latin_covers(t));
    let mut rgb = vec![255u8; pw as usize * ph as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (pw, ph)).into_drawing_area();
        chart
            .draw(&root, Px(PNG_SCALE, chart.lang(), cjk_png))
            .map_err(|e| chart_error("PNG", &e))?;
        root.present().map_err(|e| chart_error("PNG", &e))?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, pw, ph);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(png_error)?;
        writer.write_image_data(&rgb).map_err(png_error)?;
        writer.finish().map_err(png_error)?;
    }
    Ok(Figure {
        svg,
        png: png_bytes,
    })
}

/// What plotters said, for the `format` (`SVG` or `PNG`) backend.
fn chart_error(format: &'static str, e: &impl std::fmt::Display) -> HandoutError {
    HandoutError::Chart {
        format,
        message: e.to_string(),
    }
}

/// The PNG encoder's failure, kept as the source of the error.
fn png_error(e: png::EncodingError) -> HandoutError {
    HandoutError::PngEncoding(Arc::new(e))
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    /// A solid line over a box shaded as the chart's bands (mean with a
    /// band): the fill opacity in hundredths, [`band_alpha`]'s.
    Band(u8),
    /// A solid line with a dot (a curve with markers).
    Line,
    /// A dashed line (reference lines).
    Dashed,
    /// A dotted line (scripted shocks), drawn as on the chart.
    Dotted,
    /// A filled box (histogram bars).
    Bar,
}

/// One legend entry.
struct Entry {
    key: Key,
    colour: RGBColor,
    text: String,
}

impl Entry {
    fn new(key: Key, colour: RGBColor, text: impl Into<String>) -> Entry {
        Entry {
            key,
            colour,
            text: text.into(),
        }
    }
}

/// One legend entry per topology (drawn as `key`) and the dashed service-level line.
fn series_legend(series: &[Series], key: Key, service_level: f64, px: Px) -> Vec<Entry> {
    let mut legend: Vec<Entry> = series
        .iter()
        .map(|s| Entry::new(key, colour(s.colour), s.label.clone()))
        .collect();
    legend.push(Entry::new(
        Key::Dashed,
        INK,
        format!("{} {service_level}", px.tr("service level", "服務門檻")),
    ));
    legend
}

/// Draw the title and subtitle at the top of `root` and the legend in rows
/// under the plot; return the area left for the plot.
///
/// ```text
///  ┌──────────────────────────────────────┐
///  │              Title (bold)            │
///  │          subtitle (muted, small)     │
///  │ ┌──────────────────────────────────┐ │
///  │ │              plot                │ │
///  │ └──────────────────────────────────┘ │
///  │   ━ entry   ━ entry   - - entry      │
///  └──────────────────────────────────────┘
/// ```
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    title: &str,
    subtitle: &str,
    legend: &[Entry],
) -> std::result::Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    root.draw(&Text::new(
        title.to_string(),
        (w / 2, px.i(12.0)),
        px.bold(21.0).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    root.draw(&Text::new(
        subtitle.to_string(),
        (w / 2, px.i(42.0)),
        px.text(14.0)
            .color(&MUTED)
            .pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    // Lay the legend out in rows that fit the width.
    let style = px.text(14.0);
    let (key_w, gap, spacing, row_h) = (px.i(26.0), px.i(7.0), px.i(30.0), px.i(24.0));
    let mut rows: Vec<Vec<(&Entry, i32)>> = Vec::new();
    let mut row: Vec<(&Entry, i32)> = Vec::new();
    let mut row_w = 0;
    for e in legend {
        // Slack for SVG viewers that substitute a wider face than Noto Sans.
        let text_w = px.estimate(root.estimate_text_size(&e.text, &style)?.0, &e.text);
        let item = key_w + gap + text_w;
        if !row.is_empty() && row_w + spacing + item > w - px.i(60.0) {
            rows.push(std::mem::take(&mut row));
            row_w = 0;
        }
        if !row.is_empty() {
            row_w += spacing;
        }
        row.push((e, item));
        row_w += item;
    }
    if !row.is_empty() {
        rows.push(row);
    }
    let legend_h = if legend.is_empty() {
        px.i(8.0)
    } else {
        rows.len() as i32 * row_h + px.i(14.0)
    };
    let top = px.i(70.0);
    let (_, rest) = root.split_vertically(top);
    let (body, strip) = rest.split_vertically(h - top - legend_h);
    for (r, row) in rows.iter().enumerate() {
        let total: i32 =
            row.iter().map(|(_, iw)| iw).sum::<i32>() + spacing * (row.len() as i32 - 1).max(0);
        let mut x = (w - total) / 2;
        let y = px.i(4.0) + r as i32 * row_h + row_h / 2;
        for (e, item) in row {
            draw_key(&strip, px, e, (x, y))?;
            strip.draw(&Text::new(
                e.text.clone(),
                (x + key_w + gap, y),
                style.pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            x += item + spacing;
        }
    }
    Ok(body)
}

fn draw_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    px: Px,
    e: &Entry,
    (x, y): (i32, i32),
) -> DrawResult<DB> {
    let w = px.i(26.0);
    let c = e.colour;
    match e.key {
        Key::Band(alpha) => {
            area.draw(&Rectangle::new(
                [(x, y - px.i(7.0)), (x + w, y + px.i(7.0))],
                c.mix(f64::from(alpha) / 100.0).filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x, y - px.i(7.0)), (x + w, y + px.i(7.0))],
                px.line(c.mix(BAND_EDGE), 1.0),
            ))?;
            area.draw(&PathElement::new(vec![(x, y), (x + w, y)], px.line(c, 2.5)))?;
        }
        Key::Line => {
            area.draw(&PathElement::new(vec![(x, y), (x + w, y)], px.line(c, 2.5)))?;
            area.draw(&Circle::new((x + w / 2, y), px.u(3.0), c.filled()))?;
        }
        Key::Dashed => {
            for (a, b) in [(0.0, 7.0), (10.0, 17.0), (20.0, 26.0)] {
                area.draw(&PathElement::new(
                    vec![(x + px.i(a), y), (x + px.i(b), y)],
                    px.line(c, 1.5),
                ))?;
            }
        }
        Key::Dotted => {
            let mut a = 0.0;
            while a < 26.0 {
                area.draw(&PathElement::new(
                    vec![(x + px.i(a), y), (x + px.i((a + 1.5f64).min(26.0)), y)],
                    px.line(c, 1.4),
                ))?;
                a += 5.0;
            }
        }
        Key::Bar => {
            area.draw(&Rectangle::new(
                [
                    (x + px.i(4.0), y - px.i(7.0)),
                    (x + w - px.i(4.0), y + px.i(7.0)),
                ],
                c.mix(0.85).filled(),
            ))?;
        }
    }
    Ok(())
}

/// From this many topologies on, the service chart is drawn as small
/// multiples: one panel per topology with its own band, the other
/// topologies' means in grey behind it. No plot then shades more than
/// [`SMALL_MULTIPLES_FROM`]` - 1` bands, so five topologies' bands never
/// pile up into one muddy area.
pub const SMALL_MULTIPLES_FROM: usize = 4;

/// Opacity of the thin line drawn along each band's edges.
const BAND_EDGE: f64 = 0.55;

/// Fill opacity of each band in a plot that shades `n` of them: fainter
/// when they overlap, so the total over all bands of one plot stays at
/// most 0.33, and never above 0.22 (one band). The legend key uses the same.
pub fn band_alpha(n: usize) -> f64 {
    (0.32 / n.max(1) as f64).clamp(0.1, 0.22)
}

/// [`band_alpha`] in hundredths, for a legend [`Key::Band`].
fn band_key(n: usize) -> Key {
    Key::Band((band_alpha(n) * 100.0).round() as u8)
}

/// `text` cut to at most `max` characters with `…`.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// Chart 1: mean φ per step with the 5th–95th percentile band.
pub struct TimeChart<'a> {
    /// Chart title.
    pub title: String,
    /// One entry per topology.
    pub series: &'a [Series],
    /// φ over time, one per topology.
    pub bands: &'a [TimeBand],
    /// The scenario's service level.
    pub service_level: f64,
    /// Steps of scripted shocks.
    pub shocks: Vec<u32>,
    /// The scenario's `step_unit` (`"2 days"`), shown on the x axis.
    pub step_unit: Option<String>,
    /// Trials behind the mean and behind the band.
    pub trials: (u64, u64),
    /// Language of the chart's own text (axes, legend, subtitle).
    pub lang: Lang,
}

impl TimeChart<'_> {
    /// Whether the chart is drawn as small multiples ([`SMALL_MULTIPLES_FROM`]).
    pub fn small_multiples(&self) -> bool {
        self.series.len() >= SMALL_MULTIPLES_FROM
    }
    /// The x-axis description.
    fn x_desc(&self) -> String {
        match (&self.step_unit, self.lang) {
            (Some(u), Lang::En) => format!("step (1 step = {u})"),
            (Some(u), Lang::ZhTw) => format!("步（1 步 = {u}）"),
            (None, l) => l.pick("step", "步").to_string(),
        }
    }

    /// One plot on `area`: the bands of `shaded` (with thin edges, so
    /// overlapping bands stay readable), the means of `grey` as thin grey
    /// lines, shocks, the service level, then the means of `shaded` on top.
    /// `small` is a panel of the small multiples (short axis texts, shocks
    /// labelled by number, `caption` on top).
    fn plot<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        px: Px,
        shaded: &[usize],
        grey: &[usize],
        caption: Option<&str>,
    ) -> DrawResult<DB> {
        let small = caption.is_some();
        let steps = self.bands.first().map_or(1, |b| b.mean.len()).max(2);
        let xmax = (steps - 1) as f64;
        let mut builder = ChartBuilder::on(area);
        builder
            .margin_left(px.i(if small { 6.0 } else { 12.0 }))
            .margin_right(px.i(if small { 10.0 } else { 24.0 }))
            .margin_top(px.i(6.0))
            .x_label_area_size(px.i(if small { 30.0 } else { 42.0 }))
            .y_label_area_size(px.i(if small { 40.0 } else { 54.0 }));
        if let Some(c) = caption {
            builder.caption(c, px.bold(12.0));
        }
        let mut chart = builder.build_cartesian_2d(0f64..xmax, 0f64..1.05f64)?;
        let (x_desc, y_desc) = if small {
            (self.x_desc(), "φ".to_string())
        } else {
            (
                self.x_desc(),
                px.tr(
                    "service φ = throughput / baseline",
                    "服務水準 φ = 吞吐量 / 基準",
                )
                .to_string(),
            )
        };
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .axis_desc_style(px.text(if small { 12.0 } else { 15.0 }))
            .label_style(px.text(if small { 11.0 } else { 13.0 }))
            .x_labels(if small { 5 } else { 10 })
            .y_labels(if small { 6 } else { 11 })
            .bold_line_style(px.line(GRID, 1.0))
            .light_line_style(TRANSPARENT)
            .axis_style(px.line(MUTED, 1.0))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .draw()?;

        let alpha = band_alpha(shaded.len());
        for &k in shaded {
            let (s, b) = (&self.series[k], &self.bands[k]);
            let c = colour(s.colour);
            let mut outline: Vec<(f64, f64)> = b
                .p95
                .iter()
                .enumerate()
                .map(|(i, &v)| (i as f64, v))
                .collect();
            outline.extend(b.p5.iter().enumerate().rev().map(|(i, &v)| (i as f64, v)));
            chart.draw_series(std::iter::once(Polygon::new(
                outline,
                c.mix(alpha).filled(),
            )))?;
        }
        for &k in shaded {
            let edge = px.line(colour(self.series[k].colour).mix(BAND_EDGE), 1.0);
            for q in [&self.bands[k].p5, &self.bands[k].p95] {
                chart.draw_series(LineSeries::new(
                    q.iter().enumerate().map(|(i, &v)| (i as f64, v)),
                    edge,
                ))?;
            }
        }
        for &k in grey {
            chart.draw_series(LineSeries::new(
                self.bands[k]
                    .mean
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| (i as f64, v)),
                px.line(RGBColor(175, 175, 175), 1.2),
            ))?;
        }
        // Shocks: dotted (short dashes, as in the legend), each labelled
        // with its number at the top so the text can refer to it.
        for (i, &at) in self.shocks.iter().enumerate() {
            let x = f64::from(at);
            chart.draw_series(DashedLineSeries::new(
                vec![(x, 0.0), (x, 1.05)],
                px.i(1.5),
                px.i(3.5),
                px.line(MUTED, 1.4),
            ))?;
            let label = if small {
                i.to_string()
            } else {
                format!("{} {i}", px.tr("shock", "衝擊"))
            };
            chart.draw_series(std::iter::once(Text::new(
                label,
                (x, 1.04),
                px.text(if small { 10.0 } else { 12.0 })
                    .pos(Pos::new(HPos::Left, VPos::Top)),
            )))?;
        }
        chart.draw_series(DashedLineSeries::new(
            vec![(0.0, self.service_level), (xmax, self.service_level)],
            px.i(8.0),
            px.i(5.0),
            px.line(INK, 1.5),
        ))?;
        for &k in shaded {
            chart.draw_series(LineSeries::new(
                self.bands[k]
                    .mean
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| (i as f64, v)),
                px.line(colour(self.series[k].colour), if small { 2.0 } else { 2.5 }),
            ))?;
        }
        Ok(())
    }
}

impl Chart for TimeChart<'_> {
    fn file_texts(&self) -> Vec<&str> {
        let labels = self.series.iter().map(|s| s.label.as_str());
        std::iter::once(self.title.as_str()).chain(labels).collect()
    }
    fn lang(&self) -> Lang {
        self.lang
    }
    fn size(&self) -> (u32, u32) {
        if self.small_multiples() {
            (960, 720)
        } else {
            (960, 540)
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, px: Px) -> DrawResult<DB> {
        let (mean_n, band_n) = self.trials;
        let mut subtitle = match (self.lang, mean_n == band_n) {
            (Lang::En, true) => format!(
                "mean φ at each step over {mean_n} trials · shaded: 5th–95th percentile of trials"
            ),
            (Lang::En, false) => format!(
                "mean φ at each step over {mean_n} trials · shaded: 5th–95th percentile of the first {band_n} trials"
            ),
            (Lang::ZhTw, true) => {
                format!("{mean_n} 次試驗中每一步的平均 φ · 陰影：試驗的第 5 至第 95 百分位")
            }
            (Lang::ZhTw, false) => format!(
                "{mean_n} 次試驗中每一步的平均 φ · 陰影：前 {band_n} 次試驗的第 5 至第 95 百分位"
            ),
        };
        let n = self.series.len();
        let multiples = self.small_multiples();
        if multiples {
            subtitle.push_str(px.tr(
                " · one panel per topology, the others' means in grey",
                " · 每個拓樸一格，灰線為其他拓樸的平均",
            ));
        }
        let mut legend = series_legend(
            self.series,
            band_key(if multiples { 1 } else { n }),
            self.service_level,
            px,
        );
        if !self.shocks.is_empty() {
            legend.push(Entry::new(
                Key::Dotted,
                MUTED,
                px.tr(
                    "scripted shock (numbered as in the text)",
                    "腳本衝擊（編號同內文）",
                ),
            ));
        }
        let body = frame(root, px, &self.title, &subtitle, &legend)?;
        let all: Vec<usize> = (0..n.min(self.bands.len())).collect();
        if !multiples {
            return self.plot(&body, px, &all, &[], None);
        }
        let cols = (n as f64).sqrt().ceil() as usize;
        let rows = n.div_ceil(cols);
        let panels = body.split_evenly((rows, cols));
        let (panel_w, _) = body.dim_in_pixel();
        // About 7 px per character of the 12 px bold caption.
        let max_chars = (f64::from(panel_w) / cols as f64 / (7.0 * px.0)) as usize;
        for (k, panel) in all.iter().zip(&panels) {
            let others: Vec<usize> = all.iter().copied().filter(|o| o != k).collect();
            let caption = cut(&self.series[*k].label, max_chars.max(8));
            self.plot(panel, px, &[*k], &others, Some(&caption))?;
        }
        Ok(())
    }
}

/// Histogram bins: (lowest edge, width, count).
fn bins(services: &[&Distribution]) -> (f64, f64, usize) {
    let values = || services.iter().flat_map(|d| d.points().map(|(x, _)| x));
    let min = values().fold(f64::INFINITY, f64::min);
    let max = values().fold(f64::NEG_INFINITY, f64::max).max(1.0);
    let min = if min.is_finite() { min.min(max) } else { 0.0 };
    let span = (max - min).max(0.05);
    let width = [0.002, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1]
        .into_iter()
        .find(|w| span / w <= 25.0)
        .unwrap_or(0.1);
    let lo = ((min / width + 1e-9).floor() * width)
        .min(max - 10.0 * width)
        .max(0.0);
    let count = (((max - lo) / width) - 1e-9).ceil().max(1.0) as usize;
    (lo, width, count)
}

/// Chart 2: distribution of per-trial service, bars side by side per bin.
pub struct HistogramChart<'a> {
    /// Chart title.
    pub title: String,
    /// One entry per topology.
    pub series: &'a [Series],
    /// Per-trial service, one distribution per topology.
    pub services: &'a [&'a Distribution],
    /// Language of the chart's own text.
    pub lang: Lang,
}

impl Chart for HistogramChart<'_> {
    fn file_texts(&self) -> Vec<&str> {
        let labels = self.series.iter().map(|s| s.label.as_str());
        std::iter::once(self.title.as_str()).chain(labels).collect()
    }
    fn size(&self) -> (u32, u32) {
        (960, 540)
    }
    fn lang(&self) -> Lang {
        self.lang
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, px: Px) -> DrawResult<DB> {
        let (lo, width, count) = bins(self.services);
        let hi = lo + width * count as f64;
        let shares: Vec<Vec<f64>> = self
            .services
            .iter()
            .map(|d| {
                let mut h = vec![0u64; count];
                for (x, c) in d.points() {
                    let b = (((x - lo) / width) + 1e-9).floor().max(0.0) as usize;
                    h[b.min(count - 1)] += c;
                }
                let n = d.len().max(1) as f64;
                h.into_iter().map(|c| 100.0 * c as f64 / n).collect()
            })
            .collect();
        let means: Vec<f64> = self.services.iter().map(|d| d.mean_std_ci().0).collect();
        let top = shares
            .iter()
            .flatten()
            .copied()
            .fold(0.0, f64::max)
            .max(1.0)
            * 1.08;
        let legend: Vec<Entry> = self
            .series
            .iter()
            .zip(&means)
            .map(|(s, m)| {
                Entry::new(
                    Key::Bar,
                    colour(s.colour),
                    format!("{} ({} {m:.3})", s.label, px.tr("mean", "平均")),
                )
            })
            .collect();
        let n = self.services.first().map_or(0, |d| d.len());
        let subtitle = match self.lang {
            Lang::En => {
                format!("{n} trials · bins of {width} · dashed lines: each topology's mean")
            }
            Lang::ZhTw => format!("{n} 次試驗 · 組距 {width} · 虛線：各拓樸的平均"),
        };
        let body = frame(root, px, &self.title, &subtitle, &legend)?;
        let digits = if width < 0.01 { 3 } else { 2 };
        let mut chart = ChartBuilder::on(&body)
            .margin_left(px.i(12.0))
            .margin_right(px.i(24.0))
            .margin_top(px.i(6.0))
            .x_label_area_size(px.i(42.0))
            .y_label_area_size(px.i(54.0))
            .build_cartesian_2d(lo..hi, 0f64..top)?;
        chart
            .configure_mesh()
            .x_desc(px.tr(
                "per-trial service φ (mean over the trial's steps)",
                "每次試驗的服務水準 φ（該次各步的平均）",
            ))
            .y_desc(px.tr("share of trials (%)", "試驗比例（%）"))
            .axis_desc_style(px.text(15.0))
            .label_style(px.text(13.0))
            .bold_line_style(px.line(GRID, 1.0))
            .light_line_style(TRANSPARENT)
            .disable_x_mesh()
            .axis_style(px.line(MUTED, 1.0))
            .x_label_formatter(&|v| format!("{v:.digits$}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()?;
        let k = self.series.len().max(1) as f64;
        let slot = width * 0.9 / k;
        for (t, (s, h)) in self.series.iter().zip(&shares).enumerate() {
            let c = colour(s.colour);
            chart.draw_series(
                h.iter()
                    .enumerate()
                    .filter(|(_, v)| **v > 0.0)
                    .map(|(b, &v)| {
                        let x0 = lo + b as f64 * width + width * 0.05 + slot * t as f64;
                        Rectangle::new([(x0, 0.0), (x0 + slot, v)], c.mix(0.85).filled())
                    }),
            )?;
        }
        for (s, &mean) in self.series.iter().zip(&means) {
            chart.draw_series(DashedLineSeries::new(
                vec![(mean, 0.0), (mean, top)],
                px.i(6.0),
                px.i(4.0),
                px.line(colour(s.colour), 2.0),
            ))?;
        }
        Ok(())
    }
}

/// How an attack is named on the chart (from the one catalogue, [`Lang`]).
pub fn attack_title(a: Attack, lang: Lang) -> &'static str {
    a.title(lang)
}

/// Chart 3: attack-tolerance curves, one panel per attack.
pub struct AttackChart<'a> {
    /// Chart title.
    pub title: String,
    /// One entry per topology.
    pub series: &'a [Series],
    /// The sweep (topologies in the same order as `series`).
    pub sweep: &'a SweepReport,
    /// Language of the chart's own text.
    pub lang: Lang,
}

impl Chart for AttackChart<'_> {
    fn file_texts(&self) -> Vec<&str> {
        let labels = self.series.iter().map(|s| s.label.as_str());
        std::iter::once(self.title.as_str()).chain(labels).collect()
    }
    fn size(&self) -> (u32, u32) {
        (1200, 520)
    }
    fn lang(&self) -> Lang {
        self.lang
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, px: Px) -> DrawResult<DB> {
        let legend = series_legend(self.series, Key::Line, self.sweep.service_level, px);
        let trials = self.sweep.trials;
        let subtitle = match self.lang {
            Lang::En => format!(
                "φ after removing a fraction of nodes · random: mean of {trials} orders (shaded: 95% CI) · attacks: ranked once on the intact network"
            ),
            Lang::ZhTw => format!(
                "移除部分節點後的 φ · 隨機：{trials} 種移除順序的平均（陰影：95% 信賴區間）· 攻擊：在完整網路上排序一次"
            ),
        };
        let body = frame(root, px, &self.title, &subtitle, &legend)?;
        let attacks: Vec<Attack> = self
            .sweep
            .topologies
            .first()
            .map(|t| t.curves.iter().map(|c| c.attack).collect())
            .unwrap_or_default();
        let panels = body.split_evenly((1, attacks.len().max(1)));
        for (p, (panel, &attack)) in panels.iter().zip(&attacks).enumerate() {
            let mut chart = ChartBuilder::on(panel)
                .caption(attack_title(attack, self.lang), px.bold(15.0))
                .margin_left(px.i(10.0))
                .margin_right(px.i(18.0))
                .x_label_area_size(px.i(44.0))
                .y_label_area_size(px.i(if p == 0 { 56.0 } else { 40.0 }))
                .build_cartesian_2d(0f64..1f64, 0f64..1.05f64)?;
            chart
                .configure_mesh()
                .x_desc(px.tr("fraction of nodes removed", "移除的節點比例"))
                .y_desc(if p == 0 {
                    px.tr("φ = max flow / baseline", "φ = 最大流量 / 基準")
                } else {
                    ""
                })
                .axis_desc_style(px.text(14.0))
                .label_style(px.text(13.0))
                .bold_line_style(px.line(GRID, 1.0))
                .light_line_style(TRANSPARENT)
                .axis_style(px.line(MUTED, 1.0))
                .x_labels(6)
                .y_labels(6)
                .x_label_formatter(&|v| format!("{v:.1}"))
                .y_label_formatter(&|v| format!("{v:.1}"))
                .draw()?;
            let level = self.sweep.service_level;
            chart.draw_series(DashedLineSeries::new(
                vec![(0.0, level), (1.0, level)],
                px.i(8.0),
                px.i(5.0),
                px.line(INK, 1.5),
            ))?;
            for (s, topo) in self.series.iter().zip(&self.sweep.topologies) {
                let Some(curve) = topo.curves.iter().find(|c| c.attack == attack) else {
                    continue;
                };
                if curve.phi.is_empty() {
                    continue;
                }
                let c = colour(s.colour);
                if curve.trials > 1 {
                    let mut outline: Vec<(f64, f64)> = curve
                        .fractions
                        .iter()
                        .zip(&curve.phi)
                        .map(|(&f, b)| (f, (b.mean + b.ci95).min(1.0)))
                        .collect();
                    outline.extend(
                        curve
                            .fractions
                            .iter()
                            .zip(&curve.phi)
                            .rev()
                            .map(|(&f, b)| (f, (b.mean - b.ci95).max(0.0))),
                    );
                    chart
                        .draw_series(std::iter::once(Polygon::new(outline, c.mix(0.2).filled())))?;
                }
                let points: Vec<(f64, f64)> = curve
                    .fractions
                    .iter()
                    .zip(&curve.phi)
                    .map(|(&f, b)| (f, b.mean))
                    .collect();
                chart
                    .draw_series(LineSeries::new(points, px.line(c, 2.5)).point_size(px.u(3.0)))?;
            }
        }
        Ok(())
    }
}

/// Chart 4 (scenarios with costs only): the expected cost per unit of
/// baseline against the risk scale, one line per topology with its 95 % CI
/// band, today's risk (scale 1) dotted, and each topology's break-even with
/// the first marked by a ring on the first topology's line and a dashed
/// drop line labelled with the scale.
///
/// ```text
///  cost ┤            ╱ chain
///       ┤        ╱ ○────── network      ○ break-even ≈ 1.6
///       ┤────╱───┆
///       ┤ ╱      ┆   ┊ today
///       └────────┴───┴──────── risk scale
/// ```
pub struct PriceChart<'a> {
    /// Chart title.
    pub title: String,
    /// One entry per topology.
    pub series: &'a [Series],
    /// The prices (topologies in the same order as `series`).
    pub price: &'a PriceReport,
    /// Language of the chart's own text.
    pub lang: Lang,
}

/// The first topology's mean cost at scale `s`, on the straight lines
/// between the grid points (where a break-even ring sits).
fn reference_cost_at(p: &PriceReport, s: f64) -> Option<f64> {
    let first = p.topologies.first()?;
    let points: Vec<(f64, f64)> = p
        .scales
        .iter()
        .zip(&first.costs)
        .map(|(&x, c)| (x, c.mean))
        .collect();
    let i = points.iter().position(|&(x, _)| x >= s)?;
    if i == 0 {
        return Some(points[0].1);
    }
    let ((x0, y0), (x1, y1)) = (points[i - 1], points[i]);
    Some(y0 + (y1 - y0) * (s - x0) / (x1 - x0))
}

impl Chart for PriceChart<'_> {
    fn file_texts(&self) -> Vec<&str> {
        let labels = self.series.iter().map(|s| s.label.as_str());
        std::iter::once(self.title.as_str()).chain(labels).collect()
    }
    fn size(&self) -> (u32, u32) {
        (960, 540)
    }
    fn lang(&self) -> Lang {
        self.lang
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, px: Px) -> DrawResult<DB> {
        let p = self.price;
        let (trials, currency) = (p.trials, p.currency.as_str());
        let subtitle = match self.lang {
            Lang::En => format!(
                "mean cost per unit of baseline over {trials} trials at each risk scale (shaded: 95% CI) · scale s: failure rates, scripted shocks and hazards × s"
            ),
            Lang::ZhTw => format!(
                "各風險倍數下 {trials} 次試驗的每單位基準平均成本（陰影：95% 信賴區間）· 倍數 s：故障率、腳本衝擊與區域災害 × s"
            ),
        };
        let mut legend: Vec<Entry> = self
            .series
            .iter()
            .map(|s| Entry::new(Key::Line, colour(s.colour), s.label.clone()))
            .collect();
        let today = p.scales.first().is_some_and(|&a| a <= 1.0)
            && p.scales.last().is_some_and(|&b| b >= 1.0);
        if today {
            legend.push(Entry::new(
                Key::Dotted,
                MUTED,
                px.tr("today's risk (scale 1)", "現況風險（倍數 1）"),
            ));
        }
        if p.topologies.iter().any(|t| t.break_even.scale().is_some()) {
            legend.push(Entry::new(
                Key::Dashed,
                MUTED,
                px.tr(
                    "break-even with the first topology",
                    "與第一個拓樸的損益兩平點",
                ),
            ));
        }
        let body = frame(root, px, &self.title, &subtitle, &legend)?;
        let lo_x = p.scales.first().copied().unwrap_or(0.0);
        let hi_x = p.scales.last().copied().unwrap_or(1.0).max(lo_x + 1e-9);
        let costs = || p.topologies.iter().flat_map(|t| t.costs.iter());
        let top = costs()
            .map(|c| c.mean + c.ci95)
            .fold(0.0, f64::max)
            .max(1e-9)
            * 1.08;
        let bottom = costs().map(|c| c.mean - c.ci95).fold(0.0, f64::min);
        let digits = if top >= 100.0 {
            0
        } else if top >= 10.0 {
            1
        } else {
            2
        };
        let mut chart = ChartBuilder::on(&body)
            .margin_left(px.i(12.0))
            .margin_right(px.i(24.0))
            .margin_top(px.i(6.0))
            .x_label_area_size(px.i(42.0))
            .y_label_area_size(px.i(62.0))
            .build_cartesian_2d(lo_x..hi_x, bottom..top)?;
        let y_desc = match self.lang {
            Lang::En => format!("cost per unit of baseline ({currency})"),
            Lang::ZhTw => format!("每單位基準的成本（{currency}）"),
        };
        chart
            .configure_mesh()
            .x_desc(px.tr(
                "risk scale (1 = today's failure rates and shocks)",
                "風險倍數（1 = 現況的故障率與衝擊）",
            ))
            .y_desc(y_desc)
            .axis_desc_style(px.text(15.0))
            .label_style(px.text(13.0))
            .bold_line_style(px.line(GRID, 1.0))
            .light_line_style(TRANSPARENT)
            .axis_style(px.line(MUTED, 1.0))
            .x_labels(p.scales.len().clamp(2, 13))
            .x_label_formatter(&|v| {
                let t = format!("{v:.2}");
                t.trim_end_matches('0').trim_end_matches('.').to_string()
            })
            .y_label_formatter(&|v| format!("{v:.digits$}"))
            .draw()?;
        if today {
            chart.draw_series(DashedLineSeries::new(
                vec![(1.0, bottom), (1.0, top)],
                px.i(1.5),
                px.i(3.5),
                px.line(MUTED, 1.4),
            ))?;
        }
        for (s, t) in self.series.iter().zip(&p.topologies) {
            let c = colour(s.colour);
            if t.costs.iter().any(|x| x.ci95 > 0.0) {
                let mut outline: Vec<(f64, f64)> = p
                    .scales
                    .iter()
                    .zip(&t.costs)
                    .map(|(&x, m)| (x, m.mean + m.ci95))
                    .collect();
                outline.extend(
                    p.scales
                        .iter()
                        .zip(&t.costs)
                        .rev()
                        .map(|(&x, m)| (x, m.mean - m.ci95)),
                );
                chart.draw_series(std::iter::once(Polygon::new(outline, c.mix(0.18).filled())))?;
            }
        }
        for (s, t) in self.series.iter().zip(&p.topologies) {
            let points: Vec<(f64, f64)> = p
                .scales
                .iter()
                .zip(&t.costs)
                .map(|(&x, m)| (x, m.mean))
                .collect();
            chart.draw_series(
                LineSeries::new(points, px.line(colour(s.colour), 2.5)).point_size(px.u(3.0)),
            )?;
        }
        for (s, t) in self.series.iter().zip(&p.topologies) {
            let Some(at) = t.break_even.scale() else {
                continue;
            };
            let Some(y) = reference_cost_at(p, at) else {
                continue;
            };
            let c = colour(s.colour);
            chart.draw_series(DashedLineSeries::new(
                vec![(at, bottom), (at, y)],
                px.i(6.0),
                px.i(4.0),
                px.line(c, 1.5),
            ))?;
            chart.draw_series(std::iter::once(Circle::new(
                (at, y),
                px.u(7.0),
                px.line(c, 2.5),
            )))?;
            let label = if t.break_even.is_interpolated() {
                format!("≈ {at:.2}")
            } else {
                format!("{at}")
            };
            let nudge = ((hi_x - lo_x) * 0.012, (top - bottom) * 0.025);
            chart.draw_series(std::iter::once(Text::new(
                label,
                (at + nudge.0, y + nudge.1),
                px.bold(13.0).pos(Pos::new(HPos::Left, VPos::Bottom)),
            )))?;
        }
        Ok(())
    }
}

/// Render chart 1.
pub fn time_chart(c: &TimeChart<'_>) -> Result<Figure, HandoutError> {
    render(c)
}

/// Render chart 2.
pub fn histogram_chart(c: &HistogramChart<'_>) -> Result<Figure, HandoutError> {
    render(c)
}

/// Render chart 3.
pub fn attack_chart(c: &AttackChart<'_>) -> Result<Figure, HandoutError> {
    render(c)
}

/// Render chart 4 (the price of resilience).
pub fn price_chart(c: &PriceChart<'_>) -> Result<Figure, HandoutError> {
    render(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_cover_the_data_with_nice_widths() {
        let d = |v: &[f64]| Distribution::from_values(&mut v.to_vec());
        let (lo, w, n) = bins(&[&d(&[0.91, 0.97, 1.0]), &d(&[0.95, 0.99])]);
        assert!(lo <= 0.91 && lo + w * n as f64 >= 1.0 - 1e-12);
        assert!(n <= 26, "{n} bins");
        // Every trial at 1.0: a visible range below 1.
        let (lo, w, n) = bins(&[&d(&[1.0, 1.0])]);
        assert!(lo < 1.0 && n >= 10 && w > 0.0);
        // Empty input does not panic.
        let _ = bins(&[&Distribution::default()]);
    }

    /// The wide (CJK) characters of `text` the embedded font lacks.
    fn missing_wide(text: &str) -> Vec<char> {
        let mut v: Vec<char> = png_missing(text)
            .into_iter()
            .filter(|&c| unicode_width::UnicodeWidthChar::width(c) == Some(2))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    #[test]
    fn embedded_font_is_chainmesh_cjk_and_parses() {
        use ab_glyph::Font as _;
        let face = cjk_face().expect("the embedded CJK font parses");
        // Not called "Noto" (the OFL's Reserved Font Name rule); a real subset.
        assert!(face.glyph_count() > 5_401, "{} glyphs", face.glyph_count());
        assert!(CJK_FONT.len() < 2_500_000, "{} bytes", CJK_FONT.len());
        let family = b"Chainmesh CJK".as_slice();
        let utf16: Vec<u8> = "Chainmesh CJK"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert!(CJK_FONT.windows(utf16.len()).any(|w| w == utf16.as_slice()));
        assert!(CJK_FONT.windows(family.len()).any(|w| w == family));
        // Latin, punctuation and the common Traditional characters are there.
        for text in [
            "Agriculture 0.95 φ",
            "（1 步 = 2 天）",
            "服務水準隨時間變化",
            "臺灣",
        ] {
            assert!(png_covers(text), "{text}: {:?}", png_missing(text));
        }
    }

    #[test]
    fn embedded_font_covers_the_built_in_chinese_text() {
        // Every Chinese string of the catalogue and of the handout's code.
        for (file, text) in [
            ("src/lang.rs", include_str!("../lang.rs")),
            ("src/handout/charts.rs", include_str!("charts.rs")),
            ("src/handout/mod.rs", include_str!("mod.rs")),
            ("src/handout/document.rs", include_str!("document.rs")),
            ("src/handout/drawing.rs", include_str!("drawing.rs")),
            ("src/sweep/mod.rs", include_str!("../sweep/mod.rs")),
            ("src/report/table.rs", include_str!("../report/table.rs")),
        ] {
            let missing = missing_wide(text);
            assert!(
                missing.is_empty(),
                "{file}: {missing:?} not in the embedded font: run tools/make-cjk-font.py"
            );
        }
        // Every `*_zh` field of every built-in scenario.
        fn zh_fields(v: &toml::Value, key: &str, out: &mut Vec<String>) {
            match v {
                toml::Value::String(s) if key.ends_with("_zh") => out.push(s.clone()),
                toml::Value::Table(t) => t.iter().for_each(|(k, v)| zh_fields(v, k, out)),
                toml::Value::Array(a) => a.iter().for_each(|v| zh_fields(v, key, out)),
                _ => {}
            }
        }
        let mut checked = 0;
        for b in crate::scenario::builtin::BUILTINS {
            let value: toml::Value = toml::from_str(b.text).expect("built-in TOML");
            let mut texts = Vec::new();
            zh_fields(&value, "", &mut texts);
            assert!(!texts.is_empty(), "{}: no *_zh field", b.name);
            for t in &texts {
                assert!(
                    png_covers(t),
                    "{}: {t:?} has {:?}, not in the embedded font: run tools/make-cjk-font.py",
                    b.name,
                    png_missing(t)
                );
                checked += 1;
            }
        }
        assert!(checked > 20, "{checked} texts");
    }

    #[test]
    fn rare_characters_are_not_covered() {
        // CJK Extension B and a rare character outside Big5 level 1 (as
        // escapes: tools/make-cjk-font.py keeps every character of src/):
        // the handout draws such a label in English in the PNG.
        for text in ["\u{20000}", "稻田\u{9F98}", "\u{E000}"] {
            assert!(!png_covers(text), "{text}");
        }
        assert_eq!(png_missing("稻田\u{9F98}"), vec!['\u{9F98}']);
        assert!(png_covers(""));
    }

    #[test]
    fn png_text_keeps_only_glyphs_the_embedded_face_has() {
        // Coffee, grinning face, factory, Hebrew, two Extension B characters.
        let hostile = "Farm \u{2615} \u{1F600} \u{1F3ED} \u{5E9}\u{5DC}\u{5D5}\u{5DD} \u{20000} \u{2A6A5} 稻田 (1 步 = 2 天)";
        assert!(!png_covers(hostile));
        let text = png_text(hostile);
        assert!(png_covers(&text), "{text}: {:?}", png_missing(&text));
        assert_eq!(text, "Farm ? ? ? ???? ? ? 稻田 (1 步 = 2 天)");
        // Text the face has is left alone; the mark itself is in both faces.
        assert_eq!(
            png_text("Agriculture 0.95 φ 臺灣"),
            "Agriculture 0.95 φ 臺灣"
        );
        assert!(png_covers("?") && latin_covers("?"));
        assert!(latin_covers("Agriculture: farm → table") && !latin_covers("稻田"));
    }

    /// End to end: a chart with such a label draws (no panic) in both
    /// languages, and the prepared label draws something other than the raw one.
    #[test]
    fn charts_with_missing_glyphs_draw() {
        let services = [Distribution::from_values(&mut [0.9, 0.95, 1.0])];
        let services: Vec<&Distribution> = services.iter().collect();
        let figure = |label: &str, lang: Lang| {
            let series = [Series {
                label: label.to_string(),
                colour: 0,
            }];
            histogram_chart(&HistogramChart {
                title: format!("{label}: per-trial service"),
                series: &series,
                services: &services,
                lang,
            })
            .expect("chart")
        };
        // Coffee, grinning face, factory, Hebrew, an Extension B character.
        let raw = "\u{2615} \u{1F600} \u{1F3ED} \u{5E9}\u{5DC}\u{5D5}\u{5DD} \u{20000}";
        for lang in [Lang::En, Lang::ZhTw] {
            let drawn = figure(&png_text(raw), lang);
            assert!(!drawn.png.is_empty());
            assert_ne!(drawn.png, figure(raw, lang).png, "{lang:?}");
        }
    }

    /// A Chinese chart's PNG is drawn with the CJK face: it differs from the
    /// same chart drawn with a label the face lacks only where that label is.
    #[test]
    fn chinese_png_draws_the_chinese_glyphs() {
        let services = [Distribution::from_values(&mut [0.9, 0.95, 1.0])];
        let services: Vec<&Distribution> = services.iter().collect();
        let png = |label: &str, lang: Lang| {
            let series = [Series {
                label: label.to_string(),
                colour: 0,
            }];
            histogram_chart(&HistogramChart {
                title: String::from("T"),
                series: &series,
                services: &services,
                lang,
            })
            .expect("chart")
            .png
        };
        // Two different Chinese labels give different pictures (the glyphs
        // are drawn, not one missing-glyph box each).
        assert_ne!(png("鏈狀", Lang::ZhTw), png("網狀", Lang::ZhTw));
        assert_ne!(png("鏈狀", Lang::ZhTw), png("鏈狀", Lang::En));
    }
}
