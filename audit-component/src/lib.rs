//! The audit-log engine: every piece of audit logic, as plain Rust modules
//! over plain types, built twice. For `wasm32-wasip2` (by `host-runner`'s
//! build script) it is the audit component: `bindings` turns the WIT world
//! `audit:log/audit` (in `wit/`) into calls of these modules, and the
//! [`Store`] and [`Clock`] traits into calls of the host's imports. Built
//! natively, the same modules run the unit tests and are the baseline the
//! benchmarks compare the sandbox with.
//!
//! The modules below are the layers, bottom first: each imports only from
//! the ones above it in this list (`tests/layers.rs` holds the code to that
//! order, and to no import cycle between files).
//!
//! Unit tests follow one convention: a file's tests are its last item,
//! `#[cfg(test)] mod tests`; tests that exercise several files of a folder
//! together are that folder's `tests.rs`; what they share (clocks, actors,
//! viewers, a minimal event) is `test_support.rs`.

// The event model, the error type and limits, the store and clock the host
// provides, the hash chain, times, IP addresses, field checks, the log's
// own events.
pub mod core;

// JSON in and out: strict parsing, the borrowed tree, the canonical form
// that is hashed, events as JSON text.
pub mod json;

// Secrets hidden before anything is compared, hashed or stored.
pub mod redact;

// What changed between two documents: one list of operations, two outputs.
pub mod diff;

// Actions by profile, with labels, categories and change types.
pub mod catalog;

// A tenant's settings: one member per feature, parsed and loaded.
pub mod settings;

// Recording: prepare, redact and diff, seal into the chain, store.
pub mod ingest;

// Reading: filters, pages, counts, access rules, every read recorded.
pub mod read;

// Tamper evidence and retention: verify, checkpoints, proofs, purge.
pub mod integrity;

// Exports: CSV and JSON Lines, streamed, with an optional proof.
pub mod export;

// The authentication log: sign-ins, sign-outs, recovery, brute force.
pub mod auth;

// Settings writes and registrations, each recorded in the log.
pub mod admin;

// What the unit tests share.
#[cfg(test)]
mod test_support;

// The WIT glue (the component only).
#[cfg(target_arch = "wasm32")]
mod bindings;

// The engine's API as a native host or a benchmark uses it; everything else
// is reached through its layer.
pub use crate::core::error::{Error, Result};
pub use crate::core::memory::MemoryStore;
pub use crate::core::model::{
    Actor, ActorKind, Change, ChangeOp, Context, Event, EventInput, Outcome, Target,
};
pub use crate::core::store::{Clock, Row, ScanRequest, Store};
pub use crate::ingest::append::{append_batch, append_one};
pub use crate::ingest::bulk::append_bulk;
pub use crate::integrity::verify::verify_chain;
pub use crate::json::codec::{parse_inputs, to_json};
pub use crate::read::access::Viewer;
pub use crate::read::filter::Filter;
pub use crate::read::page::{Order, Page, PageRequest};
pub use crate::read::query::{get_event, query};
