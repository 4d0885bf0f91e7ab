//! People: their accounts (email, name, password hash).

use super::*;
use crate::domain::{validation, Person, User, UserId};
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
        user.id,
        &normalise_email(&user.email),
    )
    .await
}

impl Store {
    /// Creates a user in its own transaction.
    pub async fn create_user(&self, user: &User, password_hash: &str) -> StoreResult<()> {
        self.write(async |tx| create_user(tx, user, password_hash).await)
            .await
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
}
