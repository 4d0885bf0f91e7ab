//! Sessions: who is signed in, by the hash of their cookie's token (never the token). A session
//! ends at its absolute expiry, or sooner when it goes unused for its idle time.

use super::*;
use crate::domain::{SessionInfo, User, UserId};
use sqlx::AnyConnection;

/// How long a session may go unused when nothing else is configured (8 hours).
pub const DEFAULT_SESSION_IDLE_SECONDS: i64 = 8 * 3600;

/// How often a session's `last_seen` is written at most: reads stay reads in between.
pub const LAST_SEEN_EVERY_SECONDS: i64 = 60;

/// The longest user agent kept with a session (the rest is cut off).
pub const MAX_USER_AGENT: usize = 300;

/// A session about to be stored.
#[derive(Clone, Debug)]
pub struct NewSession<'a> {
    /// The SHA-256 of the cookie's token.
    pub token_hash: &'a str,
    /// Whose session it is.
    pub user: UserId,
    /// Seconds since the epoch: now (its first use).
    pub now: i64,
    /// Seconds since the epoch when it ends in any case.
    pub expires_at: i64,
    /// Seconds it may go unused before it ends.
    pub idle_seconds: i64,
    /// The browser's `User-Agent`, to tell sessions apart on the profile page.
    pub user_agent: Option<&'a str>,
}

/// Stores a new session on `conn` (a transaction, when the session replaces others).
pub async fn insert_session(conn: &mut AnyConnection, s: &NewSession<'_>) -> StoreResult<()> {
    let agent: Option<String> = s.user_agent.map(|a| {
        a.chars()
            .filter(|c| !c.is_control())
            .take(MAX_USER_AGENT)
            .collect()
    });
    change(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen, idle_seconds, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(s.token_hash)
    .bind(s.user)
    .bind(now_text())
    .bind_value(s.expires_at)
    .bind_value(s.now)
    .bind_value(s.idle_seconds.max(1))
    .bind_value(agent)
    .run(&mut *conn)
    .await?;
    Ok(())
}

/// Ends every session of `user` except `keep` (none kept when `keep` is `None`); returns how many
/// ended.
pub async fn delete_sessions_of(
    conn: &mut AnyConnection,
    user: UserId,
    keep: Option<&str>,
) -> StoreResult<u64> {
    match keep {
        Some(hash) => {
            change("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                .bind(user)
                .bind(hash)
                .run(&mut *conn)
                .await
        }
        None => {
            change("DELETE FROM sessions WHERE user_id = $1")
                .bind(user)
                .run(&mut *conn)
                .await
        }
    }
}

fn session_info_from(row: &AnyRow) -> StoreResult<SessionInfo> {
    Ok(SessionInfo {
        id: text(row, "token_hash")?,
        created_at: text(row, "created_at")?,
        last_seen: int(row, "last_seen")?,
        user_agent: opt_text(row, "user_agent")?,
        current: false,
    })
}

impl Store {
    /// Stores a new session with the default idle time and no user agent (the token itself is
    /// never stored, only its hash).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        expires_at: i64,
    ) -> StoreResult<()> {
        let session = NewSession {
            token_hash,
            user,
            now: chrono::Utc::now().timestamp(),
            expires_at,
            idle_seconds: DEFAULT_SESSION_IDLE_SECONDS,
            user_agent: None,
        };
        self.start_session(&session, None).await
    }

    /// Stores `session` in one transaction with ending the session `replaces` (the browser's
    /// previous one, when it signs in again): a sign-in always rotates the token.
    pub async fn start_session(
        &self,
        session: &NewSession<'_>,
        replaces: Option<&str>,
    ) -> StoreResult<()> {
        self.write(async |tx| {
            if let Some(old) = replaces {
                change("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(old)
                    .run(&mut *tx)
                    .await?;
            }
            insert_session(tx, session).await
        })
        .await
    }

    /// The user of a live session, or `None` when unknown, expired or idle too long.
    pub async fn session_user(&self, token_hash: &str, now: i64) -> StoreResult<Option<User>> {
        Ok(self.live_session(token_hash, now).await?.map(|(u, _)| u))
    }

    /// The user of a live session and when it was last used, or `None` when unknown, expired
    /// or idle too long.
    pub async fn live_session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<(User, i64)>> {
        let read = |r: &AnyRow| Ok((user_from(r)?, int(r, "last_seen")?));
        select(
            "SELECT u.id, u.email, u.name, s.last_seen FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen + s.idle_seconds > $2 \
             AND u.status = $3",
        )
        .bind(token_hash)
        .bind_value(now)
        .bind(crate::domain::people::UserStatus::Active)
        .optional(&self.pool, read)
        .await
    }

    /// Records that a session was used at `now`.
    pub async fn touch_session(&self, token_hash: &str, now: i64) -> StoreResult<()> {
        change("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2 AND last_seen < $1")
            .bind_value(now)
            .bind(token_hash)
            .run(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a session (sign-out).
    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let delete = change("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash);
        delete.run(&self.pool).await?;
        Ok(())
    }

    /// Ends one session of `user` (the profile page's sign-out button); not found when it is
    /// not theirs or already over.
    pub async fn delete_session_of(&self, user: UserId, token_hash: &str) -> StoreResult<()> {
        let delete = change("DELETE FROM sessions WHERE token_hash = $1 AND user_id = $2")
            .bind(token_hash)
            .bind(user);
        match delete.run(&self.pool).await? {
            0 => Err(StoreError::NotFound("session")),
            _ => Ok(()),
        }
    }

    /// The live sessions of `user`, most recently used first.
    pub async fn sessions_of(&self, user: UserId, now: i64) -> StoreResult<Vec<SessionInfo>> {
        select(
            "SELECT token_hash, created_at, last_seen, user_agent FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 AND last_seen + idle_seconds > $2 \
             ORDER BY last_seen DESC, created_at DESC",
        )
        .bind(user)
        .bind_value(now)
        .all(&self.pool, session_info_from)
        .await
    }
}
