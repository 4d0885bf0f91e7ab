//! Server functions: authorise → validate (domain) → store → return. Their bodies run only on
//! the server; the browser gets typed stubs that call `/api/<name>`.

mod codec;
mod dashboards;
mod error;
mod imports;
mod maps;
mod measures;
pub mod rest_types;
mod session;
mod tokens;

pub use codec::{TextJson, TextJsonEncoding};
pub use dashboards::*;
pub use error::ApiError;
pub use imports::*;
pub use maps::*;
pub use measures::*;
pub use session::*;
pub use tokens::*;

/// Server-side helpers shared by the server functions.
#[cfg(feature = "ssr")]
pub mod ssr {
    use super::ApiError;
    use crate::auth;
    use crate::context::ServerContext;
    use crate::domain::{Action, OrgUnitId, Role, User};
    use leptos::prelude::use_context;

    /// Sends an error with its HTTP status (403, 404, 422…) instead of a blanket 500; also sets
    /// the status of a page whose data failed to load during server rendering.
    pub fn reply<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
        if let Err(e) = &result {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(e.status());
            }
        }
        result
    }

    /// The server context (store, settings) of this request.
    pub fn context() -> Result<ServerContext, ApiError> {
        use_context::<ServerContext>()
            .ok_or_else(|| ApiError::internal("ServerContext missing from Leptos context"))
    }

    /// The signed-in user, or `Unauthenticated`.
    pub async fn require_user() -> Result<(ServerContext, User), ApiError> {
        let ctx = context()?;
        let parts = use_context::<http::request::Parts>()
            .ok_or_else(|| ApiError::internal("request parts missing from Leptos context"))?;
        let user = auth::user_from_headers(&ctx.store, &parts.headers)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok((ctx, user))
    }

    /// The signed-in user, allowed to perform `action` on `unit`, or a 401/403.
    pub async fn require(
        unit: OrgUnitId,
        action: Action,
    ) -> Result<(ServerContext, User, Role), ApiError> {
        let (ctx, user) = require_user().await?;
        let role = auth::authorize(&ctx.store, &user, unit, action).await?;
        Ok((ctx, user, role))
    }
}
