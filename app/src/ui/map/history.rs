//! The History tab beside the canvas: who changed the selected measure or objective (or, with
//! nothing selected, the whole map) and when, with the old and the new value. It is read again
//! whenever the map moves on (a new edit lands), and pages back with "Show older changes".

use super::state::MapState;
use crate::api::{item_history, ApiError};
use crate::domain::history::{HistoryKind, HistoryPage};
use crate::i18n::*;
use crate::ui::widgets::history::HistoryEntries;
use crate::ui::widgets::ErrorPanel;
use leptos::prelude::*;

/// The first `pages` pages of the history of `kind` `id`, as one.
async fn load(kind: HistoryKind, id: uuid::Uuid, pages: usize) -> Result<HistoryPage, ApiError> {
    let mut all = HistoryPage::default();
    for page in 0..pages {
        let next = item_history(kind, id, Some(page)).await?;
        all.entries.extend(next.entries);
        all.more = next.more;
        if !all.more {
            break;
        }
    }
    Ok(all)
}

/// The History tab's panel.
#[component]
pub fn HistoryPanel(state: MapState) -> impl IntoView {
    let i18n = use_i18n();
    let subject = Memo::new(move |_| {
        let sel = state.selection.get();
        match (sel.measure, sel.objectives.as_slice()) {
            (Some(m), [_]) => (HistoryKind::Measure, m.0),
            (_, [o]) => (HistoryKind::Objective, o.0),
            _ => (HistoryKind::Map, state.doc.with_untracked(|d| d.map.id.0)),
        }
    });
    let seq = Memo::new(move |_| state.doc.with(|d| d.seq));
    let pages = RwSignal::new(1usize);
    Effect::new(move |_| {
        subject.track();
        pages.set(1);
    });
    let data = LocalResource::new(move || {
        let (kind, id) = subject.get();
        let _ = seq.get();
        let n = pages.get();
        load(kind, id, n)
    });
    let heading = move || {
        let (kind, _) = subject.get();
        state.doc.with(|d| {
            let name = match kind {
                HistoryKind::Measure => state.selection.with(|s| {
                    s.measure
                        .and_then(|m| d.measures.iter().find(|x| x.id == m))
                        .map(|m| m.name.clone())
                }),
                HistoryKind::Objective => state
                    .selection
                    .with(|s| s.objectives.first().and_then(|o| d.objective_title(*o))),
                _ => None,
            };
            match name {
                Some(name) => format!("{}: {name}", t_string!(i18n, history.ui.heading)),
                None => t_string!(i18n, history.ui.map_heading).to_string(),
            }
        })
    };
    view! {
        <aside class="side-panel history-panel" aria-labelledby="history-heading">
            <h2 id="history-heading">{heading}</h2>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, history.ui.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => {
                            let more = page.more;
                            view! {
                                <HistoryEntries entries=page.entries/>
                                <Show when=move || more>
                                    <button type="button" class="link-button" on:click=move |_| pages.update(|n| *n += 1)>
                                        {t!(i18n, history.ui.more)}
                                    </button>
                                </Show>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </aside>
    }
}
