//! A change proposed to a parent map by an editor of a unit below it who may not edit that map
//! (the cascade's way up): a small batch of ops (add or reword an objective, add or remove a
//! link) with a reason. The parent's editors see it drawn on their map as a diff and accept it
//! (applied as one batch through the live path, credited to the proposer) or decline it. Pure:
//! what a proposal may carry, and what it changes on the map as it is now, or why it no longer
//! applies.

use super::ids::*;
use super::model::*;
use super::ops::{apply, EntityKind, Field, NewEntity, Op, OpError};
use super::validation::{self, ValidationError};
use serde::{Deserialize, Serialize};

/// Most changes one proposal carries: it is a suggestion to discuss, not a second map.
pub const MAX_PROPOSAL_CHANGES: usize = 20;
/// Longest reason (and decline comment) in characters.
pub const MAX_REASON: usize = 2000;

/// Where a proposal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Waiting for the parent map's editors.
    Open,
    /// Applied to the parent map.
    Accepted,
    /// Turned down, with a comment.
    Declined,
}

impl ProposalStatus {
    /// The status as stored and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Open => "open",
            ProposalStatus::Accepted => "accepted",
            ProposalStatus::Declined => "declined",
        }
    }
}

impl std::str::FromStr for ProposalStatus {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "open" => Ok(ProposalStatus::Open),
            "accepted" => Ok(ProposalStatus::Accepted),
            "declined" => Ok(ProposalStatus::Declined),
            _ => Err(()),
        }
    }
}

/// A proposal as the parent map's editors and its author see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: ProposalId,
    /// The parent map it would change.
    pub map_id: MapId,
    /// The unit map it was made from (the proposer's).
    pub from_map_id: MapId,
    pub author_id: UserId,
    pub author_name: String,
    /// The name of the unit it came from.
    pub from_unit: String,
    pub reason: String,
    pub ops: Vec<Op>,
    pub status: ProposalStatus,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// Who accepted or declined it (their name), when, and their comment.
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub comment: String,
}

/// A proposal with what it changes on its map as the map is now (while it is open), or why it
/// no longer applies: what the parent's editors and the proposer are shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProposalView {
    pub proposal: Proposal,
    /// The changes in order (empty once decided, or when stale).
    pub changes: Vec<Change>,
    /// Why an open proposal cannot be accepted as it is (its target was deleted…).
    pub stale: Option<OpError>,
}

impl ProposalView {
    /// `proposal` read against `doc`, the map it would change.
    pub fn of(doc: &MapDocument, proposal: Proposal) -> ProposalView {
        let (changes, stale) = match proposal.status {
            ProposalStatus::Open => match review(doc, &proposal.ops) {
                Ok(changes) => (changes, None),
                Err(e) => (Vec::new(), Some(e)),
            },
            _ => (Vec::new(), None),
        };
        ProposalView {
            proposal,
            changes,
            stale,
        }
    }
}

/// A map's proposals: those made to it (all of them for its editors, else the caller's own)
/// and those made from it to the parent unit's maps.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProposalList {
    pub incoming: Vec<ProposalView>,
    pub outgoing: Vec<ProposalView>,
    /// Whether the caller may accept or decline the incoming ones (edits the map).
    pub may_decide: bool,
}

/// A proposal as its author sends it: to `map_id` (a map of the parent unit), from their unit's
/// map `from_map_id`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProposalDraft {
    pub map_id: MapId,
    pub from_map_id: MapId,
    pub reason: String,
    pub ops: Vec<Op>,
}

/// `doc` as the draft changes `ops` would leave it (those that apply; a composer shows the
/// rest as refused).
pub fn drafted(doc: &MapDocument, ops: &[Op]) -> MapDocument {
    let mut trial = doc.clone();
    for op in ops {
        let _ = apply(&mut trial, op);
    }
    trial
}

/// The op proposing a new objective titled `title` in `perspective`'s band, on a free spot of
/// the map as the draft so far leaves it (so two new objectives never land on each other).
pub fn add_objective(
    doc: &MapDocument,
    draft: &[Op],
    perspective: PerspectiveId,
    title: &str,
) -> Option<Op> {
    let trial = drafted(doc, draft);
    let band = trial
        .perspectives
        .iter()
        .position(|p| p.id == perspective)?;
    let point = super::layout::Point {
        x: super::layout::LABEL_WIDTH + 120.0,
        y: band as f64 * super::layout::BAND_HEIGHT + super::layout::BAND_HEIGHT / 2.0,
    };
    let objective = Objective {
        title: title.trim().to_string(),
        ..super::edits::new_objective(&trial, point)?
    };
    Some(Op::Create {
        item: NewEntity::Objective(objective),
    })
}

/// One change of a proposal, as drawn on the parent map: added in green, removed struck
/// through, reworded as old → new.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// A new objective (where it would sit, in which band).
    Add { objective: Objective },
    /// An objective's title from → to.
    Reword {
        objective_id: ObjectiveId,
        from: String,
        to: String,
    },
    /// A new arrow.
    Link { link: Link },
    /// An objective taken away (comparing versions: a proposal never removes one).
    Remove { objective_id: ObjectiveId },
    /// An arrow taken away.
    Unlink {
        link_id: LinkId,
        from_id: ObjectiveId,
        to_id: ObjectiveId,
    },
}

/// Whether `op` is a change a proposal may carry.
fn allowed(op: &Op) -> bool {
    matches!(
        op,
        Op::Create {
            item: NewEntity::Objective(_)
        } | Op::Link { .. }
            | Op::Delete {
                entity: EntityKind::Link,
                ..
            }
            | Op::Set {
                entity: EntityKind::Objective,
                field: Field::Title,
                ..
            }
    )
}

/// Checks a proposal before it is kept: a reason, 1 to [`MAX_PROPOSAL_CHANGES`] changes, each
/// one a proposal may carry.
pub fn validate(reason: &str, ops: &[Op]) -> Result<(), ValidationError> {
    validation::required_text("Reason", reason, MAX_REASON)?;
    if ops.is_empty() || ops.len() > MAX_PROPOSAL_CHANGES {
        return Err(ValidationError::OutOfRange {
            field: "Changes proposed".into(),
            min: 1.0,
            max: MAX_PROPOSAL_CHANGES as f64,
        });
    }
    if !ops.iter().all(allowed) {
        return Err(ValidationError::ProposalChangeNotAllowed);
    }
    Ok(())
}

/// What `ops` change on `doc` as it is now, in order; or why they no longer apply (an objective
/// or arrow they name was deleted meanwhile, a title became invalid…): such a proposal is
/// stale and cannot be accepted as it is.
pub fn review(doc: &MapDocument, ops: &[Op]) -> Result<Vec<Change>, OpError> {
    let mut trial = doc.clone();
    let mut changes = Vec::with_capacity(ops.len());
    for op in ops {
        let change = describe(&trial, op)?;
        apply(&mut trial, op)?;
        changes.push(change);
    }
    Ok(changes)
}

/// One op as a change of `doc` (before it is applied).
fn describe(doc: &MapDocument, op: &Op) -> Result<Change, OpError> {
    match op {
        Op::Create {
            item: NewEntity::Objective(o),
        } => Ok(Change::Add {
            objective: o.clone(),
        }),
        Op::Link { link } => Ok(Change::Link { link: link.clone() }),
        Op::Delete {
            entity: EntityKind::Link,
            id,
        } => {
            let link = doc
                .links
                .iter()
                .find(|l| l.id.0 == *id)
                .ok_or(OpError::Missing(EntityKind::Link))?;
            Ok(Change::Unlink {
                link_id: link.id,
                from_id: link.from_id,
                to_id: link.to_id,
            })
        }
        Op::Set {
            entity: EntityKind::Objective,
            id,
            field: Field::Title,
            value,
        } => {
            let o = doc
                .objectives
                .iter()
                .find(|o| o.id.0 == *id)
                .ok_or(OpError::Missing(EntityKind::Objective))?;
            Ok(Change::Reword {
                objective_id: o.id,
                from: o.title.clone(),
                to: value.as_str().unwrap_or_default().trim().to_string(),
            })
        }
        _ => Err(OpError::Invalid(ValidationError::ProposalChangeNotAllowed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::edits;
    use crate::domain::fixtures::acme_doc;
    use crate::domain::ops::set;

    /// Acme's map with three objectives and an arrow from the first to the second.
    fn parent() -> MapDocument {
        let mut d = acme_doc();
        let p = d.perspectives[0].id;
        for title in ["Grow revenue", "Keep customers", "Cut cost"] {
            let o = Objective::new(d.map.id, p, title);
            apply(
                &mut d,
                &Op::Create {
                    item: NewEntity::Objective(o),
                },
            )
            .unwrap();
        }
        let (a, b) = (d.objectives[0].id, d.objectives[1].id);
        let (_, link) = edits::link(&d, a, b).unwrap();
        apply(&mut d, &link).unwrap();
        d
    }

    #[test]
    fn a_proposal_carries_a_reason_and_only_the_changes_it_may() {
        let d = parent();
        let reword = set(
            EntityKind::Objective,
            d.objectives[0].id.0,
            Field::Title,
            "Grow recurring revenue",
        );
        assert_eq!(
            validate("Our customers pay monthly", std::slice::from_ref(&reword)),
            Ok(())
        );
        assert!(matches!(
            validate("  ", std::slice::from_ref(&reword)),
            Err(ValidationError::Empty { .. })
        ));
        assert!(matches!(
            validate(&"x".repeat(MAX_REASON + 1), std::slice::from_ref(&reword)),
            Err(ValidationError::TooLong { .. })
        ));
        assert!(matches!(
            validate("Why", &[]),
            Err(ValidationError::OutOfRange { .. })
        ));
        let many = vec![reword; MAX_PROPOSAL_CHANGES + 1];
        assert!(matches!(
            validate("Why", &many),
            Err(ValidationError::OutOfRange { .. })
        ));
        // Deleting an objective, moving one or touching measures is for the map's editors.
        let delete = Op::Delete {
            entity: EntityKind::Objective,
            id: d.objectives[0].id.0,
        };
        let owner = set(
            EntityKind::Objective,
            d.objectives[0].id.0,
            Field::Owner,
            None::<UserId>,
        );
        for op in [delete, owner] {
            assert_eq!(
                validate("Why", &[op]),
                Err(ValidationError::ProposalChangeNotAllowed)
            );
        }
    }

    #[test]
    fn a_proposal_reads_as_a_diff_of_the_map_as_it_is_now() {
        let d = parent();
        let (grow, keep, cut) = (d.objectives[0].id, d.objectives[1].id, d.objectives[2].id);
        let new = Objective::new(d.map.id, d.perspectives[1].id, "Win new sectors");
        let old_link = d.links[0].id;
        let (_, link) = edits::link(&d, cut, new.id).unwrap();
        // The new objective does not exist yet, so its link is made after it.
        let ops = vec![
            Op::Create {
                item: NewEntity::Objective(new.clone()),
            },
            set(
                EntityKind::Objective,
                keep.0,
                Field::Title,
                " Keep key customers ",
            ),
            Op::Delete {
                entity: EntityKind::Link,
                id: old_link.0,
            },
            link,
        ];
        let changes = review(&d, &ops).unwrap();
        assert_eq!(changes.len(), 4);
        assert_eq!(
            changes[0],
            Change::Add {
                objective: new.clone()
            }
        );
        assert_eq!(
            changes[1],
            Change::Reword {
                objective_id: keep,
                from: "Keep customers".into(),
                to: "Keep key customers".into()
            }
        );
        assert_eq!(
            changes[2],
            Change::Unlink {
                link_id: old_link,
                from_id: grow,
                to_id: keep
            }
        );
        assert!(
            matches!(&changes[3], Change::Link { link } if link.from_id == cut && link.to_id == new.id)
        );
    }

    #[test]
    fn a_proposal_whose_target_was_deleted_is_stale() {
        let mut d = parent();
        let keep = d.objectives[1].id;
        let reword = set(
            EntityKind::Objective,
            keep.0,
            Field::Title,
            "Keep key customers",
        );
        assert!(review(&d, std::slice::from_ref(&reword)).is_ok());
        apply(
            &mut d,
            &Op::Delete {
                entity: EntityKind::Objective,
                id: keep.0,
            },
        )
        .unwrap();
        assert_eq!(
            review(&d, &[reword]),
            Err(OpError::Missing(EntityKind::Objective))
        );
        // So is one removing an arrow that is gone already.
        let gone = Op::Delete {
            entity: EntityKind::Link,
            id: LinkId::new().0,
        };
        assert_eq!(review(&d, &[gone]), Err(OpError::Missing(EntityKind::Link)));
    }

    #[test]
    fn new_objectives_of_a_draft_land_in_their_band_and_never_on_each_other() {
        let d = parent();
        let band = d.perspectives[1].id;
        let first = add_objective(&d, &[], band, " Win new sectors ").unwrap();
        let second =
            add_objective(&d, std::slice::from_ref(&first), band, "Serve them well").unwrap();
        let boxes: Vec<_> = [&first, &second]
            .iter()
            .map(|op| match op {
                Op::Create {
                    item: NewEntity::Objective(o),
                } => {
                    assert_eq!(o.perspective_id, band);
                    assert_eq!(o.map_id, d.map.id);
                    o.clone()
                }
                other => panic!("not a new objective: {other:?}"),
            })
            .collect();
        assert_eq!(boxes[0].title, "Win new sectors");
        assert!(!crate::domain::layout::overlaps(
            crate::domain::layout::objective_box(&boxes[0]),
            crate::domain::layout::objective_box(&boxes[1])
        ));
        let drafted = drafted(&d, &[first, second]);
        assert_eq!(drafted.objectives.len(), d.objectives.len() + 2);
        assert_eq!(review(&d, &[]).unwrap(), vec![]);
        assert!(add_objective(&d, &[], PerspectiveId::new(), "Nowhere").is_none());
    }

    #[test]
    fn an_open_proposal_shows_its_changes_or_why_it_went_stale_and_a_decided_one_neither() {
        let mut d = parent();
        let keep = d.objectives[1].id;
        let proposal = Proposal {
            id: ProposalId::new(),
            map_id: d.map.id,
            from_map_id: MapId::new(),
            author_id: UserId::new(),
            author_name: "Ana".into(),
            from_unit: "Sales".into(),
            reason: "Sharper".into(),
            ops: vec![set(
                EntityKind::Objective,
                keep.0,
                Field::Title,
                "Keep key customers",
            )],
            status: ProposalStatus::Open,
            created_at: String::new(),
            decided_by: None,
            decided_at: None,
            comment: String::new(),
        };
        let open = ProposalView::of(&d, proposal.clone());
        assert_eq!(open.changes.len(), 1);
        assert_eq!(open.stale, None);
        let decided = ProposalView::of(
            &d,
            Proposal {
                status: ProposalStatus::Declined,
                ..proposal.clone()
            },
        );
        assert!(decided.changes.is_empty() && decided.stale.is_none());
        apply(
            &mut d,
            &Op::Delete {
                entity: EntityKind::Objective,
                id: keep.0,
            },
        )
        .unwrap();
        let stale = ProposalView::of(&d, proposal);
        assert!(stale.changes.is_empty());
        assert_eq!(stale.stale, Some(OpError::Missing(EntityKind::Objective)));
        for status in [
            ProposalStatus::Open,
            ProposalStatus::Accepted,
            ProposalStatus::Declined,
        ] {
            assert_eq!(status.as_str().parse(), Ok(status));
        }
        assert_eq!("maybe".parse::<ProposalStatus>(), Err(()));
    }
}
