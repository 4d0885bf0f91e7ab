//! The one error type of every server function. It travels to the browser as JSON, carries an
//! HTTP status, and never contains SQL or internals (those are logged with a reference instead).

use crate::api::TextJsonEncoding;
use crate::domain::ValidationError;
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
    Forbidden(String),
    #[error("{0}")]
    Invalid(ValidationError),
    #[error("{0}")]
    BadInput(String),
    #[error("The {0} does not exist (or was deleted).")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// Something that existed and was withdrawn for good (a revoked display link).
    #[error("{0}")]
    Gone(String),
    #[error("Something went wrong on the server (reference {0}). Nothing was changed.")]
    Internal(String),
    #[error("Could not reach the server: {0}")]
    Transport(String),
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
            ApiError::Internal(_) => S::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message for a person, in `locale`. (`Display` stays English, for logs.)
    pub fn text(&self, locale: crate::i18n::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            ApiError::Unauthenticated => td_string!(locale, errors.api.unauthenticated).to_string(),
            ApiError::BadCredentials => td_string!(locale, errors.api.bad_credentials).to_string(),
            ApiError::Invalid(e) => e.text(locale),
            ApiError::NotFound(what) => td_string!(locale, errors.api.not_found, what).to_string(),
            ApiError::Internal(reference) => {
                td_string!(locale, errors.api.internal, reference).to_string()
            }
            ApiError::Transport(detail) => {
                td_string!(locale, errors.api.transport, detail).to_string()
            }
            ApiError::Forbidden(m) | ApiError::BadInput(m) | ApiError::Conflict(m) | ApiError::Gone(m) => {
                m.clone()
            }
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
                ApiError::BadInput(format!("The request was malformed: {msg}"))
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
            other => ApiError::BadInput(other.to_string()),
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
            E::Conflict(msg) => ApiError::Conflict(msg),
            other => ApiError::internal(other),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use axum::response::IntoResponse;

    #[tokio::test]
    async fn an_error_answers_with_its_status_and_itself_as_json() {
        let errors = [
            ApiError::Unauthenticated,
            ApiError::Forbidden("You need a role on this unit.".into()),
            ApiError::Invalid(ValidationError::ComputedMeasure("Revenue".into())),
            ApiError::NotFound("dashboard".into()),
            ApiError::Gone("This link was revoked.".into()),
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
