//! Reading the org tree, maps and scorecards; creating maps, objectives and links.

use super::ApiError;
#[cfg(feature = "ssr")]
use super::Refusal;
#[allow(unused_imports)]
use crate::domain::Action;
use crate::domain::*;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;
#[cfg(any(feature = "ssr", test))]
use crate::domain::org::build_tree;

/// The org-unit tree the user can see, each unit with its maps.
#[server(prefix = "/api", endpoint = "org_tree", output = super::TextJson)]
pub async fn org_tree() -> Result<Vec<OrgTreeNode>, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let units = ctx.store.org_units().await?;
            let maps = ctx.store.map_summaries().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            Ok(build_tree(&units, &maps, &|u| access.role(u)))
        }
        .await,
    )
}

/// A map's score for the latest month with data on it (the month its map page opens on), as
/// the home page's tree shows it beside the map.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MapScoreLine {
    pub map_id: MapId,
    pub period: Period,
    pub score: crate::domain::scoring::Score,
}

/// The score of every map the user may view that is not archived, each for its latest month
/// with data.
#[server(prefix = "/api", endpoint = "map_scores", output = super::TextJson)]
pub async fn map_scores() -> Result<Vec<MapScoreLine>, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let today = crate::store::current_period();
            let mut lines = Vec::new();
            for (unit, m) in ctx.store.map_summaries().await? {
                if m.status == MapStatus::Archived || !access.allows(unit, Action::View) {
                    continue;
                }
                let doc = ctx.store.map_document(m.id).await?;
                let data = ctx.store.score_data(m.id).await?;
                let period = crate::domain::scores::latest_reported(&data, today);
                let model = crate::domain::scores::ScoreModel::new(&doc, &data, today);
                let span = crate::domain::scoring::Span::Month { period };
                lines.push(MapScoreLine {
                    map_id: m.id,
                    period,
                    score: model.span(span).map,
                });
            }
            Ok(lines)
        }
        .await,
    )
}

/// Everything drawn on one map.
#[server(prefix = "/api", endpoint = "get_map", output = super::TextJson)]
pub async fn get_map(map_id: MapId) -> Result<MapDocument, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, ..) = ssr::require_on(map_id, Action::View).await?;
            // The page's copy of the map goes live from here: it carries the workshop as this
            // person may see it, read with the rest (the socket's catch-up starts from the
            // document's sequence).
            let mut doc = ctx.store.live_document(map_id).await?;
            doc.workshop = doc.workshop.map(|w| w.view_for(user.id));
            Ok(doc)
        }
        .await,
    )
}

/// The open initiatives of a map's unit, with owners and their next milestone, and the
/// organisation's currency: the objective detail lists those of the selected objective and
/// offers the others to link.
#[server(prefix = "/api", endpoint = "map_initiatives", output = super::TextJson)]
pub async fn map_initiatives(map_id: MapId) -> Result<InitiativeList, ApiError> {
    ssr::reply(
        async move {
            let (ctx, _, _, map) = ssr::require_on(map_id, Action::View).await?;
            let items = ctx.store.initiative_summaries(map.org_unit_id).await?;
            let currency = ctx.store.organisation_currency().await?;
            Ok(InitiativeList { items, currency })
        }
        .await,
    )
}

/// What the signed-in user may do on a map (edit it, enter or import its data), so its pages
/// offer only what the server will allow.
#[server(prefix = "/api", endpoint = "my_rights", output = super::TextJson)]
pub async fn my_rights(map_id: MapId) -> Result<MapRights, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, role, map) = ssr::require_on(map_id, Action::View).await?;
            let owns_data = ctx.store.owns_data_on(map_id, user.id).await?;
            Ok(rights_on(&map, role, owns_data))
        }
        .await,
    )
}

/// The rights of someone holding `role` on the unit of `map`, who owns the data of one of its
/// measures or not (none to change an archived map: it is read-only until its status is set
/// back).
#[cfg(feature = "ssr")]
fn rights_on(map: &StrategyMap, role: Role, owns_data: bool) -> MapRights {
    if map.status == MapStatus::Archived {
        return MapRights::of(Some(Role::Viewer), false);
    }
    MapRights::of(Some(role), owns_data)
}

/// Who may be picked as an objective owner or a measure's data owner on a map: everyone with a
/// role on the map's unit (held there or above), names only. Only those who may edit the map ask.
#[server(prefix = "/api", endpoint = "owner_candidates", output = super::TextJson)]
pub async fn owner_candidates(map_id: MapId) -> Result<Vec<Person>, ApiError> {
    ssr::reply(
        async move {
            let (ctx, _, _, map) = ssr::require_on(map_id, Action::Edit).await?;
            Ok(ctx.store.people_with_role_on(map.org_unit_id).await?)
        }
        .await,
    )
}

/// The scorecard of one map for the span of `kind` ("month", "quarter", "year") holding
/// `period` — by default the latest month with data — with the 11 spans before it for trends.
#[server(prefix = "/api", endpoint = "get_scorecard", output = super::TextJson)]
pub async fn get_scorecard(
    map_id: MapId,
    kind: Option<String>,
    period: Option<String>,
) -> Result<ScorecardData, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, role, ..) = ssr::require_on(map_id, Action::View).await?;
            let doc = ctx.store.map_document(map_id).await?;
            let owns_data = doc
                .measures
                .iter()
                .any(|m| m.data_owner_id == Some(user.id));
            let rights = rights_on(&doc.map, role, owns_data);
            let card = scorecard_of(&ctx.store, doc, kind.as_deref(), period.as_deref()).await?;
            Ok(ScorecardData { rights, ..card })
        }
        .await,
    )
}

/// The scorecard of `doc` for the span of `kind` holding `period` (by default the latest month
/// with data), with the 11 spans before it, and no rights: the caller has checked them (the
/// scorecard page, its downloads, the briefing book).
#[cfg(feature = "ssr")]
pub async fn scorecard_of(
    store: &crate::store::Store,
    doc: MapDocument,
    kind: Option<&str>,
    period: Option<&str>,
) -> Result<ScorecardData, ApiError> {
    let today = crate::store::current_period();
    let data = store.score_data(doc.map.id).await?;
    let period = match period.filter(|p| !p.trim().is_empty()) {
        Some(p) => p
            .parse::<Period>()
            .map_err(|e| ApiError::BadInput(Refusal::Period(e)))?,
        None => latest_reported(&data, today),
    };
    let span = scoring::Span::of_kind(kind.unwrap_or("month"), period);
    let model = scores::ScoreModel::new(&doc, &data, today);
    let spans: Vec<scoring::Span> = (-11..=0).map(|n| span.shift(n)).collect();
    Ok(ScorecardData {
        history: model.history(&spans),
        rights: MapRights::default(),
        doc,
        span,
    })
}

/// The latest month with a reading up to `today` (or `today` when nothing was reported): where
/// a scorecard opens.
pub fn latest_reported(data: &scores::ScoreData, today: Period) -> Period {
    scores::latest_reported(data, today)
}

/// Starts a new draft map for an org unit with the default four perspectives.
#[server(prefix = "/api", endpoint = "create_map", output = super::TextJson)]
pub async fn create_map(
    org_unit_id: OrgUnitId,
    name: String,
    period_start: String,
    period_end: String,
) -> Result<MapId, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, _) = ssr::require(org_unit_id, Action::Edit).await?;
            let parse = |s: &str| {
                s.parse::<Period>()
                    .map_err(|e| ApiError::BadInput(Refusal::Period(e)))
            };
            let map = StrategyMap::new(
                org_unit_id,
                name,
                parse(&period_start)?,
                parse(&period_end)?,
            );
            ctx.store.create_map(&map, Some(user.id)).await?;
            Ok(map.id)
        }
        .await,
    )
}

/// Adds an objective to a map, drawn in its perspective's band (a position in another band
/// is moved into it).
#[server(prefix = "/api", endpoint = "create_objective", output = super::TextJson)]
pub async fn create_objective(
    map_id: MapId,
    perspective_id: PerspectiveId,
    theme_id: Option<ThemeId>,
    title: String,
    x: f64,
    y: f64,
) -> Result<Objective, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, ..) = ssr::require_on(map_id, Action::Edit).await?;
            let objective = Objective::new(map_id, perspective_id, title)
                .with_theme(theme_id)
                .with_position(x, y);
            let op = ops::Op::Create {
                item: ops::NewEntity::Objective(objective.clone()),
            };
            ssr::commit_op(&ctx, map_id, user.id, op).await?;
            // As committed: the domain puts the box in its perspective's band.
            Ok(ctx.store.objective(objective.id).await?)
        }
        .await,
    )
}

/// Most objectives one `delete_impact` question may name.
pub const MAX_DELETE_IMPACT: usize = 500;

/// What deleting objectives of a map would take with them (their links, their measures and
/// whether those have data, the initiatives linked to them, their alignments with other units'
/// maps), so the map can ask before it deletes. Only those who may edit the map ask; every
/// objective must be on the map.
#[server(prefix = "/api", endpoint = "delete_impact", input = leptos::server_fn::codec::Json, output = super::TextJson)]
pub async fn delete_impact(
    map_id: MapId,
    objective_ids: Vec<ObjectiveId>,
) -> Result<impact::DeleteImpact, ApiError> {
    ssr::reply(
        async move {
            let (ctx, ..) = ssr::require_on(map_id, Action::Edit).await?;
            if objective_ids.is_empty() || objective_ids.len() > MAX_DELETE_IMPACT {
                return Err(ApiError::BadInput(Refusal::DeleteImpactCount {
                    max: MAX_DELETE_IMPACT,
                }));
            }
            Ok(ctx.store.delete_impact(map_id, &objective_ids).await?)
        }
        .await,
    )
}

/// Adds a cause-and-effect link between two objectives of a map.
#[server(prefix = "/api", endpoint = "create_link", output = super::TextJson)]
pub async fn create_link(
    map_id: MapId,
    from_id: ObjectiveId,
    to_id: ObjectiveId,
    hypothesis: String,
) -> Result<Link, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, ..) = ssr::require_on(map_id, Action::Edit).await?;
            // An end on another map is a cross-map link (the live document knows only its map).
            for end in [from_id, to_id] {
                if ctx.store.objective(end).await?.map_id != map_id {
                    return Err(ValidationError::LinkAcrossMaps.into());
                }
            }
            let link = Link::new(map_id, from_id, to_id).with_hypothesis(hypothesis);
            let op = ops::Op::Link { link: link.clone() };
            ssr::commit_op(&ctx, map_id, user.id, op).await?;
            Ok(link)
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_units_are_skipped_but_their_visible_children_shown() {
        let root = OrgUnit::new(None, "Root", OrgUnitKind::Enterprise);
        let bu = OrgUnit::new(Some(root.id), "BU", OrgUnitKind::BusinessUnit);
        let f = OrgUnit::new(Some(bu.id), "F", OrgUnitKind::Function);
        let units = vec![root.clone(), bu.clone(), f.clone()];
        let bu_id = bu.id;
        let f_id = f.id;
        let only_bu = move |u: OrgUnitId| (u == bu_id || u == f_id).then_some(Role::Viewer);
        let tree = build_tree(&units, &[], &only_bu);
        assert_eq!(tree.len(), 1);
        assert_eq!(tree[0].unit.name, "BU");
        assert_eq!(tree[0].children[0].unit.name, "F");
        let none = |_u: OrgUnitId| None;
        assert!(build_tree(&units, &[], &none).is_empty());
    }
}
