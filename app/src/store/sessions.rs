//! Sessions: who is signed in, by the hash of their cookie's token (never the token).

use super::*;
use crate::domain::{User, UserId};

impl Store {
    /// Stores a new session (the token itself is never stored, only its hash).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        expires_at: i64,
    ) -> StoreResult<()> {
        change("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user)
            .bind(now_text())
            .bind_value(expires_at)
            .run(&self.pool)
            .await?;
        Ok(())
    }

    /// The user of a live session, or `None` when unknown or expired (or the account is no
    /// longer active).
    pub async fn session_user(&self, token_hash: &str, now: i64) -> StoreResult<Option<User>> {
        select(
            "SELECT u.id, u.email, u.name FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.status = $3",
        )
        .bind(token_hash)
        .bind_value(now)
        .bind(crate::domain::people::UserStatus::Active)
        .optional(&self.pool, user_from)
        .await
    }

    /// Ends a session (sign-out).
    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let delete = change("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash);
        delete.run(&self.pool).await?;
        Ok(())
    }
}
