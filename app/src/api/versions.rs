//! Templates and yearly versions: a map started as a copy of any map the person can see (with
//! or without its measures and targets), "Start next year's map" (the annual refresh: a copy
//! for the next period with next year's targets ramped from this year's actuals, the old
//! version archived, read-only and readable), and two versions of a unit's map compared. The
//! copy is one batch of edits through the map's commit path; [`service`] serves the server
//! functions and REST alike.

use super::ApiError;
use crate::domain::version::VersionDiff;
#[allow(unused_imports)]
use crate::domain::Action;
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A new map of a unit made as a copy of another map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CopyDraft {
    /// The unit the copy belongs to (the source's own unit, or another).
    pub org_unit_id: OrgUnitId,
    pub name: String,
    /// First month, `YYYY-MM`.
    pub period_start: Period,
    /// Last month, `YYYY-MM`.
    pub period_end: Period,
    /// Take the measures and their targets along (else objectives, arrows and themes only).
    #[serde(default)]
    pub with_measures: bool,
}

/// Two versions of a unit's map, as the compare page draws them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparedVersions {
    /// The earlier version (the one the other carries on, else the earlier period).
    pub older: MapDocument,
    pub newer: MapDocument,
    /// What changed from the older to the newer.
    pub diff: VersionDiff,
}

/// What the compare page of a map shows: the unit's maps to choose from and, when there is
/// another one, the comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionComparison {
    /// The map the page belongs to.
    pub map_id: MapId,
    /// The unit's maps, newest period first (the page's map among them).
    pub versions: Vec<MapSummary>,
    /// The two maps compared, older first; none when the unit has no other map.
    pub compared: Option<ComparedVersions>,
}

/// What "Start next year's map" would make of a map: the new version's name and period
/// (moved on past the last month with data), or the version made already.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VersionPlan {
    pub name: String,
    pub period_start: Period,
    pub period_end: Period,
    /// The next version, when it exists already (then none is made).
    pub existing_id: Option<MapId>,
    pub existing_name: Option<String>,
}

/// What next year's version of a map would be (viewers of its unit).
#[server(prefix = "/api", endpoint = "next_version_plan", input = Json, output = super::TextJson)]
pub async fn next_version_plan(map_id: MapId) -> Result<VersionPlan, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::plan(&ctx.store, &access, map_id).await
        }
        .await,
    )
}

/// Starts a map as a copy of `source` (viewers of its unit; editors of the new map's unit).
#[server(prefix = "/api", endpoint = "copy_map", input = Json, output = super::TextJson)]
pub async fn copy_map(source: MapId, draft: CopyDraft) -> Result<StrategyMap, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::copy(&ctx.store, &*ctx.maps, &access, user.id, source, draft).await
        }
        .await,
    )
}

/// Starts next year's version of a map and archives this one (editors of its unit).
#[server(prefix = "/api", endpoint = "next_version", input = Json, output = super::TextJson)]
pub async fn next_version(map_id: MapId) -> Result<StrategyMap, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::next_version(&ctx.store, &*ctx.maps, &access, user.id, map_id).await
        }
        .await,
    )
}

/// Compares map `map_id` with another map of its unit (`with`; none: its previous version,
/// else its next, else the newest other map), for viewers of the unit.
#[server(prefix = "/api", endpoint = "compare_versions", input = Json, output = super::TextJson)]
pub async fn compare_versions(
    map_id: MapId,
    with: Option<MapId>,
) -> Result<VersionComparison, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::compare(&ctx.store, &access, map_id, with).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::*;
    use crate::api::units::service::need;
    use crate::api::units::MapPatch;
    use crate::auth::Access;
    use crate::context::MapWriter;
    use crate::domain::version::{self, CopyScope};
    use crate::domain::{ops, targets};
    use crate::error::Refusal;
    use crate::store::Store;

    /// Makes a copy of map `source` as `draft` says, by `author`: viewers of the source's unit
    /// who edit the new map's unit. Statement, owners and alignments come along only within
    /// one unit; targets with the measures, as they are.
    pub async fn copy(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        source: MapId,
        draft: CopyDraft,
    ) -> Result<StrategyMap, ApiError> {
        let source = store.map_document(source).await?;
        need(store, access, source.org_unit.id, Action::View).await?;
        let unit = store.org_unit(draft.org_unit_id).await?;
        need(store, access, unit.id, Action::Edit).await?;
        let scope = CopyScope {
            measures: draft.with_measures,
            same_unit: unit.id == source.org_unit.id,
        };
        let map = StrategyMap::new(
            unit.id,
            draft.name.trim(),
            draft.period_start,
            draft.period_end,
        );
        let made = make_copy(store, maps, author, &source, map, unit, scope).await?;
        if scope.measures {
            let data = store.score_data(source.map.id).await?;
            let targets = made
                .measures
                .iter()
                .flat_map(|(old, new)| {
                    data.targets
                        .iter()
                        .filter(move |t| t.measure_id == *old)
                        .map(move |t| Target {
                            measure_id: *new,
                            ..t.clone()
                        })
                })
                .collect();
            write_targets(store, author, targets).await?;
        }
        Ok(store.map(made.map_id).await?)
    }

    /// The annual refresh of map `id` by `author` (editors of its unit): a copy for the next
    /// period with everything on it, next year's targets ramped from this year's actuals to
    /// the goals, named after the new years; this map then archived (read-only, readable).
    /// Refused when the map has its next version already.
    pub async fn next_version(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        id: MapId,
    ) -> Result<StrategyMap, ApiError> {
        let source = store.map_document(id).await?;
        need(store, access, source.org_unit.id, Action::Edit).await?;
        if let Some(next) = store.next_version_of(id).await? {
            return Err(ApiError::Conflict(Refusal::NextVersionExists {
                name: next.name,
            }));
        }
        let data = store.score_data(id).await?;
        let years = years_on(&source.map, &data);
        let (start, end) = version::next_period(&source.map, years);
        let status = match source.map.status {
            MapStatus::Active => MapStatus::Active,
            _ => MapStatus::Draft,
        };
        let name = version::next_name(&source.map, years);
        let map = StrategyMap::new(source.org_unit.id, name, start, end)
            .with_previous_version(Some(id))
            .with_status(status);
        let scope = CopyScope {
            measures: true,
            same_unit: true,
        };
        let made = make_copy(
            store,
            maps,
            author,
            &source,
            map,
            source.org_unit.clone(),
            scope,
        )
        .await?;
        let mut targets = Vec::new();
        for (old, new) in &made.measures {
            let Some(measure) = source.measures.iter().find(|m| m.id == *old) else {
                continue;
            };
            let own_targets: Vec<Target> = data
                .targets
                .iter()
                .filter(|t| t.measure_id == *old)
                .cloned()
                .collect();
            let readings: Vec<_> = data
                .readings
                .iter()
                .filter(|r| r.measure_id == *old)
                .cloned()
                .collect();
            targets.extend(targets::carried_forward(
                *new,
                measure.frequency,
                start,
                end,
                &own_targets,
                &readings,
            )?);
        }
        write_targets(store, author, targets).await?;
        if source.map.status != MapStatus::Archived {
            let archive = MapPatch {
                status: Some(MapStatus::Archived),
                ..MapPatch::default()
            };
            maps.mutate(id, author, uuid::Uuid::now_v7(), archive.ops(&source.map))
                .await?;
        }
        Ok(store.map(made.map_id).await?)
    }

    /// What next year's version of map `id` would be, for viewers of its unit.
    pub async fn plan(store: &Store, access: &Access, id: MapId) -> Result<VersionPlan, ApiError> {
        let map = store.map(id).await?;
        need(store, access, map.org_unit_id, Action::View).await?;
        let data = store.score_data(id).await?;
        let years = years_on(&map, &data);
        let (period_start, period_end) = version::next_period(&map, years);
        let existing = store.next_version_of(id).await?;
        Ok(VersionPlan {
            name: version::next_name(&map, years),
            period_start,
            period_end,
            existing_id: existing.as_ref().map(|m| m.id),
            existing_name: existing.map(|m| m.name),
        })
    }

    /// How many years next year's version of `map` moves on, given its data.
    fn years_on(map: &StrategyMap, data: &crate::domain::scores::ScoreData) -> i32 {
        let latest = data.readings.iter().map(|r| r.period).max();
        version::years_on(map, latest)
    }

    /// The new map and the measures its copy made (old → new).
    struct Made {
        map_id: MapId,
        measures: Vec<(MeasureId, MeasureId)>,
    }

    /// Creates `map` of `unit` and copies `source` onto it in one batch by `author`. The batch
    /// is tried on a document like the one the store creates first, so a refusal leaves no
    /// empty map behind.
    async fn make_copy(
        store: &Store,
        maps: &dyn MapWriter,
        author: UserId,
        source: &MapDocument,
        map: StrategyMap,
        unit: OrgUnit,
        scope: CopyScope,
    ) -> Result<Made, ApiError> {
        crate::domain::validation::strategy_map(&map)?;
        let mut trial = MapDocument {
            perspectives: Perspective::defaults(map.id),
            parent_objectives: match scope.same_unit {
                true => source.parent_objectives.clone(),
                false => Vec::new(),
            },
            ..MapDocument::new(map.clone(), unit)
        };
        let tried = version::copy_ops(&trial, source, scope);
        ops::apply_all(&mut trial, &tried.ops)?;

        store.create_map(&map, Some(author)).await?;
        let fresh = store.map_document(map.id).await?;
        let copy = version::copy_ops(&fresh, source, scope);
        if !copy.ops.is_empty() {
            maps.mutate(map.id, author, uuid::Uuid::now_v7(), copy.ops)
                .await?;
        }
        Ok(Made {
            map_id: map.id,
            measures: copy.measures,
        })
    }

    /// Writes the targets of a copy's measures in one transaction (none: nothing).
    async fn write_targets(
        store: &Store,
        author: UserId,
        targets: Vec<Target>,
    ) -> Result<(), ApiError> {
        if targets.is_empty() {
            return Ok(());
        }
        let batch = DataBatch {
            targets,
            ..DataBatch::default()
        };
        store.write_data(&batch, Some(author)).await?;
        Ok(())
    }

    /// The compare page of map `id` with `with` (or the version [`compare_versions`] picks),
    /// for viewers of its unit; `with` must be another map of the same unit.
    pub async fn compare(
        store: &Store,
        access: &Access,
        id: MapId,
        with: Option<MapId>,
    ) -> Result<VersionComparison, ApiError> {
        let this = store.map(id).await?;
        need(store, access, this.org_unit_id, Action::View).await?;
        let versions: Vec<MapSummary> = store
            .map_summaries()
            .await?
            .into_iter()
            .filter(|(unit, _)| *unit == this.org_unit_id)
            .map(|(_, m)| m)
            .collect();
        let other = match with {
            Some(other) => {
                let other = store.map(other).await?;
                if other.org_unit_id != this.org_unit_id || other.id == this.id {
                    return Err(ApiError::BadInput(Refusal::VersionsOfOneUnit));
                }
                Some(other.id)
            }
            None => match (this.previous_version_id, store.next_version_of(id).await?) {
                (Some(previous), _) if versions.iter().any(|m| m.id == previous) => Some(previous),
                (_, Some(next)) => Some(next.id),
                _ => versions.iter().find(|m| m.id != id).map(|m| m.id),
            },
        };
        let compared = match other {
            Some(other) => Some(pair(store, &this, other).await?),
            None => None,
        };
        Ok(VersionComparison {
            map_id: id,
            versions,
            compared,
        })
    }

    /// `this` and map `other` of its unit read and compared, the older one first (the one the
    /// other is the next version of, else the earlier period).
    async fn pair(
        store: &Store,
        this: &StrategyMap,
        other: MapId,
    ) -> Result<ComparedVersions, ApiError> {
        let a = store.map_document(this.id).await?;
        let b = store.map_document(other).await?;
        let this_first = b.map.previous_version_id == Some(a.map.id)
            || (a.map.previous_version_id != Some(b.map.id)
                && a.map.period_start < b.map.period_start);
        let (older, newer) = if this_first { (a, b) } else { (b, a) };
        let diff = version::diff(&older, &newer);
        Ok(ComparedVersions { older, newer, diff })
    }
}
