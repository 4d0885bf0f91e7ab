//! Asking before a delete: deleting objectives also removes their links, measures, initiative
//! links and alignments with other units' maps, so the map says what goes ("Also removes 2
//! alignments from Managed Services.") and deletes only when the user confirms. Undo brings it
//! all back either way.

use super::canvas::run_edit;
use super::state::{MapState, Selection};
use crate::api::delete_impact;
use crate::domain::impact::DeleteImpact;
use crate::domain::ops::{EntityKind, Op};
use crate::domain::ObjectiveId;
use crate::i18n::*;
use leptos::prelude::*;

/// A delete waiting for the user's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingDelete {
    /// What is sent when the user confirms.
    pub ops: Vec<Op>,
    /// The objectives it deletes, and their titles (for the question while the server is asked).
    pub objectives: Vec<ObjectiveId>,
    pub titles: Vec<String>,
    /// What the server says goes with them; `None` while it is asked, `Err` when it could not
    /// say.
    pub impact: Option<Result<DeleteImpact, String>>,
}

/// The objectives `ops` delete.
fn deleted_objectives(ops: &[Op]) -> Vec<ObjectiveId> {
    ops.iter()
        .filter_map(|op| match op {
            Op::Delete {
                entity: EntityKind::Objective,
                id,
            } => Some(ObjectiveId(*id)),
            _ => None,
        })
        .collect()
}

/// Deletes what `ops` delete: at once when no objective is among it (a link takes nothing with
/// it), after the user confirms otherwise.
pub fn ask_delete(state: MapState, ops: Vec<Op>) {
    let locale = current_locale();
    let objectives = deleted_objectives(&ops);
    if objectives.is_empty() {
        run_edit(state, ops);
        state.selection.set(Selection::default());
        return;
    }
    let (map_id, titles) = state.doc.with_untracked(|d| {
        let titles = objectives
            .iter()
            .filter_map(|id| d.objectives.iter().find(|o| o.id == *id))
            .map(|o| o.title.clone())
            .collect();
        (d.map.id, titles)
    });
    state.delete_request.set(Some(PendingDelete {
        ops,
        objectives: objectives.clone(),
        titles,
        impact: None,
    }));
    leptos::task::spawn_local(async move {
        let answer = delete_impact(map_id, objectives.clone())
            .await
            .map_err(|e| e.text(locale));
        state.delete_request.update(|pending| {
            // An answer for a question no longer asked is dropped.
            if let Some(p) = pending.as_mut().filter(|p| p.objectives == objectives) {
                p.impact = Some(answer);
            }
        });
    });
}

/// Sends the waiting delete and closes the question.
fn confirm(state: MapState) {
    if let Some(p) = state.delete_request.get_untracked() {
        run_edit(state, p.ops);
        state.selection.set(Selection::default());
    }
    close(state);
}

/// Closes the question and gives the keyboard back to the canvas.
fn close(state: MapState) {
    state.delete_request.set(None);
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(canvas) = document()
            .query_selector(".canvas-wrap")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        {
            let _ = canvas.focus();
        }
    }
}

/// The question "Delete “…”?" as the user sees it while the server is asked.
fn question_from_titles(locale: Locale, titles: &[String]) -> String {
    DeleteImpact {
        objectives: titles.to_vec(),
        ..DeleteImpact::default()
    }
    .question(locale)
}

/// What the question says below its title.
fn impact_view(locale: Locale, impact: Option<Result<DeleteImpact, String>>) -> AnyView {
    match impact {
        None => view! { <p class="muted">{td_string!(locale, map.confirm.checking)}</p> }.into_any(),
        Some(Err(e)) => view! {
            <p class="error">{td_string!(locale, map.confirm.check_failed, error = e).to_string()}</p>
        }
        .into_any(),
        Some(Ok(i)) if i.is_only_objectives() => {
            view! { <p>{td_string!(locale, map.confirm.nothing_else)}</p> }.into_any()
        }
        Some(Ok(i)) => view! {
            <ul class="confirm-lines">
                {i.lines(locale).into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ul>
        }
        .into_any(),
    }
}

/// The question before a delete: a dialog with what goes, "Delete" and "Cancel" (Escape or a
/// click beside it cancel too). Focus starts on "Cancel", the harmless answer.
#[component]
pub fn DeleteDialog(state: MapState) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    move || {
        let pending = state.delete_request.get()?;
        let question = match &pending.impact {
            Some(Ok(i)) => i.question(locale),
            _ => question_from_titles(locale, &pending.titles),
        };
        let cancel_button = NodeRef::<leptos::html::Button>::new();
        Effect::new(move |_| {
            if let Some(b) = cancel_button.get() {
                let _ = b.focus();
            }
        });
        Some(view! {
            <div class="why-backdrop" on:click=move |_| close(state)>
                <section class="confirm" role="dialog" aria-modal="true"
                    aria-labelledby="delete-question" aria-describedby="delete-impact"
                    on:click=|ev| ev.stop_propagation()
                    on:keydown=move |ev| if ev.key() == "Escape" {
                        ev.prevent_default();
                        close(state);
                    }>
                    <h2 id="delete-question">{question}</h2>
                    <div id="delete-impact">
                        {impact_view(locale, pending.impact.clone())}
                        <p class="muted small">{t!(i18n, map.confirm.undo_note)}</p>
                    </div>
                    <div class="confirm-actions">
                        <button type="button" node_ref=cancel_button on:click=move |_| close(state)>{t!(i18n, map.confirm.cancel)}</button>
                        <button type="button" class="danger" on:click=move |_| confirm(state)>{t!(i18n, map.confirm.delete)}</button>
                    </div>
                </section>
            </div>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_objective_deletes_are_asked_about() {
        let a = ObjectiveId::new();
        let ops = vec![
            Op::Delete {
                entity: EntityKind::Objective,
                id: a.0,
            },
            Op::Unlink {
                id: crate::domain::LinkId::new(),
            },
        ];
        assert_eq!(deleted_objectives(&ops), vec![a]);
        assert!(deleted_objectives(&ops[1..]).is_empty());
        assert_eq!(
            question_from_titles(Locale::en, &["Grow revenue".into()]),
            "Delete “Grow revenue”?"
        );
    }
}
