//! `/units/:id/cascade-report`: the cascade of a unit's map to the units below for a month, as
//! a matrix (parent objectives down, child units across, each cell the number of supporting
//! objectives in the colour and mark of their worst status) and the gaps, each line a link to
//! where it is fixed.

use crate::api::cascade::cascade_report;
use crate::domain::cascade::{GapCell, GapReport};
use crate::domain::{ObjectiveId, OrgUnitId, Period};
use crate::i18n::*;
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use crate::ui::widgets::TopBar;
use leptos::prelude::*;
use leptos_meta::Title;

crate::ui::widgets::route::lazy_view_route!(
    /// `/units/:id/cascade-report`, a lazily loaded route: its code is a wasm chunk of its own.
    CascadeReportRoute => CascadeReportPage
);

/// The report page of one unit.
#[component]
pub fn CascadeReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let unit_id = id_param::<OrgUnitId>("org unit");
    let period = RwSignal::new(None::<Period>);
    let data = load(
        move || unit_id().map(|id| (id, period.get())),
        |(id, p)| cascade_report(id, p),
    );
    let loading = td_string!(i18n.get_locale_untracked(), cascade.report.loading);
    view! {
        <Title text=t_string!(i18n, cascade.report.title)/>
        {item_page(data, loading, Reload::KeepPage, move |report: GapReport| {
            view! { <Report report period/> }.into_any()
        })}
    }
}

#[component]
fn Report(report: GapReport, period: RwSignal<Option<Period>>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let parent_map = report.map_id;
    let title_of = |id: ObjectiveId| {
        report
            .rows
            .iter()
            .find(|r| r.objective_id == id)
            .map(|r| r.title.clone())
            .unwrap_or_default()
    };
    let heading = td_string!(locale, cascade.report.heading, map = &report.map_name).to_string();
    let month = report.period.to_string();
    let objective_link = move |id: ObjectiveId| format!("/maps/{parent_map}?objective={id}");
    let unsupported: Vec<(String, String)> = report
        .unsupported
        .iter()
        .map(|id| (title_of(*id), objective_link(*id)))
        .collect();
    let only_red: Vec<(String, String)> = report
        .only_red
        .iter()
        .map(|id| (title_of(*id), objective_link(*id)))
        .collect();
    let orphans: Vec<(String, String)> = report
        .orphans
        .iter()
        .map(|o| {
            (
                format!("{} · {}", o.unit_name, o.title),
                format!("/maps/{}?objective={}", o.map_id, o.objective_id),
            )
        })
        .collect();
    let without_map: Vec<(String, String)> = report
        .columns
        .iter()
        .filter(|c| report.without_map.contains(&c.org_unit_id))
        .map(|c| {
            (
                c.unit_name.clone(),
                format!("/units/{}/cascade", c.org_unit_id),
            )
        })
        .collect();
    let list = move |heading: String, empty: String, items: Vec<(String, String)>| {
        view! {
            <section class="card gap-list">
                <h2>{heading}</h2>
                {if items.is_empty() {
                    view! { <p class="muted">{empty}</p> }.into_any()
                } else {
                    view! { <ul>{items.into_iter().map(|(text, href)| view! { <li><a href=href>{text}</a></li> }).collect_view()}</ul> }.into_any()
                }}
            </section>
        }
    };
    view! {
        <TopBar crumbs=vec![(report.map_name.clone(), format!("/maps/{parent_map}"))]/>
        <main class="page cascade-report">
            <h1>{heading}</h1>
            <p class="lead">{t!(i18n, cascade.report.lead)}</p>
            <label for="report-month">{t!(i18n, cascade.report.month)}</label>
            <input id="report-month" type="month" prop:value=month
                on:change=move |ev| period.set(event_target_value(&ev).parse().ok())/>
            <div class="matrix-wrap" tabindex="0" role="region" aria-label=t_string!(i18n, cascade.report.matrix)>
                <table class="gap-matrix">
                    <caption>{t!(i18n, cascade.report.matrix)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, cascade.report.objective)}</th>
                            {report.columns.iter().map(|c| view! {
                                <th scope="col">{match (c.map_id, &c.map_name) {
                                    (Some(id), Some(name)) => view! { <a href=format!("/maps/{id}") title=name.clone()>{c.unit_name.clone()}</a> }.into_any(),
                                    _ => view! { <span>{c.unit_name.clone()}</span><br/><small class="muted">{td_string!(locale, cascade.report.no_map)}</small> }.into_any(),
                                }}</th>
                            }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {report.rows.iter().map(|r| view! {
                            <tr>
                                <th scope="row"><small class="muted">{r.perspective.clone()}</small><br/>
                                    <a href=objective_link(r.objective_id)>{r.title.clone()}</a></th>
                                {r.cells.iter().map(|c| cell(locale, c)).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="gap-lists">
                {list(td_string!(locale, cascade.report.unsupported).to_string(), td_string!(locale, cascade.report.none).to_string(), unsupported)}
                {list(td_string!(locale, cascade.report.orphans).to_string(), td_string!(locale, cascade.report.none).to_string(), orphans)}
                {list(td_string!(locale, cascade.report.without_map).to_string(), td_string!(locale, cascade.report.none).to_string(), without_map)}
                {list(td_string!(locale, cascade.report.only_red).to_string(), td_string!(locale, cascade.report.none).to_string(), only_red)}
            </div>
        </main>
    }
}

/// One cell: the count, in its worst status's colour and mark, naming what supports.
fn cell(locale: Locale, c: &GapCell) -> impl IntoView {
    let count = c.supporting.len();
    let status = c.status();
    let names = c
        .supporting
        .iter()
        .map(|s| format!("{} ({})", s.title, s.status.text(locale)))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <td class="gap-cell" data-status=status.map(|s| s.as_str()) title=names.clone()>
            {if count == 0 {
                view! { <span class="muted" aria-label=td_string!(locale, cascade.report.nothing)>"–"</span> }.into_any()
            } else {
                view! { <span class="gap-count">{count}</span><span class="visually-hidden">{format!(": {names}")}</span> }.into_any()
            }}
        </td>
    }
}
