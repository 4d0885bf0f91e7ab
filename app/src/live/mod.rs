//! The browser side of the live map and the meeting-room display: one WebSocket per open map, the replica (optimistic local
//! edits, pending until acked, rebased on others' edits), reconnect with backoff and heartbeat,
//! catch-up from the last sequence, and presence. On the server these calls do nothing.

use crate::domain::layout::Frame;
use crate::domain::ops::{Op, Peer, PresenceState, Viewport};
use crate::domain::MapDocument;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "hydrate")]
mod conn;
pub mod feed;
#[cfg(feature = "hydrate")]
mod socket;

/// How a live connection is doing, for the indicators of the map and the display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnStatus {
    /// Not started (server render) or read-only page.
    Idle,
    Connecting,
    Live,
    /// Lost; trying again.
    Reconnecting,
    /// The browser is offline; edits are queued.
    Offline,
}

/// The visible part of the map (SVG viewBox).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl View {
    /// The whole map with a margin.
    pub fn fit(doc: &MapDocument) -> View {
        let f = Frame::of(&doc.perspectives, &doc.themes);
        View {
            x: -10.0,
            y: -10.0,
            w: f.width() + 20.0,
            h: f.height() + 20.0,
        }
    }

    /// As a presence viewport (top-left corner and zoom relative to fit).
    pub fn viewport(self, doc: &MapDocument) -> Viewport {
        Viewport {
            x: self.x,
            y: self.y,
            zoom: View::fit(doc).w / self.w,
        }
    }

    /// Back from a shared viewport.
    pub fn from_viewport(v: Viewport, doc: &MapDocument) -> View {
        let fit = View::fit(doc);
        let zoom = v.zoom.clamp(0.1, 10.0);
        View {
            x: v.x,
            y: v.y,
            w: fit.w / zoom,
            h: fit.h / zoom,
        }
    }
}

/// The signals of a map page that the live connection drives: the document (the replica's
/// view), the connection, the people in the room and the followed viewport. The page holds them
/// (inside its own state) and hands them over; `live` never sees the page's other state.
#[derive(Clone, Copy)]
pub struct LiveMap {
    pub doc: RwSignal<MapDocument>,
    pub status: RwSignal<ConnStatus>,
    pub pending: RwSignal<usize>,
    pub can_edit: RwSignal<bool>,
    pub peers: RwSignal<Vec<Peer>>,
    pub me: RwSignal<Option<Uuid>>,
    /// Set when following someone or when summoned.
    pub view: RwSignal<View>,
    /// A short message for the user (a rolled-back edit, a skipped undo…).
    pub notice: RwSignal<Option<String>>,
    pub can_undo: RwSignal<bool>,
    pub can_redo: RwSignal<bool>,
    /// The peer whose viewport this user follows.
    pub following: RwSignal<Option<Uuid>>,
    /// Bumped whenever the server says new data changed this map's scores.
    pub scores_rev: RwSignal<u64>,
    /// Bumped whenever the server says a proposal to or from this map was made or decided.
    pub proposals_rev: RwSignal<u64>,
    /// Bumped whenever the server says an initiative of this map's unit was created or changed.
    pub initiatives_rev: RwSignal<u64>,
    /// Bumped whenever the server says a review of this map changed.
    pub reviews_rev: RwSignal<u64>,
    /// Bumped whenever the server says a comment on one of this map's items (or its unit's
    /// initiatives, or its reviews' items) changed.
    pub comments_rev: RwSignal<u64>,
    /// Shown read-only whatever the user's role (the parent map in the cascade workshop).
    pub view_only: bool,
    /// Where a facilitator's summons asked the other pane of the cascade workshop to show.
    pub summoned_partner: RwSignal<Option<Viewport>>,
    /// The signed-in person, as the server named them when the room welcomed this page (whose
    /// workshop notes and dots are theirs).
    pub user: RwSignal<Option<crate::domain::UserId>>,
    /// The server's clock minus this browser's, in ms: countdowns run on server time.
    pub clock_offset_ms: RwSignal<i64>,
}

impl LiveMap {
    /// The signals around a freshly loaded document, not connected yet, showing the whole map.
    pub fn new(doc: MapDocument) -> LiveMap {
        let view = View::fit(&doc);
        LiveMap {
            doc: RwSignal::new(doc),
            status: RwSignal::new(ConnStatus::Idle),
            pending: RwSignal::new(0),
            can_edit: RwSignal::new(false),
            peers: RwSignal::new(Vec::new()),
            me: RwSignal::new(None),
            view: RwSignal::new(view),
            notice: RwSignal::new(None),
            can_undo: RwSignal::new(false),
            can_redo: RwSignal::new(false),
            following: RwSignal::new(None),
            scores_rev: RwSignal::new(0),
            proposals_rev: RwSignal::new(0),
            initiatives_rev: RwSignal::new(0),
            reviews_rev: RwSignal::new(0),
            comments_rev: RwSignal::new(0),
            view_only: false,
            summoned_partner: RwSignal::new(None),
            user: RwSignal::new(None),
            clock_offset_ms: RwSignal::new(0),
        }
    }
}

/// Starts the live connection of a map page.
pub fn start(state: impl Into<LiveMap>) {
    socket::start(state.into());
}

/// Stops it (the page is left).
pub fn stop(state: impl Into<LiveMap>) {
    socket::stop(state.into());
}

/// Applies a local edit optimistically and sends it. Returns the reason when it cannot apply.
pub fn edit(state: impl Into<LiveMap>, ops: Vec<Op>) -> Result<(), String> {
    socket::edit(state.into(), ops)
}

/// Undoes this user's last edit.
pub fn undo(state: impl Into<LiveMap>) {
    socket::undo(state.into(), true);
}

/// Redoes this user's last undone edit.
pub fn redo(state: impl Into<LiveMap>) {
    socket::undo(state.into(), false);
}

/// Shares cursor, selection and viewport (throttled).
pub fn presence(state: impl Into<LiveMap>, presence: PresenceState) {
    socket::presence(state.into(), presence);
}

/// Facilitator: brings everyone to this viewport (and, in the cascade workshop, their other
/// pane to `partner`).
pub fn summon(state: impl Into<LiveMap>, viewport: Viewport, partner: Option<Viewport>) {
    socket::summon(state.into(), viewport, partner);
}

/// On the server there is no socket: a page rendered there connects once it runs in the
/// browser, and nothing it does before reaches a server.
#[cfg(not(feature = "hydrate"))]
mod socket {
    use super::LiveMap;
    use crate::domain::ops::{Op, PresenceState, Viewport};

    pub fn start(_: LiveMap) {}

    pub fn stop(_: LiveMap) {}

    pub fn edit(_: LiveMap, _: Vec<Op>) -> Result<(), String> {
        Ok(())
    }

    pub fn undo(_: LiveMap, _: bool) {}

    pub fn presence(_: LiveMap, _: PresenceState) {}

    pub fn summon(_: LiveMap, _: Viewport, _: Option<Viewport>) {}
}
