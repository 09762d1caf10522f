use super::*;
use crate::core::memory::MemoryStore;
use crate::core::model::{Actor, ActorKind, Context, Event};
use crate::core::store::Store;
use crate::core::store::{Head, Row, ScanRequest, StoreError};
use crate::core::time;
use crate::test_support::Fixed;
use chrono::Duration;
use hmac::{Hmac, Mac};
use serde_json::json;

/// A memory store whose host has a key: HMAC-SHA-256 fingerprints.
#[derive(Default)]
struct Keyed(MemoryStore);

impl Store for Keyed {
    fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError> {
        self.0.append(rows)
    }
    fn head(&mut self, t: &str) -> Result<Option<Head>, StoreError> {
        self.0.head(t)
    }
    fn scan(&mut self, q: &ScanRequest) -> Result<Vec<Row>, StoreError> {
        self.0.scan(q)
    }
    fn get(&mut self, t: &str, id: &str) -> Result<Option<Row>, StoreError> {
        self.0.get(t, id)
    }
    fn get_settings(&mut self, t: &str) -> Result<Option<String>, StoreError> {
        self.0.get_settings(t)
    }
    fn put_settings(&mut self, t: &str, s: &str) -> Result<(), StoreError> {
        self.0.put_settings(t, s)
    }
    fn fingerprints(
        &mut self,
        tenant: &str,
        messages: &[Vec<u8>],
    ) -> Result<Option<Vec<[u8; 32]>>, StoreError> {
        Ok(Some(
            messages
                .iter()
                .map(|m| {
                    let mut mac =
                        Hmac::<sha2::Sha256>::new_from_slice(tenant.as_bytes()).expect("any key");
                    mac.update(m);
                    mac.finalize().into_bytes().into()
                })
                .collect(),
        ))
    }
}

const SECRET: &str = "CorrectHorse-Battery-9";

fn at(minutes: i64, seconds: i64) -> String {
    let base = time::parse("2026-11-21T08:00:00Z").expect("a time");
    time::format(base + Duration::minutes(minutes) + Duration::seconds(seconds))
}

fn account(id: &str) -> Actor {
    Actor {
        id: id.into(),
        name: Some(format!("User {id}")),
        email: None,
        kind: ActorKind::User,
    }
}

fn context(ip: &str, session: Option<&str>) -> Context {
    Context {
        ip: Some(ip.into()),
        session_id: session.map(String::from),
        ..Context::default()
    }
}

fn failure(identifier: &str, ip: &str, when: String) -> LoginAttempt {
    LoginAttempt {
        tenant: "acme".into(),
        account: None,
        identifier: Some(identifier.into()),
        method: Method::Password,
        failure: Some(Failure::UnknownAccount),
        context: context(ip, None),
        occurred_at: Some(when),
    }
}

fn alerts(s: &mut Keyed, attempts: Vec<LoginAttempt>) -> Vec<bool> {
    attempts
        .into_iter()
        .map(|a| record_login(s, &mut Fixed, a).unwrap().alert.is_some())
        .collect()
}

#[test]
fn the_threshold_fires_once_per_window_and_not_before() {
    let mut s = Keyed::default();
    // Four failures: nothing. The fifth (within 15 minutes): one alert.
    let fired = alerts(
        &mut s,
        (0..5)
            .map(|i| failure(SECRET, "203.0.113.5", at(i, 0)))
            .collect(),
    );
    assert_eq!(fired, [false, false, false, false, true]);
    // More failures in the same window: no second alert.
    let fired = alerts(
        &mut s,
        (5..9)
            .map(|i| failure(SECRET, "203.0.113.5", at(i, 0)))
            .collect(),
    );
    assert_eq!(fired, [false; 4]);
    // 14 minutes after the alert it is still in the window; just past
    // 15 minutes it is not, and the failures of minutes 5 to 8 plus this
    // one reach the threshold again.
    assert_eq!(
        alerts(&mut s, vec![failure(SECRET, "203.0.113.5", at(18, 0))]),
        [false]
    );
    assert_eq!(
        alerts(&mut s, vec![failure(SECRET, "203.0.113.5", at(19, 1))]),
        [true]
    );
}

#[test]
fn an_alert_recorded_for_a_later_minute_covers_back_filled_failures() {
    let mut s = Keyed::default();
    let fired = alerts(
        &mut s,
        (30..35)
            .map(|i| failure(SECRET, "203.0.113.5", at(i, 0)))
            .collect(),
    );
    assert_eq!(fired, [false, false, false, false, true]);
    // The same key's failures of an earlier quarter of an hour, recorded
    // afterwards: they reach the threshold at minute 20, less than a window
    // before the alert of minute 34, which stands for them.
    let fired = alerts(
        &mut s,
        (16..21)
            .map(|i| failure(SECRET, "203.0.113.5", at(i, 0)))
            .collect(),
    );
    assert_eq!(fired, [false; 5]);
    // A window's length and more before that alert, they are their own.
    let fired = alerts(
        &mut s,
        (0..5)
            .map(|i| failure(SECRET, "203.0.113.5", at(i, 0)))
            .collect(),
    );
    assert_eq!(fired, [false, false, false, false, true]);
}

#[test]
fn failures_spread_beyond_the_window_never_fire() {
    let mut s = Keyed::default();
    let fired = alerts(
        &mut s,
        (0..10)
            .map(|i| failure(SECRET, "203.0.113.5", at(i * 4, 0)))
            .collect(),
    );
    assert_eq!(fired, [false; 10], "at most 4 failures in any 15 minutes");
}

#[test]
fn accounts_and_addresses_are_counted_apart() {
    let mut s = Keyed::default();
    // One account attacked from five addresses: the account crosses.
    let attempts = (0..5)
        .map(|i| LoginAttempt {
            tenant: "acme".into(),
            account: Some(account("u_7")),
            identifier: None,
            method: Method::PasswordTotp,
            failure: Some(Failure::WrongPassword),
            context: context(&format!("198.51.100.{i}"), None),
            occurred_at: Some(at(i, 0)),
        })
        .collect::<Vec<_>>();
    let mut last = None;
    for a in attempts {
        last = record_login(&mut s, &mut Fixed, a).unwrap().alert;
    }
    let alert = last.expect("the account crossed the threshold");
    assert_eq!(alert.action, "security.brute_force_suspected");
    assert_eq!(alert.actor.kind, ActorKind::System);
    assert_eq!(
        alert
            .targets
            .iter()
            .map(|t| (t.kind.as_str(), t.id.as_str()))
            .collect::<Vec<_>>(),
        [("user", "u_7")],
        "only the account: each address failed once"
    );
    let m = alert.metadata.unwrap();
    assert_eq!(m["failed_attempts"], json!({"account": 5, "ip": 1}));
    assert_eq!(m["threshold"], 5);
    // Five identifiers from one address: the address crosses.
    let fired = alerts(
        &mut s,
        (0..5)
            .map(|i| failure(&format!("guess{i}@acme.test"), "203.0.113.9", at(i, 30)))
            .collect(),
    );
    assert_eq!(fired, [false, false, false, false, true]);
}

#[test]
fn the_threshold_is_a_setting() {
    let mut s = Keyed::default();
    let settings = r#"{"auth":{"brute_force":{"threshold":3,"window_minutes":5}}}"#;
    crate::admin::settings::put(&mut s, &mut Fixed, "acme", settings, account("op")).unwrap();
    let fired = alerts(
        &mut s,
        [0, 1, 2, 9, 10, 11]
            .into_iter()
            .map(|m| failure(SECRET, "203.0.113.5", at(m, 0)))
            .collect(),
    );
    assert_eq!(fired, [false, false, true, false, false, true]);
    let e = crate::admin::settings::put(
        &mut s,
        &mut Fixed,
        "acme",
        r#"{"auth":{"brute_force":{"threshold":0}}}"#,
        account("op"),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "settings.auth.brute_force.threshold: must be between 1 and 1000"
    );
}

#[test]
fn an_unknown_identifier_is_stored_hidden() {
    let mut s = Keyed::default();
    let first = record_login(&mut s, &mut Fixed, failure(SECRET, "203.0.113.5", at(0, 0)))
        .unwrap()
        .event;
    let again = record_login(
        &mut s,
        &mut Fixed,
        failure(
            &format!("  {}  ", SECRET.to_uppercase()),
            "203.0.113.5",
            at(1, 0),
        ),
    )
    .unwrap()
    .event;
    assert_eq!(first.action, "user.login_failed");
    assert_eq!(first.failure_reason.as_deref(), Some("unknown_account"));
    assert_eq!(first.actor.id, UNKNOWN_ACTOR);
    assert_eq!(first.actor.name.as_deref(), Some("C***"));
    assert_eq!(first.targets[0].kind, "identifier");
    assert_eq!(first.targets[0].id.len(), 64);
    assert_eq!(first.targets[0].id, again.targets[0].id, "counted together");
    let rows = s
        .scan(&ScanRequest {
            tenant: "acme".into(),
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    for row in rows {
        let lower = row.body.to_lowercase();
        assert!(!lower.contains("correcthorse"), "{}", row.body);
        assert!(!lower.contains("battery"), "{}", row.body);
    }
    // Password recovery for an unknown e-mail is hidden the same way.
    let recovery = record_recovery(
        &mut s,
        &mut Fixed,
        Recovery {
            tenant: "acme".into(),
            account: None,
            identifier: Some("Jhon.Smith@acme.test".into()),
            context: context("203.0.113.5", None),
            occurred_at: None,
        },
    )
    .unwrap();
    assert_eq!(recovery.action, "user.password_recovery_unknown_email");
    assert_eq!(recovery.actor.name.as_deref(), Some("J***@acme.test"));
    assert!(
        !crate::json::codec::to_json(&recovery)
            .unwrap()
            .contains("hon.smith")
    );
}

#[test]
fn session_durations_follow_each_session() {
    let mut s = Keyed::default();
    let login = |who: &str, session: &str, when: String| LoginAttempt {
        tenant: "acme".into(),
        account: Some(account(who)),
        identifier: None,
        method: Method::Sso,
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
    // u_7 has two overlapping sessions (laptop, phone); u_8 reuses the
    // session id "s-1" (another account's, so it must not match).
    for a in [
        login("u_7", "s-1", at(0, 0)),
        login("u_7", "s-2", at(5, 0)),
        login("u_8", "s-1", at(6, 0)),
    ] {
        record_login(&mut s, &mut Fixed, a).unwrap();
    }
    let phone = record_logout(&mut s, &mut Fixed, logout("u_7", "s-2", at(20, 0))).unwrap();
    let laptop = record_logout(&mut s, &mut Fixed, logout("u_7", "s-1", at(30, 0))).unwrap();
    let other = record_logout(&mut s, &mut Fixed, logout("u_8", "s-1", at(7, 30))).unwrap();
    let lost = record_logout(&mut s, &mut Fixed, logout("u_7", "s-9", at(31, 0))).unwrap();
    let duration = |e: &Event| view::entry(e.clone()).session_duration_ms;
    assert_eq!(duration(&phone), Some(15 * 60 * 1000));
    assert_eq!(duration(&laptop), Some(30 * 60 * 1000));
    assert_eq!(duration(&other), Some(90 * 1000));
    assert_eq!(duration(&lost), None);
    assert_eq!(lost.metadata, Some(json!({"login_found": false})));
    assert_eq!(view::entry(laptop).method, Some(Method::Sso));
}

#[test]
fn inconsistent_attempts_are_refused_by_field() {
    let mut s = Keyed::default();
    let mut a = failure(SECRET, "203.0.113.5", at(0, 0));
    a.account = Some(account("u_7"));
    let e = record_login(&mut s, &mut Fixed, a).unwrap_err().to_string();
    assert!(e.starts_with("account: must be absent"), "{e}");
    let mut a = failure(SECRET, "203.0.113.5", at(0, 0));
    a.identifier = None;
    let e = record_login(&mut s, &mut Fixed, a).unwrap_err().to_string();
    assert!(e.starts_with("identifier: required"), "{e}");
    let mut a = failure(SECRET, "203.0.113.5", at(0, 0));
    a.failure = Some(Failure::WrongPassword);
    let e = record_login(&mut s, &mut Fixed, a).unwrap_err().to_string();
    assert!(e.starts_with("account: required"), "{e}");
    let mut a = failure(SECRET, "203.0.113.5", at(0, 0));
    a.failure = None;
    a.account = Some(account(" "));
    let e = record_login(&mut s, &mut Fixed, a).unwrap_err().to_string();
    assert_eq!(e, "account.id: required, and must not be blank");
    let e = record_logout(
        &mut s,
        &mut Fixed,
        Logout {
            tenant: "acme".into(),
            account: account("u_7"),
            context: Context::default(),
            occurred_at: None,
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("context.session_id: required"), "{e}");
    assert_eq!(s.head("acme").unwrap(), None, "nothing was stored");
}
