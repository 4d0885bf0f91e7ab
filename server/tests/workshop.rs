//! Workshop mode on SQLite and PostgreSQL, over the map's live socket: a facilitator opens a
//! workshop, notes are drafted privately (others hear that a note was written, not its words,
//! and a late joiner's snapshot hides them too), revealed, dot-voted with hidden dots (nobody
//! hears another's vote, not even the facilitator, until the reveal), promoted to an objective
//! and taken back with one undo; a timed vote is revealed by the server; everything is stored
//! and audited without the words or the votes; REST has the screen's rights.

use crate::common;

use app::api::brainstorm::WorkshopState;
use app::domain::edits;
use app::domain::ops::{CatchUp, EntityKind, Op};
use app::domain::workshop::{Note, Target, WorkshopOp};
use app::domain::*;
use common::{count, Db, Socket, TestApp, ADMIN, EDITOR, VIEWER};
use http::StatusCode;
use serde_json::json;

/// A workshop step as a client sends it.
fn step(change: WorkshopOp) -> Op {
    Op::Workshop {
        change,
        actor: None,
        at_ms: 0,
    }
}

/// A new note in `band` (the server names its author).
fn add_note(band: PerspectiveId, text: &str) -> (NoteId, Op) {
    let id = NoteId::new();
    let note = Note {
        id,
        author: UserId(uuid::Uuid::nil()),
        perspective_id: band,
        text: text.into(),
        group_id: None,
        hidden: false,
        promoted: None,
    };
    (id, step(WorkshopOp::AddNote { note }))
}

/// The workshop steps of the next batch `ws` hears.
async fn next_steps(ws: &mut Socket) -> Vec<WorkshopOp> {
    ws.next_batch()
        .await
        .into_iter()
        .filter_map(|op| match op {
            Op::Workshop { change, actor, .. } => {
                assert_eq!(actor, None, "relayed steps carry no actor");
                Some(change)
            }
            _ => None,
        })
        .collect()
}

/// How many stored workshops the map has: one while a workshop runs, none once it is closed.
async fn workshop_rows(store: &app::store::Store, map: MapId) -> i64 {
    count(
        store,
        "SELECT COUNT(*) FROM workshops WHERE map_id = $1",
        &[&map.to_string()],
    )
    .await
}

both_databases!(
    a_workshop_runs_live_and_keeps_its_secrets,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let (editor, admin, viewer) = (
            app.cookie(EDITOR).await,
            app.cookie(ADMIN).await,
            app.cookie(VIEWER).await,
        );
        let map = app.enterprise_map().await;
        let id = map.map.id;
        let band = map.perspectives[0].id;
        let lead = app.user(EDITOR).await.id;
        let ana = app.user(ADMIN).await.id;
        let (mut lead_ws, _) = app.join(id, &editor, None).await;
        let (mut ana_ws, _) = app.join(id, &admin, None).await;
        let (mut watcher, _) = app.join(id, &viewer, None).await;

        // The editor opens the workshop and facilitates it.
        lead_ws
            .mutate(vec![step(WorkshopOp::Open { facilitator: None })])
            .await
            .expect("an editor opens a workshop");
        assert_eq!(
            next_steps(&mut watcher).await,
            vec![WorkshopOp::Open {
                facilitator: Some(lead)
            }]
        );
        assert_eq!(next_steps(&mut ana_ws).await.len(), 1);
        assert!(
            watcher
                .mutate(vec![add_note(band, "Viewers watch").1])
                .await
                .is_err(),
            "a viewer takes no part"
        );

        // Private drafting: Ana's words stay hers.
        let (note, add) = add_note(band, "  Fix faults faster ");
        let back = ana_ws.mutate_seen(vec![add]).await.expect("a note");
        let [Op::Workshop {
            change: WorkshopOp::AddNote { note: own },
            ..
        }] = back.as_slice()
        else {
            panic!("{back:?}")
        };
        assert_eq!(
            (own.text.as_str(), own.author, own.hidden),
            ("Fix faults faster", ana, false)
        );
        for ws in [&mut lead_ws, &mut watcher] {
            let seen = next_steps(ws).await;
            let [WorkshopOp::AddNote { note: n }] = seen.as_slice() else {
                panic!("{seen:?}")
            };
            assert_eq!((n.text.as_str(), n.hidden, n.author), ("", true, ana));
        }
        let rewrite = step(WorkshopOp::EditNote {
            id: note,
            text: "Fix faults within a day".into(),
            private: false,
        });
        ana_ws.mutate(vec![rewrite]).await.expect("her own note");
        assert_eq!(
            next_steps(&mut watcher).await,
            vec![],
            "a private rewrite is heard as nothing"
        );
        // A late joiner's snapshot, the page's document and the stored row hide the words
        // from everyone but Ana; reports and displays never carry the workshop.
        let (_, late) = app.join(id, &viewer, None).await;
        let CatchUp::Snapshot { doc } = late.catch_up else {
            panic!("a first join gets a snapshot")
        };
        let w = doc.workshop.expect("the workshop is in the snapshot");
        assert_eq!((w.notes[0].text.as_str(), w.notes[0].hidden), ("", true));
        let mine = app.store.workshop_view(id, ana).await.unwrap().unwrap();
        assert_eq!(mine.notes[0].text, "Fix faults within a day");
        assert_eq!(app.store.map_document(id).await.unwrap().workshop, None);
        assert_eq!(workshop_rows(&app.store, id).await, 1);
        assert!(
            ana_ws
                .mutate(vec![step(WorkshopOp::RevealNotes { notes: vec![] })])
                .await
                .is_err(),
            "only the facilitator reveals"
        );

        // The reveal shows everyone the words.
        lead_ws
            .mutate(vec![step(WorkshopOp::RevealNotes { notes: vec![] })])
            .await
            .expect("the facilitator reveals");
        let seen = next_steps(&mut watcher).await;
        let [WorkshopOp::RevealNotes { notes }] = seen.as_slice() else {
            panic!("{seen:?}")
        };
        assert_eq!(notes[0].text, "Fix faults within a day");

        // A dot-vote: Ana's dot is hers alone until the reveal.
        lead_ws
            .mutate(vec![step(WorkshopOp::StartVote {
                per_person: 2,
                several_on_one: false,
                seconds: None,
                ends_at_ms: None,
            })])
            .await
            .expect("a vote");
        next_steps(&mut watcher).await;
        next_steps(&mut ana_ws).await;
        let cast = step(WorkshopOp::Cast {
            target: Target::Note(note),
            voter: None,
        });
        let back = ana_ws.mutate_seen(vec![cast.clone()]).await.expect("a dot");
        assert!(
            matches!(back.as_slice(), [Op::Workshop { change: WorkshopOp::Cast { voter: Some(v), .. }, .. }] if *v == ana),
            "{back:?}"
        );
        assert_eq!(
            ana_ws.mutate(vec![cast]).await,
            Err(app::domain::workshop::WorkshopError::OneVoteEach.text(app::i18n::Locale::en)),
            "one dot per note this round"
        );
        assert_eq!(next_steps(&mut watcher).await, vec![], "the watcher");
        assert_eq!(next_steps(&mut lead_ws).await, vec![], "the facilitator");
        lead_ws
            .mutate(vec![step(WorkshopOp::RevealVotes { ballots: vec![] })])
            .await
            .expect("the facilitator reveals the votes");
        let seen = next_steps(&mut watcher).await;
        let [WorkshopOp::RevealVotes { ballots }] = seen.as_slice() else {
            panic!("{seen:?}")
        };
        assert_eq!(ballots.len(), 1);

        // Nothing in the audit so far says what a note says.
        assert_eq!(
            count(
                &app.store,
                "SELECT COUNT(*) FROM audit_log WHERE detail LIKE $1",
                &["%Fix faults%"]
            )
            .await,
            0
        );
        assert!(
            count(
                &app.store,
                "SELECT COUNT(*) FROM audit_log WHERE detail LIKE $1",
                &["%note_added%"]
            )
            .await
                >= 1,
            "the audit records the step"
        );

        // Promote: one batch makes the objective and marks the note; one undo takes both back.
        let live = app.store.live_document(id).await.unwrap();
        let (objective, promote) = edits::promote(&live, Target::Note(note)).unwrap();
        ana_ws.mutate(promote).await.expect("promoted");
        let batch = watcher.next_batch().await;
        assert!(
            matches!(
                &batch[..],
                [
                    Op::Create { .. },
                    Op::Workshop {
                        change: WorkshopOp::Promote { .. },
                        ..
                    }
                ]
            ),
            "{batch:?}"
        );
        let stored = app.store.map_document(id).await.unwrap();
        let made = stored
            .objectives
            .iter()
            .find(|o| o.id == objective)
            .unwrap();
        assert_eq!(
            (made.title.as_str(), made.perspective_id),
            ("Fix faults within a day", band)
        );
        let undo = vec![
            step(WorkshopOp::Unpromote {
                target: Target::Note(note),
            }),
            Op::Delete {
                entity: EntityKind::Objective,
                id: objective.0,
            },
        ];
        ana_ws.mutate(undo).await.expect("undone");
        let stored = app.store.live_document(id).await.unwrap();
        assert!(stored.objectives.iter().all(|o| o.id != objective));
        let w = stored.workshop.unwrap();
        assert_eq!(w.notes[0].promoted, None, "the note is back on the board");

        // Closing ends it for everyone and removes it.
        lead_ws
            .mutate(vec![step(WorkshopOp::Close)])
            .await
            .expect("closed");
        assert_eq!(app.store.live_document(id).await.unwrap().workshop, None);
        assert_eq!(workshop_rows(&app.store, id).await, 0);
    }
);

both_databases!(
    a_timed_vote_is_revealed_by_the_server,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let editor = app.cookie(EDITOR).await;
        let viewer = app.cookie(VIEWER).await;
        let map = app.enterprise_map().await;
        let id = map.map.id;
        let (mut lead_ws, _) = app.join(id, &editor, None).await;
        let (note, add) = add_note(map.perspectives[1].id, "Win back lapsed clients");
        lead_ws
            .mutate(vec![
                step(WorkshopOp::Open { facilitator: None }),
                add,
                step(WorkshopOp::RevealNotes { notes: vec![] }),
                step(WorkshopOp::StartVote {
                    per_person: 3,
                    several_on_one: true,
                    seconds: Some(1),
                    ends_at_ms: None,
                }),
            ])
            .await
            .expect("a timed vote");
        let (mut watcher, _) = app.join(id, &viewer, None).await;
        let cast = step(WorkshopOp::Cast {
            target: Target::Note(note),
            voter: None,
        });
        lead_ws
            .mutate(vec![cast.clone(), cast])
            .await
            .expect("two dots");
        let seen = next_steps(&mut watcher).await;
        assert_eq!(seen, vec![], "the dots stay hidden");
        // Nobody reveals: the server does when the second is up.
        let seen = next_steps(&mut watcher).await;
        let [WorkshopOp::RevealVotes { ballots }] = seen.as_slice() else {
            panic!("{seen:?}")
        };
        assert_eq!(ballots.len(), 2);
        let w = app.store.live_document(id).await.unwrap().workshop.unwrap();
        assert!(w.vote.unwrap().revealed);
    }
);

both_databases!(rest_has_the_screens_rights, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let map = app.enterprise_map().await;
    let id = map.map.id;
    let root = map.map.org_unit_id;
    let uri = format!("/api/v1/maps/{id}/workshop");
    let reader = app.token("Wall screen", vec![root], false).await;
    let contributor = app.token("Feeder", vec![root], true).await;
    let facilitator = app.admin_token_by("Facilitation", vec![root], EDITOR).await;
    let open = json!({ "ops": [{ "op": "open" }] });

    let reply = app.get(&uri).bearer(&reader).reply().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", &*reply.body);
    assert_eq!(reply.body.parse::<WorkshopState>().workshop, None);
    for token in [&reader, &contributor] {
        let reply = app.post(&uri).bearer(token).json(&open).reply().await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", &*reply.body);
    }
    let empty = json!({ "ops": [] });
    let reply = app
        .post(&uri)
        .bearer(&facilitator)
        .json(&empty)
        .reply()
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", &*reply.body);

    let band = map.perspectives[0].id;
    let note = NoteId::new();
    let steps = json!({ "ops": [
        { "op": "open" },
        { "op": "add_note", "note": { "id": note, "author": uuid::Uuid::nil(), "perspective_id": band, "text": "Shorter waits", "group_id": null } }
    ]});
    let reply = app
        .post(&uri)
        .bearer(&facilitator)
        .json(&steps)
        .reply()
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", &*reply.body);
    let state: WorkshopState = reply.body.parse();
    assert_eq!(state.workshop.unwrap().notes[0].text, "Shorter waits");
    let reply = app.get(&uri).bearer(&reader).reply().await;
    let hidden = reply.body.parse::<WorkshopState>().workshop.unwrap();
    assert_eq!(
        (hidden.notes[0].text.as_str(), hidden.notes[0].hidden),
        ("", true)
    );
    // A refused step is a conflict, said in words, and changes nothing.
    let reply = app
        .post(&uri)
        .bearer(&facilitator)
        .json(&json!({ "ops": [{ "op": "open" }] }))
        .reply()
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", &*reply.body);
    assert!(reply.body.contains("already running"), "{}", &*reply.body);
    // Promoted over REST: the objective is made in the same batch.
    let steps = json!({ "ops": [
        { "op": "reveal_notes" },
        { "op": "promote", "target": { "kind": "note", "id": note }, "objective": uuid::Uuid::nil() }
    ]});
    let reply = app
        .post(&uri)
        .bearer(&facilitator)
        .json(&steps)
        .reply()
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", &*reply.body);
    let doc = app.store.map_document(id).await.unwrap();
    assert!(doc.objectives.iter().any(|o| o.title == "Shorter waits"));
});

/// Two instances on one PostgreSQL (LISTEN/NOTIFY): a note written on one reaches a screen on the
/// other without its words, the reveal brings them, and a timed vote is revealed once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workshop_spans_instances() {
    let servers = TestApp::two_instances(&[]).await;
    let map = servers[0].enterprise_map().await;
    let id = map.map.id;
    let editor = servers[0].cookie(EDITOR).await;
    let admin = servers[0].cookie(ADMIN).await;
    let (mut one, _) = servers[0].join(id, &editor, None).await;
    let (mut two, _) = servers[1].join(id, &admin, None).await;
    let (note, add) = add_note(map.perspectives[2].id, "Automate the routine checks");
    one.mutate(vec![step(WorkshopOp::Open { facilitator: None }), add])
        .await
        .expect("opened with a note");
    let seen = next_steps(&mut two).await;
    let [WorkshopOp::Open { .. }, WorkshopOp::AddNote { note: n }] = seen.as_slice() else {
        panic!("{seen:?}")
    };
    assert_eq!((n.id, n.text.as_str(), n.hidden), (note, "", true));
    one.mutate(vec![
        step(WorkshopOp::RevealNotes { notes: vec![] }),
        step(WorkshopOp::StartVote {
            per_person: 1,
            several_on_one: false,
            seconds: Some(1),
            ends_at_ms: None,
        }),
    ])
    .await
    .expect("revealed, and a timed vote");
    let seen = next_steps(&mut two).await;
    assert!(
        matches!(&seen[..], [WorkshopOp::RevealNotes { notes }, WorkshopOp::StartVote { .. }] if notes[0].text == "Automate the routine checks"),
        "{seen:?}"
    );
    two.mutate(vec![step(WorkshopOp::Cast {
        target: Target::Note(note),
        voter: None,
    })])
    .await
    .expect("a dot from the other instance");
    assert_eq!(
        next_steps(&mut one).await,
        vec![],
        "hidden across instances too"
    );
    // Both instances have the room open and schedule the reveal: it happens once.
    let seen = next_steps(&mut one).await;
    assert!(
        matches!(&seen[..], [WorkshopOp::RevealVotes { ballots }] if ballots.len() == 1),
        "{seen:?}"
    );
    let log = count(
        &servers[0].store,
        "SELECT COUNT(*) FROM map_ops WHERE map_id = $1 AND ops LIKE $2",
        &[&id.to_string(), "%reveal_votes%"],
    )
    .await;
    assert_eq!(log, 1, "revealed once");
}
