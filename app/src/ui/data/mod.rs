//! The data-entry page, `/maps/:id/data?year=2027`: a spreadsheet-like grid of measures × the
//! twelve months of a year, one tab for actuals and one for targets (goal and red flag), with
//! keyboard navigation, blocks pasted from a spreadsheet, a check of every cell as it is typed,
//! bulk target helpers, and one transaction per save through the data path (so open maps and
//! dashboards recolour at once). What the text of a cell means is decided by
//! [`crate::domain::entry`]; this module only keeps the typed text and draws it.
//! A lazily loaded route: its code is a separate wasm chunk.

mod grid;

use super::map::map_id_param;
use super::widgets::{plural, ErrorPage, TopBar};
use crate::api::{get_data_grid, ApiError, DataGrid};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map, lazy_route, LazyRoute};

/// `/maps/:id/data`.
#[derive(Clone)]
pub struct DataRoute {
    grid: Resource<Result<DataGrid, ApiError>>,
    /// Bumped after a save so the grid reloads what was committed.
    version: RwSignal<u32>,
    /// The outcome of the last save, shown above the reloaded grid.
    notice: RwSignal<Option<String>>,
    /// The grid holds changes not saved yet (links away ask first).
    unsaved: RwSignal<bool>,
}

#[lazy_route]
impl LazyRoute for DataRoute {
    fn data() -> Self {
        let id = map_id_param();
        let query = use_query_map();
        let version = RwSignal::new(0u32);
        let grid = Resource::new(
            move || {
                let year = query.read().get("year").and_then(|y| y.parse::<i32>().ok());
                (id(), year, version.get())
            },
            |(id, year, _)| async move {
                match id {
                    Ok(id) => get_data_grid(id, year).await,
                    Err(e) => Err(e),
                }
            },
        );
        Self {
            grid,
            version,
            notice: RwSignal::new(None),
            unsaved: RwSignal::new(false),
        }
    }

    fn view(this: Self) -> AnyView {
        let DataRoute {
            grid,
            version,
            notice,
            unsaved,
        } = this;
        view! {
            <Transition fallback=|| view! { <TopBar/><p class="loading">"Loading the data…"</p> }>
                {move || Suspend::new(async move {
                    match grid.await {
                        Ok(g) => view! { <DataPage grid=g version=version notice=notice unsaved=unsaved/> }.into_any(),
                        Err(e) => view! { <ErrorPage error=e/> }.into_any(),
                    }
                })}
            </Transition>
        }
        .into_any()
    }
}

/// The page around the grid: where you are, the year, the links to the other map pages.
#[component]
fn DataPage(
    grid: DataGrid,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    unsaved: RwSignal<bool>,
) -> impl IntoView {
    let map = grid.map.clone();
    let unit = grid.org_unit.clone();
    let year = grid.year;
    let crumbs = vec![
        (unit.name.clone(), "/".to_string()),
        (map.name.clone(), format!("/maps/{}", map.id)),
        ("Data".to_string(), format!("/maps/{}/data", map.id)),
    ];
    let enterable = grid.measures.iter().filter(|m| m.may_enter).count();
    let year_link = move |y: i32| format!("/maps/{}/data?year={y}", map.id);
    view! {
        <Title text=format!("Data {year} · {} · Cairn", map.name)/>
        <TopBar crumbs=crumbs/>
        <main class="page data-page">
            <div class="map-head">
                <div>
                    <h1>{if enterable > 0 { format!("Enter data: {}", map.name) } else { format!("Data: {}", map.name) }}</h1>
                    <p class="meta">
                        {format!("{} · {} · {}", unit.name, plural(grid.measures.len(), "measure"), entry_scope(enterable))}
                        {(!grid.may_set_targets).then_some(" · targets are set by the unit's editors")}
                    </p>
                </div>
                <div class="map-head-actions">
                    <nav class="year-nav" aria-label="Year">
                        <A href=year_link(year - 1) attr:class="button secondary" attr:aria-label="Previous year" on:click=move |ev| keep_unsaved(unsaved, ev)>{format!("◀ {}", year - 1)}</A>
                        <strong class="year-now" aria-live="polite">{year.to_string()}</strong>
                        <A href=year_link(year + 1) attr:class="button secondary" attr:aria-label="Next year" on:click=move |ev| keep_unsaved(unsaved, ev)>{format!("{} ▶", year + 1)}</A>
                    </nav>
                    <nav class="map-links" aria-label="Map pages" on:click=move |ev| keep_unsaved(unsaved, ev)>
                        {(enterable > 0).then(|| view! { <A href=format!("/maps/{}/import", map.id) attr:class="button secondary">"Import data"</A> })}
                        <A href=format!("/maps/{}/scorecard", map.id) attr:class="button">"Scorecard"</A>
                        <A href=format!("/maps/{}", map.id) attr:class="button">"Strategy map"</A>
                    </nav>
                </div>
            </div>
            <grid::Grid grid=grid version=version notice=notice unsaved=unsaved/>
        </main>
    }
}

/// How much of the grid the user may fill in, in words.
fn entry_scope(enterable: usize) -> String {
    match enterable {
        0 => "view only".to_string(),
        n => format!("you may enter {n} of them"),
    }
}

/// Stops a link away from the page when the grid has unsaved changes and the user, asked,
/// wants to keep them (the router does not follow a click whose default was prevented).
fn keep_unsaved(unsaved: RwSignal<bool>, ev: leptos::ev::MouseEvent) {
    if !unsaved.get_untracked() {
        return;
    }
    #[cfg(feature = "hydrate")]
    {
        let leave = window()
            .confirm_with_message(
                "You have unsaved changes in the grid. Leave without saving them?",
            )
            .unwrap_or(true);
        if !leave {
            ev.prevent_default();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}
