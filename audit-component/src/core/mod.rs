//! What every layer stands on: the event model, the one error type and its
//! limits, the store and clock the host provides, the hash chain, times,
//! IP addresses, field checks and the log's own events.

pub mod chain;
pub mod error;
pub mod fields;
pub mod ip;
pub mod limits;
pub mod memory;
pub mod model;
pub mod own;
pub mod row;
pub mod store;
pub mod time;
