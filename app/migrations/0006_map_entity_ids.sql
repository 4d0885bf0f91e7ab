-- Every id a map's content has ever used (perspectives, themes, objectives, links, measures),
-- with the map it belongs to. Clients choose these ids, and history outlives rows (targets and
-- actuals are kept by measure id, deleted objectives' dependent rows by objective id), so an id
-- used on one map is refused on every other map, also after its row is gone. A NULL map means
-- "used, map unknown": refused on every map.
-- Portable SQL: the same file runs on SQLite and PostgreSQL.

CREATE TABLE map_entity_ids (
    id TEXT PRIMARY KEY,
    map_id TEXT
);

INSERT INTO map_entity_ids (id, map_id) SELECT id, map_id FROM perspectives;
INSERT INTO map_entity_ids (id, map_id)
    SELECT id, map_id FROM themes WHERE id NOT IN (SELECT id FROM map_entity_ids);
INSERT INTO map_entity_ids (id, map_id)
    SELECT id, map_id FROM objectives WHERE id NOT IN (SELECT id FROM map_entity_ids);
INSERT INTO map_entity_ids (id, map_id)
    SELECT id, map_id FROM links WHERE id NOT IN (SELECT id FROM map_entity_ids);
INSERT INTO map_entity_ids (id, map_id)
    SELECT m.id, o.map_id FROM measures m JOIN objectives o ON o.id = m.objective_id
    WHERE m.id NOT IN (SELECT id FROM map_entity_ids);
-- Measures deleted before this migration whose targets or actuals remain: their map is the one
-- whose op log first names them (their create or delete), else unknown.
INSERT INTO map_entity_ids (id, map_id)
    SELECT h.measure_id,
           (SELECT l.map_id FROM map_ops l WHERE l.ops LIKE '%' || h.measure_id || '%'
            ORDER BY l.seq LIMIT 1)
    FROM (SELECT measure_id FROM targets UNION SELECT measure_id FROM actuals) h
    WHERE h.measure_id NOT IN (SELECT id FROM map_entity_ids);
