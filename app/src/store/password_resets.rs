//! Password reset links (`password_resets`): the SHA-256 of each link's secret (never the
//! secret), its expiry, and when it was used; a link works once.

use super::*;
use crate::domain::{User, UserId};
use sqlx::AnyConnection;

/// Keeps a new reset link of `user`, valid until `expires_at` (seconds since the epoch).
pub async fn create_password_reset(
    conn: &mut AnyConnection,
    token_hash: &str,
    user: UserId,
    expires_at: i64,
) -> StoreResult<()> {
    change(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user)
    .bind(now_text())
    .bind_value(expires_at)
    .run(&mut *conn)
    .await?;
    Ok(())
}

/// Uses a reset link: the user it was made for when it is known, unused and not expired at
/// `now` (seconds), marked used in the same statement so a second use finds nothing.
pub async fn use_password_reset(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> StoreResult<Option<UserId>> {
    select(
        "UPDATE password_resets SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id",
    )
    .bind(now_text())
    .bind(token_hash)
    .bind_value(now)
    .optional(&mut *conn, |r| parsed(r, "user_id"))
    .await
}

/// Sets a user's password hash and ends every session of theirs (a reset or change signs out
/// everywhere), with an audit row.
pub async fn set_password(
    conn: &mut AnyConnection,
    user: UserId,
    password_hash: &str,
    action: &'static str,
) -> StoreResult<()> {
    change("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user)
        .run_on_one(&mut *conn, "user")
        .await?;
    change("DELETE FROM sessions WHERE user_id = $1")
        .bind(user)
        .run(&mut *conn)
        .await?;
    audit(conn, Some(user), action, "user", user, "password").await
}

impl Store {
    /// Whether a reset link is still usable at `now` (seconds), without using it: the page that
    /// asks for the new password says at once when a link is expired or used.
    pub async fn password_reset_usable(&self, token_hash: &str, now: i64) -> StoreResult<bool> {
        Ok(select(
            "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind_value(now)
        .optional(&self.pool, |_| Ok(()))
        .await?
        .is_some())
    }

    /// The user with this email (any case), if there is one.
    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        select("SELECT id, email, name FROM users WHERE email = $1")
            .bind(normalise_email(email))
            .optional(&self.pool, user_from)
            .await
    }

    /// How many live sessions a user has (tests check a reset ended them).
    pub async fn session_count(&self, user: UserId) -> StoreResult<i64> {
        select("SELECT COUNT(*) AS n FROM sessions WHERE user_id = $1")
            .bind(user)
            .one(&self.pool, |r| int(r, "n"), "user")
            .await
    }
}
