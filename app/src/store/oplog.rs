//! The one write path for map content: a batch of ops is validated by the domain, then in one
//! transaction the map's sequence is bumped, the batch appended to the op log and applied to the
//! relational tables. Canvas, server functions and REST all come through here.

use super::*;
use crate::domain::ops::{self, Committed, EntityKind, Field, NewEntity, Op, OpError, Position};
use crate::domain::*;
use sqlx::AnyConnection;

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

/// A committed batch and the document after it.
#[derive(Debug, Clone)]
pub struct CommitOutcome {
    pub committed: Committed,
    pub doc: MapDocument,
    /// The op_id had been committed before: nothing was applied again.
    pub duplicate: bool,
}

impl Store {
    /// Commits `ops` as one batch on `map`. `cached` is the caller's copy of the document (the
    /// live room keeps one); it is used when it is current and re-read otherwise.
    pub async fn commit_batch(
        &self,
        map: MapId,
        op_id: uuid::Uuid,
        author: UserId,
        ops: Vec<Op>,
        cached: Option<MapDocument>,
    ) -> Result<CommitOutcome, CommitError> {
        if let Some(seq) = self.seq_of_op(op_id).await? {
            let committed = self.batch_at(map, seq).await?;
            let doc = match cached {
                Some(d) if d.seq >= seq => d,
                _ => self.map_document(map).await?,
            };
            return Ok(CommitOutcome {
                committed,
                doc,
                duplicate: true,
            });
        }
        let mut tx = self.begin().await?;
        // Taking the row lock first serialises writers of this map (both backends).
        let row = sqlx::query("UPDATE maps SET seq = seq + 1 WHERE id = $1 RETURNING seq")
            .bind(map.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("map"))?;
        let seq = int(&row, "seq")?;
        let mut doc = match cached {
            Some(d) if d.seq == seq - 1 => d,
            _ => {
                let mut d = self.map_document_in(&mut tx, map).await?;
                d.seq = seq - 1;
                d
            }
        };
        let before = doc.clone();
        ops::apply_all(&mut doc, &ops)?;
        doc.seq = seq;
        let text = serde_json::to_string(&ops).map_err(|e| StoreError::Conflict(e.to_string()))?;
        sqlx::query("INSERT INTO map_ops (map_id, seq, op_id, author, ops, at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(map.to_string())
            .bind(seq)
            .bind(op_id.to_string())
            .bind(author.to_string())
            .bind(&text)
            .bind(now_text())
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::conflict_on_unique(e, "this edit was already committed"))?;
        let mut state = before;
        for op in &ops {
            persist(&mut tx, &state, op).await?;
            ops::apply(&mut state, op)?;
        }
        audit(
            &mut tx,
            Some(author),
            "edit",
            "map",
            &map.to_string(),
            &format!("seq {seq}: {} op(s)", ops.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(CommitOutcome {
            committed: Committed {
                seq,
                op_id,
                author,
                ops,
            },
            doc,
            duplicate: false,
        })
    }

    /// The sequence an op_id was committed at, if it was.
    pub async fn seq_of_op(&self, op_id: uuid::Uuid) -> StoreResult<Option<i64>> {
        let row = sqlx::query("SELECT seq FROM map_ops WHERE op_id = $1")
            .bind(op_id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| int(&r, "seq")).transpose()
    }

    /// The batch committed at `seq`.
    pub async fn batch_at(&self, map: MapId, seq: i64) -> StoreResult<Committed> {
        let row = sqlx::query("SELECT * FROM map_ops WHERE map_id = $1 AND seq = $2")
            .bind(map.to_string())
            .bind(seq)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("edit"))?;
        committed_from(&row)
    }

    /// Every batch after `seq`, in order (catch-up after a reconnect, relay from another instance).
    pub async fn batches_since(&self, map: MapId, seq: i64) -> StoreResult<Vec<Committed>> {
        let rows = sqlx::query("SELECT * FROM map_ops WHERE map_id = $1 AND seq > $2 ORDER BY seq")
            .bind(map.to_string())
            .bind(seq)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(committed_from).collect()
    }

    /// The map's current sequence.
    pub async fn map_seq(&self, map: MapId) -> StoreResult<i64> {
        let row = sqlx::query("SELECT seq FROM maps WHERE id = $1")
            .bind(map.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("map"))?;
        int(&row, "seq")
    }
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

/// Writes one (already validated) op to the tables. `state` is the document just before it.
async fn persist(
    conn: &mut AnyConnection,
    state: &MapDocument,
    op: &Op,
) -> Result<(), CommitError> {
    match op {
        Op::Create {
            item: NewEntity::Objective(o),
        } => super::maps::insert_objective(conn, o).await?,
        Op::Create {
            item: NewEntity::Theme(t),
        } => super::maps::insert_theme(conn, t).await?,
        Op::Create {
            item: NewEntity::Perspective(p),
        } => super::maps::insert_perspective(conn, p).await?,
        Op::Create {
            item: NewEntity::Measure(m),
        } => super::measures::insert_measure(conn, m).await?,
        Op::Link { link } => {
            sqlx::query("INSERT INTO links (id, map_id, from_id, to_id, hypothesis) VALUES ($1, $2, $3, $4, $5)")
                .bind(link.id.to_string())
                .bind(link.map_id.to_string())
                .bind(link.from_id.to_string())
                .bind(link.to_id.to_string())
                .bind(&link.hypothesis)
                .execute(conn)
                .await?;
        }
        Op::Unlink { id } => delete_row(conn, "links", id.0).await?,
        Op::Delete { entity, id } => {
            let table = match entity {
                EntityKind::Objective => "objectives",
                EntityKind::Link => "links",
                EntityKind::Theme => "themes",
                EntityKind::Perspective => "perspectives",
                EntityKind::Measure => "measures",
                EntityKind::Map => {
                    return Err(OpError::NoSuchField {
                        entity: *entity,
                        field: Field::Name,
                    }
                    .into())
                }
            };
            delete_row(conn, table, *id).await?;
        }
        Op::Set {
            entity, id, field, ..
        } => {
            let mut after = state.clone();
            ops::apply(&mut after, op)?;
            persist_set(conn, state, &after, *entity, *id, *field).await?;
        }
    }
    Ok(())
}

async fn delete_row(conn: &mut AnyConnection, table: &str, id: uuid::Uuid) -> StoreResult<()> {
    // `table` is one of a fixed set above, never user input.
    sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes the new value of one field, read back from the document after the op.
async fn persist_set(
    conn: &mut AnyConnection,
    before: &MapDocument,
    after: &MapDocument,
    entity: EntityKind,
    id: uuid::Uuid,
    field: Field,
) -> Result<(), CommitError> {
    let missing = || CommitError::Rejected(OpError::Missing(entity));
    let id_text = id.to_string();
    match entity {
        EntityKind::Objective => {
            let o = after
                .objectives
                .iter()
                .find(|o| o.id.0 == id)
                .ok_or_else(missing)?;
            let q = match field {
                Field::Title => sqlx::query("UPDATE objectives SET title = $1 WHERE id = $2")
                    .bind(o.title.clone()),
                Field::Description => {
                    sqlx::query("UPDATE objectives SET description = $1 WHERE id = $2")
                        .bind(o.description.clone())
                }
                Field::Owner => sqlx::query("UPDATE objectives SET owner_id = $1 WHERE id = $2")
                    .bind(o.owner_id.map(|u| u.to_string())),
                Field::Perspective => {
                    sqlx::query("UPDATE objectives SET perspective_id = $1 WHERE id = $2")
                        .bind(o.perspective_id.to_string())
                }
                Field::Theme => sqlx::query("UPDATE objectives SET theme_id = $1 WHERE id = $2")
                    .bind(o.theme_id.map(|t| t.to_string())),
                Field::Weight => {
                    sqlx::query("UPDATE objectives SET weight = $1 WHERE id = $2").bind(o.weight)
                }
                Field::RollUp => sqlx::query("UPDATE objectives SET rollup = $1 WHERE id = $2")
                    .bind(o.rollup.as_str()),
                Field::Position => {
                    let Position { x, y } = Position { x: o.x, y: o.y };
                    sqlx::query("UPDATE objectives SET x = $1, y = $2 WHERE id = $3")
                        .bind(x)
                        .bind(y)
                        .bind(id_text)
                        .execute(conn)
                        .await?;
                    return Ok(());
                }
                _ => return Err(OpError::NoSuchField { entity, field }.into()),
            };
            q.bind(id_text).execute(conn).await?;
        }
        EntityKind::Link => {
            let l = after
                .links
                .iter()
                .find(|l| l.id.0 == id)
                .ok_or_else(missing)?;
            sqlx::query("UPDATE links SET hypothesis = $1 WHERE id = $2")
                .bind(l.hypothesis.clone())
                .bind(id_text)
                .execute(conn)
                .await?;
        }
        EntityKind::Theme => {
            let t = after
                .themes
                .iter()
                .find(|t| t.id.0 == id)
                .ok_or_else(missing)?;
            sqlx::query("UPDATE themes SET name = $1, colour = $2, rank = $3 WHERE id = $4")
                .bind(t.name.clone())
                .bind(t.colour.clone())
                .bind(i64::from(t.rank))
                .bind(id_text)
                .execute(conn)
                .await?;
        }
        EntityKind::Perspective => {
            let p = after
                .perspectives
                .iter()
                .find(|p| p.id.0 == id)
                .ok_or_else(missing)?;
            sqlx::query("UPDATE perspectives SET name = $1, rank = $2, weight = $3 WHERE id = $4")
                .bind(p.name.clone())
                .bind(i64::from(p.rank))
                .bind(p.weight)
                .bind(id_text)
                .execute(conn)
                .await?;
        }
        EntityKind::Map => {
            let m = &after.map;
            let health_off = serde_json::to_string(&m.health_off)
                .map_err(|e| StoreError::Conflict(e.to_string()))?;
            sqlx::query("UPDATE maps SET name = $1, vision = $2, mission = $3, map_values = $4, health_off = $5 WHERE id = $6")
                .bind(m.name.clone())
                .bind(m.vision.clone())
                .bind(m.mission.clone())
                .bind(m.values.clone())
                .bind(health_off)
                .bind(id_text)
                .execute(conn)
                .await?;
        }
        EntityKind::Measure => {
            // A rename rewrites other measures' formulas too: write every measure that changed.
            for m in &after.measures {
                if !before.measures.contains(m) {
                    super::measures::update_measure(&mut *conn, m).await?;
                }
            }
        }
    }
    Ok(())
}
