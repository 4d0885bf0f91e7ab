//! Signing in and out, and who is signed in.

use super::ApiError;
use crate::domain::User;
use leptos::prelude::*;

/// The signed-in user, or `None` for a visitor.
#[server(prefix = "/api", endpoint = "current_user", output = super::TextJson)]
pub async fn current_user() -> Result<Option<User>, ApiError> {
    ssr::reply(
        async move {
            match ssr::require_user().await {
                Ok((_, user)) => Ok(Some(user)),
                Err(ApiError::Unauthenticated) => Ok(None),
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

/// Checks email and password, starts a session cookie and sends the browser to `next` (or home).
#[server(prefix = "/api", endpoint = "sign_in", output = super::TextJson)]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            use crate::auth;
            let ctx = ssr::context()?;
            if email.trim().is_empty() || password.is_empty() {
                return Err(ApiError::BadInput("Enter your email and password.".into()));
            }
            let found = ctx.store.user_with_hash(&email).await?;
            let user = match found {
                Some((user, hash)) if auth::verify_password(&password, &hash) => user,
                _ => {
                    tracing::info!(email = %email.trim(), "failed sign-in");
                    return Err(ApiError::BadCredentials);
                }
            };
            let token = auth::random_secret();
            let expires = auth::now_seconds() + auth::SESSION_DAYS * 24 * 3600;
            ctx.store
                .create_session(&auth::secret_hash(&token), user.id, expires)
                .await?;
            let response = expect_context::<leptos_axum::ResponseOptions>();
            let cookie =
                http::HeaderValue::from_str(&auth::session_cookie(&token, ctx.secure_cookies))
                    .map_err(ApiError::internal)?;
            response.append_header(http::header::SET_COOKIE, cookie);
            tracing::info!(user = %user.email, "signed in");
            leptos_axum::redirect(&safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

/// Ends the session and clears the cookie.
#[server(prefix = "/api", endpoint = "sign_out", output = super::TextJson)]
pub async fn sign_out() -> Result<(), ApiError> {
    ssr::reply(
        async move {
            use crate::auth;
            let ctx = ssr::context()?;
            if let Some(parts) = use_context::<http::request::Parts>() {
                if let Some(token) = auth::session_token(&parts.headers) {
                    ctx.store.delete_session(&auth::secret_hash(&token)).await?;
                }
            }
            let response = expect_context::<leptos_axum::ResponseOptions>();
            let cookie = http::HeaderValue::from_str(&auth::clearing_cookie())
                .map_err(ApiError::internal)?;
            response.append_header(http::header::SET_COOKIE, cookie);
            leptos_axum::redirect("/signin");
            Ok(())
        }
        .await,
    )
}

/// Only same-site paths may be a redirect target (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(feature = "ssr")]
use super::ssr;

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(super::safe_next(Some("/maps/1")), "/maps/1");
        assert_eq!(super::safe_next(Some("//evil.example")), "/");
        assert_eq!(super::safe_next(Some("https://evil.example")), "/");
        assert_eq!(super::safe_next(None), "/");
    }
}
