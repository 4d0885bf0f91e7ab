-- Single sign-on (OpenID Connect): each sign-in started at the provider, until its answer comes
-- back. Kept in the database (not in one server's memory) so the answer may reach any instance.
-- The state, and the value of the browser's cookie that started it, are stored as SHA-256
-- hashes; a row is taken (deleted) when the answer arrives, so each state is used once, and
-- rows expire after ten minutes.
-- Portable SQL: the same file runs on SQLite and PostgreSQL.

CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oidc_logins_expiry ON oidc_logins(expires_at);
