//! The server context: what the server functions need from the server binary (the store, the
//! settings, and the ports through which they write and announce), provided as Leptos context
//! per request. The traits are implemented by the server's hub and import sessions.

use crate::api::ImportSession;
use crate::domain::feed::FeedEvent;
use crate::domain::ops::{Committed, Op};
use crate::domain::{DataBatch, DataOutcome, ImportId, MapId, UserId};
use crate::error::ApiError;
use crate::store::Store;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future a port returns (the ports are object-safe traits).
pub type PortFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the server functions need from the server, provided as Leptos context per request.
#[derive(Clone)]
pub struct ServerContext {
    pub store: Store,
    /// Whether cookies carry `Secure` (on when served over HTTPS).
    pub secure_cookies: bool,
    /// How people sign in: password, single sign-on, or both.
    pub sign_in: crate::api::SignInSettings,
    /// Throttles failed guesses at the sign-in form, per account and per client address.
    pub sign_in_throttle: Arc<crate::throttle::SignInThrottle>,
    /// How long a new session may go unused before it ends, in seconds (`CAIRN_SESSION_IDLE`).
    pub session_idle: i64,
    /// The one write path for map content (commits, then tells every live client).
    pub maps: Arc<dyn MapWriter>,
    /// The one write path for actuals and targets (commits, then tells every live screen).
    pub data: Arc<dyn DataWriter>,
    /// Uploaded files being imported: short-lived, owned by their uploader, bounded in memory.
    pub imports: Arc<dyn ImportSessions>,
    /// Tells display screens (on every instance) that a link was revoked or a dashboard changed.
    pub displays: Arc<dyn FeedNotifier>,
    /// Tells open sockets (on every instance) that someone signed out or had a role changed.
    pub access: Arc<dyn AccessNotifier>,
    /// Whether mail is configured, where its links point, and the reset form's rate limits.
    pub mail: crate::mail::MailContext,
}

/// Announces on the bus that someone's access changed. Implemented by the server's hub: that
/// person's open sockets, on any instance, check their session and role again and close when
/// they no longer hold.
pub trait AccessNotifier: Send + Sync {
    /// Publishes that `user` signed out or had a role granted, changed or revoked.
    fn access_changed(&self, user: UserId) -> PortFuture<'_, ()>;
}

/// Announces display events on the bus. Implemented by the server's hub, so a revoke reaches
/// screens connected to any instance.
pub trait FeedNotifier: Send + Sync {
    /// Publishes `event` to every instance's display sockets.
    fn notify_feeds(&self, event: FeedEvent) -> PortFuture<'_, ()>;
}

/// The future a [`DataWriter`] returns.
pub type DataFuture<'a> = PortFuture<'a, Result<DataOutcome, ApiError>>;

/// Keeps uploaded import files between the upload, the dry runs and the commit. Implemented by
/// the server (expiry and a memory budget); sessions are found only by their owner.
pub trait ImportSessions: Send + Sync {
    /// Keeps `session`, making room by dropping expired or older idle ones; refuses when the
    /// memory budget is still exceeded.
    fn keep(&self, session: ImportSession) -> Result<Arc<ImportSession>, ApiError>;

    /// The session `id` of `owner` (not found when expired or someone else's).
    fn find(&self, id: ImportId, owner: UserId) -> Result<Arc<ImportSession>, ApiError>;
}

/// Reports how many rows a running commit has written so far.
pub type Progress = Arc<dyn Fn(usize) + Send + Sync>;

/// Commits a batch of actuals and targets and announces the maps whose scores changed.
/// Implemented by the server's hub; the grid, target editor, imports and REST all write
/// through it, so open maps and dashboards update without a reload.
pub trait DataWriter: Send + Sync {
    /// Validates and commits `batch` in one transaction by `author`.
    fn write_data(&self, batch: DataBatch, author: Option<UserId>) -> DataFuture<'_> {
        self.write_data_as(batch, author, String::new(), Arc::new(|_| {}))
    }

    /// [`DataWriter::write_data`], telling `progress` the actuals written so far while the one
    /// transaction runs (imports show a progress bar).
    fn write_data_reporting(
        &self,
        batch: DataBatch,
        author: Option<UserId>,
        progress: Progress,
    ) -> DataFuture<'_> {
        self.write_data_as(batch, author, String::new(), progress)
    }

    /// [`DataWriter::write_data`] for writers that are not a signed-in person (an API token):
    /// `via` names them in the audit history.
    fn write_data_via(
        &self,
        batch: DataBatch,
        author: Option<UserId>,
        via: String,
    ) -> DataFuture<'_> {
        self.write_data_as(batch, author, via, Arc::new(|_| {}))
    }

    /// The one implementation behind the others: commits `batch` by `author` (or, when `via`
    /// is not empty, by what it names), reporting progress.
    fn write_data_as(
        &self,
        batch: DataBatch,
        author: Option<UserId>,
        via: String,
        progress: Progress,
    ) -> DataFuture<'_>;
}

/// Commits a batch of ops on a map and publishes it to live clients. Implemented by the
/// server's hub; server functions, REST and the WebSocket all write through it.
pub trait MapWriter: Send + Sync {
    /// Commits `ops` as one batch by `author`; a resent `op_id` is not applied twice.
    fn mutate(
        &self,
        map: MapId,
        author: UserId,
        op_id: uuid::Uuid,
        ops: Vec<Op>,
    ) -> PortFuture<'_, Result<Committed, ApiError>>;

    /// Tells the screens of `map` (on every instance) that a proposal to or from it was made
    /// or decided.
    fn proposals_changed(&self, map: MapId) -> PortFuture<'_, ()>;

    /// Tells the screens of `map` (on every instance: map pages, dashboards, displays) that an
    /// initiative of its unit was created or changed.
    fn initiatives_changed(&self, map: MapId) -> PortFuture<'_, ()>;

    /// Tells the screens of `map` (on every instance) that one of its reviews changed: the
    /// review page re-reads it, and followers of a presenter go to the item presented.
    fn reviews_changed(&self, map: MapId) -> PortFuture<'_, ()>;

    /// Tells the screens of `map` (on every instance) that a comment on one of its items, its
    /// unit's initiatives or its reviews' items changed: open comment panels re-read.
    fn comments_changed(&self, map: MapId) -> PortFuture<'_, ()>;
}
