-- Yearly versions: a map made by "Start next year's map" names the version it carries on, and
-- each copied objective names the objective it came from, so comparing two versions tells a
-- reworded objective from a new one. Plain ids (no foreign key): a deleted earlier version
-- leaves its successors intact.
ALTER TABLE maps ADD COLUMN previous_version_id TEXT;
ALTER TABLE objectives ADD COLUMN origin_id TEXT;
