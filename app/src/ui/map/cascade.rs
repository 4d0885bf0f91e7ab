//! The cascade in the objective panel: on a unit map, what the objective supports on the parent
//! unit's maps (aligned, noted and removed through the edit protocol, like any other edit); on
//! any map, which units support the objective and through which of their objectives.

use super::canvas::run_edit;
use super::state::MapState;
use crate::domain::cascade;
use crate::domain::ops::{self, EntityKind, Field, Op};
use crate::domain::{AlignmentId, ObjectiveId};
use crate::i18n::*;
use leptos::prelude::*;

/// "Supports": the parent objectives this unit objective is aligned to, each with its
/// contribution note and a remove button, and a picker to align it to one more.
#[component]
pub fn SupportsSection(state: MapState, id: ObjectiveId) -> impl IntoView {
    let i18n = use_i18n();
    let ro = move || !state.can_edit.get();
    let supports = Memo::new(move |_| {
        state.doc.with(|d| {
            cascade::supports_of(d, id)
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let choices = Memo::new(move |_| {
        state.doc.with(|d| {
            cascade::candidates(d, id)
                .into_iter()
                .map(|p| (p.id, p.perspective.clone(), p.title.clone()))
                .collect::<Vec<_>>()
        })
    });
    // Alignments whose parent objective was deleted there: shown until that is undone.
    let lost = Memo::new(move |_| state.doc.with(|d| cascade::lost_of(d, id)));
    let local = Memo::new(move |_| {
        state
            .doc
            .with(|d| d.objectives.iter().any(|o| o.id == id && o.local))
    });
    let set_local = move |on: bool| {
        run_edit(
            state,
            vec![ops::set(EntityKind::Objective, id.0, Field::Local, on)],
        )
    };
    let picked = RwSignal::new(String::new());
    let align = move |_| {
        let Ok(parent) = picked.get_untracked().parse::<ObjectiveId>() else {
            return;
        };
        run_edit(state, vec![cascade::align(id, parent)]);
        picked.set(String::new());
    };
    let remove = move |alignment: AlignmentId| run_edit(state, vec![Op::Unalign { id: alignment }]);
    let note = move |alignment: AlignmentId, text: String| {
        run_edit(
            state,
            vec![ops::set(
                EntityKind::Alignment,
                alignment.0,
                Field::Note,
                text,
            )],
        )
    };
    view! {
        <section class="cascade-supports" aria-labelledby="supports-heading">
            <h3 id="supports-heading">{t!(i18n, cascade.supports)}</h3>
            {move || {
                let rows = supports.get();
                if rows.is_empty() {
                    if local.get() {
                        return ().into_any();
                    }
                    return view! { <p class="unaligned-note">{t!(i18n, cascade.unaligned)}</p> }.into_any();
                }
                view! {
                    <ul class="support-list">
                        {rows.into_iter().map(|a| {
                            let (aid, title) = (a.id, a.parent_title.clone());
                            let remove_label = td_string!(i18n.get_locale_untracked(), cascade.remove, title = title.clone()).to_string();
                            let note_label = td_string!(i18n.get_locale_untracked(), cascade.note_for, title = title.clone()).to_string();
                            view! {
                                <li data-alignment=aid.to_string()>
                                    <div class="support-row">
                                        <span class="support-title">{title}</span>
                                        <Show when=move || !ro()>
                                            <button type="button" class="link-button" aria-label=remove_label.clone()
                                                on:click=move |_| remove(aid)>{t!(i18n, cascade.remove_short)}</button>
                                        </Show>
                                    </div>
                                    <input class="support-note" aria-label=note_label prop:value=a.note.clone() disabled=ro maxlength="4000"
                                        placeholder=t_string!(i18n, cascade.note_placeholder)
                                        on:change=move |ev| note(aid, event_target_value(&ev))/>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {move || {
                let rows = lost.get();
                (!rows.is_empty()).then(|| view! {
                    <ul class="support-list lost" data-testid="lost-alignments">
                        {rows.into_iter().map(|a| view! {
                            <li class="support-lost">
                                <span class="support-title">{t!(i18n, cascade.lost)}</span>
                                {(!a.note.is_empty()).then(|| view! { <span class="support-lost-note">{a.note.clone()}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                })
            }}
            <label class="toggle local-toggle">
                <input type="checkbox" prop:checked=move || local.get() disabled=ro
                    on:change=move |ev| set_local(event_target_checked(&ev))/>
                {t!(i18n, map.objective.local)}
            </label>
            <Show when=move || !ro() && !choices.with(Vec::is_empty)>
                <div class="support-add">
                    <label for="support-pick">{t!(i18n, cascade.add_label)}</label>
                    <select id="support-pick" prop:value=move || picked.get()
                        on:change=move |ev| picked.set(event_target_value(&ev))>
                        <option value="">{t!(i18n, cascade.pick)}</option>
                        {move || choices.get().into_iter().map(|(pid, perspective, title)| view! {
                            <option value=pid.to_string()>{format!("{perspective} · {title}")}</option>
                        }).collect_view()}
                    </select>
                    <button type="button" disabled=move || picked.with(String::is_empty) on:click=align>
                        {t!(i18n, cascade.align)}
                    </button>
                </div>
            </Show>
        </section>
    }
}

/// "Supported by": the units whose objectives are aligned to this one, each objective a link
/// to its unit's map.
#[component]
pub fn SupportedBySection(state: MapState, id: ObjectiveId) -> impl IntoView {
    let i18n = use_i18n();
    let units = Memo::new(move |_| state.doc.with(|d| cascade::supported_by(d, id)));
    let counted = Memo::new(move |_| {
        state
            .doc
            .with(|d| d.objectives.iter().any(|o| o.id == id && o.unit_rollup))
    });
    let set_counted = move |on: bool| {
        run_edit(
            state,
            vec![ops::set(EntityKind::Objective, id.0, Field::UnitRollUp, on)],
        )
    };
    move || {
        let units = units.get();
        if units.is_empty() {
            return None;
        }
        let count = units.len() as u64;
        Some(view! {
            <section class="cascade-supported" aria-labelledby="supported-heading">
                <h3 id="supported-heading">{td_string!(i18n.get_locale_untracked(), cascade.supported_by, count = count).to_string()}</h3>
                <ul class="support-list">
                    {units.into_iter().map(|u| view! {
                        <li>
                            <strong>{u.unit_name}</strong>
                            <ul>
                                {u.objectives.into_iter().map(|(map, objective, title)| view! {
                                    <li><a href=format!("/maps/{map}?objective={objective}")>{title}</a></li>
                                }).collect_view()}
                            </ul>
                        </li>
                    }).collect_view()}
                </ul>
                <label class="toggle rollup-toggle">
                    <input type="checkbox" prop:checked=move || counted.get() disabled=move || !state.can_edit.get()
                        on:change=move |ev| set_counted(event_target_checked(&ev))/>
                    {t!(i18n, cascade.rollup)}
                </label>
            </section>
        })
    }
}
