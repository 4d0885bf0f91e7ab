-- An archived org unit: it, the units below it and their maps stay readable, but nothing in
-- them can be changed until it is brought back (0 = in use, 1 = archived).
ALTER TABLE org_units ADD COLUMN archived BIGINT NOT NULL DEFAULT 0;
