//! Dashboards and meeting-room displays against a real server (on SQLite and PostgreSQL): the
//! role matrix of the dashboard and display-link server functions, display pages outside the
//! sign-in gate with 404/410, the read-only display socket receiving new data and map edits,
//! revoked links told and closed (also across two instances on PostgreSQL), feeds closed when
//! the last screen leaves.

mod common;

use common::{cookie_for, enterprise_map, load_demo, urlencode};

use app::domain::dashboard::{Dashboard, SpanKind, Widget, WidgetKind};
use app::domain::display::{DisplayMsg, GoneReason};
use app::domain::ops::{EntityKind, Field};
use app::domain::*;
use app::store::Store;
use axum::body::Body;
use futures_util::{SinkExt, StreamExt};
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use server::{demo, AppState, Config};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tower::ServiceExt;

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

const ADMIN: &str = demo::DEMO_ADMIN_EMAIL;
const WAIT: Duration = Duration::from_secs(5);

struct Server {
    addr: SocketAddr,
    task: JoinHandle<()>,
    state: AppState,
}

impl Server {
    async fn start(store: Store, hub: Arc<server::hub::Hub>) -> Server {
        let config = Config::from_lookup(|_| None).unwrap();
        let state = AppState::new(store, &config, hub);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = server::app(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Server { addr, task, state }
    }

    async fn in_process(store: Store) -> Server {
        let hub = server::hub::Hub::new(store.clone(), Arc::new(server::bus::InProcessBus::new()));
        Server::start(store, hub).await
    }

    /// One request through the router (no network).
    async fn send(&self, req: Request<Body>) -> (StatusCode, String) {
        let res = server::app(self.state.clone()).oneshot(req).await.unwrap();
        let status = res.status();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).to_string())
    }

    /// Calls a server function with a form body.
    async fn call(
        &self,
        cookie: Option<&str>,
        endpoint: &str,
        form: &[(&str, String)],
    ) -> (StatusCode, String) {
        let body = form
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut req = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Calls a server function with a JSON body.
    async fn call_json(
        &self,
        cookie: Option<&str>,
        endpoint: &str,
        body: serde_json::Value,
    ) -> (StatusCode, String) {
        let mut req = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }

    async fn display(&self, token: &str) -> Ws {
        let (ws, _) =
            tokio_tungstenite::connect_async(format!("ws://{}/ws/display/{token}", self.addr))
                .await
                .expect("the display socket upgrades");
        ws
    }

    fn stop(self) {
        self.task.abort();
    }
}

/// A dashboard of the enterprise unit with a KPI tile, the status map and the initiatives.
async fn make_dashboard(store: &Store, doc: &MapDocument) -> Dashboard {
    let map_id = doc.map.id;
    let measure_id = doc.measures[0].id;
    let mut widgets = Vec::new();
    for kind in [
        WidgetKind::Kpi { map_id, measure_id },
        WidgetKind::StatusMap { map_id },
        WidgetKind::Initiatives,
    ] {
        let w = Widget::new_placed(kind, &widgets);
        widgets.push(w);
    }
    let d = Dashboard {
        id: DashboardId::new(),
        org_unit_id: doc.map.org_unit_id,
        name: "Board room".into(),
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

/// Creates a display link through the server function (as the admin); returns its id and secret.
async fn make_link(srv: &Server, admin: &str, d: &Dashboard) -> (DisplayLinkId, String) {
    let (status, body) = srv
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
async fn next(ws: &mut Ws) -> DisplayMsg {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("no display message within 5 s")
            .expect("the socket closed")
            .expect("the socket failed");
        match frame {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Close(c) => panic!("closed: {c:?}"),
            _ => continue,
        }
    }
}

async fn expect_closed(ws: &mut Ws) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("not closed within 5 s")
        {
            None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
            Some(Ok(Message::Text(t))) => panic!("expected the socket to close, got {t}"),
            Some(Ok(_)) => {}
        }
    }
}

async fn welcome(ws: &mut Ws) -> app::domain::display::DisplayView {
    match next(ws).await {
        DisplayMsg::Welcome { view } => *view,
        other => panic!("expected a welcome, got {other:?}"),
    }
}

/// Writes one actual of the map's first measure through the data path and checks the socket
/// hears it as that one changed cell.
async fn expect_pushed(srv: &Server, ws: &mut Ws, doc: &MapDocument, value: f64) {
    use app::context::DataWriter;
    let measure = doc.measures[0].id;
    srv.state
        .hub
        .write_data(actual(measure, "2026-09", value), None)
        .await
        .unwrap();
    match next(ws).await {
        DisplayMsg::Data { map_id, delta } => {
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
    |db: Arc<common::TestDb>| async move {
        load_demo(&db.store).await;
        let srv = Server::in_process(db.store.clone()).await;
        let doc = enterprise_map(&db.store).await;
        let d = make_dashboard(&db.store, &doc).await;
        let admin = cookie_for(&db.store, ADMIN).await;
        let (link, token) = make_link(&srv, &admin, &d).await;
        let stored = db.store.display_link(link).await.unwrap();
        assert_eq!(stored.dashboard_ids, vec![d.id]);
        assert!(
            db.store
                .display_link_by_hash(&token)
                .await
                .unwrap()
                .is_none(),
            "only the hash is stored"
        );

        let page = |path: String| Request::get(path).body(Body::empty()).unwrap();
        let (status, body) = srv.send(page(format!("/display/{token}"))).await;
        assert_eq!(status, StatusCode::OK, "no sign-in needed");
        assert!(
            body.contains("Board room") && body.contains("Northwind"),
            "server-rendered: {}",
            &body[..body.len().min(400)]
        );
        assert!(
            db.store
                .display_link(link)
                .await
                .unwrap()
                .last_seen_at
                .is_some(),
            "the visit is recorded"
        );

        let (status, body) = srv.send(page(format!("/display/{}", "0".repeat(64)))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(
            body.contains("does not exist"),
            "a clear page, never a blank one"
        );

        // Only the unit's admins revoke.
        let editor = cookie_for(&db.store, "editor@northwind.example").await;
        let (status, _) = srv
            .call(
                Some(&editor),
                "revoke_display_link",
                &[("link_id", link.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = srv
            .call(
                Some(&admin),
                "revoke_display_link",
                &[("link_id", link.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = srv.send(page(format!("/display/{token}"))).await;
        assert_eq!(status, StatusCode::GONE);
        assert!(body.contains("revoked"), "says the link was revoked");
        let (status, body) = srv
            .call(None, "open_display", &[("token", token.clone())])
            .await;
        assert_eq!(status, StatusCode::GONE, "{body}");
        let audit: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'display_link'")
                .fetch_one(db.store.pool())
                .await
                .unwrap();
        assert_eq!(audit, 2, "created and revoked are both in the history");
        srv.stop();
    }
);

both_databases!(
    the_display_socket_pushes_new_data_and_map_edits,
    |db: Arc<common::TestDb>| async move {
        load_demo(&db.store).await;
        let srv = Server::in_process(db.store.clone()).await;
        let doc = enterprise_map(&db.store).await;
        let d = make_dashboard(&db.store, &doc).await;
        let admin = cookie_for(&db.store, ADMIN).await;
        let (_, token) = make_link(&srv, &admin, &d).await;

        let mut ws = srv.display(&token).await;
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
        expect_pushed(&srv, &mut ws, &doc, 12345.0).await;

        // A map edit reaches it as the new document.
        let o = &doc.objectives[0];
        let rename = app::domain::ops::set(
            EntityKind::Objective,
            o.id.0,
            Field::Title,
            "Renamed for the wall",
        );
        let editor = db
            .store
            .user_with_hash("editor@northwind.example")
            .await
            .unwrap()
            .unwrap()
            .0
            .id;
        srv.state
            .hub
            .commit(doc.map.id, editor, uuid::Uuid::new_v4(), vec![rename])
            .await
            .unwrap();
        match next(&mut ws).await {
            DisplayMsg::Map { doc: new } => {
                assert!(new
                    .objectives
                    .iter()
                    .any(|x| x.id == o.id && x.title == "Renamed for the wall"));
            }
            other => panic!("expected the map, got {other:?}"),
        }

        // Pings are answered.
        ws.send(Message::text(r#"{"type":"ping"}"#)).await.unwrap();
        assert_eq!(next(&mut ws).await, DisplayMsg::Pong);

        // A saved dashboard sends the screen a fresh board.
        let mut draft = db.store.dashboard(d.id).await.unwrap();
        draft.name = "Board room (new)".into();
        let body = serde_json::json!({"draft": {"id": draft.id, "name": draft.name, "span_kind": "quarter", "widgets": draft.widgets}});
        let (status, text) = srv.call_json(Some(&admin), "save_dashboard", body).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let view = welcome(&mut ws).await;
        assert_eq!(view.board.dashboards[0].name, "Board room (new)");
        assert_eq!(view.board.dashboards[0].span_kind, SpanKind::Quarter);

        // When the screen leaves, its feed closes.
        assert_eq!(srv.state.hub.displays().watched(), 1);
        ws.close(None).await.unwrap();
        drop(ws);
        let deadline = tokio::time::Instant::now() + WAIT;
        while srv.state.hub.displays().watched() > 0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the feed was not closed"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        srv.stop();
    }
);

both_databases!(a_revoked_link_is_told_and_closed, |db: Arc<
    common::TestDb,
>| async move {
    load_demo(&db.store).await;
    let srv = Server::in_process(db.store.clone()).await;
    let doc = enterprise_map(&db.store).await;
    let d = make_dashboard(&db.store, &doc).await;
    let admin = cookie_for(&db.store, ADMIN).await;
    let (link, token) = make_link(&srv, &admin, &d).await;
    let mut ws = srv.display(&token).await;
    welcome(&mut ws).await;
    let (status, _) = srv
        .call(
            Some(&admin),
            "revoke_display_link",
            &[("link_id", link.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    match next(&mut ws).await {
        DisplayMsg::Gone { reason, message } => {
            assert_eq!(reason, GoneReason::Revoked);
            assert!(message.contains("revoked"));
        }
        other => panic!("expected gone, got {other:?}"),
    }
    expect_closed(&mut ws).await;

    // Reconnecting is told again, and so is an unknown secret.
    let mut again = srv.display(&token).await;
    assert!(matches!(
        next(&mut again).await,
        DisplayMsg::Gone {
            reason: GoneReason::Revoked,
            ..
        }
    ));
    expect_closed(&mut again).await;
    let mut unknown = srv.display(&"ab".repeat(32)).await;
    assert!(matches!(
        next(&mut unknown).await,
        DisplayMsg::Gone {
            reason: GoneReason::Unknown,
            ..
        }
    ));
    srv.stop();
});

/// Expected status per role: anonymous, outsider, viewer, contributor, editor, admin.
type Row = [u16; 6];
/// A server function, its expected statuses and its form.
type Case = (&'static str, Row, Vec<(&'static str, String)>);

both_databases!(role_matrix_of_dashboards_and_display_links, |db: Arc<
    common::TestDb,
>| async move {
    load_demo(&db.store).await;
    let srv = Server::in_process(db.store.clone()).await;
    let outsider = User {
        id: UserId::new(),
        email: "outsider@example.com".into(),
        name: "Out Sider".into(),
    };
    db.store.create_user(&outsider, "x").await.unwrap();
    let cookies = [
        None,
        Some(cookie_for(&db.store, "outsider@example.com").await),
        Some(cookie_for(&db.store, "viewer@northwind.example").await),
        Some(cookie_for(&db.store, "contributor@northwind.example").await),
        Some(cookie_for(&db.store, "editor@northwind.example").await),
        Some(cookie_for(&db.store, ADMIN).await),
    ];
    let doc = enterprise_map(&db.store).await;
    let d = make_dashboard(&db.store, &doc).await;
    let unit = d.org_unit_id.to_string();

    let form_rows: Vec<Case> = vec![
        (
            "unit_dashboards",
            [401, 403, 200, 200, 200, 200],
            vec![("org_unit_id", unit.clone())],
        ),
        (
            "get_dashboard",
            [401, 403, 200, 200, 200, 200],
            vec![("dashboard_id", d.id.to_string())],
        ),
        (
            "dashboard_editor",
            [401, 403, 200, 200, 200, 200],
            vec![("dashboard_id", d.id.to_string())],
        ),
        (
            "create_dashboard",
            [401, 403, 403, 403, 200, 200],
            vec![("org_unit_id", unit.clone()), ("name", "Ops".into())],
        ),
    ];
    for (endpoint, expected, form) in &form_rows {
        for (who, cookie) in cookies.iter().enumerate() {
            let (status, body) = srv.call(cookie.as_deref(), endpoint, form).await;
            assert_eq!(
                status.as_u16(),
                expected[who],
                "{endpoint} as role #{who}: {body}"
            );
        }
    }

    // Saving: only editors and admins; a refused save changes nothing.
    let save = |name: &str| serde_json::json!({"draft": {"id": d.id, "name": name, "span_kind": "month", "widgets": d.widgets}});
    for (who, cookie) in cookies.iter().enumerate() {
        let name = format!("Saved by #{who}");
        let (status, body) = srv
            .call_json(cookie.as_deref(), "save_dashboard", save(&name))
            .await;
        let expected = [401, 403, 403, 403, 200, 200][who];
        assert_eq!(
            status.as_u16(),
            expected,
            "save_dashboard as role #{who}: {body}"
        );
        let stored = db.store.dashboard(d.id).await.unwrap();
        assert_eq!(
            stored.name == name,
            status == StatusCode::OK,
            "a refused save changed nothing"
        );
        if status == StatusCode::FORBIDDEN {
            assert!(
                body.contains("Forbidden") && body.contains("role"),
                "{body}"
            );
        }
    }
    // A bad layout is refused with a specific message.
    let mut overlapping = d.widgets.clone();
    overlapping[1].x = overlapping[0].x;
    overlapping[1].y = overlapping[0].y;
    let (status, body) = srv
        .call_json(cookies[4].as_deref(), "save_dashboard", serde_json::json!({"draft": {"id": d.id, "name": "x", "span_kind": "month", "widgets": overlapping}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("overlaps"), "{body}");

    // Display links: admins only.
    for (who, cookie) in cookies.iter().enumerate() {
        let (status, body) = srv
            .call_json(
                cookie.as_deref(),
                "create_display_link",
                serde_json::json!({"org_unit_id": d.org_unit_id, "name": "Lobby", "dashboard_ids": [d.id], "rotate_seconds": 20}),
            )
            .await;
        assert_eq!(
            status.as_u16(),
            [401, 403, 403, 403, 403, 200][who],
            "create_display_link as #{who}: {body}"
        );
    }
    let links = db.store.display_links_of(d.org_unit_id).await.unwrap();
    assert_eq!(links.len(), 1, "only the admin's link exists");
    let (status, body) = srv
        .call(
            cookies[4].as_deref(),
            "unit_dashboards",
            &[("org_unit_id", unit.clone())],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains(r#""links":[]"#),
        "editors do not see display links: {body}"
    );
    let (_, body) = srv
        .call(
            cookies[5].as_deref(),
            "unit_dashboards",
            &[("org_unit_id", unit.clone())],
        )
        .await;
    assert!(body.contains("Lobby"), "{body}");

    // Deleting: editors; the link drops the dashboard.
    let (status, _) = srv
        .call(
            cookies[2].as_deref(),
            "delete_dashboard",
            &[("dashboard_id", d.id.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = srv
        .call(
            cookies[4].as_deref(),
            "delete_dashboard",
            &[("dashboard_id", d.id.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(db
        .store
        .display_link(links[0].id)
        .await
        .unwrap()
        .dashboard_ids
        .is_empty());
    srv.stop();
});

both_databases!(
    the_map_page_lists_initiatives_of_its_objectives,
    |db: Arc<common::TestDb>| async move {
        load_demo(&db.store).await;
        let srv = Server::in_process(db.store.clone()).await;
        let doc = enterprise_map(&db.store).await;
        let viewer = cookie_for(&db.store, "viewer@northwind.example").await;
        let (status, body) = srv
            .call(
                Some(&viewer),
                "map_initiatives",
                &[("map_id", doc.map.id.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let list: Vec<InitiativeSummary> = serde_json::from_str(&body).unwrap();
        assert_eq!(list.len(), 3);
        let drive = list
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
        let (status, _) = srv
            .call(
                None,
                "map_initiatives",
                &[("map_id", doc.map.id.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        srv.stop();
    }
);

/// Two instances on one PostgreSQL: data written and a link revoked on one reach a screen on
/// the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_reach_each_others_screens() {
    let db = common::TestDb::postgres().await;
    load_demo(&db.store).await;
    let doc = enterprise_map(&db.store).await;
    let d = make_dashboard(&db.store, &doc).await;
    let admin = cookie_for(&db.store, ADMIN).await;
    let mut servers = Vec::new();
    for _ in 0..2 {
        let store = db.reopen().await;
        let bus = server::bus::PgBus::connect(&db.url).await.unwrap();
        let hub = server::hub::Hub::new(store.clone(), Arc::new(bus));
        servers.push(Server::start(store, hub).await);
    }
    let (link, token) = make_link(&servers[0], &admin, &d).await;
    let mut ws = servers[1].display(&token).await;
    welcome(&mut ws).await;

    use app::context::DataWriter;
    servers[0]
        .state
        .hub
        .write_data(actual(doc.measures[1].id, "2026-09", 777.0), None)
        .await
        .unwrap();
    match next(&mut ws).await {
        DisplayMsg::Data { delta, .. } => assert_eq!(delta.readings[0].value, 777.0),
        other => panic!("expected data, got {other:?}"),
    }
    let (status, _) = servers[0]
        .call(
            Some(&admin),
            "revoke_display_link",
            &[("link_id", link.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(matches!(
        next(&mut ws).await,
        DisplayMsg::Gone {
            reason: GoneReason::Revoked,
            ..
        }
    ));
    expect_closed(&mut ws).await;
    for s in servers {
        s.stop();
    }
}

both_databases!(concurrent_data_writes_all_commit, |db: Arc<
    common::TestDb,
>| async move {
    // Screens are fed by many writers at once (imports, REST, the grid): none may fail.
    load_demo(&db.store).await;
    let srv = Server::in_process(db.store.clone()).await;
    let doc = enterprise_map(&db.store).await;
    let measure = doc.measures[2].id;
    let mut tasks = Vec::new();
    for t in 0..8 {
        let hub = srv.state.hub.clone();
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
    srv.stop();
});

/// Opens a dashboard page's live socket with a session cookie; the refusal's status otherwise.
async fn dashboard_socket(srv: &Server, id: &str, cookie: Option<&str>) -> Result<Ws, u16> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{}/ws/dashboards/{id}", srv.addr)
        .into_client_request()
        .unwrap();
    if let Some(c) = cookie {
        req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
        Err(e) => panic!("unexpected socket error: {e}"),
    }
}

both_databases!(a_signed_in_dashboard_page_is_live, |db: Arc<
    common::TestDb,
>| async move {
    load_demo(&db.store).await;
    let srv = Server::in_process(db.store.clone()).await;
    let doc = enterprise_map(&db.store).await;
    let d = make_dashboard(&db.store, &doc).await;
    let outsider = User {
        id: UserId::new(),
        email: "stranger@example.com".into(),
        name: "Stran Ger".into(),
    };
    db.store.create_user(&outsider, "x").await.unwrap();

    // Refused before the upgrade: no session, no role on the unit, an unknown dashboard.
    let id = d.id.to_string();
    assert_eq!(dashboard_socket(&srv, &id, None).await.err(), Some(401));
    let stranger = cookie_for(&db.store, "stranger@example.com").await;
    assert_eq!(
        dashboard_socket(&srv, &id, Some(&stranger)).await.err(),
        Some(403)
    );
    let viewer = cookie_for(&db.store, "viewer@northwind.example").await;
    let unknown = DashboardId::new().to_string();
    assert_eq!(
        dashboard_socket(&srv, &unknown, Some(&viewer)).await.err(),
        Some(404)
    );
    assert_eq!(
        dashboard_socket(&srv, "not-an-id", Some(&viewer))
            .await
            .err(),
        Some(404)
    );

    // A viewer's page is welcomed with its dashboard (its maps name their people).
    let mut ws = dashboard_socket(&srv, &id, Some(&viewer)).await.unwrap();
    let view = welcome(&mut ws).await;
    assert_eq!(view.info.link_id, None);
    assert_eq!(view.board.dashboards.len(), 1);
    assert_eq!(view.board.dashboards[0].id, d.id);
    assert!(!view.board.maps[0].doc.people.is_empty());

    // New data reaches it as the changed cell, like a display.
    expect_pushed(&srv, &mut ws, &doc, 4321.0).await;

    // The dashboard deleted by an editor: the page is told so.
    let admin = cookie_for(&db.store, ADMIN).await;
    let (status, body) = srv
        .call(
            Some(&admin),
            "delete_dashboard",
            &[("dashboard_id", id.clone())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    match next(&mut ws).await {
        DisplayMsg::Gone { reason, message } => {
            assert_eq!(reason, GoneReason::Deleted);
            assert!(message.contains("deleted"), "{message}");
        }
        other => panic!("expected gone, got {other:?}"),
    }
    srv.stop();
});

both_databases!(display_sockets_refuse_other_sites_pages, |db: Arc<
    common::TestDb,
>| async move {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    load_demo(&db.store).await;
    let srv = Server::in_process(db.store.clone()).await;
    let doc = enterprise_map(&db.store).await;
    let d = make_dashboard(&db.store, &doc).await;
    let admin = cookie_for(&db.store, ADMIN).await;
    let (_, secret) = make_link(&srv, &admin, &d).await;
    let own = format!("http://{}", srv.addr);
    for path in [
        format!("/ws/display/{secret}"),
        format!("/ws/dashboards/{}", d.id),
    ] {
        for (origin, expected) in [(own.as_str(), 101), ("http://evil.example", 403)] {
            let mut req = format!("ws://{}{path}", srv.addr)
                .into_client_request()
                .unwrap();
            req.headers_mut()
                .insert(header::COOKIE, admin.parse().unwrap());
            req.headers_mut()
                .insert(header::ORIGIN, origin.parse().unwrap());
            let status = match tokio_tungstenite::connect_async(req).await {
                Ok((mut ws, _)) => {
                    welcome(&mut ws).await;
                    101
                }
                Err(tokio_tungstenite::tungstenite::Error::Http(res)) => res.status().as_u16(),
                Err(e) => panic!("unexpected socket error: {e}"),
            };
            assert_eq!(status, expected, "{path} from {origin}");
        }
    }
    srv.stop();
});

/// The first map of the unit named `unit`.
async fn map_of_unit(store: &Store, unit: &str) -> MapDocument {
    let units = store.org_units().await.unwrap();
    let id = units.iter().find(|u| u.name == unit).unwrap().id;
    let (_, summary) = store
        .map_summaries()
        .await
        .unwrap()
        .into_iter()
        .find(|(u, _)| *u == id)
        .unwrap_or_else(|| panic!("{unit} has a map"));
    store.map_document(summary.id).await.unwrap()
}

/// Status-map widgets of `maps`, one below the other.
fn status_maps(maps: &[&MapDocument]) -> Vec<Widget> {
    let mut widgets = Vec::new();
    for doc in maps {
        let w = Widget::new_placed(WidgetKind::StatusMap { map_id: doc.map.id }, &widgets);
        widgets.push(w);
    }
    widgets
}

/// A dashboard of `unit` written straight to the store, past the server function's checks (as
/// one saved before them, or pointed elsewhere behind the API's back).
async fn stored_dashboard(store: &Store, unit: OrgUnitId, maps: &[&MapDocument]) -> Dashboard {
    let d = Dashboard {
        id: DashboardId::new(),
        org_unit_id: unit,
        name: "Unit review".into(),
        span_kind: SpanKind::Month,
        widgets: status_maps(maps),
        created_by: None,
        created_at: String::new(),
        updated_by: None,
        updated_at: String::new(),
    };
    store.create_dashboard(&d, None).await.unwrap();
    d
}

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

both_databases!(a_dashboard_may_not_show_a_sibling_units_map, |db: Arc<
    common::TestDb,
>| async move {
    load_demo(&db.store).await;
    let srv = Server::in_process(db.store.clone()).await;
    let consulting = map_of_unit(&db.store, "Consulting").await;
    let managed = map_of_unit(&db.store, "Managed Services").await;
    let enterprise = enterprise_map(&db.store).await;
    let unit = consulting.map.org_unit_id;
    let d = stored_dashboard(&db.store, unit, &[&consulting]).await;
    // Tomás edits Consulting and views the whole company, Managed Services included.
    let tomas = cookie_for(&db.store, "tomas.alvarez@northwind.example").await;
    let save = |widgets: Vec<Widget>| serde_json::json!({"draft": {"id": d.id, "name": "Unit review", "span_kind": "month", "widgets": widgets}});

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
        let (status, body) = srv
            .call_json(Some(&tomas), "save_dashboard", save(widgets))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(body.contains("Managed Services"), "names the unit: {body}");
        assert_eq!(
            db.store.dashboard(d.id).await.unwrap().widgets,
            d.widgets,
            "nothing saved"
        );
    }
    // The company's map, above Consulting, may be shown.
    let (status, body) = srv
        .call_json(
            Some(&tomas),
            "save_dashboard",
            save(status_maps(&[&consulting, &enterprise])),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A dashboard pointed at the sibling's map behind the API's back shows nothing of it.
    let legacy = stored_dashboard(&db.store, unit, &[&consulting, &managed]).await;
    let (status, body) = srv
        .call(
            Some(&tomas),
            "get_dashboard",
            &[("dashboard_id", legacy.id.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(shows_map(&body, &consulting));
    assert!(!shows_map(&body, &managed), "the sibling's map is left out");
    srv.stop();
});

both_databases!(
    a_display_link_shows_only_what_its_creator_may_show,
    |db: Arc<common::TestDb>| async move {
        load_demo(&db.store).await;
        let srv = Server::in_process(db.store.clone()).await;
        let consulting = map_of_unit(&db.store, "Consulting").await;
        let managed = map_of_unit(&db.store, "Managed Services").await;
        let enterprise = enterprise_map(&db.store).await;
        let unit = consulting.map.org_unit_id;
        // The lead administers Consulting and has no role above it.
        let lead = User {
            id: UserId::new(),
            email: "lead@consulting.example".into(),
            name: "Consulting Lead".into(),
        };
        db.store.create_user(&lead, "x").await.unwrap();
        db.store
            .grant_role(lead.id, unit, Role::Admin)
            .await
            .unwrap();
        let lead_cookie = cookie_for(&db.store, &lead.email).await;
        // Widgets on Consulting's map, the company's (which an editor viewing it may add) and the
        // sibling's (pointed there behind the API's back).
        let d = stored_dashboard(&db.store, unit, &[&consulting, &enterprise, &managed]).await;
        let (_, token) = make_link(&srv, &lead_cookie, &d).await;
        let admin = cookie_for(&db.store, ADMIN).await;
        let (_, admin_token) = make_link(&srv, &admin, &d).await;

        let board_maps = |view: &app::domain::display::DisplayView| -> Vec<MapId> {
            view.board.maps.iter().map(|m| m.doc.map.id).collect()
        };
        // The lead's link shows Consulting's map only: the lead may not view the company's map, and
        // no dashboard of Consulting shows a sibling's.
        let (status, body) = srv
            .call(None, "open_display", &[("token", token.clone())])
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(shows_map(&body, &consulting));
        assert!(
            !shows_map(&body, &enterprise),
            "beyond the creator's rights"
        );
        assert!(!shows_map(&body, &managed), "a sibling unit's map");
        let mut ws = srv.display(&token).await;
        assert_eq!(board_maps(&welcome(&mut ws).await), vec![consulting.map.id]);
        // The company's admin's link on the same dashboard also shows the company's map.
        let mut admin_ws = srv.display(&admin_token).await;
        assert_eq!(
            board_maps(&welcome(&mut admin_ws).await),
            vec![consulting.map.id, enterprise.map.id]
        );

        // The lead is no longer an admin of Consulting: their link is withdrawn everywhere it is
        // served, and shows nothing.
        db.store
            .grant_role(lead.id, unit, Role::Viewer)
            .await
            .unwrap();
        let (status, body) = srv
            .call(None, "open_display", &[("token", token.clone())])
            .await;
        assert_eq!(status, StatusCode::GONE, "{body}");
        assert!(body.contains("no longer works"), "{body}");
        assert!(!shows_map(&body, &consulting));
        let page = Request::get(format!("/display/{token}"))
            .body(Body::empty())
            .unwrap();
        let (status, body) = srv.send(page).await;
        assert_eq!(status, StatusCode::GONE);
        assert!(body.contains("no longer works"), "says why");
        assert!(!shows_map(&body, &consulting));
        let mut ws = srv.display(&token).await;
        match next(&mut ws).await {
            DisplayMsg::Gone { reason, .. } => assert_eq!(reason, GoneReason::Withdrawn),
            other => panic!("expected gone, got {other:?}"),
        }
        expect_closed(&mut ws).await;
        // The admin's link still shows.
        let (status, _) = srv
            .call(None, "open_display", &[("token", admin_token.clone())])
            .await;
        assert_eq!(status, StatusCode::OK);
        srv.stop();
    }
);

both_databases!(screens_close_when_their_access_ends, |db: Arc<
    common::TestDb,
>| async move {
    load_demo(&db.store).await;
    let doc = enterprise_map(&db.store).await;
    let d = make_dashboard(&db.store, &doc).await;
    let admin = cookie_for(&db.store, ADMIN).await;
    // Sockets check their access every second when nothing was announced.
    let config =
        Config::from_lookup(|k| (k == "CAIRN_SOCKET_RECHECK").then(|| "1".into())).unwrap();
    let hub = server::hub::Hub::new(db.store.clone(), Arc::new(server::bus::InProcessBus::new()));
    let state = AppState::new(db.store.clone(), &config, hub);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = server::app(state.clone());
    let task = tokio::spawn(async move {
        let _ = server::serve(listener, router).await;
    });
    let srv = Server { addr, task, state };

    // A dashboard page whose session is signed out closes, saying why in its close frame.
    let page_cookie = cookie_for(&db.store, ADMIN).await;
    let mut page = dashboard_socket(&srv, &d.id.to_string(), Some(&page_cookie))
        .await
        .unwrap();
    welcome(&mut page).await;
    let (status, _) = srv.call(Some(&page_cookie), "sign_out", &[]).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let frame = loop {
        match tokio::time::timeout(Duration::from_secs(20), page.next())
            .await
            .expect("the signed-out page's socket stayed open")
        {
            Some(Ok(Message::Close(frame))) => break frame,
            None | Some(Err(_)) => panic!("the socket ended without saying why"),
            Some(Ok(_)) => {}
        }
    };
    let frame = frame.expect("a close frame with a reason");
    assert_eq!(u16::from(frame.code), 1008);
    assert!(frame.reason.contains("session has ended"), "{frame:?}");

    // A display link revoked behind the app's back (no announcement) is told and closed.
    let (link, secret) = make_link(&srv, &admin, &d).await;
    let mut screen = srv.display(&secret).await;
    welcome(&mut screen).await;
    let mut tx = db.store.begin().await.unwrap();
    sqlx::query("UPDATE display_links SET revoked_at = $2 WHERE id = $1")
        .bind(link.to_string())
        .bind("2026-01-01T00:00:00Z")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let gone = loop {
        match tokio::time::timeout(Duration::from_secs(20), next(&mut screen)).await {
            Ok(DisplayMsg::Gone { reason, .. }) => break reason,
            Ok(_) => continue,
            Err(_) => panic!("the revoked link's screen was not told within 20 s"),
        }
    };
    assert_eq!(gone, GoneReason::Revoked);
    expect_closed(&mut screen).await;
    srv.stop();
});
