//! Group commit is invisible: folding a queue of batches into a document as one group
//! (`ops::fold_group`, what the server's committer does in one transaction) gives exactly what
//! committing them one at a time gives — the same sequences, the same duplicates, the same
//! rejects with the same reasons, the same document — however the queue is cut into groups.

use app::domain::ops::{self, set, EntityKind, Field, NewEntity, Op, OpError, Position, Verdict};
use app::domain::*;
use proptest::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

mod common;

/// Acme's map at seq 7 with objectives 0–2.
fn start_doc() -> MapDocument {
    let doc = common::acme_doc();
    let objectives = (0..3)
        .map(|i| objective(&doc.map, &doc.perspectives, i))
        .collect();
    MapDocument {
        seq: 7,
        objectives,
        ..doc
    }
}

/// Objective ids come from a pool of 5: 0–2 exist at the start, 3–4 do not (until created).
fn obj_id(i: usize) -> Uuid {
    Uuid::from_u128(0xF300 + (i % 5) as u128)
}

fn objective(map: &StrategyMap, perspectives: &[Perspective], i: usize) -> Objective {
    let perspective = perspectives[i % perspectives.len()].id;
    Objective::new(map.id, perspective, format!("Objective {i}"))
        .with_id(ObjectiveId(obj_id(i)))
        .with_position(10.0 * i as f64, 20.0)
}

/// An edit that may or may not apply (missing targets, duplicates, empty titles, self-links).
#[derive(Clone, Debug)]
enum Edit {
    Move(usize, i32),
    Title(usize, bool),
    Create(usize),
    Delete(usize),
    Link(usize, usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (0usize..5, -500i32..500).prop_map(|(o, x)| Edit::Move(o, x)),
        2 => (0usize..5, any::<bool>()).prop_map(|(o, ok)| Edit::Title(o, ok)),
        2 => (0usize..5).prop_map(Edit::Create),
        1 => (0usize..5).prop_map(Edit::Delete),
        2 => (0usize..5, 0usize..5, 0u8..4).prop_map(|(a, b, l)| Edit::Link(a, b, l)),
    ]
}

fn op(doc: &MapDocument, e: &Edit) -> Op {
    match *e {
        Edit::Move(o, x) => set(
            EntityKind::Objective,
            obj_id(o),
            Field::Position,
            Position {
                x: f64::from(x),
                y: 5.0,
            },
        ),
        Edit::Title(o, ok) => set(
            EntityKind::Objective,
            obj_id(o),
            Field::Title,
            if ok { "Renamed" } else { "  " },
        ),
        Edit::Create(o) => Op::Create {
            item: NewEntity::Objective(objective(&doc.map, &doc.perspectives, o)),
        },
        Edit::Delete(o) => Op::Delete {
            entity: EntityKind::Objective,
            id: obj_id(o),
        },
        Edit::Link(a, b, l) => Op::Link {
            link: Link::new(doc.map.id, ObjectiveId(obj_id(a)), ObjectiveId(obj_id(b)))
                .with_id(LinkId(Uuid::from_u128(0xF400 + u128::from(l)))),
        },
    }
}

/// A queued batch: an op id from a small pool (so resends happen) and 1–3 edits.
fn batch() -> impl Strategy<Value = (u8, Vec<Edit>)> {
    (0u8..12, proptest::collection::vec(edit(), 1..=3))
}

/// The reference: one batch at a time, as the server committed before group commit.
fn one_by_one(
    doc: &mut MapDocument,
    queue: &[(Uuid, Vec<Op>)],
    known: &mut HashMap<Uuid, i64>,
) -> Vec<Result<(i64, bool), OpError>> {
    queue
        .iter()
        .map(|(op_id, ops)| {
            if let Some(&seq) = known.get(op_id) {
                return Ok((seq, true));
            }
            ops::apply_all(doc, ops)?;
            doc.seq += 1;
            known.insert(*op_id, doc.seq);
            Ok((doc.seq, false))
        })
        .collect()
}

fn as_result(v: Verdict) -> Result<(i64, bool), OpError> {
    match v {
        Verdict::Accepted(seq) => Ok((seq, false)),
        Verdict::Duplicate(seq) => Ok((seq, true)),
        Verdict::Rejected(e) => Err(e),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_grouping_equals_one_by_one(
        batches in proptest::collection::vec(batch(), 1..40),
        cuts in proptest::collection::vec(1usize..8, 1..20),
        committed_before in proptest::collection::btree_set(0u8..12, 0..3),
    ) {
        let start = start_doc();
        let queue: Vec<(Uuid, Vec<Op>)> = batches
            .iter()
            .map(|(id, edits)| (Uuid::from_u128(0xB000 + u128::from(*id)), edits.iter().map(|e| op(&start, e)).collect()))
            .collect();
        // Some op ids were committed before this queue (say, before a restart).
        let known: HashMap<Uuid, i64> = committed_before
            .iter()
            .map(|id| (Uuid::from_u128(0xB000 + u128::from(*id)), i64::from(*id) + 1))
            .collect();

        let mut expected_doc = start.clone();
        let mut seen = known.clone();
        let expected = one_by_one(&mut expected_doc, &queue, &mut seen);

        // The same queue cut into groups of the sizes in `cuts` (cycled).
        let mut doc = start.clone();
        let mut known_now = known.clone();
        let mut got = Vec::new();
        let mut rest = &queue[..];
        let mut sizes = cuts.iter().cycle();
        while !rest.is_empty() {
            let n = (*sizes.next().unwrap_or(&1)).min(rest.len());
            let (group, tail) = rest.split_at(n);
            let mut group = group.to_vec();
            let verdicts = ops::fold_group(&mut doc, group.iter_mut().map(|(id, ops)| (*id, ops.as_mut_slice())), &known_now);
            for ((id, _), v) in group.iter().zip(&verdicts) {
                if let Verdict::Accepted(seq) = v {
                    known_now.insert(*id, *seq);
                }
            }
            got.extend(verdicts.into_iter().map(as_result));
            rest = tail;
        }
        prop_assert_eq!(&got, &expected);
        prop_assert_eq!(&doc, &expected_doc);

        // And the whole queue as one group.
        let mut whole = start.clone();
        let mut queue = queue.clone();
        let verdicts: Vec<_> = ops::fold_group(&mut whole, queue.iter_mut().map(|(id, ops)| (*id, ops.as_mut_slice())), &known)
            .into_iter()
            .map(as_result)
            .collect();
        prop_assert_eq!(&verdicts, &expected);
        prop_assert_eq!(&whole, &expected_doc);
    }
}

#[test]
fn a_rejected_batch_does_not_poison_its_group_and_a_repeat_is_a_duplicate() {
    let start = start_doc();
    let a = Uuid::from_u128(1);
    let b = Uuid::from_u128(2);
    let c = Uuid::from_u128(3);
    let moved = vec![op(&start, &Edit::Move(0, 99))];
    let bad = vec![
        op(&start, &Edit::Move(1, 5)),
        op(&start, &Edit::Title(1, false)),
    ];
    let created = vec![op(&start, &Edit::Create(3))];
    let mut queue = [
        (a, moved.clone()),
        (b, bad.clone()),
        (a, moved.clone()),
        (c, created.clone()),
    ];
    let mut doc = start.clone();
    let group = queue.iter_mut().map(|(id, ops)| (*id, ops.as_mut_slice()));
    let verdicts = ops::fold_group(&mut doc, group, &HashMap::new());
    assert_eq!(verdicts[0], Verdict::Accepted(8));
    assert!(
        matches!(&verdicts[1], Verdict::Rejected(OpError::Invalid(_))),
        "{:?}",
        verdicts[1]
    );
    assert_eq!(verdicts[2], Verdict::Duplicate(8), "applied once, same seq");
    assert_eq!(verdicts[3], Verdict::Accepted(9), "sequences stay dense");
    assert_eq!(doc.seq, 9);
    let o1 = doc.objectives.iter().find(|o| o.id.0 == obj_id(1)).unwrap();
    assert_eq!(o1.x, 10.0, "nothing of the rejected batch applied");
    assert_eq!(doc.objectives.len(), 4);
}
