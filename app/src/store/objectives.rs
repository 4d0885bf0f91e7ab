//! Objectives: the boxes of a map, and what deleting some would take with them.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;

pub(crate) fn objective_from(row: &AnyRow) -> StoreResult<Objective> {
    Ok(Objective {
        id: parsed(row, "id")?,
        map_id: parsed(row, "map_id")?,
        perspective_id: parsed(row, "perspective_id")?,
        theme_id: opt_parsed(row, "theme_id")?,
        title: text(row, "title")?,
        description: text(row, "description")?,
        owner_id: opt_parsed(row, "owner_id")?,
        x: float(row, "x")?,
        y: float(row, "y")?,
        weight: float(row, "weight")?,
        rollup: parsed(row, "rollup")?,
    })
}

/// Inserts an (already validated) objective row.
pub(crate) async fn insert_objective(conn: &mut AnyConnection, o: &Objective) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO objectives (id, map_id, perspective_id, theme_id, title, description, owner_id, x, y, weight, rollup) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
    .execute(&mut *conn)
    .await?;
    super::entity_ids::claim(conn, o.id.0, o.map_id).await
}

/// The objectives of a map.
pub async fn objectives_of(conn: &mut AnyConnection, map: MapId) -> StoreResult<Vec<Objective>> {
    let rows = sqlx::query("SELECT * FROM objectives WHERE map_id = $1 ORDER BY y, x")
        .bind(map.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(objective_from).collect()
}

/// One objective, if it exists.
pub async fn find_objective(
    conn: &mut AnyConnection,
    id: ObjectiveId,
) -> StoreResult<Option<Objective>> {
    let row = sqlx::query("SELECT * FROM objectives WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(objective_from).transpose()
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

/// `$first, $first+1, …` for `n` values bound in a row.
fn marks(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows of `sql` (which has one `IN ({ids})` list) with `ids` bound.
async fn with_ids(
    conn: &mut AnyConnection,
    sql: &str,
    ids: &[ObjectiveId],
) -> StoreResult<Vec<AnyRow>> {
    let sql = sql.replace("{ids}", &marks(1, ids.len()));
    let mut q = sqlx::query(&sql);
    for id in ids {
        q = q.bind(id.to_string());
    }
    Ok(q.fetch_all(conn).await?)
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
         WHERE a.{own} IN ({{ids}})"
    );
    with_ids(conn, &sql, ids)
        .await?
        .iter()
        .map(|r| text(r, "name"))
        .collect()
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
    let found = with_ids(
        conn,
        "SELECT id, title, map_id FROM objectives WHERE id IN ({ids}) ORDER BY title",
        &ids,
    )
    .await?;
    if ids.is_empty()
        || found.len() != ids.len()
        || found
            .iter()
            .any(|r| parsed::<MapId>(r, "map_id").ok() != Some(map))
    {
        return Err(StoreError::NotFound("objective"));
    }
    let objectives = found
        .iter()
        .map(|r| text(r, "title"))
        .collect::<StoreResult<_>>()?;
    let n = ids.len();
    let sql = format!(
        "SELECT COUNT(*) AS n FROM links WHERE from_id IN ({}) OR to_id IN ({})",
        marks(1, n),
        marks(n + 1, n)
    );
    let mut q = sqlx::query(&sql);
    for id in ids.iter().chain(&ids) {
        q = q.bind(id.to_string());
    }
    let links = usize::try_from(int(&q.fetch_one(&mut *conn).await?, "n")?).unwrap_or(0);
    let measures = with_ids(
        conn,
        "SELECT m.name, CAST(CASE WHEN EXISTS (SELECT 1 FROM actuals a WHERE a.measure_id = m.id) \
         OR EXISTS (SELECT 1 FROM targets t WHERE t.measure_id = m.id) THEN 1 ELSE 0 END AS BIGINT) AS has_data \
         FROM measures m WHERE m.objective_id IN ({ids}) ORDER BY m.sort_order, m.name",
        &ids,
    )
    .await?
    .iter()
    .map(|r| {
        Ok(impact::MeasureImpact {
            name: text(r, "name")?,
            has_data: int(r, "has_data")? != 0,
        })
    })
    .collect::<StoreResult<_>>()?;
    let initiatives = with_ids(
        conn,
        "SELECT DISTINCT i.name FROM initiatives i JOIN initiative_objectives io ON io.initiative_id = i.id \
         WHERE io.objective_id IN ({ids}) ORDER BY i.name",
        &ids,
    )
    .await?
    .iter()
    .map(|r| text(r, "name"))
    .collect::<StoreResult<_>>()?;
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
        let mut conn = self.pool.acquire().await?;
        find_objective(&mut conn, id)
            .await?
            .ok_or(StoreError::NotFound("objective"))
    }
}
