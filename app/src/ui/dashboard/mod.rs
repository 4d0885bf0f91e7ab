//! Dashboards: a unit's list (`/units/:id/dashboards`, with its display links for admins), one
//! dashboard (`/dashboards/:id`), its editor (`/dashboards/:id/edit`), and the grid of widgets
//! all of them and the meeting-room display draw.

pub mod board;
pub mod editor;
pub mod links;
pub mod view;

use super::widgets::{plural, ErrorPage, TopBar};
use crate::api::{create_dashboard, unit_dashboards, ApiError, UnitDashboardsPage};
use crate::domain::OrgUnitId;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::{lazy_route, LazyRoute};

/// The id in the URL, or a not-found error naming `what`.
pub fn id_param<T: std::str::FromStr + Clone + Send + Sync + 'static>(
    what: &'static str,
) -> impl Fn() -> Result<T, ApiError> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<T>().ok())
            .ok_or_else(|| ApiError::NotFound(what.into()))
    }
}

/// `/units/:id/dashboards`: the unit's dashboards, a form to start one (editors), and the
/// unit's display links (admins). Lazily loaded.
#[derive(Clone)]
pub struct UnitDashboardsRoute;

#[lazy_route]
impl LazyRoute for UnitDashboardsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let id = id_param::<OrgUnitId>("org unit");
        let version = RwSignal::new(0u32);
        let page = Resource::new(
            move || (id(), version.get()),
            |(id, _)| async move {
                match id {
                    Ok(id) => unit_dashboards(id).await,
                    Err(e) => Err(e),
                }
            },
        );
        view! {
            <Transition fallback=|| view! { <TopBar/><p class="loading">"Loading the dashboards…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <UnitDashboards page=p version=version/> }.into_any(),
                        Err(e) => view! { <ErrorPage error=e/> }.into_any(),
                    }
                })}
            </Transition>
        }
        .into_any()
    }
}

#[component]
fn UnitDashboards(page: UnitDashboardsPage, version: RwSignal<u32>) -> impl IntoView {
    let unit = page.unit.clone();
    let crumbs = vec![
        (unit.name.clone(), "/".to_string()),
        (
            "Dashboards".to_string(),
            format!("/units/{}/dashboards", unit.id),
        ),
    ];
    let list = if page.dashboards.is_empty() {
        view! { <p class="empty">"No dashboards yet."</p> }.into_any()
    } else {
        let may_edit = page.may_edit;
        view! {
            <ul class="dashboard-list" aria-label="Dashboards">
                {page.dashboards.clone().into_iter().map(|d| {
                    let name = d.name.clone();
                    let edit_label = format!("Edit {}", d.name);
                    let count = plural(d.widgets, "widget");
                    let edit_href = format!("/dashboards/{}/edit", d.id);
                    view! {
                        <li>
                            <A href=format!("/dashboards/{}", d.id)>{name}</A>
                            <span class="meta">{count}</span>
                            {may_edit.then(|| view! { <A href=edit_href attr:class="secondary-link" attr:aria-label=edit_label>"Edit"</A> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Title text=format!("Dashboards · {} · Cairn", unit.name)/>
        <TopBar crumbs=crumbs/>
        <main class="page">
            <h1>{format!("Dashboards of {}", unit.name)}</h1>
            {list}
            {page.may_edit.then(|| view! { <NewDashboard unit=unit.id/> })}
            {page.may_administer.then(|| view! {
                <links::DisplayLinks unit=unit.id dashboards=page.dashboards.clone() links=page.links.clone() version=version/>
            })}
        </main>
    }
}

/// Starts a dashboard and opens its editor.
#[component]
fn NewDashboard(unit: OrgUnitId) -> impl IntoView {
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
                    error.set(Some(e.to_string()));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <form class="inline-form" on:submit=create>
            <h2>"New dashboard"</h2>
            <label for="new-dashboard-name">"Name"</label>
            <input id="new-dashboard-name" maxlength="80" required prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev)) placeholder="Monthly KPI review"/>
            <button type="submit" class="primary" disabled=move || busy.get()>"Create dashboard"</button>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    }
}
