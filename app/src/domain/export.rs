//! The scorecard as a table for spreadsheets (CSV and XLSX downloads): a line per measure (and
//! per objective without measures) in map order, with the span's figures as numbers, the
//! statuses as words, and the headings in the reader's language. Text cells are made safe
//! against formulas by whoever writes the file ([`super::csv_safe::neutralise`]). Pure: no I/O.

use super::review::objectives_in_map_order;
use super::scoring::Score;
use super::ScorecardData;
use crate::i18n::{td_string, Locale};

/// One cell: text, or a number a spreadsheet can sum.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    /// The cell as CSV text (numbers with a decimal point, as spreadsheets import them).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A sheet: its name, its column headings and its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn number(v: Option<f64>) -> Cell {
    v.filter(|v| v.is_finite())
        .map_or(Cell::Empty, Cell::Number)
}

fn score(s: Score) -> Cell {
    number(s.value)
}

/// The scorecard of `card`'s chosen span as a table, worded in `locale`.
pub fn scorecard_table(card: &ScorecardData, locale: Locale) -> Table {
    let doc = &card.doc;
    let current = card.current();
    let person = |id: Option<super::UserId>| {
        id.and_then(|id| doc.people.iter().find(|p| p.id == id))
            .map_or(Cell::Empty, |p| Cell::Text(p.name.clone()))
    };
    let text = |s: &str| Cell::Text(s.to_string());
    let mut rows = Vec::new();
    for o in objectives_in_map_order(doc) {
        let perspective = doc
            .perspectives
            .iter()
            .find(|p| p.id == o.perspective_id)
            .map_or(Cell::Empty, |p| text(&p.name));
        let objective_score = current.map_or(Score::NO_DATA, |c| c.objective(o.id));
        let lead = [
            perspective,
            text(&o.title),
            score(objective_score),
            text(objective_score.status.text(locale)),
        ];
        let measures: Vec<_> = doc
            .measures
            .iter()
            .filter(|m| m.objective_id == o.id)
            .collect();
        if measures.is_empty() {
            let mut row = lead.to_vec();
            row.extend(std::iter::repeat_n(Cell::Empty, 8));
            row.push(person(o.owner_id));
            rows.push(row);
        }
        for m in measures {
            let s = current.and_then(|c| c.measure(m.id));
            let measure_score = s.map_or(Score::NO_DATA, |s| s.score);
            let mut row = lead.to_vec();
            row.extend([
                text(&m.name),
                text(&m.unit),
                number(s.and_then(|s| s.actual)),
                number(s.and_then(|s| s.goal)),
                number(s.and_then(|s| s.red_flag)),
                score(measure_score),
                text(measure_score.status.text(locale)),
                text(if s.is_some_and(|s| s.stale) {
                    td_string!(locale, scorecard.export.yes)
                } else {
                    ""
                }),
                person(m.data_owner_id.or(o.owner_id)),
            ]);
            rows.push(row);
        }
    }
    let h = |s: &str| s.to_string();
    Table {
        name: card.span.text(locale),
        header: vec![
            h(td_string!(locale, scorecard.export.perspective)),
            h(td_string!(locale, scorecard.table.objective)),
            h(td_string!(locale, scorecard.export.objective_score)),
            h(td_string!(locale, scorecard.export.objective_status)),
            h(td_string!(locale, scorecard.table.measure)),
            h(td_string!(locale, scorecard.export.unit)),
            h(td_string!(locale, scorecard.table.actual)),
            h(td_string!(locale, scorecard.table.target)),
            h(td_string!(locale, scorecard.table.red_flag)),
            h(td_string!(locale, scorecard.table.score)),
            h(td_string!(locale, scorecard.export.status)),
            h(td_string!(locale, scorecard.export.stale)),
            h(td_string!(locale, scorecard.export.owner)),
        ],
        rows,
    }
}

/// A file name made of `name`'s letters, digits, dashes and underscores (others become `_`).
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "cairn".into()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scores::{MapScores, MeasureScore};
    use crate::domain::scoring::Span;
    use crate::domain::{fixtures, Measure, Objective, Period};

    #[test]
    fn a_line_per_measure_and_per_objective_without_measures() {
        let mut doc = fixtures::acme_doc();
        let with = Objective::new(doc.map.id, doc.perspectives[0].id, "=Grow revenue");
        let without = Objective::new(doc.map.id, doc.perspectives[1].id, "Keep customers");
        let m = Measure::new(with.id, "Revenue");
        let mid = m.id;
        doc.measures = vec![m];
        doc.objectives = vec![with, without];
        let span = Span::Month {
            period: Period::new(2026, 3).expect("a month"),
        };
        let card = ScorecardData {
            history: vec![MapScores {
                span,
                measures: vec![MeasureScore {
                    measure_id: mid,
                    actual: Some(12.5),
                    goal: Some(10.0),
                    red_flag: Some(8.0),
                    score: Score::from_value(9.0),
                    latest: None,
                    stale: true,
                    error: None,
                }],
                objectives: Vec::new(),
                perspectives: Vec::new(),
                themes: Vec::new(),
                map: Score::NO_DATA,
            }],
            doc,
            span,
            rights: Default::default(),
        };
        let t = scorecard_table(&card, Locale::en);
        assert_eq!(t.rows.len(), 2);
        assert!(t.rows.iter().all(|r| r.len() == t.header.len()));
        let first = &t.rows[0];
        assert_eq!(
            first[1],
            Cell::Text("=Grow revenue".into()),
            "neutralised by the writer"
        );
        assert_eq!(first[6], Cell::Number(12.5));
        assert_eq!(first[10], Cell::Text("Green".into()));
        assert_eq!(first[11], Cell::Text("Yes".into()));
        assert_eq!(t.rows[1][4], Cell::Empty);
        assert_eq!(t.header[0], "Perspective");
        assert_eq!(scorecard_table(&card, Locale::de).header[0], "Perspektive");
    }

    #[test]
    fn file_stems_keep_safe_characters_only() {
        assert_eq!(file_stem("Acme 2026/Q1"), "Acme_2026_Q1");
        assert_eq!(file_stem(""), "cairn");
    }
}
