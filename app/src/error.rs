//! The one error type of every server function. It travels to the browser as JSON, carries an
//! HTTP status, and never contains SQL or internals (those are logged with a reference instead).

use crate::api::TextJsonEncoding;
use crate::domain::feed::GoneReason;
use crate::domain::import::MappingError;
use crate::domain::ops::OpError;
use crate::domain::period::PeriodParseError;
use crate::domain::role::{Action, Role};
use crate::domain::upload::FileError;
use crate::domain::ValidationError;
use crate::i18n::Locale;
use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Why a server function refused or failed; the message is fit to show to the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum ApiError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("Wrong email or password.")]
    BadCredentials,
    #[error("{0}")]
    Forbidden(Refusal),
    #[error("{0}")]
    Invalid(ValidationError),
    #[error("{0}")]
    BadInput(Refusal),
    #[error("The {0} does not exist (or was deleted).")]
    NotFound(String),
    #[error("{0}")]
    Conflict(Refusal),
    /// Something that existed and was withdrawn for good (a revoked display link).
    #[error("{0}")]
    Gone(Refusal),
    /// Too many failed attempts at a guessable form; try again after `seconds`.
    #[error("Too many attempts; try again in {seconds} s.")]
    TooManyAttempts { seconds: u64 },
    #[error("Something went wrong on the server (reference {0}). Nothing was changed.")]
    Internal(String),
    #[error("Could not reach the server: {0}")]
    Transport(String),
    /// Too many requests of one kind (the password-reset form): try again in `seconds`.
    #[error("Too many requests; try again in {seconds} s.")]
    TooManyRequests { seconds: u64 },
}

impl ApiError {
    /// The HTTP status this error is sent with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            ApiError::Unauthenticated | ApiError::BadCredentials => S::UNAUTHORIZED,
            ApiError::Forbidden(_) => S::FORBIDDEN,
            ApiError::Invalid(_) => S::UNPROCESSABLE_ENTITY,
            ApiError::BadInput(_) | ApiError::Transport(_) => S::BAD_REQUEST,
            ApiError::NotFound(_) => S::NOT_FOUND,
            ApiError::Conflict(_) => S::CONFLICT,
            ApiError::Gone(_) => S::GONE,
            ApiError::TooManyAttempts { .. } => S::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => S::INTERNAL_SERVER_ERROR,
            ApiError::TooManyRequests { .. } => S::TOO_MANY_REQUESTS,
        }
    }

    /// The message for a person, in `locale`. (`Display` stays English, for logs.)
    pub fn text(&self, locale: Locale) -> String {
        use crate::i18n::td_string;
        match self {
            ApiError::Unauthenticated => td_string!(locale, errors.api.unauthenticated).to_string(),
            ApiError::BadCredentials => td_string!(locale, errors.api.bad_credentials).to_string(),
            ApiError::Invalid(e) => e.text(locale),
            ApiError::NotFound(what) => {
                let what = thing_name(locale, what);
                td_string!(locale, errors.api.not_found, what).to_string()
            }
            ApiError::TooManyAttempts { seconds } => {
                let seconds = seconds.to_string();
                td_string!(locale, signin.too_many, seconds).to_string()
            }
            ApiError::Internal(reference) => {
                td_string!(locale, errors.api.internal, reference).to_string()
            }
            ApiError::Transport(detail) => {
                td_string!(locale, errors.api.transport, detail).to_string()
            }
            ApiError::TooManyRequests { seconds } => {
                td_string!(locale, mail.too_many, seconds).to_string()
            }
            ApiError::Forbidden(r)
            | ApiError::BadInput(r)
            | ApiError::Conflict(r)
            | ApiError::Gone(r) => r.text(locale),
        }
    }

    /// Logs `detail` with a fresh reference and returns the user-facing error naming it.
    #[cfg(feature = "ssr")]
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        let reference = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
        tracing::error!(reference = %reference, "internal error: {detail}");
        ApiError::Internal(reference)
    }
}

/// Why a request was refused, as data: the browser and the REST API say it in the reader's
/// language ([`Refusal::text`]); `Display` is the English sentence, for logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Refusal {
    /// `action` on `unit` needs the `required` role; the person has `yours` (or none).
    NeedRole {
        action: Action,
        unit: Option<String>,
        required: Role,
        yours: Option<Role>,
    },
    /// Entering data for a measure needs the contributor role on its unit or owning its data.
    EnterDataFor { measure: String },
    /// A measure outside an API token's scope.
    OutsideTokenScope { measure: String, token: String },
    /// A read-only API token cannot enter data.
    TokenReadOnly { measure: String, token: String },
    /// Setting targets needs the editor role.
    SetTargetsOf { measure: String },
    /// API tokens never set targets.
    TokenSetsTargets { measure: String, token: String },
    /// Managing API tokens needs the admin role somewhere.
    TokensNeedAdmin,
    /// A dashboard of `unit` may not show a map of `map_unit`.
    DashboardMapUnit { unit: String, map_unit: String },
    /// Watching a dashboard needs a role on its unit.
    WatchNeedsRole,
    /// Importing into a map needs the contributor role or owning a measure's data.
    ImportNeedsRole {
        map: String,
        unit: String,
        yours: Role,
    },
    /// A display link that shows nothing, and why.
    Display(GoneReason),
    /// A period that does not read.
    Period(PeriodParseError),
    /// An uploaded file that cannot be read.
    File(FileError),
    /// An import mapping that cannot be used.
    Mapping(MappingError),
    /// An edit that cannot apply.
    Op(OpError),
    /// The delete-impact preview names 1 to `max` objectives.
    DeleteImpactCount { max: usize },
    /// The data grid shows years `from`..=`to`.
    GridYear { from: i32, to: i32 },
    /// Sign-in without email or password.
    EnterEmailAndPassword,
    /// Password sign-in is turned off: this organisation signs in through single sign-on.
    PasswordSignInOff,
    /// A request whose arguments do not decode.
    Malformed { detail: String },
    /// An import is being committed and cannot change.
    ImportCommitting,
    /// An import is already being committed.
    ImportAlreadyCommitting,
    /// CSV files have no sheets to choose.
    CsvHasNoSheets,
    /// A mapping whose width is not the file's.
    MappingDoesNotFit,
    /// "All or nothing" refuses a file with problems.
    AllOrNothing { bad_rows: usize, valid: usize },
    /// Nothing valid to import.
    NothingToImport,
    /// Too many imports are held in memory.
    ImportsBusy,
    /// Someone else's comment (only its author changes or deletes it; only its first author
    /// or an editor resolves its thread).
    NotYourComment,
    /// A new password and its confirmation differ.
    PasswordsDiffer,
    /// A password-reset link that is unknown, used or expired.
    ResetLinkInvalid,
    /// A change to people or roles, an invitation or a sign-in that the people rules refuse.
    People(crate::domain::people::PeopleError),
    /// The unit (or one above it) is archived: its content is read-only.
    UnitArchived { unit: String },
    /// The map is archived: it is read-only until its status is set back.
    MapArchived { map: String },
    /// Org units are managed by their admins (held there or above).
    ManageUnitsNeedAdmin,
    /// An archived unit only takes being brought back; nothing else about it changes.
    ArchivedUnitChange { unit: String },
    /// The current password given to change it is wrong.
    WrongCurrentPassword,
    /// The first-run set-up after an admin exists.
    AlreadySetUp,
    /// A proposal that no longer applies to its map as it is now, and why.
    ProposalStale(OpError),
    /// A proposal already accepted or declined.
    ProposalDecided,
    /// A closed initiative is read-only until it is reopened.
    InitiativeClosed { name: String },
    /// An initiative stays in the unit it was made in.
    InitiativeMoved,
    /// An owner (of an initiative or a milestone) must be someone with a role on its unit.
    OwnerWithoutRole,
    /// A closed review is a frozen record: nothing in it changes.
    ReviewClosed { title: String },
    /// The unit requires commentary on every red item; `count` red items have none.
    CommentaryMissing { count: usize },
    /// Commentary is written by the item's owner or an editor of the unit.
    NotItemOwner,
    /// An action is marked done by its owner or an editor of the unit.
    NotActionOwner,
    /// A review looks at one of its own unit's maps.
    MapOfAnotherUnit,
    /// A survey's statements changed after answers arrived.
    SurveyLocked,
    /// A personal survey link already used.
    SurveyLinkUsed,
    /// A survey closed to answers (or to new respondents).
    SurveyClosed,
    /// A map has its next year's version already (`name`): a second would split the unit's
    /// strategy in two.
    NextVersionExists { name: String },
    /// Versions compared are two maps of one unit.
    VersionsOfOneUnit,
    /// A batch of workshop steps holds 1 to `max`.
    WorkshopBatch { max: usize },
    /// A message made elsewhere (the store's conflicts), in English.
    Text(String),
}

impl Refusal {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Refusal::NeedRole {
                action,
                unit,
                required,
                yours,
            } => {
                let unit = unit
                    .clone()
                    .unwrap_or_else(|| td_string!(locale, errors.refusal.this_unit).to_string());
                let role = role_name(locale, *required);
                let yours = yours.map_or_else(
                    || td_string!(locale, errors.role.none).to_string(),
                    |r| role_name(locale, r),
                );
                match action {
                    Action::View => {
                        td_string!(locale, errors.refusal.need_role.view, unit, role, yours)
                    }
                    Action::EnterData => {
                        td_string!(
                            locale,
                            errors.refusal.need_role.enter_data,
                            unit,
                            role,
                            yours
                        )
                    }
                    Action::Edit => {
                        td_string!(locale, errors.refusal.need_role.edit, unit, role, yours)
                    }
                    Action::Administer => {
                        td_string!(
                            locale,
                            errors.refusal.need_role.administer,
                            unit,
                            role,
                            yours
                        )
                    }
                }
                .to_string()
            }
            Refusal::EnterDataFor { measure } => {
                td_string!(locale, errors.refusal.enter_data_for, measure).to_string()
            }
            Refusal::OutsideTokenScope { measure, token } => {
                td_string!(locale, errors.refusal.outside_token_scope, measure, token).to_string()
            }
            Refusal::TokenReadOnly { measure, token } => {
                td_string!(locale, errors.refusal.token_read_only, measure, token).to_string()
            }
            Refusal::SetTargetsOf { measure } => {
                td_string!(locale, errors.refusal.set_targets_of, measure).to_string()
            }
            Refusal::TokenSetsTargets { measure, token } => {
                td_string!(locale, errors.refusal.token_sets_targets, measure, token).to_string()
            }
            Refusal::TokensNeedAdmin => {
                td_string!(locale, errors.refusal.tokens_need_admin).to_string()
            }
            Refusal::DashboardMapUnit { unit, map_unit } => {
                td_string!(locale, errors.refusal.dashboard_map_unit, unit, map_unit).to_string()
            }
            Refusal::WatchNeedsRole => {
                td_string!(locale, errors.refusal.watch_needs_role).to_string()
            }
            Refusal::ImportNeedsRole { map, unit, yours } => {
                let role = role_name(locale, *yours);
                td_string!(locale, errors.refusal.import_needs_role, map, unit, role).to_string()
            }
            Refusal::Display(reason) => match reason {
                GoneReason::Revoked => td_string!(locale, errors.gone.revoked),
                GoneReason::Unknown => td_string!(locale, errors.gone.unknown),
                GoneReason::Deleted => td_string!(locale, errors.gone.deleted),
                GoneReason::Withdrawn => td_string!(locale, errors.gone.withdrawn),
            }
            .to_string(),
            Refusal::Period(e) => e.text(locale),
            Refusal::File(e) => e.text(locale),
            Refusal::Mapping(e) => e.text(locale),
            Refusal::Op(e) => e.text(locale),
            Refusal::DeleteImpactCount { max } => {
                let max = crate::i18n::format_number(locale, *max as f64, 0);
                td_string!(locale, errors.refusal.delete_impact_count, max).to_string()
            }
            Refusal::GridYear { from, to } => {
                td_string!(locale, errors.refusal.grid_year, from, to).to_string()
            }
            Refusal::EnterEmailAndPassword => {
                td_string!(locale, errors.refusal.enter_email_and_password).to_string()
            }
            Refusal::PasswordSignInOff => td_string!(locale, sso.password_off).to_string(),
            Refusal::Malformed { detail } => {
                td_string!(locale, errors.refusal.malformed, detail).to_string()
            }
            Refusal::ImportCommitting => {
                td_string!(locale, errors.refusal.import_committing).to_string()
            }
            Refusal::ImportAlreadyCommitting => {
                td_string!(locale, errors.refusal.import_already_committing).to_string()
            }
            Refusal::CsvHasNoSheets => {
                td_string!(locale, errors.refusal.csv_has_no_sheets).to_string()
            }
            Refusal::MappingDoesNotFit => {
                td_string!(locale, errors.refusal.mapping_does_not_fit).to_string()
            }
            Refusal::AllOrNothing { bad_rows, valid } => {
                let bad_rows = crate::i18n::format_number(locale, *bad_rows as f64, 0);
                let valid = crate::i18n::format_number(locale, *valid as f64, 0);
                td_string!(locale, errors.refusal.all_or_nothing, bad_rows, valid).to_string()
            }
            Refusal::NothingToImport => {
                td_string!(locale, errors.refusal.nothing_to_import).to_string()
            }
            Refusal::ImportsBusy => td_string!(locale, errors.refusal.imports_busy).to_string(),
            Refusal::NotYourComment => {
                td_string!(locale, errors.refusal.not_your_comment).to_string()
            }
            Refusal::PasswordsDiffer => td_string!(locale, mail.reset.differ).to_string(),
            Refusal::ResetLinkInvalid => td_string!(locale, mail.reset.invalid).to_string(),
            Refusal::People(e) => e.text(locale),
            Refusal::UnitArchived { unit } => {
                td_string!(locale, units.errors.unit_archived, unit).to_string()
            }
            Refusal::MapArchived { map } => {
                td_string!(locale, units.errors.map_archived_named, map).to_string()
            }
            Refusal::ManageUnitsNeedAdmin => {
                td_string!(locale, units.errors.manage_needs_admin).to_string()
            }
            Refusal::ArchivedUnitChange { unit } => {
                td_string!(locale, units.errors.archived_unit_change, unit).to_string()
            }
            Refusal::WrongCurrentPassword => {
                td_string!(locale, profile.wrong_current_password).to_string()
            }
            Refusal::AlreadySetUp => td_string!(locale, setup.already_set_up).to_string(),
            Refusal::ProposalStale(why) => {
                let why = why.text(locale);
                td_string!(locale, errors.api.proposal_stale, why).to_string()
            }
            Refusal::ProposalDecided => td_string!(locale, errors.api.proposal_decided).to_string(),
            Refusal::InitiativeClosed { name } => {
                td_string!(locale, errors.api.initiative_closed, name).to_string()
            }
            Refusal::InitiativeMoved => td_string!(locale, errors.api.initiative_moved).to_string(),
            Refusal::OwnerWithoutRole => {
                td_string!(locale, errors.api.owner_without_role).to_string()
            }
            Refusal::ReviewClosed { title } => {
                td_string!(locale, errors.api.review_closed, title).to_string()
            }
            Refusal::CommentaryMissing { count } => {
                let count = *count as u64;
                td_string!(locale, errors.api.commentary_missing, count = count).to_string()
            }
            Refusal::NotItemOwner => td_string!(locale, errors.api.not_item_owner).to_string(),
            Refusal::NotActionOwner => td_string!(locale, errors.api.not_action_owner).to_string(),
            Refusal::MapOfAnotherUnit => {
                td_string!(locale, errors.api.map_of_another_unit).to_string()
            }
            Refusal::SurveyLocked => td_string!(locale, errors.api.survey_locked).to_string(),
            Refusal::SurveyLinkUsed => td_string!(locale, errors.api.survey_link_used).to_string(),
            Refusal::SurveyClosed => td_string!(locale, errors.api.survey_closed).to_string(),
            Refusal::NextVersionExists { name } => {
                td_string!(locale, errors.api.next_version_exists, name).to_string()
            }
            Refusal::VersionsOfOneUnit => {
                td_string!(locale, errors.api.versions_of_one_unit).to_string()
            }
            Refusal::WorkshopBatch { max } => {
                td_string!(locale, errors.api.workshop_batch, max).to_string()
            }
            Refusal::Text(text) => text.clone(),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Locale::en))
    }
}

impl From<String> for Refusal {
    fn from(text: String) -> Self {
        Refusal::Text(text)
    }
}

/// A role's name in `locale` (viewer, contributor, editor, admin).
pub fn role_name(locale: Locale, role: Role) -> String {
    use crate::i18n::td_string;
    match role {
        Role::Viewer => td_string!(locale, errors.role.viewer),
        Role::Contributor => td_string!(locale, errors.role.contributor),
        Role::Editor => td_string!(locale, errors.role.editor),
        Role::Admin => td_string!(locale, errors.role.admin),
    }
    .to_string()
}

/// What a 404 names ("measure", "display link"), in `locale`; a name Cairn does not know is
/// shown as given.
pub fn thing_name(locale: Locale, what: &str) -> String {
    use crate::i18n::td_string;
    match what {
        "measure" => td_string!(locale, errors.thing.measure),
        "objective" => td_string!(locale, errors.thing.objective),
        "perspective" => td_string!(locale, errors.thing.perspective),
        "theme" => td_string!(locale, errors.thing.theme),
        "link" => td_string!(locale, errors.thing.link),
        "map" => td_string!(locale, errors.thing.map),
        "dashboard" => td_string!(locale, errors.thing.dashboard),
        "display link" => td_string!(locale, errors.thing.display_link),
        "API token" => td_string!(locale, errors.thing.api_token),
        "org unit" | "unit" => td_string!(locale, errors.thing.org_unit),
        "parent unit" => td_string!(locale, errors.thing.parent_unit),
        "initiative" => td_string!(locale, errors.thing.initiative),
        "milestone" => td_string!(locale, errors.thing.milestone),
        "review" => td_string!(locale, errors.thing.review),
        "agenda item" => td_string!(locale, errors.thing.agenda_item),
        "action" => td_string!(locale, errors.thing.action),
        "survey" => td_string!(locale, errors.thing.survey),
        "respondent" => td_string!(locale, errors.thing.respondent),
        "survey link" => td_string!(locale, errors.thing.survey_link),
        "respondent who has not answered" => td_string!(locale, errors.thing.unanswered_respondent),
        "alignment" => td_string!(locale, errors.thing.alignment),
        "proposal" => td_string!(locale, errors.thing.proposal),
        "user" => td_string!(locale, errors.thing.user),
        "session" => td_string!(locale, profile.session_thing),
        "edit" => td_string!(locale, errors.thing.edit),
        "item" => td_string!(locale, errors.thing.item),
        "import" => td_string!(locale, errors.thing.import),
        IMPORT_EXPIRED => td_string!(locale, errors.thing.import_expired),
        other => {
            // "measure 0190…": a name and the id asked for.
            return match other.split_once(' ') {
                Some(("measure", id)) => {
                    format!("{} {id}", td_string!(locale, errors.thing.measure))
                }
                _ => other.to_string(),
            };
        }
    }
    .to_string()
}

/// The REST API's message for a malformed query parameter, in `locale`.
pub fn bad_parameter_text(locale: Locale, field: &str) -> String {
    crate::i18n::td_string!(locale, errors.rest.bad_parameter, field).to_string()
}

/// What a 404 names for an import session that expired or never existed.
pub const IMPORT_EXPIRED: &str = "import (it expires after 30 idle minutes; upload the file again)";

/// Raw axum handlers (uploads, sockets, downloads) answer an error the way server functions do:
/// the variant's HTTP status and the error as JSON, which the browser decodes as an `ApiError`.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        (self.status(), axum::Json(self)).into_response()
    }
}

impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        ApiError::Invalid(e)
    }
}

impl FromServerFnError for ApiError {
    type Encoder = TextJsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) => {
                ApiError::BadInput(Refusal::Malformed { detail: msg })
            }
            other => ApiError::Transport(other.to_string()),
        }
    }
}

impl From<crate::domain::ops::OpError> for ApiError {
    fn from(e: crate::domain::ops::OpError) -> Self {
        match e {
            crate::domain::ops::OpError::Invalid(v) => ApiError::Invalid(v),
            crate::domain::ops::OpError::Missing(what) => ApiError::NotFound(what.to_string()),
            archived @ crate::domain::ops::OpError::MapArchived => {
                ApiError::Conflict(Refusal::Op(archived))
            }
            // The workshop's state refuses the step (not yet revealed, no votes left, …).
            refused @ crate::domain::ops::OpError::Workshop(_) => {
                ApiError::Conflict(Refusal::Op(refused))
            }
            other => ApiError::BadInput(Refusal::Op(other)),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::store::CommitError> for ApiError {
    fn from(e: crate::store::CommitError) -> Self {
        match e {
            crate::store::CommitError::Rejected(op) => op.into(),
            crate::store::CommitError::Store(s) => s.into(),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        use crate::store::StoreError as E;
        match e {
            E::NotFound(what) => ApiError::NotFound(what.to_string()),
            E::Invalid(v) => ApiError::Invalid(v),
            E::Conflict(msg) => ApiError::Conflict(Refusal::Text(msg)),
            other => ApiError::internal(other),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use axum::response::IntoResponse;

    #[test]
    fn refusals_speak_german() {
        use crate::domain::role::{Action, Role};
        let refusal = ApiError::Forbidden(Refusal::NeedRole {
            action: Action::Edit,
            unit: Some("Sales".into()),
            required: Role::Editor,
            yours: Some(Role::Viewer),
        });
        assert_eq!(
            refusal.text(Locale::de),
            "Sie können Sales nicht bearbeiten: Dafür ist die Rolle Bearbeiter nötig, Ihre ist Betrachter."
        );
        assert_eq!(
            refusal.to_string(),
            "You cannot edit Sales: that needs the editor role, and yours is viewer."
        );
        assert_eq!(refusal.text(Locale::en), refusal.to_string());
        assert_eq!(
            ApiError::NotFound("dashboard".into()).text(Locale::de),
            "Nicht gefunden: Dashboard (existiert nicht oder wurde gelöscht)."
        );
        assert_eq!(
            ApiError::Conflict(Refusal::AllOrNothing { bad_rows: 2, valid: 1500 }).text(Locale::de),
            "2 Zeile(n) haben Probleme, daher importiert „Alles oder nichts“ nichts. Beheben Sie sie, oder importieren Sie nur die 1.500 gültigen Werte."
        );
        assert_eq!(
            ApiError::BadInput(Refusal::File(FileError::Empty)).text(Locale::de),
            "Die Datei ist leer."
        );
    }

    #[tokio::test]
    async fn an_error_answers_with_its_status_and_itself_as_json() {
        let errors = [
            ApiError::Unauthenticated,
            ApiError::Forbidden(Refusal::TokensNeedAdmin),
            ApiError::Invalid(ValidationError::ComputedMeasure("Revenue".into())),
            ApiError::NotFound("dashboard".into()),
            ApiError::Gone(Refusal::Display(GoneReason::Revoked)),
            ApiError::Internal("0badc0de".into()),
        ];
        for error in errors {
            let response = error.clone().into_response();
            assert_eq!(response.status(), error.status(), "{error:?}");
            assert_eq!(
                response.headers()[http::header::CONTENT_TYPE],
                "application/json"
            );
            let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
                .await
                .unwrap();
            let decoded: ApiError = serde_json::from_slice(&body).unwrap();
            assert_eq!(decoded, error);
        }
    }
}
