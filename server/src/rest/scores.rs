//! `/api/v1/maps/{id}/scores`: every score of a map for a month, quarter or year.

use super::params::{id_of, period_param, query};
use super::{Caller, RestError, RestResult, TokenRefusals};
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
        TokenRefusals,
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
        .map(|p| group_score(p.id.0, &p.name, scores.perspective(p.id)))
        .collect();
    let themes = doc
        .themes
        .iter()
        .map(|t| group_score(t.id.0, &t.name, scores.theme(t.id)))
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
                error: s.error.as_ref().map(|e| e.text(super::error::locale())),
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

/// A perspective's or theme's score with its name.
fn group_score(id: uuid::Uuid, name: &str, s: app::domain::scoring::Score) -> GroupScore {
    GroupScore {
        id,
        name: name.to_string(),
        score: s.value,
        status: s.status,
    }
}
