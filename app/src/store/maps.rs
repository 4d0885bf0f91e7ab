//! What is drawn on a strategy map: perspectives, themes, objectives, links, and the alignments
//! that tie a unit's objectives to its parent's map.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;

fn perspective_from(row: &AnyRow) -> StoreResult<Perspective> {
    Ok(Perspective {
        id: parsed(row, "id")?,
        map_id: parsed(row, "map_id")?,
        name: text(row, "name")?,
        rank: int(row, "rank")? as i32,
        weight: float(row, "weight")?,
    })
}

fn theme_from(row: &AnyRow) -> StoreResult<Theme> {
    Ok(Theme {
        id: parsed(row, "id")?,
        map_id: parsed(row, "map_id")?,
        name: text(row, "name")?,
        colour: text(row, "colour")?,
        rank: int(row, "rank")? as i32,
    })
}

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

fn link_from(row: &AnyRow) -> StoreResult<Link> {
    Ok(Link {
        id: parsed(row, "id")?,
        map_id: parsed(row, "map_id")?,
        from_id: parsed(row, "from_id")?,
        to_id: parsed(row, "to_id")?,
        hypothesis: text(row, "hypothesis")?,
    })
}

pub(crate) async fn insert_perspective(
    conn: &mut AnyConnection,
    p: &Perspective,
) -> StoreResult<()> {
    validation::perspective(p)?;
    sqlx::query(
        "INSERT INTO perspectives (id, map_id, name, rank, weight) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(p.id.to_string())
    .bind(p.map_id.to_string())
    .bind(p.name.trim())
    .bind(i64::from(p.rank))
    .bind(p.weight)
    .execute(&mut *conn)
    .await?;
    super::entity_ids::claim(conn, p.id.0, p.map_id).await
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

/// Inserts an (already validated) theme row.
pub(crate) async fn insert_theme(conn: &mut AnyConnection, t: &Theme) -> StoreResult<()> {
    sqlx::query("INSERT INTO themes (id, map_id, name, colour, rank) VALUES ($1, $2, $3, $4, $5)")
        .bind(t.id.to_string())
        .bind(t.map_id.to_string())
        .bind(t.name.trim())
        .bind(&t.colour)
        .bind(i64::from(t.rank))
        .execute(&mut *conn)
        .await?;
    super::entity_ids::claim(conn, t.id.0, t.map_id).await
}

/// The perspectives of a map, top first.
pub async fn perspectives_of(
    conn: &mut AnyConnection,
    map: MapId,
) -> StoreResult<Vec<Perspective>> {
    let rows = sqlx::query("SELECT * FROM perspectives WHERE map_id = $1 ORDER BY rank")
        .bind(map.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(perspective_from).collect()
}

/// The themes of a map, left first.
pub async fn themes_of(conn: &mut AnyConnection, map: MapId) -> StoreResult<Vec<Theme>> {
    let rows = sqlx::query("SELECT * FROM themes WHERE map_id = $1 ORDER BY rank")
        .bind(map.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(theme_from).collect()
}

/// The objectives of a map.
pub async fn objectives_of(conn: &mut AnyConnection, map: MapId) -> StoreResult<Vec<Objective>> {
    let rows = sqlx::query("SELECT * FROM objectives WHERE map_id = $1 ORDER BY y, x")
        .bind(map.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(objective_from).collect()
}

/// The links of a map.
pub async fn links_of(conn: &mut AnyConnection, map: MapId) -> StoreResult<Vec<Link>> {
    let rows = sqlx::query("SELECT * FROM links WHERE map_id = $1 ORDER BY id")
        .bind(map.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(link_from).collect()
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

/// Adds a theme lane.
pub async fn create_theme(
    conn: &mut AnyConnection,
    t: &Theme,
    actor: Option<UserId>,
) -> StoreResult<()> {
    validation::theme(t)?;
    insert_theme(&mut *conn, t).await?;
    audit(conn, actor, "create", "theme", &t.id.to_string(), &t.name).await
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
    insert_objective(&mut *conn, o).await.map_err(|e| match e {
        StoreError::Database(db) => {
            StoreError::conflict_on_unique(db, "an objective with this id already exists")
        }
        other => other,
    })?;
    audit(
        conn,
        actor,
        "create",
        "objective",
        &o.id.to_string(),
        &o.title,
    )
    .await
}

/// Adds a cause-and-effect link after the domain's link rules.
pub async fn create_link(
    conn: &mut AnyConnection,
    l: &Link,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let from_map = find_objective(&mut *conn, l.from_id)
        .await?
        .map(|o| o.map_id);
    let to_map = find_objective(&mut *conn, l.to_id).await?.map(|o| o.map_id);
    let existing = links_of(&mut *conn, l.map_id).await?;
    validation::link(l, from_map, to_map, &existing)?;
    sqlx::query(
        "INSERT INTO links (id, map_id, from_id, to_id, hypothesis) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(l.id.to_string())
    .bind(l.map_id.to_string())
    .bind(l.from_id.to_string())
    .bind(l.to_id.to_string())
    .bind(&l.hypothesis)
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "these two objectives are already linked"))?;
    super::entity_ids::claim(&mut *conn, l.id.0, l.map_id).await?;
    audit(
        conn,
        actor,
        "create",
        "link",
        &l.id.to_string(),
        &format!("{} -> {}", l.from_id, l.to_id),
    )
    .await
}

/// Ties a unit objective to the parent-map objective it supports.
pub async fn create_alignment(
    conn: &mut AnyConnection,
    a: &Alignment,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let unit_of = |row: Option<AnyRow>| -> StoreResult<(OrgUnitId, Option<OrgUnitId>)> {
        let row = row.ok_or(StoreError::NotFound("objective"))?;
        Ok((parsed(&row, "org_unit_id")?, opt_parsed(&row, "parent_id")?))
    };
    let q = "SELECT m.org_unit_id, u.parent_id FROM objectives o JOIN maps m ON m.id = o.map_id \
             JOIN org_units u ON u.id = m.org_unit_id WHERE o.id = $1";
    let (unit, parent) = unit_of(
        sqlx::query(q)
            .bind(a.unit_objective_id.to_string())
            .fetch_optional(&mut *conn)
            .await?,
    )?;
    let (parent_unit, _) = unit_of(
        sqlx::query(q)
            .bind(a.parent_objective_id.to_string())
            .fetch_optional(&mut *conn)
            .await?,
    )?;
    let rows = sqlx::query("SELECT * FROM alignments WHERE unit_objective_id = $1")
        .bind(a.unit_objective_id.to_string())
        .fetch_all(&mut *conn)
        .await?;
    let existing = rows
        .iter()
        .map(|r| {
            Ok(Alignment {
                id: parsed(r, "id")?,
                unit_objective_id: parsed(r, "unit_objective_id")?,
                parent_objective_id: parsed(r, "parent_objective_id")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    validation::alignment(a, unit, parent, parent_unit, &existing)?;
    sqlx::query(
        "INSERT INTO alignments (id, unit_objective_id, parent_objective_id) VALUES ($1, $2, $3)",
    )
    .bind(a.id.to_string())
    .bind(a.unit_objective_id.to_string())
    .bind(a.parent_objective_id.to_string())
    .execute(&mut *conn)
    .await?;
    audit(conn, actor, "create", "alignment", &a.id.to_string(), "").await
}

/// The people a map names (its objectives' owners and its measures' data owners), names only:
/// a map document carries no one else, and no email.
async fn named_people(conn: &mut AnyConnection, map: MapId) -> StoreResult<Vec<Person>> {
    sqlx::query(
        "SELECT id, name FROM users WHERE id IN ( \
           SELECT owner_id FROM objectives WHERE map_id = $1 \
           UNION SELECT m.data_owner_id FROM measures m JOIN objectives o ON o.id = m.objective_id \
           WHERE o.map_id = $2) \
         ORDER BY name, id",
    )
    .bind(map.to_string())
    .bind(map.to_string())
    .fetch_all(conn)
    .await?
    .iter()
    .map(super::users::person_from)
    .collect()
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

    /// Everything drawn on one map, read in one go.
    pub async fn map_document(&self, id: MapId) -> StoreResult<MapDocument> {
        let mut conn = self.pool.acquire().await?;
        self.map_document_in(&mut conn, id).await
    }

    /// The same, read on the caller's connection (inside its transaction).
    pub async fn map_document_in(
        &self,
        conn: &mut AnyConnection,
        id: MapId,
    ) -> StoreResult<MapDocument> {
        let row = sqlx::query("SELECT * FROM maps WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound("map"))?;
        let map = super::org::map_from(&row)?;
        let seq = int(&row, "seq")?;
        let unit_row = sqlx::query("SELECT id, parent_id, name, kind FROM org_units WHERE id = $1")
            .bind(map.org_unit_id.to_string())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound("org unit"))?;
        let org_unit = super::org::unit_from(&unit_row)?;
        let people = named_people(&mut *conn, id).await?;
        let alignments = sqlx::query(
            "SELECT a.unit_objective_id, a.parent_objective_id, p.title FROM alignments a \
             JOIN objectives o ON o.id = a.unit_objective_id JOIN objectives p ON p.id = a.parent_objective_id \
             WHERE o.map_id = $1 ORDER BY p.title, a.unit_objective_id, a.parent_objective_id",
        )
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(AlignmentView {
                unit_objective_id: parsed(r, "unit_objective_id")?,
                parent_objective_id: parsed(r, "parent_objective_id")?,
                parent_title: text(r, "title")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(MapDocument {
            seq,
            perspectives: perspectives_of(&mut *conn, id).await?,
            themes: themes_of(&mut *conn, id).await?,
            objectives: objectives_of(&mut *conn, id).await?,
            links: links_of(&mut *conn, id).await?,
            measures: super::measures::measures_of(&mut *conn, id).await?,
            people,
            alignments,
            deleted_alignments: super::tombstones::deleted_alignments(&mut *conn, id).await?,
            map,
            org_unit,
        })
    }

    /// Adds a theme in its own transaction.
    pub async fn create_theme(&self, t: &Theme, actor: Option<UserId>) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        create_theme(&mut tx, t, actor).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds an objective in its own transaction.
    pub async fn create_objective(&self, o: &Objective, actor: Option<UserId>) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        create_objective(&mut tx, o, actor).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a link in its own transaction.
    pub async fn create_link(&self, l: &Link, actor: Option<UserId>) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        create_link(&mut tx, l, actor).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds an alignment in its own transaction.
    pub async fn create_alignment(&self, a: &Alignment, actor: Option<UserId>) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        create_alignment(&mut tx, a, actor).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One objective.
    pub async fn objective(&self, id: ObjectiveId) -> StoreResult<Objective> {
        let mut conn = self.pool.acquire().await?;
        find_objective(&mut conn, id)
            .await?
            .ok_or(StoreError::NotFound("objective"))
    }
}
