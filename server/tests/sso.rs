//! Single sign-on against a real OpenID provider: each test starts `end2end/oidc/provider.mjs`
//! (npm `oidc-provider`, installed by `make setup`) on a free port, configures Cairn for it, and
//! walks the Authorization Code flow as a browser would: Cairn's `/auth/oidc/start`, the
//! provider's login form, and back to Cairn's `/auth/oidc/callback`. Cairn talks to the provider
//! for real (discovery, the code exchange with PKCE, its signing keys).

use crate::common;

use common::*;
use http::{header, StatusCode};
use openidconnect::reqwest;
use openidconnect::url::Url;
use std::process::Stdio;
use tokio::io::AsyncBufReadExt;

/// Cairn's client at the provider.
const CLIENT_ID: &str = "cairn-test";
const CLIENT_SECRET: &str = "cairn-test-secret-0123456789";
/// Cairn's public URL in these tests: the provider sends the browser back to it, and the test
/// hands that address to the app in-process.
const PUBLIC_URL: &str = "http://cairn.test";

/// The provider, running until dropped.
struct Provider {
    issuer: String,
    _process: tokio::process::Child,
}

impl Provider {
    /// Starts the test provider on a free port and waits until it names its issuer.
    async fn start() -> Provider {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/oidc/provider.mjs");
        let modules = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../end2end/node_modules/oidc-provider"
        );
        assert!(
            std::path::Path::new(modules).is_dir(),
            "npm oidc-provider is missing: run `make setup` (npm ci in end2end/)"
        );
        // Under a heavily loaded machine node has been seen to exit before printing; its error
        // is shown (stderr is inherited) and it is started again, up to three times.
        let mut attempt = 0;
        let (issuer, process) = loop {
            attempt += 1;
            let mut process = tokio::process::Command::new("node")
                .arg(script)
                .arg("--port=0")
                .arg(format!("--client-id={CLIENT_ID}"))
                .arg(format!("--client-secret={CLIENT_SECRET}"))
                .arg(format!("--redirect-uri={PUBLIC_URL}/auth/oidc/callback"))
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .kill_on_drop(true)
                .spawn()
                .expect("node runs the test provider");
            let stdout = process.stdout.take().unwrap();
            let mut lines = tokio::io::BufReader::new(stdout).lines();
            let line = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
                .await
                .expect("the provider starts within 30 s")
                .unwrap();
            match line {
                Some(line) => {
                    let issuer = line.strip_prefix("issuer ").unwrap().trim().to_string();
                    // Whatever else it prints is read and dropped (a closed pipe would stop it).
                    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
                    break (issuer, process);
                }
                None if attempt < 3 => continue,
                None => panic!("the provider exited three times without naming its issuer"),
            }
        };
        Provider {
            issuer,
            _process: process,
        }
    }
}

/// Cairn configured for `provider`, with the demo company, and `vars` on top.
async fn cairn(db: Db, provider: &Provider, vars: &[(&str, &str)]) -> TestApp {
    load_demo(&db.store).await;
    let setup = TestApp::setup(db)
        .var("CAIRN_PUBLIC_URL", PUBLIC_URL)
        .var("CAIRN_OIDC_ISSUER", &provider.issuer)
        .var("CAIRN_OIDC_CLIENT_ID", CLIENT_ID)
        .var("CAIRN_OIDC_CLIENT_SECRET", CLIENT_SECRET);
    vars.iter()
        .fold(setup, |s, (name, value)| s.var(name, value))
        .start()
        .await
}

/// The browser's side at the provider: its cookies there, sent with every request.
struct ProviderBrowser {
    http: reqwest::Client,
    cookies: Vec<(String, String)>,
}

impl ProviderBrowser {
    fn new() -> ProviderBrowser {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        ProviderBrowser {
            http,
            cookies: Vec::new(),
        }
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            let expired = text
                .to_ascii_lowercase()
                .contains("expires=thu, 01 jan 1970");
            if !value.is_empty() && !expired {
                self.cookies.push((name.to_string(), value.to_string()));
            }
        }
    }

    fn cookie_header(&self) -> String {
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        pairs.join("; ")
    }

    /// A GET or form POST at the provider; the status, the `Location` (absolute) and the body.
    async fn send(
        &mut self,
        url: &Url,
        form: Option<&[(&str, &str)]>,
    ) -> (StatusCode, Option<Url>, String) {
        let request = match form {
            Some(fields) => self.http.post(url.clone()).form(fields),
            None => self.http.get(url.clone()),
        };
        let response = request
            .header(header::COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep_cookies(&response);
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|l| url.join(l.to_str().unwrap()).unwrap());
        (status, location, response.text().await.unwrap())
    }

    /// Signs in at the provider from its authorization URL: the login form with `email` (and
    /// whether the provider vouches for it), until the provider sends the browser back to
    /// Cairn. Returns that callback address.
    async fn sign_in(&mut self, authorize: &Url, email: &str, verified: bool) -> Url {
        let (status, interaction, _) = self.send(authorize, None).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let interaction = interaction.unwrap();
        let (status, _, page) = self.send(&interaction, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("name=\"email\""), "{page}");
        let login = interaction
            .join(&format!("{}/login", interaction.path()))
            .unwrap();
        let mut form = vec![("email", email)];
        if verified {
            form.push(("verified", "1"));
        }
        let (status, mut next, body) = self.send(&login, Some(&form)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        // The provider resumes the authorization, then redirects to Cairn's callback.
        for _ in 0..5 {
            let url = next.expect("the provider redirects");
            if url.as_str().starts_with(PUBLIC_URL) {
                return url;
            }
            let (status, location, body) = self.send(&url, None).await;
            assert!(status.is_redirection(), "{status} at {url}: {body}");
            next = location;
        }
        panic!("the provider did not send the browser back to Cairn");
    }
}

/// One browser signing in: its cookie for Cairn's `/auth/oidc` paths and its provider side.
struct Attempt {
    authorize: Url,
    browser_cookie: String,
}

/// Starts single sign-on at Cairn (going on to `next`): the provider's authorization URL and
/// the cookie that ties the attempt to this browser.
async fn start(app: &TestApp, next: &str) -> Attempt {
    let reply = app
        .get(&format!("/auth/oidc/start?next={}", urlencode(next)))
        .reply()
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let authorize = Url::parse(location(&reply)).unwrap();
    Attempt {
        authorize,
        browser_cookie: set_cookie(&reply, "cairn_oidc")
            .expect("a cookie ties the attempt to the browser"),
    }
}

fn location(reply: &Reply) -> &str {
    reply
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
}

/// The `name=value` of the cookie `name` a reply sets (not one it clears).
fn set_cookie(reply: &Reply, name: &str) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|pair| pair.starts_with(&format!("{name}=")) && pair.len() > name.len() + 1)
}

/// Hands the provider's redirect to Cairn, as the browser would (with `cookie`).
async fn callback(app: &TestApp, url: &Url, cookie: Option<&str>) -> Reply {
    let path = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    app.get(&path).cookie_opt(cookie).reply().await
}

/// `url` with its query parameter `name` set to `value`.
fn with_param(url: &Url, name: &str, value: &str) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == name {
                value.to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let mut changed = url.clone();
    changed.query_pairs_mut().clear().extend_pairs(pairs);
    changed
}

/// The whole flow for `email`: the callback's reply.
async fn sign_in(app: &TestApp, email: &str, verified: bool) -> Reply {
    let attempt = start(app, "/maps").await;
    let back = ProviderBrowser::new()
        .sign_in(&attempt.authorize, email, verified)
        .await;
    callback(app, &back, Some(&attempt.browser_cookie)).await
}

/// Who a session cookie signs in (`None` for nobody).
async fn current_user(app: &TestApp, cookie: &str) -> Option<String> {
    let (status, body) = app.call(Some(cookie), "current_user", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.json()["name"].as_str().map(str::to_string)
}

/// Asserts a refusal: back to the sign-in page with the reason, and no session.
fn assert_refused(reply: &Reply, code: &str) {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let to = location(reply);
    assert!(to.starts_with(&format!("/signin?error={code}&")), "{to}");
    assert_eq!(set_cookie(reply, "cairn_session"), None);
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    count(
        &app.store,
        "SELECT COUNT(*) FROM audit_log WHERE action = $1",
        &[action],
    )
    .await
}

both_databases!(
    an_existing_user_signs_in_by_a_verified_email,
    |db: Db| async move {
        let provider = Provider::start().await;
        let app = cairn(db, &provider, &[]).await;
        let reply = sign_in(&app, "Editor@Northwind.example", true).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        assert_eq!(
            location(&reply),
            "/maps",
            "back to where the person was going"
        );
        let session = set_cookie(&reply, "cairn_session").expect("a session starts");
        let editor = app.user(EDITOR).await;
        assert_eq!(
            current_user(&app, &session).await,
            Some(editor.name.clone())
        );
        // The browser's attempt cookie is cleared, and the sign-in is audited.
        assert!(reply.headers.get_all(header::SET_COOKIE).iter().any(|c| {
            let c = c.to_str().unwrap();
            c.starts_with("cairn_oidc=;") && c.contains("Max-Age=0")
        }));
        let audited = count(
            &app.store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in' AND user_id = $1",
            &[&editor.id.to_string()],
        )
        .await;
        assert_eq!(audited, 1);
        // Pages open with the session; signing out ends it.
        let (status, _) = app.get("/").cookie(&session).await;
        assert_eq!(status, StatusCode::OK);
        app.sign_out(&session).await;
        assert_eq!(current_user(&app, &session).await, None);
    }
);

both_databases!(a_bad_or_replayed_state_is_refused, |db: Db| async move {
    let provider = Provider::start().await;
    let app = cairn(db, &provider, &[]).await;
    // A state Cairn never handed out.
    let attempt = start(&app, "/").await;
    let back = ProviderBrowser::new()
        .sign_in(&attempt.authorize, EDITOR, true)
        .await;
    let forged = with_param(&back, "state", "forged-state");
    let reply = callback(&app, &forged, Some(&attempt.browser_cookie)).await;
    assert_refused(&reply, "sso_state");
    // The right state, but in another browser (no attempt cookie, or another one): someone
    // else's answer cannot sign this browser in.
    let other = start(&app, "/").await;
    let reply = callback(&app, &back, Some(&other.browser_cookie)).await;
    assert_refused(&reply, "sso_state");
    // That answer was used up by the try: even its own browser cannot use it now.
    let reply = callback(&app, &back, Some(&attempt.browser_cookie)).await;
    assert_refused(&reply, "sso_state");
    // An answer is taken once: the same good answer a second time is refused.
    let attempt = start(&app, "/").await;
    let back = ProviderBrowser::new()
        .sign_in(&attempt.authorize, EDITOR, true)
        .await;
    let first = callback(&app, &back, Some(&attempt.browser_cookie)).await;
    assert!(
        set_cookie(&first, "cairn_session").is_some(),
        "{}",
        first.body
    );
    let again = callback(&app, &back, Some(&attempt.browser_cookie)).await;
    assert_refused(&again, "sso_state");
    assert_eq!(audit_count(&app, "sign_in_refused").await, 4);
    // The sign-in page says it, in the reader's language.
    let (_, page) = app.get(location(&again)).await;
    assert!(page.contains("expired or was already used"), "{page}");
});

both_databases!(a_replayed_code_is_refused, |db: Db| async move {
    let provider = Provider::start().await;
    let app = cairn(db, &provider, &[]).await;
    let first = start(&app, "/").await;
    let back = ProviderBrowser::new()
        .sign_in(&first.authorize, EDITOR, true)
        .await;
    let reply = callback(&app, &back, Some(&first.browser_cookie)).await;
    assert!(
        set_cookie(&reply, "cairn_session").is_some(),
        "{}",
        reply.body
    );
    // The used code, sent with a fresh, valid state of another attempt: the provider refuses
    // to exchange it a second time.
    let second = start(&app, "/").await;
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let second_state = second
        .authorize
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let replay = with_param(&with_param(&back, "state", &second_state), "code", &code);
    let reply = callback(&app, &replay, Some(&second.browser_cookie)).await;
    assert_refused(&reply, "sso_provider");
    assert_eq!(audit_count(&app, "sign_in_refused").await, 1);
});

both_databases!(an_unverified_email_is_refused, |db: Db| async move {
    let provider = Provider::start().await;
    let app = cairn(
        db,
        &provider,
        &[
            ("CAIRN_OIDC_CREATE_USERS", "1"),
            ("CAIRN_OIDC_DEFAULT_UNIT", "Northwind Technology Services"),
        ],
    )
    .await;
    // An existing user's email that the provider does not vouch for matches nobody…
    let reply = sign_in(&app, EDITOR, false).await;
    assert_refused(&reply, "sso_unverified");
    // …and creates nobody.
    let reply = sign_in(&app, "newcomer@northwind.example", false).await;
    assert_refused(&reply, "sso_unverified");
    let created = count(
        &app.store,
        "SELECT COUNT(*) FROM users WHERE email = $1",
        &["newcomer@northwind.example"],
    )
    .await;
    assert_eq!(created, 0);
    let refused = count(
        &app.store,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_refused' AND entity_id = $1",
        &[EDITOR],
    )
    .await;
    assert_eq!(refused, 1);
    // The sign-in page explains it, in English and in German.
    let (_, page) = app.get(location(&reply)).await;
    assert!(
        page.contains("has not verified your email address"),
        "{page}"
    );
    let (_, page) = app
        .get(location(&reply))
        .header(header::ACCEPT_LANGUAGE, "de")
        .await;
    assert!(
        page.contains("hat Ihre E-Mail-Adresse nicht bestätigt"),
        "{page}"
    );
});

both_databases!(
    an_unknown_user_is_refused_when_creation_is_off,
    |db: Db| async move {
        let provider = Provider::start().await;
        let app = cairn(db, &provider, &[]).await;
        let users = count(&app.store, "SELECT COUNT(*) FROM users", &[]).await;
        let reply = sign_in(&app, "newcomer@northwind.example", true).await;
        assert_refused(&reply, "sso_unknown");
        assert_eq!(
            count(&app.store, "SELECT COUNT(*) FROM users", &[]).await,
            users
        );
        let refused = count(
            &app.store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_refused' AND entity_id = $1",
            &["newcomer@northwind.example"],
        )
        .await;
        assert_eq!(refused, 1);
        let (_, page) = app.get(location(&reply)).await;
        assert!(page.contains("no Cairn account for your email"), "{page}");
    }
);

both_databases!(
    an_unknown_user_is_created_with_the_default_role_when_on,
    |db: Db| async move {
        let provider = Provider::start().await;
        let unit_name = "Consulting";
        let app = cairn(
            db,
            &provider,
            &[
                ("CAIRN_OIDC_CREATE_USERS", "1"),
                ("CAIRN_OIDC_DEFAULT_ROLE", "contributor"),
                ("CAIRN_OIDC_DEFAULT_UNIT", "consulting"),
            ],
        )
        .await;
        let reply = sign_in(&app, "new.person@northwind.example", true).await;
        let session = set_cookie(&reply, "cairn_session").expect("a session starts");
        assert_eq!(location(&reply), "/maps");
        assert_eq!(
            current_user(&app, &session).await.as_deref(),
            Some("New Person")
        );
        let user = app.user("new.person@northwind.example").await;
        let unit = unit_id(&app.store, unit_name).await;
        let grants = app.store.grants_of(user.id).await.unwrap();
        assert_eq!(
            grants,
            vec![(user.id, unit, app::domain::Role::Contributor)]
        );
        // They have no password: the password form never lets them in.
        let (status, _) = app
            .call(
                None,
                "sign_in",
                &[
                    ("email", user.email.clone()),
                    ("password", app::store::NO_PASSWORD.to_string()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        // A second sign-in finds them instead of creating them again.
        let reply = sign_in(&app, "new.person@northwind.example", true).await;
        assert!(set_cookie(&reply, "cairn_session").is_some());
        let same = count(
            &app.store,
            "SELECT COUNT(*) FROM users WHERE email = $1",
            &["new.person@northwind.example"],
        )
        .await;
        assert_eq!(same, 1);
    }
);

both_databases!(
    a_missing_default_unit_refuses_instead_of_creating,
    |db: Db| async move {
        let provider = Provider::start().await;
        let app = cairn(
            db,
            &provider,
            &[
                ("CAIRN_OIDC_CREATE_USERS", "1"),
                ("CAIRN_OIDC_DEFAULT_UNIT", "No Such Unit"),
            ],
        )
        .await;
        let reply = sign_in(&app, "new.person@northwind.example", true).await;
        assert_refused(&reply, "sso_setup");
        let created = count(
            &app.store,
            "SELECT COUNT(*) FROM users WHERE email = $1",
            &["new.person@northwind.example"],
        )
        .await;
        assert_eq!(created, 0);
    }
);

both_databases!(
    the_sign_in_page_offers_single_sign_on,
    |db: Db| async move {
        let provider = Provider::start().await;
        let app = cairn(
            db,
            &provider,
            &[("CAIRN_OIDC_LABEL", "Sign in with Acme ID")],
        )
        .await;
        let (status, page) = app.get("/signin?next=/maps/1").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("href=\"/auth/oidc/start?next=/maps/1\""),
            "{page}"
        );
        assert!(page.contains("Sign in with Acme ID"), "{page}");
        assert!(
            page.contains("name=\"password\""),
            "password sign-in stays on by default"
        );
        // Sent without the browser bundle, like before.
        assert!(!page.contains(".wasm"), "{page}");
        // Everyone may ask how to sign in (the page asks before anyone is signed in).
        for cookie in app.role_cookies().await {
            let (status, body) = app.call(cookie.as_deref(), "sign_in_methods", &[]).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body.json()["sso"], true);
            assert_eq!(body.json()["password"], true);
            assert_eq!(body.json()["sso_label"], "Sign in with Acme ID");
        }
        // Without a label the button has the catalogue's words, in the reader's language.
        let (_, page) = TestApp::setup(app.db.clone())
            .var("CAIRN_PUBLIC_URL", PUBLIC_URL)
            .var("CAIRN_OIDC_ISSUER", &provider.issuer)
            .var("CAIRN_OIDC_CLIENT_ID", CLIENT_ID)
            .start()
            .await
            .get("/signin")
            .header(header::ACCEPT_LANGUAGE, "de")
            .await;
        assert!(page.contains("Mit Single Sign-on anmelden"), "{page}");
    }
);

both_databases!(
    without_configuration_there_is_no_single_sign_on,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let (_, page) = app.get("/signin").await;
        assert!(!page.contains("/auth/oidc/start"), "{page}");
        assert!(page.contains("name=\"password\""));
        let (status, body) = app.call(None, "sign_in_methods", &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body.json()["sso"], false);
        let (status, _) = app.get("/auth/oidc/start").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.get("/auth/oidc/callback?code=x&state=y").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
);

both_databases!(password_sign_in_can_be_turned_off, |db: Db| async move {
    let provider = Provider::start().await;
    let app = cairn(db, &provider, &[("CAIRN_PASSWORD_SIGNIN", "0")]).await;
    let form = [
        ("email", ADMIN.to_string()),
        ("password", server::demo::DEMO_PASSWORD.to_string()),
    ];
    let reply = app.post("/api/sign_in").form(&form).reply().await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(
        said(&reply.body).contains("Password sign-in is turned off"),
        "{}",
        reply.body
    );
    assert_eq!(set_cookie(&reply, "cairn_session"), None);
    // The plain form comes back to the page, which says why.
    let encoded = form
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let reply = app
        .post("/api/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .body(encoded)
        .reply()
        .await;
    assert!(set_cookie(&reply, "cairn_session").is_none());
    assert!(
        location(&reply).starts_with("/signin?error=password_off"),
        "{}",
        location(&reply)
    );
    // The page offers only single sign-on.
    let (_, page) = app.get("/signin").await;
    assert!(page.contains("/auth/oidc/start"), "{page}");
    assert!(!page.contains("name=\"password\""), "{page}");
    let (_, body) = app.call(None, "sign_in_methods", &[]).await;
    assert_eq!(body.json()["password"], false);
    // Single sign-on still signs people in.
    let reply = sign_in(&app, ADMIN, true).await;
    assert!(
        set_cookie(&reply, "cairn_session").is_some(),
        "{}",
        reply.body
    );
});

both_databases!(
    an_invited_person_joins_and_a_deactivated_one_is_refused,
    |db: Db| async move {
        let provider = Provider::start().await;
        let app = cairn(db, &provider, &[]).await;
        // Invited and not yet joined: the provider vouches for the email, so they join.
        let admin = app.cookie(ADMIN).await;
        let unit = app.store.org_units().await.unwrap()[0].id;
        let form = [
            ("email", "invited@northwind.example".to_string()),
            ("name", "Ines Invited".to_string()),
            ("org_unit_id", unit.to_string()),
            ("role", "viewer".to_string()),
        ];
        let (status, link) = app.call(Some(&admin), "invite_person", &form).await;
        assert_eq!(status, StatusCode::OK, "{link}");
        let reply = sign_in(&app, "invited@northwind.example", true).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let cookie = set_cookie(&reply, "cairn_session").expect("a session");
        assert_eq!(
            current_user(&app, &cookie).await.as_deref(),
            Some("Ines Invited")
        );
        // Their invitation link is used up now.
        let path = link.json()["path"].as_str().unwrap().to_string();
        let (status, _) = app
            .call(
                None,
                "invitation_details",
                &[("token", path.trim_start_matches("/invite/").to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::GONE);

        // Deactivated: refused with its own reason, and no session.
        let editor = app.store.account_by_email(EDITOR).await.unwrap().unwrap();
        let changed = app.store.set_active(editor.id, false, None).await.unwrap();
        assert_eq!(changed, Ok(true));
        let reply = sign_in(&app, EDITOR, true).await;
        assert_refused(&reply, "sso_deactivated");
        let (_, page) = app.get(location(&reply)).await;
        assert!(page.contains("has been deactivated"), "{page}");
    }
);
