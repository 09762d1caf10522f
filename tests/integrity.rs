//! Integrity at scale and across builds: two processes appending to one
//! tenant at once, and the same hashes from the component and the native
//! build of the same engine.

use crate::harness::*;
use audit_host::session::integrity::intact;
use chrono::{DateTime, Duration, Utc};

/// Appends per process in the concurrency test.
const PER_PROCESS: usize = 10_000;

#[test]
fn two_processes_times_ten_thousand_appends_never_fork_or_reuse_a_seq() {
    // On a loaded machine one process can finish before the other starts;
    // such a run proves nothing about contention, so it is run again (every
    // run's seqs and chain are still checked).
    let interleaved = (0..3).any(|_| two_processes_append_concurrently() > 0);
    assert!(interleaved, "the two processes did append at the same time");
}

/// Runs two appending processes on one fresh store, checks that no seq was
/// reused or skipped and that the chain is intact, and returns how many
/// times the first process's seqs were interleaved with the other's.
fn two_processes_append_concurrently() -> usize {
    // Contention, not durability, is under test: on tmpfs (when the machine
    // has one) the 20,000 commits do not each wait for a disk flush.
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let path = dir.path().join("audit.db");
    let events = |who: &str| -> String {
        (0..PER_PROCESS)
            .map(|i| format!("{{\"tenant\":\"acme\",\"action\":\"user.updated\",\"actor\":{{\"id\":\"{who}-{i}\",\"kind\":\"user\"}},\"outcome\":\"success\"}}\n"))
            .collect()
    };
    let inputs = [
        write(&dir, "a.jsonl", &events("a")),
        write(&dir, "b.jsonl", &events("b")),
    ];
    // One event per transaction, so that the two really interleave.
    let children: Vec<_> = inputs
        .iter()
        .map(|input| {
            audit_host(dir.path())
                .args([
                    "--store",
                    path.to_str().unwrap(),
                    "append",
                    "--batch-size",
                    "1",
                ])
                .arg(input)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut seqs_by_process = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let seqs: Vec<u64> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["seq"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(seqs.len(), PER_PROCESS);
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "each process's events keep their order"
        );
        seqs_by_process.push(seqs);
    }
    let mut all: Vec<u64> = seqs_by_process.concat();
    all.sort_unstable();
    assert_eq!(
        all,
        (1..=2 * PER_PROCESS as u64).collect::<Vec<_>>(),
        "no seq reused, none skipped"
    );
    let report = session(&path).verify("acme", &[], &[]).unwrap();
    assert!(intact(&report), "{:?}", report.findings);
    assert_eq!(report.events, 2 * PER_PROCESS as u64);
    let a = &seqs_by_process[0];
    a.windows(2).filter(|w| w[1] != w[0] + 1).count()
}

/// Events whose canonical form exercises every rule of docs/hashing.md:
/// number forms, big integers, member order by UTF-16, escapes, Unicode.
const TRICKY: &str = r#"
{"tenant":"acme","action":"user.updated","actor":{"id":"u_42","name":"Ana \"A\" Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"user","id":"u_7","name":"jöhn\tsmith\u2028"}],"outcome":"success","context":{"ip":"2001:DB8::1","user_agent":"Mozilla/5.0\u0000\u001f\u007f"},"occurred_at":"2026-11-21T12:00:00.5+02:00","before":{"n":1.0,"f":0.1,"e":1e21,"s":1e-7,"z":-0.0,"big":18446744073709551615,"neg":-9223372036854775808,"€":1,"😀":2,"דּ":3},"after":{"n":1,"f":0.30000000000000004,"e":1E+21,"s":5e-324,"z":0,"big":18446744073709551614,"neg":-9007199254740993,"€":[1,{"b":2,"a":1}],"😀":null,"דּ":"\ud83d\ude00"},"metadata":{"reason":"typo","\r":"cr","1":"one","\u0080":"ctl","ö":"o"}}
{"tenant":"acme","action":"user.password_reset_failed","actor":{"id":"u_7","kind":"user"},"outcome":"failure","failure_reason":"wrong_password","context":{"ip":"::ffff:203.0.113.9"}}
{"tenant":"acme","action":"team.created","actor":{"id":"job","kind":"system"},"outcome":"success","after":{"name":"Blue","members":[]},"metadata":{"x":123456789012345678}}
"#;

struct Stepping(DateTime<Utc>);

impl audit_component::core::store::Clock for Stepping {
    fn now(&mut self) -> DateTime<Utc> {
        let now = self.0;
        self.0 += Duration::milliseconds(1);
        now
    }
}

#[test]
fn the_component_and_the_native_build_give_the_same_bytes_and_hashes() {
    // Through the component, into SQLite.
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    let inputs = s.parse_inputs(TRICKY, None).unwrap();
    for input in &inputs {
        s.append(input).unwrap();
    }
    let stored = raw_rows(&path, "acme");

    // The same engine built natively, with the same clock.
    let start = DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let mut store = audit_component::core::memory::MemoryStore::default();
    let mut clock = Stepping(start);
    let native_inputs = audit_component::json::codec::parse_inputs(TRICKY, None).unwrap();
    for input in native_inputs {
        audit_component::ingest::append::append_one(&mut store, &mut clock, input).unwrap();
    }
    use audit_component::core::store::Store as _;
    let native: Vec<(u64, String, String, String)> = store
        .scan(&audit_component::core::store::ScanRequest {
            tenant: "acme".into(),
            limit: 100,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|r| (r.seq, r.prev_hash, r.hash, r.body))
        .collect();
    assert_eq!(stored.len(), 3);
    assert_eq!(stored, native, "byte for byte the same bodies and hashes");

    // And a JSON Lines line hashes to its stored hash once its hash is
    // removed and it is written canonically again (docs/hashing.md).
    let events = all_events(&mut s, "acme");
    for (event, (_, _, hash, body)) in events.iter().zip(&stored) {
        let line = s.to_json(event).unwrap();
        let mut value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            value.as_object_mut().unwrap().remove("hash").unwrap(),
            hash.as_str()
        );
        let recomputed = audit_component::json::canonical::to_string(&value);
        assert_eq!(&recomputed, body);
        assert_eq!(&audit_component::core::chain::hash(&recomputed), hash);
    }
}

/// The example of docs/hashing.md: this input, recorded at
/// 2026-11-21T10:00:00Z as a tenant's first event, has this body and hash
/// in every build.
pub const EXAMPLE_INPUT: &str = r#"{"tenant":"acme","action":"user.updated","actor":{"id":"u_42","name":"Ana Admin","kind":"user"},"targets":[{"kind":"user","id":"u_7","name":"john.smith"}],"outcome":"success","context":{"ip":"203.0.113.9"},"before":{"last_name":"Smith","score":1.50},"after":{"last_name":"Smyth","score":2}}"#;

/// See [`EXAMPLE_INPUT`].
pub const EXAMPLE_BODY: &str = r#"{"action":"user.updated","actor":{"id":"u_42","kind":"user","name":"Ana Admin"},"category":"user","change_type":"updated","changes":[{"new":"Smyth","old":"Smith","op":"replace","path":"/last_name"},{"new":2,"old":1.5,"op":"replace","path":"/score"}],"context":{"ip":"203.0.113.9"},"id":"01a1fd8c-6900-7b57-bb91-39231d8d66da","occurred_at":"2026-11-21T10:00:00Z","outcome":"success","prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","recorded_at":"2026-11-21T10:00:00Z","seq":1,"targets":[{"id":"u_7","kind":"user","name":"john.smith"}],"tenant":"acme"}"#;

#[test]
fn the_documented_example_hashes_the_same_in_the_component_and_natively() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    let inputs = s.parse_inputs(EXAMPLE_INPUT, None).unwrap();
    let stored = s.append(&inputs[0]).unwrap();
    let rows = raw_rows(&path, "acme");
    assert_eq!(rows[0].3, EXAMPLE_BODY);
    let expected = audit_component::core::chain::hash(EXAMPLE_BODY);
    assert_eq!(stored.hash, expected);
    assert_eq!(
        expected,
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/hashing.md"))
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("hash: "))
            .expect("docs/hashing.md names the example's hash"),
        "the documented hash"
    );
}
