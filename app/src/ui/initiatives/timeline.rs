//! The initiative timeline (Gantt, SVG): a bar per initiative from start to end, shaded for %
//! complete and coloured (and worded) by status, milestone diamonds, a today line, columns by
//! month or quarter, lanes by objective or by owner. Editors drag a bar (or press the arrow
//! keys on it) to move the initiative, or a diamond to move a milestone; the move is saved at
//! once and can be undone from the note it leaves.

use super::{status_word, PageState};
use crate::api::initiatives::InitiativeCard;
use crate::domain::initiative::{self, GroupBy, Lane, Scale, Zoom};
use crate::domain::{InitiativeId, MilestoneId};
use crate::i18n::*;
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;

/// Height of one initiative's row.
const ROW: f64 = 34.0;
/// Height of a lane's heading row.
const HEADING: f64 = 26.0;
/// Width of the names column on the left.
const NAMES: f64 = 230.0;
/// Height of the column header.
const HEADER: f64 = 30.0;

/// What is being dragged and by how many days so far.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Drag {
    initiative: InitiativeId,
    milestone: Option<MilestoneId>,
    start_x: f64,
    days: i64,
}

/// What the drawing is made of, recomputed when the page, the zoom or the grouping change.
#[derive(Clone, Debug, PartialEq)]
struct Layout {
    width: f64,
    height: f64,
    scale: Scale,
    rows: Vec<Row>,
    shown: Vec<InitiativeCard>,
    today: NaiveDate,
    may_edit: bool,
}

/// A row of the drawing: a lane's heading, or an initiative under it.
#[derive(Clone, Debug, PartialEq)]
enum Row {
    Heading(String),
    Item(InitiativeId),
}

/// The rows of `lanes`, in drawing order.
fn rows(lanes: &[Lane], no_heading: &str) -> Vec<Row> {
    let mut out = Vec::new();
    for lane in lanes {
        out.push(Row::Heading(
            lane.heading
                .clone()
                .unwrap_or_else(|| no_heading.to_string()),
        ));
        out.extend(lane.initiatives.iter().copied().map(Row::Item));
    }
    out
}

/// The label of a header column starting on `d`.
fn column_label(locale: Locale, d: NaiveDate, zoom: Zoom) -> String {
    match zoom {
        Zoom::Month => format!("{} {}", month_short(locale, d.month()), d.year()),
        Zoom::Quarter => td_string!(
            locale,
            initiatives.timeline.quarter_label,
            quarter = d.month0() / 3 + 1,
            year = d.year()
        )
        .to_string(),
    }
}

/// The timeline of the page's open initiatives.
#[component]
pub fn Timeline(state: PageState) -> impl IntoView {
    let locale = current_locale();
    let zoom = RwSignal::new(Zoom::Month);
    let group = RwSignal::new(GroupBy::Objective);
    let drag = RwSignal::new(None::<Drag>);
    let unit = state.page.with_untracked(|p| p.unit.name.clone());
    let label = td_string!(locale, initiatives.timeline.label, unit = &unit).to_string();
    let layout = Memo::new(move |_| {
        let page = state.page.get();
        let shown: Vec<InitiativeCard> = page
            .items
            .iter()
            .filter(|c| state.show_closed.get() || c.summary.initiative.closed_on.is_none())
            .cloned()
            .collect();
        let summaries: Vec<_> = shown.iter().map(|c| c.summary.clone()).collect();
        let objectives: Vec<_> = page
            .objectives
            .iter()
            .map(|o| (o.id, o.title.clone()))
            .collect();
        let lanes = initiative::lanes(&summaries, group.get(), &objectives);
        let no_heading = match group.get() {
            GroupBy::Objective => td_string!(locale, initiatives.timeline.no_objective),
            GroupBy::Owner => td_string!(locale, initiatives.timeline.no_owner),
        };
        let rows = rows(&lanes, no_heading);
        let dates = shown.iter().flat_map(|c| {
            let i = &c.summary.initiative;
            [i.start_date, i.end_date]
                .into_iter()
                .chain(c.milestones.iter().map(|m| m.due_date))
        });
        let scale = Scale::fit(dates, page.today, zoom.get());
        let height = HEADER
            + rows
                .iter()
                .map(|r| match r {
                    Row::Heading(_) => HEADING,
                    Row::Item(_) => ROW,
                })
                .sum::<f64>()
            + 8.0;
        Layout {
            width: NAMES + scale.width(),
            height,
            scale,
            rows,
            shown,
            today: page.today,
            may_edit: page.may_edit,
        }
    });
    let drawing = move || {
        let l = layout.get();
        let (width, height) = (l.width, l.height);
        let mut y = HEADER;
        let mut drawn = Vec::new();
        for row in &l.rows {
            match row {
                Row::Heading(text) => {
                    drawn.push(
                        view! {
                            <g class="tl-lane">
                                <rect x="0" y=y width=width height=HEADING class="tl-lane-bg"/>
                                <text x="8" y=y + 17.0 class="tl-lane-title">{text.clone()}</text>
                            </g>
                        }
                        .into_any(),
                    );
                    y += HEADING;
                }
                Row::Item(id) => {
                    if let Some(card) = l.shown.iter().find(|c| c.summary.initiative.id == *id) {
                        drawn.push(
                            bar(locale, state, card, &l.scale, y, l.may_edit, drag).into_any(),
                        );
                    }
                    y += ROW;
                }
            }
        }
        let today_x = NAMES + l.scale.x(l.today);
        let zoom = l.scale.zoom;
        view! {
            <g class="tl-columns">
                {l.scale.columns().into_iter().map(|c| view! {
                    <g>
                        <rect x=NAMES + c.x y="0" width=c.width height=height class="tl-column"/>
                        <text x=NAMES + c.x + 4.0 y="19" class="tl-column-label">{column_label(locale, c.first_day, zoom)}</text>
                    </g>
                }).collect_view()}
            </g>
            {drawn}
            <g class="tl-today">
                <line x1=today_x x2=today_x y1=HEADER - 6.0 y2=height/>
                <text x=today_x + 3.0 y=HEADER - 8.0>{td_string!(locale, initiatives.timeline.today)}</text>
            </g>
        }
    };
    let finish = move || {
        if let Some(d) = drag.get_untracked() {
            drag.set(None);
            if d.days != 0 {
                super::reschedule(state, d.initiative, d.milestone, d.days);
            }
        }
    };
    let svg = view! {
        <svg class="timeline" role="group" aria-label=label.clone()
            width=move || layout.with(|l| l.width) height=move || layout.with(|l| l.height)
            viewBox=move || layout.with(|l| format!("0 0 {} {}", l.width, l.height))
            on:pointermove=move |ev| {
                if let Some(d) = drag.get_untracked() {
                    let days = layout.with_untracked(|l| l.scale.days_for(f64::from(ev.client_x()) - d.start_x));
                    if days != d.days {
                        drag.set(Some(Drag { days, ..d }));
                    }
                }
            }
            on:pointerup=move |_| finish()
            on:pointerleave=move |_| finish()
            on:pointercancel=move |_| drag.set(None)>
            {drawing}
        </svg>
    };
    // Opens on today (the past runs off to the left), and again when the zoom changes.
    let scroller = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        zoom.track();
        let today_x = layout.with_untracked(|l| NAMES + l.scale.x(l.today));
        if let Some(div) = scroller.get() {
            div.set_scroll_left((today_x - NAMES - 120.0).max(0.0) as i32);
        }
    });
    view! {
        <section class="card timeline-card" aria-labelledby="timeline-heading">
            <div class="timeline-head">
                <h2 id="timeline-heading">{td_string!(locale, initiatives.timeline.heading)}</h2>
                <fieldset class="segmented">
                    <legend>{td_string!(locale, initiatives.timeline.zoom)}</legend>
                    <label><input type="radio" name="tl-zoom" prop:checked=move || zoom.get() == Zoom::Month on:change=move |_| zoom.set(Zoom::Month)/>{td_string!(locale, initiatives.timeline.month)}</label>
                    <label><input type="radio" name="tl-zoom" prop:checked=move || zoom.get() == Zoom::Quarter on:change=move |_| zoom.set(Zoom::Quarter)/>{td_string!(locale, initiatives.timeline.quarter)}</label>
                </fieldset>
                <fieldset class="segmented">
                    <legend>{td_string!(locale, initiatives.timeline.group)}</legend>
                    <label><input type="radio" name="tl-group" prop:checked=move || group.get() == GroupBy::Objective on:change=move |_| group.set(GroupBy::Objective)/>{td_string!(locale, initiatives.timeline.by_objective)}</label>
                    <label><input type="radio" name="tl-group" prop:checked=move || group.get() == GroupBy::Owner on:change=move |_| group.set(GroupBy::Owner)/>{td_string!(locale, initiatives.timeline.by_owner)}</label>
                </fieldset>
                <a class="button secondary no-print" download
                    href=format!("/units/{}/export/timeline.png", state.page.with_untracked(|p| p.unit.id))
                    aria-label=td_string!(locale, initiatives.timeline.png_label, unit = &unit).to_string()>
                    {td_string!(locale, initiatives.timeline.png)}
                </a>
            </div>
            {move || state.page.with(|p| p.may_edit).then(|| view! {
                <p class="muted small">{td_string!(locale, initiatives.timeline.hint)}</p>
            })}
            <div class="timeline-scroll" node_ref=scroller tabindex="0" role="region" aria-label=label.clone()>{svg}</div>
        </section>
    }
}

/// One initiative's row: its name, its bar (shaded for % complete, worded with its status) and
/// its milestones, moved by the drag in progress.
fn bar(
    locale: Locale,
    state: PageState,
    card: &InitiativeCard,
    scale: &Scale,
    y: f64,
    may_edit: bool,
    drag: RwSignal<Option<Drag>>,
) -> impl IntoView {
    let i = card.summary.initiative.clone();
    let id = i.id;
    let movable = may_edit && i.closed_on.is_none();
    let dragging = drag
        .get()
        .filter(|d| d.initiative == id)
        .map_or((0, None), |d| (d.days, d.milestone));
    let bar_days = if dragging.1.is_none() { dragging.0 } else { 0 };
    let start = initiative::shift(i.start_date, bar_days);
    let end = initiative::shift(i.end_date, bar_days);
    let x = NAMES + scale.x(start);
    let w = (scale.x(end) - scale.x(start) + scale.zoom.px_per_day()).max(4.0);
    let pct = card.summary.initiative.percent_complete.min(100);
    let status = status_word(locale, i.status);
    let light = super::status_light(i.status);
    let name = i.name.clone();
    let aria = td_string!(
        locale,
        initiatives.timeline.bar,
        name = &name,
        start = format_date(locale, start),
        end = format_date(locale, end),
        pct = pct,
        status = status
    )
    .to_string();
    let text = format!("{} · {pct} % · {status}", i.name);
    let title = aria.clone();
    let overdue: Vec<MilestoneId> =
        initiative::overdue_milestones(&card.milestones, state.page.with_untracked(|p| p.today))
            .map(|m| m.id)
            .collect();
    let diamonds = card
        .milestones
        .iter()
        .map(|m| {
            let days = if dragging.1 == Some(m.id) {
                dragging.0
            } else {
                bar_days
            };
            let due = initiative::shift(m.due_date, days);
            let cx = NAMES + scale.x(due) + scale.zoom.px_per_day() / 2.0;
            let cy = y + ROW / 2.0;
            let points = format!(
                "{cx},{} {},{cy} {cx},{} {},{cy}",
                cy - 8.0,
                cx + 8.0,
                cy + 8.0,
                cx - 8.0
            );
            let state_word = if m.done {
                td_string!(locale, initiatives.timeline.done)
            } else {
                td_string!(locale, initiatives.timeline.open)
            };
            let label = td_string!(
                locale,
                initiatives.timeline.milestone,
                name = &m.name,
                date = format_date(locale, due),
                state = state_word
            )
            .to_string();
            let mid = m.id;
            let late = overdue.contains(&m.id);
            let title = label.clone();
            view! {
                <polygon points=points class="tl-milestone" class:done=m.done class:overdue=late
                    class:movable=movable tabindex=if movable { "0" } else { "-1" } role="img" aria-label=label.clone()
                    on:pointerdown=move |ev| {
                        if movable {
                            ev.stop_propagation();
                            start_drag(&ev, drag, id, Some(mid));
                        }
                    }
                    on:keydown=move |ev| {
                        if movable {
                            if let Some(days) = arrow_days(&ev) {
                                ev.prevent_default();
                                super::reschedule(state, id, Some(mid), days);
                            }
                        }
                    }>
                    <title>{title}</title>
                </polygon>
            }
        })
        .collect_view();
    view! {
        <g class="tl-row" data-initiative=id.to_string() data-start=start.to_string() data-end=end.to_string()>
            <text x="12" y=y + 21.0 class="tl-name">{clip(&name, 30)}</text>
            <g class=format!("tl-bar status-{}", light.as_str()) class:movable=movable class:closed=i.closed_on.is_some()
                tabindex=if movable { "0" } else { "-1" } role="img" aria-label=aria.clone()
                on:pointerdown=move |ev| {
                    if movable {
                        start_drag(&ev, drag, id, None);
                    }
                }
                on:keydown=move |ev| {
                    if movable {
                        if let Some(days) = arrow_days(&ev) {
                            ev.prevent_default();
                            super::reschedule(state, id, None, days);
                        }
                    }
                }>
                <title>{title}</title>
                <rect x=x y=y + 6.0 width=w height=ROW - 12.0 rx="4" class="tl-bar-bg"/>
                <rect x=x y=y + 6.0 width=w * f64::from(pct) / 100.0 height=ROW - 12.0 rx="4" class="tl-bar-done"/>
                <text x=x + 6.0 y=y + 21.0 class="tl-bar-text">{text}</text>
            </g>
            {diamonds}
        </g>
    }
}

/// `text` cut to `max` characters with an ellipsis.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

/// Starts dragging an initiative (or one of its milestones) from where the pointer went down.
fn start_drag(
    ev: &web_sys::PointerEvent,
    drag: RwSignal<Option<Drag>>,
    initiative: InitiativeId,
    milestone: Option<MilestoneId>,
) {
    ev.prevent_default();
    drag.set(Some(Drag {
        initiative,
        milestone,
        start_x: f64::from(ev.client_x()),
        days: 0,
    }));
}

/// Days an arrow key moves the focused bar or diamond: one, or a week with Shift.
fn arrow_days(ev: &web_sys::KeyboardEvent) -> Option<i64> {
    let step = if ev.shift_key() { 7 } else { 1 };
    match ev.key().as_str() {
        "ArrowLeft" => Some(-step),
        "ArrowRight" => Some(step),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_put_each_lane_heading_before_its_initiatives() {
        let (a, b) = (InitiativeId::new(), InitiativeId::new());
        let lanes = [
            Lane {
                heading: Some("Grow revenue".into()),
                initiatives: vec![a, b],
            },
            Lane {
                heading: None,
                initiatives: vec![b],
            },
        ];
        assert_eq!(
            rows(&lanes, "No objective"),
            vec![
                Row::Heading("Grow revenue".into()),
                Row::Item(a),
                Row::Item(b),
                Row::Heading("No objective".into()),
                Row::Item(b)
            ]
        );
        let day = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        assert_eq!(column_label(Locale::en, day, Zoom::Quarter), "Q2 2026");
        assert_eq!(clip("Customer programme", 9), "Customer…");
    }
}
