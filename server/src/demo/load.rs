//! Loading the demo company into an empty database, in one transaction.

use super::data::{company, DemoCompany, DemoMap};
use app::domain::{DataBatch, Objective, Period, PerspectiveId, UserId};
use app::store::{self as s, StoreResult};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// Why the demo company could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The database refused a write.
    #[error(transparent)]
    Store(#[from] app::store::StoreError),
    /// The demo password could not be hashed.
    #[error("{0}")]
    Auth(String),
}

/// Who wrote the demo's data, as its audit history says.
const DEMO_DATA_VIA: &str = "The demo company loader";

/// Loads the demo company into an empty database in one transaction, hashing `password` once for
/// every demo user. Returns the admin's user id.
pub async fn load(
    store: &app::store::Store,
    admin_email: &str,
    password: &str,
    today: Period,
) -> Result<UserId, DemoError> {
    let demo = company(admin_email, today);
    let admin = demo
        .users
        .first()
        .map(|(u, _)| u.id)
        .ok_or_else(|| DemoError::Auth("the demo has no admin".into()))?;
    let actor = Some(admin);
    let hash = app::auth::hash_password(password).map_err(|e| DemoError::Auth(e.to_string()))?;

    let enterprise = demo.maps.first().map(|m| (m.map.org_unit_id, m.map.id));
    let tomas = demo
        .users
        .iter()
        .find(|(u, _)| u.email == "tomas.alvarez@northwind.example")
        .map(|(u, _)| u.id);
    store
        .write(async |tx| write_company(tx, demo, &hash, actor).await)
        .await?;
    if let Some((unit, map)) = enterprise {
        write_reviews(store, unit, map, admin, today).await?;
        write_survey(store, unit, admin).await?;
        if let Some(tomas) = tomas {
            write_comments(store, unit, map, [tomas, admin]).await?;
        }
    }
    Ok(admin)
}

/// The readiness survey that opened the engagement, closed: the seven leaders were asked and
/// six answered, so the results show (clear strategy, a split leadership, weak data). Through
/// the store's own writes; the links' secrets are thrown away (nobody answers a demo again).
async fn write_survey(
    store: &app::store::Store,
    unit: app::domain::OrgUnitId,
    admin: UserId,
) -> Result<(), DemoError> {
    use app::domain::survey::{default_statements, Answer, Area, Respondent, Survey};
    let leaders: Vec<app::domain::User> = store
        .users()
        .await?
        .into_iter()
        .filter(|u| {
            !u.email.starts_with("editor@")
                && !u.email.starts_with("viewer@")
                && !u.email.starts_with("contributor@")
        })
        .take(7)
        .collect();
    let survey = Survey {
        id: app::domain::SurveyId::new(),
        org_unit_id: unit,
        title: "Northwind leadership readiness check".into(),
        statements: default_statements(app::i18n::Locale::en),
        created_by: Some(admin),
        created_at: app::store::now_text(),
        closed_at: None,
    };
    store.create_survey(&survey, Some(admin)).await?;
    let asked: Vec<(Respondent, String)> = leaders
        .iter()
        .map(|u| {
            let r = Respondent {
                id: app::domain::RespondentId::new(),
                survey_id: survey.id,
                name: u.name.clone(),
                email: u.email.clone(),
                answered: false,
            };
            (r, app::auth::secret_hash(&app::auth::random_secret()))
        })
        .collect();
    store.add_respondents(&asked, Some(admin)).await?;
    let comments = [
        (5, 0, "Each of us tells the strategy a little differently."),
        (13, 1, "Monthly figures arrive too late to act on."),
        (8, 2, "Budgets still follow last year's split."),
    ];
    for (n, (r, _)) in asked.iter().take(6).enumerate() {
        let answers: Vec<Answer> = survey
            .statements
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let base: i32 = match s.area {
                    Area::StrategyClarity => 4,
                    Area::LeadershipAlignment => {
                        if n % 2 == 0 {
                            2
                        } else {
                            4
                        }
                    }
                    Area::DecisionCulture => 3,
                    Area::DataMaturity => 2,
                    Area::ChangeReadiness => 3,
                };
                let wobble = ((n + i) % 3) as i32 - 1;
                Answer {
                    key: s.key,
                    score: (base + wobble).clamp(1, 5) as u8,
                    comment: comments
                        .iter()
                        .find(|(at, who, _)| *at == i && *who == n)
                        .map(|(_, _, c)| c.to_string())
                        .unwrap_or_default(),
                }
            })
            .collect();
        store.submit_answers(r.id, survey.id, &answers).await?;
    }
    store
        .set_survey_closed(survey.id, Some(app::store::now_text()), Some(admin))
        .await?;
    Ok(())
}

/// A conversation on the enterprise map, so a newcomer finds comments and an inbox line: a
/// data owner asks the admin about an objective (a mention), the admin answers in the thread.
/// No mail goes out for them.
async fn write_comments(
    store: &app::store::Store,
    unit: app::domain::OrgUnitId,
    map: app::domain::MapId,
    [asker, admin]: [UserId; 2],
) -> Result<(), DemoError> {
    use app::domain::comment::{mentions_in, notify, threads, Comment, CommentSubject};
    let doc = store.map_document(map).await?;
    let Some(objective) = doc.objectives.get(1) else {
        return Ok(());
    };
    let subject = CommentSubject::Objective(objective.id);
    let people = store.people_with_role_on(unit).await?;
    let may_read = |who: UserId| people.iter().any(|p| p.id == who);
    let lines = [
        (asker, "@Alex Morgan is last month's figure final? Two of the consulting numbers were corrected after the close."),
        (admin, "Yes, final since the close. We will look at it in this month's review."),
    ];
    let mut root = None;
    for (at, (author, body)) in lines.into_iter().enumerate() {
        let mentions = mentions_in(body, &people);
        let thread = root.and(
            threads(store.comments_on(subject).await?)
                .into_iter()
                .next(),
        );
        let heard = notify(author, &mentions, thread.as_ref(), &may_read);
        let comment = Comment {
            id: app::domain::CommentId::new(),
            subject,
            parent_id: root,
            author_id: Some(author),
            body: body.to_string(),
            mentions,
            created_at: format!(
                "{}.{at:03}Z",
                chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S")
            ),
            edited_at: None,
            deleted: false,
            resolved_at: None,
            resolved_by: None,
        };
        store.add_comment(&comment, &heard, &[]).await?;
        root = root.or(Some(comment.id));
    }
    Ok(())
}

/// The enterprise's strategy reviews, so a newcomer sees the monthly loop at once: last
/// month's review held and closed (commentary on its first items, a decision, one action done
/// and one still open), and this month's scheduled, its agenda generated from the data and
/// carrying the open action. Made through the same service as the UI's reviews.
async fn write_reviews(
    store: &app::store::Store,
    unit: app::domain::OrgUnitId,
    map: app::domain::MapId,
    admin: UserId,
    today: Period,
) -> Result<(), DemoError> {
    use app::api::reviews::service;
    use app::domain::review::*;
    use app::domain::{ActionItemId, DecisionId};
    let on_day = |p: Period, day: u32| {
        chrono::NaiveDate::from_ymd_opt(p.year(), u32::from(p.month()), day)
            .ok_or_else(|| DemoError::Auth(format!("no day {day} in {p}")))
    };
    let fail = |e: app::api::ApiError| DemoError::Auth(e.to_string());
    let actor = Some(admin);
    let last_month = today.plus_months(-1);

    let mut held = Review::new(unit, map, Cadence::Monthly, on_day(last_month, 8)?);
    held.title = format!("Monthly strategy review · {}", held.span.label());
    let items = service::generated_agenda(store, &held)
        .await
        .map_err(fail)?;
    store.create_review(&held, &items, actor).await?;
    let written = [
        (
            "Delivery slipped while two senior consultants moved to the new public-sector bid.",
            "Move one architect back to delivery until the bid is decided; review staffing weekly.",
        ),
        (
            "The price increase in the spring cost two mid-sized renewals.",
            "Offer a multi-year rate to the five accounts renewing next quarter.",
        ),
    ];
    for (item, (analysis, recommendation)) in items.iter().zip(written) {
        let commentary = Commentary {
            analysis: analysis.into(),
            recommendation: recommendation.into(),
            written_by: item.owner_id.or(actor),
            written_at: Some(app::store::now_text()),
        };
        store
            .write_commentary(item.id, &commentary, item.owner_id.or(actor))
            .await?;
    }
    let first = items.first().map(|i| i.id);
    let decision = Decision {
        id: DecisionId::new(),
        item_id: first,
        text:
            "Staffing of client delivery comes before new bids until the quality measure is green."
                .into(),
        created_at: app::store::now_text(),
    };
    store.add_decision(held.id, &decision, actor).await?;
    let action = |text: &str, due: chrono::NaiveDate, done: Option<chrono::NaiveDate>| ActionItem {
        id: ActionItemId::new(),
        org_unit_id: unit,
        review_id: held.id,
        item_id: first,
        subject: items.first().map(|i| i.subject),
        text: text.into(),
        owner_id: items.first().and_then(|i| i.owner_id).or(actor),
        due_on: due,
        done_on: done,
    };
    let done_day = on_day(last_month, 20)?;
    store
        .create_action(
            &action(
                "Move one architect back to delivery",
                done_day,
                Some(done_day),
            ),
            actor,
        )
        .await?;
    store
        .create_action(
            &action(
                "Propose multi-year rates to the five renewing accounts",
                on_day(today, 28)?,
                None,
            ),
            actor,
        )
        .await?;
    let snapshot = service::closing_snapshot(store, &held, app::i18n::Locale::en)
        .await
        .map_err(fail)?;
    store.close_review(&held, &snapshot, actor).await?;

    let mut next = Review::new(unit, map, Cadence::Monthly, on_day(today, 8)?);
    next.title = format!("Monthly strategy review · {}", next.span.label());
    let items = service::generated_agenda(store, &next)
        .await
        .map_err(fail)?;
    store.create_review(&next, &items, actor).await?;

    // The quarterly review questions the arrows the two years of data contradict.
    let quarter_after = today.plus_months(3 - (i32::from(today.month()) - 1) % 3);
    let mut quarterly = Review::new(unit, map, Cadence::Quarterly, on_day(quarter_after, 12)?);
    quarterly.title = format!("Quarterly strategy review · {}", quarterly.span.label());
    let items = service::generated_agenda(store, &quarterly)
        .await
        .map_err(fail)?;
    store.create_review(&quarterly, &items, actor).await?;
    Ok(())
}

/// Writes the demo company in the caller's transaction, through the store's inserts: each
/// person with `hash` as their password hash, every row by `actor`.
async fn write_company(
    tx: &mut AnyConnection,
    demo: DemoCompany,
    hash: &str,
    actor: Option<UserId>,
) -> StoreResult<()> {
    for (user, _) in &demo.users {
        s::create_user(tx, user, hash).await?;
    }
    for unit in &demo.units {
        s::create_org_unit(tx, unit, actor).await?;
    }
    s::set_organisation_currency(tx, demo.currency).await?;
    s::mark_demo(tx).await?;
    for (user, grants) in &demo.users {
        for (unit, role) in grants {
            s::grant_role(tx, user.id, *unit, *role).await?;
        }
    }
    for dm in &demo.maps {
        write_map(tx, dm, actor).await?;
    }
    for m in &demo.measures {
        s::create_measure(tx, m, actor).await?;
    }
    // Targets and actuals take the data path's one insert (validated, many rows a statement,
    // one audit row per measure), written by the loader rather than by a person.
    let data = DataBatch {
        actuals: demo.actuals,
        targets: demo.targets,
        ..DataBatch::default()
    };
    s::write_data_as(tx, &data, None, DEMO_DATA_VIA, &|_| {}).await?;
    for i in &demo.initiatives {
        s::create_initiative(tx, i, actor).await?;
    }
    for m in &demo.milestones {
        s::create_milestone(tx, m).await?;
    }
    for a in &demo.alignments {
        s::create_alignment(tx, a, actor).await?;
    }
    Ok(())
}

/// Writes one demo map with its perspectives, themes, objectives and links.
async fn write_map(tx: &mut AnyConnection, dm: &DemoMap, actor: Option<UserId>) -> StoreResult<()> {
    let names: Vec<&str> = dm.perspectives.iter().map(|p| p.name.as_str()).collect();
    let stored = s::create_map(tx, &dm.map, &names, actor).await?;
    // The store mints perspective ids; map the planned ones to them by rank.
    let remap: HashMap<PerspectiveId, PerspectiveId> = dm
        .perspectives
        .iter()
        .zip(&stored)
        .map(|(planned, stored)| (planned.id, stored.id))
        .collect();
    for theme in &dm.themes {
        s::create_theme(tx, theme, actor).await?;
    }
    for o in &dm.objectives {
        let perspective_id = remap
            .get(&o.perspective_id)
            .copied()
            .unwrap_or(o.perspective_id);
        let placed = Objective {
            perspective_id,
            ..o.clone()
        };
        s::create_objective(tx, &placed, actor).await?;
    }
    for link in &dm.links {
        s::create_link(tx, link, actor).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::data::tests::{demo, today};
    use crate::demo::{DEMO_ADMIN_EMAIL, DEMO_PASSWORD};
    use app::domain::Frequency;

    #[tokio::test]
    async fn loads_into_a_fresh_sqlite_database() {
        let path =
            std::env::temp_dir().join(format!("cairn-demo-test-{}.db", uuid::Uuid::now_v7()));
        let store = app::store::Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        assert!(store.is_empty().await.unwrap());
        let admin = load(&store, DEMO_ADMIN_EMAIL, DEMO_PASSWORD, today())
            .await
            .unwrap();
        assert!(!store.is_empty().await.unwrap());

        let (user, hash) = store
            .user_with_hash(DEMO_ADMIN_EMAIL)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.id, admin);
        assert!(app::auth::verify_password(DEMO_PASSWORD, &hash));
        let (_, hash) = store
            .user_with_hash("viewer@northwind.example")
            .await
            .unwrap()
            .unwrap();
        assert!(app::auth::verify_password(DEMO_PASSWORD, &hash));

        let planned = demo();
        let summaries = store.map_summaries().await.unwrap();
        assert_eq!(summaries.len(), 3);
        let map_named = |name: &str| {
            let (_, map) = summaries.iter().find(|(_, m)| m.name == name).unwrap();
            map.id
        };
        let enterprise = map_named("Northwind Strategy 2025–2027");
        let doc = store.map_document(enterprise).await.unwrap();
        assert_eq!(doc.objectives.len(), planned.maps[0].objectives.len());
        assert_eq!(doc.links.len(), planned.maps[0].links.len());
        assert_eq!(doc.themes.len(), 3);
        assert_eq!(doc.perspectives.len(), 4);
        assert!(doc
            .objectives
            .iter()
            .all(|o| doc.perspectives.iter().any(|p| p.id == o.perspective_id)));

        let (doc, model) = store.score_model(enterprise, today()).await.unwrap();
        let now = model.span(app::domain::scoring::Span::Month { period: today() });
        assert!(now.measures.len() >= 18);
        // Every measure has a target this month; every monthly one has this month's actual.
        assert!(now.measures.iter().all(|m| m.goal.is_some()));
        for m in &doc.measures {
            let s = now.measure(m.id).unwrap();
            if m.frequency == Frequency::Monthly {
                assert_eq!(s.latest, Some(today()), "{}", m.name);
                assert!(!s.stale, "{} is stale", m.name);
            }
        }
        // The review has something to talk about: a mix of green, amber and red.
        use app::domain::scoring::Status;
        for status in [Status::Green, Status::Amber, Status::Red] {
            assert!(
                now.measures.iter().any(|m| m.score.status == status),
                "no {status:?} measure"
            );
        }
        assert!(now.map.value.is_some());

        let units = store.org_units().await.unwrap();
        let unit_map = map_named("Managed Services Plan 2025–2027");
        let unit_doc = store.map_document(unit_map).await.unwrap();
        assert_eq!(unit_doc.alignments.len(), unit_doc.objectives.len());
        assert!(unit_doc.map_is_unit());
        assert_eq!(store.initiatives_of(units[0].id).await.unwrap().len(), 3);

        // Every planned target and actual is stored, written by the data path: one audit row per
        // measure naming the loader and no person, none per cell.
        let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).fetch_one(store.pool());
        let planned_len = |n: usize| i64::try_from(n).unwrap();
        assert_eq!(
            count("SELECT COUNT(*) FROM actuals").await.unwrap(),
            planned_len(planned.actuals.len())
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM targets").await.unwrap(),
            planned_len(planned.targets.len())
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM audit_log WHERE action = 'data' AND user_id IS NULL")
                .await
                .unwrap(),
            planned_len(planned.measures.len())
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM audit_log WHERE entity = 'actual'")
                .await
                .unwrap(),
            0
        );

        store.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
