-- Cairn schema. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Ids are UUID text, times RFC 3339 text (sortable), money and measures DOUBLE PRECISION.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE org_units (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES org_units(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE memberships (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_unit_id TEXT NOT NULL REFERENCES org_units(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, org_unit_id)
);

CREATE TABLE maps (
    id TEXT PRIMARY KEY,
    org_unit_id TEXT NOT NULL REFERENCES org_units(id),
    name TEXT NOT NULL,
    vision TEXT NOT NULL,
    mission TEXT NOT NULL,
    map_values TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status TEXT NOT NULL,
    seq BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX maps_unit ON maps(org_unit_id);

CREATE TABLE perspectives (
    id TEXT PRIMARY KEY,
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    rank BIGINT NOT NULL
);
CREATE INDEX perspectives_map ON perspectives(map_id);

CREATE TABLE themes (
    id TEXT PRIMARY KEY,
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    colour TEXT NOT NULL,
    rank BIGINT NOT NULL
);
CREATE INDEX themes_map ON themes(map_id);

CREATE TABLE objectives (
    id TEXT PRIMARY KEY,
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    perspective_id TEXT NOT NULL REFERENCES perspectives(id),
    theme_id TEXT REFERENCES themes(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    owner_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    x DOUBLE PRECISION NOT NULL,
    y DOUBLE PRECISION NOT NULL
);
CREATE INDEX objectives_map ON objectives(map_id);

CREATE TABLE links (
    id TEXT PRIMARY KEY,
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    from_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE,
    to_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE,
    hypothesis TEXT NOT NULL,
    UNIQUE (from_id, to_id),
    CHECK (from_id <> to_id)
);
CREATE INDEX links_map ON links(map_id);

CREATE TABLE measures (
    id TEXT PRIMARY KEY,
    objective_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    unit TEXT NOT NULL,
    decimals BIGINT NOT NULL,
    frequency TEXT NOT NULL,
    polarity TEXT NOT NULL,
    indicator TEXT NOT NULL,
    data_source TEXT NOT NULL,
    data_owner_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    baseline DOUBLE PRECISION,
    weight DOUBLE PRECISION NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX measures_objective ON measures(objective_id);

CREATE TABLE targets (
    measure_id TEXT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    goal DOUBLE PRECISION NOT NULL,
    red_flag DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (measure_id, period)
);

CREATE TABLE actuals (
    measure_id TEXT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    note TEXT NOT NULL,
    entered_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    entered_at TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (measure_id, period)
);

CREATE TABLE initiatives (
    id TEXT PRIMARY KEY,
    org_unit_id TEXT NOT NULL REFERENCES org_units(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    owner_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    budget DOUBLE PRECISION NOT NULL,
    spend DOUBLE PRECISION NOT NULL,
    status TEXT NOT NULL,
    percent_complete BIGINT NOT NULL
);

CREATE TABLE initiative_objectives (
    initiative_id TEXT NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    objective_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE,
    PRIMARY KEY (initiative_id, objective_id)
);

CREATE TABLE milestones (
    id TEXT PRIMARY KEY,
    initiative_id TEXT NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    due_date TEXT NOT NULL,
    done BIGINT NOT NULL
);

CREATE TABLE alignments (
    id TEXT PRIMARY KEY,
    unit_objective_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE,
    parent_objective_id TEXT NOT NULL REFERENCES objectives(id) ON DELETE CASCADE,
    UNIQUE (unit_objective_id, parent_objective_id)
);

-- Every change, who made it and when: the audit history.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    user_id TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity_id);
