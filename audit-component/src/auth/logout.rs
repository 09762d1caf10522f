//! Recording a sign-out, with the session's duration when its sign-in is
//! found.

use super::account::{account_target, prepare, single, when};
use super::session;
use super::types::*;
use crate::catalog::auth::LOGOUT;
use crate::core::error::{Error, Result};
use crate::core::fields;
use crate::core::model::{Event, EventInput, Outcome};
use crate::core::store::{Clock, Store};
use crate::core::time;
use crate::ingest::append::commit;
use crate::json::canonical;
use crate::settings;
use serde_json::{Value, json};

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
        idempotency_key: None,
    };
    let prepared = prepare(store, input)?;
    single(commit(store, clock, vec![prepared])?)
}
