//! Throttling of guessable or floodable forms, by keyed GCRA rate limiters (`governor`): failed
//! sign-ins per account and per client address (a guessing run is slowed to a few tries a minute
//! while everybody else signs in as usual), and every request of the password-reset form per
//! e-mail address and per client (nobody floods a mailbox).

use governor::clock::{Clock, QuantaInstant, Reference};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

/// How many failures one key may have in a row, and how fast that allowance comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    /// Failures in a row before the key must wait (at least 2).
    pub burst: u32,
    /// One more failure is allowed every `every`.
    pub every: Duration,
}

/// The default per account: 5 failed attempts, then one a minute.
pub const PER_ACCOUNT: Allowance = Allowance {
    burst: 5,
    every: Duration::from_secs(60),
};

/// The default per client address: 20 failed attempts (many people sign in from one office
/// address, and successes never count), then one every 10 seconds.
pub const PER_ADDRESS: Allowance = Allowance {
    burst: 20,
    every: Duration::from_secs(10),
};

/// Above this many remembered keys, keys back at a full allowance are forgotten.
const KEYS_KEPT: usize = 10_000;

/// One keyed rate limiter: each key (an email, an address) has its own allowance of failures.
/// A failure that finds the allowance used up blocks the key until the limiter lets one more
/// through; while blocked, attempts are refused before anything is checked.
pub struct Throttle {
    limiter: DefaultKeyedRateLimiter<String>,
    blocked: Mutex<HashMap<String, QuantaInstant>>,
}

/// Whole seconds (at least 1) until `until`, from `now`.
fn seconds_until(until: QuantaInstant, now: QuantaInstant) -> u64 {
    let wait: Duration = until.duration_since(now).into();
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

impl Throttle {
    /// A throttle of failures granting each key `allowance` ([`Throttle::failed`]).
    pub fn new(allowance: Allowance) -> Throttle {
        // The failure that finds the limiter empty is the last one allowed.
        Throttle::with_burst(allowance.burst.saturating_sub(1).max(1), allowance.every)
    }

    /// A throttle of uses granting each key `allowance` ([`Throttle::check`]): `burst` uses at
    /// once, the next one refused.
    pub fn per_use(allowance: Allowance) -> Throttle {
        Throttle::with_burst(allowance.burst, allowance.every)
    }

    fn with_burst(burst: u32, every: Duration) -> Throttle {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let every = every.max(Duration::from_millis(1));
        let quota = Quota::with_period(every)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Throttle {
            limiter: DefaultKeyedRateLimiter::keyed(quota),
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// The seconds `key` must still wait, or `None` when it may try.
    pub fn blocked(&self, key: &str) -> Option<u64> {
        let now = self.limiter.clock().now();
        let mut blocked = self.blocked.lock().unwrap_or_else(|e| e.into_inner());
        match blocked.get(key) {
            Some(until) if *until > now => Some(seconds_until(*until, now)),
            Some(_) => {
                blocked.remove(key);
                None
            }
            None => None,
        }
    }

    /// Counts a failure of `key`; when it used up the allowance, the key is blocked and the
    /// seconds to wait are returned.
    pub fn failed(&self, key: &str) -> Option<u64> {
        if self.limiter.len() > KEYS_KEPT {
            self.limiter.retain_recent();
        }
        let not_until = self.limiter.check_key(&key.to_string()).err()?;
        let now = self.limiter.clock().now();
        let until = not_until.earliest_possible();
        let mut blocked = self.blocked.lock().unwrap_or_else(|e| e.into_inner());
        if blocked.len() > KEYS_KEPT {
            blocked.retain(|_, u| *u > now);
        }
        blocked.insert(key.to_string(), until);
        Some(seconds_until(until, now))
    }

    /// For forms where every use counts (a password-reset request; build the throttle with
    /// [`Throttle::per_use`]): refused while blocked, else counted as a failure would be.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        if let Some(wait) = self.blocked(key) {
            return Err(wait);
        }
        match self.failed(key) {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }
}

/// The sign-in throttle: failed attempts count against their account's allowance and their
/// client address's; once either is used up, attempts are refused unchecked (the password is
/// not even verified) with how long to wait. Successful sign-ins never count.
pub struct SignInThrottle {
    accounts: Throttle,
    addresses: Throttle,
    /// The header a trusted proxy puts the client's address in (`X-Forwarded-For`), if any.
    client_header: Option<http::HeaderName>,
}

/// The larger of two waits, if any.
fn longer(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

impl SignInThrottle {
    /// A throttle with these allowances, reading client addresses from `client_header` (set
    /// only behind a proxy that sets it) or else from the connection.
    pub fn new(
        per_account: Allowance,
        per_address: Allowance,
        client_header: Option<http::HeaderName>,
    ) -> SignInThrottle {
        SignInThrottle {
            accounts: Throttle::new(per_account),
            addresses: Throttle::new(per_address),
            client_header,
        }
    }

    /// May `account` (an email; case does not matter) try from `address`? Or the seconds to
    /// wait.
    pub fn attempt(&self, account: &str, address: &str) -> Result<(), u64> {
        let account = account.trim().to_lowercase();
        match longer(
            self.addresses.blocked(address),
            self.accounts.blocked(&account),
        ) {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    /// Counts a failed attempt; the seconds to wait when it used up an allowance.
    pub fn failed(&self, account: &str, address: &str) -> Option<u64> {
        let account = account.trim().to_lowercase();
        longer(
            self.addresses.failed(address),
            self.accounts.failed(&account),
        )
    }

    /// Whether `key` (a form keyed by one thing, say a change of password by its person) is
    /// blocked, against the per-address allowance; the seconds to wait.
    pub fn key_blocked(&self, key: &str) -> Option<u64> {
        self.addresses.blocked(key)
    }

    /// Counts a failure of `key` (see [`SignInThrottle::key_blocked`]).
    pub fn key_failed(&self, key: &str) -> Option<u64> {
        self.addresses.failed(key)
    }

    /// The client's address of a request: the last entry of the configured proxy header, else
    /// the connection's peer address, else "unknown" (requests not from a socket).
    pub fn client_address(&self, parts: &http::request::Parts) -> String {
        if let Some(name) = &self.client_header {
            let forwarded = parts
                .headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|v| !v.is_empty());
            if let Some(address) = forwarded {
                return address.chars().take(64).collect();
            }
        }
        parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip().to_string())
            .unwrap_or_else(|| "unknown".to_string())
    }
}

/// Requests of the password-reset form per e-mail address: 3 at once, then one every 5 minutes.
pub const RESETS_PER_EMAIL: Allowance = Allowance {
    burst: 3,
    every: Duration::from_secs(300),
};

/// Requests of the password-reset form per client address: 10 at once, then one a minute.
pub const RESETS_PER_CLIENT: Allowance = Allowance {
    burst: 10,
    every: Duration::from_secs(60),
};

/// The password-reset form's two limits: per e-mail address (so nobody floods one person's
/// mailbox) and per client address (so nobody floods everyone's). Every request counts.
pub struct ResetThrottle {
    emails: Throttle,
    clients: Throttle,
}

impl ResetThrottle {
    /// The limits [`RESETS_PER_EMAIL`] and [`RESETS_PER_CLIENT`].
    pub fn new() -> ResetThrottle {
        ResetThrottle {
            emails: Throttle::per_use(RESETS_PER_EMAIL),
            clients: Throttle::per_use(RESETS_PER_CLIENT),
        }
    }

    /// Counts one request for `email` from `client`; `Err(seconds)` to wait when either limit
    /// is used up (the client is checked first, so a flood of addresses from one client does
    /// not use up their allowances).
    pub fn check(&self, email: &str, client: &str) -> Result<(), u64> {
        self.clients.check(client)?;
        self.emails.check(&email.trim().to_lowercase())
    }
}

impl Default for ResetThrottle {
    fn default() -> Self {
        ResetThrottle::new()
    }
}

impl Default for SignInThrottle {
    fn default() -> Self {
        SignInThrottle::new(PER_ACCOUNT, PER_ADDRESS, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_block_a_key_after_its_burst_and_successes_never_count() {
        let throttle = SignInThrottle::new(
            Allowance {
                burst: 3,
                every: Duration::from_secs(60),
            },
            PER_ADDRESS,
            None,
        );
        // Tries that succeed are only asked about, never counted.
        for _ in 0..10 {
            assert_eq!(throttle.attempt("ada@example.com", "10.0.0.1"), Ok(()));
        }
        assert_eq!(throttle.failed("Ada@Example.com", "10.0.0.1"), None);
        assert_eq!(throttle.failed("ada@example.com", "10.0.0.2"), None);
        let wait = throttle.failed("ada@example.com ", "10.0.0.3").unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
        let refused = throttle.attempt("ADA@example.com", "10.0.0.4").unwrap_err();
        assert!((1..=60).contains(&refused), "{refused}");
        assert_eq!(throttle.attempt("bob@example.com", "10.0.0.1"), Ok(()));
    }

    #[test]
    fn the_reset_form_is_limited_per_email_and_per_client() {
        let limiter = ResetThrottle::new();
        for _ in 0..RESETS_PER_EMAIL.burst {
            assert_eq!(limiter.check("ada@example.com", "10.0.0.1"), Ok(()));
        }
        let wait = limiter.check("Ada@example.com", "10.0.0.2").unwrap_err();
        let most = RESETS_PER_EMAIL.every.as_secs();
        assert!(wait > 0 && wait <= most, "{wait}");
        // Another address from another client is not affected.
        assert_eq!(limiter.check("bob@example.com", "10.0.0.3"), Ok(()));
        // One client, many addresses: its own limit, and the addresses keep their allowance.
        let refused = (0..RESETS_PER_CLIENT.burst + 2)
            .filter(|i| {
                limiter
                    .check(&format!("p{i}@example.com"), "10.0.0.9")
                    .is_err()
            })
            .count();
        assert_eq!(refused, 2);
        assert_eq!(limiter.check("p11@example.com", "10.0.0.8"), Ok(()));
    }

    #[test]
    fn the_address_comes_from_the_proxy_header_only_when_configured() {
        let request = http::Request::builder()
            .header("x-forwarded-for", "1.2.3.4, 5.6.7.8")
            .body(())
            .unwrap();
        let (mut parts, _) = request.into_parts();
        let peer: SocketAddr = "9.9.9.9:1234".parse().unwrap();
        parts.extensions.insert(axum::extract::ConnectInfo(peer));
        assert_eq!(SignInThrottle::default().client_address(&parts), "9.9.9.9");
        let proxied = SignInThrottle::new(
            PER_ACCOUNT,
            PER_ADDRESS,
            Some(http::HeaderName::from_static("x-forwarded-for")),
        );
        assert_eq!(proxied.client_address(&parts), "5.6.7.8");
    }
}
