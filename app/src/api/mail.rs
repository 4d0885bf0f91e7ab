//! Server functions around e-mail: the password reset by an e-mailed link, each unit's
//! reminder settings, and each person's choice to get reminders.

use super::ApiError;
use crate::domain::reminders::ReminderSettings;
use crate::domain::{OrgUnit, OrgUnitId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How long a password-reset link works.
pub const RESET_LINK_SECONDS: i64 = 3600;

/// Sends a password-reset link to `email` if it is registered. The answer is the same whether
/// or not it is (the browser goes to `/reset?sent=1`), so the form tells nobody who has an
/// account. Limited per address and per client IP (429 with the seconds to wait).
#[server(prefix = "/api", endpoint = "request_password_reset", output = super::TextJson)]
pub async fn request_password_reset(email: String) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            let ctx = ssr::context()?;
            let email = crate::store::normalise_email(&email);
            crate::domain::validation::email(&email)?;
            if let Err(seconds) = ctx.mail.reset_limiter.check(&email, &client_address(&ctx)) {
                if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                    response.insert_header(http::header::RETRY_AFTER, seconds.into());
                }
                tracing::info!(email = %email, "password reset refused: rate limit");
                return Err(ApiError::TooManyRequests { seconds });
            }
            match ctx.store.user_by_email(&email).await? {
                Some(user) => {
                    let secret = crate::auth::random_secret();
                    let link = format!("{}/reset/{secret}", ctx.mail.base_url);
                    let locale = ssr::locale(&ctx, &user).await;
                    let subject = crate::i18n::td_string!(locale, mail.reset.subject).to_string();
                    let name = &user.name;
                    let url = &link;
                    let body =
                        crate::i18n::td_string!(locale, mail.reset.body, name, url).to_string();
                    let hash = crate::auth::secret_hash(&secret);
                    let expires = crate::auth::now_seconds() + RESET_LINK_SECONDS;
                    ctx.store
                        .write(async |tx| {
                            crate::store::create_password_reset(tx, &hash, user.id, expires)
                                .await?;
                            crate::store::enqueue_mail(tx, &user.email, &subject, &body).await?;
                            crate::store::audit(
                                tx,
                                Some(user.id),
                                "reset_requested",
                                "user",
                                user.id,
                                &user.email,
                            )
                            .await
                        })
                        .await?;
                    tracing::info!(user = %user.email, "password reset link queued");
                }
                None => {
                    tracing::info!(email = %email, "password reset asked for an unknown address")
                }
            }
            leptos_axum::redirect("/reset?sent=1");
            Ok(())
        }
        .await,
    )
}

/// Whether a reset link still works (the page asks before showing the form).
#[server(prefix = "/api", endpoint = "reset_link_usable", output = super::TextJson)]
pub async fn reset_link_usable(token: String) -> Result<bool, ApiError> {
    ssr::reply(
        async move {
            let ctx = ssr::context()?;
            if token.len() > 200 {
                return Ok(false);
            }
            let hash = crate::auth::secret_hash(&token);
            Ok(ctx
                .store
                .password_reset_usable(&hash, crate::auth::now_seconds())
                .await?)
        }
        .await,
    )
}

/// Sets a new password with a reset link (once, within the hour): every session of that person
/// ends (their open sockets close), and this browser is signed in with a new one.
#[server(prefix = "/api", endpoint = "reset_password", output = super::TextJson)]
pub async fn reset_password(
    token: String,
    password: String,
    confirm: String,
) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            use crate::auth;
            let ctx = ssr::context()?;
            crate::domain::account::new_password(&password, &confirm)
                .map_err(super::profile::account_error)?;
            if token.len() > 200 {
                return Err(ApiError::Gone(super::Refusal::ResetLinkInvalid));
            }
            let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
                .await
                .map_err(ApiError::internal)??;
            let token_hash = auth::secret_hash(&token);
            let user = ctx
                .store
                .write(async |tx| {
                    let Some(user) =
                        crate::store::use_password_reset(tx, &token_hash, auth::now_seconds())
                            .await?
                    else {
                        return Ok(None);
                    };
                    crate::store::set_password(tx, user, &hash, "password_reset").await?;
                    Ok(Some(user))
                })
                .await?
                .ok_or(ApiError::Gone(super::Refusal::ResetLinkInvalid))?;
            ctx.access.access_changed(user).await;
            let session = ssr::start_session(&ctx, user, None).await?;
            let cookie =
                http::HeaderValue::from_str(&auth::session_cookie(&session, ctx.secure_cookies))
                    .map_err(ApiError::internal)?;
            expect_context::<leptos_axum::ResponseOptions>()
                .append_header(http::header::SET_COOKIE, cookie);
            tracing::info!(user = %user, "password reset");
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// The client's address (for the reset form's per-client limit), read as sign-ins read it (the
/// trusted proxy header when configured); "unknown" outside a served connection.
#[cfg(feature = "ssr")]
fn client_address(ctx: &crate::context::ServerContext) -> String {
    use_context::<http::request::Parts>()
        .map(|p| ctx.sign_in_throttle.client_address(&p))
        .unwrap_or_else(|| "unknown".into())
}

/// A unit's reminder settings page: the unit, its settings, and what the reader may do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitReminderSettings {
    pub unit: OrgUnit,
    pub settings: ReminderSettings,
    /// The reader administers the unit (and may change the settings).
    pub may_edit: bool,
    /// An SMTP server is configured (else reminders wait in the queue).
    pub mail_configured: bool,
}

/// A unit's reminder settings (anyone with a role on the unit may read them).
#[server(prefix = "/api", endpoint = "unit_reminders", output = super::TextJson)]
pub async fn unit_reminders(unit: OrgUnitId) -> Result<UnitReminderSettings, ApiError> {
    ssr::reply(
        async move {
            use crate::domain::Action;
            let (ctx, _, role, unit) = ssr::require_on(unit, Action::View).await?;
            Ok(UnitReminderSettings {
                settings: ctx.store.reminder_settings(unit.id).await?,
                unit,
                may_edit: role.allows(Action::Administer),
                mail_configured: ctx.mail.configured,
            })
        }
        .await,
    )
}

/// Changes a unit's reminder settings (admins of the unit only).
#[server(prefix = "/api", endpoint = "save_unit_reminders", output = super::TextJson)]
pub async fn save_unit_reminders(
    unit: OrgUnitId,
    days_before: u16,
    days_after: u16,
    escalate_after: u16,
) -> Result<ReminderSettings, ApiError> {
    ssr::reply(
        async move {
            use crate::domain::Action;
            let (ctx, user, _, unit) = ssr::require_on(unit, Action::Administer).await?;
            let settings = ReminderSettings {
                days_before,
                days_after,
                escalate_after,
            };
            settings.validate()?;
            ctx.store
                .set_reminder_settings(unit.id, settings, Some(user.id))
                .await?;
            Ok(settings)
        }
        .await,
    )
}

/// Whether the signed-in person gets reminders, and whether mail is configured at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyReminderChoice {
    pub on: bool,
    pub mail_configured: bool,
}

/// The signed-in person's reminder choice.
#[server(prefix = "/api", endpoint = "my_reminders", output = super::TextJson)]
pub async fn my_reminders() -> Result<MyReminderChoice, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            Ok(MyReminderChoice {
                on: ctx.store.wants_reminders(user.id).await?,
                mail_configured: ctx.mail.configured,
            })
        }
        .await,
    )
}

/// Turns the signed-in person's reminders on or off (`on` absent: off, as an unticked box in a
/// plain form sends nothing), then back to the home page.
#[server(prefix = "/api", endpoint = "set_my_reminders", output = super::TextJson)]
pub async fn set_my_reminders(on: Option<bool>) -> Result<bool, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let on = on.unwrap_or(false);
            ctx.store.set_wants_reminders(user.id, on).await?;
            leptos_axum::redirect("/");
            Ok(on)
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
use super::ssr;
