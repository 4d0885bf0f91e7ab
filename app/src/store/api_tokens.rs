//! API tokens of the REST API v1: stored as a SHA-256 hash of the secret (never the secret),
//! with their org-unit scopes; creation and revocation leave audit rows.

use super::*;
use crate::domain::{validation, ApiToken, ApiTokenId, OrgUnitId, UserId};
use sqlx::AnyConnection;

/// How often `last_used_at` is written at most: a busy token costs one small write a minute.
pub const TOUCH_EVERY_SECONDS: i64 = 60;

/// A token's row, without its scope (read from `api_token_units`).
fn token_from(row: &AnyRow) -> StoreResult<ApiToken> {
    read_row! { row => ApiToken {
        parsed: id;
        text: name, created_at;
        opt_parsed: created_by;
        opt_text: last_used_at, revoked_at;
        flag: can_write, can_administer;
        filled_later: units;
    } }
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
    change(
        "INSERT INTO api_tokens (id, name, token_hash, created_by, created_at, last_used_at, revoked_at, can_write, can_administer) \
         VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7)",
    )
    .bind(token.id)
    .bind(token.name.trim())
    .bind(token_hash)
    .bind_value(token.created_by.map(|u| u.to_string()))
    .bind(&token.created_at)
    .bind_value(i64::from(token.can_write || token.can_administer))
    .bind_value(i64::from(token.can_administer))
    .run(&mut *conn)
    .await
    .map_err(|e| e.unique_as_conflict("this token already exists"))?;
    let mut units = token.units.clone();
    units.sort();
    units.dedup();
    for unit in &units {
        change("INSERT INTO api_token_units (token_id, org_unit_id) VALUES ($1, $2)")
            .bind(token.id)
            .bind(unit)
            .run(&mut *conn)
            .await?;
    }
    let access = if token.can_administer {
        "admin"
    } else if token.can_write {
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
    let done = change("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(id)
        .bind(now_text())
        .run(&mut *conn)
        .await?;
    if done == 0 {
        return Ok(false);
    }
    audit(conn, actor, "revoke", "api_token", id, "").await?;
    Ok(true)
}

/// The tokens `query` reads (rows of `api_tokens`), each with its scope.
async fn tokens(store: &Store, query: Statement<'_>) -> StoreResult<Vec<ApiToken>> {
    let mut conn = store.pool.acquire().await?;
    let mut tokens = query.all(&mut *conn, token_from).await?;
    let scope = |r: &AnyRow| {
        let token: ApiTokenId = parsed(r, "token_id")?;
        let unit: OrgUnitId = parsed(r, "org_unit_id")?;
        Ok((token, unit))
    };
    let scopes = match tokens.as_slice() {
        [one] => select("SELECT token_id, org_unit_id FROM api_token_units WHERE token_id = $1")
            .bind(one.id),
        _ => select("SELECT token_id, org_unit_id FROM api_token_units"),
    };
    for (token, unit) in scopes.all(&mut *conn, scope).await? {
        if let Some(t) = tokens.iter_mut().find(|t| t.id == token) {
            t.units.push(unit);
        }
    }
    Ok(tokens)
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
        let all = select("SELECT * FROM api_tokens ORDER BY created_at DESC, name");
        tokens(self, all).await
    }

    /// One token by id.
    pub async fn api_token(&self, id: ApiTokenId) -> StoreResult<ApiToken> {
        let one = select("SELECT * FROM api_tokens WHERE id = $1").bind(id);
        let found = tokens(self, one).await?.pop();
        found.ok_or(StoreError::NotFound("API token"))
    }

    /// The token whose secret hashes to `token_hash` (revoked or not), or `None`.
    pub async fn api_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        let one = select("SELECT * FROM api_tokens WHERE token_hash = $1").bind(token_hash);
        Ok(tokens(self, one).await?.pop())
    }

    /// Records that a token was used now, unless that was already recorded less than
    /// [`TOUCH_EVERY_SECONDS`] ago (one cheap conditional update; RFC 3339 text sorts by time).
    /// Returns whether it recorded it.
    pub async fn touch_api_token(&self, id: ApiTokenId) -> StoreResult<bool> {
        let now = chrono::Utc::now();
        let stale_before = (now - chrono::Duration::seconds(TOUCH_EVERY_SECONDS))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let touched = change(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(id)
        .bind(now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .bind(stale_before)
        .run(&self.pool)
        .await?;
        Ok(touched > 0)
    }
}
