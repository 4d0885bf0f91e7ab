//! Pieces shared by several screens: the top bar and the page around it, error panels, the
//! not-found page; in their own modules the loading of a route's item, the connection label and
//! the unsaved-changes guard.

pub mod actions;
pub mod chart;
pub mod comments;
pub mod connection;
pub mod download;
pub mod fit;
pub mod history;
pub mod initiatives;
pub mod route;
pub mod status;
pub mod statusmap;
pub mod unsaved;

use crate::api::{current_user, ApiError, SignOut};
use crate::domain::{MapId, MapRights};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The top bar: product name, where you are, the language menu, who is signed in and a
/// sign-out button.
#[component]
pub fn TopBar(#[prop(into, optional)] crumbs: Vec<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    // Read once, before any await: the suspended parts below must not touch the i18n signal,
    // which a server render may already have disposed when their data arrives (a language
    // change reloads the page, so nothing is lost).
    let locale = i18n.get_locale_untracked();
    let user = Resource::new(|| (), |_| current_user());
    let demo = Resource::new(|| (), |_| crate::api::is_demo());
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(demo.await, Ok(true)).then(|| view! {
                    <aside class="demo-banner" aria-label=td_string!(locale, setup.demo_label)>
                        <strong>{td_string!(locale, setup.demo_banner)}</strong>" "{td_string!(locale, setup.demo_how)}
                    </aside>
                })
            })}
        </Suspense>
        <header class="topbar">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"▲"</span>
                " Cairn"
            </A>
            <nav class="crumbs" aria-label=t_string!(i18n, common.nav.breadcrumbs)>
                {crumbs
                    .into_iter()
                    .map(|(label, href)| view! { <span class="crumb-sep">"/"</span><A href=href>{label}</A> })
                    .collect_view()}
            </nav>
            <div class="who">
                <LanguageMenu/>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) => view! {
                                <InboxLink/>
                                <span class="avatar" aria-hidden="true">{u.initials()}</span>
                                <A href="/profile" attr:class="who-name" attr:title=td_string!(locale, profile.menu_link)>{u.name.clone()}</A>
                                <ActionForm action=sign_out>
                                    <button type="submit" class="link-button">{td_string!(locale, common.nav.sign_out)}</button>
                                </ActionForm>
                            }.into_any(),
                            _ => view! { <A href="/signin">{td_string!(locale, common.nav.sign_in)}</A> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </header>
    }
}

/// Asks the header's inbox count to be read again (this browser read lines of its inbox).
pub fn inbox_changed() {
    if let Some(InboxRefresh(rev)) = use_context::<InboxRefresh>() {
        rev.update(|r| *r += 1);
    }
}

/// Bumped to read the header's inbox count again; provided by the app for every page.
#[derive(Clone, Copy)]
pub struct InboxRefresh(pub RwSignal<u64>);

/// The link to the inbox, with the number of unread lines once the page runs in the browser
/// (read then, so no page waits for it on the server), again after a minute, and whenever this
/// browser reads lines.
#[component]
fn InboxLink() -> impl IntoView {
    let locale = current_locale();
    let unread = RwSignal::new(0usize);
    let refresh = use_context::<InboxRefresh>();
    let tick = RwSignal::new(0u64);
    Effect::new(move |_| {
        tick.track();
        if let Some(InboxRefresh(rev)) = refresh {
            rev.track();
        }
        leptos::task::spawn_local(async move {
            if let Ok(n) = crate::api::comments::inbox_count().await {
                unread.set(n);
            }
        });
    });
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || tick.update(|t| *t += 1),
            std::time::Duration::from_secs(60),
        )
        .ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    });
    // The link's name is its text ("Inbox 2 unread"), so what it says and what is read agree.
    view! {
        <A href="/inbox" attr:class="inbox-link">
            {td_string!(locale, comments.inbox.link)}
            {move || (unread.get() > 0).then(|| view! {
                " "<span class="badge">{unread.get()}</span>
                <span class="visually-hidden">{format!(" {}", td_string!(locale, comments.inbox.unread_suffix))}</span>
            })}
        </A>
    }
}

/// The language menu: a plain form, so it works before the page has hydrated. The server keeps
/// the choice with the user and in a cookie, then reloads this page in the new language.
#[component]
pub fn LanguageMenu() -> impl IntoView {
    let i18n = use_i18n();
    let current = i18n.get_locale_untracked();
    let here = leptos_router::hooks::use_location();
    let next = move || format!("{}{}", here.pathname.get(), here.search.get());
    let label = |locale: Locale| match locale {
        Locale::en => td_string!(locale, common.language.en),
        Locale::de => td_string!(locale, common.language.de),
    };
    view! {
        <form class="language-menu" method="post" action="/api/set_language">
            <label for="language-select" class="visually-hidden">{t!(i18n, common.language.label)}</label>
            <select id="language-select" name="lang">
                {LANGUAGES
                    .into_iter()
                    .map(|l| view! { <option value=l.tag() selected=l == current lang=l.tag()>{label(l)}</option> })
                    .collect_view()}
            </select>
            <input type="hidden" name="next" value=next/>
            <button type="submit" class="link-button">{t!(i18n, common.language_apply)}</button>
        </form>
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
    let i18n = use_i18n();
    let hint = match &error {
        ApiError::Unauthenticated => {
            Some(view! { <p><a href="/signin">{t!(i18n, common.nav.sign_in)}</a></p> }.into_any())
        }
        ApiError::Forbidden(_) | ApiError::NotFound(_) => {
            Some(view! { <p><a href="/">{t!(i18n, common.nav.back_to_maps)}</a></p> }.into_any())
        }
        _ => None,
    };
    let title = match &error {
        ApiError::Forbidden(_) => t_string!(i18n, common.error.not_allowed),
        ApiError::NotFound(_) => t_string!(i18n, common.error.not_found),
        ApiError::Unauthenticated => t_string!(i18n, common.error.signed_out),
        _ => t_string!(i18n, common.error.went_wrong),
    };
    let message = error.text(i18n.get_locale_untracked());
    view! {
        <section class="error-panel" role="alert">
            <h2>{title}</h2>
            <p>{message}</p>
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
    crate::ui::mark_hydrated();
    let i18n = use_i18n();
    view! {
        <TopBar/>
        <main class="page">
            <section class="error-panel" role="alert">
                <h1>{t!(i18n, common.not_found.title)}</h1>
                <p>{t!(i18n, common.not_found.body)}</p>
                <p><A href="/">{t!(i18n, common.nav.back_to_maps)}</A></p>
            </section>
        </main>
    }
}

/// The "Enter data" and "Import data" links of a map, shown only to those who may enter its
/// data (contributors and up on its unit, and whoever reports one of its measures).
#[component]
pub fn DataLinks(map: MapId, #[prop(into)] rights: Signal<MapRights>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        rights.get().enter_data.then(|| {
            view! {
                <A href=format!("/maps/{map}/data") attr:class="button secondary">{t!(i18n, common.nav.enter_data)}</A>
                <A href=format!("/maps/{map}/import") attr:class="button secondary">{t!(i18n, common.nav.import_data)}</A>
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

pub use crate::i18n::format_value;

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
        use crate::i18n::Locale::{de, en};
        assert_eq!(super::format_value(en, 87.456, 1, "%"), "87.5 %");
        assert_eq!(super::format_value(de, 87.456, 1, "%"), "87,5 %");
        assert_eq!(super::format_value(en, 1200.0, 0, "days"), "1,200 days");
        assert_eq!(super::format_value(en, 3.5, 2, ""), "3.50");
        assert_eq!(super::format_value(en, 120.0, 0, "€k"), "€k120");
        assert_eq!(super::format_value(de, 120.0, 0, "€k"), "120 €k");
    }
}
