//! The mail queue (`mail_outbox`): mail is queued inside the write that causes it and sent later
//! by the server's mail worker, which claims due rows with a lease (so a worker that dies leaves
//! nothing stuck, and two workers never send one mail twice while a lease holds).

use super::*;
use sqlx::AnyConnection;

/// Queued, sent, or failed after its last attempt.
pub const MAIL_QUEUED: &str = "queued";
/// What `mail_outbox.status` says once the SMTP server took the mail.
pub const MAIL_SENT: &str = "sent";
/// What `mail_outbox.status` says after the last failed attempt (the row is kept).
pub const MAIL_FAILED: &str = "failed";

/// The longest subject and body queued (a mail is text written by Cairn, never an upload).
pub const MAX_SUBJECT: usize = 300;
/// See [`MAX_SUBJECT`].
pub const MAX_BODY: usize = 100_000;

/// Milliseconds since the epoch: the queue's clock.
pub fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Queues a mail to `to`, inside the caller's transaction: it is sent only if that write
/// commits (an invitation and its mail, a reset link and its mail).
pub async fn enqueue_mail(
    conn: &mut AnyConnection,
    to: &str,
    subject: &str,
    body: &str,
) -> StoreResult<()> {
    enqueue_mail_with(conn, to, subject, body, None).await
}

/// Queues a mail like [`enqueue_mail`], with a file attached (a briefing book). The file is
/// kept with the mail only until the mail is sent.
pub async fn enqueue_mail_with(
    conn: &mut AnyConnection,
    to: &str,
    subject: &str,
    body: &str,
    attachment: Option<&MailAttachment>,
) -> StoreResult<()> {
    use base64::Engine as _;
    crate::domain::validation::email(to)?;
    let subject: String = subject
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_SUBJECT)
        .collect();
    let body: String = body.chars().take(MAX_BODY).collect();
    if attachment.is_some_and(|a| a.bytes.len() > MAX_ATTACHMENT) {
        return Err(StoreError::Invalid(
            crate::domain::validation::ValidationError::TooLong {
                field: "attachment".into(),
                len: attachment.map_or(0, |a| a.bytes.len()),
                max: MAX_ATTACHMENT,
            },
        ));
    }
    change(
        "INSERT INTO mail_outbox (id, recipient, subject, body, status, attempts, next_attempt_at, created_at, \
         attachment_name, attachment_type, attachment_data) \
         VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $10)",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(to.trim())
    .bind(subject)
    .bind(body)
    .bind(MAIL_QUEUED)
    .bind_value(now_millis())
    .bind(now_text())
    .bind_value(attachment.map(|a| a.file_name.clone()))
    .bind_value(attachment.map(|a| a.content_type.clone()))
    .bind_value(attachment.map(|a| base64::engine::general_purpose::STANDARD.encode(&a.bytes)))
    .run(&mut *conn)
    .await?;
    Ok(())
}

/// A file sent with a mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailAttachment {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The largest file a mail carries (most mail servers refuse messages over 25 MB; base64 adds
/// a third).
pub const MAX_ATTACHMENT: usize = 15 * 1024 * 1024;

/// A mail a worker claimed: what to send, and how many attempts (this one included) it had.
#[derive(Clone, Debug, PartialEq)]
pub struct OutgoingMail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
    pub attachment: Option<MailAttachment>,
}

/// One row of the queue as it stands (for tests and the log).
#[derive(Clone, Debug, PartialEq)]
pub struct QueuedMail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// The file a claimed row carries, decoded.
fn attachment_from(r: &AnyRow) -> StoreResult<Option<MailAttachment>> {
    use base64::Engine as _;
    let (Some(file_name), Some(content_type), Some(data)) = (
        opt_text(r, "attachment_name")?,
        opt_text(r, "attachment_type")?,
        opt_text(r, "attachment_data")?,
    ) else {
        return Ok(None);
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|_| StoreError::Corrupt("attachment_data"))?;
    Ok(Some(MailAttachment {
        file_name,
        content_type,
        bytes,
    }))
}

impl Store {
    /// Queues a mail in its own transaction (see [`enqueue_mail`]).
    pub async fn enqueue_mail(&self, to: &str, subject: &str, body: &str) -> StoreResult<()> {
        self.write(async |tx| enqueue_mail(tx, to, subject, body).await)
            .await
    }

    /// Claims up to `limit` due mails for the worker `claim` until `now + lease` (milliseconds),
    /// counting an attempt on each: queued mails whose next attempt is due and that no live
    /// lease holds. One statement: on PostgreSQL the rows are locked with `FOR UPDATE SKIP
    /// LOCKED`, so concurrent workers take different mails; SQLite runs it under its write lock.
    pub async fn claim_mail(
        &self,
        claim: &str,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<OutgoingMail>> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE mail_outbox SET claim = $1, locked_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= $3 \
               AND (locked_until IS NULL OR locked_until <= $4) ORDER BY next_attempt_at, id LIMIT $5{lock}) \
             RETURNING id, recipient, subject, body, attempts, attachment_name, attachment_type, attachment_data"
        );
        let read = |r: &AnyRow| {
            Ok(OutgoingMail {
                id: text(r, "id")?,
                recipient: text(r, "recipient")?,
                subject: text(r, "subject")?,
                body: text(r, "body")?,
                attempts: int(r, "attempts")?,
                attachment: attachment_from(r)?,
            })
        };
        select(&sql)
            .bind(claim)
            .bind_value(now + lease_ms)
            .bind_value(now)
            .bind_value(now)
            .bind_value(limit)
            .all(&self.pool, read)
            .await
    }

    /// Marks a claimed mail sent (only while `claim` still holds it).
    pub async fn mail_sent(&self, id: &str, claim: &str) -> StoreResult<()> {
        change(
            "UPDATE mail_outbox SET status = 'sent', sent_at = $1, locked_until = NULL, last_error = NULL, \
             attachment_data = NULL WHERE id = $2 AND claim = $3",
        )
        .bind(now_text())
        .bind(id)
        .bind(claim)
        .run(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt of a claimed mail: tried again from `retry_at` (milliseconds),
    /// or, with `None`, marked failed for good (the row is kept).
    pub async fn mail_attempt_failed(
        &self,
        id: &str,
        claim: &str,
        error: &str,
        retry_at: Option<i64>,
    ) -> StoreResult<()> {
        let error: String = error.chars().take(1000).collect();
        let status = if retry_at.is_some() {
            MAIL_QUEUED
        } else {
            MAIL_FAILED
        };
        change(
            "UPDATE mail_outbox SET status = $1, last_error = $2, locked_until = NULL, \
             next_attempt_at = $3 WHERE id = $4 AND claim = $5",
        )
        .bind(status)
        .bind(error)
        .bind_value(retry_at.unwrap_or_else(now_millis))
        .bind(id)
        .bind(claim)
        .run(&self.pool)
        .await?;
        Ok(())
    }

    /// Every mail in the queue, oldest first.
    pub async fn mail_outbox(&self) -> StoreResult<Vec<QueuedMail>> {
        let read = |r: &AnyRow| {
            Ok(QueuedMail {
                id: text(r, "id")?,
                recipient: text(r, "recipient")?,
                subject: text(r, "subject")?,
                body: text(r, "body")?,
                status: text(r, "status")?,
                attempts: int(r, "attempts")?,
                last_error: opt_text(r, "last_error")?,
            })
        };
        select(
            "SELECT id, recipient, subject, body, status, attempts, last_error FROM mail_outbox \
             ORDER BY created_at, id",
        )
        .all(&self.pool, read)
        .await
    }
}
