//! One reconnecting WebSocket, shared by the live map and the meeting-room display: connect,
//! reconnect with exponential backoff (reset when the browser comes back online), a heartbeat
//! that sends the caller's ping and drops a connection silent for too long, and the
//! connection's status for the indicator.
//!
//! Built to run for days: the closures of a socket are replaced (not accumulated) when the next
//! socket opens, after being detached from the old one, and events of an old socket are ignored
//! by generation, so a late `close` of a dead socket never tears down its successor.

use super::ConnStatus;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// The heartbeat's period.
const PING_MS: i32 = 15_000;
/// Without any message from the server for this long, the connection counts as dead.
const DEAD_MS: f64 = 35_000.0;
/// First and longest wait before reconnecting.
const FIRST_BACKOFF_MS: i32 = 500;
const MAX_BACKOFF_MS: i32 = 10_000;

/// What the owner of a connection does at each event. Hooks run with no borrow of the
/// connection held, so they may call [`Conn::send`].
pub struct Hooks {
    /// The address to (re)connect to; `None` gives up for now.
    pub url: Box<dyn Fn() -> Option<String>>,
    /// The socket opened (say hello).
    pub on_open: Box<dyn Fn()>,
    /// A text message arrived.
    pub on_text: Box<dyn Fn(String)>,
    /// The connection's state changed.
    pub on_status: Box<dyn Fn(ConnStatus)>,
    /// The heartbeat's message, or `None` to skip this beat.
    pub ping: Box<dyn Fn() -> Option<String>>,
}

struct Inner {
    hooks: Rc<Hooks>,
    ws: Option<WebSocket>,
    /// Bumped for every new socket; events of older sockets are ignored.
    generation: u64,
    backoff_ms: i32,
    last_heard: f64,
    stopped: bool,
    /// Whether a reconnect is already scheduled.
    scheduled: bool,
    timer: Option<i32>,
    /// The current socket's closures (replaced on reconnect).
    socket_handlers: Vec<Box<dyn std::any::Any>>,
    /// The heartbeat's and the online/offline listeners' closures (made once).
    fixed_handlers: Vec<(Option<&'static str>, Box<dyn std::any::Any>)>,
}

/// A reconnecting WebSocket. Cheap to clone; [`Conn::stop`] ends it for good.
#[derive(Clone)]
pub struct Conn(Rc<RefCell<Inner>>);

fn now() -> f64 {
    js_sys::Date::now()
}

fn online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

/// `ws://host/path` or `wss://host/path` for the page's own origin.
pub fn socket_url(path: &str) -> Option<String> {
    let loc = web_sys::window()?.location();
    let scheme = if loc.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}{path}", loc.host().ok()?))
}

impl Conn {
    /// Connects now and keeps the connection up until [`Conn::stop`].
    pub fn start(hooks: Hooks) -> Conn {
        let conn = Conn(Rc::new(RefCell::new(Inner {
            hooks: Rc::new(hooks),
            ws: None,
            generation: 0,
            backoff_ms: FIRST_BACKOFF_MS,
            last_heard: now(),
            stopped: false,
            scheduled: false,
            timer: None,
            socket_handlers: Vec::new(),
            fixed_handlers: Vec::new(),
        })));
        conn.connect();
        conn.heartbeat();
        conn.watch_network();
        conn
    }

    fn weak(&self) -> Weak<RefCell<Inner>> {
        Rc::downgrade(&self.0)
    }

    fn hooks(&self) -> Rc<Hooks> {
        self.0.borrow().hooks.clone()
    }

    /// Sends a text frame; `false` when not connected.
    pub fn send(&self, text: &str) -> bool {
        let inner = self.0.borrow();
        match inner.ws.as_ref() {
            Some(ws) if ws.ready_state() == WebSocket::OPEN => ws.send_with_str(text).is_ok(),
            _ => false,
        }
    }

    /// The server answered properly (a welcome): the next outage starts with a short wait.
    pub fn confirmed(&self) {
        self.0.borrow_mut().backoff_ms = FIRST_BACKOFF_MS;
    }

    /// Closes the connection for good: no reconnect, timers and listeners removed.
    pub fn stop(&self) {
        let (ws, timer, fixed) = {
            let mut inner = self.0.borrow_mut();
            inner.stopped = true;
            inner.generation += 1;
            (
                inner.ws.take(),
                inner.timer.take(),
                std::mem::take(&mut inner.fixed_handlers),
            )
        };
        if let Some(ws) = ws {
            detach(&ws);
            let _ = ws.close();
        }
        if let Some(w) = web_sys::window() {
            if let Some(t) = timer {
                w.clear_interval_with_handle(t);
            }
            for (event, handler) in &fixed {
                if let (Some(event), Some(cb)) =
                    (event, handler.downcast_ref::<Closure<dyn FnMut()>>())
                {
                    let _ =
                        w.remove_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
                }
            }
        }
        // The socket's closures stay until the connection itself is dropped: a close event
        // already queued must still find them.
    }

    fn connect(&self) {
        let hooks = self.hooks();
        {
            let mut inner = self.0.borrow_mut();
            inner.scheduled = false;
            if inner.stopped || inner.ws.is_some() {
                return;
            }
        }
        if !online() {
            (hooks.on_status)(ConnStatus::Offline);
            return;
        }
        let Some(url) = (hooks.url)() else { return };
        let Ok(ws) = WebSocket::new(&url) else {
            self.schedule_reconnect();
            return;
        };
        let generation = {
            let mut inner = self.0.borrow_mut();
            inner.generation += 1;
            inner.generation
        };
        let current = move |weak: &Weak<RefCell<Inner>>| {
            let rc = weak.upgrade()?;
            let fresh = rc.borrow().generation == generation;
            fresh.then_some(Conn(rc))
        };
        let weak = self.weak();
        let on_open = Closure::<dyn FnMut()>::new(move || {
            if let Some(c) = current(&weak) {
                c.0.borrow_mut().last_heard = now();
                (c.hooks().on_open)();
            }
        });
        let weak = self.weak();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let Some(c) = current(&weak) else { return };
            let Some(text) = ev.data().as_string() else {
                return;
            };
            c.0.borrow_mut().last_heard = now();
            (c.hooks().on_text)(text);
        });
        let weak = self.weak();
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_ev: CloseEvent| {
            if let Some(c) = current(&weak) {
                c.0.borrow_mut().ws = None;
                c.schedule_reconnect();
            }
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        {
            let mut inner = self.0.borrow_mut();
            // The previous socket is closed and detached; its closures can go now.
            inner.socket_handlers =
                vec![Box::new(on_open), Box::new(on_message), Box::new(on_close)];
            inner.last_heard = now();
            inner.ws = Some(ws);
        }
        (hooks.on_status)(ConnStatus::Connecting);
    }

    fn schedule_reconnect(&self) {
        let delay = {
            let mut inner = self.0.borrow_mut();
            if inner.stopped || inner.scheduled {
                return;
            }
            inner.scheduled = true;
            let delay = inner.backoff_ms;
            inner.backoff_ms = (inner.backoff_ms * 2).min(MAX_BACKOFF_MS);
            delay
        };
        (self.hooks().on_status)(if online() {
            ConnStatus::Reconnecting
        } else {
            ConnStatus::Offline
        });
        let weak = self.weak();
        leptos::prelude::set_timeout(
            move || {
                if let Some(rc) = weak.upgrade() {
                    Conn(rc).connect();
                }
            },
            std::time::Duration::from_millis(delay as u64),
        );
    }

    /// Drops the current socket (it is dead or the network is gone) and reconnects later.
    fn drop_socket(&self) {
        let ws = {
            let mut inner = self.0.borrow_mut();
            inner.generation += 1;
            inner.ws.take()
        };
        if let Some(ws) = ws {
            detach(&ws);
            let _ = ws.close();
        }
    }

    fn heartbeat(&self) {
        let weak = self.weak();
        let cb = Closure::<dyn FnMut()>::new(move || {
            let Some(rc) = weak.upgrade() else { return };
            let c = Conn(rc);
            let dead = {
                let inner = c.0.borrow();
                inner.ws.is_some() && now() - inner.last_heard > DEAD_MS
            };
            if dead {
                c.drop_socket();
                c.schedule_reconnect();
            } else if let Some(text) = (c.hooks().ping)() {
                c.send(&text);
            }
        });
        if let Some(w) = web_sys::window() {
            if let Ok(handle) = w.set_interval_with_callback_and_timeout_and_arguments_0(
                cb.as_ref().unchecked_ref(),
                PING_MS,
            ) {
                self.0.borrow_mut().timer = Some(handle);
            }
        }
        self.0
            .borrow_mut()
            .fixed_handlers
            .push((None, Box::new(cb)));
    }

    fn watch_network(&self) {
        for event in ["online", "offline"] {
            let weak = self.weak();
            let cb = Closure::<dyn FnMut()>::new(move || {
                let Some(rc) = weak.upgrade() else { return };
                let c = Conn(rc);
                if online() {
                    c.0.borrow_mut().backoff_ms = FIRST_BACKOFF_MS / 2;
                    if c.0.borrow().ws.is_none() {
                        c.connect();
                    }
                } else {
                    // The socket may linger half-open; close it so the state is honest.
                    c.drop_socket();
                    (c.hooks().on_status)(ConnStatus::Offline);
                }
            });
            if let Some(w) = web_sys::window() {
                let _ = w.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
            }
            self.0
                .borrow_mut()
                .fixed_handlers
                .push((Some(event), Box::new(cb)));
        }
    }
}

/// Removes a socket's handlers so its closures can be dropped safely.
fn detach(ws: &WebSocket) {
    ws.set_onopen(None);
    ws.set_onmessage(None);
    ws.set_onclose(None);
}
