-- The live map's op log: one row per committed batch, in the map's sequence order.
-- A client's op_id is unique, so a resent batch is recognised and never applied twice.
CREATE TABLE map_ops (
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    op_id TEXT NOT NULL UNIQUE,
    author TEXT NOT NULL,
    ops TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (map_id, seq)
);
