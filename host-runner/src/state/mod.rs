//! The host's side of one instance: [`HostState`], and beside it the
//! implementations of the component's imports (`store`, `clock`, `keyring`)
//! and the memory limiter.

mod clock;
pub mod host_state;
mod keyring;
pub mod limiter;
mod store;

pub use host_state::HostState;
pub use limiter::MemoryLimiter;
