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
    let membership = format!("{user}@{unit}");
    audit(conn, None, "grant", "membership", membership, role.as_str()).await
}

impl Store {
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
