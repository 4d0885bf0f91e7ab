//! `GET /api/v1/units/{id}/surveys` and `GET /api/v1/surveys/{id}`: a unit's readiness surveys
//! and one survey's statements and results, with the same rights as the pages: a token that
//! reaches the unit reads them; who was asked is listed only to tokens of the unit's editors;
//! results exist only once three people have answered, and only as aggregates.

use super::params::id_of;
use super::{Caller, RestResult, TokenRefusals};
use crate::AppState;
use app::api::rest_types::*;
use app::api::surveys::{service, SurveyPage, SurveysPage};
use app::domain::*;
use axum::extract::{Path, State};
use axum::Json;

/// A unit's readiness surveys, latest first, each with how many were asked and answered.
#[utoipa::path(
    get, path = "/api/v1/units/{id}/surveys", tag = "units",
    params(("id" = OrgUnitId, Path, description = "The org unit.")),
    responses(
        (status = 200, description = "Its surveys.", body = SurveysPage),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such unit.", body = ErrorBody),
    )
)]
pub async fn list_surveys(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<SurveysPage> {
    let id: OrgUnitId = id_of(&id, "org unit")?;
    Ok(Json(service::list(&state.store, &caller.access, id).await?))
}

/// One survey: its statements, how many answered, and its results (means per area, spread and
/// answers per statement, comments) once at least three have; the people asked only for
/// tokens of the unit's editors.
#[utoipa::path(
    get, path = "/api/v1/surveys/{id}", tag = "units",
    params(("id" = SurveyId, Path, description = "The survey.")),
    responses(
        (status = 200, description = "The survey.", body = SurveyPage),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Its unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such survey.", body = ErrorBody),
    )
)]
pub async fn get_survey(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<SurveyPage> {
    let id: SurveyId = id_of(&id, "survey")?;
    Ok(Json(service::page(&state.store, &caller.access, id).await?))
}
