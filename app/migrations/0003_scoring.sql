-- Measures that score themselves: scoring type, period aggregation and formulas per measure;
-- weights and roll-up rules for objectives and perspectives; map health rules switched off.
-- Portable SQL: the same file runs on SQLite and PostgreSQL.

ALTER TABLE measures ADD COLUMN scoring TEXT NOT NULL DEFAULT '{"kind":"goal_red_flag"}';
ALTER TABLE measures ADD COLUMN aggregation TEXT NOT NULL DEFAULT 'last';
ALTER TABLE measures ADD COLUMN formula TEXT NOT NULL DEFAULT '';
ALTER TABLE measures ADD COLUMN missing_data TEXT NOT NULL DEFAULT 'blank';

ALTER TABLE objectives ADD COLUMN weight DOUBLE PRECISION NOT NULL DEFAULT 1;
ALTER TABLE objectives ADD COLUMN rollup TEXT NOT NULL DEFAULT 'weighted_average';
ALTER TABLE perspectives ADD COLUMN weight DOUBLE PRECISION NOT NULL DEFAULT 1;

-- JSON array of health-check rule ids the map's editors switched off.
ALTER TABLE maps ADD COLUMN health_off TEXT NOT NULL DEFAULT '[]';

-- Targets and actuals outlive their measure row: deleting a measure (or its objective) on the
-- live map is undoable, and the undo recreates the measure with the same id, so its history
-- must still be there. Reads always join through measures, so orphans are never shown.
CREATE TABLE targets_v2 (
    measure_id TEXT NOT NULL,
    period TEXT NOT NULL,
    goal DOUBLE PRECISION NOT NULL,
    red_flag DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (measure_id, period)
);
INSERT INTO targets_v2 (measure_id, period, goal, red_flag)
    SELECT measure_id, period, goal, red_flag FROM targets;
DROP TABLE targets;
ALTER TABLE targets_v2 RENAME TO targets;

CREATE TABLE actuals_v2 (
    measure_id TEXT NOT NULL,
    period TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    note TEXT NOT NULL,
    entered_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    entered_at TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (measure_id, period)
);
INSERT INTO actuals_v2 (measure_id, period, value, note, entered_by, entered_at, source)
    SELECT measure_id, period, value, note, entered_by, entered_at, source FROM actuals;
DROP TABLE actuals;
ALTER TABLE actuals_v2 RENAME TO actuals;
