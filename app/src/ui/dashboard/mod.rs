//! Dashboards: a unit's list (`/units/:id/dashboards`, with its display links for admins), one
//! dashboard (`/dashboards/:id`), its editor (`/dashboards/:id/edit`), and the grid of widgets
//! all of them and the meeting-room display draw.

pub mod board;
pub mod editor;
pub mod links;
pub mod view;

use super::widgets::route::{id_param, item_page, lazy_view_route, load, Reload};
use super::widgets::Page;
use crate::api::{create_dashboard, unit_dashboards, UnitDashboardsPage};
use crate::domain::{OrgUnit, OrgUnitId};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

lazy_view_route!(
    /// `/units/:id/dashboards`: the unit's dashboards, a form to start one (editors), and the
    /// unit's display links (admins). Lazily loaded.
    UnitDashboardsRoute => unit_dashboards_page
);

/// The unit's dashboards, read again whenever `version` is bumped (a display link changed).
fn unit_dashboards_page() -> AnyView {
    let id = id_param::<OrgUnitId>("org unit");
    let version = RwSignal::new(0u32);
    let page = load(
        move || {
            let v = version.get();
            id().map(|id| (id, v))
        },
        |(id, _)| unit_dashboards(id),
    );
    item_page(
        page,
        td_string!(current_locale(), dashboard.list.loading),
        Reload::KeepPage,
        move |p| view! { <UnitDashboards page=p version=version/> }.into_any(),
    )
}

/// The way to a unit's dashboards: the unit (home), then its list of dashboards.
fn unit_crumbs(unit: &OrgUnit) -> Vec<(String, String)> {
    vec![
        (unit.name.clone(), "/".to_string()),
        (
            td_string!(current_locale(), dashboard.list.crumb).to_string(),
            format!("/units/{}/dashboards", unit.id),
        ),
    ]
}

#[component]
fn UnitDashboards(page: UnitDashboardsPage, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let unit = page.unit.clone();
    let crumbs = unit_crumbs(&unit);
    let list = if page.dashboards.is_empty() {
        view! { <p class="empty">{t!(i18n, dashboard.list.empty)}</p> }.into_any()
    } else {
        let may_edit = page.may_edit;
        view! {
            <ul class="dashboard-list" aria-label=t_string!(i18n, dashboard.list.label)>
                {page.dashboards.clone().into_iter().map(|d| {
                    let name = d.name.clone();
                    let edit_label = td_string!(locale, dashboard.list.edit_named, name = &d.name).to_string();
                    let count = td_string!(locale, common.count.widgets, count = d.widgets as u64).to_string();
                    let edit_href = format!("/dashboards/{}/edit", d.id);
                    view! {
                        <li>
                            <A href=format!("/dashboards/{}", d.id)>{name}</A>
                            <span class="meta">{count}</span>
                            {may_edit.then(|| view! { <A href=edit_href attr:class="secondary-link" attr:aria-label=edit_label>{t!(i18n, dashboard.list.edit)}</A> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Page title=td_string!(locale, dashboard.list.title, unit = &unit.name).to_string() crumbs=crumbs class="page">
            <h1>{td_string!(locale, dashboard.list.heading, unit = &unit.name).to_string()}</h1>
            {list}
            {page.may_edit.then(|| view! { <NewDashboard unit=unit.id/> })}
            {page.may_administer.then(|| view! {
                <links::DisplayLinks unit=unit.id dashboards=page.dashboards.clone() links=page.links.clone() version=version/>
            })}
        </Page>
    }
}

/// Starts a dashboard and opens its editor.
#[component]
fn NewDashboard(unit: OrgUnitId) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match create_dashboard(unit, name.get_untracked()).await {
                Ok(id) => navigate(&format!("/dashboards/{id}/edit"), Default::default()),
                Err(e) => {
                    error.set(Some(e.text(locale)));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <form class="inline-form" on:submit=create>
            <h2>{t!(i18n, dashboard.new.heading)}</h2>
            <label for="new-dashboard-name">{t!(i18n, dashboard.new.name)}</label>
            <input id="new-dashboard-name" maxlength="80" required prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev)) placeholder=t_string!(i18n, dashboard.new.placeholder)/>
            <button type="submit" class="primary" disabled=move || busy.get()>{t!(i18n, dashboard.new.create)}</button>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    }
}
