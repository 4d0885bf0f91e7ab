//! Org units and the maps made from them: the admin page's tree, creating, renaming, moving,
//! re-kinding and archiving units, starting a map with its perspectives, and renaming a map,
//! changing its period or status. The same functions in [`service`] serve the server functions
//! and the REST API, so both check the same rights.

use super::ApiError;
use crate::domain::org::{PerspectiveOrder, UnitPatch};
#[allow(unused_imports)]
use crate::domain::Action;
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr;

/// One unit as the admin page lists it: where it sits, what the person may do with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnitRow {
    pub unit: OrgUnit,
    /// Depth in the tree (0 at the top), for indentation.
    pub depth: usize,
    /// The caller's role on it as held (inherited down the tree), archive or not.
    pub role: Option<Role>,
    /// It or a unit above it is archived: read-only.
    pub frozen: bool,
    /// The caller may manage it (admin held on it or above).
    pub manage: bool,
    /// The caller may start a map in it (editor or admin, not archived).
    pub new_map: bool,
    /// How many maps it has (a unit with maps is never deleted).
    pub map_count: i64,
}

/// A new unit, under a parent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewUnit {
    pub parent_id: OrgUnitId,
    pub name: String,
    pub kind: OrgUnitKind,
}

/// A new map of a unit: its name, strategy period and the order of its perspectives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MapDraft {
    pub org_unit_id: OrgUnitId,
    pub name: String,
    /// First month, `YYYY-MM`.
    pub period_start: Period,
    /// Last month, `YYYY-MM`.
    pub period_end: Period,
    /// `business` (Financial on top, the default) or `non_profit` (Customer/Stakeholder on top).
    #[serde(default = "business")]
    pub perspectives: PerspectiveOrder,
}

fn business() -> PerspectiveOrder {
    PerspectiveOrder::Business
}

/// A change to a map's header: each field given is changed (through the map's edit protocol,
/// so open maps see it), the others kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MapPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_start: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_end: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MapStatus>,
}

impl MapPatch {
    /// The ops that make `map` as the patch says, in an order that applies: bringing an
    /// archived map back comes first, archiving it last.
    pub fn ops(&self, map: &StrategyMap) -> Vec<ops::Op> {
        use ops::{set, EntityKind, Field};
        let id = map.id.0;
        let mut out = Vec::new();
        let status = self
            .status
            .filter(|s| *s != map.status)
            .map(|s| set(EntityKind::Map, id, Field::Status, s));
        let archiving = self.status == Some(MapStatus::Archived);
        if !archiving {
            out.extend(status.clone());
        }
        if let Some(name) = &self.name {
            out.push(set(EntityKind::Map, id, Field::Name, name));
        }
        if self.period_start.is_some() || self.period_end.is_some() {
            let period = ops::MapPeriod {
                start: self.period_start.unwrap_or(map.period_start),
                end: self.period_end.unwrap_or(map.period_end),
            };
            out.push(set(EntityKind::Map, id, Field::Period, period));
        }
        if archiving {
            out.extend(status);
        }
        out
    }
}

/// The units the signed-in person may see, in tree order, each with what they may do there.
/// Refused to someone who administers no unit.
#[server(prefix = "/api", endpoint = "unit_admin", output = super::TextJson)]
pub async fn unit_admin() -> Result<Vec<UnitRow>, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let rows = service::rows(&ctx.store, &access).await?;
            if !rows.iter().any(|r| r.manage) {
                return Err(ApiError::Forbidden(super::Refusal::ManageUnitsNeedAdmin));
            }
            Ok(rows)
        }
        .await,
    )
}

/// Creates a unit under `parent_id` (admins of the parent).
#[server(prefix = "/api", endpoint = "create_unit", input = Json, output = super::TextJson)]
pub async fn create_unit(unit: NewUnit) -> Result<OrgUnit, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::create_unit(&ctx.store, &access, Some(user.id), unit).await
        }
        .await,
    )
}

/// Renames, re-kinds, moves, archives or brings back a unit (admins of it; a move also needs
/// admin on the new parent).
#[server(prefix = "/api", endpoint = "update_unit", input = Json, output = super::TextJson)]
pub async fn update_unit(unit_id: OrgUnitId, patch: UnitPatch) -> Result<OrgUnit, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::update_unit(&ctx.store, &access, Some(user.id), unit_id, patch).await
        }
        .await,
    )
}

/// Starts a draft map of a unit with its perspectives, in one transaction (editors and admins
/// of the unit).
#[server(prefix = "/api", endpoint = "new_map", input = Json, output = super::TextJson)]
pub async fn new_map(map: MapDraft) -> Result<StrategyMap, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::create_map(&ctx.store, &access, Some(user.id), map).await
        }
        .await,
    )
}

/// Renames a map, changes its period or status, through the map's edit protocol (editors and
/// admins of its unit).
#[server(prefix = "/api", endpoint = "update_map", input = Json, output = super::TextJson)]
pub async fn update_map(map_id: MapId, patch: MapPatch) -> Result<StrategyMap, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::update_map(&ctx.store, &*ctx.maps, &access, user.id, map_id, patch).await
        }
        .await,
    )
}

/// The rights checks and writes behind the server functions and the REST API.
#[cfg(feature = "ssr")]
pub mod service {
    use super::*;
    use crate::auth::Access;
    use crate::context::MapWriter;
    use crate::error::Refusal;
    use crate::store::Store;

    /// A 403 unless `access` may do `action` on `unit`: "archived" when only the archive stands
    /// in the way, else the role needed.
    pub async fn need(
        store: &Store,
        access: &Access,
        unit: OrgUnitId,
        action: Action,
    ) -> Result<(), ApiError> {
        if access.allows(unit, action) {
            return Ok(());
        }
        let name = store.org_unit(unit).await.ok().map(|u| u.name);
        if access.held_role(unit).is_some_and(|r| r.allows(action)) {
            return Err(ApiError::Forbidden(Refusal::UnitArchived {
                unit: name.unwrap_or_default(),
            }));
        }
        Err(ApiError::Forbidden(Refusal::NeedRole {
            action,
            unit: name,
            required: action.required_role(),
            yours: access.role(unit),
        }))
    }

    /// The units `access` may see (held role, archived or not), in tree order, with its rights.
    pub async fn rows(store: &Store, access: &Access) -> Result<Vec<UnitRow>, ApiError> {
        let units = store.org_units().await?;
        let counts = store.map_counts().await?;
        Ok(org::tree_order(&units)
            .into_iter()
            .filter(|(u, _)| access.held_role(u.id).is_some())
            .map(|(u, depth)| UnitRow {
                unit: u.clone(),
                depth,
                role: access.held_role(u.id),
                frozen: access.frozen(u.id),
                manage: access
                    .held_role(u.id)
                    .is_some_and(|r| r.allows(Action::Administer)),
                new_map: access.allows(u.id, Action::Edit),
                map_count: counts.get(&u.id).copied().unwrap_or(0),
            })
            .collect())
    }

    /// One unit, if `access` may see it.
    pub async fn unit(store: &Store, access: &Access, id: OrgUnitId) -> Result<UnitRow, ApiError> {
        store.org_unit(id).await?;
        need(store, access, id, Action::View).await?;
        rows(store, access)
            .await?
            .into_iter()
            .find(|r| r.unit.id == id)
            .ok_or_else(|| ApiError::NotFound("org unit".into()))
    }

    /// Creates a unit under its parent: admins of the parent, which must not be archived.
    pub async fn create_unit(
        store: &Store,
        access: &Access,
        actor: Option<UserId>,
        new: NewUnit,
    ) -> Result<OrgUnit, ApiError> {
        store.org_unit(new.parent_id).await?;
        need(store, access, new.parent_id, Action::Administer).await?;
        let unit = OrgUnit::new(Some(new.parent_id), new.name.trim(), new.kind);
        store.create_org_unit(&unit, actor).await?;
        Ok(store.org_unit(unit.id).await?)
    }

    /// Changes a unit: admins of it (held, so that an archived unit can be brought back; an
    /// archived unit takes nothing else). A move also needs admin on the new parent.
    pub async fn update_unit(
        store: &Store,
        access: &Access,
        actor: Option<UserId>,
        id: OrgUnitId,
        patch: UnitPatch,
    ) -> Result<OrgUnit, ApiError> {
        let unit = store.org_unit(id).await?;
        let held = access.held_role(id);
        if !held.is_some_and(|r| r.allows(Action::Administer)) {
            return Err(ApiError::Forbidden(Refusal::NeedRole {
                action: Action::Administer,
                unit: Some(unit.name),
                required: Role::Admin,
                yours: held,
            }));
        }
        if access.frozen(id) && !(unit.archived && patch.only_unarchives()) {
            return Err(ApiError::Forbidden(Refusal::ArchivedUnitChange {
                unit: unit.name,
            }));
        }
        if let Some(parent) = patch.parent_id.filter(|p| Some(*p) != unit.parent_id) {
            store.org_unit(parent).await?;
            need(store, access, parent, Action::Administer).await?;
        }
        Ok(store.update_org_unit(id, &patch, actor).await?)
    }

    /// Starts a draft map of a unit with the perspectives of its order: editors and admins of
    /// a unit that is not archived.
    pub async fn create_map(
        store: &Store,
        access: &Access,
        actor: Option<UserId>,
        new: MapDraft,
    ) -> Result<StrategyMap, ApiError> {
        store.org_unit(new.org_unit_id).await?;
        need(store, access, new.org_unit_id, Action::Edit).await?;
        let map = StrategyMap::new(
            new.org_unit_id,
            new.name.trim(),
            new.period_start,
            new.period_end,
        );
        store
            .create_map_ordered(&map, new.perspectives, actor)
            .await?;
        Ok(store.map(map.id).await?)
    }

    /// Changes a map's name, period or status as one batch of ops through the map's one write
    /// path (`maps`), by `author`: editors and admins of its unit. An archived map takes only
    /// a status change (the domain refuses anything else).
    pub async fn update_map(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        id: MapId,
        patch: MapPatch,
    ) -> Result<StrategyMap, ApiError> {
        let map = store.map(id).await?;
        need(store, access, map.org_unit_id, Action::Edit).await?;
        let ops = patch.ops(&map);
        if !ops.is_empty() {
            maps.mutate(id, author, uuid::Uuid::now_v7(), ops).await?;
        }
        Ok(store.map(id).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ops::{apply_all, OpError};

    #[test]
    fn a_map_patch_archives_last_and_brings_back_first() {
        let mut doc = crate::domain::fixtures::acme_doc();
        let archive = MapPatch {
            name: Some("Old plan".into()),
            status: Some(MapStatus::Archived),
            ..MapPatch::default()
        };
        let ops = archive.ops(&doc.map);
        apply_all(&mut doc, &ops).unwrap();
        assert_eq!(
            (doc.map.name.as_str(), doc.map.status),
            ("Old plan", MapStatus::Archived)
        );
        let rename_only = MapPatch {
            name: Some("Still old".into()),
            ..MapPatch::default()
        };
        let ops = rename_only.ops(&doc.map);
        assert_eq!(apply_all(&mut doc, &ops), Err(OpError::MapArchived));
        let back = MapPatch {
            name: Some("New plan".into()),
            period_end: Some(Period::new(2030, 12).unwrap()),
            status: Some(MapStatus::Active),
            ..MapPatch::default()
        };
        let ops = back.ops(&doc.map);
        apply_all(&mut doc, &ops).unwrap();
        assert_eq!(doc.map.name, "New plan");
        assert_eq!(doc.map.status, MapStatus::Active);
        assert_eq!(doc.map.period_end, Period::new(2030, 12).unwrap());
        assert!(MapPatch::default().ops(&doc.map).is_empty());
    }
}
