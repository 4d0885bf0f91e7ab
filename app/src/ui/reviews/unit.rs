//! `/units/:id/reviews`: a unit's upcoming reviews and its record (closed reviews, latest
//! first), the form that schedules one, the unit's actions, the admins' commentary rule and
//! monthly briefing-book mail, and the comparison of two reviews.

use super::capture::ActionTable;
use super::compare::Compare;
use super::{cadence_word, listen, state_chip};
use crate::api::reviews::{
    schedule_review, set_briefing_mail, set_red_commentary, unit_reviews, ReviewDraft, ReviewsPage,
};
use crate::domain::review::{Cadence, Review, ReviewState};
use crate::domain::*;
use crate::i18n::*;
use crate::ui::widgets::TopBar;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// The cadences a review may have, in the order the form offers them.
const CADENCES: [Cadence; 3] = [Cadence::Monthly, Cadence::Quarterly, Cadence::Annual];

/// The page's shared signals, `Copy` so closures can share them.
#[derive(Clone, Copy)]
struct UnitState {
    page: RwSignal<ReviewsPage>,
    /// Why the last change failed.
    error: RwSignal<Option<String>>,
}

/// Reads the page again (after a change here, or one the live channel announced).
fn refresh(state: UnitState) {
    let unit = state.page.with_untracked(|p| p.unit.id);
    leptos::task::spawn_local(async move {
        if let Ok(page) = unit_reviews(unit).await {
            state.page.set(page);
        }
    });
}

/// The reviews page of one unit.
#[component]
pub fn UnitReviewsScreen(page: ReviewsPage) -> impl IntoView {
    let locale = current_locale();
    let unit = page.unit.clone();
    let maps: Vec<MapId> = page.maps.iter().map(|m| m.id).collect();
    let state = UnitState {
        page: RwSignal::new(page),
        error: RwSignal::new(None),
    };
    let changed = RwSignal::new(0u64);
    listen(maps, changed, None);
    Effect::new(move |seen: Option<u64>| {
        let now = changed.get();
        if seen.is_some() {
            refresh(state);
        }
        now
    });
    let title = td_string!(locale, reviews.unit.title, unit = &unit.name).to_string();
    let crumbs = vec![(unit.name.clone(), "/".to_string())];
    let actions = Signal::derive(move || state.page.with(|p| p.actions.clone()));
    let caption = td_string!(locale, reviews.actions.caption_unit, unit = &unit.name).to_string();
    view! {
        <Title text=title/>
        <TopBar crumbs/>
        <main class="page reviews-page">
            <div class="page-head">
                <h1>{td_string!(locale, reviews.unit.heading, unit = &unit.name).to_string()}</h1>
                <p class="lead">{td_string!(locale, reviews.unit.lead)}</p>
            </div>
            {move || state.error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <ReviewList state closed=false/>
            {move || state.page.with(|p| p.may_edit).then(|| view! { <ScheduleForm state/> })}
            <ReviewList state closed=true/>
            <section class="card" aria-labelledby="unit-actions-heading">
                <h2 id="unit-actions-heading">{td_string!(locale, reviews.actions.heading)}</h2>
                <ActionTable actions caption show_review=true error=state.error changed=Callback::new(move |_| refresh(state))/>
            </section>
            <CommentaryRule state/>
            <BriefingMailRule state/>
            <CompareBlock state/>
        </main>
    }
}

/// The scheduled reviews (soonest first) or the closed ones (latest first), each a link to its
/// page with its date, span, cadence and state.
#[component]
fn ReviewList(state: UnitState, closed: bool) -> impl IntoView {
    let locale = current_locale();
    let (heading, id, empty) = if closed {
        (
            td_string!(locale, reviews.unit.record),
            "record-heading",
            td_string!(locale, reviews.unit.record_none),
        )
    } else {
        (
            td_string!(locale, reviews.unit.upcoming),
            "upcoming-heading",
            td_string!(locale, reviews.unit.upcoming_none),
        )
    };
    let list = move || {
        let mut reviews: Vec<Review> = state.page.with(|p| {
            p.reviews
                .iter()
                .filter(|r| (r.state == ReviewState::Closed) == closed)
                .cloned()
                .collect()
        });
        reviews.sort_by_key(|r| r.held_on);
        if closed {
            reviews.reverse();
        }
        reviews
    };
    view! {
        <section class="card review-list" aria-labelledby=id>
            <h2 id=id>{heading}</h2>
            {move || {
                let reviews = list();
                if reviews.is_empty() {
                    return view! { <p class="muted">{empty}</p> }.into_any();
                }
                view! {
                    <ul>
                        {reviews.into_iter().map(|r| view! {
                            <li data-review=r.id.to_string()>
                                <a href=format!("/reviews/{}", r.id)>{r.title.clone()}</a>
                                <span class="meta">{td_string!(
                                    locale,
                                    reviews.unit.line,
                                    date = format_date(locale, r.held_on),
                                    span = r.span.text(locale),
                                    cadence = cadence_word(locale, r.cadence)
                                ).to_string()}</span>
                                {state_chip(locale, r.state)}
                                {r.presenting.is_some().then(|| view! {
                                    <span class="review-live">{td_string!(locale, reviews.unit.presenting_now)}</span>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// The title a new review gets until someone types another: "Monthly review · Nov 2026".
fn default_title(locale: Locale, cadence: Cadence, held_on: chrono::NaiveDate) -> String {
    let span = cadence.span_before(held_on).text(locale);
    match cadence {
        Cadence::Monthly => td_string!(locale, reviews.schedule.title_monthly, span = &span),
        Cadence::Quarterly => td_string!(locale, reviews.schedule.title_quarterly, span = &span),
        Cadence::Annual => td_string!(locale, reviews.schedule.title_annual, span = &span),
    }
    .to_string()
}

/// "Schedule a review" (editors): map, cadence, date, title and attendees; the new review opens
/// once it is scheduled, its agenda generated from the data.
#[component]
fn ScheduleForm(state: UnitState) -> impl IntoView {
    let locale = current_locale();
    let (unit, today, maps, people) = state
        .page
        .with_untracked(|p| (p.unit.id, p.today, p.maps.clone(), p.people.clone()));
    let Some(first) = maps.first().map(|m| m.id) else {
        return view! {
            <section class="card" aria-labelledby="schedule-heading">
                <h2 id="schedule-heading">{td_string!(locale, reviews.schedule.heading)}</h2>
                <p class="muted">{td_string!(locale, reviews.schedule.no_map)}</p>
            </section>
        }
        .into_any();
    };
    let map = RwSignal::new(first);
    let cadence = RwSignal::new(Cadence::Monthly);
    let held_on = RwSignal::new(today);
    // `None` while the title follows the cadence and the date.
    let typed = RwSignal::new(None::<String>);
    let attendees = RwSignal::new(Vec::<UserId>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let title = move || {
        typed
            .get()
            .unwrap_or_else(|| default_title(locale, cadence.get(), held_on.get()))
    };
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = ReviewDraft {
            org_unit_id: unit,
            map_id: map.get_untracked(),
            title: title(),
            cadence: cadence.get_untracked(),
            held_on: held_on.get_untracked(),
            span: None,
            attendees: attendees.get_untracked(),
        };
        let navigate = navigate.clone();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match schedule_review(draft).await {
                Ok(id) => navigate(&format!("/reviews/{id}"), Default::default()),
                Err(e) => {
                    error.set(Some(e.text(locale)));
                    busy.set(false);
                }
            }
        });
    };
    let span = move || {
        let span = cadence.get().span_before(held_on.get()).text(locale);
        td_string!(locale, reviews.schedule.span, span = &span).to_string()
    };
    view! {
        <section class="card schedule-review" aria-labelledby="schedule-heading">
            <h2 id="schedule-heading">{td_string!(locale, reviews.schedule.heading)}</h2>
            <form on:submit=submit>
                <div class="form-grid">
                    <label>{td_string!(locale, reviews.schedule.map)}
                        <select name="map" on:change=move |ev| if let Ok(id) = event_target_value(&ev).parse() { map.set(id) }>
                            {maps.iter().map(|m| view! { <option value=m.id.to_string() selected=m.id == first>{m.name.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{td_string!(locale, reviews.schedule.cadence)}
                        <select name="cadence" on:change=move |ev| if let Ok(c) = event_target_value(&ev).parse() { cadence.set(c) }>
                            {CADENCES.iter().map(|c| view! {
                                <option value=c.as_str() selected=*c == Cadence::Monthly>{cadence_word(locale, *c)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>{td_string!(locale, reviews.schedule.date)}
                        <input type="date" name="held_on" required prop:value=move || held_on.get().to_string()
                            on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { held_on.set(d) }/>
                    </label>
                    <label class="wide">{td_string!(locale, reviews.schedule.title)}
                        <input name="title" required maxlength="200" prop:value=title
                            on:input=move |ev| typed.set(Some(event_target_value(&ev)))/>
                    </label>
                </div>
                <p class="hint" aria-live="polite">{span}</p>
                <fieldset class="attendee-picks">
                    <legend>{td_string!(locale, reviews.schedule.attendees)}</legend>
                    {people.into_iter().map(|p| {
                        let id = p.id;
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || attendees.with(|a| a.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        attendees.update(|a| {
                                            a.retain(|x| *x != id);
                                            if on { a.push(id); }
                                        });
                                    }/>
                                {p.name}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="primary" disabled=move || busy.get()>{td_string!(locale, reviews.schedule.submit)}</button>
                </div>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </form>
        </section>
    }
    .into_any()
}

/// Whether the unit requires commentary on every red item before a review closes: a switch for
/// its admins, a sentence for everyone else while it is on.
#[component]
fn CommentaryRule(state: UnitState) -> impl IntoView {
    let locale = current_locale();
    let saved = RwSignal::new(false);
    let set = move |on: bool| {
        let unit = state.page.with_untracked(|p| p.unit.id);
        saved.set(false);
        state.error.set(None);
        leptos::task::spawn_local(async move {
            match set_red_commentary(unit, on).await {
                Ok(()) => {
                    state.page.update(|p| p.red_commentary_required = on);
                    saved.set(true);
                }
                Err(e) => state.error.set(Some(e.text(locale))),
            }
        });
    };
    move || {
        let (admin, required) = state
            .page
            .with(|p| (p.may_admin, p.red_commentary_required));
        if admin {
            view! {
                <section class="card commentary-rule" aria-labelledby="rule-heading">
                    <h2 id="rule-heading">{td_string!(locale, reviews.rule.heading)}</h2>
                    <label class="check">
                        <input type="checkbox" prop:checked=required on:change=move |ev| set(event_target_checked(&ev))/>
                        {td_string!(locale, reviews.rule.require)}
                    </label>
                    <p class="hint">{td_string!(locale, reviews.rule.hint)}</p>
                    {move || saved.get().then(|| view! { <p class="notice-ok" role="status">{td_string!(locale, reviews.rule.saved)}</p> })}
                </section>
            }
            .into_any()
        } else if required {
            view! { <p class="note">{td_string!(locale, reviews.rule.in_force)}</p> }.into_any()
        } else {
            ().into_any()
        }
    }
}

/// When the unit mails its maps' briefing books for the month just closed: a day picker for its
/// admins, a sentence for everyone else while it is on.
#[component]
fn BriefingMailRule(state: UnitState) -> impl IntoView {
    let locale = current_locale();
    let saved = RwSignal::new(false);
    let set = move |day: Option<u8>| {
        let unit = state.page.with_untracked(|p| p.unit.id);
        saved.set(false);
        state.error.set(None);
        leptos::task::spawn_local(async move {
            match set_briefing_mail(unit, day).await {
                Ok(()) => {
                    state.page.update(|p| p.briefing_mail_day = day);
                    saved.set(true);
                }
                Err(e) => state.error.set(Some(e.text(locale))),
            }
        });
    };
    move || {
        let (admin, day, configured) = state
            .page
            .with(|p| (p.may_admin, p.briefing_mail_day, p.mail_configured));
        if admin {
            let unconfigured = (!configured && day.is_some()).then(|| {
                view! { <p class="note">{td_string!(locale, reviews.mailing.not_configured)}</p> }
            });
            let days = (1..=crate::domain::briefing::LAST_MAIL_DAY).map(|d| {
                view! {
                    <option value=d.to_string() selected=day == Some(d)>
                        {td_string!(locale, reviews.mailing.day_n, day = d).to_string()}
                    </option>
                }
            });
            view! {
                <section class="card commentary-rule briefing-mail" aria-labelledby="mailing-heading">
                    <h2 id="mailing-heading">{td_string!(locale, reviews.mailing.heading)}</h2>
                    <label class="field">
                        {td_string!(locale, reviews.mailing.day)}
                        <select on:change=move |ev| set(event_target_value(&ev).parse().ok())>
                            <option value="" selected=day.is_none()>{td_string!(locale, reviews.mailing.off)}</option>
                            {days.collect_view()}
                        </select>
                    </label>
                    <p class="hint">{td_string!(locale, reviews.mailing.hint)}</p>
                    {unconfigured}
                    {move || saved.get().then(|| view! { <p class="notice-ok" role="status">{td_string!(locale, reviews.mailing.saved)}</p> })}
                </section>
            }
            .into_any()
        } else if let Some(day) = day {
            view! { <p class="note">{td_string!(locale, reviews.mailing.in_force, day).to_string()}</p> }.into_any()
        } else {
            ().into_any()
        }
    }
}

/// The two reviews the comparison starts with: the two latest closed ones, or the latest closed
/// one and the next scheduled after it.
fn default_pair(reviews: &[Review]) -> (Option<ReviewId>, Option<ReviewId>) {
    let mut closed: Vec<&Review> = reviews
        .iter()
        .filter(|r| r.state == ReviewState::Closed)
        .collect();
    closed.sort_by_key(|r| std::cmp::Reverse(r.held_on));
    match closed.as_slice() {
        [latest, before, ..] => (Some(before.id), Some(latest.id)),
        [latest] => {
            let next = reviews
                .iter()
                .filter(|r| r.state == ReviewState::Scheduled && r.held_on >= latest.held_on)
                .min_by_key(|r| r.held_on);
            (Some(latest.id), next.map(|r| r.id))
        }
        [] => (None, None),
    }
}

/// The options of a review picker: "choose one", then each review (title and date).
fn review_options(
    locale: Locale,
    reviews: &[Review],
    chosen: RwSignal<Option<ReviewId>>,
) -> impl IntoView {
    let none = td_string!(locale, reviews.compare.choose);
    view! {
        <option value="" selected=move || chosen.get().is_none()>{none}</option>
        {reviews.iter().map(|r| {
            let id = r.id;
            let label = format!("{} · {}", r.title, format_date(locale, r.held_on));
            view! { <option value=id.to_string() selected=move || chosen.get() == Some(id)>{label}</option> }
        }).collect_view()}
    }
}

/// "Compare two reviews": an earlier and a later review of the unit, and what changed between
/// them.
#[component]
fn CompareBlock(state: UnitState) -> impl IntoView {
    let locale = current_locale();
    let (reviews, people) = state
        .page
        .with_untracked(|p| (p.reviews.clone(), p.people.clone()));
    if reviews.len() < 2 {
        return view! {
            <section class="card" aria-labelledby="compare-heading">
                <h2 id="compare-heading">{td_string!(locale, reviews.compare.heading)}</h2>
                <p class="muted">{td_string!(locale, reviews.compare.too_few)}</p>
            </section>
        }
        .into_any();
    }
    let mut ordered = reviews.clone();
    ordered.sort_by_key(|r| std::cmp::Reverse(r.held_on));
    let (earlier, later) = default_pair(&reviews);
    let earlier = RwSignal::new(earlier);
    let later = RwSignal::new(later);
    let earlier_options = review_options(locale, &ordered, earlier);
    let later_options = review_options(locale, &ordered, later);
    let pick = |chosen: RwSignal<Option<ReviewId>>| {
        move |ev: leptos::ev::Event| chosen.set(event_target_value(&ev).parse().ok())
    };
    view! {
        <section class="card compare-block" aria-labelledby="compare-heading">
            <h2 id="compare-heading">{td_string!(locale, reviews.compare.heading)}</h2>
            <div class="compare-picks">
                <label>{td_string!(locale, reviews.compare.earlier)}
                    <select name="earlier" on:change=pick(earlier)>{earlier_options}</select>
                </label>
                <label>{td_string!(locale, reviews.compare.later)}
                    <select name="later" on:change=pick(later)>{later_options}</select>
                </label>
            </div>
            <Compare earlier later people/>
        </section>
    }
    .into_any()
}
