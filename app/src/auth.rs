//! Passwords, sessions, cookies, API tokens, and the one authorisation helper every server
//! function calls (`authorize`, `Access`). The server context lives in `context`.

use crate::domain::org::{frozen, within_archive};
use crate::domain::role::{effective_role, inherited_role};
use crate::domain::{Action, ApiToken, ApiTokenId, MeasureId, OrgUnitId, Role, User, UserId};
use crate::error::{ApiError, Refusal};
use crate::store::Store;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "cairn_session";
/// How long a session lasts without signing in again.
pub const SESSION_DAYS: i64 = 14;

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

/// [`hash_password`] on the blocking pool: argon2 takes tens of milliseconds of CPU, which must
/// not hold up the async workers serving other requests.
pub async fn hash_password_off_thread(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(ApiError::internal)?
}

/// [`verify_password`] on the blocking pool. With no stored hash (an unknown email) it checks
/// against a dummy hash of the same cost, so unknown and known emails take the same time; the
/// answer is then always `false`.
pub async fn verify_password_off_thread(
    password: String,
    hash: Option<String>,
) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => verify_password(&password, &hash),
        None => {
            let _ = verify_password(&password, dummy_hash());
            false
        }
    })
    .await
    .map_err(ApiError::internal)
}

/// An argon2 hash of a random password, made once, with the same parameters as real ones.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_secret()).unwrap_or_default())
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

/// How a new session begins: the browser it is for and the one it replaces.
#[derive(Clone, Debug, Default)]
pub struct SessionStart<'a> {
    /// How long it may go unused before it ends, in seconds (`CAIRN_SESSION_IDLE`).
    pub idle_seconds: i64,
    /// The browser's `User-Agent`, so the profile page can tell sessions apart.
    pub user_agent: Option<&'a str>,
    /// The hash of the browser's previous session token, which ends in the same transaction
    /// (a sign-in always rotates the token).
    pub replaces: Option<&'a str>,
}

/// Starts a session for `user`: stores it (by its hash) and returns the token for the cookie
/// ([`session_cookie`]). Password sign-in, single sign-on, the first-run set-up and password
/// resets all start sessions here, so all get the same lifetime, idle time and rotation.
pub async fn start_session(
    store: &Store,
    user: UserId,
    start: &SessionStart<'_>,
) -> Result<String, ApiError> {
    let token = random_secret();
    let hash = secret_hash(&token);
    let now = now_seconds();
    let session = crate::store::NewSession {
        token_hash: &hash,
        user,
        now,
        expires_at: now + SESSION_DAYS * 24 * 3600,
        idle_seconds: start.idle_seconds,
        user_agent: start.user_agent,
    };
    store.start_session(&session, start.replaces).await?;
    Ok(token)
}

/// The `Set-Cookie` value that ends a session.
pub fn clearing_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The session token in a request's `Cookie` headers, if any.
pub fn session_token(headers: &http::HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// The value of the cookie `name` in a request's `Cookie` headers, if set and not empty.
pub fn cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

/// The language a request is answered in: the signed-in user's choice, else the language
/// cookie, else `Accept-Language` (see [`crate::i18n::choose_locale`]).
pub async fn request_locale(
    store: &Store,
    user: Option<&User>,
    headers: &http::HeaderMap,
) -> crate::i18n::Locale {
    let stored = match user {
        Some(user) => store.user_locale(user.id).await.ok().flatten(),
        None => None,
    };
    let chosen = cookie(headers, crate::i18n::LANGUAGE_COOKIE);
    // Nobody chose: the organisation's language comes before the browser's.
    let stored = match (stored, &chosen) {
        (None, None) => store.organisation_locale().await.ok().flatten(),
        (stored, _) => stored,
    };
    let accept = headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    crate::i18n::choose_locale(stored.as_deref(), chosen.as_deref(), accept)
}

/// The `Set-Cookie` value that keeps a language choice for a year.
pub fn language_cookie(locale: crate::i18n::Locale, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let name = crate::i18n::LANGUAGE_COOKIE;
    format!(
        "{name}={}; Path=/; SameSite=Lax; Max-Age=31536000{secure}",
        locale.tag()
    )
}

/// Seconds since the epoch.
pub fn now_seconds() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The signed-in user of a request, from its session cookie. A session used again after more
/// than a minute has its last use recorded (so its idle time starts over); within the minute
/// the look-up stays a read.
pub async fn user_from_headers(
    store: &Store,
    headers: &http::HeaderMap,
) -> Result<Option<User>, ApiError> {
    let Some(token) = session_token(headers) else {
        return Ok(None);
    };
    let hash = secret_hash(&token);
    let now = now_seconds();
    let Some((user, last_seen)) = store.live_session(&hash, now).await? else {
        return Ok(None);
    };
    if now - last_seen >= crate::store::LAST_SEEN_EVERY_SECONDS {
        store.touch_session(&hash, now).await?;
    }
    Ok(Some(user))
}

/// The effective role of `user` on `unit` (inherited down the tree), lowered to viewer when the
/// unit or one above it is archived: what every check of a change goes by.
pub async fn role_on(
    store: &Store,
    user: &User,
    unit: OrgUnitId,
) -> Result<Option<Role>, ApiError> {
    let (held, frozen) = held_role_on(store, user, unit).await?;
    Ok(within_archive(held, frozen))
}

/// A role held on a unit (inherited down the tree or none), and whether the unit is frozen (it
/// or a unit above it archived): what [`held_role_on`] reads and [`authorize_held`] judges.
pub type HeldRole = (Option<Role>, bool);

/// The role `user` holds on `unit` (inherited down the tree) whether or not it is archived, and
/// whether it is frozen (it or a unit above it archived). Only managing the unit itself
/// (bringing it back from the archive) goes by the held role.
pub async fn held_role_on(
    store: &Store,
    user: &User,
    unit: OrgUnitId,
) -> Result<HeldRole, ApiError> {
    let parents = store.unit_parents().await?;
    let grants = store.grants_of(user.id).await?;
    let archived = store.archived_units().await?;
    Ok((
        effective_role(user.id, unit, &parents, &grants),
        frozen(unit, &parents, &archived),
    ))
}

/// The one authorisation check: `user` may perform `action` on `unit`, or a clear 403 (saying
/// that the unit is archived when the held role would otherwise do).
pub async fn authorize(
    store: &Store,
    user: &User,
    unit: OrgUnitId,
    action: Action,
) -> Result<Role, ApiError> {
    let held = held_role_on(store, user, unit).await?;
    authorize_held(store, unit, action, held).await
}

/// [`authorize`] with the role already read ([`held_role_on`]'s answer): a page's render asks
/// several times for the same unit and reads the role once.
pub async fn authorize_held(
    store: &Store,
    unit: OrgUnitId,
    action: Action,
    (held, is_frozen): HeldRole,
) -> Result<Role, ApiError> {
    let role = within_archive(held, is_frozen);
    match role {
        Some(r) if r.allows(action) => Ok(r),
        _ => {
            let unit_name = store.org_unit(unit).await.ok().map(|u| u.name);
            if held.is_some_and(|r| r.allows(action)) {
                return Err(ApiError::Forbidden(Refusal::UnitArchived {
                    unit: unit_name.unwrap_or_default(),
                }));
            }
            Err(ApiError::Forbidden(Refusal::NeedRole {
                action,
                unit: unit_name,
                required: action.required_role(),
                yours: role,
            }))
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
    let access = Access::of_user(store, user).await?;
    authorize_data_for(store, &access, batch).await
}

/// [`authorize_data`] for any actor: a person or an API token.
pub async fn authorize_data_for(
    store: &Store,
    access: &Access,
    batch: &crate::domain::DataBatch,
) -> Result<(), ApiError> {
    let ids = batch.measure_ids();
    let scopes = store.measure_scopes(&ids).await?;
    let scope = |id: &MeasureId| {
        scopes
            .get(id)
            .ok_or_else(|| ApiError::NotFound(format!("measure {id}")))
    };
    let actuals = batch.actuals.iter().map(|a| a.measure_id);
    for id in actuals.chain(cleared(&batch.clear_actuals)) {
        forbid(access.actual_refusal(scope(&id)?))?;
    }
    let targets = batch.targets.iter().map(|t| t.measure_id);
    for id in targets.chain(cleared(&batch.clear_targets)) {
        forbid(access.target_refusal(scope(&id)?))?;
    }
    Ok(())
}

/// The measures of cells a batch clears.
fn cleared(cells: &[crate::domain::MeasurePeriod]) -> impl Iterator<Item = MeasureId> + '_ {
    cells.iter().map(|c| c.measure_id)
}

/// A refusal as a 403, or nothing.
fn forbid(refusal: Option<Refusal>) -> Result<(), ApiError> {
    refusal.map_or(Ok(()), |message| Err(ApiError::Forbidden(message)))
}

/// Who acts on a request.
#[derive(Clone, Debug, PartialEq)]
pub enum Actor {
    /// A signed-in person.
    User(UserId),
    /// A program holding an API token (the name is for messages).
    Token { id: ApiTokenId, name: String },
}

/// What an actor may do on each org unit, read once per request. A person's roles come from
/// their memberships; an API token acts as a contributor (read+write) or a viewer (read-only) on
/// the units of its scope and everything below them. The same inheritance rule serves both.
#[derive(Clone, Debug)]
pub struct Access {
    pub actor: Actor,
    parents: HashMap<OrgUnitId, Option<OrgUnitId>>,
    grants: Vec<(OrgUnitId, Role)>,
    /// The archived units: below them, every role counts as viewer.
    archived: HashSet<OrgUnitId>,
}

impl Access {
    /// A person's access, from their memberships.
    pub async fn of_user(store: &Store, user: &User) -> Result<Access, ApiError> {
        let grants = store
            .grants_of(user.id)
            .await?
            .into_iter()
            .map(|(_, unit, role)| (unit, role))
            .collect();
        Ok(Access {
            actor: Actor::User(user.id),
            parents: store.unit_parents().await?,
            grants,
            archived: store.archived_units().await?,
        })
    }

    /// A token's access, from its scopes.
    pub async fn of_token(store: &Store, token: &ApiToken) -> Result<Access, ApiError> {
        Ok(Access {
            actor: Actor::Token {
                id: token.id,
                name: token.name.clone(),
            },
            parents: store.unit_parents().await?,
            grants: token.units.iter().map(|u| (*u, token.role())).collect(),
            archived: store.archived_units().await?,
        })
    }

    /// The effective role on `unit` (inherited down the tree), if any; viewer at most on a
    /// frozen unit (it or one above it archived).
    pub fn role(&self, unit: OrgUnitId) -> Option<Role> {
        within_archive(self.held_role(unit), self.frozen(unit))
    }

    /// The role held on `unit` (inherited down the tree), archived or not.
    pub fn held_role(&self, unit: OrgUnitId) -> Option<Role> {
        inherited_role(unit, &self.parents, &self.grants)
    }

    /// Whether `unit` or a unit above it is archived.
    pub fn frozen(&self, unit: OrgUnitId) -> bool {
        frozen(unit, &self.parents, &self.archived)
    }

    /// The archive refusal for a change on `scope`'s measure, if its unit is frozen or its map
    /// archived: checked before roles, so the reason given is the archive.
    fn archive_refusal(&self, scope: &crate::store::MeasureScope) -> Option<Refusal> {
        if scope.map_archived {
            Some(Refusal::MapArchived {
                map: scope.map_name.clone(),
            })
        } else if self.frozen(scope.org_unit_id) && self.held_role(scope.org_unit_id).is_some() {
            Some(Refusal::UnitArchived {
                unit: scope.unit_name.clone(),
            })
        } else {
            None
        }
    }

    /// Whether `action` is allowed on `unit`.
    pub fn allows(&self, unit: OrgUnitId, action: Action) -> bool {
        self.role(unit).is_some_and(|r| r.allows(action))
    }

    /// Why the actor may not enter actuals of a measure, or `None` when it may.
    pub fn actual_refusal(&self, scope: &crate::store::MeasureScope) -> Option<Refusal> {
        if let Some(refusal) = self.archive_refusal(scope) {
            return Some(refusal);
        }
        let role = self.role(scope.org_unit_id);
        let measure = scope.name.clone();
        match &self.actor {
            Actor::User(user) => {
                let owner = scope.data_owner_id == Some(*user);
                (!crate::domain::role::may_enter_data(role, owner))
                    .then_some(Refusal::EnterDataFor { measure })
            }
            Actor::Token { name, .. } => match role {
                None => Some(Refusal::OutsideTokenScope {
                    measure,
                    token: name.clone(),
                }),
                Some(r) if !r.allows(Action::EnterData) => Some(Refusal::TokenReadOnly {
                    measure,
                    token: name.clone(),
                }),
                Some(_) => None,
            },
        }
    }

    /// Why the actor may not set targets of a measure, or `None` when it may (editors only;
    /// never a token).
    pub fn target_refusal(&self, scope: &crate::store::MeasureScope) -> Option<Refusal> {
        if let Some(refusal) = self.archive_refusal(scope) {
            return Some(refusal);
        }
        let measure = scope.name.clone();
        match &self.actor {
            Actor::User(_) if self.allows(scope.org_unit_id, Action::Edit) => None,
            Actor::User(_) => Some(Refusal::SetTargetsOf { measure }),
            Actor::Token { name, .. } => Some(Refusal::TokenSetsTargets {
                measure,
                token: name.clone(),
            }),
        }
    }
}

/// The prefix of every API token secret, so people and secret scanners recognise one.
pub const TOKEN_PREFIX: &str = "cairn_";

/// A fresh API token secret: the prefix and 256 random bits in hex.
pub fn new_token_secret() -> String {
    format!("{TOKEN_PREFIX}{}", random_secret())
}

/// Why a request carries no usable API token (each is a 401 with its own message).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenRefusal {
    #[error("Send an API token: Authorization: Bearer <token>.")]
    Missing,
    #[error("The Authorization header must read \"Bearer <token>\".")]
    Malformed,
    #[error("This API token is not known (check for a typo, or ask an admin for a new one).")]
    Unknown,
    #[error("This API token was revoked on {0}; ask an admin for a new one.")]
    Revoked(String),
    /// The person who created the token was deactivated: their tokens stop with them.
    #[error(
        "The account that created this API token was deactivated; ask an admin for a new one."
    )]
    CreatorDeactivated,
}

impl TokenRefusal {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: crate::i18n::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            TokenRefusal::Missing => td_string!(locale, errors.token.missing).to_string(),
            TokenRefusal::Malformed => td_string!(locale, errors.token.malformed).to_string(),
            TokenRefusal::Unknown => td_string!(locale, errors.token.unknown).to_string(),
            TokenRefusal::Revoked(date) => {
                td_string!(locale, errors.token.revoked, date).to_string()
            }
            TokenRefusal::CreatorDeactivated => {
                td_string!(locale, people.token_creator_deactivated).to_string()
            }
        }
    }
}

/// The bearer secret of a request's `Authorization` header.
pub fn bearer_secret(headers: &http::HeaderMap) -> Result<&str, TokenRefusal> {
    let value = headers
        .get(http::header::AUTHORIZATION)
        .ok_or(TokenRefusal::Missing)?
        .to_str()
        .map_err(|_| TokenRefusal::Malformed)?;
    let (scheme, secret) = value
        .trim()
        .split_once(' ')
        .ok_or(TokenRefusal::Malformed)?;
    let secret = secret.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || secret.is_empty() || secret.contains(' ') {
        return Err(TokenRefusal::Malformed);
    }
    Ok(secret)
}

/// The live API token of a request (its last use recorded), or why there is none. The outer
/// error is a store failure; the inner one a refusal to answer with 401.
pub async fn token_from_headers(
    store: &Store,
    headers: &http::HeaderMap,
) -> Result<Result<ApiToken, TokenRefusal>, ApiError> {
    let secret = match bearer_secret(headers) {
        Ok(s) => s,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(token) = store.api_token_by_hash(&secret_hash(secret)).await? else {
        return Ok(Err(TokenRefusal::Unknown));
    };
    if let Some(at) = &token.revoked_at {
        return Ok(Err(TokenRefusal::Revoked(at.chars().take(10).collect())));
    }
    if let Some(creator) = token.created_by {
        if store.is_deactivated(creator).await? {
            return Ok(Err(TokenRefusal::CreatorDeactivated));
        }
    }
    if store.touch_api_token(token.id).await? {
        store.record_token_use(token.id, &token.name).await?;
    }
    Ok(Ok(token))
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

    fn headers(authorization: &str) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        h.insert(http::header::AUTHORIZATION, authorization.parse().unwrap());
        h
    }

    #[test]
    fn bearer_secrets_are_read_strictly() {
        let secret = new_token_secret();
        assert!(secret.starts_with(TOKEN_PREFIX) && secret.len() == TOKEN_PREFIX.len() + 64);
        assert_eq!(
            bearer_secret(&headers(&format!("Bearer {secret}"))),
            Ok(secret.as_str())
        );
        assert_eq!(bearer_secret(&headers("bearer  abc ")), Ok("abc"));
        assert_eq!(
            bearer_secret(&http::HeaderMap::new()),
            Err(TokenRefusal::Missing)
        );
        for bad in ["Basic abc", "Bearer", "Bearer ", "Bearer a b", "abc"] {
            assert_eq!(
                bearer_secret(&headers(bad)),
                Err(TokenRefusal::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn tokens_act_as_viewers_or_contributors_on_their_subtree() {
        use crate::domain::MapId;
        use crate::store::MeasureScope;
        let (root, unit, other) = (OrgUnitId::new(), OrgUnitId::new(), OrgUnitId::new());
        let parents = HashMap::from([(root, None), (unit, Some(root)), (other, Some(root))]);
        let token = |can_write| Access {
            actor: Actor::Token {
                id: ApiTokenId::new(),
                name: "ERP".into(),
            },
            parents: parents.clone(),
            grants: vec![(
                unit,
                if can_write {
                    Role::Contributor
                } else {
                    Role::Viewer
                },
            )],
            archived: HashSet::new(),
        };
        let scope = |org_unit_id| MeasureScope {
            name: "Revenue".into(),
            map_id: MapId::new(),
            org_unit_id,
            data_owner_id: None,
            computed: false,
            map_name: "Plan".into(),
            unit_name: "Unit".into(),
            map_archived: false,
        };
        let writer = token(true);
        assert!(writer.allows(unit, Action::EnterData) && !writer.allows(unit, Action::Edit));
        assert!(!writer.allows(root, Action::View) && !writer.allows(other, Action::View));
        assert_eq!(writer.actual_refusal(&scope(unit)), None);
        assert!(writer
            .actual_refusal(&scope(other))
            .is_some_and(|m| m.to_string().contains("outside the scope")));
        assert!(
            writer.target_refusal(&scope(unit)).is_some(),
            "tokens never set targets"
        );
        let reader = token(false);
        assert!(reader.allows(unit, Action::View));
        assert!(reader
            .actual_refusal(&scope(unit))
            .is_some_and(|m| m.to_string().contains("read-only")));
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
