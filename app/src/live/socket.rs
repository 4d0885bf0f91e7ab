//! The hydrate-only implementation: web-sys WebSocket, timers, and the replica.

use crate::domain::ops::{
    CatchUp, ClientMsg, Op, PresenceState, ServerMsg, Viewport, PROTOCOL_VERSION,
};
use crate::domain::replica::{PendingBatch, RemoteOutcome, Replica};
use crate::domain::MapId;
use crate::ui::map::state::{ConnStatus, MapState, View};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// Heartbeat interval; the server closes after 45 s of silence.
const PING_MS: i32 = 15_000;
/// Without any message from the server for this long, the connection counts as dead.
const DEAD_MS: f64 = 35_000.0;
/// Presence is sent at most this often.
const PRESENCE_MS: f64 = 60.0;
const MAX_BACKOFF_MS: i32 = 10_000;

struct Driver {
    map_id: MapId,
    state: MapState,
    replica: Replica,
    ws: Option<WebSocket>,
    welcomed: bool,
    backoff_ms: i32,
    last_heard: f64,
    last_presence: f64,
    queued_presence: Option<PresenceState>,
    stopped: bool,
    timer: Option<i32>,
    handlers: Vec<Box<dyn std::any::Any>>,
}

thread_local! {
    static DRIVERS: RefCell<HashMap<MapId, Rc<RefCell<Driver>>>> = RefCell::new(HashMap::new());
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn driver(state: MapState) -> Option<Rc<RefCell<Driver>>> {
    let id = state.doc.with_untracked(|d| d.map.id);
    DRIVERS.with(|d| d.borrow().get(&id).cloned())
}

pub fn start(state: MapState) {
    let doc = state.doc.get_untracked();
    let map_id = doc.map.id;
    let driver = Rc::new(RefCell::new(Driver {
        map_id,
        state,
        replica: Replica::new(doc),
        ws: None,
        welcomed: false,
        backoff_ms: 500,
        last_heard: now(),
        last_presence: 0.0,
        queued_presence: None,
        stopped: false,
        timer: None,
        handlers: Vec::new(),
    }));
    DRIVERS.with(|d| d.borrow_mut().insert(map_id, driver.clone()));
    connect(&driver);
    heartbeat(&driver);
    for event in ["online", "offline"] {
        let weak = Rc::downgrade(&driver);
        let cb = Closure::<dyn FnMut()>::new(move || {
            if let Some(d) = weak.upgrade() {
                on_network_change(&d);
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
        }
        driver.borrow_mut().handlers.push(Box::new(cb));
    }
}

pub fn stop(state: MapState) {
    let Some(d) = driver(state) else { return };
    let mut d = d.borrow_mut();
    d.stopped = true;
    if let Some(t) = d.timer.take() {
        if let Some(w) = web_sys::window() {
            w.clear_interval_with_handle(t);
        }
    }
    if let Some(ws) = d.ws.take() {
        let _ = ws.close();
    }
    let id = d.map_id;
    drop(d);
    DRIVERS.with(|m| m.borrow_mut().remove(&id));
}

fn ws_url(map_id: MapId) -> Option<String> {
    let loc = web_sys::window()?.location();
    let scheme = if loc.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/ws/maps/{map_id}", loc.host().ok()?))
}

fn connect(driver: &Rc<RefCell<Driver>>) {
    let (map_id, state) = {
        let d = driver.borrow();
        if d.stopped {
            return;
        }
        (d.map_id, d.state)
    };
    let online = web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true);
    if !online {
        state.status.set(ConnStatus::Offline);
        return;
    }
    let Some(url) = ws_url(map_id) else { return };
    let Ok(ws) = WebSocket::new(&url) else {
        schedule_reconnect(driver);
        return;
    };
    state
        .status
        .set(if state.status.get_untracked() == ConnStatus::Idle {
            ConnStatus::Connecting
        } else {
            ConnStatus::Reconnecting
        });

    let weak = Rc::downgrade(driver);
    let on_open = Closure::<dyn FnMut()>::new(move || {
        if let Some(d) = weak.upgrade() {
            let last = d.borrow().replica.confirmed_seq();
            let hello = ClientMsg::Hello {
                map_id,
                last_seq: Some(last),
                protocol_version: PROTOCOL_VERSION,
            };
            send(&d, &hello);
        }
    });
    let weak = Rc::downgrade(driver);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let Some(d) = weak.upgrade() else { return };
        let Some(text) = ev.data().as_string() else {
            return;
        };
        d.borrow_mut().last_heard = now();
        match serde_json::from_str::<ServerMsg>(&text) {
            Ok(msg) => on_message(&d, msg),
            Err(e) => leptos::logging::warn!("unreadable server message: {e}"),
        }
    });
    let weak = Rc::downgrade(driver);
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_ev: CloseEvent| {
        if let Some(d) = weak.upgrade() {
            {
                let mut dm = d.borrow_mut();
                dm.ws = None;
                dm.welcomed = false;
            }
            schedule_reconnect(&d);
        }
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    let mut d = driver.borrow_mut();
    d.handlers.push(Box::new(on_open));
    d.handlers.push(Box::new(on_message));
    d.handlers.push(Box::new(on_close));
    d.last_heard = now();
    d.ws = Some(ws);
}

fn schedule_reconnect(driver: &Rc<RefCell<Driver>>) {
    let (state, delay) = {
        let mut d = driver.borrow_mut();
        if d.stopped {
            return;
        }
        let delay = d.backoff_ms;
        d.backoff_ms = (d.backoff_ms * 2).min(MAX_BACKOFF_MS);
        (d.state, delay)
    };
    let online = web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true);
    state.status.set(if online {
        ConnStatus::Reconnecting
    } else {
        ConnStatus::Offline
    });
    let weak = Rc::downgrade(driver);
    set_timeout(
        move || {
            if let Some(d) = weak.upgrade() {
                if d.borrow().ws.is_none() {
                    connect(&d);
                }
            }
        },
        std::time::Duration::from_millis(delay as u64),
    );
}

fn on_network_change(driver: &Rc<RefCell<Driver>>) {
    let online = web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true);
    let (state, has_ws) = {
        let d = driver.borrow();
        (d.state, d.ws.is_some())
    };
    if online {
        driver.borrow_mut().backoff_ms = 250;
        if !has_ws {
            connect(driver);
        }
    } else {
        state.status.set(ConnStatus::Offline);
        // The socket may linger half-open; close it so edits queue visibly.
        let ws = driver.borrow_mut().ws.take();
        if let Some(ws) = ws {
            let _ = ws.close();
        }
    }
}

fn heartbeat(driver: &Rc<RefCell<Driver>>) {
    let weak = Rc::downgrade(driver);
    let cb = Closure::<dyn FnMut()>::new(move || {
        let Some(d) = weak.upgrade() else { return };
        let dead = {
            let dm = d.borrow();
            dm.ws.is_some() && now() - dm.last_heard > DEAD_MS
        };
        if dead {
            let ws = d.borrow_mut().ws.take();
            if let Some(ws) = ws {
                let _ = ws.close();
            }
            schedule_reconnect(&d);
        } else if d.borrow().welcomed {
            send(&d, &ClientMsg::Ping);
        }
    });
    if let Some(w) = web_sys::window() {
        if let Ok(handle) = w.set_interval_with_callback_and_timeout_and_arguments_0(
            cb.as_ref().unchecked_ref(),
            PING_MS,
        ) {
            driver.borrow_mut().timer = Some(handle);
        }
    }
    driver.borrow_mut().handlers.push(Box::new(cb));
}

fn send(driver: &Rc<RefCell<Driver>>, msg: &ClientMsg) -> bool {
    let d = driver.borrow();
    let Some(ws) = d.ws.as_ref() else {
        return false;
    };
    if ws.ready_state() != WebSocket::OPEN {
        return false;
    }
    match serde_json::to_string(msg) {
        Ok(text) => ws.send_with_str(&text).is_ok(),
        Err(_) => false,
    }
}

fn send_batch(driver: &Rc<RefCell<Driver>>, batch: &PendingBatch) {
    if driver.borrow().welcomed {
        send(
            driver,
            &ClientMsg::Mutate {
                op_id: batch.op_id,
                ops: batch.ops.clone(),
            },
        );
    }
}

/// Pushes the replica's view and counters into the page's signals.
fn publish(driver: &Rc<RefCell<Driver>>) {
    let d = driver.borrow();
    let s = d.state;
    s.doc.set(d.replica.view().clone());
    s.pending.set(d.replica.pending().len());
    s.can_undo.set(d.replica.can_undo());
    s.can_redo.set(d.replica.can_redo());
    // Drop selections of things that no longer exist.
    let ids: Vec<_> = d.replica.view().objectives.iter().map(|o| o.id).collect();
    let links: Vec<_> = d.replica.view().links.iter().map(|l| l.id).collect();
    let sel = s.selection.get_untracked();
    if sel.objectives.iter().any(|o| !ids.contains(o))
        || sel.link.is_some_and(|l| !links.contains(&l))
    {
        s.selection.update(|sel| {
            sel.objectives.retain(|o| ids.contains(o));
            sel.link = sel.link.filter(|l| links.contains(l));
        });
    }
}

fn on_message(driver: &Rc<RefCell<Driver>>, msg: ServerMsg) {
    let state = driver.borrow().state;
    match msg {
        ServerMsg::Welcome {
            catch_up,
            roster,
            you,
            can_edit,
            ..
        } => {
            let resync = {
                let mut d = driver.borrow_mut();
                d.welcomed = true;
                d.backoff_ms = 500;
                match catch_up {
                    CatchUp::Snapshot { doc } => {
                        d.replica.on_snapshot(*doc);
                        false
                    }
                    CatchUp::Ops { batches } => {
                        let mut resync = false;
                        for b in &batches {
                            let own = d.replica.pending().iter().any(|p| p.op_id == b.op_id);
                            let outcome = if own {
                                d.replica.on_ack(b.op_id, b.seq)
                            } else {
                                d.replica.on_remote(b)
                            };
                            if matches!(outcome, RemoteOutcome::NeedResync) {
                                resync = true;
                                break;
                            }
                        }
                        resync
                    }
                }
            };
            state.me.set(Some(you));
            state.can_edit.set(can_edit);
            state
                .peers
                .set(roster.into_iter().filter(|p| p.peer_id != you).collect());
            state.status.set(ConnStatus::Live);
            if resync {
                request_snapshot(driver);
                return;
            }
            // Resend every un-acked batch with its original op_id: the server never applies one twice.
            let pending: Vec<PendingBatch> = driver.borrow().replica.pending().to_vec();
            for b in &pending {
                send_batch(driver, b);
            }
            publish(driver);
        }
        ServerMsg::Ack { op_id, seq } => {
            let outcome = driver.borrow_mut().replica.on_ack(op_id, seq);
            if matches!(outcome, RemoteOutcome::NeedResync) {
                request_snapshot(driver);
            }
            publish(driver);
        }
        ServerMsg::Reject { op_id, reason } => {
            let dropped = driver.borrow_mut().replica.on_reject(op_id);
            if dropped.is_some() {
                state
                    .notice
                    .set(Some(format!("Your edit was undone: {reason}")));
            }
            publish(driver);
        }
        ServerMsg::Ops { batch } => {
            let outcome = driver.borrow_mut().replica.on_remote(&batch);
            if matches!(outcome, RemoteOutcome::NeedResync) {
                request_snapshot(driver);
            }
            publish(driver);
        }
        ServerMsg::Presence { peer } => {
            if Some(peer.peer_id) == state.me.get_untracked() {
                return;
            }
            if state.following.get_untracked() == Some(peer.peer_id) {
                if let Some(v) = peer.state.viewport {
                    state
                        .view
                        .set(state.doc.with_untracked(|d| View::from_viewport(v, d)));
                }
            }
            state.peers.update(|peers| {
                match peers.iter_mut().find(|p| p.peer_id == peer.peer_id) {
                    Some(p) => *p = peer,
                    None => peers.push(peer),
                }
            });
        }
        ServerMsg::Left { peer_id } => {
            state
                .peers
                .update(|peers| peers.retain(|p| p.peer_id != peer_id));
            if state.following.get_untracked() == Some(peer_id) {
                state.following.set(None);
            }
        }
        ServerMsg::Summon { from, viewport } => {
            state.view.set(
                state
                    .doc
                    .with_untracked(|d| View::from_viewport(viewport, d)),
            );
            state
                .notice
                .set(Some(format!("{from} brought everyone to their view")));
        }
        ServerMsg::ScoresChanged { .. } => state.scores_rev.update(|r| *r += 1),
        ServerMsg::Resync => request_snapshot(driver),
        ServerMsg::Pong => {}
        ServerMsg::Error { message, fatal } => {
            leptos::logging::warn!("server: {message}");
            if fatal {
                state.notice.set(Some(message));
            }
        }
    }
}

/// Asks for a fresh snapshot by greeting again without a sequence.
fn request_snapshot(driver: &Rc<RefCell<Driver>>) {
    let map_id = driver.borrow().map_id;
    send(
        driver,
        &ClientMsg::Hello {
            map_id,
            last_seq: None,
            protocol_version: PROTOCOL_VERSION,
        },
    );
}

pub fn edit(state: MapState, ops: Vec<Op>) -> Result<(), String> {
    let Some(d) = driver(state) else {
        return Err("the map is not connected".into());
    };
    if !state.can_edit.get_untracked() {
        return Err("You can view this map but not edit it.".into());
    }
    let batch = d
        .borrow_mut()
        .replica
        .local(ops)
        .map_err(|e| e.to_string())?;
    send_batch(&d, &batch);
    publish(&d);
    Ok(())
}

pub fn undo(state: MapState, undo: bool) {
    let Some(d) = driver(state) else { return };
    let outcome = {
        let mut dm = d.borrow_mut();
        if undo {
            dm.replica.undo()
        } else {
            dm.replica.redo()
        }
    };
    let Some(outcome) = outcome else { return };
    if let Some(batch) = &outcome.batch {
        send_batch(&d, batch);
    }
    if !outcome.skipped.is_empty() {
        state
            .notice
            .set(Some(format!("Skipped: {}", outcome.skipped.join("; "))));
    }
    publish(&d);
}

pub fn presence(state: MapState, presence: PresenceState) {
    let Some(d) = driver(state) else { return };
    let t = now();
    let due = t - d.borrow().last_presence >= PRESENCE_MS;
    if due {
        d.borrow_mut().last_presence = t;
        d.borrow_mut().queued_presence = None;
        send(&d, &ClientMsg::Presence { state: presence });
    } else {
        let first = d.borrow().queued_presence.is_none();
        d.borrow_mut().queued_presence = Some(presence);
        if first {
            // Send the latest state once the throttle window closes.
            let weak = Rc::downgrade(&d);
            set_timeout(
                move || {
                    if let Some(d) = weak.upgrade() {
                        let queued = d.borrow_mut().queued_presence.take();
                        if let Some(p) = queued {
                            d.borrow_mut().last_presence = now();
                            send(&d, &ClientMsg::Presence { state: p });
                        }
                    }
                },
                std::time::Duration::from_millis(PRESENCE_MS as u64),
            );
        }
    }
}

pub fn summon(state: MapState, viewport: Viewport) {
    if let Some(d) = driver(state) {
        send(&d, &ClientMsg::Summon { viewport });
    }
}
