//! Exports against a real server on SQLite and PostgreSQL: the scorecard as CSV (formula cells
//! neutralised) and XLSX (read back by calamine), the map as SVG and PNG in the reader's
//! language, the initiative timeline as PNG, briefing books as PDF (their text read back by
//! `pdftotext`), a closed review's book that does not move when actuals change afterwards, the
//! rights of every download link for each role, and the REST routes' token rights.

use crate::common;

use app::domain::review::ReviewState;
use app::domain::*;
use common::{Db, TestApp, ADMIN, VIEWER};
use http::{header, StatusCode};
use serde_json::json;

/// A GET as `cookie`, answered with its status, headers and bytes.
async fn download(app: &TestApp, cookie: Option<&str>, uri: &str) -> common::Reply {
    app.get(uri).cookie_opt(cookie).reply().await
}

/// The demo enterprise's closed review.
async fn closed_review(app: &TestApp) -> app::domain::review::Review {
    let root = app.enterprise_map().await.map.org_unit_id;
    app.store
        .reviews_of(root)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.state == ReviewState::Closed)
        .expect("the demo has a closed review")
}

both_databases!(
    the_scorecard_downloads_as_csv_and_xlsx,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let map = app.enterprise_map().await;
        // An objective titled like a formula: the files must not let a spreadsheet run it.
        let (status, body) = app
            .call(
                Some(&admin),
                "create_objective",
                &[
                    ("map_id", map.map.id.to_string()),
                    ("perspective_id", map.perspectives[0].id.to_string()),
                    ("title", "=HYPERLINK(\"http://evil.example\")".into()),
                    ("x", "900".into()),
                    ("y", "60".into()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let csv = download(
            &app,
            Some(&admin),
            &format!(
                "/maps/{}/export/scorecard.csv?kind=month&period=2026-03",
                map.map.id
            ),
        )
        .await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
        assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert!(csv.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains(".csv"));
        assert!(
            csv.bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
            "a byte-order mark"
        );
        let mut reader = csv::Reader::from_reader(&csv.bytes[3..]);
        let header_row = reader.headers().unwrap().clone();
        assert_eq!(&header_row[0], "Perspective");
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        for m in &map.measures {
            assert!(rows.iter().any(|r| r[4] == m.name), "{} is a line", m.name);
        }
        assert!(rows
            .iter()
            .any(|r| &r[1] == "'=HYPERLINK(\"http://evil.example\")"));
        assert!(
            !rows.iter().any(|r| r[1].starts_with('=')),
            "no cell starts a formula"
        );

        let xlsx = download(
            &app,
            Some(&admin),
            &format!(
                "/maps/{}/export/scorecard.xlsx?kind=month&period=2026-03",
                map.map.id
            ),
        )
        .await;
        assert_eq!(xlsx.status, StatusCode::OK, "{}", xlsx.body);
        use calamine::{Data, Reader, Xlsx};
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.bytes)).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(
            range.get_value((0, 0)),
            Some(&Data::String("Perspective".into()))
        );
        let has_number = (1..range.height() as u32)
            .any(|r| matches!(range.get_value((r, 6)), Some(Data::Float(_))));
        assert!(has_number, "actuals are numbers a spreadsheet sums");
        let titles: Vec<String> = (1..range.height() as u32)
            .filter_map(|r| range.get_value((r, 1)).map(|v| v.to_string()))
            .collect();
        assert!(titles.contains(&"'=HYPERLINK(\"http://evil.example\")".to_string()));

        // A malformed period is a 400 that says so; nothing else is made.
        let bad = download(
            &app,
            Some(&admin),
            &format!("/maps/{}/export/scorecard.csv?period=March", map.map.id),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
        let unknown = download(
            &app,
            Some(&admin),
            &format!("/maps/{}/export/x.doc", map.map.id),
        )
        .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    }
);

both_databases!(
    the_map_and_timeline_download_as_pictures,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let viewer = app.cookie(VIEWER).await;
        let map = app.enterprise_map().await;
        let svg = app
            .get(&format!("/maps/{}/export/map.svg", map.map.id))
            .cookie(&viewer)
            .header(header::ACCEPT_LANGUAGE, "de")
            .reply()
            .await;
        assert_eq!(svg.status, StatusCode::OK, "{}", svg.body);
        assert_eq!(svg.headers[header::CONTENT_TYPE], "image/svg+xml");
        let text = svg.body.to_string();
        assert!(text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(text.contains(&map.map.name));
        for p in &map.perspectives {
            assert!(text.contains(&app::domain::drawing::escape(&p.name)) || p.name.len() > 13);
        }
        use app::domain::scoring::Status;
        let german = [Status::Red, Status::Amber, Status::Green, Status::NoData]
            .map(|s| s.text(app::i18n::Locale::de));
        assert!(
            german.iter().any(|w| text.contains(&format!(">{w}<"))),
            "statuses in the reader's language"
        );
        assert!(!text.contains(">No data<") && !text.contains(">Green<"));

        let png = download(
            &app,
            Some(&viewer),
            &format!("/maps/{}/export/map.png", map.map.id),
        )
        .await;
        assert_eq!(png.status, StatusCode::OK, "{}", png.body);
        assert_eq!(png.headers[header::CONTENT_TYPE], "image/png");
        assert!(png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        let width = u32::from_be_bytes(png.bytes[16..20].try_into().unwrap());
        assert!(width > 1000, "drawn at twice its size: {width}");

        let unit = map.map.org_unit_id;
        let timeline = download(
            &app,
            Some(&viewer),
            &format!("/units/{unit}/export/timeline.png"),
        )
        .await;
        assert_eq!(timeline.status, StatusCode::OK, "{}", timeline.body);
        assert!(timeline.bytes.starts_with(b"\x89PNG"));
    }
);

/// Redraws `map` through the edit protocol (its first objective moved and reworded, its first
/// arrow removed) and closes every open initiative of its unit.
async fn redraw_and_close_initiatives(app: &TestApp, admin: &str, map: &MapDocument) {
    use app::domain::ops::{self, ClientMsg, EntityKind, Field, ServerMsg};
    let first = &map.objectives[0];
    let arrow = map.links.first().expect("the demo map has arrows");
    let ops = vec![
        ops::set(
            EntityKind::Objective,
            first.id.0,
            Field::Position,
            json!({ "x": first.x + 300.0, "y": first.y }),
        ),
        ops::set(EntityKind::Objective, first.id.0, Field::Title, "Reworded"),
        ops::Op::Unlink { id: arrow.id },
    ];
    let (mut ws, _) = app.join(map.map.id, admin, None).await;
    let op_id = uuid::Uuid::new_v4();
    ws.send_json(&ClientMsg::Mutate { op_id, ops }).await;
    loop {
        match ws.recv_map().await {
            ServerMsg::Ack { op_id: acked, .. } if acked == op_id => break,
            ServerMsg::Reject { reason, .. } => panic!("the redraw was refused: {reason}"),
            _ => {}
        }
    }
    let today = chrono::Utc::now().date_naive();
    for (summary, milestones) in app
        .store
        .initiative_cards(map.map.org_unit_id)
        .await
        .unwrap()
    {
        if summary.initiative.closed_on.is_some() {
            continue;
        }
        let closed = summary.initiative.with_closed_on(Some(today));
        let (status, body) = app
            .call_json(
                Some(admin),
                "save_initiative",
                json!({ "draft": { "initiative": closed, "milestones": milestones } }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

both_databases!(
    a_closed_reviews_briefing_book_is_its_frozen_record,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let map = app.enterprise_map().await;
        let review = closed_review(&app).await;
        let uri = format!("/reviews/{}/briefing.pdf", review.id);
        let first = download(&app, Some(&admin), &uri).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        assert_eq!(first.headers[header::CONTENT_TYPE], "application/pdf");
        let text = common::pdf_text(&first.bytes);
        for words in [
            review.title.as_str(),
            map.map.name.as_str(),
            "Strategy map",
            "Scorecard",
            "Agenda",
            "Analysis",
            "Open actions",
        ] {
            assert!(text.contains(words), "the book shows {words:?}:\n{text}");
        }
        let page = serde_json::from_str::<app::api::reviews::ReviewPage>(
            &app.call_json(Some(&admin), "get_review", json!({ "id": review.id }))
                .await
                .1,
        )
        .unwrap();
        let first_item = &page.snapshot.items[0];
        assert!(text.contains(&first_item.title));

        // New actuals for every measure after closing change nothing in the record's book.
        let period = review.span.bounds().1;
        for m in map
            .measures
            .iter()
            .filter(|m| m.data_source != DataSource::Formula)
        {
            let (status, body) = app
                .call(
                    Some(&admin),
                    "record_actual",
                    &[
                        ("measure_id", m.id.to_string()),
                        ("period", period.to_string()),
                        ("value", "1234.5".into()),
                        ("note", "after closing".into()),
                    ],
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let again = download(&app, Some(&admin), &uri).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(
            common::pdf_text(&again.bytes),
            text,
            "the record does not move"
        );

        // Nor does redrawing the map (a box moved and reworded, an arrow gone) or closing every
        // initiative: the book draws the map and the timeline kept at closing, byte for byte.
        redraw_and_close_initiatives(&app, &admin, &map).await;
        let svg = download(
            &app,
            Some(&admin),
            &format!("/maps/{}/export/map.svg", map.map.id),
        )
        .await;
        assert!(svg.body.contains("Reworded"), "the map itself changed");
        let timeline = download(
            &app,
            Some(&admin),
            &format!("/units/{}/export/timeline.png", map.map.org_unit_id),
        )
        .await;
        assert_eq!(
            timeline.status,
            StatusCode::NOT_FOUND,
            "no open initiative is left"
        );
        let redrawn = download(&app, Some(&admin), &uri).await;
        assert_eq!(redrawn.status, StatusCode::OK);
        assert!(
            redrawn.bytes == again.bytes,
            "the closed review's book is unchanged after the map and the initiatives changed"
        );

        // A book of the map for the same span is made from the data as it is now.
        let live = download(
            &app,
            Some(&admin),
            &format!(
                "/maps/{}/export/briefing.pdf?kind=month&period={period}",
                map.map.id
            ),
        )
        .await;
        assert_eq!(live.status, StatusCode::OK, "{}", live.body);
        let live_text = common::pdf_text(&live.bytes);
        assert!(live_text.contains(&map.map.name));
        assert!(
            live_text.contains("1,234.5") || live_text.contains("1234.5"),
            "{live_text}"
        );
    }
);

both_databases!(
    a_briefing_book_speaks_the_readers_language,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let review = closed_review(&app).await;
        let book = app
            .get(&format!("/reviews/{}/briefing.pdf", review.id))
            .cookie(&admin)
            .header(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9")
            .reply()
            .await;
        assert_eq!(book.status, StatusCode::OK, "{}", book.body);
        let text = common::pdf_text(&book.bytes);
        assert!(text.contains("Briefing-Mappe"), "{text}");
        assert!(text.contains("Offene Maßnahmen"), "{text}");
    }
);

both_databases!(every_download_link_checks_the_role, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let cookies = app.role_cookies().await;
    let map = app.enterprise_map().await;
    let review = closed_review(&app).await;
    let unit = map.map.org_unit_id;
    let links = [
        format!("/maps/{}/export/scorecard.csv", map.map.id),
        format!("/maps/{}/export/scorecard.xlsx", map.map.id),
        format!("/maps/{}/export/map.svg", map.map.id),
        format!("/maps/{}/export/map.png", map.map.id),
        format!("/maps/{}/export/briefing.pdf", map.map.id),
        format!("/units/{unit}/export/timeline.png"),
        format!("/reviews/{}/briefing.pdf", review.id),
    ];
    // Anonymous, outsider, viewer, contributor, editor, admin.
    let expected = [401, 403, 200, 200, 200, 200];
    for link in &links {
        for (who, cookie) in cookies.iter().enumerate() {
            let reply = download(&app, cookie.as_deref(), link).await;
            assert_eq!(
                reply.status.as_u16(),
                expected[who],
                "{link} as role #{who}: {}",
                reply.body
            );
        }
    }
    // Unknown items are 404s, not files.
    let (status, _) = app
        .get(&format!("/maps/{}/export/map.svg", MapId::new()))
        .cookie(cookies[5].as_deref().unwrap())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get("/reviews/not-an-id/briefing.pdf")
        .cookie(cookies[5].as_deref().unwrap())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

both_databases!(exports_over_rest_keep_the_uis_rights, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let map = app.enterprise_map().await;
    let root = map.map.org_unit_id;
    let consulting = common::unit_id(&app.store, "Consulting").await;
    let review = closed_review(&app).await;
    let reader = app.token("Board pack", vec![root], false).await;
    let scoped = app.token("Consulting only", vec![consulting], false).await;
    let files = [
        (
            format!("/api/v1/maps/{}/scorecard.csv", map.map.id),
            "text/csv; charset=utf-8",
        ),
        (
            format!("/api/v1/maps/{}/scorecard.xlsx", map.map.id),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            format!("/api/v1/maps/{}/map.svg", map.map.id),
            "image/svg+xml",
        ),
        (format!("/api/v1/maps/{}/map.png", map.map.id), "image/png"),
        (
            format!("/api/v1/maps/{}/briefing.pdf", map.map.id),
            "application/pdf",
        ),
        (
            format!("/api/v1/reviews/{}/briefing.pdf", review.id),
            "application/pdf",
        ),
        (format!("/api/v1/units/{root}/timeline.png"), "image/png"),
    ];
    for (uri, kind) in &files {
        let reply = app.get(uri).bearer(&reader).reply().await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
        assert_eq!(reply.headers[header::CONTENT_TYPE], *kind, "{uri}");
        let reply = app.get(uri).bearer(&scoped).reply().await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}: out of scope");
        assert_eq!(reply.body["code"], "forbidden", "{uri}");
        let (status, _) = app.get(uri).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}: no token");
    }
    let (status, body) = app
        .get(&format!(
            "/api/v1/maps/{}/map.svg?period=13-2026",
            map.map.id
        ))
        .bearer(&reader)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = app
        .get("/api/v1/maps/nope/scorecard.csv")
        .bearer(&reader)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
});
