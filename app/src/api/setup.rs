//! The first run: with no admin in the database, `/setup` names the organisation and creates
//! its first admin, who is then signed in. Refused once an admin exists.

use super::ApiError;
use leptos::prelude::*;

/// Whether the installation still waits for its first-run set-up (no admin yet).
#[server(prefix = "/api", endpoint = "needs_setup", output = super::TextJson)]
pub async fn needs_setup() -> Result<bool, ApiError> {
    ssr::reply(
        async move {
            let ctx = ssr::context()?;
            Ok(!ctx.store.has_admin().await?)
        }
        .await,
    )
}

/// Whether this database is the demo company (every page then says so).
#[server(prefix = "/api", endpoint = "is_demo", output = super::TextJson)]
pub async fn is_demo() -> Result<bool, ApiError> {
    ssr::reply(
        async move {
            let ctx = ssr::context()?;
            Ok(ctx.store.is_demo().await?)
        }
        .await,
    )
}

/// Creates the organisation (its root unit, with its currency and language) and its first
/// admin in one transaction, signs the admin in and sends the browser home. Refused (403) once
/// an admin exists, also when another set-up got there first.
#[server(prefix = "/api", endpoint = "set_up", output = super::TextJson)]
#[allow(clippy::too_many_arguments)]
pub async fn set_up(
    organisation: String,
    currency: String,
    language: String,
    name: String,
    email: String,
    password: String,
    confirm: String,
) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            use crate::auth;
            use crate::domain::account::{currency_code, Setup};
            use crate::domain::{User, UserId};
            use crate::store::{FirstRun, SetupError};
            let ctx = ssr::context()?;
            if ctx.store.has_admin().await? {
                return Err(ApiError::Forbidden(super::Refusal::AlreadySetUp));
            }
            let form = Setup {
                organisation,
                currency,
                language,
                name,
                email,
                password,
                confirm,
            };
            form.validate().map_err(super::profile::account_error)?;
            let currency = currency_code(&form.currency).map_err(ApiError::Invalid)?;
            let hash = auth::hash_password_off_thread(form.password.clone()).await?;
            let admin = User {
                id: UserId::new(),
                email: form.email.trim().to_string(),
                name: form.name.trim().to_string(),
            };
            let run = FirstRun {
                organisation: &form.organisation,
                currency: &currency,
                language: form.language.trim(),
                admin: &admin,
                password_hash: &hash,
            };
            match ctx.store.first_run(&run).await {
                Ok(()) => {}
                Err(SetupError::AlreadySetUp) => {
                    return Err(ApiError::Forbidden(super::Refusal::AlreadySetUp))
                }
                Err(SetupError::Store(e)) => return Err(e.into()),
            }
            tracing::info!(admin = %admin.email, "first-run set-up done");
            let token = ssr::start_session(&ctx, admin.id, None).await?;
            let response = expect_context::<leptos_axum::ResponseOptions>();
            let cookie =
                http::HeaderValue::from_str(&auth::session_cookie(&token, ctx.secure_cookies))
                    .map_err(ApiError::internal)?;
            response.append_header(http::header::SET_COOKIE, cookie);
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
use super::ssr;
