//! `GET` and `POST /api/v1/maps/{id}/workshop`: the workshop on a map (sticky notes, clusters,
//! the dot-vote, the timer) with the same rights as the map's screen: viewers watch, editors take
//! part. A step sent here is a workshop edit of the map through its commit path, so open maps
//! hear it at once; each caller sees only what the workshop's privacy allows them.

use super::params::id_of;
use super::units::{body, map_author, may_write};
use super::{Caller, RestResult, TokenRefusals};
use crate::hub::now_ms;
use crate::AppState;
use app::api::brainstorm::{service, WorkshopChanges, WorkshopState};
use app::api::rest_types::*;
use app::domain::*;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;

/// The workshop on a map as the token's person may see it (others' notes without their words
/// until the facilitator reveals them; only their own dots until the votes are revealed).
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/workshop", tag = "maps",
    params(("id" = MapId, Path, description = "The map.")),
    responses(
        (status = 200, description = "The workshop (`workshop` is null when none runs).", body = WorkshopState),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Its unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
pub async fn get_workshop(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<WorkshopState> {
    let id: MapId = id_of(&id, "map")?;
    let viewer = caller.token.created_by;
    Ok(Json(
        service::state(&state.store, &caller.access, viewer, id, now_ms()).await?,
    ))
}

/// Take workshop steps on a map, as one batch (all or none): open or close the workshop, write,
/// move and group notes, run the dot-vote and the timer, promote a note or group to an
/// objective. Needs the editor role on the map's unit; the facilitator's steps (reveal, vote,
/// timer, close) need the token's person to facilitate.
#[utoipa::path(
    post, path = "/api/v1/maps/{id}/workshop", tag = "maps",
    params(("id" = MapId, Path, description = "The map.")),
    request_body = WorkshopChanges,
    responses(
        (status = 200, description = "The workshop as it now is, as the token's person sees it.", body = WorkshopState),
        (status = 400, description = "A malformed id or body, no steps or too many, or a note to promote that is not there.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, no editor role, or an archived unit.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
        (status = 409, description = "A step the workshop refuses (only the facilitator may, the notes are still private, all votes cast, …).", body = ErrorBody),
    )
)]
pub async fn post_workshop(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    changes: Result<Json<WorkshopChanges>, JsonRejection>,
) -> RestResult<WorkshopState> {
    let id: MapId = id_of(&id, "map")?;
    may_write(&caller)?;
    let changes = body(changes)?;
    let author = map_author(&caller)?;
    Ok(Json(
        service::change(
            &state.store,
            state.hub.as_ref(),
            &caller.access,
            author,
            id,
            changes,
            now_ms(),
        )
        .await?,
    ))
}
