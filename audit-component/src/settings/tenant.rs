//! A tenant's settings: one JSON document per tenant, kept through the
//! store, parsed and checked here, changed only by [`crate::admin`], which
//! records each change in the tenant's own log.
//!
//! Each capability of the log adds its own member to [`TenantSettings`]
//! (one file each in this folder), with a default, so that a tenant that
//! never stored settings behaves as documented in `docs/settings.md`.

use crate::core::error::{Error, Result, store_error};
use crate::core::fields;
use crate::core::store::Store;
use crate::json::canonical;
use crate::json::parse;
use crate::settings::access::AccessSettings;
use crate::settings::auth::AuthSettings;
use crate::settings::catalog::CatalogSettings;
use crate::settings::diff::DiffSettings;
use crate::settings::redaction::RedactionSettings;
use crate::settings::retention::Retention;
use crate::settings::rules::{self, Rules};
use serde::{Deserialize, Serialize};

/// A tenant's settings. Members left out of a stored or given document take
/// their defaults; unknown members are refused.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantSettings {
    /// How long events are kept, and the floor below which nothing may be
    /// purged (`retention.rs`).
    pub retention: Retention,
    /// What is hidden before diffing, hashing and storing ([`rules`]).
    pub redaction: RedactionSettings,
    /// How states are compared ([`rules`]).
    pub diff: DiffSettings,
    /// Who may read the log: `access.enabled`, `access.roles`.
    pub access: AccessSettings,
    /// The tenant's profile and registered actions ([`crate::catalog`]).
    pub catalog: CatalogSettings,
    /// The authentication log: the brute-force threshold and window, how
    /// far back a logout looks for its login ([`crate::auth`]).
    pub auth: AuthSettings,
}

impl TenantSettings {
    /// The redaction and diff rules for `action` (none: the general ones).
    pub fn rules(&self, action: Option<&str>) -> Rules {
        rules::for_action(&self.redaction, &self.diff, action)
    }
}

/// Parses a settings document; errors name the member (`settings.x`).
pub fn parse(text: &str) -> Result<TenantSettings> {
    from_value(parse_object(text)?)
}

/// Applies `patch`, a JSON Merge Patch (RFC 7396), to `settings`: a member
/// given replaces the current one (objects merge member by member, arrays
/// and values replace), a member set to `null` returns to its default.
/// Errors name the member of the patched document (`settings.x`).
pub fn merge(settings: &TenantSettings, patch: &str) -> Result<TenantSettings> {
    // A patch that is not an object would replace the whole document
    // (RFC 7396): that is `parse`, never a patch.
    let patch = parse_object(patch)?;
    let mut doc = serde_json::to_value(settings)
        .map_err(|e| Error::Other(format!("encoding settings: {e}")))?;
    json_patch::merge(&mut doc, &patch);
    from_value(doc)
}

fn parse_object(text: &str) -> Result<serde_json::Value> {
    let value = parse::parse_json("settings", text)?;
    if !value.is_object() {
        return Err(Error::invalid("settings", "must be a JSON object"));
    }
    Ok(value)
}

/// Checks a settings document already parsed as JSON.
fn from_value(value: serde_json::Value) -> Result<TenantSettings> {
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
    rules::check(&settings.redaction, &settings.diff)?;
    settings
        .retention
        .check()
        .map_err(|e| e.within("settings"))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::memory::MemoryStore;

    #[test]
    fn defaults_when_nothing_is_stored() {
        let mut s = MemoryStore::default();
        assert_eq!(load(&mut s, "acme").unwrap(), TenantSettings::default());
        let defaults = to_json(&TenantSettings::default()).unwrap();
        assert_eq!(parse(&defaults).unwrap(), TenantSettings::default());
        assert_eq!(parse("{}").unwrap(), TenantSettings::default());
    }

    #[test]
    fn the_always_hidden_names_cannot_be_excepted() {
        for doc in [
            r#"{"redaction":{"exceptions":["password"]}}"#,
            r#"{"redaction":{"exceptions":["API-Key"]}}"#,
            r#"{"redaction":{"actions":{"user.updated":{"exceptions":["Authorization"]}}}}"#,
        ] {
            let e = parse(doc).unwrap_err().to_string();
            assert!(e.contains("always hidden"), "{doc}: {e}");
            assert!(e.starts_with("settings.redaction."), "{e}");
        }
        assert!(parse(r#"{"redaction":{"exceptions":["password_policy","csrf_token"]}}"#).is_ok());
    }
}
