//! Grid entry: what a typed or pasted cell of the data-entry grid means, how a block copied from a
//! spreadsheet lands in the grid, and the one [`DataBatch`] a save sends. The page keeps only the
//! text of the cells the user changed; everything that decides what that text means lives here,
//! so the browser and the tests agree on it.
//!
//! Rules:
//! - An empty cell clears a saved value; a cell whose number equals the saved one changes nothing.
//! - Numbers are read like the import reads them ([`import::parse_number`]): signs, currency and
//!   percent marks, grouped thousands, in the chosen decimal format.
//! - A target cell has a goal and a red flag: both or neither. Both empty clears the target.

use super::import::{self, NumberError, NumberFormat};
use super::model::{Actual, DataBatch, DataSource, MeasurePeriod, Target};
use super::validation::{self, ValidationError};
use std::collections::{BTreeMap, HashMap};

/// The most rows or columns one paste may carry (a year of months for a few hundred measures).
pub const MAX_PASTE_CELLS: usize = 20_000;

/// A cell's text read as a value: `None` for an empty cell (which clears), else the number.
pub fn read_cell(text: &str, format: NumberFormat) -> Result<Option<f64>, NumberError> {
    let t = text.trim();
    if t.is_empty() || t == "-" || t == "—" {
        return Ok(None);
    }
    import::parse_number(t, format).map(Some)
}

/// Why a grid cell cannot be saved, in words for the cell's tooltip and the error list.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CellError {
    #[error("“{text}” {}", cell_reason(.reason))]
    Number { text: String, reason: NumberError },
    #[error("enter both a goal and a red flag, or clear both")]
    HalfTarget,
    #[error("{0}")]
    Invalid(#[from] ValidationError),
}

impl CellError {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: crate::i18n::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            CellError::Number { text, reason } => {
                let reason = match reason {
                    NumberError::OtherFormat(_) => {
                        td_string!(locale, errors.cell.other_format).to_string()
                    }
                    other => other.text(locale),
                };
                td_string!(locale, errors.cell.number, text, reason).to_string()
            }
            CellError::HalfTarget => td_string!(locale, errors.cell.half_target).to_string(),
            CellError::Invalid(v) => v.text(locale),
        }
    }
}

/// Why a number did not read, in the grid's words (the import's talk of files does not fit).
fn cell_reason(e: &NumberError) -> String {
    match e {
        NumberError::OtherFormat(_) => {
            "reads as a number only with the other decimal mark: switch “Numbers” above the grid"
                .into()
        }
        other => other.to_string(),
    }
}

/// Which half of a target cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetPart {
    Goal,
    RedFlag,
}

/// A block copied from a spreadsheet: lines split at newlines (`\r\n` too), cells at tabs. A
/// trailing newline (every spreadsheet adds one) does not make an empty last row.
pub fn parse_block(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    text.split('\n')
        .map(|line| {
            let line = line.strip_suffix('\r').unwrap_or(line);
            line.split('\t').map(|c| c.trim().to_string()).collect()
        })
        .collect()
}

/// Whether pasted text is a block (more than one cell) rather than one value for one cell.
pub fn is_block(text: &str) -> bool {
    let block = parse_block(text);
    block.len() > 1 || block.first().is_some_and(|r| r.len() > 1)
}

/// Where the cells of a pasted block land in a grid of `rows` × `cols`, starting at `start`
/// (row, column): each (row, column, text), and how many cells fell outside the grid and were
/// dropped. Rows the page marks read-only are the caller's to skip.
pub fn place_block(
    block: &[Vec<String>],
    start: (usize, usize),
    rows: usize,
    cols: usize,
) -> (Vec<(usize, usize, String)>, usize) {
    let mut placed = Vec::new();
    let mut dropped = 0;
    for (dr, line) in block.iter().enumerate() {
        for (dc, text) in line.iter().enumerate() {
            let (r, c) = (start.0 + dr, start.1 + dc);
            if r < rows && c < cols && placed.len() < MAX_PASTE_CELLS {
                placed.push((r, c, text.clone()));
            } else {
                dropped += 1;
            }
        }
    }
    (placed, dropped)
}

/// The actuals part of a save: every edited cell read and compared with what is saved.
/// Unchanged cells are left out; empty cells clear; any unreadable cell fails the whole save with
/// every bad cell listed (nothing is half-saved).
pub fn actuals_batch(
    edits: &BTreeMap<MeasurePeriod, String>,
    saved: &HashMap<MeasurePeriod, f64>,
    format: NumberFormat,
) -> Result<DataBatch, Vec<(MeasurePeriod, CellError)>> {
    let mut batch = DataBatch::default();
    let mut errors = Vec::new();
    for (cell, text) in edits {
        match read_cell(text, format) {
            Err(reason) => errors.push((
                *cell,
                CellError::Number {
                    text: text.trim().to_string(),
                    reason,
                },
            )),
            Ok(None) if saved.contains_key(cell) => batch.clear_actuals.push(*cell),
            Ok(None) => {}
            Ok(Some(v)) if saved.get(cell) == Some(&v) => {}
            Ok(Some(value)) => batch.actuals.push(Actual {
                measure_id: cell.measure_id,
                period: cell.period,
                value,
                note: String::new(),
                entered_by: None,
                entered_at: String::new(),
                source: DataSource::Manual,
            }),
        }
    }
    match errors.is_empty() {
        true => Ok(batch),
        false => Err(errors),
    }
}

/// The targets part of a save: for every target cell with an edited half, the edited halves over
/// the saved ones. Unchanged targets are left out; a cell with both halves empty clears its
/// target; half a target, an unreadable number or a goal equal to its red flag fails the save.
pub fn targets_batch(
    edits: &BTreeMap<(MeasurePeriod, TargetPart), String>,
    saved: &HashMap<MeasurePeriod, (f64, f64)>,
    format: NumberFormat,
) -> Result<DataBatch, Vec<(MeasurePeriod, CellError)>> {
    let mut touched: Vec<MeasurePeriod> = edits.keys().map(|(c, _)| *c).collect();
    touched.dedup();
    let mut batch = DataBatch::default();
    let mut errors = Vec::new();
    for cell in touched {
        match target_of_cell(cell, edits, saved.get(&cell).copied(), format) {
            Err(e) => errors.push((cell, e)),
            Ok(None) if saved.contains_key(&cell) => batch.clear_targets.push(cell),
            Ok(None) => {}
            Ok(Some(t)) if saved.get(&cell) == Some(&(t.goal, t.red_flag)) => {}
            Ok(Some(t)) => batch.targets.push(t),
        }
    }
    match errors.is_empty() {
        true => Ok(batch),
        false => Err(errors),
    }
}

/// One target cell after its edits: `None` when both halves are empty.
fn target_of_cell(
    cell: MeasurePeriod,
    edits: &BTreeMap<(MeasurePeriod, TargetPart), String>,
    saved: Option<(f64, f64)>,
    format: NumberFormat,
) -> Result<Option<Target>, CellError> {
    let half = |part: TargetPart, saved_value: Option<f64>| -> Result<Option<f64>, CellError> {
        match edits.get(&(cell, part)) {
            Some(text) => read_cell(text, format).map_err(|reason| CellError::Number {
                text: text.trim().to_string(),
                reason,
            }),
            None => Ok(saved_value),
        }
    };
    let goal = half(TargetPart::Goal, saved.map(|s| s.0))?;
    let red_flag = half(TargetPart::RedFlag, saved.map(|s| s.1))?;
    match (goal, red_flag) {
        (None, None) => Ok(None),
        (Some(goal), Some(red_flag)) => {
            let t = Target {
                measure_id: cell.measure_id,
                period: cell.period,
                goal,
                red_flag,
            };
            validation::target(&t)?;
            Ok(Some(t))
        }
        _ => Err(CellError::HalfTarget),
    }
}

/// Joins the actuals and targets parts into the one batch a save commits in one transaction.
pub fn join(mut actuals: DataBatch, targets: DataBatch) -> DataBatch {
    actuals.targets = targets.targets;
    actuals.clear_targets = targets.clear_targets;
    actuals
}

/// A value as the grid writes it back into a cell: no exponent, no trailing zeros, at most
/// `decimals` + 2 places (so nothing typed is rounded away on screen).
pub fn cell_text(value: f64, decimals: u8) -> String {
    let places = usize::from(decimals) + 2;
    let s = format!("{value:.places$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MeasureId, Period};

    fn cell(m: MeasureId, p: &str) -> MeasurePeriod {
        MeasurePeriod {
            measure_id: m,
            period: p.parse().unwrap(),
        }
    }

    #[test]
    fn cells_read_like_the_import_and_empty_clears() {
        let f = NumberFormat::Point;
        assert_eq!(read_cell(" 1,234.5 ", f), Ok(Some(1234.5)));
        assert_eq!(read_cell("12%", f), Ok(Some(12.0)));
        assert_eq!(read_cell("(3)", f), Ok(Some(-3.0)));
        assert_eq!(read_cell("", f), Ok(None));
        assert_eq!(read_cell("  - ", f), Ok(None));
        assert_eq!(read_cell("abc", f), Err(NumberError::NotANumber));
        assert_eq!(read_cell("1.234,5", NumberFormat::Comma), Ok(Some(1234.5)));
        assert!(matches!(
            read_cell("12,5", f),
            Err(NumberError::OtherFormat(_))
        ));
    }

    #[test]
    fn spreadsheet_blocks_split_at_tabs_and_lines() {
        assert_eq!(
            parse_block("1\t2\r\n3\t4\r\n"),
            vec![vec!["1", "2"], vec!["3", "4"]]
        );
        assert_eq!(parse_block("7\n"), vec![vec!["7"]]);
        assert_eq!(parse_block(""), Vec::<Vec<String>>::new());
        // An empty cell inside a block is kept: it clears.
        assert_eq!(parse_block("1\t\t3"), vec![vec!["1", "", "3"]]);
        assert!(is_block("1\t2"));
        assert!(is_block("1\n2"));
        assert!(!is_block("12.5\n"));
    }

    #[test]
    fn a_block_lands_from_its_start_and_the_overflow_is_counted() {
        let block = parse_block("a\tb\tc\nd\te\tf\ng\th\ti");
        let (placed, dropped) = place_block(&block, (1, 1), 3, 3);
        assert_eq!(
            placed,
            vec![
                (1, 1, "a".to_string()),
                (1, 2, "b".to_string()),
                (2, 1, "d".to_string()),
                (2, 2, "e".to_string()),
            ]
        );
        assert_eq!(dropped, 5);
    }

    #[test]
    fn actuals_batch_keeps_only_real_changes() {
        let (m, n) = (MeasureId::new(), MeasureId::new());
        let saved = HashMap::from([(cell(m, "2027-01"), 10.0), (cell(m, "2027-02"), 11.0)]);
        let edits = BTreeMap::from([
            (cell(m, "2027-01"), "10".to_string()), // unchanged
            (cell(m, "2027-02"), "".to_string()),   // cleared
            (cell(m, "2027-03"), "12.5".to_string()),
            (cell(n, "2027-01"), " ".to_string()), // empty and never saved: nothing
        ]);
        let batch = actuals_batch(&edits, &saved, NumberFormat::Point).unwrap();
        assert_eq!(batch.clear_actuals, vec![cell(m, "2027-02")]);
        assert_eq!(batch.actuals.len(), 1);
        assert_eq!(
            (batch.actuals[0].period, batch.actuals[0].value),
            ("2027-03".parse::<Period>().unwrap(), 12.5)
        );
        assert_eq!(batch.actuals[0].source, DataSource::Manual);
    }

    #[test]
    fn one_bad_cell_fails_the_save_and_every_bad_cell_is_named() {
        let m = MeasureId::new();
        let edits = BTreeMap::from([
            (cell(m, "2027-01"), "12".to_string()),
            (cell(m, "2027-02"), "twelve".to_string()),
            (cell(m, "2027-03"), "1,23".to_string()),
        ]);
        let errors = actuals_batch(&edits, &HashMap::new(), NumberFormat::Point).unwrap_err();
        assert_eq!(
            errors
                .iter()
                .map(|(c, _)| c.period.to_string())
                .collect::<Vec<_>>(),
            vec!["2027-02", "2027-03"]
        );
        assert_eq!(errors[0].1.to_string(), "“twelve” is not a number");
        assert_eq!(
            errors[1].1.to_string(),
            "“1,23” reads as a number only with the other decimal mark: switch “Numbers” above the grid"
        );
    }

    #[test]
    fn target_cells_need_both_halves_and_distinct_values() {
        let m = MeasureId::new();
        let jan = cell(m, "2027-01");
        let feb = cell(m, "2027-02");
        let mar = cell(m, "2027-03");
        let saved = HashMap::from([(jan, (80.0, 70.0)), (mar, (90.0, 80.0))]);
        let edits = BTreeMap::from([
            // Only the goal of January changes: the saved red flag is kept.
            ((jan, TargetPart::Goal), "85".to_string()),
            // February gets a whole new target.
            ((feb, TargetPart::Goal), "82".to_string()),
            ((feb, TargetPart::RedFlag), "72".to_string()),
            // March is cleared.
            ((mar, TargetPart::Goal), "".to_string()),
            ((mar, TargetPart::RedFlag), "".to_string()),
        ]);
        let batch = targets_batch(&edits, &saved, NumberFormat::Point).unwrap();
        let got: Vec<(String, f64, f64)> = batch
            .targets
            .iter()
            .map(|t| (t.period.to_string(), t.goal, t.red_flag))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2027-01".to_string(), 85.0, 70.0),
                ("2027-02".to_string(), 82.0, 72.0)
            ]
        );
        assert_eq!(batch.clear_targets, vec![mar]);

        let half = BTreeMap::from([((feb, TargetPart::Goal), "82".to_string())]);
        let errors = targets_batch(&half, &saved, NumberFormat::Point).unwrap_err();
        assert_eq!(errors, vec![(feb, CellError::HalfTarget)]);

        let equal = BTreeMap::from([((jan, TargetPart::Goal), "70".to_string())]);
        let errors = targets_batch(&equal, &saved, NumberFormat::Point).unwrap_err();
        assert!(matches!(
            errors[0].1,
            CellError::Invalid(ValidationError::GoalEqualsRedFlag)
        ));
    }

    #[test]
    fn values_go_back_into_cells_without_noise() {
        assert_eq!(cell_text(12.0, 1), "12");
        assert_eq!(cell_text(12.345, 1), "12.345");
        assert_eq!(cell_text(0.1 + 0.2, 1), "0.3");
        assert_eq!(cell_text(-0.0001, 0), "0");
        assert_eq!(cell_text(1_250_000.0, 0), "1250000");
    }
}
