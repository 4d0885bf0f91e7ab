//! Reading an uploaded file into an import table (server only, so the browser bundle carries no
//! CSV or workbook reader): CSV with the `csv` crate (delimiter sniffed among `,` `;` tab `|`,
//! UTF-8 with or without BOM), workbooks with `calamine` (XLSX and XLSB streamed cell by cell,
//! ODS read whole). Every malformed input is a [`FileError`] with a message for the user, never
//! a panic.
//!
//! Uploads are untrusted, so reading one is bounded in size, count and time: a workbook's zip is
//! unpacked once and counted before calamine opens it (no part past its limit, none growing
//! like a zip bomb), an ODS file's repeated rows and cells are counted before calamine expands
//! them, every cell is counted as it is read (cells, length, text), and a [`Budget`] deadline is
//! checked while unpacking and between cells, so a runaway read stops its own thread. Excel
//! 97–2003 files (`.xls`) are refused: their reader builds whole sheets in memory from sizes the
//! file declares, which nothing here can bound.

use crate::domain::import::{
    Cell, Row, Table, MAX_CELLS, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, MAX_TEXT_BYTES,
};
use calamine::{Data, DataRef, Reader};
use std::io::{BufReader, Cursor, Read, Seek};
use std::time::Instant;

pub use crate::domain::upload::{FileError, MAX_FILE_BYTES, MAX_READ_TIME};
/// What all parts of a workbook may unpack to together.
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// What one part other than a sheet may unpack to (shared strings, styles, …): calamine holds
/// those in memory whole.
pub const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// How many times its packed size a part may unpack to, past its first megabyte: spreadsheet
/// XML packs 5 to 30 times, a zip bomb about a thousand.
pub const MAX_PACKING_RATIO: u64 = 100;
/// Parts a workbook may hold.
pub const MAX_PARTS: usize = 10_000;
/// Bytes a part may unpack to before its packing ratio is looked at.
const RATIO_FREE_BYTES: u64 = 1024 * 1024;

impl FileError {
    /// Whether the file is refused for passing a limit (size, count or time) rather than for
    /// being malformed: HTTP 413 instead of 400.
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            FileError::TooLarge
                | FileError::Unpacked(_)
                | FileError::TooManyRows
                | FileError::TooManyColumns
                | FileError::TooManyCells
                | FileError::CellTooLong { .. }
                | FileError::TooMuchText
                | FileError::TooSlow
        )
    }

    /// The HTTP status the refusal is sent with.
    pub fn status(&self) -> http::StatusCode {
        if self.is_limit() {
            http::StatusCode::PAYLOAD_TOO_LARGE
        } else {
            http::StatusCode::BAD_REQUEST
        }
    }
}

/// When reading one file must stop. It is checked while unpacking and between cells, so a read
/// that runs too long stops its own thread: a timeout around the thread could not stop it.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    deadline: Instant,
}

impl Budget {
    /// [`MAX_READ_TIME`] from now.
    pub fn starting_now() -> Budget {
        Budget::until(Instant::now() + MAX_READ_TIME)
    }

    /// Until `deadline`.
    pub fn until(deadline: Instant) -> Budget {
        Budget { deadline }
    }

    fn check(&self) -> Result<(), FileError> {
        if Instant::now() > self.deadline {
            Err(FileError::TooSlow)
        } else {
            Ok(())
        }
    }
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

/// Reads `bytes` (named `name`), taking the workbook sheet `sheet` or the first one, within
/// [`MAX_READ_TIME`].
pub fn read_file(bytes: &[u8], name: &str, sheet: Option<&str>) -> Result<ReadFile, FileError> {
    read_file_within(bytes, name, sheet, Budget::starting_now())
}

/// [`read_file`] until `budget` runs out. The kind is decided by the content (a zip or OLE
/// container is a workbook), the name only breaks ties.
pub fn read_file_within(
    bytes: &[u8],
    name: &str,
    sheet: Option<&str>,
    budget: Budget,
) -> Result<ReadFile, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(FileError::OldExcel);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return read_workbook(bytes, sheet, budget);
    }
    if named_like_workbook(name) {
        return Err(FileError::Workbook(
            "it is not a zip or Excel 97 container".into(),
        ));
    }
    read_csv_within(bytes, budget)
}

// ---------------------------------------------------------------------------------------------
// Counting what is read
// ---------------------------------------------------------------------------------------------

/// What a table read so far holds, against the limits and the deadline.
struct Tally {
    cells: usize,
    text: usize,
    budget: Budget,
}

impl Tally {
    fn new(budget: Budget) -> Tally {
        Tally {
            cells: 0,
            text: 0,
            budget,
        }
    }

    /// Checks the time.
    fn tick(&self) -> Result<(), FileError> {
        self.budget.check()
    }

    /// Counts `added` more cells of the table, and checks the time.
    fn cells(&mut self, added: usize) -> Result<(), FileError> {
        self.tick()?;
        self.cells = self.cells.saturating_add(added);
        if self.cells > MAX_CELLS {
            return Err(FileError::TooManyCells);
        }
        Ok(())
    }

    /// The cell of a text from row `line`, its length checked before anything is copied.
    fn text(&mut self, field: &str, line: u32) -> Result<Cell, FileError> {
        if field.len() > MAX_CELL_CHARS && field.chars().count() > MAX_CELL_CHARS {
            return Err(FileError::CellTooLong { line });
        }
        let t = field.trim();
        if t.is_empty() {
            return Ok(Cell::Empty);
        }
        self.text += t.len();
        if self.text > MAX_TEXT_BYTES {
            return Err(FileError::TooMuchText);
        }
        Ok(Cell::Text(t.to_string()))
    }

    /// A streamed workbook cell.
    fn data_ref(&mut self, d: &DataRef<'_>, line: u32) -> Result<Cell, FileError> {
        Ok(match d {
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::String(s) => self.text(s, line)?,
            DataRef::SharedString(s) => self.text(s, line)?,
            DataRef::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.into()),
            DataRef::DateTime(dt) => excel_date(dt),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => self.text(s, line)?,
            DataRef::Error(e) => Cell::Text(e.to_string()),
            DataRef::Empty => Cell::Empty,
        })
    }

    /// A cell of a workbook read whole.
    fn data(&mut self, d: &Data, line: u32) -> Result<Cell, FileError> {
        Ok(match d {
            Data::Int(i) => Cell::Number(*i as f64),
            Data::Float(f) => Cell::Number(*f),
            Data::String(s) => self.text(s, line)?,
            Data::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.into()),
            Data::DateTime(dt) => excel_date(dt),
            Data::DateTimeIso(s) | Data::DurationIso(s) => self.text(s, line)?,
            Data::Error(e) => Cell::Text(e.to_string()),
            Data::Empty => Cell::Empty,
        })
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
// CSV
// ---------------------------------------------------------------------------------------------

/// Reads CSV text within [`MAX_READ_TIME`] (see [`read_csv_within`]).
pub fn read_csv(bytes: &[u8]) -> Result<ReadFile, FileError> {
    read_csv_within(bytes, Budget::starting_now())
}

/// Reads CSV text: BOM stripped, encoding checked, delimiter sniffed (or taken from Excel's
/// `sep=;` first line), a quote left open refused, ragged rows kept as they are (the plan
/// reports them).
pub fn read_csv_within(bytes: &[u8], budget: Budget) -> Result<ReadFile, FileError> {
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
    if let Some(line) = unclosed_quote(text, delimiter) {
        return Err(FileError::UnclosedQuote {
            line: line + skipped_lines,
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut tally = Tally::new(budget);
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
                let line = u32::try_from(line).unwrap_or(u32::MAX);
                if record.len() > MAX_COLUMNS {
                    return Err(FileError::TooManyColumns);
                }
                tally.cells(record.len())?;
                let cells = record
                    .iter()
                    .map(|field| tally.text(field, line))
                    .collect::<Result<Vec<Cell>, FileError>>()?;
                rows.push(Row { line, cells });
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

/// The line (1-based, in `text`) where a quoted field opens that never closes, read the way
/// the `csv` reader reads quotes: a quote opens a field only at its start, `""` inside is a
/// quote, and text after the closing quote carries on unquoted. The reader itself would take
/// every later row into that one field without a word.
fn unclosed_quote(text: &str, delimiter: u8) -> Option<u64> {
    #[derive(Clone, Copy, PartialEq)]
    enum At {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut at, mut line, mut opened) = (At::FieldStart, 1u64, 1u64);
    for b in text.bytes() {
        at = match (at, b) {
            (At::Quoted, b'"') => At::QuoteInQuoted,
            (At::Quoted, _) => At::Quoted,
            (At::QuoteInQuoted, b'"') => At::Quoted,
            (At::FieldStart, b'"') => {
                opened = line;
                At::Quoted
            }
            (_, b) if b == delimiter || b == b'\n' || b == b'\r' => At::FieldStart,
            _ => At::Unquoted,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    (at == At::Quoted).then_some(opened)
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

/// The workbook formats a zip can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Container {
    Xlsx,
    Xlsb,
    Ods,
}

/// Reads one sheet of a workbook (the named one, or the first), after its zip has been checked.
fn read_workbook(bytes: &[u8], sheet: Option<&str>, budget: Budget) -> Result<ReadFile, FileError> {
    let container = check_container(bytes, &budget)?;
    let mut tally = Tally::new(budget);
    let (sheets, name, rows) = match container {
        Container::Xlsx => {
            let mut book: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(workbook_error)?;
            let sheets = book.sheet_names();
            let name = chosen_sheet(&sheets, sheet)?;
            let mut cells = book.worksheet_cells_reader(&name).map_err(workbook_error)?;
            let rows = streamed_rows(|| cells.next_cell(), &mut tally)?;
            (sheets, name, rows)
        }
        Container::Xlsb => {
            let mut book: calamine::Xlsb<_> =
                calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(workbook_error)?;
            let sheets = book.sheet_names();
            let name = chosen_sheet(&sheets, sheet)?;
            let mut cells = book.worksheet_cells_reader(&name).map_err(workbook_error)?;
            let rows = streamed_rows(|| cells.next_cell(), &mut tally)?;
            (sheets, name, rows)
        }
        Container::Ods => {
            check_ods_cells(bytes, &budget)?;
            let mut book: calamine::Ods<_> =
                calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(workbook_error)?;
            let sheets = book.sheet_names();
            let name = chosen_sheet(&sheets, sheet)?;
            let range = book.worksheet_range(&name).map_err(workbook_error)?;
            let rows = range_rows(range, &mut tally)?;
            (sheets, name, rows)
        }
    };
    Ok(ReadFile {
        table: table_of(rows)?,
        kind: FileKind::Workbook,
        sheets,
        sheet: Some(name),
    })
}

/// The sheet asked for, or the first one.
fn chosen_sheet(sheets: &[String], wanted: Option<&str>) -> Result<String, FileError> {
    match wanted {
        Some(s) if sheets.iter().any(|n| n == s) => Ok(s.to_string()),
        Some(s) => Err(FileError::NoSheet(s.to_string())),
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| workbook_error("it has no sheets")),
    }
}

/// Whether a zip part is a sheet's cells (which may be larger than the other parts).
fn is_sheet_part(name: &str) -> bool {
    name.contains("worksheets/") || name == "content.xml"
}

fn unsafe_book(why: String) -> FileError {
    FileError::Unpacked(why)
}

/// Unpacks every part of the zip once, counting the bytes as they come (the sizes an archive
/// declares are not trusted), before calamine opens it: too many parts, a part or the whole
/// unpacking past its limit, or a part growing like a zip bomb refuses the file. Says which
/// workbook format the zip holds.
fn check_container(bytes: &[u8], budget: &Budget) -> Result<Container, FileError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(workbook_error)?;
    if zip.len() > MAX_PARTS {
        return Err(unsafe_book(format!("it holds more than {MAX_PARTS} parts")));
    }
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(workbook_error)?;
        let name: String = part
            .name()
            .map_err(workbook_error)?
            .chars()
            .take(100)
            .collect();
        let packed = part.compressed_size();
        let limit = if is_sheet_part(&name) {
            MAX_UNPACKED_BYTES
        } else {
            MAX_PART_BYTES
        };
        let mut unpacked = 0u64;
        loop {
            budget.check()?;
            let n = part.read(&mut buf).map_err(workbook_error)? as u64;
            if n == 0 {
                break;
            }
            unpacked += n;
            total += n;
            if unpacked > limit {
                return Err(unsafe_book(format!(
                    "its part “{name}” unpacks to more than {} MB",
                    limit >> 20
                )));
            }
            if total > MAX_UNPACKED_BYTES {
                return Err(unsafe_book(format!(
                    "its parts unpack to more than {} MB",
                    MAX_UNPACKED_BYTES >> 20
                )));
            }
            if unpacked > RATIO_FREE_BYTES && unpacked > packed.saturating_mul(MAX_PACKING_RATIO) {
                return Err(unsafe_book(format!(
                    "its part “{name}” unpacks to more than {MAX_PACKING_RATIO} times its packed size, as a zip bomb does"
                )));
            }
        }
    }
    container_of(&zip)
}

/// Which workbook format a zip holds, from the parts each format must have.
fn container_of<R: Read + Seek>(zip: &zip::ZipArchive<R>) -> Result<Container, FileError> {
    let has = |name: &str| zip.index_for_name(name).is_some();
    if has("xl/workbook.bin") {
        Ok(Container::Xlsb)
    } else if has("_rels/.rels") {
        Ok(Container::Xlsx)
    } else if has("content.xml") {
        Ok(Container::Ods)
    } else {
        Err(workbook_error(
            "it is a zip file, but not an Excel or OpenDocument workbook",
        ))
    }
}

/// calamine's cap on the rows and columns of an OpenDocument sheet.
const ODS_MAX_ROWS: usize = 1_048_576;
const ODS_MAX_COLUMNS: usize = 16_384;

/// An OpenDocument sheet repeats rows and cells by a count (`number-rows-repeated`), and
/// calamine expands every sheet of the file when it opens it. The cells that expansion would
/// make are counted first, from the XML, and a file past [`MAX_CELLS`] is refused unopened.
fn check_ods_cells(bytes: &[u8], budget: &Budget) -> Result<(), FileError> {
    use quick_xml::events::Event;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(workbook_error)?;
    let content = zip.by_name("content.xml").map_err(workbook_error)?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let (mut done, mut table, mut row) = (0usize, OdsTable::default(), None::<OdsRow>);
    loop {
        budget.check()?;
        buf.clear();
        let (element, opens) = match xml.read_event_into(&mut buf).map_err(workbook_error)? {
            Event::Eof => return Ok(()),
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(e) => {
                match e.name().as_ref() {
                    "table:table-row" => table.add(row.take()),
                    "table:table" => {
                        done = done.saturating_add(table.cells());
                        table = OdsTable::default();
                    }
                    _ => {}
                }
                if done.saturating_add(table.cells()) > MAX_CELLS {
                    return Err(FileError::TooManyCells);
                }
                continue;
            }
            _ => continue,
        };
        match element.name().as_ref() {
            "table:table-row" if opens => {
                let repeats = ods_repeats(&element, "table:number-rows-repeated")?;
                row = Some(OdsRow {
                    repeats,
                    columns: 0,
                    width: 0,
                });
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let repeats = ods_repeats(&element, "table:number-columns-repeated")?;
                let has = |key: &str| matches!(element.try_get_attribute(key), Ok(Some(_)));
                let filled = opens || has("office:value-type") || has("table:formula");
                if let Some(r) = row.as_mut() {
                    r.columns = r.columns.saturating_add(repeats).min(ODS_MAX_COLUMNS);
                    if filled {
                        r.width = r.columns;
                    }
                }
            }
            _ => {}
        }
    }
}

/// A repeat count of an OpenDocument row or cell (1 when absent).
fn ods_repeats(element: &quick_xml::events::BytesStart<'_>, key: &str) -> Result<usize, FileError> {
    match element.try_get_attribute(key).map_err(workbook_error)? {
        Some(a) => a
            .value
            .trim()
            .parse()
            .map_err(|_| workbook_error(format!("{key} is not a number"))),
        None => Ok(1),
    }
}

/// One OpenDocument row: its repeat count, its columns so far and its width up to its last
/// filled cell.
struct OdsRow {
    repeats: usize,
    columns: usize,
    width: usize,
}

/// The rows of one OpenDocument sheet so far, and the block calamine would expand: from the
/// first filled row to the end of the last, as wide as the widest filled row.
#[derive(Default)]
struct OdsTable {
    rows: usize,
    first: Option<usize>,
    end: usize,
    width: usize,
}

impl OdsTable {
    fn add(&mut self, row: Option<OdsRow>) {
        let Some(row) = row else { return };
        let repeats = row.repeats.min(ODS_MAX_ROWS.saturating_sub(self.rows));
        if row.width > 0 {
            self.first.get_or_insert(self.rows);
            self.end = self.rows + repeats;
            self.width = self.width.max(row.width);
        }
        self.rows += repeats;
    }

    fn cells(&self) -> usize {
        self.first
            .map_or(0, |first| (self.end - first).saturating_mul(self.width))
    }
}

/// An XLSX or XLSB sheet read cell by cell, so a sheet claiming a million rows cannot exhaust
/// memory: every cell is counted against the limits and the deadline as it comes.
fn streamed_rows<'a, E: std::fmt::Display>(
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E>,
    tally: &mut Tally,
) -> Result<Vec<Row>, FileError> {
    let mut rows: Vec<Row> = Vec::new();
    while let Some(cell) = next().map_err(workbook_error)? {
        tally.tick()?;
        let (r, c) = cell.get_position();
        let line = r.saturating_add(1);
        let value = tally.data_ref(cell.get_value(), line)?;
        if value.is_empty() {
            continue;
        }
        let c = c as usize;
        if c >= MAX_COLUMNS {
            return Err(FileError::TooManyColumns);
        }
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
                tally.cells(c + 1 - row.cells.len())?;
                row.cells.resize(c + 1, Cell::Empty);
            }
            row.cells[c] = value;
        }
    }
    Ok(rows)
}

/// An ODS sheet, read whole by calamine (its size was counted before).
fn range_rows(range: calamine::Range<Data>, tally: &mut Tally) -> Result<Vec<Row>, FileError> {
    let (height, width) = range.get_size();
    if width > MAX_COLUMNS {
        return Err(FileError::TooManyColumns);
    }
    if height > MAX_ROWS + 1 {
        return Err(FileError::TooManyRows);
    }
    let first = range.start().map(|(r, _)| r).unwrap_or(0);
    let left = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    tally.cells(height.saturating_mul(left + width))?;
    let mut rows = Vec::with_capacity(height);
    for (i, cells) in range.rows().enumerate() {
        let line = first.saturating_add(i as u32).saturating_add(1);
        tally.tick()?;
        let mut row: Vec<Cell> = vec![Cell::Empty; left];
        for d in cells {
            row.push(tally.data(d, line)?);
        }
        rows.push(Row { line, cells: row });
    }
    Ok(rows)
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
    fn an_unclosed_quote_is_an_error_at_its_line() {
        let file = "Measure,Period,Value,Note\nA,2026-01,1,ok\nB,2026-02,2,\"never closed\nC,2026-03,3,\nD,2026-04,4,\n";
        assert_eq!(
            read_csv(file.as_bytes()),
            Err(FileError::UnclosedQuote { line: 3 })
        );
        // Counted as the spreadsheet counts, after Excel's `sep=` line too.
        let file = "sep=;\nMeasure;Period;Value\n\"A;2026-01;1\nB;2026-02;2\n";
        assert_eq!(
            read_csv(file.as_bytes()),
            Err(FileError::UnclosedQuote { line: 3 })
        );
        // Quotes that close are fine: notes over several lines, doubled quotes, quotes inside
        // an unquoted cell.
        let file = "Measure,Period,Value,Note\nA,2026-01,1,\"two\nlines, \"\"quoted\"\"\"\nB,2026-02,2,5\" screen\n";
        let read = read_csv(file.as_bytes()).unwrap();
        assert_eq!(read.table.rows.len(), 2);
        assert_eq!(
            read.table.rows[0].cells[3],
            Cell::Text("two\nlines, \"quoted\"".into())
        );
        assert_eq!(read.table.rows[1].line, 4);
    }

    #[test]
    fn a_cell_longer_than_excel_allows_is_refused() {
        let file = format!(
            "Measure,Period,Value\nA,2026-01,1\n{},2026-02,2\n",
            "x".repeat(MAX_CELL_CHARS + 1)
        );
        let e = read_csv(file.as_bytes()).unwrap_err();
        assert_eq!(e, FileError::CellTooLong { line: 3 });
        assert_eq!(e.status(), http::StatusCode::PAYLOAD_TOO_LARGE);
        // Exactly the limit, in characters that take several bytes, is read.
        let file = format!(
            "Measure,Period,Value\n{},2026-02,2\n",
            "é".repeat(MAX_CELL_CHARS)
        );
        assert!(read_csv(file.as_bytes()).is_ok());
    }

    #[test]
    fn too_many_cells_are_refused() {
        let row = vec!["a"; MAX_COLUMNS].join(",");
        let file: String = std::iter::repeat_n(row.as_str(), MAX_CELLS / MAX_COLUMNS + 1)
            .flat_map(|r| [r, "\n"])
            .collect();
        assert_eq!(read_csv(file.as_bytes()), Err(FileError::TooManyCells));
    }

    #[test]
    fn a_read_past_its_deadline_stops() {
        let past = Budget::until(
            Instant::now()
                .checked_sub(std::time::Duration::from_millis(5))
                .unwrap(),
        );
        let csv = b"Measure,Period,Value\nA,2026-01,1\n";
        assert_eq!(
            read_file_within(csv, "a.csv", None, past),
            Err(FileError::TooSlow)
        );
        let book = xlsx(&[
            (1, "A", "s:Measure"),
            (1, "B", "s:Value"),
            (2, "A", "s:A"),
            (2, "B", "1"),
        ]);
        assert_eq!(
            read_file_within(&book, "a.xlsx", None, past),
            Err(FileError::TooSlow)
        );
        assert_eq!(
            FileError::TooSlow.status(),
            http::StatusCode::PAYLOAD_TOO_LARGE
        );
    }

    #[test]
    fn excel_97_files_are_refused_with_a_way_out() {
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend([0u8; 512]);
        let e = read_file(&ole, "old.xls", None).unwrap_err();
        assert_eq!(e, FileError::OldExcel);
        assert!(e.to_string().contains("save it as .xlsx"));
        assert_eq!(e.status(), http::StatusCode::BAD_REQUEST);
    }

    /// A zip of `parts`, deflated.
    pub(crate) fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// An XLSX workbook with one sheet "Data" holding `sheet_data` (the inside of
    /// `<sheetData>`) and the shared strings `shared`.
    fn xlsx_raw(sheet_data: &str, shared: &[&str]) -> Vec<u8> {
        let package = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        );
        let workbook = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        );
        let workbook_rels = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
        );
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{sheet_data}</sheetData></worksheet>"#
        );
        let strings: String = shared
            .iter()
            .map(|t| format!("<si><t>{t}</t></si>"))
            .collect();
        let strings = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="{0}" uniqueCount="{0}">{strings}</sst>"#,
            shared.len()
        );
        zip_of(&[
            ("_rels/.rels", package.as_bytes()),
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
            ("xl/sharedStrings.xml", strings.as_bytes()),
        ])
    }

    /// An XLSX workbook of (row, column letters, value) cells: `s:` starts an inline string,
    /// anything else is a number.
    fn xlsx(cells: &[(u32, &str, &str)]) -> Vec<u8> {
        let mut data = String::new();
        for (row, column, value) in cells {
            let cell = match value.strip_prefix("s:") {
                Some(t) => format!(r#"<c r="{column}{row}" t="inlineStr"><is><t>{t}</t></is></c>"#),
                None => format!(r#"<c r="{column}{row}"><v>{value}</v></c>"#),
            };
            data.push_str(&format!(r#"<row r="{row}">{cell}</row>"#));
        }
        xlsx_raw(&data, &[])
    }

    #[test]
    fn a_plain_xlsx_is_read_cell_by_cell() {
        let book = xlsx(&[
            (1, "A", "s:Measure"),
            (1, "B", "s:Period"),
            (1, "C", "s:Value"),
            (2, "A", "s:Revenue"),
            (2, "B", "s:2026-01"),
            (2, "C", "12.5"),
        ]);
        let read = read_file(&book, "a.xlsx", None).unwrap();
        assert_eq!(read.sheets, vec!["Data".to_string()]);
        assert_eq!(
            texts(&read.table),
            vec![
                vec!["Measure", "Period", "Value"],
                vec!["Revenue", "2026-01", "12.5"]
            ]
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_unpacked() {
        // A sheet of 16 MB of blanks packs into a few kilobytes.
        let sheet = format!(
            r#"<worksheet xmlns="{MAIN_NS}"><sheetData>{}</sheetData></worksheet>"#,
            " ".repeat(16 * 1024 * 1024)
        );
        let book = zip_of(&[
            ("_rels/.rels", b"<Relationships/>"),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ]);
        assert!(book.len() < 100 * 1024, "{}", book.len());
        let e = read_file(&book, "bomb.xlsx", None).unwrap_err();
        assert!(
            matches!(&e, FileError::Unpacked(why) if why.contains("xl/worksheets/sheet1.xml") && why.contains("zip bomb")),
            "{e}"
        );
        assert_eq!(e.status(), http::StatusCode::PAYLOAD_TOO_LARGE);
        assert!(e.to_string().contains("cannot be read safely"));
    }

    #[test]
    fn one_far_right_cell_per_row_counts_its_whole_width() {
        let rows: String = (1..=(MAX_CELLS / (MAX_COLUMNS - 1) + 2))
            .map(|r| format!(r#"<row r="{r}"><c r="ALK{r}"><v>1</v></c></row>"#))
            .collect();
        let e = read_file(&xlsx_raw(&rows, &[]), "wide.xlsx", None).unwrap_err();
        assert_eq!(e, FileError::TooManyCells);
    }

    #[test]
    fn long_shared_strings_are_checked_before_they_are_copied() {
        let long = "y".repeat(MAX_CELL_CHARS + 1);
        let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>"#;
        let e = read_file(&xlsx_raw(rows, &["Measure", &long]), "a.xlsx", None).unwrap_err();
        assert_eq!(e, FileError::CellTooLong { line: 2 });
        // One long string in every cell would multiply in memory: its copies are counted.
        let long = "z".repeat(MAX_CELL_CHARS);
        let copies = MAX_TEXT_BYTES / MAX_CELL_CHARS + 1;
        let rows: String = (1..=copies)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
            .collect();
        let e = read_file(&xlsx_raw(&rows, &[&long]), "a.xlsx", None).unwrap_err();
        assert_eq!(e, FileError::TooMuchText);
    }

    /// An OpenDocument spreadsheet whose one sheet holds `rows` (the inside of `<table:table>`).
    fn ods(rows: &str) -> Vec<u8> {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Data">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
        zip_of(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("META-INF/manifest.xml", manifest.as_bytes()),
            ("content.xml", content.as_bytes()),
        ])
    }

    fn ods_text(t: &str) -> String {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
        )
    }

    #[test]
    fn an_ods_sheet_is_read_with_its_empty_repeats() {
        // LibreOffice writes the empty rest of a sheet as huge repeats of empty cells and rows.
        let empty_cells = r#"<table:table-cell table:number-columns-repeated="16380"/>"#;
        let rows = format!(
            r#"<table:table-row>{}{}{empty_cells}</table:table-row><table:table-row>{}<table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell>{empty_cells}</table:table-row><table:table-row table:number-rows-repeated="1048574">{empty_cells}</table:table-row>"#,
            ods_text("Measure"),
            ods_text("Value"),
            ods_text("NPS"),
        );
        let read = read_file(&ods(&rows), "a.ods", None).unwrap();
        assert_eq!(
            texts(&read.table),
            vec![vec!["Measure", "Value"], vec!["NPS", "7"]]
        );
    }

    #[test]
    fn an_ods_sheet_repeating_filled_rows_is_counted_before_it_is_expanded() {
        let rows = format!(
            r#"<table:table-row>{}{}</table:table-row><table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1"/></table:table-row>"#,
            ods_text("Measure"),
            ods_text("Value"),
        );
        let book = ods(&rows);
        assert!(book.len() < 4096);
        assert_eq!(
            read_file(&book, "a.ods", None),
            Err(FileError::TooManyCells)
        );
    }

    #[test]
    fn the_delimiter_is_sniffed() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n1,5;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\n1\t2\n"), b'\t');
    }
}
