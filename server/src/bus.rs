//! How server instances tell each other that a map changed, a map's data changed, a display
//! event happened or someone's access changed. In-process for a single instance (SQLite);
//! PostgreSQL LISTEN/NOTIFY when several instances share one PostgreSQL. Payloads are small
//! (`{map_id, seq}`, `{user_id}`): listeners read the database for the rest.

use app::domain::feed::FeedEvent;
use app::domain::{MapId, UserId};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use tokio::sync::broadcast;

/// The channel name used on PostgreSQL.
pub const CHANNEL: &str = "cairn_map_ops";
/// The channel on which instances announce that a map's scores changed (new data) or its
/// cascade did (alignments to or from it).
pub const SCORES_CHANNEL: &str = "cairn_scores";
/// The channel of display events: a display link revoked, a dashboard changed.
pub const DISPLAY_CHANNEL: &str = "cairn_feed";
/// The channel on which instances announce that someone's access changed (signed out, a role
/// changed or revoked): that person's open sockets check their session and role again.
pub const ACCESS_CHANNEL: &str = "cairn_access";

/// Someone signed out or had a role changed; payload `{user_id}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessChanged {
    pub user_id: UserId,
}

/// Something read beside a map's content changed; payload `{map_id, what}`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct ScoresChanged {
    pub map_id: MapId,
    #[serde(default)]
    pub what: Refresh,
}

/// What a [`ScoresChanged`] asks screens to read again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refresh {
    /// New actuals or targets changed the map's scores.
    #[default]
    Scores,
    /// A map of the parent or a child unit changed what the map's cascade shows.
    Cascade,
    /// A proposal to or from the map was made or decided.
    Proposals,
    /// An initiative of the map's unit was created or changed.
    Initiatives,
    /// A review of the map changed (agenda, commentary, the item presented, decisions,
    /// actions, closing).
    Reviews,
    /// A comment on one of the map's items (or its unit's initiatives) was written, changed
    /// or resolved.
    Comments,
}

impl ScoresChanged {
    /// New data on `map_id`.
    pub fn scores(map_id: MapId) -> Self {
        ScoresChanged {
            map_id,
            what: Refresh::Scores,
        }
    }

    /// New alignments to `map_id`'s objectives, or new objectives its own may support.
    pub fn cascade(map_id: MapId) -> Self {
        ScoresChanged {
            map_id,
            what: Refresh::Cascade,
        }
    }

    /// A proposal to or from `map_id` was made or decided.
    pub fn proposals(map_id: MapId) -> Self {
        ScoresChanged {
            map_id,
            what: Refresh::Proposals,
        }
    }

    /// A comment on one of `map_id`'s items changed.
    pub fn comments(map_id: MapId) -> Self {
        ScoresChanged {
            map_id,
            what: Refresh::Comments,
        }
    }

    /// An initiative of `map_id`'s unit was created or changed.
    pub fn initiatives(map_id: MapId) -> Self {
        ScoresChanged {
            map_id,
            what: Refresh::Initiatives,
        }
    }

    /// A review of `map_id` changed.
    pub fn reviews(map_id: MapId) -> Self {
        ScoresChanged {
            map_id,
            what: Refresh::Reviews,
        }
    }
}

/// A map's sequence moved to `seq` (published once per commit group, with its last sequence;
/// listeners relay everything after what they relayed last from the op log).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MapChanged {
    pub map_id: MapId,
    pub seq: i64,
}

/// What a subscriber hears.
#[derive(Clone, Debug)]
pub enum BusMessage {
    Changed(MapChanged),
    /// A map's data changed: screens showing its scores re-read them.
    Scores(ScoresChanged),
    /// A display link was revoked or a dashboard changed: the screens concerned react.
    Display(FeedEvent),
    /// Someone's access changed: their sockets check their session and role again.
    Access(AccessChanged),
    /// The listener lost and regained its connection: notifications may have been missed, so
    /// every room re-reads its op log.
    Reconnected,
}

/// Publish/subscribe of map changes between instances.
pub trait Bus: Send + Sync {
    /// Announces committed batches (up to `event.seq`).
    fn publish(&self, event: MapChanged) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
    /// Announces new data on a map.
    fn publish_scores(&self, event: ScoresChanged)
        -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
    /// Announces a display event (revoked link, changed dashboard).
    fn publish_feed(&self, event: FeedEvent) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
    /// Announces that someone's access changed (sign-out, role change).
    fn publish_access(&self, event: AccessChanged)
        -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
    /// A stream of announcements (from this and, with PostgreSQL, every other instance).
    fn subscribe(&self) -> broadcast::Receiver<BusMessage>;
}

/// One process: a broadcast channel.
pub struct InProcessBus {
    tx: broadcast::Sender<BusMessage>,
}

impl InProcessBus {
    /// A fresh bus.
    pub fn new() -> Self {
        InProcessBus {
            tx: broadcast::channel(4096).0,
        }
    }
}

impl Default for InProcessBus {
    fn default() -> Self {
        Self::new()
    }
}

impl Bus for InProcessBus {
    fn publish(&self, event: MapChanged) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let _ = self.tx.send(BusMessage::Changed(event));
        Box::pin(async {})
    }

    fn publish_scores(
        &self,
        event: ScoresChanged,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let _ = self.tx.send(BusMessage::Scores(event));
        Box::pin(async {})
    }

    fn publish_feed(&self, event: FeedEvent) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let _ = self.tx.send(BusMessage::Display(event));
        Box::pin(async {})
    }

    fn publish_access(
        &self,
        event: AccessChanged,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let _ = self.tx.send(BusMessage::Access(event));
        Box::pin(async {})
    }

    fn subscribe(&self) -> broadcast::Receiver<BusMessage> {
        self.tx.subscribe()
    }
}

/// Several processes on one PostgreSQL: `NOTIFY` to publish, a `LISTEN`ing connection to hear.
pub struct PgBus {
    pool: sqlx::PgPool,
    local: broadcast::Sender<BusMessage>,
}

impl PgBus {
    /// Sends `event` as JSON on a NOTIFY channel, to every instance listening (this one too).
    async fn notify(&self, channel: &str, event: &impl Serialize) -> Result<(), String> {
        let payload = serde_json::to_string(event).map_err(|e| e.to_string())?;
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Connects and starts the listener task.
    pub async fn connect(url: &str) -> Result<PgBus, sqlx::Error> {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect(url)
            .await?;
        let local = broadcast::channel(4096).0;
        let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
        listener
            .listen_all([CHANNEL, SCORES_CHANNEL, DISPLAY_CHANNEL, ACCESS_CHANNEL])
            .await?;
        let tx = local.clone();
        tokio::spawn(async move {
            loop {
                match listener.try_recv().await {
                    Ok(Some(note)) => {
                        let message = if note.channel() == SCORES_CHANNEL {
                            serde_json::from_str::<ScoresChanged>(note.payload())
                                .map(BusMessage::Scores)
                        } else if note.channel() == DISPLAY_CHANNEL {
                            serde_json::from_str::<FeedEvent>(note.payload())
                                .map(BusMessage::Display)
                        } else if note.channel() == ACCESS_CHANNEL {
                            serde_json::from_str::<AccessChanged>(note.payload())
                                .map(BusMessage::Access)
                        } else {
                            serde_json::from_str::<MapChanged>(note.payload())
                                .map(BusMessage::Changed)
                        };
                        match message {
                            Ok(m) => {
                                let _ = tx.send(m);
                            }
                            Err(e) => tracing::warn!("ignoring a malformed notification: {e}"),
                        }
                    }
                    // The connection dropped and was re-established: catch up from the op log.
                    Ok(None) => {
                        tracing::warn!(
                            "bus listener reconnected; rooms will catch up from the op log"
                        );
                        let _ = tx.send(BusMessage::Reconnected);
                    }
                    Err(e) => {
                        tracing::warn!("bus listener error: {e}; retrying");
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    }
                }
            }
        });
        Ok(PgBus { pool, local })
    }
}

impl Bus for PgBus {
    fn publish(&self, event: MapChanged) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            // This instance's own rooms hear it at once (its committer relayed already); other
            // instances via NOTIFY.
            let _ = self.local.send(BusMessage::Changed(event.clone()));
            let payload = match serde_json::to_string(&event) {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!("could not encode a notification: {e}");
                    return;
                }
            };
            if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(&self.pool)
                .await
            {
                tracing::error!("could not notify other instances: {e}");
            }
        })
    }

    fn publish_scores(
        &self,
        event: ScoresChanged,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            // Only through NOTIFY: this instance hears its own notification like the others,
            // and a score change carries nothing that needs ordering against ops.
            if let Err(e) = self.notify(SCORES_CHANNEL, &event).await {
                tracing::error!("could not notify other instances of new data: {e}");
                // At least this instance's screens update.
                let _ = self.local.send(BusMessage::Scores(event));
            }
        })
    }

    fn publish_feed(&self, event: FeedEvent) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            // Like scores: every instance, this one included, hears it through NOTIFY.
            if let Err(e) = self.notify(DISPLAY_CHANNEL, &event).await {
                tracing::error!("could not notify other instances of a display event: {e}");
                let _ = self.local.send(BusMessage::Display(event));
            }
        })
    }

    fn publish_access(
        &self,
        event: AccessChanged,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            // Like scores: every instance, this one included, hears it through NOTIFY.
            if let Err(e) = self.notify(ACCESS_CHANNEL, &event).await {
                // Other instances still notice within seconds (their sockets re-check).
                tracing::error!("could not notify other instances of an access change: {e}");
                let _ = self.local.send(BusMessage::Access(event));
            }
        })
    }

    fn subscribe(&self) -> broadcast::Receiver<BusMessage> {
        self.local.subscribe()
    }
}
