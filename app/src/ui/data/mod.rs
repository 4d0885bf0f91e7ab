//! The data-entry page, `/maps/:id/data?year=2027`: a spreadsheet-like grid of measures × the
//! twelve months of a year, one tab for actuals and one for targets (goal and red flag), with
//! keyboard navigation, blocks pasted from a spreadsheet, a check of every cell as it is typed,
//! bulk target helpers, and one transaction per save through the data path (so open maps and
//! dashboards recolour at once). What the text of a cell means is decided by
//! [`crate::domain::entry`]; this module only keeps the typed text and draws it.
//! A lazily loaded route: its code is a separate wasm chunk.

mod grid;

use super::widgets::route::{id_param, item_page, load, Reload};
use super::widgets::{map_crumbs, Page};
use crate::api::{get_data_grid, ApiError, DataGrid};
use crate::domain::MapId;
use crate::i18n::*;
use leptos::prelude::*;
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
        let id = id_param::<MapId>("map");
        let query = use_query_map();
        let version = RwSignal::new(0u32);
        let grid = load(
            move || {
                let year = query.read().get("year").and_then(|y| y.parse::<i32>().ok());
                let v = version.get();
                id().map(|id| (id, year, v))
            },
            |(id, year, _)| get_data_grid(id, year),
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
        let loading = td_string!(current_locale(), data.loading);
        item_page(grid, loading, Reload::KeepPage, move |g| {
            view! { <DataPage grid=g version=version notice=notice unsaved=unsaved/> }.into_any()
        })
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
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let map = grid.map.clone();
    let unit = grid.org_unit.clone();
    let year = grid.year;
    let crumbs = map_crumbs(
        &unit.name,
        &map.name,
        map.id,
        Some((td_string!(locale, data.crumb), "data")),
    );
    let enterable = grid.measures.iter().filter(|m| m.may_enter).count();
    let year_link = move |y: i32| format!("/maps/{}/data?year={y}", map.id);
    view! {
        <Page title=td_string!(locale, data.title, year, map = map.name.clone()).to_string() crumbs=crumbs class="page data-page">
            <div class="map-head">
                <div>
                    <h1>{if enterable > 0 { td_string!(locale, data.heading_enter, map = map.name.clone()).to_string() } else { td_string!(locale, data.heading_view, map = map.name.clone()).to_string() }}</h1>
                    <p class="meta">
                        {format!("{} · {} · {}", unit.name, td_string!(locale, common.count.measures, count = grid.measures.len() as u64), entry_scope(locale, enterable))}
                        {(!grid.may_set_targets).then(|| format!(" · {}", td_string!(locale, data.targets_by_editors)))}
                    </p>
                </div>
                <div class="map-head-actions">
                    <nav class="year-nav" aria-label=td_string!(locale, data.year)>
                        <A href=year_link(year - 1) attr:class="button secondary" attr:aria-label=td_string!(locale, data.previous_year, year = year - 1).to_string() on:click=move |ev| keep_unsaved(unsaved, ev)>{format!("◀ {}", year - 1)}</A>
                        <strong class="year-now" aria-live="polite">{year.to_string()}</strong>
                        <A href=year_link(year + 1) attr:class="button secondary" attr:aria-label=td_string!(locale, data.next_year, year = year + 1).to_string() on:click=move |ev| keep_unsaved(unsaved, ev)>{format!("{} ▶", year + 1)}</A>
                    </nav>
                    <nav class="map-links" aria-label=td_string!(locale, data.map_pages) on:click=move |ev| keep_unsaved(unsaved, ev)>
                        {(enterable > 0).then(|| view! { <A href=format!("/maps/{}/import", map.id) attr:class="button secondary">{t!(i18n, common.nav.import_data)}</A> })}
                        <A href=format!("/maps/{}/scorecard", map.id) attr:class="button">{t!(i18n, data.scorecard)}</A>
                        <A href=format!("/maps/{}", map.id) attr:class="button">{t!(i18n, data.strategy_map)}</A>
                    </nav>
                </div>
            </div>
            <grid::Grid grid=grid version=version notice=notice unsaved=unsaved/>
        </Page>
    }
}

/// How much of the grid the user may fill in, in words.
fn entry_scope(locale: Locale, enterable: usize) -> String {
    match enterable {
        0 => td_string!(locale, data.scope_view_only).to_string(),
        n => td_string!(locale, data.scope_enter, n).to_string(),
    }
}

/// Asks before a link away drops the grid's unsaved changes.
fn keep_unsaved(unsaved: RwSignal<bool>, ev: leptos::ev::MouseEvent) {
    let question = td_string!(current_locale(), data.leave_unsaved);
    super::widgets::unsaved::keep_unsaved(unsaved.get_untracked(), question, &ev);
}

#[cfg(test)]
mod tests {
    use super::entry_scope;
    use crate::i18n::Locale;

    #[test]
    fn the_entry_scope_is_said_in_the_page_s_language() {
        assert_eq!(entry_scope(Locale::en, 0), "view only");
        assert_eq!(entry_scope(Locale::en, 3), "you may enter 3 of them");
        assert_eq!(entry_scope(Locale::de, 3), "Sie dürfen 3 davon erfassen");
    }
}
