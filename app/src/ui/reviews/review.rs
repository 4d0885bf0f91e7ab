//! `/reviews/:id`: one review — its header (date, span, state, attendees, unit), the banner of a
//! closed record, the agenda, the decisions and actions, the facilitator's tools (present,
//! refresh from the data, edit the details, close) and the comparison with an earlier review.

use super::agenda::Agenda;
use super::capture::{ActionTable, CaptureAction, CaptureDecision, TakenOn};
use super::compare::Compare;
use super::presenter::{Presenter, PresenterToggle};
use super::{cadence_word, day_of, listen, name_of, state_chip};
use crate::api::reviews::{close_review, get_review, save_review, ReviewPage};
use crate::domain::review::Review;
use crate::domain::*;
use crate::i18n::*;
use crate::ui::widgets::download::SlowDownload;
use crate::ui::widgets::TopBar;
use leptos::prelude::*;
use leptos_meta::Title;

/// The page's shared signals, `Copy` so closures can share them.
#[derive(Clone, Copy)]
pub struct Screen {
    pub page: RwSignal<ReviewPage>,
    /// Why the last change failed.
    pub error: RwSignal<Option<String>>,
    /// Bumped to read the page again (after a change here, or one the live channel announced).
    pub changed: RwSignal<u64>,
    /// The agenda item this browser presents (from 0), while its user presents.
    pub presenting: RwSignal<Option<usize>>,
    /// Whether this browser follows someone else's presentation (on by default).
    pub follow: RwSignal<bool>,
    /// Bumped when the live channel says a comment on one of the map's items changed.
    pub comments_changed: RwSignal<u64>,
}

impl Screen {
    /// The review's id.
    pub fn id(self) -> ReviewId {
        self.page.with_untracked(|p| p.review.id)
    }

    /// Reads the page again.
    pub fn reload(self) {
        self.changed.update(|c| *c += 1);
    }

    /// A callback that reads the page again, for the forms.
    pub fn reloader(self) -> Callback<()> {
        Callback::new(move |_| self.reload())
    }
}

/// Reads the page from the server into `screen`. Only the answer to the latest read counts: an
/// earlier one arriving late (a follower's steps in quick succession) would show a stale step.
fn fetch(screen: Screen) {
    let id = screen.id();
    let asked = screen.changed.get_untracked();
    leptos::task::spawn_local(async move {
        if let Ok(page) = get_review(id).await {
            if screen.changed.get_untracked() == asked {
                screen.page.set(page);
            }
        }
    });
}

/// The page of one review.
#[component]
pub fn ReviewScreen(page: ReviewPage) -> impl IntoView {
    let locale = current_locale();
    let title = page.review.title.clone();
    let unit = page.unit.clone();
    let map = page.review.map_id;
    let screen = Screen {
        page: RwSignal::new(page),
        error: RwSignal::new(None),
        changed: RwSignal::new(0),
        presenting: RwSignal::new(None),
        follow: RwSignal::new(true),
        comments_changed: RwSignal::new(0),
    };
    listen(vec![map], screen.changed, Some(screen.comments_changed));
    Effect::new(move |seen: Option<u64>| {
        let now = screen.changed.get();
        if seen.is_some() {
            fetch(screen);
        }
        now
    });
    let crumbs = vec![
        (unit.name.clone(), "/".to_string()),
        (
            td_string!(locale, reviews.unit.crumb).to_string(),
            format!("/units/{}/reviews", unit.id),
        ),
    ];
    let tab = td_string!(
        locale,
        reviews.review.title,
        title = &title,
        unit = &unit.name
    )
    .to_string();
    view! {
        <Title text=tab/>
        <TopBar crumbs/>
        <main class="page review-page">
            <Header screen/>
            <Banner screen/>
            <Toolbar screen/>
            {move || screen.error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <Agenda screen/>
            <Outcomes screen/>
            <CompareEarlier screen/>
            <Presenter screen/>
        </main>
    }
}

/// The review's title, date, span, cadence, state, unit, map and attendees.
#[component]
fn Header(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    move || {
        screen.page.with(|p| {
            let r = &p.review;
            let attendees: Vec<String> = r
                .attendees
                .iter()
                .filter_map(|a| name_of(&p.people, Some(*a)))
                .collect();
            let attendees = if attendees.is_empty() {
                td_string!(locale, reviews.review.no_attendees).to_string()
            } else {
                attendees.join(", ")
            };
            view! {
                <div class="page-head review-head">
                    <h1>{r.title.clone()}</h1>
                    <p class="review-meta">
                        {td_string!(
                            locale,
                            reviews.review.meta,
                            date = format_date(locale, r.held_on),
                            span = r.span.text(locale),
                            cadence = cadence_word(locale, r.cadence)
                        ).to_string()}
                        " "{state_chip(locale, r.state)}
                    </p>
                    <p class="meta">
                        {td_string!(locale, reviews.review.unit)}" "
                        <a href=format!("/units/{}/reviews", p.unit.id)>{p.unit.name.clone()}</a>
                        " · "{td_string!(locale, reviews.review.map, map = &p.snapshot.map_name).to_string()}
                    </p>
                    <p class="meta attendees">{td_string!(locale, reviews.review.attendees, names = &attendees).to_string()}</p>
                </div>
            }
        })
    }
}

/// The banner of a closed review (the record does not change), or the count of red items still
/// waiting for commentary where the unit requires it.
#[component]
fn Banner(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    move || {
        screen.page.with(|p| {
            if p.frozen {
                let day = p
                    .review
                    .closed_at
                    .as_deref()
                    .or(Some(p.snapshot.taken_at.as_str()))
                    .and_then(day_of)
                    .map(|d| format_date(locale, d))
                    .unwrap_or_default();
                return view! {
                    <p class="frozen-banner" role="note">
                        <strong>{td_string!(locale, reviews.review.closed_on, date = &day).to_string()}</strong>
                        " "{td_string!(locale, reviews.review.frozen)}
                    </p>
                }
                .into_any();
            }
            let missing = p.missing_commentary.len() as u64;
            if missing == 0 {
                return ().into_any();
            }
            view! {
                <p class="commentary-missing-note" role="note">
                    {td_string!(locale, reviews.review.missing, count = missing).to_string()}
                </p>
            }
            .into_any()
        })
    }
}

/// The facilitator's tools (present, edit the details, close) and everyone's "follow the
/// presenter" switch.
#[component]
fn Toolbar(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    // A memo: the forms below are rebuilt only when the right changes, not on every refresh of
    // the page (a rebuilt form would lose what is typed in it).
    let may_edit = Memo::new(move |_| screen.page.with(|p| p.may_edit));
    view! {
        <div class="review-toolbar">
            <PresenterToggle screen/>
            {screen.page.with_untracked(|p| {
                let title = p.review.title.clone();
                view! {
                    <SlowDownload href=format!("/reviews/{}/briefing.pdf", p.review.id)
                        label=td_string!(locale, reviews.book.download)
                        aria_label=td_string!(locale, reviews.book.download_label, title = &title).to_string()
                        test_id="briefing-book"/>
                }
            })}
            {move || may_edit.get().then(|| view! {
                <button type="button" class="secondary" aria-expanded=move || editing.get().to_string()
                    on:click=move |_| editing.update(|e| *e = !*e)>{td_string!(locale, reviews.details.edit)}</button>
                <button type="button" class="danger" on:click=move |_| confirming.set(true)>{td_string!(locale, reviews.close.button)}</button>
            })}
        </div>
        {move || (editing.get() && may_edit.get()).then(|| view! { <DetailsForm screen editing/> })}
        {move || (confirming.get() && may_edit.get()).then(|| view! { <CloseConfirm screen confirming/> })}
    }
}

/// The details of a scheduled review: title, date and attendees (editors).
#[component]
fn DetailsForm(screen: Screen, editing: RwSignal<bool>) -> impl IntoView {
    let locale = current_locale();
    let (start, people) = screen
        .page
        .with_untracked(|p| (p.review.clone(), p.people.clone()));
    let draft = RwSignal::new(start);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let review: Review = draft.get_untracked();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match save_review(review).await {
                Ok(()) => {
                    editing.set(false);
                    screen.reload();
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card review-details" aria-labelledby="details-heading">
            <h2 id="details-heading">{td_string!(locale, reviews.details.heading)}</h2>
            <form on:submit=submit>
                <div class="form-grid">
                    <label class="wide">{td_string!(locale, reviews.schedule.title)}
                        <input name="title" required maxlength="200" prop:value=move || draft.with(|d| d.title.clone())
                            on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.title = v); }/>
                    </label>
                    <label>{td_string!(locale, reviews.schedule.date)}
                        <input type="date" name="held_on" required prop:value=move || draft.with(|d| d.held_on.to_string())
                            on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { draft.update(|d| d.held_on = v) }/>
                    </label>
                </div>
                <fieldset class="attendee-picks">
                    <legend>{td_string!(locale, reviews.schedule.attendees)}</legend>
                    {people.into_iter().map(|p| {
                        let id = p.id;
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || draft.with(|d| d.attendees.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        draft.update(|d| {
                                            d.attendees.retain(|x| *x != id);
                                            if on { d.attendees.push(id); }
                                        });
                                    }/>
                                {p.name}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="primary" disabled=move || busy.get()>{td_string!(locale, reviews.details.save)}</button>
                    <button type="button" class="secondary" on:click=move |_| editing.set(false)>{td_string!(locale, reviews.details.cancel)}</button>
                </div>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </form>
        </section>
    }
}

/// The confirm step before a review closes; the refusal (commentary missing…) shows here.
#[component]
fn CloseConfirm(screen: Screen, confirming: RwSignal<bool>) -> impl IntoView {
    let locale = current_locale();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let close = move |_| {
        let id = screen.id();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match close_review(id).await {
                Ok(()) => {
                    confirming.set(false);
                    screen.reload();
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card close-confirm" role="group" aria-labelledby="close-heading">
            <h2 id="close-heading">{td_string!(locale, reviews.close.heading)}</h2>
            <p>{td_string!(locale, reviews.close.explain)}</p>
            <div class="form-actions">
                <button type="button" class="primary" disabled=move || busy.get() on:click=close>{td_string!(locale, reviews.close.confirm)}</button>
                <button type="button" class="secondary" on:click=move |_| confirming.set(false)>{td_string!(locale, reviews.close.cancel)}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </section>
    }
}

/// Decisions on the whole review and every action the review shows, with the forms that add
/// them (editors, while it is open).
#[component]
fn Outcomes(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    let (review_id, people, today) = screen
        .page
        .with_untracked(|p| (p.review.id, p.people.clone(), p.today));
    let decisions = Signal::derive(move || screen.page.with(|p| p.snapshot.decisions.clone()));
    let actions = Signal::derive(move || screen.page.with(|p| p.actions.clone()));
    // A memo: the forms below are rebuilt only when the right changes, not on every refresh of
    // the page (a rebuilt form would lose what is typed in it).
    let may_edit = Memo::new(move |_| screen.page.with(|p| p.may_edit));
    let caption = td_string!(locale, reviews.actions.caption_review).to_string();
    let people_for_capture = people.clone();
    view! {
        <section class="card review-outcomes" aria-labelledby="outcomes-heading">
            <h2 id="outcomes-heading">{td_string!(locale, reviews.review.outcomes)}</h2>
            <TakenOn item=None decisions actions people/>
            {move || may_edit.get().then(|| view! {
                <div class="capture-pair">
                    <CaptureDecision review_id item=None changed=screen.reloader()/>
                    <CaptureAction review_id item=None people=people_for_capture.clone() today changed=screen.reloader()/>
                </div>
            })}
            <ActionTable actions caption show_review=true error=screen.error changed=screen.reloader()/>
        </section>
    }
}

/// "Compare with": an earlier closed review of the unit, and what changed since.
#[component]
fn CompareEarlier(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    let (earlier, people, this) = screen
        .page
        .with_untracked(|p| (p.earlier.clone(), p.people.clone(), p.review.id));
    if earlier.is_empty() {
        return ().into_any();
    }
    let chosen = RwSignal::new(None::<ReviewId>);
    view! {
        <section class="card compare-block" aria-labelledby="compare-heading">
            <h2 id="compare-heading">{td_string!(locale, reviews.compare.with_heading)}</h2>
            <label class="compare-with">{td_string!(locale, reviews.compare.with)}
                <select name="earlier" on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                    <option value="">{td_string!(locale, reviews.compare.choose)}</option>
                    {earlier.into_iter().map(|r| view! {
                        <option value=r.id.to_string()>{format!("{} · {}", r.title, format_date(locale, r.held_on))}</option>
                    }).collect_view()}
                </select>
            </label>
            <Compare earlier=chosen later=Signal::derive(move || Some(this)) people/>
        </section>
    }
    .into_any()
}
