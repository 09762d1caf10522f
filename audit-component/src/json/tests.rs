//! The folder's two canonical writers against each other: the direct
//! writer (`canonical_ser.rs`) against the value-tree path it replaces
//! (`canonical.rs`).

use crate::core::model::{Actor, ActorKind, Change, ChangeOp, Context, Event, Outcome, Target};
use crate::json::canonical;
use crate::json::canonical_ser::{to_string, to_string_without};
use serde_json::{Value, json};

/// The path this module replaces.
fn through_value<T: serde::Serialize>(x: &T) -> String {
    canonical::to_string(&serde_json::to_value(x).unwrap())
}

#[test]
fn values_come_out_as_through_a_value_tree() {
    let docs = [
        r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001]}"#,
        r#"{"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}"#,
        r#"{"b":[1,-0.0,-5,1.0,18446744073709551615,-9223372036854775808,9007199254740993],"a":{"z":null,"y":true,"x":"\u0000\u001f\"\\ \n"}}"#,
        r#"[[],{},"",0,{"":{"":[]}}]"#,
        r#"{"\ud83d\ude00":1,"\uffff":2,"\ud800\udc00":3,"a":{"\ud83d\ude00":[{"\ue000":1,"\ud83d\ude01":2}]}}"#,
    ];
    for d in docs {
        let v: Value = serde_json::from_str(d).unwrap();
        assert_eq!(to_string(&v).unwrap(), canonical::to_string(&v), "{d}");
    }
}

#[test]
fn generated_documents_agree() {
    // A deterministic walk over many shapes: keys out of order and
    // above U+FFFF, every scalar kind, nesting.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    fn doc(next: &mut dyn FnMut() -> u64, depth: u32) -> Value {
        let keys = ["b", "a", "\u{1f600}", "\u{e000}", "", "aa", "A", "~1/", "é"];
        match next() % if depth > 3 { 5 } else { 7 } {
            0 => Value::Null,
            1 => json!(next().is_multiple_of(2)),
            2 => json!((next() as i64) >> (next() % 64)),
            3 => json!(f64::from_bits(next()) % 1e6),
            4 => json!(format!("s{}\u{7}\u{1f600}", next() % 100)),
            5 => Value::Array((0..next() % 4).map(|_| doc(next, depth + 1)).collect()),
            _ => Value::Object(
                (0..next() % 6)
                    .map(|_| {
                        let k = keys[(next() % keys.len() as u64) as usize];
                        (format!("{k}{}", next() % 3), doc(next, depth + 1))
                    })
                    .collect(),
            ),
        }
    }
    for _ in 0..2000 {
        let v = doc(&mut next, 0);
        assert_eq!(to_string(&v).unwrap(), canonical::to_string(&v), "{v}");
    }
}

#[test]
fn an_event_body_is_the_value_trees_without_hash() {
    let change = |op, old: Option<Value>, new: Option<Value>| Change {
        path: "/a~1b/\u{1f600}".into(),
        op,
        old,
        new,
        from: Some("/x".into()),
        redacted: true,
        old_fingerprint: Some("ab".into()),
        new_fingerprint: Some("cd".into()),
        collapsed: true,
    };
    let mut event = Event {
        id: "01a1fd8c-6900-7b57-bb91-39231d8d66da".into(),
        seq: 7,
        tenant: "acme".into(),
        action: "user.updated".into(),
        label: Some("User Updated".into()),
        correlation_id: Some("bulk-7".into()),
        category: "user".into(),
        change_type: "updated".into(),
        actor: Actor {
            id: "u_42".into(),
            name: Some("Ana \"Admin\"\n".into()),
            email: None,
            kind: ActorKind::ApiKey,
        },
        targets: vec![Target {
            kind: "user".into(),
            id: "u_7".into(),
            name: None,
        }],
        outcome: Outcome::Failure,
        failure_reason: Some("wrong_password".into()),
        context: Context {
            ip: Some("203.0.113.9".into()),
            ..Context::default()
        },
        occurred_at: "2026-11-21T10:00:00Z".into(),
        recorded_at: "2026-11-21T10:00:00.001Z".into(),
        changes: vec![
            change(
                ChangeOp::Replace,
                Some(Value::Null),
                Some(json!({"z": 1.5, "a": [1e21]})),
            ),
            change(ChangeOp::Move, None, None),
        ],
        metadata: Some(json!({"zeta": {"b": 2, "a": 1}, "alpha": null})),
        prev_hash: crate::core::chain::GENESIS.into(),
        hash: Some("not part of the body".into()),
        idempotency_key: None,
    };
    let mut without = serde_json::to_value(&event).unwrap();
    without.as_object_mut().unwrap().remove("hash");
    let expected = canonical::to_string(&without);
    assert_eq!(to_string_without(&event, "hash").unwrap(), expected);
    assert_eq!(crate::ingest::append::body(&event).unwrap(), expected);
    event.hash = None;
    assert_eq!(to_string(&event).unwrap(), through_value(&event));
    // Only the outermost object's `hash` is left out.
    let nested = json!({"hash": 1, "inner": {"hash": 2}});
    assert_eq!(
        to_string_without(&nested, "hash").unwrap(),
        r#"{"inner":{"hash":2}}"#
    );
}
