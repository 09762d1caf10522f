//! The benchmark's log: a million varied events of one tenant in a real
//! SQLite file, made once by the engine built natively (real ids, hashes and
//! chain) and kept under `target/bench-data/` for the next runs.

use audit_component::model::{Actor, ActorKind, Context, EventInput, Outcome, Target};
use audit_component::store::{Clock, Head, Row, ScanRequest, Store, StoreError};
use audit_host::bindings;
use audit_host::{EventStore, SqliteStore};
use chrono::{DateTime, Duration, Utc};
use std::path::{Path, PathBuf};

/// The tenant every benchmark event belongs to.
pub const TENANT: &str = "bench";
/// The log starts here and spans a year.
pub const START: &str = "2026-01-01T00:00:00Z";
/// Bump when the generator changes, so that an old file is not reused.
const VERSION: u32 = 1;

/// The path of the cached log of `events` events, made when missing.
pub fn open(events: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench-data");
    std::fs::create_dir_all(&dir).expect("target/bench-data");
    let path = dir.join(format!("search-v{VERSION}-{events}.db"));
    let ready = path.with_extension("ready");
    if ready.exists() && path.exists() {
        return path;
    }
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(path.with_extension("db-wal"));
    eprintln!(
        "generating {events} events into {} (once; later runs reuse it)...",
        path.display()
    );
    let started = std::time::Instant::now();
    generate(&path, events);
    std::fs::write(&ready, b"").expect("marker");
    eprintln!("generated in {:.0} s", started.elapsed().as_secs_f64());
    path
}

fn generate(path: &Path, events: usize) {
    let store = SqliteStore::open(path).expect("store");
    let mut native = NativeStore(store);
    let mut clock = RecordClock(0);
    let span = Duration::days(365).num_seconds() as f64;
    let start = DateTime::parse_from_rfc3339(START)
        .expect("start")
        .with_timezone(&Utc);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let batch = 5000;
    let mut i = 0;
    while i < events {
        let n = batch.min(events - i);
        let inputs: Vec<EventInput> = (i..i + n)
            .map(|k| {
                let mut at = start + Duration::seconds((k as f64 * span / events as f64) as i64);
                // Clients send their own times: mostly close to the
                // recording order, some minutes off, a few days back.
                at += Duration::seconds(rng.below(1800) as i64 - 900);
                if rng.below(100) == 0 {
                    at -= Duration::hours(rng.below(72) as i64);
                }
                input(k, at, &mut rng)
            })
            .collect();
        audit_component::append::append_batch(&mut native, &mut clock, inputs).expect("append");
        i += n;
        if i % 100_000 == 0 {
            eprintln!("  {i}");
        }
    }
}

const FIRST: &[&str] = &[
    "Ana", "John", "María", "Wei", "Olu", "Sven", "Aiko", "Lena", "Omar", "Zoë",
];
const LAST: &[&str] = &[
    "Admin", "Smith", "García", "Chen", "Adeyemi", "Berg", "Sato", "Novak", "Haddad", "Dubois",
];
const ACTIONS: &[&str] = &[
    "user.login_succeeded",
    "user.login_succeeded",
    "user.login_failed",
    "user.updated",
    "user.updated",
    "user.role_changed",
    "user.team_assigned",
    "team.updated",
    "campaign.updated",
    "campaign.activated",
    "contact.created",
    "contact.updated",
    "contact.updated",
    "contact.deleted",
    "carrier.updated",
    "export.users",
];

fn input(k: usize, at: DateTime<Utc>, rng: &mut Rng) -> EventInput {
    let action = ACTIONS[rng.below(ACTIONS.len() as u64) as usize];
    let actor = rng.below(400);
    let name = format!(
        "{} {}",
        FIRST[(actor % 10) as usize],
        LAST[(actor / 10 % 10) as usize]
    );
    let entity = action.split('.').next().unwrap_or("user");
    let target_kind = if entity == "export" { "report" } else { entity };
    let target = rng.below(5000);
    let (before, after) = match action {
        "user.updated" => {
            let new_last = if rng.below(10) == 0 {
                "Smyth"
            } else {
                "Smithers"
            };
            (
                Some(format!(
                    r#"{{"first_name":"John","last_name":"Smith","email":"u{target}@acme.test","timezone":"Europe/Madrid"}}"#
                )),
                Some(format!(
                    r#"{{"first_name":"John","last_name":"{new_last}","email":"u{target}@acme.test","timezone":"Europe/Madrid"}}"#
                )),
            )
        }
        "user.role_changed" => (
            Some(r#"{"role":"agent"}"#.to_string()),
            Some(r#"{"role":"supervisor"}"#.to_string()),
        ),
        "user.team_assigned" => (
            Some(r#"{"teams":["Onboarding"]}"#.to_string()),
            Some(r#"{"teams":["Onboarding","Blue Team"]}"#.to_string()),
        ),
        "campaign.updated" | "team.updated" | "carrier.updated" | "contact.updated" => (
            Some(format!(
                r#"{{"name":"Item {target}","pacing":{},"notes":"-"}}"#,
                rng.below(9)
            )),
            Some(format!(
                r#"{{"name":"Item {target}","pacing":{},"notes":"=SUM(A1)"}}"#,
                rng.below(9)
            )),
        ),
        "contact.created" => (
            None,
            Some(format!(
                r#"{{"name":"Contact {target}","phone":"+34 600 {target:06}"}}"#
            )),
        ),
        "contact.deleted" => (Some(format!(r#"{{"name":"Contact {target}"}}"#)), None),
        _ => (None, None),
    };
    let failed = action == "user.login_failed";
    EventInput {
        tenant: TENANT.into(),
        action: action.into(),
        actor: Actor {
            id: format!("u_{actor}"),
            name: Some(name),
            email: Some(format!("u{actor}@acme.test")),
            kind: ActorKind::User,
        },
        targets: vec![Target {
            kind: target_kind.into(),
            id: format!("{}_{target}", &target_kind[..1]),
            name: Some(format!("{target_kind}-{target}")),
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
        occurred_at: Some(audit_component::time::format(at)),
        before,
        after,
        metadata: Some(format!(r#"{{"screen":"Admin","n":{k}}}"#)),
    }
}

/// xorshift64*: deterministic, good enough to vary test data.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// Recording times one millisecond apart, at the end of the year.
struct RecordClock(i64);

impl Clock for RecordClock {
    fn now(&mut self) -> DateTime<Utc> {
        self.0 += 1;
        DateTime::parse_from_rfc3339("2027-01-01T00:00:00Z")
            .expect("time")
            .with_timezone(&Utc)
            + Duration::milliseconds(self.0)
    }
}

/// The host's SQLite store seen as the native engine's store.
pub struct NativeStore(pub SqliteStore);

fn row_in(r: bindings::Row) -> Row {
    Row {
        tenant: r.tenant,
        seq: r.seq,
        id: r.id,
        occurred_at_us: r.occurred_at_us,
        prev_hash: r.prev_hash,
        hash: r.hash,
        body: r.body,
    }
}

fn err(e: bindings::StoreError) -> StoreError {
    match e {
        bindings::StoreError::Conflict => StoreError::Conflict,
        bindings::StoreError::Busy(m) => StoreError::Busy(m),
        bindings::StoreError::Failed(m) => StoreError::Failed(m),
    }
}

impl Store for NativeStore {
    fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError> {
        let rows = rows
            .into_iter()
            .map(|r| bindings::Row {
                tenant: r.tenant,
                seq: r.seq,
                id: r.id,
                occurred_at_us: r.occurred_at_us,
                prev_hash: r.prev_hash,
                hash: r.hash,
                body: r.body,
            })
            .collect();
        self.0.append(rows).map_err(err)
    }
    fn head(&mut self, tenant: &str) -> Result<Option<Head>, StoreError> {
        self.0
            .head(tenant)
            .map(|h| {
                h.map(|h| Head {
                    seq: h.seq,
                    hash: h.hash,
                })
            })
            .map_err(err)
    }
    fn scan(&mut self, q: &ScanRequest) -> Result<Vec<Row>, StoreError> {
        let q = bindings::ScanRequest {
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
            .map_err(err)
    }
    fn get(&mut self, tenant: &str, id: &str) -> Result<Option<Row>, StoreError> {
        self.0.get(tenant, id).map(|r| r.map(row_in)).map_err(err)
    }
    fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, StoreError> {
        self.0.get_settings(tenant).map_err(err)
    }
    fn put_settings(&mut self, tenant: &str, settings: &str) -> Result<(), StoreError> {
        self.0.put_settings(tenant, settings).map_err(err)
    }
}
