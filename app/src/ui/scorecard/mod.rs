//! The scorecard page: perspective → objective → measure with the chosen period's actuals,
//! targets, scores and statuses, trends over the last 12 periods, stale-data flags, filters by
//! theme, owner and status, and a "why" behind every status.

use super::widgets::route::{id_param, item_page, load, Reload};
use super::widgets::status::{SpanPicker, Sparkline, StatusChip, WhyView};
use super::widgets::{format_value, map_crumbs, plural, DataLinks, Page};
use crate::api::{explain_score, get_scorecard};
use crate::domain::scores::{MapScores, MeasureScore, Subject, Why};
use crate::domain::scoring::Score;
use crate::domain::{
    MapId, Measure, MeasureId, Objective, ObjectiveId, Polarity, ScorecardData, UserId,
};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::{lazy_route, LazyRoute};

/// `/maps/:id/scorecard?kind=quarter&period=2026-03`, a lazily loaded route: its code is a
/// separate wasm chunk, fetched while the scorecard's data loads.
#[derive(Clone)]
pub struct ScorecardRoute {
    card: Resource<Result<ScorecardData, crate::api::ApiError>>,
}

#[lazy_route]
impl LazyRoute for ScorecardRoute {
    fn data() -> Self {
        let id = id_param::<MapId>("map");
        let query = use_query_map();
        let card = load(
            move || {
                let q = query.read();
                let (kind, period) = (q.get("kind"), q.get("period"));
                id().map(|id| (id, kind, period))
            },
            |(id, kind, period)| get_scorecard(id, kind, period),
        );
        Self { card }
    }

    fn view(this: Self) -> AnyView {
        item_page(
            this.card,
            "Loading the scorecard…",
            Reload::KeepPage,
            |c| view! { <ScorecardScreen card=c/> }.into_any(),
        )
    }
}

/// What the filters keep.
#[derive(Clone, Debug, Default, PartialEq)]
struct Filters {
    theme: String,
    owner: String,
    status: String,
}

impl Filters {
    fn keeps_objective(&self, o: &Objective) -> bool {
        self.theme.is_empty() || o.theme_id.is_some_and(|t| t.to_string() == self.theme)
    }

    fn keeps_measure(&self, o: &Objective, m: &Measure, s: Option<&MeasureScore>) -> bool {
        let owner_ok = self.owner.is_empty()
            || [o.owner_id, m.data_owner_id]
                .iter()
                .flatten()
                .any(|u| u.to_string() == self.owner);
        let status_ok = match self.status.as_str() {
            "" => true,
            "stale" => s.is_some_and(|s| s.stale),
            wanted => s.is_some_and(|s| s.score.status.as_str() == wanted),
        };
        owner_ok && status_ok
    }
}

/// The statuses a scorecard can be filtered by (stored name, label).
const STATUS_CHOICES: [(&str, &str); 5] = [
    ("red", "Red"),
    ("amber", "Amber"),
    ("green", "Green"),
    ("no_data", "No data"),
    ("stale", "Stale"),
];

/// One filter above the scorecard: `label`, a select of `everything` (no filter) and `choices`
/// (value, label), and `pick` keeping the chosen value.
fn filter_select(
    label: &'static str,
    aria_label: &'static str,
    everything: &'static str,
    choices: Vec<(String, String)>,
    pick: impl Fn(String) + 'static,
) -> impl IntoView {
    let options = choices
        .into_iter()
        .map(|(value, text)| view! { <option value=value>{text}</option> })
        .collect_view();
    view! {
        <label>{label}
            <select aria-label=aria_label on:change=move |ev| pick(event_target_value(&ev))>
                <option value="">{everything}</option>
                {options}
            </select>
        </label>
    }
}

#[component]
fn ScorecardScreen(card: ScorecardData) -> impl IntoView {
    let map = card.doc.map.clone();
    let unit = card.doc.org_unit.clone();
    let map_id = map.id;
    let crumbs = map_crumbs(
        &unit.name,
        &map.name,
        map.id,
        Some(("Scorecard", "scorecard")),
    );
    let span = RwSignal::new(Some(card.span));
    let navigate = use_navigate();
    let loaded = card.span;
    Effect::new(move |_| {
        if let Some(s) = span.get() {
            if s != loaded {
                let (first, last) = s.bounds();
                let period = if s.kind() == "month" { first } else { last };
                navigate(
                    &format!("/maps/{map_id}/scorecard?kind={}&period={period}", s.kind()),
                    Default::default(),
                );
            }
        }
    });
    let filters = RwSignal::new(Filters::default());
    let why: RwSignal<Option<Result<Why, String>>> = RwSignal::new(None);
    let open_why = Callback::new(move |subject: Subject| {
        let s = loaded;
        let (first, last) = s.bounds();
        let period = if s.kind() == "month" { first } else { last };
        leptos::task::spawn_local(async move {
            let result =
                explain_score(map_id, s.kind().to_string(), period.to_string(), subject).await;
            why.set(Some(result.map_err(|e| e.to_string())));
        });
    });
    let card = StoredValue::new(card);
    let measure_count = card.with_value(|c| c.doc.measures.len());
    let map_score = card.with_value(|c| c.current().map(|s| s.map).unwrap_or(Score::NO_DATA));
    let stale_count = card.with_value(|c| {
        c.current()
            .map(|s| s.measures.iter().filter(|m| m.stale).count())
            .unwrap_or(0)
    });
    let (themes, people) = card.with_value(|c| (c.doc.themes.clone(), c.doc.people.clone()));
    let rights = card.with_value(|c| c.rights);
    view! {
        <Page title=format!("Scorecard · {} · Cairn", map.name) crumbs=crumbs class="page scorecard-page">
            <div class="map-head">
                <div>
                    <h1>{format!("Scorecard: {}", map.name)}</h1>
                    <p class="meta">
                        {format!("{} · {}", unit.name, plural(measure_count, "measure"))}
                        {(stale_count > 0).then(|| view! { " · " <span class="stale-flag">{format!("{stale_count} stale")}</span> })}
                    </p>
                </div>
                <div class="map-head-actions">
                    <div class="map-score">
                        <SpanPicker span=span/>
                        <StatusChip score=map_score label="Map score" on_why=Callback::new(move |_| open_why.run(Subject::Map))/>
                    </div>
                    <nav class="map-links" aria-label="Map pages">
                        <DataLinks map=map.id rights=rights/>
                        <A href=format!("/maps/{}", map.id) attr:class="button">"Strategy map"</A>
                    </nav>
                </div>
            </div>
            <div class="filters" role="group" aria-label="Filters">
                {filter_select("Theme ", "Filter by theme", "All themes", themes.into_iter().map(|t| (t.id.to_string(), t.name)).collect(),
                    move |v| filters.update(|f| f.theme = v))}
                {filter_select("Owner ", "Filter by owner", "Everyone", people.into_iter().map(|p| (p.id.to_string(), p.name)).collect(),
                    move |v| filters.update(|f| f.owner = v))}
                {filter_select("Status ", "Filter by status", "Any status", STATUS_CHOICES.iter().map(|(v, l)| (v.to_string(), l.to_string())).collect(),
                    move |v| filters.update(|f| f.status = v))}
            </div>
            <table class="scorecard" aria-label="Scorecard">
                <thead>
                    <tr>
                        <th scope="col">"Objective"</th>
                        <th scope="col">"Measure"</th>
                        <th scope="col" class="num">"Actual"</th>
                        <th scope="col" class="num">"Target"</th>
                        <th scope="col" class="num">"Red flag"</th>
                        <th scope="col">"Score"</th>
                        <th scope="col">"Trend"</th>
                        <th scope="col">"Data owner"</th>
                    </tr>
                </thead>
                {move || {
                    let f = filters.get();
                    card.with_value(|c| table_body(c, &f, open_why))
                }}
            </table>
        </Page>
        {move || why.get().map(|w| match w {
            Ok(w) => view! { <WhyView why=w on_close=Callback::new(move |_| why.set(None))/> }.into_any(),
            Err(e) => view! {
                <div class="notice" role="alert"><span>{format!("Could not explain this status: {e}")}</span>
                    <button class="link-button" on:click=move |_| why.set(None)>"Dismiss"</button></div>
            }.into_any(),
        })}
    }
    .into_any()
}

/// The rows of every perspective the filters leave something in.
fn table_body(card: &ScorecardData, f: &Filters, open_why: Callback<Subject>) -> AnyView {
    let Some(now) = card.current() else {
        return view! { <tbody><tr><td colspan="8">"No scores."</td></tr></tbody> }.into_any();
    };
    let doc = &card.doc;
    let name_of = |u: Option<UserId>| {
        u.and_then(|u| doc.people.iter().find(|p| p.id == u))
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "—".into())
    };
    let mut out = Vec::new();
    for p in &doc.perspectives {
        let mut rows = Vec::new();
        for o in doc
            .objectives
            .iter()
            .filter(|o| o.perspective_id == p.id && f.keeps_objective(o))
        {
            let measures: Vec<&Measure> = doc
                .measures
                .iter()
                .filter(|m| m.objective_id == o.id && f.keeps_measure(o, m, now.measure(m.id)))
                .collect();
            let filtering = !f.owner.is_empty() || !f.status.is_empty();
            if measures.is_empty() && filtering {
                continue;
            }
            rows.push(objective_rows(card, now, o, &measures, &name_of, open_why));
        }
        if rows.is_empty() {
            continue;
        }
        let pid = p.id;
        let pscore = now.perspective(pid);
        out.push(view! {
            <tbody>
                <tr class="perspective-row">
                    <th colspan="5" scope="rowgroup">{p.name.clone()}</th>
                    <td colspan="3" class="perspective-score">
                        <StatusChip score=pscore label=format!("{} perspective", p.name)
                            on_why=Callback::new(move |_| open_why.run(Subject::Perspective(pid)))/>
                    </td>
                </tr>
                {rows}
            </tbody>
        }.into_any());
    }
    if out.is_empty() {
        return view! { <tbody><tr><td colspan="8" class="muted">"Nothing matches these filters."</td></tr></tbody> }.into_any();
    }
    out.collect_view().into_any()
}

/// The rows of one objective: its first measure beside it, then its other measures.
fn objective_rows(
    card: &ScorecardData,
    now: &MapScores,
    o: &Objective,
    measures: &[&Measure],
    name_of: &dyn Fn(Option<UserId>) -> String,
    open_why: Callback<Subject>,
) -> AnyView {
    let oid: ObjectiveId = o.id;
    let span = measures.len().max(1);
    let score = now.objective(oid);
    let trend: Vec<Score> = card.history.iter().map(|h| h.objective(oid)).collect();
    let mut cells = measures
        .iter()
        .map(|m| measure_cells(card, now, m, name_of(m.data_owner_id), open_why));
    let first = cells.next();
    let rest: Vec<AnyView> = cells
        .map(|c| view! { <tr class="measure-row">{c}</tr> }.into_any())
        .collect();
    view! {
        <tr class="objective-row measure-row">
            <th scope="row" rowspan=span class="objective-cell">
                <span class="objective-title">{o.title.clone()}</span>
                <span class="owner">{name_of(o.owner_id)}</span>
                {card.rights.edit.then(|| view! {
                    <A href=format!("/maps/{}?objective={oid}&add=measure", card.doc.map.id)
                        attr:class="small add-measure" attr:aria-label=format!("Add a measure to {}", o.title)>"+ Measure"</A>
                })}
                <span class="objective-status">
                    <StatusChip score=score label=format!("{} status", o.title)
                        on_why=Callback::new(move |_| open_why.run(Subject::Objective(oid)))/>
                    <Sparkline values=trend.iter().map(|s| s.value).collect() last=score.status label=format!("Trend of {}", o.title)/>
                </span>
            </th>
            {match first {
                Some(c) => c,
                None => view! { <td colspan="7" class="muted">"No measure yet"</td> }.into_any(),
            }}
        </tr>
        {rest}
    }
    .into_any()
}

fn measure_cells(
    card: &ScorecardData,
    now: &MapScores,
    m: &Measure,
    owner: String,
    open_why: Callback<Subject>,
) -> AnyView {
    let id: MeasureId = m.id;
    let fmt = |v: f64| format_value(crate::i18n::current_locale(), v, m.decimals, &m.unit);
    let figures = now.measure(id).cloned();
    let direction = match m.polarity {
        Polarity::HigherIsBetter => "↑ higher is better",
        Polarity::LowerIsBetter => "↓ lower is better",
        Polarity::OnTarget => "◎ on target",
    };
    let score = figures.as_ref().map_or(Score::NO_DATA, |f| f.score);
    let trend: Vec<Option<f64>> = card
        .history
        .iter()
        .map(|h| h.measure(id).and_then(|f| f.actual))
        .collect();
    let stale = figures.as_ref().is_some_and(|f| f.stale);
    let latest = figures.as_ref().and_then(|f| f.latest);
    let error = figures.as_ref().and_then(|f| f.error.clone());
    view! {
        <td class="measure-cell">
            <span class="measure-name">{m.name.clone()}</span>
            {card.rights.edit.then(|| view! {
                <A href=format!("/maps/{}?measure={id}", card.doc.map.id)
                    attr:class="small edit-measure" attr:aria-label=format!("Edit measure {}", m.name)>"Edit"</A>
            })}
            <span class="polarity">{direction}</span>
            {stale.then(|| view! {
                <span class="stale-flag" title="The next value is overdue">
                    {format!("Stale · last {}", latest.map(|p| p.label()).unwrap_or_else(|| "never".into()))}
                </span>
            })}
            {error.map(|e| view! { <span class="form-error small">{e}</span> })}
        </td>
        <td class="num actual">{figures.as_ref().and_then(|f| f.actual).map(fmt).unwrap_or_else(|| "no data".into())}</td>
        <td class="num">{figures.as_ref().and_then(|f| f.goal).map(fmt).unwrap_or_else(|| "—".into())}</td>
        <td class="num">{figures.as_ref().and_then(|f| f.red_flag).map(fmt).unwrap_or_else(|| "—".into())}</td>
        <td class="score-cell" data-status=score.status.as_str()>
            <StatusChip score=score label=format!("{} status", m.name)
                on_why=Callback::new(move |_| open_why.run(Subject::Measure(id)))/>
        </td>
        <td><Sparkline values=trend last=score.status label=format!("Trend of {}", m.name)/></td>
        <td>{owner}</td>
    }
    .into_any()
}
