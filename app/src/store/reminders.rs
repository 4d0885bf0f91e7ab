//! Reminders: each unit's settings (`reminder_settings`), each person's choice (`users.reminders`),
//! the measures a reminder run looks at, and what runs already sent (`reminders_sent`).

use super::*;
use crate::domain::reminders::{Reminder, ReminderCandidate, ReminderSettings};
use crate::domain::{OrgUnitId, UserId};
use sqlx::AnyConnection;

/// Someone a digest may go to: address, name, language and whether they want reminders.
#[derive(Clone, Debug, PartialEq)]
pub struct ReminderRecipient {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub locale: Option<String>,
    pub wants_reminders: bool,
}

fn settings_from(r: &AnyRow) -> StoreResult<Option<ReminderSettings>> {
    let days = |col| -> StoreResult<Option<u16>> {
        match r.try_get::<Option<i64>, _>(col)? {
            Some(v) => u16::try_from(v)
                .map(Some)
                .map_err(|_| StoreError::Corrupt(col)),
            None => Ok(None),
        }
    };
    Ok(
        match (
            days("days_before")?,
            days("days_after")?,
            days("escalate_after")?,
        ) {
            (Some(days_before), Some(days_after), Some(escalate_after)) => Some(ReminderSettings {
                days_before,
                days_after,
                escalate_after,
            }),
            _ => None,
        },
    )
}

/// Records that `reminder` was sent, inside the caller's transaction; `false` when it had been
/// sent already (by an earlier run, or another instance at the same time).
pub async fn record_reminder(conn: &mut AnyConnection, reminder: &Reminder) -> StoreResult<bool> {
    let inserted = change(
        "INSERT INTO reminders_sent (user_id, measure_id, period, kind, sent_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id, measure_id, period, kind) DO NOTHING",
    )
    .bind(reminder.recipient)
    .bind(reminder.measure_id)
    .bind(reminder.period)
    .bind(reminder.kind.as_str())
    .bind(now_text())
    .run(&mut *conn)
    .await?;
    Ok(inserted > 0)
}

impl Store {
    /// A unit's reminder settings (the defaults when it has none of its own).
    pub async fn reminder_settings(&self, unit: OrgUnitId) -> StoreResult<ReminderSettings> {
        Ok(select(
            "SELECT days_before, days_after, escalate_after FROM reminder_settings WHERE org_unit_id = $1",
        )
        .bind(unit)
        .optional(&self.pool, settings_from)
        .await?
        .flatten()
        .unwrap_or_default())
    }

    /// Keeps a unit's reminder settings (checked first), with an audit row by `by` (`None`: an
    /// API token without a creator).
    pub async fn set_reminder_settings(
        &self,
        unit: OrgUnitId,
        settings: ReminderSettings,
        by: Option<UserId>,
    ) -> StoreResult<()> {
        settings.validate()?;
        self.write(async |tx| {
            change("DELETE FROM reminder_settings WHERE org_unit_id = $1")
                .bind(unit)
                .run(&mut *tx)
                .await?;
            change(
                "INSERT INTO reminder_settings (org_unit_id, days_before, days_after, escalate_after) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(unit)
            .bind_value(i64::from(settings.days_before))
            .bind_value(i64::from(settings.days_after))
            .bind_value(i64::from(settings.escalate_after))
            .run(&mut *tx)
            .await?;
            let detail = format!(
                "{}/{}/{}",
                settings.days_before, settings.days_after, settings.escalate_after
            );
            audit(tx, by, "set_reminders", "org_unit", unit, &detail).await
        })
        .await
    }

    /// Whether this person wants reminders by e-mail.
    pub async fn wants_reminders(&self, user: UserId) -> StoreResult<bool> {
        select("SELECT reminders FROM users WHERE id = $1")
            .bind(user)
            .one(&self.pool, |r| flag(r, "reminders"), "user")
            .await
    }

    /// Turns this person's reminders on or off.
    pub async fn set_wants_reminders(&self, user: UserId, on: bool) -> StoreResult<()> {
        change("UPDATE users SET reminders = $1 WHERE id = $2")
            .bind_value(i64::from(on))
            .bind(user)
            .run_on_one(&self.pool, "user")
            .await
    }

    /// Everyone a digest may go to.
    pub async fn reminder_recipients(&self) -> StoreResult<Vec<ReminderRecipient>> {
        let read = |r: &AnyRow| {
            Ok(ReminderRecipient {
                id: parsed(r, "id")?,
                email: text(r, "email")?,
                name: text(r, "name")?,
                locale: opt_text(r, "locale")?,
                wants_reminders: flag(r, "reminders")?,
            })
        };
        select("SELECT id, email, name, locale, reminders FROM users")
            .all(&self.pool, read)
            .await
    }

    /// The measures a reminder run looks at, as the home page's "Your measures" lists them:
    /// entered (not formula) measures with a data owner, of maps that are not archived, with
    /// their latest actual up to `today` and their unit's settings.
    pub async fn reminder_candidates(
        &self,
        today: crate::domain::Period,
    ) -> StoreResult<Vec<ReminderCandidate>> {
        let read = |r: &AnyRow| {
            Ok(ReminderCandidate {
                measure_id: parsed(r, "id")?,
                measure_name: text(r, "name")?,
                map_id: parsed(r, "map_id")?,
                map_name: text(r, "map_name")?,
                org_unit_id: parsed(r, "org_unit_id")?,
                frequency: parsed(r, "frequency")?,
                latest: opt_parsed(r, "latest")?,
                data_owner: opt_parsed(r, "data_owner_id")?,
                objective_owner: opt_parsed(r, "owner_id")?,
                settings: settings_from(r)?.unwrap_or_default(),
            })
        };
        select(
            "SELECT m.id, m.name, m.frequency, m.data_owner_id, o.owner_id, o.map_id, p.name AS map_name, \
               p.org_unit_id, s.days_before, s.days_after, s.escalate_after, \
               (SELECT MAX(a.period) FROM actuals a WHERE a.measure_id = m.id AND a.period <= $1) AS latest \
             FROM measures m JOIN objectives o ON o.id = m.objective_id JOIN maps p ON p.id = o.map_id \
             LEFT JOIN reminder_settings s ON s.org_unit_id = p.org_unit_id \
             WHERE m.data_owner_id IS NOT NULL AND m.data_source <> 'formula' AND p.status <> 'archived' \
             ORDER BY p.name, m.name",
        )
        .bind(today)
        .all(&self.pool, read)
        .await
    }
}
