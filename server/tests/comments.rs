//! Comments against a real server on SQLite and PostgreSQL: the role matrix of every comment
//! server function, @mentions and replies landing in the inbox (and the mail queue) of those
//! who may see the item and nobody else, edits and deletes of one's own words only, threads
//! resolved and reopened, an item out of reach hiding its comments and inbox lines, an
//! archived unit taking no comment, and the REST routes' token rights.

use crate::common;

use app::api::comments::{CommentsView, Inbox};
use app::domain::comment::{Comment, CommentSubject, NotificationKind};
use app::domain::*;
use common::{Db, Input, TestApp, ADMIN, CONTRIBUTOR, EDITOR, VIEWER};
use http::StatusCode;
use serde_json::{json, Value};

/// The first objective of the demo's enterprise map, as a comment subject.
async fn objective(app: &TestApp) -> (CommentSubject, MapDocument) {
    let map = app.enterprise_map().await;
    (CommentSubject::Objective(map.objectives[0].id), map)
}

/// Calls `function` with JSON `args` as `cookie`; the status and the body.
async fn call(app: &TestApp, cookie: &str, function: &str, args: Value) -> (StatusCode, String) {
    let (status, body) = app.call_json(Some(cookie), function, args).await;
    (status, body.to_string())
}

/// Writes a comment as `cookie`; the comment.
async fn write(
    app: &TestApp,
    cookie: &str,
    subject: CommentSubject,
    parent: Option<CommentId>,
    body: &str,
) -> Comment {
    let (status, text) = call(
        app,
        cookie,
        "add_comment",
        json!({ "subject": subject, "parent_id": parent, "body": body }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// The threads on `subject` as `cookie` sees them.
async fn threads(app: &TestApp, cookie: &str, subject: CommentSubject) -> CommentsView {
    let (status, text) = call(app, cookie, "comments_on", json!({ "subject": subject })).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// The inbox of `cookie`.
async fn inbox(app: &TestApp, cookie: &str) -> Inbox {
    let (status, text) = app.call(Some(cookie), "my_inbox", &[]).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text.to_string()).unwrap()
}

both_databases!(role_matrix_of_the_comment_functions, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let cookies = app.role_cookies().await;
    let (subject, _) = objective(&app).await;
    let admin = cookies[5].clone().unwrap();
    let mine = write(
        &app,
        &admin,
        subject,
        None,
        "Is this still the right target?",
    )
    .await;
    let readers = [401, 403, 200, 200, 200, 200];
    let signed_in = [401, 200, 200, 200, 200, 200];
    // Only the author changes a comment; the thread's author or an editor resolves it.
    let author_only = [401, 403, 403, 403, 403, 200];
    let resolvers = [401, 403, 403, 403, 200, 200];
    let rows = [
        (
            "comments_on",
            readers,
            Input::Json(json!({ "subject": subject })),
        ),
        (
            "add_comment",
            readers,
            Input::Json(json!({ "subject": subject, "parent_id": mine.id, "body": "Agreed." })),
        ),
        (
            "edit_comment",
            author_only,
            Input::Json(json!({ "comment_id": mine.id, "body": "Is this the right target?" })),
        ),
        (
            "resolve_thread",
            resolvers,
            Input::Json(json!({ "comment_id": mine.id, "resolved": true })),
        ),
        ("my_inbox", signed_in, Input::Form(vec![])),
        ("inbox_count", signed_in, Input::Form(vec![])),
        (
            "mark_inbox_read",
            signed_in,
            Input::Json(json!({ "ids": [] })),
        ),
    ];
    app.assert_role_matrix(&cookies, &rows).await;
    // Deleting last (it ends the comment): its author only.
    for (who, cookie) in cookies.iter().enumerate().take(5) {
        let (status, body) = app
            .call_input(
                cookie.as_deref(),
                "delete_comment",
                &Input::Json(json!({ "comment_id": mine.id })),
            )
            .await;
        assert_eq!(
            status.as_u16(),
            [401, 403, 403, 403, 403][who],
            "#{who}: {body}"
        );
    }
    let (status, _) = call(
        &app,
        &admin,
        "delete_comment",
        json!({ "comment_id": mine.id }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
});

both_databases!(
    a_mention_and_a_reply_land_in_the_inbox_of_those_who_may_see_the_item,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let (subject, map) = objective(&app).await;
        let (admin, editor, viewer) = (
            app.cookie(ADMIN).await,
            app.cookie(EDITOR).await,
            app.cookie(VIEWER).await,
        );
        let viewer_user = app.user(VIEWER).await;
        let editor_user = app.user(EDITOR).await;
        let outsider = common::add_outsider(&app.store).await;

        // The editor asks the viewer, and names someone who may not see the item.
        let body = format!(
            "@{} can you check the source? cc @{}",
            viewer_user.name, outsider.name
        );
        let first = write(&app, &editor, subject, None, &body).await;
        assert_eq!(
            first.mentions,
            vec![viewer_user.id],
            "only people who may see it"
        );

        let got = inbox(&app, &viewer).await;
        assert_eq!(got.unread, 1);
        let (_, count) = app.call(Some(&viewer), "inbox_count", &[]).await;
        assert_eq!(count.to_string(), "1", "the header's count");
        assert_eq!(got.items[0].kind, NotificationKind::Mention);
        assert_eq!(got.items[0].title, map.objectives[0].title);
        assert_eq!(
            got.items[0].author.as_deref(),
            Some(editor_user.name.as_str())
        );
        assert_eq!(
            got.items[0].link,
            format!(
                "/maps/{}?objective={}&comments=1",
                map.map.id, map.objectives[0].id
            )
        );
        assert_eq!(inbox(&app, &editor).await.unread, 0, "never the author");
        let queued = app.store.mail_outbox().await.unwrap();
        assert!(
            queued
                .iter()
                .any(|m| m.recipient == VIEWER && m.subject.contains(&editor_user.name)),
            "the mention is mailed: {queued:?}"
        );
        assert!(!queued.iter().any(|m| m.recipient == common::OUTSIDER));

        // The viewer replies (to the reply's thread); the editor hears of it, the viewer not.
        let reply = write(
            &app,
            &viewer,
            subject,
            Some(first.id),
            "Done, it was a typo.",
        )
        .await;
        assert_eq!(reply.parent_id, Some(first.id));
        let editor_inbox = inbox(&app, &editor).await;
        assert_eq!(editor_inbox.unread, 1);
        assert_eq!(editor_inbox.items[0].kind, NotificationKind::Reply);
        assert_eq!(
            inbox(&app, &viewer).await.unread,
            1,
            "the mention still unread"
        );
        // A reply to the reply joins the same thread; the admin mentioned hears once.
        let again = write(
            &app,
            &editor,
            subject,
            Some(reply.id),
            &format!("Thanks! @{}", "Alex Morgan"),
        )
        .await;
        assert_eq!(again.parent_id, Some(first.id));
        let admin_inbox = inbox(&app, &admin).await;
        let about_again: Vec<_> = admin_inbox
            .items
            .iter()
            .filter(|i| i.comment.id == again.id)
            .collect();
        assert_eq!(about_again.len(), 1, "once");
        assert_eq!(about_again[0].kind, NotificationKind::Mention);

        let view = threads(&app, &viewer, subject).await;
        assert_eq!(view.threads.len(), 1);
        assert_eq!(view.threads[0].replies.len(), 2);
        assert!(view.may_comment && !view.may_resolve_any);
        assert!(view.people.iter().any(|p| p.id == viewer_user.id));
        assert!(!view.people.iter().any(|p| p.id == outsider.id));

        // The viewer wrote in the thread: the editor's last reply reaches them too.
        let viewer_inbox = inbox(&app, &viewer).await;
        assert_eq!(viewer_inbox.unread, 2);
        assert_eq!(
            viewer_inbox.items[0].kind,
            NotificationKind::Reply,
            "newest first"
        );
        // Read: one line, then all.
        let line = viewer_inbox.items[0].id;
        let (status, _) = call(&app, &viewer, "mark_inbox_read", json!({ "ids": [line] })).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(inbox(&app, &viewer).await.unread, 1);
        call(&app, &viewer, "mark_inbox_read", json!({ "ids": [] })).await;
        assert_eq!(inbox(&app, &viewer).await.unread, 0);
        // Someone else's line cannot be marked by the ids of another.
        let admin_line = about_again[0].id;
        call(
            &app,
            &viewer,
            "mark_inbox_read",
            json!({ "ids": [admin_line] }),
        )
        .await;
        assert_eq!(inbox(&app, &admin).await.unread, admin_inbox.unread);
        call(&app, &admin, "mark_inbox_read", json!({ "ids": [] })).await;
        assert_eq!(inbox(&app, &admin).await.unread, 0);
    }
);

both_databases!(
    only_authors_change_their_words_and_threads_resolve_and_reopen,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let map = app.enterprise_map().await;
        let subject = CommentSubject::Measure(map.measures[0].id);
        let (editor, contributor, viewer) = (
            app.cookie(EDITOR).await,
            app.cookie(CONTRIBUTOR).await,
            app.cookie(VIEWER).await,
        );
        let first = write(
            &app,
            &contributor,
            subject,
            None,
            "Data for October is late.",
        )
        .await;
        let reply = write(&app, &viewer, subject, Some(first.id), "Chasing it.").await;

        // Bad input changes nothing.
        for body in ["   ", &"x".repeat(4001)] {
            let (status, _) = call(
                &app,
                &contributor,
                "edit_comment",
                json!({ "comment_id": first.id, "body": body }),
            )
            .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let (status, _) = call(
            &app,
            &viewer,
            "edit_comment",
            json!({ "comment_id": first.id, "body": "Mine now" }),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "not the author");
        assert_eq!(
            app.store.comment(first.id).await.unwrap().body,
            "Data for October is late."
        );

        // The author rewords; a person newly mentioned hears of it.
        let viewer_user = app.user(VIEWER).await;
        let (status, text) = call(
            &app,
            &contributor,
            "edit_comment",
            json!({ "comment_id": first.id, "body": format!("Data for October is late, @{}.", viewer_user.name) }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let edited: Comment = serde_json::from_str(&text).unwrap();
        assert!(edited.edited_at.is_some());
        assert_eq!(edited.mentions, vec![viewer_user.id]);
        assert_eq!(
            inbox(&app, &viewer).await.items[0].kind,
            NotificationKind::Mention
        );

        // The viewer may not resolve the contributor's thread; the contributor and editors may.
        let resolve = |resolved| json!({ "comment_id": reply.id, "resolved": resolved });
        let (status, _) = call(&app, &viewer, "resolve_thread", resolve(true)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = call(&app, &contributor, "resolve_thread", resolve(true)).await;
        assert_eq!(status, StatusCode::OK);
        let view = threads(&app, &viewer, subject).await;
        assert!(view.threads[0].root.resolved_at.is_some());
        let (status, _) = call(&app, &editor, "resolve_thread", resolve(false)).await;
        assert_eq!(status, StatusCode::OK, "an editor reopens it");
        assert!(threads(&app, &viewer, subject).await.threads[0]
            .root
            .resolved_at
            .is_none());

        // Deleting the first comment keeps the reply in its thread, without the words.
        let (status, _) = call(
            &app,
            &contributor,
            "delete_comment",
            json!({ "comment_id": first.id }),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let view = threads(&app, &viewer, subject).await;
        assert!(view.threads[0].root.deleted);
        assert_eq!(view.threads[0].root.body, "");
        assert_eq!(view.threads[0].replies[0].body, "Chasing it.");
        assert!(
            inbox(&app, &viewer)
                .await
                .items
                .iter()
                .all(|i| i.comment.id != first.id),
            "its inbox lines go with it"
        );
    }
);

both_databases!(
    comments_follow_their_items_rights_and_archive,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let unit_map = common::map_of_unit(&app.store, "Managed Services").await;
        let subject = CommentSubject::Objective(unit_map.objectives[0].id);
        // Someone who views only Consulting may not read Managed Services' threads.
        let consulting = common::unit_id(&app.store, "Consulting").await;
        let other = common::add_user(
            &app.store,
            "consultant@northwind.example",
            "Casey Consultant",
            Some((consulting, Role::Viewer)),
        )
        .await;
        let other_cookie = app.cookie(&other.email).await;
        let (status, _) = call(
            &app,
            &other_cookie,
            "comments_on",
            json!({ "subject": subject }),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = call(
            &app,
            &other_cookie,
            "add_comment",
            json!({ "subject": subject, "parent_id": null, "body": "Hello" }),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Mentioning them there reaches nobody.
        let c = write(&app, &admin, subject, None, "@Casey Consultant have a look").await;
        assert!(c.mentions.is_empty());
        assert_eq!(inbox(&app, &other_cookie).await.items.len(), 0);

        // A comment on an initiative and a review item: readable by the unit's viewers.
        let viewer = app.cookie(VIEWER).await;
        let root = app.enterprise_map().await.map.org_unit_id;
        let initiative = app.store.initiatives_of(root).await.unwrap()[0].id;
        write(
            &app,
            &admin,
            CommentSubject::Initiative(initiative),
            None,
            "Budget?",
        )
        .await;
        assert_eq!(
            threads(&app, &viewer, CommentSubject::Initiative(initiative))
                .await
                .threads
                .len(),
            1
        );
        let review = &app.store.reviews_of(root).await.unwrap()[0];
        let item = app.store.review_items(review.id).await.unwrap()[0].id;
        let view = threads(&app, &viewer, CommentSubject::ReviewItem(item)).await;
        assert!(view.threads.is_empty());
        // An unknown item is 404, whatever its kind.
        let (status, _) = call(
            &app,
            &viewer,
            "comments_on",
            json!({ "subject": CommentSubject::Measure(MeasureId::new()) }),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // An archived unit takes no comment; its threads stay readable.
        let managed = unit_map.map.org_unit_id;
        let (status, body) = call(
            &app,
            &admin,
            "update_unit",
            json!({ "unit_id": managed, "patch": { "archived": true } }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = call(
            &app,
            &admin,
            "add_comment",
            json!({ "subject": subject, "parent_id": null, "body": "Late words" }),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let view = threads(&app, &admin, subject).await;
        assert_eq!(view.threads.len(), 1);
        assert!(!view.may_comment);
    }
);

both_databases!(
    rest_reads_comments_with_the_tokens_rights,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let map = app.enterprise_map().await;
        let root = map.map.org_unit_id;
        let subject = CommentSubject::Objective(map.objectives[0].id);
        write(&app, &admin, subject, None, "For the board pack.").await;
        let token = app.token("reader", vec![root], false).await;
        let uri = format!("/api/v1/objectives/{}/comments", map.objectives[0].id);
        let reply = app.get(&uri).bearer(&token).reply().await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(
            reply.body.json()["threads"][0]["root"]["body"],
            "For the board pack."
        );
        // A token scoped to another unit is refused.
        let consulting = common::unit_id(&app.store, "Consulting").await;
        let elsewhere = app.token("elsewhere", vec![consulting], false).await;
        let refused = app.get(&uri).bearer(&elsewhere).reply().await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let bad = app
            .get("/api/v1/measures/nope/comments")
            .bearer(&token)
            .reply()
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        for kind in ["measures", "initiatives", "review-items"] {
            let missing = app
                .get(&format!("/api/v1/{kind}/{}/comments", uuid::Uuid::new_v4()))
                .bearer(&token)
                .reply()
                .await;
            assert_eq!(missing.status, StatusCode::NOT_FOUND, "{kind}");
        }
    }
);
