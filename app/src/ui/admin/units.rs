//! `/admin/units`: admins see the org unit tree and create, rename, move (a select of the
//! allowed new parents, or dragging a unit onto another), re-kind, archive and bring back units.
//! `/units/:id/new-map` starts a map of a unit, `/maps/:id/settings` renames a map and changes
//! its period and status. The server decides every right; the page only offers what it allows.

use crate::api::versions::{copy_map, CopyDraft};
use crate::api::{
    get_map, new_map, org_tree, unit_admin, update_map, update_unit, ApiError, MapDraft, MapPatch,
    NewUnit, UnitRow,
};
use crate::domain::org::{PerspectiveOrder, UnitPatch};
use crate::domain::{MapId, MapStatus, OrgTreeNode, OrgUnitId, OrgUnitKind, Period};
use crate::i18n::*;
use crate::ui::versions::VersionsCard;
use crate::ui::widgets::actions::failure;
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use crate::ui::widgets::{ErrorPanel, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// The kind's stored name, for a select's value.
fn kind_value(kind: OrgUnitKind) -> &'static str {
    kind.as_str()
}

crate::ui::widgets::route::lazy_view_route!(
    /// `/admin/units`, a lazily loaded route: its code is a wasm chunk of its own.
    UnitsRoute => UnitsPage
);

/// The admin page of the unit tree.
#[component]
pub fn UnitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| unit_admin());
    view! {
        <Title text=t_string!(i18n, units.title)/>
        <TopBar crumbs=vec![(t_string!(i18n, units.heading).to_string(), "/admin/units".to_string())]/>
        <main class="page units-page">
            <h1>{t!(i18n, units.heading)}</h1>
            <p class="lead">{t!(i18n, units.lead)}</p>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, units.loading)}</p> }>
                {move || Suspend::new(async move {
                    let data = data.await;
                    crate::ui::mark_hydrated();
                    match data {
                        Ok(rows) => view! { <UnitAdminView rows version/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// The form for a new unit and the tree, once loaded.
#[component]
fn UnitAdminView(rows: Vec<UnitRow>, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let editing: RwSignal<Option<OrgUnitId>> = RwSignal::new(None);
    let dragged: RwSignal<Option<OrgUnitId>> = RwSignal::new(None);
    let change = Action::new(move |(id, patch): &(OrgUnitId, UnitPatch)| {
        let call = update_unit(*id, patch.clone());
        async move {
            let result = call.await;
            if result.is_ok() {
                editing.set(None);
                version.update(|v| *v += 1);
            }
            result
        }
    });
    let error = failure(locale, change);
    let all = StoredValue::new(rows.clone());
    let items = rows
        .into_iter()
        .map(|row| view! { <UnitItem row all editing dragged change/> })
        .collect_view();
    view! {
        <div class="units-layout">
            <NewUnitForm rows=all.get_value() version/>
            <section class="card unit-tree" aria-labelledby="unit-tree-title">
                <h2 id="unit-tree-title">{t!(i18n, units.tree.heading)}</h2>
                <p class="meta">{t!(i18n, units.tree.hint)}</p>
                <Show when=move || error().is_some()>
                    <p class="form-error" role="alert">{error}</p>
                </Show>
                <ul class="unit-rows" aria-label=t_string!(i18n, units.tree.label)>{items}</ul>
            </section>
        </div>
    }
}

/// One unit of the tree: its name, kind, badges and what the person may do with it.
#[component]
fn UnitItem(
    row: UnitRow,
    all: StoredValue<Vec<UnitRow>>,
    editing: RwSignal<Option<OrgUnitId>>,
    dragged: RwSignal<Option<OrgUnitId>>,
    change: Action<(OrgUnitId, UnitPatch), Result<crate::domain::OrgUnit, ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let id = row.unit.id;
    let name = row.unit.name.clone();
    let archived_here = row.unit.archived;
    let editable = row.manage && !row.frozen;
    let new_map = row.new_map;
    let editor_row = row.clone();
    let maps = td_string!(locale, units.tree.maps, count = row.map_count as u64).to_string();
    let archive_button = row.manage.then(|| {
        let (label, patch, class) = if archived_here {
            (
                td_string!(locale, units.tree.unarchive_named, name = &name).to_string(),
                UnitPatch { archived: Some(false), ..UnitPatch::default() },
                "secondary",
            )
        } else {
            (
                td_string!(locale, units.tree.archive_named, name = &name).to_string(),
                UnitPatch { archived: Some(true), ..UnitPatch::default() },
                "danger",
            )
        };
        let text = if archived_here { td_string!(locale, units.tree.unarchive) } else { td_string!(locale, units.tree.archive) };
        // Below an archived unit, only that unit can be brought back.
        let offered = archived_here || !row.frozen;
        offered.then(|| view! {
            <button type="button" class=class aria-label=label disabled=move || change.pending().get()
                on:click=move |_| { change.dispatch((id, patch.clone())); }>{text}</button>
        })
    });
    let drop_target = editable;
    let (frozen, depth, movable) = (
        row.frozen,
        row.depth,
        editable && row.unit.parent_id.is_some(),
    );
    let kind = row.unit.kind.text(locale);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(moved) = dragged.get_untracked() {
            dragged.set(None);
            if moved != id {
                change.dispatch((
                    moved,
                    UnitPatch {
                        parent_id: Some(id),
                        ..UnitPatch::default()
                    },
                ));
            }
        }
    };
    view! {
        <li
            class="unit-row"
            class:archived=frozen
            style=format!("padding-left: {}rem", depth as f32 * 1.5)
            draggable=if movable { "true" } else { "false" }
            on:dragstart=move |_| dragged.set(Some(id))
            on:dragend=move |_| dragged.set(None)
            on:dragover=move |ev: leptos::ev::DragEvent| if drop_target { ev.prevent_default() }
            on:drop=on_drop
        >
            <div class="unit-head">
                <span class="unit-name">{name.clone()}</span>
                <span class="unit-kind">{kind}</span>
                {frozen.then(|| view! { <span class="badge archived-badge">{td_string!(locale, units.archived)}</span> })}
                <span class="meta">{maps}</span>
                {editable.then(|| {
                    let label = td_string!(locale, units.tree.edit_named, name = &name).to_string();
                    view! {
                        <button type="button" class="secondary" aria-label=label
                            aria-expanded=move || (editing.get() == Some(id)).to_string()
                            on:click=move |_| editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) })>
                            {td_string!(locale, units.tree.edit)}
                        </button>
                    }
                })}
                {new_map.then(|| view! {
                    <a href=format!("/units/{id}/new-map") class="secondary-link"
                        aria-label=td_string!(locale, units.new_map.for_unit, unit = &name).to_string()>{td_string!(locale, units.new_map.link)}</a>
                })}
                {archive_button}
                {row.manage.then(|| view! {
                    <a href=format!("/admin/audit?unit={id}") class="secondary-link"
                        aria-label=td_string!(locale, units.tree.history_named, name = &name).to_string()>{td_string!(locale, units.tree.history)}</a>
                })}
            </div>
            <Show when=move || editing.get() == Some(id)>
                <UnitEditor row=editor_row.clone() all change/>
            </Show>
        </li>
    }
}

/// Rename, re-kind and move one unit.
#[component]
fn UnitEditor(
    row: UnitRow,
    all: StoredValue<Vec<UnitRow>>,
    change: Action<(OrgUnitId, UnitPatch), Result<crate::domain::OrgUnit, ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let unit = row.unit.clone();
    let id = unit.id;
    let name = RwSignal::new(unit.name.clone());
    let kind = RwSignal::new(unit.kind);
    let parent = RwSignal::new(unit.parent_id);
    // The new parents offered: units the person manages, not archived, never the unit itself
    // or one below it (the server refuses those too, with a message).
    let units: Vec<crate::domain::OrgUnit> =
        all.with_value(|rows| rows.iter().map(|r| r.unit.clone()).collect());
    let allowed: Vec<OrgUnitId> = all.with_value(|rows| {
        rows.iter()
            .filter(|r| r.manage && !r.frozen)
            .map(|r| r.unit.id)
            .collect()
    });
    let targets: Vec<(OrgUnitId, String)> = crate::domain::org::move_targets(&units, id)
        .into_iter()
        .filter(|(u, _)| allowed.contains(&u.id) || Some(u.id) == unit.parent_id)
        .map(|(u, depth)| (u.id, format!("{}{}", "\u{2003}".repeat(depth), u.name)))
        .collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let patch = UnitPatch {
            name: Some(name.get_untracked()),
            kind: Some(kind.get_untracked()),
            parent_id: parent
                .get_untracked()
                .filter(|p| Some(*p) != unit.parent_id),
            archived: None,
        };
        change.dispatch((id, patch));
    };
    let f = |s: &str| format!("unit-{id}-{s}");
    view! {
        <form class="unit-editor" aria-label=td_string!(locale, units.edit.label, name = &row.unit.name).to_string() on:submit=submit>
            <label for=f("name")>{td_string!(locale, units.form.name)}</label>
            <input id=f("name") type="text" required maxlength="200" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            <label for=f("kind")>{td_string!(locale, units.form.kind)}</label>
            <KindSelect id=f("kind") kind/>
            {row.unit.parent_id.is_some().then(|| view! {
                <label for=f("parent")>{td_string!(locale, units.edit.parent)}</label>
                <select id=f("parent") on:change=move |ev| parent.set(event_target_value(&ev).parse().ok())>
                    {targets.into_iter().map(|(tid, label)| view! {
                        <option value=tid.to_string() selected=Some(tid) == row.unit.parent_id>{label}</option>
                    }).collect_view()}
                </select>
            })}
            <button type="submit" class="primary" disabled=move || change.pending().get()>{td_string!(locale, units.edit.save)}</button>
        </form>
    }
}

/// A select of the four unit kinds, bound to `kind`.
#[component]
fn KindSelect(id: String, kind: RwSignal<OrgUnitKind>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <select id=id on:change=move |ev| if let Ok(k) = event_target_value(&ev).parse() { kind.set(k) }>
            {OrgUnitKind::ALL.into_iter().map(|k| view! {
                <option value=kind_value(k) selected=move || kind.get() == k>{k.text(locale)}</option>
            }).collect_view()}
        </select>
    }
}

/// Name, kind and parent of a new unit.
#[component]
fn NewUnitForm(rows: Vec<UnitRow>, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let parents: Vec<(OrgUnitId, String)> = rows
        .iter()
        .filter(|r| r.manage && !r.frozen)
        .map(|r| {
            (
                r.unit.id,
                format!("{}{}", "\u{2003}".repeat(r.depth), r.unit.name),
            )
        })
        .collect();
    let parent = RwSignal::new(parents.first().map(|(id, _)| *id));
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(OrgUnitKind::BusinessUnit);
    let create = Action::new(move |unit: &NewUnit| {
        let call = crate::api::create_unit(unit.clone());
        async move {
            let result = call.await;
            if result.is_ok() {
                name.set(String::new());
                version.update(|v| *v += 1);
            }
            result
        }
    });
    let error = failure(locale, create);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(parent_id) = parent.get_untracked() {
            create.dispatch(NewUnit {
                parent_id,
                name: name.get_untracked(),
                kind: kind.get_untracked(),
            });
        }
    };
    view! {
        <form class="card unit-form" aria-labelledby="new-unit-title" on:submit=submit>
            <h2 id="new-unit-title">{t!(i18n, units.form.heading)}</h2>
            <label for="new-unit-parent">{t!(i18n, units.form.parent)}</label>
            <select id="new-unit-parent" on:change=move |ev| parent.set(event_target_value(&ev).parse().ok())>
                {parents.into_iter().map(|(id, label)| view! { <option value=id.to_string()>{label}</option> }).collect_view()}
            </select>
            <label for="new-unit-name">{t!(i18n, units.form.name)}</label>
            <input id="new-unit-name" type="text" required maxlength="200" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            <label for="new-unit-kind">{t!(i18n, units.form.kind)}</label>
            <KindSelect id="new-unit-kind".to_string() kind/>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
            <button type="submit" class="primary" disabled=move || create.pending().get()>{t!(i18n, units.form.create)}</button>
        </form>
    }
}

/// The unit `id` in a tree the person sees.
fn find_unit(nodes: &[OrgTreeNode], id: OrgUnitId) -> Option<&OrgTreeNode> {
    nodes.iter().find_map(|n| {
        if n.unit.id == id {
            Some(n)
        } else {
            find_unit(&n.children, id)
        }
    })
}

/// The current year where the page runs (the browser's clock, or the server's while rendering).
fn this_year() -> i32 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::new_0().get_full_year() as i32
    }
    #[cfg(not(feature = "hydrate"))]
    {
        use chrono::Datelike;
        chrono::Utc::now().year()
    }
}

/// A `YYYY-MM` month from a month input, or `None`.
fn month(text: &str) -> Option<Period> {
    text.parse().ok()
}

crate::ui::widgets::route::lazy_view_route!(
    /// `/units/:id/new-map`, a lazily loaded route: its code is a wasm chunk of its own.
    NewMapRoute => NewMapPage
);

/// `/units/:id/new-map`: name, strategy period and perspective order of a new map; the map
/// opens once made.
#[component]
pub fn NewMapPage() -> impl IntoView {
    let i18n = use_i18n();
    let unit_id = id_param::<OrgUnitId>("org unit");
    let tree = load(move || unit_id().map(|_| ()), |_| org_tree());
    let loading = td_string!(i18n.get_locale_untracked(), units.loading_page);
    view! {
        <Title text=t_string!(i18n, units.new_map.title)/>
        {item_page(tree, loading, Reload::ShowLoading, move |nodes: Vec<OrgTreeNode>| {
            match unit_id().ok().and_then(|id| find_unit(&nodes, id).cloned()) {
                Some(node) => {
                    let parent = node
                        .unit
                        .parent_id
                        .and_then(|p| find_unit(&nodes, p))
                        .map(|p| p.unit.name.clone());
                    let copyable = visible_maps(&nodes);
                    view! { <NewMapForm node parent copyable/> }.into_any()
                }
                None => view! { <TopBar/><main class="page"><ErrorPanel error=ApiError::NotFound("org unit".into())/></main> }.into_any(),
            }
        })}
    }
}

/// Every map in a tree the person sees, as "unit · map" with its id, in tree order: what a
/// new map may start as a copy of.
fn visible_maps(nodes: &[OrgTreeNode]) -> Vec<(MapId, String)> {
    fn walk(nodes: &[OrgTreeNode], out: &mut Vec<(MapId, String)>) {
        for n in nodes {
            if n.role.is_some() {
                for m in &n.maps {
                    out.push((m.id, format!("{} · {}", n.unit.name, m.name)));
                }
            }
            walk(&n.children, out);
        }
    }
    let mut out = Vec::new();
    walk(nodes, &mut out);
    out
}

/// The form of a new map of `node`'s unit (whose parent unit is named `parent`, if any): from
/// the four perspectives of a business or of a non-profit, or as a copy of a map in `copyable`.
#[component]
fn NewMapForm(
    node: OrgTreeNode,
    parent: Option<String>,
    copyable: Vec<(MapId, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let unit = node.unit.clone();
    let this_year = this_year();
    let name = RwSignal::new(String::new());
    let start = RwSignal::new(format!("{this_year}-01"));
    let end = RwSignal::new(format!("{}-12", this_year + 2));
    let order = RwSignal::new(PerspectiveOrder::Business);
    let copying = RwSignal::new(false);
    let source = RwSignal::new(copyable.first().map(|(id, _)| *id));
    let with_measures = RwSignal::new(true);
    let local_error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let copy_navigate = navigate.clone();
    let copy = Action::new(move |(from, draft): &(MapId, CopyDraft)| {
        let call = copy_map(*from, draft.clone());
        let navigate = copy_navigate.clone();
        async move {
            let result = call.await;
            if let Ok(map) = &result {
                navigate(&format!("/maps/{}", map.id), Default::default());
            }
            result
        }
    });
    let copy_error = failure(locale, copy);
    let create = Action::new(move |draft: &MapDraft| {
        let call = new_map(draft.clone());
        let navigate = navigate.clone();
        async move {
            let result = call.await;
            if let Ok(map) = &result {
                navigate(&format!("/maps/{}", map.id), Default::default());
            }
            result
        }
    });
    let error = failure(locale, create);
    let unit_id = unit.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match (month(&start.get_untracked()), month(&end.get_untracked())) {
            (Some(period_start), Some(period_end)) => {
                local_error.set(None);
                match (copying.get_untracked(), source.get_untracked()) {
                    (true, Some(from)) => {
                        copy.dispatch((
                            from,
                            CopyDraft {
                                org_unit_id: unit_id,
                                name: name.get_untracked(),
                                period_start,
                                period_end,
                                with_measures: with_measures.get_untracked(),
                            },
                        ));
                    }
                    _ => {
                        create.dispatch(MapDraft {
                            org_unit_id: unit_id,
                            name: name.get_untracked(),
                            period_start,
                            period_end,
                            perspectives: order.get_untracked(),
                        });
                    }
                }
            }
            _ => local_error.set(Some(
                td_string!(locale, units.new_map.bad_period).to_string(),
            )),
        }
    };
    let heading = td_string!(locale, units.new_map.heading, unit = &unit.name).to_string();
    let editable = node
        .role
        .is_some_and(|r| r.allows(crate::domain::Action::Edit))
        && !unit.archived;
    let shown_error = move || local_error.get().or_else(error).or_else(copy_error);
    let pending = move || create.pending().get() || copy.pending().get();
    let has_copyable = !copyable.is_empty();
    let sources = copyable
        .into_iter()
        .map(|(id, label)| view! { <option value=id.to_string()>{label}</option> })
        .collect_view();
    view! {
        <TopBar crumbs=vec![(unit.name.clone(), "/".to_string())]/>
        <main class="page new-map-page">
            <h1>{heading}</h1>
            {(!editable).then(|| view! { <p class="form-error" role="alert">{td_string!(locale, units.new_map.not_allowed)}</p> })}
            {parent.filter(|_| editable).map(|parent| view! {
                <p class="cascade-offer"><a href=format!("/units/{unit_id}/cascade")>
                    {td_string!(locale, cascade.wizard.or_cascade, parent = &parent).to_string()}
                </a></p>
            })}
            <form class="card map-form" aria-labelledby="new-map-form-title" on:submit=submit>
                <h2 id="new-map-form-title">{t!(i18n, units.new_map.form)}</h2>
                <label for="map-name">{t!(i18n, units.map.name)}</label>
                <input id="map-name" type="text" required maxlength="200" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <label for="map-start">{t!(i18n, units.map.start)}</label>
                <input id="map-start" type="month" required prop:value=move || start.get() on:input=move |ev| start.set(event_target_value(&ev))/>
                <label for="map-end">{t!(i18n, units.map.end)}</label>
                <input id="map-end" type="month" required prop:value=move || end.get() on:input=move |ev| end.set(event_target_value(&ev))/>
                <fieldset>
                    <legend>{t!(i18n, units.new_map.perspectives)}</legend>
                    <div class="choice">
                        <input type="radio" id="order-business" name="order" prop:checked=move || !copying.get() && order.get() == PerspectiveOrder::Business on:change=move |_| { copying.set(false); order.set(PerspectiveOrder::Business) }/>
                        <label for="order-business">{t!(i18n, units.new_map.business)}</label>
                    </div>
                    <div class="choice">
                        <input type="radio" id="order-non-profit" name="order" prop:checked=move || !copying.get() && order.get() == PerspectiveOrder::NonProfit on:change=move |_| { copying.set(false); order.set(PerspectiveOrder::NonProfit) }/>
                        <label for="order-non-profit">{t!(i18n, units.new_map.non_profit)}</label>
                    </div>
                    <div class="choice">
                        <input type="radio" id="order-copy" name="order" disabled=!has_copyable prop:checked=move || copying.get() on:change=move |_| copying.set(true)/>
                        <label for="order-copy">{t!(i18n, versions.copy.option)}</label>
                    </div>
                    {(!has_copyable).then(|| view! { <p class="meta">{t!(i18n, versions.copy.no_maps)}</p> })}
                    <div class="copy-source" hidden=move || !copying.get()>
                        <label for="copy-source">{t!(i18n, versions.copy.source)}</label>
                        <select id="copy-source" on:change=move |ev| source.set(event_target_value(&ev).parse().ok())>{sources}</select>
                        <div class="choice">
                            <input type="checkbox" id="copy-measures" prop:checked=move || with_measures.get() on:change=move |ev| with_measures.set(event_target_checked(&ev))/>
                            <label for="copy-measures">{t!(i18n, versions.copy.with_measures)}</label>
                        </div>
                        <p class="meta">{t!(i18n, versions.copy.hint)}</p>
                    </div>
                </fieldset>
                <Show when=move || shown_error().is_some()>
                    <p class="form-error" role="alert">{shown_error}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || pending() || !editable>{t!(i18n, units.new_map.create)}</button>
            </form>
        </main>
    }
}

/// The status's name for people.
fn status_text(locale: Locale, status: MapStatus) -> &'static str {
    match status {
        MapStatus::Draft => td_string!(locale, units.map.draft),
        MapStatus::Active => td_string!(locale, units.map.active),
        MapStatus::Archived => td_string!(locale, units.map.archived),
    }
}

crate::ui::widgets::route::lazy_view_route!(
    /// `/maps/:id/settings`, a lazily loaded route: its code is a wasm chunk of its own.
    MapSettingsRoute => MapSettingsPage
);

/// `/maps/:id/settings`: rename a map, change its period or status (editors of its unit).
#[component]
pub fn MapSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let map_id = id_param::<MapId>("map");
    let version = RwSignal::new(0u32);
    let data = load(
        move || map_id().map(|id| (id, version.get())),
        |(id, _)| async move { Ok((get_map(id).await?, org_tree().await?)) },
    );
    let loading = td_string!(i18n.get_locale_untracked(), units.loading_page);
    view! {
        <Title text=t_string!(i18n, units.settings.title)/>
        {item_page(data, loading, Reload::KeepPage, move |(doc, tree): (crate::domain::MapDocument, Vec<OrgTreeNode>)| {
            // Editors of the map's unit (the server lowers the role on an archived unit) may
            // change the settings, an archived map's status included.
            let node = find_unit(&tree, doc.map.org_unit_id);
            let rights = node
                .and_then(|n| n.role)
                .is_some_and(|r| r.allows(crate::domain::Action::Edit));
            let several = node.is_some_and(|n| n.maps.len() > 1);
            view! { <MapSettingsForm doc rights version several/> }.into_any()
        })}
    }
}

/// The settings form of one map.
#[component]
fn MapSettingsForm(
    doc: crate::domain::MapDocument,
    rights: bool,
    version: RwSignal<u32>,
    several: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let map = doc.map.clone();
    let id = map.id;
    let name = RwSignal::new(map.name.clone());
    let start = RwSignal::new(map.period_start.to_string());
    let end = RwSignal::new(map.period_end.to_string());
    let status = RwSignal::new(map.status);
    let local_error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let save = Action::new(move |patch: &MapPatch| {
        let call = update_map(id, patch.clone());
        async move {
            let result = call.await;
            if result.is_ok() {
                saved.set(true);
                version.update(|v| *v += 1);
            }
            result
        }
    });
    let error = failure(locale, save);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        match (month(&start.get_untracked()), month(&end.get_untracked())) {
            (Some(period_start), Some(period_end)) => {
                local_error.set(None);
                save.dispatch(MapPatch {
                    name: Some(name.get_untracked()),
                    period_start: Some(period_start),
                    period_end: Some(period_end),
                    status: Some(status.get_untracked()),
                });
            }
            _ => local_error.set(Some(
                td_string!(locale, units.new_map.bad_period).to_string(),
            )),
        }
    };
    let archived = map.status == MapStatus::Archived;
    let crumbs = crate::ui::widgets::map_crumbs(
        &doc.org_unit.name,
        &map.name,
        id,
        Some((td_string!(locale, units.settings.heading), "settings")),
    );
    let shown_error = move || local_error.get().or_else(error);
    view! {
        <TopBar crumbs/>
        <main class="page map-settings-page">
            <h1>{td_string!(locale, units.settings.heading_named, name = &map.name).to_string()}</h1>
            {archived.then(|| view! { <p class="meta"><span class="badge archived-badge">{td_string!(locale, units.archived)}</span>" "{td_string!(locale, units.settings.archived_hint)}</p> })}
            {(!rights).then(|| view! { <p class="meta">{td_string!(locale, units.settings.read_only)}</p> })}
            <form class="card map-form" aria-labelledby="map-settings-form" on:submit=submit>
                <h2 id="map-settings-form">{t!(i18n, units.settings.form)}</h2>
                <fieldset disabled=!rights>
                    <label for="map-name">{t!(i18n, units.map.name)}</label>
                    <input id="map-name" type="text" required maxlength="200" disabled=archived prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    <label for="map-start">{t!(i18n, units.map.start)}</label>
                    <input id="map-start" type="month" required disabled=archived prop:value=move || start.get() on:input=move |ev| start.set(event_target_value(&ev))/>
                    <label for="map-end">{t!(i18n, units.map.end)}</label>
                    <input id="map-end" type="month" required disabled=archived prop:value=move || end.get() on:input=move |ev| end.set(event_target_value(&ev))/>
                    <label for="map-status">{t!(i18n, units.map.status)}</label>
                    <select id="map-status" on:change=move |ev| if let Ok(s) = event_target_value(&ev).parse() { status.set(s) }>
                        {[MapStatus::Draft, MapStatus::Active, MapStatus::Archived].into_iter().map(|s| view! {
                            <option value=s.as_str() selected=move || status.get() == s>{status_text(locale, s)}</option>
                        }).collect_view()}
                    </select>
                </fieldset>
                <Show when=move || shown_error().is_some()>
                    <p class="form-error" role="alert">{shown_error}</p>
                </Show>
                <Show when=move || saved.get()>
                    <p class="saved" role="status">{td_string!(locale, units.settings.saved)}</p>
                </Show>
                {rights.then(|| view! {
                    <button type="submit" class="primary" disabled=move || save.pending().get()>{t!(i18n, units.edit.save)}</button>
                })}
            </form>
            <VersionsCard map=id rights several/>
        </main>
    }
}
