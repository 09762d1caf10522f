//! Exports: a filtered read streamed in chunks as CSV (every cell
//! neutralised) or JSON Lines, optionally with a proof.

pub mod cells;
pub mod exporter;
pub mod layout;
pub mod neutralise;
pub mod parts;
pub mod view;
