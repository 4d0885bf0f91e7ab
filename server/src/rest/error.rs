//! The REST API's one error answer: JSON `{code, message, details}` with the status of its code,
//! and how the app's errors (`ApiError`, store errors, refused tokens) become one.

use app::api::rest_types::*;
use app::api::ApiError;
use app::auth::TokenRefusal;
use app::i18n::Locale;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

tokio::task_local! {
    /// The language of the REST request being answered.
    static LOCALE: Locale;
}

/// The language of the REST request being answered (English outside one). REST calls carry an
/// API token, not a person's session, so only `Accept-Language` chooses it.
pub fn locale() -> Locale {
    LOCALE.try_with(|l| *l).unwrap_or_default()
}

/// Middleware: answers the request's human messages in its `Accept-Language`; the machine
/// `code` stays the same in every language.
pub async fn with_locale(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let accept = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let locale = app::i18n::choose_locale(None, None, accept);
    LOCALE.scope(locale, next.run(request)).await
}

/// An error answer of the REST API: its body, sent with the status of its code (and, when
/// rate-limited, the seconds to wait).
#[derive(Debug)]
pub struct RestError(pub ErrorBody, Option<u64>);

impl RestError {
    /// The same error telling the client to retry after `seconds`.
    pub(super) fn retry_after(mut self, seconds: u64) -> RestError {
        self.1 = Some(seconds);
        self
    }

    /// An error with a message and no details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> RestError {
        RestError(
            ErrorBody {
                code,
                message: message.into(),
                details: Vec::new(),
            },
            None,
        )
    }

    /// The same error with details.
    pub fn with_details(mut self, details: Vec<ErrorDetail>) -> RestError {
        self.0.details = details;
        self
    }

    pub(super) fn bad_parameter(field: &str, message: impl Into<String>) -> RestError {
        let message = message.into();
        let locale = locale();
        RestError::new(
            ErrorCode::BadRequest,
            app::error::bad_parameter_text(locale, field),
        )
        .with_details(vec![ErrorDetail {
            index: None,
            field: Some(field.into()),
            message,
        }])
    }
}

impl From<ApiError> for RestError {
    fn from(e: ApiError) -> RestError {
        let code = match &e {
            ApiError::Unauthenticated | ApiError::BadCredentials => ErrorCode::Unauthorized,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::Invalid(_) => ErrorCode::ValidationFailed,
            // No REST route is rate-limited (only the password-reset form is).
            ApiError::BadInput(_) | ApiError::Transport(_) | ApiError::TooManyRequests { .. } => {
                ErrorCode::BadRequest
            }
            ApiError::NotFound(_) | ApiError::Gone(_) => ErrorCode::NotFound,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::Internal(_) => ErrorCode::Internal,
            ApiError::TooManyAttempts { seconds } => {
                let message = e.text(locale());
                return RestError::new(ErrorCode::RateLimited, message).retry_after(*seconds);
            }
        };
        RestError::new(code, e.text(locale()))
    }
}

impl From<app::store::StoreError> for RestError {
    fn from(e: app::store::StoreError) -> RestError {
        ApiError::from(e).into()
    }
}

impl From<TokenRefusal> for RestError {
    fn from(e: TokenRefusal) -> RestError {
        RestError::new(ErrorCode::Unauthorized, e.text(locale()))
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry = self.1;
        let mut response = (status, Json(self.0)).into_response();
        if let Some(seconds) = retry.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"cairn\""),
            );
        }
        response
    }
}

/// The refusals of every endpoint, documented once: no valid token (401) and too many requests
/// with it (429), both answered by the [`super::Caller`] extractor.
#[derive(utoipa::IntoResponses)]
pub enum TokenRefusals {
    /// See the description.
    #[response(
        status = 401,
        description = "Missing, malformed, unknown or revoked token."
    )]
    Unauthorized(ErrorBody),
    /// See the description.
    #[response(
        status = 429,
        description = "Too many requests with this token (see `Retry-After`)."
    )]
    RateLimited(ErrorBody),
}

/// Result of a REST handler.
pub type RestResult<T> = Result<Json<T>, RestError>;
