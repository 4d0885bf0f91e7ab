//! The Cairn server: configuration, wiring of the axum router around the Leptos app, first-start
//! bootstrap (demo company or first admin), health check and request tracing.

/// Every binary that links the server (the server itself, its tests and benchmarks) allocates
/// with mimalloc: faster than glibc's malloc for the many small values a request makes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod access;
pub mod assets;
pub mod audit;
pub mod bus;
pub mod config;
pub mod demo;
pub mod export;
pub mod fanout;
pub mod feed;
pub mod headers;
pub mod hub;
pub mod imports;
pub mod mail;
pub mod rest;
pub mod sso;
pub mod ws;

use app::auth;
use app::context::ServerContext;
use app::store::Store;
use app::{shell, App};
use axum::handler::Handler;
use axum::{
    body::Body,
    extract::{FromRef, State},
    http::{Request, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Json, Router,
};
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{
    generate_route_list, handle_server_fns_with_context, AxumRouteListing, LeptosRoutes,
};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use config::{Config, ConfigError};

/// The app's routes, listed once per process. Listing them renders the app with resource loading
/// suppressed through a process-wide flag (leptos_router's `SuppressResourceLoad`): a page whose
/// resource first polls while another app state is being built in the same process would wait
/// forever (leptos-rs/leptos#4773). Tests build many app states side by side; listing once keeps
/// their pages from hanging.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Shared state of every handler.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub routes: Vec<AxumRouteListing>,
    pub secure_cookies: bool,
    /// How long a request body may stall before the request is answered 408.
    #[from_ref(skip)]
    pub body_timeout: std::time::Duration,
    /// How often an open socket checks its session and role again (`CAIRN_SOCKET_RECHECK`).
    #[from_ref(skip)]
    pub socket_recheck: std::time::Duration,
    /// The configured public origin (`CAIRN_PUBLIC_URL`): pages of it may open live sockets.
    #[from_ref(skip)]
    pub public_origin: Option<Arc<str>>,
    /// The security headers' settings.
    #[from_ref(skip)]
    pub headers: Arc<headers::HeaderPolicy>,
    pub hub: Arc<hub::Hub>,
    /// Uploaded files being imported.
    pub imports: Arc<imports::ImportStore>,
    /// Single sign-on, when an identity provider is configured (`CAIRN_OIDC_ISSUER`).
    #[from_ref(skip)]
    pub sso: Option<Arc<sso::Sso>>,
    /// How people sign in (password, single sign-on), for the sign-in page and `sign_in`.
    #[from_ref(skip)]
    pub sign_in: app::api::SignInSettings,
    /// Whether mail is configured, where links in mails point, the reset form's limits.
    #[from_ref(skip)]
    pub mail: app::mail::MailContext,
    /// Throttles failed sign-ins per account and per client address.
    #[from_ref(skip)]
    pub sign_in_throttle: Arc<app::throttle::SignInThrottle>,
    /// How long a new session may go unused, in seconds (`CAIRN_SESSION_IDLE`).
    #[from_ref(skip)]
    pub session_idle: i64,
    /// Set once an admin is known to exist: from then on pages no longer lead to `/setup`
    /// (and the database is not asked again).
    #[from_ref(skip)]
    pub set_up: Arc<std::sync::atomic::AtomicBool>,
}

/// The live hub with the bus that fits the database: in-process for SQLite, LISTEN/NOTIFY for
/// PostgreSQL (so several instances share live edits).
pub async fn make_hub(store: &Store, config: &Config) -> Result<Arc<hub::Hub>, StartupError> {
    let bus: Arc<dyn bus::Bus> = match store.backend() {
        app::store::Backend::Sqlite => Arc::new(bus::InProcessBus::new()),
        app::store::Backend::Postgres => Arc::new(
            bus::PgBus::connect(&config.database_url)
                .await
                .map_err(|e| StartupError::Database {
                    url: redact(&config.database_url),
                    source: e.into(),
                })?,
        ),
    };
    Ok(hub::Hub::new(store.clone(), bus))
}

/// A SQLite database serves one instance: a second one on the same file is refused (live edits
/// would not reach the first one's clients). Returns the lock to hold while serving.
pub fn single_instance_lock(config: &Config) -> Result<Option<std::fs::File>, StartupError> {
    let Some(path) = config.database_url.strip_prefix("sqlite:") else {
        return Ok(None);
    };
    let path = path
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(None);
    }
    let lock_path = format!("{path}.instance-lock");
    if let Some(dir) = std::path::Path::new(&lock_path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        let _ = std::fs::create_dir_all(dir);
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| StartupError::Admin(format!("cannot create {lock_path}: {e}")))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(_) => Err(StartupError::SecondSqliteInstance(path.to_string())),
    }
}

impl AppState {
    /// State for a store, config and hub (the Leptos options point at the compiled site).
    pub fn new(store: Store, config: &Config, hub: Arc<hub::Hub>) -> AppState {
        let hash_file = "hash.txt";
        let leptos_options = LeptosOptions::builder()
            .output_name("cairn")
            .site_root(config.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(config.site_addr)
            .hash_file(Arc::from(hash_file))
            .hash_files(assets::site_files_hashed(hash_file))
            .build();
        let sso = config
            .oidc
            .clone()
            .and_then(|oidc| match sso::Sso::new(oidc) {
                Ok(sso) => Some(Arc::new(sso)),
                Err(e) => {
                    tracing::error!("single sign-on is off: {e}");
                    None
                }
            });
        AppState {
            leptos_options,
            store,
            routes: route_list(),
            secure_cookies: config.secure_cookies,
            body_timeout: config.body_timeout,
            public_origin: config.public_origin.as_deref().map(Arc::from),
            socket_recheck: config.socket_recheck,
            headers: Arc::new(headers::HeaderPolicy {
                display_frame_origins: config.display_frame_origins.clone(),
                hsts: config.secure_cookies,
            }),
            hub,
            imports: Arc::new(imports::ImportStore::new()),
            sign_in: app::api::SignInSettings {
                password: config.password_sign_in,
                sso: sso.is_some(),
                sso_label: config.oidc.as_ref().and_then(|o| o.label.clone()),
            },
            sso,
            mail: app::mail::MailContext::new(config.smtp.is_some(), &mail::base_url(config)),
            sign_in_throttle: Arc::new(app::throttle::SignInThrottle::new(
                app::throttle::PER_ACCOUNT,
                app::throttle::PER_ADDRESS,
                config
                    .client_ip_header
                    .as_deref()
                    .and_then(|h| axum::http::HeaderName::from_bytes(h.as_bytes()).ok()),
            )),
            session_idle: config.session_idle.as_secs().max(60) as i64,
            set_up: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        }
    }

    /// Whether the installation has an admin (then `/setup` is closed); asks the database
    /// until the answer is yes, then remembers it.
    pub async fn is_set_up(&self) -> Result<bool, app::store::StoreError> {
        use std::sync::atomic::Ordering;
        if self.set_up.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let yes = self.store.has_admin().await?;
        if yes {
            self.set_up.store(true, Ordering::Relaxed);
        }
        Ok(yes)
    }

    /// What server functions (and the import routes) get as context.
    pub fn server_context(&self) -> ServerContext {
        ServerContext {
            store: self.store.clone(),
            secure_cookies: self.secure_cookies,
            sign_in: self.sign_in.clone(),
            sign_in_throttle: self.sign_in_throttle.clone(),
            session_idle: self.session_idle,
            maps: self.hub.clone(),
            data: self.hub.clone(),
            imports: self.imports.clone(),
            displays: self.hub.clone(),
            access: self.hub.clone(),
            mail: self.mail.clone(),
        }
    }
}

/// The whole HTTP application, so tests can drive it with `oneshot`. Every response carries the
/// security headers and a cache rule; everything but the live sockets is compressed (brotli or
/// gzip, by `Accept-Encoding`), the site's files from the copies made at build time.
pub fn app(state: AppState) -> Router {
    let body_timeout = state.body_timeout;
    let hashed = state.leptos_options.hash_files;
    let sockets = Router::new()
        .route("/ws/maps/{id}", get(ws::map_socket))
        .route("/ws/display/{token}", get(feed::display_socket))
        .route("/ws/dashboards/{id}", get(feed::dashboard_socket));
    Router::new()
        .merge(sockets)
        .merge(compressed_routes(&state))
        .layer(axum::middleware::from_fn(move |request, next| {
            slow_body_guard(body_timeout, request, next)
        }))
        .layer(axum::middleware::from_fn(move |request, next| {
            assets::cache_control(hashed, request, next)
        }))
        .layer(axum::middleware::from_fn_with_state(
            state.headers.clone(),
            headers::security_headers,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Pages, server functions, REST, imports and the site's files: everything that is compressed.
fn compressed_routes(state: &AppState) -> Router<AppState> {
    let site_root = state.leptos_options.site_root.to_string();
    let pkg_dir = format!("{site_root}/{}", state.leptos_options.site_pkg_dir);
    let not_found_ctx = state.server_context();
    // Any address that is neither a route nor a file gets the app's "Page not found" with a 404,
    // rendered with the server context so the page and its signed-in header can load.
    let not_found = leptos_axum::file_and_error_handler_with_context::<AppState, _>(
        move || {
            provide_context(not_found_ctx.clone());
            headers::provide_request_nonce();
        },
        shell,
    )
    .with_state(state.clone());
    Router::new()
        .route("/healthz", get(healthz))
        .route("/auth/oidc/start", get(sso::start))
        .route("/auth/oidc/callback", get(sso::callback))
        .merge(rest::routes())
        .route(
            "/api/{*fn_name}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .route("/imports/upload", axum::routing::post(imports::upload))
        .route("/imports/{id}/problems.csv", get(imports::problems_csv))
        .route("/admin/audit.csv", get(audit::audit_csv))
        .route("/maps/{id}/export/{file}", get(export::routes::map_file))
        .route(
            "/units/{id}/export/timeline.png",
            get(export::routes::timeline),
        )
        .route(
            "/reviews/{id}/briefing.pdf",
            get(export::routes::review_book),
        )
        .route(
            "/surveys/{id}/results.pdf",
            get(export::routes::survey_results),
        )
        .leptos_routes_with_handler(state.routes.clone(), get(page_handler))
        .nest_service("/pkg", assets::precompressed(&pkg_dir))
        .fallback_service(assets::precompressed(&site_root).fallback(not_found))
        .layer(CompressionLayer::new())
}

async fn server_fn_handler(State(state): State<AppState>, request: Request<Body>) -> Response {
    let ctx = state.server_context();
    let response = handle_server_fns_with_context(move || provide_context(ctx.clone()), request)
        .await
        .into_response();
    with_error_status(response).await
}

/// Errors raised before a server function's body runs (malformed arguments) arrive as a blanket
/// 500; give every `ApiError` its own status (400, 401, 403, 404, 409, 422) instead.
async fn with_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "error body unreadable").into_response()
        }
    };
    if let Ok(err) = serde_json::from_slice::<app::api::ApiError>(&bytes) {
        parts.status = err.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Renders a page; visitors without a session are sent to the sign-in page first. A display link
/// (`/display/{secret}`) needs no session: its secret is the key, and its page answers 404 for an
/// unknown secret and 410 for a revoked link.
async fn page_handler(State(state): State<AppState>, request: Request<Body>) -> Response {
    let path = request.uri().path().to_string();
    let display_status = match path.strip_prefix("/display/") {
        Some(token) => Some(display_status(&state.store, token).await),
        None => None,
    };
    // First run: until an admin exists every page leads to the set-up, and after it the
    // set-up page leads home.
    match (state.is_set_up().await, path == "/setup") {
        (Err(e), _) => return (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
        (Ok(false), false) if display_status.is_none() => {
            return Redirect::to("/setup").into_response()
        }
        (Ok(true), true) => return Redirect::to("/").into_response(),
        _ => {}
    }
    let user = match auth::user_from_headers(&state.store, request.headers()).await {
        Ok(user) => user,
        Err(e) => return (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
    };
    // An invitation link (`/invite/{secret}`) is for someone who has no account yet, and so is
    // a personal survey link (`/answer/{secret}`).
    let invitation = path.starts_with("/invite/") || path.starts_with("/answer/");
    if !open_without_session(&path) && !invitation && display_status.is_none() && user.is_none() {
        let next = app::api::safe_next(request.uri().path_and_query().map(|p| p.as_str()));
        let target = app::api::sign_in_address(&next, None);
        return Redirect::to(&target).into_response();
    }
    let locale = auth::request_locale(&state.store, user.as_ref(), request.headers()).await;
    let ctx = state.server_context();
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_route_with_context(
        state.routes.clone(),
        move || {
            provide_context(ctx.clone());
            provide_context(app::i18n::RequestLocale(locale));
            app::api::ssr::begin_page_render(user.clone());
            headers::provide_request_nonce();
        },
        move || shell(options.clone()),
    );
    let mut response = handler(State(state), request).await.into_response();
    if invitation {
        response.headers_mut().insert(
            axum::http::header::REFERRER_POLICY,
            axum::http::HeaderValue::from_static("no-referrer"),
        );
    }
    if let Some(status) = display_status {
        *response.status_mut() = status;
        // A secret in the address must not leak to other sites through the Referer header.
        response.headers_mut().insert(
            axum::http::header::REFERRER_POLICY,
            axum::http::HeaderValue::from_static("no-referrer"),
        );
    }
    response
}

/// Pages a visitor opens without a session: signing in, and resetting a forgotten password
/// (`/reset`, and the e-mailed link `/reset/{secret}`).
fn open_without_session(path: &str) -> bool {
    path == "/signin" || path == "/setup" || path == "/reset" || path.starts_with("/reset/")
}

/// The status of a display page: 200 for a live link, 404 for an unknown secret, 410 for a
/// revoked or withdrawn link (the page itself says which in words).
async fn display_status(store: &Store, token: &str) -> StatusCode {
    use app::domain::feed::GoneReason;
    match app::api::link_refusal(store, token.trim_end_matches('/')).await {
        Ok(None) => StatusCode::OK,
        Ok(Some(GoneReason::Unknown)) => StatusCode::NOT_FOUND,
        // Revoked, or withdrawn because its creator no longer administers its unit.
        Ok(Some(_)) => StatusCode::GONE,
        Err(e) => {
            tracing::error!("could not look up a display link: {e}");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// `/healthz`: 200 with `{"status":"ok"}` when the database answers, 503 otherwise.
async fn healthz(State(store): State<Store>) -> Response {
    match store.ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ok", "database": "ok"})).into_response(),
        Err(e) => {
            tracing::error!("health check failed: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "error", "database": "unreachable"})),
            )
                .into_response()
        }
    }
}

/// Answers 408 when the request's body stalls for longer than `timeout` between two pieces
/// (whatever the handler made of the cut-off body). A steady upload is never cut, and requests
/// without a body (WebSocket upgrades among them) are not affected.
async fn slow_body_guard(
    timeout: std::time::Duration,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    use http_body_util::BodyExt;
    let stalled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stalled.clone();
    let request = request.map(|body| {
        Body::new(
            tower_http::timeout::TimeoutBody::new(timeout, body).map_err(move |e| {
                if e.is::<tower_http::timeout::TimeoutError>() {
                    flag.store(true, std::sync::atomic::Ordering::SeqCst);
                }
                e
            }),
        )
    });
    let response = next.run(request).await;
    if stalled.load(std::sync::atomic::Ordering::SeqCst) {
        tracing::info!("a request body stalled for {timeout:?}; answered 408");
        return (
            StatusCode::REQUEST_TIMEOUT,
            "The request body arrived too slowly.",
        )
            .into_response();
    }
    response
}

/// Serves the app on `listener` with the default header timeout; see [`serve_with`].
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    serve_with(listener, router, config::DEFAULT_HEADER_TIMEOUT).await
}

/// Serves the app on `listener` until Ctrl+C or SIGTERM (then lets open requests finish).
/// A client that takes longer than `header_timeout` to send a request's headers (a slow-headers
/// attack, or a keep-alive connection left idle) is disconnected; upgraded WebSockets are not
/// affected. Every connection gets `TCP_NODELAY`: live edits are small frames, and Nagle's
/// algorithm would hold each one back for up to ~40 ms waiting for the peer's delayed ACK.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    router: Router,
    header_timeout: std::time::Duration,
) -> std::io::Result<()> {
    // Each connection task holds a receiver: `stop` tells them to finish, and its closing tells
    // this loop that they all have.
    let (stop, connections) = tokio::sync::watch::channel(false);
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("could not set TCP_NODELAY: {e}");
        }
        // Each request knows the address it came from (sign-ins are throttled per address).
        let peer = tcp.peer_addr().ok();
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut request: Request<hyper::body::Incoming>| {
                if let Some(peer) = peer {
                    request
                        .extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                }
                request
            },
        );
        let service = hyper_util::service::TowerToHyperService::new(service);
        let mut stopping = connections.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout);
            let conn = builder
                .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!("connection ended: {e}");
                    }
                }
                _ = stopping.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(stopping);
        });
    }
    drop(connections);
    let _ = stop.send(true);
    stop.closed().await;
    Ok(())
}

/// After a failed `accept`: a connection that failed on its own is skipped; anything else (say,
/// out of file descriptors) is logged and retried after a pause rather than spinning.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    ) {
        return;
    }
    tracing::error!("accept failed: {e}; retrying in a second");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
}

/// Resolves on Ctrl+C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// Why start-up could not finish.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot open the database {url}: {source}")]
    Database {
        url: String,
        source: app::store::StoreError,
    },
    #[error("cannot load the demo company: {0}")]
    Demo(#[from] demo::DemoError),
    #[error("cannot create the first admin: {0}")]
    Admin(String),
    #[error("another Cairn server already uses the SQLite database {0}: SQLite serves one instance (live edits would not reach the other's users); stop it, or use PostgreSQL (DATABASE_URL=postgres://…) to run several")]
    SecondSqliteInstance(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}

/// Opens (creating and migrating) the configured database.
pub async fn open_store(config: &Config) -> Result<Store, StartupError> {
    Store::open(&config.database_url)
        .await
        .map_err(|source| StartupError::Database {
            url: redact(&config.database_url),
            source,
        })
}

/// Hides a password in a database URL before it is logged.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// First start: an empty database gets the demo company, or (demo off) with
/// `CAIRN_ADMIN_PASSWORD` set one org unit and the first admin (automated installs). Without a
/// password the database stays empty and the first visitor sets it up at `/setup`. No password
/// is ever logged.
pub async fn bootstrap(store: &Store, config: &Config) -> Result<(), StartupError> {
    if !store
        .is_empty()
        .await
        .map_err(|e| StartupError::Admin(e.to_string()))?
    {
        return Ok(());
    }
    if config.demo {
        let email = config
            .admin_email
            .clone()
            .unwrap_or_else(|| demo::DEMO_ADMIN_EMAIL.to_string());
        let password = config
            .admin_password
            .clone()
            .unwrap_or_else(|| demo::DEMO_PASSWORD.to_string());
        let today = current_period().plus_months(-1);
        demo::load(store, &email, &password, today).await?;
        tracing::info!(admin = %email, "loaded the demo company Northwind Technology Services");
        return Ok(());
    }
    let Some(password) = &config.admin_password else {
        tracing::info!(
            "no admin yet: open Cairn in a browser to set up the organisation at /setup"
        );
        return Ok(());
    };
    let email = config
        .admin_email
        .clone()
        .unwrap_or_else(|| "admin@cairn.local".to_string());
    create_first_admin(store, &email, password).await?;
    tracing::info!(admin = %email, "created the first admin");
    Ok(())
}

/// This month: the demo's actuals run up to it.
pub use app::store::current_period;

async fn create_first_admin(
    store: &Store,
    email: &str,
    password: &str,
) -> Result<(), StartupError> {
    use app::domain::{OrgUnit, OrgUnitId, OrgUnitKind, Role, User, UserId};
    let admin_err = |e: &dyn std::fmt::Display| StartupError::Admin(e.to_string());
    let hash = auth::hash_password(password).map_err(|e| admin_err(&e))?;
    let user = User {
        id: UserId::new(),
        email: email.to_string(),
        name: "Administrator".into(),
    };
    let unit = OrgUnit {
        id: OrgUnitId::new(),
        parent_id: None,
        name: "Organisation".into(),
        kind: OrgUnitKind::Enterprise,
        archived: false,
    };
    let mut tx = store.begin().await.map_err(|e| admin_err(&e))?;
    app::store::create_user(&mut tx, &user, &hash)
        .await
        .map_err(|e| admin_err(&e))?;
    app::store::create_org_unit(&mut tx, &unit, Some(user.id))
        .await
        .map_err(|e| admin_err(&e))?;
    app::store::grant_role(&mut tx, user.id, unit.id, Role::Admin)
        .await
        .map_err(|e| admin_err(&e))?;
    tx.commit().await.map_err(|e| admin_err(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(
            super::redact("sqlite://data/cairn.db"),
            "sqlite://data/cairn.db"
        );
    }
}
