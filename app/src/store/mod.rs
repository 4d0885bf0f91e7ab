//! The one store API every write and read goes through, on SQLite (default) or PostgreSQL.
//!
//! Built on `sqlx::Any` with portable SQL and `$n` placeholders (both backends accept them), so
//! each query is written once. Writes that touch several rows take a connection inside a
//! transaction (`&mut AnyConnection`); the `Store` methods run them in one with
//! [`Store::write`]. Each file holds the tables it is named after, and each table has one
//! insert.

mod alignments;
mod api_tokens;
mod audit;
mod briefing_mails;
mod comments;
mod dashboards;
mod data;
mod display_links;
mod entity_ids;
mod initiatives;
mod installation;
mod invitations;
mod links;
mod mail;
mod maps;
mod measures;
mod memberships;
mod objectives;
mod oplog;
mod password_resets;
mod perspectives;
mod proposals;
mod reminders;
mod reviews;
mod rows;
pub mod sessions;
mod sso;
mod surveys;
mod themes;
pub mod tombstones;
mod units;
mod users;
mod workshops;

pub use alignments::*;
pub use api_tokens::*;
pub use audit::*;
pub use briefing_mails::*;
pub use comments::*;
pub use dashboards::*;
pub use data::*;
pub use display_links::*;
pub use initiatives::*;
pub use installation::*;
pub use invitations::*;
pub use links::*;
pub use mail::*;
pub use maps::*;
pub use measures::*;
pub use memberships::*;
pub use objectives::*;
pub use oplog::*;
pub use password_resets::*;
pub use perspectives::*;
pub use reminders::*;
pub use reviews::*;
pub(crate) use rows::*;
pub use sessions::*;
pub use sso::*;
pub use themes::*;
pub use units::*;
pub use users::*;

use crate::domain::ValidationError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyConnection, AnyPool, Connection, Row};
use std::str::FromStr;
use std::time::Duration;

/// The migrations, embedded in the binary and run at start-up.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Which database is behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Why a store call failed. `Database` keeps the sqlx error for the log; callers show users only
/// the other variants' messages.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("{0}")]
    Conflict(String),
    #[error("stored data is unreadable in column {0}")]
    Corrupt(&'static str),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL \"{0}\": use sqlite://path or postgres://…")]
    UnsupportedUrl(String),
}

impl StoreError {
    /// A unique-constraint violation becomes a `Conflict` with `message`; other errors pass through.
    pub fn conflict_on_unique(err: sqlx::Error, message: &str) -> StoreError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(message.to_string())
            }
            _ => StoreError::Database(err),
        }
    }

    /// [`StoreError::conflict_on_unique`] for an error already in the store's terms (an insert
    /// helper's): a unique-constraint violation becomes a `Conflict` with `message`.
    pub fn unique_as_conflict(self, message: &str) -> StoreError {
        match self {
            StoreError::Database(err) => StoreError::conflict_on_unique(err, message),
            other => other,
        }
    }
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// How long a PostgreSQL statement waits for a lock before it fails.
const POSTGRES_LOCK_TIMEOUT: &str = "SET lock_timeout = '5s'";

/// A pool of connections to the configured database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// How long a pooled connection may sit unused before it is pinged on its next acquire (a
/// database restarted meanwhile has closed it).
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(30);

impl Store {
    /// Connects to `url` (creating a SQLite file and its folder when missing) and runs migrations.
    pub async fn open(url: &str) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url),
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let connect = || {
            AnyPoolOptions::new()
                .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
                .acquire_timeout(Duration::from_secs(10))
                // A connection is pinged before reuse only after a while unused: a ping on
                // every acquire was one more round trip per query (a map page reads ~20 times),
                // while a connection in steady use is known to be alive.
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for > PING_WHEN_IDLE_FOR {
                            conn.ping().await?;
                        }
                        Ok(true)
                    })
                })
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        if backend == Backend::Sqlite {
                            for pragma in SQLITE_PRAGMAS {
                                sqlx::query(pragma).execute(&mut *conn).await?;
                            }
                        } else {
                            // A row lock is waited for 5 s at most, as SQLite's busy timeout:
                            // a request that waits on a lock held by a transaction that itself
                            // waits on that request fails instead of hanging for good.
                            sqlx::query(POSTGRES_LOCK_TIMEOUT)
                                .execute(&mut *conn)
                                .await?;
                        }
                        Ok(())
                    })
                })
                .connect_with(options.clone())
        };
        // Migrations run on connections of their own, closed before the store's open: SQLite
        // re-prepares a statement cached before a schema change with more columns than sqlx
        // knows of (`SELECT *` after `ADD COLUMN`), so no statement may outlive a migration.
        let migrating = connect().await?;
        if backend == Backend::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&migrating)
                .await?;
        }
        MIGRATOR.run(&migrating).await?;
        migrating.close().await;
        let pool = connect().await?;
        if backend == Backend::Sqlite {
            checkpoint_in_background(pool.clone());
        }
        Ok(Store { pool, backend })
    }

    /// The database kind.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for the few callers (tests, the op log listener) that need raw access.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction for a multi-row write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later fails at
    /// once with "database is locked" when another writer got in between (the busy timeout does
    /// not cover that upgrade), whereas an immediate one waits its turn.
    pub async fn begin(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Runs `work` in one transaction (see [`Store::begin`]) and commits it when `work`
    /// succeeds; on an error nothing of it is written. The one wrapper behind every store write
    /// that takes its own transaction.
    pub async fn write<T>(
        &self,
        work: impl AsyncFnOnce(&mut AnyConnection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut tx = self.begin().await?;
        let out = work(&mut tx).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Checks the database answers (for `/healthz`).
    pub async fn ping(&self) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        conn.ping().await?;
        sqlx::query("SELECT 1").execute(&mut *conn).await?;
        Ok(())
    }

    /// Whether no user exists yet (first start).
    pub async fn is_empty(&self) -> StoreResult<bool> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")? == 0)
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The settings of every SQLite connection. Checkpoints run in the background
/// (`checkpoint_in_background`), not inside whichever commit happens to fill the WAL: that
/// commit used to pay for copying the WAL back and syncing the file.
const SQLITE_PRAGMAS: [&str; 5] = [
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA wal_autocheckpoint = 0",
    "PRAGMA journal_size_limit = 67108864",
];

/// How often the SQLite WAL is checkpointed (copied back into the database file).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Checkpoints the SQLite WAL every [`CHECKPOINT_EVERY`] on a pool connection (passive: it
/// never blocks readers or the writer), until the pool is closed. Commits then only append to
/// the WAL and never wait for a checkpoint.
fn checkpoint_in_background(pool: AnyPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if pool.is_closed() {
                return;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                if pool.is_closed() {
                    return;
                }
                tracing::warn!("WAL checkpoint failed (will retry): {e}");
            }
        }
    });
}

/// The backend a database URL names.
pub fn backend_of(url: &str) -> StoreResult<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}

/// Makes sure a SQLite file can be created: its folder exists and `mode=rwc` is set.
fn prepare_sqlite_url(url: &str) -> String {
    let path_and_query = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path_and_query.split('?').next().unwrap_or_default();
    if path != ":memory:" && !path.is_empty() {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                // A failure here surfaces as a clear connect error just below.
                let _ = std::fs::create_dir_all(dir);
            }
        }
    }
    if path_and_query.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Current time, RFC 3339 with milliseconds (sorts as text on both backends).
pub fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The current month by the server's clock: what "latest" and "stale" are measured against.
pub fn current_period() -> crate::domain::Period {
    use chrono::Datelike;
    let now = chrono::Utc::now();
    crate::domain::Period::new(now.year(), now.month() as u8)
        .or_else(|| crate::domain::Period::new(2026, 1))
        .unwrap_or_else(|| unreachable!("2026-01 is a valid period"))
}
