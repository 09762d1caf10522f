//! Per-tenant settings: one JSON document per tenant, kept through the
//! store, validated here, and changed only through [`put`], which records
//! the change in the tenant's own log (`audit_log.settings_updated`).
//!
//! Each capability of the log adds its own member to [`TenantSettings`],
//! with a default, so that a tenant that never stored settings behaves as
//! documented in `docs/settings.md`.

pub mod rules;

use crate::core::error::{Error, Result, store_error};
use crate::core::fields;
use crate::core::model::{Actor, Event, EventInput};
use crate::core::own;
use crate::core::store::{Clock, Store};
use crate::ingest::append::append_own;
use crate::json::canonical;
use crate::json::parse;
use serde::{Deserialize, Serialize};

/// A tenant's settings. Members left out of a stored or given document take
/// their defaults; unknown members are refused.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantSettings {
    /// How long events are kept, and the floor below which nothing may be
    /// purged (`retention.rs`).
    pub retention: crate::integrity::retention::Retention,
    /// What is hidden before diffing, hashing and storing ([`crate::settings::rules`]).
    pub redaction: crate::settings::rules::RedactionSettings,
    /// How states are compared ([`crate::settings::rules`]).
    pub diff: crate::settings::rules::DiffSettings,
    /// Who may read the log: `access.enabled`, `access.roles`.
    pub access: crate::read::access::AccessSettings,
    /// The tenant's profile and registered actions ([`crate::catalog`]).
    pub catalog: crate::catalog::CatalogSettings,
    /// The authentication log: the brute-force threshold and window, how
    /// far back a logout looks for its login ([`crate::auth`]).
    pub auth: crate::auth::AuthSettings,
}

/// Parses a settings document; errors name the member (`settings.x`).
pub fn parse(text: &str) -> Result<TenantSettings> {
    let value = parse::parse_json("settings", text)?;
    if !value.is_object() {
        return Err(Error::invalid("settings", "must be a JSON object"));
    }
    let settings: TenantSettings = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "settings".to_string()
        } else {
            format!("settings.{path}")
        };
        let message = e.into_inner().to_string();
        let reason = match message.strip_prefix("unknown field `") {
            // serde_path_to_error's path already names the member.
            Some(rest) => match rest.split_once(", expected ") {
                Some((_, expected)) => format!("unknown setting; expected {expected}"),
                None => "unknown setting".to_string(),
            },
            None => message,
        };
        Error::invalid(field, reason)
    })?;
    crate::settings::rules::check(&settings)?;
    crate::integrity::retention::check(&settings.retention).map_err(|e| e.within("settings"))?;
    settings.access.check().map_err(|e| e.within("settings"))?;
    settings.catalog.check().map_err(|e| e.within("settings"))?;
    settings.auth.check().map_err(|e| e.within("settings"))?;
    Ok(settings)
}

/// The settings as canonical JSON, defaults included.
pub fn to_json(settings: &TenantSettings) -> Result<String> {
    let value = serde_json::to_value(settings)
        .map_err(|e| Error::Other(format!("encoding settings: {e}")))?;
    Ok(canonical::to_string(&value))
}

/// The tenant's settings, or the defaults when it never stored any.
pub fn load(store: &mut impl Store, tenant: &str) -> Result<TenantSettings> {
    fields::tenant(tenant)?;
    match store.get_settings(tenant).map_err(store_error)? {
        None => Ok(TenantSettings::default()),
        Some(text) => parse(&text).map_err(|e| {
            Error::Store(format!(
                "the stored settings of tenant {tenant} are invalid: {e}"
            ))
        }),
    }
}

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
    let new = parse(text)?;
    let old = load(store, tenant)?;
    apply(store, clock, tenant, &old, &new, actor, None)
}

/// Stores `new` in place of `old` (both already checked) and records the
/// change by `actor`, with `metadata` (a JSON object) when given: what
/// [`put`] and the catalog's registrations share.
pub(crate) fn apply(
    store: &mut impl Store,
    clock: &mut impl Clock,
    tenant: &str,
    old: &TenantSettings,
    new: &TenantSettings,
    actor: Actor,
    metadata: Option<serde_json::Value>,
) -> Result<Event> {
    crate::integrity::retention::check_change(&old.retention, &new.retention)
        .map_err(|e| e.within("settings"))?;
    let (old_json, new_json) = (to_json(old)?, to_json(new)?);
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
    use crate::core::model::ActorKind;
    use crate::core::store::MemoryStore;
    use chrono::{DateTime, Utc};

    struct Fixed;
    impl Clock for Fixed {
        fn now(&mut self) -> DateTime<Utc> {
            DateTime::from_timestamp(1_795_000_000, 0).expect("a valid time")
        }
    }

    fn operator() -> Actor {
        Actor {
            id: "op".into(),
            name: None,
            email: None,
            kind: ActorKind::User,
        }
    }

    #[test]
    fn defaults_when_nothing_is_stored() {
        let mut s = MemoryStore::default();
        assert_eq!(load(&mut s, "acme").unwrap(), TenantSettings::default());
        let defaults = to_json(&TenantSettings::default()).unwrap();
        assert_eq!(parse(&defaults).unwrap(), TenantSettings::default());
        assert_eq!(parse("{}").unwrap(), TenantSettings::default());
    }

    #[test]
    fn a_change_is_recorded_in_the_log() {
        let mut s = MemoryStore::default();
        let event = put(&mut s, &mut Fixed, "acme", "{}", operator()).unwrap();
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
            operator(),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("settings.retension: unknown setting"),
            "{e}"
        );
        assert_eq!(s.head("acme").unwrap(), None);
        assert_eq!(
            put(&mut s, &mut Fixed, "acme", "[]", operator())
                .unwrap_err()
                .to_string(),
            "settings: must be a JSON object"
        );
        assert!(
            put(&mut s, &mut Fixed, "acme", "{", operator())
                .unwrap_err()
                .to_string()
                .starts_with("settings: not valid JSON")
        );
    }
}
