//! Comments: threads on objectives, measures, initiatives and review items, with @mentions,
//! replies, edits and deletes of one's own words, and threads resolved and reopened. Who hears
//! of a comment (the inbox lines it makes) and which names in its text are mentions are decided
//! here, so the store and the server functions only read and write. Pure: no I/O.

use super::validation::ValidationError;
use super::{CommentId, InitiativeId, MeasureId, ObjectiveId, Person, ReviewItemId, UserId};
use serde::{Deserialize, Serialize};

/// The longest comment, in characters.
pub const MAX_COMMENT: usize = 4000;

/// The most suggestions the @mention autocomplete offers at once.
pub const MAX_SUGGESTIONS: usize = 8;

/// What a thread is about: the item whose unit decides who may read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum CommentSubject {
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    Objective(ObjectiveId),
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    Measure(MeasureId),
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    Initiative(InitiativeId),
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    ReviewItem(ReviewItemId),
}

impl CommentSubject {
    /// The kind as stored (`objective`, `measure`, `initiative`, `review_item`).
    pub fn kind(self) -> &'static str {
        match self {
            CommentSubject::Objective(_) => "objective",
            CommentSubject::Measure(_) => "measure",
            CommentSubject::Initiative(_) => "initiative",
            CommentSubject::ReviewItem(_) => "review_item",
        }
    }

    /// The item's id as text (stored beside the kind).
    pub fn id_text(self) -> String {
        match self {
            CommentSubject::Objective(id) => id.to_string(),
            CommentSubject::Measure(id) => id.to_string(),
            CommentSubject::Initiative(id) => id.to_string(),
            CommentSubject::ReviewItem(id) => id.to_string(),
        }
    }

    /// The subject stored as `kind` and `id`; `None` for an unknown kind or a malformed id.
    pub fn parse(kind: &str, id: &str) -> Option<CommentSubject> {
        Some(match kind {
            "objective" => CommentSubject::Objective(id.parse().ok()?),
            "measure" => CommentSubject::Measure(id.parse().ok()?),
            "initiative" => CommentSubject::Initiative(id.parse().ok()?),
            "review_item" => CommentSubject::ReviewItem(id.parse().ok()?),
            _ => return None,
        })
    }
}

/// One comment: the first of a thread (no `parent_id`) or a reply in it. A deleted comment
/// keeps its place in the thread (replies still make sense) with its text gone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: CommentId,
    pub subject: CommentSubject,
    /// The thread's first comment, for a reply.
    pub parent_id: Option<CommentId>,
    pub author_id: Option<UserId>,
    pub body: String,
    /// The people the text mentions.
    pub mentions: Vec<UserId>,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub deleted: bool,
    /// When the thread was resolved (on its first comment only).
    pub resolved_at: Option<String>,
    pub resolved_by: Option<UserId>,
}

/// A thread: its first comment and the replies, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Thread {
    pub root: Comment,
    pub replies: Vec<Comment>,
}

impl Thread {
    /// Whether the thread is resolved.
    pub fn is_resolved(&self) -> bool {
        self.root.resolved_at.is_some()
    }

    /// Everyone who wrote in the thread, first author first, once each.
    pub fn participants(&self) -> Vec<UserId> {
        let mut out: Vec<UserId> = Vec::new();
        for author in std::iter::once(&self.root)
            .chain(&self.replies)
            .filter(|c| !c.deleted)
            .filter_map(|c| c.author_id)
        {
            if !out.contains(&author) {
                out.push(author);
            }
        }
        out
    }
}

/// Groups comments into threads: open threads first, then resolved ones, each set oldest
/// first; replies oldest first. A reply whose first comment is missing is dropped (it cannot
/// be shown in context). Threads whose every comment was deleted are left out.
pub fn threads(mut comments: Vec<Comment>) -> Vec<Thread> {
    comments.sort_by(|a, b| (&a.created_at, a.id).cmp(&(&b.created_at, b.id)));
    let (roots, replies): (Vec<Comment>, Vec<Comment>) =
        comments.into_iter().partition(|c| c.parent_id.is_none());
    let mut out: Vec<Thread> = roots
        .into_iter()
        .map(|root| Thread {
            replies: replies
                .iter()
                .filter(|r| r.parent_id == Some(root.id))
                .cloned()
                .collect(),
            root,
        })
        .filter(|t| !t.root.deleted || t.replies.iter().any(|r| !r.deleted))
        .collect();
    out.sort_by_key(|t| t.is_resolved());
    out
}

/// The text of a comment as it is kept: trimmed, not empty, at most [`MAX_COMMENT`]
/// characters.
pub fn validate_body(body: &str) -> Result<String, ValidationError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(ValidationError::Empty {
            field: "Comment".into(),
        });
    }
    let len = body.chars().count();
    if len > MAX_COMMENT {
        return Err(ValidationError::TooLong {
            field: "Comment".into(),
            len,
            max: MAX_COMMENT,
        });
    }
    Ok(body.to_string())
}

/// The people `body` mentions: an `@` followed by someone's whole name (any case) and then
/// the end, a space or punctuation. Only `people` can be mentioned: those who may read the
/// item. Longer names win ("@Ana Lima" is Ana Lima, not Ana); each person once, in the order
/// they first appear.
pub fn mentions_in(body: &str, people: &[Person]) -> Vec<UserId> {
    let mut by_length: Vec<&Person> = people.iter().filter(|p| !p.name.is_empty()).collect();
    by_length.sort_by_key(|p| std::cmp::Reverse(p.name.chars().count()));
    let lower = body.to_lowercase();
    let mut found: Vec<UserId> = Vec::new();
    for (at, _) in lower.match_indices('@') {
        let rest = &lower[at + 1..];
        let named = by_length.iter().find(|p| {
            let name = p.name.to_lowercase();
            rest.starts_with(&name)
                && rest[name.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        });
        if let Some(person) = named {
            if !found.contains(&person.id) {
                found.push(person.id);
            }
        }
    }
    found
}

/// What the @mention autocomplete completes, from the text before the caret: the words typed
/// after the last `@` that starts a word, if they are on one line and short enough to be a
/// name being typed.
pub fn mention_query(before_caret: &str) -> Option<&str> {
    let at = before_caret.rfind('@')?;
    let starts_word = before_caret[..at]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    let typed = &before_caret[at + 1..];
    (starts_word && !typed.contains('\n') && typed.chars().count() <= 40).then_some(typed)
}

/// The people the autocomplete offers for `query`: names that start with it first, then names
/// with a word that starts with it, up to [`MAX_SUGGESTIONS`].
pub fn suggestions<'a>(query: &str, people: &'a [Person]) -> Vec<&'a Person> {
    let query = query.trim().to_lowercase();
    let starts: Vec<&Person> = people
        .iter()
        .filter(|p| p.name.to_lowercase().starts_with(&query))
        .collect();
    let word_starts = people.iter().filter(|p| {
        !starts.iter().any(|s| s.id == p.id)
            && p.name
                .to_lowercase()
                .split_whitespace()
                .any(|w| w.starts_with(&query))
    });
    let mut out = starts.clone();
    out.extend(word_starts);
    out.truncate(MAX_SUGGESTIONS);
    out
}

/// Why a line is in someone's inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// The comment mentions them.
    Mention,
    /// A reply in a thread they wrote in.
    Reply,
}

impl NotificationKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Mention => "mention",
            NotificationKind::Reply => "reply",
        }
    }

    /// Read back from storage.
    pub fn parse(s: &str) -> Option<NotificationKind> {
        match s {
            "mention" => Some(NotificationKind::Mention),
            "reply" => Some(NotificationKind::Reply),
            _ => None,
        }
    }
}

/// Who hears of a new comment by `author`: each person it mentions, and — for a reply —
/// everyone who wrote in the thread before. Never the author; a person mentioned in a reply to
/// their own thread hears of it once, as a mention. `may_read` says who may still read the
/// item (someone who lost their role hears nothing).
pub fn notify(
    author: UserId,
    mentions: &[UserId],
    thread: Option<&Thread>,
    may_read: &dyn Fn(UserId) -> bool,
) -> Vec<(UserId, NotificationKind)> {
    let mut out: Vec<(UserId, NotificationKind)> = Vec::new();
    let mut add = |who: UserId, kind| {
        if who != author && may_read(who) && !out.iter().any(|(w, _)| *w == who) {
            out.push((who, kind));
        }
    };
    for who in mentions {
        add(*who, NotificationKind::Mention);
    }
    for who in thread.map(Thread::participants).unwrap_or_default() {
        add(who, NotificationKind::Reply);
    }
    out
}

/// Whether `me` may change or delete a comment: only its author, while it is not deleted.
pub fn may_change(comment: &Comment, me: UserId) -> bool {
    !comment.deleted && comment.author_id == Some(me)
}

/// Whether `me` may resolve or reopen a thread: its first author, or an editor of the item's
/// unit (`edits_unit`).
pub fn may_resolve(root: &Comment, me: UserId, edits_unit: bool) -> bool {
    edits_unit || root.author_id == Some(me)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn person(name: &str) -> Person {
        Person {
            id: UserId::new(),
            name: name.into(),
        }
    }

    fn comment(subject: CommentSubject, author: UserId, at: &str) -> Comment {
        Comment {
            id: CommentId::new(),
            subject,
            parent_id: None,
            author_id: Some(author),
            body: "Why did this turn red?".into(),
            mentions: Vec::new(),
            created_at: at.into(),
            edited_at: None,
            deleted: false,
            resolved_at: None,
            resolved_by: None,
        }
    }

    #[test]
    fn a_mention_is_an_at_and_a_whole_name_the_longest_one_winning() {
        let ana = person("Ana");
        let ana_lima = person("Ana Lima");
        let tomas = person("Tomás Ferreira");
        let people = [ana.clone(), ana_lima.clone(), tomas.clone()];
        assert_eq!(
            mentions_in("@ana lima and @Tomás Ferreira, see this", &people),
            vec![ana_lima.id, tomas.id]
        );
        assert_eq!(mentions_in("Ask @Ana.", &people), vec![ana.id]);
        assert!(
            mentions_in("@Anabel has it", &people).is_empty(),
            "a whole name"
        );
        assert!(mentions_in("mail ana@example.com", &people).is_empty());
        assert_eq!(mentions_in("@Ana @Ana", &people), vec![ana.id], "once each");
    }

    #[test]
    fn the_autocomplete_completes_the_word_after_an_at() {
        assert_eq!(mention_query("Thanks @an"), Some("an"));
        assert_eq!(mention_query("@"), Some(""));
        assert_eq!(mention_query("mail ana@ex"), None, "not inside a word");
        assert_eq!(mention_query("@ana\nnext line"), None);
        assert_eq!(mention_query("no mention"), None);
        let people = [
            person("Tomás Ferreira"),
            person("Ana Lima"),
            person("Lina Ana"),
        ];
        let names: Vec<&str> = suggestions("an", &people)
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["Ana Lima", "Lina Ana"],
            "name starts first, then words"
        );
        assert_eq!(suggestions("fer", &people)[0].name, "Tomás Ferreira");
    }

    #[test]
    fn a_body_is_trimmed_not_empty_and_bounded() {
        assert_eq!(validate_body("  Looks good \n").unwrap(), "Looks good");
        assert!(validate_body("   ").is_err());
        assert!(validate_body(&"x".repeat(MAX_COMMENT)).is_ok());
        assert!(validate_body(&"x".repeat(MAX_COMMENT + 1)).is_err());
    }

    #[test]
    fn threads_gather_replies_and_put_resolved_ones_last() {
        let subject = CommentSubject::Objective(ObjectiveId::new());
        let (a, b) = (UserId::new(), UserId::new());
        let mut first = comment(subject, a, "2026-11-01T10:00:00Z");
        first.resolved_at = Some("2026-11-03T10:00:00Z".into());
        let second = comment(subject, b, "2026-11-02T10:00:00Z");
        let mut reply = comment(subject, b, "2026-11-01T11:00:00Z");
        reply.parent_id = Some(first.id);
        let mut gone = comment(subject, a, "2026-11-02T12:00:00Z");
        gone.deleted = true;
        let all = threads(vec![reply.clone(), second.clone(), first.clone(), gone]);
        assert_eq!(all.len(), 2, "a thread with nothing left is not shown");
        assert_eq!(all[0].root.id, second.id, "open first");
        assert_eq!(all[1].root.id, first.id);
        assert_eq!(all[1].replies, vec![reply]);
        assert_eq!(all[1].participants(), vec![a, b]);
    }

    #[test]
    fn mentions_and_thread_writers_hear_of_a_comment_but_never_its_author() {
        let subject = CommentSubject::Measure(MeasureId::new());
        let (author, owner, replier, mentioned, gone) = (
            UserId::new(),
            UserId::new(),
            UserId::new(),
            UserId::new(),
            UserId::new(),
        );
        let mut thread = Thread {
            root: comment(subject, owner, "2026-11-01T10:00:00Z"),
            replies: vec![comment(subject, replier, "2026-11-01T11:00:00Z")],
        };
        thread
            .replies
            .push(comment(subject, author, "2026-11-01T12:00:00Z"));
        let may_read = |who: UserId| who != gone;
        let heard = notify(
            author,
            &[mentioned, owner, author, gone],
            Some(&thread),
            &may_read,
        );
        assert_eq!(
            heard,
            vec![
                (mentioned, NotificationKind::Mention),
                (owner, NotificationKind::Mention),
                (replier, NotificationKind::Reply),
            ]
        );
        assert!(notify(author, &[], None, &may_read).is_empty());
    }

    #[test]
    fn only_authors_change_their_words_and_editors_resolve_any_thread() {
        let subject = CommentSubject::Initiative(InitiativeId::new());
        let (author, other) = (UserId::new(), UserId::new());
        let mut c = comment(subject, author, "2026-11-01T10:00:00Z");
        assert!(may_change(&c, author));
        assert!(!may_change(&c, other));
        assert!(may_resolve(&c, author, false));
        assert!(!may_resolve(&c, other, false));
        assert!(may_resolve(&c, other, true));
        c.deleted = true;
        assert!(!may_change(&c, author), "a deleted comment stays deleted");
    }

    #[test]
    fn a_subject_reads_back_as_it_was_stored() {
        for subject in [
            CommentSubject::Objective(ObjectiveId::new()),
            CommentSubject::Measure(MeasureId::new()),
            CommentSubject::Initiative(InitiativeId::new()),
            CommentSubject::ReviewItem(ReviewItemId::new()),
        ] {
            assert_eq!(
                CommentSubject::parse(subject.kind(), &subject.id_text()),
                Some(subject)
            );
        }
        assert_eq!(
            CommentSubject::parse("map", &UserId::new().to_string()),
            None
        );
        assert_eq!(CommentSubject::parse("measure", "not-an-id"), None);
    }

    proptest! {
        #[test]
        fn every_mention_found_is_a_named_person_once(body in "[@a-zA-Z .,]{0,80}") {
            let people = [person("Ana"), person("Ana Lima"), person("Bo")];
            let found = mentions_in(&body, &people);
            for id in &found {
                prop_assert!(people.iter().any(|p| p.id == *id));
                prop_assert_eq!(found.iter().filter(|f| *f == id).count(), 1);
            }
            prop_assert!(found.len() <= body.matches('@').count());
        }
    }
}
