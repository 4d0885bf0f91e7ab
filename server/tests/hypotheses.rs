//! Arrows tested against data on SQLite and PostgreSQL: the demo's supported and contradicted
//! arrows, an arrow's expectation set through the edit protocol (stored, live, refused out of
//! range), the server function's role matrix, and REST with the same rights.

use crate::common;

use app::domain::hypothesis::MapHypotheses;
use app::domain::hypothesis::{Direction, Verdict};
use app::domain::ops::{self, EntityKind, Field};
use app::domain::*;
use common::{Db, Input, TestApp, ADMIN};
use http::StatusCode;
use serde_json::json;

/// The arrows of `map` tested, as `cookie` asks for them.
async fn tested(app: &TestApp, cookie: &str, map: MapId) -> MapHypotheses {
    let (status, body) = app
        .call_json(Some(cookie), "map_hypotheses", json!({ "map_id": map }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// The arrow from the objective titled `from` to the one titled `to` on `map`.
fn arrow<'a>(
    map: &'a MapHypotheses,
    from: &str,
    to: &str,
) -> &'a app::domain::hypothesis::HypothesisView {
    map.links
        .iter()
        .find(|l| l.from_title.starts_with(from) && l.to_title.starts_with(to))
        .unwrap_or_else(|| panic!("{from} → {to} is an arrow"))
}

both_databases!(
    the_demo_data_supports_one_arrow_and_contradicts_another,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let map = app.enterprise_map().await;
        let found = tested(&app, &admin, map.map.id).await;
        assert_eq!(found.links.len(), map.links.len(), "every arrow is listed");
        let supported = arrow(
            &found,
            "Implement knowledge management",
            "Reduce project delivery",
        );
        assert_eq!(supported.test.verdict, Verdict::Supported);
        assert_eq!(
            (supported.lag_months, supported.test.lag),
            (Some(2), Some(2))
        );
        assert!(supported.test.rho.unwrap() > 0.8, "{:?}", supported.test);
        assert!(supported.test.pairs >= 20, "two years of months");
        assert_eq!(supported.test.correlations.len(), 13, "lags 0 to 12");
        let contradicted = arrow(&found, "Develop a technical certification", "Achieve 99 %");
        assert_eq!(contradicted.test.verdict, Verdict::Contradicted);
        assert!(contradicted.test.rho.unwrap() < -0.8);
        assert_eq!(
            found.links[0].link_id, contradicted.link_id,
            "contradicted first"
        );
        assert_eq!(
            (
                found.count(Verdict::Supported),
                found.count(Verdict::Contradicted)
            ),
            (1, 1),
            "noise in the other arrows passes no bar"
        );
        assert!(supported.cause_series.len() >= 20 && supported.effect_series.len() >= 20);

        // A unit map whose objectives have no measures of their own yet: not enough data.
        let unit = app.map_named("Managed").await;
        let unit_found = tested(&app, &admin, unit.map.id).await;
        assert!(!unit_found.links.is_empty());
        assert!(unit_found
            .links
            .iter()
            .all(|l| l.test.verdict == Verdict::NotEnoughData));
    }
);

both_databases!(
    an_arrows_expectation_is_an_edit_like_any_other,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let map = app.enterprise_map().await;
        let found = tested(&app, &admin, map.map.id).await;
        let contradicted =
            arrow(&found, "Develop a technical certification", "Achieve 99 %").link_id;
        let (mut ws, _) = app.join(map.map.id, &admin, None).await;
        let (mut watcher, _) = app.join(map.map.id, &admin, None).await;

        // "More certification, less first-time quality": the data now supports the arrow.
        let flip = ops::set(
            EntityKind::Link,
            contradicted.0,
            Field::Direction,
            Direction::Opposite,
        );
        ws.mutate(vec![flip]).await.expect("the direction is set");
        let heard = watcher.next_batch().await;
        assert!(format!("{heard:?}").contains("Direction"), "{heard:?}");
        let stored = app.store.map_document(map.map.id).await.unwrap();
        let link = stored.links.iter().find(|l| l.id == contradicted).unwrap();
        assert_eq!(
            (link.direction, link.lag_months),
            (Direction::Opposite, Some(1))
        );
        let again = tested(&app, &admin, map.map.id).await;
        assert_eq!(again.verdict_of(contradicted), Some(Verdict::Supported));

        // Any lag: the lag of the echo is found among all thirteen.
        ws.mutate(vec![ops::set(
            EntityKind::Link,
            contradicted.0,
            Field::Lag,
            Option::<u8>::None,
        )])
        .await
        .expect("no lag is a lag");
        let any = tested(&app, &admin, map.map.id).await;
        let l = any
            .links
            .iter()
            .find(|l| l.link_id == contradicted)
            .unwrap();
        assert_eq!((l.lag_months, l.test.lag), (None, Some(1)));

        // Out of range or not a direction: refused, nothing changes.
        for (field, value) in [
            (Field::Lag, json!(13)),
            (Field::Lag, json!(-1)),
            (Field::Direction, json!("sideways")),
        ] {
            let refused = ws
                .mutate(vec![ops::Op::Set {
                    entity: EntityKind::Link,
                    id: contradicted.0,
                    field,
                    value,
                }])
                .await;
            assert!(refused.is_err(), "{field:?}");
        }
        let stored = app.store.map_document(map.map.id).await.unwrap();
        let link = stored.links.iter().find(|l| l.id == contradicted).unwrap();
        assert_eq!(
            (link.direction, link.lag_months),
            (Direction::Opposite, None)
        );
    }
);

both_databases!(
    hypotheses_have_the_maps_rights_in_the_app_and_over_rest,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let cookies = app.role_cookies().await;
        let map = app.enterprise_map().await;
        // Anonymous, outsider, viewer, contributor, editor, admin.
        app.assert_role_matrix(
            &cookies,
            &[(
                "map_hypotheses",
                [401, 403, 200, 200, 200, 200],
                Input::Json(json!({ "map_id": map.map.id })),
            )],
        )
        .await;
        let (status, _) = app
            .call_json(
                cookies[5].as_deref(),
                "map_hypotheses",
                json!({ "map_id": MapId::new() }),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let root = map.map.org_unit_id;
        let consulting = common::unit_id(&app.store, "Consulting").await;
        let reader = app.token("Analyst", vec![root], false).await;
        let scoped = app.token("Consulting only", vec![consulting], false).await;
        let uri = format!("/api/v1/maps/{}/hypotheses", map.map.id);
        let reply = app.get(&uri).bearer(&reader).reply().await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let over_rest: MapHypotheses = serde_json::from_value(reply.body.json().clone()).unwrap();
        assert_eq!(over_rest.count(Verdict::Contradicted), 1);
        let reply = app.get(&uri).bearer(&scoped).reply().await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        let (status, _) = app.get(&uri).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let reply = app
            .get(&format!("/api/v1/maps/{}/hypotheses", MapId::new()))
            .bearer(&reader)
            .reply()
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        let (_, doc) = app.get("/api/v1/openapi.json").await;
        assert!(doc["paths"].get("/api/v1/maps/{id}/hypotheses").is_some());
    }
);

both_databases!(
    a_quarterly_review_questions_the_contradicted_arrow,
    |db: Db| async move {
        use app::api::reviews::ReviewPage;
        use app::domain::review::{Cadence, ItemReason, ItemSubject};
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let map = app.enterprise_map().await;
        let found = tested(&app, &admin, map.map.id).await;
        let contradicted = arrow(&found, "Develop a technical certification", "Achieve 99 %");
        let supported = arrow(
            &found,
            "Implement knowledge management",
            "Reduce project delivery",
        );
        let reviews = app.store.reviews_of(map.map.org_unit_id).await.unwrap();
        let page = |cadence: Cadence| {
            let id = reviews
                .iter()
                .find(|r| r.cadence == cadence && r.closed_at.is_none())
                .unwrap_or_else(|| panic!("the demo schedules a {cadence:?} review"))
                .id;
            let app = &app;
            let admin = admin.clone();
            async move {
                let (status, body) = app
                    .call_json(Some(&admin), "get_review", json!({ "id": id }))
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
                serde_json::from_str::<ReviewPage>(&body).unwrap()
            }
        };

        // The quarterly review has the contradicted arrow on its agenda, and only that one.
        let quarterly = page(Cadence::Quarterly).await;
        let arrows: Vec<_> = quarterly
            .snapshot
            .items
            .iter()
            .filter(|i| matches!(i.subject, ItemSubject::Link(_)))
            .collect();
        assert_eq!(arrows.len(), 1, "{arrows:?}");
        assert_eq!(arrows[0].subject, ItemSubject::Link(contradicted.link_id));
        assert_eq!(arrows[0].reason, ItemReason::Contradicted);
        assert_eq!(
            arrows[0].title,
            format!("{} → {}", contradicted.from_title, contradicted.to_title)
        );
        let cause_owner = map
            .objectives
            .iter()
            .find(|o| o.id == contradicted.from_id)
            .unwrap()
            .owner_id;
        assert_eq!(arrows[0].owner_id, cause_owner);
        assert!(!quarterly
            .snapshot
            .items
            .iter()
            .any(|i| i.subject == ItemSubject::Link(supported.link_id)));
        // Its test travels with the snapshot: figures, charts and the summary line.
        assert_eq!(quarterly.snapshot.arrows.len(), 1);
        assert_eq!(quarterly.snapshot.arrows[0].test, contradicted.test);
        let (count, months) = quarterly.snapshot.arrows_questioned().unwrap();
        assert_eq!(count, 1);
        assert!(months >= 20, "two years of data: {months}");

        // The monthly review leaves the arrows alone.
        let monthly = page(Cadence::Monthly).await;
        assert!(monthly.snapshot.arrows_questioned().is_none());
        assert!(monthly.snapshot.arrows.is_empty());

        // The briefing book prints the arrow with the verdict's reason and what was found.
        let book = app
            .get(&format!("/reviews/{}/briefing.pdf", quarterly.review.id))
            .cookie_opt(Some(&admin))
            .reply()
            .await;
        assert_eq!(book.status, StatusCode::OK, "{}", book.body);
        let text = common::pdf_text(&book.bytes);
        for words in [
            "Contradicted by the data",
            "Expects more → more",
            "ρ = −0.",
            contradicted.from_title.as_str(),
        ] {
            assert!(text.contains(words), "the book shows {words:?}:\n{text}");
        }
    }
);
