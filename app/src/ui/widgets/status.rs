//! Status pieces every screen shares: the coloured chip of a score, the period picker, and the
//! "why" view that explains any status with the numbers behind it.

use crate::domain::scores::{Subject, Why};
use crate::domain::scoring::{Score, Span, Status, GOAL_SCORE, RED_FLAG_SCORE};
use crate::i18n::*;
use leptos::prelude::*;

/// A score as a coloured chip: the score to two decimals (or "no data"), coloured by status,
/// with the status named for screen readers. Clicking it (when `on_why` is given) opens its why.
#[component]
pub fn StatusChip(
    score: Score,
    #[prop(optional, into)] label: Option<String>,
    #[prop(optional)] on_why: Option<Callback<()>>,
) -> impl IntoView {
    let locale = current_locale();
    let text = score.value.map_or_else(
        || td_string!(locale, common.status_chip.no_data).to_string(),
        |v| format_number(locale, v, 2),
    );
    let status = score.status.text(locale);
    let name = match &label {
        Some(l) => td_string!(
            locale,
            common.status_chip.named,
            label = l,
            status,
            score = &text
        )
        .to_string(),
        None => td_string!(locale, common.status_chip.unnamed, status, score = &text).to_string(),
    };
    let class = format!("status-chip status-{}", score.status.as_str());
    match on_why {
        Some(cb) => view! {
            <button type="button" class=class aria-label=name title=td_string!(locale, common.status_chip.why) data-status=score.status.as_str()
                on:click=move |ev| { ev.stop_propagation(); cb.run(()); }>
                {text}
            </button>
        }
        .into_any(),
        None => view! {
            <span class=class data-status=score.status.as_str() title=status>{text}</span>
        }
        .into_any(),
    }
}

/// Month / quarter / year and arrows to step through them.
#[component]
pub fn SpanPicker(span: RwSignal<Option<Span>>) -> impl IntoView {
    let locale = current_locale();
    let kind = move || span.get().map_or("month", Span::kind);
    let label = move || span.get().map(|s| s.text(locale)).unwrap_or_default();
    let step = move |n: i32| span.update(|s| *s = s.map(|s| s.shift(n)));
    view! {
        <div class="span-picker" role="group" aria-label=td_string!(locale, common.span_picker.label)>
            <select aria-label=td_string!(locale, common.span_picker.kind) prop:value=kind on:change=move |ev| {
                let k = event_target_value(&ev);
                span.update(|s| *s = s.map(|s| Span::of_kind(&k, s.bounds().1)));
            }>
                <option value="month">{td_string!(locale, common.span_picker.month)}</option>
                <option value="quarter">{td_string!(locale, common.span_picker.quarter)}</option>
                <option value="year">{td_string!(locale, common.span_picker.year)}</option>
            </select>
            <button type="button" aria-label=td_string!(locale, common.span_picker.previous) on:click=move |_| step(-1)>"‹"</button>
            <span class="span-label" aria-live="polite">{label}</span>
            <button type="button" aria-label=td_string!(locale, common.span_picker.next) on:click=move |_| step(1)>"›"</button>
        </div>
    }
}

/// The "why" of a status: the arithmetic line by line and, for a roll-up, each child's score,
/// weight and share — enough to check the colour by hand.
#[component]
pub fn WhyView(why: Why, on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let span = why.span.text(locale);
    let intro = match why.subject {
        Subject::Measure(_) => td_string!(locale, common.why.intro.measure, span = &span),
        Subject::Objective(_) => td_string!(locale, common.why.intro.objective, span = &span),
        Subject::Perspective(_) => td_string!(locale, common.why.intro.perspective, span = &span),
        Subject::Theme(_) => td_string!(locale, common.why.intro.theme, span = &span),
        Subject::Map => td_string!(locale, common.why.intro.map, span = &span),
    }
    .to_string();
    let scale = td_string!(
        locale,
        common.why.scale,
        red = format_number(locale, RED_FLAG_SCORE, 2),
        goal = format_number(locale, GOAL_SCORE, 2)
    )
    .to_string();
    let children = (!why.children.is_empty()).then(|| {
        let rows = why
            .children
            .iter()
            .map(|c| {
                let share = c
                    .share
                    .map_or_else(
                        || td_string!(locale, common.why.left_out).to_string(),
                        |s| format!("{} %", format_number(locale, s * 100.0, 0)),
                    );
                view! {
                    <tr>
                        <th scope="row">{c.name.clone()}</th>
                        <td><StatusChip score=c.score/></td>
                        <td class="num">{format_weight(locale, c.weight)}</td>
                        <td class="num">{share}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="why-children">
                <thead><tr><th scope="col">{t!(i18n, common.why.input)}</th><th scope="col">{t!(i18n, common.why.score)}</th><th scope="col" class="num">{t!(i18n, common.why.weight)}</th><th scope="col" class="num">{t!(i18n, common.why.share)}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    view! {
        <div class="why-backdrop" on:click=move |_| on_close.run(())>
            <section class="why" role="dialog" aria-modal="true" aria-label=td_string!(locale, common.why.dialog, title = &why.title).to_string()
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()); }>
                <header>
                    <h2>{why.title.clone()}</h2>
                    <StatusChip score=why.score/>
                </header>
                <p class="muted">{intro}</p>
                <ol class="why-lines">
                    {why.lines.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view()}
                </ol>
                {children}
                <p class="muted small">{scale}</p>
                <button type="button" class="primary" autofocus on:click=move |_| on_close.run(())>{t!(i18n, common.why.close)}</button>
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
    let locale = current_locale();
    let description = if known.is_empty() {
        td_string!(locale, common.sparkline.no_data, label = &label).to_string()
    } else {
        td_string!(
            locale,
            common.sparkline.reported,
            label = &label,
            known = known.len(),
            total = values.len()
        )
        .to_string()
    };
    view! {
        <svg class="sparkline" width=W height=H viewBox=format!("-3 0 {} {H}", W + 6.0) role="img" aria-label=description>
            {segments.into_iter().map(|d| view! { <path d=d class="spark-line"/> }).collect_view()}
            {dot.map(|(x, y)| view! { <circle cx=x cy=y r=3 fill=last.colour()/> })}
        </svg>
    }
}

/// A weight with as few decimals as it needs (up to three), the locale's way.
fn format_weight(locale: Locale, w: f64) -> String {
    let decimals = (0..3u8)
        .find(|d| {
            let scaled = w * 10f64.powi(i32::from(*d));
            (scaled - scaled.round()).abs() < 1e-9
        })
        .unwrap_or(3);
    format_number(locale, w, decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_take_the_decimals_they_need_in_the_locale() {
        assert_eq!(format_weight(Locale::en, 2.0), "2");
        assert_eq!(format_weight(Locale::en, 0.5), "0.5");
        assert_eq!(format_weight(Locale::de, 1.25), "1,25");
    }
}
