//! End-to-end tests: the real component, built for wasm32-wasip2, driven
//! through the real host (wasmtime) into real SQLite files, and the real
//! `audit-host` binary.

#![allow(clippy::unwrap_used)]

// Shared set-up: one runtime per test process, stores, clocks, inputs.
mod harness;

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
// The SQLite store under faults: kill -9 mid-batch, busy, read-only, full disk.
mod storage_faults;
// Every filter against a reference implementation; pages under concurrent appends.
mod search;
// Exports: formula injection, CSV edge cases, JSON Lines, complete files only.
mod export;
// Who may read, and the event every read leaves.
mod access;
