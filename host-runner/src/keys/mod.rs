//! The keys the host holds and the component never sees: the master key
//! whose per-tenant keys fingerprint redacted values, and the Ed25519 key
//! that signs checkpoints.

pub mod fingerprint;
pub mod signing;

pub use fingerprint::{KeyFile, Keyring, MasterKey};
pub use signing::SigningKey;
