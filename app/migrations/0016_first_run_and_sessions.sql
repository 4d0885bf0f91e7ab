-- Sessions end after a time without use (idle) as well as at their absolute expiry: when each
-- was last used (seconds since the epoch, refreshed at most once a minute) and how long it may
-- stay unused (seconds, as configured when it began). The browser's user agent lets the profile
-- page tell a person's sessions apart.
ALTER TABLE sessions ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN idle_seconds BIGINT NOT NULL DEFAULT 28800;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
UPDATE sessions SET last_seen = expires_at - 1209600;

-- The organisation's default language, kept on its root unit like its currency (NULL: follow
-- each browser's Accept-Language).
ALTER TABLE org_units ADD COLUMN locale TEXT;

-- Facts about the installation itself. 'demo' = '1' marks a database the demo loader filled,
-- so every page can say it is the demo for trying Cairn.
CREATE TABLE installation (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
