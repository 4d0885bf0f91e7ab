-- People and roles: account status (invited, active, deactivated), invitations (a single-use,
-- expiring link stored as the SHA-256 of its token), and API tokens that may administer
-- (invite people through the REST API). Portable SQL: the same file runs on SQLite and PostgreSQL.

ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active';

CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_unit_id TEXT NOT NULL REFERENCES org_units(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    invited_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at TEXT
);
CREATE INDEX invitations_user ON invitations(user_id);

ALTER TABLE api_tokens ADD COLUMN can_administer BIGINT NOT NULL DEFAULT 0;
