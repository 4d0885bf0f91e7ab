-- API tokens for the REST API v1: created by an admin, shown once, stored as a SHA-256 hash,
-- scoped to org units (each covers its subtree), read-only or read+write, revocable.
-- Portable SQL: the same file runs on SQLite and PostgreSQL.

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT,
    can_write BIGINT NOT NULL
);

CREATE TABLE api_token_units (
    token_id TEXT NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    org_unit_id TEXT NOT NULL REFERENCES org_units(id) ON DELETE CASCADE,
    PRIMARY KEY (token_id, org_unit_id)
);
CREATE INDEX api_token_units_unit ON api_token_units(org_unit_id);
