//! What a script learns from `audit-host append`'s exit status, and inputs
//! of any size: 0 all stored and acknowledged, 1 nothing stored, 5 stored
//! but not acknowledged (standard output closed or full, a trap after the
//! commit), 6 earlier batches stored and acknowledged, a later one refused.
//! Reading commands into a closed pipe end quietly.

use crate::harness::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

const EVENT: &str = r#"{"tenant":"acme","action":"user.updated","actor":{"id":"u","kind":"user"},"outcome":"success"}"#;

fn events(n: usize) -> String {
    (0..n).map(|_| EVENT).collect::<Vec<_>>().join("\n")
}

/// Runs `append FILE` in batches of 1,000 into a reader that takes the first
/// acknowledgement line and goes away (`| head -1`); returns that line and
/// the finished run.
fn append_into_head_1(
    dir: &tempfile::TempDir,
    store: &str,
    file: &std::path::Path,
) -> (String, std::process::Output) {
    let mut child = audit_host(dir.path())
        .args(["--store", store, "append", "--batch-size", "1000"])
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    (first, child.wait_with_output().unwrap())
}

#[test]
fn a_file_of_any_size_streams_through_in_batches() {
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    let file = write(&dir, "many.jsonl", &events(25_001));
    let out = run_ok(
        audit_host(dir.path())
            .args(["--store", s, "append", "--batch-size", "1000"])
            .arg(&file),
    );
    assert_eq!(out.lines().count(), 25_001);
    assert_eq!(verify_chain(&store, "acme"), 25_001);
    // A JSON array of more than one call's events streams the same way.
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    let array = format!(
        "[{}]",
        (0..12_000).map(|_| EVENT).collect::<Vec<_>>().join(",\n")
    );
    let file = write(&dir, "many.json", &array);
    run_ok(
        audit_host(dir.path())
            .args(["--store", s, "append", "--batch-size", "5000"])
            .arg(&file),
    );
    assert_eq!(verify_chain(&store, "acme"), 12_000);
}

#[test]
fn without_batches_more_than_one_call_holds_is_refused_whole() {
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    let (code, stderr) = run_err(
        audit_host(dir.path())
            .args(["--store", s, "append"])
            .arg(write(&dir, "many.jsonl", &events(10_001))),
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--batch-size"), "{stderr}");
    assert!(!store.exists() || raw_rows(&store, "acme").is_empty());
}

#[test]
fn a_refused_batch_is_named_by_its_index_in_the_whole_input() {
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    let mut lines: Vec<String> = (0..3_500).map(|_| EVENT.to_string()).collect();
    lines[2_345] = r#"{"tenant":"acme","action":"user.updated","actor":{"id":" ","kind":"user"},"outcome":"success"}"#.into();
    let (code, stderr) = run_err(
        audit_host(dir.path())
            .args(["--store", s, "append", "--batch-size", "1000"])
            .arg(write(&dir, "bad.jsonl", &lines.join("\n"))),
    );
    assert_eq!(code, 6, "{stderr}");
    assert_eq!(stderr.lines().count(), 1);
    assert!(
        stderr.starts_with("error: events[2345].actor.id: required"),
        "{stderr}"
    );
    assert!(
        stderr.contains("events[0..2000) were stored and acknowledged")
            && stderr.contains("nothing from events[2000] on"),
        "{stderr}"
    );
    assert_eq!(raw_rows(&store, "acme").len(), 2_000);
    // A malformed line in a later batch: the component's own message, with
    // the input's index.
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    let text = format!("{}\n{{\"tenant\":}}\n{EVENT}", events(1_500));
    let (code, stderr) = run_err(
        audit_host(dir.path())
            .args(["--store", s, "append", "--batch-size", "1000"])
            .arg(write(&dir, "cut.jsonl", &text)),
    );
    assert_eq!(code, 6, "{stderr}");
    assert!(
        stderr.starts_with("error: events[1500]: not valid JSON"),
        "{stderr}"
    );
    assert_eq!(raw_rows(&store, "acme").len(), 1_000);
}

#[test]
fn stored_but_unacknowledged_is_its_own_status() {
    // Standard output that is full: the event is stored, the status says so.
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = audit_host(dir.path())
        .args(["--store", s, "append"])
        .arg(write(&dir, "e.json", EVENT))
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("were stored, but their acknowledgement could not be written"),
        "{stderr}"
    );
    assert_eq!(raw_rows(&store, "acme").len(), 1);

    // A reader that goes away (`| head -1`): the batch whose
    // acknowledgement failed is stored, nothing after it.
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    let (first, out) = append_into_head_1(&dir, s, &write(&dir, "many.jsonl", &events(3_000)));
    assert!(first.contains("\"seq\":1"), "{first}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("events[0..1000) were stored"), "{stderr}");
    assert_eq!(raw_rows(&store, "acme").len(), 1_000);

    // A trap after the store's commit (the fixture stores, then panics).
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    let fixture = dir.path().join("fixture.wasm");
    std::fs::write(&fixture, FIXTURE).unwrap();
    let (code, stderr) = run_err(
        audit_host(dir.path())
            .args(["--store", s, "--component"])
            .arg(&fixture)
            .arg("append")
            .arg(write(&dir, "t.json", "\"fixture.store_then_panic\"")),
    );
    assert_eq!(code, 5, "{stderr}");
    assert!(stderr.contains("stored"), "{stderr}");
    assert_eq!(raw_rows(&store, "acme").len(), 1);
}

#[test]
fn reading_commands_into_a_closed_pipe_end_quietly() {
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    run_ok(
        audit_host(dir.path())
            .args(["--store", s, "append"])
            .arg(write(&dir, "many.jsonl", &events(400))),
    );
    for args in [
        vec![
            "query", "--tenant", "acme", "--limit", "1000", "--format", "jsonl",
        ],
        vec!["actions"],
        vec!["demo", "--tenant", "pipe-demo"],
    ] {
        let mut child = audit_host(dir.path())
            .args(["--store", s])
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn events_with_an_idempotency_key_are_stored_once_however_often_they_are_sent() {
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    let keyed = |n: usize, action: &str| {
        (0..n)
            .map(|i| {
                format!(
                    r#"{{"tenant":"acme","action":"{action}","actor":{{"id":"u","kind":"user"}},"outcome":"success","idempotency_key":"order-{i}"}}"#
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let file = write(&dir, "keyed.jsonl", &keyed(2_500, "user.updated"));
    // The first attempt loses its acknowledgements after one batch.
    let (first, out) = append_into_head_1(&dir, s, &file);
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("except events with an idempotency_key"));
    // Two retries at once, then one more: every event is stored once, and
    // every retry acknowledges all of them, the first attempt's included.
    let retry = || {
        audit_host(dir.path())
            .args(["--store", s, "append", "--batch-size", "700"])
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (retry(), retry());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    for out in [&a, &b] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let again = run_ok(
        audit_host(dir.path())
            .args(["--store", s, "append", "--batch-size", "1000"])
            .arg(&file),
    );
    assert_eq!(String::from_utf8_lossy(&a.stdout), again);
    assert_eq!(String::from_utf8_lossy(&b.stdout), again);
    assert_eq!(first, again.lines().next().unwrap().to_string() + "\n");
    assert_eq!(verify_chain(&store, "acme"), 2_500);
    // The same key on another event is refused, named by its index in the
    // whole input, and nothing of its batch is stored.
    let (code, stderr) = run_err(
        audit_host(dir.path())
            .args(["--store", s, "append", "--batch-size", "1000"])
            .arg(write(&dir, "other.jsonl", &keyed(1_200, "user.created"))),
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with("error: events[0].idempotency_key: already the key of event "),
        "{stderr}"
    );
    assert_eq!(verify_chain(&store, "acme"), 2_500);
}

#[test]
fn batches_are_cut_where_the_next_event_would_not_fit_one_call() {
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    let note = "n".repeat(1_000);
    let big = (0..3_000)
        .map(|_| {
            format!(
                r#"{{"tenant":"acme","action":"user.updated","actor":{{"id":"u","kind":"user"}},"outcome":"success","metadata":{{"note":"{note}"}}}}"#
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    // 3 MB in batches of up to 10,000 events, with one call carrying 1 MiB.
    let out = run_ok(
        audit_host(dir.path())
            .args([
                "--store",
                s,
                "--max-input-mib",
                "1",
                "append",
                "--batch-size",
                "10000",
            ])
            .arg(write(&dir, "big.jsonl", &big)),
    );
    assert_eq!(out.lines().count(), 3_000);
    assert_eq!(verify_chain(&store, "acme"), 3_000);
}
