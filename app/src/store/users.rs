//! People: accounts, sessions and memberships (roles per org unit).

use super::*;
use crate::domain::{validation, OrgUnitId, Person, Role, User, UserId};
use sqlx::AnyConnection;

pub(crate) fn user_from(row: &AnyRow) -> StoreResult<User> {
    Ok(User {
        id: parsed(row, "id")?,
        email: text(row, "email")?,
        name: text(row, "name")?,
    })
}

/// Someone by name only (what other people may see of them).
pub(crate) fn person_from(row: &AnyRow) -> StoreResult<Person> {
    Ok(Person {
        id: parsed(row, "id")?,
        name: text(row, "name")?,
    })
}

/// Normalises an email for storage and look-up (case-insensitive sign-in).
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Creates a user with an already-hashed password.
pub async fn create_user(
    conn: &mut AnyConnection,
    user: &User,
    password_hash: &str,
) -> StoreResult<()> {
    validation::user(user)?;
    sqlx::query("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(user.id.to_string())
        .bind(normalise_email(&user.email))
        .bind(user.name.trim())
        .bind(password_hash)
        .bind(now_text())
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "a user with this email already exists"))?;
    audit(
        conn,
        None,
        "create",
        "user",
        &user.id.to_string(),
        &normalise_email(&user.email),
    )
    .await
}

/// Grants (or changes) a user's role on an org unit.
pub async fn grant_role(
    conn: &mut AnyConnection,
    user: UserId,
    unit: OrgUnitId,
    role: Role,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND org_unit_id = $2")
        .bind(user.to_string())
        .bind(unit.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO memberships (user_id, org_unit_id, role) VALUES ($1, $2, $3)")
        .bind(user.to_string())
        .bind(unit.to_string())
        .bind(role.as_str())
        .execute(&mut *conn)
        .await?;
    audit(
        conn,
        None,
        "grant",
        "membership",
        &format!("{user}@{unit}"),
        role.as_str(),
    )
    .await
}

impl Store {
    /// Creates a user in its own transaction.
    pub async fn create_user(&self, user: &User, password_hash: &str) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        create_user(&mut tx, user, password_hash).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Grants a role in its own transaction.
    pub async fn grant_role(&self, user: UserId, unit: OrgUnitId, role: Role) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        grant_role(&mut tx, user, unit, role).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user with this email and their password hash, for sign-in.
    pub async fn user_with_hash(&self, email: &str) -> StoreResult<Option<(User, String)>> {
        let row = sqlx::query("SELECT id, email, name, password_hash FROM users WHERE email = $1")
            .bind(normalise_email(email))
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((user_from(&r)?, text(&r, "password_hash")?)))
            .transpose()
    }

    /// One user.
    pub async fn user(&self, id: UserId) -> StoreResult<User> {
        let row = sqlx::query("SELECT id, email, name FROM users WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        user_from(&row)
    }

    /// Every user, by name.
    pub async fn users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query("SELECT id, email, name FROM users ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_from).collect()
    }

    /// Stores a new session (the token itself is never stored, only its hash).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user.to_string())
            .bind(now_text())
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The user of a live session, or `None` when unknown or expired.
    pub async fn session_user(&self, token_hash: &str, now: i64) -> StoreResult<Option<User>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// Ends a session (sign-out).
    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every (user, unit, role) grant of one user.
    pub async fn grants_of(&self, user: UserId) -> StoreResult<Vec<(UserId, OrgUnitId, Role)>> {
        let rows =
            sqlx::query("SELECT user_id, org_unit_id, role FROM memberships WHERE user_id = $1")
                .bind(user.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    parsed(r, "user_id")?,
                    parsed(r, "org_unit_id")?,
                    parsed(r, "role")?,
                ))
            })
            .collect()
    }

    /// Everyone with a role on `unit`, held there or inherited from a unit above it, by name:
    /// who may be picked as an owner on that unit's maps.
    pub async fn people_with_role_on(&self, unit: OrgUnitId) -> StoreResult<Vec<Person>> {
        let rows = sqlx::query(
            "WITH RECURSIVE above(id, parent_id) AS ( \
               SELECT id, parent_id FROM org_units WHERE id = $1 \
               UNION SELECT o.id, o.parent_id FROM org_units o JOIN above a ON o.id = a.parent_id) \
             SELECT DISTINCT u.id, u.name FROM users u JOIN memberships m ON m.user_id = u.id \
             WHERE m.org_unit_id IN (SELECT id FROM above) ORDER BY u.name, u.id",
        )
        .bind(unit.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(person_from).collect()
    }
}
