//! Live rooms, one per open map: the cached document, the commit path for edits, the fan-out
//! of committed batches (in sequence order) and presence to every connection in the room.

use crate::bus::{Bus, BusMessage, MapChanged, ScoresChanged};
use app::api::ApiError;
use app::auth::{DataWriter, DisplayNotifier, MapWriter};
use app::domain::display::DisplayEvent;
use app::domain::ops::{Committed, Op, Peer, ServerMsg};
use app::domain::{DataBatch, DataOutcome, MapDocument, MapId, UserId};
use app::store::{CommitError, Store, StoreError};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;
use uuid::Uuid;

/// Messages buffered per connection before it counts as lagging (and is told to resync).
const ROOM_BUFFER: usize = 2048;

/// All rooms of this instance.
pub struct Hub {
    store: Store,
    bus: Arc<dyn Bus>,
    rooms: Mutex<HashMap<MapId, Arc<Room>>>,
    /// The meeting-room screens' feeds, fed from the same bus.
    displays: Arc<crate::display::Displays>,
}

/// One map's live state on this instance.
pub struct Room {
    pub map_id: MapId,
    /// The document as of the last commit here; the lock also serialises this instance's writers.
    doc: tokio::sync::Mutex<Option<MapDocument>>,
    /// The last sequence relayed to connections.
    relayed: tokio::sync::Mutex<i64>,
    tx: broadcast::Sender<Arc<ServerMsg>>,
    peers: Mutex<HashMap<Uuid, Peer>>,
}

impl Room {
    /// Receives everything broadcast in the room from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<ServerMsg>> {
        self.tx.subscribe()
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
        let _ = self.tx.send(Arc::new(ServerMsg::Presence { peer }));
    }

    /// Removes a peer and tells the room.
    pub fn remove_peer(&self, peer_id: Uuid) {
        if let Ok(mut peers) = self.peers.lock() {
            peers.remove(&peer_id);
        }
        let _ = self.tx.send(Arc::new(ServerMsg::Left { peer_id }));
    }

    /// Sends a message to every connection in the room.
    pub fn broadcast(&self, msg: ServerMsg) {
        let _ = self.tx.send(Arc::new(msg));
    }

    /// Relays batches up to `seq` in order: the given batch when it is the next one, otherwise
    /// whatever the op log holds after the last relayed sequence.
    async fn relay(&self, store: &Store, seq: Option<i64>, batch: Option<Committed>) {
        let mut relayed = self.relayed.lock().await;
        if seq.is_some_and(|s| s <= *relayed) {
            return;
        }
        match batch {
            Some(b) if b.seq == *relayed + 1 => {
                *relayed = b.seq;
                let _ = self.tx.send(Arc::new(ServerMsg::Ops { batch: b }));
            }
            _ => match store.batches_since(self.map_id, *relayed).await {
                Ok(batches) => {
                    for b in batches {
                        *relayed = b.seq;
                        let _ = self.tx.send(Arc::new(ServerMsg::Ops { batch: b }));
                    }
                }
                Err(e) => {
                    tracing::error!(map = %self.map_id, "could not read the op log to relay: {e}")
                }
            },
        }
    }
}

impl Hub {
    /// A hub that relays what `bus` announces.
    pub fn new(store: Store, bus: Arc<dyn Bus>) -> Arc<Hub> {
        let hub = Arc::new(Hub {
            displays: crate::display::Displays::new(store.clone()),
            store,
            bus,
            rooms: Mutex::new(HashMap::new()),
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
    pub fn displays(&self) -> &Arc<crate::display::Displays> {
        &self.displays
    }

    async fn on_bus(&self, msg: BusMessage) {
        match msg {
            BusMessage::Changed(MapChanged { map_id, seq, batch }) => {
                self.displays.map_changed(map_id);
                let room = self.rooms.lock().ok().and_then(|r| r.get(&map_id).cloned());
                if let Some(room) = room {
                    room.relay(&self.store, Some(seq), batch).await;
                }
            }
            BusMessage::Scores(ScoresChanged { map_id }) => {
                self.displays.scores_changed(map_id);
                let room = self.rooms.lock().ok().and_then(|r| r.get(&map_id).cloned());
                if let Some(room) = room {
                    room.broadcast(ServerMsg::ScoresChanged { map_id });
                }
            }
            BusMessage::Display(event) => self.displays.event(event),
            BusMessage::Reconnected => {
                self.displays.refresh_all();
                let rooms: Vec<_> = self
                    .rooms
                    .lock()
                    .map(|r| r.values().cloned().collect())
                    .unwrap_or_default();
                for room in rooms {
                    room.relay(&self.store, None, None).await;
                }
            }
        }
    }

    /// The room of a map, opened on first use at the map's current sequence.
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
                Arc::new(Room {
                    map_id,
                    doc: tokio::sync::Mutex::new(None),
                    relayed: tokio::sync::Mutex::new(seq),
                    tx: broadcast::channel(ROOM_BUFFER).0,
                    peers: Mutex::new(HashMap::new()),
                })
            })
            .clone();
        Ok(room)
    }

    /// Closes rooms nobody is connected to (their cache is re-read when reopened).
    pub fn sweep(&self) {
        if let Ok(mut rooms) = self.rooms.lock() {
            rooms.retain(|_, room| room.tx.receiver_count() > 0);
        }
    }

    /// Commits a batch and announces it. The one write path for map content.
    pub async fn commit(
        &self,
        map: MapId,
        author: UserId,
        op_id: Uuid,
        ops: Vec<Op>,
    ) -> Result<(Committed, bool), CommitError> {
        let room = self.room(map).await?;
        let mut cache = room.doc.lock().await;
        let outcome = self
            .store
            .commit_batch(map, op_id, author, ops, cache.take())
            .await?;
        *cache = Some(outcome.doc);
        drop(cache);
        if !outcome.duplicate {
            let event = MapChanged {
                map_id: map,
                seq: outcome.committed.seq,
                batch: Some(outcome.committed.clone()),
            };
            self.bus.publish(event).await;
        }
        Ok((outcome.committed, outcome.duplicate))
    }
}

impl DataWriter for Hub {
    fn write_data(
        &self,
        batch: DataBatch,
        author: Option<UserId>,
    ) -> Pin<Box<dyn Future<Output = Result<DataOutcome, ApiError>> + Send + '_>> {
        Box::pin(async move {
            let outcome = self.store.write_data(&batch, author).await?;
            for map_id in &outcome.maps {
                self.bus
                    .publish_scores(ScoresChanged { map_id: *map_id })
                    .await;
            }
            Ok(outcome)
        })
    }
}

impl DisplayNotifier for Hub {
    fn notify_displays(
        &self,
        event: DisplayEvent,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.bus.publish_display(event)
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
}
