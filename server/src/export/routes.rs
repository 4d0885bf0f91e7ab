//! The download links of the pages, for the signed-in user (session cookie), in their language:
//! `/maps/{id}/export/scorecard.{csv,xlsx}`, `/maps/{id}/export/map.{svg,png}`,
//! `/maps/{id}/export/briefing.pdf` (each with `kind` and `period`),
//! `/units/{id}/export/timeline.png` and `/reviews/{id}/briefing.pdf`. REST v1 serves the same
//! files to API tokens (`rest::exports`).

use super::files::{self, Download, Picture, Sheet, SpanQuery};
use crate::AppState;
use app::api::ApiError;
use app::auth::{self, Access};
use app::domain::{MapId, OrgUnitId, ReviewId, User};
use app::i18n::Locale;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

impl IntoResponse for Download {
    fn into_response(self) -> Response {
        let disposition = format!("attachment; filename=\"{}\"", self.file_name);
        let mut res = self.bytes.into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }
}

/// The signed-in user, their rights and language.
async fn caller(state: &AppState, headers: &HeaderMap) -> Result<(User, Access, Locale), ApiError> {
    let user = auth::user_from_headers(&state.store, headers)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let access = Access::of_user(&state.store, &user).await?;
    let locale = auth::request_locale(&state.store, Some(&user), headers).await;
    Ok((user, access, locale))
}

fn id_of<T: std::str::FromStr>(raw: &str, what: &str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| ApiError::NotFound(what.into()))
}

fn span_of(q: Result<Query<SpanQuery>, QueryRejection>) -> Result<SpanQuery, ApiError> {
    q.map(|Query(q)| q).map_err(|e| {
        ApiError::BadInput(app::api::Refusal::Malformed {
            detail: e.body_text(),
        })
    })
}

fn answer(result: Result<Download, ApiError>) -> Response {
    result.map_or_else(IntoResponse::into_response, IntoResponse::into_response)
}

/// `GET /maps/{id}/export/{file}`: `scorecard.csv`, `scorecard.xlsx`, `map.svg`, `map.png` or
/// `briefing.pdf`.
pub async fn map_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, file)): Path<(String, String)>,
    q: Result<Query<SpanQuery>, QueryRejection>,
) -> Response {
    answer(
        async {
            let (_, access, locale) = caller(&state, &headers).await?;
            let id: MapId = id_of(&id, "map")?;
            let span = span_of(q)?;
            let store = &state.store;
            match file.as_str() {
                "map.svg" => {
                    files::map_picture(store, &access, id, &span, Picture::Svg, locale).await
                }
                "map.png" => {
                    files::map_picture(store, &access, id, &span, Picture::Png, locale).await
                }
                "briefing.pdf" => files::map_book(store, &access, id, &span, locale).await,
                "scorecard.csv" => {
                    files::scorecard_file(store, &access, id, &span, Sheet::Csv, locale).await
                }
                "scorecard.xlsx" => {
                    files::scorecard_file(store, &access, id, &span, Sheet::Xlsx, locale).await
                }
                _ => Err(ApiError::NotFound("export".into())),
            }
        }
        .await,
    )
}

/// `GET /units/{id}/export/timeline.png`.
pub async fn timeline(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    answer(
        async {
            let (_, access, locale) = caller(&state, &headers).await?;
            let id: OrgUnitId = id_of(&id, "unit")?;
            files::timeline_png(&state.store, &access, id, locale).await
        }
        .await,
    )
}

/// `GET /reviews/{id}/briefing.pdf`.
pub async fn review_book(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    answer(
        async {
            let (user, access, locale) = caller(&state, &headers).await?;
            let id: ReviewId = id_of(&id, "review")?;
            files::review_book(&state.store, &access, Some(user.id), id, locale).await
        }
        .await,
    )
}

/// `GET /surveys/{id}/results.pdf`.
pub async fn survey_results(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    answer(
        async {
            let (_, access, locale) = caller(&state, &headers).await?;
            let id: app::domain::SurveyId = id_of(&id, "survey")?;
            files::survey_results(&state.store, &access, id, locale).await
        }
        .await,
    )
}
