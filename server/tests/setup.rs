//! The first run and sign-in protection against a real router (on SQLite and PostgreSQL):
//! `/setup` on an empty database and its refusal afterwards (also against a race), the demo
//! banner, throttled sign-ins (429 with Retry-After), idle sessions, rotated sessions, `Secure`
//! cookies behind https, and the profile's server functions in a role matrix.

use crate::common;

use common::{Db, Input, TestApp, ADMIN, EDITOR, VIEWER};

use app::domain::{OrgUnitKind, Profile};
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{header, Request, StatusCode};
use std::net::SocketAddr;

/// The form of a complete first-run set-up.
fn setup_form(confirm: &str) -> Vec<(&'static str, String)> {
    vec![
        ("organisation", "Acme Logistics".into()),
        ("currency", "usd".into()),
        ("language", "de".into()),
        ("name", "Ada Admin".into()),
        ("email", "ada@acme.example".into()),
        ("password", "a long password".into()),
        ("confirm", confirm.into()),
    ]
}

/// The session cookie (`cairn_session=…`) a reply sets, if any.
fn session_set(reply: &common::Reply) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("cairn_session=") && !c.starts_with("cairn_session=;"))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
}

/// Signs in through the form from the client address `from`, with JSON wanted back (or HTML:
/// the plain form), sending `cookie` if given.
async fn sign_in_from(
    app: &TestApp,
    from: &str,
    email: &str,
    password: &str,
    accept: &str,
    cookie: Option<&str>,
) -> common::Reply {
    let form = format!(
        "email={}&password={}",
        common::urlencode(email),
        common::urlencode(password)
    );
    let peer: SocketAddr = format!("{from}:40000").parse().unwrap();
    let mut request = Request::builder()
        .method("POST")
        .uri("/api/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, accept)
        .header(header::USER_AGENT, "Test browser/1.0")
        .extension(ConnectInfo(peer));
    if let Some(c) = cookie {
        request = request.header(header::COOKIE, c);
    }
    app.send(request.body(Body::from(form)).unwrap()).await
}

/// When the session with token hash `hash` was last used.
async fn last_seen(app: &TestApp, hash: &str) -> i64 {
    let sql = "SELECT last_seen FROM sessions WHERE token_hash = $1";
    common::count(&app.store, sql, &[hash]).await
}

/// Who the session of `cookie` belongs to (the body of `current_user`: a name or `null`).
async fn who(app: &TestApp, cookie: &str) -> String {
    let (status, body) = app.call(Some(cookie), "current_user", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.to_string()
}

both_databases!(
    an_empty_database_leads_to_setup_which_creates_the_organisation_once,
    |db: Db| async move {
        let app = TestApp::start(db).await;
        for page in ["/", "/maps/abc", "/signin", "/profile"] {
            let reply = app.get(page).reply().await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{page}");
            assert_eq!(reply.headers[header::LOCATION], "/setup", "{page}");
        }
        let (status, page) = app.get("/setup").await;
        assert_eq!(status, StatusCode::OK);
        for field in [
            "organisation",
            "currency",
            "language",
            "email",
            "password",
            "confirm",
        ] {
            assert!(page.contains(&format!("name=\"{field}\"")), "{field}");
        }
        let (status, body) = app.call(None, "needs_setup", &[]).await;
        assert_eq!((status, body.trim()), (StatusCode::OK, "true"));

        // Bad input: a specific message, and nothing is created.
        let (status, body) = app
            .call(None, "set_up", &setup_form("another password"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("PasswordsDiffer"), "{body}");
        let mut bad_currency = setup_form("a long password");
        bad_currency[1].1 = "euro".into();
        let (status, body) = app.call(None, "set_up", &bad_currency).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("BadCurrency"), "{body}");
        assert!(!app.store.has_admin().await.unwrap());
        assert!(app.store.org_units().await.unwrap().is_empty());

        let reply = app
            .post("/api/set_up")
            .form(&setup_form("a long password"))
            .reply()
            .await;
        assert!(
            reply.status.is_success() || reply.status.is_redirection(),
            "{}: {}",
            reply.status,
            reply.body
        );
        let cookie = session_set(&reply).expect("the admin is signed in");
        assert!(who(&app, &cookie).await.contains("Ada Admin"));
        let units = app.store.org_units().await.unwrap();
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].name, "Acme Logistics");
        assert_eq!(units[0].kind, OrgUnitKind::Enterprise);
        assert_eq!(app.store.organisation_currency().await.unwrap(), "USD");
        assert_eq!(
            app.store.organisation_locale().await.unwrap().as_deref(),
            Some("de")
        );
        let admin = app.user("ada@acme.example").await;
        let grants = app.store.grants_of(admin.id).await.unwrap();
        assert_eq!(grants.len(), 1);
        assert_eq!(grants[0].2, app::domain::Role::Admin);
        assert!(!app.store.is_demo().await.unwrap());

        // The organisation's language comes before the browser's when nobody chose one.
        let (status, home) = app
            .get("/")
            .cookie(&cookie)
            .header(header::ACCEPT_LANGUAGE, "en-US")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(home.contains("lang=\"de\""), "the page is in German");
        assert!(
            !home.contains("demo-banner"),
            "a real installation has no banner"
        );

        // Set up once only.
        let mut again = setup_form("a long password");
        again[4].1 = "mallory@evil.example".into();
        let (status, body) = app.call(None, "set_up", &again).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(body.contains("AlreadySetUp"), "{body}");
        let reply = app.get("/setup").reply().await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.headers[header::LOCATION], "/");
        let users = app.store.users().await.unwrap();
        assert_eq!(users.len(), 1);
        let (_, body) = app.call(None, "needs_setup", &[]).await;
        assert_eq!(body.trim(), "false");
    }
);

both_databases!(two_set_ups_at_once_make_one_admin, |db: Db| async move {
    let app = TestApp::start(db).await;
    let first = setup_form("a long password");
    let mut second = setup_form("a long password");
    second[4].1 = "bob@acme.example".into();
    let (a, b) = tokio::join!(
        app.call(None, "set_up", &first),
        app.call(None, "set_up", &second)
    );
    let statuses = [a.0, b.0];
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::FORBIDDEN)
        .count();
    assert_eq!(refused, 1, "{statuses:?}: {} / {}", a.1, b.1);
    assert_eq!(app.store.users().await.unwrap().len(), 1);
    assert_eq!(app.store.org_units().await.unwrap().len(), 1);
});

both_databases!(
    automated_installs_still_create_the_admin_and_no_password_means_setup,
    |db: Db| async move {
        let config = |vars: &[(&str, &str)]| {
            let url = db.url.clone();
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            server::Config::from_lookup(move |k| {
                vars.iter()
                    .find(|(name, _)| name == k)
                    .map(|(_, v)| v.clone())
                    .or_else(|| (k == "DATABASE_URL").then(|| url.clone()))
            })
            .unwrap()
        };
        server::bootstrap(&db.store, &config(&[("CAIRN_DEMO", "0")]))
            .await
            .unwrap();
        assert!(
            db.store.is_empty().await.unwrap(),
            "nobody made up a password"
        );
        let automated = config(&[
            ("CAIRN_DEMO", "0"),
            ("CAIRN_ADMIN_EMAIL", "ops@acme.example"),
            ("CAIRN_ADMIN_PASSWORD", "an automated password"),
        ]);
        server::bootstrap(&db.store, &automated).await.unwrap();
        assert!(db.store.has_admin().await.unwrap());
        assert!(!db.store.is_demo().await.unwrap());
        let app = TestApp::start(db.clone()).await;
        let reply = sign_in_from(
            &app,
            "10.1.0.1",
            "ops@acme.example",
            "an automated password",
            "application/json",
            None,
        )
        .await;
        assert!(session_set(&reply).is_some(), "{}", reply.body);
    }
);

both_databases!(a_demo_database_says_so_on_every_page, |db: Db| async move {
    let (app, cookie) = TestApp::demo_signed_in(db, VIEWER).await;
    assert!(app.store.is_demo().await.unwrap());
    let map = app.enterprise_map().await.map.id;
    for page in ["/".to_string(), format!("/maps/{map}"), "/profile".into()] {
        let (status, body) = app.get(&page).cookie(&cookie).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(body.contains("class=\"demo-banner\""), "{page}");
        assert!(body.contains("for trying Cairn"), "{page}");
    }
});

both_databases!(
    failed_sign_ins_are_throttled_per_account_and_per_address,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let json = "application/json";
        for _ in 0..5 {
            let reply = sign_in_from(&app, "10.0.0.1", ADMIN, "wrong password", json, None).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
        }
        // The account's allowance is used up: refused without checking, even the right password.
        let password = server::demo::DEMO_PASSWORD;
        for from in ["10.0.0.1", "10.0.0.9"] {
            let reply = sign_in_from(&app, from, ADMIN, password, json, None).await;
            assert_eq!(
                reply.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{}",
                reply.body
            );
            let wait: u64 = reply.headers[header::RETRY_AFTER]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&wait), "{wait}");
            assert!(
                common::said(&reply.body).starts_with("Too many attempts; try again in"),
                "{}",
                reply.body
            );
            assert!(session_set(&reply).is_none());
        }
        // The plain form comes back to the page, which says how long to wait.
        let reply = sign_in_from(&app, "10.0.0.1", ADMIN, password, "text/html", None).await;
        let location = reply.headers[header::LOCATION].to_str().unwrap();
        assert!(
            location.starts_with("/signin?error=throttled&next=/&wait="),
            "{location}"
        );
        let (_, page) = app.get(location).await;
        assert!(page.contains("Too many attempts"), "the page says it");

        // Another account from another address signs in as usual.
        let reply = sign_in_from(&app, "10.0.0.2", EDITOR, password, json, None).await;
        assert!(session_set(&reply).is_some(), "{}", reply.body);

        // One address guessing at many accounts is stopped too (20 tries, then a wait).
        for n in 0..20 {
            let email = format!("nobody{n}@example.com");
            let reply = sign_in_from(&app, "10.0.0.3", &email, "guess", json, None).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "try {n}");
        }
        let reply = sign_in_from(&app, "10.0.0.3", VIEWER, password, json, None).await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        let reply = sign_in_from(&app, "10.0.0.4", VIEWER, password, json, None).await;
        assert!(session_set(&reply).is_some(), "{}", reply.body);
    }
);

both_databases!(
    a_sign_in_rotates_the_session_and_cookies_are_secure_behind_https,
    |db: Db| async move {
        common::load_demo(&db.store).await;
        let app = TestApp::start(db.clone()).await;
        let json = "application/json";
        let password = server::demo::DEMO_PASSWORD;
        let first = sign_in_from(&app, "10.2.0.1", EDITOR, password, json, None).await;
        let set = first.headers[header::SET_COOKIE].to_str().unwrap();
        assert!(!set.contains("Secure"), "plain http: {set}");
        let old = session_set(&first).unwrap();
        let second = sign_in_from(&app, "10.2.0.1", EDITOR, password, json, Some(&old)).await;
        let new = session_set(&second).unwrap();
        assert_ne!(new, old, "a new token");
        assert_eq!(who(&app, &old).await.trim(), "null", "the old one ended");
        assert!(who(&app, &new).await.contains("name"));

        let https = TestApp::setup(db)
            .var("CAIRN_PUBLIC_URL", "https://cairn.example.com")
            .start()
            .await;
        let reply = sign_in_from(&https, "10.2.0.2", EDITOR, password, json, None).await;
        let set = reply.headers[header::SET_COOKIE].to_str().unwrap();
        assert!(set.contains("; Secure"), "{set}");
    }
);

both_databases!(an_idle_session_ends, |db: Db| async move {
    common::load_demo(&db.store).await;
    let app = TestApp::setup(db)
        .var("CAIRN_SESSION_IDLE", "30m")
        .start()
        .await;
    let json = "application/json";
    let reply = sign_in_from(
        &app,
        "10.3.0.1",
        VIEWER,
        server::demo::DEMO_PASSWORD,
        json,
        None,
    )
    .await;
    let cookie = session_set(&reply).unwrap();
    let hash = app::auth::secret_hash(cookie.split_once('=').unwrap().1);
    let shift = |seconds: i64| {
        let store = app.store.clone();
        let hash = hash.clone();
        async move {
            sqlx::query("UPDATE sessions SET last_seen = last_seen - $1 WHERE token_hash = $2")
                .bind(seconds)
                .bind(hash)
                .execute(store.pool())
                .await
                .unwrap();
        }
    };
    // Used 29 minutes ago: still live, and its last use moves to now.
    shift(29 * 60).await;
    let before = last_seen(&app, &hash).await;
    assert!(who(&app, &cookie).await.contains("name"));
    let after = last_seen(&app, &hash).await;
    assert!(after >= before + 29 * 60, "touched: {before} → {after}");
    // Used 31 minutes ago: over (the absolute expiry is days away).
    shift(31 * 60).await;
    assert_eq!(who(&app, &cookie).await.trim(), "null");
    let reply = app.get("/").cookie(&cookie).reply().await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .starts_with("/signin"));
});

both_databases!(
    role_matrix_of_setup_and_profile_functions,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let cookies = app.role_cookies().await;
        // Expected status per person: anonymous, outsider, viewer, contributor, editor, admin.
        let people = [401, 200, 200, 200, 200, 200];
        let wrong_current = Input::Form(vec![
            ("current", "not my password".into()),
            ("password", "a new long password".into()),
            ("confirm", "a new long password".into()),
        ]);
        let rows: Vec<(&str, [u16; 6], Input)> = vec![
            ("needs_setup", [200; 6], Input::Form(vec![])),
            ("is_demo", [200; 6], Input::Form(vec![])),
            (
                "set_up",
                [403; 6],
                Input::Form(setup_form("a long password")),
            ),
            ("my_profile", people, Input::Form(vec![])),
            (
                "change_password",
                [401, 400, 400, 400, 400, 400],
                wrong_current,
            ),
            (
                "end_session",
                [401, 404, 404, 404, 404, 404],
                Input::Form(vec![("id", "no-such-session".into())]),
            ),
            (
                "set_my_name",
                [401, 422, 422, 422, 422, 422],
                Input::Form(vec![("name", "   ".into())]),
            ),
        ];
        app.assert_role_matrix(&cookies, &rows).await;
        // Each person renames only themselves.
        let viewer = cookies[2].as_deref().unwrap();
        let renamed = [("name", "Robin V.".to_string())];
        let (status, body) = app.call(Some(viewer), "set_my_name", &renamed).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(app.user(VIEWER).await.name, "Robin V.");
        assert_ne!(app.user(ADMIN).await.name, "Robin V.");
    }
);

both_databases!(
    a_password_change_ends_every_other_session_and_rotates_this_one,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let json = "application/json";
        let old_password = server::demo::DEMO_PASSWORD;
        let here =
            session_set(&sign_in_from(&app, "10.4.0.1", VIEWER, old_password, json, None).await)
                .unwrap();
        let elsewhere =
            session_set(&sign_in_from(&app, "10.4.0.2", VIEWER, old_password, json, None).await)
                .unwrap();
        let someone_else = app.cookie(EDITOR).await;

        // The list: both sessions, this one marked, with the browser named.
        let (status, body) = app.call(Some(&here), "my_profile", &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let profile: Profile = body.parse();
        assert_eq!(profile.sessions.len(), 2);
        assert_eq!(profile.sessions.iter().filter(|s| s.current).count(), 1);
        assert!(profile
            .sessions
            .iter()
            .all(|s| s.user_agent.as_deref() == Some("Test browser/1.0")));

        let change = |current: &str, new: &str, confirm: &str| {
            vec![
                ("current", current.to_string()),
                ("password", new.to_string()),
                ("confirm", confirm.to_string()),
            ]
        };
        let new_password = "a brand new password";
        let (status, body) = app
            .call(
                Some(&here),
                "change_password",
                &change("wrong", new_password, new_password),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("WrongCurrentPassword"), "{body}");
        let (status, body) = app
            .call(
                Some(&here),
                "change_password",
                &change(old_password, "short", "short"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = app
            .call(
                Some(&here),
                "change_password",
                &change(old_password, new_password, "other"),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("PasswordsDiffer"), "{body}");
        assert!(
            who(&app, &elsewhere).await.contains("name"),
            "nothing changed yet"
        );

        let reply = app
            .post("/api/change_password")
            .cookie(&here)
            .form(&change(old_password, new_password, new_password))
            .reply()
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let rotated = session_set(&reply).expect("this browser gets a new session");
        assert_ne!(rotated, here);
        assert_eq!(who(&app, &here).await.trim(), "null");
        assert_eq!(who(&app, &elsewhere).await.trim(), "null");
        assert!(who(&app, &rotated).await.contains("name"));
        assert!(
            who(&app, &someone_else).await.contains("name"),
            "others keep theirs"
        );
        let reply = sign_in_from(&app, "10.4.0.3", VIEWER, old_password, json, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        let reply = sign_in_from(&app, "10.4.0.3", VIEWER, new_password, json, None).await;
        assert!(session_set(&reply).is_some());
    }
);

both_databases!(sessions_are_signed_out_one_by_one, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let mine = app.cookie(VIEWER).await;
    let other = app.cookie(VIEWER).await;
    let theirs = app.cookie(EDITOR).await;
    let (_, body) = app.call(Some(&mine), "my_profile", &[]).await;
    let profile: Profile = body.parse();
    let other_id = profile
        .sessions
        .iter()
        .find(|s| !s.current)
        .unwrap()
        .id
        .clone();
    let (_, body) = app.call(Some(&theirs), "my_profile", &[]).await;
    let their_id = body.parse::<Profile>().sessions[0].id.clone();

    // Someone else's session is not found, and stays.
    let (status, _) = app
        .call(Some(&mine), "end_session", &[("id", their_id)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(who(&app, &theirs).await.contains("name"));

    let (status, body) = app
        .call(Some(&mine), "end_session", &[("id", other_id)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(who(&app, &other).await.trim(), "null");
    assert!(who(&app, &mine).await.contains("name"));

    // The profile page lists this session, marked, and links from the top bar.
    let (status, page) = app.get("/profile").cookie(&mine).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("This session"), "{page}");
    assert!(page.contains("href=\"/profile\""));
});
