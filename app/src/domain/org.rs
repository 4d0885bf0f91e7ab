//! The org-unit tree: the chain of units above a unit (what roles are inherited along), the
//! units in tree order with their depth (pickers indent them), and the forest a person sees
//! (the home page). Pure: the store reads the units, these walk them.

use super::ids::OrgUnitId;
use super::model::{MapSummary, OrgTreeNode, OrgUnit};
use super::role::Role;
use std::collections::HashMap;

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
