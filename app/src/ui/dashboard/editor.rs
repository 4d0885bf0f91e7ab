//! `/dashboards/:id/edit`: compose a dashboard. Add a widget from the palette (choosing its map
//! and measure), select one to move or resize it on the 12-column grid — with buttons or the
//! keyboard (arrows move, Shift+arrows resize, Delete removes) — rename, choose the period, save.
//! Leaving with unsaved changes asks first. Viewers get a clear "view only" page; the server
//! refuses their saves anyway. Lazily loaded.

use super::board::grid_area;
use super::unit_crumbs;
use crate::api::{
    dashboard_editor, delete_dashboard, save_dashboard, CatalogueMap, DashboardDraft,
    DashboardEditorData,
};
use crate::domain::dashboard::{
    move_widget, resize_widget, SpanKind, Widget, WidgetKind, MAX_WIDGETS,
};
use crate::domain::{DashboardId, MapId, MeasureId, WidgetId};
use crate::i18n::*;
use crate::ui::widgets::route::{id_param, item_page, lazy_view_route, load, Reload};
use crate::ui::widgets::unsaved::{confirm, keep_unsaved, warn_before_unload};
use crate::ui::widgets::Page;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

lazy_view_route!(
    /// The editor route; its data loads inside the lazily loaded view.
    EditorRoute => editor_page
);

/// The editor of the dashboard the address names, or a "view only" page for those who may not
/// edit it.
fn editor_page() -> AnyView {
    let data = load(id_param::<DashboardId>("dashboard"), dashboard_editor);
    let loading = td_string!(current_locale(), dashboard.editor.loading);
    item_page(data, loading, Reload::ShowLoading, |d| {
        if d.may_edit {
            view! { <DashboardEditor data=d/> }.into_any()
        } else {
            view! { <ViewOnly data=d/> }.into_any()
        }
    })
}

/// For someone who may view the dashboard but not edit it.
#[component]
fn ViewOnly(data: DashboardEditorData) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let d = data.dashboard;
    view! {
        <Page title=td_string!(locale, dashboard.view.title, name = &d.name).to_string() class="page">
            <section class="error-panel" role="alert">
                <h2>{t!(i18n, dashboard.editor.view_only)}</h2>
                <p>{td_string!(locale, dashboard.editor.view_only_text, name = &d.name, unit = &data.unit.name).to_string()}</p>
                <p><A href=format!("/dashboards/{}", d.id)>{t!(i18n, dashboard.editor.back)}</A></p>
            </section>
        </Page>
    }
}

/// The name a widget goes by in the editor.
fn widget_label(locale: Locale, kind: &WidgetKind, catalogue: &[CatalogueMap]) -> String {
    let map_name = |id: MapId| {
        catalogue.iter().find(|m| m.id == id).map_or_else(
            || td_string!(locale, dashboard.editor.hidden_map).to_string(),
            |m| m.name.clone(),
        )
    };
    let measure_name = |map: MapId, id: MeasureId| {
        catalogue
            .iter()
            .find(|m| m.id == map)
            .and_then(|m| m.measures.iter().find(|x| x.0 == id))
            .map_or_else(
                || td_string!(locale, dashboard.editor.deleted_measure).to_string(),
                |x| x.1.clone(),
            )
    };
    match kind {
        WidgetKind::StatusMap { map_id } | WidgetKind::Scorecard { map_id } => {
            format!("{} · {}", kind.text(locale), map_name(*map_id))
        }
        WidgetKind::Kpi { map_id, measure_id } | WidgetKind::Chart { map_id, measure_id } => {
            format!(
                "{} · {}",
                kind.text(locale),
                measure_name(*map_id, *measure_id)
            )
        }
        WidgetKind::Initiatives => kind.text(locale).to_string(),
    }
}

/// Where a widget is, in words.
fn place(locale: Locale, w: &Widget) -> String {
    td_string!(
        locale,
        dashboard.editor.place,
        x1 = w.x + 1,
        x2 = w.x + w.w,
        y1 = w.y + 1,
        y2 = w.y + u16::from(w.h)
    )
    .to_string()
}

#[component]
fn DashboardEditor(data: DashboardEditorData) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let d = data.dashboard.clone();
    let initial = DashboardDraft {
        id: d.id,
        name: d.name.clone(),
        span_kind: d.span_kind,
        widgets: d.widgets.clone(),
    };
    let draft = RwSignal::new(initial.clone());
    let saved = RwSignal::new(initial);
    let dirty = Memo::new(move |_| draft.with(|a| saved.with(|b| a != b)));
    let selected = RwSignal::new(None::<WidgetId>);
    let message = RwSignal::new(None::<(bool, String)>);
    let announce = RwSignal::new(String::new());
    let catalogue = StoredValue::new(data.catalogue.clone());
    warn_before_unload(move || dirty.get_untracked());

    let edit = move |f: &dyn Fn(&mut Vec<Widget>)| {
        draft.update(|d| f(&mut d.widgets));
        if let Some(id) = selected.get_untracked() {
            let text = draft.with_untracked(|d| {
                d.widgets.iter().find(|w| w.id == id).map(|w| {
                    td_string!(locale, dashboard.editor.now_at, place = place(locale, w))
                        .to_string()
                })
            });
            announce
                .set(text.unwrap_or_else(|| td_string!(locale, dashboard.editor.removed).into()));
        }
    };
    let move_by = move |dx: i32, dy: i32| {
        if let Some(id) = selected.get_untracked() {
            edit(&|ws| move_widget(ws, id, dx, dy));
        }
    };
    let resize_by = move |dw: i32, dh: i32| {
        if let Some(id) = selected.get_untracked() {
            edit(&|ws| resize_widget(ws, id, dw, dh));
        }
    };
    let remove = move || {
        if let Some(id) = selected.get_untracked() {
            edit(&|ws| ws.retain(|w| w.id != id));
            selected.set(None);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let shift = ev.shift_key();
        let handled = match ev.key().as_str() {
            "ArrowLeft" if shift => {
                resize_by(-1, 0);
                true
            }
            "ArrowRight" if shift => {
                resize_by(1, 0);
                true
            }
            "ArrowUp" if shift => {
                resize_by(0, -1);
                true
            }
            "ArrowDown" if shift => {
                resize_by(0, 1);
                true
            }
            "ArrowLeft" => {
                move_by(-1, 0);
                true
            }
            "ArrowRight" => {
                move_by(1, 0);
                true
            }
            "ArrowUp" => {
                move_by(0, -1);
                true
            }
            "ArrowDown" => {
                move_by(0, 1);
                true
            }
            "Delete" | "Backspace" => {
                remove();
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    };
    let save = move || {
        let next = draft.get_untracked();
        message.set(None);
        leptos::task::spawn_local(async move {
            match save_dashboard(next).await {
                Ok(stored) => {
                    let clean = DashboardDraft {
                        id: stored.id,
                        name: stored.name,
                        span_kind: stored.span_kind,
                        widgets: stored.widgets,
                    };
                    draft.set(clean.clone());
                    saved.set(clean);
                    message.set(Some((
                        false,
                        td_string!(locale, dashboard.editor.saved).into(),
                    )));
                }
                Err(e) => message.set(Some((true, e.text(locale)))),
            }
        });
    };
    let mut crumbs = unit_crumbs(&data.unit);
    crumbs.push((d.name.clone(), format!("/dashboards/{}", d.id)));
    let view_href = format!("/dashboards/{}", d.id);
    let navigate = use_navigate();
    let unit_id = data.unit.id;
    let delete = move |_| {
        if !confirm(td_string!(locale, dashboard.editor.confirm_delete)) {
            return;
        }
        let navigate = navigate.clone();
        let id = draft.with_untracked(|d| d.id);
        leptos::task::spawn_local(async move {
            match delete_dashboard(id).await {
                Ok(()) => {
                    saved.set(draft.get_untracked());
                    navigate(&format!("/units/{unit_id}/dashboards"), Default::default());
                }
                Err(e) => message.set(Some((true, e.text(locale)))),
            }
        });
    };
    view! {
        <Page title=td_string!(locale, dashboard.editor.title, name = &d.name).to_string() crumbs=crumbs class="page editor-page">
            <div class="map-head">
                <div>
                    <h1>{t!(i18n, dashboard.editor.heading)}</h1>
                    <p class="meta" role="status">{move || if dirty.get() { td_string!(locale, dashboard.editor.unsaved) } else { td_string!(locale, dashboard.editor.all_saved) }}</p>
                </div>
                <div class="map-head-actions">
                    <button type="button" class="primary" disabled=move || !dirty.get() on:click=move |_| save()>{t!(i18n, dashboard.editor.save)}</button>
                    <a class="button secondary" href=view_href on:click=move |ev| keep_unsaved(dirty.get_untracked(), td_string!(locale, dashboard.editor.leave), &ev)>{t!(i18n, dashboard.editor.view)}</a>
                    <button type="button" class="danger" on:click=delete>{t!(i18n, dashboard.editor.delete)}</button>
                </div>
            </div>
            {move || message.get().map(|(bad, text)| view! {
                <p class=if bad { "form-error" } else { "notice-ok" } role=if bad { "alert" } else { "status" }>{text}</p>
            })}
            <div class="editor-settings">
                <label>{t!(i18n, dashboard.editor.name)}" "
                    <input maxlength="80" prop:value=move || draft.with(|d| d.name.clone())
                        on:input=move |ev| draft.update(|d| d.name = event_target_value(&ev))/>
                </label>
                <label>{t!(i18n, dashboard.editor.period)}" "
                    <select prop:value=move || draft.with(|d| d.span_kind.as_str())
                        on:change=move |ev| {
                            if let Ok(k) = event_target_value(&ev).parse::<SpanKind>() {
                                draft.update(|d| d.span_kind = k);
                            }
                        }>
                        <option value="month">{t!(i18n, dashboard.editor.latest_month)}</option>
                        <option value="quarter">{t!(i18n, dashboard.editor.latest_quarter)}</option>
                        <option value="year">{t!(i18n, dashboard.editor.latest_year)}</option>
                    </select>
                </label>
            </div>
            <div class="editor-body">
                <Palette draft=draft selected=selected catalogue=catalogue message=message/>
                <div class="editor-grid dashboard-grid" role="list" aria-label=t_string!(i18n, dashboard.editor.layout)
                    style=move || format!("--rows: {}", draft.with(|d| d.widgets.iter().map(|w| w.y + u16::from(w.h)).max().unwrap_or(0) + 3))>
                    {move || draft.with(|d| d.widgets.clone()).into_iter().map(|w| {
                        let id = w.id;
                        let label = catalogue.with_value(|c| widget_label(locale, &w.kind, c));
                        let name = format!("{label} ({})", place(locale, &w));
                        view! {
                            <div role="listitem" class="widget-cell editor-widget" class:selected=move || selected.get() == Some(id) style=grid_area(&w)>
                                <button type="button" class="widget-handle" aria-label=name aria-pressed=move || (selected.get() == Some(id)).to_string()
                                    on:click=move |_| selected.set(Some(id)) on:focus=move |_| selected.set(Some(id)) on:keydown=on_key>
                                    <span class="widget-kind">{label}</span>" "
                                    <span class="widget-place muted">{format!("({})", place(locale, &w))}</span>
                                </button>
                            </div>
                        }
                    }).collect_view()}
                </div>
                <aside class="widget-tools" aria-label=t_string!(i18n, dashboard.editor.selected)>
                    <h2>{t!(i18n, dashboard.editor.selected)}</h2>
                    {move || {
                        let sel = selected.get().and_then(|id| draft.with(|d| d.widgets.iter().find(|w| w.id == id).cloned()));
                        match sel {
                            None => view! { <p class="muted">{td_string!(locale, dashboard.editor.select_hint)}</p> }.into_any(),
                            Some(w) => view! {
                                <p>{catalogue.with_value(|c| widget_label(locale, &w.kind, c))}</p>
                                <p class="muted">{place(locale, &w)}</p>
                                {nudge_buttons(
                                    td_string!(locale, dashboard.editor.move_group),
                                    [
                                        td_string!(locale, dashboard.editor.move_left),
                                        td_string!(locale, dashboard.editor.move_right),
                                        td_string!(locale, dashboard.editor.move_up),
                                        td_string!(locale, dashboard.editor.move_down),
                                    ],
                                    move_by,
                                )}
                                {nudge_buttons(
                                    td_string!(locale, dashboard.editor.resize),
                                    [
                                        td_string!(locale, dashboard.editor.narrower),
                                        td_string!(locale, dashboard.editor.wider),
                                        td_string!(locale, dashboard.editor.shorter),
                                        td_string!(locale, dashboard.editor.taller),
                                    ],
                                    resize_by,
                                )}
                                <button type="button" class="danger" on:click=move |_| remove()>{td_string!(locale, dashboard.editor.remove)}</button>
                            }.into_any(),
                        }
                    }}
                    <p class="visually-hidden" aria-live="polite">{move || announce.get()}</p>
                </aside>
            </div>
        </Page>
    }
}

/// A group of four buttons that nudge the selected widget one step left, right, up and down
/// (moving it, or resizing it from its bottom-right corner).
fn nudge_buttons(
    label: &'static str,
    names: [&'static str; 4],
    nudge: impl Fn(i32, i32) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    const STEPS: [(i32, i32); 4] = [(-1, 0), (1, 0), (0, -1), (0, 1)];
    let buttons = names.into_iter().zip(STEPS).map(|(name, (dx, dy))| {
        view! { <button type="button" on:click=move |_| nudge(dx, dy)>{name}</button> }
    });
    view! {
        <div class="tool-grid" role="group" aria-label=label>{buttons.collect_view()}</div>
    }
}

/// The palette: a widget kind, its map and measure, and "Add widget".
#[component]
fn Palette(
    draft: RwSignal<DashboardDraft>,
    selected: RwSignal<Option<WidgetId>>,
    catalogue: StoredValue<Vec<CatalogueMap>>,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let kind = RwSignal::new("kpi".to_string());
    let first_map = catalogue.with_value(|c| c.first().map(|m| m.id));
    let map = RwSignal::new(first_map);
    let measure = RwSignal::new(None::<MeasureId>);
    let measures = Memo::new(move |_| {
        let m = map.get();
        catalogue.with_value(|c| {
            c.iter()
                .find(|x| Some(x.id) == m)
                .map(|x| x.measures.clone())
                .unwrap_or_default()
        })
    });
    // Keep a valid measure chosen as the map changes.
    Effect::new(move |_| {
        let list = measures.get();
        if !measure
            .get_untracked()
            .is_some_and(|m| list.iter().any(|x| x.0 == m))
        {
            measure.set(list.first().map(|x| x.0));
        }
    });
    let needs_map = move || kind.get() != "initiatives";
    let needs_measure = move || matches!(kind.get().as_str(), "kpi" | "chart");
    let add = move |_| {
        let chosen = match (
            kind.get_untracked().as_str(),
            map.get_untracked(),
            measure.get_untracked(),
        ) {
            ("status_map", Some(map_id), _) => Some(WidgetKind::StatusMap { map_id }),
            ("scorecard", Some(map_id), _) => Some(WidgetKind::Scorecard { map_id }),
            ("kpi", Some(map_id), Some(measure_id)) => Some(WidgetKind::Kpi { map_id, measure_id }),
            ("chart", Some(map_id), Some(measure_id)) => {
                Some(WidgetKind::Chart { map_id, measure_id })
            }
            ("initiatives", _, _) => Some(WidgetKind::Initiatives),
            _ => None,
        };
        let Some(k) = chosen else {
            message.set(Some((
                true,
                td_string!(locale, dashboard.palette.choose).into(),
            )));
            return;
        };
        if draft.with_untracked(|d| d.widgets.len()) >= MAX_WIDGETS {
            message.set(Some((
                true,
                td_string!(locale, dashboard.palette.too_many, max = MAX_WIDGETS).to_string(),
            )));
            return;
        }
        let w = draft.with_untracked(|d| Widget::new_placed(k, &d.widgets));
        selected.set(Some(w.id));
        draft.update(|d| d.widgets.push(w));
    };
    view! {
        <aside class="palette" aria-label=t_string!(i18n, dashboard.palette.heading)>
            <h2>{t!(i18n, dashboard.palette.heading)}</h2>
            <label for="palette-kind">{t!(i18n, dashboard.palette.widget)}</label>
            <select id="palette-kind" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                <option value="kpi">{t!(i18n, dashboard.widget_kind.kpi)}</option>
                <option value="chart">{t!(i18n, dashboard.widget_kind.chart)}</option>
                <option value="status_map">{t!(i18n, dashboard.widget_kind.status_map)}</option>
                <option value="scorecard">{t!(i18n, dashboard.widget_kind.scorecard)}</option>
                <option value="initiatives">{t!(i18n, dashboard.widget_kind.initiatives)}</option>
            </select>
            <Show when=needs_map>
                <label for="palette-map">{t!(i18n, dashboard.palette.map)}</label>
                <select id="palette-map" prop:value=move || map.get().map(|m| m.to_string()).unwrap_or_default()
                    on:change=move |ev| map.set(event_target_value(&ev).parse().ok())>
                    {catalogue.with_value(|c| c.iter().map(|m| view! {
                        <option value=m.id.to_string()>{format!("{} ({})", m.name, m.unit_name)}</option>
                    }).collect_view())}
                </select>
            </Show>
            <Show when=needs_measure>
                <label for="palette-measure">{t!(i18n, dashboard.palette.measure)}</label>
                <select id="palette-measure" prop:value=move || measure.get().map(|m| m.to_string()).unwrap_or_default()
                    on:change=move |ev| measure.set(event_target_value(&ev).parse().ok())>
                    {move || measures.get().into_iter().map(|(id, name, objective)| view! {
                        <option value=id.to_string() title=objective>{name}</option>
                    }).collect_view()}
                </select>
            </Show>
            <button type="button" class="primary" on:click=add>{t!(i18n, dashboard.palette.add)}</button>
        </aside>
    }
}
