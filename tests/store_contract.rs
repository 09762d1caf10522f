//! What every store of the component's rows must do (the `store` import's
//! contract, `wit/` and `EventStore`), run against each implementation:
//! the in-memory store, the SQLite file and the PostgreSQL database. The
//! rows are made here, by hand, so that each rule is tested at the store
//! itself and not through what the component happens to send.

use crate::pg_harness::TestDb;
use audit_host::bindings::{Row, ScanRequest, StoreError};
use audit_host::{EventStore, MemoryStore, PostgresStore, SqliteStore};
use std::time::Duration;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A store under test and whatever keeps it alive (a folder, a database).
struct Subject {
    store: Box<dyn EventStore>,
    /// Another connection to the same store, for the stores that have
    /// connections.
    second: Option<Box<dyn Fn() -> Box<dyn EventStore>>>,
    _keep: Box<dyn std::any::Any>,
}

fn memory() -> Subject {
    Subject {
        store: Box::new(MemoryStore::new()),
        second: None,
        _keep: Box::new(()),
    }
}

fn sqlite() -> Subject {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.db");
    let open = {
        let path = path.clone();
        move || -> Box<dyn EventStore> { Box::new(SqliteStore::open(&path).expect("open")) }
    };
    Subject {
        store: open(),
        second: Some(Box::new(open)),
        _keep: Box::new(dir),
    }
}

fn postgres() -> Subject {
    let db = TestDb::new();
    let url = db.url();
    let open = move || -> Box<dyn EventStore> {
        Box::new(PostgresStore::open(&url, Duration::from_secs(10)).expect("open"))
    };
    Subject {
        store: open(),
        second: Some(Box::new(open)),
        _keep: Box::new(db),
    }
}

/// `n` rows of `tenant` continuing (`seq`, `hash`), one per second from
/// `at_us`; bodies that a careless store would alter (non-ASCII, escapes,
/// U+2028, trailing spaces).
fn rows(tenant: &str, after: (u64, &str), n: u64, at_us: i64) -> Vec<Row> {
    let (mut seq, mut prev) = (after.0, after.1.to_string());
    (0..n)
        .map(|i| {
            seq += 1;
            let body = format!(
                r#"{{"seq":{seq},"tenant":"{tenant}","note":"Zoë – 日本 \u2028 \"q\" \\ ","pad":"  "}}"#
            );
            let hash = crate::harness::sha256_hex(&body);
            let row = Row {
                tenant: tenant.into(),
                seq,
                id: format!("evt_{tenant}_{seq}"),
                occurred_at_us: at_us + i as i64 * 1_000_000,
                prev_hash: std::mem::replace(&mut prev, hash.clone()),
                hash,
                body,
                defects: Vec::new(),
            };
            row
        })
        .collect()
}

fn last(rows: &[Row]) -> (u64, &str) {
    let r = rows.last().expect("rows");
    (r.seq, r.hash.as_str())
}

fn request(tenant: &str) -> ScanRequest {
    ScanRequest {
        tenant: tenant.into(),
        after_seq: None,
        before_seq: None,
        since_us: None,
        until_us: None,
        descending: false,
        limit: 1000,
    }
}

fn seqs(rows: &[Row]) -> Vec<u64> {
    rows.iter().map(|r| r.seq).collect()
}

fn an_empty_store_has_nothing(s: &mut Subject) {
    let st = &mut s.store;
    assert!(st.head("acme").expect("head").is_none());
    assert!(st.scan(&request("acme")).expect("scan").is_empty());
    assert_eq!(st.count(&request("acme")).expect("count"), 0);
    assert!(st.get("acme", "evt_1").expect("get").is_none());
    assert!(st.get_settings("acme").expect("settings").is_none());
}

fn appends_continue_the_head_and_keep_bytes(s: &mut Subject) {
    let st = &mut s.store;
    let first = rows("acme", (0, GENESIS), 3, 1_000_000);
    st.append(first.clone()).expect("append");
    let head = st.head("acme").expect("head").expect("a head");
    assert_eq!((head.seq, head.hash.as_str()), last(&first));
    let stored = st.scan(&request("acme")).expect("scan");
    assert_eq!(stored, first, "every column byte for byte");
    assert_eq!(
        st.get("acme", "evt_acme_2").expect("get"),
        Some(first[1].clone())
    );
    // A second batch continues it.
    let second = rows("acme", last(&first), 2, 9_000_000);
    st.append(second).expect("append");
    assert_eq!(st.head("acme").expect("head").expect("head").seq, 5);
}

fn a_batch_that_does_not_continue_the_head_is_refused_whole(s: &mut Subject) {
    let st = &mut s.store;
    let first = rows("acme", (0, GENESIS), 2, 0);
    st.append(first.clone()).expect("append");
    // The wrong seq.
    let mut gap = rows("acme", last(&first), 2, 0);
    for r in &mut gap {
        r.seq += 1;
    }
    assert_eq!(st.append(gap), Err(StoreError::Conflict));
    // The wrong prev-hash (a fork of seq 2).
    let fork = rows("acme", (1, &first[0].hash), 1, 0);
    assert_eq!(st.append(fork), Err(StoreError::Conflict));
    // A batch whose second row breaks the chain: its first row is not kept.
    let mut broken = rows("acme", last(&first), 3, 0);
    broken[1].prev_hash = "f".repeat(64);
    assert_eq!(st.append(broken), Err(StoreError::Conflict));
    assert_eq!(seqs(&st.scan(&request("acme")).expect("scan")), vec![1, 2]);
    assert_eq!(st.head("acme").expect("head").expect("head").seq, 2);
    // The chain goes on from where it was.
    st.append(rows("acme", last(&first), 1, 0)).expect("append");
}

fn tenants_are_separate_chains(s: &mut Subject) {
    let st = &mut s.store;
    let mut both = rows("acme", (0, GENESIS), 2, 0);
    both.extend(rows("globex", (0, GENESIS), 3, 0));
    st.append(both).expect("a batch of two tenants");
    assert_eq!(st.head("acme").expect("head").expect("head").seq, 2);
    assert_eq!(st.head("globex").expect("head").expect("head").seq, 3);
    assert_eq!(st.count(&request("acme")).expect("count"), 2);
    assert!(st.get("acme", "evt_globex_1").expect("get").is_none());
    assert_eq!(
        seqs(&st.scan(&request("globex")).expect("scan")),
        vec![1, 2, 3]
    );
}

fn scans_honour_every_bound_in_both_directions(s: &mut Subject) {
    let st = &mut s.store;
    // seq n occurred at n seconds.
    st.append(rows("acme", (0, GENESIS), 10, 1_000_000))
        .expect("append");
    let q = |f: &dyn Fn(&mut ScanRequest)| {
        let mut q = request("acme");
        f(&mut q);
        q
    };
    let up = q(&|q| {
        q.after_seq = Some(2);
        q.before_seq = Some(9);
    });
    assert_eq!(seqs(&st.scan(&up).expect("scan")), vec![3, 4, 5, 6, 7, 8]);
    assert_eq!(st.count(&up).expect("count"), 6);
    let down = q(&|q| {
        q.after_seq = Some(2);
        q.before_seq = Some(9);
        q.descending = true;
        q.limit = 4;
    });
    assert_eq!(seqs(&st.scan(&down).expect("scan")), vec![8, 7, 6, 5]);
    assert_eq!(
        st.count(&down).expect("count"),
        6,
        "limit and order do not apply"
    );
    // since is inclusive, until exclusive.
    let timed = q(&|q| {
        q.since_us = Some(4_000_000);
        q.until_us = Some(7_000_000);
    });
    assert_eq!(seqs(&st.scan(&timed).expect("scan")), vec![4, 5, 6]);
    assert_eq!(st.count(&timed).expect("count"), 3);
    let timed_down = q(&|q| {
        q.since_us = Some(4_000_000);
        q.descending = true;
        q.limit = 2;
    });
    assert_eq!(seqs(&st.scan(&timed_down).expect("scan")), vec![10, 9]);
    let both = q(&|q| {
        q.since_us = Some(2_000_000);
        q.until_us = Some(9_000_000);
        q.after_seq = Some(5);
    });
    assert_eq!(seqs(&st.scan(&both).expect("scan")), vec![6, 7, 8]);
    assert_eq!(st.count(&both).expect("count"), 3);
    let nothing = q(&|q| {
        q.since_us = Some(50_000_000);
    });
    assert!(st.scan(&nothing).expect("scan").is_empty());
    assert_eq!(st.count(&nothing).expect("count"), 0);
    let limit = q(&|q| q.limit = 3);
    assert_eq!(seqs(&st.scan(&limit).expect("scan")), vec![1, 2, 3]);
    // The extremes of the types.
    let extremes = q(&|q| {
        q.after_seq = Some(0);
        q.before_seq = Some(u64::MAX);
        q.since_us = Some(i64::MIN);
        q.until_us = Some(i64::MAX);
    });
    assert_eq!(st.count(&extremes).expect("count"), 10);
}

fn settings_are_kept_byte_for_byte_and_replaced(s: &mut Subject) {
    let st = &mut s.store;
    let doc = "{ \"retention_days\" : 90,\n \"name\": \"Zoë\" }";
    st.put_settings("acme", doc).expect("put");
    assert_eq!(st.get_settings("acme").expect("get").as_deref(), Some(doc));
    st.put_settings("acme", "{}").expect("put");
    assert_eq!(st.get_settings("acme").expect("get").as_deref(), Some("{}"));
    assert!(st.get_settings("globex").expect("get").is_none());
}

fn purge_deletes_and_anchors_in_one_step(s: &mut Subject) {
    let st = &mut s.store;
    let first = rows("acme", (0, GENESIS), 5, 0);
    st.append(first.clone()).expect("append");
    let anchor = rows("acme", last(&first), 1, 0).remove(0);
    // Not the count that would go: nothing changes.
    assert_eq!(
        st.purge("acme", 3, 2, anchor.clone()),
        Err(StoreError::Conflict)
    );
    // An anchor that does not continue the head: nothing changes.
    let mut stale = anchor.clone();
    stale.seq = 5;
    assert_eq!(st.purge("acme", 3, 3, stale), Err(StoreError::Conflict));
    assert_eq!(st.count(&request("acme")).expect("count"), 5);
    st.purge("acme", 3, 3, anchor.clone()).expect("purge");
    assert_eq!(
        seqs(&st.scan(&request("acme")).expect("scan")),
        vec![4, 5, 6]
    );
    let head = st.head("acme").expect("head").expect("head");
    assert_eq!((head.seq, head.hash.as_str()), (6, anchor.hash.as_str()));
    // The chain goes on after the anchor.
    st.append(rows("acme", (6, &anchor.hash), 1, 0))
        .expect("append");
}

/// A read sees one moment: rows another connection appends meanwhile are
/// not in it, and are there once it ends.
fn a_read_sees_one_moment(s: &mut Subject) {
    let Some(second) = &s.second else {
        return;
    };
    let mut other = second();
    let first = rows("acme", (0, GENESIS), 2, 0);
    s.store.append(first.clone()).expect("append");
    s.store.begin_read().expect("begin read");
    other
        .append(rows("acme", last(&first), 3, 0))
        .expect("another connection appends during the read");
    assert_eq!(s.store.head("acme").expect("head").expect("head").seq, 2);
    assert_eq!(s.store.count(&request("acme")).expect("count"), 2);
    assert_eq!(
        seqs(&s.store.scan(&request("acme")).expect("scan")),
        vec![1, 2]
    );
    s.store.end_read();
    assert_eq!(s.store.head("acme").expect("head").expect("head").seq, 5);
    // end_read with none open does nothing.
    s.store.end_read();
}

/// Two connections that read the same head and append: one wins, the
/// other gets `conflict` and nothing of its batch is stored.
fn two_writers_of_one_head_never_fork(s: &mut Subject) {
    let Some(second) = &s.second else {
        return;
    };
    let mut other = second();
    let base = rows("acme", (0, GENESIS), 1, 0);
    s.store.append(base.clone()).expect("append");
    let mine = rows("acme", last(&base), 2, 0);
    let mut theirs = rows("acme", last(&base), 2, 0);
    for r in &mut theirs {
        r.id.push_str("_b");
    }
    s.store.append(mine).expect("the first writer");
    assert_eq!(other.append(theirs), Err(StoreError::Conflict));
    assert_eq!(s.store.count(&request("acme")).expect("count"), 3);
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod on_memory { $(#[test] fn $case() { super::$case(&mut super::memory()); })* }
        mod on_sqlite { $(#[test] fn $case() { super::$case(&mut super::sqlite()); })* }
        mod on_postgres { $(#[test] fn $case() { super::$case(&mut super::postgres()); })* }
    };
}

contract!(
    an_empty_store_has_nothing,
    appends_continue_the_head_and_keep_bytes,
    a_batch_that_does_not_continue_the_head_is_refused_whole,
    tenants_are_separate_chains,
    scans_honour_every_bound_in_both_directions,
    settings_are_kept_byte_for_byte_and_replaced,
    purge_deletes_and_anchors_in_one_step,
    a_read_sees_one_moment,
    two_writers_of_one_head_never_fork,
);
