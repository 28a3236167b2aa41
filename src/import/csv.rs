//! CSV (and `;`- or tab-separated) tables: a header row of field names, then
//! one node or link per row. Parsed by the `csv` crate; every cell keeps its
//! line, column and byte range so errors can show it with a caret.

use std::ops::Range;
use std::sync::Arc;

use super::model::{Cell, CellBudget, Kind, Place, Record, Source, Table, Value};
use crate::scenario::InputError;

/// Most columns read from one table.
pub const MAX_COLUMNS: usize = 1000;

/// The delimiter of the header line: the most frequent of `,` `;` and tab
/// outside quotes (`,` on a tie or when none occurs).
fn delimiter(text: &str) -> u8 {
    let first = first_record(text);
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in first.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    [b',', b';', b'\t'][best]
}

fn first_record(text: &str) -> &str {
    let mut quoted = false;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return &text[..i],
            _ => {}
        }
    }
    text
}

/// Byte ranges of the fields of the record starting at `start` (quotes included).
fn field_spans(text: &str, start: usize, delim: u8) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut quoted = false;
    let mut field_start = start;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && b == delim {
            spans.push(field_start..i);
            field_start = i + 1;
        } else if !quoted && (b == b'\n' || b == b'\r') {
            break;
        }
        i += 1;
    }
    spans.push(field_start..i);
    spans
}

/// Place of a byte range of `text`. Line and column are worked out only if
/// an error is reported there (from the span), so reading stays linear.
pub fn place_of(_text: &str, span: Range<usize>) -> Place {
    Place {
        span: Some(span),
        ..Place::default()
    }
}

/// The byte offset of a quote that opens a field and is never closed, read
/// as the `csv` crate reads (a quote opens quoting only at the start of a
/// field; `""` inside quotes is a quote). The crate takes the rest of the file
/// as that one field without a word; this finds it first.
fn unterminated_quote(text: &str, delim: u8) -> Option<usize> {
    #[derive(Clone, Copy)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted(usize),
        QuoteInQuoted(usize),
    }
    let mut state = State::FieldStart;
    for (i, b) in text.bytes().enumerate() {
        state = match (state, b) {
            (State::FieldStart, b'"') => State::Quoted(i),
            (State::Quoted(at), b'"') => State::QuoteInQuoted(at),
            (State::Quoted(at), _) => State::Quoted(at),
            (State::QuoteInQuoted(at), b'"') => State::Quoted(at),
            (_, b'\n' | b'\r') => State::FieldStart,
            (_, b) if b == delim => State::FieldStart,
            _ => State::Unquoted,
        };
    }
    match state {
        State::Quoted(at) => Some(at),
        _ => None,
    }
}

/// Read one CSV table. `origin` names it in errors.
pub fn read(origin: &str, text: &str) -> Result<Table, InputError> {
    read_counted(origin, text, &mut CellBudget::default())
}

/// [`read`], counting its cells into `budget` (see [`super::model::MAX_CELLS`]).
pub fn read_counted(
    origin: &str,
    text: &str,
    budget: &mut CellBudget,
) -> Result<Table, InputError> {
    let text: Arc<str> = Arc::from(text.strip_prefix('\u{feff}').unwrap_or(text));
    let source = Source {
        origin: origin.to_string(),
        text: Some(Arc::clone(&text)),
    };
    let delim = delimiter(&text);
    if let Some(at) = unterminated_quote(&text, delim) {
        return Err(source.err(
            &place_of(&text, at..at + 1),
            "",
            "unterminated quote: this field opens a quote (\") that is never closed, so the rest of the file would be read as this one cell; close the quote or remove it",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut header: Vec<String> = Vec::new();
    let mut header_spans = Vec::new();
    let mut records = Vec::new();
    for (row, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| {
            let place = e
                .position()
                .map(|p| place_of(&text, p.byte() as usize..p.byte() as usize))
                .unwrap_or_default();
            source.err(&place, "", format!("cannot read this CSV row: {e}"))
        })?;
        let start = rec.position().map_or(0, |p| p.byte() as usize);
        let spans = field_spans(&text, start, delim);
        let cell_place = |i: usize| -> Place {
            let span = spans.get(i).cloned().unwrap_or(start..start);
            place_of(&text, span)
        };
        if row == 0 {
            if rec.len() > MAX_COLUMNS {
                return Err(source.err(
                    &cell_place(MAX_COLUMNS),
                    "",
                    format!("more than {MAX_COLUMNS} columns"),
                ));
            }
            for (i, name) in rec.iter().enumerate() {
                let name = name.trim();
                let name = if name.is_empty() {
                    format!("column {}", i + 1)
                } else {
                    name.to_string()
                };
                if let Some(j) = header
                    .iter()
                    .position(|h: &String| h.eq_ignore_ascii_case(&name))
                {
                    return Err(source.err(
                        &cell_place(i),
                        &name,
                        format!(
                            "column {:?} appears twice (columns {} and {}); keep one",
                            name,
                            j + 1,
                            i + 1
                        ),
                    ));
                }
                header.push(name);
                header_spans.push(cell_place(i));
            }
            continue;
        }
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue; // blank row (spreadsheets pad with ",,,")
        }
        if rec.len() > header.len() && rec.iter().skip(header.len()).any(|c| !c.trim().is_empty()) {
            let i = header.len();
            return Err(source.err(
                &cell_place(i),
                "",
                format!(
                    "this row has {} cells but the header has {} columns; expected at most {}",
                    rec.len(),
                    header.len(),
                    header.len()
                ),
            ));
        }
        budget.take(
            rec.len().min(header.len()),
            &source,
            &place_of(&text, start..start),
            "row",
        )?;
        let cells = rec
            .iter()
            .enumerate()
            .take(header.len())
            .map(|(i, v)| Cell {
                name: header[i].clone(),
                value: Value::Text(v.trim().to_string()),
                place: cell_place(i),
            })
            .collect();
        records.push(Record {
            kind: Kind::ByHeader,
            place: place_of(&text, start..start),
            cells,
        });
    }
    Table::by_header(source, header, records, "file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_know_their_line_and_column() {
        let t = read("n.csv", "id,capacity\na, 5\n\"b,c\",7\n").expect("reads");
        assert_eq!(t.header, ["id", "capacity"]);
        assert_eq!(t.records.len(), 2);
        let c = &t.records[1].cells[1];
        assert_eq!(c.value, Value::Text("7".into()));
        let e = t.source.err(&c.place, "capacity", "x");
        assert_eq!((e.line, e.column), (3, 7));
        assert_eq!(t.records[1].cells[0].value, Value::Text("b,c".into()));
    }

    #[test]
    fn semicolons_and_tabs_are_detected() {
        let t = read("n.csv", "id;capacity\na;5\n").expect("reads");
        assert_eq!(t.records[0].cells[1].value, Value::Text("5".into()));
        let t = read("n.tsv", "id\tcapacity\na\t5\n").expect("reads");
        assert_eq!(t.records[0].cells[1].value, Value::Text("5".into()));
    }

    #[test]
    fn too_many_cells_is_an_error_at_the_cell() {
        let e = read("n.csv", "id,capacity\na,5,9\n").expect_err("rejects");
        assert_eq!((e.line, e.column), (2, 5), "{e}");
    }
}
