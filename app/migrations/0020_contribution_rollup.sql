-- Contribution roll-up: an objective whose status also counts the unit objectives aligned to it
-- (0 = off, the default; 1 = on). Portable SQL: the same file runs on SQLite and PostgreSQL.

ALTER TABLE objectives ADD COLUMN unit_rollup BIGINT NOT NULL DEFAULT 0;
