//! `/dashboards/:id`: one dashboard with a period picker, loaded in one call and then live: it
//! holds the same read-only subscription as a meeting-room display (`/ws/dashboards/{id}`), so new
//! data, imports and map edits show at once without a reload. Lazily loaded: the widgets' code
//! (shared with the display) is its own chunk.

use super::board::DashboardGrid;
use super::unit_crumbs;
use crate::api::{get_dashboard, DashboardPage};
use crate::domain::feed::{FeedInfo, FeedView};
use crate::domain::DashboardId;
use crate::i18n::*;
use crate::live::{self, feed::FeedState, ConnStatus};
use crate::ui::widgets::connection::{clock, conn_label, ConnectionLabel, Look};
use crate::ui::widgets::route::{id_param, item_page, lazy_view_route, load, Reload};
use crate::ui::widgets::status::SpanPicker;
use crate::ui::widgets::{Page, TopBar};
use leptos::prelude::*;
use leptos_router::components::A;

lazy_view_route!(
    /// The dashboard route; its data loads inside the lazily loaded view (so its decoding ships
    /// in the dashboard's chunk).
    DashboardRoute => dashboard_page
);

/// The dashboard the address names.
fn dashboard_page() -> AnyView {
    let page = load(id_param::<DashboardId>("dashboard"), get_dashboard);
    let loading = td_string!(current_locale(), dashboard.view.loading);
    item_page(page, loading, Reload::ShowLoading, |p| {
        view! { <DashboardScreen page=p/> }.into_any()
    })
}

#[component]
fn DashboardScreen(page: DashboardPage) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let Some(d) = page.board.dashboards.first().cloned() else {
        return view! { <TopBar/><main class="page"><p class="empty">{t!(i18n, dashboard.view.gone)}</p></main> }.into_any();
    };
    let unit = page.board.unit.clone();
    let first = d.span_kind.span_of(page.board.latest_period());
    let state = FeedState::new(FeedView {
        info: FeedInfo {
            link_id: None,
            name: d.name.clone(),
            rotate_seconds: 0,
        },
        board: page.board,
    });
    let dashboard_id = d.id;
    Effect::new(move |_| live::feed::start_dashboard(dashboard_id, state));
    on_cleanup(live::feed::stop);
    let board = state.board;
    let span = RwSignal::new(Some(first));
    let chosen = Signal::derive(move || span.get().unwrap_or(first));
    let mut crumbs = unit_crumbs(&unit);
    crumbs.push((d.name.clone(), format!("/dashboards/{}", d.id)));
    view! {
        <Page title=td_string!(locale, dashboard.view.title, name = &d.name).to_string() crumbs=crumbs class="page dashboard-page">
            <div class="map-head">
                <div>
                    <h1>{d.name.clone()}</h1>
                    <p class="meta">
                        {format!("{} · {} · ", unit.name, td_string!(locale, common.count.widgets, count = d.widgets.len() as u64))}
                        <LiveBadge state=state/>
                    </p>
                </div>
                <div class="map-head-actions">
                    <SpanPicker span=span/>
                    {page.may_edit.then(|| view! { <A href=format!("/dashboards/{}/edit", d.id) attr:class="button">{t!(i18n, dashboard.view.edit)}</A> })}
                </div>
            </div>
            {move || state.gone.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <div class="dashboard-live" data-pushes=move || state.pushes.get().to_string()>
                <DashboardGrid board=board index=0usize span=chosen/>
            </div>
        </Page>
    }
    .into_any()
}

/// Whether the page is live, and when data last arrived.
#[component]
fn LiveBadge(state: FeedState) -> impl IntoView {
    let locale = current_locale();
    let text = Signal::derive(move || {
        let status = state.status.get();
        let label = conn_label(locale, status);
        match (status, state.updated.get()) {
            (ConnStatus::Live, Some(ms)) => {
                td_string!(locale, dashboard.view.updated, label, time = clock(ms)).to_string()
            }
            _ => label.to_string(),
        }
    });
    view! {
        <ConnectionLabel status=state.status text=text look=Look::Pill attr:data-testid="dashboard-connection"/>
    }
}
