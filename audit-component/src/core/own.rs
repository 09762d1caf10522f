//! The log's own events (`audit_log.*`): what the log records about itself
//! (reads, settings changes, purges), their action names, and the one
//! constructor they are all built with. Only the log records them: hosts
//! are refused the namespace, so none can be faked (a purge anchor above
//! all).

use crate::core::model::{Actor, ActorKind, Context, EventInput, Outcome, Target};

/// The namespace of the log's own actions.
pub const RESERVED_PREFIX: &str = "audit_log.";
/// A page or one event was read (or a read was refused).
pub const VIEWED: &str = "audit_log.viewed";
/// An export was read (or refused).
pub const EXPORTED: &str = "audit_log.exported";
/// The tenant's settings changed (a registration of actions included).
pub const SETTINGS_UPDATED: &str = "audit_log.settings_updated";
/// Old events were purged; its metadata anchors the chain that remains.
pub const PURGED: &str = "audit_log.purged";
/// The target kind of the log's own events: the tenant's log itself.
pub const TARGET_KIND: &str = "audit_log";
/// The actor id of what the log concludes by itself (the brute-force
/// alert): the system actor `audit_log`.
pub const SYSTEM_ACTOR: &str = "audit_log";

/// One of the log's own events about `tenant`'s log, by `actor`: a success
/// with the log as its target and nothing else; callers add the context,
/// states, metadata or failure their event carries.
pub fn event(tenant: &str, action: &str, actor: Actor) -> EventInput {
    EventInput {
        tenant: tenant.to_string(),
        action: action.to_string(),
        actor,
        targets: vec![Target {
            kind: TARGET_KIND.into(),
            id: tenant.to_string(),
            name: None,
        }],
        outcome: Outcome::Success,
        failure_reason: None,
        context: Context::default(),
        occurred_at: None,
        before: None,
        after: None,
        metadata: None,
        idempotency_key: None,
    }
}

/// The log itself as an actor (shown as "System").
pub fn system_actor() -> Actor {
    Actor {
        id: SYSTEM_ACTOR.into(),
        name: None,
        email: None,
        kind: ActorKind::System,
    }
}
