//! Session duration: a logout is matched with the login of the same
//! session (the same session id, for the same account), the most recent
//! one before it, so that overlapping sessions of one account (two
//! browsers, a phone) each get their own duration.

use crate::catalog::auth::LOGIN_SUCCEEDED;
use crate::core::error::Result;
use crate::core::model::{Event, Outcome};
use crate::core::row::decode;
use crate::core::store::Store;
use crate::core::time;
use crate::json::canonical;
use crate::read::scan::Scanner;
use chrono::{DateTime, Duration, Utc};
use memchr::memmem;

/// The successful login of `account_id` with `session_id` that occurred
/// most recently at or before `at`, looking back at most `lookback_days`.
pub fn find_login(
    store: &mut impl Store,
    tenant: &str,
    account_id: &str,
    session_id: &str,
    at: DateTime<Utc>,
    lookback_days: u32,
) -> Result<Option<Event>> {
    let needle = |name: &str, value: &str| {
        let mut n = String::new();
        canonical::write_string(name, &mut n);
        n.push(':');
        canonical::write_string(value, &mut n);
        memmem::Finder::new(n.as_bytes()).into_owned()
    };
    let action = needle("action", LOGIN_SUCCEEDED);
    let session = needle("session_id", session_id);
    let since = at - Duration::days(i64::from(lookback_days));
    let bounds = (
        Some(time::micros(since)),
        Some(time::micros(at).saturating_add(1)),
    );
    // Latest recorded first: the first match is the session's latest login.
    let mut scan = Scanner::new(tenant, true, None, bounds, 256);
    while let Some(rows) = scan.next_batch(store)? {
        for row in rows {
            let body = row.body.as_bytes();
            if action.find(body).is_none() || session.find(body).is_none() {
                continue;
            }
            let event = decode(tenant, row)?;
            if event.action == LOGIN_SUCCEEDED
                && event.outcome == Outcome::Success
                && event.actor.id == account_id
                && event.context.session_id.as_deref() == Some(session_id)
            {
                return Ok(Some(event));
            }
        }
    }
    // Not found within the look-back: the logout is recorded without a
    // duration.
    Ok(None)
}
