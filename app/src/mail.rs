//! E-mail on the server: what server functions need to know about it ([`MailContext`]: whether
//! SMTP is configured, the public address links in mails point to, the reset form's rate
//! limits), and the reminder run the mail worker schedules. Mail itself is only ever queued
//! (`store::enqueue_mail`); the server's worker sends it.

use crate::domain::reminders::{digest_text, digests, reminders_on};
use crate::store::{record_reminder, Store, StoreResult};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::collections::HashSet;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// What server functions know about e-mail, provided with the server context.
#[derive(Clone)]
pub struct MailContext {
    /// An SMTP server is configured: mail is sent. Without one it stays queued, and pages say
    /// that mail is not configured.
    pub configured: bool,
    /// The address people open Cairn at, without a trailing slash: links in mails start with it.
    pub base_url: Arc<str>,
    /// Rate limits of the password-reset form.
    pub reset_limiter: Arc<ResetLimiter>,
}

impl MailContext {
    /// A context for `base_url` (a trailing slash is dropped).
    pub fn new(configured: bool, base_url: &str) -> MailContext {
        MailContext {
            configured,
            base_url: Arc::from(base_url.trim_end_matches('/')),
            reset_limiter: Arc::new(ResetLimiter::new()),
        }
    }
}

/// Requests of the password-reset form allowed at once per address, then one more every
/// [`RESET_ADDRESS_EVERY`].
pub const RESET_ADDRESS_BURST: u32 = 3;
/// See [`RESET_ADDRESS_BURST`].
pub const RESET_ADDRESS_EVERY: Duration = Duration::from_secs(300);
/// Requests of the password-reset form allowed at once per client IP, then one more every
/// [`RESET_CLIENT_EVERY`].
pub const RESET_CLIENT_BURST: u32 = 10;
/// See [`RESET_CLIENT_BURST`].
pub const RESET_CLIENT_EVERY: Duration = Duration::from_secs(60);

/// Keys kept by a limiter before forgotten ones (back at full allowance) are dropped.
const LIMITER_KEYS: usize = 10_000;

/// Two keyed limits on the password-reset form: per e-mail address (so nobody floods one
/// person's mailbox) and per client IP (so nobody floods everyone's).
pub struct ResetLimiter {
    by_address: DefaultKeyedRateLimiter<String>,
    by_client: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl Default for ResetLimiter {
    fn default() -> Self {
        ResetLimiter::new()
    }
}

/// A quota of `burst` at once, then one every `every`.
fn quota(burst: u32, every: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(every)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl ResetLimiter {
    /// The limits [`RESET_ADDRESS_BURST`] and [`RESET_CLIENT_BURST`].
    pub fn new() -> ResetLimiter {
        ResetLimiter {
            by_address: DefaultKeyedRateLimiter::keyed(quota(
                RESET_ADDRESS_BURST,
                RESET_ADDRESS_EVERY,
            )),
            by_client: DefaultKeyedRateLimiter::keyed(quota(
                RESET_CLIENT_BURST,
                RESET_CLIENT_EVERY,
            )),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one request for `address` from `client`; `Err(seconds)` to wait when either
    /// limit is used up (the client is checked first, so a flood of addresses from one IP
    /// does not use up their allowances).
    pub fn check(&self, address: &str, client: &str) -> Result<(), u64> {
        for limiter in [&self.by_address, &self.by_client] {
            if limiter.len() > LIMITER_KEYS {
                limiter.retain_recent();
            }
        }
        let wait = |limiter: &DefaultKeyedRateLimiter<String>, key: &str| {
            limiter.check_key(&key.to_string()).map_err(|not_until| {
                not_until
                    .wait_time_from(self.clock.now())
                    .as_secs()
                    .saturating_add(1)
            })
        };
        wait(&self.by_client, client)?;
        wait(&self.by_address, address)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reset_form_is_limited_per_address_and_per_client() {
        let limiter = ResetLimiter::new();
        for _ in 0..RESET_ADDRESS_BURST {
            assert_eq!(limiter.check("ada@example.com", "10.0.0.1"), Ok(()));
        }
        let wait = limiter.check("ada@example.com", "10.0.0.2").unwrap_err();
        assert!(
            wait > 0 && wait <= RESET_ADDRESS_EVERY.as_secs() + 1,
            "{wait}"
        );
        // Another address from another client is not affected.
        assert_eq!(limiter.check("bob@example.com", "10.0.0.3"), Ok(()));
        // One client, many addresses.
        let mut refused = 0;
        for i in 0..(RESET_CLIENT_BURST + 2) {
            if limiter
                .check(&format!("p{i}@example.com"), "10.0.0.9")
                .is_err()
            {
                refused += 1;
            }
        }
        assert_eq!(refused, 2);
    }
}
