//! The scorecard page: perspective → objective → measure with the chosen period's actuals,
//! targets, scores and statuses, trends over the last 12 periods, stale-data flags, filters by
//! theme, owner and status, and a "why" behind every status.

use super::widgets::download::{MapExports, MapFiles};
use super::widgets::route::{id_param, item_page, load, Reload};
use super::widgets::status::{SpanPicker, Sparkline, StatusChip, WhyView};
use super::widgets::{format_value, map_crumbs, DataLinks, Page};
use crate::api::{explain_score, get_scorecard};
use crate::domain::scores::{MapScores, MeasureScore, Subject, Why};
use crate::domain::scoring::Score;
use crate::domain::{
    MapId, Measure, MeasureId, Objective, ObjectiveId, Polarity, ScorecardData, UserId,
};
use crate::i18n::*;
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
            td_string!(current_locale(), scorecard.loading),
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
fn status_choices(locale: Locale) -> [(&'static str, &'static str); 5] {
    [
        ("red", td_string!(locale, scorecard.filters.red)),
        ("amber", td_string!(locale, scorecard.filters.amber)),
        ("green", td_string!(locale, scorecard.filters.green)),
        ("no_data", td_string!(locale, scorecard.filters.no_data)),
        ("stale", td_string!(locale, scorecard.filters.stale)),
    ]
}

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
    let locale = use_i18n().get_locale_untracked();
    let map = card.doc.map.clone();
    let unit = card.doc.org_unit.clone();
    let map_id = map.id;
    let crumbs = map_crumbs(
        &unit.name,
        &map.name,
        map.id,
        Some((td_string!(locale, scorecard.crumb), "scorecard")),
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
            why.set(Some(result.map_err(|e| e.text(locale))));
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
        <Page title=td_string!(locale, scorecard.title, map = map.name.clone()).to_string() crumbs=crumbs class="page scorecard-page">
            <div class="map-head">
                <div>
                    <h1>{td_string!(locale, scorecard.heading, map = map.name.clone()).to_string()}</h1>
                    <p class="meta">
                        {format!("{} · {}", unit.name, td_string!(locale, common.count.measures, count = measure_count as u64))}
                        {(stale_count > 0).then(|| view! { " · " <span class="stale-flag">{td_string!(locale, scorecard.stale_count, count = stale_count).to_string()}</span> })}
                    </p>
                </div>
                <div class="map-head-actions">
                    <div class="map-score">
                        <SpanPicker span=span/>
                        <StatusChip score=map_score label=td_string!(locale, scorecard.map_score) on_why=Callback::new(move |_| open_why.run(Subject::Map))/>
                    </div>
                    <nav class="map-links" aria-label=td_string!(locale, scorecard.map_pages)>
                        <DataLinks map=map.id rights=rights/>
                        <A href=format!("/maps/{}", map.id) attr:class="button">{td_string!(locale, scorecard.strategy_map)}</A>
                    </nav>
                </div>
            </div>
            <MapExports map=map.id map_name=map.name.clone() span=loaded files=MapFiles::Scorecard/>
            <div class="filters no-print" role="group" aria-label=td_string!(locale, scorecard.filters.label)>
                {filter_select(td_string!(locale, scorecard.filters.theme), td_string!(locale, scorecard.filters.by_theme), td_string!(locale, scorecard.filters.all_themes), themes.into_iter().map(|t| (t.id.to_string(), t.name)).collect(),
                    move |v| filters.update(|f| f.theme = v))}
                {filter_select(td_string!(locale, scorecard.filters.owner), td_string!(locale, scorecard.filters.by_owner), td_string!(locale, scorecard.filters.everyone), people.into_iter().map(|p| (p.id.to_string(), p.name)).collect(),
                    move |v| filters.update(|f| f.owner = v))}
                {filter_select(td_string!(locale, scorecard.filters.status), td_string!(locale, scorecard.filters.by_status), td_string!(locale, scorecard.filters.any_status), status_choices(locale).iter().map(|(v, l)| (v.to_string(), l.to_string())).collect(),
                    move |v| filters.update(|f| f.status = v))}
            </div>
            <table class="scorecard" aria-label=td_string!(locale, scorecard.table.label)>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(locale, scorecard.table.objective)}</th>
                        <th scope="col">{td_string!(locale, scorecard.table.measure)}</th>
                        <th scope="col" class="num">{td_string!(locale, scorecard.table.actual)}</th>
                        <th scope="col" class="num">{td_string!(locale, scorecard.table.target)}</th>
                        <th scope="col" class="num">{td_string!(locale, scorecard.table.red_flag)}</th>
                        <th scope="col">{td_string!(locale, scorecard.table.score)}</th>
                        <th scope="col">{td_string!(locale, scorecard.table.trend)}</th>
                        <th scope="col">{td_string!(locale, scorecard.table.data_owner)}</th>
                    </tr>
                </thead>
                {move || {
                    let f = filters.get();
                    card.with_value(|c| table_body(locale, c, &f, open_why))
                }}
            </table>
        </Page>
        {move || why.get().map(|w| match w {
            Ok(w) => view! { <WhyView why=w on_close=Callback::new(move |_| why.set(None))/> }.into_any(),
            Err(e) => view! {
                <div class="notice" role="alert"><span>{td_string!(locale, scorecard.why_failed, error = e).to_string()}</span>
                    <button class="link-button" on:click=move |_| why.set(None)>{td_string!(locale, scorecard.dismiss)}</button></div>
            }.into_any(),
        })}
    }
    .into_any()
}

/// The rows of every perspective the filters leave something in.
fn table_body(
    locale: Locale,
    card: &ScorecardData,
    f: &Filters,
    open_why: Callback<Subject>,
) -> AnyView {
    let Some(now) = card.current() else {
        return view! { <tbody><tr><td colspan="8">{td_string!(locale, scorecard.table.no_scores)}</td></tr></tbody> }.into_any();
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
            rows.push(objective_rows(
                locale, card, now, o, &measures, &name_of, open_why,
            ));
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
                        <StatusChip score=pscore label=td_string!(locale, scorecard.perspective_status, name = p.name.clone()).to_string()
                            on_why=Callback::new(move |_| open_why.run(Subject::Perspective(pid)))/>
                    </td>
                </tr>
                {rows}
            </tbody>
        }.into_any());
    }
    if out.is_empty() {
        return view! { <tbody><tr><td colspan="8" class="muted">{td_string!(locale, scorecard.table.nothing_matches)}</td></tr></tbody> }.into_any();
    }
    out.collect_view().into_any()
}

/// The rows of one objective: its first measure beside it, then its other measures.
fn objective_rows(
    locale: Locale,
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
        .map(|m| measure_cells(locale, card, now, m, name_of(m.data_owner_id), open_why));
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
                        attr:class="small add-measure" attr:aria-label=td_string!(locale, scorecard.add_measure_to, title = o.title.clone()).to_string()>{td_string!(locale, scorecard.add_measure)}</A>
                })}
                <span class="objective-status">
                    <StatusChip score=score label=td_string!(locale, scorecard.objective_status, title = o.title.clone()).to_string()
                        on_why=Callback::new(move |_| open_why.run(Subject::Objective(oid)))/>
                    <Sparkline values=trend.iter().map(|s| s.value).collect() last=score.status label=td_string!(locale, scorecard.trend_of, name = o.title.clone()).to_string()/>
                </span>
            </th>
            {match first {
                Some(c) => c,
                None => view! { <td colspan="7" class="muted">{td_string!(locale, scorecard.table.no_measure)}</td> }.into_any(),
            }}
        </tr>
        {rest}
    }
    .into_any()
}

fn measure_cells(
    locale: Locale,
    card: &ScorecardData,
    now: &MapScores,
    m: &Measure,
    owner: String,
    open_why: Callback<Subject>,
) -> AnyView {
    let id: MeasureId = m.id;
    let fmt = |v: f64| format_value(locale, v, m.decimals, &m.unit);
    let figures = now.measure(id).cloned();
    let direction = match m.polarity {
        Polarity::HigherIsBetter => td_string!(locale, scorecard.polarity.higher),
        Polarity::LowerIsBetter => td_string!(locale, scorecard.polarity.lower),
        Polarity::OnTarget => td_string!(locale, scorecard.polarity.on_target),
    };
    let score = figures.as_ref().map_or(Score::NO_DATA, |f| f.score);
    let trend: Vec<Option<f64>> = card
        .history
        .iter()
        .map(|h| h.measure(id).and_then(|f| f.actual))
        .collect();
    let stale = figures.as_ref().is_some_and(|f| f.stale);
    let latest = figures.as_ref().and_then(|f| f.latest);
    let error = figures
        .as_ref()
        .and_then(|f| f.error.as_ref().map(|e| e.text(locale)));
    view! {
        <td class="measure-cell">
            <span class="measure-name">{m.name.clone()}</span>
            {card.rights.edit.then(|| view! {
                <A href=format!("/maps/{}?measure={id}", card.doc.map.id)
                    attr:class="small edit-measure" attr:aria-label=td_string!(locale, scorecard.edit_measure, name = m.name.clone()).to_string()>{td_string!(locale, scorecard.edit)}</A>
            })}
            <span class="polarity">{direction}</span>
            {stale.then(|| view! {
                <span class="stale-flag" title=td_string!(locale, scorecard.stale.title)>
                    {td_string!(locale, scorecard.stale.last, period = latest.map(|p| p.text(locale)).unwrap_or_else(|| td_string!(locale, scorecard.stale.never).into())).to_string()}
                </span>
            })}
            {error.map(|e| view! { <span class="form-error small">{e}</span> })}
        </td>
        <td class="num actual">{figures.as_ref().and_then(|f| f.actual).map(fmt).unwrap_or_else(|| td_string!(locale, scorecard.table.no_data).into())}</td>
        <td class="num">{figures.as_ref().and_then(|f| f.goal).map(fmt).unwrap_or_else(|| "—".into())}</td>
        <td class="num">{figures.as_ref().and_then(|f| f.red_flag).map(fmt).unwrap_or_else(|| "—".into())}</td>
        <td class="score-cell" data-status=score.status.as_str()>
            <StatusChip score=score label=td_string!(locale, scorecard.measure_status, name = m.name.clone()).to_string()
                on_why=Callback::new(move |_| open_why.run(Subject::Measure(id)))/>
        </td>
        <td><Sparkline values=trend last=score.status label=td_string!(locale, scorecard.trend_of, name = m.name.clone()).to_string()/></td>
        <td>{owner}</td>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_filters_are_named_in_the_page_s_language() {
        let en = status_choices(Locale::en);
        let de = status_choices(Locale::de);
        assert_eq!(en[0], ("red", "Red"));
        assert_eq!(de[2], ("green", "Im Plan"));
        assert_eq!(en.map(|c| c.0), de.map(|c| c.0));
        assert_eq!(
            td_string!(Locale::de, scorecard.stale.last, period = "März 2026").to_string(),
            "Veraltet · zuletzt März 2026"
        );
    }
}
