//! The compiled site's files and the cache rules of every response. `/pkg` (wasm, JS, CSS) is
//! served from the brotli or gzip copy cargo-leptos made at build time (`--precompress`), chosen
//! by `Accept-Encoding`; when the build gave those files content-hashed names (`hash-files`) a
//! browser may keep them for a year, so a second visit loads only what changed. Pages and data
//! are never cached without asking the server again.

use axum::{
    body::Body,
    http::{header, HeaderValue, Request},
    middleware::Next,
    response::Response,
};
use tower_http::services::ServeDir;

/// `Cache-Control` of a file whose name changes whenever its content does.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of pages and files whose names stay the same: use only after asking again
/// (a 304 when unchanged).
pub const REVALIDATE: &str = "no-cache";
/// `Cache-Control` of server-function and REST answers: private data, never stored.
pub const NEVER_STORE: &str = "no-store";

/// Whether the site was built with content-hashed file names: cargo-leptos writes `hash_file`
/// beside the server binary, where Leptos reads the names from.
pub fn site_files_hashed(hash_file: &str) -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(hash_file)))
        .is_some_and(|path| path.is_file())
}

/// Files under `dir`, each answered from its `.br` or `.gz` copy when the browser accepts it
/// and the copy exists.
pub fn precompressed(dir: &str) -> ServeDir {
    ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
}

/// The cache rule of one response, by what it is: hashed site files for a year, other files and
/// pages after revalidation, server-function and REST answers never. A handler that set its own
/// rule keeps it.
pub fn cache_rule(path: &str, hashed: bool) -> &'static str {
    if path.starts_with("/pkg/") && hashed {
        IMMUTABLE
    } else if path.starts_with("/api/") {
        NEVER_STORE
    } else {
        REVALIDATE
    }
}

/// Middleware: sets `Cache-Control` by [`cache_rule`] on successful responses that have none
/// (an error is never cached for a year).
pub async fn cache_control(hashed: bool, request: Request<Body>, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    let rule = if response.status().is_success() || response.status().is_redirection() {
        cache_rule(&path, hashed)
    } else {
        cache_rule("/api/", hashed)
    };
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(rule));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_files_are_immutable_and_everything_else_is_asked_again() {
        assert_eq!(cache_rule("/pkg/cairn.abc123.wasm", true), IMMUTABLE);
        assert_eq!(cache_rule("/pkg/cairn.wasm", false), REVALIDATE);
        assert_eq!(cache_rule("/maps/1", true), REVALIDATE);
        assert_eq!(cache_rule("/favicon.svg", true), REVALIDATE);
        assert_eq!(cache_rule("/api/get_map", true), NEVER_STORE);
        assert_eq!(cache_rule("/api/v1/maps", true), NEVER_STORE);
    }
}
