//! The board feed (see `app::domain::feed`) of meeting-room displays and live dashboard pages:
//! the read-only sockets `/ws/display/{token}`
//! (no session: the link's secret is the key) and `/ws/dashboards/{id}` (a signed-in page), and
//! the per-map feeds that turn bus announcements into small pushes for both.
//!
//! A feed exists while some screen watches its map. It keeps the map's last data; when the bus
//! says the data (or the map) changed, it reads the map once, diffs, and broadcasts one message
//! to every screen of every link showing that map — already encoded, so a hundred screens cost
//! one read and one encoding. Announcements that arrive while a read is running are folded into
//! the next read (a burst of imports costs a few reads, not thousands); each message sets cells to
//! their latest values, so nothing is lost by folding.
//!
//! Order on connect: subscribe to the broadcast, start watching the maps (a new feed reads its
//! first data now), then read the board for the welcome. Every change after the feed's first
//! read reaches the screen as a delta; every change before it is in the welcome.

use crate::access::{AccessEnded, AccessSignal, SessionGrant};
use crate::fanout::{Cut, Fanout, Outbox, OutboxLimits};
use crate::ws::bounded;
use crate::AppState;
use app::api::ApiError;
use app::domain::dashboard::board_map_ids;
use app::domain::feed::{
    DataDelta, FeedClientMsg, FeedEvent, FeedInfo, FeedMsg, FeedView, GoneReason,
};
use app::domain::scores::ScoreData;
use app::domain::{Action, DashboardId, DisplayLinkId, MapId};
use app::store::{Store, StoreError};
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// What one screen may have waiting to be sent before it is cut off (it reconnects and gets a
/// fresh welcome).
pub const SCREEN_OUTBOX: OutboxLimits = OutboxLimits {
    messages: 1024,
    bytes: 8 * 1024 * 1024,
};
/// The server pings every screen this often…
const PROBE_EVERY: Duration = Duration::from_secs(5);
/// …and closes one silent for this long (its screen reconnects by itself).
const DEAD_AFTER: Duration = Duration::from_secs(20);
/// The largest frame a screen may send (it only sends pings).
const MAX_FRAME: usize = 4096;

/// One thing every display socket hears; each keeps what concerns its maps and link.
#[derive(Debug)]
enum Update {
    /// An encoded `FeedMsg` about one map.
    Map {
        map_id: MapId,
        json: Utf8Bytes,
    },
    Event(FeedEvent),
}

/// The feeds of this instance and the fan-out every display socket listens to.
pub struct Feeds {
    store: Store,
    fanout: Fanout<Arc<Update>>,
    feeds: Mutex<HashMap<MapId, Arc<Feed>>>,
}

/// One watched map: its last data, and what the next read must fetch.
struct Feed {
    map_id: MapId,
    watchers: Mutex<usize>,
    data: tokio::sync::Mutex<ScoreData>,
    want_doc: AtomicBool,
    closed: AtomicBool,
    wake: Notify,
}

/// Watching some maps; dropping it stops watching (the last watcher closes the feed).
pub struct Watch {
    displays: Weak<Feeds>,
    maps: Vec<MapId>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(d) = self.displays.upgrade() {
            d.unwatch(&self.maps);
        }
    }
}

impl Feeds {
    /// No feeds yet.
    pub fn new(store: Store) -> Arc<Feeds> {
        Arc::new(Feeds {
            store,
            fanout: Fanout::new(SCREEN_OUTBOX),
            feeds: Mutex::new(HashMap::new()),
        })
    }

    fn subscribe(&self) -> Outbox<Arc<Update>> {
        self.fanout.subscribe()
    }

    fn feed(&self, map: MapId) -> Option<Arc<Feed>> {
        self.feeds.lock().ok().and_then(|f| f.get(&map).cloned())
    }

    /// New data on a map: its screens get the changed cells.
    pub fn scores_changed(&self, map: MapId) {
        if let Some(f) = self.feed(map) {
            f.wake.notify_one();
        }
    }

    /// A map was edited: its screens get the new document (and any data it brings back).
    pub fn map_changed(&self, map: MapId) {
        if let Some(f) = self.feed(map) {
            f.want_doc.store(true, Ordering::SeqCst);
            f.wake.notify_one();
        }
    }

    /// Announcements may have been missed (the bus reconnected): every feed re-reads.
    pub fn refresh_all(&self) {
        let feeds: Vec<Arc<Feed>> = self
            .feeds
            .lock()
            .map(|f| f.values().cloned().collect())
            .unwrap_or_default();
        for f in feeds {
            f.want_doc.store(true, Ordering::SeqCst);
            f.wake.notify_one();
        }
    }

    /// A link was revoked or a dashboard changed: the screens concerned react.
    pub fn event(&self, event: FeedEvent) {
        // An event is a few ids: count it as a small message.
        self.fanout.send(Arc::new(Update::Event(event)), 64);
    }

    /// Starts watching `maps`; a map not watched before gets a feed whose first data is read
    /// before this returns.
    async fn watch(self: &Arc<Self>, maps: &[MapId]) -> Result<Watch, StoreError> {
        let mut watch = Watch {
            displays: Arc::downgrade(self),
            maps: Vec::new(),
        };
        for &map in maps {
            let existing = self.feeds.lock().ok().and_then(|mut feeds| {
                let f = feeds.get_mut(&map)?.clone();
                if let Ok(mut n) = f.watchers.lock() {
                    *n += 1;
                }
                Some(f)
            });
            if existing.is_none() {
                let data = self.store.score_data(map).await?;
                let feed = Arc::new(Feed {
                    map_id: map,
                    watchers: Mutex::new(1),
                    data: tokio::sync::Mutex::new(data),
                    want_doc: AtomicBool::new(false),
                    closed: AtomicBool::new(false),
                    wake: Notify::new(),
                });
                let mut start = false;
                if let Ok(mut feeds) = self.feeds.lock() {
                    match feeds.get(&map) {
                        // Another screen opened the feed meanwhile: join it.
                        Some(f) => {
                            if let Ok(mut n) = f.watchers.lock() {
                                *n += 1;
                            }
                        }
                        None => {
                            feeds.insert(map, feed.clone());
                            start = true;
                        }
                    }
                }
                if start {
                    tokio::spawn(run_feed(Arc::downgrade(self), feed));
                }
            }
            watch.maps.push(map);
        }
        Ok(watch)
    }

    fn unwatch(&self, maps: &[MapId]) {
        let Ok(mut feeds) = self.feeds.lock() else {
            return;
        };
        for map in maps {
            let Some(f) = feeds.get(map).cloned() else {
                continue;
            };
            let left = f
                .watchers
                .lock()
                .map(|mut n| {
                    *n = n.saturating_sub(1);
                    *n
                })
                .unwrap_or(0);
            if left == 0 {
                feeds.remove(map);
                f.closed.store(true, Ordering::SeqCst);
                f.wake.notify_one();
            }
        }
    }

    /// Maps with a feed now (for tests: closed screens leave nothing behind).
    pub fn watched(&self) -> usize {
        self.feeds.lock().map(|f| f.len()).unwrap_or(0)
    }

    fn broadcast(&self, map_id: MapId, msg: &FeedMsg) {
        match serde_json::to_string(msg) {
            Ok(json) => {
                let bytes = json.len();
                let update = Update::Map {
                    map_id,
                    json: Utf8Bytes::from(json),
                };
                self.fanout.send(Arc::new(update), bytes);
            }
            Err(e) => tracing::error!("could not encode a display message: {e}"),
        }
    }
}

/// A feed's loop: on each wake-up read what changed and broadcast it; ends when closed.
async fn run_feed(displays: Weak<Feeds>, feed: Arc<Feed>) {
    loop {
        feed.wake.notified().await;
        if feed.closed.load(Ordering::SeqCst) {
            return;
        }
        let Some(d) = displays.upgrade() else { return };
        let map = feed.map_id;
        if feed.want_doc.swap(false, Ordering::SeqCst) {
            match d.store.map_document(map).await {
                Ok(doc) => d.broadcast(map, &FeedMsg::Map { doc: Box::new(doc) }),
                Err(StoreError::NotFound(_)) => {}
                Err(e) => tracing::error!(%map, "display feed could not read the map: {e}"),
            }
        }
        match d.store.score_data(map).await {
            Ok(new) => {
                let mut last = feed.data.lock().await;
                let delta = DataDelta::between(&last, &new);
                *last = new;
                drop(last);
                if !delta.is_empty() {
                    d.broadcast(map, &FeedMsg::Data { map_id: map, delta });
                }
            }
            Err(e) => tracing::error!(%map, "display feed could not read the data: {e}"),
        }
    }
}

/// `GET /ws/display/{token}`: a screen's read-only subscription. Upgrades whatever the link, so
/// the screen can be told in words that its link is unknown or revoked (a browser cannot read the
/// status of a refused upgrade); only a page of another site is refused (403).
pub async fn display_socket(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !crate::ws::same_origin(&headers, state.public_origin.as_deref()) {
        return crate::ws::foreign_origin();
    }
    upgrade
        .max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        .on_upgrade(move |socket| run(state, Source::Link(token), socket))
}

/// `GET /ws/dashboards/{id}`: the live subscription of a signed-in dashboard page — the same
/// feeds and messages as a display link's, for one dashboard the user may view. Refused before
/// the upgrade (401, 403, 404) when the session or the role is missing, or (403) when another
/// site's page asks.
pub async fn dashboard_socket(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !crate::ws::same_origin(&headers, state.public_origin.as_deref()) {
        return crate::ws::foreign_origin();
    }
    match may_watch(&state.store, &id, &headers).await {
        Ok((id, grant)) => upgrade
            .max_message_size(MAX_FRAME)
            .max_frame_size(MAX_FRAME)
            .on_upgrade(move |socket| run(state, Source::Dashboard(id, grant), socket)),
        Err(e) => e.into_response(),
    }
}

/// The dashboard a request may watch (signed in, with a role on the dashboard's unit), and the
/// session and role to check again while it watches.
async fn may_watch(
    store: &Store,
    id: &str,
    headers: &axum::http::HeaderMap,
) -> Result<(DashboardId, SessionGrant), ApiError> {
    let id: DashboardId = id
        .parse()
        .map_err(|_| ApiError::NotFound("dashboard".into()))?;
    let user = app::auth::user_from_headers(store, headers)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let dashboard = store.dashboard(id).await?;
    let access = app::auth::Access::of_user(store, &user).await?;
    let role = access
        .role(dashboard.org_unit_id)
        .filter(|r| r.allows(Action::View))
        .ok_or(ApiError::Forbidden(app::api::Refusal::WatchNeedsRole))?;
    let grant = SessionGrant::new(headers, user, dashboard.org_unit_id, role, false)
        .ok_or(ApiError::Unauthenticated)?;
    Ok((id, grant))
}

/// Why a welcome could not be made.
enum Refused {
    Gone(GoneReason),
    Failed(String),
}

/// Watches the link's maps, then reads what it shows.
async fn welcome(
    displays: &Arc<Feeds>,
    store: &Store,
    source: &Source,
) -> Result<(FeedView, Watch), Refused> {
    let token = match source {
        Source::Link(token) => token,
        Source::Dashboard(id, _) => return welcome_dashboard(displays, store, *id).await,
    };
    let link = store
        .display_link_by_hash(&app::auth::secret_hash(token.trim()))
        .await
        .map_err(|e| Refused::Failed(e.to_string()))?
        .ok_or(Refused::Gone(GoneReason::Unknown))?;
    if link.revoked_at.is_some() {
        return Err(Refused::Gone(GoneReason::Revoked));
    }
    let mut dashboards = Vec::new();
    for id in &link.dashboard_ids {
        if let Ok(d) = store.dashboard(*id).await {
            dashboards.push(d);
        }
    }
    let watch = displays
        .watch(&board_map_ids(&dashboards))
        .await
        .map_err(|e| Refused::Failed(e.to_string()))?;
    // The link is checked against its creator's rights each time it is served.
    match app::api::link_view(store, token).await {
        Ok(app::api::LinkView::Shown(view)) => Ok((*view, watch)),
        Ok(app::api::LinkView::Gone(reason)) => Err(Refused::Gone(reason)),
        Err(e) => Err(Refused::Failed(e.to_string())),
    }
}

/// Watches one dashboard's maps, then reads its board (maps name their people, as everywhere
/// else in the app).
async fn welcome_dashboard(
    displays: &Arc<Feeds>,
    store: &Store,
    id: DashboardId,
) -> Result<(FeedView, Watch), Refused> {
    let failed = |e: StoreError| Refused::Failed(e.to_string());
    let dashboard = match store.dashboard(id).await {
        Ok(d) => d,
        Err(StoreError::NotFound(_)) => return Err(Refused::Gone(GoneReason::Deleted)),
        Err(e) => return Err(failed(e)),
    };
    let watch = displays
        .watch(&board_map_ids(std::slice::from_ref(&dashboard)))
        .await
        .map_err(failed)?;
    let unit = store
        .org_unit(dashboard.org_unit_id)
        .await
        .map_err(failed)?;
    let info = FeedInfo {
        link_id: None,
        name: dashboard.name.clone(),
        rotate_seconds: 0,
    };
    let board = store.board(unit, vec![dashboard]).await.map_err(failed)?;
    Ok((FeedView { info, board }, watch))
}

/// What a live subscription shows: a display link's dashboards, or one dashboard for a
/// signed-in page.
enum Source {
    Link(String),
    /// With the session and role it was opened with.
    Dashboard(DashboardId, SessionGrant),
}

/// Why a screen may no longer show what it shows.
enum Ended {
    /// The dashboard page's session or role ended.
    Access(AccessEnded),
    /// The display link was revoked or withdrawn, or is gone.
    Gone(GoneReason),
}

impl Source {
    /// Whether `signal` asks this screen to check again: a dashboard page for its person; a
    /// display link for anyone (its creator's rights may have changed).
    fn concerns(&self, signal: AccessSignal) -> bool {
        match self {
            Source::Dashboard(_, grant) => grant.concerns(signal),
            Source::Link(_) => true,
        }
    }

    /// Checks again that the screen may go on: a dashboard page's session and role, a link's
    /// standing (not revoked, its creator still administering its unit). A database that does
    /// not answer is not a reason to stop.
    async fn still_allowed(&self, store: &Store) -> Result<(), Ended> {
        match self {
            Source::Dashboard(_, grant) => grant.recheck(store).await.map_err(Ended::Access),
            Source::Link(token) => match app::api::link_refusal(store, token).await {
                Ok(Some(reason)) => Err(Ended::Gone(reason)),
                Ok(None) => Ok(()),
                Err(e) => {
                    tracing::warn!("could not check a display link: {e}");
                    Ok(())
                }
            },
        }
    }
}

/// Checks the screen's standing again; when it ended, tells the screen (a link's screen in
/// words, a page by the close frame) and returns the close frame to end with.
async fn recheck(
    source: &Source,
    store: &Store,
    socket: &mut WebSocket,
) -> Option<Option<axum::extract::ws::CloseFrame>> {
    match source.still_allowed(store).await {
        Ok(()) => None,
        Err(Ended::Gone(reason)) => {
            let message = reason.message().into();
            let _ = send(socket, &FeedMsg::Gone { reason, message }).await;
            Some(None)
        }
        Err(Ended::Access(ended)) => Some(Some(crate::access::close_frame(ended))),
    }
}

/// What one screen's connection knows about itself.
struct Screen {
    link: Option<DisplayLinkId>,
    maps: Vec<MapId>,
    dashboards: Vec<app::domain::DashboardId>,
    _watch: Watch,
}

async fn greet(
    displays: &Arc<Feeds>,
    store: &Store,
    source: &Source,
    socket: &mut WebSocket,
) -> Option<Screen> {
    match welcome(displays, store, source).await {
        Ok((view, watch)) => {
            let screen = Screen {
                link: view.info.link_id,
                maps: view.board.maps.iter().map(|m| m.doc.map.id).collect(),
                dashboards: view.board.dashboards.iter().map(|d| d.id).collect(),
                _watch: watch,
            };
            let sent = send(
                socket,
                &FeedMsg::Welcome {
                    view: Box::new(view),
                },
            )
            .await;
            sent.then_some(screen)
        }
        Err(Refused::Gone(reason)) => {
            let msg = FeedMsg::Gone {
                reason,
                message: reason.message().into(),
            };
            let _ = send(socket, &msg).await;
            None
        }
        Err(Refused::Failed(e)) => {
            // The screen retries with backoff; the cause is in the log.
            tracing::error!("a display could not be welcomed: {e}");
            None
        }
    }
}

async fn run(state: AppState, source: Source, mut socket: WebSocket) {
    let displays = state.hub.displays().clone();
    let mut rx = displays.subscribe();
    let mut access_rx = state.hub.access_changes();
    let mut screen = greet(&displays, &state.store, &source, &mut socket).await;
    let mut probe = tokio::time::interval(PROBE_EVERY);
    let mut checks = crate::access::recheck_timer(state.socket_recheck);
    let mut last_seen = Instant::now();
    let mut close = None;
    while let Some(current) = screen.as_ref() {
        let mut again = false;
        tokio::select! {
            incoming = socket.recv() => {
                last_seen = Instant::now();
                match incoming {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break,
                    Some(Ok(Message::Text(t))) => {
                        if matches!(serde_json::from_str::<FeedClientMsg>(t.as_str()), Ok(FeedClientMsg::Ping))
                            && !send(&mut socket, &FeedMsg::Pong).await
                        {
                            break;
                        }
                    }
                    Some(Ok(_)) => {}
                }
            }
            _ = probe.tick() => {
                if last_seen.elapsed() > DEAD_AFTER
                    || !bounded(socket.send(Message::Ping(Default::default()))).await
                {
                    break;
                }
            }
            signal = access_rx.recv() => {
                let concerned = match signal {
                    Ok(signal) => source.concerns(signal),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => true,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                };
                if concerned {
                    if let Some(frame) = recheck(&source, &state.store, &mut socket).await {
                        close = frame;
                        break;
                    }
                }
            }
            _ = checks.tick() => {
                if let Some(frame) = recheck(&source, &state.store, &mut socket).await {
                    close = frame;
                    break;
                }
            }
            update = rx.recv() => {
                again = match update {
                    Ok(u) => match &*u {
                        Update::Map { map_id, json } if current.maps.contains(map_id) => {
                            if !bounded(socket.send(Message::Text(json.clone()))).await {
                                break;
                            }
                            false
                        }
                        Update::Map { .. } => false,
                        Update::Event(FeedEvent::Revoked { link_id }) if Some(*link_id) == current.link => {
                            let reason = GoneReason::Revoked;
                            let _ = send(&mut socket, &FeedMsg::Gone { reason, message: reason.message().into() }).await;
                            break;
                        }
                        Update::Event(FeedEvent::DashboardChanged { dashboard_id }) => {
                            current.dashboards.contains(dashboard_id)
                        }
                        Update::Event(FeedEvent::InitiativesChanged { map_id }) => {
                            current.maps.contains(map_id)
                        }
                        Update::Event(_) => false,
                    },
                    // Too far behind: its outbox was cut off. The screen reconnects and gets a
                    // fresh welcome.
                    Err(Cut::Overflow) | Err(Cut::Closed) => break,
                };
            }
        }
        if again {
            rx = displays.subscribe();
            // The old watch is dropped after the new one holds the feeds.
            screen = greet(&displays, &state.store, &source, &mut socket).await;
        }
    }
    drop(screen);
    if bounded(socket.send(Message::Close(close))).await {
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            while let Some(Ok(_)) = socket.recv().await {}
        })
        .await;
    }
}

/// Sends one message; `false` when the socket is gone.
async fn send(socket: &mut WebSocket, msg: &FeedMsg) -> bool {
    match serde_json::to_string(msg) {
        Ok(text) => bounded(socket.send(Message::Text(Utf8Bytes::from(text)))).await,
        Err(e) => {
            tracing::error!("could not encode a display message: {e}");
            true
        }
    }
}
