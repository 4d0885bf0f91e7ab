-- Changes proposed to a parent map by editors of a unit below it (the cascade's way up): the ops
-- as JSON (the edit protocol's own), the reason, and the decision. A proposal is kept after it
-- is decided, so its author sees the outcome and the history shows who decided.
-- Portable SQL: the same file runs on SQLite and PostgreSQL.
CREATE TABLE proposals (
    id TEXT PRIMARY KEY,
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    from_map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    ops TEXT NOT NULL,
    -- open, accepted or declined
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_by TEXT REFERENCES users(id),
    decided_at TEXT,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX proposals_map ON proposals(map_id, status);
CREATE INDEX proposals_from_map ON proposals(from_map_id);
