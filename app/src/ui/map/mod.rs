//! The strategy map page: the map drawn as SVG (bands, lanes, boxes, arrows) and a side panel
//! for the selected objective.

use super::widgets::{ErrorPanel, TopBar};
use crate::api::{get_map, ApiError};
use crate::domain::layout::{
    self, Frame, BAND_HEIGHT, BOX_HEIGHT, BOX_WIDTH, HEADER_HEIGHT, LABEL_WIDTH,
};
use crate::domain::{MapDocument, MapId, ObjectiveId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

/// The map id in the URL, or a not-found error.
pub fn map_id_param() -> impl Fn() -> Result<MapId, ApiError> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<MapId>().ok())
            .ok_or_else(|| ApiError::NotFound("map".into()))
    }
}

/// `/maps/:id`.
#[component]
pub fn MapPage() -> impl IntoView {
    let id = map_id_param();
    let doc = Resource::new(id, |id| async move {
        match id {
            Ok(id) => get_map(id).await,
            Err(e) => Err(e),
        }
    });
    view! {
        <Suspense fallback=|| view! { <TopBar/><p class="loading">"Loading the map…"</p> }>
            {move || Suspend::new(async move {
                match doc.await {
                    Ok(d) => view! { <MapView doc=d/> }.into_any(),
                    Err(e) => view! { <TopBar/><main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Header, canvas and side panel of one map.
#[component]
fn MapView(doc: MapDocument) -> impl IntoView {
    let selected = RwSignal::new(None::<ObjectiveId>);
    let doc = StoredValue::new(doc);
    let (map, unit) = doc.with_value(|d| (d.map.clone(), d.org_unit.clone()));
    let crumbs = vec![
        (unit.name.clone(), "/".to_string()),
        (map.name.clone(), format!("/maps/{}", map.id)),
    ];
    view! {
        <Title text=format!("{} · Cairn", map.name)/>
        <TopBar crumbs=crumbs/>
        <main class="map-page">
            <div class="map-head">
                <div>
                    <h1>{map.name.clone()}</h1>
                    <p class="meta">
                        {format!("{} · {} – {} · ", unit.name, map.period_start.label(), map.period_end.label())}
                        <span class=format!("status status-{}", map.status.as_str())>{map.status.as_str()}</span>
                    </p>
                    {(!map.vision.is_empty()).then(|| view! { <p class="vision"><strong>"Vision: "</strong>{map.vision.clone()}</p> })}
                </div>
                <A href=format!("/maps/{}/scorecard", map.id) attr:class="button">"Scorecard"</A>
            </div>
            <div class="map-body">
                <MapCanvas doc=doc selected=selected/>
                <ObjectivePanel doc=doc selected=selected/>
            </div>
        </main>
    }
    .into_any()
}

/// The SVG drawing. Each objective is a focusable button; clicking selects it.
#[component]
fn MapCanvas(
    doc: StoredValue<MapDocument>,
    selected: RwSignal<Option<ObjectiveId>>,
) -> impl IntoView {
    let d = doc.get_value();
    let frame = Frame::of(&d.perspectives, &d.themes);
    let (w, h) = (frame.width(), frame.height());
    let boxes: Vec<_> = d
        .objectives
        .iter()
        .map(|o| (o.id, layout::objective_box(o)))
        .collect();

    let bands = d.perspectives.iter().enumerate().map(|(i, p)| {
        let r = frame.band(i);
        let label_lines = layout::wrap_text(&p.name, layout::LABEL_CHARS_PER_LINE, 3);
        let label_y = r.y + BAND_HEIGHT / 2.0 - 8.0 * (label_lines.len() as f64 - 1.0);
        view! {
            <g class="band" role="group" aria-label=format!("Perspective {}", p.name)>
                <rect x=r.x y=r.y width=r.w height=r.h class=if i % 2 == 0 { "band-bg even" } else { "band-bg odd" }/>
                <text class="band-label" x=16 y=label_y>
                    {label_lines.into_iter().enumerate().map(|(j, l)| view! { <tspan x=16 dy=if j == 0 { 0.0 } else { 17.0 }>{l}</tspan> }).collect_view()}
                </text>
            </g>
        }
    }).collect_view();

    let lanes = d.themes.iter().enumerate().map(|(i, t)| {
        let r = frame.lane(i);
        view! {
            <g class="lane" aria-label=format!("Theme {}", t.name)>
                <rect x=r.x + 4.0 y=r.y width=r.w - 8.0 height=r.h fill=t.colour.clone() class="lane-bg"/>
                <rect x=r.x + 4.0 y=8 width=r.w - 8.0 height=HEADER_HEIGHT - 14.0 rx=6 fill=t.colour.clone() class="lane-head"/>
                <text class="lane-label" x=r.x + r.w / 2.0 y=HEADER_HEIGHT / 2.0 + 6.0 text-anchor="middle">{t.name.clone()}</text>
            </g>
        }
    }).collect_view();

    let links = d.links.iter().filter_map(|l| {
        let from = d.objectives.iter().find(|o| o.id == l.from_id)?;
        let to = d.objectives.iter().find(|o| o.id == l.to_id)?;
        let obstacles: Vec<_> = boxes.iter().filter(|(id, _)| *id != from.id && *id != to.id).map(|(_, r)| *r).collect();
        let route = layout::route_arrow(from, to, &obstacles);
        let label = format!("{} drives {}", from.title, to.title);
        let (fid, tid) = (from.id, to.id);
        let active = move || selected.get().is_some_and(|s| s == fid || s == tid);
        Some(view! {
            <path d=route.svg_path() class="link" class:active=active marker-end="url(#arrow)" data-from=from.id.to_string() data-to=to.id.to_string()>
                <title>{label}{(!l.hypothesis.is_empty()).then(|| format!(": {}", l.hypothesis))}</title>
            </path>
        })
    }).collect_view();

    let colour_of = |theme: Option<crate::domain::ThemeId>| {
        theme
            .and_then(|t| d.themes.iter().find(|x| x.id == t))
            .map(|t| t.colour.clone())
            .unwrap_or_else(|| "#64748b".into())
    };
    let objectives = d.objectives.iter().map(|o| {
        let r = layout::objective_box(o);
        let lines = layout::wrap_title(&o.title);
        let first_y = r.y + BOX_HEIGHT / 2.0 - 9.0 * (lines.len() as f64 - 1.0) + 5.0;
        let id = o.id;
        let is_selected = move || selected.get() == Some(id);
        view! {
            <g class="objective" class:selected=is_selected role="button" tabindex="0" aria-label=o.title.clone()
                aria-pressed=move || is_selected().to_string() data-id=o.id.to_string()
                on:click=move |_| selected.set(Some(id))
                on:keydown=move |ev| if ev.key() == "Enter" || ev.key() == " " { ev.prevent_default(); selected.set(Some(id)); }>
                <rect x=r.x y=r.y width=BOX_WIDTH height=BOX_HEIGHT rx=10 class="objective-box"/>
                <rect x=r.x y=r.y width=6 height=BOX_HEIGHT rx=3 fill=colour_of(o.theme_id) class="objective-accent"/>
                <text class="objective-title" text-anchor="middle">
                    {lines.into_iter().enumerate().map(|(j, l)| view! {
                        <tspan x=r.x + BOX_WIDTH / 2.0 + 3.0 y=first_y + 18.0 * j as f64>{l}</tspan>
                    }).collect_view()}
                </text>
            </g>
        }
    }).collect_view();

    view! {
        <div class="canvas-wrap">
            <svg class="strategy-map" viewBox=format!("0 0 {w} {h}") role="img" aria-label=format!("Strategy map {}", d.map.name)
                preserveAspectRatio="xMidYMin meet">
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"/>
                    </marker>
                </defs>
                <rect x=0 y=0 width=w height=h class="canvas-bg"/>
                <rect x=0 y=0 width=LABEL_WIDTH height=h class="label-gutter"/>
                {bands}
                {lanes}
                <g class="links">{links}</g>
                <g class="objectives">{objectives}</g>
            </svg>
        </div>
    }
    .into_any()
}

/// Details of the selected objective: description, owner, what it drives and what drives it,
/// and the parent objectives it supports.
#[component]
fn ObjectivePanel(
    doc: StoredValue<MapDocument>,
    selected: RwSignal<Option<ObjectiveId>>,
) -> impl IntoView {
    move || {
        let Some(id) = selected.get() else {
            return view! {
                <aside class="side-panel" aria-label="Objective details">
                    <p class="hint">"Select an objective to see its owner, links and alignment."</p>
                    <Legend doc=doc/>
                </aside>
            }
            .into_any();
        };
        doc.with_value(|d| {
            let Some(o) = d.objectives.iter().find(|o| o.id == id) else {
                return view! { <aside class="side-panel"></aside> }.into_any();
            };
            let title_of = |oid: ObjectiveId| d.objectives.iter().find(|x| x.id == oid).map(|x| x.title.clone()).unwrap_or_default();
            let owner = o.owner_id.and_then(|u| d.people.iter().find(|p| p.id == u)).map(|p| p.name.clone()).unwrap_or_else(|| "No owner".into());
            let perspective = d.perspectives.iter().find(|p| p.id == o.perspective_id).map(|p| p.name.clone()).unwrap_or_default();
            let theme = o.theme_id.and_then(|t| d.themes.iter().find(|x| x.id == t)).map(|t| t.name.clone()).unwrap_or_else(|| "No theme".into());
            let drives: Vec<String> = d.links.iter().filter(|l| l.from_id == id).map(|l| title_of(l.to_id)).collect();
            let driven_by: Vec<String> = d.links.iter().filter(|l| l.to_id == id).map(|l| title_of(l.from_id)).collect();
            let supports: Vec<String> = d.alignments.iter().filter(|a| a.unit_objective_id == id).map(|a| a.parent_title.clone()).collect();
            let list = |items: Vec<String>, empty: &'static str| {
                if items.is_empty() {
                    view! { <p class="muted">{empty}</p> }.into_any()
                } else {
                    view! { <ul>{items.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul> }.into_any()
                }
            };
            view! {
                <aside class="side-panel" aria-label="Objective details">
                    <h2>{o.title.clone()}</h2>
                    <dl class="facts">
                        <dt>"Owner"</dt><dd>{owner}</dd>
                        <dt>"Perspective"</dt><dd>{perspective}</dd>
                        <dt>"Theme"</dt><dd>{theme}</dd>
                    </dl>
                    {(!o.description.is_empty()).then(|| view! { <p>{o.description.clone()}</p> })}
                    <h3>"Drives"</h3>
                    {list(drives, "Nothing yet: this objective is a dead end.")}
                    <h3>"Driven by"</h3>
                    {list(driven_by, "Nothing drives it yet.")}
                    {(d.map_is_unit()).then(|| view! { <h3>"Supports"</h3> })}
                    {d.map_is_unit().then(|| list(supports, "Not aligned to the parent map yet."))}
                    <button class="link-button" on:click=move |_| selected.set(None)>"Close"</button>
                </aside>
            }
            .into_any()
        })
    }
}

/// Theme colours, for reading the map.
#[component]
fn Legend(doc: StoredValue<MapDocument>) -> impl IntoView {
    let themes = doc.with_value(|d| d.themes.clone());
    view! {
        <h3>"Themes"</h3>
        <ul class="legend">
            {themes.into_iter().map(|t| view! {
                <li><span class="swatch" style=format!("background:{}", t.colour)></span>{t.name}</li>
            }).collect_view()}
        </ul>
    }
}
