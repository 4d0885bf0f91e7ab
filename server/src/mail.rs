//! The mail worker: sends the queued mail (`mail_outbox`) through the configured SMTP server,
//! and runs the data owners' reminders and the units' monthly briefing books every hour. It runs beside the HTTP server and never
//! holds up a request: requests only queue mail.
//!
//! Each round claims the due mails with a lease (see `Store::claim_mail`): on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so several instances send each mail once; a worker that dies
//! mid-send leaves its mails to be claimed again when the lease runs out, so nothing is lost at
//! a restart. A failed attempt is tried again later (the wait doubles each time); after the
//! last attempt the mail is marked failed, kept, and logged as an error.

use crate::config::{SmtpConfig, SmtpTls};
use app::store::{now_millis, OutgoingMail, Store};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;
use tokio::task::JoinHandle;

/// How the worker paces itself.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// How often it looks for due mail.
    pub poll: Duration,
    /// How long a claim holds a mail (longer than one SMTP conversation can take).
    pub lease: Duration,
    /// Attempts before a mail is marked failed.
    pub max_attempts: i64,
    /// The wait after the first failed attempt; it doubles after each further one.
    pub backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// Mails claimed per round.
    pub batch: i64,
    /// How often reminders and the monthly briefing books run (`None`: never, as in tests that
    /// run them by hand).
    pub reminders_every: Option<Duration>,
    /// Where links in reminder mails point (no trailing slash).
    pub base_url: String,
}

impl WorkerSettings {
    /// The production pace: every 5 s, 5-minute leases, 8 attempts over about 10 hours, and
    /// reminders every hour.
    pub fn new(base_url: &str) -> WorkerSettings {
        WorkerSettings {
            poll: Duration::from_secs(5),
            lease: Duration::from_secs(300),
            max_attempts: 8,
            backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(4 * 3600),
            batch: 20,
            reminders_every: Some(Duration::from_secs(3600)),
            base_url: base_url.trim_end_matches('/').to_string(),
        }
    }

    /// The wait after the `attempts`-th failed attempt.
    pub fn backoff_after(&self, attempts: i64) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
        self.backoff
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(self.max_backoff)
    }
}

/// The address people open Cairn at: `CAIRN_PUBLIC_URL`'s origin, else the listening address.
pub fn base_url(config: &crate::Config) -> String {
    config
        .public_origin
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.site_addr))
}

/// Why a mail could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The mail itself is wrong (a bad address): trying again will not help.
    #[error("cannot build the message: {0}")]
    Message(String),
    /// The SMTP server could not be reached or refused for now.
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

/// Sends mail through one SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl Mailer {
    /// A mailer for the configured server (no connection is made until the first mail).
    pub fn new(smtp: &SmtpConfig) -> Result<Mailer, SendError> {
        type Transport = AsyncSmtpTransport<Tokio1Executor>;
        let builder = match smtp.tls {
            SmtpTls::None => Transport::builder_dangerous(&smtp.host),
            SmtpTls::StartTls => Transport::starttls_relay(&smtp.host)?,
            SmtpTls::Tls => Transport::relay(&smtp.host)?,
        };
        let mut builder = builder
            .port(smtp.port)
            .timeout(Some(Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (&smtp.user, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let from = smtp
            .from
            .parse()
            .map_err(|e| SendError::Message(format!("sender {}: {e}", smtp.from)))?;
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one mail (plain text, UTF-8), with its file attached if it has one.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), SendError> {
        let to = mail
            .recipient
            .parse()
            .map_err(|e| SendError::Message(format!("recipient {}: {e}", mail.recipient)))?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone());
        let message = match &mail.attachment {
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body.clone()),
            Some(file) => {
                let content_type = ContentType::parse(&file.content_type)
                    .map_err(|e| SendError::Message(format!("attachment type: {e}")))?;
                builder.multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(mail.body.clone()))
                        .singlepart(
                            Attachment::new(file.file_name.clone())
                                .body(file.bytes.clone(), content_type),
                        ),
                )
            }
        }
        .map_err(|e| SendError::Message(e.to_string()))?;
        self.transport.send(message).await?;
        Ok(())
    }
}

/// Starts the worker: sends queued mail through `smtp` (with none, mail stays queued) and runs
/// reminders. Runs until the task is aborted or the store closed.
pub fn spawn_worker(
    store: Store,
    smtp: Option<&SmtpConfig>,
    settings: WorkerSettings,
) -> JoinHandle<()> {
    let mailer = match smtp.map(Mailer::new).transpose() {
        Ok(m) => m,
        Err(e) => {
            tracing::error!("mail is not sent: {e}");
            None
        }
    };
    if mailer.is_none() {
        tracing::warn!("no SMTP server configured (CAIRN_SMTP_HOST): mail stays queued");
    }
    tokio::spawn(async move {
        let claim = uuid::Uuid::new_v4().to_string();
        let mut tick = tokio::time::interval(settings.poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_reminders: Option<tokio::time::Instant> = None;
        loop {
            tick.tick().await;
            if store.pool().is_closed() {
                return;
            }
            if let Some(every) = settings.reminders_every {
                if last_reminders.is_none_or(|at| at.elapsed() >= every) {
                    last_reminders = Some(tokio::time::Instant::now());
                    let today = chrono::Utc::now().date_naive();
                    if let Err(e) =
                        app::mail::run_reminders(&store, today, &settings.base_url).await
                    {
                        tracing::error!("reminder run failed (tried again next hour): {e}");
                    }
                    if let Err(e) = crate::export::mailing::run_briefing_mails(
                        &store,
                        today,
                        &settings.base_url,
                    )
                    .await
                    {
                        tracing::error!("briefing-book run failed (tried again next hour): {e}");
                    }
                }
            }
            if let Some(mailer) = &mailer {
                if let Err(e) = deliver_due(&store, mailer, &settings, &claim).await {
                    tracing::warn!("could not read the mail queue (will retry): {e}");
                }
            }
        }
    })
}

/// One round: claims the due mails and sends each, recording the outcome. Returns how many
/// were sent.
pub async fn deliver_due(
    store: &Store,
    mailer: &Mailer,
    settings: &WorkerSettings,
    claim: &str,
) -> Result<usize, app::store::StoreError> {
    let lease = i64::try_from(settings.lease.as_millis()).unwrap_or(i64::MAX / 4);
    let due = store
        .claim_mail(claim, now_millis(), lease, settings.batch)
        .await?;
    let mut sent = 0;
    for mail in due {
        match mailer.send(&mail).await {
            Ok(()) => {
                store.mail_sent(&mail.id, claim).await?;
                tracing::info!(to = %mail.recipient, subject = %mail.subject, "mail sent");
                sent += 1;
            }
            Err(e) => {
                let permanent = matches!(e, SendError::Message(_))
                    || matches!(&e, SendError::Smtp(s) if s.is_permanent());
                let last = permanent || mail.attempts >= settings.max_attempts;
                let retry_at = (!last).then(|| {
                    let wait = settings.backoff_after(mail.attempts).as_millis();
                    now_millis().saturating_add(i64::try_from(wait).unwrap_or(i64::MAX / 4))
                });
                store
                    .mail_attempt_failed(&mail.id, claim, &e.to_string(), retry_at)
                    .await?;
                if last {
                    tracing::error!(to = %mail.recipient, subject = %mail.subject, attempts = mail.attempts, "mail failed for good: {e}");
                } else {
                    tracing::warn!(to = %mail.recipient, attempts = mail.attempts, "mail not sent (will retry): {e}");
                }
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_its_limit() {
        let s = WorkerSettings::new("http://x");
        assert_eq!(s.backoff_after(1), Duration::from_secs(60));
        assert_eq!(s.backoff_after(2), Duration::from_secs(120));
        assert_eq!(s.backoff_after(4), Duration::from_secs(480));
        assert_eq!(s.backoff_after(30), Duration::from_secs(4 * 3600));
    }
}
