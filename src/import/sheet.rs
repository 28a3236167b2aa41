//! Excel (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`) and OpenDocument (`.ods`)
//! workbooks, read by `calamine`: sheets `nodes` and `links` (names
//! case-insensitive) with the same columns as the CSV tables, or one sheet
//! with a `kind` column (or the first sheet, classified by its header).
//! Errors name the sheet, the 1-based row and column and the cell (`C4`).

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::csv::MAX_COLUMNS;
use super::model::{Cell, Kind, Place, Record, Source, Table, Value};
use crate::scenario::InputError;

/// Most cells read from one sheet (200,000 nodes × 50 columns).
pub const MAX_CELLS: usize = 10_000_000;

/// `C4` for 0-based row 3, column 2.
pub fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push(char::from(b'A' + r as u8));
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

fn value(d: &Data) -> Value {
    match d {
        Data::Int(i) => Value::Int(*i),
        Data::Float(x) => Value::Float(*x),
        Data::String(s) => Value::Text(s.trim().to_string()),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(t) => Value::Float(t.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Text(format!("#{e:?}")),
        Data::Empty => Value::Text(String::new()),
    }
}

/// Read the node and link sheets of a workbook.
pub fn read(origin: &str, bytes: &[u8]) -> Result<Vec<Table>, InputError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        InputError::whole(
            origin,
            "",
            format!("cannot read the workbook: {e}; expected an .xlsx, .xls, .xlsb or .ods file"),
        )
    })?;
    let names = book.sheet_names();
    let find = |want: &[&str]| {
        names
            .iter()
            .find(|n| want.iter().any(|w| n.trim().eq_ignore_ascii_case(w)))
            .cloned()
    };
    let nodes = find(&["nodes", "node", "sites"]);
    let links = find(&["links", "link", "edges", "lanes"]);
    let chosen: Vec<String> = match (nodes, links) {
        (None, None) => names.first().cloned().into_iter().collect(),
        (n, l) => n.into_iter().chain(l).collect(),
    };
    if chosen.is_empty() {
        return Err(InputError::whole(origin, "", "the workbook has no sheets"));
    }
    let mut tables = Vec::new();
    for name in chosen {
        let sheet_origin = format!("{origin} (sheet {name})");
        let range = book.worksheet_range(&name).map_err(|e| {
            InputError::whole(&sheet_origin, "", format!("cannot read the sheet: {e}"))
        })?;
        tables.push(table(&sheet_origin, &range)?);
    }
    Ok(tables)
}

fn table(origin: &str, range: &calamine::Range<Data>) -> Result<Table, InputError> {
    let source = Source {
        origin: origin.to_string(),
        text: None,
    };
    let (top, left) = range.start().unwrap_or((0, 0));
    if range.width() > MAX_COLUMNS || range.width().saturating_mul(range.height()) > MAX_CELLS {
        return Err(source.err(&Place::default(), "", format!(
            "the sheet is {} × {} cells; at most {MAX_COLUMNS} columns and {MAX_CELLS} cells are read",
            range.height(), range.width()
        )));
    }
    let place = |r: usize, c: usize| {
        let (row, col) = (top + r as u32, left + c as u32);
        Place {
            line: row as usize + 1,
            column: col as usize + 1,
            span: None,
            path: Some(format!("cell {}", cell_name(row, col))),
        }
    };
    let mut header: Vec<String> = Vec::new();
    let mut records = Vec::new();
    for (r, row) in range.rows().enumerate() {
        if header.is_empty() {
            if row.iter().all(|d| value(d).is_blank()) {
                continue; // blank rows above the header
            }
            for (c, d) in row.iter().enumerate() {
                let name = value(d).to_string().trim().to_string();
                let name = if name.is_empty() {
                    format!("column {}", c + 1)
                } else {
                    name
                };
                if let Some(j) = header.iter().position(|h| h.eq_ignore_ascii_case(&name)) {
                    return Err(source.err(
                        &place(r, c),
                        &name,
                        format!(
                            "column {name:?} appears twice (columns {} and {}); keep one",
                            j + 1,
                            c + 1
                        ),
                    ));
                }
                header.push(name);
            }
            continue;
        }
        if row.iter().all(|d| value(d).is_blank()) {
            continue;
        }
        let cells = row
            .iter()
            .enumerate()
            .map(|(c, d)| Cell {
                name: header[c].clone(),
                value: value(d),
                place: place(r, c),
            })
            .collect();
        records.push(Record {
            kind: Kind::ByHeader,
            place: place(r, 0),
            cells,
        });
    }
    Table::by_header(source, header, records, "sheet")
}

#[cfg(test)]
mod tests {
    #[test]
    fn cell_names_are_spreadsheet_style() {
        assert_eq!(super::cell_name(0, 0), "A1");
        assert_eq!(super::cell_name(3, 2), "C4");
        assert_eq!(super::cell_name(9, 25), "Z10");
        assert_eq!(super::cell_name(0, 26), "AA1");
        assert_eq!(super::cell_name(0, 701), "ZZ1");
        assert_eq!(super::cell_name(0, 702), "AAA1");
    }
}
