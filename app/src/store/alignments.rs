//! Alignments: a unit objective tied to the parent-map objective it supports.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;

fn alignment_from(row: &AnyRow) -> StoreResult<Alignment> {
    read_row! { row => Alignment {
        parsed: id, unit_objective_id, parent_objective_id;
    } }
}

/// The unit whose map holds objective `id`, and that unit's parent.
async fn unit_of_objective(
    conn: &mut AnyConnection,
    id: ObjectiveId,
) -> StoreResult<(OrgUnitId, Option<OrgUnitId>)> {
    let unit = |r: &AnyRow| Ok((parsed(r, "org_unit_id")?, opt_parsed(r, "parent_id")?));
    select(
        "SELECT m.org_unit_id, u.parent_id FROM objectives o JOIN maps m ON m.id = o.map_id \
         JOIN org_units u ON u.id = m.org_unit_id WHERE o.id = $1",
    )
    .bind(id)
    .one(conn, unit, "objective")
    .await
}

/// Ties a unit objective to the parent-map objective it supports.
pub async fn create_alignment(
    conn: &mut AnyConnection,
    a: &Alignment,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let (unit, parent) = unit_of_objective(&mut *conn, a.unit_objective_id).await?;
    let (parent_unit, _) = unit_of_objective(&mut *conn, a.parent_objective_id).await?;
    let existing = select("SELECT * FROM alignments WHERE unit_objective_id = $1")
        .bind(a.unit_objective_id)
        .all(&mut *conn, alignment_from)
        .await?;
    validation::alignment(a, unit, parent, parent_unit, &existing)?;
    sqlx::query(
        "INSERT INTO alignments (id, unit_objective_id, parent_objective_id) VALUES ($1, $2, $3)",
    )
    .bind(a.id.to_string())
    .bind(a.unit_objective_id.to_string())
    .bind(a.parent_objective_id.to_string())
    .execute(&mut *conn)
    .await?;
    audit(conn, actor, "create", "alignment", a.id, "").await
}

/// The alignments of a map's objectives (as the unit side), each with the title of the
/// parent-map objective it supports, as the map document shows them.
pub async fn alignments_of(
    conn: &mut AnyConnection,
    map: MapId,
) -> StoreResult<Vec<AlignmentView>> {
    let view = |r: &AnyRow| {
        Ok(AlignmentView {
            unit_objective_id: parsed(r, "unit_objective_id")?,
            parent_objective_id: parsed(r, "parent_objective_id")?,
            parent_title: text(r, "title")?,
        })
    };
    select(
        "SELECT a.unit_objective_id, a.parent_objective_id, p.title FROM alignments a \
         JOIN objectives o ON o.id = a.unit_objective_id JOIN objectives p ON p.id = a.parent_objective_id \
         WHERE o.map_id = $1 ORDER BY p.title, a.unit_objective_id, a.parent_objective_id",
    )
    .bind(map)
    .all(conn, view)
    .await
}

impl Store {
    /// Adds an alignment in its own transaction.
    pub async fn create_alignment(&self, a: &Alignment, actor: Option<UserId>) -> StoreResult<()> {
        self.write(async |tx| create_alignment(tx, a, actor).await)
            .await
    }
}
