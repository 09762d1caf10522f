//! Drafting a checkpoint: the chain is verified first, and only an intact
//! chain's head is drafted for the host to sign.

use crate::core::error::{Error, Result};
use crate::core::store::{Clock, Store};
use crate::integrity::checkpoint::Checkpoint;
use crate::integrity::report::Report;
use crate::integrity::verify;

/// A checkpoint ready to be signed: the host signs `signed_bytes` (UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// Its canonical JSON: exactly what to sign.
    pub signed_bytes: String,
}

/// Verifies the tenant's chain and, only when it is intact, drafts a
/// checkpoint of exactly the head that was verified, at the clock's time: a
/// checkpoint never vouches for a chain that was already tampered with.
/// An empty log has nothing to checkpoint (`not-found`).
pub fn prepare(
    store: &mut impl Store,
    clock: &mut impl Clock,
    tenant: &str,
) -> Result<(Report, Option<Draft>)> {
    let report = verify::verify_chain(store, tenant, &[], &[])?;
    if !report.intact() {
        return Ok((report, None));
    }
    let (Some(seq), Some(hash)) = (report.last_seq, report.last_hash.clone()) else {
        return Err(Error::NotFound(format!(
            "events of tenant {tenant}: the log is empty, there is nothing to checkpoint"
        )));
    };
    let checkpoint = Checkpoint::new(tenant, seq, &hash, clock.now());
    let signed_bytes = checkpoint.signed_bytes();
    Ok((
        report,
        Some(Draft {
            checkpoint,
            signed_bytes,
        }),
    ))
}
