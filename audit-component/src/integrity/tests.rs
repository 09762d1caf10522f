//! Native tests of verification, retention and export proofs over the
//! in-memory store (the end-to-end tests repeat them on SQLite files).

#![allow(clippy::unwrap_used)]

use crate::core::memory::MemoryStore;
use crate::core::model::{Actor, ActorKind, Context, Event, EventInput, Outcome};
use crate::core::store::{Row, ScanRequest, Store};
use crate::export::layout::Layout;
use crate::ingest::append::append_batch;
use crate::integrity::checkpoint;
use crate::integrity::export_check::{ExportChecker, Format};
use crate::integrity::proof::proof_line;
use crate::integrity::proof_csv::Columns;
use crate::integrity::report::{FindingKind, Report};
use crate::integrity::retention;
use crate::integrity::verify::verify_chain;
use crate::json::codec;
use crate::test_support::{At, day};
use ed25519_dalek::pkcs8::EncodePublicKey;
use ed25519_dalek::{Signer, SigningKey};

fn input(i: usize) -> EventInput {
    EventInput {
        tenant: "acme".into(),
        action: "user.updated".into(),
        actor: Actor {
            id: format!("u_{i}"),
            name: Some("Ana, \"Admin\"".into()),
            email: None,
            kind: ActorKind::User,
        },
        targets: vec![],
        outcome: Outcome::Success,
        failure_reason: None,
        context: Context::default(),
        occurred_at: None,
        before: Some(format!(r#"{{"n":{i}}}"#)),
        after: Some(format!(r#"{{"n":{}}}"#, i + 1)),
        metadata: None,
        idempotency_key: None,
    }
}

fn log(n: usize, at: &mut At) -> MemoryStore {
    let mut s = MemoryStore::default();
    append_batch(&mut s, at, (0..n).map(input).collect()).unwrap();
    s
}

fn rows(s: &mut MemoryStore) -> Vec<Row> {
    s.scan(&ScanRequest {
        tenant: "acme".into(),
        limit: 10_000,
        ..Default::default()
    })
    .unwrap()
}

fn kinds(r: &Report) -> Vec<(FindingKind, u64)> {
    r.findings.iter().map(|f| (f.kind, f.seq)).collect()
}

fn key() -> (SigningKey, String) {
    let k = SigningKey::from_bytes(&[3; 32]);
    let pem = k
        .verifying_key()
        .to_public_key_pem(Default::default())
        .unwrap();
    (k, pem)
}

fn signed(s: &mut MemoryStore) -> String {
    let (k, pem) = key();
    let (report, draft) = crate::integrity::draft::prepare(s, &mut day(0), "acme").unwrap();
    assert!(report.intact());
    let draft = draft.unwrap();
    let sig = k.sign(draft.signed_bytes.as_bytes()).to_bytes();
    checkpoint::seal(&draft.checkpoint, &pem, &sig).unwrap()
}

#[test]
fn an_intact_log_with_a_checkpoint_verifies() {
    let mut s = log(2500, &mut day(0));
    let cp = signed(&mut s);
    let r = verify_chain(&mut s, "acme", &[cp], &[key().1]).unwrap();
    assert!(r.intact(), "{:?}", r.findings);
    assert_eq!((r.events, r.checkpoints_verified), (2500, 1));
    let empty = verify_chain(&mut MemoryStore::default(), "acme", &[], &[]).unwrap();
    assert!(empty.intact() && empty.events == 0);
    assert!(matches!(
        crate::integrity::draft::prepare(&mut MemoryStore::default(), &mut day(0), "acme"),
        Err(crate::Error::NotFound(_))
    ));
}

#[test]
fn a_checkpoint_needs_a_key_and_its_tenant() {
    let mut s = log(3, &mut day(0));
    let cp = signed(&mut s);
    let e = verify_chain(&mut s, "acme", std::slice::from_ref(&cp), &[]).unwrap_err();
    assert!(e.to_string().starts_with("public_keys: "), "{e}");
    let e = verify_chain(&mut s, "other", &[cp], &[key().1]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "checkpoints[0].tenant: is another tenant's checkpoint"
    );
    let e = verify_chain(&mut s, "acme", &["{}".into()], &[key().1]).unwrap_err();
    assert!(e.to_string().starts_with("checkpoints[0]"), "{e}");
}

#[test]
fn the_findings_are_capped() {
    let mut s = log(1200, &mut day(0));
    let mut bad = MemoryStore::default();
    let all = rows(&mut s);
    // Every body edited: 1200 modified events, 1000 listed.
    let mut tampered: Vec<Row> = all
        .into_iter()
        .map(|mut r| {
            r.body = r.body.replace("Ana", "Eve");
            r
        })
        .collect();
    // The store refuses rows that do not chain; write them as a forger would.
    for r in tampered.drain(..) {
        let prev = bad
            .head("acme")
            .unwrap()
            .map_or(crate::core::chain::GENESIS.to_string(), |h| h.hash);
        let r = Row {
            prev_hash: prev,
            ..r
        };
        bad.append(vec![r]).unwrap();
    }
    let r = verify_chain(&mut bad, "acme", &[], &[]).unwrap();
    assert_eq!(r.findings.len(), crate::integrity::report::MAX_FINDINGS);
    assert!(r.findings_omitted > 0);
    assert!(!r.intact());
}

#[test]
fn purge_keeps_the_chain_verifiable_and_records_itself() {
    let mut s = log(5, &mut day(0));
    append_batch(&mut s, &mut day(60), (5..8).map(input).collect()).unwrap();
    let system = Actor {
        id: "retention".into(),
        name: None,
        email: None,
        kind: ActorKind::System,
    };
    let out = retention::purge(&mut s, &mut day(100), "acme", system.clone()).unwrap();
    assert_eq!((out.purged, out.through_seq), (5, Some(5)));
    let anchor = out.event.unwrap();
    assert_eq!((anchor.seq, anchor.category.as_str()), (9, "audit_log"));
    let r = verify_chain(&mut s, "acme", &[], &[]).unwrap();
    assert!(r.intact(), "{:?}", r.findings);
    assert_eq!(r.purged_through, Some(5));
    // Nothing more is old enough; a later purge takes the anchor too.
    let again = retention::purge(&mut s, &mut day(100), "acme", system.clone()).unwrap();
    assert_eq!(again.purged, 0);
    let later = retention::purge(&mut s, &mut day(300), "acme", system).unwrap();
    assert_eq!((later.purged, later.through_seq), (4, Some(9)));
    let r = verify_chain(&mut s, "acme", &[], &[]).unwrap();
    assert!(r.intact(), "{:?}", r.findings);
    assert_eq!((r.first_seq, r.purged_through), (Some(10), Some(9)));
}

#[test]
fn a_jsonl_export_verifies_and_tampering_is_found() {
    let mut s = log(20, &mut day(0));
    let cp = signed(&mut s);
    let lines: Vec<String> = rows(&mut s)
        .into_iter()
        .map(|r| codec::to_json(&crate::core::row::decode("acme", r).unwrap()).unwrap())
        .collect();
    let proof = proof_line(&cp, 1).unwrap();
    let check = |lines: &[String], chunk: usize| {
        let text = format!("{}\n{proof}\n", lines.join("\n"));
        let mut c = ExportChecker::new(Format::JsonLines, &[key().1]).unwrap();
        for part in text.as_bytes().chunks(chunk) {
            c.push(part).unwrap();
        }
        c.finish().unwrap()
    };
    for chunk in [1, 7, 4096, 1 << 20] {
        let r = check(&lines, chunk);
        assert!(r.intact(), "chunks of {chunk}: {:?}", r.findings);
        assert_eq!(r.events, 20);
    }
    let mut edited = lines.clone();
    edited[9] = edited[9].replace("u_9", "u_0");
    assert_eq!(kinds(&check(&edited, 4096)), [(FindingKind::Modified, 10)]);
    let mut swapped = lines.clone();
    swapped.swap(4, 9);
    assert_eq!(
        kinds(&check(&swapped, 4096)),
        [
            (FindingKind::Reordered, 6),
            (FindingKind::Reordered, 7),
            (FindingKind::Reordered, 8),
            (FindingKind::Reordered, 9),
            (FindingKind::Reordered, 5)
        ]
    );
    // Something after the proof, and no proof at all, are errors.
    let mut c = ExportChecker::new(Format::JsonLines, &[key().1]).unwrap();
    c.push(format!("{proof}\n{}\n", lines[0]).as_bytes())
        .unwrap_err();
    let mut c = ExportChecker::new(Format::JsonLines, &[key().1]).unwrap();
    c.push(lines[0].as_bytes()).unwrap();
    assert!(
        c.finish()
            .unwrap_err()
            .to_string()
            .starts_with("export: carries no proof")
    );
}

/// A CSV export as the CSV export would write it with proof columns, plus a
/// presentation column `actor` that the test's renderer knows.
struct ActorColumn;
impl Columns for ActorColumn {
    fn knows(&self, column: &str) -> bool {
        column == "actor"
    }
    fn render(&self, _column: &str, event: &Event) -> String {
        event.actor.name.clone().unwrap_or_default()
    }
}

fn csv_export(s: &mut MemoryStore, cp: &str, with_actor: bool) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut header = vec!["seq", "prev_hash", "hash", "event"];
    if with_actor {
        header.insert(1, "actor");
    }
    records.push(header.iter().map(|h| h.to_string()).collect());
    for row in rows(s) {
        let event = crate::core::row::decode("acme", row).unwrap();
        let mut record = vec![
            event.seq.to_string(),
            event.prev_hash.clone(),
            event.hash.clone().unwrap(),
            codec::to_json(&event).unwrap(),
        ];
        if with_actor {
            record.insert(1, event.actor.name.clone().unwrap());
        }
        records.push(record);
    }
    let mut proof = vec![String::new(); records[0].len()];
    let event_at = records[0].iter().position(|h| h == "event").unwrap();
    proof[event_at] = proof_line(cp, 1).unwrap();
    records.push(proof);
    records
}

fn csv_text(records: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in records {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

fn check_csv(bytes: &[u8], columns: Option<Box<dyn Columns>>) -> crate::Result<Report> {
    let columns = columns.unwrap_or_else(|| Box::new(Layout::every_column().unwrap()));
    let mut c = ExportChecker::new(Format::Csv, &[key().1])
        .unwrap()
        .with_csv_columns(columns);
    for part in bytes.chunks(333) {
        c.push(part)?;
    }
    c.finish()
}

#[test]
fn a_csv_export_verifies_its_proof_columns_and_its_other_columns() {
    let mut s = log(12, &mut day(0));
    let cp = signed(&mut s);
    let plain = csv_export(&mut s, &cp, false);
    let r = check_csv(&csv_text(&plain), None).unwrap();
    assert!(r.intact(), "{:?}", r.findings);
    assert_eq!(r.events, 12);

    let mut removed = plain.clone();
    removed.remove(5);
    assert_eq!(
        kinds(&check_csv(&csv_text(&removed), None).unwrap()),
        [(FindingKind::Missing, 5)]
    );
    let mut edited = plain.clone();
    edited[3][2] = "0".repeat(64);
    assert_eq!(
        kinds(&check_csv(&csv_text(&edited), None).unwrap()),
        [(FindingKind::Modified, 3)]
    );

    // Every column the CSV export can write is re-rendered by its own writer
    // (the default); a column it cannot write is refused, since nothing
    // could vouch for its cells.
    let with_actor = csv_export(&mut s, &cp, true);
    let r = check_csv(&csv_text(&with_actor), None).unwrap();
    assert!(r.intact(), "{:?}", r.findings);
    let mut edited_default = with_actor.clone();
    edited_default[4][1] = "Eve".into();
    let r = check_csv(&csv_text(&edited_default), None).unwrap();
    assert_eq!(kinds(&r), [(FindingKind::Modified, 4)]);
    let mut unknown = with_actor.clone();
    unknown[0][1] = "notes".into();
    let e = check_csv(&csv_text(&unknown), None).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("header: column \"notes\" is not covered by the proof"),
        "{e}"
    );
    let r = check_csv(&csv_text(&with_actor), Some(Box::new(ActorColumn))).unwrap();
    assert!(r.intact(), "{:?}", r.findings);
    let mut cell = with_actor.clone();
    cell[4][1] = "Eve".into();
    let r = check_csv(&csv_text(&cell), Some(Box::new(ActorColumn))).unwrap();
    assert_eq!(kinds(&r), [(FindingKind::Modified, 4)]);
    assert!(r.findings[0].detail.contains("actor column"));
}

#[test]
fn ranges_put_together_give_the_whole_logs_report() {
    use crate::integrity::verify::verify_range;
    let mut s = log(2_500, &mut day(0));
    let whole = verify_chain(&mut s, "acme", &[], &[]).unwrap();
    assert!(whole.intact());
    let (first, none) = verify_range(&mut s, "acme", 0, Some(1_000)).unwrap();
    let (middle, start_m) = verify_range(&mut s, "acme", 1_000, Some(2_000)).unwrap();
    let (last, start_l) = verify_range(&mut s, "acme", 2_000, None).unwrap();
    // The log's first range starts from the genesis hash: nothing to link.
    assert_eq!(none, None);
    assert!(first.intact() && middle.intact() && last.intact());
    assert_eq!((first.first_seq, first.last_seq), (Some(1), Some(1_000)));
    assert_eq!(
        (middle.first_seq, middle.last_seq),
        (Some(1_001), Some(2_000))
    );
    assert_eq!(start_m, first.last_hash);
    assert_eq!(start_l, middle.last_hash);
    assert_eq!(first.events + middle.events + last.events, whole.events);
    assert_eq!(last.last_hash, whole.last_hash);
    let e = verify_range(&mut s, "acme", 10, Some(9)).unwrap_err();
    assert_eq!(e.to_string(), "through_seq: is below after_seq");
}

#[test]
fn a_range_reports_what_it_holds_and_only_the_last_checks_the_head() {
    use crate::integrity::verify::verify_range;
    let mut s = log(30, &mut day(0));
    let mut bad = MemoryStore::default();
    for mut r in rows(&mut s) {
        if r.seq == 15 {
            r.body = r.body.replace("Ana", "Eve");
        }
        bad.append(vec![r]).unwrap();
    }
    let (r, _) = verify_range(&mut bad, "acme", 10, Some(20)).unwrap();
    assert_eq!(kinds(&r), vec![(FindingKind::Modified, 15)]);
    let (r, start) = verify_range(&mut bad, "acme", 20, None).unwrap();
    assert!(r.intact());
    assert_eq!(
        start.as_deref(),
        rows(&mut s).get(19).map(|r| r.hash.as_str())
    );
    // A range past the end holds nothing, and the head says the log is longer.
    let (r, _) = verify_range(&mut bad, "acme", 40, None).unwrap();
    assert_eq!(r.events, 0);
    assert!(!r.intact());
}
