//! Why an uploaded file cannot be read: the reader itself runs on the server only
//! (`crate::files`), but its refusals travel to the browser and are said in the reader's
//! language there.

use super::import::{MAX_CELLS, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS};
use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// How long reading one file may take.
pub const MAX_READ_TIME: Duration = Duration::from_secs(20);

/// Why a file could not be read, in words for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum FileError {
    #[error("The file is empty.")]
    Empty,
    #[error("The file is larger than 20 MB; split it into smaller files.")]
    TooLarge,
    #[error("The file is not UTF-8 text (an unreadable character on line {line}). In Excel use “Save as → CSV UTF-8”, or upload the workbook (.xlsx) itself.")]
    NotUtf8 { line: usize },
    #[error("The file is UTF-16 text. In Excel use “Save as → CSV UTF-8”, or upload the workbook (.xlsx) itself.")]
    Utf16,
    #[error("This is not a CSV or spreadsheet file (it holds binary data). Upload a .csv, .xlsx or .ods file.")]
    Binary,
    #[error("Excel 97–2003 workbooks (.xls) are not read. Open the file in Excel or LibreOffice and save it as .xlsx (or as CSV UTF-8), then upload that.")]
    OldExcel,
    #[error("The workbook cannot be read ({0}). Is it complete (not truncated) and really an Excel or OpenDocument file?")]
    Workbook(String),
    #[error("The workbook cannot be read safely: {0}. If it is a real workbook, save the sheet you need on its own as .xlsx or as CSV UTF-8, and upload that.")]
    Unpacked(String),
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
    #[error("The file has more than {MAX_CELLS} cells (counting the empty ones before each row's last filled cell); split it into smaller files.")]
    TooManyCells,
    #[error("A cell in row {line} holds more than {MAX_CELL_CHARS} characters (Excel's own limit). Is it the right file?")]
    CellTooLong { line: u32 },
    #[error("The file's cells hold more than 128 MB of text; split it into smaller files.")]
    TooMuchText,
    #[error("Reading the file took longer than {} seconds; split it into smaller files.", MAX_READ_TIME.as_secs())]
    TooSlow,
    #[error("A quoted cell that starts on line {line} is never closed (a closing \" is missing), so every row after it would be read into that one cell. Close the quote and upload the file again.")]
    UnclosedQuote { line: u64 },
    #[error("The CSV cannot be read at line {line}: {message}")]
    Csv { line: u64, message: String },
}

impl FileError {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let num = |n: usize| crate::i18n::format_number(locale, n as f64, 0);
        match self {
            FileError::Empty => td_string!(locale, errors.file.empty).to_string(),
            FileError::TooLarge => td_string!(locale, errors.file.too_large).to_string(),
            FileError::NotUtf8 { line } => {
                let line = line.to_string();
                td_string!(locale, errors.file.not_utf8, line).to_string()
            }
            FileError::Utf16 => td_string!(locale, errors.file.utf16).to_string(),
            FileError::Binary => td_string!(locale, errors.file.binary).to_string(),
            FileError::OldExcel => td_string!(locale, errors.file.old_excel).to_string(),
            // The reader's own detail stays as it reports it.
            FileError::Workbook(detail) => {
                td_string!(locale, errors.file.workbook, detail).to_string()
            }
            FileError::Unpacked(detail) => {
                td_string!(locale, errors.file.unpacked, detail).to_string()
            }
            FileError::NoSheet(sheet) => {
                td_string!(locale, errors.file.no_sheet, sheet).to_string()
            }
            FileError::NoHeader => td_string!(locale, errors.file.no_header).to_string(),
            FileError::HeaderOnly => td_string!(locale, errors.file.header_only).to_string(),
            FileError::TooManyRows => {
                let max = num(MAX_ROWS);
                td_string!(locale, errors.file.too_many_rows, max).to_string()
            }
            FileError::TooManyColumns => {
                let max = num(MAX_COLUMNS);
                td_string!(locale, errors.file.too_many_columns, max).to_string()
            }
            FileError::TooManyCells => {
                let max = num(MAX_CELLS);
                td_string!(locale, errors.file.too_many_cells, max).to_string()
            }
            FileError::CellTooLong { line } => {
                let (line, max) = (line.to_string(), num(MAX_CELL_CHARS));
                td_string!(locale, errors.file.cell_too_long, line, max).to_string()
            }
            FileError::TooMuchText => td_string!(locale, errors.file.too_much_text).to_string(),
            FileError::TooSlow => {
                let seconds = num(MAX_READ_TIME.as_secs() as usize);
                td_string!(locale, errors.file.too_slow, seconds).to_string()
            }
            FileError::UnclosedQuote { line } => {
                let line = line.to_string();
                td_string!(locale, errors.file.unclosed_quote, line).to_string()
            }
            FileError::Csv { line, message } => {
                let (line, detail) = (line.to_string(), message);
                td_string!(locale, errors.file.csv, line, detail).to_string()
            }
        }
    }
}
