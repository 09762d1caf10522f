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

pub mod bindings;
pub mod boundary;
pub mod cache;
pub mod clock;
pub mod engine;
pub mod error;
pub mod export;
pub mod integrity;
pub mod keys;
pub mod runtime;
pub mod session;
pub mod state;
pub mod storage;

pub use cache::CacheStatus;
pub use clock::{Clock, SteppingClock, SystemClock};
pub use error::{HostError, TrapKind};
pub use export::Export;
pub use keys::{KeyFile, Keyring, MasterKey};
pub use runtime::{Options, Runtime};
pub use session::Session;
pub use storage::{EventStore, MemoryStore, SqliteStore};
