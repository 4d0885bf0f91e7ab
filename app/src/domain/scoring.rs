//! Scoring: turning an actual and its target into a 0–10 score and a traffic-light status,
//! rolling scores up the map, and aggregating monthly actuals into quarter and year views.
//!
//! Everything here is pure arithmetic so the browser can explain a colour with exactly the
//! numbers the server used. "No data" is a status of its own and never counts as a score of 0:
//! a missing report must not drag an objective into the red.

use super::model::Target;
use super::period::Period;
use crate::i18n::{format_number, td_string, Locale};
use serde::{Deserialize, Serialize};

/// Score of the red-flag value on the goal/red-flag scale, and the lower edge of amber.
pub const RED_FLAG_SCORE: f64 = 3.33;
/// Score of the goal on the goal/red-flag scale, and the lower edge of green.
pub const GOAL_SCORE: f64 = 6.67;
/// The best possible score; every score is clamped to `0.0..=MAX_SCORE`.
pub const MAX_SCORE: f64 = 10.0;
/// Distance between the red-flag and goal scores (`GOAL_SCORE - RED_FLAG_SCORE`). Written as a
/// literal so that `RED_FLAG_SCORE + 1.0 * SPAN` lands exactly on `GOAL_SCORE` in `f64`.
const SPAN: f64 = 3.34;

/// How a measure's actual is turned into a score; chosen per measure.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScoringType {
    /// Linear through red flag (3.33) and goal (6.67); lower-is-better puts the goal below the
    /// red flag.
    #[default]
    GoalRedFlag,
    /// A yes/no measure: the actual is 1 for yes and 0 for no; meeting the wish scores 10.
    YesNo,
    /// All or nothing: 10 at or beyond the goal, 0 short of it.
    GoalOnly,
    /// Best at the goal, falling off on both sides; the red flag's distance from the goal is the
    /// half-width at which the score reaches 3.33.
    Stabilize,
    /// Named, coloured bands of the actual, each with a fixed score.
    Custom {
        /// Bands in any order; each covers the actuals from its `from` up to the next band.
        bands: Vec<Band>,
    },
}

/// One band of a custom scoring: actuals from `from` (inclusive) up to the next band's `from`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// What the band is called in the UI, e.g. "Excellent".
    pub name: String,
    /// `#rrggbb` shown for actuals in the band.
    pub colour: String,
    /// Inclusive lower bound of the actual; the lowest band also takes everything below it.
    pub from: f64,
    /// Score given to actuals in the band (clamped to 0–10).
    pub score: f64,
}

/// The traffic light shown for a score; `NoData` is grey and distinct from a score of 0.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Off track: needs action now.
    Red,
    /// Slipping: worth a look before it turns red.
    Amber,
    /// On track.
    Green,
    /// Nothing reported (or nothing to compare with); shown grey, never averaged as 0.
    NoData,
}

impl Status {
    /// The stable name used in CSS classes and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Red => "red",
            Status::Amber => "amber",
            Status::Green => "green",
            Status::NoData => "no_data",
        }
    }

    /// English, for logs and exports.
    pub fn label(self) -> &'static str {
        self.text(crate::i18n::Locale::en)
    }

    /// The status word in `locale`, so every screen words the status the same way.
    pub fn text(self, locale: crate::i18n::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            Status::Red => td_string!(locale, status.red),
            Status::Amber => td_string!(locale, status.amber),
            Status::Green => td_string!(locale, status.green),
            Status::NoData => td_string!(locale, status.no_data),
        }
    }

    /// `#rrggbb` matching the stylesheet palette, for SVG fills that cannot use classes.
    pub fn colour(self) -> &'static str {
        match self {
            Status::Red => "#b91c1c",
            Status::Amber => "#b45309",
            Status::Green => "#15803d",
            Status::NoData => "#64748b",
        }
    }
}

/// A score with its status; `value` is `None` exactly when the status is `NoData`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// 0–10, or `None` when there is nothing to score.
    pub value: Option<f64>,
    /// Derived from `value`, kept alongside so the browser need not recompute it.
    pub status: Status,
}

impl Score {
    /// The grey "no data" score, so callers never fake it with 0.
    pub const NO_DATA: Score = Score {
        value: None,
        status: Status::NoData,
    };

    /// A score from a raw value: clamped to 0–10, coloured by [`status_of`]; a non-finite value
    /// means the inputs were unusable, so it becomes "no data" rather than a number.
    pub fn from_value(value: f64) -> Score {
        if !value.is_finite() {
            return Score::NO_DATA;
        }
        let v = value.clamp(0.0, MAX_SCORE);
        Score {
            value: Some(v),
            status: status_of(v),
        }
    }
}

/// The traffic light for a score: red below 3.33, amber below 6.67, green otherwise. A NaN
/// score has no colour and is reported as no data.
pub fn status_of(score: f64) -> Status {
    if score.is_nan() {
        Status::NoData
    } else if score < RED_FLAG_SCORE {
        Status::Red
    } else if score < GOAL_SCORE {
        Status::Amber
    } else {
        Status::Green
    }
}

/// Whether a target orders "better" downwards (goal placed below the red flag).
fn lower_is_better(t: &Target) -> bool {
    t.goal < t.red_flag
}

/// The usable numbers of a target, or `None` when it cannot score anything.
fn finite_target(target: Option<&Target>) -> Option<&Target> {
    target.filter(|t| t.goal.is_finite() && t.red_flag.is_finite())
}

/// The band of a custom scoring that holds `actual`: the one with the greatest `from` not above
/// it, or the lowest band when the actual is below them all. Exposed so the UI can show the
/// band's name and colour next to the score.
pub fn band_for(bands: &[Band], actual: f64) -> Option<&Band> {
    let usable = || {
        bands
            .iter()
            .filter(|b| b.from.is_finite() && b.score.is_finite())
    };
    usable()
        .filter(|b| b.from <= actual)
        .max_by(|a, b| a.from.total_cmp(&b.from))
        .or_else(|| usable().min_by(|a, b| a.from.total_cmp(&b.from)))
}

/// Scores one actual against its target. A missing or non-finite actual, or a target the
/// scoring type needs but lacks (or a goal equal to its red flag), gives "no data".
pub fn score(kind: &ScoringType, actual: Option<f64>, target: Option<&Target>) -> Score {
    let Some(a) = actual.filter(|a| a.is_finite()) else {
        return Score::NO_DATA;
    };
    match kind {
        ScoringType::GoalRedFlag => match finite_target(target) {
            Some(t) if t.goal != t.red_flag => {
                let progress = (a - t.red_flag) / (t.goal - t.red_flag);
                Score::from_value(RED_FLAG_SCORE + progress * SPAN)
            }
            _ => Score::NO_DATA,
        },
        ScoringType::YesNo => {
            // Without a target "yes" is the wish; a goal of 0 wishes for "no".
            let wish_yes = finite_target(target).is_none_or(|t| t.goal != 0.0);
            let is_yes = a != 0.0;
            Score::from_value(if is_yes == wish_yes { MAX_SCORE } else { 0.0 })
        }
        ScoringType::GoalOnly => match finite_target(target) {
            Some(t) => {
                let met = if lower_is_better(t) {
                    a <= t.goal
                } else {
                    a >= t.goal
                };
                Score::from_value(if met { MAX_SCORE } else { 0.0 })
            }
            None => Score::NO_DATA,
        },
        ScoringType::Stabilize => match finite_target(target) {
            Some(t) if t.goal != t.red_flag => {
                let half_width = (t.red_flag - t.goal).abs();
                let off = (a - t.goal).abs() / half_width;
                Score::from_value(MAX_SCORE - off * (MAX_SCORE - RED_FLAG_SCORE))
            }
            _ => Score::NO_DATA,
        },
        ScoringType::Custom { bands } => match band_for(bands, a) {
            Some(b) => Score::from_value(b.score),
            None => Score::NO_DATA,
        },
    }
}

/// How children's scores combine into their parent's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollUp {
    /// Weighted average of the children with data, weights renormalised among them.
    #[default]
    WeightedAverage,
    /// The lowest child score: an objective is only as healthy as its weakest measure.
    WorstChild,
}

/// Combines child scores (measures → objective → perspective → map). Children without data
/// and children with a zero, negative or non-finite weight are left out; with none left the
/// result is "no data".
pub fn roll_up(children: &[(Score, f64)], how: RollUp) -> Score {
    roll_up_iter(children.iter().copied(), how)
}

/// [`roll_up`] over any iterator of (score, weight), so callers need not collect children.
pub fn roll_up_iter(children: impl Iterator<Item = (Score, f64)>, how: RollUp) -> Score {
    let counted = children.filter_map(|(s, w)| match s.value {
        Some(v) if v.is_finite() && w.is_finite() && w > 0.0 => Some((v, w)),
        _ => None,
    });
    match how {
        RollUp::WeightedAverage => {
            let (sum, weight) = counted.fold((0.0, 0.0), |(s, tw), (v, w)| (s + v * w, tw + w));
            if weight > 0.0 {
                Score::from_value(sum / weight)
            } else {
                Score::NO_DATA
            }
        }
        RollUp::WorstChild => counted
            .map(|(v, _)| v)
            .min_by(f64::total_cmp)
            .map_or(Score::NO_DATA, Score::from_value),
    }
}

/// How a measure's monthly actuals combine into a quarter or year figure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Flows such as revenue or incidents add up.
    Sum,
    /// Rates such as satisfaction average out.
    Average,
    /// Stocks such as headcount are read at the end of the span.
    #[default]
    Last,
}

/// Aggregates the values of one span (a quarter or a year); `None` when no finite value is
/// present, so an empty quarter stays "no data" rather than 0. `Last` takes the latest period
/// (the later entry wins a tie).
pub fn aggregate(values: &[(Period, f64)], how: Aggregation) -> Option<f64> {
    let finite = || values.iter().filter(|(_, v)| v.is_finite());
    let count = finite().count();
    if count == 0 {
        return None;
    }
    match how {
        Aggregation::Sum => Some(finite().map(|(_, v)| v).sum()),
        Aggregation::Average => Some(finite().map(|(_, v)| v).sum::<f64>() / count as f64),
        Aggregation::Last => finite()
            .fold(None::<&(Period, f64)>, |best, pv| match best {
                Some(b) if b.0 > pv.0 => Some(b),
                _ => Some(pv),
            })
            .map(|(_, v)| *v),
    }
}

/// The span a report looks at: one month, a quarter or a whole year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Span {
    /// The monthly view: one period as reported.
    Month { period: Period },
    /// A calendar quarter, 1–4.
    Quarter { year: i32, quarter: u8 },
    /// A calendar year.
    Year { year: i32 },
}

impl Span {
    /// The span of the given kind that holds `p` ("month", "quarter" or "year"; anything else is
    /// the month), so a period picker can switch kind and keep its place.
    pub fn of_kind(kind: &str, p: Period) -> Span {
        match kind {
            "quarter" => {
                let (year, quarter) = quarter_of(p);
                Span::Quarter { year, quarter }
            }
            "year" => Span::Year { year: p.year() },
            _ => Span::Month { period: p },
        }
    }

    /// The kind's name, as [`Span::of_kind`] reads it.
    pub fn kind(self) -> &'static str {
        match self {
            Span::Month { .. } => "month",
            Span::Quarter { .. } => "quarter",
            Span::Year { .. } => "year",
        }
    }

    /// The first and last month of the span.
    pub fn bounds(self) -> (Period, Period) {
        let first = match self {
            Span::Month { period } => period,
            Span::Quarter { year, quarter } => {
                Period::new(year, quarter.clamp(1, 4) * 3 - 2).unwrap_or(FALLBACK_PERIOD)
            }
            Span::Year { year } => Period::new(year, 1).unwrap_or(FALLBACK_PERIOD),
        };
        let months = match self {
            Span::Month { .. } => 0,
            Span::Quarter { .. } => 2,
            Span::Year { .. } => 11,
        };
        (first, first.plus_months(months))
    }

    /// The span `n` spans later (earlier for negative `n`), of the same kind: the sparkline's
    /// previous periods and the picker's arrows.
    pub fn shift(self, n: i32) -> Span {
        match self {
            Span::Month { period } => Span::Month {
                period: period.plus_months(n),
            },
            Span::Quarter { year, quarter } => {
                let index = year * 4 + i32::from(quarter.clamp(1, 4)) - 1 + n;
                Span::Quarter {
                    year: index.div_euclid(4),
                    quarter: (index.rem_euclid(4) + 1) as u8,
                }
            }
            Span::Year { year } => Span::Year { year: year + n },
        }
    }

    /// English, for logs and exports: "Mar 2026", "Q1 2026", "2026".
    pub fn label(self) -> String {
        self.text(crate::i18n::Locale::en)
    }

    /// A short label in `locale`: "Mar 2026" / "März 2026", "Q1 2026", "2026".
    pub fn text(self, locale: crate::i18n::Locale) -> String {
        match self {
            Span::Month { period } => period.text(locale),
            Span::Quarter { year, quarter } => {
                crate::i18n::td_string!(locale, status.span.quarter, quarter, year).to_string()
            }
            Span::Year { year } => year.to_string(),
        }
    }

    /// Whether a month falls in the span, to pick the actuals a quarter or year view aggregates.
    pub fn contains(self, p: Period) -> bool {
        match self {
            Span::Month { period } => period == p,
            Span::Quarter { year, quarter } => quarter_of(p) == (year, quarter),
            Span::Year { year } => p.year() == year,
        }
    }
}

/// A valid period for spans whose own year is outside what [`Period`] accepts.
const FALLBACK_PERIOD: Period = match Period::new_const(2000, 1) {
    Some(p) => p,
    None => unreachable!(),
};

/// Aggregates only the values inside `span`, so callers can pass a measure's whole history.
pub fn aggregate_in(values: &[(Period, f64)], span: Span, how: Aggregation) -> Option<f64> {
    let inside: Vec<(Period, f64)> = values
        .iter()
        .copied()
        .filter(|(p, _)| span.contains(*p))
        .collect();
    aggregate(&inside, how)
}

/// The (year, quarter 1–4) a month belongs to; calendar quarters.
pub fn quarter_of(p: Period) -> (i32, u8) {
    (p.year(), (p.month() - 1) / 3 + 1)
}

/// The three months of a calendar quarter; `None` for a quarter outside 1–4 or a year Period
/// does not accept.
pub fn periods_in_quarter(year: i32, quarter: u8) -> Option<[Period; 3]> {
    if !(1..=4).contains(&quarter) {
        return None;
    }
    let first = Period::new(year, (quarter - 1) * 3 + 1)?;
    Some([first, first.plus_months(1), first.plus_months(2)])
}

/// The twelve months of a year, January first; empty for a year Period does not accept.
pub fn periods_in_year(year: i32) -> Vec<Period> {
    (1..=12).filter_map(|m| Period::new(year, m)).collect()
}

/// Formats a score with two decimals, as the scorecard shows it.
fn two(locale: Locale, v: f64) -> String {
    format_number(locale, v, 2)
}

/// A reported or target value as entered, in `locale`'s digits (as many decimals as it has, up
/// to six).
fn num(locale: Locale, v: f64) -> String {
    let written = format!("{v}");
    let decimals = written.split_once('.').map_or(0, |(_, f)| f.len().min(6));
    format_number(locale, v, decimals as u8)
}

/// The closing line of an explanation: the score, its status and the rule that gave it.
fn status_line(locale: Locale, s: Score) -> String {
    match s.value {
        Some(v) => {
            let rule = match s.status {
                Status::Red => td_string!(locale, status.explain.rule_red),
                Status::Amber => td_string!(locale, status.explain.rule_amber),
                _ => td_string!(locale, status.explain.rule_green),
            };
            td_string!(
                locale,
                status.explain.score,
                score = two(locale, v),
                status = s.status.text(locale),
                rule
            )
            .to_string()
        }
        None => td_string!(locale, status.explain.no_score).to_string(),
    }
}

/// Why a measure has its colour, as text lines in `locale` for the UI: the inputs, the
/// arithmetic and the rule that picked the status, computed by the same [`score`] the
/// scorecard uses.
pub fn explain(
    locale: Locale,
    kind: &ScoringType,
    actual: Option<f64>,
    target: Option<&Target>,
) -> Vec<String> {
    let result = score(kind, actual, target);
    let n = |v: f64| num(locale, v);
    let mut lines = Vec::new();
    let Some(a) = actual.filter(|a| a.is_finite()) else {
        lines.push(td_string!(locale, status.explain.no_actual).to_string());
        lines.push(status_line(locale, result));
        return lines;
    };
    lines.push(td_string!(locale, status.explain.actual, value = n(a)).to_string());
    let t = finite_target(target);
    match kind {
        ScoringType::GoalRedFlag | ScoringType::Stabilize | ScoringType::GoalOnly => match t {
            Some(t) => lines.push(
                td_string!(
                    locale,
                    status.explain.goal_red_flag,
                    goal = n(t.goal),
                    red_flag = n(t.red_flag)
                )
                .to_string(),
            ),
            None => lines.push(td_string!(locale, status.explain.no_target).to_string()),
        },
        _ => {}
    }
    match (kind, t) {
        (ScoringType::GoalRedFlag, Some(t)) if t.goal == t.red_flag => {
            lines.push(td_string!(locale, status.explain.no_scale).to_string());
        }
        (ScoringType::GoalRedFlag, Some(t)) => {
            let raw = RED_FLAG_SCORE + (a - t.red_flag) / (t.goal - t.red_flag) * SPAN;
            let direction = if lower_is_better(t) {
                td_string!(locale, status.explain.lower_is_better)
            } else {
                td_string!(locale, status.explain.higher_is_better)
            };
            lines.push(td_string!(locale, status.explain.linear, direction).to_string());
            lines.push(
                td_string!(
                    locale,
                    status.explain.linear_sum,
                    actual = n(a),
                    red_flag = n(t.red_flag),
                    goal = n(t.goal),
                    result = two(locale, raw)
                )
                .to_string(),
            );
            if !(0.0..=MAX_SCORE).contains(&raw) {
                lines.push(
                    td_string!(
                        locale,
                        status.explain.clamped,
                        value = two(locale, raw.clamp(0.0, MAX_SCORE))
                    )
                    .to_string(),
                );
            }
        }
        (ScoringType::GoalOnly, Some(t)) => {
            let met = if lower_is_better(t) {
                a <= t.goal
            } else {
                a >= t.goal
            };
            let verdict = if met {
                td_string!(locale, status.explain.met)
            } else {
                td_string!(locale, status.explain.not_met)
            };
            let goal = n(t.goal);
            lines.push(if lower_is_better(t) {
                td_string!(locale, status.explain.goal_only_below, goal, verdict).to_string()
            } else {
                td_string!(locale, status.explain.goal_only_above, goal, verdict).to_string()
            });
        }
        (ScoringType::Stabilize, Some(t)) if t.goal == t.red_flag => {
            lines.push(td_string!(locale, status.explain.no_band).to_string());
        }
        (ScoringType::Stabilize, Some(t)) => {
            let w = (t.red_flag - t.goal).abs();
            let raw = MAX_SCORE - (a - t.goal).abs() / w * (MAX_SCORE - RED_FLAG_SCORE);
            lines.push(td_string!(locale, status.explain.stabilize, width = n(w)).to_string());
            lines.push(
                td_string!(
                    locale,
                    status.explain.stabilize_sum,
                    actual = n(a),
                    goal = n(t.goal),
                    width = n(w),
                    result = two(locale, raw)
                )
                .to_string(),
            );
            if raw < 0.0 {
                lines.push(
                    td_string!(locale, status.explain.clamped, value = two(locale, 0.0))
                        .to_string(),
                );
            }
        }
        (ScoringType::YesNo, _) => {
            let yes = td_string!(locale, status.explain.yes);
            let no = td_string!(locale, status.explain.no);
            let wish = if t.is_none_or(|t| t.goal != 0.0) {
                yes
            } else {
                no
            };
            let got = if a != 0.0 { yes } else { no };
            lines.push(td_string!(locale, status.explain.yes_no, wish, got).to_string());
        }
        (ScoringType::Custom { bands }, _) => match band_for(bands, a) {
            Some(b) => lines.push(
                td_string!(
                    locale,
                    status.explain.custom_band,
                    actual = n(a),
                    band = &b.name,
                    from = n(b.from),
                    score = two(locale, b.score)
                )
                .to_string(),
            ),
            None => lines.push(td_string!(locale, status.explain.custom_none).to_string()),
        },
        _ => {}
    }
    lines.push(status_line(locale, result));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::MeasureId;
    use proptest::prelude::*;

    fn p(y: i32, m: u8) -> Period {
        Period::new(y, m).unwrap()
    }

    fn target(goal: f64, red_flag: f64) -> Target {
        Target {
            measure_id: MeasureId::default(),
            period: p(2026, 3),
            goal,
            red_flag,
        }
    }

    fn value(s: Score) -> f64 {
        s.value.unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn of(v: f64) -> Score {
        Score::from_value(v)
    }

    #[test]
    fn goal_red_flag_higher_is_better() {
        let t = target(100.0, 80.0);
        let k = ScoringType::GoalRedFlag;
        // At the red flag: 3.33 + 0/20 × 3.34 = 3.33 → amber (red is *below* 3.33).
        let s = score(&k, Some(80.0), Some(&t));
        assert_eq!(
            s,
            Score {
                value: Some(3.33),
                status: Status::Amber
            }
        );
        // At the goal: 3.33 + 20/20 × 3.34 = 6.67 → green.
        let s = score(&k, Some(100.0), Some(&t));
        assert_eq!(
            s,
            Score {
                value: Some(6.67),
                status: Status::Green
            }
        );
        // Half way: 3.33 + 10/20 × 3.34 = 3.33 + 1.67 = 5.00 → amber.
        assert!(close(value(score(&k, Some(90.0), Some(&t))), 5.0));
        // Beyond the goal: 3.33 + 30/20 × 3.34 = 3.33 + 5.01 = 8.34 → green.
        let s = score(&k, Some(110.0), Some(&t));
        assert!(close(value(s), 8.34));
        assert_eq!(s.status, Status::Green);
        // Below the red flag: 3.33 + (70 − 80)/20 × 3.34 = 3.33 − 1.67 = 1.66 → red.
        let s = score(&k, Some(70.0), Some(&t));
        assert!(close(value(s), 1.66));
        assert_eq!(s.status, Status::Red);
        // Far beyond: 3.33 + 100/20 × 3.34 = 20.03 → clamped to 10.
        assert_eq!(value(score(&k, Some(180.0), Some(&t))), 10.0);
        // Far below: 3.33 + (0 − 80)/20 × 3.34 = 3.33 − 13.36 = −10.03 → clamped to 0.
        assert_eq!(value(score(&k, Some(0.0), Some(&t))), 0.0);
    }

    #[test]
    fn goal_red_flag_lower_is_better() {
        // Days to resolve a ticket: goal 2, red flag 5 (goal below the red flag).
        let t = target(2.0, 5.0);
        let k = ScoringType::GoalRedFlag;
        // 3 days: 3.33 + (3 − 5)/(2 − 5) × 3.34 = 3.33 + (2/3) × 3.34 = 3.33 + 2.2267 = 5.5567.
        let s = score(&k, Some(3.0), Some(&t));
        assert!(close(value(s), 3.33 + 2.0 / 3.0 * 3.34));
        assert_eq!(s.status, Status::Amber);
        // 1 day: 3.33 + (−4)/(−3) × 3.34 = 3.33 + 4.4533 = 7.7833 → green.
        assert_eq!(score(&k, Some(1.0), Some(&t)).status, Status::Green);
        // 6 days: 3.33 + (1)/(−3) × 3.34 = 3.33 − 1.1133 = 2.2167 → red.
        let s = score(&k, Some(6.0), Some(&t));
        assert!(close(value(s), 3.33 - 3.34 / 3.0));
        assert_eq!(s.status, Status::Red);
        // Exactly the goal: 3.33 + 1 × 3.34 = 6.67 → green.
        assert_eq!(score(&k, Some(2.0), Some(&t)).value, Some(6.67));
    }

    #[test]
    fn missing_inputs_are_no_data_not_zero() {
        let t = target(100.0, 80.0);
        let k = ScoringType::GoalRedFlag;
        assert_eq!(score(&k, None, Some(&t)), Score::NO_DATA);
        assert_eq!(score(&k, Some(90.0), None), Score::NO_DATA);
        assert_eq!(score(&k, Some(f64::NAN), Some(&t)), Score::NO_DATA);
        // Goal equal to the red flag cannot draw a line.
        assert_eq!(
            score(&k, Some(90.0), Some(&target(5.0, 5.0))),
            Score::NO_DATA
        );
        assert_eq!(
            score(&k, Some(90.0), Some(&target(f64::INFINITY, 5.0))),
            Score::NO_DATA
        );
        assert_eq!(Score::NO_DATA.status.label(), "No data");
        assert_eq!(Score::NO_DATA.status.as_str(), "no_data");
    }

    #[test]
    fn yes_no_scores_ten_or_zero() {
        let k = ScoringType::YesNo;
        // No target: yes (1) is good → 10; no (0) → 0.
        assert_eq!(score(&k, Some(1.0), None), of(10.0));
        assert_eq!(score(&k, Some(0.0), None), of(0.0));
        // Goal 1 (want yes) behaves the same.
        assert_eq!(
            score(&k, Some(1.0), Some(&target(1.0, 0.0))).status,
            Status::Green
        );
        // Goal 0 ("no breach"): reporting no scores 10, yes scores 0.
        assert_eq!(value(score(&k, Some(0.0), Some(&target(0.0, 1.0)))), 10.0);
        assert_eq!(
            score(&k, Some(1.0), Some(&target(0.0, 1.0))).status,
            Status::Red
        );
        assert_eq!(score(&k, None, None), Score::NO_DATA);
    }

    #[test]
    fn goal_only_is_all_or_nothing() {
        let k = ScoringType::GoalOnly;
        let up = target(100.0, 80.0);
        // Higher is better: 100 ≥ 100 → 10; 99.9 < 100 → 0.
        assert_eq!(value(score(&k, Some(100.0), Some(&up))), 10.0);
        assert_eq!(value(score(&k, Some(120.0), Some(&up))), 10.0);
        assert_eq!(value(score(&k, Some(99.9), Some(&up))), 0.0);
        // Lower is better (goal 2 below red flag 5): 2 ≤ 2 → 10; 2.5 > 2 → 0.
        let down = target(2.0, 5.0);
        assert_eq!(value(score(&k, Some(2.0), Some(&down))), 10.0);
        assert_eq!(value(score(&k, Some(1.0), Some(&down))), 10.0);
        assert_eq!(value(score(&k, Some(2.5), Some(&down))), 0.0);
        assert_eq!(score(&k, Some(2.5), None), Score::NO_DATA);
    }

    #[test]
    fn stabilize_peaks_at_the_goal() {
        // Inventory days: best at 30, red flag 10 either side (red_flag 40 → half-width 10).
        let k = ScoringType::Stabilize;
        let t = target(30.0, 40.0);
        // At the goal: 10 − 0/10 × 6.67 = 10 → green.
        assert_eq!(value(score(&k, Some(30.0), Some(&t))), 10.0);
        // 5 off either side: 10 − 5/10 × 6.67 = 10 − 3.335 = 6.665 → amber.
        let hi = score(&k, Some(35.0), Some(&t));
        let lo = score(&k, Some(25.0), Some(&t));
        assert!(close(value(hi), 6.665));
        assert_eq!(hi, lo);
        assert_eq!(hi.status, Status::Amber);
        // 2 off: 10 − 0.2 × 6.67 = 8.666 → green.
        assert!(close(value(score(&k, Some(28.0), Some(&t))), 8.666));
        // 10 off (the red flag, either side): 10 − 6.67 = 3.33 → amber edge.
        assert!(close(value(score(&k, Some(20.0), Some(&t))), 3.33));
        // 12 off: 10 − 1.2 × 6.67 = 10 − 8.004 = 1.996 → red.
        let s = score(&k, Some(42.0), Some(&t));
        assert!(close(value(s), 1.996));
        assert_eq!(s.status, Status::Red);
        // 20 off: 10 − 2 × 6.67 = −3.34 → clamped to 0.
        assert_eq!(value(score(&k, Some(50.0), Some(&t))), 0.0);
        // The red flag may sit below the goal too: same half-width.
        assert_eq!(
            score(&k, Some(35.0), Some(&target(30.0, 20.0))),
            score(&k, Some(35.0), Some(&t))
        );
        assert_eq!(score(&k, Some(35.0), None), Score::NO_DATA);
    }

    fn bands() -> Vec<Band> {
        // Given out of order on purpose.
        let band = |name: &str, colour: &str, from: f64, score: f64| Band {
            name: name.into(),
            colour: colour.into(),
            from,
            score,
        };
        vec![
            band("Good", "#15803d", 90.0, 8.0),
            band("Poor", "#b91c1c", 0.0, 1.0),
            band("Fair", "#b45309", 70.0, 5.0),
            band("Excellent", "#1d4ed8", 98.0, 12.0),
        ]
    }

    #[test]
    fn custom_bands_pick_the_band_below() {
        let k = ScoringType::Custom { bands: bands() };
        // 75: the highest `from` ≤ 75 is Fair (70) → 5 → amber.
        assert_eq!(score(&k, Some(75.0), None), of(5.0));
        // 90 is inclusive: Good → 8 → green.
        assert_eq!(score(&k, Some(90.0), None), of(8.0));
        assert_eq!(
            band_for(&bands(), 90.0).map(|b| b.name.as_str()),
            Some("Good")
        );
        // 69.99: Poor → 1 → red.
        assert_eq!(score(&k, Some(69.99), None).status, Status::Red);
        // Below every band (−5) falls into the lowest band, Poor.
        assert_eq!(
            band_for(&bands(), -5.0).map(|b| b.name.as_str()),
            Some("Poor")
        );
        // A band score of 12 is clamped to 10.
        assert_eq!(value(score(&k, Some(99.0), None)), 10.0);
        // No bands → no data.
        let empty = ScoringType::Custom { bands: vec![] };
        assert_eq!(score(&empty, Some(50.0), None), Score::NO_DATA);
    }

    #[test]
    fn status_thresholds() {
        assert_eq!(status_of(0.0), Status::Red);
        assert_eq!(status_of(3.329), Status::Red);
        assert_eq!(status_of(3.33), Status::Amber);
        assert_eq!(status_of(6.669), Status::Amber);
        assert_eq!(status_of(6.67), Status::Green);
        assert_eq!(status_of(10.0), Status::Green);
        assert_eq!(status_of(f64::NAN), Status::NoData);
        assert_eq!(Status::Green.colour(), "#15803d");
        assert_eq!(Status::Amber.label(), "Amber");
        assert_eq!(Status::Amber.text(crate::i18n::Locale::de), "Gefährdet");
    }

    #[test]
    fn weighted_average_renormalises_among_children_with_data() {
        // Measures 8 (w 2), 5 (w 1), no data (w 3): (16 + 5) / 3 = 7.00 → green.
        // The missing measure's weight 3 is dropped, not counted as 0 (which would give 3.5).
        let r = roll_up(
            &[(of(8.0), 2.0), (of(5.0), 1.0), (Score::NO_DATA, 3.0)],
            RollUp::WeightedAverage,
        );
        assert!(close(value(r), 7.0));
        assert_eq!(r.status, Status::Green);
        // Zero and negative weights are ignored: only 2 (w 1) and 4 (w 3) count:
        // (2 + 12) / 4 = 3.5 → amber.
        let r = roll_up(
            &[
                (of(2.0), 1.0),
                (of(4.0), 3.0),
                (of(10.0), 0.0),
                (of(10.0), -1.0),
            ],
            RollUp::WeightedAverage,
        );
        assert!(close(value(r), 3.5));
        assert_eq!(r.status, Status::Amber);
        assert_eq!(
            roll_up(&[(Score::NO_DATA, 1.0)], RollUp::WeightedAverage),
            Score::NO_DATA
        );
        assert_eq!(roll_up(&[], RollUp::WeightedAverage), Score::NO_DATA);
    }

    #[test]
    fn worst_child_takes_the_lowest_score_with_data() {
        // Min of 8, 2.5, 6 (no data ignored) = 2.5 → red.
        let r = roll_up(
            &[
                (of(8.0), 1.0),
                (of(2.5), 1.0),
                (Score::NO_DATA, 1.0),
                (of(6.0), 5.0),
            ],
            RollUp::WorstChild,
        );
        assert_eq!(r, of(2.5));
        assert_eq!(r.status, Status::Red);
        assert_eq!(
            roll_up(&[(Score::NO_DATA, 1.0)], RollUp::WorstChild),
            Score::NO_DATA
        );
    }

    #[test]
    fn roll_up_through_objective_perspective_and_map() {
        // Objective A: measures 8 (w 1) and 4 (w 1) → 6.00.
        let a = roll_up(&[(of(8.0), 1.0), (of(4.0), 1.0)], RollUp::WeightedAverage);
        // Objective B: one measure 9 → 9.00; objective C: no data.
        let b = roll_up(&[(of(9.0), 1.0)], RollUp::WeightedAverage);
        let c = roll_up(&[(Score::NO_DATA, 1.0)], RollUp::WeightedAverage);
        // Perspective Customer: (6 + 9) / 2 = 7.5 (C dropped).
        let customer = roll_up(&[(a, 1.0), (b, 1.0), (c, 1.0)], RollUp::WeightedAverage);
        assert!(close(value(customer), 7.5));
        // Perspective Financial: one objective at 3.0.
        let financial = roll_up(&[(of(3.0), 1.0)], RollUp::WeightedAverage);
        // Map, Financial weighted 2: (3 × 2 + 7.5 × 1) / 3 = 13.5 / 3 = 4.5 → amber.
        let map = roll_up(
            &[(financial, 2.0), (customer, 1.0)],
            RollUp::WeightedAverage,
        );
        assert!(close(value(map), 4.5));
        assert_eq!(map.status, Status::Amber);
    }

    #[test]
    fn aggregation_sum_average_last() {
        let q1 = [(p(2026, 1), 10.0), (p(2026, 3), 30.0), (p(2026, 2), 20.0)];
        // Sum: 10 + 30 + 20 = 60.
        assert_eq!(aggregate(&q1, Aggregation::Sum), Some(60.0));
        // Average: 60 / 3 = 20.
        assert_eq!(aggregate(&q1, Aggregation::Average), Some(20.0));
        // Last: March is the latest period even though listed second → 30.
        assert_eq!(aggregate(&q1, Aggregation::Last), Some(30.0));
        // Nothing reported → None, never 0.
        assert_eq!(aggregate(&[], Aggregation::Sum), None);
        // Non-finite values are skipped: average of 10 and 20 = 15.
        let holes = [
            (p(2026, 1), 10.0),
            (p(2026, 2), f64::NAN),
            (p(2026, 3), 20.0),
        ];
        assert_eq!(aggregate(&holes, Aggregation::Average), Some(15.0));
    }

    #[test]
    fn aggregation_in_quarter_and_year_spans() {
        let history = [
            (p(2025, 12), 100.0),
            (p(2026, 1), 1.0),
            (p(2026, 2), 2.0),
            (p(2026, 4), 4.0),
            (p(2026, 12), 12.0),
        ];
        let q1 = Span::Quarter {
            year: 2026,
            quarter: 1,
        };
        // Q1 2026 holds Jan and Feb: 1 + 2 = 3; last is Feb → 2.
        assert_eq!(aggregate_in(&history, q1, Aggregation::Sum), Some(3.0));
        assert_eq!(aggregate_in(&history, q1, Aggregation::Last), Some(2.0));
        // Q3 2026 holds nothing.
        let q3 = Span::Quarter {
            year: 2026,
            quarter: 3,
        };
        assert_eq!(aggregate_in(&history, q3, Aggregation::Average), None);
        // Year 2026: 1 + 2 + 4 + 12 = 19; average 19 / 4 = 4.75; last is Dec → 12.
        let y = Span::Year { year: 2026 };
        assert_eq!(aggregate_in(&history, y, Aggregation::Sum), Some(19.0));
        assert_eq!(aggregate_in(&history, y, Aggregation::Average), Some(4.75));
        assert_eq!(aggregate_in(&history, y, Aggregation::Last), Some(12.0));
        let m = Span::Month {
            period: p(2025, 12),
        };
        assert_eq!(aggregate_in(&history, m, Aggregation::Last), Some(100.0));
    }

    #[test]
    fn status_words_and_spans_in_german() {
        use crate::i18n::Locale::{de, en};
        assert_eq!(Status::Red.text(de), "Kritisch");
        assert_eq!(Status::Green.text(de), "Im Plan");
        assert_eq!(Status::NoData.text(de), "Keine Daten");
        assert_eq!(Status::NoData.text(en), "No data");
        assert_eq!(Span::Month { period: p(2026, 3) }.text(de), "März 2026");
        assert_eq!(Span::Month { period: p(2026, 3) }.text(en), "Mar 2026");
        assert_eq!(
            Span::Quarter {
                year: 2026,
                quarter: 1
            }
            .text(de),
            "Q1 2026"
        );
        assert_eq!(
            Span::Quarter {
                year: 2026,
                quarter: 2
            }
            .label(),
            "Q2 2026"
        );
        assert_eq!(Span::Year { year: 2026 }.text(de), "2026");
    }

    #[test]
    fn quarters_and_years() {
        assert_eq!(quarter_of(p(2026, 1)), (2026, 1));
        assert_eq!(quarter_of(p(2026, 3)), (2026, 1));
        assert_eq!(quarter_of(p(2026, 4)), (2026, 2));
        assert_eq!(quarter_of(p(2026, 12)), (2026, 4));
        assert_eq!(
            periods_in_quarter(2026, 3),
            Some([p(2026, 7), p(2026, 8), p(2026, 9)])
        );
        assert_eq!(periods_in_quarter(2026, 0), None);
        assert_eq!(periods_in_quarter(2026, 5), None);
        let year = periods_in_year(2026);
        assert_eq!(year.len(), 12);
        assert_eq!((year[0], year[11]), (p(2026, 1), p(2026, 12)));
        assert!(periods_in_year(1800).is_empty());
    }

    #[test]
    fn explain_shows_the_arithmetic() {
        let t = target(100.0, 80.0);
        let lines = explain(Locale::en, &ScoringType::GoalRedFlag, Some(90.0), Some(&t));
        assert!(
            lines.contains(&"Goal: 100, red flag: 80".to_string()),
            "{lines:?}"
        );
        assert!(lines.contains(&"3.33 + (90 − 80) / (100 − 80) × 3.34 = 5.00".to_string()));
        assert_eq!(
            lines.last().map(String::as_str),
            Some("Score 5.00 → Amber (from 3.33 and below 6.67 is amber)")
        );
        // Clamping is called out: 3.33 + 100/20 × 3.34 = 20.03 → 10.
        let lines = explain(Locale::en, &ScoringType::GoalRedFlag, Some(180.0), Some(&t));
        assert!(
            lines.contains(&"Clamped to 0–10: 10.00".to_string()),
            "{lines:?}"
        );
        let lines = explain(Locale::en, &ScoringType::GoalRedFlag, None, Some(&t));
        assert_eq!(
            lines.last().map(String::as_str),
            Some("No score → No data (grey)")
        );
        let lines = explain(
            Locale::en,
            &ScoringType::Custom { bands: bands() },
            Some(75.0),
            None,
        );
        assert!(lines.iter().any(|l| l.contains("\"Fair\"")), "{lines:?}");
        for k in [
            ScoringType::YesNo,
            ScoringType::GoalOnly,
            ScoringType::Stabilize,
        ] {
            let lines = explain(Locale::en, &k, Some(90.0), Some(&t));
            assert!(lines.len() >= 3, "{k:?}: {lines:?}");
        }
    }

    #[test]
    fn explain_speaks_the_page_language() {
        let t = target(100.0, 80.0);
        let lines = explain(Locale::de, &ScoringType::GoalRedFlag, Some(90.5), Some(&t));
        assert_eq!(
            lines,
            vec![
                "Istwert: 90,5",
                "Zielwert: 100, Warnschwelle: 80",
                "Zielwert/Warnschwelle (höher ist besser): Warnschwelle ergibt 3,33, Zielwert \
                 6,67, linear dazwischen und darüber hinaus.",
                "3,33 + (90,5 − 80) / (100 − 80) × 3,34 = 5,08",
                "Bewertung 5,08 → Gefährdet (ab 3,33 und unter 6,67 ist gelb)",
            ]
        );
        let lines = explain(Locale::de, &ScoringType::YesNo, None, None);
        assert_eq!(
            lines.last().map(String::as_str),
            Some("Keine Bewertung → Keine Daten (grau)")
        );
        let lines = explain(Locale::en, &ScoringType::GoalOnly, Some(1234.5), Some(&t));
        assert_eq!(lines[0], "Actual: 1,234.5");
    }

    #[test]
    fn serde_shapes() {
        let k = ScoringType::Custom { bands: bands() };
        let json = serde_json::to_string(&k).unwrap();
        assert!(json.starts_with("{\"kind\":\"custom\""), "{json}");
        assert_eq!(serde_json::from_str::<ScoringType>(&json).unwrap(), k);
        assert_eq!(
            serde_json::to_string(&ScoringType::GoalRedFlag).unwrap(),
            "{\"kind\":\"goal_red_flag\"}"
        );
        assert_eq!(
            serde_json::to_string(&Score::NO_DATA).unwrap(),
            "{\"value\":null,\"status\":\"no_data\"}"
        );
        assert_eq!(
            serde_json::to_string(&RollUp::WorstChild).unwrap(),
            "\"worst_child\""
        );
        assert_eq!(
            serde_json::to_string(&Aggregation::Average).unwrap(),
            "\"average\""
        );
    }

    proptest! {
        #[test]
        fn goal_red_flag_stays_in_range(
            a in -1e9f64..1e9,
            goal in -1e6f64..1e6,
            red in -1e6f64..1e6,
        ) {
            prop_assume!(goal != red);
            let s = score(&ScoringType::GoalRedFlag, Some(a), Some(&target(goal, red)));
            let v = s.value.unwrap();
            prop_assert!((0.0..=10.0).contains(&v));
            prop_assert_eq!(s.status, status_of(v));
        }

        #[test]
        fn goal_red_flag_is_monotone_in_the_direction_of_the_goal(
            a in -1e6f64..1e6,
            b in -1e6f64..1e6,
            goal in -1e4f64..1e4,
            red in -1e4f64..1e4,
        ) {
            prop_assume!(goal != red);
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let t = target(goal, red);
            let s_lo = value(score(&ScoringType::GoalRedFlag, Some(lo), Some(&t)));
            let s_hi = value(score(&ScoringType::GoalRedFlag, Some(hi), Some(&t)));
            if goal > red {
                prop_assert!(s_lo <= s_hi, "higher is better: {lo} → {s_lo}, {hi} → {s_hi}");
            } else {
                prop_assert!(s_lo >= s_hi, "lower is better: {lo} → {s_lo}, {hi} → {s_hi}");
            }
        }

        #[test]
        fn roll_up_of_equal_scores_is_that_score(
            v in 0.0f64..=10.0,
            weights in proptest::collection::vec(0.001f64..1e3, 1..12),
        ) {
            let children: Vec<(Score, f64)> = weights.iter().map(|w| (of(v), *w)).collect();
            let avg = value(roll_up(&children, RollUp::WeightedAverage));
            prop_assert!((avg - v).abs() < 1e-9, "{avg} vs {v}");
            prop_assert_eq!(roll_up(&children, RollUp::WorstChild), of(v));
        }
    }
}
