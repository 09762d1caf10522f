use super::definition::{self, Definition};
use super::*;
use crate::core::model::Target;
use crate::settings::catalog::CatalogSettings;
use std::collections::BTreeSet;

fn target(kind: &str) -> Target {
    Target {
        kind: kind.into(),
        id: "x".into(),
        name: None,
    }
}

fn settings(profile: Option<&str>, actions: Vec<Definition>) -> CatalogSettings {
    CatalogSettings {
        profile: profile.map(String::from),
        actions,
    }
}

fn custom(name: &str) -> Definition {
    Definition {
        name: name.into(),
        label: "Ticket Escalated".into(),
        category: "support".into(),
        change_type: "updated".into(),
        target_kinds: vec!["ticket".into()],
    }
}

#[test]
fn every_builtin_is_well_formed_and_named_once() {
    let shared: Vec<&Builtin> = own::ACTIONS.iter().chain(auth::ACTIONS).collect();
    for p in PROFILES {
        let mut names = BTreeSet::new();
        let categories: BTreeSet<&str> = p.categories.iter().map(|(c, _)| *c).collect();
        for b in shared.iter().copied().chain(p.actions) {
            assert!(names.insert(b.name), "{} twice in {}", b.name, p.name);
            crate::core::fields::action(b.name).unwrap();
            assert!(change_type(b.change_type).is_some(), "{}", b.name);
            assert!(!b.label.trim().is_empty());
            // The same checks a registration gets, but for the origin.
            let as_def = Definition {
                name: "x.y".into(),
                label: b.label.into(),
                category: b.category.into(),
                change_type: b.change_type.into(),
                target_kinds: b.targets.iter().map(|t| t.to_string()).collect(),
            };
            as_def.check(Some(p)).unwrap();
        }
        for b in p.actions {
            assert!(categories.contains(b.category), "{} in {}", b.name, p.name);
        }
        for (name, _) in p.refused.iter().chain(p.auth_labels) {
            crate::core::fields::action(name).unwrap();
        }
        for (name, _) in p.auth_labels {
            assert!(auth::ACTIONS.iter().any(|b| b.name == *name));
        }
    }
}

#[test]
fn qa_labels_are_seed_000s_value_chart() {
    let qa = Catalog::of_profile(profile("qa").unwrap());
    let labels: BTreeSet<String> = qa.entries().into_iter().map(|e| e.label.into()).collect();
    for chart in [
        "Login Fail",
        "Login Success",
        "User Created",
        "User Updated",
        "User Activated",
        "User Deactivated",
        "User assigned to new team",
        "User Role Change",
        "Export: Quality Overview",
        "Export: Quality Disputes",
        "Export: Quality Calibrations",
        "Export: Coachings",
        "Export: Users",
        "User Changed Password",
        "User Requested Recovery Password",
    ] {
        assert!(labels.contains(chart), "{chart}");
    }
    assert_eq!(
        qa.entry("user.login_failed").unwrap().label,
        "Login Fail",
        "the profile's wording of the authentication log"
    );
    let plain = settings(None, vec![]);
    assert_eq!(
        plain.catalog().entry("user.login_failed").unwrap().label,
        "Login Failed"
    );
}

#[test]
fn contact_center_has_seed_002s_eight_categories() {
    let p = profile("contact-center").unwrap();
    for category in [
        "users",
        "campaigns",
        "settings",
        "telephony",
        "ai",
        "security",
        "bulk_operations",
        "inbound",
    ] {
        assert!(
            p.actions.iter().any(|b| b.category == category),
            "{category}"
        );
    }
}

#[test]
fn cx_changes_are_created_updated_or_deleted() {
    let p = profile("cx").unwrap();
    for b in p.actions {
        assert!(
            ["created", "updated", "deleted"].contains(&b.change_type),
            "{}",
            b.name
        );
    }
}

#[test]
fn qa_refuses_deleting_a_user() {
    let s = settings(Some("qa"), vec![]);
    let e = s
        .catalog()
        .classify("user.deleted", &[target("user")], Writer::Host)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("action: user.deleted is refused in profile qa"),
        "{e}"
    );
    assert!(e.contains("deactivate"), "{e}");
    // Other products delete users.
    let crm = settings(Some("crm"), vec![]);
    let class = crm
        .catalog()
        .classify("user.deleted", &[target("user")], Writer::Host)
        .unwrap();
    assert_eq!(class.label.as_deref(), Some("User Profile Deleted"));
}

#[test]
fn a_profile_refuses_what_it_does_not_know_unless_registered() {
    let s = settings(Some("qa"), vec![]);
    let e = s
        .catalog()
        .classify("ticket.escalated", &[], Writer::Host)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("not in the catalog of profile qa; register it first"),
        "{e}"
    );
    let s = settings(Some("qa"), vec![custom("ticket.escalated")]);
    let class = s
        .catalog()
        .classify("ticket.escalated", &[target("ticket")], Writer::Host)
        .unwrap();
    assert_eq!(
        class,
        Class {
            category: "support".into(),
            change_type: "updated",
            label: Some("Ticket Escalated".into()),
        }
    );
    let e = s
        .catalog()
        .classify("ticket.escalated", &[target("user")], Writer::Host)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "targets[0].kind: ticket.escalated expects targets of kind ticket"
    );
}

#[test]
fn without_a_profile_the_heuristic_classifies_and_nothing_is_labelled() {
    let s = settings(None, vec![]);
    let class = s
        .catalog()
        .classify("campaign.paused", &[target("campaign")], Writer::Host)
        .unwrap();
    assert_eq!(
        (class.category.as_str(), class.change_type),
        ("campaign", "other")
    );
    assert_eq!(class.label, None);
    // The authentication log's actions are known without a profile too,
    // and recorded through the auth interface only (one path for sign-ins).
    let class = s
        .catalog()
        .classify(
            "user.login_failed",
            &[target("user"), target("team")],
            Writer::Auth,
        )
        .unwrap();
    assert_eq!(class.label.as_deref(), Some("Login Failed"));
    assert!(
        s.catalog()
            .classify("user.login_failed", &[target("user")], Writer::Host)
            .is_err()
    );
    // Registrations bind their target kinds in every tenant.
    let s = settings(None, vec![custom("ticket.escalated")]);
    assert!(
        s.catalog()
            .classify("ticket.escalated", &[target("user")], Writer::Host)
            .is_err()
    );
}

#[test]
fn sign_ins_go_through_the_auth_interface_and_alerts_are_the_logs() {
    let qa = settings(Some("qa"), vec![]);
    let e = qa
        .catalog()
        .classify("user.login_succeeded", &[target("user")], Writer::Host)
        .unwrap_err()
        .to_string();
    assert!(e.contains("recorded through the auth interface"), "{e}");
    // Without a profile too: one path for sign-ins.
    let plain = settings(None, vec![]);
    for action in [
        "user.login_failed",
        "user.logout",
        "user.password_recovery_requested",
    ] {
        let e = plain
            .catalog()
            .classify(action, &[target("user")], Writer::Host)
            .unwrap_err()
            .to_string();
        assert!(e.contains("auth interface"), "{action}: {e}");
    }
    assert!(
        qa.catalog()
            .classify("user.login_succeeded", &[target("user")], Writer::Auth)
            .is_ok()
    );
    for s in [settings(None, vec![]), qa] {
        let e = s
            .catalog()
            .classify("security.brute_force_suspected", &[], Writer::Host)
            .unwrap_err()
            .to_string();
        assert!(e.contains("recorded by the log itself"), "{e}");
        let e = s
            .catalog()
            .classify("audit_log.viewed", &[], Writer::Auth)
            .unwrap_err()
            .to_string();
        assert!(e.contains("recorded by the log itself"), "{e}");
        assert!(
            s.catalog()
                .classify("security.brute_force_suspected", &[], Writer::Log)
                .is_ok()
        );
    }
}

#[test]
fn registrations_are_checked() {
    let bad = |f: fn(&mut Definition), profile: Option<&str>| {
        let mut d = custom("ticket.escalated");
        f(&mut d);
        let p = profile.map(|n| super::profile(n).unwrap());
        definition::check_all(&[d], p).unwrap_err().to_string()
    };
    assert!(
        bad(|d| d.name = "Ticket".into(), None).starts_with("actions[0].name: must be entity.verb")
    );
    assert!(
        bad(|d| d.name = "audit_log.faked".into(), None).starts_with("actions[0].name: audit_log")
    );
    assert!(bad(|d| d.name = "user.login_failed".into(), None).contains("authentication log"));
    assert!(bad(|d| d.name = "user.deleted".into(), Some("qa")).contains("refused in profile qa"));
    assert!(
        bad(|d| d.name = "team.created".into(), Some("qa"))
            .contains("already an action of profile qa")
    );
    assert!(bad(|d| d.label = " ".into(), None).starts_with("actions[0].label:"));
    assert!(bad(|d| d.label = "a\nb".into(), None).starts_with("actions[0].label:"));
    assert!(bad(|d| d.label = "x".repeat(129), None).starts_with("actions[0].label: 129 bytes"));
    assert!(bad(|d| d.category = "Support".into(), None).starts_with("actions[0].category:"));
    assert!(
        bad(|d| d.change_type = "escalated".into(), None)
            .starts_with("actions[0].change_type: must be one of")
    );
    assert!(
        bad(
            |d| d.target_kinds = vec!["ticket".into(), "ticket".into()],
            None
        )
        .starts_with("actions[0].target_kinds[1]: listed twice")
    );
    let twice = definition::check_all(&[custom("a.b"), custom("a.b")], None).unwrap_err();
    assert_eq!(twice.to_string(), "actions[1].name: registered twice");
    assert_eq!(
        definition::parse(
            r#"[{"name":"a.b","label":"A","category":"c","change_type":"other","colour":1}]"#
        )
        .unwrap_err()
        .to_string()
        .split(',')
        .next()
        .unwrap(),
        "actions[0].colour: unknown field `colour`"
    );
    assert!(definition::parse("3").is_err());
    assert_eq!(
        definition::parse(r#"{"name":"a.b","label":"A","category":"c","change_type":"other"}"#)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_profile_in_settings_must_exist() {
    let e = settings(Some("bank"), vec![])
        .check()
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "catalog.profile: unknown profile; expected one of qa, contact-center, crm, cx"
    );
}
