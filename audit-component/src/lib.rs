//! The audit-log engine.
//!
//! Every piece of audit logic lives here as a plain Rust module over plain
//! types: validation and normalisation ([`validate`], [`ip`], [`time`]),
//! classification ([`classify`]), redaction ([`redact`], [`rules`]), the
//! nested diff and change list ([`diff`], [`capture`]), canonical JSON
//! and the hash chain ([`canonical`], [`chain`]), appending ([`append`],
//! [`bulk`]), the authentication log ([`auth`]),
//! reading ([`query`] over [`filter`], [`keyword`], [`cursor`] and [`scan`]),
//! who may read ([`access`]), exports ([`export`], [`csv_export`], [`csv_cells`], [`event_view`], [`neutralise`]), per-tenant
//! settings ([`settings`]) and JSON in and out ([`codec`]). The engine talks to
//! its host only through the [`store::Store`] and [`store::Clock`] traits.
//!
//! Built for `wasm32-wasip2` (by `host-runner`'s build script) the crate is
//! the audit component: the `bindings` module turns the WIT world
//! `audit:log/audit` (in `wit/`) into calls of these modules, and the traits
//! into calls of the host's imports. Built natively, the same modules run
//! the unit tests and serve as the baseline for benchmarks.

pub mod access;
pub mod append;
pub mod auth;
pub mod bulk;
pub mod canonical;
pub mod canonical_ser;
pub mod capture;
pub mod catalog;
pub mod chain;
pub mod checkpoint;
pub mod classify;
pub mod codec;
pub mod csv_cells;
pub mod csv_export;
pub mod cursor;
pub mod diff;
pub mod error;
pub mod event_view;
pub mod export;
pub mod export_proof;
pub mod export_proof_csv;
pub mod fields;
pub mod filter;
pub mod ip;
pub mod keyword;
pub mod limits;
pub mod model;
pub mod neutralise;
pub mod own;
pub mod page;
pub mod parse;
pub mod query;
pub mod redact;
pub mod retention;
pub mod row;
pub mod rules;
pub mod scan;
pub mod settings;
pub mod store;
pub mod strict;
pub mod time;
pub mod validate;
pub mod verify;

#[cfg(target_arch = "wasm32")]
mod bindings;

#[cfg(test)]
mod integrity_tests;

pub use error::{Error, Result};
