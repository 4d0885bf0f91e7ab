-- Dashboards (widgets on a 12-column grid, composed per org unit) and display links (secret
-- addresses of meeting-room screens, stored as the SHA-256 of the secret, revocable).
-- Portable SQL: the same file runs on SQLite and PostgreSQL.

CREATE TABLE dashboards (
    id TEXT PRIMARY KEY,
    org_unit_id TEXT NOT NULL REFERENCES org_units(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    span_kind TEXT NOT NULL,
    -- JSON array of widgets: {id, kind: {type, …config}, x, y, w, h}.
    layout TEXT NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX dashboards_unit ON dashboards(org_unit_id);

CREATE TABLE display_links (
    id TEXT PRIMARY KEY,
    org_unit_id TEXT NOT NULL REFERENCES org_units(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    rotate_seconds BIGINT NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_seen_at TEXT
);
CREATE INDEX display_links_unit ON display_links(org_unit_id);

-- The dashboards a link rotates through, in order.
CREATE TABLE display_link_dashboards (
    link_id TEXT NOT NULL REFERENCES display_links(id) ON DELETE CASCADE,
    dashboard_id TEXT NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    PRIMARY KEY (link_id, dashboard_id)
);
CREATE INDEX display_link_dashboards_dashboard ON display_link_dashboards(dashboard_id);
