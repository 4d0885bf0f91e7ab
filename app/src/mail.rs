//! E-mail on the server: what server functions need to know about it ([`MailContext`]: whether
//! SMTP is configured, the public address links in mails point to, the reset form's rate
//! limits), and the reminder run the mail worker schedules. Mail itself is only ever queued
//! (`store::enqueue_mail`); the server's worker sends it.

use crate::domain::reminders::{digest_text, digests, reminders_on};
use crate::store::{record_reminder, Store, StoreResult};
use std::collections::HashSet;
use std::sync::Arc;

/// What server functions know about e-mail, provided with the server context.
#[derive(Clone)]
pub struct MailContext {
    /// An SMTP server is configured: mail is sent. Without one it stays queued, and pages say
    /// that mail is not configured.
    pub configured: bool,
    /// The address people open Cairn at, without a trailing slash: links in mails start with it.
    pub base_url: Arc<str>,
    /// Rate limits of the password-reset form.
    pub reset_limiter: Arc<crate::throttle::ResetThrottle>,
}

impl MailContext {
    /// A context for `base_url` (a trailing slash is dropped).
    pub fn new(configured: bool, base_url: &str) -> MailContext {
        MailContext {
            configured,
            base_url: Arc::from(base_url.trim_end_matches('/')),
            reset_limiter: Arc::new(crate::throttle::ResetThrottle::new()),
        }
    }
}

/// One reminder run for `today`: finds every reminder due (the deadline rule of
/// [`crate::domain::reminders`], the units' settings, people's opt-outs), drops what earlier
/// runs sent, and queues one digest per person. Each person's digest and the record of what it
/// says are written in one transaction, so a re-run (or another instance running at the same
/// time) sends nothing twice. Returns how many digests were queued.
pub async fn run_reminders(
    store: &Store,
    today: chrono::NaiveDate,
    base_url: &str,
) -> StoreResult<usize> {
    let Some(period) = crate::domain::reminders::period_of(today) else {
        return Ok(0);
    };
    let candidates = store.reminder_candidates(period).await?;
    let people = store.reminder_recipients().await?;
    let opted_out: HashSet<_> = people
        .iter()
        .filter(|p| !p.wants_reminders)
        .map(|p| p.id)
        .collect();
    let base_url = base_url.trim_end_matches('/');
    let mut queued = 0;
    for (recipient, lines) in digests(reminders_on(&candidates, today, &opted_out)) {
        let Some(person) = people.iter().find(|p| p.id == recipient) else {
            continue;
        };
        let locale = person
            .locale
            .as_deref()
            .and_then(crate::i18n::parse_locale)
            .unwrap_or(crate::i18n::Locale::en);
        let sent = store
            .write(async |tx| {
                let mut new = Vec::new();
                for line in lines {
                    if record_reminder(tx, &line).await? {
                        new.push(line);
                    }
                }
                if new.is_empty() {
                    return Ok(false);
                }
                let (subject, body) = digest_text(locale, &person.name, &new, base_url);
                crate::store::enqueue_mail(tx, &person.email, &subject, &body).await?;
                Ok(true)
            })
            .await;
        match sent {
            Ok(true) => queued += 1,
            Ok(false) => {}
            // Another instance recorded the same lines at the same moment: it sends them.
            Err(crate::store::StoreError::Database(e)) if is_unique_violation(&e) => {}
            Err(e) => return Err(e),
        }
    }
    if queued > 0 {
        tracing::info!(digests = queued, "queued reminder digests");
    }
    Ok(queued)
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}
