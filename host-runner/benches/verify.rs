//! Verification throughput over 1,000,000 events in one SQLite file: the
//! component through the host against the same Rust code built natively
//! over the same file, in one run; and the cost of hashing per appended
//! event as a share of the append path.
//!
//! `cargo bench -p host-runner --bench verify` (`-- --events N` for another
//! count). The generated store is cached under the target directory
//! (`bench-data/verify-<N>.db`) and reused by later runs.

use audit_component::store::{
    Head as NHead, Row as NRow, ScanRequest as NScan, Store as NStore, StoreError as NError,
};
use audit_host::bindings::{Actor, ActorKind, EventInput, Outcome, RequestContext, Target};
use audit_host::{EventStore, MemoryStore, Options, Runtime, SqliteStore, SteppingClock};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let events = std::env::args()
        .skip_while(|a| a != "--events")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000u64);
    let runtime = Runtime::new(Options {
        call_deadline: Duration::from_secs(600),
        memory_limit_bytes: 1024 * 1024 * 1024,
        ..Options::default()
    })
    .expect("runtime");
    let path = store_path(events);
    if !path.exists() {
        generate(&runtime, &path, events);
    }
    println!(
        "store: {} ({events} events of tenant bench)",
        path.display()
    );

    // The page cache is warmed by a first pass, so both columns read from memory.
    let _ = native_verify(&path);
    let native = native_verify(&path);
    let component = component_verify(&runtime, &path);
    println!(
        "component/native verification throughput: {:.2}",
        component / native
    );
    println!();
    hashing_share(&runtime, component);
}

fn store_path(events: u64) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../bench-data");
    std::fs::create_dir_all(&dir).expect("bench-data directory");
    dir.join(format!("verify-{events}.db"))
}

/// Appends `events` through the component, in batches of 10,000, into a
/// temporary file renamed into place when complete.
fn generate(runtime: &Runtime, path: &Path, events: u64) {
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let store = SqliteStore::open(&partial).expect("store");
    let mut session = runtime.session(
        Box::new(store),
        Box::new(SteppingClock::parse("2026-01-01T00:00:00Z").expect("time")),
    );
    let start = Instant::now();
    let mut i = 0u64;
    while i < events {
        let n = (events - i).min(10_000);
        let batch: Vec<EventInput> = (i..i + n).map(input).collect();
        session.append_batch(&batch).expect("append");
        i += n;
    }
    drop(session);
    std::fs::rename(&partial, path).expect("rename");
    println!(
        "generated {events} events in {:.1} s (cached for later runs)",
        start.elapsed().as_secs_f64()
    );
}

fn component_verify(runtime: &Runtime, path: &Path) -> f64 {
    let store = SqliteStore::open(path).expect("store");
    let mut session = runtime.session(Box::new(store), Box::new(audit_host::SystemClock));
    let start = Instant::now();
    let report = session.verify("bench", &[], &[]).expect("verify");
    let elapsed = start.elapsed();
    assert!(audit_host::integrity::intact(&report));
    report_rate("component + SQLite (verify)", report.events, elapsed)
}

fn native_verify(path: &Path) -> f64 {
    let mut store = Native(SqliteStore::open(path).expect("store"));
    let start = Instant::now();
    let report =
        audit_component::verify::verify_chain(&mut store, "bench", &[], &[]).expect("verify");
    let elapsed = start.elapsed();
    assert!(report.intact());
    report_rate("native + SQLite (verify)", report.events, elapsed)
}

/// Hashing's share of appending: natively the SHA-256 of each canonical
/// body timed alone against the whole append path; in the component, where
/// it cannot be timed alone, verification (a store read, a parse and the
/// SHA-256 of each event) bounds it from above.
fn hashing_share(runtime: &Runtime, component_verify_rate: f64) {
    const N: u64 = 100_000;
    let inputs: Vec<EventInput> = (0..N).map(input).collect();
    let mut session = runtime.session(
        Box::new(MemoryStore::new()),
        Box::new(SteppingClock::parse("2026-01-01T00:00:00Z").expect("time")),
    );
    let start = Instant::now();
    for chunk in inputs.chunks(1000) {
        session.append_batch(chunk).expect("append");
    }
    let component_append = report_rate("component + memory (append)", N, start.elapsed());
    let start = Instant::now();
    let report = session.verify("bench", &[], &[]).expect("verify");
    assert!(audit_host::integrity::intact(&report));
    report_rate("component + memory (verify)", N, start.elapsed());

    let mut native = audit_component::store::MemoryStore::default();
    let mut clock = Fixed(0);
    let native_inputs: Vec<audit_component::model::EventInput> =
        inputs.iter().map(to_native).collect();
    let start = Instant::now();
    for chunk in native_inputs.chunks(1000) {
        audit_component::append::append_batch(&mut native, &mut clock, chunk.to_vec())
            .expect("append");
    }
    let append_time = start.elapsed();
    report_rate("native + memory (append)", N, append_time);
    let rows = native
        .scan(&NScan {
            tenant: "bench".into(),
            limit: u32::MAX,
            ..NScan::default()
        })
        .expect("scan");
    let start = Instant::now();
    let mut sink = 0u8;
    for row in &rows {
        sink ^= audit_component::chain::hash(&row.body).as_bytes()[0];
    }
    let hash_time = start.elapsed();
    std::hint::black_box(sink);
    let bytes: usize = rows.iter().map(|r| r.body.len()).sum();
    println!(
        "SHA-256 of the bodies (native): {:.2} µs per event ({} bytes on average) = {:.1}% of the native append path",
        hash_time.as_secs_f64() * 1e6 / N as f64,
        bytes as u64 / N,
        100.0 * hash_time.as_secs_f64() / append_time.as_secs_f64()
    );
    println!(
        "component: verifying an event (read + parse + SHA-256) costs {:.1}% of appending it: the upper bound of hashing's share there",
        100.0 * component_append / component_verify_rate
    );
}

fn report_rate(label: &str, n: u64, elapsed: Duration) -> f64 {
    let rate = n as f64 / elapsed.as_secs_f64();
    println!(
        "{label:<30} {n} events in {:>7.3} s = {rate:>9.0} events/s",
        elapsed.as_secs_f64()
    );
    rate
}

struct Fixed(i64);
impl audit_component::store::Clock for Fixed {
    fn now(&mut self) -> chrono::DateTime<chrono::Utc> {
        self.0 += 1;
        chrono::DateTime::from_timestamp(1_767_225_600, 0).expect("time")
            + chrono::Duration::milliseconds(self.0)
    }
}

/// The host's SQLite store as the native engine's store.
struct Native(SqliteStore);

fn row_in(r: audit_host::bindings::Row) -> NRow {
    NRow {
        tenant: r.tenant,
        seq: r.seq,
        id: r.id,
        occurred_at_us: r.occurred_at_us,
        prev_hash: r.prev_hash,
        hash: r.hash,
        body: r.body,
    }
}

fn error(e: audit_host::bindings::StoreError) -> NError {
    use audit_host::bindings::StoreError as E;
    match e {
        E::Conflict => NError::Conflict,
        E::Busy(m) => NError::Busy(m),
        E::Failed(m) => NError::Failed(m),
    }
}

impl NStore for Native {
    fn append(&mut self, _rows: Vec<NRow>) -> Result<(), NError> {
        Err(NError::Failed("read only".into()))
    }
    fn head(&mut self, tenant: &str) -> Result<Option<NHead>, NError> {
        self.0
            .head(tenant)
            .map(|h| {
                h.map(|h| NHead {
                    seq: h.seq,
                    hash: h.hash,
                })
            })
            .map_err(error)
    }
    fn scan(&mut self, q: &NScan) -> Result<Vec<NRow>, NError> {
        let q = audit_host::bindings::ScanRequest {
            tenant: q.tenant.clone(),
            after_seq: q.after_seq,
            before_seq: q.before_seq,
            since_us: q.since_us,
            until_us: q.until_us,
            descending: q.descending,
            limit: q.limit,
        };
        self.0
            .scan(&q)
            .map(|rows| rows.into_iter().map(row_in).collect())
            .map_err(error)
    }
    fn get(&mut self, tenant: &str, id: &str) -> Result<Option<NRow>, NError> {
        self.0.get(tenant, id).map(|r| r.map(row_in)).map_err(error)
    }
    fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, NError> {
        self.0.get_settings(tenant).map_err(error)
    }
    fn put_settings(&mut self, _tenant: &str, _settings: &str) -> Result<(), NError> {
        Err(NError::Failed("read only".into()))
    }
}

/// A realistic event: a profile edit with a few changed fields, a login,
/// a team change.
fn input(i: u64) -> EventInput {
    let action = [
        "user.updated",
        "user.login_failed",
        "user.login_succeeded",
        "team.updated",
    ][(i % 4) as usize];
    let (before, after) = match action {
        "user.updated" | "team.updated" => (
            Some(format!(
                r#"{{"first_name":"John","last_name":"Smith","role":"agent","team":"Blue","logins":{i}}}"#
            )),
            Some(format!(
                r#"{{"first_name":"John","last_name":"Smyth","role":"supervisor","team":"Blue","logins":{}}}"#,
                i + 1
            )),
        ),
        _ => (None, None),
    };
    EventInput {
        tenant: "bench".into(),
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
            kind: m::ActorKind::User,
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
