//! Excel (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`) and OpenDocument (`.ods`)
//! workbooks, read by `calamine`: sheets `nodes` and `links` (names
//! case-insensitive) with the same columns as the CSV tables, or one sheet
//! with a `kind` column (or the first sheet, classified by its header).
//! Errors name the sheet, the 1-based row and column and the cell (`C4`).

use std::io::{BufReader, Cursor, Read, Seek};

use calamine::{Data, Ods, Reader, Xls, Xlsb, Xlsx};
use zip::ZipArchive;

use super::csv::MAX_COLUMNS;
use super::model::{Cell, CellBudget, Kind, MAX_CELLS, Place, Record, Source, Table, Value};
use crate::scenario::{InputError, MAX_FILE_BYTES};

/// Longest text read from one cell, in characters: a spreadsheet's own
/// limit (Excel and LibreOffice keep at most 32,767 per cell).
pub const MAX_CELL_TEXT: usize = 32_767;

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

/// The place of the cell at 0-based `row`, `col`.
fn cell_place(row: u32, col: u32) -> Place {
    Place {
        line: row as usize + 1,
        column: col as usize + 1,
        span: None,
        path: Some(format!("cell {}", cell_name(row, col))),
    }
}

/// A cell's value; a date is written out (`2024-01-01`, `2024-01-01T08:30:00`)
/// so that it is never read as the day count behind it.
fn value(d: &Data) -> Value {
    match d {
        Data::Int(i) => Value::Int(*i),
        Data::Float(x) => Value::Float(*x),
        Data::String(s) => Value::Text(s.trim().to_string()),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(t) if t.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = t.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                Value::Text(format!("{y:04}-{mo:02}-{d:02}"))
            } else {
                Value::Text(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"))
            }
        }
        Data::DateTime(t) => Value::Float(t.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Text(format!("#{e:?}")),
        Data::Empty => Value::Text(String::new()),
    }
}

/// A workbook opened by the reader of its own format (so its own error is
/// reported, not "cannot detect file format").
enum Book<'a> {
    Xlsx(Xlsx<Cursor<&'a [u8]>>),
    Xlsb(Xlsb<Cursor<&'a [u8]>>),
    Ods(Ods<Cursor<&'a [u8]>>),
    Xls(Xls<Cursor<&'a [u8]>>),
}

impl Book<'_> {
    fn sheet_names(&self) -> Vec<String> {
        match self {
            Book::Xlsx(b) => b.sheet_names(),
            Book::Xlsb(b) => b.sheet_names(),
            Book::Ods(b) => b.sheet_names(),
            Book::Xls(b) => b.sheet_names(),
        }
    }
}

fn cannot(origin: &str, e: impl std::fmt::Display) -> InputError {
    InputError::whole(
        origin,
        "",
        format!("cannot read the workbook: {e}; expected an .xlsx, .xls, .xlsb or .ods file"),
    )
}

/// Refuse a zip whose entries unpack to more than `limit` bytes in all (the
/// sizes it declares; the `zip` crate fails an entry that unpacks to more).
fn unpacked_within<R: Read + Seek>(
    origin: &str,
    zip: &mut ZipArchive<R>,
    limit: u64,
) -> Result<(), InputError> {
    let mut total = 0u64;
    let mut largest = (0u64, String::new());
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| cannot(origin, e))?;
        total = total.saturating_add(entry.size());
        if entry.size() > largest.0 {
            largest = (
                entry.size(),
                entry.name().map(|n| n.into_owned()).unwrap_or_default(),
            );
        }
    }
    if total > limit {
        let mib = |b: u64| b.div_ceil(1 << 20);
        return Err(InputError::whole(
            origin,
            "",
            format!(
                "the workbook unpacks to {} MiB ({} alone is {} MiB); at most {} MiB is read",
                mib(total),
                largest.1,
                mib(largest.0),
                limit >> 20
            ),
        ));
    }
    Ok(())
}

/// Open a workbook. A zip (`.xlsx`, `.xlsm`, `.xlsb`, `.ods`) is first
/// checked for what it unpacks to: at most [`MAX_FILE_BYTES`] in all (the
/// sizes the zip declares, which the `zip` crate holds each entry to), and
/// for an `.ods` at most [`MAX_CELLS`] cells, counted from `content.xml`
/// before calamine expands its repeated rows and cells.
fn open<'a>(origin: &str, bytes: &'a [u8]) -> Result<Book<'a>, InputError> {
    let cursor = Cursor::new(bytes);
    if !bytes.starts_with(b"PK") {
        return Xls::new(cursor)
            .map(Book::Xls)
            .map_err(|e| cannot(origin, e));
    }
    let mut zip = ZipArchive::new(cursor.clone()).map_err(|e| cannot(origin, e))?;
    unpacked_within(origin, &mut zip, MAX_FILE_BYTES)?;
    if zip.index_for_name("mimetype").is_some() {
        if let Ok(content) = zip.by_name("content.xml") {
            ods_prescan(origin, content)?;
        }
        return Ods::new(cursor)
            .map(Book::Ods)
            .map_err(|e| cannot(origin, e));
    }
    if zip.index_for_name("xl/workbook.bin").is_some() {
        return Xlsb::new(cursor)
            .map(Book::Xlsb)
            .map_err(|e| cannot(origin, e));
    }
    Xlsx::new(cursor)
        .map(Book::Xlsx)
        .map_err(|e| cannot(origin, e))
}

/// The size of a sheet so far, from its non-empty cells.
#[derive(Debug, Default)]
struct Extent {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Extent {
    fn height(&self) -> usize {
        self.rows.map_or(0, |(a, b)| (b - a) as usize + 1)
    }

    fn width(&self) -> usize {
        self.cols.map_or(0, |(a, b)| (b - a) as usize + 1)
    }

    /// Take in the cell at `row`, `col`; an error once the sheet is wider
    /// than [`MAX_COLUMNS`] or larger than [`MAX_CELLS`].
    fn add(&mut self, source: &Source, row: u32, col: u32) -> Result<(), InputError> {
        let grow =
            |r: Option<(u32, u32)>, x: u32| Some(r.map_or((x, x), |(a, b)| (a.min(x), b.max(x))));
        self.rows = grow(self.rows, row);
        self.cols = grow(self.cols, col);
        self.check(source, &cell_place(row, col))
    }

    fn check(&self, source: &Source, place: &Place) -> Result<(), InputError> {
        let (h, w) = (self.height(), self.width());
        if w > MAX_COLUMNS || w.saturating_mul(h) > MAX_CELLS {
            return Err(source.err(
                place,
                "",
                format!(
                    "the sheet is at least {h} × {w} cells; at most {MAX_COLUMNS} columns and {MAX_CELLS} cells are read"
                ),
            ));
        }
        Ok(())
    }
}

/// Cells streamed from a sheet, kept while the sheet stays within the limits.
#[derive(Default)]
struct Sparse {
    extent: Extent,
    cells: Vec<calamine::Cell<Data>>,
}

impl Sparse {
    fn push(&mut self, source: &Source, (row, col): (u32, u32), d: Data) -> Result<(), InputError> {
        if d == Data::Empty {
            return Ok(());
        }
        self.extent.add(source, row, col)?;
        self.cells.push(calamine::Cell::new((row, col), d));
        Ok(())
    }

    /// The range calamine's `worksheet_range` gives for the same cells.
    fn range(self) -> calamine::Range<Data> {
        calamine::Range::from_sparse(self.cells)
    }
}

/// An error at a formula cell that has no computed value: the file was
/// written by a program that does not calculate (the value would be empty).
fn uncomputed(source: &Source, row: u32, col: u32, formula: Option<&str>) -> InputError {
    let which = formula.map_or_else(|| "a formula".to_string(), |f| format!("the formula ={f}"));
    source.err(
        &cell_place(row, col),
        "",
        format!(
            "{which} has no computed value saved in the file; open and save the workbook in Excel or LibreOffice (which store the values), or type the value"
        ),
    )
}

fn xlsx_sheet(
    book: &mut Xlsx<Cursor<&[u8]>>,
    source: &Source,
    name: &str,
) -> Result<calamine::Range<Data>, InputError> {
    use calamine::XlsxFormulaMetadata as F;
    let cant = |e: calamine::XlsxError| {
        InputError::whole(&source.origin, "", format!("cannot read the sheet: {e}"))
    };
    let mut reader = match book.worksheet_cells_reader(name) {
        Ok(r) => r,
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(calamine::Range::default()),
        Err(e) => return Err(cant(e)),
    };
    let mut sparse = Sparse::default();
    while let Some(c) = reader.next_cell_with_formula_metadata().map_err(cant)? {
        let d = Data::from(c.value);
        if d == Data::Empty
            && let Some(f) = &c.formula
        {
            let text = match f {
                F::Normal { formula } | F::Shared { formula, .. } => Some(formula.as_str()),
                _ => None,
            };
            return Err(uncomputed(source, c.pos.0, c.pos.1, text));
        }
        sparse.push(source, c.pos, d)?;
    }
    Ok(sparse.range())
}

fn xlsb_sheet<RS: Read + Seek>(
    book: &mut Xlsb<RS>,
    source: &Source,
    name: &str,
) -> Result<calamine::Range<Data>, InputError> {
    let cant = |e: calamine::XlsbError| {
        InputError::whole(&source.origin, "", format!("cannot read the sheet: {e}"))
    };
    let mut reader = book.worksheet_cells_reader(name).map_err(cant)?;
    let mut sparse = Sparse::default();
    while let Some(c) = reader.next_cell().map_err(cant)? {
        sparse.push(source, c.get_position(), Data::from(c.get_value().clone()))?;
    }
    Ok(sparse.range())
}

fn ods_sheet<RS: Read + Seek>(
    book: &mut Ods<RS>,
    source: &Source,
    name: &str,
) -> Result<calamine::Range<Data>, InputError> {
    let cant = |e: calamine::OdsError| {
        InputError::whole(&source.origin, "", format!("cannot read the sheet: {e}"))
    };
    let range = book.worksheet_range(name).map_err(cant)?;
    let formulas = book.worksheet_formula(name).map_err(cant)?;
    for (r, c, f) in formulas.used_cells() {
        if f.is_empty() {
            continue;
        }
        let (top, left) = formulas.start().unwrap_or((0, 0));
        let (row, col) = (top + r as u32, left + c as u32);
        if matches!(range.get_value((row, col)), None | Some(Data::Empty)) {
            let f = f.strip_prefix("of:").unwrap_or(f);
            return Err(uncomputed(
                source,
                row,
                col,
                Some(f.strip_prefix('=').unwrap_or(f)),
            ));
        }
    }
    Ok(range)
}

/// Most rows and columns calamine reads from an `.ods` sheet.
const ODS_MAX_ROWS: usize = 1_048_576;
const ODS_MAX_COLUMNS: usize = 16_384;

/// One `<table:table>` of an `.ods` `content.xml`, measured as calamine
/// would build it: the cells it stores while reading (non-empty cells and
/// the empty ones between them, repeats expanded) and the rectangle it then
/// fills (rows between the first and last non-empty row, repeats expanded).
#[derive(Default)]
struct OdsTable {
    name: String,
    rows: usize,
    stored: usize,
    /// Rows from the first non-empty row through the last one.
    used_rows: usize,
    /// Repeated rows since the last non-empty row.
    pending_rows: usize,
    cols: Option<(usize, usize)>,
    // The row being read.
    row_repeats: usize,
    row_len: usize,
    row_pending_empty: usize,
    row_cols: Option<(usize, usize)>,
}

impl OdsTable {
    fn start_row(&mut self, repeats: usize) {
        let repeats = repeats.min(ODS_MAX_ROWS.saturating_sub(self.rows));
        self.rows += repeats;
        self.row_repeats = repeats;
        self.row_len = 0;
        self.row_pending_empty = 0;
        self.row_cols = None;
    }

    fn cell(&mut self, repeats: usize, non_empty: bool) {
        if !non_empty {
            self.row_pending_empty = self
                .row_pending_empty
                .saturating_add(repeats)
                .min(ODS_MAX_COLUMNS);
            return;
        }
        let empties = self.row_pending_empty.min(ODS_MAX_COLUMNS - self.row_len);
        self.row_len += empties;
        self.row_pending_empty = 0;
        let n = repeats.min(ODS_MAX_COLUMNS - self.row_len);
        if n > 0 {
            let (a, b) = (self.row_len, self.row_len + n - 1);
            self.row_cols = Some(self.row_cols.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
        }
        self.row_len += n;
    }

    fn end_row(&mut self) {
        self.stored = self.stored.saturating_add(self.row_len);
        match self.row_cols {
            Some((a, b)) => {
                self.cols = Some(self.cols.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
                if self.used_rows > 0 {
                    self.used_rows = self.used_rows.saturating_add(self.pending_rows);
                }
                self.used_rows = self.used_rows.saturating_add(self.row_repeats);
                self.pending_rows = 0;
            }
            None => self.pending_rows = self.pending_rows.saturating_add(self.row_repeats),
        }
    }

    fn cells(&self) -> usize {
        let width = self.cols.map_or(0, |(a, b)| b - a + 1);
        self.used_rows.saturating_mul(width).max(self.stored)
    }

    fn check(&self, origin: &str, all: usize) -> Result<(), InputError> {
        let width = self.cols.map_or(0, |(a, b)| b - a + 1);
        let sheet = format!("{origin} (sheet {})", self.name);
        if width > MAX_COLUMNS || self.cells() > MAX_CELLS {
            return Err(InputError::whole(
                &sheet,
                "",
                format!(
                    "the sheet is at least {} × {width} cells (repeated rows and cells counted); at most {MAX_COLUMNS} columns and {MAX_CELLS} cells are read",
                    self.used_rows
                ),
            ));
        }
        if all > MAX_CELLS {
            return Err(InputError::whole(
                &sheet,
                "",
                format!(
                    "the workbook's sheets hold at least {all} cells in all (every sheet of an .ods is read); at most {MAX_CELLS} cells are read"
                ),
            ));
        }
        Ok(())
    }
}

/// Measure every sheet of an `.ods` from its `content.xml`, streamed, and
/// refuse one that calamine would expand past the limits. XML errors are
/// left to calamine, which reports them.
fn ods_prescan(origin: &str, content: impl Read) -> Result<(), InputError> {
    use quick_xml::events::{BytesStart, Event};
    fn number(e: &BytesStart<'_>, name: &str) -> usize {
        e.try_get_attribute(name)
            .ok()
            .flatten()
            .and_then(|a| a.value.trim().parse().ok())
            .unwrap_or(1)
    }
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut table: Option<OdsTable> = None;
    let mut done = 0usize;
    loop {
        let (e, empty) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                match (e.name().as_ref(), table.as_mut()) {
                    ("table:table-row", Some(t)) => {
                        t.end_row();
                        t.check(origin, done.saturating_add(t.cells()))?;
                    }
                    ("table:table", Some(t)) => {
                        done = done.saturating_add(t.cells());
                        table = None;
                    }
                    _ => {}
                }
                buf.clear();
                continue;
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {
                buf.clear();
                continue;
            }
        };
        match (e.name().as_ref(), table.as_mut()) {
            ("table:table", _) if !empty => {
                let name = e
                    .try_get_attribute("table:name")
                    .ok()
                    .flatten()
                    .map(|a| a.value.into_owned())
                    .unwrap_or_default();
                table = Some(OdsTable {
                    name,
                    ..OdsTable::default()
                });
            }
            ("table:table-row", Some(t)) => {
                t.start_row(number(&e, "table:number-rows-repeated"));
                if empty {
                    t.end_row();
                }
            }
            ("table:table-cell" | "table:covered-table-cell", Some(t)) => {
                let non_empty = !empty
                    || e.try_get_attribute("office:value-type")
                        .ok()
                        .flatten()
                        .is_some()
                    || e.try_get_attribute("table:formula")
                        .ok()
                        .flatten()
                        .is_some();
                t.cell(number(&e, "table:number-columns-repeated"), non_empty);
            }
            _ => {}
        }
        buf.clear();
    }
}

/// Read the node and link sheets of a workbook.
pub fn read(origin: &str, bytes: &[u8]) -> Result<Vec<Table>, InputError> {
    read_counted(origin, bytes, &mut CellBudget::default())
}

/// [`read`], counting its cells into `budget` (see [`MAX_CELLS`]).
pub fn read_counted(
    origin: &str,
    bytes: &[u8],
    budget: &mut CellBudget,
) -> Result<Vec<Table>, InputError> {
    let mut book = open(origin, bytes)?;
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
        let source = Source {
            origin: sheet_origin.clone(),
            text: None,
        };
        let range = match &mut book {
            Book::Xlsx(b) => xlsx_sheet(b, &source, &name)?,
            Book::Xlsb(b) => xlsb_sheet(b, &source, &name)?,
            Book::Ods(b) => ods_sheet(b, &source, &name)?,
            Book::Xls(b) => b.worksheet_range(&name).map_err(|e| {
                InputError::whole(&sheet_origin, "", format!("cannot read the sheet: {e}"))
            })?,
        };
        tables.push(table(&sheet_origin, &range, budget)?);
    }
    Ok(tables)
}

fn table(
    origin: &str,
    range: &calamine::Range<Data>,
    budget: &mut CellBudget,
) -> Result<Table, InputError> {
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
    let place = |r: usize, c: usize| cell_place(top + r as u32, left + c as u32);
    for (r, c, d) in range.used_cells() {
        if let Data::String(t) = d {
            let n = t.chars().count();
            if n > MAX_CELL_TEXT {
                return Err(source.err(
                    &place(r, c),
                    "",
                    format!(
                        "the cell holds {n} characters of text; at most {MAX_CELL_TEXT} (a spreadsheet cell's own limit) are read"
                    ),
                ));
            }
        }
    }
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
        budget.take(row.len(), &source, &place(r, 0), "row")?;
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

    /// The declared sizes are summed before calamine opens anything (a
    /// 1 MB `.xlsx` held a 1 GiB shared string and aborted the process).
    #[test]
    fn a_zip_that_unpacks_past_the_limit_is_refused() {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("xl/sharedStrings.xml", opts).expect("entry");
        w.write_all(&vec![b'a'; 3 << 20]).expect("write");
        let bytes = w.finish().expect("zip").into_inner();
        assert!(bytes.len() < 100_000, "{}", bytes.len());
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).expect("zip");
        let e = super::unpacked_within("w.xlsx", &mut zip, 2 << 20).expect_err("refused");
        assert!(
            e.to_string()
                .contains("w.xlsx: the workbook unpacks to 3 MiB (xl/sharedStrings.xml alone is 3 MiB); at most 2 MiB is read"),
            "{e}"
        );
        assert!(super::unpacked_within("w.xlsx", &mut zip, 3 << 20).is_ok());
    }
}
