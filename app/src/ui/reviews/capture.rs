//! Decisions and actions: the table of actions (owner, due date, review, overdue in words, a done
//! box for whoever may tick it) and the small forms that capture a decision or an action on an
//! agenda item or on the whole review, in the page or in the presenter view.

use super::name_of;
use crate::api::reviews::{add_action, add_decision, set_action_done, ActionView};
use crate::domain::*;
use crate::i18n::*;
use chrono::NaiveDate;
use leptos::prelude::*;

/// How long an action gets by default, in days.
const DEFAULT_DAYS: u64 = 14;

/// An action's state in words: done (when), overdue, or open; and its class.
pub fn action_state(locale: Locale, a: &ActionView) -> (&'static str, String) {
    match a.action.done_on {
        Some(d) => (
            "action-done",
            td_string!(
                locale,
                reviews.actions.done_on,
                date = format_date(locale, d)
            )
            .to_string(),
        ),
        None if a.overdue => (
            "action-overdue",
            td_string!(locale, reviews.actions.overdue).to_string(),
        ),
        None => (
            "action-open",
            td_string!(locale, reviews.actions.open).to_string(),
        ),
    }
}

/// Marks an action done or open again, then runs `changed`; a refusal goes to `error`.
pub fn toggle_done(
    id: ActionItemId,
    done: bool,
    error: RwSignal<Option<String>>,
    changed: Callback<()>,
) {
    let locale = current_locale();
    error.set(None);
    leptos::task::spawn_local(async move {
        match set_action_done(id, done).await {
            Ok(_) => changed.run(()),
            Err(e) => error.set(Some(e.text(locale))),
        }
    });
}

/// The actions as a table: what, who, by when, from which review (with `show_review`), their
/// state in words, and a done box where the reader may tick it.
#[component]
pub fn ActionTable(
    #[prop(into)] actions: Signal<Vec<ActionView>>,
    #[prop(into)] caption: String,
    show_review: bool,
    error: RwSignal<Option<String>>,
    changed: Callback<()>,
) -> impl IntoView {
    let locale = current_locale();
    move || {
        let list = actions.get();
        if list.is_empty() {
            return view! { <p class="muted">{td_string!(locale, reviews.actions.none)}</p> }
                .into_any();
        }
        let rows = list
            .into_iter()
            .map(|a| action_row(locale, a, show_review, error, changed))
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="action-table">
                    <caption>{caption.clone()}</caption>
                    <thead><tr>
                        <th scope="col">{td_string!(locale, reviews.actions.text)}</th>
                        <th scope="col">{td_string!(locale, reviews.actions.owner)}</th>
                        <th scope="col">{td_string!(locale, reviews.actions.due_col)}</th>
                        {show_review.then(|| view! { <th scope="col">{td_string!(locale, reviews.actions.review)}</th> })}
                        <th scope="col">{td_string!(locale, reviews.actions.state)}</th>
                        <th scope="col">{td_string!(locale, reviews.actions.done)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    }
}

/// One row of the actions table.
fn action_row(
    locale: Locale,
    a: ActionView,
    show_review: bool,
    error: RwSignal<Option<String>>,
    changed: Callback<()>,
) -> impl IntoView {
    let (class, state) = action_state(locale, &a);
    let id = a.action.id;
    let done = a.action.done_on.is_some();
    let owner = a
        .owner
        .clone()
        .unwrap_or_else(|| td_string!(locale, reviews.actions.nobody).to_string());
    let label = td_string!(locale, reviews.actions.done_label, text = &a.action.text).to_string();
    let review = a.action.review_id;
    view! {
        <tr data-action=id.to_string() class=class>
            <th scope="row">{a.action.text.clone()}</th>
            <td>{owner}</td>
            <td>{format_date(locale, a.action.due_on)}</td>
            {show_review.then(|| view! { <td><a href=format!("/reviews/{review}")>{a.review_title.clone()}</a></td> })}
            <td><span class=format!("action-state {class}")>{state}</span></td>
            <td>
                {if a.may_complete {
                    view! {
                        <input type="checkbox" aria-label=label prop:checked=done
                            on:change=move |ev| toggle_done(id, event_target_checked(&ev), error, changed)/>
                    }.into_any()
                } else {
                    view! { <span class="muted">{if done { "✓" } else { "–" }}</span> }.into_any()
                }}
            </td>
        </tr>
    }
}

/// Records a decision on `item` (or on the whole review): one text and a button.
#[component]
pub fn CaptureDecision(
    review_id: ReviewId,
    item: Option<ReviewItemId>,
    changed: Callback<()>,
) -> impl IntoView {
    let locale = current_locale();
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let said = text.get_untracked();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match add_decision(review_id, item, said).await {
                Ok(_) => {
                    text.set(String::new());
                    changed.run(());
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="capture capture-decision" on:submit=submit>
            <label>{td_string!(locale, reviews.capture.decision)}
                <textarea name="decision" rows="2" required maxlength="1000" prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </label>
            <button type="submit" class="secondary" disabled=move || busy.get()>{td_string!(locale, reviews.capture.add_decision)}</button>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    }
}

/// Captures an action on `item` (or on the whole review): what, who (one of `people`) and by
/// when (`today` plus two weeks unless changed).
#[component]
pub fn CaptureAction(
    review_id: ReviewId,
    item: Option<ReviewItemId>,
    people: Vec<Person>,
    today: NaiveDate,
    changed: Callback<()>,
) -> impl IntoView {
    let locale = current_locale();
    let due_default = today
        .checked_add_days(chrono::Days::new(DEFAULT_DAYS))
        .unwrap_or(today);
    let text = RwSignal::new(String::new());
    let owner = RwSignal::new(None::<UserId>);
    let due = RwSignal::new(due_default);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (said, who, by) = (
            text.get_untracked(),
            owner.get_untracked(),
            due.get_untracked(),
        );
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match add_action(review_id, item, said, who, by).await {
                Ok(_) => {
                    text.set(String::new());
                    changed.run(());
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="capture capture-action" on:submit=submit>
            <label class="wide">{td_string!(locale, reviews.capture.action)}
                <input name="action" required maxlength="1000" prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))/>
            </label>
            <label>{td_string!(locale, reviews.capture.owner)}
                <select name="owner" on:change=move |ev| owner.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=move || owner.get().is_none()>{td_string!(locale, reviews.actions.nobody)}</option>
                    {people.into_iter().map(|p| {
                        let id = p.id;
                        view! { <option value=id.to_string() selected=move || owner.get() == Some(id)>{p.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>{td_string!(locale, reviews.capture.due)}
                <input type="date" name="due_on" required prop:value=move || due.get().to_string()
                    on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { due.set(d) }/>
            </label>
            <button type="submit" class="secondary" disabled=move || busy.get()>{td_string!(locale, reviews.capture.add_action)}</button>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    }
}

/// The decisions and actions taken on one item (or, with `item` `None`, on the whole review),
/// as short lists; nothing when there are none.
#[component]
pub fn TakenOn(
    item: Option<ReviewItemId>,
    #[prop(into)] decisions: Signal<Vec<crate::domain::review::Decision>>,
    #[prop(into)] actions: Signal<Vec<ActionView>>,
    people: Vec<Person>,
) -> impl IntoView {
    let locale = current_locale();
    move || {
        let decisions: Vec<_> =
            decisions.with(|d| d.iter().filter(|d| d.item_id == item).cloned().collect());
        let actions: Vec<_> = actions.with(|a| {
            a.iter()
                .filter(|a| a.action.item_id == item && item.is_some())
                .cloned()
                .collect()
        });
        if decisions.is_empty() && actions.is_empty() {
            return ().into_any();
        }
        let people = people.clone();
        view! {
            <div class="taken">
                {(!decisions.is_empty()).then(|| view! {
                    <p class="taken-label">{td_string!(locale, reviews.capture.decisions)}</p>
                    <ul class="decisions">
                        {decisions.into_iter().map(|d| view! { <li data-decision=d.id.to_string()>{d.text}</li> }).collect_view()}
                    </ul>
                })}
                {(!actions.is_empty()).then(|| view! {
                    <p class="taken-label">{td_string!(locale, reviews.capture.actions)}</p>
                    <ul class="actions">
                        {actions.into_iter().map(|a| {
                            let (class, state) = action_state(locale, &a);
                            let owner = a.owner.clone().or_else(|| name_of(&people, a.action.owner_id))
                                .unwrap_or_else(|| td_string!(locale, reviews.actions.nobody).to_string());
                            view! {
                                <li data-action=a.action.id.to_string()>
                                    {a.action.text.clone()}
                                    <span class="meta">" · "{owner}" · "{td_string!(locale, reviews.actions.due, date = format_date(locale, a.action.due_on)).to_string()}</span>
                                    " "<span class=format!("action-state {class}")>{state}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
            </div>
        }
        .into_any()
    }
}
