//! Org units and the maps made from them, against a real server on SQLite and PostgreSQL: the
//! role matrix of the unit and map server functions, moves that need admin on both ends and
//! refuse cycles, an archived unit (and everything below it) read-only for every write path, an
//! archived map that takes only a status change, the store's audit rows, and the REST routes'
//! token rights.

use crate::common;

use common::{count, Db, Input, TestApp, ADMIN, CONTRIBUTOR, EDITOR, VIEWER};

use app::domain::org::UnitPatch;
use app::domain::*;
use app::domain::{edits, ops, proposal};
use http::StatusCode;
use serde_json::json;

/// The id of the demo unit `name`.
async fn unit(app: &TestApp, name: &str) -> OrgUnitId {
    common::unit_id(&app.store, name).await
}

/// How many units and maps there are (a refused call changes neither).
async fn sizes(app: &TestApp) -> (usize, usize) {
    (
        app.store.org_units().await.unwrap().len(),
        app.store.map_summaries().await.unwrap().len(),
    )
}

/// A server function's input for the person at `who` in the role matrix.
type ArgsFor = Box<dyn Fn(usize) -> Input>;

/// `update_unit`'s arguments.
fn patch_args(id: OrgUnitId, patch: serde_json::Value) -> serde_json::Value {
    json!({ "unit_id": id, "patch": patch })
}

/// `create_objective`'s form on `map`.
fn objective_form(map: &MapDocument, title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("map_id", map.map.id.to_string()),
        ("perspective_id", map.perspectives[0].id.to_string()),
        ("title", title.into()),
        ("x", "300".into()),
        ("y", "150".into()),
    ]
}

both_databases!(role_matrix_of_unit_and_map_functions, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let cookies = app.role_cookies().await;
    let consulting = unit(&app, "Consulting").await;
    let cloud = unit(&app, server::demo::CASCADE_NEXT_UNIT).await;
    let map = common::map_of_unit(&app.store, "Consulting").await;
    let map_id = map.map.id;
    let top = app.enterprise_map().await;
    let (top_id, first) = (top.map.id, top.objectives[0].id);
    let top_unit = top.org_unit.id;
    // Anonymous, outsider, viewer, contributor, editor, admin.
    let admins = [401, 403, 403, 403, 403, 200];
    let editors = [401, 403, 403, 403, 200, 200];
    let rows: Vec<(&str, [u16; 6], ArgsFor)> = vec![
        ("unit_admin", admins, Box::new(|_| Input::Form(vec![]))),
        (
            "create_unit",
            admins,
            Box::new(move |who| {
                Input::Json(json!({ "unit": {
                    "parent_id": consulting, "name": format!("Team #{who}"), "kind": "team"
                }}))
            }),
        ),
        (
            "update_unit",
            admins,
            Box::new(move |who| {
                Input::Json(patch_args(
                    consulting,
                    json!({ "name": format!("Consulting #{who}") }),
                ))
            }),
        ),
        (
            "new_map",
            editors,
            Box::new(move |who| {
                Input::Json(json!({ "map": {
                    "org_unit_id": consulting, "name": format!("Plan #{who}"),
                    "period_start": "2027-01", "period_end": "2029-12",
                    "perspectives": "non_profit"
                }}))
            }),
        ),
        (
            "update_map",
            editors,
            Box::new(move |who| {
                Input::Json(json!({ "map_id": map_id, "patch": {
                    "name": format!("Consulting plan #{who}"), "period_end": "2028-12"
                }}))
            }),
        ),
        (
            "cascade_report",
            [401, 403, 200, 200, 200, 200],
            Box::new(move |_| Input::Json(json!({ "unit_id": top_unit, "period": null }))),
        ),
        (
            "map_scores",
            [401, 200, 200, 200, 200, 200],
            Box::new(|_| Input::Form(vec![])),
        ),
        (
            "cascade_workshop",
            [401, 403, 200, 200, 200, 200],
            Box::new(move |_| Input::Json(json!({ "map_id": map_id, "parent_map": null }))),
        ),
        (
            "cascade_source",
            editors,
            Box::new(move |_| Input::Json(json!({ "unit_id": cloud, "parent_map": null }))),
        ),
        (
            "new_cascaded_map",
            editors,
            Box::new(move |who| {
                Input::Json(json!({ "draft": {
                    "map": { "org_unit_id": cloud, "name": format!("Cloud #{who}"),
                             "period_start": "2027-01", "period_end": "2027-12" },
                    "parent_map_id": top_id, "themes": [],
                    "picks": [{ "parent_objective_id": first, "title": "" }]
                }}))
            }),
        ),
    ];
    for (function, expected, input) in &rows {
        for (who, cookie) in cookies.iter().enumerate() {
            let before = sizes(&app).await;
            let names = app.store.org_unit(consulting).await.unwrap().name;
            let map_name = app.store.map(map.map.id).await.unwrap().name;
            let (status, body) = app
                .call_input(cookie.as_deref(), function, &input(who))
                .await;
            assert_eq!(
                status.as_u16(),
                expected[who],
                "{function} as role #{who}: {body}"
            );
            if status != StatusCode::OK {
                assert_eq!(
                    sizes(&app).await,
                    before,
                    "a refused {function} made nothing"
                );
                assert_eq!(app.store.org_unit(consulting).await.unwrap().name, names);
                assert_eq!(app.store.map(map.map.id).await.unwrap().name, map_name);
            }
            if status == StatusCode::FORBIDDEN {
                let said = common::said(&body);
                assert!(said.contains("role") || said.contains("admin"), "{said}");
            }
        }
    }
    // What the admin and the editor did is there: units, the non-profit map, the rename.
    let units = app.store.org_units().await.unwrap();
    assert!(units
        .iter()
        .any(|u| u.name == "Team #5" && u.kind == OrgUnitKind::Team));
    assert_eq!(
        app.store.org_unit(consulting).await.unwrap().name,
        "Consulting #5"
    );
    let (_, made) = app
        .store
        .map_summaries()
        .await
        .unwrap()
        .into_iter()
        .find(|(_, m)| m.name == "Plan #4")
        .expect("the editor's map");
    let doc = app.store.map_document(made.id).await.unwrap();
    let names: Vec<&str> = doc.perspectives.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Customer/Stakeholder",
            "Financial",
            "Internal Processes",
            "Learning & Growth"
        ]
    );
    assert_eq!(doc.map.status, MapStatus::Draft);
    let renamed = app.store.map(map.map.id).await.unwrap();
    assert_eq!(renamed.name, "Consulting plan #5");
    assert_eq!(renamed.period_end, Period::new(2028, 12).unwrap());
    // The rename went through the op log (the one write path) and the audit.
    assert!(app.store.map_seq(map.map.id).await.unwrap() > map.seq);
    let audited = count(
        &app.store,
        "SELECT COUNT(*) FROM audit_log WHERE entity_id = $1 AND action = 'rename'",
        &[&consulting.to_string()],
    )
    .await;
    assert_eq!(audited, 1, "one rename by the admin");
});

both_databases!(
    moving_needs_admin_on_both_ends_and_refuses_cycles,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let consulting = unit(&app, "Consulting").await;
        let managed = unit(&app, "Managed Services").await;
        let ann = common::add_user(
            &app.store,
            "ann@example.com",
            "Ann Admin",
            Some((consulting, Role::Admin)),
        )
        .await;
        let ann = app.cookie(&ann.email).await;
        let admin = app.cookie(ADMIN).await;

        // Ann administers Consulting: she makes a team under it, and lists only what she sees.
        let (status, body) = app
            .call_json(
                Some(&ann),
                "create_unit",
                json!({ "unit": { "parent_id": consulting, "name": "Advisory", "kind": "team" }}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let team: OrgUnit = body.parse();
        let (status, body) = app.call(Some(&ann), "unit_admin", &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let seen: Vec<String> = body
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["unit"]["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(seen, ["Consulting", "Advisory"]);

        // Moving it under Managed Services needs admin there too.
        let move_to = |to: OrgUnitId| patch_args(team.id, json!({ "parent_id": to }));
        let (status, body) = app
            .call_json(Some(&ann), "update_unit", move_to(managed))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(common::said(&body).contains("Managed Services"), "{body}");
        assert_eq!(
            app.store.org_unit(team.id).await.unwrap().parent_id,
            Some(consulting)
        );

        // Nobody moves a unit under itself or one of its own units: a specific message.
        let (status, body) = app
            .call_json(
                Some(&admin),
                "update_unit",
                patch_args(consulting, json!({ "parent_id": team.id })),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            common::said(&body).contains("under itself or one of its own units"),
            "{body}"
        );
        let (status, body) = app
            .call_json(
                Some(&admin),
                "update_unit",
                patch_args(consulting, json!({ "parent_id": consulting })),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "under itself: {body}"
        );
        assert_eq!(
            app.store.org_unit(consulting).await.unwrap().parent_id,
            app.store.org_unit(managed).await.unwrap().parent_id
        );

        // The company admin may: the move is stored and audited.
        let (status, body) = app
            .call_json(Some(&admin), "update_unit", move_to(managed))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            app.store.org_unit(team.id).await.unwrap().parent_id,
            Some(managed)
        );
        let moves = count(
            &app.store,
            "SELECT COUNT(*) FROM audit_log WHERE entity_id = $1 AND action = 'move'",
            &[&team.id.to_string()],
        )
        .await;
        assert_eq!(moves, 1);
        // Ann no longer administers it (it left her unit).
        let (status, _) = app
            .call_json(
                Some(&ann),
                "update_unit",
                patch_args(team.id, json!({ "name": "Mine" })),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
);

both_databases!(
    an_archived_unit_is_read_only_below_it_until_brought_back,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let consulting = unit(&app, "Consulting").await;
        let map = common::map_of_unit(&app.store, "Consulting").await;
        let admin = app.cookie(ADMIN).await;
        let editor = app.cookie(EDITOR).await;
        let contributor = app.cookie(CONTRIBUTOR).await;
        let viewer = app.cookie(VIEWER).await;
        // A team below Consulting: archiving Consulting freezes it too.
        let team = OrgUnit::new(Some(consulting), "Advisory", OrgUnitKind::Team);
        app.store.create_org_unit(&team, None).await.unwrap();

        let archive = |archived: bool| patch_args(consulting, json!({ "archived": archived }));
        let (status, body) = app
            .call_json(Some(&admin), "update_unit", archive(true))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(app
            .store
            .archived_units()
            .await
            .unwrap()
            .contains(&consulting));

        // Readable by everyone with a role…
        for cookie in [&viewer, &editor, &admin] {
            let (status, body) = app
                .call(
                    Some(cookie),
                    "get_map",
                    &[("map_id", map.map.id.to_string())],
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let (_, body) = app
            .call(
                Some(&admin),
                "my_rights",
                &[("map_id", map.map.id.to_string())],
            )
            .await;
        assert_eq!(body.json()["edit"], json!(false), "{body}");
        // …and nothing is writable: the map's commit path, data, new maps, new units, changes.
        let objectives = app
            .store
            .map_document(map.map.id)
            .await
            .unwrap()
            .objectives
            .len();
        let (status, body) = app
            .call(
                Some(&editor),
                "create_objective",
                &objective_form(&map, "Frozen"),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(common::said(&body).contains("archived"), "{body}");
        assert_eq!(
            app.store
                .map_document(map.map.id)
                .await
                .unwrap()
                .objectives
                .len(),
            objectives
        );
        let (status, body) = app
            .call_json(
                Some(&editor),
                "update_map",
                json!({ "map_id": map.map.id, "patch": { "name": "Renamed" } }),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let measure = map
            .measures
            .iter()
            .find(|m| m.data_source == DataSource::Manual)
            .unwrap();
        let (status, body) = app
            .post("/api/record_actual")
            .cookie(&contributor)
            .encoded_form(format!(
                "measure_id={}&period=2026-11&value=42&note=",
                measure.id
            ))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(common::said(&body).contains("archived"), "{body}");
        for (function, args) in [
            (
                "new_map",
                json!({ "map": { "org_unit_id": team.id, "name": "Plan", "period_start": "2027-01", "period_end": "2027-12" }}),
            ),
            (
                "create_unit",
                json!({ "unit": { "parent_id": team.id, "name": "Sub", "kind": "team" }}),
            ),
            (
                "update_unit",
                patch_args(team.id, json!({ "name": "Renamed" })),
            ),
            (
                "update_unit",
                patch_args(consulting, json!({ "name": "Renamed" })),
            ),
        ] {
            let before = sizes(&app).await;
            let (status, body) = app.call_json(Some(&admin), function, args).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{function}: {body}");
            assert!(
                common::said(&body).contains("archived"),
                "{function}: {body}"
            );
            assert_eq!(sizes(&app).await, before);
        }
        assert_eq!(app.store.org_unit(team.id).await.unwrap().name, "Advisory");

        // Brought back, it is writable again.
        let (status, body) = app
            .call_json(Some(&admin), "update_unit", archive(false))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app
            .call(
                Some(&editor),
                "create_objective",
                &objective_form(&map, "Thawed"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let actions = count(
            &app.store,
            "SELECT COUNT(*) FROM audit_log WHERE entity_id = $1 AND action IN ('archive', 'unarchive')",
            &[&consulting.to_string()],
        )
        .await;
        assert_eq!(actions, 2);
    }
);

both_databases!(
    an_archived_map_takes_only_a_status_change,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let map = common::map_of_unit(&app.store, "Consulting").await;
        let editor = app.cookie(EDITOR).await;
        let contributor = app.cookie(CONTRIBUTOR).await;
        let update = |patch: serde_json::Value| json!({ "map_id": map.map.id, "patch": patch });
        let (status, body) = app
            .call_json(
                Some(&editor),
                "update_map",
                update(json!({ "status": "archived" })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            app.store.map(map.map.id).await.unwrap().status,
            MapStatus::Archived
        );

        let (status, body) = app
            .call(
                Some(&editor),
                "create_objective",
                &objective_form(&map, "Late idea"),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(common::said(&body).contains("archived"), "{body}");
        let (status, body) = app
            .call_json(
                Some(&editor),
                "update_map",
                update(json!({ "name": "Renamed" })),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(app.store.map(map.map.id).await.unwrap().name, map.map.name);
        let measure = map
            .measures
            .iter()
            .find(|m| m.data_source == DataSource::Manual)
            .unwrap();
        let (status, body) = app
            .post("/api/record_actual")
            .cookie(&contributor)
            .encoded_form(format!(
                "measure_id={}&period=2026-11&value=42&note=",
                measure.id
            ))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(common::said(&body).contains("archived"), "{body}");

        // A reversed period is refused with its message, nothing changed.
        let (status, body) = app
            .call_json(Some(&editor), "update_map", update(json!({ "status": "active", "period_start": "2030-01", "period_end": "2029-12" })))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(
            app.store.map(map.map.id).await.unwrap().status,
            MapStatus::Archived
        );

        // Set back to active (first) and renamed in one go.
        let (status, body) = app
            .call_json(
                Some(&editor),
                "update_map",
                update(json!({ "status": "active", "name": "Consulting 2027" })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let back = app.store.map(map.map.id).await.unwrap();
        assert_eq!(
            (back.status, back.name.as_str()),
            (MapStatus::Active, "Consulting 2027")
        );
    }
);

both_databases!(
    the_store_changes_units_in_one_transaction_with_audit_rows,
    |db: Db| async move {
        let store = &db.store;
        let root = OrgUnit::new(None, "Root", OrgUnitKind::Enterprise);
        let a = OrgUnit::new(Some(root.id), "A", OrgUnitKind::BusinessUnit);
        let b = OrgUnit::new(Some(root.id), "B", OrgUnitKind::BusinessUnit);
        let a1 = OrgUnit::new(Some(a.id), "A1", OrgUnitKind::Function);
        for u in [&root, &a, &b, &a1] {
            store.create_org_unit(u, None).await.unwrap();
        }
        let patch = UnitPatch {
            name: Some(" Alpha ".into()),
            kind: Some(OrgUnitKind::Team),
            parent_id: Some(b.id),
            archived: Some(true),
        };
        let after = store.update_org_unit(a.id, &patch, None).await.unwrap();
        assert_eq!(
            (
                after.name.as_str(),
                after.kind,
                after.parent_id,
                after.archived
            ),
            ("Alpha", OrgUnitKind::Team, Some(b.id), true)
        );
        assert_eq!(store.org_unit(a.id).await.unwrap(), after);
        let rows = count(
            store,
            "SELECT COUNT(*) FROM audit_log WHERE entity_id = $1",
            &[&a.id.to_string()],
        )
        .await;
        assert_eq!(
            rows,
            1 + 4,
            "created, then renamed, re-kinded, moved, archived"
        );
        assert_eq!(
            store
                .archived_units()
                .await
                .unwrap()
                .into_iter()
                .collect::<Vec<_>>(),
            vec![a.id]
        );

        // A cycle and an unknown parent are refused, nothing changed.
        let cycle = UnitPatch {
            parent_id: Some(a1.id),
            name: Some("Changed".into()),
            ..UnitPatch::default()
        };
        let err = store.update_org_unit(a.id, &cycle, None).await.unwrap_err();
        assert!(err.to_string().contains("under itself"), "{err}");
        let nowhere = UnitPatch {
            parent_id: Some(OrgUnitId::new()),
            ..UnitPatch::default()
        };
        assert!(store.update_org_unit(a.id, &nowhere, None).await.is_err());
        assert_eq!(store.org_unit(a.id).await.unwrap(), after);
        // Nothing to change writes nothing.
        store
            .update_org_unit(a.id, &UnitPatch::default(), None)
            .await
            .unwrap();
        let again = count(
            store,
            "SELECT COUNT(*) FROM audit_log WHERE entity_id = $1",
            &[&a.id.to_string()],
        )
        .await;
        assert_eq!(again, rows);
        assert_eq!(store.map_counts().await.unwrap().get(&a.id), None);
    }
);

both_databases!(
    rest_units_and_maps_follow_the_token_rights,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let enterprise = app.enterprise_map().await.map.org_unit_id;
        let consulting = unit(&app, "Consulting").await;
        let managed = unit(&app, "Managed Services").await;
        let map = common::map_of_unit(&app.store, "Consulting").await;
        let reader = app.token("BI", vec![enterprise], false).await;
        let scoped = app.token("Consulting ERP", vec![consulting], true).await;

        // Reading: the units in scope.
        let (status, body) = app.get("/api/v1/units").bearer(&reader).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body.json()["units"].as_array().unwrap().len(),
            app.store.org_units().await.unwrap().len()
        );
        let (status, body) = app.get("/api/v1/units").bearer(&scoped).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let names: Vec<&str> = body.json()["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["unit"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Consulting"]);
        let (status, _) = app
            .get(&format!("/api/v1/units/{consulting}"))
            .bearer(&scoped)
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app
            .get(&format!("/api/v1/units/{managed}"))
            .bearer(&scoped)
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "a unit outside the scope: {body}"
        );
        let (status, body) = app.get("/api/v1/units/not-a-uuid").bearer(&scoped).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, _) = app.get("/api/v1/units").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // Writing: refused to the read-only token, and to a token without the role.
        let new_unit = json!({ "parent_id": consulting, "name": "Sub", "kind": "team" });
        let new_map = json!({ "org_unit_id": consulting, "name": "Plan", "period_start": "2027-01", "period_end": "2027-12" });
        let rename = json!({ "name": "Renamed" });
        let before = sizes(&app).await;
        for token in [&reader, &scoped] {
            let calls = [
                app.post("/api/v1/units")
                    .bearer(token)
                    .json(&new_unit)
                    .await,
                app.request(http::Method::PATCH, &format!("/api/v1/units/{consulting}"))
                    .bearer(token)
                    .json(&rename)
                    .await,
                app.post("/api/v1/maps").bearer(token).json(&new_map).await,
                app.request(http::Method::PATCH, &format!("/api/v1/maps/{}", map.map.id))
                    .bearer(token)
                    .json(&rename)
                    .await,
            ];
            for (status, body) in calls {
                assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
                assert_eq!(body.json()["code"], json!("forbidden"), "{body}");
            }
        }
        let (status, body) = app
            .post("/api/v1/units")
            .bearer(&reader)
            .json(&new_unit)
            .await;
        assert!(body.contains("read-only"), "{status} {body}");
        let (_, body) = app.post("/api/v1/maps").bearer(&scoped).json(&json!({ "org_unit_id": managed, "name": "Plan", "period_start": "2027-01", "period_end": "2027-12" })).await;
        assert!(
            body.json()["message"]
                .as_str()
                .unwrap()
                .contains("Managed Services"),
            "{body}"
        );
        assert_eq!(sizes(&app).await, before);
        assert_eq!(
            app.store.org_unit(consulting).await.unwrap().name,
            "Consulting"
        );
        assert_eq!(app.store.map(map.map.id).await.unwrap().name, map.map.name);

        // The OpenAPI document describes the new routes.
        let (_, doc) = app.get("/api/v1/openapi.json").await;
        for path in ["/api/v1/units", "/api/v1/units/{id}", "/api/v1/maps/{id}"] {
            assert!(doc.json()["paths"].get(path).is_some(), "{path} documented");
        }
        assert!(doc.json()["paths"]["/api/v1/maps"].get("post").is_some());
    }
);

both_databases!(
    rest_reminder_settings_follow_the_token_rights,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let consulting = unit(&app, "Consulting").await;
        let managed = unit(&app, "Managed Services").await;
        let reader = app.token("BI", vec![consulting], false).await;
        let writer = app.token("ERP", vec![consulting], true).await;
        let admin = app.admin_token("Ops sync", vec![consulting]).await;
        let path = format!("/api/v1/units/{consulting}/reminders");

        // Everyone in scope reads them: the defaults until set.
        let (status, body) = app.get(&path).bearer(&reader).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            *body.json(),
            json!({ "days_before": 3, "days_after": 1, "escalate_after": 7 })
        );
        let (status, _) = app
            .get(&format!("/api/v1/units/{managed}/reminders"))
            .bearer(&reader)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Only an admin token changes them; bad numbers change nothing.
        let wanted = json!({ "days_before": 5, "days_after": 2, "escalate_after": 10 });
        for token in [&reader, &writer] {
            let (status, body) = app
                .request(http::Method::PUT, &path)
                .bearer(token)
                .json(&wanted)
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        }
        let too_many = json!({ "days_before": 5000, "days_after": 2, "escalate_after": 10 });
        let (status, body) = app
            .request(http::Method::PUT, &path)
            .bearer(&admin)
            .json(&too_many)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = app
            .request(http::Method::PUT, &path)
            .bearer(&admin)
            .json(&wanted)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let stored = app.store.reminder_settings(consulting).await.unwrap();
        assert_eq!(
            (stored.days_before, stored.days_after, stored.escalate_after),
            (5, 2, 10)
        );
        let (_, doc) = app.get("/api/v1/openapi.json").await;
        let documented = &doc.json()["paths"]["/api/v1/units/{id}/reminders"];
        assert!(documented.get("get").is_some() && documented.get("put").is_some());
    }
);

both_databases!(
    the_home_tree_shows_each_visible_map_s_score_for_its_latest_month,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let cookies = app.role_cookies().await;
        let top = app.enterprise_map().await;
        let read =
            |body: &str| -> Vec<app::api::MapScoreLine> { serde_json::from_str(body).unwrap() };
        // Someone with no role sees no score.
        let (status, body) = app
            .call_input(cookies[1].as_deref(), "map_scores", &Input::Form(vec![]))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(read(&body).is_empty());
        // A viewer sees every map of the demo that is not archived, each as the map page shows it.
        let (status, body) = app
            .call_input(cookies[2].as_deref(), "map_scores", &Input::Form(vec![]))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let lines = read(&body);
        let live: Vec<MapId> = app
            .store
            .map_summaries()
            .await
            .unwrap()
            .into_iter()
            .filter(|(_, m)| m.status != MapStatus::Archived)
            .map(|(_, m)| m.id)
            .collect();
        assert_eq!(lines.len(), live.len());
        let line = lines
            .iter()
            .find(|l| l.map_id == top.map.id)
            .expect("the top map");
        let today = app::store::current_period();
        let data = app.store.score_data(top.map.id).await.unwrap();
        assert_eq!(
            line.period,
            app::domain::scores::latest_reported(&data, today)
        );
        let model = app::domain::scores::ScoreModel::new(&top, &data, today);
        let expected = model
            .span(app::domain::scoring::Span::Month {
                period: line.period,
            })
            .map;
        assert_eq!(line.score, expected);
        assert!(line.score.value.is_some(), "the demo has data");
    }
);

both_databases!(
    the_workshop_opens_a_unit_map_beside_the_parent_map_it_is_aligned_to,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let viewer = app.cookie(VIEWER).await;
        let unit_map = common::map_of_unit(&app.store, "Consulting").await;
        let top = app.enterprise_map().await;
        let open =
            |map: MapId, parent: Option<MapId>| json!({ "map_id": map, "parent_map": parent });
        let (status, body) = app
            .call_json(
                Some(&viewer),
                "cascade_workshop",
                open(unit_map.map.id, None),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let workshop: app::api::cascade::Workshop = serde_json::from_str(&body).unwrap();
        assert_eq!(workshop.unit.map.id, unit_map.map.id);
        assert_eq!(
            workshop.parent_maps,
            vec![(top.map.id, top.map.name.clone())]
        );
        let parent = workshop.parent.expect("the enterprise map");
        assert_eq!(parent.map.id, top.map.id);
        assert_eq!(parent.objectives.len(), top.objectives.len());
        // Asking for a map that is not the parent unit's falls back to the parent's.
        let (status, body) = app
            .call_json(
                Some(&viewer),
                "cascade_workshop",
                open(unit_map.map.id, Some(unit_map.map.id)),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let workshop: app::api::cascade::Workshop = serde_json::from_str(&body).unwrap();
        assert_eq!(workshop.parent.map(|p| p.map.id), Some(top.map.id));
        // The top unit's map has no parent to cascade from.
        let (status, body) = app
            .call_json(Some(&viewer), "cascade_workshop", open(top.map.id, None))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
);

both_databases!(
    a_unit_map_starts_from_the_parent_s_with_its_picks_aligned_in_one_batch,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let editor = app.cookie(EDITOR).await;
        let cloud = unit(&app, server::demo::CASCADE_NEXT_UNIT).await;
        let top = app.enterprise_map().await;

        // The wizard's starting point: the enterprise map's bands, lanes and objectives.
        let (status, body) = app
            .call_json(
                Some(&editor),
                "cascade_source",
                json!({ "unit_id": cloud, "parent_map": null }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let start: app::api::cascade::CascadeStart = serde_json::from_str(&body).unwrap();
        let parent = start.parent_map.expect("the enterprise has a map");
        assert_eq!(parent.map.id, top.map.id);
        assert_eq!(parent.objectives.len(), top.objectives.len());
        assert!(
            parent.measures.is_empty() && parent.links.is_empty(),
            "only what the wizard shows"
        );

        // Three picks (one reworded), one theme; a refused pick changes nothing.
        let picks: Vec<_> = top.objectives.iter().take(3).collect();
        let draft = |picks: serde_json::Value| {
            json!({ "draft": {
                "map": { "org_unit_id": cloud, "name": "Cloud Platforms 2026", "period_start": "2026-01", "period_end": "2026-12" },
                "parent_map_id": top.map.id, "themes": [top.themes[0].id], "picks": picks
            }})
        };
        let sibling = common::map_of_unit(&app.store, "Consulting").await;
        let before = sizes(&app).await;
        let (status, body) = app
            .call_json(
                Some(&editor),
                "new_cascaded_map",
                draft(json!([{ "parent_objective_id": sibling.objectives[0].id, "title": "" }])),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(sizes(&app).await, before, "no empty map left behind");

        let wanted = json!([
            { "parent_objective_id": picks[0].id, "title": "Grow platform revenue" },
            { "parent_objective_id": picks[1].id, "title": "" },
            { "parent_objective_id": picks[2].id, "title": "  " },
        ]);
        let (status, body) = app
            .call_json(Some(&editor), "new_cascaded_map", draft(wanted))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let map: StrategyMap = serde_json::from_str(&body).unwrap();
        let doc = app.store.map_document(map.id).await.unwrap();
        let names = |d: &MapDocument| {
            d.perspectives
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&doc), names(&top));
        assert_eq!(doc.themes.len(), 1);
        assert_eq!(doc.themes[0].name, top.themes[0].name);
        let titles: Vec<&str> = doc.objectives.iter().map(|o| o.title.as_str()).collect();
        assert!(titles.contains(&"Grow platform revenue"));
        assert!(
            titles.contains(&picks[1].title.as_str()),
            "kept the parent's words"
        );
        assert_eq!(doc.objectives.len(), 3);
        assert!(
            app::domain::cascade::unaligned(&doc).is_empty(),
            "each one aligned"
        );
        // One batch in the op log, so one undo takes it back.
        assert_eq!(doc.seq, 1);
        let batch = app.store.batch_at(map.id, 1).await.unwrap();
        assert_eq!(batch.author, app.user(EDITOR).await.id);
        // The enterprise map now counts the new unit among its supporters.
        let top_after = app.store.map_document(top.map.id).await.unwrap();
        assert!(top_after.supporters.iter().any(|s| s.org_unit_id == cloud));
    }
);

both_databases!(
    the_cascade_report_shows_the_matrix_and_every_gap,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let viewer = app.cookie(VIEWER).await;
        let top = app.enterprise_map().await;
        let cloud = unit(&app, server::demo::CASCADE_NEXT_UNIT).await;
        let (status, body) = app
            .call_json(
                Some(&viewer),
                "cascade_report",
                json!({ "unit_id": top.org_unit.id, "period": "2026-03" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let report: app::domain::cascade::GapReport = serde_json::from_str(&body).unwrap();
        assert_eq!(report.period.to_string(), "2026-03");
        let columns: Vec<&str> = report
            .columns
            .iter()
            .map(|c| c.unit_name.as_str())
            .collect();
        assert_eq!(
            columns,
            ["Cloud Platforms", "Consulting", "Managed Services"]
        );
        assert_eq!(report.without_map, [cloud]);
        assert_eq!(report.rows.len(), top.objectives.len());
        // Unsupported: exactly the enterprise objectives nobody below is aligned to.
        let mut expected: Vec<ObjectiveId> = top
            .objectives
            .iter()
            .filter(|o| !top.supporters.iter().any(|s| s.parent_objective_id == o.id))
            .map(|o| o.id)
            .collect();
        let mut unsupported = report.unsupported.clone();
        expected.sort();
        unsupported.sort();
        assert_eq!(unsupported, expected);
        // Each cell counts the supporters of that unit, as the enterprise map lists them.
        for row in &report.rows {
            for (column, cell) in report.columns.iter().zip(&row.cells) {
                let listed = top
                    .supporters
                    .iter()
                    .filter(|s| {
                        s.parent_objective_id == row.objective_id
                            && s.org_unit_id == column.org_unit_id
                    })
                    .count();
                assert_eq!(
                    cell.supporting.len(),
                    listed,
                    "{} × {}",
                    row.title,
                    column.unit_name
                );
            }
        }

        // Without a month: the latest month with data on the enterprise map, as the map opens.
        let (status, body) = app
            .call_json(
                Some(&viewer),
                "cascade_report",
                json!({ "unit_id": top.org_unit.id, "period": null }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let latest: app::domain::cascade::GapReport = serde_json::from_str(&body).unwrap();
        let data = app.store.score_data(top.map.id).await.unwrap();
        let today = app::store::current_period();
        assert_eq!(
            latest.period,
            app::domain::scores::latest_reported(&data, today)
        );

        // The same through REST, for a token of the enterprise.
        let token = app.token("BI", vec![top.org_unit.id], false).await;
        let (status, body) = app
            .get(&format!(
                "/api/v1/units/{}/gaps?period=2026-03",
                top.org_unit.id
            ))
            .bearer(&token)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let same: app::domain::cascade::GapReport =
            serde_json::from_value(body.json().clone()).unwrap();
        assert_eq!(same, report);
        let (status, _) = app
            .get(&format!(
                "/api/v1/units/{}/gaps?period=March",
                top.org_unit.id
            ))
            .bearer(&token)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let consulting = unit(&app, "Consulting").await;
        let scoped = app.token("Consulting BI", vec![consulting], false).await;
        let (status, _) = app
            .get(&format!("/api/v1/units/{}/gaps", top.org_unit.id))
            .bearer(&scoped)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
);

/// A proposal from Consulting's map to the enterprise map with `ops` and `reason`.
fn proposal_args(
    to: &MapDocument,
    from: MapId,
    reason: &str,
    ops: &[ops::Op],
) -> serde_json::Value {
    json!({ "draft": { "map_id": to.map.id, "from_map_id": from, "reason": reason, "ops": ops } })
}

/// A proposal's decision.
fn decision(id: ProposalId, accept: bool, comment: &str) -> serde_json::Value {
    json!({ "id": id, "decision": { "accept": accept, "comment": comment } })
}

/// The op rewording objective `id` as `title`.
fn reword(id: ObjectiveId, title: &str) -> ops::Op {
    ops::set(ops::EntityKind::Objective, id.0, ops::Field::Title, title)
}

both_databases!(role_matrix_of_the_proposal_functions, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let cookies = app.role_cookies().await;
    let top = app.enterprise_map().await;
    let consulting = common::map_of_unit(&app.store, "Consulting").await;
    let from = consulting.map.id;
    let author = app.user(ADMIN).await.id;
    // One open proposal per person, so each decides a proposal still open.
    let mut open = Vec::new();
    for who in 0..6 {
        let p = proposal::Proposal {
            id: ProposalId::new(),
            map_id: top.map.id,
            from_map_id: from,
            author_id: author,
            author_name: String::new(),
            from_unit: String::new(),
            reason: format!("Reason #{who}"),
            ops: vec![reword(top.objectives[who].id, &format!("Reworded #{who}"))],
            status: proposal::ProposalStatus::Open,
            created_at: app::store::now_text(),
            decided_by: None,
            decided_at: None,
            comment: String::new(),
        };
        app.store.create_proposal(&p).await.unwrap();
        open.push(p.id);
    }
    let top_doc = top.clone();
    let first = top.objectives[0].id;
    let rows: Vec<(&str, [u16; 6], ArgsFor)> = vec![
        (
            "propose_change",
            [401, 403, 403, 403, 200, 200],
            Box::new(move |who| {
                let ops = [reword(first, &format!("Grow #{who}"))];
                Input::Json(proposal_args(&top_doc, from, "Sharper", &ops))
            }),
        ),
        (
            "map_proposals",
            [401, 403, 200, 200, 200, 200],
            Box::new(move |_| Input::Json(json!({ "map_id": from }))),
        ),
        (
            "decide_proposal",
            [401, 403, 403, 403, 200, 200],
            Box::new(move |who| Input::Json(decision(open[who], false, "Not now"))),
        ),
    ];
    for (function, expected, input) in &rows {
        for (who, cookie) in cookies.iter().enumerate() {
            let (status, body) = app
                .call_input(cookie.as_deref(), function, &input(who))
                .await;
            assert_eq!(
                status.as_u16(),
                expected[who],
                "{function} as role #{who}: {body}"
            );
        }
    }
    // Only the editor's and the admin's proposals were kept, and only theirs decided.
    let kept = app.store.proposals_from(from).await.unwrap();
    let made = kept.iter().filter(|p| p.reason == "Sharper").count();
    assert_eq!(made, 2);
    let declined: Vec<String> = kept
        .iter()
        .filter(|p| p.status == proposal::ProposalStatus::Declined)
        .map(|p| p.reason.clone())
        .collect();
    assert_eq!(declined.len(), 2, "{declined:?}");
    assert!(
        declined.contains(&"Reason #4".to_string()) && declined.contains(&"Reason #5".to_string())
    );
});

both_databases!(
    a_unit_proposes_a_change_that_the_parent_s_editors_accept_or_decline,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let tomas = app.cookie(common::TOMAS).await;
        let editor = app.cookie(EDITOR).await;
        let viewer = app.cookie(VIEWER).await;
        let top = app.enterprise_map().await;
        let consulting = common::map_of_unit(&app.store, "Consulting").await;
        let from = consulting.map.id;
        let list = |body: &str| -> proposal::ProposalList { serde_json::from_str(body).unwrap() };
        let (mut watching, _) = app.join(top.map.id, &editor, None).await;

        // Tomás edits Consulting but only views the enterprise map: he proposes a new
        // objective, a sharper title and an arrow from the new objective.
        let add = proposal::add_objective(
            &top,
            &[],
            top.perspectives[1].id,
            "Win public-sector clients",
        )
        .expect("a band");
        let new_id = match &add {
            ops::Op::Create {
                item: ops::NewEntity::Objective(o),
            } => o.id,
            other => panic!("{other:?}"),
        };
        let grow = top.objectives[0].id;
        let drafted = proposal::drafted(&top, std::slice::from_ref(&add));
        let (_, link) = edits::link(&drafted, new_id, grow).unwrap();
        let ops = vec![add, reword(grow, "Grow recurring revenue"), link];
        let (status, body) = app
            .call_json(
                Some(&tomas),
                "propose_change",
                proposal_args(&top, from, "Public sector is our growth", &ops),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let made: proposal::ProposalView = serde_json::from_str(&body).unwrap();
        assert_eq!(made.changes.len(), 3);
        // The enterprise map's open screens hear of it at once.
        let heard = loop {
            if let ops::ServerMsg::ProposalsChanged { map_id } = watching.recv_map().await {
                break map_id;
            }
        };
        assert_eq!(heard, top.map.id);
        assert_eq!(
            made.proposal.author_name,
            app.user(common::TOMAS).await.name
        );
        assert_eq!(made.proposal.from_unit, "Consulting");
        assert_eq!(
            app.store.map_document(top.map.id).await.unwrap(),
            top,
            "nothing changed yet"
        );

        // He cannot decide it; a viewer of the enterprise map does not see it; its editor does.
        let (status, _) = app
            .call_json(
                Some(&tomas),
                "decide_proposal",
                decision(made.proposal.id, true, ""),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, body) = app
            .call_json(
                Some(&viewer),
                "map_proposals",
                json!({ "map_id": top.map.id }),
            )
            .await;
        assert!(list(&body).incoming.is_empty() && !list(&body).may_decide);
        let (_, body) = app
            .call_json(
                Some(&tomas),
                "map_proposals",
                json!({ "map_id": top.map.id }),
            )
            .await;
        assert_eq!(list(&body).incoming.len(), 1, "his own");
        let (_, body) = app
            .call_json(
                Some(&editor),
                "map_proposals",
                json!({ "map_id": top.map.id }),
            )
            .await;
        let seen = list(&body);
        assert!(seen.may_decide);
        assert_eq!(seen.incoming[0].changes, made.changes);

        // Accepted: one batch on the enterprise map, credited to Tomás.
        let seq = app.store.map_seq(top.map.id).await.unwrap();
        let (status, body) = app
            .call_json(
                Some(&editor),
                "decide_proposal",
                decision(made.proposal.id, true, ""),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let after = app.store.map_document(top.map.id).await.unwrap();
        assert_eq!(app.store.map_seq(top.map.id).await.unwrap(), seq + 1);
        let batch = app.store.batch_at(top.map.id, seq + 1).await.unwrap();
        assert_eq!(batch.author, app.user(common::TOMAS).await.id);
        assert_eq!(batch.ops, ops);
        assert!(after
            .objectives
            .iter()
            .any(|o| o.id == new_id && o.title == "Win public-sector clients"));
        assert_eq!(
            after.objective_title(grow).as_deref(),
            Some("Grow recurring revenue")
        );
        assert!(after
            .links
            .iter()
            .any(|l| l.from_id == new_id && l.to_id == grow));
        // Deciding it again is refused and changes nothing.
        let (status, body) = app
            .call_json(
                Some(&editor),
                "decide_proposal",
                decision(made.proposal.id, false, "Oops"),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(app.store.map_seq(top.map.id).await.unwrap(), seq + 1);

        // Declined: a comment is required, and the proposer sees it.
        let second = [reword(top.objectives[1].id, "Delight every client")];
        let (_, body) = app
            .call_json(
                Some(&tomas),
                "propose_change",
                proposal_args(&top, from, "Bolder", &second),
            )
            .await;
        let declined: proposal::ProposalView = serde_json::from_str(&body).unwrap();
        let (status, body) = app
            .call_json(
                Some(&editor),
                "decide_proposal",
                decision(declined.proposal.id, false, "  "),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = app
            .call_json(
                Some(&editor),
                "decide_proposal",
                decision(declined.proposal.id, false, "Too vague for the board"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, body) = app
            .call_json(Some(&tomas), "map_proposals", json!({ "map_id": from }))
            .await;
        let outcome = list(&body);
        let seen = outcome
            .outgoing
            .iter()
            .find(|v| v.proposal.id == declined.proposal.id)
            .expect("his proposal");
        assert_eq!(seen.proposal.status, proposal::ProposalStatus::Declined);
        assert_eq!(seen.proposal.comment, "Too vague for the board");
        assert_eq!(
            seen.proposal.decided_by.as_deref(),
            Some(app.user(EDITOR).await.name.as_str())
        );
        assert!(outcome
            .outgoing
            .iter()
            .any(|v| v.proposal.status == proposal::ProposalStatus::Accepted));
        assert_eq!(
            app.store.map_seq(top.map.id).await.unwrap(),
            seq + 1,
            "declining changes no map"
        );

        // Bad proposals are refused and nothing is kept.
        let kept = app.store.proposals_from(from).await.unwrap().len();
        let delete = [ops::Op::Delete {
            entity: ops::EntityKind::Objective,
            id: grow.0,
        }];
        let managed = common::map_of_unit(&app.store, "Managed Services").await;
        let cases = [
            (
                proposal_args(&top, from, "Gone", &delete),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                proposal_args(&top, from, " ", &second),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                proposal_args(&top, from, "None", &[]),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            // Not the parent unit's map (a sibling's), and not from a map he edits.
            (
                proposal_args(&managed, from, "Sideways", &second),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                proposal_args(&top, managed.map.id, "Not mine", &second),
                StatusCode::FORBIDDEN,
            ),
        ];
        for (args, expected) in cases {
            let (status, body) = app.call_json(Some(&tomas), "propose_change", args).await;
            assert_eq!(status, expected, "{body}");
        }
        assert_eq!(app.store.proposals_from(from).await.unwrap().len(), kept);

        // The REST API lists them with the same rights.
        let enterprise = top.org_unit.id;
        let token = app.token("BI", vec![enterprise], false).await;
        let (status, body) = app
            .get(&format!("/api/v1/maps/{}/proposals", from))
            .bearer(&token)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let rest: app::api::rest_types::ProposalListInfo =
            serde_json::from_value(body.json().clone()).unwrap();
        assert_eq!(rest.outgoing.len(), kept);
        assert!(rest
            .outgoing
            .iter()
            .any(|p| p.status == "declined" && p.comment == "Too vague for the board"));
        let outside = app.token("Outside", vec![managed.org_unit.id], false).await;
        let (status, _) = app
            .get(&format!("/api/v1/maps/{}/proposals", top.map.id))
            .bearer(&outside)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, doc) = app.get("/api/v1/openapi.json").await;
        assert!(doc.json()["paths"]["/api/v1/maps/{id}/proposals"]
            .get("get")
            .is_some());
    }
);

both_databases!(
    a_proposal_whose_target_is_gone_says_so_and_cannot_be_accepted,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let tomas = app.cookie(common::TOMAS).await;
        let editor = app.cookie(EDITOR).await;
        let top = app.enterprise_map().await;
        let from = common::map_of_unit(&app.store, "Consulting").await.map.id;
        let link = top.links[0].id;
        let unlink = [ops::Op::Delete {
            entity: ops::EntityKind::Link,
            id: link.0,
        }];
        // Two proposals remove the same arrow; once the first is accepted the second is stale.
        let mut ids = Vec::new();
        for reason in ["Weak link", "Also weak"] {
            let (status, body) = app
                .call_json(
                    Some(&tomas),
                    "propose_change",
                    proposal_args(&top, from, reason, &unlink),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let v: proposal::ProposalView = serde_json::from_str(&body).unwrap();
            ids.push(v.proposal.id);
        }
        let (status, body) = app
            .call_json(
                Some(&editor),
                "decide_proposal",
                decision(ids[0], true, "Agreed"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let seq = app.store.map_seq(top.map.id).await.unwrap();
        let (_, body) = app
            .call_json(
                Some(&editor),
                "map_proposals",
                json!({ "map_id": top.map.id }),
            )
            .await;
        let listed: proposal::ProposalList = serde_json::from_str(&body).unwrap();
        let stale = listed
            .incoming
            .iter()
            .find(|v| v.proposal.id == ids[1])
            .unwrap();
        assert_eq!(
            stale.stale,
            Some(ops::OpError::Missing(ops::EntityKind::Link))
        );
        assert!(stale.changes.is_empty());
        let (status, body) = app
            .call_json(Some(&editor), "decide_proposal", decision(ids[1], true, ""))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(common::said(&body).contains("no longer applies"), "{body}");
        assert_eq!(
            app.store.map_seq(top.map.id).await.unwrap(),
            seq,
            "nothing applied"
        );
        assert_eq!(
            app.store.proposal(ids[1]).await.unwrap().status,
            proposal::ProposalStatus::Open
        );
        // It can still be declined, with a comment.
        let (status, _) = app
            .call_json(
                Some(&editor),
                "decide_proposal",
                decision(ids[1], false, "Already done"),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
);

both_databases!(
    a_contribution_roll_up_counts_the_units_objectives_once_switched_on,
    |db: Db| async move {
        use app::context::{DataWriter, MapWriter};
        use app::domain::scores::{ScoreModel, Subject};
        use app::domain::scoring::Span;
        let app = TestApp::demo(db).await;
        let editor = app.cookie(EDITOR).await;
        let top = app.enterprise_map().await;
        let today = app::store::current_period();
        let data = app.store.score_data(top.map.id).await.unwrap();
        // Every unit objective aligned to the map comes with its scores from its own map.
        assert_eq!(data.contributions.len(), top.supporters.len());
        let delivery = top
            .objectives
            .iter()
            .find(|o| o.title == "Reduce project delivery time by 30 %")
            .unwrap()
            .id;
        let span = Span::Month {
            period: app::domain::scores::latest_reported(&data, today),
        };
        let mine: Vec<_> = data
            .contributions
            .iter()
            .filter(|c| c.parent_objective_id == delivery)
            .collect();
        assert_eq!(mine.len(), 2, "Managed Services and Consulting");
        for c in &mine {
            let (_, model) = app.store.score_model(c.map_id, today).await.unwrap();
            assert_eq!(c.score(span), model.span(span).objective(c.objective_id));
            assert!(c.score(span).value.is_some(), "the demo has data");
        }
        let off = ScoreModel::new(&top, &data, today);
        let own = off.span(span).objective(delivery);

        // Switched on through the map's write path, the objective's status counts them.
        let author = app.user(EDITOR).await.id;
        let on_op = app::domain::ops::set(
            app::domain::ops::EntityKind::Objective,
            delivery.0,
            app::domain::ops::Field::UnitRollUp,
            true,
        );
        app.state
            .hub
            .mutate(top.map.id, author, uuid::Uuid::now_v7(), vec![on_op])
            .await
            .unwrap();
        let (doc, on) = app.store.score_model(top.map.id, today).await.unwrap();
        assert!(doc
            .objectives
            .iter()
            .any(|o| o.id == delivery && o.unit_rollup));
        let why = on
            .explain(app::i18n::Locale::en, span, Subject::Objective(delivery))
            .unwrap();
        assert!(
            why.lines[0].contains("Consulting, Managed Services"),
            "{:?}",
            why.lines
        );
        let weights: f64 = why
            .children
            .iter()
            .filter(|c| c.score.value.is_some())
            .map(|c| c.weight)
            .sum();
        let expected = why
            .children
            .iter()
            .filter_map(|c| c.score.value.map(|v| v * c.weight))
            .sum::<f64>()
            / weights;
        let counted = on.span(span).objective(delivery).value.unwrap();
        assert!((counted - expected).abs() < 1e-9, "{counted} vs {expected}");
        assert_eq!(
            why.children.len(),
            off.explain(app::i18n::Locale::en, span, Subject::Objective(delivery))
                .unwrap()
                .children
                .len()
                + 2
        );
        assert_ne!(Some(counted), own.value);

        // New data on a unit map tells the enterprise map's screens to read their scores again.
        let (mut ws, _) = app.join(top.map.id, &editor, None).await;
        let unit = app.store.map_document(mine[0].map_id).await.unwrap();
        let measure = unit
            .measures
            .iter()
            .find(|m| m.objective_id == mine[0].objective_id)
            .or(unit.measures.first())
            .unwrap()
            .id;
        let batch = DataBatch {
            actuals: vec![Actual {
                measure_id: measure,
                period: span_period(span),
                value: 1.0,
                note: String::new(),
                entered_by: None,
                entered_at: app::store::now_text(),
                source: DataSource::Api,
            }],
            ..DataBatch::default()
        };
        app.state.hub.write_data(batch, None).await.unwrap();
        let seen = loop {
            if let app::domain::ops::ServerMsg::ScoresChanged { map_id } = ws.recv_map().await {
                break map_id;
            }
        };
        assert_eq!(seen, top.map.id);
    }
);

/// The month of a month span.
fn span_period(span: app::domain::scoring::Span) -> Period {
    match span {
        app::domain::scoring::Span::Month { period } => period,
        other => panic!("not a month: {other:?}"),
    }
}
