//! API tokens for the REST API v1, managed by admins: list, create (the secret is returned once
//! and never again), revoke. Only an admin of every unit in a token's scope may create or revoke it.

use super::ApiError;
#[allow(unused_imports)]
use crate::domain::Action;
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr;

/// A token as the admin page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenRow {
    pub token: ApiToken,
    /// The names of the units in its scope, in the order of `token.units`.
    pub unit_names: Vec<String>,
    pub created_by_name: Option<String>,
}

/// An org unit the signed-in admin may scope tokens to, with its depth for indentation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScopeChoice {
    pub unit: OrgUnit,
    pub depth: usize,
}

/// Everything the token page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenAdmin {
    /// Tokens whose whole scope the user administers, newest first (revoked ones included).
    pub tokens: Vec<TokenRow>,
    /// Units the user administers, in tree order.
    pub units: Vec<ScopeChoice>,
}

/// A freshly created token and its secret: the only time the secret is ever shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewToken {
    pub row: TokenRow,
    pub secret: String,
}

/// The tokens the signed-in admin manages and the units they may scope new ones to.
#[server(prefix = "/api", endpoint = "api_tokens", output = super::TextJson)]
pub async fn api_tokens() -> Result<TokenAdmin, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let units = ctx.store.org_units().await?;
            let choices = server::administered(&units, &access);
            if choices.is_empty() {
                return Err(ApiError::Forbidden(super::Refusal::TokensNeedAdmin));
            }
            let people = ctx.store.users().await?;
            let tokens = ctx
                .store
                .api_tokens()
                .await?
                .into_iter()
                .filter(|t| server::manages(&access, t))
                .map(|t| server::row(t, &units, &people))
                .collect();
            Ok(TokenAdmin {
                tokens,
                units: choices,
            })
        }
        .await,
    )
}

/// Creates a token named `name` for `unit_ids` (read-only unless `can_write`; acting as an
/// admin of its scope, able to invite people, with `can_administer`) and returns its secret,
/// once. Needs the admin role on every unit of the scope.
#[server(prefix = "/api", endpoint = "create_api_token", input = Json, output = super::TextJson)]
pub async fn create_api_token(
    name: String,
    unit_ids: Vec<OrgUnitId>,
    can_write: bool,
    #[server(default)] can_administer: bool,
) -> Result<NewToken, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let mut units = unit_ids;
            units.sort();
            units.dedup();
            server::require_admin_of(&ctx, &user, &units).await?;
            let token = ApiToken {
                id: ApiTokenId::new(),
                name: name.trim().to_string(),
                units,
                can_write: can_write || can_administer,
                can_administer,
                created_by: Some(user.id),
                created_at: crate::store::now_text(),
                last_used_at: None,
                revoked_at: None,
            };
            validation::api_token(&token)?;
            let secret = crate::auth::new_token_secret();
            ctx.store
                .create_api_token(&token, &crate::auth::secret_hash(&secret), Some(user.id))
                .await?;
            tracing::info!(token = %token.id, by = %user.email, "created an API token");
            let row = server::named_row(&ctx, token).await?;
            Ok(NewToken { row, secret })
        }
        .await,
    )
}

/// Revokes a token: every later request with it gets a 401. Needs the admin role on every unit
/// of its scope; revoking a revoked token changes nothing.
#[server(prefix = "/api", endpoint = "revoke_api_token", output = super::TextJson)]
pub async fn revoke_api_token(token_id: ApiTokenId) -> Result<TokenRow, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let token = ctx.store.api_token(token_id).await?;
            server::require_admin_of(&ctx, &user, &token.units).await?;
            if ctx.store.revoke_api_token(token.id, Some(user.id)).await? {
                tracing::info!(token = %token.id, by = %user.email, "revoked an API token");
            }
            server::named_row(&ctx, ctx.store.api_token(token_id).await?).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::auth::Access;
    use crate::context::ServerContext;

    /// The units `access` administers, in tree order with their depth.
    pub fn administered(units: &[OrgUnit], access: &Access) -> Vec<ScopeChoice> {
        org::tree_order(units)
            .into_iter()
            .filter(|(u, _)| access.allows(u.id, Action::Administer))
            .map(|(u, depth)| ScopeChoice {
                unit: u.clone(),
                depth,
            })
            .collect()
    }

    /// Whether `access` may manage (see, revoke) a token: admin of every unit of its scope.
    pub fn manages(access: &Access, token: &ApiToken) -> bool {
        !token.units.is_empty()
            && token
                .units
                .iter()
                .all(|u| access.allows(*u, Action::Administer))
    }

    /// Refuses unless `user` administers every unit of `units` (a 403 naming the first that
    /// they do not).
    pub async fn require_admin_of(
        ctx: &ServerContext,
        user: &User,
        units: &[OrgUnitId],
    ) -> Result<(), ApiError> {
        for unit in units {
            crate::auth::authorize(&ctx.store, user, *unit, Action::Administer).await?;
        }
        Ok(())
    }

    /// `token` with the names the page shows, as they are now.
    pub async fn named_row(ctx: &ServerContext, token: ApiToken) -> Result<TokenRow, ApiError> {
        let units = ctx.store.org_units().await?;
        let people = ctx.store.users().await?;
        Ok(row(token, &units, &people))
    }

    /// A token with the names the page shows.
    pub fn row(token: ApiToken, units: &[OrgUnit], people: &[User]) -> TokenRow {
        let unit_names = token
            .units
            .iter()
            .map(|id| {
                units
                    .iter()
                    .find(|u| u.id == *id)
                    .map(|u| u.name.clone())
                    .unwrap_or_else(|| "(deleted unit)".into())
            })
            .collect();
        let created_by_name = token
            .created_by
            .and_then(|id| people.iter().find(|p| p.id == id))
            .map(|p| p.name.clone());
        TokenRow {
            token,
            unit_names,
            created_by_name,
        }
    }
}
