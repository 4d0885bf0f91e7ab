//! Drawings as standalone SVG documents, for files rather than screens: the strategy map in
//! status colours (map exports and the briefing book), a measure's chart with its threshold
//! bands, and the initiative timeline. Screens draw the same geometry (`layout`, `chart`,
//! `initiative`) as live components; these carry every style inline, so resvg and Typst draw them
//! alike. Every status colour also carries its word, so a black-and-white print still reads.
//! Pure: no I/O.

use super::chart;
use super::hypothesis::{self, HypothesisView};
use super::initiative::{self, GroupBy, Scale, Timeline, Zoom};
use super::layout::{self, Frame, BAND_HEIGHT, BOX_HEIGHT, BOX_WIDTH, HEADER_HEIGHT, LABEL_WIDTH};
use super::scores::MonthFigures;
use super::scoring::{Score, ScoringType};
use super::{MapDocument, ObjectiveId, Period, PerspectiveId};
use crate::i18n::{format_number, format_value, month_short, td_string, Locale};
use chrono::{Datelike, NaiveDate};
use std::fmt::Write;

/// The font family every drawing names; the server embeds it for resvg and Typst.
pub const FONT: &str = "DejaVu Sans";

/// Text made safe inside SVG markup and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// The opening tag of a standalone SVG document `width` × `height` wide, with its title.
fn open(width: f64, height: f64, title: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.1} {height:.1}" font-family="{FONT}"><title>{}</title><rect width="100%" height="100%" fill="#ffffff"/>"##,
        escape(title)
    )
}

/// The text drawn on a status: its score (or "–") and its word.
fn score_text(locale: Locale, s: Score) -> String {
    s.value
        .map_or_else(|| "–".to_string(), |v| format_number(locale, v, 1))
}

/// The strategy map of `doc` in status colours: bands with their perspective's score and word,
/// theme lanes, cause-and-effect arrows routed around the boxes, and each objective filled with
/// its status colour and labelled with its score and status word.
pub fn map_svg(
    doc: &MapDocument,
    locale: Locale,
    objective: &dyn Fn(ObjectiveId) -> Score,
    perspective: &dyn Fn(PerspectiveId) -> Option<Score>,
) -> String {
    draw_map(doc, locale, Some(objective), perspective)
}

/// The strategy map of `doc` as a structure, without scores: bands, lanes, arrows and the
/// objectives in one neutral colour (comparing versions, where statuses are not the point).
pub fn outline_svg(doc: &MapDocument, locale: Locale) -> String {
    draw_map(doc, locale, None, &|_| None)
}

/// The colour of an objective drawn without a score.
const OUTLINE_FILL: &str = "#475569";

/// [`map_svg`], or [`outline_svg`] when `objective` gives no scores.
fn draw_map(
    doc: &MapDocument,
    locale: Locale,
    objective: Option<&dyn Fn(ObjectiveId) -> Score>,
    perspective: &dyn Fn(PerspectiveId) -> Option<Score>,
) -> String {
    let f = Frame::of(&doc.perspectives, &doc.themes);
    let mut out = open(f.width(), f.height(), &doc.map.name);
    out.push_str(r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#334155"/></marker></defs>"##);
    let _ = write!(
        out,
        r##"<rect x="0" y="0" width="{LABEL_WIDTH}" height="{:.1}" fill="#e2e8f0"/>"##,
        f.height()
    );
    for (i, p) in doc.perspectives.iter().enumerate() {
        let r = f.band(i);
        let fill = if i % 2 == 0 { "#f8fafc" } else { "#f1f5f9" };
        let _ = write!(
            out,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{fill}" stroke="#cbd5e1" stroke-width="1"/>"##,
            r.x, r.y, r.w, r.h
        );
        let lines = layout::wrap_text(&p.name, layout::LABEL_CHARS_PER_LINE, 3);
        let label_y = r.y + BAND_HEIGHT / 2.0 - 10.0 * lines.len() as f64;
        for (j, l) in lines.iter().enumerate() {
            let _ = write!(
                out,
                r##"<text x="14" y="{:.1}" font-size="15" font-weight="bold" fill="#0f172a">{}</text>"##,
                label_y + 20.0 * j as f64,
                escape(l)
            );
        }
        if let Some(s) = perspective(p.id) {
            let chip_y = label_y + 20.0 * lines.len() as f64 + 2.0;
            let _ = write!(
                out,
                r##"<rect x="14" y="{chip_y:.1}" width="120" height="26" rx="13" fill="{}"/><text x="74" y="{:.1}" font-size="12" text-anchor="middle" fill="#ffffff">{} · {}</text>"##,
                s.status.colour(),
                chip_y + 17.0,
                escape(&score_text(locale, s)),
                escape(s.status.text(locale))
            );
        }
    }
    for (i, t) in doc.themes.iter().enumerate() {
        let r = f.lane(i);
        let colour = escape(&t.colour);
        let _ = write!(
            out,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}" fill-opacity="0.18"/><rect x="{:.1}" y="8" width="{:.1}" height="{:.1}" rx="6" fill="{colour}" fill-opacity="0.6"/><text x="{:.1}" y="{:.1}" font-size="14" font-weight="bold" text-anchor="middle" fill="#0f172a">{}</text>"##,
            r.x + 4.0,
            r.y,
            r.w - 8.0,
            r.h,
            r.x + 4.0,
            r.w - 8.0,
            HEADER_HEIGHT - 14.0,
            r.x + r.w / 2.0,
            HEADER_HEIGHT / 2.0 + 6.0,
            escape(&t.name)
        );
    }
    for l in &doc.links {
        if let Some(route) = layout::link_route(doc, l) {
            let _ = write!(
                out,
                r##"<path d="{}" fill="none" stroke="#334155" stroke-width="1.6" marker-end="url(#arrow)"/>"##,
                route.svg_path()
            );
        }
    }
    for o in &doc.objectives {
        let r = layout::objective_box(o);
        let s = objective.map(|score| score(o.id));
        let lines = layout::wrap_title(&o.title);
        let first_y = BOX_HEIGHT / 2.0 - 9.0 * (lines.len() as f64 - 1.0) - 4.0;
        let _ = write!(
            out,
            r##"<g transform="translate({:.1} {:.1})"><rect width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="10" fill="{}" stroke="#0f172a" stroke-width="1"/>"##,
            r.x,
            r.y,
            s.map_or(OUTLINE_FILL, |s| s.status.colour())
        );
        for (j, l) in lines.iter().enumerate() {
            let _ = write!(
                out,
                r##"<text x="{:.1}" y="{:.1}" font-size="13" text-anchor="middle" fill="#ffffff">{}</text>"##,
                BOX_WIDTH / 2.0,
                first_y + 17.0 * j as f64,
                escape(l)
            );
        }
        if let Some(s) = s {
            let _ = write!(
                out,
                r##"<text x="8" y="{:.1}" font-size="11" font-weight="bold" fill="#ffffff">{}</text><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#ffffff">{}</text>"##,
                BOX_HEIGHT - 7.0,
                escape(s.status.text(locale)),
                BOX_WIDTH - 8.0,
                BOX_HEIGHT - 7.0,
                escape(&score_text(locale, s))
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// What a chart is about: its figures and how its values are written.
pub struct ChartSpec<'a> {
    pub title: &'a str,
    pub months: &'a [MonthFigures],
    pub scoring: &'a ScoringType,
    pub decimals: u8,
    pub unit: &'a str,
}

/// A measure's chart, `width` × `height`: threshold bands (named in their own colour's word),
/// the target as a dashed step line, the actuals with a dot a month, the trend, both axes, and a
/// legend that names each line (so no colour is needed to read it).
pub fn chart_svg(spec: &ChartSpec<'_>, locale: Locale, width: f64, height: f64) -> String {
    let legend = 18.0;
    let g = chart::layout(spec.months, spec.scoring, width, height - legend);
    let mut out = open(width, height, spec.title);
    for b in &g.bands {
        let _ = write!(
            out,
            r#"<polygon points="{}" fill="{}" fill-opacity="0.22"/>"#,
            b.svg_points(),
            escape(&b.colour)
        );
    }
    for (v, y) in &g.y_ticks {
        let label = format_value(locale, *v, spec.decimals.min(2), "");
        let _ = write!(
            out,
            r##"<line x1="{:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#cbd5e1" stroke-width="0.6"/><text x="{:.1}" y="{:.1}" font-size="9" text-anchor="end" fill="#334155">{}</text>"##,
            g.left,
            g.right,
            g.left - 4.0,
            y + 3.0,
            escape(&label)
        );
    }
    for (x, l) in &g.x_labels {
        let _ = write!(
            out,
            r##"<text x="{x:.1}" y="{:.1}" font-size="9" text-anchor="middle" fill="#334155">{}</text>"##,
            g.bottom + 14.0,
            escape(l)
        );
    }
    if !g.goal_path.is_empty() {
        let _ = write!(
            out,
            r##"<path d="{}" fill="none" stroke="#0f172a" stroke-width="1.4" stroke-dasharray="5 3"/>"##,
            g.goal_path
        );
    }
    if let Some(((x0, y0), (x1, y1))) = g.trend {
        let _ = write!(
            out,
            r##"<line x1="{x0:.1}" y1="{y0:.1}" x2="{x1:.1}" y2="{y1:.1}" stroke="#64748b" stroke-width="1" stroke-dasharray="2 2"/>"##
        );
    }
    if !g.actual_path.is_empty() {
        let _ = write!(
            out,
            r##"<path d="{}" fill="none" stroke="#1d4ed8" stroke-width="2"/>"##,
            g.actual_path
        );
    }
    for c in &g.columns {
        if let Some(y) = c.y {
            let _ = write!(
                out,
                r##"<circle cx="{:.1}" cy="{y:.1}" r="3" fill="#1d4ed8"/>"##,
                c.x
            );
        }
    }
    let ly = height - 5.0;
    let l = g.left;
    let actual = td_string!(locale, common.chart.actual);
    let target = td_string!(locale, common.chart.target);
    let _ = write!(
        out,
        r##"<line x1="{l:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#1d4ed8" stroke-width="2"/><text x="{:.1}" y="{ly:.1}" font-size="9" fill="#0f172a">{}</text><line x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#0f172a" stroke-width="1.4" stroke-dasharray="5 3"/><text x="{:.1}" y="{ly:.1}" font-size="9" fill="#0f172a">{}</text>"##,
        l + 18.0,
        ly - 3.0,
        ly - 3.0,
        l + 22.0,
        escape(actual),
        l + 100.0,
        l + 118.0,
        ly - 3.0,
        ly - 3.0,
        l + 122.0,
        escape(target),
    );
    let mut x = g.left + 200.0;
    for b in &g.bands {
        let word = b
            .status
            .map_or_else(|| b.label.clone(), |s| s.text(locale).to_string());
        let _ = write!(
            out,
            r##"<rect x="{x:.1}" y="{:.1}" width="10" height="8" fill="{}" fill-opacity="0.5"/><text x="{:.1}" y="{ly:.1}" font-size="9" fill="#0f172a">{}</text>"##,
            ly - 8.0,
            escape(&b.colour),
            x + 13.0,
            escape(&word)
        );
        x += 16.0 + 6.0 * word.chars().count() as f64;
    }
    out.push_str("</svg>");
    out
}

/// The initiative timeline (Gantt) by month, grouped under the objectives (in map order): a
/// bar per initiative shaded to its % complete, its status word and percentage beside it,
/// milestone diamonds (filled when done), and the timeline's today line.
pub fn timeline_svg(title: &str, timeline: &Timeline, locale: Locale) -> String {
    const NAMES: f64 = 240.0;
    const HEADER: f64 = 30.0;
    const ROW: f64 = 30.0;
    const HEADING: f64 = 24.0;
    let (rows, today) = (&timeline.rows, timeline.today);
    let summaries: Vec<super::InitiativeSummary> = rows
        .iter()
        .map(|r| super::InitiativeSummary {
            initiative: r.initiative.clone(),
            owner: r.owner.clone(),
            milestones_done: 0,
            milestones_total: 0,
            next_milestone: None,
        })
        .collect();
    let lanes = initiative::lanes(&summaries, GroupBy::Objective, &timeline.objectives);
    let dates = rows.iter().flat_map(|r| {
        [r.initiative.start_date, r.initiative.end_date]
            .into_iter()
            .chain(r.milestones.iter().map(|m| m.due_date))
    });
    let dates: Vec<NaiveDate> = dates.collect();
    // Months while they fit a page; quarters for a long programme.
    let by_month = Scale::fit(dates.iter().copied(), today, Zoom::Month);
    let scale = if by_month.width() > 2000.0 {
        Scale::fit(dates.iter().copied(), today, Zoom::Quarter)
    } else {
        by_month
    };
    let px_per_day = scale.zoom.px_per_day();
    let count: usize = lanes.iter().map(|l| l.initiatives.len()).sum();
    let width = NAMES + scale.width() + 120.0;
    let height = HEADER + HEADING * lanes.len() as f64 + ROW * count as f64 + 10.0;
    let mut out = open(width, height, title);
    for c in scale.columns() {
        let x = NAMES + c.x;
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="0" y2="{height:.1}" stroke="#e2e8f0" stroke-width="1"/><text x="{:.1}" y="19" font-size="10" text-anchor="middle" fill="#334155">{} {}</text>"##,
            x + c.width / 2.0,
            month_short(locale, c.first_day.month()),
            c.first_day.year() % 100
        );
    }
    let mut y = HEADER;
    let no_objective = td_string!(locale, initiatives.timeline.no_objective);
    for lane in &lanes {
        let heading = lane.heading.as_deref().unwrap_or(no_objective);
        let _ = write!(
            out,
            r##"<rect x="0" y="{y:.1}" width="{width:.1}" height="{HEADING}" fill="#f1f5f9"/><text x="8" y="{:.1}" font-size="11" font-weight="bold" fill="#0f172a">{}</text>"##,
            y + 16.0,
            escape(&clip(heading, 60))
        );
        y += HEADING;
        for id in &lane.initiatives {
            let Some(row) = rows.iter().find(|r| r.initiative.id == *id) else {
                continue;
            };
            let i = &row.initiative;
            let x0 = NAMES + scale.x(i.start_date);
            let x1 = NAMES + scale.x(i.end_date) + px_per_day;
            let w = (x1 - x0).max(2.0);
            let done = w * f64::from(i.percent_complete.min(100)) / 100.0;
            let (light, word) = initiative::status_and_word(locale, i.status);
            let colour = light.colour();
            let _ = write!(
                out,
                r##"<text x="8" y="{:.1}" font-size="11" fill="#0f172a">{}</text><rect x="{x0:.1}" y="{:.1}" width="{w:.1}" height="16" rx="3" fill="{colour}" fill-opacity="0.35" stroke="{colour}"/><rect x="{x0:.1}" y="{:.1}" width="{done:.1}" height="16" rx="3" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="10" fill="#0f172a">{} · {} %</text>"##,
                y + 19.0,
                escape(&clip(&i.name, 34)),
                y + 7.0,
                y + 7.0,
                x1 + 6.0,
                y + 19.0,
                escape(word),
                i.percent_complete
            );
            for m in &row.milestones {
                let cx = NAMES + scale.x(m.due_date) + px_per_day / 2.0;
                let cy = y + 15.0;
                let fill = if m.done { "#0f172a" } else { "#ffffff" };
                let _ = write!(
                    out,
                    r##"<path d="M {cx:.1} {:.1} L {:.1} {cy:.1} L {cx:.1} {:.1} L {:.1} {cy:.1} Z" fill="{fill}" stroke="#0f172a" stroke-width="1.2"/>"##,
                    cy - 7.0,
                    cx + 7.0,
                    cy + 7.0,
                    cx - 7.0
                );
            }
            y += ROW;
        }
    }
    let tx = NAMES + scale.x(today);
    let _ = write!(
        out,
        r##"<line x1="{tx:.1}" x2="{tx:.1}" y1="{HEADER}" y2="{height:.1}" stroke="#b91c1c" stroke-width="1.5" stroke-dasharray="4 2"/><text x="{:.1}" y="{:.1}" font-size="9" fill="#b91c1c">{}</text>"##,
        tx + 3.0,
        HEADER + 10.0,
        escape(td_string!(locale, initiatives.timeline.today))
    );
    out.push_str("</svg>");
    out
}

/// An arrow's correlation at each lag from 0 to 12 months as bars from −1 to +1: the lags its
/// verdict looks at shaded, the lag it rests on dark, lags with too few paired months pale.
pub fn lag_chart_svg(h: &HypothesisView, locale: Locale) -> String {
    const LEFT: f64 = 34.0;
    const BAR: f64 = 26.0;
    const TOP: f64 = 10.0;
    const HALF: f64 = 60.0;
    let width = LEFT + BAR * 13.0 + 10.0;
    let height = TOP + 2.0 * HALF + 34.0;
    let zero = TOP + HALF;
    let title = td_string!(locale, hypotheses.chart.lags).to_string();
    let mut out = open(width, height, &title);
    let looked_at = hypothesis::window(h.lag_months);
    for c in &h.test.correlations {
        let x = LEFT + BAR * f64::from(c.lag);
        if looked_at.contains(&c.lag) {
            let _ = write!(
                out,
                r##"<rect x="{x:.1}" y="{TOP}" width="{BAR}" height="{:.1}" fill="#eef2ff"/>"##,
                2.0 * HALF
            );
        }
        if let Some(rho) = c.rho {
            let fill = match (h.test.lag == Some(c.lag), c.pairs >= hypothesis::MIN_PAIRS) {
                (true, _) => "#1e293b",
                (false, true) => "#64748b",
                (false, false) => "#cbd5e1",
            };
            let y = if rho >= 0.0 { zero - rho * HALF } else { zero };
            let _ = write!(
                out,
                r##"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{fill}"><title>{} · ρ {} · {}</title></rect>"##,
                x + 4.0,
                BAR - 8.0,
                (rho * HALF).abs().max(0.5),
                escape(&td_string!(locale, hypotheses.chart.lag, months = c.lag).to_string()),
                format_number(locale, rho, 2),
                escape(&td_string!(locale, hypotheses.pairs, count = c.pairs as u64).to_string())
            );
        }
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#334155">{}</text>"##,
            x + BAR / 2.0,
            TOP + 2.0 * HALF + 14.0,
            c.lag
        );
    }
    for (value, label) in [(1.0, "+1"), (0.0, "0"), (-1.0, "−1")] {
        let y = zero - value * HALF;
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#94a3b8" stroke-width="{}"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end" fill="#334155">{label}</text>"##,
            LEFT + BAR * 13.0,
            if value == 0.0 { 1.2 } else { 0.5 },
            LEFT - 4.0,
            y + 3.5
        );
    }
    let _ = write!(
        out,
        r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#334155">{}</text></svg>"##,
        LEFT + BAR * 6.5,
        height - 4.0,
        escape(td_string!(locale, hypotheses.chart.lag_axis))
    );
    out
}

/// Both objectives' monthly scores on one 0–10 scale, the cause solid and the effect dashed,
/// named in a legend.
pub fn series_svg(h: &HypothesisView, locale: Locale) -> String {
    const LEFT: f64 = 30.0;
    const TOP: f64 = 10.0;
    const PLOT: f64 = 120.0;
    const STEP: f64 = 14.0;
    let months: Vec<Period> = {
        let mut all: Vec<Period> = h
            .cause_series
            .iter()
            .chain(&h.effect_series)
            .map(|(p, _)| *p)
            .collect();
        all.sort();
        all.dedup();
        all
    };
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return String::new();
    };
    let span = first.months_until(*last).max(1);
    let width = LEFT + STEP * f64::from(span) + 20.0;
    let height = TOP + PLOT + 56.0;
    let title = td_string!(locale, hypotheses.chart.series).to_string();
    let mut out = open(width.max(320.0), height, &title);
    let x = |p: Period| LEFT + STEP * f64::from(first.months_until(p));
    let y = |v: f64| TOP + PLOT - v.clamp(0.0, 10.0) / 10.0 * PLOT;
    for v in [0.0, 5.0, 10.0] {
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#e2e8f0"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end" fill="#334155">{v}</text>"##,
            x(*last),
            y(v),
            y(v),
            LEFT - 4.0,
            y(v) + 3.5
        );
    }
    // Each January is labelled, and the first month unless a January follows too closely for
    // both labels to fit ("Dec 2024" on top of "Jan 2025").
    let january_soon = months
        .iter()
        .any(|q| q.month() == 1 && (1..5).contains(&first.months_until(*q)));
    let labelled = |p: &&Period| p.month() == 1 || (*p == first && !january_soon);
    for p in months.iter().filter(labelled) {
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="#334155">{} {}</text>"##,
            x(*p),
            TOP + PLOT + 14.0,
            month_short(locale, u32::from(p.month())),
            p.year()
        );
    }
    let line = |series: &[(Period, f64)]| {
        let mut d = String::new();
        let mut previous: Option<Period> = None;
        for (p, v) in series {
            let joined = previous.is_some_and(|q| q.plus_months(1) == *p);
            let _ = write!(
                d,
                "{} {:.1} {:.1} ",
                if joined { "L" } else { "M" },
                x(*p),
                y(*v)
            );
            previous = Some(*p);
        }
        d
    };
    let _ = write!(
        out,
        r##"<path d="{}" fill="none" stroke="#1d4ed8" stroke-width="2"/><path d="{}" fill="none" stroke="#b45309" stroke-width="2" stroke-dasharray="5 3"/>"##,
        line(&h.cause_series),
        line(&h.effect_series)
    );
    let legend = TOP + PLOT + 30.0;
    let _ = write!(
        out,
        r##"<line x1="{LEFT}" x2="{:.1}" y1="{legend:.1}" y2="{legend:.1}" stroke="#1d4ed8" stroke-width="2"/><text x="{:.1}" y="{:.1}" font-size="10" fill="#0f172a">{}</text><line x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#b45309" stroke-width="2" stroke-dasharray="5 3"/><text x="{:.1}" y="{:.1}" font-size="10" fill="#0f172a">{}</text></svg>"##,
        LEFT + 24.0,
        LEFT + 30.0,
        legend + 3.5,
        escape(
            &td_string!(
                locale,
                hypotheses.chart.cause,
                title = clip(&h.from_title, 50)
            )
            .to_string()
        ),
        LEFT + 24.0,
        legend + 16.0,
        legend + 16.0,
        LEFT + 30.0,
        legend + 19.5,
        escape(
            &td_string!(
                locale,
                hypotheses.chart.effect,
                title = clip(&h.to_title, 50)
            )
            .to_string()
        )
    );
    out
}

/// `text` cut to `max` characters with an ellipsis.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// A readiness survey's means per area (1 to 5) as a radar: one spoke per area, rings at each
/// point of the scale, the team's shape filled, each area's name and mean at the end of its
/// spoke. Areas without answers are drawn at the centre and say "–".
pub fn radar_svg(title: &str, areas: &[(String, Option<f64>)], locale: Locale) -> String {
    use std::f64::consts::PI;
    // Wide enough that the longest area names ("Veränderungsbereitschaft") fit beside the
    // drawing, on a page and in the PDF alike.
    const WIDTH: f64 = 800.0;
    const HEIGHT: f64 = 520.0;
    const RADIUS: f64 = 150.0;
    let (cx, cy) = (WIDTH / 2.0, HEIGHT / 2.0);
    let n = areas.len().max(3) as f64;
    let at = |i: usize, r: f64| {
        let angle = -PI / 2.0 + 2.0 * PI * i as f64 / n;
        (cx + r * angle.cos(), cy + r * angle.sin())
    };
    // Radius of a mean on the 1–5 scale (1 at the centre).
    let reach = |v: f64| RADIUS * ((v.clamp(1.0, 5.0) - 1.0) / 4.0);
    let mut out = open(WIDTH, HEIGHT, title);
    for ring in 1..=5 {
        let r = reach(f64::from(ring));
        let points: Vec<String> = (0..areas.len())
            .map(|i| {
                let (x, y) = at(i, r);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(
            out,
            r##"<polygon points="{}" fill="none" stroke="#cbd5e1" stroke-width="1"/>"##,
            points.join(" ")
        );
        let (x, y) = at(0, r);
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#475569">{ring}</text>"##,
            x + 4.0,
            y + 3.0
        );
    }
    for i in 0..areas.len() {
        let (x, y) = at(i, RADIUS);
        let _ = write!(
            out,
            r##"<line x1="{cx:.1}" y1="{cy:.1}" x2="{x:.1}" y2="{y:.1}" stroke="#cbd5e1"/>"##
        );
    }
    let shape: Vec<String> = areas
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let (x, y) = at(i, reach(v.unwrap_or(1.0)));
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        out,
        r##"<polygon points="{}" fill="#2563eb" fill-opacity="0.25" stroke="#1d4ed8" stroke-width="2"/>"##,
        shape.join(" ")
    );
    for (i, (name, v)) in areas.iter().enumerate() {
        let (px, py) = at(i, reach(v.unwrap_or(1.0)));
        let _ = write!(
            out,
            r##"<circle cx="{px:.1}" cy="{py:.1}" r="3.5" fill="#1d4ed8"/>"##
        );
        let (x, y) = at(i, RADIUS + 26.0);
        let anchor = if (x - cx).abs() < 8.0 {
            "middle"
        } else if x > cx {
            "start"
        } else {
            "end"
        };
        let mean = v.map_or_else(|| "–".to_string(), |v| format_number(locale, v, 1));
        let _ = write!(
            out,
            r##"<text x="{x:.1}" y="{y:.1}" font-size="16" text-anchor="{anchor}" fill="#0f172a">{}</text><text x="{x:.1}" y="{:.1}" font-size="16" font-weight="bold" text-anchor="{anchor}" fill="#1d4ed8">{}</text>"##,
            escape(name),
            y + 19.0,
            escape(&mean)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{fixtures, Link, Objective};

    /// Acme's map with three objectives (one titled with markup characters) and an arrow.
    fn doc() -> MapDocument {
        let mut doc = fixtures::acme_doc();
        let p = &doc.perspectives;
        let mut grow = Objective::new(doc.map.id, p[0].id, "Grow revenue & margin");
        grow.x = 400.0;
        let mut keep = Objective::new(doc.map.id, p[1].id, "Keep <key> customers");
        keep.x = 400.0;
        let learn = Objective::new(doc.map.id, p[3].id, "Learn");
        doc.links = vec![Link::new(doc.map.id, keep.id, grow.id)];
        doc.objectives = vec![grow, keep, learn];
        doc.objectives = doc
            .objectives
            .iter()
            .map(|o| layout::placed_in_band(o, &doc.perspectives))
            .collect();
        doc
    }

    #[test]
    fn the_radar_names_each_area_with_its_mean() {
        let areas = vec![
            ("Clarity & focus".to_string(), Some(4.25)),
            ("Alignment".to_string(), Some(2.0)),
            ("Data".to_string(), None),
            ("Decisions".to_string(), Some(5.0)),
            ("Change".to_string(), Some(1.0)),
        ];
        let svg = radar_svg("Mean per area", &areas, Locale::de);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title>Mean per area</title>"));
        assert!(svg.contains("Clarity &amp; focus"));
        assert!(
            svg.contains(">4,3<") || svg.contains(">4,2<"),
            "German decimals"
        );
        assert!(svg.contains(">–<"), "an area without answers says so");
        assert_eq!(svg.matches("<circle").count(), 5);
    }

    #[test]
    fn the_series_chart_labels_a_first_month_only_when_it_has_room() {
        use crate::domain::hypothesis::{self, Direction, HypothesisView};
        let view = |from: Period| {
            let series: Vec<(Period, f64)> = (0..14)
                .map(|i| (from.plus_months(i), f64::from(i % 10)))
                .collect();
            HypothesisView {
                link_id: crate::domain::LinkId::new(),
                from_id: crate::domain::ObjectiveId::new(),
                from_title: "Cause".into(),
                to_id: crate::domain::ObjectiveId::new(),
                to_title: "Effect".into(),
                hypothesis: String::new(),
                direction: Direction::Same,
                lag_months: None,
                test: hypothesis::test(&series, &series, Direction::Same, None),
                cause_series: series.clone(),
                effect_series: series,
            }
        };
        let december = Period::new(2024, 12).unwrap();
        let svg = series_svg(&view(december), Locale::en);
        assert!(
            !svg.contains(">Dec 2024<"),
            "Jan 2025 follows a month later"
        );
        assert!(svg.contains(">Jan 2025<") && svg.contains(">Jan 2026<"));
        let june = Period::new(2024, 6).unwrap();
        let svg = series_svg(&view(june), Locale::en);
        assert!(svg.contains(">Jun 2024<") && svg.contains(">Jan 2025<"));
    }

    #[test]
    fn escape_makes_markup_inert() {
        assert_eq!(
            escape(r#"<b>"R&D" 'x'</b>"#),
            "&lt;b&gt;&quot;R&amp;D&quot; &#39;x&#39;&lt;/b&gt;"
        );
        assert_eq!(escape("a\u{1}b"), "ab");
    }

    #[test]
    fn the_map_names_every_objective_and_words_every_status() {
        let doc = doc();
        let first = doc.objectives[0].id;
        let svg = map_svg(
            &doc,
            Locale::en,
            &|id| {
                if id == first {
                    Score::from_value(2.0)
                } else {
                    Score::NO_DATA
                }
            },
            &|_| None,
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        for o in &doc.objectives {
            let first_line = layout::wrap_title(&o.title).remove(0);
            assert!(svg.contains(&escape(&first_line)), "{}", o.title);
        }
        assert!(svg.contains(">Red<"), "the red objective carries its word");
        assert_eq!(svg.matches(">No data<").count(), doc.objectives.len() - 1);
        assert_eq!(svg.matches("marker-end").count(), doc.links.len());
    }

    #[test]
    fn the_map_is_worded_in_german() {
        let doc = doc();
        let svg = map_svg(&doc, Locale::de, &|_| Score::from_value(9.5), &|_| {
            Some(Score::from_value(9.5))
        });
        assert!(svg.contains(crate::domain::scoring::Status::Green.text(Locale::de)));
        assert!(svg.contains("9,5"));
        assert!(svg.contains("Keep &lt;key&gt;"));
    }

    #[test]
    fn the_timeline_words_each_bar_and_draws_its_milestones() {
        use crate::domain::initiative::TimelineRow;
        use crate::domain::{Initiative, InitiativeStatus, Milestone, OrgUnitId};
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("a date");
        let unit = OrgUnitId::new();
        let mut late = Initiative::new(unit, "ERP <rollout>", day(1, 1), day(6, 30));
        late.status = InitiativeStatus::Late;
        late.percent_complete = 40;
        let other = Initiative::new(unit, "Hiring", day(3, 1), day(12, 31));
        let mut done = Milestone::new(late.id, "Go-live", day(5, 1));
        done.done = true;
        let milestones = vec![done, Milestone::new(late.id, "Training", day(6, 1))];
        let timeline = Timeline {
            today: day(4, 15),
            objectives: Vec::new(),
            rows: vec![
                TimelineRow {
                    initiative: late,
                    owner: None,
                    milestones,
                },
                TimelineRow {
                    initiative: other,
                    owner: None,
                    milestones: Vec::new(),
                },
            ],
        };
        let svg = timeline_svg("Timeline", &timeline, Locale::en);
        assert!(svg.contains("ERP &lt;rollout&gt;"));
        assert!(
            svg.contains("Late · 40 %"),
            "the status in words beside the bar"
        );
        assert_eq!(
            svg.matches("<path d=\"M ").count(),
            2,
            "a diamond per milestone"
        );
        assert!(svg.contains(">Today<"));
        assert!(
            svg.contains(">No objective<"),
            "initiatives moving no objective are grouped"
        );
    }

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
