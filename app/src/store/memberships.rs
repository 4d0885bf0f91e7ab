//! Memberships: the role each person holds on org units.

use super::*;
use crate::domain::people::{self, PeopleChange, PeopleError, UserStatus};
use crate::domain::{OrgUnitId, Person, Role, UserId};
use sqlx::AnyConnection;

/// Grants (or changes) a user's role on an org unit (audited without an actor: set-up and demo
/// loading; people's changes go through [`grant_role_by`]).
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

/// Revokes a user's role on an org unit (roles inherited from above stay), audited as done by
/// `actor`. Returns whether there was one.
pub async fn revoke_role(
    conn: &mut AnyConnection,
    user: UserId,
    unit: OrgUnitId,
    actor: Option<UserId>,
) -> StoreResult<bool> {
    let gone = change("DELETE FROM memberships WHERE user_id = $1 AND org_unit_id = $2")
        .bind(user)
        .bind(unit)
        .run(&mut *conn)
        .await?;
    if gone == 0 {
        return Ok(false);
    }
    let membership = format!("{user}@{unit}");
    audit(conn, actor, "revoke", "membership", membership, "").await?;
    Ok(true)
}

/// Serialises changes that could remove the last admin of the root unit: every such change
/// first writes the root units' rows (a no-op update), so on PostgreSQL two of them wait for
/// each other and the second reads what the first wrote (SQLite's write lock already does so).
async fn lock_roots(conn: &mut AnyConnection) -> StoreResult<()> {
    change("UPDATE org_units SET sort_order = sort_order WHERE parent_id IS NULL")
        .run(&mut *conn)
        .await?;
    Ok(())
}

/// Refuses `change` when it would leave a root unit without an active admin, reading the
/// grants, statuses and units inside the caller's (locked) transaction.
async fn check_root_admins(
    conn: &mut AnyConnection,
    change: PeopleChange,
) -> StoreResult<Result<(), PeopleError>> {
    lock_roots(conn).await?;
    let grants = select("SELECT user_id, org_unit_id, role FROM memberships")
        .all(&mut *conn, grant_from)
        .await?;
    let inactive: Vec<UserId> = select("SELECT id FROM users WHERE status <> $1")
        .bind(UserStatus::Active)
        .all(&mut *conn, |r| parsed(r, "id"))
        .await?;
    let units = select("SELECT id, parent_id, name FROM org_units")
        .all(&mut *conn, |r| {
            Ok((
                parsed::<OrgUnitId>(r, "id")?,
                opt_parsed::<OrgUnitId>(r, "parent_id")?,
                text(r, "name")?,
            ))
        })
        .await?;
    let parents = units.iter().map(|(id, parent, _)| (*id, *parent)).collect();
    let name_of = |id: OrgUnitId| {
        units
            .iter()
            .find(|(u, _, _)| *u == id)
            .map(|(_, _, n)| n.clone())
            .unwrap_or_default()
    };
    Ok(people::keeps_root_admins(
        change,
        &parents,
        &grants,
        &|u| !inactive.contains(&u),
        &name_of,
    ))
}

/// One (user, unit, role) grant row.
fn grant_from(r: &AnyRow) -> StoreResult<(UserId, OrgUnitId, Role)> {
    Ok((
        parsed(r, "user_id")?,
        parsed(r, "org_unit_id")?,
        parsed(r, "role")?,
    ))
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

    /// Sets `user`'s role on `unit` (`None` revokes it) as done by `actor`, in one transaction;
    /// refused (nothing changed) when it would take the last active admin from a root unit.
    /// Returns whether anything changed.
    pub async fn set_role(
        &self,
        user: UserId,
        unit: OrgUnitId,
        role: Option<Role>,
        actor: Option<UserId>,
    ) -> StoreResult<Result<bool, PeopleError>> {
        self.write(async |tx| {
            let change = PeopleChange::SetRole { user, unit, role };
            if let Err(refused) = check_root_admins(tx, change).await? {
                return Ok(Err(refused));
            }
            let had: Option<Role> =
                select("SELECT role FROM memberships WHERE user_id = $1 AND org_unit_id = $2")
                    .bind(user)
                    .bind(unit)
                    .optional(&mut *tx, |r| parsed(r, "role"))
                    .await?;
            if had == role {
                return Ok(Ok(false));
            }
            match role {
                Some(role) => grant_role_by(tx, actor, user, unit, role).await?,
                None => {
                    revoke_role(tx, user, unit, actor).await?;
                }
            }
            Ok(Ok(true))
        })
        .await
    }

    /// Deactivates (`active` false) or reactivates an account as done by `actor`, in one
    /// transaction: deactivating ends all its sessions, and is refused (nothing changed) when
    /// it would take the last active admin from a root unit. Returns whether anything changed.
    pub async fn set_active(
        &self,
        user: UserId,
        active: bool,
        actor: Option<UserId>,
    ) -> StoreResult<Result<bool, PeopleError>> {
        self.write(async |tx| {
            let status: UserStatus = select("SELECT status FROM users WHERE id = $1")
                .bind(user)
                .one(&mut *tx, |r| parsed(r, "status"), "user")
                .await?;
            let next = match (active, status) {
                (false, UserStatus::Deactivated) | (true, UserStatus::Active) => {
                    return Ok(Ok(false))
                }
                (false, _) => UserStatus::Deactivated,
                // An invited account that was deactivated goes back to waiting for its link.
                (true, _) => {
                    let joined = select("SELECT password_hash FROM users WHERE id = $1")
                        .bind(user)
                        .one(&mut *tx, |r| text(r, "password_hash"), "user")
                        .await?;
                    if joined.is_empty() {
                        UserStatus::Invited
                    } else {
                        UserStatus::Active
                    }
                }
            };
            if next == UserStatus::Deactivated {
                let change = PeopleChange::Deactivate { user };
                if let Err(refused) = check_root_admins(tx, change).await? {
                    return Ok(Err(refused));
                }
            }
            Ok(Ok(set_user_status(tx, user, next, actor).await?))
        })
        .await
    }

    /// Every (user, unit, role) grant of everyone (the people page).
    pub async fn all_grants(&self) -> StoreResult<Vec<(UserId, OrgUnitId, Role)>> {
        select("SELECT user_id, org_unit_id, role FROM memberships")
            .all(&self.pool, grant_from)
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
