//! The sales CX suite: configuration changes by module
//! (billing, account and CRM settings, territories, auto-assignment, sales
//! sequences, workflows), each Created, Updated or Deleted, some made by
//! the product itself ("System"), with a workflow edit (a nested diff), a
//! webhook secret that stays hidden, and a lead import (actions the tenant
//! registers).

use super::scenario::{Person, Scenario, Step};
use audit_host::bindings::LoginMethod;

static MAYA: Person = Person {
    id: "u_11",
    name: "Maya Admin",
    email: "maya@cx.test",
};

const SCANNER: &str = "192.0.2.66";

pub static SCENARIO: Scenario = Scenario {
    profile: "cx",
    tenant: "demo-cx",
    title: "a morning of the sales CX suite",
    register: Some(
        r#"[{"name":"lead.imported","label":"Leads Imported","category":"leads","change_type":"imported","target_kinds":["file"]},{"name":"lead.created","label":"Lead Created","category":"leads","change_type":"created","target_kinds":["lead"]}]"#,
    ),
    steps: &[
        (
            0,
            Step::Login {
                who: &MAYA,
                method: LoginMethod::Sso,
                failure: None,
                ip: "198.51.100.90",
                session: Some("cx-1"),
            },
        ),
        (
            2,
            Step::Unknown {
                identifier: "admin@cx.test",
                ip: SCANNER,
            },
        ),
        (
            2,
            Step::Unknown {
                identifier: "test",
                ip: SCANNER,
            },
        ),
        (
            3,
            Step::Unknown {
                identifier: "guest",
                ip: SCANNER,
            },
        ),
        (
            3,
            Step::Unknown {
                identifier: "demo@cx.test",
                ip: SCANNER,
            },
        ),
        (
            4,
            Step::Unknown {
                identifier: "sales",
                ip: SCANNER,
            },
        ),
        (
            6,
            Step::Act(
                r#"{"action":"phone_credits.added","actor":{"id":"billing","kind":"system"},"targets":[{"kind":"account","id":"acct_1","name":"Acme Sales"}],"outcome":"success","context":{},"before":{"phone_credits":120},"after":{"phone_credits":620},"metadata":{"reason":"monthly top-up"}}"#,
            ),
        ),
        (
            10,
            Step::Act(
                r#"{"action":"plan.upgraded","actor":{"id":"u_11","name":"Maya Admin","kind":"user"},"targets":[{"kind":"plan","id":"pro","name":"Pro"}],"outcome":"success","context":{"ip":"198.51.100.90","session_id":"cx-1"},"before":{"plan":"Standard","licenses":10,"cycle":"monthly"},"after":{"plan":"Pro","licenses":15,"cycle":"annual"}}"#,
            ),
        ),
        (
            14,
            Step::Act(
                r#"{"action":"crm_settings.lead_scoring_updated","actor":{"id":"u_11","name":"Maya Admin","kind":"user"},"targets":[{"kind":"account","id":"acct_1","name":"Acme Sales"}],"outcome":"success","context":{"ip":"198.51.100.90","session_id":"cx-1"},"before":{"intelligent_lead_scoring":false},"after":{"intelligent_lead_scoring":true}}"#,
            ),
        ),
        (
            18,
            Step::Act(
                r#"{"action":"territory.created","actor":{"id":"u_11","name":"Maya Admin","kind":"user"},"targets":[{"kind":"territory","id":"tr_5","name":"Nordics"}],"outcome":"success","context":{"ip":"198.51.100.90","session_id":"cx-1"},"after":{"name":"Nordics","description":"SE, NO, DK, FI"}}"#,
            ),
        ),
        (
            22,
            Step::Act(
                r#"{"action":"assignment_rule.round_robin_updated","actor":{"id":"assignment","kind":"system"},"targets":[{"kind":"assignment_rule","id":"ar_2","name":"Inbound EMEA"},{"kind":"user","id":"u_19","name":"Per Holm"}],"outcome":"success","context":{},"before":{"round_robin":["u_17","u_18","u_19"]},"after":{"round_robin":["u_17","u_18"]},"metadata":{"reason":"user deactivated"}}"#,
            ),
        ),
        (
            30,
            Step::Act(
                r#"{"action":"workflow.conditions_updated","actor":{"id":"u_11","name":"Maya Admin","kind":"user"},"targets":[{"kind":"workflow","id":"wf_9","name":"Hot lead follow-up"}],"outcome":"success","context":{"ip":"198.51.100.90","session_id":"cx-1"},"before":{"name":"Hot lead follow-up","filter":{"logic":"AND","conditions":[{"id":"c1","field":"score","op":">","value":70},{"id":"c2","field":"country","op":"in","value":["SE","NO"]}]}},"after":{"name":"Hot lead follow-up","filter":{"logic":"OR","conditions":[{"id":"c1","field":"score","op":">","value":80},{"id":"c2","field":"country","op":"in","value":["SE","NO","DK","FI"]},{"id":"c3","field":"source","op":"=","value":"webinar"}]}}}"#,
            ),
        ),
        (
            33,
            Step::Act(
                r#"{"action":"workflow.actions_updated","actor":{"id":"u_11","name":"Maya Admin","kind":"user"},"targets":[{"kind":"workflow","id":"wf_9","name":"Hot lead follow-up"}],"outcome":"success","context":{"ip":"198.51.100.90","session_id":"cx-1"},"before":{"actions":[{"id":"a1","type":"webhook","url":"https://hooks.cx.test/old","secret":"whsec_old_4f1c"}]},"after":{"actions":[{"id":"a1","type":"webhook","url":"https://hooks.cx.test/new","secret":"whsec_new_9b2e"}]}}"#,
            ),
        ),
        (
            35,
            Step::Act(
                r#"{"action":"workflow.enabled","actor":{"id":"u_11","name":"Maya Admin","kind":"user"},"targets":[{"kind":"workflow","id":"wf_9","name":"Hot lead follow-up"}],"outcome":"success","context":{"ip":"198.51.100.90","session_id":"cx-1"},"before":{"enabled":false},"after":{"enabled":true}}"#,
            ),
        ),
        (
            40,
            Step::Act(
                r#"{"action":"sales_sequence.steps_updated","actor":{"id":"u_11","name":"Maya Admin","kind":"user"},"targets":[{"kind":"sales_sequence","id":"sq_3","name":"Trial nurture"}],"outcome":"success","context":{"ip":"198.51.100.90","session_id":"cx-1"},"before":{"steps":[{"id":"s1","type":"email","wait_days":0},{"id":"s2","type":"call","wait_days":2}]},"after":{"steps":[{"id":"s1","type":"email","wait_days":0},{"id":"s3","type":"sms","wait_days":1},{"id":"s2","type":"call","wait_days":3}]}}"#,
            ),
        ),
        (
            45,
            Step::Bulk {
                parent: r#"{"action":"lead.imported","actor":{"id":"u_11","name":"Maya Admin","kind":"user"},"targets":[{"kind":"file","id":"expo-leads.csv","name":"expo-leads.csv"}],"outcome":"success","context":{"ip":"198.51.100.90","session_id":"cx-1"}}"#,
                count: 8,
                child: lead,
            },
        ),
        (
            85,
            Step::Logout {
                who: &MAYA,
                ip: "198.51.100.90",
                session: "cx-1",
            },
        ),
    ],
    filtered: ("Workflow changes (--category workflows)", |f| {
        f.category = Some("workflows".into())
    }),
    detail: "workflow.conditions_updated",
};

/// The i-th lead of the import.
fn lead(i: usize) -> String {
    serde_json::json!({
        "action": "lead.created",
        "actor": {"id": "u_11", "name": "Maya Admin", "kind": "user"},
        "targets": [{"kind": "lead", "id": format!("ld_{}", 900 + i)}],
        "outcome": "success",
        "context": {"ip": "198.51.100.90", "session_id": "cx-1"},
        "after": {"company": format!("Expo visitor {}", i + 1), "score": 40 + i}
    })
    .to_string()
}
