//! Deleting an objective and undoing it leaves the whole database as it was: every row of every
//! table (the op log, the audit history and the map's sequence aside, which record the two
//! edits), whatever the objective had around it — measures with gaps in their order, links,
//! initiatives, alignments in both directions, objectives deleted before. Random worlds on
//! SQLite, through the real commit path and the browser's undo.

#![cfg(feature = "ssr")]

use app::domain::ops::{EntityKind, Op};
use app::domain::replica::Replica;
use app::domain::*;
use app::store::{self, Store, Submission};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// A random world: objectives per map (enterprise, two units), and for each of a few
/// relations which pairs exist (indices taken modulo what there is).
#[derive(Clone, Debug)]
struct World {
    objectives: [usize; 3],
    measures: Vec<usize>,
    deleted_measures: Vec<usize>,
    links: Vec<(usize, usize)>,
    initiatives: Vec<Vec<usize>>,
    alignments: Vec<(usize, usize)>,
    deleted_before: Option<usize>,
    target: usize,
}

fn world() -> impl Strategy<Value = World> {
    let i = || 0usize..32;
    (
        (1usize..4, 0usize..4, 0usize..3),
        proptest::collection::vec(i(), 0..8),
        proptest::collection::vec(i(), 0..3),
        proptest::collection::vec((i(), i()), 0..6),
        proptest::collection::vec(proptest::collection::vec(i(), 1..4), 0..3),
        proptest::collection::vec((i(), i()), 0..5),
        proptest::option::of(i()),
        i(),
    )
        .prop_map(
            |(
                (e, a, b),
                measures,
                deleted_measures,
                links,
                initiatives,
                alignments,
                deleted_before,
                target,
            )| World {
                objectives: [e, a, b],
                measures,
                deleted_measures,
                links,
                initiatives,
                alignments,
                deleted_before,
                target,
            },
        )
}

fn pick<T: Clone>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()].clone())
}

async fn unit(s: &Store, parent: Option<OrgUnitId>, name: &str) -> OrgUnit {
    let kind = if parent.is_some() {
        OrgUnitKind::BusinessUnit
    } else {
        OrgUnitKind::Enterprise
    };
    let u = OrgUnit::new(parent, name, kind);
    s.create_org_unit(&u, None).await.unwrap();
    u
}

async fn map_of(s: &Store, unit: OrgUnitId) -> MapDocument {
    let m = StrategyMap::new(
        unit,
        "Plan",
        "2026-01".parse().unwrap(),
        "2026-12".parse().unwrap(),
    );
    s.create_map(&m, None).await.unwrap();
    s.map_document(m.id).await.unwrap()
}

fn measure(objective: ObjectiveId, n: usize) -> Measure {
    Measure::new(objective, format!("Measure {n}")).with_unit("%", 0)
}

/// Commits `ops` on `map` through the commit path as the replica's own edit.
async fn commit(s: &Store, replica: &mut Replica, author: UserId, ops: Vec<Op>) {
    let batch = replica.local(ops).unwrap();
    commit_batch(s, replica, author, batch).await;
}

async fn commit_batch(
    s: &Store,
    replica: &mut Replica,
    author: UserId,
    batch: app::domain::replica::PendingBatch,
) {
    let out = s
        .commit_group(
            replica.view().map.id,
            vec![Submission {
                op_id: batch.op_id,
                author,
                ops: batch.ops,
            }],
            None,
        )
        .await
        .unwrap();
    let committed = &out.results[0].as_ref().unwrap().committed;
    replica.on_ack(committed.op_id, committed.seq);
}

/// Builds the world and returns the store, the maps and every objective (with its map index).
async fn build(
    s: &Store,
    w: &World,
    author: UserId,
) -> (Vec<MapDocument>, Vec<(usize, Objective)>) {
    let root = unit(s, None, "Root").await;
    let a = unit(s, Some(root.id), "Unit A").await;
    let b = unit(s, Some(root.id), "Unit B").await;
    let mut maps = Vec::new();
    for u in [&root, &a, &b] {
        maps.push(map_of(s, u.id).await);
    }
    let mut objectives = Vec::new();
    for (m, count) in w.objectives.iter().enumerate() {
        for k in 0..*count {
            let doc = &maps[m];
            let band = k % doc.perspectives.len();
            let o = Objective::new(
                doc.map.id,
                doc.perspectives[band].id,
                format!("Objective {m}.{k}"),
            )
            .with_position(
                300.0 + 200.0 * k as f64,
                layout::HEADER_HEIGHT + layout::BAND_HEIGHT * (band as f64 + 0.5),
            );
            s.create_objective(&o, None).await.unwrap();
            objectives.push((m, o));
        }
    }
    let ids: Vec<ObjectiveId> = objectives.iter().map(|(_, o)| o.id).collect();
    let mut measures = Vec::new();
    for (n, i) in w.measures.iter().enumerate() {
        let m = measure(ids[i % ids.len()], n);
        s.create_measure(&m, None).await.unwrap();
        measures.push(m);
    }
    for (from, to) in &w.links {
        let (fm, f) = &objectives[from % objectives.len()];
        let (tm, t) = &objectives[to % objectives.len()];
        if fm == tm && f.id != t.id {
            let l = Link::new(f.map_id, f.id, t.id);
            // A pair linked twice is refused; the world simply has it once.
            let _ = s.create_link(&l, None).await;
        }
    }
    let in_map = |m: usize| -> Vec<ObjectiveId> {
        objectives
            .iter()
            .filter(|(x, _)| *x == m)
            .map(|(_, o)| o.id)
            .collect()
    };
    let (top, units) = (in_map(0), [in_map(1), in_map(2)].concat());
    for (n, picks) in w.initiatives.iter().enumerate() {
        let mut linked: Vec<ObjectiveId> = picks.iter().filter_map(|p| pick(&top, *p)).collect();
        linked.sort();
        linked.dedup();
        let i = Initiative::new(
            root.id,
            format!("Initiative {n}"),
            "2026-01-01".parse().unwrap(),
            "2026-12-31".parse().unwrap(),
        )
        .with_progress(InitiativeStatus::OnTrack, 0)
        .with_objectives(linked);
        let mut tx = s.begin().await.unwrap();
        store::create_initiative(&mut tx, &i, None).await.unwrap();
        tx.commit().await.unwrap();
    }
    for (u, p) in &w.alignments {
        if let (Some(unit_objective), Some(parent)) = (pick(&units, *u), pick(&top, *p)) {
            let a = Alignment::new(unit_objective, parent);
            // The same pair twice is refused; the world has it once.
            let _ = s.create_alignment(&a, None).await;
        }
    }
    // Measures deleted on the live map (gaps in their objectives' order), and maybe another
    // objective deleted before (its tombstone is part of the state).
    for d in &w.deleted_measures {
        if let Some(m) = pick(&measures, *d) {
            let (map, _) = objectives
                .iter()
                .find(|(_, o)| o.id == m.objective_id)
                .unwrap();
            let mut r = Replica::new(s.map_document(maps[*map].map.id).await.unwrap());
            if r.view().measures.iter().any(|x| x.id == m.id) {
                let delete = Op::Delete {
                    entity: EntityKind::Measure,
                    id: m.id.0,
                };
                commit(s, &mut r, author, vec![delete]).await;
            }
        }
    }
    if let Some(d) = w.deleted_before {
        let (map, gone) = objectives.remove(d % objectives.len());
        let mut r = Replica::new(s.map_document(maps[map].map.id).await.unwrap());
        let delete = Op::Delete {
            entity: EntityKind::Objective,
            id: gone.id.0,
        };
        commit(s, &mut r, author, vec![delete]).await;
    }
    (maps, objectives)
}

/// Every row of every table, as SQLite quotes it, but the op log, the audit history and the
/// maps' sequences (which record the edits themselves).
async fn whole_database(s: &Store) -> BTreeMap<String, Vec<String>> {
    use sqlx::Row;
    let tables: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT IN ('_sqlx_migrations', 'map_ops', 'audit_log') ORDER BY name",
    )
    .fetch_all(s.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get("name").unwrap())
    .collect();
    let mut out = BTreeMap::new();
    for t in tables {
        let columns: Vec<String> = sqlx::query("SELECT name FROM pragma_table_info($1)")
            .bind(&t)
            .fetch_all(s.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("name").unwrap())
            .filter(|c: &String| !(t == "maps" && c == "seq"))
            .collect();
        let row: Vec<String> = columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
        let sql = format!("SELECT {} AS r FROM \"{t}\"", row.join(" || '|' || "));
        let mut rows: Vec<String> = sqlx::query(&sql)
            .fetch_all(s.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("r").unwrap())
            .collect();
        rows.sort();
        out.insert(t, rows);
    }
    out
}

async fn delete_then_undo(w: World) -> Result<(), TestCaseError> {
    let dir = std::env::temp_dir().join(format!("cairn-undo-{}", uuid::Uuid::new_v4().simple()));
    let url = format!("sqlite://{}/test.db", dir.display());
    let s = Store::open(&url).await.unwrap();
    let author = UserId::new();
    let (maps, objectives) = build(&s, &w, author).await;
    let result = async {
        let Some((map, target)) = pick(&objectives, w.target) else {
            return Ok(());
        };
        let before = whole_database(&s).await;
        let mut r = Replica::new(s.map_document(maps[map].map.id).await.unwrap());
        let delete = Op::Delete {
            entity: EntityKind::Objective,
            id: target.id.0,
        };
        commit(&s, &mut r, author, vec![delete]).await;
        let deleted = whole_database(&s).await;
        prop_assert!(
            !deleted["objectives"]
                .iter()
                .any(|row| row.contains(&target.id.to_string())),
            "the objective was deleted"
        );
        let undo = r.undo().unwrap();
        prop_assert!(undo.skipped.is_empty(), "{:?}", undo.skipped);
        commit_batch(&s, &mut r, author, undo.batch.unwrap()).await;
        let after = whole_database(&s).await;
        for (table, rows) in &before {
            prop_assert_eq!(
                rows,
                &after[table],
                "table {} differs after delete and undo",
                table
            );
        }
        prop_assert_eq!(before.len(), after.len());
        Ok(())
    }
    .await;
    s.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn deleting_an_objective_then_undoing_leaves_the_whole_database_as_it_was(w in world()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(delete_then_undo(w))?;
    }
}
