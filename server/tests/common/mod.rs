//! Test support, shared by every server test file and the benches: a fresh database per test on
//! SQLite (temp file) or PostgreSQL (a new database on the machine's server), a macro that runs
//! one test body on both, the demo company and its people (`demo.rs`), the app served on a local
//! port and driven through its router (`test_app.rs`), and a WebSocket client (`socket.rs`).

#![allow(dead_code)]

mod demo;
mod socket;
mod test_app;

// Each test file uses some of these; the others would be reported as unused.
#[allow(unused_imports)]
pub use demo::*;
#[allow(unused_imports)]
pub use socket::*;
#[allow(unused_imports)]
pub use test_app::*;

use app::store::Store;
use sqlx::{Connection, PgConnection};
use std::sync::Arc;

/// What a `both_databases!` body gets: the test's database, shared with the servers it starts.
pub type Db = Arc<TestDb>;

/// Where the PostgreSQL tests create their databases.
pub fn pg_admin_url() -> String {
    std::env::var("CAIRN_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A database that exists for one test and is removed afterwards (also when the test panics).
pub struct TestDb {
    /// The store opened on it.
    pub store: Store,
    /// Its URL (to open more stores on it).
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh SQLite file in the temp folder.
    pub async fn sqlite() -> TestDb {
        let dir =
            std::env::temp_dir().join(format!("cairn-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/test.db", dir.display());
        let store = Store::open(&url).await.unwrap();
        TestDb {
            store,
            url,
            cleanup: Cleanup::File(dir),
        }
    }

    /// A fresh PostgreSQL database. Fails loudly when the server is not reachable: the
    /// PostgreSQL half of the suite must run, not skip.
    pub async fn postgres() -> TestDb {
        let admin_url = pg_admin_url();
        let name = format!("cairn_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!("PostgreSQL at {admin_url} is needed for the store tests: {e}")
        });
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();
        let url = replace_database(&admin_url, &name);
        let store = Store::open(&url).await.unwrap();
        TestDb {
            store,
            url,
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }

    /// Another store on the same database (a second server instance).
    pub async fn reopen(&self) -> Store {
        Store::open(&self.url).await.unwrap()
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let cut = base.rfind('/').unwrap();
    format!("{}/{}{}", &base[..cut], name, query)
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; use a thread with its own runtime.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async move {
                        if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .execute(&mut admin)
                            .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Runs one async test body on SQLite and on PostgreSQL: `both_databases!(name, |db: Db| async
/// move { … })` where `db: Db`, that is `std::sync::Arc<TestDb>`.
#[macro_export]
macro_rules! both_databases {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = std::sync::Arc::new($crate::common::TestDb::sqlite().await);
                ($body)(db.clone()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let db = std::sync::Arc::new($crate::common::TestDb::postgres().await);
                ($body)(db.clone()).await;
            }
        }
    };
}

/// A form value, percent-encoded.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A single number a query answers (`SELECT COUNT(*) …`), with its `$1…` bound to `binds`.
pub async fn count(store: &Store, sql: &str, binds: &[&str]) -> i64 {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for b in binds {
        query = query.bind(b.to_string());
    }
    query.fetch_one(store.pool()).await.unwrap()
}

/// What an error body says in English: an `ApiError`'s JSON decoded and written out (its data
/// travels typed, so each language can word it), or the body itself when it is something else.
pub fn said(body: &str) -> String {
    serde_json::from_str::<app::api::ApiError>(body)
        .map_or_else(|_| body.to_string(), |e| e.to_string())
}

/// The text of a PDF, as `pdftotext` (poppler-utils) reads it.
pub fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let path = std::env::temp_dir().join(format!("cairn-{}-book.pdf", uuid::Uuid::new_v4()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(pdf))
        .unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed by make setup");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
