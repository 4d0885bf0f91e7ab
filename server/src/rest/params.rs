//! Path and query parameters of the REST API: each malformed one is a 400 naming it.

use super::error::RestError;
use app::api::parse_period;
use app::api::rest_types::*;
use app::domain::Period;
use axum::extract::rejection::QueryRejection;
use axum::extract::Query;

/// The parsed query string, or a 400 saying what is malformed.
pub(super) fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, RestError> {
    q.map(|Query(t)| t).map_err(|e| {
        RestError::new(
            ErrorCode::BadRequest,
            format!("The query string is malformed: {}", e.body_text()),
        )
    })
}

/// An id from the path, or a 400 saying it is not a UUID.
pub(super) fn id_of<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, RestError> {
    text.parse().map_err(|_| {
        RestError::new(
            ErrorCode::BadRequest,
            format!("\"{text}\" is not a {what} id (a UUID)."),
        )
    })
}

/// An optional `YYYY-MM` query parameter, or a 400 naming the parameter.
pub(super) fn period_param(field: &str, value: Option<&str>) -> Result<Option<Period>, RestError> {
    value
        .map(|v| parse_period(v).map_err(|e| RestError::bad_parameter(field, e.to_string())))
        .transpose()
}
