//! Briefing-book benchmark: a review of the demo enterprise map with a 20-item agenda (a measure
//! item with its chart and "why" for each measure, commentary on each, topics up to 20), its
//! PDF asked for through the real router (`GET /reviews/{id}/briefing.pdf`): the data read,
//! the map, charts and timeline drawn, the book typeset by Typst. SQLite. Target: < 2 s.
//!
//! One warm-up, then `--runs` books (default 7); the figures are the median and the slowest.
//! `cargo bench -p server --bench briefing -- [--runs N] [--readme ../README.md]`.

#[path = "../tests/common/mod.rs"]
mod common;

use app::domain::review::{AgendaItem, Cadence, Commentary, ItemReason, ItemSubject, Review};
use axum::http::StatusCode;
use common::{TestApp, TestDb, ADMIN};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ITEMS: usize = 20;

fn arg(name: &str) -> Option<String> {
    let mut args = std::env::args().skip_while(|a| a != name);
    args.next()?;
    args.next()
}

/// The machine's load average over the last minute, as `/proc/loadavg` says.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// A scheduled review of the enterprise map whose agenda holds `ITEMS` items.
async fn twenty_item_review(app: &TestApp) -> Review {
    let doc = app.enterprise_map().await;
    let mut review = Review::new(
        doc.map.org_unit_id,
        doc.map.id,
        Cadence::Monthly,
        chrono::Utc::now().date_naive(),
    );
    review.title = "Board review, 20 items".into();
    let mut items: Vec<AgendaItem> = doc
        .measures
        .iter()
        .take(ITEMS)
        .map(|m| {
            AgendaItem::new(
                ItemSubject::Measure(m.id),
                ItemReason::Red,
                &m.name,
                m.data_owner_id,
            )
        })
        .collect();
    while items.len() < ITEMS {
        let n = items.len() + 1;
        items.push(AgendaItem::new(
            ItemSubject::Topic,
            ItemReason::Added,
            format!("Topic {n}"),
            None,
        ));
    }
    for item in &mut items {
        item.commentary = Commentary {
            analysis: "Two large deliveries slipped into the next month; the pipeline is intact, \
                       but utilisation fell below plan for the second month running."
                .into(),
            recommendation: "Move two consultants to the delayed accounts and review staffing \
                             weekly until the backlog clears."
                .into(),
            written_by: None,
            written_at: None,
        };
    }
    app.store
        .create_review(&review, &items, None)
        .await
        .unwrap();
    review
}

/// One book: how long it took and its size.
async fn book(app: &TestApp, cookie: &str, path: &str) -> (Duration, usize) {
    let started = Instant::now();
    let reply = app.get(path).cookie(cookie).reply().await;
    let took = started.elapsed();
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    (took, reply.bytes.len())
}

#[tokio::main]
async fn main() {
    let runs: usize = arg("--runs").and_then(|n| n.parse().ok()).unwrap_or(7);
    let app = TestApp::demo(Arc::new(TestDb::sqlite().await)).await;
    let cookie = app.cookie(ADMIN).await;
    let review = twenty_item_review(&app).await;
    let path = format!("/reviews/{}/briefing.pdf", review.id);
    let (_, size) = book(&app, &cookie, &path).await;
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        times.push(book(&app, &cookie, &path).await.0);
    }
    times.sort();
    let median = times[times.len() / 2];
    let slowest = times[times.len() - 1];
    let s = |d: Duration| format!("{:.2} s", d.as_secs_f64());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let table = format!(
        "| Book | Median | Slowest | PDF | Target |\n|---|---|---|---|---|\n\
         | {ITEMS} agenda items, {runs} runs | {} | {} | {} KB | < 2 s |\n\n\
         The demo enterprise map's review with {ITEMS} items (a measure item with chart and \"why\" \
         per measure, commentary on each), asked for through the router on SQLite: data read, \
         drawings made, book typeset; {} build, {cores} cores, load average {} at the end.",
        s(median),
        s(slowest),
        size / 1024,
        if cfg!(debug_assertions) {
            "unoptimised (debug)"
        } else {
            "release"
        },
        load()
    );
    println!("{table}");
    if let Some(readme) = arg("--readme") {
        let text = std::fs::read_to_string(&readme).unwrap();
        let (start, end) = ("<!-- briefing:start -->", "<!-- briefing:end -->");
        if let (Some(a), Some(b)) = (text.find(start), text.find(end)) {
            let updated = format!("{}{start}\n{table}\n{}", &text[..a], &text[b..]);
            std::fs::write(&readme, updated).unwrap();
        } else {
            eprintln!("{readme} has no {start} … {end} block");
        }
    }
}
