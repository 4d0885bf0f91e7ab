//! Home: the measures whose data you own (overdue ones first), the review commentary you write
//! and your open actions, and the org-unit tree with each unit's maps.

use super::widgets::{ErrorPanel, TopBar};
use crate::api::{map_scores, my_measures, org_tree, MapScoreLine};
use crate::domain::{MapStatus, OrgTreeNode};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The units the user can see, as a tree, with links to each map and scorecard.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let tree = Resource::new(|| (), |_| org_tree());
    // Each map's score beside it (a failure leaves the tree without them).
    let scores = Resource::new(|| (), |_| map_scores());
    view! {
        <Title text=t_string!(i18n, home.title)/>
        <TopBar/>
        <main class="page">
            <MyMeasures/>
            <crate::ui::reviews::work::ReviewWork/>
            <h1>{t!(i18n, home.organisation)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, home.loading)}</p> }>
                {move || Suspend::new(async move {
                    let tree = tree.await;
                    let scores = std::sync::Arc::new(scores.await.unwrap_or_default());
                    crate::ui::mark_hydrated();
                    match tree {
                        Ok(nodes) if nodes.is_empty() => view! {
                            <p class="empty">{t!(i18n, home.no_role)}</p>
                        }.into_any(),
                        Ok(nodes) => {
                            let admin = nodes.iter().any(administers);
                            view! {
                                {admin.then(|| view! {
                                    <nav class="admin-links" aria-label=t_string!(i18n, home.admin.label)>
                                        <A href="/admin/tokens">{t!(i18n, home.admin.tokens)}</A>
                                        <span class="meta">" "{t!(i18n, home.admin.tokens_hint)}</span>
                                        " · "<A href="/admin/audit">{t!(i18n, history.audit.home_link)}</A>
                                        " · "
                                        <A href="/admin/people">{t!(i18n, people.home_link)}</A>
                                        <span class="meta">" "{t!(i18n, people.home_hint)}</span>
                                        " · "<A href="/admin/units">{t!(i18n, units.home.link)}</A>
                                        <span class="meta">" "{t!(i18n, units.home.hint)}</span>
                                    </nav>
                                })}
                                <ul class="org-tree" role="tree" aria-label=t_string!(i18n, home.tree_label)>
                                    {nodes.into_iter().map(|n| view! { <UnitNode node=n scores=scores.clone()/> }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The measures whose data the user owns, with the latest month reported and an "overdue" flag
/// when the next value is late by the measure's frequency; each links to the data-entry grid.
/// Nothing is shown to someone who owns no measure.
#[component]
fn MyMeasures() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let list = Resource::new(|| (), |_| my_measures());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let mine = list.await.unwrap_or_default();
                (!mine.is_empty()).then(|| {
                    let overdue = mine.iter().filter(|m| m.stale).count();
                    let reported = td_string!(locale, common.count.measures, count = mine.len() as u64).to_string();
                    let reported = &reported;
                    let summary = match (overdue, mine.len()) {
                        (0, 1) => td_string!(locale, home.mine.up_to_date_one, reported).to_string(),
                        (0, _) => td_string!(locale, home.mine.up_to_date_all, reported).to_string(),
                        (1, _) => td_string!(locale, home.mine.overdue_one, reported).to_string(),
                        (overdue, _) => td_string!(locale, home.mine.overdue_many, reported, overdue).to_string(),
                    };
                    view! {
                        <section class="my-measures" aria-labelledby="my-measures-title">
                            <h2 id="my-measures-title">{td_string!(locale, home.mine.title)}</h2>
                            <p class="meta">{summary}</p>
                            <ul aria-label=td_string!(locale, home.mine.list_label)>
                                {mine.into_iter().map(|m| {
                                    let last = m.latest.map_or_else(
                                        || td_string!(locale, home.mine.never).to_string(),
                                        |p| td_string!(locale, home.mine.last, period = p.text(locale)).to_string(),
                                    );
                                    view! {
                                        <li class:overdue=m.stale>
                                            <span class="measure-name">{m.name.clone()}</span>
                                            <span class="meta">{format!(" · {} · {last}", m.map_name)}</span>
                                            {m.stale.then(|| view! { " " <span class="stale-flag">{td_string!(locale, home.mine.overdue)}</span> })}
                                            " "
                                            <A href=format!("/maps/{}/data", m.map_id) attr:class="secondary-link"
                                                attr:aria-label=td_string!(locale, home.mine.enter_data_for, name = &m.name).to_string()>{td_string!(locale, common.nav.enter_data)}</A>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <crate::ui::reminders::ReminderToggle/>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}

/// Whether the user is an admin somewhere in this part of the tree (admins manage API tokens).
fn administers(node: &OrgTreeNode) -> bool {
    node.role == Some(crate::domain::Role::Admin) || node.children.iter().any(administers)
}

/// One unit of the tree and, recursively, its children.
#[component]
fn UnitNode(node: OrgTreeNode, scores: std::sync::Arc<Vec<MapScoreLine>>) -> impl IntoView {
    let OrgTreeNode {
        unit,
        role,
        maps,
        children,
    } = node;
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let kind = unit.kind.text(locale);
    // The role already counts as viewer on an archived unit (the server lowers it).
    let editor = role.is_some_and(|r| r.allows(crate::domain::Action::Edit));
    // A unit with units below and a map of its own has a cascade to report on.
    let has_children = !children.is_empty() && !maps.is_empty();
    let map_status = |s: MapStatus| match s {
        MapStatus::Draft => td_string!(locale, home.map_status.draft),
        MapStatus::Active => td_string!(locale, home.map_status.active),
        MapStatus::Archived => td_string!(locale, home.map_status.archived),
    };
    let children_view = (!children.is_empty()).then(|| {
        view! {
            <ul role="group">
                {children.into_iter().map(|c| view! { <UnitNode node=c scores=scores.clone()/> }).collect_view().into_any()}
            </ul>
        }
    });
    view! {
        <li role="treeitem" aria-expanded="true" class="org-unit">
            <div class="unit-head">
                <span class="unit-name">{unit.name.clone()}</span>
                <span class="unit-kind">{kind}</span>
                {role.map(|r| view! { <span class=format!("role role-{}", r.as_str())>{r.text(locale)}</span> })}
                {unit.archived.then(|| view! { <span class="badge archived-badge">{td_string!(locale, units.archived)}</span> })}
                <A href=format!("/units/{}/dashboards", unit.id) attr:class="secondary-link" attr:aria-label=td_string!(locale, home.dashboards_of, unit = &unit.name).to_string()>{t!(i18n, home.dashboards)}</A>
                <A href=format!("/units/{}/initiatives", unit.id) attr:class="secondary-link" attr:aria-label=td_string!(locale, initiatives.home.link, unit = &unit.name).to_string()>{td_string!(locale, initiatives.home.short)}</A>
                <A href=format!("/units/{}/reviews", unit.id) attr:class="secondary-link" attr:aria-label=td_string!(locale, reviews.home.link, unit = &unit.name).to_string()>{td_string!(locale, reviews.home.short)}</A>
                <A href=format!("/units/{}/surveys", unit.id) attr:class="secondary-link" attr:aria-label=td_string!(locale, survey.home.link, unit = &unit.name).to_string()>{td_string!(locale, survey.home.short)}</A>
                <A href=format!("/units/{}/reminders", unit.id) attr:class="secondary-link" attr:aria-label=td_string!(locale, mail.reminders.link_of, unit = &unit.name).to_string()>{td_string!(locale, mail.reminders.link)}</A>
                {editor.then(|| view! {
                    <A href=format!("/units/{}/new-map", unit.id) attr:class="secondary-link" attr:aria-label=td_string!(locale, units.new_map.for_unit, unit = &unit.name).to_string()>{td_string!(locale, units.new_map.link)}</A>
                })}
                {has_children.then(|| view! {
                    <A href=format!("/units/{}/cascade-report", unit.id) attr:class="secondary-link" attr:aria-label=td_string!(locale, cascade.report.for_unit, unit = &unit.name).to_string()>{td_string!(locale, cascade.report.link)}</A>
                })}
                {(editor && unit.parent_id.is_some()).then(|| view! {
                    <A href=format!("/units/{}/cascade", unit.id) attr:class="secondary-link" attr:aria-label=td_string!(locale, cascade.wizard.for_unit, unit = &unit.name).to_string()>{td_string!(locale, cascade.wizard.link)}</A>
                })}
            </div>
            <ul class="map-list" aria-label=td_string!(locale, home.maps_of, unit = &unit.name).to_string()>
                {if maps.is_empty() {
                    view! { <li class="empty">{t!(i18n, home.no_maps)}</li> }.into_any()
                } else {
                    let several = maps.len() > 1;
                    maps.into_iter().map(|m| {
                        let href = format!("/maps/{}", m.id);
                        let card = format!("/maps/{}/scorecard", m.id);
                        let settings_label = td_string!(locale, units.settings.of_map, name = &m.name).to_string();
                        let versions_label = td_string!(locale, versions.home.of, name = &m.name).to_string();
                        let versions_href = format!("/maps/{}/versions", m.id);
                        let score = scores.iter().find(|s| s.map_id == m.id).map(|s| score_chip(locale, s));
                        view! {
                            <li class="map-item">
                                <A href=href>{m.name.clone()}</A>
                                <span class=format!("status status-{}", m.status.as_str())>{map_status(m.status)}</span>
                                <span class="meta">{format!(
                                    "{} – {} · {}",
                                    m.period_start.text(locale),
                                    m.period_end.text(locale),
                                    td_string!(locale, common.count.objectives, count = u64::try_from(m.objective_count).unwrap_or(0))
                                )}</span>
                                {score}
                                <A href=card attr:class="secondary-link">{t!(i18n, home.scorecard)}</A>
                                {several.then(|| view! {
                                    <A href=versions_href attr:class="secondary-link"
                                        attr:aria-label=versions_label>{td_string!(locale, versions.home.link)}</A>
                                })}
                                {editor.then(|| view! {
                                    <A href=format!("/maps/{}/settings", m.id) attr:class="secondary-link"
                                        attr:aria-label=settings_label.clone()>{td_string!(locale, units.settings.link)}</A>
                                })}
                            </li>
                        }
                    }).collect_view().into_any()
                }}
            </ul>
            {children_view}
        </li>
    }
}

/// A map's score in the tree: its status by colour, shape and word, its value and its month.
fn score_chip(locale: Locale, line: &MapScoreLine) -> impl IntoView {
    let status = line.score.status;
    let value = line
        .score
        .value
        .map_or_else(|| "–".to_string(), |v| format_number(locale, v, 1));
    let text = td_string!(
        locale,
        home.map_score,
        value = value,
        status = status.text(locale),
        month = line.period.text(locale)
    )
    .to_string();
    view! {
        <span class="tree-score" data-status=status.as_str()>
            <span class="tree-score-mark" style=format!("background:{}", status.colour()) aria-hidden="true"></span>
            {text}
        </span>
    }
}
