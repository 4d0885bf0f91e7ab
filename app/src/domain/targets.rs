//! Bulk target helpers: a whole year of monthly targets from one or two numbers, as a planning
//! workshop sets them — "the same for every month of 2027" or "a straight line from the baseline
//! to the year-end target".
//!
//! A ramp over `n` months reaches `goal` in the last month and moves by `(goal − start) / n` a
//! month, so the first month is one step beyond the start (the start is where the year begins,
//! e.g. the baseline or December's actual). The red flag keeps the distance to the goal it has in
//! the last month: `red_flag(m) = goal(m) + (red_flag − goal)`.

use super::ids::MeasureId;
use super::model::{Frequency, Target};
use super::period::Period;
use super::scores::{interval_months, Reading};
use super::validation::{self, ValidationError};
use serde::{Deserialize, Serialize};

/// How to fill a span of months with targets.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum TargetFill {
    /// The same goal and red flag in every month.
    Same { goal: f64, red_flag: f64 },
    /// Goal in a straight line from `start` (before the first month) to `goal` in the last month;
    /// the red flag at the last month's distance from the goal.
    Ramp {
        start: f64,
        goal: f64,
        red_flag: f64,
    },
}

/// The months of `year` in which a measure of `frequency` reports: every month for monthly (and
/// finer) measures, quarter ends for quarterly, December for yearly.
pub fn reporting_months(year: i32, frequency: Frequency) -> Vec<Period> {
    Period::new(year, 1).map_or_else(Vec::new, |january| {
        reporting_months_from(january, frequency)
    })
}

/// The months of the twelve from `first` in which a measure of `frequency` reports (a year
/// that starts in another month than January: a fiscal year).
pub fn reporting_months_from(first: Period, frequency: Frequency) -> Vec<Period> {
    let step = interval_months(frequency);
    (0..12)
        .map(|i| first.plus_months(i))
        .filter(|m| i32::from(m.month()) % step == 0)
        .collect()
}

/// The targets `fill` gives `measure` in `months` (in the order given), each checked like a
/// target typed by hand; an empty list of months gives no targets.
pub fn fill(
    measure: MeasureId,
    months: &[Period],
    how: TargetFill,
) -> Result<Vec<Target>, ValidationError> {
    let n = months.len();
    let target = |period: Period, goal: f64, red_flag: f64| -> Result<Target, ValidationError> {
        let t = Target {
            measure_id: measure,
            period,
            goal: tidy(goal),
            red_flag: tidy(red_flag),
        };
        validation::target(&t)?;
        Ok(t)
    };
    match how {
        TargetFill::Same { goal, red_flag } => {
            months.iter().map(|p| target(*p, goal, red_flag)).collect()
        }
        TargetFill::Ramp {
            start,
            goal,
            red_flag,
        } => {
            validation::finite("Start", start)?;
            let gap = red_flag - goal;
            months
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let g = start + (goal - start) * (i + 1) as f64 / n as f64;
                    target(*p, g, g + gap)
                })
                .collect()
        }
    }
}

/// The targets a measure takes into next year's version (as `measure`, reporting at
/// `frequency`): for the reporting months of the year from `first` a ramp from the last actual
/// before it towards the goal (the goal planned for that year's end if there is one, else the
/// last goal before it), the red flag at that goal's distance; the same goal every month when
/// nothing was measured yet; and the goals planned after that year, up to `until`, as they are.
/// None without any goal. `targets` and `readings` are the old measure's. Editable afterwards
/// like any target.
pub fn carried_forward(
    measure: MeasureId,
    frequency: Frequency,
    first: Period,
    until: Period,
    targets: &[Target],
    readings: &[Reading],
) -> Result<Vec<Target>, ValidationError> {
    let months = reporting_months_from(first, frequency);
    let year_end = first.plus_months(11);
    let goal = targets
        .iter()
        .filter(|t| t.period <= year_end)
        .max_by_key(|t| t.period);
    let Some(goal) = goal else {
        return Ok(Vec::new());
    };
    let start = readings
        .iter()
        .filter(|a| a.period < first)
        .max_by_key(|a| a.period)
        .map(|a| a.value);
    let how = match start {
        Some(start) => TargetFill::Ramp {
            start,
            goal: goal.goal,
            red_flag: goal.red_flag,
        },
        None => TargetFill::Same {
            goal: goal.goal,
            red_flag: goal.red_flag,
        },
    };
    let mut out = fill(measure, &months, how)?;
    let mut later: Vec<Target> = targets
        .iter()
        .filter(|t| t.period > year_end && t.period <= until)
        .map(|t| Target {
            measure_id: measure,
            ..t.clone()
        })
        .collect();
    later.sort_by_key(|t| t.period);
    out.extend(later);
    Ok(out)
}

/// Rounds away binary noise (`0.1 * 3` → `0.3`) so ramped targets read as typed: 9 decimals.
fn tidy(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months(year: i32) -> Vec<Period> {
        reporting_months(year, Frequency::Monthly)
    }

    #[test]
    fn reporting_months_follow_the_frequency() {
        assert_eq!(months(2027).len(), 12);
        assert_eq!(
            reporting_months(2027, Frequency::Quarterly)
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>(),
            vec!["2027-03", "2027-06", "2027-09", "2027-12"]
        );
        assert_eq!(
            reporting_months(2027, Frequency::Yearly),
            vec![Period::new(2027, 12).unwrap()]
        );
        assert_eq!(reporting_months(2027, Frequency::Weekly).len(), 12);
    }

    #[test]
    fn same_for_every_month_of_a_year() {
        let m = MeasureId::new();
        let t = fill(
            m,
            &months(2027),
            TargetFill::Same {
                goal: 90.0,
                red_flag: 80.0,
            },
        )
        .unwrap();
        assert_eq!(t.len(), 12);
        assert!(t.iter().all(|t| t.goal == 90.0 && t.red_flag == 80.0));
        assert_eq!(t[0].period.to_string(), "2027-01");
        assert_eq!(t[11].period.to_string(), "2027-12");
        assert!(t.iter().all(|t| t.measure_id == m));
    }

    #[test]
    fn a_linear_ramp_from_the_baseline_reaches_the_year_end_target() {
        // Baseline 8 %, year-end goal 20 % with the red flag 4 points below: +1 point a month.
        let t = fill(
            MeasureId::new(),
            &months(2027),
            TargetFill::Ramp {
                start: 8.0,
                goal: 20.0,
                red_flag: 16.0,
            },
        )
        .unwrap();
        let goals: Vec<f64> = t.iter().map(|t| t.goal).collect();
        assert_eq!(
            goals,
            vec![9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0]
        );
        assert!(t.iter().all(|t| t.goal - t.red_flag == 4.0));
    }

    #[test]
    fn a_ramp_down_for_lower_is_better_keeps_the_red_flag_above() {
        // Resolution time from 9.5 h to 6 h over the quarter ends, red flag 1.5 h above.
        let q = reporting_months(2027, Frequency::Quarterly);
        let t = fill(
            MeasureId::new(),
            &q,
            TargetFill::Ramp {
                start: 9.5,
                goal: 6.0,
                red_flag: 7.5,
            },
        )
        .unwrap();
        let got: Vec<(f64, f64)> = t.iter().map(|t| (t.goal, t.red_flag)).collect();
        assert_eq!(
            got,
            vec![(8.625, 10.125), (7.75, 9.25), (6.875, 8.375), (6.0, 7.5)]
        );
    }

    #[test]
    fn ramps_round_away_binary_noise() {
        let t = fill(
            MeasureId::new(),
            &months(2027)[..3],
            TargetFill::Ramp {
                start: 0.0,
                goal: 0.3,
                red_flag: 0.0,
            },
        )
        .unwrap();
        assert_eq!(
            t.iter().map(|t| t.goal).collect::<Vec<_>>(),
            vec![0.1, 0.2, 0.3]
        );
    }

    #[test]
    fn bad_fills_are_refused_like_typed_targets() {
        let m = MeasureId::new();
        assert_eq!(
            fill(
                m,
                &months(2027),
                TargetFill::Same {
                    goal: 5.0,
                    red_flag: 5.0
                }
            ),
            Err(ValidationError::GoalEqualsRedFlag)
        );
        assert!(fill(
            m,
            &months(2027),
            TargetFill::Ramp {
                start: f64::NAN,
                goal: 5.0,
                red_flag: 4.0
            }
        )
        .is_err());
        assert_eq!(
            fill(
                m,
                &[],
                TargetFill::Same {
                    goal: 1.0,
                    red_flag: 0.0
                }
            ),
            Ok(vec![])
        );
    }

    #[test]
    fn next_year_ramps_from_the_last_actual_to_the_goal_and_keeps_later_goals() {
        let old = MeasureId::new();
        let new = MeasureId::new();
        let p = |s: &str| s.parse::<Period>().unwrap();
        let target = |period: &str, goal: f64, red_flag: f64| Target {
            measure_id: old,
            period: p(period),
            goal,
            red_flag,
        };
        let actual = |period: &str, value: f64| Reading {
            measure_id: old,
            period: p(period),
            value,
        };
        let targets = [
            target("2026-12", 90.0, 80.0),
            target("2027-12", 96.0, 86.0),
            target("2028-06", 98.0, 88.0),
            target("2029-12", 99.0, 89.0),
        ];
        let actuals = [actual("2026-11", 70.0), actual("2026-12", 72.0)];
        let next = carried_forward(
            new,
            Frequency::Quarterly,
            p("2027-01"),
            p("2028-12"),
            &targets,
            &actuals,
        )
        .unwrap();
        let shown: Vec<(String, f64, f64)> = next
            .iter()
            .map(|t| (t.period.to_string(), t.goal, t.red_flag))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("2027-03".into(), 78.0, 68.0),
                ("2027-06".into(), 84.0, 74.0),
                ("2027-09".into(), 90.0, 80.0),
                ("2027-12".into(), 96.0, 86.0),
                ("2028-06".into(), 98.0, 88.0),
            ]
        );
        assert!(next.iter().all(|t| t.measure_id == new));

        let unmeasured = carried_forward(
            new,
            Frequency::Yearly,
            p("2027-01"),
            p("2027-12"),
            &targets[..1],
            &[],
        )
        .unwrap();
        assert_eq!(
            unmeasured
                .iter()
                .map(|t| (t.goal, t.red_flag))
                .collect::<Vec<_>>(),
            vec![(90.0, 80.0)]
        );
        assert!(carried_forward(
            new,
            Frequency::Monthly,
            p("2027-01"),
            p("2027-12"),
            &[],
            &actuals
        )
        .unwrap()
        .is_empty());
    }
}
