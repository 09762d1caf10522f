//! One action of a tenant's catalog, built in or registered, and where it
//! comes from.

use super::builtin::Builtin;
use std::borrow::Cow;

/// Where an action of a tenant's catalog comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The log's own (`audit_log.*`).
    Log,
    /// The authentication log.
    Authentication,
    /// The tenant's profile.
    Profile,
    /// Registered by the tenant.
    Registered,
}

/// One action of a tenant's catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Name.
    pub name: Cow<'a, str>,
    /// Label.
    pub label: Cow<'a, str>,
    /// Category.
    pub category: Cow<'a, str>,
    /// Change type, one of [`super::classify::CHANGE_TYPES`].
    pub change_type: &'static str,
    /// Expected target kinds; empty: any.
    pub targets: Vec<Cow<'a, str>>,
    /// Where it comes from.
    pub origin: Origin,
}

impl Entry<'static> {
    /// A built-in action with this label, from `origin`.
    pub(crate) fn builtin(b: &Builtin, label: &'static str, origin: Origin) -> Self {
        Entry {
            name: Cow::Borrowed(b.name),
            label: Cow::Borrowed(label),
            category: Cow::Borrowed(b.category),
            change_type: b.change_type,
            targets: b.targets.iter().map(|t| Cow::Borrowed(*t)).collect(),
            origin,
        }
    }
}
