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
