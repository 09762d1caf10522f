//! Actions a tenant registers itself (`catalog.actions` in its settings):
//! the same fields as a built-in action, checked so that a registration
//! can never shadow the log's own actions, the authentication log's, or
//! its profile's (a refused action included).

use super::builtin::Profile;
use super::classify::change_type;
use super::entry::{Entry, Origin};
use super::{auth, own};
use crate::catalog::classify::CHANGE_TYPES;
use crate::core::error::{Error, Result};
use crate::core::fields;
use crate::core::limits::MAX_NAME_BYTES;
use crate::json::parse;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Registered actions per tenant, at most.
pub const MAX_REGISTERED: usize = 1000;
/// Bytes per label.
pub const MAX_LABEL_BYTES: usize = 128;
/// Bytes per category name.
pub const MAX_CATEGORY_BYTES: usize = 64;
/// Expected target kinds per action.
pub const MAX_TARGET_KINDS: usize = 16;

/// One registered action (its JSON form in settings, in
/// `catalog.register-actions` and in `audit-host actions register`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// `entity.verb`.
    pub name: String,
    /// What people see.
    pub label: String,
    /// Lowercase letters, digits and `_`.
    pub category: String,
    /// One of the change types.
    pub change_type: String,
    /// The target kinds its events may name; empty: any.
    #[serde(default)]
    pub target_kinds: Vec<String>,
}

impl Definition {
    /// As an entry of a tenant's catalog. A stored registration was checked
    /// when it was stored; a change type that is not known (impossible
    /// then) reads as `other`.
    pub fn entry(&self) -> Entry<'_> {
        Entry {
            name: Cow::Borrowed(&self.name),
            label: Cow::Borrowed(&self.label),
            category: Cow::Borrowed(&self.category),
            change_type: change_type(&self.change_type).unwrap_or("other"),
            targets: self
                .target_kinds
                .iter()
                .map(|k| Cow::Borrowed(k.as_str()))
                .collect(),
            origin: Origin::Registered,
        }
    }

    /// Checks one definition against the built-ins and the profile; errors
    /// name the member (`label`).
    pub fn check(&self, profile: Option<&Profile>) -> Result<()> {
        fields::action(&self.name).map_err(|e| match e {
            Error::InvalidInput { reason, .. } => Error::invalid("name", reason),
            other => other,
        })?;
        if self.name.len() > MAX_NAME_BYTES {
            return Err(Error::too_large(
                "name",
                MAX_NAME_BYTES,
                self.name.len(),
                "bytes",
            ));
        }
        if self.name.starts_with(crate::core::own::RESERVED_PREFIX)
            || own::ACTIONS.iter().any(|b| b.name == self.name)
        {
            return Err(Error::invalid(
                "name",
                "audit_log.* actions are the log's own",
            ));
        }
        if auth::ACTIONS.iter().any(|b| b.name == self.name) {
            return Err(Error::invalid(
                "name",
                "already an action of the authentication log",
            ));
        }
        if let Some(p) = profile {
            if p.refused.iter().any(|(n, _)| *n == self.name) {
                return Err(Error::invalid(
                    "name",
                    format!("refused in profile {}, so it cannot be registered", p.name),
                ));
            }
            if p.actions.iter().any(|b| b.name == self.name) {
                return Err(Error::invalid(
                    "name",
                    format!("already an action of profile {}", p.name),
                ));
            }
        }
        if self.label.len() > MAX_LABEL_BYTES {
            return Err(Error::too_large(
                "label",
                MAX_LABEL_BYTES,
                self.label.len(),
                "bytes",
            ));
        }
        if self.label.trim().is_empty() || self.label.chars().any(char::is_control) {
            return Err(Error::invalid(
                "label",
                "required, without control characters or line breaks",
            ));
        }
        token("category", &self.category, MAX_CATEGORY_BYTES)?;
        if change_type(&self.change_type).is_none() {
            return Err(Error::invalid(
                "change_type",
                format!("must be one of {}", CHANGE_TYPES.join(", ")),
            ));
        }
        if self.target_kinds.len() > MAX_TARGET_KINDS {
            return Err(Error::too_large(
                "target_kinds",
                MAX_TARGET_KINDS,
                self.target_kinds.len(),
                "items",
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, kind) in self.target_kinds.iter().enumerate() {
            let field = format!("target_kinds[{i}]");
            token(&field, kind, MAX_NAME_BYTES)?;
            if !seen.insert(kind.as_str()) {
                return Err(Error::invalid(field, "listed twice"));
            }
        }
        Ok(())
    }
}

/// Checks a tenant's registrations: each one, no name twice, at most
/// [`MAX_REGISTERED`]; errors name `actions[i].member`.
pub fn check_all(defs: &[Definition], profile: Option<&Profile>) -> Result<()> {
    if defs.len() > MAX_REGISTERED {
        return Err(Error::too_large(
            "actions",
            MAX_REGISTERED,
            defs.len(),
            "items",
        ));
    }
    let mut names = BTreeSet::new();
    for (i, d) in defs.iter().enumerate() {
        d.check(profile)
            .map_err(|e| e.within(&format!("actions[{i}]")))?;
        if !names.insert(d.name.as_str()) {
            return Err(Error::invalid(
                format!("actions[{i}].name"),
                "registered twice",
            ));
        }
    }
    Ok(())
}

/// Registrations as JSON text: one object or an array of objects. Errors
/// name `actions[i].member`.
pub fn parse(text: &str) -> Result<Vec<Definition>> {
    let value = parse::parse_json("actions", text)?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        object @ serde_json::Value::Object(_) => vec![object],
        _ => {
            return Err(Error::invalid(
                "actions",
                "must be a JSON object or an array of objects",
            ));
        }
    };
    if items.len() > MAX_REGISTERED {
        return Err(Error::too_large(
            "actions",
            MAX_REGISTERED,
            items.len(),
            "items",
        ));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_path_to_error::deserialize::<_, Definition>(item).map_err(|e| {
                let path = e.path().to_string();
                let field = if path == "." {
                    format!("actions[{i}]")
                } else {
                    format!("actions[{i}].{path}")
                };
                Error::invalid(field, e.into_inner().to_string())
            })
        })
        .collect()
}

/// Lowercase ASCII letters, digits and `_`, 1 to `max` bytes.
fn token(field: &str, text: &str, max: usize) -> Result<()> {
    if text.len() > max {
        return Err(Error::too_large(field, max, text.len(), "bytes"));
    }
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(Error::invalid(
            field,
            "must be lowercase letters, digits and _ (such as ticket)",
        ));
    }
    Ok(())
}
