//! Secrets never leave the component: not in a stored event, the raw
//! SQLite body, JSON Lines, a patch, a table or an error message; keyed
//! fingerprints are equal within a tenant and differ across tenants.

use crate::harness::*;
use audit_host::bindings::{ChangeOp, DiffRequest, Event};
use audit_host::{MasterKey, Session, SqliteStore};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;

const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// Secrets of every kind the issue names; each must vanish.
const SECRETS: &[&str] = &[
    "hunter2-old",
    "hunter2-new",
    "s3cr3t-value",
    "tok-ABCDEF123456",
    "sk-live-abc123xyz",
    "sk-live-def456uvw",
    "Basic-auth-value",
    "session=deadbeef",
    "sid=cafebabe; HttpOnly",
    "-----BEGIN PRIVATE KEY-----MIIE",
    "078-05-1120",
    "4111111111111111",
    "5555555555554444",
    "9f8e7d6c5b4a",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1XzcifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
    "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5",
];

fn keyed_session(path: &Path) -> Session {
    let store = SqliteStore::open(path).expect("store");
    runtime()
        .session(Box::new(store), clock())
        .with_keyring(Arc::new(MasterKey::from_hex(KEY).expect("key")))
}

/// The reference cases: an AI provider's API key update (a dialer's) and
/// a password change, with every key variant nested and in arrays.
fn secret_states() -> (serde_json::Value, serde_json::Value) {
    let before = json!({
        "provider": "openai",
        "apiKey": "sk-live-abc123xyz",
        "user": {"Password": "hunter2-old", "name": "john"},
        "integrations": [
            {"id": "i1", "API-Key": "sk-live-abc123xyz", "client_secret": "s3cr3t-value"},
            {"id": "i2", "headers": {"Authorization": "Basic-auth-value", "Cookie": "session=deadbeef"}}
        ],
        "ssn": "078-05-1120",
        "billing": {"card_number": "4111111111111111", "note": "paid with 4111 1111 1111 1111"},
        "tokens": ["tok-ABCDEF123456"],
        "webhook": "https://hooks.test/x?access=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1XzcifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    });
    let after = json!({
        "provider": "openai",
        "apiKey": "sk-live-def456uvw",
        "user": {"Password": "hunter2-new", "name": "john"},
        "integrations": [
            {"id": "i1", "API-Key": "sk-live-def456uvw", "client_secret": "s3cr3t-value"},
            {"id": "i2", "headers": {"Authorization": "Bearer Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5", "Set-Cookie": "sid=cafebabe; HttpOnly"}},
            {"id": "i3", "private_key": "-----BEGIN PRIVATE KEY-----MIIE", "passwd": "9f8e7d6c5b4a"}
        ],
        "ssn": "078-05-1120",
        "billing": {"card_number": "5555555555554444", "note": "paid with 5555555555554444"},
        "tokens": [],
        "webhook": "https://hooks.test/x"
    });
    (before, after)
}

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} leaks {secret}: {text}");
    }
    // No Luhn-valid card number survives either, spaced or not.
    assert!(!text.contains("4111 1111 1111 1111"), "{what}: {text}");
}

fn append_secrets(s: &mut Session, tenant: &str) -> Event {
    let (before, after) = secret_states();
    let mut input = event(tenant, "ai_provider.updated");
    input.before = Some(before.to_string());
    input.after = Some(after.to_string());
    input.metadata =
        Some(json!({"reason": "rotation", "old_token": "tok-ABCDEF123456"}).to_string());
    s.append(&input).expect("append")
}

#[test]
fn no_output_carries_a_secret() {
    let (dir, path) = temp_store();
    let mut s = keyed_session(&path);
    let stored = append_secrets(&mut s, "acme");

    // The stored event, as the library returns it and as JSON Lines.
    assert_clean("the returned event", &format!("{stored:?}"));
    let line = s.to_json(&stored).unwrap();
    assert_clean("its JSON line", &line);
    // What changed is still visible: "changed, value hidden".
    let by_path = |p: &str| {
        stored
            .changes
            .iter()
            .find(|c| c.path == p)
            .unwrap_or_else(|| panic!("{p} in {line}"))
    };
    let key = by_path("/apiKey");
    assert_eq!(key.op, ChangeOp::Replace);
    assert!(key.redacted);
    assert_eq!(key.old.as_deref(), Some("\"[redacted]\""));
    assert_ne!(key.old_fingerprint, key.new_fingerprint);
    assert!(by_path("/user/Password").redacted);
    // The unchanged client secret is not a change; the card is masked.
    assert!(
        stored
            .changes
            .iter()
            .all(|c| !c.path.contains("client_secret"))
    );
    // A card number under a sensitive name is hidden whole; found in free
    // text, it is masked.
    assert!(by_path("/billing/card_number").redacted);
    let note = by_path("/billing/note");
    assert_eq!(note.new.as_deref(), Some("\"paid with 555555******4444\""));
    assert_eq!(note.old.as_deref(), Some("\"paid with 411111******1111\""));
    assert!(note.redacted && note.new_fingerprint.is_some());
    assert!(
        line.contains(r#""metadata":{"old_token":"[redacted]","reason":"rotation"}"#),
        "{line}"
    );

    // The raw SQLite body.
    for (_, _, _, body) in raw_rows(&path, "acme") {
        assert_clean("the stored body", &body);
    }
    // The whole database file, WAL included.
    drop(s);
    for file in ["audit.db", "audit.db-wal"] {
        if let Ok(bytes) = std::fs::read(dir.path().join(file)) {
            assert_clean(file, &String::from_utf8_lossy(&bytes));
        }
    }

    // The CLI's JSON Lines and table.
    let store = path.to_str().unwrap();
    let jsonl = run_ok(audit_host(dir.path()).args([
        "--store", store, "query", "--tenant", "acme", "--format", "jsonl",
    ]));
    assert_clean("query --format jsonl", &jsonl);
    let table =
        run_ok(audit_host(dir.path()).args(["--store", store, "query", "--tenant", "acme"]));
    assert_clean("query table", &table);

    // The patch and the change list of the diff interface and command.
    let (before, after) = secret_states();
    let mut s = keyed_session(&path);
    let r = s
        .diff(&DiffRequest {
            before: before.to_string(),
            after: after.to_string(),
            settings: None,
            action: None,
            tenant: Some("acme".into()),
        })
        .unwrap();
    assert_clean("the patch", &r.patch);
    assert_clean("the diff's changes", &format!("{:?}", r.changes));
    let b = write(&dir, "before.json", &before.to_string());
    let a = write(&dir, "after.json", &after.to_string());
    for format in ["patch", "changes", "table"] {
        let out = run_ok(
            audit_host(dir.path())
                .args(["--store", store, "diff"])
                .arg(&b)
                .arg(&a)
                .args(["--format", format]),
        );
        assert_clean(format, &out);
    }

    // Error messages: a refused document does not quote its secret.
    let mut bad = event("acme", "user.updated");
    bad.before = Some(r#"{"password": "hunter2-old" "#.into());
    let e = s.append(&bad).unwrap_err().to_string();
    assert_clean("an error", &e);
    bad.before = Some(r#"{"password":"hunter2-old","password":"hunter2-new"}"#.into());
    let e = s.append(&bad).unwrap_err().to_string();
    assert!(e.contains("names the same member twice"), "{e}");
    assert_clean("an error", &e);
}

#[test]
fn fingerprints_are_per_tenant() {
    let (_dir, path) = temp_store();
    let mut s = keyed_session(&path);
    let a1 = append_secrets(&mut s, "acme");
    let a2 = append_secrets(&mut s, "acme");
    let b1 = append_secrets(&mut s, "globex");
    let fp = |e: &Event| {
        e.changes
            .iter()
            .find(|c| c.path == "/apiKey")
            .and_then(|c| c.new_fingerprint.clone())
            .expect("a fingerprint")
    };
    assert_eq!(fp(&a1).len(), 64);
    assert_eq!(fp(&a1), fp(&a2), "equal secrets, same tenant");
    assert_ne!(fp(&a1), fp(&b1), "equal secrets, other tenant");
    // The same key under two names (apiKey, API-Key) has one fingerprint.
    let nested = a1
        .changes
        .iter()
        .find(|c| c.path == "/integrations/0/API-Key")
        .unwrap();
    assert_eq!(nested.new_fingerprint.as_deref(), Some(fp(&a1).as_str()));

    // Without a key, values are still hidden, with no fingerprint.
    let (_d, other) = temp_store();
    let mut plain = session(&other);
    let e = append_secrets(&mut plain, "acme");
    let c = e.changes.iter().find(|c| c.path == "/apiKey").unwrap();
    assert!(c.redacted && c.new_fingerprint.is_none());
}

#[test]
fn tenant_rules_add_keys_and_exceptions_per_action() {
    let (_dir, path) = temp_store();
    let mut s = keyed_session(&path);
    let actor = audit_host::bindings::Actor {
        id: "op".into(),
        name: None,
        email: None,
        kind: audit_host::bindings::ActorKind::User,
    };
    let settings = json!({
        "redaction": {
            "keys": ["pin"],
            "exceptions": ["token_count"],
            "actions": {"campaign.updated": {"keys": ["dial_code"]}}
        },
        "diff": {"actions": {"campaign.updated": {"identity_keys": ["step"]}}}
    });
    s.put_settings("acme", &settings.to_string(), &actor)
        .unwrap();
    let mut input = event("acme", "campaign.updated");
    let step = |name: &str, n: u32| json!({"step": name, "n": n, "script": "Hello, this is a call about your order"});
    input.before = Some(json!({"pin": "1234", "token_count": 5, "dial_code": "99", "steps": [step("a", 1), step("b", 1)]}).to_string());
    input.after = Some(json!({"pin": "4321", "token_count": 6, "dial_code": "98", "steps": [step("b", 1), step("a", 2)]}).to_string());
    let e = s.append(&input).unwrap();
    let line = s.to_json(&e).unwrap();
    assert!(
        !line.contains("1234") && !line.contains("4321") && !line.contains("\"99\""),
        "{line}"
    );
    assert!(line.contains(r#""new":6"#), "the exception is kept: {line}");
    assert!(
        line.contains(r#""op":"move""#),
        "steps matched by `step`: {line}"
    );
    // Another action: dial_code is not sensitive there.
    input.action = "campaign.viewed".into();
    let stored = s.append(&input).unwrap();
    let line = s.to_json(&stored).unwrap();
    assert!(line.contains(r#""new":"98""#), "{line}");
    assert!(!line.contains("4321"), "{line}");
    // Bad rules are refused with the member named.
    let e = s
        .put_settings("acme", r#"{"redaction":{"keys":[""]}}"#, &actor)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "settings.redaction.keys[0]: must hold at least one letter or digit"
    );
}

#[test]
fn the_cli_keeps_its_key_next_to_the_store() {
    let (dir, path) = temp_store();
    let store = path.to_str().unwrap();
    let (before, after) = secret_states();
    let b = write(&dir, "b.json", &before.to_string());
    let a = write(&dir, "a.json", &after.to_string());
    let run = || {
        let out = run_ok(
            audit_host(dir.path())
                .env_remove("AUDIT_KEY")
                .args([
                    "--store", store, "diff", "--tenant", "acme", "--format", "changes",
                ])
                .arg(&b)
                .arg(&a),
        );
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let first = run();
    let key_file = dir.path().join("audit.db.key");
    assert!(key_file.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert_eq!(first, run(), "the same key on the next run");
    // Without --tenant: hidden, no fingerprint, no store touched.
    let (d2, _) = temp_store();
    let out = run_ok(
        audit_host(d2.path())
            .arg("diff")
            .arg(&b)
            .arg(&a)
            .args(["--format", "changes"]),
    );
    assert!(
        !out.contains("fingerprint") && out.contains("[redacted]"),
        "{out}"
    );
    assert!(!d2.path().join("audit.db").exists());
    // AUDIT_KEY gives the key itself.
    let out = run_ok(
        audit_host(dir.path())
            .env("AUDIT_KEY", KEY)
            .args([
                "--store", store, "diff", "--tenant", "acme", "--format", "changes",
            ])
            .arg(&b)
            .arg(&a),
    );
    assert_ne!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap(),
        first
    );
}

/// Every detector's secret in every free-text field and id of an event,
/// through the binary: none is in the stored rows, the database files, the
/// query output or the CSV export; the ids still find their events.
#[test]
fn secrets_outside_the_states_are_hidden_in_every_field() {
    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    let secrets = [
        ("jwt", format!("t {JWT}"), "dozjgNryP4J3"),
        ("short bearer", "Bearer xyz".to_string(), "Bearer xyz"),
        ("basic", "Basic dXNlcjpwYXNz".to_string(), "dXNlcjpwYXNz"),
        (
            "card",
            "4111 1111 1111 1111".to_string(),
            "4111 1111 1111 1111",
        ),
    ];
    for (what, secret, needle) in secrets {
        let (dir, path) = temp_store();
        let store = path.to_str().unwrap();
        let event = serde_json::json!({
            "tenant": "acme",
            "action": "user.updated",
            "actor": {"id": secret, "name": secret, "email": "ana@acme.test", "kind": "user"},
            "targets": [{"kind": "user", "id": secret, "name": secret}],
            "outcome": "failure",
            "failure_reason": secret,
            "context": {"user_agent": secret, "session_id": secret, "request_id": secret},
        });
        run_ok(
            audit_host(dir.path())
                .args(["--store", store, "append"])
                .arg(write(&dir, "e.json", &event.to_string())),
        );
        let jsonl = run_ok(audit_host(dir.path()).args([
            "--store", store, "query", "--tenant", "acme", "--format", "jsonl",
        ]));
        let table =
            run_ok(audit_host(dir.path()).args(["--store", store, "query", "--tenant", "acme"]));
        let csv =
            run_ok(audit_host(dir.path()).args(["--store", store, "export", "--tenant", "acme"]));
        for (place, text) in [("query", &jsonl), ("table", &table), ("csv", &csv)] {
            assert!(!text.contains(needle), "{what} in the {place}: {text}");
        }
        for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            if name.starts_with("audit.db") && !name.ends_with(".key") {
                let bytes = std::fs::read(file.path()).unwrap();
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "{what} in {name}"
                );
            }
        }
        // The secret ids were replaced by stand-ins that filters still find.
        let found = run_ok(audit_host(dir.path()).args([
            "--store", store, "query", "--tenant", "acme", "--action", "user.*", "--actor",
            &secret, "--format", "jsonl",
        ]));
        assert_eq!(found.lines().count(), 1, "{what}: {found}");
        let stored: serde_json::Value = serde_json::from_str(found.trim()).unwrap();
        assert!(
            stored["actor"]["id"]
                .as_str()
                .unwrap()
                .starts_with("[redacted:"),
            "{what}: {stored}"
        );
    }
}
