//! The files of REST v1: a map's scorecard as CSV or XLSX, the map as SVG or PNG, a briefing
//! book (PDF) of a map and span or of a review, and a unit's initiative timeline (PNG). The same
//! functions as the pages' download links (`export::files`), so the rights are the same: the
//! token must reach the unit of the map, review or initiatives. Text is worded in the request's
//! `Accept-Language`.

use super::error::{locale, RestError};
use super::params::{id_of, query};
use super::{Caller, TokenRefusals};
use crate::export::files::{self, Download, Picture, Sheet, SpanQuery};
use crate::AppState;
use app::api::rest_types::*;
use app::domain::*;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};

type FileResult = Result<Download, RestError>;

async fn map_sheet(
    state: AppState,
    caller: Caller,
    id: String,
    q: Result<Query<SpanQuery>, QueryRejection>,
    format: Sheet,
) -> FileResult {
    let id: MapId = id_of(&id, "map")?;
    let span = query(q)?;
    Ok(files::scorecard_file(&state.store, &caller.access, id, &span, format, locale()).await?)
}

async fn map_picture(
    state: AppState,
    caller: Caller,
    id: String,
    q: Result<Query<SpanQuery>, QueryRejection>,
    format: Picture,
) -> FileResult {
    let id: MapId = id_of(&id, "map")?;
    let span = query(q)?;
    Ok(files::map_picture(&state.store, &caller.access, id, &span, format, locale()).await?)
}

/// The scorecard of a map for a span as CSV (UTF-8): a line per measure, formula-like text
/// neutralised with a leading apostrophe.
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/scorecard.csv", tag = "exports",
    params(("id" = MapId, Path, description = "The map."), SpanQuery),
    responses(
        (status = 200, description = "The scorecard.", content_type = "text/csv", body = String),
        (status = 400, description = "A malformed id or period.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The map's unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
pub async fn scorecard_csv(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: Result<Query<SpanQuery>, QueryRejection>,
) -> FileResult {
    map_sheet(state, caller, id, q, Sheet::Csv).await
}

/// The scorecard of a map for a span as an Excel workbook.
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/scorecard.xlsx", tag = "exports",
    params(("id" = MapId, Path, description = "The map."), SpanQuery),
    responses(
        (status = 200, description = "The scorecard.", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, description = "A malformed id or period.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The map's unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
pub async fn scorecard_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: Result<Query<SpanQuery>, QueryRejection>,
) -> FileResult {
    map_sheet(state, caller, id, q, Sheet::Xlsx).await
}

/// The strategy map in status colours for a span, as SVG (each status also in words).
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/map.svg", tag = "exports",
    params(("id" = MapId, Path, description = "The map."), SpanQuery),
    responses(
        (status = 200, description = "The map.", content_type = "image/svg+xml", body = String),
        (status = 400, description = "A malformed id or period.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The map's unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
pub async fn map_svg(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: Result<Query<SpanQuery>, QueryRejection>,
) -> FileResult {
    map_picture(state, caller, id, q, Picture::Svg).await
}

/// The strategy map in status colours for a span, as PNG (twice the drawing's size).
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/map.png", tag = "exports",
    params(("id" = MapId, Path, description = "The map."), SpanQuery),
    responses(
        (status = 200, description = "The map.", content_type = "image/png", body = Vec<u8>),
        (status = 400, description = "A malformed id or period.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The map's unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
pub async fn map_png(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: Result<Query<SpanQuery>, QueryRejection>,
) -> FileResult {
    map_picture(state, caller, id, q, Picture::Png).await
}

/// A briefing book (PDF) of a map for a span: cover, map, scorecard, a page per item the data
/// puts on the agenda, the initiative timeline and the open actions.
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/briefing.pdf", tag = "exports",
    params(("id" = MapId, Path, description = "The map."), SpanQuery),
    responses(
        (status = 200, description = "The briefing book.", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, description = "A malformed id or period.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The map's unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
pub async fn map_book(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: Result<Query<SpanQuery>, QueryRejection>,
) -> FileResult {
    let id: MapId = id_of(&id, "map")?;
    let span = query(q)?;
    Ok(files::map_book(&state.store, &caller.access, id, &span, locale()).await?)
}

/// The briefing book (PDF) of a review: for a closed review, its frozen record.
#[utoipa::path(
    get, path = "/api/v1/reviews/{id}/briefing.pdf", tag = "exports",
    params(("id" = ReviewId, Path, description = "The review.")),
    responses(
        (status = 200, description = "The briefing book.", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Its unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such review.", body = ErrorBody),
    )
)]
pub async fn review_book(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> FileResult {
    let id: ReviewId = id_of(&id, "review")?;
    Ok(files::review_book(
        &state.store,
        &caller.access,
        caller.token.created_by,
        id,
        locale(),
    )
    .await?)
}

/// A unit's open initiatives as a timeline (PNG), grouped by the objectives they move.
#[utoipa::path(
    get, path = "/api/v1/units/{id}/timeline.png", tag = "exports",
    params(("id" = OrgUnitId, Path, description = "The org unit.")),
    responses(
        (status = 200, description = "The timeline.", content_type = "image/png", body = Vec<u8>),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such unit, or no open initiative.", body = ErrorBody),
    )
)]
pub async fn timeline_png(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> FileResult {
    let id: OrgUnitId = id_of(&id, "org unit")?;
    Ok(files::timeline_png(&state.store, &caller.access, id, locale()).await?)
}

/// A readiness survey's results (PDF): the radar of the means per area, the statements the
/// team disagrees on most, and the comments. Only once three people have answered.
#[utoipa::path(
    get, path = "/api/v1/surveys/{id}/results.pdf", tag = "exports",
    params(("id" = SurveyId, Path, description = "The survey.")),
    responses(
        (status = 200, description = "The results.", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Its unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such survey, or fewer than three answers.", body = ErrorBody),
    )
)]
pub async fn survey_results(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> FileResult {
    let id: SurveyId = id_of(&id, "survey")?;
    Ok(files::survey_results(&state.store, &caller.access, id, locale()).await?)
}
