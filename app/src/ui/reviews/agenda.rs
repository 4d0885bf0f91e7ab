//! The agenda of a review: one card per item (reason in words, owner, the item's body, the
//! commentary form for whoever may write it, "commentary required" where the unit asks, the
//! decisions and actions taken on it), and the facilitator's edits — move up or down, remove,
//! add a topic, refresh from the data.

use super::capture::{CaptureAction, CaptureDecision, TakenOn};
use super::item::{facts_memo, CommentaryView, ItemBody};
use super::reason_chip;
use super::review::Screen;
use crate::api::reviews::{save_agenda, write_commentary};
use crate::domain::comment::CommentSubject;
use crate::domain::review::{AgendaItem, ItemReason, ItemSubject};
use crate::domain::*;
use crate::i18n::*;
use crate::ui::widgets::comments::Comments;
use leptos::prelude::*;

/// Saves `items` as the agenda (with `refresh`, plus what the data now asks for), puts the
/// answer in the page and reads the rest again; `then` gets how many items the agenda gained.
fn save_items(
    screen: Screen,
    items: Vec<AgendaItem>,
    refresh: bool,
    then: impl FnOnce(usize) + 'static,
) {
    let locale = current_locale();
    let id = screen.id();
    let before = items.len();
    screen.error.set(None);
    leptos::task::spawn_local(async move {
        match save_agenda(id, items, refresh).await {
            Ok(agenda) => {
                let gained = agenda.len().saturating_sub(before);
                screen.page.update(|p| p.snapshot.items = agenda);
                then(gained);
                screen.reload();
            }
            Err(e) => screen.error.set(Some(e.text(locale))),
        }
    });
}

/// The agenda's items now.
fn items_now(screen: Screen) -> Vec<AgendaItem> {
    screen.page.with_untracked(|p| p.snapshot.items.clone())
}

/// The agenda: its items as cards, and the facilitator's tools.
#[component]
pub fn Agenda(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    let ids = move || {
        screen
            .page
            .with(|p| p.snapshot.items.iter().map(|i| i.id).collect::<Vec<_>>())
    };
    // A memo: the facilitator's tools are rebuilt only when the right changes, not on every
    // refresh of the page (a rebuilt form would lose what is typed in it).
    let may_edit = Memo::new(move |_| screen.page.with(|p| p.may_edit));
    view! {
        <section class="agenda" aria-labelledby="agenda-heading">
            <div class="agenda-head">
                <h2 id="agenda-heading">{td_string!(locale, reviews.agenda.heading)}</h2>
                {move || may_edit.get().then(|| view! { <RefreshFromData screen/> })}
            </div>
            {move || ids().is_empty().then(|| view! { <p class="card muted">{td_string!(locale, reviews.agenda.empty)}</p> })}
            {move || screen.page.with(|p| p.snapshot.arrows_questioned()).map(|(arrows, months)| view! {
                <p class="arrows-questioned">{td_string!(
                    locale,
                    reviews.agenda.arrows_contradicted,
                    arrows = td_string!(locale, reviews.agenda.arrows, count = arrows as u64).to_string(),
                    months = td_string!(locale, reviews.agenda.arrow_months, count = months as u64).to_string()
                ).to_string()}</p>
            })}
            <ol class="agenda-items">
                <For each=ids key=|id| *id let:id>
                    <AgendaCard screen id/>
                </For>
            </ol>
            {move || may_edit.get().then(|| view! { <AddTopic screen/> })}
        </section>
    }
}

/// "Refresh from the data": adds what the data now asks for and the agenda lacks.
#[component]
fn RefreshFromData(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    let note = RwSignal::new(None::<String>);
    let refresh = move |_| {
        note.set(None);
        save_items(screen, items_now(screen), true, move |gained| {
            let text = if gained == 0 {
                td_string!(locale, reviews.agenda.refreshed_none).to_string()
            } else {
                td_string!(locale, reviews.agenda.refreshed, count = gained as u64).to_string()
            };
            note.set(Some(text));
        });
    };
    view! {
        <button type="button" class="secondary" on:click=refresh>{td_string!(locale, reviews.agenda.refresh)}</button>
        <span class="refresh-note" role="status">{move || note.get()}</span>
    }
}

/// One item's card.
#[component]
fn AgendaCard(screen: Screen, id: ReviewItemId) -> impl IntoView {
    let locale = current_locale();
    let facts = facts_memo(screen, id);
    let heading = format!("item-{id}-title");
    let heading_id = heading.clone();
    // Memos, so a refresh of the page (a live change, a reload after a save) rebuilds the forms
    // below only when what they depend on changes: a rebuilt form would lose what is typed in it.
    let may_write = Memo::new(move |_| screen.page.with(|p| p.may_write.contains(&id)));
    let missing = Memo::new(move |_| screen.page.with(|p| p.missing_commentary.contains(&id)));
    let may_edit = Memo::new(move |_| screen.page.with(|p| p.may_edit));
    let (review_id, people, today) = screen
        .page
        .with_untracked(|p| (p.review.id, p.people.clone(), p.today));
    let decisions = Signal::derive(move || screen.page.with(|p| p.snapshot.decisions.clone()));
    let actions = Signal::derive(move || screen.page.with(|p| p.actions.clone()));
    let start = screen.page.with_untracked(|p| {
        p.snapshot
            .items
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.commentary.clone())
            .unwrap_or_default()
    });
    let people_for_capture = people.clone();
    view! {
        <li class="agenda-item card" id=format!("item-{id}") data-review-item=id.to_string()
            class:needs-commentary=move || missing.get() aria-labelledby=heading>
            {move || facts.get().map(|f| view! {
                <div class="item-head">
                    <h3 id=heading_id.clone()>
                        <span class="item-number">{format!("{}.", f.index + 1)}</span>" "{f.item.title.clone()}
                    </h3>
                    {reason_chip(locale, f.item.reason)}
                    <span class="meta item-owner">{match &f.owner {
                        Some(name) => td_string!(locale, reviews.item.owner, name = name).to_string(),
                        None => td_string!(locale, reviews.item.no_owner).to_string(),
                    }}</span>
                </div>
            })}
            {move || missing.get().then(|| view! {
                <p class="required-flag">{td_string!(locale, reviews.item.required)}</p>
            })}
            <div class="item-columns">
                <ItemBody facts/>
                <div class="item-side">
                    <CommentaryView facts/>
                    {move || may_write.get().then(|| view! { <CommentaryForm screen id start=start.clone()/> })}
                    <TakenOn item=Some(id) decisions actions people/>
                    {move || may_edit.get().then(|| view! {
                        <details class="capture-here">
                            <summary>{td_string!(locale, reviews.capture.on_item)}</summary>
                            <div class="capture-pair">
                                <CaptureDecision review_id item=Some(id) changed=screen.reloader()/>
                                <CaptureAction review_id item=Some(id) people=people_for_capture.clone() today changed=screen.reloader()/>
                            </div>
                        </details>
                    })}
                </div>
            </div>
            <ItemComments screen id/>
            {move || may_edit.get().then(|| view! { <ItemTools screen id/> })}
        </li>
    }
}

/// The comment threads on an agenda item, shown on demand (open at once when a link asked
/// for them: `?item=…&comments=1`).
#[component]
fn ItemComments(screen: Screen, id: ReviewItemId) -> impl IntoView {
    let locale = current_locale();
    let query = leptos_router::hooks::use_query_map().get_untracked();
    let asked = query.get("comments").as_deref() == Some("1")
        && query.get("item").is_some_and(|i| i == id.to_string());
    let open = RwSignal::new(asked);
    view! {
        <div class="item-comments">
            <button type="button" class="link-button" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>{td_string!(locale, comments.heading)}</button>
            {move || open.get().then(|| view! {
                <Comments subject=CommentSubject::ReviewItem(id) changed=screen.comments_changed/>
            })}
        </div>
    }
}

/// The commentary form of an item: analysis and recommendation, kept as typed while the page
/// refreshes around it.
#[component]
fn CommentaryForm(
    screen: Screen,
    id: ReviewItemId,
    start: crate::domain::review::Commentary,
) -> impl IntoView {
    let locale = current_locale();
    let analysis = RwSignal::new(start.analysis);
    let recommendation = RwSignal::new(start.recommendation);
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (a, r) = (analysis.get_untracked(), recommendation.get_untracked());
        busy.set(true);
        saved.set(false);
        error.set(None);
        leptos::task::spawn_local(async move {
            match write_commentary(id, a, r).await {
                Ok(()) => {
                    saved.set(true);
                    screen.reload();
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="commentary-form" on:submit=submit>
            <label>{td_string!(locale, reviews.commentary.analysis)}
                <textarea name="analysis" rows="3" maxlength="5000" prop:value=move || analysis.get()
                    on:input=move |ev| { saved.set(false); analysis.set(event_target_value(&ev)); }></textarea>
            </label>
            <label>{td_string!(locale, reviews.commentary.recommendation)}
                <textarea name="recommendation" rows="3" maxlength="5000" prop:value=move || recommendation.get()
                    on:input=move |ev| { saved.set(false); recommendation.set(event_target_value(&ev)); }></textarea>
            </label>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || busy.get()>{td_string!(locale, reviews.commentary.save)}</button>
                <span role="status">{move || saved.get().then(|| td_string!(locale, reviews.commentary.saved))}</span>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    }
}

/// Move up, move down and remove (with a confirm step), for the facilitator.
#[component]
fn ItemTools(screen: Screen, id: ReviewItemId) -> impl IntoView {
    let locale = current_locale();
    let confirming = RwSignal::new(false);
    let title = move || {
        screen.page.with(|p| {
            p.snapshot
                .items
                .iter()
                .find(|i| i.id == id)
                .map(|i| i.title.clone())
                .unwrap_or_default()
        })
    };
    let place = move || {
        screen.page.with(|p| {
            let at = p.snapshot.items.iter().position(|i| i.id == id);
            (at, p.snapshot.items.len())
        })
    };
    let shift = move |by: isize| {
        let mut items = items_now(screen);
        let Some(at) = items.iter().position(|i| i.id == id) else {
            return;
        };
        let to = at.saturating_add_signed(by);
        if to >= items.len() || to == at {
            return;
        }
        items.swap(at, to);
        save_items(screen, items, false, |_| ());
    };
    let remove = move |_| {
        let mut items = items_now(screen);
        items.retain(|i| i.id != id);
        confirming.set(false);
        save_items(screen, items, false, |_| ());
    };
    view! {
        <div class="item-tools">
            <button type="button" class="secondary small" disabled=move || place().0 == Some(0)
                aria-label=move || td_string!(locale, reviews.agenda.up_label, title = title()).to_string()
                on:click=move |_| shift(-1)>{td_string!(locale, reviews.agenda.up)}</button>
            <button type="button" class="secondary small" disabled=move || { let (at, n) = place(); at.is_none_or(|a| a + 1 >= n) }
                aria-label=move || td_string!(locale, reviews.agenda.down_label, title = title()).to_string()
                on:click=move |_| shift(1)>{td_string!(locale, reviews.agenda.down)}</button>
            {move || if confirming.get() {
                view! {
                    <span class="confirm">
                        {td_string!(locale, reviews.agenda.remove_confirm, title = title()).to_string()}" "
                        <button type="button" class="danger" on:click=remove>{td_string!(locale, reviews.agenda.remove_yes)}</button>
                        <button type="button" class="secondary small" on:click=move |_| confirming.set(false)>{td_string!(locale, reviews.agenda.remove_no)}</button>
                    </span>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="danger"
                        aria-label=move || td_string!(locale, reviews.agenda.remove_label, title = title()).to_string()
                        on:click=move |_| confirming.set(true)>{td_string!(locale, reviews.agenda.remove)}</button>
                }.into_any()
            }}
        </div>
    }
}

/// "Add a topic": a title and, optionally, who writes its commentary.
#[component]
fn AddTopic(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    let people = screen.page.with_untracked(|p| p.people.clone());
    let title = RwSignal::new(String::new());
    let owner = RwSignal::new(None::<UserId>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut items = items_now(screen);
        items.push(AgendaItem::new(
            ItemSubject::Topic,
            ItemReason::Added,
            title.get_untracked().trim(),
            owner.get_untracked(),
        ));
        save_items(screen, items, false, move |_| {
            title.set(String::new());
            owner.set(None);
        });
    };
    view! {
        <form class="card add-topic" on:submit=submit aria-labelledby="add-topic-heading">
            <h3 id="add-topic-heading">{td_string!(locale, reviews.agenda.add_heading)}</h3>
            <div class="form-grid">
                <label class="wide">{td_string!(locale, reviews.agenda.topic)}
                    <input name="topic" required maxlength="300" prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))/>
                </label>
                <label>{td_string!(locale, reviews.agenda.topic_owner)}
                    <select name="topic_owner" on:change=move |ev| owner.set(event_target_value(&ev).parse().ok())>
                        <option value="" selected=move || owner.get().is_none()>{td_string!(locale, reviews.actions.nobody)}</option>
                        {people.into_iter().map(|p| {
                            let id = p.id;
                            view! { <option value=id.to_string() selected=move || owner.get() == Some(id)>{p.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <button type="submit" class="primary">{td_string!(locale, reviews.agenda.add)}</button>
        </form>
    }
}
