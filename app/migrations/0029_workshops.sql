-- Workshop mode: the workshop running on a map (sticky notes, clusters, the dot-vote, the timer)
-- as one JSON document, written by the commit path with the op that changed it. One row per map
-- at most; closing the workshop deletes it. Private notes and running ballots are in it: only
-- the server reads it, and each person is sent their own view.
CREATE TABLE workshops (
    map_id TEXT PRIMARY KEY REFERENCES maps(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
