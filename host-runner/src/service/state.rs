//! What every handler shares: the workers, the key table, the keys, the
//! limits.

use super::api_keys::ApiKeys;
use super::limits::{Limits, RateLimiter};
use super::workers::Workers;
use audit_host::{MasterKey, SigningKey};
use std::sync::Arc;

/// The service's shared state.
pub struct AppState {
    /// The sessions that call the component.
    pub workers: Arc<Workers>,
    /// The service keys.
    pub keys: ApiKeys,
    /// The store's master key: viewer tokens are signed with keys derived
    /// from it.
    pub master: MasterKey,
    /// The key checkpoints are signed with (`serve --signing-key`).
    pub signing_key: Option<Arc<SigningKey>>,
    /// The limits in force.
    pub limits: Limits,
    /// Reads per key.
    pub read_rate: RateLimiter,
}

/// The state as handlers take it.
pub type Shared = Arc<AppState>;
