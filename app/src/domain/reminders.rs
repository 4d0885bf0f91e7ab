//! Reminders for data owners: when a measure's next value is due (the scorecard's stale rule,
//! [`crate::domain::scores::is_stale`], on the day), who is told what on a given day, and the one
//! digest each person gets per run. Pure: the mail worker reads the measures and settings, asks
//! [`reminders_on`] what to send, and queues [`digests`].

use crate::domain::scores::interval_months;
use crate::domain::validation::ValidationError;
use crate::domain::{Frequency, MapId, MeasureId, OrgUnitId, Period, UserId};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The most days a unit may set for any of its reminder settings.
pub const MAX_REMINDER_DAYS: u16 = 90;

/// A unit's reminder settings: days before the deadline, days after it, and days after it when
/// an overdue measure escalates to its objective's owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReminderSettings {
    pub days_before: u16,
    pub days_after: u16,
    pub escalate_after: u16,
}

impl Default for ReminderSettings {
    /// 3 days before, 1 day after, escalate after 7.
    fn default() -> Self {
        ReminderSettings {
            days_before: 3,
            days_after: 1,
            escalate_after: 7,
        }
    }
}

impl ReminderSettings {
    /// Checks each number is between 0 and [`MAX_REMINDER_DAYS`], and that escalation does not
    /// come before the owner's own overdue reminder.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let range = |field: &str, v: u16| {
            if v > MAX_REMINDER_DAYS {
                Err(ValidationError::OutOfRange {
                    field: field.to_string(),
                    min: 0.0,
                    max: f64::from(MAX_REMINDER_DAYS),
                })
            } else {
                Ok(())
            }
        };
        range("Days before the deadline", self.days_before)?;
        range("Days after the deadline", self.days_after)?;
        range("Escalate after", self.escalate_after)?;
        if self.escalate_after < self.days_after {
            return Err(ValidationError::OutOfRange {
                field: "Escalate after".into(),
                min: f64::from(self.days_after),
                max: f64::from(MAX_REMINDER_DAYS),
            });
        }
        Ok(())
    }
}

/// The period whose value is due next after `latest`, and the last day it may be entered: by
/// the stale rule, a measure is overdue from the first day of the second month after that
/// period, so the deadline is the last day of the month after it. A measure never reported has
/// no deadline (it is never stale either).
pub fn deadline(frequency: Frequency, latest: Option<Period>) -> Option<(Period, NaiveDate)> {
    let due = latest?.plus_months(interval_months(frequency));
    let stale_from = due.plus_months(2);
    let first = NaiveDate::from_ymd_opt(stale_from.year(), u32::from(stale_from.month()), 1)?;
    Some((due, first.pred_opt()?))
}

/// The month a day falls in.
pub fn period_of(day: NaiveDate) -> Option<Period> {
    Period::new(day.year(), u8::try_from(day.month()).ok()?)
}

/// What a reminder says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReminderKind {
    /// To the data owner: the value is due in N days.
    Due,
    /// To the data owner: the deadline passed N days ago.
    Overdue,
    /// To the objective's owner: the measure is N days overdue.
    Escalation,
}

impl ReminderKind {
    /// The stored name (`reminders_sent.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::Due => "due",
            ReminderKind::Overdue => "overdue",
            ReminderKind::Escalation => "escalation",
        }
    }
}

/// A measure that may need a reminder: its owners, its latest value, and its unit's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct ReminderCandidate {
    pub measure_id: MeasureId,
    pub measure_name: String,
    pub map_id: MapId,
    pub map_name: String,
    pub org_unit_id: OrgUnitId,
    pub frequency: Frequency,
    /// The latest month with an actual, up to today.
    pub latest: Option<Period>,
    pub data_owner: Option<UserId>,
    pub objective_owner: Option<UserId>,
    pub settings: ReminderSettings,
}

/// One line of someone's digest: which measure, what about it, and by how many days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reminder {
    pub recipient: UserId,
    pub kind: ReminderKind,
    pub measure_id: MeasureId,
    pub measure_name: String,
    pub map_id: MapId,
    pub map_name: String,
    /// The period whose value is due.
    pub period: Period,
    pub deadline: NaiveDate,
    /// Days until the deadline (`Due`) or since it (`Overdue`, `Escalation`).
    pub days: i64,
}

/// The reminders due on `today` for `candidates`: the data owner is told `days_before` days
/// before the deadline (and each day up to it, until one was sent) that the value is due, and
/// from `days_after` days after it that it is overdue; from `escalate_after` days after it the
/// objective's owner is told too. People in `opted_out` get nothing. What was already sent is
/// filtered out by the caller (once per person, measure, period and kind).
pub fn reminders_on(
    candidates: &[ReminderCandidate],
    today: NaiveDate,
    opted_out: &HashSet<UserId>,
) -> Vec<Reminder> {
    let mut out = Vec::new();
    for c in candidates {
        let Some((period, deadline)) = deadline(c.frequency, c.latest) else {
            continue;
        };
        let late = (today - deadline).num_days();
        let s = c.settings;
        let mut push = |recipient: Option<UserId>, kind, days| {
            if let Some(recipient) = recipient.filter(|r| !opted_out.contains(r)) {
                out.push(Reminder {
                    recipient,
                    kind,
                    measure_id: c.measure_id,
                    measure_name: c.measure_name.clone(),
                    map_id: c.map_id,
                    map_name: c.map_name.clone(),
                    period,
                    deadline,
                    days,
                });
            }
        };
        if late <= 0 && -late <= i64::from(s.days_before) {
            push(c.data_owner, ReminderKind::Due, -late);
        }
        if late > 0 && late >= i64::from(s.days_after) {
            push(c.data_owner, ReminderKind::Overdue, late);
        }
        let escalates = late > 0 && late >= i64::from(s.escalate_after);
        if escalates && c.objective_owner != c.data_owner {
            push(c.objective_owner, ReminderKind::Escalation, late);
        }
    }
    out
}

/// Groups reminders into one digest per person (by recipient; in each, escalations after the
/// person's own measures, then by map and measure name).
pub fn digests(reminders: Vec<Reminder>) -> BTreeMap<UserId, Vec<Reminder>> {
    let mut by_person: BTreeMap<UserId, Vec<Reminder>> = BTreeMap::new();
    for r in reminders {
        by_person.entry(r.recipient).or_default().push(r);
    }
    for lines in by_person.values_mut() {
        lines.sort_by(|a, b| {
            (
                a.kind == ReminderKind::Escalation,
                &a.map_name,
                &a.measure_name,
            )
                .cmp(&(
                    b.kind == ReminderKind::Escalation,
                    &b.map_name,
                    &b.measure_name,
                ))
        });
    }
    by_person
}

/// The subject and plain-text body of a digest in `locale`; `base_url` (no trailing slash) makes
/// each line's link to the map's data-entry grid.
pub fn digest_text(
    locale: crate::i18n::Locale,
    name: &str,
    lines: &[Reminder],
    base_url: &str,
) -> (String, String) {
    use crate::i18n::td_string;
    let count = lines.len();
    let subject = if count == 1 {
        td_string!(locale, mail.digest.subject_one).to_string()
    } else {
        td_string!(locale, mail.digest.subject_many, count).to_string()
    };
    let mut body = td_string!(locale, mail.digest.greeting, name).to_string();
    body.push_str("\n\n");
    for r in lines {
        let measure = &r.measure_name;
        let map = &r.map_name;
        let period = r.period.text(locale);
        let days = r.days;
        let date = r.deadline.format("%Y-%m-%d").to_string();
        let line = match (r.kind, r.days) {
            (ReminderKind::Due, 0) => {
                td_string!(locale, mail.digest.due_today, measure, map, period, date).to_string()
            }
            (ReminderKind::Due, _) => {
                td_string!(locale, mail.digest.due_in, measure, map, period, days, date).to_string()
            }
            (ReminderKind::Overdue, _) => td_string!(
                locale,
                mail.digest.overdue,
                measure,
                map,
                period,
                days,
                date
            )
            .to_string(),
            (ReminderKind::Escalation, _) => td_string!(
                locale,
                mail.digest.escalation,
                measure,
                map,
                period,
                days,
                date
            )
            .to_string(),
        };
        body.push_str(&format!("- {line}\n  {base_url}/maps/{}/data\n", r.map_id));
    }
    body.push('\n');
    body.push_str(&td_string!(locale, mail.digest.footer, url = base_url).to_string());
    body.push('\n');
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scores::is_stale;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn p(y: i32, m: u8) -> Period {
        Period::new(y, m).unwrap()
    }

    #[test]
    fn the_deadline_is_where_the_stale_rule_turns() {
        // Every frequency and latest month, every day of two years: after the deadline is
        // exactly when the scorecard calls the measure stale.
        use Frequency::*;
        for f in [Daily, Weekly, Monthly, Quarterly, Yearly] {
            for latest in [p(2025, 11), p(2026, 1), p(2026, 6), p(2026, 12)] {
                let (_, deadline) = deadline(f, Some(latest)).unwrap();
                let mut d = day(2025, 12, 1);
                while d < day(2028, 1, 1) {
                    let stale = is_stale(f, Some(latest), period_of(d).unwrap());
                    assert_eq!(d > deadline, stale, "{f:?} {latest} on {d}");
                    d = d.succ_opt().unwrap();
                }
            }
        }
        assert_eq!(
            deadline(Frequency::Monthly, Some(p(2026, 9))),
            Some((p(2026, 10), day(2026, 11, 30)))
        );
        assert_eq!(deadline(Frequency::Monthly, None), None);
    }

    fn candidate(name: &str, owner: UserId, boss: UserId, latest: Period) -> ReminderCandidate {
        ReminderCandidate {
            measure_id: MeasureId::new(),
            measure_name: name.into(),
            map_id: MapId::new(),
            map_name: "Sales".into(),
            org_unit_id: OrgUnitId::new(),
            frequency: Frequency::Monthly,
            latest: Some(latest),
            data_owner: Some(owner),
            objective_owner: Some(boss),
            settings: ReminderSettings::default(),
        }
    }

    #[test]
    fn due_before_overdue_after_escalated_later() {
        let (owner, boss) = (UserId::new(), UserId::new());
        // Latest September: October's value is due by November 30th.
        let c = [candidate("Revenue", owner, boss, p(2026, 9))];
        let none = HashSet::new();
        let kinds = |d| -> Vec<(UserId, ReminderKind, i64)> {
            reminders_on(&c, d, &none)
                .into_iter()
                .map(|r| (r.recipient, r.kind, r.days))
                .collect()
        };
        assert_eq!(kinds(day(2026, 11, 26)), vec![]);
        assert_eq!(
            kinds(day(2026, 11, 27)),
            vec![(owner, ReminderKind::Due, 3)]
        );
        assert_eq!(
            kinds(day(2026, 11, 30)),
            vec![(owner, ReminderKind::Due, 0)]
        );
        assert_eq!(
            kinds(day(2026, 12, 1)),
            vec![(owner, ReminderKind::Overdue, 1)]
        );
        assert_eq!(
            kinds(day(2026, 12, 6)),
            vec![(owner, ReminderKind::Overdue, 6)]
        );
        assert_eq!(
            kinds(day(2026, 12, 7)),
            vec![
                (owner, ReminderKind::Overdue, 7),
                (boss, ReminderKind::Escalation, 7)
            ]
        );
    }

    #[test]
    fn opted_out_people_get_nothing_and_owners_do_not_escalate_to_themselves() {
        let (owner, boss) = (UserId::new(), UserId::new());
        let c = [
            candidate("Revenue", owner, boss, p(2026, 9)),
            candidate("Margin", owner, owner, p(2026, 9)),
        ];
        let later = day(2026, 12, 20);
        let out = reminders_on(&c, later, &HashSet::from([owner]));
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].recipient, out[0].kind),
            (boss, ReminderKind::Escalation)
        );
        let all = reminders_on(&c, later, &HashSet::new());
        assert_eq!(
            all.iter()
                .filter(|r| r.kind == ReminderKind::Escalation)
                .count(),
            1
        );
    }

    #[test]
    fn one_digest_per_person() {
        let (owner, boss) = (UserId::new(), UserId::new());
        let c = [
            candidate("Revenue", owner, boss, p(2026, 9)),
            candidate("Churn", owner, boss, p(2026, 9)),
        ];
        let d = digests(reminders_on(&c, day(2026, 12, 10), &HashSet::new()));
        assert_eq!(d.len(), 2);
        assert_eq!(d[&owner].len(), 2);
        assert_eq!(d[&owner][0].measure_name, "Churn");
        let (subject, body) = digest_text(
            crate::i18n::Locale::en,
            "Ada",
            &d[&owner],
            "https://cairn.example",
        );
        assert!(subject.contains('2'), "{subject}");
        assert!(body.contains("Churn") && body.contains("Revenue"), "{body}");
        assert!(body.contains("https://cairn.example/maps/"), "{body}");
        let (de, _) = digest_text(crate::i18n::Locale::de, "Ada", &d[&owner], "x");
        assert_ne!(de, subject);
    }

    #[test]
    fn settings_are_checked() {
        assert!(ReminderSettings::default().validate().is_ok());
        let bad = |days_before, days_after, escalate_after| {
            ReminderSettings {
                days_before,
                days_after,
                escalate_after,
            }
            .validate()
            .is_err()
        };
        assert!(bad(91, 1, 7));
        assert!(bad(3, 1, 91));
        assert!(bad(3, 5, 2));
        assert!(!bad(0, 0, 0));
    }
}
