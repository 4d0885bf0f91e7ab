-- Alignments become part of the live map (the cascade workshop): each may carry a note on how
-- the unit objective contributes, and its id, chosen by the client like any other map item's,
-- belongs to the unit objective's map for good. The note may be NULL: rows kept with a deleted
-- objective before notes existed come back without one.
-- Portable SQL: the same file runs on SQLite and PostgreSQL.

ALTER TABLE alignments ADD COLUMN note TEXT;

INSERT INTO map_entity_ids (id, map_id)
    SELECT a.id, o.map_id FROM alignments a JOIN objectives o ON o.id = a.unit_objective_id
    WHERE a.id NOT IN (SELECT id FROM map_entity_ids);
