//! The read-only status map: the same geometry as the editable canvas (`domain::layout`: bands,
//! lanes, boxes, arrows routed around boxes) drawn without any editing, each objective filled
//! with its status colour and its score, each perspective with its score. The shape is drawn once
//! per map change; new scores only recolour it.

use crate::domain::layout::{
    self, Frame, BAND_HEIGHT, BOX_HEIGHT, BOX_WIDTH, HEADER_HEIGHT, LABEL_WIDTH,
};
use crate::domain::scores::MapScores;
use crate::domain::scoring::Score;
use crate::domain::{MapDocument, ObjectiveId, PerspectiveId};
use crate::i18n::*;
use leptos::prelude::*;

/// The theme lanes of a map: tinted columns with their names on top (shared with the canvas).
pub fn lanes(doc: &MapDocument, f: Frame) -> AnyView {
    let locale = current_locale();
    doc.themes
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let r = f.lane(i);
            view! {
                <g class="lane" aria-label=td_string!(locale, common.statusmap.theme, name = &t.name).to_string()>
                    <rect x=r.x + 4.0 y=r.y width=r.w - 8.0 height=r.h fill=t.colour.clone() class="lane-bg"/>
                    <rect x=r.x + 4.0 y=8 width=r.w - 8.0 height=HEADER_HEIGHT - 14.0 rx=6 fill=t.colour.clone() class="lane-head"/>
                    <text class="lane-label" x=r.x + r.w / 2.0 y=HEADER_HEIGHT / 2.0 + 6.0 text-anchor="middle">{t.name.clone()}</text>
                </g>
            }
        })
        .collect_view()
        .into_any()
}

fn score_text(locale: Locale, s: Score) -> String {
    s.value
        .map_or_else(|| "–".to_string(), |v| format_number(locale, v, 1))
}

/// A map coloured by status, read-only. `scores` are the chosen span's (or `None` while loading).
#[component]
pub fn StatusMap(
    #[prop(into)] doc: Signal<Option<MapDocument>>,
    #[prop(into)] scores: Signal<Option<MapScores>>,
) -> impl IntoView {
    let locale = current_locale();
    let objective_score = move |id: ObjectiveId| {
        scores.with(|s| s.as_ref().map_or(Score::NO_DATA, |s| s.objective(id)))
    };
    let perspective_score = move |id: PerspectiveId| {
        scores.with(|s| s.as_ref().map_or(Score::NO_DATA, |s| s.perspective(id)))
    };
    move || {
        doc.with(|d| {
            let d = d.as_ref()?;
            let f = Frame::of(&d.perspectives, &d.themes);
            let bands = d
                .perspectives
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let r = f.band(i);
                    let lines = layout::wrap_text(&p.name, layout::LABEL_CHARS_PER_LINE, 3);
                    let label_y = r.y + BAND_HEIGHT / 2.0 - 10.0 * lines.len() as f64;
                    let pid = p.id;
                    let chip_y = label_y + 20.0 * lines.len() as f64 + 4.0;
                    let name = p.name.clone();
                    view! {
                        <g class="band" aria-label=move || {
                            let s = perspective_score(pid);
                            td_string!(locale, common.statusmap.perspective, name = &name, status = s.status.text(locale), score = score_text(locale, s)).to_string()
                        }>
                            <rect x=r.x y=r.y width=r.w height=r.h class=if i % 2 == 0 { "band-bg even" } else { "band-bg odd" }/>
                            <text class="band-label" x=14 y=label_y>
                                {lines.into_iter().enumerate().map(|(j, l)| view! { <tspan x=14 dy=if j == 0 { 0.0 } else { 20.0 }>{l}</tspan> }).collect_view()}
                            </text>
                            <g class="band-score" data-status=move || perspective_score(pid).status.as_str()>
                                <rect x=14 y=chip_y width=70 height=28 rx=14 fill=move || perspective_score(pid).status.colour()/>
                                <text x=49 y=chip_y + 19.0 text-anchor="middle">{move || score_text(locale, perspective_score(pid))}</text>
                            </g>
                        </g>
                    }
                })
                .collect_view();
            let links = d
                .links
                .iter()
                .filter_map(|l| layout::link_route(d, l).map(|r| view! { <path class="link" d=r.svg_path() marker-end="url(#status-arrow)"/> }))
                .collect_view();
            let boxes = d
                .objectives
                .iter()
                .map(|o| {
                    let oid = o.id;
                    let r = layout::objective_box(o);
                    let lines = layout::wrap_title(&o.title);
                    let first_y = BOX_HEIGHT / 2.0 - 9.0 * (lines.len() as f64 - 1.0) + 2.0;
                    let title = o.title.clone();
                    view! {
                        <g class="status-objective" transform=format!("translate({:.1} {:.1})", r.x, r.y)
                            data-status=move || objective_score(oid).status.as_str()
                            role="img" aria-label=move || {
                                let s = objective_score(oid);
                                td_string!(locale, common.statusmap.objective, title = &title, status = s.status.text(locale), score = score_text(locale, s)).to_string()
                            }>
                            <rect width=BOX_WIDTH height=BOX_HEIGHT rx=10 class="status-box" fill=move || objective_score(oid).status.colour()/>
                            <text class="status-title" text-anchor="middle">
                                {lines.into_iter().enumerate().map(|(j, l)| view! {
                                    <tspan x=BOX_WIDTH / 2.0 y=first_y + 18.0 * j as f64>{l}</tspan>
                                }).collect_view()}
                            </text>
                            <text class="status-score" x=BOX_WIDTH - 8.0 y=BOX_HEIGHT - 8.0 text-anchor="end">
                                {move || score_text(locale, objective_score(oid))}
                            </text>
                        </g>
                    }
                })
                .collect_view();
            Some(view! {
                <svg class="status-map" viewBox=format!("0 0 {} {}", f.width(), f.height()) preserveAspectRatio="xMidYMid meet"
                    role="group" aria-label=td_string!(locale, common.statusmap.map, name = &d.map.name).to_string()>
                    <defs>
                        <marker id="status-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"/>
                        </marker>
                    </defs>
                    <rect x=0 y=0 width=LABEL_WIDTH height=f.height() class="label-gutter"/>
                    {bands}
                    {lanes(d, f)}
                    <g class="links">{links}</g>
                    <g class="objectives">{boxes}</g>
                </svg>
            })
        })
    }
}
