//! Signing in and out, and who is signed in.

use super::ApiError;
use crate::domain::Person;
use leptos::prelude::*;

/// The signed-in user (by name: every page carries it, and no page shows the email), or `None`
/// for a visitor.
#[server(prefix = "/api", endpoint = "current_user", output = super::TextJson)]
pub async fn current_user() -> Result<Option<Person>, ApiError> {
    ssr::reply(
        async move {
            match ssr::require_user().await {
                Ok((_, user)) => Ok(Some(user.person())),
                Err(ApiError::Unauthenticated) => Ok(None),
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

/// How people sign in here: with a password, through the organisation's identity provider
/// (single sign-on), or both. The sign-in page shows what is on.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignInSettings {
    /// Email and password (`CAIRN_PASSWORD_SIGNIN`, on by default).
    pub password: bool,
    /// Single sign-on is configured (`CAIRN_OIDC_ISSUER`).
    pub sso: bool,
    /// The single sign-on button's words (`CAIRN_OIDC_LABEL`); `None` for the catalogue's.
    pub sso_label: Option<String>,
}

/// The address that starts single sign-on and comes back to the local path `next`.
pub fn sso_start_address(next: &str) -> String {
    let encoded = sign_in_address(next, None);
    let next = encoded.trim_start_matches("/signin?");
    format!("/auth/oidc/start?{next}")
}

/// How people sign in here (anyone may ask: the sign-in page needs it before signing in).
#[server(prefix = "/api", endpoint = "sign_in_methods", output = super::TextJson)]
pub async fn sign_in_methods() -> Result<SignInSettings, ApiError> {
    ssr::reply(ssr::context().map(|ctx| ctx.sign_in))
}

/// Checks email and password, starts a session cookie and sends the browser to `next` (or home).
#[server(prefix = "/api", endpoint = "sign_in", output = super::TextJson)]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), ApiError> {
    let back_to = next.clone();
    let outcome = ssr::reply(
        async move {
            use crate::auth;
            let ctx = ssr::context()?;
            if !ctx.sign_in.password {
                return Err(ApiError::Forbidden(super::Refusal::PasswordSignInOff));
            }
            if email.trim().is_empty() || password.is_empty() {
                return Err(ApiError::BadInput(super::Refusal::EnterEmailAndPassword));
            }
            let parts = use_context::<http::request::Parts>();
            let address = parts
                .as_ref()
                .map(|p| ctx.sign_in_throttle.client_address(p))
                .unwrap_or_else(|| "unknown".into());
            if let Err(seconds) = ctx.sign_in_throttle.attempt(&email, &address) {
                tracing::info!(address = %address, "sign-in throttled");
                ssr::retry_after(seconds);
                return Err(ApiError::TooManyAttempts { seconds });
            }
            let found = ctx.store.user_with_hash(&email).await?;
            let found_id = found.as_ref().map(|(u, _)| u.id);
            let (user, hash) = match found {
                Some((user, hash)) => (Some(user), Some(hash)),
                None => (None, None),
            };
            let right = auth::verify_password_off_thread(password, hash).await?;
            let user = match user {
                Some(user) if right => user,
                _ => {
                    ctx.store
                        .record_sign_in(found_id, &email, false)
                        .await?;
                    tracing::info!(address = %address, "failed sign-in");
                    if ctx.sign_in_throttle.failed(&email, &address).is_some() {
                        tracing::warn!(address = %address, "sign-ins throttled after repeated failures");
                    }
                    return Err(ApiError::BadCredentials);
                }
            };
            // Only told after the right password, so it reveals nothing to a guesser.
            if ctx.store.is_deactivated(user.id).await? {
                tracing::info!(user = %user.email, "refused sign-in: deactivated");
                return Err(ApiError::Forbidden(super::Refusal::People(
                    crate::domain::people::PeopleError::AccountDeactivated,
                )));
            }
            let previous = parts
                .as_ref()
                .and_then(|p| auth::session_token(&p.headers))
                .map(|t| auth::secret_hash(&t));
            let token = ssr::start_session(&ctx, user.id, previous.as_deref()).await?;
            let cookie = auth::session_cookie(&token, ctx.secure_cookies);
            let response = expect_context::<leptos_axum::ResponseOptions>();
            let cookie = http::HeaderValue::from_str(&cookie).map_err(ApiError::internal)?;
            response.append_header(http::header::SET_COOKIE, cookie);
            ctx.store.record_sign_in(Some(user.id), "", true).await?;
            tracing::info!(user = %user.email, "signed in");
            leptos_axum::redirect(&safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    );
    if let Err(e) = &outcome {
        back_to_sign_in_form(e, back_to.as_deref());
    }
    outcome
}

/// A refused sign-in sent by the page's plain form (the sign-in page works without the browser
/// bundle) goes back to the form with why in its address (`?error=credentials`), so the page
/// can say it; a script's request gets the error itself.
#[cfg(feature = "ssr")]
fn back_to_sign_in_form(error: &ApiError, next: Option<&str>) {
    let plain_form = use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    });
    if !plain_form {
        return;
    }
    if let ApiError::TooManyAttempts { seconds } = error {
        let address = sign_in_address(&safe_next(next), Some("throttled"));
        leptos_axum::redirect(&format!("{address}&wait={seconds}"));
        return;
    }
    let reason = match error {
        ApiError::BadCredentials => "credentials",
        ApiError::Forbidden(super::Refusal::PasswordSignInOff) => "password_off",
        ApiError::BadInput(_) => "missing",
        ApiError::Forbidden(super::Refusal::People(_)) => "deactivated",
        _ => "failed",
    };
    leptos_axum::redirect(&sign_in_address(&safe_next(next), Some(reason)));
}

/// The sign-in page's address that comes back to the local path `next` after signing in, with
/// why the last attempt failed (`error`) if it did.
pub fn sign_in_address(next: &str, error: Option<&str>) -> String {
    let next: String = next
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    match error {
        Some(reason) => format!("/signin?error={reason}&next={next}"),
        None => format!("/signin?next={next}"),
    }
}

/// Ends the session and clears the cookie; the session's open sockets (on every instance) are
/// told and closed.
#[server(prefix = "/api", endpoint = "sign_out", output = super::TextJson)]
pub async fn sign_out() -> Result<(), ApiError> {
    ssr::reply(
        async move {
            use crate::auth;
            let ctx = ssr::context()?;
            if let Some(parts) = use_context::<http::request::Parts>() {
                if let Some(token) = auth::session_token(&parts.headers) {
                    let hash = auth::secret_hash(&token);
                    let user = ctx.store.session_user(&hash, auth::now_seconds()).await?;
                    ctx.store.delete_session(&hash).await?;
                    if let Some(user) = user {
                        ctx.access.access_changed(user.id).await;
                    }
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

/// Chooses the language Cairn speaks: kept with the signed-in user (so it follows them to every
/// device) and in a cookie (so the sign-in page speaks it too), then sends the browser back to
/// `next`. An empty `lang` returns to following the browser's `Accept-Language`.
#[server(prefix = "/api", endpoint = "set_language", output = super::TextJson)]
pub async fn set_language(lang: String, next: Option<String>) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            use crate::{auth, i18n, i18n::Locale};
            let ctx = ssr::context()?;
            let choice = match lang.trim() {
                "" => None,
                tag => Some(i18n::parse_locale(tag).ok_or_else(|| {
                    ApiError::Invalid(crate::domain::ValidationError::UnknownLanguage(
                        tag.chars().take(20).collect(),
                    ))
                })?),
            };
            match ssr::require_user().await {
                Ok((_, user)) => {
                    ctx.store
                        .set_user_locale(user.id, choice.map(Locale::tag))
                        .await?
                }
                Err(ApiError::Unauthenticated) => {}
                Err(e) => return Err(e),
            }
            let response = expect_context::<leptos_axum::ResponseOptions>();
            let cookie = match choice {
                Some(locale) => auth::language_cookie(locale, ctx.secure_cookies),
                None => format!(
                    "{}=; Path=/; SameSite=Lax; Max-Age=0",
                    i18n::LANGUAGE_COOKIE
                ),
            };
            let cookie = http::HeaderValue::from_str(&cookie).map_err(ApiError::internal)?;
            response.append_header(http::header::SET_COOKIE, cookie);
            leptos_axum::redirect(&safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

/// The longest `next` path followed after signing in; longer ones send the browser home.
pub const MAX_NEXT_LEN: usize = 2048;

/// Where the browser goes after signing in: `next` when it is a path on this site, home (`/`)
/// otherwise, so a crafted sign-in link cannot send anyone to another site (no open redirect).
/// The result is plain ASCII, safe for a `Location` header.
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(local_path).unwrap_or_else(|| "/".to_string())
}

/// `candidate` as a path on this site, or `None`. Browsers read `//host`, `/\host` and, since
/// they drop tabs and line breaks from addresses, `/<tab>/host` as another site, and treat any
/// `scheme:` as one; so the path must start with one `/` followed by neither `/` nor `\`, and
/// hold no whitespace, control character or backslash anywhere. Non-ASCII characters are
/// percent-encoded (the browser reads them back as they were).
fn local_path(candidate: &str) -> Option<String> {
    if candidate.len() > MAX_NEXT_LEN {
        return None;
    }
    let mut chars = candidate.chars();
    if chars.next() != Some('/') || matches!(chars.next(), Some('/') | Some('\\')) {
        return None;
    }
    if candidate
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return None;
    }
    let mut path = String::with_capacity(candidate.len());
    for c in candidate.chars() {
        if c.is_ascii() {
            path.push(c);
        } else {
            let mut utf8 = [0u8; 4];
            for b in c.encode_utf8(&mut utf8).bytes() {
                path.push_str(&format!("%{b:02X}"));
            }
        }
    }
    Some(path)
}

#[cfg(feature = "ssr")]
use super::ssr;

#[cfg(test)]
mod tests {
    use super::{safe_next, sign_in_address};

    #[test]
    fn the_sign_in_address_carries_next_encoded() {
        assert_eq!(
            sign_in_address("/maps/1?x=a b", None),
            "/signin?next=/maps/1%3Fx%3Da%20b"
        );
        assert_eq!(
            sign_in_address("/", Some("credentials")),
            "/signin?error=credentials&next=/"
        );
    }

    #[test]
    fn local_paths_are_followed() {
        assert_eq!(safe_next(Some("/maps/1")), "/maps/1");
        assert_eq!(
            safe_next(Some("/maps/1?year=2026#top")),
            "/maps/1?year=2026#top"
        );
        assert_eq!(safe_next(Some("/")), "/");
        // Still encoded: the browser does not decode these into a host.
        assert_eq!(safe_next(Some("/%09/evil.example")), "/%09/evil.example");
        assert_eq!(safe_next(Some("/%2F/evil.example")), "/%2F/evil.example");
    }

    #[test]
    fn other_sites_and_schemes_send_home() {
        for bad in [
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/maps/1\r\nSet-Cookie: x=1",
            "/maps\\..\\x",
            "https://evil.example",
            "http:evil.example",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,hi",
            " /maps/1",
            "/maps/1 x",
            "/\u{0}x",
            "/\u{7f}x",
            "/\u{85}x",
            "/\u{2028}x",
            "maps/1",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
        let long = format!("/{}", "a".repeat(super::MAX_NEXT_LEN));
        assert_eq!(safe_next(Some(&long)), "/");
    }

    #[test]
    fn non_ascii_is_percent_encoded() {
        assert_eq!(safe_next(Some("/maps/é")), "/maps/%C3%A9");
        let out = safe_next(Some("/übersicht?q=ü"));
        assert!(
            out.is_ascii() && http::HeaderValue::from_str(&out).is_ok(),
            "{out}"
        );
    }
}
