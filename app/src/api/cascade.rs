//! The cascade through the API: a map's alignments (what its objectives support on the parent
//! unit's maps) and supporters (child units' objectives aligned to its own), read, and
//! alignments made, noted and removed. Writes are ops committed through the map's one write
//! path (`MapWriter`), exactly as the canvas sends them, so live screens and the audit see them.

use crate::api::units::MapDraft;
use crate::api::ApiError;
use crate::domain::cascade::Pick;
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// What the cascade wizard offers a unit: the parent unit's maps to start from and, for the
/// chosen one, its perspectives, themes and objectives (its document without measures, links
/// or people).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CascadeStart {
    pub unit: OrgUnit,
    pub parent: OrgUnit,
    /// The parent unit's maps that are not archived (id, name), active ones first.
    pub parent_maps: Vec<(MapId, String)>,
    /// The chosen parent map (none when the parent unit has no map yet).
    pub parent_map: Option<MapDocument>,
}

/// A unit map started from its parent's: the new map, the parent map it comes from, the
/// parent's themes to take over and the objectives picked with the unit's wording.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CascadeDraft {
    pub map: MapDraft,
    pub parent_map_id: MapId,
    pub themes: Vec<ThemeId>,
    pub picks: Vec<Pick>,
}

/// The wizard's starting point for `unit_id` (editors of the unit who may view its parent).
#[server(prefix = "/api", endpoint = "cascade_source", input = Json, output = super::TextJson)]
pub async fn cascade_source(
    unit_id: OrgUnitId,
    parent_map: Option<MapId>,
) -> Result<CascadeStart, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::source(&ctx.store, &access, unit_id, parent_map).await
        }
        .await,
    )
}

/// Creates a unit map from its parent's (see [`CascadeDraft`]): the map, then one batch
/// through its live write path that copies the bands and lanes and adds each picked objective
/// aligned to its source.
#[server(prefix = "/api", endpoint = "new_cascaded_map", input = Json, output = super::TextJson)]
pub async fn new_cascaded_map(draft: CascadeDraft) -> Result<StrategyMap, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::create(&ctx.store, &*ctx.maps, &access, user.id, draft).await
        }
        .await,
    )
}

/// The cascade of `unit_id`'s map to the units below for `period` (when none, the latest
/// month with data on the unit's map, as the map page opens on):
/// the matrix and its gaps (viewers of the unit; children it may not see are left out).
#[server(prefix = "/api", endpoint = "cascade_report", input = Json, output = super::TextJson)]
pub async fn cascade_report(
    unit_id: OrgUnitId,
    period: Option<Period>,
) -> Result<crate::domain::cascade::GapReport, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::report(&ctx.store, &access, unit_id, period).await
        }
        .await,
    )
}

/// What the cascade workshop opens with: the unit's map (edited in its right pane), the parent
/// unit's maps to choose from, and the chosen one (shown read-only, live, in its left pane).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workshop {
    pub unit: MapDocument,
    /// The parent unit's maps that are not archived (id, name), active ones first.
    pub parent_maps: Vec<(MapId, String)>,
    /// The chosen parent map: the one asked for, else the one the unit map is most aligned
    /// to, else the first (none when the parent unit has no map yet).
    pub parent: Option<MapDocument>,
    /// Whether the caller may edit the parent unit's maps (else they may propose changes).
    pub may_edit_parent: bool,
}

/// The cascade workshop of unit map `map_id` (viewers of the map's unit who may view its
/// parent unit; what they may edit is the live connection's answer, as on the map page).
#[server(prefix = "/api", endpoint = "cascade_workshop", input = Json, output = super::TextJson)]
pub async fn cascade_workshop(
    map_id: MapId,
    parent_map: Option<MapId>,
) -> Result<Workshop, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::workshop(&ctx.store, &access, map_id, parent_map).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::{CascadeDraft, CascadeStart, Workshop};
    use crate::api::rest_types::{AlignmentInfo, AlignmentList, AlignmentPatch, NewAlignment};
    use crate::api::units::service::need;
    use crate::api::ApiError;
    use crate::auth::Access;
    use crate::context::MapWriter;
    use crate::domain::cascade;
    use crate::domain::ops::{self, EntityKind, Field, Op};
    use crate::domain::*;
    use crate::store::Store;

    /// The map's alignments and supporters. Needs the view role on the map's unit; supporters
    /// from units outside `access` are left out.
    pub async fn alignments(
        store: &Store,
        access: &Access,
        map: MapId,
    ) -> Result<AlignmentList, ApiError> {
        let doc = store.map_document(map).await?;
        need(store, access, doc.org_unit.id, Action::View).await?;
        let mut list = AlignmentList::of(&doc);
        list.supporters
            .retain(|s| access.allows(s.org_unit_id, Action::View));
        Ok(list)
    }

    /// Commits `ops` on `map` as `author` after checking the edit role on the map's unit, and
    /// returns the map's alignments after them.
    async fn commit(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        map: MapId,
        ops: Vec<Op>,
    ) -> Result<AlignmentList, ApiError> {
        let unit = store.map(map).await?.org_unit_id;
        need(store, access, unit, Action::Edit).await?;
        maps.mutate(map, author, uuid::Uuid::now_v7(), ops).await?;
        alignments(store, access, map).await
    }

    /// Aligns one of `map`'s objectives to a parent-map objective (the domain checks that the
    /// objective is on `map` and the other on the parent unit's maps).
    pub async fn align(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        map: MapId,
        new: NewAlignment,
    ) -> Result<AlignmentInfo, ApiError> {
        let alignment =
            Alignment::new(new.unit_objective_id, new.parent_objective_id).with_note(new.note);
        let id = alignment.id;
        let list = commit(
            store,
            maps,
            access,
            author,
            map,
            vec![Op::Align { alignment }],
        )
        .await?;
        found(list, id)
    }

    /// A new contribution note for alignment `id` of `map`.
    pub async fn note(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        map: MapId,
        id: AlignmentId,
        patch: AlignmentPatch,
    ) -> Result<AlignmentInfo, ApiError> {
        let op = ops::set(EntityKind::Alignment, id.0, Field::Note, patch.note);
        let list = commit(store, maps, access, author, map, vec![op]).await?;
        found(list, id)
    }

    /// Removes alignment `id` of `map`.
    pub async fn unalign(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        map: MapId,
        id: AlignmentId,
    ) -> Result<(), ApiError> {
        commit(store, maps, access, author, map, vec![Op::Unalign { id }]).await?;
        Ok(())
    }

    /// The gap report of `unit`'s map for `period` (its active map covering the period, else
    /// its first map that is not archived) over the child units the caller may see. Without a
    /// period: the latest month with data on that map, as the map page opens on.
    pub async fn report(
        store: &Store,
        access: &Access,
        unit: OrgUnitId,
        period: Option<Period>,
    ) -> Result<cascade::GapReport, ApiError> {
        let unit = store.org_unit(unit).await?;
        need(store, access, unit.id, Action::View).await?;
        let summaries = store.map_summaries().await?;
        let today = crate::store::current_period();
        let period = match period {
            Some(p) => p,
            None => {
                let own = summaries
                    .iter()
                    .find(|(u, m)| *u == unit.id && m.status != MapStatus::Archived);
                match own {
                    Some((_, m)) => {
                        let data = store.score_data(m.id).await?;
                        crate::domain::scores::latest_reported(&data, today)
                    }
                    None => today,
                }
            }
        };
        let map_for = |owner: OrgUnitId, strict: bool| {
            let covers = |m: &MapSummary| m.period_start <= period && period <= m.period_end;
            summaries
                .iter()
                .filter(|(u, m)| *u == owner && m.status != MapStatus::Archived)
                .filter(|(_, m)| !strict || (m.status == MapStatus::Active && covers(m)))
                .map(|(_, m)| m.id)
                .next()
        };
        let parent = map_for(unit.id, true)
            .or_else(|| map_for(unit.id, false))
            .ok_or_else(|| ApiError::NotFound("map".into()))?;
        let parent = store.map_document(parent).await?;
        let span = crate::domain::scoring::Span::of_kind("month", period);
        let mut children = Vec::new();
        for child in store.org_units().await? {
            if child.parent_id != Some(unit.id) || child.archived {
                continue;
            }
            if !access.allows(child.id, Action::View) {
                continue;
            }
            let (map, statuses) = match map_for(child.id, true) {
                Some(id) => {
                    let (doc, model) = store.score_model(id, today).await?;
                    let scores = model.span(span);
                    let statuses = doc
                        .objectives
                        .iter()
                        .map(|o| (o.id, scores.objective(o.id).status))
                        .collect();
                    (Some(doc), statuses)
                }
                None => (None, Vec::new()),
            };
            children.push(cascade::ChildMap {
                unit: child,
                map,
                statuses,
            });
        }
        Ok(cascade::gap_report(&parent, &children, period))
    }

    /// The parent unit of `unit` and its maps that are not archived (active first), or a 400
    /// for a unit at the top.
    async fn parent_maps(
        store: &Store,
        unit: &OrgUnit,
    ) -> Result<(OrgUnit, Vec<(MapId, String)>), ApiError> {
        let parent = unit
            .parent_id
            .ok_or(ApiError::Invalid(ValidationError::AlignmentNotToParent))?;
        let parent = store.org_unit(parent).await?;
        let mut maps: Vec<_> = store
            .map_summaries()
            .await?
            .into_iter()
            .filter(|(owner, m)| *owner == parent.id && m.status != MapStatus::Archived)
            .map(|(_, m)| m)
            .collect();
        maps.sort_by_key(|m| (m.status != MapStatus::Active, m.name.clone()));
        Ok((parent, maps.into_iter().map(|m| (m.id, m.name)).collect()))
    }

    /// The wizard's starting point: editors of `unit` who may view its parent unit.
    pub async fn source(
        store: &Store,
        access: &Access,
        unit: OrgUnitId,
        chosen: Option<MapId>,
    ) -> Result<CascadeStart, ApiError> {
        let unit = store.org_unit(unit).await?;
        need(store, access, unit.id, Action::Edit).await?;
        let (parent, maps) = parent_maps(store, &unit).await?;
        need(store, access, parent.id, Action::View).await?;
        let pick = chosen
            .filter(|c| maps.iter().any(|(id, _)| id == c))
            .or_else(|| maps.first().map(|(id, _)| *id));
        let parent_map = match pick {
            Some(id) => {
                let doc = store.map_document(id).await?;
                Some(MapDocument {
                    perspectives: doc.perspectives,
                    themes: doc.themes,
                    objectives: doc.objectives,
                    ..MapDocument::new(doc.map, doc.org_unit)
                })
            }
            None => None,
        };
        Ok(CascadeStart {
            parent_maps: maps,
            unit,
            parent,
            parent_map,
        })
    }

    /// The workshop of unit map `map`: viewers of its unit who may view the parent unit.
    pub async fn workshop(
        store: &Store,
        access: &Access,
        map: MapId,
        chosen: Option<MapId>,
    ) -> Result<Workshop, ApiError> {
        let unit = store.map_document(map).await?;
        need(store, access, unit.org_unit.id, Action::View).await?;
        let (parent_unit, maps) = parent_maps(store, &unit.org_unit).await?;
        need(store, access, parent_unit.id, Action::View).await?;
        let aligned_to = |id: MapId| {
            unit.alignments
                .iter()
                .filter(|a| {
                    unit.parent_objectives
                        .iter()
                        .any(|p| p.id == a.parent_objective_id && p.map_id == id)
                })
                .count()
        };
        let most_aligned = maps
            .iter()
            .map(|(id, _)| *id)
            .enumerate()
            // The first of equals wins: the most aligned, then active before draft.
            .max_by_key(|(i, id)| (aligned_to(*id), std::cmp::Reverse(*i)))
            .map(|(_, id)| id);
        let pick = chosen
            .filter(|c| maps.iter().any(|(id, _)| id == c))
            .or(most_aligned);
        let parent = match pick {
            Some(id) => Some(store.map_document(id).await?),
            None => None,
        };
        Ok(Workshop {
            unit,
            parent_maps: maps,
            parent,
            may_edit_parent: access.allows(parent_unit.id, Action::Edit),
        })
    }

    /// Creates the unit map and seeds it from the parent map in one batch by `author`. The
    /// seed is tried on the new map's document first, so a refusal leaves no empty map behind.
    pub async fn create(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        draft: CascadeDraft,
    ) -> Result<StrategyMap, ApiError> {
        let unit = store.org_unit(draft.map.org_unit_id).await?;
        need(store, access, unit.id, Action::Edit).await?;
        let parent = store.map_document(draft.parent_map_id).await?;
        need(store, access, parent.org_unit.id, Action::View).await?;
        if unit.parent_id != Some(parent.org_unit.id) {
            return Err(ApiError::Invalid(ValidationError::AlignmentNotToParent));
        }
        // A trial on a document like the one the store will create.
        let trial_map = StrategyMap::new(
            unit.id,
            draft.map.name.trim(),
            draft.map.period_start,
            draft.map.period_end,
        );
        validation::strategy_map(&trial_map)?;
        let trial = MapDocument {
            perspectives: Perspective::defaults(trial_map.id),
            parent_objectives: parent_objectives(&parent),
            ..MapDocument::new(trial_map, unit.clone())
        };
        let mut tried = trial.clone();
        let ops = cascade::seed(&trial, &parent, &draft.themes, &draft.picks)?;
        ops::apply_all(&mut tried, &ops)?;

        let map =
            crate::api::units::service::create_map(store, access, Some(author), draft.map).await?;
        let fresh = store.map_document(map.id).await?;
        let ops = cascade::seed(&fresh, &parent, &draft.themes, &draft.picks)?;
        if !ops.is_empty() {
            maps.mutate(map.id, author, uuid::Uuid::now_v7(), ops)
                .await?;
        }
        Ok(store.map(map.id).await?)
    }

    /// The parent map's objectives as a unit map's document lists them.
    fn parent_objectives(parent: &MapDocument) -> Vec<ParentObjective> {
        parent
            .objectives
            .iter()
            .map(|o| ParentObjective {
                id: o.id,
                map_id: parent.map.id,
                org_unit_id: parent.org_unit.id,
                title: o.title.clone(),
                perspective: String::new(),
            })
            .collect()
    }

    fn found(list: AlignmentList, id: AlignmentId) -> Result<AlignmentInfo, ApiError> {
        list.alignments
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| ApiError::NotFound("alignment".into()))
    }
}
