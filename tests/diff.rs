//! The diff through the real component: the conformance suites' pairs
//! round-trip through an independent RFC 6902 implementation, minimality,
//! and hostile documents (typed errors, the host stays alive).

use crate::harness::*;
use audit_host::HostError;
use audit_host::bindings::{ChangeOp, DiffRequest, DiffResult, Error};
use serde_json::{Value, json};

/// The third-party suites, read in place (never copied into the repository).
fn conformance(path: &str) -> Value {
    let text = std::fs::read_to_string(conformance_dir().join(path))
        .unwrap_or_else(|e| panic!("reading {path} from shared/conformance: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn request(before: &str, after: &str) -> DiffRequest {
    DiffRequest {
        before: before.into(),
        after: after.into(),
        settings: None,
        action: None,
        tenant: None,
    }
}

fn diff(session: &mut audit_host::Session, before: &Value, after: &Value) -> DiffResult {
    let r = request(&before.to_string(), &after.to_string());
    let result = session.diff(&r).unwrap_or_else(|e| {
        panic!(
            "diff of {:.200} and {:.200}: {e}",
            before.to_string(),
            after.to_string()
        )
    });
    // `diff.patch` is the same patch without the change list, on every pair
    // the suites hold.
    assert_eq!(session.diff_patch(&r).unwrap(), result.patch);
    result
}

/// Numbers equal by value (`1` and `1.0` are the same number, as the diff
/// and the hash decide): compare canonical forms.
fn same(x: &Value, y: &Value) -> bool {
    audit_component::json::canonical::to_string(x) == audit_component::json::canonical::to_string(y)
}

/// Applies the component's patch with the `json-patch` crate and requires
/// the second document; returns (our patch bytes, json_patch::diff bytes).
fn round_trip(session: &mut audit_host::Session, first: &Value, second: &Value) -> (usize, usize) {
    let result = diff(session, first, second);
    let patch: json_patch::Patch =
        serde_json::from_str(&result.patch).unwrap_or_else(|e| panic!("{e}: {}", result.patch));
    let mut doc = first.clone();
    json_patch::patch(&mut doc, &patch)
        .unwrap_or_else(|e| panic!("applying {} to {first}: {e}", result.patch));
    assert!(
        same(&doc, second),
        "{first} + {} gave {doc}, not {second}",
        result.patch
    );
    // The change list is the same operations.
    assert_eq!(patch.0.len(), result.changes.len());
    let theirs = serde_json::to_string(&json_patch::diff(first, second)).unwrap();
    (result.patch.len(), theirs.len())
}

fn pairs() -> Vec<(String, Value, Value)> {
    let mut out = Vec::new();
    for file in [
        "json-patch-tests/tests.json",
        "json-patch-tests/spec_tests.json",
    ] {
        for (i, record) in conformance(file).as_array().unwrap().iter().enumerate() {
            if record.get("disabled") == Some(&json!(true)) {
                continue;
            }
            if let (Some(doc), Some(expected)) = (record.get("doc"), record.get("expected")) {
                out.push((format!("{file}[{i}]"), doc.clone(), expected.clone()));
            }
        }
    }
    for file in [
        "zjsonpatch-testdata/src/test/resources/testdata/sample.json",
        "zjsonpatch-testdata/src/test/resources/testdata/diff.json",
        "java-json-tools-json-patch/src/test/resources/jsonpatch/diff/diff.json",
    ] {
        for (i, record) in conformance(file).as_array().unwrap().iter().enumerate() {
            out.push((
                format!("{file}[{i}]"),
                record["first"].clone(),
                record["second"].clone(),
            ));
        }
    }
    out
}

#[test]
fn conformance_pairs_round_trip_and_are_never_longer() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    let pairs = pairs();
    assert!(pairs.len() > 180, "{} pairs", pairs.len());
    for (name, first, second) in &pairs {
        let (ours, theirs) = round_trip(&mut s, first, second);
        assert!(
            ours <= theirs,
            "{name}: our patch {ours} bytes, json_patch {theirs}"
        );
    }
}

#[test]
fn java_json_tools_expects_1_and_1_0_equal() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    let r = diff(&mut s, &json!({"a": 1}), &json!({"a": 1.0}));
    assert_eq!(r.patch, "[]");
}

#[test]
fn minimal_patches() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    // One insertion at the front of 10,000 elements: one operation.
    let before: Vec<u32> = (0..10_000).collect();
    let mut after = before.clone();
    after.insert(0, 7);
    let r = diff(&mut s, &json!(before), &json!(after));
    assert_eq!(r.patch, r#"[{"op":"add","path":"/0","value":7}]"#);
    // A reordered keyed list: one move; a moved element: one move.
    let team = |ids: &[&str]| json!({"members": ids.iter().map(|id| json!({"id": id, "name": format!("User {id}")})).collect::<Vec<_>>()});
    let r = diff(
        &mut s,
        &team(&["u_1", "u_2", "u_3", "u_7"]),
        &team(&["u_7", "u_1", "u_2", "u_3"]),
    );
    assert_eq!(
        r.patch,
        r#"[{"from":"/members/3","op":"move","path":"/members/0"}]"#
    );
    assert_eq!(r.changes[0].op, ChangeOp::Move);
    assert_eq!(r.changes[0].from_path.as_deref(), Some("/members/3"));
    // "member u_7 added", not a cascade.
    let r = diff(
        &mut s,
        &team(&["u_1", "u_2", "u_3"]),
        &team(&["u_1", "u_7", "u_2", "u_3"]),
    );
    assert_eq!(r.changes.len(), 1);
    assert_eq!(r.changes[0].op, ChangeOp::Add);
    assert_eq!(
        r.changes[0].new.as_deref(),
        Some(r#"{"id":"u_7","name":"User u_7"}"#)
    );
    let r = diff(
        &mut s,
        &json!(["a", "b", "c", "d", "e"]),
        &json!(["a", "c", "d", "e", "b"]),
    );
    assert_eq!(r.patch, r#"[{"from":"/1","op":"move","path":"/4"}]"#);
    // One field deep in a large document: one replace.
    let mut big = json!({});
    for i in 0..3_000 {
        big[format!("k{i}")] = json!({"a": {"b": [i, {"c": "text"}]}});
    }
    let mut changed = big.clone();
    changed["k2999"]["a"]["b"][1]["c"] = json!("new");
    let r = diff(&mut s, &big, &changed);
    assert_eq!(
        r.patch,
        r#"[{"op":"replace","path":"/k2999/a/b/1/c","value":"new"}]"#
    );
}

fn refused(s: &mut audit_host::Session, before: &str, after: &str) -> Error {
    match s.diff(&request(before, after)) {
        Err(HostError::Audit(e)) => e,
        other => panic!("expected a typed error, got {other:?}"),
    }
}

fn field_error(e: &Error) -> (String, String) {
    match e {
        Error::InvalidInput(f) => (f.field.clone(), f.reason.clone()),
        Error::LimitExceeded(l) => (l.field.clone(), format!("{} {}", l.actual, l.unit)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hostile_documents_are_typed_errors_and_the_host_lives_on() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    for depth in [129, 10_000] {
        let deep = "[".repeat(depth) + &"]".repeat(depth);
        let (field, reason) = field_error(&refused(&mut s, &deep, "[]"));
        assert_eq!(field, "before");
        assert_eq!(reason, "nested deeper than the limit of 127 levels");
    }
    let deep = "[".repeat(1_000_000) + &"]".repeat(1_000_000);
    assert!(matches!(refused(&mut s, "{}", &deep), Error::LimitExceeded(l) if l.field == "after"));
    let ok = "[".repeat(127) + &"]".repeat(127);
    s.diff(&request(&ok, "[]")).expect("127 levels are fine");

    let (field, reason) = field_error(&refused(&mut s, r#"{"a":1,"a":2}"#, "{}"));
    assert_eq!(field, "before");
    assert!(
        reason.starts_with("not valid JSON: an object names the same member twice"),
        "{reason}"
    );
    let (_, reason) = field_error(&refused(&mut s, "{}", r#"{"n":1e400}"#));
    assert!(reason.contains("number out of range"), "{reason}");
    for lone in [
        r#"{"s":"\ud800"}"#,
        r#"{"s":"\udc00x"}"#,
        r#"["\ud83d\u0041"]"#,
    ] {
        let (field, reason) = field_error(&refused(&mut s, "{}", lone));
        assert_eq!(field, "after");
        assert!(reason.starts_with("not valid JSON"), "{reason}");
    }

    // Numbers beyond 2^53 are kept exactly.
    let r = s
        .diff(&request(
            r#"{"n":9007199254740993}"#,
            r#"{"n":9007199254740995}"#,
        ))
        .unwrap();
    assert_eq!(
        r.patch,
        r#"[{"op":"replace","path":"/n","value":9007199254740995}]"#
    );

    // Keys that need escaping, or that JavaScript treats specially.
    let before =
        json!({"": 1, "a/b": 1, "m~n": 1, "__proto__": {"x": 1}, "constructor": {"prototype": 1}});
    let after =
        json!({"": 2, "a/b": 2, "m~n": 2, "__proto__": {"x": 2}, "constructor": {"prototype": 2}});
    round_trip(&mut s, &before, &after);

    // 100,000 members: one change is one operation; all changed collapse.
    let wide = |v: u32| {
        let mut m = serde_json::Map::new();
        // Hex names keep 100,000 members under the 1 MiB limit.
        for i in 0..100_000 {
            m.insert(format!("{i:x}"), json!(v));
        }
        Value::Object(m)
    };
    let (b, a) = (wide(0), wide(1));
    let mut one = b.clone();
    one["12345"] = json!(5);
    assert_eq!(diff(&mut s, &b, &one).changes.len(), 1);
    let r = diff(&mut s, &b, &a);
    assert_eq!(r.changes.len(), 1);
    assert!(r.changes[0].collapsed);
    assert_eq!(r.changes[0].path, "");

    // Still alive, same instance or not.
    assert_eq!(
        diff(&mut s, &json!({"a": 1}), &json!({"a": 2}))
            .changes
            .len(),
        1
    );
}

#[test]
fn appended_events_store_the_same_changes() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    let step = |id: u32, wait: u32| json!({"id": id, "wait": wait, "script": format!("Call script number {id}, read it word for word")});
    let before = json!({"name": "Blue", "steps": [step(1, 5), step(2, 1), step(3, 1)]});
    let after = json!({"name": "Blue", "steps": [step(3, 1), step(1, 9), step(2, 1)]});
    let mut input = event("acme", "campaign.updated");
    input.before = Some(before.to_string());
    input.after = Some(after.to_string());
    let stored = s.append(&input).unwrap();
    let pure = diff(&mut s, &before, &after);
    assert_eq!(stored.changes, pure.changes);
    assert_eq!(stored.changes[0].op, ChangeOp::Move);
    // The stored body hashes what it says.
    let rows = raw_rows(&path, "acme");
    assert!(rows[0].3.contains(r#""from":"/steps/2""#), "{}", rows[0].3);
}

#[test]
fn the_diff_command() {
    let dir = tempfile::tempdir().unwrap();
    let b = write(
        &dir,
        "b.json",
        r#"{"last_name":"Smith","teams":["Onboarding"]}"#,
    );
    let a = write(
        &dir,
        "a.json",
        r#"{"last_name":"Smyth","teams":["Onboarding","Blue Team"]}"#,
    );
    let out = run_ok(audit_host(dir.path()).arg("diff").arg(&b).arg(&a));
    assert_eq!(
        out,
        "[{\"op\":\"replace\",\"path\":\"/last_name\",\"value\":\"Smyth\"},{\"op\":\"add\",\"path\":\"/teams/1\",\"value\":\"Blue Team\"}]\n"
    );
    let out = run_ok(
        audit_host(dir.path())
            .arg("diff")
            .arg(&b)
            .arg(&a)
            .args(["--format", "changes"]),
    );
    let changes: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        changes[0],
        json!({"path": "/last_name", "op": "replace", "old": "Smith", "new": "Smyth"})
    );
    let out = run_ok(
        audit_host(dir.path())
            .arg("diff")
            .arg(&b)
            .arg(&a)
            .args(["--format", "table"]),
    );
    assert!(
        out.contains("/teams/1") && out.contains("\"Blue Team\""),
        "{out}"
    );
    // `-` reads one side from standard input.
    let mut cmd = audit_host(dir.path());
    cmd.arg("diff")
        .arg(&b)
        .arg("-")
        .stdin(std::fs::File::open(&a).unwrap());
    assert!(run_ok(&mut cmd).contains("Smyth"));
    // Bad input: one line, exit 1; both sides on stdin: a usage error.
    let bad = write(&dir, "bad.json", r#"{"a":1,"a":2}"#);
    let (code, err) = run_err(audit_host(dir.path()).arg("diff").arg(&b).arg(&bad));
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: after: not valid JSON: an object names the same member twice"),
        "{err}"
    );
    let (code, _) = run_err(audit_host(dir.path()).args(["diff", "-", "-"]));
    assert_eq!(code, 2);
    let help = run_ok(audit_host(dir.path()).args(["diff", "--help"]));
    assert!(
        help.contains("--format") && help.contains("--tenant"),
        "{help}"
    );
    assert!(
        !dir.path().join("audit.db").exists(),
        "a diff without --tenant touches no store"
    );
}
