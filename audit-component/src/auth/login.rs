//! Recording a sign-in attempt, and the brute-force alert a failure may
//! raise, in one store call.

use super::account::{account_target, hide, prepare, unknown, when};
use super::brute_force;
use super::types::*;
use crate::catalog::auth::{LOGIN_FAILED, LOGIN_FAILED_VALID_ACCOUNT, LOGIN_SUCCEEDED};
use crate::core::error::{Error, Result};
use crate::core::fields;
use crate::core::model::{EventInput, Outcome};
use crate::core::store::{Clock, Store};
use crate::core::time;
use crate::ingest::append::commit;
use crate::json::canonical;
use crate::settings;
use serde_json::json;

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
        idempotency_key: None,
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
