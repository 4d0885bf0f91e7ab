//! The language a page is rendered in: the signed-in user's stored choice, else the language
//! cookie, else `Accept-Language`; `set_language` keeps the choice (on SQLite and PostgreSQL).

use crate::common;

use common::{Db, TestApp, ADMIN};

use axum::http::{header, StatusCode};

/// The `lang` the page's `<html>` element carries.
fn html_lang(body: &str) -> &str {
    body.split("<html lang=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("")
}

both_databases!(
    pages_speak_the_browser_s_language_until_a_choice_is_made,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let (status, body) = app
            .get("/signin")
            .header(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9,en;q=0.8")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(html_lang(&body), "de");
        let (_, body) = app
            .get("/signin")
            .header(header::ACCEPT_LANGUAGE, "fr-CH, en;q=0.5")
            .await;
        assert_eq!(
            html_lang(&body),
            "en",
            "French is not shipped: the next preference, English"
        );

        // The page for an unknown address is German too, in words.
        let cookie = app.cookie(ADMIN).await;
        let (status, body) = app
            .get("/no/such/page")
            .cookie(&cookie)
            .header(header::ACCEPT_LANGUAGE, "de")
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(html_lang(&body), "de");
        assert!(body.contains("Seite nicht gefunden"), "{body}");
        assert!(!body.contains("Page not found"));
    }
);

both_databases!(
    a_signed_in_choice_is_kept_with_the_user,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let cookie = app.cookie(ADMIN).await;
        let map = app.enterprise_map().await;
        let page = format!("/maps/{}", map.map.id);

        let reply = app
            .post("/api/set_language")
            .cookie(&cookie)
            .form(&[("lang", "de".into()), ("next", page.clone())])
            .reply()
            .await;
        assert!(
            reply.status.is_success() || reply.status.is_redirection(),
            "{}",
            reply.status
        );
        let set_cookie = reply.headers[header::SET_COOKIE]
            .to_str()
            .unwrap_or_default();
        assert!(
            set_cookie.starts_with("cairn_lang=de;") && set_cookie.contains("SameSite=Lax"),
            "{set_cookie}"
        );
        let user = app.user(ADMIN).await;
        assert_eq!(
            app.store.user_locale(user.id).await.unwrap().as_deref(),
            Some("de")
        );

        // Another device: no language cookie, an English browser. The stored choice wins.
        let (status, body) = app
            .get(&page)
            .cookie(&cookie)
            .header(header::ACCEPT_LANGUAGE, "en-GB")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(html_lang(&body), "de");

        // An empty choice follows the browser again and clears the cookie.
        let reply = app
            .post("/api/set_language")
            .cookie(&cookie)
            .form(&[("lang", String::new())])
            .reply()
            .await;
        assert!(reply.status.is_success() || reply.status.is_redirection());
        assert!(reply.headers[header::SET_COOKIE]
            .to_str()
            .unwrap_or_default()
            .contains("Max-Age=0"));
        assert_eq!(app.store.user_locale(user.id).await.unwrap(), None);
        let (_, body) = app
            .get(&page)
            .cookie(&cookie)
            .header(header::ACCEPT_LANGUAGE, "en-GB")
            .await;
        assert_eq!(html_lang(&body), "en");
    }
);

both_databases!(
    an_unknown_language_is_refused_and_changes_nothing,
    |db: Db| async move {
        let app = TestApp::demo(db).await;
        let cookie = app.cookie(ADMIN).await;
        let (status, body) = app
            .post("/api/set_language")
            .cookie(&cookie)
            .form(&[("lang", "xx".into())])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("UnknownLanguage"), "{body}");
        let user = app.user(ADMIN).await;
        assert_eq!(app.store.user_locale(user.id).await.unwrap(), None);

        // A visitor's choice lives in the cookie only, and the sign-in page follows it.
        let reply = app
            .post("/api/set_language")
            .form(&[("lang", "de".into())])
            .reply()
            .await;
        assert!(reply.status.is_success() || reply.status.is_redirection());
        let set_cookie = reply.headers[header::SET_COOKIE]
            .to_str()
            .unwrap_or_default()
            .to_string();
        let lang_cookie = set_cookie.split(';').next().unwrap_or_default();
        let (_, body) = app
            .get("/signin")
            .cookie(lang_cookie)
            .header(header::ACCEPT_LANGUAGE, "en")
            .await;
        assert_eq!(html_lang(&body), "de");
    }
);
