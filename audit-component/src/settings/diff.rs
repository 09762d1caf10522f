//! The settings member `diff`: the identity keys that match the objects of
//! an array, for the whole tenant and per action.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The settings member `diff`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiffSettings {
    /// Member names that identify the objects of an array, tried in order.
    pub identity_keys: Vec<String>,
    /// Identity keys for single actions, used instead of the above.
    pub actions: BTreeMap<String, ActionDiff>,
}

impl Default for DiffSettings {
    fn default() -> Self {
        DiffSettings {
            identity_keys: vec!["id".to_string()],
            actions: BTreeMap::new(),
        }
    }
}

/// The diff rules of one action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActionDiff {
    /// Identity keys for this action.
    pub identity_keys: Vec<String>,
}
