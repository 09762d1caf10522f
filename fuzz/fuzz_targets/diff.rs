//! The change list between two states (`diff::changes`), checked against an
//! independent RFC 6902 implementation (the `json-patch` crate): applying
//! the changes, as a JSON Patch, to `before` must give a document equal to
//! `after` (numbers compared by value, as the engine does), every `old`
//! must be what `before` holds at that path, and a state compared with
//! itself has no changes.
//!
//! The states are generated structurally (`arbitrary`) from a small key
//! alphabet, so that the two documents share most of their members, with
//! the keys JSON Pointer must escape (`/`, `~`, the empty key).

#![no_main]

use arbitrary::Arbitrary;
use audit_component::diff;
use audit_component::model::ChangeOp;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

#[derive(Debug, Arbitrary)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Key),
    Text(String),
    Array(Vec<Json>),
    Object(Vec<(Key, Json)>),
}

#[derive(Debug, Arbitrary)]
enum Key {
    Short(u8),
    Any(String),
}

const KEYS: &[&str] = &[
    "a",
    "b",
    "id",
    "",
    "a/b",
    "~",
    "~1",
    "0",
    "-",
    "__proto__",
    "é",
];

impl Key {
    fn text(&self) -> String {
        match self {
            Key::Short(i) => KEYS[*i as usize % KEYS.len()].to_string(),
            Key::Any(s) => s.clone(),
        }
    }
}

impl Json {
    /// The value, nested at most `depth` levels (the engine's parser refuses
    /// deeper documents before any diff).
    fn value(&self, depth: usize) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Int(i) => json!(i),
            Json::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Json::Str(k) => Value::String(k.text()),
            Json::Text(s) => Value::String(s.clone()),
            Json::Array(items) if depth > 0 => {
                Value::Array(items.iter().map(|j| j.value(depth - 1)).collect())
            }
            Json::Object(members) if depth > 0 => {
                let mut map = Map::new();
                for (k, v) in members {
                    map.insert(k.text(), v.value(depth - 1));
                }
                Value::Object(map)
            }
            Json::Array(_) | Json::Object(_) => Value::Null,
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Input {
    before: Option<Json>,
    after: Option<Json>,
}

fuzz_target!(|input: Input| {
    let before = input.before.as_ref().map(|j| j.value(32));
    let after = input.after.as_ref().map(|j| j.value(32));

    if let Some(b) = &before {
        assert!(
            diff::changes(Some(b), Some(b)).is_empty(),
            "a state equals itself"
        );
    }
    let changes = diff::changes(before.as_ref(), after.as_ref());
    for c in &changes {
        match c.op {
            ChangeOp::Add => assert!(c.old.is_none() && c.new.is_some(), "{c:?}"),
            ChangeOp::Remove => assert!(c.old.is_some() && c.new.is_none(), "{c:?}"),
            ChangeOp::Replace => {
                let (old, new) = (c.old.as_ref().expect("old"), c.new.as_ref().expect("new"));
                assert!(!diff::equal(old, new), "a replace changes something: {c:?}");
            }
        }
    }
    let (Some(before), Some(after)) = (before, after) else {
        // Creations list every member of `after` as added, deletions every
        // member of `before` as removed.
        return;
    };
    let mut patched = before.clone();
    for c in &changes {
        if let Some(old) = &c.old {
            let held = patched
                .pointer(&c.path)
                .or_else(|| (c.path.is_empty()).then_some(&patched));
            let held = held.unwrap_or_else(|| panic!("{}: no value before the change", c.path));
            assert!(
                diff::equal(held, old),
                "{}: old is what before held",
                c.path
            );
        }
        let op = match c.op {
            ChangeOp::Add => json!({"op": "add", "path": c.path, "value": c.new}),
            ChangeOp::Remove => json!({"op": "remove", "path": c.path}),
            ChangeOp::Replace => json!({"op": "replace", "path": c.path, "value": c.new}),
        };
        let patch: json_patch::Patch =
            serde_json::from_value(Value::Array(vec![op])).expect("a well-formed patch");
        json_patch::patch(&mut patched, &patch)
            .unwrap_or_else(|e| panic!("change {c:?} does not apply: {e}"));
    }
    assert!(
        diff::equal(&patched, &after),
        "applying the changes gives after:\n  patched {patched}\n  after   {after}"
    );
});
