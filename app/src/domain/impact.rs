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

/// "1 link", "2 links".
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `items` joined as English lists them: "a", "a and b", "a, b and c".
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
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

    /// The question to ask: "Delete “Grow revenue”?" or "Delete 3 objectives?".
    pub fn question(&self) -> String {
        match self.objectives.as_slice() {
            [one] => format!("Delete “{one}”?"),
            many => format!("Delete {}?", count(many.len(), "objective", "objectives")),
        }
    }

    /// One sentence per kind of thing that goes with the objectives, e.g. "Also removes 2
    /// alignments from Managed Services."
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.links > 0 {
            out.push(format!(
                "Also removes {} on this map.",
                count(self.links, "link", "links")
            ));
        }
        if !self.measures.is_empty() {
            let names: Vec<String> = self
                .measures
                .iter()
                .map(|m| {
                    if m.has_data {
                        format!("{} (with data)", m.name)
                    } else {
                        m.name.clone()
                    }
                })
                .collect();
            out.push(format!(
                "Also removes {}: {}.",
                count(self.measures.len(), "measure", "measures"),
                listed(&names)
            ));
        }
        if !self.initiatives.is_empty() {
            out.push(format!(
                "Also unlinks {}: {}.",
                count(self.initiatives.len(), "initiative", "initiatives"),
                listed(&self.initiatives)
            ));
        }
        for a in &self.alignments {
            out.push(format!(
                "Also removes {} from {}.",
                count(a.count, "alignment", "alignments"),
                a.unit
            ));
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
        assert_eq!(impact.question(), "Delete “Increase client satisfaction”?");
        assert_eq!(
            impact.lines(),
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
        assert_eq!(impact.question(), "Delete 3 objectives?");
        assert!(impact.lines().is_empty());
        assert!(impact.is_only_objectives());
        assert_eq!(listed(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }
}
