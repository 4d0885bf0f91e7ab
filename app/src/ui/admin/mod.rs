//! Administration screens (admins of an org unit): API tokens, org units (and the map forms started from a unit).

pub mod tokens;
pub mod units;
