//! `/maps/:id/workshop`: the cascade workshop. The parent unit's map (read-only here, but live)
//! beside the unit's map (live and editable, as on the map page), in a resizable split where
//! each pane pans and zooms on its own. A parent objective dragged into a band of the unit map
//! becomes a unit objective aligned to it (one batch, one undo); a link drawn from a unit
//! objective's handle onto a parent objective aligns them. Selecting an objective highlights its
//! partners in the other pane and draws the lines across the split. Each pane is its map's own
//! live room, so presence, cursors and follow work in both; "bring everyone here" brings both.

use crate::api::cascade::{cascade_workshop, Workshop};
use crate::api::{my_rights, ApiError};
use crate::domain::cascade;
use crate::domain::edits;
use crate::domain::layout::{BOX_HEIGHT, BOX_WIDTH};
use crate::domain::ops::Op;
use crate::domain::{AlignmentId, MapId, ObjectiveId};
use crate::i18n::*;
use crate::live;
use crate::ui::map::canvas::{client_to_map, map_to_client, run_edit, LinkOut, MapCanvas};
use crate::ui::map::proposals::Composer;
use crate::ui::map::state::{MapState, Selection, View};
use crate::ui::map::{
    confirm::DeleteDialog, learn_names, load_initiatives, load_score_data, on_key,
    panel::SidePanel, share_viewport, Notice, Toolbar, WhyDialog,
};
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use crate::ui::widgets::{map_crumbs, Page};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{components::A, lazy_route, LazyRoute};

/// Which pane has the user's attention (shared with presence, so a facilitator sees it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pane {
    Parent,
    Unit,
}

/// The narrowest a pane may be made, in per cent of the split's width.
const MIN_SPLIT: f64 = 20.0;
const MAX_SPLIT: f64 = 80.0;

/// `/maps/:id/workshop`, a lazily loaded route (`?parent=` picks another parent-unit map).
#[derive(Clone)]
pub struct WorkshopRoute {
    data: Resource<Result<Workshop, ApiError>>,
}

#[lazy_route]
impl LazyRoute for WorkshopRoute {
    fn data() -> Self {
        let id = id_param::<MapId>("map");
        let query = use_query_map();
        let key = move || {
            let parent = query
                .read()
                .get("parent")
                .and_then(|p| p.parse::<MapId>().ok());
            id().map(|id| (id, parent))
        };
        Self {
            data: load(key, |(id, parent)| cascade_workshop(id, parent)),
        }
    }

    fn view(this: Self) -> AnyView {
        let locale = use_i18n().get_locale_untracked();
        let loading = td_string!(locale, cascade.workshop.loading);
        item_page(this.data, loading, Reload::ShowLoading, |w: Workshop| {
            view! { <WorkshopView workshop=w/> }.into_any()
        })
    }
}

/// Starts what a map pane needs: its live room, its shared viewport, its scores and names.
fn open_pane(state: MapState) {
    Effect::new(move |_| live::start(state));
    on_cleanup(move || live::stop(state));
    share_viewport(state);
    load_score_data(state);
}

#[component]
fn WorkshopView(workshop: Workshop) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let Workshop {
        unit: doc,
        parent_maps,
        parent,
        may_edit_parent,
    } = workshop;
    let (map, org_unit) = (doc.map.clone(), doc.org_unit.clone());
    let unit = MapState::new(doc);
    open_pane(unit);
    load_initiatives(unit);
    learn_names(unit);
    let map_id = map.id;
    // In the browser only (an effect): what this user may do on the unit map, for its panel.
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(rights) = my_rights(map_id).await {
                unit.rights.set(rights);
            }
        });
    });
    let crumbs = map_crumbs(
        &org_unit.name,
        &map.name,
        map.id,
        Some((td_string!(locale, cascade.workshop.title), "workshop")),
    );
    let title = td_string!(locale, cascade.workshop.heading, name = &map.name).to_string();
    let Some(parent_doc) = parent else {
        let none = td_string!(locale, cascade.workshop.no_parent).to_string();
        return view! {
            <Page title=title.clone() crumbs=crumbs class="map-page workshop-page">
                <h1>{title}</h1>
                <p class="empty">{none}</p>
                <A href=format!("/maps/{map_id}") attr:class="button">{t!(i18n, cascade.workshop.open_map)}</A>
            </Page>
        }
        .into_any();
    };
    let parent_unit = parent_doc.org_unit.clone();
    let parent_name = parent_doc.map.name.clone();
    let parent_id = parent_doc.map.id;
    let parent = MapState::new(parent_doc).view_only();
    open_pane(parent);

    let focused = RwSignal::new(Pane::Unit);
    Effect::new(move |_| {
        let f = focused.get();
        unit.elsewhere.set(f != Pane::Unit);
        parent.elsewhere.set(f != Pane::Parent);
    });
    link_selections(unit, parent);
    follow_across(unit, parent);
    follow_across(parent, unit);
    Effect::new(move |_| {
        if let Some(v) = unit.summoned_partner.get() {
            parent
                .view
                .set(parent.doc.with_untracked(|d| View::from_viewport(v, d)));
            unit.summoned_partner.set(None);
        }
    });

    let split = RwSignal::new(45.0_f64);
    let show_all = RwSignal::new(false);
    let body = NodeRef::<leptos::html::Div>::new();
    let carry = RwSignal::new(None::<Carry>);
    let draft = RwSignal::new(None::<LinkOut>);
    let picked_line = RwSignal::new(None::<AlignmentId>);
    let geometry = Geometry { body, unit, parent };
    let link_out = Callback::new(move |out: LinkOut| {
        if out.dropped {
            draft.set(None);
            align_on_drop(geometry, out);
        } else {
            draft.set(Some(out));
        }
    });
    let maps = (parent_maps.len() > 1).then(|| {
        view! { <ParentPicker maps=parent_maps.clone() current=parent_id unit_map=map_id/> }
    });
    let meta = td_string!(
        locale,
        cascade.workshop.meta,
        unit = &org_unit.name,
        parent = &parent_unit.name,
        map = &parent_name
    )
    .to_string();
    view! {
        <Page title=title.clone() crumbs=crumbs class="map-page workshop-page">
            <div class="map-head">
                <div>
                    <h1>{title.clone()}</h1>
                    <p class="meta">{meta}</p>
                </div>
                <div class="map-head-actions">
                    {maps}
                    <label class="toggle">
                        <input type="checkbox" prop:checked=move || show_all.get()
                            on:change=move |ev| show_all.set(event_target_checked(&ev))/>
                        {t!(i18n, cascade.workshop.all_lines)}
                    </label>
                    <nav class="map-links" aria-label=t_string!(i18n, map.page.pages)>
                        <A href=format!("/maps/{map_id}") attr:class="button">{t!(i18n, cascade.workshop.open_map)}</A>
                        <A href=format!("/units/{}/cascade-report", parent_unit.id) attr:class="button">{t!(i18n, cascade.workshop.report)}</A>
                    </nav>
                </div>
            </div>
            <Notice state=unit/>
            <Notice state=parent/>
            <div class="workshop-body" node_ref=body
                style=move || format!("grid-template-columns: minmax(0, {0:.1}fr) 10px minmax(0, {1:.1}fr) 300px", split.get(), 100.0 - split.get())>
                <section class="workshop-pane parent-pane" aria-label=t_string!(i18n, cascade.workshop.parent_pane, name = parent_name.clone())
                    on:focusin=move |_| focused.set(Pane::Parent)
                    on:pointerdown=move |ev| {
                        focused.set(Pane::Parent);
                        start_carry(geometry, carry, &ev);
                    }>
                    <h2 class="pane-title">{t!(i18n, cascade.workshop.parent_title, name = parent_name.clone())}</h2>
                    <Toolbar state=parent/>
                    <div class="canvas-wrap" tabindex="0" role="application" aria-roledescription=t_string!(i18n, map.page.canvas_role)
                        aria-label=t_string!(i18n, map.page.canvas_view) on:keydown=move |ev| on_key(parent, ev)>
                        <MapCanvas state=parent/>
                    </div>
                    <PullStrip unit=unit parent=parent/>
                    <Show when=move || !may_edit_parent && unit.can_edit.get()>
                        <Composer parent=parent unit_map=map_id/>
                    </Show>
                </section>
                <Splitter split=split body=body/>
                <section class="workshop-pane unit-pane" aria-label=t_string!(i18n, cascade.workshop.unit_pane, name = map.name.clone())
                    on:focusin=move |_| focused.set(Pane::Unit)
                    on:pointerdown=move |_| focused.set(Pane::Unit)>
                    <h2 class="pane-title">{t!(i18n, cascade.workshop.unit_title, name = map.name.clone())}</h2>
                    <Toolbar state=unit partner=parent/>
                    <div class="canvas-wrap" tabindex="0" role="application" aria-roledescription=t_string!(i18n, map.page.canvas_role)
                        aria-label=move || if unit.can_edit.get() { t_string!(i18n, map.page.canvas_edit) } else { t_string!(i18n, map.page.canvas_view) }
                        on:keydown=move |ev| on_key(unit, ev)>
                        <MapCanvas state=unit link_out=link_out/>
                    </div>
                </section>
                <SidePanel state=unit/>
                <CrossLines geometry=geometry show_all=show_all picked=picked_line draft=draft split=split/>
            </div>
            <CarryGhost geometry=geometry carry=carry/>
            <WhyDialog state=unit/>
            <DeleteDialog state=unit/>
        </Page>
    }
    .into_any()
}

/// What the cross-pane drawing needs: the split's element and both panes' states.
#[derive(Clone, Copy)]
struct Geometry {
    body: NodeRef<leptos::html::Div>,
    unit: MapState,
    parent: MapState,
}

impl Geometry {
    /// The canvas (`svg`) of one pane.
    fn svg(self, pane: Pane) -> Option<leptos::web_sys::Element> {
        let selector = match pane {
            Pane::Parent => ".parent-pane svg.strategy-map",
            Pane::Unit => ".unit-pane svg.strategy-map",
        };
        let body = self.body.get_untracked()?;
        body.query_selector(selector).ok().flatten()
    }

    /// The pane whose canvas is under a client position, with its canvas.
    fn pane_at(self, x: f64, y: f64) -> Option<(Pane, leptos::web_sys::Element)> {
        [Pane::Parent, Pane::Unit].into_iter().find_map(|pane| {
            let svg = self.svg(pane)?;
            let r = svg.get_bounding_client_rect();
            let inside = x >= r.left() && x <= r.right() && y >= r.top() && y <= r.bottom();
            inside.then_some((pane, svg))
        })
    }
}

/// Selecting in one pane clears the other's selection and highlights the partners there.
fn link_selections(unit: MapState, parent: MapState) {
    mirror_selection(unit, parent, unit);
    mirror_selection(parent, unit, unit);
}

/// When objectives are selected in `from`, clears the selection in `to` and marks there their
/// partners (read from `unit`, the unit map, which holds the alignments).
fn mirror_selection(from: MapState, to: MapState, unit: MapState) {
    let selected = Memo::new(move |_| from.selection.with(|s| s.objectives.clone()));
    Effect::new(move |_| {
        let ids = selected.get();
        if !ids.is_empty() {
            to.selection.set(Selection::default());
        }
        let partners = unit.doc.with(|d| {
            ids.iter()
                .flat_map(|id| cascade::partners(d, *id))
                .collect::<Vec<_>>()
        });
        to.partners.set(partners);
    });
}

/// Following someone in one pane follows the same person in the other (their own connection
/// to that map's room), so the two panes move together.
fn follow_across(from: MapState, to: MapState) {
    Effect::new(move |_| {
        let wanted = from.following.get().and_then(|peer| {
            let user = from
                .peers
                .with_untracked(|ps| ps.iter().find(|p| p.peer_id == peer).map(|p| p.user_id))?;
            to.peers
                .with_untracked(|ps| ps.iter().find(|p| p.user_id == user).map(|p| p.peer_id))
        });
        if to.following.get_untracked() != wanted {
            to.following.set(wanted);
        }
    });
}

/// A parent objective being carried towards the unit map: which one and where the pointer is.
#[derive(Clone, Debug, PartialEq)]
struct Carry {
    id: ObjectiveId,
    title: String,
    start: (f64, f64),
    at: (f64, f64),
}

impl Carry {
    /// Whether the pointer moved far enough for this to be a drag, not a click.
    fn moved(&self) -> bool {
        (self.at.0 - self.start.0).abs() + (self.at.1 - self.start.1).abs() > 6.0
    }
}

/// A press on a parent objective (by someone who may edit the unit map) may become a drag of
/// it into the unit map.
fn start_carry(g: Geometry, carry: RwSignal<Option<Carry>>, ev: &leptos::web_sys::PointerEvent) {
    if ev.button() != 0 || !g.unit.can_edit.get_untracked() {
        return;
    }
    let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
    let Some(svg) = g.svg(Pane::Parent) else {
        return;
    };
    let p = client_to_map(g.parent, &svg, x, y);
    let hit = g.parent.doc.with_untracked(|d| {
        let id = edits::objective_at(d, p)?;
        Some((id, d.objective_title(id)?))
    });
    if let Some((id, title)) = hit {
        carry.set(Some(Carry {
            id,
            title,
            start: (x, y),
            at: (x, y),
        }));
    }
}

/// The carried objective under the pointer, and what letting go does: on the unit map's canvas,
/// the objective lands in the band under the pointer, aligned, with its title open to reword.
#[component]
fn CarryGhost(geometry: Geometry, carry: RwSignal<Option<Carry>>) -> impl IntoView {
    let g = geometry;
    let moving = window_event_listener(leptos::ev::pointermove, move |ev| {
        if carry.with_untracked(Option::is_some) {
            let at = (f64::from(ev.client_x()), f64::from(ev.client_y()));
            carry.update(|c| {
                if let Some(c) = c {
                    c.at = at;
                }
            });
        }
    });
    let up = window_event_listener(leptos::ev::pointerup, move |ev| {
        let Some(c) = carry.get_untracked() else {
            return;
        };
        carry.set(None);
        if !c.moved() {
            return;
        }
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        if let Some((Pane::Unit, svg)) = g.pane_at(x, y) {
            let p = client_to_map(g.unit, &svg, x, y);
            pull_down(g.unit, c.id, Some(p));
        }
    });
    let cancel = window_event_listener(leptos::ev::pointercancel, move |_| carry.set(None));
    on_cleanup(move || {
        moving.remove();
        up.remove();
        cancel.remove();
    });
    move || {
        carry.get().filter(Carry::moved).map(|c| {
            let over_unit = matches!(g.pane_at(c.at.0, c.at.1), Some((Pane::Unit, _)));
            view! {
                <div class="carry-ghost" class:over=over_unit aria-hidden="true"
                    style=format!("left:{:.0}px;top:{:.0}px", c.at.0 + 12.0, c.at.1 + 8.0)>
                    {c.title}
                </div>
            }
        })
    }
}

/// Pulls parent objective `id` down into the unit map (at map point `at`, or in its
/// perspective's band), selects the new objective and opens its title for rewording.
fn pull_down(unit: MapState, id: ObjectiveId, at: Option<crate::domain::layout::Point>) {
    let Some((new, ops)) = unit.doc.with_untracked(|d| cascade::pull_down(d, id, at)) else {
        return;
    };
    match live::edit(unit, ops) {
        Ok(()) => {
            unit.selection.set(Selection {
                objectives: vec![new],
                ..Selection::default()
            });
            unit.editing.set(Some(new));
        }
        Err(reason) => unit.notice.set(Some(reason)),
    }
}

/// A link drawn from a unit objective and dropped on a parent objective aligns them.
fn align_on_drop(g: Geometry, out: LinkOut) {
    let (x, y) = out.client;
    let Some((Pane::Parent, svg)) = g.pane_at(x, y) else {
        return;
    };
    let p = client_to_map(g.parent, &svg, x, y);
    let Some(target) = g.parent.doc.with_untracked(|d| edits::objective_at(d, p)) else {
        return;
    };
    run_edit(g.unit, vec![cascade::align(out.from, target)]);
    g.unit.selection.set(Selection {
        objectives: vec![out.from],
        ..Selection::default()
    });
}

/// Under the parent pane: the selected parent objective, who supports it in this unit, and a
/// button that pulls it into the unit map (the keyboard's way of the drag).
#[component]
fn PullStrip(unit: MapState, parent: MapState) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let id = parent.selected_one()?;
        let title = parent.doc.with(|d| d.objective_title(id))?;
        let supporters: Vec<String> = unit.doc.with(|d| {
            cascade::partners(d, id)
                .into_iter()
                .filter_map(|o| d.objective_title(o))
                .collect()
        });
        let support = if supporters.is_empty() {
            t_string!(i18n, cascade.workshop.not_supported).to_string()
        } else {
            t_string!(
                i18n,
                cascade.workshop.supported_here,
                list = supporters.join(", ")
            )
            .to_string()
        };
        Some(view! {
            <div class="pull-strip" role="status">
                <strong>{title}</strong>
                <span>{support}</span>
                <Show when=move || unit.can_edit.get()>
                    <button class="primary" on:click=move |_| pull_down(unit, id, None)>{t!(i18n, cascade.workshop.pull)}</button>
                </Show>
            </div>
        })
    }
}

/// The handle between the panes: drag it, or focus it and use the arrow keys.
#[component]
fn Splitter(split: RwSignal<f64>, body: NodeRef<leptos::html::Div>) -> impl IntoView {
    let i18n = use_i18n();
    let dragging = RwSignal::new(false);
    let set_from = move |client_x: f64| {
        let Some(el) = body.get_untracked() else {
            return;
        };
        let r = el.get_bounding_client_rect();
        // The side panel keeps its width; the two panes share the rest.
        let panes = (r.width() - 300.0 - 10.0).max(1.0);
        let pct = (client_x - r.left()) / panes * 100.0;
        split.set(pct.clamp(MIN_SPLIT, MAX_SPLIT));
    };
    view! {
        <div class="workshop-split" role="separator" tabindex="0" aria-orientation="vertical"
            aria-label=t_string!(i18n, cascade.workshop.split)
            aria-valuemin=MIN_SPLIT aria-valuemax=MAX_SPLIT aria-valuenow=move || format!("{:.0}", split.get())
            class:dragging=move || dragging.get()
            on:pointerdown=move |ev: leptos::web_sys::PointerEvent| {
                use leptos::wasm_bindgen::JsCast;
                ev.prevent_default();
                if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok()) {
                    let _ = el.set_pointer_capture(ev.pointer_id());
                }
                dragging.set(true);
            }
            on:pointermove=move |ev: leptos::web_sys::PointerEvent| {
                if dragging.get_untracked() {
                    set_from(f64::from(ev.client_x()));
                }
            }
            on:pointerup=move |_| dragging.set(false)
            on:keydown=move |ev: leptos::web_sys::KeyboardEvent| {
                let step = match ev.key().as_str() {
                    "ArrowLeft" => -5.0,
                    "ArrowRight" => 5.0,
                    _ => return,
                };
                ev.prevent_default();
                split.update(|s| *s = (*s + step).clamp(MIN_SPLIT, MAX_SPLIT));
            }>
            <span aria-hidden="true"></span>
        </div>
    }
}

/// One alignment line across the split, in the split's own pixel coordinates.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    id: AlignmentId,
    from: (f64, f64),
    to: (f64, f64),
    label: String,
    active: bool,
}

impl Line {
    /// A gentle S-curve from the parent box's right edge to the unit box's left edge.
    fn path(&self) -> String {
        let ((x1, y1), (x2, y2)) = (self.from, self.to);
        let bend = ((x2 - x1).abs() / 2.0).max(30.0);
        format!(
            "M{x1:.1} {y1:.1} C{:.1} {y1:.1} {:.1} {y2:.1} {x2:.1} {y2:.1}",
            x1 + bend,
            x2 - bend
        )
    }
}

/// Clamps a point into a rectangle (left, top, right, bottom): a partner scrolled out of its
/// pane is drawn to at the pane's edge, in its direction.
fn clamp_into(p: (f64, f64), r: (f64, f64, f64, f64)) -> (f64, f64) {
    (p.0.clamp(r.0, r.2), p.1.clamp(r.1, r.3))
}

/// The alignment lines to draw: those of the selection in either pane (or all of them), from
/// the parent objective to the unit objective.
fn lines(g: Geometry, all: bool) -> Vec<Line> {
    let (Some(body), Some(psvg), Some(usvg)) = (
        g.body.get_untracked(),
        g.svg(Pane::Parent),
        g.svg(Pane::Unit),
    ) else {
        return Vec::new();
    };
    let origin = body.get_bounding_client_rect();
    let rect = |svg: &leptos::web_sys::Element| {
        let r = svg.get_bounding_client_rect();
        (r.left(), r.top(), r.right(), r.bottom())
    };
    let (prect, urect) = (rect(&psvg), rect(&usvg));
    let selected_unit = g.unit.selection.with_untracked(|s| s.objectives.clone());
    let selected_parent = g.parent.selection.with_untracked(|s| s.objectives.clone());
    g.parent.doc.with_untracked(|parent_doc| {
        g.unit.doc.with_untracked(|d| {
            d.alignments
                .iter()
                .filter_map(|a| {
                    let active = selected_unit.contains(&a.unit_objective_id)
                        || selected_parent.contains(&a.parent_objective_id);
                    if !(all || active) {
                        return None;
                    }
                    let own = d.objectives.iter().find(|o| o.id == a.unit_objective_id)?;
                    let theirs = parent_doc
                        .objectives
                        .iter()
                        .find(|o| o.id == a.parent_objective_id)?;
                    let at = |p: (f64, f64)| (p.0 - origin.left(), p.1 - origin.top());
                    let from = map_to_client(
                        g.parent,
                        &psvg,
                        crate::domain::layout::Point {
                            x: theirs.x + BOX_WIDTH / 2.0,
                            y: theirs.y,
                        },
                    );
                    let to = map_to_client(
                        g.unit,
                        &usvg,
                        crate::domain::layout::Point {
                            x: own.x - BOX_WIDTH / 2.0,
                            y: own.y,
                        },
                    );
                    Some(Line {
                        id: a.id,
                        from: at(clamp_into(from, prect)),
                        to: at(clamp_into(to, urect)),
                        label: format!("{} → {}", own.title, theirs.title),
                        active,
                    })
                })
                .collect()
        })
    })
}

/// The lines across the split, redrawn after anything that moves their ends (either map, either
/// view, the split, the window's size); a selected line can be removed (button or Delete).
#[component]
fn CrossLines(
    geometry: Geometry,
    show_all: RwSignal<bool>,
    picked: RwSignal<Option<AlignmentId>>,
    draft: RwSignal<Option<LinkOut>>,
    split: RwSignal<f64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let g = geometry;
    let drawn = RwSignal::new(Vec::<Line>::new());
    let resized = RwSignal::new(0_u32);
    let resize = window_event_listener(leptos::ev::resize, move |_| resized.update(|r| *r += 1));
    on_cleanup(move || resize.remove());
    Effect::new(move |_| {
        g.unit.doc.track();
        g.parent.doc.track();
        g.unit.view.track();
        g.parent.view.track();
        g.unit.selection.track();
        g.parent.selection.track();
        split.track();
        resized.track();
        let all = show_all.get();
        // After the browser has laid out what just changed.
        request_animation_frame(move || drawn.set(lines(g, all)));
    });
    // A picked line that is gone (removed here or by someone else) is no longer picked.
    Effect::new(move |_| {
        let ids: Vec<AlignmentId> = g
            .unit
            .doc
            .with(|d| d.alignments.iter().map(|a| a.id).collect());
        if picked.get_untracked().is_some_and(|p| !ids.contains(&p)) {
            picked.set(None);
        }
    });
    let remove = move |id: AlignmentId| {
        run_edit(g.unit, vec![Op::Unalign { id }]);
        picked.set(None);
    };
    let draft_line = move || {
        let out = draft.get()?;
        let body = g.body.get_untracked()?;
        let usvg = g.svg(Pane::Unit)?;
        let r = usvg.get_bounding_client_rect();
        // Inside the unit pane its canvas draws the link itself.
        if out.client.0 >= r.left() {
            return None;
        }
        let origin = body.get_bounding_client_rect();
        let from = g.unit.doc.with_untracked(|d| {
            d.objectives
                .iter()
                .find(|o| o.id == out.from)
                .map(|o| crate::domain::layout::Point {
                    x: o.x,
                    y: o.y - BOX_HEIGHT / 2.0,
                })
        })?;
        let (x1, y1) = clamp_into(
            map_to_client(g.unit, &usvg, from),
            (r.left(), r.top(), r.right(), r.bottom()),
        );
        let (x2, y2) = out.client;
        Some(view! {
            <path class="cross-line draft" d=format!("M{:.1} {:.1} L{:.1} {:.1}", x1 - origin.left(), y1 - origin.top(), x2 - origin.left(), y2 - origin.top())/>
        })
    };
    view! {
        <svg class="cross-lines" aria-label=t_string!(i18n, cascade.workshop.lines) role="group">
            <For each=move || drawn.get() key=|l| (l.id, l.from.0.to_bits(), l.from.1.to_bits(), l.to.0.to_bits(), l.to.1.to_bits(), l.active) let:line>
                {
                    let id = line.id;
                    let d = line.path();
                    let label = t_string!(i18n, cascade.workshop.line, name = line.label.clone()).to_string();
                    let tip = label.clone();
                    view! {
                        <g class="cross-line-group" class:active=line.active class:picked=move || picked.get() == Some(id)>
                            <path class="cross-line-hit" d=d.clone() tabindex="0" role="button" aria-label=label.clone()
                                aria-pressed=move || (picked.get() == Some(id)).to_string()
                                on:click=move |_| picked.set(Some(id))
                                on:keydown=move |ev: leptos::web_sys::KeyboardEvent| match ev.key().as_str() {
                                    "Delete" | "Backspace" if g.unit.can_edit.get_untracked() => {
                                        ev.prevent_default();
                                        remove(id);
                                    }
                                    "Enter" | " " => {
                                        ev.prevent_default();
                                        picked.set(Some(id));
                                    }
                                    _ => {}
                                }>
                                <title>{tip}</title>
                            </path>
                            <path class="cross-line" d=d/>
                        </g>
                    }
                }
            </For>
            {draft_line}
        </svg>
        {move || {
            let id = picked.get()?;
            let line = drawn.with(|ls| ls.iter().find(|l| l.id == id).cloned())?;
            let (x, y) = ((line.from.0 + line.to.0) / 2.0, (line.from.1 + line.to.1) / 2.0);
            Some(view! {
                <div class="cross-line-actions" style=format!("left:{x:.0}px;top:{y:.0}px")>
                    <span>{line.label.clone()}</span>
                    <Show when=move || g.unit.can_edit.get()>
                        <button on:click=move |_| remove(id)>{t!(i18n, cascade.workshop.remove_line)}</button>
                    </Show>
                    <button class="link-button" on:click=move |_| picked.set(None)>{t!(i18n, map.page.dismiss)}</button>
                </div>
            })
        }}
    }
}

/// The parent unit's maps, when it has several: which one the left pane shows.
#[component]
fn ParentPicker(maps: Vec<(MapId, String)>, current: MapId, unit_map: MapId) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = leptos_router::hooks::use_navigate();
    view! {
        <label class="field inline">
            <span>{t!(i18n, cascade.workshop.parent_map)}</span>
            <select on:change=move |ev| {
                let chosen = event_target_value(&ev);
                navigate(&format!("/maps/{unit_map}/workshop?parent={chosen}"), Default::default());
            }>
                {maps.into_iter().map(|(id, name)| view! {
                    <option value=id.to_string() selected=id == current>{name}</option>
                }).collect_view()}
            </select>
        </label>
    }
}
