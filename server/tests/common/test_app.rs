//! The app under test: `server::app` over a test database, served on a local port (for sockets
//! and raw connections) and driven in-process through `oneshot` (for requests), with what every
//! test file needs: sessions, API tokens, requests with a cookie or a bearer token, server
//! function calls, uploads and imports.

use super::{demo, Db};
use app::api::{CommitMode, CommitStatus, DryRun};
use app::domain::{ApiToken, ApiTokenId, ImportId, MapDocument, MapId, OrgUnitId, User};
use app::store::Store;
use axum::body::Body;
use axum::Router;
use http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use server::{AppState, Config};
use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tower::ServiceExt;

/// How long a request may take before the harness calls the server hung: far above any real
/// answer (the slowest, an import of a large workbook, takes seconds), so only a stuck
/// response reaches it.
pub const HUNG_AFTER: Duration = Duration::from_secs(90);

/// One server instance: its state and router, served on `addr` until dropped.
pub struct TestApp {
    /// The test database (shared with other instances on it).
    pub db: Db,
    /// The store this instance serves: the test database's, or a connection of its own.
    pub store: Store,
    /// The server's state: its hub and import sessions, for tests that look inside.
    pub state: AppState,
    /// Where it listens (127.0.0.1, a fresh port).
    pub addr: SocketAddr,
    router: Router,
    serving: Option<JoinHandle<()>>,
}

/// How a `TestApp` is put together; see `TestApp::setup`.
pub struct Setup {
    db: Db,
    vars: Vec<(String, String)>,
    own_store: bool,
    database_bus: bool,
    imports: Option<server::imports::ImportStore>,
}

impl Setup {
    /// Sets an environment variable of the server's configuration (`CAIRN_…`).
    pub fn var(mut self, name: &str, value: &str) -> Setup {
        self.vars.push((name.into(), value.into()));
        self
    }

    /// Opens its own connection to the database, as another instance or a restarted one does.
    pub fn own_store(mut self) -> Setup {
        self.own_store = true;
        self
    }

    /// Uses the bus the database calls for, as `main` does: LISTEN/NOTIFY on PostgreSQL,
    /// in-process on SQLite (the default is in-process on both).
    pub fn database_bus(mut self) -> Setup {
        self.database_bus = true;
        self
    }

    /// Another instance on the same database: its own store and the database's bus.
    pub fn instance(self) -> Setup {
        self.own_store().database_bus()
    }

    /// Keeps import sessions in `imports` (with other limits than the default).
    pub fn imports(mut self, imports: server::imports::ImportStore) -> Setup {
        self.imports = Some(imports);
        self
    }

    /// Builds the state and serves it.
    pub async fn start(self) -> TestApp {
        let url = self.db.url.clone();
        let vars = self.vars;
        let config = Config::from_lookup(|k| {
            let set = vars.iter().find(|(name, _)| name == k);
            set.map(|(_, v)| v.clone())
                .or_else(|| (k == "DATABASE_URL").then(|| url.clone()))
        })
        .unwrap();
        let store = if self.own_store {
            self.db.reopen().await
        } else {
            self.db.store.clone()
        };
        let hub = if self.database_bus {
            server::make_hub(&store, &config).await.unwrap()
        } else {
            let bus = Arc::new(server::bus::InProcessBus::new());
            server::hub::Hub::new(store.clone(), bus)
        };
        let mut state = AppState::new(store.clone(), &config, hub);
        if let Some(imports) = self.imports {
            state.imports = Arc::new(imports);
        }
        let router = server::app(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let served = router.clone();
        let serving = tokio::spawn(async move {
            let _ = server::serve_with(listener, served, config.header_timeout).await;
        });
        TestApp {
            db: self.db,
            store,
            state,
            addr,
            router,
            serving: Some(serving),
        }
    }
}

impl TestApp {
    /// A server to set up: in-process bus, default configuration, the test database's store.
    pub fn setup(db: Db) -> Setup {
        Setup {
            db,
            vars: Vec::new(),
            own_store: false,
            database_bus: false,
            imports: None,
        }
    }

    /// Serves the database as it is, with the default setup.
    pub async fn start(db: Db) -> TestApp {
        TestApp::setup(db).start().await
    }

    /// Loads the demo company (as of October 2026) and serves it with the default setup.
    pub async fn demo(db: Db) -> TestApp {
        demo::load_demo(&db.store).await;
        TestApp::start(db).await
    }

    /// Loads the demo company, serves it, and signs in the user with `email`: the app and a
    /// session cookie.
    pub async fn demo_signed_in(db: Db, email: &str) -> (TestApp, String) {
        let app = TestApp::demo(db).await;
        let cookie = app.cookie(email).await;
        (app, cookie)
    }

    /// Two instances serving one new PostgreSQL database with the demo company, each with its
    /// own store and a LISTEN/NOTIFY bus, and the configuration `vars`.
    pub async fn two_instances(vars: &[(&str, &str)]) -> [TestApp; 2] {
        let db = Arc::new(super::TestDb::postgres().await);
        demo::load_demo(&db.store).await;
        let instance = || {
            let setup = TestApp::setup(db.clone()).instance();
            vars.iter()
                .fold(setup, |s, (name, value)| s.var(name, value))
        };
        [instance().start().await, instance().start().await]
    }

    /// Stops accepting connections (open sockets end when their clients close them).
    pub fn stop(self) {}

    /// Stops serving and waits until the server let go of its state, then drops it (a restart
    /// closes the store after this).
    pub async fn shutdown(mut self) {
        if let Some(task) = self.serving.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Restarts the server as a crash and restart would: stops it, closes every connection to
    /// the database, and serves the database again on a fresh connection (in-process bus).
    pub async fn restart(self) -> TestApp {
        let db = self.db.clone();
        self.shutdown().await;
        db.store.close().await;
        TestApp::setup(db).own_store().start().await
    }

    // -----------------------------------------------------------------------------------------
    // The demo's people and maps.
    // -----------------------------------------------------------------------------------------

    /// A session cookie for the user with `email`.
    pub async fn cookie(&self, email: &str) -> String {
        demo::cookie_for(&self.store, email).await
    }

    /// The user with `email`.
    pub async fn user(&self, email: &str) -> User {
        demo::user(&self.store, email).await
    }

    /// The first map whose name starts with `prefix`.
    pub async fn map_named(&self, prefix: &str) -> MapDocument {
        demo::map_named(&self.store, prefix).await
    }

    /// The demo's enterprise map.
    pub async fn enterprise_map(&self) -> MapDocument {
        demo::enterprise_map(&self.store).await
    }

    /// An API token made directly in the store; returns its secret.
    pub async fn token(&self, name: &str, units: Vec<OrgUnitId>, can_write: bool) -> String {
        self.token_with(name, units, can_write, false, None).await
    }

    /// A read+write API token with admin access (it acts as an admin of its units).
    pub async fn admin_token(&self, name: &str, units: Vec<OrgUnitId>) -> String {
        self.token_with(name, units, true, true, None).await
    }

    /// An admin API token made by the person with `email` (it may edit maps; its edits are
    /// credited to them).
    pub async fn admin_token_by(&self, name: &str, units: Vec<OrgUnitId>, email: &str) -> String {
        let person = self.user(email).await.id;
        self.token_with(name, units, true, true, Some(person)).await
    }

    async fn token_with(
        &self,
        name: &str,
        units: Vec<OrgUnitId>,
        can_write: bool,
        can_administer: bool,
        created_by: Option<app::domain::UserId>,
    ) -> String {
        let secret = app::auth::new_token_secret();
        let token = ApiToken {
            id: ApiTokenId::new(),
            name: name.into(),
            units,
            can_write,
            can_administer,
            created_by,
            created_at: app::store::now_text(),
            last_used_at: None,
            revoked_at: None,
        };
        let hash = app::auth::secret_hash(&secret);
        self.store
            .create_api_token(&token, &hash, None)
            .await
            .unwrap();
        secret
    }

    // -----------------------------------------------------------------------------------------
    // Requests.
    // -----------------------------------------------------------------------------------------

    /// A request to `uri`, sent when awaited.
    pub fn request(&self, method: Method, uri: &str) -> Call<'_> {
        Call {
            app: self,
            request: Request::builder().method(method).uri(uri),
            body: Body::empty(),
        }
    }

    /// A GET of `uri`.
    pub fn get(&self, uri: &str) -> Call<'_> {
        self.request(Method::GET, uri)
    }

    /// A POST to `uri`.
    pub fn post(&self, uri: &str) -> Call<'_> {
        self.request(Method::POST, uri)
    }

    /// A PUT to `uri`.
    pub fn put(&self, uri: &str) -> Call<'_> {
        self.request(Method::PUT, uri)
    }

    /// A DELETE of `uri`.
    pub fn delete(&self, uri: &str) -> Call<'_> {
        self.request(Method::DELETE, uri)
    }

    /// Sends a request as it is through the router. A response that does not end within
    /// [`HUNG_AFTER`] fails the test, naming the request, rather than stalling the whole suite.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let what = format!("{} {}", req.method(), req.uri());
        let answer = async {
            let res = self.router.clone().oneshot(req).await.unwrap();
            let status = res.status();
            let headers = res.headers().clone();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            Reply {
                status,
                headers,
                body: Text::new(String::from_utf8_lossy(&bytes).into_owned()),
                bytes: bytes.to_vec(),
            }
        };
        match tokio::time::timeout(HUNG_AFTER, answer).await {
            Ok(reply) => reply,
            Err(_) => panic!("{what}: no complete response within {HUNG_AFTER:?}: the server hung"),
        }
    }

    /// Calls a server function with a form (`/api/<function>`), as the browser does.
    pub async fn call(
        &self,
        cookie: Option<&str>,
        function: &str,
        form: &[(&str, String)],
    ) -> (StatusCode, Text) {
        self.post(&format!("/api/{function}"))
            .cookie_opt(cookie)
            .form(form)
            .await
    }

    /// Calls a server function whose input is JSON (`input = Json`).
    pub async fn call_json(
        &self,
        cookie: Option<&str>,
        function: &str,
        args: Value,
    ) -> (StatusCode, Text) {
        self.post(&format!("/api/{function}"))
            .cookie_opt(cookie)
            .json(&args)
            .await
    }

    /// Calls a server function with a form or JSON, as its input is.
    pub async fn call_input(
        &self,
        cookie: Option<&str>,
        function: &str,
        input: &Input,
    ) -> (StatusCode, Text) {
        match input {
            Input::Form(form) => self.call(cookie, function, form).await,
            Input::Encoded(form) => {
                let call = self.post(&format!("/api/{function}"));
                call.cookie_opt(cookie).encoded_form(form.clone()).await
            }
            Input::Json(args) => self.call_json(cookie, function, args.clone()).await,
        }
    }

    /// The six people of a role matrix, as the cookies that sign them in: anonymous, an
    /// outsider with no role (made here), and the demo's viewer, contributor, editor and admin
    /// of the whole company.
    pub async fn role_cookies(&self) -> [Option<String>; 6] {
        demo::add_outsider(&self.store).await;
        let mut cookies = [None, None, None, None, None, None];
        let people = [
            demo::OUTSIDER,
            demo::VIEWER,
            demo::CONTRIBUTOR,
            demo::EDITOR,
        ];
        for (who, email) in people.into_iter().chain([demo::ADMIN]).enumerate() {
            cookies[who + 1] = Some(self.cookie(email).await);
        }
        cookies
    }

    /// The role matrix: calls each row's server function as each of `cookies` (see
    /// [`TestApp::role_cookies`]) and asserts the status the row expects for that person.
    pub async fn assert_role_matrix(
        &self,
        cookies: &[Option<String>; 6],
        rows: &[(&str, [u16; 6], Input)],
    ) {
        for (function, expected, input) in rows {
            for (who, cookie) in cookies.iter().enumerate() {
                let (status, body) = self.call_input(cookie.as_deref(), function, input).await;
                assert_eq!(
                    status.as_u16(),
                    expected[who],
                    "{function} as role #{who}: {body}"
                );
            }
        }
    }

    /// Signs the session of `cookie` out through the server function.
    pub async fn sign_out(&self, cookie: &str) {
        let (status, body) = self.call(Some(cookie), "sign_out", &[]).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{status}: {body}"
        );
    }

    // -----------------------------------------------------------------------------------------
    // Imports.
    // -----------------------------------------------------------------------------------------

    /// Uploads `bytes` as `name` to `map`; the body is the dry run or an error.
    pub async fn upload(
        &self,
        cookie: Option<&str>,
        map: MapId,
        name: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Text) {
        self.post(&format!("/imports/upload?map={map}&name={name}"))
            .cookie_opt(cookie)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes)
            .await
    }

    /// Uploads and expects a dry run.
    pub async fn upload_ok(&self, cookie: &str, map: MapId, name: &str, bytes: Vec<u8>) -> DryRun {
        let (status, body) = self.upload(Some(cookie), map, name, bytes).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.parse()
    }

    /// Starts committing an import and waits until it is done or failed (a refused start is
    /// reported as failed, with the refusal's status).
    pub async fn commit_import(
        &self,
        cookie: &str,
        id: ImportId,
        mode: CommitMode,
    ) -> (StatusCode, CommitStatus) {
        let args = serde_json::json!({"id": id, "mode": mode});
        let (status, body) = self.call_json(Some(cookie), "import_commit", args).await;
        if status != StatusCode::OK {
            let message = body.to_string();
            return (status, CommitStatus::Failed { message });
        }
        for _ in 0..3000 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            let form = [("id", id.to_string())];
            let (polled, body) = self.call(Some(cookie), "import_status", &form).await;
            assert_eq!(polled, StatusCode::OK, "{body}");
            let now: CommitStatus = body.parse();
            if !matches!(now, CommitStatus::Running { .. }) {
                return (status, now);
            }
        }
        panic!("the commit did not finish within a minute");
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(task) = &self.serving {
            task.abort();
        }
    }
}

/// What a server function is sent: a form, or JSON (`input = Json`).
pub enum Input {
    /// Form fields, each value percent-encoded when sent.
    Form(Vec<(&'static str, String)>),
    /// A form already encoded (`a=1&b=x%20y`), as a browser sends it.
    Encoded(String),
    /// A JSON body.
    Json(Value),
}

/// A request being put together; awaiting it sends it and gives its status and body.
pub struct Call<'a> {
    app: &'a TestApp,
    request: http::request::Builder,
    body: Body,
}

impl<'a> Call<'a> {
    /// Adds a header.
    pub fn header(mut self, name: header::HeaderName, value: &str) -> Call<'a> {
        let value = HeaderValue::from_str(value).unwrap();
        self.request = self.request.header(name, value);
        self
    }

    /// Sends a session cookie.
    pub fn cookie(self, cookie: &str) -> Call<'a> {
        self.header(header::COOKIE, cookie)
    }

    /// Sends a session cookie when there is one (an anonymous request otherwise).
    pub fn cookie_opt(self, cookie: Option<&str>) -> Call<'a> {
        match cookie {
            Some(c) => self.cookie(c),
            None => self,
        }
    }

    /// Sends an API token (`Authorization: Bearer …`).
    pub fn bearer(self, token: &str) -> Call<'a> {
        self.header(header::AUTHORIZATION, &format!("Bearer {token}"))
    }

    /// A JSON body (and JSON wanted back).
    pub fn json(self, body: &Value) -> Call<'a> {
        self.header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .body(body.to_string())
    }

    /// A form body, each value percent-encoded (and JSON wanted back).
    pub fn form(self, fields: &[(&str, String)]) -> Call<'a> {
        let encoded: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", super::urlencode(v)))
            .collect();
        self.encoded_form(encoded.join("&"))
    }

    /// A form body already encoded (and JSON wanted back).
    pub fn encoded_form(self, form: String) -> Call<'a> {
        self.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(form)
    }

    /// The body as it is.
    pub fn body(mut self, body: impl Into<Body>) -> Call<'a> {
        self.body = body.into();
        self
    }

    /// Sends it; the whole reply, headers included.
    pub async fn reply(self) -> Reply {
        let req = self.request.body(self.body).unwrap();
        self.app.send(req).await
    }
}

impl<'a> IntoFuture for Call<'a> {
    type Output = (StatusCode, Text);
    type IntoFuture = Pin<Box<dyn Future<Output = (StatusCode, Text)> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let reply = self.reply().await;
            (reply.status, reply.body)
        })
    }
}

/// A response as the tests read it.
pub struct Reply {
    /// The status code.
    pub status: StatusCode,
    /// The headers (`Location`, `Set-Cookie`, `Retry-After` …).
    pub headers: HeaderMap,
    /// The body.
    pub body: Text,
    /// The body as sent (files: PNG, PDF, XLSX).
    pub bytes: Vec<u8>,
}

/// A response body: its text (it derefs to `str`), and its JSON when it is JSON (`body["code"]`).
pub struct Text {
    text: String,
    json: Value,
}

impl Text {
    fn new(text: String) -> Text {
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Text { text, json }
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The body read as a `T`; fails the test, showing the body, when it is not one.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.text).unwrap_or_else(|e| {
            panic!(
                "expected a {}: {e}\n{}",
                std::any::type_name::<T>(),
                self.text
            )
        })
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.text, f)
    }
}

impl std::ops::Index<&str> for Text {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        &self.json[key]
    }
}
