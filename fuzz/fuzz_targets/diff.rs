//! The diff engine (`diff::diff`, its patch and its change list), checked
//! against an independent RFC 6902 implementation (the `json-patch` crate):
//! applying the patch to `before` must give a document equal to `after`
//! (numbers compared by value, as the engine does, through the canonical
//! form), each change's `old` must be what the document held where the
//! change applies, the change list must say what the patch does, and a
//! document compared with itself has no operations.
//!
//! The states are generated structurally (`arbitrary`) from a small key
//! alphabet, so that the two documents share most of their members, with
//! the keys JSON Pointer must escape (`/`, `~`, the empty key).

#![no_main]

use arbitrary::Arbitrary;
use audit_component::core::model::ChangeOp;
use audit_component::diff::{self, Options};
use audit_component::json::canonical;
use audit_component::json::node;
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
    before: Json,
    after: Json,
}

/// Equal as the engine means it: the same canonical form.
fn same(x: &Value, y: &Value) -> bool {
    canonical::to_string(x) == canonical::to_string(y)
}

fuzz_target!(|input: Input| {
    let (before, after) = (input.before.value(32), input.after.value(32));
    let (bt, at) = (before.to_string(), after.to_string());
    let (Ok(nb), Ok(na)) = (node::parse("before", &bt), node::parse("after", &at)) else {
        return; // deeper than the parser's limit: a typed error, not a diff
    };
    let options = Options::default();

    assert!(
        diff::diff(&nb, &nb, &[], &options).is_empty(),
        "a document equals itself"
    );

    let ops = diff::diff(&nb, &na, &[], &options);
    let text = diff::patch(&ops, &[]);
    let patch: Vec<Value> = serde_json::from_str(&text).expect("the patch is JSON");
    let changes = diff::changes(&ops, &[]);
    assert_eq!(patch.len(), changes.len(), "one change per patch operation");

    let mut doc = before.clone();
    for (op, c) in patch.iter().zip(&changes) {
        assert_eq!(op["op"], c.op.as_str(), "{c:?}");
        assert_eq!(op["path"], c.path.as_str(), "{c:?}");
        match c.op {
            ChangeOp::Add => assert!(c.old.is_none() && c.new.is_some(), "{c:?}"),
            ChangeOp::Remove => assert!(c.old.is_some() && c.new.is_none(), "{c:?}"),
            ChangeOp::Replace => {
                let (old, new) = (c.old.as_ref().expect("old"), c.new.as_ref().expect("new"));
                assert!(!same(old, new), "a replace changes something: {c:?}");
            }
            ChangeOp::Move => assert!(c.from.is_some(), "a move says where from: {c:?}"),
        }
        if let Some(old) = &c.old {
            let at = c.from.as_deref().unwrap_or(&c.path);
            let held = doc
                .pointer(at)
                .unwrap_or_else(|| panic!("{at}: no value where {c:?} applies"));
            assert!(same(held, old), "{at}: old is what the document held");
        }
        let one: json_patch::Patch =
            serde_json::from_value(Value::Array(vec![op.clone()])).expect("a well-formed patch");
        json_patch::patch(&mut doc, &one).unwrap_or_else(|e| panic!("{op} does not apply: {e}"));
    }
    assert!(
        same(&doc, &after),
        "applying the patch gives after:\n  patched {doc}\n  after   {after}\n  patch   {text}"
    );
});
