//! Initiatives against a real server on SQLite and PostgreSQL: the role matrix of the page and
//! the save, an initiative created whole with its milestones and objectives (one transaction:
//! a bad milestone leaves nothing), the suggestion and flags it is served with, the checks on
//! what a payload refers to (objectives of another unit, owners without a role, another unit's
//! id), closing and reopening, live news to the unit's map, and the REST routes' token rights.

use crate::common;

use app::api::initiatives::{InitiativeCard, InitiativesPage};
use app::domain::initiative::{Flag, ProgressMode};
use app::domain::*;
use chrono::{Days, NaiveDate};
use common::{Db, Input, TestApp, ADMIN, EDITOR, TOMAS};
use http::StatusCode;
use serde_json::{json, Value};

/// The server's today, as the page computes flags for.
fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// A day `n` days from today (before it when negative).
fn day(n: i64) -> NaiveDate {
    if n >= 0 {
        today() + Days::new(n as u64)
    } else {
        today() - Days::new(n.unsigned_abs())
    }
}

/// `save_initiative`'s arguments for `initiative` with `milestones`.
fn save_args(initiative: &Initiative, milestones: &[Milestone]) -> Value {
    json!({ "draft": { "initiative": initiative, "milestones": milestones } })
}

/// An initiative of `unit` that started 60 days ago and ends in 30, over budget, 10 % done, moving
/// `objectives`, owned by `owner`, with one milestone already overdue.
fn lagging(
    unit: OrgUnitId,
    objectives: Vec<ObjectiveId>,
    owner: UserId,
) -> (Initiative, Vec<Milestone>) {
    let i = Initiative::new(unit, "Partner portal", day(-60), day(30))
        .with_description("Self-service quotes for partners.")
        .with_owner(Some(owner))
        .with_budget(100_000.0, 120_000.0)
        .with_progress(InitiativeStatus::OnTrack, 10)
        .with_objectives(objectives);
    let ms = vec![
        Milestone::new(i.id, "Pilot with three partners", day(-5)).with_weight(2.0),
        Milestone::new(i.id, "Open to all partners", day(45)).with_owner(Some(owner)),
    ];
    (i, ms)
}

/// The card of `id` on the unit's page, as `cookie` sees it.
async fn card_on_page(
    app: &TestApp,
    cookie: &str,
    unit: OrgUnitId,
    id: InitiativeId,
) -> Option<InitiativeCard> {
    let (status, body) = app
        .call_json(Some(cookie), "unit_initiatives", json!({ "unit_id": unit }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let page: InitiativesPage = serde_json::from_str(&body).unwrap();
    page.items
        .into_iter()
        .find(|c| c.summary.initiative.id == id)
}

both_databases!(initiatives_role_matrix, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let cookies = app.role_cookies().await;
    let map = app.enterprise_map().await;
    let root = map.map.org_unit_id;
    let owner = app.user(EDITOR).await.id;
    let readers = [401, 403, 200, 200, 200, 200];
    let editors = [401, 403, 403, 403, 200, 200];
    // Each person saves an initiative of their own (a second save by the same id would be an
    // edit, which the matrix does not mean to test).
    let rows: Vec<(&str, [u16; 6], Input)> = vec![(
        "unit_initiatives",
        readers,
        Input::Json(json!({ "unit_id": root })),
    )];
    app.assert_role_matrix(&cookies, &rows).await;
    for (who, cookie) in cookies.iter().enumerate() {
        let (i, ms) = lagging(root, vec![map.objectives[0].id], owner);
        let (status, body) = app
            .call_input(
                cookie.as_deref(),
                "save_initiative",
                &Input::Json(save_args(&i, &ms)),
            )
            .await;
        assert_eq!(
            status.as_u16(),
            editors[who],
            "save_initiative as role #{who}: {body}"
        );
        let stored = app.store.initiative(i.id).await.is_ok();
        assert_eq!(stored, editors[who] == 200, "role #{who}");
    }
    // The objective panel's link: a demo initiative tied to one more objective, then untied.
    let demo = app.store.initiatives_of(root).await.unwrap()[0].clone();
    let other = map
        .objectives
        .iter()
        .find(|o| !demo.objective_ids.contains(&o.id))
        .unwrap()
        .id;
    for (who, cookie) in cookies.iter().enumerate() {
        for linked in [true, false] {
            let args = json!({ "initiative_id": demo.id, "objective_id": other, "linked": linked });
            let (status, body) = app
                .call_input(cookie.as_deref(), "link_initiative", &Input::Json(args))
                .await;
            assert_eq!(
                status.as_u16(),
                editors[who],
                "link_initiative as role #{who}: {body}"
            );
            if status.is_success() {
                let now = app.store.initiative(demo.id).await.unwrap().objective_ids;
                assert_eq!(now.contains(&other), linked, "role #{who}");
            }
        }
    }
    assert_eq!(
        app.store
            .initiative(demo.id)
            .await
            .unwrap()
            .objective_ids
            .len(),
        demo.objective_ids.len()
    );
});

both_databases!(
    an_initiative_is_saved_whole_and_served_with_its_suggestion,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let editor = app.cookie(EDITOR).await;
        let map = app.enterprise_map().await;
        let root = map.map.org_unit_id;
        let owner = app.user(EDITOR).await.id;
        let objective = map.objectives[0].id;
        let (i, ms) = lagging(root, vec![objective, objective], owner);
        let (status, body) = app
            .call_json(Some(&editor), "save_initiative", save_args(&i, &ms))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let card: InitiativeCard = serde_json::from_str(&body).unwrap();
        assert_eq!(
            card.summary.initiative.objective_ids,
            vec![objective],
            "one link per objective"
        );
        assert_eq!(card.milestones.len(), 2);
        assert_eq!(card.summary.milestones_total, 2);
        // 60 of 90 days gone with 10 % done, a milestone overdue and more spent than budgeted.
        assert_eq!(card.suggestion.status, InitiativeStatus::Late);
        assert_eq!(
            card.flags,
            vec![Flag::OverBudget, Flag::MilestonesOverdue { count: 1 }]
        );
        // The map page's initiatives list shows it (it moves an objective of the map).
        let (status, body) = app
            .call(
                Some(&editor),
                "map_initiatives",
                &[("map_id", map.map.id.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("Partner portal"), "{body}");

        // Earned by milestones: the overdue one weighs 2 of 3; done, it earns 67 %.
        let mut earned = i.clone().with_progress_mode(ProgressMode::Milestones);
        earned.objective_ids = vec![objective];
        let mut done = ms.clone();
        done[0].done = true;
        let (status, body) = app
            .call_json(Some(&editor), "save_initiative", save_args(&earned, &done))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let card = card_on_page(&app, &editor, root, i.id).await.unwrap();
        assert_eq!(card.summary.initiative.percent_complete, 67);
        assert_eq!(card.flags, vec![Flag::OverBudget]);
        // Milestones left out of a save are removed.
        let (status, body) = app
            .call_json(
                Some(&editor),
                "save_initiative",
                save_args(&earned, &done[..1]),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(app.store.milestones_of(i.id).await.unwrap().len(), 1);
        // Every save is in the audit history: created, then changed twice.
        let id = i.id.to_string();
        let sql = "SELECT COUNT(*) FROM audit_log WHERE entity = 'initiative' AND entity_id = $1 AND action = $2";
        assert_eq!(common::count(&app.store, sql, &[&id, "create"]).await, 1);
        assert_eq!(common::count(&app.store, sql, &[&id, "update"]).await, 2);
    }
);

both_databases!(
    bad_initiatives_are_refused_and_change_nothing,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let editor = app.cookie(EDITOR).await;
        let map = app.enterprise_map().await;
        let root = map.map.org_unit_id;
        let owner = app.user(EDITOR).await.id;
        let consulting = common::unit_id(&app.store, "Consulting").await;
        let unit_objective = app
            .store
            .map_summaries()
            .await
            .unwrap()
            .into_iter()
            .find(|(u, _)| *u != root)
            .map(|(_, m)| m.id);
        let outsider = {
            common::add_outsider(&app.store).await;
            app.user(common::OUTSIDER).await.id
        };
        let try_save = |i: Initiative, ms: Vec<Milestone>| {
            let (app, editor) = (&app, editor.clone());
            async move {
                let (status, body) = app
                    .call_json(Some(&editor), "save_initiative", save_args(&i, &ms))
                    .await;
                let stored = app.store.initiative(i.id).await.is_ok();
                (status, body, stored)
            }
        };

        // Reversed dates, a blank name, a milestone with a blank name: 422, nothing stored (the
        // milestone is checked before the initiative is written).
        let (i, ms) = lagging(root, vec![], owner);
        let reversed = Initiative {
            end_date: day(-90),
            ..i.clone()
        };
        let (status, body, stored) = try_save(reversed, ms.clone()).await;
        assert_eq!(
            (status, stored),
            (StatusCode::UNPROCESSABLE_ENTITY, false),
            "{body}"
        );
        assert!(common::said(&body).contains("end date"), "{body}");
        let mut blank = ms.clone();
        blank[1].name = "  ".into();
        let (status, body, stored) = try_save(i.clone(), blank).await;
        assert_eq!(
            (status, stored),
            (StatusCode::UNPROCESSABLE_ENTITY, false),
            "{body}"
        );
        let too_many: Vec<Milestone> = (0..101)
            .map(|n| Milestone::new(i.id, format!("Step {n}"), day(n)))
            .collect();
        let (status, body, stored) = try_save(i.clone(), too_many).await;
        assert_eq!(
            (status, stored),
            (StatusCode::UNPROCESSABLE_ENTITY, false),
            "{body}"
        );

        // An objective of another unit's map, an owner without a role on the unit.
        if let Some(other_map) = unit_objective {
            let doc = app.store.map_document(other_map).await.unwrap();
            if let Some(o) = doc.objectives.first() {
                let (status, body, stored) =
                    try_save(i.clone().with_objectives(vec![o.id]), ms.clone()).await;
                assert_eq!(
                    (status, stored),
                    (StatusCode::UNPROCESSABLE_ENTITY, false),
                    "{body}"
                );
                assert!(common::said(&body).contains("own unit"), "{body}");
            }
        }
        let (status, body, stored) =
            try_save(i.clone().with_owner(Some(outsider)), ms.clone()).await;
        assert_eq!((status, stored), (StatusCode::BAD_REQUEST, false), "{body}");
        let mut foreign_owner = ms.clone();
        foreign_owner[0].owner_id = Some(outsider);
        let (status, _, stored) = try_save(i.clone(), foreign_owner).await;
        assert_eq!((status, stored), (StatusCode::BAD_REQUEST, false));

        // Made in one unit, it stays there: the same id sent for Consulting is refused.
        let (status, body, _) = try_save(i.clone(), ms.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let moved = Initiative {
            org_unit_id: consulting,
            ..i.clone()
        };
        let (status, body, _) = try_save(moved, ms.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(app.store.initiative(i.id).await.unwrap().org_unit_id, root);

        // Closed, it takes nothing but a reopen.
        let closed = i.clone().with_closed_on(Some(today()));
        let (status, body, _) = try_save(closed.clone(), ms.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let renamed = Initiative {
            name: "Renamed while closed".into(),
            ..closed.clone()
        };
        let (status, body, _) = try_save(renamed, ms.clone()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(common::said(&body).contains("is closed"), "{body}");
        assert_eq!(
            app.store.initiative(i.id).await.unwrap().name,
            "Partner portal"
        );
        let card = card_on_page(&app, &editor, root, i.id).await.unwrap();
        assert!(card.flags.is_empty(), "a closed initiative raises no flag");
        let (status, body, _) = try_save(i.clone(), ms.clone()).await;
        assert_eq!(status, StatusCode::OK, "reopened: {body}");
        assert_eq!(app.store.initiative(i.id).await.unwrap().closed_on, None);

        // Tomás edits Consulting only: the enterprise unit's initiatives are not his to change.
        let tomas = app.cookie(TOMAS).await;
        let (status, body) = app
            .call_json(Some(&tomas), "save_initiative", save_args(&i, &ms))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
);

both_databases!(
    the_units_maps_hear_of_a_changed_initiative,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let editor = app.cookie(EDITOR).await;
        let map = app.enterprise_map().await;
        let owner = app.user(EDITOR).await.id;
        let (mut watching, _) = app.join(map.map.id, &editor, None).await;
        let (i, ms) = lagging(map.map.org_unit_id, vec![map.objectives[1].id], owner);
        let (status, body) = app
            .call_json(Some(&editor), "save_initiative", save_args(&i, &ms))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let heard = loop {
            if let ops::ServerMsg::InitiativesChanged { map_id } = watching.recv_map().await {
                break map_id;
            }
        };
        assert_eq!(heard, map.map.id);
    }
);

both_databases!(
    initiatives_over_rest_keep_the_uis_rights,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let map = app.enterprise_map().await;
        let root = map.map.org_unit_id;
        let consulting = common::unit_id(&app.store, "Consulting").await;
        let owner = app.user(ADMIN).await.id;
        // Writing initiatives needs the editor role: an admin token (a read+write token acts as a
        // contributor).
        let writer = app
            .admin_token_by("Portfolio tool", vec![root], ADMIN)
            .await;
        let contributor = app.token("Time sheets", vec![root], true).await;
        let reader = app.token("Reporting", vec![root], false).await;
        let scoped = app.token("Consulting only", vec![consulting], true).await;

        let list = format!("/api/v1/units/{root}/initiatives");
        let (status, body) = app.get(&list).bearer(&reader).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let demo_count = body.json()["items"].as_array().unwrap().len();
        assert_eq!(
            demo_count,
            app.store.initiatives_of(root).await.unwrap().len()
        );
        let (status, _) = app.get(&list).bearer(&scoped).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.get(&list).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let (i, ms) = lagging(root, vec![map.objectives[0].id], owner);
        let draft = json!({ "initiative": i, "milestones": ms });
        let (status, _) = app.post(&list).bearer(&reader).json(&draft).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a read-only token");
        let (status, _) = app.post(&list).bearer(&contributor).json(&draft).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a contributor's token");
        let (status, _) = app
            .post(&format!("/api/v1/units/{consulting}/initiatives"))
            .bearer(&scoped)
            .json(&draft)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "another unit in the body");
        assert!(app.store.initiative(i.id).await.is_err());
        let (status, body) = app.post(&list).bearer(&writer).json(&draft).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(
            body.json()["summary"]["initiative"]["name"],
            "Partner portal"
        );
        let (status, _) = app.post(&list).bearer(&writer).json(&draft).await;
        assert_eq!(status, StatusCode::CONFLICT, "the id exists");

        let one = format!("/api/v1/initiatives/{}", i.id);
        let (status, body) = app.get(&one).bearer(&reader).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body.json()["milestones"].as_array().unwrap().len(), 2);
        let (status, _) = app.get(&one).bearer(&scoped).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app
            .get("/api/v1/initiatives/not-an-id")
            .bearer(&reader)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // A milestone marked done through PUT; a PUT naming another initiative is refused.
        let mut done = ms.clone();
        done[0].done = true;
        let put = json!({ "initiative": i, "milestones": done });
        let (status, _) = app.put(&one).bearer(&scoped).json(&put).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = app.put(&one).bearer(&writer).json(&put).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body.json()["summary"]["milestones_done"], 1);
        let other = format!("/api/v1/initiatives/{}", InitiativeId::new());
        let (status, _) = app.put(&other).bearer(&writer).json(&put).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, body) = app
            .put(&one)
            .bearer(&writer)
            .json(&json!({ "initiative": { "name": 3 } }))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
);
