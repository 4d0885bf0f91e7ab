//! Dashboards and meeting-room displays against a real server (on SQLite and PostgreSQL): the
//! role matrix of the dashboard and display-link server functions, display pages outside the
//! sign-in gate with 404/410, the read-only display socket receiving new data and map edits,
//! revoked links told and closed (also across two instances on PostgreSQL), feeds closed when
//! the last screen leaves.

use crate::common;

use common::{Db, Input, Socket, TestApp, ADMIN, EDITOR, TOMAS, VIEWER, WAIT};

use app::domain::dashboard::{Dashboard, SpanKind, Widget, WidgetKind};
use app::domain::feed::{FeedMsg, GoneReason};
use app::domain::ops::{EntityKind, Field};
use app::domain::*;
use app::store::Store;
use futures_util::SinkExt;
use http::StatusCode;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// Opens the display socket of a link's secret.
async fn display(app: &TestApp, token: &str) -> Socket {
    let path = format!("/ws/display/{token}");
    let ws = app.socket(&path, None).await;
    ws.expect("the display socket upgrades")
}

/// Widgets placed one after the other.
fn placed(kinds: impl IntoIterator<Item = WidgetKind>) -> Vec<Widget> {
    let mut widgets = Vec::new();
    for kind in kinds {
        let w = Widget::new_placed(kind, &widgets);
        widgets.push(w);
    }
    widgets
}

/// Status-map widgets of `maps`, one below the other.
fn status_maps(maps: &[&MapDocument]) -> Vec<Widget> {
    placed(
        maps.iter()
            .map(|doc| WidgetKind::StatusMap { map_id: doc.map.id }),
    )
}

/// A dashboard of `unit` written straight to the store, past the server function's checks (as
/// one saved before them, or pointed elsewhere behind the API's back).
async fn stored_dashboard(
    store: &Store,
    unit: OrgUnitId,
    name: &str,
    widgets: Vec<Widget>,
) -> Dashboard {
    let d = Dashboard {
        id: DashboardId::new(),
        org_unit_id: unit,
        name: name.into(),
        span_kind: SpanKind::Month,
        widgets,
        created_by: None,
        created_at: String::new(),
        updated_by: None,
        updated_at: String::new(),
    };
    store.create_dashboard(&d, None).await.unwrap();
    d
}

/// A dashboard of the enterprise unit with a KPI tile, the status map and the initiatives.
async fn make_dashboard(store: &Store, doc: &MapDocument) -> Dashboard {
    let map_id = doc.map.id;
    let measure_id = doc.measures[0].id;
    let widgets = placed([
        WidgetKind::Kpi { map_id, measure_id },
        WidgetKind::StatusMap { map_id },
        WidgetKind::Initiatives,
    ]);
    stored_dashboard(store, doc.map.org_unit_id, "Board room", widgets).await
}

/// Revokes a display link through the server function, as the user of `cookie`.
async fn revoke(app: &TestApp, cookie: &str, link: DisplayLinkId) -> StatusCode {
    let form = [("link_id", link.to_string())];
    app.call(Some(cookie), "revoke_display_link", &form).await.0
}

/// The demo company served, its enterprise map, a board-room dashboard of the enterprise, and
/// a session of the company's admin.
async fn board_room(db: Db) -> (TestApp, MapDocument, Dashboard, String) {
    let (app, admin) = TestApp::demo_signed_in(db, ADMIN).await;
    let doc = app.enterprise_map().await;
    let d = make_dashboard(&app.store, &doc).await;
    (app, doc, d, admin)
}

/// The demo's maps of Consulting, of its sibling Managed Services, and of the company above.
async fn consulting_and_around(app: &TestApp) -> (MapDocument, MapDocument, MapDocument) {
    let consulting = common::map_of_unit(&app.store, "Consulting").await;
    let managed = common::map_of_unit(&app.store, "Managed Services").await;
    (consulting, managed, app.enterprise_map().await)
}

/// The arguments of `save_dashboard` that save `d` (its id and name) with `span` and `widgets`.
fn save_args(d: &Dashboard, span: &str, widgets: &[Widget]) -> serde_json::Value {
    let draft =
        serde_json::json!({"id": d.id, "name": d.name, "span_kind": span, "widgets": widgets});
    serde_json::json!({ "draft": draft })
}

/// Creates a display link through the server function (as the admin); returns its id and secret.
async fn make_link(app: &TestApp, admin: &str, d: &Dashboard) -> (DisplayLinkId, String) {
    let (status, body) = app
        .call_json(
            Some(admin),
            "create_display_link",
            serde_json::json!({"org_unit_id": d.org_unit_id, "name": "Lobby screen", "dashboard_ids": [d.id], "rotate_seconds": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let created: serde_json::Value = serde_json::from_str(&body).unwrap();
    let path = created["path"].as_str().unwrap().to_string();
    let token = path.strip_prefix("/display/").unwrap().to_string();
    assert_eq!(token.len(), 64, "a 256-bit secret");
    let id: DisplayLinkId = serde_json::from_value(created["link"]["id"].clone()).unwrap();
    (id, token)
}

/// The next message from a display socket within 5 s.
async fn next(ws: &mut Socket) -> FeedMsg {
    ws.recv().await
}

/// Waits for the server to close the socket, having sent nothing more.
async fn expect_closed(ws: &mut Socket) {
    let closed = ws.until_closed(WAIT).await;
    assert!(
        closed.texts.is_empty(),
        "expected the socket to close, got {:?}",
        closed.texts
    );
}

async fn welcome(ws: &mut Socket) -> app::domain::feed::FeedView {
    match next(ws).await {
        FeedMsg::Welcome { view } => *view,
        other => panic!("expected a welcome, got {other:?}"),
    }
}

/// Writes one actual of the map's first measure through the data path and checks the socket
/// hears it as that one changed cell.
async fn expect_pushed(app: &TestApp, ws: &mut Socket, doc: &MapDocument, value: f64) {
    use app::context::DataWriter;
    let measure = doc.measures[0].id;
    app.state
        .hub
        .write_data(actual(measure, "2026-09", value), None)
        .await
        .unwrap();
    match next(ws).await {
        FeedMsg::Data { map_id, delta } => {
            assert_eq!(map_id, doc.map.id);
            assert_eq!(delta.readings.len(), 1);
            assert_eq!(
                (delta.readings[0].measure_id, delta.readings[0].value),
                (measure, value)
            );
        }
        other => panic!("expected data, got {other:?}"),
    }
}

fn actual(m: MeasureId, period: &str, value: f64) -> DataBatch {
    DataBatch {
        actuals: vec![Actual {
            measure_id: m,
            period: period.parse().unwrap(),
            value,
            note: String::new(),
            entered_by: None,
            entered_at: app::store::now_text(),
            source: DataSource::Api,
        }],
        ..DataBatch::default()
    }
}

both_databases!(
    display_pages_need_no_sign_in_and_say_404_or_410,
    |db: Db| async move {
        let (app, _, d, admin) = board_room(db).await;
        let (link, token) = make_link(&app, &admin, &d).await;
        let stored = app.store.display_link(link).await.unwrap();
        assert_eq!(stored.dashboard_ids, vec![d.id]);
        assert!(
            app.store
                .display_link_by_hash(&token)
                .await
                .unwrap()
                .is_none(),
            "only the hash is stored"
        );

        let (status, body) = app.get(&format!("/display/{token}")).await;
        assert_eq!(status, StatusCode::OK, "no sign-in needed");
        assert!(
            body.contains("Board room") && body.contains("Northwind"),
            "server-rendered: {}",
            &(*body)[..body.len().min(400)]
        );
        assert!(
            app.store
                .display_link(link)
                .await
                .unwrap()
                .last_seen_at
                .is_some(),
            "the visit is recorded"
        );

        let (status, body) = app.get(&format!("/display/{}", "0".repeat(64))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(
            body.contains("does not exist"),
            "a clear page, never a blank one"
        );

        // Only the unit's admins revoke.
        let editor = app.cookie(EDITOR).await;
        assert_eq!(revoke(&app, &editor, link).await, StatusCode::FORBIDDEN);
        assert_eq!(revoke(&app, &admin, link).await, StatusCode::OK);
        let (status, body) = app.get(&format!("/display/{token}")).await;
        assert_eq!(status, StatusCode::GONE);
        assert!(body.contains("revoked"), "says the link was revoked");
        let (status, body) = app
            .call(None, "open_display", &[("token", token.clone())])
            .await;
        assert_eq!(status, StatusCode::GONE, "{body}");
        let audit: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'display_link'")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(audit, 2, "created and revoked are both in the history");
    }
);

both_databases!(
    the_display_socket_pushes_new_data_and_map_edits,
    |db: Db| async move {
        let (app, doc, d, admin) = board_room(db).await;
        let (_, token) = make_link(&app, &admin, &d).await;

        let mut ws = display(&app, &token).await;
        let view = welcome(&mut ws).await;
        assert_eq!(view.board.dashboards[0].id, d.id);
        assert_eq!(view.board.maps.len(), 1);
        let shown = &view.board.maps[0].doc;
        let mut named: Vec<_> = shown.people.iter().map(|p| p.id).collect();
        named.sort();
        assert_eq!(
            named,
            shown.named_people(),
            "a public screen names only the map's people (by name, no emails)"
        );
        assert!(!view.board.initiatives.is_empty());

        // New data through the one data path reaches the screen as the changed cell.
        expect_pushed(&app, &mut ws, &doc, 12345.0).await;

        // A map edit reaches it as the new document.
        let o = &doc.objectives[0];
        let rename = app::domain::ops::set(
            EntityKind::Objective,
            o.id.0,
            Field::Title,
            "Renamed for the wall",
        );
        let editor = app.user(EDITOR).await.id;
        app.state
            .hub
            .commit(doc.map.id, editor, uuid::Uuid::new_v4(), vec![rename])
            .await
            .unwrap();
        match next(&mut ws).await {
            FeedMsg::Map { doc: new } => {
                assert!(new
                    .objectives
                    .iter()
                    .any(|x| x.id == o.id && x.title == "Renamed for the wall"));
            }
            other => panic!("expected the map, got {other:?}"),
        }

        // Pings are answered.
        ws.send(Message::text(r#"{"type":"ping"}"#)).await.unwrap();
        assert_eq!(next(&mut ws).await, FeedMsg::Pong);

        // A saved dashboard sends the screen a fresh board.
        let mut draft = app.store.dashboard(d.id).await.unwrap();
        draft.name = "Board room (new)".into();
        let body = save_args(&draft, "quarter", &draft.widgets);
        let (status, text) = app.call_json(Some(&admin), "save_dashboard", body).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let view = welcome(&mut ws).await;
        assert_eq!(view.board.dashboards[0].name, "Board room (new)");
        assert_eq!(view.board.dashboards[0].span_kind, SpanKind::Quarter);

        // When the screen leaves, its feed closes.
        assert_eq!(app.state.hub.displays().watched(), 1);
        ws.close(None).await.unwrap();
        drop(ws);
        let deadline = tokio::time::Instant::now() + WAIT;
        while app.state.hub.displays().watched() > 0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the feed was not closed"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
);

both_databases!(a_revoked_link_is_told_and_closed, |db: Db| async move {
    let (app, _, d, admin) = board_room(db).await;
    let (link, token) = make_link(&app, &admin, &d).await;
    let mut ws = display(&app, &token).await;
    welcome(&mut ws).await;
    assert_eq!(revoke(&app, &admin, link).await, StatusCode::OK);
    match next(&mut ws).await {
        FeedMsg::Gone { reason, message } => {
            assert_eq!(reason, GoneReason::Revoked);
            assert!(message.contains("revoked"));
        }
        other => panic!("expected gone, got {other:?}"),
    }
    expect_closed(&mut ws).await;

    // Reconnecting is told again, and so is an unknown secret.
    let mut again = display(&app, &token).await;
    assert!(matches!(
        next(&mut again).await,
        FeedMsg::Gone {
            reason: GoneReason::Revoked,
            ..
        }
    ));
    expect_closed(&mut again).await;
    let mut unknown = display(&app, &"ab".repeat(32)).await;
    assert!(matches!(
        next(&mut unknown).await,
        FeedMsg::Gone {
            reason: GoneReason::Unknown,
            ..
        }
    ));
});

both_databases!(
    role_matrix_of_dashboards_and_display_links,
    |db: Db| async move {
        let (app, _, d, _) = board_room(db).await;
        let cookies = app.role_cookies().await;
        let unit = [("org_unit_id", d.org_unit_id.to_string())];
        let dashboard = [("dashboard_id", d.id.to_string())];

        // Expected status per person: anonymous, outsider, viewer, contributor, editor, admin.
        let readers = [401, 403, 200, 200, 200, 200];
        let link = serde_json::json!({"org_unit_id": d.org_unit_id, "name": "Lobby", "dashboard_ids": [d.id], "rotate_seconds": 20});
        let rows: Vec<(&str, [u16; 6], Input)> = vec![
            ("unit_dashboards", readers, Input::Form(unit.to_vec())),
            ("get_dashboard", readers, Input::Form(dashboard.to_vec())),
            ("dashboard_editor", readers, Input::Form(dashboard.to_vec())),
            (
                "create_dashboard",
                [401, 403, 403, 403, 200, 200],
                Input::Form(vec![unit[0].clone(), ("name", "Ops".into())]),
            ),
            // Display links: admins only.
            (
                "create_display_link",
                [401, 403, 403, 403, 403, 200],
                Input::Json(link),
            ),
        ];
        app.assert_role_matrix(&cookies, &rows).await;
        let links = app.store.display_links_of(d.org_unit_id).await.unwrap();
        assert_eq!(links.len(), 1, "only the admin's link exists");

        // Saving: only editors and admins; a refused save changes nothing.
        let save = |name: &str| {
            let renamed = Dashboard {
                name: name.into(),
                ..d.clone()
            };
            save_args(&renamed, "month", &d.widgets)
        };
        for (who, cookie) in cookies.iter().enumerate() {
            let name = format!("Saved by #{who}");
            let (status, body) = app
                .call_json(cookie.as_deref(), "save_dashboard", save(&name))
                .await;
            let expected = [401, 403, 403, 403, 200, 200][who];
            assert_eq!(
                status.as_u16(),
                expected,
                "save_dashboard as role #{who}: {body}"
            );
            let stored = app.store.dashboard(d.id).await.unwrap();
            assert_eq!(
                stored.name == name,
                status == StatusCode::OK,
                "a refused save changed nothing"
            );
            if status == StatusCode::FORBIDDEN {
                assert!(
                    body.contains("Forbidden") && common::said(&body).contains("role"),
                    "{body}"
                );
            }
        }
        // A bad layout is refused with a specific message.
        let mut overlapping = d.widgets.clone();
        overlapping[1].x = overlapping[0].x;
        overlapping[1].y = overlapping[0].y;
        let args = save_args(&d, "month", &overlapping);
        let (status, body) = app
            .call_json(cookies[4].as_deref(), "save_dashboard", args)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(common::said(&body).contains("overlaps"), "{body}");

        let (status, body) = app
            .call(cookies[4].as_deref(), "unit_dashboards", &unit)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains(r#""links":[]"#),
            "editors do not see display links: {body}"
        );
        let (_, body) = app
            .call(cookies[5].as_deref(), "unit_dashboards", &unit)
            .await;
        assert!(body.contains("Lobby"), "{body}");

        // Deleting: editors; the link drops the dashboard.
        let (status, _) = app
            .call(cookies[2].as_deref(), "delete_dashboard", &dashboard)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app
            .call(cookies[4].as_deref(), "delete_dashboard", &dashboard)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(app
            .store
            .display_link(links[0].id)
            .await
            .unwrap()
            .dashboard_ids
            .is_empty());
    }
);

both_databases!(
    the_map_page_lists_initiatives_of_its_objectives,
    |db: Db| async move {
        let (app, viewer) = TestApp::demo_signed_in(db, VIEWER).await;
        let doc = app.enterprise_map().await;
        let (status, body) = app
            .call(
                Some(&viewer),
                "map_initiatives",
                &[("map_id", doc.map.id.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let list: InitiativeList = serde_json::from_str(&body).unwrap();
        assert_eq!(list.currency, "EUR");
        assert_eq!(list.items.len(), 3);
        let drive = list
            .items
            .iter()
            .find(|s| s.initiative.name == "Key Account Renewal Drive")
            .unwrap();
        assert_eq!((drive.milestones_done, drive.milestones_total), (2, 3));
        assert!(drive
            .next_milestone
            .as_ref()
            .unwrap()
            .name
            .starts_with("Renewal risk review"));
        assert!(drive.owner.is_some());
        let (status, _) = app
            .call(
                None,
                "map_initiatives",
                &[("map_id", doc.map.id.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
);

/// Two instances on one PostgreSQL: data written and a link revoked on one reach a screen on
/// the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_reach_each_others_screens() {
    let servers = TestApp::two_instances(&[]).await;
    let doc = servers[0].enterprise_map().await;
    let d = make_dashboard(&servers[0].store, &doc).await;
    let admin = servers[0].cookie(ADMIN).await;
    let (link, token) = make_link(&servers[0], &admin, &d).await;
    let mut ws = display(&servers[1], &token).await;
    welcome(&mut ws).await;

    use app::context::DataWriter;
    servers[0]
        .state
        .hub
        .write_data(actual(doc.measures[1].id, "2026-09", 777.0), None)
        .await
        .unwrap();
    match next(&mut ws).await {
        FeedMsg::Data { delta, .. } => assert_eq!(delta.readings[0].value, 777.0),
        other => panic!("expected data, got {other:?}"),
    }
    assert_eq!(revoke(&servers[0], &admin, link).await, StatusCode::OK);
    assert!(matches!(
        next(&mut ws).await,
        FeedMsg::Gone {
            reason: GoneReason::Revoked,
            ..
        }
    ));
    expect_closed(&mut ws).await;
}

both_databases!(concurrent_data_writes_all_commit, |db: Db| async move {
    // Screens are fed by many writers at once (imports, REST, the grid): none may fail.
    let app = TestApp::demo(db).await;
    let doc = app.enterprise_map().await;
    let measure = doc.measures[2].id;
    let mut tasks = Vec::new();
    for t in 0..8 {
        let hub = app.state.hub.clone();
        tasks.push(tokio::spawn(async move {
            use app::context::DataWriter;
            for i in 0..15 {
                hub.write_data(actual(measure, "2026-09", f64::from(t * 100 + i)), None)
                    .await
                    .unwrap_or_else(|e| panic!("writer {t}, write {i}: {e}"));
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
});

/// Opens a dashboard page's live socket with a session cookie; the refusal's status otherwise.
async fn dashboard_socket(app: &TestApp, id: &str, cookie: Option<&str>) -> Result<Socket, u16> {
    app.socket(&format!("/ws/dashboards/{id}"), cookie).await
}

both_databases!(a_signed_in_dashboard_page_is_live, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let doc = app.enterprise_map().await;
    let d = make_dashboard(&app.store, &doc).await;
    common::add_user(&app.store, "stranger@example.com", "Stran Ger", None).await;

    // Refused before the upgrade: no session, no role on the unit, an unknown dashboard.
    let id = d.id.to_string();
    assert_eq!(dashboard_socket(&app, &id, None).await.err(), Some(401));
    let stranger = app.cookie("stranger@example.com").await;
    assert_eq!(
        dashboard_socket(&app, &id, Some(&stranger)).await.err(),
        Some(403)
    );
    let viewer = app.cookie(VIEWER).await;
    let unknown = DashboardId::new().to_string();
    assert_eq!(
        dashboard_socket(&app, &unknown, Some(&viewer)).await.err(),
        Some(404)
    );
    assert_eq!(
        dashboard_socket(&app, "not-an-id", Some(&viewer))
            .await
            .err(),
        Some(404)
    );

    // A viewer's page is welcomed with its dashboard (its maps name their people).
    let mut ws = dashboard_socket(&app, &id, Some(&viewer)).await.unwrap();
    let view = welcome(&mut ws).await;
    assert_eq!(view.info.link_id, None);
    assert_eq!(view.board.dashboards.len(), 1);
    assert_eq!(view.board.dashboards[0].id, d.id);
    assert!(!view.board.maps[0].doc.people.is_empty());

    // New data reaches it as the changed cell, like a display.
    expect_pushed(&app, &mut ws, &doc, 4321.0).await;

    // The dashboard deleted by an editor: the page is told so.
    let admin = app.cookie(ADMIN).await;
    let (status, body) = app
        .call(
            Some(&admin),
            "delete_dashboard",
            &[("dashboard_id", id.clone())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    match next(&mut ws).await {
        FeedMsg::Gone { reason, message } => {
            assert_eq!(reason, GoneReason::Deleted);
            assert!(message.contains("deleted"), "{message}");
        }
        other => panic!("expected gone, got {other:?}"),
    }
});

both_databases!(
    display_sockets_refuse_other_sites_pages,
    |db: Db| async move {
        let (app, _, d, admin) = board_room(db).await;
        let (_, secret) = make_link(&app, &admin, &d).await;
        let own = format!("http://{}", app.addr);
        for path in [
            format!("/ws/display/{secret}"),
            format!("/ws/dashboards/{}", d.id),
        ] {
            for (origin, expected) in [(own.as_str(), 101), ("http://evil.example", 403)] {
                let upgrade = app.upgrade(&path).cookie(&admin).origin(origin);
                let status = match upgrade.open().await {
                    Ok(mut ws) => {
                        welcome(&mut ws).await;
                        101
                    }
                    Err(status) => status,
                };
                assert_eq!(status, expected, "{path} from {origin}");
            }
        }
    }
);

/// Whether a response body shows a map: its document on the board (a unit map's alignments may
/// name the objectives above it, so titles do not tell), or its name anywhere.
fn shows_map(body: &str, doc: &MapDocument) -> bool {
    let id = serde_json::Value::String(doc.map.id.to_string());
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let maps = json["board"]["maps"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    maps.iter().any(|m| m["doc"]["map"]["id"] == id) || body.contains(&doc.map.name)
}

both_databases!(
    a_dashboard_may_not_show_a_sibling_units_map,
    |db: Db| async move {
        // Tomás edits Consulting and views the whole company, Managed Services included.
        let (app, tomas) = TestApp::demo_signed_in(db, TOMAS).await;
        let (consulting, managed, enterprise) = consulting_and_around(&app).await;
        let unit = consulting.map.org_unit_id;
        let d =
            stored_dashboard(&app.store, unit, "Unit review", status_maps(&[&consulting])).await;
        let save = |widgets: Vec<Widget>| save_args(&d, "month", &widgets);

        let sibling_kpi = {
            let mut widgets = status_maps(&[&consulting]);
            let kind = WidgetKind::Kpi {
                map_id: managed.map.id,
                measure_id: managed.measures[0].id,
            };
            widgets.push(Widget::new_placed(kind, &widgets));
            widgets
        };
        for widgets in [status_maps(&[&consulting, &managed]), sibling_kpi] {
            let (status, body) = app
                .call_json(Some(&tomas), "save_dashboard", save(widgets))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
            assert!(body.contains("Managed Services"), "names the unit: {body}");
            assert_eq!(
                app.store.dashboard(d.id).await.unwrap().widgets,
                d.widgets,
                "nothing saved"
            );
        }
        // The company's map, above Consulting, may be shown.
        let (status, body) = app
            .call_json(
                Some(&tomas),
                "save_dashboard",
                save(status_maps(&[&consulting, &enterprise])),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // A dashboard pointed at the sibling's map behind the API's back shows nothing of it.
        let both = status_maps(&[&consulting, &managed]);
        let legacy = stored_dashboard(&app.store, unit, "Unit review", both).await;
        let (status, body) = app
            .call(
                Some(&tomas),
                "get_dashboard",
                &[("dashboard_id", legacy.id.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(shows_map(&body, &consulting));
        assert!(!shows_map(&body, &managed), "the sibling's map is left out");
    }
);

both_databases!(
    a_display_link_shows_only_what_its_creator_may_show,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let (consulting, managed, enterprise) = consulting_and_around(&app).await;
        let unit = consulting.map.org_unit_id;
        // The lead administers Consulting and has no role above it.
        let admin_of_unit = Some((unit, Role::Admin));
        let email = "lead@consulting.example";
        let lead = common::add_user(&app.store, email, "Consulting Lead", admin_of_unit).await;
        let lead_cookie = app.cookie(&lead.email).await;
        // Widgets on Consulting's map, the company's (which an editor viewing it may add) and the
        // sibling's (pointed there behind the API's back).
        let widgets = status_maps(&[&consulting, &enterprise, &managed]);
        let d = stored_dashboard(&app.store, unit, "Unit review", widgets).await;
        let (_, token) = make_link(&app, &lead_cookie, &d).await;
        let admin = app.cookie(ADMIN).await;
        let (_, admin_token) = make_link(&app, &admin, &d).await;

        let board_maps = |view: &app::domain::feed::FeedView| -> Vec<MapId> {
            view.board.maps.iter().map(|m| m.doc.map.id).collect()
        };
        // The lead's link shows Consulting's map only: the lead may not view the company's map, and
        // no dashboard of Consulting shows a sibling's.
        let (status, body) = app
            .call(None, "open_display", &[("token", token.clone())])
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(shows_map(&body, &consulting));
        assert!(
            !shows_map(&body, &enterprise),
            "beyond the creator's rights"
        );
        assert!(!shows_map(&body, &managed), "a sibling unit's map");
        let mut ws = display(&app, &token).await;
        assert_eq!(board_maps(&welcome(&mut ws).await), vec![consulting.map.id]);
        // The company's admin's link on the same dashboard also shows the company's map.
        let mut admin_ws = display(&app, &admin_token).await;
        assert_eq!(
            board_maps(&welcome(&mut admin_ws).await),
            vec![consulting.map.id, enterprise.map.id]
        );

        // The lead is no longer an admin of Consulting: their link is withdrawn everywhere it is
        // served, and shows nothing.
        app.store
            .grant_role(lead.id, unit, Role::Viewer)
            .await
            .unwrap();
        let (status, body) = app
            .call(None, "open_display", &[("token", token.clone())])
            .await;
        assert_eq!(status, StatusCode::GONE, "{body}");
        assert!(common::said(&body).contains("no longer works"), "{body}");
        assert!(!shows_map(&body, &consulting));
        let (status, body) = app.get(&format!("/display/{token}")).await;
        assert_eq!(status, StatusCode::GONE);
        assert!(body.contains("no longer works"), "says why");
        assert!(!shows_map(&body, &consulting));
        let mut ws = display(&app, &token).await;
        match next(&mut ws).await {
            FeedMsg::Gone { reason, .. } => assert_eq!(reason, GoneReason::Withdrawn),
            other => panic!("expected gone, got {other:?}"),
        }
        expect_closed(&mut ws).await;
        // The admin's link still shows.
        let (status, _) = app
            .call(None, "open_display", &[("token", admin_token.clone())])
            .await;
        assert_eq!(status, StatusCode::OK);
    }
);

both_databases!(screens_close_when_their_access_ends, |db: Db| async move {
    common::load_demo(&db.store).await;
    // Sockets check their access every second when nothing was announced.
    let recheck = TestApp::setup(db).var("CAIRN_SOCKET_RECHECK", "1");
    let app = recheck.start().await;
    let doc = app.enterprise_map().await;
    let d = make_dashboard(&app.store, &doc).await;
    let admin = app.cookie(ADMIN).await;

    // A dashboard page whose session is signed out closes, saying why in its close frame.
    let page_cookie = app.cookie(ADMIN).await;
    let mut page = dashboard_socket(&app, &d.id.to_string(), Some(&page_cookie))
        .await
        .unwrap();
    welcome(&mut page).await;
    app.sign_out(&page_cookie).await;
    let frame = page.until_closed(Duration::from_secs(20)).await.reason();
    assert_eq!(u16::from(frame.code), 1008);
    assert!(frame.reason.contains("session has ended"), "{frame:?}");

    // A display link revoked behind the app's back (no announcement) is told and closed.
    let (link, secret) = make_link(&app, &admin, &d).await;
    let mut screen = display(&app, &secret).await;
    welcome(&mut screen).await;
    let mut tx = app.store.begin().await.unwrap();
    sqlx::query("UPDATE display_links SET revoked_at = $2 WHERE id = $1")
        .bind(link.to_string())
        .bind("2026-01-01T00:00:00Z")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let gone = loop {
        if let FeedMsg::Gone { reason, .. } = next(&mut screen).await {
            break reason;
        }
    };
    assert_eq!(gone, GoneReason::Revoked);
    expect_closed(&mut screen).await;
});

/// The security headers every response carries, checked on each kind of response.
fn assert_secured(what: &str, reply: &common::Reply, framable_by: Option<&str>) {
    let h = &reply.headers;
    let get = |name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name}"))
            .to_string()
    };
    let csp = get("content-security-policy");
    assert!(
        csp.contains("script-src 'self' 'nonce-"),
        "{what}: scripts by nonce: {csp}"
    );
    assert!(
        !csp.contains("script-src 'self' 'unsafe-inline'"),
        "{what}: {csp}"
    );
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert!(
        ["same-origin", "no-referrer"].contains(&get("referrer-policy").as_str()),
        "{what}"
    );
    assert_eq!(
        get("strict-transport-security"),
        "max-age=31536000; includeSubDomains",
        "{what}"
    );
    match framable_by {
        Some(origin) => {
            assert!(
                csp.ends_with(&format!("frame-ancestors {origin}")),
                "{what}: {csp}"
            );
            assert!(h.get("x-frame-options").is_none(), "{what}");
        }
        None => {
            assert!(csp.ends_with("frame-ancestors 'none'"), "{what}: {csp}");
            assert_eq!(get("x-frame-options"), "DENY", "{what}");
        }
    }
    assert!(h.get("cache-control").is_some(), "{what}: a cache rule");
}

both_databases!(
    every_kind_of_response_carries_the_security_headers,
    |db: Db| async move {
        let signage = "https://signage.example";
        let app = TestApp::setup(db)
            .var("CAIRN_DISPLAY_FRAME_ANCESTORS", signage)
            .var("CAIRN_SECURE_COOKIES", "1")
            .start()
            .await;
        common::load_demo(&app.store).await;
        let admin = app.cookie(ADMIN).await;
        let doc = app.enterprise_map().await;
        let d = make_dashboard(&app.store, &doc).await;
        let (link, token) = make_link(&app, &admin, &d).await;

        let page = app.get("/").cookie(&admin).reply().await;
        assert_eq!(page.status, StatusCode::OK);
        assert_secured("a page", &page, None);
        assert_eq!(page.headers["cache-control"], "no-cache");
        // The nonce of the policy is the one on the page's scripts.
        let csp = page.headers["content-security-policy"].to_str().unwrap();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .unwrap()
            .split('\'')
            .next()
            .unwrap();
        assert!(
            page.body.contains(&format!("nonce=\"{nonce}\"")),
            "{}",
            &*page.body
        );
        let again = app.get("/").cookie(&admin).reply().await;
        assert_ne!(
            again.headers["content-security-policy"], page.headers["content-security-policy"],
            "a fresh nonce per response"
        );

        let map = app
            .get(&format!("/maps/{}", doc.map.id))
            .cookie(&admin)
            .reply()
            .await;
        assert_eq!(map.status, StatusCode::OK);
        assert_secured("a map page", &map, None);
        let missing = app.get("/no-such-page").cookie(&admin).reply().await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_secured("the 404 page", &missing, None);
        let gate = app.get("/").reply().await;
        assert!(gate.status.is_redirection());
        assert_secured("the sign-in redirect", &gate, None);
        let call = app
            .call_json(Some(&admin), "org_tree", serde_json::json!({}))
            .await;
        assert_eq!(call.0, StatusCode::OK);
        let call = app
            .post("/api/org_tree")
            .cookie(&admin)
            .header(http::header::ACCEPT, "application/json")
            .reply()
            .await;
        assert_secured("a server function", &call, None);
        assert_eq!(call.headers["cache-control"], "no-store");
        let rest = app.get("/api/v1/maps").reply().await;
        assert_eq!(rest.status, StatusCode::UNAUTHORIZED);
        assert_secured("a REST error", &rest, None);
        let health = app.get("/healthz").reply().await;
        assert_secured("the health check", &health, None);
        let refused = app
            .get(&format!("/ws/maps/{}", doc.map.id))
            .cookie(&admin)
            .header(http::header::ORIGIN, "https://evil.example")
            .header(http::header::CONNECTION, "upgrade")
            .header(http::header::UPGRADE, "websocket")
            .header(http::header::SEC_WEBSOCKET_VERSION, "13")
            .header(http::header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==")
            .reply()
            .await;
        assert_secured("a refused socket", &refused, None);

        // Display pages alone may be framed, and only by the configured origins.
        let screen = app.get(&format!("/display/{token}")).reply().await;
        assert_eq!(screen.status, StatusCode::OK);
        assert_secured("a display page", &screen, Some(signage));
        assert_eq!(screen.headers["referrer-policy"], "no-referrer");
        assert_eq!(revoke(&app, &admin, link).await, StatusCode::OK);
        let gone = app.get(&format!("/display/{token}")).reply().await;
        assert_eq!(gone.status, StatusCode::GONE);
        assert_secured("a revoked display page", &gone, Some(signage));
    }
);

both_databases!(
    pages_and_data_are_compressed_and_sockets_are_not,
    |db: Db| async move {
        let (app, admin) = TestApp::demo_signed_in(db, ADMIN).await;
        let doc = app.enterprise_map().await;
        for encoding in ["br", "gzip"] {
            let page = app
                .get(&format!("/maps/{}", doc.map.id))
                .cookie(&admin)
                .header(http::header::ACCEPT_ENCODING, encoding)
                .reply()
                .await;
            assert_eq!(page.status, StatusCode::OK);
            assert_eq!(page.headers["content-encoding"], encoding, "the page");
            let call = app
                .post("/api/get_map")
                .cookie(&admin)
                .header(http::header::ACCEPT_ENCODING, encoding)
                .form(&[("map_id", doc.map.id.to_string())])
                .reply()
                .await;
            assert_eq!(call.status, StatusCode::OK);
            assert_eq!(
                call.headers["content-encoding"], encoding,
                "a server function"
            );
        }
        let plain = app
            .get(&format!("/maps/{}", doc.map.id))
            .cookie(&admin)
            .reply()
            .await;
        assert!(plain.headers.get("content-encoding").is_none());
        assert!(plain.body.contains("<html"), "uncompressed when not asked");
        // A live socket asked for compression still opens and talks plain frames.
        let mut socket = app
            .upgrade(&format!("/ws/maps/{}", doc.map.id))
            .cookie(&admin)
            .header(http::header::ACCEPT_ENCODING, "br, gzip")
            .open()
            .await
            .expect("the live socket opens with compression asked for");
        let welcome = socket.hello(doc.map.id, None).await;
        assert!(welcome.seq >= 0);
    }
);
