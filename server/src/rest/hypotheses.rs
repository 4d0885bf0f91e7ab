//! `GET /api/v1/maps/{id}/hypotheses`: every arrow of a map tested against its data, with the
//! same rights as the app (a viewer's token on the map's unit).

use super::params::id_of;
use super::{Caller, RestResult, TokenRefusals};
use crate::AppState;
use app::api::hypotheses::service;
use app::api::rest_types::*;
use app::domain::hypothesis::MapHypotheses;
use app::domain::*;
use axum::extract::{Path, State};
use axum::Json;

/// Every cause-and-effect arrow of a map with the direction and lag it expects, Spearman's ρ
/// of the two objectives' monthly score changes at each lag from 0 to 12 months with the
/// paired months, and the verdict: supported, contradicted, no clear relation or not enough
/// data yet. Contradicted arrows first.
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/hypotheses", tag = "maps",
    params(("id" = MapId, Path, description = "The map.")),
    responses(
        (status = 200, description = "Its arrows, tested.", body = MapHypotheses),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Its unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
pub async fn map_hypotheses(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<MapHypotheses> {
    let id: MapId = id_of(&id, "map")?;
    Ok(Json(
        service::of_map(&state.store, &caller.access, id).await?,
    ))
}
