//! `/units/:id/cascade`: "New map from the parent's map". The wizard copies the parent map's
//! perspectives (names and order), offers its themes, and lists its objectives by perspective
//! so the unit lead picks those the unit contributes to, rewording each right there. Creating
//! makes the map and one batch of edits (bands, lanes, objectives, alignments), then opens it in
//! the cascade workshop.

pub mod report;
pub mod workshop;

use crate::api::cascade::{cascade_source, new_cascaded_map, CascadeDraft, CascadeStart};
use crate::api::MapDraft;
use crate::domain::cascade::{Pick, MAX_PICKS};
use crate::domain::org::PerspectiveOrder;
use crate::domain::{MapDocument, MapId, ObjectiveId, OrgUnitId, ThemeId};
use crate::i18n::*;
use crate::ui::widgets::actions::failure;
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use crate::ui::widgets::TopBar;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

crate::ui::widgets::route::lazy_view_route!(
    /// `/units/:id/cascade`, a lazily loaded route: its code is a wasm chunk of its own.
    CascadeWizardRoute => CascadeWizardPage
);

/// The wizard page of one unit.
#[component]
pub fn CascadeWizardPage() -> impl IntoView {
    let i18n = use_i18n();
    let unit_id = id_param::<OrgUnitId>("org unit");
    let parent_map = RwSignal::new(None::<MapId>);
    let data = load(
        move || unit_id().map(|id| (id, parent_map.get())),
        |(id, chosen)| cascade_source(id, chosen),
    );
    let loading = td_string!(i18n.get_locale_untracked(), cascade.wizard.loading);
    view! {
        <Title text=t_string!(i18n, cascade.wizard.title)/>
        {item_page(data, loading, Reload::KeepPage, move |start: CascadeStart| {
            view! { <Wizard start parent_map/> }.into_any()
        })}
    }
}

/// One parent objective as the wizard lists it: picked or not, and the unit's wording.
#[derive(Clone, Copy)]
struct Row {
    id: ObjectiveId,
    picked: RwSignal<bool>,
    title: RwSignal<String>,
}

#[component]
fn Wizard(start: CascadeStart, parent_map: RwSignal<Option<MapId>>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let unit = start.unit.clone();
    let Some(parent) = start.parent_map.clone() else {
        let none = td_string!(
            locale,
            cascade.wizard.no_parent_map,
            parent = &start.parent.name
        )
        .to_string();
        return view! {
            <TopBar crumbs=vec![(unit.name.clone(), "/".to_string())]/>
            <main class="page cascade-wizard">
                <h1>{td_string!(locale, cascade.wizard.heading, unit = &unit.name).to_string()}</h1>
                <p class="form-error" role="alert">{none}</p>
            </main>
        }
        .into_any();
    };
    let name = RwSignal::new(format!("{} – {}", unit.name, parent.map.name));
    let period_start = RwSignal::new(parent.map.period_start.to_string());
    let period_end = RwSignal::new(parent.map.period_end.to_string());
    let themes: Vec<(ThemeId, String, String, RwSignal<bool>)> = parent
        .themes
        .iter()
        .map(|t| (t.id, t.name.clone(), t.colour.clone(), RwSignal::new(true)))
        .collect();
    let rows: Vec<Row> = parent
        .objectives
        .iter()
        .map(|o| Row {
            id: o.id,
            picked: RwSignal::new(false),
            title: RwSignal::new(o.title.clone()),
        })
        .collect();
    let picked_count = {
        let rows = rows.clone();
        Memo::new(move |_| rows.iter().filter(|r| r.picked.get()).count())
    };
    let navigate = use_navigate();
    let create = Action::new(move |draft: &CascadeDraft| {
        let call = new_cascaded_map(draft.clone());
        let navigate = navigate.clone();
        async move {
            let result = call.await;
            if let Ok(map) = &result {
                navigate(&format!("/maps/{}/workshop", map.id), Default::default());
            }
            result
        }
    });
    let error = failure(locale, create);
    let local_error = RwSignal::new(None::<String>);
    let unit_id = unit.id;
    let parent_id = parent.map.id;
    let submit = {
        let rows = rows.clone();
        let themes = themes.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (Ok(start), Ok(end)) = (
                period_start.get_untracked().parse(),
                period_end.get_untracked().parse(),
            ) else {
                local_error.set(Some(
                    td_string!(locale, units.new_map.bad_period).to_string(),
                ));
                return;
            };
            local_error.set(None);
            create.dispatch(CascadeDraft {
                map: MapDraft {
                    org_unit_id: unit_id,
                    name: name.get_untracked(),
                    period_start: start,
                    period_end: end,
                    perspectives: PerspectiveOrder::Business,
                },
                parent_map_id: parent_id,
                themes: themes
                    .iter()
                    .filter(|t| t.3.get_untracked())
                    .map(|t| t.0)
                    .collect(),
                picks: rows
                    .iter()
                    .filter(|r| r.picked.get_untracked())
                    .map(|r| Pick {
                        parent_objective_id: r.id,
                        title: r.title.get_untracked(),
                    })
                    .collect(),
            });
        }
    };
    let shown_error = move || local_error.get().or_else(error);
    let too_many = move || picked_count.get() > MAX_PICKS;
    let maps = start.parent_maps.clone();
    let heading = td_string!(locale, cascade.wizard.heading, unit = &unit.name).to_string();
    let lead = td_string!(
        locale,
        cascade.wizard.lead,
        parent = &start.parent.name,
        map = &parent.map.name
    )
    .to_string();
    view! {
        <TopBar crumbs=vec![(unit.name.clone(), "/".to_string())]/>
        <main class="page cascade-wizard">
            <h1>{heading}</h1>
            <p class="lead">{lead}</p>
            <form class="card wizard-form" aria-labelledby="wizard-form-title" on:submit=submit>
                <h2 id="wizard-form-title">{t!(i18n, cascade.wizard.step_map)}</h2>
                <div class="map-form">
                    {(maps.len() > 1).then(|| view! {
                        <label for="wizard-parent">{t!(i18n, cascade.wizard.parent_map)}</label>
                        <select id="wizard-parent" on:change=move |ev| parent_map.set(event_target_value(&ev).parse().ok())>
                            {maps.iter().map(|(id, n)| view! { <option value=id.to_string() selected=*id == parent_id>{n.clone()}</option> }).collect_view()}
                        </select>
                    })}
                    <label for="wizard-name">{t!(i18n, units.map.name)}</label>
                    <input id="wizard-name" type="text" required maxlength="200" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    <label for="wizard-start">{t!(i18n, units.map.start)}</label>
                    <input id="wizard-start" type="month" required prop:value=move || period_start.get() on:input=move |ev| period_start.set(event_target_value(&ev))/>
                    <label for="wizard-end">{t!(i18n, units.map.end)}</label>
                    <input id="wizard-end" type="month" required prop:value=move || period_end.get() on:input=move |ev| period_end.set(event_target_value(&ev))/>
                </div>
                <h2>{t!(i18n, cascade.wizard.step_structure)}</h2>
                <p class="muted">{t!(i18n, cascade.wizard.perspectives_copied)}</p>
                <ol class="wizard-bands">
                    {parent.perspectives.iter().map(|p| view! { <li>{p.name.clone()}</li> }).collect_view()}
                </ol>
                {(!themes.is_empty()).then(|| view! {
                    <fieldset class="wizard-themes">
                        <legend>{t!(i18n, cascade.wizard.themes)}</legend>
                        {themes.iter().map(|(id, n, colour, on)| {
                            let (on, field) = (*on, format!("theme-{id}"));
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=field.clone() prop:checked=move || on.get() on:change=move |ev| on.set(event_target_checked(&ev))/>
                                    <label for=field><span class="swatch" style=format!("background:{colour}")></span>{n.clone()}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                })}
                <h2>{t!(i18n, cascade.wizard.step_objectives)}</h2>
                <p class="muted">{t!(i18n, cascade.wizard.objectives_hint)}</p>
                <ObjectivePicker parent=parent.clone() rows=rows.clone()/>
                <p class="wizard-count" aria-live="polite">
                    {move || td_string!(locale, cascade.wizard.picked, count = picked_count.get() as u64).to_string()}
                </p>
                <Show when=move || shown_error().is_some()>
                    <p class="form-error" role="alert">{shown_error}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || create.pending().get() || too_many()>
                    {t!(i18n, cascade.wizard.create)}
                </button>
            </form>
        </main>
    }
    .into_any()
}

/// The parent's objectives by perspective, each with a checkbox and its title to reword.
#[component]
fn ObjectivePicker(parent: MapDocument, rows: Vec<Row>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    parent
        .perspectives
        .iter()
        .map(|p| {
            let mine: Vec<(Row, String)> = parent
                .objectives
                .iter()
                .filter(|o| o.perspective_id == p.id)
                .filter_map(|o| rows.iter().find(|r| r.id == o.id).map(|r| (*r, o.title.clone())))
                .collect();
            view! {
                <fieldset class="wizard-perspective">
                    <legend>{p.name.clone()}</legend>
                    {if mine.is_empty() {
                        view! { <p class="muted">{td_string!(locale, cascade.wizard.none_here)}</p> }.into_any()
                    } else {
                        mine.into_iter().map(|(row, original)| {
                            let check = format!("pick-{}", row.id);
                            let reword = td_string!(locale, cascade.wizard.reword, title = &original).to_string();
                            view! {
                                <div class="wizard-pick" class:picked=move || row.picked.get()>
                                    <input type="checkbox" id=check.clone() prop:checked=move || row.picked.get()
                                        on:change=move |ev| row.picked.set(event_target_checked(&ev))/>
                                    <label for=check>{original}</label>
                                    <Show when=move || row.picked.get()>
                                        <input type="text" class="wizard-title" maxlength="120" aria-label=reword.clone()
                                            prop:value=move || row.title.get() on:input=move |ev| row.title.set(event_target_value(&ev))/>
                                    </Show>
                                </div>
                            }
                        }).collect_view().into_any()
                    }}
                </fieldset>
            }
        })
        .collect_view()
}
