//! The pure heart of Cairn: what a strategy map, a scorecard and a role *are*, and the rules
//! every write must obey. No I/O, no Leptos, no sqlx — so it is shared by browser and server
//! unchanged and tested on its own.

pub mod account;
pub mod briefing;
pub mod cascade;
pub mod chart;
pub mod comment;
pub mod csv_safe;
pub mod dashboard;
pub mod drawing;
pub mod edits;
pub mod entry;
pub mod export;
pub mod feed;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod formula;
pub mod health;
pub mod history;
pub mod hypothesis;
pub mod ids;
pub mod impact;
pub mod import;
pub mod initiative;
pub mod layout;
pub mod model;
pub mod ops;
pub mod org;
pub mod people;
pub mod period;
pub mod proposal;
pub mod reminders;
pub mod replica;
pub mod review;
pub mod role;
pub mod scores;
pub mod scoring;
pub mod sso;
pub mod survey;
pub mod targets;
pub mod upload;
pub mod validation;
pub mod version;
pub mod workshop;

pub use account::{Profile, SessionInfo};
pub use ids::*;
pub use model::*;
pub use period::Period;
pub use role::{Action, MapRights, Role};
pub use validation::ValidationError;
