//! The browser side of the live map and the meeting-room display: one WebSocket per open map, the replica (optimistic local
//! edits, pending until acked, rebased on others' edits), reconnect with backoff and heartbeat,
//! catch-up from the last sequence, and presence. On the server these calls do nothing.

use crate::domain::ops::{Op, PresenceState, Viewport};
use crate::ui::map::state::MapState;

#[cfg(feature = "hydrate")]
mod conn;
pub mod display;
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

/// Starts the live connection of a map page.
pub fn start(state: MapState) {
    #[cfg(feature = "hydrate")]
    socket::start(state);
    #[cfg(not(feature = "hydrate"))]
    let _ = state;
}

/// Stops it (the page is left).
pub fn stop(state: MapState) {
    #[cfg(feature = "hydrate")]
    socket::stop(state);
    #[cfg(not(feature = "hydrate"))]
    let _ = state;
}

/// Applies a local edit optimistically and sends it. Returns the reason when it cannot apply.
pub fn edit(state: MapState, ops: Vec<Op>) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    return socket::edit(state, ops);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (state, ops);
        Ok(())
    }
}

/// Undoes this user's last edit.
pub fn undo(state: MapState) {
    #[cfg(feature = "hydrate")]
    socket::undo(state, true);
    #[cfg(not(feature = "hydrate"))]
    let _ = state;
}

/// Redoes this user's last undone edit.
pub fn redo(state: MapState) {
    #[cfg(feature = "hydrate")]
    socket::undo(state, false);
    #[cfg(not(feature = "hydrate"))]
    let _ = state;
}

/// Shares cursor, selection and viewport (throttled).
pub fn presence(state: MapState, presence: PresenceState) {
    #[cfg(feature = "hydrate")]
    socket::presence(state, presence);
    #[cfg(not(feature = "hydrate"))]
    let _ = (state, presence);
}

/// Facilitator: brings everyone to this viewport.
pub fn summon(state: MapState, viewport: Viewport) {
    #[cfg(feature = "hydrate")]
    socket::summon(state, viewport);
    #[cfg(not(feature = "hydrate"))]
    let _ = (state, viewport);
}
