//! One line of spans fitted to a width without cutting a number: spans are
//! kept whole or dropped from the end; only text marked cuttable (a name)
//! is abbreviated, and never below [`LABEL_FLOOR`] cells.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::tui::text::{LABEL_FLOOR, abbreviate};

/// A piece of a line.
#[derive(Debug, Clone)]
pub enum Part<'a> {
    /// Drawn whole or not at all (numbers, marks, units).
    Whole(Span<'a>),
    /// May be abbreviated word-wise to fit (names, labels).
    Cut(Span<'a>),
}

/// `parts` in order, as many as fit in `width` cells; the first that does
/// not fit ends the line (a cuttable one is abbreviated first if at least
/// the floor fits). Never wider than `width`.
pub fn fit_parts(parts: Vec<Part<'_>>, width: usize) -> Line<'_> {
    let mut spans = Vec::with_capacity(parts.len());
    let mut used = 0;
    for p in parts {
        let (span, cut) = match p {
            Part::Whole(s) => (s, false),
            Part::Cut(s) => (s, true),
        };
        let w = span.content.width();
        if used + w <= width {
            used += w;
            spans.push(span);
            continue;
        }
        let room = width - used;
        if cut && room >= LABEL_FLOOR.min(w) {
            let text = abbreviate(&span.content, room);
            spans.push(Span::styled(text, span.style));
        }
        break;
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn numbers_are_dropped_whole_and_names_abbreviated() {
        let parts = || {
            vec![
                Part::Cut(Span::raw("數位農業生態網")),
                Part::Whole(Span::raw(" 0.893 ± 0.012")),
            ]
        };
        assert_eq!(text(&fit_parts(parts(), 40)), "數位農業生態網 0.893 ± 0.012");
        assert_eq!(text(&fit_parts(parts(), 20)), "數位農業生態網");
        assert_eq!(text(&fit_parts(parts(), 9)), "數位農業…");
        assert_eq!(text(&fit_parts(parts(), 3)), "");
        let nums = vec![Part::Whole(Span::raw("t12 ")), Part::Whole(Span::raw("φ 1.00→0.00"))];
        assert_eq!(text(&fit_parts(nums, 10)), "t12 ");
    }
}
