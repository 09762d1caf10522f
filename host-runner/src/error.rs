//! The host library's errors: what a caller can match on.

use crate::bindings;
use std::fmt;

/// Why a call through the host failed.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The component refused the call (bad input, not found, store failure);
    /// nothing was stored.
    #[error("{}", describe(.0))]
    Audit(bindings::Error),
    /// The host refused the call before it reached the component: an
    /// argument over [`Options::max_input_bytes`](crate::Options), a batch
    /// over the component's event limit, or input that is not UTF-8. Same
    /// shape as the component's own errors (`limit-exceeded` or
    /// `invalid-input` naming the field); nothing was stored.
    #[error("{}", describe(.0))]
    Refused(bindings::Error),
    /// The component trapped. The instance is gone; the next call gets a
    /// fresh one. Nothing of the trapped call was acknowledged; nothing was
    /// stored unless `stored_rows` says otherwise.
    #[error("the audit component trapped ({kind}){}{}", .detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default(), stored_note(*.stored_rows))]
    Trap {
        /// What kind of trap.
        kind: TrapKind,
        /// The guest's last words on stderr (a panic message), if any.
        detail: Option<String>,
        /// Rows the store committed during the call before the trap: 0
        /// unless the trap came after the store's write (a deadline that
        /// expired while the store was writing, say). Those events are
        /// stored, whole, but were never acknowledged: a caller that
        /// retries would store them again.
        stored_rows: usize,
    },
    /// Every instance slot is taken: more sessions hold an instance at
    /// once than [`Options::max_instances`](crate::Options::max_instances).
    /// Nothing was called; the call can be retried once a session ends.
    #[error("too many audit sessions at once: {0}")]
    Exhausted(String),
    /// The component could not be loaded, compiled or instantiated.
    #[error("loading the audit component: {0}")]
    Load(String),
    /// The store could not be opened.
    #[error("opening the store: {0}")]
    Storage(String),
    /// The fingerprint master key could not be read or created.
    #[error("fingerprint key: {0}")]
    Key(String),
}

/// The kinds of trap the host tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrapKind {
    /// The call ran past its CPU deadline.
    Deadline,
    /// The guest ran out of memory (its limit, or the allocator failed).
    OutOfMemory,
    /// The guest's stack overflowed.
    StackOverflow,
    /// The guest panicked or reached `unreachable`.
    Panic,
    /// Any other trap (out-of-bounds access, invalid value at the boundary).
    Other,
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrapKind::Deadline => "deadline exceeded",
            TrapKind::OutOfMemory => "out of memory",
            TrapKind::StackOverflow => "stack overflow",
            TrapKind::Panic => "panic",
            TrapKind::Other => "other",
        })
    }
}

fn stored_note(rows: usize) -> String {
    match rows {
        0 => String::new(),
        n => format!(" after the store had committed {n} row(s)"),
    }
}

/// One line for a component error, in the component's own words:
/// `field: reason`.
pub fn describe(e: &bindings::Error) -> String {
    match e {
        bindings::Error::InvalidInput(f) => format!("{}: {}", f.field, f.reason),
        bindings::Error::LimitExceeded(l) => {
            format!(
                "{}: {} {}, over the limit of {} {}",
                l.field, l.actual, l.unit, l.limit, l.unit
            )
        }
        bindings::Error::NotFound(what) => format!("not found: {what}"),
        bindings::Error::Store(m) => format!("store: {m}"),
        bindings::Error::Other(m) => m.clone(),
        bindings::Error::Denied(why) => format!("access denied: {why}"),
    }
}

/// Replaces control characters so that a message stays on one line.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
