//! Where the component's rows are kept: the implementations of its `store`
//! import. The SQLite file is the embedded default; PostgreSQL serves
//! several hosts on one log; the in-memory store serves tests and
//! throwaway runs.

pub mod event_store;
mod memory;
pub mod postgres;
mod sqlite;
mod time_window;

pub use event_store::EventStore;
pub use memory::{MemoryStore, SharedMemoryStore};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
