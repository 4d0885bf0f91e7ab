//! The signed-in person's own account: their profile, name, password and sessions.

use super::ApiError;
use crate::domain::Profile;
use leptos::prelude::*;

/// An account form's problem as the error sent back.
#[cfg(feature = "ssr")]
pub(crate) fn account_error(problem: crate::domain::account::AccountProblem) -> ApiError {
    use crate::domain::account::AccountProblem;
    match problem {
        AccountProblem::Invalid(e) => ApiError::Invalid(e),
        AccountProblem::PasswordsDiffer => ApiError::BadInput(super::Refusal::PasswordsDiffer),
    }
}

/// The hash of this request's session token, if it has one.
#[cfg(feature = "ssr")]
fn this_session() -> Option<String> {
    use_context::<http::request::Parts>()
        .and_then(|p| crate::auth::session_token(&p.headers))
        .map(|t| crate::auth::secret_hash(&t))
}

/// The signed-in person's profile: name, email, language and live sessions (this one marked).
#[server(prefix = "/api", endpoint = "my_profile", output = super::TextJson)]
pub async fn my_profile() -> Result<Profile, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let current = this_session();
            let mut sessions = ctx
                .store
                .sessions_of(user.id, crate::auth::now_seconds())
                .await?;
            for s in &mut sessions {
                s.current = current.as_deref() == Some(s.id.as_str());
            }
            Ok(Profile {
                name: user.name,
                email: user.email,
                language: ctx.store.user_locale(user.id).await?,
                sessions,
            })
        }
        .await,
    )
}

/// Renames the signed-in person.
#[server(prefix = "/api", endpoint = "set_my_name", output = super::TextJson)]
pub async fn set_my_name(name: String) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            ctx.store.set_user_name(user.id, &name).await?;
            Ok(())
        }
        .await,
    )
}

/// Changes the signed-in person's password: the current one is required (and guesses at it are
/// throttled like sign-ins). Every other session of theirs ends, and this one gets a new token.
#[server(prefix = "/api", endpoint = "change_password", output = super::TextJson)]
pub async fn change_password(
    current: String,
    password: String,
    confirm: String,
) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            use crate::auth;
            let (ctx, user) = ssr::require_user().await?;
            // Guesses at the current password (from a session left open) are throttled.
            let key = format!("change-password:{}", user.id);
            if let Some(seconds) = ctx.sign_in_throttle.key_blocked(&key) {
                ssr::retry_after(seconds);
                return Err(ApiError::TooManyAttempts { seconds });
            }
            let stored = ctx.store.password_hash(user.id).await?;
            if !auth::verify_password_off_thread(current, Some(stored)).await? {
                ctx.sign_in_throttle.key_failed(&key);
                return Err(ApiError::BadInput(super::Refusal::WrongCurrentPassword));
            }
            crate::domain::account::new_password(&password, &confirm).map_err(account_error)?;
            let hash = auth::hash_password_off_thread(password).await?;
            let token = auth::random_secret();
            let token_hash = auth::secret_hash(&token);
            let agent = ssr::user_agent();
            let now = auth::now_seconds();
            let session = crate::store::NewSession {
                token_hash: &token_hash,
                user: user.id,
                now,
                expires_at: now + auth::SESSION_DAYS * 24 * 3600,
                idle_seconds: ctx.session_idle,
                user_agent: agent.as_deref(),
            };
            ctx.store.change_password(user.id, &hash, &session).await?;
            // The ended sessions' open sockets close at once.
            ctx.access.access_changed(user.id).await;
            let response = expect_context::<leptos_axum::ResponseOptions>();
            let cookie =
                http::HeaderValue::from_str(&auth::session_cookie(&token, ctx.secure_cookies))
                    .map_err(ApiError::internal)?;
            response.append_header(http::header::SET_COOKIE, cookie);
            tracing::info!(user = %user.email, "password changed; other sessions ended");
            Ok(())
        }
        .await,
    )
}

/// Ends one of the signed-in person's sessions (`id` as the profile lists it); ending this one
/// signs out here too.
#[server(prefix = "/api", endpoint = "end_session", output = super::TextJson)]
pub async fn end_session(id: String) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            if id.len() > 128 {
                return Err(ApiError::NotFound("session".into()));
            }
            ctx.store.delete_session_of(user.id, &id).await?;
            ctx.access.access_changed(user.id).await;
            if this_session().as_deref() == Some(id.as_str()) {
                let response = expect_context::<leptos_axum::ResponseOptions>();
                let cookie = http::HeaderValue::from_str(&crate::auth::clearing_cookie())
                    .map_err(ApiError::internal)?;
                response.append_header(http::header::SET_COOKIE, cookie);
            }
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
use super::ssr;
