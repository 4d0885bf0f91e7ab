//! Passwords, sessions and the one authorisation helper every server function calls.

use crate::api::ApiError;
use crate::domain::role::effective_role;
use crate::domain::{Action, OrgUnitId, Role, User};
use crate::store::Store;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "cairn_session";
/// How long a session lasts without signing in again.
pub const SESSION_DAYS: i64 = 14;

/// What the server functions need from the server, provided as Leptos context per request.
#[derive(Clone)]
pub struct ServerContext {
    pub store: Store,
    /// Whether cookies carry `Secure` (on when served over HTTPS).
    pub secure_cookies: bool,
    /// The one write path for map content (commits, then tells every live client).
    pub maps: std::sync::Arc<dyn MapWriter>,
    /// The one write path for actuals and targets (commits, then tells every live screen).
    pub data: std::sync::Arc<dyn DataWriter>,
    /// Tells display screens (on every instance) that a link was revoked or a dashboard changed.
    pub displays: std::sync::Arc<dyn DisplayNotifier>,
}

/// Announces display events on the bus. Implemented by the server's hub, so a revoke reaches
/// screens connected to any instance.
pub trait DisplayNotifier: Send + Sync {
    /// Publishes `event` to every instance's display sockets.
    fn notify_displays(
        &self,
        event: crate::domain::display::DisplayEvent,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>>;
}

/// Commits a batch of actuals and targets and announces the maps whose scores changed.
/// Implemented by the server's hub; the grid, target editor, imports and REST all write
/// through it, so open maps and dashboards update without a reload.
pub trait DataWriter: Send + Sync {
    /// Validates and commits `batch` in one transaction by `author`.
    fn write_data(
        &self,
        batch: crate::domain::DataBatch,
        author: Option<crate::domain::UserId>,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<crate::domain::DataOutcome, ApiError>>
                + Send
                + '_,
        >,
    >;
}

/// Commits a batch of ops on a map and publishes it to live clients. Implemented by the
/// server's hub; server functions, REST and the WebSocket all write through it.
pub trait MapWriter: Send + Sync {
    /// Commits `ops` as one batch by `author`; a resent `op_id` is not applied twice.
    fn mutate(
        &self,
        map: crate::domain::MapId,
        author: crate::domain::UserId,
        op_id: uuid::Uuid,
        ops: Vec<crate::domain::ops::Op>,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<crate::domain::ops::Committed, ApiError>>
                + Send
                + '_,
        >,
    >;
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(format!("password hashing failed: {e}")))
}

/// Whether `password` matches the stored argon2 hash (a malformed hash never matches).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A fresh random secret (hex, 256 bits) for sessions, tokens and display links.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The stored form of a secret: its SHA-256, so a database leak does not leak sessions.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let max_age = SESSION_DAYS * 24 * 3600;
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The `Set-Cookie` value that ends a session.
pub fn clearing_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The session token in a request's `Cookie` headers, if any.
pub fn session_token(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

/// Seconds since the epoch.
pub fn now_seconds() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The signed-in user of a request, from its session cookie.
pub async fn user_from_headers(
    store: &Store,
    headers: &http::HeaderMap,
) -> Result<Option<User>, ApiError> {
    let Some(token) = session_token(headers) else {
        return Ok(None);
    };
    Ok(store
        .session_user(&secret_hash(&token), now_seconds())
        .await?)
}

/// The effective role of `user` on `unit` (inherited down the tree).
pub async fn role_on(
    store: &Store,
    user: &User,
    unit: OrgUnitId,
) -> Result<Option<Role>, ApiError> {
    let parents = store.unit_parents().await?;
    let grants = store.grants_of(user.id).await?;
    Ok(effective_role(user.id, unit, &parents, &grants))
}

/// The one authorisation check: `user` may perform `action` on `unit`, or a clear 403.
pub async fn authorize(
    store: &Store,
    user: &User,
    unit: OrgUnitId,
    action: Action,
) -> Result<Role, ApiError> {
    let role = role_on(store, user, unit).await?;
    match role {
        Some(r) if r.allows(action) => Ok(r),
        _ => {
            let unit_name = store
                .org_unit(unit)
                .await
                .map(|u| u.name)
                .unwrap_or_else(|_| "this unit".into());
            Err(ApiError::Forbidden(format!(
                "You cannot {} {unit_name}: that needs the {} role, and yours is {}.",
                action.describe(),
                action.required_role(),
                role.map(|r| r.as_str()).unwrap_or("none")
            )))
        }
    }
}

/// The data-entry check for a whole batch: actuals need the contributor role on the measure's
/// unit *or* being the measure's data owner (with any role there); targets need the editor role.
/// Unknown measures are a 404; the first refusal is a 403 naming the measure.
pub async fn authorize_data(
    store: &Store,
    user: &User,
    batch: &crate::domain::DataBatch,
) -> Result<(), ApiError> {
    let ids = batch.measure_ids();
    let scopes = store.measure_scopes(&ids).await?;
    let parents = store.unit_parents().await?;
    let grants = store.grants_of(user.id).await?;
    let role = |unit| effective_role(user.id, unit, &parents, &grants);
    let scope = |id: &crate::domain::MeasureId| {
        scopes
            .get(id)
            .ok_or_else(|| ApiError::NotFound(format!("measure {id}")))
    };
    let actual_ids = batch
        .actuals
        .iter()
        .map(|a| a.measure_id)
        .chain(batch.clear_actuals.iter().map(|c| c.measure_id));
    for id in actual_ids {
        let s = scope(&id)?;
        if !crate::domain::role::may_enter_data(
            role(s.org_unit_id),
            s.data_owner_id == Some(user.id),
        ) {
            return Err(ApiError::Forbidden(format!(
                "You cannot enter data for “{}”: that needs the contributor role on its unit, or being its data owner.",
                s.name
            )));
        }
    }
    let target_ids = batch
        .targets
        .iter()
        .map(|t| t.measure_id)
        .chain(batch.clear_targets.iter().map(|c| c.measure_id));
    for id in target_ids {
        let s = scope(&id)?;
        if !role(s.org_unit_id).is_some_and(|r| r.allows(Action::Edit)) {
            return Err(ApiError::Forbidden(format!(
                "You cannot set targets of “{}”: that needs the editor role on its unit.",
                s.name
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_when_right() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn cookie_round_trip() {
        let token = random_secret();
        assert_eq!(token.len(), 64);
        let cookie = session_cookie(&token, false);
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && !cookie.contains("Secure")
        );
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            format!("other=1; {SESSION_COOKIE}={token}")
                .parse()
                .unwrap(),
        );
        assert_eq!(session_token(&headers), Some(token));
        assert_ne!(secret_hash("a"), secret_hash("b"));
    }
}
