-- Every arrow is a hypothesis tested with data: which way the effect should move when the
-- cause improves ('same': more → more, 'opposite': more → less) and after how many months
-- (0–12; NULL: any lag).
ALTER TABLE links ADD COLUMN direction TEXT NOT NULL DEFAULT 'same';
ALTER TABLE links ADD COLUMN lag_months INTEGER;
