//! Comments through the API: the threads on an item (objective, measure, initiative, review
//! item), writing, rewording and deleting one's own comments, resolving and reopening threads,
//! and the inbox of mentions and replies. Every call checks the caller's role on the unit of
//! the item it touches — also for an inbox line, whose item may have moved out of reach: a
//! comment is visible only to those who may see its item. The same [`service`] serves the
//! server functions and the REST API.

use super::ApiError;
use crate::domain::comment::{Comment, CommentSubject, NotificationKind, Thread};
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The most inbox lines marked read by naming them in one call (all of them: name none).
pub const MAX_MARKED: usize = 500;

/// The threads on one item, as its comment panel shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommentsView {
    pub subject: CommentSubject,
    /// The item's title.
    pub title: String,
    /// Open threads first, then resolved ones.
    pub threads: Vec<Thread>,
    /// Who may read the item: the authors' names, and who may be @mentioned.
    pub people: Vec<Person>,
    /// The caller (their own comments may be changed).
    pub me: Option<UserId>,
    /// The caller may comment (a role on the unit, which is not archived).
    pub may_comment: bool,
    /// The caller may resolve any thread (editor of the unit), not only their own.
    pub may_resolve_any: bool,
}

/// One line of the inbox: why it is there, the comment, and where its item is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboxItem {
    pub id: NotificationId,
    pub kind: NotificationKind,
    pub comment: Comment,
    pub author: Option<String>,
    /// The item's title.
    pub title: String,
    /// The page that shows the item (and opens its comments).
    pub link: String,
    pub created_at: String,
    pub read: bool,
}

/// The caller's inbox: the latest lines, newest first, and how many are unread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Inbox {
    pub items: Vec<InboxItem>,
    pub unread: usize,
}

/// The threads on `subject` (viewers of its unit).
#[server(prefix = "/api", endpoint = "comments_on", input = Json, output = super::TextJson)]
pub async fn comments_on(subject: CommentSubject) -> Result<CommentsView, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::view(&ctx.store, &access, Some(user.id), subject).await
        }
        .await,
    )
}

/// Writes a comment on `subject`: a new thread, or a reply in `parent_id`'s. The people it
/// @mentions, and those who wrote in the thread, hear of it in their inbox (and by mail).
#[server(prefix = "/api", endpoint = "add_comment", input = Json, output = super::TextJson)]
pub async fn add_comment(
    subject: CommentSubject,
    parent_id: Option<CommentId>,
    body: String,
) -> Result<Comment, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let draft = service::Draft {
                subject,
                parent_id,
                body: &body,
            };
            service::add(
                &ctx.store,
                &*ctx.maps,
                &access,
                &user,
                draft,
                &ctx.mail.base_url,
            )
            .await
        }
        .await,
    )
}

/// Rewords one's own comment.
#[server(prefix = "/api", endpoint = "edit_comment", input = Json, output = super::TextJson)]
pub async fn edit_comment(comment_id: CommentId, body: String) -> Result<Comment, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let change = service::Change {
                id: comment_id,
                body: &body,
            };
            service::edit(
                &ctx.store,
                &*ctx.maps,
                &access,
                &user,
                change,
                &ctx.mail.base_url,
            )
            .await
        }
        .await,
    )
}

/// Deletes one's own comment (its replies stay).
#[server(prefix = "/api", endpoint = "delete_comment", input = Json, output = super::TextJson)]
pub async fn delete_comment(comment_id: CommentId) -> Result<(), ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::delete(&ctx.store, &*ctx.maps, &access, user.id, comment_id).await
        }
        .await,
    )
}

/// Resolves a thread, or opens it again (its first author, or an editor of the unit).
#[server(prefix = "/api", endpoint = "resolve_thread", input = Json, output = super::TextJson)]
pub async fn resolve_thread(comment_id: CommentId, resolved: bool) -> Result<(), ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::resolve(
                &ctx.store, &*ctx.maps, &access, user.id, comment_id, resolved,
            )
            .await
        }
        .await,
    )
}

/// The caller's inbox.
#[server(prefix = "/api", endpoint = "my_inbox", output = super::TextJson)]
pub async fn my_inbox() -> Result<Inbox, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::inbox(&ctx.store, &access, user.id).await
        }
        .await,
    )
}

/// How many unread lines the caller's inbox has (the count in the header).
#[server(prefix = "/api", endpoint = "inbox_count", output = super::TextJson)]
pub async fn inbox_count() -> Result<usize, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::unread(&ctx.store, &access, user.id).await
        }
        .await,
    )
}

/// Marks lines of the caller's inbox read (`ids`), or every line when `ids` is empty.
#[server(prefix = "/api", endpoint = "mark_inbox_read", input = Json, output = super::TextJson)]
pub async fn mark_inbox_read(ids: Vec<NotificationId>) -> Result<(), ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            if ids.len() > MAX_MARKED {
                return Err(ApiError::Invalid(ValidationError::OutOfRange {
                    field: "Inbox lines".into(),
                    min: 0.0,
                    max: MAX_MARKED as f64,
                }));
            }
            let ids = (!ids.is_empty()).then_some(ids.as_slice());
            Ok(ctx.store.mark_read(user.id, ids).await?)
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::*;
    use crate::api::units::service::need;
    use crate::api::Refusal;
    use crate::auth::Access;
    use crate::context::MapWriter;
    use crate::domain::comment::{self, may_change, may_resolve, mentions_in, notify, threads};
    use crate::domain::Action;
    use crate::i18n::{parse_locale, td_string, Locale};
    use crate::store::{CommentMail, CommentPlace, Store};

    /// The most inbox lines read at once.
    pub const INBOX_LINES: i64 = 100;

    /// A comment to write.
    pub struct Draft<'a> {
        pub subject: CommentSubject,
        pub parent_id: Option<CommentId>,
        pub body: &'a str,
    }

    /// A comment's new words.
    pub struct Change<'a> {
        pub id: CommentId,
        pub body: &'a str,
    }

    /// Tells the screens showing `place`'s item that its comments changed: its map's, or for
    /// an initiative every map of its unit.
    async fn tell(
        store: &Store,
        maps: &dyn MapWriter,
        place: &CommentPlace,
    ) -> Result<(), ApiError> {
        match place.map {
            Some(map) => maps.comments_changed(map).await,
            None => {
                for (unit, map) in store.map_summaries().await? {
                    if unit == place.unit {
                        maps.comments_changed(map.id).await;
                    }
                }
            }
        }
        Ok(())
    }

    /// Where `subject` lives, if `access` may view its unit (403 otherwise, 404 if it is gone).
    async fn readable(
        store: &Store,
        access: &Access,
        subject: CommentSubject,
    ) -> Result<CommentPlace, ApiError> {
        let place = store.comment_place(subject).await?;
        need(store, access, place.unit, Action::View).await?;
        Ok(place)
    }

    /// Where `subject` lives, if `access` may comment on it: a role on its unit, not archived.
    async fn commentable(
        store: &Store,
        access: &Access,
        subject: CommentSubject,
    ) -> Result<CommentPlace, ApiError> {
        let place = readable(store, access, subject).await?;
        if access.frozen(place.unit) {
            let unit = store.org_unit(place.unit).await?.name;
            return Err(ApiError::Forbidden(Refusal::UnitArchived { unit }));
        }
        Ok(place)
    }

    /// The page that shows `subject`, from the site's root.
    pub fn link(subject: CommentSubject, place: &CommentPlace) -> String {
        match (subject, place.map, place.review) {
            (CommentSubject::Objective(id), Some(map), _) => {
                format!("/maps/{map}?objective={id}&comments=1")
            }
            (CommentSubject::Measure(id), Some(map), _) => {
                format!("/maps/{map}?measure={id}&comments=1")
            }
            (CommentSubject::ReviewItem(id), _, Some(review)) => {
                format!("/reviews/{review}?item={id}&comments=1")
            }
            (CommentSubject::Initiative(id), _, _) => {
                format!(
                    "/units/{}/initiatives?initiative={id}&comments=1",
                    place.unit
                )
            }
            _ => "/inbox".to_string(),
        }
    }

    /// The threads on `subject` as `me` sees them.
    pub async fn view(
        store: &Store,
        access: &Access,
        me: Option<UserId>,
        subject: CommentSubject,
    ) -> Result<CommentsView, ApiError> {
        let place = readable(store, access, subject).await?;
        Ok(CommentsView {
            subject,
            threads: threads(store.comments_on(subject).await?),
            people: store.people_with_role_on(place.unit).await?,
            me,
            may_comment: me.is_some() && !access.frozen(place.unit),
            may_resolve_any: access.allows(place.unit, Action::Edit),
            title: place.title,
        })
    }

    /// The thread `parent` starts, on `subject` (a reply to a reply joins the first one's
    /// thread).
    async fn thread_of(
        store: &Store,
        subject: CommentSubject,
        parent: CommentId,
    ) -> Result<Thread, ApiError> {
        let parent = store.comment(parent).await?;
        if parent.subject != subject {
            return Err(ApiError::NotFound("comment".into()));
        }
        let root = parent.parent_id.unwrap_or(parent.id);
        threads(store.comments_on(subject).await?)
            .into_iter()
            .find(|t| t.root.id == root)
            .ok_or_else(|| ApiError::NotFound("comment".into()))
    }

    /// Writes a comment by `author`, with the inbox lines and mails it causes.
    pub async fn add(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: &User,
        draft: Draft<'_>,
        base_url: &str,
    ) -> Result<Comment, ApiError> {
        let place = commentable(store, access, draft.subject).await?;
        let body = comment::validate_body(draft.body)?;
        let thread = match draft.parent_id {
            Some(parent) => Some(thread_of(store, draft.subject, parent).await?),
            None => None,
        };
        let people = store.people_with_role_on(place.unit).await?;
        let mentions = mentions_in(&body, &people);
        let may_read = |who: UserId| people.iter().any(|p| p.id == who);
        let lines = notify(author.id, &mentions, thread.as_ref(), &may_read);
        let comment = Comment {
            id: CommentId::new(),
            subject: draft.subject,
            parent_id: thread.map(|t| t.root.id),
            author_id: Some(author.id),
            body,
            mentions,
            created_at: crate::store::now_text(),
            edited_at: None,
            deleted: false,
            resolved_at: None,
            resolved_by: None,
        };
        let mails = mails(store, author, &comment, &place, &lines, base_url).await?;
        store.add_comment(&comment, &lines, &mails).await?;
        tell(store, maps, &place).await?;
        Ok(comment)
    }

    /// Rewords `id` (its author only); people it newly mentions hear of it.
    pub async fn edit(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: &User,
        change: Change<'_>,
        base_url: &str,
    ) -> Result<Comment, ApiError> {
        let Change { id, body } = change;
        let mut comment = store.comment(id).await?;
        let place = commentable(store, access, comment.subject).await?;
        if !may_change(&comment, author.id) {
            return Err(ApiError::Forbidden(Refusal::NotYourComment));
        }
        let body = comment::validate_body(body)?;
        let people = store.people_with_role_on(place.unit).await?;
        let mentions = mentions_in(&body, &people);
        let new: Vec<UserId> = mentions
            .iter()
            .filter(|m| !comment.mentions.contains(m))
            .copied()
            .collect();
        let may_read = |who: UserId| people.iter().any(|p| p.id == who);
        let lines = notify(author.id, &new, None, &may_read);
        comment.body = body;
        comment.mentions = mentions;
        let mails = mails(store, author, &comment, &place, &lines, base_url).await?;
        store
            .edit_comment(id, &comment.body, &comment.mentions, &lines, &mails)
            .await?;
        tell(store, maps, &place).await?;
        Ok(store.comment(id).await?)
    }

    /// Deletes `id` (its author only).
    pub async fn delete(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        me: UserId,
        id: CommentId,
    ) -> Result<(), ApiError> {
        let comment = store.comment(id).await?;
        let place = commentable(store, access, comment.subject).await?;
        if !may_change(&comment, me) {
            return Err(ApiError::Forbidden(Refusal::NotYourComment));
        }
        store.delete_comment(id).await?;
        tell(store, maps, &place).await
    }

    /// Resolves or reopens the thread `id` is in (its first author, or an editor of the unit).
    pub async fn resolve(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        me: UserId,
        id: CommentId,
        resolved: bool,
    ) -> Result<(), ApiError> {
        let comment = store.comment(id).await?;
        let place = commentable(store, access, comment.subject).await?;
        let root = match comment.parent_id {
            Some(root) => store.comment(root).await?,
            None => comment,
        };
        if !may_resolve(&root, me, access.allows(place.unit, Action::Edit)) {
            return Err(ApiError::Forbidden(Refusal::NotYourComment));
        }
        store
            .set_thread_resolved(root.id, resolved.then_some(me))
            .await?;
        tell(store, maps, &place).await
    }

    /// How many unread lines of `me`'s inbox `access` may still see (the header's count).
    pub async fn unread(store: &Store, access: &Access, me: UserId) -> Result<usize, ApiError> {
        let mut n = 0;
        for line in store.inbox(me, INBOX_LINES, true).await? {
            let place = store.comment_place(line.comment.subject).await.ok();
            if place.is_some_and(|p| access.allows(p.unit, Action::View)) && !line.comment.deleted {
                n += 1;
            }
        }
        Ok(n)
    }

    /// `me`'s inbox: the lines whose items `access` may still see.
    pub async fn inbox(store: &Store, access: &Access, me: UserId) -> Result<Inbox, ApiError> {
        let mut items = Vec::new();
        for line in store.inbox(me, INBOX_LINES, false).await? {
            let Ok(place) = store.comment_place(line.comment.subject).await else {
                continue;
            };
            if !access.allows(place.unit, Action::View) || line.comment.deleted {
                continue;
            }
            let author = match line.comment.author_id {
                Some(a) => store.user(a).await.ok().map(|u| u.name),
                None => None,
            };
            items.push(InboxItem {
                id: line.id,
                kind: line.kind,
                link: link(line.comment.subject, &place),
                title: place.title,
                comment: line.comment,
                author,
                created_at: line.created_at,
                read: line.read,
            });
        }
        let unread = items.iter().filter(|i| !i.read).count();
        Ok(Inbox { items, unread })
    }

    /// The mails `lines` cause, each in its reader's language.
    async fn mails(
        store: &Store,
        author: &User,
        comment: &Comment,
        place: &CommentPlace,
        lines: &[(UserId, NotificationKind)],
        base_url: &str,
    ) -> Result<Vec<CommentMail>, ApiError> {
        let url = format!(
            "{}{}",
            base_url.trim_end_matches('/'),
            link(comment.subject, place)
        );
        let mut out = Vec::new();
        for (who, kind) in lines {
            let reader = store.user(*who).await?;
            let locale = store
                .user_locale(*who)
                .await?
                .as_deref()
                .and_then(parse_locale)
                .unwrap_or(Locale::en);
            let (subject, body) = mail_text(
                locale,
                *kind,
                &reader.name,
                &author.name,
                &place.title,
                &comment.body,
                &url,
            );
            out.push((reader.email, subject, body));
        }
        Ok(out)
    }

    /// The subject and text of the mail telling `name` of a comment.
    pub fn mail_text(
        locale: Locale,
        kind: NotificationKind,
        name: &str,
        author: &str,
        item: &str,
        body: &str,
        url: &str,
    ) -> (String, String) {
        let subject = match kind {
            NotificationKind::Mention => {
                td_string!(locale, mail.comment.subject_mention, author, item).to_string()
            }
            NotificationKind::Reply => {
                td_string!(locale, mail.comment.subject_reply, author, item).to_string()
            }
        };
        let quoted: String = body.lines().map(|l| format!("> {l}\n")).collect();
        let text = format!(
            "{}\n\n{}\n\n{}\n{}\n\n{}",
            td_string!(locale, mail.digest.greeting, name),
            td_string!(locale, mail.comment.wrote, author, item),
            quoted,
            td_string!(locale, mail.comment.open, url),
            td_string!(locale, mail.comment.footer),
        );
        (subject, text)
    }
}
