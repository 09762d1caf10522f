//! The audit-host binary as a user meets it.

use crate::harness::*;

#[test]
fn append_prints_stored_events_as_json_lines() {
    let (dir, path) = temp_store();
    let input = r#"[{"action":"team.created","actor":{"id":"u_1","kind":"user"},"outcome":"success","after":{"name":"Blue"}},
                   {"action":"team.deleted","actor":{"id":"sys","kind":"system"},"outcome":"success","before":{"name":"Blue"}}]"#;
    let mut cmd = audit_host(dir.path());
    cmd.env("AUDIT_STORE", &path)
        .env("AUDIT_CLOCK", "2026-11-21T10:00:00Z")
        .args(["append", "--tenant", "acme", "-"]);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["seq"], 1);
    assert_eq!(lines[0]["tenant"], "acme");
    assert_eq!(lines[0]["recorded_at"], "2026-11-21T10:00:00Z");
    assert_eq!(
        lines[0]["changes"][0],
        serde_json::json!({"op": "add", "path": "/name", "new": "Blue"})
    );
    assert_eq!(lines[1]["actor"]["kind"], "system");
    assert_eq!(lines[1]["prev_hash"], lines[0]["hash"]);
}

#[test]
fn query_pages_with_a_cursor_in_both_formats() {
    let (dir, path) = temp_store();
    let store = path.to_str().unwrap();
    let events: String = (0..7)
        .map(|i| format!("{{\"tenant\":\"acme\",\"action\":\"user.updated\",\"actor\":{{\"id\":\"u_{i}\",\"name\":\"User {i}\",\"kind\":\"user\"}},\"outcome\":\"success\"}}\n"))
        .collect();
    run_ok(
        audit_host(dir.path())
            .args(["--store", store, "append"])
            .arg(write(&dir, "e.jsonl", &events)),
    );

    let table = run_ok(audit_host(dir.path()).args([
        "--store", store, "query", "--tenant", "acme", "--limit", "3",
    ]));
    let mut lines = table.lines();
    assert!(lines.next().unwrap().starts_with("SEQ"));
    let seqs: Vec<&str> = table
        .lines()
        .skip(1)
        .take(3)
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(seqs, ["7", "6", "5"]);
    let cursor = table
        .lines()
        .find_map(|l| l.strip_prefix("more: --cursor "))
        .expect("a cursor line")
        .to_string();

    let out = audit_host(dir.path())
        .args([
            "--store", store, "query", "--tenant", "acme", "--limit", "3", "--format", "jsonl",
            "--cursor", &cursor,
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let seqs: Vec<u64> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs, [4, 3, 2]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("next cursor: "), "{stderr}");

    let filtered = run_ok(audit_host(dir.path()).args([
        "--store", store, "query", "--tenant", "acme", "--actor", "u_3", "--format", "jsonl",
    ]));
    assert_eq!(filtered.lines().count(), 1);
}

#[test]
fn usage_errors_exit_2_and_failures_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _) = run_err(audit_host(dir.path()).args(["query"]));
    assert_eq!(code, 2, "missing --tenant is a usage error");
    let (code, _) = run_err(audit_host(dir.path()).args(["frobnicate"]));
    assert_eq!(code, 2);
    let (code, stderr) =
        run_err(audit_host(dir.path()).args(["query", "--tenant", "acme", "--from", "soon"]));
    assert_eq!(code, 1);
    assert_eq!(
        stderr.trim(),
        "error: --from: not an RFC 3339 timestamp or a date YYYY-MM-DD"
    );
    let (code, stderr) = run_err(audit_host(dir.path()).args(["append", "no-such-file.json"]));
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("error: reading no-such-file.json"),
        "{stderr}"
    );
}

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for sub in [
        vec!["--help"],
        vec!["append", "--help"],
        vec!["query", "--help"],
        vec!["export", "--help"],
        vec!["settings", "--help"],
        vec!["demo", "--help"],
    ] {
        let out = run_ok(audit_host(dir.path()).args(&sub));
        assert!(out.contains("Usage: audit-host"), "{sub:?}");
    }
}

#[test]
fn a_store_path_that_cannot_be_opened_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = run_err(audit_host(dir.path()).args([
        "--store",
        "/nonexistent-dir/x/audit.db",
        "query",
        "--tenant",
        "acme",
    ]));
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("error: opening the store: opening /nonexistent-dir/x/audit.db"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
}

#[test]
fn settings_changes_are_validated_and_recorded() {
    let (dir, path) = temp_store();
    let store = path.to_str().unwrap();
    let shown = run_ok(
        audit_host(dir.path()).args(["--store", store, "settings", "show", "--tenant", "acme"]),
    );
    assert!(shown.trim().starts_with('{'), "{shown}");
    let out = run_ok(
        audit_host(dir.path())
            .args([
                "--store", store, "settings", "set", "--tenant", "acme", "--actor", "u_1",
            ])
            .arg(write(&dir, "s.json", &shown)),
    );
    let event: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(event["action"], "audit_log.settings_updated");
    assert_eq!(event["actor"]["id"], "u_1");
    assert_eq!(
        raw_rows(&path, "acme").len(),
        1,
        "the change is in the tenant's log"
    );
    let (code, stderr) = run_err(
        audit_host(dir.path())
            .args(["--store", store, "settings", "set", "--tenant", "acme"])
            .arg(write(&dir, "bad.json", r#"{"no_such_setting": 1}"#)),
    );
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("error: settings.no_such_setting: unknown setting"),
        "{stderr}"
    );
    assert_eq!(
        raw_rows(&path, "acme").len(),
        1,
        "a refused change records nothing"
    );
}

#[test]
fn settings_set_merges_and_keeps_the_profile_and_registered_actions() {
    let (dir, path) = temp_store();
    let store = path.to_str().unwrap();
    let set = |name: &str, text: &str, extra: &[&str]| {
        audit_host(dir.path())
            .args(["--store", store, "settings", "set", "--tenant", "acme"])
            .args(extra)
            .arg(write(&dir, name, text))
            .output()
            .unwrap()
    };
    let show = || -> serde_json::Value {
        serde_json::from_str(&run_ok(
            audit_host(dir.path()).args(["--store", store, "settings", "show", "--tenant", "acme"]),
        ))
        .unwrap()
    };
    assert!(
        set("p.json", r#"{"catalog":{"profile":"contact-center"}}"#, &[])
            .status
            .success()
    );
    run_ok(
        audit_host(dir.path())
            .args(["--store", store, "actions", "register", "--tenant", "acme"])
            .arg(write(
                &dir,
                "a.json",
                r#"[{"name":"ticket.closed","label":"Ticket Closed","category":"support","change_type":"other"}]"#,
            )),
    );
    // The README's example: one member changed, every other one kept.
    let out = set("off.json", r#"{"access":{"enabled":false}}"#, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let event: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = event["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/access/enabled"], "{event}");
    let now = show();
    assert_eq!(now["access"]["enabled"], false);
    assert_eq!(
        now["access"]["roles"],
        serde_json::json!(["admin", "super_admin"])
    );
    assert_eq!(now["catalog"]["profile"], "contact-center");
    assert_eq!(now["catalog"]["actions"][0]["name"], "ticket.closed");
    // null returns a member to its default.
    assert!(
        set("on.json", r#"{"access":{"enabled":null}}"#, &[])
            .status
            .success()
    );
    assert_eq!(show()["access"]["enabled"], true);
    // A patch that is not an object, or that makes a document the component
    // refuses, changes nothing.
    let rows = raw_rows(&path, "acme").len();
    for (text, why) in [
        ("[1]", "error: settings: must be a JSON object"),
        (
            r#"{"retention":{"days":"x"}}"#,
            "error: settings.retention.days:",
        ),
        (
            r#"{"catalog":{"profile":"nope"}}"#,
            "error: settings.catalog.profile:",
        ),
    ] {
        let out = set("bad.json", text, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text}: {stderr}");
        assert!(stderr.starts_with(why), "{text}: {stderr}");
    }
    assert_eq!(
        raw_rows(&path, "acme").len(),
        rows,
        "a refused change records nothing"
    );
    assert_eq!(show()["catalog"]["profile"], "contact-center");
    // --replace is the whole document: what it leaves out is gone.
    assert!(
        set("r.json", r#"{"retention":{"days":365}}"#, &["--replace"])
            .status
            .success()
    );
    let replaced = show();
    assert_eq!(replaced["retention"]["days"], 365);
    assert_eq!(
        replaced["catalog"]["profile"],
        serde_json::Value::Null,
        "{replaced}"
    );
    assert_eq!(replaced["catalog"]["actions"], serde_json::json!([]));
}

#[test]
fn a_store_of_an_older_schema_is_brought_up_to_date() {
    let (dir, path) = temp_store();
    let store = path.to_str().unwrap();
    // (A command that writes makes and migrates the store; one that only
    // reads opens it read-only and leaves its schema as it is.)
    run_ok(audit_host(dir.path()).args(["--store", store, "query", "--tenant", "acme"]));
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TABLE audit_settings; PRAGMA user_version = 1;")
        .unwrap();
    drop(conn);
    run_ok(audit_host(dir.path()).args(["--store", store, "query", "--tenant", "acme"]));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3);
    let index: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'audit_events_by_time_seq'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(index, 1, "the time index carries seq");
}
