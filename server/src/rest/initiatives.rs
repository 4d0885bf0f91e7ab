//! `/api/v1/units/{id}/initiatives` and `/api/v1/initiatives/{id}`: a unit's initiatives with
//! their milestones, suggested status and flags (read), created and replaced whole with their
//! milestones and objectives (write), with the same rights as the UI: the checks and writes are
//! `app::api::initiatives::service`'s.

use super::params::id_of;
use super::units::{body, may_write};
use super::{Caller, RestError, RestResult, TokenRefusals};
use crate::AppState;
use app::api::initiatives::{service, InitiativeCard, InitiativeDraft, InitiativesPage};
use app::api::rest_types::*;
use app::domain::*;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

/// A 400 when the body's id does not match the address's.
fn same_id<T: PartialEq + std::fmt::Display>(
    in_path: T,
    in_body: T,
    what: &str,
) -> Result<(), RestError> {
    if in_path == in_body {
        Ok(())
    } else {
        Err(RestError::new(
            ErrorCode::BadRequest,
            format!("The body's {what} ({in_body}) is not the one in the address ({in_path})."),
        ))
    }
}

/// A unit's initiatives, each with its milestones, the status its dates, milestones and spend
/// suggest (with the reasons) and its flags; the objectives they may move and the red ones no
/// open initiative moves.
#[utoipa::path(
    get, path = "/api/v1/units/{id}/initiatives", tag = "initiatives",
    params(("id" = OrgUnitId, Path, description = "The org unit.")),
    responses(
        (status = 200, description = "The unit's initiatives.", body = InitiativesPage),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such unit.", body = ErrorBody),
    )
)]
pub async fn list_initiatives(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<InitiativesPage> {
    let unit: OrgUnitId = id_of(&id, "org unit")?;
    Ok(Json(
        service::page(&state.store, &caller.access, unit).await?,
    ))
}

/// Create an initiative of the unit with its milestones. `initiative.id` and each milestone's
/// `id` are chosen by the client (UUIDs); `initiative.org_unit_id` must be the unit in the
/// address. Needs the editor role on the unit; owners must have a role on it and objectives
/// must be on its maps.
#[utoipa::path(
    post, path = "/api/v1/units/{id}/initiatives", tag = "initiatives",
    params(("id" = OrgUnitId, Path, description = "The org unit.")),
    request_body = InitiativeDraft,
    responses(
        (status = 201, description = "Created.", body = InitiativeCard),
        (status = 400, description = "A malformed id or body, another unit in the body, or an owner without a role on the unit.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, no editor role, or an archived unit.", body = ErrorBody),
        (status = 404, description = "No such unit or objective.", body = ErrorBody),
        (status = 409, description = "An initiative with this id exists already.", body = ErrorBody),
        (status = 422, description = "A blank name, reversed dates, numbers out of range, too many milestones, or an objective of another unit.", body = ErrorBody),
    )
)]
pub async fn create_initiative(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    draft: Result<Json<InitiativeDraft>, JsonRejection>,
) -> Result<(StatusCode, Json<InitiativeCard>), RestError> {
    let unit: OrgUnitId = id_of(&id, "org unit")?;
    may_write(&caller)?;
    let draft = body(draft)?;
    same_id(unit, draft.initiative.org_unit_id, "org_unit_id")?;
    if state.store.initiative(draft.initiative.id).await.is_ok() {
        return Err(RestError::new(
            ErrorCode::Conflict,
            "An initiative with this id exists already; PUT /api/v1/initiatives/{id} changes it.",
        ));
    }
    let card = service::save(
        &state.store,
        state.hub.as_ref(),
        &caller.access,
        caller.token.created_by,
        draft,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(card)))
}

/// One initiative with its milestones, suggested status and flags.
#[utoipa::path(
    get, path = "/api/v1/initiatives/{id}", tag = "initiatives",
    params(("id" = InitiativeId, Path, description = "The initiative.")),
    responses(
        (status = 200, description = "The initiative.", body = InitiativeCard),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Its unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such initiative.", body = ErrorBody),
    )
)]
pub async fn get_initiative(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<InitiativeCard> {
    let id: InitiativeId = id_of(&id, "initiative")?;
    Ok(Json(service::card(&state.store, &caller.access, id).await?))
}

/// Replace an initiative whole: its fields, the objectives it moves and its milestones (those
/// left out are removed). Close it with `closed_on`, reopen it by sending `closed_on` empty; a
/// closed initiative takes nothing else. Needs the editor role on its unit.
#[utoipa::path(
    put, path = "/api/v1/initiatives/{id}", tag = "initiatives",
    params(("id" = InitiativeId, Path, description = "The initiative.")),
    request_body = InitiativeDraft,
    responses(
        (status = 200, description = "The initiative as it now is.", body = InitiativeCard),
        (status = 400, description = "A malformed id or body, another id or unit in the body, or an owner without a role on the unit.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, no editor role, or an archived unit.", body = ErrorBody),
        (status = 404, description = "No such initiative or objective.", body = ErrorBody),
        (status = 409, description = "The initiative is closed.", body = ErrorBody),
        (status = 422, description = "A blank name, reversed dates, numbers out of range, too many milestones, or an objective of another unit.", body = ErrorBody),
    )
)]
pub async fn put_initiative(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    draft: Result<Json<InitiativeDraft>, JsonRejection>,
) -> RestResult<InitiativeCard> {
    let id: InitiativeId = id_of(&id, "initiative")?;
    may_write(&caller)?;
    let draft = body(draft)?;
    same_id(id, draft.initiative.id, "initiative id")?;
    let stored = state.store.initiative(id).await?;
    caller.may_read(stored.org_unit_id, "initiative")?;
    Ok(Json(
        service::save(
            &state.store,
            state.hub.as_ref(),
            &caller.access,
            caller.token.created_by,
            draft,
        )
        .await?,
    ))
}
