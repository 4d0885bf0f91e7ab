//! Cairn's shared crate: the domain (pure), the server functions (thin), the UI (Leptos), and —
//! on the server only — the store and authentication. Compiled twice: with `ssr` into the
//! server binary, with `hydrate` into the browser bundle.

#![recursion_limit = "256"]

pub mod api;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod live;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod throttle;

pub use ui::{shell, App};
