//! Who may read: roles, a disabled log, and the event every read leaves.

use crate::harness::*;
use audit_host::HostError;
use audit_host::bindings::{
    Error, ExportFormat, ExportRequest, ExportRows, Order, PageRequest, Viewer,
};
use serde_json::Value;

fn page(viewer: Viewer) -> PageRequest {
    PageRequest {
        filter: filter("acme"),
        order: Order::NewestFirst,
        limit: 10,
        cursor: None,
        viewer,
        count: false,
    }
}

/// (action, actor id, failure reason, metadata) of every stored event.
fn log(path: &std::path::Path) -> Vec<(String, String, Option<String>, Value)> {
    raw_rows(path, "acme")
        .iter()
        .map(|r| {
            let v: Value = serde_json::from_str(&r.3).unwrap();
            (
                v["action"].as_str().unwrap().to_string(),
                v["actor"]["id"].as_str().unwrap().to_string(),
                v["failure_reason"].as_str().map(str::to_string),
                v["metadata"].clone(),
            )
        })
        .collect()
}

#[test]
fn an_agent_is_refused_and_the_refusal_is_recorded() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    s.append(&event("acme", "user.updated")).expect("append");
    let agent = viewer("u_9", &["agent"]);
    match s.query(&page(agent.clone())) {
        Err(HostError::Audit(Error::Denied(why))) => {
            assert!(why.contains("\"agent\""), "{why}");
            assert!(why.contains("admin, super_admin"), "{why}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let request = ExportRequest {
        filter: filter("acme"),
        order: Order::OldestFirst,
        viewer: agent,
        format: ExportFormat::Csv,
        columns: vec![],
        rows: ExportRows::Events,
        byte_order_mark: false,
        utc_offset: None,
        proof: None,
    };
    assert!(matches!(
        s.export(&request).err(),
        Some(HostError::Audit(Error::Denied(_)))
    ));
    let log = log(&path);
    assert_eq!(log.len(), 3);
    assert_eq!(
        (&log[1].0[..], &log[1].1[..], log[1].2.as_deref()),
        ("audit_log.viewed", "u_9", Some("role_not_allowed"))
    );
    assert_eq!(
        (&log[2].0[..], log[2].2.as_deref()),
        ("audit_log.exported", Some("role_not_allowed"))
    );
    // A role the tenant allows reads.
    assert!(s.query(&page(viewer("u_1", &["agent", "admin"]))).is_ok());
}

#[test]
fn each_read_leaves_its_own_event_naming_viewer_and_filter() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    let stored = s.append(&event("acme", "user.updated")).expect("append");
    let mut r = page(admin());
    r.filter.action = Some("user.*".into());
    r.filter.text = Some("john".into());
    s.query(&r).expect("query");
    s.get_event("acme", &stored.id, &admin()).expect("get");
    let request = ExportRequest {
        filter: r.filter.clone(),
        order: Order::OldestFirst,
        viewer: viewer("u_5", &["super_admin"]),
        format: ExportFormat::Jsonl,
        columns: vec![],
        rows: ExportRows::Events,
        byte_order_mark: false,
        utc_offset: None,
        proof: None,
    };
    let mut export = s.export(&request).expect("export");
    while export.next_chunk().expect("chunk").is_some() {}
    drop(export);
    let log = log(&path);
    let reads: Vec<_> = log.iter().skip(1).collect();
    assert_eq!(reads.len(), 3, "{log:?}");
    assert_eq!(reads[0].0, "audit_log.viewed");
    assert_eq!(reads[0].1, "auditor");
    assert_eq!(reads[0].3["filter"]["action"], "user.*");
    // The searched text is recorded as a stand-in, never in the clear.
    assert!(
        reads[0].3["filter"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("[redacted") && !t.contains("john")),
        "{:?}",
        reads[0].3["filter"]
    );
    assert_eq!(reads[0].3["returned"], 1);
    assert_eq!(reads[0].3["viewer_roles"], serde_json::json!(["admin"]));
    assert_eq!(reads[1].0, "audit_log.viewed");
    assert_eq!(reads[1].3["event_id"], stored.id.as_str());
    assert_eq!(reads[2].0, "audit_log.exported");
    assert_eq!(reads[2].1, "u_5");
    assert_eq!(reads[2].3["format"], "jsonl");
    assert_ne!(
        reads[2].3["filter"]["text"], "john",
        "no searched text in the clear"
    );
}

#[test]
fn a_disabled_log_refuses_reads_from_the_cli_until_enabled() {
    let (dir, path) = temp_store();
    let store = path.to_str().unwrap();
    run_ok(
        audit_host(dir.path())
            .args(["--store", store, "append", "--tenant", "acme"])
            .arg(write(
                &dir,
                "e.json",
                r#"{"action":"user.updated","actor":{"id":"u_1","kind":"user"},"outcome":"success"}"#,
            )),
    );
    // A new log is readable at once by the local operator.
    run_ok(audit_host(dir.path()).args(["--store", store, "query", "--tenant", "acme"]));
    run_ok(
        audit_host(dir.path())
            .args(["--store", store, "settings", "set", "--tenant", "acme"])
            .arg(write(&dir, "off.json", r#"{"access":{"enabled":false}}"#)),
    );
    for sub in ["query", "export"] {
        let (code, stderr) =
            run_err(audit_host(dir.path()).args(["--store", store, sub, "--tenant", "acme"]));
        assert_eq!(code, 1);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: access denied: the audit log of tenant acme is not enabled"),
            "{stderr}"
        );
    }
    // Recording goes on while reading is off.
    run_ok(
        audit_host(dir.path())
            .args(["--store", store, "append", "--tenant", "acme"])
            .arg(dir.path().join("e.json")),
    );
    run_ok(
        audit_host(dir.path())
            .args(["--store", store, "settings", "set", "--tenant", "acme"])
            .arg(write(
                &dir,
                "on.json",
                r#"{"access":{"enabled":true,"roles":["auditor"]}}"#,
            )),
    );
    // Now only the `auditor` role may read.
    let (code, stderr) =
        run_err(audit_host(dir.path()).args(["--store", store, "query", "--tenant", "acme"]));
    assert_eq!(code, 1);
    assert!(stderr.contains("allows auditor"), "{stderr}");
    let out = run_ok(audit_host(dir.path()).args([
        "--store",
        store,
        "query",
        "--tenant",
        "acme",
        "--viewer",
        "u_77",
        "--viewer-role",
        "agent",
        "--viewer-role",
        "Auditor",
        "--action",
        "audit_log.*",
        "--outcome",
        "failure",
        "--format",
        "jsonl",
    ]));
    // The refusals, with their reasons, are in the log.
    let reasons: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["failure_reason"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        reasons,
        [
            "role_not_allowed",
            "audit_log_not_enabled",
            "audit_log_not_enabled"
        ]
    );
    let (code, stderr) = run_err(
        audit_host(dir.path())
            .args(["--store", store, "settings", "set", "--tenant", "acme"])
            .arg(write(&dir, "bad.json", r#"{"access":{"roles":[]}}"#)),
    );
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("error: settings.access.roles: must name at least one role"),
        "{stderr}"
    );
}
