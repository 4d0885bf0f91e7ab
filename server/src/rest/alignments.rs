//! `/api/v1/maps/{id}/alignments`: the cascade of a map. Read: what its objectives support on
//! the parent unit's maps and which child units' objectives support its own. Write (read+write
//! tokens with the editor role on the map's unit): align, note, remove, committed through the
//! map's one write path like an edit on the canvas. `/api/v1/units/{id}/gaps`: the cascade of a
//! unit's map to the units below, with its gaps.

use super::params::{id_of, period_param, query};
use super::units::{body, map_author, may_write};
use super::{Caller, RestResult, TokenRefusals};
use crate::AppState;
use app::api::cascade::service;
use app::api::rest_types::*;
use app::domain::*;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;

/// The map's alignments (as the unit side) and supporters (as the parent side).
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/alignments", tag = "cascade",
    params(("id" = MapId, Path, description = "The map.")),
    responses(
        (status = 200, description = "Its alignments and supporters.", body = AlignmentList),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The map's unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
pub async fn list_alignments(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<AlignmentList> {
    let map: MapId = id_of(&id, "map")?;
    let map_unit = state.store.map(map).await?.org_unit_id;
    caller.may_read(map_unit, "map")?;
    Ok(Json(
        service::alignments(&state.store, &caller.access, map).await?,
    ))
}

/// Align one of the map's objectives to an objective of the parent unit's map. Needs a
/// read+write token with the editor role on the map's unit.
#[utoipa::path(
    post, path = "/api/v1/maps/{id}/alignments", tag = "cascade",
    params(("id" = MapId, Path, description = "The unit map.")),
    request_body = NewAlignment,
    responses(
        (status = 201, description = "The alignment made.", body = AlignmentInfo),
        (status = 400, description = "A malformed id or body.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Read-only token, or no editor role on the map's unit.", body = ErrorBody),
        (status = 404, description = "No such map, or the objective is not on it.", body = ErrorBody),
        (status = 422, description = "Not an objective of the parent unit's map, the same pair again, or a note too long.", body = ErrorBody),
    )
)]
pub async fn create_alignment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    new: Result<Json<NewAlignment>, JsonRejection>,
) -> Result<(StatusCode, Json<AlignmentInfo>), super::RestError> {
    let map: MapId = id_of(&id, "map")?;
    let author = writer(&state, &caller, map).await?;
    let new = body(new)?;
    let made = service::align(
        &state.store,
        state.hub.as_ref(),
        &caller.access,
        author,
        map,
        new,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Change an alignment's contribution note.
#[utoipa::path(
    patch, path = "/api/v1/maps/{id}/alignments/{alignment}", tag = "cascade",
    params(
        ("id" = MapId, Path, description = "The unit map."),
        ("alignment" = AlignmentId, Path, description = "The alignment."),
    ),
    request_body = AlignmentPatch,
    responses(
        (status = 200, description = "The alignment with its new note.", body = AlignmentInfo),
        (status = 400, description = "A malformed id or body.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Read-only token, or no editor role on the map's unit.", body = ErrorBody),
        (status = 404, description = "No such map or alignment.", body = ErrorBody),
        (status = 422, description = "A note too long.", body = ErrorBody),
    )
)]
pub async fn patch_alignment(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, alignment)): Path<(String, String)>,
    patch: Result<Json<AlignmentPatch>, JsonRejection>,
) -> RestResult<AlignmentInfo> {
    let map: MapId = id_of(&id, "map")?;
    let alignment: AlignmentId = id_of(&alignment, "alignment")?;
    let author = writer(&state, &caller, map).await?;
    let patch = body(patch)?;
    let store = &state.store;
    let hub = state.hub.as_ref();
    let info = service::note(store, hub, &caller.access, author, map, alignment, patch).await?;
    Ok(Json(info))
}

/// Remove an alignment.
#[utoipa::path(
    delete, path = "/api/v1/maps/{id}/alignments/{alignment}", tag = "cascade",
    params(
        ("id" = MapId, Path, description = "The unit map."),
        ("alignment" = AlignmentId, Path, description = "The alignment."),
    ),
    responses(
        (status = 204, description = "Removed."),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Read-only token, or no editor role on the map's unit.", body = ErrorBody),
        (status = 404, description = "No such map or alignment.", body = ErrorBody),
    )
)]
pub async fn delete_alignment(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, alignment)): Path<(String, String)>,
) -> Result<StatusCode, super::RestError> {
    let map: MapId = id_of(&id, "map")?;
    let alignment: AlignmentId = id_of(&alignment, "alignment")?;
    let author = writer(&state, &caller, map).await?;
    let hub = state.hub.as_ref();
    service::unalign(&state.store, hub, &caller.access, author, map, alignment).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The checks every write makes before its body is read: a read+write token that can see the
/// map and has a person behind it, who is credited with the edit.
async fn writer(state: &AppState, caller: &Caller, map: MapId) -> Result<UserId, super::RestError> {
    may_write(caller)?;
    let map_unit = state.store.map(map).await?.org_unit_id;
    caller.may_read(map_unit, "map")?;
    map_author(caller)
}

/// The cascade of the unit's map to the units below for a month: the matrix of parent
/// objectives by child unit (the supporting objectives and their statuses) and the gaps.
#[utoipa::path(
    get, path = "/api/v1/units/{id}/gaps", tag = "cascade",
    params(("id" = OrgUnitId, Path, description = "The org unit whose map is cascaded."), GapFilter),
    responses(
        (status = 200, description = "The matrix and its gaps.", body = app::domain::cascade::GapReport),
        (status = 400, description = "A malformed id or period.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such unit, or it has no map.", body = ErrorBody),
    )
)]
pub async fn unit_gaps(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    filter: Result<Query<GapFilter>, QueryRejection>,
) -> RestResult<app::domain::cascade::GapReport> {
    let unit: OrgUnitId = id_of(&id, "org unit")?;
    let filter = query(filter)?;
    let period = period_param("period", filter.period.as_deref())?;
    caller.may_read(unit, "org unit")?;
    Ok(Json(
        service::report(&state.store, &caller.access, unit, period).await?,
    ))
}
