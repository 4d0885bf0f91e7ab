//! Readiness surveys: the survey rows (statements as JSON), the people asked with the hash of
//! their personal link's secret, and the answers, stored apart from them. Submitting answers
//! marks the link used and stores the answers in one transaction, so a link answers once.

use super::*;
use crate::domain::survey::*;
use crate::domain::*;

fn survey_from(row: &AnyRow) -> StoreResult<Survey> {
    read_row! { row => Survey {
        parsed: id, org_unit_id;
        text: title, created_at;
        json: statements;
        opt_parsed: created_by;
        opt_text: closed_at;
    } }
}

fn respondent_from(row: &AnyRow) -> StoreResult<Respondent> {
    read_row! { row => Respondent {
        parsed: id, survey_id;
        text: name, email;
        flag: answered;
    } }
}

impl Store {
    /// Adds a survey.
    pub async fn create_survey(&self, s: &Survey, actor: Option<UserId>) -> StoreResult<()> {
        survey::validate(s)?;
        self.write(async |tx| {
            change(
                "INSERT INTO surveys (id, org_unit_id, title, statements, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(s.id)
            .bind(s.org_unit_id)
            .bind(s.title.trim())
            .bind(json_text(&s.statements)?)
            .bind_value(s.created_by.map(|u| u.to_string()))
            .bind(&s.created_at)
            .run(&mut *tx)
            .await
            .map_err(|e| e.unique_as_conflict("a survey with this id already exists"))?;
            audit(tx, actor, "create", "survey", s.id, &s.title).await
        })
        .await
    }

    /// A survey.
    pub async fn survey(&self, id: SurveyId) -> StoreResult<Survey> {
        select("SELECT * FROM surveys WHERE id = $1")
            .bind(id)
            .one(&self.pool, survey_from, "survey")
            .await
    }

    /// A unit's surveys, latest first.
    pub async fn surveys_of(&self, unit: OrgUnitId) -> StoreResult<Vec<Survey>> {
        select("SELECT * FROM surveys WHERE org_unit_id = $1 ORDER BY created_at DESC, id DESC")
            .bind(unit)
            .all(&self.pool, survey_from)
            .await
    }

    /// Rewrites a survey's title and statements, unless answers have arrived (then a conflict:
    /// answers would point at statements that changed under them).
    pub async fn update_survey(&self, s: &Survey, actor: Option<UserId>) -> StoreResult<()> {
        survey::validate(s)?;
        self.write(async |tx| {
            let answered: i64 =
                select("SELECT COUNT(*) AS n FROM survey_answers WHERE survey_id = $1")
                    .bind(s.id)
                    .one(&mut *tx, |r| int(r, "n"), "survey")
                    .await?;
            if answered > 0 {
                return Err(StoreError::Conflict(
                    "answers have arrived; the statements can no longer change".into(),
                ));
            }
            change("UPDATE surveys SET title = $1, statements = $2 WHERE id = $3")
                .bind(s.title.trim())
                .bind(json_text(&s.statements)?)
                .bind(s.id)
                .run_on_one(&mut *tx, "survey")
                .await?;
            audit(tx, actor, "update", "survey", s.id, &s.title).await
        })
        .await
    }

    /// Closes a survey to further answers (`closed_at` set), or opens it again (`None`).
    pub async fn set_survey_closed(
        &self,
        id: SurveyId,
        closed_at: Option<String>,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| {
            change("UPDATE surveys SET closed_at = $1 WHERE id = $2")
                .bind_value(closed_at.clone())
                .bind(id)
                .run_on_one(&mut *tx, "survey")
                .await?;
            let what = if closed_at.is_some() {
                "close"
            } else {
                "reopen"
            };
            audit(tx, actor, what, "survey", id, "").await
        })
        .await
    }

    /// Adds the people asked, each with the hash of their link's secret, in one transaction.
    pub async fn add_respondents(
        &self,
        people: &[(Respondent, String)],
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| {
            for (r, token_hash) in people {
                change(
                    "INSERT INTO survey_respondents (id, survey_id, name, email, token_hash, answered) \
                     VALUES ($1, $2, $3, $4, $5, 0)",
                )
                .bind(r.id)
                .bind(r.survey_id)
                .bind(&r.name)
                .bind(&r.email)
                .bind(token_hash)
                .run(&mut *tx)
                .await?;
                audit(&mut *tx, actor, "invite", "survey", r.survey_id, &r.email).await?;
            }
            Ok(())
        })
        .await
    }

    /// Gives a respondent who has not answered a new link (the old one stops working).
    pub async fn renew_respondent_link(
        &self,
        id: RespondentId,
        token_hash: &str,
        actor: Option<UserId>,
    ) -> StoreResult<Respondent> {
        self.write(async |tx| {
            change("UPDATE survey_respondents SET token_hash = $1 WHERE id = $2 AND answered = 0")
                .bind(token_hash)
                .bind(id)
                .run_on_one(&mut *tx, "respondent who has not answered")
                .await?;
            let r = select("SELECT * FROM survey_respondents WHERE id = $1")
                .bind(id)
                .one(&mut *tx, respondent_from, "respondent")
                .await?;
            audit(tx, actor, "renew_link", "survey", r.survey_id, &r.email).await?;
            Ok(r)
        })
        .await
    }

    /// The people a survey was sent to, by name.
    pub async fn respondents_of(&self, survey: SurveyId) -> StoreResult<Vec<Respondent>> {
        select("SELECT * FROM survey_respondents WHERE survey_id = $1 ORDER BY name, email, id")
            .bind(survey)
            .all(&self.pool, respondent_from)
            .await
    }

    /// One respondent.
    pub async fn respondent(&self, id: RespondentId) -> StoreResult<Respondent> {
        select("SELECT * FROM survey_respondents WHERE id = $1")
            .bind(id)
            .one(&self.pool, respondent_from, "respondent")
            .await
    }

    /// The respondent whose link's secret hashes to `token_hash`.
    pub async fn respondent_by_token(&self, token_hash: &str) -> StoreResult<Respondent> {
        select("SELECT * FROM survey_respondents WHERE token_hash = $1")
            .bind(token_hash)
            .one(&self.pool, respondent_from, "survey link")
            .await
    }

    /// Stores one person's answers and marks their link used, in one transaction; a link
    /// already used is a conflict and stores nothing. The answer row has a random id and no
    /// time, and nothing ties it to the respondent.
    pub async fn submit_answers(
        &self,
        respondent: RespondentId,
        survey: SurveyId,
        answers: &[Answer],
    ) -> StoreResult<()> {
        self.write(async |tx| {
            let marked = change(
                "UPDATE survey_respondents SET answered = 1 WHERE id = $1 AND survey_id = $2 AND answered = 0",
            )
            .bind(respondent)
            .bind(survey)
            .run(&mut *tx)
            .await?;
            if marked != 1 {
                return Err(StoreError::Conflict("this link has been used already".into()));
            }
            change("INSERT INTO survey_answers (id, survey_id, answers) VALUES ($1, $2, $3)")
                .bind(uuid::Uuid::new_v4())
                .bind(survey)
                .bind(json_text(&answers)?)
                .run(&mut *tx)
                .await?;
            Ok(())
        })
        .await
    }

    /// Every set of answers a survey received (in no meaningful order).
    pub async fn survey_answers(&self, survey: SurveyId) -> StoreResult<Vec<Vec<Answer>>> {
        select("SELECT answers FROM survey_answers WHERE survey_id = $1 ORDER BY id")
            .bind(survey)
            .all(&self.pool, |r| json(r, "answers"))
            .await
    }
}
