//! Pieces shared by several screens: the top bar and the page around it, error panels, the
//! not-found page; in their own modules the loading of a route's item, the connection label and
//! the unsaved-changes guard.

pub mod chart;
pub mod connection;
pub mod fit;
pub mod initiatives;
pub mod route;
pub mod status;
pub mod statusmap;
pub mod unsaved;

use crate::api::{current_user, ApiError, SignOut};
use crate::domain::{MapId, MapRights};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The top bar: product name, where you are, who is signed in and a sign-out button.
#[component]
pub fn TopBar(#[prop(into, optional)] crumbs: Vec<(String, String)>) -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"▲"</span>
                " Cairn"
            </A>
            <nav class="crumbs" aria-label="Breadcrumbs">
                {crumbs
                    .into_iter()
                    .map(|(label, href)| view! { <span class="crumb-sep">"/"</span><A href=href>{label}</A> })
                    .collect_view()}
            </nav>
            <div class="who">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) => view! {
                                <span class="avatar" aria-hidden="true">{u.initials()}</span>
                                <span class="who-name">{u.name.clone()}</span>
                                <ActionForm action=sign_out>
                                    <button type="submit" class="link-button">"Sign out"</button>
                                </ActionForm>
                            }.into_any(),
                            _ => view! { <A href="/signin">"Sign in"</A> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </header>
    }
}

/// The frame of a signed-in page: the browser tab's title, the top bar with the way here
/// (`crumbs`), and the main column (`class`) holding the page.
#[component]
pub fn Page(
    #[prop(into)] title: String,
    #[prop(optional)] crumbs: Vec<(String, String)>,
    class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <Title text=title/>
        <TopBar crumbs=crumbs/>
        <main class=class>{children()}</main>
    }
}

/// The way to a map's page: its unit (home), the map, then `page` (label, address) if given.
pub fn map_crumbs(
    unit: &str,
    map: &str,
    map_id: MapId,
    page: Option<(&str, &str)>,
) -> Vec<(String, String)> {
    let mut crumbs = vec![
        (unit.to_string(), "/".to_string()),
        (map.to_string(), format!("/maps/{map_id}")),
    ];
    crumbs.extend(page.map(|(label, tail)| (label.to_string(), format!("/maps/{map_id}/{tail}"))));
    crumbs
}

/// A clear message for a failed load, with a way forward for the common cases.
#[component]
pub fn ErrorPanel(error: ApiError) -> impl IntoView {
    let hint = match &error {
        ApiError::Unauthenticated => {
            Some(view! { <p><a href="/signin">"Sign in"</a></p> }.into_any())
        }
        ApiError::Forbidden(_) | ApiError::NotFound(_) => {
            Some(view! { <p><a href="/">"Back to your maps"</a></p> }.into_any())
        }
        _ => None,
    };
    let title = match &error {
        ApiError::Forbidden(_) => "Not allowed",
        ApiError::NotFound(_) => "Not found",
        ApiError::Unauthenticated => "Signed out",
        _ => "Something went wrong",
    };
    view! {
        <section class="error-panel" role="alert">
            <h2>{title}</h2>
            <p>{error.to_string()}</p>
            {hint}
        </section>
    }
}

/// Answers the page being rendered on the server with `status` (404 for an unknown map, 403…),
/// so a failed page is not sent as a success. Does nothing in the browser.
fn set_page_status(status: http::StatusCode) {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// A whole page for a failed load (unknown id, no role, signed out…): the top bar and the error,
/// answered with the error's HTTP status.
#[component]
pub fn ErrorPage(error: ApiError) -> impl IntoView {
    set_page_status(error.status());
    view! {
        <TopBar/>
        <main class="page">
            <ErrorPanel error=error/>
        </main>
    }
}

/// The page for an unknown address, answered with 404.
#[component]
pub fn NotFound() -> impl IntoView {
    set_page_status(http::StatusCode::NOT_FOUND);
    view! {
        <TopBar/>
        <main class="page">
            <section class="error-panel" role="alert">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address. It may have been mistyped, or what was here was deleted."</p>
                <p><A href="/">"Back to your maps"</A></p>
            </section>
        </main>
    }
}

/// The "Enter data" and "Import data" links of a map, shown only to those who may enter its
/// data (contributors and up on its unit, and whoever reports one of its measures).
#[component]
pub fn DataLinks(map: MapId, #[prop(into)] rights: Signal<MapRights>) -> impl IntoView {
    move || {
        rights.get().enter_data.then(|| {
            view! {
                <A href=format!("/maps/{map}/data") attr:class="button secondary">"Enter data"</A>
                <A href=format!("/maps/{map}/import") attr:class="button secondary">"Import data"</A>
            }
        })
    }
}

/// "1 measure", "3 measures": a count with its noun, for nouns whose plural adds an "s".
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A number with the measure's decimals and unit ("87.5 %", "12 days").
pub fn format_value(value: f64, decimals: u8, unit: &str) -> String {
    let number = format!("{:.*}", usize::from(decimals), value);
    match unit {
        "" => number,
        "%" => format!("{number} %"),
        u if u.starts_with('€') || u.starts_with('$') => format!("{u}{number}"),
        u => format!("{number} {u}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_take_the_plural_except_for_one() {
        assert_eq!(super::plural(1, "measure"), "1 measure");
        assert_eq!(super::plural(0, "measure"), "0 measures");
        assert_eq!(super::plural(12, "objective"), "12 objectives");
    }

    #[test]
    fn formats_values_with_units() {
        assert_eq!(super::format_value(87.456, 1, "%"), "87.5 %");
        assert_eq!(super::format_value(12.0, 0, "days"), "12 days");
        assert_eq!(super::format_value(3.5, 2, ""), "3.50");
        assert_eq!(super::format_value(120.0, 0, "€k"), "€k120");
    }
}
