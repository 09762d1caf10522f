//! Changing a tenant's settings: every change recorded in its own log as an
//! `audit_log.settings_updated` event whose changes are the settings that
//! changed, before the settings are stored.

use crate::core::error::{Result, store_error};
use crate::core::model::{Actor, Event, EventInput};
use crate::core::own;
use crate::core::store::{Clock, Store};
use crate::ingest::append::append_own;
use crate::json::canonical;
use crate::settings::{self, TenantSettings};

/// Replaces the tenant's settings and records the change, by `actor`, as an
/// `audit_log.settings_updated` event whose changes are the settings that
/// changed. The event is recorded before the settings are stored, so that no
/// change is ever applied unrecorded.
pub fn put(
    store: &mut impl Store,
    clock: &mut impl Clock,
    tenant: &str,
    text: &str,
    actor: Actor,
) -> Result<Event> {
    let new = settings::parse(text)?;
    let old = settings::load(store, tenant)?;
    apply(store, clock, tenant, &old, &new, actor, None)
}

/// Applies `patch`, a JSON Merge Patch (RFC 7396), to the tenant's settings
/// and records the change as [`put`] does: the way to change one member
/// without restating, and so without dropping, the others.
pub fn patch(
    store: &mut impl Store,
    clock: &mut impl Clock,
    tenant: &str,
    patch: &str,
    actor: Actor,
) -> Result<Event> {
    let old = settings::load(store, tenant)?;
    let new = settings::merge(&old, patch)?;
    apply(store, clock, tenant, &old, &new, actor, None)
}

/// Stores `new` in place of `old` (both already checked) and records the
/// change by `actor`, with `metadata` (a JSON object) when given: what
/// [`put`] and registrations of actions ([`crate::admin::register`]) share.
pub(crate) fn apply(
    store: &mut impl Store,
    clock: &mut impl Clock,
    tenant: &str,
    old: &TenantSettings,
    new: &TenantSettings,
    actor: Actor,
    metadata: Option<serde_json::Value>,
) -> Result<Event> {
    old.retention
        .check_change(&new.retention)
        .map_err(|e| e.within("settings"))?;
    let (old_json, new_json) = (settings::to_json(old)?, settings::to_json(new)?);
    let input = EventInput {
        before: Some(old_json),
        after: Some(new_json.clone()),
        metadata: metadata.map(|m| canonical::to_string(&m)),
        ..own::event(tenant, own::SETTINGS_UPDATED, actor)
    };
    let event = append_own(store, clock, input)?;
    store.put_settings(tenant, &new_json).map_err(store_error)?;
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::memory::MemoryStore;
    use crate::settings::{TenantSettings, parse};
    use crate::test_support::{Fixed, user};

    #[test]
    fn a_change_is_recorded_in_the_log() {
        let mut s = MemoryStore::default();
        let event = put(&mut s, &mut Fixed, "acme", "{}", user("op")).unwrap();
        assert_eq!(event.action, "audit_log.settings_updated");
        assert_eq!(event.seq, 1);
        let stored = s.get_settings("acme").unwrap().unwrap();
        assert_eq!(parse(&stored).unwrap(), TenantSettings::default());
    }

    #[test]
    fn unknown_members_are_refused_and_nothing_is_stored() {
        let mut s = MemoryStore::default();
        let e = put(
            &mut s,
            &mut Fixed,
            "acme",
            r#"{"retension": 5}"#,
            user("op"),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("settings.retension: unknown setting"),
            "{e}"
        );
        assert_eq!(s.head("acme").unwrap(), None);
        assert_eq!(
            put(&mut s, &mut Fixed, "acme", "[]", user("op"))
                .unwrap_err()
                .to_string(),
            "settings: must be a JSON object"
        );
        assert!(
            put(&mut s, &mut Fixed, "acme", "{", user("op"))
                .unwrap_err()
                .to_string()
                .starts_with("settings: not valid JSON")
        );
    }
}
