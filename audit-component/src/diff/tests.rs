//! The engine on its own: shapes of the output, minimality, bounds, and
//! round trips through an independent RFC 6902 implementation.

use super::*;
use crate::core::model::ChangeOp;
use serde_json::{Value, json};

/// The patch of two documents, checked: applying it with the `json-patch`
/// crate to `before` must give `after` (numbers equal by value).
fn patch_of(before: &Value, after: &Value, options: &Options) -> Value {
    let (b, a) = (before.to_string(), after.to_string());
    let nb = node::parse("before", &b).unwrap();
    let na = node::parse("after", &a).unwrap();
    let ops = diff(&nb, &na, &[], options);
    for op in &ops {
        assert_eq!(op.bytes, op_len(op, &[]), "op length of {:?}", op.path);
    }
    let text = patch(&ops, &[]);
    let value: Value = serde_json::from_str(&text).unwrap();
    let parsed: json_patch::Patch = serde_json::from_value(value.clone()).unwrap();
    let mut doc = before.clone();
    json_patch::patch(&mut doc, &parsed).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(
        same(&doc, after),
        "{before} + {text} gave {doc}, not {after}"
    );
    value
}

fn same(x: &Value, y: &Value) -> bool {
    crate::json::canonical::to_string(x) == crate::json::canonical::to_string(y)
}

fn ops(before: Value, after: Value) -> Vec<Value> {
    match patch_of(&before, &after, &Options::default()) {
        Value::Array(ops) => ops,
        _ => unreachable!(),
    }
}

#[test]
fn nested_fields_get_their_own_paths() {
    let p = ops(
        json!({"user": {"name": "Smith", "roles": ["agent"], "a/b": 1, "t~": 2}}),
        json!({"user": {"name": "Smyth", "roles": ["agent"], "a/b": 2, "t~": 3}}),
    );
    assert_eq!(
        p,
        [
            json!({"op": "replace", "path": "/user/a~1b", "value": 2}),
            json!({"op": "replace", "path": "/user/name", "value": "Smyth"}),
            json!({"op": "replace", "path": "/user/t~0", "value": 3}),
        ]
    );
}

#[test]
fn types_null_absence_and_empty_objects_are_faithful() {
    let p = ops(
        json!({"a": {"x": 1}, "b": [1], "c": 1, "d": null, "e": {}, "n": 1}),
        json!({"a": [1], "b": "1", "c": null, "f": {}, "g": null, "n": 1.0}),
    );
    assert_eq!(
        p,
        [
            json!({"op": "replace", "path": "/a", "value": [1]}),
            json!({"op": "replace", "path": "/b", "value": "1"}),
            json!({"op": "replace", "path": "/c", "value": null}),
            json!({"op": "remove", "path": "/d"}),
            json!({"op": "remove", "path": "/e"}),
            json!({"op": "add", "path": "/f", "value": {}}),
            json!({"op": "add", "path": "/g", "value": null}),
        ]
    );
}

#[test]
fn one_insertion_into_ten_thousand_is_one_add() {
    let before: Vec<u32> = (0..10_000).collect();
    let mut after = before.clone();
    after.insert(0, 99_999);
    assert_eq!(
        ops(json!({"l": before}), json!({"l": after})),
        [json!({"op": "add", "path": "/l/0", "value": 99_999})]
    );
    let before: Vec<u32> = (0..10_000).collect();
    let mut after = before.clone();
    after.remove(5_000);
    assert_eq!(
        ops(json!(before), json!(after)),
        [json!({"op": "remove", "path": "/5000"})]
    );
}

#[test]
fn a_moved_element_is_one_move() {
    assert_eq!(
        ops(json!([1, 2, 3, 4, 5]), json!([1, 3, 4, 5, 2])),
        [json!({"op": "move", "from": "/1", "path": "/4"})]
    );
    assert_eq!(
        ops(json!(["a", "b", "c", "d"]), json!(["d", "a", "b", "c"])),
        [json!({"op": "move", "from": "/3", "path": "/0"})]
    );
}

#[test]
fn keyed_lists_match_by_identity() {
    let member =
        |id: &str, role: &str| json!({"id": id, "name": format!("User {id}"), "role": role});
    // A member added in the middle and one edited: no cascade.
    let before = json!({"members": [member("u_1", "agent"), member("u_2", "agent"), member("u_3", "agent")]});
    let after = json!({"members": [member("u_1", "agent"), member("u_7", "agent"), member("u_2", "lead"), member("u_3", "agent")]});
    assert_eq!(
        ops(before, after),
        [
            json!({"op": "add", "path": "/members/1", "value": member("u_7", "agent")}),
            json!({"op": "replace", "path": "/members/2/role", "value": "lead"}),
        ]
    );
    // Reordered: one move.
    let before = json!([
        member("u_1", "a"),
        member("u_2", "a"),
        member("u_3", "a"),
        member("u_4", "a")
    ]);
    let after = json!([
        member("u_4", "a"),
        member("u_1", "a"),
        member("u_2", "a"),
        member("u_3", "a")
    ]);
    assert_eq!(
        ops(before, after),
        [json!({"op": "move", "from": "/3", "path": "/0"})]
    );
    // Moved and edited.
    let before = json!([{"id": 1, "v": 1}, {"id": 2, "v": 1}, {"id": 3, "v": 1}]);
    let after = json!([{"id": 3, "v": 2}, {"id": 1, "v": 1}, {"id": 2, "v": 1}]);
    assert_eq!(
        ops(before, after),
        [
            json!({"op": "move", "from": "/2", "path": "/0"}),
            json!({"op": "replace", "path": "/0/v", "value": 2}),
        ]
    );
}

#[test]
fn entities_that_change_places_are_never_renamed() {
    // Two lists swap places and are renumbered: renaming `/lists/0/id`
    // from l_1 to l_2 would be a shorter patch, and a false one.
    let before = json!({"lists": [{"id": "l_1", "priority": 1}, {"id": "l_2", "priority": 2}]});
    let after = json!({"lists": [{"id": "l_2", "priority": 1}, {"id": "l_1", "priority": 2}, {"id": "l_7", "priority": 3}]});
    let p = ops(before, after);
    assert!(
        p.iter()
            .all(|op| !op["path"].as_str().unwrap().ends_with("/id")),
        "{p:?}"
    );
    assert_eq!(
        p,
        [
            json!({"op": "move", "from": "/lists/1", "path": "/lists/0"}),
            json!({"op": "replace", "path": "/lists/0/priority", "value": 1}),
            json!({"op": "replace", "path": "/lists/1/priority", "value": 2}),
            json!({"op": "add", "path": "/lists/2", "value": {"id": "l_7", "priority": 3}}),
        ]
    );
}

#[test]
fn identity_keys_are_configurable() {
    let before = json!([{"step": "a", "wait": 1}, {"step": "b", "wait": 1}]);
    let after = json!([{"step": "b", "wait": 1}, {"step": "a", "wait": 5}]);
    let options = Options {
        identity_keys: vec!["step".into()],
        ..Options::default()
    };
    let p = patch_of(&before, &after, &options);
    assert_eq!(
        p,
        json!([
            {"op": "move", "from": "/1", "path": "/0"},
            {"op": "replace", "path": "/1/wait", "value": 5},
        ])
    );
}

#[test]
fn a_deep_change_in_a_large_document_is_one_replace() {
    let mut doc = json!({});
    for i in 0..2_000 {
        doc[format!("field_{i}")] =
            json!({"nested": {"list": [i, i + 1], "name": format!("n{i}")}});
    }
    let mut after = doc.clone();
    after["field_1234"]["nested"]["list"][1] = json!("changed");
    assert_eq!(
        ops(doc, after),
        [json!({"op": "replace", "path": "/field_1234/nested/list/1", "value": "changed"})]
    );
}

#[test]
fn over_the_bounds_a_subtree_collapses() {
    let before: Vec<u32> = (0..3_000).collect();
    let after: Vec<u32> = (0..3_000).map(|i| i * 7 + 1).collect();
    let b = json!({"keep": 1, "big": before});
    let a = json!({"keep": 2, "big": after});
    let (bt, at) = (b.to_string(), a.to_string());
    let (nb, na) = (
        node::parse("b", &bt).unwrap(),
        node::parse("a", &at).unwrap(),
    );
    let list = changes(&diff(&nb, &na, &[], &Options::default()), &[]);
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].path, "/big");
    assert!(list[0].collapsed);
    assert_eq!(list[1].path, "/keep");
    assert!(!list[1].collapsed);
    patch_of(&b, &a, &Options::default());

    // A tiny work budget still gives a correct patch.
    let options = Options {
        limits: Limits {
            max_work: 10,
            ..Limits::default()
        },
        ..Options::default()
    };
    let b = json!({"a": [1, 2, 3, {"x": [1, 2]}], "b": {"c": {"d": 1}}, "e": 1});
    let a = json!({"a": [0, 1, 2, 3, {"x": [2, 1]}], "b": {"c": {"d": 2}}, "e": 2});
    patch_of(&b, &a, &options);
}

#[test]
fn the_change_list_carries_old_values_and_moves() {
    let (bt, at) = (
        r#"{"a":[1,2,3],"n":"x","gone":{"k":1}}"#,
        r#"{"a":[2,3,1],"n":"y","new":[]}"#,
    );
    let (nb, na) = (node::parse("b", bt).unwrap(), node::parse("a", at).unwrap());
    let list = changes(&diff(&nb, &na, &[], &Options::default()), &[]);
    let summary: Vec<_> = list
        .iter()
        .map(|c| {
            (
                c.op,
                c.path.as_str(),
                c.from.as_deref(),
                c.old.clone(),
                c.new.clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (ChangeOp::Move, "/a/2", Some("/a/0"), Some(json!(1)), None),
            (ChangeOp::Remove, "/gone", None, Some(json!({"k": 1})), None),
            (
                ChangeOp::Replace,
                "/n",
                None,
                Some(json!("x")),
                Some(json!("y"))
            ),
            (ChangeOp::Add, "/new", None, None, Some(json!([]))),
        ]
    );
}

#[test]
fn absent_states_list_every_field() {
    let t = r#"{"name":"Blue","size":3}"#;
    let n = node::parse("x", t).unwrap();
    let created = changes(&diff_states(None, Some(&n), &[], &Options::default()), &[]);
    assert_eq!(created.len(), 2);
    assert!(
        created
            .iter()
            .all(|c| c.op == ChangeOp::Add && c.old.is_none())
    );
    let deleted = changes(&diff_states(Some(&n), None, &[], &Options::default()), &[]);
    assert!(
        deleted
            .iter()
            .all(|c| c.op == ChangeOp::Remove && c.new.is_none())
    );
    let scalar = node::parse("x", "5").unwrap();
    let whole = changes(
        &diff_states(None, Some(&scalar), &[], &Options::default()),
        &[],
    );
    assert_eq!((whole[0].path.as_str(), whole[0].op), ("", ChangeOp::Add));
    assert!(diff_states(None, None, &[], &Options::default()).is_empty());
}

#[test]
fn hostile_keys_round_trip() {
    let before =
        json!({"": 1, "/": 2, "~": 3, "~1": 4, "__proto__": {"polluted": false}, "constructor": 1});
    let after =
        json!({"": 2, "/": 3, "~": 4, "~1": 5, "__proto__": {"polluted": true}, "prototype": 1});
    let p = ops(before, after);
    let paths: Vec<&str> = p.iter().map(|o| o["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "/",
            "/~1",
            "/__proto__/polluted",
            "/constructor",
            "/prototype",
            "/~0",
            "/~01"
        ]
    );
}

#[test]
fn big_numbers_stay_exact() {
    let p = ops(
        json!({"n": 9_007_199_254_740_993u64, "m": 1}),
        json!({"n": 9_007_199_254_740_992u64, "m": 1.0}),
    );
    assert_eq!(
        p,
        [json!({"op": "replace", "path": "/n", "value": 9_007_199_254_740_992u64})]
    );
}

#[test]
fn scrambled_arrays_round_trip() {
    // A small deterministic generator: many shapes of arrays and objects.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for _ in 0..400 {
        let len = next(8) as usize;
        let before: Vec<Value> = (0..len).map(|_| pick(next(6))).collect();
        let mut after = before.clone();
        for _ in 0..next(4) {
            match next(4) {
                0 if !after.is_empty() => {
                    let i = next(after.len() as u64) as usize;
                    after.remove(i);
                }
                1 => {
                    let i = next(after.len() as u64 + 1) as usize;
                    after.insert(i, pick(next(6)));
                }
                2 if after.len() > 1 => {
                    let i = next(after.len() as u64) as usize;
                    let v = after.remove(i);
                    let j = next(after.len() as u64 + 1) as usize;
                    after.insert(j, v);
                }
                _ if !after.is_empty() => {
                    let i = next(after.len() as u64) as usize;
                    after[i] = pick(next(6));
                }
                _ => {}
            }
        }
        let p = patch_of(&json!(before), &json!(after), &Options::default());
        // Never longer than the index-by-index diff.
        let theirs =
            serde_json::to_string(&json_patch::diff(&json!(before), &json!(after))).unwrap();
        assert!(
            p.to_string().len() <= theirs.len(),
            "{p} is longer than {theirs}"
        );
    }
}

fn pick(i: u64) -> Value {
    match i {
        0 => json!(1),
        1 => json!("a"),
        2 => json!({"id": 1, "v": "x"}),
        3 => json!({"id": 2, "v": "y"}),
        4 => json!([1, 2]),
        _ => json!(null),
    }
}
