//! Live-map benchmark: N simulated clients in one room over loopback.
//!
//! For each database (SQLite temp file, then a fresh PostgreSQL database) it loads the demo
//! company, serves it in-process on 127.0.0.1:0 and, for each client count, connects N
//! WebSocket clients to the enterprise map. Two phases per client count:
//!
//! * **latency**: every client moves one objective at a fixed rate (`--rate`, default 5/s);
//!   latency = author's send → each *other* client receiving the `Ops` for that `op_id`.
//! * **throughput**: every client sends as fast as the server's per-connection rate limit
//!   allows (55/s, at most 16 unacknowledged); committed edits/s = acks / measured window.
//!
//! Plus the commit path alone: `Hub::commit` called directly (no sockets) by 8 and by 64
//! concurrent writers, each with one batch in flight; with the hub's average group size.
//!
//! `cargo bench -p server --bench live -- [--quick] [--clients 10,50,200] [--rate 5]
//!  [--db sqlite|postgres|both] [--latency-only]`. PostgreSQL: `CAIRN_TEST_PG` (default
//! `postgres://postgres@127.0.0.1:5432/test`). Everything stays on loopback and stops by itself.

#[path = "../tests/common/mod.rs"]
mod common;

use app::domain::ops::{self, ClientMsg, EntityKind, Field, Position, PROTOCOL_VERSION};
use app::domain::MapId;
use common::{Db, TestApp, TestDb, Ws, ADMIN, EDITOR};
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;
/// Below the server's sustained per-connection limit (60 messages/s).
const MAX_RATE: f64 = 55.0;
/// Unacknowledged batches a client may have in flight in the throughput phase.
const WINDOW: u32 = 16;

#[derive(Clone)]
struct Opts {
    clients: Vec<usize>,
    rate: f64,
    warm: Duration,
    measure: Duration,
    drain: Duration,
    sqlite: bool,
    postgres: bool,
    /// Skip the throughput phase (`--latency-only`, for quick iterations).
    latency_only: bool,
}

fn parse_opts() -> Opts {
    let mut o = Opts {
        clients: vec![10, 50, 200],
        rate: 5.0,
        warm: Duration::from_millis(1000),
        measure: Duration::from_secs(5),
        drain: Duration::from_secs(2),
        sqlite: true,
        postgres: true,
        latency_only: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => {
                o.warm = Duration::from_millis(500);
                o.measure = Duration::from_secs(2);
                o.drain = Duration::from_secs(1);
            }
            "--clients" => {
                o.clients = args
                    .next()
                    .expect("--clients 10,50,200")
                    .split(',')
                    .map(|s| s.trim().parse().expect("a client count"))
                    .collect();
            }
            "--latency-only" => o.latency_only = true,
            "--rate" => o.rate = args.next().expect("--rate N").parse().expect("a rate"),
            "--secs" => {
                o.measure = Duration::from_secs_f64(
                    args.next().expect("--secs N").parse().expect("seconds"),
                )
            }
            "--db" => match args.next().as_deref() {
                Some("sqlite") => o.postgres = false,
                Some("postgres") | Some("pg") => o.sqlite = false,
                Some("both") => {}
                other => panic!("--db sqlite|postgres|both, not {other:?}"),
            },
            // `cargo bench` passes `--bench`; ignore it and anything unknown.
            _ => {}
        }
    }
    o
}

// ---------------------------------------------------------------------------------------------
// Clients.
// ---------------------------------------------------------------------------------------------

/// A client in the room of `map`, welcomed. Browsers disable Nagle on WebSockets; so do the
/// bench clients. A small read buffer: the library zero-fills all of it before every read (as
/// the server, see `ws.rs`).
async fn join(app: &TestApp, map: MapId, cookie: &str) -> Ws {
    let config = WebSocketConfig::default().read_buffer_size(8 * 1024);
    let upgrade = app.upgrade(&format!("/ws/maps/{map}")).cookie(cookie);
    let mut ws = upgrade
        .open_with(config)
        .await
        .expect("the upgrade succeeds");
    let welcome = ws.hello(map, None).await;
    assert!(welcome.can_edit, "the bench users can edit");
    ws.into_inner()
}

/// `op_id` layout: run (8 bits) | client (16) | sequence (32) | send time in ns since the
/// phase start (64), so a receiver computes latency without shared state.
fn op_id(run: u8, client: usize, seq: u32, ns: u64) -> Uuid {
    Uuid::from_u128(
        (u128::from(run) << 112)
            | ((client as u128 & 0xffff) << 96)
            | (u128::from(seq) << 64)
            | u128::from(ns),
    )
}

fn decode(id: Uuid) -> (u8, usize, u64) {
    let v = id.as_u128();
    ((v >> 112) as u8, ((v >> 96) & 0xffff) as usize, v as u64)
}

/// What a bench client reads of a server message; everything else is skipped unparsed (the
/// clients share the server's 2 cores, so they read no more than they need).
#[derive(serde::Deserialize)]
struct Incoming {
    #[serde(rename = "type")]
    kind: String,
    batch: Option<BatchHead>,
    message: Option<String>,
}

#[derive(serde::Deserialize)]
struct BatchHead {
    op_id: Uuid,
}

#[derive(Default)]
struct Stats {
    /// Latencies (µs) of deliveries of edits sent inside the measured window.
    lat_us: Vec<u32>,
    /// Edits sent inside the measured window.
    sent: u64,
    /// Acks received inside the measured window.
    acks: u64,
    rejects: u64,
    resyncs: u64,
}

struct Phase {
    map: MapId,
    run: u8,
    start: Instant,
    warm: Duration,
    measure: Duration,
    drain: Duration,
    rate: f64,
    windowed: bool,
}

impl Phase {
    fn in_window(&self, t: Duration) -> bool {
        t >= self.warm && t < self.warm + self.measure
    }
}

async fn client(
    mut ws: Ws,
    me: usize,
    n: usize,
    objective: Uuid,
    phase: Arc<Phase>,
) -> (Ws, Stats) {
    let mut st = Stats::default();
    let period = Duration::from_secs_f64(1.0 / phase.rate);
    // Spread the clients' ticks over one period.
    let offset = period.mul_f64(me as f64 / n as f64);
    let mut tick = tokio::time::interval_at((phase.start + offset).into(), period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let send_end = phase.start + phase.warm + phase.measure;
    let end = send_end + phase.drain;
    let mut outstanding = 0u32;
    // After a `Resync` the client says `Hello` again and pauses until the `Welcome`.
    let mut welcomed = true;
    let map = phase.map;
    let mut seq = 0u32;
    loop {
        tokio::select! {
            _ = tick.tick(), if Instant::now() < send_end => {
                if !welcomed || (phase.windowed && outstanding >= WINDOW) {
                    continue;
                }
                seq += 1;
                let t = phase.start.elapsed();
                let pos = Position { x: f64::from(seq % 800), y: (me % 600) as f64 };
                let msg = ClientMsg::Mutate {
                    op_id: op_id(phase.run, me, seq, t.as_nanos() as u64),
                    ops: vec![ops::set(EntityKind::Objective, objective, Field::Position, pos)],
                };
                if ws.send(Message::text(serde_json::to_string(&msg).unwrap())).await.is_err() {
                    break;
                }
                outstanding += 1;
                if phase.in_window(t) {
                    st.sent += 1;
                }
            }
            frame = ws.next() => {
                let Some(Ok(frame)) = frame else { break };
                let Message::Text(text) = frame else { continue };
                let now = phase.start.elapsed();
                let Ok(msg) = serde_json::from_str::<Incoming>(text.as_str()) else { continue };
                match msg.kind.as_str() {
                    "ops" => {
                        let Some(batch) = msg.batch else { continue };
                        let (run, author, ns) = decode(batch.op_id);
                        if run == phase.run && author != me {
                            let sent = Duration::from_nanos(ns);
                            if phase.in_window(sent) {
                                let us = now.saturating_sub(sent).as_micros();
                                st.lat_us.push(u32::try_from(us).unwrap_or(u32::MAX));
                            }
                        }
                    }
                    "ack" => {
                        outstanding = outstanding.saturating_sub(1);
                        if phase.in_window(now) {
                            st.acks += 1;
                        }
                    }
                    "reject" => {
                        outstanding = outstanding.saturating_sub(1);
                        st.rejects += 1;
                    }
                    "resync" => {
                        st.resyncs += 1;
                        welcomed = false;
                        outstanding = 0;
                        let hello = ClientMsg::Hello {
                            map_id: map,
                            last_seq: None,
                            protocol_version: PROTOCOL_VERSION,
                        };
                        if ws.send(Message::text(serde_json::to_string(&hello).unwrap())).await.is_err() {
                            break;
                        }
                    }
                    "welcome" => welcomed = true,
                    "error" => {
                        eprintln!("client {me}: server error: {}", msg.message.unwrap_or_default());
                    }
                    _ => {}
                }
            }
            _ = tokio::time::sleep_until(end.into()) => break,
        }
    }
    (ws, st)
}

struct Row {
    clients: usize,
    offered: f64,
    committed: f64,
    p50: f64,
    p99: f64,
    delivered: u64,
    expected: u64,
    rejects: u64,
    resyncs: u64,
}

fn pct(sorted: &[u32], p: usize) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = (sorted.len() * p / 100).min(sorted.len() - 1);
    f64::from(sorted[i]) / 1000.0
}

async fn run_phase(sockets: Vec<Ws>, objectives: &[Uuid], phase: Phase) -> (Vec<Ws>, Row) {
    let n = sockets.len();
    let phase = Arc::new(phase);
    let tasks: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(i, ws)| {
            tokio::spawn(client(
                ws,
                i,
                n,
                objectives[i % objectives.len()],
                phase.clone(),
            ))
        })
        .collect();
    let mut sockets = Vec::with_capacity(n);
    let mut all = Stats::default();
    for t in tasks {
        let (ws, st) = t.await.unwrap();
        sockets.push(ws);
        all.lat_us.extend(st.lat_us);
        all.sent += st.sent;
        all.acks += st.acks;
        all.rejects += st.rejects;
        all.resyncs += st.resyncs;
    }
    all.lat_us.sort_unstable();
    let secs = phase.measure.as_secs_f64();
    let row = Row {
        clients: n,
        offered: all.sent as f64 / secs,
        committed: all.acks as f64 / secs,
        p50: pct(&all.lat_us, 50),
        p99: pct(&all.lat_us, 99),
        delivered: all.lat_us.len() as u64,
        expected: all.sent * (n as u64 - 1),
        rejects: all.rejects,
        resyncs: all.resyncs,
    };
    (sockets, row)
}

/// What the commit path alone did with a number of concurrent writers.
struct CommitRow {
    writers: usize,
    per_sec: f64,
    per_group: f64,
    /// Time one `Hub::commit` call took (queue + transaction + relay), ms.
    p50: f64,
    p99: f64,
}

/// `Hub::commit` from `writers` tasks for `secs`, no sockets: the commit pipeline's own
/// ceiling, its average group size (batches per transaction) and the time per call.
async fn commit_ceiling(
    hub: &Arc<server::hub::Hub>,
    map: MapId,
    author: app::domain::UserId,
    objectives: &[Uuid],
    writers: usize,
    secs: Duration,
) -> CommitRow {
    let before = hub.stats();
    let start = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|k| {
            let hub = hub.clone();
            let obj = objectives[k % objectives.len()];
            tokio::spawn(async move {
                let mut done = Vec::new();
                let mut i = 0u32;
                while start.elapsed() < secs {
                    i += 1;
                    let op = ops::set(
                        EntityKind::Objective,
                        obj,
                        Field::Position,
                        Position {
                            x: f64::from(i % 800),
                            y: k as f64,
                        },
                    );
                    let t = Instant::now();
                    if hub
                        .commit(map, author, Uuid::new_v4(), vec![op])
                        .await
                        .is_ok()
                    {
                        done.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
                    }
                }
                done
            })
        })
        .collect();
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await.unwrap());
    }
    times.sort_unstable();
    let after = hub.stats();
    let groups = (after.groups - before.groups).max(1);
    CommitRow {
        writers,
        per_sec: times.len() as f64 / start.elapsed().as_secs_f64(),
        per_group: (after.batches - before.batches) as f64 / groups as f64,
        p50: pct(&times, 50),
        p99: pct(&times, 99),
    }
}

struct DbResult {
    name: &'static str,
    latency: Vec<Row>,
    throughput: Vec<Row>,
    ceiling: Vec<CommitRow>,
}

async fn bench_db(name: &'static str, db: Db, opts: &Opts, run: &mut u8) -> DbResult {
    // Served exactly as `main.rs` serves (TCP_NODELAY on).
    let app = TestApp::demo(db).await;
    let hub = app.state.hub.clone();
    let doc = app.enterprise_map().await;
    let map = doc.map.id;
    let objectives: Vec<Uuid> = doc.objectives.iter().map(|o| o.id.0).collect();

    let max_n = opts.clients.iter().copied().max().unwrap_or(0);
    let mut cookies = Vec::with_capacity(max_n);
    for i in 0..max_n {
        let email = if i % 2 == 0 { EDITOR } else { ADMIN };
        cookies.push(app.cookie(email).await);
    }

    let mut latency = Vec::new();
    let mut throughput = Vec::new();
    for &n in &opts.clients {
        let mut sockets = Vec::with_capacity(n);
        for cookie in &cookies[..n] {
            sockets.push(join(&app, map, cookie).await);
        }
        let phases: &[(f64, bool)] = if opts.latency_only {
            &[(opts.rate, false)]
        } else {
            &[(opts.rate, false), (MAX_RATE, true)]
        };
        for &(rate, windowed) in phases {
            *run = run.wrapping_add(1);
            let phase = Phase {
                map,
                run: *run,
                start: Instant::now() + Duration::from_millis(200),
                warm: opts.warm,
                measure: opts.measure,
                drain: opts.drain,
                rate,
                windowed,
            };
            let (s, row) = run_phase(sockets, &objectives, phase).await;
            sockets = s;
            eprintln!(
                "{name} n={n} rate={rate}/s: p50 {:.2} ms p99 {:.2} ms, {:.0} committed/s",
                row.p50, row.p99, row.committed
            );
            if windowed {
                throughput.push(row);
            } else {
                latency.push(row);
            }
        }
        for mut ws in sockets {
            let _ = ws.close(None).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let author = app.user(EDITOR).await.id;
    let mut ceiling = Vec::new();
    for writers in [1, 8, 64] {
        let row = commit_ceiling(
            &hub,
            map,
            author,
            &objectives,
            writers,
            opts.measure.min(Duration::from_secs(3)),
        )
        .await;
        eprintln!(
            "{name} commit path, {writers} writers: {:.0}/s, {:.1} per group, p50 {:.2} ms p99 {:.2} ms",
            row.per_sec, row.per_group, row.p50, row.p99
        );
        ceiling.push(row);
    }
    drop(app);
    DbResult {
        name,
        latency,
        throughput,
        ceiling,
    }
}

/// Prints a markdown table under `heading`: a row per line that `lines` makes of each
/// database's results, after the database's name.
fn table(
    heading: &str,
    columns: &[&str],
    results: &[DbResult],
    lines: impl Fn(&DbResult) -> Vec<Vec<String>>,
) {
    println!("\n### {heading}\n");
    println!("| DB | {} |", columns.join(" | "));
    println!("|---|{}", "---:|".repeat(columns.len()));
    for r in results {
        for cells in lines(r) {
            println!("| {} | {} |", r.name, cells.join(" | "));
        }
    }
}

/// The cells of a latency or throughput row (`committed` adds the committed edits/s).
fn phase_cells(row: &Row, committed: bool) -> Vec<String> {
    let mut cells = vec![row.clients.to_string(), format!("{:.0}", row.offered)];
    if committed {
        cells.push(format!("{:.0}", row.committed));
    }
    cells.extend([
        format!("{:.2}", row.p50),
        format!("{:.2}", row.p99),
        format!("{}/{}", row.delivered, row.expected),
        row.rejects.to_string(),
        row.resyncs.to_string(),
    ]);
    cells
}

fn print(results: &[DbResult], opts: &Opts) {
    let sent = ["clients", "edits sent/s"];
    let tail = [
        "p50 ms",
        "p99 ms",
        "deliveries (got/expected)",
        "rejects",
        "resyncs",
    ];
    let heading = format!(
        "Latency phase: {} moves/s per client, {:.1} s measured",
        opts.rate,
        opts.measure.as_secs_f64()
    );
    let columns = [&sent[..], &tail[..]].concat();
    table(&heading, &columns, results, |r| {
        r.latency
            .iter()
            .map(|row| phase_cells(row, false))
            .collect()
    });
    let heading = format!(
        "Throughput phase: each client up to {MAX_RATE}/s (server limit 60/s), ≤ {WINDOW} in flight"
    );
    let columns = [&sent[..], &["committed edits/s"], &tail[..]].concat();
    table(&heading, &columns, results, |r| {
        r.throughput
            .iter()
            .map(|row| phase_cells(row, true))
            .collect()
    });
    let heading = "Commit path alone: `Hub::commit` from concurrent writers, no sockets";
    let columns = [
        "writers",
        "committed edits/s",
        "batches per transaction",
        "commit p50 ms",
        "commit p99 ms",
    ];
    table(heading, &columns, results, |r| {
        let cells = |c: &CommitRow| {
            vec![
                c.writers.to_string(),
                format!("{:.0}", c.per_sec),
                format!("{:.1}", c.per_group),
                format!("{:.2}", c.p50),
                format!("{:.2}", c.p99),
            ]
        };
        r.ceiling.iter().map(cells).collect()
    });
}

#[tokio::main]
async fn main() {
    let opts = parse_opts();
    let mut run = 0u8;
    let mut results = Vec::new();
    if opts.sqlite {
        let db = Arc::new(TestDb::sqlite().await);
        results.push(bench_db("SQLite", db, &opts, &mut run).await);
    }
    if opts.postgres {
        let db = Arc::new(TestDb::postgres().await);
        results.push(bench_db("PostgreSQL", db, &opts, &mut run).await);
    }
    print(&results, &opts);
}
