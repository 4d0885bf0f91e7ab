//! The strategy map page: the live, editable SVG canvas, its toolbar (connection, undo/redo,
//! zoom, people in the room) and the side panel for the selection.

pub mod canvas;
mod cascade;
pub mod confirm;
pub mod health;
pub mod history;
pub mod measures;
pub mod panel;
pub mod proposals;
pub mod state;

use super::widgets::connection::{editor_text, ConnectionLabel, Look};
use super::widgets::download::{MapExports, MapFiles};
use super::widgets::route::{id_param, load};
use super::widgets::status::{SpanPicker, StatusChip, WhyView};
use super::widgets::{map_crumbs, DataLinks, ErrorPage, Page, TopBar};
use crate::api::{get_map, my_rights, owner_candidates, ApiError};
use crate::domain::edits;
use crate::domain::layout::Point;
use crate::domain::scores::Subject;
use crate::domain::scoring::Span;
use crate::domain::{MapDocument, MapId, MapRights, MapStatus, Person};
use crate::i18n::*;
use crate::live;
use canvas::{create_at, run_edit, zoom_about, MapCanvas};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map, lazy_route, LazyRoute};
use state::{ConnStatus, MapState, Selection, View};

/// Opens what the address asks for, as the scorecard links it: `?measure=…` selects a measure
/// in the editor, `?objective=…` selects an objective, and `&add=measure` adds a measure to it
/// once the live connection says the user may edit (then the address names the new measure, so
/// a reload does not add another).
fn open_deep_link(state: MapState) {
    let query = use_query_map().get_untracked();
    let doc = state.doc.get_untracked();
    let measure = query
        .get("measure")
        .and_then(|m| m.parse::<crate::domain::MeasureId>().ok())
        .and_then(|id| doc.measures.iter().find(|m| m.id == id));
    if query.get("comments").as_deref() == Some("1") {
        state.tab.set(state::PanelTab::Comments);
    }
    let objective = query
        .get("objective")
        .and_then(|o| o.parse::<crate::domain::ObjectiveId>().ok())
        .filter(|id| doc.objectives.iter().any(|o| o.id == *id));
    if let Some(m) = measure {
        state.selection.set(Selection {
            objectives: vec![m.objective_id],
            link: None,
            measure: Some(m.id),
        });
    } else if let Some(o) = objective {
        state.selection.set(Selection {
            objectives: vec![o],
            ..Selection::default()
        });
        if query.get("add").as_deref() == Some("measure") {
            let map_id = doc.map.id;
            let pending = StoredValue::new(true);
            Effect::new(move |_| {
                if state.can_edit.get() && pending.get_value() {
                    pending.set_value(false);
                    let id = measures::add_measure(state, o);
                    replace_address(&format!("/maps/{map_id}?measure={id}"));
                }
            });
        }
    }
}

/// Rewrites the address bar without navigating (the router is not told: nothing reloads).
fn replace_address(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// `/maps/:id`, a lazily loaded route: the editor's code is fetched as its own wasm chunk while
/// the map's data loads, so other pages ship a smaller bundle.
#[derive(Clone)]
pub struct MapRoute {
    doc: Resource<Result<MapDocument, ApiError>>,
    rights: Resource<MapRights>,
}

#[lazy_route]
impl LazyRoute for MapRoute {
    fn data() -> Self {
        let id = id_param::<MapId>("map");
        let doc = load(id, get_map);
        // What this user may do decides which links show (none by default, if it fails).
        let rights = Resource::new(id, |id| async move {
            match id {
                Ok(id) => my_rights(id).await.unwrap_or_default(),
                Err(_) => MapRights::default(),
            }
        });
        Self { doc, rights }
    }

    fn view(this: Self) -> AnyView {
        let (doc, rights) = (this.doc, this.rights);
        let i18n = use_i18n();
        view! {
            <Suspense fallback=move || view! { <TopBar/><p class="loading">{t!(i18n, map.page.loading)}</p> }>
                {move || Suspend::new(async move {
                    let (doc, rights) = (doc.await, rights.await);
                    crate::ui::mark_hydrated();
                    match doc {
                        Ok(d) => view! { <MapView doc=d rights=rights/> }.into_any(),
                        Err(e) => view! { <ErrorPage error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

/// Header, toolbar, canvas and side panel of one map.
#[component]
fn MapView(doc: MapDocument, rights: MapRights) -> impl IntoView {
    let i18n = use_i18n();
    let (map, unit) = (doc.map.clone(), doc.org_unit.clone());
    let state = MapState::new(doc);
    state.rights.set(rights);
    Effect::new(move |_| live::start(state));
    // Share the viewport whenever it changes, so others can follow this view.
    share_viewport(state);
    on_cleanup(move || live::stop(state));
    load_score_data(state);
    load_initiatives(state);
    learn_names(state);
    open_deep_link(state);
    let crumbs = map_crumbs(&unit.name, &map.name, map.id, None);
    view! {
        <Page title=format!("{} · Cairn", map.name) crumbs=crumbs class="map-page">
            <div class="map-head">
                <div>
                    <h1>{move || state.doc.with(|d| d.map.name.clone())}</h1>
                    <p class="meta">
                        {format!("{} · {} – {} · ", unit.name, map.period_start.text(i18n.get_locale_untracked()), map.period_end.text(i18n.get_locale_untracked()))}
                        <span class=format!("status status-{}", map.status.as_str())>{map_status(i18n.get_locale_untracked(), map.status)}</span>
                    </p>
                    <Statement state=state/>
                </div>
                <div class="map-head-actions">
                    <div class="map-score">
                        <SpanPicker span=state.span/>
                        {move || state.scores.get().map(|s| view! {
                            <StatusChip score=s.map label=t_string!(i18n, map.page.map_score).to_string() on_why=Callback::new(move |_| state.why.set(Some(Subject::Map)))/>
                        })}
                        <label class="toggle">
                            <input type="checkbox" prop:checked=move || state.show_status.get()
                                on:change=move |ev| state.show_status.set(event_target_checked(&ev))/>
                            {t!(i18n, map.page.status_colours)}
                        </label>
                    </div>
                    <nav class="map-links" aria-label=t_string!(i18n, map.page.pages)>
                        <DataLinks map=map.id rights=state.rights/>
                        {state.doc.with_untracked(|d| d.map_is_unit()).then(|| view! {
                            <A href=format!("/maps/{}/workshop", map.id) attr:class="button">{t!(i18n, cascade.workshop.title)}</A>
                        })}
                        <A href=format!("/maps/{}/strategy", map.id) attr:class="button">{t!(i18n, strategy.title)}</A>
                        <A href=format!("/maps/{}/brainstorm", map.id) attr:class=move || if state.doc.with(|d| d.workshop.is_some()) { "button live-workshop" } else { "button" }>
                            {move || if state.doc.with(|d| d.workshop.is_some()) { t_string!(i18n, brainstorm.running) } else { t_string!(i18n, brainstorm.title) }}
                        </A>
                        <A href=format!("/maps/{}/scorecard", map.id) attr:class="button">{t!(i18n, map.page.scorecard)}</A>
                        <A href=format!("/maps/{}/hypotheses", map.id) attr:class="button">{t!(i18n, hypotheses.title)}</A>
                        <A href=format!("/units/{}/dashboards", unit.id) attr:class="button">{t!(i18n, map.page.dashboards)}</A>
                    </nav>
                </div>
            </div>
            {
                let (map_id, map_name) = (map.id, map.name.clone());
                move || state.span.get().map(|span| view! {
                    <MapExports map=map_id map_name=map_name.clone() span=span files=MapFiles::Picture/>
                })
            }
            <Toolbar state=state/>
            <Notice state=state/>
            <proposals::Incoming state=state/>
            <div class="map-body">
                <div class="canvas-wrap" tabindex="0" role="application" aria-roledescription=t_string!(i18n, map.page.canvas_role) aria-label=move || if state.can_edit.get() { t_string!(i18n, map.page.canvas_edit) } else { t_string!(i18n, map.page.canvas_view) }
                    on:keydown=move |ev| on_key(state, ev)>
                    <MapCanvas state=state/>
                </div>
                <panel::SidePanel state=state/>
            </div>
            <WhyDialog state=state/>
            <confirm::DeleteDialog state=state/>
        </Page>
    }
    .into_any()
}

/// The map's vision under its name (two lines, the rest behind "more"), and its mission and
/// values, which fold away; live, as the Strategy screen changes them. The fold starts closed, so
/// the canvas stays in sight on a laptop, and each browser remembers whether it was opened.
#[component]
fn Statement(state: MapState) -> impl IntoView {
    let i18n = use_i18n();
    let text = move |f: fn(&MapDocument) -> &str| state.doc.with(|d| f(d).trim().to_string());
    let vision = Memo::new(move |_| text(|d| &d.map.vision));
    let mission = Memo::new(move |_| text(|d| &d.map.mission));
    let values = Memo::new(move |_| {
        state.doc.with(|d| {
            d.map
                .values
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
    });
    // Only whether there is anything to fold redraws the fold, so folding it stays.
    let any = Memo::new(move |_| !mission.with(String::is_empty) || !values.with(Vec::is_empty));
    let folded_open = RwSignal::new(false);
    // Read after hydration, so the server's page and the first client render agree.
    Effect::new(move |_| folded_open.set(statement_fold::remembered()));
    let vision_whole = RwSignal::new(false);
    let vision_long = Memo::new(move |_| vision.with(|v| v.chars().count() > VISION_SHORT));
    view! {
        {move || (!vision.with(String::is_empty)).then(|| view! {
            <div class="vision-row">
                <p class="vision" id="map-vision" class:clamped=move || !vision_whole.get()>
                    <strong>{t!(i18n, map.page.vision)}</strong>{move || vision.get()}
                </p>
                {move || vision_long.get().then(|| view! {
                    <button type="button" class="link-button vision-more" aria-controls="map-vision"
                        aria-expanded=move || vision_whole.get().to_string()
                        on:click=move |_| vision_whole.update(|w| *w = !*w)>
                        {move || if vision_whole.get() { t_string!(i18n, map.page.vision_less) } else { t_string!(i18n, map.page.vision_more) }}
                    </button>
                })}
            </div>
        })}
        {move || any.get().then(|| view! {
            <details class="statement-fold" prop:open=move || folded_open.get()
                on:toggle=move |ev| {
                    let open = statement_fold::is_open(&ev);
                    if open != folded_open.get_untracked() {
                        folded_open.set(open);
                        statement_fold::remember(open);
                    }
                }>
                <summary>{t!(i18n, strategy.header.statement)}</summary>
                {move || (!mission.with(String::is_empty)).then(|| view! {
                    <p class="mission"><strong>{t!(i18n, strategy.header.mission)}</strong>{move || mission.get()}</p>
                })}
                {move || (!values.with(Vec::is_empty)).then(|| view! {
                    <p class="values"><strong>{t!(i18n, strategy.header.values)}</strong>
                        {move || values.get().into_iter().map(|v| {
                            // "Craft: certified skills…" shows as "Craft", the whole line on hover.
                            let name = v.split_once(':').map_or(v.as_str(), |(n, _)| n).trim().to_string();
                            view! { <span class="value-chip" title=v>{name}</span> }
                        }).collect_view()}
                    </p>
                })}
            </details>
        })}
    }
}

/// Characters of vision that fit in the two lines shown before "more" is offered.
const VISION_SHORT: usize = 140;

/// Whether this browser keeps the map header's "Mission and values" open (local storage; folded
/// when nothing was stored or storage is unavailable).
mod statement_fold {
    use leptos::wasm_bindgen::JsCast;

    const KEY: &str = "cairn.map.statement-open";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    /// The choice this browser made last time.
    pub fn remembered() -> bool {
        storage()
            .and_then(|s| s.get_item(KEY).ok()?)
            .is_some_and(|v| v == "1")
    }

    /// Keeps the choice for the next map opened in this browser.
    pub fn remember(open: bool) {
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, if open { "1" } else { "0" });
        }
    }

    /// Whether the `<details>` that sent a toggle event is open now.
    pub fn is_open(ev: &web_sys::Event) -> bool {
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
            .is_some_and(|d| d.open())
    }
}

/// Shares the viewport (and which pane has the user's attention) whenever it changes, so others
/// can follow this view.
pub(crate) fn share_viewport(state: MapState) {
    Effect::new(move |_| {
        state.view.track();
        state.elsewhere.track();
        live::presence(state, state.presence(None));
    });
}

/// Loads the map's targets and readings now and again whenever the server says new data
/// arrived; the first load also picks the period to show (the latest month with data).
pub(crate) fn load_score_data(state: MapState) {
    let locale = current_locale();
    Effect::new(move |_| {
        let _rev = state.scores_rev.get();
        let map_id = state.doc.with_untracked(|d| d.map.id);
        leptos::task::spawn_local(async move {
            match crate::api::get_score_data(map_id).await {
                Ok((data, today)) => {
                    if state.span.get_untracked().is_none() {
                        let period = crate::api::latest_reported(&data, today);
                        state.span.set(Some(Span::Month { period }));
                    }
                    state.score_data.set(Some((data, today)));
                }
                Err(e) => state.notice.set(Some(
                    td_string!(locale, map.page.scores_failed, error = e.text(locale)).to_string(),
                )),
            }
        });
    });
}

/// Keeps `state.people` knowing every name the pickers need: those the document names (also
/// someone named by a live edit after the page loaded: their name is read again), and, once the
/// live connection says the user may edit, everyone who may be picked as an owner.
pub(crate) fn learn_names(state: MapState) {
    let locale = current_locale();
    let map_id = state.doc.with_untracked(|d| d.map.id);
    let asked: StoredValue<Vec<crate::domain::UserId>> = StoredValue::new(Vec::new());
    Effect::new(move |_| {
        let (people, named) = state.doc.with(|d| (d.people.clone(), d.named_people()));
        state
            .people
            .maybe_update(|known| Person::merge(known, &people));
        let unknown: Vec<_> = state.people.with_untracked(|known| {
            named
                .into_iter()
                .filter(|id| !known.iter().any(|p| p.id == *id))
                .filter(|id| asked.with_value(|a| !a.contains(id)))
                .collect()
        });
        if unknown.is_empty() {
            return;
        }
        asked.update_value(|a| a.extend(unknown));
        leptos::task::spawn_local(async move {
            if let Ok(doc) = get_map(map_id).await {
                state
                    .people
                    .maybe_update(|known| Person::merge(known, &doc.people));
            }
        });
    });
    let loaded = StoredValue::new(false);
    Effect::new(move |_| {
        if !state.can_edit.get() || loaded.get_value() {
            return;
        }
        loaded.set_value(true);
        leptos::task::spawn_local(async move {
            match owner_candidates(map_id).await {
                Ok(candidates) => state
                    .people
                    .maybe_update(|known| Person::merge(known, &candidates)),
                Err(e) => state.notice.set(Some(
                    td_string!(locale, map.page.owners_failed, error = e.text(locale)).to_string(),
                )),
            }
        });
    });
}

/// Loads the open initiatives of this map's unit, for the objective detail: at once, and again
/// whenever the server says an initiative of the unit changed.
pub(crate) fn load_initiatives(state: MapState) {
    Effect::new(move |_| {
        state.live.initiatives_rev.track();
        load_initiatives_now(state);
    });
}

/// Reads the unit's open initiatives again.
pub(crate) fn load_initiatives_now(state: MapState) {
    let locale = current_locale();
    let map_id = state.doc.with_untracked(|d| d.map.id);
    leptos::task::spawn_local(async move {
        match crate::api::map_initiatives(map_id).await {
            Ok(list) => {
                state.currency.set(Some(list.currency));
                state.initiatives.set(list.items);
            }
            Err(e) => state.notice.set(Some(
                td_string!(locale, map.page.initiatives_failed, error = e.text(locale)).to_string(),
            )),
        }
    });
}

/// The open "why" view, recomputed live as the map or its data changes.
#[component]
pub(crate) fn WhyDialog(state: MapState) -> impl IntoView {
    move || {
        let subject = state.why.get()?;
        let span = state.span.get()?;
        state.scores.track();
        let why = state
            .model
            .get()?
            .explain(current_locale(), span, subject)?;
        Some(view! { <WhyView why=why on_close=Callback::new(move |_| state.why.set(None))/> })
    }
}

/// Keyboard on the canvas: Delete, arrows (nudge), Tab (cycle), Ctrl+Z / Ctrl+Shift+Z, Escape.
pub(crate) fn on_key(state: MapState, ev: leptos::web_sys::KeyboardEvent) {
    let ctrl = ev.ctrl_key() || ev.meta_key();
    let key = ev.key();
    let editable = state.can_edit.get_untracked();
    match key.as_str() {
        "z" | "Z" if ctrl && ev.shift_key() => {
            ev.prevent_default();
            live::redo(state);
        }
        "z" | "Z" if ctrl => {
            ev.prevent_default();
            live::undo(state);
        }
        "y" if ctrl => {
            ev.prevent_default();
            live::redo(state);
        }
        "Delete" | "Backspace" if editable => {
            let ops = state
                .selection
                .with_untracked(|s| edits::delete(&s.objectives, s.link));
            if !ops.is_empty() {
                ev.prevent_default();
                confirm::ask_delete(state, ops);
            }
        }
        "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" if editable => {
            let ids = state.selection.get_untracked().objectives;
            if ids.is_empty() {
                return;
            }
            ev.prevent_default();
            let step = if ev.shift_key() { 50.0 } else { 10.0 };
            let (dx, dy) = match key.as_str() {
                "ArrowLeft" => (-step, 0.0),
                "ArrowRight" => (step, 0.0),
                "ArrowUp" => (0.0, -step),
                _ => (0.0, step),
            };
            let ops = state
                .doc
                .with_untracked(|d| edits::move_objectives(d, &ids, dx, dy));
            run_edit(state, ops);
        }
        // Tab walks the objectives top to bottom, left to right; past the last one (Shift+Tab:
        // before the first) it leaves the canvas, so the keyboard is never trapped.
        "Tab" => {
            let next = state.doc.with_untracked(|d| {
                let ids = edits::reading_order(d);
                let current = state
                    .selected_one()
                    .and_then(|s| ids.iter().position(|x| *x == s));
                edits::tab_step(ids.len(), current, ev.shift_key()).map(|i| ids[i])
            });
            match next {
                Some(id) => {
                    ev.prevent_default();
                    state.selection.set(Selection {
                        objectives: vec![id],
                        link: None,
                        measure: None,
                    });
                }
                None => state.selection.set(Selection::default()),
            }
        }
        "Enter" if editable => {
            if let Some(id) = state.selected_one() {
                ev.prevent_default();
                state.editing.set(Some(id));
            }
        }
        "Escape" => state.selection.set(Selection::default()),
        _ => {}
    }
}

/// Connection state, undo/redo, add, zoom, and the people in the room.
///
/// In the cascade workshop, `partner` is the other pane's map: "bring everyone here" brings
/// everyone's other pane to this user's view of it too.
#[component]
pub(crate) fn Toolbar(
    state: MapState,
    #[prop(optional)] partner: Option<MapState>,
) -> impl IntoView {
    let i18n = use_i18n();
    let status_text = Signal::derive(move || {
        editor_text(
            i18n.get_locale_untracked(),
            state.status.get(),
            state.pending.get(),
        )
    });
    let zoom = move |factor: f64| {
        let v = state.view.get_untracked();
        let centre = Point {
            x: v.x + v.w / 2.0,
            y: v.y + v.h / 2.0,
        };
        state.view.set(zoom_about(v, centre, factor));
    };
    let add = move |_| {
        let v = state.view.get_untracked();
        let p = Point {
            x: v.x + v.w / 2.0,
            y: v.y + v.h / 2.0,
        };
        create_at(state, p);
    };
    view! {
        <div class="toolbar" role="toolbar" aria-label=t_string!(i18n, map.toolbar.label)>
            <ConnectionLabel status=state.status text=status_text look=Look::Pill
                attr:role="status" attr:aria-live="polite" attr:data-testid="connection"/>
            <Show when=move || state.can_edit.get()>
                <button on:click=add title=t_string!(i18n, map.toolbar.add_title)>{t!(i18n, map.toolbar.add)}</button>
                <button on:click=move |_| live::undo(state) disabled=move || !state.can_undo.get() title=t_string!(i18n, map.toolbar.undo_title)>{t!(i18n, map.toolbar.undo)}</button>
                <button on:click=move |_| live::redo(state) disabled=move || !state.can_redo.get() title=t_string!(i18n, map.toolbar.redo_title)>{t!(i18n, map.toolbar.redo)}</button>
                <button title=t_string!(i18n, map.toolbar.layout_title) on:click=move |_| {
                    let ops = state.doc.with_untracked(edits::auto_layout);
                    if ops.is_empty() {
                        state.notice.set(Some(t_string!(i18n, map.toolbar.laid_out).to_string()));
                    } else {
                        run_edit(state, ops);
                    }
                }>{t!(i18n, map.toolbar.layout)}</button>
            </Show>
            <Show when=move || !state.can_edit.get() && state.status.get() == ConnStatus::Live>
                <span class="readonly">{t!(i18n, map.toolbar.view_only)}</span>
            </Show>
            <span class="spacer"></span>
            <button on:click=move |_| zoom(1.0 / 1.2) aria-label=t_string!(i18n, map.toolbar.zoom_in)>"+"</button>
            <button on:click=move |_| zoom(1.2) aria-label=t_string!(i18n, map.toolbar.zoom_out)>"−"</button>
            <button on:click=move |_| state.view.set(state.doc.with_untracked(View::fit)) title=t_string!(i18n, map.toolbar.fit_title)>{t!(i18n, map.toolbar.fit)}</button>
            <Show when=move || state.can_edit.get()>
                <button title=t_string!(i18n, map.toolbar.summon_title) on:click=move |_| {
                    let v = state.doc.with_untracked(|d| state.view.get_untracked().viewport(d));
                    let other = partner.map(|p| p.doc.with_untracked(|d| p.view.get_untracked().viewport(d)));
                    live::summon(state, v, other);
                }>{t!(i18n, map.toolbar.summon)}</button>
            </Show>
            <ul class="roster" aria-label=t_string!(i18n, map.toolbar.roster)>
                <For each=move || state.peers.get() key=|p| (p.peer_id, p.name.clone(), p.state.elsewhere) let:peer>
                    {
                        let id = peer.peer_id;
                        let following = move || state.following.get() == Some(id);
                        let elsewhere = peer.state.elsewhere;
                        let title = if elsewhere {
                            t_string!(i18n, cascade.workshop.peer_elsewhere, name = peer.name.clone()).to_string()
                        } else {
                            t_string!(i18n, map.toolbar.follow_title, name = peer.name.clone()).to_string()
                        };
                        view! {
                            <li>
                                <button class="avatar peer" class:following=following class:elsewhere=elsewhere style=format!("background:{}", peer.colour)
                                    title=title
                                    aria-label=t_string!(i18n, map.toolbar.follow, name = peer.name.clone()).to_string()
                                    on:click=move |_| state.following.update(|f| *f = if *f == Some(id) { None } else { Some(id) })>
                                    {peer.initials.clone()}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </div>
    }
}

/// A dismissible message (rolled-back edit, skipped undo, summons).
#[component]
pub(crate) fn Notice(state: MapState) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        state.notice.get().map(|text| {
            view! {
                <div class="notice" role="alert">
                    <span>{text}</span>
                    <button class="link-button" on:click=move |_| state.notice.set(None)>{t!(i18n, map.page.dismiss)}</button>
                </div>
            }
        })
    }
}

/// A map's status ("draft", "active", "archived") in `locale`; its id stays the CSS class.
pub fn map_status(locale: Locale, status: MapStatus) -> &'static str {
    match status {
        MapStatus::Draft => td_string!(locale, map.map_status.draft),
        MapStatus::Active => td_string!(locale, map.map_status.active),
        MapStatus::Archived => td_string!(locale, map.map_status.archived),
    }
}
