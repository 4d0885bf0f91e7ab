//! Convergence of live-map replicas: several browsers edit one map through a model of the
//! authoritative server over lossy, reordering-free sockets (each socket is FIFO, but a
//! disconnect loses whatever was in flight). Whatever the interleaving, once everything is
//! delivered every replica shows exactly the server's document and has nothing pending.

use app::domain::ops::{
    self, set, CatchUp, Committed, EntityKind, Field, NewEntity, Op, OpError, Position, ServerMsg,
};
use app::domain::replica::{PendingBatch, RemoteOutcome, Replica, UndoOutcome};
use app::domain::*;
use proptest::prelude::*;
use std::collections::{HashMap, VecDeque};
use uuid::Uuid;

mod common;

// ---------------------------------------------------------------------------------------------
// The world: a server, clients, their sockets.

struct Server {
    doc: MapDocument,
    seq: i64,
    /// op_id → seq it was committed at.
    seen: HashMap<Uuid, i64>,
    log: Vec<Committed>,
}

impl Server {
    fn new(doc: MapDocument) -> Self {
        Self {
            seq: doc.seq,
            doc,
            seen: HashMap::new(),
            log: Vec::new(),
        }
    }

    /// Commits a batch once; a resent op id gets its original seq back.
    fn receive(&mut self, author: UserId, batch: &PendingBatch) -> Result<i64, OpError> {
        if let Some(&seq) = self.seen.get(&batch.op_id) {
            return Ok(seq);
        }
        ops::apply_all(&mut self.doc, &batch.ops)?;
        self.seq += 1;
        self.doc.seq = self.seq;
        self.seen.insert(batch.op_id, self.seq);
        self.log.push(Committed {
            seq: self.seq,
            op_id: batch.op_id,
            author,
            ops: batch.ops.clone(),
        });
        Ok(self.seq)
    }
}

struct Client {
    user: UserId,
    replica: Replica,
    connected: bool,
    /// Sent, not yet received by the server.
    outbox: VecDeque<PendingBatch>,
    /// Sent by the server, not yet delivered to the replica.
    inbox: VecDeque<ServerMsg>,
}

struct World {
    server: Server,
    clients: Vec<Client>,
    /// For ids of new objectives and links: deterministic, so failing cases replay.
    next_id: u128,
}

impl World {
    fn new(n: usize) -> Self {
        let doc = start_doc();
        let clients = (0..n)
            .map(|i| Client {
                user: UserId(Uuid::from_u128(0xA000 + i as u128)),
                replica: Replica::new(doc.clone()),
                connected: true,
                outbox: VecDeque::new(),
                inbox: VecDeque::new(),
            })
            .collect();
        Self {
            server: Server::new(doc),
            clients,
            next_id: 1,
        }
    }

    fn fresh(&mut self) -> Uuid {
        self.next_id += 1;
        Uuid::from_u128(self.next_id)
    }

    fn send(&mut self, k: usize, batch: PendingBatch) {
        let c = &mut self.clients[k];
        if c.connected {
            c.outbox.push_back(batch);
        }
    }

    fn edit(&mut self, k: usize, edit: &Edit) {
        let Some(op) = edit.to_op(self, k) else {
            return;
        };
        // A local failure (e.g. a duplicate link) changes nothing and sends nothing.
        if let Ok(batch) = self.clients[k].replica.local(vec![op]) {
            self.send(k, batch);
        }
    }

    fn undo(&mut self, k: usize, redo: bool) -> Option<UndoOutcome> {
        let replica = &mut self.clients[k].replica;
        let outcome = if redo { replica.redo() } else { replica.undo() };
        if let Some(batch) = outcome.as_ref().and_then(|o| o.batch.clone()) {
            self.send(k, batch);
        }
        outcome
    }

    /// The server takes the next batch from client `k`'s socket.
    fn server_receive(&mut self, k: usize) {
        let Some(batch) = self.clients[k].outbox.pop_front() else {
            return;
        };
        let author = self.clients[k].user;
        let fresh = !self.server.seen.contains_key(&batch.op_id);
        match self.server.receive(author, &batch) {
            Ok(seq) => {
                self.clients[k].inbox.push_back(ServerMsg::Ack {
                    op_id: batch.op_id,
                    seq,
                });
                if fresh {
                    let committed = self.server.log.last().cloned().expect("just committed");
                    for (j, c) in self.clients.iter_mut().enumerate() {
                        if j != k && c.connected {
                            c.inbox.push_back(ServerMsg::Ops {
                                batch: committed.clone(),
                            });
                        }
                    }
                }
            }
            Err(e) => self.clients[k].inbox.push_back(ServerMsg::Reject {
                op_id: batch.op_id,
                reason: e.to_string(),
            }),
        }
    }

    /// Client `k` handles the next message from its socket.
    fn deliver(&mut self, k: usize) {
        let Some(msg) = self.clients[k].inbox.pop_front() else {
            return;
        };
        let replica = &mut self.clients[k].replica;
        let outcome = match msg {
            ServerMsg::Ack { op_id, seq } => replica.on_ack(op_id, seq),
            ServerMsg::Reject { op_id, .. } => {
                replica.on_reject(op_id);
                RemoteOutcome::Applied
            }
            ServerMsg::Ops { batch } => replica.on_remote(&batch),
            ServerMsg::Welcome { catch_up, .. } => welcome(replica, catch_up),
            other => panic!("unexpected message {other:?}"),
        };
        // FIFO sockets that restart with a catch-up never leave a gap.
        assert_eq!(
            outcome,
            RemoteOutcome::Applied,
            "client {k} fell out of step"
        );
    }

    fn disconnect(&mut self, k: usize) {
        let c = &mut self.clients[k];
        c.connected = false;
        c.outbox.clear();
        c.inbox.clear();
    }

    /// `Hello { last_seq }`: the server answers with a catch-up (the missed batches, or a
    /// snapshot), handled at once or left in the socket; the client resends all pending
    /// batches with their op ids.
    fn reconnect(&mut self, k: usize, snapshot: bool, immediate: bool) {
        if self.clients[k].connected {
            self.disconnect(k);
        }
        let last_seq = self.clients[k].replica.confirmed_seq();
        let catch_up = if snapshot {
            CatchUp::Snapshot {
                doc: Box::new(self.server.doc.clone()),
            }
        } else {
            CatchUp::Ops {
                batches: self
                    .server
                    .log
                    .iter()
                    .filter(|b| b.seq > last_seq)
                    .cloned()
                    .collect(),
            }
        };
        let c = &mut self.clients[k];
        c.connected = true;
        c.inbox.push_back(ServerMsg::Welcome {
            seq: self.server.seq,
            catch_up,
            roster: vec![],
            you: Uuid::nil(),
            can_edit: true,
            server_ms: 0,
            user_id: None,
        });
        if immediate {
            self.deliver(k);
        }
        let c = &mut self.clients[k];
        c.outbox.extend(c.replica.pending().iter().cloned());
    }

    fn step(&mut self, step: &Step) {
        let k = match step {
            Step::Edit(k, _)
            | Step::Undo(k)
            | Step::Redo(k)
            | Step::ServerReceive(k)
            | Step::Deliver(k)
            | Step::Disconnect(k)
            | Step::Reconnect(k, ..) => *k % self.clients.len(),
        };
        match step {
            Step::Edit(_, e) => self.edit(k, e),
            Step::Undo(_) => {
                self.undo(k, false);
            }
            Step::Redo(_) => {
                self.undo(k, true);
            }
            Step::ServerReceive(_) => self.server_receive(k),
            Step::Deliver(_) => self.deliver(k),
            Step::Disconnect(_) => self.disconnect(k),
            Step::Reconnect(_, snapshot, immediate) => {
                if !self.clients[k].connected {
                    self.reconnect(k, *snapshot, *immediate);
                }
            }
        }
    }

    /// Everyone reconnects and every message is delivered.
    fn drain(&mut self) {
        for k in 0..self.clients.len() {
            if !self.clients[k].connected {
                self.reconnect(k, false, false);
            }
        }
        loop {
            let mut progress = false;
            for k in 0..self.clients.len() {
                while !self.clients[k].outbox.is_empty() {
                    self.server_receive(k);
                    progress = true;
                }
                while !self.clients[k].inbox.is_empty() {
                    self.deliver(k);
                    progress = true;
                }
            }
            if !progress {
                break;
            }
        }
    }

    /// What holds at every moment: confirmed state is the server's state at that seq.
    fn check_confirmed(&self, history: &[MapDocument]) {
        for (k, c) in self.clients.iter().enumerate() {
            let seq = c.replica.confirmed_seq();
            let at = usize::try_from(seq).expect("seq >= 0");
            assert!(at < history.len(), "client {k} is ahead of the server");
            assert_eq!(
                c.replica.confirmed(),
                &history[at],
                "client {k} confirmed state differs at seq {seq}"
            );
        }
    }
}

fn welcome(replica: &mut Replica, catch_up: CatchUp) -> RemoteOutcome {
    match catch_up {
        CatchUp::Snapshot { doc } => {
            replica.on_snapshot(*doc);
            RemoteOutcome::Applied
        }
        CatchUp::Ops { batches } => {
            for b in &batches {
                // Our own batches among them count as acks (handled by `on_remote`).
                if replica.on_remote(b) == RemoteOutcome::NeedResync {
                    return RemoteOutcome::NeedResync;
                }
            }
            RemoteOutcome::Applied
        }
    }
}

/// Acme's map with two themes, three objectives and two links, so deletes and links happen
/// early.
fn start_doc() -> MapDocument {
    let doc = common::acme_doc();
    let map = doc.map.id;
    let themes: Vec<Theme> = [("Growth", "#16a34a"), ("Efficiency", "#2563eb")]
        .iter()
        .zip(0..)
        .map(|((name, colour), rank)| {
            Theme::new(map, *name, *colour, rank)
                .with_id(ThemeId(common::fixed(0x200 + rank as u128)))
        })
        .collect();
    let objectives: Vec<Objective> = ["Grow revenue", "Delight customers", "Streamline delivery"]
        .iter()
        .zip(0u128..)
        .map(|(title, i)| {
            let band = i as usize;
            Objective::new(map, doc.perspectives[band].id, *title)
                .with_id(ObjectiveId(common::fixed(0x300 + i)))
                .with_theme(Some(themes[band % 2].id))
                // In the middle of its perspective's band: positions and perspectives agree.
                .with_position(
                    100.0 * i as f64,
                    app::domain::layout::HEADER_HEIGHT
                        + app::domain::layout::BAND_HEIGHT * (i as f64 + 0.5),
                )
        })
        .collect();
    let links = [(2, 1), (1, 0)]
        .iter()
        .zip(0u128..)
        .map(|((from, to), i)| {
            Link::new(map, objectives[*from].id, objectives[*to].id)
                .with_id(LinkId(common::fixed(0x400 + i)))
                .with_hypothesis("Because")
        })
        .collect();
    // Acme's map is a unit map here: its objectives may support the three objectives of its
    // parent unit's map.
    let parent_unit = OrgUnitId(common::fixed(0x500));
    let parent_map = MapId(common::fixed(0x501));
    let parent_objectives = ["Grow revenue", "Keep customers", "Lower costs"]
        .iter()
        .zip(0u128..)
        .map(|(title, i)| ParentObjective {
            id: ObjectiveId(common::fixed(0x510 + i)),
            map_id: parent_map,
            org_unit_id: parent_unit,
            title: title.to_string(),
            perspective: "Financial".into(),
        })
        .collect();
    let mut org_unit = doc.org_unit.clone();
    org_unit.parent_id = Some(parent_unit);
    MapDocument {
        themes,
        objectives,
        links,
        parent_objectives,
        org_unit,
        ..doc
    }
}

/// Sorted copy, for documents equal up to vector order (undo re-creates at the end).
fn normal(doc: &MapDocument) -> MapDocument {
    let mut d = doc.clone();
    d.objectives.sort_by_key(|o| o.id);
    d.links.sort_by_key(|l| l.id);
    d.perspectives.sort_by_key(|p| p.id);
    d.themes.sort_by_key(|t| t.id);
    d.alignments.sort_by_key(|a| a.id);
    d.deleted_alignments.sort_by_key(|a| a.id);
    d
}

// ---------------------------------------------------------------------------------------------
// Random scripts. Indices pick among what the editing replica currently sees (modulo its size).

const TITLES: [&str; 6] = [
    "Grow revenue",
    "Delight customers",
    "Streamline delivery",
    "Build skills",
    "  Padded  ",
    "",
];

#[derive(Clone, Debug)]
enum Edit {
    Create {
        perspective: usize,
        x: i32,
        y: i32,
        title: usize,
    },
    Title {
        obj: usize,
        title: usize,
    },
    Position {
        obj: usize,
        x: i32,
        y: i32,
    },
    Theme {
        obj: usize,
        theme: Option<usize>,
    },
    Perspective {
        obj: usize,
        perspective: usize,
    },
    Delete {
        obj: usize,
    },
    Link {
        from: usize,
        to: usize,
    },
    Unlink {
        link: usize,
    },
    Align {
        obj: usize,
        parent: usize,
        note: usize,
    },
    Unalign {
        alignment: usize,
    },
    Note {
        alignment: usize,
        note: usize,
    },
}

impl Edit {
    fn to_op(&self, world: &mut World, k: usize) -> Option<Op> {
        let doc = world.clients[k].replica.view().clone();
        let objective = |i: usize| {
            (!doc.objectives.is_empty()).then(|| doc.objectives[i % doc.objectives.len()].id.0)
        };
        let perspective = |i: usize| doc.perspectives[i % doc.perspectives.len()].id;
        let theme = |i: usize| doc.themes[i % doc.themes.len()].id;
        Some(match *self {
            Edit::Create {
                perspective: p,
                x,
                y,
                title,
            } => Op::Create {
                item: NewEntity::Objective(
                    Objective::new(doc.map.id, perspective(p), TITLES[title % TITLES.len()])
                        .with_id(ObjectiveId(world.fresh()))
                        .with_position(f64::from(x), f64::from(y)),
                ),
            },
            Edit::Title { obj, title } => set(
                EntityKind::Objective,
                objective(obj)?,
                Field::Title,
                TITLES[title % TITLES.len()],
            ),
            Edit::Position { obj, x, y } => set(
                EntityKind::Objective,
                objective(obj)?,
                Field::Position,
                Position {
                    x: f64::from(x),
                    y: f64::from(y),
                },
            ),
            Edit::Theme { obj, theme: t } => set(
                EntityKind::Objective,
                objective(obj)?,
                Field::Theme,
                t.map(theme),
            ),
            Edit::Perspective {
                obj,
                perspective: p,
            } => set(
                EntityKind::Objective,
                objective(obj)?,
                Field::Perspective,
                perspective(p),
            ),
            Edit::Delete { obj } => Op::Delete {
                entity: EntityKind::Objective,
                id: objective(obj)?,
            },
            Edit::Link { from, to } => {
                // Taken first, so the id sequence does not depend on whether the link is made.
                let id = LinkId(world.fresh());
                Op::Link {
                    link: Link::new(
                        doc.map.id,
                        ObjectiveId(objective(from)?),
                        // Mostly a different objective; a self-link (refused locally) stays
                        // possible.
                        ObjectiveId(objective(from + to % 8)?),
                    )
                    .with_id(id),
                }
            }
            Edit::Unlink { link } => Op::Unlink {
                id: (!doc.links.is_empty()).then(|| doc.links[link % doc.links.len()].id)?,
            },
            Edit::Align { obj, parent, note } => {
                let id = AlignmentId(world.fresh());
                let parents = &doc.parent_objectives;
                Op::Align {
                    alignment: Alignment {
                        id,
                        unit_objective_id: ObjectiveId(objective(obj)?),
                        parent_objective_id: parents[parent % parents.len()].id,
                        note: TITLES[note % TITLES.len()].to_string(),
                    },
                }
            }
            Edit::Unalign { alignment } => Op::Unalign {
                id: alignment_at(&doc, alignment)?,
            },
            Edit::Note { alignment, note } => set(
                EntityKind::Alignment,
                alignment_at(&doc, alignment)?.0,
                Field::Note,
                TITLES[note % TITLES.len()],
            ),
        })
    }
}

/// The id of the `i`-th alignment the replica sees (modulo their number), if any.
fn alignment_at(doc: &MapDocument, i: usize) -> Option<AlignmentId> {
    (!doc.alignments.is_empty()).then(|| doc.alignments[i % doc.alignments.len()].id)
}

#[derive(Clone, Debug)]
enum Step {
    Edit(usize, Edit),
    Undo(usize),
    Redo(usize),
    ServerReceive(usize),
    Deliver(usize),
    Disconnect(usize),
    /// Reconnect: catch-up as snapshot?, handled at once (before resending)?
    Reconnect(usize, bool, bool),
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = || 0usize..64;
    let coord = || -1000i32..1000;
    prop_oneof![
        4 => (i(), coord(), coord(), i()).prop_map(|(perspective, x, y, title)| Edit::Create { perspective, x, y, title }),
        2 => (i(), i()).prop_map(|(obj, title)| Edit::Title { obj, title }),
        2 => (i(), coord(), coord()).prop_map(|(obj, x, y)| Edit::Position { obj, x, y }),
        1 => (i(), proptest::option::of(i())).prop_map(|(obj, theme)| Edit::Theme { obj, theme }),
        1 => (i(), i()).prop_map(|(obj, perspective)| Edit::Perspective { obj, perspective }),
        1 => i().prop_map(|obj| Edit::Delete { obj }),
        3 => (i(), i()).prop_map(|(from, to)| Edit::Link { from, to }),
        1 => i().prop_map(|link| Edit::Unlink { link }),
        2 => (i(), i(), i()).prop_map(|(obj, parent, note)| Edit::Align { obj, parent, note }),
        1 => i().prop_map(|alignment| Edit::Unalign { alignment }),
        1 => (i(), i()).prop_map(|(alignment, note)| Edit::Note { alignment, note }),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let k = || 0usize..5;
    prop_oneof![
        6 => (k(), edit()).prop_map(|(k, e)| Step::Edit(k, e)),
        1 => k().prop_map(Step::Undo),
        1 => k().prop_map(Step::Redo),
        5 => k().prop_map(Step::ServerReceive),
        5 => k().prop_map(Step::Deliver),
        1 => k().prop_map(Step::Disconnect),
        1 => (k(), any::<bool>(), any::<bool>()).prop_map(|(k, s, i)| Step::Reconnect(k, s, i)),
    ]
}

/// A single replica's script: edits, undos and redos.
#[derive(Clone, Debug)]
enum LocalStep {
    Edit(Edit),
    /// Undo, check, redo, check.
    UndoRedo,
    Undo,
    Redo,
}

fn local_step() -> impl Strategy<Value = LocalStep> {
    prop_oneof![
        6 => edit().prop_map(LocalStep::Edit),
        2 => Just(LocalStep::UndoRedo),
        1 => Just(LocalStep::Undo),
        1 => Just(LocalStep::Redo),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_to_the_server(n in 2usize..=5, script in proptest::collection::vec(step(), 0..160)) {
        let mut world = World::new(n);
        let mut history = vec![world.server.doc.clone()];
        for s in &script {
            world.step(s);
            while history.len() <= world.server.log.len() {
                history.push(world.server.doc.clone());
            }
            world.check_confirmed(&history);
        }
        world.drain();
        for (k, c) in world.clients.iter().enumerate() {
            prop_assert!(c.replica.pending().is_empty(), "client {} still has {} pending", k, c.replica.pending().len());
            prop_assert_eq!(c.replica.confirmed_seq(), world.server.seq);
            // Same ops in the same order: equal including vector order.
            prop_assert_eq!(c.replica.view(), &world.server.doc, "client {} differs from the server", k);
        }
    }

    #[test]
    fn undo_redo_round_trips_locally(script in proptest::collection::vec(local_step(), 0..80)) {
        let mut world = World::new(1);
        let start = world.clients[0].replica.view().clone();
        for s in &script {
            match s {
                LocalStep::Edit(e) => world.edit(0, e),
                LocalStep::Undo | LocalStep::Redo => {
                    let outcome = world.undo(0, matches!(s, LocalStep::Redo));
                    prop_assert!(outcome.is_none_or(|o| o.skipped.is_empty() && o.batch.is_some()));
                }
                LocalStep::UndoRedo => {
                    let before = normal(world.clients[0].replica.view());
                    if let Some(undone) = world.undo(0, false) {
                        prop_assert!(undone.skipped.is_empty(), "undo skipped {:?}", undone.skipped);
                        let redone = world.undo(0, true);
                        prop_assert!(redone.is_some(), "nothing to redo after an undo");
                        prop_assert!(redone.is_some_and(|r| r.skipped.is_empty()));
                        prop_assert_eq!(normal(world.clients[0].replica.view()), before);
                    }
                }
            }
        }
        while let Some(undone) = world.undo(0, false) {
            prop_assert!(undone.skipped.is_empty(), "undo skipped {:?}", undone.skipped);
        }
        let end = normal(world.clients[0].replica.view());
        let start = normal(&start);
        prop_assert_eq!(&end.objectives, &start.objectives);
        prop_assert_eq!(&end.links, &start.links);
        prop_assert_eq!(&end, &start);
        // Everything sent is accepted by the server, which ends where the replica started too.
        world.drain();
        let c = &world.clients[0];
        prop_assert!(c.replica.pending().is_empty());
        prop_assert_eq!(c.replica.view(), &world.server.doc);
        let mut server = normal(&world.server.doc);
        server.seq = start.seq;
        prop_assert_eq!(server, start);
    }
}
