//! The `diff` interface: two documents compared, nothing stored. No logic
//! lives here.

use super::Component;
use super::convert::*;
use super::generated::audit::log::types as wit;
use super::generated::exports::audit::log::diff as wdiff;
use super::imports::fingerprints;
use crate::core::store;

impl wdiff::Guest for Component {
    fn diff(request: wdiff::DiffRequest) -> Result<wdiff::DiffResult, wit::Error> {
        let compared = crate::ingest::capture::request(
            &request.before,
            &request.after,
            request.settings.as_deref(),
            request.action.as_deref(),
            request.tenant.as_deref(),
            &mut keyring,
        )
        .map_err(error)?;
        Ok(wdiff::DiffResult {
            patch: compared.patch,
            changes: compared.changes.into_iter().map(change_out).collect(),
        })
    }

    fn patch(request: wdiff::DiffRequest) -> Result<String, wit::Error> {
        crate::ingest::capture::request_patch(
            &request.before,
            &request.after,
            request.settings.as_deref(),
            request.action.as_deref(),
            request.tenant.as_deref(),
            &mut keyring,
        )
        .map_err(error)
    }
}

/// The host's keyring, its failures as the diff's errors.
fn keyring(tenant: &str, messages: &[Vec<u8>]) -> crate::Result<Option<Vec<[u8; 32]>>> {
    fingerprints(tenant, messages).map_err(|e| match e {
        store::StoreError::Failed(m) | store::StoreError::Busy(m) => crate::Error::Other(m),
        store::StoreError::Conflict => crate::Error::Other("keyring: conflict".into()),
    })
}
