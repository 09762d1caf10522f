//! The authentication log (seed 002's "separate dedicated log"; seeds 000
//! and 001's login events): sign-ins with their method and failure reason,
//! sign-outs with the session's duration, password recovery, and the
//! brute-force alert. Its events are the tenant's events of category
//! `authentication` ([`crate::catalog::auth`]), stored in the same chain as
//! every other event, so they are verified, exported and retained alike.
//!
//! Which events are whose: sign-ins, sign-outs and recoveries are the
//! host's (its user did something; the host calls [`record_login`] and the
//! like, and the actor is that user); `security.brute_force_suspected` is
//! the log's own (the log concluded it, nobody did anything; its actor is
//! the system actor `audit_log`), so no host can record one, and none can
//! be suppressed by recording a fake one. It is not in the `audit_log.*`
//! namespace because it is about the product's security, not the log's
//! bookkeeping, and filters and SIEM rules look for it by that name.

mod brute_force;
pub mod identifier;
mod session;
pub mod view;

use crate::catalog::Writer;
use crate::catalog::auth::{
    LOGIN_FAILED, LOGIN_FAILED_VALID_ACCOUNT, LOGIN_SUCCEEDED, LOGOUT, RECOVERY_REQUESTED,
    RECOVERY_UNKNOWN,
};
use crate::core::error::{Error, Result};
use crate::core::model::{Actor, ActorKind, Context, Event, EventInput, Outcome, Target};
use crate::core::store::{Clock, Store};
use crate::core::time;
use crate::ingest::append::commit;
use crate::ingest::prepare::{Prepared, Preparer};
use crate::json::canonical;
use crate::settings;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::core::fields;
pub use brute_force::IP_KIND;
pub use identifier::Hidden;

/// The actor id of sign-ins whose identifier matched no account.
pub const UNKNOWN_ACTOR: &str = "unknown";

/// How someone signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A password alone.
    Password,
    /// A password and a TOTP code.
    PasswordTotp,
    /// A password and a code sent by e-mail.
    PasswordEmailCode,
    /// Single sign-on.
    Sso,
}

impl Method {
    /// Every method.
    pub const ALL: [Method; 4] = [
        Method::Password,
        Method::PasswordTotp,
        Method::PasswordEmailCode,
        Method::Sso,
    ];

    /// The name stored in the event's metadata (`method`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Password => "password",
            Method::PasswordTotp => "password_totp",
            Method::PasswordEmailCode => "password_email_code",
            Method::Sso => "sso",
        }
    }

    /// The method with this stored name.
    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// Why a sign-in failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The identifier matched no account.
    UnknownAccount,
    /// The account exists; the password was wrong.
    WrongPassword,
    /// The password was right; the second factor was not.
    SecondFactorFailed,
    /// The account is deactivated.
    AccountDeactivated,
}

impl Failure {
    /// The stored failure reason.
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::UnknownAccount => "unknown_account",
            Failure::WrongPassword => "wrong_password",
            Failure::SecondFactorFailed => "second_factor_failed",
            Failure::AccountDeactivated => "account_deactivated",
        }
    }
}

/// One sign-in attempt (the WIT `login-attempt`).
#[derive(Debug, Clone, PartialEq)]
pub struct LoginAttempt {
    /// Tenant.
    pub tenant: String,
    /// The account the identifier matched; `None` when it matched none.
    pub account: Option<Actor>,
    /// What was typed; used (hidden) only when no account matched.
    pub identifier: Option<String>,
    /// How.
    pub method: Method,
    /// `None` when it succeeded.
    pub failure: Option<Failure>,
    /// Where from (the session id of a success is what its logout matches).
    pub context: Context,
    /// When, RFC 3339; when the call started if absent.
    pub occurred_at: Option<String>,
}

/// What recording a sign-in stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LoginRecorded {
    /// The attempt.
    pub event: Event,
    /// The brute-force alert it raised, if it crossed a threshold.
    pub alert: Option<Event>,
}

/// One sign-out (the WIT `logout`).
#[derive(Debug, Clone, PartialEq)]
pub struct Logout {
    /// Tenant.
    pub tenant: String,
    /// Who signed out.
    pub account: Actor,
    /// Where from; `session_id` is required.
    pub context: Context,
    /// When; when the call started if absent.
    pub occurred_at: Option<String>,
}

/// One password-recovery request (the WIT `recovery-request`).
#[derive(Debug, Clone, PartialEq)]
pub struct Recovery {
    /// Tenant.
    pub tenant: String,
    /// The account the identifier matched; `None` when it matched none.
    pub account: Option<Actor>,
    /// What was typed; used (hidden) only when no account matched.
    pub identifier: Option<String>,
    /// Where from.
    pub context: Context,
    /// When; when the call started if absent.
    pub occurred_at: Option<String>,
}

/// Records a sign-in attempt and, for a failure that crosses the tenant's
/// threshold, the brute-force alert, both in one store call.
pub fn record_login(
    store: &mut impl Store,
    clock: &mut impl Clock,
    attempt: LoginAttempt,
) -> Result<LoginRecorded> {
    fields::tenant(&attempt.tenant)?;
    let at = when(clock, attempt.occurred_at.as_deref())?;
    let tenant = attempt.tenant.clone();
    let (action, actor, targets, account_key) = match (attempt.failure, attempt.account) {
        (Some(Failure::UnknownAccount), Some(_)) => {
            return Err(Error::invalid(
                "account",
                "must be absent when the failure is unknown_account",
            ));
        }
        (Some(Failure::UnknownAccount), None) => {
            let hidden = hide(store, &tenant, attempt.identifier.as_deref())?;
            let (actor, targets) = unknown(&hidden);
            let key = targets.first().cloned();
            (LOGIN_FAILED, actor, targets, key)
        }
        (_, None) => {
            return Err(Error::invalid(
                "account",
                "required (only a failure of unknown_account has no account)",
            ));
        }
        (failure, Some(account)) => {
            let target = account_target(&account);
            let action = if failure.is_some() {
                LOGIN_FAILED_VALID_ACCOUNT
            } else {
                LOGIN_SUCCEEDED
            };
            (action, account, vec![target.clone()], Some(target))
        }
    };
    let input = EventInput {
        tenant: tenant.clone(),
        action: action.into(),
        actor,
        targets,
        outcome: if attempt.failure.is_some() {
            Outcome::Failure
        } else {
            Outcome::Success
        },
        failure_reason: attempt.failure.map(|f| f.as_str().to_string()),
        context: attempt.context,
        occurred_at: Some(time::format(at)),
        before: None,
        after: None,
        metadata: Some(canonical::to_string(
            &json!({ "method": attempt.method.as_str() }),
        )),
    };
    let prepared = prepare(store, input)?;
    let mut batch = vec![];
    let alert = if attempt.failure.is_some() {
        let settings = settings::load(store, &tenant)?.auth.brute_force;
        let keys = brute_force::Keys {
            account: account_key,
            ip: prepared.context.ip.clone(),
        };
        brute_force::check(store, &settings, &tenant, at, &keys)?
    } else {
        None
    };
    batch.push(prepared);
    if let Some(alert) = alert {
        batch.push(crate::ingest::prepare::prepare(alert, store)?);
    }
    let mut events = commit(store, clock, batch)?.into_iter();
    let event = events
        .next()
        .ok_or_else(|| Error::Other("the store returned no event".into()))?;
    Ok(LoginRecorded {
        event,
        alert: events.next(),
    })
}

/// Records a sign-out, with the session's duration when its login is found
/// (`metadata.session_duration_ms`, `login_event_id` and the login's
/// `method`; `login_found: false` otherwise).
pub fn record_logout(
    store: &mut impl Store,
    clock: &mut impl Clock,
    logout: Logout,
) -> Result<Event> {
    fields::tenant(&logout.tenant)?;
    let at = when(clock, logout.occurred_at.as_deref())?;
    let Some(session_id) = logout.context.session_id.clone() else {
        return Err(Error::invalid(
            "context.session_id",
            "required: a logout is matched with its login by the session id",
        ));
    };
    if session_id.len() > crate::core::limits::MAX_ID_BYTES {
        return Err(Error::too_large(
            "context.session_id",
            crate::core::limits::MAX_ID_BYTES,
            session_id.len(),
            "bytes",
        ));
    }
    let lookback = settings::load(store, &logout.tenant)?
        .auth
        .session_lookback_days;
    let login = session::find_login(
        store,
        &logout.tenant,
        &logout.account.id,
        &session_id,
        at,
        lookback,
    )?;
    let metadata = match &login {
        Some(login) => {
            let started = time::parse(&login.occurred_at)
                .map_err(|why| Error::Store(format!("a stored login's time: {why}")))?;
            let mut m = json!({
                "session_duration_ms": (at - started).num_milliseconds().max(0),
                "login_event_id": login.id,
            });
            if let Some(method) = login
                .metadata
                .as_ref()
                .and_then(|v| v.get("method"))
                .and_then(Value::as_str)
            {
                m["method"] = json!(method);
            }
            m
        }
        None => json!({ "login_found": false }),
    };
    let input = EventInput {
        tenant: logout.tenant.clone(),
        action: LOGOUT.into(),
        targets: vec![account_target(&logout.account)],
        actor: logout.account,
        outcome: Outcome::Success,
        failure_reason: None,
        context: logout.context,
        occurred_at: Some(time::format(at)),
        before: None,
        after: None,
        metadata: Some(canonical::to_string(&metadata)),
    };
    let prepared = prepare(store, input)?;
    single(commit(store, clock, vec![prepared])?)
}

/// Records a password-recovery request: for an account
/// (`user.password_recovery_requested`) or for an identifier that matched
/// none (`user.password_recovery_unknown_email`, hidden like a sign-in's).
pub fn record_recovery(
    store: &mut impl Store,
    clock: &mut impl Clock,
    request: Recovery,
) -> Result<Event> {
    fields::tenant(&request.tenant)?;
    let at = when(clock, request.occurred_at.as_deref())?;
    let (action, actor, targets, outcome, reason) = match request.account {
        Some(account) => (
            RECOVERY_REQUESTED,
            account.clone(),
            vec![account_target(&account)],
            Outcome::Success,
            None,
        ),
        None => {
            let hidden = hide(store, &request.tenant, request.identifier.as_deref())?;
            let (actor, targets) = unknown(&hidden);
            (
                RECOVERY_UNKNOWN,
                actor,
                targets,
                Outcome::Failure,
                Some(Failure::UnknownAccount.as_str().to_string()),
            )
        }
    };
    let input = EventInput {
        tenant: request.tenant,
        action: action.into(),
        actor,
        targets,
        outcome,
        failure_reason: reason,
        context: request.context,
        occurred_at: Some(time::format(at)),
        before: None,
        after: None,
        metadata: None,
    };
    let prepared = prepare(store, input)?;
    single(commit(store, clock, vec![prepared])?)
}

/// The time of an auth event: as given, or now. Read once, so that the
/// brute-force window and the stored event agree on it.
fn when(clock: &mut impl Clock, given: Option<&str>) -> Result<DateTime<Utc>> {
    match given {
        Some(t) => time::parse(t).map_err(|why| Error::invalid("occurred_at", why)),
        None => Ok(clock.now()),
    }
}

/// Prepares an auth event; errors about its actor name the `account`.
fn prepare(store: &mut impl Store, input: EventInput) -> Result<Prepared> {
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
fn hide(store: &mut impl Store, tenant: &str, identifier: Option<&str>) -> Result<Hidden> {
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
fn unknown(hidden: &Hidden) -> (Actor, Vec<Target>) {
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
fn account_target(account: &Actor) -> Target {
    Target {
        kind: "user".into(),
        id: account.id.clone(),
        name: account.name.clone(),
    }
}

fn single(events: Vec<Event>) -> Result<Event> {
    events
        .into_iter()
        .next()
        .ok_or_else(|| Error::Other("the store returned no event".into()))
}

#[cfg(test)]
mod tests;
