//! The exit statuses of `audit-host`, one meaning each, so that a script
//! knows whether a retry could record an event twice.
//!
//! | status | meaning |
//! | --- | --- |
//! | 0 | done |
//! | 1 | failed; nothing was stored by this command |
//! | 2 | usage error (from clap); nothing was run |
//! | 3 | `verify`, `checkpoint`, `purge`: the chain is not intact |
//! | 4 | `verify`, `checkpoint`: the store has no such tenant |
//! | 5 | stored, but not every stored event was acknowledged (standard output closed or full, or a trap after the store's commit): a retry stores them again, except events with an `idempotency_key` |
//! | 6 | `append` in batches: the acknowledged batches are stored, a later one was refused and nothing after it was stored |

use std::fmt;

/// Failed; nothing was stored.
pub const FAILURE: u8 = 1;
/// The chain is not intact.
pub const NOT_INTACT: u8 = 3;
/// The store has no such tenant.
pub const NO_SUCH_TENANT: u8 = 4;
/// Stored, but the acknowledgement was lost.
pub const STORED_UNACKNOWLEDGED: u8 = 5;
/// Some batches stored and acknowledged, a later one refused.
pub const STORED_IN_PART: u8 = 6;

/// An error that ends the command with its own exit status.
#[derive(Debug)]
pub struct Exit {
    /// The status.
    pub code: u8,
    /// The one line printed after `error: `.
    pub message: String,
}

impl Exit {
    /// An error with this status.
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Exit {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Exit {}

/// Whether an error is a write into a closed pipe (`| head`): a reading
/// command then ends quietly, as ripgrep does.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
