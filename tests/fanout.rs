//! Verification split over several instances (`audit_host::fanout`): the
//! same report as one instance gives, on an intact log and on logs
//! tampered at a range's edge, inside a range, at the start and at the end.

use crate::harness::*;
use audit_host::fanout::verify::verify_split;
use audit_host::session::integrity::{VerifyReport, intact};
use audit_host::{EventStore, HostError, SqliteStore};
use std::path::Path;

/// A log of `n` events of tenant `acme` in a new SQLite file.
fn log(n: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, path) = temp_store();
    let mut s = session(&path);
    let events: Vec<_> = (0..n).map(|_| event("acme", "user.updated")).collect();
    for chunk in events.chunks(500) {
        s.append_batch(chunk).unwrap();
    }
    (dir, path)
}

fn split(path: &Path, parts: usize) -> VerifyReport {
    let open = || -> Result<Box<dyn EventStore>, HostError> {
        Ok(Box::new(
            SqliteStore::open(path).map_err(HostError::Storage)?,
        ))
    };
    // Ranges of at least 10 events, so that 300 make several.
    verify_split(runtime(), &open, "acme", parts, 10).unwrap()
}

fn single(path: &Path) -> VerifyReport {
    session(path).verify("acme", &[], &[]).unwrap()
}

fn sql(path: &Path, statement: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(statement).unwrap();
}

#[test]
fn a_split_verification_reports_exactly_what_one_instance_does() {
    let (_dir, path) = log(300);
    let whole = single(&path);
    assert!(intact(&whole));
    assert_eq!(whole.events, 300);
    for parts in [1, 2, 3, 7] {
        assert_eq!(split(&path, parts), whole, "{parts} parts");
    }
    // Tampered inside a range, at a range's edge (seq 100 ends the first of
    // three ranges, 101 starts the second), at the start and at the end:
    // the findings are the single instance's, every time.
    let cases = [
        "UPDATE audit_events SET body = replace(body, 'u_', 'v_') WHERE seq = 50",
        "DELETE FROM audit_events WHERE seq = 100",
        "DELETE FROM audit_events WHERE seq = 101",
        "UPDATE audit_events SET body = replace(body, 'u_', 'v_') WHERE seq = 101",
        "DELETE FROM audit_events WHERE seq = 1",
        "DELETE FROM audit_events WHERE seq = 300",
    ];
    for case in cases {
        let (_dir, path) = log(300);
        sql(&path, case);
        let whole = single(&path);
        assert!(!intact(&whole), "{case}");
        for parts in [2, 3] {
            assert_eq!(split(&path, parts), whole, "{case}, {parts} parts");
        }
    }
}

#[test]
fn a_short_log_and_an_empty_one_are_verified_by_one_instance() {
    let (_dir, path) = log(5);
    assert_eq!(split(&path, 4), single(&path));
    let (_dir, empty) = temp_store();
    drop(SqliteStore::open(&empty).unwrap());
    assert_eq!(split(&empty, 4), single(&empty));
}
