//! Verification split over several instances (`audit_host::fanout`): the
//! same report as one instance gives, on an intact log and on logs
//! tampered at a range's edge, inside a range, at the start and at the end.

use crate::harness::*;
use audit_host::fanout::verify::verify_split;
use audit_host::session::integrity::{VerifyReport, intact};
use audit_host::{Session, SqliteStore};
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

/// `n` sessions over the store at `path`, each its own connection.
fn sessions(path: &Path, n: usize) -> Vec<Session> {
    (0..n).map(|_| session(path)).collect()
}

fn split(path: &Path, parts: usize) -> VerifyReport {
    let mut sessions = sessions(path, parts);
    let mut sessions: Vec<&mut Session> = sessions.iter_mut().collect();
    // Ranges of at least 10 events, so that 300 make several.
    verify_split(&mut sessions, "acme", 10).unwrap()
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

mod export {
    use super::*;
    use audit_host::bindings::{ExportFormat, ExportRequest, ExportRows, Filter, Order};
    use audit_host::fanout::export::export_in_ranges;

    fn request(format: ExportFormat, order: Order, filter: Filter) -> ExportRequest {
        ExportRequest {
            filter,
            order,
            viewer: admin(),
            format,
            columns: vec![],
            rows: ExportRows::Events,
            byte_order_mark: format == ExportFormat::Csv,
            utc_offset: None,
            proof: None,
        }
    }

    /// The export of one instance, from a copy of the store made now.
    fn single(path: &Path, request: &ExportRequest) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("copy.db");
        std::fs::copy(path, &copy).unwrap();
        let mut s = session(&copy);
        let mut x = s.export(request).unwrap();
        let mut out = Vec::new();
        while let Some(chunk) = x.next_chunk().unwrap() {
            out.extend(chunk);
        }
        out
    }

    fn fanned(path: &Path, request: &ExportRequest, n: usize) -> (Vec<u8>, u64) {
        let mut sessions = sessions(path, n);
        let mut sessions: Vec<&mut Session> = sessions.iter_mut().collect();
        let mut out = Vec::new();
        // Ranges of 16 seqs: 300 events make 19 of them.
        let w = export_in_ranges(&mut sessions, request, 16, &mut out).unwrap();
        assert_eq!(w.bytes, out.len() as u64);
        (out, w.events)
    }

    #[test]
    fn an_export_in_ranges_is_byte_for_byte_one_instances_export() {
        let (_dir, path) = log(300);
        let mut bounded = filter("acme");
        bounded.actor_id = Some("nobody-but-the-export".into());
        for (format, order) in [
            (ExportFormat::Csv, Order::OldestFirst),
            (ExportFormat::Csv, Order::NewestFirst),
            (ExportFormat::Jsonl, Order::OldestFirst),
            (ExportFormat::Jsonl, Order::NewestFirst),
        ] {
            let r = request(format, order, filter("acme"));
            let one = single(&path, &r);
            // Each export records itself: the next one's snapshot holds that
            // record too, so the copy is taken before each export.
            let (dir, copy) = temp_store();
            std::fs::copy(&path, &copy).unwrap();
            let (many, events) = fanned(&copy, &r, 2);
            assert_eq!(events, 300, "{format:?} {order:?}");
            assert_eq!(
                String::from_utf8(many).unwrap(),
                String::from_utf8(one).unwrap(),
                "{format:?} {order:?}"
            );
            drop(dir);
        }
        // A filter that matches nothing but the header.
        let r = request(ExportFormat::Csv, Order::OldestFirst, bounded);
        let one = single(&path, &r);
        let (many, events) = fanned(&path, &r, 3);
        assert_eq!((many, events), (one, 0));
    }

    #[test]
    fn a_part_is_refused_without_the_record_of_its_export() {
        let (_dir, path) = log(40);
        let r = request(ExportFormat::Csv, Order::OldestFirst, filter("acme"));
        let mut s = session(&path);
        let mut first = s.export(&r).unwrap();
        let mut parts = first.split(4).unwrap();
        assert_eq!(parts.len(), 3);
        drop(first);
        parts[0].export_id = "forged".into();
        let mut other = session(&path);
        let err = other.export_part(&r, &parts[0]).err().unwrap().to_string();
        assert!(err.starts_with("part.export_id:"), "{err}");
        // An export that has produced a chunk is not split.
        let mut started = s.export(&r).unwrap();
        started.next_chunk().unwrap();
        assert!(started.split(2).is_err());
    }
}
