//! Dashboards (viewers view, editors of the unit compose and save) and display links (admins of
//! the unit create, list and revoke them; a screen opens one with its secret and no sign-in).

use super::ApiError;
use crate::domain::dashboard::{Board, Dashboard, DisplayLink, SpanKind, Widget};
use crate::domain::feed::FeedView;
#[allow(unused_imports)]
use crate::domain::Action;
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr;

/// A dashboard as its unit's list shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardSummary {
    pub id: DashboardId,
    pub name: String,
    pub widgets: usize,
    pub updated_at: String,
}

/// A display link as the admin list shows it, with its dashboards' names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisplayLinkRow {
    pub link: DisplayLink,
    pub dashboard_names: Vec<String>,
}

/// A unit's dashboards page: its dashboards, what the user may do, and (for admins) its display
/// links.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitDashboardsPage {
    pub unit: OrgUnit,
    pub dashboards: Vec<DashboardSummary>,
    pub may_edit: bool,
    pub may_administer: bool,
    /// Empty unless the user is an admin of the unit.
    pub links: Vec<DisplayLinkRow>,
}

/// A dashboard page: the board of that one dashboard and whether the user may edit it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardPage {
    pub board: Board,
    pub may_edit: bool,
}

/// A map the editor's palette offers, with its measures (id, name, objective title).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogueMap {
    pub id: MapId,
    pub name: String,
    pub unit_name: String,
    pub measures: Vec<(MeasureId, String, String)>,
}

/// What the dashboard editor needs: the dashboard and what its widgets may show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardEditorData {
    pub dashboard: Dashboard,
    pub unit: OrgUnit,
    pub may_edit: bool,
    pub catalogue: Vec<CatalogueMap>,
}

/// The fields of a dashboard an editor saves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardDraft {
    pub id: DashboardId,
    pub name: String,
    pub span_kind: SpanKind,
    pub widgets: Vec<Widget>,
}

/// A display link just created, with its secret — shown once, never stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewDisplayLink {
    pub link: DisplayLink,
    /// The path to open on the screen: `/display/{secret}`.
    pub path: String,
}

/// The dashboards of a unit, and its display links for its admins.
#[server(prefix = "/api", endpoint = "unit_dashboards", output = super::TextJson)]
pub async fn unit_dashboards(org_unit_id: OrgUnitId) -> Result<UnitDashboardsPage, ApiError> {
    ssr::reply(
        async move {
            // An unknown unit is a 404 (its page says so), not a refusal.
            let (ctx, _, role, unit) = ssr::require_on(org_unit_id, Action::View).await?;
            let dashboards = ctx.store.dashboards_of(org_unit_id).await?;
            let may_administer = role.allows(Action::Administer);
            let links = if may_administer {
                let name_of = |id: &DashboardId| {
                    dashboards
                        .iter()
                        .find(|d| d.id == *id)
                        .map_or_else(|| "(deleted)".to_string(), |d| d.name.clone())
                };
                ctx.store
                    .display_links_of(org_unit_id)
                    .await?
                    .into_iter()
                    .map(|link| DisplayLinkRow {
                        dashboard_names: link.dashboard_ids.iter().map(name_of).collect(),
                        link,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Ok(UnitDashboardsPage {
                unit,
                dashboards: dashboards
                    .iter()
                    .map(|d| DashboardSummary {
                        id: d.id,
                        name: d.name.clone(),
                        widgets: d.widgets.len(),
                        updated_at: d.updated_at.clone(),
                    })
                    .collect(),
                may_edit: role.allows(Action::Edit),
                may_administer,
                links,
            })
        }
        .await,
    )
}

/// Starts an empty dashboard for a unit (editors).
#[server(prefix = "/api", endpoint = "create_dashboard", output = super::TextJson)]
pub async fn create_dashboard(
    org_unit_id: OrgUnitId,
    name: String,
) -> Result<DashboardId, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, _) = ssr::require(org_unit_id, Action::Edit).await?;
            let now = crate::store::now_text();
            let d = Dashboard {
                id: DashboardId::new(),
                org_unit_id,
                name,
                span_kind: SpanKind::Month,
                widgets: Vec::new(),
                created_by: Some(user.id),
                created_at: now.clone(),
                updated_by: Some(user.id),
                updated_at: now,
            };
            ctx.store.create_dashboard(&d, Some(user.id)).await?;
            Ok(d.id)
        }
        .await,
    )
}

/// A dashboard with everything its widgets show, in one call.
#[server(prefix = "/api", endpoint = "get_dashboard", output = super::TextJson)]
pub async fn get_dashboard(dashboard_id: DashboardId) -> Result<DashboardPage, ApiError> {
    ssr::reply(
        async move {
            let (ctx, _, role, d) = ssr::require_on(dashboard_id, Action::View).await?;
            let unit = ctx.store.org_unit(d.org_unit_id).await?;
            let board = ctx.store.board(unit, vec![d]).await?;
            Ok(DashboardPage {
                board,
                may_edit: role.allows(Action::Edit),
            })
        }
        .await,
    )
}

/// The dashboard and the maps (of its unit and the units above it the user may view) whose
/// measures its widgets may show.
#[server(prefix = "/api", endpoint = "dashboard_editor", output = super::TextJson)]
pub async fn dashboard_editor(dashboard_id: DashboardId) -> Result<DashboardEditorData, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, role, dashboard) = ssr::require_on(dashboard_id, Action::View).await?;
            let unit = ctx.store.org_unit(dashboard.org_unit_id).await?;
            let parents = ctx.store.unit_parents().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let chain = crate::domain::dashboard::source_units(unit.id, &parents);
            let units = ctx.store.org_units().await?;
            let mut catalogue = Vec::new();
            for (owner, summary) in ctx.store.map_summaries().await? {
                if !chain.contains(&owner) || !access.allows(owner, Action::View) {
                    continue;
                }
                let doc = ctx.store.map_document(summary.id).await?;
                let title = |o: ObjectiveId| ssr::objective_title(&doc, o);
                catalogue.push(CatalogueMap {
                    id: summary.id,
                    name: summary.name,
                    unit_name: units
                        .iter()
                        .find(|u| u.id == owner)
                        .map(|u| u.name.clone())
                        .unwrap_or_default(),
                    measures: doc
                        .measures
                        .iter()
                        .map(|m| (m.id, m.name.clone(), title(m.objective_id)))
                        .collect(),
                });
            }
            Ok(DashboardEditorData {
                dashboard,
                unit,
                may_edit: role.allows(Action::Edit),
                catalogue,
            })
        }
        .await,
    )
}

/// Saves a dashboard's name, span and layout (editors of its unit). Every widget's map must be
/// one the dashboard may show (its unit's or a unit's above it) and one the author may view;
/// the store checks each measure is on its widget's map. Screens showing it reload.
#[server(prefix = "/api", endpoint = "save_dashboard", input = Json, output = super::TextJson)]
pub async fn save_dashboard(draft: DashboardDraft) -> Result<Dashboard, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, _, stored) = ssr::require_on(draft.id, Action::Edit).await?;
            refuse_foreign_sources(&ctx.store, &user, stored.org_unit_id, &draft.widgets).await?;
            let next = Dashboard {
                name: draft.name,
                span_kind: draft.span_kind,
                widgets: draft.widgets,
                ..stored
            };
            let saved = ctx.store.update_dashboard(&next, Some(user.id)).await?;
            ctx.displays
                .notify_feeds(feed::FeedEvent::DashboardChanged {
                    dashboard_id: saved.id,
                })
                .await;
            Ok(saved)
        }
        .await,
    )
}

/// Refuses widgets whose map a dashboard of `unit` may not show: a map of a unit outside
/// [`crate::domain::dashboard::source_units`] (a sibling's, or one below), or one `user` may
/// not view. The 403 names the map's unit; nothing is saved.
#[cfg(feature = "ssr")]
async fn refuse_foreign_sources(
    store: &crate::store::Store,
    user: &User,
    unit: OrgUnitId,
    widgets: &[Widget],
) -> Result<(), ApiError> {
    let parents = store.unit_parents().await?;
    let sources = crate::domain::dashboard::source_units(unit, &parents);
    let access = crate::auth::Access::of_user(store, user).await?;
    let mut maps: Vec<MapId> = widgets.iter().filter_map(|w| w.kind.map_id()).collect();
    maps.sort();
    maps.dedup();
    for m in maps {
        let map_unit = store.map(m).await?.org_unit_id;
        if sources.contains(&map_unit) && access.allows(map_unit, Action::View) {
            continue;
        }
        let name = |id: OrgUnitId| async move {
            store
                .org_unit(id)
                .await
                .map_or_else(|_| "another unit".to_string(), |u| u.name)
        };
        return Err(ApiError::Forbidden(super::Refusal::DashboardMapUnit {
            unit: name(unit).await,
            map_unit: name(map_unit).await,
        }));
    }
    Ok(())
}

/// Deletes a dashboard (editors of its unit); display links drop it.
#[server(prefix = "/api", endpoint = "delete_dashboard", output = super::TextJson)]
pub async fn delete_dashboard(dashboard_id: DashboardId) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, ..) = ssr::require_on(dashboard_id, Action::Edit).await?;
            ctx.store
                .delete_dashboard(dashboard_id, Some(user.id))
                .await?;
            ctx.displays
                .notify_feeds(feed::FeedEvent::DashboardChanged { dashboard_id })
                .await;
            Ok(())
        }
        .await,
    )
}

/// Creates a display link for dashboards of a unit (its admins). The secret is returned once.
#[server(prefix = "/api", endpoint = "create_display_link", input = Json, output = super::TextJson)]
pub async fn create_display_link(
    org_unit_id: OrgUnitId,
    name: String,
    dashboard_ids: Vec<DashboardId>,
    rotate_seconds: u32,
) -> Result<NewDisplayLink, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, _) = ssr::require(org_unit_id, Action::Administer).await?;
            for id in &dashboard_ids {
                if ctx.store.dashboard(*id).await?.org_unit_id != org_unit_id {
                    return Err(ValidationError::BadDisplayLink(
                        crate::domain::validation::DisplayLinkProblem::OtherUnit,
                    )
                    .into());
                }
            }
            let link = DisplayLink {
                id: DisplayLinkId::new(),
                org_unit_id,
                name,
                dashboard_ids,
                rotate_seconds,
                created_by: Some(user.id),
                created_at: crate::store::now_text(),
                revoked_at: None,
                last_seen_at: None,
            };
            let secret = crate::auth::random_secret();
            ctx.store
                .create_display_link(&link, &crate::auth::secret_hash(&secret), Some(user.id))
                .await?;
            let link = ctx.store.display_link(link.id).await?;
            Ok(NewDisplayLink {
                link,
                path: format!("/display/{secret}"),
            })
        }
        .await,
    )
}

/// Revokes a display link (admins of its unit): every screen showing it says so at once.
#[server(prefix = "/api", endpoint = "revoke_display_link", output = super::TextJson)]
pub async fn revoke_display_link(link_id: DisplayLinkId) -> Result<DisplayLink, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, ..) = ssr::require_on(link_id, Action::Administer).await?;
            let revoked = ctx
                .store
                .revoke_display_link(link_id, Some(user.id))
                .await?;
            ctx.displays
                .notify_feeds(feed::FeedEvent::Revoked { link_id })
                .await;
            Ok(revoked)
        }
        .await,
    )
}

/// What a display link shows, for its secret (no sign-in): 404 when no link has it, 410 when
/// it was revoked.
#[server(prefix = "/api", endpoint = "open_display", output = super::TextJson)]
pub async fn open_display(token: String) -> Result<FeedView, ApiError> {
    ssr::reply(
        async move {
            let ctx = ssr::context()?;
            load_display(&ctx.store, &token).await
        }
        .await,
    )
}

/// The view of the display link with secret `token`, or why there is none (`NotFound` for an
/// unknown secret, `Gone` for a revoked or withdrawn link). See [`link_view`].
#[cfg(feature = "ssr")]
pub async fn load_display(store: &crate::store::Store, token: &str) -> Result<FeedView, ApiError> {
    use crate::domain::feed::GoneReason;
    match link_view(store, token).await? {
        LinkView::Shown(view) => Ok(*view),
        LinkView::Gone(GoneReason::Unknown) => Err(ApiError::NotFound("display link".into())),
        LinkView::Gone(reason) => Err(ApiError::Gone(super::Refusal::Display(reason))),
    }
}

/// What a display link's secret opens: its view, or why it shows nothing.
#[cfg(feature = "ssr")]
#[derive(Debug)]
pub enum LinkView {
    Shown(Box<FeedView>),
    Gone(crate::domain::feed::GoneReason),
}

/// The view of the display link with secret `token`, checked against its creator's rights now
/// (a link shows what its creator may show, no more): a creator who no longer administers the
/// link's unit withdraws it, and a map the creator may not view is left out of the board (its
/// widgets show nothing of it). Records that a screen opened it. Maps carry people by name
/// only, so nothing private reaches whoever stands in the room.
#[cfg(feature = "ssr")]
pub async fn link_view(store: &crate::store::Store, token: &str) -> Result<LinkView, ApiError> {
    use crate::domain::feed::FeedInfo;
    let (link, access) = match usable_link(store, token).await? {
        Ok(usable) => usable,
        Err(reason) => return Ok(LinkView::Gone(reason)),
    };
    store.touch_display_link(link.id).await?;
    let unit = store.org_unit(link.org_unit_id).await?;
    let mut dashboards = Vec::new();
    for id in &link.dashboard_ids {
        match store.dashboard(*id).await {
            Ok(d) if d.org_unit_id == link.org_unit_id => dashboards.push(d),
            Ok(_) | Err(crate::store::StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let mut board = store.board(unit, dashboards).await?;
    board
        .maps
        .retain(|m| access.allows(m.doc.org_unit.id, Action::View));
    Ok(LinkView::Shown(Box::new(FeedView {
        info: FeedInfo {
            link_id: Some(link.id),
            name: link.name,
            rotate_seconds: link.rotate_seconds,
        },
        board,
    })))
}

/// Why the display link with secret `token` shows nothing now (unknown, revoked, withdrawn), or
/// `None` when it shows its dashboards: the status of its page, without reading its board.
#[cfg(feature = "ssr")]
pub async fn link_refusal(
    store: &crate::store::Store,
    token: &str,
) -> Result<Option<crate::domain::feed::GoneReason>, ApiError> {
    Ok(usable_link(store, token).await?.err())
}

/// The link with secret `token` and its creator's rights, or why it shows nothing.
#[cfg(feature = "ssr")]
async fn usable_link(
    store: &crate::store::Store,
    token: &str,
) -> Result<Result<(DisplayLink, crate::auth::Access), crate::domain::feed::GoneReason>, ApiError> {
    use crate::domain::feed::GoneReason;
    let Some(link) = store
        .display_link_by_hash(&crate::auth::secret_hash(token.trim()))
        .await?
    else {
        return Ok(Err(GoneReason::Unknown));
    };
    if link.revoked_at.is_some() {
        return Ok(Err(GoneReason::Revoked));
    }
    Ok(match creator_access(store, &link).await? {
        Some(access) => Ok((link, access)),
        None => Err(GoneReason::Withdrawn),
    })
}

/// The rights of a link's creator, while they still administer the link's unit (`None` when
/// they do not, or their account is gone).
#[cfg(feature = "ssr")]
async fn creator_access(
    store: &crate::store::Store,
    link: &DisplayLink,
) -> Result<Option<crate::auth::Access>, ApiError> {
    let Some(creator) = link.created_by else {
        return Ok(None);
    };
    let creator = match store.user(creator).await {
        Ok(u) => u,
        Err(crate::store::StoreError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let access = crate::auth::Access::of_user(store, &creator).await?;
    Ok(access
        .allows(link.org_unit_id, Action::Administer)
        .then_some(access))
}
