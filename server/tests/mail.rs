//! E-mail against a real SMTP server started by the tests (Python's `aiosmtpd`, writing what it
//! receives into a maildir), on SQLite and PostgreSQL: the queue and its worker (delivery,
//! retries while the server is down, two workers sending each mail once, a claim left by a dead
//! worker taken again), the password reset (same answer for unknown addresses, single-use and
//! expiring links, sessions ended, rate limits, and the whole way through a real mail), the
//! reminder run (one digest per person, opt-out, escalation, idempotent re-runs) and the role
//! matrix of the reminder server functions.

use crate::common;

use common::{Db, Input, TestApp, ADMIN, EDITOR};

use app::store::{QueuedMail, Store};
use http::StatusCode;
use server::config::{SmtpConfig, SmtpTls};
use server::mail::{spawn_worker, WorkerSettings};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::task::JoinHandle;

/// The longest any wait here takes before the test fails (sending is quick; this only bounds a
/// broken run).
const PATIENCE: Duration = Duration::from_secs(60);

/// Waits until `check` holds, polling; fails the test after [`PATIENCE`] with `what`.
async fn wait_for<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = std::time::Instant::now();
    while !check().await {
        assert!(start.elapsed() < PATIENCE, "gave up waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A free TCP port on 127.0.0.1.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A message the SMTP server received.
#[derive(Debug, Clone)]
struct Received {
    to: String,
    subject: String,
    body: String,
}

/// A real SMTP server (`python3 -m aiosmtpd`) on a local port, keeping each message it receives
/// as a file in a maildir; stopped when dropped.
struct SmtpServer {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl SmtpServer {
    /// Starts one on a fresh port.
    async fn start() -> SmtpServer {
        SmtpServer::start_on(free_port()).await
    }

    /// Starts one on `port` and waits until it answers.
    async fn start_on(port: u16) -> SmtpServer {
        let dir = std::env::temp_dir().join(format!("cairn-smtp-{}", uuid::Uuid::new_v4()));
        // A maildir: aiosmtpd's Mailbox handler writes into `tmp` and moves to `new`.
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (make setup installs it)");
        let server = SmtpServer { child, dir, port };
        wait_for("the SMTP server to listen", || async move {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
        })
        .await;
        server
    }

    /// Every message received so far.
    fn received(&self) -> Vec<Received> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("new")) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| std::fs::read(e.ok()?.path()).ok())
            .map(|raw| parse_message(&String::from_utf8_lossy(&raw)))
            .collect()
    }

    /// Waits until `n` messages arrived, and returns them.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        wait_for(&format!("{n} message(s)"), || async {
            self.received().len() >= n
        })
        .await;
        self.received()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A received message's recipient, subject and decoded body (7bit, quoted-printable or base64).
fn parse_message(raw: &str) -> Received {
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    // Unfold continued header lines.
    let head = head.replace("\n ", " ").replace("\n\t", " ");
    let header = |name: &str| {
        head.lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .unwrap_or_default()
    };
    let body = match header("Content-Transfer-Encoding")
        .to_ascii_lowercase()
        .as_str()
    {
        "quoted-printable" => String::from_utf8(
            quoted_printable::decode(body, quoted_printable::ParseMode::Robust).unwrap(),
        )
        .unwrap(),
        "base64" => {
            use base64::Engine;
            let compact: String = body.split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .unwrap();
            String::from_utf8(bytes).unwrap()
        }
        _ => body.to_string(),
    };
    Received {
        to: header("To"),
        subject: header("Subject"),
        body,
    }
}

/// Where the worker sends: plain SMTP to 127.0.0.1:`port`.
fn smtp_on(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        user: None,
        password: None,
        from: "Cairn <cairn@example.com>".into(),
    }
}

/// A worker at test pace: polls every 50 ms, short leases and waits, no reminder runs.
fn quick() -> WorkerSettings {
    WorkerSettings {
        poll: Duration::from_millis(50),
        lease: Duration::from_secs(30),
        max_attempts: 100,
        backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(400),
        batch: 5,
        reminders_every: None,
        base_url: "http://cairn.test".into(),
    }
}

/// A worker that stops with the test.
struct Worker(JoinHandle<()>);

impl Drop for Worker {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn worker(store: &Store, port: u16) -> Worker {
    Worker(spawn_worker(store.clone(), Some(&smtp_on(port)), quick()))
}

async fn outbox(store: &Store) -> Vec<QueuedMail> {
    store.mail_outbox().await.unwrap()
}

async fn all_sent(store: &Store, n: usize) -> bool {
    let mails = outbox(store).await;
    mails.len() == n && mails.iter().all(|m| m.status == "sent")
}

both_databases!(a_queued_mail_arrives, |db: Db| async move {
    let smtp = SmtpServer::start().await;
    let _worker = worker(&db.store, smtp.port);
    db.store
        .enqueue_mail(
            "ada@example.com",
            "Hello",
            "Grüße aus Cairn.\nZweite Zeile.",
        )
        .await
        .unwrap();
    let got = smtp.wait_for(1).await;
    assert_eq!(got.len(), 1);
    assert!(got[0].to.contains("ada@example.com"), "{got:?}");
    assert_eq!(got[0].subject, "Hello");
    assert!(got[0].body.contains("Grüße aus Cairn."), "{got:?}");
    wait_for("the mail marked sent", || all_sent(&db.store, 1)).await;
    assert_eq!(outbox(&db.store).await[0].attempts, 1);
});

both_databases!(
    a_mail_waits_while_smtp_is_down_then_arrives,
    |db: Db| async move {
        let port = free_port();
        let _worker = worker(&db.store, port);
        db.store
            .enqueue_mail("bob@example.com", "Later", "Sent once the server is up.")
            .await
            .unwrap();
        // Nothing listens: attempts fail, and the mail stays queued with the error.
        wait_for("two failed attempts", || async {
            let m = outbox(&db.store).await;
            m[0].attempts >= 2 && m[0].status == "queued" && m[0].last_error.is_some()
        })
        .await;
        let smtp = SmtpServer::start_on(port).await;
        let got = smtp.wait_for(1).await;
        assert_eq!(got[0].subject, "Later");
        wait_for("the mail marked sent", || all_sent(&db.store, 1)).await;
        assert_eq!(smtp.received().len(), 1);
    }
);

both_databases!(two_workers_send_each_mail_once, |db: Db| async move {
    let smtp = SmtpServer::start().await;
    let (a, b) = (db.reopen().await, db.reopen().await);
    let _one = worker(&a, smtp.port);
    let _two = worker(&b, smtp.port);
    let n = 30;
    for i in 0..n {
        db.store
            .enqueue_mail("team@example.com", &format!("Mail {i}"), "one of many")
            .await
            .unwrap();
    }
    wait_for("every mail marked sent", || all_sent(&db.store, n)).await;
    // Each mail reached the server before it was marked sent: what arrived is final.
    let got = smtp.received();
    let mut subjects: Vec<String> = got.iter().map(|m| m.subject.clone()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(got.len(), n, "each mail once");
    assert_eq!(subjects.len(), n);
    assert!(outbox(&db.store).await.iter().all(|m| m.attempts == 1));
});

both_databases!(
    a_mail_claimed_by_a_dead_worker_is_sent_after_its_lease,
    |db: Db| async move {
        db.store
            .enqueue_mail(
                "cy@example.com",
                "Survivor",
                "claimed, then the server died",
            )
            .await
            .unwrap();
        // A worker claims it with a short lease and dies before sending.
        let now = app::store::now_millis();
        let claimed = db
            .store
            .claim_mail("dead worker", now, 1500, 10)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        // While the lease holds, nobody else takes it.
        let again = db.store.claim_mail("other", now, 1500, 10).await.unwrap();
        assert!(again.is_empty());
        // The restarted server (a new connection) sends it once the lease ran out.
        let smtp = SmtpServer::start().await;
        let restarted = db.reopen().await;
        let _worker = worker(&restarted, smtp.port);
        let got = smtp.wait_for(1).await;
        assert_eq!(got[0].subject, "Survivor");
        wait_for("the mail marked sent", || all_sent(&db.store, 1)).await;
        assert_eq!(outbox(&db.store).await[0].attempts, 2);
        // The dead worker's late word changes nothing.
        db.store
            .mail_attempt_failed(&claimed[0].id, "dead worker", "late", None)
            .await
            .unwrap();
        assert_eq!(outbox(&db.store).await[0].status, "sent");
    }
);

// ---------------------------------------------------------------------------------------------
// Password reset
// ---------------------------------------------------------------------------------------------

/// The reset link's secret in a mail body.
fn reset_secret(body: &str) -> String {
    let start = body.find("/reset/").expect("a reset link") + "/reset/".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

/// Asks for a reset of `email` through the form's server function.
async fn ask_reset(app: &TestApp, email: &str) -> common::Reply {
    app.post("/api/request_password_reset")
        .form(&[("email", email.to_string())])
        .reply()
        .await
}

async fn reset(app: &TestApp, token: &str, password: &str, confirm: &str) -> common::Reply {
    app.post("/api/reset_password")
        .form(&[
            ("token", token.to_string()),
            ("password", password.to_string()),
            ("confirm", confirm.to_string()),
        ])
        .reply()
        .await
}

both_databases!(
    unknown_and_known_addresses_get_the_same_answer,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let known = ask_reset(&app, EDITOR).await;
        let unknown = ask_reset(&app, "nobody@northwind.example").await;
        assert!(known.status.is_success() || known.status.is_redirection());
        assert_eq!(known.status, unknown.status);
        assert_eq!(
            known.headers.get(http::header::LOCATION),
            unknown.headers.get(http::header::LOCATION)
        );
        assert_eq!(*known.body, *unknown.body);
        // Only the registered address gets a mail, with a link; the request is audited.
        let mails = outbox(&app.store).await;
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].recipient, EDITOR);
        assert_eq!(reset_secret(&mails[0].body).len(), 64);
        let audited = common::count(
            &app.store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'reset_requested'",
            &[],
        )
        .await;
        assert_eq!(audited, 1);
        // A malformed address is refused with why.
        let bad = ask_reset(&app, "not an address").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
);

both_databases!(
    a_reset_link_works_once_and_ends_every_session,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let editor = app.user(EDITOR).await;
        let (laptop, phone) = (app.cookie(EDITOR).await, app.cookie(EDITOR).await);
        assert_eq!(app.store.session_count(editor.id).await.unwrap(), 2);
        ask_reset(&app, EDITOR).await;
        let secret = reset_secret(&outbox(&app.store).await[0].body);
        // The page of the link is open without a session.
        let page = app.get(&format!("/reset/{secret}")).reply().await;
        assert_eq!(page.status, StatusCode::OK);

        let differ = reset(&app, &secret, "a new long password", "another password").await;
        assert_eq!(differ.status, StatusCode::BAD_REQUEST, "{}", &*differ.body);
        let short = reset(&app, &secret, "short", "short").await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Refusals used nothing up: the link still works.
        let done = reset(&app, &secret, "a new long password", "a new long password").await;
        assert!(
            done.status.is_success() || done.status.is_redirection(),
            "{}",
            &*done.body
        );
        let cookie = done
            .headers
            .get_all(http::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("cairn_session="))
            .expect("signed in with a new session")
            .split(';')
            .next()
            .unwrap()
            .to_string();
        // The old sessions ended; the new one works; the new password signs in.
        assert_eq!(app.store.session_count(editor.id).await.unwrap(), 1);
        for old in [&laptop, &phone] {
            let (status, _) = app.call(Some(old), "my_reminders", &[]).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, _) = app.call(Some(&cookie), "my_reminders", &[]).await;
        assert_eq!(status, StatusCode::OK);
        let (_, hash) = app.store.user_with_hash(EDITOR).await.unwrap().unwrap();
        assert!(app::auth::verify_password("a new long password", &hash));
        // Used once: a second use is refused, and the page says so.
        let twice = reset(
            &app,
            &secret,
            "yet another password",
            "yet another password",
        )
        .await;
        assert_eq!(twice.status, StatusCode::GONE);
        let (_, usable) = app
            .call(None, "reset_link_usable", &[("token", secret.clone())])
            .await;
        assert_eq!(usable.trim(), "false");
        let audited = common::count(
            &app.store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'password_reset' AND entity_id = $1",
            &[&editor.id.to_string()],
        )
        .await;
        assert_eq!(audited, 1);
    }
);

both_databases!(an_expired_or_unknown_link_is_refused, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let editor = app.user(EDITOR).await;
    let secret = app::auth::random_secret();
    let hash = app::auth::secret_hash(&secret);
    let an_hour_ago = app::auth::now_seconds() - 1;
    app.store
        .write(async |tx| {
            app::store::create_password_reset(tx, &hash, editor.id, an_hour_ago).await
        })
        .await
        .unwrap();
    let expired = reset(&app, &secret, "a new long password", "a new long password").await;
    assert_eq!(expired.status, StatusCode::GONE);
    let unknown = reset(
        &app,
        &"0".repeat(64),
        "a new long password",
        "a new long password",
    )
    .await;
    assert_eq!(unknown.status, StatusCode::GONE);
    let (_, hash_now) = app.store.user_with_hash(EDITOR).await.unwrap().unwrap();
    assert!(!app::auth::verify_password(
        "a new long password",
        &hash_now
    ));
});

both_databases!(the_reset_form_is_rate_limited, |db: Db| async move {
    let app = TestApp::demo(db).await;
    for _ in 0..app::throttle::RESETS_PER_EMAIL.burst {
        let ok = ask_reset(&app, EDITOR).await;
        assert!(ok.status.is_success() || ok.status.is_redirection());
    }
    let limited = ask_reset(&app, EDITOR).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.headers[http::header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0);
    assert!(common::said(&limited.body).contains("try again in"));
    // Refused requests queue nothing.
    assert_eq!(
        outbox(&app.store).await.len(),
        app::throttle::RESETS_PER_EMAIL.burst as usize
    );
    // Many addresses from one client are limited too.
    let mut statuses = Vec::new();
    for i in 0..app::throttle::RESETS_PER_CLIENT.burst {
        statuses.push(ask_reset(&app, &format!("p{i}@example.com")).await.status);
    }
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS));
});

/// The demo company on a server configured for `smtp` (links start with https://cairn.example),
/// with a mail worker sending to it while the returned worker lives.
async fn demo_with_smtp(db: Db, smtp: &SmtpServer) -> (TestApp, Worker) {
    let port = smtp.port.to_string();
    let app = TestApp::setup(db)
        .var("CAIRN_SMTP_HOST", "127.0.0.1")
        .var("CAIRN_SMTP_PORT", &port)
        .var("CAIRN_SMTP_TLS", "none")
        .var("CAIRN_MAIL_FROM", "cairn@example.com")
        .var("CAIRN_PUBLIC_URL", "https://cairn.example")
        .start()
        .await;
    common::load_demo(&app.store).await;
    let config = smtp_on(smtp.port);
    let worker = Worker(spawn_worker(app.store.clone(), Some(&config), quick()));
    (app, worker)
}

both_databases!(a_reset_by_a_real_mail_end_to_end, |db: Db| async move {
    let smtp = SmtpServer::start().await;
    let (app, _worker) = demo_with_smtp(db, &smtp).await;
    // The page says mail is configured.
    let cookie = app.cookie(ADMIN).await;
    let (_, mine) = app.call(Some(&cookie), "my_reminders", &[]).await;
    assert_eq!(mine["mail_configured"], true);

    ask_reset(&app, ADMIN).await;
    let got = smtp.wait_for(1).await;
    assert!(got[0].to.contains(ADMIN));
    assert!(
        got[0].body.contains("https://cairn.example/reset/"),
        "{}",
        got[0].body
    );
    let secret = reset_secret(&got[0].body);
    let page = app.get(&format!("/reset/{secret}")).reply().await;
    assert_eq!(page.status, StatusCode::OK);
    let done = reset(&app, &secret, "chosen by mail 123", "chosen by mail 123").await;
    assert!(done.status.is_success() || done.status.is_redirection());
    let (_, hash) = app.store.user_with_hash(ADMIN).await.unwrap().unwrap();
    assert!(app::auth::verify_password("chosen by mail 123", &hash));
});

both_databases!(an_invitation_goes_out_by_a_real_mail, |db: Db| async move {
    let smtp = SmtpServer::start().await;
    let (app, _worker) = demo_with_smtp(db, &smtp).await;
    let cookie = app.cookie(ADMIN).await;
    let unit = app.store.org_units().await.unwrap()[0].id;
    let form = [
        ("email", "newcomer@example.com".to_string()),
        ("name", "Nia Newcomer".to_string()),
        ("org_unit_id", unit.to_string()),
        ("role", "viewer".to_string()),
    ];
    let (status, link) = app.call(Some(&cookie), "invite_person", &form).await;
    assert_eq!(status, StatusCode::OK, "{link:?}");
    assert_eq!(link["mailed"], true);
    let path = link["path"].as_str().unwrap().to_string();
    let got = smtp.wait_for(1).await;
    assert!(got[0].to.contains("newcomer@example.com"), "{:?}", got[0]);
    assert!(got[0].subject.contains("invited you"), "{}", got[0].subject);
    assert!(
        got[0].body.contains("Hello Nia Newcomer"),
        "{}",
        got[0].body
    );
    // The mailed link is the one the page showed, on the public address, and it works.
    assert!(
        got[0]
            .body
            .contains(&format!("https://cairn.example{path}")),
        "{}",
        got[0].body
    );
    let page = app.get(&path).reply().await;
    assert_eq!(page.status, StatusCode::OK);
});

both_databases!(
    without_smtp_an_invitation_queues_nothing_and_says_so,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let cookie = app.cookie(ADMIN).await;
        let unit = app.store.org_units().await.unwrap()[0].id;
        let form = [
            ("email", "unmailed@example.com".to_string()),
            ("name", String::new()),
            ("org_unit_id", unit.to_string()),
            ("role", "viewer".to_string()),
        ];
        let (status, link) = app.call(Some(&cookie), "invite_person", &form).await;
        assert_eq!(status, StatusCode::OK, "{link:?}");
        assert_eq!(link["mailed"], false);
        assert!(outbox(&app.store).await.is_empty());
    }
);

// ---------------------------------------------------------------------------------------------
// Reminders
// ---------------------------------------------------------------------------------------------

/// Far after the demo's last month: every reported measure is long overdue.
fn long_after() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2029, 6, 15).unwrap()
}

both_databases!(
    reminders_send_one_digest_per_person_once,
    |db: Db| async move {
        common::load_demo(&db.store).await;
        let store = &db.store;
        let today = long_after();
        let queued = app::mail::run_reminders(store, today, "https://cairn.example")
            .await
            .unwrap();
        let mails = outbox(store).await;
        assert!(queued > 0);
        assert_eq!(mails.len(), queued);
        // One mail per person.
        let mut recipients: Vec<&str> = mails.iter().map(|m| m.recipient.as_str()).collect();
        recipients.sort();
        recipients.dedup();
        assert_eq!(recipients.len(), mails.len(), "one digest per person");
        // A data owner of several measures gets them all in one mail (as the home page lists them).
        let people = store.users().await.unwrap();
        let period = app::domain::reminders::period_of(today).unwrap();
        let mut checked = 0;
        for person in &people {
            let owned = store.owned_measures(person.id, period).await.unwrap();
            let reported: Vec<_> = owned.iter().filter(|m| m.latest.is_some()).collect();
            if reported.len() < 2 {
                continue;
            }
            let mine: Vec<_> = mails
                .iter()
                .filter(|m| m.recipient == person.email)
                .collect();
            assert_eq!(mine.len(), 1, "{}", person.email);
            for m in &reported {
                assert!(
                    mine[0].body.contains(&m.name),
                    "{} lacks {}",
                    person.email,
                    m.name
                );
            }
            assert!(mine[0].body.contains("overdue"));
            checked += 1;
        }
        assert!(checked > 0, "the demo has someone owning several measures");
        // A re-run sends nothing again.
        let again = app::mail::run_reminders(store, today, "https://cairn.example")
            .await
            .unwrap();
        assert_eq!(again, 0);
        assert_eq!(outbox(store).await.len(), mails.len());
    }
);

both_databases!(
    reminders_respect_opt_out_and_escalate,
    |db: Db| async move {
        common::load_demo(&db.store).await;
        let store = &db.store;
        // Everyone but the objectives' owners turns reminders off.
        let owners: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT o.owner_id FROM objectives o JOIN measures m ON m.objective_id = o.id \
         WHERE o.owner_id IS NOT NULL AND m.data_owner_id IS NOT NULL AND m.data_owner_id <> o.owner_id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
        assert!(!owners.is_empty());
        let people = store.users().await.unwrap();
        for p in &people {
            if !owners.contains(&p.id.to_string()) {
                store.set_wants_reminders(p.id, false).await.unwrap();
            }
        }
        app::mail::run_reminders(store, long_after(), "https://x")
            .await
            .unwrap();
        let mails = outbox(store).await;
        assert!(!mails.is_empty());
        for m in &mails {
            let person = people.iter().find(|p| p.email == m.recipient).unwrap();
            assert!(
                owners.contains(&person.id.to_string()),
                "{} opted out",
                m.recipient
            );
        }
        assert!(
            mails
                .iter()
                .any(|m| m.body.contains("for an objective you own")),
            "objective owners are told of overdue measures"
        );
    }
);

both_databases!(escalation_waits_for_its_day, |db: Db| async move {
    common::load_demo(&db.store).await;
    let store = &db.store;
    // Escalate only after 90 days everywhere: a run 30 days after the deadlines escalates
    // nothing; one after 90 days does.
    let admin = common::user_id(store, ADMIN).await;
    let settings = app::domain::reminders::ReminderSettings {
        days_before: 3,
        days_after: 1,
        escalate_after: 90,
    };
    for unit in store.org_units().await.unwrap() {
        store
            .set_reminder_settings(unit.id, settings, Some(admin))
            .await
            .unwrap();
    }
    let candidates = store
        .reminder_candidates(app::domain::Period::new(2029, 6).unwrap())
        .await
        .unwrap();
    let deadlines: Vec<_> = candidates
        .iter()
        .filter_map(|c| app::domain::reminders::deadline(c.frequency, c.latest).map(|d| d.1))
        .collect();
    let (first, last) = (
        *deadlines.iter().min().unwrap(),
        *deadlines.iter().max().unwrap(),
    );
    let early = first + chrono::Duration::days(30);
    app::mail::run_reminders(store, early, "https://x")
        .await
        .unwrap();
    let mails = outbox(store).await;
    assert!(!mails
        .iter()
        .any(|m| m.body.contains("for an objective you own")));
    let late = last + chrono::Duration::days(95);
    app::mail::run_reminders(store, late, "https://x")
        .await
        .unwrap();
    let mails = outbox(store).await;
    assert!(mails
        .iter()
        .any(|m| m.body.contains("for an objective you own")));
});

both_databases!(role_matrix_of_reminder_settings, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let cookies = app.role_cookies().await;
    let root = app.enterprise_map().await.map.org_unit_id;
    let unit = [("unit", root.to_string())];
    let save = |n: u16| {
        vec![
            ("unit", root.to_string()),
            ("days_before", n.to_string()),
            ("days_after", "1".to_string()),
            ("escalate_after", "9".to_string()),
        ]
    };
    // Anonymous, outsider, viewer, contributor, editor, admin.
    let rows: Vec<(&str, [u16; 6], Input)> = vec![
        (
            "unit_reminders",
            [401, 403, 200, 200, 200, 200],
            Input::Form(unit.to_vec()),
        ),
        (
            "save_unit_reminders",
            [401, 403, 403, 403, 403, 200],
            Input::Form(save(5)),
        ),
        (
            "my_reminders",
            [401, 200, 200, 200, 200, 200],
            Input::Form(vec![]),
        ),
    ];
    app.assert_role_matrix(&cookies, &rows).await;
    assert_eq!(
        app.store.reminder_settings(root).await.unwrap().days_before,
        5
    );
    // Refused saves changed nothing; bad numbers are refused with why.
    let admin = cookies[5].as_deref();
    let (status, body) = app
        .call(
            admin,
            "save_unit_reminders",
            &[
                ("unit", root.to_string()),
                ("days_before", "3".into()),
                ("days_after", "5".into()),
                ("escalate_after", "2".into()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        app.store.reminder_settings(root).await.unwrap().days_before,
        5
    );
    // Everyone sets their own switch (a plain form: an unticked box sends nothing).
    let viewer = cookies[2].as_deref();
    let (status, _) = app.call(viewer, "set_my_reminders", &[]).await;
    assert!(status.is_success() || status.is_redirection());
    let (_, mine) = app.call(viewer, "my_reminders", &[]).await;
    assert_eq!(mine["on"], false);
    assert_eq!(
        mine["mail_configured"], false,
        "no SMTP in this test server"
    );
    let (status, _) = app
        .call(viewer, "set_my_reminders", &[("on", "true".into())])
        .await;
    assert!(status.is_success() || status.is_redirection());
    let (_, mine) = app.call(viewer, "my_reminders", &[]).await;
    assert_eq!(mine["on"], true);
    let (status, _) = app.call(None, "set_my_reminders", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The settings page renders for a viewer.
    let page = app
        .get(&format!("/units/{root}/reminders"))
        .cookie(cookies[2].as_deref().unwrap())
        .reply()
        .await;
    assert_eq!(page.status, StatusCode::OK);
});

both_databases!(
    a_scheduled_review_tells_its_owners_what_to_write,
    |db: Db| async move {
        let smtp = SmtpServer::start().await;
        let (app, _worker) = demo_with_smtp(db, &smtp).await;
        let editor = app.cookie(EDITOR).await;
        let map = app.enterprise_map().await;
        let draft = serde_json::json!({ "draft": {
            "org_unit_id": map.map.org_unit_id, "map_id": map.map.id,
            "title": "October review", "cadence": "monthly", "held_on": "2026-10-20",
            "attendees": [],
        }});
        let (status, body) = app.call_json(Some(&editor), "schedule_review", draft).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let id: app::domain::ReviewId = serde_json::from_str(&body).unwrap();
        let items = app.store.review_items(id).await.unwrap();
        let mut owners: Vec<_> = items.iter().filter_map(|i| i.owner_id).collect();
        owners.sort_unstable();
        owners.dedup();
        assert!(!owners.is_empty(), "the agenda has owned items");
        let got = smtp.wait_for(owners.len()).await;
        let owner = app.store.user(owners[0]).await.unwrap();
        let mail = got
            .iter()
            .find(|m| m.to.contains(&owner.email))
            .expect("the first owner got a mail");
        // The subject names the review in curly quotes, so it travels encoded (RFC 2047).
        assert!(
            mail.subject.starts_with("To write before"),
            "{}",
            mail.subject
        );
        assert!(mail.body.contains("“October review”"), "{}", mail.body);
        assert!(
            mail.body
                .contains(&format!("https://cairn.example/reviews/{id}")),
            "{}",
            mail.body
        );
        let first = items.iter().find(|i| i.owner_id == Some(owner.id)).unwrap();
        assert!(mail.body.contains(&first.title), "{}", mail.body);
    }
);

/// A mailed briefing book as its reader gets it: to whom, the subject (decoded), the attached
/// file's name and its text.
struct Book {
    to: String,
    subject: String,
    file_name: String,
    text: String,
}

/// Reads a raw message that must carry exactly one PDF.
fn book_of(raw: &[u8]) -> Book {
    use mail_parser::MimeHeaders;
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a MIME message");
    let files: Vec<_> = message.attachments().collect();
    assert_eq!(files.len(), 1, "the book is attached");
    let to = message
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_string();
    Book {
        to,
        subject: message.subject().unwrap_or_default().to_string(),
        file_name: files[0].attachment_name().unwrap_or_default().to_string(),
        text: common::pdf_text(files[0].contents()),
    }
}

impl SmtpServer {
    /// Every message received so far, as it came (for its attachments).
    fn raw_messages(&self) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("new")) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| std::fs::read(e.ok()?.path()).ok())
            .collect()
    }
}

both_databases!(
    a_units_monthly_briefing_book_is_mailed_to_its_people_once,
    |db: Db| async move {
        let smtp = SmtpServer::start().await;
        let (app, _worker) = demo_with_smtp(db, &smtp).await;
        let admin = app.cookie(ADMIN).await;
        let map = app.enterprise_map().await;
        let root = map.map.org_unit_id;
        let run = |day: chrono::NaiveDate| {
            server::export::mailing::run_briefing_mails(&app.store, day, "https://cairn.example")
        };
        let november_2 = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();

        // Off by default: nothing goes out.
        assert_eq!(run(november_2).await.unwrap(), 0);

        // The admin asks for the book on the 2nd of each month; the page says so.
        let (status, body) = app
            .call_json(
                Some(&admin),
                "set_briefing_mail",
                serde_json::json!({ "unit_id": root, "day": 2 }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, page) = app
            .call_json(
                Some(&admin),
                "unit_reviews",
                serde_json::json!({ "unit_id": root }),
            )
            .await;
        assert_eq!(page["briefing_mail_day"], 2);
        assert_eq!(page["mail_configured"], true);
        // A day no month has is refused, and changes nothing.
        let (status, _) = app
            .call_json(
                Some(&admin),
                "set_briefing_mail",
                serde_json::json!({ "unit_id": root, "day": 31 }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.store.briefing_mail_day(root).await.unwrap(), Some(2));

        // Not before the day.
        let november_1 = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(run(november_1).await.unwrap(), 0);

        // A reader who reads German gets the German book.
        let viewer = app.user(common::VIEWER).await;
        app.store
            .set_user_locale(viewer.id, Some("de"))
            .await
            .unwrap();

        // On the day: one mail per person with a role on the unit, the book attached.
        let people = app.store.briefing_recipients(root).await.unwrap();
        assert!(
            people.len() >= 3,
            "the demo's enterprise has several people"
        );
        let october = app::domain::Period::new(2026, 10).unwrap();
        let maps = app
            .store
            .map_summaries()
            .await
            .unwrap()
            .into_iter()
            .filter(|(u, m)| *u == root && app::domain::briefing::mails_book_of(m, october))
            .count();
        assert!(maps >= 1);
        let mails = people.len() * maps;
        assert_eq!(
            run(november_2).await.unwrap(),
            mails,
            "one book per person and map"
        );
        smtp.wait_for(mails).await;
        let books: Vec<Book> = smtp.raw_messages().iter().map(|m| book_of(m)).collect();
        assert_eq!(books.len(), mails);
        for person in &people {
            let book = books
                .iter()
                .find(|b| b.to.contains(&person.email))
                .unwrap_or_else(|| panic!("a mail to {}", person.email));
            let locale = if person.id == viewer.id {
                app::i18n::Locale::de
            } else {
                app::i18n::Locale::en
            };
            assert!(
                book.subject.contains(&october.text(locale)),
                "{}",
                book.subject
            );
            assert!(book.subject.contains(&map.map.name), "{}", book.subject);
            assert!(book.file_name.ends_with(".pdf"), "{}", book.file_name);
            assert!(book.text.contains(&map.map.name), "the map's book");
            let red = app::domain::scoring::Status::Red.text(locale);
            assert!(
                book.text.contains(red),
                "statuses in the reader's language: {red}"
            );
        }
        wait_for("every mail sent", || all_sent(&app.store, mails)).await;

        // A later run, on the same day or later that month, sends nothing again.
        assert_eq!(run(november_2).await.unwrap(), 0);
        let november_20 = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(run(november_20).await.unwrap(), 0);
        assert_eq!(outbox(&app.store).await.len(), mails);

        // Turned off, December's book does not go out.
        let (status, _) = app
            .call_json(
                Some(&admin),
                "set_briefing_mail",
                serde_json::json!({ "unit_id": root, "day": null }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let december_5 = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(run(december_5).await.unwrap(), 0);
    }
);

both_databases!(
    role_matrix_of_the_briefing_mail_setting,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let root = app.enterprise_map().await.map.org_unit_id;
        let cookies = app.role_cookies().await;
        let admins = [401, 403, 403, 403, 403, 200];
        app.assert_role_matrix(
            &cookies,
            &[(
                "set_briefing_mail",
                admins,
                Input::Json(serde_json::json!({ "unit_id": root, "day": 3 })),
            )],
        )
        .await;
        assert_eq!(app.store.briefing_mail_day(root).await.unwrap(), Some(3));

        // REST: read with any token on the unit, set with an admin's read+write token only.
        let reader = app.token("reader", vec![root], false).await;
        let reply = app
            .get(&format!("/api/v1/units/{root}/briefing-mail"))
            .bearer(&reader)
            .reply()
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body.json()["day"], 3);
        let refused = app
            .put(&format!("/api/v1/units/{root}/briefing-mail"))
            .bearer(&reader)
            .json(&serde_json::json!({ "day": 9 }))
            .reply()
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let writer = app.token("writer", vec![root], true).await;
        let refused = app
            .put(&format!("/api/v1/units/{root}/briefing-mail"))
            .bearer(&writer)
            .json(&serde_json::json!({ "day": 9 }))
            .reply()
            .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "a token without the admin role"
        );
        let admin_token = app.admin_token("admin", vec![root]).await;
        let bad = app
            .put(&format!("/api/v1/units/{root}/briefing-mail"))
            .bearer(&admin_token)
            .json(&serde_json::json!({ "day": 0 }))
            .reply()
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let set = app
            .put(&format!("/api/v1/units/{root}/briefing-mail"))
            .bearer(&admin_token)
            .json(&serde_json::json!({ "day": 9 }))
            .reply()
            .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.body);
        assert_eq!(app.store.briefing_mail_day(root).await.unwrap(), Some(9));
    }
);
