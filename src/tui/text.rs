//! Text for the terminal: file content made safe to draw, widths in
//! terminal cells (CJK characters take two), word-wise abbreviation.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::report::escape::is_unsafe;

/// Narrowest a node label may get (cells, without its state mark); below
/// this a topology is drawn as a list instead of a graph.
pub const LABEL_FLOOR: usize = 6;

/// `s` with every unsafe character ([`is_unsafe`]: controls such as
/// escape sequences, newlines, tabs and the one-byte CSI `U+009B`, bidi
/// overrides and isolates, which a terminal with bidi support would apply
/// to the rest of the line, separators and noncharacters) replaced by a
/// space, so file content can never move the cursor, change the terminal's
/// state or reorder what is drawn. Every text from a file the TUI draws —
/// panel titles included — goes through here. Borrows when nothing changes.
pub fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_unsafe) {
        Cow::Owned(
            s.chars()
                .map(|c| if is_unsafe(c) { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// `s` padded with spaces to `width` cells (by display width, so CJK text
/// lines up); returned unchanged when already as wide.
pub fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}

/// `s` right-aligned in `width` cells.
pub fn pad_left(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{}{s}", " ".repeat(width - w))
    }
}

/// `s` shortened to at most `width` cells. Only the first word may be
/// shortened (to four letters and a dot, then to its initial) when the rest
/// then fits whole (`Integrated logistics partner` → `Inte. logistics
/// partner`, `Food processor` → `F. processor`); otherwise the end is cut
/// ([`cut_end`]: `Integrated logisti…`, `Integrated…`), never every word
/// abbreviated. A short last word (a number, a code) is kept whole while at
/// least two cells are left for the rest, so `Farm 3` and `Farm 4` stay
/// apart (`Fa… 4`). Text without spaces (Chinese labels) is cut by
/// characters with `…`. Never wider than `width`.
pub fn abbreviate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let words: Vec<&str> = s.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return fit(s, width);
    }
    let last = words.len() - 1;
    let tail_w = words[last].width();
    if tail_w <= 3 && width >= tail_w + 3 {
        // Keep the short last word whole: `Proc… 3`.
        let head = words[..last].join(" ");
        return format!("{} {}", abbreviate(&head, width - tail_w - 1), words[last]);
    }
    let rest = words[1..].join(" ");
    for keep in [4usize, 1] {
        if words[0].chars().count() > keep + 1 {
            let first: String = words[0].chars().take(keep).collect();
            let t = format!("{first}. {rest}");
            if t.width() <= width {
                return t;
            }
        }
    }
    cut_end(s, width)
}

/// `s` cut at the end to at most `width` cells with `…`: by characters, but
/// a word that would keep fewer than three of its letters goes whole
/// (`Loyal members (li…` → `Loyal members…`), unless it is the first.
pub fn cut_end(s: &str, width: usize) -> String {
    let cut = fit(s, width);
    let Some(kept) = cut.strip_suffix('…') else {
        return cut;
    };
    match kept.rfind(' ') {
        Some(at)
            if kept[at + 1..]
                .chars()
                .filter(|c| c.is_alphanumeric())
                .count()
                < 3 =>
        {
            format!("{}…", kept[..at].trim_end())
        }
        _ => cut,
    }
}

/// Labels of several names (the nodes of one pane), each at most its width
/// in cells, never two alike unless their names are: [`abbreviate`] first;
/// a label that another name also got is replaced by the first of these
/// that no other label is: [`cut_end`], [`fit`], `head…part` where the part
/// starts where the names differ (`Core…A:`), `head…tail` (more of the end
/// each time).
pub fn abbreviate_distinct(names: &[&str], widths: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = names
        .iter()
        .zip(widths)
        .map(|(n, &w)| abbreviate(n, w))
        .collect();
    for i in 0..out.len() {
        let clash = |out: &[String], label: &str| {
            (0..out.len()).any(|j| j != i && out[j] == label && names[j] != names[i])
        };
        if !clash(&out, &out[i]) {
            continue;
        }
        let (name, width) = (names[i], widths[i]);
        let chars: Vec<char> = name.chars().collect();
        // Where this name parts from every other name that got its label:
        // `Core…A:` and `Core…B:` for two `Core firm …`.
        let differs = (0..out.len())
            .filter(|&j| j != i && out[j] == out[i] && names[j] != names[i])
            .map(|j| {
                chars
                    .iter()
                    .zip(names[j].chars())
                    .take_while(|(a, b)| **a == *b)
                    .count()
            })
            .max()
            .unwrap_or(0);
        let window = (1..width.saturating_sub(1)).rev().filter_map(|h| {
            let head: String = chars.iter().take(h).collect();
            let head = head.trim_end_matches([' ', '-']);
            let from = differs.max(h);
            let rest: String = chars.get(from..)?.iter().collect();
            let room = width.checked_sub(head.width() + 1)?;
            let part = fit(&rest, room + 1);
            let part = part
                .strip_suffix('…')
                .unwrap_or(&part)
                .trim_end()
                .to_string();
            // At least three cells of where they differ (all of it when shorter).
            let enough = part.width() >= 3.min(rest.trim_end().width()) && !part.is_empty();
            (!head.is_empty() && enough && differs >= h).then(|| format!("{head}…{part}"))
        });
        let middle = (1..chars.len()).filter_map(|tail| {
            let tail: String = chars[chars.len() - tail..].iter().collect();
            let room = width.checked_sub(tail.width() + 1)?;
            let head = fit(name, room + 1);
            let head = head
                .strip_suffix('…')
                .unwrap_or(&head)
                .trim_end()
                .to_string();
            (!head.is_empty()).then(|| format!("{head}…{tail}"))
        });
        if let Some(better) = [cut_end(name, width), fit(name, width)]
            .into_iter()
            .chain(window)
            .chain(middle)
            .find(|c| c.width() <= width && !clash(&out, c))
        {
            out[i] = better;
        }
    }
    out
}

/// Short forms (1–3 letters) of topology ids, for legends and event lines
/// where the ids do not fit, pairwise different: the initials of an id of
/// several words (`chain_stock` → `cs`, `white_label` → `wl`), else its
/// first three letters (`network` → `net`, `t0` → `t0`). When two ids give
/// the same short form, the later ones end in a digit instead (`ch2`); an
/// id that is already short is kept (`cs` stays `cs`).
pub fn short_ids(ids: &[&str]) -> Vec<String> {
    let first = |id: &str| -> String {
        let words: Vec<&str> = id
            .split(['_', '-', ' ', '.'])
            .filter(|w| !w.is_empty())
            .collect();
        if id.chars().count() <= 3 {
            id.to_string()
        } else if words.len() > 1 {
            words
                .iter()
                .filter_map(|w| w.chars().next())
                .take(3)
                .collect()
        } else {
            id.chars().take(3).collect()
        }
    };
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        let mut short = first(id);
        if out.contains(&short) {
            let stem: String = short.chars().take(2).collect();
            short = (2..)
                .map(|n| format!("{stem}{n}"))
                .find(|c| !out.contains(c) && !ids.contains(&c.as_str()))
                .unwrap_or_default();
        }
        out.push(short);
    }
    out
}

pub use crate::lang::{NO_LINE_END, NO_LINE_START, wrap};

/// Display width of one character (0 for controls and combining marks).
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// `s` cut to at most `width` terminal cells, ending in `…` when cut.
pub fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    // `Food …` reads as two words: the ellipsis goes right after a letter.
    out.truncate(out.trim_end().len());
    if width == 1 {
        // No room for an ellipsis: keep the first character if it fits.
        return s
            .chars()
            .next()
            .filter(|c| c.width().unwrap_or(0) <= 1)
            .map(String::from)
            .unwrap_or_default();
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_shorten_before_letters() {
        let s = "Integrated logistics partner";
        assert_eq!(abbreviate(s, 40), s);
        assert_eq!(abbreviate(s, 24), "Inte. logistics partner");
        // Cut at the end rather than every word abbreviated (issue 26).
        assert_eq!(abbreviate(s, 19), "Integrated logisti…");
        assert_eq!(abbreviate(s, 13), "Integrated…");
        assert_eq!(abbreviate(s, 9), "Integrat…");
        assert_eq!(
            abbreviate("Loyal members (lifetime value)", 18),
            "Loyal members…"
        );
        assert_eq!(abbreviate("Farm co-op", 5), "Farm…");
        assert_eq!(abbreviate("Farm 4", 5), "Fa… 4");
        assert_eq!(abbreviate("Processor 3", 7), "Proc… 3");
        assert_eq!(abbreviate("Food processor", 12), "F. processor");
        assert_eq!(abbreviate("產地直送宅配", 7), "產地直…");
        for w in 0..30 {
            assert!(abbreviate(s, w).width() <= w, "{w}");
            assert!(abbreviate("數位 農業 生態網 3", w).width() <= w, "{w}");
        }
    }

    /// Two nodes of one pane never share a short label (issue 26: `C. chain`
    /// for both, two `Core fi…`).
    #[test]
    fn labels_of_one_pane_are_distinct() {
        let names = [
            "Convenience-store chain",
            "Coffee chain",
            "Core firm A: food & beverage group",
            "Core firm B: retail holding",
            "Farm",
            "Farm",
        ];
        for w in 6..30 {
            let widths = [w; 6];
            let labels = abbreviate_distinct(&names, &widths);
            for (i, l) in labels.iter().enumerate() {
                assert!(l.width() <= w, "{l:?} wider than {w}");
                for j in 0..i {
                    if names[i] != names[j] {
                        assert_ne!(labels[i], labels[j], "width {w}: {labels:?}");
                    }
                }
            }
        }
        let at = |w| abbreviate_distinct(&names[..2], &[w, w]);
        assert_eq!(at(8), ["Conveni…", "C. chain"]);
        assert_eq!(at(12), ["Conv. chain", "Coffee chain"]);
    }

    #[test]
    fn short_ids_are_short_and_different() {
        assert_eq!(
            short_ids(&["chain", "network", "chain_stock"]),
            ["cha", "net", "cs"]
        );
        assert_eq!(
            short_ids(&["chain", "single_sourced", "multi_sourced"]),
            ["cha", "ss", "ms"]
        );
        assert_eq!(short_ids(&["t0", "t1"]), ["t0", "t1"]);
        assert_eq!(
            short_ids(&["chain", "chains", "cha"]),
            ["cha", "ch2", "ch3"]
        );
        let ids = ["alpha", "alps", "al2", "a_l", "al"];
        let short = short_ids(&ids);
        for (j, s) in short.iter().enumerate() {
            assert!((1..=3).contains(&s.chars().count()), "{s}");
            assert!(!short[..j].contains(s), "{short:?}");
        }
    }

    #[test]
    fn wrap_breaks_at_spaces_and_between_cjk_characters() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(
            wrap("產業生態鏈的每一個", 8),
            vec!["產業生態", "鏈的每一", "個"]
        );
        assert_eq!(wrap("第 12 到第 64 步", 8), vec!["第 12 到", "第 64 步"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        for w in 2..20 {
            for l in wrap(
                "從邊境管制到五月門市重新開放，產業生態鏈 a long-word here",
                w,
            ) {
                assert!(l.width() <= w, "{l:?} wider than {w}");
            }
        }
    }

    /// Full-width punctuation never starts a line, opening brackets never
    /// end one (issue 26: zh help lines started with a comma).
    #[test]
    fn wrap_keeps_cjk_punctuation_with_its_word() {
        assert_eq!(
            wrap("空白鍵暫停，n 單步", 12),
            vec!["空白鍵暫停，", "n 單步"]
        );
        assert_eq!(
            wrap("空白鍵暫停，n 單步", 10),
            vec!["空白鍵暫", "停，n 單步"]
        );
        assert_eq!(wrap("一二三四（五六）", 8), vec!["一二三四", "（五六）"]);
        let text = "線性產業鏈（每個環節只有一家），生態網（多個夥伴）。門檻 0.9：低於它的步數。";
        // (Narrower than a glued pair, a token is split by characters.)
        for w in 8..30 {
            for l in wrap(text, w) {
                let first = l.chars().next().unwrap_or(' ');
                let last = l.chars().last().unwrap_or(' ');
                assert!(
                    !NO_LINE_START.contains(first),
                    "{w}: {l:?} starts with {first}"
                );
                assert!(!NO_LINE_END.contains(last), "{w}: {l:?} ends with {last}");
                assert!(l.width() <= w, "{l:?} wider than {w}");
            }
        }
    }

    #[test]
    fn controls_are_blanked_and_widths_count_cells() {
        assert_eq!(clean("a\u{1b}[2Jb\n"), "a [2Jb ");
        assert!(matches!(clean("plain 農場"), Cow::Borrowed(_)));
        assert_eq!(pad("農場", 6), "農場  ");
        assert_eq!(pad_left("1.0", 5), "  1.0");
    }
}
