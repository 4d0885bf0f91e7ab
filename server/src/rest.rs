//! The public REST API v1 for programs (an ERP job, a BI tool): list maps and measures, read and
//! batch-upsert actuals, read scores. Authenticated by API tokens (`Authorization: Bearer …`)
//! scoped to org units; every error is JSON `{code, message, details}`. Writes go through the
//! hub's one data path, so scores are recomputed and open maps and dashboards redraw. The OpenAPI
//! document is generated from these handlers and the shared types in `app::api::rest_types`.

pub mod docs;

use crate::AppState;
use app::api::rest_types::*;
use app::api::{parse_period, stamp, ApiError};
use app::auth::{self, Access, DataWriter, TokenRefusal};
use app::domain::scoring::Span;
use app::domain::*;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use utoipa::OpenApi;

/// The largest request body accepted (a full batch of 1,000 rows is far below it).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The routes of the REST API v1, docs included. Static `/api/v1/…` routes take precedence over
/// the server functions' `/api/{*fn_name}`; anything else under `/api/v1/` is a JSON 404.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/maps", get(list_maps).fallback(method_not_allowed))
        .route(
            "/api/v1/maps/{id}/scores",
            get(map_scores).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/measures",
            get(list_measures).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/measures/{id}",
            get(get_measure).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/measures/{id}/actuals",
            get(measure_actuals).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/actuals",
            post(post_actuals)
                .fallback(method_not_allowed)
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/docs", get(docs::page))
        .route("/api/v1", get(|| async { Redirect::to("/api/v1/docs") }))
        .route("/api/v1/", get(|| async { Redirect::to("/api/v1/docs") }))
        .route("/api/v1/{*rest}", any(unknown_endpoint))
        .layer(axum::Extension(Arc::new(RateLimiter::new(
            RATE_BURST,
            RATE_PER_SECOND,
        ))))
}

/// A token bucket per API token: `burst` requests at once, refilled at `per_second`. Kept in
/// memory per instance (enough to stop a runaway job from crowding out people).
pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<ApiTokenId, (f64, Instant)>>,
}

impl RateLimiter {
    /// A limiter allowing `burst` requests at once and `per_second` sustained.
    pub fn new(burst: u32, per_second: u32) -> RateLimiter {
        RateLimiter {
            burst: f64::from(burst),
            per_second: f64::from(per_second.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `token`'s bucket at `now`; `Err(seconds)` to wait when empty.
    pub fn take(&self, token: ApiTokenId, now: Instant) -> Result<(), u64> {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (level, at) = buckets.entry(token).or_insert((self.burst, now));
        let refilled = (*level
            + now.saturating_duration_since(*at).as_secs_f64() * self.per_second)
            .min(self.burst);
        *at = now;
        if refilled >= 1.0 {
            *level = refilled - 1.0;
            Ok(())
        } else {
            *level = refilled;
            Err(((1.0 - refilled) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

/// The OpenAPI 3 document of the REST API v1.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Cairn REST API",
        version = "1",
        description = "Read measures and scores and post actuals from other systems. Authenticate with an API token \
            created by an admin on Cairn's API tokens page: `Authorization: Bearer cairn_…`. A token is scoped to \
            org units (each with every unit below it) and is read-only or read+write. Every error is JSON \
            `{code, message, details}`. Each token may send 20 requests a second, in bursts of up to 120."
    ),
    paths(list_maps, map_scores, list_measures, get_measure, measure_actuals, post_actuals),
    components(schemas(ErrorBody, ErrorCode, ErrorDetail)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "maps", description = "Strategy maps and their scores."),
        (name = "measures", description = "Measures (KPIs) and their actuals."),
    )
)]
pub struct ApiDoc;

/// Adds the bearer-token security scheme.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("cairn_<64 hex digits>")
            .description(Some(
                "An API token from Cairn's API tokens page (shown once when created).",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The OpenAPI document as JSON, generated once.
pub fn openapi_text() -> &'static str {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOC.get_or_init(|| ApiDoc::openapi().to_json().unwrap_or_else(|_| "{}".into()))
}

async fn openapi_json() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_text()).into_response()
}

// ---------------------------------------------------------------------------------------------
// Errors

/// An error answer of the REST API: its body, sent with the status of its code (and, when
/// rate-limited, the seconds to wait).
#[derive(Debug)]
pub struct RestError(pub ErrorBody, Option<u64>);

impl RestError {
    /// The same error telling the client to retry after `seconds`.
    fn retry_after(mut self, seconds: u64) -> RestError {
        self.1 = Some(seconds);
        self
    }

    /// An error with a message and no details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> RestError {
        RestError(
            ErrorBody {
                code,
                message: message.into(),
                details: Vec::new(),
            },
            None,
        )
    }

    /// The same error with details.
    pub fn with_details(mut self, details: Vec<ErrorDetail>) -> RestError {
        self.0.details = details;
        self
    }

    fn bad_parameter(field: &str, message: impl Into<String>) -> RestError {
        let message = message.into();
        RestError::new(
            ErrorCode::BadRequest,
            format!("The query parameter {field} is malformed."),
        )
        .with_details(vec![ErrorDetail {
            index: None,
            field: Some(field.into()),
            message,
        }])
    }
}

impl From<ApiError> for RestError {
    fn from(e: ApiError) -> RestError {
        let code = match &e {
            ApiError::Unauthenticated | ApiError::BadCredentials => ErrorCode::Unauthorized,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::Invalid(_) => ErrorCode::ValidationFailed,
            ApiError::BadInput(_) | ApiError::Transport(_) => ErrorCode::BadRequest,
            ApiError::NotFound(_) | ApiError::Gone(_) => ErrorCode::NotFound,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::Internal(_) => ErrorCode::Internal,
        };
        RestError::new(code, e.to_string())
    }
}

impl From<app::store::StoreError> for RestError {
    fn from(e: app::store::StoreError) -> RestError {
        ApiError::from(e).into()
    }
}

impl From<TokenRefusal> for RestError {
    fn from(e: TokenRefusal) -> RestError {
        RestError::new(ErrorCode::Unauthorized, e.to_string())
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry = self.1;
        let mut response = (status, Json(self.0)).into_response();
        if let Some(seconds) = retry.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"cairn\""),
            );
        }
        response
    }
}

/// Result of a REST handler.
pub type RestResult<T> = Result<Json<T>, RestError>;

async fn unknown_endpoint() -> RestError {
    RestError::new(
        ErrorCode::NotFound,
        "There is no such endpoint; see /api/v1/docs.",
    )
}

async fn method_not_allowed() -> RestError {
    RestError::new(
        ErrorCode::MethodNotAllowed,
        "This endpoint does not take this method; see /api/v1/docs.",
    )
}

// ---------------------------------------------------------------------------------------------
// Authentication

/// The API token of a request and what it may do; extracting it answers 401 when there is none.
pub struct Caller {
    pub token: ApiToken,
    pub access: Access,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, RestError> {
        let token = auth::token_from_headers(&state.store, &parts.headers).await??;
        if let Some(limiter) = parts.extensions.get::<Arc<RateLimiter>>() {
            limiter.take(token.id, Instant::now()).map_err(|wait| {
                RestError::new(
                    ErrorCode::RateLimited,
                    format!(
                        "Too many requests with the API token “{}”: at most {RATE_PER_SECOND} a second (bursts of {RATE_BURST}). Retry in {wait} s.",
                        token.name
                    ),
                )
                .retry_after(wait)
            })?;
        }
        let access = Access::of_token(&state.store, &token).await?;
        Ok(Caller { token, access })
    }
}

impl Caller {
    /// A 403 unless the token may read `unit`.
    fn may_read(&self, unit: OrgUnitId, what: &str) -> Result<(), RestError> {
        if self.access.allows(unit, Action::View) {
            Ok(())
        } else {
            Err(RestError::new(
                ErrorCode::Forbidden,
                format!(
                    "The {what} is outside the scope of the API token “{}”.",
                    self.token.name
                ),
            ))
        }
    }
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, RestError> {
    q.map(|Query(t)| t).map_err(|e| {
        RestError::new(
            ErrorCode::BadRequest,
            format!("The query string is malformed: {}", e.body_text()),
        )
    })
}

fn id_of<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, RestError> {
    text.parse().map_err(|_| {
        RestError::new(
            ErrorCode::BadRequest,
            format!("\"{text}\" is not a {what} id (a UUID)."),
        )
    })
}

fn period_param(field: &str, value: Option<&str>) -> Result<Option<Period>, RestError> {
    value
        .map(|v| parse_period(v).map_err(|e| RestError::bad_parameter(field, e.to_string())))
        .transpose()
}

// ---------------------------------------------------------------------------------------------
// Maps

/// List the strategy maps in the token's scope.
#[utoipa::path(
    get, path = "/api/v1/maps", tag = "maps",
    responses(
        (status = 200, description = "The maps of the units in scope.", body = MapList),
        (status = 401, description = "Missing, malformed, unknown or revoked token.", body = ErrorBody),
        (status = 429, description = "Too many requests with this token (see `Retry-After`).", body = ErrorBody),
    )
)]
async fn list_maps(State(state): State<AppState>, caller: Caller) -> RestResult<MapList> {
    let units: HashMap<OrgUnitId, String> = state
        .store
        .org_units()
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let maps = state
        .store
        .map_summaries()
        .await?
        .into_iter()
        .filter(|(unit, _)| caller.access.allows(*unit, Action::View))
        .map(|(unit, m)| MapInfo {
            id: m.id,
            name: m.name,
            org_unit_id: unit,
            org_unit_name: units.get(&unit).cloned().unwrap_or_default(),
            status: m.status,
            period_start: m.period_start,
            period_end: m.period_end,
        })
        .collect();
    Ok(Json(MapList { maps }))
}

/// Every score of a map for a month, quarter or year: the map, its perspectives, themes,
/// objectives and measures, each with its 0–10 score and status.
#[utoipa::path(
    get, path = "/api/v1/maps/{id}/scores", tag = "maps",
    params(("id" = MapId, Path, description = "The map."), ScoresFilter),
    responses(
        (status = 200, description = "The scores for the span.", body = MapScoresInfo),
        (status = 400, description = "Malformed id, kind or period.", body = ErrorBody),
        (status = 401, description = "Missing, malformed, unknown or revoked token.", body = ErrorBody),
        (status = 429, description = "Too many requests with this token (see `Retry-After`).", body = ErrorBody),
        (status = 403, description = "The map is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map.", body = ErrorBody),
    )
)]
async fn map_scores(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    filter: Result<Query<ScoresFilter>, QueryRejection>,
) -> RestResult<MapScoresInfo> {
    let filter = query(filter)?;
    let map_id: MapId = id_of(&id, "map")?;
    let kind = filter.kind.as_deref().unwrap_or("month");
    if !["month", "quarter", "year"].contains(&kind) {
        return Err(RestError::bad_parameter(
            "kind",
            format!("\"{kind}\" is not a span kind; use month, quarter or year."),
        ));
    }
    let today = app::store::current_period();
    let period = period_param("period", filter.period.as_deref())?.unwrap_or(today);
    let map = state.store.map(map_id).await?;
    caller.may_read(map.org_unit_id, "map")?;
    let (doc, model) = state.store.score_model(map_id, today).await?;
    Ok(Json(scores_info(
        &doc,
        &model.span(Span::of_kind(kind, period)),
    )))
}

/// The REST view of a map's scores, with names beside the ids.
fn scores_info(doc: &MapDocument, scores: &app::domain::scores::MapScores) -> MapScoresInfo {
    let (from, to) = scores.span.bounds();
    let perspectives = doc
        .perspectives
        .iter()
        .map(|p| {
            let s = scores.perspective(p.id);
            GroupScore {
                id: p.id.0,
                name: p.name.clone(),
                score: s.value,
                status: s.status,
            }
        })
        .collect();
    let themes = doc
        .themes
        .iter()
        .map(|t| {
            let s = scores.theme(t.id);
            GroupScore {
                id: t.id.0,
                name: t.name.clone(),
                score: s.value,
                status: s.status,
            }
        })
        .collect();
    let objectives = doc
        .objectives
        .iter()
        .map(|o| {
            let s = scores.objective(o.id);
            ObjectiveScore {
                id: o.id,
                title: o.title.clone(),
                perspective_id: o.perspective_id,
                score: s.value,
                status: s.status,
            }
        })
        .collect();
    let measures = doc
        .measures
        .iter()
        .filter_map(|m| {
            let s = scores.measure(m.id)?;
            Some(MeasureScoreInfo {
                id: m.id,
                name: m.name.clone(),
                objective_id: m.objective_id,
                actual: s.actual,
                goal: s.goal,
                red_flag: s.red_flag,
                score: s.score.value,
                status: s.score.status,
                latest: s.latest,
                stale: s.stale,
                error: s.error.clone(),
            })
        })
        .collect();
    MapScoresInfo {
        map_id: doc.map.id,
        map_name: doc.map.name.clone(),
        span: SpanInfo {
            kind: scores.span.kind().into(),
            label: scores.span.label(),
            from,
            to,
        },
        score: scores.map.value,
        status: scores.map.status,
        perspectives,
        themes,
        objectives,
        measures,
    }
}

// ---------------------------------------------------------------------------------------------
// Measures

/// List the measures in the token's scope, optionally of one map or one org unit.
#[utoipa::path(
    get, path = "/api/v1/measures", tag = "measures",
    params(MeasureFilter),
    responses(
        (status = 200, description = "The measures.", body = MeasureList),
        (status = 400, description = "A malformed map_id or unit_id.", body = ErrorBody),
        (status = 401, description = "Missing, malformed, unknown or revoked token.", body = ErrorBody),
        (status = 429, description = "Too many requests with this token (see `Retry-After`).", body = ErrorBody),
        (status = 403, description = "The map or unit asked for is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map or unit.", body = ErrorBody),
    )
)]
async fn list_measures(
    State(state): State<AppState>,
    caller: Caller,
    filter: Result<Query<MeasureFilter>, QueryRejection>,
) -> RestResult<MeasureList> {
    let filter = query(filter)?;
    if let Some(map_id) = filter.map_id {
        let map = state.store.map(map_id).await?;
        caller.may_read(map.org_unit_id, "map")?;
    }
    if let Some(unit_id) = filter.unit_id {
        state.store.org_unit(unit_id).await?;
        caller.may_read(unit_id, "org unit")?;
    }
    let measures = state
        .store
        .placed_measures(filter.map_id)
        .await?
        .into_iter()
        .filter(|p| filter.unit_id.is_none_or(|u| u == p.org_unit_id))
        .filter(|p| caller.access.allows(p.org_unit_id, Action::View))
        .map(|p| measure_info(&caller, p))
        .collect();
    Ok(Json(MeasureList { measures }))
}

fn measure_info(caller: &Caller, p: app::store::PlacedMeasure) -> MeasureInfo {
    let writable = p.measure.data_source != DataSource::Formula
        && caller.access.allows(p.org_unit_id, Action::EnterData);
    let m = p.measure;
    MeasureInfo {
        id: m.id,
        name: m.name,
        definition: m.definition,
        unit: m.unit,
        decimals: m.decimals,
        frequency: m.frequency,
        polarity: m.polarity,
        indicator: m.indicator,
        data_source: m.data_source,
        objective_id: m.objective_id,
        objective_title: p.objective_title,
        map_id: p.map_id,
        org_unit_id: p.org_unit_id,
        writable,
    }
}

/// One measure.
#[utoipa::path(
    get, path = "/api/v1/measures/{id}", tag = "measures",
    params(("id" = MeasureId, Path, description = "The measure.")),
    responses(
        (status = 200, description = "The measure.", body = MeasureInfo),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        (status = 401, description = "Missing, malformed, unknown or revoked token.", body = ErrorBody),
        (status = 429, description = "Too many requests with this token (see `Retry-After`).", body = ErrorBody),
        (status = 403, description = "The measure is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such measure.", body = ErrorBody),
    )
)]
async fn get_measure(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<MeasureInfo> {
    let id: MeasureId = id_of(&id, "measure")?;
    let placed = state.store.placed_measure(id).await?;
    caller.may_read(placed.org_unit_id, "measure")?;
    Ok(Json(measure_info(&caller, placed)))
}

/// The actuals of a measure, oldest first, optionally for a span of months.
#[utoipa::path(
    get, path = "/api/v1/measures/{id}/actuals", tag = "measures",
    params(("id" = MeasureId, Path, description = "The measure."), ActualsFilter),
    responses(
        (status = 200, description = "The actuals.", body = ActualList),
        (status = 400, description = "A malformed id, from or to (or from after to).", body = ErrorBody),
        (status = 401, description = "Missing, malformed, unknown or revoked token.", body = ErrorBody),
        (status = 429, description = "Too many requests with this token (see `Retry-After`).", body = ErrorBody),
        (status = 403, description = "The measure is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such measure.", body = ErrorBody),
    )
)]
async fn measure_actuals(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    filter: Result<Query<ActualsFilter>, QueryRejection>,
) -> RestResult<ActualList> {
    let filter = query(filter)?;
    let id: MeasureId = id_of(&id, "measure")?;
    let from = period_param("from", filter.from.as_deref())?;
    let to = period_param("to", filter.to.as_deref())?;
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(RestError::bad_parameter(
                "from",
                format!("from ({f}) is after to ({t})."),
            ));
        }
    }
    let placed = state.store.placed_measure(id).await?;
    caller.may_read(placed.org_unit_id, "measure")?;
    let actuals = state
        .store
        .actuals(id)
        .await?
        .into_iter()
        .filter(|a| from.is_none_or(|f| a.period >= f) && to.is_none_or(|t| a.period <= t))
        .map(|a| ActualOut {
            period: a.period,
            value: a.value,
            note: a.note,
            source: a.source,
            entered_at: a.entered_at,
        })
        .collect();
    Ok(Json(ActualList {
        measure_id: id,
        actuals,
    }))
}

// ---------------------------------------------------------------------------------------------
// Posting actuals

/// Write actuals in one batch, all or nothing. A row for a measure and month that already has an
/// actual replaces it, so sending the same batch again changes nothing (idempotent by measure and
/// period). At most 1,000 rows. The affected maps' scores are recomputed and every open map and
/// dashboard redraws. Needs a read+write token whose scope holds every measure.
#[utoipa::path(
    post, path = "/api/v1/actuals", tag = "measures",
    request_body(content = ActualsBatch, description = "The rows to write.", example = json!({
        "actuals": [
            {"measure_id": "0193a5c4-7f1e-7b2a-9c3d-1e2f3a4b5c6d", "period": "2026-03", "value": 84.5, "note": "From the ERP month-end close"},
            {"measure_id": "0193a5c4-7f1e-7b2a-9c3d-1e2f3a4b5c6d", "period": "2026-04", "value": 86}
        ]
    })),
    responses(
        (status = 200, description = "Written: what each row did.", body = BatchResult),
        (status = 400, description = "The body is not JSON, or not an object with an `actuals` array.", body = ErrorBody),
        (status = 401, description = "Missing, malformed, unknown or revoked token.", body = ErrorBody),
        (status = 429, description = "Too many requests with this token (see `Retry-After`).", body = ErrorBody),
        (status = 403, description = "A read-only token, or rows for measures outside the token's scope (listed in details).", body = ErrorBody),
        (status = 404, description = "Rows for measures that do not exist (listed in details).", body = ErrorBody),
        (status = 413, description = "The body is larger than 1 MiB.", body = ErrorBody),
        (status = 422, description = "Invalid rows (listed in details with their index): a bad period, a missing or non-finite value, a note over 4,000 characters, a formula measure, the same measure and period twice, more than 1,000 rows.", body = ErrorBody),
    )
)]
async fn post_actuals(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<Value>, JsonRejection>,
) -> RestResult<BatchResult> {
    if !caller.token.can_write {
        return Err(RestError::new(
            ErrorCode::Forbidden,
            format!(
                "The API token “{}” is read-only; ask an admin for a read+write token.",
                caller.token.name
            ),
        ));
    }
    let Json(body) = body.map_err(json_rejection)?;
    let rows = rows_of(&body)?;
    if rows.is_empty() {
        return Ok(Json(BatchResult::default()));
    }
    check_measures(&state, &caller, &rows).await?;
    let cells: Vec<MeasurePeriod> = rows.iter().map(cell).collect();
    let before = state.store.actuals_at(&cells).await?;
    let batch = DataBatch {
        actuals: rows
            .iter()
            .map(|r| Actual {
                measure_id: r.measure_id,
                period: r.period,
                value: r.value,
                note: r.note.clone().unwrap_or_default(),
                entered_by: None,
                entered_at: String::new(),
                source: DataSource::Api,
            })
            .collect(),
        ..DataBatch::default()
    };
    let batch = stamp(batch, None, DataSource::Api);
    let via = format!("API token “{}” ({})", caller.token.name, caller.token.id);
    let outcome = state.hub.write_data_via(batch, None, via).await?;
    Ok(Json(batch_result(&rows, &before, outcome.maps)))
}

fn cell(r: &ActualIn) -> MeasurePeriod {
    MeasurePeriod {
        measure_id: r.measure_id,
        period: r.period,
    }
}

/// What each row did, judged against the actuals stored just before the write.
fn batch_result(
    rows: &[ActualIn],
    before: &HashMap<MeasurePeriod, Actual>,
    maps: Vec<MapId>,
) -> BatchResult {
    let mut result = BatchResult {
        maps_rescored: maps,
        ..BatchResult::default()
    };
    for (index, r) in rows.iter().enumerate() {
        let note = r.note.as_deref().unwrap_or_default();
        let status = match before.get(&cell(r)) {
            None => RowStatus::Created,
            Some(a) if a.value == r.value && a.note == note => RowStatus::Unchanged,
            Some(_) => RowStatus::Updated,
        };
        match status {
            RowStatus::Created => result.created += 1,
            RowStatus::Updated => result.updated += 1,
            RowStatus::Unchanged => result.unchanged += 1,
        }
        result.rows.push(RowResult {
            index,
            measure_id: r.measure_id,
            period: r.period,
            status,
        });
    }
    result
}

fn json_rejection(e: JsonRejection) -> RestError {
    match e {
        JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            RestError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "The body is larger than {} KiB; send fewer rows per request.",
                    MAX_BODY_BYTES / 1024
                ),
            )
        }
        JsonRejection::MissingJsonContentType(_) => RestError::new(
            ErrorCode::BadRequest,
            "Send the body as JSON with Content-Type: application/json.",
        ),
        other => RestError::new(
            ErrorCode::BadRequest,
            format!("The body is not valid JSON: {}", other.body_text()),
        ),
    }
}

/// The rows of a batch, each checked on its own; every bad row is reported (422), duplicates of
/// a measure and month included.
fn rows_of(body: &Value) -> Result<Vec<ActualIn>, RestError> {
    let Some(list) = body.get("actuals").and_then(Value::as_array) else {
        return Err(RestError::new(
            ErrorCode::BadRequest,
            "The body must be a JSON object with an \"actuals\" array: {\"actuals\": [{\"measure_id\": …, \"period\": \"YYYY-MM\", \"value\": …}]}.",
        ));
    };
    if list.len() > MAX_BATCH_ROWS {
        return Err(RestError::new(
            ErrorCode::ValidationFailed,
            format!(
                "The batch has {} rows; send at most {MAX_BATCH_ROWS} per request.",
                list.len()
            ),
        ));
    }
    let mut rows = Vec::with_capacity(list.len());
    let mut details = Vec::new();
    let mut first_of: HashMap<MeasurePeriod, usize> = HashMap::new();
    for (index, value) in list.iter().enumerate() {
        match row_of(value) {
            Ok(row) => {
                if let Some(first) = first_of.get(&cell(&row)) {
                    details.push(ErrorDetail {
                        index: Some(index),
                        field: Some("period".into()),
                        message: format!(
                            "duplicates row {first}: the same measure and period appear twice in one batch"
                        ),
                    });
                } else {
                    first_of.insert(cell(&row), index);
                }
                rows.push(row);
            }
            Err((field, message)) => details.push(ErrorDetail {
                index: Some(index),
                field,
                message,
            }),
        }
    }
    if details.is_empty() {
        Ok(rows)
    } else {
        Err(RestError::new(
            ErrorCode::ValidationFailed,
            format!(
                "{} of {} rows are invalid; nothing was saved.",
                details.len(),
                list.len()
            ),
        )
        .with_details(details))
    }
}

/// One row, or the field that is wrong and why.
fn row_of(value: &Value) -> Result<ActualIn, (Option<String>, String)> {
    const FIELDS: [&str; 4] = ["measure_id", "period", "value", "note"];
    let bad = |field: &str, message: String| (Some(field.to_string()), message);
    let Some(row) = value.as_object() else {
        return Err((
            None,
            "each row must be an object {measure_id, period, value, note?}".into(),
        ));
    };
    if let Some(unknown) = row.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(bad(
            unknown,
            format!("unknown field \"{unknown}\" (expected measure_id, period, value, note)"),
        ));
    }
    let text = |field: &str| -> Result<&str, (Option<String>, String)> {
        match row.get(field) {
            None | Some(Value::Null) => Err(bad(field, format!("{field} is missing"))),
            Some(Value::String(s)) => Ok(s.as_str()),
            Some(_) => Err(bad(field, format!("{field} must be a string"))),
        }
    };
    let id_text = text("measure_id")?;
    let measure_id: MeasureId = id_text.parse().map_err(|_| {
        bad(
            "measure_id",
            format!("\"{id_text}\" is not a measure id (a UUID)"),
        )
    })?;
    let period: Period = text("period")?
        .parse()
        .map_err(|e: app::domain::period::PeriodParseError| bad("period", e.to_string()))?;
    let value = match row.get("value") {
        None | Some(Value::Null) => return Err(bad("value", "value is missing".into())),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|v| v.is_finite())
            .ok_or_else(|| bad("value", "value must be a finite number".into()))?,
        Some(_) => {
            return Err(bad(
                "value",
                "value must be a finite number (not a string)".into(),
            ))
        }
    };
    let note = match row.get("note") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(bad("note", "note must be a string".into())),
    };
    let actual = Actual {
        measure_id,
        period,
        value,
        note: note.clone().unwrap_or_default(),
        entered_by: None,
        entered_at: String::new(),
        source: DataSource::Api,
    };
    validation::actual(&actual).map_err(|e| {
        let field = match &e {
            ValidationError::TooLong { .. } => "note",
            _ => "value",
        };
        bad(field, e.to_string())
    })?;
    Ok(ActualIn {
        measure_id,
        period,
        value,
        note,
    })
}

/// Every row's measure exists (404), is writable by this token (403) and is not a formula
/// (422); each failing row is listed with its index.
async fn check_measures(
    state: &AppState,
    caller: &Caller,
    rows: &[ActualIn],
) -> Result<(), RestError> {
    let mut ids: Vec<MeasureId> = rows.iter().map(|r| r.measure_id).collect();
    ids.sort();
    ids.dedup();
    let scopes = state.store.measure_scopes(&ids).await?;
    let detail = |index: usize, message: String| ErrorDetail {
        index: Some(index),
        field: Some("measure_id".into()),
        message,
    };
    let missing: Vec<ErrorDetail> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !scopes.contains_key(&r.measure_id))
        .map(|(i, r)| detail(i, format!("there is no measure {}", r.measure_id)))
        .collect();
    if !missing.is_empty() {
        return Err(RestError::new(
            ErrorCode::NotFound,
            format!(
                "{} row(s) name a measure that does not exist; nothing was saved.",
                missing.len()
            ),
        )
        .with_details(missing));
    }
    let scoped = |r: &ActualIn| scopes.get(&r.measure_id);
    let refused: Vec<ErrorDetail> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let refusal = caller.access.actual_refusal(scoped(r)?)?;
            Some(detail(i, refusal))
        })
        .collect();
    if !refused.is_empty() {
        return Err(RestError::new(
            ErrorCode::Forbidden,
            format!(
                "{} row(s) are outside the scope of the API token “{}”; nothing was saved.",
                refused.len(),
                caller.token.name
            ),
        )
        .with_details(refused));
    }
    let computed: Vec<ErrorDetail> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let s = scoped(r)?;
            s.computed.then(|| {
                detail(
                    i,
                    ValidationError::ComputedMeasure(s.name.clone()).to_string(),
                )
            })
        })
        .collect();
    if !computed.is_empty() {
        return Err(RestError::new(
            ErrorCode::ValidationFailed,
            format!(
                "{} row(s) are for formula measures, whose values are computed; nothing was saved.",
                computed.len()
            ),
        )
        .with_details(computed));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_rate_limiter_allows_bursts_then_the_sustained_rate() {
        let limiter = RateLimiter::new(3, 2);
        let (a, b) = (ApiTokenId::new(), ApiTokenId::new());
        let t0 = Instant::now();
        assert!((0..3).all(|_| limiter.take(a, t0).is_ok()));
        assert_eq!(limiter.take(a, t0), Err(1), "the burst is spent");
        assert!(limiter.take(b, t0).is_ok(), "each token has its own bucket");
        assert!(
            limiter.take(a, t0 + Duration::from_millis(500)).is_ok(),
            "2 a second refill"
        );
        assert!(limiter.take(a, t0 + Duration::from_millis(600)).is_err());
        let later = t0 + Duration::from_secs(60);
        assert!(
            (0..3).all(|_| limiter.take(a, later).is_ok()),
            "refills up to the burst"
        );
        assert!(limiter.take(a, later).is_err(), "and no further");
    }
}
