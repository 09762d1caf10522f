//! The tamper harness: each mutation applied to a real SQLite store (with
//! plain SQL, as anyone with database access could) or to a real export
//! file, and the verdict the component reports through the real host.

use crate::harness::*;
use audit_component::core::chain;
use audit_component::json::canonical;
use audit_host::SigningKey;
use audit_host::session::integrity::{ExportFormat, VerifyReport, intact, kind_name};
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};

/// Ten events of tenant acme, and a checkpoint of seq 10 signed by `key`.
struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    key: SigningKey,
    checkpoint: String,
}

fn fixture() -> Fixture {
    let (dir, path) = temp_store();
    let mut s = session(&path);
    for i in 0..10 {
        let mut e = event("acme", "user.updated");
        e.metadata = Some(format!(r#"{{"n":{i}}}"#));
        s.append(&e).expect("append");
    }
    let key = SigningKey::generate().expect("a key");
    let (report, checkpoint) = s.checkpoint("acme", &key).expect("checkpoint");
    assert!(intact(&report));
    Fixture {
        _dir: dir,
        path,
        key,
        checkpoint: checkpoint.expect("an intact log is checkpointed"),
    }
}

/// The findings as (kind, seq, related seq).
fn findings(r: &VerifyReport) -> Vec<(&'static str, u64, Option<u64>)> {
    r.findings
        .iter()
        .map(|f| (kind_name(f.kind), f.seq, f.related_seq))
        .collect()
}

impl Fixture {
    fn sql(&self, statement: &str) {
        let conn = Connection::open(&self.path).expect("open");
        conn.execute_batch(statement).expect("tamper");
    }

    fn verify(&self) -> VerifyReport {
        session(&self.path)
            .verify("acme", &[], &[])
            .expect("verify")
    }

    fn verify_signed(&self) -> VerifyReport {
        let public = self.key.public_key_pem().expect("pem");
        session(&self.path)
            .verify("acme", std::slice::from_ref(&self.checkpoint), &[public])
            .expect("verify")
    }
}

/// Rewrites the chain from `from` on as a forger with database access
/// would: edits that event's body, then recomputes every following
/// `prev_hash` and `hash` and the head, so the chain is consistent again.
fn forge(path: &Path, from: u64, edit: impl Fn(&mut serde_json::Value)) {
    let conn = Connection::open(path).expect("open");
    let rows: Vec<(u64, String)> = conn
        .prepare(
            "SELECT seq, body FROM audit_events WHERE tenant = 'acme' AND seq >= ?1 ORDER BY seq",
        )
        .unwrap()
        .query_map([from as i64], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev: String = conn
        .query_row(
            "SELECT hash FROM audit_events WHERE tenant = 'acme' AND seq = ?1",
            [from as i64 - 1],
            |r| r.get(0),
        )
        .unwrap_or_else(|_| chain::GENESIS.to_string());
    for (i, (seq, body)) in rows.into_iter().enumerate() {
        let mut value: serde_json::Value = serde_json::from_str(&body).unwrap();
        if i == 0 {
            edit(&mut value);
        }
        value["prev_hash"] = prev.clone().into();
        let body = canonical::to_string(&value);
        let hash = chain::hash(&body);
        conn.execute(
            "UPDATE audit_events SET body = ?1, hash = ?2, prev_hash = ?3 WHERE tenant = 'acme' AND seq = ?4",
            params![body, hash, prev, seq as i64],
        )
        .unwrap();
        conn.execute(
            "UPDATE audit_heads SET hash = ?1 WHERE tenant = 'acme' AND seq = ?2",
            params![hash, seq as i64],
        )
        .unwrap();
        prev = hash;
    }
}

#[test]
fn an_untouched_log_is_intact_with_and_without_its_checkpoint() {
    let f = fixture();
    let r = f.verify();
    assert!(intact(&r), "{:?}", r.findings);
    assert_eq!((r.events, r.first_seq, r.last_seq), (10, Some(1), Some(10)));
    let r = f.verify_signed();
    assert!(intact(&r), "{:?}", r.findings);
    assert_eq!(r.checkpoints_verified, 1);
}

#[test]
fn one_changed_byte_is_modified_at_its_seq() {
    let f = fixture();
    // The body: one byte of the actor's name.
    f.sql("UPDATE audit_events SET body = replace(body, 'Ana Admin', 'Ana Admim') WHERE seq = 5");
    assert_eq!(findings(&f.verify()), [("modified", 5, None)]);

    let f = fixture();
    // The hash column: one hex digit.
    f.sql("UPDATE audit_events SET hash = CASE substr(hash, 1, 1) WHEN 'a' THEN 'b' || substr(hash, 2) ELSE 'a' || substr(hash, 2) END WHERE seq = 5");
    assert_eq!(findings(&f.verify()), [("modified", 5, None)]);

    let f = fixture();
    // An indexed column: the time a filtered view would use.
    f.sql("UPDATE audit_events SET occurred_at_us = occurred_at_us - 86400000000 WHERE seq = 5");
    let r = f.verify();
    assert_eq!(findings(&r), [("modified", 5, None)]);
    assert!(r.findings[0].detail.contains("occurred_at_us"));
}

#[test]
fn a_deleted_event_is_missing() {
    let f = fixture();
    f.sql("DELETE FROM audit_events WHERE seq = 5");
    assert_eq!(findings(&f.verify()), [("missing", 5, Some(5))]);
    let f = fixture();
    f.sql("DELETE FROM audit_events WHERE seq IN (4, 5, 6)");
    assert_eq!(findings(&f.verify()), [("missing", 4, Some(6))]);
    let f = fixture();
    f.sql("DELETE FROM audit_events WHERE seq = 1");
    assert_eq!(findings(&f.verify()), [("missing", 1, Some(1))]);
}

#[test]
fn swapped_events_are_reordered() {
    let f = fixture();
    f.sql(
        "UPDATE audit_events SET seq = -4 WHERE seq = 4;
         UPDATE audit_events SET seq = 4 WHERE seq = 7;
         UPDATE audit_events SET seq = 7 WHERE seq = -4;",
    );
    assert_eq!(
        findings(&f.verify()),
        [("reordered", 4, Some(7)), ("reordered", 7, Some(4))]
    );
}

#[test]
fn a_replayed_event_is_a_duplicate() {
    let f = fixture();
    f.sql(
        "INSERT INTO audit_events (tenant, seq, id, occurred_at_us, prev_hash, hash, body)
         SELECT tenant, 11, id || '-', occurred_at_us, prev_hash, hash, body FROM audit_events WHERE seq = 3;",
    );
    assert_eq!(findings(&f.verify()), [("duplicate", 11, Some(3))]);
}

#[test]
fn a_broken_link_is_chain_broken_at_the_successor() {
    let f = fixture();
    // Edit event 5 and recompute its own hash only: its successor no longer links.
    let conn = Connection::open(&f.path).unwrap();
    let body: String = conn
        .query_row("SELECT body FROM audit_events WHERE seq = 5", [], |r| {
            r.get(0)
        })
        .unwrap();
    let body = body.replace("Ana Admin", "Eve Intruder");
    conn.execute(
        "UPDATE audit_events SET body = ?1, hash = ?2 WHERE seq = 5",
        params![body, chain::hash(&body)],
    )
    .unwrap();
    assert_eq!(findings(&f.verify()), [("chain-broken", 6, Some(5))]);
}

#[test]
fn a_truncated_tail_is_caught_by_the_head_or_by_a_checkpoint() {
    // Rows cut, the head left: the store's own head tells.
    let f = fixture();
    f.sql("DELETE FROM audit_events WHERE seq > 8");
    assert_eq!(findings(&f.verify()), [("truncated", 10, Some(8))]);

    // Rows cut and the head moved back: only a checkpoint tells.
    let f = fixture();
    f.sql(
        "DELETE FROM audit_events WHERE seq > 8;
         UPDATE audit_heads SET seq = 8, hash = (SELECT hash FROM audit_events WHERE seq = 8);",
    );
    assert!(intact(&f.verify()), "without a checkpoint nothing can tell");
    assert_eq!(findings(&f.verify_signed()), [("truncated", 10, Some(8))]);
}

#[test]
fn a_forged_event_with_recomputed_hashes_is_caught_only_by_a_signed_checkpoint() {
    // Edited in place.
    let f = fixture();
    forge(&f.path, 5, |e| e["actor"]["id"] = "u_innocent".into());
    let r = f.verify();
    assert!(intact(&r), "a consistent forgery: {:?}", r.findings);
    assert_eq!(findings(&f.verify_signed()), [("forged", 10, None)]);

    // Inserted: a new event at 6, the rest renumbered and re-chained.
    let f = fixture();
    f.sql(
        "UPDATE audit_events SET seq = seq + 100 WHERE seq >= 6;
         UPDATE audit_events SET seq = seq - 99 WHERE seq >= 106;
         INSERT INTO audit_events (tenant, seq, id, occurred_at_us, prev_hash, hash, body)
           SELECT tenant, 6, id || 'x', occurred_at_us, prev_hash, hash, body FROM audit_events WHERE seq = 5;
         UPDATE audit_heads SET seq = 11;",
    );
    // Give every moved event its new seq and id, as a careful forger would.
    let conn = Connection::open(&f.path).unwrap();
    for seq in 6..=11u64 {
        let (id, body): (String, String) = conn
            .query_row(
                "SELECT id, body FROM audit_events WHERE seq = ?1",
                [seq as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&body).unwrap();
        v["seq"] = seq.into();
        v["id"] = id.into();
        conn.execute(
            "UPDATE audit_events SET body = ?1 WHERE seq = ?2",
            params![canonical::to_string(&v), seq as i64],
        )
        .unwrap();
    }
    forge(&f.path, 6, |e| e["actor"]["id"] = "u_backdated".into());
    let r = f.verify();
    assert!(intact(&r), "{:?}", r.findings);
    assert_eq!(r.last_seq, Some(11));
    assert_eq!(findings(&f.verify_signed()), [("forged", 10, None)]);
}

#[test]
fn a_checkpoint_signed_by_another_key_or_edited_is_a_bad_signature() {
    let f = fixture();
    let other = SigningKey::generate().unwrap();
    let (_, theirs) = session(&f.path).checkpoint("acme", &other).unwrap();
    let theirs = theirs.unwrap();
    let mine = f.key.public_key_pem().unwrap();
    let r = session(&f.path)
        .verify(
            "acme",
            std::slice::from_ref(&theirs),
            std::slice::from_ref(&mine),
        )
        .unwrap();
    assert_eq!(findings(&r), [("bad-signature", 10, None)]);
    assert!(r.findings[0].detail.contains("unknown key"));

    // Their signature under my key id.
    let mine_id = serde_json::from_str::<serde_json::Value>(&f.checkpoint).unwrap()["key_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut v: serde_json::Value = serde_json::from_str(&theirs).unwrap();
    v["key_id"] = mine_id.into();
    let r = session(&f.path)
        .verify("acme", &[v.to_string()], std::slice::from_ref(&mine))
        .unwrap();
    assert_eq!(findings(&r), [("bad-signature", 10, None)]);
    assert!(r.findings[0].detail.contains("does not verify"));

    // My checkpoint moved to another seq: the signature no longer covers it.
    let mut v: serde_json::Value = serde_json::from_str(&f.checkpoint).unwrap();
    v["checkpoint"]["seq"] = 9.into();
    let r = session(&f.path)
        .verify("acme", &[v.to_string()], std::slice::from_ref(&mine))
        .unwrap();
    assert_eq!(findings(&r), [("bad-signature", 9, None)]);

    // Re-serialized (pretty, members reordered) it still verifies.
    let v: serde_json::Value = serde_json::from_str(&f.checkpoint).unwrap();
    let pretty = serde_json::to_string_pretty(&v).unwrap();
    let r = session(&f.path)
        .verify("acme", &[pretty], std::slice::from_ref(&mine))
        .unwrap();
    assert!(intact(&r) && r.checkpoints_verified == 1);
}

/// A JSON Lines export with proof, as `audit-host checkpoint --export` writes it.
fn export(f: &Fixture) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.pem");
    std::fs::write(&key, f.key.to_pem().unwrap()).unwrap();
    let out = dir.path().join("export.jsonl");
    run_ok(audit_host(dir.path()).args([
        "--store",
        f.path.to_str().unwrap(),
        "checkpoint",
        "--tenant",
        "acme",
        "--signing-key",
        key.to_str().unwrap(),
        "--output",
        dir.path().join("cp.json").to_str().unwrap(),
        "--export",
        out.to_str().unwrap(),
    ]));
    std::fs::read_to_string(out)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn verify_export(f: &Fixture, lines: &[String]) -> VerifyReport {
    let text = lines.join("\n") + "\n";
    let public = f.key.public_key_pem().unwrap();
    session(&f.path)
        .verify_export(ExportFormat::Jsonl, text.as_bytes(), &[public])
        .expect("verify export")
}

#[test]
fn an_export_carries_its_proof_and_edits_to_it_are_caught() {
    let f = fixture();
    let lines = export(&f);
    assert_eq!(lines.len(), 11, "ten events and the proof");
    assert!(lines[10].starts_with(r#"{"audit_log_proof":"#));
    let r = verify_export(&f, &lines);
    assert!(intact(&r), "{:?}", r.findings);
    assert_eq!((r.events, r.checkpoints_verified), (10, 1));
    assert_eq!(r.tenant, "acme");

    let mut removed = lines.clone();
    removed.remove(4);
    assert_eq!(
        findings(&verify_export(&f, &removed)),
        [("missing", 5, Some(5))]
    );

    let mut first_removed = lines.clone();
    first_removed.remove(0);
    assert_eq!(
        findings(&verify_export(&f, &first_removed)),
        [("missing", 1, Some(1))]
    );

    let mut last_removed = lines.clone();
    last_removed.remove(9);
    assert_eq!(
        findings(&verify_export(&f, &last_removed)),
        [("truncated", 10, Some(9))]
    );

    let mut edited = lines.clone();
    edited[4] = edited[4].replace("Ana Admin", "Ana Admim");
    assert_eq!(
        findings(&verify_export(&f, &edited)),
        [("modified", 5, None)]
    );

    let mut swapped = lines.clone();
    swapped.swap(3, 4);
    assert_eq!(
        findings(&verify_export(&f, &swapped)),
        [("reordered", 4, Some(5))]
    );

    let mut replayed = lines.clone();
    replayed.insert(6, lines[2].clone());
    assert_eq!(
        findings(&verify_export(&f, &replayed)),
        [("duplicate", 3, Some(3))]
    );

    // A forger who re-chains the export still cannot match the signed head.
    let mut forged = lines.clone();
    let mut prev = String::new();
    for (i, line) in forged.iter_mut().take(10).enumerate() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        v.as_object_mut().unwrap().remove("hash");
        if i == 4 {
            v["actor"]["id"] = "u_innocent".into();
        }
        if i > 0 {
            v["prev_hash"] = prev.clone().into();
        }
        let body = canonical::to_string(&v);
        prev = chain::hash(&body);
        v["hash"] = prev.clone().into();
        *line = canonical::to_string(&v);
    }
    assert_eq!(
        findings(&verify_export(&f, &forged)),
        [("forged", 10, None)]
    );

    // Another key's public half: the proof's signature does not verify.
    let other = SigningKey::generate().unwrap().public_key_pem().unwrap();
    let text = lines.join("\n");
    let r = session(&f.path)
        .verify_export(ExportFormat::Jsonl, text.as_bytes(), &[other])
        .unwrap();
    assert_eq!(findings(&r), [("bad-signature", 10, None)]);

    // Without its proof an export cannot be verified at all.
    let public = f.key.public_key_pem().unwrap();
    let e = session(&f.path)
        .verify_export(
            ExportFormat::Jsonl,
            lines[..10].join("\n").as_bytes(),
            &[public],
        )
        .unwrap_err();
    assert!(e.to_string().starts_with("export: carries no proof"), "{e}");
}

#[test]
fn the_cli_prints_one_line_per_finding_and_exits_3() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let store = f.path.to_str().unwrap();
    let out = run_ok(audit_host(dir.path()).args(["--store", store, "verify", "--tenant", "acme"]));
    assert_eq!(
        out,
        "tenant acme: intact: 10 events (seq 1..10), from the genesis hash\n"
    );
    f.sql(
        "DELETE FROM audit_events WHERE seq = 3;
         UPDATE audit_events SET body = replace(body, 'Mozilla', 'Mozillb') WHERE seq = 7;",
    );
    let cmd = audit_host(dir.path())
        .args(["--store", store, "verify", "--tenant", "acme"])
        .output()
        .unwrap();
    assert_eq!(cmd.status.code(), Some(3));
    let out = String::from_utf8(cmd.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with("missing       seq 3 "), "{out}");
    assert!(lines[1].starts_with("modified      seq 7 "), "{out}");
    assert_eq!(
        lines[2],
        "tenant acme: NOT INTACT: 2 findings in 9 events (seq 1..10)"
    );

    // A checkpoint without the key to check it is a failure (1), not a verdict.
    let cp = write(&dir, "cp.json", &f.checkpoint);
    let (code, err) = run_err(audit_host(dir.path()).args([
        "--store",
        store,
        "verify",
        "--tenant",
        "acme",
        "--checkpoint",
        cp.to_str().unwrap(),
    ]));
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: --checkpoint: needs --public-key"),
        "{err}"
    );
    let junk = write(&dir, "junk.json", "{\"checkpoint\": 5}");
    let key = write(&dir, "k.pub", &f.key.public_key_pem().unwrap());
    let (code, err) = run_err(audit_host(dir.path()).args([
        "--store",
        store,
        "verify",
        "--tenant",
        "acme",
        "--checkpoint",
        junk.to_str().unwrap(),
        "--public-key",
        key.to_str().unwrap(),
    ]));
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: checkpoints[0].checkpoint: not a checkpoint document"),
        "{err}"
    );
}

#[test]
fn keygen_writes_a_key_pair_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_ok(audit_host(dir.path()).arg("keygen"));
    assert!(out.starts_with("wrote the private key to audit-signing.key"));
    let private = std::fs::read_to_string(dir.path().join("audit-signing.key")).unwrap();
    assert!(private.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(SigningKey::from_pem(&private).is_ok());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("audit-signing.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the private key is its owner's only");
    }
    let public = std::fs::read_to_string(dir.path().join("audit-signing.pub")).unwrap();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
    let (code, err) = run_err(audit_host(dir.path()).arg("keygen"));
    assert_eq!(code, 1);
    assert!(err.contains("must not exist yet"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("audit-signing.key")).unwrap(),
        private,
        "never overwritten"
    );
}

/// A verifiable CSV export as a spreadsheet user gets it: `audit-host export
/// --format csv --proof`, checked offline by `audit-host verify --export`;
/// an edited presentation cell, a removed row and a filtered export with a
/// proof are each caught.
#[test]
fn a_csv_export_with_proof_verifies_offline_and_edits_are_caught() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let store = f.path.to_str().unwrap();
    let cp = write(&dir, "cp.json", &f.checkpoint);
    let public = write(&dir, "k.pub", &f.key.public_key_pem().unwrap());
    let csv = dir.path().join("export.csv");
    run_ok(audit_host(dir.path()).args([
        "--store",
        store,
        "export",
        "--tenant",
        "acme",
        "--order",
        "oldest",
        "--format",
        "csv",
        "--bom",
        "--proof",
        cp.to_str().unwrap(),
        "--output",
        csv.to_str().unwrap(),
    ]));
    let text = std::fs::read_to_string(&csv).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.ends_with("\"seq\",\"prev_hash\",\"event\""),
        "the proof columns are added after the chosen ones: {header}"
    );
    let verify = |path: &std::path::Path| {
        audit_host(dir.path())
            .args(["verify", "--export", path.to_str().unwrap()])
            .args(["--format", "csv", "--public-key", public.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let ok = verify(&csv);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );

    // Someone edits who did it in row 4, in the actor column only.
    let mut rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(Result::unwrap)
            .collect();
    let headers = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .headers()
        .unwrap()
        .clone();
    let actor = headers.iter().position(|h| h == "actor").unwrap();
    let write_csv = |name: &str, rows: &[csv::StringRecord]| {
        let path = dir.path().join(name);
        let mut w = csv::Writer::from_path(&path).unwrap();
        w.write_record(&headers).unwrap();
        for r in rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
        path
    };
    let mut edited = rows.clone();
    let mut cells: Vec<String> = edited[3].iter().map(str::to_string).collect();
    cells[actor] = "Mallory".into();
    edited[3] = csv::StringRecord::from(cells);
    let out = verify(&write_csv("edited.csv", &edited));
    assert_eq!(out.status.code(), Some(3));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.starts_with("modified      seq 4 "), "{report}");

    rows.remove(6);
    let out = verify(&write_csv("removed.csv", &rows));
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("missing       seq 7 ")
    );

    // A proof covers the whole chain: a filtered export cannot carry one.
    let (code, err) = run_err(audit_host(dir.path()).args([
        "--store",
        store,
        "export",
        "--tenant",
        "acme",
        "--order",
        "oldest",
        "--actor",
        "u_42",
        "--proof",
        cp.to_str().unwrap(),
    ]));
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: proof: a proof covers the whole log"),
        "{err}"
    );
}
