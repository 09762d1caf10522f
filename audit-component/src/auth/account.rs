//! What every authentication event shares: its time, its preparation
//! (errors about the actor name the `account`), and how an identifier that
//! matched no account is hidden and shown.

use super::identifier::{self, Hidden};
use super::types::UNKNOWN_ACTOR;
use crate::catalog::Writer;
use crate::core::error::{Error, Result};
use crate::core::model::{Actor, ActorKind, Event, EventInput, Target};
use crate::core::store::{Clock, Store};
use crate::core::time;
use crate::ingest::prepare::{Prepared, Preparer};
use chrono::{DateTime, Utc};

/// The time of an auth event: as given, or now. Read once, so that the
/// brute-force window and the stored event agree on it.
pub(super) fn when(clock: &mut impl Clock, given: Option<&str>) -> Result<DateTime<Utc>> {
    match given {
        Some(t) => time::parse(t).map_err(|why| Error::invalid("occurred_at", why)),
        None => Ok(clock.now()),
    }
}

/// Prepares an auth event; errors about its actor name the `account`.
pub(super) fn prepare(store: &mut impl Store, input: EventInput) -> Result<Prepared> {
    Preparer::with_writer(store, Writer::Auth)
        .prepare(input)
        .map_err(|e| match e {
            Error::InvalidInput { field, reason } => Error::InvalidInput {
                field: account_field(field),
                reason,
            },
            Error::LimitExceeded {
                field,
                limit,
                actual,
                unit,
            } => Error::LimitExceeded {
                field: account_field(field),
                limit,
                actual,
                unit,
            },
            other => other,
        })
}

fn account_field(field: String) -> String {
    match field.strip_prefix("actor") {
        Some(rest) => format!("account{rest}"),
        None => field,
    }
}

/// The identifier of an attempt that matched no account, hidden.
pub(super) fn hide(
    store: &mut impl Store,
    tenant: &str,
    identifier: Option<&str>,
) -> Result<Hidden> {
    let Some(text) = identifier else {
        return Err(Error::invalid(
            "identifier",
            "required when no account matched (it is stored only as a fingerprint and a masked form)",
        ));
    };
    identifier::hide(store, tenant, "identifier", text)
}

/// The actor and target of an attempt that matched no account: the masked
/// identifier as the actor's name; the fingerprint as the target's id, when
/// the host has a key (without one, no target: nothing to count by).
pub(super) fn unknown(hidden: &Hidden) -> (Actor, Vec<Target>) {
    let actor = Actor {
        id: UNKNOWN_ACTOR.into(),
        name: Some(hidden.masked.clone()),
        email: None,
        kind: ActorKind::User,
    };
    let targets = hidden
        .fingerprint
        .iter()
        .map(|fp| Target {
            kind: "identifier".into(),
            id: fp.clone(),
            name: Some(hidden.masked.clone()),
        })
        .collect();
    (actor, targets)
}

/// The account as the target of its own sign-in.
pub(super) fn account_target(account: &Actor) -> Target {
    Target {
        kind: "user".into(),
        id: account.id.clone(),
        name: account.name.clone(),
    }
}

pub(super) fn single(events: Vec<Event>) -> Result<Event> {
    events
        .into_iter()
        .next()
        .ok_or_else(|| Error::Other("the store returned no event".into()))
}
