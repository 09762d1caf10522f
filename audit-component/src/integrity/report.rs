//! What a verification finds: a verdict per kind of tampering, each at one
//! sequence number, and the report that sums them up.

use std::fmt;

/// At most this many findings are listed; the rest are only counted.
pub const MAX_FINDINGS: usize = 1000;

/// What kind of tampering a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingKind {
    /// The event's content does not match its hash, or its row's columns
    /// disagree with its content.
    Modified,
    /// Events are absent: `seq` is the first, `related_seq` the last.
    Missing,
    /// The event at `seq` belongs elsewhere (`related_seq`).
    Reordered,
    /// The event at `seq` repeats the event of `related_seq`.
    Duplicate,
    /// The event's `prev_hash` is not its predecessor's hash.
    ChainBroken,
    /// The log ends before a checkpoint (or the store's head) at `seq`.
    Truncated,
    /// The event at `seq` is not the one a checkpoint or the head recorded:
    /// events up to it were replaced, hashes recomputed.
    Forged,
    /// A checkpoint's signature does not verify, or its key is unknown.
    BadSignature,
}

impl FindingKind {
    /// The name used in reports and in the WIT (`chain-broken`).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Modified => "modified",
            FindingKind::Missing => "missing",
            FindingKind::Reordered => "reordered",
            FindingKind::Duplicate => "duplicate",
            FindingKind::ChainBroken => "chain-broken",
            FindingKind::Truncated => "truncated",
            FindingKind::Forged => "forged",
            FindingKind::BadSignature => "bad-signature",
        }
    }
}

/// One thing found wrong, at one sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What.
    pub kind: FindingKind,
    /// Where.
    pub seq: u64,
    /// The other sequence number involved, if any (see [`FindingKind`]).
    pub related_seq: Option<u64>,
    /// One line for people.
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.related_seq) {
            (FindingKind::Missing, Some(last)) if last != self.seq => {
                write!(f, "missing at seq {}..{}: {}", self.seq, last, self.detail)
            }
            _ => write!(
                f,
                "{} at seq {}: {}",
                self.kind.as_str(),
                self.seq,
                self.detail
            ),
        }
    }
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// The tenant.
    pub tenant: String,
    /// Events examined.
    pub events: u64,
    /// The first event's seq.
    pub first_seq: Option<u64>,
    /// The last event's seq.
    pub last_seq: Option<u64>,
    /// The last event's stored hash.
    pub last_hash: Option<String>,
    /// When the log starts after a purge: the last purged seq, whose hash an
    /// `audit_log.purged` event recorded and the first event links to.
    pub purged_through: Option<u64>,
    /// Signed checkpoints that matched the log.
    pub checkpoints_verified: u32,
    /// Signed checkpoints older than the retained log, which can no longer be
    /// compared (purged events).
    pub checkpoints_skipped: u32,
    /// What was found, in order, at most [`MAX_FINDINGS`].
    pub findings: Vec<Finding>,
    /// Findings beyond [`MAX_FINDINGS`], counted only.
    pub findings_omitted: u64,
}

impl Report {
    /// Nothing was found.
    pub fn intact(&self) -> bool {
        self.findings.is_empty() && self.findings_omitted == 0
    }
}
