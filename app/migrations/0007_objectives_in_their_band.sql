-- Every objective's box inside its perspective's band: before this, a create or a move could
-- store a position in another band (a Customer objective drawn among Learning & Growth).
-- The geometry is `domain::layout`'s: bands of 180 below a 44 header, boxes 76 high, band n
-- (0 = top, by rank) holds box centres from 82 + 180n to 186 + 180n.
-- Portable SQL: the same file runs on SQLite and PostgreSQL.

UPDATE objectives SET y = CASE
    WHEN y < 82 + 180 * (SELECT COUNT(*) FROM perspectives q, perspectives p
                         WHERE p.id = objectives.perspective_id AND q.map_id = p.map_id AND q.rank < p.rank)
    THEN 82 + 180 * (SELECT COUNT(*) FROM perspectives q, perspectives p
                     WHERE p.id = objectives.perspective_id AND q.map_id = p.map_id AND q.rank < p.rank)
    WHEN y > 186 + 180 * (SELECT COUNT(*) FROM perspectives q, perspectives p
                          WHERE p.id = objectives.perspective_id AND q.map_id = p.map_id AND q.rank < p.rank)
    THEN 186 + 180 * (SELECT COUNT(*) FROM perspectives q, perspectives p
                      WHERE p.id = objectives.perspective_id AND q.map_id = p.map_id AND q.rank < p.rank)
    ELSE y
END;
