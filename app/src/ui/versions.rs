//! `/maps/:id/versions`: two versions of a unit's map compared (`domain::version`), side by
//! side or overlaid, with added objectives and arrows in green, removed ones struck through in
//! red and reworded titles as old → new (the proposal diff's drawing), and the same changes as a
//! list. The other version is chosen from the unit's maps (`?with=`).

use crate::api::versions::{compare_versions, ComparedVersions, VersionComparison, VersionPlan};
use crate::domain::drawing;
use crate::domain::layout::Frame;
use crate::domain::proposal::Change;
use crate::domain::{MapDocument, MapId, MapSummary};
use crate::i18n::*;
use crate::ui::map::proposals::{change_words, diff_drawing, Phrasing};
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use crate::ui::widgets::{ErrorPanel, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::{lazy_route, LazyRoute};

/// The page, a lazily loaded route: its code is a separate wasm chunk.
#[derive(Clone)]
pub struct VersionsRoute {
    page: Resource<Result<VersionComparison, crate::api::ApiError>>,
}

#[lazy_route]
impl LazyRoute for VersionsRoute {
    fn data() -> Self {
        let id = id_param::<MapId>("map");
        let query = use_query_map();
        let key = move || {
            let with = query.with(|q| q.get("with").and_then(|w| w.parse::<MapId>().ok()));
            id().map(|id| (id, with))
        };
        Self {
            page: load(key, |(id, with)| compare_versions(id, with)),
        }
    }

    fn view(this: Self) -> AnyView {
        item_page(
            this.page,
            td_string!(current_locale(), versions.loading),
            Reload::KeepPage,
            |page| view! { <VersionsScreen page/> }.into_any(),
        )
    }
}

/// How the two versions are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    SideBySide,
    Overlay,
}

#[component]
fn VersionsScreen(page: VersionComparison) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let this = page.map_id;
    let name_of = |id: MapId| {
        page.versions
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };
    let this_name = name_of(this);
    let other = page.compared.as_ref().map(|c| {
        if c.older.map.id == this {
            c.newer.map.id
        } else {
            c.older.map.id
        }
    });
    let navigate = use_navigate();
    let choose = move |ev: leptos::ev::Event| {
        let with = event_target_value(&ev);
        navigate(
            &format!("/maps/{this}/versions?with={with}"),
            Default::default(),
        );
    };
    let options = page
        .versions
        .iter()
        .filter(|m| m.id != this)
        .map(|m| {
            let label = version_label(locale, m);
            let selected = Some(m.id) == other;
            view! { <option value=m.id.to_string() selected=selected>{label}</option> }
        })
        .collect_view();
    let layout = RwSignal::new(Layout::SideBySide);
    let heading = td_string!(locale, versions.heading, map = &this_name).to_string();
    view! {
        <Title text=format!("{} · {}", td_string!(locale, versions.title), this_name)/>
        <TopBar crumbs=vec![(this_name.clone(), format!("/maps/{this}"))]/>
        <main class="page versions">
            <h1>{heading}</h1>
            <p class="lead">{t!(i18n, versions.lead)}</p>
            {match page.compared {
                None => view! { <p class="muted empty-versions">{t!(i18n, versions.none)}</p> }.into_any(),
                Some(compared) => view! {
                    <div class="version-controls">
                        <label for="version-with">{td_string!(locale, versions.compare_with, map = &this_name).to_string()}</label>
                        <select id="version-with" on:change=choose>{options}</select>
                        <fieldset class="segmented">
                            <legend>{t!(i18n, versions.layout)}</legend>
                            <input type="radio" id="layout-side" name="version-layout" prop:checked=move || layout.get() == Layout::SideBySide on:change=move |_| layout.set(Layout::SideBySide)/>
                            <label for="layout-side">{t!(i18n, versions.side_by_side)}</label>
                            <input type="radio" id="layout-overlay" name="version-layout" prop:checked=move || layout.get() == Layout::Overlay on:change=move |_| layout.set(Layout::Overlay)/>
                            <label for="layout-overlay">{t!(i18n, versions.overlay)}</label>
                        </fieldset>
                    </div>
                    <Compared compared layout/>
                }.into_any(),
            }}
        </main>
    }
}

/// A map in the chooser: its name, period and status.
fn version_label(locale: Locale, m: &MapSummary) -> String {
    format!(
        "{} · {} – {} · {}",
        m.name,
        m.period_start.text(locale),
        m.period_end.text(locale),
        crate::ui::map::map_status(locale, m.status)
    )
}

/// The two versions drawn as `layout` says, the legend, and the changes as a list.
#[component]
fn Compared(compared: ComparedVersions, layout: RwSignal<Layout>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let ComparedVersions { older, newer, diff } = compared;
    let on_older = diff.on_older();
    let on_newer = diff.on_newer(&newer);
    let all = diff.changes.clone();
    let items: Vec<String> = all
        .iter()
        .map(|c| change_words(locale, &older, &all, c, Phrasing::Made))
        .collect();
    let count = items.len() as u64;
    let older_caption = caption(locale, &older, td_string!(locale, versions.older));
    let newer_caption = caption(locale, &newer, td_string!(locale, versions.newer));
    let overlay_caption = td_string!(
        locale,
        versions.overlay_caption,
        older = &older.map.name,
        newer = &newer.map.name
    )
    .to_string();
    let side = view! {
        <div class="version-pair">
            <VersionMap doc=older.clone() changes=on_older caption=older_caption/>
            <VersionMap doc=newer changes=on_newer caption=newer_caption/>
        </div>
    };
    let overlay = view! {
        <VersionMap doc=older.clone() changes=all.clone() caption=overlay_caption/>
    };
    view! {
        <ul class="diff-legend" aria-label=t_string!(i18n, versions.legend)>
            <li class="legend-add">{t!(i18n, versions.added)}</li>
            <li class="legend-remove">{t!(i18n, versions.removed)}</li>
            <li class="legend-reword">{t!(i18n, versions.reworded)}</li>
        </ul>
        <div class="version-drawings" class:overlaid=move || layout.get() == Layout::Overlay>
            <div class="side" hidden=move || layout.get() != Layout::SideBySide>{side}</div>
            <div class="overlay" hidden=move || layout.get() != Layout::Overlay>{overlay}</div>
        </div>
        <section class="card version-changes" aria-labelledby="version-changes-title">
            <h2 id="version-changes-title">{td_string!(locale, versions.changes, count = count).to_string()}</h2>
            {if items.is_empty() {
                view! { <p class="muted">{t!(i18n, versions.no_changes)}</p> }.into_any()
            } else {
                view! {
                    <ul class="change-list">
                        {all.iter().zip(items).map(|(c, text)| view! {
                            <li class=change_class(c)>{text}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// A version's caption: which one it is, its name and period.
fn caption(locale: Locale, doc: &MapDocument, which: &str) -> String {
    format!(
        "{which}: {} ({} – {})",
        doc.map.name,
        doc.map.period_start.text(locale),
        doc.map.period_end.text(locale)
    )
}

/// The list item's class of a change (its colour mark).
fn change_class(c: &Change) -> &'static str {
    match c {
        Change::Add { .. } | Change::Link { .. } => "change-add",
        Change::Remove { .. } | Change::Unlink { .. } => "change-remove",
        Change::Reword { .. } => "change-reword",
    }
}

/// One version's map as an outline, with `changes` drawn over it at the same scale.
#[component]
fn VersionMap(doc: MapDocument, changes: Vec<Change>, caption: String) -> impl IntoView {
    let locale = current_locale();
    let svg = drawing::outline_svg(&doc, locale);
    let frame = Frame::of(&doc.perspectives, &doc.themes);
    let view_box = format!("0 0 {:.1} {:.1}", frame.width(), frame.height());
    let marks = diff_drawing(&doc, &changes);
    view! {
        <figure class="version-map">
            <figcaption>{caption}</figcaption>
            <div class="version-canvas">
                <div class="version-drawing" inner_html=svg></div>
                <svg class="version-marks" viewBox=view_box aria-hidden="true">{marks}</svg>
            </div>
        </figure>
    }
}

/// The annual refresh and the way to the version compare, on a map's settings page: "Start
/// next year's map" (asked once more before it runs: this map becomes read-only) for editors,
/// or the next version when there is one; "Compare versions" when the unit has several maps.
#[component]
pub fn VersionsCard(map: MapId, rights: bool, several: bool) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let plan = Resource::new(move || map, crate::api::versions::next_version_plan);
    view! {
        <section class="card versions-card" aria-labelledby="versions-card-title">
            <h2 id="versions-card-title">{t!(i18n, versions.next.heading)}</h2>
            <Suspense fallback=move || view! { <p class="loading">{td_string!(locale, versions.loading)}</p> }>
                {move || Suspend::new(async move {
                    match plan.await {
                        Ok(plan) => view! { <NextVersion map plan rights/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            {several.then(|| view! {
                <p><a href=format!("/maps/{map}/versions")>{t!(i18n, versions.next.compare)}</a></p>
            })}
        </section>
    }
}

/// Next year's version of `map` as `plan` says: the one made already, or what would be made,
/// with the button (editors) that asks before it runs.
#[component]
fn NextVersion(map: MapId, plan: VersionPlan, rights: bool) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    if let (Some(id), Some(name)) = (plan.existing_id, plan.existing_name.clone()) {
        return view! {
            <p>
                {td_string!(locale, versions.next.exists)}" "
                <a href=format!("/maps/{id}")>{name.clone()}</a>
            </p>
        }
        .into_any();
    }
    let period = format!(
        "{} – {}",
        plan.period_start.text(locale),
        plan.period_end.text(locale)
    );
    let question = td_string!(locale, versions.next.confirm, name = &plan.name).to_string();
    let asking = RwSignal::new(false);
    let navigate = use_navigate();
    let run = Action::new(move |_: &()| {
        let call = crate::api::versions::next_version(map);
        let navigate = navigate.clone();
        async move {
            let result = call.await;
            if let Ok(made) = &result {
                navigate(&format!("/maps/{}", made.id), Default::default());
            }
            result
        }
    });
    let error = crate::ui::widgets::actions::failure(locale, run);
    view! {
        <p>{td_string!(locale, versions.next.lead, period = &period).to_string()}</p>
        {rights.then(|| view! {
            <Show when=move || asking.get() fallback=move || view! {
                <button type="button" class="primary" on:click=move |_| asking.set(true)>{t!(i18n, versions.next.button)}</button>
            }>
                <div class="confirm-next" role="group" aria-label=t_string!(i18n, versions.next.button)>
                    <p><strong>{question.clone()}</strong></p>
                    <button type="button" class="primary" disabled=move || run.pending().get()
                        on:click=move |_| { run.dispatch(()); }>{t!(i18n, versions.next.button)}</button>
                    " "
                    <button type="button" on:click=move |_| asking.set(false)>{t!(i18n, versions.next.cancel)}</button>
                </div>
            </Show>
            <Show when=move || run.pending().get()>
                <p role="status">{t!(i18n, versions.next.working)}</p>
            </Show>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
        })}
    }
    .into_any()
}
