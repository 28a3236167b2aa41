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
    /// Drawn whole or not at all, and earlier cuttable parts shrink (to
    /// their floor) to make room for it (the number a line is about).
    Key(Span<'a>),
    /// Spans drawn together or not at all (a label with its value).
    Group(Vec<Span<'a>>),
    /// Prose (a lesson, an error): cut by characters with `…` (ending the
    /// line there), never abbreviated word by word.
    Text(Span<'a>),
}

impl Part<'_> {
    fn width(&self) -> usize {
        match self {
            Part::Whole(s) | Part::Cut(s) | Part::Key(s) | Part::Text(s) => s.content.width(),
            Part::Group(v) => v.iter().map(|s| s.content.width()).sum(),
        }
    }
}

/// `parts` in order, as many as fit in `width` cells; the first that does
/// not fit ends the line (a cuttable one is abbreviated first if at least
/// the floor fits). Never wider than `width`.
pub fn fit_parts(parts: Vec<Part<'_>>, width: usize) -> Line<'_> {
    let mut spans = Vec::with_capacity(parts.len());
    let mut used = 0;
    // Width of the key parts still to come.
    let mut keys: usize = parts
        .iter()
        .filter(|p| matches!(p, Part::Key(_)))
        .map(Part::width)
        .sum();
    for p in parts {
        let w = p.width();
        let (span, cut) = match p {
            Part::Text(s) => {
                if used + w <= width {
                    used += w;
                    spans.push(s);
                    continue;
                }
                // Cut prose only where a few letters are left to read.
                if width - used > 3 {
                    spans.push(Span::styled(super::fit(&s.content, width - used), s.style));
                }
                break;
            }
            Part::Group(v) => {
                if used + w > width {
                    break;
                }
                used += w;
                spans.extend(v);
                continue;
            }
            Part::Whole(s) => (s, false),
            Part::Key(s) => {
                keys -= w;
                (s, false)
            }
            Part::Cut(s) => (s, true),
        };
        if !cut {
            if used + w > width {
                break;
            }
            used += w;
            spans.push(span);
            continue;
        }
        if used + w + keys <= width {
            used += w;
            spans.push(span);
            continue;
        }
        // Shrink to leave room for the keys; else give them up.
        let floor = LABEL_FLOOR.min(w);
        let room = width - used;
        // A leading space (the gap to what came before) is kept as it is.
        let gap = usize::from(span.content.starts_with(' '));
        let shorten = |room: usize| -> String {
            let body = abbreviate(span.content[gap..].trim_start(), room.saturating_sub(gap));
            if gap == 1 { format!(" {body}") } else { body }
        };
        if room >= keys + floor {
            let text = shorten(room - keys);
            used += text.width();
            spans.push(Span::styled(text, span.style));
            continue;
        }
        if room >= floor {
            spans.push(Span::styled(shorten(room), span.style));
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
        assert_eq!(
            text(&fit_parts(parts(), 40)),
            "數位農業生態網 0.893 ± 0.012"
        );
        assert_eq!(text(&fit_parts(parts(), 20)), "數位農業生態網");
        assert_eq!(text(&fit_parts(parts(), 9)), "數位農業…");
        assert_eq!(text(&fit_parts(parts(), 3)), "");
        let nums = vec![
            Part::Whole(Span::raw("t12 ")),
            Part::Whole(Span::raw("φ 1.00→0.00")),
        ];
        assert_eq!(text(&fit_parts(nums, 10)), "t12 ");
        let keyed = || {
            vec![
                Part::Whole(Span::raw("t21 ")),
                Part::Cut(Span::raw("Wholesaler")),
                Part::Key(Span::raw(" φ 1.00→0.00")),
                Part::Cut(Span::raw(" failure")),
            ]
        };
        assert_eq!(
            text(&fit_parts(keyed(), 40)),
            "t21 Wholesaler φ 1.00→0.00 failure"
        );
        assert_eq!(text(&fit_parts(keyed(), 26)), "t21 Wholesaler φ 1.00→0.00");
        assert_eq!(text(&fit_parts(keyed(), 22)), "t21 Whole… φ 1.00→0.00");
        assert_eq!(text(&fit_parts(keyed(), 18)), "t21 Wholesaler");
        assert_eq!(
            text(&fit_parts(keyed(), 32)),
            "t21 Wholesaler φ 1.00→0.00 fail…"
        );
        for w in 0..40 {
            assert!(fit_parts(keyed(), w).width() <= w);
        }
    }
}
