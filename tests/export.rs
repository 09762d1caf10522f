//! Exports: formula injection, CSV edge cases, JSON Lines, files that
//! appear only when complete.

use crate::harness::*;
use audit_host::bindings::{EventInput, ExportFormat, ExportRequest, ExportRows, Order};
use std::path::{Path, PathBuf};

/// The third-party suites, beside the repository (see their SOURCE.md).
fn conformance(rel: &str) -> PathBuf {
    conformance_dir().join(rel)
}

fn csv_request(columns: &[&str], rows: ExportRows) -> ExportRequest {
    ExportRequest {
        filter: filter("acme"),
        order: Order::OldestFirst,
        viewer: admin(),
        format: ExportFormat::Csv,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
        byte_order_mark: false,
        utc_offset: None,
        proof: None,
    }
}

/// The whole export through the library, chunk by chunk.
fn export(s: &mut audit_host::Session, r: &ExportRequest) -> Vec<u8> {
    let mut x = s.export(r).expect("export starts");
    let mut out = Vec::new();
    while let Some(chunk) = x.next_chunk().expect("chunk") {
        out.extend(chunk);
    }
    assert!(x.is_complete());
    out
}

fn parse(bytes: &[u8]) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().expect("header").clone();
    let rows = r.records().map(|r| r.expect("a CSV row")).collect();
    (header, rows)
}

/// What the export documents: one leading `'` is taken off a cell that has one.
fn restore(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

fn is_json_number(s: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(s).is_ok_and(|v| v.is_number())
}

#[test]
fn every_injection_payload_is_neutralised_and_recoverable() {
    let mut payloads = Vec::new();
    for file in [
        "csv-injection-payloadbox/Intruder/csv-payload.txt",
        "csv-injection-payloadsallthethings/CSV Injection/README.payloads.txt",
    ] {
        let text = std::fs::read_to_string(conformance(file)).expect("the payload list");
        payloads.extend(text.lines().map(str::to_string));
    }
    // The breakouts what-to-test.md names, and the other formula starts.
    for extra in [
        "a\",=1+2", "a;=1+2", "-1+1", "\t=1", "\r=1", "\n=1", "'=1", "＝1",
    ] {
        payloads.push(extra.to_string());
    }
    assert!(payloads.len() >= 30);
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    let inputs: Vec<EventInput> = payloads
        .iter()
        .map(|p| {
            let mut e = event("acme", "user.updated");
            e.actor.name = Some(p.clone());
            e.targets[0].name = Some(p.clone());
            e.before = Some(r#"{"note":"plain"}"#.into());
            e.after = Some(serde_json::json!({ "note": p }).to_string());
            e
        })
        .collect();
    s.append_batch(&inputs).expect("append");
    let bytes = export(
        &mut s,
        &csv_request(
            &["actor", "target_name", "field", "old_value", "new_value"],
            ExportRows::Changes,
        ),
    );
    let (_, rows) = parse(&bytes);
    assert_eq!(rows.len(), payloads.len());
    for (row, payload) in rows.iter().zip(&payloads) {
        for cell in [&row[0], &row[1], &row[4]] {
            let first = cell.chars().next();
            let dangerous = matches!(
                first,
                Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '＝' | '＋' | '－' | '＠')
            );
            assert!(
                !dangerous || is_json_number(cell),
                "{payload:?} came out as {cell:?}"
            );
            assert_eq!(restore(cell), payload, "round trip of {payload:?}");
        }
    }
    // Every cell is quoted in the file itself, so no delimiter a
    // spreadsheet guesses can split one.
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\"'=cmd|' /C calc'!'A1'\""), "{text}");
    assert!(text.contains("\"'a\"\",=1+2\"") || text.contains("\"a\"\",=1+2\""));
}

#[test]
fn every_csv_spectrum_value_round_trips() {
    let dir = conformance("csv-spectrum/json");
    let mut values: Vec<(String, String)> = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("csv-spectrum")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in &files {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        // Most files are an array of rows; one is a single object.
        let rows = match json {
            serde_json::Value::Array(rows) => rows,
            one => vec![one],
        };
        for row in rows {
            for (key, value) in row.as_object().unwrap() {
                values.push((key.clone(), value.as_str().unwrap().to_string()));
            }
        }
    }
    assert!(values.len() >= 40, "{}", values.len());
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    let inputs: Vec<EventInput> = values
        .iter()
        .map(|(key, value)| {
            let mut e = event("acme", "contact.updated");
            e.actor.name = Some(value.clone());
            e.targets[0].name = Some(key.clone());
            e.after = Some(serde_json::json!({ "v": value }).to_string());
            e
        })
        .collect();
    s.append_batch(&inputs).expect("append");
    let bytes = export(
        &mut s,
        &csv_request(&["actor", "target_name", "new_value"], ExportRows::Changes),
    );
    let (header, rows) = parse(&bytes);
    assert_eq!(&header, vec!["actor", "target_name", "new_value"]);
    assert_eq!(rows.len(), values.len());
    for (row, (key, value)) in rows.iter().zip(&values) {
        assert_eq!(restore(&row[0]), value);
        assert_eq!(restore(&row[1]), key);
        assert_eq!(restore(&row[2]), value);
    }
}

#[test]
fn jsonl_exports_are_the_stored_events() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    s.append_batch(&[event("acme", "user.created"), event("acme", "user.updated")])
        .expect("append");
    let mut r = csv_request(&[], ExportRows::Events);
    r.format = ExportFormat::Jsonl;
    let text = String::from_utf8(export(&mut s, &r)).unwrap();
    let events = all_events(&mut s, "acme");
    let expected: String = events[..2]
        .iter()
        .map(|e| s.to_json(e).unwrap() + "\n")
        .collect();
    assert_eq!(text, expected);
}

/// A log of `n` events of 1 KB each, enough for several chunks.
fn big_log(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("audit.db");
    let mut s = session(&path);
    let inputs: Vec<EventInput> = (0..n)
        .map(|i| {
            let mut e = event("acme", "user.updated");
            e.before = Some(serde_json::json!({"note": "x".repeat(500), "i": i}).to_string());
            e.after = Some(serde_json::json!({"note": "y".repeat(500), "i": i + 1}).to_string());
            e
        })
        .collect();
    for chunk in inputs.chunks(1000) {
        s.append_batch(chunk).expect("append");
    }
    path
}

#[test]
fn the_cli_writes_a_file_only_when_the_export_is_complete() {
    let dir = tempfile::tempdir().unwrap();
    let path = big_log(dir.path(), 1500);
    let store = path.to_str().unwrap();
    let out = dir.path().join("out.csv");
    let mut cmd = audit_host(dir.path());
    cmd.args([
        "--store",
        store,
        "export",
        "--tenant",
        "acme",
        "--rows",
        "changes",
        "--bom",
        "--utc-offset",
        "+02:00",
        "--output",
    ])
    .arg(&out);
    let done = cmd.output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let stderr = String::from_utf8(done.stderr).unwrap();
    assert!(
        stderr.starts_with("exported 1500 events (3000 rows, "),
        "{stderr}"
    );
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"));
    let (header, rows) = parse(&bytes[3..]);
    assert_eq!(header.get(6), Some("field"));
    assert_eq!(rows.len(), 3000);
    assert!(rows[0][0].ends_with("+02:00"), "{:?}", &rows[0][0]);

    // A row whose body is unreadable, at the end of the snapshot: the
    // export fails after several chunks, and no file appears.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "INSERT INTO audit_events (tenant, seq, id, occurred_at_us, prev_hash, hash, body)
         SELECT tenant, seq + 1, id || '-x', occurred_at_us, hash, hash, '{' FROM audit_events
         WHERE tenant = 'acme' ORDER BY seq DESC LIMIT 1;
         UPDATE audit_heads SET seq = seq + 1 WHERE tenant = 'acme';",
    )
    .unwrap();
    drop(conn);
    let broken = dir.path().join("broken.csv");
    let (code, stderr) = run_err(
        audit_host(dir.path())
            .args([
                "--store", store, "export", "--tenant", "acme", "--order", "oldest", "--output",
            ])
            .arg(&broken),
    );
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: the export was cut short after "),
        "{stderr}"
    );
    assert!(
        stderr.contains("is incomplete; no file was written: store: stored event"),
        "{stderr}"
    );
    assert!(!broken.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // To standard output, the bytes already written cannot be taken back:
    // the exit status and the last line on stderr say it is incomplete.
    let failed = audit_host(dir.path())
        .args([
            "--store", store, "export", "--tenant", "acme", "--order", "oldest", "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        failed.stdout.len() > 256 * 1024,
        "chunks streamed before the failure"
    );
    assert!(String::from_utf8_lossy(&failed.stderr).contains("cut short"));
}

#[test]
fn the_cli_refuses_bad_export_options_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    for (args, start) in [
        (
            vec!["--columns", "timestamp,colour"],
            "error: columns[1]: unknown column; expected one of timestamp,",
        ),
        (
            vec!["--utc-offset", "CET"],
            "error: --utc-offset: must be Z or +HH:MM",
        ),
        (
            vec!["--format", "jsonl", "--bom"],
            "error: --bom: only for CSV exports",
        ),
        (
            vec!["--ip", "10.0.0.0/33"],
            "error: --ip: not an IP address or CIDR block",
        ),
        (
            vec!["--actor-name", "Ana;DROP"],
            "error: --actor-name: use only letters, digits, whitespace or underscores",
        ),
        (vec!["--target", "user:"], "error: --target:"),
        (
            vec!["--ip", " 10.0.0.1"],
            "error: --ip: whitespace around the address",
        ),
        (
            vec!["--from", "2026-01-02", "--to", "2026-01-01"],
            "error: --to: must be later than --from",
        ),
    ] {
        let (code, stderr) = run_err(
            audit_host(dir.path())
                .args([
                    "--store", ":memory:", "export", "--tenant", "acme", "--output", "x.csv",
                ])
                .args(&args),
        );
        assert_eq!(code, 1, "{args:?}");
        assert!(stderr.starts_with(start), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1);
        assert!(!dir.path().join("x.csv").exists());
    }
}

#[test]
fn json_lines_escape_the_unicode_line_breaks_and_still_verify() {
    let (dir, path) = temp_store();
    let s = path.to_str().unwrap();
    let breaks = "a\u{2028}b\u{2029}c\u{85}d";
    let input = serde_json::json!({
        "tenant": "acme", "action": "user.updated", "outcome": "success",
        "actor": {"id": "u", "kind": "user", "name": format!("Ana{breaks}")},
        "after": {"note": breaks},
    });
    let stored = run_ok(
        audit_host(dir.path())
            .args(["--store", s, "append"])
            .arg(write(&dir, "e.json", &input.to_string())),
    );
    run_ok(audit_host(dir.path()).args([
        "keygen",
        "--private-key",
        "k.key",
        "--public-key",
        "k.pub",
    ]));
    run_ok(audit_host(dir.path()).args([
        "--store",
        s,
        "checkpoint",
        "--tenant",
        "acme",
        "--signing-key",
        "k.key",
        "--output",
        "cp.json",
        "--export",
        "x.jsonl",
    ]));
    let query = run_ok(audit_host(dir.path()).args([
        "--store", s, "query", "--tenant", "acme", "--format", "jsonl",
    ]));
    let export = std::fs::read_to_string(dir.path().join("x.jsonl")).unwrap();
    for (name, text) in [("append", &stored), ("query", &query), ("export", &export)] {
        assert!(
            !text.contains(['\u{2028}', '\u{2029}', '\u{85}']),
            "{name}: {text}"
        );
        assert!(text.contains(r"a\u2028b\u2029c\u0085d"), "{name}: {text}");
    }
    // Every reader that splits at Unicode line breaks sees whole lines, and
    // each line is the stored value.
    let first: serde_json::Value = serde_json::from_str(stored.trim()).unwrap();
    assert_eq!(first["actor"]["name"], format!("Ana{breaks}"));
    assert_eq!(first["changes"][0]["new"], breaks);
    assert_eq!(
        query.lines().count(),
        2,
        "the event and the read it left: {query}"
    );
    let out = run_ok(audit_host(dir.path()).args([
        "--store",
        s,
        "verify",
        "--export",
        "x.jsonl",
        "--public-key",
        "k.pub",
    ]));
    assert!(out.contains("intact"), "{out}");
}
