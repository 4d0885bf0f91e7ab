//! Strategy reviews through the API: a unit's reviews and actions, scheduling one (its agenda
//! generated from the data, owners told what they have to write), the review page (the agenda
//! with each item's figures, chart, "why", commentary and initiatives; decisions; actions),
//! the facilitator's agenda edits and presenter steps, commentary, decisions and actions taken
//! in the meeting, closing (the snapshot frozen), the comparison of two reviews, and each
//! person's "to write" list and open actions. [`service`] serves the REST API the same way.
//! Viewers of the unit read; editors run the review; owners write their items' commentary and
//! mark their actions done.

use super::ApiError;
use crate::domain::review::*;
use crate::domain::*;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A map a review may look at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MapChoice {
    pub id: MapId,
    pub name: String,
}

/// An action as lists show it: with its owner's name, its review's title and whether it is late.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActionView {
    pub action: ActionItem,
    pub owner: Option<String>,
    pub review_title: String,
    pub overdue: bool,
    /// The caller may mark it done or open again.
    pub may_complete: bool,
}

/// A unit's reviews page: its reviews (latest first), its actions, what a new review may look
/// at and who may attend, the unit's commentary rule and what the caller may do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewsPage {
    pub unit: OrgUnit,
    pub today: NaiveDate,
    pub reviews: Vec<Review>,
    pub actions: Vec<ActionView>,
    pub maps: Vec<MapChoice>,
    pub people: Vec<Person>,
    pub red_commentary_required: bool,
    /// The day of the month the unit mails its maps' briefing books (`None`: it does not).
    pub briefing_mail_day: Option<u8>,
    /// An SMTP server is configured (without one, mailed books wait in the queue).
    pub mail_configured: bool,
    /// The caller may schedule and run reviews (editor or admin, not archived).
    pub may_edit: bool,
    /// The caller may set the unit's commentary rule (admin).
    pub may_admin: bool,
}

/// What the facilitator fills in to schedule a review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewDraft {
    pub org_unit_id: OrgUnitId,
    pub map_id: MapId,
    pub title: String,
    pub cadence: Cadence,
    pub held_on: NaiveDate,
    /// The span it reviews; by default the one its cadence just closed.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub span: Option<scoring::Span>,
    #[serde(default)]
    pub attendees: Vec<UserId>,
}

/// An earlier closed review of the same unit, to compare with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EarlierReview {
    pub id: ReviewId,
    pub title: String,
    pub held_on: NaiveDate,
}

/// One review as its page shows it. For a scheduled review the snapshot is what closing it now
/// would freeze; for a closed one it is the stored snapshot, unchanged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewPage {
    pub review: Review,
    pub unit: OrgUnit,
    pub snapshot: Snapshot,
    /// The snapshot is the stored record of a closed review.
    pub frozen: bool,
    /// People with a role on the unit: owners and attendees to choose from, names to show.
    pub people: Vec<Person>,
    /// The actions the review shows: captured in it, and still open from earlier ones.
    pub actions: Vec<ActionView>,
    pub may_edit: bool,
    /// The agenda items whose commentary the caller may write.
    pub may_write: Vec<ReviewItemId>,
    pub red_commentary_required: bool,
    /// Red items without analysis, while the unit requires it.
    pub missing_commentary: Vec<ReviewItemId>,
    /// Closed reviews of the unit held before this one, latest first.
    pub earlier: Vec<EarlierReview>,
    pub today: NaiveDate,
}

/// An agenda item someone owns on a review still to be held.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ToWrite {
    pub review_id: ReviewId,
    pub review_title: String,
    pub held_on: NaiveDate,
    pub item_id: ReviewItemId,
    pub title: String,
    pub reason: ItemReason,
    pub written: bool,
}

/// The caller's review work for the home page: what to write before which review, and their
/// open actions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyReviewWork {
    pub to_write: Vec<ToWrite>,
    pub actions: Vec<ActionView>,
}

/// A unit's reviews and actions (viewers of the unit).
#[server(prefix = "/api", endpoint = "unit_reviews", input = Json, output = super::TextJson)]
pub async fn unit_reviews(unit_id: OrgUnitId) -> Result<ReviewsPage, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::reviews_page(
                &ctx.store,
                &access,
                Some(user.id),
                unit_id,
                ctx.mail.configured,
            )
            .await
        }
        .await,
    )
}

/// Schedules a review (editors of the unit): its agenda is generated from the data and each
/// item's owner finds it in their "to write" list (and by e-mail where mail is configured).
#[server(prefix = "/api", endpoint = "schedule_review", input = Json, output = super::TextJson)]
pub async fn schedule_review(draft: ReviewDraft) -> Result<ReviewId, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let review = service::schedule(&ctx.store, &access, Some(user.id), draft).await?;
            if ctx.mail.configured {
                service::tell_owners(&ctx.store, &ctx.mail.base_url, &review).await?;
            }
            ctx.maps.reviews_changed(review.map_id).await;
            Ok(review.id)
        }
        .await,
    )
}

/// One review with everything its page shows (viewers of the unit).
#[server(prefix = "/api", endpoint = "get_review", input = Json, output = super::TextJson)]
pub async fn get_review(id: ReviewId) -> Result<ReviewPage, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let locale = super::ssr::locale(&ctx, &user).await;
            service::page(&ctx.store, &access, Some(user.id), id, locale).await
        }
        .await,
    )
}

/// Changes a scheduled review's title, date, span and attendees (editors).
#[server(prefix = "/api", endpoint = "save_review", input = Json, output = super::TextJson)]
pub async fn save_review(review: Review) -> Result<(), ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let stored = service::open_for_edit(&ctx.store, &access, review.id).await?;
            service::check_attendees(&ctx.store, stored.org_unit_id, &review.attendees).await?;
            let changed = Review {
                id: stored.id,
                org_unit_id: stored.org_unit_id,
                map_id: stored.map_id,
                state: stored.state,
                presenting: stored.presenting,
                closed_at: None,
                ..review
            };
            ctx.store.update_review(&changed, Some(user.id)).await?;
            ctx.maps.reviews_changed(stored.map_id).await;
            Ok(())
        }
        .await,
    )
}

/// Replaces a scheduled review's agenda (editors): items kept keep their commentary, items
/// added are topics; `refresh` also adds what the data now asks for. Returns the agenda.
#[server(prefix = "/api", endpoint = "save_agenda", input = Json, output = super::TextJson)]
pub async fn save_agenda(
    review_id: ReviewId,
    items: Vec<AgendaItem>,
    refresh: bool,
) -> Result<Vec<AgendaItem>, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let review = service::open_for_edit(&ctx.store, &access, review_id).await?;
            let agenda =
                service::save_agenda(&ctx.store, &review, items, refresh, Some(user.id)).await?;
            ctx.maps.reviews_changed(review.map_id).await;
            Ok(agenda)
        }
        .await,
    )
}

/// Writes an agenda item's commentary (its owner, or an editor of the unit).
#[server(prefix = "/api", endpoint = "write_commentary", input = Json, output = super::TextJson)]
pub async fn write_commentary(
    item_id: ReviewItemId,
    analysis: String,
    recommendation: String,
) -> Result<(), ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let review = service::write_commentary(
                &ctx.store,
                &access,
                user.id,
                item_id,
                analysis,
                recommendation,
            )
            .await?;
            ctx.maps.reviews_changed(review.map_id).await;
            Ok(())
        }
        .await,
    )
}

/// Shows agenda item `step` on every attendee's screen that follows, or ends the presentation
/// (editors).
#[server(prefix = "/api", endpoint = "present_review", input = Json, output = super::TextJson)]
pub async fn present_review(review_id: ReviewId, step: Option<u32>) -> Result<(), ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let review = service::open_for_edit(&ctx.store, &access, review_id).await?;
            ctx.store.set_presenting(review.id, step).await?;
            ctx.maps.reviews_changed(review.map_id).await;
            Ok(())
        }
        .await,
    )
}

/// Records a decision taken in the meeting, on an item or on the whole review (editors).
#[server(prefix = "/api", endpoint = "add_decision", input = Json, output = super::TextJson)]
pub async fn add_decision(
    review_id: ReviewId,
    item_id: Option<ReviewItemId>,
    text: String,
) -> Result<Decision, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let review = service::open_for_edit(&ctx.store, &access, review_id).await?;
            service::item_on(&ctx.store, &review, item_id).await?;
            let decision = Decision {
                id: DecisionId::new(),
                item_id,
                text: text.trim().to_string(),
                created_at: crate::store::now_text(),
            };
            ctx.store
                .add_decision(review.id, &decision, Some(user.id))
                .await?;
            ctx.maps.reviews_changed(review.map_id).await;
            Ok(decision)
        }
        .await,
    )
}

/// Captures an action item in the meeting (editors): who does what by when, on which item.
#[server(prefix = "/api", endpoint = "add_action", input = Json, output = super::TextJson)]
pub async fn add_action(
    review_id: ReviewId,
    item_id: Option<ReviewItemId>,
    text: String,
    owner_id: Option<UserId>,
    due_on: NaiveDate,
) -> Result<ActionItem, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let review = service::open_for_edit(&ctx.store, &access, review_id).await?;
            let action = service::add_action(
                &ctx.store,
                &review,
                item_id,
                text,
                owner_id,
                due_on,
                Some(user.id),
            )
            .await?;
            ctx.maps.reviews_changed(review.map_id).await;
            Ok(action)
        }
        .await,
    )
}

/// Marks an action done (today) or open again (its owner, or an editor of the unit).
#[server(prefix = "/api", endpoint = "set_action_done", input = Json, output = super::TextJson)]
pub async fn set_action_done(action_id: ActionItemId, done: bool) -> Result<ActionItem, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let (action, review) =
                service::set_action_done(&ctx.store, &access, Some(user.id), action_id, done)
                    .await?;
            ctx.maps.reviews_changed(review.map_id).await;
            Ok(action)
        }
        .await,
    )
}

/// Closes a review (editors): its snapshot is frozen, as it stands. Refused while the unit
/// requires commentary on red items that have none.
#[server(prefix = "/api", endpoint = "close_review", input = Json, output = super::TextJson)]
pub async fn close_review(review_id: ReviewId) -> Result<(), ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let locale = super::ssr::locale(&ctx, &user).await;
            let review =
                service::close(&ctx.store, &access, Some(user.id), review_id, locale).await?;
            ctx.maps.reviews_changed(review.map_id).await;
            Ok(())
        }
        .await,
    )
}

/// What changed between an earlier review and a later one of the same unit (viewers).
#[server(prefix = "/api", endpoint = "compare_reviews", input = Json, output = super::TextJson)]
pub async fn compare_reviews(earlier: ReviewId, later: ReviewId) -> Result<Comparison, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let locale = super::ssr::locale(&ctx, &user).await;
            service::compare(&ctx.store, &access, earlier, later, locale).await
        }
        .await,
    )
}

/// Whether a unit requires commentary on every red item before a review closes (admins).
#[server(prefix = "/api", endpoint = "set_red_commentary", input = Json, output = super::TextJson)]
pub async fn set_red_commentary(unit_id: OrgUnitId, required: bool) -> Result<(), ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            ctx.store.org_unit(unit_id).await?;
            crate::api::units::service::need(
                &ctx.store,
                &access,
                unit_id,
                crate::domain::Action::Administer,
            )
            .await?;
            Ok(ctx
                .store
                .set_red_commentary_required(unit_id, required, Some(user.id))
                .await?)
        }
        .await,
    )
}

/// The day of the month a unit mails its maps' briefing books for the month just closed, or
/// `None` to stop (admins).
#[server(prefix = "/api", endpoint = "set_briefing_mail", input = Json, output = super::TextJson)]
pub async fn set_briefing_mail(unit_id: OrgUnitId, day: Option<u8>) -> Result<(), ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::set_briefing_mail(&ctx.store, &access, Some(user.id), unit_id, day).await
        }
        .await,
    )
}

/// The caller's "to write" list and open actions (the home page).
#[server(prefix = "/api", endpoint = "my_reviews", output = super::TextJson)]
pub async fn my_reviews() -> Result<MyReviewWork, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::my_work(&ctx.store, &access, user.id).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::*;
    use crate::api::initiatives::service::{cards, timeline, today};
    use crate::api::units::service::need;
    use crate::api::Refusal;
    use crate::auth::Access;
    use crate::domain::scores::{ScoreModel, Subject};
    use crate::domain::Action;
    use crate::i18n::Locale;
    use crate::store::{Store, StoreError};

    /// A review, if `access` may view its unit.
    pub async fn readable(
        store: &Store,
        access: &Access,
        id: ReviewId,
    ) -> Result<Review, ApiError> {
        let review = store.review(id).await?;
        need(store, access, review.org_unit_id, Action::View).await?;
        Ok(review)
    }

    /// A review `access` may run (editor of its unit), still open.
    pub async fn open_for_edit(
        store: &Store,
        access: &Access,
        id: ReviewId,
    ) -> Result<Review, ApiError> {
        let review = readable(store, access, id).await?;
        need(store, access, review.org_unit_id, Action::Edit).await?;
        still_open(&review)?;
        Ok(review)
    }

    fn still_open(review: &Review) -> Result<(), ApiError> {
        match review.state {
            ReviewState::Closed => Err(ApiError::Conflict(Refusal::ReviewClosed {
                title: review.title.clone(),
            })),
            ReviewState::Scheduled => Ok(()),
        }
    }

    /// Refuses a person without a role on the unit as attendee or owner.
    pub async fn check_attendees(
        store: &Store,
        unit: OrgUnitId,
        people: &[UserId],
    ) -> Result<(), ApiError> {
        let with_role = store.people_with_role_on(unit).await?;
        match people.iter().all(|u| with_role.iter().any(|p| p.id == *u)) {
            true => Ok(()),
            false => Err(ApiError::BadInput(Refusal::OwnerWithoutRole)),
        }
    }

    /// `item`, when given, must be on `review`'s agenda.
    pub async fn item_on(
        store: &Store,
        review: &Review,
        item: Option<ReviewItemId>,
    ) -> Result<Option<AgendaItem>, ApiError> {
        let Some(item) = item else { return Ok(None) };
        store
            .review_items(review.id)
            .await?
            .into_iter()
            .find(|i| i.id == item)
            .map(Some)
            .ok_or_else(|| ApiError::NotFound("agenda item".into()))
    }

    /// The maps of a unit, as a review may pick them.
    async fn unit_maps(store: &Store, unit: OrgUnitId) -> Result<Vec<MapChoice>, ApiError> {
        Ok(store
            .map_summaries()
            .await?
            .into_iter()
            .filter(|(u, _)| *u == unit)
            .map(|(_, m)| MapChoice {
                id: m.id,
                name: m.name,
            })
            .collect())
    }

    /// `actions` as lists show them for `me`.
    async fn action_views(
        store: &Store,
        access: &Access,
        me: Option<UserId>,
        actions: Vec<ActionItem>,
    ) -> Result<Vec<ActionView>, ApiError> {
        let today = today();
        let mut out = Vec::new();
        for action in actions {
            let owner = match action.owner_id {
                Some(u) => match store.user(u).await {
                    Ok(u) => Some(u.name),
                    Err(StoreError::NotFound(_)) => None,
                    Err(e) => return Err(e.into()),
                },
                None => None,
            };
            let review_title = match store.review(action.review_id).await {
                Ok(r) => r.title,
                Err(StoreError::NotFound(_)) => String::new(),
                Err(e) => return Err(e.into()),
            };
            out.push(ActionView {
                overdue: action.is_overdue(today),
                may_complete: (me.is_some() && action.owner_id == me)
                    || access.allows(action.org_unit_id, Action::Edit),
                owner,
                review_title,
                action,
            });
        }
        Ok(out)
    }

    /// Everything a unit's reviews page shows, if `access` may view the unit.
    pub async fn reviews_page(
        store: &Store,
        access: &Access,
        me: Option<UserId>,
        unit_id: OrgUnitId,
        mail_configured: bool,
    ) -> Result<ReviewsPage, ApiError> {
        let unit = store.org_unit(unit_id).await?;
        need(store, access, unit_id, Action::View).await?;
        let actions = store.actions_of_unit(unit_id).await?;
        Ok(ReviewsPage {
            today: today(),
            reviews: store.reviews_of(unit_id).await?,
            actions: action_views(store, access, me, actions).await?,
            maps: unit_maps(store, unit_id).await?,
            people: store.people_with_role_on(unit_id).await?,
            red_commentary_required: store.red_commentary_required(unit_id).await?,
            briefing_mail_day: store.briefing_mail_day(unit_id).await?,
            mail_configured,
            may_edit: access.allows(unit_id, Action::Edit),
            may_admin: access.allows(unit_id, Action::Administer),
            unit,
        })
    }

    /// Sets the day a unit mails its briefing books (admins of the unit, not archived).
    pub async fn set_briefing_mail(
        store: &Store,
        access: &Access,
        actor: Option<UserId>,
        unit_id: OrgUnitId,
        day: Option<u8>,
    ) -> Result<(), ApiError> {
        store.org_unit(unit_id).await?;
        need(store, access, unit_id, Action::Administer).await?;
        crate::domain::briefing::validate_mail_day(day)?;
        Ok(store.set_briefing_mail_day(unit_id, day, actor).await?)
    }

    /// The agenda the data asks for now, for `review`.
    pub async fn generated_agenda(
        store: &Store,
        review: &Review,
    ) -> Result<Vec<AgendaItem>, ApiError> {
        let doc = store.map_document(review.map_id).await?;
        let data = store.score_data(review.map_id).await?;
        let model = ScoreModel::new(&doc, &data, crate::store::current_period());
        let spans: Vec<scoring::Span> = (0..=TREND_PERIODS as i32)
            .rev()
            .map(|n| review.span.shift(-n))
            .collect();
        let history = model.history(&spans);
        let arrows = match review.cadence {
            Cadence::Monthly => Vec::new(),
            _ => {
                crate::domain::hypothesis::test_map_with(
                    &doc,
                    &model,
                    &data,
                    crate::store::current_period(),
                )
                .links
            }
        };
        let initiatives: Vec<InitiativeState> = cards(store, review.org_unit_id, today())
            .await?
            .into_iter()
            .filter(|c| c.summary.initiative.closed_on.is_none())
            .map(|c| InitiativeState {
                initiative: c.summary.initiative,
                flags: c.flags,
            })
            .collect();
        let open_actions: Vec<ActionItem> = store
            .actions_of_unit(review.org_unit_id)
            .await?
            .into_iter()
            .filter(|a| a.done_on.is_none() && a.review_id != review.id)
            .collect();
        Ok(review::generate(&AgendaInput {
            doc: &doc,
            history: &history,
            initiatives: &initiatives,
            open_actions: &open_actions,
            cadence: review.cadence,
            arrows: &arrows,
        }))
    }

    /// Schedules a review from `draft` with its generated agenda, if `access` edits the unit
    /// and the map is the unit's.
    pub async fn schedule(
        store: &Store,
        access: &Access,
        actor: Option<UserId>,
        draft: ReviewDraft,
    ) -> Result<Review, ApiError> {
        let unit = draft.org_unit_id;
        store.org_unit(unit).await?;
        need(store, access, unit, Action::Edit).await?;
        if !unit_maps(store, unit)
            .await?
            .iter()
            .any(|m| m.id == draft.map_id)
        {
            return Err(ApiError::BadInput(Refusal::MapOfAnotherUnit));
        }
        let mut attendees = draft.attendees;
        attendees.sort_unstable();
        attendees.dedup();
        check_attendees(store, unit, &attendees).await?;
        let mut review = Review::new(unit, draft.map_id, draft.cadence, draft.held_on);
        review.title = draft.title.trim().to_string();
        review.attendees = attendees;
        if let Some(span) = draft.span {
            review.span = span;
        }
        review::validate(&review)?;
        let items = generated_agenda(store, &review).await?;
        store.create_review(&review, &items, actor).await?;
        Ok(review)
    }

    /// Queues to each owner of an item of `review` the list of items they write commentary on.
    pub async fn tell_owners(
        store: &Store,
        base_url: &str,
        review: &Review,
    ) -> Result<(), ApiError> {
        let items = store.review_items(review.id).await?;
        let mut owners: Vec<UserId> = items.iter().filter_map(|i| i.owner_id).collect();
        owners.sort_unstable();
        owners.dedup();
        for owner in owners {
            let user = match store.user(owner).await {
                Ok(u) => u,
                Err(StoreError::NotFound(_)) => continue,
                Err(e) => return Err(e.into()),
            };
            let locale =
                crate::auth::request_locale(store, Some(&user), &http::HeaderMap::new()).await;
            let list: Vec<String> = items
                .iter()
                .filter(|i| i.owner_id == Some(owner))
                .map(|i| format!("- {} ({})", i.title, i.reason.text(locale)))
                .collect();
            let title = &review.title;
            let date = &crate::i18n::format_date(locale, review.held_on);
            let subject =
                crate::i18n::td_string!(locale, reviews.mail.subject, title, date).to_string();
            let items = list.join("\n");
            let url = format!("{base_url}/reviews/{}", review.id);
            let name = &user.name;
            let body =
                crate::i18n::td_string!(locale, reviews.mail.body, name, title, date, items, url)
                    .to_string();
            store.enqueue_mail(&user.email, &subject, &body).await?;
        }
        Ok(())
    }

    /// The snapshot closing `review` now would freeze, with its items' charts and "why"s worded
    /// in `locale`.
    pub async fn live_snapshot(
        store: &Store,
        review: &Review,
        locale: Locale,
    ) -> Result<Snapshot, ApiError> {
        let items = store.review_items(review.id).await?;
        let decisions = store.decisions_of(review.id).await?;
        snapshot_with(store, review, items, decisions, locale).await
    }

    /// The snapshot a briefing book of `map` for `span` prints when no review is held: the
    /// agenda the data asks for, the unit's open actions, no decisions.
    pub async fn map_snapshot(
        store: &Store,
        map: &crate::domain::StrategyMap,
        span: scoring::Span,
        locale: Locale,
    ) -> Result<Snapshot, ApiError> {
        let mut review = Review::new(map.org_unit_id, map.id, Cadence::Monthly, today());
        review.span = span;
        review.title = map.name.clone();
        let items = generated_agenda(store, &review).await?;
        snapshot_with(store, &review, items, Vec::new(), locale).await
    }

    /// The snapshot of `review` with `items` and `decisions`, taken now.
    async fn snapshot_with(
        store: &Store,
        review: &Review,
        items: Vec<AgendaItem>,
        decisions: Vec<Decision>,
        locale: Locale,
    ) -> Result<Snapshot, ApiError> {
        let doc = store.map_document(review.map_id).await?;
        let data = store.score_data(review.map_id).await?;
        let model = ScoreModel::new(&doc, &data, crate::store::current_period());
        let scores = model.span(review.span);
        let (from, to) = review.span.bounds();
        let mut notes: Vec<(MeasureId, Period, String)> = store
            .actuals_between(review.map_id, from, to)
            .await?
            .into_iter()
            .filter(|a| !a.note.trim().is_empty())
            .map(|a| (a.measure_id, a.period, a.note))
            .collect();
        // The latest note of the span wins.
        notes.sort_by_key(|(_, p, _)| std::cmp::Reverse(*p));
        let notes: Vec<(MeasureId, String)> = notes.into_iter().map(|(m, _, n)| (m, n)).collect();
        let initiatives: Vec<Initiative> = store
            .initiatives_of(review.org_unit_id)
            .await?
            .into_iter()
            .filter(|i| i.closed_on.is_none())
            .collect();
        let previous = store
            .reviews_of(review.org_unit_id)
            .await?
            .into_iter()
            .filter(|r| r.state == ReviewState::Closed && r.held_on < review.held_on)
            .map(|r| r.held_on)
            .max();
        let all_actions = store.actions_of_unit(review.org_unit_id).await?;
        let actions = review::actions_to_keep(&all_actions, review.id, previous);
        let (_, last) = review.span.bounds();
        let (chart_from, chart_to) = crate::domain::chart::chart_window(last);
        let details = items
            .iter()
            .map(|i| match i.subject {
                ItemSubject::Measure(m) => ItemDetail {
                    item_id: i.id,
                    chart: model.series(m, chart_from, chart_to).unwrap_or_default(),
                    scoring: doc
                        .measures
                        .iter()
                        .find(|x| x.id == m)
                        .map(|x| x.scoring.clone()),
                    why: model.explain(locale, review.span, Subject::Measure(m)),
                },
                ItemSubject::Objective(o) => ItemDetail {
                    item_id: i.id,
                    chart: Vec::new(),
                    scoring: None,
                    why: model.explain(locale, review.span, Subject::Objective(o)),
                },
                _ => ItemDetail {
                    item_id: i.id,
                    chart: Vec::new(),
                    scoring: None,
                    why: None,
                },
            })
            .collect();
        let mut snap = review::snapshot(
            crate::store::now_text(),
            &doc,
            &scores,
            &notes,
            &initiatives,
            items,
            decisions,
            actions,
        );
        snap.details = details;
        snap.arrows = arrows_on(&snap.items, &doc, &model, &data);
        Ok(snap)
    }

    /// The tests of the arrows `items` are about (none are run when no item is an arrow).
    fn arrows_on(
        items: &[AgendaItem],
        doc: &crate::domain::MapDocument,
        model: &ScoreModel,
        data: &crate::domain::scores::ScoreData,
    ) -> Vec<crate::domain::hypothesis::HypothesisView> {
        let links: Vec<LinkId> = items
            .iter()
            .filter_map(|i| match i.subject {
                ItemSubject::Link(l) => Some(l),
                _ => None,
            })
            .collect();
        if links.is_empty() {
            return Vec::new();
        }
        crate::domain::hypothesis::test_map_with(doc, model, data, crate::store::current_period())
            .links
            .into_iter()
            .filter(|h| links.contains(&h.link_id))
            .collect()
    }

    /// What closing `review` now stores: the live snapshot with the unit's initiative timeline
    /// as it stands (kept for the briefing book; the review's page does not draw it).
    pub async fn closing_snapshot(
        store: &Store,
        review: &Review,
        locale: Locale,
    ) -> Result<Snapshot, ApiError> {
        let mut snapshot = live_snapshot(store, review, locale).await?;
        snapshot.timeline = Some(timeline(store, review.org_unit_id, today()).await?);
        Ok(snapshot)
    }

    /// The snapshot of a review: stored when it is closed, else taken now.
    async fn snapshot_of(
        store: &Store,
        review: &Review,
        locale: Locale,
    ) -> Result<(Snapshot, bool), ApiError> {
        match store.review_snapshot(review.id).await? {
            Some(s) => Ok((s, true)),
            None => Ok((live_snapshot(store, review, locale).await?, false)),
        }
    }

    /// The items of `items` whose commentary `me` may write: their owner's, or all for an
    /// editor of the unit.
    fn writable(
        access: &Access,
        me: Option<UserId>,
        review: &Review,
        items: &[AgendaItem],
    ) -> Vec<ReviewItemId> {
        if review.state == ReviewState::Closed {
            return Vec::new();
        }
        let editor = access.allows(review.org_unit_id, Action::Edit);
        items
            .iter()
            .filter(|i| editor || (me.is_some() && i.owner_id == me))
            .map(|i| i.id)
            .collect()
    }

    /// Everything a review's page shows, if `access` may view its unit.
    pub async fn page(
        store: &Store,
        access: &Access,
        me: Option<UserId>,
        id: ReviewId,
        locale: Locale,
    ) -> Result<ReviewPage, ApiError> {
        let review = readable(store, access, id).await?;
        let unit = store.org_unit(review.org_unit_id).await?;
        let (snapshot, frozen) = snapshot_of(store, &review, locale).await?;
        let required = store.red_commentary_required(review.org_unit_id).await?;
        let missing = match frozen {
            true => Vec::new(),
            false => snapshot
                .items
                .iter()
                .filter(|i| i.needs_commentary(required))
                .map(|i| i.id)
                .collect(),
        };
        let mut actions = action_views(store, access, me, snapshot.actions.clone()).await?;
        if frozen {
            for a in &mut actions {
                a.may_complete = false;
            }
        }
        let earlier = store
            .reviews_of(review.org_unit_id)
            .await?
            .into_iter()
            .filter(|r| {
                r.state == ReviewState::Closed && r.id != review.id && r.held_on <= review.held_on
            })
            .map(|r| EarlierReview {
                id: r.id,
                title: r.title,
                held_on: r.held_on,
            })
            .collect();
        Ok(ReviewPage {
            may_write: writable(access, me, &review, &snapshot.items),
            may_edit: !frozen && access.allows(review.org_unit_id, Action::Edit),
            people: store.people_with_role_on(review.org_unit_id).await?,
            red_commentary_required: required,
            missing_commentary: missing,
            today: today(),
            actions,
            earlier,
            snapshot,
            frozen,
            unit,
            review,
        })
    }

    /// Replaces `review`'s agenda by `items`: an item already on it keeps its subject, owner and
    /// commentary (only its title and place change); a new one is a topic. With `refresh`, what
    /// the data asks for now and the agenda lacks is added at the end.
    pub async fn save_agenda(
        store: &Store,
        review: &Review,
        items: Vec<AgendaItem>,
        refresh: bool,
        actor: Option<UserId>,
    ) -> Result<Vec<AgendaItem>, ApiError> {
        let stored = store.review_items(review.id).await?;
        let mut agenda: Vec<AgendaItem> = Vec::new();
        for item in items {
            if agenda.iter().any(|a| a.id == item.id) {
                continue;
            }
            let kept = match stored.iter().find(|s| s.id == item.id) {
                Some(s) => AgendaItem {
                    title: item.title,
                    ..s.clone()
                },
                None => AgendaItem {
                    subject: ItemSubject::Topic,
                    reason: ItemReason::Added,
                    commentary: Commentary::default(),
                    ..item
                },
            };
            agenda.push(kept);
        }
        let owners: Vec<UserId> = agenda
            .iter()
            .filter(|a| a.subject == ItemSubject::Topic)
            .filter_map(|a| a.owner_id)
            .collect();
        check_attendees(store, review.org_unit_id, &owners).await?;
        if refresh {
            review::merge(&mut agenda, generated_agenda(store, review).await?);
        }
        review::validate_agenda(&agenda)?;
        store.save_agenda(review, &agenda, actor).await?;
        Ok(store.review_items(review.id).await?)
    }

    /// Writes an item's commentary, if `me` owns the item or edits the unit and the review is
    /// open; returns the item's review.
    pub async fn write_commentary(
        store: &Store,
        access: &Access,
        me: UserId,
        item_id: ReviewItemId,
        analysis: String,
        recommendation: String,
    ) -> Result<Review, ApiError> {
        let review = store.review_of_item(item_id).await?;
        need(store, access, review.org_unit_id, Action::View).await?;
        still_open(&review)?;
        let item = item_on(store, &review, Some(item_id))
            .await?
            .ok_or_else(|| ApiError::NotFound("agenda item".into()))?;
        let editor = access.allows(review.org_unit_id, Action::Edit);
        if !editor && item.owner_id != Some(me) {
            return Err(ApiError::Forbidden(Refusal::NotItemOwner));
        }
        let commentary = Commentary {
            analysis,
            recommendation,
            written_by: Some(me),
            written_at: Some(crate::store::now_text()),
        };
        store
            .write_commentary(item_id, &commentary, Some(me))
            .await?;
        Ok(review)
    }

    /// Captures an action on `review` (open, run by the caller).
    pub async fn add_action(
        store: &Store,
        review: &Review,
        item_id: Option<ReviewItemId>,
        text: String,
        owner_id: Option<UserId>,
        due_on: NaiveDate,
        actor: Option<UserId>,
    ) -> Result<ActionItem, ApiError> {
        let item = item_on(store, review, item_id).await?;
        if let Some(owner) = owner_id {
            check_attendees(store, review.org_unit_id, &[owner]).await?;
        }
        let action = ActionItem {
            id: ActionItemId::new(),
            org_unit_id: review.org_unit_id,
            review_id: review.id,
            item_id,
            subject: item.map(|i| i.subject),
            text: text.trim().to_string(),
            owner_id,
            due_on,
            done_on: None,
        };
        store.create_action(&action, actor).await?;
        Ok(action)
    }

    /// Marks an action done today or open again, if `me` owns it or edits its unit; returns it
    /// with the review it was captured in.
    pub async fn set_action_done(
        store: &Store,
        access: &Access,
        me: Option<UserId>,
        id: ActionItemId,
        done: bool,
    ) -> Result<(ActionItem, Review), ApiError> {
        let action = store.action(id).await?;
        need(store, access, action.org_unit_id, Action::View).await?;
        if access.frozen(action.org_unit_id) {
            need(store, access, action.org_unit_id, Action::Edit).await?;
        }
        let editor = access.allows(action.org_unit_id, Action::Edit);
        if !editor && (me.is_none() || action.owner_id != me) {
            return Err(ApiError::Forbidden(Refusal::NotActionOwner));
        }
        let day = done.then(today);
        store.set_action_done(id, day, me).await?;
        let review = store.review(action.review_id).await?;
        Ok((
            ActionItem {
                done_on: day,
                ..action
            },
            review,
        ))
    }

    /// Closes a review run by `access`: refused while the unit requires commentary on red
    /// items that lack it; otherwise its snapshot is taken and stored.
    pub async fn close(
        store: &Store,
        access: &Access,
        actor: Option<UserId>,
        id: ReviewId,
        locale: Locale,
    ) -> Result<Review, ApiError> {
        let review = open_for_edit(store, access, id).await?;
        let required = store.red_commentary_required(review.org_unit_id).await?;
        let snapshot = closing_snapshot(store, &review, locale).await?;
        let missing = snapshot
            .items
            .iter()
            .filter(|i| i.needs_commentary(required))
            .count();
        if missing > 0 {
            return Err(ApiError::Conflict(Refusal::CommentaryMissing {
                count: missing,
            }));
        }
        store.close_review(&review, &snapshot, actor).await?;
        Ok(review)
    }

    /// Compares two reviews of one unit, both readable by `access`.
    pub async fn compare(
        store: &Store,
        access: &Access,
        earlier: ReviewId,
        later: ReviewId,
        locale: Locale,
    ) -> Result<Comparison, ApiError> {
        let a = readable(store, access, earlier).await?;
        let b = readable(store, access, later).await?;
        if a.org_unit_id != b.org_unit_id {
            return Err(ApiError::NotFound("review".into()));
        }
        let (a, _) = snapshot_of(store, &a, locale).await?;
        let (b, _) = snapshot_of(store, &b, locale).await?;
        Ok(review::compare(&a, &b))
    }

    /// `me`'s "to write" list and open actions, on units `access` may still view.
    pub async fn my_work(
        store: &Store,
        access: &Access,
        me: UserId,
    ) -> Result<MyReviewWork, ApiError> {
        let to_write = store
            .items_to_write(me)
            .await?
            .into_iter()
            .filter(|(r, _)| access.allows(r.org_unit_id, Action::View))
            .map(|(r, i)| ToWrite {
                review_id: r.id,
                review_title: r.title,
                held_on: r.held_on,
                item_id: i.id,
                title: i.title,
                reason: i.reason,
                written: !i.commentary.is_empty(),
            })
            .collect();
        let actions: Vec<ActionItem> = store
            .open_actions_of(me)
            .await?
            .into_iter()
            .filter(|a| access.allows(a.org_unit_id, Action::View))
            .collect();
        Ok(MyReviewWork {
            to_write,
            actions: action_views(store, access, Some(me), actions).await?,
        })
    }
}
