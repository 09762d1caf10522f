//! Appending through the library into SQLite.

use crate::harness::*;
use audit_host::HostError;
use audit_host::bindings::{ChangeOp, Error, Outcome};
use sha2::{Digest, Sha256};

#[test]
fn append_then_query_returns_what_was_appended() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    let mut input = event("acme", "user.updated");
    input.context.ip = Some("::ffff:203.0.113.9".into());
    input.occurred_at = Some("2026-11-21T12:00:00+02:00".into());
    input.before = Some(r#"{"last_name":"Smith","role":"agent"}"#.into());
    input.after = Some(r#"{"last_name":"Smyth","role":"agent"}"#.into());
    input.metadata = Some(r#"{"reason":"typo"}"#.into());
    let stored = s.append(&input).expect("append");

    assert_eq!(stored.seq, 1);
    assert_eq!(stored.tenant, "acme");
    assert_eq!(stored.category, "user");
    assert_eq!(stored.change_type, "updated");
    assert_eq!(
        stored.context.ip.as_deref(),
        Some("203.0.113.9"),
        "IPv4-mapped becomes IPv4"
    );
    assert_eq!(stored.occurred_at, "2026-11-21T10:00:00Z", "stored in UTC");
    assert_eq!(
        stored.recorded_at, "2026-11-21T10:00:00Z",
        "from the host clock"
    );
    assert_eq!(stored.changes.len(), 1);
    assert_eq!(stored.changes[0].path, "/last_name");
    assert_eq!(stored.changes[0].op, ChangeOp::Replace);
    assert_eq!(stored.changes[0].old.as_deref(), Some("\"Smith\""));
    assert_eq!(stored.changes[0].new.as_deref(), Some("\"Smyth\""));
    assert_eq!(stored.metadata.as_deref(), Some(r#"{"reason":"typo"}"#));

    let read = all_events(&mut s, "acme");
    assert_eq!(read, vec![stored.clone()]);
    assert_eq!(
        s.get_event("acme", &stored.id, &admin()).expect("get"),
        stored
    );
}

#[test]
fn seq_is_gap_free_and_every_hash_covers_its_stored_body() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    for batch in 0..5 {
        let inputs: Vec<_> = (0..20)
            .map(|i| {
                event(
                    "acme",
                    if (batch + i) % 2 == 0 {
                        "user.updated"
                    } else {
                        "team.created"
                    },
                )
            })
            .collect();
        s.append_batch(&inputs).expect("append");
    }
    drop(s);
    let rows = raw_rows(&path, "acme");
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        (1..=100).collect::<Vec<u64>>()
    );
    let mut prev = "0".repeat(64);
    for (seq, prev_hash, hash, body) in &rows {
        assert_eq!(*prev_hash, prev, "seq {seq} links to its predecessor");
        let digest: String = Sha256::digest(body.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            *hash, digest,
            "seq {seq}: hash = SHA-256 of the stored body"
        );
        let parsed: serde_json::Value = serde_json::from_str(body).expect("the body is JSON");
        assert_eq!(
            parsed["prev_hash"],
            serde_json::Value::String(prev_hash.clone())
        );
        assert_eq!(parsed["seq"], serde_json::json!(seq));
        assert!(
            parsed.get("hash").is_none(),
            "the body excludes its own hash"
        );
        prev = hash.clone();
    }
}

#[test]
fn a_second_process_continues_the_sequence_and_the_chain() {
    let (dir, path) = temp_store();
    let mut s = session(&path);
    let first = s
        .append_batch(&[event("acme", "user.created"), event("acme", "user.updated")])
        .expect("append");
    drop(s);
    let line = r#"{"tenant":"acme","action":"user.deleted","actor":{"id":"u_42","kind":"user"},"outcome":"success"}"#;
    let out = run_ok(
        audit_host(dir.path())
            .args(["--store", path.to_str().unwrap(), "append"])
            .arg(write(&dir, "one.json", line)),
    );
    let stored: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON line");
    assert_eq!(stored["seq"], 3);
    assert_eq!(
        stored["prev_hash"],
        serde_json::Value::String(first[1].hash.clone())
    );
    // and the library sees the CLI's event as the head
    let mut s = session(&path);
    let next = s.append(&event("acme", "user.updated")).expect("append");
    assert_eq!(next.seq, 4);
    assert_eq!(next.prev_hash, stored["hash"].as_str().unwrap());
}

#[test]
fn two_processes_appending_at_once_never_fork_the_chain() {
    let (dir, path) = temp_store();
    let batch: String = (0..50)
        .map(|i| format!("{{\"tenant\":\"acme\",\"action\":\"user.updated\",\"actor\":{{\"id\":\"u_{i}\",\"kind\":\"user\"}},\"outcome\":\"success\"}}\n"))
        .collect();
    let file = write(&dir, "batch.jsonl", &batch);
    let store = path.to_str().unwrap().to_string();
    let children: Vec<_> = (0..2)
        .map(|_| {
            let (store, file, dir) = (store.clone(), file.clone(), dir.path().to_path_buf());
            std::thread::spawn(move || {
                for _ in 0..4 {
                    run_ok(
                        audit_host(&dir)
                            .args(["--store", &store, "append"])
                            .arg(&file),
                    );
                }
            })
        })
        .collect();
    for c in children {
        c.join().expect("appender thread");
    }
    let rows = raw_rows(&path, "acme");
    assert_eq!(rows.len(), 400);
    let mut prev = "0".repeat(64);
    for (i, (seq, prev_hash, hash, _)) in rows.iter().enumerate() {
        assert_eq!(*seq, i as u64 + 1);
        assert_eq!(*prev_hash, prev);
        prev = hash.clone();
    }
}

#[test]
fn a_batch_with_one_bad_event_stores_nothing_and_names_it() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    s.append(&event("acme", "user.created")).expect("append");
    let mut inputs: Vec<_> = (0..100).map(|_| event("acme", "user.updated")).collect();
    inputs[57].context.ip = Some("1.2.3.4, 5.6.7.8".into());
    let err = s.append_batch(&inputs).expect_err("refused");
    match &err {
        HostError::Audit(Error::InvalidInput(f)) => {
            assert_eq!(f.field, "events[57].context.ip");
            assert!(f.reason.contains("one address"), "{}", f.reason);
        }
        other => panic!("unexpected error {other:?}"),
    }
    assert_eq!(err.to_string().lines().count(), 1);
    assert_eq!(
        raw_rows(&path, "acme").len(),
        1,
        "nothing of the batch was stored"
    );
    // the session is still usable and the chain continues from seq 1
    assert_eq!(
        s.append(&event("acme", "user.updated"))
            .expect("append")
            .seq,
        2
    );
}

#[test]
fn tenants_keep_separate_chains_in_one_batch() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    let stored = s
        .append_batch(&[
            event("acme", "user.created"),
            event("globex", "user.created"),
            event("acme", "user.updated"),
        ])
        .expect("append");
    assert_eq!(
        stored
            .iter()
            .map(|e| (e.tenant.as_str(), e.seq))
            .collect::<Vec<_>>(),
        [("acme", 1), ("globex", 1), ("acme", 2)]
    );
    assert_eq!(stored[2].prev_hash, stored[0].hash);
    assert_eq!(stored[1].prev_hash, "0".repeat(64));
}

#[test]
fn the_same_events_and_clock_give_the_same_hashes() {
    let hashes = || {
        let (_dir, path) = temp_store();
        let mut s = session(&path);
        let mut failed = event("acme", "user.password_reset_failed");
        failed.outcome = Outcome::Failure(Some("wrong_password".into()));
        s.append_batch(&[event("acme", "user.created"), failed])
            .expect("append")
            .into_iter()
            .map(|e| (e.id, e.hash))
            .collect::<Vec<_>>()
    };
    assert_eq!(hashes(), hashes());
}

#[test]
fn control_characters_are_stored_losslessly() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    let mut input = event("acme", "user.updated");
    let name = "alice\n2025-01-01T00:00:00Z admin delete\r\u{0}\u{1b}[2J\u{85}\u{2028}\u{202e}";
    input.actor.name = Some(name.into());
    input.after = Some(serde_json::json!({"note": name}).to_string());
    let stored = s.append(&input).expect("append");
    assert_eq!(stored.actor.name.as_deref(), Some(name));
    let body = &raw_rows(&path, "acme")[0].3;
    assert!(
        !body.contains('\n') && !body.contains('\r') && !body.contains('\u{0}'),
        "escaped in the stored JSON"
    );
    assert_eq!(
        all_events(&mut s, "acme")[0].actor.name.as_deref(),
        Some(name)
    );
}

#[test]
fn the_runtime_is_shared_across_threads() {
    fn send_sync<T: Send + Sync + Clone>(_: &T) {}
    send_sync(runtime());
    let handles: Vec<_> = ["t1", "t2", "t3"]
        .into_iter()
        .map(|tenant| {
            std::thread::spawn(move || {
                let mut s = runtime().session(Box::new(audit_host::MemoryStore::new()), clock());
                (0..10)
                    .map(|_| s.append(&event(tenant, "user.updated")).unwrap().seq)
                    .last()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), Some(10));
    }
}

#[test]
fn append_json_stores_and_answers_what_parse_inputs_and_append_batch_do() {
    let text = concat!(
        r#"{"action":"user.updated","actor":{"id":"u_1","name":"Ana","kind":"user"},"outcome":"success","before":{"role":"agent","password":"a"},"after":{"role":"supervisor","password":"b"}}"#,
        "\n",
        r#"{"action":"team.created","actor":{"id":"u_2","kind":"user"},"outcome":"failure","failure_reason":"quota"}"#,
        "\n"
    );
    let (_a, one) = temp_store();
    let (_b, two) = temp_store();
    let mut s1 = session(&one);
    let lines = s1.append_json(text, Some("acme")).unwrap();
    let mut s2 = session(&two);
    let inputs = s2.parse_inputs(text, Some("acme")).unwrap();
    let events = s2.append_batch(&inputs).unwrap();
    let typed: String = events
        .iter()
        .map(|e| s2.to_json(e).unwrap() + "\n")
        .collect();
    assert_eq!(lines, typed);
    assert_eq!(raw_rows(&one, "acme"), raw_rows(&two, "acme"));
    assert!(lines.contains(r#""new":"[redacted]""#), "{lines}");

    // Refused: named by the event, nothing stored, the session usable.
    let bad = text.replace(
        r#""kind":"user"},"outcome":"failure""#,
        r#""kind":"robot"},"outcome":"failure""#,
    );
    let err = s1.append_json(&bad, Some("acme")).unwrap_err().to_string();
    assert!(err.contains("events[1].actor.kind"), "{err}");
    assert_eq!(raw_rows(&one, "acme").len(), 2);
    let err = s1.append_json("", Some("acme")).unwrap_err().to_string();
    assert!(err.starts_with("input:"), "{err}");
}
