//! Server render benchmark: the demo enterprise map's page (`GET /maps/{id}`, signed in as the
//! admin), answered by the real router with its data loaded from the database and the whole
//! HTML streamed, on SQLite and on PostgreSQL. Target: ≤ 2 ms p50.
//!
//! Each database: 50 warm-up requests, then `--runs` runs (default 5) of `--requests`
//! requests (default 200); the figures are the median over runs of each run's p50 and p90.
//! `cargo bench -p server --bench render -- [--runs N] [--requests N] [--readme ../README.md]`.

#[path = "../tests/common/mod.rs"]
mod common;

use axum::http::StatusCode;
use common::{Db, TestApp, TestDb, ADMIN};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Opts {
    runs: usize,
    requests: usize,
    readme: Option<String>,
}

fn parse_opts() -> Opts {
    let mut o = Opts {
        runs: 5,
        requests: 200,
        readme: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => o.runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(o.runs),
            "--requests" => {
                o.requests = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(o.requests)
            }
            "--readme" => o.readme = args.next(),
            _ => {} // cargo bench passes --bench
        }
    }
    o
}

/// The value at `q` (0..1) of sorted durations.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// (p50, p90, page bytes) of the map page on one database.
async fn measure(db: Db, opts: &Opts) -> (Duration, Duration, usize) {
    let app = TestApp::demo(db).await;
    let cookie = app.cookie(ADMIN).await;
    let path = format!("/maps/{}", app.enterprise_map().await.map.id);
    let mut bytes = 0;
    for _ in 0..50 {
        let (status, body) = app.get(&path).cookie(&cookie).await;
        assert_eq!(status, StatusCode::OK);
        bytes = body.len();
    }
    let (mut p50s, mut p90s) = (Vec::new(), Vec::new());
    for _ in 0..opts.runs {
        let mut times = Vec::with_capacity(opts.requests);
        for _ in 0..opts.requests {
            let started = Instant::now();
            let (status, _) = app.get(&path).cookie(&cookie).await;
            times.push(started.elapsed());
            assert_eq!(status, StatusCode::OK);
        }
        times.sort();
        p50s.push(quantile(&times, 0.5));
        p90s.push(quantile(&times, 0.9));
    }
    (median(p50s), median(p90s), bytes)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The machine's load average over the last minute, as `/proc/loadavg` says.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// The target for the median render of the demo map page.
const TARGET_P50: Duration = Duration::from_millis(2);

#[tokio::main]
async fn main() {
    let opts = parse_opts();
    let mut rows = Vec::new();
    for (name, db) in [
        ("SQLite", Arc::new(TestDb::sqlite().await)),
        ("PostgreSQL", Arc::new(TestDb::postgres().await)),
    ] {
        let (p50, p90, bytes) = measure(db, &opts).await;
        println!(
            "{name}: p50 {} p90 {} ({} KB of HTML)",
            ms(p50),
            ms(p90),
            bytes / 1024
        );
        let verdict = if p50 <= TARGET_P50 { "met" } else { "missed" };
        rows.push(format!(
            "| {name} | {} | {} | {} KB | ≤ 2 ms p50: {verdict} |",
            ms(p50),
            ms(p90),
            bytes / 1024
        ));
    }
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let table = format!(
        "| Database | p50 | p90 | HTML | Target |\n|---|---|---|---|---|\n{}\n\n\
         Demo enterprise map page, signed in, through the router with its data read from the \
         database; median over {} runs of {} requests; {cores} cores, load average {} at the end.",
        rows.join("\n"),
        opts.runs,
        opts.requests,
        load()
    );
    println!("\n{table}");
    if let Some(readme) = opts.readme {
        write_readme_block(&readme, "render", &table);
    }
}

/// Replaces the lines between `<!-- {marker}:start -->` and `<!-- {marker}:end -->`.
fn write_readme_block(readme: &str, marker: &str, table: &str) {
    let text = std::fs::read_to_string(readme).unwrap_or_else(|e| panic!("{readme}: {e}"));
    let (start, end) = (
        format!("<!-- {marker}:start -->"),
        format!("<!-- {marker}:end -->"),
    );
    let (Some(a), Some(b)) = (text.find(&start), text.find(&end)) else {
        panic!("{readme} has no {start} … {end} block");
    };
    let updated = format!("{}\n{table}\n{}", &text[..a + start.len()], &text[b..]);
    std::fs::write(readme, updated).unwrap_or_else(|e| panic!("{readme}: {e}"));
    println!("written into {readme}");
}
