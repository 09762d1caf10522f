//! The engine configurations `Runtime` could use, compared on per-request
//! work in one run: the on-demand instance allocator (what `audit-host`
//! uses, `max_instances: 0`) against wasmtime's pooling allocator (the
//! library's default), and epoch interruption (what `Runtime` uses) against
//! fuel metering.
//!
//! `cargo bench -p host-runner --bench engines`. For each configuration:
//! instantiation alone (a store made, the component instantiated, both
//! dropped), a whole request (the same plus one `append` into an in-memory
//! store), and a heavy call (a batch of 100 events with 1.5 KB states),
//! where the cost of interruption checks shows. Medians of 20 samples, the
//! fastest in brackets; the configurations' samples alternate, and the
//! ratios are of medians of the same run.

use audit_host::bindings::{Actor, ActorKind, AuditPre, EventInput, Outcome, RequestContext};
use audit_host::state::HostState;
use audit_host::{MemoryStore, SteppingClock, runtime};
use std::time::{Duration, Instant};
use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};

const MEMORY_LIMIT: usize = 512 * 1024 * 1024;

#[derive(Clone, Copy, PartialEq)]
enum Interrupt {
    Epoch,
    Fuel,
}

struct Setup {
    label: &'static str,
    pre: AuditPre<HostState>,
    interrupt: Interrupt,
}

fn setup(label: &'static str, pooling: bool, interrupt: Interrupt) -> Setup {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.cranelift_opt_level(wasmtime::OptLevel::Speed);
    match interrupt {
        Interrupt::Epoch => config.epoch_interruption(true),
        Interrupt::Fuel => config.consume_fuel(true),
    };
    if pooling {
        let mut pool = PoolingAllocationConfig::new();
        // As `Runtime` configures it (host-runner/src/engine.rs).
        let slots = audit_host::engine::DEFAULT_MAX_INSTANCES;
        pool.total_component_instances(slots)
            .total_core_instances(slots * 8)
            .total_memories(slots * 2)
            .total_tables(slots * 8)
            .max_memory_size(4 << 30);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    let start = Instant::now();
    let engine = Engine::new(&config).expect("engine");
    println!(
        "{label:<28} Engine::new {:.2} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let component = Component::new(&engine, audit_host::runtime::COMPONENT).expect("compiles");
    let linker = runtime::linker(&engine).expect("linker");
    let pre = AuditPre::new(linker.instantiate_pre(&component).expect("pre")).expect("pre");
    Setup {
        label,
        pre,
        interrupt,
    }
}

impl Setup {
    fn store(&self) -> Store<HostState> {
        let clock = SteppingClock::parse("2026-11-21T10:00:00Z").expect("time");
        let state = HostState::new(Box::new(MemoryStore::new()), Box::new(clock), MEMORY_LIMIT);
        let mut store = Store::new(self.pre.engine(), state);
        store.limiter(|s| &mut s.limiter);
        match self.interrupt {
            Interrupt::Epoch => store.set_epoch_deadline(u64::MAX / 2),
            Interrupt::Fuel => store.set_fuel(u64::MAX / 2).expect("fuel"),
        }
        store
    }
}

/// One operation measured on a configuration.
type Op<'a> = &'a dyn Fn(&Setup);

fn main() {
    let setups = [
        setup("on-demand, epoch (CLI)", false, Interrupt::Epoch),
        setup("pooling, epoch (library)", true, Interrupt::Epoch),
        setup("on-demand, fuel", false, Interrupt::Fuel),
    ];
    let one = input(0);
    let batch: Vec<EventInput> = (0..100).map(input).collect();
    let instantiate = |s: &Setup| {
        let mut store = s.store();
        s.pre.instantiate(&mut store).expect("instantiate");
    };
    let request = |s: &Setup| {
        let mut store = s.store();
        let audit = s.pre.instantiate(&mut store).expect("instantiate");
        audit
            .audit_log_log()
            .call_append(&mut store, &one)
            .expect("no trap")
            .expect("appended");
    };
    let heavy = |s: &Setup| {
        let mut store = s.store();
        let audit = s.pre.instantiate(&mut store).expect("instantiate");
        audit
            .audit_log_log()
            .call_append_batch(&mut store, &batch)
            .expect("no trap")
            .expect("appended");
    };
    // Samples of the configurations alternate, so that a busy spell of the
    // (shared) machine hits them alike.
    let columns: [(&str, Op, usize); 3] = [
        ("instantiate", &instantiate, 200),
        ("instantiate + append", &request, 100),
        ("append-batch of 100", &heavy, 10),
    ];
    let mut samples = vec![vec![Vec::new(); columns.len()]; setups.len()];
    for round in 0..21 {
        for (c, (_, op, per_sample)) in columns.iter().enumerate() {
            for (i, s) in setups.iter().enumerate() {
                let start = Instant::now();
                for _ in 0..*per_sample {
                    op(s);
                }
                if round > 0 {
                    samples[i][c].push(start.elapsed() / *per_sample as u32);
                }
            }
        }
    }
    print!("{:<28}", "");
    for (name, _, _) in &columns {
        print!(" {name:>22}");
    }
    println!();
    for (i, s) in setups.iter().enumerate() {
        print!("{:<28}", s.label);
        for column in &samples[i] {
            print!(" {:>22}", show(column));
        }
        println!();
    }
    // The first configuration is the base of both ratios.
    for (c, (name, _, _)) in columns.iter().enumerate() {
        let base = median(&samples[0][c]);
        println!(
            "{name}: pooling/on-demand {:.2}, fuel/epoch {:.2}",
            median(&samples[1][c]) / base,
            median(&samples[2][c]) / base
        );
    }
}

fn median(samples: &[Duration]) -> f64 {
    let mut v = samples.to_vec();
    v.sort();
    v[v.len() / 2].as_secs_f64()
}

fn show(samples: &[Duration]) -> String {
    let mut v = samples.to_vec();
    v.sort();
    format!(
        "{:.1} µs [{:.1}]",
        v[v.len() / 2].as_secs_f64() * 1e6,
        v[0].as_secs_f64() * 1e6
    )
}

/// A profile edit with 1.5 KB states, as in the append benchmark.
fn input(i: usize) -> EventInput {
    let state = |role: &str| {
        format!(
            r#"{{"first_name":"John","last_name":"Smith","role":"{role}","logins":{i},"notes":"{}"}}"#,
            "Long free-text note about the agent's onboarding and coaching plan. ".repeat(20)
        )
    };
    EventInput {
        tenant: "acme".into(),
        action: "user.updated".into(),
        actor: Actor {
            id: format!("u_{}", i % 97),
            name: Some("Ana Admin".into()),
            email: None,
            kind: ActorKind::User,
        },
        targets: vec![],
        outcome: Outcome::Success,
        context: RequestContext {
            ip: Some("203.0.113.9".into()),
            user_agent: None,
            session_id: None,
            request_id: None,
        },
        occurred_at: None,
        before: Some(state("agent")),
        after: Some(state("supervisor")),
        idempotency_key: None,
        metadata: None,
    }
}
