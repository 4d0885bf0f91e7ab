//! Strategy maps: their rows (header, period, status, sequence) and everything drawn on one
//! map, read in one go.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;

pub(crate) fn map_from(row: &AnyRow) -> StoreResult<StrategyMap> {
    read_row! { row => StrategyMap {
        parsed: id, org_unit_id, period_start, period_end, status;
        opt_parsed: previous_version_id;
        text: name, vision, mission, values @ "map_values";
        json: health_off;
    } }
}

/// The rows of `table` (perspectives, themes, objectives, links) on map `map`, in `order`.
pub(crate) async fn on_map<T>(
    conn: &mut AnyConnection,
    table: &str,
    order: &str,
    map: MapId,
    read: impl Read<T>,
) -> StoreResult<Vec<T>> {
    // `table` and `order` come from the store's callers, never input.
    let sql = format!("SELECT * FROM {table} WHERE map_id = $1 ORDER BY {order}");
    select(&sql).bind(map).all(conn, read).await
}

/// One map's header, read on `on` (the pool, or a transaction).
pub(crate) async fn map_in<'c>(on: impl On<'c>, id: MapId) -> StoreResult<StrategyMap> {
    select("SELECT * FROM maps WHERE id = $1")
        .bind(id)
        .one(on, map_from, "map")
        .await
}

/// Creates a map with the given perspectives (top first) in the caller's transaction.
pub async fn create_map(
    conn: &mut AnyConnection,
    map: &StrategyMap,
    perspective_names: &[&str],
    actor: Option<crate::domain::UserId>,
) -> StoreResult<Vec<crate::domain::Perspective>> {
    validation::strategy_map(map)?;
    unit_in(&mut *conn, map.org_unit_id).await?;
    sqlx::query(
        "INSERT INTO maps (id, org_unit_id, name, vision, mission, map_values, period_start, period_end, status, seq, created_at, previous_version_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11)",
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
    .bind(map.previous_version_id.map(|p| p.to_string()))
    .execute(&mut *conn)
    .await?;
    let mut perspectives = Vec::new();
    for (rank, name) in perspective_names.iter().enumerate() {
        let p = Perspective::new(map.id, *name, rank as i32);
        insert_perspective(&mut *conn, &p).await?;
        perspectives.push(p);
    }
    audit(conn, actor, "create", "map", map.id, &map.name).await?;
    Ok(perspectives)
}

/// The people a map names (its objectives' and themes' owners and its measures' data owners),
/// names only: a map document carries no one else, and no email.
async fn named_people(conn: &mut AnyConnection, map: MapId) -> StoreResult<Vec<Person>> {
    select(
        "SELECT id, name FROM users WHERE id IN ( \
           SELECT owner_id FROM objectives WHERE map_id = $1 \
           UNION SELECT owner_id FROM themes WHERE map_id = $2 \
           UNION SELECT m.data_owner_id FROM measures m JOIN objectives o ON o.id = m.objective_id \
           WHERE o.map_id = $3) \
         ORDER BY name, id",
    )
    .bind(map)
    .bind(map)
    .bind(map)
    .all(conn, person_from)
    .await
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

    /// Creates a map with the perspectives of `order` (top first), in one transaction.
    pub async fn create_map_ordered(
        &self,
        map: &StrategyMap,
        order: org::PerspectiveOrder,
        actor: Option<crate::domain::UserId>,
    ) -> StoreResult<Vec<Perspective>> {
        self.write(async |tx| create_map(tx, map, &order.names(), actor).await)
            .await
    }

    /// One map's header.
    pub async fn map(&self, id: MapId) -> StoreResult<StrategyMap> {
        map_in(&self.pool, id).await
    }

    /// The map made as the next version of `id` ("Start next year's map"), if there is one.
    pub async fn next_version_of(&self, id: MapId) -> StoreResult<Option<StrategyMap>> {
        select("SELECT * FROM maps WHERE previous_version_id = $1")
            .bind(id)
            .optional(&self.pool, map_from)
            .await
    }

    /// Every map with its unit and objective count, newest period first.
    pub async fn map_summaries(&self) -> StoreResult<Vec<(OrgUnitId, MapSummary)>> {
        let summary = |r: &AnyRow| {
            let map = map_from(r)?;
            let summary = MapSummary {
                id: map.id,
                name: map.name,
                status: map.status,
                period_start: map.period_start,
                period_end: map.period_end,
                objective_count: int(r, "objective_count")?,
            };
            Ok((map.org_unit_id, summary))
        };
        select(
            "SELECT m.*, (SELECT COUNT(*) FROM objectives o WHERE o.map_id = m.id) AS objective_count \
             FROM maps m ORDER BY m.period_start DESC, m.name",
        )
        .all(&self.pool, summary)
        .await
    }

    /// Everything drawn on one map, read in one go: what pages, reports, displays, exports and
    /// REST show. Without the map's workshop, which only its participants see, each their own
    /// way ([`Store::workshop_view`]).
    pub async fn map_document(&self, id: MapId) -> StoreResult<MapDocument> {
        let mut conn = self.pool.acquire().await?;
        let mut doc = self.map_document_in(&mut conn, id).await?;
        doc.workshop = None;
        Ok(doc)
    }

    /// The whole document as the commit path holds it, read on the caller's connection (inside
    /// its transaction): with the workshop whole. Never sent to anyone as it is.
    pub async fn map_document_in(
        &self,
        conn: &mut AnyConnection,
        id: MapId,
    ) -> StoreResult<MapDocument> {
        let read = |r: &AnyRow| Ok((map_from(r)?, int(r, "seq")?));
        let (map, seq) = select("SELECT * FROM maps WHERE id = $1")
            .bind(id)
            .one(&mut *conn, read, "map")
            .await?;
        let org_unit = unit_in(&mut *conn, map.org_unit_id).await?;
        let people = named_people(&mut *conn, id).await?;
        let objectives = objectives_of(&mut *conn, id).await?;
        let lost_alignments =
            super::tombstones::lost_alignments(&mut *conn, &objectives, &org_unit).await?;
        Ok(MapDocument {
            seq,
            perspectives: perspectives_of(&mut *conn, id).await?,
            themes: themes_of(&mut *conn, id).await?,
            objectives,
            links: links_of(&mut *conn, id).await?,
            measures: measures_of(&mut *conn, id).await?,
            people,
            alignments: alignments_of(&mut *conn, id).await?,
            parent_objectives: parent_objectives_of(&mut *conn, &org_unit).await?,
            supporters: supporters_of(&mut *conn, id).await?,
            deleted_alignments: super::tombstones::deleted_alignments(&mut *conn, id).await?,
            lost_alignments,
            workshop: super::workshops::workshop_of(&mut *conn, id).await?,
            map,
            org_unit,
        })
    }
}
