//! The board feed's live connection (a display's `/ws/display/{secret}`, or a signed-in dashboard
//! page's `/ws/dashboards/{id}`): a read-only subscription on the shared reconnecting socket. Every message updates the same
//! signals in place (the board, the connection state, the time of the last update), so a screen
//! that runs for days holds one board and nothing that grows. On the server these calls do
//! nothing.

use super::ConnStatus;
use crate::domain::dashboard::Board;
use crate::domain::feed::FeedInfo;
use leptos::prelude::*;

/// The signals of a screen on the board feed (a display or a dashboard page), `Copy` so closures
/// can share them.
#[derive(Clone, Copy)]
pub struct FeedState {
    pub info: RwSignal<FeedInfo>,
    pub board: RwSignal<Board>,
    pub status: RwSignal<ConnStatus>,
    /// Why the link shows nothing any more (revoked), once the server says so.
    pub gone: RwSignal<Option<String>>,
    /// When data last arrived (milliseconds since the epoch), for "last updated".
    pub updated: RwSignal<Option<f64>>,
    /// Pushes applied since the page opened (shown to tests and benchmarks as a data attribute).
    pub pushes: RwSignal<u64>,
    /// Data cells (actuals and targets) those pushes set or removed.
    pub cells: RwSignal<u64>,
}

impl FeedState {
    /// Signals around the view the page was rendered with.
    pub fn new(view: crate::domain::feed::FeedView) -> FeedState {
        FeedState {
            info: RwSignal::new(view.info),
            board: RwSignal::new(view.board),
            status: RwSignal::new(ConnStatus::Idle),
            gone: RwSignal::new(None),
            updated: RwSignal::new(None),
            pushes: RwSignal::new(0),
            cells: RwSignal::new(0),
        }
    }
}

/// Connects the display to the server (in the browser).
pub fn start(token: String, state: FeedState) {
    start_at(format!("/ws/display/{token}"), state);
}

/// Connects a signed-in dashboard page to the same live feed (`/ws/dashboards/{id}`).
pub fn start_dashboard(id: crate::domain::DashboardId, state: FeedState) {
    start_at(format!("/ws/dashboards/{id}"), state);
}

fn start_at(path: String, state: FeedState) {
    #[cfg(feature = "hydrate")]
    imp::start(path, state);
    #[cfg(not(feature = "hydrate"))]
    let _ = (path, state);
}

/// Disconnects it (the page is left).
pub fn stop() {
    #[cfg(feature = "hydrate")]
    imp::stop();
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::super::conn::{socket_url, Conn, Hooks};
    use super::*;
    use crate::domain::feed::{FeedClientMsg, FeedMsg};
    use std::cell::RefCell;

    thread_local! {
        static CONN: RefCell<Option<Conn>> = const { RefCell::new(None) };
    }

    pub fn start(path: String, state: FeedState) {
        stop();
        expose_memory();
        let conn = Conn::start(Hooks {
            url: Box::new(move || socket_url(&path)),
            on_open: Box::new(|| {}),
            on_text: Box::new(move |text| match serde_json::from_str::<FeedMsg>(&text) {
                Ok(msg) => on_message(state, msg),
                Err(e) => leptos::logging::warn!("unreadable display message: {e}"),
            }),
            on_status: Box::new(move |s| {
                if state.gone.get_untracked().is_none() {
                    state.status.set(s);
                }
            }),
            ping: Box::new(|| serde_json::to_string(&FeedClientMsg::Ping).ok()),
        });
        CONN.with(|c| *c.borrow_mut() = Some(conn));
    }

    pub fn stop() {
        if let Some(c) = CONN.with(|c| c.borrow_mut().take()) {
            c.stop();
        }
    }

    fn confirmed() {
        CONN.with(|c| {
            if let Some(c) = c.borrow().as_ref() {
                c.confirmed();
            }
        });
    }

    fn on_message(state: FeedState, msg: FeedMsg) {
        match msg {
            FeedMsg::Welcome { view } => {
                confirmed();
                let view = *view;
                state.info.set(view.info);
                state.board.set(view.board);
                state.status.set(ConnStatus::Live);
                touched(state);
            }
            FeedMsg::Data { map_id, delta } => {
                state.cells.update(|n| *n += delta.cells() as u64);
                state.board.update(|b| {
                    if let Some(m) = b.maps.iter_mut().find(|m| m.doc.map.id == map_id) {
                        delta.apply(&mut m.data);
                    }
                });
                touched(state);
            }
            FeedMsg::Map { doc } => {
                let doc = *doc;
                state.board.update(|b| {
                    if let Some(m) = b.maps.iter_mut().find(|m| m.doc.map.id == doc.map.id) {
                        m.doc = doc;
                    }
                });
                touched(state);
            }
            FeedMsg::Gone { message, .. } => {
                state.gone.set(Some(message));
                state.status.set(ConnStatus::Idle);
                stop();
            }
            FeedMsg::Pong => {}
        }
    }

    fn touched(state: FeedState) {
        state.updated.set(Some(js_sys::Date::now()));
        state.pushes.update(|n| *n += 1);
    }

    /// Lets the soak test read the wasm memory's size (`window.cairnWasmMemory.buffer`).
    fn expose_memory() {
        if let Some(w) = web_sys::window() {
            let _ = js_sys::Reflect::set(&w, &"cairnWasmMemory".into(), &wasm_bindgen::memory());
        }
    }
}
