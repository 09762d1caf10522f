//! What a PostgreSQL error means to the component: the `store-error` it
//! becomes, told apart by SQLSTATE.

use crate::bindings::StoreError;
use postgres::error::SqlState;

/// One line describing a client or server error: the server's message and
/// its SQLSTATE, or the client's (a lost connection, a refused one).
pub fn describe(e: &postgres::Error) -> String {
    let text = match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => {
            // The client's error, then each cause it names that it does not
            // already say ("error connecting to server: Connection refused").
            let mut text = e.to_string();
            let mut cause = std::error::Error::source(e);
            while let Some(c) = cause {
                let said = c.to_string();
                if !text.contains(&said) {
                    text.push_str(": ");
                    text.push_str(&said);
                }
                cause = c.source();
            }
            text
        }
    };
    crate::error::one_line(&text)
}

/// Whether the call may be run again as it is: the server chose it as the
/// victim of a deadlock or of a serialisation failure, and rolled it back.
pub(crate) fn retryable(e: &postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
    )
}

/// Whether the connection is gone: the client lost it, or the server is
/// shutting down or restarting and ended it.
pub(crate) fn lost(e: &postgres::Error) -> bool {
    match e.code() {
        None => {
            e.is_closed() || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
        }
        Some(c) => {
            *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
                || c.code().starts_with("08")
        }
    }
}

/// The `store-error` for a failed call. `busy_ms` is the wait that ran out.
pub(crate) fn store_error(e: &postgres::Error, busy_ms: u128) -> StoreError {
    let Some(code) = e.code() else {
        // No SQLSTATE: the connection broke (the server restarted, the
        // network dropped). The transaction died with it, so nothing of the
        // call is stored; the connection is discarded and the next call
        // opens another.
        return StoreError::Failed(format!(
            "the connection to the server was lost: {}",
            describe(e)
        ));
    };
    if *code == SqlState::UNIQUE_VIOLATION {
        // A duplicate (tenant, seq), (tenant, prev_hash) or (tenant, id):
        // another writer continued the chain first. The component reads the
        // head again and retries.
        StoreError::Conflict
    } else if *code == SqlState::LOCK_NOT_AVAILABLE {
        StoreError::Busy(format!(
            "another writer held the tenant's head for over {busy_ms} ms"
        ))
    } else if *code == SqlState::QUERY_CANCELED {
        StoreError::Busy(format!(
            "the server cancelled the statement (statement_timeout): {}",
            describe(e)
        ))
    } else if *code == SqlState::T_R_SERIALIZATION_FAILURE
        || *code == SqlState::T_R_DEADLOCK_DETECTED
    {
        StoreError::Busy(format!(
            "the server kept refusing the transaction: {}",
            describe(e)
        ))
    } else if *code == SqlState::READ_ONLY_SQL_TRANSACTION {
        StoreError::Failed(
            "the server is read-only (a standby replica?): give the primary's address to write"
                .into(),
        )
    } else if lost(e) {
        StoreError::Failed(format!(
            "the connection to the server was lost: {}",
            describe(e)
        ))
    } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
        StoreError::Failed(format!(
            "the role may not do this (see the README's privileges): {}",
            describe(e)
        ))
    } else {
        StoreError::Failed(describe(e))
    }
}

/// The error of a commit whose connection broke before the server answered:
/// the batch may be stored or not, and the caller must look.
pub(crate) fn lost_in_commit(e: &postgres::Error) -> StoreError {
    StoreError::Failed(format!(
        "the connection to the server was lost while the batch was committed, so it may or may not be stored: read the log before sending it again ({})",
        describe(e)
    ))
}
