//! Strategy maps: their rows (header, period, status, sequence) and everything drawn on one
//! map, read in one go.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;

pub(crate) fn map_from(row: &AnyRow) -> StoreResult<StrategyMap> {
    Ok(StrategyMap {
        id: parsed(row, "id")?,
        org_unit_id: parsed(row, "org_unit_id")?,
        name: text(row, "name")?,
        vision: text(row, "vision")?,
        mission: text(row, "mission")?,
        values: text(row, "map_values")?,
        period_start: parsed::<Period>(row, "period_start")?,
        period_end: parsed::<Period>(row, "period_end")?,
        status: parsed::<MapStatus>(row, "status")?,
        health_off: serde_json::from_str(&text(row, "health_off")?)
            .map_err(|_| StoreError::Corrupt("health_off"))?,
    })
}

/// Creates a map with the given perspectives (top first) in the caller's transaction.
pub async fn create_map(
    conn: &mut AnyConnection,
    map: &StrategyMap,
    perspective_names: &[&str],
    actor: Option<crate::domain::UserId>,
) -> StoreResult<Vec<crate::domain::Perspective>> {
    validation::strategy_map(map)?;
    let exists = sqlx::query("SELECT id FROM org_units WHERE id = $1")
        .bind(map.org_unit_id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    if exists.is_none() {
        return Err(StoreError::NotFound("org unit"));
    }
    sqlx::query(
        "INSERT INTO maps (id, org_unit_id, name, vision, mission, map_values, period_start, period_end, status, seq, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10)",
    )
    .bind(map.id.to_string())
    .bind(map.org_unit_id.to_string())
    .bind(map.name.trim())
    .bind(&map.vision)
    .bind(&map.mission)
    .bind(&map.values)
    .bind(map.period_start.to_string())
    .bind(map.period_end.to_string())
    .bind(map.status.as_str())
    .bind(now_text())
    .execute(&mut *conn)
    .await?;
    let mut perspectives = Vec::new();
    for (rank, name) in perspective_names.iter().enumerate() {
        let p = crate::domain::Perspective {
            id: crate::domain::PerspectiveId::new(),
            map_id: map.id,
            name: name.to_string(),
            rank: rank as i32,
            weight: 1.0,
        };
        insert_perspective(&mut *conn, &p).await?;
        perspectives.push(p);
    }
    audit(conn, actor, "create", "map", map.id, &map.name).await?;
    Ok(perspectives)
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
    .map(person_from)
    .collect()
}

impl Store {
    /// Creates a map with the default four perspectives, in one transaction.
    pub async fn create_map(
        &self,
        map: &StrategyMap,
        actor: Option<crate::domain::UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| create_map(tx, map, &DEFAULT_PERSPECTIVES, actor).await)
            .await
            .map(|_| ())
    }

    /// One map's header.
    pub async fn map(&self, id: MapId) -> StoreResult<StrategyMap> {
        let row = sqlx::query("SELECT * FROM maps WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("map"))?;
        map_from(&row)
    }

    /// Every map with its unit and objective count, newest period first.
    pub async fn map_summaries(&self) -> StoreResult<Vec<(OrgUnitId, MapSummary)>> {
        let rows = sqlx::query(
            "SELECT m.id, m.org_unit_id, m.name, m.status, m.period_start, m.period_end, \
             (SELECT COUNT(*) FROM objectives o WHERE o.map_id = m.id) AS objective_count \
             FROM maps m ORDER BY m.period_start DESC, m.name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    parsed(r, "org_unit_id")?,
                    MapSummary {
                        id: parsed(r, "id")?,
                        name: text(r, "name")?,
                        status: parsed(r, "status")?,
                        period_start: parsed(r, "period_start")?,
                        period_end: parsed(r, "period_end")?,
                        objective_count: int(r, "objective_count")?,
                    },
                ))
            })
            .collect()
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
        let map = map_from(&row)?;
        let seq = int(&row, "seq")?;
        let unit_row = sqlx::query("SELECT id, parent_id, name, kind FROM org_units WHERE id = $1")
            .bind(map.org_unit_id.to_string())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound("org unit"))?;
        let org_unit = unit_from(&unit_row)?;
        let people = named_people(&mut *conn, id).await?;
        Ok(MapDocument {
            seq,
            perspectives: perspectives_of(&mut *conn, id).await?,
            themes: themes_of(&mut *conn, id).await?,
            objectives: objectives_of(&mut *conn, id).await?,
            links: links_of(&mut *conn, id).await?,
            measures: measures_of(&mut *conn, id).await?,
            people,
            alignments: alignments_of(&mut *conn, id).await?,
            deleted_alignments: super::tombstones::deleted_alignments(&mut *conn, id).await?,
            map,
            org_unit,
        })
    }
}
