//! Times and numbers at their edges, through the binary: each is stored
//! exactly as accepted or refused with a reason, never changed; a test
//! clock cannot move recorded time backwards along a chain; a key of one
//! repeated byte keys nothing.

use crate::harness::*;

fn event(extra: &str) -> String {
    format!(
        r#"{{"tenant":"acme","action":"user.updated","actor":{{"id":"u","kind":"user"}},"outcome":"success"{extra}}}"#
    )
}

fn append(dir: &tempfile::TempDir, store: &str, text: &str) -> std::process::Output {
    audit_host(dir.path())
        .args(["--store", store, "append"])
        .arg(write(dir, "e.jsonl", text))
        .output()
        .unwrap()
}

#[test]
fn a_leap_second_is_kept_only_where_utc_had_one_and_found_in_its_day() {
    let (dir, path) = temp_store();
    let s = path.to_str().unwrap();
    for bad in [
        "2026-11-21T23:59:60Z",
        "2016-12-31T23:59:60+01:00",
        "2016-06-30T23:59:60Z",
    ] {
        let out = append(&dir, s, &event(&format!(r#","occurred_at":"{bad}""#)));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{bad}: {stderr}");
        assert!(
            stderr.contains("occurred_at: second 60 only exists"),
            "{bad}: {stderr}"
        );
    }
    let out = append(
        &dir,
        s,
        &event(r#","occurred_at":"2017-01-01T00:59:60+01:00""#),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stored["occurred_at"], "2016-12-31T23:59:60Z");
    let day = |from: &str, to: &str| {
        run_ok(audit_host(dir.path()).args([
            "--store", s, "query", "--tenant", "acme", "--action", "user.*", "--from", from,
            "--to", to, "--format", "jsonl",
        ]))
        .lines()
        .count()
    };
    assert_eq!(
        day("2016-12-31", "2017-01-01"),
        1,
        "in the day it belongs to"
    );
    assert_eq!(day("2017-01-01", "2017-01-02"), 0, "and not in the next");
    let out = run_ok(audit_host(dir.path()).args(["--store", s, "verify", "--tenant", "acme"]));
    assert!(out.contains("intact"), "{out}");
}

#[test]
fn a_clock_past_9999_records_nothing_it_could_not_verify() {
    let (dir, path) = temp_store();
    let s = path.to_str().unwrap();
    let two = format!("{}\n{}", event(""), event(""));
    let out = audit_host(dir.path())
        .args([
            "--store",
            s,
            "--clock",
            "9999-12-31T23:59:59.999Z",
            "append",
            "--batch-size",
            "1",
        ])
        .arg(write(&dir, "two.jsonl", &two))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The first reading is the last millisecond of 9999, the next the year 10000.
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("year 10000"), "{stderr}");
    assert_eq!(raw_rows(&path, "acme").len(), 1);
    let out = run_ok(audit_host(dir.path()).args(["--store", s, "verify", "--tenant", "acme"]));
    assert!(out.contains("intact: 1 event"), "{out}");
}

#[test]
fn numbers_that_would_be_changed_are_refused() {
    let (dir, path) = temp_store();
    let s = path.to_str().unwrap();
    for (field, why) in [
        (r#","after":{"n":18446744073709551616}"#, "beyond 64 bits"),
        (
            r#","metadata":{"n":-99999999999999999999}"#,
            "beyond 64 bits",
        ),
        (r#","after":{"n":1e-400}"#, "stored as 0"),
    ] {
        let out = append(&dir, s, &event(field));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{field}: {stderr}");
        assert!(stderr.contains(why), "{field}: {stderr}");
    }
    assert!(!path.exists() || raw_rows(&path, "acme").is_empty());
    // What is accepted is stored exactly.
    let out = append(
        &dir,
        s,
        &event(r#","after":{"max":18446744073709551615,"min":-9223372036854775808,"tiny":5e-324}"#),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let body = &raw_rows(&path, "acme")[0].3;
    for n in ["18446744073709551615", "-9223372036854775808", "5e-324"] {
        assert!(body.contains(n), "{n} in {body}");
    }
}

#[test]
fn a_test_clock_cannot_move_recorded_time_backwards() {
    let (dir, path) = temp_store();
    let s = path.to_str().unwrap();
    let first = append(&dir, s, &event(""));
    assert!(first.status.success());
    let first: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    let late = audit_host(dir.path())
        .args(["--store", s, "--clock", "2020-01-01T00:00:00Z", "append"])
        .arg(write(&dir, "late.json", &event("")))
        .output()
        .unwrap();
    assert!(
        late.status.success(),
        "{}",
        String::from_utf8_lossy(&late.stderr)
    );
    let late: serde_json::Value = serde_json::from_slice(&late.stdout).unwrap();
    let t = |v: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(v["recorded_at"].as_str().unwrap()).unwrap()
    };
    assert!(
        t(&late) >= t(&first),
        "{} before {}",
        late["recorded_at"],
        first["recorded_at"]
    );
    let out = run_ok(audit_host(dir.path()).args(["--store", s, "verify", "--tenant", "acme"]));
    assert!(out.contains("intact: 2 events"), "{out}");
}

#[test]
fn a_master_key_of_one_repeated_byte_is_refused() {
    let (dir, path) = temp_store();
    let s = path.to_str().unwrap();
    for key in ["0".repeat(64), "ff".repeat(32), "0".repeat(62)] {
        let out = audit_host(dir.path())
            .env("AUDIT_KEY", &key)
            .args(["--store", s, "append"])
            .arg(write(
                &dir,
                "e.json",
                &event(r#","after":{"password":"x"}"#),
            ))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{key}: {stderr}");
        assert!(stderr.contains("AUDIT_KEY"), "{stderr}");
    }
    assert!(!path.exists() || raw_rows(&path, "acme").is_empty());
}
