//! The registry of ids a map's content has ever used (`map_entity_ids`). Clients choose the ids
//! of new perspectives, themes, objectives, links, measures and alignments, and some history is kept by id
//! after the row is gone (a measure's targets and actuals, a deleted objective's dependent
//! rows). So an id belongs to one map for good: every insert claims it, and a create on another
//! map is refused ([`foreign_ids`], used by the commit path before it folds a group).

use super::*;
use crate::domain::ops::{EntityKind, NewEntity, Op};
use crate::domain::MapId;
use sqlx::AnyConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// The message of an insert that would take an id of another map (a write that bypassed the
/// commit path's check, or lost a race to another map's commit).
const TAKEN: &str = "this id is already used on another map";

/// Records that `id` belongs to `map`, inside the caller's transaction. Claiming an id the map
/// already owns (re-creating a deleted item with its id, as undo does) is fine; an id another
/// map used, or whose map is unknown, is a conflict.
pub(crate) async fn claim(conn: &mut AnyConnection, id: Uuid, map: MapId) -> StoreResult<()> {
    let inserted = change(
        "INSERT INTO map_entity_ids (id, map_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(map)
    .run(&mut *conn)
    .await?;
    if inserted == 1 {
        return Ok(());
    }
    let owner = select("SELECT map_id FROM map_entity_ids WHERE id = $1")
        .bind(id)
        .optional(&mut *conn, owner_of)
        .await?
        .flatten();
    if owner == Some(map) {
        Ok(())
    } else {
        Err(StoreError::Conflict(TAKEN.into()))
    }
}

/// The map an id belongs to (none for a row whose map is gone).
fn owner_of(row: &AnyRow) -> StoreResult<Option<MapId>> {
    opt_parsed(row, "map_id")
}

/// The id an op creates, with what it names.
pub fn created_id(op: &Op) -> Option<(Uuid, EntityKind)> {
    match op {
        Op::Create { item } => Some(match item {
            NewEntity::Objective(o) => (o.id.0, EntityKind::Objective),
            NewEntity::Theme(t) => (t.id.0, EntityKind::Theme),
            NewEntity::Perspective(p) => (p.id.0, EntityKind::Perspective),
            NewEntity::Measure(m) => (m.id.0, EntityKind::Measure),
        }),
        Op::Link { link } => Some((link.id.0, EntityKind::Link)),
        Op::Align { alignment } => Some((alignment.id.0, EntityKind::Alignment)),
        Op::Set { .. }
        | Op::Delete { .. }
        | Op::Unlink { .. }
        | Op::Unalign { .. }
        | Op::Workshop { .. } => None,
    }
}

/// Among the ids the `ops` create, those that are or were used outside `map`, with what the op
/// creates: one query for all of them, none when nothing is created (a drag costs nothing).
pub(crate) async fn foreign_ids<'a>(
    store: &Store,
    map: MapId,
    ops: impl Iterator<Item = &'a Op>,
) -> StoreResult<HashMap<Uuid, EntityKind>> {
    let created: HashMap<Uuid, EntityKind> = ops.filter_map(created_id).collect();
    if created.is_empty() {
        return Ok(created);
    }
    let sql = in_list(
        "SELECT id, map_id FROM map_entity_ids WHERE id IN ({in})",
        created.len(),
    );
    let owned = |r: &AnyRow| Ok((parsed::<Uuid>(r, "id")?, owner_of(r)?));
    let rows = select(&sql).bind_all(created.keys());
    let mut foreign = HashMap::new();
    for (id, owner) in rows.all(&store.pool, owned).await? {
        if owner != Some(map) {
            if let Some(kind) = created.get(&id) {
                foreign.insert(id, *kind);
            }
        }
    }
    Ok(foreign)
}
