//! The anchor a purge leaves: what its `audit_log.purged` event records, so
//! that a verifier accepts that the log starts after the purged prefix.

use serde::{Deserialize, Serialize};

/// What an `audit_log.purged` event records (its `metadata`): enough for a
/// verifier to accept that the log starts after `through_seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    /// The first seq this purge deleted.
    pub first_seq: u64,
    /// The last seq it deleted.
    pub through_seq: u64,
    /// That event's hash: the next event's `prev_hash`.
    pub through_hash: String,
    /// How many events it deleted.
    pub count: u64,
    /// It deleted events recorded before this time.
    pub recorded_before: String,
    /// The retention period in force, in days.
    pub retention_days: u32,
}
