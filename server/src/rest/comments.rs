//! `/api/v1/{objectives|measures|initiatives|review-items}/{id}/comments`: the comment threads
//! on an item, read with the same rights as the app (a viewer's token on the item's unit); they
//! are written in the app, where their authors sign in.

use super::params::id_of;
use super::{Caller, RestResult, TokenRefusals};
use crate::AppState;
use app::api::comments::{service, CommentsView};
use app::api::rest_types::*;
use app::domain::comment::CommentSubject;
use app::domain::*;
use axum::extract::{Path, State};
use axum::Json;

/// The threads on `subject`, as the token's person (or nobody) sees them.
async fn threads(
    state: &AppState,
    caller: &Caller,
    subject: CommentSubject,
) -> RestResult<CommentsView> {
    Ok(Json(
        service::view(
            &state.store,
            &caller.access,
            caller.token.created_by,
            subject,
        )
        .await?,
    ))
}

/// The comment threads on an objective: open ones first, each with its replies.
#[utoipa::path(
    get, path = "/api/v1/objectives/{id}/comments", tag = "comments",
    params(("id" = ObjectiveId, Path, description = "The objective.")),
    responses(
        (status = 200, description = "Its threads.", body = CommentsView),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Its unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such objective.", body = ErrorBody),
    )
)]
pub async fn objective_comments(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<CommentsView> {
    let id: ObjectiveId = id_of(&id, "objective")?;
    threads(&state, &caller, CommentSubject::Objective(id)).await
}

/// The comment threads on a measure.
#[utoipa::path(
    get, path = "/api/v1/measures/{id}/comments", tag = "comments",
    params(("id" = MeasureId, Path, description = "The measure.")),
    responses(
        (status = 200, description = "Its threads.", body = CommentsView),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Its unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such measure.", body = ErrorBody),
    )
)]
pub async fn measure_comments(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<CommentsView> {
    let id: MeasureId = id_of(&id, "measure")?;
    threads(&state, &caller, CommentSubject::Measure(id)).await
}

/// The comment threads on an initiative.
#[utoipa::path(
    get, path = "/api/v1/initiatives/{id}/comments", tag = "comments",
    params(("id" = InitiativeId, Path, description = "The initiative.")),
    responses(
        (status = 200, description = "Its threads.", body = CommentsView),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Its unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such initiative.", body = ErrorBody),
    )
)]
pub async fn initiative_comments(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<CommentsView> {
    let id: InitiativeId = id_of(&id, "initiative")?;
    threads(&state, &caller, CommentSubject::Initiative(id)).await
}

/// The comment threads on an item of a review's agenda.
#[utoipa::path(
    get, path = "/api/v1/review-items/{id}/comments", tag = "comments",
    params(("id" = ReviewItemId, Path, description = "The agenda item.")),
    responses(
        (status = 200, description = "Its threads.", body = CommentsView),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Its unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such agenda item.", body = ErrorBody),
    )
)]
pub async fn review_item_comments(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<CommentsView> {
    let id: ReviewItemId = id_of(&id, "review item")?;
    threads(&state, &caller, CommentSubject::ReviewItem(id)).await
}
