//! The Strategy screen's data on SQLite and PostgreSQL: vision, mission, values and a theme's
//! description and owner edited live through the map's socket (stored, heard by others,
//! undone), the server functions' role matrix, and REST with the same rights, its changes
//! reaching open maps through the same commit path.

use crate::common;

use app::api::strategy::MapStrategy;
use app::domain::ops::{self, EntityKind, Field};
use app::domain::*;
use common::{Db, Input, TestApp, ADMIN, EDITOR, VIEWER};
use http::{Method, StatusCode};
use serde_json::json;

both_databases!(
    the_strategy_is_edited_live_and_stored,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let editor = app.cookie(EDITOR).await;
        let viewer = app.cookie(VIEWER).await;
        let map = app.enterprise_map().await;
        let id = map.map.id;
        let theme = map.themes[0].id;
        let owner = app.user(ADMIN).await.id;
        let (mut ws, _) = app.join(id, &editor, None).await;
        let (mut watcher, _) = app.join(id, &viewer, None).await;

        let edits = vec![
            ops::set(
                EntityKind::Map,
                id.0,
                Field::Mission,
                "We keep our clients' systems running.",
            ),
            ops::set(EntityKind::Map, id.0, Field::Values, "Candour\nCraft\nCare"),
            ops::set(
                EntityKind::Theme,
                theme.0,
                Field::Description,
                "Fewer incidents, faster fixes.",
            ),
            ops::set(EntityKind::Theme, theme.0, Field::Owner, Some(owner)),
        ];
        ws.mutate(edits.clone())
            .await
            .expect("the statements are edits");
        assert_eq!(
            watcher.next_batch().await,
            edits,
            "a viewer's screen hears them"
        );

        let stored = app.store.map_document(id).await.unwrap();
        assert_eq!(stored.map.mission, "We keep our clients' systems running.");
        assert_eq!(stored.map.values, "Candour\nCraft\nCare");
        let t = stored.themes.iter().find(|t| t.id == theme).unwrap();
        assert_eq!(
            (t.description.as_str(), t.owner_id),
            ("Fewer incidents, faster fixes.", Some(owner))
        );
        assert!(
            stored.people.iter().any(|p| p.id == owner),
            "a theme's owner is among the people the map names"
        );

        // No owner (what undo sends back) clears it, for everyone.
        ws.mutate(vec![ops::set(
            EntityKind::Theme,
            theme.0,
            Field::Owner,
            Option::<UserId>::None,
        )])
        .await
        .expect("no owner is an owner");
        let cleared = watcher.next_batch().await;
        assert!(format!("{cleared:?}").contains("Owner"), "{cleared:?}");
        let stored = app.store.map_document(id).await.unwrap();
        assert_eq!(
            stored
                .themes
                .iter()
                .find(|t| t.id == theme)
                .unwrap()
                .owner_id,
            None
        );

        // Too long, or from a viewer: refused, nothing changes.
        let long = "x".repeat(5000);
        let refused = ws
            .mutate(vec![ops::set(
                EntityKind::Theme,
                theme.0,
                Field::Description,
                &long,
            )])
            .await;
        assert!(refused.is_err());
        let from_viewer = watcher
            .mutate(vec![ops::set(EntityKind::Map, id.0, Field::Vision, "Mine")])
            .await;
        assert!(from_viewer.is_err());
        let stored = app.store.map_document(id).await.unwrap();
        assert_eq!(stored.map.vision, map.map.vision);
        assert_eq!(
            stored
                .themes
                .iter()
                .find(|t| t.id == theme)
                .unwrap()
                .description,
            "Fewer incidents, faster fixes."
        );
    }
);

both_databases!(
    the_strategy_has_the_maps_rights_in_the_app_and_over_rest,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let cookies = app.role_cookies().await;
        let map = app.enterprise_map().await;
        let theme = map.themes[1].id;
        // Anonymous, outsider, viewer, contributor, editor, admin.
        app.assert_role_matrix(
            &cookies,
            &[
                (
                    "map_strategy",
                    [401, 403, 200, 200, 200, 200],
                    Input::Json(json!({ "map_id": map.map.id })),
                ),
                (
                    "update_strategy",
                    [401, 403, 403, 403, 200, 200],
                    Input::Json(json!({
                        "map_id": map.map.id,
                        "patch": { "vision": "Trusted by every client we serve" }
                    })),
                ),
            ],
        )
        .await;
        let (status, body) = app
            .call_json(
                cookies[4].as_deref(),
                "map_strategy",
                json!({ "map_id": map.map.id }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let read: MapStrategy = serde_json::from_str(&body).unwrap();
        assert_eq!(read.vision, "Trusted by every client we serve");
        assert_eq!(read.themes.len(), map.themes.len());

        // REST: a reader's token reads; a writing token of an editor changes it, and an open
        // map hears the change as edits.
        let root = map.map.org_unit_id;
        let consulting = common::unit_id(&app.store, "Consulting").await;
        let reader = app.token("Analyst", vec![root], false).await;
        let writer = app
            .admin_token_by("Strategy office", vec![root], EDITOR)
            .await;
        let scoped = app.token("Consulting only", vec![consulting], false).await;
        let uri = format!("/api/v1/maps/{}/strategy", map.map.id);
        let reply = app.get(&uri).bearer(&reader).reply().await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.body.parse::<MapStrategy>().vision, read.vision);
        assert_eq!(
            app.get(&uri).bearer(&scoped).reply().await.status,
            StatusCode::FORBIDDEN
        );
        let patch = json!({ "mission": "Run what matters", "themes": [{ "id": theme, "description": "Grow with the clients we have" }] });
        let reply = app
            .request(Method::PATCH, &uri)
            .bearer(&reader)
            .json(&patch)
            .reply()
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "a read-only token");
        let admin = cookies[5].clone().unwrap();
        let (mut open, _) = app.join(map.map.id, &admin, None).await;
        let reply = app
            .request(Method::PATCH, &uri)
            .bearer(&writer)
            .json(&patch)
            .reply()
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let changed: MapStrategy = reply.body.parse();
        assert_eq!(changed.mission, "Run what matters");
        let t = changed.themes.iter().find(|t| t.id == theme).unwrap();
        assert_eq!(t.description, "Grow with the clients we have");
        let ops = open.next_batch().await;
        assert_eq!(ops.len(), 2, "{ops:?}");

        // A theme of no map, an owner without a role on the unit, a blank theme name: refused,
        // and nothing of the patch is written.
        let outsider = app.user(common::OUTSIDER).await.id;
        for (bad, status) in [
            (
                json!({ "themes": [{ "id": ThemeId::new() }] }),
                StatusCode::NOT_FOUND,
            ),
            (
                json!({ "vision": "Half", "themes": [{ "id": theme, "owner_id": outsider }] }),
                StatusCode::BAD_REQUEST,
            ),
            (
                json!({ "vision": "Half", "themes": [{ "id": theme, "name": "  " }] }),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        ] {
            let reply = app
                .request(Method::PATCH, &uri)
                .bearer(&writer)
                .json(&bad)
                .reply()
                .await;
            assert_eq!(reply.status, status, "{bad}: {}", reply.body);
        }
        let after = app
            .get(&uri)
            .bearer(&reader)
            .reply()
            .await
            .body
            .parse::<MapStrategy>();
        assert_eq!(
            after.vision, read.vision,
            "nothing of a refused patch is written"
        );
        let (_, doc) = app.get("/api/v1/openapi.json").await;
        assert!(doc["paths"]["/api/v1/maps/{id}/strategy"]
            .get("patch")
            .is_some());
    }
);
