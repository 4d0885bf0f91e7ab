//! Status pieces every screen shares: the coloured chip of a score, the period picker, and the
//! "why" view that explains any status with the numbers behind it.

use crate::domain::scores::{Subject, Why};
use crate::domain::scoring::{Score, Span, Status};
use leptos::prelude::*;

/// A score as a coloured chip: the score to two decimals (or "no data"), coloured by status,
/// with the status named for screen readers. Clicking it (when `on_why` is given) opens its why.
#[component]
pub fn StatusChip(
    score: Score,
    #[prop(optional, into)] label: Option<String>,
    #[prop(optional)] on_why: Option<Callback<()>>,
) -> impl IntoView {
    let text = score
        .value
        .map_or_else(|| "no data".to_string(), |v| format!("{v:.2}"));
    let name = match &label {
        Some(l) => format!("{l}: {}, score {text}. Why?", score.status.label()),
        None => format!("{}, score {text}. Why?", score.status.label()),
    };
    let class = format!("status-chip status-{}", score.status.as_str());
    match on_why {
        Some(cb) => view! {
            <button type="button" class=class aria-label=name title="Why this status?" data-status=score.status.as_str()
                on:click=move |ev| { ev.stop_propagation(); cb.run(()); }>
                {text}
            </button>
        }
        .into_any(),
        None => view! {
            <span class=class data-status=score.status.as_str() title=score.status.label()>{text}</span>
        }
        .into_any(),
    }
}

/// Month / quarter / year and arrows to step through them.
#[component]
pub fn SpanPicker(span: RwSignal<Option<Span>>) -> impl IntoView {
    let kind = move || span.get().map_or("month", Span::kind);
    let label = move || span.get().map(Span::label).unwrap_or_default();
    let step = move |n: i32| span.update(|s| *s = s.map(|s| s.shift(n)));
    view! {
        <div class="span-picker" role="group" aria-label="Period">
            <select aria-label="Period kind" prop:value=kind on:change=move |ev| {
                let k = event_target_value(&ev);
                span.update(|s| *s = s.map(|s| Span::of_kind(&k, s.bounds().1)));
            }>
                <option value="month">"Month"</option>
                <option value="quarter">"Quarter"</option>
                <option value="year">"Year"</option>
            </select>
            <button type="button" aria-label="Previous period" on:click=move |_| step(-1)>"‹"</button>
            <span class="span-label" aria-live="polite">{label}</span>
            <button type="button" aria-label="Next period" on:click=move |_| step(1)>"›"</button>
        </div>
    }
}

/// The "why" of a status: the arithmetic line by line and, for a roll-up, each child's score,
/// weight and share — enough to check the colour by hand.
#[component]
pub fn WhyView(why: Why, on_close: Callback<()>) -> impl IntoView {
    let what = match why.subject {
        Subject::Measure(_) => "measure",
        Subject::Objective(_) => "objective",
        Subject::Perspective(_) => "perspective",
        Subject::Theme(_) => "theme",
        Subject::Map => "map",
    };
    let children = (!why.children.is_empty()).then(|| {
        let rows = why
            .children
            .iter()
            .map(|c| {
                let share = c
                    .share
                    .map_or_else(|| "left out".to_string(), |s| format!("{:.0} %", s * 100.0));
                view! {
                    <tr>
                        <th scope="row">{c.name.clone()}</th>
                        <td><StatusChip score=c.score/></td>
                        <td class="num">{format_weight(c.weight)}</td>
                        <td class="num">{share}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="why-children">
                <thead><tr><th scope="col">"Input"</th><th scope="col">"Score"</th><th scope="col" class="num">"Weight"</th><th scope="col" class="num">"Share"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    view! {
        <div class="why-backdrop" on:click=move |_| on_close.run(())>
            <section class="why" role="dialog" aria-modal="true" aria-label=format!("Why: {}", why.title)
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()); }>
                <header>
                    <h2>{why.title.clone()}</h2>
                    <StatusChip score=why.score/>
                </header>
                <p class="muted">{format!("How this {what}'s status for {} is computed:", why.span.label())}</p>
                <ol class="why-lines">
                    {why.lines.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view()}
                </ol>
                {children}
                <p class="muted small">"Scores run from 0 to 10: red below 3.33, amber below 6.67, green from 6.67. Items without data are left out, never counted as 0."</p>
                <button type="button" class="primary" autofocus on:click=move |_| on_close.run(())>"Close"</button>
            </section>
        </div>
    }
}

/// A small trend line of the last periods (missing values leave gaps), its last point coloured
/// by the current status.
#[component]
pub fn Sparkline(
    values: Vec<Option<f64>>,
    last: Status,
    #[prop(into)] label: String,
) -> impl IntoView {
    const W: f64 = 96.0;
    const H: f64 = 24.0;
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let (segments, dot) = crate::domain::chart::sparkline(&values, W, H);
    let description = if known.is_empty() {
        format!("{label}: no data")
    } else {
        format!(
            "{label}: {} of {} periods reported",
            known.len(),
            values.len()
        )
    };
    view! {
        <svg class="sparkline" width=W height=H viewBox=format!("-3 0 {} {H}", W + 6.0) role="img" aria-label=description>
            {segments.into_iter().map(|d| view! { <path d=d class="spark-line"/> }).collect_view()}
            {dot.map(|(x, y)| view! { <circle cx=x cy=y r=3 fill=last.colour()/> })}
        </svg>
    }
}

fn format_weight(w: f64) -> String {
    if w.fract() == 0.0 {
        format!("{w:.0}")
    } else {
        format!("{w}")
    }
}
