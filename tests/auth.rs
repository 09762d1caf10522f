//! The authentication log through the real component, SQLite store and
//! binary: the brute-force threshold fires once per window and not before;
//! an identifier that matches no account never appears in the clear in any
//! output (nor in the database file); session durations across overlapping
//! sessions; `audit-host auth`.

use crate::harness::*;
use audit_host::bindings::{
    Actor, ActorKind, Error, LoginAttempt, LoginFailure, LoginMethod, Logout, RecoveryRequest,
    RequestContext,
};
use audit_host::{HostError, KeyFile, Session};
use chrono::{DateTime, Duration, Utc};
use std::path::Path;
use std::sync::Arc;

/// What someone typed as their user name: their password.
const SECRET: &str = "Tr0ub4dor&3-Horse";

fn at(minutes: i64, seconds: i64) -> String {
    let base: DateTime<Utc> = "2026-11-21T08:00:00Z".parse().unwrap();
    (base + Duration::minutes(minutes) + Duration::seconds(seconds))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn context(ip: &str, session: Option<&str>) -> RequestContext {
    RequestContext {
        ip: Some(ip.into()),
        user_agent: None,
        session_id: session.map(String::from),
        request_id: None,
    }
}

fn account(id: &str) -> Actor {
    Actor {
        id: id.into(),
        name: Some(format!("User {id}")),
        email: None,
        kind: ActorKind::User,
    }
}

fn unknown(identifier: &str, ip: &str, when: String) -> LoginAttempt {
    LoginAttempt {
        tenant: "acme".into(),
        account: None,
        identifier: Some(identifier.into()),
        method: LoginMethod::Password,
        failure: Some(LoginFailure::UnknownAccount),
        context: context(ip, None),
        occurred_at: Some(when),
    }
}

/// A session over the store at `path` whose host has a key (next to it).
fn keyed(path: &Path) -> Session {
    session(path).with_keyring(Arc::new(KeyFile::new(path.with_extension("db.key"))))
}

fn fired(s: &mut Session, attempts: Vec<LoginAttempt>) -> Vec<bool> {
    attempts
        .iter()
        .map(|a| s.record_login(a).unwrap().alert.is_some())
        .collect()
}

#[test]
fn the_threshold_fires_once_per_window_and_not_before() {
    let (_dir, path) = temp_store();
    let mut s = keyed(&path);
    let ip = "198.51.100.23";
    // Four failures in 15 minutes: nothing; the fifth: one alert.
    let guesses = ["admin", "root", "administrator", "support", "qa-admin"];
    let attempts = guesses
        .iter()
        .enumerate()
        .map(|(i, g)| unknown(g, ip, at(i as i64 * 3, 0)))
        .collect();
    assert_eq!(fired(&mut s, attempts), [false, false, false, false, true]);
    // More from that address in the same window, each a different name (so
    // no identifier reaches the threshold by itself): none.
    let attempts = (0..5)
        .map(|i| unknown(&format!("guest{i}"), ip, at(13, i * 10)))
        .collect();
    assert_eq!(fired(&mut s, attempts), [false; 5]);
    // The alert (minute 12) leaves the window after minute 27: the next
    // failure fires again, the ones after it do not.
    assert_eq!(fired(&mut s, vec![unknown("x", ip, at(26, 59))]), [false]);
    assert_eq!(
        fired(
            &mut s,
            vec![unknown("x", ip, at(27, 1)), unknown("y", ip, at(28, 0))]
        ),
        [true, false]
    );
    // Another address is counted apart, and a threshold set higher is
    // respected.
    s.put_settings(
        "acme",
        r#"{"auth":{"brute_force":{"threshold":8,"window_minutes":10}}}"#,
        &account("op"),
    )
    .unwrap();
    let attempts = (0..8)
        .map(|i| unknown("z", "203.0.113.99", at(60 + i, 0)))
        .collect();
    assert_eq!(
        fired(&mut s, attempts),
        [false, false, false, false, false, false, false, true],
        "the one identifier and the one address both reach 8 at the eighth"
    );
    let events = all_events(&mut s, "acme");
    let alerts: Vec<_> = events
        .iter()
        .filter(|e| e.action == "security.brute_force_suspected")
        .collect();
    assert_eq!(alerts.len(), 3);
    assert_eq!(
        alerts[2].targets.len(),
        2,
        "identifier and address crossed together"
    );
    let m: serde_json::Value =
        serde_json::from_str(alerts[0].metadata.as_deref().unwrap()).unwrap();
    assert_eq!(m["failed_attempts"]["ip"], 5);
    assert_eq!(m["threshold"], 5);
    assert_eq!(m["window_minutes"], 15);
    assert_eq!(alerts[0].actor.kind, ActorKind::System);
    assert_eq!(verify_chain(&path, "acme"), events.len() + 1);
}

#[test]
fn an_unknown_identifier_never_appears_in_the_clear() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.db");
    let mut s = keyed(&path);
    for i in 0..5 {
        s.record_login(&unknown(SECRET, "203.0.113.24", at(i, 0)))
            .unwrap();
    }
    let recovery = RecoveryRequest {
        tenant: "acme".into(),
        account: None,
        identifier: Some(SECRET.to_uppercase()),
        context: context("203.0.113.24", None),
        occurred_at: Some(at(6, 0)),
    };
    let stored = s.record_password_recovery(&recovery).unwrap();
    assert_eq!(stored.actor.name.as_deref(), Some("T***"));
    // An over-long identifier is refused without being quoted.
    let long = format!("{SECRET}{}", "x".repeat(2000));
    let e = s
        .record_login(&unknown(&long, "203.0.113.24", at(7, 0)))
        .unwrap_err();
    assert!(!e.to_string().contains(SECRET), "{e}");
    drop(s);

    let mut outputs = Vec::new();
    let host = || {
        let mut cmd = audit_host(dir.path());
        cmd.arg("--store").arg(&path);
        cmd
    };
    for args in [
        vec!["query", "--tenant", "acme"],
        vec!["query", "--tenant", "acme", "--format", "jsonl"],
        vec!["auth", "--tenant", "acme"],
        vec!["auth", "--tenant", "acme", "--format", "jsonl"],
        vec!["export", "--tenant", "acme"],
        vec!["export", "--tenant", "acme", "--format", "jsonl"],
        vec![
            "export",
            "--tenant",
            "acme",
            "--rows",
            "changes",
            "--columns",
            "actor,actor_name,target,target_id,target_name,metadata",
        ],
        vec!["verify", "--tenant", "acme"],
    ] {
        outputs.push(run_ok(host().args(&args)));
    }
    let joined = outputs.join("\n");
    assert!(joined.contains("T***"), "the masked form is shown");
    assert!(joined.contains("security.brute_force_suspected"));
    // Nothing of the secret, in any case, in any output or in the store's
    // files (the database and its write-ahead log, read as bytes).
    let mut haystacks = vec![joined.to_lowercase()];
    for file in ["audit.db", "audit.db-wal"] {
        if let Ok(bytes) = std::fs::read(dir.path().join(file)) {
            haystacks.push(String::from_utf8_lossy(&bytes).to_lowercase());
        }
    }
    for hay in &haystacks {
        for needle in ["tr0ub4dor", "horse", "ub4dor&3"] {
            assert!(!hay.contains(needle), "{needle} found");
        }
    }
}

#[test]
fn session_durations_follow_each_of_overlapping_sessions() {
    let (_dir, path) = temp_store();
    let mut s = keyed(&path);
    let login = |who: &str, session: &str, when: String, method: LoginMethod| LoginAttempt {
        tenant: "acme".into(),
        account: Some(account(who)),
        identifier: None,
        method,
        failure: None,
        context: context("198.51.100.7", Some(session)),
        occurred_at: Some(when),
    };
    let logout = |who: &str, session: &str, when: String| Logout {
        tenant: "acme".into(),
        account: account(who),
        context: context("198.51.100.7", Some(session)),
        occurred_at: Some(when),
    };
    // u_7: a laptop session 08:00-09:30 and a phone session 08:10-08:40
    // inside it; u_8 has a session with the same id as u_7's laptop.
    for a in [
        login("u_7", "laptop", at(0, 0), LoginMethod::PasswordTotp),
        login("u_7", "phone", at(10, 0), LoginMethod::Sso),
        login("u_8", "laptop", at(20, 0), LoginMethod::Password),
    ] {
        s.record_login(&a).unwrap();
    }
    let phone = s.record_logout(&logout("u_7", "phone", at(40, 0))).unwrap();
    let other = s
        .record_logout(&logout("u_8", "laptop", at(21, 30)))
        .unwrap();
    let laptop = s
        .record_logout(&logout("u_7", "laptop", at(90, 0)))
        .unwrap();
    let page = s
        .auth_log(&audit_host::bindings::PageRequest {
            filter: filter("acme"),
            order: audit_host::bindings::Order::OldestFirst,
            limit: 100,
            cursor: None,
            viewer: admin(),
            count: true,
        })
        .unwrap();
    let by_seq = |seq: u64| page.entries.iter().find(|e| e.event.seq == seq).unwrap();
    assert_eq!(by_seq(phone.seq).session_duration_ms, Some(30 * 60_000));
    assert_eq!(by_seq(phone.seq).method, Some(LoginMethod::Sso));
    assert_eq!(by_seq(other.seq).session_duration_ms, Some(90_000));
    assert_eq!(by_seq(laptop.seq).session_duration_ms, Some(90 * 60_000));
    assert_eq!(by_seq(laptop.seq).method, Some(LoginMethod::PasswordTotp));
    assert_eq!(page.total, Some(6));
    // The CLI shows the same durations.
    let dir = path.parent().unwrap();
    let table = run_ok(
        audit_host(dir)
            .arg("--store")
            .arg(&path)
            .args(["auth", "--tenant", "acme"]),
    );
    for shown in ["30m 00s", "1m 30s", "1h 30m", "password + TOTP", "SSO"] {
        assert!(table.contains(shown), "{shown}:\n{table}");
    }
    // A logout without a session id is refused; one whose login is not
    // found is recorded without a duration.
    let mut bad = logout("u_7", "x", at(95, 0));
    bad.context.session_id = None;
    match s.record_logout(&bad) {
        Err(HostError::Audit(Error::InvalidInput(f))) => {
            assert_eq!(f.field, "context.session_id")
        }
        other => panic!("{other:?}"),
    }
    let lost = s
        .record_logout(&logout("u_7", "tablet", at(95, 0)))
        .unwrap();
    assert_eq!(lost.metadata.as_deref(), Some(r#"{"login_found":false}"#));
}

#[test]
fn the_auth_view_is_the_authentication_category_only() {
    let (dir, path) = temp_store();
    let mut s = keyed(&path);
    s.record_login(&unknown("nobody", "203.0.113.1", at(0, 0)))
        .unwrap();
    s.append(&event("acme", "user.updated")).unwrap();
    drop(s);
    let out = run_ok(
        audit_host(dir.path())
            .arg("--store")
            .arg(&path)
            .args(["auth", "--tenant", "acme"]),
    );
    assert!(out.contains("user.login_failed (Login Failed)"), "{out}");
    assert!(!out.contains("user.updated"), "{out}");
    let (code, err) = run_err(audit_host(dir.path()).arg("--store").arg(&path).args([
        "auth",
        "--tenant",
        "acme",
        "--category",
        "user",
    ]));
    assert_eq!(code, 1);
    assert_eq!(
        err.trim(),
        "error: --category: the authentication log holds the category authentication only"
    );
}

/// One path for sign-ins: a tenant without a profile can no longer append
/// them (where the typed identifier was stored in the clear and never
/// counted), and `audit-host auth login|logout|recovery` records them
/// through the auth interface from the JSON of the WIT records.
#[test]
fn sign_ins_have_one_path_and_the_cli_drives_it() {
    let (dir, path) = temp_store();
    let store = path.to_str().unwrap();
    for action in ["user.login_failed", "user.login_succeeded", "user.logout"] {
        let event = format!(
            r#"{{"tenant":"acme","action":"{action}","actor":{{"id":"Hunter2!","kind":"user"}},"outcome":"failure"}}"#
        );
        let (code, stderr) = run_err(
            audit_host(dir.path())
                .args(["--store", store, "append"])
                .arg(write(&dir, "e.json", &event)),
        );
        assert_eq!(code, 1);
        assert!(
            stderr.contains("auth interface") && stderr.contains("audit-host auth login"),
            "{stderr}"
        );
    }
    assert!(!path.exists() || raw_rows(&path, "acme").is_empty());
    let failures: String = (0..5)
        .map(|i| {
            format!(
                "{{\"tenant\":\"acme\",\"identifier\":\"Hunter2!\",\"method\":\"password\",\"failure\":\"unknown-account\",\"context\":{{\"ip\":\"203.0.113.9\"}},\"occurred_at\":\"2026-11-21T10:0{i}:00Z\"}}\n"
            )
        })
        .collect();
    let out = run_ok(
        audit_host(dir.path())
            .args(["--store", store, "auth", "login"])
            .arg(write(&dir, "fails.jsonl", &failures)),
    );
    assert!(!out.contains("Hunter2!"), "{out}");
    assert!(
        out.contains("security.brute_force_suspected"),
        "the fifth failure crossed the threshold: {out}"
    );
    let login = r#"{"tenant":"acme","account":{"id":"u_7","name":"John Smith","kind":"user"},"method":"password-totp","context":{"ip":"203.0.113.9","session_id":"s-1"},"occurred_at":"2026-11-21T10:10:00Z"}"#;
    run_ok(
        audit_host(dir.path())
            .args(["--store", store, "auth", "login"])
            .arg(write(&dir, "in.json", login)),
    );
    let logout = r#"{"tenant":"acme","account":{"id":"u_7","kind":"user"},"context":{"session_id":"s-1"},"occurred_at":"2026-11-21T11:10:00Z"}"#;
    let out = run_ok(
        audit_host(dir.path())
            .args(["--store", store, "auth", "logout"])
            .arg(write(&dir, "out.json", logout)),
    );
    assert!(out.contains("\"session_duration_ms\":3600000"), "{out}");
    let recovery = r#"{"tenant":"acme","identifier":"nobody@acme.test","context":{}}"#;
    let out = run_ok(
        audit_host(dir.path())
            .args(["--store", store, "auth", "recovery"])
            .arg(write(&dir, "r.json", recovery)),
    );
    assert!(
        out.contains("user.password_recovery_unknown_email") && !out.contains("nobody@acme.test"),
        "{out}"
    );
    let (code, stderr) = run_err(
        audit_host(dir.path())
            .args(["--store", store, "auth", "login"])
            .arg(write(
                &dir,
                "bad.json",
                r#"{"tenant":"acme","method":"carrier-pigeon"}"#,
            )),
    );
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("error: records[0].method: unknown value"),
        "{stderr}"
    );
    assert!(!stderr.contains("carrier-pigeon"), "{stderr}");
    let table = run_ok(audit_host(dir.path()).args(["--store", store, "auth", "--tenant", "acme"]));
    assert!(table.contains("1h 0m") || table.contains("1h"), "{table}");
    assert!(!table.contains("Hunter2!"), "{table}");
    let rows = raw_rows(&path, "acme");
    assert!(
        rows.iter().all(|r| !r.3.contains("Hunter2!")),
        "the identifier is never stored"
    );
}
