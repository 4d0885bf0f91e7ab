-- Initiatives are run, not just listed: % complete typed in or earned by weighted milestones
-- ('typed' or 'milestones'), an initiative may be closed (the day, or NULL while open), and each
-- milestone may have its own owner and a weight. Portable SQL: the same file runs on SQLite and
-- PostgreSQL.

ALTER TABLE initiatives ADD COLUMN progress_mode TEXT NOT NULL DEFAULT 'typed';
ALTER TABLE initiatives ADD COLUMN closed_on TEXT;
ALTER TABLE milestones ADD COLUMN owner_id TEXT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE milestones ADD COLUMN weight DOUBLE PRECISION NOT NULL DEFAULT 1;

CREATE INDEX initiatives_by_unit ON initiatives (org_unit_id);
CREATE INDEX milestones_by_initiative ON milestones (initiative_id);
CREATE INDEX initiative_objectives_by_objective ON initiative_objectives (objective_id);
