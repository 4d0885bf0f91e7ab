//! Objectives: the boxes of a map, and what deleting some would take with them.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;

pub(crate) fn objective_from(row: &AnyRow) -> StoreResult<Objective> {
    read_row! { row => Objective {
        parsed: id, map_id, perspective_id, rollup;
        opt_parsed: theme_id, owner_id, origin_id;
        text: title, description;
        float: x, y, weight;
        flag: local @ "local_only", unit_rollup;
    } }
}

/// Inserts an (already validated) objective row.
pub(crate) async fn insert_objective(conn: &mut AnyConnection, o: &Objective) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO objectives (id, map_id, perspective_id, theme_id, title, description, owner_id, x, y, weight, rollup, local_only, unit_rollup, origin_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(o.id.to_string())
    .bind(o.map_id.to_string())
    .bind(o.perspective_id.to_string())
    .bind(o.theme_id.map(|t| t.to_string()))
    .bind(o.title.trim())
    .bind(&o.description)
    .bind(o.owner_id.map(|u| u.to_string()))
    .bind(o.x)
    .bind(o.y)
    .bind(o.weight)
    .bind(o.rollup.as_str())
    .bind(i64::from(o.local))
    .bind(i64::from(o.unit_rollup))
    .bind(o.origin_id.map(|p| p.to_string()))
    .execute(&mut *conn)
    .await?;
    super::entity_ids::claim(conn, o.id.0, o.map_id).await
}

/// The objectives of a map.
pub async fn objectives_of(conn: &mut AnyConnection, map: MapId) -> StoreResult<Vec<Objective>> {
    on_map(conn, "objectives", "y, x", map, objective_from).await
}

/// One objective, if it exists, read on `on` (the pool, or a transaction).
pub(crate) async fn find_objective<'c>(
    on: impl On<'c>,
    id: ObjectiveId,
) -> StoreResult<Option<Objective>> {
    select("SELECT * FROM objectives WHERE id = $1")
        .bind(id)
        .optional(on, objective_from)
        .await
}

/// One objective; none is `NotFound` (also a check before a write that references it).
pub(crate) async fn objective_in<'c>(on: impl On<'c>, id: ObjectiveId) -> StoreResult<Objective> {
    let found = find_objective(on, id).await?;
    found.ok_or(StoreError::NotFound("objective"))
}

/// Adds an objective after checking it against its map's perspectives and themes, its box in
/// its perspective's band.
pub async fn create_objective(
    conn: &mut AnyConnection,
    o: &Objective,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let perspectives = perspectives_of(&mut *conn, o.map_id).await?;
    let themes = themes_of(&mut *conn, o.map_id).await?;
    validation::objective(o, &perspectives, &themes)?;
    let o = &layout::placed_in_band(o, &perspectives);
    insert_objective(&mut *conn, o)
        .await
        .map_err(|e| e.unique_as_conflict("an objective with this id already exists"))?;
    audit(conn, actor, "create", "objective", o.id, &o.title).await
}

/// Rows of `sql` (which has one `IN ({in})` list) with `ids` bound, read with `read`.
async fn with_ids<T>(
    conn: &mut AnyConnection,
    sql: &str,
    ids: &[ObjectiveId],
    read: impl Read<T>,
) -> StoreResult<Vec<T>> {
    let sql = in_list(sql, ids.len());
    select(&sql).bind_all(ids).all(conn, read).await
}

/// The `name` column of a row.
fn name_of(row: &AnyRow) -> StoreResult<String> {
    text(row, "name")
}

/// The other units' names of the alignments deleting `ids` removes, one per alignment: `other`
/// is the alignment column naming the objective on the other map, `own` the one naming ours.
async fn aligned_units(
    conn: &mut AnyConnection,
    ids: &[ObjectiveId],
    own: &str,
    other: &str,
) -> StoreResult<Vec<String>> {
    // `own` and `other` are one of two fixed column names below, never input.
    let sql = format!(
        "SELECT u.name FROM alignments a JOIN objectives o ON o.id = a.{other} \
         JOIN maps m ON m.id = o.map_id JOIN org_units u ON u.id = m.org_unit_id \
         WHERE a.{own} IN ({{in}})"
    );
    with_ids(conn, &sql, ids, name_of).await
}

/// What deleting objectives `ids` of map `map` would take with them (see `domain::impact`).
/// An id that is not an objective of the map is `NotFound`.
pub async fn delete_impact(
    conn: &mut AnyConnection,
    map: MapId,
    ids: &[ObjectiveId],
) -> StoreResult<impact::DeleteImpact> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let title_on_map = |r: &AnyRow| Ok((text(r, "title")?, parsed::<MapId>(r, "map_id")?));
    let found = with_ids(
        conn,
        "SELECT title, map_id FROM objectives WHERE id IN ({in}) ORDER BY title",
        &ids,
        title_on_map,
    )
    .await?;
    if ids.is_empty() || found.len() != ids.len() || found.iter().any(|(_, m)| *m != map) {
        return Err(StoreError::NotFound("objective"));
    }
    let objectives = found.into_iter().map(|(title, _)| title).collect();
    let n = ids.len();
    let sql = format!(
        "SELECT COUNT(*) AS n FROM links WHERE from_id IN ({}) OR to_id IN ({})",
        marks(1, n),
        marks(n + 1, n)
    );
    let count = |r: &AnyRow| int(r, "n");
    let links = select(&sql).bind_all(ids.iter().chain(&ids));
    let links = usize::try_from(links.one(&mut *conn, count, "count").await?).unwrap_or(0);
    let measure = |r: &AnyRow| {
        Ok(impact::MeasureImpact {
            name: text(r, "name")?,
            has_data: int(r, "has_data")? != 0,
        })
    };
    let measures = with_ids(
        conn,
        "SELECT m.name, CAST(CASE WHEN EXISTS (SELECT 1 FROM actuals a WHERE a.measure_id = m.id) \
         OR EXISTS (SELECT 1 FROM targets t WHERE t.measure_id = m.id) THEN 1 ELSE 0 END AS BIGINT) AS has_data \
         FROM measures m WHERE m.objective_id IN ({in}) ORDER BY m.sort_order, m.name",
        &ids,
        measure,
    )
    .await?;
    let initiatives = with_ids(
        conn,
        "SELECT DISTINCT i.name FROM initiatives i JOIN initiative_objectives io ON io.initiative_id = i.id \
         WHERE io.objective_id IN ({in}) ORDER BY i.name",
        &ids,
        name_of,
    )
    .await?;
    let mut units = aligned_units(conn, &ids, "parent_objective_id", "unit_objective_id").await?;
    units.extend(aligned_units(conn, &ids, "unit_objective_id", "parent_objective_id").await?);
    let mut by_unit = std::collections::BTreeMap::<String, usize>::new();
    for u in units {
        *by_unit.entry(u).or_default() += 1;
    }
    Ok(impact::DeleteImpact {
        objectives,
        links,
        measures,
        initiatives,
        alignments: by_unit
            .into_iter()
            .map(|(unit, count)| impact::AlignmentImpact { unit, count })
            .collect(),
    })
}

impl Store {
    /// What deleting objectives `ids` of `map` would take with them, read in one go.
    pub async fn delete_impact(
        &self,
        map: MapId,
        ids: &[ObjectiveId],
    ) -> StoreResult<impact::DeleteImpact> {
        let mut conn = self.pool.acquire().await?;
        delete_impact(&mut conn, map, ids).await
    }

    /// Adds an objective in its own transaction.
    pub async fn create_objective(&self, o: &Objective, actor: Option<UserId>) -> StoreResult<()> {
        self.write(async |tx| create_objective(tx, o, actor).await)
            .await
    }

    /// One objective.
    pub async fn objective(&self, id: ObjectiveId) -> StoreResult<Objective> {
        objective_in(&self.pool, id).await
    }
}
