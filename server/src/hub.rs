//! Live rooms, one per open map: the commit path for edits (group commit), the fan-out of
//! committed batches (in sequence order) and presence to every connection in the room.
//!
//! **Group commit.** Every room has one committer task. Writers (`Hub::commit`: the socket,
//! server functions through [`MapWriter`]) queue their batch and wait; the committer takes
//! everything queued (up to [`MAX_GROUP`]) and commits it in one transaction
//! ([`Store::commit_group`]): each batch still gets its own sequence and op-log row, a refused
//! batch is refused alone, a resent `op_id` is answered with its original sequence. Only after
//! the group's commit are its batches relayed (in order) and their writers answered. While one
//! group commits the next one queues, so the group size follows the load by itself and a lone
//! edit never waits for company.

use crate::access::AccessSignal;
use crate::bus::{AccessChanged, Bus, BusMessage, MapChanged, Refresh, ScoresChanged};
use crate::fanout::{Fanout, Outbox, OutboxLimits};
use app::api::ApiError;
use app::context::{AccessNotifier, DataFuture, DataWriter, FeedNotifier, MapWriter, Progress};
use app::domain::feed::FeedEvent;
use app::domain::ops::{self, Committed, EntityKind, Field, NewEntity, Op, Peer, ServerMsg};
use app::domain::{DataBatch, MapDocument, MapId, UserId};
use app::store::{CommitError, CommitOutcome, Store, StoreError, Submission, MAX_GROUP};
use axum::extract::ws::Utf8Bytes;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use tokio::sync::{broadcast, mpsc, oneshot};
use uuid::Uuid;

/// What one connection of a room may have waiting to be sent before it is cut off (it then
/// reconnects and catches up from its last sequence).
pub const ROOM_OUTBOX: OutboxLimits = OutboxLimits {
    messages: 2048,
    bytes: 4 * 1024 * 1024,
};
/// Batches that may wait for a room's committer before writers are held back.
const QUEUE_DEPTH: usize = 4096;

/// All rooms of this instance.
pub struct Hub {
    store: Store,
    bus: Arc<dyn Bus>,
    rooms: Mutex<HashMap<MapId, Arc<Room>>>,
    stats: Arc<CommitCounters>,
    /// The meeting-room screens' feeds, fed from the same bus.
    displays: Arc<crate::feed::Feeds>,
    /// Whose sockets must check their session and role again (from the bus).
    access: broadcast::Sender<AccessSignal>,
}

/// How many commit groups and batches this hub's committers handled (for the benchmark's
/// group-size figure and for tests that check batches really share a transaction).
#[derive(Default)]
struct CommitCounters {
    groups: AtomicU64,
    batches: AtomicU64,
}

/// A snapshot of [`Hub::stats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommitStats {
    /// Transactions attempted for groups (a group retried batch by batch counts once).
    pub groups: u64,
    /// Batches handed to those groups.
    pub batches: u64,
}

/// A message for every connection of a room, encoded to JSON once for all of them.
pub struct Outgoing {
    /// The message, for the connections' decisions (skip, or turn into an `Ack`).
    pub msg: ServerMsg,
    /// Its JSON text, shared by every connection that sends it as it is.
    pub text: Utf8Bytes,
}

impl Outgoing {
    /// Encodes `msg` once.
    pub fn new(msg: ServerMsg) -> Option<Outgoing> {
        match serde_json::to_string(&msg) {
            Ok(text) => Some(Outgoing {
                msg,
                text: Utf8Bytes::from(text),
            }),
            Err(e) => {
                tracing::error!("could not encode a server message: {e}");
                None
            }
        }
    }

    /// The `Ops` message of a committed batch, built around the op-log JSON of its ops (so
    /// the ops are encoded once, for the log and every connection).
    pub fn committed(outcome: &CommitOutcome) -> Outgoing {
        let c = &outcome.committed;
        let text = format!(
            r#"{{"type":"ops","batch":{{"seq":{},"op_id":"{}","author":"{}","ops":{}}}}}"#,
            c.seq, c.op_id, c.author, outcome.ops_json
        );
        Outgoing {
            msg: ServerMsg::Ops { batch: c.clone() },
            text: Utf8Bytes::from(text),
        }
    }
}

/// One batch waiting for the room's committer, and where its answer goes.
struct Queued {
    submission: Submission,
    reply: oneshot::Sender<Result<CommitOutcome, CommitError>>,
}

/// One map's live state on this instance.
pub struct Room {
    pub map_id: MapId,
    /// The last sequence relayed to connections.
    relayed: tokio::sync::Mutex<i64>,
    fanout: Fanout<Arc<Outgoing>>,
    peers: Mutex<HashMap<Uuid, Peer>>,
    /// To the room's committer task (which ends when the room is dropped).
    queue: mpsc::Sender<Queued>,
}

impl Room {
    /// A bounded outbox of everything broadcast in the room from now on.
    pub fn subscribe(&self) -> Outbox<Arc<Outgoing>> {
        self.fanout.subscribe()
    }

    /// Connections whose outbox is open (one that fell behind is cut off and no longer counts).
    pub fn listeners(&self) -> usize {
        self.fanout.receivers()
    }

    /// Queues one encoded message for every connection.
    fn send(&self, out: Outgoing) {
        let bytes = out.text.len();
        self.fanout.send(Arc::new(out), bytes);
    }

    /// Everyone here now.
    pub fn roster(&self) -> Vec<Peer> {
        self.peers
            .lock()
            .map(|p| p.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Adds or updates a peer and tells the room.
    pub fn upsert_peer(&self, peer: Peer) {
        if let Ok(mut peers) = self.peers.lock() {
            peers.insert(peer.peer_id, peer.clone());
        }
        self.broadcast(ServerMsg::Presence { peer });
    }

    /// Removes a peer and tells the room.
    pub fn remove_peer(&self, peer_id: Uuid) {
        if let Ok(mut peers) = self.peers.lock() {
            peers.remove(&peer_id);
        }
        self.broadcast(ServerMsg::Left { peer_id });
    }

    /// Sends a message to every connection in the room.
    pub fn broadcast(&self, msg: ServerMsg) {
        if let Some(out) = Outgoing::new(msg) {
            self.send(out);
        }
    }

    /// Relays what this instance just committed: the batches themselves when they follow the
    /// last relayed sequence, otherwise (another instance committed in between) the op log.
    async fn relay_committed(&self, store: &Store, batches: &[CommitOutcome]) {
        let Some(last) = batches.last().map(|b| b.committed.seq) else {
            return;
        };
        let mut relayed = self.relayed.lock().await;
        if last <= *relayed {
            return;
        }
        if batches[0].committed.seq == *relayed + 1 {
            for b in batches {
                self.send(Outgoing::committed(b));
            }
            *relayed = last;
        } else {
            self.relay_log(store, &mut relayed).await;
        }
    }

    /// Relays batches up to `seq` (all there are when `None`) from the op log, in order.
    async fn relay(&self, store: &Store, seq: Option<i64>) {
        let mut relayed = self.relayed.lock().await;
        if seq.is_some_and(|s| s <= *relayed) {
            return;
        }
        self.relay_log(store, &mut relayed).await;
    }

    async fn relay_log(&self, store: &Store, relayed: &mut i64) {
        match store.batches_since(self.map_id, *relayed).await {
            Ok(batches) => {
                for b in batches {
                    *relayed = b.seq;
                    self.broadcast(ServerMsg::Ops { batch: b });
                }
            }
            Err(e) => {
                tracing::error!(map = %self.map_id, "could not read the op log to relay: {e}")
            }
        }
    }
}

impl Hub {
    /// A hub that relays what `bus` announces.
    pub fn new(store: Store, bus: Arc<dyn Bus>) -> Arc<Hub> {
        let hub = Arc::new(Hub {
            displays: crate::feed::Feeds::new(store.clone()),
            store,
            bus,
            rooms: Mutex::new(HashMap::new()),
            stats: Arc::default(),
            access: broadcast::channel(256).0,
        });
        let listener = Arc::downgrade(&hub);
        let mut rx = hub.bus.subscribe();
        tokio::spawn(async move {
            loop {
                let msg = match rx.recv().await {
                    Ok(m) => m,
                    Err(broadcast::error::RecvError::Lagged(_)) => BusMessage::Reconnected,
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                let Some(hub) = listener.upgrade() else {
                    return;
                };
                hub.on_bus(msg).await;
            }
        });
        hub
    }

    /// The display feeds of this instance.
    pub fn displays(&self) -> &Arc<crate::feed::Feeds> {
        &self.displays
    }

    /// Announcements of whose sockets must check their access again (a socket that misses
    /// some by lagging checks at once).
    pub fn access_changes(&self) -> broadcast::Receiver<AccessSignal> {
        self.access.subscribe()
    }

    async fn on_bus(&self, msg: BusMessage) {
        match msg {
            BusMessage::Changed(MapChanged { map_id, seq }) => {
                self.displays.map_changed(map_id);
                let room = self.rooms.lock().ok().and_then(|r| r.get(&map_id).cloned());
                if let Some(room) = room {
                    room.relay(&self.store, Some(seq)).await;
                }
            }
            BusMessage::Scores(ScoresChanged { map_id, what }) => {
                let room = self.rooms.lock().ok().and_then(|r| r.get(&map_id).cloned());
                match what {
                    Refresh::Scores => {
                        self.displays.scores_changed(map_id);
                        if let Some(room) = room {
                            room.broadcast(ServerMsg::ScoresChanged { map_id });
                        }
                    }
                    Refresh::Cascade => {
                        if let Some(room) = room {
                            room.broadcast(ServerMsg::CascadeChanged { map_id });
                        }
                    }
                    Refresh::Proposals => {
                        if let Some(room) = room {
                            room.broadcast(ServerMsg::ProposalsChanged { map_id });
                        }
                    }
                    Refresh::Reviews => {
                        if let Some(room) = room {
                            room.broadcast(ServerMsg::ReviewsChanged { map_id });
                        }
                    }
                    Refresh::Comments => {
                        if let Some(room) = room {
                            room.broadcast(ServerMsg::CommentsChanged { map_id });
                        }
                    }
                    Refresh::Initiatives => {
                        self.displays
                            .event(FeedEvent::InitiativesChanged { map_id });
                        if let Some(room) = room {
                            room.broadcast(ServerMsg::InitiativesChanged { map_id });
                        }
                    }
                }
            }
            BusMessage::Display(event) => self.displays.event(event),
            BusMessage::Access(AccessChanged { user_id }) => {
                let _ = self.access.send(AccessSignal::User(user_id));
            }
            BusMessage::Reconnected => {
                let _ = self.access.send(AccessSignal::Everyone);
                self.displays.refresh_all();
                let rooms: Vec<_> = self
                    .rooms
                    .lock()
                    .map(|r| r.values().cloned().collect())
                    .unwrap_or_default();
                for room in rooms {
                    room.relay(&self.store, None).await;
                }
            }
        }
    }

    /// The room of a map, opened on first use at the map's current sequence (with its
    /// committer task).
    pub async fn room(&self, map_id: MapId) -> Result<Arc<Room>, StoreError> {
        if let Some(room) = self.rooms.lock().ok().and_then(|r| r.get(&map_id).cloned()) {
            return Ok(room);
        }
        let seq = self.store.map_seq(map_id).await?;
        // A panic elsewhere cannot leave this map half-updated: entries are inserted whole.
        let mut rooms = self
            .rooms
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let room = rooms
            .entry(map_id)
            .or_insert_with(|| {
                let (queue, rx) = mpsc::channel(QUEUE_DEPTH);
                let room = Arc::new(Room {
                    map_id,
                    relayed: tokio::sync::Mutex::new(seq),
                    fanout: Fanout::new(ROOM_OUTBOX),
                    peers: Mutex::new(HashMap::new()),
                    queue,
                });
                let committer = Committer {
                    store: self.store.clone(),
                    bus: self.bus.clone(),
                    room: Arc::downgrade(&room),
                    map_id,
                    doc: None,
                    stats: self.stats.clone(),
                    reveal_at: None,
                };
                tokio::spawn(committer.run(rx));
                room
            })
            .clone();
        Ok(room)
    }

    /// Commit groups and batches so far.
    pub fn stats(&self) -> CommitStats {
        CommitStats {
            groups: self.stats.groups.load(Ordering::Relaxed),
            batches: self.stats.batches.load(Ordering::Relaxed),
        }
    }

    /// Closes rooms nobody is connected to (their cache is re-read when reopened).
    pub fn sweep(&self) {
        if let Ok(mut rooms) = self.rooms.lock() {
            rooms.retain(|_, room| room.fanout.receivers() > 0);
        }
    }

    /// Commits a batch through the room's committer and returns once its group has committed
    /// and been relayed: the batch as committed, and whether it was a resend of an already
    /// committed `op_id`. The one write path for map content.
    pub async fn commit(
        &self,
        map: MapId,
        author: UserId,
        op_id: Uuid,
        ops: Vec<Op>,
    ) -> Result<(Committed, bool), CommitError> {
        let room = self.room(map).await?;
        let (reply, answer) = oneshot::channel();
        let mut ops = ops;
        ops::stamp_workshop_ops(&mut ops, author, now_ms());
        let queued = Queued {
            submission: Submission { op_id, author, ops },
            reply,
        };
        room.queue
            .send(queued)
            .await
            .map_err(|_| StoreError::Conflict("the map's committer stopped; try again".into()))?;
        // Keep the room (and so its committer) alive until the answer is in.
        let outcome = answer
            .await
            .map_err(|_| StoreError::Conflict("the map's committer stopped; try again".into()))?;
        drop(room);
        outcome.map(|o| (o.committed, o.duplicate))
    }
}

/// The server's clock in ms since the epoch: the time of workshop ops and of the countdown
/// every screen shows.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Whether committed `ops` may change what the maps above and below show of this one: an
/// alignment made, removed or noted, or an objective (with its alignments) added, deleted,
/// retitled or moved to another perspective.
fn touches_cascade(ops: &[Op]) -> bool {
    ops.iter().any(|op| {
        matches!(
            op,
            Op::Align { .. }
                | Op::Unalign { .. }
                | Op::Create {
                    item: NewEntity::Objective(_)
                }
                | Op::Delete {
                    entity: EntityKind::Objective | EntityKind::Alignment,
                    ..
                }
                | Op::Set {
                    entity: EntityKind::Objective | EntityKind::Alignment,
                    field: Field::Title | Field::Note | Field::Perspective,
                    ..
                }
        )
    })
}

/// A room's committer: drains the queue group by group and keeps the document as of its last
/// commit (so a commit needs no read of the map).
struct Committer {
    store: Store,
    bus: Arc<dyn Bus>,
    room: Weak<Room>,
    map_id: MapId,
    doc: Option<MapDocument>,
    stats: Arc<CommitCounters>,
    /// When the timed dot-vote whose reveal is scheduled ends (see [`Committer::schedule_reveal`]).
    reveal_at: Option<i64>,
}

impl Committer {
    async fn run(mut self, mut rx: mpsc::Receiver<Queued>) {
        // A timed vote started before this room opened (on another instance, or before a
        // restart) still gets revealed on time.
        match self.store.live_document(self.map_id).await {
            Ok(doc) => {
                self.doc = Some(doc);
                self.schedule_reveal();
            }
            Err(e) => tracing::warn!(map = %self.map_id, "could not read the map's workshop: {e}"),
        }
        let mut group = Vec::with_capacity(MAX_GROUP);
        while rx.recv_many(&mut group, MAX_GROUP).await > 0 {
            self.commit(std::mem::take(&mut group)).await;
            self.schedule_reveal();
        }
    }

    /// When the map's workshop runs a timed dot-vote not yet revealed, reveals it when its time
    /// is up, on the facilitator's behalf, through the commit path like any edit. Every instance
    /// with the room open schedules it; the first reveal commits and the others are refused
    /// by the domain (the vote is over), so nobody sees it twice.
    fn schedule_reveal(&mut self) {
        let workshop = self.doc.as_ref().and_then(|d| d.workshop.as_ref());
        let Some((facilitator, end)) = workshop.and_then(|w| {
            let vote = w.vote.as_ref().filter(|v| !v.revealed)?;
            Some((w.facilitator, vote.ends_at_ms?))
        }) else {
            return;
        };
        if self.reveal_at == Some(end) {
            return;
        }
        self.reveal_at = Some(end);
        let Some(queue) = self.room.upgrade().map(|r| r.queue.clone()) else {
            return;
        };
        let map = self.map_id;
        tokio::spawn(async move {
            let wait = u64::try_from(end - now_ms()).unwrap_or(0);
            tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
            let change = app::domain::workshop::WorkshopOp::RevealVotes {
                ballots: Vec::new(),
            };
            let mut ops = vec![Op::Workshop {
                change,
                actor: None,
                at_ms: 0,
            }];
            ops::stamp_workshop_ops(&mut ops, facilitator, now_ms());
            let (reply, answer) = oneshot::channel();
            let submission = Submission {
                op_id: Uuid::now_v7(),
                author: facilitator,
                ops,
            };
            if queue.send(Queued { submission, reply }).await.is_ok() {
                if let Ok(Err(e)) = answer.await {
                    tracing::debug!(map = %map, "the timed vote's reveal was not needed: {e}");
                }
            }
        });
    }

    async fn commit(&mut self, group: Vec<Queued>) {
        let (submissions, replies): (Vec<_>, Vec<_>) =
            group.into_iter().map(|q| (q.submission, q.reply)).unzip();
        self.stats.groups.fetch_add(1, Ordering::Relaxed);
        self.stats
            .batches
            .fetch_add(submissions.len() as u64, Ordering::Relaxed);
        let results = self.commit_group(submissions).await;
        let fresh: Vec<CommitOutcome> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().filter(|o| !o.duplicate).cloned())
            .collect();
        // Relay first, then answer: a writer's own batch is already in its room stream when
        // it hears back, so its Ack comes in sequence order with everything else.
        if let Some(room) = self.room.upgrade() {
            room.relay_committed(&self.store, &fresh).await;
        }
        for (reply, result) in replies.into_iter().zip(results) {
            let _ = reply.send(result);
        }
        if let Some(last) = fresh.last() {
            let event = MapChanged {
                map_id: self.map_id,
                seq: last.committed.seq,
            };
            self.bus.publish(event).await;
        }
        if fresh.iter().any(|o| touches_cascade(&o.committed.ops)) {
            self.announce_cascade().await;
        }
    }

    /// Tells the screens of the parent and child units' maps that this map's part of the
    /// cascade changed ("supported by N units" above, what may be supported below).
    async fn announce_cascade(&self) {
        match self.store.cascade_neighbours(self.map_id).await {
            Ok(maps) => {
                for map in maps {
                    self.bus.publish_scores(ScoresChanged::cascade(map)).await;
                }
            }
            Err(e) => {
                tracing::warn!(map = %self.map_id, "could not announce a cascade change: {e}")
            }
        }
    }

    /// One transaction for the group; if it fails as a whole (say, the unique op_id caught a
    /// resend committed by another instance meanwhile), each batch is retried alone so a
    /// failure is reported only for the batch it belongs to.
    async fn commit_group(
        &mut self,
        submissions: Vec<Submission>,
    ) -> Vec<Result<CommitOutcome, CommitError>> {
        let n = submissions.len();
        let retry = if n > 1 {
            submissions.clone()
        } else {
            Vec::new()
        };
        match self
            .store
            .commit_group(self.map_id, submissions, self.doc.take())
            .await
        {
            Ok(outcome) => {
                self.doc = Some(outcome.doc);
                return outcome.results;
            }
            Err(e) if n == 1 => return vec![Err(e.into())],
            Err(e) => {
                tracing::warn!(map = %self.map_id, "a group of {n} failed ({e}); committing each alone")
            }
        }
        let mut results = Vec::with_capacity(n);
        for s in retry {
            match self
                .store
                .commit_group(self.map_id, vec![s], self.doc.take())
                .await
            {
                Ok(mut outcome) => {
                    self.doc = Some(outcome.doc);
                    results.push(
                        outcome
                            .results
                            .pop()
                            .unwrap_or_else(|| Err(StoreError::NotFound("edit").into())),
                    );
                }
                Err(e) => results.push(Err(e.into())),
            }
        }
        results
    }
}

impl DataWriter for Hub {
    fn write_data_as(
        &self,
        batch: DataBatch,
        author: Option<UserId>,
        via: String,
        progress: Progress,
    ) -> DataFuture<'_> {
        Box::pin(async move {
            let outcome = self
                .store
                .write_data_as(&batch, author, &via, &*progress)
                .await?;
            // The maps above (through alignments) show these scores in their contribution
            // roll-ups, so their screens read their scores again too.
            let above = self.maps_above(&outcome.maps).await;
            for map_id in outcome.maps.iter().chain(&above) {
                self.bus
                    .publish_scores(ScoresChanged::scores(*map_id))
                    .await;
            }
            Ok(outcome)
        })
    }
}

impl Hub {
    /// The maps whose objectives `maps`' objectives support, and theirs, up the cascade.
    async fn maps_above(&self, maps: &[MapId]) -> Vec<MapId> {
        let mut above: Vec<MapId> = Vec::new();
        let mut level: Vec<MapId> = maps.to_vec();
        for _ in 0..app::store::MAX_CASCADE_DEPTH {
            let mut next = Vec::new();
            for map in &level {
                match self.store.parent_objectives(*map).await {
                    Ok(parents) => next.extend(parents.into_iter().map(|p| p.map_id)),
                    Err(e) => tracing::warn!("maps above {map}: {e}"),
                }
            }
            next.sort_unstable();
            next.dedup();
            next.retain(|m| !above.contains(m) && !maps.contains(m));
            if next.is_empty() {
                break;
            }
            above.extend(next.iter().copied());
            level = next;
        }
        above
    }
}

impl FeedNotifier for Hub {
    fn notify_feeds(&self, event: FeedEvent) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.bus.publish_feed(event)
    }
}

impl AccessNotifier for Hub {
    fn access_changed(&self, user: UserId) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.bus.publish_access(AccessChanged { user_id: user })
    }
}

impl MapWriter for Hub {
    fn mutate(
        &self,
        map: MapId,
        author: UserId,
        op_id: Uuid,
        ops: Vec<Op>,
    ) -> Pin<Box<dyn Future<Output = Result<Committed, ApiError>> + Send + '_>> {
        Box::pin(async move {
            self.commit(map, author, op_id, ops)
                .await
                .map(|(c, _)| c)
                .map_err(ApiError::from)
        })
    }

    fn proposals_changed(&self, map: MapId) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.bus.publish_scores(ScoresChanged::proposals(map))
    }

    fn initiatives_changed(&self, map: MapId) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.bus.publish_scores(ScoresChanged::initiatives(map))
    }

    fn reviews_changed(&self, map: MapId) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.bus.publish_scores(ScoresChanged::reviews(map))
    }

    fn comments_changed(&self, map: MapId) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.bus.publish_scores(ScoresChanged::comments(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::ops::{set, EntityKind, Field, Position};

    #[test]
    fn a_committed_frame_reads_back_as_the_batch() {
        let ops = vec![set(
            EntityKind::Objective,
            Uuid::new_v4(),
            Field::Position,
            Position { x: 1.5, y: -2.0 },
        )];
        let outcome = CommitOutcome {
            committed: Committed {
                seq: 42,
                op_id: Uuid::new_v4(),
                author: UserId::new(),
                ops: ops.clone(),
            },
            duplicate: false,
            ops_json: Arc::from(serde_json::to_string(&ops).unwrap()),
        };
        let out = Outgoing::committed(&outcome);
        let read: ServerMsg = serde_json::from_str(out.text.as_str()).unwrap();
        assert_eq!(read, out.msg);
        assert_eq!(
            read,
            ServerMsg::Ops {
                batch: outcome.committed
            }
        );
    }
}
