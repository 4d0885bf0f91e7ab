//! The organisation tree and the maps each unit owns.

use super::*;
use crate::domain::{
    validation, MapId, MapStatus, MapSummary, OrgUnit, OrgUnitId, Period, StrategyMap,
};
use sqlx::AnyConnection;
use std::collections::HashMap;

pub(crate) fn unit_from(row: &AnyRow) -> StoreResult<OrgUnit> {
    Ok(OrgUnit {
        id: parsed(row, "id")?,
        parent_id: opt_parsed(row, "parent_id")?,
        name: text(row, "name")?,
        kind: parsed(row, "kind")?,
    })
}

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

/// Every unit's parent, for role inheritance and cycle checks.
pub async fn unit_parents(
    conn: &mut AnyConnection,
) -> StoreResult<HashMap<OrgUnitId, Option<OrgUnitId>>> {
    let rows = sqlx::query("SELECT id, parent_id FROM org_units")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| Ok((parsed(r, "id")?, opt_parsed(r, "parent_id")?)))
        .collect()
}

/// Creates an org unit under its parent (validated: no cycles, parent exists).
pub async fn create_org_unit(
    conn: &mut AnyConnection,
    unit: &OrgUnit,
    actor: Option<crate::domain::UserId>,
) -> StoreResult<()> {
    let parents = unit_parents(&mut *conn).await?;
    if let Some(p) = unit.parent_id {
        if !parents.contains_key(&p) {
            return Err(StoreError::NotFound("parent unit"));
        }
    }
    validation::org_unit(unit, &parents)?;
    sqlx::query(
        "INSERT INTO org_units (id, parent_id, name, kind, sort_order) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(unit.id.to_string())
    .bind(unit.parent_id.map(|p| p.to_string()))
    .bind(unit.name.trim())
    .bind(unit.kind.as_str())
    .bind(parents.len() as i64)
    .execute(&mut *conn)
    .await?;
    audit(
        conn,
        actor,
        "create",
        "org_unit",
        &unit.id.to_string(),
        &unit.name,
    )
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
        super::maps::insert_perspective(&mut *conn, &p).await?;
        perspectives.push(p);
    }
    audit(conn, actor, "create", "map", &map.id.to_string(), &map.name).await?;
    Ok(perspectives)
}

impl Store {
    /// Every org unit, in creation order.
    pub async fn org_units(&self) -> StoreResult<Vec<OrgUnit>> {
        let rows = sqlx::query(
            "SELECT id, parent_id, name, kind FROM org_units ORDER BY sort_order, name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(unit_from).collect()
    }

    /// One org unit.
    pub async fn org_unit(&self, id: OrgUnitId) -> StoreResult<OrgUnit> {
        let row = sqlx::query("SELECT id, parent_id, name, kind FROM org_units WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("org unit"))?;
        unit_from(&row)
    }

    /// Every unit's parent.
    pub async fn unit_parents(&self) -> StoreResult<HashMap<OrgUnitId, Option<OrgUnitId>>> {
        let mut conn = self.pool.acquire().await?;
        unit_parents(&mut conn).await
    }

    /// Creates an org unit in its own transaction.
    pub async fn create_org_unit(
        &self,
        unit: &OrgUnit,
        actor: Option<crate::domain::UserId>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        create_org_unit(&mut tx, unit, actor).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a map with the default four perspectives, in one transaction.
    pub async fn create_map(
        &self,
        map: &StrategyMap,
        actor: Option<crate::domain::UserId>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        create_map(&mut tx, map, &crate::domain::DEFAULT_PERSPECTIVES, actor).await?;
        tx.commit().await?;
        Ok(())
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
}
