//! Import benchmark: 100,000 actuals, end to end and by phase.
//!
//! For each database (SQLite temp file, then a fresh PostgreSQL database) it loads the demo
//! company and imports a generated CSV of `--rows` rows (default 100,000: the enterprise map's
//! measures × consecutive months) into the enterprise map:
//!
//! * **end to end** through the real router: upload (read + guess + dry run), then the
//!   "valid rows" commit (re-check + one transaction + scores-changed), polled until done;
//! * **again**: the same file re-imported (every row an update);
//! * **phases** alone: reading the CSV, reading the same rows as XLSX, planning, and
//!   `Store::write_data` of the batch.
//!
//! `cargo bench -p server --bench import -- [--rows N] [--db sqlite|postgres|both]`.
//! PostgreSQL: `CAIRN_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/test`).

use app::api::{CommitMode, CommitStatus, DryRun};
use app::auth;
use app::domain::import::{guess_mapping, plan, CatalogueMeasure};
use app::domain::{DataBatch, DataSource, MapDocument, Period};
use app::store::Store;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use server::{demo, AppState, Config};
use sqlx::{Connection, PgConnection};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;
use uuid::Uuid;

struct Opts {
    rows: usize,
    sqlite: bool,
    postgres: bool,
}

fn parse_opts() -> Opts {
    let mut o = Opts {
        rows: 100_000,
        sqlite: true,
        postgres: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rows" => o.rows = args.next().and_then(|n| n.parse().ok()).expect("--rows N"),
            "--db" => match args.next().as_deref() {
                Some("sqlite") => o.postgres = false,
                Some("postgres") => o.sqlite = false,
                _ => {}
            },
            _ => {} // cargo bench passes --bench
        }
    }
    o
}

enum Cleanup {
    Dir(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

async fn open_sqlite() -> (Store, Cleanup) {
    let dir = std::env::temp_dir().join(format!("cairn-bench-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/bench.db", dir.display());
    (Store::open(&url).await.unwrap(), Cleanup::Dir(dir))
}

async fn open_postgres() -> (Store, Cleanup) {
    let admin_url = std::env::var("CAIRN_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let name = format!("cairn_bench_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url}: {e}"));
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b.to_string(), format!("?{q}")),
        None => (admin_url.clone(), String::new()),
    };
    let cut = base.rfind('/').unwrap();
    let url = format!("{}/{}{}", &base[..cut], name, query);
    (
        Store::open(&url).await.unwrap(),
        Cleanup::Postgres { admin_url, name },
    )
}

async fn cleanup(c: Cleanup) {
    match c {
        Cleanup::Dir(dir) => {
            let _ = std::fs::remove_dir_all(dir);
        }
        Cleanup::Postgres { admin_url, name } => {
            if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut admin)
                    .await;
            }
        }
    }
}

/// `rows` rows: each measure of the map gets consecutive months from 1990-01 on.
fn rows_for(doc: &MapDocument, rows: usize) -> Vec<(String, Period, f64)> {
    let start = Period::new(1990, 1).unwrap();
    (0..rows)
        .map(|i| {
            let m = &doc.measures[i % doc.measures.len()];
            let month = (i / doc.measures.len()) as i32;
            (
                m.name.clone(),
                start.plus_months(month),
                (i % 997) as f64 / 10.0,
            )
        })
        .collect()
}

fn csv_of(rows: &[(String, Period, f64)]) -> Vec<u8> {
    let mut out = String::from("Measure,Period,Value,Note\n");
    for (name, period, value) in rows {
        out.push_str(&format!("{name},{period},{value},bench\n"));
    }
    out.into_bytes()
}

fn xlsx_of(rows: &[(String, Period, f64)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Measure", "Period", "Value", "Note"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (name, period, value)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, name).unwrap();
        sheet.write_string(r, 1, period.to_string()).unwrap();
        sheet.write_number(r, 2, *value).unwrap();
        sheet.write_string(r, 3, "bench").unwrap();
    }
    book.save_to_buffer().unwrap()
}

struct Row {
    db: &'static str,
    upload: Duration,
    commit: Duration,
    again: Duration,
    read_csv: Duration,
    read_xlsx: Duration,
    plan: Duration,
    write: Duration,
    csv_mb: f64,
    xlsx_mb: f64,
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, Vec<u8>) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    (
        status,
        res.into_body().collect().await.unwrap().to_bytes().to_vec(),
    )
}

/// Uploads and commits through the router; returns (upload + dry run, commit) times.
async fn end_to_end(
    router: &Router,
    cookie: &str,
    doc: &MapDocument,
    csv: &[u8],
) -> (Duration, Duration) {
    let t = Instant::now();
    let req = Request::post(format!("/imports/upload?map={}&name=bench.csv", doc.map.id))
        .header(header::COOKIE, cookie)
        .body(Body::from(csv.to_vec()))
        .unwrap();
    let (status, body) = send(router, req).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let run: DryRun = serde_json::from_slice(&body).unwrap();
    let upload = t.elapsed();
    assert_eq!(run.bad_rows, 0, "{:?}", run.problems.first());
    let t = Instant::now();
    let args = serde_json::json!({"id": run.preview.id, "mode": CommitMode::AllOrNothing});
    let req = Request::post("/api/import_commit")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(args.to_string()))
        .unwrap();
    let (status, body) = send(router, req).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let req = Request::post("/api/import_status")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(Body::from(format!("id={}", run.preview.id)))
            .unwrap();
        let (_, body) = send(router, req).await;
        match serde_json::from_slice::<CommitStatus>(&body).unwrap() {
            CommitStatus::Running { .. } => continue,
            CommitStatus::Done { summary } => {
                assert_eq!(summary.written, run.valid);
                break;
            }
            other => panic!("the import failed: {other:?}"),
        }
    }
    (upload, t.elapsed())
}

async fn bench_db(db: &'static str, store: Store, rows: usize) -> Row {
    demo::load(
        &store,
        demo::DEMO_ADMIN_EMAIL,
        demo::DEMO_PASSWORD,
        "2026-10".parse().unwrap(),
    )
    .await
    .unwrap();
    let (_, summary) = store
        .map_summaries()
        .await
        .unwrap()
        .into_iter()
        .find(|(_, m)| m.name.starts_with("Northwind"))
        .unwrap();
    let doc = store.map_document(summary.id).await.unwrap();
    let data = rows_for(&doc, rows);
    let csv = csv_of(&data);
    let xlsx = xlsx_of(&data);

    let config = Config::from_lookup(|_| None).unwrap();
    let hub = server::hub::Hub::new(store.clone(), Arc::new(server::bus::InProcessBus::new()));
    let router = server::app(AppState::new(store.clone(), &config, hub));
    let (user, _) = store
        .user_with_hash(demo::DEMO_ADMIN_EMAIL)
        .await
        .unwrap()
        .unwrap();
    let token = auth::random_secret();
    store
        .create_session(
            &auth::secret_hash(&token),
            user.id,
            auth::now_seconds() + 3600,
        )
        .await
        .unwrap();
    let cookie = format!("{}={token}", auth::SESSION_COOKIE);

    let (upload, commit) = end_to_end(&router, &cookie, &doc, &csv).await;
    let (up2, commit2) = end_to_end(&router, &cookie, &doc, &csv).await;

    let t = Instant::now();
    let read = app::files::read_file(&csv, "bench.csv", None).unwrap();
    let read_csv = t.elapsed();
    let t = Instant::now();
    let read_x = app::files::read_file(&xlsx, "bench.xlsx", None).unwrap();
    let read_xlsx = t.elapsed();
    assert_eq!(read_x.table.rows.len(), rows);
    let catalogue: Vec<CatalogueMeasure> = doc
        .measures
        .iter()
        .map(|m| CatalogueMeasure {
            id: m.id,
            name: m.name.clone(),
            context: String::new(),
            may_enter: true,
            computed: false,
        })
        .collect();
    let t = Instant::now();
    let mapping = guess_mapping(&read.table, &catalogue, None);
    let planned = plan(&read.table, &mapping, &catalogue).unwrap();
    let plan_time = t.elapsed();
    assert_eq!(planned.entries.len(), rows);
    let batch = app::api::stamped(
        DataBatch {
            actuals: planned.entries.iter().map(|e| e.actual()).collect(),
            ..DataBatch::default()
        },
        user.id,
        DataSource::Import,
    );
    let t = Instant::now();
    store.write_data(&batch, Some(user.id)).await.unwrap();
    let write = t.elapsed();
    Row {
        db,
        upload,
        commit,
        again: up2 + commit2,
        read_csv,
        read_xlsx,
        plan: plan_time,
        write,
        csv_mb: csv.len() as f64 / 1e6,
        xlsx_mb: xlsx.len() as f64 / 1e6,
    }
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

#[tokio::main]
async fn main() {
    let opts = parse_opts();
    let mut results = Vec::new();
    if opts.sqlite {
        let (store, c) = open_sqlite().await;
        results.push(bench_db("SQLite", store.clone(), opts.rows).await);
        store.close().await;
        cleanup(c).await;
    }
    if opts.postgres {
        let (store, c) = open_postgres().await;
        results.push(bench_db("PostgreSQL", store.clone(), opts.rows).await);
        store.close().await;
        cleanup(c).await;
    }
    let Some(first) = results.first() else { return };
    println!(
        "\n### Import of {} rows (CSV {:.1} MB, XLSX {:.1} MB)\n",
        opts.rows, first.csv_mb, first.xlsx_mb
    );
    println!("| DB | upload + dry run | commit | **total** | re-import (all updates) | read CSV | read XLSX | plan | `write_data` |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &results {
        println!(
            "| {} | {} | {} | **{}** | {} | {} | {} | {} | {} |",
            r.db,
            secs(r.upload),
            secs(r.commit),
            secs(r.upload + r.commit),
            secs(r.again),
            secs(r.read_csv),
            secs(r.read_xlsx),
            secs(r.plan),
            secs(r.write)
        );
    }
}
