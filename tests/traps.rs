//! Every kind of trap, made on request by the misbehaving fixture component:
//! a typed error naming the cause, the host alive, the next call on a fresh
//! instance; and the host's limits against the real component.

use crate::harness::*;
use audit_host::bindings::{Error, LimitError};
use audit_host::{HostError, MemoryStore, TrapKind};
use std::time::{Duration, Instant};

/// What the fixture answers on a call that does not misbehave: the call
/// count of the instance it ran in.
fn fresh_call(n: u32) -> String {
    format!("fixture: call {n} of this instance")
}

fn other(result: Result<audit_host::bindings::Event, HostError>) -> String {
    match result {
        Err(HostError::Audit(Error::Other(m))) => m,
        other => panic!("expected the fixture's other error, got {other:?}"),
    }
}

fn trap(result: Result<audit_host::bindings::Event, HostError>) -> (TrapKind, String, usize) {
    match result {
        Err(HostError::Trap {
            kind,
            detail,
            stored_rows,
        }) => (kind, detail.unwrap_or_default(), stored_rows),
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn each_trap_kind_is_typed_and_the_next_call_gets_a_fresh_instance() {
    let runtime = fixture(options(64, 500));
    let cases = [
        ("fixture.panic", TrapKind::Panic, "panicking on request"),
        ("fixture.oom", TrapKind::OutOfMemory, "memory allocation"),
        ("fixture.recurse", TrapKind::StackOverflow, ""),
        ("fixture.loop", TrapKind::Deadline, ""),
    ];
    for (action, kind, said) in cases {
        let mut s = runtime.session(Box::new(MemoryStore::new()), clock());
        assert_eq!(
            other(s.append(&event("acme", "user.updated"))),
            fresh_call(1)
        );
        assert_eq!(
            other(s.append(&event("acme", "user.updated"))),
            fresh_call(2)
        );
        let (got, detail, stored) = trap(s.append(&event("acme", action)));
        assert_eq!(got, kind, "{action}: {detail}");
        assert!(detail.contains(said), "{action}: {detail}");
        assert_eq!(stored, 0);
        let message = s
            .append(&event("acme", action))
            .expect_err("traps again")
            .to_string();
        assert!(
            message.starts_with(&format!("the audit component trapped ({kind})")),
            "{message}"
        );
        assert_eq!(message.lines().count(), 1);
        // A trapped instance cannot be entered again; this call works, on a
        // new one (its count starts again at 1).
        assert_eq!(
            other(s.append(&event("acme", "user.updated"))),
            fresh_call(1),
            "after {action}"
        );
    }
}

#[test]
fn a_loop_is_stopped_within_the_deadline() {
    let deadline = Duration::from_millis(300);
    let runtime = fixture(options(64, deadline.as_millis() as u64));
    let mut s = runtime.session(Box::new(MemoryStore::new()), clock());
    let start = Instant::now();
    let (kind, _, _) = trap(s.append(&event("acme", "fixture.loop")));
    let took = start.elapsed();
    assert_eq!(kind, TrapKind::Deadline);
    // One epoch tick (10 ms) early at most; late by scheduling only (the
    // machine is shared, hence the generous bound).
    assert!(took >= deadline - Duration::from_millis(20), "{took:?}");
    assert!(took < deadline + Duration::from_secs(1), "{took:?}");
    assert_eq!(
        other(s.append(&event("acme", "user.updated"))),
        fresh_call(1)
    );
}

#[test]
fn a_trap_after_the_store_committed_says_so() {
    let runtime = fixture(options(64, 2_000));
    let mut s = runtime.session(Box::new(MemoryStore::new()), clock());
    let (kind, detail, stored) = trap(s.append(&event("acme", "fixture.store_then_panic")));
    assert_eq!(kind, TrapKind::Panic);
    assert!(detail.contains("after the store committed"), "{detail}");
    assert_eq!(stored, 1, "the row is stored but was never acknowledged");
    let message = s
        .append(&event("acme", "fixture.store_then_panic"))
        .expect_err("traps")
        .to_string();
    assert!(
        message.ends_with("after the store had committed 1 row(s)"),
        "{message}"
    );
    let mut storage = s.into_storage().expect("the store comes back");
    assert_eq!(storage.head("acme").expect("head").map(|h| h.seq), Some(2));
}

#[test]
fn memory_beyond_the_limit_fails_cleanly_in_the_real_component() {
    // 24 MiB of valid JSON Lines: parsed into values it needs several times
    // that, over a 32 MiB instance.
    let runtime = audit_host::Runtime::new(options(32, 30_000)).expect("runtime");
    let line = r#"{"tenant":"acme","action":"user.updated","actor":{"id":"u_42","kind":"user"},"outcome":"success","metadata":{"k":[1,2,3,4,5,6,7,8]}}"#;
    let text = format!("{line}\n").repeat(24 * 1024 * 1024 / (line.len() + 1));
    let (_dir, path) = temp_store();
    let store = audit_host::SqliteStore::open(&path).expect("store");
    let mut s = runtime.session(Box::new(store), clock());
    match s.parse_inputs(&text, None) {
        Err(HostError::Trap {
            kind: TrapKind::OutOfMemory,
            ..
        }) => {}
        other => panic!("expected out of memory, got {:?}", other.map(|v| v.len())),
    }
    // The host is alive, nothing was stored, and the next call works.
    assert_eq!(raw_rows(&path, "acme").len(), 0);
    assert_eq!(
        s.append(&event("acme", "user.updated"))
            .expect("append")
            .seq,
        1
    );
}

#[test]
fn deep_nesting_of_a_million_levels_is_a_typed_error() {
    let (_dir, path) = temp_store();
    let mut s = session(&path);
    let deep = "[".repeat(1_000_000) + &"]".repeat(1_000_000);
    // Through the codec: the JSON parser's depth limit.
    let text = format!(
        r#"{{"tenant":"acme","action":"user.updated","actor":{{"id":"u","kind":"user"}},"outcome":"success","after":{deep}}}"#
    );
    match s.parse_inputs(&text, None) {
        Err(HostError::Audit(Error::InvalidInput(f))) => {
            assert_eq!(f.field, "events[0]");
            assert!(
                f.reason
                    .contains("nested deeper than the limit of 127 levels"),
                "{}",
                f.reason
            );
        }
        other => panic!("{:?}", other.map(|v| v.len())),
    }
    // Straight into append: 2,000,000 bytes is over the state limit...
    let mut input = event("acme", "user.updated");
    input.after = Some(deep);
    match s.append(&input) {
        Err(HostError::Audit(Error::LimitExceeded(l))) => {
            assert_eq!((l.field.as_str(), l.actual), ("after", 2_000_000));
        }
        other => panic!("{other:?}"),
    }
    // ...and 400,000 levels within it meet the depth limit.
    input.after = Some("[".repeat(400_000) + &"]".repeat(400_000));
    match s.append(&input) {
        Err(HostError::Audit(Error::InvalidInput(f))) => {
            assert_eq!(f.field, "after");
            assert!(f.reason.contains("nested deeper"), "{}", f.reason);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        s.append(&event("acme", "user.updated"))
            .expect("append")
            .seq,
        1
    );
}

#[test]
fn oversized_and_invalid_input_is_refused_before_the_component() {
    // The fixture counts the calls that reach it: a refused call leaves the
    // count where it was.
    let runtime = fixture(audit_host::Options {
        max_input_bytes: 1024 * 1024,
        ..options(64, 2_000)
    });
    let mut s = runtime.session(Box::new(MemoryStore::new()), clock());

    let mut big = event("acme", "user.updated");
    big.after = Some(format!("\"{}\"", "x".repeat(2 * 1024 * 1024)));
    let l = limit_error(s.append(&big));
    assert_eq!(
        l,
        LimitError {
            field: "after".into(),
            limit: 1024 * 1024,
            actual: 2 * 1024 * 1024 + 2,
            unit: "bytes".into()
        }
    );
    let mut batch = vec![event("acme", "user.updated"); 3];
    batch[2].targets[0].name = Some("n".repeat(1024 * 1024 + 1));
    assert_eq!(
        limit_error(s.append_batch(&batch)).field,
        "events[2].targets[0].name"
    );
    let mut spread = event("acme", "user.updated");
    spread.metadata = Some(format!("{{\"k\":\"{}\"}}", "m".repeat(200 * 1024)));
    let l = limit_error(s.append_batch(&vec![spread; 6]));
    assert_eq!((l.field.as_str(), l.unit.as_str()), ("events", "bytes"));
    let l = limit_error(s.append_batch(&vec![event("acme", "user.updated"); 10_001]));
    assert_eq!(
        (l.field, l.limit, l.actual, l.unit.as_str()),
        ("events".into(), 10_000, 10_001, "items")
    );
    let l = limit_error(s.parse_inputs(&" ".repeat(1024 * 1024 + 1), None));
    assert_eq!(l.field, "input");

    let latin1 = b"{\"tenant\":\"acme\",\"actor\":{\"id\":\"Jos\xe9\"}}";
    match s.parse_input_bytes(latin1, None) {
        Err(e @ HostError::Refused(Error::InvalidInput(_))) => {
            assert_eq!(e.to_string(), "input: not valid UTF-8 (at byte 35)");
        }
        other => panic!("{:?}", other.map(|v| v.len())),
    }
    assert_eq!(
        other(s.append(&event("acme", "user.updated"))),
        fresh_call(1),
        "nothing reached the component"
    );
}

#[test]
fn a_looping_tenant_does_not_hold_up_the_others() {
    let looping = fixture(options(64, 1_000));
    let real = runtime().clone();
    assert!(
        wasmtime::Engine::same(looping.engine(), real.engine()),
        "one engine per process"
    );
    let stuck = std::thread::spawn(move || {
        let mut s = looping.session(Box::new(MemoryStore::new()), clock());
        trap(s.append(&event("acme", "fixture.loop"))).0
    });
    let others: Vec<_> = ["t1", "t2", "t3"]
        .into_iter()
        .map(|tenant| {
            let real = real.clone();
            std::thread::spawn(move || {
                let start = Instant::now();
                let mut s = real.session(Box::new(MemoryStore::new()), clock());
                for _ in 0..20 {
                    s.append(&event(tenant, "user.updated")).expect("append");
                }
                start.elapsed()
            })
        })
        .collect();
    for t in others {
        let took = t.join().expect("appender");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
    assert_eq!(stuck.join().expect("looper"), TrapKind::Deadline);
}

#[test]
fn integrity_calls_are_refused_before_the_component_too() {
    let runtime = fixture(audit_host::Options {
        max_input_bytes: 1024 * 1024,
        ..options(64, 2_000)
    });
    let mut s = runtime.session(Box::new(MemoryStore::new()), clock());
    let big = "c".repeat(2 * 1024 * 1024);
    assert_eq!(
        limit_error(s.verify("acme", std::slice::from_ref(&big), &[])).field,
        "checkpoints"
    );
    assert_eq!(
        limit_error(s.verify("acme", &[], std::slice::from_ref(&big))).field,
        "public_keys"
    );
    assert_eq!(limit_error(s.export_proof(&big, 1)).field, "checkpoint");
    let l = limit_error(s.verify_export(
        audit_host::session::integrity::ExportFormat::Jsonl,
        &vec![b'x'; 5 * 1024 * 1024],
        &[],
    ));
    assert_eq!((l.field.as_str(), l.limit), ("content", 4 * 1024 * 1024));
    let mut actor = event("acme", "user.updated").actor;
    actor.name = Some(big.clone());
    assert_eq!(limit_error(s.purge("acme", &actor)).field, "actor");
    assert_eq!(
        other(s.append(&event("acme", "user.updated"))),
        fresh_call(1),
        "nothing reached the component"
    );
}

fn limit_error<T>(result: Result<T, HostError>) -> LimitError {
    match result {
        Err(HostError::Refused(Error::LimitExceeded(l))) => l,
        Err(e) => panic!("expected a refusal, got {e}"),
        Ok(_) => panic!("expected a refusal"),
    }
}

#[test]
fn more_live_sessions_than_instance_slots_is_a_typed_error() {
    use audit_host::engine::Allocation;
    assert_eq!(
        runtime().allocation(),
        Allocation::Pooling { max_instances: 256 },
        "the default runtime pools its instances"
    );
    // A pool of two (its own engine: the pool is the engine's).
    let small = fixture(audit_host::Options {
        max_instances: 2,
        ..options(64, 2_000)
    });
    assert_eq!(small.allocation(), Allocation::Pooling { max_instances: 2 });
    let session = || small.session(Box::new(MemoryStore::new()), clock());
    let (mut a, mut b, mut c) = (session(), session(), session());
    a.instantiate().expect("first slot");
    b.instantiate().expect("second slot");
    match c.append(&event("acme", "user.updated")) {
        Err(e @ HostError::Exhausted(_)) => {
            assert!(
                e.to_string()
                    .starts_with("too many audit sessions at once: "),
                "{e}"
            );
        }
        other => panic!("expected exhaustion, got {other:?}"),
    }
    // A trap frees its slot at once; so does a session that ends.
    trap(a.append(&event("acme", "fixture.panic")));
    assert_eq!(
        other(c.append(&event("acme", "user.updated"))),
        fresh_call(1)
    );
    drop(b);
    assert_eq!(
        other(a.append(&event("acme", "user.updated"))),
        fresh_call(1)
    );
}
