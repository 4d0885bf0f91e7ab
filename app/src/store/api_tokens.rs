//! API tokens of the REST API v1: stored as a SHA-256 hash of the secret (never the secret),
//! with their org-unit scopes; creation and revocation leave audit rows.

use super::*;
use crate::domain::{validation, ApiToken, ApiTokenId, OrgUnitId, UserId};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// How often `last_used_at` is written at most: a busy token costs one small write a minute.
pub const TOUCH_EVERY_SECONDS: i64 = 60;

fn token_from(row: &AnyRow, units: Vec<OrgUnitId>) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: parsed(row, "id")?,
        name: text(row, "name")?,
        units,
        can_write: int(row, "can_write")? != 0,
        created_by: opt_parsed(row, "created_by")?,
        created_at: text(row, "created_at")?,
        last_used_at: opt_text(row, "last_used_at")?,
        revoked_at: opt_text(row, "revoked_at")?,
    })
}

/// Stores a new token (already validated here too) with its scopes and an audit row, in the
/// caller's transaction. `token_hash` is [`crate::auth::secret_hash`] of the secret.
pub async fn create_api_token(
    conn: &mut AnyConnection,
    token: &ApiToken,
    token_hash: &str,
    actor: Option<UserId>,
) -> StoreResult<()> {
    validation::api_token(token)?;
    sqlx::query(
        "INSERT INTO api_tokens (id, name, token_hash, created_by, created_at, last_used_at, revoked_at, can_write) \
         VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6)",
    )
    .bind(token.id.to_string())
    .bind(token.name.trim())
    .bind(token_hash)
    .bind(token.created_by.map(|u| u.to_string()))
    .bind(&token.created_at)
    .bind(i64::from(token.can_write))
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "this token already exists"))?;
    let mut units = token.units.clone();
    units.sort();
    units.dedup();
    for unit in &units {
        sqlx::query("INSERT INTO api_token_units (token_id, org_unit_id) VALUES ($1, $2)")
            .bind(token.id.to_string())
            .bind(unit.to_string())
            .execute(&mut *conn)
            .await?;
    }
    let access = if token.can_write {
        "read+write"
    } else {
        "read-only"
    };
    let detail = format!("{} ({access}; {} unit(s))", token.name.trim(), units.len());
    audit(conn, actor, "create", "api_token", token.id, &detail).await
}

/// Marks a token revoked (from now on every request with it gets a 401), with an audit row.
/// Returns `false` when it was already revoked (nothing changes then).
pub async fn revoke_api_token(
    conn: &mut AnyConnection,
    id: ApiTokenId,
    actor: Option<UserId>,
) -> StoreResult<bool> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id.to_string())
            .bind(now_text())
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if done == 0 {
        return Ok(false);
    }
    audit(conn, actor, "revoke", "api_token", id, "").await?;
    Ok(true)
}

/// The scopes of the given tokens (all tokens when `id` is `None`).
async fn scopes(
    conn: &mut AnyConnection,
    id: Option<ApiTokenId>,
) -> StoreResult<HashMap<ApiTokenId, Vec<OrgUnitId>>> {
    let rows = match id {
        Some(id) => {
            sqlx::query("SELECT token_id, org_unit_id FROM api_token_units WHERE token_id = $1")
                .bind(id.to_string())
                .fetch_all(&mut *conn)
                .await?
        }
        None => {
            sqlx::query("SELECT token_id, org_unit_id FROM api_token_units")
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let mut out: HashMap<ApiTokenId, Vec<OrgUnitId>> = HashMap::new();
    for r in &rows {
        out.entry(parsed(r, "token_id")?)
            .or_default()
            .push(parsed(r, "org_unit_id")?);
    }
    Ok(out)
}

impl Store {
    /// Creates a token in its own transaction (see [`create_api_token`]).
    pub async fn create_api_token(
        &self,
        token: &ApiToken,
        token_hash: &str,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| create_api_token(tx, token, token_hash, actor).await)
            .await
    }

    /// Revokes a token in its own transaction (see [`revoke_api_token`]).
    pub async fn revoke_api_token(
        &self,
        id: ApiTokenId,
        actor: Option<UserId>,
    ) -> StoreResult<bool> {
        self.write(async |tx| revoke_api_token(tx, id, actor).await)
            .await
    }

    /// Every token, newest first, revoked ones included (the admin page lists them).
    pub async fn api_tokens(&self) -> StoreResult<Vec<ApiToken>> {
        let mut conn = self.pool.acquire().await?;
        let mut scopes = scopes(&mut conn, None).await?;
        let rows = sqlx::query("SELECT * FROM api_tokens ORDER BY created_at DESC, name")
            .fetch_all(&mut *conn)
            .await?;
        rows.iter()
            .map(|r| {
                let id: ApiTokenId = parsed(r, "id")?;
                token_from(r, scopes.remove(&id).unwrap_or_default())
            })
            .collect()
    }

    /// One token by id.
    pub async fn api_token(&self, id: ApiTokenId) -> StoreResult<ApiToken> {
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query("SELECT * FROM api_tokens WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound("API token"))?;
        let mut scopes = scopes(&mut conn, Some(id)).await?;
        token_from(&row, scopes.remove(&id).unwrap_or_default())
    }

    /// The token whose secret hashes to `token_hash` (revoked or not), or `None`.
    pub async fn api_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        let mut conn = self.pool.acquire().await?;
        let Some(row) = sqlx::query("SELECT * FROM api_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&mut *conn)
            .await?
        else {
            return Ok(None);
        };
        let id: ApiTokenId = parsed(&row, "id")?;
        let mut scopes = scopes(&mut conn, Some(id)).await?;
        token_from(&row, scopes.remove(&id).unwrap_or_default()).map(Some)
    }

    /// Records that a token was used now, unless that was already recorded less than
    /// [`TOUCH_EVERY_SECONDS`] ago (one cheap conditional update; RFC 3339 text sorts by time).
    pub async fn touch_api_token(&self, id: ApiTokenId) -> StoreResult<()> {
        let now = chrono::Utc::now();
        let stale_before = (now - chrono::Duration::seconds(TOUCH_EVERY_SECONDS))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(id.to_string())
        .bind(now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .bind(stale_before)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
