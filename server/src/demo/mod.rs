//! The demo company "Northwind Technology Services": the first thing every newcomer sees.
//!
//! `data` ([`company`]) describes the whole company as plain values (people, org units, an
//! enterprise map and two business-unit maps, measures with two years of actuals, targets,
//! initiatives and alignments) without any I/O, so it can be checked by the domain rules in unit
//! tests. `load` ([`load`]) writes that description into an empty database in one transaction,
//! through the store's inserts.
//!
//! The story follows the technology-services example of the Balanced Scorecard method: a
//! certification programme and knowledge management drive 30 % faster delivery at 99 % quality,
//! which lifts client satisfaction to 90 %+ and renewals to 85 %, which delivers 25 % revenue
//! growth at an 18 % margin. At "today" the scorecard shows a realistic mix of green, amber and
//! red, so the monthly review has something to talk about.

mod data;
mod load;

pub use data::{company, DemoCompany, DemoMap, CASCADE_NEXT_UNIT, DEMO_ADMIN_EMAIL, DEMO_PASSWORD};
pub use load::{load, DemoError};
