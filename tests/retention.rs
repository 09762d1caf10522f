//! Retention: what a purge deletes, the anchor it leaves, the floor it
//! respects, and a chain that still verifies afterwards.

use crate::harness::*;
use audit_host::SigningKey;
use audit_host::bindings::{Actor, ActorKind, Row};
use audit_host::session::integrity::{intact, kind_name};
use audit_host::{EventStore, Session, SqliteStore, SteppingClock};
use std::path::Path;

fn session_at(path: &Path, time: &str) -> Session {
    let store = SqliteStore::open(path).expect("the store opens");
    runtime().session(
        Box::new(store),
        Box::new(SteppingClock::parse(time).expect("a valid time")),
    )
}

fn retention_job() -> Actor {
    Actor {
        id: "retention".into(),
        name: None,
        email: None,
        kind: ActorKind::System,
    }
}

/// Five events 200 days ago and three 10 days ago, by the system clock:
/// what `audit-host purge` (which runs on the system clock only) purges.
fn old_and_new_before_now(path: &Path) {
    let ago = |days: i64| {
        (chrono::Utc::now() - chrono::Duration::days(days))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let mut s = session_at(path, &ago(200));
    for _ in 0..5 {
        s.append(&event("acme", "user.updated")).unwrap();
    }
    let mut s = session_at(path, &ago(10));
    for _ in 0..3 {
        s.append(&event("acme", "team.updated")).unwrap();
    }
}

/// Five events on 2026-01-01 and three on 2026-03-20.
fn old_and_new(path: &Path) {
    let mut s = session_at(path, "2026-01-01T00:00:00Z");
    for _ in 0..5 {
        s.append(&event("acme", "user.updated")).unwrap();
    }
    let mut s = session_at(path, "2026-03-20T00:00:00Z");
    for _ in 0..3 {
        s.append(&event("acme", "team.updated")).unwrap();
    }
}

#[test]
fn purge_deletes_the_old_prefix_anchors_it_and_verify_stays_intact() {
    let (_dir, path) = temp_store();
    old_and_new(&path);
    let hash_of_5 = raw_rows(&path, "acme")[4].2.clone();
    let key = SigningKey::generate().unwrap();

    // 2026-04-11 minus the default 90 days is 2026-01-11: the first five go.
    let mut s = session_at(&path, "2026-04-11T00:00:00Z");
    let out = s.purge("acme", &retention_job()).unwrap();
    assert!(intact(&out.report));
    assert_eq!((out.purged, out.through_seq), (5, Some(5)));
    let anchor = out.event.expect("the purge is recorded");
    assert_eq!(anchor.action, "audit_log.purged");
    assert_eq!(anchor.seq, 9);
    assert_eq!(anchor.actor.kind, ActorKind::System);
    let metadata: serde_json::Value =
        serde_json::from_str(anchor.metadata.as_deref().unwrap()).unwrap();
    assert_eq!(
        metadata,
        serde_json::json!({
            "first_seq": 1, "through_seq": 5, "through_hash": hash_of_5, "count": 5,
            "recorded_before": "2026-01-11T00:00:00Z", "retention_days": 90
        })
    );
    let seqs: Vec<u64> = raw_rows(&path, "acme").iter().map(|r| r.0).collect();
    assert_eq!(seqs, [6, 7, 8, 9]);

    let r = s.verify("acme", &[], &[]).unwrap();
    assert!(intact(&r), "{:?}", r.findings);
    assert_eq!(
        (r.first_seq, r.last_seq, r.purged_through),
        (Some(6), Some(9), Some(5))
    );

    // Nothing more is old enough.
    let again = s.purge("acme", &retention_job()).unwrap();
    assert_eq!((again.purged, again.event), (0, None));

    // A checkpoint made now, then a later purge takes everything, the
    // first anchor included; the new anchor carries the chain on.
    let (_, checkpoint) = s.checkpoint("acme", &key).unwrap();
    let checkpoint = checkpoint.unwrap();
    let mut later = session_at(&path, "2026-12-01T00:00:00Z");
    let out = later.purge("acme", &retention_job()).unwrap();
    assert_eq!((out.purged, out.through_seq), (4, Some(9)));
    later.append(&event("acme", "user.updated")).unwrap();
    let public = key.public_key_pem().unwrap();
    let r = later.verify("acme", &[checkpoint], &[public]).unwrap();
    assert!(intact(&r), "{:?}", r.findings);
    assert_eq!((r.first_seq, r.purged_through), (Some(10), Some(9)));
    assert_eq!(
        r.checkpoints_verified, 1,
        "a checkpoint of the last purged event is checked against the anchor"
    );
}

#[test]
fn purge_refuses_a_tampered_chain_and_deletes_nothing() {
    let (dir, path) = temp_store();
    old_and_new(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE audit_events SET body = replace(body, 'Ana', 'Eve') WHERE seq = 2",
        [],
    )
    .unwrap();
    let mut s = session_at(&path, "2026-04-11T00:00:00Z");
    let out = s.purge("acme", &retention_job()).unwrap();
    assert_eq!(out.purged, 0);
    assert_eq!(out.event, None);
    assert_eq!(
        out.report
            .findings
            .iter()
            .map(|f| (kind_name(f.kind), f.seq))
            .collect::<Vec<_>>(),
        [("modified", 2)]
    );
    assert_eq!(raw_rows(&path, "acme").len(), 8, "nothing deleted");

    let cmd = audit_host(dir.path())
        .args([
            "--store",
            path.to_str().unwrap(),
            "purge",
            "--tenant",
            "acme",
        ])
        .output()
        .unwrap();
    assert_eq!(cmd.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&cmd.stderr).contains("purge refused"));
    assert_eq!(raw_rows(&path, "acme").len(), 8);
}

#[test]
fn the_cli_purges_and_verify_still_reports_intact() {
    let (dir, path) = temp_store();
    old_and_new_before_now(&path);
    let store = path.to_str().unwrap();
    // A fixed clock cannot purge: it could delete what retention keeps.
    for (flag, env) in [
        (Some("2099-01-01T00:00:00Z"), None),
        (None, Some("2099-01-01T00:00:00Z")),
    ] {
        let mut cmd = audit_host(dir.path());
        if let Some(env) = env {
            cmd.env("AUDIT_CLOCK", env);
        }
        cmd.args(["--store", store]);
        if let Some(at) = flag {
            cmd.args(["--clock", at]);
        }
        let (code, stderr) = run_err(cmd.args(["purge", "--tenant", "acme"]));
        assert_eq!(code, 1);
        assert!(stderr.contains("system clock only"), "{stderr}");
        assert_eq!(raw_rows(&path, "acme").len(), 8, "nothing purged");
    }
    let out = run_ok(audit_host(dir.path()).args(["--store", store, "purge", "--tenant", "acme"]));
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "tenant acme: purged 5 events (seq 1..5); recorded as seq 9 (audit_log.purged)"
    );
    let event: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(event["actor"]["id"], "retention");
    let out = run_ok(audit_host(dir.path()).args(["--store", store, "verify", "--tenant", "acme"]));
    assert_eq!(
        out,
        "tenant acme: intact: 4 events (seq 6..9), from the anchor of the purge through seq 5\n"
    );
}

#[test]
fn the_retention_floor_is_enforced() {
    let (_dir, path) = temp_store();
    old_and_new(&path);
    let mut s = session_at(&path, "2026-04-11T00:00:00Z");
    let op = Actor {
        id: "op".into(),
        name: None,
        email: None,
        kind: ActorKind::User,
    };
    let e = s
        .put_settings("acme", r#"{"retention":{"days":10}}"#, &op)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "settings.retention.days: must be at least retention.minimum_days (30)"
    );
    s.put_settings(
        "acme",
        r#"{"retention":{"days":400,"minimum_days":365}}"#,
        &op,
    )
    .unwrap();
    let e = s
        .put_settings(
            "acme",
            r#"{"retention":{"days":400,"minimum_days":300}}"#,
            &op,
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "settings.retention.minimum_days: can be raised but never lowered (it is 365)"
    );
    let stored: serde_json::Value = serde_json::from_str(&s.get_settings("acme").unwrap()).unwrap();
    assert_eq!(
        stored["retention"],
        serde_json::json!({"days": 400, "minimum_days": 365})
    );
    // 100-day-old events stay under a 400-day retention.
    let out = s.purge("acme", &retention_job()).unwrap();
    assert_eq!(out.purged, 0);
    assert_eq!(raw_rows(&path, "acme").len(), 9);
}

#[test]
fn a_purge_whose_anchor_cannot_be_stored_deletes_nothing() {
    let (_dir, path) = temp_store();
    old_and_new(&path);
    let rows = raw_rows(&path, "acme");
    let mut store = SqliteStore::open(&path).unwrap();
    let anchor = |seq: u64, prev: &str| Row {
        tenant: "acme".into(),
        seq,
        id: "anchor".into(),
        occurred_at_us: 0,
        prev_hash: prev.into(),
        hash: "f".repeat(64),
        body: "{}".into(),
        defects: Vec::new(),
    };
    // Not continuing the head: another writer got there first.
    let stale = anchor(8, &rows[6].2);
    assert!(matches!(
        store.purge("acme", 5, 5, stale),
        Err(audit_host::bindings::StoreError::Conflict)
    ));
    // The wrong count: another purge got there first.
    let fresh = anchor(9, &rows[7].2);
    assert!(matches!(
        store.purge("acme", 5, 4, fresh),
        Err(audit_host::bindings::StoreError::Conflict)
    ));
    assert_eq!(raw_rows(&path, "acme"), rows, "rolled back whole");
}

#[test]
fn the_logs_own_actions_cannot_be_appended() {
    let (dir, path) = temp_store();
    let mut s = session(&path);
    let e = s.append(&event("acme", "audit_log.purged")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "action: audit_log.* actions are recorded by the log itself"
    );
    let input = r#"{"tenant":"acme","action":"audit_log.settings_updated","actor":{"id":"x","kind":"user"},"outcome":"success"}"#;
    let (code, err) = run_err(
        audit_host(dir.path())
            .args(["--store", path.to_str().unwrap(), "append"])
            .arg(write(&dir, "e.json", input)),
    );
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: events[0].action: audit_log.* actions are recorded by the log itself\n"
    );
    assert!(raw_rows(&path, "acme").is_empty());
}
