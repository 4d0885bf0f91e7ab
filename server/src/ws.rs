//! The live socket `/ws/maps/{id}`: JSON messages of the edit protocol (`app::domain::ops`).
//!
//! Per connection: refuse another site's page (`Origin`), authenticate by session cookie and
//! check the role on the map's unit; `Hello` → `Welcome` with catch-up (ops since `last_seq` or a
//! snapshot) and the roster; `Mutate` → commit through the hub (viewers are rejected); every
//! committed batch of the room is relayed in sequence order (the author's own as `Ack`) through
//! the connection's bounded outbox; presence is checked, coalesced (latest wins, at most 20 a
//! second) and relayed in memory. Bad frames get an `Error` frame; oversize frames, floods,
//! silence, a client too slow to read, and the end of the session or role (sign-out, expiry, a
//! role changed: see [`crate::access`]) close the connection. Nothing committed is ever lost by a
//! connection's failure.

use crate::access::{AccessEnded, SessionGrant};
use crate::fanout::Cut;
use crate::hub::{Hub, Outgoing, Room};
use crate::AppState;
use app::auth;
use app::domain::ops::{
    self, CatchUp, ClientMsg, Peer, PresenceState, ServerMsg, MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
use app::domain::{Action, MapId, Role, User};
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::SinkExt;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use uuid::Uuid;

/// The server pings every connection this often (browsers answer by themselves)…
const PROBE_EVERY: Duration = Duration::from_secs(5);
/// …and closes one silent for this long, so a vanished client leaves the roster within seconds.
const DEAD_AFTER: Duration = Duration::from_secs(15);
/// Sustained messages per second a connection may send.
const RATE_PER_SEC: f64 = 60.0;
/// Burst allowance above the sustained rate.
const RATE_BURST: f64 = 120.0;
/// Malformed or refused frames tolerated before the connection is closed.
const MAX_STRIKES: u32 = 20;
/// Bytes read from a socket at a time. The WebSocket library zero-fills this much before every
/// read (128 KiB by default), which for small edit frames cost more than everything else.
const READ_BUFFER: usize = 8 * 1024;
/// A write to a socket that takes longer than this (the client stopped reading) ends the
/// connection, so a stalled client holds no task or memory for long.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// What a connection that fell too far behind is told before it is closed.
pub const FELL_BEHIND: &str =
    "This connection fell too far behind the map; reconnecting to catch up.";
/// Relayed messages written to a socket before it is flushed.
const RELAY_BURST: usize = 64;
/// When a client is further behind than this, it gets a snapshot instead of ops.
const MAX_CATCH_UP: i64 = 2000;
/// A connection's presence is relayed at most this often (20 a second); what arrives in
/// between is held, and only the latest is relayed when the time comes.
const PRESENCE_EVERY: Duration = Duration::from_millis(50);

/// Whether a WebSocket upgrade may go ahead: a browser names the page's origin, which must be
/// this site's own — the request's `Host`, or the configured public origin — so another site's
/// page cannot open a socket with the visitor's cookie (cross-site WebSocket hijacking). A
/// request without `Origin` comes from a program, not a page of another site, and may go on.
pub fn same_origin(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    let Some(origin) = headers.get(axum::http::header::ORIGIN) else {
        return true;
    };
    let Some(origin) = origin.to_str().ok().and_then(crate::config::origin_of) else {
        return false;
    };
    if public_origin == Some(origin.as_str()) {
        return true;
    }
    let Some(host) = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    let scheme = origin.split("://").next().unwrap_or_default();
    crate::config::origin_of(&format!("{scheme}://{host}")).as_deref() == Some(origin.as_str())
}

/// The refusal of an upgrade from another site's page.
pub fn foreign_origin() -> Response {
    (
        StatusCode::FORBIDDEN,
        "live connections are accepted only from this site's own pages",
    )
        .into_response()
}

/// `GET /ws/maps/{id}`: upgrade when the caller may view the map.
pub async fn map_socket(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers, state.public_origin.as_deref()) {
        return foreign_origin();
    }
    let Ok(map_id) = id.parse::<MapId>() else {
        return (StatusCode::NOT_FOUND, "no such map").into_response();
    };
    let user = match auth::user_from_headers(&state.store, &headers).await {
        Ok(Some(u)) => u,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "sign in first").into_response(),
        Err(e) => return (e.status(), e.to_string()).into_response(),
    };
    let map = match state.store.map(map_id).await {
        Ok(m) => m,
        Err(_) => return (StatusCode::NOT_FOUND, "no such map").into_response(),
    };
    let role = match auth::authorize(&state.store, &user, map.org_unit_id, Action::View).await {
        Ok(r) => r,
        Err(e) => return (e.status(), e.to_string()).into_response(),
    };
    let room = match state.hub.room(map_id).await {
        Ok(r) => r,
        Err(e) => {
            let e = app::api::ApiError::from(e);
            return (e.status(), e.to_string()).into_response();
        }
    };
    let Some(grant) = SessionGrant::new(&headers, user, map.org_unit_id, role, true) else {
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    };
    let locale = auth::request_locale(&state.store, Some(grant.user()), &headers).await;
    let mut conn = Connection::new(state.hub.clone(), state.store.clone(), room, grant, role);
    conn.recheck_every = state.socket_recheck;
    conn.locale = locale;
    upgrade
        .max_message_size(MAX_FRAME_BYTES * 4)
        .max_frame_size(MAX_FRAME_BYTES * 4)
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| conn.run(socket))
}

struct Connection {
    hub: Arc<Hub>,
    store: app::store::Store,
    room: Arc<Room>,
    user: User,
    /// The session and role this socket was opened with, checked again while it is open.
    grant: SessionGrant,
    /// Why the socket is closing, when its session or role ended.
    ended: Option<AccessEnded>,
    /// How often the session and role are checked when nothing was announced.
    recheck_every: Duration,
    can_edit: bool,
    /// The language refusals are worded in (the person's choice, else the browser's).
    locale: app::i18n::Locale,
    peer_id: Uuid,
    /// Op ids this connection submitted and has not yet seen relayed.
    mine: HashSet<Uuid>,
    /// Relayed batches up to this sequence were covered by the welcome.
    welcomed_seq: Option<i64>,
    strikes: u32,
    tokens: f64,
    last_refill: Instant,
    /// When this connection's presence was last relayed.
    presence_sent: Option<Instant>,
    /// The latest presence not yet relayed (older ones are dropped, never queued).
    presence_held: Option<PresenceState>,
}

enum Flow {
    Continue,
    Close,
}

impl Connection {
    fn new(
        hub: Arc<Hub>,
        store: app::store::Store,
        room: Arc<Room>,
        grant: SessionGrant,
        role: Role,
    ) -> Connection {
        Connection {
            hub,
            store,
            room,
            user: grant.user().clone(),
            grant,
            ended: None,
            recheck_every: crate::config::DEFAULT_SOCKET_RECHECK,
            can_edit: role.allows(Action::Edit),
            locale: app::i18n::Locale::default(),
            peer_id: Uuid::new_v4(),
            mine: HashSet::new(),
            welcomed_seq: None,
            strikes: 0,
            tokens: RATE_BURST,
            last_refill: Instant::now(),
            presence_sent: None,
            presence_held: None,
        }
    }

    /// When the held presence may be relayed.
    fn presence_due(&self) -> tokio::time::Instant {
        let at = self
            .presence_sent
            .map_or_else(Instant::now, |sent| sent + PRESENCE_EVERY);
        tokio::time::Instant::from_std(at)
    }

    /// Takes a client's presence: relayed now when the last one went out long enough ago,
    /// otherwise held (replacing any held before) until it is due.
    fn offer_presence(&mut self, state: PresenceState) {
        let due = self
            .presence_sent
            .is_none_or(|sent| sent.elapsed() >= PRESENCE_EVERY);
        if due {
            self.relay_presence(state);
        } else {
            self.presence_held = Some(state);
        }
    }

    fn relay_presence(&mut self, state: PresenceState) {
        self.presence_sent = Some(Instant::now());
        self.presence_held = None;
        self.room.upsert_peer(self.peer(state));
    }

    async fn run(mut self, mut socket: WebSocket) {
        let mut room_rx = self.room.subscribe();
        let mut access_rx = self.hub.access_changes();
        let mut probe = tokio::time::interval(PROBE_EVERY);
        let mut recheck = crate::access::recheck_timer(self.recheck_every);
        let mut last_seen = Instant::now();
        loop {
            tokio::select! {
                incoming = socket.recv() => {
                    last_seen = Instant::now();
                    let flow = match incoming {
                        None | Some(Err(_)) => Flow::Close,
                        Some(Ok(msg)) => self.on_frame(&mut socket, msg).await,
                    };
                    if let Flow::Close = flow {
                        break;
                    }
                }
                _ = tokio::time::sleep_until(self.presence_due()), if self.presence_held.is_some() => {
                    if let Some(state) = self.presence_held.take() {
                        self.relay_presence(state);
                    }
                }
                signal = access_rx.recv() => {
                    let concerned = match signal {
                        Ok(signal) => self.grant.concerns(signal),
                        Err(broadcast::error::RecvError::Lagged(_)) => true,
                        Err(broadcast::error::RecvError::Closed) => break,
                    };
                    if concerned && self.access_ended(&mut socket).await {
                        break;
                    }
                }
                _ = recheck.tick() => {
                    if self.access_ended(&mut socket).await {
                        break;
                    }
                }
                _ = probe.tick() => {
                    if last_seen.elapsed() > DEAD_AFTER {
                        let _ = send(&mut socket, &ServerMsg::Error { message: "no answer for 15 s; closing".into(), fatal: true }).await;
                        break;
                    }
                    if !bounded(socket.send(Message::Ping(Default::default()))).await {
                        break;
                    }
                }
                relayed = room_rx.recv() => {
                    // Write this message and whatever else is already waiting, then flush once:
                    // under load one write carries many frames.
                    let mut next = Some(relayed);
                    let mut flow = Flow::Continue;
                    let mut budget = RELAY_BURST;
                    while let Some(relayed) = next.take() {
                        flow = match relayed {
                            Ok(out) => self.on_room(&mut socket, &out).await,
                            Err(Cut::Overflow) => {
                                // Too far behind: its outbox was cut off. The client reconnects
                                // and catches up from its last sequence.
                                let message = FELL_BEHIND.to_string();
                                let _ = send(&mut socket, &ServerMsg::Error { message, fatal: true }).await;
                                Flow::Close
                            }
                            Err(Cut::Closed) => Flow::Close,
                        };
                        if let Flow::Close = flow {
                            break;
                        }
                        budget -= 1;
                        if budget > 0 {
                            next = room_rx.try_recv();
                        }
                    }
                    if let Flow::Continue = flow {
                        if !bounded(socket.flush()).await {
                            flow = Flow::Close;
                        }
                    }
                    if let Flow::Close = flow {
                        break;
                    }
                }
            }
        }
        if self.welcomed_seq.is_some()
            || self.room.roster().iter().any(|p| p.peer_id == self.peer_id)
        {
            self.room.remove_peer(self.peer_id);
        }
        // Close politely (a bare drop resets the TCP connection and can lose queued frames),
        // and give the client a moment to answer.
        let close = self.ended.map(crate::access::close_frame);
        if bounded(socket.send(Message::Close(close))).await {
            let _ = tokio::time::timeout(Duration::from_secs(1), async {
                while let Some(Ok(_)) = socket.recv().await {}
            })
            .await;
        }
        // Stop listening before sweeping, so a room whose last client left is closed.
        drop(room_rx);
        self.hub.sweep();
    }

    /// Checks the session and role again; when they no longer hold, tells the client why and
    /// returns `true` (the socket closes).
    async fn access_ended(&mut self, socket: &mut WebSocket) -> bool {
        let Err(ended) = self.grant.recheck(&self.store).await else {
            return false;
        };
        let message = ended.message().to_string();
        let _ = send(
            socket,
            &ServerMsg::Error {
                message,
                fatal: true,
            },
        )
        .await;
        self.ended = Some(ended);
        true
    }

    /// Something broadcast in the room: queue it for the client (in order, unflushed), turning
    /// our own batches into acks. The shared text is sent as it is, never re-encoded.
    async fn on_room(&mut self, socket: &mut WebSocket, out: &Outgoing) -> Flow {
        let Some(welcomed) = self.welcomed_seq else {
            return Flow::Continue;
        };
        match &out.msg {
            ServerMsg::Ops { batch } if batch.seq <= welcomed => Flow::Continue,
            // Workshop ops are told to each person as they may see them, their own batches
            // included (the server filled in what the author's copy lacks).
            ServerMsg::Ops { batch } if ops::has_workshop_ops(&batch.ops) => {
                self.mine.remove(&batch.op_id);
                let batch = ops::batch_seen_by(batch, self.user.id);
                feed(socket, ServerMsg::Ops { batch }).await
            }
            ServerMsg::Ops { batch } if self.mine.remove(&batch.op_id) => {
                let ack = ServerMsg::Ack {
                    op_id: batch.op_id,
                    seq: batch.seq,
                };
                feed(socket, ack).await
            }
            ServerMsg::Presence { peer } if peer.peer_id == self.peer_id => Flow::Continue,
            _ => match bounded(socket.feed(Message::Text(out.text.clone()))).await {
                true => Flow::Continue,
                false => Flow::Close,
            },
        }
    }

    async fn on_frame(&mut self, socket: &mut WebSocket, msg: Message) -> Flow {
        let text = match msg {
            Message::Text(t) => t,
            Message::Binary(_) => {
                return self
                    .strike(socket, "binary frames are not part of the protocol")
                    .await
            }
            Message::Ping(_) | Message::Pong(_) => return Flow::Continue,
            Message::Close(_) => return Flow::Close,
        };
        if text.len() > MAX_FRAME_BYTES {
            let message = format!(
                "frame of {} bytes is over the {} byte limit; closing",
                text.len(),
                MAX_FRAME_BYTES
            );
            let _ = send(
                socket,
                &ServerMsg::Error {
                    message,
                    fatal: true,
                },
            )
            .await;
            return Flow::Close;
        }
        if !self.take_token() {
            return self.strike(socket, "too many messages; slow down").await;
        }
        let parsed: ClientMsg = match serde_json::from_str(&text) {
            Ok(m) => m,
            Err(e) => {
                return self
                    .strike(socket, &format!("unreadable message: {e}"))
                    .await
            }
        };
        match parsed {
            ClientMsg::Hello {
                map_id,
                last_seq,
                protocol_version,
            } => self.hello(socket, map_id, last_seq, protocol_version).await,
            _ if self.welcomed_seq.is_none() => self.strike(socket, "send hello first").await,
            ClientMsg::Mutate { op_id, ops } => self.mutate(socket, op_id, ops).await,
            ClientMsg::Presence { state } => match state.validate() {
                Ok(()) => {
                    self.offer_presence(state);
                    Flow::Continue
                }
                Err(e) => self.strike(socket, &format!("presence refused: {e}")).await,
            },
            ClientMsg::Summon { viewport, partner } => {
                let valid = viewport
                    .validate()
                    .and_then(|()| partner.as_ref().map_or(Ok(()), |p| p.validate()));
                if let Err(e) = valid {
                    self.strike(socket, &format!("summon refused: {e}")).await
                } else if self.can_edit {
                    self.room.broadcast(ServerMsg::Summon {
                        from: self.user.name.clone(),
                        viewport,
                        partner,
                    });
                    Flow::Continue
                } else {
                    self.strike(socket, "only editors can bring everyone to their view")
                        .await
                }
            }
            ClientMsg::Ping => {
                if send(socket, &ServerMsg::Pong).await {
                    Flow::Continue
                } else {
                    Flow::Close
                }
            }
        }
    }

    async fn hello(
        &mut self,
        socket: &mut WebSocket,
        map_id: MapId,
        last_seq: Option<i64>,
        version: u32,
    ) -> Flow {
        if version != PROTOCOL_VERSION {
            let message = format!("protocol version {version} is not supported (this server speaks {PROTOCOL_VERSION}); reload the page");
            let _ = send(
                socket,
                &ServerMsg::Error {
                    message,
                    fatal: true,
                },
            )
            .await;
            return Flow::Close;
        }
        if map_id != self.room.map_id {
            let _ = send(
                socket,
                &ServerMsg::Error {
                    message: "hello names another map than the address".into(),
                    fatal: true,
                },
            )
            .await;
            return Flow::Close;
        }
        // The room stream is already subscribed; read the catch-up now and skip relayed batches
        // it covers, so nothing is missed or sent twice.
        let welcome = match self.catch_up(last_seq).await {
            Ok(w) => w,
            Err(e) => {
                let _ = send(
                    socket,
                    &ServerMsg::Error {
                        message: e.to_string(),
                        fatal: true,
                    },
                )
                .await;
                return Flow::Close;
            }
        };
        self.welcomed_seq = Some(welcome.0);
        let me = self.peer(PresenceState::default());
        self.room.upsert_peer(me);
        let msg = ServerMsg::Welcome {
            seq: welcome.0,
            catch_up: welcome.1,
            roster: self.room.roster(),
            you: self.peer_id,
            can_edit: self.can_edit,
            server_ms: crate::hub::now_ms(),
            user_id: Some(self.user.id),
        };
        if send(socket, &msg).await {
            Flow::Continue
        } else {
            Flow::Close
        }
    }

    async fn catch_up(&self, last_seq: Option<i64>) -> Result<(i64, CatchUp), app::api::ApiError> {
        let current = self.store.map_seq(self.room.map_id).await?;
        match last_seq {
            Some(last) if last <= current && current - last <= MAX_CATCH_UP => {
                let batches = self.store.batches_since(self.room.map_id, last).await?;
                let seq = batches.last().map(|b| b.seq).unwrap_or(last);
                let batches = batches
                    .iter()
                    .map(|b| ops::batch_seen_by(b, self.user.id))
                    .collect();
                Ok((seq, CatchUp::Ops { batches }))
            }
            _ => {
                let mut doc = self.store.live_document(self.room.map_id).await?;
                doc.workshop = doc.workshop.map(|w| w.view_for(self.user.id));
                Ok((doc.seq, CatchUp::Snapshot { doc: Box::new(doc) }))
            }
        }
    }

    async fn mutate(&mut self, socket: &mut WebSocket, op_id: Uuid, ops: Vec<ops::Op>) -> Flow {
        if !self.can_edit {
            let reason =
                "You can view this map but not edit it (your role is viewer or contributor)."
                    .to_string();
            return if send(socket, &ServerMsg::Reject { op_id, reason }).await {
                Flow::Continue
            } else {
                Flow::Close
            };
        }
        if ops.is_empty() || ops.len() > 500 {
            let reason = "a batch holds 1 to 500 ops".to_string();
            return if send(socket, &ServerMsg::Reject { op_id, reason }).await {
                Flow::Continue
            } else {
                Flow::Close
            };
        }
        self.mine.insert(op_id);
        let reply = match self
            .hub
            .commit(self.room.map_id, self.user.id, op_id, ops)
            .await
        {
            // Relayed in order through the room, where it becomes our Ack.
            Ok((_, false)) => None,
            // Committed before (a resend): ack again with the original sequence.
            Ok((committed, true)) => {
                self.mine.remove(&op_id);
                Some(ServerMsg::Ack {
                    op_id,
                    seq: committed.seq,
                })
            }
            Err(e) => {
                self.mine.remove(&op_id);
                let reason = match e {
                    app::store::CommitError::Rejected(op) => op.text(self.locale),
                    app::store::CommitError::Store(s) => app::api::ApiError::from(s).to_string(),
                };
                Some(ServerMsg::Reject { op_id, reason })
            }
        };
        match reply {
            Some(msg) if !send(socket, &msg).await => Flow::Close,
            _ => Flow::Continue,
        }
    }

    fn peer(&self, state: PresenceState) -> Peer {
        Peer {
            peer_id: self.peer_id,
            user_id: self.user.id,
            name: self.user.name.clone(),
            initials: self.user.initials(),
            colour: ops::peer_colour(self.user.id),
            can_edit: self.can_edit,
            state,
        }
    }

    fn take_token(&mut self) -> bool {
        let now = Instant::now();
        let elapsed = now.duration_since(self.last_refill).as_secs_f64();
        self.last_refill = now;
        self.tokens = (self.tokens + elapsed * RATE_PER_SEC).min(RATE_BURST);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    async fn strike(&mut self, socket: &mut WebSocket, message: &str) -> Flow {
        self.strikes += 1;
        let fatal = self.strikes >= MAX_STRIKES;
        let message = if fatal {
            format!("{message} (too many bad messages; closing)")
        } else {
            message.to_string()
        };
        let sent = send(socket, &ServerMsg::Error { message, fatal }).await;
        if fatal || !sent {
            Flow::Close
        } else {
            Flow::Continue
        }
    }
}

/// Runs one write to a socket for at most [`WRITE_TIMEOUT`]; `false` when it failed or the
/// client stopped reading.
pub async fn bounded(write: impl std::future::Future<Output = Result<(), axum::Error>>) -> bool {
    matches!(tokio::time::timeout(WRITE_TIMEOUT, write).await, Ok(Ok(())))
}

/// Queues one message on the socket without flushing it.
async fn feed(socket: &mut WebSocket, msg: ServerMsg) -> Flow {
    match serde_json::to_string(&msg) {
        Ok(text) => match bounded(socket.feed(Message::Text(Utf8Bytes::from(text)))).await {
            true => Flow::Continue,
            false => Flow::Close,
        },
        Err(e) => {
            tracing::error!("could not encode a server message: {e}");
            Flow::Continue
        }
    }
}

/// Sends one message; `false` when the socket is gone.
async fn send(socket: &mut WebSocket, msg: &ServerMsg) -> bool {
    match serde_json::to_string(msg) {
        Ok(text) => bounded(socket.send(Message::Text(Utf8Bytes::from(text)))).await,
        Err(e) => {
            tracing::error!("could not encode a server message: {e}");
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::same_origin;
    use axum::http::HeaderMap;

    fn headers(origin: Option<&str>, host: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(o) = origin {
            h.insert("origin", o.parse().unwrap());
        }
        if let Some(host) = host {
            h.insert("host", host.parse().unwrap());
        }
        h
    }

    #[test]
    fn own_pages_and_programs_may_connect() {
        let host = Some("127.0.0.1:3000");
        assert!(same_origin(
            &headers(Some("http://127.0.0.1:3000"), host),
            None
        ));
        assert!(same_origin(
            &headers(Some("https://127.0.0.1:3000"), host),
            None
        ));
        assert!(same_origin(
            &headers(Some("HTTP://Cairn.Example"), Some("cairn.example")),
            None
        ));
        assert!(same_origin(
            &headers(Some("https://cairn.example"), Some("cairn.example:443")),
            None
        ));
        assert!(
            same_origin(&headers(None, host), None),
            "no Origin: not a browser page"
        );
        let public = Some("https://cairn.example.com");
        assert!(same_origin(
            &headers(Some("https://cairn.example.com"), host),
            public
        ));
    }

    #[test]
    fn other_sites_may_not() {
        let host = Some("127.0.0.1:3000");
        for origin in [
            "http://evil.example",
            "http://127.0.0.1:3001",
            "http://127.0.0.1",
            "http://127.0.0.1:3000.evil.example",
            "null",
            "file://",
            "chrome-extension://abc",
        ] {
            assert!(!same_origin(&headers(Some(origin), host), None), "{origin}");
        }
        assert!(
            !same_origin(&headers(Some("http://127.0.0.1:3000"), None), None),
            "no Host"
        );
        let public = Some("https://cairn.example.com");
        assert!(!same_origin(
            &headers(Some("https://evil.example"), host),
            public
        ));
    }
}
