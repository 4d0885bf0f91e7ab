//! Who is calling the REST API: the bearer token of a request, its rate limit, and what its
//! scope lets it read.

use super::error::RestError;
use crate::AppState;
use app::api::rest_types::*;
use app::auth::{self, Access};
use app::domain::*;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The API token of a request and what it may do; extracting it answers 401 when there is none.
pub struct Caller {
    pub token: ApiToken,
    pub access: Access,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, RestError> {
        let token = auth::token_from_headers(&state.store, &parts.headers).await??;
        if let Some(limiter) = parts.extensions.get::<Arc<RateLimiter>>() {
            limiter.take(token.id, Instant::now()).map_err(|wait| {
                RestError::new(
                    ErrorCode::RateLimited,
                    format!(
                        "Too many requests with the API token “{}”: at most {RATE_PER_SECOND} a second (bursts of {RATE_BURST}). Retry in {wait} s.",
                        token.name
                    ),
                )
                .retry_after(wait)
            })?;
        }
        let access = Access::of_token(&state.store, &token).await?;
        Ok(Caller { token, access })
    }
}

impl Caller {
    /// A 403 unless the token may read `unit`.
    pub(super) fn may_read(&self, unit: OrgUnitId, what: &str) -> Result<(), RestError> {
        if self.access.allows(unit, Action::View) {
            Ok(())
        } else {
            Err(RestError::new(
                ErrorCode::Forbidden,
                format!(
                    "The {what} is outside the scope of the API token “{}”.",
                    self.token.name
                ),
            ))
        }
    }
}

/// A token bucket per API token: `burst` requests at once, refilled at `per_second`. Kept in
/// memory per instance (enough to stop a runaway job from crowding out people).
pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<ApiTokenId, (f64, Instant)>>,
}

impl RateLimiter {
    /// A limiter allowing `burst` requests at once and `per_second` sustained.
    pub fn new(burst: u32, per_second: u32) -> RateLimiter {
        RateLimiter {
            burst: f64::from(burst),
            per_second: f64::from(per_second.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `token`'s bucket at `now`; `Err(seconds)` to wait when empty.
    pub fn take(&self, token: ApiTokenId, now: Instant) -> Result<(), u64> {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (level, at) = buckets.entry(token).or_insert((self.burst, now));
        let refilled = (*level
            + now.saturating_duration_since(*at).as_secs_f64() * self.per_second)
            .min(self.burst);
        *at = now;
        if refilled >= 1.0 {
            *level = refilled - 1.0;
            Ok(())
        } else {
            *level = refilled;
            Err(((1.0 - refilled) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_rate_limiter_allows_bursts_then_the_sustained_rate() {
        let limiter = RateLimiter::new(3, 2);
        let (a, b) = (ApiTokenId::new(), ApiTokenId::new());
        let t0 = Instant::now();
        assert!((0..3).all(|_| limiter.take(a, t0).is_ok()));
        assert_eq!(limiter.take(a, t0), Err(1), "the burst is spent");
        assert!(limiter.take(b, t0).is_ok(), "each token has its own bucket");
        assert!(
            limiter.take(a, t0 + Duration::from_millis(500)).is_ok(),
            "2 a second refill"
        );
        assert!(limiter.take(a, t0 + Duration::from_millis(600)).is_err());
        let later = t0 + Duration::from_secs(60);
        assert!(
            (0..3).all(|_| limiter.take(a, later).is_ok()),
            "refills up to the burst"
        );
        assert!(limiter.take(a, later).is_err(), "and no further");
    }
}
