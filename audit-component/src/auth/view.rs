//! Reading the authentication log: a page of the tenant's events of
//! category `authentication`, each with what the log's view shows (user,
//! time, IP, method, outcome, session duration), read and
//! recorded like any query (`audit_log.viewed`).

use super::types::Method;
use crate::catalog::auth::CATEGORY;
use crate::core::error::{Error, Result};
use crate::core::model::{ActorKind, Event};
use crate::core::store::{Clock, Store};
use crate::read::page::PageRequest;
use crate::read::query;
use serde_json::Value;

/// One line of the authentication log.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The event.
    pub event: Event,
    /// Who, as people see it: the account's name (or id), the masked
    /// identifier of an attempt that matched no account, or `System`.
    pub user: String,
    /// How they signed in (on a logout: how the session's login did).
    pub method: Option<Method>,
    /// On a logout whose login was found: the session's length.
    pub session_duration_ms: Option<u64>,
}

/// A page of the authentication log.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The entries, in the requested order.
    pub entries: Vec<Entry>,
    /// Where the next page starts.
    pub next_cursor: Option<String>,
    /// Every match, when counted.
    pub total: Option<u64>,
}

/// Reads one page of the authentication log for the request's viewer. The
/// filter's category must be absent or `authentication`.
pub fn read(store: &mut impl Store, clock: &mut impl Clock, request: &PageRequest) -> Result<Page> {
    let mut request = request.clone();
    match request.filter.category.as_deref() {
        None | Some(CATEGORY) => request.filter.category = Some(CATEGORY.into()),
        Some(_) => {
            return Err(Error::invalid(
                "filter.category",
                "the authentication log holds the category authentication only",
            ));
        }
    }
    let page = query::query(store, clock, &request)?;
    Ok(Page {
        entries: page.events.into_iter().map(entry).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    })
}

/// An event as a line of the authentication log.
pub fn entry(event: Event) -> Entry {
    let user = match (&event.actor.kind, &event.actor.name) {
        (ActorKind::System, None) => "System".to_string(),
        (_, Some(name)) => name.clone(),
        (_, None) => event.actor.id.clone(),
    };
    let meta = |name: &str| event.metadata.as_ref().and_then(|m| m.get(name));
    let method = meta("method")
        .and_then(Value::as_str)
        .and_then(Method::parse);
    let session_duration_ms = meta("session_duration_ms").and_then(Value::as_u64);
    Entry {
        user,
        method,
        session_duration_ms,
        event,
    }
}
