//! Live-map WebSocket tests against a real server on a local port: hello/welcome, acks and
//! relays, specific rejects, idempotent resends, catch-up after reconnects and restarts,
//! read-only viewers, bad frames and floods, two instances sharing a map through PostgreSQL,
//! and server functions reaching connected clients (on SQLite and PostgreSQL).

use crate::common;

use common::{is_presence, Db, Ending, Socket, TestApp, Welcome, ADMIN, EDITOR, VIEWER, WAIT};

use app::domain::ops::{
    CatchUp, ClientMsg, Committed, EntityKind, Field, NewEntity, Op, ServerMsg, MAX_FRAME_BYTES,
    PROTOCOL_VERSION,
};
use app::domain::*;
use app::store::Store;
use futures_util::{SinkExt, StreamExt};
use http::StatusCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::MaybeTlsStream;
use uuid::Uuid;

/// The demo company served: the app, its enterprise map (and the map's id), and sessions of
/// the company's editor and admin.
async fn demo(db: Db) -> (TestApp, MapDocument, MapId, String, String) {
    let app = TestApp::demo(db).await;
    let doc = app.enterprise_map().await;
    let (editor, admin) = (app.cookie(EDITOR).await, app.cookie(ADMIN).await);
    let map = doc.map.id;
    (app, doc, map, editor, admin)
}

/// Asserts that nothing but presence arrives for `quiet`.
async fn expect_silence(ws: &mut Socket, quiet: Duration) {
    let msg = ws.next_map_msg(false, quiet).await;
    assert!(msg.is_none(), "expected nothing, got {msg:?}");
}

/// Waits for the server to close the socket, having sent nothing but presence.
async fn expect_closed(ws: &mut Socket) {
    for text in ws.until_closed(WAIT).await.texts {
        let msg: ServerMsg = serde_json::from_str(&text).unwrap();
        assert!(
            is_presence(&msg),
            "expected the socket to close, got {msg:?}"
        );
    }
}

/// Pings and expects the pong (`why` says what that shows).
async fn expect_pong(ws: &mut Socket, why: &str) {
    ws.send_json(&ClientMsg::Ping).await;
    assert_eq!(ws.recv_map().await, ServerMsg::Pong, "{why}");
}

/// A ping as raw text (for floods that stop at the first refused write).
fn ping() -> Message {
    Message::text(r#"{"type":"ping"}"#)
}

/// The title of objective `id` on `doc`.
fn title_of(doc: &MapDocument, id: ObjectiveId) -> &str {
    let objective = doc.objectives.iter().find(|o| o.id == id);
    &objective.expect("the objective is on the map").title
}

/// Sends a batch (without waiting for its answer).
async fn mutate(ws: &mut Socket, op_id: Uuid, ops: Vec<Op>) {
    ws.send_json(&ClientMsg::Mutate { op_id, ops }).await;
}

/// Sends a batch and waits for its Ack; returns the sequence.
async fn commit(ws: &mut Socket, op_id: Uuid, ops: Vec<Op>) -> i64 {
    mutate(ws, op_id, ops).await;
    expect_ack(ws, op_id).await
}

async fn expect_ack(ws: &mut Socket, op_id: Uuid) -> i64 {
    match ws.recv_map().await {
        ServerMsg::Ack { op_id: acked, seq } => {
            assert_eq!(acked, op_id, "the ack names the op");
            seq
        }
        other => panic!("expected Ack for {op_id}, got {other:?}"),
    }
}

async fn expect_reject(ws: &mut Socket, op_id: Uuid) -> String {
    match ws.recv_map().await {
        ServerMsg::Reject {
            op_id: rejected,
            reason,
        } => {
            assert_eq!(rejected, op_id, "the reject names the op");
            reason
        }
        other => panic!("expected Reject for {op_id}, got {other:?}"),
    }
}

/// The next relayed batch.
async fn expect_ops(ws: &mut Socket) -> Committed {
    match ws.recv_map().await {
        ServerMsg::Ops { batch } => batch,
        other => panic!("expected Ops, got {other:?}"),
    }
}

async fn expect_error(ws: &mut Socket) -> (String, bool) {
    match ws.recv_map().await {
        ServerMsg::Error { message, fatal } => (message, fatal),
        other => panic!("expected Error, got {other:?}"),
    }
}

/// The form of `create_objective` on `doc`, in `perspective` at (300, `y`).
fn objective_form(
    doc: &MapDocument,
    perspective: PerspectiveId,
    title: &str,
    y: f64,
) -> Vec<(&'static str, String)> {
    vec![
        ("map_id", doc.map.id.to_string()),
        ("perspective_id", perspective.to_string()),
        ("title", title.into()),
        ("x", "300".into()),
        ("y", y.to_string()),
    ]
}

/// A new objective with a client-made id in the first perspective of `doc`.
fn new_objective(doc: &MapDocument, title: &str) -> Objective {
    Objective::new(doc.map.id, doc.perspectives[0].id, title).with_position(420.0, 180.0)
}

fn create(o: &Objective) -> Op {
    Op::Create {
        item: NewEntity::Objective(o.clone()),
    }
}

fn snapshot_of(welcome: &Welcome) -> &MapDocument {
    match &welcome.catch_up {
        CatchUp::Snapshot { doc } => doc,
        other => panic!("expected a snapshot, got {other:?}"),
    }
}

fn batches_of(welcome: &Welcome) -> &[Committed] {
    match &welcome.catch_up {
        CatchUp::Ops { batches } => batches,
        other => panic!("expected catch-up ops, got {other:?}"),
    }
}

fn count_objectives(doc: &MapDocument, id: ObjectiveId) -> usize {
    doc.objectives.iter().filter(|o| o.id == id).count()
}

// ---------------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------------

both_databases!(hello_welcome_and_ack, |db: Db| async move {
    let (app, _, map, editor, admin) = demo(db).await;

    let (mut a, welcome) = app.join(map, &editor, None).await;
    let doc = snapshot_of(&welcome).clone();
    assert!(
        doc.objectives.len() >= 12,
        "the snapshot holds the map: {}",
        doc.objectives.len()
    );
    assert_eq!(doc.seq, welcome.seq);
    assert!(welcome.can_edit, "the editor may edit");
    let me = welcome
        .roster
        .iter()
        .find(|p| p.peer_id == welcome.you)
        .expect("the roster contains me");
    assert_eq!(me.user_id, app.user(EDITOR).await.id);
    assert!(me.can_edit);

    let (mut b, welcome_b) = app.join(map, &admin, None).await;
    assert!(welcome_b.can_edit);
    assert!(
        welcome_b.roster.iter().any(|p| p.peer_id == welcome.you),
        "the second client sees the first in the roster"
    );
    assert!(welcome_b.roster.iter().any(|p| p.peer_id == welcome_b.you));

    let o = new_objective(&doc, "Win the northern market");
    let op_id = Uuid::new_v4();
    let seq = commit(&mut a, op_id, vec![create(&o)]).await;
    assert_eq!(seq, welcome.seq + 1);

    let batch = expect_ops(&mut b).await;
    assert_eq!(batch.op_id, op_id);
    assert_eq!(batch.seq, seq);
    assert_eq!(batch.author, app.user(EDITOR).await.id);
    assert_eq!(batch.ops, vec![create(&o)]);

    let stored = app.store.map_document(map).await.unwrap();
    assert_eq!(count_objectives(&stored, o.id), 1);
    assert_eq!(stored.seq, seq);
    assert_eq!(title_of(&stored, o.id), "Win the northern market");
    assert_eq!(app.store.map_seq(map).await.unwrap(), seq);
    // The author gets its own batch only as the Ack, not again as Ops.
    expect_silence(&mut a, Duration::from_millis(300)).await;
});

both_databases!(
    reject_is_specific_and_changes_nothing,
    |db: Db| async move {
        let (app, _, map, editor, admin) = demo(db).await;
        let (mut a, welcome) = app.join(map, &editor, None).await;
        let (mut b, _) = app.join(map, &admin, None).await;
        let doc = snapshot_of(&welcome).clone();
        let before = app.store.map_seq(map).await.unwrap();
        let target = doc.objectives[0].id;

        let self_link = Op::Link {
            link: Link::new(map, target, target),
        };
        let op_id = Uuid::new_v4();
        mutate(&mut a, op_id, vec![self_link]).await;
        let reason = expect_reject(&mut a, op_id).await;
        assert!(
            reason.contains("drive itself"),
            "a specific reason: {reason}"
        );

        let op_id = Uuid::new_v4();
        let empty_title = app::domain::ops::set(EntityKind::Objective, target.0, Field::Title, "");
        mutate(&mut a, op_id, vec![empty_title]).await;
        let reason = expect_reject(&mut a, op_id).await;
        assert!(
            reason.contains("Title"),
            "the reason names the field: {reason}"
        );

        // A batch is all or nothing: a good op followed by a bad one changes nothing either.
        let good = new_objective(&doc, "Half of a bad batch");
        let op_id = Uuid::new_v4();
        let bad = app::domain::ops::set(EntityKind::Objective, target.0, Field::Title, "   ");
        mutate(&mut a, op_id, vec![create(&good), bad]).await;
        expect_reject(&mut a, op_id).await;

        assert_eq!(
            app.store.map_seq(map).await.unwrap(),
            before,
            "the sequence did not move"
        );
        let after = app.store.map_document(map).await.unwrap();
        assert_eq!(count_objectives(&after, good.id), 0);
        assert_eq!(after.objectives, doc.objectives);
        assert_eq!(after.links, doc.links);
        // Nobody else heard of the rejected edits.
        expect_silence(&mut b, Duration::from_millis(300)).await;

        // The connection still works after rejects.
        let ok = new_objective(&doc, "Accepted after rejects");
        let op_id = Uuid::new_v4();
        assert_eq!(commit(&mut a, op_id, vec![create(&ok)]).await, before + 1);
    }
);

both_databases!(resend_is_idempotent, |db: Db| async move {
    let (app, _, map, editor, admin) = demo(db).await;
    let (mut a, welcome) = app.join(map, &editor, None).await;
    let (mut b, _) = app.join(map, &admin, None).await;
    let doc = snapshot_of(&welcome).clone();
    let before = app.store.map_seq(map).await.unwrap();

    let o = new_objective(&doc, "Sent more than once");
    let op_id = Uuid::new_v4();
    let first = commit(&mut a, op_id, vec![create(&o)]).await;
    assert_eq!(first, before + 1);
    let again = commit(&mut a, op_id, vec![create(&o)]).await;
    assert_eq!(again, first, "a resend is acked with the original sequence");
    let relayed = expect_ops(&mut b).await;
    assert_eq!((relayed.op_id, relayed.seq), (op_id, first));

    // After a reconnect (the client never saw the ack, say).
    drop(a);
    let (mut a, rewelcome) = app.join(map, &editor, Some(before)).await;
    assert_eq!(rewelcome.seq, first);
    let third = commit(&mut a, op_id, vec![create(&o)]).await;
    assert_eq!(
        third, first,
        "a resend after reconnecting is acked with the original sequence"
    );

    assert_eq!(
        app.store.map_seq(map).await.unwrap(),
        before + 1,
        "applied once"
    );
    let stored = app.store.map_document(map).await.unwrap();
    assert_eq!(
        count_objectives(&stored, o.id),
        1,
        "the objective exists once"
    );
    assert_eq!(app.store.batches_since(map, before).await.unwrap().len(), 1);
    // The other client heard of it exactly once.
    expect_silence(&mut b, Duration::from_millis(300)).await;
    expect_silence(&mut a, Duration::from_millis(100)).await;
});

both_databases!(catch_up_after_reconnect, |db: Db| async move {
    let (app, _, map, editor, admin) = demo(db).await;

    let (mut a, welcome_a) = app.join(map, &editor, None).await;
    let doc = snapshot_of(&welcome_a).clone();
    // A makes one edit of its own, so S is not just the start.
    let s = commit(
        &mut a,
        Uuid::new_v4(),
        vec![create(&new_objective(&doc, "Before the gap"))],
    )
    .await;
    a.close(None).await.unwrap();
    drop(a);

    let (mut b, welcome_b) = app.join(map, &admin, None).await;
    assert_eq!(welcome_b.seq, s);
    let target = doc.objectives[1].id;
    let mut sent = Vec::new();
    for (i, ops) in [
        vec![create(&new_objective(&doc, "While A was away"))],
        vec![app::domain::ops::set(
            EntityKind::Objective,
            target.0,
            Field::Title,
            "Renamed while away",
        )],
        vec![
            app::domain::ops::set(
                EntityKind::Objective,
                target.0,
                Field::Position,
                app::domain::ops::Position { x: 10.0, y: 20.0 },
            ),
            create(&new_objective(&doc, "Second one while away")),
        ],
    ]
    .into_iter()
    .enumerate()
    {
        let op_id = Uuid::new_v4();
        let seq = commit(&mut b, op_id, ops.clone()).await;
        assert_eq!(seq, s + 1 + i as i64);
        sent.push((seq, op_id, ops));
    }

    let (_a, welcome) = app.join(map, &editor, Some(s)).await;
    assert_eq!(welcome.seq, s + 3);
    let batches = batches_of(&welcome);
    assert_eq!(batches.len(), 3, "exactly the missed batches: {batches:?}");
    let admin_id = app.user(ADMIN).await.id;
    for (batch, (seq, op_id, ops)) in batches.iter().zip(&sent) {
        assert_eq!(batch.seq, *seq);
        assert_eq!(batch.op_id, *op_id);
        assert_eq!(&batch.ops, ops);
        assert_eq!(batch.author, admin_id);
    }

    // Up to date: an empty catch-up, not a snapshot.
    let (_c, current) = app.join(map, &editor, Some(s + 3)).await;
    assert_eq!(current.seq, s + 3);
    assert!(batches_of(&current).is_empty());
});

both_databases!(restart_loses_no_acked_op, |db: Db| async move {
    let (app, _, map, editor, _) = demo(db).await;
    let (mut a, welcome) = app.join(map, &editor, None).await;
    let start = welcome.seq;
    let doc = snapshot_of(&welcome).clone();

    let mut acked = Vec::new();
    for i in 0..5 {
        let o = new_objective(&doc, &format!("Survives the restart {i}"));
        let op_id = Uuid::new_v4();
        let seq = commit(&mut a, op_id, vec![create(&o)]).await;
        acked.push((seq, op_id, o));
    }
    let last = acked.last().unwrap().0;

    // Stop the server and let go of every connection to the database.
    let _ = a.close(None).await;
    drop(a);
    let app = app.restart().await;
    let store = app.store.clone();
    let (_a, welcome) = app.join(map, &editor, Some(start)).await;
    assert_eq!(welcome.seq, last);
    let batches = batches_of(&welcome);
    assert_eq!(
        batches.len(),
        acked.len(),
        "every acked batch is in the catch-up"
    );
    for (batch, (seq, op_id, o)) in batches.iter().zip(&acked) {
        assert_eq!((batch.seq, batch.op_id), (*seq, *op_id));
        assert_eq!(batch.ops, vec![create(o)]);
    }
    let stored = store.map_document(map).await.unwrap();
    assert_eq!(stored.seq, last);
    for (_, _, o) in &acked {
        assert_eq!(count_objectives(&stored, o.id), 1, "{} survived", o.title);
    }
    // And a fresh client gets it all in the snapshot.
    let (_b, fresh) = app.join(map, &editor, None).await;
    let snap = snapshot_of(&fresh);
    assert!(acked
        .iter()
        .all(|(_, _, o)| count_objectives(snap, o.id) == 1));
});

both_databases!(viewer_is_read_only, |db: Db| async move {
    let (app, _, map, editor, _) = demo(db).await;
    let viewer = app.cookie(VIEWER).await;

    let (mut v, welcome) = app.join(map, &viewer, None).await;
    assert!(!welcome.can_edit, "the viewer may not edit");
    let me = welcome
        .roster
        .iter()
        .find(|p| p.peer_id == welcome.you)
        .unwrap();
    assert!(!me.can_edit);
    let doc = snapshot_of(&welcome).clone();
    let before = app.store.map_seq(map).await.unwrap();

    let o = new_objective(&doc, "Viewer was here");
    let op_id = Uuid::new_v4();
    mutate(&mut v, op_id, vec![create(&o)]).await;
    let reason = expect_reject(&mut v, op_id).await;
    assert!(reason.contains("view"), "{reason}");
    assert_eq!(app.store.map_seq(map).await.unwrap(), before);
    assert_eq!(
        count_objectives(&app.store.map_document(map).await.unwrap(), o.id),
        0
    );

    let (mut e, _) = app.join(map, &editor, None).await;
    let o = new_objective(&doc, "Editor was here");
    let op_id = Uuid::new_v4();
    let seq = commit(&mut e, op_id, vec![create(&o)]).await;
    let batch = expect_ops(&mut v).await;
    assert_eq!((batch.op_id, batch.seq), (op_id, seq));
    assert_eq!(batch.ops, vec![create(&o)]);

    // Presence is shared with viewers too.
    let state = app::domain::ops::PresenceState {
        cursor: Some(app::domain::ops::Position { x: 1.0, y: 2.0 }),
        selection: vec![o.id],
        editing: None,
        viewport: None,
        // Working in the workshop's other pane: relayed, so a facilitator sees it.
        elsewhere: true,
        // Writing the mission on the Strategy screen: relayed likewise.
        writing: Some(app::domain::ops::StrategyPart::Mission),
    };
    e.send_json(&ClientMsg::Presence {
        state: state.clone(),
    })
    .await;
    let editor_id = app.user(EDITOR).await.id;
    loop {
        match v
            .next_map_msg(true, WAIT)
            .await
            .expect("no message within 5 s")
        {
            ServerMsg::Presence { peer } if peer.user_id == editor_id && peer.state == state => {
                break
            }
            ServerMsg::Presence { .. } | ServerMsg::Left { .. } => continue,
            other => panic!("expected the editor's presence, got {other:?}"),
        }
    }
    // Only editors may summon; the viewer gets a non-fatal error and stays connected.
    let viewport = app::domain::ops::Viewport {
        x: 5.0,
        y: 6.0,
        zoom: 1.5,
    };
    v.send_json(&ClientMsg::Summon {
        viewport,
        partner: None,
    })
    .await;
    let (message, fatal) = expect_error(&mut v).await;
    assert!(!fatal, "{message}");
    // The workshop's other pane must be a sane view too.
    let absurd = app::domain::ops::Viewport {
        zoom: -1.0,
        ..viewport
    };
    e.send_json(&ClientMsg::Summon {
        viewport,
        partner: Some(absurd),
    })
    .await;
    let (message, fatal) = expect_error(&mut e).await;
    assert!(!fatal && message.contains("summon"), "{message}");
    let partner = app::domain::ops::Viewport {
        x: 50.0,
        ..viewport
    };
    e.send_json(&ClientMsg::Summon {
        viewport,
        partner: Some(partner),
    })
    .await;
    match v.recv_map().await {
        ServerMsg::Summon {
            viewport: got,
            partner: got_partner,
            ..
        } => assert_eq!((got, got_partner), (viewport, Some(partner))),
        other => panic!("expected Summon, got {other:?}"),
    }
});

both_databases!(bad_frames, |db: Db| async move {
    let (app, _, map, editor, admin) = demo(db).await;

    // Something committed first, to check it survives everything below.
    let (mut good, welcome) = app.join(map, &editor, None).await;
    let doc = snapshot_of(&welcome).clone();
    let kept = new_objective(&doc, "Committed before the trouble");
    commit(&mut good, Uuid::new_v4(), vec![create(&kept)]).await;

    // Mutate before Hello.
    let mut ws = app.map_socket(map, Some(&editor)).await.unwrap();
    let early = new_objective(&doc, "Too early");
    mutate(&mut ws, Uuid::new_v4(), vec![create(&early)]).await;
    let (message, fatal) = expect_error(&mut ws).await;
    assert!(!fatal);
    assert!(message.contains("hello"), "{message}");
    assert_eq!(
        count_objectives(&app.store.map_document(map).await.unwrap(), early.id),
        0
    );

    ws.hello(map, None).await;
    // Garbage.
    ws.send_text("this is not json {").await;
    let (message, fatal) = expect_error(&mut ws).await;
    assert!(!fatal, "garbage is not fatal: {message}");
    expect_pong(&mut ws, "the connection still answers").await;
    // An unknown message type.
    ws.send_text(r#"{"type":"teleport","to":"mars"}"#).await;
    let (message, fatal) = expect_error(&mut ws).await;
    assert!(!fatal, "{message}");
    expect_pong(&mut ws, "the socket answers").await;
    // A frame over the limit is fatal.
    let huge = format!(
        r#"{{"type":"mutate","op_id":"{}","ops":[],"pad":"{}"}}"#,
        Uuid::new_v4(),
        "x".repeat(MAX_FRAME_BYTES)
    );
    assert!(huge.len() > MAX_FRAME_BYTES);
    ws.send_text(&huge).await;
    let (message, fatal) = expect_error(&mut ws).await;
    assert!(fatal, "an oversize frame is fatal: {message}");
    expect_closed(&mut ws).await;

    // A hello in another protocol version, or for another map than the address, is fatal.
    let mut ws = app.map_socket(map, Some(&editor)).await.unwrap();
    ws.send_json(&ClientMsg::Hello {
        map_id: map,
        last_seq: None,
        protocol_version: PROTOCOL_VERSION + 1,
    })
    .await;
    let (message, fatal) = expect_error(&mut ws).await;
    assert!(fatal && message.contains("protocol version"), "{message}");
    expect_closed(&mut ws).await;
    let mut ws = app.map_socket(map, Some(&editor)).await.unwrap();
    let elsewhere = MapId::new();
    ws.send_json(&ClientMsg::Hello {
        map_id: elsewhere,
        last_seq: None,
        protocol_version: PROTOCOL_VERSION,
    })
    .await;
    let (message, fatal) = expect_error(&mut ws).await;
    assert!(fatal, "{message}");
    expect_closed(&mut ws).await;

    // No cookie: 401 before any upgrade.
    let refusal = |map: MapId, cookie: Option<String>| {
        let app = &app;
        async move { app.map_socket(map, cookie.as_deref()).await.err() }
    };
    assert_eq!(refusal(map, None).await, Some(401), "an anonymous upgrade");
    // A bad cookie: 401 as well.
    let forged = Some("cairn_session=forged".into());
    assert_eq!(refusal(map, forged).await, Some(401), "a forged session");
    // A user without any role: 403.
    common::add_outsider(&app.store).await;
    let outsider = Some(app.cookie(common::OUTSIDER).await);
    assert_eq!(
        refusal(map, outsider).await,
        Some(403),
        "a user without a role"
    );
    // A map that does not exist: 404.
    let missing = refusal(MapId::new(), Some(editor.clone())).await;
    assert_eq!(missing, Some(404), "a socket on a missing map");

    // A flood of pings, each sent as soon as the previous answer arrives: far over the rate,
    // so the server pushes back ("slow down"), and after too many strikes closes the socket.
    let (mut flood, _) = app.join(map, &editor, None).await;
    let mut slow_down = 0;
    let mut pongs = 0;
    let mut closed_fatally = false;
    for _ in 0..500 {
        if flood.send(ping()).await.is_err() {
            break;
        }
        match flood.next_map_msg(false, WAIT).await {
            Some(ServerMsg::Pong) => pongs += 1,
            Some(ServerMsg::Error { message, fatal }) => {
                assert!(message.contains("slow down"), "{message}");
                slow_down += 1;
                if fatal {
                    closed_fatally = true;
                    break;
                }
            }
            other => panic!("expected Pong or Error, got {other:?}"),
        }
    }
    assert!(slow_down >= 1, "the flood was pushed back ({pongs} pongs)");
    assert!(pongs >= 1, "pings within the burst are answered");
    assert!(
        closed_fatally,
        "a sustained flood ends the connection ({slow_down} slow-downs)"
    );
    expect_closed(&mut flood).await;

    // A blind flood (500 pings written without reading): the server survives it. (Whether the
    // client reads the slow-down errors here depends on timing, see the report: the server
    // drops the socket without a close handshake, which can reset the connection first.)
    let (flood, _) = app.join(map, &editor, None).await;
    let (mut sink, mut stream) = flood.into_inner().split();
    let sender = tokio::spawn(async move {
        for _ in 0..500 {
            if sink.send(ping()).await.is_err() {
                break;
            }
        }
    });
    loop {
        match tokio::time::timeout(WAIT, stream.next()).await {
            Ok(Some(Ok(Message::Text(_)))) | Ok(Some(Ok(Message::Ping(_)))) => {}
            Ok(Some(Ok(Message::Pong(_)))) | Ok(Some(Ok(Message::Frame(_)))) => {}
            Ok(Some(Ok(Message::Binary(_)))) => panic!("binary frame"),
            Err(_) => panic!("the server did not end the flooding connection"),
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => break,
        }
    }
    sender.await.unwrap();
    let (mut after_flood, _) = app.join(map, &editor, None).await;
    expect_pong(&mut after_flood, "a new connection works").await;
    drop(after_flood);

    // The server is fine: another client commits and the earlier data is intact.
    let (mut other, welcome) = app.join(map, &admin, None).await;
    assert!(count_objectives(snapshot_of(&welcome), kept.id) == 1);
    let later = new_objective(&doc, "Committed after the trouble");
    let seq = commit(&mut other, Uuid::new_v4(), vec![create(&later)]).await;
    let relayed = expect_ops(&mut good).await;
    assert_eq!(relayed.seq, seq);
    let stored = app.store.map_document(map).await.unwrap();
    assert_eq!(count_objectives(&stored, kept.id), 1);
    assert_eq!(count_objectives(&stored, later.id), 1);
    assert_eq!(stored.seq, seq);
});

/// Two instances on one PostgreSQL, each with its own store and a LISTEN/NOTIFY bus.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_a_map() {
    let servers = TestApp::two_instances(&[]).await;
    let map = servers[0].enterprise_map().await.map.id;
    let editor = servers[0].cookie(EDITOR).await;
    let admin = servers[0].cookie(ADMIN).await;
    let (mut one, w1) = servers[0].join(map, &editor, None).await;
    let (mut two, w2) = servers[1].join(map, &admin, None).await;
    assert_eq!(w1.seq, w2.seq);
    let doc = snapshot_of(&w1).clone();

    let o = new_objective(&doc, "Made on instance one");
    let op_id = Uuid::new_v4();
    let seq = commit(&mut one, op_id, vec![create(&o)]).await;
    assert_eq!(seq, w1.seq + 1);
    let batch = expect_ops(&mut two).await;
    assert_eq!((batch.op_id, batch.seq), (op_id, seq));
    assert_eq!(batch.ops, vec![create(&o)]);

    let rename = app::domain::ops::set(
        EntityKind::Objective,
        o.id.0,
        Field::Title,
        "Renamed on instance two",
    );
    let op_id = Uuid::new_v4();
    let seq2 = commit(&mut two, op_id, vec![rename.clone()]).await;
    assert_eq!(seq2, seq + 1);
    let batch = expect_ops(&mut one).await;
    assert_eq!((batch.op_id, batch.seq), (op_id, seq2));
    assert_eq!(batch.ops, vec![rename]);

    // Interleaved edits from both sides keep one order everywhere.
    let mut expected = Vec::new();
    for i in 0..3 {
        let op_id = Uuid::new_v4();
        let (author, observer) = if i % 2 == 0 {
            (&mut one, &mut two)
        } else {
            (&mut two, &mut one)
        };
        let seq = commit(
            author,
            op_id,
            vec![create(&new_objective(&doc, &format!("Ping-pong {i}")))],
        )
        .await;
        let seen = expect_ops(observer).await;
        assert_eq!((seen.op_id, seen.seq), (op_id, seq));
        expected.push(seq);
    }
    assert_eq!(expected, vec![seq2 + 1, seq2 + 2, seq2 + 3]);
    let stored = servers[0].store.map_document(map).await.unwrap();
    assert_eq!(stored.seq, seq2 + 3);
    assert_eq!(title_of(&stored, o.id), "Renamed on instance two");
}

both_databases!(server_functions_reach_live_clients, |db: Db| async move {
    let (app, doc, map, editor, admin) = demo(db).await;
    let (mut ws, welcome) = app.join(map, &admin, None).await;

    let title = "Made through a server function";
    let form = objective_form(&doc, doc.perspectives[0].id, title, 100.0);
    let (status, body) = app.call(Some(&editor), "create_objective", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let stored = app.store.map_document(map).await.unwrap();
    assert!(
        stored.objectives.iter().any(|o| o.title == title),
        "the objective was stored"
    );

    // Server functions write through the hub (`ServerContext::maps`), so the connected client
    // hears of the new objective like any live edit.
    let batch = match ws.next_map_msg(false, WAIT).await {
        Some(ServerMsg::Ops { batch }) => batch,
        Some(other) => panic!("expected Ops, got {other:?}"),
        None => panic!(
            "the live client never heard of the objective created by the server function \
             (map seq in the store: {}, welcome seq: {})",
            app.store.map_seq(map).await.unwrap(),
            welcome.seq
        ),
    };
    assert_eq!(batch.seq, welcome.seq + 1);
    assert_eq!(batch.author, app.user(EDITOR).await.id);
    assert!(
        batch.ops.iter().any(|op| matches!(
            op,
            Op::Create { item: NewEntity::Objective(o) } if o.title == title && o.map_id == map
        )),
        "the batch creates the objective: {batch:?}"
    );
    assert_eq!(app.store.map_seq(map).await.unwrap(), welcome.seq + 1);

    // And the live client can edit what the server function made.
    let made = batch
        .ops
        .iter()
        .find_map(|op| match op {
            Op::Create {
                item: NewEntity::Objective(o),
            } => Some(o.id),
            _ => None,
        })
        .unwrap();
    let rename = app::domain::ops::set(EntityKind::Objective, made.0, Field::Title, "Renamed live");
    commit(&mut ws, Uuid::new_v4(), vec![rename]).await;
});

both_databases!(empty_rooms_are_closed, |db: Db| async move {
    let (app, doc, map, editor, _) = demo(db).await;
    let (mut ws, _) = app.join(map, &editor, None).await;
    commit(
        &mut ws,
        Uuid::new_v4(),
        vec![create(&new_objective(&doc, "Cached in the room"))],
    )
    .await;
    let open = app.state.hub.room(map).await.unwrap();
    ws.close(None).await.unwrap();
    expect_closed(&mut ws).await;
    drop(ws);

    // Regression: `Connection::run` (server/src/ws.rs) must drop its room receiver before
    // `hub.sweep()`, or the room of the last connection to leave is never closed.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    loop {
        let now = app.state.hub.room(map).await.unwrap();
        if !Arc::ptr_eq(&open, &now) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the room was not closed after its last client left"
        );
        drop(now);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
});

// ---------------------------------------------------------------------------------------------
// Group commit.
// ---------------------------------------------------------------------------------------------

/// Reads until `done` says so (presence skipped), returning everything read.
async fn read_until(ws: &mut Socket, mut done: impl FnMut(&[ServerMsg]) -> bool) -> Vec<ServerMsg> {
    let mut got = Vec::new();
    while !done(&got) {
        got.push(ws.recv_map().await);
    }
    got
}

/// The answer (Ack or Reject) to `op_id`, skipping relayed batches of others.
async fn answer_to(ws: &mut Socket, op_id: Uuid) -> ServerMsg {
    loop {
        match ws.recv_map().await {
            ServerMsg::Ops { batch } if batch.op_id != op_id => continue,
            m @ ServerMsg::Ack { op_id: id, .. } | m @ ServerMsg::Reject { op_id: id, .. }
                if id == op_id =>
            {
                return m
            }
            other => panic!("expected the answer to {op_id}, got {other:?}"),
        }
    }
}

fn position(doc: &MapDocument, id: ObjectiveId) -> (f64, f64) {
    let o = doc.objectives.iter().find(|o| o.id == id).unwrap();
    (o.x, o.y)
}

async fn edit_audit_rows(store: &Store, map: MapId) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'edit' AND entity_id = $1")
        .bind(map.to_string())
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get::<i64, _>("n")
        .unwrap()
}

both_databases!(
    concurrent_clients_get_one_dense_order,
    |db: Db| async move {
        let (app, doc, map, _, _) = demo(db).await;
        let before = doc.seq;
        let audit_before = edit_audit_rows(&app.store, map).await;
        const CLIENTS: usize = 8;
        const EACH: usize = 12;
        let mut clients = Vec::new();
        for c in 0..CLIENTS {
            let cookie = app.cookie(if c % 2 == 0 { EDITOR } else { ADMIN }).await;
            clients.push(app.join(map, &cookie, None).await.0);
        }
        let groups_before = app.state.hub.stats();

        // Every client fires its batches without waiting: moves (several clients move the same
        // objectives) and some creates.
        let mut mine: Vec<Vec<(Uuid, Vec<Op>)>> = Vec::new();
        for (c, ws) in clients.iter_mut().enumerate() {
            let mut sent = Vec::new();
            for k in 0..EACH {
                let ops = if k % 4 == 3 {
                    vec![create(&new_objective(&doc, &format!("Made by {c} #{k}")))]
                } else {
                    let target = doc.objectives[(c + k) % 4].id;
                    vec![app::domain::ops::set(
                        EntityKind::Objective,
                        target.0,
                        Field::Position,
                        app::domain::ops::Position {
                            x: (c * 100 + k) as f64,
                            y: k as f64,
                        },
                    )]
                };
                let op_id = Uuid::new_v4();
                mutate(ws, op_id, ops.clone()).await;
                sent.push((op_id, ops));
            }
            mine.push(sent);
        }

        // Each client sees every batch exactly once — its own as acks, the others' as ops — in
        // strictly increasing sequence order, with no gap.
        let total = CLIENTS * EACH;
        let mut by_op: std::collections::HashMap<Uuid, i64> = std::collections::HashMap::new();
        for (c, ws) in clients.iter_mut().enumerate() {
            let got = read_until(ws, |got| got.len() == total).await;
            let mut seqs = Vec::new();
            for msg in &got {
                let (op_id, seq, own) = match msg {
                    ServerMsg::Ack { op_id, seq } => (*op_id, *seq, true),
                    ServerMsg::Ops { batch } => (batch.op_id, batch.seq, false),
                    other => panic!("client {c}: expected Ack or Ops, got {other:?}"),
                };
                assert_eq!(
                    own,
                    mine[c].iter().any(|(id, _)| *id == op_id),
                    "client {c}: its own batches come as acks, others' as ops"
                );
                if let Some(prev) = by_op.insert(op_id, seq) {
                    assert_eq!(prev, seq, "every client sees the same sequence for a batch");
                }
                seqs.push(seq);
            }
            let expected: Vec<i64> = (before + 1..=before + total as i64).collect();
            assert_eq!(seqs, expected, "client {c}: in order, dense, each once");
        }
        assert_eq!(by_op.len(), total);

        // The op log holds each batch once at its sequence; the tables and the audit agree.
        let log = app.store.batches_since(map, before).await.unwrap();
        assert_eq!(log.len(), total);
        for b in &log {
            assert_eq!(by_op.get(&b.op_id), Some(&b.seq));
            let sent = mine
                .iter()
                .flatten()
                .find(|(id, _)| *id == b.op_id)
                .unwrap();
            assert_eq!(b.ops, sent.1);
        }
        let stored = app.store.map_document(map).await.unwrap();
        assert_eq!(stored.seq, before + total as i64);
        let mut replayed = doc.clone();
        for b in &log {
            app::domain::ops::apply_all(&mut replayed, &b.ops).unwrap();
        }
        for o in &replayed.objectives {
            assert_eq!(
                position(&stored, o.id),
                (o.x, o.y),
                "the last move in sequence order wins in the tables"
            );
        }
        assert_eq!(stored.objectives.len(), replayed.objectives.len());
        assert_eq!(
            edit_audit_rows(&app.store, map).await - audit_before,
            total as i64,
            "one audit row per batch"
        );
        let stats = app.state.hub.stats();
        assert_eq!(stats.batches - groups_before.batches, total as u64);
    }
);

/// Holds the map's write lock (its row in `maps`) until dropped or committed, so the room's
/// committer blocks on its current group and everything sent meanwhile queues for the next.
async fn hold_map_lock(store: &Store, map: MapId) -> sqlx::Transaction<'static, sqlx::Any> {
    let mut tx = store.begin().await.unwrap();
    sqlx::query("UPDATE maps SET seq = seq WHERE id = $1")
        .bind(map.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx
}

both_databases!(
    a_group_skips_a_rejected_batch_and_a_duplicate,
    |db: Db| async move {
        let (app, doc, map, _, _) = demo(db).await;
        let s = doc.seq;
        let editor = app.cookie(EDITOR).await;
        let admin = app.cookie(ADMIN).await;
        let (mut x, _) = app.join(map, &editor, None).await;
        let (mut a, _) = app.join(map, &editor, None).await;
        let (mut b, _) = app.join(map, &admin, None).await;
        let (mut c, _) = app.join(map, &editor, None).await;
        let (mut d, _) = app.join(map, &admin, None).await;
        let (mut watcher, _) = app.join(map, &admin, None).await;
        let target = doc.objectives[0].id;

        // x's batch starts a group that waits for the lock; the next four queue behind it.
        let lock = hold_map_lock(&app.store, map).await;
        let first = Uuid::new_v4();
        let nudge = app::domain::ops::set(
            EntityKind::Objective,
            target.0,
            Field::Position,
            app::domain::ops::Position { x: 5.0, y: 6.0 },
        );
        mutate(&mut x, first, vec![nudge]).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let stats_before = app.state.hub.stats();

        let o1 = new_objective(&doc, "First in the group");
        let o2 = new_objective(&doc, "Last in the group");
        let good = Uuid::new_v4();
        let bad = Uuid::new_v4();
        let later = Uuid::new_v4();
        mutate(&mut a, good, vec![create(&o1)]).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        let blank = app::domain::ops::set(EntityKind::Objective, o1.id.0, Field::Title, " ");
        mutate(&mut b, bad, vec![blank]).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        // The same op_id again from another connection (a resend after a reconnect, say).
        mutate(&mut c, good, vec![create(&o1)]).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        // Depends on the first batch of the group (links to its objective).
        let link = Link::new(map, o1.id, o2.id).with_hypothesis("Because");
        mutate(
            &mut d,
            later,
            vec![create(&o2), Op::Link { link: link.clone() }],
        )
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        lock.commit().await.unwrap();

        assert_eq!(expect_ack(&mut x, first).await, s + 1);
        assert_eq!(
            answer_to(&mut a, good).await,
            ServerMsg::Ack {
                op_id: good,
                seq: s + 2
            }
        );
        match answer_to(&mut b, bad).await {
            ServerMsg::Reject { reason, .. } => {
                assert!(
                    reason.contains("Title"),
                    "the reject names its reason: {reason}"
                )
            }
            other => panic!("expected a reject, got {other:?}"),
        }
        assert_eq!(
            answer_to(&mut c, good).await,
            ServerMsg::Ack {
                op_id: good,
                seq: s + 2
            },
            "the duplicate is acked with the original sequence"
        );
        assert_eq!(
            answer_to(&mut d, later).await,
            ServerMsg::Ack {
                op_id: later,
                seq: s + 3
            }
        );

        // Everyone else hears each committed batch once, in order, and nothing of the rest.
        let seen: Vec<(i64, Uuid)> = [
            expect_ops(&mut watcher).await,
            expect_ops(&mut watcher).await,
            expect_ops(&mut watcher).await,
        ]
        .iter()
        .map(|b| (b.seq, b.op_id))
        .collect();
        assert_eq!(seen, vec![(s + 1, first), (s + 2, good), (s + 3, later)]);
        expect_silence(&mut watcher, Duration::from_millis(300)).await;

        // The four queued batches were one group (one transaction).
        let stats = app.state.hub.stats();
        assert_eq!(
            (
                stats.groups - stats_before.groups,
                stats.batches - stats_before.batches
            ),
            (1, 4),
            "one group of four"
        );
        assert_eq!(app.store.map_seq(map).await.unwrap(), s + 3);
        let stored = app.store.map_document(map).await.unwrap();
        assert_eq!(count_objectives(&stored, o1.id), 1, "applied once");
        assert_eq!(
            stored
                .objectives
                .iter()
                .find(|o| o.id == o1.id)
                .unwrap()
                .title,
            "First in the group",
            "the rejected batch changed nothing"
        );
        assert!(stored.links.iter().any(|l| l.id == link.id));
        assert_eq!(app.store.batches_since(map, s).await.unwrap().len(), 3);
    }
);

both_databases!(store_commit_group_outcomes, |db: Db| async move {
    use app::store::{CommitError, Submission};
    common::load_demo(&db.store).await;
    let doc = common::enterprise_map(&db.store).await;
    let map = doc.map.id;
    let author = common::user_id(&db.store, EDITOR).await;
    let s = doc.seq;
    let sub = |op_id: Uuid, ops: Vec<Op>| Submission { op_id, author, ops };

    // One batch committed before the group, resent inside it.
    let early = Uuid::new_v4();
    let o0 = new_objective(&doc, "Committed earlier");
    let out = db
        .store
        .commit_group(map, vec![sub(early, vec![create(&o0)])], Some(doc.clone()))
        .await
        .unwrap();
    assert_eq!(out.results[0].as_ref().unwrap().committed.seq, s + 1);
    let stale = doc.clone();

    let o1 = new_objective(&doc, "New in the group");
    let a = Uuid::new_v4();
    let bad = Uuid::new_v4();
    let c = Uuid::new_v4();
    let move_o0 = app::domain::ops::set(
        EntityKind::Objective,
        o0.id.0,
        Field::Position,
        app::domain::ops::Position { x: 1.0, y: 120.0 },
    );
    let group = vec![
        sub(a, vec![create(&o1)]),
        sub(bad, vec![create(&o1)]),
        sub(early, vec![create(&o0)]),
        sub(a, vec![create(&o1)]),
        sub(c, vec![move_o0]),
    ];
    // The cache given is stale (it predates `early`): the store notices and re-reads.
    let out = db
        .store
        .commit_group(map, group, Some(stale))
        .await
        .unwrap();
    let r = &out.results;
    let ok = |i: usize| r[i].as_ref().unwrap();
    assert_eq!((ok(0).committed.seq, ok(0).duplicate), (s + 2, false));
    assert!(
        matches!(
            &r[1],
            Err(CommitError::Rejected(app::domain::ops::OpError::Duplicate))
        ),
        "the same objective twice is refused alone: {:?}",
        r[1]
    );
    assert_eq!((ok(2).committed.seq, ok(2).duplicate), (s + 1, true));
    assert_eq!(ok(2).committed.ops, vec![create(&o0)]);
    assert_eq!((ok(3).committed.seq, ok(3).duplicate), (s + 2, true));
    assert_eq!(
        (ok(4).committed.seq, ok(4).duplicate),
        (s + 3, false),
        "a batch on what was committed just before the stale cache applies"
    );
    for i in [0, 2, 3, 4] {
        let text: Vec<Op> = serde_json::from_str(&ok(i).ops_json).unwrap();
        assert_eq!(text, ok(i).committed.ops, "the op-log JSON is the batch");
    }
    assert_eq!(out.doc.seq, s + 3);
    let stored = db.store.map_document(map).await.unwrap();
    assert_eq!(stored.seq, s + 3);
    let sorted = |d: &MapDocument| {
        let mut o = d.objectives.clone();
        o.sort_by_key(|o| o.id);
        o
    };
    assert_eq!(
        sorted(&stored),
        sorted(&out.doc),
        "the returned document is the stored one"
    );
    assert_eq!(position(&stored, o0.id), (1.0, 120.0));
    let log = db.store.batches_since(map, s).await.unwrap();
    assert_eq!(
        log.iter().map(|b| (b.seq, b.op_id)).collect::<Vec<_>>(),
        vec![(s + 1, early), (s + 2, a), (s + 3, c)]
    );

    // A group of nothing but rejects and resends writes nothing.
    let out = db
        .store
        .commit_group(
            map,
            vec![sub(Uuid::new_v4(), vec![create(&o1)]), sub(c, vec![])],
            Some(out.doc),
        )
        .await
        .unwrap();
    assert!(out.results[0].is_err());
    assert!(out.results[1].as_ref().unwrap().duplicate);
    assert_eq!(db.store.map_seq(map).await.unwrap(), s + 3);
});

both_databases!(restart_under_load_loses_nothing, |db: Db| async move {
    let (app, doc, map, _, _) = demo(db).await;
    let start = doc.seq;
    const CLIENTS: usize = 4;
    const EACH: usize = 30;
    let mut sent: Vec<Vec<(Uuid, Objective)>> = Vec::new();
    let mut acked: std::collections::HashMap<Uuid, i64> = std::collections::HashMap::new();
    let mut cookies = Vec::new();
    let mut sockets = Vec::new();
    for c in 0..CLIENTS {
        let cookie = app.cookie(if c % 2 == 0 { EDITOR } else { ADMIN }).await;
        sockets.push(app.join(map, &cookie, None).await.0);
        cookies.push(cookie);
    }
    // Everyone fires all its batches; each reads only the first third of its acks and then
    // drops its connection, with batches still queued or committing.
    for (c, ws) in sockets.iter_mut().enumerate() {
        let mut mine = Vec::new();
        for k in 0..EACH {
            let o = new_objective(&doc, &format!("Client {c} edit {k}"));
            let op_id = Uuid::new_v4();
            mutate(ws, op_id, vec![create(&o)]).await;
            mine.push((op_id, o));
        }
        sent.push(mine);
    }
    for ws in sockets.iter_mut() {
        let mut n = 0;
        while n < EACH / 3 {
            if let ServerMsg::Ack { op_id, seq } = ws.recv_map().await {
                acked.insert(op_id, seq);
                n += 1;
            }
        }
    }
    drop(sockets);

    // After the restart every acknowledged batch is there at its sequence…
    let app = app.restart().await;
    let store = app.store.clone();
    let log = store.batches_since(map, start).await.unwrap();
    let seqs: Vec<i64> = log.iter().map(|b| b.seq).collect();
    assert_eq!(
        seqs,
        (start + 1..=start + log.len() as i64).collect::<Vec<_>>(),
        "dense"
    );
    for (op_id, seq) in &acked {
        assert!(
            log.iter().any(|b| b.op_id == *op_id && b.seq == *seq),
            "acked {op_id} at {seq} survived"
        );
    }
    // …and every client resends all it has not seen acked (as the browser does): each is
    // acked, those committed before the restart with their original sequence.
    for (c, mine) in sent.iter().enumerate() {
        let (mut ws, _) = app.join(map, &cookies[c], Some(start)).await;
        for (op_id, o) in mine.iter().filter(|(id, _)| !acked.contains_key(id)) {
            let seq = commit(&mut ws, *op_id, vec![create(o)]).await;
            if let Some(b) = log.iter().find(|b| b.op_id == *op_id) {
                assert_eq!(
                    seq, b.seq,
                    "a batch committed before the restart keeps its sequence"
                );
            }
        }
    }
    let stored = store.map_document(map).await.unwrap();
    for (_, o) in sent.iter().flatten() {
        assert_eq!(
            count_objectives(&stored, o.id),
            1,
            "{} exists once",
            o.title
        );
    }
    assert_eq!(stored.seq, start + (CLIENTS * EACH) as i64);
    assert_eq!(
        store.batches_since(map, start).await.unwrap().len(),
        CLIENTS * EACH,
        "each batch is in the op log once"
    );
});

/// A measure of `objective` with a client-made id.
fn new_measure(objective: ObjectiveId, name: &str) -> Measure {
    Measure::new(objective, name).with_unit("%", 0)
}

both_databases!(
    an_id_of_another_map_is_refused_even_after_its_item_is_gone,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let top = app.enterprise_map().await;
        let (_, unit_summary) = app
            .store
            .map_summaries()
            .await
            .unwrap()
            .into_iter()
            .find(|(_, m)| m.name.starts_with("Managed"))
            .unwrap();
        let (mut ent, _) = app.join(top.map.id, &admin, None).await;
        let (mut unit, welcome) = app.join(unit_summary.id, &admin, None).await;
        let unit_doc = snapshot_of(&welcome).clone();

        // A measure with history on the enterprise map, then deleted: its actuals stay (undo
        // brings the measure back with them).
        let m = new_measure(top.objectives[0].id, "Renewal rate (id test)");
        let create_m = Op::Create {
            item: NewEntity::Measure(m.clone()),
        };
        commit(&mut ent, Uuid::new_v4(), vec![create_m.clone()]).await;
        let delete_m = Op::Delete {
            entity: EntityKind::Measure,
            id: m.id.0,
        };
        commit(&mut ent, Uuid::new_v4(), vec![delete_m.clone()]).await;

        // Re-creating that id on the unit map, or taking ids the enterprise map uses now, is
        // refused with a specific reason, and the unit map does not change.
        let unit_seq = app.store.map_seq(unit_doc.map.id).await.unwrap();
        let stolen_measure = Measure {
            objective_id: unit_doc.objectives[0].id,
            ..m.clone()
        };
        let stolen_objective = Objective {
            id: top.objectives[1].id,
            ..new_objective(&unit_doc, "Borrowed id")
        };
        let stolen_link = Link::new(
            unit_doc.map.id,
            unit_doc.objectives[0].id,
            unit_doc.objectives[1].id,
        )
        .with_id(top.links[0].id);
        let stolen_perspective =
            Perspective::new(unit_doc.map.id, "Borrowed", 9).with_id(top.perspectives[0].id);
        for ops in [
            vec![Op::Create {
                item: NewEntity::Measure(stolen_measure),
            }],
            vec![create(&stolen_objective)],
            vec![Op::Link { link: stolen_link }],
            vec![Op::Create {
                item: NewEntity::Perspective(stolen_perspective),
            }],
        ] {
            let op_id = Uuid::new_v4();
            mutate(&mut unit, op_id, ops).await;
            let reason = expect_reject(&mut unit, op_id).await;
            assert!(
                reason.contains("already used on another map"),
                "a specific reason: {reason}"
            );
        }
        assert_eq!(app.store.map_seq(unit_doc.map.id).await.unwrap(), unit_seq);
        let after = app.store.map_document(unit_doc.map.id).await.unwrap();
        assert!(after.measures.iter().all(|x| x.id != m.id));
        assert!(after
            .objectives
            .iter()
            .all(|x| x.id != top.objectives[1].id));

        // On its own map the id is still good: undoing the delete re-creates the measure.
        commit(&mut ent, Uuid::new_v4(), vec![create_m]).await;
        let back = app.store.map_document(top.map.id).await.unwrap();
        assert!(back.measures.iter().any(|x| x.id == m.id));
    }
);

both_databases!(slow_headers_are_cut_but_sockets_stay, |db: Db| async move {
    common::load_demo(&db.store).await;
    let app = TestApp::setup(db).var("CAIRN_HEADER_TIMEOUT", "1");
    let app = app.start().await;
    let addr = app.addr;
    let map = app.enterprise_map().await.map.id;
    let editor = app.cookie(EDITOR).await;

    // A live socket opened first outlasts the header timeout.
    let (mut ws, _) = app.join(map, &editor, None).await;

    // Half a request line, then nothing: the server hangs up.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HT").await.unwrap();
    let mut buf = [0u8; 512];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), slow.read(&mut buf)).await {
            Err(_) => panic!("the server kept a stalled request open"),
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(_)) => continue,
        }
    }

    // The socket is still live, long after the header timeout.
    expect_pong(&mut ws, "the socket answers").await;
    // And a prompt client is served.
    let mut quick = TcpStream::connect(addr).await.unwrap();
    quick
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(WAIT, quick.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
});

/// The status of an upgrade of the map socket sent with `origin`, or 101 when it went ahead.
async fn upgrade_status(app: &TestApp, map: MapId, cookie: &str, origin: &str) -> u16 {
    let upgrade = app.upgrade(&format!("/ws/maps/{map}"));
    match upgrade.cookie(cookie).origin(origin).open().await {
        Ok(_) => 101,
        Err(status) => status,
    }
}

both_databases!(only_the_sites_own_pages_open_sockets, |db: Db| async move {
    let (app, _, map, editor, _) = demo(db).await;
    let own = format!("http://{}", app.addr);
    assert_eq!(upgrade_status(&app, map, &editor, &own).await, 101);
    for foreign in [
        "http://evil.example",
        "https://evil.example",
        &format!("http://{}.evil.example", app.addr),
        "null",
    ] {
        assert_eq!(
            upgrade_status(&app, map, &editor, foreign).await,
            403,
            "{foreign}"
        );
    }
    // Programs send no Origin at all, and are let in (with a session).
    app.join(map, &editor, None).await;

    // Behind a proxy: the configured public address is the site's own as well.
    let proxied =
        TestApp::setup(app.db.clone()).var("CAIRN_PUBLIC_URL", "https://cairn.example.com/");
    let proxied = proxied.start().await;
    let public = "https://cairn.example.com";
    assert_eq!(upgrade_status(&proxied, map, &editor, public).await, 101);
    assert_eq!(
        upgrade_status(&proxied, map, &editor, "https://cairn.example.org").await,
        403
    );
});

/// Whether every objective of `doc` is drawn wholly inside its perspective's band.
fn boxes_in_their_bands(doc: &MapDocument) -> bool {
    use app::domain::layout::{self, Frame, BOX_HEIGHT};
    let frame = Frame::of(&doc.perspectives, &doc.themes);
    doc.objectives.iter().all(|o| {
        layout::band_of(&doc.perspectives, o.perspective_id).is_some_and(|band| {
            let r = frame.band(band);
            o.y - BOX_HEIGHT / 2.0 >= r.y && o.y + BOX_HEIGHT / 2.0 <= r.y + r.h
        })
    })
}

both_databases!(
    positions_and_perspectives_never_disagree,
    |db: Db| async move {
        use app::domain::layout::{Frame, BAND_HEIGHT, HEADER_HEIGHT};
        let (app, doc, map, _, _) = demo(db).await;
        let frame = Frame::of(&doc.perspectives, &doc.themes);
        let middle = |band: usize| HEADER_HEIGHT + BAND_HEIGHT * (band as f64 + 0.5);
        let editor = app.cookie(EDITOR).await;
        assert!(
            boxes_in_their_bands(&doc),
            "the demo draws every box in its band"
        );

        // A Customer objective sent with a position in the Learning & Growth band.
        let (customer, learning) = (doc.perspectives[1].id, doc.perspectives[3].id);
        let form = objective_form(&doc, customer, "Misplaced", middle(3));
        let (status, body) = app.call(Some(&editor), "create_objective", &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let answered: Objective = body.parse();
        assert_eq!(answered.perspective_id, customer);
        assert_eq!(
            frame.band_at(answered.y),
            1,
            "the answer shows it in its band"
        );
        let stored = app.store.objective(answered.id).await.unwrap();
        assert_eq!(stored, answered);

        // Live: a move into another band takes the objective to that perspective (the canvas
        // drop), a perspective change moves the box into the new band.
        let (mut ws, _) = app.join(map, &editor, None).await;
        let to_learning = app::domain::ops::set(
            EntityKind::Objective,
            stored.id.0,
            Field::Position,
            app::domain::ops::Position {
                x: 320.0,
                y: middle(3),
            },
        );
        commit(&mut ws, Uuid::new_v4(), vec![to_learning]).await;
        let moved = app.store.objective(stored.id).await.unwrap();
        assert_eq!((moved.perspective_id, moved.y), (learning, middle(3)));
        let to_financial = app::domain::ops::set(
            EntityKind::Objective,
            stored.id.0,
            Field::Perspective,
            doc.perspectives[0].id,
        );
        commit(&mut ws, Uuid::new_v4(), vec![to_financial]).await;
        let moved = app.store.objective(stored.id).await.unwrap();
        assert_eq!(
            (moved.perspective_id, moved.y),
            (doc.perspectives[0].id, middle(0))
        );
        // Reordering the bands moves every box with its band, in the tables too.
        let swap = vec![
            app::domain::ops::set(
                EntityKind::Perspective,
                doc.perspectives[0].id.0,
                Field::Rank,
                doc.perspectives[1].rank,
            ),
            app::domain::ops::set(
                EntityKind::Perspective,
                doc.perspectives[1].id.0,
                Field::Rank,
                doc.perspectives[0].rank,
            ),
        ];
        commit(&mut ws, Uuid::new_v4(), swap).await;
        let reloaded = app.store.map_document(map).await.unwrap();
        assert_eq!(reloaded.perspectives[0].id, customer);
        assert!(boxes_in_their_bands(&reloaded));
    }
);

both_databases!(presence_is_bounded_and_coalesced, |db: Db| async move {
    use app::domain::ops::{Position, PresenceState, MAX_PRESENCE_SELECTION};
    let (app, _, map, editor, _) = demo(db).await;
    let viewer = app.cookie(VIEWER).await;
    let (mut flooder, me) = app.join(map, &viewer, None).await;
    let (mut watcher, _) = app.join(map, &editor, None).await;
    let at = |x: f64| PresenceState {
        cursor: Some(app::domain::ops::Position { x, y: 0.0 }),
        ..PresenceState::default()
    };

    // A selection over the limit is refused (not fatal) and never reaches the room.
    let huge = PresenceState {
        cursor: Some(Position { x: -1.0, y: 0.0 }),
        selection: (0..=MAX_PRESENCE_SELECTION)
            .map(|_| ObjectiveId::new())
            .collect(),
        ..PresenceState::default()
    };
    flooder
        .send_json(&ClientMsg::Presence { state: huge })
        .await;
    let (message, fatal) = expect_error(&mut flooder).await;
    assert!(
        !fatal && message.contains("selected objectives"),
        "{message}"
    );
    // So is a cursor beyond the map.
    flooder
        .send_json(&ClientMsg::Presence {
            state: at(f64::MAX),
        })
        .await;
    let (message, fatal) = expect_error(&mut flooder).await;
    assert!(!fatal && message.contains("cursor"), "{message}");

    // A burst of 100 cursor moves: the room hears a few, the last one among them.
    for i in 0..100 {
        flooder
            .send_json(&ClientMsg::Presence {
                state: at(i as f64),
            })
            .await;
    }
    let mut heard = Vec::new();
    loop {
        match watcher
            .next_map_msg(true, WAIT)
            .await
            .expect("no message within 5 s")
        {
            ServerMsg::Presence { peer } if peer.peer_id == me.you => {
                let x = peer.state.cursor.map(|c| c.x);
                assert_ne!(x, Some(-1.0), "a refused presence was relayed");
                assert!(
                    peer.state.cursor.is_none_or(|c| c.x.abs() < 1.0e6),
                    "a refused presence was relayed"
                );
                heard.push(x);
                if x == Some(99.0) {
                    break;
                }
            }
            ServerMsg::Presence { .. } | ServerMsg::Left { .. } => {}
            other => panic!("expected presence, got {other:?}"),
        }
    }
    assert!(
        heard.len() < 50,
        "100 moves sent at once were relayed {} times",
        heard.len()
    );
    // The flooder is still connected and in the roster with its latest cursor.
    expect_pong(&mut flooder, "the socket answers").await;
    let (_, late) = app.join(map, &editor, None).await;
    let mine = late.roster.iter().find(|p| p.peer_id == me.you).unwrap();
    assert_eq!(mine.state.cursor, Some(Position { x: 99.0, y: 0.0 }));
});

both_databases!(
    a_client_that_stops_reading_is_dropped,
    |db: Db| async move {
        let (app, doc, map, editor, admin) = demo(db).await;
        let viewer = app.cookie(VIEWER).await;

        // A client with a small receive buffer that says hello and then never reads.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let stream = socket.connect(app.addr).await.unwrap();
        let req = app.upgrade(&format!("/ws/maps/{map}")).cookie(&viewer);
        let opened =
            tokio_tungstenite::client_async(req.into_request(), MaybeTlsStream::Plain(stream));
        let mut stalled = Socket::new(opened.await.unwrap().0);
        stalled.hello(map, None).await;

        let (mut watcher, _) = app.join(map, &admin, None).await;
        let (mut writer, _) = app.join(map, &editor, None).await;
        let room = app.state.hub.room(map).await.unwrap();
        assert_eq!(room.listeners(), 3);

        // Edits of about 40 kB each until the server gives up on the stalled client; the
        // watcher hears every one of them, in order.
        let text = "x".repeat(3900);
        let mut sent = 0;
        while room.listeners() == 3 {
            assert!(sent < 2000, "a client that never reads was never dropped");
            if sent >= 100 {
                // Stay under the per-connection message rate (60 a second after a burst).
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let ops = doc
                .objectives
                .iter()
                .take(10)
                .map(|o| {
                    app::domain::ops::set(
                        EntityKind::Objective,
                        o.id.0,
                        Field::Description,
                        format!("{sent} {text}"),
                    )
                })
                .collect();
            let op_id = Uuid::new_v4();
            let seq = commit(&mut writer, op_id, ops).await;
            let seen = expect_ops(&mut watcher).await;
            assert_eq!((seen.op_id, seen.seq), (op_id, seq));
            sent += 1;
        }
        assert_eq!(room.listeners(), 2, "only the stalled client was dropped");

        // When it reads at last, it finds edits it was sent, then the reason, then the end
        // (never an invitation to resync on the same connection).
        let mut told = false;
        for text in stalled.until_closed(Duration::from_secs(30)).await.texts {
            match serde_json::from_str(&text).unwrap() {
                ServerMsg::Error { message, fatal } => {
                    assert!(
                        fatal && message.contains("fell too far behind"),
                        "{message}"
                    );
                    told = true;
                }
                ServerMsg::Ops { .. } | ServerMsg::Presence { .. } | ServerMsg::Left { .. } => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(told, "the client was told why");

        // Everyone else carries on, and the dropped client catches up by reconnecting.
        let o = new_objective(&doc, "After the slow reader left");
        let op_id = Uuid::new_v4();
        let seq = commit(&mut writer, op_id, vec![create(&o)]).await;
        assert_eq!(expect_ops(&mut watcher).await.seq, seq);
        let (_, back) = app.join(map, &viewer, Some(seq - 1)).await;
        assert_eq!(back.seq, seq);
    }
);

/// Waits (up to 20 s: a change made behind the app's back is noticed by the sockets' periodic
/// check) for the server to end a socket with a fatal error; returns its message.
async fn expect_ended(ws: &mut Socket) -> String {
    let closed = ws.until_closed(Duration::from_secs(20)).await;
    if let Ending::Close(frame) = closed.ending {
        let frame = frame.expect("the close frame says why");
        assert_eq!(u16::from(frame.code), 1008, "{frame:?}");
    }
    let mut told = None;
    for text in closed.texts {
        match serde_json::from_str(&text).unwrap() {
            ServerMsg::Error {
                message,
                fatal: true,
            } => told = Some(message),
            msg if is_presence(&msg) => {}
            other => panic!("expected the socket to end, got {other:?}"),
        }
    }
    told.expect("the client was told why")
}

/// Serves the database with sockets that check their session and role every `recheck` seconds
/// when nothing was announced.
async fn with_recheck(db: &Db, recheck: &str) -> TestApp {
    let setup = TestApp::setup(db.clone()).var("CAIRN_SOCKET_RECHECK", recheck);
    setup.start().await
}

both_databases!(sockets_close_when_access_ends, |db: Db| async move {
    common::load_demo(&db.store).await;
    let doc = common::enterprise_map(&db.store).await;
    let map = doc.map.id;
    let unit = doc.map.org_unit_id;

    // Signing out ends that session's socket, and no other session's. The periodic check
    // is set to an hour here: what closes the socket is the sign-out's announcement.
    let app = with_recheck(&db, "3600").await;
    let signed_out = app.cookie(EDITOR).await;
    let other_tab = app.cookie(EDITOR).await;
    let (mut a, _) = app.join(map, &signed_out, None).await;
    let (mut b, _) = app.join(map, &other_tab, None).await;
    app.sign_out(&signed_out).await;
    let message = expect_ended(&mut a).await;
    assert!(message.contains("session has ended"), "{message}");
    expect_pong(&mut b, "the other session stays").await;
    drop(b);
    app.stop();

    // Changes the app does not announce (a membership deleted in the database, an
    // expiring session) are caught by the periodic check.
    let app = with_recheck(&db, "1").await;
    let viewer = app.cookie(VIEWER).await;
    let (mut v, _) = app.join(map, &viewer, None).await;
    let (mut b, _) = app.join(map, &other_tab, None).await;
    let mut tx = app.store.begin().await.unwrap();
    sqlx::query("DELETE FROM memberships WHERE user_id = $1")
        .bind(app.user(VIEWER).await.id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let message = expect_ended(&mut v).await;
    assert!(message.contains("no longer have a role"), "{message}");
    assert!(
        app.map_socket(map, Some(&viewer)).await.is_err(),
        "and cannot come back"
    );

    // An editor made a viewer: the socket closes, and the client comes back read-only.
    app.store
        .grant_role(app.user(EDITOR).await.id, unit, Role::Viewer)
        .await
        .unwrap();
    let message = expect_ended(&mut b).await;
    assert!(message.contains("role here changed"), "{message}");
    let (_, back) = app.join(map, &other_tab, None).await;
    assert!(!back.can_edit);

    // A session that expires ends its socket.
    let admin = app.user(ADMIN).await.id;
    let short = common::session_cookie(&app.store, admin, app::auth::now_seconds() + 2).await;
    let (mut s, _) = app.join(map, &short, None).await;
    let message = expect_ended(&mut s).await;
    assert!(message.contains("session has ended"), "{message}");
});

/// Signing out on one instance ends the session's socket on another (PostgreSQL
/// LISTEN/NOTIFY).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_reaches_every_instance() {
    // No periodic check within the test's time: only the announcement can close the socket.
    let servers = TestApp::two_instances(&[("CAIRN_SOCKET_RECHECK", "3600")]).await;
    let map = servers[0].enterprise_map().await.map.id;
    let editor = servers[0].cookie(EDITOR).await;
    let (mut ws, _) = servers[1].join(map, &editor, None).await;
    servers[0].sign_out(&editor).await;
    let message = expect_ended(&mut ws).await;
    assert!(message.contains("session has ended"), "{message}");
}

both_databases!(
    an_alignment_is_a_live_edit_and_the_parent_map_hears_of_it,
    |db: Db| async move {
        let (app, top, top_id, editor, _) = demo(db).await;
        let unit_map = common::map_of_unit(&app.store, "Managed Services").await;
        let unit_id = unit_map.map.id;
        let viewer = app.cookie(VIEWER).await;
        let (mut parent_screen, _) = app.join(top_id, &editor, None).await;
        let (mut unit_screen, _) = app.join(unit_id, &editor, None).await;
        let (mut watcher, _) = app.join(unit_id, &viewer, None).await;

        let own = unit_map.objectives[0].id;
        // A top objective it does not support yet.
        let parent = app::domain::cascade::candidates(&unit_map, own)[0].id;
        assert_eq!(top.objectives.iter().filter(|o| o.id == parent).count(), 1);
        let alignment = Alignment::new(own, parent);
        let align = vec![Op::Align {
            alignment: alignment.clone(),
        }];

        // A viewer cannot align; nothing is relayed.
        let refused = Uuid::new_v4();
        mutate(&mut watcher, refused, align.clone()).await;
        expect_reject(&mut watcher, refused).await;

        // The editor's alignment: acknowledged, relayed to the unit map's other screens, and
        // the parent map's screens are told to read their cascade again.
        let op_id = Uuid::new_v4();
        commit(&mut unit_screen, op_id, align).await;
        let relayed = expect_ops(&mut watcher).await;
        assert_eq!(
            relayed.ops,
            vec![Op::Align {
                alignment: alignment.clone()
            }]
        );
        assert_eq!(
            parent_screen.recv_map().await,
            ServerMsg::CascadeChanged { map_id: top_id }
        );
        // What a fresh snapshot of the parent map shows now.
        let fresh = app.store.map_document(top_id).await.unwrap();
        assert!(fresh
            .supporters
            .iter()
            .any(|s| s.objective_id == own && s.parent_objective_id == parent));

        // Undone as an ordinary edit: gone again, and the parent hears of that too.
        commit(
            &mut unit_screen,
            Uuid::new_v4(),
            vec![Op::Unalign { id: alignment.id }],
        )
        .await;
        expect_ops(&mut watcher).await;
        assert_eq!(
            parent_screen.recv_map().await,
            ServerMsg::CascadeChanged { map_id: top_id }
        );
        let doc = app.store.map_document(unit_id).await.unwrap();
        assert_eq!(doc.alignments, unit_map.alignments);
    }
);

both_databases!(
    a_deleted_parent_objective_leaves_its_alignments_lost_until_undone,
    |db: Db| async move {
        let (app, top, top_id, editor, _) = demo(db).await;
        let unit_map = common::map_of_unit(&app.store, "Managed Services").await;
        let unit_id = unit_map.map.id;
        let (mut parent_screen, _) = app.join(top_id, &editor, None).await;
        let (mut unit_screen, _) = app.join(unit_id, &editor, None).await;
        let kept = unit_map.alignments[0].clone();
        let delete = Op::Delete {
            entity: app::domain::ops::EntityKind::Objective,
            id: kept.parent_objective_id.0,
        };
        let undo = app::domain::ops::inverse(&top, &delete);

        // Deleted on the parent map: the unit map's screens are told, and its document shows
        // the alignment as lost (no dangling alignment, no parent title).
        commit(&mut parent_screen, Uuid::new_v4(), vec![delete]).await;
        assert_eq!(
            unit_screen.recv_map().await,
            ServerMsg::CascadeChanged { map_id: unit_id }
        );
        let doc = app.store.map_document(unit_id).await.unwrap();
        assert!(doc.alignments.iter().all(|a| a.id != kept.id));
        assert_eq!(doc.lost_alignments.len(), 1);
        let lost = &doc.lost_alignments[0];
        assert_eq!(
            (lost.id, lost.unit_objective_id, lost.parent_objective_id),
            (kept.id, kept.unit_objective_id, kept.parent_objective_id)
        );
        assert_eq!(lost.note, kept.note);
        assert_eq!(
            app::domain::cascade::lost_of(&doc, kept.unit_objective_id).len(),
            1
        );

        // Undone on the parent map: the alignment is back as it was, and no longer lost.
        commit(&mut parent_screen, Uuid::new_v4(), undo).await;
        assert_eq!(
            unit_screen.recv_map().await,
            ServerMsg::CascadeChanged { map_id: unit_id }
        );
        let doc = app.store.map_document(unit_id).await.unwrap();
        assert!(doc.lost_alignments.is_empty());
        assert_eq!(doc.alignments, unit_map.alignments);
    }
);
