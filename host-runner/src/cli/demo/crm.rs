//! The messaging CRM: contact edits, a manual creation, a
//! deletion and an export, group changes, user profile updates (name,
//! e-mail, role, permissions) and a deleted user profile, with a bulk
//! import of contacts (an action the tenant registers) and a password
//! reset hidden in a profile update.

use super::scenario::{Person, Scenario, Step};
use audit_host::bindings::LoginMethod;

static RIA: Person = Person {
    id: "u_3",
    name: "Ria Owner",
    email: "ria@crm.test",
};

const BOT: &str = "203.0.113.200";

pub static SCENARIO: Scenario = Scenario {
    profile: "crm",
    tenant: "demo-crm",
    title: "a morning of the messaging CRM",
    register: Some(
        r#"[{"name":"contact.imported","label":"Contacts Imported","category":"contact","change_type":"imported","target_kinds":["group"]}]"#,
    ),
    steps: &[
        (
            0,
            Step::Login {
                who: &RIA,
                method: LoginMethod::PasswordEmailCode,
                failure: None,
                ip: "198.51.100.77",
                session: Some("crm-1"),
            },
        ),
        // A credential-stuffing bot works through a list of e-mails.
        (
            3,
            Step::Unknown {
                identifier: "ceo@crm.test",
                ip: BOT,
            },
        ),
        (
            3,
            Step::Unknown {
                identifier: "billing@crm.test",
                ip: BOT,
            },
        ),
        (
            4,
            Step::Unknown {
                identifier: "it@crm.test",
                ip: BOT,
            },
        ),
        (
            4,
            Step::Unknown {
                identifier: "hr@crm.test",
                ip: BOT,
            },
        ),
        (
            5,
            Step::Unknown {
                identifier: "sales@crm.test",
                ip: BOT,
            },
        ),
        (
            6,
            Step::Unknown {
                identifier: "info@crm.test",
                ip: BOT,
            },
        ),
        (
            10,
            Step::Act(
                r#"{"action":"contact.created","actor":{"id":"u_3","name":"Ria Owner","kind":"user"},"targets":[{"kind":"contact","id":"ct_88","name":"Olga Petrova"}],"outcome":"success","context":{"ip":"198.51.100.77","session_id":"crm-1"},"after":{"name":"Olga Petrova","phone":"+15550100","tags":["vip"]},"metadata":{"source":"manual"}}"#,
            ),
        ),
        (
            14,
            Step::Act(
                r#"{"action":"contact.updated","actor":{"id":"u_3","name":"Ria Owner","kind":"user"},"targets":[{"kind":"contact","id":"ct_12","name":"Tom Baker"}],"outcome":"success","context":{"ip":"198.51.100.77","session_id":"crm-1"},"before":{"name":"Tom Baker","address":{"city":"Leeds","zip":"LS1"},"tags":["lead"],"opt_in":{"sms":true,"email":false}},"after":{"name":"Tom Baker","address":{"city":"York","zip":"YO1"},"tags":["lead","renewal"],"opt_in":{"sms":false,"email":false}}}"#,
            ),
        ),
        (
            20,
            Step::Bulk {
                parent: r#"{"action":"contact.imported","actor":{"id":"u_3","name":"Ria Owner","kind":"user"},"targets":[{"kind":"group","id":"g_4","name":"Webinar November"}],"outcome":"success","context":{"ip":"198.51.100.77","session_id":"crm-1"},"metadata":{"file":"webinar-attendees.csv"}}"#,
                count: 10,
                child: attendee,
            },
        ),
        (
            25,
            Step::Act(
                r#"{"action":"group.updated","actor":{"id":"u_3","name":"Ria Owner","kind":"user"},"targets":[{"kind":"group","id":"g_4","name":"Webinar November"}],"outcome":"success","context":{"ip":"198.51.100.77","session_id":"crm-1"},"before":{"name":"Webinar Nov"},"after":{"name":"Webinar November"}}"#,
            ),
        ),
        (
            28,
            Step::Act(
                r#"{"action":"group.deleted","actor":{"id":"u_3","name":"Ria Owner","kind":"user"},"targets":[{"kind":"group","id":"g_1","name":"Old leads"}],"outcome":"success","context":{"ip":"198.51.100.77","session_id":"crm-1"},"before":{"name":"Old leads","members":212}}"#,
            ),
        ),
        (
            30,
            Step::Act(
                r#"{"action":"contact.deleted","actor":{"id":"u_3","name":"Ria Owner","kind":"user"},"targets":[{"kind":"contact","id":"ct_40","name":"Spam Bot"}],"outcome":"success","context":{"ip":"198.51.100.77","session_id":"crm-1"},"before":{"name":"Spam Bot","phone":"+15550199"}}"#,
            ),
        ),
        (
            35,
            Step::Act(
                r#"{"action":"user.updated","actor":{"id":"u_3","name":"Ria Owner","kind":"user"},"targets":[{"kind":"user","id":"u_9","name":"Ben Rep"}],"outcome":"success","context":{"ip":"198.51.100.77","session_id":"crm-1"},"before":{"name":"Ben Rep","email":"ben@crm.test","role":"agent","permissions":["contacts.read"],"password":"ben-first-pass"},"after":{"name":"Ben Rep","email":"ben.rep@crm.test","role":"manager","permissions":["contacts.read","contacts.export"],"password":"ben-reset-pass"}}"#,
            ),
        ),
        (
            40,
            Step::Act(
                r#"{"action":"user.deleted","actor":{"id":"u_3","name":"Ria Owner","kind":"user"},"targets":[{"kind":"user","id":"u_5","name":"Former Intern"}],"outcome":"success","context":{"ip":"198.51.100.77","session_id":"crm-1"},"before":{"name":"Former Intern","role":"agent"}}"#,
            ),
        ),
        (
            45,
            Step::Act(
                r#"{"action":"contact.exported","actor":{"id":"u_3","name":"Ria Owner","kind":"user"},"targets":[{"kind":"group","id":"g_4","name":"Webinar November"}],"outcome":"success","context":{"ip":"198.51.100.77","session_id":"crm-1"},"metadata":{"format":"csv","rows":10}}"#,
            ),
        ),
        (
            80,
            Step::Logout {
                who: &RIA,
                ip: "198.51.100.77",
                session: "crm-1",
            },
        ),
    ],
    filtered: ("User profile changes (--category user)", |f| {
        f.category = Some("user".into())
    }),
    detail: "contact.updated",
};

/// The i-th attendee of the import.
fn attendee(i: usize) -> String {
    serde_json::json!({
        "action": "contact.created",
        "actor": {"id": "u_3", "name": "Ria Owner", "kind": "user"},
        "targets": [{"kind": "contact", "id": format!("ct_{}", 200 + i)}],
        "outcome": "success",
        "context": {"ip": "198.51.100.77", "session_id": "crm-1"},
        "after": {"phone": format!("+1555020{:04}", i), "groups": ["g_4"]},
        "metadata": {"source": "import"}
    })
    .to_string()
}
