//! The scorecard page: a table grouped perspective → objective → measure with the latest
//! actual, its target and unit.

use super::map::map_id_param;
use super::widgets::{format_value, ErrorPanel, TopBar};
use crate::api::get_scorecard;
use crate::domain::{Polarity, Scorecard, ScorecardMeasureRow};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// `/maps/:id/scorecard`.
#[component]
pub fn ScorecardPage() -> impl IntoView {
    let id = map_id_param();
    let card = Resource::new(id, |id| async move {
        match id {
            Ok(id) => get_scorecard(id).await,
            Err(e) => Err(e),
        }
    });
    view! {
        <Suspense fallback=|| view! { <TopBar/><p class="loading">"Loading the scorecard…"</p> }>
            {move || Suspend::new(async move {
                match card.await {
                    Ok(c) => view! { <ScorecardView card=c/> }.into_any(),
                    Err(e) => view! { <TopBar/><main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ScorecardView(card: Scorecard) -> impl IntoView {
    let crumbs = vec![
        (card.org_unit.name.clone(), "/".to_string()),
        (card.map.name.clone(), format!("/maps/{}", card.map.id)),
        (
            "Scorecard".to_string(),
            format!("/maps/{}/scorecard", card.map.id),
        ),
    ];
    let measure_count: usize = card
        .perspectives
        .iter()
        .flat_map(|p| &p.objectives)
        .map(|o| o.measures.len())
        .sum();
    let body = card.perspectives.into_iter().map(|p| {
        let objectives = p.objectives.into_iter().map(|o| {
            let span = o.measures.len().max(1);
            let owner = o.owner_name.clone().unwrap_or_else(|| "—".into());
            let title = o.objective.title.clone();
            let mut rows = o.measures.into_iter();
            let first = rows.next();
            let rest = rows.map(|m| view! { <tr class="measure-row">{measure_cells(m)}</tr> }).collect_view();
            view! {
                <tr class="objective-row measure-row">
                    <th scope="row" rowspan=span class="objective-cell">
                        <span class="objective-title">{title}</span>
                        <span class="owner">{owner}</span>
                    </th>
                    {match first {
                        Some(m) => measure_cells(m).into_any(),
                        None => view! { <td colspan="6" class="muted">"No measure yet"</td> }.into_any(),
                    }}
                </tr>
                {rest}
            }
        }).collect_view();
        view! {
            <tbody>
                <tr class="perspective-row"><th colspan="7" scope="rowgroup">{p.perspective.name.clone()}</th></tr>
                {objectives}
            </tbody>
        }
    }).collect_view();
    view! {
        <Title text=format!("Scorecard · {} · Cairn", card.map.name)/>
        <TopBar crumbs=crumbs/>
        <main class="page scorecard-page">
            <div class="map-head">
                <div>
                    <h1>{format!("Scorecard: {}", card.map.name)}</h1>
                    <p class="meta">{format!("{} · {} measures", card.org_unit.name, measure_count)}</p>
                </div>
                <div class="head-actions">
                    <A href=format!("/maps/{}/import", card.map.id) attr:class="button secondary">"Import data"</A>
                    <A href=format!("/maps/{}", card.map.id) attr:class="button">"Strategy map"</A>
                </div>
            </div>
            <table class="scorecard" aria-label="Scorecard">
                <thead>
                    <tr>
                        <th scope="col">"Objective"</th>
                        <th scope="col">"Measure"</th>
                        <th scope="col">"Period"</th>
                        <th scope="col" class="num">"Actual"</th>
                        <th scope="col" class="num">"Target"</th>
                        <th scope="col" class="num">"Red flag"</th>
                        <th scope="col">"Data owner"</th>
                    </tr>
                </thead>
                {body}
            </table>
        </main>
    }
    .into_any()
}

fn measure_cells(row: ScorecardMeasureRow) -> impl IntoView {
    let m = &row.measure;
    let fmt = |v: f64| format_value(v, m.decimals, &m.unit);
    let direction = match m.polarity {
        Polarity::HigherIsBetter => "↑ higher is better",
        Polarity::LowerIsBetter => "↓ lower is better",
        Polarity::OnTarget => "◎ on target",
    };
    view! {
        <td class="measure-cell">
            <span class="measure-name">{m.name.clone()}</span>
            <span class="polarity">{direction}</span>
        </td>
        <td class="period">{row.latest.as_ref().map(|a| a.period.label()).unwrap_or_else(|| "—".into())}</td>
        <td class="num actual">{row.latest.as_ref().map(|a| fmt(a.value)).unwrap_or_else(|| "no data".into())}</td>
        <td class="num">{row.target.as_ref().map(|t| fmt(t.goal)).unwrap_or_else(|| "—".into())}</td>
        <td class="num">{row.target.as_ref().map(|t| fmt(t.red_flag)).unwrap_or_else(|| "—".into())}</td>
        <td>{row.owner_name.clone().unwrap_or_else(|| "—".into())}</td>
    }
}
