//! One agenda item as the review saw it: for a measure its figures (actual, goal, red flag),
//! status in words, the note entered with the value, its chart and the "why"; for an objective
//! its score and the initiatives that move it; for an initiative or an open action its state;
//! and the commentary written on it. The agenda cards and the presenter view both show it.

use super::review::Screen;
use super::{name_of, status_words};
use crate::api::reviews::ReviewPage;
use crate::domain::drawing;
use crate::domain::hypothesis::HypothesisView;
use crate::domain::review::{
    ActionItem, AgendaItem, ItemDetail, ItemSubject, SnapInitiative, SnapMeasure, SnapObjective,
};
use crate::domain::*;
use crate::i18n::*;
use crate::ui::hypotheses::VerdictChip;
use crate::ui::widgets::chart::{ChartInput, MeasureChart};
use crate::ui::widgets::format_value;
use crate::ui::widgets::initiatives::initiative_status;
use leptos::prelude::*;

/// Everything the page knows about one agenda item, gathered from the snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    pub item: AgendaItem,
    /// Its place on the agenda, from 0.
    pub index: usize,
    pub measure: Option<SnapMeasure>,
    pub detail: Option<ItemDetail>,
    pub objective: Option<SnapObjective>,
    /// The initiatives that move the item's objective (or the initiative it is about).
    pub initiatives: Vec<SnapInitiative>,
    /// The earlier action it is about.
    pub action: Option<ActionItem>,
    /// The arrow it is about, as the data tested it.
    pub arrow: Option<HypothesisView>,
    /// The review's map.
    pub map_id: MapId,
    pub owner: Option<String>,
    pub written_by: Option<String>,
}

/// The facts of item `id` on `page`, if it is on the agenda.
pub fn facts(page: &ReviewPage, id: ReviewItemId) -> Option<Facts> {
    let snap = &page.snapshot;
    let index = snap.items.iter().position(|i| i.id == id)?;
    let item = snap.items[index].clone();
    let measure = match item.subject {
        ItemSubject::Measure(m) => snap.measures.iter().find(|x| x.id == m).cloned(),
        _ => None,
    };
    let objective_id = match item.subject {
        ItemSubject::Objective(o) => Some(o),
        _ => measure.as_ref().map(|m| m.objective_id),
    };
    let objective = objective_id.and_then(|o| snap.objectives.iter().find(|x| x.id == o).cloned());
    let initiatives = match item.subject {
        ItemSubject::Initiative(i) => snap
            .initiatives
            .iter()
            .filter(|x| x.id == i)
            .cloned()
            .collect(),
        _ => objective_id.map_or_else(Vec::new, |o| {
            snap.initiatives
                .iter()
                .filter(|x| x.objective_ids.contains(&o))
                .cloned()
                .collect()
        }),
    };
    let action = match item.subject {
        ItemSubject::Action(a) => snap.actions.iter().find(|x| x.id == a).cloned(),
        _ => None,
    };
    let arrow = match item.subject {
        ItemSubject::Link(l) => crate::domain::briefing::arrow_of(snap, l).cloned(),
        _ => None,
    };
    Some(Facts {
        arrow,
        map_id: page.review.map_id,
        owner: name_of(&page.people, item.owner_id),
        written_by: name_of(&page.people, item.commentary.written_by),
        detail: snap.details.iter().find(|d| d.item_id == id).cloned(),
        measure,
        objective,
        initiatives,
        action,
        index,
        item,
    })
}

/// The facts of item `id` as the page changes; unchanged facts do not redraw.
pub fn facts_memo(screen: Screen, id: ReviewItemId) -> Memo<Option<Facts>> {
    Memo::new(move |_| screen.page.with(|p| facts(p, id)))
}

/// The body of an item: its figures, chart, "why", objective and initiatives. `large` draws it
/// for the presenter view.
#[component]
pub fn ItemBody(facts: Memo<Option<Facts>>, #[prop(optional)] large: bool) -> impl IntoView {
    let chart = Memo::new(move |_| facts.with(|f| f.as_ref().and_then(chart_of)));
    view! {
        <div class="item-body" class:large=large>
            {move || facts.get().map(|f| view! {
                {f.measure.as_ref().map(measure_figures)}
                {f.action.as_ref().map(|a| action_facts(a, f.owner.clone()))}
                {f.arrow.clone().map(|a| arrow_facts(a, f.map_id))}
            })}
            <div class="item-chart">
                <MeasureChart input=chart aspect=if large { 2.4 } else { 2.6 }/>
            </div>
            {move || facts.get().map(|f| view! {
                {f.detail.as_ref().and_then(|d| d.why.clone()).map(|w| why_lines(w, large))}
                {f.objective.clone().map(|o| objective_facts(o, f.measure.is_some()))}
                {(!f.initiatives.is_empty()).then(|| initiative_list(f.initiatives.clone()))}
            })}
        </div>
    }
}

/// The commentary written on an item (or a line saying there is none yet).
#[component]
pub fn CommentaryView(facts: Memo<Option<Facts>>) -> impl IntoView {
    move || facts.with(|f| f.as_ref().map(commentary))
}

/// A measure item's chart, from the months the review saw and how the measure is scored.
fn chart_of(f: &Facts) -> Option<ChartInput> {
    let m = f.measure.as_ref()?;
    let d = f.detail.as_ref()?;
    if d.chart.is_empty() {
        return None;
    }
    Some(ChartInput {
        name: m.name.clone(),
        unit: m.unit.clone(),
        decimals: m.decimals,
        scoring: d.scoring.clone()?,
        months: d.chart.clone(),
    })
}

/// A measure's figures for the span: actual (with the note entered with it), goal, red flag and
/// status in words.
fn measure_figures(m: &SnapMeasure) -> impl IntoView {
    let locale = current_locale();
    let fmt = |v: Option<f64>| {
        v.map_or_else(
            || td_string!(locale, reviews.item.no_value).to_string(),
            |v| format_value(locale, v, m.decimals, &m.unit),
        )
    };
    view! {
        <div class="figures">
            <dl>
                <div><dt>{td_string!(locale, reviews.item.actual)}</dt><dd class="num">{fmt(m.actual)}</dd></div>
                <div><dt>{td_string!(locale, reviews.item.goal)}</dt><dd class="num">{fmt(m.goal)}</dd></div>
                <div><dt>{td_string!(locale, reviews.item.red_flag)}</dt><dd class="num">{fmt(m.red_flag)}</dd></div>
                <div><dt>{td_string!(locale, reviews.item.status)}</dt><dd>{status_words(locale, m.score)}</dd></div>
            </dl>
            {m.stale.then(|| view! { <span class="stale-flag">{td_string!(locale, reviews.item.stale)}</span> })}
            {(!m.note.trim().is_empty()).then(|| view! {
                <p class="value-note"><span class="sub-label">{td_string!(locale, reviews.item.note)}</span>" "{m.note.clone()}</p>
            })}
        </div>
    }
}

/// An arrow the data contradicts: the verdict and its reason, what the arrow expects and what
/// was found, both objectives' monthly scores and the correlation at each lag.
fn arrow_facts(a: HypothesisView, map: MapId) -> impl IntoView {
    let locale = current_locale();
    let series = drawing::series_svg(&a, locale);
    let lags = drawing::lag_chart_svg(&a, locale);
    view! {
        <div class="item-arrow" data-verdict=a.test.verdict.class()>
            <p><VerdictChip verdict=a.test.verdict/>" "{a.test.verdict.why(locale)}</p>
            <p class="meta">{a.expectation(locale)}{a.finding(locale).map(|f| format!(" · {f}"))}</p>
            {(!a.hypothesis.trim().is_empty()).then(|| view! { <p class="value-note">{a.hypothesis.clone()}</p> })}
            <div class="arrow-charts">
                <figure role="img" aria-label=td_string!(locale, hypotheses.chart.series) inner_html=series></figure>
                <figure role="img" aria-label=td_string!(locale, hypotheses.chart.lags) inner_html=lags></figure>
            </div>
            <a href=format!("/maps/{map}/hypotheses")>{td_string!(locale, hypotheses.panel.all)}</a>
        </div>
    }
}

/// An open action from an earlier review: what, who, by when, and whether it is late.
fn action_facts(a: &ActionItem, owner: Option<String>) -> impl IntoView {
    let locale = current_locale();
    let owner = owner.unwrap_or_else(|| td_string!(locale, reviews.actions.nobody).to_string());
    view! {
        <p class="item-action">
            {a.text.clone()}
            <span class="meta">" · "{owner}" · "{td_string!(locale, reviews.actions.due, date = format_date(locale, a.due_on)).to_string()}</span>
        </p>
    }
}

/// The "why" of the status: the arithmetic, one step a line; folded away on a card, open in
/// the presenter view (`large`).
fn why_lines(why: crate::domain::scores::Why, large: bool) -> impl IntoView {
    let locale = current_locale();
    view! {
        <details class="item-why" open=large>
            <summary class="sub-label">{td_string!(locale, reviews.item.why)}</summary>
            <ol>{why.lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ol>
        </details>
    }
}

/// The objective's score (an objective item), or the objective a measure belongs to.
fn objective_facts(o: SnapObjective, of_measure: bool) -> impl IntoView {
    let locale = current_locale();
    let label = if of_measure {
        td_string!(locale, reviews.item.of_objective)
    } else {
        td_string!(locale, reviews.item.objective_score)
    };
    view! {
        <p class="item-objective">
            <span class="sub-label">{label}</span>" "
            {of_measure.then(|| view! { <span>{o.title.clone()}" "</span> })}
            {status_words(locale, o.score)}
            {(!o.perspective.is_empty()).then(|| view! { <span class="meta">" · "{o.perspective.clone()}</span> })}
        </p>
    }
}

/// The initiatives that move the objective: status in words and colour, % complete, end date.
fn initiative_list(list: Vec<SnapInitiative>) -> impl IntoView {
    let locale = current_locale();
    view! {
        <div class="item-initiatives">
            <p class="sub-label">{td_string!(locale, reviews.item.initiatives)}</p>
            <ul>
                {list.into_iter().map(|i| {
                    let (light, word) = initiative_status(locale, i.status);
                    let pct = i.percent_complete.min(100);
                    view! {
                        <li>
                            <span class="initiative-name">{i.name.clone()}</span>" "
                            <span class=format!("status-chip status-{}", light.as_str()) data-status=light.as_str()>{word}</span>" "
                            <span class="meta">{td_string!(locale, reviews.item.initiative_line, pct = pct, date = format_date(locale, i.end_date)).to_string()}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// The commentary on the item: analysis and recommendation, who wrote it and when; or a line
/// saying there is none yet.
fn commentary(f: &Facts) -> AnyView {
    let locale = current_locale();
    let c = &f.item.commentary;
    if c.is_empty() {
        return view! { <p class="commentary-none muted">{td_string!(locale, reviews.item.no_commentary)}</p> }.into_any();
    }
    let by = f
        .written_by
        .clone()
        .unwrap_or_else(|| td_string!(locale, reviews.actions.nobody).to_string());
    let when = c
        .written_at
        .as_deref()
        .and_then(super::day_of)
        .map(|d| format_date(locale, d))
        .unwrap_or_default();
    view! {
        <div class="commentary">
            <p class="sub-label">{td_string!(locale, reviews.item.analysis)}</p>
            <p class="commentary-text">{c.analysis.clone()}</p>
            <p class="sub-label">{td_string!(locale, reviews.item.recommendation)}</p>
            <p class="commentary-text">{c.recommendation.clone()}</p>
            <p class="meta small">{td_string!(locale, reviews.item.written_by, name = &by, date = &when).to_string()}</p>
        </div>
    }
    .into_any()
}
