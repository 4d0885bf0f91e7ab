//! A dashboard's widgets on the 12-column grid, drawn from a board signal: the dashboard page,
//! the editor's preview and the meeting-room display all use it. Scores are computed once per
//! change of the board with the pure score model (the server's code); each widget keeps a small
//! view of what it shows and redraws only when that view changes.

use crate::domain::dashboard::{Board, BoardMap, Widget, WidgetKind};
use crate::domain::scores::{MapScores, ScoreModel};
use crate::domain::scoring::{Score, Span};
use crate::domain::{MapDocument, MapId, MeasureId, OrgUnitId, Polarity};
use crate::i18n::*;
use crate::ui::widgets::chart::{ChartInput, MeasureChart};
use crate::ui::widgets::fit::keep_fitted;
use crate::ui::widgets::format_value;
use crate::ui::widgets::initiatives::InitiativeRow;
use crate::ui::widgets::status::{Sparkline, StatusChip};
use crate::ui::widgets::statusmap::StatusMap;
use leptos::prelude::*;
use std::sync::Arc;

/// Spans of history a scorecard trend and a KPI sparkline show (the chosen one included).
pub const TREND_SPANS: i32 = 12;

/// One map's scores for the chosen span and the spans before it.
pub struct MapLive {
    pub map_id: MapId,
    pub model: ScoreModel,
    pub now: MapScores,
    /// Oldest first; the last is `now`'s span.
    pub history: Vec<MapScores>,
}

impl MapLive {
    /// Scores `m` for `span` as of `today`.
    pub fn new(m: &BoardMap, today: crate::domain::Period, span: Span) -> MapLive {
        let model = ScoreModel::new(&m.doc, &m.data, today);
        let spans: Vec<Span> = (1 - TREND_SPANS..=0).map(|n| span.shift(n)).collect();
        let history = model.history(&spans);
        MapLive {
            map_id: m.doc.map.id,
            now: history.last().cloned().unwrap_or_else(|| model.span(span)),
            history,
            model,
        }
    }
}

/// The scores of the maps on one dashboard, recomputed whenever the board or the span changes.
pub type Lives = Memo<Arc<Vec<MapLive>>>;

fn live_of(lives: &[MapLive], id: MapId) -> Option<&MapLive> {
    lives.iter().find(|l| l.map_id == id)
}

/// The widgets of dashboard number `index` of `board`, for `span`. `fill` is the width over
/// height of the area the grid fills when it fits all its rows on one screen (the display);
/// without it rows have a fixed height (the dashboard page).
#[component]
pub fn DashboardGrid(
    board: RwSignal<Board>,
    #[prop(into)] index: Signal<usize>,
    #[prop(into)] span: Signal<Span>,
    #[prop(optional)] fill: Option<f64>,
) -> impl IntoView {
    let lives: Lives = Memo::new_with_compare(
        move |_| {
            let span = span.get();
            let i = index.get();
            board.with(|b| {
                let Some(d) = b.dashboards.get(i) else {
                    return Arc::new(Vec::new());
                };
                Arc::new(
                    d.map_ids()
                        .into_iter()
                        .filter_map(|id| b.map(id))
                        .map(|m| MapLive::new(m, b.today, span))
                        .collect(),
                )
            })
        },
        |_, _| true,
    );
    let layout = Memo::new(move |_| {
        board.with(|b| {
            b.dashboards
                .get(index.get())
                .map(|d| (d.org_unit_id, d.widgets.clone(), d.rows()))
        })
    });
    let locale = current_locale();
    move || {
        let Some((unit, widgets, rows)) = layout.get() else {
            return view! { <p class="empty">{td_string!(locale, dashboard.view.gone)}</p> }
                .into_any();
        };
        if widgets.is_empty() {
            return view! { <p class="empty">{td_string!(locale, dashboard.grid.empty)}</p> }
                .into_any();
        }
        view! {
            <div class="dashboard-grid" style=format!("--rows: {rows}")>
                {widgets.into_iter().map(|w| {
                    let aspect = widget_aspect(&w, rows, fill);
                    view! { <WidgetCell board=board lives=lives span=span unit=unit widget=w aspect=aspect/> }
                }).collect_view()}
            </div>
        }
        .into_any()
    }
}

/// Width over height of a widget's box: from its columns and rows and the grid's shape (a page
/// column of about 1160 px with 68 px rows, or a screen area of aspect `fill` fitting `rows`).
fn widget_aspect(w: &Widget, rows: u16, fill: Option<f64>) -> f64 {
    let shape = f64::from(w.w) / f64::from(w.h.max(1));
    match fill {
        Some(area) => shape * f64::from(rows.max(1)) / 12.0 * area,
        None => shape * (1160.0 / 12.0) / 68.0,
    }
}

/// Where a widget sits on the grid, as CSS.
pub fn grid_area(w: &Widget) -> String {
    format!(
        "grid-column: {} / span {}; grid-row: {} / span {};",
        w.x + 1,
        w.w,
        w.y + 1,
        w.h
    )
}

#[component]
fn WidgetCell(
    board: RwSignal<Board>,
    lives: Lives,
    span: Signal<Span>,
    unit: OrgUnitId,
    widget: Widget,
    aspect: f64,
) -> impl IntoView {
    let area = grid_area(&widget);
    let body = match widget.kind {
        WidgetKind::Kpi { map_id, measure_id } => view! { <KpiTile board=board lives=lives map_id=map_id measure_id=measure_id/> }.into_any(),
        WidgetKind::Chart { map_id, measure_id } => view! { <ChartWidget board=board lives=lives span=span map_id=map_id measure_id=measure_id aspect=aspect/> }.into_any(),
        WidgetKind::StatusMap { map_id } => view! { <StatusMapWidget board=board lives=lives map_id=map_id/> }.into_any(),
        WidgetKind::Scorecard { map_id } => view! { <ScorecardWidget board=board lives=lives map_id=map_id/> }.into_any(),
        WidgetKind::Initiatives => view! { <InitiativesWidget board=board unit=unit/> }.into_any(),
    };
    // Whatever the tile shows is scaled down until it fits the cell, as the board, the span
    // or the screen changes.
    let wrapper = NodeRef::<leptos::html::Div>::new();
    keep_fitted(wrapper, move || {
        board.track();
        lives.track();
        span.track();
    });
    view! { <div class="widget-cell" style=area><div class="widget-fit" node_ref=wrapper>{body}</div></div> }
}

/// A gone map or measure, said plainly instead of an empty box.
fn missing(text: &'static str) -> AnyView {
    view! { <section class="widget missing"><p class="muted">{text}</p></section> }.into_any()
}

/// What a KPI tile shows.
#[derive(Clone, Debug, PartialEq)]
struct KpiView {
    name: String,
    value: String,
    target: Option<String>,
    score: Score,
    stale: Option<String>,
    spark: Vec<Option<f64>>,
    direction: &'static str,
    span: String,
}

#[component]
fn KpiTile(
    board: RwSignal<Board>,
    lives: Lives,
    map_id: MapId,
    measure_id: MeasureId,
) -> impl IntoView {
    let locale = current_locale();
    let view_model = Memo::new(move |_| {
        let measure = board.with(|b| {
            b.map(map_id)
                .and_then(|m| m.doc.measures.iter().find(|x| x.id == measure_id).cloned())
        })?;
        lives.with(|ls| {
            let live = live_of(ls, map_id)?;
            let f = live.now.measure(measure_id)?;
            let fmt = |v: f64| format_value(locale, v, measure.decimals, &measure.unit);
            Some(KpiView {
                name: measure.name.clone(),
                value: f
                    .actual
                    .map_or_else(|| td_string!(locale, dashboard.kpi.no_data).into(), fmt),
                target: f.goal.map(fmt),
                score: f.score,
                stale: f.stale.then(|| {
                    let period = f.latest.map_or_else(
                        || td_string!(locale, dashboard.kpi.never).to_string(),
                        |p| p.text(locale),
                    );
                    td_string!(locale, dashboard.kpi.stale, period).to_string()
                }),
                spark: live
                    .history
                    .iter()
                    .map(|h| h.measure(measure_id).and_then(|m| m.actual))
                    .collect(),
                direction: match measure.polarity {
                    Polarity::HigherIsBetter => "↑",
                    Polarity::LowerIsBetter => "↓",
                    Polarity::OnTarget => "◎",
                },
                span: live.now.span.text(locale),
            })
        })
    });
    move || {
        let Some(k) = view_model.get() else {
            return missing(td_string!(locale, dashboard.grid.missing_measure));
        };
        let status = k.score.status;
        view! {
            <section class="widget kpi" data-status=status.as_str() aria-label=k.name.clone()>
                <h2 class="widget-title">{k.name.clone()}</h2>
                <p class="kpi-value" data-testid="kpi-value">{k.value.clone()}</p>
                <p class="kpi-target">
                    {k.target.clone().map_or_else(
                        || td_string!(locale, dashboard.kpi.no_target).to_string(),
                        |t| td_string!(locale, dashboard.kpi.target, direction = k.direction, value = t).to_string(),
                    )}
                </p>
                <div class="kpi-foot">
                    <StatusChip score=k.score label=k.name.clone()/>
                    <span class="kpi-status">{status.text(locale)}</span>
                    <Sparkline values=k.spark.clone() last=status label=td_string!(locale, dashboard.kpi.trend, name = &k.name).to_string()/>
                </div>
                {k.stale.clone().map(|s| view! { <p class="stale-flag">{s}</p> })}
                <p class="kpi-span muted">{k.span.clone()}</p>
            </section>
        }
        .into_any()
    }
}

#[component]
fn ChartWidget(
    board: RwSignal<Board>,
    lives: Lives,
    span: Signal<Span>,
    map_id: MapId,
    measure_id: MeasureId,
    aspect: f64,
) -> impl IntoView {
    // The title and legend take about a fifth of the box.
    let aspect = aspect * 1.25;
    let locale = current_locale();
    let input = Memo::new(move |_| {
        let measure = board.with(|b| {
            b.map(map_id)
                .and_then(|m| m.doc.measures.iter().find(|x| x.id == measure_id).cloned())
        })?;
        let last = span.get().bounds().1;
        lives.with(|ls| ChartInput::of(&live_of(ls, map_id)?.model, &measure, last))
    });
    let name = Memo::new(move |_| input.with(|i| i.as_ref().map(|i| i.name.clone())));
    move || {
        match name.get() {
        None => missing(td_string!(locale, dashboard.grid.missing_measure)),
        Some(n) => view! {
            <section class="widget chart-widget" aria-label=td_string!(locale, dashboard.chart.label, name = &n).to_string()>
                <h2 class="widget-title">{n.clone()}</h2>
                <MeasureChart input=input aspect=aspect/>
            </section>
        }
        .into_any(),
    }
    }
}

#[component]
fn StatusMapWidget(board: RwSignal<Board>, lives: Lives, map_id: MapId) -> impl IntoView {
    let doc: Memo<Option<MapDocument>> =
        Memo::new(move |_| board.with(|b| b.map(map_id).map(|m| m.doc.clone())));
    let scores = Memo::new(move |_| lives.with(|ls| live_of(ls, map_id).map(|l| l.now.clone())));
    let head = Memo::new(move |_| doc.with(|d| d.as_ref().map(|d| d.map.name.clone())));
    let map_score = move || scores.with(|s| s.as_ref().map_or(Score::NO_DATA, |s| s.map));
    let locale = current_locale();
    move || {
        match head.get() {
        None => missing(td_string!(locale, dashboard.grid.missing_map)),
        Some(name) => view! {
            <section class="widget status-map-widget" aria-label=td_string!(locale, dashboard.status_map.label, name = &name).to_string()>
                <header class="widget-head">
                    <h2 class="widget-title">{name.clone()}</h2>
                    {move || view! { <StatusChip score=map_score() label=td_string!(locale, dashboard.status_map.score)/> }}
                </header>
                <StatusMap doc=doc scores=scores/>
            </section>
        }
        .into_any(),
    }
    }
}

/// One row of the compact scorecard.
#[derive(Clone, Debug, PartialEq)]
enum CardRow {
    Perspective {
        name: String,
        score: Score,
    },
    Objective {
        title: String,
        score: Score,
    },
    Measure {
        name: String,
        actual: String,
        target: String,
        score: Score,
        stale: bool,
        trend: Vec<Option<f64>>,
    },
}

#[component]
fn ScorecardWidget(board: RwSignal<Board>, lives: Lives, map_id: MapId) -> impl IntoView {
    let locale = current_locale();
    let rows = Memo::new(move |_| {
        board.with(|b| {
            let doc = &b.map(map_id)?.doc;
            lives.with(|ls| {
                let live = live_of(ls, map_id)?;
                Some((doc.map.name.clone(), card_rows(locale, doc, live)))
            })
        })
    });
    move || {
        let Some((name, rows)) = rows.get() else {
            return missing(td_string!(locale, dashboard.grid.missing_map));
        };
        let count = rows.len() + 2;
        let body = rows
            .into_iter()
            .map(|r| match r {
                CardRow::Perspective { name, score } => view! {
                    <tr class="perspective-row"><th colspan="4" scope="rowgroup">{name.clone()}</th>
                        <td><StatusChip score=score label=td_string!(locale, dashboard.scorecard.perspective, name = &name).to_string()/></td></tr>
                }
                .into_any(),
                CardRow::Objective { title, score } => view! {
                    <tr class="objective-row"><th colspan="4" scope="row">{title.clone()}</th>
                        <td><StatusChip score=score label=td_string!(locale, dashboard.scorecard.status, name = &title).to_string()/></td></tr>
                }
                .into_any(),
                CardRow::Measure { name, actual, target, score, stale, trend } => view! {
                    <tr class="measure-row" data-status=score.status.as_str()>
                        <td class="measure-name">{name.clone()}{stale.then(|| view! { <span class="stale-flag">{td_string!(locale, dashboard.scorecard.stale)}</span> })}</td>
                        <td class="num">{actual}</td>
                        <td class="num">{target}</td>
                        <td><Sparkline values=trend last=score.status label=td_string!(locale, dashboard.kpi.trend, name = &name).to_string()/></td>
                        <td><StatusChip score=score label=td_string!(locale, dashboard.scorecard.status, name = &name).to_string()/></td>
                    </tr>
                }
                .into_any(),
            })
            .collect_view();
        view! {
            <section class="widget scorecard-widget" tabindex="0" aria-label=td_string!(locale, dashboard.scorecard.label, name = &name).to_string() style=format!("--card-rows: {count}")>
                <h2 class="widget-title">{td_string!(locale, dashboard.scorecard.heading, name = &name).to_string()}</h2>
                <table class="compact-scorecard">
                    <thead><tr><th scope="col">{td_string!(locale, dashboard.scorecard.col.measure)}</th><th scope="col" class="num">{td_string!(locale, dashboard.scorecard.col.actual)}</th><th scope="col" class="num">{td_string!(locale, dashboard.scorecard.col.target)}</th><th scope="col">{td_string!(locale, dashboard.scorecard.col.trend)}</th><th scope="col">{td_string!(locale, dashboard.scorecard.col.score)}</th></tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </section>
        }
        .into_any()
    }
}

/// The scorecard as rows: each perspective, its objectives, their measures.
fn card_rows(locale: Locale, doc: &MapDocument, live: &MapLive) -> Vec<CardRow> {
    let mut out = Vec::new();
    for p in &doc.perspectives {
        out.push(CardRow::Perspective {
            name: p.name.clone(),
            score: live.now.perspective(p.id),
        });
        for o in doc.objectives.iter().filter(|o| o.perspective_id == p.id) {
            out.push(CardRow::Objective {
                title: o.title.clone(),
                score: live.now.objective(o.id),
            });
            for m in doc.measures.iter().filter(|m| m.objective_id == o.id) {
                let f = live.now.measure(m.id);
                let fmt = |v: f64| format_value(locale, v, m.decimals, &m.unit);
                out.push(CardRow::Measure {
                    name: m.name.clone(),
                    actual: f.and_then(|f| f.actual).map_or_else(
                        || td_string!(locale, dashboard.scorecard.no_data).into(),
                        fmt,
                    ),
                    target: f.and_then(|f| f.goal).map_or_else(|| "—".into(), fmt),
                    score: f.map_or(Score::NO_DATA, |f| f.score),
                    stale: f.is_some_and(|f| f.stale),
                    trend: live
                        .history
                        .iter()
                        .map(|h| h.measure(m.id).and_then(|x| x.actual))
                        .collect(),
                });
            }
        }
    }
    out
}

#[component]
fn InitiativesWidget(board: RwSignal<Board>, unit: OrgUnitId) -> impl IntoView {
    let locale = current_locale();
    let list = Memo::new(move |_| {
        board.with(|b| {
            let items = b
                .initiatives
                .iter()
                .filter(|i| i.initiative.org_unit_id == unit)
                .cloned()
                .collect::<Vec<_>>();
            (items, b.currency.clone())
        })
    });
    move || {
        let (items, currency) = list.get();
        let count = items.len() + 1;
        let rows = items
            .into_iter()
            .map(|s| view! { <InitiativeRow summary=s currency=currency.clone()/> })
            .collect_view();
        view! {
            <section class="widget initiatives-widget" aria-label=td_string!(locale, dashboard.initiatives.label) style=format!("--card-rows: {count}")>
                <h2 class="widget-title">{td_string!(locale, dashboard.initiatives.label)}</h2>
                <table class="initiatives">
                    <thead><tr><th scope="col">{td_string!(locale, dashboard.initiatives.col.initiative)}</th><th scope="col">{td_string!(locale, dashboard.initiatives.col.status)}</th><th scope="col">{td_string!(locale, dashboard.initiatives.col.complete)}</th><th scope="col">{td_string!(locale, dashboard.initiatives.col.spend)}</th><th scope="col">{td_string!(locale, dashboard.initiatives.col.next)}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    }
}
