-- Outgoing e-mail, queued in the database and sent by a background worker (so a slow or absent
-- SMTP server never blocks a request, and nothing is lost at a restart). Times are milliseconds
-- since the epoch. A worker claims a row by setting `claim` and a lease (`locked_until`); a
-- claim whose lease ran out (its worker died) is taken again.
CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- queued, sent or failed (after the last attempt)
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claim TEXT,
    locked_until BIGINT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);

-- Password reset links: only the SHA-256 of the secret, an expiry (seconds since the epoch)
-- and when it was used (a link works once).
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_resets_user ON password_resets(user_id);

-- Reminders for data owners: each unit's days before the deadline, after it, and when an
-- overdue measure escalates to its objective's owner (no row: the defaults 3, 1, 7).
CREATE TABLE reminder_settings (
    org_unit_id TEXT PRIMARY KEY REFERENCES org_units(id) ON DELETE CASCADE,
    days_before BIGINT NOT NULL,
    days_after BIGINT NOT NULL,
    escalate_after BIGINT NOT NULL
);

-- Each person may turn reminders off (1: e-mail me reminders).
ALTER TABLE users ADD COLUMN reminders BIGINT NOT NULL DEFAULT 1;

-- What each reminder run sent, so a second run (or a second instance) sends nothing twice:
-- one row per person, measure, period due and kind (due, overdue, escalation).
-- measure_id is not a foreign key: a deleted objective's measures come back with an undo
-- (store::tombstones), and what was already sent for them must come back too, or the owner
-- would be reminded twice.
CREATE TABLE reminders_sent (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    measure_id TEXT NOT NULL,
    period TEXT NOT NULL,
    kind TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (user_id, measure_id, period, kind)
);
