//! The hydrate-only implementation of the live map: the replica on top of the shared
//! reconnecting connection (`conn.rs`).

use super::conn::{socket_url, Conn, Hooks};
use super::{ConnStatus, LiveMap, View};
use crate::domain::ops::{
    CatchUp, ClientMsg, Op, PresenceState, ServerMsg, Viewport, PROTOCOL_VERSION,
};
use crate::domain::replica::{PendingBatch, RemoteOutcome, Replica, Skipped};
use crate::domain::MapId;
use crate::i18n::td_string;
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Presence is sent at most this often.
const PRESENCE_MS: f64 = 60.0;

struct Driver {
    map_id: MapId,
    state: LiveMap,
    replica: Replica,
    conn: Option<Conn>,
    welcomed: bool,
    last_presence: f64,
    queued_presence: Option<PresenceState>,
    /// The page's language, for the notices.
    locale: crate::i18n::Locale,
}

thread_local! {
    static DRIVERS: RefCell<HashMap<MapId, Rc<RefCell<Driver>>>> = RefCell::new(HashMap::new());
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn driver(state: LiveMap) -> Option<Rc<RefCell<Driver>>> {
    let id = state.doc.with_untracked(|d| d.map.id);
    DRIVERS.with(|d| d.borrow().get(&id).cloned())
}

pub fn start(state: LiveMap) {
    let doc = state.doc.get_untracked();
    let map_id = doc.map.id;
    let driver = Rc::new(RefCell::new(Driver {
        map_id,
        state,
        replica: Replica::new(doc),
        conn: None,
        welcomed: false,
        last_presence: 0.0,
        queued_presence: None,
        locale: crate::i18n::current_locale(),
    }));
    DRIVERS.with(|d| d.borrow_mut().insert(map_id, driver.clone()));
    let (w1, w2, w3, w4) = (
        Rc::downgrade(&driver),
        Rc::downgrade(&driver),
        Rc::downgrade(&driver),
        Rc::downgrade(&driver),
    );
    let conn = Conn::start(Hooks {
        url: Box::new(move || socket_url(&format!("/ws/maps/{map_id}"))),
        on_open: Box::new(move || {
            if let Some(d) = w1.upgrade() {
                let last = d.borrow().replica.confirmed_seq();
                let hello = ClientMsg::Hello {
                    map_id,
                    last_seq: Some(last),
                    protocol_version: PROTOCOL_VERSION,
                };
                send(&d, &hello);
            }
        }),
        on_text: Box::new(move |text| {
            let Some(d) = w2.upgrade() else { return };
            match serde_json::from_str::<ServerMsg>(&text) {
                Ok(msg) => on_message(&d, msg),
                Err(e) => leptos::logging::warn!("unreadable server message: {e}"),
            }
        }),
        on_status: Box::new(move |status| {
            let Some(d) = w3.upgrade() else { return };
            if status != ConnStatus::Live {
                d.borrow_mut().welcomed = false;
            }
            let s = d.borrow().state.status;
            let shown = match status {
                ConnStatus::Connecting if s.get_untracked() != ConnStatus::Idle => {
                    ConnStatus::Reconnecting
                }
                other => other,
            };
            s.set(shown);
        }),
        ping: Box::new(move || {
            let d = w4.upgrade()?;
            let welcomed = d.borrow().welcomed;
            welcomed
                .then(|| serde_json::to_string(&ClientMsg::Ping).ok())
                .flatten()
        }),
    });
    driver.borrow_mut().conn = Some(conn);
}

pub fn stop(state: LiveMap) {
    let Some(d) = driver(state) else { return };
    let conn = d.borrow_mut().conn.take();
    if let Some(c) = conn {
        c.stop();
    }
    let id = d.borrow().map_id;
    DRIVERS.with(|m| m.borrow_mut().remove(&id));
}

fn send(driver: &Rc<RefCell<Driver>>, msg: &ClientMsg) -> bool {
    let conn = driver.borrow().conn.clone();
    match (conn, serde_json::to_string(msg)) {
        (Some(c), Ok(text)) => c.send(&text),
        _ => false,
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
}

fn on_message(driver: &Rc<RefCell<Driver>>, msg: ServerMsg) {
    let state = driver.borrow().state;
    match msg {
        ServerMsg::Welcome {
            catch_up,
            roster,
            you,
            can_edit,
            server_ms,
            user_id,
            ..
        } => {
            state.user.set(user_id);
            state
                .clock_offset_ms
                .set(server_ms - js_sys::Date::now() as i64);
            if let Some(c) = driver.borrow().conn.clone() {
                c.confirmed();
            }
            let resync = {
                let mut d = driver.borrow_mut();
                d.welcomed = true;
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
            state.can_edit.set(can_edit && !state.view_only);
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
                let locale = driver.borrow().locale;
                state.notice.set(Some(
                    td_string!(locale, map.undo.rejected, reason).to_string(),
                ));
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
        ServerMsg::Summon {
            from,
            viewport,
            partner,
        } => {
            state.summoned_partner.set(partner);
            state.view.set(
                state
                    .doc
                    .with_untracked(|d| View::from_viewport(viewport, d)),
            );
            let locale = driver.borrow().locale;
            state.notice.set(Some(
                td_string!(locale, map.page.summoned, from).to_string(),
            ));
        }
        ServerMsg::ScoresChanged { .. } => state.scores_rev.update(|r| *r += 1),
        ServerMsg::CascadeChanged { .. } => request_snapshot(driver),
        ServerMsg::ProposalsChanged { .. } => state.proposals_rev.update(|r| *r += 1),
        ServerMsg::InitiativesChanged { .. } => state.initiatives_rev.update(|r| *r += 1),
        ServerMsg::ReviewsChanged { .. } => state.reviews_rev.update(|r| *r += 1),
        ServerMsg::CommentsChanged { .. } => state.comments_rev.update(|r| *r += 1),
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

pub fn edit(state: LiveMap, ops: Vec<Op>) -> Result<(), String> {
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

pub fn undo(state: LiveMap, undo: bool) {
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
        let locale = d.borrow().locale;
        state
            .notice
            .set(Some(Skipped::summary(locale, &outcome.skipped)));
    }
    publish(&d);
}

pub fn presence(state: LiveMap, presence: PresenceState) {
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

pub fn summon(state: LiveMap, viewport: Viewport, partner: Option<Viewport>) {
    if let Some(d) = driver(state) {
        send(&d, &ClientMsg::Summon { viewport, partner });
    }
}
