//! Reading back through the library.

use crate::harness::*;
use audit_host::HostError;
use audit_host::bindings::{Error, Order, PageRequest};

fn request(tenant: &str, limit: u32) -> PageRequest {
    PageRequest {
        filter: filter(tenant),
        order: Order::NewestFirst,
        limit,
        cursor: None,
        viewer: admin(),
        count: false,
    }
}

fn seeded(path: &std::path::Path, n: usize) -> audit_host::Session {
    let mut s = session(path);
    let inputs: Vec<_> = (0..n)
        .map(|i| {
            let mut e = event(
                "acme",
                ["user.updated", "team.created", "user.password_reset_failed"][i % 3],
            );
            e.actor.id = format!("u_{}", i % 5);
            e.occurred_at = Some(format!("2026-11-{:02}T09:30:00Z", 1 + i % 20));
            e
        })
        .collect();
    s.append_batch(&inputs).expect("append");
    s
}

#[test]
fn pages_walk_the_whole_log_newest_first_without_repeats() {
    let (_dir, path) = temp_store();
    let mut s = seeded(&path, 120);
    let mut r = request("acme", 25);
    let mut seqs = Vec::new();
    loop {
        let page = s.query(&r).expect("query");
        assert!(page.events.len() <= 25);
        seqs.extend(page.events.iter().map(|e| e.seq));
        match page.next_cursor {
            Some(c) => r.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seqs, (1..=120).rev().collect::<Vec<u64>>());
}

#[test]
fn events_appended_while_paging_are_neither_repeated_nor_skipped() {
    let (_dir, path) = temp_store();
    let mut s = seeded(&path, 30);
    let mut r = request("acme", 10);
    r.order = Order::OldestFirst;
    // Not the reads' own events (target audit_log), which pile up as we page.
    r.filter.target_kind = Some("user".into());
    let first = s.query(&r).expect("query");
    s.append_batch(&[event("acme", "user.created"), event("acme", "user.created")])
        .expect("append");
    r.cursor = first.next_cursor;
    let mut seqs: Vec<u64> = first.events.iter().map(|e| e.seq).collect();
    loop {
        let page = s.query(&r).expect("query");
        seqs.extend(page.events.iter().map(|e| e.seq));
        match page.next_cursor {
            Some(c) => r.cursor = Some(c),
            None => break,
        }
    }
    // seq 31 is the first page's own audit_log.viewed event.
    let expected: Vec<u64> = (1..=30).chain(32..=33).collect();
    assert_eq!(seqs, expected);
}

#[test]
fn filters_by_time_actor_and_action() {
    let (_dir, path) = temp_store();
    let mut s = seeded(&path, 200);
    let mut r = request("acme", 1000);
    r.filter.since = Some("2026-11-05".into());
    r.filter.until = Some("2026-11-08T09:30:00Z".into());
    r.filter.actor_id = Some("u_0".into());
    r.filter.action = Some("user.*".into());
    let got: Vec<u64> = s
        .query(&r)
        .expect("query")
        .events
        .iter()
        .map(|e| e.seq)
        .collect();
    let expected: Vec<u64> = (0..200u64)
        .rev()
        .filter(|i| (4..7).contains(&(i % 20)) && i % 5 == 0 && i % 3 != 1)
        .map(|i| i + 1)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);

    r.filter = filter("acme");
    r.filter.action = Some("user.password_reset_failed".into());
    let failed = s.query(&r).expect("query").events;
    assert_eq!(failed.len(), 66);
    assert!(
        failed
            .iter()
            .all(|e| e.action == "user.password_reset_failed" && e.category == "authentication")
    );
}

#[test]
fn bad_requests_name_the_field() {
    let (_dir, path) = temp_store();
    let mut s = seeded(&path, 3);
    let field_of = |e: HostError| match e {
        HostError::Audit(Error::InvalidInput(f)) => f.field,
        other => panic!("unexpected {other:?}"),
    };
    let mut r = request("acme", 0);
    assert_eq!(field_of(s.query(&r).unwrap_err()), "limit");
    r.limit = 1001;
    assert_eq!(field_of(s.query(&r).unwrap_err()), "limit");
    let mut r = request("acme", 10);
    r.filter.since = Some("next tuesday".into());
    assert_eq!(field_of(s.query(&r).unwrap_err()), "filter.since");
    let mut r = request("acme", 10);
    r.cursor = Some("c1.x.y".into());
    assert_eq!(field_of(s.query(&r).unwrap_err()), "cursor");
    let r = request("bad tenant", 10);
    assert_eq!(field_of(s.query(&r).unwrap_err()), "filter.tenant");
    assert!(matches!(
        s.get_event("acme", "no-such-id", &admin()),
        Err(HostError::Audit(Error::NotFound(_)))
    ));
}

#[test]
fn an_unknown_tenant_reads_empty() {
    let (_dir, path) = temp_store();
    let mut s = seeded(&path, 3);
    let page = s.query(&request("globex", 10)).expect("query");
    assert!(page.events.is_empty() && page.next_cursor.is_none());
}
