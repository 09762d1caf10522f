//! The log's own actions (`audit_log.*`): recorded only by the log itself,
//! in every tenant's catalog.

use super::{Builtin, action};

/// Every action of the log's own.
pub const ACTIONS: &[Builtin] = &[
    action(
        "audit_log.viewed",
        "Audit Log Viewed",
        "audit_log",
        "viewed",
        &["audit_log"],
    ),
    action(
        "audit_log.exported",
        "Audit Log Exported",
        "audit_log",
        "exported",
        &["audit_log"],
    ),
    action(
        "audit_log.settings_updated",
        "Audit Log Settings Updated",
        "audit_log",
        "updated",
        &["audit_log"],
    ),
    action(
        "audit_log.purged",
        "Audit Log Purged",
        "audit_log",
        "deleted",
        &["audit_log"],
    ),
];
