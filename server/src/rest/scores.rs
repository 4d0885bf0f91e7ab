//! `/api/v1/maps/{id}/scores`: every score of a map for a month, quarter or year.

use super::params::{id_of, period_param, query};
use super::{Caller, RestError, RestResult};
use crate::AppState;
use app::api::rest_types::*;
use app::domain::scoring::Span;
use app::domain::*;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;

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
pub async fn map_scores(
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
