//! Test support: a fresh database per test on SQLite (temp file) or PostgreSQL (a new database
//! on the machine's server), and a macro that runs one test body on both.

#![allow(dead_code)]

use app::store::Store;
use sqlx::{Connection, PgConnection};

/// Where the PostgreSQL tests create their databases.
pub fn pg_admin_url() -> String {
    std::env::var("CAIRN_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A database that exists for one test and is removed afterwards (also when the test panics).
pub struct TestDb {
    pub store: Store,
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

/// Runs one async test body on SQLite and on PostgreSQL: `both_databases!(name, |db| async move { … })`
/// where `db: std::sync::Arc<TestDb>`.
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

/// Loads the demo company as of October 2026.
pub async fn load_demo(store: &Store) {
    server::demo::load(
        store,
        server::demo::DEMO_ADMIN_EMAIL,
        server::demo::DEMO_PASSWORD,
        "2026-10".parse().unwrap(),
    )
    .await
    .unwrap();
}

/// A session cookie for a user (made directly, to keep tests fast).
pub async fn cookie_for(store: &Store, email: &str) -> String {
    use app::auth;
    let (user, _) = store
        .user_with_hash(email)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {email}"));
    let token = auth::random_secret();
    store
        .create_session(
            &auth::secret_hash(&token),
            user.id,
            auth::now_seconds() + 3600,
        )
        .await
        .unwrap();
    format!("{}={token}", auth::SESSION_COOKIE)
}

/// The demo's enterprise map ("Northwind …").
pub async fn enterprise_map(store: &Store) -> app::domain::MapDocument {
    let (_, summary) = store
        .map_summaries()
        .await
        .unwrap()
        .into_iter()
        .find(|(_, m)| m.name.starts_with("Northwind"))
        .expect("the demo has an enterprise map");
    store.map_document(summary.id).await.unwrap()
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
