//! People and roles against a real server (on SQLite and PostgreSQL): invitations (invite →
//! accept → sign in; expired, unknown and reused links refused), deactivation (sessions, sign-in,
//! API tokens and open sockets end at once, also across instances), the last admin of the root
//! unit protected, role changes closing sockets, the role matrix of the people server functions,
//! and the REST API's people endpoints with their rights.

use crate::common;

use common::{Db, Ending, Input, Socket, TestApp, ADMIN, EDITOR};

use app::domain::ops::ServerMsg;
use app::domain::*;
use http::StatusCode;
use serde_json::json;
use std::time::Duration;

/// The demo's root unit (the enterprise).
async fn root(app: &TestApp) -> OrgUnitId {
    app.enterprise_map().await.map.org_unit_id
}

/// Invites `email` as `role` on `unit` through the server function as the session of `cookie`;
/// the status and the body.
async fn invite(
    app: &TestApp,
    cookie: &str,
    email: &str,
    unit: OrgUnitId,
    role: Role,
) -> (StatusCode, common::Text) {
    let form = [
        ("email", email.to_string()),
        ("name", String::new()),
        ("org_unit_id", unit.to_string()),
        ("role", role.as_str().to_string()),
    ];
    app.call(Some(cookie), "invite_person", &form).await
}

/// The token of an invitation link's path (`/invite/<token>`).
fn token_of(body: &common::Text) -> String {
    let path = body["path"]
        .as_str()
        .expect("the answer has the link's path");
    path.strip_prefix("/invite/")
        .expect("the path is /invite/<token>")
        .to_string()
}

/// Accepts the invitation of `token` with `name` and the passwords; status and body.
async fn accept(
    app: &TestApp,
    token: &str,
    password: &str,
    confirm: &str,
) -> (StatusCode, common::Text) {
    let form = [
        ("token", token.to_string()),
        ("name", "Nora Newcomer".to_string()),
        ("password", password.to_string()),
        ("confirm", confirm.to_string()),
    ];
    app.call(None, "accept_invitation", &form).await
}

/// Signs in with email and password through the server function; the status and the body.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> (StatusCode, common::Text) {
    let form = [
        ("email", email.to_string()),
        ("password", password.to_string()),
    ];
    app.call(None, "sign_in", &form).await
}

/// The name the session of `cookie` is signed in as, or `None` when it is not signed in.
async fn signed_in_as(app: &TestApp, cookie: &str) -> Option<String> {
    let (status, body) = app.call(Some(cookie), "current_user", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["name"].as_str().map(str::to_string)
}

/// Deactivates (`active` false) or reactivates `user` as the session of `cookie`.
async fn set_active(
    app: &TestApp,
    cookie: &str,
    user: UserId,
    active: bool,
) -> (StatusCode, common::Text) {
    let form = [
        ("user_id", user.to_string()),
        ("active", active.to_string()),
    ];
    app.call(Some(cookie), "set_person_active", &form).await
}

/// Sets (or with `None` revokes) `user`'s role on `unit` as the session of `cookie`.
async fn set_role(
    app: &TestApp,
    cookie: &str,
    user: UserId,
    unit: OrgUnitId,
    role: Option<Role>,
) -> (StatusCode, common::Text) {
    let mut form = vec![
        ("user_id", user.to_string()),
        ("org_unit_id", unit.to_string()),
    ];
    if let Some(role) = role {
        form.push(("role", role.as_str().to_string()));
    }
    app.call(Some(cookie), "set_person_role", &form).await
}

/// The cookie a response sets for the session.
fn session_cookie_of(reply: &common::Reply) -> String {
    reply
        .headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(app::auth::SESSION_COOKIE))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie is set")
        .to_string()
}

/// Waits for the server to end a socket, checks it says why (code 1008 and a fatal error);
/// returns the message.
async fn expect_ended(ws: &mut Socket) -> String {
    let closed = ws.until_closed(Duration::from_secs(20)).await;
    if let Ending::Close(frame) = closed.ending {
        let frame = frame.expect("the close frame says why");
        assert_eq!(u16::from(frame.code), 1008, "{frame:?}");
    }
    let mut told = None;
    for text in closed.texts {
        if let Ok(ServerMsg::Error {
            message,
            fatal: true,
        }) = serde_json::from_str(&text)
        {
            told = Some(message);
        }
    }
    told.expect("the client was told why")
}

both_databases!(invite_accept_and_sign_in, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let admin = app.cookie(ADMIN).await;
    let unit = common::unit_id(&app.store, "Managed Services").await;

    let (status, body) = invite(&app, &admin, " Nora@Example.com ", unit, Role::Editor).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], "nora@example.com");
    let token = token_of(&body);
    assert_eq!(token.len(), 64);
    // Only the token's hash is stored.
    let stored = common::count(
        &app.store,
        "SELECT COUNT(*) FROM invitations WHERE token_hash = $1",
        &[&app::auth::secret_hash(&token)],
    )
    .await;
    assert_eq!(stored, 1);
    let plain = common::count(
        &app.store,
        "SELECT COUNT(*) FROM invitations WHERE token_hash = $1",
        &[&token],
    )
    .await;
    assert_eq!(plain, 0, "the token itself is never stored");

    // The invited person is listed as invited, with the role, and cannot sign in yet.
    let nora = app
        .store
        .account_by_email("nora@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(nora.status, people::UserStatus::Invited);
    let grants = app.store.grants_of(nora.id).await.unwrap();
    assert_eq!(grants, vec![(nora.id, unit, Role::Editor)]);
    let (status, _) = sign_in(&app, "nora@example.com", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The grant is audited with the admin as actor.
    let admin_id = app.user(ADMIN).await.id;
    let audited = common::count(
        &app.store,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'grant' AND user_id = $1",
        &[&admin_id.to_string()],
    )
    .await;
    assert_eq!(audited, 1);

    // The invitation page needs no session, and says who is invited.
    let (status, body) = app
        .call(None, "invitation_details", &[("token", token.clone())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], "nora@example.com");
    let page = app.get(&format!("/invite/{token}")).reply().await;
    assert_eq!(page.status, StatusCode::OK, "not sent to the sign-in page");
    assert_eq!(page.headers[http::header::REFERRER_POLICY], "no-referrer");

    // Bad passwords change nothing.
    let (status, body) = accept(&app, &token, "long enough one", "long enough two").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(common::said(&body).contains("differ"), "{body}");
    let (status, body) = accept(&app, &token, "short", "short").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Joining signs the person in.
    let form = [
        ("token", token.clone()),
        ("name", "Nora Newcomer".to_string()),
        ("password", "correct horse battery".to_string()),
        ("confirm", "correct horse battery".to_string()),
    ];
    let reply = app.post("/api/accept_invitation").form(&form).reply().await;
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{}: {}",
        reply.status,
        reply.body
    );
    let cookie = session_cookie_of(&reply);
    assert_eq!(
        signed_in_as(&app, &cookie).await.as_deref(),
        Some("Nora Newcomer")
    );
    let nora = app.store.account(nora.id).await.unwrap();
    assert_eq!(nora.status, people::UserStatus::Active);

    // And signs in with the password from now on.
    let (status, body) = sign_in(&app, "nora@example.com", "correct horse battery").await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status}: {body}"
    );

    // The link is used up.
    let (status, body) = accept(&app, &token, "another password", "another password").await;
    assert_eq!(status, StatusCode::GONE, "{body}");
    assert!(common::said(&body).contains("already used"), "{body}");
    let (status, body) = app
        .call(None, "invitation_details", &[("token", token.clone())])
        .await;
    assert_eq!(status, StatusCode::GONE, "{body}");
    assert!(
        app::auth::verify_password(
            "correct horse battery",
            &app.store
                .user_with_hash("nora@example.com")
                .await
                .unwrap()
                .unwrap()
                .1
        ),
        "the password stays the one chosen"
    );

    // Inviting an active account again is refused with a message.
    let (status, body) = invite(&app, &admin, "nora@example.com", unit, Role::Viewer).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        common::said(&body).contains("already has an active account"),
        "{body}"
    );
});

both_databases!(
    expired_unknown_and_replaced_links_are_refused,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let unit = root(&app).await;

        let (_, body) = invite(&app, &admin, "late@example.com", unit, Role::Viewer).await;
        let token = token_of(&body);
        let expired = app.store.invitation(&app::auth::secret_hash(&token)).await;
        assert!(expired.unwrap().is_some());
        sqlx::query("UPDATE invitations SET expires_at = $1")
            .bind(app::auth::now_seconds() - 1)
            .execute(app.store.pool())
            .await
            .unwrap();
        let (status, body) = app
            .call(None, "invitation_details", &[("token", token.clone())])
            .await;
        assert_eq!(status, StatusCode::GONE, "{body}");
        assert!(common::said(&body).contains("expired"), "{body}");
        let (status, body) = accept(&app, &token, "long enough pw", "long enough pw").await;
        assert_eq!(status, StatusCode::GONE, "{body}");
        assert!(common::said(&body).contains("expired"), "{body}");
        let late = app
            .store
            .account_by_email("late@example.com")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(late.status, people::UserStatus::Invited, "nothing changed");

        // A new invitation replaces the old link (which stays refused) and works.
        let (status, body) = invite(&app, &admin, "late@example.com", unit, Role::Viewer).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let fresh = token_of(&body);
        let (status, _) = accept(&app, &token, "long enough pw", "long enough pw").await;
        assert_eq!(status, StatusCode::GONE);
        let (status, body) = accept(&app, &fresh, "long enough pw", "long enough pw").await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{status}: {body}"
        );

        // An unknown link says so.
        let (status, body) = accept(&app, "not-a-token", "long enough pw", "long enough pw").await;
        assert_eq!(status, StatusCode::GONE, "{body}");
        assert!(common::said(&body).contains("not known"), "{body}");
    }
);

both_databases!(
    deactivation_ends_sessions_sign_in_tokens_and_sockets,
    |db: Db| async move {
        // The periodic socket check is an hour: only the announcement can close the socket.
        common::load_demo(&db.store).await;
        let app = TestApp::setup(db.clone())
            .var("CAIRN_SOCKET_RECHECK", "3600")
            .start()
            .await;
        let admin = app.cookie(ADMIN).await;
        let editor = app.user(EDITOR).await;
        let editor_cookie = app.cookie(EDITOR).await;
        let other_session = app.cookie(EDITOR).await;
        let map = app.enterprise_map().await.map.id;
        let (mut ws, _) = app.join(map, &editor_cookie, None).await;
        // A token the editor created (as an admin would have) stops with them.
        let secret = app::auth::new_token_secret();
        let token = ApiToken {
            id: ApiTokenId::new(),
            name: "Editor's feed".into(),
            units: vec![root(&app).await],
            can_write: false,
            can_administer: false,
            created_by: Some(editor.id),
            created_at: app::store::now_text(),
            last_used_at: None,
            revoked_at: None,
        };
        app.store
            .create_api_token(&token, &app::auth::secret_hash(&secret), None)
            .await
            .unwrap();
        let (status, _) = app.get("/api/v1/maps").bearer(&secret).await;
        assert_eq!(status, StatusCode::OK);

        // Nobody deactivates themself.
        let admin_id = app.user(ADMIN).await.id;
        let (status, body) = set_active(&app, &admin, admin_id, false).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(common::said(&body).contains("yourself"), "{body}");

        let (status, body) = set_active(&app, &admin, editor.id, false).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let message = expect_ended(&mut ws).await;
        assert!(message.contains("session has ended"), "{message}");
        for cookie in [&editor_cookie, &other_session] {
            assert_eq!(
                signed_in_as(&app, cookie).await,
                None,
                "every session ended"
            );
            let page = app.get("/").cookie(cookie).reply().await;
            assert!(page.status.is_redirection(), "{}", page.status);
            assert!(page.headers[http::header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/signin"));
        }
        assert!(app.map_socket(map, Some(&editor_cookie)).await.is_err());
        let (status, body) = sign_in(&app, EDITOR, server::demo::DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(common::said(&body).contains("deactivated"), "{body}");
        // A wrong password is still just a wrong password.
        let (status, _) = sign_in(&app, EDITOR, "not the password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, body) = app.get("/api/v1/maps").bearer(&secret).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("deactivated"),
            "{body}"
        );
        let account = app.store.account(editor.id).await.unwrap();
        assert_eq!(account.status, people::UserStatus::Deactivated);
        // Inviting a deactivated account again is refused.
        let (status, body) = invite(&app, &admin, EDITOR, root(&app).await, Role::Viewer).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(common::said(&body).contains("reactivate"), "{body}");

        // Reactivated, they sign in again and the token works again.
        let (status, body) = set_active(&app, &admin, editor.id, true).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = sign_in(&app, EDITOR, server::demo::DEMO_PASSWORD).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{status}: {body}"
        );
        let (status, _) = app.get("/api/v1/maps").bearer(&secret).await;
        assert_eq!(status, StatusCode::OK);
    }
);

both_databases!(
    the_last_admin_of_the_root_unit_is_protected,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let admin = app.cookie(ADMIN).await;
        let admin_id = app.user(ADMIN).await.id;
        let unit = root(&app).await;

        for role in [None, Some(Role::Editor)] {
            let (status, body) = set_role(&app, &admin, admin_id, unit, role).await;
            assert_eq!(status, StatusCode::CONFLICT, "{role:?}: {body}");
            assert!(
                common::said(&body).contains("would have no admin left"),
                "{body}"
            );
        }
        let grants = app.store.grants_of(admin_id).await.unwrap();
        assert!(
            grants.contains(&(admin_id, unit, Role::Admin)),
            "nothing changed"
        );

        // With a second admin, the first may step down; the second is then the last one.
        let editor = app.user(EDITOR).await.id;
        let (status, body) = set_role(&app, &admin, editor, unit, Some(Role::Admin)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = set_role(&app, &admin, admin_id, unit, Some(Role::Viewer)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let new_admin = app.cookie(EDITOR).await;
        let (status, body) = set_role(&app, &new_admin, editor, unit, None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        // A deactivated admin does not count: making the old admin admin again and deactivating
        // them leaves one, who cannot be downgraded.
        let (status, _) = set_role(&app, &new_admin, admin_id, unit, Some(Role::Admin)).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = set_active(&app, &new_admin, admin_id, false).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = set_role(&app, &new_admin, editor, unit, Some(Role::Editor)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        // Role changes name their actor in the audit history.
        let audited = common::count(
            &app.store,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('grant', 'revoke') AND user_id = $1",
            &[&editor.to_string()],
        )
        .await;
        assert_eq!(audited, 1, "the one grant the new admin made");
    }
);

both_databases!(role_changes_close_sockets_at_once, |db: Db| async move {
    common::load_demo(&db.store).await;
    let app = TestApp::setup(db.clone())
        .var("CAIRN_SOCKET_RECHECK", "3600")
        .start()
        .await;
    let admin = app.cookie(ADMIN).await;
    let doc = app.enterprise_map().await;
    let editor = app.user(EDITOR).await.id;
    let cookie = app.cookie(EDITOR).await;
    let (mut ws, welcome) = app.join(doc.map.id, &cookie, None).await;
    assert!(welcome.can_edit);
    let (status, body) = set_role(
        &app,
        &admin,
        editor,
        doc.map.org_unit_id,
        Some(Role::Viewer),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let message = expect_ended(&mut ws).await;
    assert!(message.contains("role here changed"), "{message}");
    let (_, back) = app.join(doc.map.id, &cookie, None).await;
    assert!(!back.can_edit, "back with the new rights");
});

both_databases!(role_matrix_of_people_functions, |db: Db| async move {
    let app = TestApp::demo(db).await;
    let cookies = app.role_cookies().await;
    let unit = root(&app).await;
    let target = common::add_user(
        &app.store,
        "target@example.com",
        "Tar Get",
        Some((unit, Role::Viewer)),
    )
    .await;
    // Expected status per person: anonymous, outsider, viewer, contributor, editor, admin.
    let admins = [401, 403, 403, 403, 403, 200];
    let rows: Vec<(&str, [u16; 6], Input)> = vec![
        (
            "people_admin",
            admins,
            Input::Form(vec![("query", String::new())]),
        ),
        (
            "invite_person",
            admins,
            Input::Form(vec![
                ("email", "matrix@example.com".into()),
                ("name", String::new()),
                ("org_unit_id", unit.to_string()),
                ("role", "viewer".into()),
            ]),
        ),
        (
            "set_person_role",
            admins,
            Input::Form(vec![
                ("user_id", target.id.to_string()),
                ("org_unit_id", unit.to_string()),
                ("role", "contributor".into()),
            ]),
        ),
        (
            "set_person_active",
            admins,
            Input::Form(vec![
                ("user_id", target.id.to_string()),
                ("active", "false".into()),
            ]),
        ),
        // Public: an unknown link is gone for everyone, signed in or not.
        (
            "invitation_details",
            [410; 6],
            Input::Form(vec![("token", "unknown".into())]),
        ),
        (
            "accept_invitation",
            [410; 6],
            Input::Form(vec![
                ("token", "unknown".into()),
                ("name", "X".into()),
                ("password", "long enough pw".into()),
                ("confirm", "long enough pw".into()),
            ]),
        ),
    ];
    app.assert_role_matrix(&cookies, &rows).await;
    assert_eq!(
        app.store.account(target.id).await.unwrap().status,
        people::UserStatus::Deactivated,
        "only the admin's call changed anything"
    );

    // An admin of a business unit manages roles there, not above it, and sees only the people
    // with a role there.
    let consulting = common::unit_id(&app.store, "Consulting").await;
    let managed = common::unit_id(&app.store, "Managed Services").await;
    let lead = common::add_user(
        &app.store,
        "bu.admin@example.com",
        "Bu Admin",
        Some((consulting, Role::Admin)),
    )
    .await;
    let elsewhere = common::add_user(
        &app.store,
        "ms.only@example.com",
        "Ms Only",
        Some((managed, Role::Editor)),
    )
    .await;
    let lead_cookie = app.cookie("bu.admin@example.com").await;
    let (status, body) = set_role(
        &app,
        &lead_cookie,
        elsewhere.id,
        consulting,
        Some(Role::Viewer),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = set_role(&app, &lead_cookie, elsewhere.id, unit, Some(Role::Viewer)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = set_role(&app, &lead_cookie, elsewhere.id, managed, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Deactivating needs rights over every unit the person holds a role on.
    let (status, body) = set_active(&app, &lead_cookie, elsewhere.id, false).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = app
        .call(
            Some(&lead_cookie),
            "people_admin",
            &[("query", "ms only".into())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let page: app::api::PeoplePage = body.parse();
    let listed: Vec<UserId> = page.people.iter().map(|p| p.account.id).collect();
    assert_eq!(listed, vec![elsewhere.id], "the search narrows the list");
    assert_eq!(page.managed.len(), 1);
    assert_eq!(page.managed[0].unit.id, consulting);
    assert!(page.people[0].grants.contains(&(consulting, Role::Viewer)));
    let (_, body) = app
        .call(
            Some(&lead_cookie),
            "people_admin",
            &[("query", String::new())],
        )
        .await;
    let page: app::api::PeoplePage = body.parse();
    assert!(page.people.iter().any(|p| p.account.id == lead.id));
    assert!(
        page.people
            .iter()
            .all(|p| p.account.email != "target@example.com"
                || p.grants.iter().any(|(u, _)| *u == unit)),
        "people are listed for a role they hold on or above the unit"
    );
});

both_databases!(
    rest_people_and_invitations_keep_the_rights,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let unit = root(&app).await;
        let consulting = common::unit_id(&app.store, "Consulting").await;
        let managed = common::unit_id(&app.store, "Managed Services").await;
        let elsewhere = common::add_user(
            &app.store,
            "ms.only@example.com",
            "Ms Only",
            Some((managed, Role::Editor)),
        )
        .await;
        let reader = app.token("BI", vec![consulting], false).await;
        let writer = app.token("ERP", vec![consulting], true).await;
        let admin_secret = app.admin_token("HR sync", vec![consulting]).await;

        // Reading: people with a role on (or inherited into) the scope.
        let (status, _) = app.get("/api/v1/people").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, body) = app.get("/api/v1/people").bearer(&reader).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let emails: Vec<&str> = body["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["email"].as_str().unwrap())
            .collect();
        assert!(
            emails.contains(&"tomas.alvarez@northwind.example"),
            "{emails:?}"
        );
        assert!(
            emails.contains(&ADMIN),
            "inherited from the root: {emails:?}"
        );
        assert!(!emails.contains(&"ms.only@example.com"), "{emails:?}");
        let tomas = app.user(common::TOMAS).await.id;
        let (status, body) = app
            .get(&format!("/api/v1/people/{tomas}"))
            .bearer(&reader)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["role"] == "editor" && r["org_unit_name"] == "Consulting"));
        let (status, _) = app
            .get(&format!("/api/v1/people/{}", elsewhere.id))
            .bearer(&reader)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app
            .get(&format!("/api/v1/people/{}", UserId::new()))
            .bearer(&reader)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.get("/api/v1/people/nope").bearer(&reader).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // Inviting: admin tokens only, on their scope.
        let invitation = json!({"email": "api.invitee@example.com", "org_unit_id": consulting, "role": "contributor"});
        for (secret, expected) in [(&reader, 403), (&writer, 403)] {
            let (status, body) = app
                .post("/api/v1/people/invitations")
                .bearer(secret)
                .json(&invitation)
                .await;
            assert_eq!(status.as_u16(), expected, "{body}");
        }
        let above =
            json!({"email": "api.invitee@example.com", "org_unit_id": unit, "role": "viewer"});
        let (status, body) = app
            .post("/api/v1/people/invitations")
            .bearer(&admin_secret)
            .json(&above)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(app
            .store
            .account_by_email("api.invitee@example.com")
            .await
            .unwrap()
            .is_none());
        let (status, body) = app
            .post("/api/v1/people/invitations")
            .bearer(&admin_secret)
            .json(&invitation)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let url = body["url"].as_str().unwrap();
        assert!(url.contains("/invite/"), "{url}");
        let token = url.rsplit('/').next().unwrap();
        let (status, body) = accept(&app, token, "long enough pw", "long enough pw").await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{status}: {body}"
        );
        // Inviting them again is refused; bad input is explained.
        let (status, body) = app
            .post("/api/v1/people/invitations")
            .bearer(&admin_secret)
            .json(&invitation)
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let bad = json!({"email": "not an email", "org_unit_id": consulting, "role": "viewer"});
        let (status, body) = app
            .post("/api/v1/people/invitations")
            .bearer(&admin_secret)
            .json(&bad)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, _) = app
            .post("/api/v1/people/invitations")
            .bearer(&admin_secret)
            .json(&json!({"email": 1}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        // The OpenAPI document lists the people endpoints.
        let (_, doc) = app.get("/api/v1/openapi.json").await;
        for path in [
            "/api/v1/people",
            "/api/v1/people/{id}",
            "/api/v1/people/invitations",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path}");
        }
    }
);

/// Deactivating someone on one instance closes their socket on another (PostgreSQL
/// LISTEN/NOTIFY).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivation_reaches_every_instance() {
    let servers = TestApp::two_instances(&[("CAIRN_SOCKET_RECHECK", "3600")]).await;
    let map = servers[0].enterprise_map().await.map.id;
    let editor = servers[0].user(EDITOR).await.id;
    let cookie = servers[0].cookie(EDITOR).await;
    let admin = servers[0].cookie(ADMIN).await;
    let (mut ws, _) = servers[1].join(map, &cookie, None).await;
    let (status, body) = set_active(&servers[0], &admin, editor, false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let message = expect_ended(&mut ws).await;
    assert!(message.contains("session has ended"), "{message}");
}
