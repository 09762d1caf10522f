//! End-to-end tests: the real component, built for wasm32-wasip2, driven
//! through the real host (wasmtime) into real SQLite files, and the real
//! `audit-host` binary.

#![allow(clippy::unwrap_used)]

// Shared set-up: one runtime per test process, stores, clocks, inputs.
mod harness;
// A PostgreSQL server for the tests: given, found or started.
mod pg_harness;

// Appending through the library: what is stored, seq, the chain, batches.
mod append;
// Reading back: filters, pages and cursors, single events.
mod query;
// Every kind of bad input: one line naming the field, nothing stored.
mod bad_input;
// The audit-host binary: append, query, demo, exit codes.
mod cli;
// Traps on request from the fixture component, limits of the real one.
mod traps;
// The compiled-code cache: hits, corrupt, foreign and stale entries.
mod cache;
// The store import's contract, on the memory, SQLite and PostgreSQL stores.
mod store_contract;
// The PostgreSQL store through the binary: same bytes as SQLite, many
// writers, faults, tampering, TLS, schema versions.
mod postgres;
// The SQLite store under faults: kill -9 mid-batch, busy, read-only, full disk.
mod storage_faults;
// Tamper evidence: each mutation of a real store or export and its verdict;
// signed checkpoints and keys.
mod tamper;
// Retention: purge, its anchor, the floor, and verify afterwards.
mod retention;
// Integrity at scale: two processes appending at once, and the same hashes
// from the component and the native build.
mod integrity;

// Verification split over several instances.
mod fanout;
// The diff through the component: conformance round trips, minimality, hostile documents, `audit-host diff`.
mod diff;
// Redaction: no secret in any output; keyed fingerprints per tenant; tenant rules.
mod redaction;
// Every filter against a reference implementation; pages under concurrent appends.
mod search;
// Exports: formula injection, CSV edge cases, JSON Lines, complete files only.
mod export;
// Who may read, and the event every read leaves.
mod access;
// The action catalog: each profile's scenario, refusals, registrations.
mod catalog;
// The authentication log: brute force, hidden identifiers, sessions.
mod auth;
// Bulk operations: a parent and its children, linked, all or nothing.
mod bulk;
// Verify, checkpoint and purge on a live log; columns of the wrong type.
mod live_integrity;
// Every option that writes a file against every file it must not replace.
mod outputs;
// What append's exit status says was stored; inputs of any size in batches.
mod exit_status;
// Times and numbers at their edges; a test clock along a chain; weak keys.
mod times_numbers;
// The import graphs of the engine and the host: no cycle, no upward import.
mod layers;
// `audit-host serve` on loopback with a real HTTP client: every endpoint,
// every error status, keys and viewer tokens, limits; faults under load.
mod serve_api;
mod serve_faults;
mod serve_harness;
mod serve_tools;
// Same bytes out: the scenario through the Rust, Python and Node hosts.
mod polyglot;
