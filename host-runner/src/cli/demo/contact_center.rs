//! The contact-center dialer: an agent's account under attack
//! from several addresses, 2FA reset and a password change, a campaign's
//! dialing settings edited (a nested diff), a carrier's SIP credentials and
//! an AI provider's API key rotated (values hidden), a lead import, inbound
//! queue and IVR edits, and a revoked session.

use super::scenario::{Person, Scenario, Step};
use audit_host::bindings::{LoginFailure, LoginMethod};

static SAM: Person = Person {
    id: "u_100",
    name: "Sam Supervisor",
    email: "sam@dialer.test",
};
static LEE: Person = Person {
    id: "u_205",
    name: "Lee Agent",
    email: "lee@dialer.test",
};

const fn guess(ip: &'static str) -> Step {
    Step::Login {
        who: &LEE,
        method: LoginMethod::Password,
        failure: Some(LoginFailure::WrongPassword),
        ip,
        session: None,
    }
}

pub static SCENARIO: Scenario = Scenario {
    profile: "contact-center",
    tenant: "demo-cc",
    title: "a morning of the contact-center dialer",
    register: None,
    steps: &[
        (
            0,
            Step::Login {
                who: &SAM,
                method: LoginMethod::PasswordEmailCode,
                failure: None,
                ip: "198.51.100.40",
                session: Some("cc-s-1"),
            },
        ),
        // Lee's password is tried from three addresses: the account, not
        // any one address, crosses the threshold.
        (5, guess("203.0.113.61")),
        (6, guess("203.0.113.62")),
        (6, guess("203.0.113.63")),
        (7, guess("203.0.113.61")),
        (8, guess("203.0.113.62")),
        (
            15,
            Step::Act(
                r#"{"action":"session.revoked","actor":{"id":"u_100","name":"Sam Supervisor","kind":"user"},"targets":[{"kind":"user","id":"u_205","name":"lee"},{"kind":"session","id":"all"}],"outcome":"success","context":{"ip":"198.51.100.40","session_id":"cc-s-1"},"metadata":{"reason":"brute force on the account"}}"#,
            ),
        ),
        (
            16,
            Step::Act(
                r#"{"action":"user.two_factor_reset","actor":{"id":"u_100","name":"Sam Supervisor","kind":"user"},"targets":[{"kind":"user","id":"u_205","name":"lee"}],"outcome":"success","context":{"ip":"198.51.100.40","session_id":"cc-s-1"},"before":{"totp_enrolled":true},"after":{"totp_enrolled":false}}"#,
            ),
        ),
        (
            18,
            Step::Act(
                r#"{"action":"user.password_changed","actor":{"id":"u_100","name":"Sam Supervisor","kind":"user"},"targets":[{"kind":"user","id":"u_205","name":"lee"}],"outcome":"success","context":{"ip":"198.51.100.40","session_id":"cc-s-1"},"before":{"password":"Summer2026!"},"after":{"password":"k7#Qz-temporary-91"}}"#,
            ),
        ),
        (
            20,
            Step::Act(
                r#"{"action":"user.role_changed","actor":{"id":"u_100","name":"Sam Supervisor","kind":"user"},"targets":[{"kind":"user","id":"u_205","name":"lee"},{"kind":"role","id":"r_team_lead","name":"Team Lead"}],"outcome":"success","context":{"ip":"198.51.100.40","session_id":"cc-s-1"},"before":{"role":"agent","teams":["Inbound East"]},"after":{"role":"team_lead","teams":["Inbound East","Outbound Renewals"]}}"#,
            ),
        ),
        (
            25,
            Step::Act(
                r#"{"action":"campaign.updated","actor":{"id":"u_100","name":"Sam Supervisor","kind":"user"},"targets":[{"kind":"campaign","id":"c_12","name":"Spring Renewals"}],"outcome":"success","context":{"ip":"198.51.100.40","session_id":"cc-s-1"},"before":{"name":"Spring Renewals","dialing":{"mode":"predictive","pacing":{"ratio":1.5,"max_abandon_rate":3},"hours":{"start":"09:00","end":"18:00"}},"lists":[{"id":"l_1","priority":1},{"id":"l_2","priority":2}]},"after":{"name":"Spring Renewals","dialing":{"mode":"predictive","pacing":{"ratio":2.2,"max_abandon_rate":3},"hours":{"start":"08:30","end":"18:00"}},"lists":[{"id":"l_2","priority":1},{"id":"l_1","priority":2},{"id":"l_7","priority":3}]}}"#,
            ),
        ),
        (
            27,
            Step::Act(
                r#"{"action":"campaign.pacing_adjusted","actor":{"id":"system","kind":"system"},"targets":[{"kind":"campaign","id":"c_12","name":"Spring Renewals"}],"outcome":"success","context":{},"before":{"ratio":2.2},"after":{"ratio":1.8},"metadata":{"reason":"abandon rate over 3%"}}"#,
            ),
        ),
        (
            30,
            Step::Act(
                r#"{"action":"carrier.updated","actor":{"id":"u_100","name":"Sam Supervisor","kind":"user"},"targets":[{"kind":"carrier","id":"trunk-provider-1","name":"trunk-provider-1"}],"outcome":"success","context":{"ip":"198.51.100.40","session_id":"cc-s-1"},"before":{"host":"sip.carrier.test","port":5060,"credentials":{"username":"acme","password":"old-sip-secret"}},"after":{"host":"sip2.carrier.test","port":5061,"credentials":{"username":"acme","password":"new-sip-secret"}}}"#,
            ),
        ),
        (
            33,
            Step::Act(
                r#"{"action":"ai_provider.api_key_updated","actor":{"id":"u_100","name":"Sam Supervisor","kind":"user"},"targets":[{"kind":"ai_provider","id":"openai","name":"OpenAI"}],"outcome":"success","context":{"ip":"198.51.100.40","session_id":"cc-s-1"},"before":{"api_key":"sk-live-0ld0ld0ld0ld"},"after":{"api_key":"sk-live-n3wn3wn3wn3w"}}"#,
            ),
        ),
        (
            40,
            Step::Bulk {
                parent: r#"{"action":"lead.imported","actor":{"id":"u_100","name":"Sam Supervisor","kind":"user"},"targets":[{"kind":"lead_list","id":"l_7","name":"Renewals November"}],"outcome":"success","context":{"ip":"198.51.100.40","session_id":"cc-s-1"},"metadata":{"file":"renewals-november.csv"}}"#,
                count: 20,
                child: lead,
            },
        ),
        (
            50,
            Step::Act(
                r#"{"action":"queue.updated","actor":{"id":"u_100","name":"Sam Supervisor","kind":"user"},"targets":[{"kind":"queue","id":"q_support","name":"Support"}],"outcome":"success","context":{"ip":"198.51.100.40","session_id":"cc-s-1"},"before":{"strategy":"longest_idle","max_wait_s":300},"after":{"strategy":"round_robin","max_wait_s":240}}"#,
            ),
        ),
        (
            52,
            Step::Act(
                r#"{"action":"ivr_menu.updated","actor":{"id":"u_100","name":"Sam Supervisor","kind":"user"},"targets":[{"kind":"ivr_menu","id":"ivr_main","name":"Main menu"}],"outcome":"success","context":{"ip":"198.51.100.40","session_id":"cc-s-1"},"before":{"options":[{"id":"1","say":"Sales"},{"id":"2","say":"Support"}]},"after":{"options":[{"id":"1","say":"Sales"},{"id":"2","say":"Support"},{"id":"3","say":"Billing"}]}}"#,
            ),
        ),
        (
            90,
            Step::Logout {
                who: &SAM,
                ip: "198.51.100.40",
                session: "cc-s-1",
            },
        ),
    ],
    filtered: (
        "Sam Supervisor's updates (--actor u_100 --change-type updated)",
        |f| {
            f.actor_id = Some("u_100".into());
            f.change_type = Some("updated".into());
        },
    ),
    detail: "campaign.updated",
};

/// The i-th lead of the import.
fn lead(i: usize) -> String {
    serde_json::json!({
        "action": "lead.created",
        "actor": {"id": "u_100", "name": "Sam Supervisor", "kind": "user"},
        "targets": [{"kind": "lead", "id": format!("ld_{}", 5000 + i)}],
        "outcome": "success",
        "context": {"ip": "198.51.100.40", "session_id": "cc-s-1"},
        "after": {"phone": format!("+1555010{:04}", i), "list": "l_7", "status": "new"}
    })
    .to_string()
}
