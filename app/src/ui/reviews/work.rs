//! The home page's review work: the agenda items the signed-in person writes commentary on
//! before a review, and their open actions. Each list shows only when it has something in it.
//! The home page is sent without the browser bundle, so an action's done box appears once the
//! page runs in the browser; until then the action links to its review, where it can be ticked.

use super::{in_browser, reason_word};
use crate::api::reviews::{my_reviews, set_action_done, ActionView, ToWrite};
use crate::domain::*;
use crate::i18n::*;
use leptos::prelude::*;

/// "To write before the review" and "My actions", above the org tree.
#[component]
pub fn ReviewWork() -> impl IntoView {
    let locale = current_locale();
    let work = Resource::new(|| (), |_| my_reviews());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let work = work.await.unwrap_or_default();
                view! {
                    {(!work.to_write.is_empty()).then(|| to_write(locale, work.to_write))}
                    {(!work.actions.is_empty()).then(|| view! { <MyActions actions=work.actions/> })}
                }
            })}
        </Suspense>
    }
}

/// The items to write commentary on, each with its review and a link to it on the review page.
fn to_write(locale: Locale, items: Vec<ToWrite>) -> impl IntoView {
    view! {
        <section class="my-reviews" aria-labelledby="to-write-title">
            <h2 id="to-write-title">{td_string!(locale, reviews.home.to_write)}</h2>
            <ul aria-label=td_string!(locale, reviews.home.to_write_label)>
                {items.into_iter().map(|w| {
                    let href = format!("/reviews/{}#item-{}", w.review_id, w.item_id);
                    let label = td_string!(locale, reviews.home.write_label, title = &w.title).to_string();
                    let state = if w.written {
                        td_string!(locale, reviews.home.written)
                    } else {
                        td_string!(locale, reviews.home.not_written)
                    };
                    view! {
                        <li data-review-item=w.item_id.to_string() class:written=w.written>
                            <span class="item-title">{w.title.clone()}</span>
                            <span class="meta">{format!(
                                " · {} · {}",
                                reason_word(locale, w.reason),
                                td_string!(locale, reviews.home.review_on, title = &w.review_title, date = format_date(locale, w.held_on))
                            )}</span>
                            " "<span class=if w.written { "written-flag" } else { "to-write-flag" }>{state}</span>
                            " "<a href=href class="secondary-link" aria-label=label>{td_string!(locale, reviews.home.write)}</a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The person's open actions: text, due date, overdue in words, review, and a done box.
#[component]
fn MyActions(actions: Vec<ActionView>) -> impl IntoView {
    let locale = current_locale();
    let live = in_browser();
    // Ticked here since the page loaded (the list is not read again, so nothing vanishes).
    let done = RwSignal::new(Vec::<ActionItemId>::new());
    let error = RwSignal::new(None::<String>);
    let toggle = move |id: ActionItemId, on: bool| {
        error.set(None);
        leptos::task::spawn_local(async move {
            match set_action_done(id, on).await {
                Ok(_) => done.update(|d| {
                    d.retain(|x| *x != id);
                    if on {
                        d.push(id);
                    }
                }),
                Err(e) => error.set(Some(e.text(locale))),
            }
        });
    };
    view! {
        <section class="my-actions" aria-labelledby="my-actions-title">
            <h2 id="my-actions-title">{td_string!(locale, reviews.home.actions)}</h2>
            <ul aria-label=td_string!(locale, reviews.home.actions_label)>
                {actions.into_iter().map(|a| {
                    let id = a.action.id;
                    let review = a.action.review_id;
                    let text = a.action.text.clone();
                    let label = td_string!(locale, reviews.actions.done_label, text = &text).to_string();
                    let review_label = td_string!(locale, reviews.home.open_review, title = &a.review_title).to_string();
                    view! {
                        <li data-action=id.to_string() class:overdue=a.overdue>
                            {move || (live.get() && a.may_complete).then(|| view! {
                                <input type="checkbox" aria-label=label.clone() prop:checked=move || done.with(|d| d.contains(&id))
                                    on:change=move |ev| toggle(id, event_target_checked(&ev))/>
                                " "
                            })}
                            <span class="action-text">{text.clone()}</span>
                            <span class="meta">{format!(
                                " · {} · {}",
                                td_string!(locale, reviews.actions.due, date = format_date(locale, a.action.due_on)),
                                a.review_title
                            )}</span>
                            {a.overdue.then(|| view! { " " <span class="stale-flag">{td_string!(locale, reviews.actions.overdue)}</span> })}
                            {move || done.with(|d| d.contains(&id)).then(|| view! { " " <span class="written-flag">{td_string!(locale, reviews.home.done)}</span> })}
                            " "<a href=format!("/reviews/{review}") class="secondary-link" aria-label=review_label>{td_string!(locale, reviews.home.review_link)}</a>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </section>
    }
}
