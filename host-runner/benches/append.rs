//! Append throughput: 100,000 events in batches of 1,000 through the real
//! component into SQLite, against the same component over an in-memory
//! store and the same Rust code built natively, in one run.
//!
//! `cargo bench -p host-runner --bench append` (`-- --events N` to change the
//! count). Prints events per second for each column and the ratios.

use audit_component::store::Clock as NativeClock;
use audit_host::bindings::{Actor, ActorKind, EventInput, Outcome, RequestContext, Target};
use audit_host::{EventStore, MemoryStore, Options, Runtime, SqliteStore, SteppingClock};
use std::time::Instant;

const BATCH: usize = 1000;

fn main() {
    let events = std::env::args()
        .skip_while(|a| a != "--events")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000usize);
    let inputs: Vec<EventInput> = (0..events).map(input).collect();
    let runtime = Runtime::new(Options::default()).expect("runtime");

    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = SqliteStore::open(&dir.path().join("bench.db")).expect("store");
    let component_sqlite = run(
        "component + SQLite file",
        &runtime,
        Box::new(sqlite),
        &inputs,
    );
    let component_memory = run(
        "component + memory store",
        &runtime,
        Box::new(MemoryStore::new()),
        &inputs,
    );
    let native = native(&inputs);
    println!();
    println!(
        "component/native (memory store): {:.2}",
        component_memory / native
    );
    println!(
        "SQLite share of the component + SQLite time: {:.0}%",
        100.0 * (1.0 - component_sqlite / component_memory)
    );
}

fn run(label: &str, runtime: &Runtime, store: Box<dyn EventStore>, inputs: &[EventInput]) -> f64 {
    let mut session = runtime.session(
        store,
        Box::new(SteppingClock::parse("2026-11-21T10:00:00Z").expect("time")),
    );
    let start = Instant::now();
    for chunk in inputs.chunks(BATCH) {
        session.append_batch(chunk).expect("append");
    }
    report(label, inputs.len(), start.elapsed())
}

/// The same engine code built natively, over its own in-memory store.
fn native(inputs: &[EventInput]) -> f64 {
    struct Fixed(i64);
    impl NativeClock for Fixed {
        fn now(&mut self) -> chrono::DateTime<chrono::Utc> {
            self.0 += 1;
            chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("time")
                + chrono::Duration::milliseconds(self.0)
        }
    }
    let native_inputs: Vec<audit_component::model::EventInput> =
        inputs.iter().map(to_native).collect();
    let mut store = audit_component::store::MemoryStore::default();
    let mut clock = Fixed(0);
    let start = Instant::now();
    for chunk in native_inputs.chunks(BATCH) {
        audit_component::append::append_batch(&mut store, &mut clock, chunk.to_vec())
            .expect("append");
    }
    report("native + memory store", inputs.len(), start.elapsed())
}

fn report(label: &str, n: usize, elapsed: std::time::Duration) -> f64 {
    let rate = n as f64 / elapsed.as_secs_f64();
    println!(
        "{label:<28} {n} events in {:>7.3} s = {rate:>9.0} events/s",
        elapsed.as_secs_f64()
    );
    rate
}

/// A realistic event of the seed products: a user-profile edit with a
/// 1 to 2 KB state and a handful of changed fields, a login, a team change.
fn input(i: usize) -> EventInput {
    let action = [
        "user.updated",
        "user.login_failed",
        "user.login_succeeded",
        "team.updated",
        "user.role_changed",
    ][i % 5];
    let profile = |last: &str, role: &str, n: usize| {
        format!(
            r#"{{"first_name":"John","last_name":"{last}","email":"john.smith{n}@acme.test","role":"{role}","team":"Blue Team","timezone":"Europe/Madrid","phone":"+34 600 000 {n:03}","locale":"es-ES","skills":["inbound","outbound","chat","email"],"manager":{{"id":"u_42","name":"Ana Admin"}},"notes":"{notes}","active":true,"logins":{n}}}"#,
            notes =
                "Long free-text note about the agent's onboarding and coaching plan. ".repeat(12)
        )
    };
    let (before, after) = match action {
        "user.updated" | "team.updated" | "user.role_changed" => (
            Some(profile("Smith", "agent", i)),
            Some(profile(
                "Smyth",
                if i.is_multiple_of(2) {
                    "supervisor"
                } else {
                    "agent"
                },
                i + 1,
            )),
        ),
        _ => (None, None),
    };
    EventInput {
        tenant: format!("tenant-{}", i % 3),
        action: action.into(),
        actor: Actor {
            id: format!("u_{}", i % 97),
            name: Some("Ana Admin".into()),
            email: Some("ana@acme.test".into()),
            kind: ActorKind::User,
        },
        targets: vec![Target {
            kind: "user".into(),
            id: format!("u_{}", i % 1013),
            name: Some("john.smith".into()),
        }],
        outcome: if action == "user.login_failed" {
            Outcome::Failure(Some("wrong_password".into()))
        } else {
            Outcome::Success
        },
        context: RequestContext {
            ip: Some(format!("203.0.113.{}", i % 250)),
            user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0".into()),
            session_id: Some(format!("s-{}", i % 500)),
            request_id: Some(format!("req-{i}")),
        },
        occurred_at: None,
        before,
        after,
        metadata: Some(r#"{"screen":"User Management"}"#.into()),
    }
}

fn to_native(e: &EventInput) -> audit_component::model::EventInput {
    use audit_component::model as m;
    let (outcome, failure_reason) = match &e.outcome {
        Outcome::Success => (m::Outcome::Success, None),
        Outcome::Failure(r) => (m::Outcome::Failure, r.clone()),
    };
    m::EventInput {
        tenant: e.tenant.clone(),
        action: e.action.clone(),
        actor: m::Actor {
            id: e.actor.id.clone(),
            name: e.actor.name.clone(),
            email: e.actor.email.clone(),
            kind: match e.actor.kind {
                ActorKind::User => m::ActorKind::User,
                ActorKind::System => m::ActorKind::System,
                ActorKind::ApiKey => m::ActorKind::ApiKey,
                ActorKind::Service => m::ActorKind::Service,
            },
        },
        targets: e
            .targets
            .iter()
            .map(|t| m::Target {
                kind: t.kind.clone(),
                id: t.id.clone(),
                name: t.name.clone(),
            })
            .collect(),
        outcome,
        failure_reason,
        context: m::Context {
            ip: e.context.ip.clone(),
            user_agent: e.context.user_agent.clone(),
            session_id: e.context.session_id.clone(),
            request_id: e.context.request_id.clone(),
        },
        occurred_at: e.occurred_at.clone(),
        before: e.before.clone(),
        after: e.after.clone(),
        metadata: e.metadata.clone(),
    }
}
