-- Strategic themes carry what the Strategy screen says of them: a description (what the theme
-- is about and why) and an owner who answers for it.
ALTER TABLE themes ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE themes ADD COLUMN owner_id TEXT REFERENCES users(id) ON DELETE SET NULL;
