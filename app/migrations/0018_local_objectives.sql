-- A unit objective may be deliberately the unit's own: it supports nothing on the parent map on
-- purpose, so the "not aligned" mark and the unit-map health rule leave it alone (0 = no, 1 = yes).
-- Portable SQL: the same file runs on SQLite and PostgreSQL.

ALTER TABLE objectives ADD COLUMN local_only BIGINT NOT NULL DEFAULT 0;
