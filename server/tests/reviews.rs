//! Strategy reviews against a real server on SQLite and PostgreSQL: the demo's loop (last
//! month's review closed with its record, this month's scheduled with an agenda in map order
//! that carries the open action), the role matrix of every review server function, a closed
//! review's snapshot that does not move when actuals change afterwards, commentary required on
//! red items, actions owned and marked done, the comparison of two reviews, live news to the
//! map's screens, and the REST routes' token rights.

use crate::common;

use app::api::reviews::{MyReviewWork, ReviewPage, ReviewsPage};
use app::domain::ops;
use app::domain::review::*;
use app::domain::scoring::{Span, Status};
use app::domain::*;
use common::{Db, Input, TestApp, ADMIN, CONTRIBUTOR, EDITOR, TOMAS, VIEWER};
use http::StatusCode;
use serde_json::json;

/// The demo enterprise's closed review and its scheduled one.
async fn demo_reviews(app: &TestApp) -> (Review, Review) {
    let root = app.enterprise_map().await.map.org_unit_id;
    let reviews = app.store.reviews_of(root).await.unwrap();
    let closed = reviews
        .iter()
        .find(|r| r.state == ReviewState::Closed)
        .expect("the demo has a closed review")
        .clone();
    let scheduled = reviews
        .iter()
        .find(|r| r.state == ReviewState::Scheduled && r.cadence == Cadence::Monthly)
        .expect("the demo has a scheduled monthly review")
        .clone();
    (closed, scheduled)
}

/// A review's page as `cookie` sees it.
async fn page(app: &TestApp, cookie: &str, id: ReviewId) -> ReviewPage {
    let (status, body) = app
        .call_json(Some(cookie), "get_review", json!({ "id": id }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Calls a review server function as `cookie`, asserting the status.
async fn call(app: &TestApp, cookie: &str, function: &str, args: serde_json::Value) -> String {
    let (status, body) = app.call_json(Some(cookie), function, args).await;
    assert_eq!(status, StatusCode::OK, "{function}: {body}");
    body.to_string()
}

/// Schedules a monthly review of the enterprise map looking back on `span`, as `cookie`.
async fn schedule(app: &TestApp, cookie: &str, title: &str, span: Span) -> ReviewId {
    let map = app.enterprise_map().await;
    let draft = json!({ "draft": {
        "org_unit_id": map.map.org_unit_id, "map_id": map.map.id, "title": title,
        "cadence": "monthly", "held_on": "2026-10-20", "span": span, "attendees": [],
    }});
    serde_json::from_str(&call(app, cookie, "schedule_review", draft).await).unwrap()
}

both_databases!(the_demo_shows_the_monthly_loop, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let admin = app.cookie(ADMIN).await;
    let map = app.enterprise_map().await;
    let (closed, scheduled) = demo_reviews(&app).await;
    assert!(closed.held_on < scheduled.held_on);
    assert_eq!(scheduled.span, closed.span.shift(1));

    let record = page(&app, &admin, closed.id).await;
    assert!(record.frozen);
    assert!(!record.may_edit, "a closed review takes no edits");
    assert!(!record.snapshot.items.is_empty());
    assert!(!record.snapshot.items[0].commentary.analysis.is_empty());
    assert_eq!(record.snapshot.decisions.len(), 1);
    assert_eq!(record.snapshot.map_name, map.map.name);

    // This month's agenda: in map order (every measure item's perspective no higher than the
    // next one's), every red measure of the span on it, and last month's open action carried.
    let next = page(&app, &admin, scheduled.id).await;
    assert!(!next.frozen);
    let rank_of_measure = |m: MeasureId| {
        let measure = map.measures.iter().find(|x| x.id == m).unwrap();
        let objective = map
            .objectives
            .iter()
            .find(|o| o.id == measure.objective_id)
            .unwrap();
        map.perspectives
            .iter()
            .find(|p| p.id == objective.perspective_id)
            .unwrap()
            .rank
    };
    let ranks: Vec<i32> = next
        .snapshot
        .items
        .iter()
        .filter_map(|i| match i.subject {
            ItemSubject::Measure(m) => Some(rank_of_measure(m)),
            _ => None,
        })
        .collect();
    assert!(!ranks.is_empty());
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    for m in next
        .snapshot
        .measures
        .iter()
        .filter(|m| m.score.status == Status::Red)
    {
        assert!(
            next.snapshot
                .items
                .iter()
                .any(|i| i.subject == ItemSubject::Measure(m.id) && i.reason == ItemReason::Red),
            "red {} is on the agenda",
            m.name
        );
    }
    let open: Vec<&ActionItem> = record
        .snapshot
        .actions
        .iter()
        .filter(|a| a.done_on.is_none())
        .collect();
    assert_eq!(open.len(), 1);
    assert!(next.snapshot.items.iter().any(
        |i| i.subject == ItemSubject::Action(open[0].id) && i.reason == ItemReason::OpenAction
    ));

    // The reviews page lists both; the open action is the unit's first.
    let body = call(
        &app,
        &admin,
        "unit_reviews",
        json!({ "unit_id": map.map.org_unit_id }),
    )
    .await;
    let list: ReviewsPage = serde_json::from_str(&body).unwrap();
    assert_eq!(
        list.reviews.len(),
        3,
        "closed, next month's, next quarter's"
    );
    assert_eq!(list.actions[0].action.id, open[0].id);
    assert!(list.may_edit && list.may_admin);
});

both_databases!(reviews_role_matrix, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let cookies = app.role_cookies().await;
    let map = app.enterprise_map().await;
    let root = map.map.org_unit_id;
    let (closed, scheduled) = demo_reviews(&app).await;
    let items = app.store.review_items(scheduled.id).await.unwrap();
    let readers = [401, 403, 200, 200, 200, 200];
    let signed_in = [401, 200, 200, 200, 200, 200];
    let editors = [401, 403, 403, 403, 200, 200];
    let admins = [401, 403, 403, 403, 403, 200];
    let same_agenda = serde_json::to_value(&items).unwrap();
    let rows: Vec<(&str, [u16; 6], Input)> = vec![
        (
            "unit_reviews",
            readers,
            Input::Json(json!({ "unit_id": root })),
        ),
        (
            "get_review",
            readers,
            Input::Json(json!({ "id": scheduled.id })),
        ),
        (
            "get_review",
            readers,
            Input::Json(json!({ "id": closed.id })),
        ),
        (
            "compare_reviews",
            readers,
            Input::Json(json!({ "earlier": closed.id, "later": scheduled.id })),
        ),
        ("my_reviews", signed_in, Input::Json(json!({}))),
        (
            "save_review",
            editors,
            Input::Json(json!({ "review": scheduled })),
        ),
        (
            "save_agenda",
            editors,
            Input::Json(
                json!({ "review_id": scheduled.id, "items": same_agenda, "refresh": false }),
            ),
        ),
        (
            "present_review",
            editors,
            Input::Json(json!({ "review_id": scheduled.id, "step": 0 })),
        ),
        (
            "add_decision",
            editors,
            Input::Json(json!({ "review_id": scheduled.id, "item_id": null, "text": "Go ahead." })),
        ),
        (
            "add_action",
            editors,
            Input::Json(json!({
                "review_id": scheduled.id, "item_id": items[0].id, "text": "Call the client",
                "owner_id": null, "due_on": "2026-11-15",
            })),
        ),
        (
            "set_red_commentary",
            admins,
            Input::Json(json!({ "unit_id": root, "required": false })),
        ),
    ];
    app.assert_role_matrix(&cookies, &rows).await;

    // Scheduling: editors only; nothing is stored for the others.
    for (who, cookie) in cookies.iter().enumerate() {
        let draft = json!({ "draft": {
            "org_unit_id": root, "map_id": map.map.id, "title": format!("Review by #{who}"),
            "cadence": "monthly", "held_on": "2026-10-20", "attendees": [],
        }});
        let (status, body) = app
            .call_input(cookie.as_deref(), "schedule_review", &Input::Json(draft))
            .await;
        assert_eq!(
            status.as_u16(),
            editors[who],
            "schedule_review as #{who}: {body}"
        );
    }
    assert_eq!(app.store.reviews_of(root).await.unwrap().len(), 5);

    // Commentary: editors, and the item's owner whatever their role; not other readers.
    let item = items[0].clone();
    let args = json!({ "item_id": item.id, "analysis": "Why.", "recommendation": "What." });
    let commentary = [401, 403, 403, 403, 200, 200];
    for (who, cookie) in cookies.iter().enumerate() {
        let (status, body) = app
            .call_input(
                cookie.as_deref(),
                "write_commentary",
                &Input::Json(args.clone()),
            )
            .await;
        let owner = match (item.owner_id, cookie) {
            (Some(owner), Some(_)) => {
                let people = [common::OUTSIDER, VIEWER, CONTRIBUTOR, EDITOR, ADMIN];
                app.user(people[who - 1]).await.id == owner
            }
            _ => false,
        };
        let expected = if owner && who >= 2 {
            200
        } else {
            commentary[who]
        };
        assert_eq!(
            status.as_u16(),
            expected,
            "write_commentary as #{who}: {body}"
        );
    }

    // Marking an action done: its owner or an editor.
    let tomas = app.user(TOMAS).await;
    let action = app::domain::review::ActionItem {
        id: ActionItemId::new(),
        org_unit_id: root,
        review_id: scheduled.id,
        item_id: None,
        subject: None,
        text: "Tomas's action".into(),
        owner_id: Some(tomas.id),
        due_on: "2026-11-01".parse().unwrap(),
        done_on: None,
    };
    app.store.create_action(&action, None).await.unwrap();
    let done = [401, 403, 403, 403, 200, 200];
    for (who, cookie) in cookies.iter().enumerate() {
        let args = json!({ "action_id": action.id, "done": who % 2 == 0 });
        let (status, body) = app
            .call_input(cookie.as_deref(), "set_action_done", &Input::Json(args))
            .await;
        assert_eq!(
            status.as_u16(),
            done[who],
            "set_action_done as #{who}: {body}"
        );
    }
    let tomas_cookie = app.cookie(TOMAS).await;
    call(
        &app,
        &tomas_cookie,
        "set_action_done",
        json!({ "action_id": action.id, "done": true }),
    )
    .await;
    assert!(app.store.action(action.id).await.unwrap().done_on.is_some());

    // Closing: editors; after that the review is a record and every write is refused.
    for (who, cookie) in cookies.iter().enumerate().take(5) {
        let (status, body) = app
            .call_input(
                cookie.as_deref(),
                "close_review",
                &Input::Json(json!({ "review_id": scheduled.id })),
            )
            .await;
        assert_eq!(
            status.as_u16(),
            editors[who],
            "close_review as #{who}: {body}"
        );
    }
    let admin = cookies[5].clone().unwrap();
    for (function, args) in [
        ("close_review", json!({ "review_id": scheduled.id })),
        (
            "add_decision",
            json!({ "review_id": scheduled.id, "item_id": null, "text": "Late." }),
        ),
        (
            "write_commentary",
            json!({ "item_id": item.id, "analysis": "Late.", "recommendation": "" }),
        ),
    ] {
        let (status, body) = app.call_json(Some(&admin), function, args).await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "{function} on a closed review: {body}"
        );
    }
});

both_databases!(
    a_closed_review_does_not_move_when_actuals_change,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let (closed, scheduled) = demo_reviews(&app).await;
        let before = page(&app, &admin, closed.id).await;
        let open_before = page(&app, &admin, scheduled.id).await;
        // A new value for every measure with data, in each review's span.
        let rewrite = |span: Span, measures: &[SnapMeasure]| {
            measures
                .iter()
                .filter(|m| m.actual.is_some())
                .map(|m| Actual {
                    measure_id: m.id,
                    period: span.bounds().1,
                    value: m.actual.unwrap_or_default() * 3.0 + 7.0,
                    note: "Corrected later".into(),
                    entered_by: None,
                    entered_at: app::store::now_text(),
                    source: DataSource::Manual,
                })
                .collect::<Vec<_>>()
        };
        let changes = rewrite(closed.span, &before.snapshot.measures)
            .into_iter()
            .chain(rewrite(scheduled.span, &open_before.snapshot.measures));
        for a in changes {
            app.store.record_actual(&a).await.unwrap();
        }
        let after = page(&app, &admin, closed.id).await;
        assert_eq!(after.snapshot, before.snapshot, "the record is frozen");
        // The same change does move what an open review shows.
        let open_after = page(&app, &admin, scheduled.id).await;
        assert_ne!(
            open_after.snapshot.measures, open_before.snapshot.measures,
            "an open review reads live data"
        );
        assert!(open_after
            .snapshot
            .measures
            .iter()
            .any(|m| m.note == "Corrected later"));
    }
);

both_databases!(
    commentary_is_required_on_red_items_when_the_unit_asks,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let editor = app.cookie(EDITOR).await;
        let root = app.enterprise_map().await.map.org_unit_id;
        let (_, scheduled) = demo_reviews(&app).await;
        let id = schedule(&app, &editor, "September review", scheduled.span).await;
        call(
            &app,
            &admin,
            "set_red_commentary",
            json!({ "unit_id": root, "required": true }),
        )
        .await;
        let open = page(&app, &editor, id).await;
        assert!(open.red_commentary_required);
        let red: Vec<&AgendaItem> = open
            .snapshot
            .items
            .iter()
            .filter(|i| i.reason == ItemReason::Red)
            .collect();
        assert!(!red.is_empty(), "the demo has red measures in the span");
        assert_eq!(open.missing_commentary.len(), red.len());

        let (status, body) = app
            .call_json(Some(&editor), "close_review", json!({ "review_id": id }))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let missing: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            missing["Conflict"]["CommentaryMissing"]["count"],
            red.len(),
            "{body}"
        );
        assert!(app.store.review_snapshot(id).await.unwrap().is_none());

        for item in &red {
            call(
                &app,
                &editor,
                "write_commentary",
                json!({ "item_id": item.id, "analysis": format!("Why {} is red.", item.title),
                        "recommendation": "Act." }),
            )
            .await;
        }
        call(&app, &editor, "close_review", json!({ "review_id": id })).await;
        let record = page(&app, &editor, id).await;
        assert!(record.frozen);
        let written = record
            .snapshot
            .items
            .iter()
            .filter(|i| i.commentary.analysis.starts_with("Why "))
            .count();
        assert_eq!(written, red.len());
    }
);

both_databases!(actions_are_owned_done_and_compared, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let editor = app.cookie(EDITOR).await;
    let tomas_cookie = app.cookie(TOMAS).await;
    let tomas = app.user(TOMAS).await;
    let (closed, scheduled) = demo_reviews(&app).await;
    let items = app.store.review_items(scheduled.id).await.unwrap();

    // An action for Tomas on the first item: his home lists it.
    let body = call(
        &app,
        &editor,
        "add_action",
        json!({ "review_id": scheduled.id, "item_id": items[0].id,
                    "text": "Renegotiate the tooling contract", "owner_id": tomas.id,
                    "due_on": "2026-11-15" }),
    )
    .await;
    let action: ActionItem = serde_json::from_str(&body).unwrap();
    assert_eq!(action.subject, Some(items[0].subject));
    let body = call(&app, &tomas_cookie, "my_reviews", json!({})).await;
    let mine: MyReviewWork = serde_json::from_str(&body).unwrap();
    assert!(mine
        .actions
        .iter()
        .any(|a| a.action.id == action.id && a.may_complete));

    // An owner without a role on the unit is refused, and nothing is stored.
    let stranger = common::add_outsider(&app.store).await;
    let (status, body) = app
        .call_json(
            Some(&editor),
            "add_action",
            json!({ "review_id": scheduled.id, "item_id": null, "text": "Nope",
                        "owner_id": stranger.id, "due_on": "2026-11-15" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // The comparison: last month's open action is still open, then done.
    let compare = || async {
        let body = call(
            &app,
            &editor,
            "compare_reviews",
            json!({ "earlier": closed.id, "later": scheduled.id }),
        )
        .await;
        serde_json::from_str::<Comparison>(&body).unwrap()
    };
    let c = compare().await;
    assert_eq!(c.actions_open.len(), 1);
    assert!(c.actions_done.is_empty());
    let carried = c.actions_open[0].id;
    call(
        &app,
        &editor,
        "set_action_done",
        json!({ "action_id": carried, "done": true }),
    )
    .await;
    let c = compare().await;
    assert_eq!(c.actions_done.len(), 1);
    assert!(c.actions_open.is_empty());
    // Comparing reviews of two units is refused.
    let (status, _) = app
        .call_json(
            Some(&editor),
            "compare_reviews",
            json!({ "earlier": closed.id, "later": ReviewId::new() }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

both_databases!(
    the_maps_screens_hear_of_a_review_step,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let editor = app.cookie(EDITOR).await;
        let viewer = app.cookie(VIEWER).await;
        let (_, scheduled) = demo_reviews(&app).await;
        let (mut watching, _) = app.join(scheduled.map_id, &viewer, None).await;
        call(
            &app,
            &editor,
            "present_review",
            json!({ "review_id": scheduled.id, "step": 2 }),
        )
        .await;
        let heard = loop {
            if let ops::ServerMsg::ReviewsChanged { map_id } = watching.recv_map().await {
                break map_id;
            }
        };
        assert_eq!(heard, scheduled.map_id);
        assert_eq!(
            page(&app, &viewer, scheduled.id).await.review.presenting,
            Some(2)
        );
    }
);

both_databases!(reviews_over_rest_keep_the_uis_rights, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let root = app.enterprise_map().await.map.org_unit_id;
    let consulting = common::unit_id(&app.store, "Consulting").await;
    let (closed, scheduled) = demo_reviews(&app).await;
    let reader = app.token("Reporting", vec![root], false).await;
    let scoped = app.token("Consulting only", vec![consulting], true).await;
    let writer = app.admin_token_by("Board pack", vec![root], ADMIN).await;

    let list = format!("/api/v1/units/{root}/reviews");
    let (status, body) = app.get(&list).bearer(&reader).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.json()["reviews"].as_array().unwrap().len(), 3);
    let (status, _) = app.get(&list).bearer(&scoped).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(&list).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let one = format!("/api/v1/reviews/{}", closed.id);
    let (status, body) = app.get(&one).bearer(&reader).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.json()["frozen"], true);
    assert!(
        body.json()["snapshot"]["measures"]
            .as_array()
            .unwrap()
            .len()
            > 5
    );
    let (status, _) = app.get(&one).bearer(&scoped).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get("/api/v1/reviews/nope").bearer(&reader).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let comparison = format!("/api/v1/reviews/{}/comparison/{}", scheduled.id, closed.id);
    let (status, body) = app.get(&comparison).bearer(&reader).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.json()["actions_open"].as_array().unwrap().len(), 1);

    let actions = format!("/api/v1/units/{root}/actions");
    let (status, body) = app.get(&actions).bearer(&reader).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let open = body.json()[0]["action"]["id"].as_str().unwrap().to_string();
    let done = format!("/api/v1/actions/{open}");
    let (status, _) = app
        .request(http::Method::PATCH, &done)
        .bearer(&reader)
        .json(&json!({ "done": true }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a read-only token");
    let (status, _) = app
        .request(http::Method::PATCH, &done)
        .bearer(&writer)
        .json(&json!({ "done": "yes" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a malformed body");
    let (status, body) = app
        .request(http::Method::PATCH, &done)
        .bearer(&writer)
        .json(&json!({ "done": true }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.json()["done_on"].is_string());
    let id: ActionItemId = open.parse().unwrap();
    assert!(app.store.action(id).await.unwrap().done_on.is_some());
});
