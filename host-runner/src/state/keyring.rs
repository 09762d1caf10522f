//! The `keyring` import: keyed fingerprints of redacted values, computed by
//! the host's [`Keyring`](crate::keys::Keyring), which holds the key.

use crate::bindings::{self, KeyringError};
use crate::state::host_state::HostState;

impl bindings::audit::log::keyring::Host for HostState {
    fn fingerprints(
        &mut self,
        tenant: String,
        messages: Vec<Vec<u8>>,
    ) -> Result<Vec<Vec<u8>>, KeyringError> {
        let Some(keyring) = &self.keyring else {
            return Err(KeyringError::NoKey);
        };
        match keyring.fingerprints(&tenant, &messages) {
            Ok(Some(digests)) => Ok(digests.into_iter().map(|d| d.to_vec()).collect()),
            Ok(None) => Err(KeyringError::NoKey),
            Err(m) => Err(KeyringError::Failed(crate::error::one_line(&m))),
        }
    }
}
