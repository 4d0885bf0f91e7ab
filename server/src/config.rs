//! Configuration from environment variables into one typed struct. A bad value stops start-up
//! with a message naming the variable and what is wrong.

use std::net::SocketAddr;
use std::time::Duration;

/// Default for [`Config::header_timeout`].
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(15);
/// Default for [`Config::socket_recheck`].
pub const DEFAULT_SOCKET_RECHECK: Duration = Duration::from_secs(5);
/// Default for [`Config::body_timeout`].
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything the server reads from its environment.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://path` (default `sqlite://data/cairn.db`) or `postgres://…`.
    pub database_url: String,
    /// `LEPTOS_SITE_ADDR`: where to listen (default 127.0.0.1:3000).
    pub site_addr: SocketAddr,
    /// `LEPTOS_SITE_ROOT`: folder with the compiled site (default `target/site`).
    pub site_root: String,
    /// `RUST_LOG`: log filter (default `info,sqlx=warn`).
    pub log_filter: String,
    /// `CAIRN_DEMO`: load the demo company into an empty database (default on).
    pub demo: bool,
    /// `CAIRN_ADMIN_EMAIL`: the first admin's email.
    pub admin_email: Option<String>,
    /// `CAIRN_ADMIN_PASSWORD`: the first admin's password.
    pub admin_password: Option<String>,
    /// `CAIRN_SECURE_COOKIES`: mark cookies `Secure` (default: on when `CAIRN_PUBLIC_URL` is
    /// https, off otherwise).
    pub secure_cookies: bool,
    /// `CAIRN_SESSION_IDLE`: how long a session may go unused before it ends: seconds, or with
    /// a unit (`30m`, `8h`); default 8 hours, at most the 14 days a session lasts.
    pub session_idle: Duration,
    /// `CAIRN_CLIENT_IP_HEADER`: the header a trusted proxy in front puts the client's address
    /// in (`X-Forwarded-For`, `X-Real-IP`), for throttling sign-ins per address. Unset, the
    /// connection's address counts (right without a proxy).
    pub client_ip_header: Option<String>,
    /// `CAIRN_HEADER_TIMEOUT`: seconds a client may take to send a request's headers (also how
    /// long an idle keep-alive connection stays open); slower ones are disconnected (default 15).
    pub header_timeout: Duration,
    /// `CAIRN_BODY_TIMEOUT`: seconds a request body may stall between two pieces before the
    /// request is answered 408 (default 30). A steady upload of any length is never cut.
    pub body_timeout: Duration,
    /// `CAIRN_PUBLIC_URL`: the address people open Cairn at (say `https://cairn.example.com`),
    /// kept as its origin. Live sockets accept pages of this origin as well as of the request's
    /// own `Host`; set it when a proxy in front rewrites the `Host` header.
    pub public_origin: Option<String>,
    /// `CAIRN_SOCKET_RECHECK`: seconds between two checks of an open socket's session and role
    /// (default 5), which catch an expired session or a role changed behind the app's back;
    /// sign-outs and role changes made through the app close sockets at once in any case.
    pub socket_recheck: Duration,
    /// `CAIRN_DISPLAY_FRAME_ANCESTORS`: origins (space- or comma-separated) whose pages may show
    /// display pages in a frame, as signage software does (default none: nothing may frame any page).
    pub display_frame_origins: Vec<String>,
}

/// A variable that has a value Cairn cannot use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("configuration error in {var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

fn bad(var: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        problem: problem.into(),
    }
}

/// A number of seconds (decimals allowed), above zero and at most an hour.
fn seconds(
    var: &'static str,
    value: Option<String>,
    default: Duration,
) -> Result<Duration, ConfigError> {
    let Some(text) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(default);
    };
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(bad(
            var,
            format!("expected a number of seconds between 0 and 3600, got \"{text}\""),
        )),
    }
}

/// Default for [`Config::session_idle`].
pub const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(8 * 3600);

/// A span of time: seconds, or a number with `s`, `m`, `h` or `d`; at least a minute and at
/// most the 14 days a session lasts.
fn span(
    var: &'static str,
    value: Option<String>,
    default: Duration,
) -> Result<Duration, ConfigError> {
    let Some(text) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(default);
    };
    let t = text.trim().to_ascii_lowercase();
    let (number, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c),
        _ => (t.as_str(), 's'),
    };
    let scale = match unit {
        's' => Some(1.0),
        'm' => Some(60.0),
        'h' => Some(3600.0),
        'd' => Some(86400.0),
        _ => None,
    };
    let seconds = scale.and_then(|k| number.trim().parse::<f64>().ok().map(|n| n * k));
    match seconds {
        Some(s) if s.is_finite() && (60.0..=14.0 * 86400.0).contains(&s) => {
            Ok(Duration::from_secs_f64(s))
        }
        _ => Err(bad(
            var,
            format!("expected a time like 28800, 30m or 8h (a minute to 14 days), got \"{text}\""),
        )),
    }
}

/// The origin (`scheme://host[:port]`, lower case, no default port) of an `http(s)://` URL.
pub fn origin_of(url: &str) -> Option<String> {
    let url = url.trim().to_ascii_lowercase();
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let valid = |c: char| c.is_ascii_alphanumeric() || "-._:[]".contains(c);
    if authority.is_empty() || !authority.chars().all(valid) || authority.starts_with(':') {
        return None;
    }
    let default_port = if scheme == "http" { ":80" } else { ":443" };
    let authority = authority.strip_suffix(default_port).unwrap_or(authority);
    Some(format!("{scheme}://{authority}"))
}

/// A list of origins separated by spaces or commas; each must be a bare `http(s)://host[:port]`.
fn origins(var: &'static str, value: Option<String>) -> Result<Vec<String>, ConfigError> {
    let Some(text) = value else {
        return Ok(Vec::new());
    };
    text.split([' ', ',', '\t'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let bare = part.trim_end_matches('/');
            let only_origin = bare
                .split_once("://")
                .is_some_and(|(_, rest)| !rest.contains(['/', '?', '#']));
            let origin = origin_of(bare).filter(|_| only_origin);
            origin.ok_or_else(|| {
                bad(
                    var,
                    format!("\"{part}\" is not an origin like https://signage.example.com"),
                )
            })
        })
        .collect()
}

fn flag(var: &'static str, value: Option<String>, default: bool) -> Result<bool, ConfigError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(default),
        Some("1") | Some("true") | Some("yes") | Some("on") => Ok(true),
        Some("0") | Some("false") | Some("no") | Some("off") => Ok(false),
        Some(other) => Err(bad(var, format!("expected 1 or 0, got \"{other}\""))),
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads variables through `get`, so tests can supply their own.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let nonempty = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let database_url =
            nonempty("DATABASE_URL").unwrap_or_else(|| "sqlite://data/cairn.db".into());
        app::store::backend_of(&database_url).map_err(|_| {
            bad(
                "DATABASE_URL",
                format!("\"{database_url}\" is neither sqlite://… nor postgres://…"),
            )
        })?;
        let addr_text = nonempty("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let site_addr = addr_text.trim().parse().map_err(|_| {
            bad(
                "LEPTOS_SITE_ADDR",
                format!("\"{addr_text}\" is not an address like 127.0.0.1:3000"),
            )
        })?;
        let log_filter = nonempty("RUST_LOG").unwrap_or_else(|| "info,sqlx=warn".into());
        tracing_subscriber::EnvFilter::try_new(&log_filter).map_err(|e| {
            bad(
                "RUST_LOG",
                format!("\"{log_filter}\" is not a log filter: {e}"),
            )
        })?;
        let admin_email = nonempty("CAIRN_ADMIN_EMAIL");
        if let Some(e) = &admin_email {
            app::domain::validation::email(e)
                .map_err(|err| bad("CAIRN_ADMIN_EMAIL", err.to_string()))?;
        }
        let admin_password = get("CAIRN_ADMIN_PASSWORD").filter(|v| !v.is_empty());
        if let Some(p) = &admin_password {
            app::domain::validation::password(p)
                .map_err(|err| bad("CAIRN_ADMIN_PASSWORD", err.to_string()))?;
        }
        let public_origin = match nonempty("CAIRN_PUBLIC_URL") {
            None => None,
            Some(url) => Some(origin_of(&url).ok_or_else(|| {
                bad(
                    "CAIRN_PUBLIC_URL",
                    format!("\"{url}\" is not an address like https://cairn.example.com"),
                )
            })?),
        };
        let https = public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"));
        let client_ip_header = nonempty("CAIRN_CLIENT_IP_HEADER").map(|h| h.trim().to_string());
        if let Some(h) = &client_ip_header {
            http::HeaderName::from_bytes(h.as_bytes()).map_err(|_| {
                bad(
                    "CAIRN_CLIENT_IP_HEADER",
                    format!("\"{h}\" is not a header name like X-Forwarded-For"),
                )
            })?;
        }
        Ok(Config {
            database_url,
            site_addr,
            site_root: nonempty("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            log_filter,
            demo: flag("CAIRN_DEMO", get("CAIRN_DEMO"), true)?,
            admin_email,
            admin_password,
            secure_cookies: flag("CAIRN_SECURE_COOKIES", get("CAIRN_SECURE_COOKIES"), https)?,
            session_idle: span(
                "CAIRN_SESSION_IDLE",
                get("CAIRN_SESSION_IDLE"),
                DEFAULT_SESSION_IDLE,
            )?,
            client_ip_header,
            header_timeout: seconds(
                "CAIRN_HEADER_TIMEOUT",
                get("CAIRN_HEADER_TIMEOUT"),
                DEFAULT_HEADER_TIMEOUT,
            )?,
            body_timeout: seconds(
                "CAIRN_BODY_TIMEOUT",
                get("CAIRN_BODY_TIMEOUT"),
                DEFAULT_BODY_TIMEOUT,
            )?,
            socket_recheck: seconds(
                "CAIRN_SOCKET_RECHECK",
                get("CAIRN_SOCKET_RECHECK"),
                DEFAULT_SOCKET_RECHECK,
            )?,
            display_frame_origins: origins(
                "CAIRN_DISPLAY_FRAME_ANCESTORS",
                nonempty("CAIRN_DISPLAY_FRAME_ANCESTORS"),
            )?,
            public_origin,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults() {
        let c = read(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/cairn.db");
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
        assert!(c.demo && !c.secure_cookies);
        assert_eq!(c.admin_email, None);
        assert_eq!(c.header_timeout, DEFAULT_HEADER_TIMEOUT);
        assert_eq!(c.body_timeout, DEFAULT_BODY_TIMEOUT);
        assert_eq!(c.socket_recheck, DEFAULT_SOCKET_RECHECK);
        assert!(c.display_frame_origins.is_empty());
    }

    #[test]
    fn session_idle_reads_seconds_or_a_unit() {
        assert_eq!(read(&[]).unwrap().session_idle, DEFAULT_SESSION_IDLE);
        let idle = |v: &str| read(&[("CAIRN_SESSION_IDLE", v)]).unwrap().session_idle;
        assert_eq!(idle("3600"), Duration::from_secs(3600));
        assert_eq!(idle("30m"), Duration::from_secs(1800));
        assert_eq!(idle("8h"), Duration::from_secs(8 * 3600));
        assert_eq!(idle("2d"), Duration::from_secs(2 * 86400));
    }

    #[test]
    fn cookies_are_secure_by_default_behind_https_only() {
        let secure = |vars: &[(&str, &str)]| read(vars).unwrap().secure_cookies;
        assert!(!secure(&[]));
        assert!(!secure(&[("CAIRN_PUBLIC_URL", "http://cairn.local")]));
        assert!(secure(&[("CAIRN_PUBLIC_URL", "https://cairn.example.com")]));
        assert!(!secure(&[
            ("CAIRN_PUBLIC_URL", "https://cairn.example.com"),
            ("CAIRN_SECURE_COOKIES", "0")
        ]));
        assert!(secure(&[("CAIRN_SECURE_COOKIES", "1")]));
    }

    #[test]
    fn display_frame_origins_are_a_list_of_origins() {
        let c = read(&[(
            "CAIRN_DISPLAY_FRAME_ANCESTORS",
            "https://Signage.example, http://kiosk.local:8080/",
        )])
        .unwrap();
        assert_eq!(
            c.display_frame_origins,
            vec!["https://signage.example", "http://kiosk.local:8080"]
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        let cases = [
            ("DATABASE_URL", "mysql://x"),
            ("LEPTOS_SITE_ADDR", "localhost"),
            ("CAIRN_DEMO", "maybe"),
            ("CAIRN_ADMIN_EMAIL", "not-an-email"),
            ("CAIRN_ADMIN_PASSWORD", "short"),
            ("RUST_LOG", "info,[[["),
            ("CAIRN_HEADER_TIMEOUT", "0"),
            ("CAIRN_HEADER_TIMEOUT", "soon"),
            ("CAIRN_BODY_TIMEOUT", "-1"),
            ("CAIRN_BODY_TIMEOUT", "7200"),
            ("CAIRN_BODY_TIMEOUT", "NaN"),
            ("CAIRN_SOCKET_RECHECK", "0"),
            ("CAIRN_PUBLIC_URL", "cairn.example.com"),
            ("CAIRN_PUBLIC_URL", "ftp://cairn.example.com"),
            ("CAIRN_PUBLIC_URL", "https://"),
            ("CAIRN_PUBLIC_URL", "https://evil.example@cairn.example.com"),
            ("CAIRN_DISPLAY_FRAME_ANCESTORS", "*"),
            (
                "CAIRN_DISPLAY_FRAME_ANCESTORS",
                "https://ok.example 'unsafe-inline'",
            ),
            ("CAIRN_DISPLAY_FRAME_ANCESTORS", "https://ok.example/path"),
            ("CAIRN_SESSION_IDLE", "10"),
            ("CAIRN_SESSION_IDLE", "15d"),
            ("CAIRN_SESSION_IDLE", "8 hours"),
            ("CAIRN_CLIENT_IP_HEADER", "X Forwarded"),
        ];
        for (var, value) in cases {
            let err = read(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{err}");
            assert!(err.to_string().contains(var));
        }
    }

    #[test]
    fn origins_drop_path_case_and_default_port() {
        assert_eq!(
            origin_of("http://localhost:3000/maps").as_deref(),
            Some("http://localhost:3000")
        );
        assert_eq!(
            origin_of("http://example.com:80").as_deref(),
            Some("http://example.com")
        );
        assert_eq!(
            origin_of("https://[::1]:8443").as_deref(),
            Some("https://[::1]:8443")
        );
        assert_eq!(origin_of("javascript:alert(1)"), None);
        assert_eq!(origin_of("null"), None);
    }

    #[test]
    fn explicit_values() {
        let c = read(&[
            ("DATABASE_URL", "postgres://postgres@127.0.0.1/test"),
            ("LEPTOS_SITE_ADDR", "0.0.0.0:8080"),
            ("CAIRN_DEMO", "0"),
            ("CAIRN_ADMIN_EMAIL", "boss@example.com"),
            ("CAIRN_ADMIN_PASSWORD", "a long password"),
            ("CAIRN_HEADER_TIMEOUT", "0.5"),
            ("CAIRN_BODY_TIMEOUT", "2"),
        ])
        .unwrap();
        assert_eq!(c.header_timeout, Duration::from_millis(500));
        assert_eq!(c.body_timeout, Duration::from_secs(2));
        assert_eq!(c.public_origin, None);
        assert!(!c.demo);
        assert_eq!(c.site_addr.port(), 8080);
        assert_eq!(c.admin_email.as_deref(), Some("boss@example.com"));
        let c = read(&[("CAIRN_PUBLIC_URL", "HTTPS://Cairn.Example.com:443/app/")]).unwrap();
        assert_eq!(
            c.public_origin.as_deref(),
            Some("https://cairn.example.com")
        );
    }
}
