//! The monthly briefing book by e-mail: each unit's day of the month to send it
//! (`org_units.briefing_mail_day`), the people it goes to, and what earlier runs sent
//! (`briefing_mails_sent`), so nobody gets one month's book twice.

use super::*;
use crate::domain::{MapId, OrgUnitId, Period, UserId};
use sqlx::AnyConnection;

/// Someone a unit's briefing book goes to: an active person with a role on the unit or above it.
#[derive(Clone, Debug, PartialEq)]
pub struct BriefingRecipient {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub locale: Option<String>,
}

fn mail_day_from(r: &AnyRow) -> StoreResult<Option<u8>> {
    match r.try_get::<Option<i64>, _>("briefing_mail_day")? {
        Some(day) => u8::try_from(day)
            .map(Some)
            .map_err(|_| StoreError::Corrupt("briefing_mail_day")),
        None => Ok(None),
    }
}

/// Records that `user` was mailed the book of `map` for `period`, inside the caller's
/// transaction; `false` when an earlier run (or another instance at the same time) did.
pub async fn record_briefing_mail(
    conn: &mut AnyConnection,
    map: MapId,
    period: Period,
    user: UserId,
) -> StoreResult<bool> {
    let inserted = change(
        "INSERT INTO briefing_mails_sent (map_id, period, user_id, sent_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (map_id, period, user_id) DO NOTHING",
    )
    .bind(map)
    .bind(period)
    .bind(user)
    .bind(now_text())
    .run(&mut *conn)
    .await?;
    Ok(inserted > 0)
}

impl Store {
    /// The day of the month a unit mails its briefing books (`None`: it does not).
    pub async fn briefing_mail_day(&self, unit: OrgUnitId) -> StoreResult<Option<u8>> {
        select("SELECT briefing_mail_day FROM org_units WHERE id = $1")
            .bind(unit)
            .one(&self.pool, mail_day_from, "org unit")
            .await
    }

    /// Sets the day of the month a unit mails its briefing books (`None`: never), audited.
    pub async fn set_briefing_mail_day(
        &self,
        unit: OrgUnitId,
        day: Option<u8>,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| {
            change("UPDATE org_units SET briefing_mail_day = $2 WHERE id = $1")
                .bind(unit)
                .bind_value(day.map(i64::from))
                .run_on_one(&mut *tx, "org unit")
                .await?;
            let detail = day.map_or_else(|| "off".to_string(), |d| format!("day {d}"));
            audit(tx, actor, "briefing_mail", "org_unit", unit, &detail).await
        })
        .await
    }

    /// The units that mail briefing books, with their day, leaving out archived ones.
    pub async fn briefing_mail_units(&self) -> StoreResult<Vec<(OrgUnitId, u8)>> {
        let read = |r: &AnyRow| {
            let day = mail_day_from(r)?.ok_or(StoreError::Corrupt("briefing_mail_day"))?;
            Ok((parsed(r, "id")?, day))
        };
        select(
            "SELECT id, briefing_mail_day FROM org_units \
             WHERE briefing_mail_day IS NOT NULL AND archived = 0 ORDER BY id",
        )
        .all(&self.pool, read)
        .await
    }

    /// The active people with a role on `unit` or a unit above it, with their address and
    /// language: who a unit's briefing book goes to.
    pub async fn briefing_recipients(
        &self,
        unit: OrgUnitId,
    ) -> StoreResult<Vec<BriefingRecipient>> {
        let read = |r: &AnyRow| {
            Ok(BriefingRecipient {
                id: parsed(r, "id")?,
                email: text(r, "email")?,
                name: text(r, "name")?,
                locale: opt_text(r, "locale")?,
            })
        };
        select(
            "WITH RECURSIVE above(id, parent_id) AS ( \
               SELECT id, parent_id FROM org_units WHERE id = $1 \
               UNION SELECT o.id, o.parent_id FROM org_units o JOIN above a ON o.id = a.parent_id) \
             SELECT DISTINCT u.id, u.email, u.name, u.locale FROM users u \
             JOIN memberships m ON m.user_id = u.id \
             WHERE m.org_unit_id IN (SELECT id FROM above) AND u.status = 'active' \
             ORDER BY u.email",
        )
        .bind(unit)
        .all(&self.pool, read)
        .await
    }
}

impl Store {
    /// Who was already mailed the book of `map` for `period`.
    pub async fn briefing_mails_sent(
        &self,
        map: MapId,
        period: Period,
    ) -> StoreResult<std::collections::HashSet<UserId>> {
        let ids =
            select("SELECT user_id FROM briefing_mails_sent WHERE map_id = $1 AND period = $2")
                .bind(map)
                .bind(period)
                .all(&self.pool, |r| parsed(r, "user_id"))
                .await?;
        Ok(ids.into_iter().collect())
    }
}
