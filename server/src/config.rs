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
    /// `CAIRN_OIDC_*`: single sign-on through an OpenID Connect provider, when configured.
    pub oidc: Option<OidcConfig>,
    /// `CAIRN_PASSWORD_SIGNIN`: whether people may sign in with email and password (default
    /// on). An organisation that signs in only through its provider turns it off.
    pub password_sign_in: bool,
    /// `CAIRN_SMTP_HOST` and the other `CAIRN_SMTP_…` variables, and `CAIRN_MAIL_FROM`: the SMTP
    /// server mail is sent through. `None` (no host): mail stays queued and pages say mail is
    /// not configured.
    pub smtp: Option<SmtpConfig>,
}

/// Single sign-on settings (Authorization Code flow with PKCE).
#[derive(Clone, PartialEq)]
pub struct OidcConfig {
    /// `CAIRN_OIDC_ISSUER`: the provider's issuer URL, exactly as its discovery document
    /// names it (say `https://login.example.com/realms/acme`).
    pub issuer: String,
    /// `CAIRN_OIDC_CLIENT_ID`: Cairn's client id at the provider.
    pub client_id: String,
    /// `CAIRN_OIDC_CLIENT_SECRET`: its secret (none for a public client).
    pub client_secret: Option<String>,
    /// `CAIRN_OIDC_LABEL`: the sign-in button's words (default: the catalogue's "Sign in with
    /// single sign-on", in the reader's language).
    pub label: Option<String>,
    /// `CAIRN_OIDC_CREATE_USERS`: create a Cairn user for a verified email nobody has (default
    /// off: such sign-ins are refused).
    pub create_users: bool,
    /// `CAIRN_OIDC_DEFAULT_ROLE`: the role created users get (default viewer).
    pub default_role: app::domain::Role,
    /// `CAIRN_OIDC_DEFAULT_UNIT`: the org unit (its id, or its exact name) they get it on;
    /// required when users are created.
    pub default_unit: Option<String>,
    /// Where the provider sends the browser back: `CAIRN_PUBLIC_URL` + `/auth/oidc/callback`.
    pub redirect_url: String,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("label", &self.label)
            .field("create_users", &self.create_users)
            .field("default_role", &self.default_role)
            .field("default_unit", &self.default_unit)
            .field("redirect_url", &self.redirect_url)
            .finish()
    }
}

/// The path of the single sign-on callback, after the public URL.
pub const OIDC_CALLBACK_PATH: &str = "/auth/oidc/callback";

/// The longest single sign-on button label.
pub const MAX_OIDC_LABEL: usize = 80;

/// The single sign-on settings, or `None` when `CAIRN_OIDC_ISSUER` is not set (then no other
/// `CAIRN_OIDC_*` variable may be).
fn oidc(
    get: &impl Fn(&str) -> Option<String>,
    public_origin: Option<&str>,
) -> Result<Option<OidcConfig>, ConfigError> {
    let nonempty = |k: &str| {
        get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let Some(issuer) = nonempty("CAIRN_OIDC_ISSUER") else {
        let others = [
            "CAIRN_OIDC_CLIENT_ID",
            "CAIRN_OIDC_CLIENT_SECRET",
            "CAIRN_OIDC_LABEL",
            "CAIRN_OIDC_CREATE_USERS",
            "CAIRN_OIDC_DEFAULT_ROLE",
            "CAIRN_OIDC_DEFAULT_UNIT",
        ];
        if let Some(set) = others.into_iter().find(|k| nonempty(k).is_some()) {
            return Err(bad(
                "CAIRN_OIDC_ISSUER",
                format!("needed when {set} is set (the identity provider's issuer URL)"),
            ));
        }
        return Ok(None);
    };
    if origin_of(&issuer).is_none() || issuer.contains(['?', '#']) {
        return Err(bad(
            "CAIRN_OIDC_ISSUER",
            format!("\"{issuer}\" is not an issuer URL like https://login.example.com"),
        ));
    }
    let client_id = nonempty("CAIRN_OIDC_CLIENT_ID").ok_or_else(|| {
        bad(
            "CAIRN_OIDC_CLIENT_ID",
            "needed with CAIRN_OIDC_ISSUER (Cairn's client id at the provider)",
        )
    })?;
    let origin = public_origin.ok_or_else(|| {
        bad(
            "CAIRN_PUBLIC_URL",
            "needed with CAIRN_OIDC_ISSUER: the provider sends people back to it",
        )
    })?;
    let label = nonempty("CAIRN_OIDC_LABEL");
    if label
        .as_ref()
        .is_some_and(|l| l.chars().count() > MAX_OIDC_LABEL || l.chars().any(char::is_control))
    {
        return Err(bad(
            "CAIRN_OIDC_LABEL",
            format!("at most {MAX_OIDC_LABEL} characters on one line"),
        ));
    }
    let create_users = flag(
        "CAIRN_OIDC_CREATE_USERS",
        get("CAIRN_OIDC_CREATE_USERS"),
        false,
    )?;
    let default_role = match nonempty("CAIRN_OIDC_DEFAULT_ROLE") {
        None => app::domain::Role::Viewer,
        Some(text) => text
            .to_ascii_lowercase()
            .parse()
            .map_err(|e: String| bad("CAIRN_OIDC_DEFAULT_ROLE", e))?,
    };
    let default_unit = nonempty("CAIRN_OIDC_DEFAULT_UNIT");
    if create_users && default_unit.is_none() {
        return Err(bad(
            "CAIRN_OIDC_DEFAULT_UNIT",
            "needed when CAIRN_OIDC_CREATE_USERS is on: the org unit (id or name) new people get their role on",
        ));
    }
    Ok(Some(OidcConfig {
        issuer,
        client_id,
        client_secret: get("CAIRN_OIDC_CLIENT_SECRET").filter(|v| !v.is_empty()),
        label,
        create_users,
        default_role,
        default_unit,
        redirect_url: format!("{origin}{OIDC_CALLBACK_PATH}"),
    }))
}

/// How mail leaves: `CAIRN_SMTP_TLS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP (a relay on the same host or network; default port 25).
    None,
    /// SMTP upgraded with STARTTLS (the default; port 587).
    StartTls,
    /// SMTP inside TLS from the first byte ("SMTPS"; port 465).
    Tls,
}

/// The SMTP server and sender (see [`Config::smtp`]).
#[derive(Clone, PartialEq)]
pub struct SmtpConfig {
    /// `CAIRN_SMTP_HOST`.
    pub host: String,
    /// `CAIRN_SMTP_PORT` (default by TLS: 25, 587 or 465).
    pub port: u16,
    /// `CAIRN_SMTP_TLS`: `none`, `starttls` (default) or `tls`.
    pub tls: SmtpTls,
    /// `CAIRN_SMTP_USER` (none: no authentication).
    pub user: Option<String>,
    /// `CAIRN_SMTP_PASSWORD`.
    pub password: Option<String>,
    /// `CAIRN_MAIL_FROM`: the sender, `cairn@example.com` or `Cairn <cairn@example.com>`.
    pub from: String,
}

/// The password is never printed (the configuration is logged at start-up in debug runs).
impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .finish()
    }
}

/// The SMTP settings, or `None` when no host is set.
fn smtp(get: &dyn Fn(&str) -> Option<String>) -> Result<Option<SmtpConfig>, ConfigError> {
    let nonempty = |k: &str| {
        get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let Some(host) = nonempty("CAIRN_SMTP_HOST") else {
        return Ok(None);
    };
    let tls = match nonempty("CAIRN_SMTP_TLS")
        .as_deref()
        .map(str::to_ascii_lowercase)
    {
        None => SmtpTls::StartTls,
        Some(v) if v == "starttls" => SmtpTls::StartTls,
        Some(v) if v == "tls" => SmtpTls::Tls,
        Some(v) if v == "none" => SmtpTls::None,
        Some(other) => {
            return Err(bad(
                "CAIRN_SMTP_TLS",
                format!("expected none, starttls or tls, got \"{other}\""),
            ))
        }
    };
    let port = match nonempty("CAIRN_SMTP_PORT") {
        None => match tls {
            SmtpTls::None => 25,
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
        },
        Some(text) => text.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
            bad(
                "CAIRN_SMTP_PORT",
                format!("expected a port number, got \"{text}\""),
            )
        })?,
    };
    let from = nonempty("CAIRN_MAIL_FROM").ok_or_else(|| {
        bad(
            "CAIRN_MAIL_FROM",
            "set the sender address (say cairn@example.com) when CAIRN_SMTP_HOST is set",
        )
    })?;
    if from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(bad(
            "CAIRN_MAIL_FROM",
            format!("\"{from}\" is not an address like cairn@example.com"),
        ));
    }
    let user = nonempty("CAIRN_SMTP_USER");
    let password = get("CAIRN_SMTP_PASSWORD").filter(|v| !v.is_empty());
    if user.is_some() != password.is_some() {
        return Err(bad(
            "CAIRN_SMTP_PASSWORD",
            "set CAIRN_SMTP_USER and CAIRN_SMTP_PASSWORD together (or neither)",
        ));
    }
    Ok(Some(SmtpConfig {
        host,
        port,
        tls,
        user,
        password,
        from,
    }))
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
        let oidc = oidc(&get, public_origin.as_deref())?;
        let password_sign_in = flag("CAIRN_PASSWORD_SIGNIN", get("CAIRN_PASSWORD_SIGNIN"), true)?;
        if !password_sign_in && oidc.is_none() {
            return Err(bad(
                "CAIRN_PASSWORD_SIGNIN",
                "password sign-in can be turned off only when single sign-on is configured (CAIRN_OIDC_ISSUER), or nobody could sign in",
            ));
        }
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
            smtp: smtp(&get)?,
            public_origin,
            oidc,
            password_sign_in,
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

    const SSO: [(&str, &str); 4] = [
        ("CAIRN_PUBLIC_URL", "https://cairn.example.com/"),
        ("CAIRN_OIDC_ISSUER", "https://login.example.com/realms/acme"),
        ("CAIRN_OIDC_CLIENT_ID", "cairn"),
        ("CAIRN_OIDC_CLIENT_SECRET", "s3cret"),
    ];

    #[test]
    fn single_sign_on_is_read_from_its_variables() {
        let c = read(&[]).unwrap();
        assert_eq!(c.oidc, None);
        assert!(c.password_sign_in);
        let c = read(&SSO).unwrap();
        let oidc = c.oidc.unwrap();
        assert_eq!(oidc.issuer, "https://login.example.com/realms/acme");
        assert_eq!(oidc.client_secret.as_deref(), Some("s3cret"));
        assert_eq!(
            oidc.redirect_url,
            "https://cairn.example.com/auth/oidc/callback"
        );
        assert!(!oidc.create_users && oidc.label.is_none());
        assert_eq!(oidc.default_role, app::domain::Role::Viewer);
        assert!(
            !format!("{oidc:?}").contains("s3cret"),
            "the secret is never logged"
        );
        let mut vars = SSO.to_vec();
        vars.extend([
            ("CAIRN_OIDC_LABEL", "Sign in with Acme ID"),
            ("CAIRN_OIDC_CREATE_USERS", "1"),
            ("CAIRN_OIDC_DEFAULT_ROLE", "Contributor"),
            ("CAIRN_OIDC_DEFAULT_UNIT", "Consulting"),
            ("CAIRN_PASSWORD_SIGNIN", "0"),
        ]);
        let c = read(&vars).unwrap();
        let oidc = c.oidc.unwrap();
        assert_eq!(oidc.label.as_deref(), Some("Sign in with Acme ID"));
        assert!(oidc.create_users);
        assert_eq!(oidc.default_role, app::domain::Role::Contributor);
        assert_eq!(oidc.default_unit.as_deref(), Some("Consulting"));
        assert!(!c.password_sign_in);
    }

    #[test]
    fn incomplete_single_sign_on_names_the_missing_variable() {
        let cases: [(&[(&str, &str)], &str); 8] = [
            (&[("CAIRN_OIDC_CLIENT_ID", "cairn")], "CAIRN_OIDC_ISSUER"),
            (&[("CAIRN_PASSWORD_SIGNIN", "0")], "CAIRN_PASSWORD_SIGNIN"),
            (&SSO[1..], "CAIRN_PUBLIC_URL"),
            (&[SSO[0], SSO[1]], "CAIRN_OIDC_CLIENT_ID"),
            (
                &[SSO[0], ("CAIRN_OIDC_ISSUER", "login.example.com"), SSO[2]],
                "CAIRN_OIDC_ISSUER",
            ),
            (
                &[SSO[0], SSO[1], SSO[2], ("CAIRN_OIDC_CREATE_USERS", "1")],
                "CAIRN_OIDC_DEFAULT_UNIT",
            ),
            (
                &[SSO[0], SSO[1], SSO[2], ("CAIRN_OIDC_DEFAULT_ROLE", "boss")],
                "CAIRN_OIDC_DEFAULT_ROLE",
            ),
            (
                &[SSO[0], SSO[1], SSO[2], ("CAIRN_OIDC_CREATE_USERS", "maybe")],
                "CAIRN_OIDC_CREATE_USERS",
            ),
        ];
        for (vars, var) in cases {
            let err = read(vars).unwrap_err();
            assert_eq!(err.var, var, "{err}");
        }
        let long = "x".repeat(MAX_OIDC_LABEL + 1);
        let mut vars = SSO.to_vec();
        vars.push(("CAIRN_OIDC_LABEL", &long));
        assert_eq!(read(&vars).unwrap_err().var, "CAIRN_OIDC_LABEL");
    }

    #[test]
    fn smtp_settings() {
        assert_eq!(read(&[]).unwrap().smtp, None);
        let c = read(&[
            ("CAIRN_SMTP_HOST", "mail.example.com"),
            ("CAIRN_MAIL_FROM", "Cairn <cairn@example.com>"),
            ("CAIRN_SMTP_USER", "cairn"),
            ("CAIRN_SMTP_PASSWORD", "hunter2 hunter2"),
        ])
        .unwrap();
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.port, smtp.tls), (587, SmtpTls::StartTls));
        assert!(!format!("{smtp:?}").contains("hunter2"));
        let c = read(&[
            ("CAIRN_SMTP_HOST", "127.0.0.1"),
            ("CAIRN_SMTP_TLS", "none"),
            ("CAIRN_SMTP_PORT", "2525"),
            ("CAIRN_MAIL_FROM", "cairn@example.com"),
        ])
        .unwrap();
        let smtp = c.smtp.unwrap();
        assert_eq!(
            (smtp.port, smtp.tls, smtp.user),
            (2525, SmtpTls::None, None)
        );
        for (var, vars) in [
            ("CAIRN_MAIL_FROM", vec![("CAIRN_SMTP_HOST", "h")]),
            (
                "CAIRN_MAIL_FROM",
                vec![("CAIRN_SMTP_HOST", "h"), ("CAIRN_MAIL_FROM", "nobody")],
            ),
            (
                "CAIRN_SMTP_TLS",
                vec![
                    ("CAIRN_SMTP_HOST", "h"),
                    ("CAIRN_MAIL_FROM", "a@b.c"),
                    ("CAIRN_SMTP_TLS", "ssl3"),
                ],
            ),
            (
                "CAIRN_SMTP_PORT",
                vec![
                    ("CAIRN_SMTP_HOST", "h"),
                    ("CAIRN_MAIL_FROM", "a@b.c"),
                    ("CAIRN_SMTP_PORT", "99999"),
                ],
            ),
            (
                "CAIRN_SMTP_PASSWORD",
                vec![
                    ("CAIRN_SMTP_HOST", "h"),
                    ("CAIRN_MAIL_FROM", "a@b.c"),
                    ("CAIRN_SMTP_USER", "u"),
                ],
            ),
        ] {
            assert_eq!(read(&vars).unwrap_err().var, var);
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
