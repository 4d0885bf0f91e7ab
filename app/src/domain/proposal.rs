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
    pub reason: String,
    pub ops: Vec<Op>,
    pub status: ProposalStatus,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// Who accepted or declined it, and their comment.
    pub decided_by: Option<String>,
    pub comment: String,
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
}
