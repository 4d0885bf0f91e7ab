//! `/api/v1/units` and the writes of `/api/v1/maps`: org units (list, read, create, change) and
//! maps (create, change name, period, status), with the same rights as the UI: the token acts
//! with its role on its units, and the checks and writes are `app::api::units::service`'s.

use super::actuals::json_rejection;
use super::params::id_of;
use super::{Caller, RestError, RestResult, TokenRefusals};
use crate::AppState;
use app::api::rest_types::*;
use app::api::units::{service, MapDraft, MapPatch, NewUnit, UnitRow};
use app::domain::org::UnitPatch;
use app::domain::reminders::ReminderSettings;
use app::domain::*;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

/// `GET /api/v1/units`: the units in the token's scope, in tree order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitList {
    pub units: Vec<UnitRow>,
}

/// The body of a request, or a 400 saying what is wrong with it.
pub(super) fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, RestError> {
    b.map(|Json(t)| t).map_err(json_rejection)
}

/// A read-only token never writes: a 403 naming it.
pub(super) fn may_write(caller: &Caller) -> Result<(), RestError> {
    if caller.token.can_write {
        Ok(())
    } else {
        Err(RestError::new(
            ErrorCode::Forbidden,
            format!(
                "The API token “{}” is read-only; ask an admin for a read+write token.",
                caller.token.name
            ),
        ))
    }
}

/// Who a map edit made with this token is credited to in the op log: the person who made the
/// token, or a 403 when nobody did.
pub(super) fn map_author(caller: &Caller) -> Result<UserId, RestError> {
    caller.token.created_by.ok_or_else(|| {
        RestError::new(
            ErrorCode::Forbidden,
            format!(
                "The API token “{}” has no person behind it, so it cannot edit maps.",
                caller.token.name
            ),
        )
    })
}

/// The map as the REST API shows it.
pub(super) async fn map_info(state: &AppState, map: StrategyMap) -> Result<MapInfo, RestError> {
    let unit = state.store.org_unit(map.org_unit_id).await?;
    Ok(MapInfo {
        id: map.id,
        name: map.name,
        org_unit_id: unit.id,
        org_unit_name: unit.name,
        status: map.status,
        period_start: map.period_start,
        period_end: map.period_end,
    })
}

/// List the org units in the token's scope (each with every unit below it), in tree order.
#[utoipa::path(
    get, path = "/api/v1/units", tag = "units",
    responses(
        (status = 200, description = "The units in scope.", body = UnitList),
        TokenRefusals,
    )
)]
pub async fn list_units(State(state): State<AppState>, caller: Caller) -> RestResult<UnitList> {
    let units = service::rows(&state.store, &caller.access).await?;
    Ok(Json(UnitList { units }))
}

/// One org unit.
#[utoipa::path(
    get, path = "/api/v1/units/{id}", tag = "units",
    params(("id" = OrgUnitId, Path, description = "The org unit.")),
    responses(
        (status = 200, description = "The unit.", body = UnitRow),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such unit.", body = ErrorBody),
    )
)]
pub async fn get_unit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<UnitRow> {
    let id: OrgUnitId = id_of(&id, "org unit")?;
    Ok(Json(service::unit(&state.store, &caller.access, id).await?))
}

/// Create an org unit under a parent. Needs the admin role on the parent (which must not be
/// archived).
#[utoipa::path(
    post, path = "/api/v1/units", tag = "units",
    request_body = NewUnit,
    responses(
        (status = 201, description = "Created.", body = OrgUnit),
        (status = 400, description = "The body is not JSON of this shape.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, or no admin role on the parent.", body = ErrorBody),
        (status = 404, description = "No such parent.", body = ErrorBody),
        (status = 422, description = "A blank or too long name.", body = ErrorBody),
    )
)]
pub async fn create_unit(
    State(state): State<AppState>,
    caller: Caller,
    new: Result<Json<NewUnit>, JsonRejection>,
) -> Result<(StatusCode, Json<OrgUnit>), RestError> {
    may_write(&caller)?;
    let new = body(new)?;
    let actor = caller.token.created_by;
    let unit = service::create_unit(&state.store, &caller.access, actor, new).await?;
    Ok((StatusCode::CREATED, Json(unit)))
}

/// Rename, re-kind, move (a new `parent_id`), archive or bring back an org unit. Needs the
/// admin role on the unit, and on the new parent for a move; an archived unit only takes
/// `{"archived": false}`.
#[utoipa::path(
    patch, path = "/api/v1/units/{id}", tag = "units",
    params(("id" = OrgUnitId, Path, description = "The org unit.")),
    request_body = UnitPatch,
    responses(
        (status = 200, description = "The unit as it now is.", body = OrgUnit),
        (status = 400, description = "A malformed id or body.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, no admin role, or an archived unit.", body = ErrorBody),
        (status = 404, description = "No such unit or parent.", body = ErrorBody),
        (status = 422, description = "A blank name, or a move under the unit itself or one of its own units.", body = ErrorBody),
    )
)]
pub async fn patch_unit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    patch: Result<Json<UnitPatch>, JsonRejection>,
) -> RestResult<OrgUnit> {
    let id: OrgUnitId = id_of(&id, "org unit")?;
    may_write(&caller)?;
    let patch = body(patch)?;
    let actor = caller.token.created_by;
    Ok(Json(
        service::update_unit(&state.store, &caller.access, actor, id, patch).await?,
    ))
}

/// Start a draft map of a unit with its four perspectives (`business`: Financial on top;
/// `non_profit`: Customer/Stakeholder on top). Needs the editor role on the unit.
#[utoipa::path(
    post, path = "/api/v1/maps", tag = "maps",
    request_body = MapDraft,
    responses(
        (status = 201, description = "Created.", body = MapInfo),
        (status = 400, description = "The body is not JSON of this shape (periods are YYYY-MM).", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, no editor role, or an archived unit.", body = ErrorBody),
        (status = 404, description = "No such unit.", body = ErrorBody),
        (status = 422, description = "A blank name, or a period that ends before it starts.", body = ErrorBody),
    )
)]
pub async fn create_map(
    State(state): State<AppState>,
    caller: Caller,
    draft: Result<Json<MapDraft>, JsonRejection>,
) -> Result<(StatusCode, Json<MapInfo>), RestError> {
    may_write(&caller)?;
    let draft = body(draft)?;
    let actor = caller.token.created_by;
    let map = service::create_map(&state.store, &caller.access, actor, draft).await?;
    Ok((StatusCode::CREATED, Json(map_info(&state, map).await?)))
}

/// Rename a map, change its period or its status (draft, active, archived), through the map's
/// edit protocol (open maps see it at once). Needs the editor role on its unit; an archived map
/// takes only a status change.
#[utoipa::path(
    patch, path = "/api/v1/maps/{id}", tag = "maps",
    params(("id" = MapId, Path, description = "The map.")),
    request_body = MapPatch,
    responses(
        (status = 200, description = "The map as it now is.", body = MapInfo),
        (status = 400, description = "A malformed id or body.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, no editor role, or an archived unit.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
        (status = 422, description = "A blank name, a reversed period, or a change to an archived map.", body = ErrorBody),
    )
)]
pub async fn patch_map(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    patch: Result<Json<MapPatch>, JsonRejection>,
) -> RestResult<MapInfo> {
    let id: MapId = id_of(&id, "map")?;
    may_write(&caller)?;
    let patch = body(patch)?;
    let map = state.store.map(id).await?;
    caller.may_read(map.org_unit_id, "map")?;
    service::need(&state.store, &caller.access, map.org_unit_id, Action::Edit).await?;
    let author = map_author(&caller)?;
    let map = service::update_map(
        &state.store,
        state.hub.as_ref(),
        &caller.access,
        author,
        id,
        patch,
    )
    .await?;
    Ok(Json(map_info(&state, map).await?))
}

/// A unit's reminder settings: when data owners are reminded of a measure's next value (days
/// before and after its deadline) and when an overdue one escalates to the objective's owner.
#[utoipa::path(
    get, path = "/api/v1/units/{id}/reminders", tag = "units",
    params(("id" = OrgUnitId, Path, description = "The org unit.")),
    responses(
        (status = 200, description = "The unit's settings (the defaults when never set).", body = ReminderSettings),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such unit.", body = ErrorBody),
    )
)]
pub async fn get_reminders(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<ReminderSettings> {
    let id: OrgUnitId = id_of(&id, "org unit")?;
    let unit = service::unit(&state.store, &caller.access, id).await?;
    Ok(Json(state.store.reminder_settings(unit.unit.id).await?))
}

/// Change a unit's reminder settings. Needs a read+write token with the admin role on the unit.
#[utoipa::path(
    put, path = "/api/v1/units/{id}/reminders", tag = "units",
    params(("id" = OrgUnitId, Path, description = "The org unit.")),
    request_body = ReminderSettings,
    responses(
        (status = 200, description = "The settings as they now are.", body = ReminderSettings),
        (status = 400, description = "A malformed id or body.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, or no admin role on the unit.", body = ErrorBody),
        (status = 404, description = "No such unit.", body = ErrorBody),
        (status = 422, description = "A number of days out of range.", body = ErrorBody),
    )
)]
pub async fn put_reminders(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    settings: Result<Json<ReminderSettings>, JsonRejection>,
) -> RestResult<ReminderSettings> {
    let id: OrgUnitId = id_of(&id, "org unit")?;
    let unit = service::unit(&state.store, &caller.access, id).await?;
    may_write(&caller)?;
    if !caller.access.allows(id, Action::Administer) {
        return Err(RestError::new(
            ErrorCode::Forbidden,
            format!(
                "The API token “{}” does not administer {}; changing its reminders needs the admin role.",
                caller.token.name, unit.unit.name
            ),
        ));
    }
    if unit.frozen {
        let name = unit.unit.name;
        return Err(
            app::api::ApiError::Forbidden(app::error::Refusal::UnitArchived { unit: name }).into(),
        );
    }
    let settings = body(settings)?;
    settings.validate().map_err(app::api::ApiError::from)?;
    state
        .store
        .set_reminder_settings(id, settings, caller.token.created_by)
        .await?;
    Ok(Json(settings))
}
