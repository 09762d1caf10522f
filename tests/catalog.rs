//! The action catalog through the real component and binary: each seed
//! product's scenario (`audit-host demo --profile P`) yields exactly the
//! expected actions, labels and change types; a profile refuses what it
//! does not know (and `qa` refuses deleting a user); registrations are
//! checked, recorded, and survive a restart; `audit-host actions`.

use crate::harness::*;
use audit_host::HostError;
use audit_host::bindings::{Actor, ActorKind, Error};
use serde_json::Value;

/// (action, label, change type, how many in a row), reads left out.
type Expected = &'static [(&'static str, &'static str, &'static str, usize)];

const QA: Expected = &[
    (
        "audit_log.settings_updated",
        "Audit Log Settings Updated",
        "updated",
        2,
    ),
    ("user.login_failed", "Login Fail", "login", 1),
    (
        "user.login_failed_valid_account",
        "Login Failed With Valid Email",
        "login",
        1,
    ),
    ("user.login_succeeded", "Login Success", "login", 1),
    ("user.login_failed", "Login Fail", "login", 5),
    (
        "security.brute_force_suspected",
        "Brute Force Suspected",
        "other",
        1,
    ),
    ("user.login_succeeded", "Login Success", "login", 1),
    ("user.bulk_imported", "Users Imported (CSV)", "imported", 1),
    ("user.created", "User Created", "created", 12),
    ("user.updated", "User Updated", "updated", 1),
    (
        "user.team_assigned",
        "User assigned to new team",
        "assigned",
        1,
    ),
    ("user.role_changed", "User Role Change", "updated", 1),
    ("role.updated", "Role Updated", "updated", 1),
    (
        "user.password_changed",
        "User Changed Password",
        "updated",
        1,
    ),
    ("user.deactivated", "User Deactivated", "deactivated", 1),
    ("export.users", "Export: Users", "exported", 1),
    (
        "export.coaching_sessions",
        "Export: Coachings",
        "exported",
        1,
    ),
    (
        "user.password_recovery_unknown_email",
        "Recovered Password With Incorrect Email",
        "other",
        1,
    ),
    ("user.logout", "Logout", "logout", 2),
];

const CONTACT_CENTER: Expected = &[
    (
        "audit_log.settings_updated",
        "Audit Log Settings Updated",
        "updated",
        1,
    ),
    ("user.login_succeeded", "Login Succeeded", "login", 1),
    (
        "user.login_failed_valid_account",
        "Login Failed (Valid Account)",
        "login",
        5,
    ),
    (
        "security.brute_force_suspected",
        "Brute Force Suspected",
        "other",
        1,
    ),
    ("session.revoked", "Session Revoked", "deactivated", 1),
    ("user.two_factor_reset", "2FA Reset", "updated", 1),
    ("user.password_changed", "Password Changed", "updated", 1),
    ("user.role_changed", "User Role Changed", "updated", 1),
    (
        "campaign.updated",
        "Campaign Configuration Changed",
        "updated",
        1,
    ),
    ("campaign.pacing_adjusted", "Pacing Adjusted", "updated", 1),
    ("carrier.updated", "Carrier Changed", "updated", 1),
    (
        "ai_provider.api_key_updated",
        "AI API Key Updated",
        "updated",
        1,
    ),
    ("lead.imported", "Leads Imported", "imported", 1),
    ("lead.created", "Lead Created", "created", 20),
    ("queue.updated", "Queue Configuration Changed", "updated", 1),
    ("ivr_menu.updated", "IVR Menu Edited", "updated", 1),
    ("user.logout", "Logout", "logout", 1),
];

const CRM: Expected = &[
    (
        "audit_log.settings_updated",
        "Audit Log Settings Updated",
        "updated",
        2,
    ),
    ("user.login_succeeded", "Login Succeeded", "login", 1),
    ("user.login_failed", "Login Failed", "login", 5),
    (
        "security.brute_force_suspected",
        "Brute Force Suspected",
        "other",
        1,
    ),
    // The sixth failure is in the same window: no second alert.
    ("user.login_failed", "Login Failed", "login", 1),
    ("contact.created", "Contact Created", "created", 1),
    ("contact.updated", "Contact Profile Updated", "updated", 1),
    ("contact.imported", "Contacts Imported", "imported", 1),
    ("contact.created", "Contact Created", "created", 10),
    ("group.updated", "Group Updated", "updated", 1),
    ("group.deleted", "Group Deleted", "deleted", 1),
    ("contact.deleted", "Contact Profile Deleted", "deleted", 1),
    ("user.updated", "User Profile Updated", "updated", 1),
    ("user.deleted", "User Profile Deleted", "deleted", 1),
    ("contact.exported", "Contacts Exported", "exported", 1),
    ("user.logout", "Logout", "logout", 1),
];

const CX: Expected = &[
    (
        "audit_log.settings_updated",
        "Audit Log Settings Updated",
        "updated",
        2,
    ),
    ("user.login_succeeded", "Login Succeeded", "login", 1),
    ("user.login_failed", "Login Failed", "login", 5),
    (
        "security.brute_force_suspected",
        "Brute Force Suspected",
        "other",
        1,
    ),
    ("phone_credits.added", "Phone Credits Added", "created", 1),
    ("plan.upgraded", "Plan Upgraded", "updated", 1),
    (
        "crm_settings.lead_scoring_updated",
        "Intelligent Lead Scoring Enabled/Disabled",
        "updated",
        1,
    ),
    ("territory.created", "Territory Created", "created", 1),
    (
        "assignment_rule.round_robin_updated",
        "Round-Robin Users Added or Removed",
        "updated",
        1,
    ),
    (
        "workflow.conditions_updated",
        "Workflow Conditions Added, Updated or Removed",
        "updated",
        1,
    ),
    (
        "workflow.actions_updated",
        "Workflow Actions Added, Updated or Removed",
        "updated",
        1,
    ),
    ("workflow.enabled", "Workflow Enabled", "updated", 1),
    (
        "sales_sequence.steps_updated",
        "Sequence Steps Added, Updated or Removed",
        "updated",
        1,
    ),
    ("lead.imported", "Leads Imported", "imported", 1),
    ("lead.created", "Lead Created", "created", 8),
    ("user.logout", "Logout", "logout", 1),
];

/// The stored events of a tenant (bodies as SQLite holds them).
fn bodies(path: &std::path::Path, tenant: &str) -> Vec<Value> {
    raw_rows(path, tenant)
        .into_iter()
        .map(|r| serde_json::from_str(&r.3).unwrap())
        .collect()
}

/// (action, label, change type, run length), reads left out.
fn runs(events: &[Value]) -> Vec<(String, String, String, usize)> {
    let mut out: Vec<(String, String, String, usize)> = Vec::new();
    for e in events {
        let action = e["action"].as_str().unwrap();
        if action == "audit_log.viewed" || action == "audit_log.exported" {
            continue;
        }
        let key = (
            action.to_string(),
            e["label"].as_str().unwrap_or("(none)").to_string(),
            e["change_type"].as_str().unwrap().to_string(),
        );
        match out.last_mut() {
            Some(last) if (&last.0, &last.1, &last.2) == (&key.0, &key.1, &key.2) => last.3 += 1,
            _ => out.push((key.0, key.1, key.2, 1)),
        }
    }
    out
}

#[test]
fn each_profiles_scenario_records_exactly_its_actions() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("audit.db");
    for (profile, tenant, expected) in [
        ("qa", "demo-qa", QA),
        ("contact-center", "demo-cc", CONTACT_CENTER),
        ("crm", "demo-crm", CRM),
        ("cx", "demo-cx", CX),
    ] {
        let out = run_ok(audit_host(dir.path()).args([
            "--clock",
            "2026-11-21T10:00:00Z",
            "demo",
            "--profile",
            profile,
        ]));
        let events = bodies(&store, tenant);
        let got = runs(&events);
        let want: Vec<_> = expected
            .iter()
            .map(|(a, l, c, n)| (a.to_string(), l.to_string(), c.to_string(), *n))
            .collect();
        assert_eq!(got, want, "profile {profile}");
        // Every scenario's chain is intact, its bulk linked, its alert the
        // system's, and the CSV file it announces is there.
        assert_eq!(verify_chain(&store, tenant), events.len());
        let parents: Vec<&Value> = events
            .iter()
            .filter(|e| e["metadata"]["bulk_count"].is_u64())
            .collect();
        assert_eq!(parents.len(), 1, "{profile}: one bulk operation");
        let id = parents[0]["id"].as_str().unwrap();
        let linked = events.iter().filter(|e| e["correlation_id"] == id).count() as u64;
        assert_eq!(
            linked,
            parents[0]["metadata"]["bulk_count"].as_u64().unwrap() + 1
        );
        let alert = events
            .iter()
            .find(|e| e["action"] == "security.brute_force_suspected")
            .unwrap();
        assert_eq!(alert["actor"]["kind"], "system");
        assert!(
            out.contains("(session of "),
            "{profile}: a session's duration"
        );
        let csv = std::fs::read_to_string(dir.path().join(format!("{tenant}.csv"))).unwrap();
        assert!(
            csv.contains("(Brute Force Suspected)"),
            "the action column has labels"
        );
    }
}

#[test]
fn the_qa_demo_keeps_its_story_and_a_second_run_continues_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("audit.db");
    let out = run_ok(audit_host(dir.path()).args(["--clock", "2026-11-21T10:00:00Z", "demo"]));
    for shown in [
        "user.login_failed_valid_account (Login Failed With Valid Email)",
        "user.login_succeeded (Login Success)",
        "user.updated (User Updated)",
        "user.team_assigned (User assigned to new team)",
        "user.role_changed (User Role Change)",
        "export.users (Export: Users)",
        "failure: wrong_password",
        "refused action: user.deleted is refused in profile qa",
        "/permissions/calibrations/edit",
        "\"'=SUM(B2:B9)\"",
        "/password: \"[redacted]\" → \"[redacted]\"",
        "1h 27m",
    ] {
        assert!(out.contains(shown), "the demo shows {shown}:\n{out}");
    }
    assert!(
        !out.contains("Tr0ub4dor"),
        "the password typed as a user name stays hidden"
    );
    let first = bodies(&store, "demo-qa");
    let reads = |events: &[Value]| {
        events
            .iter()
            .filter(|e| {
                e["action"].as_str().unwrap().starts_with("audit_log.")
                    && e["action"] != "audit_log.settings_updated"
            })
            .count()
    };
    assert_eq!(reads(&first), 6, "four pages or events read, two exports");
    // The same morning again: the profile and registration are kept, and
    // the alert already raised in that window is not raised again.
    run_ok(audit_host(dir.path()).args(["--clock", "2026-11-21T10:00:00Z", "demo"]));
    let both = bodies(&store, "demo-qa");
    let scenario = first.len() - reads(&first);
    assert_eq!(both.len(), first.len() + (scenario - 2 - 1) + 6);
    assert_eq!(verify_chain(&store, "demo-qa"), both.len());
}

fn operator() -> Actor {
    Actor {
        id: "op".into(),
        name: None,
        email: None,
        kind: ActorKind::User,
    }
}

fn field_error(e: HostError) -> (String, String) {
    match e {
        HostError::Audit(Error::InvalidInput(f)) => (f.field, f.reason),
        other => panic!("not a field error: {other}"),
    }
}

#[test]
fn qa_refuses_deleting_a_user_and_what_it_does_not_know() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    s.put_settings("acme", r#"{"catalog":{"profile":"qa"}}"#, &operator())
        .unwrap();
    let (field, reason) = field_error(s.append(&event("acme", "user.deleted")).unwrap_err());
    assert_eq!(field, "action");
    assert!(
        reason.contains("never deleted") && reason.contains("user.deactivated"),
        "{reason}"
    );
    let (_, reason) = field_error(s.append(&event("acme", "ticket.escalated")).unwrap_err());
    assert!(
        reason.contains("not in the catalog of profile qa"),
        "{reason}"
    );
    // `event` names a user: not what team.created expects.
    let (field, _) = field_error(s.append(&event("acme", "team.created")).unwrap_err());
    assert_eq!(field, "targets[0].kind");
    let (_, reason) = field_error(
        s.append(&event("acme", "user.login_succeeded"))
            .unwrap_err(),
    );
    assert!(reason.contains("auth interface"), "{reason}");
    // In a batch the whole batch is refused, naming the event.
    let (field, _) = field_error(
        s.append_batch(&[
            event("acme", "user.deactivated"),
            event("acme", "user.deleted"),
        ])
        .unwrap_err(),
    );
    assert_eq!(field, "events[1].action");
    assert_eq!(raw_rows(&path, "acme").len(), 1, "only the settings change");
    let stored = s.append(&event("acme", "user.deactivated")).unwrap();
    assert_eq!(stored.label.as_deref(), Some("User Deactivated"));
    // Another product deletes users; a tenant without a profile records
    // anything well formed, without a label.
    let crm = s.append(&event("globex", "user.deleted")).unwrap();
    assert_eq!((crm.label, crm.category.as_str()), (None, "user"));
    // From the binary: one line, exit status 1.
    let dir = path.parent().unwrap();
    let file = dir.join("delete.json");
    std::fs::write(&file, r#"{"tenant":"acme","action":"user.deleted","actor":{"id":"u_42","kind":"user"},"targets":[{"kind":"user","id":"u_7"}],"outcome":"success"}"#).unwrap();
    let (code, err) = run_err(
        audit_host(dir)
            .arg("--store")
            .arg(&path)
            .arg("append")
            .arg(&file),
    );
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: events[0].action: user.deleted is refused in profile qa"),
        "{err}"
    );
}

#[test]
fn registrations_are_checked_recorded_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("audit.db");
    let host = || {
        let mut cmd = audit_host(dir.path());
        cmd.arg("--store").arg(&store);
        cmd
    };
    run_ok(
        host()
            .args(["settings", "set", "--tenant", "acme"])
            .arg(write(
                &dir,
                "settings.json",
                r#"{"catalog":{"profile":"contact-center"}}"#,
            )),
    );
    let defs = write(
        &dir,
        "actions.json",
        r#"[{"name":"ticket.escalated","label":"Ticket Escalated","category":"support","change_type":"updated","target_kinds":["ticket"]},
            {"name":"ticket.closed","label":"Ticket Closed","category":"support","change_type":"other"}]"#,
    );
    let recorded: Value = serde_json::from_str(&run_ok(
        host()
            .args(["actions", "register", "--tenant", "acme"])
            .arg(&defs),
    ))
    .unwrap();
    assert_eq!(recorded["action"], "audit_log.settings_updated");
    assert_eq!(
        recorded["metadata"]["registered_actions"],
        serde_json::json!(["ticket.escalated", "ticket.closed"])
    );
    // The diff records the registrations under `/catalog/actions` (as one
    // replacement of the empty list, its shortest form).
    assert!(
        recorded["changes"].as_array().unwrap().iter().any(|c| {
            c["path"].as_str().unwrap().starts_with("/catalog/actions")
                && c["new"].to_string().contains("ticket.escalated")
        }),
        "{recorded}"
    );
    // A new process: the registrations are in the tenant's catalog, and its
    // events get their label.
    let listed: Value = serde_json::from_str(&run_ok(
        host().args(["actions", "--tenant", "acme", "--format", "json"]),
    ))
    .unwrap();
    let mine: Vec<&Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["origin"] == "registered")
        .collect();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0]["target_kinds"], serde_json::json!(["ticket"]));
    let input = write(
        &dir,
        "ticket.json",
        r#"{"tenant":"acme","action":"ticket.escalated","actor":{"id":"u_1","kind":"user"},"targets":[{"kind":"ticket","id":"T-9"}],"outcome":"success"}"#,
    );
    let stored: Value = serde_json::from_str(&run_ok(host().arg("append").arg(&input))).unwrap();
    assert_eq!(stored["label"], "Ticket Escalated");
    assert_eq!(stored["category"], "support");
    // A new label for the same name replaces it; bad definitions are named
    // and change nothing.
    let relabel = write(
        &dir,
        "relabel.json",
        r#"{"name":"ticket.escalated","label":"Escalated to Tier 2","category":"support","change_type":"updated","target_kinds":["ticket"]}"#,
    );
    run_ok(
        host()
            .args(["actions", "register", "--tenant", "acme"])
            .arg(&relabel),
    );
    let stored: Value = serde_json::from_str(&run_ok(host().arg("append").arg(&input))).unwrap();
    assert_eq!(stored["label"], "Escalated to Tier 2");
    let before = raw_rows(&store, "acme").len();
    for (bad, field) in [
        (
            r#"{"name":"campaign.updated","label":"X","category":"c","change_type":"updated"}"#,
            "actions[0].name: already an action of profile contact-center",
        ),
        (
            r#"[{"name":"a.b","label":"X","category":"c","change_type":"escalated"}]"#,
            "actions[0].change_type: must be one of",
        ),
        (
            r#"[{"name":"a.b","label":"","category":"c","change_type":"other"}]"#,
            "actions[0].label:",
        ),
        (
            r#"[{"name":"security.brute_force_suspected","label":"X","category":"c","change_type":"other"}]"#,
            "actions[0].name: already an action of the authentication log",
        ),
    ] {
        let (code, err) = run_err(
            host()
                .args(["actions", "register", "--tenant", "acme"])
                .arg(write(&dir, "bad.json", bad)),
        );
        assert_eq!(code, 1);
        assert!(err.starts_with(&format!("error: {field}")), "{err}");
    }
    assert_eq!(
        raw_rows(&store, "acme").len(),
        before,
        "nothing was recorded"
    );
}

#[test]
fn actions_lists_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let all = run_ok(audit_host(dir.path()).arg("actions"));
    for p in [
        "profile qa:",
        "profile contact-center:",
        "profile crm:",
        "profile cx:",
    ] {
        assert!(all.contains(p), "{p}");
    }
    assert!(
        !dir.path().join("audit.db").exists(),
        "listing needs no store"
    );
    let qa: Value = serde_json::from_str(&run_ok(audit_host(dir.path()).args([
        "actions",
        "--profile",
        "qa",
        "--format",
        "json",
    ])))
    .unwrap();
    let label = |name: &str| {
        qa.as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .map(|a| a["label"].as_str().unwrap().to_string())
    };
    assert_eq!(label("user.login_failed").as_deref(), Some("Login Fail"));
    assert_eq!(
        label("export.coaching_sessions").as_deref(),
        Some("Export: Coachings")
    );
    assert_eq!(label("user.deleted"), None, "refused in qa, so not offered");
    let cc = run_ok(audit_host(dir.path()).args(["actions", "--profile", "contact-center"]));
    assert!(
        cc.contains("trunk_group.updated") && cc.contains("bulk_operations"),
        "{cc}"
    );
    let (code, err) = run_err(audit_host(dir.path()).args(["actions", "--profile", "bank"]));
    assert_eq!(code, 1);
    assert_eq!(
        err.trim(),
        "error: profile: unknown profile; expected one of qa, contact-center, crm, cx"
    );
}
