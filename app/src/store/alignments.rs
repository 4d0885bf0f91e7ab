//! Alignments: a unit objective tied to the parent-map objective it supports. Written by the
//! commit path (`Op::Align`, `Op::Unalign`, a `Set` of the note) like every other map edit;
//! read with the unit map's document (what its objectives support, what they may support) and
//! with the parent map's (who supports its objectives).

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;

fn alignment_from(row: &AnyRow) -> StoreResult<Alignment> {
    read_row! { row => Alignment {
        parsed: id, unit_objective_id, parent_objective_id;
        note_text: note;
    } }
}

/// An alignment's note (NULL in rows restored from before notes existed).
fn note_text(row: &AnyRow, col: &'static str) -> StoreResult<String> {
    Ok(opt_text(row, col)?.unwrap_or_default())
}

/// The unit and map holding objective `id`, and the unit's parent.
async fn place_of_objective(
    conn: &mut AnyConnection,
    id: ObjectiveId,
) -> StoreResult<(OrgUnitId, Option<OrgUnitId>, MapId)> {
    let place = |r: &AnyRow| {
        Ok((
            parsed(r, "org_unit_id")?,
            opt_parsed(r, "parent_id")?,
            parsed(r, "map_id")?,
        ))
    };
    select(
        "SELECT m.org_unit_id, u.parent_id, o.map_id FROM objectives o \
         JOIN maps m ON m.id = o.map_id JOIN org_units u ON u.id = m.org_unit_id WHERE o.id = $1",
    )
    .bind(id)
    .one(conn, place, "objective")
    .await
}

/// Seeds an alignment (the demo company, tests) after the domain's rules, audited. People's
/// edits take the commit path instead (`Op::Align`), so live screens and the op log see them.
pub async fn create_alignment(
    conn: &mut AnyConnection,
    a: &Alignment,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let (unit, parent, map) = place_of_objective(&mut *conn, a.unit_objective_id).await?;
    let (parent_unit, _, _) = place_of_objective(&mut *conn, a.parent_objective_id).await?;
    let existing = alignment_rows_of(&mut *conn, map).await?;
    validation::alignment(a, unit, parent, parent_unit, &existing)?;
    insert_alignment(&mut *conn, map, a).await?;
    audit(conn, actor, "create", "alignment", a.id, "").await
}

/// Writes an alignment the domain accepted on `map` (the unit objective's map) and claims its
/// id for that map.
pub(crate) async fn insert_alignment(
    conn: &mut AnyConnection,
    map: MapId,
    a: &Alignment,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO alignments (id, unit_objective_id, parent_objective_id, note) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(a.id.to_string())
    .bind(a.unit_objective_id.to_string())
    .bind(a.parent_objective_id.to_string())
    .bind(&a.note)
    .execute(&mut *conn)
    .await?;
    super::entity_ids::claim(conn, a.id.0, map).await
}

/// The alignments of a map's objectives (as the unit side), each with the title of the
/// parent-map objective it supports, as the map document shows them.
pub async fn alignments_of(
    conn: &mut AnyConnection,
    map: MapId,
) -> StoreResult<Vec<AlignmentView>> {
    let view = |r: &AnyRow| {
        Ok(AlignmentView {
            id: parsed(r, "id")?,
            unit_objective_id: parsed(r, "unit_objective_id")?,
            parent_objective_id: parsed(r, "parent_objective_id")?,
            parent_title: text(r, "title")?,
            note: note_text(r, "note")?,
        })
    };
    select(
        "SELECT a.id, a.unit_objective_id, a.parent_objective_id, a.note, p.title \
         FROM alignments a JOIN objectives o ON o.id = a.unit_objective_id \
         JOIN objectives p ON p.id = a.parent_objective_id \
         WHERE o.map_id = $1 ORDER BY p.title, a.unit_objective_id, a.parent_objective_id",
    )
    .bind(map)
    .all(conn, view)
    .await
}

/// The objectives a unit map's objectives may support: those on the parent unit's maps that
/// are not archived, top perspective first. Empty for a unit without a parent.
pub async fn parent_objectives_of(
    conn: &mut AnyConnection,
    unit: &OrgUnit,
) -> StoreResult<Vec<ParentObjective>> {
    let Some(parent) = unit.parent_id else {
        return Ok(Vec::new());
    };
    let row = |r: &AnyRow| {
        Ok(ParentObjective {
            id: parsed(r, "id")?,
            map_id: parsed(r, "map_id")?,
            org_unit_id: parsed(r, "org_unit_id")?,
            title: text(r, "title")?,
            perspective: text(r, "perspective")?,
        })
    };
    select(
        "SELECT o.id, o.map_id, m.org_unit_id, o.title, p.name AS perspective \
         FROM objectives o JOIN maps m ON m.id = o.map_id \
         JOIN perspectives p ON p.id = o.perspective_id \
         WHERE m.org_unit_id = $1 AND m.status <> 'archived' \
         ORDER BY m.name, m.id, p.rank, o.y, o.x, o.title",
    )
    .bind(parent)
    .all(conn, row)
    .await
}

/// The child units' objectives aligned to the objectives of `map`, by unit name.
pub async fn supporters_of(conn: &mut AnyConnection, map: MapId) -> StoreResult<Vec<Supporter>> {
    let row = |r: &AnyRow| {
        Ok(Supporter {
            parent_objective_id: parsed(r, "parent_objective_id")?,
            org_unit_id: parsed(r, "org_unit_id")?,
            unit_name: text(r, "unit_name")?,
            map_id: parsed(r, "map_id")?,
            objective_id: parsed(r, "objective_id")?,
            objective_title: text(r, "title")?,
        })
    };
    select(
        "SELECT a.parent_objective_id, m.org_unit_id, u.name AS unit_name, o.map_id, \
         o.id AS objective_id, o.title FROM alignments a \
         JOIN objectives p ON p.id = a.parent_objective_id \
         JOIN objectives o ON o.id = a.unit_objective_id \
         JOIN maps m ON m.id = o.map_id JOIN org_units u ON u.id = m.org_unit_id \
         WHERE p.map_id = $1 ORDER BY u.name, o.title, o.id",
    )
    .bind(map)
    .all(conn, row)
    .await
}

/// The maps of `unit`'s parent and children: those whose cascade (alignments to their
/// objectives, objectives theirs may support) changes with the maps of `unit`.
pub async fn cascade_neighbours_of(
    conn: &mut AnyConnection,
    unit: &OrgUnit,
) -> StoreResult<Vec<MapId>> {
    select(
        "SELECT m.id FROM maps m JOIN org_units u ON u.id = m.org_unit_id \
         WHERE u.parent_id = $1 OR u.id = $2 ORDER BY m.id",
    )
    .bind(unit.id)
    .bind_value(unit.parent_id.map(|p| p.to_string()))
    .all(conn, |r: &AnyRow| parsed(r, "id"))
    .await
}

/// Every alignment of `map`'s objectives (as the unit side), as stored.
pub async fn alignment_rows_of(
    conn: &mut AnyConnection,
    map: MapId,
) -> StoreResult<Vec<Alignment>> {
    select(
        "SELECT a.* FROM alignments a JOIN objectives o ON o.id = a.unit_objective_id \
         WHERE o.map_id = $1 ORDER BY a.id",
    )
    .bind(map)
    .all(conn, alignment_from)
    .await
}

/// The org unit owning `map`.
async fn unit_of_map(conn: &mut AnyConnection, map: MapId) -> StoreResult<OrgUnit> {
    let map = super::maps::map_in(&mut *conn, map).await?;
    super::units::unit_in(conn, map.org_unit_id).await
}

impl Store {
    /// Seeds an alignment in its own transaction (see [`create_alignment`]).
    pub async fn create_alignment(&self, a: &Alignment, actor: Option<UserId>) -> StoreResult<()> {
        self.write(async |tx| create_alignment(tx, a, actor).await)
            .await
    }

    /// The objectives `map`'s objectives may support, read now: the commit path refreshes its
    /// cached document with them before it folds an `Align`, so a parent objective added
    /// since the document was read can be supported at once.
    pub async fn parent_objectives(&self, map: MapId) -> StoreResult<Vec<ParentObjective>> {
        let mut conn = self.pool.acquire().await?;
        let unit = unit_of_map(&mut conn, map).await?;
        parent_objectives_of(&mut conn, &unit).await
    }

    /// The maps whose cascade an edit of `map` may change (see [`cascade_neighbours_of`]).
    pub async fn cascade_neighbours(&self, map: MapId) -> StoreResult<Vec<MapId>> {
        let mut conn = self.pool.acquire().await?;
        let unit = unit_of_map(&mut conn, map).await?;
        cascade_neighbours_of(&mut conn, &unit).await
    }
}
