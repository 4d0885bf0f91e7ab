//! History and audit against a real server (on SQLite and PostgreSQL): an objective's rename
//! reads as "old → new" with who made it (server function and REST), item histories follow the
//! item's rights, the admin audit page filters by person, unit, kind and days, its CSV
//! neutralises formula cells, sign-ins (failed ones with the email tried), role grants and
//! API token use are audited, and the role matrix of the history functions.

use crate::common;

use common::{Db, Input, TestApp, ADMIN, CONTRIBUTOR, EDITOR, VIEWER};

use app::domain::history::{Change, HistoryPage};
use app::domain::ops::{self, EntityKind, Field};
use app::domain::*;
use http::StatusCode;
use serde_json::json;

/// Renames objective `id` of `map` to `title` through the live write path, as `author`.
async fn rename(app: &TestApp, map: MapId, id: ObjectiveId, title: &str, author: UserId) {
    let op = ops::set(EntityKind::Objective, id.0, Field::Title, title);
    app.state
        .hub
        .commit(map, author, uuid::Uuid::now_v7(), vec![op])
        .await
        .unwrap();
}

/// The history of `kind` `id` as the person of `cookie` reads it.
async fn history(
    app: &TestApp,
    cookie: Option<&str>,
    kind: &str,
    id: impl ToString,
) -> (StatusCode, common::Text) {
    let args = json!({"kind": kind, "id": id.to_string(), "page": null});
    app.call_json(cookie, "item_history", args).await
}

/// The audit page with `filter` (JSON of `AuditFilter`) as the person of `cookie`.
async fn audit(app: &TestApp, cookie: &str, filter: serde_json::Value) -> app::api::AuditPage {
    let (status, body) = app
        .call_json(Some(cookie), "audit_log", json!({ "filter": filter }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.parse()
}

/// The English sentences of a history page.
fn texts(page: &HistoryPage) -> Vec<String> {
    page.entries
        .iter()
        .map(|e| e.change.text(app::i18n::Locale::en))
        .collect()
}

both_databases!(
    an_objective_rename_reads_old_to_new_with_who,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let doc = app.enterprise_map().await;
        let o = doc.objectives[0].clone();
        let editor = app.user(EDITOR).await;
        rename(&app, doc.map.id, o.id, "Grow revenue by 25 %", editor.id).await;
        // Another objective's edit does not show in this one's history.
        let other = doc.objectives[1].clone();
        rename(&app, doc.map.id, other.id, "Something else", editor.id).await;

        let viewer = app.cookie(VIEWER).await;
        let (status, body) = history(&app, Some(&viewer), "objective", o.id).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page: HistoryPage = body.parse();
        let expected = format!("Title: '{}' → 'Grow revenue by 25 %'", o.title);
        let created = format!("Created objective '{}'", o.title);
        assert_eq!(texts(&page), vec![expected.clone(), created], "{page:?}");
        assert_eq!(page.entries[0].who.as_deref(), Some(editor.name.as_str()));
        assert!(!page.more);

        // The map's history has both edits, newest first.
        let (_, body) = history(&app, Some(&viewer), "map", doc.map.id).await;
        let map_page: HistoryPage = body.parse();
        let map_texts = texts(&map_page);
        assert!(map_texts[0].ends_with("'Something else'"), "{map_texts:?}");
        assert_eq!(map_texts[1], expected);

        // The same through REST, in the request's language.
        let unit = doc.map.org_unit_id;
        let secret = app.token("BI", vec![unit], false).await;
        let uri = format!("/api/v1/history?kind=objective&id={}", o.id);
        let (status, body) = app
            .get(&uri)
            .bearer(&secret)
            .header(http::header::ACCEPT_LANGUAGE, "de")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let list: app::api::history::HistoryList = body.parse();
        assert_eq!(list.entries.len(), 2);
        assert_eq!(
            list.entries[0].text,
            format!("Titel: '{}' → 'Grow revenue by 25 %'", o.title)
        );
        assert!(matches!(list.entries[0].change, Change::Field { .. }));
        let (status, body) = app
            .get("/api/v1/history?kind=planet&id=x")
            .bearer(&secret)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let uri = format!("/api/v1/history?kind=objective&id={}", uuid::Uuid::now_v7());
        let (status, _) = app.get(&uri).bearer(&secret).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // A person's history is not open to tokens.
        let uri = format!("/api/v1/history?kind=user&id={}", editor.id);
        let (status, _) = app.get(&uri).bearer(&secret).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
);

both_databases!(a_viewer_of_another_unit_is_refused, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let consulting = common::map_of_unit(&app.store, "Consulting").await;
    let managed = common::map_of_unit(&app.store, "Managed Services").await;
    let managed_unit = managed.map.org_unit_id;
    let outsider = common::add_user(
        &app.store,
        "ms.viewer@example.com",
        "Mia Services",
        Some((managed_unit, Role::Viewer)),
    )
    .await;
    let cookie = app.cookie("ms.viewer@example.com").await;
    let theirs = consulting.objectives[0].id;
    let (status, body) = history(&app, Some(&cookie), "objective", theirs).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(common::said(&body).contains("Consulting"), "{body}");
    for (kind, id) in [
        ("map", consulting.map.id.0),
        ("unit", consulting.map.org_unit_id.0),
    ] {
        let (status, _) = history(&app, Some(&cookie), kind, id).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{kind}");
    }
    let ours = managed.objectives[0].id;
    let (status, body) = history(&app, Some(&cookie), "objective", ours).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Their own history, not someone else's.
    let (status, _) = history(&app, Some(&cookie), "user", outsider.id).await;
    assert_eq!(status, StatusCode::OK);
    let editor = app.user(EDITOR).await;
    let (status, _) = history(&app, Some(&cookie), "user", editor.id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A token of Managed Services cannot read Consulting's history either.
    let secret = app.token("MS feed", vec![managed_unit], false).await;
    let uri = format!("/api/v1/history?kind=objective&id={theirs}");
    let (status, _) = app.get(&uri).bearer(&secret).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Not the audit page: they administer nothing.
    let (status, _) = app
        .call_json(Some(&cookie), "audit_log", json!({"filter": {}}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});

both_databases!(role_matrix_of_history_functions, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let cookies = app.role_cookies().await;
    let doc = app.enterprise_map().await;
    let viewer = app.user(VIEWER).await;
    let objective = json!({"kind": "objective", "id": doc.objectives[0].id, "page": null});
    let measure = json!({"kind": "measure", "id": doc.measures[0].id, "page": 1});
    let map = json!({"kind": "map", "id": doc.map.id, "page": null});
    let unit = json!({"kind": "unit", "id": doc.map.org_unit_id, "page": null});
    let person = json!({"kind": "user", "id": viewer.id, "page": null});
    // Expected status per person: anonymous, outsider, viewer, contributor, editor, admin.
    let readers = [401, 403, 200, 200, 200, 200];
    let rows: Vec<(&str, [u16; 6], Input)> = vec![
        ("item_history", readers, Input::Json(objective)),
        ("item_history", readers, Input::Json(measure)),
        ("item_history", readers, Input::Json(map)),
        ("item_history", readers, Input::Json(unit)),
        // A person's history: themself (the viewer) and admins of the whole organisation.
        (
            "item_history",
            [401, 403, 200, 403, 403, 200],
            Input::Json(person),
        ),
        (
            "audit_log",
            [401, 403, 403, 403, 403, 200],
            Input::Json(json!({"filter": {}})),
        ),
    ];
    app.assert_role_matrix(&cookies, &rows).await;
    // The CSV download has the audit page's rights.
    for (who, cookie) in cookies.iter().enumerate() {
        let (status, _) = app
            .get("/admin/audit.csv")
            .cookie_opt(cookie.as_deref())
            .await;
        assert_eq!(
            status.as_u16(),
            [401, 403, 403, 403, 403, 200][who],
            "CSV as #{who}"
        );
    }
});

both_databases!(the_audit_page_filters, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let admin = app.cookie(ADMIN).await;
    let consulting = common::map_of_unit(&app.store, "Consulting").await;
    let enterprise = app.enterprise_map().await;
    let editor = app.user(EDITOR).await;
    let contributor = app.user(CONTRIBUTOR).await;
    rename(
        &app,
        consulting.map.id,
        consulting.objectives[0].id,
        "Consult better",
        editor.id,
    )
    .await;
    rename(
        &app,
        enterprise.map.id,
        enterprise.objectives[0].id,
        "Lead the market",
        contributor.id,
    )
    .await;

    // By person: only what the editor did (or what was done to them).
    let by_editor = audit(&app, &admin, json!({"person": editor.id})).await;
    let lines = texts(&by_editor.history);
    assert!(
        lines.iter().any(|t| t.ends_with("'Consult better'")),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|t| t.ends_with("'Lead the market'")),
        "{lines:?}"
    );
    // By unit: Consulting's rows only (and the units below it).
    let unit = consulting.map.org_unit_id;
    let of_unit = audit(&app, &admin, json!({"unit": unit})).await;
    let lines = texts(&of_unit.history);
    assert!(
        lines.iter().any(|t| t.ends_with("'Consult better'")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|t| t.ends_with("'Lead the market'")));
    // By kind: map edits are rows about maps; nothing about maps is a role grant.
    let grants = audit(&app, &admin, json!({"kind": "membership"})).await;
    assert!(!grants.history.entries.is_empty());
    assert!(grants
        .history
        .entries
        .iter()
        .all(|e| matches!(e.change, Change::RoleGranted { .. })));
    // By days: up to yesterday there is nothing; from today on everything; reversed is refused.
    let today = chrono::Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    let before = audit(&app, &admin, json!({"to": yesterday})).await;
    assert!(before.history.entries.is_empty());
    let since = audit(&app, &admin, json!({"from": today, "to": today})).await;
    assert!(texts(&since.history)
        .iter()
        .any(|t| t.ends_with("'Lead the market'")));
    let (status, body) = app
        .call_json(
            Some(&admin),
            "audit_log",
            json!({"filter": {"from": today, "to": yesterday}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Paged, newest first: page 0 holds the newest 50, `more` says there are older.
    let all = audit(&app, &admin, json!({})).await;
    assert!(
        all.history.entries.len() >= 50,
        "rows are paged, each gives one entry or more"
    );
    assert!(all.history.more);
    assert!(texts(&all.history)[0].ends_with("'Lead the market'"));
    let second = audit(&app, &admin, json!({"page": 1})).await;
    assert_ne!(second.history.entries[0], all.history.entries[0]);

    // An admin of Consulting alone sees Consulting, not the company's rows nor sign-ins, and
    // may not filter to a unit they do not administer.
    common::add_user(
        &app.store,
        "consulting.admin@example.com",
        "Carla Admin",
        Some((unit, Role::Admin)),
    )
    .await;
    let unit_admin = app.cookie("consulting.admin@example.com").await;
    let theirs = audit(&app, &unit_admin, json!({})).await;
    let lines = texts(&theirs.history);
    assert!(
        lines.iter().any(|t| t.ends_with("'Consult better'")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|t| t.ends_with("'Lead the market'")));
    assert_eq!(theirs.units[0].id, unit);
    let company = enterprise.map.org_unit_id;
    let (status, _) = app
        .call_json(
            Some(&unit_admin),
            "audit_log",
            json!({"filter": {"unit": company}}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});

both_databases!(the_csv_neutralises_formula_cells, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let admin = app.cookie(ADMIN).await;
    let doc = app.enterprise_map().await;
    let editor = app.user(EDITOR).await;
    let o = doc.objectives[0].id;
    rename(
        &app,
        doc.map.id,
        o,
        "=HYPERLINK(\"http://evil\")",
        editor.id,
    )
    .await;
    rename(&app, doc.map.id, o, "Safe again", editor.id).await;
    let uri = format!("/admin/audit.csv?person={}&kind=map", editor.id);
    let reply = app.get(&uri).cookie(&admin).reply().await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers[http::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let mut csv = csv::Reader::from_reader(reply.body.as_bytes());
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    // The newest first: its item is the formula title, neutralised with a leading quote.
    assert_eq!(&rows[0][3], "'=HYPERLINK(\"http://evil\")");
    assert!(rows[0][5].contains("→ 'Safe again'"), "{rows:?}");
    assert_eq!(&rows[1][3], doc.objectives[0].title.as_str());
    assert!(rows.iter().all(|r| !r.iter().any(|c| c.starts_with('='))));
    // A malformed filter is a 400, a reversed span a 422.
    let (status, _) = app
        .get("/admin/audit.csv?from=yesterday")
        .cookie(&admin)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app
        .get("/admin/audit.csv?from=2026-02-01&to=2026-01-01")
        .cookie(&admin)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
});

both_databases!(
    sign_ins_roles_and_token_use_are_audited,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin_cookie = app.cookie(ADMIN).await;
        let password = "not-the-password-123";
        for email in [ADMIN, "nobody@example.com"] {
            let form = [
                ("email", email.to_string()),
                ("password", password.to_string()),
            ];
            let (status, _) = app.call(None, "sign_in", &form).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let users = audit(&app, &admin_cookie, json!({"kind": "user"})).await;
        let failed: Vec<String> = users
            .history
            .entries
            .iter()
            .filter_map(|e| match &e.change {
                Change::SignInFailed { email } => Some(email.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(failed, vec!["nobody@example.com".to_string(), ADMIN.into()]);
        // The admin's failed attempt is in the admin's own history too; the password nowhere.
        let admin = app.user(ADMIN).await;
        let (status, body) = history(&app, Some(&admin_cookie), "user", admin.id).await;
        assert_eq!(status, StatusCode::OK);
        let own: HistoryPage = body.parse();
        assert!(own
            .entries
            .iter()
            .any(|e| matches!(e.change, Change::SignInFailed { .. })));
        let leaked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE detail LIKE $1")
            .bind(format!("%{password}%"))
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(leaked, 0);

        // A role change names the old and the new role and who changed it.
        let viewer = app.user(VIEWER).await;
        let unit = app.enterprise_map().await.map.org_unit_id;
        app.store
            .grant_role_by(Some(admin.id), viewer.id, unit, Role::Editor)
            .await
            .unwrap();
        let grants = audit(
            &app,
            &admin_cookie,
            json!({"person": viewer.id, "kind": "membership"}),
        )
        .await;
        let newest = &grants.history.entries[0];
        assert_eq!(newest.who.as_deref(), Some(admin.name.as_str()));
        assert!(
            newest
                .change
                .text(app::i18n::Locale::en)
                .ends_with("viewer → editor"),
            "{newest:?}"
        );

        // An API token's use is recorded once, not per request.
        let secret = app.token("ERP", vec![unit], false).await;
        for _ in 0..3 {
            let (status, _) = app.get("/api/v1/maps").bearer(&secret).await;
            assert_eq!(status, StatusCode::OK);
        }
        let tokens = audit(&app, &admin_cookie, json!({"kind": "api_token"})).await;
        let used: Vec<&Change> = tokens
            .history
            .entries
            .iter()
            .map(|e| &e.change)
            .filter(|c| matches!(c, Change::TokenUsed { .. }))
            .collect();
        assert_eq!(used, vec![&Change::TokenUsed { name: "ERP".into() }]);
    }
);

both_databases!(
    a_changed_target_reads_old_to_new_in_the_measure_history,
    |db: Db| async move {
        use app::context::DataWriter;
        let app = TestApp::demo(db).await;
        let doc = app.enterprise_map().await;
        let measure = doc.measures[0].id;
        let editor = app.user(EDITOR).await;
        let target = |goal: f64, red_flag: f64| DataBatch {
            targets: vec![Target {
                measure_id: measure,
                period: "2031-03".parse().unwrap(),
                goal,
                red_flag,
            }],
            ..DataBatch::default()
        };
        for (goal, red) in [(1000.0, 800.0), (1250.5, 900.0)] {
            app.state
                .hub
                .write_data(target(goal, red), Some(editor.id))
                .await
                .unwrap();
        }
        let viewer = app.cookie(VIEWER).await;
        let (status, body) = history(&app, Some(&viewer), "measure", measure).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page: HistoryPage = body.parse();
        let lines = texts(&page);
        assert_eq!(
            lines[..2],
            [
                "Target 2031-03: 1,000 (red flag 800) → 1,250.5 (red flag 900)".to_string(),
                "Target 2031-03: 1,000 (red flag 800)".to_string(),
            ],
            "{lines:?}"
        );
        assert_eq!(page.entries[0].who.as_deref(), Some(editor.name.as_str()));
    }
);
