//! The quality-management platform: a failed sign-in, a successful one, a
//! last-name change, a team
//! assignment, a role change, an export of the users) in a morning that
//! also has a brute-force attempt, a password change, a role edit with a
//! nested diff, a user deletion the product refuses, and a bulk import.

use super::scenario::{Person, Scenario, Step};
use audit_host::bindings::{LoginFailure, LoginMethod};

static JOHN: Person = Person {
    id: "u_7",
    name: "John Smith",
    email: "john.smith@acme.test",
};
static ANA: Person = Person {
    id: "u_42",
    name: "Ana Admin",
    email: "ana@acme.test",
};

const ATTACKER: &str = "198.51.100.23";

pub static SCENARIO: Scenario = Scenario {
    profile: "qa",
    tenant: "demo-qa",
    title: "a morning of the quality-management platform",
    register: Some(
        r#"[{"name":"user.bulk_imported","label":"Users Imported (CSV)","category":"user","change_type":"imported","target_kinds":["file"]}]"#,
    ),
    steps: &[
        // John types his password into the user-name field, then gets the
        // password wrong, then signs in.
        (
            1,
            Step::Unknown {
                identifier: "Tr0ub4dor&3",
                ip: "203.0.113.24",
            },
        ),
        (
            2,
            Step::Login {
                who: &JOHN,
                method: LoginMethod::PasswordTotp,
                failure: Some(LoginFailure::WrongPassword),
                ip: "203.0.113.24",
                session: None,
            },
        ),
        (
            3,
            Step::Login {
                who: &JOHN,
                method: LoginMethod::PasswordTotp,
                failure: None,
                ip: "203.0.113.24",
                session: Some("s-7f3a"),
            },
        ),
        // Someone tries user names from one address: the fifth failure in
        // 15 minutes trips the threshold.
        (
            10,
            Step::Unknown {
                identifier: "admin",
                ip: ATTACKER,
            },
        ),
        (
            11,
            Step::Unknown {
                identifier: "administrator",
                ip: ATTACKER,
            },
        ),
        (
            11,
            Step::Unknown {
                identifier: "root@acme.test",
                ip: ATTACKER,
            },
        ),
        (
            12,
            Step::Unknown {
                identifier: "support@acme.test",
                ip: ATTACKER,
            },
        ),
        (
            13,
            Step::Unknown {
                identifier: "qa-admin",
                ip: ATTACKER,
            },
        ),
        (
            20,
            Step::Login {
                who: &ANA,
                method: LoginMethod::Sso,
                failure: None,
                ip: "198.51.100.7",
                session: Some("s-a11c"),
            },
        ),
        (
            22,
            Step::Bulk {
                parent: r#"{"action":"user.bulk_imported","actor":{"id":"u_42","name":"Ana Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"file","id":"new-hires-2026-11.csv","name":"new-hires-2026-11.csv"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c","request_id":"req-1009"}}"#,
                count: 12,
                child: new_hire,
            },
        ),
        (
            25,
            Step::Act(
                r#"{"action":"user.updated","actor":{"id":"u_42","name":"Ana Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"user","id":"u_7","name":"john.smith"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c","request_id":"req-1003"},"before":{"first_name":"John","last_name":"Smith","email":"john.smith@acme.test","role":"agent","title":"Agent"},"after":{"first_name":"John","last_name":"Smyth","email":"john.smith@acme.test","role":"agent","title":"=SUM(B2:B9)"},"metadata":{"screen":"User Management"}}"#,
            ),
        ),
        (
            27,
            Step::Act(
                r#"{"action":"user.team_assigned","actor":{"id":"u_42","name":"Ana Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"user","id":"u_7","name":"john.smith"},{"kind":"team","id":"t_3","name":"Blue Team"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c","request_id":"req-1004"},"before":{"teams":["Onboarding"]},"after":{"teams":["Onboarding","Blue Team"]}}"#,
            ),
        ),
        (
            28,
            Step::Act(
                r#"{"action":"user.role_changed","actor":{"id":"u_42","name":"Ana Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"user","id":"u_7","name":"john.smith"},{"kind":"role","id":"r_2","name":"Supervisor"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c","request_id":"req-1005"},"before":{"role":"agent"},"after":{"role":"supervisor"}}"#,
            ),
        ),
        (
            35,
            Step::Act(
                r#"{"action":"role.updated","actor":{"id":"u_42","name":"Ana Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"role","id":"r_2","name":"Supervisor"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c","request_id":"req-1006"},"before":{"name":"Supervisor","permissions":{"calibrations":{"view":true,"edit":false},"coaching":{"view":true,"edit":true},"exports":["quality_overview"]}},"after":{"name":"Supervisor","permissions":{"calibrations":{"view":true,"edit":true},"coaching":{"view":true,"edit":true},"exports":["quality_overview","coaching_sessions"]}}}"#,
            ),
        ),
        (
            40,
            Step::Act(
                r#"{"action":"user.password_changed","actor":{"id":"u_7","name":"John Smith","email":"john.smith@acme.test","kind":"user"},"targets":[{"kind":"user","id":"u_7","name":"john.smith"}],"outcome":"success","context":{"ip":"203.0.113.24","session_id":"s-7f3a","request_id":"req-1007"},"before":{"password":"Tr0ub4dor&3"},"after":{"password":"correct horse battery staple"}}"#,
            ),
        ),
        // Users are never deleted in this product: the log refuses it, and
        // the product deactivates instead.
        (
            45,
            Step::Refused(
                r#"{"action":"user.deleted","actor":{"id":"u_42","name":"Ana Admin","kind":"user"},"targets":[{"kind":"user","id":"u_31","name":"maria.lopez"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c"}}"#,
            ),
        ),
        (
            45,
            Step::Act(
                r#"{"action":"user.deactivated","actor":{"id":"u_42","name":"Ana Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"user","id":"u_31","name":"maria.lopez"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c","request_id":"req-1008"},"before":{"active":true},"after":{"active":false}}"#,
            ),
        ),
        (
            60,
            Step::Act(
                r#"{"action":"export.users","actor":{"id":"u_42","name":"Ana Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"report","id":"users","name":"Users"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c","request_id":"req-1010"},"metadata":{"format":"csv","rows":54}}"#,
            ),
        ),
        (
            62,
            Step::Act(
                r#"{"action":"export.coaching_sessions","actor":{"id":"u_42","name":"Ana Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"report","id":"coaching_sessions","name":"Coaching sessions, November"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c","request_id":"req-1011"},"metadata":{"format":"xlsx","rows":118}}"#,
            ),
        ),
        (
            70,
            Step::RecoveryUnknown {
                identifier: "jhon.smith@acme.test",
                ip: "203.0.113.24",
            },
        ),
        (
            90,
            Step::Logout {
                who: &JOHN,
                ip: "203.0.113.24",
                session: "s-7f3a",
            },
        ),
        (
            95,
            Step::Logout {
                who: &ANA,
                ip: "198.51.100.7",
                session: "s-a11c",
            },
        ),
    ],
    filtered: (
        "Everything that happened to John Smith's account (--target user:u_7)",
        |f| {
            f.target_kind = Some("user".into());
            f.target_id = Some("u_7".into());
        },
    ),
    detail: "role.updated",
};

/// The i-th user of the import.
fn new_hire(i: usize) -> String {
    const NAMES: [&str; 12] = [
        "Aiko Tanaka",
        "Bruno Costa",
        "Chloé Martin",
        "Dmitri Ivanov",
        "Emeka Obi",
        "Fatima Zahra",
        "Gustav Lind",
        "Hana Novak",
        "Ines Duarte",
        "Jonas Weber",
        "Kwame Mensah",
        "Lucía Ortega",
    ];
    let name = NAMES[i % NAMES.len()];
    let login = name.to_lowercase().replace(' ', ".");
    serde_json::json!({
        "action": "user.created",
        "actor": {"id": "u_42", "name": "Ana Admin", "email": "ana@acme.test", "kind": "user"},
        "targets": [{"kind": "user", "id": format!("u_{}", 100 + i), "name": login}],
        "outcome": "success",
        "context": {"ip": "198.51.100.7", "session_id": "s-a11c"},
        "after": {"name": name, "email": format!("{login}@acme.test"), "role": "agent", "team": "Onboarding"}
    })
    .to_string()
}
