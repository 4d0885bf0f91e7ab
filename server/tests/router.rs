//! Router tests through `tower::ServiceExt::oneshot`: sign-in, page gating, health, and the role
//! matrix of every server function (on SQLite and PostgreSQL).

use crate::common;

use common::{Db, Input, TestApp, ADMIN, EDITOR, OUTSIDER, TOMAS, VIEWER};

use app::domain::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;

/// Signs in through the form as a browser (`text/html`) or a script (`application/json`) would,
/// with `next` as it stands in the form (already encoded) if given.
async fn sign_in(app: &TestApp, email: &str, next: Option<&str>, accept: &str) -> common::Reply {
    sign_in_with(app, email, server::demo::DEMO_PASSWORD, next, accept).await
}

/// Like [`sign_in`], with any password.
async fn sign_in_with(
    app: &TestApp,
    email: &str,
    password: &str,
    next: Option<&str>,
    accept: &str,
) -> common::Reply {
    let mut form = format!(
        "email={}&password={}",
        common::urlencode(email),
        common::urlencode(password)
    );
    if let Some(next) = next {
        form.push_str(&format!("&next={next}"));
    }
    app.post("/api/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, accept)
        .body(form)
        .reply()
        .await
}

// Building a server lists the app's routes, which once paused resource loading process-wide: a
// page rendering at that moment never answered (leptos-rs/leptos#4773). Pages must answer while
// other servers start in the same process.
both_databases!(
    pages_answer_while_other_servers_start,
    |db: Db| async move {
        let app = TestApp::demo(db.clone()).await;
        let cookie = app.cookie(ADMIN).await;
        let map = app.enterprise_map().await;
        let starting = tokio::spawn(async move {
            for _ in 0..30 {
                TestApp::start(db.clone()).await.shutdown().await;
            }
        });
        for _ in 0..30 {
            let (status, body) = app
                .get(&format!("/maps/{}", map.map.id))
                .cookie(&cookie)
                .await;
            assert_eq!(status, StatusCode::OK);
            assert!(body.contains("<svg"), "the map is server-rendered");
        }
        starting.await.unwrap();
    }
);

both_databases!(health_and_page_gating, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("\"ok\""));

    let reply = app.get("/maps/abc").reply().await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers[header::LOCATION], "/signin?next=/maps/abc");
    assert!(reply.headers.contains_key("x-request-id"));

    let (status, body) = app.get("/signin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("name=\"password\""));

    let cookie = app.cookie(ADMIN).await;
    let map = app.enterprise_map().await;
    let (status, body) = app
        .get(&format!("/maps/{}", map.map.id))
        .cookie(&cookie)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<svg"), "the map is server-rendered");
    assert!(body.contains(&map.objectives[0].title.replace('&', "&amp;")));

    // The cascade workshop of a unit map: both maps rendered on the server, side by side.
    let unit_map = common::map_of_unit(&app.store, "Managed Services").await;
    let (status, body) = app
        .get(&format!("/maps/{}/workshop", unit_map.map.id))
        .cookie(&cookie)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body.matches("class=\"strategy-map editable").count(),
        2,
        "two canvases"
    );
    assert!(body.contains("parent-pane") && body.contains("unit-pane"));
    assert!(body.contains(&unit_map.objectives[0].title.replace('&', "&amp;")));
    assert!(body.contains(&map.objectives[0].title.replace('&', "&amp;")));
});

both_databases!(
    sign_in_sets_a_safe_cookie_and_rejects_wrong_passwords,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let wrong = [
            ("email", ADMIN.into()),
            ("password", "wrong password".into()),
        ];
        let (status, body) = app.call(None, "sign_in", &wrong).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.contains("BadCredentials"), "{body}");
        let empty = [("email", "".into()), ("password", "".into())];
        let (status, body) = app.call(None, "sign_in", &empty).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        let reply = sign_in(&app, "ADMIN@northwind.example", None, "application/json").await;
        let status = reply.status;
        assert!(status.is_success() || status.is_redirection(), "{status}");
        let cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
        assert!(
            cookie.starts_with("cairn_session=")
                && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let session = cookie.split(';').next().unwrap();
        let (status, body) = app.call(Some(session), "current_user", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Alex Morgan"), "{body}");

        app.sign_out(session).await;
        let (_, body) = app.call(Some(session), "current_user", &[]).await;
        assert_eq!(body.trim(), "null", "the session ended");
    }
);

both_databases!(role_matrix_of_every_server_function, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let cookies = app.role_cookies().await;
    let map = app.enterprise_map().await;
    let root = map.map.org_unit_id;
    let measure_id = map.measures[0].id;
    let of_map = || Input::Form(vec![("map_id", map.map.id.to_string())]);
    let span = |history: &str| {
        let map = map.map.id;
        Input::Encoded(format!(
            "map_id={map}&kind=month&period=2026-09&history={history}"
        ))
    };

    // Expected status per person: anonymous, outsider (no role), viewer, contributor, editor,
    // admin.
    let readers = [401, 403, 200, 200, 200, 200];
    let editors = [401, 403, 403, 403, 200, 200];
    let matrix: Vec<(&str, [u16; 6], Input)> = vec![
        (
            "org_tree",
            [401, 200, 200, 200, 200, 200],
            Input::Form(vec![]),
        ),
        // Anyone may choose the language they are spoken to in; it touches only their own row.
        (
            "set_language",
            [200; 6],
            Input::Form(vec![("lang", String::new())]),
        ),
        ("get_map", readers, of_map()),
        ("get_scorecard", readers, of_map()),
        ("my_rights", readers, of_map()),
        ("get_score_data", readers, of_map()),
        ("get_scores", readers, span("3")),
        (
            "explain_score",
            readers,
            Input::Json(json!({
                "map_id": map.map.id, "kind": "month", "period": "2026-09",
                "subject": { "kind": "map" },
            })),
        ),
        ("owner_candidates", editors, of_map()),
        (
            "record_actual",
            [401, 403, 403, 200, 200, 200],
            Input::Encoded(format!(
                "measure_id={measure_id}&period=2026-11&value=42&note="
            )),
        ),
        (
            "create_objective",
            editors,
            Input::Form(objective_form(&map, "Open a new region")),
        ),
        (
            "create_map",
            editors,
            Input::Form(vec![
                ("org_unit_id", root.to_string()),
                ("name", "Draft 2028".into()),
                ("period_start", "2028-01".into()),
                ("period_end", "2028-12".into()),
            ]),
        ),
        // Only those who may edit the map learn what a delete takes.
        (
            "delete_impact",
            editors,
            Input::Json(json!({ "map_id": map.map.id, "objective_ids": [map.objectives[0].id] })),
        ),
    ];
    for (function, expected, input) in &matrix {
        for (who, cookie) in cookies.iter().enumerate() {
            let objectives = app.enterprise_map().await.objectives.len();
            let maps = app.store.map_summaries().await.unwrap().len();
            let (status, body) = app.call_input(cookie.as_deref(), function, input).await;
            assert_eq!(
                status.as_u16(),
                expected[who],
                "{function} as role #{who}: {body}"
            );
            if status == StatusCode::FORBIDDEN {
                assert!(
                    body.contains("Forbidden") && common::said(&body).contains("role"),
                    "a clear 403 message: {body}"
                );
                assert_eq!(app.enterprise_map().await.objectives.len(), objectives);
                assert_eq!(app.store.map_summaries().await.unwrap().len(), maps);
            }
        }
    }

    // create_link: every role tries a distinct, not yet linked pair, so only the role decides.
    let doc = app.enterprise_map().await;
    let linked =
        |x: ObjectiveId, y: ObjectiveId| doc.links.iter().any(|l| (l.from_id, l.to_id) == (x, y));
    let mut pairs = doc
        .objectives
        .iter()
        .flat_map(|x| doc.objectives.iter().map(move |y| (x.id, y.id)))
        .filter(|(x, y)| x != y && !linked(*x, *y));
    for (who, cookie) in cookies.iter().enumerate() {
        let (from, to) = pairs.next().unwrap();
        let form = link_form(map.map.id, from, to);
        let before = app.enterprise_map().await.links.len();
        let (status, body) = app.call(cookie.as_deref(), "create_link", &form).await;
        assert_eq!(
            status.as_u16(),
            editors[who],
            "create_link as role #{who}: {body}"
        );
        let after = app.enterprise_map().await.links.len();
        assert_eq!(after, before + usize::from(status == StatusCode::OK));
    }
});

/// The form of `create_objective` on the first perspective of `doc`.
fn objective_form(doc: &MapDocument, title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("map_id", doc.map.id.to_string()),
        ("perspective_id", doc.perspectives[0].id.to_string()),
        ("title", title.into()),
        ("x", "300".into()),
        ("y", "100".into()),
    ]
}

/// The form of `create_link` from `from` to `to` on `map`.
fn link_form(map: MapId, from: ObjectiveId, to: ObjectiveId) -> Vec<(&'static str, String)> {
    vec![
        ("map_id", map.to_string()),
        ("from_id", from.to_string()),
        ("to_id", to.to_string()),
        ("hypothesis", "".into()),
    ]
}

both_databases!(unit_leads_cannot_touch_other_units, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let consulting = app.map_named("Consulting").await;
    let managed = app.map_named("Managed").await;
    // Find the Managed Services lead: the editor of that unit.
    let lead_cookie = {
        let mut found = None;
        for u in app.store.users().await.unwrap() {
            let grants = app.store.grants_of(u.id).await.unwrap();
            if grants
                .iter()
                .any(|(_, unit, role)| *unit == managed.map.org_unit_id && *role == Role::Editor)
            {
                found = Some(app.cookie(&u.email).await);
            }
        }
        found.expect("the demo has a Managed Services editor")
    };
    let lead = Some(lead_cookie.as_str());
    let form = objective_form(&consulting, "Take over consulting");
    let (status, body) = app.call(lead, "create_objective", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body.contains("Consulting"),
        "the message names the unit: {body}"
    );
    let own = objective_form(&managed, "Grow managed revenue");
    let (status, body) = app.call(lead, "create_objective", &own).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Bad input gets a specific message and changes nothing.
    let empty_title = objective_form(&managed, "");
    let (status, body) = app.call(lead, "create_objective", &empty_title).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("Empty"), "{body}");
    let not_an_id = [("map_id", "not-a-uuid".into())];
    let (status, body) = app.call(lead, "create_objective", &not_an_id).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // A link from a unit objective to an enterprise objective is refused as a cross-map link.
    let enterprise = app.enterprise_map().await;
    let (from, to) = (managed.objectives[0].id, enterprise.objectives[0].id);
    let link = link_form(managed.map.id, from, to);
    let (status, body) = app.call(lead, "create_link", &link).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("LinkAcrossMaps"), "{body}");
});

fn actual_json(measure: MeasureId, period: &str, value: f64) -> serde_json::Value {
    json!({
        "measure_id": measure, "period": period, "value": value, "note": "",
        "entered_by": null, "entered_at": "", "source": "manual"
    })
}

both_databases!(
    data_grid_rights_and_one_transaction_per_save,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let map = app.enterprise_map().await;
        let (from, to): (Period, Period) = ("2026-01".parse().unwrap(), "2026-12".parse().unwrap());
        let tomas = app.user(TOMAS).await;
        let cookie = app.cookie(TOMAS).await;
        let grid_of = |year: &str| vec![("map_id", map.map.id.to_string()), ("year", year.into())];

        // The grid says which measures a viewer who owns some of them may enter.
        let (status, body) = app
            .call(Some(&cookie), "get_data_grid", &grid_of("2026"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let grid: app::api::DataGrid = body.parse();
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
            let store = &app.store;
            store.actuals_between(map.map.id, from, to).await.unwrap()
        };
        let has_actual = |actuals: Vec<Actual>, measure: MeasureId| {
            let nov = "2026-11".parse::<Period>().unwrap();
            actuals
                .iter()
                .any(|a| a.measure_id == measure && a.period == nov)
        };
        let before = actuals_now().await;
        let save = |cookie: &str, batch: serde_json::Value| {
            let cookie = cookie.to_string();
            let app = &app;
            async move {
                let args = json!({ "batch": batch });
                app.call_json(Some(&cookie), "save_data", args).await
            }
        };

        // One forbidden cell refuses the whole save: nothing is half-written.
        let two = [
            actual_json(own, "2026-11", 7.0),
            actual_json(other, "2026-11", 99.0),
        ];
        let (status, body) = save(&cookie, json!({ "actuals": two })).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(
            common::said(&body).contains("data owner"),
            "the refusal says why: {body}"
        );
        assert_eq!(actuals_now().await, before);

        // A target is an editor's: refused.
        let target =
            json!({ "measure_id": own, "period": "2026-11", "goal": 10.0, "red_flag": 5.0 });
        let (status, body) = save(&cookie, json!({ "targets": [target] })).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

        // Their own measure: saved with who and when set by the server, whatever the client sent.
        let mut forged = actual_json(own, "2026-11", 7.0);
        forged["entered_by"] = json!(UserId::new());
        forged["source"] = json!("api");
        let (status, body) = save(&cookie, json!({ "actuals": [forged] })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let out: DataOutcome = body.parse();
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
        let editor = app.cookie(EDITOR).await;
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
        let clear = json!([{ "measure_id": own, "period": "2026-11" }]);
        let batch = json!({ "targets": filled, "clear_actuals": clear });
        let (status, body) = save(&editor, batch).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let out: DataOutcome = body.parse();
        assert_eq!((out.targets_written, out.cleared), (12, 1));
        let year: Vec<Target> = app
            .store
            .targets_between(map.map.id, months[0], months[11])
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.measure_id == own)
            .collect();
        assert_eq!(year.len(), 12);
        assert_eq!((year[0].goal, year[0].red_flag), (21.0, 17.0));
        assert_eq!((year[11].goal, year[11].red_flag), (32.0, 28.0));
        assert!(!has_actual(actuals_now().await, own));

        // A bad target in a batch of good ones: 422, and none of the batch is written.
        let bad = json!({ "measure_id": own, "period": "2027-01", "goal": 9.0, "red_flag": 9.0 });
        let good = actual_json(other, "2026-11", 55.0);
        let (status, body) = save(&editor, json!({ "actuals": [good], "targets": [bad] })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(!has_actual(actuals_now().await, other));
        let jan = app
            .store
            .targets_between(map.map.id, months[0], months[0])
            .await;
        let jan: Vec<Target> = jan.unwrap();
        assert!(jan.iter().any(|t| t.measure_id == own && t.goal == 21.0));

        // An unreadable year is a clear 400.
        let (status, body) = app
            .call(Some(&editor), "get_data_grid", &grid_of("12345"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(common::said(&body).contains("Choose a year"), "{body}");
    }
);

both_databases!(
    owners_see_their_measures_and_what_is_overdue,
    |db: Db| async move {
        let (app, cookie) = TestApp::demo_signed_in(db, TOMAS).await;
        let tomas = app.user(TOMAS).await;
        let today = app::store::current_period();
        let fetch = || async {
            let (status, body) = app.call(Some(&cookie), "my_measures", &[]).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body.parse::<Vec<OwnedMeasure>>()
        };
        let mine = fetch().await;
        // Every measure of every map whose data Tomás owns, formula measures left out.
        let mut expected = Vec::new();
        for (_, summary) in app.store.map_summaries().await.unwrap() {
            let doc = app.store.map_document(summary.id).await.unwrap();
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
        let args = json!({ "batch": batch });
        let (status, body) = app.call_json(Some(&cookie), "save_data", args).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let mine = fetch().await;
        let of = |id: MeasureId| mine.iter().find(|m| m.measure_id == id).unwrap();
        assert_eq!((of(fresh).latest, of(fresh).stale), (Some(today), false));
        let latest = of(late).latest.expect("the demo has two years of actuals");
        assert!(latest <= today.plus_months(-3), "{latest}");
        assert!(of(late).stale, "{:?}", of(late));
        assert!(mine[0].stale, "overdue measures come first");

        // Someone who owns no measure gets an empty list; a visitor a 401.
        let viewer = app.cookie(VIEWER).await;
        let (status, body) = app.call(Some(&viewer), "my_measures", &[]).await;
        assert_eq!((status, &*body), (StatusCode::OK, "[]"));
        let (status, _) = app.call(None, "my_measures", &[]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
);

both_databases!(sign_in_follows_only_local_next_paths, |db: Db| async move {
    let app = TestApp::demo(db).await;
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
            let reply = sign_in(&app, ADMIN, Some(next), accept).await;
            let (status, body) = (reply.status, &reply.body);
            assert!(
                status.is_success() || status.is_redirection(),
                "{next} ({accept}): {status} {body}"
            );
            assert_eq!(
                reply.headers[header::LOCATION],
                expected,
                "next={next} ({accept})"
            );
        }
    }
    // The page gate passes on only what sign-in would follow.
    let reply = app.get("/maps/abc?year=2026").reply().await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.headers[header::LOCATION],
        "/signin?next=/maps/abc%3Fyear%3D2026"
    );
});

both_databases!(a_stalled_request_body_gets_408, |db: Db| async move {
    common::load_demo(&db.store).await;
    let app = TestApp::setup(db)
        .var("CAIRN_BODY_TIMEOUT", "0.5")
        .start()
        .await;
    let cookie = app.cookie(ADMIN).await;
    let map = app.enterprise_map().await.map.id;
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
        let reply = tokio::time::timeout(std::time::Duration::from_secs(10), app.send(req))
            .await
            .unwrap_or_else(|_| panic!("{path}: a stalled body was waited for"));
        assert_eq!(reply.status, StatusCode::REQUEST_TIMEOUT, "{path}");
    }
    // A body that arrives whole is served as usual.
    let form = [
        ("email", ADMIN.into()),
        ("password", server::demo::DEMO_PASSWORD.into()),
    ];
    let (status, _) = app.call(None, "sign_in", &form).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
});

/// The raw JSON of a server function's answer, checked for anything that looks like an email.
fn assert_no_email(what: &str, body: &str) {
    assert!(
        !body.contains("email") && !body.contains("@northwind"),
        "{what} carries an email: {body}"
    );
}

both_databases!(
    map_documents_name_only_the_maps_people,
    |db: Db| async move {
        let (app, viewer) = TestApp::demo_signed_in(db, VIEWER).await;
        let robin = app.user(VIEWER).await;
        let map = app.enterprise_map().await;
        let form = [("map_id", map.map.id.to_string())];
        let (status, body) = app.call(Some(&viewer), "get_map", &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_no_email("a viewer's map document", &body);
        let doc: MapDocument = body.parse();
        let mut sent: Vec<UserId> = doc.people.iter().map(|p| p.id).collect();
        sent.sort();
        let named = doc.named_people();
        assert!(named.len() >= 2, "the demo map names its owners");
        assert_eq!(sent, named, "exactly the people the map names");
        assert!(
            !sent.contains(&robin.id),
            "the viewer, named nowhere on the map, is not sent"
        );
        let everyone = app.store.users().await.unwrap();
        assert!(everyone.len() > sent.len(), "not the whole directory");
        for p in &doc.people {
            let user = everyone.iter().find(|u| u.id == p.id).unwrap();
            assert_eq!(p.name, user.name);
        }

        // The scorecard carries the same document.
        let (status, body) = app.call(Some(&viewer), "get_scorecard", &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_no_email("a viewer's scorecard", &body);
        let card: ScorecardData = body.parse();
        assert_eq!(card.doc.people, doc.people);

        // Every page's header names the signed-in user, without their email.
        let (status, body) = app.call(Some(&viewer), "current_user", &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("Robin Vale"), "{body}");
        assert_no_email("the signed-in user", &body);
    }
);

both_databases!(
    owner_candidates_are_the_people_with_a_role_on_the_unit,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let consulting = app.map_named("Consulting").await;
        let managed = app.map_named("Managed").await;
        let enterprise = app.enterprise_map().await;
        // Someone with a role on Managed Services only.
        let viewer_of_managed = Some((managed.org_unit.id, Role::Viewer));
        let email = "only.managed@example.com";
        common::add_user(&app.store, email, "Only Managed", viewer_of_managed).await;
        let admin = app.cookie(ADMIN).await;
        let candidates = |map: MapId| {
            let (admin, app) = (admin.clone(), &app);
            async move {
                let form = [("map_id", map.to_string())];
                let (status, body) = app.call(Some(&admin), "owner_candidates", &form).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                assert_no_email("the owner candidates", &body);
                body.parse::<Vec<Person>>()
            }
        };
        let names = |people: &[Person]| people.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        let on_managed = names(&candidates(managed.map.id).await);
        let on_consulting = names(&candidates(consulting.map.id).await);
        let on_enterprise = names(&candidates(enterprise.map.id).await);
        let has = |names: &[String], name: &str| names.iter().any(|n| n == name);
        // A role held on the unit counts, and so does one inherited from the enterprise above it.
        assert!(has(&on_managed, "Only Managed"), "{on_managed:?}");
        assert!(has(&on_managed, "Hannah Weber"), "{on_managed:?}");
        assert!(has(&on_managed, "Priya Raman"), "inherited: {on_managed:?}");
        // A role on a sibling or a unit below does not.
        assert!(!has(&on_consulting, "Only Managed"), "{on_consulting:?}");
        assert!(has(&on_consulting, "Tomás Alvarez"), "{on_consulting:?}");
        assert!(!has(&on_enterprise, "Only Managed"), "{on_enterprise:?}");
        let mut sorted = on_managed.clone();
        sorted.sort();
        assert_eq!(on_managed, sorted, "by name");
    }
);

both_databases!(
    map_rights_follow_role_and_data_ownership,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let map = app.enterprise_map().await;
        let tomas = app.user(TOMAS).await;
        assert!(
            map.measures
                .iter()
                .any(|m| m.data_owner_id == Some(tomas.id)),
            "Tomás, a viewer of the enterprise, reports some of its measures"
        );
        let form = [("map_id", map.map.id.to_string())];
        for (email, edit, enter_data) in [
            (VIEWER, false, false),
            (TOMAS, false, true),
            (common::CONTRIBUTOR, false, true),
            (EDITOR, true, true),
        ] {
            let cookie = app.cookie(email).await;
            let (status, body) = app.call(Some(&cookie), "my_rights", &form).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let rights: MapRights = body.parse();
            assert_eq!(rights, MapRights { edit, enter_data }, "{email}");
            let (_, body) = app.call(Some(&cookie), "get_scorecard", &form).await;
            let card: ScorecardData = body.parse();
            assert_eq!(
                card.rights, rights,
                "the scorecard says the same for {email}"
            );
        }
    }
);

both_databases!(
    unknown_addresses_answer_404_with_the_apps_page,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        // Any unknown address: the app's own page with a 404, the signed-in header kept.
        let (status, body) = app.get("/no/such/page").cookie(&admin).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert!(body.contains("Page not found"), "{body}");
        assert!(body.contains("Alex Morgan"), "the signed-in header: {body}");
        assert!(body.contains("Sign out"), "{body}");
        // Signed out too (no 500).
        let (status, body) = app.get("/no/such/page").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert!(body.contains("Page not found"), "{body}");

        // A page of an item that does not exist answers 404, not 200.
        let missing = uuid::Uuid::now_v7();
        for path in [
            format!("/maps/{missing}"),
            format!("/maps/{missing}/scorecard"),
            format!("/maps/{missing}/data"),
            format!("/maps/{missing}/import"),
            format!("/maps/{missing}/workshop"),
            format!("/dashboards/{missing}"),
            format!("/dashboards/{missing}/edit"),
            format!("/units/{missing}/dashboards"),
            "/maps/not-an-id".to_string(),
        ] {
            let (status, body) = app.get(&path).cookie(&admin).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
            assert!(body.contains("Alex Morgan"), "{path} keeps the header");
        }
        // Someone without a role on the map gets 403; a known map still answers 200.
        common::add_outsider(&app.store).await;
        let outsider = app.cookie(OUTSIDER).await;
        let map = app.enterprise_map().await.map.id;
        let (status, _) = app.get(&format!("/maps/{map}")).cookie(&outsider).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        for path in [
            format!("/maps/{map}"),
            format!("/maps/{map}/scorecard"),
            format!("/maps/{map}/data"),
        ] {
            let (status, body) = app.get(&path).cookie(&admin).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
        }
    }
);

both_databases!(a_delete_says_what_it_takes_with_it, |db: Db| async move {
    use app::domain::impact::DeleteImpact;
    let app = TestApp::demo(db).await;
    let editor = app.cookie(EDITOR).await;
    let top = app.enterprise_map().await;
    let managed = app.map_named("Managed").await;
    let impact_of = |objectives: Vec<ObjectiveId>| {
        let args = json!({ "map_id": top.map.id, "objective_ids": objectives });
        app.call_json(Some(&editor), "delete_impact", args)
    };
    // An enterprise objective that Managed Services objectives support.
    let parent = managed.alignments[0].parent_objective_id;
    let supported_by = managed
        .alignments
        .iter()
        .filter(|a| a.parent_objective_id == parent)
        .count();
    let (status, body) = impact_of(vec![parent]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let impact: DeleteImpact = body.parse();
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
            .lines(app::i18n::Locale::en)
            .contains(&format!("Also removes {expected} from Managed Services.")),
        "{:?}",
        impact.lines(app::i18n::Locale::en)
    );
    // Asking changes nothing.
    assert_eq!(app.enterprise_map().await.objectives, top.objectives);

    // Every objective must be on the map; at least one is named.
    let (status, body) = impact_of(vec![managed.objectives[0].id]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = impact_of(vec![]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
});

both_databases!(
    sign_in_and_home_work_without_the_browser_bundle,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let cookie = app.cookie(ADMIN).await;
        let (_, signin) = app.get("/signin").await;
        let (_, home) = app.get("/").cookie(&cookie).await;
        let map = app.enterprise_map().await;
        let (_, map_page) = app
            .get(&format!("/maps/{}", map.map.id))
            .cookie(&cookie)
            .await;
        for (name, page) in [("sign-in", &signin), ("home", &home)] {
            assert!(
                !page.contains(".wasm") && !page.contains("hydrate"),
                "{name} loads no bundle"
            );
            assert!(page.contains("data-ready"), "{name} is ready as it arrives");
            assert!(
                page.contains("action=\"/api/set_language\""),
                "{name} has the language menu"
            );
        }
        assert!(signin.contains("action=\"/api/sign_in\""), "a plain form");
        assert!(home.contains("action=\"/api/sign_out\""), "a plain form");
        assert!(
            map_page.contains("hydrate") && !map_page.contains("data-ready"),
            "the map hydrates"
        );

        // A refused plain-form sign-in comes back to the form, saying why, keeping `next`.
        let reply = sign_in_with(&app, ADMIN, "wrong password", Some("/maps/x"), "text/html").await;
        assert_eq!(reply.status, StatusCode::FOUND);
        assert_eq!(
            reply.headers[header::LOCATION],
            "/signin?error=credentials&next=/maps/x"
        );
        assert!(!reply.headers.contains_key(header::SET_COOKIE));
        let (_, page) = app.get("/signin?error=credentials&next=/maps/x").await;
        assert!(page.contains("role=\"alert\""), "the form says why: {page}");
        // A script gets the error itself.
        let reply = sign_in_with(&app, ADMIN, "wrong password", None, "application/json").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
);
