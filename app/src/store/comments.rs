//! Comments and the inbox (`comments`, `notifications`): threads on items, each comment written
//! with the inbox lines (and mails) it causes in one transaction, and each person's inbox.
//! Who may read a thread is not stored: it is the item's unit, found by [`Store::comment_place`]
//! whenever the thread is read.

use super::*;
use crate::domain::comment::{Comment, CommentSubject, NotificationKind};
use crate::domain::{CommentId, MapId, NotificationId, OrgUnitId, ReviewId, UserId};

/// Where a thread's item lives: its unit (whose roles decide who reads the thread), its map or
/// review (for links), and its title (for the inbox).
#[derive(Clone, Debug, PartialEq)]
pub struct CommentPlace {
    pub unit: OrgUnitId,
    pub map: Option<MapId>,
    pub review: Option<ReviewId>,
    pub title: String,
}

/// A line of someone's inbox, with the comment it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct InboxLine {
    pub id: NotificationId,
    pub kind: NotificationKind,
    pub comment: Comment,
    pub created_at: String,
    pub read: bool,
}

/// A mail a comment causes: to, subject, text.
pub type CommentMail = (String, String, String);

fn comment_from(r: &AnyRow) -> StoreResult<Comment> {
    let subject = CommentSubject::parse(&text(r, "subject_kind")?, &text(r, "subject_id")?)
        .ok_or(StoreError::Corrupt("subject"))?;
    Ok(Comment {
        id: parsed(r, "id")?,
        subject,
        parent_id: opt_parsed(r, "parent_id")?,
        author_id: opt_parsed(r, "author_id")?,
        body: text(r, "body")?,
        mentions: json(r, "mentions")?,
        created_at: text(r, "created_at")?,
        edited_at: opt_text(r, "edited_at")?,
        deleted: opt_text(r, "deleted_at")?.is_some(),
        resolved_at: opt_text(r, "resolved_at")?,
        resolved_by: opt_parsed(r, "resolved_by")?,
    })
}

/// Writes the inbox lines and mails a comment causes, inside the caller's transaction.
async fn notify_in(
    tx: &mut sqlx::AnyConnection,
    comment: CommentId,
    lines: &[(UserId, NotificationKind)],
    mails: &[CommentMail],
) -> StoreResult<()> {
    for (user, kind) in lines {
        change(
            "INSERT INTO notifications (id, user_id, comment_id, kind, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(NotificationId::new())
        .bind(user)
        .bind(comment)
        .bind(kind.as_str())
        .bind(now_text())
        .run(&mut *tx)
        .await?;
    }
    for (to, subject, body) in mails {
        enqueue_mail(tx, to, subject, body).await?;
    }
    Ok(())
}

impl Store {
    /// Where `subject` lives (`NotFound` when the item is gone).
    pub async fn comment_place(&self, subject: CommentSubject) -> StoreResult<CommentPlace> {
        let (sql, what) = match subject {
            CommentSubject::Objective(_) => (
                "SELECT m.org_unit_id, m.id AS map_id, NULL AS review_id, o.title AS title \
                 FROM objectives o JOIN maps m ON m.id = o.map_id WHERE o.id = $1",
                "objective",
            ),
            CommentSubject::Measure(_) => (
                "SELECT m.org_unit_id, m.id AS map_id, NULL AS review_id, ms.name AS title \
                 FROM measures ms JOIN objectives o ON o.id = ms.objective_id \
                 JOIN maps m ON m.id = o.map_id WHERE ms.id = $1",
                "measure",
            ),
            CommentSubject::Initiative(_) => (
                "SELECT org_unit_id, NULL AS map_id, NULL AS review_id, name AS title \
                 FROM initiatives WHERE id = $1",
                "initiative",
            ),
            CommentSubject::ReviewItem(_) => (
                "SELECT r.org_unit_id, r.map_id, r.id AS review_id, i.title AS title \
                 FROM review_items i JOIN reviews r ON r.id = i.review_id WHERE i.id = $1",
                "review item",
            ),
        };
        let read = |r: &AnyRow| {
            Ok(CommentPlace {
                unit: parsed(r, "org_unit_id")?,
                map: opt_parsed(r, "map_id")?,
                review: opt_parsed(r, "review_id")?,
                title: text(r, "title")?,
            })
        };
        select(sql)
            .bind(subject.id_text())
            .one(&self.pool, read, what)
            .await
    }

    /// Every comment on `subject`, oldest first (deleted ones too: they keep threads whole).
    pub async fn comments_on(&self, subject: CommentSubject) -> StoreResult<Vec<Comment>> {
        select(
            "SELECT * FROM comments WHERE subject_kind = $1 AND subject_id = $2 \
             ORDER BY created_at, id",
        )
        .bind(subject.kind())
        .bind(subject.id_text())
        .all(&self.pool, comment_from)
        .await
    }

    /// One comment.
    pub async fn comment(&self, id: CommentId) -> StoreResult<Comment> {
        select("SELECT * FROM comments WHERE id = $1")
            .bind(id)
            .one(&self.pool, comment_from, "comment")
            .await
    }

    /// Adds a comment with the inbox lines and mails it causes, in one transaction.
    pub async fn add_comment(
        &self,
        c: &Comment,
        lines: &[(UserId, NotificationKind)],
        mails: &[CommentMail],
    ) -> StoreResult<()> {
        let mentions =
            serde_json::to_string(&c.mentions).map_err(|_| StoreError::Corrupt("mentions"))?;
        self.write(async |tx| {
            change(
                "INSERT INTO comments (id, subject_kind, subject_id, parent_id, author_id, body, \
                 mentions, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(c.id)
            .bind(c.subject.kind())
            .bind(c.subject.id_text())
            .bind_value(c.parent_id.map(|p| p.to_string()))
            .bind_value(c.author_id.map(|a| a.to_string()))
            .bind(&c.body)
            .bind(mentions)
            .bind(&c.created_at)
            .run(&mut *tx)
            .await?;
            notify_in(tx, c.id, lines, mails).await
        })
        .await
    }

    /// Rewords a comment (its mentions read again); people newly mentioned hear of it, in the
    /// same transaction.
    pub async fn edit_comment(
        &self,
        id: CommentId,
        body: &str,
        mentions: &[UserId],
        lines: &[(UserId, NotificationKind)],
        mails: &[CommentMail],
    ) -> StoreResult<()> {
        let mentions =
            serde_json::to_string(mentions).map_err(|_| StoreError::Corrupt("mentions"))?;
        self.write(async |tx| {
            change(
                "UPDATE comments SET body = $1, mentions = $2, edited_at = $3 \
                 WHERE id = $4 AND deleted_at IS NULL",
            )
            .bind(body)
            .bind(mentions)
            .bind(now_text())
            .bind(id)
            .run_on_one(&mut *tx, "comment")
            .await?;
            notify_in(tx, id, lines, mails).await
        })
        .await
    }

    /// Deletes a comment's words (the thread keeps its place) and the inbox lines it made.
    pub async fn delete_comment(&self, id: CommentId) -> StoreResult<()> {
        self.write(async |tx| {
            change(
                "UPDATE comments SET body = '', mentions = '[]', deleted_at = $1 \
                 WHERE id = $2 AND deleted_at IS NULL",
            )
            .bind(now_text())
            .bind(id)
            .run_on_one(&mut *tx, "comment")
            .await?;
            change("DELETE FROM notifications WHERE comment_id = $1")
                .bind(id)
                .run(&mut *tx)
                .await?;
            Ok(())
        })
        .await
    }

    /// Resolves a thread (by `by`) or, with `None`, reopens it.
    pub async fn set_thread_resolved(
        &self,
        root: CommentId,
        by: Option<UserId>,
    ) -> StoreResult<()> {
        change(
            "UPDATE comments SET resolved_at = $1, resolved_by = $2 \
             WHERE id = $3 AND parent_id IS NULL",
        )
        .bind_value(by.map(|_| now_text()))
        .bind_value(by.map(|u| u.to_string()))
        .bind(root)
        .run_on_one(&self.pool, "comment")
        .await
    }

    /// Someone's inbox: the latest `limit` lines, newest first (only the unread ones with
    /// `unread_only`).
    pub async fn inbox(
        &self,
        user: UserId,
        limit: i64,
        unread_only: bool,
    ) -> StoreResult<Vec<InboxLine>> {
        let read = |r: &AnyRow| {
            Ok(InboxLine {
                id: parsed(r, "notification_id")?,
                kind: NotificationKind::parse(&text(r, "kind")?)
                    .ok_or(StoreError::Corrupt("kind"))?,
                created_at: text(r, "notified_at")?,
                read: opt_text(r, "read_at")?.is_some(),
                comment: comment_from(r)?,
            })
        };
        let unread = if unread_only {
            " AND n.read_at IS NULL"
        } else {
            ""
        };
        let sql = format!(
            "SELECT n.id AS notification_id, n.kind, n.created_at AS notified_at, n.read_at, c.* \
             FROM notifications n JOIN comments c ON c.id = n.comment_id \
             WHERE n.user_id = $1{unread} ORDER BY n.created_at DESC, n.id DESC LIMIT $2"
        );
        select(&sql)
            .bind(user)
            .bind_value(limit)
            .all(&self.pool, read)
            .await
    }

    /// Marks lines of `user`'s inbox read: `ids`, or all of them with `None`.
    pub async fn mark_read(&self, user: UserId, ids: Option<&[NotificationId]>) -> StoreResult<()> {
        match ids {
            None => {
                change(
                    "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
                )
                .bind(now_text())
                .bind(user)
                .run(&self.pool)
                .await?;
            }
            Some(ids) => {
                self.write(async |tx| {
                    for id in ids {
                        change(
                            "UPDATE notifications SET read_at = $1 \
                             WHERE id = $2 AND user_id = $3 AND read_at IS NULL",
                        )
                        .bind(now_text())
                        .bind(id)
                        .bind(user)
                        .run(&mut *tx)
                        .await?;
                    }
                    Ok(())
                })
                .await?;
            }
        }
        Ok(())
    }
}
