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

/// `s` shortened to at most `width` cells, words first: every word but
/// the last is cut to four letters and a dot, then to its initial, before
/// any letters of the last word go (`Integrated logistics partner` →
/// `Inte. logi. partner` → `I. l. partner`; when not even that fits, the
/// original is cut by characters: `Integrat…`). A short last word (a number,
/// a code) is kept whole while at least two cells are left for the rest,
/// so `Farm 3` and `Farm 4` stay apart (`Fa… 4`). Text without spaces
/// (Chinese labels) is cut by characters with `…`. Never wider than `width`.
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
    let mut short: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    let joined = |v: &[String]| v.join(" ");
    for keep in [4usize, 1] {
        for j in 0..last {
            let w = &words[j];
            if w.chars().count() > keep + 1 {
                short[j] = w.chars().take(keep).collect::<String>() + ".";
                let t = joined(&short);
                if t.width() <= width {
                    return t;
                }
            }
        }
    }
    // Not even initials fit: cut the original by characters instead
    // (`Integrat…` reads better than `I. l. pa…`).
    fit(s, width)
}

/// Full-width punctuation that never starts a line (it closes what is
/// before it).
const NO_LINE_START: &str = "，。、；：？！）」』》〉】〕…";
/// Full-width punctuation that never ends a line (it opens what follows).
const NO_LINE_END: &str = "（「『《〈【〔";

/// `s` wrapped into lines of at most `width` cells: at spaces between
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
            } else if char_width(c) > 1 {
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
                if line.width() + char_width(c) > width {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        lines.push(line);
    }
    lines
}

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
        assert_eq!(abbreviate(s, 19), "Inte. logi. partner");
        assert_eq!(abbreviate(s, 13), "I. l. partner");
        assert_eq!(abbreviate(s, 9), "Integrat…");
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
