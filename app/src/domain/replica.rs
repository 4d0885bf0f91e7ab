//! The browser's copy of a live map. The server is authoritative, so the replica keeps the last
//! state the server confirmed and replays the user's own un-acknowledged edits on top of it:
//! edits show at once, remote edits slot in underneath in server order, and a rejected edit
//! simply drops out of the replay. Per-user undo sends inverse ops as ordinary new edits.
//!
//! Pure (no I/O, no clocks beyond fresh op ids) so it runs unchanged in wasm and in tests.

use super::model::MapDocument;
use super::ops::{self, Committed, Field, NewEntity, Op, OpError};
use crate::i18n::{td_string, Locale};
use uuid::Uuid;

/// How many edits the user can undo; older ones are forgotten so a long session stays small.
pub const UNDO_LIMIT: usize = 500;

/// One of the user's own edits, sent to the server as a `Mutate` and kept until acknowledged so
/// it can be replayed over remote changes and resent (same `op_id`) after a reconnect.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingBatch {
    /// Lets the server recognise a resend and acknowledge it without applying it twice.
    pub op_id: Uuid,
    /// Applied together or not at all.
    pub ops: Vec<Op>,
}

/// Whether a server message left the replica in step with the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoteOutcome {
    /// In step (the message may also have been a harmless duplicate and ignored).
    Applied,
    /// Out of step (a gap in sequences or a batch that does not apply here): send `Hello`
    /// with [`Replica::confirmed_seq`] and apply what comes back.
    NeedResync,
}

/// What an undo or redo did, so the UI can tell the user about the parts it could not do.
#[derive(Clone, Debug, PartialEq)]
pub struct UndoOutcome {
    /// The batch to send; `None` when nothing could be undone (or redone).
    pub batch: Option<PendingBatch>,
    /// The inverse ops that no longer apply, each with why (e.g. someone else deleted the
    /// objective); [`Skipped::text`] words them.
    pub skipped: Vec<Skipped>,
}

/// One part of an undo or redo that could not be done.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    /// Whether it was an undo or a redo.
    pub direction: Direction,
    /// The op that would have done it.
    pub op: Op,
    /// Why it no longer applies.
    pub error: OpError,
}

impl Skipped {
    /// "Undo couldn't restore “Grow revenue”: …" in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let verb = match self.direction {
            Direction::Undo => td_string!(locale, map.undo.undo),
            Direction::Redo => td_string!(locale, map.undo.redo),
        };
        td_string!(
            locale,
            map.undo.couldnt,
            verb,
            action = describe(locale, &self.op),
            reason = self.error.text(locale)
        )
        .to_string()
    }

    /// "Skipped: …" in `locale`: what an undo or redo could not do, for the notice.
    pub fn summary(locale: Locale, skipped: &[Skipped]) -> String {
        let list = skipped
            .iter()
            .map(|s| s.text(locale))
            .collect::<Vec<_>>()
            .join("; ");
        td_string!(locale, map.undo.skipped, list).to_string()
    }
}

/// Inverse ops that undo one batch, tagged with that batch so a rejection can drop them too.
#[derive(Clone, Debug, PartialEq)]
struct HistoryEntry {
    op_id: Uuid,
    inverse: Vec<Op>,
}

/// The browser's copy of a live map: server-confirmed state plus the user's own pending edits.
#[derive(Clone, Debug)]
pub struct Replica {
    /// The server's state at `confirmed.seq`.
    confirmed: MapDocument,
    /// Own batches the server has not acknowledged yet, in send order.
    pending: Vec<PendingBatch>,
    /// `confirmed` with `pending` replayed: what the user sees.
    view: MapDocument,
    undo: Vec<HistoryEntry>,
    redo: Vec<HistoryEntry>,
}

/// Which history stack an undo or redo records its own inverse on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Undo,
    Redo,
}

impl Replica {
    /// Starts from a document the server sent (page load or `Welcome` snapshot).
    pub fn new(doc: MapDocument) -> Self {
        Self {
            view: doc.clone(),
            confirmed: doc,
            pending: Vec::new(),
            undo: Vec::new(),
            redo: Vec::new(),
        }
    }

    /// The document to draw, including the user's own edits not yet acknowledged.
    pub fn view(&self) -> &MapDocument {
        &self.view
    }

    /// The server's state as last confirmed, without own pending edits: lets the UI mark what
    /// is not saved yet.
    pub fn confirmed(&self) -> &MapDocument {
        &self.confirmed
    }

    /// Sent as `last_seq` in `Hello` after a reconnect so the server sends only what was missed.
    pub fn confirmed_seq(&self) -> i64 {
        self.confirmed.seq
    }

    /// Resent (same op ids) after a reconnect; their count is shown as "N pending edits".
    pub fn pending(&self) -> &[PendingBatch] {
        &self.pending
    }

    /// Whether the undo button should be enabled.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether the redo button should be enabled.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Optimistic local edit: shows at once and returns the batch to send. All ops apply or none
    /// does; on error nothing changes and the error explains why (shown to the user).
    pub fn local(&mut self, ops: Vec<Op>) -> Result<PendingBatch, OpError> {
        let mut next = self.view.clone();
        let mut inverses = Vec::with_capacity(ops.len());
        for op in &ops {
            let inverse = ops::inverse(&next, op);
            ops::apply(&mut next, op)?;
            inverses.push(inverse);
        }
        self.view = next;
        let batch = PendingBatch {
            op_id: Uuid::now_v7(),
            ops,
        };
        self.pending.push(batch.clone());
        let inverse: Vec<Op> = inverses.into_iter().rev().flatten().collect();
        if !inverse.is_empty() {
            push_bounded(
                &mut self.undo,
                HistoryEntry {
                    op_id: batch.op_id,
                    inverse,
                },
            );
            self.redo.clear();
        }
        Ok(batch)
    }

    /// The server committed one of our batches at `seq`. Acks for op ids no longer pending
    /// (a resend acknowledged again) are ignored.
    pub fn on_ack(&mut self, op_id: Uuid, seq: i64) -> RemoteOutcome {
        let Some(batch) = self.pending.iter().find(|b| b.op_id == op_id) else {
            return RemoteOutcome::Applied;
        };
        let ops = batch.ops.clone();
        self.confirm(seq, op_id, &ops)
    }

    /// The server refused one of our batches: it drops out of the view (the edit rolls back) and
    /// out of the undo history. Returns it so the UI can say what was undone.
    pub fn on_reject(&mut self, op_id: Uuid) -> Option<PendingBatch> {
        let index = self.pending.iter().position(|b| b.op_id == op_id)?;
        let batch = self.pending.remove(index);
        self.undo.retain(|e| e.op_id != op_id);
        self.redo.retain(|e| e.op_id != op_id);
        self.recompute_view();
        Some(batch)
    }

    /// A batch the server committed, relayed in server order. Duplicates are ignored; a batch
    /// that is one of our own pending ones (as in a catch-up after reconnect) counts as its ack.
    pub fn on_remote(&mut self, batch: &Committed) -> RemoteOutcome {
        self.confirm(batch.seq, batch.op_id, &batch.ops)
    }

    /// A whole document from the server (resync, or `Welcome` with a snapshot). Own pending
    /// edits stay queued and replayed: the server acknowledges those it already has again.
    pub fn on_snapshot(&mut self, doc: MapDocument) {
        self.confirmed = doc;
        self.recompute_view();
    }

    /// Per-user undo of the last own edit, sent as a new batch. Parts that no longer apply
    /// (someone else deleted the target) are skipped and explained. `None` when there is
    /// nothing to undo.
    pub fn undo(&mut self) -> Option<UndoOutcome> {
        let entry = self.undo.pop()?;
        Some(self.replay(entry.inverse, Direction::Undo))
    }

    /// Re-does the last undone edit, the same way as [`Replica::undo`]. `None` when there is
    /// nothing to redo.
    pub fn redo(&mut self) -> Option<UndoOutcome> {
        let entry = self.redo.pop()?;
        Some(self.replay(entry.inverse, Direction::Redo))
    }

    /// Applies `inverse` op by op (skipping what fails), queues what applied as a new batch and
    /// records its own inverse on the opposite stack.
    fn replay(&mut self, inverse: Vec<Op>, direction: Direction) -> UndoOutcome {
        let mut next = self.view.clone();
        let mut applied = Vec::with_capacity(inverse.len());
        let mut reverses = Vec::with_capacity(inverse.len());
        let mut skipped = Vec::new();
        for op in inverse {
            let reverse = ops::inverse(&next, &op);
            match ops::apply_all(&mut next, std::slice::from_ref(&op)) {
                Ok(()) => {
                    reverses.push(reverse);
                    applied.push(op);
                }
                Err(error) => skipped.push(Skipped {
                    direction,
                    op,
                    error,
                }),
            }
        }
        if applied.is_empty() {
            return UndoOutcome {
                batch: None,
                skipped,
            };
        }
        self.view = next;
        let batch = PendingBatch {
            op_id: Uuid::now_v7(),
            ops: applied,
        };
        self.pending.push(batch.clone());
        let entry = HistoryEntry {
            op_id: batch.op_id,
            inverse: reverses.into_iter().rev().flatten().collect(),
        };
        match direction {
            Direction::Undo => push_bounded(&mut self.redo, entry),
            Direction::Redo => push_bounded(&mut self.undo, entry),
        }
        UndoOutcome {
            batch: Some(batch),
            skipped,
        }
    }

    /// Moves a batch the server committed at `seq` into `confirmed`; drops it from `pending`
    /// when it is one of ours.
    fn confirm(&mut self, seq: i64, op_id: Uuid, batch_ops: &[Op]) -> RemoteOutcome {
        if seq <= self.confirmed.seq {
            // Already part of `confirmed` (a duplicate, or a snapshot that included it).
            let before = self.pending.len();
            self.pending.retain(|b| b.op_id != op_id);
            if self.pending.len() != before {
                self.recompute_view();
            }
            return RemoteOutcome::Applied;
        }
        if seq != self.confirmed.seq + 1 {
            return RemoteOutcome::NeedResync;
        }
        if ops::apply_all(&mut self.confirmed, batch_ops).is_err() {
            return RemoteOutcome::NeedResync;
        }
        self.confirmed.seq = seq;
        self.pending.retain(|b| b.op_id != op_id);
        self.recompute_view();
        RemoteOutcome::Applied
    }

    /// `view = confirmed + pending`. Pending batches that no longer apply are left out of the
    /// view but stay queued: the server will reject them, which removes them.
    fn recompute_view(&mut self) {
        let mut view = self.confirmed.clone();
        for batch in &self.pending {
            // Atomic per batch: a failing batch leaves the view as it was.
            let _ = ops::apply_all(&mut view, &batch.ops);
        }
        self.view = view;
    }
}

fn push_bounded(stack: &mut Vec<HistoryEntry>, entry: HistoryEntry) {
    stack.push(entry);
    if stack.len() > UNDO_LIMIT {
        stack.remove(0);
    }
}

/// What an inverse op would have done, in `locale`, for "Undo couldn't …" messages.
fn describe(locale: Locale, op: &Op) -> String {
    let quoted = |name: &str| td_string!(locale, map.undo.quoted, name).to_string();
    match op {
        Op::Create {
            item: NewEntity::Objective(o),
        } => td_string!(locale, map.undo.restore_objective, name = quoted(&o.title)).to_string(),
        Op::Create {
            item: NewEntity::Theme(t),
        } => td_string!(locale, map.undo.restore_theme, name = quoted(&t.name)).to_string(),
        Op::Create {
            item: NewEntity::Perspective(p),
        } => td_string!(locale, map.undo.restore_perspective, name = quoted(&p.name)).to_string(),
        Op::Create {
            item: NewEntity::Measure(m),
        } => td_string!(locale, map.undo.restore_measure, name = quoted(&m.name)).to_string(),
        Op::Set { entity, field, .. } => td_string!(
            locale,
            map.undo.change,
            field = field_name(locale, *field),
            entity = entity.text(locale)
        )
        .to_string(),
        Op::Delete { entity, .. } => {
            td_string!(locale, map.undo.remove, entity = entity.text(locale)).to_string()
        }
        Op::Link { .. } => td_string!(locale, map.undo.restore_link).to_string(),
        Op::Unlink { .. } => td_string!(locale, map.undo.remove_link).to_string(),
        Op::Align { .. } => td_string!(locale, map.undo.restore_alignment).to_string(),
        Op::Unalign { .. } => td_string!(locale, map.undo.remove_alignment).to_string(),
        Op::Workshop { .. } => td_string!(locale, map.undo.workshop).to_string(),
    }
}

/// A field's name in `locale` ("title", "Titel").
fn field_name(locale: Locale, field: Field) -> &'static str {
    match field {
        Field::Title => td_string!(locale, map.undo.field.title),
        Field::Description => td_string!(locale, map.undo.field.description),
        Field::Owner => td_string!(locale, map.undo.field.owner),
        Field::Perspective => td_string!(locale, map.undo.field.perspective),
        Field::Theme => td_string!(locale, map.undo.field.theme),
        Field::Position => td_string!(locale, map.undo.field.position),
        Field::Hypothesis => td_string!(locale, map.undo.field.hypothesis),
        Field::Direction => td_string!(locale, map.undo.field.direction),
        Field::Lag => td_string!(locale, map.undo.field.lag),
        Field::Name => td_string!(locale, map.undo.field.name),
        Field::Colour => td_string!(locale, map.undo.field.colour),
        Field::Rank => td_string!(locale, map.undo.field.rank),
        Field::Vision => td_string!(locale, map.undo.field.vision),
        Field::Mission => td_string!(locale, map.undo.field.mission),
        Field::Values => td_string!(locale, map.undo.field.values),
        Field::Weight => td_string!(locale, map.undo.field.weight),
        Field::RollUp => td_string!(locale, map.undo.field.rollup),
        Field::Local => td_string!(locale, map.undo.field.local),
        Field::UnitRollUp => td_string!(locale, map.undo.field.unit_rollup),
        Field::HealthOff => td_string!(locale, map.undo.field.health_off),
        Field::Definition => td_string!(locale, map.undo.field.definition),
        Field::Unit => td_string!(locale, map.undo.field.unit),
        Field::Decimals => td_string!(locale, map.undo.field.decimals),
        Field::Frequency => td_string!(locale, map.undo.field.frequency),
        Field::Polarity => td_string!(locale, map.undo.field.polarity),
        Field::Indicator => td_string!(locale, map.undo.field.indicator),
        Field::DataSource => td_string!(locale, map.undo.field.data_source),
        Field::DataOwner => td_string!(locale, map.undo.field.data_owner),
        Field::Baseline => td_string!(locale, map.undo.field.baseline),
        Field::Scoring => td_string!(locale, map.undo.field.scoring),
        Field::Aggregation => td_string!(locale, map.undo.field.aggregation),
        Field::Formula => td_string!(locale, map.undo.field.formula),
        Field::MissingData => td_string!(locale, map.undo.field.missing_data),
        Field::Period => td_string!(locale, units.field.period),
        Field::Status => td_string!(locale, units.field.status),
        Field::Note => td_string!(locale, map.undo.field.note),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ops::{apply, apply_all, set, EntityKind, Field, OpError, Position};
    use crate::domain::*;

    struct Fixture {
        doc: MapDocument,
        p: Vec<PerspectiveId>,
        t: Vec<ThemeId>,
    }

    fn fixture() -> Fixture {
        let doc = crate::domain::fixtures::acme_doc();
        let themes: Vec<Theme> = ["Growth", "Efficiency"]
            .iter()
            .zip(0..)
            .map(|(name, rank)| Theme::new(doc.map.id, *name, "#336699", rank))
            .collect();
        Fixture {
            p: doc.perspectives.iter().map(|p| p.id).collect(),
            t: themes.iter().map(|t| t.id).collect(),
            doc: MapDocument { themes, ..doc },
        }
    }

    fn objective(f: &Fixture, title: &str) -> Objective {
        // Inside the first band, where a box of the first perspective is drawn.
        Objective::new(f.doc.map.id, f.p[0], title).with_position(10.0, 120.0)
    }

    fn link(f: &Fixture, from: ObjectiveId, to: ObjectiveId) -> Link {
        Link::new(f.doc.map.id, from, to)
    }

    fn create(o: &Objective) -> Op {
        Op::Create {
            item: NewEntity::Objective(o.clone()),
        }
    }

    fn title(o: ObjectiveId, t: &str) -> Op {
        set(EntityKind::Objective, o.0, Field::Title, t)
    }

    fn committed(seq: i64, ops: Vec<Op>) -> Committed {
        Committed {
            seq,
            op_id: Uuid::now_v7(),
            author: UserId::new(),
            ops,
        }
    }

    fn title_of(doc: &MapDocument, id: ObjectiveId) -> Option<&str> {
        doc.objectives
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.title.as_str())
    }

    /// Sorted copy, so documents that differ only in vector order compare equal.
    fn normal(doc: &MapDocument) -> MapDocument {
        let mut d = doc.clone();
        d.objectives.sort_by_key(|o| o.id);
        d.links.sort_by_key(|l| l.id);
        d.themes.sort_by_key(|t| t.id);
        d.perspectives.sort_by_key(|p| p.id);
        d
    }

    fn objective_id_of(doc: &MapDocument, title: &str) -> ObjectiveId {
        doc.objectives
            .iter()
            .find(|o| o.title == title)
            .map(|o| o.id)
            .unwrap()
    }

    /// A replica whose confirmed state already holds `objectives` (at seq 1).
    fn with_objectives(f: &Fixture, objectives: &[Objective]) -> Replica {
        let mut r = Replica::new(f.doc.clone());
        let ops = objectives.iter().map(create).collect();
        assert_eq!(r.on_remote(&committed(1, ops)), RemoteOutcome::Applied);
        r
    }

    #[test]
    fn local_edit_shows_at_once_and_queues() {
        let f = fixture();
        let mut r = Replica::new(f.doc.clone());
        let o = objective(&f, "Grow revenue");
        let batch = r.local(vec![create(&o)]).unwrap();
        assert_eq!(r.view().objectives, vec![o.clone()]);
        assert!(r.confirmed().objectives.is_empty());
        assert_eq!(r.pending(), &[batch]);
        assert_eq!(r.confirmed_seq(), 0);
        assert!(r.can_undo());
        assert!(!r.can_redo());
    }

    #[test]
    fn failing_local_edit_changes_nothing() {
        let f = fixture();
        let mut r = Replica::new(f.doc.clone());
        let o = objective(&f, "Grow revenue");
        // The second op fails (duplicate id): the whole batch is refused.
        let err = r.local(vec![create(&o), create(&o)]).unwrap_err();
        assert_eq!(err, OpError::Duplicate);
        assert_eq!(r.view(), &f.doc);
        assert!(r.pending().is_empty());
        assert!(!r.can_undo());
    }

    #[test]
    fn ack_moves_batch_into_confirmed() {
        let f = fixture();
        let mut r = Replica::new(f.doc.clone());
        let o = objective(&f, "Grow revenue");
        let batch = r.local(vec![create(&o)]).unwrap();
        assert_eq!(r.on_ack(batch.op_id, 1), RemoteOutcome::Applied);
        assert!(r.pending().is_empty());
        assert_eq!(r.confirmed_seq(), 1);
        assert_eq!(r.confirmed().objectives, vec![o.clone()]);
        assert_eq!(r.view(), r.confirmed());
        // A second ack (of a resend) is ignored.
        assert_eq!(r.on_ack(batch.op_id, 1), RemoteOutcome::Applied);
        assert_eq!(r.confirmed_seq(), 1);
        assert_eq!(r.view().objectives.len(), 1);
    }

    #[test]
    fn ack_with_gap_asks_for_resync() {
        let f = fixture();
        let mut r = Replica::new(f.doc.clone());
        let batch = r.local(vec![create(&objective(&f, "A"))]).unwrap();
        assert_eq!(r.on_ack(batch.op_id, 3), RemoteOutcome::NeedResync);
        assert_eq!(r.pending().len(), 1, "kept for the resend");
        assert_eq!(r.confirmed_seq(), 0);
    }

    #[test]
    fn reject_rolls_the_edit_back() {
        let f = fixture();
        let o = objective(&f, "Grow revenue");
        let mut r = with_objectives(&f, std::slice::from_ref(&o));
        let first = r.local(vec![title(o.id, "First")]).unwrap();
        let second = r.local(vec![title(o.id, "Second")]).unwrap();
        assert_eq!(title_of(r.view(), o.id), Some("Second"));
        assert_eq!(r.on_reject(second.op_id), Some(second.clone()));
        assert_eq!(title_of(r.view(), o.id), Some("First"));
        assert_eq!(r.pending(), &[first]);
        assert_eq!(r.on_reject(second.op_id), None);
        // The rejected edit is gone from the history too: undo reverts the first edit only.
        let undone = r.undo().unwrap();
        assert!(undone.skipped.is_empty());
        assert_eq!(title_of(r.view(), o.id), Some("Grow revenue"));
        assert!(!r.can_undo());
    }

    #[test]
    fn remote_edit_of_another_field_keeps_local_pending_value() {
        let f = fixture();
        let o = objective(&f, "Grow revenue");
        let mut r = with_objectives(&f, std::slice::from_ref(&o));
        r.local(vec![title(o.id, "Mine")]).unwrap();
        let moved = set(
            EntityKind::Objective,
            o.id.0,
            Field::Position,
            Position { x: 99.0, y: 142.0 },
        );
        assert_eq!(
            r.on_remote(&committed(2, vec![moved])),
            RemoteOutcome::Applied
        );
        let shown = r.view().objectives.iter().find(|x| x.id == o.id).unwrap();
        assert_eq!(
            (shown.title.as_str(), shown.x, shown.y),
            ("Mine", 99.0, 142.0)
        );
    }

    #[test]
    fn same_field_is_last_writer_wins_in_server_order() {
        let f = fixture();
        let o = objective(&f, "Grow revenue");
        let mut r = with_objectives(&f, std::slice::from_ref(&o));
        let mine = r.local(vec![title(o.id, "Mine")]).unwrap();
        // The server ordered theirs first (seq 2), ours second (seq 3).
        assert_eq!(
            r.on_remote(&committed(2, vec![title(o.id, "Theirs")])),
            RemoteOutcome::Applied
        );
        assert_eq!(title_of(r.confirmed(), o.id), Some("Theirs"));
        assert_eq!(
            title_of(r.view(), o.id),
            Some("Mine"),
            "own pending value still shows"
        );
        assert_eq!(r.on_ack(mine.op_id, 3), RemoteOutcome::Applied);
        assert_eq!(title_of(r.confirmed(), o.id), Some("Mine"));
        assert_eq!(title_of(r.view(), o.id), Some("Mine"));
        assert!(r.pending().is_empty());
    }

    #[test]
    fn duplicate_remote_batch_is_ignored() {
        let f = fixture();
        let o = objective(&f, "Grow revenue");
        let mut r = with_objectives(&f, std::slice::from_ref(&o));
        let batch = committed(2, vec![title(o.id, "Renamed")]);
        assert_eq!(r.on_remote(&batch), RemoteOutcome::Applied);
        let before = r.view().clone();
        assert_eq!(r.on_remote(&batch), RemoteOutcome::Applied);
        // Even a different batch with an old seq is ignored: the server state already has it.
        assert_eq!(
            r.on_remote(&committed(1, vec![title(o.id, "Stale")])),
            RemoteOutcome::Applied
        );
        assert_eq!(r.view(), &before);
        assert_eq!(r.confirmed_seq(), 2);
    }

    #[test]
    fn gap_in_sequence_asks_for_resync() {
        let f = fixture();
        let o = objective(&f, "Grow revenue");
        let mut r = with_objectives(&f, std::slice::from_ref(&o));
        let before = r.view().clone();
        assert_eq!(
            r.on_remote(&committed(3, vec![title(o.id, "Later")])),
            RemoteOutcome::NeedResync
        );
        assert_eq!(r.view(), &before);
        assert_eq!(r.confirmed_seq(), 1);
    }

    #[test]
    fn remote_batch_that_does_not_apply_asks_for_resync() {
        let f = fixture();
        let mut r = Replica::new(f.doc.clone());
        let ghost = ObjectiveId::new();
        assert_eq!(
            r.on_remote(&committed(1, vec![title(ghost, "Who?")])),
            RemoteOutcome::NeedResync
        );
        assert_eq!(r.confirmed_seq(), 0);
    }

    #[test]
    fn own_batch_in_catch_up_counts_as_ack() {
        let f = fixture();
        let mut r = Replica::new(f.doc.clone());
        let o = objective(&f, "Grow revenue");
        let batch = r.local(vec![create(&o)]).unwrap();
        let echo = Committed {
            seq: 1,
            op_id: batch.op_id,
            author: UserId::new(),
            ops: batch.ops.clone(),
        };
        assert_eq!(r.on_remote(&echo), RemoteOutcome::Applied);
        assert!(r.pending().is_empty());
        assert_eq!(r.view().objectives, vec![o]);
        // The resend is acknowledged again with the same seq: ignored.
        assert_eq!(r.on_ack(batch.op_id, 1), RemoteOutcome::Applied);
        assert_eq!(r.view().objectives.len(), 1);
    }

    #[test]
    fn pending_batch_that_no_longer_applies_is_hidden_but_queued() {
        let f = fixture();
        let o = objective(&f, "Grow revenue");
        let mut r = with_objectives(&f, std::slice::from_ref(&o));
        let mine = r.local(vec![title(o.id, "Mine")]).unwrap();
        let delete = Op::Delete {
            entity: EntityKind::Objective,
            id: o.id.0,
        };
        assert_eq!(
            r.on_remote(&committed(2, vec![delete])),
            RemoteOutcome::Applied
        );
        assert!(r.view().objectives.is_empty());
        assert_eq!(r.pending(), std::slice::from_ref(&mine));
        assert_eq!(r.on_reject(mine.op_id), Some(mine));
        assert!(r.pending().is_empty());
    }

    #[test]
    fn snapshot_replaces_confirmed_and_keeps_pending() {
        let f = fixture();
        let o = objective(&f, "Grow revenue");
        let mut r = Replica::new(f.doc.clone());
        let mine = r.local(vec![create(&o)]).unwrap();
        let mut snapshot = f.doc.clone();
        let other = objective(&f, "Delight customers");
        snapshot.objectives.push(other.clone());
        snapshot.seq = 5;
        r.on_snapshot(snapshot);
        assert_eq!(r.confirmed_seq(), 5);
        assert_eq!(r.view().objectives, vec![other.clone(), o.clone()]);
        assert_eq!(r.pending(), std::slice::from_ref(&mine));
        assert_eq!(r.on_ack(mine.op_id, 6), RemoteOutcome::Applied);
        assert_eq!(r.confirmed().objectives, vec![other, o]);
    }

    #[test]
    fn ack_already_in_snapshot_drops_pending() {
        let f = fixture();
        let o = objective(&f, "Grow revenue");
        let mut r = Replica::new(f.doc.clone());
        let mine = r.local(vec![create(&o)]).unwrap();
        // The server had committed it at seq 1 before the snapshot at seq 2 was taken.
        let mut snapshot = f.doc.clone();
        snapshot.objectives.push(o.clone());
        snapshot.seq = 2;
        r.on_snapshot(snapshot.clone());
        assert_eq!(r.on_ack(mine.op_id, 1), RemoteOutcome::Applied);
        assert!(r.pending().is_empty());
        assert_eq!(r.view(), &snapshot);
    }

    #[test]
    fn undo_of_create_deletes() {
        let f = fixture();
        let mut r = Replica::new(f.doc.clone());
        let o = objective(&f, "Grow revenue");
        r.local(vec![create(&o)]).unwrap();
        let outcome = r.undo().unwrap();
        assert!(outcome.skipped.is_empty());
        let batch = outcome.batch.unwrap();
        assert_eq!(
            batch.ops,
            vec![Op::Delete {
                entity: EntityKind::Objective,
                id: o.id.0
            }]
        );
        assert!(r.view().objectives.is_empty());
        assert_eq!(r.pending().len(), 2);
        assert!(!r.can_undo());
        assert!(r.can_redo());
        assert_eq!(r.undo(), None);
    }

    #[test]
    fn undo_of_delete_restores_objective_and_links() {
        let f = fixture();
        let (a, b, c) = (objective(&f, "A"), objective(&f, "B"), objective(&f, "C"));
        let mut r = with_objectives(&f, &[a.clone(), b.clone(), c.clone()]);
        let ab = link(&f, a.id, b.id);
        let cb = link(&f, c.id, b.id);
        let ac = link(&f, a.id, c.id);
        r.local(vec![
            Op::Link { link: ab.clone() },
            Op::Link { link: cb.clone() },
            Op::Link { link: ac.clone() },
        ])
        .unwrap();
        let before = r.view().clone();
        r.local(vec![Op::Delete {
            entity: EntityKind::Objective,
            id: b.id.0,
        }])
        .unwrap();
        assert_eq!(r.view().links, vec![ac]);
        let outcome = r.undo().unwrap();
        assert!(outcome.skipped.is_empty());
        assert_eq!(normal(r.view()), normal(&before));
    }

    #[test]
    fn undo_after_someone_else_deleted_the_target_skips_with_message() {
        let f = fixture();
        let (a, b) = (objective(&f, "A"), objective(&f, "B"));
        let mut r = with_objectives(&f, &[a.clone(), b.clone()]);
        let mine = r
            .local(vec![title(a.id, "Renamed A"), title(b.id, "Renamed B")])
            .unwrap();
        assert_eq!(r.on_ack(mine.op_id, 2), RemoteOutcome::Applied);
        let delete = Op::Delete {
            entity: EntityKind::Objective,
            id: a.id.0,
        };
        assert_eq!(
            r.on_remote(&committed(3, vec![delete])),
            RemoteOutcome::Applied
        );
        let outcome = r.undo().unwrap();
        assert_eq!(outcome.skipped.len(), 1);
        assert_eq!(
            outcome.skipped[0].text(Locale::en),
            "Undo couldn't change the title of the objective: the objective no longer exists \
             (someone may have deleted it)"
        );
        assert_eq!(
            Skipped::summary(Locale::de, &outcome.skipped),
            "Übersprungen: Rückgängig nicht möglich (Ziel: Titel ändern): Ziel existiert nicht \
             mehr (vielleicht hat jemand es gelöscht)"
        );
        assert_eq!(outcome.batch.unwrap().ops, vec![title(b.id, "B")]);
        assert_eq!(title_of(r.view(), b.id), Some("B"));
        assert_eq!(title_of(r.view(), a.id), None);
    }

    #[test]
    fn undo_with_nothing_left_sends_nothing() {
        let f = fixture();
        let a = objective(&f, "A");
        let mut r = with_objectives(&f, std::slice::from_ref(&a));
        let mine = r.local(vec![title(a.id, "Renamed")]).unwrap();
        assert_eq!(r.on_ack(mine.op_id, 2), RemoteOutcome::Applied);
        let delete = Op::Delete {
            entity: EntityKind::Objective,
            id: a.id.0,
        };
        assert_eq!(
            r.on_remote(&committed(3, vec![delete])),
            RemoteOutcome::Applied
        );
        let outcome = r.undo().unwrap();
        assert_eq!(outcome.batch, None);
        assert_eq!(outcome.skipped.len(), 1);
        assert!(r.pending().is_empty());
        assert!(!r.can_redo());
    }

    #[test]
    fn undo_then_redo_restores_the_view() {
        let f = fixture();
        let (a, b) = (objective(&f, "A"), objective(&f, "B"));
        let mut r = with_objectives(&f, &[a.clone(), b]);
        let start = r.view().clone();
        let ab = link(&f, a.id, objective_id_of(&start, "B"));
        r.local(vec![Op::Link { link: ab }]).unwrap();
        r.local(vec![
            title(a.id, "Renamed"),
            set(EntityKind::Objective, a.id.0, Field::Theme, Some(f.t[1])),
            set(EntityKind::Objective, a.id.0, Field::Perspective, f.p[2]),
        ])
        .unwrap();
        r.local(vec![Op::Delete {
            entity: EntityKind::Objective,
            id: a.id.0,
        }])
        .unwrap();
        for _ in 0..3 {
            let before = r.view().clone();
            assert!(r.undo().unwrap().skipped.is_empty());
            assert_ne!(normal(r.view()), normal(&before));
            assert!(r.redo().unwrap().skipped.is_empty());
            assert_eq!(normal(r.view()), normal(&before));
            // Step one further back for the next round.
            r.undo().unwrap();
        }
        assert_eq!(normal(r.view()), normal(&start));
        assert!(!r.can_undo());
    }

    #[test]
    fn new_edit_clears_redo() {
        let f = fixture();
        let a = objective(&f, "A");
        let mut r = with_objectives(&f, std::slice::from_ref(&a));
        r.local(vec![title(a.id, "One")]).unwrap();
        r.undo().unwrap();
        assert!(r.can_redo());
        r.local(vec![title(a.id, "Two")]).unwrap();
        assert!(!r.can_redo());
        assert_eq!(r.redo(), None);
    }

    #[test]
    fn rejected_undo_drops_its_redo() {
        let f = fixture();
        let a = objective(&f, "A");
        let mut r = with_objectives(&f, std::slice::from_ref(&a));
        r.local(vec![title(a.id, "One")]).unwrap();
        let undo = r.undo().unwrap().batch.unwrap();
        assert!(r.can_redo());
        r.on_reject(undo.op_id).unwrap();
        assert!(!r.can_redo());
        assert_eq!(title_of(r.view(), a.id), Some("One"));
    }

    #[test]
    fn undo_history_is_bounded() {
        let f = fixture();
        let a = objective(&f, "A");
        let mut r = with_objectives(&f, std::slice::from_ref(&a));
        for i in 0..UNDO_LIMIT + 5 {
            r.local(vec![title(a.id, &format!("T{i}"))]).unwrap();
        }
        let mut undone = 0;
        while r.undo().is_some() {
            undone += 1;
        }
        assert_eq!(undone, UNDO_LIMIT);
        assert_eq!(title_of(r.view(), a.id), Some("T4"));
    }

    fn measure(o: &Objective, name: &str) -> Measure {
        Measure::new(o.id, name).with_unit("%", 1)
    }

    fn formula(o: &Objective, name: &str, text: &str) -> Measure {
        measure(o, name).with_formula(text)
    }

    fn create_measure(m: &Measure) -> Op {
        Op::Create {
            item: NewEntity::Measure(m.clone()),
        }
    }

    #[test]
    fn measures_live_on_the_map_with_unique_names_and_sound_formulas() {
        let f = fixture();
        let a = objective(&f, "A");
        let mut doc = f.doc.clone();
        apply(&mut doc, &create(&a)).unwrap();
        let profit = measure(&a, "Gross profit");
        let revenue = measure(&a, "Revenue");
        apply_all(
            &mut doc,
            &[create_measure(&profit), create_measure(&revenue)],
        )
        .unwrap();
        // Names are unique on a map (formulas refer to them), whatever the case.
        assert!(matches!(
            apply(&mut doc, &create_measure(&measure(&a, "revenue"))),
            Err(OpError::Invalid(ValidationError::DuplicateMeasureName(_)))
        ));
        // A formula must parse and read measures of the map.
        for bad in ["[Gross profit] /", "[Revnue] * 2"] {
            assert!(matches!(
                apply(&mut doc, &create_measure(&formula(&a, "Margin", bad))),
                Err(OpError::Invalid(ValidationError::BadFormula(_)))
            ));
        }
        let margin = formula(&a, "Margin", "[Gross profit] / [Revenue] * 100");
        apply(&mut doc, &create_measure(&margin)).unwrap();
        // A formula may not close a cycle.
        let cycle = set(
            EntityKind::Measure,
            profit.id.0,
            Field::DataSource,
            DataSource::Formula,
        );
        let cycle_formula = set(
            EntityKind::Measure,
            profit.id.0,
            Field::Formula,
            "[Margin] * 2",
        );
        let err = apply_all(&mut doc, &[cycle_formula, cycle]).unwrap_err();
        assert!(err.to_string().contains("cycle"), "{err}");
        // Renaming a measure rewrites the formulas that read it.
        apply(
            &mut doc,
            &set(
                EntityKind::Measure,
                revenue.id.0,
                Field::Name,
                "Net revenue",
            ),
        )
        .unwrap();
        let m = doc.measures.iter().find(|m| m.id == margin.id).unwrap();
        assert_eq!(m.formula, "[Gross profit] / [Net revenue] * 100");
    }

    #[test]
    fn deleting_an_objective_takes_its_measures_and_undo_brings_them_back() {
        let f = fixture();
        let a = objective(&f, "A");
        let mut r = with_objectives(&f, std::slice::from_ref(&a));
        let m = measure(&a, "Renewal rate");
        r.local(vec![create_measure(&m)]).unwrap();
        let delete = Op::Delete {
            entity: EntityKind::Objective,
            id: a.id.0,
        };
        r.local(vec![delete]).unwrap();
        assert!(r.view().measures.is_empty());
        r.undo().unwrap();
        assert_eq!(r.view().measures, vec![m.clone()]);
        // Measure fields are last-writer-wins fields like any other, and undoable.
        r.local(vec![set(EntityKind::Measure, m.id.0, Field::Weight, 3.0)])
            .unwrap();
        assert_eq!(r.view().measures[0].weight, 3.0);
        r.undo().unwrap();
        assert_eq!(r.view().measures[0].weight, 1.0);
        assert!(r
            .local(vec![set(EntityKind::Measure, m.id.0, Field::Weight, 0.0)])
            .is_err());
    }
}
