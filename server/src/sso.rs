//! Single sign-on through the organisation's OpenID Connect provider: the Authorization Code
//! flow with PKCE. `/auth/oidc/start` sends the browser to the provider; the provider sends it
//! back to `/auth/oidc/callback` with a code, which Cairn exchanges (with its client secret and
//! the PKCE verifier) for an ID token whose signature, issuer, audience and nonce are checked.
//! The verified email then picks the Cairn user ([`app::domain::sso::decide`]), and a session
//! starts exactly as after a password sign-in.
//!
//! What a started sign-in must remember (state, nonce, PKCE verifier, where to go next) is kept
//! in the database, so the answer may reach any instance, and each state is answered once. A
//! short-lived cookie ties it to the browser that started it: a code someone else obtained
//! cannot sign a victim in as them (login CSRF). Every sign-in, and every refusal, is audited.

use crate::config::OidcConfig;
use crate::AppState;
use app::auth;
use app::domain::people::Account;
use app::domain::sso::{decide, verified_email, Decision, Identity, SsoRefusal};
use app::domain::{OrgUnitId, User, UserId};
use app::store::{OidcLogin, Store, StoreError};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadataWithLogout,
    RedirectUrl, RequestTokenError, Scope, TokenResponse,
};
use serde::Deserialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The cookie that ties a started sign-in to the browser that started it.
pub const BROWSER_COOKIE: &str = "cairn_oidc";
/// Seconds the provider may take to send the browser back.
pub const LOGIN_SECONDS: i64 = 600;
/// How long the provider's discovered metadata (endpoints, signing keys) is used before it is
/// read again.
pub const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// How long one request to the provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest query parameter taken from the provider's answer.
const MAX_PARAM: usize = 4096;

/// The client, once the provider's endpoints are known.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The provider as discovered, and when.
struct Provider {
    client: Client,
    fetched: Instant,
}

/// Single sign-on: its settings, the HTTP client that talks to the provider, and the provider's
/// metadata once discovered (on first use, then again after [`DISCOVERY_TTL`]).
pub struct Sso {
    config: OidcConfig,
    http: openidconnect::reqwest::Client,
    provider: tokio::sync::Mutex<Option<Arc<Provider>>>,
}

impl Sso {
    /// Single sign-on with these settings. Nothing is fetched yet: a provider that is down at
    /// start-up does not stop Cairn (password sign-in still works, if on).
    pub fn new(config: OidcConfig) -> Result<Sso, String> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would let a provider's answer send Cairn anywhere (SSRF).
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot make the HTTP client for single sign-on: {e}"))?;
        Ok(Sso {
            config,
            http,
            provider: tokio::sync::Mutex::new(None),
        })
    }

    /// The settings.
    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    /// The provider's client: discovered now, or from the last discovery while it is fresh.
    async fn provider(&self) -> Result<Arc<Provider>, String> {
        let mut cached = self.provider.lock().await;
        if let Some(provider) = cached.as_ref() {
            if provider.fetched.elapsed() < DISCOVERY_TTL {
                return Ok(provider.clone());
            }
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|e| e.to_string())?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| format!("discovery at {} failed: {e}", self.config.issuer))?;
        let redirect =
            RedirectUrl::new(self.config.redirect_url.clone()).map_err(|e| e.to_string())?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect);
        let provider = Arc::new(Provider {
            client,
            fetched: Instant::now(),
        });
        *cached = Some(provider.clone());
        Ok(provider)
    }

    /// Drops the discovered metadata, so the next sign-in reads it again (after an ID token
    /// that did not verify: the provider may have rotated its keys).
    async fn forget_provider(&self) {
        *self.provider.lock().await = None;
    }
}

/// `/auth/oidc/start`'s query.
#[derive(Debug, Deserialize)]
pub struct StartQuery {
    /// Where to go once signed in (only a path on this site is followed).
    next: Option<String>,
}

/// `/auth/oidc/start?next=…`: remembers a new sign-in and sends the browser to the provider.
pub async fn start(State(state): State<AppState>, Query(query): Query<StartQuery>) -> Response {
    let Some(sso) = state.sso.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let next = app::api::safe_next(query.next.as_deref());
    let provider = match sso.provider().await {
        Ok(provider) => provider,
        Err(e) => {
            tracing::warn!("single sign-on cannot start: {e}");
            return back_to_sign_in(SsoRefusal::Unavailable, &next);
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = provider
        .client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let browser = auth::random_secret();
    let now = auth::now_seconds();
    let login = OidcLogin {
        state_hash: auth::secret_hash(csrf.secret()),
        browser_hash: auth::secret_hash(&browser),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next_path: next.clone(),
        expires_at: now + LOGIN_SECONDS,
    };
    if let Err(e) = state.store.start_oidc_login(&login, now).await {
        tracing::error!("single sign-on cannot start: {e}");
        return back_to_sign_in(SsoRefusal::Failed, &next);
    }
    let mut response = Redirect::to(url.as_str()).into_response();
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{BROWSER_COOKIE}={browser}; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age={LOGIN_SECONDS}{secure}"
    );
    add_cookie(&mut response, &cookie);
    response
}

/// `/auth/oidc/callback`'s query: the provider's answer.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    /// The issuer, from providers that name it (RFC 9207): it must be ours.
    iss: Option<String>,
}

/// A refused sign-in: why (for the person), and what the log and the audit history keep.
struct Refused {
    refusal: SsoRefusal,
    next: String,
    user: Option<UserId>,
    subject: String,
    detail: String,
}

impl Refused {
    fn new(refusal: SsoRefusal, next: &str, detail: impl Into<String>) -> Refused {
        Refused {
            refusal,
            next: next.to_string(),
            user: None,
            subject: "-".into(),
            detail: detail.into(),
        }
    }

    fn about(mut self, user: Option<UserId>, subject: &str) -> Refused {
        self.user = user;
        self.subject = subject.to_string();
        self
    }
}

/// A signed-in person: who, the session cookie, and where they go.
struct SignedIn {
    user: User,
    cookie: String,
    next: String,
}

/// `/auth/oidc/callback?code=…&state=…`: checks the provider's answer, signs the person in and
/// sends them to where they were going; a refusal goes back to the sign-in page, which says
/// why in the reader's language.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(answer): Query<CallbackQuery>,
) -> Response {
    let Some(sso) = state.sso.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = match sign_in(&state, &sso, &headers, answer).await {
        Ok(signed_in) => {
            let detail = format!("single sign-on through {}", sso.config.issuer);
            if let Err(e) = state
                .store
                .audit_sso(
                    Some(signed_in.user.id),
                    "sign_in",
                    &signed_in.user.id.to_string(),
                    &detail,
                )
                .await
            {
                tracing::error!("could not audit a single sign-on: {e}");
            }
            tracing::info!(user = %signed_in.user.email, "signed in through single sign-on");
            let mut response = Redirect::to(&signed_in.next).into_response();
            add_cookie(&mut response, &signed_in.cookie);
            response
        }
        Err(refused) => {
            tracing::info!(
                reason = refused.refusal.code(),
                subject = %refused.subject,
                "single sign-on refused: {}",
                refused.detail
            );
            let detail = format!("single sign-on refused: {}", refused.detail);
            if let Err(e) = state
                .store
                .audit_sso(refused.user, "sign_in_refused", &refused.subject, &detail)
                .await
            {
                tracing::error!("could not audit a refused single sign-on: {e}");
            }
            back_to_sign_in(refused.refusal, &refused.next)
        }
    };
    add_cookie(
        &mut response,
        &format!("{BROWSER_COOKIE}=; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    response
}

/// Checks the answer step by step; the first thing that does not hold refuses the sign-in.
async fn sign_in(
    state: &AppState,
    sso: &Sso,
    headers: &HeaderMap,
    answer: CallbackQuery,
) -> Result<SignedIn, Refused> {
    let store = &state.store;
    let home = "/";
    let params = [
        &answer.code,
        &answer.state,
        &answer.error,
        &answer.error_description,
        &answer.iss,
    ];
    if params
        .iter()
        .any(|p| p.as_ref().is_some_and(|v| v.len() > MAX_PARAM))
    {
        return Err(Refused::new(SsoRefusal::State, home, "oversized answer"));
    }
    let Some(state_param) = answer.state else {
        return Err(Refused::new(
            SsoRefusal::State,
            home,
            "answer without state",
        ));
    };
    let now = auth::now_seconds();
    let login = store
        .take_oidc_login(&auth::secret_hash(&state_param), now)
        .await
        .map_err(|e| Refused::new(SsoRefusal::Failed, home, e.to_string()))?
        .ok_or_else(|| Refused::new(SsoRefusal::State, home, "unknown, used or expired state"))?;
    let next = login.next_path.as_str();
    let same_browser = auth::cookie(headers, BROWSER_COOKIE)
        .is_some_and(|value| auth::secret_hash(&value) == login.browser_hash);
    if !same_browser {
        let detail = "the answer came to another browser than the one that started";
        return Err(Refused::new(SsoRefusal::State, next, detail));
    }
    if let Some(error) = answer.error {
        let description = answer.error_description.unwrap_or_default();
        let detail = format!("the provider answered {error} {description}");
        return Err(Refused::new(SsoRefusal::Provider, next, detail.trim_end()));
    }
    if answer
        .iss
        .as_ref()
        .is_some_and(|iss| *iss != sso.config.issuer)
    {
        let detail = "the answer names another issuer";
        return Err(Refused::new(SsoRefusal::Provider, next, detail));
    }
    let Some(code) = answer.code else {
        return Err(Refused::new(
            SsoRefusal::Provider,
            next,
            "answer without code",
        ));
    };
    let provider = sso
        .provider()
        .await
        .map_err(|e| Refused::new(SsoRefusal::Unavailable, next, e))?;
    let exchange = provider
        .client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| Refused::new(SsoRefusal::Unavailable, next, e.to_string()))?;
    let tokens = exchange
        .set_pkce_verifier(PkceCodeVerifier::new(login.pkce_verifier.clone()))
        .request_async(&sso.http)
        .await
        .map_err(|e| {
            let refusal = match e {
                RequestTokenError::ServerResponse(_) => SsoRefusal::Provider,
                _ => SsoRefusal::Unavailable,
            };
            Refused::new(refusal, next, format!("the code exchange failed: {e}"))
        })?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| Refused::new(SsoRefusal::Provider, next, "the provider sent no ID token"))?;
    let verifier = provider.client.id_token_verifier();
    let claims = match id_token.claims(&verifier, &Nonce::new(login.nonce.clone())) {
        Ok(claims) => claims,
        Err(e) => {
            sso.forget_provider().await;
            let detail = format!("the ID token does not verify: {e}");
            return Err(Refused::new(SsoRefusal::Provider, next, detail));
        }
    };
    let identity = Identity {
        email: claims.email().map(|e| e.as_str().to_string()),
        email_verified: claims.email_verified(),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_string()),
    };
    let subject = identity.email.clone().unwrap_or_else(|| "-".into());
    let failed = |e: StoreError| Refused::new(SsoRefusal::Failed, next, e.to_string());
    let existing = match verified_email(&identity) {
        Ok(email) => store.account_by_email(&email).await.map_err(failed)?,
        Err(refusal) => {
            let detail = format!("{subject} is not a verified email");
            return Err(Refused::new(refusal, next, detail).about(None, &subject));
        }
    };
    let decision = decide(
        &identity,
        existing.as_ref().map(|a| (a.id, a.status)),
        sso.config.create_users,
    )
    .map_err(|refusal| {
        let detail = format!("{subject}: {}", refusal.text(app::i18n::Locale::en));
        Refused::new(refusal, next, detail).about(None, &subject)
    })?;
    let as_user = |a: Account| User {
        id: a.id,
        email: a.email,
        name: a.name,
    };
    let user = match (decision, existing) {
        (Decision::Existing(_), Some(account)) => as_user(account),
        (Decision::Join(_), Some(account)) => {
            store.join_by_sso(account.id).await.map_err(failed)?;
            as_user(account)
        }
        (Decision::Create { email, name }, _) => create_user(store, sso, email, name, next).await?,
        (_, None) => {
            return Err(Refused::new(SsoRefusal::Failed, next, "user vanished"));
        }
    };
    // The session this browser had before (if any) ends with it: one browser, one fresh session.
    let previous = auth::session_token(headers).map(|t| auth::secret_hash(&t));
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let start = auth::SessionStart {
        idle_seconds: state.session_idle,
        user_agent,
        replaces: previous.as_deref(),
    };
    let token = auth::start_session(store, user.id, &start)
        .await
        .map_err(|e| Refused::new(SsoRefusal::Failed, next, e.to_string()))?;
    let cookie = auth::session_cookie(&token, state.secure_cookies);
    Ok(SignedIn {
        user,
        cookie,
        next: next.to_string(),
    })
}

/// Creates the person with the configured role on the configured unit.
async fn create_user(
    store: &Store,
    sso: &Sso,
    email: String,
    name: String,
    next: &str,
) -> Result<User, Refused> {
    let failed = |e: StoreError| Refused::new(SsoRefusal::Failed, next, e.to_string());
    let wanted = sso.config.default_unit.as_deref().unwrap_or_default();
    let Some(unit) = default_unit(store, wanted).await.map_err(failed)? else {
        let detail = format!("CAIRN_OIDC_DEFAULT_UNIT \"{wanted}\" names no org unit");
        tracing::error!("single sign-on cannot create {email}: {detail}");
        return Err(Refused::new(SsoRefusal::Setup, next, detail).about(None, &email));
    };
    let user = User {
        id: UserId::new(),
        email,
        name,
    };
    match store
        .create_sso_user(&user, unit, sso.config.default_role)
        .await
    {
        Ok(()) => Ok(user),
        // Created a moment ago by a sign-in on another tab or instance.
        Err(StoreError::Conflict(_)) => match store.user_with_hash(&user.email).await {
            Ok(Some((existing, _))) => Ok(existing),
            Ok(None) => Err(Refused::new(SsoRefusal::Failed, next, "conflict")),
            Err(e) => Err(failed(e)),
        },
        Err(e) => Err(failed(e).about(None, &user.email)),
    }
}

/// The org unit `wanted` names: its id, else its exact name (case-insensitive).
async fn default_unit(store: &Store, wanted: &str) -> Result<Option<OrgUnitId>, StoreError> {
    let units = store.org_units().await?;
    let wanted = wanted.trim();
    let by_id = wanted.parse::<OrgUnitId>().ok();
    Ok(units
        .iter()
        .find(|u| Some(u.id) == by_id)
        .or_else(|| {
            units
                .iter()
                .find(|u| u.name.trim().eq_ignore_ascii_case(wanted))
        })
        .map(|u| u.id))
}

/// Back to the sign-in page, which says why (`?error=sso_…`) and keeps `next`.
fn back_to_sign_in(refusal: SsoRefusal, next: &str) -> Response {
    Redirect::to(&app::api::sign_in_address(next, Some(refusal.code()))).into_response()
}

/// Appends a `Set-Cookie` header (a value that does not fit a header is dropped and logged).
fn add_cookie(response: &mut Response, cookie: &str) {
    match HeaderValue::from_str(cookie) {
        Ok(value) => {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        Err(e) => tracing::error!("unusable cookie: {e}"),
    }
}
