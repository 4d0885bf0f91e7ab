//! Administration screens (admins of an org unit): API tokens so far.

pub mod tokens;
