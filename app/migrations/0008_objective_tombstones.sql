-- What a deleted objective took with it that undo must bring back: rows of other tables that
-- reference it and go with it (ON DELETE CASCADE) but that the op re-creating the objective
-- does not carry (initiative links, alignments in both directions, its measures' order). The
-- commit path writes them when it deletes an objective and restores them, in the same
-- transaction, when an objective with that id is created again (undo, redo's undo).
-- Which tables take part is one list in the code (`store::tombstones::DEPENDENTS`).
-- Portable SQL: the same file runs on SQLite and PostgreSQL.

CREATE TABLE objective_tombstones (
    -- The deleted objective whose re-creation brings the row back.
    objective_id TEXT NOT NULL,
    -- The table the row belongs to.
    dependent TEXT NOT NULL,
    -- The row's key in that table (its key columns joined by spaces).
    row_key TEXT NOT NULL,
    -- The row's columns as a JSON object.
    row_data TEXT NOT NULL,
    PRIMARY KEY (objective_id, dependent, row_key)
);
