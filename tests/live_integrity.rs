//! Integrity calls on a live log: verify, checkpoint and purge run again
//! and again while other processes append, and find nothing (every read of
//! one call is of one moment of the store); and a row whose columns were
//! edited to another type is a finding about that row, never a tenant that
//! cannot be read.

use crate::harness::*;
use std::process::{Child, Stdio};

const EVENT: &str = r#"{"tenant":"acme","action":"user.updated","actor":{"id":"u","kind":"user"},"outcome":"success"}"#;

fn appender(dir: &tempfile::TempDir, store: &str, name: &str, n: usize) -> Child {
    let file = write(
        dir,
        name,
        &(0..n).map(|_| EVENT).collect::<Vec<_>>().join("\n"),
    );
    audit_host(dir.path())
        .args(["--store", store, "append", "--batch-size", "1"])
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn integrity_calls_find_nothing_while_others_append() {
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    run_ok(
        audit_host(dir.path())
            .args(["--store", s, "append"])
            .arg(write(&dir, "first.json", EVENT)),
    );
    run_ok(audit_host(dir.path()).args([
        "keygen",
        "--private-key",
        "k.key",
        "--public-key",
        "k.pub",
    ]));
    let mut writers = vec![
        appender(&dir, s, "a.jsonl", 1500),
        appender(&dir, s, "b.jsonl", 1500),
    ];
    let mut runs = 0;
    let mut alive = true;
    while alive {
        alive = writers.iter_mut().any(|w| w.try_wait().unwrap().is_none());
        for (i, args) in [
            vec!["verify", "--tenant", "acme"],
            vec!["checkpoint", "--tenant", "acme", "--signing-key", "k.key"],
            vec!["purge", "--tenant", "acme"],
        ]
        .into_iter()
        .enumerate()
        {
            let out = audit_host(dir.path())
                .args(["--store", s])
                .args(&args)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success(),
                "{args:?} (run {runs}) found something on an honest log ({}): {stdout}{stderr}",
                out.status
            );
            if i == 0 {
                assert!(stdout.contains(": intact: "), "{stdout}");
            }
        }
        runs += 1;
    }
    for w in writers {
        let out = w.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        runs >= 3,
        "the integrity calls ran {runs} times while others appended"
    );
    assert_eq!(verify_chain(&store, "acme"), 3001);
}

/// A store with five events, and `edit` applied to the row of seq 2.
fn edited(edit: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    run_ok(
        audit_host(dir.path())
            .args(["--store", s, "append"])
            .arg(write(
                &dir,
                "five.jsonl",
                &(0..5).map(|_| EVENT).collect::<Vec<_>>().join("\n"),
            )),
    );
    let conn = rusqlite::Connection::open(&store).unwrap();
    let changed = conn
        .execute(&format!("UPDATE audit_events SET {edit} WHERE seq = 2"), [])
        .unwrap();
    assert_eq!(changed, 1);
    (dir, store)
}

#[test]
fn a_column_of_the_wrong_type_is_a_finding_about_its_row() {
    for (edit, column) in [
        ("body = CAST(body AS BLOB)", "body"),
        ("prev_hash = CAST(prev_hash AS BLOB)", "prev_hash"),
        ("hash = CAST(hash AS BLOB)", "hash"),
        ("id = CAST(id AS BLOB)", "id"),
        ("occurred_at_us = 'yesterday'", "occurred_at_us"),
        ("seq = 2.5", "seq"),
    ] {
        let (dir, store) = edited(edit);
        let s = store.to_str().unwrap();
        let out = audit_host(dir.path())
            .args(["--store", s, "verify", "--tenant", "acme"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(3),
            "{edit}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let findings: Vec<&str> = stdout
            .lines()
            .filter(|l| !l.starts_with("tenant "))
            .collect();
        assert!(
            findings[0].starts_with("modified") && findings[0].contains("seq 2 "),
            "{edit}: {stdout}"
        );
        assert!(findings[0].contains(column), "{edit}: {stdout}");
        // Every other row stays readable: a query and an export of the
        // tenant go through, and show the four untouched events.
        let jsonl = run_ok(audit_host(dir.path()).args([
            "--store", s, "query", "--tenant", "acme", "--action", "user.*", "--format", "jsonl",
        ]));
        let seqs: Vec<u64> = jsonl
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["seq"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        for seq in [1, 3, 4, 5] {
            assert!(seqs.contains(&seq), "{edit}: seq {seq} in {seqs:?}");
        }
        let csv = run_ok(audit_host(dir.path()).args([
            "--store", s, "export", "--tenant", "acme", "--action", "user.*",
        ]));
        assert!(csv.lines().count() >= 5, "{edit}: {csv}");
    }
}
