//! What deleting objectives takes with it, in words, so the map can ask before it deletes:
//! their links, their measures (and whether those have data), the initiatives that move them,
//! and the alignments they have with other units' maps. Undo brings it all back; the user
//! should still know what goes.

use serde::{Deserialize, Serialize};

/// A measure that goes with a deleted objective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureImpact {
    pub name: String,
    /// It has actuals or targets (kept, but no longer shown).
    pub has_data: bool,
}

/// Alignments with one other unit's map that a delete removes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlignmentImpact {
    /// The other unit's name.
    pub unit: String,
    pub count: usize,
}

/// What deleting some objectives of a map takes with them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteImpact {
    /// The titles of the objectives deleted.
    pub objectives: Vec<String>,
    /// Cause-and-effect links from or to them.
    pub links: usize,
    pub measures: Vec<MeasureImpact>,
    /// Names of the initiatives linked to them (the initiatives stay, without this link).
    pub initiatives: Vec<String>,
    /// Alignments with other units' maps, by unit name.
    pub alignments: Vec<AlignmentImpact>,
}

use crate::i18n::{td_string, Locale};

/// "1 link", "2 links" (English, for logs and tests).
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `items` joined as `locale` lists them: "a", "a and b", "a, b and c" / "a, b und c".
fn listed(locale: Locale, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!(
            "{}{}{last}",
            init.join(", "),
            td_string!(locale, map.confirm.and)
        ),
    }
}

impl DeleteImpact {
    /// Whether the delete takes nothing but the objectives themselves.
    pub fn is_only_objectives(&self) -> bool {
        self.links == 0
            && self.measures.is_empty()
            && self.initiatives.is_empty()
            && self.alignments.is_empty()
    }

    /// The question to ask in `locale`: "Delete “Grow revenue”?" or "Delete 3 objectives?".
    pub fn question(&self, locale: Locale) -> String {
        match self.objectives.as_slice() {
            [one] => td_string!(locale, map.confirm.question_one, title = one).to_string(),
            many => {
                td_string!(locale, map.confirm.question_many, count = many.len() as u64).to_string()
            }
        }
    }

    /// One sentence in `locale` per kind of thing that goes with the objectives, e.g. "Also
    /// removes 2 alignments from Managed Services."
    pub fn lines(&self, locale: Locale) -> Vec<String> {
        let mut out = Vec::new();
        if self.links > 0 {
            out.push(td_string!(locale, map.confirm.links, count = self.links as u64).to_string());
        }
        if !self.measures.is_empty() {
            let names: Vec<String> = self
                .measures
                .iter()
                .map(|m| {
                    if m.has_data {
                        td_string!(locale, map.confirm.with_data, name = &m.name).to_string()
                    } else {
                        m.name.clone()
                    }
                })
                .collect();
            out.push(
                td_string!(
                    locale,
                    map.confirm.measures,
                    count = self.measures.len() as u64,
                    names = listed(locale, &names)
                )
                .to_string(),
            );
        }
        if !self.initiatives.is_empty() {
            out.push(
                td_string!(
                    locale,
                    map.confirm.initiatives,
                    count = self.initiatives.len() as u64,
                    names = listed(locale, &self.initiatives)
                )
                .to_string(),
            );
        }
        for a in &self.alignments {
            out.push(
                td_string!(
                    locale,
                    map.confirm.alignments,
                    count = a.count as u64,
                    unit = &a.unit
                )
                .to_string(),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delete_says_what_goes_with_it_in_plain_words() {
        let impact = DeleteImpact {
            objectives: vec!["Increase client satisfaction".into()],
            links: 1,
            measures: vec![
                MeasureImpact {
                    name: "NPS".into(),
                    has_data: true,
                },
                MeasureImpact {
                    name: "Complaints".into(),
                    has_data: false,
                },
            ],
            initiatives: vec!["Client Success Programme".into()],
            alignments: vec![
                AlignmentImpact {
                    unit: "Consulting".into(),
                    count: 1,
                },
                AlignmentImpact {
                    unit: "Managed Services".into(),
                    count: 2,
                },
            ],
        };
        assert_eq!(
            impact.question(Locale::en),
            "Delete “Increase client satisfaction”?"
        );
        assert_eq!(
            impact.lines(Locale::en),
            vec![
                "Also removes 1 link on this map.",
                "Also removes 2 measures: NPS (with data) and Complaints.",
                "Also unlinks 1 initiative: Client Success Programme.",
                "Also removes 1 alignment from Consulting.",
                "Also removes 2 alignments from Managed Services.",
            ]
        );
        assert!(!impact.is_only_objectives());
    }

    #[test]
    fn a_bare_delete_of_several_says_how_many() {
        let impact = DeleteImpact {
            objectives: vec!["A".into(), "B".into(), "C".into()],
            ..DeleteImpact::default()
        };
        assert_eq!(impact.question(Locale::en), "Delete 3 objectives?");
        assert!(impact.lines(Locale::en).is_empty());
        assert!(impact.is_only_objectives());
        assert_eq!(
            listed(Locale::en, &["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }

    #[test]
    fn a_delete_asks_in_the_page_language() {
        let impact = DeleteImpact {
            objectives: vec!["Kunden binden".into()],
            links: 2,
            measures: vec![
                MeasureImpact {
                    name: "NPS".into(),
                    has_data: true,
                },
                MeasureImpact {
                    name: "Beschwerden".into(),
                    has_data: false,
                },
            ],
            initiatives: vec!["Kundenprogramm".into()],
            alignments: vec![AlignmentImpact {
                unit: "Beratung".into(),
                count: 1,
            }],
        };
        assert_eq!(impact.question(Locale::de), "„Kunden binden“ löschen?");
        assert_eq!(
            impact.lines(Locale::de),
            vec![
                "Entfernt außerdem 2 Verknüpfungen auf dieser Strategy Map.",
                "Entfernt außerdem 2 Kennzahlen: NPS (mit Daten) und Beschwerden.",
                "Löst außerdem die Verknüpfung mit 1 Initiative: Kundenprogramm.",
                "Entfernt außerdem 1 Ausrichtung an Beratung.",
            ]
        );
        let several = DeleteImpact {
            objectives: vec!["A".into(), "B".into()],
            ..DeleteImpact::default()
        };
        assert_eq!(several.question(Locale::de), "2 Ziele löschen?");
    }
}
