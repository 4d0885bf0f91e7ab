//! People: their accounts (email, name, password hash).

use super::*;
use crate::domain::people::{Account, UserStatus};
use crate::domain::{validation, Person, User, UserId};
use sqlx::AnyConnection;

pub(crate) fn user_from(row: &AnyRow) -> StoreResult<User> {
    read_row! { row => User {
        parsed: id;
        text: email, name;
    } }
}

/// Someone by name only (what other people may see of them).
pub(crate) fn person_from(row: &AnyRow) -> StoreResult<Person> {
    read_row! { row => Person {
        parsed: id;
        text: name;
    } }
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
    let email = normalise_email(&user.email);
    change("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(user.id)
        .bind(&email)
        .bind(user.name.trim())
        .bind(password_hash)
        .bind(now_text())
        .run(&mut *conn)
        .await
        .map_err(|e| e.unique_as_conflict("a user with this email already exists"))?;
    audit(conn, None, "create", "user", user.id, &email).await
}

impl Store {
    /// Creates a user in its own transaction.
    pub async fn create_user(&self, user: &User, password_hash: &str) -> StoreResult<()> {
        self.write(async |tx| create_user(tx, user, password_hash).await)
            .await
    }

    /// The user with this email and their password hash, for sign-in.
    pub async fn user_with_hash(&self, email: &str) -> StoreResult<Option<(User, String)>> {
        let with_hash = |r: &AnyRow| Ok((user_from(r)?, text(r, "password_hash")?));
        select("SELECT id, email, name, password_hash FROM users WHERE email = $1")
            .bind(normalise_email(email))
            .optional(&self.pool, with_hash)
            .await
    }

    /// One user.
    pub async fn user(&self, id: UserId) -> StoreResult<User> {
        select("SELECT id, email, name FROM users WHERE id = $1")
            .bind(id)
            .one(&self.pool, user_from, "user")
            .await
    }

    /// Every user, by name.
    pub async fn users(&self) -> StoreResult<Vec<User>> {
        select("SELECT id, email, name FROM users ORDER BY name")
            .all(&self.pool, user_from)
            .await
    }
}

impl Store {
    /// The language this person chose ("de"), or `None` to follow their browser.
    pub async fn user_locale(&self, id: UserId) -> StoreResult<Option<String>> {
        select("SELECT locale FROM users WHERE id = $1")
            .bind(id)
            .optional(&self.pool, |r| opt_text(r, "locale"))
            .await
            .map(Option::flatten)
    }

    /// Keeps this person's language choice (`None`: follow the browser again).
    pub async fn set_user_locale(&self, id: UserId, locale: Option<&str>) -> StoreResult<()> {
        select("UPDATE users SET locale = $1 WHERE id = $2")
            .bind_value(locale.map(str::to_string))
            .bind(id)
            .run_on_one(&self.pool, "user")
            .await
    }
}

/// An account row (`id, email, name, status`).
pub(crate) fn account_from(row: &AnyRow) -> StoreResult<Account> {
    read_row! { row => Account {
        parsed: id, status;
        text: email, name;
    } }
}

/// Creates an invited account: no password yet (an empty hash never verifies), so it cannot
/// sign in until the invitation is accepted.
pub async fn create_invited_user(conn: &mut AnyConnection, user: &User) -> StoreResult<()> {
    create_user(conn, user, "").await?;
    change("UPDATE users SET status = $1 WHERE id = $2")
        .bind(UserStatus::Invited)
        .bind(user.id)
        .run(&mut *conn)
        .await?;
    Ok(())
}

/// Sets an account's status, with an audit row by `actor`; deactivating also ends every session
/// of the account. Returns whether anything changed.
pub async fn set_user_status(
    conn: &mut AnyConnection,
    user: UserId,
    status: UserStatus,
    actor: Option<UserId>,
) -> StoreResult<bool> {
    let changed = change("UPDATE users SET status = $1 WHERE id = $2 AND status <> $1")
        .bind(status)
        .bind(user)
        .run(&mut *conn)
        .await?;
    if changed == 0 {
        return Ok(false);
    }
    if status == UserStatus::Deactivated {
        change("DELETE FROM sessions WHERE user_id = $1")
            .bind(user)
            .run(&mut *conn)
            .await?;
    }
    let action = match status {
        UserStatus::Deactivated => "deactivate",
        UserStatus::Active => "activate",
        UserStatus::Invited => "invite",
    };
    audit(conn, actor, action, "user", user, "").await?;
    Ok(true)
}

impl Store {
    /// Every account with its status, by name (the people page).
    pub async fn accounts(&self) -> StoreResult<Vec<Account>> {
        select("SELECT id, email, name, status FROM users ORDER BY name, email")
            .all(&self.pool, account_from)
            .await
    }

    /// One account with its status.
    pub async fn account(&self, id: UserId) -> StoreResult<Account> {
        select("SELECT id, email, name, status FROM users WHERE id = $1")
            .bind(id)
            .one(&self.pool, account_from, "user")
            .await
    }

    /// The account with this email, if any.
    pub async fn account_by_email(&self, email: &str) -> StoreResult<Option<Account>> {
        select("SELECT id, email, name, status FROM users WHERE email = $1")
            .bind(normalise_email(email))
            .optional(&self.pool, account_from)
            .await
    }

    /// Whether the account `id` exists and is deactivated (its API tokens stop working).
    pub async fn is_deactivated(&self, id: UserId) -> StoreResult<bool> {
        Ok(select("SELECT id FROM users WHERE id = $1 AND status = $2")
            .bind(id)
            .bind(UserStatus::Deactivated)
            .optional(&self.pool, |_| Ok(()))
            .await?
            .is_some())
    }
}
