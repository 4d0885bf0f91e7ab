//! Initiatives as the method runs them: % complete typed in or earned by weighted milestones,
//! the status the dates, milestones and spend suggest (with the reasons, so a lead can accept or
//! overrule it), the flags every screen raises, and the timeline's scale (dates to pixels and
//! back, for drawing and for dragging a bar). No I/O: the store, the server functions, the REST
//! API and the screens all ask here.

use super::ids::*;
use super::model::*;
use super::scoring::Status;
use super::validation::{self, ValidationError};
use crate::i18n::{td_string, Locale};
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;

/// How an initiative's % complete is found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProgressMode {
    /// Typed in by the owner.
    #[default]
    Typed,
    /// The weight of the milestones done over the weight of all of them.
    Milestones,
}

impl ProgressMode {
    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ProgressMode::Typed => "typed",
            ProgressMode::Milestones => "milestones",
        }
    }
}

impl FromStr for ProgressMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "typed" => Ok(ProgressMode::Typed),
            "milestones" => Ok(ProgressMode::Milestones),
            other => Err(format!("unknown progress mode {other:?}")),
        }
    }
}

/// The most milestones one initiative may have (a plan, not a task list).
pub const MAX_MILESTONES: usize = 100;
/// The heaviest weight one milestone may carry.
pub const MAX_MILESTONE_WEIGHT: f64 = 1000.0;

/// % complete earned by milestones: the weight of those done over the weight of all, rounded;
/// `None` with no milestones (or none weighing anything).
pub fn milestone_progress(milestones: &[Milestone]) -> Option<u8> {
    let total: f64 = milestones.iter().map(|m| m.weight.max(0.0)).sum();
    if total <= 0.0 {
        return None;
    }
    let done: f64 = milestones
        .iter()
        .filter(|m| m.done)
        .map(|m| m.weight.max(0.0))
        .sum();
    Some(((done / total) * 100.0).round().clamp(0.0, 100.0) as u8)
}

/// % complete as every screen shows it: typed in, or earned by the milestones (0 while it has
/// none).
pub fn progress(i: &Initiative, milestones: &[Milestone]) -> u8 {
    match i.progress_mode {
        ProgressMode::Typed => i.percent_complete.min(100),
        ProgressMode::Milestones => milestone_progress(milestones).unwrap_or(0),
    }
}

/// The share of an initiative's time gone by on `today` (0–100): 0 before it starts, 100 from
/// its last day on.
pub fn time_elapsed(i: &Initiative, today: NaiveDate) -> u8 {
    let length = (i.end_date - i.start_date).num_days();
    if today <= i.start_date {
        return 0;
    }
    if today >= i.end_date || length <= 0 {
        return 100;
    }
    let gone = (today - i.start_date).num_days();
    ((gone as f64 / length as f64) * 100.0).round() as u8
}

/// Points of % complete an initiative may lag the calendar before it is at risk.
pub const BEHIND_AT_RISK: u8 = 10;
/// Points of % complete an initiative may lag the calendar before it is late.
pub const BEHIND_LATE: u8 = 25;
/// Points by which the share of budget spent may run ahead of % complete before it is at risk.
pub const SPEND_AHEAD: u8 = 20;

/// Why a status is suggested: each a fact a lead can check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// 100 % complete.
    Finished,
    /// It starts later and nothing is done yet.
    NotStartedYet { starts: NaiveDate },
    /// Its end date has passed and it is not finished.
    PastEnd { ended: NaiveDate },
    /// Milestones not done by their due date: how many, and the earliest's name.
    MilestonesOverdue { count: usize, first: String },
    /// % complete lags the share of time gone by.
    Behind { expected: u8, actual: u8 },
    /// More spent than budgeted.
    OverBudget { spend: f64, budget: f64 },
    /// The share of budget spent runs well ahead of % complete.
    SpendAhead { spent: u8, actual: u8 },
    /// Nothing is wrong: progress keeps up with the calendar.
    OnPlan { expected: u8, actual: u8 },
}

impl Reason {
    /// The reason in words, in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let date = |d: &NaiveDate| crate::i18n::format_date(locale, *d);
        match self {
            Reason::Finished => td_string!(locale, initiatives.reason.finished).to_string(),
            Reason::NotStartedYet { starts } => td_string!(
                locale,
                initiatives.reason.not_started_yet,
                date = date(starts)
            )
            .to_string(),
            Reason::PastEnd { ended } => {
                td_string!(locale, initiatives.reason.past_end, date = date(ended)).to_string()
            }
            Reason::MilestonesOverdue { count, first } => td_string!(
                locale,
                initiatives.reason.milestones_overdue,
                count = *count as u64,
                name = first
            )
            .to_string(),
            Reason::Behind { expected, actual } => td_string!(
                locale,
                initiatives.reason.behind,
                expected = *expected,
                actual = *actual
            )
            .to_string(),
            Reason::OverBudget { spend, budget } => td_string!(
                locale,
                initiatives.reason.over_budget,
                share = ((spend / budget) * 100.0).round() as i64
            )
            .to_string(),
            Reason::SpendAhead { spent, actual } => td_string!(
                locale,
                initiatives.reason.spend_ahead,
                spent = *spent,
                actual = *actual
            )
            .to_string(),
            Reason::OnPlan { expected, actual } => td_string!(
                locale,
                initiatives.reason.on_plan,
                expected = *expected,
                actual = *actual
            )
            .to_string(),
        }
    }
}

/// A suggested status and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Suggestion {
    pub status: InitiativeStatus,
    pub reasons: Vec<Reason>,
}

/// How bad a status is, for "the worst reason wins".
fn severity(s: InitiativeStatus) -> u8 {
    match s {
        InitiativeStatus::Done => 0,
        InitiativeStatus::NotStarted => 1,
        InitiativeStatus::OnTrack => 2,
        InitiativeStatus::AtRisk => 3,
        InitiativeStatus::Late => 4,
    }
}

/// The status the dates, milestones and spend suggest on `today`, with every reason that
/// counted. Finished wins; before its start with nothing done it has not started; otherwise the
/// worst of: past its end (late), overdue milestones (at risk), lagging the calendar (at risk by
/// [`BEHIND_AT_RISK`] points, late by [`BEHIND_LATE`]), over budget or spending ahead of progress
/// (at risk).
pub fn suggest(i: &Initiative, milestones: &[Milestone], today: NaiveDate) -> Suggestion {
    let actual = progress(i, milestones);
    if actual >= 100 {
        return Suggestion {
            status: InitiativeStatus::Done,
            reasons: vec![Reason::Finished],
        };
    }
    if today < i.start_date && actual == 0 {
        return Suggestion {
            status: InitiativeStatus::NotStarted,
            reasons: vec![Reason::NotStartedYet {
                starts: i.start_date,
            }],
        };
    }
    let mut status = InitiativeStatus::OnTrack;
    let mut reasons = Vec::new();
    let mut worsen = |to: InitiativeStatus, why: Reason| {
        if severity(to) > severity(status) {
            status = to;
        }
        reasons.push(why);
    };
    if today > i.end_date {
        worsen(
            InitiativeStatus::Late,
            Reason::PastEnd { ended: i.end_date },
        );
    }
    let mut overdue: Vec<&Milestone> = overdue_milestones(milestones, today).collect();
    if !overdue.is_empty() {
        overdue.sort_by_key(|m| m.due_date);
        worsen(
            InitiativeStatus::AtRisk,
            Reason::MilestonesOverdue {
                count: overdue.len(),
                first: overdue[0].name.clone(),
            },
        );
    }
    let expected = time_elapsed(i, today);
    if expected > actual.saturating_add(BEHIND_AT_RISK) && today <= i.end_date {
        let to = if expected > actual.saturating_add(BEHIND_LATE) {
            InitiativeStatus::Late
        } else {
            InitiativeStatus::AtRisk
        };
        worsen(to, Reason::Behind { expected, actual });
    }
    if i.budget > 0.0 {
        let spent = ((i.spend / i.budget) * 100.0).round().clamp(0.0, 1000.0) as u16;
        if i.spend > i.budget {
            worsen(
                InitiativeStatus::AtRisk,
                Reason::OverBudget {
                    spend: i.spend,
                    budget: i.budget,
                },
            );
        } else if spent > u16::from(actual) + u16::from(SPEND_AHEAD) {
            worsen(
                InitiativeStatus::AtRisk,
                Reason::SpendAhead {
                    spent: spent.min(100) as u8,
                    actual,
                },
            );
        }
    }
    if reasons.is_empty() {
        reasons.push(Reason::OnPlan { expected, actual });
    }
    Suggestion { status, reasons }
}

/// The milestones not done by their due date.
pub fn overdue_milestones(
    milestones: &[Milestone],
    today: NaiveDate,
) -> impl Iterator<Item = &Milestone> {
    milestones
        .iter()
        .filter(move |m| !m.done && m.due_date < today)
}

/// What a screen flags on an initiative that is still open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Flag {
    /// Its end date has passed and it is not finished.
    PastEnd,
    /// More spent than budgeted.
    OverBudget,
    /// Milestones not done by their due date.
    MilestonesOverdue { count: usize },
}

impl Flag {
    /// The flag in words, in `locale`.
    pub fn text(self, locale: Locale) -> String {
        match self {
            Flag::PastEnd => td_string!(locale, initiatives.flag.past_end).to_string(),
            Flag::OverBudget => td_string!(locale, initiatives.flag.over_budget).to_string(),
            Flag::MilestonesOverdue { count } => td_string!(
                locale,
                initiatives.flag.milestones_overdue,
                count = count as u64
            )
            .to_string(),
        }
    }
}

/// The flags of an initiative on `today`: none once it is closed or finished.
pub fn flags(i: &Initiative, milestones: &[Milestone], today: NaiveDate) -> Vec<Flag> {
    if i.closed_on.is_some() || progress(i, milestones) >= 100 {
        return Vec::new();
    }
    let mut out = Vec::new();
    if today > i.end_date {
        out.push(Flag::PastEnd);
    }
    if i.spend > i.budget {
        out.push(Flag::OverBudget);
    }
    let count = overdue_milestones(milestones, today).count();
    if count > 0 {
        out.push(Flag::MilestonesOverdue { count });
    }
    out
}

/// The objectives scored red that no open initiative moves: the gaps a review asks about first.
/// `red` lists the red objectives in the order they should be shown.
pub fn red_without_initiative(red: &[ObjectiveId], initiatives: &[Initiative]) -> Vec<ObjectiveId> {
    red.iter()
        .copied()
        .filter(|o| {
            !initiatives
                .iter()
                .any(|i| i.closed_on.is_none() && i.objective_ids.contains(o))
        })
        .collect()
}

/// Checks an initiative and its milestones together: each valid, no more than
/// [`MAX_MILESTONES`], every milestone's weight within bounds.
pub fn validate(i: &Initiative, milestones: &[Milestone]) -> Result<(), ValidationError> {
    validation::initiative(i)?;
    if milestones.len() > MAX_MILESTONES {
        return Err(ValidationError::TooManyMilestones {
            max: MAX_MILESTONES,
        });
    }
    milestones.iter().try_for_each(validation::milestone)
}

/// How far the timeline is zoomed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Zoom {
    /// A column per month.
    #[default]
    Month,
    /// A column per quarter.
    Quarter,
}

impl Zoom {
    /// Pixels per day at this zoom.
    pub fn px_per_day(self) -> f64 {
        match self {
            Zoom::Month => 4.0,
            Zoom::Quarter => 1.5,
        }
    }

    /// Months per column.
    fn months(self) -> u32 {
        match self {
            Zoom::Month => 1,
            Zoom::Quarter => 3,
        }
    }
}

/// The first day of the column (month or quarter) holding `d`.
fn column_start(d: NaiveDate, zoom: Zoom) -> NaiveDate {
    let month0 = (d.month0() / zoom.months()) * zoom.months();
    NaiveDate::from_ymd_opt(d.year(), month0 + 1, 1).unwrap_or(d)
}

/// The first day of the column after the one starting on `d`.
fn next_column(d: NaiveDate, zoom: Zoom) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(zoom.months()))
        .unwrap_or(d)
}

/// The timeline's horizontal axis: from the first day of the first column to the last day of
/// the last, at the zoom's pixels per day.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub zoom: Zoom,
}

/// A column of the timeline's header: where it starts and how wide it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Column {
    pub first_day: NaiveDate,
    pub x: f64,
    pub width: f64,
}

impl Scale {
    /// The axis holding every date given (and `today`), widened to whole columns.
    pub fn fit(dates: impl IntoIterator<Item = NaiveDate>, today: NaiveDate, zoom: Zoom) -> Scale {
        let (mut lo, mut hi) = (today, today);
        for d in dates {
            lo = lo.min(d);
            hi = hi.max(d);
        }
        let start = column_start(lo, zoom);
        let end = next_column(column_start(hi, zoom), zoom)
            .checked_sub_days(Days::new(1))
            .unwrap_or(hi);
        Scale { start, end, zoom }
    }

    /// Where `d` starts, in pixels from the axis' start.
    pub fn x(&self, d: NaiveDate) -> f64 {
        (d - self.start).num_days() as f64 * self.zoom.px_per_day()
    }

    /// The axis' width in pixels (its last day included).
    pub fn width(&self) -> f64 {
        self.x(self.end) + self.zoom.px_per_day()
    }

    /// Whole days a drag of `dx` pixels moves a date by (rounded to the nearest day).
    pub fn days_for(&self, dx: f64) -> i64 {
        (dx / self.zoom.px_per_day()).round() as i64
    }

    /// The header's columns, in order.
    pub fn columns(&self) -> Vec<Column> {
        let mut out = Vec::new();
        let mut d = self.start;
        while d <= self.end {
            let next = next_column(d, self.zoom);
            if next <= d {
                break;
            }
            out.push(Column {
                first_day: d,
                x: self.x(d),
                width: self.x(next) - self.x(d),
            });
            d = next;
        }
        out
    }
}

/// `d` moved by `days` (either way), or `d` if that leaves the calendar.
pub fn shift(d: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        d.checked_add_days(Days::new(days as u64)).unwrap_or(d)
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs()))
            .unwrap_or(d)
    }
}

/// How the timeline's rows are grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// Under each objective it moves (an initiative moving two shows under both).
    #[default]
    Objective,
    /// Under its owner.
    Owner,
}

/// A group of timeline rows: its heading and its initiatives, in start order.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub heading: Option<String>,
    pub initiatives: Vec<InitiativeId>,
}

/// One initiative as the timeline draws it: owned, so that a closed review keeps it as it was.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimelineRow {
    pub initiative: Initiative,
    /// Its owner's name.
    pub owner: Option<String>,
    pub milestones: Vec<Milestone>,
}

/// A unit's open initiatives as its timeline shows them on `today`: what the timeline export
/// draws, and what a review freezes at closing so that its book draws the same bars a year on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Timeline {
    /// The day the today line marks.
    pub today: NaiveDate,
    /// The objectives of the unit's maps in map order, with their titles: the lanes.
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub objectives: Vec<(ObjectiveId, String)>,
    pub rows: Vec<TimelineRow>,
}

impl Timeline {
    /// No open initiative: nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// The timeline's lanes: by objective (in the order `objectives` gives, then those moving none
/// of them) or by owner (by name, then those with none). The lane with no heading collects the
/// rest; empty lanes are left out.
pub fn lanes(
    items: &[InitiativeSummary],
    by: GroupBy,
    objectives: &[(ObjectiveId, String)],
) -> Vec<Lane> {
    let mut sorted: Vec<&InitiativeSummary> = items.iter().collect();
    sorted.sort_by(|a, b| {
        (a.initiative.start_date, &a.initiative.name)
            .cmp(&(b.initiative.start_date, &b.initiative.name))
    });
    let ids = |f: &dyn Fn(&InitiativeSummary) -> bool| -> Vec<InitiativeId> {
        sorted
            .iter()
            .filter(|s| f(s))
            .map(|s| s.initiative.id)
            .collect()
    };
    let mut out = Vec::new();
    match by {
        GroupBy::Objective => {
            for (id, title) in objectives {
                out.push(Lane {
                    heading: Some(title.clone()),
                    initiatives: ids(&|s| s.initiative.objective_ids.contains(id)),
                });
            }
            out.push(Lane {
                heading: None,
                initiatives: ids(&|s| {
                    !objectives
                        .iter()
                        .any(|(o, _)| s.initiative.objective_ids.contains(o))
                }),
            });
        }
        GroupBy::Owner => {
            let mut owners: Vec<String> = sorted.iter().filter_map(|s| s.owner.clone()).collect();
            owners.sort_by_key(|o| o.to_lowercase());
            owners.dedup();
            for owner in owners {
                let found = ids(&|s| s.owner.as_deref() == Some(owner.as_str()));
                out.push(Lane {
                    heading: Some(owner),
                    initiatives: found,
                });
            }
            out.push(Lane {
                heading: None,
                initiatives: ids(&|s| s.owner.is_none()),
            });
        }
    }
    out.retain(|l| !l.initiatives.is_empty());
    out
}

/// Each initiative's milestones, by initiative (for screens holding summaries and milestones).
pub fn milestones_by_initiative(ms: &[Milestone]) -> HashMap<InitiativeId, Vec<Milestone>> {
    let mut out: HashMap<InitiativeId, Vec<Milestone>> = HashMap::new();
    for m in ms {
        out.entry(m.initiative_id).or_default().push(m.clone());
    }
    out
}

/// An initiative status as a traffic light (for colour) and its word in `locale`.
pub fn status_and_word(locale: Locale, s: InitiativeStatus) -> (Status, &'static str) {
    match s {
        InitiativeStatus::NotStarted => (
            Status::NoData,
            td_string!(locale, status.initiative.not_started),
        ),
        InitiativeStatus::OnTrack => (
            Status::Green,
            td_string!(locale, status.initiative.on_track),
        ),
        InitiativeStatus::AtRisk => (Status::Amber, td_string!(locale, status.initiative.at_risk)),
        InitiativeStatus::Late => (Status::Red, td_string!(locale, status.initiative.late)),
        InitiativeStatus::Done => (Status::Green, td_string!(locale, status.initiative.done)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn year_2026() -> Initiative {
        Initiative::new(
            OrgUnitId::new(),
            "CRM roll-out",
            day(2026, 1, 1),
            day(2026, 12, 31),
        )
    }

    fn milestone(i: &Initiative, name: &str, due: NaiveDate, weight: f64, done: bool) -> Milestone {
        Milestone::new(i.id, name, due)
            .with_weight(weight)
            .with_done(done)
    }

    #[test]
    fn milestones_earn_progress_by_weight() {
        let i = year_2026();
        let ms = [
            milestone(&i, "Design", day(2026, 3, 1), 1.0, true),
            milestone(&i, "Build", day(2026, 6, 1), 3.0, false),
        ];
        assert_eq!(milestone_progress(&ms), Some(25));
        assert_eq!(milestone_progress(&[]), None);
        let typed = i.clone().with_progress(InitiativeStatus::OnTrack, 60);
        assert_eq!(progress(&typed, &ms), 60);
        let earned = ProgressMode::Milestones;
        assert_eq!(progress(&typed.clone().with_progress_mode(earned), &ms), 25);
        assert_eq!(progress(&typed.with_progress_mode(earned), &[]), 0);
    }

    #[test]
    fn a_plan_on_time_is_on_track_and_says_so() {
        let i = year_2026().with_progress(InitiativeStatus::OnTrack, 50);
        let s = suggest(&i, &[], day(2026, 7, 1));
        assert_eq!(s.status, InitiativeStatus::OnTrack);
        assert_eq!(
            s.reasons,
            vec![Reason::OnPlan {
                expected: 50,
                actual: 50
            }]
        );
        assert_eq!(
            s.reasons[0].text(Locale::en),
            "50 % complete with 50 % of the time gone."
        );
    }

    #[test]
    fn lagging_the_calendar_is_at_risk_then_late() {
        let i = year_2026().with_progress(InitiativeStatus::OnTrack, 35);
        assert_eq!(
            suggest(&i, &[], day(2026, 7, 1)).status,
            InitiativeStatus::AtRisk
        );
        let i = year_2026().with_progress(InitiativeStatus::OnTrack, 20);
        let s = suggest(&i, &[], day(2026, 7, 1));
        assert_eq!(s.status, InitiativeStatus::Late);
        assert_eq!(
            s.reasons,
            vec![Reason::Behind {
                expected: 50,
                actual: 20
            }]
        );
    }

    #[test]
    fn overdue_milestones_spend_and_the_end_date_each_count() {
        let i = year_2026()
            .with_progress(InitiativeStatus::OnTrack, 50)
            .with_budget(100.0, 130.0);
        let ms = [milestone(&i, "Pilot", day(2026, 5, 1), 1.0, false)];
        let s = suggest(&i, &ms, day(2026, 7, 1));
        assert_eq!(s.status, InitiativeStatus::AtRisk);
        assert_eq!(
            s.reasons,
            vec![
                Reason::MilestonesOverdue {
                    count: 1,
                    first: "Pilot".into()
                },
                Reason::OverBudget {
                    spend: 130.0,
                    budget: 100.0
                }
            ]
        );
        assert_eq!(
            flags(&i, &ms, day(2026, 7, 1)),
            vec![Flag::OverBudget, Flag::MilestonesOverdue { count: 1 }]
        );
        let late = suggest(&i, &ms, day(2027, 1, 5));
        assert_eq!(late.status, InitiativeStatus::Late);
        assert_eq!(
            late.reasons[0],
            Reason::PastEnd {
                ended: day(2026, 12, 31)
            }
        );
        assert!(flags(&i, &ms, day(2027, 1, 5)).contains(&Flag::PastEnd));
        assert_eq!(
            Flag::MilestonesOverdue { count: 2 }.text(Locale::de),
            "2 Meilensteine überfällig"
        );
    }

    #[test]
    fn spending_ahead_of_progress_is_at_risk() {
        let i = year_2026()
            .with_progress(InitiativeStatus::OnTrack, 50)
            .with_budget(100.0, 80.0);
        let s = suggest(&i, &[], day(2026, 7, 1));
        assert_eq!(s.status, InitiativeStatus::AtRisk);
        assert_eq!(
            s.reasons,
            vec![Reason::SpendAhead {
                spent: 80,
                actual: 50
            }]
        );
    }

    #[test]
    fn finished_wins_and_not_started_waits_for_its_start() {
        let i = year_2026().with_progress(InitiativeStatus::OnTrack, 100);
        assert_eq!(
            suggest(&i, &[], day(2027, 3, 1)).status,
            InitiativeStatus::Done
        );
        assert!(flags(&i, &[], day(2027, 3, 1)).is_empty());
        let later = Initiative::new(OrgUnitId::new(), "Next", day(2027, 1, 1), day(2027, 6, 30));
        let s = suggest(&later, &[], day(2026, 7, 1));
        assert_eq!(s.status, InitiativeStatus::NotStarted);
        assert_eq!(
            s.reasons[0].text(Locale::de),
            format!(
                "Beginnt am {}.",
                crate::i18n::format_date(Locale::de, day(2027, 1, 1))
            )
        );
    }

    #[test]
    fn closed_initiatives_raise_no_flags_and_cover_no_red_objective() {
        let red = [ObjectiveId::new(), ObjectiveId::new()];
        let open = year_2026().with_objectives(vec![red[0]]);
        let closed = year_2026()
            .with_objectives(vec![red[1]])
            .with_closed_on(Some(day(2026, 6, 1)));
        assert_eq!(
            red_without_initiative(&red, &[open.clone(), closed.clone()]),
            vec![red[1]]
        );
        assert!(flags(&closed, &[], day(2027, 6, 1)).is_empty());
        assert_eq!(flags(&open, &[], day(2027, 6, 1)), vec![Flag::PastEnd]);
    }

    #[test]
    fn the_scale_spans_whole_columns_and_maps_pixels_to_days() {
        let s = Scale::fit(
            [day(2026, 2, 10), day(2026, 8, 20)],
            day(2026, 5, 5),
            Zoom::Month,
        );
        assert_eq!((s.start, s.end), (day(2026, 2, 1), day(2026, 8, 31)));
        assert_eq!(s.columns().len(), 7);
        assert_eq!(s.x(day(2026, 2, 2)), 4.0);
        assert_eq!(s.days_for(-9.0), -2);
        let q = Scale::fit([day(2026, 2, 10)], day(2026, 5, 5), Zoom::Quarter);
        assert_eq!((q.start, q.end), (day(2026, 1, 1), day(2026, 6, 30)));
        let cols = q.columns();
        assert_eq!(cols.len(), 2);
        assert_eq!(cols[1].first_day, day(2026, 4, 1));
        assert!((cols[0].width - 90.0 * 1.5).abs() < 1e-9);
        assert_eq!(shift(day(2026, 3, 1), -1), day(2026, 2, 28));
    }

    #[test]
    fn lanes_group_by_objective_or_owner_and_collect_the_rest() {
        let (a, b) = (ObjectiveId::new(), ObjectiveId::new());
        let summary =
            |name: &str, start: NaiveDate, objs: Vec<ObjectiveId>, owner: Option<&str>| {
                let i = Initiative::new(OrgUnitId::new(), name, start, day(2026, 12, 31))
                    .with_objectives(objs);
                InitiativeSummary::new(i, owner.map(str::to_string), &[])
            };
        let items = [
            summary("Late start", day(2026, 6, 1), vec![a], Some("Zoë")),
            summary("Early", day(2026, 1, 1), vec![a, b], Some("anna")),
            summary("Loose", day(2026, 2, 1), vec![], None),
        ];
        let by_objective = lanes(
            &items,
            GroupBy::Objective,
            &[(a, "A".into()), (b, "B".into())],
        );
        let names = |l: &Lane| -> Vec<String> {
            l.initiatives
                .iter()
                .map(|id| {
                    items
                        .iter()
                        .find(|s| s.initiative.id == *id)
                        .unwrap()
                        .initiative
                        .name
                        .clone()
                })
                .collect()
        };
        assert_eq!(by_objective.len(), 3);
        assert_eq!(names(&by_objective[0]), ["Early", "Late start"]);
        assert_eq!(names(&by_objective[1]), ["Early"]);
        assert_eq!(by_objective[2].heading, None);
        assert_eq!(names(&by_objective[2]), ["Loose"]);
        let by_owner = lanes(&items, GroupBy::Owner, &[]);
        let headings: Vec<_> = by_owner.iter().map(|l| l.heading.clone()).collect();
        assert_eq!(headings, [Some("anna".into()), Some("Zoë".into()), None]);
    }

    fn any_initiative() -> impl Strategy<Value = (Initiative, Vec<Milestone>, NaiveDate)> {
        (
            0i64..400,
            1i64..400,
            0u8..=100,
            0.0f64..1000.0,
            0.0f64..2000.0,
            proptest::collection::vec((0i64..800, 0.0f64..10.0, any::<bool>()), 0..6),
            0i64..900,
            any::<bool>(),
        )
            .prop_map(|(s, len, pct, budget, spend, ms, t, earned)| {
                let base = day(2026, 1, 1);
                let i =
                    Initiative::new(OrgUnitId::new(), "P", shift(base, s), shift(base, s + len))
                        .with_progress(InitiativeStatus::OnTrack, pct)
                        .with_budget(budget, spend)
                        .with_progress_mode(if earned {
                            ProgressMode::Milestones
                        } else {
                            ProgressMode::Typed
                        });
                let ms = ms
                    .into_iter()
                    .map(|(d, w, done)| milestone(&i, "M", shift(base, d), w, done))
                    .collect();
                (i, ms, shift(base, t))
            })
    }

    proptest! {
        #[test]
        fn every_suggestion_has_a_reason_and_progress_stays_in_bounds((i, ms, today) in any_initiative()) {
            let s = suggest(&i, &ms, today);
            prop_assert!(!s.reasons.is_empty());
            prop_assert!(progress(&i, &ms) <= 100);
            prop_assert!(time_elapsed(&i, today) <= 100);
            // A reason that makes it late is there whenever it is late.
            let late_reason = s
                .reasons
                .iter()
                .any(|r| matches!(r, Reason::PastEnd { .. } | Reason::Behind { .. }));
            prop_assert!(s.status != InitiativeStatus::Late || late_reason);
            // Marking a milestone done never lowers earned progress.
            if let Some(k) = ms.iter().position(|m| !m.done) {
                let mut more = ms.clone();
                more[k].done = true;
                prop_assert!(milestone_progress(&more) >= milestone_progress(&ms));
            }
        }

        #[test]
        fn a_drag_and_its_reverse_come_back_to_the_same_day(s in 0i64..700, dx in -800.0f64..800.0, quarter in any::<bool>()) {
            let zoom = if quarter { Zoom::Quarter } else { Zoom::Month };
            let d = shift(day(2026, 1, 1), s);
            let scale = Scale::fit([d], d, zoom);
            let days = scale.days_for(dx);
            prop_assert_eq!(shift(shift(d, days), -days), d);
            prop_assert!(scale.x(d) >= 0.0 && scale.x(d) < scale.width());
        }
    }
}
