//! Security headers on every response. The Content-Security-Policy lets a page run only the
//! site's own scripts (the hydration script carries a fresh nonce per request, and WebAssembly may
//! be compiled), load only the site's own styles, images and sockets, and never be framed; display
//! pages may be framed by the origins an admin names (signage software shows them in a frame).
//! Plus `nosniff`, `Referrer-Policy: same-origin`, and HSTS when Cairn runs behind HTTPS.

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderMap, HeaderValue, Request},
    middleware::Next,
    response::Response,
};
use std::sync::Arc;

/// What the headers depend on, from the configuration.
#[derive(Clone, Debug, Default)]
pub struct HeaderPolicy {
    /// Origins allowed to show display pages in a frame (`CAIRN_DISPLAY_FRAME_ANCESTORS`).
    pub display_frame_origins: Vec<String>,
    /// Send `Strict-Transport-Security` (when `CAIRN_SECURE_COOKIES=1`, i.e. behind HTTPS).
    pub hsts: bool,
}

/// The nonce of one request's policy. The middleware puts it in the request's extensions; the
/// page render hands it to Leptos ([`provide_request_nonce`]) so its scripts carry it.
#[derive(Clone, Debug)]
pub struct CspNonce(pub Arc<str>);

impl CspNonce {
    /// 256 random bits, hex: unguessable, and valid in a CSP source expression.
    pub fn fresh() -> CspNonce {
        CspNonce(app::auth::random_secret().into())
    }
}

/// The policy of a response: `frame_ancestors` is `'none'` or a list of origins.
pub fn content_security_policy(nonce: &str, frame_ancestors: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors {frame_ancestors}"
    )
}

/// Whether a path is a display page (the only pages that may be framed).
fn is_display_page(path: &str) -> bool {
    path.starts_with("/display/")
}

/// Sets the security headers on `headers` for a response to `path`. A header a handler set
/// itself (a display page's stricter `Referrer-Policy: no-referrer`) is kept.
pub fn apply(policy: &HeaderPolicy, nonce: &CspNonce, path: &str, headers: &mut HeaderMap) {
    let framable = is_display_page(path) && !policy.display_frame_origins.is_empty();
    let ancestors = if framable {
        policy.display_frame_origins.join(" ")
    } else {
        "'none'".to_string()
    };
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce.0, &ancestors)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    if !framable {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    if policy.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

/// Middleware: a fresh nonce for the request, the headers on its response.
pub async fn security_headers(
    State(policy): State<Arc<HeaderPolicy>>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let nonce = CspNonce::fresh();
    let path = request.uri().path().to_string();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    apply(&policy, &nonce, &path, response.headers_mut());
    response
}

/// Gives the page being rendered its request's nonce, so Leptos writes it on the hydration
/// script and on every inline script of a streamed page. Call it in a render's context closure.
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers_for(policy: &HeaderPolicy, path: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        apply(policy, &CspNonce("n0nce".into()), path, &mut headers);
        headers
    }

    #[test]
    fn pages_run_only_their_own_scripts_and_are_never_framed() {
        let h = headers_for(&HeaderPolicy::default(), "/maps/1");
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self' 'nonce-n0nce' 'wasm-unsafe-eval';"));
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"));
        assert!(csp.ends_with("frame-ancestors 'none'"));
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[header::REFERRER_POLICY], "same-origin");
        assert!(h.get(header::STRICT_TRANSPORT_SECURITY).is_none());
    }

    #[test]
    fn display_pages_may_be_framed_by_the_named_origins_only() {
        let policy = HeaderPolicy {
            display_frame_origins: vec!["https://signage.example".into()],
            hsts: true,
        };
        let display = headers_for(&policy, "/display/secret");
        let csp = display[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.ends_with("frame-ancestors https://signage.example"));
        assert!(display.get(header::X_FRAME_OPTIONS).is_none());
        let page = headers_for(&policy, "/dashboards/1");
        assert!(page[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .ends_with("frame-ancestors 'none'"));
        assert_eq!(
            page[header::STRICT_TRANSPORT_SECURITY],
            "max-age=31536000; includeSubDomains"
        );
    }

    #[test]
    fn a_stricter_referrer_policy_of_a_handler_is_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        apply(
            &HeaderPolicy::default(),
            &CspNonce("x".into()),
            "/display/s",
            &mut headers,
        );
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    }
}
