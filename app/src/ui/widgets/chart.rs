//! The measure chart, drawn by the app as SVG from the pure geometry in `domain::chart`:
//! threshold bands behind, the goal as a step line, the actuals with a dot per month, the
//! least-squares trend on to the period end, axes, and the month's figures on hover or focus.

use super::format_value;
use crate::domain::chart::{self, chart_window, ChartGeometry};
use crate::domain::scores::{MonthFigures, ScoreModel};
use crate::domain::scoring::ScoringType;
use crate::domain::{Measure, Period};
use crate::i18n::*;
use leptos::prelude::*;

/// What a measure chart shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartInput {
    pub name: String,
    pub unit: String,
    pub decimals: u8,
    pub scoring: ScoringType,
    pub months: Vec<MonthFigures>,
}

impl ChartInput {
    /// The chart of `measure` from `model`: twelve months up to `last`, on to December.
    pub fn of(model: &ScoreModel, measure: &Measure, last: Period) -> Option<ChartInput> {
        let (from, to) = chart_window(last);
        Some(ChartInput {
            name: measure.name.clone(),
            unit: measure.unit.clone(),
            decimals: measure.decimals,
            scoring: measure.scoring.clone(),
            months: model.series(measure.id, from, to)?,
        })
    }

    fn fmt(&self, locale: Locale, v: f64) -> String {
        format_value(locale, v, self.decimals, &self.unit)
    }
}

/// A measure's chart. `compact` draws it smaller (the map's side panel); `aspect` (width over
/// height) shapes it to the box it fills, so a wide dashboard tile gets a wide chart.
#[component]
pub fn MeasureChart(
    #[prop(into)] input: Signal<Option<ChartInput>>,
    #[prop(optional)] compact: bool,
    #[prop(optional)] aspect: Option<f64>,
) -> impl IntoView {
    let (w, h) = match (compact, aspect) {
        (true, _) => (320.0, 150.0),
        (false, Some(a)) if a.is_finite() && a > 0.0 => (480.0, (480.0 / a).clamp(110.0, 360.0)),
        _ => (480.0, 210.0),
    };
    let geometry = Memo::new(move |_| {
        input.with(|i| {
            i.as_ref()
                .map(|i| (chart::layout(&i.months, &i.scoring, w, h), i.clone()))
        })
    });
    let hover = RwSignal::new(None::<usize>);
    move || {
        geometry.with(|g| {
            let (g, input) = g.as_ref()?;
            Some(chart_view(g, input, hover, compact))
        })
    }
}

/// The whole SVG of one chart.
fn chart_view(
    g: &ChartGeometry,
    input: &ChartInput,
    hover: RwSignal<Option<usize>>,
    compact: bool,
) -> AnyView {
    let locale = current_locale();
    let summary = summary(locale, g, input);
    let bands = g
        .bands
        .iter()
        .map(|b| {
            // A status band is named in the page's language; a custom band by its own name.
            let label = b.status.map_or_else(|| b.label.clone(), |s| s.text(locale).to_string());
            view! { <polygon class="band" points=b.svg_points() fill=b.colour.clone()><title>{label}</title></polygon> }
        })
        .collect_view();
    let y_axis = g
        .y_ticks
        .iter()
        .map(|(v, y)| {
            let label = format_value(locale, *v, input.decimals.min(2), "");
            view! {
                <line class="grid" x1=g.left x2=g.right y1=*y y2=*y/>
                <text class="tick" x=g.left - 4.0 y=*y + 3.5 text-anchor="end">{label}</text>
            }
        })
        .collect_view();
    let x_axis = g
        .x_labels
        .iter()
        .map(|(x, l)| view! { <text class="tick" x=*x y=g.bottom + 15.0 text-anchor="middle">{l.clone()}</text> })
        .collect_view();
    let trend = g.trend.map(|((x0, y0), (x1, y1))| {
        view! { <line class="trend-line" x1=x0 y1=y0 x2=x1 y2=y1/> }
    });
    let dots = g
        .columns
        .iter()
        .filter_map(|c| c.y.map(|y| view! { <circle class="actual-dot" cx=c.x cy=y r=if compact { 2.5 } else { 3.5 }/> }))
        .collect_view();
    let columns = g
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let text = month_text(locale, input, c.period, c.actual, c.goal, c.red_flag);
            let label = text.clone();
            view! {
                <rect class="hover-column" x=c.left y=g.top width=(c.right - c.left).max(0.0) height=g.bottom - g.top
                    tabindex="0" aria-label=label
                    on:mouseenter=move |_| hover.set(Some(i)) on:focus=move |_| hover.set(Some(i))
                    on:mouseleave=move |_| hover.set(None) on:blur=move |_| hover.set(None)>
                    <title>{text}</title>
                </rect>
            }
        })
        .collect_view();
    let tip = tooltip(locale, g.clone(), input.clone(), hover);
    let legend_trend = g.trend_end.map(|v| {
        let end = g
            .columns
            .last()
            .map(|c| c.period.text(locale))
            .unwrap_or_default();
        let text = td_string!(
            locale,
            common.chart.trend_to,
            period = end,
            value = input.fmt(locale, v)
        );
        view! { <span class="legend-trend">{text.to_string()}</span> }
    });
    view! {
        <figure class="measure-chart" class:compact=compact>
            <svg viewBox=format!("0 0 {} {}", g.width, g.height) role="img" aria-label=summary preserveAspectRatio="xMidYMid meet">
                <g class="bands">{bands}</g>
                <g class="axes">{y_axis}{x_axis}</g>
                <path class="goal-line" d=g.goal_path.clone()/>
                {trend}
                <path class="actual-line" d=g.actual_path.clone()/>
                {dots}
                <g class="hover-columns">{columns}</g>
                {tip}
            </svg>
            <figcaption class="chart-legend">
                <span class="legend-actual">{td_string!(locale, common.chart.actual)}</span>
                <span class="legend-goal">{td_string!(locale, common.chart.target)}</span>
                {legend_trend}
            </figcaption>
        </figure>
    }
    .into_any()
}

/// "Mar 2026: actual 87.5 %, target 90 %, red flag 80 %".
fn month_text(
    locale: Locale,
    input: &ChartInput,
    p: Period,
    actual: Option<f64>,
    goal: Option<f64>,
    red: Option<f64>,
) -> String {
    let actual = actual.map_or_else(
        || td_string!(locale, common.chart.no_data).to_string(),
        |v| input.fmt(locale, v),
    );
    let mut parts = vec![td_string!(locale, common.chart.month_actual, value = actual).to_string()];
    if let Some(g) = goal {
        parts.push(
            td_string!(
                locale,
                common.chart.month_target,
                value = input.fmt(locale, g)
            )
            .to_string(),
        );
    }
    if let Some(r) = red {
        parts.push(
            td_string!(
                locale,
                common.chart.month_red_flag,
                value = input.fmt(locale, r)
            )
            .to_string(),
        );
    }
    format!("{}: {}", p.text(locale), parts.join(", "))
}

/// The chart's accessible summary.
fn summary(locale: Locale, g: &ChartGeometry, input: &ChartInput) -> String {
    let reported = g.columns.iter().filter(|c| c.actual.is_some()).count();
    let trend = g
        .trend_end
        .map(|v| {
            td_string!(
                locale,
                common.chart.summary_trend,
                value = input.fmt(locale, v)
            )
            .to_string()
        })
        .unwrap_or_default();
    td_string!(
        locale,
        common.chart.summary,
        name = &input.name,
        reported,
        months = td_string!(locale, common.count.months, count = g.columns.len() as u64),
        trend
    )
    .to_string()
}

/// The hovered month's marker and figures.
fn tooltip(
    locale: Locale,
    g: ChartGeometry,
    input: ChartInput,
    hover: RwSignal<Option<usize>>,
) -> impl IntoView {
    move || {
        let c = g.columns.get(hover.get()?)?;
        let actual = c.actual.map_or_else(
            || td_string!(locale, common.chart.no_data).to_string(),
            |v| input.fmt(locale, v),
        );
        let lines = [
            Some(c.period.text(locale)),
            Some(td_string!(locale, common.chart.tip_actual, value = actual).to_string()),
            c.goal.map(|v| {
                td_string!(
                    locale,
                    common.chart.tip_target,
                    value = input.fmt(locale, v)
                )
                .to_string()
            }),
            c.red_flag.map(|v| {
                td_string!(
                    locale,
                    common.chart.tip_red_flag,
                    value = input.fmt(locale, v)
                )
                .to_string()
            }),
        ];
        let lines: Vec<String> = lines.into_iter().flatten().collect();
        let box_w = 118.0;
        let box_h = 14.0 * lines.len() as f64 + 8.0;
        let x = if c.x + box_w + 8.0 > g.right {
            c.x - box_w - 8.0
        } else {
            c.x + 8.0
        };
        let y = g.top + 2.0;
        Some(view! {
            <g class="chart-tooltip" pointer-events="none">
                <line class="hover-line" x1=c.x x2=c.x y1=g.top y2=g.bottom/>
                <rect x=x y=y width=box_w height=box_h rx=4/>
                {lines.into_iter().enumerate().map(|(i, l)| view! {
                    <text x=x + 6.0 y=y + 14.0 + 14.0 * i as f64>{l}</text>
                }).collect_view()}
            </g>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_described_in_the_page_language() {
        let input = ChartInput {
            name: "Churn".into(),
            unit: "%".into(),
            decimals: 1,
            scoring: ScoringType::GoalRedFlag,
            months: Vec::new(),
        };
        let p = Period::new(2026, 3).unwrap_or_else(|| unreachable!());
        assert_eq!(
            month_text(Locale::en, &input, p, Some(87.5), Some(90.0), Some(80.0)),
            "Mar 2026: actual 87.5 %, target 90.0 %, red flag 80.0 %"
        );
        assert_eq!(
            month_text(Locale::de, &input, p, None, Some(90.0), None),
            "März 2026: Istwert keine Daten, Zielvorgabe 90,0 %"
        );
    }
}
