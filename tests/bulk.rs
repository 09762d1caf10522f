//! Bulk operations through the real component and SQLite: a parent and a
//! thousand children in one call, linked, all or nothing; `append --bulk`.

use crate::harness::*;
use audit_host::HostError;
use audit_host::bindings::{Error, EventInput, Target};

fn child(i: usize) -> EventInput {
    let mut e = event("acme", "lead.updated");
    e.targets = vec![Target {
        kind: "lead".into(),
        id: format!("ld_{i}"),
        name: None,
    }];
    e.before = Some(r#"{"status":"new"}"#.into());
    e.after = Some(format!(r#"{{"status":"contacted","attempt":{i}}}"#));
    e
}

#[test]
fn a_bulk_of_a_thousand_records_a_thousand_and_one_events_atomically() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    s.append(&event("acme", "user.created")).unwrap();
    let parent = event("acme", "lead.bulk_updated");
    let children: Vec<EventInput> = (0..1000).map(child).collect();

    // One bad child: nothing of the operation is stored.
    let mut bad = children.clone();
    bad[999].context.ip = Some("999.0.0.1".into());
    match s.append_bulk(&parent, &bad).unwrap_err() {
        HostError::Audit(Error::InvalidInput(f)) => assert_eq!(f.field, "children[999].context.ip"),
        other => panic!("{other:?}"),
    }
    let mut foreign = children.clone();
    foreign[3].tenant = "globex".into();
    match s.append_bulk(&parent, &foreign).unwrap_err() {
        HostError::Audit(Error::InvalidInput(f)) => assert_eq!(f.field, "children[3].tenant"),
        other => panic!("{other:?}"),
    }
    assert_eq!(raw_rows(&path, "acme").len(), 1);

    let stored = s.append_bulk(&parent, &children).unwrap();
    assert_eq!(stored.len(), 1001);
    let rows = raw_rows(&path, "acme");
    assert_eq!(rows.len(), 1002);
    assert_eq!(verify_chain(&path, "acme"), 1002);
    let id = stored[0].id.clone();
    assert_eq!(stored[0].seq, 2);
    assert!(
        stored
            .iter()
            .all(|e| e.correlation_id.as_deref() == Some(id.as_str()))
    );
    assert_eq!(
        stored[0].metadata.as_deref(),
        Some(r#"{"bulk_count":1000}"#)
    );
    assert_eq!(stored[1000].targets[0].id, "ld_999");
    assert_eq!(stored[1000].changes.len(), 2, "each child has its own diff");
    // The bodies carry the correlation id, hashed; the keyword search finds
    // the whole operation and nothing else.
    assert!(
        rows[1001]
            .3
            .contains(&format!(r#""correlation_id":"{id}""#))
    );
    let mut f = filter("acme");
    f.text = Some(id.clone());
    let page = s
        .query(&audit_host::bindings::PageRequest {
            filter: f,
            order: audit_host::bindings::Order::OldestFirst,
            limit: 10,
            cursor: None,
            viewer: admin(),
            count: true,
        })
        .unwrap();
    assert_eq!(page.total, Some(1001));
}

#[test]
fn append_bulk_from_the_cli() {
    let (dir, path) = temp_store();
    let lines = [
        r#"{"tenant":"acme","action":"lead.imported","actor":{"id":"u_1","kind":"user"},"outcome":"success","metadata":{"file":"leads.csv"}}"#,
        r#"{"tenant":"acme","action":"lead.created","actor":{"id":"u_1","kind":"user"},"targets":[{"kind":"lead","id":"l1"}],"outcome":"success"}"#,
        r#"{"tenant":"acme","action":"lead.created","actor":{"id":"u_1","kind":"user"},"targets":[{"kind":"lead","id":"l2"}],"outcome":"success"}"#,
    ];
    let file = write(&dir, "bulk.jsonl", &lines.join("\n"));
    let out = run_ok(
        audit_host(dir.path())
            .arg("--store")
            .arg(&path)
            .args(["append", "--bulk"])
            .arg(&file),
    );
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 3);
    assert!(
        events
            .iter()
            .all(|e| e["correlation_id"] == events[0]["id"])
    );
    assert_eq!(events[0]["metadata"]["bulk_count"], 2);
    let (code, err) = run_err(
        audit_host(dir.path())
            .arg("--store")
            .arg(&path)
            .args(["append", "--bulk"])
            .arg(write(&dir, "one.json", lines[0])),
    );
    assert_eq!(code, 1);
    assert_eq!(
        err.trim(),
        "error: children: a bulk operation records at least one affected entity"
    );
}
