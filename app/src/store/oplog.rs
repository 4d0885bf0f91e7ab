//! The one write path for map content: batches of ops are validated by the domain, then — a
//! group of queued batches at a time, in one transaction — the map's sequence is moved, each
//! accepted batch appended to the op log with its own sequence and applied to the relational
//! tables. Canvas, server functions and REST all come through here (via the hub's committer).

use super::*;
use crate::domain::history;
use crate::domain::ops::{self, Committed, EntityKind, Field, NewEntity, Op, OpError};
use crate::domain::*;
use sqlx::AnyConnection;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Why a batch was not committed.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// The domain refused it; shown to the author, nothing changed.
    #[error(transparent)]
    Rejected(#[from] OpError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CommitError {
    fn from(e: sqlx::Error) -> Self {
        CommitError::Store(StoreError::Database(e))
    }
}

/// One batch handed to [`Store::commit_group`].
#[derive(Debug, Clone)]
pub struct Submission {
    pub op_id: uuid::Uuid,
    pub author: UserId,
    pub ops: Vec<Op>,
}

/// A committed batch (new, or the original of a resent `op_id`).
#[derive(Debug, Clone)]
pub struct CommitOutcome {
    pub committed: Committed,
    /// The op_id had been committed before: nothing was applied again.
    pub duplicate: bool,
    /// `committed.ops` as the JSON the op log holds, so relaying it needs no second encoding.
    pub ops_json: std::sync::Arc<str>,
}

/// What a commit group did: one result per submission, in order, and the document after it.
#[derive(Debug)]
pub struct GroupOutcome {
    pub results: Vec<Result<CommitOutcome, CommitError>>,
    pub doc: MapDocument,
}

/// Most batches one transaction takes; more wait for the next group.
pub const MAX_GROUP: usize = 128;

impl Store {
    /// Commits a group of batches on `map` in **one transaction**, in order: each gets its own
    /// sequence and op-log row as if committed alone ([`ops::fold_group`]); a batch the domain
    /// refuses is skipped and reported without affecting the others; a resent `op_id` (from
    /// before, or twice in the group) is answered with its original sequence and not applied
    /// again. `cached` is the caller's copy of the document (the live room keeps one): used when
    /// it is current, re-read under the map's row lock otherwise. An `Err` means the whole group
    /// failed to commit and nothing of it was written.
    pub async fn commit_group(
        &self,
        map: MapId,
        mut batches: Vec<Submission>,
        cached: Option<MapDocument>,
    ) -> Result<GroupOutcome, StoreError> {
        let mut cached = match cached {
            Some(d) => d,
            None => self.live_document(map).await?,
        };
        // What the map's objectives may support lies outside its op sequence (the parent
        // unit's maps): read it now when an alignment is made, so a parent objective added
        // since the document was cached counts.
        let aligns = |b: &Submission| b.ops.iter().any(|op| matches!(op, Op::Align { .. }));
        if batches.iter().any(aligns) {
            cached.parent_objectives = self.parent_objectives(map).await?;
        }
        // Resends are rare, so the first attempt does not look for committed op_ids: the op
        // log's unique op_id catches one among the accepted batches (the transaction is then
        // rolled back), and a group with a refused batch looks before writing anything (a
        // resend of an applied batch may no longer apply). Then the group is folded again,
        // knowing which op_ids were committed before.
        let mut known = None;
        loop {
            match self
                .attempt(map, &mut batches, &cached, known.as_ref())
                .await
            {
                Ok(Some(folded)) => {
                    let known = known.unwrap_or_default();
                    return Ok(finish(batches, folded, &known));
                }
                Ok(None) => {}
                Err(StoreError::Database(sqlx::Error::Database(e)))
                    if known.is_none() && e.is_unique_violation() => {}
                Err(e) => return Err(e),
            }
            if known.is_some() {
                return Err(StoreError::Conflict(
                    "the commit group did not settle".into(),
                ));
            }
            known = Some(self.committed_among(&batches).await?);
        }
    }

    /// One try at a group. `None` when a batch was refused and `known` was not looked up yet.
    async fn attempt(
        &self,
        map: MapId,
        batches: &mut [Submission],
        cached: &MapDocument,
        known: Option<&HashMap<Uuid, Known>>,
    ) -> Result<Option<Folded>, StoreError> {
        let mut results: Vec<Option<Result<CommitOutcome, CommitError>>> =
            batches.iter().map(|_| None).collect();
        let mut ours = HashMap::new();
        for (i, b) in batches.iter().enumerate() {
            match known.and_then(|k| k.get(&b.op_id)) {
                Some(k) if k.map == map => {
                    ours.insert(b.op_id, k.outcome.committed.seq);
                }
                // A known op_id of another map is not ours to acknowledge.
                Some(_) => {
                    results[i] = Some(Err(StoreError::Conflict(
                        "this edit id was already used on another map".into(),
                    )
                    .into()))
                }
                None => {}
            }
        }
        refuse_foreign_ids(self, map, batches, &ours, &mut results).await?;
        let pending: Vec<usize> = (0..batches.len())
            .filter(|i| results[*i].is_none())
            .collect();
        let unsure = |verdicts: &[ops::Verdict]| {
            known.is_none()
                && verdicts
                    .iter()
                    .any(|v| matches!(v, ops::Verdict::Rejected(_)))
        };

        let mut base = cached.clone();
        let mut doc = cached.clone();
        let verdicts = fold(&mut doc, batches, &pending, &ours);
        if unsure(&verdicts) {
            return Ok(None);
        }
        let accepted = doc.seq - base.seq;
        let mut folded = Folded {
            results,
            pending,
            verdicts,
            doc,
            texts: Vec::new(),
        };
        // Nothing to write: the verdicts stand when the document was current.
        if accepted == 0 && self.map_seq(map).await? == base.seq {
            return Ok(Some(folded));
        }
        let mut tx = self.begin().await?;
        // Optimistic path: one statement locks the map row and moves its sequence, provided
        // nobody committed since the cached document.
        let current = accepted > 0
            && select("UPDATE maps SET seq = seq + $1 WHERE id = $2 AND seq = $3 RETURNING seq")
                .bind_value(accepted)
                .bind(map)
                .bind_value(base.seq)
                .optional(&mut *tx, seq_of)
                .await?
                .is_some();
        if !current {
            let pending = &folded.pending;
            (base, folded.verdicts) =
                refold(self, &mut tx, map, batches, pending, &ours, &mut folded.doc).await?;
            if unsure(&folded.verdicts) {
                return Ok(None);
            }
        }
        let committed: Vec<(usize, i64)> = folded
            .pending
            .iter()
            .zip(&folded.verdicts)
            .filter_map(|(&i, v)| match v {
                ops::Verdict::Accepted(seq) => Some((i, *seq)),
                _ => None,
            })
            .collect();
        if committed.is_empty() {
            return Ok(Some(folded));
        }
        folded.texts = committed
            .iter()
            .map(|(i, _)| serde_json::to_string(&batches[*i].ops).map(Arc::from))
            .collect::<Result<_, _>>()
            .map_err(|e| StoreError::Conflict(e.to_string()))?;
        let at = now_text();
        let details = edit_details(&base, batches, &committed);
        let unit = Some(base.map.org_unit_id);
        insert_log_rows(&mut tx, map, batches, &committed, &folded.texts, &at).await?;
        persist_group(
            &mut tx,
            base,
            committed.iter().flat_map(|(i, _)| &batches[*i].ops),
        )
        .await?;
        let entries: Vec<AuditEntry> = committed
            .iter()
            .zip(details)
            .map(|((i, _), detail)| AuditEntry {
                user: Some(batches[*i].author),
                action: "edit",
                entity: "map",
                entity_id: map.to_string(),
                detail,
                unit,
            })
            .collect();
        audit_many(&mut tx, &entries, &at).await?;
        tx.commit().await?;
        Ok(Some(folded))
    }

    /// The already committed batches among `batches`' op_ids, in one query.
    async fn committed_among(&self, batches: &[Submission]) -> StoreResult<HashMap<Uuid, Known>> {
        if batches.is_empty() {
            return Ok(HashMap::new());
        }
        let known = |r: &AnyRow| {
            let known = Known {
                map: parsed(r, "map_id")?,
                outcome: CommitOutcome {
                    committed: committed_from(r)?,
                    duplicate: true,
                    ops_json: Arc::from(text(r, "ops")?),
                },
            };
            Ok((known.outcome.committed.op_id, known))
        };
        let sql = in_list(
            "SELECT map_id, seq, op_id, author, ops FROM map_ops WHERE op_id IN ({in})",
            batches.len(),
        );
        let found = select(&sql).bind_all(batches.iter().map(|b| b.op_id));
        Ok(found.all(&self.pool, known).await?.into_iter().collect())
    }

    /// The sequence an op_id was committed at, if it was.
    pub async fn seq_of_op(&self, op_id: uuid::Uuid) -> StoreResult<Option<i64>> {
        select("SELECT seq FROM map_ops WHERE op_id = $1")
            .bind(op_id)
            .optional(&self.pool, seq_of)
            .await
    }

    /// The batch committed at `seq`.
    pub async fn batch_at(&self, map: MapId, seq: i64) -> StoreResult<Committed> {
        select("SELECT * FROM map_ops WHERE map_id = $1 AND seq = $2")
            .bind(map)
            .bind_value(seq)
            .one(&self.pool, committed_from, "edit")
            .await
    }

    /// Every batch after `seq`, in order (catch-up after a reconnect, relay from another instance).
    pub async fn batches_since(&self, map: MapId, seq: i64) -> StoreResult<Vec<Committed>> {
        select("SELECT * FROM map_ops WHERE map_id = $1 AND seq > $2 ORDER BY seq")
            .bind(map)
            .bind_value(seq)
            .all(&self.pool, committed_from)
            .await
    }

    /// The map's current sequence.
    pub async fn map_seq(&self, map: MapId) -> StoreResult<i64> {
        select("SELECT seq FROM maps WHERE id = $1")
            .bind(map)
            .one(&self.pool, seq_of, "map")
            .await
    }
}

/// The audit detail of each committed batch: its sequence and its readable changes, with the
/// values before and after ([`history::describe_batch`] over the document before the group).
fn edit_details(
    base: &MapDocument,
    batches: &[Submission],
    committed: &[(usize, i64)],
) -> Vec<String> {
    let mut doc = base.clone();
    committed
        .iter()
        .map(|(i, seq)| {
            let changes = history::describe_batch(&mut doc, &batches[*i].ops).unwrap_or_default();
            let detail = history::EditDetail { seq: *seq, changes };
            serde_json::to_string(&detail).unwrap_or_else(|_| format!("seq {seq}"))
        })
        .collect()
}

/// The `seq` column of a row.
fn seq_of(row: &AnyRow) -> StoreResult<i64> {
    int(row, "seq")
}

fn committed_from(row: &AnyRow) -> StoreResult<Committed> {
    let ops: Vec<Op> =
        serde_json::from_str(&text(row, "ops")?).map_err(|_| StoreError::Corrupt("ops"))?;
    Ok(Committed {
        seq: int(row, "seq")?,
        op_id: parsed(row, "op_id")?,
        author: parsed(row, "author")?,
        ops,
    })
}

/// A batch found in the op log: its map and the outcome to answer a resend with.
struct Known {
    map: MapId,
    outcome: CommitOutcome,
}

/// Refuses (before folding) every batch not decided yet that creates an item with an id that
/// is or was used on another map: the domain cannot know those ids, the registry does.
async fn refuse_foreign_ids(
    store: &Store,
    map: MapId,
    batches: &[Submission],
    ours: &HashMap<Uuid, i64>,
    results: &mut [Option<Result<CommitOutcome, CommitError>>],
) -> StoreResult<()> {
    let undecided = |i: &usize| results[*i].is_none() && !ours.contains_key(&batches[*i].op_id);
    let open: Vec<usize> = (0..batches.len()).filter(undecided).collect();
    let foreign = super::entity_ids::foreign_ids(
        store,
        map,
        open.iter().flat_map(|&i| batches[i].ops.iter()),
    )
    .await?;
    if foreign.is_empty() {
        return Ok(());
    }
    for i in open {
        let taken = batches[i]
            .ops
            .iter()
            .filter_map(super::entity_ids::created_id)
            .find(|(id, _)| foreign.contains_key(id));
        if let Some((_, kind)) = taken {
            results[i] = Some(Err(CommitError::Rejected(OpError::IdTaken(kind))));
        }
    }
    Ok(())
}

/// [`ops::fold_group`] over the `pending` submissions (in order). Their workshop ops come out
/// filled in by the server, as they are logged and relayed.
fn fold(
    doc: &mut MapDocument,
    batches: &mut [Submission],
    pending: &[usize],
    known: &HashMap<Uuid, i64>,
) -> Vec<ops::Verdict> {
    let chosen = batches
        .iter_mut()
        .enumerate()
        .filter(|(i, _)| pending.contains(i))
        .map(|(_, b)| (b.op_id, b.ops.as_mut_slice()));
    ops::fold_group(doc, chosen, known)
}

/// The stale-cache path: lock the map row, read the document inside the transaction and fold
/// again, moving the sequence when anything was accepted. Returns the document before the
/// group and the verdicts; `doc` becomes the document after it.
async fn refold(
    store: &Store,
    tx: &mut AnyConnection,
    map: MapId,
    batches: &mut [Submission],
    pending: &[usize],
    known: &HashMap<Uuid, i64>,
    doc: &mut MapDocument,
) -> StoreResult<(MapDocument, Vec<ops::Verdict>)> {
    // Taking the row lock first serialises writers of this map (both backends).
    let seq = select("UPDATE maps SET seq = seq WHERE id = $1 RETURNING seq")
        .bind(map)
        .one(&mut *tx, seq_of, "map")
        .await?;
    let mut fresh = store.map_document_in(&mut *tx, map).await?;
    fresh.seq = seq;
    let base = fresh.clone();
    let verdicts = fold(&mut fresh, batches, pending, known);
    if fresh.seq != base.seq {
        change("UPDATE maps SET seq = $1 WHERE id = $2")
            .bind_value(fresh.seq)
            .bind(map)
            .run(&mut *tx)
            .await?;
    }
    *doc = fresh;
    Ok((base, verdicts))
}

/// A folded group: what was decided before folding (`results`), the submissions folded
/// (`pending`) and their verdicts, the document after the group and the op-log JSON of each
/// accepted batch.
struct Folded {
    results: Vec<Option<Result<CommitOutcome, CommitError>>>,
    pending: Vec<usize>,
    verdicts: Vec<ops::Verdict>,
    doc: MapDocument,
    texts: Vec<Arc<str>>,
}

/// Turns the verdicts into one result per submission (in submission order).
fn finish(batches: Vec<Submission>, folded: Folded, known: &HashMap<Uuid, Known>) -> GroupOutcome {
    let Folded {
        mut results,
        pending,
        verdicts,
        doc,
        texts,
    } = folded;
    let mut batches: Vec<Option<Submission>> = batches.into_iter().map(Some).collect();
    let mut texts = texts.into_iter();
    let mut in_group: HashMap<Uuid, CommitOutcome> = HashMap::new();
    for (&i, verdict) in pending.iter().zip(verdicts) {
        let Some(b) = batches[i].take() else { continue };
        results[i] = Some(match verdict {
            ops::Verdict::Accepted(seq) => match texts.next() {
                Some(ops_json) => {
                    let outcome = CommitOutcome {
                        committed: Committed {
                            seq,
                            op_id: b.op_id,
                            author: b.author,
                            ops: b.ops,
                        },
                        duplicate: false,
                        ops_json,
                    };
                    in_group.insert(b.op_id, outcome.clone());
                    Ok(outcome)
                }
                None => Err(StoreError::NotFound("edit").into()),
            },
            ops::Verdict::Duplicate(_) => match in_group.get(&b.op_id) {
                Some(first) => Ok(CommitOutcome {
                    duplicate: true,
                    ..first.clone()
                }),
                None => known
                    .get(&b.op_id)
                    .map(|k| k.outcome.clone())
                    .ok_or_else(|| StoreError::NotFound("edit").into()),
            },
            ops::Verdict::Rejected(e) => Err(CommitError::Rejected(e)),
        });
    }
    GroupOutcome {
        results: results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(StoreError::NotFound("edit").into())))
            .collect(),
        doc,
    }
}

/// Appends the accepted batches to the op log in one statement.
async fn insert_log_rows(
    conn: &mut AnyConnection,
    map: MapId,
    batches: &[Submission],
    committed: &[(usize, i64)],
    texts: &[Arc<str>],
    at: &str,
) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO map_ops (map_id, seq, op_id, author, ops, at) VALUES {}",
        value_tuples(committed.len(), 6)
    );
    let map = map.to_string();
    let mut q = sqlx::query(&sql);
    for ((i, seq), text) in committed.iter().zip(texts) {
        q = q
            .bind(map.clone())
            .bind(*seq)
            .bind(batches[*i].op_id.to_string())
            .bind(batches[*i].author.to_string())
            .bind(text.to_string())
            .bind(at.to_string());
    }
    q.execute(conn).await?;
    Ok(())
}

/// Writes the accepted ops of a group to the tables, in order, starting from `state` (the
/// document before the group). A `Set` that a later op of the group overwrites is skipped
/// (see [`superseded`]), so a burst of drags on one objective costs one row update.
async fn persist_group<'a>(
    conn: &mut AnyConnection,
    mut state: MapDocument,
    ops: impl Iterator<Item = &'a Op>,
) -> StoreResult<()> {
    let ops: Vec<&Op> = ops.collect();
    let skip = superseded(&ops);
    for (op, skip) in ops.into_iter().zip(skip) {
        // A measure edit can rewrite other measures' formulas (a rename): keep the state before
        // it to find every measure that changed.
        let before = matches!(
            op,
            Op::Set {
                entity: EntityKind::Measure,
                ..
            }
        )
        .then(|| state.clone());
        let placed = placements_touched(&state, op);
        ops::apply(&mut state, op).map_err(|e| StoreError::Conflict(e.to_string()))?;
        if let Some(moved) = moved_objective(op) {
            // A move that changed the perspective is written even when a later move of the
            // same objective follows: foreign keys see every step.
            let band_changed = placed.iter().flatten().any(|(id, before)| {
                placement_of(&state, *id)
                    .is_some_and(|now| now.perspective_id != before.perspective_id)
            });
            if !skip || band_changed {
                write_placement(conn, &state, moved).await?;
            }
            continue;
        }
        if !skip {
            match before {
                Some(before) => persist_measures(conn, &before, &state).await?,
                None => persist(conn, &state, op).await?,
            }
        }
        for (id, before) in placed.iter().flatten() {
            if placement_of(&state, *id).is_some_and(|now| now != *before) {
                write_placement(conn, &state, *id).await?;
            }
        }
    }
    Ok(())
}

/// Where an objective is drawn and in which perspective's band: what a move, a perspective
/// change or a change of the bands alters together (see `ops::apply`).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Placement {
    x: f64,
    y: f64,
    perspective_id: PerspectiveId,
}

fn placement_of(doc: &MapDocument, id: ObjectiveId) -> Option<Placement> {
    doc.objectives
        .iter()
        .find(|o| o.id == id)
        .map(|o| Placement {
            x: o.x,
            y: o.y,
            perspective_id: o.perspective_id,
        })
}

/// The objective whose placement a `Set` of its position or perspective changes.
fn moved_objective(op: &Op) -> Option<ObjectiveId> {
    match op {
        Op::Set {
            entity: EntityKind::Objective,
            id,
            field: Field::Position | Field::Perspective,
            ..
        } => Some(ObjectiveId(*id)),
        _ => None,
    }
}

/// The placements `op` may change, as they are before it: the objective it moves, or every
/// objective when it adds, removes or reorders bands (perspectives). `None` for other ops.
fn placements_touched(state: &MapDocument, op: &Op) -> Option<Vec<(ObjectiveId, Placement)>> {
    let all = || {
        state
            .objectives
            .iter()
            .filter_map(|o| placement_of(state, o.id).map(|p| (o.id, p)))
            .collect()
    };
    match op {
        Op::Set { .. } if moved_objective(op).is_some() => {
            let id = moved_objective(op)?;
            Some(
                placement_of(state, id)
                    .map(|p| (id, p))
                    .into_iter()
                    .collect(),
            )
        }
        Op::Create {
            item: NewEntity::Perspective(_),
        }
        | Op::Delete {
            entity: EntityKind::Perspective,
            ..
        }
        | Op::Set {
            entity: EntityKind::Perspective,
            field: Field::Rank,
            ..
        } => Some(all()),
        _ => None,
    }
}

/// Writes where an objective is drawn and its perspective, read from the document after the op.
async fn write_placement(
    conn: &mut AnyConnection,
    after: &MapDocument,
    id: ObjectiveId,
) -> StoreResult<()> {
    let o = after
        .objectives
        .iter()
        .find(|o| o.id == id)
        .ok_or_else(|| StoreError::Conflict(OpError::Missing(EntityKind::Objective).to_string()))?;
    change("UPDATE objectives SET x = $1, y = $2, perspective_id = $3 WHERE id = $4")
        .bind_value(o.x)
        .bind_value(o.y)
        .bind(o.perspective_id)
        .bind(id)
        .run(conn)
        .await?;
    Ok(())
}

/// For each op, whether writing it can be skipped: a `Set` of a field that references no other
/// row, followed later in the same sequence by a `Set` of the same field of the same entity
/// (whose write stores the then current value). Fields that reference rows (owner,
/// perspective, theme) are always written, so foreign keys see every step.
fn superseded(ops: &[&Op]) -> Vec<bool> {
    let mut later = std::collections::HashSet::new();
    let mut skip = vec![false; ops.len()];
    let mut workshop_later = false;
    for (i, op) in ops.iter().enumerate().rev() {
        // The workshop is written whole: the last of its ops writes what all of them did.
        if let Op::Workshop { .. } = op {
            skip[i] = workshop_later;
            workshop_later = true;
        }
        if let Op::Set {
            entity, id, field, ..
        } = op
        {
            let references_rows = matches!(field, Field::Owner | Field::Perspective | Field::Theme);
            // Measure edits write whole rows, and a rename also rewrites other measures.
            if !references_rows && *entity != EntityKind::Measure {
                skip[i] = !later.insert((*entity, *id, *field));
            }
        }
    }
    skip
}

/// Writes one (already validated) op to the tables. `after` is the document just after it.
async fn persist(conn: &mut AnyConnection, after: &MapDocument, op: &Op) -> StoreResult<()> {
    match op {
        Op::Create {
            item: NewEntity::Objective(o),
        } => {
            // As the domain placed it (in its perspective's band), not as sent.
            let placed = after.objectives.iter().find(|x| x.id == o.id).unwrap_or(o);
            insert_objective(&mut *conn, placed).await?;
            // Created again with its id (undo): what its delete took with it comes back.
            super::tombstones::restore(conn, o.id).await?;
        }
        Op::Create {
            item: NewEntity::Theme(t),
        } => insert_theme(conn, t).await?,
        Op::Create {
            item: NewEntity::Perspective(p),
        } => insert_perspective(conn, p).await?,
        Op::Create {
            item: NewEntity::Measure(m),
        } => {
            insert_measure(&mut *conn, m).await?;
            let key = m.id.to_string();
            super::tombstones::restore_columns(conn, m.objective_id, "measures", &key).await?;
        }
        Op::Link { link } => insert_link(conn, link).await?,
        Op::Unlink { id } => delete_row(conn, "links", id.0).await?,
        Op::Align { alignment } => {
            // As the domain kept it (the note trimmed), not as sent.
            let kept = after
                .alignments
                .iter()
                .find(|a| a.id == alignment.id)
                .map(AlignmentView::alignment);
            let kept = kept.as_ref().unwrap_or(alignment);
            super::alignments::insert_alignment(conn, after.map.id, kept).await?
        }
        Op::Unalign { id } => delete_row(conn, "alignments", id.0).await?,
        Op::Workshop { .. } => {
            super::workshops::write_workshop(conn, after.map.id, after.workshop.as_ref()).await?
        }
        Op::Delete { entity, id } => {
            let table = match entity {
                EntityKind::Objective => "objectives",
                EntityKind::Link => "links",
                EntityKind::Theme => "themes",
                EntityKind::Perspective => "perspectives",
                EntityKind::Measure => "measures",
                EntityKind::Alignment => "alignments",
                EntityKind::Map => {
                    let e = OpError::NoSuchField {
                        entity: *entity,
                        field: Field::Name,
                    };
                    return Err(StoreError::Conflict(e.to_string()));
                }
            };
            // What the undo's ops will not carry is kept until they come back.
            match entity {
                EntityKind::Objective => {
                    super::tombstones::capture(&mut *conn, ObjectiveId(*id)).await?
                }
                _ => super::tombstones::capture_own(&mut *conn, table, *id).await?,
            }
            delete_row(conn, table, *id).await?;
        }
        Op::Set {
            entity, id, field, ..
        } => persist_set(conn, after, *entity, *id, *field).await?,
    }
    Ok(())
}

/// Writes every measure that differs between `before` and `after` (whole rows).
async fn persist_measures(
    conn: &mut AnyConnection,
    before: &MapDocument,
    after: &MapDocument,
) -> StoreResult<()> {
    for m in &after.measures {
        if !before.measures.contains(m) {
            update_measure(&mut *conn, m).await?;
        }
    }
    Ok(())
}

async fn delete_row(conn: &mut AnyConnection, table: &str, id: uuid::Uuid) -> StoreResult<()> {
    // `table` is one of a fixed set above, never user input.
    let sql = format!("DELETE FROM {table} WHERE id = $1");
    change(&sql).bind(id).run(conn).await?;
    Ok(())
}

/// Writes the new value of one field, read back from the document after the op. Which fields
/// exist and where each is kept comes from the entity's field table in `ops`
/// ([`ops::column_of`]), the same one `ops::apply` uses.
async fn persist_set(
    conn: &mut AnyConnection,
    after: &MapDocument,
    entity: EntityKind,
    id: uuid::Uuid,
    field: Field,
) -> StoreResult<()> {
    let column = ops::column_of(entity, field)
        .ok_or_else(|| StoreError::Conflict(OpError::NoSuchField { entity, field }.to_string()))?;
    let value = ops::current_value(after, entity, id, field)
        .ok_or_else(|| StoreError::Conflict(OpError::Missing(entity).to_string()))?;
    let (name, value) = match column {
        ops::Column::Placement => return write_placement(conn, after, ObjectiveId(id)).await,
        ops::Column::Row => {
            return match entity {
                EntityKind::Measure => {
                    let m = after
                        .measures
                        .iter()
                        .find(|m| m.id.0 == id)
                        .ok_or_else(|| {
                            StoreError::Conflict(OpError::Missing(entity).to_string())
                        })?;
                    update_measure(conn, m).await
                }
                _ => Err(StoreError::Conflict(format!(
                    "no whole-row write for a {entity}"
                ))),
            };
        }
        ops::Column::MapPeriod => {
            let m = &after.map;
            change("UPDATE maps SET period_start = $1, period_end = $2 WHERE id = $3")
                .bind(m.period_start)
                .bind(m.period_end)
                .bind(m.id)
                .run(conn)
                .await?;
            return Ok(());
        }
        ops::Column::OptInt(name) if value.is_null() => {
            let sql = format!("UPDATE {} SET {name} = $1 WHERE id = $2", table_of(entity));
            change(&sql)
                .bind_value(None::<i64>)
                .bind(id)
                .run(conn)
                .await?;
            return Ok(());
        }
        ops::Column::Plain(name) | ops::Column::OptInt(name) => (name, value),
        ops::Column::JsonText(name) => (name, serde_json::Value::String(value.to_string())),
    };
    // Table and column names come from fixed tables, never from user input.
    let sql = format!("UPDATE {} SET {name} = $1 WHERE id = $2", table_of(entity));
    let q = sqlx::query(&sql);
    let q = match value {
        serde_json::Value::Null => q.bind(None::<String>),
        // Yes/no columns are 0/1 integers, the same on both databases.
        serde_json::Value::Bool(b) => q.bind(i64::from(b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => q.bind(i),
            None => q.bind(n.as_f64()),
        },
        serde_json::Value::String(s) => q.bind(s),
        other => q.bind(other.to_string()),
    };
    q.bind(id.to_string()).execute(conn).await?;
    Ok(())
}

/// The table holding the rows of an entity kind (exhaustive, so a new kind must say).
fn table_of(entity: EntityKind) -> &'static str {
    match entity {
        EntityKind::Objective => "objectives",
        EntityKind::Link => "links",
        EntityKind::Theme => "themes",
        EntityKind::Perspective => "perspectives",
        EntityKind::Map => "maps",
        EntityKind::Measure => "measures",
        EntityKind::Alignment => "alignments",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ops::{set, Position};

    #[test]
    fn only_overwritten_plain_fields_are_skipped() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let p = PerspectiveId(Uuid::from_u128(3));
        let pos = |id, x: f64| {
            set(
                EntityKind::Objective,
                id,
                Field::Position,
                Position { x, y: 0.0 },
            )
        };
        let ops = [
            pos(a, 1.0),
            pos(b, 1.0),
            set(EntityKind::Objective, a, Field::Perspective, p),
            pos(a, 2.0),
            set(EntityKind::Objective, a, Field::Perspective, p),
            set(EntityKind::Objective, a, Field::Title, "x"),
            Op::Delete {
                entity: EntityKind::Objective,
                id: b,
            },
        ];
        let refs: Vec<&Op> = ops.iter().collect();
        assert_eq!(
            superseded(&refs),
            // a's first move is overwritten by its second; b's move is its last; perspective
            // changes (a foreign key) are always written.
            vec![true, false, false, false, false, false, false]
        );
    }
}
