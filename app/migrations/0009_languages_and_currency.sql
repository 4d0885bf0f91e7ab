-- Each person's language (NULL: follow the browser's Accept-Language), and the organisation's
-- currency, kept on its root unit (NULL on every other unit). Money is shown in it.
ALTER TABLE users ADD COLUMN locale TEXT;
ALTER TABLE org_units ADD COLUMN currency TEXT;
UPDATE org_units SET currency = 'EUR' WHERE parent_id IS NULL;
