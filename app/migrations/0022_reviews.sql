-- Strategy reviews: a unit's meeting on one of its maps (scheduled, then closed with a frozen
-- snapshot as JSON), its agenda items with the owners' commentary, the decisions taken, and
-- action items tracked until done across reviews. A unit may require commentary on every red
-- item before a review closes. Portable SQL: the same file runs on SQLite and PostgreSQL.

ALTER TABLE org_units ADD COLUMN red_commentary_required INTEGER NOT NULL DEFAULT 0;

CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    org_unit_id TEXT NOT NULL REFERENCES org_units(id),
    map_id TEXT NOT NULL REFERENCES maps(id),
    title TEXT NOT NULL,
    cadence TEXT NOT NULL,
    held_on TEXT NOT NULL,
    span TEXT NOT NULL,
    attendees TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL DEFAULT 'scheduled',
    presenting INTEGER,
    closed_at TEXT,
    snapshot TEXT
);
CREATE INDEX reviews_by_unit ON reviews (org_unit_id, held_on);

CREATE TABLE review_items (
    id TEXT PRIMARY KEY,
    review_id TEXT NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    subject TEXT NOT NULL,
    reason TEXT NOT NULL,
    title TEXT NOT NULL,
    owner_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    analysis TEXT NOT NULL DEFAULT '',
    recommendation TEXT NOT NULL DEFAULT '',
    written_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    written_at TEXT
);
CREATE INDEX review_items_by_review ON review_items (review_id, position);
CREATE INDEX review_items_by_owner ON review_items (owner_id);

CREATE TABLE review_decisions (
    id TEXT PRIMARY KEY,
    review_id TEXT NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    item_id TEXT,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX review_decisions_by_review ON review_decisions (review_id);

CREATE TABLE review_actions (
    id TEXT PRIMARY KEY,
    org_unit_id TEXT NOT NULL REFERENCES org_units(id),
    review_id TEXT NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    item_id TEXT,
    subject TEXT,
    text TEXT NOT NULL,
    owner_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    due_on TEXT NOT NULL,
    done_on TEXT
);
CREATE INDEX review_actions_by_unit ON review_actions (org_unit_id, done_on);
CREATE INDEX review_actions_by_owner ON review_actions (owner_id, done_on);
