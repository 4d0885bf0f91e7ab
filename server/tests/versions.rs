//! Templates and yearly versions on SQLite and PostgreSQL: a copy for another unit with and
//! without its measures and targets, the annual refresh copying what it should (structure,
//! alignments, measures, next year's targets ramped from this year's actuals; the old version
//! archived, read-only and readable), two versions compared, the server functions' role matrix,
//! and REST with the same rights.

use crate::common;

use app::api::versions::{VersionComparison, VersionPlan};
use app::domain::ops::{self, EntityKind, Field, Op};
use app::domain::proposal::Change;
use app::domain::*;
use common::{Db, Input, TestApp, EDITOR};
use http::StatusCode;
use serde_json::{json, Value};

/// Calls server function `function` as `cookie` and reads its answer, which must be a success.
async fn call<T: serde::de::DeserializeOwned>(
    app: &TestApp,
    cookie: &str,
    function: &str,
    args: Value,
) -> T {
    let (status, body) = app.call_json(Some(cookie), function, args).await;
    assert_eq!(status, StatusCode::OK, "{function}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{function}: {e}: {body}"))
}

/// The objectives' titles of a map, sorted.
fn titles(doc: &MapDocument) -> Vec<String> {
    let mut t: Vec<String> = doc.objectives.iter().map(|o| o.title.clone()).collect();
    t.sort();
    t
}

/// The measures' names of a map, sorted.
fn measure_names(doc: &MapDocument) -> Vec<String> {
    let mut n: Vec<String> = doc.measures.iter().map(|m| m.name.clone()).collect();
    n.sort();
    n
}

/// The arrows of a map as (cause title, effect title), sorted.
fn arrows(doc: &MapDocument) -> Vec<(String, String)> {
    let titles: std::collections::HashMap<ObjectiveId, &str> = doc
        .objectives
        .iter()
        .map(|o| (o.id, o.title.as_str()))
        .collect();
    let mut a: Vec<(String, String)> = doc
        .links
        .iter()
        .map(|l| (titles[&l.from_id].to_string(), titles[&l.to_id].to_string()))
        .collect();
    a.sort();
    a
}

both_databases!(
    the_annual_refresh_copies_what_it_should,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let editor = app.cookie(EDITOR).await;
        let old = app.map_named("Managed").await;
        let id = old.map.id;
        let data = app.store.score_data(id).await.unwrap();
        let latest = data.readings.iter().map(|r| r.period).max().unwrap();

        let plan: VersionPlan =
            call(&app, &editor, "next_version_plan", json!({ "map_id": id })).await;
        assert!(
            plan.period_start > latest,
            "it starts after the last month with data"
        );
        assert!(
            plan.period_start.plus_months(-12) <= latest,
            "and not a year later"
        );
        assert_eq!(
            plan.period_start.months_until(plan.period_end),
            old.map.period_start.months_until(old.map.period_end),
            "the same span"
        );
        assert_eq!(plan.existing_id, None);

        let made: StrategyMap = call(&app, &editor, "next_version", json!({ "map_id": id })).await;
        assert_eq!(
            (&made.name, made.period_start, made.period_end),
            (&plan.name, plan.period_start, plan.period_end)
        );
        assert_eq!(made.previous_version_id, Some(id));
        assert_eq!(made.status, old.map.status);
        let new = app.store.map_document(made.id).await.unwrap();

        // The structure, the statement, the alignments and the measures came along.
        assert_eq!(titles(&new), titles(&old));
        assert_eq!(arrows(&new), arrows(&old));
        assert_eq!(measure_names(&new), measure_names(&old));
        assert_eq!(new.map.vision, old.map.vision);
        let names = |d: &MapDocument| {
            d.perspectives
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&new), names(&old));
        let mut supported: Vec<_> = new
            .alignments
            .iter()
            .map(|a| a.parent_objective_id)
            .collect();
        let mut before: Vec<_> = old
            .alignments
            .iter()
            .map(|a| a.parent_objective_id)
            .collect();
        supported.sort();
        before.sort();
        assert!(
            !before.is_empty(),
            "the demo unit map supports the enterprise map"
        );
        assert_eq!(supported, before, "the alignments stay");
        for o in &new.objectives {
            let origin = old.objectives.iter().find(|x| Some(x.id) == o.origin_id);
            assert_eq!(origin.map(|x| x.title.as_str()), Some(o.title.as_str()));
        }

        // Next year's targets: a straight line from the last actual before it to the goal.
        let new_data = app.store.score_data(made.id).await.unwrap();
        let year_end = plan.period_start.plus_months(11);
        let mut ramped = 0;
        for m in &old.measures {
            let start = data
                .readings
                .iter()
                .filter(|r| r.measure_id == m.id && r.period < plan.period_start)
                .max_by_key(|r| r.period);
            let goal = data
                .targets
                .iter()
                .filter(|t| t.measure_id == m.id && t.period <= year_end)
                .max_by_key(|t| t.period);
            let copy = new.measures.iter().find(|x| x.name == m.name).unwrap();
            let mut next: Vec<&Target> = new_data
                .targets
                .iter()
                .filter(|t| t.measure_id == copy.id && t.period <= year_end)
                .collect();
            next.sort_by_key(|t| t.period);
            let (Some(start), Some(goal)) = (start, goal) else {
                continue;
            };
            let n = next.len() as f64;
            assert!(n >= 1.0, "{} has next year's targets", m.name);
            let first = start.value + (goal.goal - start.value) / n;
            assert!((next[0].goal - first).abs() < 1e-6, "{}: {next:?}", m.name);
            let last = next[next.len() - 1];
            assert!(
                (last.goal - goal.goal).abs() < 1e-6,
                "{}: reaches the goal",
                m.name
            );
            assert!(
                ((last.red_flag - last.goal) - (goal.red_flag - goal.goal)).abs() < 1e-6,
                "{}: the red flag keeps its distance",
                m.name
            );
            ramped += 1;
        }
        assert!(ramped > 0, "some measure had actuals and goals");

        // The old version is archived: readable with all its data, refusing edits.
        let after = app.store.map_document(id).await.unwrap();
        assert_eq!(after.map.status, MapStatus::Archived);
        assert_eq!(titles(&after), titles(&old));
        let kept = app.store.score_data(id).await.unwrap();
        assert_eq!(kept.readings.len(), data.readings.len());
        assert_eq!(kept.targets.len(), data.targets.len());
        let (mut ws, _) = app.join(id, &editor, None).await;
        let edit = ops::set(
            EntityKind::Objective,
            old.objectives[0].id.0,
            Field::Title,
            "Later",
        );
        assert!(
            ws.mutate(vec![edit]).await.is_err(),
            "an archived map refuses edits"
        );

        // A second refresh is refused, and the plan names the version made.
        let (status, body) = app
            .call_json(Some(&editor), "next_version", json!({ "map_id": id }))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.contains(&made.name), "{body}");
        let plan: VersionPlan =
            call(&app, &editor, "next_version_plan", json!({ "map_id": id })).await;
        assert_eq!(plan.existing_id, Some(made.id));

        // Compared: nothing differs; a reworded and a deleted objective show.
        let page: VersionComparison = call(
            &app,
            &editor,
            "compare_versions",
            json!({ "map_id": made.id, "with": null }),
        )
        .await;
        let pair = page.compared.expect("the previous version is compared");
        assert_eq!((pair.older.map.id, pair.newer.map.id), (id, made.id));
        assert!(pair.diff.changes.is_empty(), "{:?}", pair.diff.changes);
        let reworded = &new.objectives[0];
        let deleted = &new.objectives[1];
        let (mut ws, _) = app.join(made.id, &editor, None).await;
        ws.mutate(vec![
            ops::set(
                EntityKind::Objective,
                reworded.id.0,
                Field::Title,
                "Run fewer, better services",
            ),
            Op::Delete {
                entity: EntityKind::Objective,
                id: deleted.id.0,
            },
        ])
        .await
        .expect("next year's map takes edits");
        let page: VersionComparison = call(
            &app,
            &editor,
            "compare_versions",
            json!({ "map_id": id, "with": made.id }),
        )
        .await;
        let changes = page.compared.unwrap().diff.changes;
        assert!(changes.contains(&Change::Reword {
            objective_id: reworded.origin_id.unwrap(),
            from: reworded.title.clone(),
            to: "Run fewer, better services".into(),
        }));
        assert!(changes.contains(&Change::Remove {
            objective_id: deleted.origin_id.unwrap()
        }));
        assert!(
            changes
                .iter()
                .all(|c| !matches!(c, Change::Add { .. } | Change::Link { .. })),
            "{changes:?}"
        );
    }
);

both_databases!(
    a_copy_for_another_unit_takes_what_was_asked,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let editor = app.cookie(EDITOR).await;
        let source = app.enterprise_map().await;
        let consulting = common::unit_id(&app.store, "Consulting").await;
        let draft = |with_measures: bool| {
            json!({
                "source": source.map.id,
                "draft": {
                    "org_unit_id": consulting,
                    "name": "Consulting, from the enterprise map",
                    "period_start": "2027-01",
                    "period_end": "2027-12",
                    "with_measures": with_measures
                }
            })
        };
        let bare: StrategyMap = call(&app, &editor, "copy_map", draft(false)).await;
        let doc = app.store.map_document(bare.id).await.unwrap();
        assert_eq!(doc.org_unit.id, consulting);
        assert_eq!(titles(&doc), titles(&source));
        assert_eq!(arrows(&doc), arrows(&source));
        assert!(doc.measures.is_empty());
        assert_eq!(doc.map.vision, "", "another unit states its own vision");
        assert!(doc.alignments.is_empty(), "another unit has another parent");
        assert!(doc.objectives.iter().all(|o| o.owner_id.is_none()));

        let full: StrategyMap = call(&app, &editor, "copy_map", draft(true)).await;
        let doc = app.store.map_document(full.id).await.unwrap();
        assert_eq!(measure_names(&doc), measure_names(&source));
        let targets = app.store.score_data(full.id).await.unwrap().targets;
        let source_targets = app.store.score_data(source.map.id).await.unwrap().targets;
        assert_eq!(
            targets.len(),
            source_targets.len(),
            "the targets as they are"
        );
        assert!(
            app.store
                .score_data(full.id)
                .await
                .unwrap()
                .readings
                .is_empty(),
            "no actuals are copied"
        );

        // A blank name changes nothing; comparing maps of two units is refused.
        let maps_before = app.store.map_summaries().await.unwrap().len();
        let mut blank = draft(false);
        blank["draft"]["name"] = json!("  ");
        let (status, body) = app.call_json(Some(&editor), "copy_map", blank).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(app.store.map_summaries().await.unwrap().len(), maps_before);
        let (status, body) = app
            .call_json(
                Some(&editor),
                "compare_versions",
                json!({ "map_id": source.map.id, "with": full.id }),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
);

both_databases!(
    the_version_functions_have_the_maps_rights_in_the_app_and_over_rest,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let cookies = app.role_cookies().await;
        let map = app.enterprise_map().await;
        let managed = app.map_named("Managed").await;
        let unit = map.map.org_unit_id;
        let copy = json!({
            "source": map.map.id,
            "draft": { "org_unit_id": unit, "name": "A copy", "period_start": "2027-01", "period_end": "2027-12" }
        });
        // Anonymous, outsider, viewer, contributor, editor, admin. The editor makes the next
        // version, so the admin's second try finds it made.
        app.assert_role_matrix(
            &cookies,
            &[
                (
                    "next_version_plan",
                    [401, 403, 200, 200, 200, 200],
                    Input::Json(json!({ "map_id": managed.map.id })),
                ),
                (
                    "compare_versions",
                    [401, 403, 200, 200, 200, 200],
                    Input::Json(json!({ "map_id": map.map.id, "with": null })),
                ),
                (
                    "copy_map",
                    [401, 403, 403, 403, 200, 200],
                    Input::Json(copy),
                ),
                (
                    "next_version",
                    [401, 403, 403, 403, 200, 409],
                    Input::Json(json!({ "map_id": managed.map.id })),
                ),
            ],
        )
        .await;

        // REST: a reader's token reads, a read-only token writes nothing, a writing token of
        // an editor copies and refreshes; a token of another unit sees nothing of this one.
        let consulting = common::unit_id(&app.store, "Consulting").await;
        let reader = app.token("Analyst", vec![unit], false).await;
        let writer = app
            .admin_token_by("Strategy office", vec![unit], EDITOR)
            .await;
        let scoped = app.token("Consulting only", vec![consulting], false).await;
        let consulting_map = app.map_named("Consulting").await;
        let plan_uri = format!("/api/v1/maps/{}/next-version", consulting_map.map.id);
        let reply = app.get(&plan_uri).bearer(&reader).reply().await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let plan: VersionPlan = reply.body.parse();
        assert_eq!(plan.existing_id, None);
        let reply = app.post(&plan_uri).bearer(&reader).reply().await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "a read-only token");
        let reply = app.post(&plan_uri).bearer(&writer).reply().await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        let made: Value = reply.body.json().clone();
        assert_eq!(made["name"], json!(plan.name));
        let reply = app.post(&plan_uri).bearer(&writer).reply().await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);

        let next = made["id"].as_str().unwrap().to_string();
        let compare_uri = format!("/api/v1/maps/{}/compare/{next}", consulting_map.map.id);
        let reply = app.get(&compare_uri).bearer(&reader).reply().await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let compared = reply.body.json();
        assert_eq!(compared["older_map_id"], json!(consulting_map.map.id));
        assert_eq!(compared["changes"], json!([]));
        let other_unit = format!("/api/v1/maps/{}/compare/{}", map.map.id, managed.map.id);
        let reply = app.get(&other_unit).bearer(&reader).reply().await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        let reply = app
            .get(&format!("/api/v1/maps/{}/next-version", map.map.id))
            .bearer(&scoped)
            .reply()
            .await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "outside the token's scope"
        );

        let copy_uri = format!("/api/v1/maps/{}/copy", map.map.id);
        let body = json!({ "org_unit_id": consulting, "name": "Consulting copy", "period_start": "2027-01", "period_end": "2027-12", "with_measures": true });
        let reply = app
            .post(&copy_uri)
            .bearer(&reader)
            .json(&body)
            .reply()
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "a read-only token");
        let reply = app
            .post(&copy_uri)
            .bearer(&writer)
            .json(&body)
            .reply()
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        assert_eq!(reply.body.json()["org_unit_name"], json!("Consulting"));
        let reply = app
            .post(&copy_uri)
            .bearer(&writer)
            .json(&json!({ "name": 3 }))
            .reply()
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    }
);
