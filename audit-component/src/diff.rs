//! What changed between two states of an entity, as a change list.
//!
//! This first version compares top-level members: each member added,
//! removed or given a different value is one change, with JSON Pointer paths
//! (RFC 6901). Documents that are not both objects are compared whole (path
//! `""`). Values keep their JSON types; numbers are equal when their
//! canonical forms are (`1` equals `1.0`, see [`crate::canonical`]).

use crate::canonical;
use crate::model::{Change, ChangeOp};
use serde_json::Value;

/// The changes that turn `before` into `after`; `None` is an absent state
/// (a creation has no `before`, a deletion no `after`).
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<Change> {
    match (before, after) {
        (None, None) => Vec::new(),
        (None, Some(Value::Object(after))) => after
            .iter()
            .map(|(k, v)| change(pointer(k), ChangeOp::Add, None, Some(v)))
            .collect(),
        (Some(Value::Object(before)), None) => before
            .iter()
            .map(|(k, v)| change(pointer(k), ChangeOp::Remove, Some(v), None))
            .collect(),
        (None, Some(after)) => vec![change(String::new(), ChangeOp::Add, None, Some(after))],
        (Some(before), None) => vec![change(String::new(), ChangeOp::Remove, Some(before), None)],
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let mut out = Vec::new();
            for (key, old) in b {
                match a.get(key) {
                    None => out.push(change(pointer(key), ChangeOp::Remove, Some(old), None)),
                    Some(new) if !equal(old, new) => out.push(change(
                        pointer(key),
                        ChangeOp::Replace,
                        Some(old),
                        Some(new),
                    )),
                    Some(_) => {}
                }
            }
            for (key, new) in a {
                if !b.contains_key(key) {
                    out.push(change(pointer(key), ChangeOp::Add, None, Some(new)));
                }
            }
            // One order for every host: by path.
            out.sort_by(|x, y| x.path.cmp(&y.path));
            out
        }
        (Some(before), Some(after)) if equal(before, after) => Vec::new(),
        (Some(before), Some(after)) => {
            vec![change(
                String::new(),
                ChangeOp::Replace,
                Some(before),
                Some(after),
            )]
        }
    }
}

fn change(path: String, op: ChangeOp, old: Option<&Value>, new: Option<&Value>) -> Change {
    Change {
        path,
        op,
        old: old.cloned(),
        new: new.cloned(),
    }
}

/// The JSON Pointer (RFC 6901) of a top-level member: `/` then the name with
/// `~` written `~0` and `/` written `~1`.
pub fn pointer(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 1);
    out.push('/');
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// JSON equality with numbers compared by value (their canonical form).
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || canonical::to_string(a) == canonical::to_string(b)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_changed_field_is_one_replace() {
        let before = json!({"last_name": "Smith", "role": "agent"});
        let after = json!({"last_name": "Smyth", "role": "agent"});
        let c = changes(Some(&before), Some(&after));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].path, "/last_name");
        assert_eq!(c[0].op, ChangeOp::Replace);
        assert_eq!(c[0].old, Some(json!("Smith")));
        assert_eq!(c[0].new, Some(json!("Smyth")));
    }

    #[test]
    fn added_removed_and_types_are_kept() {
        let before = json!({"a": 1, "gone": null, "t": {"x": 1}});
        let after = json!({"a": 1.0, "new": {}, "t": [1]});
        let c = changes(Some(&before), Some(&after));
        let summary: Vec<(&str, ChangeOp)> = c.iter().map(|c| (c.path.as_str(), c.op)).collect();
        assert_eq!(
            summary,
            [
                ("/gone", ChangeOp::Remove),
                ("/new", ChangeOp::Add),
                ("/t", ChangeOp::Replace)
            ]
        );
        // null is a value, not an absence
        assert_eq!(c[0].old, Some(Value::Null));
        assert_eq!(c[2].new, Some(json!([1])));
    }

    #[test]
    fn creations_and_deletions_list_every_field() {
        let state = json!({"name": "Blue team", "size": 3});
        let created = changes(None, Some(&state));
        assert!(
            created
                .iter()
                .all(|c| c.op == ChangeOp::Add && c.old.is_none())
        );
        assert_eq!(created.len(), 2);
        let deleted = changes(Some(&state), None);
        assert!(
            deleted
                .iter()
                .all(|c| c.op == ChangeOp::Remove && c.new.is_none())
        );
    }

    #[test]
    fn non_objects_compare_whole() {
        let c = changes(Some(&json!([1, 2])), Some(&json!("x")));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].path, "");
        assert!(changes(Some(&json!(5)), Some(&json!(5.0))).is_empty());
    }

    #[test]
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(pointer("a/b~c"), "/a~1b~0c");
        assert_eq!(pointer(""), "/");
    }
}
