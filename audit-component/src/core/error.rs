//! The one error type of the engine, mirroring the WIT `error` variant.
//!
//! Every message is a single line that names the field; values are never
//! echoed (they may be secrets), except short enum tokens, escaped.

use crate::core::store::StoreError;
use std::fmt;

/// Why a call was refused or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A field is missing, malformed or not allowed.
    InvalidInput {
        /// The field, as a path (`context.ip`, `events[3].actor.id`).
        field: String,
        /// Why, in one line.
        reason: String,
    },
    /// A size or count is over its limit.
    LimitExceeded {
        /// The field, as a path.
        field: String,
        /// The limit.
        limit: u64,
        /// What was given.
        actual: u64,
        /// The unit of both numbers: `bytes`, `items`, `levels`.
        unit: &'static str,
    },
    /// The named thing does not exist.
    NotFound(String),
    /// The host's store failed.
    Store(String),
    /// Anything else.
    Other(String),
    /// The viewer may not read the tenant's log.
    Denied(String),
}

/// Shorthand for results of the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A refused field.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: one_line(reason.into()),
        }
    }

    /// A field over its limit.
    pub fn too_large(
        field: impl Into<String>,
        limit: usize,
        actual: usize,
        unit: &'static str,
    ) -> Self {
        Error::LimitExceeded {
            field: field.into(),
            limit: limit as u64,
            actual: actual as u64,
            unit,
        }
    }

    /// The same error with its field path placed under `prefix`
    /// (`actor.id` under `events[3]` becomes `events[3].actor.id`).
    pub fn within(self, prefix: &str) -> Self {
        let join = |field: String| {
            if field.is_empty() {
                prefix.to_string()
            } else if field.starts_with('[') {
                format!("{prefix}{field}")
            } else {
                format!("{prefix}.{field}")
            }
        };
        match self {
            Error::InvalidInput { field, reason } => Error::InvalidInput {
                field: join(field),
                reason,
            },
            Error::LimitExceeded {
                field,
                limit,
                actual,
                unit,
            } => Error::LimitExceeded {
                field: join(field),
                limit,
                actual,
                unit,
            },
            other => other,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput { field, reason } => write!(f, "{field}: {reason}"),
            Error::LimitExceeded {
                field,
                limit,
                actual,
                unit,
            } => {
                write!(
                    f,
                    "{field}: {actual} {unit}, over the limit of {limit} {unit}"
                )
            }
            Error::NotFound(what) => write!(f, "not found: {what}"),
            Error::Store(message) => write!(f, "store: {message}"),
            Error::Other(message) => f.write_str(message),
            Error::Denied(why) => write!(f, "access denied: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// A failure of the host's store as an engine error.
pub fn store_error(e: StoreError) -> Error {
    match e {
        StoreError::Conflict => Error::Store("the log moved while it was being written".into()),
        StoreError::Busy(m) => Error::Store(format!("busy: {m}")),
        StoreError::Failed(m) => Error::Store(m),
    }
}

/// Replaces line breaks and other control characters so that a message stays
/// on one line whatever it quotes.
pub fn one_line(text: String) -> String {
    if !text.chars().any(char::is_control) {
        return text;
    }
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A short, escaped rendering of a token a caller sent (an unknown enum
/// value), safe to put in a message: JSON-escaped and cut at 40 characters.
pub fn quoted(token: &str) -> String {
    let cut: String = token.chars().take(40).collect();
    let mut out = serde_json::to_string(&cut).unwrap_or_else(|_| "\"?\"".into());
    if cut.len() < token.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_nest_under_a_prefix() {
        let e = Error::invalid("actor.id", "required").within("events[3]");
        assert_eq!(e.to_string(), "events[3].actor.id: required");
        let e = Error::invalid("", "not JSON").within("events[0]");
        assert_eq!(e.to_string(), "events[0]: not JSON");
    }

    #[test]
    fn messages_stay_on_one_line() {
        let e = Error::invalid("x", "bad\nvalue\r\u{85}here");
        assert!(!e.to_string().contains(['\n', '\r', '\u{85}']));
    }

    #[test]
    fn quoted_tokens_are_escaped_and_cut() {
        assert_eq!(quoted("robot\n"), "\"robot\\n\"");
        assert!(quoted(&"x".repeat(100)).ends_with('…'));
    }
}
