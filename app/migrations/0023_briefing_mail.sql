-- The monthly briefing book by e-mail: a unit may have its maps' books for the month just closed
-- mailed to its people on a day of the next month (NULL: never). A mail may carry one
-- attachment (base64 text, the same on SQLite and PostgreSQL), dropped once the mail is sent.
-- What was mailed to whom is recorded, so a re-run or a second instance mails nothing twice.

ALTER TABLE org_units ADD COLUMN briefing_mail_day BIGINT;

ALTER TABLE mail_outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE mail_outbox ADD COLUMN attachment_type TEXT;
ALTER TABLE mail_outbox ADD COLUMN attachment_data TEXT;

CREATE TABLE briefing_mails_sent (
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (map_id, period, user_id)
);
