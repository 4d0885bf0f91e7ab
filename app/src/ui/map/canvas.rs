//! The editable SVG canvas of a strategy map: bands, lanes, objectives, arrows, remote cursors;
//! select, drag, link, create, rename, delete, pan and zoom. What each change is comes from
//! [`crate::domain::edits`]; every change goes through `live::edit` (optimistic, then confirmed
//! by the server).

use super::state::{MapState, Selection, View};
use crate::domain::edits;
use crate::domain::hypothesis::Verdict;
use crate::domain::layout::{
    self, Frame, Point, Rect, BAND_HEIGHT, BOX_HEIGHT, BOX_WIDTH, LABEL_WIDTH,
};
use crate::domain::ops::{self, EntityKind, Field, Op};
use crate::domain::scoring::Status;
use crate::domain::{LinkId, Objective, ObjectiveId};
use crate::i18n::*;
use crate::live;
use leptos::prelude::*;

/// What the pointer is doing.
#[derive(Clone, Debug, PartialEq)]
enum Drag {
    Move {
        ids: Vec<ObjectiveId>,
        start: Point,
        current: Point,
    },
    Link {
        from: ObjectiveId,
        current: Point,
    },
    Pan {
        start_client: (f64, f64),
        start_view: View,
    },
    Marquee {
        start: Point,
        current: Point,
    },
}

/// Runs an edit and shows why when it could not apply.
pub fn run_edit(state: MapState, ops: Vec<Op>) {
    if let Err(reason) = live::edit(state, ops) {
        state.notice.set(Some(reason));
    }
}

/// Where the canvas sits on screen (its client rectangle).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Screen {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
}

impl Screen {
    /// Reads the rectangle (this forces a layout when the DOM changed since the last one, so a
    /// drag reads it once, at its start).
    fn of(svg: &leptos::web_sys::Element) -> Screen {
        let r = svg.get_bounding_client_rect();
        Screen {
            left: r.left(),
            top: r.top(),
            width: r.width(),
            height: r.height(),
        }
    }

    /// Screen pixels per map unit for `view` (the SVG keeps its aspect ratio).
    fn scale(self, view: View) -> f64 {
        (self.width / view.w).min(self.height / view.h).max(1e-6)
    }

    /// A pointer position in map coordinates (the SVG keeps its aspect ratio, centred).
    fn to_map(self, view: View, client_x: f64, client_y: f64) -> Point {
        let scale = self.scale(view);
        let ox = (self.width - view.w * scale) / 2.0;
        let oy = (self.height - view.h * scale) / 2.0;
        Point {
            x: view.x + (client_x - self.left - ox) / scale,
            y: view.y + (client_y - self.top - oy) / scale,
        }
    }
}

/// Converts a pointer position to map coordinates.
fn to_map(state: MapState, client_x: f64, client_y: f64, svg: &leptos::web_sys::Element) -> Point {
    Screen::of(svg).to_map(state.view.get_untracked(), client_x, client_y)
}

/// The canvas an event happened on and the pointer's place on the map.
fn event_point(
    state: MapState,
    ev: &leptos::web_sys::MouseEvent,
) -> Option<(leptos::web_sys::Element, Point)> {
    let svg = svg_of(ev)?;
    let p = to_map(
        state,
        f64::from(ev.client_x()),
        f64::from(ev.client_y()),
        &svg,
    );
    Some((svg, p))
}

/// Screen pixels per map unit for `view` on `svg`.
fn pixel_scale(svg: &leptos::web_sys::Element, view: View) -> f64 {
    Screen::of(svg).scale(view)
}

fn svg_of(ev: &leptos::web_sys::Event) -> Option<leptos::web_sys::Element> {
    use leptos::wasm_bindgen::JsCast;
    let target = ev
        .current_target()?
        .dyn_into::<leptos::web_sys::Element>()
        .ok()?;
    if target.tag_name().eq_ignore_ascii_case("svg") {
        Some(target)
    } else {
        target.closest("svg").ok().flatten()
    }
}

/// Creates an objective near `p` (in the band under it, on a free spot), selects it and opens
/// its title for typing.
pub fn create_at(state: MapState, p: Point) {
    let Some((id, op)) = state.doc.with_untracked(|d| edits::create_objective(d, p)) else {
        return;
    };
    if live::edit(state, vec![op]).is_ok() {
        state.selection.set(Selection {
            objectives: vec![id],
            link: None,
            measure: None,
        });
        state.editing.set(Some(id));
    }
}

/// What the nodes and arrows of the canvas read of a drag in progress: which objectives are
/// being moved (changes when a drag starts or ends) and by how much (changes on every pointer
/// move). Only the moving objectives and their own arrows read the offset, so a pointer move
/// redraws them and nothing else.
#[derive(Clone, Copy)]
struct Moving {
    ids: Memo<Vec<ObjectiveId>>,
    offset: Memo<(f64, f64)>,
}

impl Moving {
    fn of(drag: RwSignal<Option<Drag>>) -> Moving {
        Moving {
            ids: Memo::new(move |_| {
                drag.with(|d| match d {
                    Some(Drag::Move { ids, .. }) => ids.clone(),
                    _ => Vec::new(),
                })
            }),
            offset: Memo::new(move |_| {
                drag.with(|d| match d {
                    Some(Drag::Move { start, current, .. }) => {
                        (current.x - start.x, current.y - start.y)
                    }
                    _ => (0.0, 0.0),
                })
            }),
        }
    }

    /// Whether `id` is among the moving objectives (a memo, so it changes only at drag start/end).
    fn includes(self, id: ObjectiveId) -> Memo<bool> {
        let ids = self.ids;
        Memo::new(move |_| ids.with(|ids| ids.contains(&id)))
    }
}

/// Whether a key event comes from a place where Space means something else (typing, buttons).
fn space_belongs_to_target(ev: &leptos::web_sys::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(
                el.tag_name().to_ascii_lowercase().as_str(),
                "input" | "textarea" | "select" | "button" | "a"
            ) || el.closest("[contenteditable]").ok().flatten().is_some()
        })
}

/// A link drawn from an objective's handle that leaves the canvas: where the pointer is (client
/// pixels) and whether it was let go there. The cascade workshop turns one dropped on the
/// parent map's pane into an alignment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkOut {
    pub from: ObjectiveId,
    pub client: (f64, f64),
    pub dropped: bool,
}

/// The map point under a client position on `svg` (the canvas of `state`).
pub fn client_to_map(state: MapState, svg: &leptos::web_sys::Element, x: f64, y: f64) -> Point {
    to_map(state, x, y, svg)
}

/// The client position of map point `p` on `svg` (the canvas of `state`): where to draw a line
/// that crosses from one canvas to another.
pub fn map_to_client(state: MapState, svg: &leptos::web_sys::Element, p: Point) -> (f64, f64) {
    let screen = Screen::of(svg);
    let view = state.view.get_untracked();
    let scale = screen.scale(view);
    let ox = (screen.width - view.w * scale) / 2.0;
    let oy = (screen.height - view.h * scale) / 2.0;
    (
        screen.left + ox + (p.x - view.x) * scale,
        screen.top + oy + (p.y - view.y) * scale,
    )
}

/// The canvas; `link_out` hears of links drawn off its edge (the cascade workshop).
#[component]
pub fn MapCanvas(
    state: MapState,
    #[prop(optional)] link_out: Option<Callback<LinkOut>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let drag = RwSignal::new(None::<Drag>);
    let moving = Moving::of(drag);
    // The canvas's screen rectangle while a drag is in progress.
    let drag_screen = StoredValue::new(None::<Screen>);
    // Space held: a drag pans, wherever it starts (as in drawing tools).
    let space = RwSignal::new(false);
    let keydown = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == " " && !space_belongs_to_target(&ev) {
            ev.prevent_default();
            if !ev.repeat() {
                space.set(true);
            }
        }
    });
    let keyup = window_event_listener(leptos::ev::keyup, move |ev| {
        if ev.key() == " " {
            space.set(false);
        }
    });
    let blur = window_event_listener(leptos::ev::blur, move |_| space.set(false));
    on_cleanup(move || {
        keydown.remove();
        keyup.remove();
        blur.remove();
    });
    let frame = Memo::new(move |_| state.doc.with(|d| Frame::of(&d.perspectives, &d.themes)));
    let view_box = move || {
        let v = state.view.get();
        format!("{:.1} {:.1} {:.1} {:.1}", v.x, v.y, v.w, v.h)
    };

    let share_presence = move |cursor: Option<Point>| live::presence(state, state.presence(cursor));

    let on_pointer_down = move |ev: leptos::web_sys::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let Some((svg, p)) = event_point(state, &ev) else {
            return;
        };
        drag_screen.set_value(Some(Screen::of(&svg)));
        let start_client = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        let start_pan = move || {
            state.following.set(None);
            drag.set(Some(Drag::Pan {
                start_client,
                start_view: state.view.get_untracked(),
            }));
        };
        if space.get_untracked() {
            // Space-drag pans, also over an objective; the selection stays as it is.
            start_pan();
            let _ = svg.set_pointer_capture(ev.pointer_id());
            return;
        }
        let hit = state.doc.with_untracked(|d| edits::objective_at(d, p));
        let editable = state.can_edit.get_untracked();
        match hit {
            Some(id) => {
                state.selection.update(|s| {
                    s.link = None;
                    if ev.shift_key() {
                        if let Some(i) = s.objectives.iter().position(|x| *x == id) {
                            s.objectives.remove(i);
                        } else {
                            s.objectives.push(id);
                        }
                    } else if !s.objectives.contains(&id) {
                        s.objectives = vec![id];
                    }
                });
                if editable && state.editing.get_untracked().is_none() {
                    let ids = state.selection.get_untracked().objectives;
                    drag.set(Some(Drag::Move {
                        ids,
                        start: p,
                        current: p,
                    }));
                }
            }
            None if ev.shift_key() => drag.set(Some(Drag::Marquee {
                start: p,
                current: p,
            })),
            None => {
                state.selection.set(Selection::default());
                start_pan();
            }
        }
        let _ = svg.set_pointer_capture(ev.pointer_id());
        share_presence(Some(p));
    };

    let on_pointer_move = move |ev: leptos::web_sys::PointerEvent| {
        // During a drag the canvas does not move on screen: use the rectangle read when it
        // started, so a move never forces a layout of the whole map.
        let dragging = drag.with_untracked(Option::is_some);
        let screen = match drag_screen.get_value() {
            Some(s) if dragging => s,
            _ => {
                let Some(svg) = svg_of(&ev) else { return };
                let s = Screen::of(&svg);
                if dragging {
                    drag_screen.set_value(Some(s));
                }
                s
            }
        };
        let (cx, cy) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        let p = screen.to_map(state.view.get_untracked(), cx, cy);
        match drag.get_untracked() {
            Some(Drag::Move { ids, start, .. }) => drag.set(Some(Drag::Move {
                ids,
                start,
                current: p,
            })),
            Some(Drag::Link { from, .. }) => {
                drag.set(Some(Drag::Link { from, current: p }));
                if let Some(out) = link_out {
                    out.run(LinkOut {
                        from,
                        client: (cx, cy),
                        dropped: false,
                    });
                }
            }
            Some(Drag::Marquee { start, .. }) => {
                drag.set(Some(Drag::Marquee { start, current: p }))
            }
            Some(Drag::Pan {
                start_client,
                start_view,
            }) => {
                let scale = screen.scale(start_view);
                let dx = (cx - start_client.0) / scale;
                let dy = (cy - start_client.1) / scale;
                state.view.set(View {
                    x: start_view.x - dx,
                    y: start_view.y - dy,
                    ..start_view
                });
            }
            None => {}
        }
        share_presence(Some(p));
    };

    let on_pointer_up = move |ev: leptos::web_sys::PointerEvent| {
        let Some((svg, p)) = event_point(state, &ev) else {
            return;
        };
        let _ = svg.release_pointer_capture(ev.pointer_id());
        drag_screen.set_value(None);
        match drag.get_untracked() {
            Some(Drag::Move { ids, start, .. }) => {
                let (dx, dy) = (p.x - start.x, p.y - start.y);
                if dx.abs() + dy.abs() > 3.0 {
                    let ops = state
                        .doc
                        .with_untracked(|d| edits::move_objectives(d, &ids, dx, dy));
                    run_edit(state, ops);
                }
            }
            Some(Drag::Link { from, .. }) => {
                let target = state.doc.with_untracked(|d| edits::objective_at(d, p));
                if let (None, Some(out)) = (target, link_out) {
                    out.run(LinkOut {
                        from,
                        client: (f64::from(ev.client_x()), f64::from(ev.client_y())),
                        dropped: true,
                    });
                }
                let link =
                    target.and_then(|to| state.doc.with_untracked(|d| edits::link(d, from, to)));
                if let Some((id, op)) = link {
                    run_edit(state, vec![op]);
                    state.selection.set(Selection {
                        objectives: vec![],
                        link: Some(id),
                        measure: None,
                    });
                }
            }
            Some(Drag::Marquee { start, current }) => {
                let inside = state
                    .doc
                    .with_untracked(|d| edits::objectives_within(d, start, current));
                state.selection.set(Selection {
                    objectives: inside,
                    link: None,
                    measure: None,
                });
            }
            _ => {}
        }
        drag.set(None);
        share_presence(Some(p));
    };

    let on_dblclick = move |ev: leptos::web_sys::MouseEvent| {
        if !state.can_edit.get_untracked() {
            return;
        }
        let Some((_, p)) = event_point(state, &ev) else {
            return;
        };
        if let Some(id) = state.doc.with_untracked(|d| edits::objective_at(d, p)) {
            state.editing.set(Some(id));
            return;
        }
        create_at(state, p);
    };

    let on_wheel = move |ev: leptos::web_sys::WheelEvent| {
        ev.prevent_default();
        state.following.set(None);
        let Some(svg) = svg_of(&ev) else { return };
        let v = state.view.get_untracked();
        if ev.ctrl_key() || ev.meta_key() {
            let p = to_map(
                state,
                f64::from(ev.client_x()),
                f64::from(ev.client_y()),
                &svg,
            );
            let factor = if ev.delta_y() > 0.0 { 1.1 } else { 1.0 / 1.1 };
            state.view.set(zoom_about(v, p, factor));
        } else {
            let scale = pixel_scale(&svg, v);
            state.view.set(View {
                x: v.x + ev.delta_x() / scale,
                y: v.y + ev.delta_y() / scale,
                ..v
            });
        }
    };

    let link_ids = Memo::new(move |_| {
        state
            .doc
            .with(|d| d.links.iter().map(|l| l.id).collect::<Vec<_>>())
    });
    let objective_ids = Memo::new(move |_| {
        state
            .doc
            .with(|d| d.objectives.iter().map(|o| o.id).collect::<Vec<_>>())
    });

    view! {
        <svg class="strategy-map editable" viewBox=view_box role="group"
            aria-label=move || state.doc.with(|d| t_string!(i18n, map.canvas.label, name = d.map.name.clone()).to_string())
            preserveAspectRatio="xMidYMid meet"
            class:panning=move || drag.with(|d| matches!(d, Some(Drag::Pan { .. })))
            class:space-pan=move || space.get()
            on:pointerdown=on_pointer_down on:pointermove=on_pointer_move on:pointerup=on_pointer_up
            on:dblclick=on_dblclick on:wheel=on_wheel
            on:pointerleave=move |_| share_presence(None)>
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"/>
                </marker>
            </defs>
            <rect x=0 y=0 width=move || frame.get().width() height=move || frame.get().height() class="canvas-bg"/>
            <rect x=0 y=0 width=LABEL_WIDTH height=move || frame.get().height() class="label-gutter"/>
            <Bands state=state frame=frame/>
            <Lanes state=state frame=frame/>
            <g class="links">
                <For each=move || link_ids.get() key=|id| *id let:id>
                    <LinkPath state=state id=id moving=moving space=space/>
                </For>
            </g>
            <g class="objectives">
                <For each=move || objective_ids.get() key=|id| *id let:id>
                    <ObjectiveNode state=state id=id drag=drag moving=moving space=space/>
                </For>
            </g>
            <super::proposals::DiffLayer state=state/>
            <DragFeedback state=state drag=drag/>
            <RemoteCursors state=state/>
        </svg>
    }
    .into_any()
}

/// Zooms `v` by `factor` keeping point `p` fixed.
pub fn zoom_about(v: View, p: Point, factor: f64) -> View {
    let w = (v.w * factor).clamp(200.0, 8000.0);
    let f = w / v.w;
    View {
        x: p.x - (p.x - v.x) * f,
        y: p.y - (p.y - v.y) * f,
        w,
        h: v.h * f,
    }
}

#[component]
fn Bands(state: MapState, frame: Memo<Frame>) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let value = move |v: Option<f64>| {
        v.map_or_else(
            || td_string!(locale, map.canvas.no_data).to_string(),
            |v| format_number(locale, v, 2),
        )
    };
    move || {
        let f = frame.get();
        state.doc.with(|d| {
            d.perspectives
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let r = f.band(i);
                    let lines = layout::wrap_text(&p.name, layout::LABEL_CHARS_PER_LINE, 3);
                    let label_y = r.y + BAND_HEIGHT / 2.0 - 8.0 * (lines.len() as f64 - 1.0);
                    let pid = p.id;
                    let score_y = label_y + 17.0 * lines.len() as f64 + 6.0;
                    let score = state.show_status.get().then(|| state.scores.with(|s| s.as_ref().map(|s| s.perspective(pid)))).flatten();
                    // As wide as its words ("keine Daten" is longer than a number).
                    let shown = score.map(|sc| value(sc.value)).unwrap_or_default();
                    let pill = (shown.chars().count() as f64 * 7.2 + 16.0).max(58.0);
                    view! {
                        <g class="band" role="group" aria-label=td_string!(locale, map.canvas.perspective, name = p.name.clone()).to_string()>
                            <rect x=r.x y=r.y width=r.w height=r.h class=if i % 2 == 0 { "band-bg even" } else { "band-bg odd" }/>
                            <text class="band-label" x=16 y=label_y>
                                {lines.into_iter().enumerate().map(|(j, l)| view! { <tspan x=16 dy=if j == 0 { 0.0 } else { 17.0 }>{l}</tspan> }).collect_view()}
                            </text>
                            {score.map(|sc| view! {
                                <g class="band-score" role="button" tabindex="0" data-status=sc.status.as_str()
                                    aria-label=td_string!(locale, map.canvas.perspective_score, name = p.name.clone(), status = sc.status.text(locale), value = value(sc.value)).to_string()
                                    on:pointerdown=|ev| ev.stop_propagation()
                                    on:click=move |_| state.why.set(Some(crate::domain::scores::Subject::Perspective(pid)))>
                                    <rect x=16 y=score_y - 14.0 width=pill height=22 rx=11 fill=sc.status.colour()/>
                                    <text x=16.0 + pill / 2.0 y=score_y + 1.5 text-anchor="middle">{shown}</text>
                                </g>
                            })}
                        </g>
                    }
                })
                .collect_view()
        })
    }
}

#[component]
fn Lanes(state: MapState, frame: Memo<Frame>) -> impl IntoView {
    move || {
        let f = frame.get();
        state
            .doc
            .with(|d| crate::ui::widgets::statusmap::lanes(d, f))
    }
}

#[component]
fn LinkPath(state: MapState, id: LinkId, moving: Moving, space: RwSignal<bool>) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let ends = Memo::new(move |_| {
        state.doc.with(|d| {
            d.links
                .iter()
                .find(|l| l.id == id)
                .map(|l| (l.from_id, l.to_id))
        })
    });
    // Whether an end of this arrow is being dragged (changes only when a drag starts or ends):
    // only then does the route follow the pointer.
    let follows = Memo::new(move |_| {
        ends.get()
            .is_some_and(|(f, t)| moving.ids.with(|ids| ids.contains(&f) || ids.contains(&t)))
    });
    // Recomputed when the document changes (or, for a dragged end, the pointer moves), but the
    // DOM is touched only when this route changes.
    let path = Memo::new(move |_| {
        let offset = if follows.get() {
            Some(moving.offset.get())
        } else {
            None
        };
        let dragged = moving.ids.get_untracked();
        state.doc.with(|d| {
            let l = d.links.iter().find(|l| l.id == id)?;
            let shift = |o: &Objective| match offset {
                Some(delta) if dragged.contains(&o.id) => delta,
                _ => (0.0, 0.0),
            };
            let placed = |o: &Objective| {
                let (dx, dy) = shift(o);
                Objective {
                    x: o.x + dx,
                    y: o.y + dy,
                    ..o.clone()
                }
            };
            let from = placed(d.objectives.iter().find(|o| o.id == l.from_id)?);
            let to = placed(d.objectives.iter().find(|o| o.id == l.to_id)?);
            let obstacles: Vec<Rect> = d
                .objectives
                .iter()
                .filter(|o| o.id != from.id && o.id != to.id)
                .map(|o| {
                    let (dx, dy) = shift(o);
                    let r = layout::objective_box(o);
                    Rect {
                        x: r.x + dx,
                        y: r.y + dy,
                        ..r
                    }
                })
                .collect();
            let route = layout::route_arrow(&from, &to, &obstacles);
            Some((route.svg_path(), route.middle()))
        })
    });
    // What the data says of this arrow, shown as a mark halfway along it once it is tested.
    let verdict = Memo::new(move |_| {
        state.hypotheses.with(|h| {
            h.as_ref()
                .and_then(|h| h.verdict_of(id))
                .filter(|v| *v != Verdict::NotEnoughData)
        })
    });
    let meta = Memo::new(move |_| {
        state.doc.with(|d| {
            let l = d.links.iter().find(|l| l.id == id)?;
            let (from, to) = (d.objective_title(l.from_id)?, d.objective_title(l.to_id)?);
            let title = td_string!(locale, map.canvas.drives, from, to).to_string();
            Some((title, l.hypothesis.clone(), l.from_id, l.to_id))
        })
    });
    let selected = move || state.selection.with(|s| s.link == Some(id));
    let touches_selection = move || {
        ends.get().is_some_and(|(f, t)| {
            state
                .selection
                .with(|s| s.objectives.contains(&f) || s.objectives.contains(&t))
        })
    };
    let d = move || path.with(|p| p.as_ref().map(|(d, _)| d.clone()).unwrap_or_default());
    let mark = move || {
        let verdict = verdict.get()?;
        let middle = path.with(|p| p.as_ref().and_then(|(_, m)| *m))?;
        let words = td_string!(locale, hypotheses.mark, verdict = verdict.text(locale)).to_string();
        Some(view! {
            <g class=format!("verdict-mark {}", verdict.class()) transform=format!("translate({:.1} {:.1})", middle.x, middle.y)
                data-verdict=format!("{verdict:?}")>
                <title>{words}</title>
                <circle r="8"/>
                <text text-anchor="middle" dy="3.5" aria-hidden="true">{verdict.mark()}</text>
            </g>
        })
    };
    move || {
        meta.get().map(|(title, hypothesis, from, to)| {
            view! {
                // The wide transparent stroke under the arrow takes every click on or near the
                // line (the drawn line itself lets the pointer through to it).
                <g class="link-group">
                    <path d=d class="link-hit" on:pointerdown=move |ev| {
                        // Space-drag pans from here too (the canvas handles it).
                        if space.get_untracked() {
                            return;
                        }
                        ev.stop_propagation();
                        state.selection.set(Selection { objectives: vec![], link: Some(id), measure: None });
                    }>
                        <title>{title}{(!hypothesis.is_empty()).then(|| format!(": {hypothesis}"))}</title>
                    </path>
                    <path d=d class="link" class:active=touches_selection class:selected=selected marker-end="url(#arrow)"
                        data-from=from.to_string() data-to=to.to_string()/>
                    {mark}
                </g>
            }
        })
    }
}

#[component]
fn ObjectiveNode(
    state: MapState,
    id: ObjectiveId,
    drag: RwSignal<Option<Drag>>,
    moving: Moving,
    space: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let objective = Memo::new(move |_| {
        state
            .doc
            .with(|d| d.objectives.iter().find(|o| o.id == id).cloned())
    });
    let colour = Memo::new(move |_| {
        let theme = objective.with(|o| o.as_ref().and_then(|o| o.theme_id));
        state
            .doc
            .with(|d| {
                theme
                    .and_then(|t| d.themes.iter().find(|x| x.id == t))
                    .map(|t| t.colour.clone())
            })
            .unwrap_or_else(|| "#64748b".into())
    });
    // Only a moving objective reads the pointer's offset.
    let is_moving = moving.includes(id);
    let offset = Memo::new(move |_| {
        if is_moving.get() {
            moving.offset.get()
        } else {
            (0.0, 0.0)
        }
    });
    let is_selected = move || state.selection.with(|s| s.objectives.contains(&id));
    let remote = Memo::new(move |_| {
        state.peers.with(|peers| {
            peers
                .iter()
                .find(|p| p.state.selection.contains(&id) || p.state.editing == Some(id))
                .map(|p| {
                    (
                        p.colour.clone(),
                        p.name.clone(),
                        p.state.editing == Some(id),
                    )
                })
        })
    });
    let editing = move || state.editing.get() == Some(id);
    let marks = cascade_marks(state, id);
    let status = Memo::new(move |_| {
        if !state.show_status.get() {
            return None;
        }
        state.scores.with(|s| s.as_ref().map(|s| s.objective(id)))
    });
    // The node redraws only when its objective changes; its position is a transform, so moves
    // (remote ones, auto-layout) animate by CSS.
    let origin = Memo::new(move |_| {
        objective.with(|o| {
            o.as_ref()
                .map(|o| (o.x - BOX_WIDTH / 2.0, o.y - BOX_HEIGHT / 2.0))
        })
    });
    let transform = move || {
        let (x, y) = origin.get().unwrap_or_default();
        let (dx, dy) = offset.get();
        format!("translate({:.1} {:.1})", x + dx, y + dy)
    };
    let content = Memo::new(move |_| objective.with(|o| o.as_ref().map(|o| o.title.clone())));
    move || {
        let title = content.get()?;
        let lines = layout::wrap_title(&title);
        let first_y = BOX_HEIGHT / 2.0 - 9.0 * (lines.len() as f64 - 1.0) + 5.0;
        let local = Rect {
            x: 0.0,
            y: 0.0,
            w: BOX_WIDTH,
            h: BOX_HEIGHT,
        };
        let named = title.clone();
        let label = move || match marks.unaligned.get() {
            true => format!("{named} ({})", td_string!(locale, cascade.unaligned_mark)),
            false => named.clone(),
        };
        // The box and its title are the objective's button (its name is its title, all it
        // shows); the score badge, someone else's selection and the link handle are drawn in a
        // second group on the same spot, so the button holds no other text and no nested control.
        Some(view! {
            <g class="objective" class:selected=is_selected class:partner=move || state.partners.with(|p| p.contains(&id)) class:dragging=move || offset.get() != (0.0, 0.0)
                transform=transform
                role="button" tabindex="-1" aria-label=label aria-pressed=move || is_selected().to_string()
                data-id=id.to_string() data-status=move || status.get().map(|s| s.status.as_str())>
                <rect x=0 y=0 width=BOX_WIDTH height=BOX_HEIGHT rx=10 class="objective-box"/>
                <rect x=0 y=0 width=6 height=BOX_HEIGHT rx=3 fill=move || colour.get() class="objective-accent"/>
                {move || if editing() {
                    view! { <TitleEditor state=state id=id rect=local initial=title.clone()/> }.into_any()
                } else {
                    view! {
                        <text class="objective-title" text-anchor="middle">
                            // Each line but the last keeps the space it was broken at, so the
                            // text reads as the title it is (its accessible name).
                            {lines.iter().enumerate().map(|(j, l)| {
                                let line = if j + 1 < lines.len() { format!("{l} ") } else { l.clone() };
                                view! { <tspan x=BOX_WIDTH / 2.0 + 3.0 y=first_y + 18.0 * j as f64>{line}</tspan> }
                            }).collect_view()}
                        </text>
                    }.into_any()
                }}
            </g>
            <g class="objective-extras" class:dragging=move || offset.get() != (0.0, 0.0) transform=transform
                data-id=id.to_string()>
                {move || remote.get().map(|(c, name, is_editing)| view! {
                    <g class="remote-mark" aria-hidden="true">
                        <rect x=-5 y=-5 width=BOX_WIDTH + 10.0 height=BOX_HEIGHT + 10.0 rx=13 fill="none" stroke=c.clone()
                            stroke-width=3 stroke-dasharray=if is_editing { "6 4" } else { "none" } class="remote-selection"/>
                        <text x=0 y=-9 class="remote-label" fill=c>{if is_editing { td_string!(locale, map.canvas.editing, name).to_string() } else { name }}</text>
                    </g>
                })}
                {move || status.get().map(|s| {
                    let text = s.value.map_or_else(|| "–".to_string(), |v| format_number(locale, v, 1));
                    view! {
                        <g class="score-badge" transform=format!("translate({} 0)", BOX_WIDTH - 2.0) aria-hidden="true">
                            <StatusShape status=s.status/>
                            <text x=0 y=4.5 text-anchor="middle">{text}</text>
                        </g>
                    }
                })}
                <CascadeMarks marks=marks/>
                <Show when=move || is_selected() && state.can_edit.get() && state.selection.with(|s| s.objectives.len() == 1)>
                    <circle cx=BOX_WIDTH / 2.0 cy=-2 r=9 class="link-handle" role="button" aria-label=t_string!(i18n, map.canvas.link_handle)
                        on:pointerdown=move |ev: leptos::web_sys::PointerEvent| {
                            if space.get_untracked() {
                                return;
                            }
                            ev.stop_propagation();
                            if let Some((svg, p)) = event_point(state, &ev) {
                                let _ = svg.set_pointer_capture(ev.pointer_id());
                                drag.set(Some(Drag::Link { from: id, current: p }));
                            }
                        }/>
                </Show>
            </g>
        })
    }
}

/// What an objective's box shows of the cascade: on a unit map, whether it supports nothing
/// yet; on any map, which units support it (as "unit: objective, …" lines).
#[derive(Clone, Copy)]
struct CascadeMarkState {
    unaligned: Memo<bool>,
    supporters: Memo<Vec<(String, Vec<String>)>>,
}

fn cascade_marks(state: MapState, id: ObjectiveId) -> CascadeMarkState {
    CascadeMarkState {
        unaligned: Memo::new(move |_| {
            state
                .doc
                .with(|d| crate::domain::cascade::is_unaligned(d, id))
        }),
        supporters: Memo::new(move |_| {
            state.doc.with(|d| {
                crate::domain::cascade::supported_by(d, id)
                    .into_iter()
                    .map(|u| (u.unit_name, u.objectives.into_iter().map(|o| o.2).collect()))
                    .collect()
            })
        }),
    }
}

/// The cascade marks on an objective's box: a "not aligned" tag at its lower left, and a
/// "supported by N units" badge at its lower right that lists the units and their objectives
/// while hovered or focused (and to screen readers, as its name).
#[component]
fn CascadeMarks(marks: CascadeMarkState) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let badge = move || {
        let units = marks.supporters.get();
        if units.is_empty() {
            return None;
        }
        let lines: Vec<String> = units
            .iter()
            .map(|(unit, objectives)| format!("{unit}: {}", objectives.join(", ")))
            .collect();
        let count = units.len() as u64;
        let list = lines.join("; ");
        let name = td_string!(locale, cascade.badge, count = count, list = list).to_string();
        let height = 16.0 * lines.len() as f64 + 10.0;
        // Wide enough for the longest line (11.5px text is about 6.6px a character).
        let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let width = (longest as f64 * 6.6 + 16.0).clamp(160.0, 640.0);
        Some(view! {
            <g class="cascade-mark supported" transform=format!("translate({} {})", BOX_WIDTH - 44.0, BOX_HEIGHT - 9.0)
                tabindex="0" role="img" aria-label=name.clone()>
                <title>{name.clone()}</title>
                <rect x=0 y=0 width=40 height=18 rx=9/>
                <text x=20 y=13 text-anchor="middle">{format!("⇣{count}")}</text>
            </g>
            <g class="cascade-pop" transform=format!("translate({} {})", BOX_WIDTH - 44.0, BOX_HEIGHT + 12.0) aria-hidden="true">
                <rect x=0 y=0 width=width height=height rx=6/>
                {lines.into_iter().enumerate().map(|(i, line)| view! {
                    <text x=8 y=17.0 + 16.0 * i as f64>{line}</text>
                }).collect_view()}
            </g>
        })
    };
    // As wide as its words in the reader's language (10.5px bold is about 6.4px a character).
    let tag = format!("⚠ {}", td_string!(locale, cascade.unaligned_mark));
    let tag_width = (tag.chars().count() as f64 * 6.4 + 16.0).max(90.0);
    view! {
        <Show when=move || marks.unaligned.get()>
            <g class="cascade-mark unaligned" transform=format!("translate(10 {})", BOX_HEIGHT - 9.0) aria-hidden="true">
                <rect x=0 y=0 width=tag_width height=18 rx=9/>
                <text x=tag_width / 2.0 y=13 text-anchor="middle">{tag.clone()}</text>
            </g>
        </Show>
        {badge}
    }
}

/// The inline title editor: Enter saves, Esc cancels, leaving the field saves.
#[component]
fn TitleEditor(state: MapState, id: ObjectiveId, rect: Rect, initial: String) -> impl IntoView {
    let i18n = use_i18n();
    let input = NodeRef::<leptos::html::Input>::new();
    // Plain shared flag: the blur that follows Enter/Escape fires after this view is disposed.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done_on_escape = done.clone();
    let save = move |value: String| {
        if done.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        state.editing.set(None);
        let unchanged = state
            .doc
            .with_untracked(|d| d.objectives.iter().any(|o| o.id == id && o.title == value));
        if !unchanged {
            run_edit(
                state,
                vec![ops::set(EntityKind::Objective, id.0, Field::Title, value)],
            );
        }
    };
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
            el.select();
        }
    });
    view! {
        <foreignObject x=rect.x + 8.0 y=rect.y + 8.0 width=rect.w - 14.0 height=rect.h - 16.0>
            <input node_ref=input class="title-input" aria-label=t_string!(i18n, map.canvas.title_input) value=initial maxlength="120"
                on:pointerdown=|ev| ev.stop_propagation()
                on:dblclick=|ev| ev.stop_propagation()
                on:keydown={
                    let save = save.clone();
                    move |ev| {
                    ev.stop_propagation();
                    match ev.key().as_str() {
                        "Enter" => {
                            let wrap = canvas_of(&ev);
                            save(event_target_value(&ev));
                            focus(wrap);
                        }
                        "Escape" => {
                            let wrap = canvas_of(&ev);
                            done_on_escape.store(true, std::sync::atomic::Ordering::SeqCst);
                            state.editing.set(None);
                            focus(wrap);
                        }
                        _ => {}
                    }
                }}
                on:blur=move |ev| save(event_target_value(&ev))/>
        </foreignObject>
    }
}

#[component]
fn DragFeedback(state: MapState, drag: RwSignal<Option<Drag>>) -> impl IntoView {
    move || {
        match drag.get() {
        Some(Drag::Link { from, current }) => state.doc.with(|d| {
            d.objectives.iter().find(|o| o.id == from).map(|o| {
                let (x, y) = (o.x, o.y - BOX_HEIGHT / 2.0);
                view! { <path d=format!("M{x:.1} {y:.1} L{:.1} {:.1}", current.x, current.y) class="link draft" marker-end="url(#arrow)"/> }.into_any()
            })
        }),
        Some(Drag::Marquee { start, current }) => Some(
            view! {
                <rect x=start.x.min(current.x) y=start.y.min(current.y) width=(start.x - current.x).abs()
                    height=(start.y - current.y).abs() class="marquee"/>
            }
            .into_any(),
        ),
        _ => None,
    }
    }
}

#[component]
fn RemoteCursors(state: MapState) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    move || {
        state.peers.with(|peers| {
            peers
                .iter()
                .filter_map(|p| {
                    let c = p.state.cursor?;
                    Some(view! {
                        <g class="remote-cursor" transform=format!("translate({:.1} {:.1})", c.x, c.y) aria-label=td_string!(locale, map.canvas.cursor, name = p.name.clone()).to_string()>
                            <path d="M0 0 L0 18 L5 13 L9 21 L12 19 L8 12 L14 12 Z" fill=p.colour.clone() stroke="#fff" stroke-width="1.2"/>
                            <rect x=14 y=16 rx=4 width=8.0 * p.name.chars().count() as f64 + 12.0 height=20 fill=p.colour.clone()/>
                            <text x=20 y=30 class="remote-cursor-name">{p.name.clone()}</text>
                        </g>
                    })
                })
                .collect_view()
        })
    }
}

/// The score badge's outline: a shape per status as well as a colour, so a colour-blind reader
/// tells them apart — circle on track, square slipping, diamond off track, dashed circle for no
/// data.
#[component]
fn StatusShape(status: Status) -> impl IntoView {
    let fill = status.colour();
    match status {
        Status::Green => view! { <circle cx=0 cy=0 r=14 fill=fill/> }.into_any(),
        Status::Amber => view! { <rect x=-13 y=-13 width=26 height=26 rx=3 fill=fill/> }.into_any(),
        Status::Red => view! { <path d="M0 -17 L17 0 L0 17 L-17 0 Z" fill=fill/> }.into_any(),
        Status::NoData => {
            view! { <circle cx=0 cy=0 r=14 fill=fill stroke-dasharray="4 3"/> }.into_any()
        }
    }
}

/// The canvas (its focusable wrapper) the event happened in: where the keyboard goes back to
/// when the title editor closes (its input is gone, and focus would otherwise fall back to the
/// page; a page may show two canvases).
fn canvas_of(ev: &leptos::web_sys::Event) -> Option<leptos::web_sys::HtmlElement> {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .and_then(|el| el.closest(".canvas-wrap").ok().flatten())
        .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlElement>().ok())
}

fn focus(wrap: Option<leptos::web_sys::HtmlElement>) {
    if let Some(wrap) = wrap {
        let _ = wrap.focus();
    }
}
