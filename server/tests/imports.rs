//! Import tests through the real router (on SQLite and PostgreSQL): malformed files, an XLSX
//! workbook with dates and a second sheet, permissions, valid-only versus all-or-nothing
//! commits, idempotent re-imports, and that a commit tells open maps their scores changed.

mod common;

use app::api::{CommitMode, CommitStatus, DryRun, ProblemView};
use app::auth;
use app::domain::ops::{ClientMsg, ServerMsg, PROTOCOL_VERSION};
use app::domain::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use http_body_util::BodyExt;
use server::{demo, AppState, Config};
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tower::ServiceExt;

const ADMIN: &str = demo::DEMO_ADMIN_EMAIL;

struct World {
    db: Arc<common::TestDb>,
    state: AppState,
    router: Router,
}

impl World {
    async fn new(db: Arc<common::TestDb>) -> World {
        demo::load(
            &db.store,
            demo::DEMO_ADMIN_EMAIL,
            demo::DEMO_PASSWORD,
            "2026-10".parse().unwrap(),
        )
        .await
        .unwrap();
        let config = Config::from_lookup(|_| None).unwrap();
        let hub =
            server::hub::Hub::new(db.store.clone(), Arc::new(server::bus::InProcessBus::new()));
        let state = AppState::new(db.store.clone(), &config, hub);
        let router = server::app(state.clone());
        World { db, state, router }
    }

    async fn cookie_for(&self, email: &str) -> String {
        common::cookie_for(&self.db.store, email).await
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, Vec<u8>) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        (
            status,
            res.into_body().collect().await.unwrap().to_bytes().to_vec(),
        )
    }

    /// Uploads `bytes` as `name` to `map`; the body is the dry run or an `ApiError`.
    async fn upload(
        &self,
        cookie: Option<&str>,
        map: MapId,
        name: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, serde_json::Value) {
        let mut req = Request::post(format!("/imports/upload?map={map}&name={name}"))
            .header(header::CONTENT_TYPE, "application/octet-stream");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let (status, body) = self.send(req.body(Body::from(bytes)).unwrap()).await;
        (
            status,
            serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        )
    }

    /// Uploads and expects a dry run.
    async fn upload_ok(&self, cookie: &str, map: MapId, name: &str, bytes: Vec<u8>) -> DryRun {
        let (status, body) = self.upload(Some(cookie), map, name, bytes).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// Calls a JSON server function.
    async fn call(
        &self,
        cookie: &str,
        endpoint: &str,
        args: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let req = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, cookie)
            .body(Body::from(args.to_string()))
            .unwrap();
        let (status, body) = self.send(req).await;
        (
            status,
            serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        )
    }

    /// Starts a commit and waits until it is done or failed.
    async fn commit(
        &self,
        cookie: &str,
        id: ImportId,
        mode: CommitMode,
    ) -> (StatusCode, CommitStatus) {
        let (status, body) = self
            .call(
                cookie,
                "import_commit",
                serde_json::json!({"id": id, "mode": mode}),
            )
            .await;
        if status != StatusCode::OK {
            return (
                status,
                CommitStatus::Failed {
                    message: body.to_string(),
                },
            );
        }
        for _ in 0..400 {
            let req = Request::post("/api/import_status")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, cookie)
                .body(Body::from(format!("id={id}")))
                .unwrap();
            let (s, body) = self.send(req).await;
            assert_eq!(s, StatusCode::OK);
            let st: CommitStatus = serde_json::from_slice(&body).unwrap();
            if !matches!(st, CommitStatus::Running { .. }) {
                return (status, st);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the commit did not finish");
    }

    async fn map_named(&self, prefix: &str) -> MapDocument {
        let (_, summary) = self
            .db
            .store
            .map_summaries()
            .await
            .unwrap()
            .into_iter()
            .find(|(_, m)| m.name.starts_with(prefix))
            .unwrap();
        self.db.store.map_document(summary.id).await.unwrap()
    }

    /// Every actual of a map's measures as (measure, period, value, note, source).
    async fn actuals_of(
        &self,
        doc: &MapDocument,
    ) -> Vec<(MeasureId, Period, f64, String, DataSource)> {
        let mut out = Vec::new();
        for m in &doc.measures {
            for a in self.db.store.actuals(m.id).await.unwrap() {
                out.push((a.measure_id, a.period, a.value, a.note, a.source));
            }
        }
        out.sort_by_key(|a| (a.0, a.1));
        out
    }
}

fn error_text(body: &serde_json::Value) -> String {
    body.to_string()
}

/// A CSV with two good rows and one of each bad kind.
fn mixed_csv(doc: &MapDocument) -> String {
    let (a, b) = (&doc.measures[0].name, &doc.measures[1].name);
    format!(
        "Measure,Period,Value,Note\n\
         {a},2031-01,11.5,first\n\
         {b},Feb 2031,22,\n\
         Revenu growth,2031-01,1,\n\
         {a},2031-02,twelve,\n\
         {a},2031-13,1,\n\
         {b},2031-03,5,\n\
         {b},2031-03,6,\n"
    )
}

both_databases!(malformed_files_are_clear_errors, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    let admin = w.cookie_for(ADMIN).await;
    let map = w.map_named("Northwind").await.map.id;
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "empty.csv",
            Vec::new(),
            StatusCode::BAD_REQUEST,
            "The file is empty",
        ),
        (
            "header.csv",
            b"Measure,Period,Value\n".to_vec(),
            StatusCode::BAD_REQUEST,
            "no data rows",
        ),
        (
            "garbage.xlsx",
            vec![0x13, 0x37, 0x00, 0xff, 0x42],
            StatusCode::BAD_REQUEST,
            "workbook cannot be read",
        ),
        (
            "truncated.xlsx",
            b"PK\x03\x04\x14\x00\x00\x00".to_vec(),
            StatusCode::BAD_REQUEST,
            "workbook cannot be read",
        ),
        (
            "latin1.csv",
            b"Measure,Period,Value\nSatisfaction client\xe9,2026-01,1\n".to_vec(),
            StatusCode::BAD_REQUEST,
            "not UTF-8",
        ),
        (
            "binary.csv",
            b"Measure,\x00\x01\x02".to_vec(),
            StatusCode::BAD_REQUEST,
            "binary data",
        ),
    ];
    for (name, bytes, want, text) in cases {
        let (status, body) = w.upload(Some(&admin), map, name, bytes).await;
        assert_eq!(status, want, "{name}: {body}");
        assert!(error_text(&body).contains(text), "{name}: {body}");
    }
    let mut many = String::from("Measure,Period,Value\n");
    for _ in 0..=app::domain::import::MAX_ROWS {
        many.push_str("A,2026-01,1\n");
    }
    let (status, body) = w
        .upload(Some(&admin), map, "many.csv", many.into_bytes())
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        error_text(&body).contains("more than 200000 rows"),
        "{body}"
    );
    let too_big = vec![b'a'; app::files::MAX_FILE_BYTES + 10];
    let (status, body) = w.upload(Some(&admin), map, "big.csv", too_big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(error_text(&body).contains("larger than 20 MB"));

    // Ragged rows are read; the dry run names them.
    let doc = w.map_named("Northwind").await;
    let ragged = format!(
        "Measure,Period,Value\n{},2026-01,1,234\n",
        doc.measures[0].name
    );
    let run = w
        .upload_ok(&admin, map, "ragged.csv", ragged.into_bytes())
        .await;
    assert_eq!(run.valid, 0);
    assert_eq!(run.problems[0].kind, "extra cells");
    assert_eq!(run.problems[0].line, 2);

    // No session → 401; unknown map → 404; nothing kept for either.
    let (status, _) = w.upload(None, map, "a.csv", b"a,b\n1,2\n".to_vec()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = w
        .upload(Some(&admin), MapId::new(), "a.csv", b"a,b\n1,2\n".to_vec())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(w.state.imports.len(), 1);
});

both_databases!(
    the_dry_run_lists_every_bad_row_and_valid_only_keeps_the_good_ones,
    |db: Arc<common::TestDb>| async move {
        let w = World::new(db).await;
        let admin = w.cookie_for(ADMIN).await;
        let doc = w.map_named("Northwind").await;
        let before = w.actuals_of(&doc).await;
        let run = w
            .upload_ok(
                &admin,
                doc.map.id,
                "mixed.csv",
                mixed_csv(&doc).into_bytes(),
            )
            .await;
        assert_eq!(run.mapping_error, None);
        assert_eq!((run.rows, run.valid, run.bad_rows), (7, 2, 5));
        let kinds: Vec<(u32, &str)> = run
            .problems
            .iter()
            .map(|p| (p.line, p.kind.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (4, "unknown measure"),
                (5, "bad number"),
                (6, "bad period"),
                (7, "duplicate"),
                (8, "duplicate")
            ]
        );
        assert!(
            run.problems[0].message.contains("did you mean"),
            "{:?}",
            run.problems[0]
        );

        // All or nothing is refused and writes nothing.
        let (status, st) = w
            .commit(&admin, run.preview.id, CommitMode::AllOrNothing)
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{st:?}");
        assert_eq!(w.actuals_of(&doc).await, before);

        // The valid rows are written, stamped as imported.
        let (status, st) = w
            .commit(&admin, run.preview.id, CommitMode::ValidOnly)
            .await;
        assert_eq!(status, StatusCode::OK);
        let CommitStatus::Done { summary } = st else {
            panic!("{st:?}")
        };
        assert_eq!(
            (summary.written, summary.measures, summary.bad_rows),
            (2, 2, 5)
        );
        assert_eq!(summary.maps.len(), 1);
        assert_eq!(summary.maps[0].id, doc.map.id);
        let after = w.actuals_of(&doc).await;
        assert_eq!(after.len(), before.len() + 2);
        assert!(after.contains(&(
            doc.measures[0].id,
            "2031-01".parse().unwrap(),
            11.5,
            "first".into(),
            DataSource::Import
        )));
        assert!(after.contains(&(
            doc.measures[1].id,
            "2031-02".parse().unwrap(),
            22.0,
            String::new(),
            DataSource::Import
        )));

        // The problems page and the CSV download give every problem.
        let req = Request::post("/api/import_problems")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &admin)
            .body(Body::from(format!("id={}&offset=3", run.preview.id)))
            .unwrap();
        let (status, page) = w.send(req).await;
        assert_eq!(status, StatusCode::OK);
        let page: serde_json::Value = serde_json::from_slice(&page).unwrap();
        let page: Vec<ProblemView> = serde_json::from_value(page).unwrap();
        assert_eq!(page.len(), 2);
        let req = Request::get(format!("/imports/{}/problems.csv", run.preview.id))
            .header(header::COOKIE, &admin)
            .body(Body::empty())
            .unwrap();
        let (status, csv) = w.send(req).await;
        assert_eq!(status, StatusCode::OK);
        let csv = String::from_utf8(csv).unwrap();
        assert_eq!(csv.lines().count(), 6, "{csv}");
        assert!(csv.starts_with("Row,Column,Value,Problem,Reason"));

        // Someone else cannot reach the session.
        let other = w.cookie_for("editor@northwind.example").await;
        let (status, _) = w
            .call(
                &other,
                "import_check",
                serde_json::json!({"id": run.preview.id, "change": {}}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
);

both_databases!(
    all_or_nothing_writes_a_clean_file_and_reimporting_changes_nothing,
    |db: Arc<common::TestDb>| async move {
        let w = World::new(db).await;
        let admin = w.cookie_for(ADMIN).await;
        let doc = w.map_named("Northwind").await;
        let mut file = String::from("KPI;Month;Actual\n");
        for (i, m) in doc.measures.iter().take(5).enumerate() {
            file.push_str(&format!("{};2031-0{};{},5\n", m.name, i + 1, 10 + i));
        }
        let run = w
            .upload_ok(&admin, doc.map.id, "clean.csv", file.clone().into_bytes())
            .await;
        assert_eq!(run.preview.file_kind, "CSV (semicolon-separated)");
        assert_eq!(
            run.preview.mapping.numbers,
            app::domain::import::NumberFormat::Comma
        );
        assert_eq!((run.valid, run.bad_rows), (5, 0));
        let (status, st) = w
            .commit(&admin, run.preview.id, CommitMode::AllOrNothing)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            matches!(st, CommitStatus::Done { ref summary } if summary.written == 5),
            "{st:?}"
        );
        let once = w.actuals_of(&doc).await;
        assert!(once.contains(&(
            doc.measures[2].id,
            "2031-03".parse().unwrap(),
            12.5,
            String::new(),
            DataSource::Import
        )));

        let again = w
            .upload_ok(&admin, doc.map.id, "clean.csv", file.into_bytes())
            .await;
        let (_, st) = w
            .commit(&admin, again.preview.id, CommitMode::AllOrNothing)
            .await;
        assert!(matches!(st, CommitStatus::Done { .. }), "{st:?}");
        assert_eq!(w.actuals_of(&doc).await, once);
    }
);

both_databases!(permissions_are_checked_per_row, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db.clone()).await;
    // A contributor of Consulting, who only views the enterprise map.
    let units = db.store.org_units().await.unwrap();
    let unit = |name: &str| units.iter().find(|u| u.name == name).unwrap().id;
    let user = User {
        id: UserId::new(),
        email: "consulting.data@northwind.example".into(),
        name: "Consulting Data".into(),
    };
    db.store
        .create_user(&user, &auth::hash_password("long enough password").unwrap())
        .await
        .unwrap();
    db.store
        .grant_role(user.id, unit("Consulting"), Role::Contributor)
        .await
        .unwrap();
    db.store
        .grant_role(user.id, unit("Northwind Technology Services"), Role::Viewer)
        .await
        .unwrap();
    let cookie = w.cookie_for(&user.email).await;

    // Only viewing the enterprise map, they may not even upload to it.
    let enterprise = w.map_named("Northwind").await;
    let file = format!(
        "Measure,Period,Value\n{},2031-01,1\n",
        enterprise.measures[0].name
    );
    let (status, body) = w
        .upload(Some(&cookie), enterprise.map.id, "e.csv", file.into_bytes())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(error_text(&body).contains("contributor role"), "{body}");

    // A viewer of the enterprise map who owns some of its measures' data may upload: only the
    // rows of those measures are accepted.
    let (tomas, _) = db
        .store
        .user_with_hash("tomas.alvarez@northwind.example")
        .await
        .unwrap()
        .unwrap();
    let owned = enterprise
        .measures
        .iter()
        .find(|m| m.data_owner_id == Some(tomas.id) && m.data_source != DataSource::Formula)
        .unwrap();
    let other = enterprise
        .measures
        .iter()
        .find(|m| m.data_owner_id != Some(tomas.id) && m.data_source != DataSource::Formula)
        .unwrap();
    let file = format!(
        "Measure,Period,Value\n{},2031-01,1\n{},2031-01,2\n",
        owned.name, other.name
    );
    let owner_cookie = w.cookie_for(&tomas.email).await;
    let run = w
        .upload_ok(&owner_cookie, enterprise.map.id, "e.csv", file.into_bytes())
        .await;
    assert!(run.may_enter_any);
    assert_eq!((run.valid, run.bad_rows), (1, 1));
    assert_eq!(run.problems[0].kind, "not allowed");
    assert_eq!(run.problems[0].raw, other.name);

    let consulting = w.map_named("Consulting").await;
    let file = format!(
        "Measure,Period,Value\n{},2031-01,1\n",
        consulting.measures[0].name
    );
    let run = w
        .upload_ok(&cookie, consulting.map.id, "c.csv", file.into_bytes())
        .await;
    assert!(run.may_enter_any);
    assert_eq!(run.valid, 1);
    let (_, st) = w
        .commit(&cookie, run.preview.id, CommitMode::AllOrNothing)
        .await;
    assert!(matches!(st, CommitStatus::Done { .. }), "{st:?}");

    // Someone with no role on a unit cannot even upload to its map.
    let stranger = User {
        id: UserId::new(),
        email: "stranger@example.com".into(),
        name: "Stranger".into(),
    };
    db.store
        .create_user(
            &stranger,
            &auth::hash_password("long enough password").unwrap(),
        )
        .await
        .unwrap();
    let cookie = w.cookie_for(&stranger.email).await;
    let (status, _) = w
        .upload(
            Some(&cookie),
            enterprise.map.id,
            "x.csv",
            b"a,b\n1,2\n".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});

/// A workbook: a long sheet with date cells, and a wide sheet with months across.
fn workbook(doc: &MapDocument) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let month = Format::new().set_num_format("mmm-yy");
    let long = book.add_worksheet().set_name("Actuals").unwrap();
    long.write_string(0, 0, "Key figures, November").unwrap();
    for (c, h) in ["Measure", "Period", "Value"].iter().enumerate() {
        long.write_string(2, c as u16, *h).unwrap();
    }
    for (i, m) in doc.measures.iter().take(3).enumerate() {
        let r = 3 + i as u32;
        long.write_string(r, 0, &m.name).unwrap();
        let day = ExcelDateTime::from_ymd(2031, 3, 31).unwrap();
        long.write_datetime_with_format(r, 1, &day, &month).unwrap();
        long.write_number(r, 2, 40.0 + i as f64).unwrap();
    }
    let wide = book.add_worksheet().set_name("Wide").unwrap();
    wide.write_string(0, 0, "KPI").unwrap();
    for m in 1..=3u8 {
        let day = ExcelDateTime::from_ymd(2031, m, 1).unwrap();
        wide.write_datetime_with_format(0, u16::from(m), &day, &month)
            .unwrap();
    }
    wide.write_string(1, 0, &doc.measures[0].name).unwrap();
    for m in 1..=3u16 {
        wide.write_number(1, m, f64::from(m)).unwrap();
    }
    book.save_to_buffer().unwrap()
}

both_databases!(an_xlsx_workbook_with_dates_and_two_sheets, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    let admin = w.cookie_for(ADMIN).await;
    let doc = w.map_named("Northwind").await;
    let run = w
        .upload_ok(&admin, doc.map.id, "kpis.xlsx", workbook(&doc))
        .await;
    assert_eq!(run.preview.file_kind, "Workbook");
    assert_eq!(
        run.preview.sheets,
        vec!["Actuals".to_string(), "Wide".to_string()]
    );
    assert_eq!(run.preview.header, vec!["Measure", "Period", "Value"]);
    assert_eq!(
        run.preview.sample[0].0, 4,
        "row numbers as Excel shows them"
    );
    assert_eq!((run.valid, run.bad_rows), (3, 0), "{:?}", run.problems);
    assert_eq!(run.first_period, Some("2031-03".parse().unwrap()));

    let (status, body) = w
        .call(
            &admin,
            "import_check",
            serde_json::json!({"id": run.preview.id, "change": {"sheet": "Wide"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let wide: DryRun = serde_json::from_value(body).unwrap();
    assert_eq!(
        wide.preview.mapping.layout,
        app::domain::import::Layout::Wide
    );
    assert_eq!((wide.valid, wide.measures), (3, 1));
    assert_eq!(wide.last_period, Some("2031-03".parse().unwrap()));

    // Switching to one row per value leaves no period column: the dry run says so.
    let (_, body) = w
        .call(
            &admin,
            "import_check",
            serde_json::json!({"id": run.preview.id, "change": {"layout": "long"}}),
        )
        .await;
    let long: DryRun = serde_json::from_value(body).unwrap();
    assert!(long.mapping_error.unwrap().contains("period"));

    let (status, _) = w
        .call(
            &admin,
            "import_check",
            serde_json::json!({"id": run.preview.id, "change": {"sheet": "Nope"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
});

both_databases!(a_commit_tells_open_maps_their_scores_changed, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    let admin = w.cookie_for(ADMIN).await;
    let doc = w.map_named("Northwind").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = w.router.clone();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let mut req = format!("ws://{addr}/ws/maps/{}", doc.map.id)
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert(header::COOKIE, admin.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let hello = ClientMsg::Hello {
        map_id: doc.map.id,
        last_seq: None,
        protocol_version: PROTOCOL_VERSION,
    };
    ws.send(Message::text(serde_json::to_string(&hello).unwrap()))
        .await
        .unwrap();

    let file = format!("Measure,Period,Value\n{},2031-01,1\n", doc.measures[0].name);
    let run = w
        .upload_ok(&admin, doc.map.id, "one.csv", file.into_bytes())
        .await;
    let (_, st) = w
        .commit(&admin, run.preview.id, CommitMode::ValidOnly)
        .await;
    assert!(matches!(st, CommitStatus::Done { .. }), "{st:?}");
    let seen = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(frame)) = ws.next().await {
            if let Message::Text(t) = frame {
                if let Ok(ServerMsg::ScoresChanged { map_id }) = serde_json::from_str(t.as_str()) {
                    return map_id;
                }
            }
        }
        panic!("the socket closed");
    })
    .await
    .expect("scores_changed within 5 s");
    assert_eq!(seen, doc.map.id);
    task.abort();
});

both_databases!(sessions_are_bounded_per_user_and_by_memory, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    let admin = w.cookie_for(ADMIN).await;
    let doc = w.map_named("Northwind").await;
    let file = format!("Measure,Period,Value\n{},2031-01,1\n", doc.measures[0].name);
    let mut ids = Vec::new();
    for _ in 0..4 {
        let run = w
            .upload_ok(&admin, doc.map.id, "a.csv", file.clone().into_bytes())
            .await;
        ids.push(run.preview.id);
    }
    assert_eq!(w.state.imports.len(), server::imports::SESSIONS_PER_USER);
    let check = |id: ImportId| serde_json::json!({"id": id, "change": {}});
    let (status, _) = w.call(&admin, "import_check", check(ids[0])).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the oldest session made room"
    );
    let (status, _) = w.call(&admin, "import_check", check(ids[3])).await;
    assert_eq!(status, StatusCode::OK);

    // With the memory budget spent, an upload is refused rather than kept.
    let mut state = w.state.clone();
    state.imports = Arc::new(server::imports::ImportStore::with_limits(
        Duration::from_secs(60),
        16,
    ));
    let tight = World {
        db: w.db.clone(),
        state: state.clone(),
        router: server::app(state),
    };
    let (status, body) = tight
        .upload(Some(&admin), doc.map.id, "a.csv", file.clone().into_bytes())
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(tight.state.imports.is_empty());

    // An idle session expires.
    let mut state = w.state.clone();
    state.imports = Arc::new(server::imports::ImportStore::with_limits(
        Duration::ZERO,
        1 << 30,
    ));
    let hasty = World {
        db: w.db.clone(),
        state: state.clone(),
        router: server::app(state),
    };
    let run = hasty
        .upload_ok(&admin, doc.map.id, "a.csv", file.into_bytes())
        .await;
    let (status, body) = hasty
        .call(&admin, "import_check", check(run.preview.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.to_string().contains("expires"), "{body}");
});

/// A zip of `parts`, deflated (crafted workbooks).
fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A real workbook (written by rust_xlsxwriter) whose sheet XML part is replaced by `sheet`.
fn workbook_with_sheet(sheet: Vec<u8>) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "Measure").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut part, &mut bytes).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            bytes = sheet.clone();
        }
        parts.push((name, bytes));
    }
    let parts: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    zip_of(&parts)
}

fn sheet_xml(rows: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>{rows}</sheetData></worksheet>"#
    )
    .into_bytes()
}

both_databases!(
    workbook_bombs_and_long_cells_are_refused_and_the_server_still_answers,
    |db: Arc<common::TestDb>| async move {
        let w = World::new(db).await;
        let admin = w.cookie_for(ADMIN).await;
        let doc = w.map_named("Northwind").await;
        let map = doc.map.id;

        // A sheet that unpacks from kilobytes to tens of megabytes (a zip bomb).
        let bomb = workbook_with_sheet(sheet_xml(&" ".repeat(40 * 1024 * 1024)));
        assert!(bomb.len() < 200 * 1024, "{}", bomb.len());
        // A sheet claiming the whole grid, with one far-right cell per row (each row would be
        // 1,000 cells wide in memory).
        let rows: String = (1..=2_100)
            .map(|r| format!(r#"<row r="{r}"><c r="ALK{r}"><v>1</v></c></row>"#))
            .collect();
        let wide = workbook_with_sheet(sheet_xml(&rows));
        // One long shared string in every cell.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let long = "z".repeat(30_000);
        for r in 0..4_600u32 {
            sheet.write_string(r, 0, &long).unwrap();
        }
        let repeated = book.save_to_buffer().unwrap();
        // A CSV whose one cell is a megabyte long.
        let long_cell = format!(
            "Measure,Period,Value\n{},2031-01,1\n",
            "Revenue ".repeat(128 * 1024)
        )
        .into_bytes();
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("bomb.xlsx", bomb, "zip bomb"),
            ("wide.xlsx", wide, "more than 2000000 cells"),
            ("repeated.xlsx", repeated, "more than 128 MB of text"),
            ("long.csv", long_cell, "more than 32767 characters"),
        ];
        for (name, bytes, says) in cases {
            let (status, body) = w.upload(Some(&admin), map, name, bytes).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{name}: {body}");
            assert!(error_text(&body).contains(says), "{name}: {body}");
            assert!(w.state.imports.is_empty(), "{name}: nothing kept");
        }
        // An Excel 97 file is refused with the way out.
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend([0u8; 1024]);
        let (status, body) = w.upload(Some(&admin), map, "old.xls", ole).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(error_text(&body).contains("save it as .xlsx"), "{body}");

        // The server still answers, and a good file still imports.
        let file = format!("Measure,Period,Value\n{},2031-01,1\n", doc.measures[0].name);
        let run = w
            .upload_ok(&admin, map, "good.csv", file.into_bytes())
            .await;
        assert_eq!(run.valid, 1);
    }
);

both_databases!(only_those_who_may_enter_data_may_upload, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db.clone()).await;
    let outsider = User {
        id: UserId::new(),
        email: "outsider@example.com".into(),
        name: "Out Sider".into(),
    };
    db.store.create_user(&outsider, "x").await.unwrap();
    let doc = w.map_named("Northwind").await;
    let good = format!("Measure,Period,Value\n{},2031-01,1\n", doc.measures[0].name);
    // The role decides before the file is read: a viewer's bomb is a 403, not a 413.
    let bomb = workbook_with_sheet(sheet_xml(&" ".repeat(8 * 1024 * 1024)));
    let people: [(Option<&str>, u16); 7] = [
        (None, 401),
        (Some("outsider@example.com"), 403),
        (Some("viewer@northwind.example"), 403),
        (Some("contributor@northwind.example"), 200),
        (Some("editor@northwind.example"), 200),
        (Some(ADMIN), 200),
        // A viewer of the enterprise map who owns the data of some of its measures.
        (Some("tomas.alvarez@northwind.example"), 200),
    ];
    for (who, expected) in people {
        let cookie = match who {
            Some(email) => Some(w.cookie_for(email).await),
            None => None,
        };
        let (status, body) = w
            .upload(
                cookie.as_deref(),
                doc.map.id,
                "a.csv",
                good.clone().into_bytes(),
            )
            .await;
        assert_eq!(status.as_u16(), expected, "{who:?}: {body}");
        if expected == 403 {
            assert!(error_text(&body).contains(" role"), "{body}");
            let (status, _) = w
                .upload(cookie.as_deref(), doc.map.id, "bomb.xlsx", bomb.clone())
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who:?}");
        }
    }
    // One session was kept per permitted person, none for the others.
    assert_eq!(w.state.imports.len(), 4);
});

both_databases!(the_problems_csv_neutralises_formula_cells, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    let admin = w.cookie_for(ADMIN).await;
    let doc = w.map_named("Northwind").await;
    let a = &doc.measures[0].name;
    let file = format!(
        "Measure,Period,Value\n\
         \"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",2031-01,1\n\
         {a},2031-02,@SUM(A1:A9)\n\
         {a},-5,1\n\
         {a},2031-03,\"+cmd|' /C calc'!A0\"\n"
    );
    let run = w
        .upload_ok(&admin, doc.map.id, "formulas.csv", file.into_bytes())
        .await;
    assert_eq!(run.problem_count, 4, "{:?}", run.problems);
    let req = Request::get(format!("/imports/{}/problems.csv", run.preview.id))
        .header(header::COOKIE, &admin)
        .body(Body::empty())
        .unwrap();
    let (status, csv) = w.send(req).await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_slice());
    let values: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[2].to_string())
        .collect();
    assert_eq!(
        values,
        vec![
            "'=HYPERLINK(\"http://evil.example\",\"x\")",
            "'@SUM(A1:A9)",
            // A negative number is no formula: it stays a number.
            "-5",
            "'+cmd|' /C calc'!A0",
        ]
    );
    // No cell of the download starts a formula.
    let text = String::from_utf8(csv).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r'])
                    && (!cell.starts_with('-') || cell.parse::<f64>().is_ok()),
                "{cell:?}"
            );
        }
    }
});

both_databases!(an_unclosed_quote_is_reported_at_its_line, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    let admin = w.cookie_for(ADMIN).await;
    let doc = w.map_named("Northwind").await;
    let (a, b) = (&doc.measures[0].name, &doc.measures[1].name);
    let file = format!(
        "Measure,Period,Value,Note\n{a},2031-01,1,fine\n{b},2031-01,2,\"not closed\n{a},2031-02,3,\n{b},2031-02,4,\n"
    );
    let before = w.actuals_of(&doc).await;
    let (status, body) = w
        .upload(Some(&admin), doc.map.id, "quote.csv", file.into_bytes())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        error_text(&body).contains("starts on line 3 is never closed"),
        "{body}"
    );
    assert!(w.state.imports.is_empty());
    assert_eq!(w.actuals_of(&doc).await, before);
});
