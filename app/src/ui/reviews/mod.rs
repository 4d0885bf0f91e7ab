//! Strategy reviews in the browser, two lazily loaded routes: `/units/:id/reviews` (a unit's
//! upcoming reviews and its record, scheduling, the actions table, the commentary rule and the
//! comparison of two reviews) and `/reviews/:id` (one review: its agenda with each item's
//! figures, chart, "why", commentary, decisions and actions; the facilitator's edits; closing;
//! and the presenter view others follow live). Both re-read their data when the server says a
//! review of the map changed. The home page's "to write" and "my actions" lists are in [`work`].

mod agenda;
mod capture;
mod compare;
mod item;
mod presenter;
mod review;
mod unit;
pub mod work;

use crate::api::reviews::{get_review, unit_reviews, ReviewPage, ReviewsPage};
use crate::domain::review::{Cadence, ItemReason, ReviewState};
use crate::domain::scoring::Score;
use crate::domain::*;
use crate::i18n::*;
use crate::live::LiveMap;
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// The route of a unit's reviews: the page's data loads while its code chunk is fetched.
#[derive(Clone)]
pub struct UnitReviewsRoute {
    data: Resource<Result<ReviewsPage, crate::api::ApiError>>,
}

#[lazy_route]
impl LazyRoute for UnitReviewsRoute {
    fn data() -> Self {
        let id = id_param::<OrgUnitId>("org unit");
        Self {
            data: load(id, unit_reviews),
        }
    }

    fn view(this: Self) -> AnyView {
        item_page(
            this.data,
            td_string!(current_locale(), reviews.unit.loading),
            Reload::KeepPage,
            |page| view! { <unit::UnitReviewsScreen page/> }.into_any(),
        )
    }
}

/// The route of one review.
#[derive(Clone)]
pub struct ReviewRoute {
    data: Resource<Result<ReviewPage, crate::api::ApiError>>,
}

#[lazy_route]
impl LazyRoute for ReviewRoute {
    fn data() -> Self {
        let id = id_param::<ReviewId>("review");
        Self {
            data: load(id, get_review),
        }
    }

    fn view(this: Self) -> AnyView {
        item_page(
            this.data,
            td_string!(current_locale(), reviews.review.loading),
            Reload::KeepPage,
            |page| view! { <review::ReviewScreen page/> }.into_any(),
        )
    }
}

/// Why an item is on the agenda, in words.
pub fn reason_word(locale: Locale, reason: ItemReason) -> &'static str {
    reason.text(locale)
}

/// Why an item is on the agenda, as a labelled chip: the words, and a colour for the reds and
/// ambers.
pub fn reason_chip(locale: Locale, reason: ItemReason) -> impl IntoView {
    view! {
        <span class=format!("reason-chip reason-{}", reason.as_str())>{reason_word(locale, reason)}</span>
    }
}

/// How often a unit reviews, in words ("Monthly").
pub fn cadence_word(locale: Locale, cadence: Cadence) -> &'static str {
    match cadence {
        Cadence::Monthly => td_string!(locale, reviews.cadence.monthly),
        Cadence::Quarterly => td_string!(locale, reviews.cadence.quarterly),
        Cadence::Annual => td_string!(locale, reviews.cadence.annual),
    }
}

/// Where a review stands, as a chip with its word.
pub fn state_chip(locale: Locale, state: ReviewState) -> impl IntoView {
    let word = match state {
        ReviewState::Scheduled => td_string!(locale, reviews.state.scheduled),
        ReviewState::Closed => td_string!(locale, reviews.state.closed),
    };
    view! { <span class=format!("review-state review-state-{}", state.as_str())>{word}</span> }
}

/// A score as a chip that says its status in words beside the number ("Red · 2.40").
pub fn status_words(locale: Locale, score: Score) -> impl IntoView {
    let value = score.value.map(|v| format_number(locale, v, 2));
    let text = match value {
        Some(v) => format!("{} · {v}", score.status.text(locale)),
        None => score.status.text(locale).to_string(),
    };
    view! {
        <span class=format!("status-chip status-{}", score.status.as_str()) data-status=score.status.as_str()>{text}</span>
    }
}

/// The name of `id` among `people`, if it is someone's.
pub fn name_of(people: &[Person], id: Option<UserId>) -> Option<String> {
    let id = id?;
    people.iter().find(|p| p.id == id).map(|p| p.name.clone())
}

/// The day of an RFC 3339 time ("2026-11-30T10:00:00Z" → 30 Nov 2026), if it has one.
pub fn day_of(time: &str) -> Option<chrono::NaiveDate> {
    time.get(..10)?.parse().ok()
}

/// Listens (read-only) to the live channels of `maps` and bumps `changed` whenever the server
/// says a review of one of them changed, and `comments` (if given) whenever a comment on one of
/// their items did. The channels close when the page is left.
pub fn listen(maps: Vec<MapId>, changed: RwSignal<u64>, comments: Option<RwSignal<u64>>) {
    let live = RwSignal::new(Vec::<LiveMap>::new());
    Effect::new(move |_| {
        for map in maps.clone() {
            leptos::task::spawn_local(async move {
                if let Ok(doc) = crate::api::get_map(map).await {
                    let l = LiveMap {
                        view_only: true,
                        ..LiveMap::new(doc)
                    };
                    crate::live::start(l);
                    live.update(|all| all.push(l));
                }
            });
        }
    });
    Effect::new(move |seen: Option<u64>| {
        let rev = live.with(|all| all.iter().map(|l| l.reviews_rev.get()).sum::<u64>());
        if seen.is_some_and(|s| s < rev) {
            changed.update(|c| *c += 1);
        }
        rev
    });
    if let Some(comments) = comments {
        Effect::new(move |seen: Option<u64>| {
            let rev = live.with(|all| all.iter().map(|l| l.comments_rev.get()).sum::<u64>());
            if seen.is_some_and(|s| s < rev) {
                comments.update(|c| *c += 1);
            }
            rev
        });
    }
    on_cleanup(move || {
        for l in live.get_untracked() {
            crate::live::stop(l);
        }
    });
}

/// True once the page runs in the browser (effects never run on the server), for what only
/// works there: the presenter view, checkboxes on a page sent without the bundle.
pub fn in_browser() -> ReadSignal<bool> {
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    ready
}
