//! The log's own actions (`audit_log.*`): recorded only by the log itself,
//! in every tenant's catalog.

use super::builtin::{Builtin, action};
use crate::core::own;

/// Every action of the log's own.
pub const ACTIONS: &[Builtin] = &[
    action(
        own::VIEWED,
        "Audit Log Viewed",
        "audit_log",
        "viewed",
        &[own::TARGET_KIND],
    ),
    action(
        own::EXPORTED,
        "Audit Log Exported",
        "audit_log",
        "exported",
        &[own::TARGET_KIND],
    ),
    action(
        own::SETTINGS_UPDATED,
        "Audit Log Settings Updated",
        "audit_log",
        "updated",
        &[own::TARGET_KIND],
    ),
    action(
        own::PURGED,
        "Audit Log Purged",
        "audit_log",
        "deleted",
        &[own::TARGET_KIND],
    ),
];
