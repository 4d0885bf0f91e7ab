//! `/api/v1/maps/{id}/proposals`: changes proposed to a map by editors of the units below it,
//! and proposed from it to the parent unit's maps (read; they are made and decided in the app).

use super::params::id_of;
use super::{Caller, RestResult, TokenRefusals};
use crate::AppState;
use app::api::proposals::service;
use app::api::rest_types::*;
use app::domain::*;
use axum::extract::{Path, State};
use axum::Json;

/// The map's proposals: made to it (all of them when the token acts as an editor of the map's
/// unit, else those of the token's person) and made from it, each with its changes while open.
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/proposals", tag = "cascade",
    params(("id" = MapId, Path, description = "The map.")),
    responses(
        (status = 200, description = "Its proposals, open ones first, newest first.", body = ProposalListInfo),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The map's unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
pub async fn list_proposals(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<ProposalListInfo> {
    let map: MapId = id_of(&id, "map")?;
    let map_unit = state.store.map(map).await?.org_unit_id;
    caller.may_read(map_unit, "map")?;
    let person = caller.token.created_by;
    let list = service::list(&state.store, &caller.access, person, map).await?;
    Ok(Json(list.into()))
}
