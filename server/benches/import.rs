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

#[path = "../tests/common/mod.rs"]
mod common;

use app::api::{CommitMode, CommitStatus};
use app::domain::import::{guess_mapping, plan, CatalogueMeasure};
use app::domain::{DataBatch, DataSource, MapDocument, Period};
use common::{Db, TestApp, TestDb, ADMIN};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// Uploads and commits through the router; returns (upload + dry run, commit) times.
async fn end_to_end(
    app: &TestApp,
    cookie: &str,
    doc: &MapDocument,
    csv: &[u8],
) -> (Duration, Duration) {
    let t = Instant::now();
    let run = app
        .upload_ok(cookie, doc.map.id, "bench.csv", csv.to_vec())
        .await;
    let upload = t.elapsed();
    assert_eq!(run.bad_rows, 0, "{:?}", run.problems.first());
    let t = Instant::now();
    let (status, done) = app
        .commit_import(cookie, run.preview.id, CommitMode::AllOrNothing)
        .await;
    match done {
        CommitStatus::Done { summary } => assert_eq!(summary.written, run.valid),
        other => panic!("the import failed ({status}): {other:?}"),
    }
    (upload, t.elapsed())
}

async fn bench_db(db: &'static str, test_db: Db, rows: usize) -> Row {
    let app = TestApp::demo(test_db).await;
    let store = app.store.clone();
    let doc = app.enterprise_map().await;
    let data = rows_for(&doc, rows);
    let csv = csv_of(&data);
    let xlsx = xlsx_of(&data);
    let user = app.user(ADMIN).await;
    let cookie = app.cookie(ADMIN).await;

    let (upload, commit) = end_to_end(&app, &cookie, &doc, &csv).await;
    let (up2, commit2) = end_to_end(&app, &cookie, &doc, &csv).await;

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
        let db = Arc::new(TestDb::sqlite().await);
        results.push(bench_db("SQLite", db, opts.rows).await);
    }
    if opts.postgres {
        let db = Arc::new(TestDb::postgres().await);
        results.push(bench_db("PostgreSQL", db, opts.rows).await);
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
