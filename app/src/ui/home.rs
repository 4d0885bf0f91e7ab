//! Home: the measures whose data you own (overdue ones first), and the org-unit tree with each
//! unit's maps.

use super::widgets::{plural, ErrorPanel, TopBar};
use crate::api::{my_measures, org_tree};
use crate::domain::OrgTreeNode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The units the user can see, as a tree, with links to each map and scorecard.
#[component]
pub fn HomePage() -> impl IntoView {
    let tree = Resource::new(|| (), |_| org_tree());
    view! {
        <Title text="Your maps · Cairn"/>
        <TopBar/>
        <main class="page">
            <MyMeasures/>
            <h1>"Organisation"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading your organisation…"</p> }>
                {move || Suspend::new(async move {
                    match tree.await {
                        Ok(nodes) if nodes.is_empty() => view! {
                            <p class="empty">"You have no role on any org unit yet. Ask an admin to add you."</p>
                        }.into_any(),
                        Ok(nodes) => {
                            let admin = nodes.iter().any(administers);
                            view! {
                                {admin.then(|| view! {
                                    <nav class="admin-links" aria-label="Administration">
                                        <A href="/admin/tokens">"API tokens"</A>
                                        <span class="meta">" — keys for programs that read measures and post actuals"</span>
                                    </nav>
                                })}
                                <ul class="org-tree" role="tree" aria-label="Org units">
                                    {nodes.into_iter().map(|n| view! { <UnitNode node=n/> }).collect_view()}
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
    let list = Resource::new(|| (), |_| my_measures());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let mine = list.await.unwrap_or_default();
                (!mine.is_empty()).then(|| {
                    let overdue = mine.iter().filter(|m| m.stale).count();
                    let reported = plural(mine.len(), "measure");
                    let summary = match (overdue, mine.len()) {
                        (0, 1) => format!("You report the data of {reported}; it is up to date."),
                        (0, _) => format!("You report the data of {reported}; all are up to date."),
                        (1, _) => format!("You report the data of {reported}; 1 is overdue."),
                        (n, _) => format!("You report the data of {reported}; {n} are overdue."),
                    };
                    view! {
                        <section class="my-measures" aria-labelledby="my-measures-title">
                            <h2 id="my-measures-title">"Your measures"</h2>
                            <p class="meta">{summary}</p>
                            <ul aria-label="Measures you report">
                                {mine.into_iter().map(|m| {
                                    let last = m.latest.map_or_else(|| "never reported".to_string(), |p| format!("last {}", p.label()));
                                    view! {
                                        <li class:overdue=m.stale>
                                            <span class="measure-name">{m.name.clone()}</span>
                                            <span class="meta">{format!(" · {} · {last}", m.map_name)}</span>
                                            {m.stale.then(|| view! { " " <span class="stale-flag">"Overdue"</span> })}
                                            " "
                                            <A href=format!("/maps/{}/data", m.map_id) attr:class="secondary-link"
                                                attr:aria-label=format!("Enter data for {}", m.name)>"Enter data"</A>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
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
fn UnitNode(node: OrgTreeNode) -> impl IntoView {
    let OrgTreeNode {
        unit,
        role,
        maps,
        children,
    } = node;
    let kind = match unit.kind {
        crate::domain::OrgUnitKind::Enterprise => "Enterprise",
        crate::domain::OrgUnitKind::BusinessUnit => "Business unit",
        crate::domain::OrgUnitKind::Function => "Function",
    };
    let children_view = (!children.is_empty()).then(|| {
        view! {
            <ul role="group">
                {children.into_iter().map(|c| view! { <UnitNode node=c/> }).collect_view().into_any()}
            </ul>
        }
    });
    view! {
        <li role="treeitem" aria-expanded="true" class="org-unit">
            <div class="unit-head">
                <span class="unit-name">{unit.name.clone()}</span>
                <span class="unit-kind">{kind}</span>
                {role.map(|r| view! { <span class=format!("role role-{}", r.as_str())>{r.as_str()}</span> })}
                <A href=format!("/units/{}/dashboards", unit.id) attr:class="secondary-link" attr:aria-label=format!("Dashboards of {}", unit.name)>"Dashboards"</A>
            </div>
            <ul class="map-list" aria-label=format!("Maps of {}", unit.name)>
                {if maps.is_empty() {
                    view! { <li class="empty">"No maps yet."</li> }.into_any()
                } else {
                    maps.into_iter().map(|m| {
                        let href = format!("/maps/{}", m.id);
                        let card = format!("/maps/{}/scorecard", m.id);
                        view! {
                            <li class="map-item">
                                <A href=href>{m.name.clone()}</A>
                                <span class=format!("status status-{}", m.status.as_str())>{m.status.as_str()}</span>
                                <span class="meta">{format!("{} – {} · {}", m.period_start.label(), m.period_end.label(), plural(usize::try_from(m.objective_count).unwrap_or(0), "objective"))}</span>
                                <A href=card attr:class="secondary-link">"Scorecard"</A>
                            </li>
                        }
                    }).collect_view().into_any()
                }}
            </ul>
            {children_view}
        </li>
    }
}
