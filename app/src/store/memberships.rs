//! Memberships: the role each person holds on org units.

use super::*;
use crate::domain::{OrgUnitId, Person, Role, UserId};
use sqlx::AnyConnection;

/// Grants (or changes) a user's role on an org unit.
pub async fn grant_role(
    conn: &mut AnyConnection,
    user: UserId,
    unit: OrgUnitId,
    role: Role,
) -> StoreResult<()> {
    grant_role_by(conn, None, user, unit, role).await
}

/// Grants (or changes) a user's role on an org unit, audited as done by `actor` with the role
/// held before (see `domain::history::GrantDetail`).
pub async fn grant_role_by(
    conn: &mut AnyConnection,
    actor: Option<UserId>,
    user: UserId,
    unit: OrgUnitId,
    role: Role,
) -> StoreResult<()> {
    let old: Option<String> =
        select("SELECT role FROM memberships WHERE user_id = $1 AND org_unit_id = $2")
            .bind(user)
            .bind(unit)
            .optional(&mut *conn, |r| text(r, "role"))
            .await?;
    change("DELETE FROM memberships WHERE user_id = $1 AND org_unit_id = $2")
        .bind(user)
        .bind(unit)
        .run(&mut *conn)
        .await?;
    change("INSERT INTO memberships (user_id, org_unit_id, role) VALUES ($1, $2, $3)")
        .bind(user)
        .bind(unit)
        .bind(role.as_str())
        .run(&mut *conn)
        .await?;
    let person = select("SELECT name FROM users WHERE id = $1")
        .bind(user)
        .optional(&mut *conn, |r| text(r, "name"))
        .await?
        .unwrap_or_default();
    let unit_name = select("SELECT name FROM org_units WHERE id = $1")
        .bind(unit)
        .optional(&mut *conn, |r| text(r, "name"))
        .await?
        .unwrap_or_default();
    let detail = crate::domain::history::GrantDetail {
        role: role.as_str().to_string(),
        old,
        person,
        unit: unit_name,
    };
    let detail = serde_json::to_string(&detail).unwrap_or_else(|_| role.as_str().to_string());
    let membership = format!("{user}@{unit}");
    audit(conn, actor, "grant", "membership", membership, &detail).await
}

impl Store {
    /// Grants a role in its own transaction, audited as done by `actor`.
    pub async fn grant_role_by(
        &self,
        actor: Option<UserId>,
        user: UserId,
        unit: OrgUnitId,
        role: Role,
    ) -> StoreResult<()> {
        self.write(async |tx| grant_role_by(tx, actor, user, unit, role).await)
            .await
    }

    /// Grants a role in its own transaction.
    pub async fn grant_role(&self, user: UserId, unit: OrgUnitId, role: Role) -> StoreResult<()> {
        self.write(async |tx| grant_role(tx, user, unit, role).await)
            .await
    }

    /// Every (user, unit, role) grant of one user.
    pub async fn grants_of(&self, user: UserId) -> StoreResult<Vec<(UserId, OrgUnitId, Role)>> {
        let grant = |r: &AnyRow| {
            Ok((
                parsed(r, "user_id")?,
                parsed(r, "org_unit_id")?,
                parsed(r, "role")?,
            ))
        };
        select("SELECT user_id, org_unit_id, role FROM memberships WHERE user_id = $1")
            .bind(user)
            .all(&self.pool, grant)
            .await
    }

    /// Everyone with a role on `unit`, held there or inherited from a unit above it, by name:
    /// who may be picked as an owner on that unit's maps.
    pub async fn people_with_role_on(&self, unit: OrgUnitId) -> StoreResult<Vec<Person>> {
        select(
            "WITH RECURSIVE above(id, parent_id) AS ( \
               SELECT id, parent_id FROM org_units WHERE id = $1 \
               UNION SELECT o.id, o.parent_id FROM org_units o JOIN above a ON o.id = a.parent_id) \
             SELECT DISTINCT u.id, u.name FROM users u JOIN memberships m ON m.user_id = u.id \
             WHERE m.org_unit_id IN (SELECT id FROM above) ORDER BY u.name, u.id",
        )
        .bind(unit)
        .all(&self.pool, person_from)
        .await
    }
}
