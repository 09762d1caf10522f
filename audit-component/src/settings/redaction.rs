//! The settings member `redaction`: more sensitive member names, and
//! exceptions, for the whole tenant and per action (see `rules.rs` for
//! what they compile to).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The settings member `redaction`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedactionSettings {
    /// More sensitive member names, matched like the built-in ones.
    pub keys: Vec<String>,
    /// Member names never hidden for their name (compared after folding
    /// case and dropping separators: `csrf_token` also names `csrfToken`).
    pub exceptions: Vec<String>,
    /// More keys and exceptions for single actions, added to the above.
    pub actions: BTreeMap<String, ActionRedaction>,
}

/// The redaction rules of one action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActionRedaction {
    /// More sensitive member names for this action.
    pub keys: Vec<String>,
    /// More exceptions for this action.
    pub exceptions: Vec<String>,
}
