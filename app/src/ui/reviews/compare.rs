//! "What changed since last time": the comparison of an earlier review with a later one —
//! statuses that moved (from → to, in words), new reds, the earlier review's actions done since
//! and those still open. Both review pages show it.

use super::name_of;
use crate::api::reviews::compare_reviews;
use crate::domain::review::{ActionItem, Comparison, Moved, MovedKind};
use crate::domain::scoring::Status;
use crate::domain::*;
use crate::i18n::*;
use leptos::prelude::*;

/// A status as a chip with its word.
pub fn status_chip(locale: Locale, status: Status) -> impl IntoView {
    view! {
        <span class=format!("status-chip status-{}", status.as_str()) data-status=status.as_str()>{status.text(locale)}</span>
    }
}

/// Compares `earlier` with `later` whenever both are chosen and differ, and shows the outcome.
#[component]
pub fn Compare(
    #[prop(into)] earlier: Signal<Option<ReviewId>>,
    #[prop(into)] later: Signal<Option<ReviewId>>,
    people: Vec<Person>,
) -> impl IntoView {
    let locale = current_locale();
    let outcome = RwSignal::new(None::<Result<Comparison, String>>);
    // Only the answer to the latest question is shown.
    let asked = RwSignal::new(0u32);
    Effect::new(move |_| {
        let (Some(a), Some(b)) = (earlier.get(), later.get()) else {
            outcome.set(None);
            return;
        };
        if a == b {
            outcome.set(Some(Err(
                td_string!(locale, reviews.compare.same).to_string()
            )));
            return;
        }
        asked.update(|n| *n += 1);
        let question = asked.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = compare_reviews(a, b).await.map_err(|e| e.text(locale));
            if asked.get_untracked() == question {
                outcome.set(Some(answer));
            }
        });
    });
    move || {
        outcome.get().map(|o| match o {
            Ok(c) => view! { <ComparisonView comparison=c people=people.clone()/> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
        })
    }
}

/// One comparison, in four short lists (or one line when nothing changed).
#[component]
pub fn ComparisonView(comparison: Comparison, people: Vec<Person>) -> impl IntoView {
    let locale = current_locale();
    let Comparison {
        moved,
        new_reds,
        actions_done,
        actions_open,
    } = comparison;
    if moved.is_empty() && actions_done.is_empty() && actions_open.is_empty() {
        return view! { <p class="comparison muted" role="status">{td_string!(locale, reviews.compare.nothing)}</p> }
            .into_any();
    }
    let done = actions_done
        .into_iter()
        .map(|a| action_line(locale, &people, a, true))
        .collect::<Vec<_>>();
    let open = actions_open
        .into_iter()
        .map(|a| action_line(locale, &people, a, false))
        .collect::<Vec<_>>();
    view! {
        <div class="comparison" role="status">
            <h3>{td_string!(locale, reviews.compare.moved)}</h3>
            {listed(locale, moved.into_iter().map(|m| moved_line(locale, m)).collect())}
            <h3>{td_string!(locale, reviews.compare.new_reds)}</h3>
            {listed(locale, new_reds.into_iter().map(|m| view! {
                <li>{kind_word(locale, m.kind)}" "<strong>{m.title}</strong>" "{status_chip(locale, Status::Red)}</li>
            }.into_any()).collect())}
            <h3>{td_string!(locale, reviews.compare.actions_done)}</h3>
            {listed(locale, done)}
            <h3>{td_string!(locale, reviews.compare.actions_open)}</h3>
            {listed(locale, open)}
        </div>
    }
    .into_any()
}

/// A list of `items`, or "None." when there are none.
fn listed(locale: Locale, items: Vec<AnyView>) -> AnyView {
    if items.is_empty() {
        view! { <p class="muted">{td_string!(locale, reviews.compare.none)}</p> }.into_any()
    } else {
        view! { <ul>{items}</ul> }.into_any()
    }
}

/// "Objective" or "Measure".
fn kind_word(locale: Locale, kind: MovedKind) -> &'static str {
    match kind {
        MovedKind::Objective => td_string!(locale, reviews.compare.objective),
        MovedKind::Measure => td_string!(locale, reviews.compare.measure),
    }
}

/// One status that moved: what, from (or "not on the map then") and to.
fn moved_line(locale: Locale, m: Moved) -> AnyView {
    let from = match m.from {
        Some(s) => status_chip(locale, s).into_any(),
        None => {
            view! { <span class="muted">{td_string!(locale, reviews.compare.was_absent)}</span> }
                .into_any()
        }
    };
    view! {
        <li>
            {kind_word(locale, m.kind)}" "<strong>{m.title}</strong>": "
            {from}<span aria-hidden="true">" → "</span>
            <span class="visually-hidden">" "{td_string!(locale, reviews.compare.became)}" "</span>
            {status_chip(locale, m.to)}
        </li>
    }
    .into_any()
}

/// One action of the comparison: its text, owner and when it was done or is due.
fn action_line(locale: Locale, people: &[Person], a: ActionItem, done: bool) -> AnyView {
    let owner = name_of(people, a.owner_id)
        .unwrap_or_else(|| td_string!(locale, reviews.actions.nobody).to_string());
    let when = match (done, a.done_on) {
        (true, Some(d)) => td_string!(
            locale,
            reviews.actions.done_on,
            date = format_date(locale, d)
        )
        .to_string(),
        _ => td_string!(
            locale,
            reviews.actions.due,
            date = format_date(locale, a.due_on)
        )
        .to_string(),
    };
    view! {
        <li data-action=a.id.to_string()>{a.text}<span class="meta">" · "{owner}" · "{when}</span></li>
    }
    .into_any()
}
