//! The small map the domain's own tests start from, written once.

use super::*;

/// Acme's draft map for 2026 (January to December), with Acme, the enterprise unit owning it.
pub(crate) fn acme() -> (StrategyMap, OrgUnit) {
    let unit = OrgUnit::new(None, "Acme", OrgUnitKind::Enterprise);
    let year = |month| Period::new(2026, month).expect("a valid month");
    let map = StrategyMap::new(unit.id, "Acme 2026", year(1), year(12));
    (map, unit)
}

/// Acme's 2026 map with the four default perspectives and nothing else.
pub(crate) fn acme_doc() -> MapDocument {
    let (map, unit) = acme();
    MapDocument {
        perspectives: Perspective::defaults(map.id),
        ..MapDocument::new(map, unit)
    }
}

/// A unit map below Acme's: "Services 2026" of the Services unit, with the four default
/// perspectives, one objective of its own ("Shorten onboarding", Internal Process) and the
/// two objectives of Acme's map it may support ("Grow revenue", "Keep customers").
pub(crate) fn services_doc() -> MapDocument {
    let (acme_map, acme_unit) = acme();
    let unit = OrgUnit::new(Some(acme_unit.id), "Services", OrgUnitKind::BusinessUnit);
    let year = |month| Period::new(2026, month).expect("a valid month");
    let map = StrategyMap::new(unit.id, "Services 2026", year(1), year(12));
    let perspectives = Perspective::defaults(map.id);
    let own = Objective::new(map.id, perspectives[2].id, "Shorten onboarding");
    let parent = |title: &str, perspective: &str| ParentObjective {
        id: ObjectiveId::new(),
        map_id: acme_map.id,
        org_unit_id: acme_unit.id,
        title: title.into(),
        perspective: perspective.into(),
    };
    MapDocument {
        perspectives,
        objectives: vec![own],
        parent_objectives: vec![
            parent("Grow revenue", "Financial"),
            parent("Keep customers", "Customer"),
        ],
        ..MapDocument::new(map, unit)
    }
}
