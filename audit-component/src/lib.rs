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

pub mod admin;
pub mod auth;
pub mod catalog;
pub mod core;
pub mod diff;
pub mod export;
pub mod ingest;
pub mod integrity;
pub mod json;
pub mod read;
pub mod redact;
pub mod settings;

#[cfg(target_arch = "wasm32")]
mod bindings;

pub use crate::core::error::{Error, Result};
