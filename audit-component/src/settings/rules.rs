//! What the settings members `redaction` and `diff` (documented in
//! `docs/settings.md`) compile to for one action, and their checks.

use crate::core::error::{Error, Result};
use crate::diff;
use crate::redact;
use crate::settings::diff::DiffSettings;
use crate::settings::redaction::RedactionSettings;

/// Entries a list of names in the rules may hold.
const MAX_NAMES: usize = 256;

/// The compiled rules for one action of one tenant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rules {
    /// What is hidden.
    pub redaction: redact::Rules,
    /// How documents are compared.
    pub diff: diff::Options,
}

/// The rules of the members `redaction` and `diff` for `action` (none: the
/// general rules only).
pub fn for_action(r: &RedactionSettings, d: &DiffSettings, action: Option<&str>) -> Rules {
    let mut keys = r.keys.clone();
    let mut exceptions = r.exceptions.clone();
    if let Some(a) = action.and_then(|a| r.actions.get(a)) {
        keys.extend(a.keys.iter().cloned());
        exceptions.extend(a.exceptions.iter().cloned());
    }
    let identity_keys = action
        .and_then(|a| d.actions.get(a))
        .map_or_else(|| d.identity_keys.clone(), |a| a.identity_keys.clone());
    Rules {
        redaction: redact::Rules::new(&keys, &exceptions),
        diff: diff::Options {
            identity_keys,
            ..diff::Options::default()
        },
    }
}

/// Checks the members `redaction` and `diff`; errors name the entry
/// (`settings.redaction.keys[2]`).
pub fn check(r: &RedactionSettings, d: &DiffSettings) -> Result<()> {
    names("settings.redaction.keys", &r.keys, true)?;
    names("settings.redaction.exceptions", &r.exceptions, true)?;
    exceptions("settings.redaction.exceptions", &r.exceptions)?;
    for (action, rules) in &r.actions {
        let at = format!("settings.redaction.actions.{action}");
        action_name(action, "settings.redaction.actions")?;
        names(&format!("{at}.keys"), &rules.keys, true)?;
        names(&format!("{at}.exceptions"), &rules.exceptions, true)?;
        exceptions(&format!("{at}.exceptions"), &rules.exceptions)?;
    }
    names("settings.diff.identity_keys", &d.identity_keys, false)?;
    for (action, rules) in &d.actions {
        let at = format!("settings.diff.actions.{action}");
        action_name(action, "settings.diff.actions")?;
        names(&format!("{at}.identity_keys"), &rules.identity_keys, false)?;
    }
    if r.actions.len() > MAX_NAMES || d.actions.len() > MAX_NAMES {
        return Err(Error::too_large(
            "settings.redaction.actions",
            MAX_NAMES,
            r.actions.len().max(d.actions.len()),
            "items",
        ));
    }
    Ok(())
}

fn action_name(action: &str, field: &str) -> Result<()> {
    crate::core::fields::action(action).map_err(|_| {
        Error::invalid(
            field,
            "each member must be an action name, entity.verb (such as user.updated)",
        )
    })
}

/// Exceptions may lift the rule for names that merely contain a sensitive
/// word (`password_policy`, `csrf_token`), never for the always-hidden names
/// themselves (`password`, `api_key`, `authorization`): redaction of those
/// cannot be switched off.
fn exceptions(field: &str, list: &[String]) -> Result<()> {
    for (i, name) in list.iter().enumerate() {
        if redact::is_always_hidden(name) {
            return Err(Error::invalid(
                format!("{field}[{i}]"),
                "names a member that is always hidden (one of the built-in sensitive names); an exception may only lift a longer name that contains one (such as password_policy)",
            ));
        }
    }
    Ok(())
}

/// A list of member names; `folded`: names matched after folding, which
/// need a letter or digit.
fn names(field: &str, list: &[String], folded: bool) -> Result<()> {
    if list.len() > MAX_NAMES {
        return Err(Error::too_large(field, MAX_NAMES, list.len(), "items"));
    }
    for (i, name) in list.iter().enumerate() {
        if folded && redact::words(name).is_empty() {
            return Err(Error::invalid(
                format!("{field}[{i}]"),
                "must hold at least one letter or digit",
            ));
        }
        if name.is_empty() {
            return Err(Error::invalid(format!("{field}[{i}]"), "must not be empty"));
        }
        if name.len() > crate::core::limits::MAX_NAME_BYTES {
            return Err(Error::too_large(
                format!("{field}[{i}]"),
                crate::core::limits::MAX_NAME_BYTES,
                name.len(),
                "bytes",
            ));
        }
    }
    Ok(())
}
