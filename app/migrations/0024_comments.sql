-- Comments: threads on objectives, measures, initiatives and review items (the subject is a
-- kind and an id; the item's unit, read when the thread is, decides who may see it), replies
-- in a thread (parent_id), the people each mentions (a JSON list of ids), edits, deletes that
-- keep the thread's shape, and threads resolved and reopened. Each mention of someone, and each
-- reply in a thread they wrote in, is a line in their inbox until they read it.

CREATE TABLE comments (
    id TEXT PRIMARY KEY,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    parent_id TEXT REFERENCES comments(id) ON DELETE CASCADE,
    author_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    mentions TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    edited_at TEXT,
    deleted_at TEXT,
    resolved_at TEXT,
    resolved_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX comments_by_subject ON comments (subject_kind, subject_id, created_at);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_by_user ON notifications (user_id, read_at, created_at);
