//! Recording a password-recovery request.

use super::account::{account_target, hide, prepare, single, unknown, when};
use super::types::*;
use crate::catalog::auth::{RECOVERY_REQUESTED, RECOVERY_UNKNOWN};
use crate::core::error::Result;
use crate::core::fields;
use crate::core::model::{Event, EventInput, Outcome};
use crate::core::store::{Clock, Store};
use crate::core::time;
use crate::ingest::append::commit;

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
        idempotency_key: None,
    };
    let prepared = prepare(store, input)?;
    single(commit(store, clock, vec![prepared])?)
}
