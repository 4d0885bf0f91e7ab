//! `/api/v1/units/{id}/reviews`, `/api/v1/reviews/{id}` and `/api/v1/units/{id}/actions`,
//! `/api/v1/actions/{id}`: a unit's strategy reviews and the record each leaves (a closed
//! review's stored snapshot, unchanged by later data), the comparison of two reviews, and the
//! action items tracked until done, with the same rights as the UI: the checks are
//! `app::api::reviews::service`'s.

use super::error::locale;
use super::params::id_of;
use super::units::{body, may_write};
use super::{Caller, RestResult, TokenRefusals};
use crate::AppState;
use app::api::rest_types::*;
use app::api::reviews::{service, ActionView, ReviewPage, ReviewsPage};
use app::domain::review::{ActionItem, Comparison};
use app::domain::*;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;

/// A unit's reviews (latest first), its action items, the maps a review may look at, who may
/// attend, and whether the unit requires commentary on red items.
#[utoipa::path(
    get, path = "/api/v1/units/{id}/reviews", tag = "reviews",
    params(("id" = OrgUnitId, Path, description = "The org unit.")),
    responses(
        (status = 200, description = "The unit's reviews.", body = ReviewsPage),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such unit.", body = ErrorBody),
    )
)]
pub async fn list_reviews(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<ReviewsPage> {
    let unit: OrgUnitId = id_of(&id, "org unit")?;
    Ok(Json(
        service::reviews_page(
            &state.store,
            &caller.access,
            caller.token.created_by,
            unit,
            state.mail.configured,
        )
        .await?,
    ))
}

/// One review with its agenda, commentary, decisions and actions. For a closed review
/// `snapshot` is the record stored at closing (`frozen` is true): it reads the same whatever
/// data changed since. For a scheduled one it is what closing it now would freeze.
#[utoipa::path(
    get, path = "/api/v1/reviews/{id}", tag = "reviews",
    params(("id" = ReviewId, Path, description = "The review.")),
    responses(
        (status = 200, description = "The review.", body = ReviewPage),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "Its unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such review.", body = ErrorBody),
    )
)]
pub async fn get_review(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<ReviewPage> {
    let id: ReviewId = id_of(&id, "review")?;
    Ok(Json(
        service::page(
            &state.store,
            &caller.access,
            caller.token.created_by,
            id,
            locale(),
        )
        .await?,
    ))
}

/// What changed from an earlier review of the same unit to this one: statuses that moved, new
/// reds, the earlier review's open actions done since and those still open.
#[utoipa::path(
    get, path = "/api/v1/reviews/{id}/comparison/{earlier}", tag = "reviews",
    params(
        ("id" = ReviewId, Path, description = "The later review."),
        ("earlier" = ReviewId, Path, description = "The earlier review of the same unit."),
    ),
    responses(
        (status = 200, description = "The comparison.", body = Comparison),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such review, or the two are of different units.", body = ErrorBody),
    )
)]
pub async fn compare_reviews(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, earlier)): Path<(String, String)>,
) -> RestResult<Comparison> {
    let later: ReviewId = id_of(&id, "review")?;
    let earlier: ReviewId = id_of(&earlier, "review")?;
    Ok(Json(
        service::compare(&state.store, &caller.access, earlier, later, locale()).await?,
    ))
}

/// A unit's action items from its reviews: open ones first, by due date, each with its owner's
/// name, its review's title and whether it is overdue.
#[utoipa::path(
    get, path = "/api/v1/units/{id}/actions", tag = "reviews",
    params(("id" = OrgUnitId, Path, description = "The org unit.")),
    responses(
        (status = 200, description = "The unit's actions.", body = Vec<ActionView>),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such unit.", body = ErrorBody),
    )
)]
pub async fn list_actions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<Vec<ActionView>> {
    let unit: OrgUnitId = id_of(&id, "org unit")?;
    let page = service::reviews_page(
        &state.store,
        &caller.access,
        caller.token.created_by,
        unit,
        state.mail.configured,
    )
    .await?;
    Ok(Json(page.actions))
}

/// Whether an action is done.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActionDone {
    /// `true` marks it done today; `false` opens it again.
    pub done: bool,
}

/// Mark an action done (today) or open again. Needs a read+write token made by the action's
/// owner, or the editor role on its unit.
#[utoipa::path(
    patch, path = "/api/v1/actions/{id}", tag = "reviews",
    params(("id" = ActionItemId, Path, description = "The action.")),
    request_body = ActionDone,
    responses(
        (status = 200, description = "The action as it now is.", body = ActionItem),
        (status = 400, description = "A malformed id or body.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, or neither its owner nor an editor of its unit.", body = ErrorBody),
        (status = 404, description = "No such action.", body = ErrorBody),
    )
)]
pub async fn patch_action(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    done: Result<Json<ActionDone>, JsonRejection>,
) -> RestResult<ActionItem> {
    let id: ActionItemId = id_of(&id, "action")?;
    may_write(&caller)?;
    let ActionDone { done } = body(done)?;
    let (action, review) = service::set_action_done(
        &state.store,
        &caller.access,
        caller.token.created_by,
        id,
        done,
    )
    .await?;
    app::context::MapWriter::reviews_changed(state.hub.as_ref(), review.map_id).await;
    Ok(Json(action))
}

/// When a unit mails its maps' briefing books: the day of the month (1 to 28) the books of the
/// month just closed go to everyone with a role in the unit, or `null` when it does not.
#[derive(Debug, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct BriefingMail {
    pub day: Option<u8>,
}

/// When a unit mails its briefing books.
#[utoipa::path(
    get, path = "/api/v1/units/{id}/briefing-mail", tag = "reviews",
    params(("id" = OrgUnitId, Path, description = "The org unit.")),
    responses(
        (status = 200, description = "The unit's mailing day.", body = BriefingMail),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The unit is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such unit.", body = ErrorBody),
    )
)]
pub async fn get_briefing_mail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<BriefingMail> {
    let unit: OrgUnitId = id_of(&id, "org unit")?;
    state.store.org_unit(unit).await?;
    app::api::units::service::need(&state.store, &caller.access, unit, Action::View).await?;
    Ok(Json(BriefingMail {
        day: state.store.briefing_mail_day(unit).await?,
    }))
}

/// Set the day a unit mails its briefing books, or `null` to stop. Needs a read+write token
/// with the admin role on the unit.
#[utoipa::path(
    put, path = "/api/v1/units/{id}/briefing-mail", tag = "reviews",
    params(("id" = OrgUnitId, Path, description = "The org unit.")),
    request_body = BriefingMail,
    responses(
        (status = 200, description = "The mailing day as it now is.", body = BriefingMail),
        (status = 400, description = "A malformed id or body.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "A read-only token, or no admin role on the unit.", body = ErrorBody),
        (status = 404, description = "No such unit.", body = ErrorBody),
        (status = 422, description = "A day out of range.", body = ErrorBody),
    )
)]
pub async fn put_briefing_mail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    mail: Result<Json<BriefingMail>, JsonRejection>,
) -> RestResult<BriefingMail> {
    let unit: OrgUnitId = id_of(&id, "org unit")?;
    may_write(&caller)?;
    let BriefingMail { day } = body(mail)?;
    service::set_briefing_mail(
        &state.store,
        &caller.access,
        caller.token.created_by,
        unit,
        day,
    )
    .await?;
    Ok(Json(BriefingMail { day }))
}
