//! `GET` and `PATCH /api/v1/maps/{id}/strategy`: a map's vision, mission, values and strategic
//! themes, with the same rights as the Strategy screen (viewers read, editors change). A change
//! is a batch of edits of the map through its edit protocol.

use super::params::id_of;
use super::units::{body, map_author, may_write};
use super::{Caller, RestResult, TokenRefusals};
use crate::AppState;
use app::api::rest_types::*;
use app::api::strategy::{service, MapStrategy, StrategyPatch};
use app::domain::*;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;

/// A map's strategy: vision, mission, values (one a line) and its themes, left lane first,
/// each with its description, owner and how many objectives its lane holds.
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/strategy", tag = "maps",
    params(("id" = MapId, Path, description = "The map.")),
    responses(
        (status = 200, description = "Its strategy.", body = MapStrategy),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Its unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
pub async fn get_strategy(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<MapStrategy> {
    let id: MapId = id_of(&id, "map")?;
    Ok(Json(
        service::of_map(&state.store, &caller.access, id).await?,
    ))
}

/// Change a map's vision, mission, values or themes (name, description, colour, owner): each
/// field given is changed, as one batch of edits that open maps see at once. Needs the editor
/// role on the map's unit; a theme owner must have a role there.
#[utoipa::path(
    patch, path = "/api/v1/maps/{id}/strategy", tag = "maps",
    params(("id" = MapId, Path, description = "The map.")),
    request_body = StrategyPatch,
    responses(
        (status = 200, description = "The strategy as it now is.", body = MapStrategy),
        (status = 400, description = "A malformed id or body, or a theme owner without a role on the unit.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, no editor role, or an archived unit.", body = ErrorBody),
        (status = 404, description = "No such map or theme.", body = ErrorBody),
        (status = 422, description = "A text too long, a blank theme name, a bad colour, or too many themes.", body = ErrorBody),
    )
)]
pub async fn patch_strategy(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    patch: Result<Json<StrategyPatch>, JsonRejection>,
) -> RestResult<MapStrategy> {
    let id: MapId = id_of(&id, "map")?;
    may_write(&caller)?;
    let patch = body(patch)?;
    let author = map_author(&caller)?;
    Ok(Json(
        service::update(
            &state.store,
            state.hub.as_ref(),
            &caller.access,
            author,
            id,
            patch,
        )
        .await?,
    ))
}
