//! Readiness surveys on SQLite and PostgreSQL: a survey started with the default statements,
//! personal links answered without an account (once each, every statement on the scale), no
//! results below three answers and aggregates from three, statements locked once answered, a
//! closed survey refusing answers, answers stored apart from who was asked, the role matrix of
//! every server function, REST with the same rights, and the results as a PDF.

use crate::common;

use app::api::surveys::{PersonalLink, SurveyForm, SurveyPage, SurveysPage};
use app::domain::survey::{Answer, Area, MIN_ANSWERS};
use app::domain::*;
use common::{Db, Input, TestApp, ADMIN, EDITOR, VIEWER};
use http::StatusCode;
use serde_json::json;

/// Starts a survey of the enterprise as `cookie`.
async fn start(app: &TestApp, cookie: &str, unit: OrgUnitId) -> SurveyId {
    let (status, body) = app
        .call_json(
            Some(cookie),
            "create_survey",
            json!({ "unit_id": unit, "title": "Readiness, December" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.parse()
}

/// The survey's page as `cookie` sees it.
async fn page(app: &TestApp, cookie: &str, id: SurveyId) -> SurveyPage {
    let (status, body) = app
        .call_json(Some(cookie), "get_survey", json!({ "id": id }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.parse()
}

/// The secret at the end of a personal link.
fn secret(link: &PersonalLink) -> String {
    link.url.rsplit('/').next().unwrap().to_string()
}

/// Answers with `score` everywhere (statement 1 gets `first`), and a comment on statement 1.
fn answers(page: &SurveyPage, first: u8, score: u8, comment: &str) -> Vec<Answer> {
    page.survey
        .statements
        .iter()
        .map(|s| Answer {
            key: s.key,
            score: if s.key == 1 { first } else { score },
            comment: if s.key == 1 {
                comment.into()
            } else {
                String::new()
            },
        })
        .collect()
}

/// Sends answers through a link, without a session.
async fn answer(app: &TestApp, token: &str, answers: &[Answer]) -> (StatusCode, String) {
    let (status, body) = app
        .call_json(
            None,
            "answer_survey",
            json!({ "token": token, "answers": answers }),
        )
        .await;
    (status, body.to_string())
}

/// What a link opens, without a session.
async fn open(app: &TestApp, token: &str) -> SurveyForm {
    let (status, body) = app
        .call_json(None, "survey_form", json!({ "token": token }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.parse()
}

both_databases!(
    personal_links_answer_once_and_results_show_from_three,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let viewer = app.cookie(VIEWER).await;
        let unit = app.enterprise_map().await.map.org_unit_id;
        let id = start(&app, &admin, unit).await;
        let first = page(&app, &admin, id).await;
        assert_eq!(first.survey.statements.len(), 20);
        for area in Area::ALL {
            assert_eq!(
                first
                    .survey
                    .statements
                    .iter()
                    .filter(|s| s.area == area)
                    .count(),
                4
            );
        }

        // Four people asked; the links are shown once, and only their hashes are kept.
        let (status, body) = app
            .call_json(
                Some(&admin),
                "invite_to_survey",
                json!({ "id": id, "people": "Ana Ruiz <ana@example.com>\nBo Lind <bo@example.com>\ncy@example.com\nDee <dee@example.com>" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let links: Vec<PersonalLink> = body.parse();
        assert_eq!(links.len(), 4);
        assert!(links
            .iter()
            .all(|l| l.url.contains("/answer/") && !l.mailed));
        let kept = common::count(
            &app.store,
            "SELECT COUNT(*) FROM survey_respondents WHERE token_hash = $1",
            &[&secret(&links[0])],
        )
        .await;
        assert_eq!(kept, 0, "the secret itself is never stored");

        // The form needs no account.
        match open(&app, &secret(&links[0])).await {
            SurveyForm::Open {
                statements,
                unit_name,
                ..
            } => {
                assert_eq!(statements.len(), 20);
                assert!(!unit_name.is_empty());
            }
            other => panic!("an open form, not {other:?}"),
        }
        assert_eq!(open(&app, "not-a-link").await, SurveyForm::Unknown);

        // Bad answers change nothing: one missing, one off the scale.
        let mut missing = answers(&first, 1, 4, "");
        missing.pop();
        let (status, _) = answer(&app, &secret(&links[0]), &missing).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = answer(&app, &secret(&links[0]), &answers(&first, 6, 4, "")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(page(&app, &admin, id).await.answered, 0);

        // Two answers: no results yet, for anyone.
        for (link, first_score, comment) in [
            (&links[0], 1, "We have never written it down"),
            (&links[1], 5, ""),
        ] {
            let (status, body) = answer(
                &app,
                &secret(link),
                &answers(&first, first_score, 4, comment),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let two = page(&app, &admin, id).await;
        assert_eq!((two.answered, two.asked), (2, 4));
        assert!(
            two.results.is_none(),
            "fewer than {MIN_ANSWERS} answers show nothing"
        );
        assert!(two.locked);
        assert_eq!(open(&app, &secret(&links[0])).await, SurveyForm::Used);
        let (status, _) = answer(&app, &secret(&links[0]), &answers(&first, 3, 3, "")).await;
        assert_eq!(status, StatusCode::CONFLICT, "a link answers once");

        // The statements no longer change.
        let (status, _) = app
            .call_json(
                Some(&admin),
                "save_survey",
                json!({ "id": id, "title": "Renamed", "statements": first.survey.statements }),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);

        // The third answer brings the aggregates: statement 1 splits the team 1/5/3.
        let (status, body) = answer(
            &app,
            &secret(&links[2]),
            &answers(&first, 3, 2, "Clear to me"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let three = page(&app, &viewer, id).await;
        let results = three.results.expect("results from three answers");
        assert_eq!(results.answered, 3);
        let top = &results.statements[0];
        assert_eq!(top.key, 1, "the most disagreed first");
        assert!((top.mean - 3.0).abs() < 1e-9);
        assert_eq!(top.counts, [1, 0, 1, 0, 1]);
        assert_eq!(
            top.comments,
            ["Clear to me", "We have never written it down"]
        );
        assert!(
            three.respondents.is_empty(),
            "a viewer does not see who was asked"
        );
        let by_editor = page(&app, &admin, id).await;
        assert_eq!(
            by_editor.respondents.iter().filter(|r| r.answered).count(),
            3
        );

        // Answers are stored apart from the people asked: nothing in a row of answers names one.
        let respondent = by_editor.respondents[0].id.to_string();
        let tied = common::count(
            &app.store,
            "SELECT COUNT(*) FROM survey_answers WHERE answers LIKE $1 OR id = $2",
            &[&format!("%{respondent}%"), &respondent],
        )
        .await;
        assert_eq!(tied, 0);

        // Closed: the last link is refused, and says so.
        let (status, body) = app
            .call_json(
                Some(&admin),
                "close_survey",
                json!({ "id": id, "closed": true }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(open(&app, &secret(&links[3])).await, SurveyForm::Closed);
        let (status, _) = answer(&app, &secret(&links[3]), &answers(&first, 2, 2, "")).await;
        assert_eq!(status, StatusCode::CONFLICT);

        // The list counts them.
        let (status, body) = app
            .call_json(Some(&viewer), "unit_surveys", json!({ "unit_id": unit }))
            .await;
        assert_eq!(status, StatusCode::OK);
        let list: SurveysPage = body.parse();
        let line = list.surveys.iter().find(|s| s.id == id).unwrap();
        assert_eq!((line.asked, line.answered, line.closed), (4, 3, true));
        assert!(!list.may_edit);
    }
);

both_databases!(
    statements_are_edited_until_the_first_answer,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let editor = app.cookie(EDITOR).await;
        let unit = app.enterprise_map().await.map.org_unit_id;
        let id = start(&app, &editor, unit).await;
        let mut statements = page(&app, &editor, id).await.survey.statements;
        statements.remove(0);
        statements.push(app::domain::survey::Statement {
            key: 0,
            area: Area::DataMaturity,
            text: "  Our dashboards are used in every meeting.  ".into(),
        });
        let (status, body) = app
            .call_json(
                Some(&editor),
                "save_survey",
                json!({ "id": id, "title": "Readiness (short)", "statements": statements }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let saved: SurveyPage = body.parse();
        assert_eq!(saved.survey.title, "Readiness (short)");
        let added = saved.survey.statements.last().unwrap();
        assert_eq!(
            (added.key, added.text.as_str()),
            (21, "Our dashboards are used in every meeting.")
        );
        assert_eq!(saved.survey.statements.len(), 20);
        // A blank statement or none at all is refused and nothing changes.
        for bad in [
            json!([{ "key": 1, "area": "data_maturity", "text": "  " }]),
            json!([]),
        ] {
            let (status, _) = app
                .call_json(
                    Some(&editor),
                    "save_survey",
                    json!({ "id": id, "title": "X", "statements": bad }),
                )
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        assert_eq!(
            page(&app, &editor, id).await.survey.title,
            "Readiness (short)"
        );
        // Someone asked twice, or an address that is none, is refused.
        for people in ["a@example.com\nA@example.com", "Ana <not an address>"] {
            let (status, _) = app
                .call_json(
                    Some(&editor),
                    "invite_to_survey",
                    json!({ "id": id, "people": people }),
                )
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{people}");
        }
        assert_eq!(page(&app, &editor, id).await.asked, 0);
        // A new link replaces the old one.
        let (_, body) = app
            .call_json(
                Some(&editor),
                "invite_to_survey",
                json!({ "id": id, "people": "ana@example.com" }),
            )
            .await;
        let old: Vec<PersonalLink> = body.parse();
        let (status, body) = app
            .call_json(
                Some(&editor),
                "renew_survey_link",
                json!({ "respondent_id": old[0].respondent_id }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let new: PersonalLink = body.parse();
        assert_eq!(open(&app, &secret(&old[0])).await, SurveyForm::Unknown);
        assert!(matches!(
            open(&app, &secret(&new)).await,
            SurveyForm::Open { .. }
        ));
    }
);

both_databases!(
    surveys_have_the_units_rights_in_the_app_and_over_rest,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let cookies = app.role_cookies().await;
        let admin = cookies[5].clone().unwrap();
        let unit = app.enterprise_map().await.map.org_unit_id;
        let id = start(&app, &admin, unit).await;
        let (_, body) = app
            .call_json(Some(&admin), "invite_to_survey", json!({ "id": id, "people": "a@example.com\nb@example.com\nc@example.com\nd@example.com" }))
            .await;
        let links: Vec<PersonalLink> = body.parse();
        let statements = page(&app, &admin, id).await.survey.statements;
        // Anonymous, outsider, viewer, contributor, editor, admin.
        app.assert_role_matrix(
            &cookies,
            &[
                (
                    "unit_surveys",
                    [401, 403, 200, 200, 200, 200],
                    Input::Json(json!({ "unit_id": unit })),
                ),
                (
                    "get_survey",
                    [401, 403, 200, 200, 200, 200],
                    Input::Json(json!({ "id": id })),
                ),
                (
                    "create_survey",
                    [401, 403, 403, 403, 200, 200],
                    Input::Json(json!({ "unit_id": unit, "title": "Another" })),
                ),
                (
                    "save_survey",
                    [401, 403, 403, 403, 200, 200],
                    Input::Json(json!({ "id": id, "title": "Same", "statements": statements })),
                ),
                (
                    "close_survey",
                    [401, 403, 403, 403, 200, 200],
                    Input::Json(json!({ "id": id, "closed": false })),
                ),
                (
                    "renew_survey_link",
                    [401, 403, 403, 403, 200, 200],
                    Input::Json(json!({ "respondent_id": links[3].respondent_id })),
                ),
            ],
        )
        .await;
        for (who, expected) in [(0usize, 401u16), (1, 403), (2, 403), (3, 403)] {
            let (status, body) = app
                .call_json(
                    cookies[who].as_deref(),
                    "invite_to_survey",
                    json!({ "id": id, "people": "z@example.com" }),
                )
                .await;
            assert_eq!(status.as_u16(), expected, "invite as #{who}: {body}");
        }

        // REST: a token reaching the unit reads the list and the survey; another unit's is
        // refused; the PDF waits for three answers.
        let consulting = common::unit_id(&app.store, "Consulting").await;
        let reader = app.token("Analyst", vec![unit], false).await;
        let scoped = app.token("Consulting only", vec![consulting], false).await;
        let list = format!("/api/v1/units/{unit}/surveys");
        let reply = app.get(&list).bearer(&reader).reply().await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(reply
            .body
            .parse::<SurveysPage>()
            .surveys
            .iter()
            .any(|s| s.id == id));
        assert_eq!(
            app.get(&list).bearer(&scoped).reply().await.status,
            StatusCode::FORBIDDEN
        );
        let one = format!("/api/v1/surveys/{id}");
        assert_eq!(
            app.get(&one).bearer(&scoped).reply().await.status,
            StatusCode::FORBIDDEN
        );
        let pdf = format!("/api/v1/surveys/{id}/results.pdf");
        assert_eq!(
            app.get(&pdf).bearer(&reader).reply().await.status,
            StatusCode::NOT_FOUND
        );
        let form = page(&app, &admin, id).await;
        for (n, link) in links.iter().take(3).enumerate() {
            let (status, body) =
                answer(&app, &secret(link), &answers(&form, n as u8 + 1, 4, "Fine")).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let reply = app.get(&one).bearer(&reader).reply().await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(
            reply.body.parse::<SurveyPage>().results.unwrap().answered,
            3
        );
        let file = app.get(&pdf).bearer(&reader).reply().await;
        assert_eq!(file.status, StatusCode::OK, "{}", file.body);
        let text = common::pdf_text(&file.bytes);
        for words in [
            "Readiness survey",
            "Strategy clarity",
            "Where the team disagrees",
            "Fine",
        ] {
            assert!(text.contains(words), "the PDF shows {words:?}:\n{text}");
        }
        // The page's download link, with a session, in German.
        let de = app
            .get(&format!("/surveys/{id}/results.pdf"))
            .cookie(&admin)
            .header(http::header::ACCEPT_LANGUAGE, "de")
            .reply()
            .await;
        assert_eq!(de.status, StatusCode::OK);
        assert!(common::pdf_text(&de.bytes).contains("Klarheit der Strategie"));
        let (_, doc) = app.get("/api/v1/openapi.json").await;
        assert!(doc["paths"].get("/api/v1/surveys/{id}").is_some());
    }
);
