//! The proof an export carries: one last line (or CSV record) naming the
//! signed checkpoint the export runs through, so that it can be checked
//! offline without the store (`export_check.rs`).
//!
//! A JSON Lines export with proof is the tenant's events, one stored event
//! per line exactly as `codec::to_json` writes it (so each line carries its
//! `seq`, `prev_hash` and `hash`), oldest first, from the first retained
//! event through a signed checkpoint, followed by one last line:
//!
//! ```text
//! {"audit_log_proof":{"checkpoint":{...signed checkpoint document...},"first_seq":1,"head_hash":"...","last_seq":10,"tenant":"acme","type":"audit:log/export-proof@1"}}
//! ```

use crate::core::error::{Error, Result};
use crate::integrity::checkpoint::{self, Document};
use crate::json::canonical;
use serde::{Deserialize, Serialize};

/// The `type` of a proof.
pub const PROOF_TYPE: &str = "audit:log/export-proof@1";

/// The one member of a proof line.
pub const PROOF_MEMBER: &str = "audit_log_proof";

/// The longest line (or CSV record) a verifier accepts, in bytes: an event
/// holds at most a few MiB (two 1 MiB states become its changes).
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// What an export's proof line holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proof {
    /// The signed checkpoint of the export's last event.
    pub checkpoint: Document,
    /// The export's first seq.
    pub first_seq: u64,
    /// The checkpoint's hash, repeated for people reading the file.
    pub head_hash: String,
    /// The checkpoint's seq, repeated.
    pub last_seq: u64,
    /// The checkpoint's tenant, repeated.
    pub tenant: String,
    /// Always [`PROOF_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
}

/// The proof for an export of events `first_seq` through the checkpoint's
/// seq: the `{"audit_log_proof": ...}` object, as one canonical JSON line
/// without a newline.
pub fn proof_line(checkpoint_document: &str, first_seq: u64) -> Result<String> {
    let checkpoint =
        checkpoint::parse_document(checkpoint_document).map_err(|e| e.within("checkpoint"))?;
    if first_seq == 0 || first_seq > checkpoint.checkpoint.seq {
        return Err(Error::invalid(
            "first_seq",
            "must be between 1 and the checkpoint's seq",
        ));
    }
    let proof = Proof {
        first_seq,
        head_hash: checkpoint.checkpoint.hash.clone(),
        last_seq: checkpoint.checkpoint.seq,
        tenant: checkpoint.checkpoint.tenant.clone(),
        kind: PROOF_TYPE.into(),
        checkpoint,
    };
    let value = serde_json::json!({ PROOF_MEMBER: proof });
    Ok(canonical::to_string(&value))
}
