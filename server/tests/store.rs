//! Store tests: every body runs on SQLite and on PostgreSQL (see `common::both_databases!`).

use crate::common;

use common::Db;

use app::domain::replica;
use app::domain::*;
use app::store::{self, Store, StoreError};

fn period(s: &str) -> Period {
    s.parse().unwrap()
}

async fn user(store: &Store, email: &str) -> User {
    let u = User {
        id: UserId::new(),
        email: email.into(),
        name: "Test Person".into(),
    };
    store.create_user(&u, "not-a-real-hash").await.unwrap();
    u
}

async fn unit(store: &Store, parent: Option<OrgUnitId>, name: &str) -> OrgUnit {
    let kind = if parent.is_some() {
        OrgUnitKind::BusinessUnit
    } else {
        OrgUnitKind::Enterprise
    };
    let u = OrgUnit::new(parent, name, kind);
    store.create_org_unit(&u, None).await.unwrap();
    u
}

async fn map_on(store: &Store, unit: OrgUnitId, name: &str) -> MapDocument {
    let m = StrategyMap::new(unit, name, period("2026-01"), period("2026-12"));
    store.create_map(&m, None).await.unwrap();
    store.map_document(m.id).await.unwrap()
}

fn objective(doc: &MapDocument, rank: usize, title: &str) -> Objective {
    Objective::new(doc.map.id, doc.perspectives[rank].id, title)
        .with_position(300.0, 100.0 + 180.0 * rank as f64)
}

/// A root unit with one map, "A", holding one stored objective in the perspective of `rank`.
async fn one_objective(
    store: &Store,
    rank: usize,
    title: &str,
) -> (OrgUnit, MapDocument, Objective) {
    let root = unit(store, None, "Root").await;
    let doc = map_on(store, root.id, "A").await;
    let o = objective(&doc, rank, title);
    store.create_objective(&o, None).await.unwrap();
    (root, doc, o)
}

/// The rows of `table`.
async fn count(store: &Store, table: &str) -> i64 {
    common::count(store, &format!("SELECT COUNT(*) FROM {table}"), &[]).await
}

/// Why a write was refused as invalid (any other outcome fails the test).
fn invalid<T: std::fmt::Debug>(result: store::StoreResult<T>) -> ValidationError {
    match result {
        Err(StoreError::Invalid(why)) => why,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

both_databases!(
    migrations_run_once_and_reopen_cleanly,
    |db: Db| async move {
        assert!(db.store.is_empty().await.unwrap());
        db.store.ping().await.unwrap();
        // A second instance opening the same database finds it migrated and intact.
        let again = db.reopen().await;
        assert!(again.is_empty().await.unwrap());
    }
);

both_databases!(
    users_are_unique_by_email_ignoring_case,
    |db: Db| async move {
        let u = user(&db.store, "Ada@Example.com").await;
        let (found, hash) = db
            .store
            .user_with_hash("  ada@example.COM ")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, u.id);
        assert_eq!(hash, "not-a-real-hash");
        let dup = User {
            id: UserId::new(),
            email: "ada@example.com".into(),
            name: "Other".into(),
        };
        let err = db.store.create_user(&dup, "h").await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        let bad = User {
            id: UserId::new(),
            email: "nope".into(),
            name: "X".into(),
        };
        assert!(matches!(
            db.store.create_user(&bad, "h").await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(db.store.users().await.unwrap().len(), 1);
    }
);

both_databases!(sessions_expire_and_end, |db: Db| async move {
    let u = user(&db.store, "s@example.com").await;
    db.store.create_session("live", u.id, 2_000).await.unwrap();
    db.store.create_session("old", u.id, 500).await.unwrap();
    assert_eq!(
        db.store
            .session_user("live", 1_000)
            .await
            .unwrap()
            .map(|x| x.id),
        Some(u.id)
    );
    assert_eq!(db.store.session_user("old", 1_000).await.unwrap(), None);
    assert_eq!(db.store.session_user("unknown", 1_000).await.unwrap(), None);
    db.store.delete_session("live").await.unwrap();
    assert_eq!(db.store.session_user("live", 1_000).await.unwrap(), None);
});

both_databases!(
    roles_are_granted_per_unit_and_inherited,
    |db: Db| async move {
        let root = unit(&db.store, None, "Root").await;
        let bu = unit(&db.store, Some(root.id), "BU").await;
        let u = user(&db.store, "r@example.com").await;
        db.store
            .grant_role(u.id, root.id, Role::Viewer)
            .await
            .unwrap();
        db.store
            .grant_role(u.id, root.id, Role::Editor)
            .await
            .unwrap(); // replaces, not duplicates
        let grants = db.store.grants_of(u.id).await.unwrap();
        assert_eq!(grants, vec![(u.id, root.id, Role::Editor)]);
        let parents = db.store.unit_parents().await.unwrap();
        assert_eq!(
            role::effective_role(u.id, bu.id, &parents, &grants),
            Some(Role::Editor)
        );
        // A unit under a missing parent is refused.
        let orphan = OrgUnit::new(Some(OrgUnitId::new()), "X", OrgUnitKind::Function);
        assert!(matches!(
            db.store.create_org_unit(&orphan, None).await,
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(db.store.org_units().await.unwrap().len(), 2);
    }
);

both_databases!(
    maps_start_with_four_perspectives_top_first,
    |db: Db| async move {
        let root = unit(&db.store, None, "Root").await;
        let doc = map_on(&db.store, root.id, "Strategy").await;
        let names: Vec<_> = doc.perspectives.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, DEFAULT_PERSPECTIVES);
        let summaries = db.store.map_summaries().await.unwrap();
        assert_eq!(summaries.len(), 1);
        assert_eq!(summaries[0].0, root.id);
        // A reversed period is refused and nothing is written.
        let mut bad = doc.map.clone();
        bad.id = MapId::new();
        bad.period_end = period("2025-01");
        let why = invalid(db.store.create_map(&bad, None).await);
        assert_eq!(why, ValidationError::PeriodReversed);
        assert_eq!(count(&db.store, "maps").await, 1);
        assert_eq!(count(&db.store, "perspectives").await, 4);
    }
);

both_databases!(
    objectives_and_links_obey_the_map_rules,
    |db: Db| async move {
        let root = unit(&db.store, None, "Root").await;
        let doc = map_on(&db.store, root.id, "A").await;
        let other = map_on(&db.store, root.id, "B").await;
        let a = objective(&doc, 2, "Reduce delivery time");
        let b = objective(&doc, 1, "Increase client satisfaction");
        db.store.create_objective(&a, None).await.unwrap();
        db.store.create_objective(&b, None).await.unwrap();

        // A perspective of another map is refused.
        let mut stray = objective(&doc, 0, "Grow revenue");
        stray.perspective_id = other.perspectives[0].id;
        let err = db.store.create_objective(&stray, None).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(ValidationError::NotOnMap(_))),
            "{err:?}"
        );
        // An empty title is refused with the field named.
        let empty = objective(&doc, 0, "   ");
        assert_eq!(
            db.store
                .create_objective(&empty, None)
                .await
                .unwrap_err()
                .to_string(),
            "Title must not be empty"
        );

        let link = Link::new(doc.map.id, a.id, b.id).with_hypothesis("Faster is happier");
        db.store.create_link(&link, None).await.unwrap();
        let dup = Link {
            id: LinkId::new(),
            ..link.clone()
        };
        let why = invalid(db.store.create_link(&dup, None).await);
        assert_eq!(why, ValidationError::DuplicateLink);
        let selfie = Link {
            id: LinkId::new(),
            to_id: a.id,
            ..link.clone()
        };
        let why = invalid(db.store.create_link(&selfie, None).await);
        assert_eq!(why, ValidationError::SelfLink);
        let c = objective(&other, 0, "Grow revenue");
        db.store.create_objective(&c, None).await.unwrap();
        let across = Link::new(doc.map.id, a.id, c.id);
        let why = invalid(db.store.create_link(&across, None).await);
        assert_eq!(why, ValidationError::LinkAcrossMaps);

        let reread = db.store.map_document(doc.map.id).await.unwrap();
        assert_eq!(reread.objectives.len(), 2);
        assert_eq!(reread.links, vec![link]);
        let stored_a = reread.objectives.iter().find(|o| o.id == a.id).unwrap();
        assert_eq!(stored_a, &a);
    }
);

both_databases!(
    actuals_upsert_and_scorecard_reads_latest,
    |db: Db| async move {
        let (_, doc, o) = one_objective(&db.store, 1, "Increase renewals").await;
        let m = Measure::new(o.id, "Renewal rate")
            .with_definition("Renewed contracts / contracts due")
            .with_unit("%", 1)
            .with_baseline(70.0);
        db.store.create_measure(&m, None).await.unwrap();
        let mut tx = db.store.begin().await.unwrap();
        for (p, goal) in [("2026-01", 80.0), ("2026-02", 81.0), ("2026-03", 82.0)] {
            store::set_target(
                &mut tx,
                &Target {
                    measure_id: m.id,
                    period: period(p),
                    goal,
                    red_flag: goal - 5.0,
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let actual = |p: &str, value: f64| Actual {
            measure_id: m.id,
            period: period(p),
            value,
            note: String::new(),
            entered_by: None,
            entered_at: store::now_text(),
            source: DataSource::Manual,
        };
        db.store
            .record_actual(&actual("2026-01", 71.0))
            .await
            .unwrap();
        db.store
            .record_actual(&actual("2026-02", 74.0))
            .await
            .unwrap();
        db.store
            .record_actual(&actual("2026-02", 79.5))
            .await
            .unwrap(); // replaces February
        assert!(matches!(
            db.store.record_actual(&actual("2026-03", f64::NAN)).await,
            Err(StoreError::Invalid(_))
        ));
        let unknown = Actual {
            measure_id: MeasureId::new(),
            ..actual("2026-03", 1.0)
        };
        assert!(matches!(
            db.store.record_actual(&unknown).await,
            Err(StoreError::NotFound("measure"))
        ));

        let history = db.store.actuals(m.id).await.unwrap();
        assert_eq!(
            history.iter().map(|a| a.value).collect::<Vec<_>>(),
            vec![71.0, 79.5]
        );
        let (_, model) = db
            .store
            .score_model(doc.map.id, period("2026-03"))
            .await
            .unwrap();
        let feb = model.span(app::domain::scoring::Span::Month {
            period: period("2026-02"),
        });
        let row = feb.measure(m.id).unwrap();
        assert_eq!(row.actual, Some(79.5));
        assert_eq!(row.goal, Some(81.0));
        assert_eq!(row.latest, Some(period("2026-02")));
        // 3.33 + (79.5 − 76) / (81 − 76) × 3.34 = 5.668 → amber.
        assert!((row.score.value.unwrap() - 5.668).abs() < 1e-9);
        assert_eq!(db.store.map_of_measure(m.id).await.unwrap(), doc.map.id);
    }
);

both_databases!(
    a_failed_multi_row_write_leaves_nothing_behind,
    |db: Db| async move {
        let (root, _, o) = one_objective(&db.store, 3, "Build skills").await;
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let initiative = Initiative::new(root.id, "Academy", d("2026-01-01"), d("2026-06-30"))
            .with_budget(100.0, 0.0)
            // The second objective does not exist: the whole write must roll back.
            .with_objectives(vec![o.id, ObjectiveId::new()]);
        let mut tx = db.store.begin().await.unwrap();
        let err = store::create_initiative(&mut tx, &initiative, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound("objective")));
        drop(tx); // rolled back
        assert_eq!(count(&db.store, "initiatives").await, 0);
        assert_eq!(count(&db.store, "initiative_objectives").await, 0);

        let ok = Initiative {
            id: InitiativeId::new(),
            objective_ids: vec![o.id],
            ..initiative
        };
        let mut tx = db.store.begin().await.unwrap();
        store::create_initiative(&mut tx, &ok, None).await.unwrap();
        tx.commit().await.unwrap();
        let listed = db.store.initiatives_of(root.id).await.unwrap();
        assert_eq!(listed, vec![ok]);
    }
);

both_databases!(
    alignments_only_point_to_the_parent_map,
    |db: Db| async move {
        let root = unit(&db.store, None, "Root").await;
        let bu = unit(&db.store, Some(root.id), "BU").await;
        let sibling = unit(&db.store, Some(root.id), "Sibling").await;
        let top = map_on(&db.store, root.id, "Enterprise").await;
        let unit_map = map_on(&db.store, bu.id, "BU plan").await;
        let sibling_map = map_on(&db.store, sibling.id, "Sibling plan").await;
        let parent_obj = objective(&top, 1, "Increase renewals");
        let unit_obj = objective(&unit_map, 2, "Shorten onboarding");
        let sibling_obj = objective(&sibling_map, 2, "Something else");
        for o in [&parent_obj, &unit_obj, &sibling_obj] {
            db.store.create_objective(o, None).await.unwrap();
        }
        let a = Alignment::new(unit_obj.id, parent_obj.id)
            .with_note("Faster onboarding keeps customers");
        db.store.create_alignment(&a, None).await.unwrap();
        let to_sibling = Alignment::new(unit_obj.id, sibling_obj.id);
        let why = invalid(db.store.create_alignment(&to_sibling, None).await);
        assert_eq!(why, ValidationError::AlignmentNotToParent);
        let dup = Alignment {
            id: AlignmentId::new(),
            ..a.clone()
        };
        let why = invalid(db.store.create_alignment(&dup, None).await);
        assert_eq!(why, ValidationError::DuplicateAlignment);
        let doc = db.store.map_document(unit_map.map.id).await.unwrap();
        assert_eq!(doc.alignments.len(), 1);
        assert_eq!(doc.alignments[0].parent_title, "Increase renewals");
        assert_eq!(doc.alignments[0].note, "Faster onboarding keeps customers");
        assert!(doc.map_is_unit());
        // The unit map lists what it may support (the parent unit's objectives, not the
        // sibling's); the parent map lists who supports it.
        let ids: Vec<_> = doc.parent_objectives.iter().map(|p| p.id).collect();
        assert_eq!(ids, vec![parent_obj.id]);
        let top_doc = db.store.map_document(top.map.id).await.unwrap();
        assert_eq!(top_doc.supporters.len(), 1);
        assert_eq!(top_doc.supporters[0].unit_name, "BU");
        assert_eq!(top_doc.supporters[0].objective_title, "Shorten onboarding");
        assert!(top_doc.parent_objectives.is_empty());
    }
);

both_databases!(every_change_is_audited, |db: Db| async move {
    let (_, _, o) = one_objective(&db.store, 0, "Grow revenue").await;
    use sqlx::Row;
    let rows = sqlx::query("SELECT entity, action FROM audit_log WHERE entity_id = $1")
        .bind(o.id.to_string())
        .fetch_all(db.store.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].try_get::<String, _>("entity").unwrap(), "objective");
    assert!(count(&db.store, "audit_log").await >= 3); // unit, map, objective
});

both_databases!(the_demo_company_loads_and_reads_back, |db: Db| async move {
    let today = period("2026-10");
    server::demo::load(
        &db.store,
        server::demo::DEMO_ADMIN_EMAIL,
        "a demo password",
        today,
    )
    .await
    .unwrap();
    let summaries = db.store.map_summaries().await.unwrap();
    assert_eq!(summaries.len(), 3);
    let (_, enterprise) = summaries
        .iter()
        .find(|(_, m)| m.name.starts_with("Northwind"))
        .unwrap();
    assert!((12..=18).contains(&enterprise.objective_count));
    let (doc, model) = db.store.score_model(enterprise.id, today).await.unwrap();
    let now = model.span(app::domain::scoring::Span::Month { period: today });
    assert!(now.measures.len() >= 14);
    for m in doc
        .measures
        .iter()
        .filter(|m| m.frequency == Frequency::Monthly)
    {
        let s = now.measure(m.id).unwrap();
        assert!(s.latest.is_some() && s.goal.is_some(), "{}", m.name);
    }
    assert!(!db.store.is_empty().await.unwrap());
});

both_databases!(
    api_tokens_store_a_hash_scopes_last_use_and_revocation,
    |db: Db| async move {
        let s = &db.store;
        let admin = user(s, "token.admin@example.com").await;
        let root = unit(s, None, "Root").await;
        let child = unit(s, Some(root.id), "Child").await;
        let token = ApiToken {
            id: ApiTokenId::new(),
            name: " ERP feed ".into(),
            units: vec![child.id, root.id, child.id],
            can_write: true,
            can_administer: false,
            created_by: Some(admin.id),
            created_at: store::now_text(),
            last_used_at: None,
            revoked_at: None,
        };
        s.create_api_token(&token, "hash-1", Some(admin.id))
            .await
            .unwrap();
        let stored = s.api_token_by_hash("hash-1").await.unwrap().unwrap();
        assert_eq!(stored.name, "ERP feed");
        let mut expected = vec![root.id, child.id];
        expected.sort();
        let mut units = stored.units.clone();
        units.sort();
        assert_eq!(units, expected, "scopes stored once each");
        assert!(stored.can_write && stored.last_used_at.is_none() && stored.revoked_at.is_none());
        assert!(s.api_token_by_hash("hash-2").await.unwrap().is_none());
        // The same hash twice is a conflict, and the failed insert leaves nothing behind.
        let twin = ApiToken {
            id: ApiTokenId::new(),
            ..token.clone()
        };
        assert!(matches!(
            s.create_api_token(&twin, "hash-1", None).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(s.api_tokens().await.unwrap().len(), 1);
        // Invalid tokens are refused.
        let nameless = ApiToken {
            id: ApiTokenId::new(),
            name: "".into(),
            ..token.clone()
        };
        assert!(matches!(
            s.create_api_token(&nameless, "hash-3", None).await,
            Err(StoreError::Invalid(_))
        ));
        // Last use is recorded, then not rewritten within the minute.
        s.touch_api_token(token.id).await.unwrap();
        let first = s.api_token(token.id).await.unwrap().last_used_at.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        s.touch_api_token(token.id).await.unwrap();
        assert_eq!(
            s.api_token(token.id).await.unwrap().last_used_at.unwrap(),
            first
        );
        // Revoked once; a second revoke changes nothing.
        assert!(s.revoke_api_token(token.id, Some(admin.id)).await.unwrap());
        assert!(!s.revoke_api_token(token.id, Some(admin.id)).await.unwrap());
        assert!(s.api_token(token.id).await.unwrap().revoked_at.is_some());
        assert!(matches!(
            s.api_token(ApiTokenId::new()).await,
            Err(StoreError::NotFound(_))
        ));
    }
);

/// A database beside `db`'s, migrated only up to `version` (as an older Cairn left it), where a
/// test seeds old rows before the newer migrations run on them. Returns its URL and a pool;
/// [`drop_older_database`] removes it.
async fn older_database(db: &common::TestDb, version: i64) -> (String, sqlx::AnyPool) {
    let url = match db.store.backend() {
        store::Backend::Sqlite => db.url.replace("test.db", "older.db") + "?mode=rwc",
        store::Backend::Postgres => {
            let name = format!("cairn_older_{}", uuid::Uuid::new_v4().simple());
            sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                .execute(db.store.pool())
                .await
                .unwrap();
            let cut = db.url.rfind('/').unwrap();
            format!("{}/{name}", &db.url[..cut])
        }
    };
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let mut older = sqlx::migrate::Migrator::DEFAULT;
    older.migrations = store::MIGRATOR
        .iter()
        .filter(|m| m.version <= version)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    older.run(&pool).await.unwrap();
    (url, pool)
}

async fn drop_older_database(db: &common::TestDb, url: &str) {
    if db.store.backend() == store::Backend::Postgres {
        let name = url.rsplit('/').next().unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(db.store.pool())
            .await
            .unwrap();
    }
}

/// Runs `sql` with text binds on `pool`.
async fn exec(pool: &sqlx::AnyPool, sql: &str, binds: &[&str]) {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(b.to_string());
    }
    q.execute(pool).await.unwrap();
}

both_databases!(
    migrations_bring_rows_of_older_versions_in_line,
    |db: Db| async move {
        use sqlx::Row;
        let (url, pool) = older_database(&db, 5).await;
        let (unit, map) = (OrgUnitId::new().to_string(), MapId::new().to_string());
        let (objective, measure) = (ObjectiveId::new(), MeasureId::new().to_string());
        let (logged, unlogged) = (MeasureId::new().to_string(), MeasureId::new().to_string());
        exec(
            &pool,
            "INSERT INTO org_units (id, name, kind) VALUES ($1, 'Root', 'enterprise')",
            &[&unit],
        )
        .await;
        exec(
            &pool,
            "INSERT INTO maps (id, org_unit_id, name, vision, mission, map_values, period_start, period_end, status, created_at) \
             VALUES ($1, $2, 'Old map', '', '', '', '2026-01', '2026-12', 'draft', '2026-01-01T00:00:00Z')",
            &[&map, &unit],
        )
        .await;
        let perspectives: Vec<String> = (0..4).map(|_| PerspectiveId::new().to_string()).collect();
        for (rank, p) in perspectives.iter().enumerate() {
            exec(
                &pool,
                &format!("INSERT INTO perspectives (id, map_id, name, rank) VALUES ($1, $2, 'P{rank}', {rank})"),
                &[p, &map],
            )
            .await;
        }
        // A Customer (second band) objective stored in the fourth band.
        exec(
            &pool,
            "INSERT INTO objectives (id, map_id, perspective_id, title, description, x, y) \
             VALUES ($1, $2, $3, 'Misplaced', '', 300, 674)",
            &[&objective.to_string(), &map, &perspectives[1]],
        )
        .await;
        exec(
            &pool,
            "INSERT INTO measures (id, objective_id, name, definition, unit, decimals, frequency, polarity, indicator, data_source, weight) \
             VALUES ($1, $2, 'Kept', '', '%', 0, 'monthly', 'higher_is_better', 'lagging', 'manual', 1)",
            &[&measure, &objective.to_string()],
        )
        .await;
        // Two deleted measures whose actuals remain: one named by the map's op log, one not.
        for gone in [&logged, &unlogged] {
            exec(
                &pool,
                "INSERT INTO actuals (measure_id, period, value, note, entered_at, source) \
                 VALUES ($1, '2026-03', 1, '', '2026-04-01T00:00:00Z', 'manual')",
                &[gone],
            )
            .await;
        }
        let ops = format!(r#"[{{"op":"delete","entity":"measure","id":"{logged}"}}]"#);
        exec(
            &pool,
            "INSERT INTO map_ops (map_id, seq, op_id, author, ops, at) VALUES ($1, 1, $2, 'someone', $3, '2026-04-01T00:00:00Z')",
            &[&map, &uuid::Uuid::new_v4().to_string(), &ops],
        )
        .await;
        pool.close().await;

        // The newer migrations run when the store opens.
        let upgraded = Store::open(&url).await.unwrap();
        let placed = upgraded.objective(objective).await.unwrap();
        let band = app::domain::layout::Frame { bands: 4, lanes: 1 }.band(1);
        assert!(
            placed.y - 38.0 >= band.y && placed.y + 38.0 <= band.y + band.h,
            "the box is back in its band: {}",
            placed.y
        );
        let owner = |id: String| {
            let pool = upgraded.pool().clone();
            async move {
                sqlx::query("SELECT map_id FROM map_entity_ids WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&pool)
                    .await
                    .unwrap()
                    .map(|r| r.try_get::<Option<String>, _>("map_id").unwrap())
            }
        };
        for id in [
            objective.to_string(),
            measure.clone(),
            perspectives[2].clone(),
            logged.clone(),
        ] {
            assert_eq!(
                owner(id.clone()).await,
                Some(Some(map.clone())),
                "{id} is the map's"
            );
        }
        assert_eq!(owner(unlogged).await, Some(None), "used, map unknown");
        upgraded.close().await;
        drop_older_database(&db, &url).await;
    }
);

/// The rows an objective's delete may take with it and its undo must bring back, as text, in a
/// stable order (a table per line group).
async fn dependent_rows(store: &Store) -> Vec<String> {
    use sqlx::Row;
    let queries = [
        "SELECT 'io' AS t, initiative_id || ' ' || objective_id AS r FROM initiative_objectives",
        "SELECT 'al' AS t, id || ' ' || unit_objective_id || ' ' || parent_objective_id AS r FROM alignments",
        "SELECT 'me' AS t, id || ' ' || objective_id || ' ' || name || ' ' || CAST(sort_order AS TEXT) AS r FROM measures",
        "SELECT 'li' AS t, id || ' ' || from_id || ' ' || to_id || ' ' || hypothesis AS r FROM links",
        "SELECT 'ob' AS t, id || ' ' || perspective_id || ' ' || title || ' ' || CAST(x AS TEXT) || ' ' || CAST(y AS TEXT) AS r FROM objectives",
        "SELECT 'tb' AS t, objective_id || ' ' || row_key AS r FROM objective_tombstones",
    ];
    let mut out = Vec::new();
    for q in queries {
        for row in sqlx::query(q).fetch_all(store.pool()).await.unwrap() {
            let t: String = row.try_get("t").unwrap();
            let r: String = row.try_get("r").unwrap();
            out.push(format!("{t} {r}"));
        }
    }
    out.sort();
    out
}

/// Commits the replica's next batch (an edit, undo or redo) as `author` and confirms it.
async fn commit_local(
    store: &Store,
    replica: &mut replica::Replica,
    author: UserId,
    batch: replica::PendingBatch,
) -> MapDocument {
    let map = replica.view().map.id;
    let out = store
        .commit_group(
            map,
            vec![store::Submission {
                op_id: batch.op_id,
                author,
                ops: batch.ops.clone(),
            }],
            None,
        )
        .await
        .unwrap();
    let committed = out.results[0].as_ref().unwrap().committed.clone();
    replica.on_ack(committed.op_id, committed.seq);
    out.doc
}

/// The map document as a reload shows it, up to the order of its lists (and its sequence).
fn sorted(doc: &MapDocument) -> MapDocument {
    let mut d = doc.clone();
    d.objectives.sort_by_key(|o| o.id);
    d.links.sort_by_key(|l| l.id);
    d.measures.sort_by_key(|m| m.id);
    let by_ids = |a: &AlignmentView| (a.unit_objective_id, a.parent_objective_id);
    d.alignments.sort_by_key(by_ids);
    d.deleted_alignments.sort_by_key(by_ids);
    // Read beside the content, not part of the op sequence: a commit's document keeps the
    // names and supporters it was read with (supporters of a deleted objective stay listed).
    d.people.clear();
    d.supporters.clear();
    d.seq = 0;
    d
}

both_databases!(
    deleting_an_objective_and_undoing_it_restores_every_dependent_row,
    |db: Db| async move {
        use app::domain::ops::{EntityKind, Op};
        use sqlx::Row;
        common::load_demo(&db.store).await;
        let s = &db.store;
        let top = common::enterprise_map(s).await;
        let author = s.users().await.unwrap()[0].id;
        // An enterprise objective that an initiative moves and a unit objective supports.
        let row = sqlx::query(
            "SELECT o.id FROM objectives o WHERE o.map_id = $1 \
             AND EXISTS (SELECT 1 FROM initiative_objectives i WHERE i.objective_id = o.id) \
             AND EXISTS (SELECT 1 FROM alignments a WHERE a.parent_objective_id = o.id) \
             ORDER BY o.id",
        )
        .bind(top.map.id.to_string())
        .fetch_one(s.pool())
        .await
        .unwrap();
        let e: ObjectiveId = row.try_get::<String, _>("id").unwrap().parse().unwrap();
        let aligned =
            sqlx::query("SELECT unit_objective_id FROM alignments WHERE parent_objective_id = $1")
                .bind(e.to_string())
                .fetch_all(s.pool())
                .await
                .unwrap();
        let unit_objective: ObjectiveId = aligned[0]
            .try_get::<String, _>("unit_objective_id")
            .unwrap()
            .parse()
            .unwrap();
        let unit_map = s.objective(unit_objective).await.unwrap().map_id;
        let before = dependent_rows(s).await;
        let unit_before = sorted(&s.map_document(unit_map).await.unwrap());
        assert!(unit_before
            .alignments
            .iter()
            .any(|a| a.parent_objective_id == e));

        let mut r = replica::Replica::new(top.clone());
        let delete = Op::Delete {
            entity: EntityKind::Objective,
            id: e.0,
        };
        let batch = r.local(vec![delete]).unwrap();
        commit_local(s, &mut r, author, batch).await;
        let gone = dependent_rows(s).await;
        for io in before
            .iter()
            .filter(|l| l.starts_with("io ") && l.ends_with(&e.to_string()))
        {
            assert!(!gone.contains(io), "the initiative link went with it: {io}");
        }
        let unit_after = s.map_document(unit_map).await.unwrap();
        assert!(unit_after
            .alignments
            .iter()
            .all(|a| a.parent_objective_id != e));

        for round in 0..2 {
            let undo = r.undo().unwrap();
            assert!(undo.skipped.is_empty(), "{:?}", undo.skipped);
            let doc = commit_local(s, &mut r, author, undo.batch.unwrap()).await;
            assert_eq!(dependent_rows(s).await, before, "round {round}: all back");
            assert_eq!(
                sorted(&s.map_document(unit_map).await.unwrap()),
                unit_before,
                "round {round}: the unit map shows its alignment again"
            );
            // The committed document (the live room's cache) is what a reload reads.
            assert_eq!(
                sorted(&doc),
                sorted(&s.map_document(top.map.id).await.unwrap())
            );
            if round == 0 {
                let redo = r.redo().unwrap();
                commit_local(s, &mut r, author, redo.batch.unwrap()).await;
                assert_eq!(dependent_rows(s).await.len(), gone.len(), "removed again");
                assert!(s
                    .map_document(unit_map)
                    .await
                    .unwrap()
                    .alignments
                    .iter()
                    .all(|a| a.parent_objective_id != e));
            }
        }

        // The unit side: deleting the unit objective keeps its alignment aside in the map
        // document too, and undo brings it back, live as on reload.
        let unit_doc = s.map_document(unit_map).await.unwrap();
        let mut r = replica::Replica::new(unit_doc.clone());
        let delete = Op::Delete {
            entity: EntityKind::Objective,
            id: unit_objective.0,
        };
        let batch = r.local(vec![delete]).unwrap();
        let doc = commit_local(s, &mut r, author, batch).await;
        let reloaded = s.map_document(unit_map).await.unwrap();
        assert!(reloaded
            .deleted_alignments
            .iter()
            .any(|a| a.unit_objective_id == unit_objective && a.parent_objective_id == e));
        assert_eq!(sorted(&doc), sorted(&reloaded));
        assert_eq!(sorted(r.view()), sorted(&reloaded));
        let undo = r.undo().unwrap();
        let doc = commit_local(s, &mut r, author, undo.batch.unwrap()).await;
        assert_eq!(dependent_rows(s).await, before);
        assert_eq!(sorted(&doc), unit_before);
        assert_eq!(sorted(r.view()), unit_before);
    }
);

/// Every foreign key of the schema: (table, column, referenced table).
async fn foreign_keys(store: &Store) -> Vec<(String, String, String)> {
    use sqlx::Row;
    let sql = match store.backend() {
        store::Backend::Sqlite => {
            "SELECT m.name AS t, f.\"from\" AS c, f.\"table\" AS r \
             FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'"
        }
        store::Backend::Postgres => {
            "SELECT CAST(k.table_name AS TEXT) AS t, CAST(k.column_name AS TEXT) AS c, \
                    CAST(u.table_name AS TEXT) AS r \
             FROM information_schema.table_constraints tc \
             JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name \
             JOIN information_schema.constraint_column_usage u ON u.constraint_name = tc.constraint_name \
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()"
        }
    };
    sqlx::query(sql)
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let get = |c: &str| r.try_get::<String, _>(c).unwrap().to_lowercase();
            (get("t"), get("c"), get("r"))
        })
        .collect()
}

/// The columns of a table, in any order.
async fn columns_of(store: &Store, table: &str) -> Vec<String> {
    use sqlx::Row;
    let sql = match store.backend() {
        store::Backend::Sqlite => "SELECT name AS c FROM pragma_table_info($1)",
        store::Backend::Postgres => {
            "SELECT CAST(column_name AS TEXT) AS c FROM information_schema.columns \
             WHERE table_name = $1 AND table_schema = current_schema()"
        }
    };
    let mut cols: Vec<String> = sqlx::query(sql)
        .bind(table)
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>("c").unwrap())
        .collect();
    cols.sort();
    cols
}

both_databases!(
    every_row_an_objective_takes_with_it_is_kept_for_undo,
    |db: Db| async move {
        use app::store::tombstones::{Return, DEPENDENTS};
        let fks = foreign_keys(&db.store).await;
        assert!(
            fks.iter()
                .any(|(t, c, r)| (t.as_str(), c.as_str(), r.as_str())
                    == ("alignments", "parent_objective_id", "objectives")),
            "the schema's foreign keys were read: {fks:?}"
        );
        // A table that references objectives (or measures, which go with them) goes with a
        // deleted objective: either the undo ops carry its rows whole (links), or it is in the
        // tombstone registry.
        for (table, column, _) in fks
            .iter()
            .filter(|(_, _, r)| r == "objectives" || r == "measures")
        {
            let listed = DEPENDENTS
                .iter()
                .any(|d| d.table == table && d.objectives.contains(&column.as_str()));
            assert!(
                table == "links" || table == "measures" || listed,
                "{table}.{column} references objectives or measures: add it to store::tombstones::DEPENDENTS"
            );
        }
        // A row that comes back whole is captured whole.
        for d in DEPENDENTS.iter().filter(|d| d.comes_back == Return::Row) {
            let mut captured: Vec<String> = d
                .key
                .iter()
                .chain(d.columns)
                .map(|c| c.name().to_string())
                .collect();
            captured.sort();
            assert_eq!(
                captured,
                columns_of(&db.store, d.table).await,
                "{}",
                d.table
            );
        }
    }
);

/// A new valid value for each field of each entity of the demo's enterprise map. A field added
/// to a table in `ops` without a value here fails the test below, so none escapes it.
fn new_value(
    doc: &MapDocument,
    entity: app::domain::ops::EntityKind,
    id: uuid::Uuid,
    field: app::domain::ops::Field,
    users: &[UserId],
) -> serde_json::Value {
    use app::domain::ops::{current_value, EntityKind as E, Field as F, Position};
    use serde_json::json;
    let now = current_value(doc, entity, id, field).expect("the field reads");
    let other_user = || json!(users.iter().find(|u| json!(Some(**u)) != now).copied());
    let toggle = |a: serde_json::Value, b: serde_json::Value| if now == a { b } else { a };
    let number = |a: f64| {
        if now == json!(a) {
            json!(a + 0.5)
        } else {
            json!(a)
        }
    };
    match (entity, field) {
        (E::Objective, F::Title) => json!("Grow the renamed objective"),
        (E::Objective, F::Description) => json!("A new description"),
        (E::Objective, F::Owner) => other_user(),
        (E::Objective, F::Perspective) => {
            json!(doc
                .perspectives
                .iter()
                .map(|p| p.id)
                .find(|p| json!(p) != now))
        }
        (E::Objective, F::Theme) => json!(doc
            .themes
            .iter()
            .map(|t| t.id)
            .find(|t| json!(Some(t)) != now)),
        (E::Objective, F::Position) => {
            let p: Position = serde_json::from_value(now).unwrap();
            json!(Position {
                x: p.x + 40.0,
                y: p.y
            })
        }
        (E::Objective, F::Weight) => number(2.5),
        (E::Objective, F::RollUp) => toggle(json!("worst_child"), json!("weighted_average")),
        (E::Objective, F::Local) => toggle(json!(true), json!(false)),
        (E::Objective, F::UnitRollUp) => toggle(json!(true), json!(false)),
        (E::Link, F::Hypothesis) => json!("Because the one drives the other"),
        (E::Link, F::Direction) => toggle(json!("opposite"), json!("same")),
        (E::Link, F::Lag) => toggle(json!(5), json!(null)),
        (E::Theme, F::Name) => json!("Renamed theme"),
        (E::Theme, F::Colour) => toggle(json!("#123456"), json!("#654321")),
        (E::Theme, F::Rank) => json!(doc.themes.len() + 3),
        (E::Theme, F::Description) => json!("What the theme is about"),
        (E::Theme, F::Owner) => other_user(),
        (E::Perspective, F::Name) => json!("Renamed perspective"),
        (E::Perspective, F::Rank) => json!(doc.perspectives.len() + 3),
        (E::Perspective, F::Weight) => number(2.5),
        (E::Map, F::Name) => json!("Renamed map"),
        (E::Map, F::Status) => toggle(
            json!(app::domain::MapStatus::Draft),
            json!(app::domain::MapStatus::Active),
        ),
        (E::Map, F::Period) => {
            // The demo's period spans years: a one-month period at its start is new and valid.
            let p: app::domain::ops::MapPeriod = serde_json::from_value(now).unwrap();
            json!(app::domain::ops::MapPeriod {
                start: p.start,
                end: p.start,
            })
        }
        (E::Map, F::Vision) => json!("A new vision"),
        (E::Map, F::Mission) => json!("A new mission"),
        (E::Map, F::Values) => json!("New values"),
        (E::Map, F::HealthOff) => json!([app::domain::health::Rule::VerbTitle.as_str()]),
        (E::Measure, F::Name) => json!("Renamed measure"),
        (E::Measure, F::Definition) => json!("A new definition"),
        (E::Measure, F::Unit) => toggle(json!("km"), json!("kg")),
        (E::Measure, F::Decimals) => toggle(json!(3), json!(4)),
        (E::Measure, F::Frequency) => {
            toggle(json!(Frequency::Quarterly), json!(Frequency::Monthly))
        }
        (E::Measure, F::Polarity) => toggle(
            json!(Polarity::LowerIsBetter),
            json!(Polarity::HigherIsBetter),
        ),
        (E::Measure, F::Indicator) => toggle(json!(Indicator::Leading), json!(Indicator::Lagging)),
        (E::Measure, F::DataSource) => toggle(json!(DataSource::Import), json!(DataSource::Api)),
        (E::Measure, F::DataOwner) => other_user(),
        (E::Measure, F::Baseline) => number(12.5),
        (E::Measure, F::Weight) => number(2.5),
        (E::Measure, F::Scoring) => toggle(
            json!(app::domain::scoring::ScoringType::GoalOnly),
            json!(app::domain::scoring::ScoringType::GoalRedFlag),
        ),
        (E::Measure, F::Aggregation) => toggle(
            json!(app::domain::scoring::Aggregation::Sum),
            json!(app::domain::scoring::Aggregation::Average),
        ),
        (E::Measure, F::Formula) => json!("[Some measure] * 2"),
        (E::Measure, F::MissingData) => toggle(
            json!(app::domain::formula::MissingData::Zero),
            json!(app::domain::formula::MissingData::Blank),
        ),
        (E::Alignment, F::Note) => json!("Contributes through renewals"),
        (entity, field) => panic!("give the test a new value for {entity} {field:?}"),
    }
}

both_databases!(
    every_field_of_every_entity_survives_a_reload,
    |db: Db| async move {
        use app::domain::ops::{self, EntityKind as E, Field, Op};
        common::load_demo(&db.store).await;
        let s = &db.store;
        // A unit map: it has every kind of item, alignments included.
        let mut doc = common::map_of_unit(s, "Managed Services").await;
        let map = doc.map.id;
        let users: Vec<UserId> = s.users().await.unwrap().iter().map(|u| u.id).collect();
        assert!(users.len() >= 2);
        let id_of = |doc: &MapDocument, entity: E| match entity {
            E::Map => doc.map.id.0,
            E::Perspective => doc.perspectives[0].id.0,
            E::Theme => doc.themes[0].id.0,
            E::Objective => doc.objectives[0].id.0,
            E::Link => doc.links[0].id.0,
            // A measure that is not a formula, so its source and formula can change freely.
            E::Measure => {
                doc.measures
                    .iter()
                    .find(|m| m.data_source != DataSource::Formula)
                    .unwrap()
                    .id
                    .0
            }
            E::Alignment => doc.alignments[0].id.0,
        };
        let mut tested = Vec::new();
        for entity in ops::ENTITY_KINDS {
            for (field, _) in ops::fields_of(entity) {
                let id = id_of(&doc, entity);
                let before = ops::current_value(&doc, entity, id, field).unwrap();
                let value = new_value(&doc, entity, id, field, &users);
                assert_ne!(value, before, "{entity} {field:?} must change");
                let out = s
                    .commit_group(
                        map,
                        vec![store::Submission {
                            op_id: uuid::Uuid::new_v4(),
                            author: users[0],
                            ops: vec![Op::Set {
                                entity,
                                id,
                                field,
                                value: value.clone(),
                            }],
                        }],
                        None,
                    )
                    .await
                    .unwrap();
                assert!(
                    out.results[0].is_ok(),
                    "{entity} {field:?}: {:?}",
                    out.results[0]
                );
                let live = ops::current_value(&out.doc, entity, id, field).unwrap();
                if matches!(field, Field::Position | Field::Perspective) {
                    // The box is placed in its band: the value is normalised, but changes.
                    assert_ne!(live, before, "{entity} {field:?}");
                } else {
                    assert_eq!(live, value, "{entity} {field:?}");
                }
                let reloaded = db.reopen().await.map_document(map).await.unwrap();
                assert_eq!(
                    ops::current_value(&reloaded, entity, id, field),
                    Some(live),
                    "{entity} {field:?} is lost at a reload"
                );
                assert_eq!(sorted(&reloaded), sorted(&out.doc), "{entity} {field:?}");
                doc = out.doc;
                tested.push((entity, field));
            }
        }
        // Every entity kind is listed (a new kind breaks this exhaustive match), and every
        // field of each kind's table was tested.
        let index = |e: E| match e {
            E::Map => 0,
            E::Perspective => 1,
            E::Theme => 2,
            E::Objective => 3,
            E::Link => 4,
            E::Measure => 5,
            E::Alignment => 6,
        };
        assert_eq!(ops::ENTITY_KINDS.map(index), [0, 1, 2, 3, 4, 5, 6]);
        let table: Vec<(E, Field)> = ops::ENTITY_KINDS
            .into_iter()
            .flat_map(|e| ops::fields_of(e).into_iter().map(move |(f, _)| (e, f)))
            .collect();
        assert_eq!(tested, table);
    }
);

both_databases!(
    the_organisation_keeps_its_currency_and_people_their_language,
    |db: Db| async move {
        let store = &db.store;
        let root = unit(store, None, "Root").await;
        unit(store, Some(root.id), "Child").await;
        assert_eq!(
            store.organisation_currency().await.unwrap(),
            store::DEFAULT_CURRENCY
        );
        store
            .write(async |tx| store::set_organisation_currency(tx, "usd").await)
            .await
            .unwrap();
        assert_eq!(store.organisation_currency().await.unwrap(), "USD");
        let refused = store
            .write(async |tx| store::set_organisation_currency(tx, "dollars").await)
            .await;
        assert!(
            matches!(
                refused,
                Err(StoreError::Invalid(ValidationError::BadCurrency(_)))
            ),
            "{refused:?}"
        );
        assert_eq!(
            store.organisation_currency().await.unwrap(),
            "USD",
            "a bad code changes nothing"
        );

        let person = user(store, "lang@example.com").await;
        assert_eq!(store.user_locale(person.id).await.unwrap(), None);
        store.set_user_locale(person.id, Some("de")).await.unwrap();
        assert_eq!(
            store.user_locale(person.id).await.unwrap().as_deref(),
            Some("de")
        );
        store.set_user_locale(person.id, None).await.unwrap();
        assert_eq!(store.user_locale(person.id).await.unwrap(), None);
    }
);
