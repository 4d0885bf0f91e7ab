//! `GET /admin/audit.csv`: the audit page's CSV download, with the page's filters and rights
//! (signed-in admins; rows of the units they administer), every text cell neutralised against
//! spreadsheet formulas.

use crate::AppState;
use app::api::history::{server, AuditFilter};
use app::api::ApiError;
use app::auth;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

/// The CSV of the audit history with the query's filters (`person`, `unit`, `kind`, `from`,
/// `to`; a malformed one is a 400).
pub async fn audit_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    filter: Result<Query<AuditFilter>, QueryRejection>,
) -> Response {
    let user = match auth::user_from_headers(&state.store, &headers).await {
        Ok(Some(u)) => u,
        Ok(None) => return ApiError::Unauthenticated.into_response(),
        Err(e) => return e.into_response(),
    };
    let filter = match filter {
        Ok(Query(f)) => f,
        Err(e) => return (axum::http::StatusCode::BAD_REQUEST, e.body_text()).into_response(),
    };
    let locale = auth::request_locale(&state.store, Some(&user), &headers).await;
    let csv = async {
        let access = auth::Access::of_user(&state.store, &user).await?;
        server::audit_csv(&state.store, &access, &filter, locale).await
    };
    match csv.await {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"cairn-audit.csv\"",
                ),
            ],
            text,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
