//! The pages and components. One folder per screen; shared pieces in `widgets`.

pub mod admin;
pub mod brainstorm;
pub mod cascade;
pub mod dashboard;
pub mod data;
pub mod display;
pub mod history;
pub mod home;
pub mod hypotheses;
pub mod import;
pub mod inbox;
pub mod initiatives;
pub mod map;
pub mod people;
pub mod profile;
pub mod reminders;
pub mod reset;
pub mod reviews;
pub mod scorecard;
pub mod setup;
pub mod signin;
pub mod strategy;
pub mod surveys;
pub mod versions;
pub mod widgets;

use crate::i18n::{provide_i18n, server_render_locale};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};

/// The HTML document around the app, rendered on the server, in the request's language.
/// Pages that are only links and plain forms are sent without the browser bundle
/// ([`serves_without_wasm`]); their `<body>` is ready as it arrives.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = server_render_locale().unwrap_or_default().tag();
    let path = use_context::<http::request::Parts>().map(|p| p.uri.path().to_string());
    let hydrates = !path.as_deref().is_some_and(serves_without_wasm);
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                {hydrates.then(|| view! {
                    <AutoReload options=options.clone()/>
                    <HydrationScripts options/>
                })}
                <MetaTags/>
            </head>
            <body data-ready=(!hydrates).then_some("")>
                <App/>
            </body>
        </html>
    }
}

/// Whether the page at `path` is sent without the browser bundle: the sign-in page and the home
/// page hold only links and plain forms (sign in, sign out, language), which work without it,
/// so their first load stays small. Reached by a link from a hydrated page, they are rendered
/// in the browser like any other route.
pub fn serves_without_wasm(path: &str) -> bool {
    matches!(path, "/" | "/signin")
}

/// The application: routes and the marker tests wait for once hydration is complete.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_i18n();
    provide_context(widgets::InboxRefresh(RwSignal::new(0)));
    view! {
        <Title text="Cairn"/>
        <Router>
            // Pages of one item (a map, a dashboard) render fully before they are sent, so an
            // unknown or forbidden id answers 404 or 403, not a 200 whose body says so.
            <Routes fallback=|| view! { <widgets::NotFound/> }>
                <Route path=path!("/") view=home::HomePage ssr=SsrMode::Async/>
                <Route path=path!("/signin") view=signin::SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/reset") view={Lazy::<reset::ResetRequestRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reset/:token") view={Lazy::<reset::ResetPasswordRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/units/:id/reminders") view={Lazy::<reminders::UnitRemindersRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/setup") view={Lazy::<setup::SetupRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/profile") view={Lazy::<profile::ProfileRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/inbox") view={Lazy::<inbox::InboxRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/maps/:id") view={Lazy::<map::MapRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/maps/:id/workshop") view={Lazy::<cascade::workshop::WorkshopRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/maps/:id/scorecard") view={Lazy::<scorecard::ScorecardRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/maps/:id/hypotheses") view={Lazy::<hypotheses::HypothesesRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/maps/:id/strategy") view={Lazy::<strategy::StrategyRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/maps/:id/brainstorm") view={Lazy::<brainstorm::BrainstormRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/maps/:id/versions") view={Lazy::<versions::VersionsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/tokens") view={Lazy::<admin::tokens::TokensRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/audit") view={Lazy::<history::AuditLogRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/people") view={Lazy::<people::PeopleRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view={Lazy::<people::invite::InviteRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/units") view={Lazy::<admin::units::UnitsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/units/:id/new-map") view={Lazy::<admin::units::NewMapRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/units/:id/cascade") view={Lazy::<cascade::CascadeWizardRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/units/:id/cascade-report") view={Lazy::<cascade::report::CascadeReportRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/maps/:id/settings") view={Lazy::<admin::units::MapSettingsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/maps/:id/data") view={Lazy::<data::DataRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/maps/:id/import") view={Lazy::<import::ImportRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/units/:id/initiatives") view={Lazy::<initiatives::InitiativesRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/units/:id/reviews") view={Lazy::<reviews::UnitReviewsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reviews/:id") view={Lazy::<reviews::ReviewRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/units/:id/surveys") view={Lazy::<surveys::UnitSurveysRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/surveys/:id") view={Lazy::<surveys::SurveyRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/answer/:token") view={Lazy::<surveys::AnswerRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/units/:id/dashboards") view={Lazy::<dashboard::UnitDashboardsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/dashboards/:id") view={Lazy::<dashboard::view::DashboardRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/dashboards/:id/edit") view={Lazy::<dashboard::editor::EditorRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/display/:token") view={Lazy::<display::DisplayRoute>::new()}/>
            </Routes>
        </Router>
    }
}

/// Sets `<body data-hydrated data-ready>` once the browser has taken over the page's content
/// (effects never run on the server). Called by each page where its content is made, after its
/// data has loaded: a lazily loaded route hydrates after the shell, so a mark set by the shell
/// would tell tests the page is live while its buttons still do nothing. Pages sent without the
/// bundle carry `data-ready` from the server.
pub(crate) fn mark_hydrated() {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
            let _ = body.set_attribute("data-ready", "");
        }
    });
}
