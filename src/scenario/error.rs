//! Input errors that point at the offending place in a scenario file.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

/// A problem with user input (a scenario file or a `--shock` argument).
///
/// Carries the origin (file path or argument), the 1-based line and column,
/// the field, and what was expected. `Display` prints
/// `origin:line:col: field: message` followed by the source line with a caret.
#[derive(Debug, Clone)]
pub struct InputError {
    /// File path, built-in scenario name, or command-line argument.
    pub origin: String,
    /// 1-based line of the offending text (0 when no position is known).
    pub line: usize,
    /// 1-based column, in characters (0 when no position is known).
    pub column: usize,
    /// Dotted path of the offending field, e.g. `topology.node.failure_rate`.
    pub field: String,
    /// What was wrong and what was expected.
    pub message: String,
    source: Option<(Arc<str>, Range<usize>)>,
}

/// `x` for a message or a summary line: what `{}` prints (shortest digits
/// that read back as `x`), but in exponent form (`1e308`, `5e-324`) when
/// plain digits would run long: |x| ≥ 1e16 or 0 < |x| < 1e-6. Ordinary
/// numbers keep their text (`1000000000000000`, `0.05`, `2.5`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0.abs();
        if self.0.is_finite() && a != 0.0 && !(1e-6..1e16).contains(&a) {
            write!(f, "{:e}", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// Replace control characters by `\u00XX` so hostile input cannot drive the terminal.
fn printable(s: String) -> String {
    if !s.chars().any(char::is_control) {
        return s;
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{:04x}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl InputError {
    /// An error located at byte range `span` of `source`.
    pub fn at(
        origin: &str,
        source: &Arc<str>,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let start = span.start.min(source.len());
        let end = span.end.clamp(start, source.len());
        let (line, column) = line_column(source, start);
        InputError {
            origin: origin.to_string(),
            line,
            column,
            field: printable(field.into()),
            message: printable(message.into()),
            source: Some((Arc::clone(source), start..end)),
        }
    }

    /// An error at a known 1-based line and column whose text is not at hand
    /// (e.g. a cell of a binary spreadsheet).
    pub fn at_position(
        origin: &str,
        line: usize,
        column: usize,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            line,
            column,
            ..InputError::whole(origin, field, message)
        }
    }

    /// An error with no position (e.g. the file is not UTF-8).
    pub fn whole(origin: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            origin: origin.to_string(),
            line: 0,
            column: 0,
            field: printable(field.into()),
            message: printable(message.into()),
            source: None,
        }
    }

    /// The one-line summary: `origin:line:col: field: message`.
    pub fn summary(&self) -> String {
        let place = if self.line > 0 {
            format!("{}:{}:{}", self.origin, self.line, self.column)
        } else {
            self.origin.clone()
        };
        if self.field.is_empty() {
            format!("{place}: {}", self.message)
        } else {
            format!("{place}: {}: {}", self.field, self.message)
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())?;
        if let Some((source, span)) = &self.source {
            // Show the offending line only (long files stay readable).
            let line_start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = source[span.start..]
                .find('\n')
                .map_or(source.len(), |i| span.start + i);
            // Control characters would drive the terminal: show same-width stand-ins.
            let text: String = source[line_start..line_end]
                .chars()
                .map(|c| match c {
                    '\t' => c,
                    c if c.is_control() && c.len_utf8() == 1 => '?',
                    c if c.is_control() => '¿',
                    c => c,
                })
                .collect();
            let text = text.as_str();
            let local = (span.start - line_start)..(span.end.min(line_end) - line_start);
            let local = if local.is_empty() {
                local.start
                    ..(local.start + text[local.start..].chars().next().map_or(0, char::len_utf8))
            } else {
                local
            };
            let report = &[Level::ERROR.primary_title(self.field.as_str()).element(
                Snippet::source(text)
                    .line_start(self.line)
                    .path(self.origin.as_str())
                    .annotation(
                        AnnotationKind::Primary
                            .span(local)
                            .label(self.message.as_str()),
                    ),
            )];
            let rendered = Renderer::plain().render(report);
            // Skip the renderer's title line: the summary above already says it.
            for l in rendered.lines().skip(1) {
                write!(f, "\n{l}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// 1-based line and character column of byte offset `pos` in `text`.
pub fn line_column(text: &str, pos: usize) -> (usize, usize) {
    let pos = floor_char_boundary(text, pos.min(text.len()));
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..pos].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut pos: usize) -> usize {
    while pos > 0 && !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// Best-effort dotted field path for a byte offset in a TOML document:
/// the last `[table]`/`[[array]]` header before it plus the key on its line.
pub fn field_at(text: &str, pos: usize) -> String {
    let pos = floor_char_boundary(text, pos.min(text.len()));
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    let line = &text[line_start..line_end];
    // The last table header before this line, skipping multi-line strings.
    let mut header = None;
    let mut in_string: Option<&str> = None;
    for l in text[..line_start].lines() {
        for delim in ["\"\"\"", "\'\'\'"] {
            let count = l.matches(delim).count();
            if count % 2 == 1 {
                in_string = match in_string {
                    Some(d) if d == delim => None,
                    None => Some(delim),
                    other => other,
                };
            }
        }
        if in_string.is_none()
            && let Some(h) = header_name(l)
        {
            header = Some(h);
        }
    }
    if let Some(h) = header_name(line) {
        return h;
    }
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .filter(|k| !k.is_empty() && !k.contains(char::is_whitespace));
    match (header, key) {
        (Some(h), Some(k)) => format!("{h}.{k}"),
        (Some(h), None) => h,
        (None, Some(k)) => k,
        (None, None) => String::new(),
    }
}

/// The byte offset of the innermost value bracket (`[` of an array, `{` of
/// an inline table) that is open at `pos` and still open at the end of
/// `text`, when it was opened on an earlier line than `pos`: the bracket a
/// syntax error at `pos` really comes from (`name = ["a"` and then
/// `sector = …` on the next line is reported by the parser at `sector`).
/// Strings (basic, literal, multi-line) and comments are skipped; table
/// headers (`[x]`, `[[x]]` at the start of a line, outside any value) are not
/// value brackets. Best effort: `None` when nothing is left open.
pub fn unclosed_bracket(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    // The innermost bracket open at `pos`, by its index in `open`.
    let mut at_pos: Option<(usize, usize)> = None;
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        if at_pos.is_none() && i >= pos {
            at_pos = open.last().map(|&b| (open.len() - 1, b));
        }
        let c = bytes[i];
        if line_start && open.is_empty() {
            let rest = &text[i..];
            let trimmed = rest.trim_start_matches([' ', '\t']);
            if trimmed.starts_with('[') {
                // A table header: skip to the end of its line.
                i = rest.find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
        }
        line_start = c == b'\n';
        match c {
            b'#' => {
                // To the newline, which then starts the next line.
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'"' | b'\'' => {
                let triple = text[i..].starts_with(if c == b'"' { "\"\"\"" } else { "\'\'\'" });
                let delim = if triple { 3 } else { 1 };
                let mut j = i + delim;
                loop {
                    if j >= bytes.len() {
                        break;
                    }
                    let d = bytes[j];
                    if c == b'"' && d == b'\\' {
                        j += 2;
                        continue;
                    }
                    if !triple && d == b'\n' {
                        break;
                    }
                    if d == c && (!triple || text[j..].starts_with(&text[i..i + 3])) {
                        j += delim;
                        break;
                    }
                    j += 1;
                }
                i = j;
                continue;
            }
            b'[' | b'{' => open.push(i),
            b']' | b'}' => {
                open.pop();
                if let Some((depth, _)) = at_pos
                    && open.len() <= depth
                {
                    // The bracket open at `pos` was closed after all.
                    return None;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let (_, b) = at_pos.or_else(|| open.last().map(|&b| (open.len() - 1, b)))?;
    let same_line = !text[b..pos.min(text.len()).max(b)].contains('\n');
    (!same_line).then_some(b)
}

/// `scenario` for `[scenario]`, `topology.node` for `[[topology.node]]  # comment`.
fn header_name(line: &str) -> Option<String> {
    let l = line.trim_start();
    if !l.starts_with('[') {
        return None;
    }
    // An unclosed header (a truncated file) still names its table.
    let close = l.find([']', '#']).unwrap_or(l.len());
    let name = l[..close].trim_start_matches('[').trim();
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        let text = "a = 1\nb = \"台灣\" x\n";
        let pos = text.find('x').expect("x present");
        assert_eq!(line_column(text, pos), (2, 10));
        assert_eq!(line_column(text, 0), (1, 1));
    }

    #[test]
    fn unclosed_bracket_is_found_before_the_next_key() {
        let text =
            "[scenario]\nname = [\"a\"\nsector = \"agriculture\"\n[[topology]]\nid = \"x\"\n";
        let pos = text.find("sector").expect("key");
        let b = unclosed_bracket(text, pos).expect("the [ of name");
        assert_eq!(
            b,
            text.find('[')
                .map(|_| text.find("= [").expect("x") + 2)
                .expect("x")
        );
        assert_eq!(field_at(text, b), "scenario.name");
        // A closed multi-line array, strings with brackets and comments are not unclosed.
        let ok = "a = [\n  \"]\", # ] [\n  1x,\n]\nb = '['\n";
        assert_eq!(unclosed_bracket(ok, ok.find("1x").expect("x")), None);
        // An error on the bracket's own line is the parser's own business.
        // A header after a comment line is a header, not an open bracket.
        let commented = "x = 1 # note\n[scenario]\nname = [\n";
        let b = unclosed_bracket(commented, commented.len()).expect("name's [");
        assert_eq!(field_at(commented, b), "scenario.name");
        let same = "a = [1 2]\n";
        assert_eq!(unclosed_bracket(same, same.find('2').expect("x")), None);
    }

    #[test]
    fn field_path_uses_last_header() {
        let text = "[scenario]\nname = 1\n[[topology.node]]\nid = \"a\"\ncapacity = -1\n";
        let pos = text.find("-1").expect("value present");
        assert_eq!(field_at(text, pos), "topology.node.capacity");
        assert_eq!(
            field_at(text, text.find("name").expect("key")),
            "scenario.name"
        );
    }

    #[test]
    fn display_shows_caret_under_value() {
        let src: Arc<str> = Arc::from("[defaults]\nfailure_rate = 1.5\n");
        let at = src.find("1.5").expect("value");
        let e = InputError::at(
            "f.toml",
            &src,
            at..at + 3,
            "defaults.failure_rate",
            "expected [0, 1)",
        );
        let shown = e.to_string();
        assert!(
            shown.starts_with("f.toml:2:16: defaults.failure_rate: expected [0, 1)"),
            "{shown}"
        );
        assert!(shown.contains("failure_rate = 1.5"), "{shown}");
        assert!(shown.contains("^^^"), "{shown}");
    }
}
