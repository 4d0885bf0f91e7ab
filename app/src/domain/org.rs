//! The org-unit tree: the chain of units above a unit (what roles are inherited along), the
//! units in tree order with their depth (pickers indent them), and the forest a person sees
//! (the home page). Pure: the store reads the units, these walk them.

use super::ids::OrgUnitId;
use super::model::{MapSummary, OrgTreeNode, OrgUnit};
use super::role::Role;
use std::collections::{HashMap, HashSet};

/// `unit` and every unit above it, nearest first. `parents` maps each unit to its parent; a
/// cycle (which validation forbids) ends the walk at the first unit seen twice.
pub fn ancestry(
    unit: OrgUnitId,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
) -> Vec<OrgUnitId> {
    let mut chain = vec![unit];
    while let Some(Some(parent)) = chain.last().and_then(|u| parents.get(u)) {
        if chain.contains(parent) {
            break;
        }
        chain.push(*parent);
    }
    chain
}

/// Whether placing `unit` under `new_parent` would make a cycle: the new parent is the unit
/// itself or one of the units below it. `parents` holds every unit's current parent.
pub fn would_cycle(
    unit: OrgUnitId,
    new_parent: OrgUnitId,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
) -> bool {
    ancestry(new_parent, parents).contains(&unit)
}

/// Whether `unit` is frozen: it or a unit above it is archived. A frozen unit and its maps stay
/// readable, but nothing in them may change (archiving a unit archives its whole subtree's
/// editability).
pub fn frozen(
    unit: OrgUnitId,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    archived: &HashSet<OrgUnitId>,
) -> bool {
    !archived.is_empty() && ancestry(unit, parents).iter().any(|u| archived.contains(u))
}

/// The role that counts for a change on a unit: a held role, lowered to viewer when the unit is
/// frozen (so every write check refuses and reading still works).
pub fn within_archive(held: Option<Role>, frozen: bool) -> Option<Role> {
    if frozen {
        held.map(|r| r.min(Role::Viewer))
    } else {
        held
    }
}

/// The units a unit may be moved under: every unit but itself and those below it, in tree order.
pub fn move_targets(units: &[OrgUnit], unit: OrgUnitId) -> Vec<(&OrgUnit, usize)> {
    let parents: HashMap<OrgUnitId, Option<OrgUnitId>> =
        units.iter().map(|u| (u.id, u.parent_id)).collect();
    tree_order(units)
        .into_iter()
        .filter(|(u, _)| !would_cycle(unit, u.id, &parents))
        .collect()
}

/// A change to an org unit: each field given is changed, the others kept.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnitPatch {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new level in the cascade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<super::model::OrgUnitKind>,
    /// A new parent (a move; never under the unit itself or a unit below it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<OrgUnitId>,
    /// Archive (`true`) or bring back (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}

impl UnitPatch {
    /// Whether the patch only brings an archived unit back (the one change it takes).
    pub fn only_unarchives(&self) -> bool {
        self.archived == Some(false)
            && self.name.is_none()
            && self.kind.is_none()
            && self.parent_id.is_none()
    }
}

/// `unit` with `patch` applied, validated against every unit's current `parents`: a name, and no
/// cycle (a move under the unit itself or one of its own units is refused).
pub fn patched(
    unit: &OrgUnit,
    patch: &UnitPatch,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
) -> Result<OrgUnit, super::ValidationError> {
    let mut next = unit.clone();
    if let Some(name) = &patch.name {
        next.name = name.trim().to_string();
    }
    if let Some(kind) = patch.kind {
        next.kind = kind;
    }
    if let Some(parent) = patch.parent_id {
        if would_cycle(unit.id, parent, parents) {
            return Err(super::ValidationError::OrgUnitCycle);
        }
        next.parent_id = Some(parent);
    }
    if let Some(archived) = patch.archived {
        next.archived = archived;
    }
    super::validation::org_unit(&next, parents)?;
    Ok(next)
}

/// The perspectives a new map starts with, top first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum PerspectiveOrder {
    /// Financial, Customer, Internal Process, Learning & Growth (a business).
    Business,
    /// Customer/Stakeholder on top, Financial below it (a non-profit or public body, whose
    /// mission is served through its stakeholders and whose money is a means).
    NonProfit,
}

impl PerspectiveOrder {
    /// The perspective names, top first.
    pub fn names(self) -> [&'static str; 4] {
        match self {
            PerspectiveOrder::Business => super::model::DEFAULT_PERSPECTIVES,
            PerspectiveOrder::NonProfit => [
                "Customer/Stakeholder",
                "Financial",
                "Internal Processes",
                "Learning & Growth",
            ],
        }
    }

    /// The stored name ("business", "non_profit").
    pub fn as_str(self) -> &'static str {
        match self {
            PerspectiveOrder::Business => "business",
            PerspectiveOrder::NonProfit => "non_profit",
        }
    }
}

impl std::str::FromStr for PerspectiveOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "business" => Ok(PerspectiveOrder::Business),
            "non_profit" => Ok(PerspectiveOrder::NonProfit),
            other => Err(format!(
                "unknown perspective order \"{other}\" (expected business or non_profit)"
            )),
        }
    }
}

/// Every unit in tree order (a parent before its children, siblings in the order given), with
/// its depth (0 at the top).
pub fn tree_order(units: &[OrgUnit]) -> Vec<(&OrgUnit, usize)> {
    fn walk<'a>(
        parent: Option<OrgUnitId>,
        depth: usize,
        units: &'a [OrgUnit],
        out: &mut Vec<(&'a OrgUnit, usize)>,
    ) {
        for u in units.iter().filter(|u| u.parent_id == parent) {
            out.push((u, depth));
            walk(Some(u.id), depth + 1, units, out);
        }
    }
    let mut out = Vec::new();
    walk(None, 0, units, &mut out);
    out
}

/// The forest someone sees: a unit they have no role on (`role_of` gives `None`) is left out,
/// and its visible descendants are lifted to the nearest visible ancestor (or the top). Each
/// unit carries its maps from `maps` (unit, map).
pub fn build_tree(
    units: &[OrgUnit],
    maps: &[(OrgUnitId, MapSummary)],
    role_of: &dyn Fn(OrgUnitId) -> Option<Role>,
) -> Vec<OrgTreeNode> {
    fn children_of(
        parent: Option<OrgUnitId>,
        units: &[OrgUnit],
        maps: &[(OrgUnitId, MapSummary)],
        role_of: &dyn Fn(OrgUnitId) -> Option<Role>,
    ) -> Vec<OrgTreeNode> {
        let mut out = Vec::new();
        for u in units.iter().filter(|u| u.parent_id == parent) {
            let children = children_of(Some(u.id), units, maps, role_of);
            match role_of(u.id) {
                Some(role) => out.push(OrgTreeNode {
                    unit: u.clone(),
                    role: Some(role),
                    maps: maps
                        .iter()
                        .filter(|(unit, _)| *unit == u.id)
                        .map(|(_, m)| m.clone())
                        .collect(),
                    children,
                }),
                None => out.extend(children),
            }
        }
        out
    }
    children_of(None, units, maps, role_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MapId, MapStatus, OrgUnitKind, Period};

    fn unit(name: &str, parent: Option<&OrgUnit>) -> OrgUnit {
        OrgUnit::new(parent.map(|p| p.id), name, OrgUnitKind::Function)
    }

    fn parents(units: &[OrgUnit]) -> HashMap<OrgUnitId, Option<OrgUnitId>> {
        units.iter().map(|u| (u.id, u.parent_id)).collect()
    }

    #[test]
    fn ancestry_walks_up_to_the_top_and_stops_at_a_cycle() {
        let root = unit("Root", None);
        let bu = unit("BU", Some(&root));
        let team = unit("Team", Some(&bu));
        let all = parents(&[root.clone(), bu.clone(), team.clone()]);
        assert_eq!(ancestry(team.id, &all), vec![team.id, bu.id, root.id]);
        assert_eq!(ancestry(root.id, &all), vec![root.id]);
        let stranger = OrgUnitId::new();
        assert_eq!(ancestry(stranger, &all), vec![stranger]);
        let looped = HashMap::from([(root.id, Some(bu.id)), (bu.id, Some(root.id))]);
        assert_eq!(ancestry(root.id, &looped), vec![root.id, bu.id]);
    }

    #[test]
    fn a_unit_cannot_move_under_itself_or_its_descendants() {
        let root = unit("Root", None);
        let bu = unit("BU", Some(&root));
        let team = unit("Team", Some(&bu));
        let other = unit("Other", Some(&root));
        let all = parents(&[root.clone(), bu.clone(), team.clone(), other.clone()]);
        assert!(would_cycle(bu.id, bu.id, &all), "under itself");
        assert!(would_cycle(bu.id, team.id, &all), "under its own team");
        assert!(
            would_cycle(root.id, other.id, &all),
            "the root under anything"
        );
        assert!(!would_cycle(team.id, other.id, &all));
        assert!(!would_cycle(bu.id, other.id, &all));
        assert!(!would_cycle(other.id, team.id, &all));
        let units = [root.clone(), bu.clone(), team.clone(), other.clone()];
        let targets: Vec<&str> = move_targets(&units, bu.id)
            .into_iter()
            .map(|(u, _)| u.name.as_str())
            .collect();
        assert_eq!(targets, vec!["Root", "Other"]);
    }

    #[test]
    fn archiving_freezes_the_subtree_to_viewer_rights() {
        let root = unit("Root", None);
        let bu = unit("BU", Some(&root));
        let team = unit("Team", Some(&bu));
        let other = unit("Other", Some(&root));
        let all = parents(&[root.clone(), bu.clone(), team.clone(), other.clone()]);
        let archived = HashSet::from([bu.id]);
        assert!(frozen(bu.id, &all, &archived));
        assert!(frozen(team.id, &all, &archived), "below an archived unit");
        assert!(!frozen(root.id, &all, &archived));
        assert!(!frozen(other.id, &all, &archived));
        assert!(!frozen(team.id, &all, &HashSet::new()));
        assert_eq!(within_archive(Some(Role::Admin), true), Some(Role::Viewer));
        assert_eq!(within_archive(Some(Role::Viewer), true), Some(Role::Viewer));
        assert_eq!(within_archive(None, true), None);
        assert_eq!(
            within_archive(Some(Role::Editor), false),
            Some(Role::Editor)
        );
    }

    #[test]
    fn a_patch_renames_moves_and_archives_but_refuses_a_cycle() {
        let root = unit("Root", None);
        let bu = unit("BU", Some(&root));
        let team = unit("Team", Some(&bu));
        let other = unit("Other", Some(&root));
        let all = parents(&[root.clone(), bu.clone(), team.clone(), other.clone()]);
        let patch = UnitPatch {
            name: Some("  Sales  ".into()),
            kind: Some(OrgUnitKind::Team),
            parent_id: Some(other.id),
            archived: Some(true),
        };
        let next = patched(&bu, &patch, &all).unwrap();
        assert_eq!(
            (next.name.as_str(), next.kind, next.parent_id, next.archived),
            ("Sales", OrgUnitKind::Team, Some(other.id), true)
        );
        let under_own_team = UnitPatch {
            parent_id: Some(team.id),
            ..UnitPatch::default()
        };
        assert_eq!(
            patched(&bu, &under_own_team, &all),
            Err(crate::domain::ValidationError::OrgUnitCycle)
        );
        let blank = UnitPatch {
            name: Some("   ".into()),
            ..UnitPatch::default()
        };
        assert!(patched(&bu, &blank, &all).is_err());
        assert!(UnitPatch {
            archived: Some(false),
            ..UnitPatch::default()
        }
        .only_unarchives());
        assert!(!patch.only_unarchives());
    }

    #[test]
    fn the_non_profit_order_puts_stakeholders_on_top() {
        assert_eq!(PerspectiveOrder::Business.names()[0], "Financial");
        assert_eq!(
            PerspectiveOrder::NonProfit.names()[0],
            "Customer/Stakeholder"
        );
        for order in [PerspectiveOrder::Business, PerspectiveOrder::NonProfit] {
            assert_eq!(order.as_str().parse(), Ok(order));
            assert_eq!(order.names().len(), 4);
        }
        assert!("charity".parse::<PerspectiveOrder>().is_err());
    }

    #[test]
    fn tree_order_puts_parents_before_children_with_depth() {
        let root = unit("Root", None);
        let a = unit("A", Some(&root));
        let b = unit("B", Some(&root));
        let a1 = unit("A1", Some(&a));
        // Given children first: the order still follows the tree.
        let units = vec![a1.clone(), b.clone(), a.clone(), root.clone()];
        let order: Vec<(&str, usize)> = tree_order(&units)
            .into_iter()
            .map(|(u, depth)| (u.name.as_str(), depth))
            .collect();
        assert_eq!(order, vec![("Root", 0), ("B", 1), ("A", 1), ("A1", 2)]);
    }

    #[test]
    fn visible_units_carry_their_role_and_maps() {
        let root = unit("Root", None);
        let bu = unit("BU", Some(&root));
        let period = Period::new(2026, 1).unwrap();
        let map = MapSummary {
            id: MapId::new(),
            name: "Plan".into(),
            status: MapStatus::Active,
            period_start: period,
            period_end: period,
            objective_count: 3,
        };
        let units = vec![root.clone(), bu.clone()];
        let maps = vec![(bu.id, map.clone())];
        let (root_id, bu_id) = (root.id, bu.id);
        let role_of = move |u: OrgUnitId| {
            if u == root_id {
                Some(Role::Admin)
            } else if u == bu_id {
                Some(Role::Viewer)
            } else {
                None
            }
        };
        let tree = build_tree(&units, &maps, &role_of);
        assert_eq!(tree.len(), 1);
        assert_eq!(tree[0].role, Some(Role::Admin));
        assert!(tree[0].maps.is_empty());
        let child = &tree[0].children[0];
        assert_eq!(
            (child.unit.id, child.role, child.maps.clone()),
            (bu.id, Some(Role::Viewer), vec![map])
        );
    }
}
