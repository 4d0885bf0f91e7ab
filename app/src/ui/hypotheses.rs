//! `/maps/:id/hypotheses`: every arrow of a map tested against the data (`domain::hypothesis`),
//! contradicted ones first: the verdict in words with its reason, what the arrow expects, the
//! correlation it rests on, a chart of the correlation at each lag and of both objectives'
//! scores, the figures as a table, and a link to the arrow on the map.

use crate::api::hypotheses::hypotheses_of;
use crate::domain::drawing;
use crate::domain::hypothesis::{HypothesisView, MapHypotheses, Verdict};
use crate::domain::MapId;
use crate::i18n::*;
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use crate::ui::widgets::TopBar;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

/// The page, a lazily loaded route: its code is a separate wasm chunk.
#[derive(Clone)]
pub struct HypothesesRoute {
    tested: Resource<Result<MapHypotheses, crate::api::ApiError>>,
}

#[lazy_route]
impl LazyRoute for HypothesesRoute {
    fn data() -> Self {
        let id = id_param::<MapId>("map");
        Self {
            tested: load(id, hypotheses_of),
        }
    }

    fn view(this: Self) -> AnyView {
        item_page(
            this.tested,
            td_string!(current_locale(), hypotheses.loading),
            Reload::KeepPage,
            |h| view! { <HypothesesScreen tested=h/> }.into_any(),
        )
    }
}

/// A verdict as a chip: its mark and its word, coloured by its class.
#[component]
pub fn VerdictChip(verdict: Verdict) -> impl IntoView {
    let locale = current_locale();
    view! {
        <span class=format!("verdict {}", verdict.class())>
            <span aria-hidden="true">{verdict.mark()}</span>" "{verdict.text(locale)}
        </span>
    }
}

#[component]
fn HypothesesScreen(tested: MapHypotheses) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let map = tested.map_id;
    let period = match (tested.from, tested.to) {
        (Some(from), Some(to)) => td_string!(
            locale,
            hypotheses.months,
            from = from.text(locale),
            to = to.text(locale)
        )
        .to_string(),
        _ => td_string!(locale, hypotheses.no_months).to_string(),
    };
    let counts: Vec<(Verdict, usize)> = Verdict::ALL
        .into_iter()
        .map(|v| (v, tested.count(v)))
        .filter(|(_, n)| *n > 0)
        .collect();
    view! {
        <Title text=format!("{} · {}", td_string!(locale, hypotheses.title), tested.map_name)/>
        <TopBar crumbs=vec![(tested.map_name.clone(), format!("/maps/{map}"))]/>
        <main class="page hypotheses">
            <h1>{td_string!(locale, hypotheses.heading, map = tested.map_name.clone()).to_string()}</h1>
            <p class="lead">{t!(i18n, hypotheses.lead)}</p>
            <p class="caveat"><strong>{t!(i18n, hypotheses.caveat)}</strong></p>
            <p class="muted">{period}</p>
            {(!counts.is_empty()).then(|| view! {
                <ul class="verdict-counts" aria-label=t_string!(i18n, hypotheses.summary)>
                    {counts.into_iter().map(|(v, n)| view! { <li><VerdictChip verdict=v/>" "<strong>{n}</strong></li> }).collect_view()}
                </ul>
            })}
            {if tested.links.is_empty() {
                view! { <p class="muted">{t!(i18n, hypotheses.none)}</p> }.into_any()
            } else {
                tested.links.into_iter().map(|h| view! { <Arrow map h/> }).collect_view().into_any()
            }}
        </main>
    }
}

/// One tested arrow.
#[component]
fn Arrow(map: MapId, h: HypothesisView) -> impl IntoView {
    let locale = current_locale();
    let heading_id = format!("arrow-{}", h.link_id);
    let labelled_by = heading_id.clone();
    let lags = drawing::lag_chart_svg(&h, locale);
    let series = drawing::series_svg(&h, locale);
    let rows: Vec<_> = h
        .test
        .correlations
        .iter()
        .map(|c| {
            (
                c.lag,
                c.rho
                    .map_or_else(|| "–".to_string(), |r| format_number(locale, r, 2)),
                c.pairs,
                h.test.lag == Some(c.lag),
            )
        })
        .collect();
    view! {
        <section class="card arrow-test" aria-labelledby=labelled_by data-verdict=format!("{:?}", h.test.verdict)>
            <h2 id=heading_id>{h.from_title.clone()}" → "{h.to_title.clone()}</h2>
            <p><VerdictChip verdict=h.test.verdict/>" "{h.test.verdict.why(locale)}</p>
            <p>{h.expectation(locale)}{h.finding(locale).map(|f| format!(" · {f}"))}</p>
            {(!h.hypothesis.is_empty()).then(|| view! { <blockquote>{h.hypothesis.clone()}</blockquote> })}
            <div class="arrow-charts">
                <figure role="img" aria-label=td_string!(locale, hypotheses.chart.lags) inner_html=lags></figure>
                {(!series.is_empty()).then(|| view! {
                    <figure role="img" aria-label=td_string!(locale, hypotheses.chart.series) inner_html=series></figure>
                })}
            </div>
            <details>
                <summary>{td_string!(locale, hypotheses.table)}</summary>
                <table class="lag-table">
                    <caption class="visually-hidden">{td_string!(locale, hypotheses.table)}</caption>
                    <thead><tr>
                        <th scope="col">{td_string!(locale, hypotheses.lag_column)}</th>
                        <th scope="col">{td_string!(locale, hypotheses.rho_column)}</th>
                        <th scope="col">{td_string!(locale, hypotheses.pairs_column)}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(lag, rho, pairs, chosen)| view! {
                            <tr class:chosen=chosen><th scope="row">{lag}</th><td>{rho}</td><td>{pairs}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
            <a href=format!("/maps/{map}?objective={}", h.from_id)>{td_string!(locale, hypotheses.on_map)}</a>
        </section>
    }
}
