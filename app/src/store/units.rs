//! The organisation tree: org units and their parents.

use super::*;
use crate::domain::org::{self, UnitPatch};
use crate::domain::{validation, OrgUnit, OrgUnitId};
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};

pub(crate) fn unit_from(row: &AnyRow) -> StoreResult<OrgUnit> {
    read_row! { row => OrgUnit {
        parsed: id, kind;
        opt_parsed: parent_id;
        text: name;
        flag: archived;
    } }
}

/// One org unit, read on `on` (the pool, or a transaction).
pub(crate) async fn unit_in<'c>(on: impl On<'c>, id: OrgUnitId) -> StoreResult<OrgUnit> {
    let unit = select("SELECT * FROM org_units WHERE id = $1").bind(id);
    unit.one(on, unit_from, "org unit").await
}

/// Every unit's parent, for role inheritance and cycle checks.
pub async fn unit_parents(
    conn: &mut AnyConnection,
) -> StoreResult<HashMap<OrgUnitId, Option<OrgUnitId>>> {
    let parent = |r: &AnyRow| Ok((parsed(r, "id")?, opt_parsed(r, "parent_id")?));
    let parents = select("SELECT id, parent_id FROM org_units").all(conn, parent);
    Ok(parents.await?.into_iter().collect())
}

/// The archived units (below them, everything is read-only).
pub(crate) async fn archived_units<'c>(on: impl On<'c>) -> StoreResult<HashSet<OrgUnitId>> {
    let ids = select("SELECT id FROM org_units WHERE archived <> 0").all(on, |r| parsed(r, "id"));
    Ok(ids.await?.into_iter().collect())
}

/// Changes a unit as `patch` says (rename, kind, move, archive), validated by
/// [`org::patched`] (no cycles, the new parent exists), with one audit row per change. Returns
/// the unit as it now is.
pub async fn update_org_unit(
    conn: &mut AnyConnection,
    id: OrgUnitId,
    patch: &UnitPatch,
    actor: Option<crate::domain::UserId>,
) -> StoreResult<OrgUnit> {
    let before = unit_in(&mut *conn, id).await?;
    let parents = unit_parents(&mut *conn).await?;
    if let Some(p) = patch.parent_id {
        if !parents.contains_key(&p) {
            return Err(StoreError::NotFound("parent unit"));
        }
    }
    let after = org::patched(&before, patch, &parents)?;
    if after == before {
        return Ok(after);
    }
    change(
        "UPDATE org_units SET name = $1, kind = $2, parent_id = $3, archived = $4 WHERE id = $5",
    )
    .bind(&after.name)
    .bind(after.kind.as_str())
    .bind_value(after.parent_id.map(|p| p.to_string()))
    .bind_value(i64::from(after.archived))
    .bind(id)
    .run(&mut *conn)
    .await?;
    let names: HashMap<OrgUnitId, String> = select("SELECT id, name FROM org_units")
        .all(&mut *conn, |r| Ok((parsed(r, "id")?, text(r, "name")?)))
        .await?
        .into_iter()
        .collect();
    let name_of = |u: Option<OrgUnitId>| {
        u.and_then(|u| names.get(&u).cloned())
            .unwrap_or_else(|| "—".into())
    };
    if after.name != before.name {
        let detail = format!("{} → {}", before.name, after.name);
        audit(&mut *conn, actor, "rename", "org_unit", id, &detail).await?;
    }
    if after.kind != before.kind {
        let detail = format!("{} → {}", before.kind.as_str(), after.kind.as_str());
        audit(&mut *conn, actor, "set_kind", "org_unit", id, &detail).await?;
    }
    if after.parent_id != before.parent_id {
        let detail = format!(
            "{}: {} → {}",
            after.name,
            name_of(before.parent_id),
            name_of(after.parent_id)
        );
        audit(&mut *conn, actor, "move", "org_unit", id, &detail).await?;
    }
    if after.archived != before.archived {
        let action = if after.archived {
            "archive"
        } else {
            "unarchive"
        };
        audit(&mut *conn, actor, action, "org_unit", id, &after.name).await?;
    }
    Ok(after)
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
    audit(conn, actor, "create", "org_unit", unit.id, &unit.name).await
}

impl Store {
    /// Every org unit, in creation order.
    pub async fn org_units(&self) -> StoreResult<Vec<OrgUnit>> {
        select("SELECT * FROM org_units ORDER BY sort_order, name")
            .all(&self.pool, unit_from)
            .await
    }

    /// One org unit.
    pub async fn org_unit(&self, id: OrgUnitId) -> StoreResult<OrgUnit> {
        unit_in(&self.pool, id).await
    }

    /// Every unit's parent.
    pub async fn unit_parents(&self) -> StoreResult<HashMap<OrgUnitId, Option<OrgUnitId>>> {
        let mut conn = self.pool.acquire().await?;
        unit_parents(&mut conn).await
    }

    /// The archived units.
    pub async fn archived_units(&self) -> StoreResult<HashSet<OrgUnitId>> {
        archived_units(&self.pool).await
    }

    /// Changes a unit (rename, kind, move, archive) in its own transaction.
    pub async fn update_org_unit(
        &self,
        id: OrgUnitId,
        patch: &UnitPatch,
        actor: Option<crate::domain::UserId>,
    ) -> StoreResult<OrgUnit> {
        self.write(async |tx| update_org_unit(tx, id, patch, actor).await)
            .await
    }

    /// How many maps each unit has (units without maps are absent).
    pub async fn map_counts(&self) -> StoreResult<HashMap<OrgUnitId, i64>> {
        let count = |r: &AnyRow| Ok((parsed(r, "org_unit_id")?, int(r, "n")?));
        let counts = select("SELECT org_unit_id, COUNT(*) AS n FROM maps GROUP BY org_unit_id")
            .all(&self.pool, count);
        Ok(counts.await?.into_iter().collect())
    }

    /// Creates an org unit in its own transaction.
    pub async fn create_org_unit(
        &self,
        unit: &OrgUnit,
        actor: Option<crate::domain::UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| create_org_unit(tx, unit, actor).await)
            .await
    }
}

impl Store {
    /// The organisation's currency (ISO 4217, kept on the root unit), in which money is shown.
    pub async fn organisation_currency(&self) -> StoreResult<String> {
        select("SELECT currency FROM org_units WHERE parent_id IS NULL AND currency IS NOT NULL ORDER BY name")
            .optional(&self.pool, |r| text(r, "currency"))
            .await
            .map(|c| c.unwrap_or_else(|| DEFAULT_CURRENCY.to_string()))
    }

    /// The organisation's name: its root unit's (the first by name when there are several).
    pub async fn organisation_name(&self) -> StoreResult<String> {
        select("SELECT name FROM org_units WHERE parent_id IS NULL ORDER BY name")
            .optional(&self.pool, |r| text(r, "name"))
            .await
            .map(Option::unwrap_or_default)
    }
}

/// Sets the organisation's currency (an ISO 4217 code such as "EUR" or "USD") on its root units.
pub async fn set_organisation_currency(tx: &mut AnyConnection, code: &str) -> StoreResult<()> {
    let code = code.trim().to_ascii_uppercase();
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(validation::ValidationError::BadCurrency(code).into());
    }
    select("UPDATE org_units SET currency = $1 WHERE parent_id IS NULL")
        .bind(code)
        .run(&mut *tx)
        .await?;
    Ok(())
}

/// The currency of an organisation that has not chosen one (a database made before currencies).
pub const DEFAULT_CURRENCY: &str = "EUR";
