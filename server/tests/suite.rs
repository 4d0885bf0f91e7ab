//! The server's integration tests, linked as one test binary: each file beside this one is a
//! module of it (router, store, live socket, REST, mail, single sign-on, one per feature), and
//! `common/` is the harness they share. One binary instead of one per file: every test binary
//! links the whole server, so one link instead of twenty-odd, and one file on disk.

#[macro_use]
mod common;

mod comments;
mod display;
mod exports;
mod history;
mod hypotheses;
mod imports;
mod initiatives;
mod language;
mod live;
mod mail;
mod people;
mod rest;
mod reviews;
mod router;
mod setup;
mod sso;
mod store;
mod strategy;
mod surveys;
mod units;
mod versions;
mod workshop;
