//! Importing actuals from a spreadsheet, as pure rules: a table of cells read from a CSV or
//! workbook, a column mapping (guessed from the header, changeable by the user), and a catalogue
//! of the measures the user can see → an [`ImportPlan`]: the values to write and every bad row
//! with its spreadsheet row number, column, raw text and a specific reason.
//!
//! The rules, in short (the README's "Importing data" repeats them for users):
//! - **Layouts**: *long* — one row per value (measure, period, value, optional note); *wide* — one
//!   row per measure with months across (every value column's header is a month), as Excel
//!   exports look. The layout is guessed from the header and can be switched.
//! - **Measures** are matched by exact name, then by measure id, then by name ignoring case and
//!   extra spaces; two measures with that name → "ambiguous"; none → "unknown" with a "did you
//!   mean" suggestion when a name is close.
//! - **Numbers** follow one explicit number format for the whole file: `1,234.5` (decimal point)
//!   or `1.234,5` (decimal comma). Thousands separators must group by three; spaces and `'` group
//!   in both formats. `12 %` reads as 12 (percentage points, as Cairn stores percentages),
//!   `(12)` as −12, a leading or trailing `€ $ £ ¥` is ignored. A value that reads differently in
//!   the two formats (`1,234`) is counted and shown, never guessed silently.
//! - **Periods**: `2026-03`, `2026-3`, `2026/03`, `03/2026`, `Mar 2026`, `March 2026`, `Mar-26`,
//!   `202603`, a date (`2026-03-31`, `31/03/2026`) or a spreadsheet date stand for their month.
//!   A date whose day and month could be swapped (`03/04/2026`) is refused as ambiguous.
//! - **Empty values** are skipped (counted, not errors): an import never deletes an actual.
//! - **Duplicates** (the same measure and month twice in the file) are refused on *every* row
//!   involved, each naming the others: Cairn never picks one of two values silently.
//! - **Formula measures** (computed) and measures the user may not enter data for are refused
//!   per row.

use super::ids::MeasureId;
use super::model::{Actual, DataSource};
use super::period::Period;
use super::validation::ValidationError;
use crate::i18n::{td_string, Locale};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most data rows one file may hold.
pub const MAX_ROWS: usize = 200_000;
/// Most columns one file may hold (a wide sheet of 80 years of months fits).
pub const MAX_COLUMNS: usize = 1_000;
/// Most cells one file may hold: every cell of every row up to its last filled one, so a sheet
/// with one far-right cell per row counts its whole width (ten columns of 200,000 rows fit).
pub const MAX_CELLS: usize = 2_000_000;
/// The longest cell, in characters (Excel's own limit).
pub const MAX_CELL_CHARS: usize = 32_767;
/// Most text all cells together may hold: a workbook can repeat one long shared string in
/// every cell, which would otherwise multiply in memory.
pub const MAX_TEXT_BYTES: usize = 128 * 1024 * 1024;

/// One cell as read from the file: CSV gives text; workbooks also give numbers and dates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// Whether the cell holds nothing (or only spaces).
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as the user sees it (numbers without trailing zeros, dates as `YYYY-MM-DD`).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A row of the file with its 1-based row number as a spreadsheet shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub line: u32,
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell in `column` (a short row's missing cells are empty).
    pub fn cell(&self, column: usize) -> &Cell {
        self.cells.get(column).unwrap_or(&Cell::Empty)
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_empty)
    }
}

/// A sheet read from a file: the header row and the data rows below it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub header: Vec<Cell>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The header's text of `column` ("column C" when the header cell is empty).
    pub fn column_name(&self, column: usize) -> String {
        match self.header.get(column).map(Cell::display) {
            Some(name) if !name.is_empty() => name,
            _ => format!("column {}", column_letters(column)),
        }
    }

    /// Rough bytes held, so the server can bound the memory of open imports.
    pub fn approx_bytes(&self) -> usize {
        let cell = |c: &Cell| {
            std::mem::size_of::<Cell>()
                + match c {
                    Cell::Text(t) => t.capacity(),
                    _ => 0,
                }
        };
        self.header.iter().map(cell).sum::<usize>()
            + self
                .rows
                .iter()
                .map(|r| std::mem::size_of::<Row>() + r.cells.iter().map(cell).sum::<usize>())
                .sum::<usize>()
    }
}

/// Spreadsheet column letters of a 0-based column: 0 → A, 26 → AA.
pub fn column_letters(column: usize) -> String {
    let mut n = column + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// How the file lays values out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One row per value: measure, period, value (and a note).
    Long,
    /// One row per measure, one column per month (the header names the month).
    Wide,
}

/// What one column of the file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnRole {
    Ignore,
    Measure,
    /// The month of the row's value (long layout only).
    Period,
    /// The value (long), or the values of the month named in the header (wide).
    Value,
    Note,
}

impl ColumnRole {
    /// The label shown in the mapping selects.
    pub fn label(self, layout: Layout) -> &'static str {
        match (self, layout) {
            (ColumnRole::Ignore, _) => "Ignore",
            (ColumnRole::Measure, _) => "Measure",
            (ColumnRole::Period, _) => "Period",
            (ColumnRole::Value, Layout::Long) => "Value",
            (ColumnRole::Value, Layout::Wide) => "Values (month in header)",
            (ColumnRole::Note, _) => "Note",
        }
    }

    /// The roles a column may take in a layout.
    pub fn choices(layout: Layout) -> &'static [ColumnRole] {
        match layout {
            Layout::Long => &[
                ColumnRole::Ignore,
                ColumnRole::Measure,
                ColumnRole::Period,
                ColumnRole::Value,
                ColumnRole::Note,
            ],
            Layout::Wide => &[
                ColumnRole::Ignore,
                ColumnRole::Measure,
                ColumnRole::Value,
                ColumnRole::Note,
            ],
        }
    }
}

/// How numbers are written in the file: which mark is the decimal one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberFormat {
    /// `1,234.5`
    Point,
    /// `1.234,5`
    Comma,
}

impl NumberFormat {
    /// An example of the format, as the select shows it.
    pub fn example(self) -> &'static str {
        match self {
            NumberFormat::Point => "1,234.5 (decimal point)",
            NumberFormat::Comma => "1.234,5 (decimal comma)",
        }
    }

    fn decimal(self) -> char {
        match self {
            NumberFormat::Point => '.',
            NumberFormat::Comma => ',',
        }
    }

    fn other(self) -> NumberFormat {
        match self {
            NumberFormat::Point => NumberFormat::Comma,
            NumberFormat::Comma => NumberFormat::Point,
        }
    }
}

/// Which column holds what, the layout and the number format: everything the plan needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub layout: Layout,
    /// One role per header column.
    pub columns: Vec<ColumnRole>,
    pub numbers: NumberFormat,
}

impl Mapping {
    /// The first column with `role`.
    pub fn column(&self, role: ColumnRole) -> Option<usize> {
        self.columns.iter().position(|r| *r == role)
    }

    fn count(&self, role: ColumnRole) -> usize {
        self.columns.iter().filter(|r| **r == role).count()
    }
}

/// Why a mapping cannot be used (the user fixes it with the selects).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum MappingError {
    #[error("The mapping has {got} columns but the file has {want}; choose the columns again.")]
    WrongWidth { got: usize, want: usize },
    #[error("Choose the column that names the measure.")]
    NoMeasure,
    #[error("Choose the column that holds the period.")]
    NoPeriod,
    #[error("Choose the column that holds the value.")]
    NoValue,
    #[error("Only one column can be the {0}.")]
    Several(String),
    #[error(
        "In the months-across layout no column is a period; choose “one row per value” instead."
    )]
    PeriodInWide,
    #[error("In the months-across layout the header of a value column must be a month; “{0}” is not (write it as 2026-03 or Mar 2026, or ignore the column).")]
    NotAMonth(String),
}

impl MappingError {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        match self {
            MappingError::WrongWidth { got, want } => {
                let (got, want) = (num(locale, *got), num(locale, *want));
                td_string!(locale, errors.mapping.wrong_width, got, want).to_string()
            }
            MappingError::NoMeasure => td_string!(locale, errors.mapping.no_measure).to_string(),
            MappingError::NoPeriod => td_string!(locale, errors.mapping.no_period).to_string(),
            MappingError::NoValue => td_string!(locale, errors.mapping.no_value).to_string(),
            // The role as the mapping selects name it (English until the import screen's
            // labels are translated).
            MappingError::Several(role) => {
                td_string!(locale, errors.mapping.several, role).to_string()
            }
            MappingError::PeriodInWide => {
                td_string!(locale, errors.mapping.period_in_wide).to_string()
            }
            MappingError::NotAMonth(header) => {
                td_string!(locale, errors.mapping.not_a_month, header).to_string()
            }
        }
    }
}

fn num(locale: Locale, n: usize) -> String {
    crate::i18n::format_number(locale, n as f64, 0)
}

/// A measure the user can see, with what they may do to it: the catalogue rows are matched to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogueMeasure {
    pub id: MeasureId,
    pub name: String,
    /// Where it sits (its objective), to tell apart measures with the same name.
    pub context: String,
    /// The user may enter its actuals (contributor on its unit, or its data owner).
    pub may_enter: bool,
    /// A formula measure: its values are computed, never imported.
    pub computed: bool,
}

/// One value ready to be written, with the row it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub line: u32,
    pub measure_id: MeasureId,
    pub period: Period,
    pub value: f64,
    pub note: String,
}

impl Entry {
    /// The actual this entry writes (provenance is stamped by the server).
    pub fn actual(&self) -> Actual {
        Actual {
            measure_id: self.measure_id,
            period: self.period,
            value: self.value,
            note: self.note.clone(),
            entered_by: None,
            entered_at: String::new(),
            source: DataSource::Import,
        }
    }
}

/// Why a number could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum NumberError {
    #[error("is not a number")]
    NotANumber,
    #[error("reads as a number only with the other number format ({0}); choose that format if the whole file writes numbers that way")]
    OtherFormat(String),
    #[error("has thousands separators that do not group by three digits")]
    BadGrouping,
    #[error("is too large")]
    TooLarge,
    #[error("is a date, not a number")]
    IsDate,
}

impl NumberError {
    /// The predicate after the cell's text ("is not a number"), in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        match self {
            NumberError::NotANumber => td_string!(locale, errors.number.not_a_number).to_string(),
            NumberError::OtherFormat(value) => {
                td_string!(locale, errors.number.other_format, value).to_string()
            }
            NumberError::BadGrouping => td_string!(locale, errors.number.bad_grouping).to_string(),
            NumberError::TooLarge => td_string!(locale, errors.number.too_large).to_string(),
            NumberError::IsDate => td_string!(locale, errors.number.is_date).to_string(),
        }
    }
}

impl PeriodError {
    /// The predicate after the cell's text ("is not a calendar date"), in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        match self {
            PeriodError::NotAPeriod => td_string!(locale, errors.period_cell.not_a_period),
            PeriodError::AmbiguousDate => td_string!(locale, errors.period_cell.ambiguous_date),
            PeriodError::NoSuchDate => td_string!(locale, errors.period_cell.no_such_date),
            PeriodError::Quarter => td_string!(locale, errors.period_cell.quarter),
            PeriodError::YearOutOfRange => td_string!(locale, errors.period_cell.year_out_of_range),
            PeriodError::PlainNumber => td_string!(locale, errors.period_cell.plain_number),
        }
        .to_string()
    }
}

/// Why a period could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PeriodError {
    #[error("is not a period (write it as 2026-03, 03/2026 or Mar 2026)")]
    NotAPeriod,
    #[error("is ambiguous: day and month could be swapped (write it as 2026-03)")]
    AmbiguousDate,
    #[error("is not a calendar date")]
    NoSuchDate,
    #[error("is a quarter; Cairn keeps months (write the quarter's last month, e.g. 2026-03)")]
    Quarter,
    #[error("has a year outside 1900–2999")]
    YearOutOfRange,
    #[error("is a plain number; format the cell as a date or write 2026-03")]
    PlainNumber,
}

/// Why a row (or a cell of a wide row) is not imported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    UnknownMeasure {
        suggestion: Option<String>,
    },
    AmbiguousMeasure {
        candidates: Vec<String>,
    },
    MissingMeasure,
    MissingPeriod,
    BadNumber {
        why: NumberError,
    },
    BadPeriod {
        why: PeriodError,
    },
    /// The same measure and month appear on several rows; `others` are the other rows.
    Duplicate {
        others: Vec<u32>,
        same_value: bool,
    },
    FormulaMeasure,
    NotAllowed,
    /// More cells than the header has: often an unquoted comma inside a number.
    Ragged {
        cells: usize,
        header: usize,
    },
    Invalid {
        error: ValidationError,
    },
}

impl Reason {
    /// A short label of the kind, for the problems table and filters.
    pub fn label(&self) -> &'static str {
        match self {
            Reason::UnknownMeasure { .. } => "unknown measure",
            Reason::AmbiguousMeasure { .. } => "ambiguous measure",
            Reason::MissingMeasure => "no measure",
            Reason::MissingPeriod => "no period",
            Reason::BadNumber { .. } => "bad number",
            Reason::BadPeriod { .. } => "bad period",
            Reason::Duplicate { .. } => "duplicate",
            Reason::FormulaMeasure => "formula measure",
            Reason::NotAllowed => "not allowed",
            Reason::Ragged { .. } => "extra cells",
            Reason::Invalid { .. } => "invalid",
        }
    }

    /// [`Reason::label`] in `locale`.
    pub fn label_text(&self, locale: Locale) -> &'static str {
        match self {
            Reason::UnknownMeasure { .. } => {
                td_string!(locale, errors.problem.label.unknown_measure)
            }
            Reason::AmbiguousMeasure { .. } => {
                td_string!(locale, errors.problem.label.ambiguous_measure)
            }
            Reason::MissingMeasure => td_string!(locale, errors.problem.label.missing_measure),
            Reason::MissingPeriod => td_string!(locale, errors.problem.label.missing_period),
            Reason::BadNumber { .. } => td_string!(locale, errors.problem.label.bad_number),
            Reason::BadPeriod { .. } => td_string!(locale, errors.problem.label.bad_period),
            Reason::Duplicate { .. } => td_string!(locale, errors.problem.label.duplicate),
            Reason::FormulaMeasure => td_string!(locale, errors.problem.label.formula_measure),
            Reason::NotAllowed => td_string!(locale, errors.problem.label.not_allowed),
            Reason::Ragged { .. } => td_string!(locale, errors.problem.label.ragged),
            Reason::Invalid { .. } => td_string!(locale, errors.problem.label.invalid),
        }
    }
}

/// A problem of one row (and, when it is about one cell, its column).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub line: u32,
    pub column: Option<usize>,
    /// The header of that column ("" for row-wide problems).
    pub column_name: String,
    /// The cell's text as the file has it.
    pub raw: String,
    pub reason: Reason,
}

impl Problem {
    /// The full sentence shown to the user, e.g. `“Revenu” is not a measure of this map; did you mean “Revenue”?`.
    pub fn message(&self) -> String {
        let raw = &self.raw;
        match &self.reason {
            Reason::UnknownMeasure { suggestion: Some(s) } => {
                format!("“{raw}” is not a measure of this map; did you mean “{s}”?")
            }
            Reason::UnknownMeasure { suggestion: None } => {
                format!("“{raw}” is not a measure of this map.")
            }
            Reason::AmbiguousMeasure { candidates } => format!(
                "“{raw}” names {} measures ({}); use the measure id instead.",
                candidates.len(),
                candidates.join("; ")
            ),
            Reason::MissingMeasure => "The row has a value but no measure.".into(),
            Reason::MissingPeriod => "The row has a value but no period.".into(),
            Reason::BadNumber { why } => format!("“{raw}” {why}."),
            Reason::BadPeriod { why } => format!("“{raw}” {why}."),
            Reason::Duplicate { others, same_value } => {
                let rows: Vec<String> = others.iter().map(u32::to_string).collect();
                let which = if *same_value {
                    "with the same value"
                } else {
                    "with a different value"
                };
                format!(
                    "The same measure and month are also on row {} ({which}); keep one row.",
                    rows.join(", ")
                )
            }
            Reason::FormulaMeasure => {
                format!("“{raw}” is a formula measure: its values are computed, not imported.")
            }
            Reason::NotAllowed => format!(
                "You may not enter data for “{raw}” (that needs the contributor role on its unit, or being its data owner)."
            ),
            Reason::Ragged { cells, header } => format!(
                "The row has {cells} cells but the header has {header}; is there an unquoted comma in a number?"
            ),
            Reason::Invalid { error } => error.to_string(),
        }
    }

    /// [`Problem::message`] in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let raw = &self.raw;
        match &self.reason {
            Reason::UnknownMeasure {
                suggestion: Some(suggestion),
            } => td_string!(
                locale,
                errors.problem.unknown_measure_suggest,
                raw,
                suggestion
            )
            .to_string(),
            Reason::UnknownMeasure { suggestion: None } => {
                td_string!(locale, errors.problem.unknown_measure, raw).to_string()
            }
            Reason::AmbiguousMeasure { candidates } => {
                let count = num(locale, candidates.len());
                let candidates = candidates.join("; ");
                td_string!(
                    locale,
                    errors.problem.ambiguous_measure,
                    raw,
                    count,
                    candidates
                )
                .to_string()
            }
            Reason::MissingMeasure => {
                td_string!(locale, errors.problem.missing_measure).to_string()
            }
            Reason::MissingPeriod => td_string!(locale, errors.problem.missing_period).to_string(),
            Reason::BadNumber { why } => {
                let why = why.text(locale);
                td_string!(locale, errors.problem.bad_cell, raw, why).to_string()
            }
            Reason::BadPeriod { why } => {
                let why = why.text(locale);
                td_string!(locale, errors.problem.bad_cell, raw, why).to_string()
            }
            Reason::Duplicate { others, same_value } => {
                let rows = others
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                if *same_value {
                    td_string!(locale, errors.problem.duplicate_same, rows).to_string()
                } else {
                    td_string!(locale, errors.problem.duplicate_different, rows).to_string()
                }
            }
            Reason::FormulaMeasure => {
                td_string!(locale, errors.problem.formula_measure, raw).to_string()
            }
            Reason::NotAllowed => td_string!(locale, errors.problem.not_allowed, raw).to_string(),
            Reason::Ragged { cells, header } => {
                let (cells, header) = (num(locale, *cells), num(locale, *header));
                td_string!(locale, errors.problem.ragged, cells, header).to_string()
            }
            Reason::Invalid { error } => error.text(locale),
        }
    }
}

/// What an import would do: the values to write and every problem, with counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportPlan {
    pub entries: Vec<Entry>,
    /// Sorted by row, then column.
    pub problems: Vec<Problem>,
    /// Non-blank data rows read.
    pub rows: usize,
    /// Rows with at least one problem.
    pub bad_rows: usize,
    /// Empty value cells, skipped (an import never deletes).
    pub skipped_empty: usize,
    /// Values that read differently in the other number format (e.g. `1,234`), and the first one.
    pub ambiguous_numbers: usize,
    pub ambiguous_example: Option<String>,
}

impl ImportPlan {
    /// Distinct measures among the values to write.
    pub fn measures(&self) -> usize {
        let mut ids: Vec<MeasureId> = self.entries.iter().map(|e| e.measure_id).collect();
        ids.sort();
        ids.dedup();
        ids.len()
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/// Group separators accepted in both formats: spaces (also no-break ones) and apostrophes.
const SPACES: [char; 5] = [' ', '\u{a0}', '\u{202f}', '\'', '’'];
const CURRENCIES: [char; 4] = ['€', '$', '£', '¥'];

/// Reads a number written in `format` (see the module rules).
pub fn parse_number(text: &str, format: NumberFormat) -> Result<f64, NumberError> {
    let mut s = text.trim();
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    // Signs, currency symbols and a percent sign may come in any order around the digits.
    loop {
        let before = s;
        for sign in ['-', '−'] {
            if let Some(rest) = s.strip_prefix(sign) {
                negative = !negative;
                s = rest.trim_start();
            }
        }
        if let Some(rest) = s.strip_prefix('+') {
            s = rest.trim_start();
        }
        s = s
            .trim_start_matches(CURRENCIES)
            .trim_end_matches(CURRENCIES)
            .trim();
        s = s.strip_suffix('%').map(str::trim_end).unwrap_or(s);
        if s == before {
            break;
        }
    }
    let magnitude = parse_unsigned(s, format)?;
    Ok(if negative { -magnitude } else { magnitude })
}

/// Digits with the format's decimal mark, grouped thousands and an optional exponent.
fn parse_unsigned(s: &str, format: NumberFormat) -> Result<f64, NumberError> {
    if s.is_empty() || !s.starts_with(|c: char| c.is_ascii_digit() || c == format.decimal()) {
        return Err(other_format_or(s, format, NumberError::NotANumber));
    }
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let decimal = format.decimal();
    let group = format.other().decimal();
    let (int_part, frac_part) = match mantissa.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    if frac_part.is_some_and(|f| !f.chars().all(|c| c.is_ascii_digit())) {
        return Err(other_format_or(s, format, NumberError::NotANumber));
    }
    let digits = ungroup(int_part, group).map_err(|e| other_format_or(s, format, e))?;
    let mut normal = digits;
    if let Some(f) = frac_part {
        normal.push('.');
        normal.push_str(f);
    }
    if let Some(e) = exponent {
        let body = e.strip_prefix(['+', '-']).unwrap_or(e);
        if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit()) {
            return Err(NumberError::NotANumber);
        }
        normal.push('e');
        normal.push_str(e);
    }
    let value: f64 = normal.parse().map_err(|_| NumberError::NotANumber)?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(NumberError::TooLarge)
    }
}

/// The integer digits without thousands separators, which must group by three.
fn ungroup(int_part: &str, group: char) -> Result<String, NumberError> {
    if int_part.chars().all(|c| c.is_ascii_digit()) {
        return Ok(int_part.to_string());
    }
    let sep = int_part
        .chars()
        .find(|c| !c.is_ascii_digit())
        .ok_or(NumberError::NotANumber)?;
    if sep != group && !SPACES.contains(&sep) {
        return Err(NumberError::NotANumber);
    }
    let groups: Vec<&str> = int_part.split(sep).collect();
    let digits_only = |g: &str| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit());
    if !groups.iter().all(|g| digits_only(g)) {
        return Err(
            if groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit())) {
                NumberError::BadGrouping
            } else {
                NumberError::NotANumber
            },
        );
    }
    if groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3) {
        return Err(NumberError::BadGrouping);
    }
    Ok(groups.concat())
}

/// `fallback`, unless the text reads as a number in the other format: then say so.
fn other_format_or(s: &str, format: NumberFormat, fallback: NumberError) -> NumberError {
    match parse_unsigned_strict(s, format.other()) {
        true => NumberError::OtherFormat(format.other().example().to_string()),
        false => fallback,
    }
}

fn parse_unsigned_strict(s: &str, format: NumberFormat) -> bool {
    let decimal = format.decimal();
    let group = format.other().decimal();
    let (int_part, frac) = match s.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    !int_part.is_empty()
        && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
        && ungroup(int_part, group).is_ok()
}

/// Whether a number reads as a different value in the other format (`1,234` or `1.234`).
pub fn is_ambiguous_number(text: &str) -> bool {
    let t = text
        .trim()
        .trim_start_matches(['-', '+', '('])
        .trim_end_matches(')');
    let t = t.trim_end_matches('%').trim();
    let seps: Vec<char> = t.chars().filter(|c| *c == '.' || *c == ',').collect();
    !seps.is_empty()
        && seps.iter().all(|c| *c == seps[0])
        && parse_number(t, NumberFormat::Point).is_ok()
        && parse_number(t, NumberFormat::Comma).is_ok()
}

/// The number of a cell in `format`; `None` when it is empty.
pub fn cell_number(cell: &Cell, format: NumberFormat) -> Option<Result<f64, NumberError>> {
    match cell {
        _ if cell.is_empty() => None,
        Cell::Number(n) if n.is_finite() => Some(Ok(*n)),
        Cell::Number(_) => Some(Err(NumberError::TooLarge)),
        Cell::Date(_) => Some(Err(NumberError::IsDate)),
        Cell::Text(t) => Some(parse_number(t, format)),
        Cell::Empty => None,
    }
}

/// The number format the value cells suggest: the one under which more of them read only that
/// way; the decimal point when nothing tells them apart.
pub fn detect_number_format<'a>(values: impl Iterator<Item = &'a Cell>) -> NumberFormat {
    let (mut point, mut comma) = (0usize, 0usize);
    for cell in values {
        if let Cell::Text(t) = cell {
            let p = parse_number(t, NumberFormat::Point).is_ok();
            let c = parse_number(t, NumberFormat::Comma).is_ok();
            match (p, c) {
                (true, false) => point += 1,
                (false, true) => comma += 1,
                _ => {}
            }
        }
    }
    if comma > point {
        NumberFormat::Comma
    } else {
        NumberFormat::Point
    }
}

// ---------------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------------

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month (1–12) of an English month name or its abbreviation ("Mar", "Sept", "march").
fn month_of_name(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    if w == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(&w)))
        .map(|i| i as u8 + 1)
}

fn period_of(year: i32, month: u32) -> Result<Period, PeriodError> {
    if !(1..=12).contains(&month) {
        return Err(PeriodError::NotAPeriod);
    }
    Period::new(year, month as u8).ok_or(PeriodError::YearOutOfRange)
}

fn date_period(year: i32, month: u32, day: u32) -> Result<Period, PeriodError> {
    if !(1..=12).contains(&month) {
        return Err(PeriodError::NotAPeriod);
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or(PeriodError::NoSuchDate)?;
    period_of(year, month)
}

fn number(token: &str) -> Option<u32> {
    (!token.is_empty() && token.len() <= 4 && token.chars().all(|c| c.is_ascii_digit()))
        .then(|| token.parse().ok())
        .flatten()
}

/// A year token: four digits, or two after a month name (`Mar-26` → 2026).
fn year_of(token: &str, two_digits_ok: bool) -> Option<i32> {
    let n = number(token)? as i32;
    match token.len() {
        4 => Some(n),
        2 if two_digits_ok => Some(2000 + n),
        _ => None,
    }
}

/// Reads a period written in any of the accepted forms (see the module rules).
pub fn parse_period(text: &str) -> Result<Period, PeriodError> {
    let s = text.trim();
    // ISO date or date-time: 2026-03-31, 2026-03-31T00:00:00, 2026-03-31 00:00.
    if s.len() >= 10 && s.is_char_boundary(10) && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-'
    {
        let rest = &s[10..];
        if rest.is_empty() || rest.starts_with(['T', ' ']) {
            let (y, m, d) = (number(&s[..4]), number(&s[5..7]), number(&s[8..10]));
            if let (Some(y), Some(m), Some(d)) = (y, m, d) {
                return date_period(y as i32, m, d);
            }
        }
    }
    // 202603: a year and month run together, as ERP exports write them.
    if s.len() == 6 && s.chars().all(|c| c.is_ascii_digit()) {
        let (y, m) = (number(&s[..4]), number(&s[4..]));
        if let (Some(y), Some(m)) = (y, m) {
            return period_of(y as i32, m);
        }
    }
    let tokens: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | '.' | ','))
        .filter(|t| !t.is_empty())
        .collect();
    if tokens
        .iter()
        .any(|t| t.len() == 2 && t.to_ascii_uppercase().starts_with('Q'))
    {
        return Err(PeriodError::Quarter);
    }
    let named: Vec<(usize, u8)> = tokens
        .iter()
        .enumerate()
        .filter_map(|(i, t)| month_of_name(t).map(|m| (i, m)))
        .collect();
    match (tokens.as_slice(), named.as_slice()) {
        // Mar 2026, 2026 March, Mar-26
        ([a, b], [(i, m)]) => {
            let year = if *i == 0 { b } else { a };
            let y = year_of(year, *i == 0).ok_or(PeriodError::NotAPeriod)?;
            period_of(y, u32::from(*m))
        }
        // 31 Mar 2026, Mar 31 2026, 2026 Mar 31
        ([_, _, _], [(i, m)]) => {
            let others: Vec<&str> = (0..3).filter(|j| j != i).map(|j| tokens[j]).collect();
            let (y, d) = match (year_of(others[0], false), year_of(others[1], false)) {
                (Some(y), None) => (y, number(others[1])),
                (None, Some(y)) => (y, number(others[0])),
                _ => return Err(PeriodError::NotAPeriod),
            };
            date_period(y, u32::from(*m), d.ok_or(PeriodError::NotAPeriod)?)
        }
        // 2026-03, 2026/3, 03/2026
        ([a, b], []) => match (number(a), number(b)) {
            (Some(x), Some(y)) if a.len() == 4 && b.len() <= 2 => period_of(x as i32, y),
            (Some(x), Some(y)) if b.len() == 4 && a.len() <= 2 => period_of(y as i32, x),
            _ => Err(PeriodError::NotAPeriod),
        },
        // 2026-03-31, 31/03/2026, 03/31/2026
        ([a, b, c], []) => match (number(a), number(b), number(c)) {
            (Some(y), Some(m), Some(d)) if a.len() == 4 => date_period(y as i32, m, d),
            (Some(x), Some(z), Some(y)) if c.len() == 4 => {
                let month = match (x, z) {
                    (x, z) if x == z => x,
                    (x, z) if x > 12 && z <= 12 => z,
                    (x, z) if z > 12 && x <= 12 => x,
                    (x, z) if x <= 12 && z <= 12 => return Err(PeriodError::AmbiguousDate),
                    _ => return Err(PeriodError::NoSuchDate),
                };
                let day = if month == x { z } else { x };
                date_period(y as i32, month, day)
            }
            _ => Err(PeriodError::NotAPeriod),
        },
        _ => Err(PeriodError::NotAPeriod),
    }
}

/// The period of a cell; `None` when it is empty. A spreadsheet date stands for its month; a
/// plain number is accepted only as `YYYYMM`.
pub fn cell_period(cell: &Cell) -> Option<Result<Period, PeriodError>> {
    match cell {
        _ if cell.is_empty() => None,
        Cell::Date(d) => Some(period_of(d.year(), d.month())),
        Cell::Number(n) => Some(if n.fract() == 0.0 && (190_001.0..=299_912.0).contains(n) {
            parse_period(&n.to_string()).map_err(|_| PeriodError::PlainNumber)
        } else {
            Err(PeriodError::PlainNumber)
        }),
        Cell::Text(t) => Some(parse_period(t)),
        Cell::Empty => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Measures
// ---------------------------------------------------------------------------------------------

/// A name compared loosely: lower case, single spaces.
fn fold(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Finds catalogue measures by exact name, id, or loose name; caches each distinct text.
struct Matcher<'a> {
    catalogue: &'a [CatalogueMeasure],
    exact: HashMap<&'a str, Vec<usize>>,
    loose: HashMap<String, Vec<usize>>,
    ids: HashMap<MeasureId, usize>,
    cache: HashMap<String, Result<usize, Reason>>,
}

impl<'a> Matcher<'a> {
    fn new(catalogue: &'a [CatalogueMeasure]) -> Self {
        let mut exact: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut loose: HashMap<String, Vec<usize>> = HashMap::new();
        let mut ids = HashMap::new();
        for (i, m) in catalogue.iter().enumerate() {
            exact.entry(m.name.trim()).or_default().push(i);
            loose.entry(fold(&m.name)).or_default().push(i);
            ids.insert(m.id, i);
        }
        Matcher {
            catalogue,
            exact,
            loose,
            ids,
            cache: HashMap::new(),
        }
    }

    /// The catalogue index of the measure `text` names, or why there is none.
    fn find(&mut self, text: &str) -> Result<usize, Reason> {
        let key = text.trim();
        if let Some(hit) = self.cache.get(key) {
            return hit.clone();
        }
        let found = self.resolve(key);
        self.cache.insert(key.to_string(), found.clone());
        found
    }

    fn resolve(&self, key: &str) -> Result<usize, Reason> {
        let one = |hits: &Vec<usize>| -> Result<usize, Reason> {
            match hits.as_slice() {
                [i] => Ok(*i),
                many => Err(Reason::AmbiguousMeasure {
                    candidates: many
                        .iter()
                        .map(|i| {
                            let m = &self.catalogue[*i];
                            format!("{} under “{}”, id {}", m.name, m.context, m.id)
                        })
                        .collect(),
                }),
            }
        };
        if let Some(hits) = self.exact.get(key) {
            return one(hits);
        }
        if let Some(i) = key
            .parse::<MeasureId>()
            .ok()
            .and_then(|id| self.ids.get(&id))
        {
            return Ok(*i);
        }
        if let Some(hits) = self.loose.get(&fold(key)) {
            return one(hits);
        }
        Err(Reason::UnknownMeasure {
            suggestion: self.suggest(key),
        })
    }

    /// The closest catalogue name, when one is close enough to be a typo.
    fn suggest(&self, key: &str) -> Option<String> {
        let key = fold(key);
        self.catalogue
            .iter()
            .map(|m| {
                let name = fold(&m.name);
                // "Revenue growth (year on year)" is also compared without its parenthesis.
                let short = match name.split_once(" (") {
                    Some((head, _)) => head.to_string(),
                    None => name.clone(),
                };
                let mut score = similarity(&key, &name).max(similarity(&key, &short));
                if key.len() >= 4 && name.contains(&key) {
                    score = score.max(0.7);
                }
                (score, &m.name)
            })
            .filter(|(score, _)| *score >= SUGGESTION_FLOOR)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, name)| name.clone())
    }
}

/// How similar a text must be to a measure's name to be suggested as a typo of it.
const SUGGESTION_FLOOR: f64 = 0.6;

/// The Damerau–Levenshtein similarity of two names (1 = equal), or 0 when their lengths alone
/// keep it under [`SUGGESTION_FLOOR`]: the distance is at least the difference of the lengths,
/// and computing it costs the product of the lengths, so a megabyte-long cell would cost
/// seconds per measure for a suggestion it can never get.
fn similarity(a: &str, b: &str) -> f64 {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let (shorter, longer) = (la.min(lb) as f64, la.max(lb) as f64);
    if shorter < SUGGESTION_FLOOR * longer {
        return 0.0;
    }
    strsim::normalized_damerau_levenshtein(a, b)
}

// ---------------------------------------------------------------------------------------------
// Guessing the mapping
// ---------------------------------------------------------------------------------------------

const MEASURE_WORDS: [&str; 10] = [
    "measure",
    "measure name",
    "kpi",
    "kpi name",
    "indicator",
    "metric",
    "name",
    "measure id",
    "id",
    "key performance indicator",
];
const PERIOD_WORDS: [&str; 7] = [
    "period",
    "month",
    "date",
    "reporting period",
    "period end",
    "as of",
    "reporting month",
];
const VALUE_WORDS: [&str; 7] = [
    "value",
    "actual",
    "actuals",
    "actual value",
    "amount",
    "result",
    "score",
];
const NOTE_WORDS: [&str; 7] = [
    "note",
    "notes",
    "comment",
    "comments",
    "remark",
    "remarks",
    "commentary",
];

/// A header cell's text reduced to lower-case words.
fn header_words(cell: &Cell) -> String {
    let text: String = cell
        .display()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    fold(&text)
}

/// Guesses the mapping from the header names, the cells and the catalogue; `layout` forces a
/// layout (when the user switches it), otherwise it is detected: months across the header mean
/// the wide layout.
pub fn guess_mapping(
    table: &Table,
    catalogue: &[CatalogueMeasure],
    layout: Option<Layout>,
) -> Mapping {
    let width = table.header.len();
    let mut columns = vec![ColumnRole::Ignore; width];
    let words: Vec<String> = table.header.iter().map(header_words).collect();
    let month_headers: Vec<usize> = (0..width)
        .filter(|c| cell_period(&table.header[*c]).is_some_and(|p| p.is_ok()))
        .collect();
    for (role, names) in [
        (ColumnRole::Measure, &MEASURE_WORDS[..]),
        (ColumnRole::Period, &PERIOD_WORDS[..]),
        (ColumnRole::Value, &VALUE_WORDS[..]),
        (ColumnRole::Note, &NOTE_WORDS[..]),
    ] {
        // Earlier words are stronger ("measure" beats "id").
        let hit = names.iter().find_map(|name| {
            (0..width).find(|c| columns[*c] == ColumnRole::Ignore && words[*c] == *name)
        });
        if let Some(c) = hit {
            columns[c] = role;
        }
    }
    let layout = layout.unwrap_or(
        if !month_headers.is_empty() && !columns.contains(&ColumnRole::Period) {
            Layout::Wide
        } else {
            Layout::Long
        },
    );
    let sample: Vec<&Row> = table.rows.iter().take(50).collect();
    // The share of a column's filled sample cells that pass `test`.
    let share = |c: usize, test: &mut dyn FnMut(&Cell) -> bool| {
        let filled: Vec<&Cell> = sample
            .iter()
            .map(|r| r.cell(c))
            .filter(|x| !x.is_empty())
            .collect();
        if filled.is_empty() {
            return 0.0;
        }
        filled.iter().filter(|x| test(x)).count() as f64 / filled.len() as f64
    };
    if !columns.contains(&ColumnRole::Measure) {
        let mut matcher = Matcher::new(catalogue);
        let best = (0..width)
            .filter(|c| columns[*c] == ColumnRole::Ignore && !month_headers.contains(c))
            .map(|c| (c, share(c, &mut |x| matcher.find(&x.display()).is_ok())))
            .filter(|(_, s)| *s > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((c, _)) = best {
            columns[c] = ColumnRole::Measure;
        }
    }
    match layout {
        Layout::Wide => {
            for role in columns.iter_mut() {
                if *role == ColumnRole::Period || *role == ColumnRole::Value {
                    *role = ColumnRole::Ignore;
                }
            }
            for c in &month_headers {
                if columns[*c] == ColumnRole::Ignore {
                    columns[*c] = ColumnRole::Value;
                }
            }
        }
        Layout::Long => {
            let is_period = |x: &Cell| cell_period(x).is_some_and(|p| p.is_ok());
            let is_number = |x: &Cell| {
                [NumberFormat::Point, NumberFormat::Comma]
                    .iter()
                    .any(|f| cell_number(x, *f).is_some_and(|n| n.is_ok()))
            };
            for (role, test) in [
                (ColumnRole::Period, &is_period as &dyn Fn(&Cell) -> bool),
                (ColumnRole::Value, &is_number),
            ] {
                if columns.contains(&role) {
                    continue;
                }
                let pick = (0..width)
                    .filter(|c| columns[*c] == ColumnRole::Ignore)
                    .find(|c| share(*c, &mut |x| test(x)) >= 0.5);
                if let Some(c) = pick {
                    columns[c] = role;
                }
            }
        }
    }
    let mut mapping = Mapping {
        layout,
        columns,
        numbers: NumberFormat::Point,
    };
    mapping.numbers = detect_number_format(value_cells(table, &mapping));
    mapping
}

/// Every cell the mapping reads as a value.
fn value_cells<'a>(table: &'a Table, mapping: &'a Mapping) -> impl Iterator<Item = &'a Cell> {
    let value_columns: Vec<usize> = (0..mapping.columns.len())
        .filter(|c| mapping.columns[*c] == ColumnRole::Value)
        .collect();
    table
        .rows
        .iter()
        .flat_map(move |r| value_columns.clone().into_iter().map(move |c| r.cell(c)))
}

// ---------------------------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------------------------

/// Checks a mapping against the table: one measure column; a period and a value column (long)
/// or month-headed value columns (wide); at most one note column.
pub fn check_mapping(table: &Table, mapping: &Mapping) -> Result<(), MappingError> {
    if mapping.columns.len() != table.header.len() {
        return Err(MappingError::WrongWidth {
            got: mapping.columns.len(),
            want: table.header.len(),
        });
    }
    for (role, name) in [
        (ColumnRole::Measure, "measure"),
        (ColumnRole::Note, "note"),
        (ColumnRole::Period, "period"),
    ] {
        if mapping.count(role) > 1 {
            return Err(MappingError::Several(name.into()));
        }
    }
    if mapping.count(ColumnRole::Measure) == 0 {
        return Err(MappingError::NoMeasure);
    }
    match mapping.layout {
        Layout::Long => {
            if mapping.count(ColumnRole::Period) == 0 {
                return Err(MappingError::NoPeriod);
            }
            match mapping.count(ColumnRole::Value) {
                0 => Err(MappingError::NoValue),
                1 => Ok(()),
                _ => Err(MappingError::Several("value".into())),
            }
        }
        Layout::Wide => {
            if mapping.count(ColumnRole::Period) > 0 {
                return Err(MappingError::PeriodInWide);
            }
            if mapping.count(ColumnRole::Value) == 0 {
                return Err(MappingError::NoValue);
            }
            for (c, role) in mapping.columns.iter().enumerate() {
                if *role == ColumnRole::Value
                    && cell_period(&table.header[c]).is_none_or(|p| p.is_err())
                {
                    return Err(MappingError::NotAMonth(table.column_name(c)));
                }
            }
            Ok(())
        }
    }
}

/// One value the rows give, before duplicates are looked for.
struct Candidate {
    line: u32,
    column: usize,
    measure: usize,
    period: Period,
    value: f64,
    note: String,
}

/// Builds the plan: every row checked, every problem reported, duplicates refused on all their
/// rows, the rest ready to write.
pub fn plan(
    table: &Table,
    mapping: &Mapping,
    catalogue: &[CatalogueMeasure],
) -> Result<ImportPlan, MappingError> {
    check_mapping(table, mapping)?;
    let mut matcher = Matcher::new(catalogue);
    let mut out = ImportPlan::default();
    let mut candidates: Vec<Candidate> = Vec::new();
    let width = table.header.len();
    let measure_col = mapping.column(ColumnRole::Measure).unwrap_or(0);
    let note_col = mapping.column(ColumnRole::Note);
    let value_cols: Vec<(usize, Option<Period>)> = (0..width)
        .filter(|c| mapping.columns[*c] == ColumnRole::Value)
        .map(|c| {
            let header_period = match mapping.layout {
                Layout::Wide => cell_period(&table.header[c]).and_then(Result::ok),
                Layout::Long => None,
            };
            (c, header_period)
        })
        .collect();
    let period_col = mapping.column(ColumnRole::Period);
    for row in &table.rows {
        if row.is_blank() {
            continue;
        }
        out.rows += 1;
        let problem = |column: Option<usize>, raw: String, reason: Reason| Problem {
            line: row.line,
            column,
            column_name: column.map(|c| table.column_name(c)).unwrap_or_default(),
            raw,
            reason,
        };
        let extra = row.cells.len().saturating_sub(width);
        if extra > 0 && row.cells[width..].iter().any(|c| !c.is_empty()) {
            out.problems.push(problem(
                None,
                String::new(),
                Reason::Ragged {
                    cells: row.cells.iter().rposition(|c| !c.is_empty()).unwrap_or(0) + 1,
                    header: width,
                },
            ));
            continue;
        }
        let filled: Vec<&(usize, Option<Period>)> = value_cols
            .iter()
            .filter(|(c, _)| !row.cell(*c).is_empty())
            .collect();
        out.skipped_empty += value_cols.len() - filled.len();
        if filled.is_empty() {
            continue;
        }
        let mut row_problems = Vec::new();
        // This row's candidates are the ones pushed from here on: dropping them is a truncate,
        // not a scan of every earlier row's.
        let row_start = candidates.len();
        let measure_cell = row.cell(measure_col);
        let measure_raw = measure_cell.display();
        let measure = if measure_cell.is_empty() {
            row_problems.push(problem(
                Some(measure_col),
                String::new(),
                Reason::MissingMeasure,
            ));
            None
        } else {
            match matcher.find(&measure_raw) {
                Ok(i) => {
                    let m = &catalogue[i];
                    if m.computed {
                        row_problems.push(problem(
                            Some(measure_col),
                            measure_raw.clone(),
                            Reason::FormulaMeasure,
                        ));
                    } else if !m.may_enter {
                        row_problems.push(problem(
                            Some(measure_col),
                            measure_raw.clone(),
                            Reason::NotAllowed,
                        ));
                    }
                    Some(i)
                }
                Err(reason) => {
                    row_problems.push(problem(Some(measure_col), measure_raw.clone(), reason));
                    None
                }
            }
        };
        let row_period = match period_col {
            Some(c) => match cell_period(row.cell(c)) {
                None => {
                    row_problems.push(problem(Some(c), String::new(), Reason::MissingPeriod));
                    None
                }
                Some(Err(why)) => {
                    row_problems.push(problem(
                        Some(c),
                        row.cell(c).display(),
                        Reason::BadPeriod { why },
                    ));
                    None
                }
                Some(Ok(p)) => Some(p),
            },
            None => None,
        };
        let note = note_col.map(|c| row.cell(c).display()).unwrap_or_default();
        for (c, header_period) in filled {
            let cell = row.cell(*c);
            let value = match cell_number(cell, mapping.numbers) {
                Some(Ok(v)) => {
                    if matches!(cell, Cell::Text(t) if is_ambiguous_number(t)) {
                        out.ambiguous_numbers += 1;
                        out.ambiguous_example.get_or_insert_with(|| cell.display());
                    }
                    Some(v)
                }
                Some(Err(why)) => {
                    row_problems.push(problem(Some(*c), cell.display(), Reason::BadNumber { why }));
                    None
                }
                None => None,
            };
            let period = header_period.or(row_period);
            if let (Some(measure), Some(period), Some(value)) = (measure, period, value) {
                candidates.push(Candidate {
                    line: row.line,
                    column: *c,
                    measure,
                    period,
                    value,
                    note: note.clone(),
                });
            }
        }
        if !row_problems.is_empty() {
            // A row with any problem writes nothing: its other cells may be misread too.
            candidates.truncate(row_start);
            out.problems.extend(row_problems);
            continue;
        }
        if let Some(k) = candidates[row_start..].last() {
            if let Err(e) = super::validation::actual(&entry_of(k, catalogue).actual()) {
                candidates.truncate(row_start);
                out.problems.push(problem(
                    note_col,
                    note.clone(),
                    Reason::Invalid { error: e },
                ));
            }
        }
    }
    out.entries = without_duplicates(candidates, table, catalogue, &mut out.problems);
    out.problems.sort_by_key(|p| (p.line, p.column));
    let mut lines: Vec<u32> = out.problems.iter().map(|p| p.line).collect();
    lines.dedup();
    out.bad_rows = lines.len();
    Ok(out)
}

fn entry_of(k: &Candidate, catalogue: &[CatalogueMeasure]) -> Entry {
    Entry {
        line: k.line,
        measure_id: catalogue[k.measure].id,
        period: k.period,
        value: k.value,
        note: k.note.clone(),
    }
}

/// The candidates whose measure and month appear once; the others become problems on every
/// row involved.
fn without_duplicates(
    candidates: Vec<Candidate>,
    table: &Table,
    catalogue: &[CatalogueMeasure],
    problems: &mut Vec<Problem>,
) -> Vec<Entry> {
    let mut cells: HashMap<(usize, Period), Vec<usize>> = HashMap::new();
    for (i, k) in candidates.iter().enumerate() {
        cells.entry((k.measure, k.period)).or_default().push(i);
    }
    let mut entries = Vec::with_capacity(candidates.len());
    for (i, k) in candidates.iter().enumerate() {
        let group = cells
            .get(&(k.measure, k.period))
            .map(Vec::as_slice)
            .unwrap_or_default();
        if group.len() <= 1 {
            entries.push(entry_of(k, catalogue));
            continue;
        }
        let others: Vec<u32> = group
            .iter()
            .filter(|j| **j != i)
            .map(|j| candidates[*j].line)
            .collect();
        let same_value = group.iter().all(|j| candidates[*j].value == k.value);
        problems.push(Problem {
            line: k.line,
            column: Some(k.column),
            column_name: table.column_name(k.column),
            raw: format!("{} · {} · {}", catalogue[k.measure].name, k.period, k.value),
            reason: Reason::Duplicate { others, same_value },
        });
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn problems_in_german() {
        let problem = |raw: &str, reason| Problem {
            line: 4,
            column: Some(1),
            column_name: "Measure".into(),
            raw: raw.into(),
            reason,
        };
        let unknown = problem(
            "Revenu",
            Reason::UnknownMeasure {
                suggestion: Some("Revenue".into()),
            },
        );
        assert_eq!(unknown.text(Locale::en), unknown.message());
        assert_eq!(
            unknown.text(Locale::de),
            "„Revenu“ ist keine Kennzahl dieser Strategy Map; meinten Sie „Revenue“?"
        );
        assert_eq!(unknown.reason.label_text(Locale::de), "unbekannte Kennzahl");
        let period = problem(
            "Q1 2026",
            Reason::BadPeriod {
                why: PeriodError::Quarter,
            },
        );
        assert_eq!(period.text(Locale::en), period.message());
        assert!(period
            .text(Locale::de)
            .starts_with("„Q1 2026“ ist ein Quartal"));
    }

    fn text(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    }

    fn table(rows: &[&[&str]]) -> Table {
        Table {
            header: rows[0].iter().map(|s| text(s)).collect(),
            rows: rows[1..]
                .iter()
                .enumerate()
                .map(|(i, r)| Row {
                    line: i as u32 + 2,
                    cells: r.iter().map(|s| text(s)).collect(),
                })
                .collect(),
        }
    }

    fn measure(name: &str) -> CatalogueMeasure {
        CatalogueMeasure {
            id: MeasureId::new(),
            name: name.into(),
            context: "Grow revenue".into(),
            may_enter: true,
            computed: false,
        }
    }

    fn catalogue() -> Vec<CatalogueMeasure> {
        let mut formula = measure("Gross margin");
        formula.computed = true;
        let mut locked = measure("Headcount");
        locked.may_enter = false;
        vec![
            measure("Revenue growth"),
            measure("Client satisfaction"),
            formula,
            locked,
            measure("Net Promoter Score (NPS)"),
        ]
    }

    #[test]
    fn numbers_in_point_format() {
        let ok = |s: &str, v: f64| assert_eq!(parse_number(s, NumberFormat::Point), Ok(v), "{s}");
        ok("1234.5", 1234.5);
        ok(" 1,234.5 ", 1234.5);
        ok("1,234,567", 1_234_567.0);
        ok("1 234.5", 1234.5);
        ok("1\u{a0}234", 1234.0);
        ok("1'234.5", 1234.5);
        ok("12 %", 12.0);
        ok("12%", 12.0);
        ok("(12)", -12.0);
        ok("-3.5", -3.5);
        ok("−3.5", -3.5);
        ok("+7", 7.0);
        ok("€ 1,200", 1200.0);
        ok("$-5", -5.0);
        ok("1200 €", 1200.0);
        ok(".5", 0.5);
        ok("1.5e3", 1500.0);
        ok("0", 0.0);
    }

    #[test]
    fn numbers_in_comma_format() {
        let ok = |s: &str, v: f64| assert_eq!(parse_number(s, NumberFormat::Comma), Ok(v), "{s}");
        ok("1234,5", 1234.5);
        ok("1.234,5", 1234.5);
        ok("1 234,5", 1234.5);
        ok("12,5 %", 12.5);
        ok("(1.000)", -1000.0);
    }

    #[test]
    fn bad_numbers_say_why() {
        use NumberError::*;
        let err = |s: &str, f| parse_number(s, f).unwrap_err();
        assert!(matches!(err("1,5", NumberFormat::Point), OtherFormat(_)));
        assert!(matches!(
            err("1.234,5", NumberFormat::Point),
            OtherFormat(_)
        ));
        assert!(matches!(err("1.5", NumberFormat::Comma), OtherFormat(_)));
        assert_eq!(err("1,23,456", NumberFormat::Point), BadGrouping);
        assert_eq!(err("abc", NumberFormat::Point), NotANumber);
        assert_eq!(err("12abc", NumberFormat::Point), NotANumber);
        assert_eq!(err("1.2.3", NumberFormat::Point), NotANumber);
        assert_eq!(err("n/a", NumberFormat::Point), NotANumber);
        assert_eq!(err("NaN", NumberFormat::Point), NotANumber);
        assert_eq!(err("inf", NumberFormat::Point), NotANumber);
        assert_eq!(err("1e999", NumberFormat::Point), TooLarge);
        assert_eq!(err("--", NumberFormat::Point), NotANumber);
        assert_eq!(err("1e", NumberFormat::Point), NotANumber);
    }

    #[test]
    fn ambiguous_numbers_are_recognised() {
        assert!(is_ambiguous_number("1,234"));
        assert!(is_ambiguous_number("1.234"));
        assert!(is_ambiguous_number("-12,345"));
        assert!(!is_ambiguous_number("12,345,678"));
        assert!(!is_ambiguous_number("1,234.5"));
        assert!(!is_ambiguous_number("1.5"));
        assert!(!is_ambiguous_number("1234"));
    }

    #[test]
    fn the_number_format_is_detected_from_unambiguous_values() {
        let cells = [text("1,5"), text("2,25"), text("1.234"), text("7")];
        assert_eq!(detect_number_format(cells.iter()), NumberFormat::Comma);
        let cells = [text("1.5"), text("1,234")];
        assert_eq!(detect_number_format(cells.iter()), NumberFormat::Point);
        assert_eq!(
            detect_number_format([text("1,234")].iter()),
            NumberFormat::Point
        );
    }

    #[test]
    fn periods_in_every_accepted_form() {
        let march = p("2026-03");
        for s in [
            "2026-03",
            "2026-3",
            "2026/03",
            "2026.03",
            "03/2026",
            "3/2026",
            "03-2026",
            "Mar 2026",
            "March 2026",
            "march 2026",
            "Mar-26",
            "Mar-2026",
            "Mar. 2026",
            "2026 Mar",
            "202603",
            "2026-03-31",
            "2026-03-01T00:00:00",
            "2026-03-15 12:00",
            "31/03/2026",
            "03/31/2026",
            "2026/03/31",
            "01/03/2026".replace("01/03", "03/03").as_str(),
            "31 Mar 2026",
            "Mar 31, 2026",
        ] {
            assert_eq!(parse_period(s), Ok(march), "{s}");
        }
        assert_eq!(parse_period("Sept 2025"), Ok(p("2025-09")));
    }

    #[test]
    fn bad_periods_say_why() {
        use PeriodError::*;
        assert_eq!(parse_period("03/04/2026"), Err(AmbiguousDate));
        assert_eq!(parse_period("2026-02-30"), Err(NoSuchDate));
        assert_eq!(parse_period("2026-13"), Err(NotAPeriod));
        assert_eq!(parse_period("Q1 2026"), Err(Quarter));
        assert_eq!(parse_period("2026-Q1"), Err(Quarter));
        assert_eq!(parse_period("1850-01"), Err(YearOutOfRange));
        assert_eq!(parse_period("03/26"), Err(NotAPeriod));
        assert_eq!(parse_period("yesterday"), Err(NotAPeriod));
        assert_eq!(parse_period("Foo 2026"), Err(NotAPeriod));
        assert_eq!(parse_period(""), Err(NotAPeriod));
        assert_eq!(parse_period("2026"), Err(NotAPeriod));
    }

    #[test]
    fn spreadsheet_cells_as_periods() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert_eq!(cell_period(&Cell::Date(d)), Some(Ok(p("2026-03"))));
        assert_eq!(cell_period(&Cell::Number(202603.0)), Some(Ok(p("2026-03"))));
        assert_eq!(
            cell_period(&Cell::Number(46082.0)),
            Some(Err(PeriodError::PlainNumber))
        );
        assert_eq!(cell_period(&Cell::Empty), None);
        assert_eq!(cell_period(&text("  ")), None);
    }

    #[test]
    fn a_long_file_is_guessed_and_planned() {
        let t = table(&[
            &["KPI", "Month", "Actual", "Comment"],
            &["Revenue growth", "2026-01", "12.5", "good"],
            &["client satisfaction", "Feb 2026", "88 %", ""],
            &["Revenu growth", "2026-01", "1"],
            &["Revenue growth", "2026-13", "1"],
            &["Client satisfaction", "2026-03", "lots"],
            &["Gross margin", "2026-01", "20"],
            &["Headcount", "2026-01", "120"],
            &["Revenue growth", "2026-02", ""],
            &["", "", "", ""],
        ]);
        let cat = catalogue();
        let m = guess_mapping(&t, &cat, None);
        assert_eq!(m.layout, Layout::Long);
        assert_eq!(
            m.columns,
            vec![
                ColumnRole::Measure,
                ColumnRole::Period,
                ColumnRole::Value,
                ColumnRole::Note
            ]
        );
        let plan = plan(&t, &m, &cat).unwrap();
        assert_eq!(plan.rows, 8);
        assert_eq!(plan.skipped_empty, 1);
        assert_eq!(plan.entries.len(), 2);
        assert_eq!(plan.entries[0].note, "good");
        assert_eq!(plan.entries[1].value, 88.0);
        assert_eq!(plan.entries[1].period, p("2026-02"));
        let reasons: Vec<(u32, &str)> = plan
            .problems
            .iter()
            .map(|x| (x.line, x.reason.label()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (4, "unknown measure"),
                (5, "bad period"),
                (6, "bad number"),
                (7, "formula measure"),
                (8, "not allowed")
            ]
        );
        assert_eq!(plan.bad_rows, 5);
        assert_eq!(
            plan.problems[0].message(),
            "“Revenu growth” is not a measure of this map; did you mean “Revenue growth”?"
        );
        assert_eq!(plan.problems[1].column_name, "Month");
        assert_eq!(plan.problems[2].raw, "lots");
    }

    #[test]
    fn duplicates_are_refused_on_every_row() {
        let t = table(&[
            &["Measure", "Period", "Value"],
            &["Revenue growth", "2026-01", "1"],
            &["Revenue growth", "Jan 2026", "2"],
            &["Revenue growth", "2026-02", "3"],
            &["Client satisfaction", "2026-01", "4"],
            &["Client satisfaction", "2026-01", "4"],
        ]);
        let cat = catalogue();
        let plan = plan(&t, &guess_mapping(&t, &cat, None), &cat).unwrap();
        assert_eq!(plan.entries.len(), 1);
        assert_eq!(plan.entries[0].value, 3.0);
        let dups: Vec<(u32, Reason)> = plan
            .problems
            .iter()
            .map(|x| (x.line, x.reason.clone()))
            .collect();
        assert_eq!(
            dups,
            vec![
                (
                    2,
                    Reason::Duplicate {
                        others: vec![3],
                        same_value: false
                    }
                ),
                (
                    3,
                    Reason::Duplicate {
                        others: vec![2],
                        same_value: false
                    }
                ),
                (
                    5,
                    Reason::Duplicate {
                        others: vec![6],
                        same_value: true
                    }
                ),
                (
                    6,
                    Reason::Duplicate {
                        others: vec![5],
                        same_value: true
                    }
                ),
            ]
        );
        assert!(plan.problems[0].message().contains("also on row 3"));
    }

    #[test]
    fn a_wide_file_is_detected_and_switchable() {
        let t = table(&[
            &["Measure", "Unit", "Jan 2026", "Feb 2026", "2026-03"],
            &["Revenue growth", "%", "1", "", "3,5"],
            &["Nope", "%", "1", "2", "3"],
            &["Client satisfaction", "%", "80", "x", "82"],
        ]);
        let cat = catalogue();
        let m = guess_mapping(&t, &cat, None);
        assert_eq!(m.layout, Layout::Wide);
        assert_eq!(
            m.columns,
            vec![
                ColumnRole::Measure,
                ColumnRole::Ignore,
                ColumnRole::Value,
                ColumnRole::Value,
                ColumnRole::Value
            ]
        );
        // "3,5" reads only with a decimal comma, so that format is detected…
        assert_eq!(m.numbers, NumberFormat::Comma);
        assert_eq!(plan(&t, &m, &cat).unwrap().entries.len(), 2);
        let mut m = m;
        m.numbers = NumberFormat::Point;
        let plan = plan(&t, &m, &cat).unwrap();
        // …and with the decimal point chosen, "3,5" is refused: refused with a hint, and the row writes nothing.
        let labels: Vec<(u32, &str)> = plan
            .problems
            .iter()
            .map(|x| (x.line, x.reason.label()))
            .collect();
        assert_eq!(
            labels,
            vec![(2, "bad number"), (3, "unknown measure"), (4, "bad number")]
        );
        assert!(plan.problems[0].message().contains("1.234,5"));
        assert_eq!(plan.entries.len(), 0);
        assert_eq!(plan.skipped_empty, 1);

        let long = guess_mapping(&t, &cat, Some(Layout::Long));
        assert_eq!(long.layout, Layout::Long);
        assert!(matches!(
            check_mapping(&t, &long),
            Err(MappingError::NoPeriod)
        ));
    }

    #[test]
    fn wide_values_write_one_entry_per_month() {
        let t = table(&[
            &["KPI", "Jan 2026", "Feb 2026"],
            &["Revenue growth", "1", "2"],
            &["Client satisfaction", "", "82"],
        ]);
        let cat = catalogue();
        let plan = plan(&t, &guess_mapping(&t, &cat, None), &cat).unwrap();
        let got: Vec<(u32, Period, f64)> = plan
            .entries
            .iter()
            .map(|e| (e.line, e.period, e.value))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, p("2026-01"), 1.0),
                (2, p("2026-02"), 2.0),
                (3, p("2026-02"), 82.0)
            ]
        );
        assert_eq!(plan.measures(), 2);
    }

    #[test]
    fn measures_match_by_id_and_ambiguity_is_explained() {
        let mut cat = catalogue();
        let twin = measure("Revenue growth");
        let twin_id = twin.id;
        cat.push(twin);
        let id_text = twin_id.to_string();
        let t = table(&[
            &["Measure", "Period", "Value"],
            &["Revenue growth", "2026-01", "1"],
            &[id_text.as_str(), "2026-01", "2"],
        ]);
        let plan = plan(&t, &guess_mapping(&t, &cat, None), &cat).unwrap();
        assert_eq!(plan.entries.len(), 1);
        assert_eq!(plan.entries[0].measure_id, twin_id);
        assert!(
            matches!(&plan.problems[0].reason, Reason::AmbiguousMeasure { candidates } if candidates.len() == 2)
        );
    }

    #[test]
    fn ragged_rows_and_bad_mappings() {
        let t = table(&[
            &["Measure", "Period", "Value"],
            &["Revenue growth", "2026-01", "1", "234"],
            &["Revenue growth", "2026-02"],
        ]);
        let cat = catalogue();
        let m = guess_mapping(&t, &cat, None);
        let plan = plan(&t, &m, &cat).unwrap();
        assert_eq!(
            plan.problems[0].reason,
            Reason::Ragged {
                cells: 4,
                header: 3
            }
        );
        assert_eq!(plan.skipped_empty, 1);
        let mut two = m.clone();
        two.columns[2] = ColumnRole::Measure;
        assert_eq!(
            check_mapping(&t, &two),
            Err(MappingError::Several("measure".into()))
        );
        let mut none = m.clone();
        none.columns[0] = ColumnRole::Ignore;
        assert_eq!(check_mapping(&t, &none), Err(MappingError::NoMeasure));
        let mut short = m;
        short.columns.pop();
        assert!(matches!(
            check_mapping(&t, &short),
            Err(MappingError::WrongWidth { .. })
        ));
    }

    #[test]
    fn a_header_without_names_is_guessed_from_the_cells() {
        let t = table(&[
            &["A", "B", "C"],
            &["Revenue growth", "2026-01", "1,5"],
            &["Client satisfaction", "2026-02", "2,5"],
        ]);
        let cat = catalogue();
        let m = guess_mapping(&t, &cat, None);
        assert_eq!(
            m.columns,
            vec![ColumnRole::Measure, ColumnRole::Period, ColumnRole::Value]
        );
        assert_eq!(m.numbers, NumberFormat::Comma);
        let plan = plan(&t, &m, &cat).unwrap();
        assert_eq!(plan.entries[0].value, 1.5);
    }

    #[test]
    fn ambiguous_values_are_counted() {
        let t = table(&[
            &["Measure", "Period", "Value"],
            &["Revenue growth", "2026-01", "1,234"],
        ]);
        let cat = catalogue();
        let plan = plan(&t, &guess_mapping(&t, &cat, None), &cat).unwrap();
        assert_eq!(plan.entries[0].value, 1234.0);
        assert_eq!(plan.ambiguous_numbers, 1);
        assert_eq!(plan.ambiguous_example.as_deref(), Some("1,234"));
    }

    #[test]
    fn near_names_get_a_suggestion() {
        let cat = catalogue();
        let m = Matcher::new(&cat);
        assert_eq!(
            m.suggest("Net promoter scor"),
            Some("Net Promoter Score (NPS)".into())
        );
        assert_eq!(
            m.suggest("client satisfation"),
            Some("Client satisfaction".into())
        );
        assert_eq!(m.suggest("Totally different"), None);
        // A cell far longer than any name gets no suggestion (and costs no distance matrix).
        assert_eq!(m.suggest(&"Net Promoter Score ".repeat(5_000)), None);
    }

    #[test]
    fn rows_with_problems_among_many_leave_the_good_rows_whole() {
        // Every other row is bad: each bad row drops only its own candidates.
        let rows: Vec<Vec<String>> = (0..2_000u32)
            .map(|i| {
                let name = if i % 2 == 0 {
                    "Revenue growth"
                } else {
                    "Revenu growt"
                };
                let period = format!("{}-{:02}", 2000 + i / 12, i % 12 + 1);
                vec![name.to_string(), period, i.to_string()]
            })
            .collect();
        let refs: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let mut all: Vec<&[&str]> = vec![&["Measure", "Period", "Value"]];
        all.extend(refs.iter().map(Vec::as_slice));
        let t = table(&all);
        let cat = catalogue();
        let plan = plan(&t, &guess_mapping(&t, &cat, None), &cat).unwrap();
        assert_eq!((plan.entries.len(), plan.bad_rows), (1_000, 1_000));
        assert!(plan.entries.iter().all(|e| e.line % 2 == 0));
    }

    #[test]
    fn column_letters_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    proptest! {
        #[test]
        fn written_numbers_read_back(v in -1.0e9f64..1.0e9, decimals in 0usize..4) {
            let plain = format!("{v:.decimals$}");
            let expect: f64 = plain.parse().unwrap();
            prop_assert_eq!(parse_number(&plain, NumberFormat::Point), Ok(expect));
            prop_assert_eq!(parse_number(&plain.replace('.', ","), NumberFormat::Comma), Ok(expect));
        }

        #[test]
        fn grouped_numbers_read_back(n in 0u64..10_000_000_000) {
            let digits = n.to_string();
            let mut grouped = String::new();
            for (i, ch) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(ch);
            }
            prop_assert_eq!(parse_number(&grouped, NumberFormat::Point), Ok(n as f64));
            prop_assert_eq!(parse_number(&grouped.replace(',', "."), NumberFormat::Comma), Ok(n as f64));
            prop_assert_eq!(parse_number(&grouped.replace(',', " "), NumberFormat::Comma), Ok(n as f64));
        }

        #[test]
        fn periods_read_back_in_several_forms(y in 1900i32..3000, m in 1u8..=12) {
            let period = Period::new(y, m).unwrap();
            prop_assert_eq!(parse_period(&period.to_string()), Ok(period));
            prop_assert_eq!(parse_period(&period.label()), Ok(period));
            prop_assert_eq!(parse_period(&format!("{m:02}/{y}")), Ok(period));
            prop_assert_eq!(parse_period(&format!("{y}-{m:02}-28")), Ok(period));
        }

        #[test]
        fn similarity_is_skipped_only_where_it_cannot_reach_the_floor(
            a in "[a-e ]{0,12}", b in "[a-e ]{0,30}"
        ) {
            let full = strsim::normalized_damerau_levenshtein(&a, &b);
            prop_assert_eq!(similarity(&a, &b) >= SUGGESTION_FLOOR, full >= SUGGESTION_FLOOR);
        }

        #[test]
        fn planning_never_panics_and_accounts_for_every_row(
            rows in proptest::collection::vec(proptest::collection::vec("[ -~]{0,8}", 0..5), 0..30)
        ) {
            let t = Table {
                header: vec![text("Measure"), text("Period"), text("Value")],
                rows: rows.iter().enumerate().map(|(i, r)| Row {
                    line: i as u32 + 2,
                    cells: r.iter().map(|s| text(s)).collect(),
                }).collect(),
            };
            let cat = catalogue();
            let m = guess_mapping(&t, &cat, Some(Layout::Long));
            if let Ok(plan) = plan(&t, &m, &cat) {
                let good: std::collections::HashSet<u32> = plan.entries.iter().map(|e| e.line).collect();
                let bad: std::collections::HashSet<u32> = plan.problems.iter().map(|x| x.line).collect();
                prop_assert!(good.is_disjoint(&bad));
                prop_assert!(good.len() + bad.len() <= plan.rows);
                prop_assert_eq!(bad.len(), plan.bad_rows);
            }
        }
    }
}
