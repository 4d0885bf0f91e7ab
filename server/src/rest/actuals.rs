//! Actuals: `GET /api/v1/measures/{id}/actuals` reads a measure's reported values, and
//! `POST /api/v1/actuals` writes a batch of them, all or nothing, through the hub's data path.

use super::params::{id_of, period_param, query};
use super::{Caller, RestError, RestResult, TokenRefusals, MAX_BODY_BYTES};
use crate::AppState;
use app::api::rest_types::*;
use app::api::stamp;
use app::context::DataWriter;
use app::domain::*;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;
use std::collections::HashMap;

/// The actuals of a measure, oldest first, optionally for a span of months.
#[utoipa::path(
    get, path = "/api/v1/measures/{id}/actuals", tag = "measures",
    params(("id" = MeasureId, Path, description = "The measure."), ActualsFilter),
    responses(
        (status = 200, description = "The actuals.", body = ActualList),
        (status = 400, description = "A malformed id, from or to (or from after to).", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The measure is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such measure.", body = ErrorBody),
    )
)]
pub async fn measure_actuals(
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
        TokenRefusals,
        (status = 403, description = "A read-only token, or rows for measures outside the token's scope (listed in details).", body = ErrorBody),
        (status = 404, description = "Rows for measures that do not exist (listed in details).", body = ErrorBody),
        (status = 413, description = "The body is larger than 1 MiB.", body = ErrorBody),
        (status = 422, description = "Invalid rows (listed in details with their index): a bad period, a missing or non-finite value, a note over 4,000 characters, a formula measure, the same measure and period twice, more than 1,000 rows.", body = ErrorBody),
    )
)]
pub async fn post_actuals(
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

pub(super) fn json_rejection(e: JsonRejection) -> RestError {
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
    let scope = |r: &ActualIn| scopes.get(&r.measure_id);
    refuse_rows(
        rows,
        ErrorCode::NotFound,
        |n| format!("{n} row(s) name a measure that does not exist; nothing was saved."),
        |r| {
            scope(r)
                .is_none()
                .then(|| format!("there is no measure {}", r.measure_id))
        },
    )?;
    refuse_rows(
        rows,
        ErrorCode::Forbidden,
        |n| {
            format!(
                "{n} row(s) are outside the scope of the API token “{}”; nothing was saved.",
                caller.token.name
            )
        },
        |r| {
            caller
                .access
                .actual_refusal(scope(r)?)
                .map(|m| m.text(super::error::locale()))
        },
    )?;
    refuse_rows(
        rows,
        ErrorCode::ValidationFailed,
        |n| {
            format!("{n} row(s) are for formula measures, whose values are computed; nothing was saved.")
        },
        |r| {
            let s = scope(r)?;
            s.computed
                .then(|| ValidationError::ComputedMeasure(s.name.clone()).to_string())
        },
    )
}

/// The rows `refusal` finds fault with, each listed with its index, as one error with `code`
/// and the `summary` of their count; `Ok` when it finds none.
fn refuse_rows(
    rows: &[ActualIn],
    code: ErrorCode,
    summary: impl Fn(usize) -> String,
    refusal: impl Fn(&ActualIn) -> Option<String>,
) -> Result<(), RestError> {
    let details: Vec<ErrorDetail> = rows
        .iter()
        .enumerate()
        .filter_map(|(index, r)| {
            Some(ErrorDetail {
                index: Some(index),
                field: Some("measure_id".into()),
                message: refusal(r)?,
            })
        })
        .collect();
    if details.is_empty() {
        return Ok(());
    }
    Err(RestError::new(code, summary(details.len())).with_details(details))
}
