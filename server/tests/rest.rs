//! REST API v1 tests through `oneshot` on SQLite and PostgreSQL: token authentication (401),
//! scopes and read-only tokens (403), unknown things (404), malformed input (400), row
//! validation with details (422), idempotent batch upserts that publish "scores changed" on the
//! bus (PostgreSQL: through LISTEN/NOTIFY), scores that move after a posted actual, the OpenAPI
//! document and docs page, and the token management role matrix through the server functions.

use crate::common;

use common::{Db, TestApp, Text, ADMIN, CONTRIBUTOR, EDITOR, VIEWER};

use app::api::rest_types::*;
use app::auth;
use app::domain::ops::ServerMsg;
use app::domain::*;
use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;

/// The demo company with last month as its current month, served with the database's own bus
/// (PostgreSQL tests go through LISTEN/NOTIFY).
async fn rest_app(db: Db) -> TestApp {
    common::load_demo_at(&db.store, app::store::current_period().plus_months(-1)).await;
    TestApp::setup(db).database_bus().start().await
}

/// The REST app with a token (`can_write` or read-only) for the enterprise map's unit: the
/// app, the enterprise map and the token's secret.
async fn with_token(db: Db, name: &str, can_write: bool) -> (TestApp, MapDocument, String) {
    let app = rest_app(db).await;
    let enterprise = app.enterprise_map().await;
    let secret = app.token(name, vec![enterprise.map.org_unit_id], can_write);
    let secret = secret.await;
    (app, enterprise, secret)
}

/// Posts a batch of actuals with the API token `token`.
async fn post(app: &TestApp, token: &str, batch: &Value) -> (StatusCode, Text) {
    app.post(ACTUALS).bearer(token).json(batch).await
}

/// A batch of the actuals `rows`.
fn actuals(rows: &[Value]) -> Value {
    json!({ "actuals": rows })
}

/// A JSON string's text (empty when it is not a string).
fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// Where batches of actuals are posted.
const ACTUALS: &str = "/api/v1/actuals";

/// Whether `measure` has no actual in `period` (nothing was written).
async fn no_actual(app: &TestApp, measure: MeasureId, period: &str) -> bool {
    let actuals = app.store.actuals(measure).await.unwrap();
    actuals.iter().all(|a| a.period.to_string() != period)
}

fn row(measure: MeasureId, period: &str, value: f64) -> Value {
    json!({"measure_id": measure, "period": period, "value": value})
}

fn code(body: &Text) -> &str {
    body["code"].as_str().unwrap_or_default()
}

both_databases!(
    missing_malformed_unknown_and_revoked_tokens_get_401,
    |db: Db| async move {
        let (app, _, secret) = with_token(db, "ERP", true).await;
        let cases: Vec<(Option<String>, &str)> = vec![
            (None, "Send an API token"),
            (Some("Basic dXNlcjpwYXNz".into()), "must read"),
            (Some("Bearer".into()), "must read"),
            (Some(format!("Bearer {secret} extra")), "must read"),
            (Some("Bearer cairn_0000".into()), "not known"),
        ];
        for (header_value, says) in cases {
            let mut req = app.get("/api/v1/maps");
            if let Some(h) = &header_value {
                req = req.header(header::AUTHORIZATION, h);
            }
            let common::Reply {
                status,
                headers,
                body,
                ..
            } = req.reply().await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{header_value:?}: {body}");
            assert_eq!(code(&body), "unauthorized");
            assert!(text(&body["message"]).contains(says), "{body}");
            assert!(body["details"].is_array());
            assert!(headers[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .starts_with("Bearer"));
        }
        // The valid token works, and its use is recorded.
        let (status, body) = app.get("/api/v1/maps").bearer(&secret).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let stored = app.store.api_tokens().await.unwrap();
        assert!(stored[0].last_used_at.is_some());
        // Revoked: 401 on every endpoint, writes included, and nothing is written.
        app.store
            .revoke_api_token(stored[0].id, None)
            .await
            .unwrap();
        let (status, body) = app.get("/api/v1/maps").bearer(&secret).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(text(&body["message"]).contains("revoked"), "{body}");
        let measure = app.map_named("Northwind").await.measures[0].id;
        let (status, _) = post(&app, &secret, &actuals(&[row(measure, "2024-01", 1.0)])).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(no_actual(&app, measure, "2024-01").await);
    }
);

both_databases!(scopes_and_read_only_tokens_get_403, |db: Db| async move {
    let app = rest_app(db).await;
    let enterprise = app.map_named("Northwind").await;
    let consulting = app.map_named("Consulting").await;
    let scoped = app
        .token("Consulting feed", vec![consulting.map.org_unit_id], true)
        .await;
    let reader = app
        .token("BI reader", vec![enterprise.map.org_unit_id], false)
        .await;

    // Reading: the scope covers the unit's maps only, not its parent's.
    let (status, body) = app.get("/api/v1/maps").bearer(&scoped).await;
    assert_eq!(status, StatusCode::OK);
    let maps: MapList = body.parse();
    assert_eq!(
        maps.maps.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![consulting.map.id]
    );
    let (_, body) = app.get("/api/v1/maps").bearer(&reader).await;
    assert_eq!(
        body.parse::<MapList>().maps.len(),
        3,
        "a root scope covers the subtree"
    );
    let uri = format!("/api/v1/measures/{}", enterprise.measures[0].id);
    let (status, body) = app.get(&uri).bearer(&scoped).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "forbidden");
    let uri = format!("/api/v1/maps/{}/scores", enterprise.map.id);
    let (status, _) = app.get(&uri).bearer(&scoped).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let uri = format!("/api/v1/measures?map_id={}", enterprise.map.id);
    let (status, _) = app.get(&uri).bearer(&scoped).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app.get("/api/v1/measures").bearer(&scoped).await;
    assert_eq!(status, StatusCode::OK);
    let listed: MeasureList = body.parse();
    assert_eq!(listed.measures.len(), consulting.measures.len());
    assert!(listed
        .measures
        .iter()
        .all(|m| m.map_id == consulting.map.id && m.writable));
    let uri = format!("/api/v1/measures?unit_id={}", enterprise.map.org_unit_id);
    let (_, body) = app.get(&uri).bearer(&reader).await;
    let listed: MeasureList = body.parse();
    assert_eq!(
        listed.measures.len(),
        enterprise.measures.len(),
        "unit_id filters to that unit's maps"
    );
    assert!(
        listed.measures.iter().all(|m| !m.writable),
        "read-only tokens write nothing"
    );

    // Writing: a row outside the scope refuses the whole batch and names the row.
    let batch = json!({"actuals": [
        row(consulting.measures[0].id, "2024-02", 5.0),
        row(enterprise.measures[0].id, "2024-02", 5.0),
    ]});
    let (status, body) = post(&app, &scoped, &batch).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["details"][0]["index"], 1);
    assert!(text(&body["details"][0]["message"]).contains("outside the scope"));
    assert!(no_actual(&app, consulting.measures[0].id, "2024-02").await);
    // A read-only token writing: 403, nothing written.
    let (status, body) = post(
        &app,
        &reader,
        &actuals(&[row(enterprise.measures[0].id, "2024-02", 5.0)]),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(text(&body["message"]).contains("read-only"), "{body}");
    assert!(no_actual(&app, enterprise.measures[0].id, "2024-02").await);
});

both_databases!(
    unknown_things_404_and_malformed_input_400,
    |db: Db| async move {
        let (app, enterprise, secret) = with_token(db, "ERP", true).await;
        let nobody = MeasureId::new();
        for uri in [
            format!("/api/v1/measures/{nobody}"),
            format!("/api/v1/measures/{nobody}/actuals"),
            format!("/api/v1/maps/{}/scores", MapId::new()),
            format!("/api/v1/measures?map_id={}", MapId::new()),
            "/api/v1/no-such-endpoint".to_string(),
        ] {
            let (status, body) = app.get(&uri).bearer(&secret).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
            assert_eq!(code(&body), "not_found", "{uri}");
        }
        let (status, body) = post(
            &app,
            &secret,
            &actuals(&[
                row(enterprise.measures[0].id, "2024-03", 1.0),
                row(nobody, "2024-03", 1.0),
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["details"][0]["index"], 1);
        let m = enterprise.measures[0].id;
        for uri in [
            "/api/v1/measures/not-a-uuid".to_string(),
            format!("/api/v1/measures/{m}/actuals?from=2026-13"),
            format!("/api/v1/measures/{m}/actuals?from=2026-05&to=2026-01"),
            format!("/api/v1/maps/{}/scores?kind=week", enterprise.map.id),
            format!("/api/v1/maps/{}/scores?period=March", enterprise.map.id),
            "/api/v1/measures?map_id=xyz".to_string(),
        ] {
            let (status, body) = app.get(&uri).bearer(&secret).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
            assert_eq!(code(&body), "bad_request");
        }
        // Bodies sent as they are, said to be JSON.
        let raw = || {
            let post = app.post(ACTUALS).bearer(&secret);
            post.header(header::CONTENT_TYPE, "application/json")
        };
        for body in ["{not json", "[1, 2]", "{\"rows\": []}"] {
            let (status, reply) = raw().body(body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {reply}");
            assert_eq!(code(&reply), "bad_request");
        }
        let post = app.post(ACTUALS).bearer(&secret);
        let (status, reply) = post.body("{\"actuals\": []}").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "no content type: {reply}");
        // A wrong method is a JSON 405, not the server functions' catch-all.
        let (status, reply) = app.delete("/api/v1/maps").bearer(&secret).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(code(&reply), "method_not_allowed");
        // An oversized body: 413.
        let huge = format!(
            "{{\"actuals\": [], \"pad\": \"{}\"}}",
            "x".repeat(server::rest::MAX_BODY_BYTES + 10)
        );
        let (status, reply) = raw().body(huge).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{reply}");
    }
);

both_databases!(invalid_rows_get_422_with_their_index, |db: Db| async move {
    let (app, enterprise, secret) = with_token(db, "ERP", true).await;
    let (m0, m1) = (enterprise.measures[0].id, enterprise.measures[1].id);
    let batch = json!({"actuals": [
        row(m0, "2024-04", 1.0),
        {"measure_id": m0, "period": "2024-13", "value": 1.0},
        {"measure_id": m1, "period": "2024-04", "value": "NaN"},
        {"measure_id": m1, "period": "2024-05"},
        row(m0, "2024-04", 2.0),
        {"measure_id": m1, "period": "2024-06", "value": 1.0, "note": "x".repeat(4001)},
        {"measure_id": m1, "period": "2024-07", "vaule": 1.0},
        "not a row",
    ]});
    let (status, body) = post(&app, &secret, &batch).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(code(&body), "validation_failed");
    let details = body["details"].as_array().unwrap();
    let by_index = |i: u64| {
        details
            .iter()
            .find(|d| d["index"] == i)
            .unwrap_or_else(|| panic!("row {i} in {body}"))
    };
    assert_eq!(by_index(1)["field"], "period");
    assert!(text(&by_index(1)["message"]).contains("YYYY-MM"));
    assert_eq!(by_index(2)["field"], "value");
    assert!(text(&by_index(2)["message"]).contains("finite number"));
    assert!(text(&by_index(3)["message"]).contains("missing"));
    assert!(text(&by_index(4)["message"]).contains("duplicates row 0"));
    assert_eq!(by_index(5)["field"], "note");
    assert!(text(&by_index(6)["message"]).contains("unknown field"));
    assert!(text(&by_index(7)["message"]).contains("object"));
    assert!(
        details.iter().all(|d| d["index"] != 0),
        "the good row is not listed"
    );
    assert!(
        app.store
            .actuals(m0)
            .await
            .unwrap()
            .iter()
            .all(|a| a.period.to_string() != "2024-04"),
        "nothing saved"
    );

    // A formula measure's values are computed: 422 naming the row.
    sqlx::query("UPDATE measures SET data_source = 'formula', formula = '1' WHERE id = $1")
        .bind(m1.to_string())
        .execute(app.store.pool())
        .await
        .unwrap();
    let (status, body) = post(
        &app,
        &secret,
        &actuals(&[row(m0, "2024-04", 1.0), row(m1, "2024-04", 1.0)]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["details"][0]["index"], 1);
    assert!(text(&body["details"][0]["message"]).contains("formula"));

    // Too many rows.
    let rows: Vec<Value> = (0..=MAX_BATCH_ROWS)
        .map(|i| row(m0, &format!("{}-01", 1900 + i % 1000), 1.0))
        .collect();
    let (status, body) = post(&app, &secret, &json!({ "actuals": rows })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&body["message"]).contains("at most 1000"), "{body}");
});

/// Waits for a "scores changed" message about `map` in a room subscription.
async fn scores_changed(
    rx: &mut server::fanout::Outbox<Arc<server::hub::Outgoing>>,
    map: MapId,
) -> bool {
    let wait = async {
        loop {
            match rx.recv().await {
                Ok(msg) => {
                    if let ServerMsg::ScoresChanged { map_id } = &msg.msg {
                        if *map_id == map {
                            return true;
                        }
                    }
                }
                Err(_) => return false,
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(5), wait)
        .await
        .unwrap_or(false)
}

both_databases!(
    batch_upserts_are_idempotent_and_tell_live_screens,
    |db: Db| async move {
        let (app, enterprise, secret) = with_token(db, "ERP month-end", true).await;
        let room = app.state.hub.room(enterprise.map.id).await.unwrap();
        let mut rx = room.subscribe();
        let (m0, m1) = (enterprise.measures[0].id, enterprise.measures[1].id);
        let batch = json!({"actuals": [
            {"measure_id": m0, "period": "2023-01", "value": 12.5, "note": "from the ERP"},
            row(m1, "2023-01", 40.0),
        ]});

        let (status, body) = post(&app, &secret, &batch).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let result: BatchResult = body.parse();
        assert_eq!(
            (result.created, result.updated, result.unchanged),
            (2, 0, 0)
        );
        assert_eq!(result.maps_rescored, vec![enterprise.map.id]);
        assert!(
            scores_changed(&mut rx, enterprise.map.id).await,
            "the live map hears about it"
        );

        let stored = |id| {
            let store = app.store.clone();
            async move {
                store
                    .actuals(id)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|a| a.period.to_string() == "2023-01")
                    .collect::<Vec<_>>()
            }
        };
        let first = stored(m0).await;
        assert_eq!(first.len(), 1);
        assert_eq!(
            (
                first[0].value,
                first[0].note.as_str(),
                first[0].source,
                first[0].entered_by
            ),
            (12.5, "from the ERP", DataSource::Api, None)
        );

        // Resent: the same state, reported unchanged.
        let (status, body) = post(&app, &secret, &batch).await;
        assert_eq!(status, StatusCode::OK);
        let result: BatchResult = body.parse();
        assert_eq!(
            (result.created, result.updated, result.unchanged),
            (0, 0, 2)
        );
        let again = stored(m0).await;
        assert_eq!(
            (again.len(), again[0].value, again[0].note.clone()),
            (1, 12.5, "from the ERP".to_string())
        );

        // Resent with a new value: updated in place.
        let (status, body) = post(&app, &secret, &actuals(&[row(m0, "2023-01", 13.0)])).await;
        assert_eq!(status, StatusCode::OK);
        let result: BatchResult = body.parse();
        assert_eq!(
            (result.updated, result.rows[0].status),
            (1, RowStatus::Updated)
        );
        let updated = stored(m0).await;
        assert_eq!((updated.len(), updated[0].value), (1, 13.0));

        // Read back through the API, filtered by span.
        let uri = format!("/api/v1/measures/{m0}/actuals?from=2023-01&to=2023-01");
        let (status, body) = app.get(&uri).bearer(&secret).await;
        assert_eq!(status, StatusCode::OK);
        let list: ActualList = body.parse();
        assert_eq!(list.actuals.len(), 1);
        assert_eq!(
            (list.actuals[0].value, list.actuals[0].source),
            (13.0, DataSource::Api)
        );

        // The audit history names the token; no person is recorded as the author.
        let rows = sqlx::query(
            "SELECT user_id, detail FROM audit_log WHERE entity_id = $1 AND action = 'data'",
        )
        .bind(m0.to_string())
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        use sqlx::Row;
        assert!(rows.iter().any(|r| r
            .get::<String, _>("detail")
            .contains("API token “ERP month-end”")));
        assert!(rows
            .iter()
            .all(|r| r.get::<Option<String>, _>("user_id").is_none()));
    }
);

both_databases!(scores_follow_a_posted_actual, |db: Db| async move {
    let (app, enterprise, secret) = with_token(db, "ERP", true).await;
    let period = app::store::current_period().plus_months(-2);
    let targets = app
        .store
        .targets_between(enterprise.map.id, period, period)
        .await
        .unwrap();
    let (measure, target) = enterprise
        .measures
        .iter()
        .filter(|m| {
            m.polarity == Polarity::HigherIsBetter
                && m.scoring == app::domain::scoring::ScoringType::GoalRedFlag
        })
        .find_map(|m| {
            targets
                .iter()
                .find(|t| t.measure_id == m.id)
                .map(|t| (m.clone(), t.clone()))
        })
        .expect("a higher-is-better measure with a target");
    let status_of = |body: &Text| {
        let scores: MapScoresInfo = body.parse();
        scores
            .measures
            .iter()
            .find(|s| s.id == measure.id)
            .map(|s| (s.status, s.actual))
            .unwrap()
    };
    let uri = format!(
        "/api/v1/maps/{}/scores?kind=month&period={period}",
        enterprise.map.id
    );
    let spread = (target.goal - target.red_flag).abs().max(1.0);
    for (value, expected) in [
        (
            target.red_flag - 2.0 * spread,
            app::domain::scoring::Status::Red,
        ),
        (target.goal + spread, app::domain::scoring::Status::Green),
    ] {
        let (status, body) = post(
            &app,
            &secret,
            &actuals(&[row(measure.id, &period.to_string(), value)]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app.get(&uri).bearer(&secret).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(status_of(&body), (expected, Some(value)));
        assert_eq!(body["span"]["kind"], "month");
    }
    let uri = format!(
        "/api/v1/maps/{}/scores?kind=year&period={period}",
        enterprise.map.id
    );
    let (status, body) = app.get(&uri).bearer(&secret).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["span"]["label"], period.year().to_string());
});

both_databases!(openapi_document_and_docs_page, |db: Db| async move {
    let app = rest_app(db).await;
    let (status, doc) = app.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let routes = [
        ("get", "/api/v1/maps"),
        ("get", "/api/v1/maps/{id}/scores"),
        ("get", "/api/v1/measures"),
        ("get", "/api/v1/measures/{id}"),
        ("get", "/api/v1/measures/{id}/actuals"),
        ("post", "/api/v1/actuals"),
        ("get", "/api/v1/history"),
        ("get", "/api/v1/people"),
        ("get", "/api/v1/people/{id}"),
        ("post", "/api/v1/people/invitations"),
        ("get", "/api/v1/units"),
        ("post", "/api/v1/units"),
        ("get", "/api/v1/units/{id}"),
        ("patch", "/api/v1/units/{id}"),
        ("post", "/api/v1/maps"),
        ("patch", "/api/v1/maps/{id}"),
        ("post", "/api/v1/maps/{id}/copy"),
        ("get", "/api/v1/maps/{id}/next-version"),
        ("post", "/api/v1/maps/{id}/next-version"),
        ("get", "/api/v1/maps/{id}/compare/{other}"),
        ("get", "/api/v1/units/{id}/reminders"),
        ("put", "/api/v1/units/{id}/reminders"),
        ("get", "/api/v1/units/{id}/briefing-mail"),
        ("get", "/api/v1/objectives/{id}/comments"),
        ("get", "/api/v1/measures/{id}/comments"),
        ("get", "/api/v1/initiatives/{id}/comments"),
        ("get", "/api/v1/review-items/{id}/comments"),
        ("put", "/api/v1/units/{id}/briefing-mail"),
        ("get", "/api/v1/maps/{id}/alignments"),
        ("post", "/api/v1/maps/{id}/alignments"),
        ("patch", "/api/v1/maps/{id}/alignments/{alignment}"),
        ("delete", "/api/v1/maps/{id}/alignments/{alignment}"),
        ("get", "/api/v1/units/{id}/gaps"),
        ("get", "/api/v1/maps/{id}/proposals"),
        ("get", "/api/v1/maps/{id}/hypotheses"),
        ("get", "/api/v1/maps/{id}/strategy"),
        ("patch", "/api/v1/maps/{id}/strategy"),
        ("get", "/api/v1/maps/{id}/workshop"),
        ("post", "/api/v1/maps/{id}/workshop"),
        ("get", "/api/v1/units/{id}/surveys"),
        ("get", "/api/v1/surveys/{id}"),
        ("get", "/api/v1/surveys/{id}/results.pdf"),
        ("get", "/api/v1/units/{id}/initiatives"),
        ("post", "/api/v1/units/{id}/initiatives"),
        ("get", "/api/v1/initiatives/{id}"),
        ("put", "/api/v1/initiatives/{id}"),
        ("get", "/api/v1/units/{id}/reviews"),
        ("get", "/api/v1/reviews/{id}"),
        ("get", "/api/v1/reviews/{id}/comparison/{earlier}"),
        ("get", "/api/v1/units/{id}/actions"),
        ("patch", "/api/v1/actions/{id}"),
        ("get", "/api/v1/maps/{id}/scorecard.csv"),
        ("get", "/api/v1/maps/{id}/scorecard.xlsx"),
        ("get", "/api/v1/maps/{id}/map.svg"),
        ("get", "/api/v1/maps/{id}/map.png"),
        ("get", "/api/v1/maps/{id}/briefing.pdf"),
        ("get", "/api/v1/reviews/{id}/briefing.pdf"),
        ("get", "/api/v1/units/{id}/timeline.png"),
    ];
    let paths: std::collections::BTreeSet<&str> = routes.iter().map(|(_, p)| *p).collect();
    assert_eq!(
        doc["paths"].as_object().unwrap().len(),
        paths.len(),
        "every route, no more"
    );
    for (method, path) in routes {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is documented");
        assert!(
            op["responses"]["401"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .unwrap()
                .ends_with("/ErrorBody"),
            "{path}"
        );
        let success = ["200", "201", "204"];
        assert!(
            success.iter().any(|code| op["responses"][code].is_object()),
            "{method} {path} documents its success"
        );
    }
    for schema in [
        "ErrorBody",
        "ErrorCode",
        "ActualsBatch",
        "BatchResult",
        "MeasureInfo",
        "MapScoresInfo",
        "MeasureId",
        "Period",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    // Every documented route answers (401 without a token: the route exists and is not a server function).
    let secret = app
        .token(
            "docs",
            vec![app.map_named("Northwind").await.map.org_unit_id],
            false,
        )
        .await;
    for (method, path) in routes {
        let uri = path.replace("{id}", &MapId::new().to_string());
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let (status, body) = app.request(method, &uri).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}: {body}");
        let (status, _) = app.get("/api/v1/maps").bearer(&secret).await;
        assert_eq!(status, StatusCode::OK);
    }
    let docs = app.get("/api/v1/docs");
    let common::Reply {
        status,
        headers,
        body: page,
        ..
    } = docs
        .header(header::HOST, "cairn.example:8080")
        .reply()
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(page.contains("curl -X POST &quot;http://cairn.example:8080/api/v1/actuals&quot;"));
    assert!(
        !page.contains("<script") && !page.contains("https://"),
        "nothing is loaded from elsewhere"
    );
});

both_databases!(token_management_role_matrix, |db: Db| async move {
    let app = rest_app(db).await;
    let enterprise = app.map_named("Northwind").await;
    let consulting = app.map_named("Consulting").await;
    let (root, unit) = (enterprise.map.org_unit_id, consulting.map.org_unit_id);
    // A unit admin: admin of Consulting only.
    let unit_admin = "unit.admin@northwind.example";
    common::add_user(
        &app.store,
        unit_admin,
        "Una Admin",
        Some((unit, Role::Admin)),
    )
    .await;
    let cookies = [
        None,
        Some(app.cookie(VIEWER).await),
        Some(app.cookie(CONTRIBUTOR).await),
        Some(app.cookie(EDITOR).await),
        Some(app.cookie(unit_admin).await),
        Some(app.cookie(ADMIN).await),
    ];
    let create = |name: &str, units: Vec<OrgUnitId>, can_write: bool| json!({"name": name, "unit_ids": units, "can_write": can_write});
    let revoke = |token: ApiTokenId| [("token_id", token.to_string())];
    // Create for the whole company: only the company admin.
    let expected_root = [401, 403, 403, 403, 403, 200];
    let expected_unit = [401, 403, 403, 403, 200, 200];
    let mut made = Vec::new();
    for (who, cookie) in cookies.iter().enumerate() {
        for (units, expected) in [
            (vec![root], expected_root[who]),
            (vec![unit], expected_unit[who]),
        ] {
            let before = app.store.api_tokens().await.unwrap().len();
            let args = create("ERP feed", units.clone(), true);
            let (status, body) = app
                .call_json(cookie.as_deref(), "create_api_token", args)
                .await;
            assert_eq!(
                status.as_u16(),
                expected,
                "create {units:?} as #{who}: {body}"
            );
            let after = app.store.api_tokens().await.unwrap().len();
            assert_eq!(after, before + usize::from(status == StatusCode::OK));
            if status == StatusCode::OK {
                let new: app::api::NewToken = body.parse();
                assert!(new.secret.starts_with("cairn_") && new.secret.len() == 70);
                made.push((units[0], new));
            } else if status == StatusCode::FORBIDDEN {
                assert!(body.to_string().contains("admin"), "{body}");
            }
        }
    }
    // Stored hashed: the secret is nowhere in the database, its SHA-256 is.
    let (_, new) = &made[0];
    let hashes: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    assert!(hashes.contains(&auth::secret_hash(&new.secret)) && !hashes.contains(&new.secret));
    // It works at once.
    let (status, _) = app.get("/api/v1/maps").bearer(&new.secret).await;
    assert_eq!(status, StatusCode::OK);
    // Empty names and empty scopes are refused with a clear message.
    let admin = cookies[5].as_deref();
    let blank_name = create(" ", vec![root], false);
    let (status, body) = app.call_json(admin, "create_api_token", blank_name).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let no_scope = create("x", vec![], false);
    let (status, _) = app.call_json(admin, "create_api_token", no_scope).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Listing: admins see the tokens they manage; others are refused.
    for (who, cookie) in cookies.iter().enumerate() {
        let (status, body) = app.call(cookie.as_deref(), "api_tokens", &[]).await;
        let expected = [401, 403, 403, 403, 200, 200][who];
        assert_eq!(status.as_u16(), expected, "list as #{who}: {body}");
        if who == 4 {
            let page: app::api::TokenAdmin = body.parse();
            assert!(
                page.tokens.iter().all(|t| t.token.units == vec![unit]),
                "a unit admin sees only their unit's tokens"
            );
            assert_eq!(
                page.units.iter().map(|c| c.unit.id).collect::<Vec<_>>(),
                vec![unit]
            );
        }
    }

    // Revoking a company-wide token: only the company admin.
    let root_token = made
        .iter()
        .find(|(u, _)| *u == root)
        .map(|(_, n)| n.row.token.id)
        .unwrap();
    for (who, cookie) in cookies.iter().enumerate().take(5) {
        let form = revoke(root_token);
        let (status, body) = app.call(cookie.as_deref(), "revoke_api_token", &form).await;
        assert_eq!(
            status.as_u16(),
            [401, 403, 403, 403, 403][who],
            "revoke as #{who}: {body}"
        );
    }
    let unit_token = made
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, n)| n.clone())
        .unwrap();
    let form = revoke(unit_token.row.token.id);
    let (status, body) = app
        .call(cookies[4].as_deref(), "revoke_api_token", &form)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let row: app::api::TokenRow = body.parse();
    assert!(row.token.revoked_at.is_some());
    let (status, _) = app.get("/api/v1/maps").bearer(&unit_token.secret).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "revoked at once");
    let form = revoke(ApiTokenId::new());
    let (status, _) = app.call(admin, "revoke_api_token", &form).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Audit rows for create and revoke.
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = 'api_token'")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert_eq!(
        actions.iter().filter(|a| *a == "create").count(),
        made.len()
    );
    assert_eq!(actions.iter().filter(|a| *a == "revoke").count(), 1);
});

both_databases!(
    a_token_that_floods_is_slowed_down_alone,
    |db: Db| async move {
        let (app, enterprise, busy) = with_token(db, "runaway job", false).await;
        let root = enterprise.map.org_unit_id;
        let calm = app.token("calm job", vec![root], false).await;
        let mut limited = None;
        for _ in 0..(RATE_BURST * 3) {
            let reply = app.get("/api/v1/maps").bearer(&busy).reply().await;
            let (status, headers, body) = (reply.status, reply.headers, reply.body);
            if status == StatusCode::TOO_MANY_REQUESTS {
                limited = Some((headers, body));
                break;
            }
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let (headers, body) = limited.expect("a flood is slowed down");
        assert_eq!(code(&body), "rate_limited");
        assert!(
            headers[header::RETRY_AFTER]
                .to_str()
                .unwrap()
                .parse::<u64>()
                .unwrap()
                >= 1
        );
        let (status, _) = app.get("/api/v1/maps").bearer(&calm).await;
        assert_eq!(status, StatusCode::OK, "other tokens are not affected");
    }
);

both_databases!(
    messages_follow_accept_language_codes_do_not,
    |db: Db| async move {
        let (app, _, secret) = with_token(db, "ERP", true).await;
        let unknown = format!("/api/v1/measures/{}", MeasureId::new());
        for (path, bearer, status, says_en, says_de) in [
            (
                "/api/v1/maps",
                None,
                StatusCode::UNAUTHORIZED,
                "Send an API token",
                "Senden Sie ein API-Token",
            ),
            (
                unknown.as_str(),
                Some(&secret),
                StatusCode::NOT_FOUND,
                "does not exist",
                "Nicht gefunden: Kennzahl",
            ),
        ] {
            let mut codes = Vec::new();
            for (language, says) in [
                ("en-GB,en;q=0.9", says_en),
                ("de-DE,de;q=0.9,en;q=0.5", says_de),
            ] {
                let mut req = app.get(path).header(header::ACCEPT_LANGUAGE, language);
                if let Some(secret) = bearer {
                    req = req.bearer(secret);
                }
                let common::Reply {
                    status: got, body, ..
                } = req.reply().await;
                assert_eq!(got, status, "{path} {language}: {body}");
                assert!(
                    text(&body["message"]).contains(says),
                    "{path} {language}: {body}"
                );
                codes.push(code(&body).to_string());
            }
            assert_eq!(
                codes[0], codes[1],
                "{path}: the code is the same in every language"
            );
        }
    }
);

both_databases!(
    alignments_are_read_and_written_through_the_live_path_with_the_token_s_rights,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let managed = common::unit_id(&app.store, "Managed Services").await;
        let consulting = common::unit_id(&app.store, "Consulting").await;
        let unit_map = common::map_of_unit(&app.store, "Managed Services").await;
        let top = app.enterprise_map().await;
        let consulting_map = common::map_of_unit(&app.store, "Consulting").await;
        let root = top.org_unit.id;
        let path = format!("/api/v1/maps/{}/alignments", unit_map.map.id);
        let reader = app.token("BI", vec![managed], false).await;
        let elsewhere = app.token("Other unit", vec![consulting], false).await;
        let writer = app
            .admin_token_by("Workshop sync", vec![managed], EDITOR)
            .await;
        let contributor = app.token("Data feed", vec![managed], true).await;
        let nobody = app.admin_token("No person", vec![managed]).await;

        // Read: the unit map's alignments as the demo has them; the top map's supporters.
        let (status, body) = app.get(&path).bearer(&reader).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let list: AlignmentList = serde_json::from_value(body.json().clone()).unwrap();
        assert_eq!(list.alignments.len(), unit_map.alignments.len());
        assert!(list
            .alignments
            .iter()
            .all(|a| !a.parent_objective_title.is_empty()));
        let (status, _) = app.get(&path).bearer(&elsewhere).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "another unit's map");
        let root_reader = app.token("Board", vec![root], false).await;
        let top_path = format!("/api/v1/maps/{}/alignments", top.map.id);
        let (status, body) = app.get(&top_path).bearer(&root_reader).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let top_list: AlignmentList = serde_json::from_value(body.json().clone()).unwrap();
        assert_eq!(top_list.supporters.len(), top.supporters.len());
        assert!(top_list
            .supporters
            .iter()
            .any(|s| s.org_unit_name == "Managed Services"));

        // Write: an objective of the unit map to a top objective it does not support yet.
        let own = unit_map.objectives[0].id;
        // A top objective it does not support yet.
        let parent = app::domain::cascade::candidates(&unit_map, own)[0].id;
        assert_eq!(top.objectives.iter().filter(|o| o.id == parent).count(), 1);
        let new = json!({ "unit_objective_id": own, "parent_objective_id": parent, "note": " Via renewals " });
        let seq_before = app.store.map_seq(unit_map.map.id).await.unwrap();
        for (token, why) in [
            (&reader, "read-only"),
            (&elsewhere, "out of scope"),
            (
                &contributor,
                "a data token enters data, it does not edit maps",
            ),
            (&nobody, "no person"),
        ] {
            let (status, body) = app.post(&path).bearer(token).json(&new).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{why}: {body}");
        }
        let (status, body) = app.post(&path).bearer(&writer).json(&new).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let made: AlignmentInfo = serde_json::from_value(body.json().clone()).unwrap();
        assert_eq!(made.note, "Via renewals");
        assert_eq!(
            (made.unit_objective_id, made.parent_objective_id),
            (own, parent)
        );
        // Through the op log, credited to the token's person.
        let seq = app.store.map_seq(unit_map.map.id).await.unwrap();
        assert_eq!(seq, seq_before + 1);
        let batch = app.store.batch_at(unit_map.map.id, seq).await.unwrap();
        assert_eq!(batch.author, app.user(EDITOR).await.id);
        assert!(matches!(
            &batch.ops[..],
            [app::domain::ops::Op::Align { .. }]
        ));

        // Refused with the domain's reasons, changing nothing.
        let (status, body) = app.post(&path).bearer(&writer).json(&new).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the same pair: {body}"
        );
        let to_sibling = json!({ "unit_objective_id": own, "parent_objective_id": consulting_map.objectives[0].id });
        let (status, body) = app.post(&path).bearer(&writer).json(&to_sibling).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a sibling's objective: {body}"
        );
        let foreign = json!({ "unit_objective_id": consulting_map.objectives[0].id, "parent_objective_id": parent });
        let (status, body) = app.post(&path).bearer(&writer).json(&foreign).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "not on this map: {body}");
        let (status, body) = app
            .post(&path)
            .bearer(&writer)
            .json(&json!({ "unit_objective_id": own }))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(app.store.map_seq(unit_map.map.id).await.unwrap(), seq);

        // The note, then the removal.
        let one = format!("{path}/{}", made.id);
        let (status, body) = app
            .request(Method::PATCH, &one)
            .bearer(&writer)
            .json(&json!({ "note": "x".repeat(5000) }))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = app
            .request(Method::PATCH, &one)
            .bearer(&writer)
            .json(&json!({ "note": "Renewals first" }))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body.json()["note"], json!("Renewals first"));
        let (status, _) = app.delete(&one).bearer(&reader).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = app.delete(&one).bearer(&writer).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, _) = app.delete(&one).bearer(&writer).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "gone already");
        let doc = app.store.map_document(unit_map.map.id).await.unwrap();
        assert_eq!(doc.alignments, unit_map.alignments);

        // Documented.
        let (_, openapi) = app.get("/api/v1/openapi.json").await;
        let paths = &openapi.json()["paths"];
        assert!(paths["/api/v1/maps/{id}/alignments"].get("post").is_some());
        assert!(paths["/api/v1/maps/{id}/alignments/{alignment}"]
            .get("delete")
            .is_some());
    }
);
