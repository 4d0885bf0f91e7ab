//! The map the replica tests of this folder start from, with ids fixed so every run and every
//! replica builds the same document.

use app::domain::*;
use uuid::Uuid;

/// A fixed id in the tests' range (`0xF000` and up).
pub fn fixed(n: u128) -> Uuid {
    Uuid::from_u128(0xF000 + n)
}

/// Acme's draft 2026 map, owned by the enterprise unit Acme, with the four default perspectives
/// (ids `0xF100` and up) and nothing else.
pub fn acme_doc() -> MapDocument {
    let unit = OrgUnit::new(None, "Acme", OrgUnitKind::Enterprise).with_id(OrgUnitId(fixed(1)));
    let year = |month| Period::new(2026, month).expect("valid period");
    let map = StrategyMap::new(unit.id, "Acme 2026", year(1), year(12)).with_id(MapId(fixed(2)));
    let perspectives = Perspective::defaults(map.id)
        .into_iter()
        .zip(0x100..)
        .map(|(p, n)| p.with_id(PerspectiveId(fixed(n))))
        .collect();
    MapDocument {
        perspectives,
        ..MapDocument::new(map, unit)
    }
}
