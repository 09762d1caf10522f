//! The reference host of the audit component, on wasmtime.
//!
//! A host product embeds the audit log with three pieces: a [`Runtime`]
//! (one engine and the pre-instantiated component, per process), a storage
//! backend implementing the component's `store` import ([`SqliteStore`] by
//! default, [`MemoryStore`] for tests), and a [`Session`] per unit of work
//! that makes typed calls:
//!
//! ```no_run
//! use audit_host::{Runtime, Options, SqliteStore, SystemClock};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = Runtime::new(Options::default())?;
//! let store = SqliteStore::open("audit.db".as_ref())?;
//! let mut session = runtime.session(Box::new(store), Box::new(SystemClock));
//! let inputs = session.parse_inputs(r#"{"tenant":"acme","action":"user.login_succeeded",
//!     "actor":{"id":"u_42","kind":"user"},"outcome":"success"}"#, None)?;
//! let stored = session.append_batch(&inputs)?;
//! println!("seq {} hash {}", stored[0].seq, stored[0].hash);
//! # Ok(()) }
//! ```
//!
//! The component itself is built from `audit-component/` for
//! `wasm32-wasip2` by this crate's build script and embedded as
//! [`runtime::COMPONENT`]. Limits (memory per instance, a deadline per call)
//! are on by default ([`Options`]); a trap never takes the host down: it
//! comes back as [`HostError::Trap`] and the next call gets a fresh instance.
//!
//! The modules below are the layers, bottom first: each imports only from
//! the ones above it in this list (`tests/layers.rs` holds the code to that
//! order, and to no import cycle between files).

// The generated bindings of the world, and the host's one error type.
pub mod bindings;

pub mod error;

// Compiled code: the cache, and the one engine per process.
pub mod cache;

pub mod engine;

// The limits every session runs with.
pub mod options;

// What the component's imports are made of: a clock, a store of rows, keys.
pub mod clock;

pub mod storage;

pub mod keys;

// One instance's host state, and the imports implemented over it.
pub mod state;

// What crosses into the guest, checked before it is lowered.
pub mod boundary;

// Typed calls, one file per WIT interface.
pub mod session;

// The pre-instantiated component, from which sessions are made.
pub mod runtime;

// One tenant's work split over several instances at once.
pub mod fanout;

pub use cache::CacheStatus;
pub use clock::{Clock, SteppingClock, SystemClock};
pub use error::{HostError, TrapKind};
pub use keys::{KeyFile, Keyring, MasterKey, SigningKey};
pub use options::Options;
pub use runtime::Runtime;
pub use session::{Export, Session};
pub use storage::{EventStore, MemoryStore, PostgresStore, SharedMemoryStore, SqliteStore};
