//! Import tests through the real router (on SQLite and PostgreSQL): malformed files, an XLSX
//! workbook with dates and a second sheet, permissions, valid-only versus all-or-nothing
//! commits, idempotent re-imports, and that a commit tells open maps their scores changed.

use crate::common;

use common::{Db, TestApp, ADMIN, EDITOR, TOMAS};

use app::api::{CommitMode, CommitStatus, DryRun, ProblemView};
use app::domain::ops::ServerMsg;
use app::domain::*;
use axum::http::StatusCode;
use server::imports::ImportStore;
use std::time::Duration;

/// Every actual of a map's measures as (measure, period, value, note, source).
async fn actuals_of(
    app: &TestApp,
    doc: &MapDocument,
) -> Vec<(MeasureId, Period, f64, String, DataSource)> {
    let mut out = Vec::new();
    for m in &doc.measures {
        for a in app.store.actuals(m.id).await.unwrap() {
            out.push((a.measure_id, a.period, a.value, a.note, a.source));
        }
    }
    out.sort_by_key(|a| (a.0, a.1));
    out
}

/// The demo company served, a session of its admin, and the enterprise map the imports go to.
async fn admin_on_enterprise(db: Db) -> (TestApp, String, MapDocument) {
    let (app, admin) = TestApp::demo_signed_in(db, ADMIN).await;
    let doc = app.enterprise_map().await;
    (app, admin, doc)
}

/// Uploads `file` (a CSV) to `doc`'s map and commits it; how the commit ended.
async fn import(
    app: &TestApp,
    cookie: &str,
    doc: &MapDocument,
    file: Vec<u8>,
    mode: CommitMode,
) -> CommitStatus {
    let run = app.upload_ok(cookie, doc.map.id, "file.csv", file).await;
    app.commit_import(cookie, run.preview.id, mode).await.1
}

/// The line and kind of each problem a dry run lists.
fn problem_kinds(run: &DryRun) -> Vec<(u32, &str)> {
    let problems = run.problems.iter();
    problems.map(|p| (p.line, p.kind.as_str())).collect()
}

/// An imported actual as `actuals_of` lists it.
fn imported(
    measure: MeasureId,
    period: &str,
    value: f64,
    note: &str,
) -> (MeasureId, Period, f64, String, DataSource) {
    let period = period.parse().unwrap();
    (measure, period, value, note.into(), DataSource::Import)
}

/// A CSV of one good row for `measure` (January 2031).
fn one_row(measure: &str) -> String {
    format!("Measure,Period,Value\n{measure},2031-01,1\n")
}

/// The problems of an import as the CSV download gives them.
async fn problems_csv(app: &TestApp, cookie: &str, id: ImportId) -> String {
    let uri = format!("/imports/{id}/problems.csv");
    let (status, csv) = app.get(&uri).cookie(cookie).await;
    assert_eq!(status, StatusCode::OK);
    csv.to_string()
}

/// A CSV with two good rows and one of each bad kind.
fn mixed_csv(doc: &MapDocument) -> String {
    let (a, b) = (&doc.measures[0].name, &doc.measures[1].name);
    format!(
        "Measure,Period,Value,Note\n\
         {a},2031-01,11.5,first\n\
         {b},Feb 2031,22,\n\
         Revenu growth,2031-01,1,\n\
         {a},2031-02,twelve,\n\
         {a},2031-13,1,\n\
         {b},2031-03,5,\n\
         {b},2031-03,6,\n"
    )
}

both_databases!(malformed_files_are_clear_errors, |db: Db| async move {
    let (app, admin, doc) = admin_on_enterprise(db).await;
    let map = doc.map.id;
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "empty.csv",
            Vec::new(),
            StatusCode::BAD_REQUEST,
            "The file is empty",
        ),
        (
            "header.csv",
            b"Measure,Period,Value\n".to_vec(),
            StatusCode::BAD_REQUEST,
            "no data rows",
        ),
        (
            "garbage.xlsx",
            vec![0x13, 0x37, 0x00, 0xff, 0x42],
            StatusCode::BAD_REQUEST,
            "workbook cannot be read",
        ),
        (
            "truncated.xlsx",
            b"PK\x03\x04\x14\x00\x00\x00".to_vec(),
            StatusCode::BAD_REQUEST,
            "workbook cannot be read",
        ),
        (
            "latin1.csv",
            b"Measure,Period,Value\nSatisfaction client\xe9,2026-01,1\n".to_vec(),
            StatusCode::BAD_REQUEST,
            "not UTF-8",
        ),
        (
            "binary.csv",
            b"Measure,\x00\x01\x02".to_vec(),
            StatusCode::BAD_REQUEST,
            "binary data",
        ),
    ];
    for (name, bytes, want, text) in cases {
        let (status, body) = app.upload(Some(&admin), map, name, bytes).await;
        assert_eq!(status, want, "{name}: {body}");
        assert!(common::said(&body).contains(text), "{name}: {body}");
    }
    let mut many = String::from("Measure,Period,Value\n");
    for _ in 0..=app::domain::import::MAX_ROWS {
        many.push_str("A,2026-01,1\n");
    }
    let (status, body) = app
        .upload(Some(&admin), map, "many.csv", many.into_bytes())
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        common::said(&body).contains("more than 200,000 rows"),
        "{body}"
    );
    let too_big = vec![b'a'; app::files::MAX_FILE_BYTES + 10];
    let (status, body) = app.upload(Some(&admin), map, "big.csv", too_big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(common::said(&body).contains("larger than 20 MB"));

    // Ragged rows are read; the dry run names them.
    let doc = app.enterprise_map().await;
    let ragged = format!(
        "Measure,Period,Value\n{},2026-01,1,234\n",
        doc.measures[0].name
    );
    let run = app
        .upload_ok(&admin, map, "ragged.csv", ragged.into_bytes())
        .await;
    assert_eq!(run.valid, 0);
    assert_eq!(run.problems[0].kind, "extra cells");
    assert_eq!(run.problems[0].line, 2);

    // No session → 401; unknown map → 404; nothing kept for either.
    let (status, _) = app.upload(None, map, "a.csv", b"a,b\n1,2\n".to_vec()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .upload(Some(&admin), MapId::new(), "a.csv", b"a,b\n1,2\n".to_vec())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.state.imports.len(), 1);
});

both_databases!(
    the_dry_run_lists_every_bad_row_and_valid_only_keeps_the_good_ones,
    |db: Db| async move {
        let (app, admin, doc) = admin_on_enterprise(db).await;
        let before = actuals_of(&app, &doc).await;
        let run = app
            .upload_ok(
                &admin,
                doc.map.id,
                "mixed.csv",
                mixed_csv(&doc).into_bytes(),
            )
            .await;
        assert_eq!(run.mapping_error, None);
        assert_eq!((run.rows, run.valid, run.bad_rows), (7, 2, 5));
        assert_eq!(
            problem_kinds(&run),
            vec![
                (4, "unknown measure"),
                (5, "bad number"),
                (6, "bad period"),
                (7, "duplicate"),
                (8, "duplicate")
            ]
        );
        assert!(
            run.problems[0].message.contains("did you mean"),
            "{:?}",
            run.problems[0]
        );

        // All or nothing is refused and writes nothing.
        let (status, st) = app
            .commit_import(&admin, run.preview.id, CommitMode::AllOrNothing)
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{st:?}");
        assert_eq!(actuals_of(&app, &doc).await, before);

        // The valid rows are written, stamped as imported.
        let (status, st) = app
            .commit_import(&admin, run.preview.id, CommitMode::ValidOnly)
            .await;
        assert_eq!(status, StatusCode::OK);
        let CommitStatus::Done { summary } = st else {
            panic!("{st:?}")
        };
        assert_eq!(
            (summary.written, summary.measures, summary.bad_rows),
            (2, 2, 5)
        );
        assert_eq!(summary.maps.len(), 1);
        assert_eq!(summary.maps[0].id, doc.map.id);
        let after = actuals_of(&app, &doc).await;
        assert_eq!(after.len(), before.len() + 2);
        assert!(after.contains(&imported(doc.measures[0].id, "2031-01", 11.5, "first")));
        assert!(after.contains(&imported(doc.measures[1].id, "2031-02", 22.0, "")));

        // The problems page and the CSV download give every problem.
        let form = [("id", run.preview.id.to_string()), ("offset", "3".into())];
        let (status, page) = app.call(Some(&admin), "import_problems", &form).await;
        assert_eq!(status, StatusCode::OK);
        let page: Vec<ProblemView> = page.parse();
        assert_eq!(page.len(), 2);
        let csv = problems_csv(&app, &admin, run.preview.id).await;
        assert_eq!(csv.lines().count(), 6, "{csv}");
        assert!(csv.starts_with("Row,Column,Value,Problem,Reason"));

        // Someone else cannot reach the session.
        let other = app.cookie(EDITOR).await;
        let (status, _) = app
            .call_json(
                Some(&other),
                "import_check",
                serde_json::json!({"id": run.preview.id, "change": {}}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
);

both_databases!(
    all_or_nothing_writes_a_clean_file_and_reimporting_changes_nothing,
    |db: Db| async move {
        let (app, admin, doc) = admin_on_enterprise(db).await;
        let mut file = String::from("KPI;Month;Actual\n");
        for (i, m) in doc.measures.iter().take(5).enumerate() {
            file.push_str(&format!("{};2031-0{};{},5\n", m.name, i + 1, 10 + i));
        }
        let run = app
            .upload_ok(&admin, doc.map.id, "clean.csv", file.clone().into_bytes())
            .await;
        assert_eq!(run.preview.file_kind, "CSV (semicolon-separated)");
        assert_eq!(
            run.preview.mapping.numbers,
            app::domain::import::NumberFormat::Comma
        );
        assert_eq!((run.valid, run.bad_rows), (5, 0));
        let (status, st) = app
            .commit_import(&admin, run.preview.id, CommitMode::AllOrNothing)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            matches!(st, CommitStatus::Done { ref summary } if summary.written == 5),
            "{st:?}"
        );
        let once = actuals_of(&app, &doc).await;
        assert!(once.contains(&imported(doc.measures[2].id, "2031-03", 12.5, "")));

        let file = file.into_bytes();
        let st = import(&app, &admin, &doc, file, CommitMode::AllOrNothing).await;
        assert!(matches!(st, CommitStatus::Done { .. }), "{st:?}");
        assert_eq!(actuals_of(&app, &doc).await, once);
    }
);

both_databases!(permissions_are_checked_per_row, |db: Db| async move {
    let app = TestApp::demo(db).await;
    // A contributor of Consulting, who only views the enterprise map.
    let consulting_unit = common::unit_id(&app.store, "Consulting").await;
    let contributor = Some((consulting_unit, Role::Contributor));
    let email = "consulting.data@northwind.example";
    let user = common::add_user(&app.store, email, "Consulting Data", contributor).await;
    let root = app.enterprise_map().await.map.org_unit_id;
    app.store
        .grant_role(user.id, root, Role::Viewer)
        .await
        .unwrap();
    let cookie = app.cookie(&user.email).await;

    // Only viewing the enterprise map, they may not even upload to it.
    let enterprise = app.enterprise_map().await;
    let file = one_row(&enterprise.measures[0].name);
    let (status, body) = app
        .upload(Some(&cookie), enterprise.map.id, "e.csv", file.into_bytes())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(common::said(&body).contains("contributor role"), "{body}");

    // A viewer of the enterprise map who owns some of its measures' data may upload: only the
    // rows of those measures are accepted.
    let tomas = app.user(TOMAS).await;
    let owned = enterprise
        .measures
        .iter()
        .find(|m| m.data_owner_id == Some(tomas.id) && m.data_source != DataSource::Formula)
        .unwrap();
    let other = enterprise
        .measures
        .iter()
        .find(|m| m.data_owner_id != Some(tomas.id) && m.data_source != DataSource::Formula)
        .unwrap();
    let file = format!(
        "Measure,Period,Value\n{},2031-01,1\n{},2031-01,2\n",
        owned.name, other.name
    );
    let owner_cookie = app.cookie(&tomas.email).await;
    let run = app
        .upload_ok(&owner_cookie, enterprise.map.id, "e.csv", file.into_bytes())
        .await;
    assert!(run.may_enter_any);
    assert_eq!((run.valid, run.bad_rows), (1, 1));
    assert_eq!(run.problems[0].kind, "not allowed");
    assert_eq!(run.problems[0].raw, other.name);

    let consulting = app.map_named("Consulting").await;
    let file = one_row(&consulting.measures[0].name);
    let run = app
        .upload_ok(&cookie, consulting.map.id, "c.csv", file.into_bytes())
        .await;
    assert!(run.may_enter_any);
    assert_eq!(run.valid, 1);
    let (_, st) = app
        .commit_import(&cookie, run.preview.id, CommitMode::AllOrNothing)
        .await;
    assert!(matches!(st, CommitStatus::Done { .. }), "{st:?}");

    // Someone with no role on a unit cannot even upload to its map.
    let stranger = common::add_user(&app.store, "stranger@example.com", "Stranger", None).await;
    let cookie = app.cookie(&stranger.email).await;
    let (status, _) = app
        .upload(
            Some(&cookie),
            enterprise.map.id,
            "x.csv",
            b"a,b\n1,2\n".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});

/// A workbook: a long sheet with date cells, and a wide sheet with months across.
fn workbook(doc: &MapDocument) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let month = Format::new().set_num_format("mmm-yy");
    let long = book.add_worksheet().set_name("Actuals").unwrap();
    long.write_string(0, 0, "Key figures, November").unwrap();
    for (c, h) in ["Measure", "Period", "Value"].iter().enumerate() {
        long.write_string(2, c as u16, *h).unwrap();
    }
    for (i, m) in doc.measures.iter().take(3).enumerate() {
        let r = 3 + i as u32;
        long.write_string(r, 0, &m.name).unwrap();
        let day = ExcelDateTime::from_ymd(2031, 3, 31).unwrap();
        long.write_datetime_with_format(r, 1, &day, &month).unwrap();
        long.write_number(r, 2, 40.0 + i as f64).unwrap();
    }
    let wide = book.add_worksheet().set_name("Wide").unwrap();
    wide.write_string(0, 0, "KPI").unwrap();
    for m in 1..=3u8 {
        let day = ExcelDateTime::from_ymd(2031, m, 1).unwrap();
        wide.write_datetime_with_format(0, u16::from(m), &day, &month)
            .unwrap();
    }
    wide.write_string(1, 0, &doc.measures[0].name).unwrap();
    for m in 1..=3u16 {
        wide.write_number(1, m, f64::from(m)).unwrap();
    }
    book.save_to_buffer().unwrap()
}

both_databases!(
    an_xlsx_workbook_with_dates_and_two_sheets,
    |db: Db| async move {
        let (app, admin, doc) = admin_on_enterprise(db).await;
        let run = app
            .upload_ok(&admin, doc.map.id, "kpis.xlsx", workbook(&doc))
            .await;
        assert_eq!(run.preview.file_kind, "Workbook");
        assert_eq!(
            run.preview.sheets,
            vec!["Actuals".to_string(), "Wide".to_string()]
        );
        assert_eq!(run.preview.header, vec!["Measure", "Period", "Value"]);
        assert_eq!(
            run.preview.sample[0].0, 4,
            "row numbers as Excel shows them"
        );
        assert_eq!((run.valid, run.bad_rows), (3, 0), "{:?}", run.problems);
        assert_eq!(run.first_period, Some("2031-03".parse().unwrap()));
        let check = |change: serde_json::Value| {
            let args = serde_json::json!({"id": run.preview.id, "change": change});
            app.call_json(Some(&admin), "import_check", args)
        };

        let (status, body) = check(serde_json::json!({"sheet": "Wide"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let wide: DryRun = body.parse();
        assert_eq!(
            wide.preview.mapping.layout,
            app::domain::import::Layout::Wide
        );
        assert_eq!((wide.valid, wide.measures), (3, 1));
        assert_eq!(wide.last_period, Some("2031-03".parse().unwrap()));

        // Switching to one row per value leaves no period column: the dry run says so.
        let (_, body) = check(serde_json::json!({"layout": "long"})).await;
        let long: DryRun = body.parse();
        assert!(long.mapping_error.unwrap().contains("period"));

        let (status, _) = check(serde_json::json!({"sheet": "Nope"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
);

both_databases!(
    a_commit_tells_open_maps_their_scores_changed,
    |db: Db| async move {
        let (app, admin, doc) = admin_on_enterprise(db).await;
        let (mut ws, _) = app.join(doc.map.id, &admin, None).await;

        let file = one_row(&doc.measures[0].name).into_bytes();
        let st = import(&app, &admin, &doc, file, CommitMode::ValidOnly).await;
        assert!(matches!(st, CommitStatus::Done { .. }), "{st:?}");
        let seen = loop {
            if let ServerMsg::ScoresChanged { map_id } = ws.recv_map().await {
                break map_id;
            }
        };
        assert_eq!(seen, doc.map.id);
    }
);

both_databases!(
    sessions_are_bounded_per_user_and_by_memory,
    |db: Db| async move {
        let (app, admin, doc) = admin_on_enterprise(db).await;
        let file = one_row(&doc.measures[0].name);
        let mut ids = Vec::new();
        for _ in 0..4 {
            let run = app
                .upload_ok(&admin, doc.map.id, "a.csv", file.clone().into_bytes())
                .await;
            ids.push(run.preview.id);
        }
        assert_eq!(app.state.imports.len(), server::imports::SESSIONS_PER_USER);
        let check = |id: ImportId| serde_json::json!({"id": id, "change": {}});
        let (status, _) = app
            .call_json(Some(&admin), "import_check", check(ids[0]))
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "the oldest session made room"
        );
        let (status, _) = app
            .call_json(Some(&admin), "import_check", check(ids[3]))
            .await;
        assert_eq!(status, StatusCode::OK);

        // With the memory budget spent, an upload is refused rather than kept.
        let tight = ImportStore::with_limits(Duration::from_secs(60), 16);
        let tight = TestApp::setup(app.db.clone()).imports(tight).start().await;
        let (status, body) = tight
            .upload(Some(&admin), doc.map.id, "a.csv", file.clone().into_bytes())
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(tight.state.imports.is_empty());

        // An idle session expires.
        let hasty = ImportStore::with_limits(Duration::ZERO, 1 << 30);
        let hasty = TestApp::setup(app.db.clone()).imports(hasty).start().await;
        let run = hasty
            .upload_ok(&admin, doc.map.id, "a.csv", file.into_bytes())
            .await;
        let (status, body) = hasty
            .call_json(Some(&admin), "import_check", check(run.preview.id))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(
            common::said(&body.to_string()).contains("expires"),
            "{body}"
        );
    }
);

/// A real workbook (written by rust_xlsxwriter) whose sheet XML part is replaced by `sheet`,
/// zipped again with every part deflated (crafted workbooks).
fn workbook_with_sheet(sheet: Vec<u8>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "Measure").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut crafted = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            bytes = sheet.clone();
        }
        crafted.start_file(name, deflated).unwrap();
        crafted.write_all(&bytes).unwrap();
    }
    crafted.finish().unwrap().into_inner()
}

fn sheet_xml(rows: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>{rows}</sheetData></worksheet>"#
    )
    .into_bytes()
}

both_databases!(
    workbook_bombs_and_long_cells_are_refused_and_the_server_still_answers,
    |db: Db| async move {
        let (app, admin, doc) = admin_on_enterprise(db).await;
        let map = doc.map.id;

        // A sheet that unpacks from kilobytes to tens of megabytes (a zip bomb).
        let bomb = workbook_with_sheet(sheet_xml(&" ".repeat(40 * 1024 * 1024)));
        assert!(bomb.len() < 200 * 1024, "{}", bomb.len());
        // A sheet claiming the whole grid, with one far-right cell per row (each row would be
        // 1,000 cells wide in memory).
        let rows: String = (1..=2_100)
            .map(|r| format!(r#"<row r="{r}"><c r="ALK{r}"><v>1</v></c></row>"#))
            .collect();
        let wide = workbook_with_sheet(sheet_xml(&rows));
        // One long shared string in every cell.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let long = "z".repeat(30_000);
        for r in 0..4_600u32 {
            sheet.write_string(r, 0, &long).unwrap();
        }
        let repeated = book.save_to_buffer().unwrap();
        // A CSV whose one cell is a megabyte long.
        let long_cell = format!(
            "Measure,Period,Value\n{},2031-01,1\n",
            "Revenue ".repeat(128 * 1024)
        )
        .into_bytes();
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("bomb.xlsx", bomb, "zip bomb"),
            ("wide.xlsx", wide, "more than 2,000,000 cells"),
            ("repeated.xlsx", repeated, "more than 128 MB of text"),
            ("long.csv", long_cell, "more than 32,767 characters"),
        ];
        for (name, bytes, says) in cases {
            let (status, body) = app.upload(Some(&admin), map, name, bytes).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{name}: {body}");
            assert!(common::said(&body).contains(says), "{name}: {body}");
            assert!(app.state.imports.is_empty(), "{name}: nothing kept");
        }
        // An Excel 97 file is refused with the way out.
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend([0u8; 1024]);
        let (status, body) = app.upload(Some(&admin), map, "old.xls", ole).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(common::said(&body).contains("save it as .xlsx"), "{body}");

        // The server still answers, and a good file still imports.
        let file = one_row(&doc.measures[0].name);
        let run = app
            .upload_ok(&admin, map, "good.csv", file.into_bytes())
            .await;
        assert_eq!(run.valid, 1);
    }
);

both_databases!(
    only_those_who_may_enter_data_may_upload,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let cookies = app.role_cookies().await;
        let doc = app.enterprise_map().await;
        let good = one_row(&doc.measures[0].name);
        // The role decides before the file is read: a viewer's bomb is a 403, not a 413.
        let bomb = workbook_with_sheet(sheet_xml(&" ".repeat(8 * 1024 * 1024)));
        // The six roles, then a viewer of the enterprise map who owns the data of some of its
        // measures.
        let owner = Some(app.cookie(TOMAS).await);
        let expected = [401, 403, 403, 200, 200, 200, 200];
        for (who, cookie) in cookies.iter().chain([&owner]).enumerate() {
            let expected = expected[who];
            let (status, body) = app
                .upload(
                    cookie.as_deref(),
                    doc.map.id,
                    "a.csv",
                    good.clone().into_bytes(),
                )
                .await;
            assert_eq!(status.as_u16(), expected, "person #{who}: {body}");
            if expected == 403 {
                assert!(common::said(&body).contains(" role"), "{body}");
                let (status, _) = app
                    .upload(cookie.as_deref(), doc.map.id, "bomb.xlsx", bomb.clone())
                    .await;
                assert_eq!(status, StatusCode::FORBIDDEN, "person #{who}");
            }
        }
        // One session was kept per permitted person, none for the others.
        assert_eq!(app.state.imports.len(), 4);
    }
);

both_databases!(
    the_problems_csv_neutralises_formula_cells,
    |db: Db| async move {
        let (app, admin, doc) = admin_on_enterprise(db).await;
        let a = &doc.measures[0].name;
        let file = format!(
            "Measure,Period,Value\n\
         \"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",2031-01,1\n\
         {a},2031-02,@SUM(A1:A9)\n\
         {a},-5,1\n\
         {a},2031-03,\"+cmd|' /C calc'!A0\"\n"
        );
        let run = app
            .upload_ok(&admin, doc.map.id, "formulas.csv", file.into_bytes())
            .await;
        assert_eq!(run.problem_count, 4, "{:?}", run.problems);
        let csv = problems_csv(&app, &admin, run.preview.id).await;
        let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
        let values: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[2].to_string())
            .collect();
        assert_eq!(
            values,
            vec![
                "'=HYPERLINK(\"http://evil.example\",\"x\")",
                "'@SUM(A1:A9)",
                // A negative number is no formula: it stays a number.
                "-5",
                "'+cmd|' /C calc'!A0",
            ]
        );
        // No cell of the download starts a formula.
        let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '@', '\t', '\r'])
                        && (!cell.starts_with('-') || cell.parse::<f64>().is_ok()),
                    "{cell:?}"
                );
            }
        }
    }
);

both_databases!(
    an_unclosed_quote_is_reported_at_its_line,
    |db: Db| async move {
        let (app, admin, doc) = admin_on_enterprise(db).await;
        let (a, b) = (&doc.measures[0].name, &doc.measures[1].name);
        let file = format!(
        "Measure,Period,Value,Note\n{a},2031-01,1,fine\n{b},2031-01,2,\"not closed\n{a},2031-02,3,\n{b},2031-02,4,\n"
    );
        let before = actuals_of(&app, &doc).await;
        let (status, body) = app
            .upload(Some(&admin), doc.map.id, "quote.csv", file.into_bytes())
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            common::said(&body).contains("starts on line 3 is never closed"),
            "{body}"
        );
        assert!(app.state.imports.is_empty());
        assert_eq!(actuals_of(&app, &doc).await, before);
    }
);
