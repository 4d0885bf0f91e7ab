//! `/api/v1/maps/{id}/copy`, `/next-version` and `/compare/{other}`: templates and yearly
//! versions with the same rights as the UI (the checks and writes are
//! `app::api::versions::service`'s); a copy is a batch of edits through the map's commit path.

use super::params::id_of;
use super::units::{body, map_author, map_info, may_write};
use super::{Caller, RestError, RestResult, TokenRefusals};
use crate::AppState;
use app::api::rest_types::*;
use app::api::versions::{service, CopyDraft, VersionPlan};
use app::domain::*;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

/// Start a map as a copy of this one: its perspectives, themes, objectives and arrows, and
/// with `with_measures` its measures and targets. Within the same unit the vision, mission,
/// values, owners and alignments come along too. Needs a role on this map's unit and the
/// editor role on the new map's unit.
#[utoipa::path(
    post, path = "/api/v1/maps/{id}/copy", tag = "maps",
    params(("id" = MapId, Path, description = "The map copied.")),
    request_body = CopyDraft,
    responses(
        (status = 201, description = "The copy.", body = MapInfo),
        (status = 400, description = "A malformed id or body (periods are YYYY-MM).", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, a unit outside its scope, no editor role on the new map's unit, or an archived unit.", body = ErrorBody),
        (status = 404, description = "No such map or unit.", body = ErrorBody),
        (status = 422, description = "A blank name, or a period that ends before it starts.", body = ErrorBody),
    )
)]
pub async fn copy_map(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    draft: Result<Json<CopyDraft>, JsonRejection>,
) -> Result<(StatusCode, Json<MapInfo>), RestError> {
    let id: MapId = id_of(&id, "map")?;
    may_write(&caller)?;
    let draft = body(draft)?;
    let author = map_author(&caller)?;
    let map = service::copy(
        &state.store,
        state.hub.as_ref(),
        &caller.access,
        author,
        id,
        draft,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(map_info(&state, map).await?)))
}

/// Start next year's map (the annual refresh): a copy of this map for the same span one year
/// on, with everything on it and next year's targets ramped from this year's last actual to
/// the goals (editable afterwards); this map is then archived, read-only and readable with all
/// its data. Needs the editor role on the map's unit.
#[utoipa::path(
    post, path = "/api/v1/maps/{id}/next-version", tag = "maps",
    params(("id" = MapId, Path, description = "This year's map.")),
    responses(
        (status = 201, description = "Next year's map.", body = MapInfo),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, no editor role, or an archived unit.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
        (status = 409, description = "The map has its next version already.", body = ErrorBody),
    )
)]
pub async fn next_version(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<MapInfo>), RestError> {
    let id: MapId = id_of(&id, "map")?;
    may_write(&caller)?;
    let author = map_author(&caller)?;
    let map =
        service::next_version(&state.store, state.hub.as_ref(), &caller.access, author, id).await?;
    Ok((StatusCode::CREATED, Json(map_info(&state, map).await?)))
}

/// Two versions of a unit's map compared: objectives added, removed and reworded, arrows added
/// and removed, older version first. Needs a role on the unit.
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/compare/{other}", tag = "maps",
    params(
        ("id" = MapId, Path, description = "One version."),
        ("other" = MapId, Path, description = "Another map of the same unit."),
    ),
    responses(
        (status = 200, description = "The comparison.", body = VersionCompareInfo),
        (status = 400, description = "A malformed id, or two maps that are not of one unit.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
pub async fn compare_versions(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, other)): Path<(String, String)>,
) -> RestResult<VersionCompareInfo> {
    let id: MapId = id_of(&id, "map")?;
    let other: MapId = id_of(&other, "map")?;
    let page = service::compare(&state.store, &caller.access, id, Some(other)).await?;
    let compared = page
        .compared
        .ok_or_else(|| RestError::from(app::api::ApiError::NotFound("map".into())))?;
    Ok(Json(compared.into()))
}

/// What "Start next year's map" would make of this map: the new version's name and period
/// (the same span, moved on past the last month with data), or the next version made already.
/// Needs a role on the map's unit.
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/next-version", tag = "maps",
    params(("id" = MapId, Path, description = "This year's map.")),
    responses(
        (status = 200, description = "The plan.", body = VersionPlan),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
pub async fn next_version_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<VersionPlan> {
    let id: MapId = id_of(&id, "map")?;
    Ok(Json(service::plan(&state.store, &caller.access, id).await?))
}
