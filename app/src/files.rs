//! Reading an uploaded file into an import table (server only, so the browser bundle carries no
//! CSV or workbook reader): CSV with the `csv` crate (delimiter sniffed among `,` `;` tab `|`,
//! UTF-8 with or without BOM), workbooks with `calamine` (XLSX streamed cell by cell with row and
//! column limits; XLS, XLSB and ODS read whole). Every malformed input is a [`FileError`] with a
//! message for the user, never a panic.

use crate::domain::import::{Cell, Row, Table, MAX_COLUMNS, MAX_ROWS};
use calamine::{Data, DataRef, Reader};
use std::io::Cursor;

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// Why a file could not be read, in words for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FileError {
    #[error("The file is empty.")]
    Empty,
    #[error("The file is larger than 20 MB; split it into smaller files.")]
    TooLarge,
    #[error("The file is not UTF-8 text (an unreadable character on line {line}). In Excel use “Save as → CSV UTF-8”, or upload the workbook (.xlsx) itself.")]
    NotUtf8 { line: usize },
    #[error("The file is UTF-16 text. In Excel use “Save as → CSV UTF-8”, or upload the workbook (.xlsx) itself.")]
    Utf16,
    #[error("This is not a CSV or spreadsheet file (it holds binary data). Upload a .csv, .xlsx, .xls or .ods file.")]
    Binary,
    #[error("The workbook cannot be read ({0}). Is it complete (not truncated) and really an Excel or OpenDocument file?")]
    Workbook(String),
    #[error("The workbook has no sheet “{0}”.")]
    NoSheet(String),
    #[error("No header row found: the sheet needs a row with at least two filled cells naming the columns (e.g. Measure, Period, Value).")]
    NoHeader,
    #[error("The file has a header row but no data rows.")]
    HeaderOnly,
    #[error("The file has more than {MAX_ROWS} rows; split it into smaller files.")]
    TooManyRows,
    #[error("The file has more than {MAX_COLUMNS} columns.")]
    TooManyColumns,
    #[error("The CSV cannot be read at line {line}: {message}")]
    Csv { line: u64, message: String },
}

/// What kind of file was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Csv { delimiter: u8 },
    Workbook,
}

/// A file read into a table, with the workbook's sheets (empty for CSV).
#[derive(Clone, Debug, PartialEq)]
pub struct ReadFile {
    pub table: Table,
    pub kind: FileKind,
    pub sheets: Vec<String>,
    /// The sheet read (workbooks only).
    pub sheet: Option<String>,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const WORKBOOK_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Whether a file name says "workbook" (so garbage in it gets the workbook error).
fn named_like_workbook(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| WORKBOOK_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Reads `bytes` (named `name`), taking the workbook sheet `sheet` or the first one. The kind
/// is decided by the content (a zip or OLE container is a workbook), the name only breaks ties.
pub fn read_file(bytes: &[u8], name: &str, sheet: Option<&str>) -> Result<ReadFile, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC) {
        return read_workbook(bytes, sheet);
    }
    if named_like_workbook(name) {
        return Err(FileError::Workbook(
            "it is not a zip or Excel 97 container".into(),
        ));
    }
    read_csv(bytes)
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/// Reads CSV text: BOM stripped, encoding checked, delimiter sniffed (or taken from Excel's
/// `sep=;` first line), ragged rows kept as they are (the plan reports them).
pub fn read_csv(bytes: &[u8]) -> Result<ReadFile, FileError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(FileError::Utf16);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.iter().take(64 * 1024).any(|b| *b == 0) {
        return Err(FileError::Binary);
    }
    let text = std::str::from_utf8(body).map_err(|e| FileError::NotUtf8 {
        line: body[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1,
    })?;
    let (text, forced, skipped_lines) = match text.split_once('\n') {
        Some((first, rest)) if first.trim().to_ascii_lowercase().starts_with("sep=") => {
            (rest, first.trim().as_bytes().get(4).copied(), 1)
        }
        _ => (text, None, 0),
    };
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    let delimiter = forced.unwrap_or_else(|| sniff_delimiter(text));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Lines counted from byte offsets: the reader's own count skips blank lines, which a
    // spreadsheet shows as rows.
    let (mut counted_to, mut line) = (0usize, 1 + skipped_lines);
    let mut line_at = |byte: usize| {
        // A record's position can be the blank lines before it.
        let mut byte = byte.min(text.len());
        while matches!(text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        line += text.as_bytes()[counted_to.min(byte)..byte]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        counted_to = counted_to.max(byte);
        line
    };
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = line_at(record.position().map_or(0, |p| p.byte() as usize));
                if record.len() > MAX_COLUMNS {
                    return Err(FileError::TooManyColumns);
                }
                rows.push(Row {
                    line: u32::try_from(line).unwrap_or(u32::MAX),
                    cells: record.iter().map(text_cell).collect(),
                });
                if rows.len() > MAX_ROWS + 1 {
                    return Err(FileError::TooManyRows);
                }
            }
            Err(e) => {
                return Err(FileError::Csv {
                    line: line_at(e.position().map_or(0, |p| p.byte() as usize)),
                    message: e.to_string(),
                })
            }
        }
    }
    Ok(ReadFile {
        table: table_of(rows)?,
        kind: FileKind::Csv { delimiter },
        sheets: Vec::new(),
        sheet: None,
    })
}

fn text_cell(field: &str) -> Cell {
    let t = field.trim();
    if t.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(t.to_string())
    }
}

/// The delimiter that splits the first lines most consistently into the most fields.
pub fn sniff_delimiter(text: &str) -> u8 {
    let sample: String = text.lines().take(30).collect::<Vec<_>>().join("\n");
    let mut best = (b',', 0usize, 0usize);
    for delimiter in [b',', b';', b'\t', b'|'] {
        let counts: Vec<usize> = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(sample.as_bytes())
            .records()
            .map_while(Result::ok)
            .map(|r| r.len())
            .collect();
        // The most common field count (above 1) and how many lines have it.
        let mut tally = std::collections::HashMap::new();
        for c in counts.iter().filter(|c| **c > 1) {
            *tally.entry(*c).or_insert(0usize) += 1;
        }
        if let Some((fields, lines)) = tally.into_iter().max_by_key(|(f, n)| (*n, *f)) {
            if (lines, fields) > (best.1, best.2) {
                best = (delimiter, lines, fields);
            }
        }
    }
    best.0
}

// ---------------------------------------------------------------------------------------------
// Workbooks
// ---------------------------------------------------------------------------------------------

fn workbook_error(e: impl std::fmt::Display) -> FileError {
    FileError::Workbook(e.to_string())
}

/// Reads one sheet of a workbook (the named one, or the first).
fn read_workbook(bytes: &[u8], sheet: Option<&str>) -> Result<ReadFile, FileError> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        // calamine says "Cannot detect file format" for a damaged container.
        workbook_error(e)
    })?;
    let sheets = book.sheet_names();
    let name = match sheet {
        Some(s) if sheets.iter().any(|n| n == s) => s.to_string(),
        Some(s) => return Err(FileError::NoSheet(s.to_string())),
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| workbook_error("it has no sheets"))?,
    };
    let rows = match &mut book {
        calamine::Sheets::Xlsx(xlsx) => xlsx_rows(xlsx, &name)?,
        other => range_rows(other.worksheet_range(&name).map_err(workbook_error)?)?,
    };
    Ok(ReadFile {
        table: table_of(rows)?,
        kind: FileKind::Workbook,
        sheets,
        sheet: Some(name),
    })
}

/// An XLSX sheet read cell by cell, so a sheet claiming a million rows cannot exhaust memory.
fn xlsx_rows(xlsx: &mut calamine::Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Vec<Row>, FileError> {
    let mut cells = xlsx.worksheet_cells_reader(name).map_err(workbook_error)?;
    let mut rows: Vec<Row> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(workbook_error)? {
        let (r, c) = cell.get_position();
        let value = data_ref_cell(cell.get_value());
        if value.is_empty() {
            continue;
        }
        let c = c as usize;
        if c >= MAX_COLUMNS {
            return Err(FileError::TooManyColumns);
        }
        let line = r.saturating_add(1);
        if rows.last().is_none_or(|last| last.line != line) {
            if rows.len() > MAX_ROWS + 1 {
                return Err(FileError::TooManyRows);
            }
            rows.push(Row {
                line,
                cells: Vec::new(),
            });
        }
        if let Some(row) = rows.last_mut() {
            if row.cells.len() <= c {
                row.cells.resize(c + 1, Cell::Empty);
            }
            row.cells[c] = value;
        }
    }
    Ok(rows)
}

/// An XLS, XLSB or ODS sheet, read whole by calamine.
fn range_rows(range: calamine::Range<Data>) -> Result<Vec<Row>, FileError> {
    let (height, width) = range.get_size();
    if width > MAX_COLUMNS {
        return Err(FileError::TooManyColumns);
    }
    if height > MAX_ROWS + 1 {
        return Err(FileError::TooManyRows);
    }
    let first = range.start().map(|(r, _)| r).unwrap_or(0);
    let left = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row: Vec<Cell> = vec![Cell::Empty; left];
            row.extend(cells.iter().map(data_cell));
            Row {
                line: first.saturating_add(i as u32).saturating_add(1),
                cells: row,
            }
        })
        .collect())
}

fn data_ref_cell(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => text_cell(s),
        DataRef::SharedString(s) => text_cell(s),
        DataRef::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.into()),
        DataRef::DateTime(dt) => excel_date(dt),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text_cell(s),
        DataRef::Error(e) => Cell::Text(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

fn data_cell(d: &Data) -> Cell {
    match d {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => text_cell(s),
        Data::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTime(dt) => excel_date(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => text_cell(s),
        Data::Error(e) => Cell::Text(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}

/// A date-formatted cell as a date; a duration stays a number.
fn excel_date(dt: &calamine::ExcelDateTime) -> Cell {
    match dt.is_datetime().then(|| dt.as_datetime()).flatten() {
        Some(t) => Cell::Date(t.date()),
        None => Cell::Number(dt.as_f64()),
    }
}

// ---------------------------------------------------------------------------------------------
// Rows → table
// ---------------------------------------------------------------------------------------------

/// The header is the first row with at least two filled cells (a title above it is skipped);
/// the rows below it are the data.
fn table_of(rows: Vec<Row>) -> Result<Table, FileError> {
    let filled = |r: &Row| r.cells.iter().filter(|c| !c.is_empty()).count();
    if rows.iter().all(|r| filled(r) == 0) {
        return Err(FileError::Empty);
    }
    let at = rows
        .iter()
        .position(|r| filled(r) >= 2)
        .ok_or(FileError::NoHeader)?;
    let mut rows = rows.into_iter().skip(at);
    let mut header = rows.next().map(|r| r.cells).unwrap_or_default();
    let width = header
        .iter()
        .rposition(|c| !c.is_empty())
        .map_or(0, |i| i + 1);
    header.truncate(width);
    let data: Vec<Row> = rows
        .map(|mut r| {
            let used = r
                .cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |i| i + 1);
            r.cells.truncate(used.max(width.min(r.cells.len())));
            r
        })
        .filter(|r| filled(r) > 0)
        .collect();
    if data.is_empty() {
        return Err(FileError::HeaderOnly);
    }
    if data.len() > MAX_ROWS {
        return Err(FileError::TooManyRows);
    }
    Ok(Table { header, rows: data })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &Table) -> Vec<Vec<String>> {
        std::iter::once(t.header.iter().map(Cell::display).collect())
            .chain(
                t.rows
                    .iter()
                    .map(|r| r.cells.iter().map(Cell::display).collect()),
            )
            .collect()
    }

    #[test]
    fn csv_with_bom_semicolons_and_quotes() {
        let file =
            "\u{feff}Measure;Period;Value\n\"Revenue; growth\";2026-01;\"1,5\"\n\nNPS;2026-02;7\n";
        let read = read_file(file.as_bytes(), "x.csv", None).unwrap();
        assert_eq!(read.kind, FileKind::Csv { delimiter: b';' });
        assert_eq!(
            texts(&read.table),
            vec![
                vec!["Measure", "Period", "Value"],
                vec!["Revenue; growth", "2026-01", "1,5"],
                vec!["NPS", "2026-02", "7"],
            ]
        );
        // Row numbers are the lines a spreadsheet shows, blank lines included.
        assert_eq!(read.table.rows[1].line, 4);
    }

    #[test]
    fn tabs_and_excel_sep_lines() {
        let read = read_csv(b"Measure\tPeriod\tValue\nA\t2026-01\t1\n").unwrap();
        assert_eq!(read.kind, FileKind::Csv { delimiter: b'\t' });
        let read = read_csv(b"sep=|\nMeasure|Period|Value\nA|2026-01|1,5\n").unwrap();
        assert_eq!(read.kind, FileKind::Csv { delimiter: b'|' });
        assert_eq!(read.table.rows[0].line, 3);
    }

    #[test]
    fn malformed_files_are_clear_errors() {
        assert_eq!(read_file(b"", "a.csv", None), Err(FileError::Empty));
        assert_eq!(read_file(b"\n\n  \n", "a.csv", None), Err(FileError::Empty));
        assert_eq!(
            read_file(b"Measure,Period,Value\n", "a.csv", None),
            Err(FileError::HeaderOnly)
        );
        assert_eq!(
            read_file(b"just one column\nx\n", "a.csv", None),
            Err(FileError::NoHeader)
        );
        assert_eq!(
            read_file(b"Measure,Value\nCaf\xe9,1\n", "a.csv", None),
            Err(FileError::NotUtf8 { line: 2 })
        );
        assert_eq!(
            read_file(b"\xff\xfeM\0", "a.csv", None),
            Err(FileError::Utf16)
        );
        assert_eq!(read_file(b"ab\0cd", "a.csv", None), Err(FileError::Binary));
        assert!(matches!(
            read_file(b"\x13\x37garbage", "a.xlsx", None),
            Err(FileError::Workbook(_))
        ));
        assert!(matches!(
            read_file(b"PK\x03\x04truncated", "a.xlsx", None),
            Err(FileError::Workbook(_))
        ));
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert_eq!(read_file(&big, "a.csv", None), Err(FileError::TooLarge));
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut file = String::from("Measure,Period,Value\n");
        for _ in 0..=MAX_ROWS {
            file.push_str("A,2026-01,1\n");
        }
        assert_eq!(read_csv(file.as_bytes()), Err(FileError::TooManyRows));
    }

    #[test]
    fn a_title_above_the_header_is_skipped_and_ragged_rows_are_kept() {
        let read =
            read_csv(b"KPI export\n\nMeasure,Period,Value\nA,2026-01,1,234\nB,2026-02\n").unwrap();
        assert_eq!(read.table.header.len(), 3);
        assert_eq!(read.table.rows[0].cells.len(), 4);
        assert_eq!(read.table.rows[1].cells.len(), 2);
    }

    #[test]
    fn the_delimiter_is_sniffed() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n1,5;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\n1\t2\n"), b'\t');
    }
}
