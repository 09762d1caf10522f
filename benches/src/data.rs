//! The suite's data: events of the four built-in profiles (quality management,
//! contact center, CRM, customer experience) with realistic states, made
//! from a fixed seed so that every run, on every machine, measures the same
//! events.
//!
//! About half the events carry states: user and contact profiles of about
//! 2 KB with two to five edited fields, campaigns with a keyed list of
//! carriers, teams with a keyed member list of 20 to 200 entries (one
//! member added, one changed). The rest are second-factor checks, exports and other
//! events without states, as in a real log.

use audit_component::core::model::{Actor, ActorKind, Context, EventInput, Outcome, Target};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

/// The seed every generator starts from.
pub const SEED: u64 = 0x5eed_a0d1_7109;

/// SplitMix64. Hand-written on purpose: its output is fixed forever,
/// whereas `rand`'s `StdRng` documents that its algorithm may change
/// between versions, which would silently change the data set.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator at `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Ana", "John", "María", "Wei", "Olu", "Sven", "Aiko", "Lena", "Omar", "Zoë",
];
const LAST: &[&str] = &[
    "Admin", "Smith", "García", "Chen", "Adeyemi", "Berg", "Sato", "Novak", "Haddad", "Dubois",
];

/// The actions of the four profiles, weighted by repetition.
const ACTIONS: &[&str] = &[
    // Quality management.
    "user.mfa_challenge_passed",
    "user.mfa_challenge_passed",
    "user.mfa_challenge_passed",
    "user.mfa_challenge_failed",
    "user.updated",
    "user.updated",
    "user.role_changed",
    "user.team_assigned",
    "team.updated",
    "export.coaching_sessions",
    "export.users",
    // Contact center.
    "campaign.updated",
    "campaign.activated",
    "carrier.updated",
    // CRM.
    "contact.created",
    "contact.updated",
    "contact.updated",
    "contact.deleted",
    // Customer experience.
    "workflow.enabled",
];

/// Makes the events of one tenant's log.
#[derive(Debug, Clone)]
pub struct Generator {
    rng: Rng,
    tenant: String,
    start: DateTime<Utc>,
    span: Duration,
    count: usize,
}

impl Generator {
    /// `count` events of `tenant`, spread over 2026.
    pub fn new(tenant: &str, count: usize) -> Self {
        Generator {
            rng: Rng::new(SEED),
            tenant: tenant.to_string(),
            start: DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default(), // 2026-01-01
            span: Duration::days(365),
            count: count.max(1),
        }
    }

    /// The `k`th event (call in order: the generator is a stream).
    pub fn input(&mut self, k: usize) -> EventInput {
        let rng = &mut self.rng;
        // Clients send their own times: mostly close to the recording
        // order, some minutes off, a few days back.
        let mut at = self.start
            + Duration::seconds(
                (k as f64 * self.span.num_seconds() as f64 / self.count as f64) as i64,
            );
        at += Duration::seconds(rng.below(1800) as i64 - 900);
        if rng.below(100) == 0 {
            at -= Duration::hours(rng.below(72) as i64);
        }
        let action = *rng.pick(ACTIONS);
        let actor = rng.below(400);
        let entity = action.split('.').next().unwrap_or("user");
        let kind = match entity {
            "export" => "report",
            other => other,
        };
        let target = rng.below(5000);
        let (before, after) = states(action, target, rng);
        let failed = action == "user.mfa_challenge_failed";
        EventInput {
            tenant: self.tenant.clone(),
            action: action.into(),
            actor: Actor {
                id: format!("u_{actor}"),
                name: Some(format!(
                    "{} {}",
                    FIRST[(actor % 10) as usize],
                    LAST[(actor / 10 % 10) as usize]
                )),
                email: Some(format!("u{actor}@acme.test")),
                kind: ActorKind::User,
            },
            targets: vec![Target {
                kind: kind.into(),
                id: format!("{}_{target}", &kind[..1]),
                name: Some(format!("{kind}-{target}")),
            }],
            outcome: if failed {
                Outcome::Failure
            } else {
                Outcome::Success
            },
            failure_reason: failed.then(|| "wrong_password".to_string()),
            context: Context {
                ip: Some(if k.is_multiple_of(7) {
                    format!("2001:db8::{:x}", rng.below(65536))
                } else {
                    format!("203.0.113.{}", rng.below(256))
                }),
                user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0".into()),
                session_id: Some(format!("s-{}", rng.below(100_000))),
                request_id: Some(format!("req-{k}")),
            },
            occurred_at: Some(audit_component::core::time::format(at)),
            before: before.map(|v| v.to_string()),
            after: after.map(|v| v.to_string()),
            metadata: Some(format!(r#"{{"screen":"Admin","n":{k}}}"#)),
            idempotency_key: None,
        }
    }

    /// The first `n` events.
    pub fn inputs(&mut self, n: usize) -> Vec<EventInput> {
        (0..n).map(|k| self.input(k)).collect()
    }
}

/// The before and after states of an action.
fn states(action: &str, target: u64, rng: &mut Rng) -> (Option<Value>, Option<Value>) {
    match action {
        "user.updated" | "contact.updated" => {
            let before = profile(target);
            let mut after = before.clone();
            edit_profile(&mut after, rng);
            (Some(before), Some(after))
        }
        "user.role_changed" => (
            Some(json!({"role": "agent"})),
            Some(json!({"role": "supervisor"})),
        ),
        "user.team_assigned" => (
            Some(json!({"teams": ["Onboarding"]})),
            Some(json!({"teams": ["Onboarding", "Blue Team"]})),
        ),
        "team.updated" => {
            let members = 20 + rng.below(181) as usize;
            let (before, after) = team_pair(target, members, rng);
            (Some(before), Some(after))
        }
        "campaign.updated" | "carrier.updated" => {
            let before = campaign(target);
            let mut after = before.clone();
            after["pacing"] = json!(1 + rng.below(9));
            after["notes"] = json!("=SUM(A1)");
            if let Some(carriers) = after["carriers"].as_array_mut() {
                carriers.push(json!({"id": format!("k_{}", 100 + rng.below(50)), "name": "Fallback", "weight": 5}));
            }
            (Some(before), Some(after))
        }
        "contact.created" => (None, Some(profile(target))),
        "contact.deleted" => (Some(json!({"name": format!("Contact {target}")})), None),
        "workflow.enabled" => (
            Some(json!({"enabled": false, "name": format!("Survey after call {target}")})),
            Some(json!({"enabled": true, "name": format!("Survey after call {target}")})),
        ),
        _ => (None, None),
    }
}

/// A person's profile of about 2 KB, as such a product keeps it.
pub fn profile(i: u64) -> Value {
    json!({
        "id": format!("u_{i}"),
        "first_name": "John",
        "last_name": "Smith",
        "email": format!("john.smith{i}@acme.test"),
        "phone": format!("+34 600 000 {:03}", i % 1000),
        "role": "agent",
        "active": true,
        "timezone": "Europe/Madrid",
        "locale": "es-ES",
        "created_at": "2025-03-01T09:30:00Z",
        "manager": {"id": "u_42", "name": "Ana Admin", "email": "ana@acme.test"},
        "settings": {
            "dialer": {"mode": "predictive", "max_lines": 3, "wrap_up_seconds": 30, "auto_answer": false},
            "notifications": {"email": true, "sms": false, "push": true, "digest": "daily"},
            "ui": {"theme": "light", "density": "comfortable", "shortcuts": true}
        },
        "skills": ["inbound", "outbound", "chat", "email"],
        "queues": [
            {"id": "q_sales", "name": "Sales", "priority": 1},
            {"id": "q_support", "name": "Support", "priority": 2},
            {"id": "q_billing", "name": "Billing", "priority": 3}
        ],
        "stats": {"calls_today": i % 50, "avg_handle_seconds": 312.5, "csat": 4.6, "logins": 120 + i},
        "notes": "Long free-text note about the agent's onboarding, coaching plan and the campaigns they work on. Prefers morning shifts; certified for the billing queue since March.",
        "tags": ["onboarding-2025", "spanish", "english", "night-shift-ok"],
        "address": {"street": "Calle Mayor 12, 3B", "city": "Madrid", "postal_code": "28013", "country": "ES"},
        "schedule": [
            {"day": "mon", "from": "08:00", "to": "16:00"},
            {"day": "tue", "from": "08:00", "to": "16:00"},
            {"day": "wed", "from": "08:00", "to": "16:00"},
            {"day": "thu", "from": "08:00", "to": "16:00"},
            {"day": "fri", "from": "08:00", "to": "14:00"}
        ],
        "certifications": [
            {"id": "c_gdpr", "name": "GDPR basics", "passed_at": "2025-03-10", "score": 92},
            {"id": "c_pci", "name": "PCI awareness", "passed_at": "2025-03-12", "score": 88}
        ],
        "custom_fields": {"employee_number": format!("E-{i:05}"), "cost_center": "CC-114", "badge": "blue", "parking": false}
    })
}

/// A profile and the same profile after two to five edits (as the
/// generator's `user.updated` events carry them).
pub fn profile_pair(i: u64, rng: &mut Rng) -> (Value, Value) {
    let before = profile(i);
    let mut after = before.clone();
    edit_profile(&mut after, rng);
    (before, after)
}

/// An event input in the JSON form `codec.parse-inputs` reads (what a
/// Python or Node backend sends).
pub fn input_json(e: &EventInput) -> Value {
    let parse = |text: &Option<String>| {
        text.as_deref()
            .map(|t| serde_json::from_str::<Value>(t).expect("the generator writes JSON"))
    };
    let mut v = json!({
        "tenant": e.tenant,
        "action": e.action,
        "actor": e.actor,
        "targets": e.targets,
        "outcome": e.outcome,
        "context": e.context,
        "occurred_at": e.occurred_at,
        "before": parse(&e.before),
        "after": parse(&e.after),
        "metadata": parse(&e.metadata),
    });
    if let Some(reason) = &e.failure_reason {
        v["failure_reason"] = json!(reason);
    }
    v
}

/// Two to five edits of a profile: a name (one in ten becomes "Smyth",
/// which the query benchmark searches for), a nested setting, a list
/// grown, a queue's priority, a flag, a counter.
fn edit_profile(p: &mut Value, rng: &mut Rng) {
    let edits = 2 + rng.below(4);
    for e in 0..edits {
        match (e + rng.below(2)) % 6 {
            0 => {
                p["last_name"] = json!(if rng.below(10) == 0 {
                    "Smyth"
                } else {
                    "Smithers"
                });
            }
            1 => p["settings"]["dialer"]["max_lines"] = json!(1 + rng.below(6)),
            2 => {
                if let Some(s) = p["skills"].as_array_mut() {
                    s.push(json!("sms"));
                }
            }
            3 => p["queues"][1]["priority"] = json!(1 + rng.below(5)),
            4 => p["active"] = json!(rng.below(2) == 0),
            _ => p["stats"]["logins"] = json!(200 + rng.below(100)),
        }
    }
}

fn campaign(i: u64) -> Value {
    let carriers: Vec<Value> = (0..12)
        .map(|c| json!({"id": format!("k_{c}"), "name": format!("Carrier {c}"), "weight": 10 + c, "region": "EU"}))
        .collect();
    json!({
        "id": format!("c_{i}"),
        "name": format!("Spring renewals {i}"),
        "mode": "predictive",
        "pacing": 3,
        "caller_id": "+34 910 000 000",
        "hours": {"from": "09:00", "to": "20:00", "timezone": "Europe/Madrid"},
        "carriers": carriers,
        "notes": "-"
    })
}

/// A team with a keyed list of `members` entries, before and after an
/// edit: its name, one member added in the middle, one member's role, one
/// member removed, a setting.
pub fn team_pair(i: u64, members: usize, rng: &mut Rng) -> (Value, Value) {
    let member = |m: usize| {
        json!({
            "id": format!("u_{m}"),
            "name": format!("{} {}", FIRST[m % 10], LAST[m / 10 % 10]),
            "email": format!("agent{m}@acme.test"),
            "role": "agent",
            "joined_at": "2025-04-01"
        })
    };
    let list: Vec<Value> = (0..members).map(member).collect();
    let before = json!({
        "id": format!("t_{i}"),
        "name": "Blue Team",
        "lead": "u_0",
        "settings": {"max_concurrent_calls": 3, "wrap_up_seconds": 30},
        "members": list
    });
    let mut after = before.clone();
    after["name"] = json!("Blue Team (EMEA)");
    after["settings"]["wrap_up_seconds"] = json!(45);
    if let Some(m) = after["members"].as_array_mut() {
        let changed = rng.below(members as u64) as usize;
        m[changed]["role"] = json!("lead");
        let removed = (changed + 1 + rng.below(members.max(2) as u64 - 1) as usize) % members;
        m.remove(removed);
        let at = m.len() / 2;
        m.insert(at, member(members + 1000));
    }
    (before, after)
}
