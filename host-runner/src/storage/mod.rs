//! Where the component's rows are kept: the implementations of its `store`
//! import. The SQLite file is the embedded default; the in-memory store
//! serves tests and throwaway runs.

pub mod event_store;
mod memory;
mod sqlite;

pub use event_store::EventStore;
pub use memory::{MemoryStore, SharedMemoryStore};
pub use sqlite::SqliteStore;
