//! What starting and calling the component costs, in one run:
//!
//! 1. cold start to the first appended event, as a process: `audit-host
//!    append` of one event into a new SQLite file, with the compiled-code
//!    cache warm and with `--no-cache`; and in-process: loading the runtime
//!    from the cache, then a session, then the first append;
//! 2. instantiation per unit of work: a session made, instantiated and
//!    dropped;
//! 3. the overhead of a trivial call through the boundary: `parse-inputs`
//!    of empty text (it returns the `invalid-input` error at once) against
//!    the same engine function called natively.
//!
//! `cargo bench -p host-runner --bench startup` (`-- --runs N` for the
//! process starts, default 20). Medians, with the fastest in brackets; the
//! machine is shared, so compare numbers of one run.

use audit_host::bindings::{Actor, ActorKind, EventInput, Outcome, RequestContext};
use audit_host::{MemoryStore, Options, Runtime, SqliteStore, SteppingClock};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const EVENT: &str = r#"{"tenant":"acme","action":"user.login_succeeded","actor":{"id":"u_42","kind":"user"},"outcome":"success"}"#;

fn main() {
    let runs = std::env::args()
        .skip_while(|a| a != "--runs")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20usize);
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let event = dir.path().join("event.json");
    std::fs::write(&event, EVENT).expect("write");

    println!("start to the first appended event, as a process (audit-host append of one event)");
    let store = dir.path().join("audit.db");
    let process = |store: &Path, no_cache: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_audit-host"));
        cmd.env("AUDIT_CACHE_DIR", &cache).arg("--store").arg(store);
        if no_cache {
            cmd.arg("--no-cache");
        }
        let start = Instant::now();
        let out = cmd.arg("append").arg(&event).output().expect("runs");
        let took = start.elapsed();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        took
    };
    process(&store, false); // fills the cache, creates the store
    let memory = Path::new(":memory:");
    let warm: Vec<_> = (0..runs).map(|_| process(&store, false)).collect();
    let warm_memory: Vec<_> = (0..runs).map(|_| process(memory, false)).collect();
    let cold: Vec<_> = (0..runs.div_ceil(4))
        .map(|_| process(&store, true))
        .collect();
    report("  cache warm, SQLite store (a second start)", &warm);
    report(
        "  cache warm, in-memory store (no disk writes)",
        &warm_memory,
    );
    report("  --no-cache, SQLite store (compiles)", &cold);
    println!(
        "  compile / cached: {:.1}x",
        median(&cold).as_secs_f64() / median(&warm).as_secs_f64()
    );

    println!("the same in-process (the engine already made)");
    let options = Options {
        cache_dir: Some(cache.clone()),
        ..Options::default()
    };
    let input = input();
    let load: Vec<_> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            Runtime::new(options.clone()).expect("runtime");
            start.elapsed()
        })
        .collect();
    report("  load the compiled component from the cache", &load);
    let first: Vec<_> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let runtime = Runtime::new(options.clone()).expect("runtime");
            let store = SqliteStore::open(&store).expect("store");
            let mut s = runtime.session(Box::new(store), clock());
            s.append(&input).expect("append");
            start.elapsed()
        })
        .collect();
    report("  load + open the SQLite store + first append", &first);
    let compile: Vec<_> = (0..3)
        .map(|_| {
            let start = Instant::now();
            Runtime::new(Options {
                cache_dir: None,
                ..Options::default()
            })
            .expect("runtime");
            start.elapsed()
        })
        .collect();
    report("  compile the component (no cache)", &compile);

    let runtime = Runtime::new(options).expect("runtime");
    println!("instantiation per unit of work (session made, instantiated, dropped)");
    let per_session = per_op(2_000, || {
        let mut s = runtime.session(Box::new(MemoryStore::new()), clock());
        s.instantiate().expect("instantiate");
    });
    report_each("  (the library's default: pooling allocator)", &per_session);
    let per_request = per_op(2_000, || {
        let mut s = runtime.session(Box::new(MemoryStore::new()), clock());
        s.append(&input).expect("append");
    });
    report_each(
        "  a whole request (session + one append, memory store)",
        &per_request,
    );

    println!("a trivial call through the boundary (parse-inputs of empty text)");
    let mut s = runtime.session(Box::new(MemoryStore::new()), clock());
    s.instantiate().expect("instantiate");
    let through = per_op(20_000, || {
        let refused = s.parse_inputs("", None);
        assert!(refused.is_err());
    });
    let native = per_op(20_000, || {
        let refused = audit_component::codec::parse_inputs(std::hint::black_box(""), None);
        assert!(refused.is_err());
    });
    report_each("  through the component", &through);
    report_each("  the same function, native", &native);
    println!(
        "  boundary overhead: {:.2} µs per call",
        (median(&through).as_secs_f64() - median(&native).as_secs_f64()) * 1e6
    );
}

fn clock() -> Box<SteppingClock> {
    Box::new(SteppingClock::parse("2026-11-21T10:00:00Z").expect("time"))
}

fn input() -> EventInput {
    EventInput {
        tenant: "acme".into(),
        action: "user.login_succeeded".into(),
        actor: Actor {
            id: "u_42".into(),
            name: None,
            email: None,
            kind: ActorKind::User,
        },
        targets: vec![],
        outcome: Outcome::Success,
        context: RequestContext {
            ip: None,
            user_agent: None,
            session_id: None,
            request_id: None,
        },
        occurred_at: None,
        before: None,
        after: None,
        metadata: None,
    }
}

/// The time of one operation, measured as 20 samples of `n / 20` each.
fn per_op(n: usize, mut op: impl FnMut()) -> Vec<Duration> {
    let per_sample = (n / 20).max(1);
    for _ in 0..per_sample {
        op(); // warm-up
    }
    (0..20)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_sample {
                op();
            }
            start.elapsed() / per_sample as u32
        })
        .collect()
}

fn median(samples: &[Duration]) -> Duration {
    let mut v = samples.to_vec();
    v.sort();
    v[v.len() / 2]
}

fn report(label: &str, samples: &[Duration]) {
    let min = samples.iter().min().copied().unwrap_or_default();
    println!(
        "{label:<58} {:>9.2} ms  [{:.2} ms]  ({} runs)",
        median(samples).as_secs_f64() * 1e3,
        min.as_secs_f64() * 1e3,
        samples.len()
    );
}

fn report_each(label: &str, samples: &[Duration]) {
    let min = samples.iter().min().copied().unwrap_or_default();
    println!(
        "{label:<58} {:>9.2} µs  [{:.2} µs]",
        median(samples).as_secs_f64() * 1e6,
        min.as_secs_f64() * 1e6
    );
}
