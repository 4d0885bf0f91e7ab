//! `/api/v1/history`: the readable history of an objective, measure, map or org unit in the
//! token's scope (who changed what, when, with the old and the new value). A token reads what
//! its scope lets it read; a person's history is not open to tokens.

use super::error::locale;
use super::params::{id_of, query};
use super::{Caller, RestResult, TokenRefusals};
use crate::AppState;
use app::api::history::{server, HistoryList, HistoryQuery};
use app::api::rest_types::*;
use app::domain::history::HistoryKind;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;

/// The history of one item, newest first, 50 changes a page.
#[utoipa::path(
    get, path = "/api/v1/history", tag = "history",
    params(HistoryQuery),
    responses(
        (status = 200, description = "A page of the item's changes.", body = HistoryList),
        (status = 400, description = "An unknown kind or a malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The item is outside the token's scope, or a person's history was asked for.", body = ErrorBody),
        (status = 404, description = "No such item.", body = ErrorBody),
    )
)]
pub async fn item_history(
    State(state): State<AppState>,
    caller: Caller,
    q: Result<Query<HistoryQuery>, QueryRejection>,
) -> RestResult<HistoryList> {
    let q = query(q)?;
    let kind: HistoryKind = q
        .kind
        .parse()
        .map_err(|e: String| super::RestError::bad_parameter("kind", e))?;
    let id: uuid::Uuid = id_of(&q.id, "item")?;
    let scope = server::scope(&state.store, kind, id).await?;
    server::may_read(&state.store, &caller.access, &scope).await?;
    let page = server::page(&state.store, &scope, q.page.unwrap_or(0)).await?;
    Ok(Json(HistoryList::of(page, locale())))
}
