//! Every bad input through the real binary: exit status 1, one line on
//! stderr naming the field, and nothing stored.

use crate::harness::*;

const GOOD: &str = r#"{"tenant":"acme","action":"user.updated","actor":{"id":"u_42","name":"Ana Admin","kind":"user"},"targets":[{"kind":"user","id":"u_7"}],"outcome":"success","context":{"ip":"203.0.113.9"},"occurred_at":"2026-11-21T10:00:00Z","before":{"a":1},"after":{"a":2}}"#;

/// Runs `append` on `input` against a store that already holds one event,
/// and checks the refusal: status 1, one line, the expected start, and the
/// store unchanged.
fn refused(input: &str, expected_start: &str) {
    let (dir, path) = temp_store();
    let store = path.to_str().unwrap();
    run_ok(
        audit_host(dir.path())
            .args(["--store", store, "append"])
            .arg(write(&dir, "good.json", GOOD)),
    );
    let file = write(&dir, "bad.json", input);
    let (code, stderr) = run_err(
        audit_host(dir.path())
            .args(["--store", store, "append"])
            .arg(&file),
    );
    assert_eq!(code, 1, "exit status for {expected_start}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(
        stderr.starts_with(&format!("error: {expected_start}")),
        "expected `{expected_start}`, got {stderr:?}"
    );
    assert_eq!(
        raw_rows(&path, "acme").len(),
        1,
        "nothing stored for {expected_start}"
    );
}

fn with(field_json: (&str, &str)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(GOOD).unwrap();
    let patch: serde_json::Value = serde_json::from_str(field_json.1).unwrap();
    let mut target = &mut v;
    let parts: Vec<&str> = field_json.0.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        target = &mut target[*p];
    }
    target[parts[parts.len() - 1]] = patch;
    v.to_string()
}

fn without(field: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(GOOD).unwrap();
    let (parent, last) = field
        .rsplit_once('.')
        .map_or((None, field), |(p, l)| (Some(p), l));
    let obj = match parent {
        Some(p) => v[p].as_object_mut().unwrap(),
        None => v.as_object_mut().unwrap(),
    };
    obj.remove(last);
    v.to_string()
}

#[test]
fn invalid_json() {
    refused("{\"tenant\": \"acme\", ", "events[0]: not valid JSON");
    refused("not json at all", "events[0]: not valid JSON");
    refused(
        &format!("{GOOD}\n{{\"tenant\":}}"),
        "events[1]: not valid JSON",
    );
}

#[test]
fn missing_fields() {
    refused(&without("action"), "events[0].action: required");
    refused(&without("actor"), "events[0].actor: required");
    refused(&without("actor.id"), "events[0].actor.id: required");
    refused(&without("actor.kind"), "events[0].actor.kind: required");
    refused(&without("outcome"), "events[0].outcome: required");
    refused(&without("tenant"), "events[0].tenant: required");
    refused(
        &with(("actor.id", "\"   \"")),
        "events[0].actor.id: required, and must not be blank",
    );
}

#[test]
fn wrongly_typed_fields() {
    refused(
        &with(("actor.id", "42")),
        "events[0].actor.id: expected a string, found a number",
    );
    refused(
        &with(("targets", "{}")),
        "events[0].targets: expected an array, found an object",
    );
    refused(
        &with(("metadata", "[1,2]")),
        "events[0].metadata: must be a JSON object",
    );
    refused(
        &with(("context", "\"203.0.113.9\"")),
        "events[0].context: expected an object, found a string",
    );
}

#[test]
fn unknown_enum_values_and_fields() {
    refused(
        &with(("outcome", "\"maybe\"")),
        "events[0].outcome: unknown value; expected `success` or `failure`",
    );
    refused(
        &with(("actor.kind", "\"robot\"")),
        "events[0].actor.kind: unknown value; expected one of `user`, `system`, `api-key`, `service`",
    );
    // The value sent is never repeated (it could be anything, a secret).
    let (_, stderr) = {
        let (dir, path) = temp_store();
        let file = write(&dir, "bad.json", &with(("actor.kind", "\"hunter2\"")));
        run_err(
            audit_host(dir.path())
                .args(["--store", path.to_str().unwrap(), "append"])
                .arg(&file),
        )
    };
    assert!(!stderr.contains("hunter2"), "{stderr}");
    refused(
        &with(("occured_at", "\"2026-11-21T10:00:00Z\"")),
        "events[0].occured_at: unknown field",
    );
    refused(
        &with(("action", "\"User.Updated\"")),
        "events[0].action: must be entity.verb",
    );
    refused(
        &with(("tenant", "\"acme corp\"")),
        "events[0].tenant: only ASCII letters",
    );
    refused(
        &with(("failure_reason", "\"x\"")),
        "events[0].failure_reason: only allowed when outcome is failure",
    );
}

#[test]
fn bad_times() {
    for bad in [
        "\"yesterday\"",
        "\"2026-11-21\"",
        "\"2026-11-21 10:00:00\"",
        "\"2026-02-30T00:00:00Z\"",
        "\"\"",
    ] {
        refused(
            &with(("occurred_at", bad)),
            "events[0].occurred_at: not an RFC 3339 timestamp",
        );
    }
}

#[test]
fn bad_ips() {
    let cases = [
        ("\"\"", "empty"),
        ("\"unknown\"", "not an IP address"),
        ("\"1.2.3.4:8080\"", "must be an address without a port"),
        ("\"[2001:db8::1]:443\"", "must be an address without a port"),
        ("\"1.2.3.4, 5.6.7.8\"", "must be one address, not a list"),
        ("\"fe80::1%eth0\"", "zone ids"),
        ("\"010.001.001.001\"", "IPv4 octets with leading zeros"),
        ("\"300.1.1.1\"", "not an IP address"),
        ("\" 1.2.3.4\"", "whitespace around the address"),
        ("\"::1\\n\"", "whitespace around the address"),
        ("\"  \"", "empty"),
    ];
    for (ip, why) in cases {
        refused(
            &with(("context.ip", ip)),
            &format!("events[0].context.ip: {why}"),
        );
    }
}

#[test]
fn oversized_fields() {
    let big = format!("\"{}\"", "x".repeat(1024 * 1024));
    refused(
        &with(("actor.name", &big)),
        "events[0].actor.name: 1048576 bytes, over the limit of 65536 bytes",
    );
    refused(
        &with(("actor.id", &format!("\"{}\"", "x".repeat(2000)))),
        "events[0].actor.id: 2000 bytes, over the limit of 1024 bytes",
    );
    let state = format!("{{\"blob\":\"{}\"}}", "x".repeat(1024 * 1024 + 10));
    refused(&with(("after", &state)), "events[0].after: ");
    let targets = format!("[{}]", vec![r#"{"kind":"user","id":"u"}"#; 65].join(","));
    refused(
        &with(("targets", &targets)),
        "events[0].targets: 65 items, over the limit of 64 items",
    );
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    for depth in [200, 10_000, 100_000] {
        let deep = "[".repeat(depth) + &"]".repeat(depth);
        refused(
            &with(("after", "null")).replace("\"after\":null", &format!("\"after\":{deep}")),
            "events[0]: nested deeper than the limit of 127 levels",
        );
    }
}

#[test]
fn one_bad_event_in_a_batch_of_100_stores_nothing() {
    let mut lines: Vec<String> = (0..100).map(|_| GOOD.to_string()).collect();
    lines[63] = with(("context.ip", "\"999.1.1.1\""));
    refused(
        &lines.join("\n"),
        "events[63].context.ip: not an IP address",
    );
    let mut array: Vec<serde_json::Value> = (0..100)
        .map(|_| serde_json::from_str(GOOD).unwrap())
        .collect();
    array[99]["actor"]["kind"] = "robot".into();
    refused(
        &serde_json::Value::Array(array).to_string(),
        "events[99].actor.kind: unknown value",
    );
}

#[test]
fn input_that_is_not_utf8_is_refused_before_the_component() {
    let (dir, path) = temp_store();
    let file = dir.path().join("latin1.json");
    let bytes = b"{\"tenant\":\"acme\",\"action\":\"user.updated\",\"actor\":{\"id\":\"Jos\xe9\",\"kind\":\"user\"},\"outcome\":\"success\"}";
    let at = bytes.iter().position(|&b| b == 0xe9).unwrap();
    std::fs::write(&file, bytes).unwrap();
    let (code, stderr) = run_err(
        audit_host(dir.path())
            .args(["--store", path.to_str().unwrap(), "append"])
            .arg(&file),
    );
    assert_eq!(code, 1);
    assert_eq!(
        stderr.trim(),
        format!("error: input: not valid UTF-8 (at byte {at})")
    );
}

#[test]
fn lone_surrogates_are_refused() {
    refused(
        &with(("actor.name", "\"x\"")).replace("\"name\":\"x\"", "\"name\":\"\\ud800\""),
        "events[0]: not valid JSON",
    );
}

#[test]
fn control_characters_never_split_an_event() {
    let (dir, path) = temp_store();
    let store = path.to_str().unwrap();
    let name =
        "alice\n2025-01-01T00:00:00Z admin delete\r\n\u{85}\u{2028}\u{2029}\u{1b}[2J\u{202e}";
    let input = with(("actor.name", &serde_json::to_string(name).unwrap()));
    let out = run_ok(
        audit_host(dir.path())
            .args(["--store", store, "append"])
            .arg(write(&dir, "ctl.json", &input)),
    );
    assert_eq!(out.lines().count(), 1, "JSON Lines: one event, one line");
    let jsonl = run_ok(audit_host(dir.path()).args([
        "--store", store, "query", "--tenant", "acme", "--format", "jsonl",
    ]));
    assert_eq!(jsonl.lines().count(), 1);
    let back: serde_json::Value = serde_json::from_str(jsonl.trim_end_matches('\n')).unwrap();
    assert_eq!(back["actor"]["name"], name, "stored losslessly");
    // (Reads leave their own events: look at the user's event only.)
    let table = run_ok(audit_host(dir.path()).args([
        "--store", store, "query", "--tenant", "acme", "--action", "user.*",
    ]));
    assert_eq!(table.lines().count(), 2, "header and one row: {table}");
    assert!(!table.contains('\u{1b}') && !table.contains('\u{202e}') && !table.contains('\r'));
    let csv = run_ok(audit_host(dir.path()).args([
        "--store", store, "export", "--tenant", "acme", "--action", "user.*",
    ]));
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "CSV: one event, one row");
    assert_eq!(&rows[0][1], name, "kept whole inside its quoted cell");
}
