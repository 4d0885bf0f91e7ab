//! Router tests through `tower::ServiceExt::oneshot`: sign-in, page gating, health, and the role
//! matrix of every server function (on SQLite and PostgreSQL).

mod common;

use common::urlencode;

use app::domain::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use server::{app as build_app, demo, AppState, Config};
use std::sync::Arc;
use tower::ServiceExt;

struct World {
    db: Arc<common::TestDb>,
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
        let hub = server::hub::Hub::new(
            db.store.clone(),
            std::sync::Arc::new(server::bus::InProcessBus::new()),
        );
        let router = build_app(AppState::new(db.store.clone(), &config, hub));
        World { db, router }
    }

    /// A session cookie for a demo user (made directly, to keep tests fast).
    async fn cookie_for(&self, email: &str) -> String {
        common::cookie_for(&self.db.store, email).await
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, http::HeaderMap, String) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&body).to_string())
    }

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
        let (status, _, body) = self.send(req.body(Body::from(body)).unwrap()).await;
        (status, body)
    }

    async fn enterprise_map(&self) -> MapDocument {
        let (_, summary) = self
            .db
            .store
            .map_summaries()
            .await
            .unwrap()
            .into_iter()
            .find(|(_, m)| m.name.starts_with("Northwind"))
            .unwrap();
        self.db.store.map_document(summary.id).await.unwrap()
    }

    async fn unit_map(&self, prefix: &str) -> MapDocument {
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
}

both_databases!(
    health_and_page_gating,
    |db: Arc<common::TestDb>| async move {
        let w = World::new(db).await;
        let (status, _, body) = w
            .send(Request::get("/healthz").body(Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("\"ok\""));

        let (status, headers, _) = w
            .send(Request::get("/maps/abc").body(Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers[header::LOCATION], "/signin?next=/maps/abc");
        assert!(headers.contains_key("x-request-id"));

        let (status, _, body) = w
            .send(Request::get("/signin").body(Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("name=\"password\""));

        let cookie = w.cookie_for(demo::DEMO_ADMIN_EMAIL).await;
        let map = w.enterprise_map().await;
        let req = Request::get(format!("/maps/{}", map.map.id))
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
        let (status, _, body) = w.send(req).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("<svg"), "the map is server-rendered");
        assert!(body.contains(&map.objectives[0].title.replace('&', "&amp;")));
    }
);

both_databases!(
    sign_in_sets_a_safe_cookie_and_rejects_wrong_passwords,
    |db: Arc<common::TestDb>| async move {
        let w = World::new(db).await;
        let (status, body) = w
            .call(
                None,
                "sign_in",
                &[
                    ("email", demo::DEMO_ADMIN_EMAIL.into()),
                    ("password", "wrong password".into()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.contains("BadCredentials"), "{body}");
        let (status, body) = w
            .call(
                None,
                "sign_in",
                &[("email", "".into()), ("password", "".into())],
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        let req = Request::post("/api/sign_in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(format!(
                "email={}&password={}",
                urlencode("ADMIN@northwind.example"),
                demo::DEMO_PASSWORD
            )))
            .unwrap();
        let (status, headers, _) = w.send(req).await;
        assert!(status.is_success() || status.is_redirection(), "{status}");
        let cookie = headers[header::SET_COOKIE].to_str().unwrap().to_string();
        assert!(
            cookie.starts_with("cairn_session=")
                && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let session = cookie.split(';').next().unwrap().to_string();
        let (status, body) = w.call(Some(&session), "current_user", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Alex Morgan"), "{body}");

        let (status, _) = w.call(Some(&session), "sign_out", &[]).await;
        assert!(status.is_success() || status.is_redirection());
        let (_, body) = w.call(Some(&session), "current_user", &[]).await;
        assert_eq!(body.trim(), "null", "the session ended");
    }
);

/// Expected status of a call per role: anonymous, outsider (no role), viewer, contributor,
/// editor, admin.
type Row = (&'static str, [u16; 6]);

both_databases!(role_matrix_of_every_server_function, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    let outsider = User {
        id: UserId::new(),
        email: "outsider@example.com".into(),
        name: "Out Sider".into(),
    };
    w.db.store.create_user(&outsider, "x").await.unwrap();
    let cookies = [
        None,
        Some(w.cookie_for("outsider@example.com").await),
        Some(w.cookie_for("viewer@northwind.example").await),
        Some(w.cookie_for("contributor@northwind.example").await),
        Some(w.cookie_for("editor@northwind.example").await),
        Some(w.cookie_for(demo::DEMO_ADMIN_EMAIL).await),
    ];
    let map = w.enterprise_map().await;
    let root = map.map.org_unit_id;
    let measure_id = map.measures[0].id;

    let matrix: Vec<(Row, Vec<(&str, String)>)> = vec![
        (("org_tree", [401, 200, 200, 200, 200, 200]), vec![]),
        (
            ("get_map", [401, 403, 200, 200, 200, 200]),
            vec![("map_id", map.map.id.to_string())],
        ),
        (
            ("get_scorecard", [401, 403, 200, 200, 200, 200]),
            vec![("map_id", map.map.id.to_string())],
        ),
        (
            ("my_rights", [401, 403, 200, 200, 200, 200]),
            vec![("map_id", map.map.id.to_string())],
        ),
        (
            ("owner_candidates", [401, 403, 403, 403, 200, 200]),
            vec![("map_id", map.map.id.to_string())],
        ),
        (
            ("record_actual", [401, 403, 403, 200, 200, 200]),
            vec![
                ("measure_id", measure_id.to_string()),
                ("period", "2026-11".into()),
                ("value", "42".into()),
                ("note", "".into()),
            ],
        ),
        (
            ("create_objective", [401, 403, 403, 403, 200, 200]),
            vec![
                ("map_id", map.map.id.to_string()),
                ("perspective_id", map.perspectives[0].id.to_string()),
                ("title", "Open a new region".into()),
                ("x", "300".into()),
                ("y", "100".into()),
            ],
        ),
        (
            ("create_map", [401, 403, 403, 403, 200, 200]),
            vec![
                ("org_unit_id", root.to_string()),
                ("name", "Draft 2028".into()),
                ("period_start", "2028-01".into()),
                ("period_end", "2028-12".into()),
            ],
        ),
    ];
    for ((endpoint, expected), form) in &matrix {
        for (who, cookie) in cookies.iter().enumerate() {
            let before_objectives =
                w.db.store
                    .map_document(map.map.id)
                    .await
                    .unwrap()
                    .objectives
                    .len();
            let before_maps = w.db.store.map_summaries().await.unwrap().len();
            let (status, body) = w.call(cookie.as_deref(), endpoint, form).await;
            assert_eq!(
                status.as_u16(),
                expected[who],
                "{endpoint} as role #{who}: {body}"
            );
            if status == StatusCode::FORBIDDEN {
                assert!(
                    body.contains("Forbidden") && body.contains("role"),
                    "a clear 403 message: {body}"
                );
                assert_eq!(
                    w.db.store
                        .map_document(map.map.id)
                        .await
                        .unwrap()
                        .objectives
                        .len(),
                    before_objectives
                );
                assert_eq!(w.db.store.map_summaries().await.unwrap().len(), before_maps);
            }
        }
    }

    // create_link: every role tries a distinct, not yet linked pair, so only the role decides.
    let doc = w.enterprise_map().await;
    let linked =
        |x: ObjectiveId, y: ObjectiveId| doc.links.iter().any(|l| (l.from_id, l.to_id) == (x, y));
    let mut pairs = doc
        .objectives
        .iter()
        .flat_map(|x| doc.objectives.iter().map(move |y| (x.id, y.id)))
        .filter(|(x, y)| x != y && !linked(*x, *y));
    let expected = [401, 403, 403, 403, 200, 200];
    for (who, cookie) in cookies.iter().enumerate() {
        let (from, to) = pairs.next().unwrap();
        let form = vec![
            ("map_id", map.map.id.to_string()),
            ("from_id", from.to_string()),
            ("to_id", to.to_string()),
            ("hypothesis", "".into()),
        ];
        let before = w.enterprise_map().await.links.len();
        let (status, body) = w.call(cookie.as_deref(), "create_link", &form).await;
        assert_eq!(
            status.as_u16(),
            expected[who],
            "create_link as role #{who}: {body}"
        );
        let after = w.enterprise_map().await.links.len();
        assert_eq!(after, before + usize::from(status == StatusCode::OK));
    }

    // delete_impact (JSON input): only those who may edit the map learn what a delete takes.
    let impact = serde_json::json!({
        "map_id": map.map.id,
        "objective_ids": [map.objectives[0].id],
    });
    for (who, cookie) in cookies.iter().enumerate() {
        let mut req = Request::post("/api/delete_impact")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let (status, _, body) = w
            .send(req.body(Body::from(impact.to_string())).unwrap())
            .await;
        assert_eq!(
            status.as_u16(),
            [401, 403, 403, 403, 200, 200][who],
            "delete_impact as role #{who}: {body}"
        );
    }
});

both_databases!(unit_leads_cannot_touch_other_units, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    let consulting = w.unit_map("Consulting").await;
    let managed = w.unit_map("Managed").await;
    // Find the Managed Services lead: the editor of that unit.
    let lead_cookie = {
        let mut found = None;
        for u in w.db.store.users().await.unwrap() {
            let grants = w.db.store.grants_of(u.id).await.unwrap();
            if grants
                .iter()
                .any(|(_, unit, role)| *unit == managed.map.org_unit_id && *role == Role::Editor)
            {
                found = Some(w.cookie_for(&u.email).await);
            }
        }
        found.expect("the demo has a Managed Services editor")
    };
    let form = vec![
        ("map_id", consulting.map.id.to_string()),
        ("perspective_id", consulting.perspectives[0].id.to_string()),
        ("title", "Take over consulting".into()),
        ("x", "300".into()),
        ("y", "100".into()),
    ];
    let (status, body) = w.call(Some(&lead_cookie), "create_objective", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body.contains("Consulting"),
        "the message names the unit: {body}"
    );
    let own = vec![
        ("map_id", managed.map.id.to_string()),
        ("perspective_id", managed.perspectives[0].id.to_string()),
        ("title", "Grow managed revenue".into()),
        ("x", "300".into()),
        ("y", "100".into()),
    ];
    let (status, body) = w.call(Some(&lead_cookie), "create_objective", &own).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Bad input gets a specific message and changes nothing.
    let empty_title = vec![
        ("map_id", managed.map.id.to_string()),
        ("perspective_id", managed.perspectives[0].id.to_string()),
        ("title", "".into()),
        ("x", "300".into()),
        ("y", "100".into()),
    ];
    let (status, body) = w
        .call(Some(&lead_cookie), "create_objective", &empty_title)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("Empty"), "{body}");
    let (status, body) = w
        .call(
            Some(&lead_cookie),
            "create_objective",
            &[("map_id", "not-a-uuid".into())],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // A link from a unit objective to an enterprise objective is refused as a cross-map link.
    let enterprise = w.enterprise_map().await;
    let link = vec![
        ("map_id", managed.map.id.to_string()),
        ("from_id", managed.objectives[0].id.to_string()),
        ("to_id", enterprise.objectives[0].id.to_string()),
        ("hypothesis", "".into()),
    ];
    let (status, body) = w.call(Some(&lead_cookie), "create_link", &link).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("LinkAcrossMaps"), "{body}");
});

/// Posts a server function whose input is JSON (`input = Json`).
async fn call_json(
    w: &World,
    cookie: &str,
    endpoint: &str,
    body: serde_json::Value,
) -> (StatusCode, String) {
    let req = Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, _, body) = w.send(req).await;
    (status, body)
}

fn actual_json(measure: MeasureId, period: &str, value: f64) -> serde_json::Value {
    serde_json::json!({
        "measure_id": measure, "period": period, "value": value, "note": "",
        "entered_by": null, "entered_at": "", "source": "manual"
    })
}

both_databases!(data_grid_rights_and_one_transaction_per_save, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    let map = w.enterprise_map().await;
    let (from, to): (Period, Period) = ("2026-01".parse().unwrap(), "2026-12".parse().unwrap());
    let tomas =
        w.db.store
            .user_with_hash("tomas.alvarez@northwind.example")
            .await
            .unwrap()
            .unwrap()
            .0;
    let cookie = w.cookie_for("tomas.alvarez@northwind.example").await;

    // The grid says which measures a viewer who owns some of them may enter.
    let (status, body) = w
        .call(
            Some(&cookie),
            "get_data_grid",
            &[("map_id", map.map.id.to_string()), ("year", "2026".into())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let grid: app::api::DataGrid = serde_json::from_str(&body).unwrap();
    assert_eq!(grid.year, 2026);
    assert!(!grid.may_set_targets, "a viewer sets no targets");
    assert_eq!(grid.measures.len(), map.measures.len());
    for m in &grid.measures {
        let owns = m.measure.data_owner_id == Some(tomas.id);
        assert_eq!(m.owned_by_me, owns, "{}", m.measure.name);
        assert_eq!(
            m.may_enter,
            owns && m.measure.data_source != DataSource::Formula,
            "{}",
            m.measure.name
        );
    }
    let own = grid
        .measures
        .iter()
        .find(|m| m.may_enter)
        .expect("Tomás owns an enterprise measure")
        .measure
        .id;
    let other = grid
        .measures
        .iter()
        .find(|m| !m.owned_by_me)
        .unwrap()
        .measure
        .id;
    assert!(grid
        .actuals
        .iter()
        .all(|a| a.period >= from && a.period <= to));
    let actuals_now = || async {
        w.db.store
            .actuals_between(map.map.id, from, to)
            .await
            .unwrap()
    };
    let before = actuals_now().await;

    // One forbidden cell refuses the whole save: nothing is half-written.
    let (status, body) = call_json(
        &w,
        &cookie,
        "save_data",
        serde_json::json!({ "batch": {
            "actuals": [actual_json(own, "2026-11", 7.0), actual_json(other, "2026-11", 99.0)]
        }}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("data owner"), "the refusal says why: {body}");
    assert_eq!(actuals_now().await, before);

    // A target is an editor's: refused.
    let (status, body) = call_json(
        &w,
        &cookie,
        "save_data",
        serde_json::json!({ "batch": {
            "targets": [{ "measure_id": own, "period": "2026-11", "goal": 10.0, "red_flag": 5.0 }]
        }}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // Their own measure: saved with who and when set by the server, whatever the client sent.
    let mut forged = actual_json(own, "2026-11", 7.0);
    forged["entered_by"] = serde_json::json!(UserId::new());
    forged["source"] = serde_json::json!("api");
    let (status, body) = call_json(
        &w,
        &cookie,
        "save_data",
        serde_json::json!({ "batch": { "actuals": [forged] }}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let out: DataOutcome = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (out.actuals_written, out.maps.clone()),
        (1, vec![map.map.id])
    );
    let saved = actuals_now().await;
    let a = saved
        .iter()
        .find(|a| a.measure_id == own && a.period.to_string() == "2026-11")
        .unwrap();
    assert_eq!(
        (a.value, a.entered_by, a.source),
        (7.0, Some(tomas.id), DataSource::Manual)
    );

    // An editor fills a year of targets with the bulk helper and clears an actual, in one save.
    let editor = w.cookie_for("editor@northwind.example").await;
    let months = app::domain::targets::reporting_months(2027, Frequency::Monthly);
    let filled = app::domain::targets::fill(
        own,
        &months,
        app::domain::targets::TargetFill::Ramp {
            start: 20.0,
            goal: 32.0,
            red_flag: 28.0,
        },
    )
    .unwrap();
    let (status, body) = call_json(
        &w,
        &editor,
        "save_data",
        serde_json::json!({ "batch": {
            "targets": filled,
            "clear_actuals": [{ "measure_id": own, "period": "2026-11" }]
        }}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let out: DataOutcome = serde_json::from_str(&body).unwrap();
    assert_eq!((out.targets_written, out.cleared), (12, 1));
    let year: Vec<Target> =
        w.db.store
            .targets_between(map.map.id, months[0], months[11])
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.measure_id == own)
            .collect();
    assert_eq!(year.len(), 12);
    assert_eq!((year[0].goal, year[0].red_flag), (21.0, 17.0));
    assert_eq!((year[11].goal, year[11].red_flag), (32.0, 28.0));
    assert!(!actuals_now()
        .await
        .iter()
        .any(|a| a.measure_id == own && a.period.to_string() == "2026-11"));

    // A bad target in a batch of good ones: 422, and none of the batch is written.
    let (status, body) = call_json(
        &w,
        &editor,
        "save_data",
        serde_json::json!({ "batch": {
            "actuals": [actual_json(other, "2026-11", 55.0)],
            "targets": [{ "measure_id": own, "period": "2027-01", "goal": 9.0, "red_flag": 9.0 }]
        }}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(!actuals_now()
        .await
        .iter()
        .any(|a| a.measure_id == other && a.period.to_string() == "2026-11"));
    let jan: Vec<Target> =
        w.db.store
            .targets_between(map.map.id, months[0], months[0])
            .await
            .unwrap();
    assert!(jan.iter().any(|t| t.measure_id == own && t.goal == 21.0));

    // An unreadable year is a clear 400.
    let (status, body) = w
        .call(
            Some(&editor),
            "get_data_grid",
            &[("map_id", map.map.id.to_string()), ("year", "12345".into())],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("Choose a year"), "{body}");
});

both_databases!(owners_see_their_measures_and_what_is_overdue, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    let email = "tomas.alvarez@northwind.example";
    let tomas = w.db.store.user_with_hash(email).await.unwrap().unwrap().0;
    let cookie = w.cookie_for(email).await;
    let today = app::store::current_period();
    let fetch = || async {
        let (status, body) = w.call(Some(&cookie), "my_measures", &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_str::<Vec<OwnedMeasure>>(&body).unwrap()
    };
    let mine = fetch().await;
    // Every measure of every map whose data Tomás owns, formula measures left out.
    let mut expected = Vec::new();
    for (_, summary) in w.db.store.map_summaries().await.unwrap() {
        let doc = w.db.store.map_document(summary.id).await.unwrap();
        for m in doc.measures {
            if m.data_owner_id == Some(tomas.id) && m.data_source != DataSource::Formula {
                expected.push(m.id);
            }
        }
    }
    let mut got: Vec<MeasureId> = mine.iter().map(|m| m.measure_id).collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    assert!(got.len() >= 2);

    // One monthly measure reported this month (fresh); another with nothing for three months
    // (overdue: its next value was due by the end of last month).
    let monthly: Vec<&OwnedMeasure> = mine
        .iter()
        .filter(|m| m.frequency == Frequency::Monthly)
        .collect();
    let (fresh, late) = (monthly[0].measure_id, monthly[1].measure_id);
    let mut batch = DataBatch::default();
    batch.actuals.push(Actual {
        measure_id: fresh,
        period: today,
        value: 3.0,
        note: String::new(),
        entered_by: None,
        entered_at: String::new(),
        source: DataSource::Manual,
    });
    for back in 0..3 {
        batch.clear_actuals.push(MeasurePeriod {
            measure_id: late,
            period: today.plus_months(-back),
        });
    }
    let (status, body) = call_json(
        &w,
        &cookie,
        "save_data",
        serde_json::json!({ "batch": batch }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mine = fetch().await;
    let of = |id: MeasureId| mine.iter().find(|m| m.measure_id == id).unwrap();
    assert_eq!((of(fresh).latest, of(fresh).stale), (Some(today), false));
    let latest = of(late).latest.expect("the demo has two years of actuals");
    assert!(latest <= today.plus_months(-3), "{latest}");
    assert!(of(late).stale, "{:?}", of(late));
    assert!(mine[0].stale, "overdue measures come first");

    // Someone who owns no measure gets an empty list; a visitor a 401.
    let viewer = w.cookie_for("viewer@northwind.example").await;
    let (status, body) = w.call(Some(&viewer), "my_measures", &[]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "[]"));
    let (status, _) = w.call(None, "my_measures", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
});

both_databases!(sign_in_follows_only_local_next_paths, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    // `next` exactly as a crafted link would carry it (already form-encoded).
    let cases = [
        ("%2Fmaps%2F1%3Fyear%3D2026", "/maps/1?year=2026"),
        ("/%09/evil.example", "/"),
        ("//evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("https://evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/%0D%0ASet-Cookie:%20x=1", "/"),
        ("/%0A/evil.example", "/"),
        ("/%C3%BCbersicht", "/%C3%BCbersicht"),
    ];
    for (next, expected) in cases {
        for accept in ["application/json", "text/html"] {
            let req = Request::post("/api/sign_in")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, accept)
                .body(Body::from(format!(
                    "email={}&password={}&next={next}",
                    urlencode(demo::DEMO_ADMIN_EMAIL),
                    urlencode(demo::DEMO_PASSWORD)
                )))
                .unwrap();
            let (status, headers, body) = w.send(req).await;
            assert!(
                status.is_success() || status.is_redirection(),
                "{next} ({accept}): {status} {body}"
            );
            assert_eq!(
                headers[header::LOCATION],
                expected,
                "next={next} ({accept})"
            );
        }
    }
    // The page gate passes on only what sign-in would follow.
    let (status, headers, _) = w
        .send(
            Request::get("/maps/abc?year=2026")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        "/signin?next=/maps/abc%3Fyear%3D2026"
    );
});

both_databases!(a_stalled_request_body_gets_408, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db.clone()).await;
    let cookie = w.cookie_for(demo::DEMO_ADMIN_EMAIL).await;
    let map = w.enterprise_map().await.map.id;
    let config =
        Config::from_lookup(|k| (k == "CAIRN_BODY_TIMEOUT").then(|| "0.5".into())).unwrap();
    let hub = server::hub::Hub::new(db.store.clone(), Arc::new(server::bus::InProcessBus::new()));
    let router = build_app(AppState::new(db.store.clone(), &config, hub));
    // A body that sends its first piece and then stalls.
    let stalled = |first: &'static str| {
        use futures_util::StreamExt;
        let piece = futures_util::stream::once(async move {
            Ok::<_, std::io::Error>(axum::body::Bytes::from_static(first.as_bytes()))
        });
        Body::from_stream(piece.chain(futures_util::stream::pending()))
    };
    let requests = [
        Request::post("/api/sign_in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, "100")
            .body(stalled("email=admin%40north"))
            .unwrap(),
        Request::post(format!("/imports/upload?map={map}&name=data.csv"))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_LENGTH, "1000")
            .body(stalled("measure,period,value\n"))
            .unwrap(),
    ];
    for req in requests {
        let path = req.uri().to_string();
        let res = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            router.clone().oneshot(req),
        )
        .await
        .unwrap_or_else(|_| panic!("{path}: a stalled body was waited for"))
        .unwrap();
        assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT, "{path}");
    }
    // A body that arrives whole is served as usual.
    let (status, _) = w
        .call(
            None,
            "sign_in",
            &[
                ("email", demo::DEMO_ADMIN_EMAIL.into()),
                ("password", demo::DEMO_PASSWORD.into()),
            ],
        )
        .await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
});

/// The raw JSON of a server function's answer, checked for anything that looks like an email.
fn assert_no_email(what: &str, body: &str) {
    assert!(
        !body.contains("email") && !body.contains("@northwind"),
        "{what} carries an email: {body}"
    );
}

both_databases!(map_documents_name_only_the_maps_people, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    let viewer = w.cookie_for("viewer@northwind.example").await;
    let robin =
        w.db.store
            .user_with_hash("viewer@northwind.example")
            .await
            .unwrap()
            .unwrap()
            .0;
    let map = w.enterprise_map().await;
    let form = [("map_id", map.map.id.to_string())];
    let (status, body) = w.call(Some(&viewer), "get_map", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_no_email("a viewer's map document", &body);
    let doc: MapDocument = serde_json::from_str(&body).unwrap();
    let mut sent: Vec<UserId> = doc.people.iter().map(|p| p.id).collect();
    sent.sort();
    let named = doc.named_people();
    assert!(named.len() >= 2, "the demo map names its owners");
    assert_eq!(sent, named, "exactly the people the map names");
    assert!(
        !sent.contains(&robin.id),
        "the viewer, named nowhere on the map, is not sent"
    );
    let everyone = w.db.store.users().await.unwrap();
    assert!(everyone.len() > sent.len(), "not the whole directory");
    for p in &doc.people {
        let user = everyone.iter().find(|u| u.id == p.id).unwrap();
        assert_eq!(p.name, user.name);
    }

    // The scorecard carries the same document.
    let (status, body) = w.call(Some(&viewer), "get_scorecard", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_no_email("a viewer's scorecard", &body);
    let card: ScorecardData = serde_json::from_str(&body).unwrap();
    assert_eq!(card.doc.people, doc.people);

    // Every page's header names the signed-in user, without their email.
    let (status, body) = w.call(Some(&viewer), "current_user", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Robin Vale"), "{body}");
    assert_no_email("the signed-in user", &body);
});

both_databases!(
    owner_candidates_are_the_people_with_a_role_on_the_unit,
    |db: Arc<common::TestDb>| async move {
        let w = World::new(db).await;
        let consulting = w.unit_map("Consulting").await;
        let managed = w.unit_map("Managed").await;
        let enterprise = w.enterprise_map().await;
        // Someone with a role on Managed Services only.
        let only_managed = User {
            id: UserId::new(),
            email: "only.managed@example.com".into(),
            name: "Only Managed".into(),
        };
        w.db.store.create_user(&only_managed, "x").await.unwrap();
        w.db.store
            .grant_role(only_managed.id, managed.org_unit.id, Role::Viewer)
            .await
            .unwrap();
        let admin = w.cookie_for(demo::DEMO_ADMIN_EMAIL).await;
        let candidates = |map: MapId| {
            let admin = admin.clone();
            let w = &w;
            async move {
                let (status, body) = w
                    .call(
                        Some(&admin),
                        "owner_candidates",
                        &[("map_id", map.to_string())],
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
                assert_no_email("the owner candidates", &body);
                serde_json::from_str::<Vec<Person>>(&body).unwrap()
            }
        };
        let names = |people: &[Person]| people.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        let on_managed = names(&candidates(managed.map.id).await);
        let on_consulting = names(&candidates(consulting.map.id).await);
        let on_enterprise = names(&candidates(enterprise.map.id).await);
        // A role held on the unit counts, and so does one inherited from the enterprise above it.
        assert!(
            on_managed.contains(&"Only Managed".to_string()),
            "{on_managed:?}"
        );
        assert!(
            on_managed.contains(&"Hannah Weber".to_string()),
            "{on_managed:?}"
        );
        assert!(
            on_managed.contains(&"Priya Raman".to_string()),
            "inherited: {on_managed:?}"
        );
        // A role on a sibling or a unit below does not.
        assert!(
            !on_consulting.contains(&"Only Managed".to_string()),
            "{on_consulting:?}"
        );
        assert!(
            on_consulting.contains(&"Tomás Alvarez".to_string()),
            "{on_consulting:?}"
        );
        assert!(
            !on_enterprise.contains(&"Only Managed".to_string()),
            "{on_enterprise:?}"
        );
        let mut sorted = on_managed.clone();
        sorted.sort();
        assert_eq!(on_managed, sorted, "by name");
    }
);

both_databases!(map_rights_follow_role_and_data_ownership, |db: Arc<
    common::TestDb,
>| async move {
    let w = World::new(db).await;
    let map = w.enterprise_map().await;
    let tomas =
        w.db.store
            .user_with_hash("tomas.alvarez@northwind.example")
            .await
            .unwrap()
            .unwrap()
            .0;
    assert!(
        map.measures
            .iter()
            .any(|m| m.data_owner_id == Some(tomas.id)),
        "Tomás, a viewer of the enterprise, reports some of its measures"
    );
    let form = [("map_id", map.map.id.to_string())];
    for (email, edit, enter_data) in [
        ("viewer@northwind.example", false, false),
        ("tomas.alvarez@northwind.example", false, true),
        ("contributor@northwind.example", false, true),
        ("editor@northwind.example", true, true),
    ] {
        let cookie = w.cookie_for(email).await;
        let (status, body) = w.call(Some(&cookie), "my_rights", &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let rights: MapRights = serde_json::from_str(&body).unwrap();
        assert_eq!(rights, MapRights { edit, enter_data }, "{email}");
        let (_, body) = w.call(Some(&cookie), "get_scorecard", &form).await;
        let card: ScorecardData = serde_json::from_str(&body).unwrap();
        assert_eq!(
            card.rights, rights,
            "the scorecard says the same for {email}"
        );
    }
});

both_databases!(
    unknown_addresses_answer_404_with_the_apps_page,
    |db: Arc<common::TestDb>| async move {
        let w = World::new(db).await;
        let admin = w.cookie_for(demo::DEMO_ADMIN_EMAIL).await;
        let get = |path: String, cookie: Option<String>| {
            let w = &w;
            async move {
                let mut req = Request::get(path);
                if let Some(c) = cookie {
                    req = req.header(header::COOKIE, c);
                }
                w.send(req.body(Body::empty()).unwrap()).await
            }
        };
        // Any unknown address: the app's own page with a 404, the signed-in header kept.
        let (status, _, body) = get("/no/such/page".into(), Some(admin.clone())).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert!(body.contains("Page not found"), "{body}");
        assert!(body.contains("Alex Morgan"), "the signed-in header: {body}");
        assert!(body.contains("Sign out"), "{body}");
        // Signed out too (no 500).
        let (status, _, body) = get("/no/such/page".into(), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert!(body.contains("Page not found"), "{body}");

        // A page of an item that does not exist answers 404, not 200.
        let missing = uuid::Uuid::now_v7();
        for path in [
            format!("/maps/{missing}"),
            format!("/maps/{missing}/scorecard"),
            format!("/maps/{missing}/data"),
            format!("/maps/{missing}/import"),
            format!("/dashboards/{missing}"),
            format!("/dashboards/{missing}/edit"),
            format!("/units/{missing}/dashboards"),
            "/maps/not-an-id".to_string(),
        ] {
            let (status, _, body) = get(path.clone(), Some(admin.clone())).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
            assert!(body.contains("Alex Morgan"), "{path} keeps the header");
        }
        // Someone without a role on the map gets 403; a known map still answers 200.
        let outsider = User {
            id: UserId::new(),
            email: "outsider@example.com".into(),
            name: "Out Sider".into(),
        };
        w.db.store.create_user(&outsider, "x").await.unwrap();
        let outsider = w.cookie_for("outsider@example.com").await;
        let map = w.enterprise_map().await;
        let (status, _, _) = get(format!("/maps/{}", map.map.id), Some(outsider)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        for path in [
            format!("/maps/{}", map.map.id),
            format!("/maps/{}/scorecard", map.map.id),
            format!("/maps/{}/data", map.map.id),
        ] {
            let (status, _, body) = get(path.clone(), Some(admin.clone())).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
        }
    }
);

both_databases!(a_delete_says_what_it_takes_with_it, |db: Arc<
    common::TestDb,
>| async move {
    use app::domain::impact::DeleteImpact;
    let w = World::new(db).await;
    let editor = w.cookie_for("editor@northwind.example").await;
    let top = w.enterprise_map().await;
    let managed = w.unit_map("Managed").await;
    // An enterprise objective that Managed Services objectives support.
    let parent = managed.alignments[0].parent_objective_id;
    let supported_by = managed
        .alignments
        .iter()
        .filter(|a| a.parent_objective_id == parent)
        .count();
    let (status, body) = call_json(
        &w,
        &editor,
        "delete_impact",
        serde_json::json!({ "map_id": top.map.id, "objective_ids": [parent] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let impact: DeleteImpact = serde_json::from_str(&body).unwrap();
    let title = &top
        .objectives
        .iter()
        .find(|o| o.id == parent)
        .unwrap()
        .title;
    assert_eq!(impact.objectives, vec![title.clone()]);
    let links = top
        .links
        .iter()
        .filter(|l| l.from_id == parent || l.to_id == parent)
        .count();
    assert_eq!(impact.links, links);
    let expected = app::domain::impact::count(supported_by, "alignment", "alignments");
    assert!(
        impact
            .lines()
            .contains(&format!("Also removes {expected} from Managed Services.")),
        "{:?}",
        impact.lines()
    );
    // Asking changes nothing.
    assert_eq!(w.enterprise_map().await.objectives, top.objectives);

    // Every objective must be on the map; at least one is named.
    let (status, body) = call_json(
        &w,
        &editor,
        "delete_impact",
        serde_json::json!({ "map_id": top.map.id, "objective_ids": [managed.objectives[0].id] }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = call_json(
        &w,
        &editor,
        "delete_impact",
        serde_json::json!({ "map_id": top.map.id, "objective_ids": [] }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
});
