//! One escaping layer per output medium. Everything that comes from a
//! scenario file (names, labels, lessons, descriptions, node ids) and every
//! echoed command-line value is *text*: it must never become markup, a
//! terminal command or invalid XML.
//!
//! | medium              | function                                   | what happens                         |
//! |---------------------|--------------------------------------------|--------------------------------------|
//! | terminal (a field)  | [`visible`]                                | unsafe chars → `\u001b`              |
//! | terminal (a report) | [`terminal`]                               | same, but keeps `\n`                 |
//! | HTML, SVG, XML      | [`html`]                                   | `& < > " '` → entities, unsafe → `\u001b` |
//! | Markdown            | [`markdown_inline`], [`markdown_block`]    | punctuation backslash-escaped, unsafe → `\u001b` |
//! | JSON                | [`json`]                                   | C1, DEL and bidi chars → `\u009b` escapes |
//! | CSV                 | [`visible`] in `csv_field`                 | unsafe → `\u001b`, formula cells get `'`, RFC 4180 quoting |
//! | GraphML, DOT        | `graph::graphml::xml_escape`, `graph::dot::quote` | DEL, C1, bidi → `&#x202E;`, C0 and noncharacters → space |
//! | TUI                 | `tui::text::clean`                         | unsafe → space                       |
//!
//! *Unsafe* ([`is_unsafe`]) means every Unicode control character (C0 with
//! `\t`, `\n`, `\r`, DEL and C1 — `U+009B` is a one-byte CSI on some
//! terminals), the bidirectional overrides and isolates that reorder what a
//! reader sees (“Trojan source”), the line/paragraph separators and the
//! noncharacters ([`is_noncharacter`]; XML cannot hold `U+FFFE`).
//! Invariant: the output of [`visible`], [`html`] and the Markdown functions
//! contains no unsafe character; [`terminal`] contains none but `\n`; the
//! replacement `\uXXXX` is plain ASCII, so it is valid XML 1.0 and inert on a
//! terminal. Text without unsafe characters passes through [`visible`] and
//! [`terminal`] unchanged (byte-identical output for ordinary files).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is a Unicode noncharacter: `U+FDD0..=U+FDEF` and the last
/// two code points of every plane (`U+FFFE`, `U+FFFF`, `U+1FFFE`, …). They
/// are not text for interchange, and XML 1.0 forbids `U+FFFE`/`U+FFFF`
/// even as a character reference, so an SVG or GraphML holding one does
/// not parse.
pub fn is_noncharacter(c: char) -> bool {
    let u = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&u) || u & 0xFFFE == 0xFFFE
}

/// Whether `c` must not reach an output as itself: a control character, a
/// bidi override/isolate/mark, a Unicode line/paragraph separator or a
/// noncharacter ([`is_noncharacter`]).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || is_noncharacter(c)
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

fn push_visible(out: &mut String, c: char) {
    if u32::from(c) > 0xFFFF {
        // Beyond the BMP (a noncharacter such as U+1FFFE): eight digits,
        // so the text after it cannot be read as a fifth.
        let _ = write!(out, "\\U{:08x}", u32::from(c));
    } else {
        let _ = write!(out, "\\u{:04x}", u32::from(c));
    }
}

fn replace_unsafe(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) && !keep(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One field for a terminal or a one-line context: every unsafe character
/// (newlines included) written as `\uXXXX`.
pub fn visible(s: &str) -> Cow<'_, str> {
    replace_unsafe(s, |_| false)
}

/// A whole report meant for a terminal: like [`visible`] but line breaks
/// stay. chainmesh's own text never contains other control characters, so
/// this is a last line of defence for every field of a terminal format.
pub fn terminal(s: &str) -> Cow<'_, str> {
    replace_unsafe(s, |c| c == '\n')
}

/// [`terminal`] on bytes (a UTF-8 report; invalid UTF-8 is left alone).
pub fn terminal_bytes(bytes: Vec<u8>) -> Vec<u8> {
    match std::str::from_utf8(&bytes) {
        Ok(s) => match terminal(s) {
            Cow::Borrowed(_) => bytes,
            Cow::Owned(o) => o.into_bytes(),
        },
        Err(_) => bytes,
    }
}

/// Text for HTML, SVG or any XML: the five markup characters as entities,
/// unsafe characters (which XML 1.0 forbids even as references) as `\uXXXX`.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_unsafe(c) => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Characters backslash-escaped in Markdown text: everything that can start
/// emphasis, code, a link, an image, raw HTML, a heading or a table cell.
/// (`&` is escaped only where it could start an entity: before a letter,
/// digit or `#`.)
const MARKDOWN_SPECIAL: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '#', '|', '!'];

/// One line of plain text inside Markdown (a heading, a table cell, a
/// sentence): cannot open markup, and line breaks become `\u000a`.
pub fn markdown_inline(s: &str) -> String {
    escape_markdown(s, MARKDOWN_SPECIAL)
}

fn escape_markdown(s: &str, special: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let entity = c == '&' && next.is_some_and(|n| n.is_alphanumeric() || n == '#');
        // `white_label`: an underscore inside a word cannot start emphasis
        // (CommonMark), so ids keep their bytes.
        let intraword = c == '_'
            && prev.is_some_and(char::is_alphanumeric)
            && next.is_some_and(char::is_alphanumeric);
        prev = Some(c);
        if (special.contains(&c) && !intraword) || entity {
            out.push('\\');
            out.push(c);
        } else if is_unsafe(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// A paragraph of plain text inside Markdown (a description, a lesson):
/// line breaks kept, each line escaped as [`markdown_inline`], and a line
/// that would start a block (list item, heading underline, quote, code
/// block, thematic break) has its first character escaped. Lines are
/// trimmed, so indentation cannot start a code block.
pub fn markdown_block(s: &str) -> String {
    let lines: Vec<String> = s
        .trim()
        .lines()
        .map(|line| {
            let line = line.trim();
            let inside: Vec<char> = MARKDOWN_SPECIAL
                .iter()
                .copied()
                .filter(|&c| c != '>')
                .collect();
            let mut escaped = escape_markdown(line, &inside);
            let first = line.chars().next();
            let numbered = line
                .find(|c: char| !c.is_ascii_digit())
                .filter(|&i| i > 0)
                .and_then(|i| line[i..].chars().next())
                .is_some_and(|c| c == '.' || c == ')');
            if matches!(first, Some('-' | '+' | '=' | '>')) {
                escaped.insert(0, '\\');
            } else if numbered {
                // `1.` / `1)` → `1\.` / `1\)`.
                let i = line.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
                escaped.insert(i, '\\');
            }
            escaped
        })
        .collect();
    lines.join("\n")
}

/// Serialized JSON with the unsafe characters serde_json leaves raw (DEL,
/// C1, bidi, separators) written as `\uXXXX` escapes. Outside strings JSON
/// is ASCII, so every such character is inside a string and the result
/// decodes to the same value.
pub fn json(bytes: Vec<u8>) -> Vec<u8> {
    match String::from_utf8(bytes) {
        Ok(s) => json_text(s).into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

/// [`json`] on serialized JSON text.
pub fn json_text(s: String) -> String {
    if !s.chars().any(is_unsafe_in_json) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe_in_json(c) {
            // Beyond the BMP (a noncharacter such as U+1FFFE): JSON's
            // `\u` escapes are UTF-16 code units, a surrogate pair.
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Unsafe, and not JSON's own whitespace (serde_json already escapes C0
/// inside strings; `\n` between tokens is layout).
fn is_unsafe_in_json(c: char) -> bool {
    is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t' | ' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\u{1b}]0;title\u{7}b\u{1b}[2J\u{9b}c\u{202e}d\u{7f}\te\nf";

    #[test]
    fn visible_leaves_no_unsafe_char_and_keeps_plain_text() {
        let v = visible(HOSTILE);
        assert!(!v.chars().any(is_unsafe), "{v}");
        assert!(v.contains("\\u001b]0;title\\u0007"));
        assert!(v.contains("\\u202e"));
        assert!(matches!(visible("Farm → table (ok)"), Cow::Borrowed(_)));
    }

    #[test]
    fn terminal_keeps_only_newlines() {
        let t = terminal(HOSTILE);
        assert_eq!(
            t.chars().filter(|&c| is_unsafe(c)).collect::<String>(),
            "\n"
        );
    }

    #[test]
    fn html_is_valid_xml_text() {
        let h = html(&format!("<img src=x onerror=alert(1)>&'\"{HOSTILE}"));
        assert!(!h.contains('<') && !h.contains('>'));
        let doc = format!("<r a=\"{h}\">{h}</r>");
        let parsed = roxmltree::Document::parse(&doc).expect("valid XML");
        assert!(
            parsed
                .root_element()
                .text()
                .unwrap_or("")
                .contains("onerror")
        );
    }

    #[test]
    fn markdown_text_renders_as_the_same_text() {
        for s in [
            "<script>alert(1)</script>",
            "**bold** _x_ [l](http://e) ![i](x.png) `c` &lt; a|b white_label _y_z_",
            "# not a heading",
        ] {
            let md = markdown_inline(s);
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&md));
            let html = html.trim();
            let inner = html
                .strip_prefix("<p>")
                .and_then(|h| h.strip_suffix("</p>"))
                .unwrap_or(html);
            assert_eq!(inner, html_escape_like_pulldown(s), "{s:?} → {md:?}");
        }
    }

    fn html_escape_like_pulldown(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    #[test]
    fn markdown_block_cannot_start_blocks() {
        let md = markdown_block("- item\n1. one\n    code\n===\n> quote\n<div>");
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&md));
        for tag in ["<ul", "<ol", "<pre", "<h1", "<blockquote", "<div"] {
            assert!(!html.contains(tag), "{tag} in {html}");
        }
    }

    #[test]
    fn json_escapes_c1_and_bidi_and_decodes_to_the_same_string() {
        let raw = serde_json::to_vec(&serde_json::json!({ "name": HOSTILE })).expect("json");
        let safe = json(raw);
        let text = std::str::from_utf8(&safe).expect("utf8");
        assert!(!text.chars().any(is_unsafe), "{text}");
        let back: serde_json::Value = serde_json::from_slice(&safe).expect("decode");
        assert_eq!(back["name"], HOSTILE);
    }
}
