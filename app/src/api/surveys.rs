//! Readiness surveys (`domain::survey`): a unit's editors start one, word its statements, and
//! send personal links; the people asked answer through their link without an account; viewers
//! of the unit see the results once at least three have answered, and only as aggregates.
//! Who was asked (names, addresses) is shown to the unit's editors only.

use super::ApiError;
use crate::domain::survey::{Answer, Respondent, Results, Statement, Survey};
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A survey in a unit's list: how many were asked and how many answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SurveySummary {
    pub id: SurveyId,
    pub title: String,
    pub created_at: String,
    pub closed: bool,
    pub asked: usize,
    pub answered: usize,
}

/// A unit's surveys page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SurveysPage {
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub unit: OrgUnit,
    pub surveys: Vec<SurveySummary>,
    pub may_edit: bool,
    /// The server's date, for the default title of a new survey.
    pub today: chrono::NaiveDate,
}

/// One survey as its page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SurveyPage {
    pub survey: Survey,
    pub unit_name: String,
    pub asked: usize,
    pub answered: usize,
    /// Who was asked and whether they answered: editors of the unit only (empty for others).
    pub respondents: Vec<Respondent>,
    /// The aggregates, once at least three have answered.
    pub results: Option<Results>,
    pub may_edit: bool,
    /// Answers have arrived: the statements no longer change.
    pub locked: bool,
}

/// A personal link, shown once when made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PersonalLink {
    pub respondent_id: RespondentId,
    pub name: String,
    pub email: String,
    pub url: String,
    /// It was queued as an e-mail too.
    pub mailed: bool,
}

/// What a personal link opens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SurveyForm {
    /// The survey to answer.
    Open {
        title: String,
        unit_name: String,
        statements: Vec<Statement>,
    },
    /// This link has answered already.
    Used,
    /// The survey no longer takes answers.
    Closed,
    /// No such link (or it was replaced by a new one).
    Unknown,
}

/// A unit's surveys (viewers of the unit).
#[server(prefix = "/api", endpoint = "unit_surveys", input = Json, output = super::TextJson)]
pub async fn unit_surveys(unit_id: OrgUnitId) -> Result<SurveysPage, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::list(&ctx.store, &access, unit_id).await
        }
        .await,
    )
}

/// Starts a survey of a unit with the default statements in the caller's language (editors).
#[server(prefix = "/api", endpoint = "create_survey", input = Json, output = super::TextJson)]
pub async fn create_survey(unit_id: OrgUnitId, title: String) -> Result<SurveyId, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let locale = super::ssr::locale(&ctx, &user).await;
            service::create(&ctx.store, &access, user.id, unit_id, title, locale).await
        }
        .await,
    )
}

/// A survey's page (viewers of its unit; who was asked only for editors).
#[server(prefix = "/api", endpoint = "get_survey", input = Json, output = super::TextJson)]
pub async fn get_survey(id: SurveyId) -> Result<SurveyPage, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::page(&ctx.store, &access, id).await
        }
        .await,
    )
}

/// Rewords a survey: its title and statements, until the first answer (editors).
#[server(prefix = "/api", endpoint = "save_survey", input = Json, output = super::TextJson)]
pub async fn save_survey(
    id: SurveyId,
    title: String,
    statements: Vec<Statement>,
) -> Result<SurveyPage, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::save(&ctx.store, &access, user.id, id, title, statements).await
        }
        .await,
    )
}

/// Sends personal links to the people named in `people` ("Name <address>" a line) (editors).
#[server(prefix = "/api", endpoint = "invite_to_survey", input = Json, output = super::TextJson)]
pub async fn invite_to_survey(id: SurveyId, people: String) -> Result<Vec<PersonalLink>, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::invite(&ctx.store, &access, &ctx.mail, &user, id, &people).await
        }
        .await,
    )
}

/// A new personal link for someone who has not answered (the old one stops working) (editors).
#[server(prefix = "/api", endpoint = "renew_survey_link", input = Json, output = super::TextJson)]
pub async fn renew_survey_link(respondent_id: RespondentId) -> Result<PersonalLink, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::renew(&ctx.store, &access, &ctx.mail, &user, respondent_id).await
        }
        .await,
    )
}

/// Closes a survey to answers, or opens it again (editors).
#[server(prefix = "/api", endpoint = "close_survey", input = Json, output = super::TextJson)]
pub async fn close_survey(id: SurveyId, closed: bool) -> Result<SurveyPage, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::set_closed(&ctx.store, &access, user.id, id, closed).await
        }
        .await,
    )
}

/// What a personal link opens (no account needed: the link's secret is the key).
#[server(prefix = "/api", endpoint = "survey_form", input = Json, output = super::TextJson)]
pub async fn open_survey_link(token: String) -> Result<SurveyForm, ApiError> {
    super::ssr::reply(
        async move {
            let ctx = super::ssr::context()?;
            service::form(&ctx.store, &token).await
        }
        .await,
    )
}

/// Sends one person's answers through their personal link (once).
#[server(prefix = "/api", endpoint = "answer_survey", input = Json, output = super::TextJson)]
pub async fn answer_survey(token: String, answers: Vec<Answer>) -> Result<(), ApiError> {
    super::ssr::reply(
        async move {
            let ctx = super::ssr::context()?;
            service::answer(&ctx.store, &token, answers).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::*;
    use crate::api::units::service::need;
    use crate::api::Refusal;
    use crate::auth::{secret_hash, Access};
    use crate::domain::survey;
    use crate::domain::Action;
    use crate::i18n::Locale;
    use crate::mail::MailContext;
    use crate::store::{Store, StoreError};

    /// The survey `id` if `access` may `action` on its unit.
    async fn survey_for(
        store: &Store,
        access: &Access,
        id: SurveyId,
        action: Action,
    ) -> Result<Survey, ApiError> {
        let survey = store.survey(id).await?;
        need(store, access, survey.org_unit_id, action).await?;
        Ok(survey)
    }

    /// A unit's surveys, latest first.
    pub async fn list(
        store: &Store,
        access: &Access,
        unit_id: OrgUnitId,
    ) -> Result<SurveysPage, ApiError> {
        let unit = store.org_unit(unit_id).await?;
        need(store, access, unit_id, Action::View).await?;
        let mut surveys = Vec::new();
        for s in store.surveys_of(unit_id).await? {
            let asked = store.respondents_of(s.id).await?;
            surveys.push(SurveySummary {
                id: s.id,
                title: s.title,
                created_at: s.created_at,
                closed: s.closed_at.is_some(),
                asked: asked.len(),
                answered: asked.iter().filter(|r| r.answered).count(),
            });
        }
        Ok(SurveysPage {
            today: chrono::Utc::now().date_naive(),
            may_edit: access.allows(unit_id, Action::Edit),
            unit,
            surveys,
        })
    }

    /// Starts a survey of `unit_id` titled `title`, with the default statements in `locale`.
    pub async fn create(
        store: &Store,
        access: &Access,
        actor: UserId,
        unit_id: OrgUnitId,
        title: String,
        locale: Locale,
    ) -> Result<SurveyId, ApiError> {
        store.org_unit(unit_id).await?;
        need(store, access, unit_id, Action::Edit).await?;
        let s = Survey {
            id: SurveyId::new(),
            org_unit_id: unit_id,
            title: title.trim().to_string(),
            statements: survey::default_statements(locale),
            created_by: Some(actor),
            created_at: crate::store::now_text(),
            closed_at: None,
        };
        survey::validate(&s)?;
        store.create_survey(&s, Some(actor)).await?;
        Ok(s.id)
    }

    /// A survey's page as `access` may see it.
    pub async fn page(
        store: &Store,
        access: &Access,
        id: SurveyId,
    ) -> Result<SurveyPage, ApiError> {
        let survey = survey_for(store, access, id, Action::View).await?;
        let unit = store.org_unit(survey.org_unit_id).await?;
        let may_edit = access.allows(survey.org_unit_id, Action::Edit);
        let respondents = store.respondents_of(id).await?;
        let answers = store.survey_answers(id).await?;
        Ok(SurveyPage {
            unit_name: unit.name,
            asked: respondents.len(),
            answered: respondents.iter().filter(|r| r.answered).count(),
            respondents: if may_edit { respondents } else { Vec::new() },
            results: survey::results(&survey.statements, &answers),
            locked: !answers.is_empty(),
            may_edit,
            survey,
        })
    }

    /// Rewrites the title and statements (new statements numbered), until answers arrive.
    pub async fn save(
        store: &Store,
        access: &Access,
        actor: UserId,
        id: SurveyId,
        title: String,
        mut statements: Vec<Statement>,
    ) -> Result<SurveyPage, ApiError> {
        let mut survey = survey_for(store, access, id, Action::Edit).await?;
        survey::number_new(&mut statements);
        survey.title = title.trim().to_string();
        survey.statements = statements
            .into_iter()
            .map(|s| Statement {
                text: s.text.trim().to_string(),
                ..s
            })
            .collect();
        survey::validate(&survey)?;
        match store.update_survey(&survey, Some(actor)).await {
            Err(StoreError::Conflict(_)) => return Err(ApiError::Conflict(Refusal::SurveyLocked)),
            other => other?,
        }
        page(store, access, id).await
    }

    /// Closes (`closed`) or reopens a survey.
    pub async fn set_closed(
        store: &Store,
        access: &Access,
        actor: UserId,
        id: SurveyId,
        closed: bool,
    ) -> Result<SurveyPage, ApiError> {
        survey_for(store, access, id, Action::Edit).await?;
        let at = closed.then(crate::store::now_text);
        store.set_survey_closed(id, at, Some(actor)).await?;
        page(store, access, id).await
    }

    /// The address of a personal link.
    fn link_url(mail: &MailContext, secret: &str) -> String {
        format!("{}/answer/{secret}", mail.base_url)
    }

    /// Queues the invitation to `r` with their link, when mail is configured.
    async fn mail_link(
        store: &Store,
        mail: &MailContext,
        sender: &User,
        survey: &Survey,
        unit: &str,
        r: &Respondent,
        url: &str,
    ) -> Result<bool, ApiError> {
        if !mail.configured {
            return Ok(false);
        }
        let locale =
            crate::auth::request_locale(store, Some(sender), &http::HeaderMap::new()).await;
        let title = &survey.title;
        let subject = crate::i18n::td_string!(locale, survey.mail.subject, title).to_string();
        let body = crate::i18n::td_string!(
            locale,
            survey.mail.body,
            name = &r.name,
            sender = &sender.name,
            unit,
            url
        )
        .to_string();
        store.enqueue_mail(&r.email, &subject, &body).await?;
        Ok(true)
    }

    /// Makes a personal link for each person named in `people`, in one transaction, and mails
    /// each theirs when mail is configured. The links are returned once: only their hashes
    /// are kept.
    pub async fn invite(
        store: &Store,
        access: &Access,
        mail: &MailContext,
        sender: &User,
        id: SurveyId,
        people: &str,
    ) -> Result<Vec<PersonalLink>, ApiError> {
        let survey = survey_for(store, access, id, Action::Edit).await?;
        if survey.closed_at.is_some() {
            return Err(ApiError::Conflict(Refusal::SurveyClosed));
        }
        let named = survey::parse_respondents(people)?;
        let already = store.respondents_of(id).await?;
        if already.len() + named.len() > survey::MAX_RESPONDENTS {
            return Err(ApiError::from(ValidationError::TooManyEntries {
                field: "Respondents".into(),
                max: survey::MAX_RESPONDENTS,
            }));
        }
        if named
            .iter()
            .any(|(_, e)| already.iter().any(|r| r.email.eq_ignore_ascii_case(e)))
        {
            return Err(ApiError::from(ValidationError::Duplicate(
                "Respondents".into(),
            )));
        }
        let made: Vec<(Respondent, String)> = named
            .into_iter()
            .map(|(name, email)| {
                let secret = crate::auth::random_secret();
                let r = Respondent {
                    id: RespondentId::new(),
                    survey_id: id,
                    name,
                    email,
                    answered: false,
                };
                (r, secret)
            })
            .collect();
        let hashed: Vec<(Respondent, String)> = made
            .iter()
            .map(|(r, secret)| (r.clone(), secret_hash(secret)))
            .collect();
        store.add_respondents(&hashed, Some(sender.id)).await?;
        let unit = store.org_unit(survey.org_unit_id).await?.name;
        let mut links = Vec::new();
        for (r, secret) in made {
            let url = link_url(mail, &secret);
            let mailed = mail_link(store, mail, sender, &survey, &unit, &r, &url).await?;
            links.push(PersonalLink {
                respondent_id: r.id,
                name: r.name,
                email: r.email,
                url,
                mailed,
            });
        }
        Ok(links)
    }

    /// A new link for a respondent who has not answered.
    pub async fn renew(
        store: &Store,
        access: &Access,
        mail: &MailContext,
        sender: &User,
        respondent: RespondentId,
    ) -> Result<PersonalLink, ApiError> {
        let r = store.respondent(respondent).await?;
        let survey = survey_for(store, access, r.survey_id, Action::Edit).await?;
        if r.answered {
            return Err(ApiError::Conflict(Refusal::SurveyLinkUsed));
        }
        let secret = crate::auth::random_secret();
        let r = store
            .renew_respondent_link(respondent, &secret_hash(&secret), Some(sender.id))
            .await?;
        let url = link_url(mail, &secret);
        let unit = store.org_unit(survey.org_unit_id).await?.name;
        let mailed = mail_link(store, mail, sender, &survey, &unit, &r, &url).await?;
        Ok(PersonalLink {
            respondent_id: r.id,
            name: r.name,
            email: r.email,
            url,
            mailed,
        })
    }

    /// What the link with `token` opens.
    pub async fn form(store: &Store, token: &str) -> Result<SurveyForm, ApiError> {
        let r = match store.respondent_by_token(&secret_hash(token.trim())).await {
            Ok(r) => r,
            Err(StoreError::NotFound(_)) => return Ok(SurveyForm::Unknown),
            Err(e) => return Err(e.into()),
        };
        let survey = store.survey(r.survey_id).await?;
        if r.answered {
            return Ok(SurveyForm::Used);
        }
        if survey.closed_at.is_some() {
            return Ok(SurveyForm::Closed);
        }
        Ok(SurveyForm::Open {
            title: survey.title,
            unit_name: store.org_unit(survey.org_unit_id).await?.name,
            statements: survey.statements,
        })
    }

    /// Stores the answers sent through the link with `token`: every statement answered once,
    /// the survey open, the link unused.
    pub async fn answer(store: &Store, token: &str, answers: Vec<Answer>) -> Result<(), ApiError> {
        let r = store
            .respondent_by_token(&secret_hash(token.trim()))
            .await
            .map_err(|_| ApiError::NotFound("survey link".into()))?;
        let survey = store.survey(r.survey_id).await?;
        if survey.closed_at.is_some() {
            return Err(ApiError::Conflict(Refusal::SurveyClosed));
        }
        if r.answered {
            return Err(ApiError::Conflict(Refusal::SurveyLinkUsed));
        }
        survey::validate_answers(&survey.statements, &answers)?;
        let answers: Vec<Answer> = answers
            .into_iter()
            .map(|a| Answer {
                comment: a.comment.trim().to_string(),
                ..a
            })
            .collect();
        match store.submit_answers(r.id, survey.id, &answers).await {
            Err(StoreError::Conflict(_)) => Err(ApiError::Conflict(Refusal::SurveyLinkUsed)),
            other => Ok(other?),
        }
    }
}
