//! The one catalogue of user-facing words in English and Traditional
//! Chinese (`--lang zh-TW`), shared by the terminal UI and the handout
//! (`chainmesh report --lang zh-TW`).
//!
//! Short UI strings are written at their call site in both languages and
//! chosen with [`Lang::pick`] (so a string and its translation are read
//! together); names that several fronts show — sectors, the comparison
//! table's column headers — live here once, and attacks next to their type
//! (`sweep::Attack::{name, phrase, title}`, as this module sits below
//! `sweep`). Machine formats
//! (CSV, JSON, `run --format markdown`) keep their English keys in every
//! language, so scripts that read them never break. Messages of the core's
//! errors (scenario validation, I/O) stay English.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::scenario::{Scenario, Sector};

/// A language of the user interface and the handout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the default, and the language of every machine format).
    #[default]
    En,
    /// Traditional Chinese (Taiwan).
    ZhTw,
}

impl Lang {
    /// `en` or `zh-TW` (the spellings of `--lang`); `None` otherwise.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "zh-TW" => Some(Lang::ZhTw),
            _ => None,
        }
    }

    /// The `--lang` spelling (also the HTML `lang` attribute).
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhTw => "zh-TW",
        }
    }

    /// True for Traditional Chinese.
    pub fn is_zh(self) -> bool {
        self == Lang::ZhTw
    }

    /// `en` or `zh` by the language.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::ZhTw => zh,
        }
    }

    /// A sector's display name (`smart-city` → `智慧城市`); English uses
    /// the file spelling.
    pub fn sector(self, s: Sector) -> &'static str {
        match self {
            Lang::En => s.as_str(),
            Lang::ZhTw => match s {
                Sector::Agriculture => "農業",
                Sector::Manufacturing => "製造業",
                Sector::SmartCity => "智慧城市",
                Sector::Retail => "零售",
                Sector::Marketing => "行銷",
                Sector::Other => "其他",
            },
        }
    }

    /// A metric's column header in the comparison table
    /// ([`crate::metrics::METRICS`] holds both languages).
    pub fn metric(self, m: &crate::metrics::MetricSpec) -> &'static str {
        self.pick(m.label_en, m.label_zh)
    }

    /// Column headers of the comparison table, in the order of the
    /// English keys (`topology`, `nodes`, `baseline`, then every metric
    /// present in [`crate::metrics::METRICS`] order, `service` followed by
    /// its `p5` and `p50`; `vs first` after the metrics other than money,
    /// `cost vs first` after the cost metrics).
    pub fn headline(self, groups: crate::metrics::MetricGroups) -> Vec<&'static str> {
        use crate::metrics::{Group, Metric, present};
        let mut h: Vec<&'static str> = vec![
            self.pick("topology", "拓樸"),
            self.pick("nodes", "節點"),
            self.pick("baseline", "基準"),
        ];
        for m in present(groups).filter(|m| m.group != Group::Cost) {
            h.push(self.metric(m));
            if m.id == Metric::Service {
                h.extend(["p5", "p50"]);
            }
        }
        h.push(self.pick("vs first", "對照第一個"));
        if groups.cost {
            h.extend(
                present(groups)
                    .filter(|m| m.group == Group::Cost)
                    .map(|m| self.metric(m)),
            );
            h.push(self.pick("cost vs first", "成本對照第一個"));
        }
        h
    }

    /// What the comparison table's columns mean (with stock, the two stock
    /// columns too; with costs, the cost columns).
    pub fn legend(self, groups: crate::metrics::MetricGroups) -> String {
        let mut text = self.base_legend().to_string();
        if groups.stock {
            text.push_str(self.pick(
                " stock used = units drawn from stock / (baseline × steps), mean over trials; \
stockout = share of steps that end with some stocked node empty, mean over trials.",
                "庫存動用 = 從庫存取用的數量 / （基準 × 步數），各次試驗的平均；\
缺貨 = 某個有庫存的節點在步末庫存為零的步數比例，各次試驗的平均。",
            ));
        }
        if groups.hazard {
            text.push_str(self.hazard_legend());
        }
        if groups.cost {
            text.push_str(self.pick(
                " Costs are money per unit of the topology's baseline: calm cost = cost of a step with every node up and every stock full, \
÷ baseline (the design's efficiency); cost = Σ step costs (fixed, variable, holding, lost sales) ÷ (baseline × steps), \
mean ± 95% CI over trials; cost of risk = cost − calm cost (what disruptions cost); cost vs first = paired cost difference \
against the first topology and the share of trials it was strictly cheaper.",
                "成本以每單位基準產出的金額計：平時成本 = 所有節點正常、庫存全滿時一步的成本 ÷ 基準（設計的效率）；\
成本 = 各步成本（固定、變動、持有、缺貨損失）總和 ÷（基準 × 步數），各次試驗的平均 ± 95% 信賴區間；\
風險成本 = 成本 − 平時成本（中斷的代價）；成本對照第一個 = 與第一個拓樸配對比較的成本差，以及它嚴格較便宜的試驗比例。",
            ));
        }
        text
    }

    /// What the hazard column means, appended to [`Lang::legend`].
    pub fn hazard_legend(self) -> &'static str {
        self.pick(
            " hazard hits = nodes taken down by regional hazard strikes per trial (a node hit again while down counts again), mean over trials.",
            "災害衝擊 = 每次試驗中區域災害擊倒的節點數（已停擺的節點再次被擊中也計入），各次試驗的平均。",
        )
    }

    const fn base_legend(self) -> &'static str {
        match self {
            Lang::En => {
                "service = mean throughput / baseline per trial (mean ± 95% CI over trials); \
p5/p50 = percentiles of per-trial service; nadir = mean worst step; below = share of steps under the service level (a step at 75 % counts \
as fully as a step at 0 %); lost/step = units not delivered per step, Σ(1 − φ) × baseline / steps, mean over \
trials (partial service counts in proportion); recovery = mean steps per outage below the service level; collapse = trials with zero throughput at some step; \
vs first = paired service difference against the first topology and the share of trials it did strictly better."
            }
            Lang::ZhTw => {
                "服務水準 = 每次試驗的平均吞吐量 / 基準（各次試驗的平均 ± 95% 信賴區間）；\
p5/p50 = 每次試驗服務水準的百分位數；最低點 = 最差一步的平均；低於門檻 = φ 低於服務門檻的步數比例（φ 為 75% 的一步和 0% 的一步同樣計入）；\
每步損失 = 每步未送達的數量，Σ(1 − φ) × 基準 / 步數，各次試驗的平均（部分服務按比例計入）；恢復 = 每次低於服務門檻的中斷平均持續步數；崩潰 = 某一步吞吐量為零的試驗比例；\
對照第一個 = 與第一個拓樸配對比較的服務水準差，以及它嚴格較好的試驗比例。"
            }
        }
    }
}

/// `scenario` with every name, label and the lesson in `lang` where the
/// file has a translation (`name_zh`, `label_zh`, `lesson_zh`); ids,
/// numbers and the file's digest are untouched, so results are the same
/// bytes in every language. English returns it unchanged.
pub fn localize(mut scenario: Scenario, lang: Lang) -> Scenario {
    if !lang.is_zh() {
        return scenario;
    }
    if let Some(z) = scenario.name_zh.clone() {
        scenario.name = z;
    }
    if let Some(z) = scenario.lesson_zh.clone() {
        scenario.lesson = Some(z);
    }
    for t in &mut scenario.topologies {
        if let Some(z) = t.label_zh.clone() {
            t.label = z;
        }
        for n in &mut t.nodes {
            if let Some(z) = n.label_zh.clone() {
                n.label = z;
            }
        }
    }
    scenario
}

/// Full-width punctuation that never starts a line (it closes what is
/// before it).
pub const NO_LINE_START: &str = "，。、；：？！）」』》〉】〕…";
/// Full-width punctuation that never ends a line (it opens what follows).
pub const NO_LINE_END: &str = "（「『《〈【〔";

/// `s` wrapped into lines of at most `width` cells (the TUI's help and
/// lesson, the handout's drawings): at spaces between
/// words, and between any two wide (CJK) characters, which need no space;
/// a word wider than a line is split by characters. Full-width closing
/// punctuation never starts a line and opening punctuation never ends one
/// (`，` stays after the word it follows). Line breaks in `s` start new
/// lines.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        // (token, has a space before it)
        let mut tokens: Vec<(String, bool)> = Vec::new();
        let mut word = String::new();
        let mut space = false;
        for c in para.chars() {
            if c == ' ' {
                if !word.is_empty() {
                    tokens.push((std::mem::take(&mut word), space));
                }
                space = true;
            } else if c.width().unwrap_or(0) > 1 {
                if NO_LINE_START.contains(c) && !space {
                    // Closing punctuation stays with what it closes.
                    if !word.is_empty() {
                        word.push(c);
                        tokens.push((std::mem::take(&mut word), false));
                        continue;
                    }
                    if let Some((last, _)) = tokens.last_mut() {
                        last.push(c);
                        continue;
                    }
                }
                if word.chars().last().is_some_and(|l| NO_LINE_END.contains(l)) {
                    // After an opening bracket: one token with it.
                    word.push(c);
                    tokens.push((std::mem::take(&mut word), space));
                    space = false;
                    continue;
                }
                if !word.is_empty() {
                    tokens.push((std::mem::take(&mut word), space));
                    space = false;
                }
                if NO_LINE_END.contains(c) {
                    // Opening punctuation stays with what it opens.
                    word.push(c);
                    continue;
                }
                tokens.push((c.to_string(), space));
                space = false;
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            tokens.push((word, space));
        }
        let mut line = String::new();
        for (token, space) in tokens {
            let gap = usize::from(space && !line.is_empty());
            if line.width() + gap + token.width() <= width {
                if gap == 1 {
                    line.push(' ');
                }
                line.push_str(&token);
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A token wider than a line: split it by characters.
            for c in token.chars() {
                if line.width() + c.width().unwrap_or(0) > width {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_has_both_languages() {
        for s in Sector::ALL {
            assert_ne!(Lang::En.sector(s), Lang::ZhTw.sector(s));
        }
        assert_eq!(Lang::parse("zh-TW"), Some(Lang::ZhTw));
        assert_eq!(Lang::parse("zh"), None);
        assert_eq!(Lang::parse(Lang::En.as_str()), Some(Lang::En));
    }
}
