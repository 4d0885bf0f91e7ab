//! The monthly briefing book by e-mail. Units that ask for it (a day of the month, set by their
//! admins) have the book of each of their maps for the month just closed mailed, as a PDF, to
//! everyone with a role in the unit, in each person's language. The mail worker runs this with
//! the reminders; each person's mail and the record that it went out are written in one
//! transaction, so a re-run, a restart or a second instance sends nobody the same book twice.

use super::files::{map_book, SpanQuery};
use app::api::ApiError;
use app::auth::Access;
use app::domain::briefing::{mail_period, mail_text, mails_book_of};
use app::domain::{MapSummary, OrgUnitId, Period};
use app::i18n::{parse_locale, Locale};
use app::store::{
    enqueue_mail_with, record_briefing_mail, BriefingRecipient, MailAttachment, Store, StoreError,
};
use chrono::NaiveDate;

/// One run for `today`: queues every book due and not yet mailed. Returns how many mails were
/// queued. A unit whose books fail is logged and left for the next run; the others go on.
pub async fn run_briefing_mails(
    store: &Store,
    today: NaiveDate,
    base_url: &str,
) -> Result<usize, ApiError> {
    let maps = store.map_summaries().await?;
    let mut queued = 0;
    for (unit, day) in store.briefing_mail_units().await? {
        let Some(period) = mail_period(today, day) else {
            continue;
        };
        match mail_unit(store, unit, &maps, period, base_url).await {
            Ok(n) => queued += n,
            Err(e) => {
                tracing::error!(%unit, "briefing books not mailed (tried again next run): {e}")
            }
        }
    }
    if queued > 0 {
        tracing::info!(mails = queued, "queued briefing books");
    }
    Ok(queued)
}

/// Mails the books of `unit`'s maps for `period` to those who have not had them.
async fn mail_unit(
    store: &Store,
    unit: OrgUnitId,
    maps: &[(OrgUnitId, MapSummary)],
    period: Period,
    base_url: &str,
) -> Result<usize, ApiError> {
    let unit_name = store.org_unit(unit).await?.name;
    let recipients = store.briefing_recipients(unit).await?;
    let mut queued = 0;
    for (_, map) in maps
        .iter()
        .filter(|(u, m)| *u == unit && mails_book_of(m, period))
    {
        let sent = store.briefing_mails_sent(map.id, period).await?;
        let due: Vec<&BriefingRecipient> = recipients
            .iter()
            .filter(|r| !sent.contains(&r.id))
            .collect();
        let book = BookMail {
            map,
            unit_name: &unit_name,
            period,
            link: format!("{}/maps/{}", base_url.trim_end_matches('/'), map.id),
        };
        for (locale, readers) in by_language(&due) {
            queued += book.send(store, locale, &readers).await?;
        }
    }
    Ok(queued)
}

/// Groups people by the language their book is written in.
fn by_language<'a>(people: &[&'a BriefingRecipient]) -> Vec<(Locale, Vec<&'a BriefingRecipient>)> {
    let mut groups: Vec<(Locale, Vec<&BriefingRecipient>)> = Vec::new();
    for person in people {
        let locale = person
            .locale
            .as_deref()
            .and_then(parse_locale)
            .unwrap_or(Locale::en);
        match groups.iter_mut().find(|(l, _)| *l == locale) {
            Some((_, group)) => group.push(person),
            None => groups.push((locale, vec![person])),
        }
    }
    groups
}

/// One map's book for one month.
struct BookMail<'a> {
    map: &'a MapSummary,
    unit_name: &'a str,
    period: Period,
    link: String,
}

impl BookMail<'_> {
    /// Typesets the book once in `locale`, with the rights of the first reader (everyone here
    /// has a role on the unit, so each may read it), and queues it to each reader.
    async fn send(
        &self,
        store: &Store,
        locale: Locale,
        readers: &[&BriefingRecipient],
    ) -> Result<usize, ApiError> {
        let Some(first) = readers.first() else {
            return Ok(0);
        };
        let access = Access::of_user(store, &store.user(first.id).await?).await?;
        let span = SpanQuery {
            kind: Some("month".into()),
            period: Some(self.period.to_string()),
        };
        let book = map_book(store, &access, self.map.id, &span, locale).await?;
        let attachment = MailAttachment {
            file_name: book.file_name,
            content_type: book.content_type.to_string(),
            bytes: book.bytes,
        };
        let mut queued = 0;
        for reader in readers {
            let (subject, body) = mail_text(
                locale,
                &reader.name,
                &self.map.name,
                self.unit_name,
                self.period,
                &self.link,
            );
            let sent = store
                .write(async |tx| {
                    if !record_briefing_mail(tx, self.map.id, self.period, reader.id).await? {
                        return Ok(false);
                    }
                    enqueue_mail_with(tx, &reader.email, &subject, &body, Some(&attachment))
                        .await?;
                    Ok(true)
                })
                .await;
            match sent {
                Ok(true) => queued += 1,
                Ok(false) => {}
                // Another instance recorded the same mail at the same moment: it sends it.
                Err(StoreError::Database(sqlx::Error::Database(e))) if e.is_unique_violation() => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(queued)
    }
}
